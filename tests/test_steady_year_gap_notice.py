"""A run with a steady state after the plan (objective.years_after_horizon > 0) reads the
catalog's figures by year for the steady-state year T + 1; where a figure gives a later year but
not T + 1 (2030 for a plan ending in 2024), the steady state holds year T's figure and no run of
the plan reads the later one, which may have been meant for it: said in a notice naming the
catalog's file, line and key, where before nothing was said. Solves nothing. The small scenario
of tests/data/small (`folder`, tests/conftest.py), its plan 2023-2024."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def notes(folder: Path, capsys: pytest.CaptureFixture[str], after: int, fepo4: str, cells: str) -> str:
    """The output of `siting check` of the small scenario (from its folder) with
    `years_after_horizon: <after>`, FePO4's prices on path base given for `fepo4` too (YAML, e.g.
    "2030: 5000") and the cells' sales cap for `cells` too, unwrapped into one line."""
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("  discount_rate: 0.1\n",
                                                     f"  discount_rate: 0.1\n  years_after_horizon: {after}\n"))
    catalog = folder / "catalog.yaml"
    catalog.write_text(catalog.read_text()
                       .replace("{base: {2023: 12000, 2024: 10000}", f"{{base: {{2023: 12000, 2024: 10000, {fepo4}}}")
                       .replace("sales_cap_units: {2024: 50}", f"sales_cap_units: {{2024: 50, {cells}}}"))
    assert main(["check", "scenario.yaml"]) == 0
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).replace("\n  ", " ").split())


def test_a_later_year_given_without_the_steady_state_year_is_said(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    said = notes(folder, capsys, 5, "2030: 5000", "2030: 60, 2040: 70")
    assert ("note: catalog.yaml:10: products.fepo4.price_yuan_per_unit.base | gives 2030 but not 2025, the "
            "steady-state year after the plan's last year 2024, which stands for 2025-2029 "
            "(objective.years_after_horizon: 5): it holds 2024's price, 10,000 yuan/t, and no run of this plan reads "
            "2030; give the price for 2025 if it is meant for the years after the plan") in said
    assert ("note: catalog.yaml:40: products.cells.sales_cap_units | gives 2030 and 2040 but not 2025, the "
            "steady-state year after the plan's last year 2024, which stands for 2025-2029 "
            "(objective.years_after_horizon: 5): it holds 2024's sales cap, 50 GWh/yr, and no run of this plan reads "
            "2030 and 2040; give the sales cap for 2025 if those years are meant for the years after the plan") in said


@pytest.mark.parametrize(("after", "fepo4"), [(5, "2025: 9000, 2030: 5000"), (0, "2030: 5000")])
def test_no_notice_when_the_steady_state_year_is_given_or_there_is_none(folder: Path, capsys, monkeypatch, after,
                                                                        fepo4):
    monkeypatch.chdir(folder)
    assert "steady-state year" not in notes(folder, capsys, after, fepo4, "2025: 50")
