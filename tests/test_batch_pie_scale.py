"""The runs of one comparison or sweep draw their map.png on one pie scale, the largest built site
of all the runs (siting/runs/batch.py `one_pie_scale`), so that maps set side by side give the same
capex the same pie and every map's legend gives the same reference sizes; compare.qgs keys each
run's sites on that run's sheet.

The small scenario compared with b, which asks 20 GWh/yr of cells in 2024 instead of 10
(conftest's `small_compare_run`). Capex from tests/data/small/catalog.yaml: FePO4 0.5 bn yuan per
100,000 t/yr, LFP 1 bn per 50,000 t/yr, cells 2.5 bn per 10 GWh/yr.
- the baseline: w_mine FePO4 400,000 + LFP 100,000 t/yr = 2 + 2 = 4 bn yuan (its largest), e_city
  LFP 100,000 = 2 bn, e_far cells 10 GWh/yr + LFP 50,000 t/yr = 2.5 + 1 = 3.5 bn;
- b: w_mine LFP 200,000 + FePO4 300,000 t/yr = 4 + 1.5 = 5.5 bn yuan (the largest of both runs),
  e_city cells 10 = 2.5 bn, e_far as in the baseline, 3.5 bn.
One scale, 5.5 bn yuan at LARGEST_MARKER = 1,400 points^2: e_far's pie has a radius of
sqrt(1,400 * 3.5 / 5.5) / 2 = 14.924 points on both maps (on its own scale of 4 bn, the baseline
drew it at sqrt(1,400 * 3.5 / 4) / 2 = 17.5 points). The legend's reference sizes: 5.5 bn yuan
(the scale to 2 significant digits), a circle sqrt(1,400) = 37.417 points across, and 1 bn yuan
(a quarter of the scale, 1.375 bn, to 1 digit), sqrt(1,400 * 1 / 5.5) = 15.954 points across.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import MadeRun
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from siting.cli import main
from siting.deliver.files import (
    SolveOutcome,
    folder_map_layers,
    largest_built_capex,
    map_context,
    map_title,
    redraw_map,
)
from siting.deliver.folders import changed_files
from siting.deliver.mapplot import BuiltSite, map_figure, pie_scale, render_map
from siting.deliver.qgisproject import BATCH_SCALE_WORDS
from siting.prepare.problem import prepare
from siting.runs.job import run_which

#: The largest capex (yuan) of a built site in each run of `small_compare_run`, by its folder.
TOPS = {"small": 4.0e9, "b": 5.5e9}
SCALE = 5.5e9
#: e_far's pie radius (points) on the shared scale.
E_FAR_POINTS = math.sqrt(1400.0 * 3.5 / 5.5) / 2
#: The legend's pie-size rows on the shared scale: (text, circle diameter in points).
SIZE_ROWS = [("capex 5.50 bn yuan", math.sqrt(1400.0)), ("capex 1.00 bn yuan", math.sqrt(1400.0 * 1.0 / 5.5))]


def outcome_of(folder: Path) -> SolveOutcome:
    """The title's solve outcome as the run's manifest records it."""
    solver = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["solver"]
    return SolveOutcome(solver["termination"], solver["objective_yuan"] is not None, solver["proven_within_gap"],
                        solver["objective_yuan"], solver["gap"])


def drawing(folder: Path, scenario: Path, overrides: tuple[tuple[str, Any], ...] = (),
            label: str | None = None) -> tuple[Any, ...]:
    """What `redraw_map` draws the run `folder` of `scenario` (with `overrides`) from: render_map's
    arguments, the title naming the run by its `label` (a comparison's: the folder's name) where
    that is not the scenario's name (siting/runs/job.py `run_which`)."""
    prepared = prepare(scenario, {}, None, overrides)
    layers = folder_map_layers(folder)
    which = run_which(prepared.loaded.scenario.name, folder.name if label is None else label)
    return (layers, map_title(prepared.loaded, prepared.inputs, outcome_of(folder), which),
            list(prepared.inputs.PRODUCTS), prepared.spatial.working_crs, map_context(prepared, layers))


def png_of(drawn: tuple[Any, ...], top: float | None) -> bytes:
    buffer = io.BytesIO()
    render_map(buffer, *drawn, pie_top_yuan=top)
    return buffer.getvalue()


def pie_radii_points(figure: Figure) -> dict[tuple[float, float], float]:
    """Each pie's outline (a hollow Circle of the map's axes at zorder 9 to 9.9: `draw_pies`) by
    its centre (data coordinates, to the mm): its radius in points, as the page has it."""
    ax = figure.axes[0]
    found = {}
    for artist in ax.get_children():
        if isinstance(artist, Circle) and 9 <= artist.get_zorder() < 9.9 and artist.get_facecolor()[3] == 0:
            (x, y), radius = artist.center, artist.radius
            (x0, _y0), (x1, _y1) = ax.transData.transform([(x, y), (x + radius, y)])
            found[(round(x, 3), round(y, 3))] = float(x1 - x0) * 72 / figure.dpi
    return found


def legend_rows(figure: Figure) -> list[tuple[str, float]]:
    """The legend's pie-size rows: (text, the circle's marker size in points)."""
    legend = figure.legends[0]
    return [(text.get_text(), handle.get_markersize())
            for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)
            if text.get_text().startswith("capex ") and isinstance(handle, Line2D)]


def site_point(drawn: tuple[Any, ...], site: str) -> tuple[float, float]:
    """Where the map draws `site` (its point in the working CRS, as the pie's centre), rounded to mm."""
    layers, _title, _products, crs, _context = drawn
    sites = next(layer for layer in layers if layer.name == "sites").frame.to_crs(crs)
    (point,) = sites.loc[sites["id"] == site].geometry
    return round(point.x, 3), round(point.y, 3)


def scenario_of(run: MadeRun, folder: str) -> Path:
    """The scenario file of the run in `folder` of `small_compare_run`: scenario.yaml or b.yaml."""
    return next(path for path in run.scenarios if path.stem == ("scenario" if folder == "small" else folder))


def test_every_map_of_a_comparison_gives_the_same_capex_the_same_pie(small_compare_run: MadeRun):
    out = small_compare_run.out
    assert {run: largest_built_capex(out / run) for run in TOPS} == TOPS
    radius, rows = {}, {}
    for run in TOPS:
        drawn = drawing(out / run, scenario_of(small_compare_run, run))
        written = (out / run / "map.png").read_bytes()
        assert png_of(drawn, SCALE) == written  # the map written is drawn on the comparison's scale
        figure = map_figure(*drawn, pie_top_yuan=SCALE)
        radius[run] = pie_radii_points(figure)[site_point(drawn, "e_far")]
        rows[run] = legend_rows(figure)
    assert radius["small"] == radius["b"]
    assert radius["small"] == pytest.approx(E_FAR_POINTS, rel=1e-9)
    assert rows["small"] == rows["b"]
    assert [text for text, _size in rows["small"]] == [text for text, _size in SIZE_ROWS]
    assert [size for _text, size in rows["small"]] == pytest.approx([size for _text, size in SIZE_ROWS], rel=1e-12)


def test_only_the_maps_whose_scale_changed_are_drawn_again(small_compare_run: MadeRun):
    """b holds the largest site: its map is the one its run drew, on its own scale; the
    baseline's is not (its own largest, 4 bn, drew e_far at 17.5 points)."""
    out = small_compare_run.out
    own = drawing(out / "b", scenario_of(small_compare_run, "b"))
    assert png_of(own, None) == (out / "b" / "map.png").read_bytes()
    base = drawing(out / "small", scenario_of(small_compare_run, "small"))
    assert png_of(base, None) != (out / "small" / "map.png").read_bytes()
    assert pie_radii_points(map_figure(*base))[site_point(base, "e_far")] == pytest.approx(17.5, rel=1e-9)


def test_a_map_drawn_again_is_the_one_its_report_manifest_and_marker_quote(small_compare_run: MadeRun):
    out = small_compare_run.out
    folder = out / "small"
    png = (folder / "map.png").read_bytes()
    report = (folder / "report.html").read_text(encoding="utf-8")
    embedded = f'<img alt="Map of the plan" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
    assert report.count(embedded) == 1
    hashes = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["file_sha256"]
    for name in ("map.png", "report.html"):
        assert hashes[name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert changed_files(out) == []


def test_a_map_drawn_again_on_its_own_scale_is_the_same_bytes(provenance_run: MadeRun, tmp_path: Path):
    """The small scenario with counties as its context, text columns on its sites and candidate
    cells (conftest's `provenance_run`): read back from its folder and prepared again, its map is
    the one its run drew, byte for byte; on twice the scale, map.png, report.html, plan.qgs, the
    sites' styles (sites.qml and plan.gpkg's), the manifest and the marker change together, and a
    folder left with only its report.html written (a process that died) is completed to the same
    bytes."""
    folder = shutil.copytree(provenance_run.out, tmp_path / "run", symlinks=True)
    before = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    prepared = prepare(provenance_run.scenario, {})
    top = largest_built_capex(folder)
    assert top > 0
    assert redraw_map(folder, prepared, outcome_of(folder), top) is False
    assert {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()} == before
    assert redraw_map(folder, prepared, outcome_of(folder), 2 * top) is True
    after = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    assert sorted(name for name in before if before[name] != after[name]) == [
        ".siting-run", "manifest.json", "map.png", "plan.gpkg", "plan.qgs", "report.html", "sites.qml"]
    assert base64.b64encode(after["map.png"]) in after["report.html"]
    assert changed_files(folder) == []
    part = shutil.copytree(provenance_run.out, tmp_path / "part", symlinks=True)
    (part / "report.html").write_bytes(after["report.html"])
    assert redraw_map(part, prepared, outcome_of(part), 2 * top) is True
    assert {path.name: path.read_bytes() for path in part.iterdir() if path.is_file()} == after
    with pytest.raises(ValueError, match=r"^the pie scale must be at least the largest built site's capex"):
        redraw_map(folder, prepared, outcome_of(folder), top / 2)


def test_a_sweep_draws_every_map_on_one_scale_with_its_own_title(folder: Path, tmp_path: Path):
    """The small scenario swept over the cells' 2024 target (10 and 20 GWh/yr) and the gap (0 and
    20 %): the runs of 10 GWh/yr build 4 bn yuan at most, those of 20 GWh/yr 5.5 bn. Each map is
    drawn on 5.5 bn yuan, with its own run's title: the gap its own solve proved, which the
    manifest records, not one carried from another run's bound. run02 (10 GWh/yr, 20 %), drawn
    again, stops above 0.1 % on its own; its gap against run01's bound (the same rules, solved to
    0) is 0 to the LP's noise."""
    scenario = folder / "scenario.yaml"
    out = tmp_path / "sweep"
    assert main(["sweep", str(scenario), "--set", "targets.capacity.cells.2024=10,20", "--set",
                 "solver.rel_gap=0,0.2", "--out", str(out), "--workers", "2"]) == 0
    runs = sorted(path.name for path in out.iterdir() if path.is_dir())
    assert runs == ["run01", "run02", "run03", "run04"]
    assert [largest_built_capex(out / run) for run in runs] == [4.0e9, 4.0e9, 5.5e9, 5.5e9]
    settings = {"run01": (10, 0), "run02": (10, 0.2), "run03": (20, 0), "run04": (20, 0.2)}
    rows = []
    for run in runs:
        cells, gap = settings[run]
        drawn = drawing(out / run, scenario, (("targets.capacity.cells.2024", cells), ("solver.rel_gap", gap)),
                        f"{run} cells.2024={cells},rel_gap={gap}")
        assert png_of(drawn, SCALE) == (out / run / "map.png").read_bytes(), run
        rows.append(legend_rows(map_figure(*drawn, pie_top_yuan=SCALE)))
    assert rows == [rows[0]] * 4
    table = pd.read_csv(out / "sweep.csv", keep_default_na=False)
    assert table["bound_from"][1] == "run01 cells.2024=10,rel_gap=0"
    assert table["gap_percent"][1] < 1e-9
    assert json.loads((out / "run02" / "manifest.json").read_text(encoding="utf-8"))["solver"]["gap"] > 1e-3
    assert [text for text, _size in rows[0]] == [text for text, _size in SIZE_ROWS]
    assert changed_files(out) == []


def test_a_pie_scale_below_the_map_s_largest_site_is_refused():
    built = [BuiltSite("a", 0.0, 0.0, 4.0e9, {}), BuiltSite("b", 0.0, 0.0, 1.0e9, {})]
    assert pie_scale(built) == 4.0e9
    assert pie_scale(built, 5.5e9) == 5.5e9
    assert pie_scale([], None) == 0.0
    with pytest.raises(ValueError) as refused:
        pie_scale(built, 3.0e9)
    assert str(refused.value) == ("the pie scale must be at least the largest built site's capex (4e+09 yuan), "
                                  "got 3000000000.0")


def test_compare_qgs_keys_each_run_s_sites_on_its_own_sheet(small_compare_run: MadeRun):
    """Both runs' sites layers draw in compare.qgs, each run on its own print layout: its legend
    keys that run's sites whole (statuses, pie size on the scale of every run, slices), by their
    plain title (the sheet's title names the run), and no other run's."""
    text = (small_compare_run.out / "compare.qgs").read_text(encoding="utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])
    kinds = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]
    own = {"small (baseline)": [f"{kind}_small_layer" for kind in kinds],
           "b": ["diff_b_layer", *(f"{kind}_b_layer" for kind in kinds)]}
    assert [n.get("id") for n in root.find("layer-tree-group").iter("layer-tree-layer")] == [
        *own["small (baseline)"], *own["b"]]
    keyed = {}
    for layout in root.findall("Layouts/Layout"):
        legend = next(item for item in layout.iter("LayoutItem") if item.get("id") == "legend")
        keyed[layout.get("name")] = {n.get("id"): {o.get("name"): o.get("value") for o in n.iter("Option")
                                                   if o.get("name")} for n in legend.iter("layer-tree-layer")}
    assert {name: list(layers) for name, layers in keyed.items()} == own
    for name, run in (("small (baseline)", "small"), ("b", "b")):
        sites = keyed[name][f"sites_{run}_layer"]
        assert sites["legend/title-label"] == "Sites"  # the sheet's title names the run
        assert sites["legend/node-order"] == "0,1,2,3,4"
        assert f"largest 5.50 bn yuan{BATCH_SCALE_WORDS})" in sites["legend/label-0"].replace("\n", " ")
