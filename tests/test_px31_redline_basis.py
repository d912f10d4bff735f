"""A red-line layer is called a proxy only where its features mark it one (a true `is_proxy`, a
`basis` value that begins with a word of a stand-in, a `note` beginning PROXY or ESTIMATE); its
own description is free text, quoted as it is and never read for what it says, so that a layer
describing itself as the official red line, "not a proxy", is not called a proxy in report.md,
plan.qgs's abstract or plan.gpkg's description."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import shapely

from siting.cli import main
from siting.deliver.mapinfo import layer_basis

OFFICIAL = ("Official ecological red line of Yunnan, as published by the provincial government "
            "(not a proxy).")


def _frame(**columns: list) -> gpd.GeoDataFrame:
    count = len(next(iter(columns.values()))) if columns else 1
    return gpd.GeoDataFrame({"zone_id": [f"z{n}" for n in range(count)], **columns},
                            geometry=[shapely.box(0, 0, 1, 1)] * count, crs="EPSG:4326")


def test_a_layer_described_as_official_is_not_called_a_proxy():
    basis = layer_basis(_frame(), "rl_official.geojson", OFFICIAL)
    assert not basis.is_proxy
    text = basis.text()
    assert "is a proxy" not in text and "as it says of itself" not in text
    assert text == ("The red-line layer marks none of its polygons as a proxy (no `is_proxy` or `basis` column, no "
                    f"`note` beginning PROXY or ESTIMATE): its description reads \"{OFFICIAL}\"; its file is "
                    "`rl_official.geojson`.")


def test_a_description_that_mentions_a_proxy_is_quoted_not_claimed():
    said = "PROXY for the ecological red line, drawn by hand."
    basis = layer_basis(_frame(), "zones.geojson", said)
    assert not basis.is_proxy
    assert f'its description reads "{said}"' in basis.text()
    assert "is a proxy" not in basis.text()
    assert not layer_basis(_frame(), "redline_proxy.geojson").is_proxy  # a file's name is free text too


def test_structured_marks_make_a_proxy():
    assert layer_basis(_frame(is_proxy=[True, False]), "zones.geojson", OFFICIAL).is_proxy
    assert not layer_basis(_frame(is_proxy=[False, False]), "zones.geojson").is_proxy
    assert layer_basis(_frame(basis=["proxy ellipse", "official"])).proxies == 1
    assert layer_basis(_frame(basis=["Estimate: 1 km ring"])).is_proxy
    assert not layer_basis(_frame(basis=["not a proxy", "official survey"])).is_proxy
    noted = layer_basis(_frame(note=["PROXY ellipse (not traced).", "TRACED outline"]))
    assert noted.is_proxy and noted.text().startswith("The red-line layer is a proxy, not the official red line")
    assert not layer_basis(_frame(note=["Traced outline; no proxy used."])).is_proxy


def test_an_official_layer_is_not_called_a_proxy_in_the_outputs(folder: Path):
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["description"] = OFFICIAL
    path.write_text(json.dumps(data, ensure_ascii=False))
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report[report.index("## How much of the red line the layer holds"):report.index("## Input provenance")]
    assert f'its description reads "{OFFICIAL}"' in section
    assert "proxy, not the official" not in report and "as it says of itself" not in report
    root = ET.fromstring((out / "plan.qgs").read_text(encoding="utf-8"))
    abstracts = " ".join(layer.findtext("abstract") or "" for layer in root.findall("projectlayers/maplayer"))
    assert OFFICIAL in abstracts and "proxy, not the official" not in abstracts
    with sqlite3.connect(out / "plan.gpkg") as db:
        (described,) = db.execute("SELECT description FROM gpkg_contents WHERE table_name = 'redline'").fetchone()
    assert OFFICIAL in described and "proxy, not the official" not in described
