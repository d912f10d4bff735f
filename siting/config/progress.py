"""Progress on standard error while a command works: the phases of a solve, a live line while
HiGHS searches (best plan, bound, gap, elapsed time) and a count of the runs of a batch (tqdm bar)
with the runs under way and how long each has run, and the time left where runs are alike.

Library code announces what it does through the module functions `phase`, `solver_line`,
`status` (where a phase of many solves stands) and `steps`; they do nothing unless a `Reporter`
is active (`with reporting(Reporter()):`, as the command line does), so the Python front door
and the tests stay silent. On a terminal a phase, the solver's line and a status line are redrawn
in place and batches get a tqdm bar; otherwise every event is one plain line (a status line at
most every PLAIN_EVERY_S). A reporter speaks only in the process that made it: worker processes
of a batch are silent, and their runs are counted by the bar. While a count waits on its runs it
beats (`Steps.beat`: about every BEAT_S from the loop that waits on worker processes, and from the
solver's callbacks when the runs solve in this process): the bar's clock and the runs under way
are redrawn, and without a terminal a plain line is written every PLAIN_EVERY_S.

A run of a batch that gives no plan is counted as `infeasible` when its rules cannot all be met
together (a result of its scenario, whose diagnosis the run writes) and as `failed` for any other
reason (bad input, no plan within the time limit, an error): `run_outcome`.

Every line fits the width the rest of the command line's output is laid out to
(`terminal_width`: COLUMNS, else the terminal's, at least NARROWEST_WIDTH; TERMINAL_WIDTH on a file
or a pipe): a phase's words are cut with "...", the solver's line drops words before figures
(`SolverState.text`), and any other plain line goes on in indented lines; a line redrawn in place
is cut at the edge, as it cannot go on below.

This module sits in the first stage so that every stage may report; it imports nothing heavy.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TextIO

from siting.config.errors import PlanInfeasible
from siting.config.units import bound_bn, gap_text, plain_status

#: What each phase of a solve is doing, as the line that announces it says.
PHASES = {
    "load": "reading the scenario, the catalog and the layers",
    "candidates": "candidate cells over the clusters, outside the parks",
    "preprocess": "red line, proximity and land per site",
    "build": "building the model",
    "start": "the start plan (a previous run's) on this model, its counts of modules by cluster fixed",
    "bound": "bounding the cost: whole modules counted by cluster, shared out freely among its sites",
    "solve": "HiGHS is searching for the best plan",
    "aggregate": "bounding the plan with the candidate cells merged by group",
    "screen": "searching for the best plan on the screened candidate cells",
    "round": "rounding the decisions the solver left off whole, and solving the rest of the plan again",
    "export": "making the layers, tables and report",
    "write": "writing the output folder (map and GeoPackage included)",
    "diagnose": "finding the rules that cannot be met together",
    "diagnosis": "finding the smallest set of rules that conflict",
}

#: Width, in terminal columns, of what the command line writes to a file, a pipe or a CI log when
#: COLUMNS is not set (`terminal_width`), so that it stays the same wherever it runs; also the widest
#: terminal table (siting/deliver/tables.py).
TERMINAL_WIDTH = 120

#: Narrowest width, in terminal columns, to which `terminal_width` lays out what the command line
#: prints for a narrower terminal. Below it a comparison's or sweep's table would be no narrower
#: (its row labels, their unit and one column, each wrapped down to its longest word:
#: siting/runs/tables.py `terminal_tables`), only its notes cut into lines of a few words.
NARROWEST_WIDTH = 60


def terminal_width(stream: Any = None) -> int:
    """The width, in terminal columns, to which the command line lays out what it prints on
    `stream` (standard output by default): the summaries of `solve` and `check`, the tables of
    `compare` and `sweep` (siting/runs/tables.py `comparison_text`, `sweep_text`) and the progress
    lines, notes and errors on standard error. The environment's COLUMNS when set; else the size of
    the terminal `stream` itself is on (standard error's own, where standard output goes to a
    file: `siting solve ... > summary.txt`), as os.get_terminal_size gives it for its descriptor,
    or shutil.get_terminal_size's for a stream without one; no narrower than NARROWEST_WIDTH.
    TERMINAL_WIDTH (120) when `stream` is no terminal (a file, a pipe, a CI log) and COLUMNS is
    not set, so that what is written there stays the same wherever it runs, and for a terminal
    that reports no size."""
    stream = sys.stdout if stream is None else stream
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(NARROWEST_WIDTH, int(columns))
    try:
        if not stream.isatty():
            return TERMINAL_WIDTH
    except (AttributeError, ValueError):  # no stream, or a closed one
        return TERMINAL_WIDTH
    try:
        size = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):  # a terminal-like stream without a descriptor of its own
        size = shutil.get_terminal_size((TERMINAL_WIDTH, 24)).columns
    return max(NARROWEST_WIDTH, size if size > 0 else TERMINAL_WIDTH)


def cut(text: str, width: int) -> str:
    """`text` cut to `width` columns, ending with "..." where it was cut: after its last whole word
    that fits, or within a word when none does."""
    if len(text) <= width:
        return text
    kept = text[:max(width - 3, 0)]
    if " " in kept and not text[len(kept)].isspace():  # not within a word
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:") + "..."


def wrapped(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, the lines after the first indented by two
    spaces: broken after a comma or semicolon where it can be, so that a figure stays with its
    unit, else between words (a word wider than the line stands alone, not broken)."""
    pieces: list[str] = []
    for part in re.split(r"(?<=[,;]) ", text):
        pieces.extend([part] if len(part) <= width - 2 else part.split(" "))
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + 1 + len(piece) <= width:
            lines[-1] += f" {piece}"
        else:
            lines.append(f"  {piece}" if lines else piece)
    return lines


#: Seconds between two redraws of the solver's line on a terminal, and between two plain lines
#: when no better plan has been found in between.
REDRAW_S = 0.5
PLAIN_EVERY_S = 10.0

#: Seconds between two heartbeats of a count while it waits on runs in worker processes.
BEAT_S = 1.0


#: How a run of a batch that gave no plan ended, in one word: its rules cannot all be met together
#: (PlanInfeasible, with its diagnosis), or any other reason.
INFEASIBLE = "infeasible"
FAILED = "failed"


def run_outcome(ok: bool, status: str, error: str) -> str:
    """How a run of a batch ended, in a word or two, as comparison.csv and sweep.csv and, in words
    (`in_words`), the count of runs and the terminal tables say it: the solver's `status`
    ("optimal") when it gave a plan (`ok`); INFEASIBLE when its `error` (the run summary's: the
    exception's name, ": " and its message) is a PlanInfeasible; FAILED for any other error."""
    if ok:
        return status
    return INFEASIBLE if error.startswith(f"{PlanInfeasible.__name__}: ") else FAILED


#: A run's outcome as the count of runs says it, in the words of the tables for people and the
#: solve's status line: "optimal", proven within the gap asked for, as "optimal within the gap"
#: (siting/config/units.py `plain_status`).
OUTCOME_WORDS = {"optimal": plain_status("convergenceCriteriaSatisfied")}


def in_words(outcome: str) -> str:
    """A run's outcome (`run_outcome`, or a count's own word such as "found") as the count of runs
    says it: "optimal" -> "optimal within the gap" (OUTCOME_WORDS); any other as it is."""
    return OUTCOME_WORDS.get(outcome, outcome)


def bn(yuan: float) -> str:
    """Yuan as billion yuan with two decimals, the money convention of every output."""
    return f"{yuan / 1e9:z,.2f} bn yuan"


#: How a progress line gives a gap over 100 %: the bound lies further below the plan than the
#: plan's own size (a relaxation's trivial first plan, a negative cost with a bound far below it,
#: a cost near zero), where a figure such as 2325.00% tells nothing the plan and the bound do not.
GAP_OVER = "over 100%"


@dataclass(frozen=True)
class SolverState:
    """Where a MIP search stands: the best plan's cost and the bound (yuan), the gap, seconds."""

    best_yuan: float | None
    bound_yuan: float | None
    gap: float | None
    elapsed_s: float
    improved: bool = False

    def text(self, width: int | None = None) -> str:
        """One line in plain words, e.g. `solve 3.2 s: best plan 72.84 bn yuan, bound 70.12 bn yuan, gap 3.73%`
        (during a relaxation's search, `searching`: `bound 3.2 s: relaxed plan ...`). Given a
        `width` in columns that this line exceeds, the same figures in fewer words: `solve 3.2 s:
        best 72.84, bound 70.12 bn yuan, gap 3.73%`, and narrower still `solve 3.2 s: 72.84/70.12 bn,
        gap 3.73%`; the figures are never cut. A gap over 100 % reads `gap over 100%` (`GAP_OVER`).
        A relaxed plan is not shown before a bound is: the relaxation's first plan, found before its
        first bound, is HiGHS's trivial one (`relaxed plan 3,094.17 bn yuan, bound none yet` in the
        shipped run, where the plans that follow cost some -192 bn yuan), which says nothing of the
        plan to come; the line reads `relaxed plan none yet` until a bound is proven."""
        kind, proven, own, shift, known = _searching[:5]
        best_yuan, bound_yuan, gap_value = self.best_yuan, self.bound_yuan, self.gap
        plan = "relaxed plan" if kind == "bound" else "best plan"
        if kind == "bound" and proven is None and (not own or bound_yuan is None):
            best_yuan, gap_value = None, None  # a relaxed plan without a bound: HiGHS's trivial first one
        if known is not None and (best_yuan is None or best_yuan >= known):
            best_yuan, plan = known, "best plan"
        if not own:  # a restriction's own bound bounds the restriction only: the one proven before, or none
            bound_yuan = proven
            if proven is None:
                gap_value = None
        elif proven is not None:  # the search's own bound is not the only proven bound
            bound_yuan = proven if bound_yuan is None else max(proven, bound_yuan)
        if proven is not None or known is not None:
            if best_yuan is not None and bound_yuan is not None:
                bound_yuan = min(bound_yuan, best_yuan)
            gap_value = (abs(best_yuan - bound_yuan) / max(abs(best_yuan), 1e-9)
                         if best_yuan is not None and bound_yuan is not None else None)
        best = bn(best_yuan) if best_yuan is not None else "none yet"
        bound = bound_bn(bound_yuan) if bound_yuan is not None else "none yet"  # down: never above what is proven
        gap = "n/a" if gap_value is None else GAP_OVER if gap_value > 1.0 else gap_text(gap_value)
        clock = f"{kind} {self.elapsed_s + shift:.1f} s"
        text = f"{clock}: {plan} {best}, bound {bound}, gap {gap}"
        if width is None or len(text) <= width:
            return text
        figures = [f"{best_yuan / 1e9:z,.2f}" if best_yuan is not None else "none",
                   bound_bn(bound_yuan, unit=False) if bound_yuan is not None else "none"]
        known = [f"{figure} bn yuan" if figure != "none" else "none yet" for figure in figures]
        if bound_yuan is not None and best_yuan is not None:
            known[0] = figures[0]  # the unit once, after the bound
        shorter = f"{clock}: {plan.split()[0]} {known[0]}, bound {known[1]}, gap {gap}"
        return shorter if len(shorter) <= width else f"{clock}: {figures[0]}/{figures[1]} bn, gap {gap}"


class Reporter:
    """Writes progress to a stream (standard error by default).

    live: redraw lines in place and draw tqdm bars (default: when the stream is a terminal).
    duplicate: write the process's standard error through a duplicate of its file descriptor
    (released by `close`), so that lines still reach the terminal while the solver interface
    captures the process's output during a solve.
    width: the columns a line may take; None (default) for the stream's `terminal_width`, asked
    anew at each line, so that a terminal made narrower is followed."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None, duplicate: bool = True,
                 width: int | None = None):
        self.pid = os.getpid()
        target = stream if stream is not None else sys.stderr
        self._target = target
        self._fixed_width = width
        self.live = bool(live) if live is not None else bool(getattr(target, "isatty", lambda: False)())
        self.stream: TextIO = _unredirected(target) if duplicate else target
        self._owned = self.stream is not target
        self._open_line = False
        self._width = 0
        self._last_draw = -1e9
        self._last_solver_text = ""
        self.counting = 0
        """How many counters (`steps`, `phase_alone`) are open: while one is, the solver's line and
        the phases inside are not drawn."""
        self.counts: list[Steps] = []
        """The open counts (`steps`), innermost last: the solver's line beats the innermost."""

    def close(self) -> None:
        """End an open line and release the duplicate of standard error, if one was made."""
        if self._open_line:
            self._write("\n")
            self._open_line = False
        if self._owned:
            with contextlib.suppress(OSError, ValueError):
                self.stream.close()

    def speaks(self) -> bool:
        """True in the process that made the reporter (a forked worker stays silent)."""
        return os.getpid() == self.pid

    @property
    def width(self) -> int:
        """The columns a line may take: the `width` given, or the stream's `terminal_width` (on a
        terminal without COLUMNS, that terminal's own: standard error's, where standard output may
        go to a file)."""
        if self._fixed_width is not None:
            return self._fixed_width
        return terminal_width(self._target)

    def line(self, text: str) -> None:
        """A finished line; one wider than `width` goes on in lines indented by two spaces
        (`wrapped`)."""
        if len(text) > self.width:
            text = "\n".join(wrapped(text, self.width))
        first = text.split("\n", 1)[0]
        self._write(("\r" + first.ljust(self._width) + text[len(first):] if self._open_line else text) + "\n")
        self._open_line = False
        self._width = 0

    def redraw(self, text: str, cuttable: bool = True) -> None:
        """A line drawn in place on a terminal, cut to `width` less one column (a line as wide as
        the terminal would move the cursor to the next) unless not `cuttable` (the solver's line,
        whose figures are never cut: it makes itself fit, `SolverState.text`); a plain line
        otherwise."""
        if not self.live:
            self.line(text)
            return
        if cuttable:
            text = cut(text, self.width - 1)
        self._width = max(min(self._width, self.width - 1), len(text))  # what the line before left
        self._write("\r" + text.ljust(self._width))
        self._open_line = True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stream must never stop the work
            pass


def _unredirected(stream: TextIO) -> TextIO:
    """The stream itself, or for the process's standard error a line-buffered writer on a
    duplicate of descriptor 2."""
    if stream is sys.__stderr__ and stream is not None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            return os.fdopen(os.dup(stream.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    return stream


_active: Reporter | None = None


def active() -> Reporter | None:
    """The reporter of this process, or None when progress is off."""
    return _active if _active is not None and _active.speaks() else None


@contextlib.contextmanager
def reporting(reporter: Reporter | None) -> Iterator[Reporter | None]:
    """Make `reporter` the active one while the block runs (None: progress off); close it after."""
    global _active
    previous, _active = _active, reporter
    try:
        yield reporter
    finally:
        _active = previous
        if reporter is not None and reporter.speaks():
            reporter.close()


#: Called as each phase begins (`stop_check`): raises when the process was asked to stop.
_stop_check: Callable[[], None] | None = None


def stop_check(check: Callable[[], None] | None) -> None:
    """Set the function each phase calls as it begins, which raises when the process was asked to
    stop (the command line's: a signal Python could not raise where it came); None for none."""
    global _stop_check
    _stop_check = check


def check_stop() -> None:
    """Raise now where the process was asked to stop (`stop_check`'s function, as each phase
    does as it begins); nothing where no stop was asked or no function is set."""
    if _stop_check is not None:
        _stop_check()


#: Whether the process ends once a stop (Ctrl-C, SIGTERM) has gone up out of the calls made in
#: this thread (`ending_on_stop`): the command line's own process (cli.py `run`, the installed
#: `siting`), where the clean-up a process that goes on needs (a notebook's: the local Dask
#: cluster's worker processes ended and Dask's loggers left as they were, siting/runs/pool.py) is
#: left to the process's end, which takes it in a fraction of the time.
_ENDS_ON_STOP: ContextVar[bool] = ContextVar("_ENDS_ON_STOP", default=False)


@contextlib.contextmanager
def ending_on_stop() -> Iterator[None]:
    """Say, while the block runs (this thread), that the process ends once a stop has gone up out
    of it (`ends_on_stop`): the command line's own process says so, not a program calling it."""
    token = _ENDS_ON_STOP.set(True)
    try:
        yield
    finally:
        _ENDS_ON_STOP.reset(token)


def ends_on_stop() -> bool:
    """Whether the process ends once a stop has gone up (`ending_on_stop`); False by default: a
    notebook's or a program's process goes on, and keeps nothing a stopped call started."""
    return _ENDS_ON_STOP.get()


#: How the innermost open phase ended, when not simply done (`phase_ended`): what stopped it and
#: why, or None.
_ending: list[tuple[str, str] | None] = []


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Announce a phase (`load`, `preprocess`, `build`, `solve`, `export`, ...) and, when it ends,
    the seconds it took, or how it ended when `phase_ended` said so ("solve: stopped at the time
    limit after 60.0 s"). A stop asked before it (`stop_check`) is raised first."""
    if _stop_check is not None:
        _stop_check()
    reporter = active()
    if reporter is None or reporter.counting:
        yield
        return
    started = time.perf_counter()
    announced = f"{name}: {PHASES.get(name, name)} ..."
    room = reporter.width - (1 if reporter.live else 0)
    reporter.redraw(announced if len(announced) <= room else cut(announced[:-4], room))  # one "..."
    _ending.append(None)
    try:
        yield
    finally:
        ending = _ending.pop()
    seconds = time.perf_counter() - started
    if ending is None:
        reporter.line(f"{name}: done in {seconds:.1f} s")
    else:
        how, why = ending
        reporter.line(f"{name}: {how} after {seconds:.1f} s" + (f": {why}" if why else ""))


def phase_ended(how: str, why: str = "") -> None:
    """Say how the open phase ended when it is not simply done, e.g. "stopped at the time limit",
    and, when given, why (said after its seconds: "solve: stopped at the time limit after 0.4 s:
    0.3 s of the 4 s limit left, ..."). Nothing without an open phase."""
    if _ending:
        _ending[-1] = (how, why)


def phase_skipped(name: str, why: str) -> None:
    """Say that phase `name` did not run, and why, on one line ("solve: skipped: ..."), in place
    of announcing it (a phase that never ran took no time and was not stopped). A stop asked
    before it (`stop_check`) is raised first, as for a phase that runs."""
    if _stop_check is not None:
        _stop_check()
    reporter = active()
    if reporter is not None and not reporter.counting:
        reporter.line(f"{name}: skipped: {why}")


@contextlib.contextmanager
def phase_alone(name: str) -> Iterator[None]:
    """A phase made of many solves (e.g. `diagnose`) shown as one phase: the solver's line and
    any phase inside it are held back."""
    with phase(name):
        reporter = active()
        if reporter is not None:
            reporter.counting += 1
        try:
            yield
        finally:
            if reporter is not None:
                reporter.counting -= 1


class Status:
    """Where a phase made of many solves stands (e.g. the diagnosis: its step, the rules tested and
    kept), as one line `<name> <seconds> s: <text>`, the seconds counted from when the line was
    made (`status`): redrawn in place on a terminal at most every REDRAW_S; otherwise a plain line
    at most every PLAIN_EVERY_S, the first one PLAIN_EVERY_S after it was made, so that a short
    phase stays one phase line. It speaks inside `phase_alone`, whose phase it details; while a
    count of runs is open (`steps`), the count beats instead."""

    def __init__(self, reporter: Reporter, name: str):
        self.reporter, self.name = reporter, name
        self.started = time.perf_counter()
        self._last = self.started

    def show(self, text: str) -> None:
        """Say where the phase stands now, in `text` (e.g. "step 2 of 3, ...: 23 of 76 tested"),
        unless the line was drawn too recently (see the class docstring)."""
        reporter = self.reporter
        if reporter.counts:
            reporter.counts[-1].beat()
            return
        now = time.perf_counter()
        if now - self._last < (REDRAW_S if reporter.live else PLAIN_EVERY_S):
            return
        self._last = now
        reporter.redraw(f"{self.name} {now - self.started:.1f} s: {text}")  # cut at the edge, or wrapped


class _NoStatus:
    def show(self, text: str) -> None:
        pass


def status(name: str) -> Status | _NoStatus:
    """A `Status` line of phase `name` (e.g. "diagnose") on the active reporter, its clock started
    now; it does nothing when progress is off (no reporter, `--quiet`)."""
    reporter = active()
    return Status(reporter, name) if reporter is not None else _NoStatus()


#: The search being reported: its kind, "solve" (plans of the model) or "bound" (a relaxation
#: whose plans are not plans of the model: its line says "relaxed plan"); a bound proven before it
#: (yuan, or None); whether the search's own bound is a bound of the model too; the seconds its
#: phase had run when it began (added to the search's own clock); the cost of a plan of the
#: model found before it (yuan, or None); the cost of the relaxed plan whose module counts the
#: search makes a plan of the model (yuan, or None: `held`); and the `time.perf_counter()` at
#: which the search began.
_searching: tuple[str, float | None, bool, float, float | None, float | None, float] = (
    "solve", None, True, 0.0, None, None, 0.0)


@contextlib.contextmanager
def searching(kind: str, proven_bound_yuan: float | None = None, own_bound: bool = True,
              since: float | None = None, plan_yuan: float | None = None,
              relaxed_yuan: float | None = None) -> Iterator[None]:
    """While the block runs, the solver's line speaks of a search of `kind` ("bound" or "solve")
    and shows as its bound `proven_bound_yuan` when given: alone when the search's own bound is
    not one of the model (`own_bound` false: a restriction, such as fixed module counts), else
    the higher of the two. `since`: the `time.perf_counter()` at which the phase began, so that
    the searches of one phase show one clock (default: the search's own). `plan_yuan`: the cost
    of a plan of the model found before (a relaxation searched for a bound that certifies it),
    shown as the best plan while the search has no cheaper one, the gap measured from it.
    `relaxed_yuan`: the cost of the relaxed plan whose module counts the search fixes (a
    restriction that makes it a plan of the model): a plan of the search far above it is not
    shown as it is found (`held`)."""
    global _searching
    now = time.perf_counter()
    shift = max(now - since, 0.0) if since is not None else 0.0
    previous, _searching = _searching, (kind, proven_bound_yuan, own_bound, shift, plan_yuan, relaxed_yuan, now)
    try:
        yield
    finally:
        _searching = previous


def solver_line(state: SolverState) -> None:
    """Show where the MIP search stands: redrawn at most every REDRAW_S on a terminal; as a plain
    line for each better plan that changes what the line says (`_news`) and otherwise every
    PLAIN_EVERY_S. While a count (`steps`) is open
    the line is held back, and the innermost count beats instead (its run is still searching)."""
    reporter = active()
    if reporter is None:
        return
    if reporter.counting:
        if reporter.counts:
            reporter.counts[-1].beat()
        return
    now = time.perf_counter()
    wait = REDRAW_S if reporter.live else PLAIN_EVERY_S
    text = state.text(_room(reporter))
    if held(state):  # shown only as the line drawn every `wait`, counted from the search's start
        if now - max(reporter._last_draw, _searching[6]) < wait:
            return
    elif not _news(state, text, reporter) and now - reporter._last_draw < wait:
        return
    reporter._last_draw = now
    _draw(reporter, text)


def _news(state: SolverState, text: str, reporter: Reporter) -> bool:
    """Whether `state`, drawn as `text`, is a better plan whose line says something the solver's
    last line did not: HiGHS often reports a better plan that reads as the one before (a cost
    equal to two decimals, a plan above the one found before that the line shows in its place),
    which off a terminal wrote the same line twice in a row ("solve 22.9 s: best plan -195.31 bn
    yuan, ..." and again); such a plan waits for the line drawn every REDRAW_S (PLAIN_EVERY_S off
    a terminal), as any other state does."""
    return state.improved and _figures(text) != _figures(reporter._last_solver_text)


#: How far above the relaxed plan's cost, as a share of it, a plan of a search that makes it a
#: plan of the model is still shown as it is found, where the relaxed plan lies closer than that
#: to the bound (`held`).
HELD_SHARE = 0.01


def held(state: SolverState) -> bool:
    """Whether a plan of the search is held back from the solver's line as it is found: in a
    search that makes a relaxed plan a plan of the model (`searching`'s `relaxed_yuan`), one that
    costs more than the relaxed plan by more than the relaxed plan lies above the bound proven
    before (or HELD_SHARE of its cost, the larger). HiGHS's first plan of such a search is often
    a trivial one far above the relaxed plan ("best plan 3,033.56 bn yuan, gap over 100%" right
    after a relaxed plan of -194.68), which read as a step back; the search soon finds one near
    the relaxed plan. A held plan is shown by the line drawn every REDRAW_S (PLAIN_EVERY_S
    off a terminal) when no better one comes, and where the search ends (`search_ended`). Never
    while a plan found before is known (`plan_yuan`): the line then shows that plan."""
    relaxed, proven = _searching[5], _searching[1]
    if relaxed is None or proven is None or state.best_yuan is None or _searching[4] is not None:
        return False
    return state.best_yuan - relaxed > max(relaxed - proven, HELD_SHARE * abs(relaxed))


def search_ended(state: SolverState) -> None:
    """Show where a MIP search ended (its plan, proven bound and gap as the solve reports them),
    unless the solver's last line said the same: the last line of a search is then always its
    outcome, not the last state HiGHS passed while searching."""
    reporter = active()
    if reporter is None or reporter.counting:
        return
    text = state.text(_room(reporter))
    if _figures(text) != _figures(reporter._last_solver_text):
        reporter._last_draw = time.perf_counter()
        _draw(reporter, text)


def _room(reporter: Reporter) -> int:
    """The columns the solver's line may take: a line redrawn in place, one less than the width."""
    return reporter.width - (1 if reporter.live else 0)


def _figures(text: str) -> str:
    """A solver line without its clock: what it says of the plan, the bound and the gap."""
    return text.split(": ", 1)[-1]


def _draw(reporter: Reporter, text: str) -> None:
    reporter._last_solver_text = text
    reporter.redraw(text, cuttable=False)


#: The tqdm bar of a count: the count, its clock and the words after it (`Steps`: the time left
#: where meaningful, the last run done, the runs under way); not tqdm's own time left and rate,
#: which stand still between two runs done while the clock goes on.
BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"


class Steps:
    """A count of runs done out of `total`, with the runs under way (`begin`) and how long each
    has run: a tqdm bar on a terminal, plain lines otherwise (one per run done, and a heartbeat
    every PLAIN_EVERY_S). With `estimate`, also the time left: when a run ends, the mean time of
    the runs done times the runs left, counted down until the next run ends and no longer shown
    once it has run out (the run under way then takes longer than the mean). Meant for runs alike
    (variants of one scenario, alternatives of one plan), not for runs as unlike as the rule-cost
    re-solves (siting/optimize/relax.py)."""

    def __init__(self, reporter: Reporter, total: int, what: str, estimate: bool = True):
        self.reporter, self.total, self.what, self.done = reporter, total, what, 0
        self.estimate = estimate
        self.started = time.perf_counter()
        self.running: dict[str, float] = {}
        """The runs under way (`begin`), each with the `time.perf_counter()` at which it began."""
        self.last = ""
        """The last run done and how it ended, as the bar shows it."""
        self._last_line = -1e9
        self._lines = 0
        self._drawn: tuple[str, ...] = ()
        self._left: tuple[float, float] | None = None
        """When the last run ended and the time left estimated then (`estimate`)."""
        self.bar: Any = None
        self.open = True
        reporter.counting += 1
        reporter.counts.append(self)
        if reporter.live:
            from tqdm import tqdm

            # The terminal's width as tqdm follows it, unless COLUMNS or the reporter says another.
            columns = os.environ.get("COLUMNS", "").strip()
            fixed = reporter._fixed_width is not None or (columns.isdigit() and int(columns) > 0)
            self.bar = tqdm(total=total, desc=what, unit="run", file=reporter.stream, dynamic_ncols=not fixed,
                            ncols=reporter.width if fixed else None, leave=True, bar_format=BAR_FORMAT,
                            mininterval=0, miniters=1)  # each run drawn

    def begin(self, label: str) -> None:
        """Run `label` is under way from now (shown from the next `beat` or `advance`)."""
        self.running.pop(label, None)
        self.running[label] = time.perf_counter()

    def under_way(self, now: float) -> str:
        """The runs under way with the seconds each has run, e.g. `market 25 s, budget 3 s`: whole
        seconds begun on the bar (as its clock counts them), rounded in plain lines (as their
        elapsed time)."""
        whole = int if self.bar is not None else round
        return ", ".join(f"{label} {whole(now - began)} s" for label, began in self.running.items())

    def beat(self) -> None:
        """The count is still waiting on its runs: on a terminal the bar's clock and the runs under
        way are redrawn (at most every REDRAW_S, unless other runs are under way than it shows);
        otherwise a plain line is written when none has been yet, and then every PLAIN_EVERY_S."""
        if not self.open:
            return
        now = time.perf_counter()
        if self.bar is not None:
            if now - self._last_line >= REDRAW_S or tuple(self.running) != self._drawn:
                self._draw_bar(now, refresh=True)
            return
        if self._lines and now - self._last_line < PLAIN_EVERY_S:
            return
        self._plain(f"{self.what}: {self.done}/{self.total} done, {now - self.started:.0f} s elapsed"
                    f"{self._time_left(now, ', ')}", now)

    def _time_left(self, now: float, before: str) -> str:
        """`about N s left` after `before`, counted down from the estimate made when the last run
        ended; empty without an estimate or once it has run out."""
        if self._left is None:
            return ""
        ended, left = self._left
        left -= now - ended
        return f"{before}about {left:.0f} s left" if left > 0 else ""

    def advance(self, label: str, state: str) -> None:
        """One more run done: `label` and its outcome (e.g. `optimal`, `infeasible`, `failed`:
        `run_outcome`; a batch's run with a plan in its report's words, "stopped at the time limit
        with a plan": siting/runs/pool.py `outcome_words`), said in words (`in_words`: "optimal
        within the gap"). On a terminal the outcome stands before the runs under way, so that a
        line too wide for the terminal, which tqdm cuts at its right edge, loses the runs under way
        first."""
        state = in_words(state)
        self.done += 1
        self.running.pop(label, None)
        self.last = f"{label}: {state}"
        now = time.perf_counter()
        if self.estimate and self.done < self.total:
            self._left = (now, (now - self.started) / self.done * (self.total - self.done))
        else:
            self._left = None
        if self.bar is not None:
            self._draw_bar(now, refresh=False)
            self.bar.update(1)
            if self.done >= self.total:
                self.close()
            return
        elapsed = now - self.started
        text = f"{self.what}: {self.done}/{self.total} done ({label}: {state}), {elapsed:.0f} s elapsed"
        if self.estimate:
            text += f", about {elapsed / self.done * (self.total - self.done):.0f} s left"
        self._plain(text, now)
        if self.done >= self.total:
            self.close()

    def _draw_bar(self, now: float, refresh: bool) -> None:
        """Set the bar's words (`_postfix`), and redraw it with `refresh`."""
        self._last_line = now
        self._drawn = tuple(self.running)
        self.bar.set_postfix_str(self._postfix(now), refresh=refresh)

    def _postfix(self, now: float) -> str:
        """The bar's words after its clock: the time left, the last run done and the runs under way."""
        running = f"running: {self.under_way(now)}" if self.running else ""
        return "; ".join(part for part in (self._time_left(now, ""), self.last, running) if part)

    def _plain(self, text: str, now: float) -> None:
        """A plain line: `text` and the runs under way."""
        self._last_line = now
        self._lines += 1
        self.reporter.line(f"{text}; running: {self.under_way(now)}" if self.running else text)

    def close(self) -> None:
        """Close the bar (also when the runs stop early); closing twice does nothing."""
        if not self.open:
            return
        self.open = False
        self.reporter.counting -= 1
        if self in self.reporter.counts:
            self.reporter.counts.remove(self)
        if self.bar is not None:
            self.bar.close()


class _NoSteps:
    def begin(self, label: str) -> None:
        pass

    def beat(self) -> None:
        pass

    def advance(self, label: str, state: str) -> None:
        pass

    def close(self) -> None:
        pass


def steps(total: int, what: str, reporter: Reporter | None = None, estimate: bool = True) -> Steps | _NoSteps:
    """A counter of `total` runs named `what` (e.g. "rule costs"); it does nothing when progress is
    off. `estimate`: show the time left (see `Steps`)."""
    reporter = reporter if reporter is not None else active()
    if reporter is None or not reporter.speaks() or total <= 0:
        return _NoSteps()
    return Steps(reporter, total, what, estimate)
