"""`shown_path` resolves symbolic links only where the answer needs them (`_relative_to`), and
names the files as it did."""

from __future__ import annotations

import os
from pathlib import Path

from siting.config.load import _relative_to, shown_path


def test_relative_to_gives_the_path_under_the_folder_or_none():
    assert _relative_to("/a/b/c.geojson", "/a") == "b/c.geojson"
    assert _relative_to("/a", "/a") == "."
    assert _relative_to("/ab/c.geojson", "/a") is None  # a folder whose name only starts the same


def test_shown_path_names_a_file_reached_through_a_link_from_the_current_folder(tmp_path, monkeypatch):
    """A file reached through a symbolic link that leads out of the current folder is named by the
    link, as typed; one whose link stays inside it by its own path."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.geojson").write_text("{}")
    (tmp_path / "run").mkdir()
    os.symlink(tmp_path / "data", tmp_path / "run" / "link")
    monkeypatch.chdir(tmp_path / "run")
    assert shown_path(Path("link/x.geojson")) == "link/x.geojson"
    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "run" / "link" / "x.geojson") == "run/link/x.geojson"
