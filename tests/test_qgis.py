"""The outputs in real QGIS: every layer of plan.gpkg and every GeoJSON (with its .qml) loads
valid, with the expected features, field types and style, and plan.qgs opens in order.

QGIS's Python bindings belong to the system Python (Debian's `python3-qgis`), not to our
virtual environment, so a small probe script runs under that interpreter in a subprocess and
prints what QGIS sees as JSON. The test is skipped, saying why, where the bindings are absent.
Set SITING_QGIS_PYTHON to use another interpreter that has them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from siting.cli import main
from siting.deliver.styles import RENDERERS

QGIS_PYTHON = os.environ.get("SITING_QGIS_PYTHON", "/usr/bin/python3")
DATA = Path(__file__).parent / "data" / "small"
SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"
LAYER_ORDER = ["sites", "flows", "sources", "clusters", "redline_zones", "redline"]
#: QGIS field type names for our field kinds (GeoJSON integers are Integer, GeoPackage's Integer64).
QGIS_TYPES = {"string": {"String"}, "real": {"Real"}, "integer": {"Integer", "Integer64"}, "boolean": {"Boolean"}}

PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (Qgis, QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsProject,
                       QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

def facts(layer):
    renderer = layer.renderer()
    out = {"valid": layer.isValid(), "features": layer.featureCount(), "crs": layer.crs().authid(),
           "geometry": QgsWkbTypes.displayString(layer.wkbType()),
           "fields": {f.name(): f.typeName() for f in layer.fields() if f.name() != "fid"},
           "renderer": renderer.type() if renderer else None, "labels": layer.labelsEnabled()}
    if renderer is not None and renderer.type() == "categorizedSymbol":
        out["attribute"] = renderer.classAttribute()
        out["categories"] = [[c.value(), c.label(), c.symbol().color().name()] for c in renderer.categories()]
    return out

app = QgsApplication([], False)
app.initQgis()
folder, layers = sys.argv[1], sys.argv[2].split(",")
result = {"qgis": Qgis.QGIS_VERSION, "gpkg": {}, "geojson": {}}
for name in layers:
    result["gpkg"][name] = facts(QgsVectorLayer(f"{folder}/plan.gpkg|layername={name}", name, "ogr"))
    result["geojson"][name] = facts(QgsVectorLayer(f"{folder}/{name}.geojson", name, "ogr"))
project = QgsProject.instance()
result["project_read"] = project.read(f"{folder}/plan.qgs")
result["project_crs"] = project.crs().authid()
ordered = [node.layer() for node in project.layerTreeRoot().findLayers()]
result["project_layers"] = [[lyr.source().split("layername=")[-1], lyr.isValid(), lyr.renderer().type()]
                            for lyr in ordered]
settings = QgsMapSettings()
settings.setLayers(ordered)
settings.setDestinationCrs(project.crs())
settings.setExtent(project.viewSettings().defaultViewExtent())
settings.setOutputSize(QSize(400, 300))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
white = QColor(255, 255, 255).rgb()
result["painted_share"] = sum(image.pixel(x, y) != white for x in range(0, 400, 4) for y in range(0, 300, 4)) / 7500
print(json.dumps(result))
app.exitQgis()
'''


def qgis_available() -> str | None:
    """None if QGIS_PYTHON can import qgis.core, else the reason it cannot."""
    if shutil.which(QGIS_PYTHON) is None and not Path(QGIS_PYTHON).exists():
        return f"{QGIS_PYTHON} not found"
    check = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, timeout=120,
                           check=False)
    if check.returncode != 0:
        last = (check.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{QGIS_PYTHON} cannot import qgis.core ({last}); on Debian or Ubuntu: apt-get install python3-qgis"
    return None


@pytest.fixture(scope="module")
def qgis() -> None:
    reason = qgis_available()
    if reason is not None:
        pytest.skip(f"QGIS Python bindings unavailable: {reason}")


def probe(folder: Path, layers: list[str]) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder.parent / "xdg")}
    (folder.parent / "xdg").mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(folder), ",".join(layers)], capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def seen(qgis: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """What QGIS sees of the small scenario's and the shipped scenario's (first node) outputs."""
    base = tmp_path_factory.mktemp("qgis")
    shutil.copytree(DATA, base / "small")
    assert main(["solve", str(base / "small" / "scenario.yaml"), "--out", str(base / "small_out")]) == 0
    variant = base / "first_node.yaml"
    variant.write_text(f"extends: {SHIPPED}\nname: first_node\nsolver:\n  options: {{mip_max_nodes: 1}}\n")
    assert main(["solve", str(variant), "--out", str(base / "shipped_out")]) == 0
    return {name: (base / f"{name}_out", probe(base / f"{name}_out", LAYER_ORDER)) for name in ("small", "shipped")}


def expected_kinds(folder: Path, name: str) -> dict[str, str]:
    """Field kinds as the GeoJSON values say (flows of the small scenario are empty: declared)."""
    features = json.loads((folder / f"{name}.geojson").read_text())["features"]
    if not features:
        return {"id": "string", "source": "string", "site": "string", "resource": "string", "km": "real",
                "tonnes_2023": "real", "tonnes_2024": "real"}
    kinds = {str: "string", float: "real", int: "integer", bool: "boolean"}
    return {k: kinds[type(v)] for k, v in features[0]["properties"].items()}


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_loads_every_layer_valid_typed_and_styled(seen: dict[str, tuple[Path, dict]], case: str):
    folder, result = seen[case]
    assert result["qgis"].startswith("3.")
    for name in LAYER_ORDER:
        features = json.loads((folder / f"{name}.geojson").read_text())["features"]
        qml = ET.fromstring((folder / f"{name}.qml").read_text(encoding="utf-8"))
        labels = [c.get("label") for c in qml.findall("renderer-v2/categories/category")]
        renderer_type, attribute = RENDERERS[name]
        for source in ("gpkg", "geojson"):
            facts = result[source][name]
            where = f"{case} {source} {name}"
            assert facts["valid"], where
            assert facts["features"] == len(features), where
            if source == "geojson" and not features:
                # An empty FeatureCollection carries no geometry type or fields (RFC 7946 has no
                # place for them): QGIS opens it as an empty table. plan.gpkg keeps them.
                assert facts["geometry"] == "NoGeometry", where
                continue
            assert facts["crs"] == "EPSG:4326", where
            kinds = expected_kinds(folder, name)
            assert list(facts["fields"]) == list(kinds), where
            for field, type_name in facts["fields"].items():
                assert type_name in QGIS_TYPES[kinds[field]], (where, field, type_name)
            if features:
                assert facts["geometry"] == features[0]["geometry"]["type"], where
            # The style was applied (not QGIS's random single symbol): renderer, field, our labels.
            assert facts["renderer"] == renderer_type, where
            if attribute is not None:
                assert facts["attribute"] == attribute, where
                assert [c[1] for c in facts["categories"]] == labels, where
        if features:
            assert result["gpkg"][name].get("categories") == result["geojson"][name].get("categories")
    assert result["gpkg"]["clusters"]["labels"] and result["gpkg"]["sites"]["labels"]


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_project_opens_in_order_and_draws_the_plan(seen: dict[str, tuple[Path, dict]], case: str):
    _folder, result = seen[case]
    assert result["project_read"] is True
    assert result["project_crs"] == "EPSG:32648"
    assert [layer[0] for layer in result["project_layers"]] == LAYER_ORDER
    assert all(layer[1] for layer in result["project_layers"])
    assert result["painted_share"] > 0.05
