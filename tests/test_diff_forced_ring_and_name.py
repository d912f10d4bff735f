"""compare's diff.qml marks a change the run's own rules force (`forced`) at any scale: its
category's symbol draws a ring in the change's colour round the site, and the site is named,
so that a small removed site, which gets no mark above a pie, is seen on the print layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from siting.deliver.styles import CHANGE_COLOURS, diff_style, rgba


def parse(qml: str) -> ET.Element:
    return ET.fromstring(qml.split("\n", 1)[1])


def enabled_by(layer: ET.Element) -> str | None:
    for option in layer.findall("data_defined_properties/Option/Option[@name='properties']/Option"):
        if option.get("name") == "enabled":
            return option.find("Option[@name='expression']").get("value")
    return None


def test_forced_changes_get_a_ring_of_their_colour_in_polygon_and_point_symbols():
    for geometry in ("Polygon", "Point"):
        root = parse(diff_style(geometry, {"removed", "added:indistinguishable"}))
        symbols = {s.get("name"): s for s in root.findall("renderer-v2/symbols/symbol")}
        values = {c.get("value"): c.get("symbol") for c in root.findall("renderer-v2/categories/category")}
        removed = symbols[values["removed"]]
        rings = [layer for layer in removed.iter("layer") if enabled_by(layer) == 'coalesce("forced", false)']
        assert rings, geometry
        colours = {o.get("value") for ring in rings for o in ring.iter("Option") if o.get("name") == "outline_color"}
        assert rgba(CHANGE_COLOURS["removed"]) in colours


def test_forced_changes_are_named_and_the_marks_stay():
    root = parse(diff_style("Polygon", {"removed"}))
    assert root.get("labelsEnabled") == "1"
    rules = {r.get("description"): r for r in root.findall("labeling/rules/rule")}
    assert set(rules) == {"marks", "forced", "unbuilt"}
    assert rules["forced"].get("filter") == 'coalesce("forced", false)'
    text = rules["forced"].find("settings/text-style")
    assert text is not None and "site" in text.get("fieldName")
    assert rules["marks"].find("settings/text-style/background") is not None
