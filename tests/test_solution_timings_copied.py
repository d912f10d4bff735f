"""`Solution.timings` and `Problem.timings` give a copy at every access, as the properties of a
solution do (`plan`, `costs`, ...): before, they gave the dict the solution keeps adding to, so
that `solution.timings.clear()` left the manifest's `run.timings_s` without `load` to `solve`,
and a change to `problem.timings` became the `load` of every later solve."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import siting
from tests.conftest import SMALL

SOLVE_PHASES = ["load", "preprocess", "build", "bound", "solve"]


@pytest.fixture(scope="module")
def problem() -> siting.Problem:
    return siting.load(SMALL / "scenario.yaml")


def test_a_change_to_the_solution_s_timings_stays_in_the_copy(problem: siting.Problem, tmp_path: Path) -> None:
    solution = siting.solve(problem)
    given = solution.timings
    assert given is not solution.timings
    given.clear()
    assert list(solution.timings) == SOLVE_PHASES
    solution.write(tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["run"]["timings_s"]) == [*SOLVE_PHASES, "export", "write"]
    assert list(solution.timings) == [*SOLVE_PHASES, "export", "write"]  # its own calls still add to it
    assert list(pickle.loads(pickle.dumps(solution)).timings) == list(solution.timings)


def test_a_change_to_the_problem_s_timings_stays_in_the_copy(problem: siting.Problem) -> None:
    loaded = problem.timings["load"]
    problem.timings["load"] = 1e6
    assert problem.timings["load"] == loaded
    assert siting.solve(problem).timings["load"] == loaded


def test_the_constructor_keeps_a_copy_of_the_timings_given(problem: siting.Problem) -> None:
    solution = siting.solve(problem)
    given = {"load": 1.0}
    made = siting.Solution(solution.problem, solution.settings, solution.report, solution.result,
                           solution.model_size, given)
    given["load"] = 2.0
    assert made.timings == {"load": 1.0}
