"""Every input problem at once: a schema problem does not hide a reference problem (a product,
price path or year the scenario or catalog names that is not defined), so that the user fixes all
of them after one run. The parts that pass the schema are checked, each reference only against
what passed too: a broken section is reported once, without an unknown-id problem for every
reference to it. Messages are matched whole; exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import edit, run_bad

# `folder` (a copy of the small scenario), `edit` and `run_bad` are in tests/conftest.py.

SCENARIO = "scenario.yaml"
CATALOG = "catalog.yaml"


def test_a_schema_problem_and_a_reference_problem_come_in_one_message(folder: Path, capsys):
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: 1.5")
    edit(folder / SCENARIO, "    cathode: [lfp]", "    cathode: [lpf]")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml:16: targets.groups.cathode[0] | unknown product (got 'lpf'); did you mean 'lfp'?\n"
        "  - scenario.yaml:32: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5); "
        "give 0.015 for 1.5 %\n"
    )


def test_problems_of_both_rounds_come_by_line(folder: Path, capsys):
    """Schema problems at lines 3 and 32, reference problems at lines 5 and 19, in line order."""
    edit(folder / SCENARIO, "description: Two clusters", "descripton: Two clusters")
    edit(folder / SCENARIO, "price_path: base", "price_path: bas")
    edit(folder / SCENARIO, "    cells: {2024: 10}", "    cells: {2030: 10}")
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: -1")
    assert run_bad(folder, capsys) == (
        "error: 4 problems in the input:\n"
        "  - scenario.yaml:2: descripton | unknown key; did you mean 'description'?\n"
        "  - scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?\n"
        "  - scenario.yaml:19: targets.capacity.cells.2030 | year 2030 is outside the scenario's years "
        "[2023, 2024]; use one of them or extend 'years'\n"
        "  - scenario.yaml:32: objective.discount_rate | must be greater than or equal to 0 (got -1); give a value "
        "in that range, as a share\n"
    )


def test_a_catalog_schema_problem_and_a_scenario_reference_problem_come_together(folder: Path, capsys):
    edit(folder / CATALOG, "capacity: 50000,", "capacity: -5,")
    edit(folder / SCENARIO, "price_path: base", "price_path: bas")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity "
        "| must be greater than 0 (got -5); give a value in "
        "that range, in t/yr\n"
        "  - scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?\n"
    )


def test_a_catalog_schema_problem_and_a_catalog_reference_problem_come_together(folder: Path, capsys):
    edit(folder / CATALOG, "capacity: 50000,", "capacity: -5,")
    edit(folder / CATALOG, "inputs: {lfp: 2000}", "inputs: {lfx: 2000}")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity "
        "| must be greater than 0 (got -5); give a value in "
        "that range, in t/yr\n"
        "  - catalog.yaml:34: products.cells.inputs | unknown product (got 'lfx'); choose one of: fepo4, lfp, cells\n"
    )


def test_a_missing_catalog_file_does_not_hide_a_schema_problem(folder: Path, capsys):
    """Without a catalog nothing is checked against it: no product the scenario names is unknown."""
    edit(folder / SCENARIO, "catalog: catalog.yaml", "catalog: other.yaml")
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: 1.5")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml:4: catalog | no such file (got 'other.yaml', which is other.yaml); give "
        "the path of the catalog file (relative paths start at the folder of the file that names it)\n"
        "  - scenario.yaml:32: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5); "
        "give 0.015 for 1.5 %\n"
    )


#: (file, passage, replacement, the one problem reported): a broken section, and references to it
#: that would be reported as unknown were it compared against a default or a part of it.
BROKEN_SECTIONS = {
    # capacity names the group cathode, which exists though its members are broken
    "target groups not a mapping": (
        SCENARIO, "  groups:\n    cathode: [lfp]", "  groups: 5",
        "scenario.yaml:15: targets.groups | must be a mapping of keys to values (got 5); write one 'key: value' "
        "line per entry under it"),
    "a target group not a list": (
        SCENARIO, "    cathode: [lfp]", "    cathode: lfp",
        "scenario.yaml:16: targets.groups.cathode | must be a list (got 'lfp'); write it as [a, b] or as one "
        "'- item' line per entry"),
    # a target year (2024) is not outside years that are broken
    "years broken": (
        SCENARIO, "years: [2023, 2024]", "years: [2023, x]",
        "scenario.yaml:3: years[1] | must be a whole number (got 'x'); write it as digits, without units or "
        "decimals"),
    # the groups, the committed project and cells' inputs name lfp, a product that exists though broken
    "a catalog product broken": (
        CATALOG, "  lfp:\n    name: LFP cathode", "  lfp:\n    name: [LFP cathode]",
        "catalog.yaml:15: products.lfp.name | must be text (got a list); write it as text, in quotes if it looks "
        "like a number"),
    # no price of lfp is missing for 2024 on path base: the one given is broken
    "a catalog price broken": (
        CATALOG, "{base: {2023: 50000, 2024: 40000}", "{base: {2023: 50000, 2024: x}",
        "catalog.yaml:18: products.lfp.price_yuan_per_unit.base.2024 | must be a number (got 'x'); write the "
        "number alone, in yuan/t, e.g. 50000 (its base price for 2023)"),
    # the scenario's price_path and every product's prices name paths of a broken mapping
    "catalog price paths broken": (
        CATALOG, 'price_paths: {base: "invented prices, falling", flat: "invented prices, constant"}',
        "price_paths: [base, flat]",
        "catalog.yaml:3: price_paths | must be a mapping of keys to values (got a list); write one 'key: value' line "
        "per entry under it"),
    # a product id that is not text: the catalog's products are not known, so none is unknown
    "a catalog product id not text": (
        CATALOG, "  cells:\n", "  123:\n",
        "catalog.yaml:27: products.123 (as a key) | must be text (got 123); write it as text, in quotes if it "
        "looks like a number"),
    # the demonstration rule's product is not checked when whether the rule applies is unknown
    "recycling demo switch broken": (
        SCENARIO, "  agglomeration:\n",
        "  recycling_demo: {enabled: maybe, product: recycler, min_sites: 3, max_sites: 1}\n  agglomeration:\n",
        "scenario.yaml:29: constraints.recycling_demo.enabled | must be true or false (got 'maybe'); write true or "
        "false"),
}


@pytest.mark.parametrize("case", list(BROKEN_SECTIONS))
def test_a_broken_section_brings_no_follow_on_problems(folder: Path, capsys, case: str):
    name, old, new, problem = BROKEN_SECTIONS[case]
    edit(folder / name, old, new)
    assert run_bad(folder, capsys) == f"error: 1 problem in the input:\n  - {problem}\n"


def test_references_into_a_broken_section_are_still_checked_where_it_is_sound(folder: Path, capsys):
    """The group cathode's members are broken, but the group exists: capacity may name it, and
    not a group or product that nobody defines."""
    edit(folder / SCENARIO, "    cathode: [lfp]", "    cathode: lfp")
    edit(folder / SCENARIO, "    cells: {2024: 10}", "    cels: {2024: 10}")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml:16: targets.groups.cathode | must be a list (got 'lfp'); write it as [a, b] or as one "
        "'- item' line per entry\n"
        "  - scenario.yaml:19: targets.capacity | unknown target group or product (got 'cels'); did you mean "
        "'cells'?\n"
    )


# Problems of the layers come with those of the scenario: the layers are read when the scenario's
# `layers` (and `spatial.invalid_geometry`) and its catalog passed the schema, and each reference
# of the scenario to a layer is checked when both sides passed.

SITES = "sites.geojson"
COMMITTED = "committed_projects.yaml"

#: What a sites layer without its usable-area field is told (the test sites are points).
NO_USABLE_AREA = ("sites.geojson: field 'usable_area_ha' | missing; point sites need their usable area in ha (polygon "
                  "sites may use their drawn area); add it, or set layers.sites.usable_area_field to the field that "
                  "holds it")
#: What a sites layer without its id field is told.
NO_SITE_ID = ("sites.geojson: field 'site_id' | missing from the sites layer (has: code, name, usable_area_ha, "
              "existing_lfp, land_price_yuan_per_ha, power_tariff_yuan_per_kwh); add it or set layers.sites.id_field "
              "to the right field name")


def rename_field(path: Path, old: str, new: str) -> None:
    """Rename the field `old` of every feature of a GeoJSON file."""
    text = path.read_text()
    assert f'"{old}"' in text, old
    path.write_text(text.replace(f'"{old}"', f'"{new}"'))


def load_bad(folder: Path) -> str:
    """siting.load of `folder`/scenario.yaml, expecting InputError; its message with the folder's
    path taken out."""
    import siting
    from siting.config.errors import InputError

    with pytest.raises(InputError) as caught:
        siting.load(folder / SCENARIO)
    assert caught.value.exit_code == 2
    return str(caught.value).replace(str(folder) + "/", "")


def test_a_scenario_schema_problem_and_a_sites_layer_problem_come_in_one_message(folder: Path):
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: 1.5")
    rename_field(folder / SITES, "usable_area_ha", "area_ha")
    assert load_bad(folder) == (
        "2 problems in the input:\n"
        "  - scenario.yaml:32: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5); "
        "give 0.015 for 1.5 %\n"
        f"  - {NO_USABLE_AREA}")


def test_a_scenario_reference_problem_and_a_committed_site_unknown_to_the_layer_come_together(folder: Path):
    edit(folder / SCENARIO, "price_path: base", "price_path: bas")
    edit(folder / COMMITTED, "  site: e_city", "  site: e_cty")
    assert load_bad(folder) == (
        "2 problems in the input:\n"
        "  - scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?\n"
        "  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean 'e_city'?")


def test_scenario_layer_and_reference_problems_come_by_file_and_line(folder: Path):
    """A cluster the clusters layer does not define (line 28) comes between the scenario's schema
    problems (lines 2 and 32); the sites layer's problem after the scenario's; the committed
    project's site, e_city, is not reported: the sites layer's ids are not known."""
    edit(folder / SCENARIO, "description: Two clusters", "descripton: Two clusters")
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: 1.5")
    edit(folder / SCENARIO, "    enabled: false\n  agglomeration:",
         "    enabled: false\n    lead_products: {wset: [lfp]}\n  agglomeration:")
    rename_field(folder / SITES, "site_id", "code")
    assert load_bad(folder) == (
        "4 problems in the input:\n"
        "  - scenario.yaml:2: descripton | unknown key; did you mean 'description'?\n"
        "  - scenario.yaml:29: constraints.differentiation.lead_products.wset | unknown cluster (got 'wset'); did "
        "you mean 'west'?\n"
        "  - scenario.yaml:33: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5); "
        "give 0.015 for 1.5 %\n"
        f"  - {NO_SITE_ID}")


def test_a_broken_sites_layer_brings_no_unknown_committed_site(folder: Path, capsys):
    """The committed project's site, e_city, is not reported as unknown: the sites layer's ids are
    not known."""
    rename_field(folder / SITES, "site_id", "code")
    assert run_bad(folder, capsys) == f"error: 1 problem in the input:\n  - {NO_SITE_ID}\n"


def test_a_broken_red_line_layer_brings_no_unknown_category(folder: Path, capsys):
    """The category lake, which the layer holds, is not reported as unknown: the layer's
    categories are not known."""
    edit(folder / SCENARIO, "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 1000, categories: [lake]}")
    rename_field(folder / "redline.geojson", "category", "kind")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: field 'category' | missing from the redline layer (has: zone_id, name, kind); add it or "
        "set layers.redline.category_field to the right field name\n")


def test_a_missing_allowed_zone_is_reported_once(folder: Path):
    """The scenario names an allowed-zone layer that does not exist: said once, at the key, not
    again by the reading of the layers."""
    with (folder / SCENARIO).open("a") as scenario:
        scenario.write("candidates: {cell_size_m: 1000, allowed_zone: {path: industrial.gpkg}}\n")
    assert load_bad(folder) == (
        "1 problem in the input:\n"
        "  - scenario.yaml:39: candidates.allowed_zone.path | no such file (got 'industrial.gpkg', which is "
        "industrial.gpkg); give the path of the allowed-zone layer (relative paths start at the folder of the file "
        "that names it)")


#: (file, passage, replacement, the one problem reported): a scenario or catalog problem that
#: leaves the layers unread (what the layers are, or how they are read, is not known), so that
#: the broken sites layer is not reported with it.
LAYERS_UNREAD = {
    "layers at fault": (
        SCENARIO, "  sites: {path: sites.geojson}", "  sites: {path: sites.geojson, id_feld: site_id}",
        "scenario.yaml:8: layers.sites.id_feld | unknown key; did you mean 'id_field'?"),
    "invalid_geometry at fault": (
        SCENARIO, "  detour_factor: 1.0", "  detour_factor: 1.0\n  invalid_geometry: mend",
        "scenario.yaml:13: spatial.invalid_geometry | must be 'repair' or 'reject' (got 'mend'); give one of those"),
}


@pytest.mark.parametrize("case", list(LAYERS_UNREAD))
def test_layers_are_not_read_beside_a_problem_that_leaves_them_unknown(folder: Path, case: str):
    name, old, new, problem = LAYERS_UNREAD[case]
    edit(folder / name, old, new)
    rename_field(folder / SITES, "site_id", "code")
    assert load_bad(folder) == f"1 problem in the input:\n  - {problem}"


def test_a_catalog_problem_leaves_the_layers_read_as_far_as_they_need_no_catalog(folder: Path):
    """A catalog at fault leaves how the layers are read known: the broken sites layer is
    reported with it (tests/test_catalog_failing_layer_values.py)."""
    edit(folder / CATALOG, "capacity: 50000,", "capacity: -5,")
    rename_field(folder / SITES, "site_id", "code")
    assert load_bad(folder) == (
        "2 problems in the input:\n"
        "  - catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity | must be greater than 0 (got -5); give a "
        f"value in that range, in t/yr\n  - {NO_SITE_ID}")


def test_a_scenario_schema_problem_and_a_sites_layer_problem_come_in_one_message_on_the_command_line(
        folder: Path, capsys):
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: 1.5")
    rename_field(folder / SITES, "usable_area_ha", "area_ha")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml:32: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5); "
        "give 0.015 for 1.5 %\n"
        f"  - {NO_USABLE_AREA}\n")


def test_a_scenario_reference_problem_and_an_unknown_committed_site_come_together_on_the_command_line(
        folder: Path, capsys):
    edit(folder / SCENARIO, "price_path: base", "price_path: bas")
    edit(folder / COMMITTED, "  site: e_city", "  site: e_cty")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?\n"
        "  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean 'e_city'?\n")


def test_a_sites_layer_problem_in_another_field_leaves_its_ids_known(folder: Path):
    """A usable area that is not a number does not make the layer's ids unknown: a committed
    project at a misspelt site is reported in the same message."""
    sites = json.loads((folder / SITES).read_text())
    sites["features"][0]["properties"]["usable_area_ha"] = "lots"
    (folder / SITES).write_text(json.dumps(sites))
    edit(folder / COMMITTED, "  site: e_city", "  site: e_cty")
    message = load_bad(folder)
    assert message.startswith("2 problems in the input:\n")
    assert ("committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean 'e_city'?"
            in message)
    assert ("sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id 'w_mine') (got "
            "'lots'); use a number") in message


def test_a_scenario_schema_problem_and_a_misspelt_resource_come_in_one_message(folder: Path):
    """The layers are read beside the scenario's schema problem, against the whole catalog: a
    source's resource that is like a catalog resource but not it is reported too."""
    edit(folder / SCENARIO, "  discount_rate: 0.1", "  discount_rate: 1.5")
    edit(folder / "sources.geojson", '"phosphate_rock"', '"phosphate_rok"')
    assert load_bad(folder) == (
        "2 problems in the input:\n"
        "  - scenario.yaml:32: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5); "
        "give 0.015 for 1.5 %\n"
        "  - sources.geojson: field 'resource' | unknown resource in the 1st feature (source_id 'rock_w') (got "
        "'phosphate_rok'); did you mean 'phosphate_rock'? (a resource of its own needs an entry in the resources of "
        "catalog.yaml)")


def test_an_unknown_set_key_does_not_hide_a_bad_set_value(folder: Path, capsys):
    """Two --set problems, an unknown key and a value of the wrong kind, in one message, each
    naming the scenario file first."""
    from siting.cli import main

    code = main(["solve", str(folder / SCENARIO), "--out", str(folder / "out"),
                 "--set", "constraints.redline.bufer_m=5", "--set", "objective.discount_rate=abc"])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2 and not (folder / "out").exists()
    assert err == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml: --set constraints.redline.bufer_m | unknown setting 'constraints.redline.bufer_m'; did "
        "you mean 'buffer_m'?\n"
        "  - scenario.yaml: --set objective.discount_rate | must be a number (got 'abc'); write the number alone, as "
        "a share, e.g. 0.05 for 5 %\n")


# Every file a message names is named the same way, whichever way it was reached (typed on the
# command line, or named in the scenario relative to it): relative to the current folder when it
# lies under it, as the user would type it, otherwise by its absolute path.


def three_files_with_problems(folder: Path) -> None:
    """A price path the catalog lacks (the scenario), a misspelt committed site (the committed
    projects) and a usable area that is not a number (the sites layer)."""
    edit(folder / SCENARIO, "price_path: base", "price_path: bas")
    edit(folder / COMMITTED, "  site: e_city", "  site: e_cty")
    sites = json.loads((folder / SITES).read_text())
    sites["features"][0]["properties"]["usable_area_ha"] = "lots"
    (folder / SITES).write_text(json.dumps(sites))


def solve_from(cwd: Path, scenario: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """`solve <scenario>` run from the folder `cwd`, expecting exit 2; what it prints."""
    from siting.cli import main

    monkeypatch.chdir(cwd)
    assert main(["solve", scenario, "--out", str(cwd / "out")]) == 2
    return capsys.readouterr().err


def test_files_under_the_current_folder_are_named_relative_to_it(folder: Path, monkeypatch, capsys):
    three_files_with_problems(folder)
    assert solve_from(folder.parent, "small/scenario.yaml", monkeypatch, capsys) == (
        "error: 3 problems in the input:\n"
        "  - small/scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?\n"
        "  - small/committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean "
        "'e_city'?\n"
        "  - small/sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id 'w_mine') (got "
        "'lots'); use a number\n")


def test_a_scenario_typed_by_its_absolute_path_under_the_current_folder_is_named_as_typed(
        folder: Path, monkeypatch, capsys):
    """The scenario as typed, absolute (siting/config/load.py `paths_typed`); the files it names,
    not typed, relative to the current folder, which holds them."""
    three_files_with_problems(folder)
    err = solve_from(folder, str(folder / SCENARIO), monkeypatch, capsys)
    assert err.splitlines()[1:] == [
        f"  - {folder}/scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?",
        "  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean 'e_city'?",
        "  - sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id 'w_mine') (got 'lots'); "
        "use a number"]


def test_files_outside_the_current_folder_are_named_as_the_scenario_was_typed(folder: Path, monkeypatch, capsys):
    """The scenario typed as ../small/scenario.yaml from a neighbouring folder: it as typed, and
    every file beside it from the folder it starts at, `..` (siting/config/load.py `shown_path`)."""
    three_files_with_problems(folder)
    (folder.parent / "other").mkdir()
    assert solve_from(folder.parent / "other", "../small/scenario.yaml", monkeypatch, capsys) == (
        "error: 3 problems in the input:\n"
        "  - ../small/scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?\n"
        "  - ../small/committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean "
        "'e_city'?\n"
        "  - ../small/sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id 'w_mine') "
        "(got 'lots'); use a number\n")


def test_a_missing_catalog_and_a_base_scenario_are_named_relative_to_the_current_folder(folder: Path, monkeypatch,
                                                                                        capsys):
    """The file a missing path stands for, and a base scenario's own lines, are named as the
    scenario is."""
    text = (folder / SCENARIO).read_text()
    (folder / "base.yaml").write_text(text.replace("name: small\n", "name: small\ncolour: blue\n"))
    (folder / SCENARIO).write_text("extends: base.yaml\ncatalog: nowhere.yaml\n")
    assert solve_from(folder.parent, "small/scenario.yaml", monkeypatch, capsys) == (
        "error: 2 problems in the input:\n"
        "  - small/base.yaml:2: colour | unknown key; allowed keys: extends, name, description, years, catalog, "
        "price_path, committed_projects, layers, network, calibration, candidates, spatial, targets, constraints, "
        "objective, solver, output, variants\n"
        "  - small/scenario.yaml:2: catalog | no such file (got 'nowhere.yaml', which is small/nowhere.yaml); give the "
        "path of the catalog file (relative paths start at the folder of the file that names it)\n")


def test_a_site_in_no_cluster_is_named_in_the_sites_file_relative_to_the_current_folder(folder: Path, monkeypatch,
                                                                                       capsys):
    """The sites file of a problem found in preprocessing is named as the loading problems name it."""
    sites = json.loads((folder / SITES).read_text())
    sites["features"][3]["geometry"]["coordinates"] = [105.5, 27.5]
    (folder / SITES).write_text(json.dumps(sites))
    assert solve_from(folder.parent, "small/scenario.yaml", monkeypatch, capsys) == (
        "error: 1 problem in the input:\n"
        "  - small/sites.geojson: site 'e_far' | lies in no cluster polygon of small/clusters.geojson; move the "
        "site inside a cluster, extend a cluster polygon to cover it, remove it, or set "
        "spatial.sites_outside_clusters: drop to plan without it\n")


def test_shown_path_is_relative_under_the_current_folder_and_absolute_elsewhere(tmp_path: Path, monkeypatch):
    from siting.config.load import shown_path

    (tmp_path / "here" / "layers").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "here")
    assert shown_path(tmp_path / "here" / "layers" / "sites.gpkg") == "layers/sites.gpkg"
    assert shown_path(Path("layers/../layers/sites.gpkg")) == "layers/sites.gpkg"
    assert shown_path("scenario.yaml") == "scenario.yaml"
    assert shown_path(tmp_path / "there" / "sites.gpkg") == f"{tmp_path}/there/sites.gpkg"
    assert shown_path(Path("../there/sites.gpkg")) == f"{tmp_path}/there/sites.gpkg"
