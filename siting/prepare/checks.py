"""Checks after the geodata is loaded: references between scenario, catalog and layers, the
gateway's place against the clusters, and targets that cannot be reached even in principle
(explained in domain terms before solving).

The rule of lead times (`module_can_count`) and the upper bounds of what modules added within
the plan can count toward a target of a year, from the model's own rows (module bounds, land,
build rate, ramp-up: `countable_units`, `producing_units`), are stated here once, for the
notices on the catalog and for the checks before the MIP (siting/optimize/explain.py
`presolve_findings`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from models import ModelInputs, derive_index
from models.index import build_years, is_on
from siting.config.errors import Notice, listed
from siting.config.load import (
    STAND_INS,
    LoadedScenario,
    buffer_slip_notices,
    catalog_notices,
    figure_beside,
    gap_slip_notices,
    key_notice,
    notice_figure,
    percent_notices,
    shown_path,
    unknown_site_problems,
    unknown_value,
    yuan_scale_notices,
)
from siting.config.units import Names, cut_at, product_label
from siting.config.words import close_match
from siting.prepare.layers import LAND_PRICE_MIN_YUAN_PER_HA, LayerSet, km_to

#: How like a category of the red-line layer a category the scenario names must be for "did you
#: mean" (difflib's ratio, as `unknown_value` asks; or one edit apart: `close_match`).
SUGGESTION_LIKENESS = 0.6


def catalog_free_references(loaded: LoadedScenario, layers: LayerSet, faulty: frozenset[str] = frozenset(),
                            catalog_references: Sequence[str] = ()) -> list[str]:
    """The problems of the references to the layers that need no catalog: clusters, the gateway,
    red-line categories and the sites of committed projects and real plants the layers do not
    define. For a scenario whose catalog failed (`loaded.catalog` None) all that is checked; the
    first part of `check_against_layers`, which gives the problems of the references to the
    catalog (`catalog_references`: `unknown_resource_problems`), listed before the sites', the
    order the problems are reported in. Nothing is checked against a layer in `faulty` (a layer
    with problems of its own: its ids are not known), so that no problem is a mere echo of one
    already reported."""
    problems: list[str] = []
    if "clusters" not in faulty:
        problems += cluster_problems(loaded, layers)
        problems += gateway_problems(loaded, layers)
    if "redline" not in faulty:
        problems += category_problems(loaded, layers)
    problems += catalog_references
    if "sites" not in faulty:
        problems += committed_site_problems(loaded, layers)
    return problems


def unknown_resource_problems(loaded: LoadedScenario) -> list[str]:
    """The problems of the proximity limits (`constraints.proximity.max_distance_km`) that name a
    resource the catalog's `resources` does not define. A limit may name any resource the catalog
    defines; a resource a product draws without an entry in the catalog's resources is the
    catalog's problem, never a name to suggest."""
    defined = list(loaded.catalog.resources)
    return [unknown_value(*loaded.at("constraints", "proximity", "max_distance_km", resource), resource, defined,
                          "resource")
            for resource in loaded.scenario.constraints.proximity.max_distance_km if resource not in defined]


def candidate_land_price_notices(loaded: LoadedScenario) -> list[Notice]:
    """A notice for the candidate cells' land price (`candidates.land_price_yuan_per_ha`) above 0
    and below LAND_PRICE_MIN_YUAN_PER_HA, likely given in 万 yuan/亩 or in yuan/m2, as the sites
    layer's land price is named (siting/prepare/layers.py `price_scale_notices`). A notice, not a
    refusal: the plan uses the figure as given. It names the file and line that wrote the key."""
    spec = loaded.scenario.candidates
    if spec is None or not 0 < spec.land_price_yuan_per_ha < LAND_PRICE_MIN_YUAN_PER_HA:
        return []
    loc = ("candidates", "land_price_yuan_per_ha")
    key = loaded.at(*loc)[1]
    return [key_notice(loaded, loc, (
        f"{key} | above 0 and below {LAND_PRICE_MIN_YUAN_PER_HA:,.0f} yuan/ha (got "
        f"{figure_beside(spec.land_price_yuan_per_ha, LAND_PRICE_MIN_YUAN_PER_HA)}): given in 万 yuan/亩 or in "
        "yuan/m2? It is in yuan/ha "
        "(30 万 yuan/亩 is written 4500000, 300 yuan/m2 3000000); the plan uses the figure as given"))]


def check_against_layers(loaded: LoadedScenario, layers: LayerSet, faulty: frozenset[str] = frozenset()
                         ) -> tuple[list[str], list[str]]:
    """Return (problems, notices) for ids the scenario names that the layers do not define, and
    for a gateway far from every cluster (`gateway_problems`).

    A proximity limit may name any resource of the catalog's `resources`; one on a resource no
    product draws is said in a notice, while the rule is on, since it limits nothing, and so is
    one on a resource no source offers (`sourceless_limit_notices`), the red-line rule on
    without a red-line layer (`redline_layer_notices`), and a figure in per cent given below 1,
    which looks like a share (siting/config/load.py `percent_notices`), and an output-value target
    or capex budget below a million yuan, which looks like bn yuan (`yuan_scale_notices`), a
    catalog price or capex far below what a plant's figures allow (`catalog_notices`), the
    candidate cells' land price in another unit (`candidate_land_price_notices`), a relative gap
    of 5 % or more, which looks like a percent (`gap_slip_notices`), and a red-line distance
    below 10 m, which looks like km (`buffer_slip_notices`); a proximity limit far beyond every
    site's distance to a source, which looks like m, is siting/prepare/inputs.py
    `loose_limit_notices`'.

    `loaded` may be what passed of a scenario with problems (`siting.config.load.Salvage`): its
    mappings hold only the entries that passed the schema, so each is checked as it is. Nothing
    is checked against a layer in `faulty` (a layer with problems of its own: its ids are not
    known), so that no problem is a mere echo of one already reported: the references that need
    no catalog are `catalog_free_references`', those to the catalog's resources
    `unknown_resource_problems`."""
    c = loaded.scenario.constraints
    problems = catalog_free_references(loaded, layers, faulty, unknown_resource_problems(loaded))
    needed = sorted({r for p in loaded.catalog.products.values() for r, a in p.resources_t_per_unit.items() if a > 0})
    defined = list(loaded.catalog.resources)
    notices: list[str] = []
    for resource in c.proximity.max_distance_km:
        if resource in defined and resource not in needed and c.proximity.enabled:
            notices.append(target_notice(loaded, ("constraints", "proximity", "max_distance_km", resource),
                                         f"no product draws on '{resource}': the limit keeps nothing near its sources"))
    notices += redline_layer_notices(loaded, layers)
    notices += percent_notices(loaded)
    notices += yuan_scale_notices(loaded)
    notices += catalog_notices(loaded)
    notices += candidate_land_price_notices(loaded)
    notices += gap_slip_notices(loaded) + buffer_slip_notices(loaded)
    notices += lead_time_notices(loaded)
    if "sources" in faulty:  # which resources the sources offer is not known
        return problems, notices
    offered = set(layers.sources["resource"]) if len(layers.sources) else set()
    notices += sourceless_limit_notices(loaded, layers, offered, needed)
    resources = loaded.catalog.resources
    for resource in needed:
        importable = resource in resources and resources[resource].import_price_yuan_per_t is not None
        if resource not in offered and not importable and c.supply.enabled:
            none = (f"no source in the sources layer offers '{resource}'" if "sources" in layers.paths else
                    f"the scenario gives no sources layer (layers.sources), so no source offers '{resource}',")
            notices.append(f"{none} and the catalog gives no import price for it: products that need it cannot "
                           "produce while the supply rule is on")
    return problems, notices


def module_can_count(first_year: int, lead_time_yr: int, year: int) -> bool:
    """Whether a module added within the plan can count toward a target of `year`: one is decided
    at the earliest in the plan's first year `first_year` and first produces `lead_time_yr` years
    later (models/index.py `build_years`), so it counts when first_year + lead_time_yr <= year.
    The one statement of the rule, on the catalog (`lead_time_notices`) and on the model's
    inputs (siting/optimize/explain.py `lead_time_blocked`). Years are calendar years, the lead
    time in whole years."""
    return first_year + lead_time_yr <= year


def counting_years(inputs: ModelInputs, product: str, year: int) -> tuple[int, ...]:
    """The decision years of `product` (models/index.py `build_years`) whose modules produce by
    `year`: a module decided in t first produces in t + L[p] (`module_can_count`, with t for the
    first year), so those t with t + L[p] <= year, in YEARS order. Empty when no module of the
    product added within the plan produces by `year`."""
    lead = inputs.lead_time_yr.get(product, 0)
    return tuple(t for t in build_years(inputs, product) if module_can_count(t, lead, year))


def build_rate_limited(inputs: ModelInputs) -> bool:
    """Whether the build rate (family `build_rate`) is on with a limit: Rn
    (`max_modules_per_site_per_yr`) or Rc (`max_capex_yuan_per_site_per_yr`) given."""
    return is_on(inputs, "build_rate") and (inputs.max_modules_per_site_per_yr is not None
                                            or inputs.max_capex_yuan_per_site_per_yr is not None)


def decidable_units(inputs: ModelInputs, site: str, products: Sequence[str], decided: int, year: int,
                    rate: bool = True) -> float:
    """The most capacity (units/yr) of `products` the plan can decide at `site` in the one year
    `decided` that produces by `year` (only the products with `decided` among their
    `counting_years`), an upper bound from the model's own rows:
        sum_{p,m} size[m] * bound[s,p,m]                 (x[s,p,m,t] <= bound[s,p,m])
    and, with `rate` and the build rate on (models/families/build_rate.py, n[s] the site's
    multiplicity), at most the n[s] * Rn largest modules (sum_{p,m} x[s,p,m,t] <= n[s] Rn) and
    at most what n[s] * Rc of capex buys (sum_{p,m} capex[m] x[s,p,m,t] <= n[s] Rc), each module
    taken at most floor(n[s] Rc / capex[m]) times and the modules with the most capacity per
    yuan first: the LP relaxation of each limit alone, so never below what a plan decides."""
    index = inputs.index
    modules = [(spec.capacity_units_per_yr, spec.capex_yuan, float(index.module_bound[(site, p, spec.module_id)]))
               for p in dict.fromkeys(products) if decided in counting_years(inputs, p, year)
               for spec in index.modules_of_product.get(p, ()) if (site, p, spec.module_id) in index.module_bound]
    most = sum(size * bound for size, _capex, bound in modules)
    if not rate or not build_rate_limited(inputs) or not modules:
        return most
    multiplicity = inputs.site_multiplicity.get(site, 1)
    count = inputs.max_modules_per_site_per_yr
    capex = inputs.max_capex_yuan_per_site_per_yr
    count_left = max(multiplicity * count, 0) if count is not None else math.inf
    money_left = max(multiplicity * capex, 0.0) if capex is not None else math.inf

    def bought(cost: float) -> float:
        """The most modules of one capex `cost` the capex limit buys whole."""
        return math.floor(money_left / cost + 1e-9) if cost > 0 and money_left < math.inf else math.inf

    # each module alone: no more of it than the count limit, nor than the capex limit buys whole
    capped = [(size, cost, min(bound, count_left, bought(cost))) for size, cost, bound in modules]
    if count is not None:
        left, by_count = count_left, 0.0
        for size, _cost, bound in sorted(capped, key=lambda m: -m[0]):
            take = min(bound, left)
            by_count += take * size
            left -= take
        most = min(most, by_count)
    if capex is not None:
        left, by_capex = money_left, 0.0
        for size, cost, bound in sorted(capped, key=lambda m: -m[0] / m[1] if m[1] > 0 else -math.inf):
            take = bound if cost <= 0 else min(bound, max(left, 0.0) / cost)
            by_capex += take * size
            left -= take * max(cost, 0.0)
        most = min(most, by_capex)
    return most


def countable_units(inputs: ModelInputs, site: str, products: Sequence[str], year: int, rate: bool = True) -> float:
    """The most capacity (units/yr) of `products` the plan can add at `site` that is online in
    `year` (toward a capacity target of `year`), the least of
        sum_p Amax[s,p]                                  (the land, the ceiling: models/index.py)
        sum_t decidable_units(s, products, t, year)      (t over the decision years that count)
    with Amax over the products with a decision year that counts (`counting_years`; 0 without).
    With `rate` (the default), the build rate's limits hold each decision year."""
    index = inputs.index
    counted = [p for p in dict.fromkeys(products) if counting_years(inputs, p, year)]
    land = sum(index.max_added_units.get((site, p), 0.0) for p in counted)
    if not land:
        return 0.0
    decided = sorted({t for p in counted for t in counting_years(inputs, p, year)})
    return min(land, sum(decidable_units(inputs, site, counted, t, year, rate) for t in decided))


def producing_units(inputs: ModelInputs, site: str, product: str, year: int, rate: bool = True) -> float:
    """The most of Kav[s,p,year] (units/yr; models/variables.py) from modules the plan adds at
    `site`: a module decided in t produces from t + L[p] on, at ramp[p] of its nameplate in that
    first year (t + L[p] = year) and in full after it, so
        F = min(Amax[s,p], sum_{t + L[p] < year} D[t]),
        Kav_added <= F + ramp[p] * min(Amax[s,p] - F, D[year - L[p]])
    with D[t] = `decidable_units` of the product decided in t and Amax[s,p] the land's room
    (models/index.py `max_added_units`): full use of what can produce in full first, then of
    what produces at its ramp. 0 when no module decided within the plan produces by `year`."""
    room = inputs.index.max_added_units.get((site, product), 0.0)
    lead = inputs.lead_time_yr.get(product, 0)
    years = counting_years(inputs, product, year)
    if not room or not years:
        return 0.0
    full = min(room, sum(decidable_units(inputs, site, (product,), t, year, rate) for t in years if t + lead < year))
    first = sum(decidable_units(inputs, site, (product,), t, year, rate) for t in years if t + lead == year)
    return full + inputs.ramp_up_share.get(product, 1.0) * min(max(room - full, 0.0), first)


def only_first_year(inputs: ModelInputs, product: str, year: int) -> bool:
    """Whether the only modules of `product` that produce by `year` first produce in `year`
    itself (each decision year that counts is year - L[p]), so at ramp[p] of their nameplate."""
    lead = inputs.lead_time_yr.get(product, 0)
    years = counting_years(inputs, product, year)
    return bool(years) and all(t + lead == year for t in years)


def lead_times_in_words(lead_times: Sequence[tuple[str, int]]) -> str:
    """Products' lead times in words, (name, years) each, the products of one lead time together
    in the order first named: "Cells: lead time 1 yr", "FePO4 and LFP: lead time 1 yr; Cells:
    lead time 2 yr"."""
    by_lead: dict[int, list[str]] = {}
    for name, lead in lead_times:
        by_lead.setdefault(lead, []).append(name)
    return "; ".join(f"{in_words(names)}: lead time {lead} yr" for lead, names in by_lead.items())


def lead_time_notices(loaded: LoadedScenario) -> list[str]:
    """A notice for each positive capacity target (targets.capacity.<group>.<year>) toward which
    no module added within the plan can count, because of lead times: a module of product p is
    decided at the earliest in the plan's first year t0 and first produces in t0 + lead_time_yr
    (`module_can_count`), after the target's year for every product of the group. A
    notice, not a refusal: existing and committed capacity may still meet the target, and a
    target that is not strict is charged its shortfall; a strict one that cannot be met is
    explained before solving (siting/optimize/explain.py `presolve_findings`). Each names the file
    and line that wrote the target, and its key (`target_notice`)."""
    years = sorted(loaded.scenario.years)
    if not years:
        return []
    first = years[0]
    products = loaded.catalog.products
    groups = loaded.scenario.targets.groups
    notices = []
    for group, by_year in loaded.scenario.targets.capacity.items():
        members = [m for m in groups.get(group, [group]) if m in products]
        if not members:  # an unknown product or group is reported elsewhere
            continue
        shortest = min(products[m].lead_time_yr for m in members)
        for year, target in by_year.items():
            if target <= 0 or any(module_can_count(first, products[m].lead_time_yr, year) for m in members):
                continue
            each = lead_times_in_words([(product_label(m), products[m].lead_time_yr) for m in members])
            notices.append(target_notice(loaded, ("targets", "capacity", group, str(year)), (
                f"no module of {in_words([product_label(m) for m in members])} added within the plan can count "
                f"toward the {year} target ({each}; a module decided in {first}, the plan's first year, first "
                f"produces in {first + shortest} at the earliest): only existing and committed capacity can meet "
                f"it; start the plan in {year - shortest} or earlier (years), or shorten lead_time_yr in the "
                f"catalog to {year - first} yr")))
    return notices


#: How far a capacity target may lie below the smallest module of its group, or above all that
#: the sites could hold of it, before it is taken for a slip of unit (`target_scale_notices`).
TARGET_SCALE_FACTOR = 1000.0

#: The slips of unit a notice suggests: the scale a figure was given in, and its words.
UNIT_SCALES = ((1e3, "thousand"), (1e6, "million"), (1e9, "billion"))

#: 万 (10,000) of the unit t, the scale Chinese plans give capacities in ("100万吨正极材料" is
#: 1,000,000 t of cathode), and the units it is suggested for (`target_scale_notices`).
WAN = 1e4
WAN_UNITS = ("t",)


def holdable_units(inputs: ModelInputs, members: Sequence[str]) -> float:
    """All that the sites could hold of the products `members`, in their unit per year: the
    existing capacity, the committed capacity of the plan's years, and each site's usable land
    (`site_land_ha`, before the red line) filled with the densest module (capacity per ha) of
    the members it is a candidate for; infinite when such a module takes no land. A generous
    measure: it ignores the red line, proximity, the build rate and the other products on the
    land."""
    chosen = set(members)
    total = sum(v for (_s, p), v in inputs.existing_capacity_units_per_yr.items() if p in chosen)
    total += sum(v for (_s, p, _t), v in inputs.committed_units_per_yr.items() if p in chosen)
    density: dict[str, float] = {}
    for spec in inputs.MODULES:
        if spec.product in chosen and spec.capacity_units_per_yr > 0:
            per_ha = spec.capacity_units_per_yr / spec.land_ha if spec.land_ha > 0 else math.inf
            density[spec.product] = max(density.get(spec.product, 0.0), per_ha)
    best: dict[str, float] = {}
    for site, product in inputs.CANDIDATES:
        if product in density:
            best[site] = max(best.get(site, 0.0), density[product])
    return total + sum(inputs.site_land_ha.get(site, 0.0) * per_ha for site, per_ha in best.items()
                       if inputs.site_land_ha.get(site, 0.0) > 0)


def _figure(value: float) -> str:
    """A target's figure as the notices give it (`notice_figure`, to 3 significant digits)."""
    return notice_figure(value, 3)


def target_scale_notices(loaded: LoadedScenario, inputs: ModelInputs) -> list[str]:
    """A notice for each positive capacity target (targets.capacity.<group>.<year>) that is
    less than 1/TARGET_SCALE_FACTOR of the smallest module of its group, or more than
    TARGET_SCALE_FACTOR times all that the sites could hold of it (`holdable_units`), naming the
    target, its unit (the catalog's, per year) and the likely slip: a figure given in millions
    of tonnes where the unit is t, or in m2 where it is million m2. A target in t (WAN_UNITS)
    below the smallest module whose reading in 万 t (times WAN) is at least one module and at
    most what the sites could hold is taken for one given in 万 t, as Chinese plans give
    capacities, rather than in millions. A notice, not a refusal: the figure may be meant, and
    the plan is solved as given. Each names the file and line that wrote the target, and its
    key, as `percent_notices` does (`target_notice`)."""
    products = loaded.catalog.products
    notices: list[str] = []
    for (group, year), target in inputs.capacity_target_units.items():
        members = [p for p in inputs.TARGET_GROUPS.get(group, (group,)) if p in products]
        if target <= 0 or not members:
            continue
        unit = products[members[0]].unit
        named = in_words([product_label(p) for p in members])
        loc = ("targets", "capacity", group, str(year))
        sizes = [m.capacity_units_per_yr for m in inputs.MODULES if m.product in members]
        smallest = min(sizes, default=0.0)
        hold = holdable_units(inputs, members)
        wan = unit in WAN_UNITS and smallest <= target * WAN <= hold
        if target * TARGET_SCALE_FACTOR < smallest or (wan and target < smallest):
            far = f"1/{TARGET_SCALE_FACTOR:,.0f} of " if target * TARGET_SCALE_FACTOR < smallest else ""
            if wan:
                given, example = f"万 {unit}", f"{_figure(target)} 万 {unit}/yr is written {_figure(target * WAN)}"
            else:
                k, word = next(((k, w) for k, w in UNIT_SCALES if target * k >= smallest), UNIT_SCALES[-1])
                given, example = f"{word}s of {unit}", f"1 {word} {unit}/yr is written {k:.0f}"
            limit = smallest / TARGET_SCALE_FACTOR if far else smallest
            notices.append(target_notice(loaded, loc, (
                f"the target, {figure_beside(target, limit, 3)} {unit}/yr, is less than {far}the smallest module of "
                f"{named}, "
                f"{_figure(smallest)} {unit}/yr: given in {given}? Targets are in the catalog's unit, {unit}/yr "
                f"({example})")))
            continue
        if 0 < hold < math.inf and target > TARGET_SCALE_FACTOR * hold:
            notices.append(target_notice(loaded, loc, (
                f"the target, {figure_beside(target, TARGET_SCALE_FACTOR * hold, 3)} {unit}/yr, is more than "
                f"{TARGET_SCALE_FACTOR:,.0f} times all that "
                f"the sites could hold of {named}, {_figure(round(hold))} {unit}/yr (existing, committed, and their "
                f"usable land filled with modules): {_scale_slip(target, hold, unit)} Targets are in the catalog's "
                f"unit, {unit}/yr")))
    return notices


#: How far a committed project's or real plant's capacity may lie outside the catalog's module
#: sizes of its product (below the smallest over it, above the largest times it) before it is
#: taken for a slip of unit (`plant_scale_notices`): the shipped plants lie within 0.4-10 times.
PLANT_SCALE_FACTOR = 100.0


def plant_scale_notices(loaded: LoadedScenario) -> list[str]:
    """A notice for each committed project or real plant (the scenario's committed projects,
    `calibration.plants`, `calibration.reference`) whose capacity is less than 1/PLANT_SCALE_FACTOR
    of the smallest module of its product, or more than PLANT_SCALE_FACTOR times the largest: a
    capacity given in kt or 万 t where the unit is t, or in MWh where it is GWh, which the plan
    would otherwise hold as given. Each names the file and line of the entry, its key
    (`[0] (shanshan_anode).capacity`), the figure with the catalog's unit and the module sizes.
    A notice, not a refusal: a plant may be that small or large. A file named twice (the
    reference as the committed projects) is checked once."""
    products = loaded.catalog.products
    notices: list[str] = []
    seen: set[tuple[str, str]] = set()
    for held in (loaded.committed, loaded.plants, loaded.reference):
        if held is None:
            continue
        for i, project in enumerate(held.projects):
            product = products.get(project.product)
            sizes = [float(m.capacity) for m in (product.modules if product is not None else ())]
            if not sizes or (str(held.path), project.id) in seen:
                continue
            seen.add((str(held.path), project.id))
            capacity, unit = float(project.capacity), product.unit
            smallest, largest = min(sizes), max(sizes)
            if capacity * PLANT_SCALE_FACTOR < smallest:
                side, limit = f"less than 1/{PLANT_SCALE_FACTOR:,.0f} of the smallest", smallest / PLANT_SCALE_FACTOR
            elif capacity > PLANT_SCALE_FACTOR * largest:
                side, limit = f"more than {PLANT_SCALE_FACTOR:,.0f} times the largest", PLANT_SCALE_FACTOR * largest
            else:
                continue
            modules = (f"{_figure(smallest)} {unit}/yr" if smallest == largest
                       else f"{_figure(smallest)}-{_figure(largest)} {unit}/yr")
            notices.append(f"{held.where(i)}: {held.key(i, 'capacity')} | the capacity, "
                           f"{figure_beside(capacity, limit, 3)} "
                           f"{unit}/yr, is {side} of the catalog's modules of {product_label(project.product)} "
                           f"({modules}): given in another unit? Capacities are in the catalog's unit, {unit}/yr")
    return notices


def target_notice(loaded: LoadedScenario, loc: tuple[str, ...], text: str) -> Notice:
    """The notice `text` on the target (or other scenario key) at `loc`, headed by the file and
    line that wrote it and the key ("scenario.yaml:48: targets.capacity.separator.2024 | ..."; an
    override: the scenario file and "overrides <key>"), as siting/config/load.py `key_notice`
    gives it."""
    return key_notice(loaded, loc, f"{loaded.at(*loc)[1]} | {text}")


def _scale_slip(target: float, hold: float, unit: str) -> str:
    """The likely slip of a target too large for the sites, in words: given in the base unit of
    a unit with a scale ("given in m2 rather than million m2?"), else in a unit a thousand,
    million or billion times smaller (the least that brings it within what the sites hold)."""
    first, _, rest = unit.partition(" ")
    for _k, word in UNIT_SCALES:
        if first == word and rest:
            return f"given in {rest} rather than {unit}?"
    word = next((w for k, w in UNIT_SCALES if target / k <= hold), UNIT_SCALES[-1][1])
    return f"given in a unit a {word} times smaller than {unit}?"


def redline_layer_notices(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """A notice when the red-line rule is on and the scenario gives no red-line layer
    (layers.redline): no site is excluded for the red line, and the plan may lie in protected
    land. A notice, not a refusal: the plan is still one of every other rule, and a region
    without red-line polygons yet (the official ones are not public) can still be planned; the
    notice says how to give them, or to switch the rule off and so say the plan has no red
    line. Categories the rule names are refused on their own (`category_problems`)."""
    rule = loaded.scenario.constraints.redline
    if not rule.enabled or "redline" in layers.paths:
        return []
    acting = f" (buffer_m, {rule.buffer_m:g} m, keeps products from nothing)" if rule.buffer_m > 0 else ""
    return [f"constraints.redline is on, but the scenario gives no red-line layer (layers.redline), so no site is "
            f"excluded for the red line{acting} and the plan may lie in protected land; give the red-line polygons "
            "in layers.redline, or set constraints.redline.enabled: false for a plan without a red line"]


def sourceless_limit_notices(loaded: LoadedScenario, layers: LayerSet, offered: set[str], needed: list[str]
                             ) -> list[str]:
    """A notice for each limit of constraints.proximity.max_distance_km, while the rule is on, on
    a resource that products draw on (`needed`) and that no source of the sources layer offers
    (`offered`: every source's resource, of any status), or the scenario has no sources layer:
    every site lies beyond the limit, so those products cannot be built anywhere. A notice, not a
    refusal: the plan of the other products still stands, and the targets those products miss
    are charged their shortfall (or, when strict, explained as infeasible). A resource that only
    prospective sources offer is said in the report, naming the sources left out."""
    proximity = loaded.scenario.constraints.proximity
    if not proximity.enabled:
        return []
    where = ("the sources layer has no source of it" if "sources" in layers.paths else
             "the scenario gives no sources layer (layers.sources)")
    notices = []
    for resource in proximity.max_distance_km:
        if resource not in needed or resource in offered:
            continue
        key = loaded.at("constraints", "proximity", "max_distance_km", resource)[1]
        drawing = [product_label(pid) for pid, product in loaded.catalog.products.items()
                   if product.resources_t_per_unit.get(resource, 0) > 0]
        notices.append(f"{key}: {where}, so every site lies beyond the limit and {in_words(drawing)} "
                       f"({'it draws' if len(drawing) == 1 else 'they draw'} on '{resource}') cannot be built "
                       f"anywhere; add the sources of '{resource}', or remove the limit")
    return notices


def in_words(names: list[str]) -> str:
    """Names for a sentence, unquoted: "LFP", "LFP and Cells", "FePO4, LFP and Cells"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def cluster_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """Clusters named in lead_products and max_open_sites_per_cluster that the clusters layer does not define."""
    c = loaded.scenario.constraints
    clusters = list(dict.fromkeys(layers.clusters["id"]))  # a repeated id is the layer's problem, named once here
    problems = []
    for cluster in c.differentiation.lead_products:
        if cluster not in clusters:
            problems.append(unknown_value(*loaded.at("constraints", "differentiation", "lead_products", cluster),
                                          cluster, clusters, "cluster"))
    for cluster in c.agglomeration.max_open_sites_per_cluster:
        if cluster not in clusters:
            problems.append(unknown_value(*loaded.at("constraints", "agglomeration", "max_open_sites_per_cluster",
                                                     cluster), cluster, clusters, "cluster"))
    return problems


#: How far (km) the gateway may lie from the nearest cluster: it is where imports arrive and sales
#: leave the region, in it or at a port or border crossing that serves it (from Kunming,
#: Fangchenggang lies some 690 km, Shanghai 1,960 km, Heihe on the Amur, China's farthest
#: crossing, 3,520 km: WGS84 geodesics); one farther off is a slip of its coordinates (a sign
#: lost puts it in Mexico), and every shipment in and out would pay for the km to it.
GATEWAY_MAX_KM = 5000.0


def gateway_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """A problem when the gateway (`network.gateway`, WGS84 degrees) lies more than
    GATEWAY_MAX_KM from the nearest cluster polygon (geodesic km, `km_to`), naming the key where
    it was written, with its distance; when, swapped, it would lie near enough, the problem says
    so. None for a gateway that is a stand-in for one at fault (`siting.config.load.STAND_INS`:
    its own problem is told), or clusters that cannot be measured."""
    gateway = loaded.scenario.network.gateway
    if gateway.model_dump() == STAND_INS["network"]["gateway"] or "id" not in layers.clusters.columns:
        return []
    lon, lat = float(gateway.lon), float(gateway.lat)
    km = km_to(lon, lat, layers.clusters)
    if not len(km) or not np.isfinite(km).any() or float(np.nanmin(km)) <= GATEWAY_MAX_KM:
        return []
    fix = "give the longitude and latitude (WGS84 degrees) of the point where imports arrive and sales leave the region"
    if abs(lon) <= 90.0:
        swapped = km_to(lat, lon, layers.clusters)
        if np.isfinite(swapped).any() and float(np.nanmin(swapped)) <= GATEWAY_MAX_KM:
            fix = (f"swapped, it lies {float(np.nanmin(swapped)):,.0f} km from the nearest cluster: put the longitude "
                   "in lon and the latitude in lat")
    where, key = loaded.at("network", "gateway")
    return [f"{where}: {key} | lies {float(np.nanmin(km)):,.0f} km from the nearest cluster, more than the "
            f"{GATEWAY_MAX_KM:,.0f} km a gateway may (got lon {lon:g}, lat {lat:g}); {fix}"]


def category_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """Red-line categories named in setbacks_m and categories that the red-line layer does not hold.

    A category like one the layer holds (`SUGGESTION_LIKENESS`, or one edit apart: `close_match`)
    gets "did you mean" with the other way round beside it: the misspelling may be the layer's.
    Without a red-line layer (layers.redline left out), each of the two settings that names
    categories is one problem, naming them all."""
    r = loaded.scenario.constraints.redline
    if "redline" not in layers.paths:
        return no_layer_category_problems(loaded)
    categories = sorted(set(layers.redline["category"])) if len(layers.redline) else []
    layer = shown_path(layers.paths["redline"])

    def unknown(where: str, key: str, category: str) -> str:
        close = close_match(category, categories, SUGGESTION_LIKENESS)
        if close is None:
            return unknown_value(where, key, category, categories, "red-line category")
        return (f"{where}: {key} | unknown red-line category (got {category!r}); did you mean '{close}'? (if "
                f"'{close}' is the misspelling, correct it in {layer})")

    problems = []
    for product, by_category in r.setbacks_m.items():
        for category in by_category:
            if category not in categories:
                problems.append(unknown(*loaded.at("constraints", "redline", "setbacks_m", product, category),
                                        category))
    for category in r.categories or []:
        if category not in categories:
            problems.append(unknown(*loaded.at("constraints", "redline", "categories"), category))
    return problems


def no_layer_category_problems(loaded: LoadedScenario) -> list[str]:
    """The red-line categories constraints.redline names (in `categories`, in `setbacks_m`) when
    the scenario gives no red-line layer, whose polygons they would name: one problem per setting."""
    r = loaded.scenario.constraints.redline
    named = {"categories": list(dict.fromkeys(r.categories or [])),
             "setbacks_m": list(dict.fromkeys(c for by in r.setbacks_m.values() for c in by))}
    problems = []
    for setting, categories in named.items():
        if not categories:
            continue
        where, key = loaded.at("constraints", "redline", setting)
        them = f"category {categories[0]!r}" if len(categories) == 1 else f"categories {listed(categories, 99)}"
        problems.append(f"{where}: {key} | names red-line {them}, but the scenario gives no red-line layer "
                        f"(layers.redline); give the layer, or leave constraints.redline.{setting} out for a plan "
                        "without a red line")
    return problems


def committed_site_problems(loaded: LoadedScenario, layers: LayerSet) -> list[str]:
    """A committed project at a site the sites layer does not define, named at its file and line,
    by its position and its id (`[0] (east_lfp).site`), an entry that failed the schema with a
    valid site as well (`CommittedProjects.site_entries`); the unknown sites of several projects
    that are no slip of a known id, in one problem (`unknown_site_problems`). The real plants of
    calibration mode fixed (`LoadedScenario.plants`: those of `calibration.plants` when it names
    another file than the committed projects) and those mode choose scores the plan against
    (`LoadedScenario.reference`: those of `calibration.reference`, likewise) are checked the same
    way, in their file, after them: a misspelt site would otherwise read as a real plant in no
    cluster (mode fixed) or as one near no planned capacity (mode choose)."""
    site_ids = list(dict.fromkeys(layers.sites["id"])) if "id" in layers.sites.columns else []
    id_field, id_key = loaded.scenario.layers.sites.id_field, loaded.at("layers", "sites", "id_field")[1]
    held = [loaded.committed] + [plants for plants in (loaded.plants, loaded.reference) if plants is not None]
    return [problem for projects in held for problem in unknown_site_problems(projects, site_ids, id_field, id_key)]


def nothing_buildable(inputs: ModelInputs, names: Names | None = None) -> str | None:
    """When no site can take a single module of any product, say so and name the exclusions
    (per site: the products excluded by the red line, by proximity and for lack of land, with
    counts per reason); None when something can be built. Sites and products are named in words
    as `names` says (siting/config/units.py `Names`: a site by its map name with its id in
    brackets, "West mine park (w_mine)", a product as "FePO4"), as the messages after it name
    them; without `names`, sites by their ids."""
    names = names or Names()
    index = derive_index(inputs)
    if index.build_pairs:
        return None
    if not inputs.SITES:
        return "nothing can be built: no candidate site lies inside a cluster"
    redline_on = "redline" in inputs.enabled_families
    proximity_on = "proximity" in inputs.enabled_families
    counts = {"red line": 0, "proximity": 0, "land": 0}
    lines = []
    for site in inputs.SITES:
        reasons: dict[str, list[str]] = {"red line": [], "proximity": [], "land": []}
        for product in inputs.PRODUCTS:
            if redline_on and (site, product) in inputs.REDLINE_EXCLUDED:
                reasons["red line"].append(product)
            elif proximity_on and (site, product) in inputs.PROXIMITY_EXCLUDED:
                reasons["proximity"].append(product)
            else:
                reasons["land"].append(product)
        parts = []
        for reason, products in reasons.items():
            if products:
                counts[reason] += 1
                parts.append(f"{reason} ({', '.join(names.product(p) for p in products)})")
        lines.append(f"{names.site_and_id(site)}: {'; '.join(parts)}")
    shown, rest = cut_at(lines, 20)
    shown += [f"... and {rest:,} more sites"] if rest else []
    summary = ", ".join(f"{reason} at {n} site{'s' if n != 1 else ''}" for reason, n in counts.items() if n)
    if counts["land"]:
        summary += "; land: too little usable land for one module" + (" after the red line" if redline_on else "")
    return (f"nothing can be built: every candidate site is excluded for every product ({summary}):\n"
            + "\n".join(f"    {line}" for line in shown)
            + "\n    Relax constraints.redline or constraints.proximity, or add sites or usable land")
