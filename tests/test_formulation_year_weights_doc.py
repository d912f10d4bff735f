"""docs/FORMULATION.md states the year weights as the code computes them
(`models.inputs.year_weights`, `ModelInputs.shortfall_weight`): the plan's years at df[t], the
steady-state year T + 1 at df[T] sum_{k=1..N} (1 + r)^-k, a last-year shortfall at W[T] + W[T + 1]."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.inputs import year_weights

DOC = (Path(__file__).parent.parent / "docs" / "FORMULATION.md").read_text(encoding="utf-8")


def table_row(symbol: str) -> str:
    rows = [line for line in DOC.splitlines() if line.startswith(f"| `{symbol}` |")]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_weight_row_gives_the_steady_state_year_its_own_weight() -> None:
    row = table_row("W[t]")
    assert "sum_{k=1..N}" in row and "T + 1" in row
    assert "k=0..N" not in row
    weights = year_weights({2022: 1.0, 2023: 1 / 1.06, 2024: 1.06 ** -2}, [2022, 2023, 2024], 0.06, 2)
    assert weights[2024] == pytest.approx(1.06 ** -2)  # the last plan year keeps df[T]
    assert weights[2025] == pytest.approx(1.06 ** -2 * (1.06 ** -1 + 1.06 ** -2))


def test_the_years_after_the_horizon_are_stood_for_by_the_steady_state_year() -> None:
    assert "that `T` stands for" not in table_row("N")


def test_the_objective_weighs_shortfalls_with_the_shortfall_weight() -> None:
    assert "Ws[t]" in table_row("Ws[t]")
    shortfall = [line for line in DOC.splitlines() if line.startswith("shortfall   sum_{g,t}")]
    assert len(shortfall) == 1 and "Ws[t] pen[g]" in shortfall[0] and "Ws[t] pen_v" in shortfall[0]
