"""The checks before the MIP (`presolve_findings`) agree with the MIP: they count what the model
counts, committed projects included, and never call a feasible scenario infeasible.

A finding compares a strict target with an upper bound of what the model can reach. The model
counts committed capacity C[s,p,t] from its online year t on (K[s,p,t] = E[s,p] + sum_{t' <= t}
C[s,p,t'] + modules online), and in its online year it produces at ramp[p] of its nameplate
(Kav = K - (1 - ramp[p]) * N); output value counts production at the year's price where the
price path gives one. Each hand-made case below is solved as well, and the check must find
nothing exactly when the MIP has a plan.

Hand-made instances are the default two-site instance of tests/test_families.py (sites s1 in
c1 and s2 in c2, module p10 = 10 t/yr of p for 100 yuan on 1 ha, target P = 30 t/yr in 2030)
with strict targets and the changes each test names.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from test_families import SETTINGS, make_inputs, two_years

import siting
from models import build_model
from models.inputs import ModelInputs
from siting.cli import main
from siting.optimize.explain import presolve_findings
from siting.optimize.solve import solve_model

UNITS = {"p": "t", "q": "t"}
SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"
SMALL = Path(__file__).parent / "data" / "small"

#: The reviewer's run: strict targets, and a 400 km separator setback around the lakes that
#: leaves no land for separator anywhere.
NO_SEPARATOR_LAND = ("targets.strict=true", "targets.output_value_yuan={2023: 5.0e10, 2024: 1.0e11}",
                     "constraints.redline.setbacks_m.separator={lake: 400000}")


def strict(**overrides: Any) -> ModelInputs:
    return make_inputs(**{"targets_strict": True, **overrides})


def mip_has_plan(inputs: ModelInputs) -> bool:
    """True when the MIP of `inputs` is solved to optimality, False when proven infeasible."""
    report = solve_model(build_model(inputs), SETTINGS)
    assert report.proven_optimal or report.infeasible, report.termination
    return report.proven_optimal


# --- the reviewer's run on the shipped scenario ------------------------------------------------


def test_committed_separator_meets_the_strict_target_so_nothing_is_found_before_solving() -> None:
    """The 400 km setback leaves no separator land, but 30 million m2/yr stand at anning_qilin
    and the committed yuxi_longquan project adds 1,600 online in 2024: 1,630 >= the 1,500 target.
    (The MIP's plan, 1,630 planned and nothing short, takes about 15 s and is not solved here.)"""
    from siting.optimize.explain import standing_capacity

    prepared = siting.load(SHIPPED, overrides=list(NO_SEPARATOR_LAND)).prepared
    inputs = prepared.inputs
    assert standing_capacity(inputs, ("separator",), 2024) == (30.0, 1600.0)
    assert standing_capacity(inputs, ("separator",), 2023) == (30.0, 0.0)
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    assert presolve_findings(inputs, units, prepared.names) == []


def test_separator_target_above_what_stands_is_found_with_the_committed_figure() -> None:
    """The same run with a separator target of 1,700: 30 + 1,600 = 1,630 stand, no land adds any,
    70 short. Without the red line each site's land holds floor(ha / 8.4) modules of 400 million
    m2/yr, the capacity ceiling (1.5 * 1,700 = 2,550, which caps the whole group, not one site)
    left out: Kunming 603, 79.8, 180, 90, 180 and 90 ha give 71 + 9 + 21 + 10 + 21 + 10 = 142
    modules, 56,800; Yuxi 78.3 and 4 x 90 ha, 9 + 4 x 10 = 49, 19,600; Qujing 326.1, 12.9 and
    5 x 90 ha, 38 + 1 + 5 x 10 = 89, 35,600; all of it inside the red line. (Before, each site
    was cut at the ceiling first: 15,300, 12,750 and 15,700, figures of neither the land nor
    the ceiling.)"""
    prepared = siting.load(SHIPPED, overrides=[*NO_SEPARATOR_LAND, "targets.capacity.separator={2024: 1700}"]).prepared
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    findings = presolve_findings(prepared.inputs, units, prepared.names)
    assert [f for f in findings if f.startswith("capacity target Separator")] == [
        "capacity target Separator 2024: needs 1,700 million m2/yr, existing capacity gives 30 million m2/yr and "
        "committed projects online by 2024 give 1,600 million m2/yr, and the eligible land can add at most 0 million "
        "m2/yr (Separator may be hosted in at most 1 cluster, adding capacity or with committed plants), "
        "short by 70 million m2/yr. Room per cluster: Kunming 0 "
        "million m2/yr (6 sites); Yuxi 0 million m2/yr (5 sites); Qujing 0 million m2/yr (7 sites). The red line "
        "takes room for 56,800 million m2/yr in Kunming, 19,600 million m2/yr in Yuxi, 35,600 million m2/yr in "
        "Qujing. Relax the rules named, add sites or land, or set targets.strict: false"]


# --- nothing can be built, and committed plants meet every target (the small scenario) ----------


def test_nothing_buildable_but_committed_capacity_meets_the_strict_target_is_a_plan(tmp_path: Path,
                                                                                   capsys, monkeypatch) -> None:
    """The small scenario with a 200 km lake buffer (every site in the red line for every product:
    nothing can be built) and one strict target, cathode 30,000 t/yr in 2024: 20,000 t/yr stand
    at w_mine and the committed east_lfp project (e_city) adds 10,000 online in 2024. The plan
    builds nothing and meets the target (30,000 planned, 0 short); that nothing can be built is
    a notice of the run, not a reason to stop."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    scenario = folder / "scenario.yaml"
    text = scenario.read_text()
    text = text.replace("buffer_m: 1000", "buffer_m: 200000")
    text = text.replace("    cathode: {2024: 120000}\n    cells: {2024: 10}\n", "    cathode: {2024: 30000}\n")
    scenario.write_text(text)
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 0
    targets = pd.read_csv(out / "targets.csv")
    assert targets[["target", "year", "target_value", "achieved", "shortfall"]].values.tolist() == [
        ["cathode", 2024, 30000, 30000, 0]]
    notices = json.loads((out / "manifest.json").read_text())["notices"]
    assert any(n.startswith("nothing can be built: every candidate site is excluded for every product")
               for n in notices)
    capsys.readouterr()

    scenario.write_text(text.replace("cathode: {2024: 30000}", "cathode: {2024: 30001}"))
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    assert main(["solve", str(scenario), "--out", str(tmp_path / "out2")]) == 1
    err = capsys.readouterr().err
    assert ("  - capacity target Cathode 2024: needs 30,001 t/yr, existing capacity gives 20,000 t/yr and committed "
            "projects online by 2024 give 10,000 t/yr, and the eligible land can add at most 0 t/yr, short by 1 t/yr. "
            in err)


# --- hand-made instances: the check finds nothing exactly when the MIP has a plan ---------------


def test_capacity_counts_committed_projects_online_by_the_target_year() -> None:
    """No candidate pair (nothing can be built); 5 t/yr of p stand at s1, 25 t/yr are committed
    at s2 online in 2030. P = 30 in 2030: 5 + 25 = 30, nothing short, a plan (cost 0). P = 31:
    1 t/yr short, found, and the MIP is infeasible."""
    inputs = strict(CANDIDATES=(), existing_capacity_units_per_yr={("s1", "p"): 5.0},
                    committed_units_per_yr={("s2", "p", 2030): 25.0})
    assert presolve_findings(inputs, UNITS) == []
    assert mip_has_plan(inputs)
    above = dataclasses.replace(inputs, capacity_target_units={("P", 2030): 31.0})
    assert presolve_findings(above, UNITS) == [
        "capacity target P 2030: needs 31 t/yr, existing capacity gives 5 t/yr and committed projects online by 2030 "
        "give 25 t/yr, and the eligible land can add at most 0 t/yr, short by 1 t/yr. Room per cluster: c1 0 t/yr "
        "(1 site); c2 0 t/yr (1 site). Relax the rules named, add sites or land, or set targets.strict: false"]
    assert not mip_has_plan(above)


def test_committed_project_online_after_the_target_year_does_not_count() -> None:
    """2030 and 2031; 5 t/yr stand at s1, 25 t/yr are committed at s2 online in 2031; nothing can
    be built. P = 30 in 2030: only 5 stand by then, 25 short, found, and the MIP is infeasible.
    P = 30 in 2031: 5 + 25, a plan."""
    inputs = two_years(targets_strict=True, CANDIDATES=(), existing_capacity_units_per_yr={("s1", "p"): 5.0},
                       committed_units_per_yr={("s2", "p", 2031): 25.0}, capacity_target_units={("P", 2030): 30.0})
    assert presolve_findings(inputs, UNITS) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 5 t/yr and committed projects online by 2030 "
        "give 0 t/yr, and the eligible land can add at most 0 t/yr, short by 25 t/yr. Room per cluster: c1 0 t/yr "
        "(1 site); c2 0 t/yr (1 site). Relax the rules named, add sites or land, or set targets.strict: false"]
    assert not mip_has_plan(inputs)
    later = dataclasses.replace(inputs, capacity_target_units={("P", 2031): 30.0})
    assert presolve_findings(later, UNITS) == []
    assert mip_has_plan(later)


def test_output_value_counts_committed_projects_at_their_first_year_ramp() -> None:
    """2030 and 2031; no capacity target; p is worth 5e8 yuan/unit; 10 t/yr of p committed at s2
    online in 2030 with a first-year ramp of 0.5; nothing can be built. Output value at most
    0.5 * 10 * 5e8 = 2.5e9 in 2030 and 10 * 5e8 = 5e9 in 2031. Targets 2.5e9 and 5e9: a plan;
    2.6e9 in 2030 or 5.1e9 in 2031: found, and the MIP is infeasible."""
    inputs = two_years(targets_strict=True, CANDIDATES=(), capacity_target_units={},
                       output_value_yuan_per_unit={"p": 5e8, "q": 0.0}, ramp_up_share={"p": 0.5},
                       committed_units_per_yr={("s2", "p", 2030): 10.0},
                       output_value_target_yuan={2030: 2.5e9, 2031: 5e9})
    assert presolve_findings(inputs, UNITS) == []
    assert mip_has_plan(inputs)
    for year, goal, most in ((2030, 2.6e9, 2.5e9), (2031, 5.1e9, 5e9)):
        above = dataclasses.replace(inputs, output_value_target_yuan={**inputs.output_value_target_yuan, year: goal})
        assert presolve_findings(above, UNITS) == [
            f"output value target {year}: needs {goal / 1e9:.2f} bn yuan, but full use of existing capacity, of the "
            f"committed projects as they produce in {year} and of all the eligible land can give at most "
            f"{most / 1e9:.2f} bn yuan. Relax the rules that limit the land or the sources, add sources, or set "
            "targets.strict: false"], year
        assert not mip_has_plan(above), year


def test_output_value_is_counted_at_the_price_of_the_year() -> None:
    """p is worth 5e8 yuan/unit, but its 2030 price is 8e8; 10 t/yr stand at s1; nothing can be
    built. Output value at most 10 * 8e8 = 8e9: a target of 6e9 is a plan (at 5e8 a check would
    see only 5e9); 8.1e9 is found, and the MIP is infeasible."""
    inputs = strict(CANDIDATES=(), capacity_target_units={}, output_value_yuan_per_unit={"p": 5e8, "q": 0.0},
                    existing_capacity_units_per_yr={("s1", "p"): 10.0}, price_yuan_per_unit={("p", 2030): 8e8},
                    output_value_target_yuan={2030: 6e9})
    assert presolve_findings(inputs, UNITS) == []
    assert mip_has_plan(inputs)
    above = dataclasses.replace(inputs, output_value_target_yuan={2030: 8.1e9})
    assert presolve_findings(above, UNITS) == [
        "output value target 2030: needs 8.10 bn yuan, but full use of existing capacity and of all the eligible land "
        "can give at most 8.00 bn yuan. Relax the rules that limit the land or the sources, add sources, or set "
        "targets.strict: false"]
    assert not mip_has_plan(above)


def test_output_value_bound_takes_the_looser_of_the_ceiling_and_the_supply() -> None:
    """Group G = {p, q}, target 10 t/yr in 2030, ceiling factor 1: U = max(10, 10 + 10) = 20 t/yr,
    so each pair may add 2 modules (20 t/yr); p and q are worth 5e8 yuan/unit; p needs resource r,
    whose only source k supplies nothing. The ceiling holds G to 20 * 5e8 = 1e10; the supply holds
    p to 0 but leaves q its 40 t/yr of room, 2e10: the bound is min(1e10, 2e10) = 1e10, which the
    MIP reaches with two q modules (20 t/yr of q, 1e10 yuan; cost 2 * 200 = 400). Combining both
    limits product by product (the ceiling's 1e10 spread over p and q, 5e9 each, then p's share
    cut by the supply) would give 5e9 and call the target of 1e10 unreachable. 1.01e10 is found,
    and the MIP is infeasible."""
    inputs = strict(TARGET_GROUPS={"G": ("p", "q")}, capacity_target_units={("G", 2030): 10.0},
                    capacity_shortfall_penalty_yuan_per_unit={"G": 1000.0}, capacity_ceiling_factor=1.0,
                    output_value_yuan_per_unit={"p": 5e8, "q": 5e8}, RESOURCES=("r",), SOURCES=("k",),
                    resource_of_source={"k": "r"}, resource_t_per_unit={("p", "r"): 1.0},
                    output_value_target_yuan={2030: 1e10})
    assert presolve_findings(inputs, UNITS) == []
    assert mip_has_plan(inputs)
    above = dataclasses.replace(inputs, output_value_target_yuan={2030: 1.01e10})
    assert presolve_findings(above, UNITS) == [
        "output value target 2030: needs 10.10 bn yuan, but full use of existing capacity and of all the eligible land "
        "can give at most 10.00 bn yuan (the G ceiling of 20 t/yr holds its value to 10.00 bn yuan; the r sources "
        "supply 0 t/yr, enough for p worth at most 0 yuan, though their capacity could give 20.00 bn yuan). Relax the "
        "rules that limit the land or the sources, add sources, or set targets.strict: false"]
    assert not mip_has_plan(above)


def test_raw_material_imports_lift_the_supply_limit() -> None:
    """p (worth 5e8 yuan/unit) needs 1 t of r per unit; r's only source k supplies nothing, but
    r may be imported in 2030 (price 1 yuan/t), up to 15 t. 10 t/yr of p stand at s1 (nothing can
    be built): 10 t of r imported makes 10 t of p, 5e9 yuan, which meets a target of 5e9. With
    an import cap of 5 t: 2.5e9 at most, found, and the MIP is infeasible."""
    inputs = strict(CANDIDATES=(), capacity_target_units={}, output_value_yuan_per_unit={"p": 5e8, "q": 0.0},
                    existing_capacity_units_per_yr={("s1", "p"): 10.0}, RESOURCES=("r",), SOURCES=("k",),
                    resource_of_source={"k": "r"}, resource_t_per_unit={("p", "r"): 1.0},
                    resource_import_price_yuan_per_t={("r", 2030): 1.0},
                    resource_import_cap_t_per_yr={("r", 2030): 15.0}, output_value_target_yuan={2030: 5e9})
    assert presolve_findings(inputs, UNITS) == []
    assert mip_has_plan(inputs)
    capped = dataclasses.replace(inputs, resource_import_cap_t_per_yr={("r", 2030): 5.0})
    assert presolve_findings(capped, UNITS) == [
        "output value target 2030: needs 5.00 bn yuan, but full use of existing capacity and of all the eligible land "
        "can give at most 2.50 bn yuan (the r sources supply 0 t/yr and imports at most 5 t/yr, enough for p worth at "
        "most 2.50 bn yuan, though their capacity could give 5.00 bn yuan). Relax the rules that limit the land or the "
        "sources, add sources, or set targets.strict: false"]
    assert not mip_has_plan(capped)


# --- the diagnosis never counts "0 rules" --------------------------------------------------------


def test_an_empty_conflict_is_not_counted_as_zero_rules() -> None:
    """A diagnosis without rules, feasible or not, says so in words; one with rules counts them."""
    from siting.optimize.explain import NO_RULE_TO_BLAME, Diagnosis, conflict_headline

    assert conflict_headline(0) == NO_RULE_TO_BLAME
    assert NO_RULE_TO_BLAME.startswith("no rule that the diagnosis relaxes (targets, land, red line, ")
    assert Diagnosis((), True, feasible=True).headline() == "every rule can be met: the elastic model needs no slack"
    assert Diagnosis((), True).headline() == NO_RULE_TO_BLAME
    assert Diagnosis((), False).headline() == NO_RULE_TO_BLAME + ", or a solve of the diagnosis ran out of time"
    assert Diagnosis((), True).lines() == [NO_RULE_TO_BLAME]
    assert conflict_headline(2) == "2 rules cannot be met together"
