"""A `--set` whose value YAML cannot read hides no problem of the `--out` folder: both are listed
in one message, under the heading of both, by `solve` and by `check` alike; nothing is written.
The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

BROKEN = ("  - --set constraints.redline.buffer_m | YAML syntax error: the '[' opened at column 1 is never closed (got "
          "'[1,'); close it with ']'")
FILE = ("  - --out | the output folder is an existing file, not a folder (got afile); give the path of a new folder, "
        "an empty one, or an earlier output folder")


@pytest.mark.parametrize("command", ["solve", "check"])
def test_a_broken_set_hides_no_out_folder_problem(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    (folder / "afile").write_text("a file of the user's\n")
    assert main([command, "scenario.yaml", "--quiet", "--out", "afile", "--set", "constraints.redline.buffer_m=[1,"]
                ) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines() == ["error: 2 problems in the input and with the output folder:", BROKEN, FILE]
    assert (folder / "afile").read_text() == "a file of the user's\n"


def test_a_broken_set_without_out_is_said_alone(folder: Path, capsys, monkeypatch):
    """Without --out the folder is the scenario's output.folder, which a broken --set may name:
    it is not checked."""
    monkeypatch.chdir(folder)
    assert main(["check", "scenario.yaml", "--quiet", "--set", "constraints.redline.buffer_m=[1,"]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: 1 problem in the input:", BROKEN]
