"""Scenario and technology-catalog files: schema, loading and validation.

Both files are YAML validated with pydantic (unknown keys rejected). Every problem is reported
at once as `<file>:<line>: <key path> | <what is wrong> (got <value>); <how to fix>`.
Paths in a scenario resolve relative to the scenario file.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from siting.errors import InputError
from siting.solve import ALLOWED_HIGHS_OPTIONS

PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# technology catalog


class Module(Strict):
    """One module size: a plant of fixed capacity, cost and footprint."""

    id: str
    capacity: PositiveFloat = Field(description="units of the product per year")
    capex_yuan: NonNegativeFloat
    fixed_opex_yuan_per_yr: NonNegativeFloat = 0.0
    land_ha: PositiveFloat
    sources: dict[str, str] = Field(default_factory=dict, description="field -> source id or 'assumption: ...'")


class Product(Strict):
    name: str
    unit: str
    utilisation: Share = 1.0
    output_value_yuan_per_unit: dict[str, NonNegativeFloat] = Field(description="price level -> yuan per unit")
    modules: list[Module] = Field(min_length=1)
    inputs: dict[str, NonNegativeFloat] = Field(default_factory=dict, description="units of product per unit")
    resources_t_per_unit: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict)


class Catalog(Strict):
    description: str = ""
    capex_price_basis: str = ""
    price_levels: dict[str, str] = Field(min_length=1, description="price level id -> what it means")
    products: dict[str, Product] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# scenario


class LayerRef(Strict):
    path: Path
    id_field: str = "id"
    name_field: str = "name"


class SitesLayer(LayerRef):
    id_field: str = "site_id"
    usable_area_field: str = "usable_area_ha"
    existing_prefix: str = "existing_"


class ClustersLayer(LayerRef):
    id_field: str = "cluster_id"


class RedlineLayer(LayerRef):
    id_field: str = "zone_id"
    category_field: str = "category"


class SourcesLayer(LayerRef):
    id_field: str = "source_id"
    resource_field: str = "resource"
    supply_field: str = "supply_t_per_yr"
    status_field: str | None = "status"


class Layers(Strict):
    clusters: ClustersLayer
    sites: SitesLayer
    redline: RedlineLayer | None = None
    sources: SourcesLayer | None = None


class Spatial(Strict):
    working_crs: str = "EPSG:32648"
    sites_outside_clusters: Literal["error", "drop"] = "error"
    invalid_geometry: Literal["repair", "reject"] = "repair"
    detour_factor: Annotated[float, Field(ge=1)] = 1.3
    include_prospective_sources: bool = False


class Targets(Strict):
    strict: bool = False
    capacity_ceiling_factor: Annotated[float, Field(ge=0)] = Field(
        default=0.0, description="capacity of a targeted group stays below factor x target; 0 = no ceiling")
    groups: dict[str, list[str]] = Field(default_factory=dict, description="target group -> products")
    capacity: dict[str, dict[int, NonNegativeFloat]] = Field(default_factory=dict)
    output_value_yuan: dict[int, NonNegativeFloat] = Field(default_factory=dict)


class Family(Strict):
    enabled: bool = True


class RedlineRule(Family):
    buffer_m: NonNegativeFloat = 0.0
    categories: list[str] | None = None
    setbacks_m: dict[str, dict[str, NonNegativeFloat]] = Field(
        default_factory=dict, description="product -> category -> setback (m), raised to at least buffer_m"
    )


class ProximityRule(Family):
    max_distance_km: dict[str, PositiveFloat] = Field(default_factory=dict, description="resource -> km by road")


class SupplyRule(Family):
    transport_yuan_per_t_km: NonNegativeFloat = 0.5


class ChainRule(Family):
    min_local_share: dict[str, Share] = Field(default_factory=dict, description="upstream product -> share")


class DifferentiationRule(Family):
    max_clusters_per_product: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    lead_products: dict[str, list[str]] = Field(default_factory=dict, description="cluster -> products")
    lead_share_min: Share = 0.0
    min_portfolio_difference: Annotated[int, Field(ge=0)] = 0
    min_cluster_value_share: Share = 0.0


class AgglomerationRule(Family):
    site_fixed_cost_yuan: NonNegativeFloat = 0.0
    min_investment_per_site_yuan: NonNegativeFloat = 0.0
    max_open_sites_per_cluster: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)


class BudgetRule(Family):
    enabled: bool = False
    capex_yuan_per_yr: dict[int, NonNegativeFloat] = Field(default_factory=dict)


class RecyclingDemoRule(Family):
    product: str = "recycling"
    min_size: PositiveFloat = Field(default=50_000.0, description="units per year of the product")
    min_sites: Annotated[int, Field(ge=0)] = 1
    max_sites: Annotated[int, Field(ge=0)] = 2


class Constraints(Strict):
    targets: Family = Family()
    output_value: Family = Family()
    land: Family = Family()
    redline: RedlineRule = RedlineRule()
    proximity: ProximityRule = ProximityRule()
    supply: SupplyRule = SupplyRule()
    chain_balance: ChainRule = ChainRule()
    differentiation: DifferentiationRule = DifferentiationRule()
    agglomeration: AgglomerationRule = AgglomerationRule()
    budget: BudgetRule = BudgetRule()
    recycling_demo: RecyclingDemoRule = RecyclingDemoRule(enabled=False)


class ObjectiveSettings(Strict):
    discount_rate: Annotated[float, Field(ge=0, lt=1)] = 0.06
    shortfall_penalty_factor: Annotated[float, Field(gt=1)] = 3.0


class SolverSettingsModel(Strict):
    time_limit_s: PositiveFloat = 60.0
    rel_gap: Annotated[float, Field(ge=0, lt=1)] = 1e-4
    threads: Annotated[int, Field(ge=1)] = 1
    random_seed: Annotated[int, Field(ge=0)] = 0
    options: dict[str, int | float | str] = Field(default_factory=dict)


class Output(Strict):
    folder: Path


class Scenario(Strict):
    extends: Path | None = Field(default=None, description="base scenario this file overrides")
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]
    description: str = ""
    years: list[int] = Field(min_length=1)
    catalog: Path
    price_level: str
    layers: Layers
    spatial: Spatial = Spatial()
    targets: Targets = Targets()
    constraints: Constraints = Constraints()
    objective: ObjectiveSettings = ObjectiveSettings()
    solver: SolverSettingsModel = SolverSettingsModel()
    output: Output
    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="named sets of overrides: one file describes a family of scenarios")


# ---------------------------------------------------------------------------------------------
# loading


class LoadedScenario(typing.NamedTuple):
    scenario: Scenario
    catalog: Catalog
    scenario_path: Path
    catalog_path: Path

    def resolve(self, path: Path) -> Path:
        return (self.scenario_path.parent / path).resolve() if not path.is_absolute() else path


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse YAML, returning the data and its node tree (for line numbers in messages)."""
    if not path.exists():
        raise InputError([f"{path}: file not found; check the path (relative paths start at the scenario file)"])
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError([f"{where}: YAML syntax error: {exc.problem}; fix the YAML at that line"]) from None
    return data, node


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node along `loc` that exists in the YAML tree."""
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if str(k.value) == str(key):
                    found = (k, v)
                    break
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated wrappers from a type annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def schema_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The (unwrapped) type annotation at `loc` inside `model`, or None when loc leaves it."""
    current: Any = model
    for key in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(key))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return None
    return _unwrap(current)


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model that sits at `loc` (empty when it is not a model)."""
    current = schema_at(model, loc)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def dotted(loc: tuple[Any, ...]) -> str:
    parts = []
    for key in loc:
        if key == "[key]":
            parts[-1] = parts[-1] + " (as a key)"
        elif isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(str(key))
    return ".".join(parts).replace(".[", "[") or "(top level)"


def format_validation_errors(
    path: Path, node: yaml.Node | None, model: type[BaseModel], error: ValidationError
) -> list[str]:
    problems = []
    for err in error.errors():
        loc = tuple(err["loc"])
        line = line_of(node, tuple(k for k in loc if k != "[key]"))
        where = f"{path}:{line}" if line else str(path)
        got = err.get("input")
        if err["type"] == "extra_forbidden":
            options = allowed_keys(model, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), options, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(options)}"
            problems.append(f"{where}: {dotted(loc)} | unknown key; {hint}")
        elif err["type"] == "missing":
            problems.append(f"{where}: {dotted(loc)} | required key is missing; add it")
        else:
            shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
            problems.append(f"{where}: {dotted(loc)} | {err['msg'].rstrip('.')} (got {shown})")
    return problems


#: Scenario keys holding paths: a base scenario's relative paths are rebased onto the folder
#: of the file that extends it, so every path still means what it meant in its own file.
PATH_KEYS: tuple[tuple[str, ...], ...] = (("catalog",), ("output", "folder"), ("layers", "*", "path"))


def rebase_paths(data: dict[str, Any], source_dir: Path, target_dir: Path) -> None:
    def walk(node: Any, keys: tuple[str, ...]) -> None:
        if not isinstance(node, dict) or not keys:
            return
        head, rest = keys[0], keys[1:]
        for key in list(node) if head == "*" else [head]:
            if key not in node:
                continue
            if rest:
                walk(node[key], rest)
            elif isinstance(node[key], str) and not Path(node[key]).is_absolute():
                node[key] = Path(os.path.relpath((source_dir / node[key]).resolve(), target_dir)).as_posix()

    for keys in PATH_KEYS:
        walk(data, keys)


def deep_merge(base: dict[str, Any], override: dict[str, Any], model: type[BaseModel], where: str,
               loc: tuple[str, ...], problems: list[str]) -> dict[str, Any]:
    """Mappings merge key by key; lists and scalars replace. A key that is neither in the base
    nor a setting of the schema at that place is an error naming it; keys of free mappings
    (targets by product, setbacks by product, ...) may be added."""
    merged = dict(base)
    free = typing.get_origin(schema_at(model, loc)) is dict
    for key, value in override.items():
        if key not in base and not free and str(key) not in allowed_keys(model, loc):
            options = allowed_keys(model, loc) or [str(k) for k in base]
            close = difflib.get_close_matches(str(key), options, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the base has: {', '.join(map(str, base)) or '(none)'}"
            problems.append(f"{where}: {dotted((*loc, key))} | overrides a key the base scenario does not have; {hint}")
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = deep_merge(base[key], value, model, where, (*loc, str(key)), problems)
        else:
            merged[key] = value
    return merged


def resolve_extends(path: Path, data: dict[str, Any], seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario with its `extends:` chain applied (base first, this file's keys on top)."""
    reference = data.get("extends")
    if reference is None:
        return data
    if not isinstance(reference, str):
        raise InputError([f"{path}: extends | must be the path of a scenario file (got {reference!r})"])
    base_path = (path.parent / reference).resolve()
    if base_path in (*seen, path.resolve()):
        raise InputError([f"{path}: extends | scenarios extend each other in a cycle through {base_path.name}"])
    base, _node = read_yaml(base_path)
    if not isinstance(base, dict):
        raise InputError([f"{base_path}: (top level) | expected a mapping of keys, got {type(base).__name__}"])
    base = resolve_extends(base_path, base, (*seen, path.resolve()))
    base.pop("extends", None)
    rebase_paths(base, base_path.parent, path.parent)
    problems: list[str] = []
    override = {k: v for k, v in data.items() if k != "extends"}
    merged = deep_merge(base, override, Scenario, str(path), (), problems)
    if problems:
        raise InputError(problems)
    return merged


def validate_file(path: Path, model: type[BaseModel]) -> tuple[Any, yaml.Node | None]:
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError([f"{path}: (top level) | expected a mapping of keys, got {type(data).__name__}"])
    return validate_data(path, node, data, model), node


def validate_data(path: Path, node: yaml.Node | None, data: dict[str, Any], model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_errors(path, node, model, exc)) from None


Override = tuple[str, Any]


def parse_override(text: str) -> tuple[str, list[Any]]:
    """`key.path=v1,v2` -> ("key.path", [v1, v2]); values are read as YAML scalars."""
    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise InputError([f"--set {text} | expected KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500"])
    return key.strip(), [yaml.safe_load(v.strip()) for v in values.split(",")]


def apply_override(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key in scenario data; a key the schema does not know is an error naming it."""
    parts = key.split(".")
    node = data
    loc: tuple[str, ...] = ()
    for i, part in enumerate(parts):
        name: Any = int(part) if part.isdigit() else part
        last = i == len(parts) - 1
        if name not in node:
            free = typing.get_origin(schema_at(Scenario, loc)) is dict
            options = allowed_keys(Scenario, loc)
            if not free and part not in options:
                close = difflib.get_close_matches(part, options, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(options) or '(none)'}"
                raise InputError([f"--set {key} | unknown setting '{dotted((*loc, part))}'; {hint}"])
            if not last:
                node[name] = {}
        if last:
            node[name] = value
        elif not isinstance(node[name], dict):
            raise InputError([f"--set {key} | '{dotted((*loc, part))}' is a value, not a group of settings"])
        else:
            node = node[name]
        loc = (*loc, part)


def scenario_variants(path: Path | str) -> list[str]:
    """Names of the variants a scenario file defines (after its extends chain)."""
    path = Path(path)
    data, _node = read_yaml(path)
    if not isinstance(data, dict):
        return []
    merged = resolve_extends(path, data)
    variants = merged.get("variants") or {}
    return list(variants) if isinstance(variants, dict) else []


def load_scenario(path: Path | str, variant: str | None = None, overrides: tuple[Override, ...] = ()
                  ) -> LoadedScenario:
    """Read and validate a scenario (a variant of it, with overrides) and its catalog, then
    check cross-references.

    Raises InputError listing every problem found in the scenario, then in the catalog, then
    between them (ids referenced but not defined, years outside the periods)."""
    path = Path(path)
    data, node = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError([f"{path}: (top level) | expected a mapping of keys, got {type(data).__name__}"])
    data = resolve_extends(path, data)
    if variant is not None:
        data = apply_variant(path, data, variant)
    for key, value in overrides:
        apply_override(data, key, value)
    scenario = validate_data(path, node, data, Scenario)
    catalog_path = (path.parent / scenario.catalog).resolve()
    catalog, catalog_node = validate_file(catalog_path, Catalog)
    problems = check_catalog(catalog_path, catalog_node, catalog)
    problems += check_references(path, node, scenario, catalog)
    if problems:
        raise InputError(problems)
    return LoadedScenario(scenario, catalog, path.resolve(), catalog_path)


def apply_variant(path: Path, data: dict[str, Any], variant: str) -> dict[str, Any]:
    """The base scenario with one named variant's overrides merged in; the variant is named
    `<base name>-<variant>` unless it sets its own name."""
    variants = data.get("variants") or {}
    if variant not in variants:
        close = difflib.get_close_matches(variant, list(variants), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"defined: {', '.join(variants) or '(none)'}"
        raise InputError([f"{path}: variants | no variant named '{variant}'; {hint}"])
    base = {k: v for k, v in data.items() if k != "variants"}
    overrides = variants[variant] or {}
    if not isinstance(overrides, dict):
        raise InputError([f"{path}: variants.{variant} | must be a mapping of overrides"])
    problems: list[str] = []
    merged = deep_merge(base, overrides, Scenario, f"{path}: variants.{variant}", (), problems)
    if problems:
        raise InputError(problems)
    merged.setdefault("name", base.get("name"))
    if "name" not in overrides:
        merged["name"] = f"{base.get('name')}-{variant}"
    return merged


def unknown_value(where: str, key: str, value: str, known: list[str], kind: str) -> str:
    """`<where>: <key> | unknown <kind> (got <value>); did you mean ...?`"""
    close = difflib.get_close_matches(value, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"choose one of: {', '.join(known) or '(none defined)'}"
    return f"{where}: {key} | unknown {kind} (got {value!r}); {hint}"


def check_catalog(path: Path, node: yaml.Node | None, catalog: Catalog) -> list[str]:
    problems = []
    products = list(catalog.products)
    levels = list(catalog.price_levels)
    module_ids: dict[str, str] = {}
    for pid, product in catalog.products.items():
        for i, module in enumerate(product.modules):
            loc = ("products", pid, "modules", i, "id")
            if module.id in module_ids:
                problems.append(
                    f"{path}:{line_of(node, loc)}: products.{pid}.modules[{i}].id | module id {module.id!r} "
                    f"is already used by product {module_ids[module.id]!r}; module ids must be unique"
                )
            module_ids[module.id] = pid
        for level in levels:
            if level not in product.output_value_yuan_per_unit:
                loc = ("products", pid, "output_value_yuan_per_unit")
                problems.append(
                    f"{path}:{line_of(node, loc)}: products.{pid}.output_value_yuan_per_unit | no value for "
                    f"price level {level!r}; add one for every level in price_levels"
                )
        for level in product.output_value_yuan_per_unit:
            if level not in levels:
                loc = ("products", pid, "output_value_yuan_per_unit", level)
                problems.append(unknown_value(f"{path}:{line_of(node, loc)}",
                                         f"products.{pid}.output_value_yuan_per_unit", level, levels,
                                         "price level"))
        for upstream in product.inputs:
            if upstream not in products:
                loc = ("products", pid, "inputs", upstream)
                problems.append(unknown_value(f"{path}:{line_of(node, loc)}", f"products.{pid}.inputs", upstream,
                                         products, "product"))
            elif upstream == pid:
                problems.append(f"{path}: products.{pid}.inputs | a product cannot be its own input")
    return problems


class ReferenceCheck:
    """Cross-references inside a scenario and against its catalog, collected as messages."""

    def __init__(self, path: Path, node: yaml.Node | None, scenario: Scenario, catalog: Catalog):
        self.path, self.node, self.s, self.catalog = path, node, scenario, catalog
        self.products = list(catalog.products)
        self.problems: list[str] = []

    def at(self, *loc: Any) -> str:
        line = line_of(self.node, loc)
        return f"{self.path}:{line}" if line else str(self.path)

    def product(self, value: str, *loc: Any) -> None:
        if value not in self.products:
            self.problems.append(unknown_value(self.at(*loc), dotted(loc), value, self.products, "product"))

    def years(self, years: Iterable[int], *loc: Any) -> None:
        for year in years:
            if year not in self.s.years:
                where = (*loc, str(year))
                self.problems.append(f"{self.at(*where)}: {dotted(where)} | year {year} is outside the scenario's "
                                     f"years {self.s.years}; use one of them or extend 'years'")

    def run(self) -> list[str]:
        s, c = self.s, self.s.constraints
        if sorted(set(s.years)) != s.years:
            self.problems.append(f"{self.at('years')}: years | must be strictly increasing without repeats "
                                 f"(got {s.years})")
        if s.price_level not in self.catalog.price_levels:
            self.problems.append(unknown_value(self.at("price_level"), "price_level", s.price_level,
                                          list(self.catalog.price_levels), "price level"))
        self.targets()
        keyed_by_product = {
            ("constraints", "redline", "setbacks_m"): c.redline.setbacks_m,
            ("constraints", "chain_balance", "min_local_share"): c.chain_balance.min_local_share,
            ("constraints", "differentiation", "max_clusters_per_product"):
                c.differentiation.max_clusters_per_product,
        }
        for loc, mapping in keyed_by_product.items():
            for product in mapping:
                self.product(product, *loc, product)
        for cluster, members in c.differentiation.lead_products.items():
            for i, product in enumerate(members):
                self.product(product, "constraints", "differentiation", "lead_products", cluster, i)
        self.years(c.budget.capex_yuan_per_yr, "constraints", "budget", "capex_yuan_per_yr")
        demo = c.recycling_demo
        if demo.enabled:
            self.product(demo.product, "constraints", "recycling_demo", "product")
            if demo.min_sites > demo.max_sites:
                self.problems.append(f"{self.at('constraints', 'recycling_demo', 'min_sites')}: "
                                     f"constraints.recycling_demo | min_sites ({demo.min_sites}) exceeds max_sites "
                                     f"({demo.max_sites})")
        for option in sorted(set(s.solver.options) - ALLOWED_HIGHS_OPTIONS):
            self.problems.append(unknown_value(self.at("solver", "options", option), "solver.options", option,
                                          sorted(ALLOWED_HIGHS_OPTIONS), "HiGHS option"))
        return self.problems

    def targets(self) -> None:
        t = self.s.targets
        for group, members in t.groups.items():
            for i, product in enumerate(members):
                self.product(product, "targets", "groups", group, i)
            units = {self.catalog.products[p].unit for p in members if p in self.catalog.products}
            if len(units) > 1:
                self.problems.append(f"{self.at('targets', 'groups', group)}: targets.groups.{group} | products of "
                                     f"one group must share a unit (got {sorted(units)}); split the group")
        for group, by_year in t.capacity.items():
            if group not in t.groups and group not in self.products:
                self.problems.append(unknown_value(self.at("targets", "capacity", group), "targets.capacity", group,
                                              list(t.groups) + self.products, "target group or product"))
            self.years(by_year, "targets", "capacity", group)
        self.years(t.output_value_yuan, "targets", "output_value_yuan")
        if 0 < t.capacity_ceiling_factor < 1:
            self.problems.append(f"{self.at('targets', 'capacity_ceiling_factor')}: targets.capacity_ceiling_factor "
                                 f"| must be 0 (no ceiling) or at least 1 (got {t.capacity_ceiling_factor}); a "
                                 "ceiling below the target contradicts it")


def check_references(path: Path, node: yaml.Node | None, s: Scenario, catalog: Catalog) -> list[str]:
    """Cross-references inside the scenario and against the catalog (before any geodata)."""
    return ReferenceCheck(path, node, s, catalog).run()

