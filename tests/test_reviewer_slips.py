"""Slips a reviewer found taken silently or told in the wrong words.

1. An output-value target or a capex budget written in bn yuan where yuan are asked (20 for
   20 bn yuan) was taken silently; it gets a notice naming file, line, field and the likely
   meaning, as a capacity target in the wrong unit does.
2. A GeoJSON whose `crs` member names GCJ-02 or BD-09 got the message of a CRS GDAL cannot
   resolve, which suggests removing the member: the coordinates would then be used hundreds of
   metres off. It gets the refusal of a layer whose CRS is GCJ-02, as a shapefile's .prj does.
3. A read-only file system for the output folder was said to be "no write permission".
4. A committed-projects file with a mistyped product and a mistyped site id reported the site
   only once the product was fixed.
5. A clusters layer of points got a follow-on "hub lies ... outside its cluster" besides the
   refusal of its geometry type.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import edit, run_bad

from siting.config.load import load_scenario, yuan_scale_notices
from siting.deliver.folders import destination_problems

# --- 1. bn yuan written where yuan are asked -----------------------------------------------------

OUTPUT_SAID = ("targets.output_value_yuan.2023 | 20 yuan is less than 1,000,000 yuan (got 20, in yuan): did you mean "
               "20 亿 yuan = 2.0e9, or 20 bn yuan = 2.0e10? Write the figure in yuan, e.g. 2.0e9, or leave it if "
               "20 yuan is meant")
BUDGET_SAID = ("constraints.budget.capex_yuan_per_yr.2024 | 5 yuan is less than 1,000,000 yuan (got 5, in yuan): did "
               "you mean 5 亿 yuan = 5.0e8, or 5 bn yuan = 5.0e9? Write the figure in yuan, e.g. 5.0e8, or leave it "
               "if 5 yuan is meant")


def test_an_output_value_target_in_bn_yuan_gets_a_notice_naming_file_line_and_meaning(folder: Path, monkeypatch):
    """Before: no notice (the targets table showed a goal of 0.00 bn yuan)."""
    edit(folder / "scenario.yaml", "  strict: true\n",
         "  strict: true\n  output_value_yuan: {2023: 20, 2024: 3.0e10}\n")
    monkeypatch.chdir(folder.parent)
    notices = yuan_scale_notices(load_scenario(folder / "scenario.yaml"))
    assert [n.shown for n in notices] == [f"small/scenario.yaml:15: {OUTPUT_SAID}"]
    assert [str(n) for n in notices] == [f"scenario.yaml:15: {OUTPUT_SAID}"]


def test_a_capex_budget_in_bn_yuan_gets_the_same_notice_and_real_figures_none(folder: Path, monkeypatch):
    edit(folder / "scenario.yaml", "  differentiation:\n",
         "  budget: {enabled: true, capex_yuan_per_yr: {2023: 2.0e9, 2024: 5}}\n  differentiation:\n")
    monkeypatch.chdir(folder)
    assert [n.shown for n in yuan_scale_notices(load_scenario("scenario.yaml"))] == [f"scenario.yaml:27: {BUDGET_SAID}"]
    fine = load_scenario("scenario.yaml", overrides=(("constraints.budget.capex_yuan_per_yr", {2023: 0, 2024: 5e8}),))
    assert yuan_scale_notices(fine) == []


# --- 2. a GeoJSON crs member naming GCJ-02 -------------------------------------------------------

GCJ_REFUSAL = ("the offset coordinates of AMap and Tencent maps, about 360 m from WGS84 near Kunming and up to about "
               "700 m in China, which PROJ cannot convert (it would take them as WGS84, unshifted); convert the "
               "coordinates to WGS84 first, with the inverse of the public GCJ-02 formula, iterated as "
               "geodata/README.md describes in section 1 (CRS handling: GCJ-02 -> WGS84), and give the layer "
               "EPSG:4326")


@pytest.mark.parametrize(("member", "got"), [
    ({"type": "name", "properties": {"name": "GCJ-02"}}, "GCJ-02"),
    ({"type": "name", "properties": {"name": "urn:ogc:def:crs:GCJ02"}}, "urn:ogc:def:crs:GCJ02"),
    ({"type": "GCJ-02"}, '{"type": "GCJ-02"}'),
])
def test_a_geojson_crs_member_naming_gcj02_is_refused_as_gcj02(folder: Path, capsys, member: dict, got: str):
    """Before: "names a CRS that GDAL cannot resolve ... or remove the crs member if the
    coordinates are WGS84", which would have them used 360-700 m off."""
    sites = json.loads((folder / "sites.geojson").read_text())
    sites["crs"] = member
    (folder / "sites.geojson").write_text(json.dumps(sites))
    assert run_bad(folder, capsys) == (
        f"error: 1 problem in the input:\n  - sites.geojson: sites layer | its CRS is GCJ-02 (got {got!r}), "
        f"{GCJ_REFUSAL}\n")


def test_a_geojson_crs_member_naming_bd09_is_refused_as_bd09(folder: Path, capsys):
    sites = json.loads((folder / "sites.geojson").read_text())
    sites["crs"] = {"type": "name", "properties": {"name": "BD09 (Baidu)"}}
    (folder / "sites.geojson").write_text(json.dumps(sites))
    assert run_bad(folder, capsys).startswith(
        "error: 1 problem in the input:\n  - sites.geojson: sites layer | its CRS is BD-09 (got 'BD09 (Baidu)'), the "
        "offset coordinates of Baidu maps")


# --- 3. a read-only file system for the output folder -------------------------------------------

def read_only_said(parent: Path, out: Path) -> list[str]:
    return [f"--out | the output folder cannot be created: {parent} is on a read-only file system "
            f"(got {out}); choose a folder on a disk you can write to"]


def test_a_read_only_file_system_is_named_so_not_as_wanting_permission(tmp_path: Path, monkeypatch):
    """Mounting needs privileges tests lack: the system's answers are made those of a read-only
    mount, access(2) refusing writing and statvfs(2) flagging ST_RDONLY. Before: "no write
    permission in ..."."""
    parent = tmp_path / "mounted"
    parent.mkdir()
    real_access, real_statvfs = os.access, os.statvfs
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != parent and real_access(path, mode))
    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_flag=os.ST_RDONLY) if Path(path) == parent
                        else real_statvfs(path))
    out = parent / "out"
    assert destination_problems(out, [], "--out") == read_only_said(parent, out)


def test_a_read_only_file_system_met_making_the_staging_folder_is_named_so(tmp_path: Path, monkeypatch):
    def refused(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    out = tmp_path / "out"
    assert destination_problems(out, [], "--out") == read_only_said(tmp_path, out)


# --- 4. a mistyped product and a mistyped site in one committed-projects file --------------------

def test_a_mistyped_product_and_a_mistyped_site_are_reported_in_one_run(folder: Path, capsys):
    """Before: only the product; the site came up once the product was fixed, in a second run."""
    edit(folder / "committed_projects.yaml", "  site: e_city\n  product: lfp\n", "  site: e_cty\n  product: lpf\n")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean 'e_city'?\n"
        "  - committed_projects.yaml:5: [0] (east_lfp).product | unknown product (got 'lpf'); did you mean 'lfp'?\n")


# --- 5. a clusters layer of points ---------------------------------------------------------------

def test_a_clusters_layer_of_points_gets_its_type_refused_and_no_far_hub(folder: Path, capsys):
    """The west cluster drawn as a point 71 km east of its hub (102.25, 24.75). Before: the
    refusal of its type, and "the hub of ... lies 71 km outside its cluster" after it."""
    clusters = json.loads((folder / "clusters.geojson").read_text())
    clusters["features"][0]["geometry"] = {"type": "Point", "coordinates": [102.95, 24.75]}
    (folder / "clusters.geojson").write_text(json.dumps(clusters))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - clusters.geojson: geometry | clusters must be Polygon or MultiPolygon (got Point for the 1st "
        "feature (cluster_id 'west')); draw each area as a polygon\n")
