"""A run with near-optimal alternatives draws every plan's pies on one capex scale.

The small scenario (tests/data/small) solved with `--alternatives 2`: the optimum and alt01
build at most 4.0 bn yuan of capex on a site, alt02 6.5 bn yuan. Every map of the run (map.png,
report.html's interactive map, sites.qml, plan.gpkg's style of the sites, plan.qgs) is then on
6.5 bn yuan, and the sites' legend of a plan whose own largest is below it says whose it is, as a
comparison's runs share the largest site of every run (siting/runs/batch.py `one_pie_scale`).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import siting
from siting.cli import main
from siting.deliver import files, mapplot
from siting.deliver.files import geopackage_style, largest_built_capex, plans_pie_scale, shared_pie_top
from siting.deliver.layer import read_layer
from siting.deliver.qgisproject import plan_layer_id
from siting.deliver.styles import amount, capex_scale
from siting.deliver.webmap import with_marker_scale
from tests.conftest import SMALL, MadeRun

#: What the sites' legend adds to the capex scale of a plan drawn on its set's larger one.
WORDS = ", the largest of the optimum and its alternatives"


def plan_folders(out: Path) -> list[Path]:
    """The optimum's folder, then each alternative's (altNN/)."""
    return [out, *sorted(p for p in out.iterdir() if p.is_dir() and p.name.startswith("alt"))]


def built_label(qml: str) -> str:
    """The legend label of the built sites' category of a sites style."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    (label,) = [
        c.get("label", "") for c in root.findall("renderer-v2/categories/category") if c.get("value") == "built"
    ]
    return label


def project_sites_scale(qgs: str) -> float:
    """The capex (yuan) of a full-size pie of plan.qgs's sites layer (its diagrams' upper value)."""
    root = ET.fromstring(qgs.split("\n", 1)[1])
    (layer,) = [n for n in root.findall("projectlayers/maplayer") if n.findtext("id") == plan_layer_id("sites")]
    diagrams = layer.find(".//LinearlyInterpolatedDiagramRenderer")
    assert diagrams is not None
    return float(diagrams.get("upperValue", "nan"))


def assert_one_scale(out: Path) -> None:
    """Every plan's sites styles, plan.qgs and report.html in `out` on the largest built site of
    all the plans; the sites' legend saying WORDS exactly where that is above the plan's own."""
    folders = plan_folders(out)
    assert [f.name for f in folders[1:]] == ["alt01", "alt02"]
    own = {f.name: largest_built_capex(f) for f in folders}
    top = max(own.values())
    assert (own[out.name], own["alt01"], own["alt02"], top) == (4.0e9, 4.0e9, 6.5e9, 6.5e9)
    for folder in folders:
        qml = (folder / "sites.qml").read_text(encoding="utf-8")
        packaged = geopackage_style(folder / "plan.gpkg", "sites")
        assert packaged is not None
        qgs = (folder / "plan.qgs").read_text(encoding="utf-8")
        assert (capex_scale(qml), capex_scale(packaged), project_sites_scale(qgs)) == (top, top, top), folder.name
        words = WORDS if own[folder.name] < top else ""
        said = f"; largest {amount(top, 'yuan')}{words})"
        assert built_label(qml).endswith(said), (folder.name, built_label(qml))
        assert built_label(packaged).endswith(said), folder.name
        assert said in qgs, folder.name  # the print legend keys the sites layer's categories
        page = (folder / "report.html").read_text(encoding="utf-8")
        assert with_marker_scale(page, top) == page, folder.name  # its markers already on that scale


def test_every_plan_of_a_run_with_alternatives_is_on_the_largest_built_site_of_all(small_alternatives_run: MadeRun):
    assert_one_scale(small_alternatives_run.out)


def test_every_map_png_of_the_run_draws_its_pies_on_that_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """map.png's pies and legend's reference sizes are on `pie_scale`'s top (siting/deliver/
    mapplot.py `map_figure`): each of the three maps, drawn here in this process (`draws_apart`
    no), takes 6.5 bn yuan."""
    scenario = tmp_path / "small" / "scenario.yaml"
    shutil.copytree(SMALL, scenario.parent)
    maps: list[list[float]] = []
    scale, render = mapplot.pie_scale, mapplot.render_map

    def recorded_scale(built: list[mapplot.BuiltSite], top: float | None = None) -> float:
        maps[-1].append(scale(built, top))
        return maps[-1][-1]

    def recorded_render(*args: Any, **kwargs: Any) -> list[str]:
        maps.append([])
        return render(*args, **kwargs)

    monkeypatch.setattr(mapplot, "pie_scale", recorded_scale)
    monkeypatch.setattr(mapplot, "render_map", recorded_render)
    monkeypatch.setattr(files, "draws_apart", lambda: False)
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    assert main(["solve", str(scenario), "--alternatives", "2", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert [set(tops) for tops in maps] == [{6.5e9}] * 3


def test_alternatives_write_puts_every_plan_on_one_scale(tmp_path: Path):
    """`siting.alternatives(...).write()` writes what `siting solve --alternatives 2` writes."""
    scenario = tmp_path / "small" / "scenario.yaml"
    shutil.copytree(SMALL, scenario.parent)
    found = siting.alternatives(siting.solve(siting.load(scenario)), n=2)
    assert plans_pie_scale([p.plan for p in found.plans]) == 6.5e9
    assert_one_scale(found.write(tmp_path / "out"))


def test_a_plan_on_its_own_largest_site_keeps_its_own_scale(small_alternatives_run: MadeRun):
    """`shared_pie_top`: None (the files the plan makes alone) for no scale or the plan's own
    largest, the scale above it, and a scale below it refused."""
    layers = [read_layer(small_alternatives_run.out / "alt01" / "sites.geojson")]
    assert [shared_pie_top(layers, top) for top in (None, 4.0e9, 6.5e9)] == [None, None, 6.5e9]
    with pytest.raises(ValueError) as raised:
        shared_pie_top(layers, 3.9e9)
    assert (
        str(raised.value)
        == "the pie scale must be at least the largest built site's capex (4e+09 yuan), got 3900000000.0"
    )
