"""While a fixed-count search runs after a plan was found (the count relaxation's scout, a
relaxed plan made a plan of the MIP: siting/optimize/counts.py), the solver line shows that plan
as the best plan until the search finds a cheaper one: the restriction's first plans may cost far
more, and "best plan 487.10 bn yuan" after a plan of -26.22 was shown read as a step back."""

from __future__ import annotations

import time

from siting.config import progress
from siting.optimize import counts
from siting.optimize.solve import SolverSettings


def shown(monkeypatch, known: float | None, found: float) -> str:
    monkeypatch.setattr(counts, "fix_module_counts", lambda _model, _counts: None)
    monkeypatch.setattr(counts, "free_module_counts", lambda _model: None)
    monkeypatch.setattr(counts, "solve_model",
                        lambda *_args, **_kw: progress.SolverState(found, None, None, 5.0).text())
    return counts._fixed_search(None, {}, SolverSettings(), None, -27.52e9, None, time.perf_counter(), known)


def test_the_plan_known_before_is_the_best_plan_until_a_cheaper_one(monkeypatch) -> None:
    assert shown(monkeypatch, -26.22e9, 487.10e9) == (
        "solve 5.0 s: best plan -26.22 bn yuan, bound -27.52 bn yuan, gap 4.96%")
    assert shown(monkeypatch, -26.22e9, -26.88e9) == (
        "solve 5.0 s: best plan -26.88 bn yuan, bound -27.52 bn yuan, gap 2.39%")


def test_without_a_plan_before_the_search_shows_its_own(monkeypatch) -> None:
    assert shown(monkeypatch, None, 487.10e9).startswith("solve 5.0 s: best plan 487.10 bn yuan, bound -27.52 bn yuan")
