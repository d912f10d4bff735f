"""`compare` with a `--set` it cannot read lists the problems of the `--out` folder with it, under
the heading of both, as `solve` does (siting/cli.py `run_overrides`), with a refused flag value
too; without a folder problem, the `--set`'s alone. Solves and writes nothing. The small scenario
of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

ONE_VALUE = ("  - --set solver.threads=1,2 | takes one value (got 2); to run several values, use siting sweep --set "
             "solver.threads=1,2")
WORKERS = "  - --workers | must be a whole number of at least 1 (got '0'); give e.g. --workers 2"
FILE = ("  - --out | the output folder is an existing file, not a folder (got afile); give the path of a new folder, "
        "an empty one, or an earlier output folder")


@pytest.mark.parametrize(("options", "expected"), [
    (["--out", "afile"], ["error: 2 problems in the input and with the output folder:", ONE_VALUE, FILE]),
    (["--workers", "0", "--out", "afile"],
     ["error: 3 problems in the input and with the output folder:", WORKERS, ONE_VALUE, FILE]),
    (["--out", "new"], ["error: 1 problem in the input:", ONE_VALUE]),
])
def test_an_unreadable_set_hides_not_the_folders_problems(folder: Path, capsys, monkeypatch, options, expected):
    monkeypatch.chdir(folder)
    (folder / "other.yaml").write_text((folder / "scenario.yaml").read_text().replace("name: small", "name: other"))
    (folder / "afile").write_text("a file of the user's\n")
    before = sorted(p.name for p in folder.iterdir())
    assert main(["compare", "scenario.yaml", "other.yaml", "--set", "solver.threads=1,2", "--quiet", *options]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "usage:" not in err
    assert err.replace(str(folder) + "/", "").splitlines() == expected
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "afile").read_text() == "a file of the user's\n"
