"""Near-optimal alternatives and robustness on tiny instances whose near-optimal plans are known.

Instance (the default of tests/test_families.py, changed as each test says): sites s1 (cluster
c1) and s2 (cluster c2), 100 ha each; module p10 = 10 t/yr of p for 100 yuan, q10 = 10 t/yr of
q for 200 yuan; target P = 30 t/yr in 2030; a site fixed cost F = 50 yuan per opened site.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
from test_families import SETTINGS, make_inputs

from models.inputs import ModelInputs
from siting.cli import main
from siting.deliver.explore import alternatives_markdown
from siting.optimize.alternatives import (
    CLUSTER_NODE_LIMIT,
    NODE_LIMIT,
    PlanSet,
    alternative_settings,
    build_pairs_of,
    comparison,
    near_optimal_plans,
    robustness,
)
from siting.optimize.solve import SolverSettings
from tests.conftest import MadeRun


def one_product() -> ModelInputs:
    """Only p, 30 t/yr: three modules at one site cost 300 + 50 = 350 at s1 or at s2; split
    over both, 300 + 100 = 400. Within 5 % (367.5) the near-optimal plans are exactly "all at
    s1" and "all at s2"."""
    return make_inputs(site_fixed_cost_yuan=50.0)


def with_q_only_at_s1() -> ModelInputs:
    """Also Q = 10 t/yr of q, which the red line keeps out of s2. q at s1 opens s1, so p at s1
    costs 300 + 200 + 50 = 550 (the optimum), p all at s2 or split 600 (9.09 % more)."""
    return make_inputs(site_fixed_cost_yuan=50.0, capacity_target_units={("P", 2030): 30.0, ("Q", 2030): 10.0},
                       REDLINE_EXCLUDED=frozenset({("s2", "q")}))


def test_the_alternative_moves_to_the_other_site() -> None:
    plans = near_optimal_plans(one_product(), SETTINGS, 1, 0.05)
    assert [p.label for p in plans] == ["optimum", "alt01"]
    assert [p.cost_yuan for p in plans] == [350.0, 350.0]
    sites = [build_pairs_of(p.plan) for p in plans]
    assert sorted(map(sorted, sites)) == [[("s1", "p")], [("s2", "p")]]
    table = robustness(plans, one_product())
    assert table.values.tolist() == [["s1", "c1", "p", 1, 0.5, 30.0], ["s2", "c2", "p", 1, 0.5, 30.0]]


def two_sites_in_c1() -> ModelInputs:
    """Only p, 30 t/yr, three sites: s1 and s3 in cluster c1, s2 in c2, 100 ha each; land at 0,
    50 and 100 yuan/ha at s1, s3 and s2, whose annuity on the 3 ha of three modules is 3 and 6
    yuan at s3 and s2. All at s1 costs 300 + 50 = 350 (the optimum), all at s3 353, all at s2
    356; any split at least 400. Within 5 % (367.5): exactly those three plans."""
    sites = ("s1", "s3", "s2")
    return make_inputs(site_fixed_cost_yuan=50.0, SITES=sites, cluster_of_site={"s1": "c1", "s3": "c1", "s2": "c2"},
                       CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
                       site_land_ha={s: 100.0 for s in sites},
                       land_after_redline_ha={(s, p): 100.0 for s in sites for p in ("p", "q")},
                       land_price_yuan_per_ha={"s1": 0.0, "s3": 50.0, "s2": 100.0})


def test_alternatives_first_move_the_optimum_modules_among_its_clusters_sites() -> None:
    """The first stage keeps the optimum's 3 modules of p10 in c1 and finds all at s3 (353); no
    other pattern fits in c1 under the cap (a split costs 400), so the search frees the counts
    and finds all at s2 (356) in c2; then none is left, proven."""
    inputs = two_sites_in_c1()
    plans = near_optimal_plans(inputs, SETTINGS, 3, 0.05)
    assert [(p.label, sorted(build_pairs_of(p.plan)), p.cost_yuan, p.scope) for p in plans] == [
        ("optimum", [("s1", "p")], 350.0, ""), ("alt01", [("s3", "p")], 353.0, "sites"),
        ("alt02", [("s2", "p")], 356.0, "clusters")]
    assert plans.ended.startswith("no other pattern of sites and products costs within 5% of the optimum")
    assert comparison(plans, inputs)["scope"].tolist() == ["", "sites", "clusters"]


def test_a_site_every_good_plan_needs() -> None:
    """With 10 % slack (cap 605) the alternative that overlaps least with the optimum puts all
    of p at s2 (600; a split costs the same but keeps p at s1): q stays at s1 in both plans."""
    inputs = with_q_only_at_s1()
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.10)
    assert [sorted(build_pairs_of(p.plan)) for p in plans] == [[("s1", "p"), ("s1", "q")], [("s1", "q"), ("s2", "p")]]
    assert robustness(plans, inputs).values.tolist() == [
        ["s1", "c1", "p", 1, 0.5, 30.0], ["s1", "c1", "q", 2, 1.0, 10.0], ["s2", "c2", "p", 1, 0.5, 30.0]]
    table = comparison(plans, inputs)
    assert table.columns.tolist() == ["plan", "cost_yuan", "over_optimum", "sites_built_on", "site_products",
                                      "new_site_products", "stopped_by", "scope", "same_as", "added c1 p",
                                      "added c1 q", "added c2 p"]
    assert table.values.tolist() == [
        ["optimum", 550.0, 0.0, 1, 2, 2, "gap reached", "", "", 30.0, 10.0, 0.0],
        ["alt01", 600.0, pytest.approx(50 / 550, rel=1e-6), 2, 2, 1, "gap reached", "clusters", "", 0.0, 10.0, 30.0]]


def test_a_slack_too_small_for_any_other_plan() -> None:
    """With 5 % (cap 577.5) no plan but the optimum is near-optimal: the no-good cut leaves
    none, the search ends and says so, and every site the optimum builds has share 1."""
    inputs = with_q_only_at_s1()
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.05)
    assert [p.cost_yuan for p in plans] == [550.0]
    assert (plans.asked, plans.ended) == (
        1, "no other pattern of sites and products costs within 5% of the optimum (proven by the solver)")
    assert robustness(plans, inputs)["share"].tolist() == [1.0, 1.0]


def test_alternatives_never_repeat_a_pattern() -> None:
    """One product, 5 % slack: "all at s1" and "all at s2" (350 each) are the only plans under
    the cap (a split costs 400); asked for three alternatives, the search finds the second and
    then proves there is no third."""
    plans = near_optimal_plans(one_product(), SETTINGS, 3, 0.05)
    assert [sorted(build_pairs_of(p.plan)) for p in plans] == [[("s1", "p")], [("s2", "p")]]
    assert plans.ended.startswith("no other pattern of sites and products")


def test_node_limit_and_one_thread_bound_each_search() -> None:
    """Each alternative's search is bounded by work (nodes; fewer over clusters), not wall time,
    on one thread with the scenario's seed; a mip_max_nodes the scenario sets itself is kept."""
    settings = alternative_settings(SolverSettings(threads=4, random_seed=7))
    assert (settings.threads, settings.random_seed, dict(settings.options)) == (1, 7, {"mip_max_nodes": NODE_LIMIT})
    own = alternative_settings(SolverSettings(options=(("mip_max_nodes", 10),)))
    assert dict(own.options) == {"mip_max_nodes": 10}
    plans = near_optimal_plans(one_product(), SETTINGS, 1, 0.05)
    assert plans[1].scope == "clusters"  # no other pattern within c1's modules: over clusters
    assert dict(plans[1].report.highs_options)["mip_max_nodes"] == CLUSTER_NODE_LIMIT
    assert dict(plans[1].report.highs_options)["threads"] == 1


def test_no_alternatives_asked() -> None:
    plans = near_optimal_plans(one_product(), SETTINGS, 0, 0.05)
    assert [(p.label, p.cost_yuan) for p in plans] == [("optimum", 350.0)]


@pytest.mark.parametrize(("count", "slack"), [(-1, 0.05), (1, -0.01)])
def test_negative_count_or_slack_refused(count: int, slack: float) -> None:
    with pytest.raises(ValueError) as error:
        near_optimal_plans(one_product(), SETTINGS, count, slack)
    assert str(error.value) == f"count and slack must be at least 0 (got {count}, {slack})"


def test_a_search_stopped_by_the_time_limit_is_marked_in_the_table_and_the_report() -> None:
    """The time limit is only a safety net: a plan it stopped says so (its search may end
    elsewhere on another run), in `stopped_by` and in alternatives.md."""
    inputs = one_product()
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.05)
    timed_out = dataclasses.replace(plans[1], report=dataclasses.replace(plans[1].report, termination="maxTimeLimit"))
    stopped = PlanSet([plans[0], timed_out], asked=2, ended="the search for alt02 found no plan before its time limit")
    table = comparison(stopped, inputs)
    assert table["stopped_by"].tolist() == ["gap reached", "time limit"]
    text = alternatives_markdown(stopped, inputs, 0.05, table, None)
    assert ("Fewer alternatives than asked (2): the search for alt02 found no plan before its time limit.\n"
            "The search for alt01 stopped at the time limit (the safety net), not at its node limit or gap: that "
            "plan may differ between runs and machines; raise solver.time_limit_s.\n") in text


# -- end to end on the small scenario (tests/data/small, see tests/test_cli.py) -----------------

DATA = Path(__file__).parent / "data" / "small"


def _pattern(plan_csv: Path) -> set[tuple[str, str]]:
    with plan_csv.open() as handle:
        return {(row["site"], row["product"]) for row in csv.DictReader(handle)}


def test_solve_with_alternatives_writes_each_plan_and_the_robustness_map(small_alternatives_run: MadeRun) -> None:
    """Two alternatives on the small scenario: each in its own folder, each with a pattern of
    (site, product) decisions no plan before it has, each within 5% of the optimum's cost;
    the robustness shares count the plans that build each pair; w_lake, inside the red line,
    is built by none. The run is conftest's `small_alternatives_run` (`--alternatives 2`)."""
    out = small_alternatives_run.out
    names = {p.name for p in out.iterdir()}
    assert {"alt01", "alt02", "alternatives.csv", "alternatives.md", "robustness.csv", "robustness.geojson",
            "robustness.qml", "robustness.png", "plan.csv", "sites.geojson"} <= names
    optimum = json.loads((out / "manifest.json").read_text())["solver"]["objective_yuan"]
    patterns = [_pattern(out / "plan.csv")]
    for label in ("alt01", "alt02"):
        solver = json.loads((out / label / "manifest.json").read_text())["solver"]
        assert solver["status"] == "feasible (not proven optimal)"
        assert solver["termination"] == "nearOptimalAlternative"  # its search's ending says nothing of its cost
        report = (out / label / "report.md").read_text()
        assert report.startswith(f"# Plan report: small, near-optimal alternative {label} of 2\n")
        assert "| status | a near-optimal alternative: its cost is within the slack of the optimum's" in report
        assert "optimal within the gap" not in report and "not proven within the asked gap" not in report
        near = json.loads((out / label / "manifest.json").read_text())["near_optimal"]
        assert near["plan"] == label and near["optimum_cost_yuan"] == pytest.approx(optimum, rel=1e-8)
        assert "| best bound (the optimum's, proven) | " in report
        assert f"This plan is a near-optimal alternative ({label} of 2), not the cost-optimal plan" in report
        assert optimum <= solver["objective_yuan"] <= optimum + 0.05 * abs(optimum) + 1e-6 * abs(optimum)
        pattern = _pattern(out / label / "plan.csv")
        assert pattern not in patterns
        patterns.append(pattern)
    optimum_report = (out / "report.md").read_text()
    assert "## Near-optimal alternatives" in optimum_report and "| `alt02/` | " in optimum_report
    with (out / "alternatives.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["plan"], r["stopped_by"], r["same_as"]) for r in rows] == [
        ("optimum", "gap reached", ""), ("alt01", "gap reached", ""), ("alt02", "gap reached", "")]
    layer = json.loads((out / "robustness.geojson").read_text())
    shares = {f["id"]: f["properties"]["site_share"] for f in layer["features"]}
    assert shares == {s: sum(any(site == s for site, _p in pattern) for pattern in patterns) / 3
                      for s in ("w_mine", "w_lake", "e_city", "e_far")}
    assert shares["w_lake"] == 0.0
    assert layer["features"][0]["geometry"]["coordinates"] == [102.1, 24.6]
    style = (out / "robustness.qml").read_text()
    assert '<renderer-v2 attr="role"' in style and 'value="needed"' in style


def test_alternative_folders_are_byte_identical_across_runs(small_alternatives_run: MadeRun, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Same inputs, two runs (the first conftest's `small_alternatives_run`, without progress),
    the second with its progress shown: every file of every alternative folder has the same
    bytes (the manifests differ only in their `run` section, the wall-clock timings). The
    progress counts the making of the alternatives' files after their searches and before the
    export: a step per folder, then the comparison (plain lines: not a terminal)."""
    first_out = small_alternatives_run.out
    shutil.copytree(DATA, tmp_path / "small")
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
    capsys.readouterr()
    assert main(["solve", str(tmp_path / "small" / "scenario.yaml"), "--out", str(tmp_path / "b"),
                 "--alternatives", "2"]) == 0
    captured = capsys.readouterr()
    joined = captured.out.replace("\n  ", " ")  # the closing line, wrapped to 120 columns
    assert re.search(r"^2 near-optimal alternatives within 5% of the optimum \(-?[\d.]+ bn yuan; up to [\d.]+ bn yuan "
                     r"more, [\d.]+% of its [\d.]+ bn yuan of costs before sales revenue\): alt01 -?[\d.]+ "
                     r"bn yuan, \+[\d.]+%; alt02 -?[\d.]+ bn yuan, \+[\d.]+%\. alt01 keeps the optimum's capacity by "
                     r"cluster \(scope sites\); alt02 may move capacity between clusters \(scope clusters\): .*$",
                     joined, re.M), captured.out
    err = captured.err.splitlines()
    files = [line for line in err if line.startswith("alternatives' files: ")]
    assert [re.sub(r"\d+ s elapsed, about \d+ s left$", "", line) for line in files] == [
        "alternatives' files: 0/3 done, 0 s elapsed; running: alt01/ 0 s",
        "alternatives' files: 1/3 done (alt01/: made), ",
        "alternatives' files: 2/3 done (alt02/: made), ",
        "alternatives' files: 3/3 done (comparison: made), "]
    assert err.index(files[0]) == 1 + max(i for i, line in enumerate(err) if line.startswith("alternatives: 2/2 done"))
    assert err[err.index(files[-1]) + 1] == "export: making the layers, tables and report ..."
    files = sorted(p.relative_to(first_out) for p in first_out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert Path("alt02/plan.csv") in files
    for path in files:
        first, second = (first_out / path).read_bytes(), (tmp_path / "b" / path).read_bytes()
        if path.name == "manifest.json":
            first_json, second_json = json.loads(first), json.loads(second)
            first_json.pop("run")
            second_json.pop("run")
            assert first_json == second_json, path
        else:
            assert first == second, path


@pytest.mark.parametrize("count", ["0", "100"])
def test_alternatives_flag_refuses_a_bad_count(tmp_path: Path, capsys: pytest.CaptureFixture[str], count: str) -> None:
    """From 1 to 99: each alternative's folder is altNN/, two digits, as the folder check counts."""
    assert main(["solve", str(DATA / "scenario.yaml"), "--out", str(tmp_path / "out"), "--alternatives", count]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n"
        f"  - --alternatives | must be a whole number from 1 to 99 (got '{count}'); give e.g. --alternatives 5\n")
    assert not (tmp_path / "out").exists()


def test_the_robustness_and_conflict_maps_get_a_scale_bar_north_arrow_and_projection():
    """GeoPandas titles the axes of a projected CRS ('Easting [metre]') with no ticks to read them
    by; the explore maps drop those titles and carry map.png's scale bar, north arrow and CRS."""
    import geopandas as gpd
    import pyproj
    import shapely

    from siting.deliver.explore import _figure, _map_furniture

    figure, ax = _figure()
    frame = gpd.GeoDataFrame(geometry=[shapely.box(500_000, 2_700_000, 600_000, 2_750_000)], crs="EPSG:32648")
    frame.plot(ax=ax)
    assert ax.get_xlabel() == "Easting [metre]"
    _map_furniture(figure, ax, pyproj.CRS("EPSG:32648"))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("", "")
    assert "N" in [t.get_text() for t in ax.texts]
    assert "km" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in figure.texts] == ["Projection EPSG:32648."]
