"""What the near-optimal alternatives' files say of the plans' gap, of the screening and of the
rule costs.

- alternatives.csv and `siting.Alternatives.table` carry `within_gap`, as alternatives.md does:
  the plans whose excess over the optimum lies within the optimum's proven gap.
- With candidate cells, the alternatives are searched among the sites the optimum's screening
  kept: an alternative's Solve table says so instead of repeating the optimum's screening rows
  (its LB and UB), and alternatives.md says how many sites were searched.
- An alternative's report points to the optimum's rule_costs.md when the run computed the rule
  costs, rather than advising `solve --rule-costs`.
- robustness.geojson shows every park and only the cells the alternatives were searched among.

The plans are tests/test_alternatives.py's tiny instance (sites s1 and s2), with costs set by
hand as tests/test_alternative_reports.py sets them.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types

import geopandas as gpd
import pytest
import shapely
from test_alternative_reports import GAP, OPTIMUM, alternative_manifest, tiny, with_costs  # noqa: F401

from siting import api
from siting.config.units import Names
from siting.deliver import report
from siting.deliver.explore import alternatives_markdown, comparison_csv, robustness_layer
from siting.deliver.report import _inline_html, markdown, rule_costs_pointer, solve_blocks
from siting.optimize.alternatives import PlanSet, comparison, near_optimal_record

#: The screening record of a cells run's manifest, as the optimum's run gives it.
SCREENING = {"candidate_cells": 5038, "groups": 40, "unmerged_cells": 0, "merged_model_sites": 73,
             "screened_sites": 25, "rounds": 2, "lower_bound_yuan": 9.8e9, "upper_bound_yuan": 9.99e9,
             "merged_model": {"termination": "convergenceCriteriaSatisfied", "mip_max_nodes": 8000},
             "screened_rounds": {"mip_max_nodes": 1000}, "stopped_by_time_limit": []}


def with_cell(plans: PlanSet, searched: tuple[str, ...]) -> tuple[PlanSet, object, object]:
    """`plans` said to be searched among `searched`, with the inputs and the preprocessed sites of
    a run that has one more site, the candidate cell `cell-x` (cluster c1), beside s1 and s2."""
    inputs = tiny_inputs()
    full = dataclasses.replace(inputs, SITES=(*inputs.SITES, "cell-x"),
                               cluster_of_site={**inputs.cluster_of_site, "cell-x": "c1"})
    sites = gpd.GeoDataFrame({"id": ["s1", "s2", "cell-x"], "name": ["Site one", "Site two", None],
                              "kind": ["park", "park", "cell"]},
                             geometry=[shapely.Point(0, 0), shapely.Point(1000, 0), shapely.Point(0, 1000)],
                             crs="EPSG:32648")
    return (PlanSet(list(plans), plans.asked, plans.ended, searched), full,
            types.SimpleNamespace(sites=sites, clusters=None))


def tiny_inputs():
    from test_alternatives import one_product

    return one_product()


# --- 1. within_gap in alternatives.csv and Alternatives.table ------------------------------------


def test_alternatives_csv_marks_the_plans_within_the_optimums_gap(tiny: PlanSet) -> None:  # noqa: F811
    plans = with_costs(tiny, [OPTIMUM, OPTIMUM * 1.01, OPTIMUM * 1.03])
    inputs = tiny_inputs()
    table = comparison(plans, inputs)
    csv = comparison_csv(table, inputs, Names(), GAP)
    columns = list(csv.columns)
    assert columns[columns.index("over_optimum_share") + 1] == "within_gap"
    assert list(csv["within_gap"]) == ["", "yes", "no"]
    assert list(comparison_csv(table, inputs, Names(), None)["within_gap"]) == ["", "", ""]
    text = alternatives_markdown(plans, inputs, 0.01, table, GAP, Names())
    assert "| within_gap |" in text  # alternatives.md marks the same plan
    assert re.search(r"\| alt01 \| [^\n]*\| yes \|", text)


def test_the_api_table_has_within_gap_and_its_docstring_lists_every_column(tiny: PlanSet) -> None:  # noqa: F811
    plans = with_costs(tiny, [OPTIMUM, OPTIMUM * 1.01, OPTIMUM * 1.03])
    solution = types.SimpleNamespace(problem=types.SimpleNamespace(prepared=types.SimpleNamespace(
        inputs=tiny_inputs())), report=plans[0].report)
    found = api.Alternatives(solution, 0.05, tuple(plans), plans.asked, plans.ended)  # type: ignore[arg-type]
    table = found.table
    assert list(table["within_gap"]) == [False, True, False]
    doc = inspect.getdoc(api.Alternatives.table.fget)
    columns = [c for c in table.columns if not c.startswith("added ")]
    assert [c for c in columns if not re.search(rf"\b{re.escape(c)}\b", doc)] == []
    assert "added <cluster> <product>" in doc


# --- 2. an alternative's Solve table and alternatives.md on the screening ------------------------


def test_an_alternatives_solve_table_describes_its_own_search_not_the_optimums_screening(
        tiny: PlanSet) -> None:  # noqa: F811
    plans = with_costs(tiny, [9.99e9, 10.29e9])
    manifest = alternative_manifest(near_optimal_record(plans, 0.05, "alt01"), 10.29e9)
    manifest["screening"] = SCREENING
    text = markdown(solve_blocks(manifest))
    assert "the plan is the best of" not in text and "upper bound UB" not in text
    assert "lower bound LB (merged model)" not in text
    assert ("| sites searched | the 25 sites the optimum's screening kept (the parks and a few of the 5,038 "
            "candidate cells): this plan was searched among them only") in text


def test_alternatives_md_says_the_search_kept_to_the_screened_sites(tiny: PlanSet) -> None:  # noqa: F811
    plans, full, spatial = with_cell(with_costs(tiny, [OPTIMUM, OPTIMUM * 1.03]), ("s1", "s2"))
    text = alternatives_markdown(plans, full, 0.05, comparison(plans, full), GAP, Names(), spatial)
    assert ("The alternatives were searched only among the 2 sites the optimum's screening kept (2 parks and 0 "
            "candidate cells)") in text
    assert "leaves out the other 1 cell, which no plan here could build on" in text
    unscreened, _full, _spatial = with_cell(plans, ("s1", "s2", "cell-x"))
    assert "searched only among" not in alternatives_markdown(unscreened, full, 0.05, comparison(plans, full), GAP,
                                                              Names(), spatial)


# --- 3. the rule costs from an alternative's folder ---------------------------------------------


def test_an_alternative_of_a_run_with_rule_costs_points_to_the_optimums_rule_costs(tiny: PlanSet) -> None:  # noqa: F811
    plans = with_costs(tiny, [OPTIMUM, OPTIMUM * 1.03])
    manifest = alternative_manifest(near_optimal_record(plans, 0.05, "alt01"), OPTIMUM * 1.03)
    manifest["files"] = ["plan.csv", "report.md"]
    assert report.rule_costs_place(manifest) is False
    manifest["run"] = {"timings_s": {"solve": 1.0, "rule_costs": 12.0}}
    place = report.rule_costs_place(manifest)
    assert place == "../rule_costs.md"
    pointer = rule_costs_pointer(place)
    assert "--rule-costs" not in pointer and "[rule_costs.md](../rule_costs.md)" in pointer
    assert '<a href="../rule_costs.md">rule_costs.md</a>' in _inline_html(pointer)
    optimum = {"solver": {"termination": "convergenceCriteriaSatisfied"}, "files": ["rule_costs.csv"],
               "run": {"timings_s": {"rule_costs": 12.0}}}
    assert report.rule_costs_place(optimum) is True
    assert "[rule_costs.md](rule_costs.md) (rule_costs.csv)" in rule_costs_pointer(True)


# --- 4. robustness.geojson keeps the parks and the searched cells ---------------------------------


def test_robustness_layer_leaves_out_the_cells_not_searched(tiny: PlanSet) -> None:  # noqa: F811
    plans, full, spatial = with_cell(tiny, ("s1", "s2"))
    layer = robustness_layer(plans, full, spatial)  # type: ignore[arg-type]
    assert list(layer.frame["id"]) == ["s1", "s2"]
    searched, _full, _spatial = with_cell(tiny, ("s1", "s2", "cell-x"))
    assert list(robustness_layer(searched, full, spatial).frame["id"]) == ["s1", "s2", "cell-x"]  # type: ignore


def test_a_parks_only_run_keeps_every_site(tiny: PlanSet) -> None:  # noqa: F811
    """Without candidate cells every site is a park and is shown, searched or not."""
    plans, full, spatial = with_cell(tiny, ("s1",))
    spatial.sites["kind"] = "park"  # type: ignore[attr-defined]
    assert list(robustness_layer(plans, full, spatial).frame["id"]) == ["s1", "s2", "cell-x"]  # type: ignore[arg-type]


@pytest.mark.parametrize("searched", [(), ("s1", "s2")])
def test_the_plan_set_says_where_it_searched(tiny: PlanSet, searched: tuple[str, ...]) -> None:  # noqa: F811
    assert tiny.searched_sites == tiny_inputs().SITES
    assert PlanSet(list(tiny), 1, "", searched).searched_sites == searched
