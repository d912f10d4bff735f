"""The years after the horizon (objective.years_after_horizon): a steady-state year after the last
plan year stands for them (`ModelInputs.STEADY_YEAR`, `ModelInputs.year_weight`), on instances
solved by hand.

Instances are the default instance of tests/test_families.py (sites s1, s2; module p10 = 10
units/yr of p for 100 yuan, lifetime 1 year, discount rate 0, so its annuity is 100 yuan/yr)
without the capacity target, where p sells out of the province at 50 yuan a unit, at most 10
units a year. With rate 0 the steady-state year's weight is N. Optima are asserted with rel=1e-9.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from test_families import Y1, Y2, built, built_per_year, make_inputs, production, solve_optimal, two_years

from models.inputs import ModelInputs
from siting.config.schema import ObjectiveSettings
from tests.conftest import MadeRun

PRICE = 50.0


def selling(years: int, **overrides: Any) -> ModelInputs:
    """No target; p sells at PRICE, at most 10 units a year, over one year (2030) or two."""
    chosen = (Y1,) if years == 1 else (Y1, Y2)
    base: dict[str, Any] = {
        "capacity_target_units": {},
        "price_yuan_per_unit": {("p", t): PRICE for t in chosen},
        "sales_cap_units": {("p", t): 10.0 for t in chosen},
    }
    base.update(overrides)
    return make_inputs(**base) if years == 1 else two_years(**base)


def test_year_weight_adds_a_steady_state_year_for_the_discounted_years_after_the_last() -> None:
    """r = 6 %, years 2022-2024, N = 14: W[2022] = 1, W[2023] = 1/1.06, W[2024] = 1.06**-2 and the
    steady-state year 2025 W[2025] = 1.06**-2 * sum_{k=1..14} 1.06**-k (the years 2025-2038); a
    2024 shortfall weighs W[2024] + W[2025]; N = 0 leaves the discount factors as they are."""
    years = (2022, 2023, 2024)
    df = {t: 1.06 ** -(t - 2022) for t in years}
    inputs = dataclasses.replace(make_inputs(), YEARS=years, discount_factor=df, discount_rate=0.06,
                                 years_after_horizon=14)
    tail = sum(1.06 ** -k for k in range(1, 15))
    assert inputs.year_weight[2022] == pytest.approx(1.0, rel=1e-12)
    assert inputs.year_weight[2023] == pytest.approx(1 / 1.06, rel=1e-12)
    assert inputs.year_weight[2024] == pytest.approx(1.06 ** -2, rel=1e-12)
    assert inputs.year_weight[2025] == pytest.approx(1.06 ** -2 * tail, rel=1e-12)
    assert tail == pytest.approx(9.294984, rel=1e-6)  # a(14 years, 6 %), the annuity factor
    assert inputs.shortfall_weight[2024] == pytest.approx(1.06 ** -2 * (1 + tail), rel=1e-12)
    assert inputs.shortfall_weight[2023] == pytest.approx(1 / 1.06, rel=1e-12)
    assert dataclasses.replace(inputs, years_after_horizon=0).year_weight == df


def test_capacity_built_for_a_ramp_up_year_and_idle_after_it_is_paid_for_after_the_horizon() -> None:
    """Two years, no lead time, ramp-up share 0.5: a module decided in 2030 makes 5 units in
    2030 and 10 in 2031; at most 10 units sell a year at 50 yuan.
    N = 0 (W = 1, 1): two modules in 2030 sell 10 + 10 units for 1000 and cost 2 x 100 x 2 = 400:
    -600; one module sells 5 + 10 for 750 and costs 200: -550. Optimum -600, two modules, one
    of them idle in 2031.
    N = 2 (W = 1, 1 and 2 for the steady-state year 2032): two modules: 500 + 500 + 2 x 500 -
    2 x 100 x 4 = 1200; one: 250 + 500 + 1000 - 400 = 1350. Optimum -1350, one module, nothing
    idle in the last year."""
    inputs = selling(2, ramp_up_share={"p": 0.5})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(-600.0, rel=1e-9)
    assert built_per_year(model) == {Y1: 2}

    model, objective = solve_optimal(dataclasses.replace(inputs, years_after_horizon=2))
    assert objective == pytest.approx(-1350.0, rel=1e-9)
    assert built_per_year(model) == {Y1: 1}
    assert sum(model.production[s, "p", Y2].value for s in ("s1", "s2")) == pytest.approx(10.0, rel=1e-9)


def test_a_site_opening_in_the_last_year_is_paid_once() -> None:
    """One year, opening a site costs 600 (agglomeration), a p module sells its 10 units for 500
    and costs 100 a year. N = 0: 400 a year does not pay the opening: nothing is built, 0.
    N = 2 (W = 1 and 2 for the steady-state year): 400 + 2 x 400 - 600 = 600 gained: one module,
    -600. (Were the opening weighted as a yearly cost, 1200 - 1800 < 0 would build nothing.)"""
    inputs = selling(1, site_fixed_cost_yuan=600.0)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert built(model) == {}

    model, objective = solve_optimal(dataclasses.replace(inputs, years_after_horizon=2))
    assert objective == pytest.approx(-600.0, rel=1e-9)
    assert sum(built(model).values()) == 1
    assert production(model, "p") == pytest.approx(10.0, rel=1e-9)


def test_a_shortfall_in_the_last_year_counts_for_the_years_after_it() -> None:
    """One year, P targets 30 units (penalty 1000 a unit), land for 2 modules only (2 ha at s1,
    none at s2; 1 ha a module): 2 modules (20 units) and 10 short. N = 0: 200 + 10000 = 10200;
    N = 2: the modules stand in 2030 and the steady-state year (W = 1 + 2), the shortfall of the
    last year counts for it too (`shortfall_weight` 3): 3 x 10200 = 30600, the same plan."""
    land = {"site_land_ha": {"s1": 2.0, "s2": 0.0},
            "land_after_redline_ha": {("s1", "p"): 2.0, ("s1", "q"): 2.0, ("s2", "p"): 0.0, ("s2", "q"): 0.0}}
    inputs = make_inputs(**land)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(10200.0, rel=1e-9)
    model, objective = solve_optimal(dataclasses.replace(inputs, years_after_horizon=2))
    assert objective == pytest.approx(30600.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2}


@pytest.mark.parametrize("value", [-1, 101, 1.5, "x"])
def test_years_after_horizon_refuses_what_is_not_a_count_of_years(value: object) -> None:
    with pytest.raises(ValueError, match="years_after_horizon"):
        ObjectiveSettings.model_validate({"years_after_horizon": value})
    assert ObjectiveSettings.model_validate({"years_after_horizon": 14}).years_after_horizon == 14
    assert ObjectiveSettings().years_after_horizon == 0


def test_the_report_says_how_the_steady_state_counts() -> None:
    """The report's discounting sentence and the weighted sums' words name the steady state after
    the horizon: r = 6 %, 2022-2024, N = 14: W[2024] = 1.06**-2 = 0.890 and the steady-state year
    2025 W[2025] = 0.890 x (1.06**-1 + ... + 1.06**-14) = 0.890 x 9.295 = 8.27; N = 1: W[2025] =
    0.890 / 1.06 = 0.84; N = 0: plain words."""
    from siting.deliver.drivers import weighted_words
    from siting.deliver.report import discount_text

    years = (2022, 2023, 2024)
    inputs = dataclasses.replace(make_inputs(), YEARS=years, discount_factor={t: 1.06 ** -(t - 2022) for t in years},
                                 discount_rate=0.06, years_after_horizon=14)
    assert discount_text(inputs) == (
        "discounted at 6 % a year (objective.discount_rate) to 2022, the plan's first year: a yuan of 2024 counts "
        "0.890; the steady state after 2024 (every module at full rate, the committed projects online by then, "
        "2024's prices, caps and supplies) counts for each of the 14 years after it (objective.years_after_horizon), "
        "in all 8.27 times a yuan of 2022 (site openings once; a 2024 target shortfall counts for those years too)")
    assert weighted_words(inputs) == (
        "discounted, with the steady state after 2024 counted for the 14 years after it")
    one = dataclasses.replace(inputs, years_after_horizon=1)
    assert discount_text(one).endswith(
        "counts for the year after it (objective.years_after_horizon), in all 0.84 times a yuan of 2022 (site "
        "openings once; a 2024 target shortfall counts for that year too)")
    assert weighted_words(one) == "discounted, with the steady state after 2024 counted for the year after it"
    plain = dataclasses.replace(inputs, years_after_horizon=0)
    assert discount_text(plain) == ("discounted at 6 % a year (objective.discount_rate) to 2022, the plan's first "
                                    "year: a yuan of 2024 counts 0.890; nothing after 2024 counts "
                                    "(objective.years_after_horizon 0): a module is paid for in the plan's years only")
    assert weighted_words(plain) == "discounted"


def test_rule_costs_md_says_how_its_money_is_counted() -> None:
    """rule_costs.md's note ends with the objective's discounting, the steady state after the
    horizon included (W[2025] = 1.06**-2 x 9.295 = 8.27, as above): a rule's cost is a difference
    of objectives, not a yearly figure."""
    from siting.deliver.report import discount_text, rule_cost_note
    from siting.optimize.relax import RULE_COST_NOTE

    years = (2022, 2023, 2024)
    inputs = dataclasses.replace(make_inputs(), YEARS=years, discount_factor={t: 1.06 ** -(t - 2022) for t in years},
                                 discount_rate=0.06, years_after_horizon=14)
    assert rule_cost_note(inputs) == f"{RULE_COST_NOTE} The objectives and rule costs are {discount_text(inputs)}."
    assert rule_cost_note(inputs).endswith(
        "in all 8.27 times a yuan of 2022 (site openings once; a 2024 target shortfall counts for those years too).")
    assert rule_cost_note(dataclasses.replace(inputs, discount_factor={})) == RULE_COST_NOTE


def test_the_manifest_says_how_the_objective_weighs_each_year(small_run) -> None:
    """tests/data/small (2023-2024, rate 10 %, no years after the horizon): weights 1 and 1/1.1, no
    steady-state year; with 3 years after it (the same scenario loaded with an override), the
    steady-state year 2025 weighs 1.1**-1 x (1.1**-1 + 1.1**-2 + 1.1**-3) = 0.9091 x 2.4869 =
    2.2608 and 2024 keeps 1/1.1."""
    import json

    from siting.config.load import load_scenario
    from siting.deliver.manifest import objective_weighting

    manifest = json.loads((small_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["objective_weighting"] == {"discount_rate": 0.1, "years_after_horizon": 0,
                                               "steady_state_year": None,
                                               "year_weight": {"2023": 1.0, "2024": float(f"{1 / 1.1:.9g}")}}
    loaded = load_scenario(small_run.scenarios[0], overrides=(("objective.years_after_horizon", 3),))
    weighting = objective_weighting(loaded)
    assert weighting["steady_state_year"] == 2025
    weights = weighting["year_weight"]
    assert list(weights) == ["2023", "2024", "2025"]
    assert weights["2025"] == pytest.approx((1 / 1.1 + 1 / 1.1 ** 2 + 1 / 1.1 ** 3) / 1.1, rel=1e-8)
    assert weights["2025"] == pytest.approx(2.2608, abs=1e-4)
    assert weights["2024"] == float(f"{1 / 1.1:.9g}")
    assert weights["2023"] == 1.0
    assert objective_weighting(loaded) == weighting  # the same figures each time


def test_the_terminal_says_how_the_steady_state_weighs(small_run: MadeRun, tmp_path, capsys) -> None:
    """`siting solve` on tests/data/small (2023-2024, 10 %) with 3 years after the horizon: under
    the objective line, how the steady state after 2024 weighs: W[2025] = 1.1**-1 x (1.1**-1 +
    1.1**-2 + 1.1**-3) = 0.9091 x 2.4869 = 2.26; none without it (conftest's `small_run`, the small
    scenario as it is, whose objective line is followed by none)."""
    import shutil

    from siting.cli import main

    source = __import__("pathlib").Path(__file__).parent / "data" / "small"
    shutil.copytree(source, tmp_path / "small")
    scenario = str(tmp_path / "small" / "scenario.yaml")
    assert main(["solve", scenario, "--out", str(tmp_path / "a"), "--quiet",
                 "--set", "objective.years_after_horizon=3"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("weighting the steady state after 2024 counts for 2025-2027 (objective.years_after_horizon): "
            "a yuan of it weighs 2.26 times a yuan of 2023 (report.md, discounting)") in out
    assert "\nobjective " in small_run.stdout and "weighting" not in small_run.stdout


def test_the_late_projects_notice_says_they_run_in_the_steady_state() -> None:
    """The shipped scenario (N = 14) has 12 committed projects online in 2025: they run in the
    steady-state year 2025 (key year 2025 of the model's committed capacity, 1.64 Mt/yr FePO4 and
    1.73 Mt/yr LFP), and their notice says so; with N = 0 they are left out, as before."""
    from siting.prepare.problem import prepare

    shipped = __import__("pathlib").Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"
    problem = prepare(shipped, {})
    late = [n for n in problem.notices if "after the plan's last year 2024" in n]
    assert len(late) == 1
    assert late[0].startswith(
        "12 committed projects come online after the plan's last year 2024: their capacity is left out of the "
        "plan's years and runs in the steady state that stands for 2025-2038 (objective.years_after_horizon); "
        "the land they take, 613.3 ha, is kept from new modules: yuneng_lfp_rest (")
    later: dict[str, float] = {}
    for (_s, p, t), units in problem.inputs.committed_units_per_yr.items():
        assert t <= 2025
        if t == 2025:
            later[p] = later.get(p, 0.0) + units
    assert later == {"fepo4": 1_640_000.0, "lfp": 1_730_000.0, "recycling": 20_000.0}
    plain = prepare(shipped, {}, overrides=(("objective.years_after_horizon", 0),))
    notice = [n for n in plain.notices if "after the plan's last year 2024" in n]
    assert "steady state" not in notice[0] and "their capacity is left out; the land they take" in notice[0]
    assert all(t <= 2024 for (_s, _p, t) in plain.inputs.committed_units_per_yr)
