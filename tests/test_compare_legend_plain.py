"""compare.qgs's print layout of a run keys that run's layers in its legend by their plain titles
("Clusters", "Changes against small"), as plan.qgs's sheets of near-optimal plans do
(siting/deliver/qgisproject.py `keyed_plainly`, `labelled`): the sheet is that run's alone, and its
title says whose. The layers keep "b: clusters" as their names in the layer panel, where every
run's are listed together. Before, every entry of the printed legend read "b: clusters", "b:
red-line zones (...)", a long run name breaking each title over two lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from siting.deliver.qgisproject import RUNS_GROUP
from tests.conftest import MadeRun


def legend_titles(layout: ET.Element) -> dict[str, str]:
    """Layer id -> its title in the layout's legend (unwrapped)."""
    (legend,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "legend"]
    return {node.get("id"): " ".join(o.get("value").split("\n")) for node in legend.iter("layer-tree-layer")
            for o in node.iter("Option") if o.get("name") == "legend/title-label"}


def test_a_run_s_sheet_keys_its_layers_by_their_plain_titles(small_compare_run: MadeRun):
    root = ET.fromstring((small_compare_run.out / "compare.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    groups = root.find(f"layer-tree-group/layer-tree-group[@name='{RUNS_GROUP}']").findall("layer-tree-group")
    layouts = {layout.get("name"): layout for layout in root.findall("Layouts/Layout")}
    assert [g.get("name") for g in groups] == ["small (baseline)", "b"]
    for group, label in zip(groups, ("small", "b"), strict=True):
        panel = {n.get("id"): n.get("name") for n in group.findall("layer-tree-layer")}
        assert all(name.startswith(f"{label}: ") for name in panel.values())  # the panel tells runs apart
        titles = legend_titles(layouts[group.get("name")])
        assert len(titles) >= 6 and set(titles) <= set(panel)
        for title in titles.values():
            assert not title.startswith(f"{label}: "), title
            assert title[:1].isupper(), title
        assert titles[f"clusters_{label}_layer"] == "Clusters"
        assert titles[f"sites_{label}_layer"].startswith("Sites")
    changes = legend_titles(layouts["b"])["diff_b_layer"]
    assert changes.startswith(("Changes against small", "Same plan as small", "b vs small: ")), changes
