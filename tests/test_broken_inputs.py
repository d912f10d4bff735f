"""Broken variants of tests/data/small, one per kind of fault, checked the same way.

Every row builds a fresh copy of the small case, breaks one thing and runs the command line.
For each it asserts:
- exit 2 (bad input), or 1 where the input is well formed but the rules conflict;
- no "Traceback" on either stream (and no exception escaping `main`);
- a message naming the file and the key or field (the row's substrings, matched without regard
  to case, all in stderr);
- no file or folder created anywhere around the case, and every file unchanged (SHA-256 of
  every file under the root before and after), so no output folder appears and no input or
  neighbouring file is lost.

The case is laid out as a user keeps it:

    root/case/scenario.yaml, catalog.yaml      the scenario (output.folder: out) and catalog
    root/case/layers/*.geojson                 the four input layers
    root/case/docs/notes.md                    the user's own notes
    root/sibling/keep.txt                      a neighbouring folder

and the command runs from root/case, so `--out ..` is root itself. Most rows call
`siting.cli.main` in this process; the rows in SUBPROCESS_ROWS also run `python cli.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"
REPO = Path(__file__).resolve().parent.parent
LAYERS = ("clusters", "sites", "redline", "sources")


# --------------------------------------------------------------------------------------------
# the case and its edits


def make_case(root: Path) -> Path:
    """Lay out the small case under `root` (see the module docstring); returns the case folder."""
    case = root / "case"
    (case / "layers").mkdir(parents=True)
    (case / "docs").mkdir()
    (root / "sibling").mkdir()
    (root / "sibling" / "keep.txt").write_text("a neighbouring folder's file\n")
    (case / "docs" / "notes.md").write_text("# my notes\n\nsite visits planned for May.\n")
    shutil.copy(DATA / "catalog.yaml", case / "catalog.yaml")
    shutil.copy(DATA / "committed_projects.yaml", case / "committed_projects.yaml")
    for name in LAYERS:
        shutil.copy(DATA / f"{name}.geojson", case / "layers" / f"{name}.geojson")
    text = (DATA / "scenario.yaml").read_text()
    for name in LAYERS:
        text = text.replace(f"{{path: {name}.geojson}}", f"{{path: layers/{name}.geojson}}")
    (case / "scenario.yaml").write_text(text)
    return case


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def edit_features(path: Path, change: Callable[[list[dict]], None]) -> None:
    data = json.loads(path.read_text())
    change(data["features"])
    path.write_text(json.dumps(data, indent=1))


def feature(features: list[dict], key: str, value: str) -> dict:
    return next(f for f in features if f["properties"][key] == value)


def set_property(layer: str, key: str, fid: str, prop: str, value: object) -> Callable[[Path], None]:
    def apply(case: Path) -> None:
        edit_features(case / "layers" / f"{layer}.geojson",
                      lambda fs: feature(fs, key, fid)["properties"].__setitem__(prop, value))
    return apply


def set_site_coordinates(coordinates: dict[str, list[float]]) -> Callable[[Path], None]:
    def apply(case: Path) -> None:
        def change(fs: list[dict]) -> None:
            for f in fs:
                if f["properties"]["site_id"] in coordinates:
                    f["geometry"]["coordinates"] = coordinates[f["properties"]["site_id"]]
        edit_features(case / "layers" / "sites.geojson", change)
    return apply


def scenario_edit(old: str, new: str) -> Callable[[Path], None]:
    return lambda case: edit(case / "scenario.yaml", old, new)


def scenario_append(text: str) -> Callable[[Path], None]:
    return lambda case: append(case / "scenario.yaml", text)


def solver_options(options: str) -> Callable[[Path], None]:
    return scenario_edit("  rel_gap: 0\n", f"  rel_gap: 0\n  options: {options}\n")


def catalog_edit(old: str, new: str) -> Callable[[Path], None]:
    return lambda case: edit(case / "catalog.yaml", old, new)


def write_b(case: Path) -> None:
    """A second scenario for compare: extends the first and asks 20 GWh of cells."""
    (case / "b.yaml").write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")


def split_base(base_extra: str = "", child: str = "extends: base.yaml\nname: child\n") -> Callable[[Path], None]:
    """Move the scenario to base.yaml (with `base_extra` appended) and make scenario.yaml extend it."""
    def apply(case: Path) -> None:
        text = (case / "scenario.yaml").read_text()
        (case / "base.yaml").write_text(text + base_extra)
        (case / "scenario.yaml").write_text(child)
    return apply


def scenario_in_encoding(case: Path) -> None:
    text = (case / "scenario.yaml").read_text().replace(
        "description: Two clusters", "description: Café test, two clusters")
    (case / "scenario.yaml").write_bytes(text.encode("latin-1"))


def catalog_in_gbk(case: Path) -> None:
    text = (case / "catalog.yaml").read_text().replace("name: Iron phosphate", "name: 磷酸铁")
    (case / "catalog.yaml").write_bytes(text.encode("gbk"))


def csv_as_sites_layer(case: Path) -> None:
    (case / "layers" / "sites.csv").write_text(
        "site_id,name,usable_area_ha,existing_lfp,lon,lat\n"
        "w_mine,West mine park,100,0,102.1,24.6\nw_lake,West lakeside,100,0,102.4,24.9\n"
        "e_city,East city,30,20000,103.2,24.7\ne_far,East far,30,0,103.45,24.95\n")
    edit(case / "scenario.yaml", "path: layers/sites.geojson", "path: layers/sites.csv")


def multi_layer_geopackage(case: Path) -> None:
    sites = gpd.read_file(case / "layers" / "sites.geojson")
    target = case / "layers" / "sites.gpkg"
    sites.to_file(target, layer="sites_2023", driver="GPKG")
    sites.iloc[:2].to_file(target, layer="sites_2020", driver="GPKG")
    edit(case / "scenario.yaml", "path: layers/sites.geojson", "path: layers/sites.gpkg")


def unknown_layer_crs(case: Path) -> None:
    """The clusters as a shapefile whose .prj holds a local engineering grid, which cannot be
    transformed to any other CRS."""
    clusters = gpd.read_file(case / "layers" / "clusters.geojson")
    clusters.to_file(case / "layers" / "clusters.shp")
    (case / "layers" / "clusters.prj").write_text('LOCAL_CS["site grid",UNIT["metre",1]]')
    edit(case / "scenario.yaml", "path: layers/clusters.geojson", "path: layers/clusters.shp")


def overlapping_cluster(case: Path) -> None:
    box = [[102.05, 24.55], [102.2, 24.55], [102.2, 24.7], [102.05, 24.7], [102.05, 24.55]]
    edit_features(case / "layers" / "clusters.geojson", lambda fs: fs.append(
        {"type": "Feature", "properties": {"cluster_id": "west2", "name": "West two",
                                           "power_tariff_yuan_per_kwh": 0.4},
         "geometry": {"type": "Polygon", "coordinates": [box]}}))


def collapsing_redline(case: Path) -> None:
    flat = [[102.0, 24.0], [102.1, 24.0], [102.2, 24.0], [102.0, 24.0]]
    edit_features(case / "layers" / "redline.geojson", lambda fs: fs.append(
        {"type": "Feature", "properties": {"zone_id": "flat", "name": "Flat reserve", "category": "lake"},
         "geometry": {"type": "Polygon", "coordinates": [flat]}}))


def duplicate_site_id(case: Path) -> None:
    edit_features(case / "layers" / "sites.geojson",
                  lambda fs: feature(fs, "site_id", "e_far")["properties"].__setitem__("site_id", "w_mine"))


def truncated_layer(case: Path) -> None:
    path = case / "layers" / "sources.geojson"
    path.write_text(path.read_text()[:200])


def empty_sites_layer(case: Path) -> None:
    edit_features(case / "layers" / "sites.geojson", lambda fs: fs.clear())


def remove_redline_layer(case: Path) -> None:
    (case / "layers" / "redline.geojson").unlink()


def point_polygon_site(case: Path) -> None:
    """A site whose geometry is null."""
    edit_features(case / "layers" / "sites.geojson",
                  lambda fs: feature(fs, "site_id", "e_far").__setitem__("geometry", None))


def inf_existing_capacity(case: Path) -> None:
    """The sites as a GeoPackage whose REAL column holds inf (numpy's inf written by geopandas,
    meaning "unlimited" to its author)."""
    sites = gpd.read_file(case / "layers" / "sites.geojson")
    sites.loc[sites["site_id"] == "e_city", "existing_lfp"] = float("inf")
    sites.to_file(case / "layers" / "sites.gpkg", layer="sites", driver="GPKG")
    edit(case / "scenario.yaml", "path: layers/sites.geojson", "path: layers/sites.gpkg")


# --------------------------------------------------------------------------------------------
# the table


@dataclass(frozen=True)
class Row:
    """One broken variant: how to break the case, the command's arguments after the command
    name (`{scenario}` stands for scenario.yaml), the exit code and the message's substrings."""

    id: str
    breaks: Callable[[Path], None] | None
    args: tuple[str, ...]
    expect: tuple[str, ...]
    code: int = 2
    command: str = "solve"
    extra: dict = field(default_factory=dict)


def solve_row(id: str, breaks: Callable[[Path], None] | None, *expect: str, args: tuple[str, ...] = (),
              code: int = 2) -> Row:
    return Row(id, breaks, ("scenario.yaml", *args), expect, code)


ROWS: list[Row] = [
    # 1. output folders: nothing of the user's is ever lost
    solve_row("out_parent_folder", None, "--out", "an input of this run", args=("--out", "..")),
    solve_row("out_scenario_folder", None, "--out", "an input of this run", args=("--out", ".")),
    solve_row("out_empty_string", None, "--out", args=("--out", "")),
    solve_row("out_layers_folder", None, "--out", "an input of this run", args=("--out", "layers")),
    solve_row("out_user_notes_folder", None, "--out", "docs", args=("--out", "docs")),
    solve_row("out_is_the_scenario_file", None, "--out", "scenario.yaml", "file", args=("--out", "scenario.yaml")),
    solve_row("out_parent_is_a_file", None, "--out", "scenario.yaml", args=("--out", "scenario.yaml/run")),
    solve_row("out_name_too_long", None, "--out", "long", args=("--out", "r" * 300)),
    solve_row("output_folder_dot_in_scenario", scenario_edit("folder: out", "folder: ."), "scenario.yaml",
              "output.folder"),
    solve_row("output_folder_parent_in_scenario", scenario_edit("folder: out", "folder: .."), "scenario.yaml",
              "output.folder"),
    Row("compare_out_dot", write_b, ("scenario.yaml", "b.yaml", "--out", ".", "--workers", "1"), ("--out",),
        command="compare"),
    Row("sweep_out_empty", None, ("scenario.yaml", "--set", "constraints.redline.buffer_m=0,500", "--out", "",
                                  "--workers", "1"), ("--out",), command="sweep"),
    Row("sweep_out_user_notes", None, ("scenario.yaml", "--set", "constraints.redline.buffer_m=0,500", "--out",
                                       "docs", "--workers", "1"), ("--out", "docs"), command="sweep"),
    # 2. numbers, YAML and paths
    solve_row("duplicate_key_scenario", scenario_append("constraints:\n  budget: {enabled: false}\n"),
              "scenario.yaml:39", "constraints", "duplicate", "line 20"),
    solve_row("duplicate_key_catalog", catalog_edit(
        "  cells:\n", "  lfp:\n    name: LFP again\n    unit: t\n    utilisation: 1.0\n"
        "    price_yuan_per_unit: {base: {2023: 40000, 2024: 40000}, flat: {2023: 40000, 2024: 40000}}\n    modules:\n"
        "      - {id: lfp_50kt_b, capacity: 50000, capex_yuan: 4000000000, fixed_opex_yuan_per_yr: 0, land_ha: 10,\n"
        "         lifetime_yr: 20}\n"
        "  cells:\n"), "catalog.yaml", "lfp", "duplicate"),
    solve_row("duplicate_key_base", split_base("years: [2023, 2024]\n"), "base.yaml:39", "years", "duplicate",
              "line 3"),
    solve_row("duplicate_key_variant", scenario_append(
        "variants:\n  loose:\n    solver: {rel_gap: 0.01}\n    solver: {rel_gap: 0.02}\n"),
        "scenario.yaml:42", "variants.loose.solver", "duplicate", "line 41", args=("--variant", "loose")),
    solve_row("inf_buffer_scenario", scenario_edit("buffer_m: 1000", "buffer_m: .inf"), "scenario.yaml",
              "constraints.redline.buffer_m"),
    solve_row("nan_discount_rate_scenario", scenario_edit("discount_rate: 0.1", "discount_rate: .nan"),
              "scenario.yaml", "objective.discount_rate"),
    solve_row("inf_target_scenario", scenario_edit("cathode: {2024: 120000}", "cathode: {2024: .inf}"),
              "scenario.yaml", "targets.capacity.cathode"),
    solve_row("inf_time_limit_scenario", scenario_edit("  rel_gap: 0\n", "  rel_gap: 0\n  time_limit_s: .inf\n"),
              "scenario.yaml", "solver.time_limit_s"),
    solve_row("inf_module_capacity_catalog", catalog_edit("capacity: 50000,", "capacity: .inf,"),
              "catalog.yaml", "lfp", "capacity"),
    solve_row("nan_price_catalog", catalog_edit("base: {2023: 50000, 2024: 40000}", "base: {2023: 50000, 2024: .nan}"),
              "catalog.yaml:18", "products.lfp.price_yuan_per_unit.base.2024", "finite"),
    solve_row("inf_supply_layer", set_property("sources", "source_id", "rock_w", "supply_t_per_yr", "inf"),
              "sources.geojson", "supply_t_per_yr"),
    solve_row("inf_existing_capacity_layer", inf_existing_capacity, "sites.gpkg", "existing_lfp"),
    solve_row("flag_time_limit_nan", None, "--time-limit", args=("--time-limit", "nan")),
    solve_row("flag_time_limit_negative", None, "--time-limit", args=("--time-limit", "-1")),
    solve_row("flag_time_limit_inf", None, "--time-limit", args=("--time-limit", "inf")),
    Row("flag_workers_negative", write_b, ("scenario.yaml", "b.yaml", "--workers", "-1"), ("--workers",),
        command="compare"),
    Row("flag_set_inf", None, ("scenario.yaml", "--set", "constraints.redline.buffer_m=inf,500", "--workers", "1",
                               "--out", "sweep_out"), ("constraints.redline.buffer_m",), command="sweep"),
    solve_row("scenario_not_utf8", scenario_in_encoding, "scenario.yaml", "utf-8"),
    solve_row("catalog_not_utf8", catalog_in_gbk, "catalog.yaml", "utf-8"),
    solve_row("extends_a_folder", lambda case: (case / "scenario.yaml").write_text(
        "extends: layers\n" + (case / "scenario.yaml").read_text()), "scenario.yaml", "extends"),
    solve_row("catalog_a_folder", scenario_edit("catalog: catalog.yaml", "catalog: layers"), "scenario.yaml",
              "catalog"),
    solve_row("csv_as_layer", csv_as_sites_layer, "sites.csv", "layers.sites"),
    solve_row("multi_layer_geopackage", multi_layer_geopackage, "sites.gpkg", "layers.sites.layer"),
    solve_row("variants_wrong_type", scenario_append("variants: [strict, loose]\n"), "scenario.yaml", "variants"),
    solve_row("error_in_variant",
              scenario_append("variants:\n  tight:\n    constraints:\n      redline: {bufer_m: 5}\n"),
              "scenario.yaml:42", "variants.tight", "bufer_m", args=("--variant", "tight")),
    solve_row("unknown_variant", scenario_append("variants:\n  tight:\n    solver: {rel_gap: 0.01}\n"),
              "scenario.yaml", "variants", "tihgt", args=("--variant", "tihgt")),
    solve_row("error_in_base", split_base("colour: blue\n"), "base.yaml:39", "colour"),
    solve_row("missing_base", lambda case: (case / "scenario.yaml").write_text(
        "extends: nowhere.yaml\n" + (case / "scenario.yaml").read_text()), "scenario.yaml:1", "extends",
        "nowhere.yaml"),
    solve_row("catalog_cycle", catalog_edit("    resources_t_per_unit: {phosphate_rock: 2.0}",
                                            "    resources_t_per_unit: {phosphate_rock: 2.0}\n"
                                            "    inputs: {cells: 0.000001}"),
              "catalog.yaml", "products.fepo4.inputs", "cycle", "fepo4 -> cells -> lfp -> fepo4"),
    # 3. solver options
    solve_row("highs_option_wrong_type", solver_options("{mip_rel_gap: tight}"),
              "scenario.yaml", "solver.options.mip_rel_gap"),
    solve_row("highs_option_out_of_range", solver_options("{random_seed: 99999999999}"),
        "scenario.yaml", "solver.options.random_seed"),
    solve_row("highs_option_unknown", solver_options("{mip_rel_gapp: 0.1}"),
              "scenario.yaml", "solver.options.mip_rel_gapp"),
    solve_row("highs_option_bad_string", solver_options("{presolve: maybe}"),
              "scenario.yaml", "solver.options.presolve"),
    # 4. layers and geometry
    solve_row("working_crs_web_mercator", scenario_edit("  detour_factor: 1.0\n",
                                                        "  detour_factor: 1.0\n  working_crs: EPSG:3857\n"),
              "scenario.yaml", "spatial.working_crs"),
    solve_row("working_crs_geographic", scenario_edit("  detour_factor: 1.0\n",
                                                      "  detour_factor: 1.0\n  working_crs: EPSG:4326\n"),
              "scenario.yaml", "spatial.working_crs"),
    solve_row("working_crs_unknown", scenario_edit("  detour_factor: 1.0\n",
                                                   "  detour_factor: 1.0\n  working_crs: EPSG:999999\n"),
              "scenario.yaml", "spatial.working_crs"),
    solve_row("projected_coordinates_in_lonlat_layer", set_site_coordinates(
        {"w_mine": [310000.0, 2722000.0], "w_lake": [340000.0, 2755000.0], "e_city": [420000.0, 2733000.0],
         "e_far": [445000.0, 2761000.0]}), "sites.geojson"),
    solve_row("swapped_axes_in_lonlat_layer", set_site_coordinates(
        {"w_mine": [24.6, 102.1], "w_lake": [24.9, 102.4], "e_city": [24.7, 103.2], "e_far": [24.95, 103.45]}),
        "sites.geojson"),
    solve_row("unknown_layer_crs", unknown_layer_crs, "clusters.shp", "site grid"),
    solve_row("redline_null_category", set_property("redline", "zone_id", "lake", "category", None),
              "redline.geojson", "category", "lake"),
    solve_row("redline_repair_empties_polygon", collapsing_redline, "redline.geojson", "flat"),
    solve_row("source_status_capitalised", set_property("sources", "source_id", "rock_w", "status", "Producing"),
              "sources.geojson", "rock_w", "producing", "prospective"),
    solve_row("site_in_two_overlapping_clusters", overlapping_cluster, "sites.geojson", "w_mine", "'west'", "west2"),
    solve_row("site_outside_every_cluster", set_site_coordinates({"e_far": [104.5, 25.5]}), "sites.geojson",
              "e_far"),
    solve_row("duplicate_site_id", duplicate_site_id,
              "  - layers/sites.geojson: field 'site_id' | duplicate id 'w_mine' (the 1st and 4th features)"),
    solve_row("id_field_missing", scenario_edit("{path: layers/sites.geojson}",
                                                "{path: layers/sites.geojson, id_field: code}"),
              "sites.geojson", "code"),
    solve_row("name_field_missing", scenario_edit("{path: layers/sites.geojson}",
                                                  "{path: layers/sites.geojson, name_field: label}"),
              "sites.geojson", "label"),
    solve_row("negative_usable_area", set_property("sites", "site_id", "e_far", "usable_area_ha", -5.0),
              "  - layers/sites.geojson: field 'usable_area_ha' | negative for the 4th feature (site_id 'e_far')"),
    solve_row("negative_supply", set_property("sources", "source_id", "rock_w", "supply_t_per_yr", -1.0),
              "sources.geojson", "supply_t_per_yr"),
    solve_row("null_site_geometry", point_polygon_site,
              "  - layers/sites.geojson: geometry | no geometry in the 4th feature (site_id 'e_far')"),
    solve_row("empty_sites_layer", empty_sites_layer, "sites.geojson"),
    solve_row("missing_layer_file", remove_redline_layer, "redline.geojson", "layers.redline"),
    solve_row("truncated_layer_file", truncated_layer, "sources.geojson"),
    # the scenario file itself
    solve_row("yaml_syntax_error", scenario_edit("years: [2023, 2024]", "years: [2023, 2024"), "scenario.yaml:3:8",
              "'[' opened here", "at 4:8"),
    solve_row("unknown_scenario_key", scenario_edit("name: small\n", "name: small\ncolour: blue\n"),
              "scenario.yaml", "colour"),
    solve_row("empty_scenario_file", lambda case: (case / "scenario.yaml").write_text(""), "scenario.yaml"),
    solve_row("missing_catalog_file", scenario_edit("catalog: catalog.yaml", "catalog: nope.yaml"), "nope.yaml",
              "catalog"),
    solve_row("unknown_price_path", scenario_edit("price_path: base", "price_path: high"), "scenario.yaml:5",
              "price_path", "unknown price path"),
    solve_row("unknown_product_in_group", scenario_edit("cathode: [lfp]", "cathode: [lpf]"), "scenario.yaml",
              "targets.groups.cathode"),
    # well-formed input whose rules conflict: exit 1
    solve_row("target_beyond_all_land", scenario_edit("cells: {2024: 10}", "cells: {2024: 200}"),
              "cells 2024", "targets.strict", code=1),
    solve_row("budget_below_the_targets", scenario_edit(
        "  agglomeration:\n", "  budget:\n    enabled: true\n    capex_yuan_per_yr: {2023: 1.0e9, 2024: 1.0e9}\n"
        "  agglomeration:\n"), "constraints.budget.capex_yuan_per_yr", code=1),
]

#: Rows also run as `python cli.py ...` in a fresh process.
SUBPROCESS_ROWS = ("out_parent_folder", "scenario_not_utf8", "duplicate_key_scenario", "flag_time_limit_nan",
                   "projected_coordinates_in_lonlat_layer")


def test_the_table_has_forty_kinds_or_more():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40


# --------------------------------------------------------------------------------------------
# running a row


def snapshot(root: Path) -> dict[str, str]:
    """Every folder (as "dir") and file (its SHA-256) under `root`, by relative path."""
    state = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        state[key] = "dir" if path.is_dir() and not path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def prepare_row(row: Row, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    root = tmp_path / "root"
    case = make_case(root)
    if row.breaks is not None:
        row.breaks(case)
    return root, case, snapshot(root)


#: The files of the diagnosis folder an infeasible run writes (siting/deliver/explore.py).
DIAGNOSIS_FILES = (".siting-run", "conflicts.md", "conflicts.geojson", "conflicts.qml", "conflict_sites.geojson",
                   "conflict_sites.qml", "conflicts.png")


def check_outcome(row: Row, code: int, out: str, err: str, root: Path, before: dict[str, str]) -> None:
    problems = []
    if code != row.code:
        problems.append(f"exit {code}, expected {row.code}")
    if "Traceback" in out or "Traceback" in err:
        problems.append("a traceback was shown")
    missing = [s for s in row.expect if s.lower() not in err.lower()]
    if missing:
        problems.append(f"the message does not name {missing}")
    after = snapshot(root)
    created = sorted(set(after) - set(before))
    if row.code == 1:  # an infeasible run writes its diagnosis, and nothing else, into its output folder
        created = [k for k in created if not (k == "case/out" or (k.startswith("case/out/") and k.split("/")[-1] in
                                                                   DIAGNOSIS_FILES))]
    lost = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    if created:
        problems.append(f"created {created[:5]}")
    if lost:
        problems.append(f"removed {lost[:5]}")
    if changed:
        problems.append(f"changed {changed[:5]}")
    assert not problems, f"{row.id}: " + "; ".join(problems) + f"\nstderr:\n{err[-2000:]}\nstdout:\n{out[-1000:]}"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_broken_input_is_refused_cleanly(row: Row, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    root, case, before = prepare_row(row, tmp_path)
    monkeypatch.chdir(case)
    try:
        code = main([row.command, *row.args])
    except SystemExit as exc:  # argparse refuses a flag by exiting
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # an exception escaping main is a traceback for the user
        captured = capsys.readouterr()
        pytest.fail(f"{row.id}: {type(exc).__name__} escaped main: {exc}\nstderr:\n{captured.err[-2000:]}")
    captured = capsys.readouterr()
    check_outcome(row, code, captured.out, captured.err, root, before)


@pytest.mark.parametrize("row_id", SUBPROCESS_ROWS)
def test_broken_input_is_refused_cleanly_by_the_script(row_id: str, tmp_path: Path):
    row = next(r for r in ROWS if r.id == row_id)
    root, case, before = prepare_row(row, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), row.command, *row.args], cwd=case, env=env,
                          capture_output=True, text=True, timeout=300)
    check_outcome(row, done.returncode, done.stdout, done.stderr, root, before)


def test_geopackage_helper_writes_two_layers(tmp_path: Path):
    """The multi-layer row really has two layers (so its failure cannot come from the helper)."""
    import pyogrio

    case = make_case(tmp_path / "root")
    multi_layer_geopackage(case)
    assert [str(name) for name, _kind in pyogrio.list_layers(case / "layers" / "sites.gpkg")] == [
        "sites_2023", "sites_2020"]
    assert gpd.read_file(case / "layers" / "sites.gpkg", layer="sites_2020").geometry.iloc[0] == Point(102.1, 24.6)
