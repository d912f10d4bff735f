"""Which recycling sites are the demonstrations follows from the plan's builds, not from the
solver's tie (models/families/recycling_demo.py; siting/optimize/results.py `demonstrations`).

The demonstration label costs nothing, so a solver may mark any of the sites whose addition is
of demonstration size, and one or two of them. The plan reads the label from its builds: every
site adding between D and Dmax of the product (at a merged site of n candidates, up to
min(n, floor(added / D)) demonstrations) qualifies; all of them are demonstrations when their
number is within the rule's count, and past its most the least capex per unit of capacity added
and then the sites' order pick. Each case fixes the solver's labelling (demo[s]) to one it may
return and checks that the plan's is the rule's all the same, that the rule's labelling is a
plan of the model at the same cost, and what the report says of it (`demonstrations_text`).

Instances of tests/test_families.py (`with_recycling`: one year 2030, sites s1 (c1) and s2 (c2),
module r10 = 10 units/yr of r for 300 yuan on 1 ha, no target unless given; R is the target group
{r}, shortfall penalty 1000 yuan/unit); `three_sites` adds s3 (c2) and module r10s = 10 units/yr
of r for 350 yuan on 0.5 ha. Each optimum is derived in its docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from test_families import P10, Q10, R10, SETTINGS, Y1, land, with_recycling, without

from models import build_model
from models.inputs import ModelInputs, ModuleSpec, RecyclingDemo
from siting.deliver.drivers import binding_rules
from siting.optimize.results import Plan, _demo_rows_hold, demonstrations_text, extract_plan, whole_values
from siting.optimize.solve import solve_model
from tests.conftest import MadeRun

#: 10 units/yr of r for 350 yuan on 0.5 ha: dearer per unit than r10 but fits on half a hectare.
R10S = ModuleSpec("r10s", "r", capacity_units_per_yr=10.0, capex_yuan=350.0, fixed_opex_yuan_per_yr=0.0,
                  land_ha=0.5)

#: One demonstration-size plant: exactly 10 units/yr, 1 to 2 demonstrations.
ONE_PLANT = RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=2, max_size_units_per_yr=10.0)


def said(inputs: ModelInputs, plan: Plan) -> str:
    """The report's sentence on the demonstrations, sites by their ids, in t/yr."""
    return demonstrations_text(plan, inputs, lambda site: site, {"r": "t"})


def solved(inputs: ModelInputs, objective: float, demos: Mapping[str, int] | None = None) -> Plan:
    """The optimal plan of `inputs` with the solver's demo[s] fixed to `demos[s]` where given (a
    labelling the solver may return), whose optimum must be `objective`."""
    model = build_model(inputs)
    for site, n in (demos or {}).items():
        model.demo[site].fix(n)
    report = solve_model(model, SETTINGS)
    assert report.proven_optimal, report.termination
    assert report.objective_yuan == pytest.approx(objective, rel=1e-9)
    return extract_plan(model, inputs)


def relabelled_is_a_plan(inputs: ModelInputs, plan: Plan, objective: float) -> None:
    """The plan's demonstrations are a labelling of the model's plans at the same optimum: solved
    again with demo[s] fixed to them (0 elsewhere), the demo_count, demo_size and demo_only rows
    hold at the optimum `objective`, and the plan read back has the same demonstrations."""
    fixed = {s: plan.demo_sites.get(s, 0) for s in build_model(inputs).DEMO_SITE}
    assert solved(inputs, objective, fixed).demo_sites == plan.demo_sites


def two_equal() -> ModelInputs:
    """R targets 20 units; s1 and s2 have 1 ha each, room for one r10 module. One r10 at each
    site: 600 (20 units; one site cannot hold two). Each adds 10 units = D = Dmax."""
    return with_recycling(capacity_target_units={("R", Y1): 20.0}, recycling_demo=ONE_PLANT,
                          **land({"s1": 1, "s2": 1}, ("p", "q", "r")))


@pytest.mark.parametrize("labelled", [{"s1": 1, "s2": 0}, {"s1": 0, "s2": 1}, {"s1": 1, "s2": 1}, {}])
def test_two_equal_plants_of_demonstration_size_are_both_demonstrations(labelled: dict[str, int]) -> None:
    """`two_equal`: whichever of s1 and s2 the solver marks (one or both: the label costs
    nothing), both add one 10-unit plant, of demonstration size, and 2 are allowed: both are
    demonstrations, a labelling of the same optimum, 600."""
    plan = solved(two_equal(), 600.0, labelled)
    assert plan.demo_sites == {"s1": 1, "s2": 1}
    assert plan.demo_qualifying == {"s1": 1, "s2": 1}
    assert said(two_equal(), plan) == ("s1 and s2 each add one 10 t/yr R plant, of demonstration size (10 t/yr): "
                                       "both are demonstrations (1-2 allowed).")
    relabelled_is_a_plan(two_equal(), plan, 600.0)


def test_with_the_rule_off_no_site_is_a_demonstration_and_nothing_is_said() -> None:
    """`two_equal` with the rule off: the same two modules, 600; no demonstration."""
    inputs = without(two_equal(), "recycling_demo")
    plan = solved(inputs, 600.0)
    assert (plan.demo_sites, plan.demo_qualifying, said(inputs, plan)) == ({}, {}, "")


def three_sites(ha: Mapping[str, float], **overrides: Any) -> ModelInputs:
    """Sites s1 (c1), s2 (c2) and s3 (c2) with `ha` hectares each; modules r10 and r10s; R targets
    30 units; 1 to 2 demonstrations of exactly 10 units."""
    sites = ("s1", "s2", "s3")
    return with_recycling(
        SITES=sites, cluster_of_site={"s1": "c1", "s2": "c2", "s3": "c2"}, MODULES=(P10, Q10, R10, R10S),
        CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q", "r")),
        capacity_target_units={("R", Y1): 30.0}, recycling_demo=ONE_PLANT,
        **land(dict(ha), ("p", "q", "r")), **overrides)


@pytest.mark.parametrize("labelled", [{"s1": 0, "s2": 1, "s3": 1}, {"s1": 1, "s2": 0, "s3": 0}, {}])
def test_three_equal_plants_past_the_most_are_picked_by_the_sites_order(labelled: dict[str, int]) -> None:
    """`three_sites` with 1 ha each: one r10 at each site (a site holds one; r10s costs more per
    unit), 900. All three add 10 units at 30 yuan per unit, but at most 2 are allowed: the
    sites' order picks s1 and s2, whichever the solver marked; s3 qualifies equally."""
    inputs = three_sites({"s1": 1, "s2": 1, "s3": 1})
    plan = solved(inputs, 900.0, labelled)
    assert plan.demo_sites == {"s1": 1, "s2": 1}
    assert plan.demo_qualifying == {"s1": 1, "s2": 1, "s3": 1}
    assert said(inputs, plan) == (
        "s1; s2; s3 each add one 10 t/yr R plant, of demonstration size (10 t/yr), but at most 2 are allowed: "
        "s1 and s2 are the demonstrations, by the least capex per unit of capacity added, then the sites' order; "
        "s3 qualifies equally.")
    relabelled_is_a_plan(inputs, plan, 900.0)


def test_past_the_most_the_least_capex_per_unit_is_picked_first() -> None:
    """`three_sites` with s1 0.5 ha, s2 and s3 1 ha: s1 holds only r10s (350), s2 and s3 one r10
    each (300): 950 (two r10s at s2 or s3 instead of an r10 there: 1000). All three add 10 units;
    s2 and s3 at 30 yuan per unit, s1 at 35: s2 and s3 are the demonstrations though s1 comes
    first and the solver marked it."""
    inputs = three_sites({"s1": 0.5, "s2": 1, "s3": 1})
    plan = solved(inputs, 950.0, {"s1": 1, "s2": 1, "s3": 0})
    assert plan.demo_sites == {"s2": 1, "s3": 1}
    assert said(inputs, plan) == (
        "s1; s2; s3 each add one 10 t/yr R plant, of demonstration size (10 t/yr), but at most 2 are allowed: "
        "s2 and s3 are the demonstrations, by the least capex per unit of capacity added, then the sites' order; "
        "s1 qualifies too, at a higher capex per unit.")
    relabelled_is_a_plan(inputs, plan, 950.0)


def above_most(most: float | None) -> ModelInputs:
    """R targets 30 units; s1 has 2 ha, s2 1 ha: s1 adds 2 r10 (20 units), s2 one (10), 900, the
    only way to 30 units. 1 to 2 demonstrations of 10 units up to `most` (None: no most size)."""
    return with_recycling(
        capacity_target_units={("R", Y1): 30.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=2,
                                     max_size_units_per_yr=most),
        **land({"s1": 2, "s2": 1}, ("p", "q", "r")))


@pytest.mark.parametrize(("most", "demos", "sentence"), [
    (15.0, {"s2": 1}, "s2 adds one 10 t/yr R plant, of demonstration size (10 t/yr to 15 t/yr): it is the "
                      "demonstration (1-2 allowed). Ordinary R capacity, not of demonstration size: s1 (20 t/yr, above "
                      "the most demonstration size)."),
    (None, {"s1": 1, "s2": 1}, "s1 adds 20 t/yr of R (2 modules) and s2 adds one 10 t/yr R plant, of demonstration "
                               "size (at least 10 t/yr): both are demonstrations (1-2 allowed).")])
def test_a_plant_above_the_most_size_is_not_a_demonstration(most: float | None, demos: dict[str, int],
                                                           sentence: str) -> None:
    """`above_most`: s1's 20 units are above a most size of 15, so s1 is ordinary recycling and
    s2 (10 units) the one demonstration; with no most size both qualify (20 and 10 >= 10) and
    both are demonstrations, though the solver marked s2 only."""
    plan = solved(above_most(most), 900.0, {"s2": 1})
    assert plan.demo_sites == demos
    assert said(above_most(most), plan) == sentence
    relabelled_is_a_plan(above_most(most), plan, 900.0)


@pytest.mark.parametrize(("target", "most_sites", "demos"), [(20.0, 2, 2), (30.0, 3, 2)])
def test_a_merged_site_holds_as_many_demonstrations_as_its_addition_and_candidates_allow(
        target: float, most_sites: int, demos: int) -> None:
    """s1 stands for 2 candidates (`site_multiplicity`, the aggregated model: demo[s1] in 0..2,
    demo_size only); opening a site costs 1000; s1 has 3 ha, s2 1 ha. R targets `target`: all of
    it at s1 (2 or 3 r10, 600 or 900, plus 1000; s2 too would cost another 1000). 1 to
    `most_sites` demonstrations of at least 10 units: s1's 20 units hold 2 (2 x 10 <= 20, 2
    candidates); its 30 units 3 by size but 2 by its candidates. The solver marked 1."""
    inputs = with_recycling(
        capacity_target_units={("R", Y1): target}, site_fixed_cost_yuan=1000.0, site_multiplicity={"s1": 2},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=most_sites),
        **land({"s1": 3, "s2": 1}, ("p", "q", "r")))
    objective = 1000.0 + 300.0 * target / 10.0
    plan = solved(inputs, objective, {"s1": 1})
    assert plan.demo_sites == {"s1": demos}
    assert said(inputs, plan) == (f"s1 adds {target:.0f} t/yr of R ({target / 10:.0f} modules), of demonstration "
                                  f"size (at least 10 t/yr): it holds 2 demonstrations (1-{most_sites} allowed).")
    relabelled_is_a_plan(inputs, plan, objective)


@pytest.mark.parametrize(("inputs", "labels", "hold"), [
    (three_sites({"s1": 1, "s2": 1, "s3": 1}), {"s1": 1, "s2": 1}, True),
    (three_sites({"s1": 1, "s2": 1, "s3": 1}), {"s1": 1, "s2": 1, "s3": 1}, False),  # demo_count: 3 > 2
    (above_most(15.0), {"s1": 1, "s2": 1}, False),  # demo_only: s1's 20 > 15
    (above_most(15.0), {}, False),  # demo_count: 0 < 1
])
def test_the_check_of_a_labelling_reads_the_family_rows(inputs: ModelInputs, labels: dict[str, int],
                                                        hold: bool) -> None:
    """The guard `extract_plan` keeps (the solver's labelling stands where the rule's would break
    a row) reads the demo_count, demo_size and demo_only rows on the solved plan (900 in both)."""
    model = build_model(inputs)
    solve_model(model, SETTINGS)
    assert _demo_rows_hold(model, whole_values(model), labels) is hold


def test_the_rules_met_name_the_sites_of_demonstration_size_past_the_most() -> None:
    """`three_sites` with 1 ha each (900): 2 demonstrations, the most, of the 3 sites that may
    build r, each at the demonstration size; s3 adds a plant of demonstration size too."""
    inputs = three_sites({"s1": 1, "s2": 1, "s3": 1})
    rules = binding_rules(inputs, solved(inputs, 900.0), {"p": "t", "q": "t", "r": "t"})
    assert [r for r in rules if "demonstration" in r] == [
        "the demonstration limit R is reached (2 sites: s1; s2; of demonstration size too: s3)",
        "site s1 adds R at the demonstration size (10 t/yr, the least and the most a demonstration adds)",
        "site s2 adds R at the demonstration size (10 t/yr, the least and the most a demonstration adds)"]


def test_the_report_says_which_sites_are_demonstrations_and_why(small_demo_run: MadeRun) -> None:
    """The small scenario (tests/data/small) with exactly one cells demonstration of 10 GWh/yr
    (`small_demo_run`, tests/conftest.py `ONE_CELLS_DEMONSTRATION`): the cells target (10 GWh/yr
    in 2024) is met by one 10 GWh module at East far, the one site of demonstration size; the
    report says so under its opening lines."""
    lines = (small_demo_run.out / "report.md").read_text().splitlines()
    assert [line for line in lines if line.startswith("Demonstrations")] == [
        "Demonstrations, as the rule gives them from the builds (each site whose whole addition is of demonstration "
        "size is one, up to the most allowed): East far adds one 10 GWh/yr Cells plant, of demonstration size "
        "(10 GWh/yr): it is the demonstration (exactly 1 required)."]
