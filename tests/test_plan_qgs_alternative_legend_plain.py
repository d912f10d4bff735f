"""An alternative's print layout in the optimum's plan.qgs keys its layers in its legend by their
plain titles, as its own altNN/plan.qgs does: the sheet is that plan's alone, and its title says
whose. Its layers keep "alt01: ..." as their names in the layer panel, where every plan's are
listed together (siting/deliver/qgisproject.py `labelled`). Before, every entry of the printed
legend read "alt01: candidate sites by status", "alt01: clusters"... A batch's pie scale
(`with_sites_capex_scale`), which writes the legends again, keeps them plain."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from test_qgis_robustness_legend import alternatives_on

from siting.deliver.files import folder_project_layers
from siting.deliver.qgisproject import PLANS_GROUP, with_sites_capex_scale
from siting.deliver.styles import capex_scale
from tests.conftest import MadeRun


def root_of(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def legend_titles(layout: ET.Element) -> dict[str, str]:
    """Layer id -> its title in the layout's legend (unwrapped)."""
    (legend,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "legend"]
    return {node.get("id"): " ".join(o.get("value").split("\n")) for node in legend.iter("layer-tree-layer")
            for o in node.iter("Option") if o.get("name") == "legend/title-label"}


def check(root: ET.Element) -> None:
    groups = root.find(f"layer-tree-group/layer-tree-group[@name='{PLANS_GROUP}']").findall("layer-tree-group")
    layouts = {layout.get("name"): layout for layout in root.findall("Layouts/Layout")}
    optimum = legend_titles(layouts[groups[0].get("name")])
    assert len(groups) == 3
    for group in groups[1:]:
        label = group.get("name").split(",")[0].split(":")[0]
        panel = {n.get("id"): n.get("name") for n in group.findall("layer-tree-layer")}
        assert all(name.startswith(f"{label}: ") for name in panel.values())  # the panel tells plans apart
        titles = legend_titles(layouts[group.get("name")])
        assert len(titles) >= 6 and set(titles) <= set(panel)
        for layer_id, title in titles.items():
            assert not title.startswith(label), title
            assert title[:1].isupper(), title
            # as the optimum's sheet keys the same kind of layer (the sites' capex scale may differ)
            kind = layer_id.removesuffix(f"_{label}_layer")
            same = next(t for i, t in optimum.items() if i.startswith(kind) and i.removeprefix(kind) in
                        ("_layer", "_plan_layer"))
            assert " ".join(title.split())[:14] == " ".join(same.split())[:14], (title, same)


def test_an_alternative_s_sheet_keys_its_layers_by_their_plain_titles(small_alternatives_run: MadeRun):
    check(root_of((small_alternatives_run.out / "plan.qgs").read_text(encoding="utf-8")))


def test_a_batch_s_pie_scale_keeps_them_plain(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    layers, styles = folder_project_layers(out)
    top = capex_scale(styles["sites"])
    assert top is not None
    qgs = (out / "plan.qgs").read_text(encoding="utf-8")
    check(root_of(with_sites_capex_scale(qgs, layers, styles, 2 * top, ", on the batch's scale",
                                         alternatives_on(out, top))))
