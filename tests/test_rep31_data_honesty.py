"""The outputs say what their data rests on: a red-line layer that calls itself a proxy is called
one in report.md, report.html, plan.qgs's abstract, plan.gpkg's description and map.png's legend
(read from the layer's marks: its `is_proxy` column, its notes; its file's name and its own
description are quoted, not read for what they say);
report.md says where each figure is measured and how the discounted figures are discounted; and
its data-quality section counts and names the inputs marked as assumptions."""

from __future__ import annotations

import html
import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from siting.cli import main
from siting.deliver.mapinfo import layer_basis
from siting.deliver.mapplot import redline_legend_word
from siting.deliver.report import commented_keys, marks_assumption

#: The small scenario's lake as a layer that says it is a proxy: its own description, `is_proxy`, a
#: note stating an uncertain position and an assumed area.
DESCRIPTION = "PROXY for the ecological red line: hand-drawn stand-ins, not the official polygons."
NOTE = "PROXY ellipse (not traced). Centre G ±7 km. Area NOT sourced: ASSUMPTION 16 km2."

SAID = ("The red-line layer is a proxy, not the official red line, as it says of itself: its description reads "
        f"\"{DESCRIPTION}\"; 1 of its 1 polygon is marked as a proxy (`is_proxy`); its notes begin PROXY (1); they "
        "give positions uncertain by up to ±7 km; its file is `redline.geojson`. Every exclusion by it and its share "
        "of the clusters rest on this proxy: check a site near a zone against the official red line before relying "
        "on it.")


def _proxy_inputs(folder: Path) -> None:
    """The small scenario's red line marked as a proxy, and its West phosphate's supply assumed."""
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["description"] = DESCRIPTION
    data["features"][0]["properties"].update(is_proxy=True, note=NOTE)
    path.write_text(json.dumps(data, ensure_ascii=False))
    path = folder / "sources.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"]["supply_basis"] = "assumed"
    path.write_text(json.dumps(data))


@pytest.fixture(scope="module")
def proxy_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small scenario with `_proxy_inputs`, solved once for the module (progress off,
    as `quiet_command_line` leaves it for a test): its output folder, read by the tests, never
    changed."""
    folder = tmp_path_factory.mktemp("proxy") / "small"
    shutil.copytree(Path(__file__).parent / "data" / "small", folder)
    _proxy_inputs(folder)
    out = folder / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        patch.delenv("COLUMNS", raising=False)
        assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 0
    return out


def test_a_proxy_red_line_is_called_one_in_every_output(proxy_run: Path):
    out = proxy_run
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report[report.index("## How much of the red line the layer holds"):]
    assert section.startswith(f"## How much of the red line the layer holds\n\n{SAID}\n\nThe red-line layer covers ")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert html.escape(SAID, quote=False).replace("`is_proxy`", "<code>is_proxy</code>").replace(
        "`redline.geojson`", "<code>redline.geojson</code>") in page
    plain = SAID.replace("`", "")
    root = ET.fromstring((out / "plan.qgs").read_text(encoding="utf-8"))
    redline = next(layer for layer in root.findall("projectlayers/maplayer")
                   if layer.findtext("datasource", "").endswith("layername=redline"))
    assert redline.findtext("abstract").endswith(plain)
    with sqlite3.connect(out / "plan.gpkg") as db:
        (described,) = db.execute("SELECT description FROM gpkg_contents WHERE table_name = 'redline'").fetchone()
    assert described == f"Red-line polygons as used. {plain}"


def test_the_data_quality_section_counts_and_names_the_assumptions(proxy_run: Path):
    report = (proxy_run / "report.md").read_text(encoding="utf-8")
    section = report[report.index("## Data quality: what is assumed"):report.index("## How much of the red line")]
    assert section == (
        "## Data quality: what is assumed\n\n"
        "What each input the plan rests on marks as an assumption (no source gives it: a source note starting "
        "\"assumption\", a value marked ASSUMPTION, a `*_basis` column \"assumed\"); the plan rests on these as on "
        "sourced figures. An input that marks nothing is not thereby sourced: its line says how many of its figures "
        "have no source note, where that can be counted.\n\n"
        "- `catalog.yaml`: 1 of 1 figure with a source note (`sources`), of the products and resources this plan "
        "uses, an assumption, by field: `price_yuan_per_t` 1; 37 more figures with no source note\n"
        "- `sites.geojson`: marks no figure as an assumption, in any of its 4 features; no feature with a source "
        "note (no `source` column)\n"
        "- `sources.geojson`: 1 of 2 features with an assumption (`supply_basis` 1): West phosphate; no feature with "
        "a source note (no `source` column)\n"
        "- `clusters.geojson`: marks no figure as an assumption, in any of its 2 features; no feature with a source "
        "note (no `source` column)\n"
        "- `redline.geojson`: 1 of 1 feature with an assumption (`note` 1); no feature with a source note (no "
        "`source` column)\n"
        "- `committed_projects.yaml`: 1 of 1 project with a figure its `source` calls an assumption: east_lfp\n"
        "- `scenario.yaml`: 1 setting given as an assumption (in its values or its comments): `network.gateway`\n\n")


def test_the_report_says_where_each_figure_is_measured_and_how_it_is_discounted(small_run):
    report = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "Distances and areas measured in the working CRS" not in report
    assert ("\nWhere each figure is measured. Working CRS: EPSG:32648 (WGS 84 / UTM zone 48N). Distances between "
            "places (site to source, site to hub, hub to hub and to the gateway) are geodesics on its ellipsoid (WGS "
            "84); road km are these times the detour factor. Drawn areas (a site's footprint, a red-line polygon's or "
            "zone's km2) are measured on that ellipsoid too. Red-line buffers and setbacks, the share of a site's "
            "land they leave, and the red-line margins of the positional check are measured in the working CRS "
            "itself (metres). The red line's share of the clusters is measured in the equal-area CRS EPSG:6933 (WGS "
            "84 / NSIDC EASE-Grid 2.0 Global).\n") in report
    discount = ("discounted at 10 % a year (objective.discount_rate) to 2023, the plan's first year: a yuan of 2024 "
                "counts 0.909; nothing after 2024 counts (objective.years_after_horizon 0): a module is paid for in "
                "the plan's years only")
    assert f"| discounting | D{discount[1:]} |" in report
    assert f"\nEvery figure of this table is {discount}. Sales out of the province" in report


def test_a_red_line_layer_that_says_nothing_is_said_to_say_nothing(small_run):
    report = (small_run.out / "report.md").read_text(encoding="utf-8")
    said = ("The red-line layer (`redline.geojson`) says nothing of what its polygons rest on (no `is_proxy` or "
            "`basis` column, no `note`, no description of its own): whether it is the official red line is not "
            "stated.")
    assert f"## How much of the red line the layer holds\n\n{said}\n\n" in report
    root = ET.fromstring((small_run.out / "plan.qgs").read_text(encoding="utf-8"))
    abstracts = [layer.findtext("abstract") for layer in root.findall("projectlayers/maplayer")]
    assert sum(a.endswith(said.replace("`", "")) for a in abstracts) == 1


def test_layer_basis_reads_a_basis_column_not_the_file_name():
    square = shapely.box(0, 0, 1, 1)
    frame = gpd.GeoDataFrame({"id": ["a", "b", "c"], "basis": ["official", "proxy", None]},
                             geometry=[square] * 3, crs="EPSG:4326")
    basis = layer_basis(frame, "zones.gpkg")
    assert (basis.proxies, basis.flag, basis.is_proxy) == (1, "basis", True)
    assert "1 of its 3 polygons is marked as a proxy (`basis`)" in basis.text()
    official = layer_basis(frame.assign(basis="official"), "zones.gpkg")
    assert not official.is_proxy
    assert official.text() == ("The red-line layer marks none of its polygons as a proxy: 0 of its 3 polygons are "
                               "marked as proxies (`basis`); its file is `zones.gpkg`.")
    bare = frame.drop(columns="basis")
    assert not layer_basis(bare, "redline_proxy.geojson").is_proxy  # a file's name is free text, not a mark
    assert not layer_basis(bare, "redline.geojson").is_proxy


def test_the_map_legend_calls_a_proxy_a_proxy():
    square = shapely.box(0, 0, 1, 1)
    proxy = gpd.GeoDataFrame({"id": ["a"], "is_proxy": [True]}, geometry=[square], crs="EPSG:4326")

    class Layer:
        frame = proxy

    assert redline_legend_word(Layer()) == "red-line proxy"  # type: ignore[arg-type]
    Layer.frame = proxy.assign(is_proxy=False)
    assert redline_legend_word(Layer()) == "red line"  # type: ignore[arg-type]
    assert redline_legend_word(None, layer_basis(None, "redline_proxy.geojson")) == "red line"
    assert redline_legend_word(None, layer_basis(proxy, "redline.geojson")) == "red-line proxy"


def test_assumption_marks_and_commented_keys():
    assert marks_assumption("assumption: 3 % of capex per year")
    assert marks_assumption("Area NOT sourced: ASSUMPTION 129 km2")
    assert not marks_assumption("[60][61]")
    assert not marks_assumption(0.5)
    text = ("objective:\n"
            "  discount_rate: 0.06   # discounts every year's cost;\n"
            "                        # scenario assumption: 6 %\n"
            "  shortfall_penalty_factor: 3.0   # sourced\n"
            "layers:\n"
            "  sites: {path: a.geojson,\n"
            "          land_price_field: price}   # assumption by park tier\n"
            "# Hosting counts (scenario assumption): one cluster per product\n"
            "max_clusters: {a: 1}\n")
    keys = commented_keys(text.splitlines())
    assert [k for k, comment in keys if "assumption" in comment] == [
        "objective.discount_rate", "layers.sites.land_price_field", "max_clusters"]
