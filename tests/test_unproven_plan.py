"""A plan the solve did not prove within the asked gap says what it is worth, in the terminal and
in report.md: the run succeeds (exit 0, its folder written), so the words are the warning.

Figures: a plan of 43.83 bn yuan with a proven gap of 78.72 % may cost 0.7872 x 43.83 = 34.50 bn
yuan more than the best plan; with no bound at all, how far it lies is unknown. A proven plan, or
no plan, gets no words.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from siting.cli import format_summary
from siting.deliver.manifest import manifest
from siting.deliver.mapinfo import time_limit_held, unproven_text
from siting.deliver.report import solve_blocks
from siting.runs.job import RunResult, run_solve

BN = 1e9

GAP_WORDS = ("This plan is not proven within the asked gap: the best plan may cost up to 34.51 bn yuan less "
             "(gap 78.72%); the solve stopped at its 1.5 s time limit. A longer solve may change the plan and its "
             "map, and a stop at a time limit depends on the machine's speed, so the same inputs may give another "
             "plan. Raise solver.time_limit_s (or --time-limit) before relying on it.")


def test_the_words_give_the_gap_in_bn_yuan_and_the_limit() -> None:
    assert unproven_text(True, False, 0.7872, 43.83 * BN, 1.5) == GAP_WORDS


def test_without_a_bound_the_distance_is_unknown() -> None:
    words = unproven_text(True, False, None, 342.47 * BN, 0.5)
    assert words.startswith("This plan is not proven within the asked gap: no bound was proven within the 0.5 s "
                            "time limit, so how far it lies from the best plan is unknown")


def test_a_stop_at_another_limit_names_no_time_limit() -> None:
    words = unproven_text(True, False, 0.05, 10.0 * BN, None)
    assert "up to 0.50 bn yuan less (gap 5.00%). A longer solve" in words
    assert "time limit depends" in words and "stopped at its" not in words


def test_a_proven_plan_or_no_plan_gets_no_words() -> None:
    assert unproven_text(True, True, 0.02, 10.0 * BN, 60.0) == ""
    assert unproven_text(False, False, None, None, 60.0) == ""


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The small scenario (tests/data/small), solved within its gap."""
    scenario = Path(__file__).parent / "data" / "small" / "scenario.yaml"
    return run_solve(scenario, tmp_path_factory.mktemp("unproven") / "out")


def stopped(result: RunResult) -> RunResult:
    """`result` as a stop at a 1.5 s time limit with a plan of 43.83 bn yuan, gap 78.72 %."""
    held = tuple((k, 1.5 if k == "time_limit" else v) for k, v in result.report.highs_options)
    report = dataclasses.replace(result.report, termination="maxTimeLimit", proven_optimal=False,
                                 objective_yuan=43.83 * BN, best_bound_yuan=43.83 * BN * (1 - 0.7872), gap=0.7872,
                                 highs_options=held)
    made = copy.copy(result)
    made.report = report
    return made


def test_the_terminal_warns_under_the_objective_line(solved: RunResult) -> None:
    assert "not proven" not in format_summary(solved)
    lines = format_summary(stopped(solved)).splitlines()
    assert lines[2].startswith("objective 43.83 bn yuan (discounted), best bound 9.32 bn yuan")
    end = next(i for i, line in enumerate(lines) if line.startswith("  capex"))  # the costs follow
    assert lines[3].startswith("warning: this plan is not proven")
    assert max(len(line) for line in lines[3:end]) <= 120
    assert " ".join(line.strip() for line in lines[3:end]) == "warning: t" + GAP_WORDS[1:]


def test_the_report_says_it_under_the_solve_table(solved: RunResult) -> None:
    report = stopped(solved)
    assert time_limit_held(report.report) == 1.5
    blocks = solve_blocks(manifest(report.prepared.loaded, {}, report.report, report.plan, {}, {}, [], ()))
    assert [b.kind for b in blocks[:3]] == ["h2", "table", "p"]
    assert blocks[2].content == GAP_WORDS
    plain = solve_blocks(manifest(solved.prepared.loaded, {}, solved.report, solved.plan, {}, {}, [], ()))
    assert [b.kind for b in plain] == ["h2", "table"]
