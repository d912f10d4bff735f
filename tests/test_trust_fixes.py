"""Inputs a new user broke, each refused with exit 2 and a whole message naming the file and the
field, without a traceback and without creating a folder: non-finite and unclosed geometry,
figures too large for the solver, faults in variants that are not selected, booleans given as
numbers. And the output-folder rule: a marked folder lists the files the tool wrote, and a run
never deletes a file the user put into it.

Each case is a copy of tests/data/small with one fault; each message is matched whole."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.deliver.folders import MARKER, MARKER_TEXT, marked_sha256
from tests.conftest import MadeRun, copied

DATA = Path(__file__).parent / "data" / "small"
PROBLEM = "error: 1 problem in the input:\n  - "
FOLDER_PROBLEM = "error: 1 problem with the output folder:\n  - "
#: The files a solve of the small scenario writes, as its marker lists them.
SOLVE_FILES = ["capacity.csv", "clusters.geojson", "clusters.qml", "costs.csv", "flows.geojson", "flows.qml",
               "hubs.geojson", "hubs.qml", "manifest.json", "map.png", "plan.csv", "plan.gpkg", "plan.qgs",
               "product_flows.csv", "product_flows.geojson", "product_flows.qml", "raw_imports.csv",
               "redline.geojson", "redline.qml", "redline_zones.geojson", "redline_zones.qml", "report.html",
               "report.md", "sites.geojson", "sites.qml", "sources.geojson", "sources.qml", "stranded.csv",
               "targets.csv", "trade.csv"]
FOREIGN_FIX = ("move those files out of the folder, or choose another folder: a run never deletes a file it did not "
               "write")
TOO_LARGE = "beyond it the solver's tolerances cannot tell the plan's figures apart"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "small"
    shutil.copytree(DATA, target)
    return target


def hashes(root: Path) -> dict[str, str]:
    """Every file and folder under `root` by relative path: a file's SHA-256, or "dir"."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def refused(folder: Path, capsys, *args: str) -> str:
    """Solve the scenario expecting exit 2, no traceback, and every file as it was (no folder
    created); the message with the folder's path taken out."""
    before = hashes(folder.parent)
    code = main(["solve", str(folder / "scenario.yaml"), *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert hashes(folder.parent) == before
    return err.replace(f"{folder}/", "")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def edit_geometry(path: Path, change: Callable[[list], None], feature: int = 0) -> None:
    """Change the coordinates of one feature of a GeoJSON file (NaN and Infinity written as
    JavaScript literals, as some tools write them)."""
    data = json.loads(path.read_text())
    change(data["features"][feature]["geometry"]["coordinates"])
    path.write_text(json.dumps(data, allow_nan=True))


# ---------------------------------------------------------------------------------------------
# 1, 2. geometry that GEOS cannot build or use


def set_point_x(value: float) -> Callable[[list], None]:
    def change(coordinates: list) -> None:
        coordinates[0] = value
    return change


def set_vertex(ring_index: int, value: float) -> Callable[[list], None]:
    def change(coordinates: list) -> None:
        coordinates[0][ring_index][0] = value
    return change


@pytest.mark.parametrize(("layer", "feature", "change", "named"), [
    ("sites.geojson", 0, set_point_x(float("nan")), "the 1st feature (site_id 'w_mine')"),
    # the first vertex: the ring no longer closes when GDAL builds it, and GEOS refuses it
    ("redline.geojson", 0, set_vertex(0, float("inf")), "the 1st feature (zone_id 'lake')"),
    ("clusters.geojson", 0, set_vertex(0, float("nan")), "the 1st feature (cluster_id 'west')"),
    # a middle vertex: the ring still closes, and the repair would fail on it
    ("redline.geojson", 0, set_vertex(1, float("nan")), "the 1st feature (zone_id 'lake')"),
    ("clusters.geojson", 1, set_vertex(2, float("-inf")), "the 2nd feature (cluster_id 'east')"),
], ids=["nan_site_point", "inf_first_redline_vertex", "nan_first_cluster_vertex", "nan_middle_redline_vertex",
        "minus_inf_middle_cluster_vertex"])
def test_non_finite_coordinate_names_the_file_and_the_feature(folder: Path, capsys, layer: str, feature: int,
                                                             change: Callable[[list], None], named: str):
    edit_geometry(folder / layer, change, feature)
    assert refused(folder, capsys).endswith(PROBLEM + (
        f"{layer}: geometry | {named} has a non-finite coordinate; use finite numbers for every coordinate\n"))


def test_unclosed_ring_names_the_file_and_the_feature(folder: Path, capsys):
    """The lake's ring loses its closing vertex: GDAL reads it, GEOS cannot build it."""
    edit_geometry(folder / "redline.geojson", lambda coordinates: coordinates[0].pop())
    assert refused(folder, capsys).endswith(PROBLEM + (
        "redline.geojson: geometry | the 1st feature (zone_id 'lake') has an unclosed ring; end every ring at its "
        "first point\n"))


# ---------------------------------------------------------------------------------------------
# 3. figures too large for the solver


def test_capex_beyond_1e15_yuan_is_refused(folder: Path, capsys):
    edit(folder / "catalog.yaml", "capex_yuan: 1000000000,", "capex_yuan: 1.0e300,")
    assert refused(folder, capsys) == PROBLEM + (
        f"catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capex_yuan "
        "| must be at most 1e15 (1e15 yuan is the largest "
        f"money figure the model takes): {TOO_LARGE} (got 1.0e300); give a smaller value, or the figure in larger "
        "units\n")


def test_capex_of_1e15_yuan_is_accepted(folder: Path):
    edit(folder / "catalog.yaml", "capex_yuan: 1000000000,", "capex_yuan: 1.0e15,")
    loaded = load_scenario(folder / "scenario.yaml")
    assert loaded.catalog.products["lfp"].modules[0].capex_yuan == 1e15


def test_target_beyond_1e12_is_refused(folder: Path, capsys):
    edit(folder / "scenario.yaml", "cathode: {2024: 120000}", "cathode: {2024: 1.0e308}")
    assert refused(folder, capsys) == PROBLEM + (
        f"scenario.yaml:18: targets.capacity.cathode.2024 | must be at most 1e12 (1e12 is the largest quantity the "
        f"model takes): {TOO_LARGE} (got 1.0e308); give a smaller value, or the figure in larger units\n")


@pytest.mark.parametrize(("written", "set_value", "shown"), [
    ("2e13", "2e13", "2e13"),
    ("100000000000000000000000", "100000000000000000000000", "100000000000000000000000"),
    ("20_000_000_000_000", "20_000_000_000_000", "20_000_000_000_000"),
    ("'2e13'", "'2e13'", "'2e13'"),
], ids=["exponent", "digits", "grouped", "quoted"])
def test_a_figure_beyond_its_bound_is_named_as_typed(folder: Path, capsys, written: str, set_value: str, shown: str):
    """A figure above MAX_QUANTITY is named as the file or --set writes it, as every other refused
    figure is (docs/USAGE.md: `--set constraints.redline.buffer_m=-1e3`: `(got -1e3)`), not as Python
    formats the float it reads (2e+13, 1e+23), and one in quotes with its quotes."""
    message = ("constraints.redline.buffer_m | must be at most 1e12 (1e12 is the largest quantity the model "
               f"takes): {TOO_LARGE} (got {shown}); give a smaller value, or the figure in larger units")
    assert refused(folder, capsys, "--set", f"constraints.redline.buffer_m={set_value}") == (
        f"{PROBLEM}scenario.yaml: --set {message}\n")
    edit(folder / "scenario.yaml", "buffer_m: 1000", f"buffer_m: {written}")
    assert refused(folder, capsys) == f"{PROBLEM}scenario.yaml:21: {message}\n"


@pytest.mark.parametrize("sign", ["", "-"])
def test_a_whole_number_of_more_digits_than_a_float_holds_is_too_large_not_no_number(folder: Path, capsys,
                                                                                      sign: str):
    """A 1 and 400 zeros is a number, too large for any float: refused as too large, not as "must
    be a number ... write the number alone", in a file as with --set; its negative likewise, whose
    size is what no float holds (not "above" the limit)."""
    huge = sign + "1" + "0" * 400
    message = (f"constraints.redline.buffer_m | too large in size for any number, beyond -1.8e308 to 1.8e308 "
               f"(got {huge}); give a smaller value, or the figure in larger units")
    assert refused(folder, capsys, "--set", f"constraints.redline.buffer_m={huge}") == (
        f"{PROBLEM}scenario.yaml: --set {message}\n")
    edit(folder / "scenario.yaml", "buffer_m: 1000", f"buffer_m: {huge}")
    assert refused(folder, capsys) == f"{PROBLEM}scenario.yaml:21: {message}\n"


@pytest.mark.parametrize(("where", "old", "new", "message"), [
    ("scenario.yaml", "site_fixed_cost_yuan: 1.0e8", "site_fixed_cost_yuan: 2.0e15",
     "scenario.yaml:30: constraints.agglomeration.site_fixed_cost_yuan | must be at most 1e15 (1e15 yuan is the "
     f"largest money figure the model takes): {TOO_LARGE} (got 2.0e15)"),
    ("scenario.yaml", "transport_yuan_per_t_km: 0.5", "transport_yuan_per_t_km: 1.0e16",
     "scenario.yaml:24: constraints.supply.transport_yuan_per_t_km | must be at most 1e15 (1e15 yuan is the "
     f"largest money figure the model takes): {TOO_LARGE} (got 1.0e16)"),
    ("scenario.yaml", "buffer_m: 1000", "buffer_m: 1.0e13",
     "scenario.yaml:21: constraints.redline.buffer_m | must be at most 1e12 (1e12 is the largest quantity the "
     f"model takes): {TOO_LARGE} (got 1.0e13)"),
    ("catalog.yaml", "capacity: 50000,", "capacity: 1.0e13,",
     "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity "
     "| must be at most 1e12 (1e12 is the largest quantity the "
     f"model takes): {TOO_LARGE} (got 1.0e13)"),
    ("catalog.yaml", "land_ha: 10}", "land_ha: 1.0e13}",
     "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).land_ha "
     "| must be at most 1e12 (1e12 is the largest quantity the "
     f"model takes): {TOO_LARGE} (got 1.0e13)"),
], ids=["site_fixed_cost", "transport_cost", "buffer", "module_capacity", "module_land"])
def test_other_figures_beyond_their_bound(folder: Path, where: str, old: str, new: str, message: str):
    edit(folder / where, old, new)
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml")
    assert [p.replace(f"{folder}/", "") for p in err.value.problems] == [
        message + "; give a smaller value, or the figure in larger units"]


@pytest.mark.parametrize(("layer", "prop", "field"), [
    ("sites.geojson", "usable_area_ha", "usable_area_ha"),
    ("sites.geojson", "existing_lfp", "existing_lfp"),
    ("sources.geojson", "supply_t_per_yr", "supply_t_per_yr"),
])
def test_layer_attribute_beyond_1e12_is_refused(folder: Path, capsys, layer: str, prop: str, field: str):
    data = json.loads((folder / layer).read_text())
    data["features"][0]["properties"][prop] = 1e308
    id_field = "site_id" if layer == "sites.geojson" else "source_id"
    feature = data["features"][0]["properties"][id_field]
    (folder / layer).write_text(json.dumps(data))
    err = refused(folder, capsys)
    assert err.endswith(PROBLEM + (
        f"{layer}: field '{field}' | too large for the 1st feature ({id_field} '{feature}') (got 1e+308): it must "
        f"be at most 1e12 (1e12 is the largest quantity the model takes): {TOO_LARGE}; give a smaller value\n"))


# ---------------------------------------------------------------------------------------------
# 4. every variant is checked at every load


def test_typo_in_a_variant_not_selected_is_refused(folder: Path, capsys):
    (folder / "scenario.yaml").write_text((folder / "scenario.yaml").read_text()
                                          + "variants:\n  wide:\n    constraints: {redline: {bufer_m: 2000}}\n")
    assert refused(folder, capsys) == PROBLEM + (
        "scenario.yaml:41: variants.wide.constraints.redline.bufer_m | overrides a key the base scenario does not "
        "have; did you mean 'buffer_m'?\n")


def test_a_variant_may_not_set_extends(folder: Path, capsys):
    (folder / "scenario.yaml").write_text((folder / "scenario.yaml").read_text()
                                          + "variants:\n  v:\n    extends: other.yaml\n")
    expected = PROBLEM + (
        "scenario.yaml:41: variants.v.extends | a variant may not set extends (got 'other.yaml'); set extends at the "
        "top of the scenario file, or make the variant a scenario file of its own\n")
    assert refused(folder, capsys) == expected
    assert refused(folder, capsys, "--variant", "v") == expected


# ---------------------------------------------------------------------------------------------
# 5. a boolean is not a number


def test_boolean_buffer_in_the_scenario_is_refused(folder: Path, capsys):
    edit(folder / "scenario.yaml", "buffer_m: 1000", "buffer_m: true")
    assert refused(folder, capsys) == PROBLEM + (
        "scenario.yaml:21: constraints.redline.buffer_m | must be a number, not true/false (got true); give a "
        "number, in m, e.g. 500\n")


def test_boolean_buffer_on_the_command_line_is_refused(folder: Path, capsys):
    assert refused(folder, capsys, "--set", "constraints.redline.buffer_m=true") == PROBLEM + (
        "scenario.yaml: --set constraints.redline.buffer_m | must be a number, not true/false (got true); give a "
        "number, in m, e.g. 500\n")


def test_boolean_sweep_value_is_refused_before_any_folder(folder: Path, capsys):
    before = hashes(folder.parent)
    code = main(["sweep", str(folder / "scenario.yaml"), "--set", "constraints.redline.buffer_m=true,500",
                 "--out", str(folder.parent / "sweep")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert hashes(folder.parent) == before
    assert ("--set constraints.redline.buffer_m | must be a number, not true/false (got true); give a number, in m, "
            "e.g. 500") in err


@pytest.mark.parametrize(("where", "old", "new", "key", "fix"), [
    ("catalog.yaml", "land_ha: 10}", "land_ha: true}", "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).land_ha",
     ", in ha, e.g. 20"),
    ("scenario.yaml", "years: [2023, 2024]", "years: [2023, true]", "scenario.yaml:3: years[1]", ""),
    ("scenario.yaml", "rel_gap: 0", "rel_gap: false", "scenario.yaml:34: solver.rel_gap",
     ", as a share, e.g. 0.05 for 5 %"),
], ids=["catalog_land", "year", "rel_gap"])
def test_boolean_refused_for_other_numbers(folder: Path, where: str, old: str, new: str, key: str, fix: str):
    """A true/false given for a number is refused with the fix a value that is no number gets: the
    number's unit and an example in it (none for a year)."""
    edit(folder / where, old, new)
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml")
    shown = "true" if new.count("true") or new.count("yes") else "false"
    assert [p.replace(f"{folder}/", "") for p in err.value.problems] == [
        f"{key} | must be a number, not true/false (got {shown}); give a number{fix}"]


# ---------------------------------------------------------------------------------------------
# 6. output folders: the marker lists what the tool wrote; nothing else is ever deleted


def solve(folder: Path, out: Path, capsys) -> None:
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 0, capsys.readouterr().err
    capsys.readouterr()


def test_marker_lists_the_files_written_and_stays_byte_identical(small_run: MadeRun, folder: Path, capsys):
    """The first run's folder is a copy of conftest's `small_run`; the second run is this test's."""
    out = copied(small_run.out, folder.parent / "out")
    marker = (out / MARKER).read_text()
    assert marker == MARKER_TEXT + "".join(f"{marked_sha256(out / name)}  {name}\n" for name in SOLVE_FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, *SOLVE_FILES])
    solve(folder, out, capsys)
    assert (out / MARKER).read_text() == marker


def test_file_put_into_an_output_folder_is_kept_and_the_run_refused(small_run: MadeRun, folder: Path, capsys):
    """The run's folder is a copy of conftest's `small_run`."""
    out = copied(small_run.out, folder.parent / "out")
    (out / "my_analysis.txt").write_text("the user's notes")
    err = refused(folder, capsys, "--out", str(out))
    assert err == FOLDER_PROBLEM + (
        f"--out | the output folder was written by siting but now also holds my_analysis.txt, which siting did not "
        f"write (got {out}); {FOREIGN_FIX}\n")
    assert (out / "my_analysis.txt").read_text() == "the user's notes"


def test_refusal_names_five_foreign_files_and_counts_the_rest(small_run: MadeRun, folder: Path, capsys):
    """The run's folder is a copy of conftest's `small_run`."""
    out = copied(small_run.out, folder.parent / "out")
    (out / "mine").mkdir()
    for i in range(7):
        (out / "mine" / f"note{i}.txt").write_text(str(i))
    (out / "extra.txt").write_text("x")
    err = refused(folder, capsys, "--out", str(out))
    assert err == FOLDER_PROBLEM + (
        f"--out | the output folder was written by siting but now also holds extra.txt, mine/, which siting did not "
        f"write (got {out}); {FOREIGN_FIX}\n")
    (out / "extra.txt").unlink()
    for name in ("a.csv", "b.csv", "c.csv", "d.csv", "e.csv", "f.csv"):
        (out / name).write_text(name)
    err = refused(folder, capsys, "--out", str(out))
    assert err == FOLDER_PROBLEM + (
        f"--out | the output folder was written by siting but now also holds a.csv, b.csv, c.csv, d.csv, e.csv and 2 "
        f"more, which siting did not write (got {out}); {FOREIGN_FIX}\n")


def test_file_put_into_a_run_folder_of_a_comparison_is_kept(small_twice_compare_run: MadeRun,
                                                            small_twice_compare_rerun: MadeRun, folder: Path, capsys):
    """The comparison's marker lists its runs' folders (`small/`, `small-2/`), each answering
    for its own files through its own marker. The comparison's first folder is conftest's
    `small_twice_compare_run` (`args` on another copy of the same inputs); the same command
    made again over a copy of it, unchanged, replaced it: conftest's `small_twice_compare_rerun`,
    of which the folder below is a copy."""
    first = small_twice_compare_run.out
    assert (first / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{marked_sha256(first / name)}  {name}\n" for name in ["compare.qgs", "comparison.csv", "comparison.md",
                                                                "diff.geojson", "diff.qml"]) + "small-2/\nsmall/\n"
    assert (first / "small" / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{marked_sha256(first / 'small' / name)}  {name}\n" for name in SOLVE_FILES)
    replaced = small_twice_compare_rerun.out  # a folder holding only what the tool wrote is replaced (exit 0)
    assert (replaced / "small" / "manifest.json").read_bytes() != (first / "small" / "manifest.json").read_bytes()
    out = copied(replaced, folder.parent / "cmp")
    args = ["compare", str(folder / "scenario.yaml"), str(folder / "scenario.yaml"), "--out", str(out),
            "--workers", "1"]
    (out / "small-2" / "notes.md").write_text("the user's")
    before = hashes(folder.parent)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == FOLDER_PROBLEM + (
        f"--out | the output folder was written by siting but now also holds small-2/notes.md, which siting did "
        f"not write (got {out}); {FOREIGN_FIX}\n")
    assert hashes(folder.parent) == before


def test_output_folder_gets_the_usual_permissions(folder: Path, capsys):
    previous = os.umask(0o027)
    try:
        out = folder.parent / "out"
        solve(folder, out, capsys)
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o750


def test_marker_that_lists_nothing_is_refused_and_the_folder_kept(small_run: MadeRun, folder: Path, capsys):
    """A marker of an earlier version (or edited) does not say which files siting wrote: the
    folder is kept and the run refused. The run's folder is a copy of conftest's `small_run`."""
    out = copied(small_run.out, folder.parent / "out")
    (out / MARKER).write_text("This folder was written by siting.\n")
    err = refused(folder, capsys, "--out", str(out))
    assert err == FOLDER_PROBLEM + (
        f"--out | the output folder has a {MARKER} marker, written by an earlier version or edited since, that does "
        f"not list the files siting wrote (got {out}); move out any file of yours and delete the folder, or "
        "choose another folder\n")
