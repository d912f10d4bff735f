"""The red line's `area_km2_sourced` named with its unit; the context layer named alike in plan.qgs,
plan.gpkg, the report's file list and compare.qgs, with an abstract in compare.qgs too; plan.gpkg's
layer descriptions as plan.qgs's abstracts.

One small run (the small scenario with counties as its context layer, `small_with_provenance`,
and a red-line input carrying `area_km2_sourced`), solved once for the module.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import SMALL, MadeRun, run_once


def sourced_inputs(folder: Path) -> list[Path]:
    """The small scenario with counties as its context layer and a red line whose input gives
    `area_km2_sourced` (2.9 km2) for its first polygon; [its scenario.yaml]."""
    from test_gis_outputs import small_with_provenance

    shutil.copytree(SMALL, folder / "small")
    path = folder / "small" / "redline.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["area_km2_sourced"] = 2.9
    path.write_text(json.dumps(data), encoding="utf-8")
    return [small_with_provenance(folder / "small")]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made: MadeRun = run_once(tmp_path_factory, "gis31_sourced_context", sourced_inputs)
    return made.out


def parse(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8").split("\n", 1)[1])


def aliases(node: ET.Element) -> dict[str, str]:
    return {a.get("field", ""): a.get("name", "") for a in node.findall("aliases/alias")}


def map_layer(root: ET.Element, source: str) -> ET.Element:
    (layer,) = [n for n in root.findall("projectlayers/maplayer") if n.findtext("datasource") == source]
    return layer


# --- 1. area_km2_sourced -----------------------------------------------------------------------

def test_the_sourced_area_has_an_alias_with_its_unit_in_qml_project_and_geopackage(out: Path):
    """`area_km2_sourced`, carried from the red-line input, is named "area as its sources give it
    (km2)" beside `area_km2`'s "ellipsoidal area (km2)": in redline.qml, in plan.qgs's red-line
    layer and in plan.gpkg's default style of it."""
    props = json.loads((out / "redline.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert props["area_km2_sourced"] == 2.9
    wanted = {"area_km2": "ellipsoidal area (km2)", "area_km2_sourced": "area as its sources give it (km2)"}
    qml = aliases(parse(out / "redline.qml"))
    assert {k: qml.get(k) for k in wanted} == wanted
    project = aliases(map_layer(parse(out / "plan.qgs"), "./plan.gpkg|layername=redline"))
    assert {k: project.get(k) for k in wanted} == wanted
    with sqlite3.connect(out / "plan.gpkg") as db:
        (style,) = db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'redline'").fetchone()
    stored = aliases(ET.fromstring(style.split("\n", 1)[1]))
    assert {k: stored.get(k) for k in wanted} == wanted


# --- 2. one title for the context layer -----------------------------------------------------------

CONTEXT = "./plan.gpkg|layername=context"


def test_the_context_layer_has_one_title_in_the_project_the_geopackage_and_the_report(out: Path):
    """The counties are "Counties (context)", capitalised as every other layer's title: in plan.qgs's
    layer panel, layer name, metadata title and print legend; as plan.gpkg's description of the
    table (which QGIS shows as the layer's abstract when the GeoPackage is opened alone) and in
    the report's list of files (both "counties (context)" before)."""
    root = parse(out / "plan.qgs")
    panel, legend_tree = [n.get("name") for n in root.iter("layer-tree-layer") if n.get("source") == CONTEXT]
    layer = map_layer(root, CONTEXT)
    assert (panel, legend_tree, layer.findtext("layername"), layer.findtext("resourceMetadata/title")) == (
        "Counties (context)",) * 4
    legend = [o.get("value") for o in root.iter("Option") if "ounties" in (o.get("value") or "")]
    assert legend == ["Counties (context)"]
    with sqlite3.connect(out / "plan.gpkg") as db:
        (description,) = db.execute("SELECT description FROM gpkg_contents WHERE table_name = 'context'").fetchone()
    assert description.split("; ")[0] == "Counties (context)"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Counties (context) (style: context.qml)" in report
    assert "counties (context) (style" not in report


def compare_text(out: Path, tmp_path: Path) -> ET.Element:
    from siting.deliver.qgisproject import compare_project_text
    from siting.deliver.styles import diff_style

    shutil.copytree(out, tmp_path / "a")
    text = compare_project_text(tmp_path, [("a", "a")], "Point", diff_style("Point"))
    assert text is not None
    return ET.fromstring(text.split("\n", 1)[1])


def test_compare_project_names_the_context_layer_as_plan_qgs_does(out: Path, tmp_path: Path):
    """compare.qgs names the baseline's counties "<label>: " and plan.qgs's name (lower case first,
    as its other layers, "a: clusters"): "a: counties (context)", not "a: context outlines"; in its
    layer panel, its layer list and each layout's legend."""
    root = compare_text(out, tmp_path)
    source = "./a/plan.gpkg|layername=context"
    tree = [n.get("name") for n in root.iter("layer-tree-layer") if n.get("source") == source]
    assert tree and set(tree) == {"a: counties (context)"}  # the panel's, each layout legend's
    assert map_layer(root, source).findtext("layername") == "a: counties (context)"
    assert not [o for o in root.iter("Option") if "context outlines" in (o.get("value") or "")]


# --- 3. compare.qgs: the context layer's abstract ---------------------------------------------------

def test_compare_project_gives_the_context_layer_an_abstract(out: Path, tmp_path: Path):
    """Every layer of compare.qgs has an abstract (its tooltip; Layer Properties > Metadata), the
    baseline's counties too, in plan.qgs's words: what they are (the baseline's, from its
    plan.gpkg) and that they are outlines for orientation only."""
    root = compare_text(out, tmp_path)
    for layer in root.findall("projectlayers/maplayer"):
        assert layer.findtext("abstract"), layer.findtext("id")
    layer = map_layer(root, "./a/plan.gpkg|layername=context")
    abstract = layer.findtext("abstract")
    assert abstract == ("a's counties (context) (its plan.gpkg), under every run; "
                        "outlines named for orientation only: the plans do not use them.")
    assert (layer.findtext("resourceMetadata/title"), layer.findtext("resourceMetadata/abstract")) == (
        "a: counties (context)", abstract)
