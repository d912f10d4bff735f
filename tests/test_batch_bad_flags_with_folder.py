"""A refused flag value of `compare` or `sweep` (`--workers 0`, `--time-limit 0`) is listed with
every other problem the command finds before it runs any: its scenarios', their layers' and the
output folder's, under the heading of both when the folder is refused, as `solve` and `check` list
them (tests/test_bad_options_together.py). Solves and writes nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

WORKERS = "  - --workers | must be a whole number of at least 1 (got '0'); give e.g. --workers 2"
TIME = "  - --time-limit | must be a finite number of seconds greater than 0 (got '0'); give e.g. --time-limit 60"
FILE = ("  - --out | the output folder is an existing file, not a folder (got afile); give the path of a new folder, "
        "an empty one, or an earlier output folder")
SITES = ("  - scenario.yaml: nope.geojson: sites layer not found; check --set layers.sites.path (a relative path in "
         "--set starts at the current folder)")
CELLS = ("  - scenario.yaml: --set targets.capacity.cells.2024 | must be a number (got 'abc'); write the number alone, "
         "in GWh/yr, e.g. 10")


def refused(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> list[str]:
    """The lines of standard error of `command`, refused (exit 2, no traceback, nothing written)."""
    (folder / "afile").write_text("a file of the user's\n")
    before = sorted(p.name for p in folder.iterdir())
    assert main([*command, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "usage:" not in err
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "afile").read_text() == "a file of the user's\n"
    return err.replace(str(folder) + "/", "").splitlines()


@pytest.mark.parametrize(("command", "expected"), [
    (["compare", "scenario.yaml", "other.yaml", "--workers", "0", "--out", "afile"],
     ["error: 2 problems in the input and with the output folder:", WORKERS, FILE]),
    (["compare", "scenario.yaml", "other.yaml", "--time-limit", "0", "--set", "layers.sites.path=nope.geojson",
      "--out", "afile"],
     ["error: 3 problems in the input and with the output folder:", TIME,
      SITES.replace("scenario.yaml: ", "scenario.yaml, other.yaml: "), FILE]),
    (["sweep", "scenario.yaml", "--set", "targets.capacity.cells.2024=10,20", "--workers", "0", "--out", "afile"],
     ["error: 2 problems in the input and with the output folder:", WORKERS, FILE]),
    (["sweep", "scenario.yaml", "--set", "targets.capacity.cells.2024=10,abc", "--time-limit", "0",
      "--out", "afile"],
     ["error: 3 problems in the input and with the output folder:", TIME, CELLS, FILE]),
    (["sweep", "scenario.yaml", "--set", "targets.capacity.cells.2024=10,abc", "--time-limit", "0"],
     ["error: 2 problems in the input:", TIME, CELLS]),
])
def test_a_bad_flag_of_a_batch_hides_no_other_problem(folder: Path, capsys, monkeypatch, command, expected):
    monkeypatch.chdir(folder)
    (folder / "other.yaml").write_text((folder / "scenario.yaml").read_text().replace("name: small", "name: other"))
    assert refused(folder, capsys, command) == expected


def test_the_batch_itself_gives_the_same_problems_without_the_flag(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    lines = refused(folder, capsys, ["sweep", "scenario.yaml", "--set", "targets.capacity.cells.2024=10,abc",
                                     "--out", "afile"])
    assert lines == ["error: 2 problems in the input and with the output folder:", CELLS, FILE]
