"""The checks before the MIP (`presolve_findings`) count what can count in the target's year:
output value only from capacity producing in that year (lead times, the first year's ramp-up,
the build rate), and capacity targets only from what the build rate lets the sites decide in the
years whose modules count. Each finding is a proof (a bound the model cannot pass), so each case
is solved as well: the check finds nothing where the MIP has a plan at the bound, and the
target just above it is found and infeasible.

Hand-made instances are the default two-site instance of tests/test_families.py (sites s1 in
c1 and s2 in c2, 100 ha each; modules p10 = 10 t/yr of p for 100 yuan on 1 ha and q10 = 10 t/yr
of q for 200 yuan on 1 ha) with strict targets and the changes each test names; the command
line cases run the small scenario of tests/data/small.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.environ as pyo
import pytest
from test_families import SETTINGS, land, make_inputs, two_years
from test_precheck_committed import UNITS, mip_has_plan

from models import build_model
from models.inputs import ModelInputs
from siting.cli import main
from siting.optimize.explain import presolve_findings
from siting.optimize.solve import solve_model
from siting.prepare.checks import counting_years, decidable_units, lead_times_in_words
from tests.conftest import SHIPPED, SMALL

RELAX_VALUE = "Relax the rules that limit the land or the sources, add sources, or set targets.strict: false"


def value_case(**overrides: Any) -> ModelInputs:
    """Years 2021 and 2022 (discount factors 1.0), strict targets, no capacity target; s1 has
    2 ha and s2 1 ha; p is worth 5e8 yuan/t and takes 1 year to build, producing at half its
    nameplate in its first year (ramp 0.5); q is worth 1e9 yuan/t and takes 2 years; 10 t/yr of
    q stand at s1. The land could take 3 modules of p (2 at s1, 1 at s2), or of q."""
    base: dict[str, Any] = {
        "targets_strict": True, "YEARS": (2021, 2022), "discount_factor": {2021: 1.0, 2022: 1.0},
        "capacity_target_units": {}, "output_value_yuan_per_unit": {"p": 5e8, "q": 1e9},
        "lead_time_yr": {"p": 1, "q": 2}, "ramp_up_share": {"p": 0.5},
        "existing_capacity_units_per_yr": {("s1", "q"): 10.0}, **land({"s1": 2.0, "s2": 1.0}),
    }
    base.update(overrides)
    return make_inputs(**base)


def plan_value(inputs: ModelInputs, year: int) -> float:
    """The output value of `year` (yuan/yr) in the optimal plan of `inputs` (the MIP solved to a
    zero gap; it must have a plan)."""
    model = build_model(inputs)
    report = solve_model(model, SETTINGS)
    assert report.proven_optimal, report.termination
    return float(pyo.value(model.output_value[year]))


def with_goal(inputs: ModelInputs, year: int, goal: float) -> ModelInputs:
    return dataclasses.replace(inputs, output_value_target_yuan={year: goal})


Q_BLOCKED_2022 = ("No module of q added within the plan can count toward the 2022 target (q: lead time 2 yr; a module "
                  "decided in 2021, the plan's first year, first produces in 2023 at the earliest), though the "
                  "eligible land could take 30 t/yr of q (worth 30.00 bn yuan in 2022): to let one count, start the "
                  "plan in 2020 or earlier (years), or shorten the lead time of q (the catalog's lead_time_yr) to 1 yr")


# --- output value: what produces in the target's year ---------------------------------------------


def test_output_value_counts_no_module_a_lead_time_keeps_from_producing() -> None:
    """`value_case` with a 2022 target. q's modules (lead 2) decided in 2021 first produce in
    2023: none counts in 2022, only the 10 t/yr standing, 1e10 yuan. p's modules (lead 1) decided
    in 2021 first produce in 2022, at half their nameplate: 3 modules on the land, 30 t/yr, give
    15 t/yr, 7.5e9 yuan. At most 1e10 + 7.5e9 = 1.75e10; counting all the land in full (as the
    check did) gave 1e10 + 30 * 5e8 + 30 * 1e9 = 5.5e10 and let 2e10 pass to an infeasible MIP.
    1.75e10: no finding, and the plan reaches exactly that (3 modules of p decided in 2021, cost
    300); 1.76e10 and 2e10: found, naming the year, the figures and the lead time, and
    infeasible."""
    inputs = with_goal(value_case(), 2022, 1.75e10)
    assert presolve_findings(inputs, UNITS) == []
    assert plan_value(inputs, 2022) == pytest.approx(1.75e10, rel=1e-9)
    for goal in (1.76e10, 2e10):
        above = with_goal(inputs, 2022, goal)
        assert presolve_findings(above, UNITS) == [
            f"output value target 2022: needs {goal / 1e9:.2f} bn yuan, but full use of existing capacity and of the "
            "modules the eligible land can take that produce in 2022 can give at most 17.50 bn yuan. Capacity that "
            "can produce in 2022, by product: p 15 t/yr from modules added, worth 7.50 bn yuan; q 10 t/yr existing, "
            f"worth 10.00 bn yuan. {Q_BLOCKED_2022}; a module of p decided in 2021 first produces in 2022, at 50% of "
            f"its nameplate (its ramp-up share). {RELAX_VALUE}"], goal
        assert not mip_has_plan(above), goal


def test_output_value_counts_modules_decided_early_enough_in_full() -> None:
    """`value_case` over 2020 to 2022 with q's lead time 3: a module of p decided in 2020 produces
    in full in 2022 (its ramp year is 2021), one of q decided in 2020 first produces in 2023. At
    most 1e10 (q standing) + 30 * 5e8 = 2.5e10 in 2022, which the plan reaches (3 modules of p
    decided in 2020); 2.51e10 is found, without a word of ramp-up, and infeasible."""
    inputs = with_goal(value_case(YEARS=(2020, 2021, 2022), discount_factor={2020: 1.0, 2021: 1.0, 2022: 1.0},
                                  lead_time_yr={"p": 1, "q": 3}), 2022, 2.5e10)
    assert presolve_findings(inputs, UNITS) == []
    assert plan_value(inputs, 2022) == pytest.approx(2.5e10, rel=1e-9)
    above = with_goal(inputs, 2022, 2.51e10)
    assert presolve_findings(above, UNITS) == [
        "output value target 2022: needs 25.10 bn yuan, but full use of existing capacity and of the modules the "
        "eligible land can take that produce in 2022 can give at most 25.00 bn yuan. Capacity that can produce in "
        "2022, by product: p 30 t/yr from modules added, worth 15.00 bn yuan; q 10 t/yr existing, worth 10.00 bn "
        "yuan. No module of q added within the plan can count toward the 2022 target (q: lead time 3 yr; a module "
        "decided in 2020, the plan's first year, first produces in 2023 at the earliest), though the eligible land "
        "could take 30 t/yr of q (worth 30.00 bn yuan in 2022): to let one count, start the plan in 2019 or earlier "
        f"(years), or shorten the lead time of q (the catalog's lead_time_yr) to 2 yr. {RELAX_VALUE}"]
    assert not mip_has_plan(above)


def test_output_value_counts_what_the_build_rate_lets_each_site_decide() -> None:
    """`value_case` with at most 1 module decided per site and year: p can only be decided in
    2021 (to produce by 2022), so 2 modules (one per site), 20 t/yr at half their nameplate,
    5e9 yuan, with 1e10 of q: at most 1.5e10, which the plan reaches; 1.51e10 is found, naming
    the limit, and infeasible."""
    inputs = with_goal(value_case(max_modules_per_site_per_yr=1), 2022, 1.5e10)
    assert presolve_findings(inputs, UNITS) == []
    assert plan_value(inputs, 2022) == pytest.approx(1.5e10, rel=1e-9)
    above = with_goal(inputs, 2022, 1.51e10)
    assert presolve_findings(above, UNITS) == [
        "output value target 2022: needs 15.10 bn yuan, but full use of existing capacity and of the modules the "
        "eligible land can take that produce in 2022 can give at most 15.00 bn yuan. Capacity that can produce in "
        "2022, by product: p 10 t/yr from modules added, worth 5.00 bn yuan; q 10 t/yr existing, worth 10.00 bn "
        f"yuan. {Q_BLOCKED_2022}; a module of p decided in 2021 first produces in 2022, at 50% of its nameplate (its "
        "ramp-up share); the build rate (constraints.build_rate.max_modules_per_site_per_yr: 1) holds what each site "
        f"may decide in a year. {RELAX_VALUE}"]
    assert not mip_has_plan(above)


def test_the_small_scenario_refuses_an_output_value_only_cells_could_reach(tmp_path: Path, capsys,
                                                                          monkeypatch) -> None:
    """tests/data/small asking 50 bn yuan of output value in 2023, its first year. Cells take a
    year to build, so none counts in 2023; at the 2023 prices (FePO4 12,000, LFP 50,000 yuan/t)
    the land's room per product, FePO4 5 modules of 100,000 t/yr at w_mine (500,000 t/yr, 6 bn
    yuan), LFP 10 + 2 + 3 modules of 50,000 t/yr at w_mine, e_city and e_far (750,000 t/yr) with
    the 20,000 t/yr existing at e_city (the committed 10,000 come online in 2024): 770,000 t/yr,
    38.5 bn yuan. At most 44.5 bn yuan: refused before solving."""
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    code = main(["solve", str(SMALL / "scenario.yaml"), "--set", "targets.output_value_yuan={2023: 5.0e10}",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("no plan: the plan is infeasible before solving:\n  - output value target 2023: needs "
                          "50.00 bn yuan, but full use of existing capacity, of the committed projects as they "
                          "produce in 2023 and of the modules the eligible land can take that produce in 2023 can "
                          "give at most 44.50 bn yuan. Capacity that can produce in 2023, by product: FePO4 500,000 "
                          "t/yr from modules added, worth 6.00 bn yuan; LFP 770,000 t/yr (20,000 t/yr existing and "
                          "750,000 t/yr from modules added), worth 38.50 bn yuan. No "
                          "module of Cells added within the plan can count toward the 2023 target (Cells: lead time 1 "
                          "yr; a module decided in 2023, the plan's first year, first produces in 2024 at the "
                          "earliest), though the eligible land could take 70 GWh/yr of Cells (worth 35.00 bn yuan in "
                          "2023): to let one count, start the plan in 2022 or earlier (years), or shorten the lead "
                          "time of Cells (the catalog's lead_time_yr) to 0 yr. " + RELAX_VALUE + "\n"), err


# --- capacity targets: what the build rate lets the sites decide ------------------------------------


def rate_case(**overrides: Any) -> ModelInputs:
    """2030 and 2031 (`two_years`), strict targets, P targets `overrides`' capacity in 2031; p
    takes 1 year to build unless said otherwise."""
    return two_years(**{"targets_strict": True, "lead_time_yr": {"p": 1}, **overrides})


def p_target(inputs: ModelInputs, units: float) -> ModelInputs:
    return dataclasses.replace(inputs, capacity_target_units={("P", 2031): units})


def rate_finding(target: str, most: str, short: str, limit: str, decided: str) -> str:
    return (f"capacity target P 2031: needs {target} t/yr, existing capacity gives 0 t/yr, and the eligible land "
            f"could add 2,000 t/yr, but the build rate (constraints.build_rate.{limit}, per site and year) lets the 2 "
            f"sites with room decide at most {most} t/yr of it that counts by 2031 (modules decided {decided}), short "
            f"by {short} t/yr. Raise constraints.build_rate.{limit.split(':')[0]}, start the plan earlier (years), or "
            "set targets.strict: false")


def test_a_capacity_target_above_what_the_build_rate_lets_the_sites_decide_is_found() -> None:
    """At most 1 module per site and year. With p's lead time 1 only modules decided in 2030
    count by 2031: 2 sites x 1 year x 10 t/yr = 20 t/yr, though the land could add 100 modules
    at each site (2,000 t/yr). 20: no finding, a plan (one module at each site in 2030); 21:
    found, and infeasible. Without the lead time both years count: 2 x 2 x 10 = 40, a plan; 41
    found, and infeasible."""
    inputs = rate_case(max_modules_per_site_per_yr=1)
    assert counting_years(inputs, "p", 2031) == (2030,)
    assert presolve_findings(p_target(inputs, 20.0), UNITS) == []
    assert mip_has_plan(p_target(inputs, 20.0))
    assert presolve_findings(p_target(inputs, 21.0), UNITS) == [
        rate_finding("21", "20", "1", "max_modules_per_site_per_yr: 1", "in 2030")]
    assert not mip_has_plan(p_target(inputs, 21.0))
    no_lead = rate_case(max_modules_per_site_per_yr=1, lead_time_yr={})
    assert presolve_findings(p_target(no_lead, 40.0), UNITS) == []
    assert mip_has_plan(p_target(no_lead, 40.0))
    assert presolve_findings(p_target(no_lead, 41.0), UNITS) == [
        rate_finding("41", "40", "1", "max_modules_per_site_per_yr: 1", "in 2030 and 2031")]
    assert not mip_has_plan(p_target(no_lead, 41.0))


def test_the_capex_limit_counts_whole_modules() -> None:
    """At most 250 yuan of capex per site and year: floor(250 / 100) = 2 modules of p10, 20 t/yr
    (the capex alone, as a fraction, would buy 25); with p's lead time 1 only 2030 counts:
    2 x 20 = 40 t/yr by 2031. 40: a plan; 41: found, and infeasible."""
    inputs = rate_case(max_capex_yuan_per_site_per_yr=250.0)
    assert decidable_units(inputs, "s1", ("p",), 2030, 2031) == 20.0
    assert decidable_units(inputs, "s1", ("p",), 2031, 2031) == 0.0  # produces in 2032
    assert presolve_findings(p_target(inputs, 40.0), UNITS) == []
    assert mip_has_plan(p_target(inputs, 40.0))
    assert presolve_findings(p_target(inputs, 41.0), UNITS) == [
        rate_finding("41", "40", "1", "max_capex_yuan_per_site_per_yr: 250 yuan", "in 2030")]
    assert not mip_has_plan(p_target(inputs, 41.0))


def test_the_build_rate_is_not_blamed_when_the_land_keeps_the_target_out() -> None:
    """s1 has 1 ha and s2 none, at most 5 modules per site and year, P = 20 in 2031 (lead time
    0): the land takes 1 module, 10 t/yr, well within the rate; the finding is the land's."""
    inputs = p_target(rate_case(max_modules_per_site_per_yr=5, lead_time_yr={}, **land({"s1": 1.0, "s2": 0.0})),
                      20.0)
    assert presolve_findings(inputs, UNITS) == [
        "capacity target P 2031: needs 20 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 10 t/yr, short by 10 t/yr. Room per cluster: c1 10 t/yr (1 site); c2 0 t/yr (1 site). Relax the rules "
        "named, add sites or land, or set targets.strict: false"]
    assert not mip_has_plan(inputs)


@pytest.mark.parametrize(("target", "code"), [(180000, 0), (180001, 1)])
def test_the_small_scenario_with_a_build_rate(tmp_path: Path, capsys, target: int, code: int, monkeypatch) -> None:
    """tests/data/small over 2024 alone, one module a site and year, cathode (LFP) only: 20,000
    t/yr stand at e_city and the committed 10,000 come online in 2024; w_mine, e_city and e_far
    may each decide one 50,000 t/yr module in 2024: at most 30,000 + 150,000 = 180,000 t/yr,
    which the plan reaches; 180,001 is refused before solving, naming the limit. The file's cells
    target is set to 0 (a mapping given with --set merges into the file's)."""
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(SMALL / "scenario.yaml"), "--set", "years=[2024]", "--set",
                 f"targets.capacity={{cathode: {{2024: {target}}}, cells: {{2024: 0}}}}", "--set",
                 "constraints.build_rate={enabled: true, max_modules_per_site_per_yr: 1}",
                 "--out", str(out)]) == code
    err = capsys.readouterr().err
    if code == 0:
        targets = pd.read_csv(out / "targets.csv")
        assert targets[["target", "year", "target_value", "achieved", "shortfall"]].values.tolist() == [
            ["cathode", 2024, 180000, 180000, 0], ["cells", 2024, 0, 0, 0]]
        return
    assert err.startswith(
        "no plan: the plan is infeasible before solving:\n  - capacity target Cathode 2024: needs 180,001 t/yr, "
        "existing capacity gives 20,000 t/yr and committed projects online by 2024 give 10,000 t/yr, and the "
        "eligible land could add 750,000 t/yr, but the build rate (constraints.build_rate.max_modules_per_site_per_yr: "
        "1, per site and year) lets the 3 sites with room decide at most 150,000 t/yr of it that counts by 2024 "
        "(modules decided in 2024), short by 1 t/yr. Raise constraints.build_rate.max_modules_per_site_per_yr, start "
        "the plan earlier (years), or set targets.strict: false\n"), err


# --- the shipped scenario ---------------------------------------------------------------------------


def test_the_shipped_scenario_counts_only_what_stands_in_its_first_year() -> None:
    """The shipped Yunnan scenario with strict targets. Every product takes a year to
    build, so no module decided in 2022, the plan's first year, produces in 2022: the output
    value of 2022 can only come from the plants standing then, 50,000 t/yr of FePO4, 213,000
    t/yr of LFP and 30 million m2/yr of separator, 23.20 bn yuan at the 2022 prices. The
    action plan's 20 bn yuan is within it (no finding); 30 bn yuan is found, where counting the
    land's room in full let it pass to the MIP."""
    from siting.api import load

    for goal, found in ((2.0e10, False), (3.0e10, True)):
        prepared = load(SHIPPED, overrides=["targets.strict=true", f"targets.output_value_yuan={{2022: {goal}}}"]
                        ).prepared
        units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
        findings = [f for f in presolve_findings(prepared.inputs, units, prepared.names)
                    if f.startswith("output value target 2022")]
        assert findings == ([
            "output value target 2022: needs 30.00 bn yuan, but full use of existing capacity, of the committed "
            "projects as they produce in 2022 and of the modules the eligible land can take that produce in 2022 can "
            "give at most 23.20 bn yuan. Capacity that can produce in 2022, by product: FePO4 50,000 t/yr existing "
            "and committed, worth 0.77 bn yuan; LFP 213,000 t/yr existing and committed, worth 22.36 bn yuan; "
            "Separator 30 million m2/yr existing, worth 0.07 bn yuan. No module of FePO4, LFP, NCM precursor, NCM, "
            "Anode, Separator, Electrolyte, Copper foil, Cells, Recycling added within the plan can count toward the "
            "2022 target (FePO4, LFP, NCM precursor, NCM, Anode, Separator, Electrolyte, Copper foil, Cells and "
            "Recycling: lead time 1 yr; a module decided in 2022, the plan's first year, first produces in 2023 at "
            "the earliest), though the eligible land could take modules of each, 7,450,000 t/yr of NCM (worth "
            "1,877.40 bn yuan in 2022) alone: to let one count, start the plan in 2021 or earlier (years), or shorten "
            "the lead time of FePO4, LFP, NCM precursor, NCM, Anode, Separator, Electrolyte, Copper foil, Cells, "
            f"Recycling (the catalog's lead_time_yr) to 0 yr. {RELAX_VALUE}"] if found else []), goal


def test_lead_times_are_said_once_for_the_products_that_share_one() -> None:
    assert lead_times_in_words([("Cells", 1)]) == "Cells: lead time 1 yr"
    assert lead_times_in_words([("FePO4", 1), ("Cells", 2), ("LFP", 1), ("NCM", 1)]) == (
        "FePO4, LFP and NCM: lead time 1 yr; Cells: lead time 2 yr")
