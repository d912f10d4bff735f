"""A Solution pickles (a Dask worker's result, joblib, a cache): HiGHS's solver object and the
Pyomo model stay behind, the model's values come along, and the unpickled solution writes the
same files and gives the same rule costs and alternatives as the one solved here."""

from __future__ import annotations

import pickle
from pathlib import Path

import siting

DATA = Path(__file__).parent / "data" / "small"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.name not in ("manifest.json", ".siting-run")}  # they hold the timings


def test_a_solution_pickles_and_gives_the_same_results(tmp_path: Path) -> None:
    solution = siting.solve(DATA / "scenario.yaml")
    again = pickle.loads(pickle.dumps(solution))
    assert repr(again) == repr(solution)
    assert (again.objective_yuan, again.best_bound_yuan, again.status) == (
        solution.objective_yuan, solution.best_bound_yuan, solution.status)
    assert again.plan.equals(solution.plan)
    assert _files(again.write(tmp_path / "again")) == _files(solution.write(tmp_path / "here"))
    assert siting.rule_costs(again).equals(siting.rule_costs(solution))
    assert siting.alternatives(again, n=2).table.equals(siting.alternatives(solution, n=2).table)


def test_the_solver_object_is_not_pickled_but_kept_here() -> None:
    solution = siting.solve(DATA / "scenario.yaml")
    state = solution.__getstate__()
    assert state["_solved"].solver is None and state["_solved"].model is None
    assert state["_solved"].values  # the model's values, by variable name and index
    assert solution._solved.solver is not None and solution._solved.model is not None  # the solution itself keeps them
