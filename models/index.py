"""The sparse index sets of the model, derived in plain Python before the model is built.

Notation as in docs/FORMULATION.md: s site, p product, m module size, t year, g target group.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from models.families.proximity import proximity_excluded
from models.families.redline import redline_excluded, usable_land_ha

if TYPE_CHECKING:
    from models.inputs import ModelInputs, ModuleSpec, SiteProduct

#: Upper bound on modules of one size per site, product and year when land does not bound them.
MAX_MODULES_WITHOUT_LAND = 20


@dataclass(frozen=True)
class ModelIndex:
    """Sparse index sets derived from the inputs before the model is built.

    build_pairs: BUILD_PAIRS, the (site, product) pairs where modules may be built, in
        CANDIDATES order; build_keys: BUILD, the (site, product, module, year) keys of x;
    module_bound: the upper bound of x[s,p,m,t] per (site, product, module);
    producing_pairs: BUILD_PAIRS plus pairs with existing (E[s,p] > 0) or committed capacity;
    land_ha: L[s,p] (ha) per buildable pair; max_added_units: Amax[s,p] (units/yr);
    modules_of_product: the module sizes M_p of each product, in catalog order;
    member_max_added: for a merged site's pair with `member_land_ha`, A1max[s,p] (units/yr), the
    most one member can add (the fractional knapsack on L1[s,p], at most Amax[s,p]).
    """

    build_pairs: tuple[SiteProduct, ...]
    build_keys: tuple[tuple[str, str, str, int], ...]
    module_bound: dict[tuple[str, str, str], int]
    producing_pairs: tuple[SiteProduct, ...]
    land_ha: dict[SiteProduct, float]
    max_added_units: dict[SiteProduct, float]
    modules_of_product: dict[str, tuple[ModuleSpec, ...]]
    member_max_added: dict[SiteProduct, float] = field(default_factory=dict)


def is_on(inputs: ModelInputs, family: str) -> bool:
    """Whether rule family `family` is enabled in `inputs`."""
    return family in inputs.enabled_families


def derive_index(inputs: ModelInputs) -> ModelIndex:
    """The model's sparse index sets (see `compute_index`), computed once per inputs and carried
    on them (`ModelInputs.index`)."""
    return inputs.index


def compute_index(inputs: ModelInputs) -> ModelIndex:
    """Red-line and proximity eligibility (families `redline` and `proximity`) and the module
    bounds, as sparse sets.

    BUILD keys run over the decision years t + L[p] <= t_last (`build_years`).
    BUILD_PAIRS = CANDIDATES - REDLINE_EXCLUDED (if "redline" is on) - PROXIMITY_EXCLUDED (if
    "proximity" is on) - pairs where not even one module fits on the usable land L[s,p]
    (`models.families.redline.usable_land_ha`).
    Module bounds: x[s,p,m,t] <= floor(L[s,p] / land[m]) when "land" is on (else
    n[s] * MAX_MODULES_WITHOUT_LAND, n[s] the site's multiplicity, 1 unless the site merges
    several), and <= ceil(Cmax[p] / size[m]) where the capacity ceiling gives p a cap Cmax[p]
    (units/yr). Amax[s,p], the linking constant of the binaries, is the most capacity these
    bounds let the pair add (`max_added_units`: with "land" on, the integer knapsack of the module
    sizes on L[s,p], its LP relaxation at a merged site; with it off, every module at its bound in
    every year), capped by Cmax[p]: the tighter it is, the stronger the LP relaxation.
    """
    product_cap = ceiling_per_product(inputs)
    modules_of_product: dict[str, list[ModuleSpec]] = defaultdict(list)
    for spec in inputs.MODULES:
        modules_of_product[spec.product].append(spec)
    redline_on = is_on(inputs, "redline")
    excluded = redline_excluded(inputs, redline_on) | proximity_excluded(inputs, is_on(inputs, "proximity"))
    land_ha: dict[SiteProduct, float] = {}
    module_bound: dict[tuple[str, str, str], int] = {}
    build_pairs: list[SiteProduct] = []
    max_added: dict[SiteProduct, float] = {}
    member_added: dict[SiteProduct, float] = {}
    for pair in inputs.CANDIDATES:
        if pair in excluded:
            continue
        site, product = pair
        land = usable_land_ha(inputs, pair, redline_on)
        multiplicity = inputs.site_multiplicity.get(site, 1)
        bounds = {}
        for spec in modules_of_product.get(product, ()):
            if is_on(inputs, "land"):
                count = math.floor(land / spec.land_ha + 1e-9 * multiplicity)
            else:
                count = MAX_MODULES_WITHOUT_LAND * multiplicity
            if product in product_cap:
                count = min(count, math.ceil(product_cap[product] / spec.capacity_units_per_yr - 1e-9))
            if count > 0:
                bounds[spec.module_id] = count
        if not bounds:
            continue
        build_pairs.append(pair)
        land_ha[pair] = land
        for module_id, count in bounds.items():
            module_bound[(site, product, module_id)] = count
        max_added[pair] = min(
            max_added_units(inputs, land, bounds, is_on(inputs, "land"), multiplicity),
            product_cap.get(product, math.inf),
        )
        if multiplicity > 1 and pair in inputs.member_land_ha:  # a merged site: what one member may add
            one = inputs.member_land_ha[pair]
            if is_on(inputs, "land"):
                fits = [(inputs.module(mid), math.floor(one / inputs.module(mid).land_ha + 1e-9)) for mid in bounds]
                member = fractional_knapsack([(spec, n) for spec, n in fits if n > 0], one)
            else:
                member = max_added_units(inputs, one, dict.fromkeys(bounds, MAX_MODULES_WITHOUT_LAND), False)
            member_added[pair] = min(max_added[pair], member)
    build_keys = tuple(
        (site, product, spec.module_id, year)
        for site, product in build_pairs
        for spec in modules_of_product[product]
        if (site, product, spec.module_id) in module_bound
        for year in build_years(inputs, product)
    )
    producing = list(build_pairs)
    seen = set(build_pairs)
    standing = [pair for pair, units in inputs.existing_capacity_units_per_yr.items() if units > 0]
    standing += [(s, p) for (s, p, _t), units in inputs.committed_units_per_yr.items() if units > 0]
    for pair in standing:
        if pair not in seen:
            producing.append(pair)
            seen.add(pair)
    return ModelIndex(
        build_pairs=tuple(build_pairs),
        build_keys=build_keys,
        module_bound=module_bound,
        producing_pairs=tuple(producing),
        land_ha=land_ha,
        max_added_units=max_added,
        modules_of_product={p: tuple(v) for p, v in modules_of_product.items()},
        member_max_added=member_added,
    )


def build_years(inputs: ModelInputs, product: str) -> tuple[int, ...]:
    """The years t in which modules of `product` may be decided: t + L[p] <= t_last (a module
    decided later would not produce within the horizon)."""
    lead = inputs.lead_time_yr.get(product, 0)
    return tuple(t for t in inputs.YEARS if t + lead <= inputs.YEARS[-1])


def committed_after(inputs: ModelInputs, products: set[str] | frozenset[str], year: int) -> float:
    """Committed capacity (units/yr) of `products` first producing after `year` and by the last
    plan year t_last: sum C[s,p,t'] over p in `products`, year < t' <= t_last. It stands in
    t_last, where the capacity ceiling counts, but not in `year`."""
    last = inputs.YEARS[-1]
    return sum(units for (_s, p, t), units in inputs.committed_units_per_yr.items()
               if p in products and year < t <= last)


def ceiling_reach(inputs: ModelInputs, group: str) -> tuple[int, float, float] | None:
    """The target of `group` that asks the most of its capacity in the last year:
    (t, T[g,t], Cafter[g,t]) with the largest T[g,t] + Cafter[g,t] over its positive targets
    (`committed_after`; ties: the earlier year), None without one. Meeting T[g,t] in whole
    modules leaves up to T[g,t] + a module online in t, and the committed capacity coming online
    after t adds to it by t_last."""
    members = set(inputs.TARGET_GROUPS.get(group, (group,)))
    best: tuple[int, float, float] | None = None
    for (g, t), target in sorted(inputs.capacity_target_units.items(), key=lambda item: item[0][1]):
        if g != group or target <= 0:
            continue
        later = committed_after(inputs, members, t)
        if best is None or target + later > best[1] + best[2]:
            best = (t, target, later)
    return best


def group_ceilings(inputs: ModelInputs) -> dict[str, float]:
    """Ceiling U[g] = max(phi * Tmax[g], max_t (T[g,t] + Cafter[g,t]) + the group's largest module),
    Tmax[g] = max_t T[g,t], over the positive targets, for groups with a positive target, when the
    capacity ceiling (part of `targets`) is active. Cafter[g,t] is the committed capacity of the
    group first producing after t and by the last year (`committed_after`): the ceiling row counts
    it in the last year, the target of t does not. The second term keeps every target reachable in
    whole modules, even when phi * Tmax[g] is below one module or committed plants come online
    after a target year (`ceiling_reach`)."""
    phi = inputs.capacity_ceiling_factor if is_on(inputs, "targets") else 0.0
    if phi <= 0:
        return {}
    goals: dict[str, float] = defaultdict(float)
    for (group, _t), target in inputs.capacity_target_units.items():
        goals[group] = max(goals[group], target)
    ceilings = {}
    for group, goal in goals.items():
        members = set(inputs.TARGET_GROUPS[group])
        largest = max((spec.capacity_units_per_yr for spec in inputs.MODULES if spec.product in members), default=0.0)
        reach = ceiling_reach(inputs, group)
        if goal > 0 and reach is not None:
            ceilings[group] = max(phi * goal, reach[1] + reach[2] + largest)
    return ceilings


def ceiling_per_product(inputs: ModelInputs) -> dict[str, float]:
    """Cmax[p] = min U[g] over the groups g holding p: added capacity of p never exceeds it."""
    caps: dict[str, float] = {}
    for group, ceiling in group_ceilings(inputs).items():
        for product in inputs.TARGET_GROUPS[group]:
            caps[product] = min(caps.get(product, math.inf), ceiling)
    return caps


def max_added_units(inputs: ModelInputs, land_ha: float, bounds: dict[str, int], land_binds: bool,
                    multiplicity: int = 1) -> float:
    """The most capacity (units/yr) that can be added at one site for one product: Amax, used
    to link binaries and to explain unreachable targets.

    With land binding it is the integer knapsack max sum_m size[m] n[m] subject to
    sum_m land[m] n[m] <= L and n[m] <= bound[m] (solved by enumeration: a product has few
    module sizes); without it, every year may add each module up to its bound. A merged site
    (`multiplicity` > 1, bounds in the hundreds) takes the knapsack's LP relaxation instead
    (`fractional_knapsack`): a bound at least as large, which is all the linking rows need."""
    specs = [(inputs.module(mid), count) for mid, count in bounds.items()]
    if not land_binds:
        return sum(spec.capacity_units_per_yr * count * len(inputs.YEARS) for spec, count in specs)
    if multiplicity > 1:
        return fractional_knapsack(specs, land_ha)

    def best(i: int, land_left: float) -> float:
        spec, count = specs[i]
        fit = min(count, math.floor(land_left / spec.land_ha + 1e-9))
        if i == len(specs) - 1:
            return fit * spec.capacity_units_per_yr
        return max(n * spec.capacity_units_per_yr + best(i + 1, land_left - n * spec.land_ha) for n in range(fit + 1))

    return best(0, land_ha)


def fractional_knapsack(specs: list[tuple[ModuleSpec, int]], land_ha: float) -> float:
    """max sum_m size[m] n[m] subject to sum_m land[m] n[m] <= L and 0 <= n[m] <= bound[m], n real
    (units/yr): the LP relaxation of the module knapsack, solved greedily by capacity per hectare.
    It is at least the integer optimum, and superadditive: the sum of its values over sites is at
    most its value for their summed land and bounds."""
    left = land_ha
    total = 0.0
    for spec, count in sorted(specs, key=lambda sc: -sc[0].capacity_units_per_yr / sc[0].land_ha):
        take = min(float(count), max(left, 0.0) / spec.land_ha)
        total += take * spec.capacity_units_per_yr
        left -= take * spec.land_ha
    return total
