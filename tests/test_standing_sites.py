"""A site where existing or committed plants stand but the plan adds nothing is `standing`, not
"eligible, not used": in sites.geojson (with its existing and committed capacity), the report,
sites.qml, map.png and the web map.

The small scenario with East city's usable land cut from 30 ha to 5 ha: too little for any module
(LFP takes 10 ha, cells 20 ha), so the plan adds nothing there. East city keeps its existing LFP
plant (20,000 t/yr, the sites layer's `existing_lfp`) and the committed East LFP expansion
(10,000 t/yr, online 2024, committed_projects.yaml): capacity.csv has existing 20,000 in 2023 and
2024, committed 0 in 2023 and 10,000 in 2024. LFP is the only product with existing or committed
capacity, so the layer gains `existing_lfp`, `committed_lfp_2023` and `committed_lfp_2024`.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.text import Annotation

from siting.cli import main
from siting.deliver.layer import make_layer
from siting.deliver.layers import STATUSES
from siting.deliver.mapinfo import MapContext, MapTitle
from siting.deliver.mapplot import STATUS_MARKS, map_figure
from siting.deliver.styles import STANDING, STATUS_LABELS, rgba, sites_style
from siting.deliver.webmap import site_features

SMALL = Path(__file__).parent / "data" / "small"


@pytest.fixture(scope="module")
def standing_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario with East city's usable land at 5 ha, solved: its output folder."""
    base = tmp_path_factory.mktemp("standing")
    data = base / "small"
    shutil.copytree(SMALL, data)
    sites = json.loads((data / "sites.geojson").read_text(encoding="utf-8"))
    (city,) = [f for f in sites["features"] if f["properties"]["site_id"] == "e_city"]
    city["properties"]["usable_area_ha"] = 5.0
    (data / "sites.geojson").write_text(json.dumps(sites), encoding="utf-8")
    assert main(["solve", str(data / "scenario.yaml"), "--out", str(base / "out")]) == 0
    return base / "out"


def properties(out: Path) -> dict[str, dict]:
    return {f["id"]: f["properties"] for f in json.loads((out / "sites.geojson").read_text())["features"]}


def test_statuses_put_standing_after_built():
    assert STATUSES == ("built", "standing", "eligible_unused", "excluded_redline", "excluded_proximity",
                        "excluded_land", "outside_clusters")
    assert list(STATUS_LABELS) == list(STATUSES)
    assert STATUS_LABELS["standing"] == "Existing or committed plants only: no new capacity in this plan"


def test_a_site_with_only_existing_and_committed_plants_is_standing(standing_run: Path):
    sites = properties(standing_run)
    assert {k: v["status"] for k, v in sites.items()} == {
        "w_mine": "built", "w_lake": "excluded_redline", "e_city": "standing", "e_far": "built"}
    city = sites["e_city"]
    assert (city["existing_lfp"], city["committed_lfp_2023"], city["committed_lfp_2024"]) == (20000.0, 0.0, 10000.0)
    assert city["capex_yuan"] == 0.0 and city["added_lfp_2024"] == 0.0
    for other in ("w_mine", "w_lake", "e_far"):
        assert (sites[other]["existing_lfp"], sites[other]["committed_lfp_2023"],
                sites[other]["committed_lfp_2024"]) == (0.0, 0.0, 0.0)
    # Only LFP stands anywhere; the fields follow the capacity added and precede the main product.
    names = list(city)
    assert [n for n in names if n.startswith(("existing_", "committed_"))] == [
        "existing_lfp", "committed_lfp_2023", "committed_lfp_2024"]
    assert names.index("existing_lfp") == names.index("added_cells_2024") + 1
    assert names.index("main_product") == names.index("committed_lfp_2024") + 1
    # The same figures as capacity.csv's existing and committed columns.
    capacity = pd.read_csv(standing_run / "capacity.csv")
    rows = capacity.loc[(capacity["site"] == "e_city") & (capacity["product"] == "lfp")].set_index("year")
    assert rows.loc[2023, ["existing", "committed"]].tolist() == [20000, 0]
    assert rows.loc[2024, ["existing", "committed"]].tolist() == [20000, 10000]


def test_the_report_names_the_standing_site_in_words(standing_run: Path):
    report = (standing_run / "report.md").read_text()
    assert ("| East city | e_city | East | Existing or committed plants only: no new capacity in this plan | "
            "no source within reach for FePO4 |") in report
    assert "| Existing or committed plants only: no new capacity in this plan | 1 |" in report
    assert "Eligible, not used by this plan" not in report


def test_sites_style_draws_and_labels_a_standing_site(standing_run: Path):
    """A dark blue diamond (STANDING), labelled with its name like the built sites; the new
    fields named with their unit and year."""
    root = ET.fromstring((standing_run / "sites.qml").read_text().split("\n", 1)[1])
    categories = {c.get("value"): c for c in root.findall("renderer-v2/categories/category")}
    assert list(categories) == ["built", "standing", "excluded_redline"]
    assert categories["standing"].get("label") == STATUS_LABELS["standing"]
    symbols = {s.get("name"): s for s in root.findall("renderer-v2/symbols/symbol")}
    marker = symbols[categories["standing"].get("symbol")].find("layer/Option")
    assert marker is not None
    options = {o.get("name"): o.get("value") for o in marker}
    assert (options["name"], options["color"], options["size"]) == ("diamond", rgba(STANDING, 230), "3.4")
    assert root.find("labeling/settings/text-style").get("fieldName") == (
        "if(\"status\" IN ('built', 'standing'), \"name\", '')")
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert (aliases["existing_lfp"], aliases["committed_lfp_2023"], aliases["committed_lfp_2024"]) == (
        "LFP existing (t/yr)", "LFP committed, online by 2023 (t/yr)", "LFP committed, online by 2024 (t/yr)")


def test_a_layer_without_standing_sites_labels_the_built_ones_only():
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"], "status": ["built", "eligible_unused"],
                              "capex_yuan": [1e9, 0.0]}, geometry=gpd.points_from_xy([102.0, 102.1], [25.0, 25.0]),
                             crs="EPSG:4326")
    layer = make_layer("sites", "Sites", frame, ["id", "name", "status", "capex_yuan"])
    root = ET.fromstring(sites_style(layer).split("\n", 1)[1])
    assert root.find("labeling/settings/text-style").get("fieldName") == "if(\"status\" = 'built', \"name\", '')"


def test_map_draws_a_diamond_labelled_with_the_standing_capacity(standing_run: Path):
    """map.png: the legend keys the diamond, and East city's label gives its name and the LFP
    standing there in 2024: 20,000 existing + 10,000 committed = 30,000 t/yr."""
    assert STATUS_MARKS["standing"] == ("D", (49 / 255, 54 / 255, 149 / 255, 1.0), 40.0,
                                        "existing or committed plants only, nothing new")
    sites = gpd.read_file(standing_run / "sites.geojson")
    layer = make_layer("sites", "Sites", sites, list(sites.columns.drop("geometry")))
    figure = map_figure([layer], MapTitle("t", "optimal within the gap", 0.0, 0.0, [2023, 2024]),
                        ["fepo4", "lfp", "cells"], "EPSG:32648", MapContext(units={"lfp": "t", "fepo4": "t",
                                                                                     "cells": "GWh"}))
    texts = [t.get_text() for t in figure.axes[0].texts if isinstance(t, Annotation)]
    assert "East city\nexisting and committed:\nLFP 30,000 t/yr" in texts
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "existing or committed plants only, nothing new" in legend
    assert "eligible site, not used" not in legend


def test_web_map_groups_and_colours_the_standing_site(standing_run: Path):
    sites = gpd.read_file(standing_run / "sites.geojson")
    layer = make_layer("sites", "Sites", sites, list(sites.columns.drop("geometry")))
    grouped = site_features(layer, ["fepo4", "lfp", "cells"], [2023, 2024], {"lfp": "t"})
    assert list(grouped) == ["built", "standing", "excluded_redline"]
    (city,) = grouped["standing"]
    assert city["properties"]["style"]["fillColor"] == "#313695"
    assert ("<th>unit</th><th>existing and committed 2024</th></tr><tr><td>LFP</td><td>t/yr</td>"
            "<td class=\"n\">30,000</td></tr>") in city["properties"]["popup"]
