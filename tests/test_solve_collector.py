"""The cyclic garbage collector during a solve (siting/optimize/solve.py `collector_frozen`): the
objects alive before the solve are set aside while it builds and hands over its models, and are
given back to the collector after it; a freeze made before (by the command line after its
imports, or by a caller) is left as it was. The plan is the same either way: only which objects
the collector scans changes."""

from __future__ import annotations

import gc

import pyomo.environ as pyo
import pytest
from test_counts import shared_land
from test_families import SETTINGS

import siting.optimize.counts as counts_module
import siting.optimize.solve as solve_module
from models import ModelInputs
from siting.optimize.counts import solve_by_counts


@pytest.fixture
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start and end each test with nothing set aside (as a process that ran no command has it:
    the command line's own freeze, `set_aside_for_process`, not made)."""
    monkeypatch.setattr(solve_module, "_SET_ASIDE_FOR_PROCESS", False)
    gc.unfreeze()
    yield
    gc.unfreeze()


def freeze_counts_while_building(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The freeze count (`gc.get_freeze_count`) seen each time solve_by_counts builds a model."""
    seen: list[int] = []
    build = counts_module.build_model

    def counting_build(inputs: ModelInputs) -> pyo.ConcreteModel:
        seen.append(gc.get_freeze_count())
        return build(inputs)

    monkeypatch.setattr(counts_module, "build_model", counting_build)
    return seen


def test_the_objects_alive_before_a_solve_are_set_aside_while_it_builds(monkeypatch: pytest.MonkeyPatch,
                                                                          unfrozen: None) -> None:
    """`shared_land(4)` builds the relaxation and the MIP (`test_counts_that_share_out_certify_without_the_mip`:
    objective 500). Each build sees the objects made before the solve frozen (a freeze count above 0), and
    after the solve none is left frozen: they are the collector's again."""
    marker = [object()]  # alive before the solve
    seen = freeze_counts_while_building(monkeypatch)
    result = solve_by_counts(shared_land(4.0), SETTINGS)
    assert result.report.objective_yuan == pytest.approx(500.0, rel=1e-9)
    assert len(seen) == 2 and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0
    assert gc.is_tracked(marker)


def test_a_freeze_made_before_the_solve_is_left_as_it_was(monkeypatch: pytest.MonkeyPatch, unfrozen: None) -> None:
    """With objects frozen before the solve (as the command line freezes its imports), the solve
    neither freezes more nor gives them back: the freeze count stays above 0 and never grows
    (frozen objects that their last reference leaves are freed, so it may shrink)."""
    gc.freeze()
    before = gc.get_freeze_count()
    seen = freeze_counts_while_building(monkeypatch)
    result = solve_by_counts(shared_land(4.0), SETTINGS)
    assert result.report.objective_yuan == pytest.approx(500.0, rel=1e-9)
    assert len(seen) == 2 and all(0 < count <= before for count in seen)
    assert 0 < gc.get_freeze_count() <= before
