"""benchmarks/bench_scale.py times the run's proven gap whatever bound certifies it: the bounds the
run itself holds as proven (the early plan's LP bound, the cutoff a search of the count relaxation
proved by finding no plan below it), not only the bounds HiGHS's callbacks give.

The figures are those of the shipped scenario at 1 %, HiGHS seed 1 (benchmarks/README.md, Scale,
2026-12-07): the fixed-count search's plan costs -195,844,434,878.67 yuan; the early plan's LP
bound is -202,282,041,572.58 (3.29 % below it, no certificate at 1 %); the proof search's cutoff
is the plan's cost less 1 % of it, -195,844,434,878.67 - 1,958,444,348.79 = -197,802,879,227.46,
and that search ends "Infeasible": no plan below the cutoff, HiGHS's own dual bound then none. The
run certifies the plan at 1.00 % at that moment; the HiGHS runs alone never show it."""

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_scale
from bench_solve import patched

import siting.optimize.counts as counts
from siting.optimize.solve import SolveReport

PLAN = -195_844_434_878.67
LP_BOUND = -202_282_041_572.58
CUTOFF = -197_802_879_227.46

SEED_1_RUNS = [
    {"role": "early", "events": [[3.93, "end", -202_282.04, 0.0]]},  # the plain LP, in its own units
    {"role": "fixed", "events": [[4.22, "plan", PLAN, -196_282_454_581.58], [4.46, "end", PLAN, -196_033_114_705.75]]},
    {"role": "relaxation", "events": [[4.95, "bound", CUTOFF, LP_BOUND], [5.76, "bound", CUTOFF, -202_046_594_656.76],
                                      [5.96, "end", None, None]]},
]


def test_the_highs_runs_alone_never_show_the_cutoff_proven() -> None:
    assert bench_scale.timeline(SEED_1_RUNS, 0.01) == (4.22, None)


def test_the_gap_is_reached_when_the_run_holds_the_cutoff_as_proven() -> None:
    proven = [[4.10, "full", LP_BOUND], [4.50, "relaxation", LP_BOUND], [5.96, "relaxation", CUTOFF]]
    assert bench_scale.timeline(SEED_1_RUNS, 0.01, proven) == (4.22, 5.96)


def test_a_bound_that_certifies_the_plan_counts_from_when_the_plan_came() -> None:
    """A bound proven before the plan (an LP bound 0.5 % below it) certifies it as it comes."""
    proven = [[4.10, "full", PLAN * 1.005]]
    assert bench_scale.timeline(SEED_1_RUNS, 0.01, proven) == (4.22, 4.22)


def test_the_bound_of_a_restriction_is_not_taken() -> None:
    """The early plan's and the fixed counts' bounds hold for their restrictions only."""
    proven = [[4.10, "early", PLAN], [4.30, "fixed", PLAN]]
    assert bench_scale.timeline(SEED_1_RUNS, 0.01, proven) == (4.22, None)


def _relaxed_var() -> Any:
    return SimpleNamespace(is_integer=lambda: False, fixed=False)


def _whole_var() -> Any:
    return SimpleNamespace(is_integer=lambda: True, fixed=False)


def _bounds(folder: Path) -> list[list[Any]]:
    path = folder / bench_scale.BOUNDS_FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_the_worker_notes_the_bounds_of_the_relaxation_s_searches(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Before a search of the count relaxation, the bound proven before it (its `lower`); after it,
    the bound its report gives (the cutoff, for a search that found no plan below it)."""
    report = SolveReport(termination="objectiveLimit", has_solution=False, proven_optimal=False, infeasible=False,
                         objective_yuan=None, best_bound_yuan=CUTOFF, gap=None, solve_time_s=0.8, solver_version="")
    monkeypatch.setattr(counts.Bounding, "search", lambda self, *args, **kwds: report)
    rec = bench_scale.Recorder(0.0, tmp_path)
    relaxation = SimpleNamespace(model=SimpleNamespace(build={0: _relaxed_var()}, module_count={}))
    wraps = dict(((owner, name), wrap) for owner, name, wrap in bench_scale._proven_wraps(rec))
    with patched(counts.Bounding, "search", wraps[counts.Bounding, "search"]):
        assert counts.Bounding.search(relaxation, 10, None, LP_BOUND, PLAN, CUTOFF) is report
    assert [(role, bound) for _t, role, bound in _bounds(tmp_path)] == [("relaxation", LP_BOUND),
                                                                        ("relaxation", CUTOFF)]


def test_the_worker_notes_the_bound_a_fixed_count_search_is_given(tmp_path: Path) -> None:
    """The count relaxation's bound given to the MIP's fixed-count search (the early plan's LP
    bound): a bound of the full model, noted before the plan that search finds."""
    calls = []
    rec = bench_scale.Recorder(0.0, tmp_path)
    mip = SimpleNamespace(build={0: _whole_var()}, module_count={0: _whole_var()})
    (_owner, _name, wrap), = [w for w in bench_scale._proven_wraps(rec) if w[1] == "_fixed_search"]
    fixed_search = wrap(lambda *args, **kwds: calls.append(args) or "report")
    assert fixed_search(mip, {}, None, None, LP_BOUND, None, 0.0) == "report"
    assert calls == [(mip, {}, None, None, LP_BOUND, None, 0.0)]
    assert [(role, bound) for _t, role, bound in _bounds(tmp_path)] == [("full", LP_BOUND)]


def test_no_bound_is_noted_for_a_screened_model(tmp_path: Path) -> None:
    rec = bench_scale.Recorder(0.0, tmp_path)
    mip = SimpleNamespace(build={0: _whole_var()}, module_count={0: _whole_var()})
    rec.roles[id(mip)] = "screened"
    (_owner, _name, wrap), = [w for w in bench_scale._proven_wraps(rec) if w[1] == "_fixed_search"]
    wrap(lambda *args: None)(mip, {}, None, None, LP_BOUND, None, 0.0)
    assert _bounds(tmp_path) == []


def test_a_bound_highs_reports_is_capped_at_the_search_s_cutoff() -> None:
    """Stopped once its bound reached the cutoff, HiGHS's dual bound read its trivial plan's cost
    (3.09e12 in the shipped run's proof search): no more is proven than the cutoff."""
    assert bench_scale._capped(3.094e12 / 1e6, CUTOFF / 1e6) == CUTOFF / 1e6
    assert bench_scale._capped(LP_BOUND, CUTOFF) == LP_BOUND
    assert bench_scale._capped(None, CUTOFF) is None
    assert bench_scale._capped(LP_BOUND, None) == LP_BOUND
