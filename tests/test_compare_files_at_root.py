"""comparison.csv's row `scenario file` names each run's file relative to the deepest folder the
files share; where that is only the file system's root (/data/a.yaml beside /srv/b.yaml), the
paths are given whole: "work/a.yaml" read as a path from the current folder, which it is not."""

from __future__ import annotations

from pathlib import Path

from siting.runs.batch import scenario_file_names


def test_files_that_share_only_the_root_are_named_by_their_whole_paths() -> None:
    assert scenario_file_names([Path("/data/x/a.yaml"), Path("/srv/y/b.yaml")]) == ["/data/x/a.yaml",
                                                                                 "/srv/y/b.yaml"]


def test_files_that_share_a_folder_are_named_from_it() -> None:
    assert scenario_file_names([Path("/data/x/a.yaml"), Path("/data/y/a.yaml")]) == ["x/a.yaml", "y/a.yaml"]
