"""The report's cost breakdown says that the target shortfall penalty is not money spent (a
new user read the 185.68 bn yuan gross cost of the shipped plan, 36.90 of it penalty, as what the
plan costs), with the money the plan does spend; the output value table is per year."""

from __future__ import annotations

from types import SimpleNamespace

from siting.deliver.report import cost_blocks, markdown


def test_the_penalty_is_said_not_to_be_money_spent():
    costs = {"capex": 13.62e9, "imports": 90.0e9, "shortfall": 36.90e9, "sales": -175.54e9}
    text = markdown(cost_blocks(SimpleNamespace(costs=costs)))  # type: ignore[arg-type]
    assert ("The target shortfall penalty (36.90 bn yuan) is not money spent: it is what the objective charges "
            "for falling short of a target (objective.shortfall_penalty_factor), so that the plan meets the targets "
            "where it can; the money the plan spends comes to 103.62 bn yuan.") in text


def test_no_penalty_no_sentence():
    text = markdown(cost_blocks(SimpleNamespace(costs={"capex": 1e9, "sales": -2e9})))  # type: ignore[arg-type]
    assert "not money spent" not in text


def test_the_output_value_table_is_per_year(small_run) -> None:
    report = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "Output value of the planned production by year (bn yuan/yr):" in report
    assert "| year | output value, bn yuan/yr |" in report
