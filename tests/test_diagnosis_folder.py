"""The diagnosis folder of a run without a plan (siting/deliver/explore.py): conflicts.png's
labels, legend and rules keep clear of each other and of the map, and its legend keys every
symbol drawn; conflicts.md says how the diagnosis was made (scenario file, variant, settings
given, input files with their SHA-256, versions), as a plan's manifest.json does; and a refused
output folder does not hide the problems of the input (siting/runs/job.py `run_solve`).

The shipped case is the reviewer's: a 30 km red-line buffer, where the five Yuxi sites and the
prospective Xiaoshiqiao lithium clay source, 15.9 km from the Yuxi high-tech zone, crowd one
corner of the map. The small scenario (tests/data/small): clusters West and East, sites w_lake
and w_mine in West, the lake's 1 km buffer reaching into West, the source rock_w."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.transforms import Bbox
from test_outputs_names import two_rules

from siting.cli import main
from siting.config.errors import OutputFolderError
from siting.deliver.explore import (
    CONFLICT_ROLES,
    UNNAMED_CLUSTER,
    conflict_layers,
    conflicts_figure,
    drawing_style,
    rule_numbers,
)
from siting.deliver.folders import MARKER, write_folder_atomically
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance
from siting.prepare.problem import Prepared, prepare, redline_settings
from tests.conftest import SHIPPED, MadeRun, edit

REDLINE_30KM = (("constraints.redline.buffer_m", 30000),)


@pytest.fixture(scope="module")
def shipped_30km() -> Prepared:
    """The shipped scenario with a 30 km red-line buffer, preprocessed (no solve)."""
    return prepare(SHIPPED, {}, None, REDLINE_30KM)


@pytest.fixture
def small(folder: Path) -> Prepared:
    return prepare(folder / "scenario.yaml", {})


def yuxi_rules() -> Diagnosis:
    """Three of the reviewer's rules: rule 1 Yuxi's land (its five sites), rule 2 the red line
    keeping LFP out of four of them, rule 3 lithium clay within 100 km (the five sites, and the
    Xiaoshiqiao source a prospective source left out)."""
    five = ("yuxi_longquan", "yimen", "huaning", "jiangchuan", "tonghai")
    return Diagnosis((
        Conflict(RuleInstance("land", ("yuxi",)), "Yuxi's 5 candidate sites have 512 ha of usable land",
                 "layers.sites.usable_area_field", sites=five, clusters=("yuxi",)),
        Conflict(RuleInstance("redline", ("yuxi", "lfp")), "the red line keeps LFP out of 4 of Yuxi's 5 sites",
                 "constraints.redline.buffer_m=30000", sites=five[:1] + five[2:], clusters=("yuxi",),
                 redline_products=("lfp",)),
        Conflict(RuleInstance("proximity", ("yuxi", "lithium_clay")),
                 "Li2CO3 needs lithium clay within 100 km of a producing source",
                 "constraints.proximity.max_distance_km.lithium_clay=100", sites=five, clusters=("yuxi",),
                 sources=("lithium_xiaoshiqiao",)),
    ), irreducible=True)


def drawn(prepared: Prepared, diagnosis: Diagnosis) -> tuple[Any, Any, Any]:
    """conflicts.png's figure of `diagnosis`, drawn (as saved) in its style: (figure, map axes,
    renderer). Extents must be measured inside `drawing_style`, as the figure was laid out."""
    areas, points = conflict_layers(diagnosis, prepared.spatial, redline_settings(prepared.loaded), prepared.names)
    figure = conflicts_figure(diagnosis, prepared.spatial, areas, points, "rules that cannot be met together")
    figure.canvas.draw()
    return figure, figure.axes[0], figure.canvas.get_renderer()


def labels_of(ax: Any) -> list[Any]:
    """The texts drawn on the map: its places' labels, the clusters' names, the north arrow's "N"
    and the scale bar's numbers (leader lines are annotations without text)."""
    return [t for t in ax.texts if t.get_text()]


# --- 1. conflicts.png ----------------------------------------------------------------------------

def test_rule_numbers_give_a_run_of_three_or_more_as_its_ends():
    assert [rule_numbers(n) for n in ([1], [1, 2], [2, 3, 4, 12], [2, 12], list(range(2, 13)), [3, 1, 2, 2])] == [
        "1", "1, 2", "2-4, 12", "2, 12", "2-12", "1-3"]


def test_conflicts_png_labels_do_not_overlap_where_the_yuxi_places_crowd(shipped_30km: Prepared):
    """Every label, the clusters' names, the north arrow and the scale bar's numbers and unit: no
    two of their boxes, as drawn, share a pixel, and each lies inside the map's frame. Drawn at an
    offset of 4 points up and right of its mark, the source's long label ran over the Yuxi
    high-tech zone's, 15.9 km (some 13 pixels) to its east; the scale bar's "km", a share of the
    map's width right of the bar, reached into its "50" (siting/deliver/mapplot.py
    `draw_scale_bar`)."""
    with drawing_style():
        _figure, ax, renderer = drawn(shipped_30km, yuxi_rules())
        texts = labels_of(ax)
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
        frame = ax.get_window_extent(renderer)
    assert sorted(text for text, _box in boxes if text.endswith(")")) == [
        "Huaning county (1-3)", "Jiangchuan district (1-3)", "Tonghai county (1-3)",
        "Xiaoshiqiao clay-type lithium (Hongta, Yuxi) (3)", "Yimen county (1, 3)", "Yuxi high-tech zone (1-3)"]
    assert {"Kunming", "Yuxi", "Qujing", "N", "km"} <= {text for text, _box in boxes}
    bar = [(text, box) for text, box in boxes if text in ("0", "25", "50", "km")]  # the scale bar's own texts
    assert [text for text, _box in bar] == ["0", "25", "50", "km"]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (a, b)
    for text, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, text


def test_conflicts_png_labels_keep_off_the_other_places_marks(shipped_30km: Prepared):
    """No label's box reaches into the square (the mark's radius about its centre) of a mark it
    does not belong to: a triangle or a square stays in view."""
    with drawing_style():
        _figure, ax, renderer = drawn(shipped_30km, yuxi_rules())
        radius = math.sqrt(60.0) / 2 * renderer.points_to_pixels(1.0)
        marks = {tuple(ax.transData.transform(xy)) for c in ax.collections if c.get_zorder() == 5
                 for xy in c.get_offsets()}
        labels = [(tuple(ax.transData.transform(t.xy)), t.get_window_extent(renderer)) for t in ax.texts
                  if t.get_text().endswith(")")]
    assert len(marks) == 6 and len(labels) == 6
    for own, box in labels:
        for x, y in marks - {own}:
            assert box.x1 <= x - radius or box.x0 >= x + radius or box.y1 <= y - radius or box.y0 >= y + radius


def test_conflicts_png_legend_stands_beside_the_map_and_the_rules_under_it(shipped_30km: Prepared):
    """The legend is to the right of the map's frame, clear of the frame, of every polygon drawn
    (the extent of each cluster and red-line zone of the rules, and of the clusters) and of the
    title; the rules hang under it, clear of it, within the page (grown at the bottom where they
    need it). Before, the legend stood in the map's lower left corner, over the red Yuxi cluster."""
    diagnosis = yuxi_rules()
    areas, _points = conflict_layers(diagnosis, shipped_30km.spatial, redline_settings(shipped_30km.loaded),
                                     shipped_30km.names)
    geometries = [*areas.frame.to_crs(shipped_30km.spatial.clusters.crs).geometry,
                  *shipped_30km.spatial.clusters.geometry]
    with drawing_style():
        figure, ax, renderer = drawn(shipped_30km, diagnosis)
        legend_box = ax.get_legend().get_window_extent(renderer)
        frame = ax.get_window_extent(renderer)
        polygons = [Bbox(ax.transData.transform(np.reshape(g.bounds, (2, 2)))) for g in geometries]
        (rules,) = [t for t in figure.artists if t.get_text().startswith("1. ")]
        rules_box = rules.get_window_extent(renderer)
        (title,) = [t.get_window_extent(renderer) for t in figure.texts
                    if t.get_text() == "rules that cannot be met together"]
    assert [area["role"] for _i, area in areas.frame.iterrows()] == ["cluster", "cluster", "redline_zone",
                                                                     "cluster"]
    assert legend_box.x0 > frame.x1
    assert any(box.overlaps(frame) for box in polygons)
    for box in [frame, *polygons, title]:
        assert not legend_box.overlaps(box)
    assert rules_box.y1 < legend_box.y0 and rules_box.x0 > frame.x1
    assert rules_box.y0 > 0 and rules_box.x1 < figure.bbox.x1
    assert rules.get_text().splitlines()[0] == "1. Yuxi's 5 candidate sites have 512 ha of usable land"


def fill(colours: Any) -> tuple[float, ...] | str:
    """A collection's or a legend key's fill colour, "none" for none (a transparent key)."""
    colours = np.atleast_2d(colours)
    return "none" if not len(colours) or colours[0][3] == 0 else tuple(colours[0])


def test_conflicts_png_legend_keys_every_kind_of_symbol_drawn(small: Prepared):
    """two_rules: West named by rule 1 (red), East by none (pale), the lake's zone in West
    (hatched), the sites w_lake and w_mine (triangles), the source rock_w (a square, keyed by its
    resource, phosphate rock): five kinds, each keyed, in the order drawn, by a key drawn as the
    map draws it."""
    with drawing_style():
        _figure, ax, _renderer = drawn(small, two_rules())
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        UNNAMED_CLUSTER, CONFLICT_ROLES["cluster"], CONFLICT_ROLES["redline_zone"], CONFLICT_ROLES["site"],
        "Source of a conflicting rule: phosphate rock"]
    drawn_kinds = sorted((c for c in ax.collections if c.get_zorder() in (0, 2, 3, 5)), key=lambda c: c.get_zorder())
    keys = legend.legend_handles
    assert len(drawn_kinds) == len(keys) == 5
    for key, kind in zip(keys, drawn_kinds, strict=True):
        assert fill(key.get_facecolor()) == fill(kind.get_facecolor())
        assert fill(key.get_edgecolor()) == fill(kind.get_edgecolor())
        assert key.get_hatch() == kind.get_hatch()
    assert [fill(k.get_facecolor()) for k in keys[2:3]] == ["none"] and keys[2].get_hatch() == "////"
    assert [k.get_paths()[0] == c.get_paths()[0] for k, c in zip(keys[3:], drawn_kinds[3:], strict=True)] == [
        True, True]  # the triangle and the square


def test_conflicts_png_keys_no_pale_cluster_when_every_cluster_is_named(small: Prepared):
    """Both clusters named by a rule: no pale cluster shows, and none is keyed; no zone, no
    source: neither is keyed."""
    both = Diagnosis((Conflict(RuleInstance("cluster_value_share", ("west",)), "West must take 20%", "x",
                               clusters=("west", "east"), sites=("e_city",)),), irreducible=True)
    with drawing_style():
        _figure, ax, _renderer = drawn(small, both)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [CONFLICT_ROLES["cluster"], CONFLICT_ROLES["site"]]


# --- 2. conflicts.md: how the diagnosis was made ----------------------------------------------

def test_conflicts_md_says_how_the_diagnosis_was_made_as_a_plan_manifest_does(folder: Path, small_run: MadeRun,
                                                                               capsys: pytest.CaptureFixture[str]):
    """The small scenario with a variant asking 200 GWh/yr of cells (more than its land can
    take: no plan, found before solving) and two settings given. The input files and their
    SHA-256, the working CRS and the versions are those the plan manifest of the same inputs
    gives (conftest's `small_run`), but for the scenario file, which the variant changed; the
    settings as given, in their order; nothing that differs from run to run."""
    scenario = folder / "scenario.yaml"
    variant = "variants:\n  big_cells:\n    targets: {capacity: {cells: {2024: 200}}}\n"
    scenario.write_text(scenario.read_text() + variant)
    out = folder / "out"
    assert main(["solve", str(scenario), "--variant", "big_cells", "--set", "constraints.redline.buffer_m=500",
                 "--set", "constraints.redline.categories=[lake]", "--out", str(out)]) == 1
    assert "no plan: the plan is infeasible before solving" in capsys.readouterr().err
    plan = json.loads((small_run.out / "manifest.json").read_text())
    hashes = dict(plan["input_sha256"], scenario=hashlib.sha256(scenario.read_bytes()).hexdigest())
    assert list(hashes) == ["scenario", "catalog", "committed_projects", "clusters", "redline", "sites", "sources"]
    files = "".join(f"| {role} | `{plan['inputs'][role]}` | `{digest}` |\n" for role, digest in hashes.items())
    versions = "".join(f"| {name} | {version} |\n" for name, version in plan["versions"].items())
    report = (out / "conflicts.md").read_text()
    section = report[report.index("## How this diagnosis was made"):]
    assert section == (
        "## How this diagnosis was made\n\n"
        "Scenario file `scenario.yaml`, its variant `big_cells`.\n\n"
        "Settings given for this run on top of the scenario file's variant `big_cells`, applied in this order:\n\n"
        "| setting | value |\n|---|---|\n"
        "| `constraints.redline.buffer_m` | `500` |\n"
        "| `constraints.redline.categories` | `[\"lake\"]` |\n\n"
        "Input files (relative to the scenario file) and their SHA-256, as a plan's manifest.json gives them "
        "(`inputs`, `input_sha256`):\n\n"
        "| input | file | SHA-256 |\n|---|---|---|\n" + files + "\n"
        "Where each figure is measured. Working CRS: EPSG:32648 (WGS 84 / UTM zone 48N). Distances between places "
        "(site to source, site to hub, hub to hub and to the gateway) are geodesics on its ellipsoid (WGS 84); road km "
        "are these times the detour factor. Drawn areas (a site's footprint, a red-line polygon's or zone's km2) are "
        "measured on that ellipsoid too. Red-line buffers and setbacks, the share of a site's land they leave, and "
        "the red-line margins of the positional check are measured in the working CRS itself (metres).\n\n"
        "Software versions:\n\n"
        "| software | version |\n|---|---|\n" + versions)
    assert report.index("## Map") < report.index("## How this diagnosis was made")


def test_conflicts_md_says_when_no_setting_was_given(folder: Path, capsys: pytest.CaptureFixture[str]):
    """The scenario file as it is (200 GWh/yr of cells written in it), no variant."""
    edit(folder / "scenario.yaml", "cells: {2024: 10}", "cells: {2024: 200}")
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 1
    capsys.readouterr()
    report = (out / "conflicts.md").read_text()
    assert ("## How this diagnosis was made\n\nScenario file `scenario.yaml`, its base scenario (no variant).\n\n"
            "No setting was given on top of the scenario file: the diagnosis is that of the input files below, as "
            "they are.\n\nInput files") in report


# --- 3. a refused output folder and the problems of the input ------------------------------------

FOREIGN = ("--out | the output folder was written by siting but now also holds mine.txt, which siting did not write "
           "(got {out}); move those files out of the folder, or choose another folder: a run never deletes a file it "
           "did not write")
CATEGORY = ("scenario.yaml: --set constraints.redline.categories | unknown red-line category (got 'nope'); choose one "
            "of: lake")
NEGATIVE = ("scenario.yaml: --set constraints.redline.buffer_m | must be greater than or equal to 0 (got -3); give a "
            "value in that range, in m")


@pytest.fixture
def foreign(folder: Path) -> Path:
    """folder/out: an output folder siting wrote (marked), with a file of the user's put in it."""
    out = folder / "out"
    write_folder_atomically(out, {"conflicts.md": "# Why small has no plan\n"})
    (out / "mine.txt").write_text("the user's notes\n")
    return out


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def refused(folder: Path, out: Path, setting: str, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> str:
    """`siting solve scenario.yaml --set <setting> --out <out>` run from `folder`, with solving
    made to fail, and preparing too where `out` exists (a refused folder's run prepares nothing):
    exit 2, `out` as it was (or still missing); the message."""
    monkeypatch.chdir(folder)
    for step in ("prepare", "solve_prepared") if out.exists() else ("solve_prepared",):
        monkeypatch.setattr(f"siting.runs.job.{step}", lambda *_a, _step=step, **_k: pytest.fail(f"a refused run "
                                                                                                  f"ran {_step}"))
    before = contents(out) if out.exists() else None
    assert main(["solve", "scenario.yaml", "--set", setting, "--out", out.name]) == 2
    assert (contents(out) if out.exists() else None) == before
    return capsys.readouterr().err


def test_a_refused_folder_and_a_layer_check_s_problem_are_reported_together(folder: Path, foreign: Path,
                                                                           capsys: pytest.CaptureFixture[str],
                                                                           monkeypatch: pytest.MonkeyPatch):
    """The category is checked against the red-line layer (after loading the scenario), the folder
    before the layers were read: the folder's refusal hid it."""
    err = refused(folder, foreign, "constraints.redline.categories=[lake, nope]", capsys, monkeypatch)
    assert err == ("error: 2 problems in the input and with the output folder:\n"
                   f"  - {CATEGORY}\n  - {FOREIGN.format(out='out')}\n")


def test_a_refused_folder_and_a_scenario_problem_are_reported_together(folder: Path, foreign: Path,
                                                                       capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch):
    """A setting the schema refuses stopped the run before the folder was looked at."""
    err = refused(folder, foreign, "constraints.redline.buffer_m=-3", capsys, monkeypatch)
    assert err == ("error: 2 problems in the input and with the output folder:\n"
                   f"  - {NEGATIVE}\n  - {FOREIGN.format(out='out')}\n")


def test_the_scenario_s_own_output_folder_is_checked_beside_a_scenario_problem(folder: Path,
                                                                               capsys: pytest.CaptureFixture[str],
                                                                               monkeypatch: pytest.MonkeyPatch):
    """No --out: the scenario's output.folder, given as `.` (the folder of the inputs), is
    refused beside the schema's problem, and named by its setting."""
    monkeypatch.chdir(folder)
    before = contents(folder)
    assert main(["solve", "scenario.yaml", "--set", "constraints.redline.buffer_m=-3", "--set", "output.folder=."]) == 2
    assert contents(folder) == before
    assert capsys.readouterr().err == (
        "error: 2 problems in the input and with the output folder:\n"
        f"  - {NEGATIVE}\n"
        "  - scenario.yaml: --set output.folder | the output folder holds catalog.yaml, an input of this run (got .); "
        "choose a folder outside the folders that hold the scenario, its bases, the catalog and the layers\n")


def test_either_problem_alone_is_reported_as_before(folder: Path, foreign: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch):
    """A fresh folder: the input's problem alone; a good input: the folder's problem alone, as an
    OutputFolderError for a Python caller."""
    err = refused(folder, folder / "fresh", "constraints.redline.categories=[lake, nope]", capsys, monkeypatch)
    assert err == f"error: 1 problem in the input:\n  - {CATEGORY}\n"
    assert not (folder / "fresh").exists()
    err = refused(folder, foreign, "constraints.redline.buffer_m=500", capsys, monkeypatch)
    assert err == f"error: 1 problem with the output folder:\n  - {FOREIGN.format(out='out')}\n"
    import siting

    with pytest.raises(OutputFolderError) as caught:
        siting.run("scenario.yaml", "out", overrides={"constraints.redline.categories": ["lake", "nope"]})
    assert caught.value.problems == [CATEGORY.replace("--set ", "overrides "),
                                     FOREIGN.replace("--out", "out").format(out="out")]
    assert (foreign / MARKER).is_file()
