"""A prospective source the scenario leaves out (spatial.include_prospective_sources false) is named
where it is the only source of a resource within the proximity limit, and drawn hollow.

The small scenario (tests/data/small) with one source added: East phosphate, prospective, 500,000
t/yr of phosphate rock at (103.2, 24.8), 0.1 degree north of East city (103.2, 24.7). The limit of
phosphate rock is 50 km and the detour factor 1.0. In the working CRS (UTM 48N) East city lies
11.08 km from it and East far (103.45, 24.95) 30.24 km: both within 50 km. West phosphate, the one
producing source, lies 109.7 km from East city and 139.4 km from East far, beyond it. The rule
counts producing sources only, so it excludes FePO4 at both East sites as before, and the report
says why: the only phosphate rock source within 50 km is prospective and left out. Since the new
source is left out, the plan is the small scenario's own.

The small scenario's lithium clay source (Clay lithium) is prospective too and left out: it is
drawn hollow as well, though no product needs lithium clay.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from siting import api
from siting.deliver.drivers import ProximityReason, proximity_reasons
from siting.deliver.layers import prospective_left_out, prospective_left_out_km
from siting.deliver.mapinfo import MapTitle
from siting.deliver.mapplot import HOLLOW_EDGE, draw_sources, map_figure
from siting.deliver.styles import INK, SOURCE_CLASS, hex_colour, resource_colours, rgba, sources_style
from tests.conftest import MadeRun

DATA = Path(__file__).parent / "data" / "small"

EAST_PHOSPHATE = {"type": "Feature", "properties": {
    "source_id": "rock_e", "name": "East phosphate", "resource": "phosphate_rock", "supply_t_per_yr": 500000.0,
    "status": "prospective"}, "geometry": {"type": "Point", "coordinates": [103.2, 24.8]}}

LEFT_OUT = "left out: spatial.include_prospective_sources is false"


def with_east_phosphate(folder: Path) -> Path:
    """`folder`'s sources layer with East phosphate added last; returns the scenario file."""
    path = folder / "sources.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"].append(EAST_PHOSPHATE)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return folder / "scenario.yaml"


@pytest.fixture(scope="module")
def runs(small_run: MadeRun, tmp_path_factory: pytest.TempPathFactory) -> tuple[api.Solution, Path, Path]:
    """The small scenario solved with East phosphate (its files in out/) and as shipped (conftest's
    `small_run`, read-only: the files `write` gives, tests/test_api.py)."""
    base = tmp_path_factory.mktemp("prospective")
    shutil.copytree(DATA, base / "east")
    solution = api.solve(with_east_phosphate(base / "east"))
    solution.write(base / "out")
    return solution, base / "out", small_run.out


def test_the_report_names_the_prospective_source_left_out_within_reach(runs: tuple[api.Solution, Path, Path]):
    """East city and East far: the products excluded and why, with the left-out source's road km
    (11.08 and 30.24 km, see the module docstring), the source named once in a note under the
    table; West lakeside says what it said."""
    _solution, out, plain = runs
    text = (out / "report.md").read_text(encoding="utf-8")
    for line in (
            "| East city | e_city | East | Built: new capacity | no producing phosphate rock source within 50 km for "
            "FePO4 (note 1: 11.1 road km) |",
            "| East far | e_far | East | Built: new capacity | no producing phosphate rock source within 50 km for "
            "FePO4 (note 1: 30.2 road km) |",
            "| West lakeside | w_lake | West | Excluded: inside a buffered red-line zone for every product | red "
            "line excludes FePO4, LFP, Cells |",
            "Note 1: the phosphate rock source within 50 km, East phosphate, is prospective and left out "
            "(spatial.include_prospective_sources is false); the table gives its road km from each site."):
        assert f"\n{line}\n" in text, line
    before = (plain / "report.md").read_text(encoding="utf-8")
    assert "\n| East city | e_city | East | Built: new capacity | no source within reach for FePO4 |\n" in before
    assert "prospective" not in before  # the small scenario's own prospective source is needed by no product
    # The interactive map's popup of East city says the same.
    page = (out / "report.html").read_text(encoding="utf-8")
    assert ("no producing phosphate rock source within 50 km for\\u003c/th\\u003e\\u003ctd\\u003eFePO4 (East "
            f"phosphate, prospective, 11.1 road km; {LEFT_OUT})") in page


def test_the_plan_and_the_sites_layer_stay_as_they_were(runs: tuple[api.Solution, Path, Path]):
    """A source left out changes no decision: the same capacity, plan and sites layer (its
    `status` and `excluded_proximity` values, which GIS users filter on, included)."""
    _solution, out, plain = runs
    for name in ("capacity.csv", "plan.csv", "sites.geojson"):
        assert (out / name).read_bytes() == (plain / name).read_bytes(), name
    sites = {f["properties"]["id"]: f["properties"] for f in
             json.loads((out / "sites.geojson").read_text(encoding="utf-8"))["features"]}
    assert {s: (p["status"], p["excluded_proximity"]) for s, p in sites.items()} == {
        "w_mine": ("built", ""), "w_lake": ("excluded_redline", ""), "e_city": ("built", "fepo4"),
        "e_far": ("built", "fepo4")}
    sources = {f["properties"]["id"]: f["properties"] for f in
               json.loads((out / "sources.geojson").read_text(encoding="utf-8"))["features"]}
    assert {k: (p["status"], p["in_model"]) for k, p in sources.items()} == {
        "rock_w": ("producing", True), "li_clay": ("prospective", False), "rock_e": ("prospective", False)}


def test_the_km_are_the_proximity_rules(runs: tuple[api.Solution, Path, Path]):
    """Measured from the output layers, the road km to the left-out sources are those the
    preprocessing measured (geodesic on the working CRS's ellipsoid x detour factor), to 1 mm."""
    solution, _out, _plain = runs
    prepared = solution.problem.prepared
    layers = {layer.name: layer for layer in solution.output_layers}
    assert prospective_left_out(layers["sources"]) == {"li_clay": ("Clay lithium", "lithium_clay"),
                                                       "rock_e": ("East phosphate", "phosphate_rock")}
    spatial = prepared.loaded.scenario.spatial
    km = prospective_left_out_km(layers["sites"], layers["sources"], spatial.working_crs, spatial.detour_factor)
    assert sorted(km) == sorted((s, k) for s in ("w_mine", "w_lake", "e_city", "e_far") for k in ("li_clay", "rock_e"))
    for (site, source), value in km.items():
        assert value == pytest.approx(float(prepared.spatial.distance_km.at[site, source]), abs=1e-6), (site, source)
    assert round(km[("e_city", "rock_e")], 2) == 11.08 and round(km[("e_far", "rock_e")], 2) == 30.24


def test_reasons_name_the_sources_within_the_limit_nearest_first(runs: tuple[api.Solution, Path, Path]):
    """Hand-made left-out sources at East city: A and B at 12 km (B first, as listed first), C at
    exactly the 50 km limit (within it, as for the rule), D at 50.5 km (beyond: not named); at
    East far only D at 60 km: no source within reach. With FePO4 also needing lithium clay (limit
    20 km, no source of it the plan may use), East city has no source within reach for it as well."""
    solution, _out, _plain = runs
    inputs = solution.problem.prepared.inputs
    left_out = {"d": ("D", "phosphate_rock"), "b": ("B", "phosphate_rock"), "a": ("A", "phosphate_rock"),
                "c": ("C", "phosphate_rock")}
    km = {("e_city", "a"): 12.0, ("e_city", "b"): 12.0, ("e_city", "c"): 50.0, ("e_city", "d"): 50.5,
          ("e_far", "d"): 60.0}
    excluded = {"w_mine": [], "e_city": ["fepo4"], "e_far": ["fepo4"]}
    reasons = proximity_reasons(inputs, excluded, left_out, km)
    story = ProximityReason(("fepo4",), "phosphate_rock", 50.0, (("B", 12.0), ("A", 12.0), ("C", 50.0)))
    assert reasons == {"e_city": (story,), "e_far": (ProximityReason(("fepo4",)),)}
    assert story.text() == ("no producing phosphate rock source within 50 km for FePO4 (B, prospective, 12.0 road km; "
                            f"A, prospective, 12.0 road km; C, prospective, 50.0 road km; {LEFT_OUT})")
    assert reasons["e_far"][0].text() == "no source within reach for FePO4"
    both = dataclasses.replace(
        inputs, RESOURCES=(*inputs.RESOURCES, "lithium_clay"),
        resource_t_per_unit={**inputs.resource_t_per_unit, ("fepo4", "lithium_clay"): 0.1},
        max_distance_km={**inputs.max_distance_km, "lithium_clay": 20.0})
    assert [r.text() for r in proximity_reasons(both, excluded, left_out, km)["e_city"]] == [
        "no source within reach for FePO4", story.text()]


def test_the_map_draws_left_out_prospective_sources_hollow(runs: tuple[api.Solution, Path, Path]):
    """map.png: the legend's source rows, the hollow ones "(prospective, not used)" with no fill and
    an edge in the resource's colour; the two left-out sources drawn so, West phosphate filled."""
    solution, _out, _plain = runs
    prepared = solution.problem.prepared
    title = MapTitle("small", solution.report.status, solution.report.gap, solution.report.objective_yuan,
                     list(prepared.inputs.YEARS))
    figure = map_figure(solution.output_layers, title, list(prepared.inputs.PRODUCTS), prepared.spatial.working_crs)
    legend = figure.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[-3:] == ["Lithium clay source (prospective, not used)", "Phosphate rock source and flow",
                           "Phosphate rock source (prospective, not used)"]
    colours = resource_colours(["lithium_clay", "phosphate_rock"])
    handles = dict(zip(labels, legend.legend_handles, strict=True))
    hollow = handles["Phosphate rock source (prospective, not used)"]
    assert hollow.get_markerfacecolor() == "none" and hollow.get_markeredgewidth() == HOLLOW_EDGE
    assert hex_colour([round(c * 255) for c in hollow.get_markeredgecolor()[:3]]) == hex_colour(
        colours["phosphate_rock"])
    sources = {layer.name: layer for layer in solution.output_layers}["sources"].frame
    ax = Figure().add_subplot()
    drawn = draw_sources(ax, sources.to_crs(prepared.spatial.working_crs), colours)
    assert drawn == ({"phosphate_rock"}, {"lithium_clay", "phosphate_rock"})
    filled, empty = ax.collections
    assert len(filled.get_offsets()) == 1 and len(empty.get_offsets()) == 2
    assert len(empty.get_facecolor()) == 0  # no fill
    assert [hex_colour([round(c * 255) for c in e[:3]]) for e in empty.get_edgecolor()] == [
        hex_colour(colours["lithium_clay"]), hex_colour(colours["phosphate_rock"])]
    # With prospective sources included (in the model), every source is filled.
    used = sources.assign(in_model=True)
    assert draw_sources(Figure().add_subplot(), used.to_crs(prepared.spatial.working_crs), colours) == (
        {"lithium_clay", "phosphate_rock"}, set())


def test_the_qgis_style_draws_left_out_prospective_sources_hollow(runs: tuple[api.Solution, Path, Path]):
    """sources.qml: categorised by `SOURCE_CLASS` (the resource, with ":prospective" for a
    prospective source the plan may not use), the hollow categories' triangles with a clear fill
    and an outline in the resource's colour; with the sources in the model, resources alone."""
    solution, out, _plain = runs
    root = ET.fromstring((out / "sources.qml").read_text(encoding="utf-8").split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == SOURCE_CLASS == (
        "\"resource\" || if(\"status\" = 'prospective' AND NOT \"in_model\", ':prospective', '')")
    categories = renderer.findall("categories/category")
    assert [(c.get("value"), c.get("label")) for c in categories] == [
        ("lithium_clay:prospective", "Lithium clay source (prospective, not used)"),
        ("phosphate_rock", "Phosphate rock source"),
        ("phosphate_rock:prospective", "Phosphate rock source (prospective, not used)")]
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    colours = resource_colours(["lithium_clay", "phosphate_rock"])

    def options(value: str) -> dict[str, str]:
        category = next(c for c in categories if c.get("value") == value)
        layer = symbols[category.get("symbol")].find("layer/Option")
        assert layer is not None
        return {o.get("name", ""): o.get("value", "") for o in layer}

    hollow, filled = options("phosphate_rock:prospective"), options("phosphate_rock")
    assert (hollow["name"], hollow["color"], hollow["outline_color"], hollow["outline_width"]) == (
        "triangle", rgba(colours["phosphate_rock"], 0), rgba(colours["phosphate_rock"]), "0.5")
    assert (filled["name"], filled["color"], filled["outline_color"]) == (
        "triangle", rgba(colours["phosphate_rock"]), rgba(INK))
    layer = {x.name: x for x in solution.output_layers}["sources"]
    used = dataclasses.replace(layer, frame=layer.frame.assign(in_model=True))
    root = ET.fromstring(sources_style(used, ["lithium_clay", "phosphate_rock"]).split("\n", 1)[1])
    assert [c.get("value") for c in root.findall("renderer-v2/categories/category")] == [
        "lithium_clay", "phosphate_rock"]
