"""An output folder holding files siting did not write names them up to SHOWN_FOREIGN (5) and counts
the rest; one past the five is named, not counted ("f1.txt, ..., f6.txt", not "... f5.txt and 1 more"),
as siting/config/units.py `joined` names one past its limit. Changes nothing on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.deliver.folders import destination_problems

FIX = "choose another folder, or empty this one: a run replaces only an empty folder or one it wrote"


@pytest.mark.parametrize(("count", "named"), [
    (6, "f1.txt, f2.txt, f3.txt, f4.txt, f5.txt, f6.txt"),
    (7, "f1.txt, f2.txt, f3.txt, f4.txt, f5.txt and 2 more"),
])
def test_one_file_past_the_limit_is_named(tmp_path: Path, count: int, named: str) -> None:
    for i in range(1, count + 1):
        (tmp_path / f"f{i}.txt").write_text("mine")
    assert destination_problems(tmp_path, [], "--out") == [
        f"--out | the output folder is a folder without a .siting-run marker, holding files siting did not write: "
        f"{named} (got {tmp_path}); {FIX}"]
    assert len(list(tmp_path.iterdir())) == count
