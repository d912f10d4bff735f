"""compare.qgs prints each run on a sheet of its own (siting/deliver/qgisproject.py
`compare_project_text`): a map theme per run (its group ticked, its layers shown, its own
clusters among them, every other run's hidden) and a print layout per run, named as its
group, whose map follows that theme whatever the layer panel shows, whose title names the run
("(baseline)", or "against the baseline <label>") with its plan's solver outcome, objective and
gap and, for a compared run, its objective difference against the baseline as the proven gaps
show it (a difference within solver tolerance given as such, with its proven range in bn yuan),
and whose legend keys only that run's layers and those under the groups.

The small scenario against b (conftest's `small_compare_run`: b asks 20 GWh of cells where the
small scenario asks 10): groups "small (baseline)" and "b"; b has a layer of changes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.config.units import capitalised
from siting.deliver.qgisproject import (
    RUNS_GROUP,
    TITLE_FRAME_MM,
    TITLE_PT,
    CarriedBound,
    compare_project_text,
    run_heading,
)
from siting.deliver.styles import WITHIN, RunDifference, diff_style
from tests.conftest import MadeRun, copied

#: Each run's own layers (top to bottom: those of its plan.qgs, its hubs, flows and sources among
#: them), then those under the groups (none: the small scenario has no context outlines), shown
#: by every theme.
KINDS = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]
OWN = {"small (baseline)": [f"{kind}_small_layer" for kind in KINDS],
       "b": ["diff_b_layer", *(f"{kind}_b_layer" for kind in KINDS)]}
UNDER: list[str] = []
#: Each run's layers as its map draws them, top to bottom: its group's order, plan.qgs's, the
#: clusters over the red line.
DRAWN = OWN


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def layouts(root: ET.Element) -> dict[str, ET.Element]:
    return {layout.get("name", ""): layout for layout in root.findall("Layouts/Layout")}


def item(layout: ET.Element, name: str) -> ET.Element:
    (found,) = [i for i in layout.findall("LayoutItem") if i.get("id") == name]
    return found


def plan_title(folder: Path) -> str:
    return item(parse((folder / "plan.qgs").read_text(encoding="utf-8")).find("Layouts/Layout"), "title").get(
        "labelText", "")


def test_run_heading_names_the_run_and_its_part_in_the_comparison():
    plan = "b: capacity plan 2023-2024\noptimal, gap 0.00%, objective 1.00 bn yuan (discounted)"
    assert run_heading("b", "a", "compared", plan) == (
        "b against the baseline a: capacity plan 2023-2024\noptimal, gap 0.00%, objective 1.00 bn yuan (discounted)")
    assert run_heading("a", "a", "baseline", plan.replace("b:", "a:", 1)).split("\n")[0] == (
        "a (baseline): capacity plan 2023-2024")
    assert run_heading("b", "a", "", plan).split("\n")[0] == "b: capacity plan 2023-2024"
    assert run_heading("b", "a", "compared", "") == "b against the baseline a"


def test_a_compared_run_s_title_ends_with_what_the_gaps_prove_of_its_objective_difference():
    """Under the run's outcome, objective and gap: its objective difference against the baseline
    as comparison.md gives it (verdict, then the proven range of the difference of the two
    optima, rounded outward, in bn yuan). A difference within the runs' gaps is given as such,
    with no figure of its own: only the range, which holds 0. The baseline's title and a run
    of unknown verdict get no such line."""
    plan = "b: capacity plan 2023-2024\noptimal, gap 0.00%, objective 1.00 bn yuan (discounted)"
    head = "b against the baseline a: capacity plan 2023-2024\noptimal, gap 0.00%, objective 1.00 bn yuan (discounted)"
    assert run_heading("b", "a", "compared", plan, RunDifference("proven", 0.472501207, 0.472501207)) == (
        f"{head}\nb against a: objective difference proven (proven range 0.47 to 0.48 bn yuan)")
    assert run_heading("b", "a", "compared", plan, RunDifference(WITHIN, -0.201, 0.159)) == (
        f"{head}\nb against a: objective difference within solver tolerance (proven range -0.21 to 0.16 bn yuan)")
    assert run_heading("b", "a", "compared", plan, RunDifference(WITHIN)) == (
        f"{head}\nb against a: objective difference within solver tolerance")
    assert run_heading("b", "a", "compared", plan, RunDifference("same plan", 0.0, 0.0)) == f"{head}\nb: same plan as a"
    assert run_heading("b", "a", "compared", plan, RunDifference()) == head
    assert run_heading("a", "a", "baseline", plan, RunDifference("proven", 0.4, 0.5)).count("\n") == 1


#: A plan.qgs title of a run solved to a 20 % gap (tests/test_runs_nested_compare.py's strict20):
#: its own solve proved 12.71 %, 2.79 bn yuan.
OWN_SOLVE = ("strict20: capacity plan 2023-2024\noptimal within the gap, gap 12.71% (tolerance 20.00%), objective "
             "-21.95 bn yuan (discounted)\nabsolute gap 2.79 bn yuan (objective less best bound)")
#: The same run's gap against the bound of small, as comparison.csv holds it (3.50865875 %, 0.7699997 bn
#: yuan: comparison.md's 3.51 and 0.77, rounded up), with its own solve's (a share of 0.1270435, 2.7882 bn yuan).
CARRIED = CarriedBound("small", 0.0350865875, 0.7699997e9, 0.1270435, 2.7882e9)


def test_a_run_whose_bound_was_carried_gives_the_gaps_comparison_md_gives():
    """A run whose gap comparison.md measures against another run's bound (siting/runs/pool.py
    `carry_bounds`): its sheet's title gives that gap, in percent on the outcome line and in bn
    yuan on the line under it, rounded up as comparison.md's rows `gap` and `absolute gap` give
    them (3.51 %, 0.77), naming the run whose bound it is and the file, with the gaps its own solve
    proved (those of its plan.qgs title, 12.71 %, 2.79 bn yuan) beside them, labelled. Without a
    bound of its own solve, the gap goes before the objective; a run of its own bound keeps its
    plan's lines."""
    assert run_heading("strict20", "strict20", "baseline", OWN_SOLVE, carried=CARRIED) == (
        "strict20 (baseline): capacity plan 2023-2024\n"
        "optimal within the gap, gap 3.51% (tolerance 20.00%), objective -21.95 bn yuan (discounted)\n"
        "absolute gap 0.77 bn yuan against the bound of small, as comparison.md gives the gaps (its own solve's: "
        "12.71%, 2.79 bn yuan)")
    stopped = "b: capacity plan 2023-2024\nstopped at the time limit with a plan, objective -21.95 bn yuan (discounted)"
    unbounded = CarriedBound("a", 0.0350865875, 0.7699997e9, None, None)
    assert run_heading("b", "a", "compared", stopped, RunDifference("proven", 0.472501207, 0.472501207),
                       unbounded) == (
        "b against the baseline a: capacity plan 2023-2024\n"
        "stopped at the time limit with a plan, gap 3.51%, objective -21.95 bn yuan (discounted)\n"
        "absolute gap 0.77 bn yuan against the bound of a, as comparison.md gives the gaps (its own solve proved no "
        "bound)\n"
        "b against a: objective difference proven (proven range 0.47 to 0.48 bn yuan)")
    settings = OWN_SOLVE.replace("\n", "\nsettings  --set solver.rel_gap=0.2\n", 1)
    assert run_heading("strict20", "a", "compared", settings, carried=CARRIED).split("\n")[1:4] == [
        "settings  --set solver.rel_gap=0.2",
        "optimal within the gap, gap 3.51% (tolerance 20.00%), objective -21.95 bn yuan (discounted)",
        "absolute gap 0.77 bn yuan against the bound of small, as comparison.md gives the gaps (its own solve's: "
        "12.71%, 2.79 bn yuan)"]
    assert run_heading("strict20", "strict20", "baseline", OWN_SOLVE).split("\n")[1:] == OWN_SOLVE.split("\n")[1:]


def test_each_run_is_a_map_theme_of_its_layers(small_compare_run: MadeRun):
    root = parse((small_compare_run.out / "compare.qgs").read_text(encoding="utf-8"))
    every = [n.findtext("id") for n in root.findall("projectlayers/maplayer")]
    assert every == ["diff_b_layer", *(f"{kind}_{run}_layer" for kind in KINDS for run in ("small", "b"))]
    themes = {p.get("name"): p for p in root.findall("visibility-presets/visibility-preset")}
    assert list(themes) == ["small (baseline)", "b"]
    for name, theme in themes.items():
        assert (theme.get("has-checked-group-info"), theme.get("has-expanded-info")) == ("1", "0")
        assert [(n.get("id"), n.get("visible"), n.get("style")) for n in theme.findall("layer")] == [
            (i, "1" if i in [*OWN[name], *UNDER] else "0", "default") for i in every]
        assert [n.get("id") for n in theme.findall("checked-group-nodes/checked-group-node")] == [
            RUNS_GROUP, f"{RUNS_GROUP}/{name}"]


def test_each_run_has_a_layout_following_its_theme_titled_with_it_keying_only_its_layers(
        small_compare_run: MadeRun):
    """No layout of every run at once (its legend would key the runs not shown): one per run, in
    the runs' order. Its title's first line names the run and its part, the rest is the run's
    plan.qgs title under its first line (solver outcome, objective, the gap in bn yuan); b's then
    gives its objective difference against the baseline, proven here (b builds twice the cells),
    with the proven range of comparison.csv rounded outward, in bn yuan, on a fourth line: four
    lines in the four-line frame and type."""
    out = small_compare_run.out
    root = parse((out / "compare.qgs").read_text(encoding="utf-8"))
    found = layouts(root)
    assert list(found) == ["small (baseline)", "b"]
    table = pd.read_csv(out / "comparison.csv").set_index("metric")["b vs small"]
    assert table["objective difference"] == "proven"
    low, high = float(table["objective difference: proven low"]), float(table["objective difference: proven high"])
    shown = f"{math.floor(round(low * 100, 6)) / 100:z,.2f} to {math.ceil(round(high * 100, 6)) / 100:z,.2f} bn yuan"
    firsts = {"small (baseline)": "small (baseline): capacity plan 2023-2024",
              "b": "b against the baseline small: capacity plan 2023-2024"}
    lasts = {"small (baseline)": [], "b": [f"b against small: objective difference proven (proven range {shown})"]}
    for name, layout in found.items():
        frame = item(layout, "map")
        assert (frame.get("followPreset"), frame.get("followPresetName"), frame.get("keepLayerSet")) == (
            "true", name, "false")
        own = plan_title(out / ("small" if name.startswith("small") else "b")).split("\n")
        assert len(own) == 3 and own[1].endswith(" bn yuan (discounted)") and own[2].startswith("absolute gap ")
        title = item(layout, "title")
        assert title.get("labelText") == "\n".join([firsts[name], *own[1:], *lasts[name]])
        x, y, width, height = TITLE_FRAME_MM[2 + len(lasts[name])]
        assert (title.get("position"), title.get("size")) == (f"{x:g},{y:g},mm", f"{width:g},{height:g},mm")
        assert title.find("LabelFont").get("description").split(",")[1] == f"{TITLE_PT[2 + len(lasts[name])]:g}"
        legend = item(layout, "legend")
        assert [n.get("id") for n in legend.iter("layer-tree-layer")] == [*OWN[name], *UNDER]
        assert legend.get("map_uuid") == frame.get("uuid")
    assert "This sheet: b against the baseline small (its plan.gpkg in the folder b; its changes: diff.geojson)" in (
        item(found["b"], "source").get("labelText", ""))


def test_a_run_within_tolerance_is_noted_on_its_own_sheet_only(small_compare_run: MadeRun, tmp_path: Path):
    for sub in ("small", "b"):
        shutil.copytree(small_compare_run.out / sub, tmp_path / sub)
    text = compare_project_text(tmp_path, [("small", "small"), ("b", "b")], "Point", diff_style("Point"),
                                differences={"b": RunDifference(WITHIN, -0.201, 0.159)})
    assert text is not None
    notes = {name: [i.get("labelText") for i in layout.findall("LayoutItem") if i.get("id") == "note"]
             for name, layout in layouts(parse(text)).items()}
    assert notes == {"small (baseline)": [], "b": [
        "b against small: objective difference within solver tolerance (proven range -0.21 to 0.16 bn yuan). Its "
        "changes on this map (hollow) are between plans of indistinguishable cost, not shown to be effects of the "
        "change."]}
    # b's title says the same of its objective difference: no figure of its own, only the range holding 0.
    titles = {name: item(layout, "title").get("labelText", "").split("\n")
              for name, layout in layouts(parse(text)).items()}
    assert [len(lines) for lines in titles.values()] == [3, 4]
    assert titles["b"][3] == (
        "b against small: objective difference within solver tolerance (proven range -0.21 to 0.16 bn yuan)")


def test_a_failed_baseline_gives_the_other_run_its_own_sheet(small_compare_run: MadeRun, tmp_path: Path):
    (tmp_path / "small").mkdir()
    shutil.copytree(small_compare_run.out / "b", tmp_path / "b")
    text = compare_project_text(tmp_path, [("small", "small"), ("b", "b")], "Point", diff_style("Point"))
    assert text is not None
    root = parse(text)
    (layout,) = layouts(root).values()
    assert layout.get("name") == "b"
    assert item(layout, "title").get("labelText", "").split("\n")[0] == "b: capacity plan 2023-2024"
    assert [p.get("name") for p in root.findall("visibility-presets/visibility-preset")] == ["b"]


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsLayerTreeModel, QgsLayoutExporter, QgsLayoutItemLabel,
                       QgsLayoutItemLegend, QgsLayoutItemMap, QgsProject)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"read": project.read(sys.argv[1]), "layouts": {}}
themes = project.mapThemeCollection()
result["themes"] = {name: [themes.mapThemeVisibleLayerIds(name), sorted(themes.mapThemeState(name).checkedGroupNodes())]
                    for name in themes.mapThemes()}
for layout in project.layoutManager().printLayouts():
    legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
    frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
    title = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLabel) and i.id() == "title")
    model = legend.model()
    lines = []
    def walk(index, depth):
        for row in range(model.rowCount(index)):
            child = model.index(row, 0, index)
            lines.append([depth, model.data(child, 0)])
            walk(child, depth + 1)
    walk(model.index(-1, -1), 0)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 40
    png = os.path.join(sys.argv[2], layout.name() + ".png")
    exported = QgsLayoutExporter(layout).exportToImage(png, settings) == QgsLayoutExporter.Success
    result["layouts"][layout.name()] = {
        "follows": [frame.followVisibilityPreset(), frame.followVisibilityPresetName()],
        "drawn": [layer.id() for layer in frame.layersToRender()], "title": title.currentText(),
        "legend": lines, "exported": exported}
# Choosing b's theme in the layer panel ticks b's group in place of the baseline's.
root = project.layerTreeRoot()
themes.applyTheme("b", root, QgsLayerTreeModel(root))
result["after"] = [[g.name(), g.itemVisibilityChecked()] for g in root.children()[0].children()]
result["shown"] = [layer.id() for layer in root.checkedLayers()]
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_reads_each_run_s_theme_and_prints_each_run_s_layout_with_only_its_layers(
        qgis: None, small_compare_run: MadeRun, tmp_path: Path):  # noqa: F811
    """In QGIS 3.22: the themes hold each run's layers and groups; each layout's map draws its
    run's theme while the layer panel shows the baseline; its legend lists only the run's layers
    and those under the groups, each once (by its name, what its symbol sizes mean under it);
    every layout exports to an image, b's differing from the baseline's (its changes drawn);
    choosing b's theme in the panel shows b alone."""
    out = copied(small_compare_run.out, tmp_path / "cmp")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    (tmp_path / "png").mkdir()
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(out / "compare.qgs"), str(tmp_path / "png")],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True
    assert result["themes"] == {name: [DRAWN[name], sorted([RUNS_GROUP, f"{RUNS_GROUP}/{name}"])]
                                for name in OWN}
    root = parse((out / "compare.qgs").read_text(encoding="utf-8"))
    names = {n.findtext("id"): n.findtext("layername") for n in root.findall("projectlayers/maplayer")}
    assert list(result["layouts"]) == ["small (baseline)", "b"]
    for name, own in OWN.items():
        seen = result["layouts"][name]
        assert seen["follows"] == [True, name]
        assert seen["drawn"] == DRAWN[name]
        assert seen["title"] == item(layouts(root)[name], "title").get("labelText")
        tops = [text.split("\n")[0] for depth, text in seen["legend"] if depth == 0]  # a size note under a name
        # keyed by their plain titles: the run's "<label>: " of the layer panel left out (its title names the run)
        label = name.removesuffix(" (baseline)")
        assert tops == [capitalised(names[i].removeprefix(f"{label}: ")) if names[i].startswith(f"{label}: ")
                        else names[i] for i in [*own, *UNDER]]
        assert seen["exported"] is True
    images = {name: (tmp_path / "png" / f"{name}.png").read_bytes() for name in OWN}
    assert all(data.startswith(b"\x89PNG") for data in images.values())
    assert images["b"] != images["small (baseline)"]
    assert result["after"] == [["small (baseline)", False], ["b", True]]
    assert result["shown"] == [*OWN["b"], *UNDER]


def test_each_sheet_states_its_projection_as_plan_qgs_does(small_compare_run: MadeRun):
    """A sheet printed from compare.qgs names its projection on its source line, as plan.qgs's
    sheet does: a PDF of one run's map carries its coordinate system with it."""
    out = small_compare_run.out
    own = item(parse((out / "small" / "plan.qgs").read_text(encoding="utf-8")).find("Layouts/Layout"),
               "source").get("labelText", "")
    (projection,) = [part for part in own.split(". ") if part.startswith("Projection: ")]
    for name, layout in layouts(parse((out / "compare.qgs").read_text(encoding="utf-8"))).items():
        assert f"{projection}." in item(layout, "source").get("labelText", ""), name
