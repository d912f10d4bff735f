"""Everything the command line prints follows the terminal's width (`terminal_width`: the
environment's COLUMNS, then the terminal's own size, no narrower than 60; 120 on a file or a pipe
without COLUMNS): the tables of `compare`, whose row labels and one column may be wider than the
terminal (their cells then go on in lines under their row), and the summaries of `solve` and
`check`. On a file or a pipe without COLUMNS the output is what it was at 120.

The comparison is tests/test_compare_terminal.py's docs/COMPARING.md example with the rows that made the
shipped scenario's comparison 81 columns wide at 80: the pairs each rule keeps out ("site-product
pairs kept out: proximity"), a capacity in million m2/yr and the baseline started from the strict
red line's plan ("yunnan_2024_strict_redline" in its column)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_compare_terminal import BASE, FLAT, STRICT, run

from siting.cli import batch_report, main
from siting.deliver.tables import TERMINAL_WIDTH, display_width
from siting.runs.pool import CaseSummary
from siting.runs.tables import LABEL_INDENT, cell_lines, comparison_table, comparison_text
from tests.conftest import MadeRun, small_inputs

WIDTHS = (60, 80, 100)


def widest(text: str) -> int:
    return max(display_width(line) for line in text.splitlines())


def shipped_like_runs() -> list[CaseSummary]:
    """Two runs whose comparison takes 81 columns with its row labels and one run's column: the
    label "site-product pairs kept out: proximity" (38), the unit "million m2/yr" (13) and the
    baseline's "started from" (26), two spaces between each. The pairs each rule keeps out differ
    between the two, so that their rows are not left out as equal (`rows_that_differ`)."""
    units = {"lfp": "t", "copper_foil": "t", "cathode": "t", "separator": "million m2"}
    base = run(BASE, 10.06, 0.0201, 300_000.0, (100_000.0, 0.0), started_from=STRICT,
               excluded_pairs={"red line": 8, "proximity": 31})
    strict = run(STRICT, 10.01, 0.0142, 100_000.0, (0.0, 100_000.0), excluded_pairs={"red line": 32, "proximity": 30})
    for summary, separator in ((base, 2_030.0), (strict, 2_000.0)):
        summary.capacity["kunming"]["separator"] = separator
    return [dataclasses.replace(summary, units=units) for summary in (base, strict)]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_comparison_fits_each_width(width: int) -> None:
    """No line wider than the width, the run's names whole or broken after "_" only."""
    runs = shipped_like_runs()
    text = comparison_text(comparison_table(runs), runs, "comparison.csv", width)
    assert widest(text) <= width
    words = re.findall(r"\S+", text)
    for name in (BASE, STRICT):
        assert name in words or any(piece.endswith("_") and name.startswith(piece) for piece in words), name


def test_at_80_the_long_label_wraps_under_its_row() -> None:
    """At 80 (81 needed) the widest column, the row labels, is narrowed by one: the label of the
    pairs the proximity rule keeps out goes on, indented, in a line under its row; the strict red
    line's name in the baseline's column stays whole."""
    runs = shipped_like_runs()
    lines = comparison_text(comparison_table(runs), runs, "comparison.csv", 80).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("site-product pairs kept out:  "))
    assert re.split(r" {2,}", lines[at]) == ["site-product pairs kept out:", "count", "31"]
    assert lines[at + 1] == f"{LABEL_INDENT}proximity"
    assert re.split(r" {2,}", next(line for line in lines if line.startswith("started from"))) == [
        "started from", STRICT]


def test_at_120_nothing_wraps() -> None:
    """In 120 the table fits as it is: every row on one line, the labels whole."""
    runs = shipped_like_runs()
    lines = comparison_text(comparison_table(runs), runs, "comparison.csv", TERMINAL_WIDTH).splitlines()
    assert widest("\n".join(lines)) <= TERMINAL_WIDTH
    row = next(line for line in lines if line.startswith("site-product pairs kept out: proximity"))
    assert re.split(r" {2,}", row)[:3] == ["site-product pairs kept out: proximity", "count", "31"]
    assert not any(line.startswith(LABEL_INDENT) and line.strip() == "proximity" for line in lines)


def test_cells_break_at_spaces_then_inside_names() -> None:
    assert cell_lines("optimal within the gap", 12) == ["optimal", "within the", "gap"]
    assert cell_lines(STRICT, 20) == ["yunnan_2024_strict_", "redline"]
    assert cell_lines(FLAT, 40) == [FLAT]
    assert cell_lines("site-product pairs kept out: proximity", 30, "  ") == [
        "site-product pairs kept out:", "  proximity"]
    assert cell_lines("-0.05", 3) == ["-0.05"]  # a sign is no place to break; a word too wide stays whole


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_at_columns(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `compare` prints (batch_report) at COLUMNS=60, 80, 100: no line wider but the folder's."""
    monkeypatch.setenv("COLUMNS", str(width))
    runs = shipped_like_runs()
    printed = batch_report(SimpleNamespace(table=comparison_table(runs), runs=runs, folder=Path("cmp")), "comparison")
    assert widest(printed) <= width


#: The line over the capacity table of the solve summary, 111 columns.
CAPACITY_HEADING = ("capacity decided by cluster (cumulative, by decision year); existing, committed and online "
                    "(producing) capacity")


def printed_by(args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0, out.getvalue()
    return out.getvalue()


def lines_but_the_folders(text: str, folder: Path) -> list[str]:
    """The printed lines but those naming the output folder, a path no line breaks inside."""
    return [line for line in text.splitlines() if str(folder) not in line]


@dataclasses.dataclass
class SharedSolve:
    """The one solve the widths share (`shared_solve`): the scenario and output folder every width
    runs `solve` with, and, once the first width has run it, the `siting.api.run` result and the
    arguments it was called with; `solves` counts the solves made."""

    scenario: Path
    out: Path
    result: object = None
    called: tuple[tuple[object, ...], dict[str, object]] | None = None
    solves: int = 0


@pytest.fixture(scope="module")
def shared_solve(tmp_path_factory: pytest.TempPathFactory) -> SharedSolve:
    """A copy of tests/data/small and an output folder for `test_solve_and_check_follow_columns`:
    the first width solves it through the command line, the others print that run's result at
    their width (what `solve` prints is laid out after the run, siting/cli.py `run_command`)."""
    folder = tmp_path_factory.mktemp("widths")
    (scenario,) = small_inputs(folder)
    return SharedSolve(scenario, folder / "out")


def printed_by_solve(args: list[str], shared: SharedSolve, monkeypatch: pytest.MonkeyPatch) -> str:
    """`printed_by(args)` with `siting.api.run` made once for the module: the first call solves,
    the next ones, asked the same, return its result."""
    from siting import api

    solve = api.run

    def once(*given: object, **kwargs: object) -> object:
        if shared.called is None:
            shared.result = solve(*given, **kwargs)
            shared.called, shared.solves = (given, kwargs), shared.solves + 1
        else:
            assert (given, kwargs) == shared.called
        return shared.result

    monkeypatch.setattr(api, "run", once)
    return printed_by(args, monkeypatch)


@pytest.mark.parametrize("width", WIDTHS)
def test_solve_and_check_follow_columns(width: int, shared_solve: SharedSolve, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """`solve --alternatives 2 --rule-costs` and `check` on tests/data/small at COLUMNS=60, 80,
    100: no line wider than the width but those naming the folder; the summary's 111-column line
    on capacity wrapped, as the alternatives' closing line. The widths share one solve
    (`shared_solve`), each printing its result at its own width."""
    monkeypatch.setenv("COLUMNS", str(width))
    scenario, out = shared_solve.scenario, shared_solve.out
    solved = printed_by_solve(["solve", str(scenario), "--out", str(out), "--alternatives", "2", "--rule-costs"],
                              shared_solve, monkeypatch)
    assert shared_solve.solves == 1  # whichever width ran first made it
    shown = lines_but_the_folders(solved, out)
    assert max(display_width(line) for line in shown) <= width
    assert len(shown) < len(solved.splitlines())  # "outputs written to" and the alternatives' folder
    heading = next(line for line in shown if line.startswith("capacity decided by cluster"))
    assert heading != CAPACITY_HEADING and CAPACITY_HEADING.startswith(heading)
    assert any(line.startswith("2 near-optimal alternatives within 5% of the optimum") for line in shown)
    checked = printed_by(["check", str(scenario), "--out", str(tmp_path / "next")], monkeypatch)
    assert max(display_width(line) for line in lines_but_the_folders(checked, tmp_path / "next")) <= width


def test_solve_without_columns_on_a_pipe_is_laid_out_in_120(small_alternatives_run: MadeRun) -> None:
    """No COLUMNS and standard output no terminal: 120, the lines that fit in it whole, as before;
    the alternatives' closing line (129 columns) wrapped like the others. The run is conftest's
    `small_alternatives_run`, `solve --alternatives 2` printed so (`run_once`)."""
    out, solved = small_alternatives_run.out, small_alternatives_run.stdout
    lines = solved.splitlines()
    assert max(display_width(line) for line in lines_but_the_folders(solved, out)) <= TERMINAL_WIDTH
    assert CAPACITY_HEADING in lines
    assert any(line.startswith("objective ") and line.endswith(", absolute gap 0.00 bn yuan") for line in lines)
    found = next(i for i, line in enumerate(lines) if line.startswith("2 near-optimal alternatives"))
    end = next(i for i in range(found + 1, len(lines)) if not lines[i].startswith("  "))  # its wrapped lines
    assert end > found + 1 and lines[end].startswith("2 alternatives in alt01/ and alt02/, ")
    joined = " ".join([lines[found], *(line.strip() for line in lines[found + 1:end])])
    assert re.search(r"alt01 .+; alt02 -?[\d.]+ bn yuan, \+[\d.]+%\. alt01 keeps the optimum's capacity by cluster "
                     r"\(scope sites\); alt02 may move capacity between clusters \(scope clusters\)", joined)
