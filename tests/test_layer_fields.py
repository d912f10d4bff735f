"""Field names, layer paths and HiGHS option names, as a user gets them wrong.

- A field missing from a layer names the exact setting that names it (`layers.sites.id_field`,
  not `layers.sites`); one present in other letter case (`Site_ID` for `site_id`) is said to be
  so, with the setting that reads it. An optional field, or an existing-capacity column, present
  only in other letter case is not read, said in a notice.
- A layer file that is not there names the file and line that name its path: a base scenario
  the scenario extends, or the command line.
- An unknown HiGHS option gets a "did you mean" letter case aside; one HiGHS knows but a
  scenario may not set gets the list of those it may, not a look-alike.

Messages are matched whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main
from siting.config.highs import ALLOWED_HIGHS_OPTIONS, option_problem
from siting.prepare.problem import load_checked
from tests.conftest import run_bad

# `folder` (a copy of the small scenario) and `run_bad` are in tests/conftest.py.


def rename_field(path: Path, old: str, new: str) -> None:
    """Rename the field `old` of every feature of a GeoJSON layer."""
    data = json.loads(path.read_text())
    for feature in data["features"]:
        properties = feature["properties"]
        feature["properties"] = {new if k == old else k: v for k, v in properties.items()}
    path.write_text(json.dumps(data))


# --- field names ------------------------------------------------------------------------------


def test_an_id_field_in_other_letter_case_is_named_with_the_setting_that_reads_it(folder: Path, capsys):
    """Before: "...; add it or set layers.sites to the right field name", a key that is no setting."""
    rename_field(folder / "sites.geojson", "site_id", "Site_ID")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'site_id' | missing from the sites layer, which has 'Site_ID', differing from it "
        "only in letter case (has: Site_ID, name, usable_area_ha, existing_lfp, land_price_yuan_per_ha, "
        "power_tariff_yuan_per_kwh); set layers.sites.id_field: Site_ID, or rename the field to 'site_id'\n")


@pytest.mark.parametrize(("layer", "field", "key"), [
    ("clusters", "cluster_id", "layers.clusters.id_field"),
    ("redline", "category", "layers.redline.category_field"),
    ("sources", "resource", "layers.sources.resource_field"),
    ("sources", "supply_t_per_yr", "layers.sources.supply_field"),
])
def test_every_layer_s_missing_field_names_its_exact_setting(folder: Path, capsys, layer: str, field: str,
                                                             key: str):
    rename_field(folder / f"{layer}.geojson", field, "other")
    message = run_bad(folder, capsys)
    assert f"{layer}.geojson: field '{field}' | missing from the {layer} layer (has: " in message
    assert message.endswith(f"); add it or set {key} to the right field name\n")


def test_point_sites_with_the_usable_area_in_other_letter_case_are_told_the_setting(folder: Path, capsys):
    """The scenario leaves usable_area_field at its default: the field is optional for polygons,
    needed for points; `Usable_Area_HA` is not read, and the problem gives the setting that reads it."""
    rename_field(folder / "sites.geojson", "usable_area_ha", "Usable_Area_HA")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | missing; point sites need their usable area in ha (polygon sites "
        "may use their drawn area); the layer has 'Usable_Area_HA', differing from it only in letter case: set "
        "layers.sites.usable_area_field: Usable_Area_HA, or rename the field to 'usable_area_ha'\n")


def test_optional_fields_in_other_letter_case_are_not_read_and_said_so(folder: Path):
    """`Name` for `name` (the sites keep their ids as names), `Existing_lfp` for `existing_lfp`
    (the site's 20,000 t/yr of LFP would count as none) and `Position_Uncertainty_km`: before,
    nothing said they were left out."""
    rename_field(folder / "sites.geojson", "name", "Name")
    rename_field(folder / "sites.geojson", "existing_lfp", "Existing_lfp")
    data = json.loads((folder / "sites.geojson").read_text())
    for feature in data["features"]:
        feature["properties"]["Position_Uncertainty_km"] = 5.0
    (folder / "sites.geojson").write_text(json.dumps(data))
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert [n for n in layers.notices if "not read" in n] == [
        "sites.geojson: field 'Name' is not read: the sites layer reads 'name' when it has it, and this differs from "
        "it only in letter case; set layers.sites.name_field: Name to read it",
        "sites.geojson: field 'Position_Uncertainty_km' is not read: the sites layer reads 'position_uncertainty_km' "
        "when it has it, and this differs from it only in letter case; rename it to 'position_uncertainty_km' to "
        "read it",
        "sites.geojson: field 'Existing_lfp' is not read: the sites layer reads the columns starting with "
        "'existing_', and this starts with it only in other letter case; rename it to start with 'existing_', or "
        "set layers.sites.existing_prefix to its prefix"]


# --- layer paths ------------------------------------------------------------------------------


def test_a_missing_layer_named_in_a_base_scenario_names_the_base_and_its_line(folder: Path, capsys):
    """The variant in its own folder extends the small scenario, which names the sites layer
    (line 8). Before: "check layers.sites.path in the scenario (relative paths start at the
    scenario file)", the variant, whose folder the path does not start at."""
    (folder / "variants").mkdir()
    (folder / "variants" / "child.yaml").write_text("extends: ../scenario.yaml\nname: child\n")
    (folder / "sites.geojson").unlink()
    code = main(["solve", str(folder / "variants" / "child.yaml"), "--out", str(folder / "out")])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: sites layer not found; check layers.sites.path at scenario.yaml:8 (relative paths start "
        "at the folder of the file that names it)\n")


def test_a_missing_layer_given_on_the_command_line_says_where_its_path_starts(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)  # where `gone.geojson` is looked for
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"),
                 "--set", "layers.sites.path=gone.geojson"])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - gone.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set starts at "
        "the current folder)\n")


# --- HiGHS option names -----------------------------------------------------------------------


def test_a_highs_option_in_capitals_gets_did_you_mean():
    """difflib alone, letter case counted, found nothing like 'MIP_REL_GAP'."""
    _value, rejected = option_problem("MIP_REL_GAP", 0.01)
    assert str(rejected) == "unknown HiGHS option (got 'MIP_REL_GAP'); did you mean 'mip_rel_gap'?"


@pytest.mark.parametrize("name", ["solver", "ipm_optimality_tolerance", "mip_improving_solution_file"])
def test_a_real_highs_option_a_scenario_may_not_set_is_not_taken_for_a_typo(name: str):
    """Before: "did you mean 'presolve'?" for `solver`, 'mip_feasibility_tolerance' for the IPM
    tolerance and 'mip_max_improving_sols' for a file option: options of other meanings."""
    _value, rejected = option_problem(name, "x")
    assert str(rejected) == (f"a HiGHS option a scenario may not set (got 'x'); options a scenario may set: "
                             f"{', '.join(sorted(ALLOWED_HIGHS_OPTIONS))}")
