"""What a planner reads names things in words, one way everywhere: sites by their map names (the
sites layer's name up to its first comma where that stays distinct), clusters by the clusters
layer's names, products in words, module sizes with their units, small amounts with their
figures; the CSV and GeoJSON files keep the ids. Each test builds its instance by hand (or runs
the small scenario of tests/data/small: clusters west "West" and east "East", sites w_mine "West
mine park", w_lake "West lakeside", e_city "East city", e_far "East far"; see tests/test_cli.py)
and asserts the whole text.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from test_families import SETTINGS, land, make_inputs
from test_results import one_site_inputs

from models import build_model
from siting.cli import main, rule_costs_text, wrap_items, wrap_text
from siting.config.errors import NoSolution
from siting.config.units import Names, amount_text, cluster_names, layer_names
from siting.deliver.explore import alternatives_markdown
from siting.deliver.report import capacity_blocks, markdown, site_blocks, trade_blocks
from siting.deliver.tables import table_files
from siting.optimize.alternatives import comparison, near_optimal_plans
from siting.optimize.explain import explain_infeasibility, presolve_findings
from siting.optimize.relax import RuleCost, rule_cost_table
from siting.optimize.results import Plan, extract_plan
from siting.optimize.solve import SolveReport, SolverSettings, solve_model

DATA = Path(__file__).parent / "data" / "small"

#: The hand instances' clusters c1 and c2 and sites s1 and s2, by name; p and q in tonnes.
NAMES = Names(sites={"s1": "Mine park", "s2": "Lake park"}, clusters={"c1": "Kunming", "c2": "Yuxi"},
              units={"p": "t", "q": "t"})


# --- figures and names ------------------------------------------------------------------------

def test_amounts_keep_four_significant_figures_below_a_thousand() -> None:
    """Whole units from 1,000 up, 4 significant digits below, no trailing zeros: the Yuxi cells
    sales of 3.5 GWh/yr read 3.5 (not 4), Qujing's 36.05 read 36.05 (not 36)."""
    assert [amount_text(v) for v in (1_493_000.0, 2_766_666.67, 36.05, 3.5, 39.55, 0.1450708, 999.96, 12.299999999,
                                     400.0, 0.0, None, float("nan"))] == [
        "1,493,000", "2,766,667", "36.05", "3.5", "39.55", "0.1451", "1,000", "12.3", "400", "0", "n/a", "n/a"]


def test_a_run_names_sites_short_where_distinct_and_clusters_by_their_layer() -> None:
    """"Yuxi high-tech zone, Longquan area" is alone in its short form: "Yuxi high-tech zone",
    with its whole name kept for the one place that gives it; the two Anning areas share theirs
    and keep their whole names; a candidate cell is named by its id. A cluster without a name
    is named by its id; two clusters of one name get their ids in brackets."""
    sites = pd.DataFrame({"id": ["yuxi_longquan", "anning_caopu", "anning_qilin"],
                          "name": ["Yuxi high-tech zone, Longquan area", "Anning park, Caopu area",
                                   "Anning park, Qilin area"]})
    clusters = pd.DataFrame({"id": ["kunming", "yuxi", "north", "south"], "name": ["Kunming", " ", "Twin", "Twin"]})
    names = layer_names(sites, clusters, {"lfp": "t", "separator": "million m2"}, ["cell_0007"])
    assert names.sites == {"yuxi_longquan": "Yuxi high-tech zone", "anning_caopu": "Anning park, Caopu area",
                           "anning_qilin": "Anning park, Qilin area", "cell_0007": "cell_0007"}
    assert names.site_names_in_layer == {"yuxi_longquan": "Yuxi high-tech zone, Longquan area"}
    assert cluster_names(clusters) == names.clusters == {"kunming": "Kunming", "yuxi": "yuxi",
                                                         "north": "Twin (north)", "south": "Twin (south)"}
    assert (names.site_and_id("yuxi_longquan"), names.site_and_id("cell_0007")) == (
        "Yuxi high-tech zone (yuxi_longquan)", "cell_0007")
    assert (names.product("ncm_precursor"), names.quantity(400.0, "separator"), names.quantity(2.0, "cells")) == (
        "NCM precursor", "400 million m2/yr", "2 units/yr")


def test_terminal_lines_break_between_items_and_never_inside_a_figure() -> None:
    """The time line breaks after an item's comma, never between "write" and "0.24 s"; a notice
    breaks at spaces but keeps a figure with its unit ("400,000 t/yr"), while "fepo4" ending in
    a digit is a word like any other."""
    items = ["load 0.30 s", "preprocess 0.14 s", "rule_costs 53.37 s", "alternatives 44.39 s", "write 0.24 s"]
    assert wrap_items("time: ", items, 60) == [
        "time: load 0.30 s, preprocess 0.14 s, rule_costs 53.37 s,",
        "      alternatives 44.39 s, write 0.24 s"]
    assert wrap_items("time: ", items, 24) == [
        "time: load 0.30 s,", "      preprocess 0.14 s,", "      rule_costs 53.37 s,", "      alternatives 44.39 s,",
        "      write 0.24 s"]
    assert wrap_text("note: yuneng_fepo4_rest (400,000 t/yr FePO4 at Anning, 2025)", 34) == [
        "note: yuneng_fepo4_rest", "  (400,000 t/yr FePO4 at Anning,", "  2025)"]


# --- the terminal and report.md of a run --------------------------------------------------------

def test_the_summary_and_the_report_name_clusters_targets_and_late_projects_in_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The small scenario with one more committed project, 2 GWh/yr of cells at e_city online in
    2030, after the plan: the note gives its capacity with its unit, its product and its site in
    words (its id, the row in committed_projects.yaml, first). The capacity table is headed by the
    clusters' names, the targets table says "Cathode" as the report does; report.md names the
    clusters in its first paragraph and the capacity table's headers."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    projects = folder / "committed_projects.yaml"
    projects.write_text(projects.read_text() + "- {id: late, name: Late, site: e_city, product: cells, capacity: 2, "
                                               "online_year: 2030, status: signed, source: s}\n")
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "product  unit    year     West     East  existing  committed   online" in printed
    start = printed.index("targets")
    assert printed[start + 1:start + 4] == [
        "target   unit    year     goal  planned  short",
        "Cathode  t/yr    2024  120,000  280,000      0",
        "Cells    GWh/yr  2024       10       10      0"]
    note = printed.index("note: committed project late (2 GWh/yr Cells at East city) comes online in 2030, after the "
                         "plan's last year 2024: its")
    # wrapped at 120 characters
    assert printed[note + 1] == "  capacity is left out; the land it takes, 4.0 ha, is kept from new modules"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert ("\nYears 2023-2024; clusters West, East; sites built on: West mine park; East city; East far "
            "(2 newly opened: West mine park; East far).\n" in report)
    assert ("\n| product | unit | added in West | added in East | existing | committed | total 2024 |\n"
            in report)
    assert ("\n- committed project late (2 GWh/yr Cells at East city) comes online in 2030, after the plan's last "
            "year 2024: its capacity is left out; the land it takes, 4.0 ha, is kept from new modules\n") in report
    assert "west,fepo4" in (out / "capacity.csv").read_text(encoding="utf-8")  # the files keep the ids


def loaded_with(units: dict[str, str], modules: dict[str, list[tuple[str, float]]]) -> SimpleNamespace:
    """What the report reads of a loaded scenario: each product's unit and modules (id, capacity)."""
    return SimpleNamespace(catalog=SimpleNamespace(products={
        p: SimpleNamespace(unit=unit, modules=[SimpleNamespace(id=i, capacity=c) for i, c in modules.get(p, [])])
        for p, unit in units.items()}))


def hand_plan(**tables: pd.DataFrame) -> Plan:
    empty = pd.DataFrame()
    builds = tables.pop("builds", pd.DataFrame(columns=["site", "cluster", "product", "year", "module", "modules",
                                                        "capacity_added", "capex_yuan"]))
    return Plan(builds, tables.pop("capacity", empty), empty, {}, empty, empty, (), **tables)


def test_the_trade_table_keeps_the_figures_of_small_quantities() -> None:
    """Cells sales of 3.5 and 36.05 GWh/yr (39.55 in all, as "Why targets are overshot" says) keep
    their figures; the hubs are named by their clusters, in trade.csv's order (qujing before yuxi)."""
    trade = pd.DataFrame({"hub": ["yuxi", "qujing"], "product": ["cells", "cells"], "year": [2024, 2024],
                          "imports": [0.0, 0.0], "import_cost_yuan": [0.0, 0.0], "sales": [3.5, 36.05],
                          "revenue_yuan": [1.23e9, 12.62e9]})
    blocks = trade_blocks(loaded_with({"cells": "GWh"}, {}), hand_plan(trade=trade), {},
                          {"yuxi": "Yuxi", "qujing": "Qujing"})
    assert markdown(blocks).splitlines()[-2:] == [
        "| Qujing | Cells | GWh/yr | 2024 | 0 | 0.00 | 36.05 | 12.62 |",
        "| Yuxi | Cells | GWh/yr | 2024 | 0 | 0.00 | 3.5 | 1.23 |"]


def test_modules_are_shown_by_their_size_with_its_unit() -> None:
    """One separator module of 400 million m2/yr at yuxi_longquan in 2022 (1.12 bn yuan): the
    report gives "400 million m2/yr", never the id separator_400mm2 (which reads as square
    millimetres), and the site and cluster by their names; plan.csv keeps the id."""
    loaded = loaded_with({"separator": "million m2"}, {"separator": [("separator_400mm2", 400.0)]})
    inputs = SimpleNamespace(YEARS=(2022,), CLUSTERS=("yuxi",), PRODUCTS=("separator",), years_after_horizon=0)
    capacity = pd.DataFrame({"cluster": ["yuxi"], "product": ["separator"], "year": [2022],
                             "added_cumulative": [400.0], "existing": [30.0], "committed": [0.0],
                             "capacity": [430.0]})
    builds = pd.DataFrame({"site": ["yuxi_longquan"], "cluster": ["yuxi"], "product": ["separator"], "year": [2022],
                           "module": ["separator_400mm2"], "modules": [1], "capacity_added": [400.0],
                           "capex_yuan": [1.12e9]})
    text = markdown(capacity_blocks(loaded, inputs, hand_plan(capacity=capacity, builds=builds),
                                    {"yuxi_longquan": "Yuxi high-tech zone"}, {"yuxi": "Yuxi"}))
    assert "| product | unit | added in Yuxi | existing | committed | total 2022 |" in text
    assert text.splitlines()[-1] == (
        "| 2022 | Yuxi | Yuxi high-tech zone | Separator | million m2/yr | 400 million m2/yr | 1 | 400 | 1.12 |")
    assert "separator_400mm2" not in text


def test_the_sites_table_gives_each_whole_name_once_beside_the_short_one() -> None:
    """The sites section lists every site by its short name, its whole name where that was
    shortened, its id, its cluster by name, its status and what is excluded there."""
    frame = pd.DataFrame({"id": ["anning_caopu", "yuxi_longquan"],
                          "name": ["Anning park, Caopu area", "Yuxi high-tech zone, Longquan area"],
                          "status": ["built", "eligible_unused"], "cluster": ["kunming", "yuxi"],
                          "excluded_redline": ["", "fepo4"], "excluded_proximity": ["li2co3", ""]})
    names = {"anning_caopu": "Anning park, Caopu area", "yuxi_longquan": "Yuxi high-tech zone"}
    text = markdown(site_blocks(SimpleNamespace(frame=frame), names, {"kunming": "Kunming", "yuxi": "Yuxi"}))
    assert text.splitlines()[-4:] == [
        "| site | whole name, where shortened | id | cluster | status | excluded products |",
        "|---|---|---|---|---|---|",
        "| Anning park, Caopu area |  | anning_caopu | Kunming | Built: new capacity | no source within reach for "
        "Li2CO3 |",
        "| Yuxi high-tech zone | Yuxi high-tech zone, Longquan area | yuxi_longquan | Yuxi | Eligible, not used by "
        "this plan | red line excludes FePO4 |"]
    assert text.count("Yuxi high-tech zone, Longquan area") == 1


# --- rule costs and alternatives ----------------------------------------------------------------

def solve_report(objective: float, gap: float) -> SolveReport:
    return SolveReport(termination="convergenceCriteriaSatisfied", has_solution=True, proven_optimal=True,
                       infeasible=False, objective_yuan=objective, best_bound_yuan=objective * (1 - gap), gap=gap,
                       solve_time_s=0.0, solver_version="")


def test_rule_costs_md_and_the_terminal_say_the_status_and_the_sites_in_words() -> None:
    """The base plan opens s1; with the agglomeration relaxed (objective 9 bn yuan, gap 2 %) it
    opens s1 and s2. rule_costs.md says "optimal within the gap", as the solve summary does, and
    names the site added; rule_costs.csv keeps "optimal" and the id. The cost, 1 bn yuan, is
    proven in [9.8 - 9, 10 - 8.82] = [0.8, 1.18] (bounds 2 % under each objective). The terminal,
    where every re-solve is optimal within the gap, says so in its title and leaves the column
    out, leaves the relaxed objective and gap to rule_costs.md, and names the site added under the
    table."""
    base = hand_plan()
    base = dataclasses.replace(base, opened_sites=("s1",))
    relaxed = dataclasses.replace(base, opened_sites=("s1", "s2"))
    table = rule_cost_table(solve_report(10e9, 0.02), base, [RuleCost("agglomeration", solve_report(9e9, 0.02),
                                                                      relaxed)], NAMES)
    files = table_files(table, "rule_costs")
    assert files["rule_costs.md"].splitlines()[2] == (
        "| agglomeration | optimal within the gap | 9.00 | 1.00 | 0.80 to 1.18 | 2.00 | 0.18 | no: proven above 0 "
        "| Lake park |  |  |")
    assert files["rule_costs.csv"].splitlines()[1] == "agglomeration,optimal,9,1,0.8,1.18,2,0.18,no,s2,,"
    assert rule_costs_text(table, NAMES).splitlines() == [
        "cost of each rule (objective minus the objective with that rule relaxed); every re-solve optimal within "
        "the gap",
        "rule           within solver tolerance  range (bn yuan)  cost (bn yuan)  note",
        "agglomeration       no: proven above 0     0.80 to 1.18            1.00",
        "(the range: where the gaps of the two solves prove the cost lies; the relaxed objectives and gaps: "
        "rule_costs.md)",
        "sites of the plan each relaxed solve ended on:",
        "  agglomeration  added: Lake park",
        "note: each is one plan among several of nearly the same cost: plans within the relaxed solve's gap may "
        "build elsewhere,",
        "  so another solve of the same relaxation (a compare run) may add or drop other sites; read them as an "
        "example, not as",
        "  the rule's proven effect"]


def test_alternatives_md_names_sites_clusters_and_products_and_gives_percentages() -> None:
    """tests/test_alternatives.py `with_q_only_at_s1` at 10 % slack: the optimum (550) builds p
    and q at s1, the alternative (600, 50/550 = 9.09 % more) q at s1 and p at s2. alternatives.md
    gives the excess in percent, the capacity columns by cluster and product name with their
    unit, and the site-product decision of every plan, q at s1, in words; alternatives.csv keeps
    the share and the ids."""
    inputs = make_inputs(site_fixed_cost_yuan=50.0, capacity_target_units={("P", 2030): 30.0, ("Q", 2030): 10.0},
                         REDLINE_EXCLUDED=frozenset({("s2", "q")}))
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.10)
    table = comparison(plans, inputs)
    lines = alternatives_markdown(plans, inputs, 0.10, table, None, NAMES).splitlines()
    assert lines[4:8] == [
        "| plan | cost_bn_yuan | over_optimum_percent | sites_built_on | site_products | new_site_products "
        "| stopped_by | scope | same_as | added in Kunming: P, t/yr | added in Kunming: Q, t/yr "
        "| added in Yuxi: P, t/yr |",
        "|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|",
        "| optimum | 0.00 | 0.00 | 1 | 2 | 2 | gap reached |  |  | 30 | 10 | 0 |",
        "| alt01 | 0.00 | 9.09 | 2 | 2 | 1 | gap reached | clusters |  | 0 | 10 | 30 |"]
    shares = next(line for line in lines if line.startswith("Shares count the 2 distinct plans."))
    assert shares.startswith("Shares count the 2 distinct plans. 1 site-product decision appears in every plan: Q at "
                             "Mine park.")
    assert lines[-7:] == [
        "| site | cluster | product | unit | plans_building | share_percent | mean_capacity_added |",
        "|---|---|---|---|---:|---:|---:|",
        "| Mine park | Kunming | P | t/yr | 1 | 50.00 | 30 |",
        "| Mine park | Kunming | Q | t/yr | 2 | 100.00 | 10 |",
        "| Lake park | Yuxi | P | t/yr | 1 | 50.00 | 30 |",
        "",
        "![Share of near-optimal plans that build at each site](robustness.png)"]
    assert table["over_optimum"].tolist()[1] == pytest.approx(50 / 550, rel=1e-6)


# --- messages ---------------------------------------------------------------------------------

def test_the_diagnosis_names_clusters_and_products_and_keeps_the_settings_ids() -> None:
    """tests/test_explain.py's hosting limit: p may go to one cluster, each holds 20 t/yr (2 ha),
    the target is 30. With the run's names the sentences say Kunming and Yuxi (not c1, c2) and P
    (not p); the settings a user looks up keep their ids. Before the MIP, the same instance
    with the hosting limit found: 20 t/yr at most against 30."""
    inputs = make_inputs(targets_strict=True, max_clusters_per_product={"p": 1}, **land({"s1": 2.0, "s2": 2.0}))
    diagnosis = explain_infeasibility(inputs, SETTINGS, NAMES.units, names=NAMES)
    assert diagnosis.lines() == [
        "4 rules cannot be met together; dropping any one of them makes a plan possible:",
        "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added (the "
        "eligible land of all clusters could take 40 t/yr) [targets.capacity.P.2030]",
        "  - Kunming's 1 candidate site has 2 ha of usable land, room for at most 20 t/yr of P "
        "[layers.sites.usable_area_field]",
        "  - Yuxi's 1 candidate site has 2 ha of usable land, room for at most 20 t/yr of P "
        "[layers.sites.usable_area_field]",
        "  - P may be hosted in at most 1 cluster, adding capacity or with committed plants; "
        "the most each cluster can take: Kunming 20 t/yr, Yuxi 20 t/yr "
        "[constraints.differentiation.max_clusters_per_product.p]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr"]
    assert presolve_findings(inputs, NAMES.units, NAMES) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 20 t/yr (P may be hosted in at most 1 cluster, adding capacity or with committed plants), "
        "short by 10 t/yr. Room per cluster: Kunming 20 t/yr "
        "(1 site); Yuxi 20 t/yr (1 site). Relax the rules named, add sites or land, or set targets.strict: false"]


def test_the_refusal_of_near_whole_decisions_names_the_module_size_and_the_site() -> None:
    """A module count of p10 returned as 2.5 and a site opening as 0.6 (tests/test_results.py's
    one-site instance, s1 in c1, with site opening on):
    with the run's names the message gives the module by its size and product, with its id, and
    the site by its name, with its id (the rows a user looks up in the catalog and the sites
    layer)."""
    inputs = dataclasses.replace(one_site_inputs(), site_fixed_cost_yuan=10.0,
                                 enabled_families=frozenset({"targets", "output_value", "land", "agglomeration"}))
    model = build_model(inputs)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.opens["s1", 2030].set_value(0.6, skip_validation=True)
    model.build["s1", "p", "p10", 2030].set_value(2.5, skip_validation=True)
    with pytest.raises(NoSolution) as caught:
        extract_plan(model, inputs, NAMES)
    assert str(caught.value).splitlines()[1:3] == [
        "  - modules of 10 t/yr P (p10) at site Mine park (s1) in 2030: 2.5",
        "  - site Mine park (s1) opens in 2030 (0 or 1): 0.6"]


def test_a_module_count_by_cluster_is_named_by_its_size_and_its_clusters_name() -> None:
    """The module count by cluster (models/counts.py) returned as 2.5: "modules of 10 t/yr P (p10)
    in cluster Kunming", not of p10 in c1."""
    from models.counts import add_module_counts

    inputs = one_site_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.module_count["c1", "p10", 2030].set_value(2.5, skip_validation=True)
    with pytest.raises(NoSolution) as caught:
        extract_plan(model, inputs, NAMES)
    assert "  - modules of 10 t/yr P (p10) in cluster Kunming in 2030: 2.5" in str(caught.value).splitlines()
