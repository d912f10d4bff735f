"""The changes layer (diff.geojson, diff.qml) marks a site whose options changed: where the plans add
the same new capacity but the rules keep other products out of the site, or leave it other land
free for new modules, the site is "options changed", not "unchanged". Before, a stricter red line
that kept seven products out of one park and every product out of another, the plan staying the
same, left all 18 sites grey "Unchanged" on the map."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from siting.deliver.styles import diff_changes, diff_style
from siting.runs.pool import CaseSummary
from siting.runs.tables import diff_aliases, diff_geojson

SITES = ("a", "b", "c", "d")


def sites_geojson(folder: Path) -> str:
    """A run's folder with a sites.geojson of the four point sites a, b, c, d."""
    folder.mkdir(parents=True)
    features = [{"type": "Feature", "id": site, "properties": {"id": site},
                 "geometry": {"type": "Point", "coordinates": [102.0 + i, 25.0]}} for i, site in enumerate(SITES)]
    (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(folder)


def run(label: str, folder: Path, kept_out: dict[str, tuple[tuple[str, str], ...]], land: dict[str, float],
        added: dict[str, dict[str, float]], objective_yuan: float = -20e9) -> CaseSummary:
    return CaseSummary(label, True, status="optimal", objective_yuan=objective_yuan, gap=0.0, final_year=2024,
                       sites_opened=tuple(added), site_added=added,
                       excluded_pairs={family: len(pairs) for family, pairs in kept_out.items()},
                       kept_out=kept_out, land_free_ha=land, units={"lfp": "t", "cells": "GWh"},
                       output_value={2024: 1e9}, out_dir=sites_geojson(folder))


def test_a_site_whose_products_or_land_changed_is_options_changed_not_unchanged(tmp_path: Path) -> None:
    """The same plan (lfp at a) in both runs. In strict, the red line keeps lfp and cells out of b
    (cells only in the baseline), trims c's land from 40 to 25 ha, and leaves d as it was: a is
    unchanged (built on alike, admitting the same), b and c options changed, d unchanged. A third
    run builds more at a (resized, at a proven other cost) and keeps out what the baseline does, on
    the same land but for the last digits of d's: only a changes."""
    base = run("base", tmp_path / "base", {"red line": (("b", "cells"),), "proximity": ()},
               {"a": 50.0, "b": 30.0, "c": 40.0, "d": 10.0}, {"a": {"lfp": 1000.0}})
    strict = run("strict", tmp_path / "strict", {"red line": (("b", "lfp"), ("b", "cells")), "proximity": ()},
                 {"a": 50.0, "b": 30.0, "c": 25.0, "d": 10.0}, {"a": {"lfp": 1000.0}})
    bigger = run("bigger", tmp_path / "bigger", {"red line": (("b", "cells"),), "proximity": ()},
                 {"a": 50.0, "b": 30.0, "c": 40.0, "d": 10.0 + 1e-12}, {"a": {"lfp": 2000.0}}, -19e9)
    text = diff_geojson([base, strict, bigger])
    features = [f["properties"] for f in json.loads(text)["features"]]
    changes = {(p["scenario"], p["site"]): p["change"] for p in features}
    assert changes == {("strict", "a"): "unchanged", ("strict", "b"): "options changed",
                       ("strict", "c"): "options changed", ("strict", "d"): "unchanged",
                       ("bigger", "a"): "resized", ("bigger", "b"): "unchanged",
                       ("bigger", "c"): "unchanged", ("bigger", "d"): "unchanged"}
    b = next(p for p in features if (p["scenario"], p["site"]) == ("strict", "b"))
    assert (b["kept_out_base"], b["kept_out_new"]) == ("cells", "lfp, cells")
    c = next(p for p in features if (p["scenario"], p["site"]) == ("strict", "c"))
    assert (c["land_free_ha_base"], c["land_free_ha_new"]) == (40.0, 25.0)
    assert diff_changes(text) == {"strict": ("options changed", "unchanged"), "bigger": ("resized", "unchanged")}
    classes = {c for run in diff_changes(text).values() for c in run}
    root = ET.fromstring(diff_style("Point", classes, diff_aliases([base, strict, bigger])).split("\n", 1)[1])
    categories = {c.get("value"): c.get("label") for c in root.findall("renderer-v2/categories/category")}
    assert list(categories) == ["resized", "options changed", "unchanged"]
    assert categories["options changed"].startswith("Options changed: the same new capacity, but other products")
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert aliases["kept_out_base"] == "products kept out, baseline base"
    assert aliases["land_free_ha_new"] == "land free for new modules, this run (ha)"
