"""Where the ceiling rounding rows (models/ceiling_rounding.py) go: into the count relaxation of
the parks' model (siting/optimize/run.py through `solve_by_counts`), where they speed the proof,
and not into that of the merged model of candidate cells (siting/optimize/screening.py), where
they were measured to slow it (1,000 cells to a 1 % gap, seeds 0-3: 12.9-22.5 s without them,
20.9-27.6 s with). Either way the bound stays valid: the rows cut no plan."""

from __future__ import annotations

from typing import Any

import pytest
from test_screening import CELL_IDS, MERGE_ALL, SETTINGS, cells

import siting.optimize.counts as counts
from siting.optimize.counts import solve_by_counts
from siting.optimize.screening import solve_screened


@pytest.fixture
def rounding_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each call of add_ceiling_rounding added, in call order."""
    calls: list[int] = []
    original = counts.add_ceiling_rounding

    def counted(model: Any, *args: Any, **kwargs: Any) -> None:
        original(model, *args, **kwargs)
        calls.append(len(model.CEILING_ROUNDING))

    monkeypatch.setattr(counts, "add_ceiling_rounding", counted)
    return calls


def test_the_parks_relaxation_gets_the_rows(rounding_calls: list[int]) -> None:
    solve_by_counts(cells(), SETTINGS)
    assert len(rounding_calls) == 1


def test_the_merged_model_of_cells_goes_without(rounding_calls: list[int]) -> None:
    solved = solve_screened(cells(), CELL_IDS, SETTINGS, MERGE_ALL)
    assert solved is not None
    assert rounding_calls == []
