"""The problems of bad input ("error: N problems in the input:", on standard error) are wrapped
to the terminal's width only where standard error is a terminal: each problem's continuation
lines under its text, a figure never parted from its unit, the file it names never broken. Into
a file, a pipe or a CI log each problem stays one line, whatever COLUMNS says, so that it can be
searched line by line and the message is the same wherever it runs."""

from __future__ import annotations

import io
import sys

import pytest

from siting import cli
from siting.config.errors import InputError, OutputFolderError
from siting.deliver.tables import display_width

FILE = "/data/siting runs/yunnan 2024 budget study/scenario.yaml"
PROBLEMS = [
    f"{FILE}:12: candidates.cell_size_m | would give about 64,880,266,469 cells over the 64,880 km2 of the "
    "clusters, more than the 200,000 a scenario may have (got 1); use a cell_size_m of at least 570 m (or an "
    "allowed_zone that keeps less land)",
    "scenarios/yunnan_2024.yaml: constraints.budget.capex_yuan_per_yr.2024 | must be a number of yuan (got "
    "'lots'); give the yearly budget in yuan, e.g. 1300000000 for 1.30 bn yuan",
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _logical(printed: list[str]) -> list[str]:
    """The printed lines joined back into the lines they continue (a continuation is indented
    further than a problem's "  - ")."""
    joined: list[str] = []
    for line in printed:
        if joined and line.startswith("    "):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return joined


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("error", [InputError, OutputFolderError])
def test_input_problems_are_wrapped_on_a_terminal(monkeypatch: pytest.MonkeyPatch, error: type[InputError],
                                                  columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    exc = error(PROBLEMS)
    assert cli._error_exit(exc, False) == 2
    printed = err.getvalue().splitlines()
    # every line fits, but for one holding the file's path, which is never broken
    assert all(display_width(line) <= columns or line in (f"  - {FILE}:12:", f"    {FILE}:12:") for line in printed)
    assert _logical(printed) == f"error: {exc}".splitlines()  # not a word lost, added or moved
    assert sum(line.startswith("  - ") for line in printed) == len(PROBLEMS)
    assert all(line.startswith(("error: ", "  - ", "    ")) for line in printed)
    assert any(FILE in line for line in printed)  # the file's path whole, spaces and all
    for figure in ("64,880 km2", "570 m", "1.30 bn yuan"):
        assert any(figure in line for line in printed), figure


@pytest.mark.parametrize("columns", [None, "80"])
def test_input_problems_stay_one_line_each_off_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    exc = InputError(PROBLEMS)
    assert cli._error_exit(exc, False) == 2
    assert capsys.readouterr().err == f"error: {exc}\n"
