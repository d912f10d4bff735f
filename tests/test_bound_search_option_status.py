"""A search for a bound (siting/optimize/solve.py `solve_model` with `heuristics` false) checks
HiGHS's status of every option it reads or sets around the run (`stop_at_bound`), and a
scenario's own value of one of BOUND_SEARCH_HEURISTICS, were `solver.options` to admit it, is
overridden for the run and is what the solver holds after it."""

from __future__ import annotations

from typing import Any

import highspy
import pytest

import siting.config.highs as highs_config
from siting.optimize.solve import BOUND_SEARCH_HEURISTICS, SolverSettings, new_solver, solve_model
from tests.conftest import knapsack

RINS = "mip_heuristic_run_rins"



def at_run(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The values of `names` HiGHS holds as each of its runs starts (after the interface has set
    the run's options)."""
    seen: list[dict[str, Any]] = []
    original = highspy.Highs.run

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append({name: self.getOptionValue(name)[1] for name in names})
        return original(self, *args, **kwargs)

    monkeypatch.setattr(highspy.Highs, "run", run)
    return seen


@pytest.fixture
def rins_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(highs_config, "ALLOWED_HIGHS_OPTIONS", highs_config.ALLOWED_HIGHS_OPTIONS | {RINS})


@pytest.mark.parametrize("own", [True, False])
def test_a_scenarios_own_heuristic_setting_is_off_in_the_run_and_put_back(monkeypatch, rins_allowed, own) -> None:
    model, opt = knapsack(), new_solver()
    seen = at_run(monkeypatch, BOUND_SEARCH_HEURISTICS)
    settings = SolverSettings(rel_gap=0.0, options=((RINS, own),))
    report = solve_model(model, settings, opt, heuristics=False)
    assert report.objective_yuan == pytest.approx(-8.0)
    assert seen == [dict.fromkeys(BOUND_SEARCH_HEURISTICS, False)]
    assert dict(report.highs_options)[RINS] is own
    assert opt._solver_model.getOptionValue(RINS)[1] is own
    report = solve_model(model, settings, opt)  # a search for a plan runs with the scenario's value
    assert seen[-1][RINS] is own and report.objective_yuan == pytest.approx(-8.0)


class Refusing:
    """A HiGHS object that refuses (status kError) to read or set option `name`, else the real one."""

    def __init__(self, highs: Any, name: str, refuse: str) -> None:
        self._highs, self._name, self._refuse = highs, name, refuse

    def getOptionValue(self, name: str) -> Any:
        if name == self._name and self._refuse == "get":
            return highspy.HighsStatus.kError, 0
        return self._highs.getOptionValue(name)

    def setOptionValue(self, name: str, value: Any) -> Any:
        if name == self._name and self._refuse == "set":
            return highspy.HighsStatus.kError
        return self._highs.setOptionValue(name, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._highs, name)


@pytest.mark.parametrize(("name", "refuse"), [(RINS, "get"), (RINS, "set"), ("objective_bound", "set")])
def test_an_option_highs_refuses_around_a_bound_search_is_an_error_naming_it(name, refuse) -> None:
    """As when a HiGHS version renames one of BOUND_SEARCH_HEURISTICS: not a run that silently keeps
    the heuristics (or no cutoff)."""
    model, opt = knapsack(), new_solver()
    solve_model(model, SolverSettings(rel_gap=0.0), opt)  # the interface's HiGHS object now exists
    real = opt._solver_model
    original = opt._solve

    def run() -> Any:
        opt._solver_model = real
        return original()

    opt._solve = run  # the real object for the interface's own run, the refusing one around it
    opt._solver_model = Refusing(real, name, refuse)
    with pytest.raises(RuntimeError, match=name):
        solve_model(model, SolverSettings(rel_gap=0.0), opt, heuristics=False, cutoff_yuan=-7.5)


class RefusingPutBack(Refusing):
    """A HiGHS object that refuses (status kError) to set option `name` back on once it has been
    set off."""

    off = False

    def setOptionValue(self, name: str, value: Any) -> Any:
        if name == self._name and value is True and self.off:
            return highspy.HighsStatus.kError
        self.off = self.off or (name == self._name and value is False)
        return self._highs.setOptionValue(name, value)


def test_an_option_highs_refuses_to_take_back_after_a_bound_search_is_an_error_naming_it() -> None:
    """A solver object left without the heuristics would run its next search for a plan so."""
    model, opt = knapsack(), new_solver()
    solve_model(model, SolverSettings(rel_gap=0.0), opt)
    real = opt._solver_model
    original = opt._solve

    def run() -> Any:
        opt._solver_model = real
        return original()

    opt._solve = run
    opt._solver_model = RefusingPutBack(real, RINS, "")
    with pytest.raises(RuntimeError, match=f"take back its option {RINS}"):
        solve_model(model, SolverSettings(rel_gap=0.0), opt, heuristics=False)
