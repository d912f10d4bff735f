"""The message of a run without a plan ("no plan: ...", on standard error) is wrapped to the
terminal's width as the rest of the summary is (siting/cli.py `no_plan_text`), every line of it,
not only the calibration verdict: a list item's continuation indented under its text, a figure
never parted from its unit, the diagnosis folder never broken (on a line of its own where it does
not fit), and not a word lost or added."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from siting.cli import no_plan_text
from siting.config.errors import NoSolution, PlanInfeasible
from siting.deliver.tables import display_width

FOLDER = Path("/data/siting runs/yunnan 2024 budget study/out")

INFEASIBLE = (
    "the plan is infeasible: the rules cannot be met together.\n"
    "  2 conflicts, 4 rules in all; dropping any one rule of a conflict resolves that conflict; a plan needs "
    "every conflict resolved:\n"
    "    conflict 1: 2 rules cannot be met together:\n"
    "      - the Cells target needs 10 GWh/yr by 2024; existing capacity gives 0 GWh/yr, so 10 GWh/yr must be "
    "added (the eligible land of all clusters could take 70 GWh/yr) [targets.capacity.cells.2024=10]\n"
    "      - investment in 2024 may not exceed 1.30 bn yuan [constraints.budget.capex_yuan_per_yr.2024=1300000000]\n"
    "  the least change that makes a plan possible: lower the Cells target for 2024 by 10 GWh/yr, to 0 "
    "GWh/yr; lower the Cathode target for 2024 by 40,000 t/yr, to 80,000 t/yr\n"
    "calibration: the rules do not admit the real plants: conflict 1 holds yeyang_lfp_phase1 (400,000 t/yr LFP "
    "at Yuxi high-tech zone, 2023) and the cells target, which together need 613.3 ha more than the land gives\n"
    f"the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in {FOLDER}")

TIME_LIMIT = (
    "the solver found no plan within the time limit of 0.2 s (status maxTimeLimit); raise solver.time_limit_s "
    "(or --time-limit). The count relaxation found no relaxed plan in its share of the time limit (0.1 s of "
    "0.2 s); the 0.2 s limit reached, no time left for a MIP search.")

UNITS = ("GWh/yr", "t/yr", "s", "bn yuan", "ha")


def _infeasible() -> PlanInfeasible:
    failed = PlanInfeasible(INFEASIBLE)
    failed.folder = FOLDER
    return failed


def _words(text: str) -> list[str]:
    return text.split()


def _logical(printed: list[str], original: list[str]) -> list[list[str]]:
    """The printed lines grouped by the line of `original` each continues, matched by words."""
    groups: list[list[str]] = []
    at = 0
    for line in original:
        want, got = _words(line), []
        group: list[str] = []
        while len(got) < len(want):
            group.append(printed[at])
            got += _words(printed[at])
            at += 1
        assert got == want, (group, line)
        groups.append(group)
    assert at == len(printed)
    return groups


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("error", [_infeasible, lambda: NoSolution(TIME_LIMIT)])
def test_every_line_of_a_no_plan_message_fits_the_terminal(monkeypatch: pytest.MonkeyPatch, columns: int,
                                                           error) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    exc = error()
    original = f"no plan: {exc}".splitlines()
    printed = no_plan_text(exc).splitlines()
    assert len(printed) > len(original)  # it was wrapped
    for group, line in zip(_logical(printed, original), original, strict=True):
        lead = line[:len(line) - len(line.lstrip())]
        assert group[0].startswith(lead) and not group[0][len(lead)].isspace()
        # a list item's continuations under its text; another line's two spaces in
        under = lead + "  "
        for more in group[1:]:
            assert more.startswith(under) and not more[len(under)].isspace(), (more, line)
        for text in group:
            # wider only as a word longer than a line, alone on it
            assert display_width(text) <= columns or text.strip() in (str(FOLDER), *line.split()), text
        # no figure parted from its unit: no line ends in a figure whose unit opens the next
        for first, second in itertools.pairwise(group):
            last, nxt = first.split()[-1], second.split()[0]
            assert not (last.lstrip("(").replace(",", "").replace(".", "").isdigit()
                        and nxt.rstrip(",;.)") in {u.split()[0] for u in UNITS}), (first, second)
            assert not (first.endswith(" bn") and nxt.startswith("yuan")), (first, second)


@pytest.mark.parametrize("columns", [60, 80])
def test_the_diagnosis_folder_is_never_broken(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """A folder with spaces in its name is whole on one line; at 60 columns, where it does not fit
    after "is in", it is on a line of its own."""
    monkeypatch.setenv("COLUMNS", str(columns))
    printed = no_plan_text(_infeasible()).splitlines()
    holding = [line for line in printed if str(FOLDER) in line]
    assert len(holding) == 1
    assert display_width(holding[0]) <= columns or holding[0].strip() == str(FOLDER)
    if columns == 60:
        assert holding[0] == f"  {FOLDER}"


def test_a_wide_terminal_keeps_each_line_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    assert no_plan_text(_infeasible()) == f"no plan: {INFEASIBLE}"
    assert no_plan_text(NoSolution(TIME_LIMIT)) == f"no plan: {TIME_LIMIT}"


def test_the_command_line_prints_the_message_wrapped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """tests/test_short_time_limit.py's run without a plan, at 80 columns: its one line of 280
    characters in lines of at most 80, no figure parted from its unit."""
    from test_short_time_limit import SMALL, Clock, no_plan

    from siting.cli import main

    monkeypatch.setenv("COLUMNS", "80")
    Clock(monkeypatch, [(1.8, no_plan)])
    assert main(["solve", str(SMALL / "scenario.yaml"), "--out", str(tmp_path / "out"), "--time-limit", "2"]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert len(printed) == 4 and all(len(line) <= 80 for line in printed), printed
    assert all(line.startswith("  ") for line in printed[1:]), printed
    joined = " ".join(line.strip() for line in printed)
    assert joined.startswith("no plan: the solver found no plan within the time limit of 2 s (status maxTimeLimit)")
    assert all(any(figure in line for line in printed) for figure in ("1.0 s", "0.2 s", "0.5 s"))
    assert not any(line.split()[-1].strip("(").replace(".", "").isdigit() for line in printed), printed


def test_the_notices_before_the_message_are_laid_out_to_standard_error(monkeypatch: pytest.MonkeyPatch,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The notices and the message are printed on standard error, and both are wrapped to its
    width, not to standard output's (a terminal of 200 columns while standard error goes to one of
    60, as `terminal_width` would give them)."""
    import sys

    import siting.deliver.tables as tables
    from siting.cli import _error_exit

    monkeypatch.setattr(tables, "terminal_width", lambda stream=None: 60 if stream is sys.stderr else 200)
    failed = NoSolution(TIME_LIMIT)
    failed.notices = ("12 committed projects come online after the plan's last year 2024: their capacity is left "
                      "out of the plan's years",)
    assert _error_exit(failed, debug=False) == 1
    printed = capsys.readouterr().err.splitlines()
    assert printed[0].startswith("note: 12 committed projects")
    assert all(display_width(line) <= 60 for line in printed), printed
