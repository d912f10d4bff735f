"""A malformed `--scheduler` of `compare` and `sweep` is listed with every other problem of the
command line, as a refused flag is (siting/cli.py `option_problems`): alone it used to hide the
scenarios' `--set` problems, and beside a refused `--out` it was itself left out. The address is
only checked for its form: nothing is connected to, no run starts and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

SCHEDULER = ("--scheduler | must be 'local' or the address of a Dask scheduler, [scheme://]host:port (got 'locall': "
             "no port number (host:port, e.g. port 8786)); give e.g. --scheduler tcp://10.0.0.5:8786")
UNKNOWN = "--set foo | unknown setting 'foo'"
URL_OUT = "--out | is a URL (got 'https://example.com/o')"


@pytest.fixture
def small(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario's folder as the current folder, b.yaml beside scenario.yaml; running
    any case fails the test."""
    (folder / "b.yaml").write_text("extends: scenario.yaml\nname: b\n")
    monkeypatch.chdir(folder)
    monkeypatch.setattr("siting.runs.batch.run_cases", lambda *_a, **_k: pytest.fail("a refused batch ran a case"))
    return folder


def problems(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The problems `siting <args>` lists, exit 2 and no traceback."""
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return [line[4:] for line in err.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize("command", [["compare", "scenario.yaml", "b.yaml", "--set", "foo=1"],
                                     ["sweep", "scenario.yaml", "--set", "foo=1,2"]])
def test_a_malformed_scheduler_hides_no_set_problem(small: Path, command: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    listed = problems([*command, "--out", "out", "--scheduler", "locall"], capsys)
    assert listed[0] == SCHEDULER, listed
    assert any(UNKNOWN in problem for problem in listed[1:]), listed
    assert not (small / "out").exists()


@pytest.mark.parametrize("command", [["compare", "scenario.yaml", "b.yaml"], ["sweep", "scenario.yaml", "--set",
                                                                                "targets.capacity.cells.2024=10,20"]])
def test_a_malformed_scheduler_is_listed_beside_a_refused_out(small: Path, command: list[str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    listed = problems([*command, "--out", "https://example.com/o", "--workers", "0", "--scheduler", "locall"], capsys)
    assert listed[0].startswith(URL_OUT), listed
    assert listed[1].startswith("--workers | "), listed
    assert SCHEDULER in listed, listed
