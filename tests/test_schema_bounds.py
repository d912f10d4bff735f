"""The scenario's JSON schema (`siting schema`) carries every bound the loader holds a number to,
in JSON Schema's words (minimum, exclusiveMinimum, maximum, exclusiveMaximum), so that an editor
refuses what `siting` refuses and accepts what it accepts. The bounds are those of the models
(`Field(ge=...)`, `Limit`) and of HiGHS, asked of HiGHS itself (`siting.config.highs`)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import siting
from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.config.schema import Catalog

SMALL = Path(__file__).parent / "data" / "small"
BOUND_WORDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
#: Pydantic's words for bounds, which no editor reads.
PYDANTIC_WORDS = ("ge", "gt", "le", "lt")


def resolve(schema: dict, node: dict) -> dict:
    """`node`, or the definition its `$ref` names."""
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def numbers(schema: dict, node: dict, path: str = "") -> dict[str, dict]:
    """Dotted key path -> the schema of each number in `node`; an entry of a mapping is `*`, an
    item of a list `[]`."""
    node = resolve(schema, node)
    found: dict[str, dict] = {}
    if node.get("type") in ("number", "integer"):
        found[path] = node
    for branch in node.get("anyOf", []):
        found.update(numbers(schema, branch, path))
    for name, inner in node.get("properties", {}).items():
        found.update(numbers(schema, inner, f"{path}.{name}" if path else name))
    if isinstance(node.get("additionalProperties"), dict):
        found.update(numbers(schema, node["additionalProperties"], f"{path}.*"))
    if isinstance(node.get("items"), dict):
        found.update(numbers(schema, node["items"], f"{path}[]"))
    return found


def bounds(node: dict) -> dict[str, Any]:
    return {word: node[word] for word in BOUND_WORDS if word in node}


def bounded(schema: dict) -> dict[str, dict]:
    """The numbers of `schema` that have a bound."""
    return {path: node for path, node in numbers(schema, schema).items() if bounds(node)}


SCENARIO_SCHEMA = siting.scenario_json_schema()
CATALOG_SCHEMA = Catalog.model_json_schema()

I32 = 2**31 - 1
#: The bounds of some of the scenario's numbers, as the loader holds them.
SCENARIO_BOUNDS: dict[str, dict[str, Any]] = {
    "solver.random_seed": {"minimum": 0, "maximum": I32},  # HiGHS's range of random_seed
    "solver.threads": {"minimum": 1, "maximum": 1024},  # MAX_THREADS
    "solver.time_limit_s": {"exclusiveMinimum": 0},
    "solver.rel_gap": {"minimum": 0, "exclusiveMaximum": 1},
    "solver.abs_gap_bn_yuan": {"minimum": 0},
    "solver.options.mip_feasibility_tolerance": {"minimum": 1e-10, "maximum": 1e-6},  # LOOSEST_TOLERANCE
    "solver.options.dual_feasibility_tolerance": {"minimum": 1e-10, "maximum": 1e-6},
    "solver.options.mip_heuristic_effort": {"minimum": 0, "maximum": 1},
    "solver.options.mip_max_improving_sols": {"minimum": 1, "maximum": I32},
    "solver.options.mip_max_nodes": {"minimum": 0, "maximum": I32},
    "solver.options.random_seed": {"minimum": 0, "maximum": I32},
    "solver.options.mip_rel_gap": {"minimum": 0},
    "objective.discount_rate": {"minimum": 0, "exclusiveMaximum": 1},
    "objective.shortfall_penalty_factor": {"exclusiveMinimum": 1, "maximum": 1e6},
    "constraints.chain_balance.min_local_share.*": {"minimum": 0, "maximum": 1},
    "constraints.utilisation.min_share.*": {"minimum": 0, "maximum": 1},
    "constraints.differentiation.lead_share_min": {"minimum": 0, "maximum": 1},
    "constraints.differentiation.min_portfolio_difference": {"minimum": 0},
    "constraints.differentiation.max_clusters_per_product.*": {"minimum": 0},
    "constraints.agglomeration.site_fixed_cost_yuan": {"minimum": 0, "maximum": 1e15},  # MAX_YUAN
    "constraints.agglomeration.max_open_sites_per_cluster.*": {"minimum": 0},
    "constraints.redline.buffer_m": {"minimum": 0, "maximum": 1e12},  # MAX_QUANTITY
    "constraints.redline.setbacks_m.*.*": {"minimum": 0, "maximum": 1e12},
    "constraints.redline.official_share_pct": {"exclusiveMinimum": 0, "maximum": 100},
    "constraints.proximity.max_distance_km.*": {"exclusiveMinimum": 0, "maximum": 1e12},
    "constraints.recycling_demo.min_size": {"exclusiveMinimum": 0, "maximum": 1e12},
    "constraints.recycling_demo.min_sites": {"minimum": 0},
    "constraints.build_rate.max_modules_per_site_per_yr": {"minimum": 1, "maximum": 1e12},
    "constraints.build_rate.max_capex_yuan_per_site_per_yr": {"exclusiveMinimum": 0, "maximum": 1e15},
    "constraints.budget.capex_yuan_per_yr.*": {"minimum": 0, "maximum": 1e15},
    "targets.capacity.*.*": {"minimum": 0, "maximum": 1e12},
    "targets.output_value_yuan.*": {"minimum": 0, "maximum": 1e15},
    "targets.capacity_ceiling_factor": {"minimum": 1, "maximum": 1e12},  # or 0: anyOf [{const: 0}, ...]
    "spatial.detour_factor": {"minimum": 1, "maximum": 100},
    "network.gateway.lon": {"minimum": -180, "maximum": 180},
    "network.gateway.lat": {"minimum": -90, "maximum": 90},
    "candidates.cell_size_m": {"exclusiveMinimum": 0, "maximum": 1e12},
    "candidates.h3_resolution": {"minimum": 0, "maximum": 15},
    "candidates.land_price_yuan_per_ha": {"minimum": 0, "maximum": 1e15},
    "calibration.distance_km": {"exclusiveMinimum": 0, "maximum": 1e12},
}

#: The bounds of some of the catalog's numbers (`Catalog.model_json_schema()`).
CATALOG_BOUNDS: dict[str, dict[str, Any]] = {
    "products.*.import_premium_share": {"minimum": 0, "maximum": 1},
    "products.*.utilisation": {"minimum": 0, "maximum": 1},
    "products.*.ramp_up_share": {"minimum": 0, "maximum": 1},
    "products.*.lead_time_yr": {"minimum": 0, "maximum": 50},
    "products.*.market.max_share": {"minimum": 0, "maximum": 1},
    "products.*.modules[].lifetime_yr": {"exclusiveMinimum": 0, "maximum": 1000},
    "products.*.modules[].capacity": {"exclusiveMinimum": 0, "maximum": 1e12},
    "products.*.modules[].capex_yuan": {"minimum": 0, "maximum": 1e15},
    "resources.*.price_yuan_per_t": {"minimum": 0, "maximum": 1e15},
    "resources.*.import_cap_t_per_yr.*": {"minimum": 0, "maximum": 1e12},
}


@pytest.mark.parametrize(("schema", "expected"), [(SCENARIO_SCHEMA, SCENARIO_BOUNDS), (CATALOG_SCHEMA, CATALOG_BOUNDS)],
                         ids=["scenario", "catalog"])
def test_the_schema_gives_each_bound_exactly(schema: dict, expected: dict[str, dict[str, Any]]):
    found = numbers(schema, schema)
    assert {path: bounds(found[path]) if path in found else "missing" for path in expected} == expected


@pytest.mark.parametrize("schema", [SCENARIO_SCHEMA, CATALOG_SCHEMA], ids=["scenario", "catalog"])
def test_no_number_keeps_pydantic_words_for_its_bounds(schema: dict):
    assert {path: sorted(set(node) & set(PYDANTIC_WORDS)) for path, node in numbers(schema, schema).items()
            if set(node) & set(PYDANTIC_WORDS)} == {}


def test_solver_options_are_those_a_scenario_may_set():
    options = resolve(SCENARIO_SCHEMA, SCENARIO_SCHEMA["$defs"]["SolverSettingsModel"])["properties"]["options"]
    assert options["additionalProperties"] is False
    assert sorted(options["properties"]) == [
        "dual_feasibility_tolerance", "mip_detect_symmetry", "mip_feasibility_tolerance", "mip_heuristic_effort",
        "mip_max_improving_sols", "mip_max_leaves", "mip_max_nodes", "mip_max_stall_nodes", "mip_rel_gap",
        "presolve", "presolve_rule_off", "random_seed"]
    assert options["properties"]["presolve"] == {"type": ["string", "boolean"], "default": "choose"}
    assert options["properties"]["mip_detect_symmetry"] == {"type": "boolean", "default": True}


# ---------------------------------------------------------------------------------------------
# each bound, tried on the loader: a value just outside it is refused, one just inside accepted

#: The key standing for each `*` of a path: a product, year, cluster, category or resource of
#: tests/data/small that the loader takes there.
ENTRY_KEYS = {
    "constraints.chain_balance.min_local_share": "lfp",
    "constraints.utilisation.min_share": "lfp",
    "constraints.differentiation.max_clusters_per_product": "lfp",
    "constraints.agglomeration.max_open_sites_per_cluster": "west",
    "constraints.redline.setbacks_m": "lfp",
    "constraints.redline.setbacks_m.*": "lake",
    "constraints.proximity.max_distance_km": "phosphate_rock",
    "constraints.budget.capex_yuan_per_yr": "2024",
    "targets.capacity": "cathode",
    "targets.capacity.*": "2024",
    "targets.output_value_yuan": "2024",
    "products": "lfp",
    "products.*.market.national_demand_units": "2024",
    "products.*.sales_cap_units": "2024",
    "products.*.inputs": "fepo4",
    "products.*.resources_t_per_unit": "phosphate_rock",
    "products.*.price_yuan_per_unit": "base",
    "products.*.price_yuan_per_unit.*": "2024",
    "resources": "phosphate_rock",
    "resources.*.import_cap_t_per_yr": "2024",
    "resources.*.import_price_yuan_per_t": "base",
    "resources.*.import_price_yuan_per_t.*": "2024",
}

#: Keys of ENTRY_KEYS taken otherwise for one number: the product with sales caps is cells (lfp
#: has a market share, which a sales cap would contradict).
ENTRY_KEYS_FOR = {"products.*.sales_cap_units.*": {"products": "cells"}}

#: Settings a number needs beside it to be read at all: the block it is in, given whole (an
#: override of a block and of a key in it is refused as given twice). A recycling-demo block
#: given is switched on, for a product the small catalog has none of: it is left off here.
BLOCKS = {
    "candidates": {"shape": "square", "cell_size_m": 1000.0},
    "calibration": {"mode": "choose", "reference": str(SMALL / "committed_projects.yaml")},
    "constraints.recycling_demo": {"enabled": False},
}
HEXAGONS = {"shape": "hexagon", "h3_resolution": 7}
#: How the catalog's messages name the first module of a product: with its id.
MODULE_IDS = {"lfp": "lfp_50kt", "cells": "cells_10gwh"}


def concrete(path: str) -> str:
    """`path` with each `*` replaced by its ENTRY_KEYS key (ENTRY_KEYS_FOR's for `path`) and each
    `[]` by the first item (0)."""
    keys = {**ENTRY_KEYS, **ENTRY_KEYS_FOR.get(path, {})}
    parts: list[str] = []
    before: list[str] = []
    for part in path.replace("[]", ".[]").split("."):
        if part == "*":
            assert ".".join(before) in keys, f"give ENTRY_KEYS a key for {'.'.join(before)}.*"
            parts.append(keys[".".join(before)])
        else:
            parts.append("0" if part == "[]" else part)
        before.append(part)
    return ".".join(parts)


def trials(node: dict) -> list[tuple[str, Any, bool]]:
    """(bound, value, accepted) for each bound of `node`: the value just outside it, refused, and
    the bound's own value or the next one inside, accepted. A whole number steps by 1, any other
    by the next float."""
    whole = node["type"] == "integer"

    def step(value: float, up: bool) -> Any:
        if whole:
            return int(value) + (1 if up else -1)
        return math.nextafter(value, math.inf if up else -math.inf)

    out = []
    for word, value in bounds(node).items():
        inside = int(value) if whole else value
        lower = "Minimum" in word or word == "minimum"
        if word.startswith("exclusive"):
            out += [(word, inside, False), (word, step(value, lower), True)]
        else:
            out += [(word, step(value, not lower), False), (word, inside, True)]
    return out


def scenario_overrides(path: str, value: Any) -> tuple[tuple[str, Any], ...]:
    """The overrides that set the scenario's number at `path` (concrete) to `value`."""
    for block, settings in BLOCKS.items():
        if path.startswith(f"{block}."):
            settings = HEXAGONS if path == "candidates.h3_resolution" else settings
            return ((block, {**settings, path[len(block) + 1:]: value}),)
    if path == "years.0":  # a plan of that one year
        return (("years", [value]),)
    return ((path, value),)


def shown(key: str) -> str:
    """The key path at `key` (concrete) as the loader's messages name it: a module by its place
    and id (`products.lfp.modules[0] (lfp_50kt).capacity`)."""
    parts = key.split(".")
    if len(parts) > 3 and parts[0] == "products" and parts[2] == "modules":
        return ".".join([*parts[:2], f"modules[{parts[3]}] ({MODULE_IDS[parts[1]]})", *parts[4:]])
    return "years[0]" if key == "years.0" else key


def loaded(overrides: tuple[tuple[str, Any], ...], folder: Path = SMALL) -> list[str]:
    """The problems of loading the scenario in `folder` with `overrides` ([] when it loads)."""
    try:
        load_scenario(folder / "scenario.yaml", overrides=overrides)
    except InputError as exc:
        return exc.problems
    return []


SCENARIO_CASES = [(path, *trial) for path, node in bounded(SCENARIO_SCHEMA).items() for trial in trials(node)]
CATALOG_CASES = [(path, *trial) for path, node in bounded(CATALOG_SCHEMA).items() for trial in trials(node)]


def test_every_bounded_number_is_tried():
    tried = {path for path, *_ in SCENARIO_CASES}
    assert set(SCENARIO_BOUNDS) <= tried
    assert len(tried) == len(bounded(SCENARIO_SCHEMA)) >= 50
    assert set(CATALOG_BOUNDS) <= {path for path, *_ in CATALOG_CASES}


@pytest.mark.parametrize(("path", "bound", "value", "accepted"), SCENARIO_CASES,
                         ids=[f"{p}-{b}-{'in' if a else 'out'}" for p, b, _, a in SCENARIO_CASES])
def test_the_loader_holds_the_scenario_to_each_bound_of_the_schema(path: str, bound: str, value: Any,
                                                                   accepted: bool):
    key = concrete(path)
    problems = loaded(scenario_overrides(key, value))
    if accepted and key == "years.0":  # the small catalog has no prices for a plan of 1950, nor its targets years
        problems = [p for p in problems if f" {shown(key)} | " in p]
    if accepted:
        assert problems == []
    else:
        assert problems != []
        assert [p for p in problems if f" {shown(key)} | " not in p] == []


@pytest.mark.parametrize(("path", "bound", "value", "accepted"), CATALOG_CASES,
                         ids=[f"{p}-{b}-{'in' if a else 'out'}" for p, b, _, a in CATALOG_CASES])
def test_the_loader_holds_the_catalog_to_each_bound_of_its_schema(tmp_path: Path, path: str, bound: str, value: Any,
                                                                  accepted: bool):
    for item in SMALL.iterdir():
        shutil.copy(item, tmp_path / item.name)
    catalog = yaml.safe_load((SMALL / "catalog.yaml").read_text(encoding="utf-8"))
    key = concrete(path)
    *parents, last = [int(part) if part.isdigit() else part for part in key.split(".")]
    node = catalog
    for part in parents:
        node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
    node[last] = value
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")
    problems = loaded((), tmp_path)
    if accepted:
        assert problems == []
    else:
        assert problems != []
        assert [p for p in problems if f" {shown(key)} | " not in p] == []
