"""Notes for silent gaps, and how notes and errors name sites and files.

- The red-line rule on without a red-line layer, and a proximity limit on a resource with no
  source at all, are said in notes (the plan is still one of the other rules); categories named
  without a red-line layer are refused, one problem per setting.
- "nothing can be built" names sites and products in words, as the lines after it do.
- A note names a file as the errors do on the terminal (relative to the current folder, as the
  user typed the scenario), and relative to the scenario's folder in the run's files (the
  manifest's `inputs` are), so that those do not depend on where the run started.

Messages are matched whole."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError, Notice, shown_notice
from siting.prepare.checks import nothing_buildable
from siting.prepare.problem import load_checked, prepare
from tests.conftest import edit

NO_RED_LINE = ("constraints.redline is on, but the scenario gives no red-line layer (layers.redline), so no site is "
               "excluded for the red line (buffer_m, 1000 m, keeps products from nothing) and the plan may lie in "
               "protected land; give the red-line polygons in layers.redline, or set constraints.redline.enabled: "
               "false for a plan without a red line")


def notices_of(folder: Path) -> list[str]:
    """Every notice of loading the small scenario and checking it against its layers."""
    _loaded, layers, notices = load_checked(folder / "scenario.yaml")
    return [*layers.notices, *notices]


def without_phosphate_sources(folder: Path) -> None:
    data = json.loads((folder / "sources.geojson").read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["resource"] != "phosphate_rock"]
    (folder / "sources.geojson").write_text(json.dumps(data))


# --- the red line without its layer --------------------------------------------------------------


def test_the_red_line_rule_on_without_a_red_line_layer_is_noted(folder: Path):
    edit(folder / "scenario.yaml", "  redline: {path: redline.geojson}\n", "")
    assert notices_of(folder) == [NO_RED_LINE]


def test_without_a_buffer_the_note_names_none(folder: Path):
    edit(folder / "scenario.yaml", "  redline: {path: redline.geojson}\n", "")
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 0}")
    assert notices_of(folder) == [NO_RED_LINE.replace(" (buffer_m, 1000 m, keeps products from nothing)", "")]


def test_the_red_line_rule_switched_off_without_a_layer_is_no_note(folder: Path):
    edit(folder / "scenario.yaml", "  redline: {path: redline.geojson}\n", "")
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {enabled: false}")
    assert notices_of(folder) == []


def test_categories_named_without_a_red_line_layer_are_one_problem_per_setting(folder: Path):
    edit(folder / "scenario.yaml", "  redline: {path: redline.geojson}\n", "")
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}",
         "  redline: {buffer_m: 1000, categories: [lake, forest], setbacks_m: {fepo4: {lake: 5000}, lfp: {river: 10}}}")
    with pytest.raises(InputError) as raised:
        load_checked(folder / "scenario.yaml")
    assert [p.replace(f"{folder}/", "") for p in raised.value.problems] == [
        "scenario.yaml:20: constraints.redline.categories | names red-line categories 'lake' and 'forest', but the "
        "scenario gives no red-line layer (layers.redline); give the layer, or leave constraints.redline.categories "
        "out for a plan without a red line",
        "scenario.yaml:20: constraints.redline.setbacks_m | names red-line categories 'lake' and 'river', but the "
        "scenario gives no red-line layer (layers.redline); give the layer, or leave constraints.redline.setbacks_m "
        "out for a plan without a red line"]


# --- a proximity limit on a resource no source offers --------------------------------------------


def test_a_limit_on_a_resource_the_sources_layer_lacks_is_noted(folder: Path):
    """Phosphate rock, which FePO4 draws on, has a 50 km limit and its one source is gone: every
    site lies beyond the limit (imports cannot help: the rule keeps FePO4 from being built)."""
    without_phosphate_sources(folder)
    assert notices_of(folder) == [
        "constraints.proximity.max_distance_km.phosphate_rock: the sources layer has no source of it, so every site "
        "lies beyond the limit and FePO4 (it draws on 'phosphate_rock') cannot be built anywhere; add the sources of "
        "'phosphate_rock', or remove the limit"]


def test_a_limit_without_a_sources_layer_is_noted(folder: Path):
    edit(folder / "scenario.yaml", "  sources: {path: sources.geojson}\n", "")
    assert notices_of(folder) == [
        "constraints.proximity.max_distance_km.phosphate_rock: the scenario gives no sources layer (layers.sources), "
        "so every site lies beyond the limit and FePO4 (it draws on 'phosphate_rock') cannot be built anywhere; add "
        "the sources of 'phosphate_rock', or remove the limit"]


def test_a_limit_the_rule_does_not_apply_is_no_note(folder: Path):
    without_phosphate_sources(folder)
    edit(folder / "scenario.yaml", "    max_distance_km: {phosphate_rock: 50}",
         "    enabled: false\n    max_distance_km: {phosphate_rock: 50}")
    assert notices_of(folder) == []


# --- nothing can be built: sites and products in words ------------------------------------------


def test_nothing_buildable_names_sites_and_products_in_words(folder: Path):
    """A 200 km buffer around the lake covers all four sites (tests/test_results.py): with the
    run's names each site reads as the lines after it name it, with its id for the sites layer;
    without them, by its id, products in words either way."""
    edit(folder / "scenario.yaml", "buffer_m: 1000", "buffer_m: 200000")
    prepared = prepare(folder / "scenario.yaml", {})
    head = "nothing can be built: every candidate site is excluded for every product (red line at 4 sites):\n"
    tail = "    Relax constraints.redline or constraints.proximity, or add sites or usable land"
    assert nothing_buildable(prepared.inputs, prepared.names) == head + "".join(
        f"    {site}: red line (FePO4, LFP, Cells)\n" for site in (
            "West mine park (w_mine)", "West lakeside (w_lake)", "East city (e_city)", "East far (e_far)")) + tail
    assert nothing_buildable(prepared.inputs) == head + "".join(
        f"    {site}: red line (FePO4, LFP, Cells)\n" for site in ("w_mine", "w_lake", "e_city", "e_far")) + tail


# --- files in notes: as the errors name them on the terminal, by the scenario in the files -------


def bow_tie_redline(folder: Path) -> None:
    """The lake drawn as a square whose last edge overshoots its first corner, a small loop, which
    the run repairs with a note (tests/test_bad_input.py)."""
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"] = [[[102.38, 24.88], [102.42, 24.88], [102.42, 24.92],
                                                       [102.38, 24.92], [102.3805, 24.8795], [102.38, 24.88]]]
    (folder / "redline.geojson").write_text(json.dumps(data))


REPAIR = ("repaired the invalid geometry of the 1st feature (zone_id 'lake'): Self-intersection[102.38049382716 "
          "24.88]; 17.8 km2 as drawn, 17.8 km2 repaired (in 2 parts)")


def test_a_note_names_its_file_both_ways(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """Run from the folder above the scenario's: as text, by the scenario's folder; `shown`, as
    the errors name files, relative to the current folder; both kept across processes."""
    bow_tie_redline(folder)
    monkeypatch.chdir(folder.parent)
    _loaded, layers, _notices = load_checked(Path("small/scenario.yaml"))
    notice = layers.notices[0]
    assert isinstance(notice, Notice)
    assert (str(notice), shown_notice(notice)) == (f"redline.geojson: {REPAIR}", f"small/redline.geojson: {REPAIR}")
    copied = pickle.loads(pickle.dumps(notice))
    assert (str(copied), shown_notice(copied)) == (str(notice), notice.shown)
    assert shown_notice("a note naming no file") == "a note naming no file"


def test_the_terminal_names_a_note_s_file_as_it_names_an_error_s(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]):
    """`solve small/scenario.yaml` from the folder above: an error names `small/redline.geojson`,
    and so does the note of a repair; the manifest keeps `redline.geojson`, as its `inputs` (relative
    to the scenario's folder) name the file."""
    bow_tie_redline(folder)
    monkeypatch.chdir(folder.parent)
    edit(folder / "scenario.yaml", "  detour_factor: 1.0", "  detour_factor: 1.0\n  invalid_geometry: reject")
    assert main(["solve", "small/scenario.yaml", "--out", "out"]) == 2
    assert capsys.readouterr().err.startswith("error: 1 problem in the input:\n  - small/redline.geojson: geometry | ")
    edit(folder / "scenario.yaml", "  invalid_geometry: reject", "  invalid_geometry: repair")
    assert main(["solve", "small/scenario.yaml", "--out", "out"]) == 0
    assert f"note: small/redline.geojson: {REPAIR}" in " ".join(capsys.readouterr().out.split())
    manifest = json.loads((folder.parent / "out" / "manifest.json").read_text())
    assert manifest["inputs"]["redline"] == "redline.geojson"
    assert manifest["notices"] == [f"redline.geojson: {REPAIR}"]
