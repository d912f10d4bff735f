"""Scenario and catalog files that must be refused: duplicate keys, non-finite numbers, files that
are not UTF-8, paths that name folders or nothing, variants of the wrong type, errors inside a
base or a variant (at their own file and line), and cycles in the catalog's inputs.

Each case is a copy of tests/data/small with one fault; each message is matched whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, parse_override, scenario_variants
from tests.conftest import edit

SMALL = Path(__file__).parent / "data" / "small"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def problems(folder: Path, scenario: str = "scenario.yaml", **kwargs) -> list[str]:
    """The problems load_scenario reports, with the folder left out of the paths."""
    with pytest.raises(InputError) as err:
        load_scenario(folder / scenario, **kwargs)
    return [p.replace(f"{folder}/", "") for p in err.value.problems]


# ---------------------------------------------------------------------------------------------
# duplicate keys


def test_duplicate_constraints_block_names_the_key_and_both_lines(folder: Path):
    """A second `constraints:` block pasted at the end (line 37; the first is at line 20) would
    silently replace the first."""
    append(folder / "scenario.yaml", "constraints:\n  redline: {buffer_m: 0}\n")
    assert problems(folder) == [
        "scenario.yaml:39: constraints | duplicate key, first given at line 20 (YAML would silently keep only this "
        "one); remove one of them or merge the two"]


def test_duplicate_key_deep_inside_and_in_a_flow_mapping(folder: Path):
    edit(folder / "scenario.yaml", "    cathode: {2024: 120000}\n", "    cathode: {2024: 120000, 2024: 1}\n")
    edit(folder / "scenario.yaml", "  strict: true\n", "  strict: true\n  strict: false\n")
    assert problems(folder) == [
        "scenario.yaml:15: targets.strict | duplicate key, first given at line 14 (YAML would silently keep only "
        "this one); remove one of them or merge the two",
        "scenario.yaml:19: targets.capacity.cathode.2024 | duplicate key, first given at line 19 (YAML would "
        "silently keep only this one); remove one of them or merge the two"]


def test_duplicate_catalog_product(folder: Path):
    """A second entry for `lfp` with 4x the capex would silently replace the first."""
    append(folder / "catalog.yaml", """  lfp:
    name: LFP cathode
    unit: t
    price_yuan_per_unit: {base: {2023: 40000, 2024: 40000}, flat: {2023: 40000, 2024: 40000}}
    modules:
      - {id: lfp_50kt, capacity: 50000, capex_yuan: 4000000000, land_ha: 10, lifetime_yr: 20}
""")
    assert problems(folder) == [
        "catalog.yaml:41: products.lfp | duplicate key, first given at line 14 (YAML would silently keep only this "
        "one); remove one of them or merge the two"]


def test_duplicate_key_in_a_base_and_in_a_variant(folder: Path):
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: 0\n  rel_gap: 0.5\n")
    (folder / "child.yaml").write_text("extends: scenario.yaml\nname: child\n")
    assert problems(folder, "child.yaml") == [
        "scenario.yaml:35: solver.rel_gap | duplicate key, first given at line 34 (YAML would silently keep only "
        "this one); remove one of them or merge the two"]
    edit(folder / "scenario.yaml", "  rel_gap: 0\n  rel_gap: 0.5\n", "  rel_gap: 0\n")
    append(folder / "scenario.yaml", "variants:\n  v:\n    objective: {discount_rate: 0.2}\n    objective: {}\n")
    assert problems(folder) == [
        "scenario.yaml:42: variants.v.objective | duplicate key, first given at line 41 (YAML would silently keep "
        "only this one); remove one of them or merge the two"]


def test_merge_keys_are_not_duplicates(folder: Path):
    """YAML's `<<` merge: explicit keys override merged ones, which is what the user asked for."""
    edit(folder / "scenario.yaml", "objective:\n  discount_rate: 0.1\n",
         "defaults: &d {discount_rate: 0.2, shortfall_penalty_factor: 5}\nobjective:\n  <<: *d\n  discount_rate: 0.1\n")
    with pytest.raises(InputError) as err:  # only the unknown top-level key is reported
        load_scenario(folder / "scenario.yaml")
    assert [p.split(" | ")[0] for p in err.value.problems] == [f"{folder / 'scenario.yaml'}:31: defaults"]


def test_set_override_value_that_is_not_yaml():
    with pytest.raises(InputError) as err:
        parse_override("targets.capacity={lfp: 1")
    assert err.value.problems == [
        "--set targets.capacity | YAML syntax error: the '{' opened at column 1 is never closed (got '{lfp: 1'); "
        "close it with '}'"]


# ---------------------------------------------------------------------------------------------
# non-finite numbers


def test_infinite_module_capacity_in_the_catalog(folder: Path):
    """Today `.inf` gives an "optimal" plan with nothing built and every strict target "met"."""
    edit(folder / "catalog.yaml", "capacity: 50000,", "capacity: .inf,")
    assert problems(folder) == [
        f"{(folder / 'catalog.yaml').resolve()}:20: products.lfp.modules[0] (lfp_50kt).capacity "
        "| must be a finite number "
        "(got inf); give a finite number, in t/yr".replace(f"{folder}/", "")]


def test_nan_in_targets_and_inf_text_in_a_mapping_of_numbers(folder: Path):
    edit(folder / "scenario.yaml", "cathode: {2024: 120000}", "cathode: {2024: nan}")
    edit(folder / "scenario.yaml", "{phosphate_rock: 50}", "{phosphate_rock: -.inf}")
    edit(folder / "scenario.yaml", "discount_rate: 0.1", "discount_rate: .NaN")
    assert problems(folder) == [
        "scenario.yaml:18: targets.capacity.cathode.2024 | must be a finite number (got 'nan'); give a finite "
        "number, in t/yr, e.g. 50000",
        "scenario.yaml:23: constraints.proximity.max_distance_km.phosphate_rock | must be a finite number (got -inf); "
        "give a finite number, in km, e.g. 50",
        "scenario.yaml:32: objective.discount_rate | must be a finite number (got nan); give a finite number, as a "
        "share, e.g. 0.05 for 5 %"]


def test_set_override_of_inf_is_refused(folder: Path, capsys):
    key, values = parse_override("constraints.redline.buffer_m=inf")
    assert problems(folder, overrides=((key, values[0]),)) == [
        "scenario.yaml: --set constraints.redline.buffer_m | must be a finite number (got 'inf'); give a finite "
        "number, in m, e.g. 500"]
    code = main(["show", str(folder / "scenario.yaml"), "--set", "targets.capacity.cells.2024=.inf"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"error: 1 problem in the input:\n  - {folder / 'scenario.yaml'}: --set "
                   "targets.capacity.cells.2024 | must be a finite number (got inf); give a finite number, in GWh/yr, "
                   "e.g. 10\n")


# ---------------------------------------------------------------------------------------------
# encoding and paths


def test_scenario_not_in_utf8(folder: Path, capsys):
    """Latin-1 bytes: 'é' is the single byte 0xe9, which cannot start a UTF-8 character here."""
    scenario = folder / "scenario.yaml"
    text = scenario.read_text().replace("one phosphate source", "one phosphate source near Kunming (café)")
    scenario.write_bytes(text.encode("latin-1"))
    offset = scenario.read_bytes().index(b"\xe9")
    expected = (f"scenario.yaml:2: the file is not UTF-8 text (byte 0xe9 at offset {offset}: invalid continuation "
                "byte); save it with the UTF-8 encoding")
    assert problems(folder) == [expected]
    code = main(["solve", str(scenario), "--out", str(folder / "out")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == f"error: 1 problem in the input:\n  - {folder}/{expected}\n"
    assert not (folder / "out").exists()


def test_extends_pointing_at_a_folder_or_at_nothing(folder: Path):
    (folder / "bases").mkdir()
    (folder / "child.yaml").write_text("name: child\nextends: bases\n")
    assert problems(folder, "child.yaml") == [
        f"child.yaml:2: extends | is a folder, not a file (got 'bases', which is {folder / 'bases'}); give the path "
        "of a base scenario file".replace(f"{folder}/", "")]
    (folder / "child.yaml").write_text("name: child\nextends: bases/base.yaml\n")
    assert problems(folder, "child.yaml") == [
        f"child.yaml:2: extends | no such file (got 'bases/base.yaml', which is {folder / 'bases' / 'base.yaml'}); "
        "give the path of a base scenario file (relative paths start at the folder of the file that names it)"
        .replace(f"{folder}/", "")]


def test_missing_base_of_a_base_names_the_file_that_asked_for_it(folder: Path):
    (folder / "middle.yaml").write_text("extends: gone.yaml\nname: middle\n")
    (folder / "child.yaml").write_text("extends: middle.yaml\nname: child\n")
    assert problems(folder, "child.yaml") == [
        f"middle.yaml:1: extends | no such file (got 'gone.yaml', which is {folder / 'gone.yaml'}); give the path of "
        "a base scenario file (relative paths start at the folder of the file that names it)"
        .replace(f"{folder}/", "")]


def test_catalog_pointing_at_a_folder(folder: Path):
    (folder / "tech").mkdir()
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: tech")
    assert problems(folder) == [
        f"scenario.yaml:4: catalog | is a folder, not a file (got 'tech', which is {folder / 'tech'}); give the path "
        "of the catalog file".replace(f"{folder}/", "")]


def test_catalog_of_a_base_that_is_missing_is_reported_at_the_base(folder: Path):
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: nowhere.yaml")
    (folder / "sub").mkdir()
    (folder / "sub" / "child.yaml").write_text("extends: ../scenario.yaml\nname: child\n")
    assert problems(folder, "sub/child.yaml") == [
        f"scenario.yaml:4: catalog | no such file (got '../nowhere.yaml', which is {folder / 'nowhere.yaml'}); give "
        "the path of the catalog file (relative paths start at the folder of the file that names it)"
        .replace(f"{folder}/", "")]


# ---------------------------------------------------------------------------------------------
# variants and bases


def test_variants_as_a_list(folder: Path):
    append(folder / "scenario.yaml", "variants: [strict, loose]\n")
    expected = ["scenario.yaml:39: variants | must be a mapping of variant names to overrides (got a list); write "
                "each variant as '<name>: {<key>: <value>, ...}'"]
    assert problems(folder) == expected
    assert problems(folder, variant="strict") == expected
    with pytest.raises(InputError) as err:  # what `compare` asks first
        scenario_variants(folder / "scenario.yaml")
    assert [p.replace(f"{folder}/", "") for p in err.value.problems] == expected


def test_a_variant_that_is_not_a_mapping(folder: Path):
    append(folder / "scenario.yaml", "variants:\n  ok: {objective: {discount_rate: 0.2}}\n  bad: [1, 2]\n")
    assert problems(folder, variant="ok") == [
        "scenario.yaml:41: variants.bad | a variant is a name with a mapping of overrides (got a list); write it as "
        "'<name>: {<key>: <value>, ...}'"]


@pytest.mark.parametrize(("name", "read"), [("16", "a number"), ("1.5", "a number"), ("true", "true/false"),
                                            ("~", "no value")])
def test_a_variant_named_by_a_number_is_told_its_name_is_text(folder: Path, capsys, monkeypatch, name, read):
    """A variant whose name YAML reads as no text (`16: {}`) was told "a variant is a name with a
    mapping of overrides (got 16)", which it seemed to be: the message says a name is text, names
    the key as written, and how to quote it; `compare` and `sweep`, which check every variant,
    say the same."""
    append(folder / "scenario.yaml", f"variants:\n  ok: {{objective: {{discount_rate: 0.2}}}}\n  {name}: {{}}\n")
    expected = [f"scenario.yaml:41: variants.{name} (as a key) | a variant's name must be text (got {name}, read as "
                f"{read}); quote it, '{name}': {{<key>: <value>, ...}}, or name the variant with a word"]
    assert problems(folder, variant="ok") == expected
    with pytest.raises(InputError) as err:  # what `compare` asks first
        scenario_variants(folder / "scenario.yaml")
    assert [p.replace(f"{folder}/", "") for p in err.value.problems] == expected
    monkeypatch.chdir(folder)
    assert main(["compare", "scenario.yaml", "--out", "cmp"]) == 2
    assert f"  - {expected[0]}" in capsys.readouterr().err.splitlines()
    assert not (folder / "cmp").exists()


def test_a_variant_named_in_quotes_by_a_number_runs(folder: Path):
    append(folder / "scenario.yaml", "variants:\n  '16': {objective: {discount_rate: 0.2}}\n")
    assert load_scenario(folder / "scenario.yaml", variant="16").scenario.objective.discount_rate == 0.2


def test_errors_inside_a_variant_name_the_variant_and_its_line(folder: Path):
    append(folder / "scenario.yaml", """variants:
  wide:
    constraints:
      redline: {buffer_m: -5}
    targets:
      capacity:
        anode: {2024: 1}
  typo:
    constraints:
      redline: {bufer_m: 5}
""")
    typo = ("scenario.yaml:48: variants.typo.constraints.redline.bufer_m | overrides a key the base scenario does "
            "not have; did you mean 'buffer_m'?")
    anode = ("scenario.yaml:45: variants.wide.targets.capacity | unknown target group or product (got 'anode'); "
             "choose one of: cathode, fepo4, lfp, cells")
    # every variant is checked at every load: the selected one's problems first (a schema problem
    # does not hide a reference problem), then the others'
    assert problems(folder, variant="wide") == [
        "scenario.yaml:42: variants.wide.constraints.redline.buffer_m | must be greater than or equal to 0 "
        "(got -5); give a value in that range, in m", anode, typo]
    edit(folder / "scenario.yaml", "{buffer_m: -5}", "{buffer_m: 5}")
    assert problems(folder, variant="wide") == [anode, typo]
    assert problems(folder, variant="typo") == [typo, anode]


def test_error_in_a_variant_defined_by_a_base_names_the_base_file(folder: Path):
    append(folder / "scenario.yaml", "variants:\n  far:\n    spatial: {detour_factor: 0.5}\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "child.yaml").write_text("extends: ../scenario.yaml\nname: child\n")
    assert problems(folder, "sub/child.yaml", variant="far") == [
        "scenario.yaml:41: variants.far.spatial.detour_factor | must be greater than or equal to 1 (got 0.5)"
        "; give a value in that range, in km per km"]


def test_errors_in_a_base_name_the_base_file_and_its_line(folder: Path):
    """The base sets a negative buffer at its line 21; the child sets a bad year at its own line 5.
    Each is reported in the file that wrote it, both at once (the schema problem does not hide the
    reference problem)."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: -1000}")
    (folder / "sub").mkdir()
    (folder / "sub" / "child.yaml").write_text(
        "extends: ../scenario.yaml\nname: child\ntargets:\n  capacity:\n    cells: {2030: 10}\n")
    assert problems(folder, "sub/child.yaml") == [
        "scenario.yaml:21: constraints.redline.buffer_m | must be greater than or equal to 0 (got -1000)"
        "; give a value in that range, in m",
        "sub/child.yaml:5: targets.capacity.cells.2030 | year 2030 is outside the scenario's years [2023, 2024]; use "
        "one of them or extend 'years'"]
    edit(folder / "scenario.yaml", "redline: {buffer_m: -1000}", "redline: {buffer_m: 1000}")
    edit(folder / "scenario.yaml", "price_path: base", "price_path: bas")
    assert problems(folder, "sub/child.yaml") == [
        "scenario.yaml:5: price_path | unknown price path (got 'bas'); did you mean 'base'?",
        "sub/child.yaml:5: targets.capacity.cells.2030 | year 2030 is outside the scenario's years [2023, 2024]; use "
        "one of them or extend 'years'"]


def test_errors_in_the_extending_file_stay_at_its_own_lines(folder: Path):
    (folder / "child.yaml").write_text("extends: scenario.yaml\nname: child\nobjective: {discount_rate: 2}\n")
    assert problems(folder, "child.yaml") == [
        "child.yaml:3: objective.discount_rate | must be less than 1: a share, not a percent (got 2); give 0.02 "
        "for 2 %"]


# ---------------------------------------------------------------------------------------------
# catalog cycles


def test_cycle_of_two_in_the_catalog_inputs(folder: Path):
    edit(folder / "catalog.yaml", "    resources_t_per_unit: {phosphate_rock: 2.0}\n",
         "    resources_t_per_unit: {phosphate_rock: 2.0}\n    inputs: {lfp: 0.5}\n")
    assert problems(folder) == [
        f"{(folder / 'catalog.yaml').resolve()}:14: products.fepo4.inputs | products are inputs of one another in a "
        "cycle: fepo4 -> lfp -> fepo4 (each takes the next as an input); remove one of these inputs"
        .replace(f"{folder}/", "")]


def test_cycle_of_three_in_the_catalog_inputs(folder: Path):
    edit(folder / "catalog.yaml", "    resources_t_per_unit: {phosphate_rock: 2.0}\n",
         "    resources_t_per_unit: {phosphate_rock: 2.0}\n    inputs: {cells: 1}\n")
    assert problems(folder) == [
        f"{(folder / 'catalog.yaml').resolve()}:14: products.fepo4.inputs | products are inputs of one another in a "
        "cycle: fepo4 -> cells -> lfp -> fepo4 (each takes the next as an input); remove one of these inputs"
        .replace(f"{folder}/", "")]


def test_chain_without_a_cycle_loads(folder: Path):
    """The small catalog is a chain, cells <- lfp <- fepo4: no cycle, no problem."""
    loaded = load_scenario(folder / "scenario.yaml")
    assert {p: dict(v.inputs) for p, v in loaded.catalog.products.items()} == {
        "fepo4": {}, "lfp": {"fepo4": 1.0}, "cells": {"lfp": 2000.0}}


def test_values_of_the_wrong_type_are_refused_in_plain_words_with_a_fix(folder: Path):
    """A number in quotes with a unit, a list where a number goes and a mapping where a list goes:
    each message says what the key must be and how to write it (no pydantic phrasing)."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: '1 km'}")
    edit(folder / "scenario.yaml", "discount_rate: 0.1", "discount_rate: [0.1]")
    assert problems(folder) == [
        "scenario.yaml:21: constraints.redline.buffer_m | must be a number (got '1 km'); write the number alone, in "
        "m, e.g. 500",
        "scenario.yaml:32: objective.discount_rate | must be a number (got a list); write the number alone, as a "
        "share, e.g. 0.05 for 5 %"]


def test_a_name_with_spaces_gets_a_name_it_could_have(folder: Path):
    """The scenario name names files and columns: a space or a slash is refused with the name
    written the allowed way as the fix."""
    edit(folder / "scenario.yaml", "name: small", "name: Yunnan 2024 / strict")
    assert problems(folder) == [
        "scenario.yaml:1: name | may hold only the letters A-Z and a-z, digits and _ . - (got 'Yunnan 2024 / "
        "strict'); write it as e.g. 'Yunnan_2024_strict'"]


def test_a_name_in_chinese_is_told_which_letters_a_name_may_hold(folder: Path):
    """The name names files and folders on any system: only the Latin letters pass, and the message
    says so, not "letters" (which Chinese characters are) as before."""
    edit(folder / "scenario.yaml", "name: small", "name: 云南测试")
    assert problems(folder) == [
        "scenario.yaml:1: name | may hold only the letters A-Z and a-z, digits and _ . - (got '云南测试'); write it "
        "as e.g. 'yunnan_2024'"]


def test_problems_come_in_line_order(folder: Path):
    """An unknown key near the top and a type error further down: both reported, top first
    (pydantic reports the type error first)."""
    edit(folder / "scenario.yaml", "name: small", "name: small\nbogus_key: 1")
    edit(folder / "scenario.yaml", "  detour_factor: 1.0", "  detour_factor: '1 km'")
    lines = (folder / "scenario.yaml").read_text().splitlines()
    found = problems(folder)
    line = lines.index("  detour_factor: '1 km'") + 1
    assert [p.split(" | ")[0] for p in found] == [
        "scenario.yaml:2: bogus_key", f"scenario.yaml:{line}: spatial.detour_factor"]
