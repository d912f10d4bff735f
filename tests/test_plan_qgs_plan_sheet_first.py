"""The optimum's plan.qgs of a run with near-optimal alternatives keeps the plan's own print layout
"Plan" first, as without alternatives (the robustness layer keyed under its legend), its map
following a theme of the optimum with the robustness layer (`plan_sheet_theme`), before a layout
per plan; the layers every plan draws
alike (the context outlines) stand once under the plans' groups; and a batch's pie scale
(`with_sites_capex_scale`) puts every plan's sites and every layout on it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from test_qgis_robustness_legend import alternatives_on

from siting.deliver.files import folder_project_layers
from siting.deliver.qgisproject import (
    OVERLAY_LEGEND,
    PLANS_GROUP,
    PlanSheet,
    ProjectLayer,
    ShownPlan,
    ShownPlans,
    moved_sheet,
    plan_layer_id,
    plan_sheet_theme,
    sheet_project,
    with_sites_capex_scale,
)
from siting.deliver.styles import amount, capex_scale
from tests.conftest import MadeRun

ROBUSTNESS = "./plan.gpkg|layername=robustness"


def root_of(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def legend_ids(layout: ET.Element, legend: str = "legend") -> list[str | None]:
    (item,) = [i for i in layout.iter("LayoutItem") if i.get("type") == "65642" and i.get("id") == legend]
    return [n.get("id") for n in item.iter("layer-tree-layer")]


def test_the_plan_s_own_layout_comes_first_as_without_alternatives(small_alternatives_run: MadeRun):
    root = root_of((small_alternatives_run.out / "plan.qgs").read_text(encoding="utf-8"))
    layouts = root.findall("Layouts/Layout")
    assert len(layouts) == 4 and layouts[0].get("name") == "Plan"
    plan = layouts[0]
    (frame,) = [i for i in plan.iter("LayoutItem") if i.get("id") == "map"]
    # the map draws the optimum, with the robustness layer, whatever the layer panel shows
    assert frame.get("followPreset") == "true"
    assert frame.get("followPresetName") == plan_sheet_theme("optimum", ["Robustness"])
    optimum = root.find("layer-tree-group/layer-tree-group/layer-tree-group")
    own = [n.get("id") for n in optimum.findall("layer-tree-layer")]
    assert own[:3] == [plan_layer_id(kind) for kind in ("sources", "sites", "hubs")]
    keyed = legend_ids(plan)
    assert keyed == [i for i in own if i in keyed] and len(keyed) >= 6
    (robustness,) = [n.findtext("id") for n in root.findall("projectlayers/maplayer")
                     if n.findtext("datasource") == ROBUSTNESS]
    assert legend_ids(plan, OVERLAY_LEGEND) == [robustness]
    # the plans' own layouts follow their themes and have no robustness legend
    for layout in layouts[1:]:
        (frame,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "map"]
        assert frame.get("followPreset") == "true" and frame.get("followPresetName") == layout.get("name")
        assert not [i for i in layout.iter("LayoutItem") if i.get("id") == OVERLAY_LEGEND]


def test_a_batch_s_pie_scale_puts_every_plan_and_layout_on_it(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    layers, styles = folder_project_layers(out)
    qgs = (out / "plan.qgs").read_text(encoding="utf-8")
    top = capex_scale(styles["sites"])
    assert top is not None
    others = alternatives_on(out, top)
    assert sorted(others) == ["alt01", "alt02"]
    with pytest.raises(ValueError, match="alt01, alt02"):
        with_sites_capex_scale(qgs, layers, styles, 2 * top)
    root = root_of(with_sites_capex_scale(qgs, layers, styles, 2 * top, ", on the batch's scale", others))
    sites = [n for n in root.findall("projectlayers/maplayer")
             if n.findtext("datasource", "").endswith("layername=sites")]
    assert len(sites) == 3
    for node in sites:
        assert float(node.find("LinearlyInterpolatedDiagramRenderer").get("upperValue")) == 2 * top
        assert amount(2 * top, "yuan") in node.findtext("abstract", "")
    # every layout's legend on the new scale, with its plan's words (the optimum's: the words given)
    said = f"largest {amount(2 * top, 'yuan')}"
    for n, layout in enumerate(root.findall("Layouts/Layout")):
        (legend,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "legend"]
        text = ET.tostring(legend, encoding="unicode")
        assert said in text and (f"{said}, on the batch's scale" in text) == (n < 2), layout.get("name")


def test_the_context_outlines_stand_once_under_the_plans(small_alternatives_run: MadeRun):
    qml = (small_alternatives_run.out / "clusters.qml").read_text(encoding="utf-8")

    def layer(kind: str) -> ProjectLayer:
        return ProjectLayer(plan_layer_id(kind), kind.title(), f"./plan.gpkg|layername={kind}", "MultiPolygon", qml)

    sheet = PlanSheet((layer("clusters"), layer("context")), "Plan: t", "Source: t.", "")
    other = ShownPlan("alt01 plan", moved_sheet(sheet, "alt01", "alt01"))
    root = root_of(sheet_project(sheet, "t", "EPSG:32648", (0.0, 0.0, 1000.0, 1000.0),
                                 plans=ShownPlans("optimum plan", (other,))))
    context = plan_layer_id("context")
    ids = [n.findtext("id") for n in root.findall("projectlayers/maplayer")]
    assert ids == [plan_layer_id("clusters"), "clusters_alt01_layer", context]
    panel = root.find("layer-tree-group")
    assert [(n.tag, n.get("name")) for n in panel if n.tag.startswith("layer-tree")] == [
        ("layer-tree-group", PLANS_GROUP), ("layer-tree-layer", "Context")]
    for theme in root.findall("visibility-presets/visibility-preset"):
        assert {n.get("id") for n in theme.findall("layer") if n.get("visible") == "1"} >= {context}
    for layout in root.findall("Layouts/Layout"):
        assert legend_ids(layout)[-1] == context
