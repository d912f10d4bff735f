"""Input leftovers of the JSON schemas and of the loader's rounds:

1. `targets.capacity_ceiling_factor` is 0 (no ceiling) or at least 1: the exported schema says so
   (`anyOf: [{const: 0}, {minimum: 1, ...}]`), and the loader refuses 0.5 as the schema does.
2. `siting schema --of catalog|committed` exports the schema of the technology catalog and of the
   committed-projects file, made from the models the loader validates them with: the shipped
   files pass their schemas, and a value just outside a bound fails both the schema and the loader.
3. A number in quotes ('1000', '1e6'; PyYAML also reads an unquoted 1e6 as text) is read as the
   number: the schema says so (each number also takes a numeric text, `QuotedNumber`), and the
   loader takes exactly the texts the schema's pattern takes, for a whole number too ('1e3').
4. A catalog's missing price years come with its other problems in one message: a value error
   in the same product or the same prices, a repeated module id, did hide them until mended.

jsonschema is not installed: `errors_of` checks a value against a schema with the keywords the
exported schemas use (the test fails on any other keyword, so that none is skipped)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, read_yaml
from tests.conftest import edit

SCENARIOS = Path(__file__).parent.parent / "scenarios"

# ---------------------------------------------------------------------------------------------
# a JSON Schema check, for the keywords the exported schemas use

#: Keywords that only annotate (editors show them), and those `errors_of` checks.
ANNOTATIONS = {"$comment", "$schema", "$defs", "title", "description", "default", "format", "examples"}
CHECKED = {"$ref", "anyOf", "const", "enum", "type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
           "pattern", "minLength", "minItems", "minProperties", "properties", "additionalProperties", "required",
           "items"}
TYPES = {"null": lambda v: v is None, "boolean": lambda v: isinstance(v, bool),
         "string": lambda v: isinstance(v, str), "object": lambda v: isinstance(v, dict),
         "array": lambda v: isinstance(v, list),
         "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
         "integer": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()}


def as_json(value: Any) -> Any:
    """`value` as read from YAML, as JSON holds it: mapping keys are text (a year key 2024 is "2024")."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def errors_of(root: dict, value: Any, node: dict | None = None, at: str = "") -> list[str]:
    """Where `value` fails the schema `root` (at its `node`), as "<key path>: <keyword>"; [] when it passes."""
    node = root if node is None else node
    unknown = set(node) - ANNOTATIONS - CHECKED
    assert not unknown, f"{at}: keywords errors_of does not check: {sorted(unknown)}"
    found: list[str] = []
    if "$ref" in node:
        found += errors_of(root, value, root["$defs"][node["$ref"].rsplit("/", 1)[-1]], at)
    if "anyOf" in node:
        failed = [errors_of(root, value, branch, at) for branch in node["anyOf"]]
        if all(failed):  # each branch's failures but that of its type (the branch is for other values)
            found += [f"{at}: anyOf", *(e for errors in failed for e in errors if not e.endswith(": type"))]
    if "const" in node and value != node["const"]:
        found.append(f"{at}: const")
    if "enum" in node and value not in node["enum"]:
        found.append(f"{at}: enum")
    kinds = node.get("type", list(TYPES))
    if not any(TYPES[kind](value) for kind in (kinds if isinstance(kinds, list) else [kinds])):
        return [*found, f"{at}: type"]
    return found + [f"{at}: {word}" for word in value_errors(node, value)] + inner_errors(root, node, value, at)


#: The bounds of a number: each keyword with whether it refuses a value beyond a bound.
BOUNDS = {"minimum": lambda v, b: v < b, "maximum": lambda v, b: v > b,
          "exclusiveMinimum": lambda v, b: v <= b, "exclusiveMaximum": lambda v, b: v >= b}


def value_errors(node: dict, value: Any) -> list[str]:
    """The keywords of `node` that `value` itself (a number, text, list or mapping) fails."""
    if TYPES["number"](value):
        return [word for word, refused in BOUNDS.items() if word in node and refused(value, node[word])]
    if isinstance(value, str):
        return (["pattern"] if "pattern" in node and not re.search(node["pattern"], value) else []) + \
            (["minLength"] if len(value) < node.get("minLength", 0) else [])
    if isinstance(value, list):
        return ["minItems"] if len(value) < node.get("minItems", 0) else []
    if isinstance(value, dict):
        return ["minProperties"] if len(value) < node.get("minProperties", 0) else []
    return []


def inner_errors(root: dict, node: dict, value: Any, at: str) -> list[str]:
    """Where the items of a list or the keys of a mapping fail `node`'s `items`, `properties`,
    `additionalProperties` and `required`."""
    found: list[str] = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += errors_of(root, item, node.get("items", {}), f"{at}[{i}]")
    if isinstance(value, dict):
        found += [f"{at}.{key}: required" for key in node.get("required", []) if key not in value]
        for key, item in value.items():
            inner = node.get("properties", {}).get(key, node.get("additionalProperties", {}))
            if inner is False:
                found.append(f"{at}.{key}: additionalProperties")
            else:
                found += errors_of(root, item, inner, f"{at}.{key}" if at else key)
    return found


def printed_schema(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    """The schema `siting schema <args>` prints."""
    assert main(["schema", *args]) == 0
    return json.loads(capsys.readouterr().out)


def node_at(root: dict, *keys: str) -> dict:
    """The schema of the key at `keys` of a file: its definition followed through `$ref`s."""
    node = root
    for key in keys:
        while "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        node = node["properties"][key]
    return node


def loader_problems(folder: Path, overrides: tuple[tuple[str, Any], ...] = ()) -> list[str]:
    """The problems of loading `folder`/scenario.yaml with `overrides`, the folder's path taken out."""
    try:
        load_scenario(folder / "scenario.yaml", overrides=overrides)
    except InputError as exc:
        return [problem.replace(f"{folder}/", "") for problem in exc.problems]
    return []


# ---------------------------------------------------------------------------------------------
# 1. capacity_ceiling_factor: 0 (off) or at least 1


CEILING = node_at(siting.scenario_json_schema(), "targets", "capacity_ceiling_factor")


@pytest.mark.parametrize(("value", "accepted"), [(0, True), (0.0, True), (1, True), (1.5, True), (1e12, True),
                                                 (0.5, False), (0.999, False), (-1, False), (2e12, False)])
def test_the_schema_holds_the_ceiling_factor_to_0_or_at_least_1(value: float, accepted: bool):
    assert (errors_of(siting.scenario_json_schema(), value, CEILING) == []) is accepted


def test_the_ceiling_factor_node_says_0_or_at_least_1_with_its_description():
    assert CEILING["anyOf"][:2] == [{"const": 0}, {"maximum": 1e12, "minimum": 1, "type": "number"}]
    assert CEILING["description"] == ("Caps each targeted group's capacity at this multiple of its target; 0: no "
                                      "ceiling, else at least 1 (factor)")
    assert CEILING["default"] == 0.0


def test_the_loader_refuses_the_ceiling_factor_the_schema_refuses(folder: Path):
    """Refused in the schema's round, with the other schema problems (here a discount rate of 6)."""
    edit(folder / "scenario.yaml", "  strict: true", "  strict: true\n  capacity_ceiling_factor: 0.5")
    edit(folder / "scenario.yaml", "  discount_rate: 0.1", "  discount_rate: 6")
    assert loader_problems(folder) == [
        "scenario.yaml:15: targets.capacity_ceiling_factor | must be 0 (no ceiling) or at least 1 (got 0.5); a "
        "ceiling below the target contradicts it",
        "scenario.yaml:33: objective.discount_rate | must be less than 1: a share, not a percent (got 6); give 0.06 "
        "for 6 %"]
    for value in (0, 1, "1"):
        assert loader_problems(folder, (("targets.capacity_ceiling_factor", value),
                                        ("objective.discount_rate", 0.1))) == []


# ---------------------------------------------------------------------------------------------
# 2. the catalog's and the committed-projects file's schemas


def test_the_shipped_catalog_passes_its_schema(capsys):
    schema = printed_schema(capsys, "--of", "catalog")
    assert schema["$comment"].startswith("JSON schema of a siting technology catalog file, written by "
                                         "`siting schema --of catalog`, siting ")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sorted(schema["required"]) == ["price_paths", "products"]
    data, _ = read_yaml(SCENARIOS / "catalog.yaml")
    assert errors_of(schema, as_json(data)) == []


def test_the_shipped_committed_projects_pass_their_schema(capsys):
    schema = printed_schema(capsys, "--of", "committed")
    assert schema["$comment"].startswith("JSON schema of a siting committed-projects file, written by "
                                         "`siting schema --of committed`, siting ")
    data, _ = read_yaml(SCENARIOS / "committed_projects.yaml")
    assert len(data) > 10
    assert errors_of(schema, as_json(data)) == []
    assert errors_of(schema, None) == []  # an empty file: no projects, as the loader reads it


@pytest.mark.parametrize("name", sorted(path.name for path in SCENARIOS.glob("*.yaml")
                                        if path.name not in ("catalog.yaml", "committed_projects.yaml")))
def test_each_shipped_scenario_passes_the_scenario_schema(capsys, name: str):
    data, _ = read_yaml(SCENARIOS / name)
    schema = printed_schema(capsys, "--partial") if "extends" in data else printed_schema(capsys)
    assert errors_of(schema, as_json(data)) == []


#: A key of the small catalog, a value just outside its bound and where the schema refuses it.
CATALOG_OUTSIDE = [
    (("products", "lfp", "modules", 0, "capacity"), 0, "products.lfp.modules[0].capacity: exclusiveMinimum"),
    (("products", "lfp", "modules", 0, "lifetime_yr"), math.nextafter(1000, 2000),
     "products.lfp.modules[0].lifetime_yr: maximum"),
    (("products", "lfp", "utilisation"), 1.01, "products.lfp.utilisation: maximum"),
    (("products", "cells", "lead_time_yr"), 51, "products.cells.lead_time_yr: maximum"),
    (("resources", "phosphate_rock", "price_yuan_per_t"), -1, "resources.phosphate_rock.price_yuan_per_t: minimum"),
]


@pytest.mark.parametrize(("keys", "value", "where"), CATALOG_OUTSIDE, ids=[c[2].split(":")[0] for c in CATALOG_OUTSIDE])
def test_a_catalog_value_just_outside_a_bound_fails_its_schema_and_the_loader(folder: Path, capsys, keys: tuple,
                                                                             value: float, where: str):
    schema = printed_schema(capsys, "--of", "catalog")
    data, _ = read_yaml(folder / "catalog.yaml")
    assert errors_of(schema, as_json(data)) == []
    node = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    assert [error for error in errors_of(schema, as_json(data)) if not error.endswith(": anyOf")] == [where]
    (folder / "catalog.yaml").write_text(json.dumps(data))  # JSON is YAML
    found = loader_problems(folder)
    assert len(found) == 1 and ".".join(map(str, keys[:2])) in found[0], found


@pytest.mark.parametrize(("key", "value", "where"), [
    ("capacity", 0, "[0].capacity: exclusiveMinimum"), ("online_year", 1949, "[0].online_year: minimum"),
    ("online_year", 2201, "[0].online_year: maximum"), ("status", "planned", "[0].status: enum"),
    ("site", "", "[0].site: minLength")])
def test_a_committed_project_just_outside_a_bound_fails_its_schema_and_the_loader(folder: Path, capsys, key: str,
                                                                                  value: Any, where: str):
    schema = printed_schema(capsys, "--of", "committed")
    data, _ = read_yaml(folder / "committed_projects.yaml")
    assert errors_of(schema, data) == []
    data[0][key] = value
    assert [error for error in errors_of(schema, data) if not error.endswith(": anyOf")] == [where]
    (folder / "committed_projects.yaml").write_text(json.dumps(data))
    found = loader_problems(folder)
    assert len(found) == 1 and f"[0] (east_lfp).{key} | " in found[0], found


def test_the_catalog_schema_is_written_and_rewritten_with_out(tmp_path: Path, capsys):
    target = tmp_path / "catalog.schema.json"
    for _ in range(2):  # a schema file siting wrote is replaced
        assert main(["schema", "--of", "catalog", "--out", str(target)]) == 0
        assert capsys.readouterr().out == f"catalog schema written to {target.resolve()}\n"
    assert json.loads(target.read_text()) == printed_schema(capsys, "--of", "catalog")
    assert main(["schema", "--out", str(target)]) == 0  # and by another kind's
    assert json.loads(target.read_text())["$comment"].startswith("JSON schema of a siting scenario file")


def test_partial_is_for_a_scenario_schema_only(capsys):
    assert main(["schema", "--of", "committed", "--partial"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("error: 1 problem in the input:\n  - --partial | leaves out the keys a file that "
                            "extends a base need not repeat, and only a scenario extends one (got --of committed); "
                            "leave out --partial\n")


# ---------------------------------------------------------------------------------------------
# 3. numbers in quotes: the schema and the loader agree

#: Texts and whether each is a number ('1000') and a whole number ('3') the loader reads.
TEXTS = [("1000", True, True), ("1e6", True, True), ("1.5e9", True, True), ("-2.5", True, False),
         ("+5", True, True), (".5", True, False), ("5.", True, True), ("1_000", True, True), (" 1000 ", True, True),
         ("3.0", True, True), ("1e3", True, True), ("1.5", True, False), ("2.50E+2", True, True),
         ("1 km", False, False), ("1,000", False, False), ("0x10", False, False), ("inf", False, False),
         ("NaN", False, False), ("", False, False), ("1e", False, False), ("_1", False, False),
         ("1__0", False, False), ("\u0663", False, False), ("\u00a01", False, False), ("1\n\n2", False, False)]


def test_every_number_of_the_schemas_takes_a_number_in_quotes(capsys):
    """Each number node (type number or integer) has a text sibling: QuotedNumber or QuotedWholeNumber."""
    for args in ((), ("--of", "catalog"), ("--of", "committed")):
        schema = printed_schema(capsys, *args)
        bare: list[str] = []

        def walk(node: Any, at: str, quoted: set[str], schema: dict = schema, bare: list[str] = bare) -> None:
            if isinstance(node, dict):
                if node.get("type") in ("number", "integer"):
                    wanted = "#/$defs/QuotedNumber" if node["type"] == "number" else "#/$defs/QuotedWholeNumber"
                    if wanted not in quoted:
                        bare.append(at)
                branches = {b.get("$ref", "") for b in node.get("anyOf", []) if isinstance(b, dict)}
                for key, inner in node.items():
                    walk(inner, f"{at}.{key}", branches if key == "anyOf" else set())
            elif isinstance(node, list):
                for i, inner in enumerate(node):
                    walk(inner, f"{at}[{i}]", quoted)

        walk(schema, "", set())
        assert bare == [], args


@pytest.mark.parametrize(("text", "number", "whole"), TEXTS, ids=[repr(t[0]) for t in TEXTS])
def test_the_loader_reads_a_number_in_quotes_as_the_schema_says(folder: Path, text: str, number: bool,
                                                               whole: bool):
    """buffer_m (a number), the random seed (a whole number), a HiGHS option of each kind: the text
    passes the schema's node exactly when the loader takes it. (solver.rel_gap is left out: it
    sets mip_rel_gap, which then may not be given otherwise.)"""
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  threads: 1\n")
    schema = siting.scenario_json_schema()
    cases = [(("constraints", "redline", "buffer_m"), "constraints.redline.buffer_m", number),
             (("solver", "options", "mip_rel_gap"), "solver.options.mip_rel_gap", number),
             (("solver", "random_seed"), "solver.random_seed", whole),
             (("solver", "options", "mip_max_nodes"), "solver.options.mip_max_nodes", whole)]
    for keys, key, expected in cases:
        in_range = expected and "-" not in text
        assert (errors_of(schema, text, node_at(schema, *keys)) == []) is expected, key
        assert (loader_problems(folder, ((key, text),)) == []) is in_range, key


def test_an_unquoted_exponent_is_a_number_the_loader_reads_for_a_whole_number_too(folder: Path):
    """PyYAML reads `1e3` (no dot) as text, a YAML 1.2 editor as the number 1000: a whole number
    written so was refused ("must be a whole number (got '1e3')") though the schema took it."""
    edit(folder / "scenario.yaml", "  rel_gap: 0", "  rel_gap: 0\n  random_seed: 1e3\n  time_limit_s: 6e1")
    loaded = load_scenario(folder / "scenario.yaml").scenario
    assert (loaded.solver.random_seed, loaded.solver.time_limit_s) == (1000, 60.0)


def test_a_quoted_fraction_for_a_whole_number_is_refused_as_one(folder: Path):
    assert loader_problems(folder, (("solver.threads", "1.5"),)) == [
        "scenario.yaml: --set solver.threads | must be a whole number (got '1.5'); write it as digits, without "
        "units or decimals"]


# ---------------------------------------------------------------------------------------------
# 4. a catalog's missing price years come with its other problems

LFP_2024 = ("price_yuan_per_unit: {base: {2023: 50000, 2024: 40000}", "price_yuan_per_unit: {base: {2023: 50000}")
LFP_YEAR = ("catalog.yaml:18: products.lfp.price_yuan_per_unit.base | no price for product 'lfp' on price path "
            "'base' in 2024; give one for every year of the plan (2023-2024), or end the plan in 2023")


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("capex_yuan: 1000000000", "capex_yuan: -5", "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capex_yuan | "
     "must be greater than or equal to 0 (got -5); give a value in that range, in yuan"),
    ("id: lfp_50kt", "id: fepo4_100kt", "catalog.yaml:20: products.lfp.modules[0] (fepo4_100kt).id | module id "
     "'fepo4_100kt' is already used by product 'fepo4'; module ids must be unique"),
    ("inputs: {fepo4: 1.0}", "inputs: {fepo5: 1.0}", "catalog.yaml:21: products.lfp.inputs | unknown product (got "
     "'fepo5'); choose one of: fepo4, lfp, cells"),
    ("flat: {2023: 40000, 2024: 40000}}\n    modules:\n      - {id: lfp", "flat: {2023: x, 2024: 40000}}\n    "
     "modules:\n      - {id: lfp", "catalog.yaml:18: products.lfp.price_yuan_per_unit.flat.2023 | must be a number "
     "(got 'x'); write the number alone, in yuan/t, e.g. 50000 (its base price for 2023)"),
], ids=["a module's capex", "a repeated module id", "an unknown input", "a price on the other path"])
def test_a_missing_price_year_comes_with_the_other_problems_of_the_catalog(folder: Path, old: str, new: str,
                                                                          problem: str):
    edit(folder / "catalog.yaml", *LFP_2024)
    edit(folder / "catalog.yaml", old, new)
    assert sorted(loader_problems(folder)) == sorted([LFP_YEAR, problem])


def test_a_broken_price_of_a_year_is_that_year_given(folder: Path):
    """A price given for 2024 but not a number is that problem alone, not also a missing 2024."""
    edit(folder / "catalog.yaml", "{base: {2023: 50000, 2024: 40000}", "{base: {2023: 50000, 2024: -4}")
    assert loader_problems(folder) == [
        "catalog.yaml:18: products.lfp.price_yuan_per_unit.base.2024 | must be greater than or equal to 0 (got -4); "
        "give a value in that range, in yuan/t"]


def test_a_resource_on_the_map_only_gets_no_year_problem_for_import_prices_it_may_not_have(folder: Path):
    edit(folder / "catalog.yaml", "lithium_clay: {unit: t, price_yuan_per_t: 50,",
         "lithium_clay: {unit: t, price_yuan_per_t: null, import_price_yuan_per_t: {base: {2023: 1}, flat: {2023: 1}},")
    edit(folder / "catalog.yaml", 'sources: {price_yuan_per_t: "assumption: invented"}}}',
         'sources: {price_yuan_per_t: "on the map only: no product draws on it"}}}')
    assert loader_problems(folder) == [
        "catalog.yaml:4: resources.lithium_clay.import_price_yuan_per_t | given for a resource on the map only "
        "(price_yuan_per_t: null), which no product may draw on; set it to null, or give the resource a "
        "price_yuan_per_t"]
