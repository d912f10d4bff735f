"""Family `build_rate`: the most one site may decide in one year, on instances solved by hand.

The instances are tests/test_families.py's default one (one year 2030; sites s1 in c1 and s2 in
c2 with 100 ha each; module p10 = 10 units/yr of p for 100 yuan on 1 ha; P targets 30 units,
penalty 1000 yuan per unit short) with s2's land priced at 500 yuan/ha (`build_rate_case`):
recovered over 50 years at a discount rate of 0, 10 yuan a year per module there, so that a
module costs 100 at s1 and 110 at s2. Without the rule the optimum is 3 modules at s1: 300.
The family's binding and slack tests are in tests/test_families.py (the registry's coverage
guard); here are the capex limit, the limit year by year, what does not count, merged sites,
the rows left out, the solve through module counts, the rule costs, the diagnosis and the
scenario's section.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
import pytest
from test_families import (
    P10,
    Q10,
    SETTINGS,
    Y1,
    Y2,
    build_rate_case,
    built,
    built_per_year,
    land,
    solve_optimal,
    without,
)

from models import build_model
from models.inputs import ModelInputs, ModuleSpec
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.deliver.drivers import binding_rules
from siting.optimize.counts import solve_by_counts
from siting.optimize.explain import explain_infeasibility
from siting.optimize.relax import relaxed_solve
from siting.optimize.results import extract_plan
from siting.prepare.problem import prepare
from tests.conftest import SHIPPED, SMALL, edit

#: p20: 20 units/yr of p for 180 yuan on 2 ha (at s2 its land costs 20 yuan a year).
P20 = ModuleSpec("p20", "p", capacity_units_per_yr=20.0, capex_yuan=180.0, fixed_opex_yuan_per_yr=0.0, land_ha=2.0)

UNITS = {"p": "t", "q": "t"}

# --------------------------------------------------------------------------------------------
# the model


def test_capex_limit_binds_where_the_module_count_would_not() -> None:
    """Modules p10 (100 yuan) and p20 (180 yuan, 2 ha). Without a limit: p20 + p10 at s1, 280
    (3 x p10: 300; 2 x p20: 360). At most 200 yuan of capex at one site in one year: s1 may
    take p20 (180) or two p10 (200), not both sizes (280). Candidates: p20 at s1 and p10 at s2,
    180 + 100 + 10 = 290; p10 at s1 and p20 at s2, 100 + 180 + 20 = 300; two p10 at s1 and one
    at s2, 310. A limit of 2 modules instead leaves p20 + p10 at s1 (280).
    Optimum: 290 (p20 at s1, p10 at s2); 280 with the module limit or the rule off."""
    inputs = build_rate_case(MODULES=(P10, P20, Q10), max_capex_yuan_per_site_per_yr=200.0)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(290.0, rel=1e-9)
    assert by_module(model) == {("s1", "p20"): 1, ("s2", "p10"): 1}
    _model, objective = solve_optimal(without(inputs, "build_rate"))
    assert objective == pytest.approx(280.0, rel=1e-9)
    modules_only = dataclasses.replace(inputs, max_capex_yuan_per_site_per_yr=None, max_modules_per_site_per_yr=2)
    model, objective = solve_optimal(modules_only)
    assert objective == pytest.approx(280.0, rel=1e-9)
    assert by_module(model) == {("s1", "p10"): 1, ("s1", "p20"): 1}


def test_the_limit_holds_in_each_year_apart() -> None:
    """Two years (discount factors 1.0), P targets 30 units in 2031, s1 the only candidate, at
    most 2 modules a year. A module decided in 2030 stands two years (200), in 2031 one (100):
    without the limit 3 in 2031, 300; with it 2 in 2031 and 1 in 2030, 200 + 200 = 400 (one in
    each year and the third short: 300 + 10 x 1000).
    Optimum: 400 (2030: 1, 2031: 2); 300 off (2031: 3)."""
    inputs = build_rate_case(YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0},
                             capacity_target_units={("P", Y2): 30.0}, CANDIDATES=(("s1", "p"), ("s1", "q")),
                             max_modules_per_site_per_yr=2)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert built_per_year(model) == {Y1: 1, Y2: 2}
    model, objective = solve_optimal(without(inputs, "build_rate"))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert built_per_year(model) == {Y2: 3}


def test_the_report_names_the_sites_and_years_at_the_limit() -> None:
    """The plan of `test_the_limit_holds_in_each_year_apart` decides 2 modules at s1 in 2031, as
    many as it may, and 1 in 2030: the report's binding rules name s1 in 2031 only. With a capex
    limit of 200 yuan (p10 + p20 of `test_capex_limit_binds_where_the_module_count_would_not`),
    s1 decides 180 yuan and s2 100: neither is at the limit; with 180 s1 is."""
    inputs = build_rate_case(YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0},
                             capacity_target_units={("P", Y2): 30.0}, CANDIDATES=(("s1", "p"), ("s1", "q")),
                             max_modules_per_site_per_yr=2)
    model, _objective = solve_optimal(inputs)
    rules = binding_rules(inputs, extract_plan(model, inputs), UNITS, {"s1": "Site one"})
    assert [r for r in rules if "build rate" in r] == [
        f"site Site one decides in {Y2} as many modules as it may (2, the build rate)"]
    for limit, expected in ((200.0, []), (180.0, [f"site s1 decides in {Y1} as much capex as it may "
                                                  "(0.00 bn yuan, the build rate)"])):
        inputs = build_rate_case(MODULES=(P10, P20, Q10), max_capex_yuan_per_site_per_yr=limit)
        model, _objective = solve_optimal(inputs)
        plan = extract_plan(model, inputs)
        assert [r for r in binding_rules(inputs, plan, UNITS) if "build rate" in r] == expected, limit
    model, _objective = solve_optimal(without(inputs, "build_rate"))
    assert not [r for r in binding_rules(without(inputs, "build_rate"), extract_plan(model, inputs), UNITS)
                if "build rate" in r]


def test_existing_and_committed_plants_do_not_count() -> None:
    """s1 has 10 units of p standing and 10 committed online in 2030; P targets 50 units, so 3
    modules are to be added, and s1 may decide 3 in 2030. The standing plants are not decided by
    the plan: all three at s1, 300 (were they counted as two modules, s1 could take one: 320).
    Optimum: 300 (s1 3 modules)."""
    inputs = build_rate_case(capacity_target_units={("P", Y1): 50.0},
                             existing_capacity_units_per_yr={("s1", "p"): 10.0},
                             committed_units_per_yr={("s1", "p", Y1): 10.0}, max_modules_per_site_per_yr=3)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}


def test_a_merged_site_decides_what_its_members_may() -> None:
    """s1 stands for 2 candidate sites (`site_multiplicity`, a merged site of the aggregated
    model): at most 2 modules per site and year let it decide 4, so all three go there, 300, as
    two members deciding 2 + 1 would; a single s1 would take 2 (310).
    Optimum: 300 (s1 3 modules); 310 at multiplicity 1."""
    inputs = build_rate_case(max_modules_per_site_per_yr=2, site_multiplicity={"s1": 2})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}
    _model, objective = solve_optimal(dataclasses.replace(inputs, site_multiplicity={}))
    assert objective == pytest.approx(310.0, rel=1e-9)


def test_rows_only_where_the_limit_can_bind() -> None:
    """s1 has 2 ha (at most 2 p10 and 2 q10 a year: 4 modules, 600 yuan), s2 100 ha. A limit of
    4 modules or 600 yuan cannot bind at s1: only s2 has rows. With the family off, or no limit
    given, the components exist without rows."""
    inputs = build_rate_case(max_modules_per_site_per_yr=4, max_capex_yuan_per_site_per_yr=600.0,
                             **land({"s1": 2.0, "s2": 100.0}))
    model = build_model(inputs)
    assert list(model.BUILD_RATE_MODULES) == [("s2", Y1)]
    assert list(model.BUILD_RATE_CAPEX) == [("s2", Y1)]
    tighter = build_model(dataclasses.replace(inputs, max_modules_per_site_per_yr=3,
                                              max_capex_yuan_per_site_per_yr=599.0))
    assert list(tighter.BUILD_RATE_MODULES) == [("s1", Y1), ("s2", Y1)]
    assert list(tighter.BUILD_RATE_CAPEX) == [("s1", Y1), ("s2", Y1)]
    for off in (without(inputs, "build_rate"), build_rate_case()):
        model = build_model(off)
        assert len(model.build_rate_modules) == 0 and len(model.build_rate_capex) == 0


def by_module(model: pyo.ConcreteModel) -> dict[tuple[str, str], int]:
    """Modules built per (site, module), over products and years; zeros left out."""
    counts: dict[tuple[str, str], int] = {}
    for s, p, mod, t in model.BUILD:
        n = round(model.build[s, p, mod, t].value or 0.0)
        if n:
            counts[(s, mod)] = counts.get((s, mod), 0) + n
    return counts


# --------------------------------------------------------------------------------------------
# the solve through module counts, and the rule costs


def one_cluster(**overrides: object) -> ModelInputs:
    """`build_rate_case` with s1 and s2 both in c1 and at most 2 modules per site and year: the
    count relaxation counts 3 modules in c1, which the fixed-count search shares out 2 + 1."""
    return build_rate_case(cluster_of_site={"s1": "c1", "s2": "c1"}, max_modules_per_site_per_yr=2, **overrides)


def test_the_counts_by_cluster_are_shared_out_within_the_limit() -> None:
    """`one_cluster`: n[c1,p10,2030] = 3, shared out as 2 at s1 and 1 at s2: 310, as the MIP.
    Optimum: 310."""
    result = solve_by_counts(one_cluster(), SETTINGS)
    assert result.report.proven_optimal, result.report.termination
    assert result.report.objective_yuan == pytest.approx(310.0, rel=1e-9)
    assert result.model is not None
    assert built(result.model) == {("s1", "p"): 2, ("s2", "p"): 1}


def test_the_rule_cost_relaxes_the_build_rate_in_place() -> None:
    """The re-solve of `--rule-costs` switches the rows off in a model of the same inputs: all
    three modules at s1, 300, so the rule costs 310 - 300 = 10 yuan.
    Optimum: 300 relaxed."""
    cost = relaxed_solve(one_cluster(), SETTINGS, "build_rate", None)
    assert cost.report.objective_yuan == pytest.approx(300.0, rel=1e-9)
    assert cost.plan is not None
    assert cost.plan.builds.groupby("site")["modules"].sum().to_dict() == {"s1": 3}


# --------------------------------------------------------------------------------------------
# the diagnosis


def test_a_module_limit_below_the_target_is_named_in_the_diagnosis() -> None:
    """Strict targets, at most 1 module per site and year: 2 sites give 20 t/yr against 30.
    Conflict: the target and the limit at c1's and c2's site (2030), dropping any of which makes
    a plan. Least change: lower the target by 10 (weight 10/30) rather than one module more
    (weight 1)."""
    diagnosis = explain_infeasibility(build_rate_case(targets_strict=True, max_modules_per_site_per_yr=1), SETTINGS,
                                      UNITS)
    assert diagnosis.irreducible
    assert [c.instance.family for c in diagnosis.conflicts] == ["targets", "build_rate", "build_rate"]
    assert diagnosis.lines() == [
        "3 rules cannot be met together; dropping any one of them makes a plan possible:",
        "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added (the "
        "eligible land of all clusters could take 2,000 t/yr) [targets.capacity.P.2030]",
        "  - at most 1 module may be decided at one site in one year, so at most 1 module at c1's 1 site in 2030 "
        "[constraints.build_rate.max_modules_per_site_per_yr]",
        "  - at most 1 module may be decided at one site in one year, so at most 1 module at c2's 1 site in 2030 "
        "[constraints.build_rate.max_modules_per_site_per_yr]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr",
    ]


def test_a_capex_limit_below_the_target_is_named_with_the_capex_it_needs() -> None:
    """Strict targets, s1 and s2 both in c1, at most 150 yuan of capex per site and year: one
    p10 module each, 20 t/yr against 30. Conflict: the target and c1's limit in 2030. Least
    change: 50 yuan more capex at one of the sites, which then decides two modules (200 yuan;
    the row in million yuan: weight 1 x 5e-5), rather than 10 t/yr less target (10/30)."""
    inputs = build_rate_case(targets_strict=True, cluster_of_site={"s1": "c1", "s2": "c1"},
                             max_capex_yuan_per_site_per_yr=150.0)
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert diagnosis.irreducible
    assert diagnosis.lines() == [
        "2 rules cannot be met together; dropping any one of them makes a plan possible:",
        "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added (the "
        "eligible land of all clusters could take 2,000 t/yr) [targets.capacity.P.2030]",
        "  - at most 150 yuan of capex may be decided at one site in one year, so at most 300 yuan at c1's 2 sites "
        "in 2030 [constraints.build_rate.max_capex_yuan_per_site_per_yr]",
        "the least change that makes a plan possible: let the sites of c1 decide 50 yuan more capex in 2030",
    ]
    assert diagnosis.conflicts[1].sites == ("s1", "s2")
    assert diagnosis.conflicts[1].clusters == ("c1",)


# --------------------------------------------------------------------------------------------
# the scenario's section: constraints.build_rate


@pytest.mark.parametrize("path", [SMALL / "scenario.yaml", SHIPPED])
def test_the_rule_is_off_by_default(path: Path) -> None:
    """Without the section (the small and the shipped scenario) the rule is off and gives no
    limit, so their plans are those without it."""
    rule = load_scenario(path).scenario.constraints.build_rate
    assert (rule.enabled, rule.max_modules_per_site_per_yr, rule.max_capex_yuan_per_site_per_yr) == (False, None, None)


def problems(path: Path | str, *overrides: tuple[str, object]) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario(path, overrides=overrides)
    return caught.value.problems


@pytest.mark.parametrize(("overrides", "message"), [
    ((("constraints.build_rate.enabled", True),),
     "--set constraints.build_rate | the rule is on but gives no limit (got neither max_modules_per_site_per_yr nor "
     "max_capex_yuan_per_site_per_yr); give one or both, e.g. max_modules_per_site_per_yr: 10, or set enabled: "
     "false"),
    ((("constraints.build_rate.max_modules_per_site_per_yr", 0),),
     "--set constraints.build_rate.max_modules_per_site_per_yr | must be greater than or equal to 1 (got 0); give a "
     "value in that range"),
    ((("constraints.build_rate.max_modules_per_site_per_yr", 2.5),),
     "--set constraints.build_rate.max_modules_per_site_per_yr | must be a whole number (got 2.5); drop the "
     "decimals"),
    ((("constraints.build_rate.max_capex_yuan_per_site_per_yr", -5),),
     "--set constraints.build_rate.max_capex_yuan_per_site_per_yr | must be greater than 0 (got -5); give a value "
     "in that range, in yuan/yr"),
    ((("constraints.build_rate.max_capex_yuan_per_site_per_yr", "2 bn"),),
     "--set constraints.build_rate.max_capex_yuan_per_site_per_yr | must be a number (got '2 bn'); write the number "
     "alone, in yuan/yr, e.g. 1.5e9"),
])
def test_bad_values_are_refused_naming_the_setting(folder: Path, overrides: tuple, message: str) -> None:
    assert problems(folder / "scenario.yaml", *overrides) == [f"{folder / 'scenario.yaml'}: {message}"]


def test_a_rule_switched_on_without_a_limit_in_the_file_is_refused_with_its_line(folder: Path,
                                                                                   capsys: pytest.CaptureFixture[str]
                                                                                   ) -> None:
    """The section in the scenario file: the message names the file, its line and the section;
    `siting solve` exits 2 without a traceback and writes nothing."""
    edit(folder / "scenario.yaml", "  differentiation:\n", "  build_rate: {enabled: true}\n  differentiation:\n")
    assert problems(folder / "scenario.yaml") == [
        f"{folder / 'scenario.yaml'}:27: constraints.build_rate | the rule is on but gives no limit (got neither "
        "max_modules_per_site_per_yr nor max_capex_yuan_per_site_per_yr); give one or both, e.g. "
        "max_modules_per_site_per_yr: 10, or set enabled: false"]
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out")]) == 2
    err = capsys.readouterr().err
    assert "constraints.build_rate | the rule is on but gives no limit" in err
    assert "Traceback" not in err
    assert not (folder / "out").exists()


def test_set_switches_the_rule_on_with_its_limits(folder: Path) -> None:
    """`--set constraints.build_rate.enabled=true` and a limit reach the model's inputs, with a
    notice for a capex limit below every cells module (2.5 bn yuan); off, the limits given are
    carried but the family is not enabled."""
    prepared = prepare(folder / "scenario.yaml", {}, overrides=(
        ("constraints.build_rate.enabled", True), ("constraints.build_rate.max_modules_per_site_per_yr", 2),
        ("constraints.build_rate.max_capex_yuan_per_site_per_yr", 2.0e9)))
    inputs = prepared.inputs
    assert "build_rate" in inputs.enabled_families
    assert (inputs.max_modules_per_site_per_yr, inputs.max_capex_yuan_per_site_per_yr) == (2, 2.0e9)
    assert [n for n in prepared.notices if "build_rate" in n] == [
        "--set constraints.build_rate.max_capex_yuan_per_site_per_yr: 2.00 bn yuan a year is less than the capex of "
        "any module of Cells (its cheapest module costs 2.50 bn yuan): no site may decide one in any year"]
    off = prepare(folder / "scenario.yaml", {}, overrides=(("constraints.build_rate.max_modules_per_site_per_yr", 2),))
    assert "build_rate" not in off.inputs.enabled_families
    assert off.inputs.max_modules_per_site_per_yr == 2
    assert not [n for n in off.notices if "build_rate" in n]


def test_a_solve_with_the_rule_keeps_every_site_and_year_within_the_limit(folder: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The small scenario builds 4 FePO4 modules at its West site in 2023 without the rule; with
    at most 2 modules per site and year, `siting solve` writes a plan (exit 0) whose plan.csv
    decides at most 2 modules at any site in any year."""
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--set",
                 "constraints.build_rate.enabled=true", "--set",
                 "constraints.build_rate.max_modules_per_site_per_yr=2"]) == 0, capsys.readouterr().err
    plan = pd.read_csv(out / "plan.csv")
    per_site_year = plan.groupby(["site", "year"])["modules"].sum()
    assert not plan.empty and per_site_year.max() == 2
