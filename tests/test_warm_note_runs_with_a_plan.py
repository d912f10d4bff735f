"""The note on warm starts under a sweep names only the runs that have a plan: a run whose rules
cannot be met (infeasible before or during its search) reports no plan, so saying it "may report
another plan than `siting solve`" would be wrong; its row and the diagnosis say why it has none."""
from __future__ import annotations

from siting.runs.pool import CaseSummary
from siting.runs.tables import warm_note


def test_the_warm_start_note_leaves_out_runs_without_a_plan() -> None:
    first = CaseSummary("run01 k=1", True, status="optimal", objective_yuan=-1e9, gap=0.0)
    solved = CaseSummary("run02 k=2", True, status="optimal", objective_yuan=-1e9, gap=0.0, warm_from="run01 k=1")
    failed = CaseSummary("run03 k=3", False, status="infeasible", error="PlanInfeasible: x", warm_from="run01 k=1")
    note = warm_note([first, solved, failed])
    assert "run02 k=2 was warm-started from the plan of run01 k=1" in note
    assert "run03" not in note
    assert warm_note([first, failed]) == ""
