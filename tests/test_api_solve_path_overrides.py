"""siting.solve given a scenario path takes `variant` and `overrides` as `load` does; given a
Problem (loaded with its own) it refuses them, naming both."""

import shutil
from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
CHANGED = {"constraints.redline.buffer_m": 0, "solver.time_limit_s": 77}


def test_a_path_with_overrides_solves_as_load_then_solve():
    direct = siting.solve(SMALL, overrides=CHANGED)
    loaded = siting.solve(siting.load(SMALL, overrides=CHANGED))
    assert direct.problem.scenario.constraints.redline.buffer_m == 0
    assert direct.settings.time_limit_s == 77
    assert (direct.objective_yuan, direct.best_bound_yuan) == (loaded.objective_yuan, loaded.best_bound_yuan)
    assert direct.plan.equals(loaded.plan)


def test_a_variant_with_a_path_is_loaded(tmp_path):
    folder = tmp_path / "small"
    shutil.copytree(SMALL.parent, folder)
    scenario = folder / "scenario.yaml"
    scenario.write_text(SMALL.read_text() + "\nvariants:\n  tight:\n    solver: {time_limit_s: 55}\n")
    assert siting.solve(scenario, variant="tight").settings.time_limit_s == 55


def test_a_problem_with_overrides_or_a_variant_is_refused():
    problem = siting.load(SMALL)
    for given in ({"overrides": CHANGED}, {"variant": "tight"}):
        with pytest.raises(InputError) as refused:
            siting.solve(problem, **given)
        assert str(refused.value).count("variant, overrides | apply when solve is given a scenario path") == 1
