"""Progress lines on standard error fit the width the rest of the output is laid out to.

The width is `terminal_width`'s (COLUMNS, else the terminal's, at least 60; 120 on a file or a
pipe). A phase's words are cut with "...", the solver's line says its figures in fewer words, and
another plain line goes on in lines indented by two spaces; a line redrawn in place on a terminal
is cut short of the edge. No figure of the solver's line is ever cut.
"""

from __future__ import annotations

import io
import re

import pytest

from siting.config import progress
from siting.config.progress import Reporter, SolverState


def plain(monkeypatch: pytest.MonkeyPatch, columns: int | None) -> tuple[Reporter, io.StringIO]:
    """A reporter writing plain lines to a text buffer (no terminal), under COLUMNS=`columns`."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(columns))
    stream = io.StringIO()
    return Reporter(stream=stream, live=False, duplicate=False), stream


@pytest.mark.parametrize("columns", [60, 80])
def test_a_phase_is_announced_within_the_width_its_words_cut(monkeypatch: pytest.MonkeyPatch, columns: int):
    reporter, stream = plain(monkeypatch, columns)
    with progress.reporting(reporter), progress.phase("bound"):
        pass
    announced, ended = stream.getvalue().splitlines()
    assert len(announced) <= columns
    assert announced.startswith("bound: bounding the cost: whole modules counted by")
    assert announced.endswith("...") and not announced.endswith(" ...")  # one ellipsis, for the cut
    assert re.fullmatch(r"bound: done in \d+\.\d s", ended)


def test_a_phase_that_fits_is_announced_whole(monkeypatch: pytest.MonkeyPatch):
    reporter, stream = plain(monkeypatch, None)  # a pipe: 120 columns
    with progress.reporting(reporter), progress.phase("bound"):
        pass
    assert stream.getvalue().splitlines()[0] == f"bound: {progress.PHASES['bound']} ..."


STATES = [
    SolverState(-14.41e9, -24.56e9, 0.7040, 0.1),
    SolverState(-1234567.89e9, -1234560.12e9, 1.0, 12345.6),
    SolverState(-1.11e9, None, None, 0.0),
    SolverState(None, None, None, 0.0),
]


@pytest.mark.parametrize("columns", [60, 70, 80])
@pytest.mark.parametrize("state", STATES)
def test_the_solver_line_keeps_every_figure_within_the_width(
    monkeypatch: pytest.MonkeyPatch, columns: int, state: SolverState
):
    reporter, stream = plain(monkeypatch, columns)
    with progress.reporting(reporter), progress.searching("bound"):
        full = state.text()  # as the bound phase says it (no relaxed plan before a bound)
        progress.solver_line(SolverState(state.best_yuan, state.bound_yuan, state.gap, state.elapsed_s, True))
    (line,) = stream.getvalue().splitlines()
    assert len(line) <= columns or line == full
    figures = re.findall(r"-?[\d,]+\.\d+%?|n/a", full.split(": ", 1)[1])
    assert figures and [f for f in figures if f not in line] == []
    assert line.split(": ", 1)[0] == full.split(": ", 1)[0].replace("solve", "bound")  # the clock, whole


def test_the_solver_line_is_as_before_where_it_fits(monkeypatch: pytest.MonkeyPatch):
    reporter, stream = plain(monkeypatch, 80)
    state = SolverState(-22.72e9, -22.72e9, 0.0, 0.8, True)
    with progress.reporting(reporter):
        progress.solver_line(state)
    assert stream.getvalue() == "solve 0.8 s: best plan -22.72 bn yuan, bound -22.72 bn yuan, gap 0.00%\n"


def test_the_narrower_solver_lines_in_words():
    state = SolverState(-14.41e9, -24.56e9, 0.7040, 0.1)
    assert state.text(60) == "solve 0.1 s: best -14.41, bound -24.56 bn yuan, gap 70.40%"
    assert state.text(57) == "solve 0.1 s: -14.41/-24.56 bn, gap 70.40%"
    assert SolverState(-1.11e9, None, None, 0.0).text(58) == "solve 0.0 s: best -1.11 bn yuan, bound none yet, gap n/a"


@pytest.mark.parametrize("columns", [60, 80])
def test_a_count_of_runs_goes_on_in_indented_lines(monkeypatch: pytest.MonkeyPatch, columns: int):
    """Broken after a comma or semicolon, so that `1 s` stays whole; the words are all there."""
    reporter, stream = plain(monkeypatch, columns)
    with progress.reporting(reporter):
        count = progress.steps(4, "rule costs", estimate=False)
        for label in ("redline", "agglomeration", "proximity"):
            count.begin(label)
        count.advance("proximity", "optimal")
        count.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) > 1
    assert [line for line in lines if len(line) > columns] == []
    assert [line for line in lines[1:] if not line.startswith("  ") or line.startswith("   ")] == []
    joined = " ".join(line.strip() for line in lines)
    assert re.fullmatch(
        r"rule costs: 1/4 done \(proximity: optimal within the gap\), \d+ s elapsed; running: "
        r"redline \d+ s, agglomeration \d+ s",
        joined,
    )
    assert [line for line in lines if re.search(r"\d$", line)] == []  # no figure parted from its unit


def test_a_line_on_a_pipe_keeps_its_120_columns(monkeypatch: pytest.MonkeyPatch):
    reporter, stream = plain(monkeypatch, None)
    text = "solve: stopped at the time limit after 60.0 s: " + "x " * 35
    reporter.line(text.strip())
    assert stream.getvalue() == text.strip() + "\n"
    assert len(text.strip()) > 100


def test_a_line_redrawn_in_place_is_cut_short_of_the_edge():
    """On a terminal of 60 columns a status line is drawn in at most 59 (cut after a whole word,
    ending with "..."), and the finished line that replaces it is padded as wide, to clear it."""
    stream = io.StringIO()
    reporter = Reporter(stream=stream, live=True, duplicate=False, width=60)
    reporter.redraw("diagnose 12.3 s: step 2 of 3, " + "rules tested and kept " * 5)
    reporter.line("diagnose: done in 12.3 s")
    drawn = stream.getvalue().split("\r")
    widths = [len(part.rstrip("\n")) for part in drawn if part]
    assert len(widths) == 2 and widths[0] == widths[1] <= 59
    assert drawn[1].startswith("diagnose 12.3 s: step 2 of 3, rules tested") and drawn[1].endswith("...")
    assert drawn[2].rstrip() == "diagnose: done in 12.3 s"


def test_the_width_follows_columns_and_stays_120_on_a_pipe(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert progress.terminal_width(io.StringIO()) == progress.TERMINAL_WIDTH == 120
    monkeypatch.setenv("COLUMNS", "80")
    assert progress.terminal_width(io.StringIO()) == 80
    monkeypatch.setenv("COLUMNS", "20")
    assert progress.terminal_width(io.StringIO()) == progress.NARROWEST_WIDTH == 60


def test_a_solver_line_redrawn_in_place_is_never_cut():
    """Where even its fewest words do not fit, the solver's line is drawn whole: its figures are
    never cut (on a terminal of 60 columns, a line of more than 59)."""
    stream = io.StringIO()
    reporter = Reporter(stream=stream, live=True, duplicate=False, width=60)
    with progress.reporting(reporter):
        progress.solver_line(SolverState(-123456789.12e9, -123456788.34e9, 1.0, 12345.6, True))
    drawn = stream.getvalue().split("\r")[-1].strip()
    assert drawn == "solve 12345.6 s: -123,456,789.12/-123,456,788.34 bn, gap 100.00%"
    assert len(drawn) > 59
