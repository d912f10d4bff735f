"""A refused flag value (`--time-limit 0`, `--alternatives 0`) and `--slack` without
`--alternatives` are listed with every other problem `solve` finds before it solves: the
scenario's, its layers' and the output folder's (under the heading of both), each once, in one
message; `--slack` without `--alternatives` no longer hides the scenario's problems, nor does a
refused flag hide the output folder's. `check` gives the same message. Solves and writes nothing.
The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

TIME = "  - --time-limit | must be a finite number of seconds greater than 0 (got '0'); give e.g. --time-limit 60"
SLACK = ("  - --slack | applies to the alternatives only (got 0.1 without --alternatives); add --alternatives N, or "
         "drop --slack")
ALTERNATIVES = "  - --alternatives | must be a whole number from 1 to 99 (got '0'); give e.g. --alternatives 5"
FILE = ("  - --out | the output folder is an existing file, not a folder (got afile); give the path of a new folder, "
        "an empty one, or an earlier output folder")
CATALOG = ("  - scenario.yaml: --set catalog | no such file (got 'nope.yaml'); give the path of the catalog file (a "
           "relative path in --set starts at the current folder)")


def refused(folder: Path, capsys: pytest.CaptureFixture[str], options: list[str]) -> list[str]:
    """The lines of standard error of `solve` with `options`, refused (exit 2, no traceback,
    nothing written), which `check` gives word for word."""
    before = sorted(p.name for p in folder.iterdir())
    lines = []
    for command in ("solve", "check"):
        assert main([command, "scenario.yaml", "--quiet", *options]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and "usage:" not in err
        lines.append(err.replace(str(folder) + "/", "").splitlines())
        assert sorted(p.name for p in folder.iterdir()) == before
    assert lines[0] == lines[1]
    return lines[0]


@pytest.mark.parametrize(("options", "expected"), [
    (["--time-limit", "0", "--slack", "0.1"], ["error: 2 problems in the input:", TIME, SLACK]),
    (["--slack", "0.1", "--set", "catalog=nope.yaml"], ["error: 2 problems in the input:", SLACK, CATALOG]),
    (["--time-limit", "0", "--out", "afile"], ["error: 2 problems in the input and with the output folder:", TIME,
                                               FILE]),
    (["--slack", "0.1", "--out", "afile"], ["error: 2 problems in the input and with the output folder:", SLACK,
                                            FILE]),
    (["--alternatives", "0", "--slack", "0.1", "--out", "afile", "--set", "catalog=nope.yaml"],
     ["error: 3 problems in the input and with the output folder:", ALTERNATIVES, CATALOG, FILE]),
])
def test_bad_options_hide_no_other_problem(folder: Path, capsys, monkeypatch, options, expected):
    monkeypatch.chdir(folder)
    (folder / "afile").write_text("a file of the user's\n")
    assert refused(folder, capsys, options) == expected
    assert (folder / "afile").read_text() == "a file of the user's\n"
