"""`compare` and `sweep` lay their printed tables out to the terminal's width (`terminal_width`:
the environment's COLUMNS, then the terminal's own size; 120 on a file or a pipe without COLUMNS,
no narrower than NARROWEST_WIDTH), while comparison.md and comparison.csv stay the same bytes
whatever the terminal. The runs are tests/test_compare_terminal.py's docs/COMPARING.md example (three runs,
too wide side by side in 120) and its sweep of three red-line buffers."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_compare_terminal import readme_runs, sweep_runs

from siting.cli import batch_report, main
from siting.deliver.tables import TERMINAL_WIDTH, display_width
from siting.runs.tables import (
    NARROWEST_WIDTH,
    comparison_table,
    comparison_text,
    sweep_text,
    terminal_width,
)
from tests.conftest import MadeRun, compared_inputs

WIDTHS = (80, 100, 160)


class Terminal(io.StringIO):
    """Standard output as a terminal (`isatty`), its size whatever os.get_terminal_size says."""

    def isatty(self) -> bool:
        return True


def widest(text: str) -> int:
    return max(display_width(line) for line in text.splitlines())


def names_whole(text: str, names: list[str]) -> None:
    """Each run's name is on a line whole, or over lines broken only after "_", "-", "." or a space."""
    words = re.findall(r"\S+", text)
    for name in names:
        assert name in words or any(  # a name broken over header lines: its pieces each end at a break
            piece.endswith(("_", "-", ".")) for piece in words if name.startswith(piece) and piece != name), name


@pytest.mark.parametrize("width", WIDTHS)
def test_the_comparison_fits_each_width(width: int) -> None:
    runs = readme_runs()
    text = comparison_text(comparison_table(runs), runs, "comparison.csv", width)
    assert widest(text) <= width
    names_whole(text, [run.label for run in runs])


def test_a_wider_terminal_shows_more_side_by_side() -> None:
    """In 120 the no-differentiation run's name wraps after "_"; in 160 the three runs' names are
    whole on one line, their differences still under them; in 200 each run's differences follow its
    column in one table."""
    runs = readme_runs()
    table = comparison_table(runs)
    first = {width: re.split(r" {2,}", comparison_text(table, runs, "comparison.csv", width).splitlines()[0])
             for width in (TERMINAL_WIDTH, 160, 200)}
    assert first[TERMINAL_WIDTH][-1] == "yunnan_2024_no_"
    assert first[160] == ["metric", "unit", "yunnan_2024", "yunnan_2024_strict_redline",
                          "yunnan_2024_no_differentiation"]
    assert first[200] == ["metric", "unit", "yunnan_2024", "yunnan_2024_strict_redline",
                          "yunnan_2024_strict_redline vs yunnan_2024:", "yunnan_2024_no_differentiation",
                          "yunnan_2024_no_"]
    assert "Differences against the baseline" in comparison_text(table, runs, "comparison.csv", 160)
    assert "Differences against the baseline" not in comparison_text(table, runs, "comparison.csv", 200)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sweep_fits_each_width(width: int) -> None:
    table, summaries = sweep_runs()
    assert widest(sweep_text(table, "sweep.csv", summaries, width)) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_the_command_line_follows_columns(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """batch_report, which `compare` and `sweep` print, at COLUMNS=80, 100, 160: no line wider, and
    the table as comparison_text lays it out in that width."""
    monkeypatch.setenv("COLUMNS", str(width))
    runs = readme_runs()
    batch = SimpleNamespace(table=comparison_table(runs), runs=runs, folder=Path("cmp"))
    printed = batch_report(batch, "comparison")
    assert widest(printed) <= width
    assert printed.startswith(comparison_text(batch.table, runs, "comparison.csv", width))
    table, summaries = sweep_runs()
    assert widest(batch_report(SimpleNamespace(table=table, runs=summaries, folder=Path("sw")), "sweep")) <= width


def test_120_on_a_file_or_pipe_without_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output no terminal and COLUMNS unset: 120, whatever size a terminal elsewhere has,
    and the comparison printed exactly as before."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(os, "get_terminal_size", lambda *fd: os.terminal_size((200, 50)))
    assert terminal_width(io.StringIO()) == TERMINAL_WIDTH == 120
    runs = readme_runs()
    batch = SimpleNamespace(table=comparison_table(runs), runs=runs, folder=Path("cmp"))
    with contextlib.redirect_stdout(io.StringIO()):
        printed = batch_report(batch, "comparison")
    assert printed.startswith(comparison_text(batch.table, runs, "comparison.csv") + "\n")
    assert widest(printed) == 120  # the notes; the tables take 114 and 110


def test_a_terminal_gives_its_own_width_and_columns_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(os, "get_terminal_size", lambda *fd: os.terminal_size((97, 50)))
    assert terminal_width(Terminal()) == 97
    monkeypatch.setenv("COLUMNS", "150")
    assert terminal_width(Terminal()) == 150
    assert terminal_width(io.StringIO()) == 150  # COLUMNS counts for a file too, as it asks
    monkeypatch.setenv("COLUMNS", "not a number")
    assert terminal_width(io.StringIO()) == 120


@pytest.mark.parametrize("columns", ["40", "1"])
def test_a_very_narrow_terminal_gets_the_narrowest_layout(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS=40 (or 1) lays out as NARROWEST_WIDTH (60) does: five tables, each the row labels
    and one run or one run's differences, no line wider than 60 (the strict red line's differences
    beside "objective difference: proven range" and the unit took 78: its columns narrowed, their
    cells wrapped under their row), as the notes; no name broken inside a word."""
    monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width() == NARROWEST_WIDTH == 60
    runs = readme_runs()
    table = comparison_table(runs)
    printed = batch_report(SimpleNamespace(table=table, runs=runs, folder=Path("cmp")), "comparison")
    assert printed.startswith(comparison_text(table, runs, "comparison.csv", NARROWEST_WIDTH))
    tables, notes = printed.split("\n\nThe row `objective difference")
    assert widest(notes) <= NARROWEST_WIDTH
    assert widest(tables) == NARROWEST_WIDTH
    assert "\n  proven range\n" in tables  # the label "objective difference: proven range", wrapped
    assert printed.count("\nmetric ") == 4  # three runs, two differences: five tables
    names_whole(printed, [run.label for run in runs])


def test_comparison_files_are_the_same_bytes_at_any_width(small_compare_run: MadeRun, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The small scenario compared at COLUMNS=80 prints lines of 80 at most but the closing one
    naming the folder, where `small_compare_run` (no COLUMNS, printed into a text buffer: 120)
    printed wider ones; comparison.md and comparison.csv are byte for byte its own."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    scenarios = compared_inputs(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["compare", *map(str, scenarios), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    table, folder = printed.getvalue().rstrip("\n").rsplit("\n", 1)  # the folder's line, a path, is not wrapped
    assert folder == f"comparison written to {tmp_path / 'out'}"
    assert widest(table) <= 80 < widest(small_compare_run.stdout)
    for name in ("comparison.md", "comparison.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (small_compare_run.out / name).read_bytes(), name
