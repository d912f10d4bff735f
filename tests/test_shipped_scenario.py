"""The shipped Yunnan scenario solves, within its stated gap, to a plan that keeps the rules, and
writes well-formed files (the checks of tests/test_output_validity.py) that say so. Solved once
for this module (`result`, about 20 s): the plan's tests read what the solve returns, the files'
tests its output folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from test_output_validity import output_problems

from siting.config.units import id_items
from siting.runs.job import RunResult, run_solve
from tests.conftest import MadeRun

SCENARIO = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run_solve(SCENARIO, tmp_path_factory.mktemp("yunnan") / "out")


def test_proven_optimal_within_the_scenario_gap(result: RunResult):
    assert result.report.proven_optimal
    assert result.report.gap is not None
    assert result.report.gap <= result.prepared.loaded.scenario.solver.rel_gap + 1e-9
    costs = result.plan.costs
    assert sum(costs.values()) == pytest.approx(result.report.objective_yuan, rel=1e-6)


def test_every_target_met_but_the_first_years_output_value(result: RunResult):
    """Every capacity target is met, and the output-value targets from 2023 on. The 2022 value
    target is not: with a lead time of one year nothing the plan decides produces in 2022, so
    2022's output comes from existing and committed plants only (the capacity table shows no
    added capacity online in 2022), and the local-share rule (80 % of the FePO4 used made in
    the province) limits what the committed LFP lines may make with the FePO4 standing then."""
    targets = result.plan.targets
    short = targets.loc[targets["shortfall"] > 0, ["kind", "year"]].values.tolist()
    assert short in ([], [["output_value_yuan", 2022]])
    capacity = result.plan.capacity
    first = capacity[capacity["year"] == 2022]
    assert (first["online"] <= first["existing"] + first["committed"] + 1e-6).all()


def test_nothing_built_inside_a_buffered_red_line_zone(result: RunResult):
    inputs = result.prepared.inputs
    built = set(zip(result.plan.builds["site"], result.plan.builds["product"], strict=True))
    assert built
    assert not built & inputs.REDLINE_EXCLUDED


def test_phosphate_chain_sits_near_phosphate(result: RunResult):
    """FePO4 needs phosphate rock: every FePO4 site has a producing phosphate source within the
    scenario's 80 km road distance."""
    inputs = result.prepared.inputs
    distance = result.prepared.spatial.distance_km
    phosphate = [k for k in inputs.SOURCES if inputs.resource_of_source[k] == "phosphate_rock"]
    fepo4_sites = set(result.plan.builds.loc[result.plan.builds["product"] == "fepo4", "site"])
    assert fepo4_sites
    for site in fepo4_sites:
        assert distance.loc[site, phosphate].min() <= 80.0


def test_each_cluster_grows(result: RunResult):
    """The differentiation rule gives every cluster at least 20 % of the added value."""
    assert set(result.plan.builds["cluster"]) == {"kunming", "yuxi", "qujing"}


def test_outputs_of_the_shipped_scenario_are_strict_json_with_valid_geometry(result: RunResult):
    """tests/test_output_validity.py's checks on every file of the shipped scenario's folder."""
    assert output_problems(result.out_dir) == []


#: The working CRS of the shipped scenario (UTM 48N), where the overlaps are measured.
SHIPPED_CRS = "EPSG:32648"


def test_the_shipped_plan_builds_only_on_land_outside_its_products_zones(result: RunResult):
    """Each of the six sites the shipped plan builds on lies wholly outside the buffered zone
    (redline_zones.geojson) of every product it builds, measured on the written polygons in UTM
    48N (under 1 m2, the rounding of coordinates to 6 decimals), and says so: no product, no
    overlap (0 ha, and 0 ha given outside). A site built partly inside a product's zone, as the
    model allows (on the usable land outside it, in proportion to the area), would say so: the
    product, the category and distance that reach in, the overlap (to the 0.1 ha written) and the
    land outside, which holds the land its modules take (tests/test_layers_overlaps.py,
    tests/test_setback_by_product.py; an earlier plan's Jiangchuan district built so)."""
    sites = gpd.read_file(result.out_dir / "sites.geojson").to_crs(SHIPPED_CRS)
    zones = gpd.read_file(result.out_dir / "redline_zones.geojson").to_crs(SHIPPED_CRS)
    built = sites.loc[sites["status"] == "built"]
    assert list(built["id"]) == ["anning_caopu", "anning_qilin", "yuxi_longquan", "yimen", "huaning",
                                 "qujing_etdz_xicheng_nanhaizi"]
    inside: dict[str, tuple[set[str], float]] = {}
    for site in built.itertuples(index=False):
        products = {c.split("_", 1)[1].rsplit("_", 1)[0] for c in sites.columns
                    if c.startswith("added_") and getattr(site, c) > 0}
        reaching = [zone for zone in zones.itertuples(index=False) if products & set(id_items(zone.products))
                    and shapely.area(shapely.intersection(site.geometry, zone.geometry)) >= 1.0]
        if reaching:
            union = shapely.union_all([zone.geometry for zone in reaching])
            inside[site.id] = (products & {p for zone in reaching for p in id_items(zone.products)},
                               float(shapely.area(shapely.intersection(site.geometry, union))) / 1e4)
    assert inside == {}
    assert {(s.id, s.setback_products, s.setback_reach, s.setback_overlap_ha, s.land_outside_setback_ha)
            for s in built.itertuples(index=False)} == {(s, "", "", 0.0, 0.0) for s in built["id"]}


def test_stopped_early_still_writes_a_plan_marked_not_optimal(shipped_first_node_run: MadeRun):
    """A node limit of 1 (deterministic, unlike a time limit) stops HiGHS with an incumbent:
    the outputs are written and say the plan is not proven optimal, with its gap. The run is
    conftest's `shipped_first_node_run` (the scenario's own 0.1 % gap asked): after its one node
    the gap is still above that, so the limit, not the gap, ends the search."""
    out = shipped_first_node_run.out
    assert "status    stopped at an iteration or node limit with a plan, gap " in shipped_first_node_run.stdout
    solver = json.loads((out / "manifest.json").read_text())["solver"]
    assert solver["proven_within_gap"] is False
    assert solver["termination"] == "iterationLimit"
    assert solver["gap"] > solver["settings"]["rel_gap"] > 0.0001
    assert solver["best_bound_yuan"] < solver["objective_yuan"]
    assert (out / "sites.geojson").exists() and (out / "plan.csv").read_text().count("\n") > 1


def test_the_readme_and_the_data_notes_give_this_run_s_objective(result: RunResult):
    """The quick start's objective line (README.md, docs/USAGE.md) and docs/DATA.md's figures of
    the shipped run are this run's, as the command line prints them (siting/cli.py
    `format_summary`): shipped text that quotes an older run fails here (DATA.md said -196.07 bn
    yuan, bound -196.27, for a run that ends at -196.09, bound -196.29)."""
    from siting.config.units import trio_texts
    from siting.deliver.tables import absolute_gap_yuan

    report = result.report
    shown, bound, gap = trio_texts(report.objective_yuan, report.best_bound_yuan,
                                   absolute_gap_yuan(report.objective_yuan, report.gap))
    line = f"objective {shown} (discounted), best bound {bound}, absolute gap {gap}"
    docs = SCENARIO.parent.parent
    assert line in (docs / "README.md").read_text(encoding="utf-8").splitlines()
    assert line in (docs / "docs" / "USAGE.md").read_text(encoding="utf-8").splitlines()
    data = " ".join((docs / "docs" / "DATA.md").read_text(encoding="utf-8").split())
    assert f"the shipped run ends at **{shown}** (net:" in data
    assert f"(measured: plan {shown}, bound {bound}, 0.10 %)" in data
