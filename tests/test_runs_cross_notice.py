"""A cross-start whose taking of another run's plan fails (siting/runs/pool.py `cross_check`):
the run is solved again from that plan, as when the plan lies above its gap, and the failure is
said where the user sees it: on the progress line of its cross-start, in a notice of the run's
report and manifest, and in the sweep's note on the runs that moved.

The sweep is tests/test_cross_start.py's (`small_cases`): the loose run (0 m, 20 % gap, first,
cold) ends dearer than mid's optimum, which its own bound proves within its gap, so it takes
mid's plan as it is (siting/optimize/run.py `solve_fixed_start`); here that step raises.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from test_comparison import assert_base
from test_cross_start import small_cases

import siting.optimize.run as run_module
from siting.runs.pool import Progress, failure_words, run_cases
from siting.runs.tables import moved_note


@pytest.fixture(scope="module", autouse=True)
def _plain_relaxation(plain_relaxation):
    """Every run of this module solves the count relaxation without its sales rounding rows
    (conftest `without_sales_rounding` says why)."""


WHY = "an unexpected error (TypeError: injected failure)"
NOTICE = (f"loose: the plan of mid was to be taken as it is, with the bound of this run's own earlier solve, but "
          f"that failed with {WHY}; the run was solved again starting from that plan instead")


def test_a_failure_taking_a_plan_is_said_and_the_run_is_solved_again(folder: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("injected failure")

    monkeypatch.setattr(run_module, "solve_fixed_start", failing)
    monkeypatch.setenv("COLUMNS", "240")  # the notice on one line: progress wraps at the terminal width
    out = tmp_path / "sweep"
    stream = io.StringIO()
    summaries = run_cases(small_cases(folder, out), workers=1, progress=Progress(3, stream=stream), warm=True,
                          cross=True)
    loose = summaries[0]
    assert (loose.started_from, loose.not_taken, loose.status) == ("mid", WHY, "optimal")
    assert [s.not_taken for s in summaries[1:]] == ["", ""]
    assert_base(loose.objective_yuan)
    assert "(loose: from mid: taking its plan failed with an unexpected error (TypeError: injected failure), " \
           "solved again from it: optimal within the gap)" in stream.getvalue()
    manifest = json.loads((out / "loose" / "manifest.json").read_text())
    assert NOTICE in manifest["notices"]
    assert "plan_from" not in manifest["model_size"]["searches"]  # solved again, not taken
    assert NOTICE in (out / "loose" / "report.md").read_text()
    assert moved_note(summaries) == (
        "Runs that moved to another run's plan, and so may report another plan than `siting solve` gives for the "
        f"same settings: loose was solved again starting from the plan of mid (taking that plan as it is failed "
        f"with {WHY}) and ended at {loose.objective_yuan / 1e9:,.4f} bn yuan, against "
        f"{loose.own_objective_yuan / 1e9:,.4f} bn yuan for the plan its own solve had found.")
    assert sorted(p.name for p in out.iterdir()) == ["loose", "mid", "strict"]  # nothing left aside


def test_failures_in_words():
    assert failure_words("unexpected error: TypeError: bad value") == "an unexpected error (TypeError: bad value)"
    assert failure_words("NoSolution: the plan of mid is not a plan of this run: its whole-number decisions break "
                         "this run's rules\nmore") == (
        "no plan (the plan of mid is not a plan of this run: its whole-number decisions break this run's rules)")
    assert failure_words("PlanInfeasible: the plan is infeasible") == (
        "rules that cannot be met together (the plan is infeasible)")
    assert failure_words("InputError: ") == "bad input"
    assert failure_words("worker process died 2 times") == "an error (worker process died 2 times)"
