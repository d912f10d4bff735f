"""Screening: plan thousands of candidate sites without putting them all into the MIP.

Three steps (docs/FORMULATION.md, "Screening and the aggregated bound"):

1. Aggregate (`aggregate`): the mergeable candidates (sites with neither existing nor committed
   capacity) are grouped by cluster, eligible product set, the weak order of their usable land
   per product and bins of their cost figures; each group becomes one merged site whose land is
   the sum over the most members that can build in one plan (all, or as many as the cluster's
   open-site limit lets open) and whose every cost figure is the members' least. Any plan of the full
   instance maps onto a plan of the aggregate of no greater cost, so the aggregate's proven
   bound is a lower bound LB of the full optimum.
2. Screen (`screen_sites`): the full instance restricted to the sites that are not merged and a
   few members of each group the aggregate plan uses (`restrict`). Its plan, with every other
   candidate left unused, is a plan of the full instance: its cost is an upper bound UB. It is
   searched first with the cluster-hosts-product binaries fixed to the aggregate plan's.
3. Certify (`solve_screened`): the proven gap of the full instance is (UB - LB) / max(|UB|, 1e-9);
   the plan is proven within the asked gap when siting/optimize/tolerance.py `within_gap` holds
   for UB and LB (the relative gap, or the absolute gap UB - LB when one is asked).
   With `ScreeningSettings.scout_nodes` (off by default), the aggregate's count relaxation
   begins with a scout whose plan is screened at once (step 2, fixed searches only), and the
   relaxation is then searched for the bound UB1 - max(gap |UB1|, absolute gap) that certifies
   that screened plan, with it as HiGHS's cutoff (siting/optimize/counts.py, `upper_of`).
   When the relaxation's search ends on its node budget and a round's plan is not certified,
   the relaxation is searched once more in the same way for the bound that certifies that plan
   (`proof_search`) before a wider round.

Everything here is plain data in and plain data out, deterministic for the same inputs.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyomo.core as pyo
from pyomo.common.collections import ComponentMap

from models import build_model
from models.costs import capital_recovery_factor
from models.counts import add_module_counts, count_values, fix_module_counts, free_module_counts
from models.families.agglomeration import pre_opened_sites
from models.families.proximity import nearest_sources
from models.index import MAX_MODULES_WITHOUT_LAND, is_on
from models.inputs import ModelInputs
from siting.config import progress
from siting.optimize.counts import CountSolve, solve_by_counts
from siting.optimize.solve import (
    SolveReport,
    SolverSettings,
    checked_options,
    new_solver,
    relative_gap,
    solve_model,
)
from siting.optimize.tolerance import CERTIFY_TOLERANCE as CERTIFY_TOLERANCE  # read here by callers
from siting.optimize.tolerance import certifying_bound, within_gap

#: Separator of merged site ids: "<first member>~<n>" stands for the n members of a group.
MERGED_MARK = "~"


@dataclass(frozen=True)
class ScreeningSettings:
    """How candidates are grouped and screened, and how far each search may go.

    hub_km_bin: width (km) of the bins of the distance to the cluster hub (0: no bins);
    source_km_bin: width (km) of the bins of the distance to the nearest source of each raw
        resource the group's products need (0: no bins);
    price_ratio_bin: ratio between the edges of the bins of land price and power tariff (at most
        1: no bins). The bound is valid with any bins (a merged site takes its members' least
        figures); finer bins give a tighter merged model with more sites. By default there are
        none: groups by cluster, products and land order only. Measured on the real clusters
        (scenarios/yunnan_2024_cells.yaml, 1 % asked, 120 s, one thread, idle machine, the merged
        model stopped by its 72 s time net each time): 32-33 merged-model sites and certified gaps
        of 2.05 % (1,136 cells), 2.06-2.15 % (9,658) and 2.15 % (5,053), against 43-45 sites and
        3.29 % and 3.35 % with bins of 100 km, 400 km and a price ratio of 2; but 4.05 % at 4,998
        cells (3,720 m: the merged search kept the parks-only plan), where the bins gave 2.82 %.
        At 2.5 % asked both prove the gap in about the same time (bound 48 s against 43 s);
    per_group: members kept per group the aggregate plan uses, at the least (the cheapest ones);
    land_cover: the kept members' usable land holds this multiple of the land the aggregate plan
        uses at the merged site;
    aggregate_nodes: branch-and-bound nodes the aggregated model's count relaxation may explore
        (HiGHS `mip_max_nodes`, one thread, the scenario's seed): its search, and so its bound,
        ends after the same work on every run. Measured on scenarios/yunnan_2024_cells.yaml (44
        merged and other sites, with the former bins; one core of a two-core machine with the other
        core busy, 1 % asked): 5,760-6,611 nodes in 90 s over three seeds, with bounds of
        9.74-9.86 bn yuan (9.89 certifies 1 % against the screened plan's 9.99);
    round_nodes: nodes each search of a screened round may explore (fixed counts or hosts, then
        free; `_solve_round`);
    scout_nodes: nodes of the aggregated model's first search for a plan (its count relaxation's
        scout, siting/optimize/counts.py), before its plan is screened and the bound certifying the
        screened plan is searched for with that bound as HiGHS's cutoff; 0 (the default): no scout,
        the relaxation is searched to `aggregate_gap_share` of the gap at once. Measured on
        scenarios/yunnan_2024_cells.yaml at 1 %, one thread, machine at load 2-3: with no scout
        0.83 % in 55.8 s, with 3,000 nodes 1.00 % in 72.6 s, the same plan (9.99 bn yuan); with
        1,000, 1.00 % in 99.7 s on the parks-only plan (10.06), the merged relaxation finding the
        plans that build on cells only after some 2,000 nodes. On grids of 4,998 and 9,658 cells
        (3,000 nodes, load 3) the second search did not finish in the time left, and the bound it
        restarted lost what the scout had proven: 3.09 % and 2.50 % at the limit;
    aggregate_share: share of the time limit the aggregated model may take at most: a safety net
        (a slower machine), not the budget; when it stops the search the report says so, and the
        bound may then differ between runs. The screened rounds have the time left as their net;
    aggregate_gap_share: the aggregate is solved to this share of the asked gaps (relative and
        absolute), so that its bound, not its plan, is close to its optimum (the certified gap
        adds both gaps);
    search_options: HiGHS options of every search of the screening (the merged model's and the
        screened rounds'), under the scenario's own `solver.options`, which take their place.
        `mip_heuristic_effort` 0.3 (HiGHS's default 0.05): the merged relaxation's bound comes
        fast, its plans late, and a run waits for a plan its bound certifies. Measured with
        benchmarks/bench_scale.py's instances (scenarios/yunnan_2024_cells.yaml, 1 % asked,
        one thread, seeds 0-4, the machine's other core busy; seconds from process start to files
        written): 1,136 cells 14-22 s (36-169 s with the default), 5,052 cells 20-29 s (seeds
        0-2), 9,657 cells 19-20 s (44-159 s), the certified gaps 0.75-1.00 %. The searches of the
        full model (a scenario without cells) keep HiGHS's default: on scenarios/yunnan_2024.yaml
        at 1 % the same effort took 15-31 s against 15-25 s.

    A scenario's own `solver.options.mip_max_nodes` takes the place of both node budgets.
    """

    hub_km_bin: float = 0.0
    source_km_bin: float = 0.0
    price_ratio_bin: float = 0.0
    per_group: int = 2
    land_cover: float = 2.0
    aggregate_nodes: int = 8000
    round_nodes: int = 1000
    aggregate_share: float = 0.85
    aggregate_gap_share: float = 0.6
    scout_nodes: int = 0
    search_options: tuple[tuple[str, float], ...] = (("mip_heuristic_effort", 0.3),)


@dataclass(frozen=True)
class Aggregation:
    """The aggregated instance and which candidates each merged site stands for.

    inputs: the aggregated ModelInputs (merged sites carry `site_multiplicity`);
    members: merged site id -> its member site ids, in SITES order;
    dropped: mergeable sites that can build nothing (no variable in the full model either).
    """

    inputs: ModelInputs
    members: dict[str, tuple[str, ...]]
    dropped: tuple[str, ...]
    #: Mergeable sites kept as sites of their own (alone in their group, or a member whose supply
    #: arcs the merged site would lose), in SITES order.
    unmerged: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScreeningSummary:
    """Figures of a screened solve, for the report and the manifest.

    aggregate_termination: how the aggregated model's search ended (Pyomo's termination name);
    aggregate_limits, round_limits: what each search was given (mip_max_nodes, time_limit_s as the
        safety net, rel_gap (a share), abs_gap_yuan (yuan, None without an absolute gap); the
        merged model's scout_nodes), the rounds' time limit being the run's;
    time_stopped: the searches the time limit stopped ("merged model", "screened round 1", ...):
        with any, the bound or the plan depends on the machine's speed.
    rounds, screened_time_s: the screened rounds run and their wall seconds (building included),
        those run inside the merged model's search with a scout (`ScreeningSettings.scout_nodes`)
        included, whether or not a round found a plan; aggregate_time_s: the wall seconds of the
        rest, from the start (aggregating, the merged model's build and searches); build_time_s:
        the seconds of every model build among them (the merged model's and each round's).
    """

    candidates: int
    groups: int
    aggregate_sites: int
    screened_sites: int
    lower_bound_yuan: float | None
    upper_bound_yuan: float | None
    #: The screened instance's own bound: how far its plan may be from the best plan of the sites kept.
    screened_bound_yuan: float | None
    aggregate_time_s: float
    screened_time_s: float
    build_time_s: float
    rounds: int
    aggregate_termination: str = ""
    aggregate_limits: tuple[tuple[str, float | None], ...] = ()
    round_limits: tuple[tuple[str, float | None], ...] = ()
    time_stopped: tuple[str, ...] = ()
    #: Candidate cells kept as sites of their own in the merged model (`Aggregation.unmerged`).
    unmerged: int = 0
    #: The merged model's proof search (`proof_search`), when it ran: how it ended (Pyomo's
    #: termination name), its cutoff C, the bound it proved and the cost of the relaxed plan below
    #: C that ended it (None when none did) (yuan).
    proof: tuple[str, float, float | None, float | None] | None = None

    def record(self) -> dict[str, object]:
        """The summary as the manifest's `screening` member: counts, bounds (yuan), how each
        search ended and its limits; no wall-clock time (those are the run's timings)."""
        return {
            "candidate_cells": self.candidates,
            "groups": self.groups,
            "unmerged_cells": self.unmerged,
            "merged_model_sites": self.aggregate_sites,
            "screened_sites": self.screened_sites,
            "rounds": self.rounds,
            "lower_bound_yuan": self.lower_bound_yuan,
            "upper_bound_yuan": self.upper_bound_yuan,
            "screened_bound_yuan": self.screened_bound_yuan,
            "merged_model": {"termination": self.aggregate_termination, **dict(self.aggregate_limits),
                             "proof_search": None if self.proof is None else dict(zip(
                                 ("termination", "cutoff_yuan", "bound_yuan", "relaxed_plan_yuan"), self.proof,
                                 strict=True))},
            "screened_rounds": dict(self.round_limits),
            "stopped_by_time_limit": list(self.time_stopped),
        }


@dataclass
class ScreenedSolve:
    """The outcome of `solve_screened`: the certified report, the screened model and its inputs
    (the plan is read from them), the aggregation, and whether the aggregate is proven
    infeasible when it has no plan (then so is the full instance: the aggregate is a relaxation).
    Without a plan, `report` is that of the search that ended without one."""

    report: SolveReport
    model: pyo.ConcreteModel | None
    inputs: ModelInputs
    summary: ScreeningSummary
    aggregate_infeasible: bool = False
    solver: object | None = None
    aggregation: Aggregation | None = None
    #: The merged model's solve through module counts (its bound phase and searches); its
    #: `bound_time_s` leaves out the screened rounds run inside it, which the summary counts.
    merged: CountSolve | None = None


def standing_sites(inputs: ModelInputs) -> set[str]:
    """Sites with existing or committed capacity: never merged (their plants sit on them)."""
    held = {s for (s, _p), units in inputs.existing_capacity_units_per_yr.items() if units > 0}
    held |= {s for (s, _p, _t), units in inputs.committed_units_per_yr.items() if units > 0}
    return held


def _bin(value: float, width: float) -> int:
    return math.floor(value / width) if width > 0 else 0


def _ratio_bin(value: float, ratio: float) -> int | None:
    if value <= 0:
        return None
    return math.floor(math.log(value) / math.log(ratio)) if ratio > 1 else 0


def group_key(inputs: ModelInputs, site: str, eligible: tuple[str, ...], land: Mapping[tuple[str, str], float],
              nearest: Mapping[tuple[str, str], tuple[str, float]], settings: ScreeningSettings) -> tuple:
    """The group of a mergeable site: cluster, eligible products, the weak order of its usable land
    per product (ties kept: the land rows of merged sites sum validly only when every member
    orders its products alike), and bins of hub distance, land price, tariff and the distance to
    the nearest source of each resource its products need."""
    order: tuple[tuple[str, ...], ...] = ()
    if is_on(inputs, "land"):
        levels: dict[float, list[str]] = defaultdict(list)
        for p in eligible:
            levels[land[(site, p)]].append(p)
        order = tuple(tuple(levels[level]) for level in sorted(levels))
    needed = [r for r in inputs.RESOURCES
              if any(inputs.resource_t_per_unit.get((p, r), 0.0) > 0 for p in eligible)]
    sources = tuple(
        _bin(nearest[(site, r)][1], settings.source_km_bin) if (site, r) in nearest else None for r in needed
    )
    return (
        inputs.cluster_of_site[site],
        eligible,
        order,
        _bin(inputs.site_hub_km.get(site, 0.0), settings.hub_km_bin),
        _ratio_bin(inputs.land_price_yuan_per_ha.get(site, 0.0), settings.price_ratio_bin),
        _ratio_bin(inputs.power_tariff_yuan_per_kwh.get(site, 0.0), settings.price_ratio_bin),
        sources,
    )


def aggregate(inputs: ModelInputs, mergeable: Iterable[str],
              settings: ScreeningSettings = ScreeningSettings()) -> Aggregation:
    """The aggregated instance: each group of mergeable sites (`group_key`) with two or more
    members becomes one merged site (see the module docstring); sites with existing or committed
    capacity are never merged, and mergeable sites that can build nothing are left out.

    Merged site S of members i: land and usable land per eligible product = sums; land price,
    tariff, hub distance and the km of each source's arc = the least over members (arcs: the
    union); multiplicity n[S] = the number of members; the largest member's usable land per
    eligible product (`member_land_ha`), by which each member opened adds at most what one
    member could where members are counted (models/families/agglomeration.py
    `members_counted`). A member whose supply arcs the proximity
    rule would not keep at S stays a site of its own."""
    index = inputs.index
    standing = standing_sites(inputs)
    wanted = set(mergeable) - standing
    eligible_at: dict[str, list[str]] = defaultdict(list)
    for s, p in index.build_pairs:
        eligible_at[s].append(p)
    nearest = nearest_sources(inputs)
    groups: dict[tuple, list[str]] = defaultdict(list)
    dropped = []
    for s in inputs.SITES:
        if s not in wanted:
            continue
        eligible = tuple(eligible_at.get(s, ()))
        if not eligible:
            dropped.append(s)
            continue
        groups[group_key(inputs, s, eligible, index.land_ha, nearest, settings)].append(s)
    members = [tuple(g) for g in groups.values()]
    while True:
        agg = _merge(inputs, [g for g in members if len(g) > 1], set(dropped))
        split = _members_losing_arcs(inputs, agg)
        if not split:
            return dataclasses.replace(agg, unmerged=tuple(s for s in agg.inputs.SITES if s in wanted))
        members = [tuple(s for s in g if s not in split) for g in members] + [(s,) for s in sorted(split)]
        members = [g for g in members if g]


def _merged_id(group: Sequence[str], taken: set[str]) -> str:
    name = f"{group[0]}{MERGED_MARK}{len(group)}"
    while name in taken:
        name += MERGED_MARK
    return name


def _merge(inputs: ModelInputs, groups: list[tuple[str, ...]], dropped: set[str]) -> Aggregation:
    """The aggregated inputs for `groups` (each of two or more sites), every other site kept
    as it is and `dropped` left out."""
    index = inputs.index
    taken = set(inputs.SITES)
    merged_of: dict[str, str] = {}
    members: dict[str, tuple[str, ...]] = {}
    for group in groups:
        name = _merged_id(group, taken)
        taken.add(name)
        members[name] = group
        for s in group:
            merged_of[s] = name
    eligible_at: dict[str, list[str]] = defaultdict(list)
    for s, p in index.build_pairs:
        eligible_at[s].append(p)
    sites = []
    for s in inputs.SITES:
        if s in dropped:
            continue
        target = merged_of.get(s, s)
        if target == s or members[target][0] == s:
            sites.append(target)
    redline_on = is_on(inputs, "redline")
    candidates = [(s, p) for s, p in inputs.CANDIDATES if s not in merged_of and s not in dropped]
    cluster = {s: c for s, c in inputs.cluster_of_site.items() if s not in merged_of and s not in dropped}
    site_land = {s: v for s, v in inputs.site_land_ha.items() if s not in merged_of and s not in dropped}
    after_redline = {k: v for k, v in inputs.land_after_redline_ha.items()
                     if k[0] not in merged_of and k[0] not in dropped}
    multiplicity: dict[str, int] = {}
    member_land: dict[tuple[str, str], float] = {}
    land_price = {s: v for s, v in inputs.land_price_yuan_per_ha.items() if s not in merged_of}
    tariff = {s: v for s, v in inputs.power_tariff_yuan_per_kwh.items() if s not in merged_of}
    hub_km = {s: v for s, v in inputs.site_hub_km.items() if s not in merged_of}
    for name, group in members.items():
        first = group[0]
        eligible = eligible_at[first]
        candidates += [(name, p) for p in eligible]
        cluster[name] = inputs.cluster_of_site[first]
        k = most_building_members(inputs, cluster[name], len(group))
        multiplicity[name] = k
        site_land[name] = _top_sum((inputs.site_land_ha[s] for s in group), k)
        if redline_on:
            for p in eligible:
                after_redline[(name, p)] = _top_sum((index.land_ha[(s, p)] for s in group), k)
        for p in eligible:
            member_land[(name, p)] = max(index.land_ha[(s, p)] for s in group)
        for table, source in ((land_price, inputs.land_price_yuan_per_ha), (tariff, inputs.power_tariff_yuan_per_kwh),
                              (hub_km, inputs.site_hub_km)):
            values = [source[s] for s in group if s in source]
            if values:
                table[name] = min(values) if len(values) == len(group) else min(min(values), 0.0)
    position = {s: i for i, s in enumerate(sites)}
    candidates.sort(key=lambda sp: (position[sp[0]], inputs.PRODUCTS.index(sp[1])))
    arcs, arc_km = _merged_arcs(inputs, merged_of, dropped)
    agg_inputs = dataclasses.replace(
        inputs,
        SITES=tuple(sites),
        CANDIDATES=tuple(candidates),
        cluster_of_site=cluster,
        site_land_ha=site_land,
        land_after_redline_ha=after_redline,
        REDLINE_EXCLUDED=frozenset(k for k in inputs.REDLINE_EXCLUDED if k[0] not in merged_of and k[0] not in dropped),
        ARCS=arcs,
        arc_km=arc_km,
        land_price_yuan_per_ha=land_price,
        power_tariff_yuan_per_kwh=tariff,
        site_hub_km=hub_km,
        site_multiplicity={**dict(inputs.site_multiplicity), **multiplicity},
        member_land_ha={**dict(inputs.member_land_ha), **member_land},
    )
    return Aggregation(agg_inputs, members, tuple(s for s in inputs.SITES if s in dropped))


def most_building_members(inputs: ModelInputs, cluster: str, size: int) -> int:
    """k: the most members of a group of `size` sites in `cluster` that can build in one plan.
    With "agglomeration" on and an open-site limit n_open[c], a site that builds has opened
    (open_link) and at most n_open[c] - |pre-opened sites of c| sites of c open; otherwise all."""
    if not is_on(inputs, "agglomeration") or cluster not in inputs.max_open_sites_per_cluster:
        return size
    pre = sum(1 for s in pre_opened_sites(inputs) if inputs.cluster_of_site[s] == cluster)
    return max(1, min(size, inputs.max_open_sites_per_cluster[cluster] - pre))


def _top_sum(values: Iterable[float], k: int) -> float:
    """The sum of the k largest of `values`."""
    return sum(sorted(values, reverse=True)[:k])


def _merged_arcs(inputs: ModelInputs, merged_of: Mapping[str, str], dropped: set[str],
                 ) -> tuple[tuple[tuple[str, str], ...], dict[tuple[str, str], float]]:
    """The supply arcs with members' arcs made arcs of their merged site, each at the least km
    over the members that have it (ARCS order of the first one kept)."""
    arcs: list[tuple[str, str]] = []
    arc_km: dict[tuple[str, str], float] = {}
    for k, s in inputs.ARCS:
        if s in dropped:
            continue
        key = (k, merged_of.get(s, s))
        km = inputs.arc_km[(k, s)]
        if key not in arc_km:
            arcs.append(key)
            arc_km[key] = km
        elif not math.isnan(km) and (math.isnan(arc_km[key]) or km < arc_km[key]):
            arc_km[key] = km
    return tuple(arcs), arc_km


def _members_losing_arcs(inputs: ModelInputs, agg: Aggregation) -> set[str]:
    """Members one of whose supply arcs, kept by the proximity rule and needed by a product it
    may build, the rule would not keep at its merged site (then the member stays unmerged)."""
    if not is_on(inputs, "proximity") or not agg.members:
        return set()
    kept_full = inputs.ARCS_WITHIN_LIMIT
    kept_agg = agg.inputs.ARCS_WITHIN_LIMIT
    merged_of = {s: name for name, group in agg.members.items() for s in group}
    needs: dict[str, set[str]] = defaultdict(set)
    for s, p in inputs.index.build_pairs:
        if s in merged_of:
            needs[s] |= {r for r in inputs.RESOURCES if inputs.resource_t_per_unit.get((p, r), 0.0) > 0}
    lost = set()
    for k, s in inputs.ARCS:
        needed = s in merged_of and (k, s) in kept_full and inputs.resource_of_source[k] in needs[s]
        if needed and (k, merged_of[s]) not in kept_agg:
            lost.add(s)
    return lost


def restrict(inputs: ModelInputs, keep: Iterable[str]) -> ModelInputs:
    """The full instance on the sites `keep` only (SITES order kept): every other site, with its
    candidate pairs and supply arcs, is left out. A plan of the restricted instance, with the
    left-out sites building nothing, is a plan of the full instance. ValueError when a site with
    existing or committed capacity would be left out."""
    kept = set(keep)
    missing = sorted(standing_sites(inputs) - kept)
    if missing:
        raise ValueError(f"sites with existing or committed capacity cannot be left out: {missing}")

    def by_site(table: Mapping, site_of: int | None = None) -> dict:
        if site_of is None:
            return {s: v for s, v in table.items() if s in kept}
        return {k: v for k, v in table.items() if k[site_of] in kept}

    arcs = tuple((k, s) for k, s in inputs.ARCS if s in kept)
    return dataclasses.replace(
        inputs,
        SITES=tuple(s for s in inputs.SITES if s in kept),
        CANDIDATES=tuple(sp for sp in inputs.CANDIDATES if sp[0] in kept),
        cluster_of_site=by_site(inputs.cluster_of_site),
        site_land_ha=by_site(inputs.site_land_ha),
        land_after_redline_ha=by_site(inputs.land_after_redline_ha, 0),
        REDLINE_EXCLUDED=frozenset(sp for sp in inputs.REDLINE_EXCLUDED if sp[0] in kept),
        ARCS=arcs,
        arc_km={arc: inputs.arc_km[arc] for arc in arcs},
        land_price_yuan_per_ha=by_site(inputs.land_price_yuan_per_ha),
        power_tariff_yuan_per_kwh=by_site(inputs.power_tariff_yuan_per_kwh),
        site_hub_km=by_site(inputs.site_hub_km),
        site_multiplicity=by_site(inputs.site_multiplicity),
    )


#: The parts of `member_yuan`, in its order: land, energy, the product hauled to its hub with its
#: inputs, the raw materials hauled from their nearest sources.
COST_PARTS = ("land", "energy", "hub", "sources")


def land_per_unit(inputs: ModelInputs, product: str) -> float:
    """Ha a unit/yr of `product` takes, as `member_yuan` prices land: its modules' largest land per
    unit of capacity (0 without a module)."""
    return max((spec.land_ha / spec.capacity_units_per_yr for spec in inputs.MODULES
                if spec.product == product and spec.capacity_units_per_yr > 0), default=0.0)


def _product_terms(inputs: ModelInputs, group: Sequence[str], use: Mapping[str, float],
                   nearest: Mapping[tuple[str, str], tuple[str, float]]
                   ) -> Iterable[tuple[str, float, float, float, float, list[tuple[str, float]]]]:
    """Per product of `use`: (product, units/yr, ha per unit/yr (its modules' largest), units made
    per unit/yr of capacity, t hauled to the hub per unit made, the (resource, t per unit) hauled
    from the nearest source that every member of `group` has)."""
    for product, units in use.items():
        land = land_per_unit(inputs, product)
        hauled = inputs.transport_t_per_unit.get(product, 0.0) + sum(
            share * inputs.transport_t_per_unit.get(q, 0.0)
            for (p, q), share in inputs.input_units_per_unit.items() if p == product)
        resources = [(r, t) for (p, r), t in inputs.resource_t_per_unit.items()
                     if p == product and t > 0 and all((m, r) in nearest for m in group)]
        made = inputs.utilisation.get(product, 1.0)  # units made a year per unit/yr of capacity
        yield product, units, land, made, hauled, resources


def member_yuan(inputs: ModelInputs, group: Sequence[str], use: Mapping[str, float],
                nearest: Mapping[tuple[str, str], tuple[str, float]]) -> dict[str, float]:
    """What the plan's use of a merged site (`use`: product -> units/yr the aggregate plan adds
    there) would cost a year at each member of its group (yuan/yr), in the figures by which the
    members differ: land (land per unit of the product's modules, the largest, x the land
    annuity, CRF(r, land term) x the member's price), and, on the production the capacity gives
    (x the product's utilisation), energy (kWh per unit x the member's tariff), the raw materials
    hauled from the nearest source of each (t per unit x km x the transport rate) and the product
    shipped to its hub with its inputs from there (t per unit x the member's hub km x the rate). A
    resource with no source within reach of a member is left out for every member of the group
    (it is imported through the hub alike). The sum of `member_cost_parts`."""
    rate = inputs.transport_yuan_per_t_km
    land_factor = capital_recovery_factor(inputs.discount_rate, inputs.land_term_yr)
    cost = dict.fromkeys(group, 0.0)
    for product, units, land, made, hauled, resources in _product_terms(inputs, group, use, nearest):
        for m in group:
            cost[m] += units * (land * land_factor * inputs.land_price_yuan_per_ha.get(m, 0.0)
                                + made * (inputs.energy_kwh_per_unit.get(product, 0.0)
                                          * inputs.power_tariff_yuan_per_kwh.get(m, 0.0)
                                          + rate * hauled * inputs.site_hub_km.get(m, 0.0)
                                          + rate * sum(t * nearest[(m, r)][1] for r, t in resources)))
    return cost


def member_cost_parts(inputs: ModelInputs, group: Sequence[str], use: Mapping[str, float],
                      nearest: Mapping[tuple[str, str], tuple[str, float]]) -> dict[str, dict[str, float]]:
    """`member_yuan` per member of `group`, split into its parts (COST_PARTS; yuan/yr): land,
    energy, the product hauled to its hub with its inputs (`hub`) and the raw materials hauled
    from their nearest sources (`sources`). Their sum is `member_yuan`'s figure, to the rounding
    of the floating-point sums."""
    rate = inputs.transport_yuan_per_t_km
    land_factor = capital_recovery_factor(inputs.discount_rate, inputs.land_term_yr)
    parts = {m: dict.fromkeys(COST_PARTS, 0.0) for m in group}
    for product, units, land, made, hauled, resources in _product_terms(inputs, group, use, nearest):
        kwh = inputs.energy_kwh_per_unit.get(product, 0.0)
        for m in group:
            part = parts[m]
            part["land"] += units * land * land_factor * inputs.land_price_yuan_per_ha.get(m, 0.0)
            part["energy"] += units * made * kwh * inputs.power_tariff_yuan_per_kwh.get(m, 0.0)
            part["hub"] += units * made * rate * hauled * inputs.site_hub_km.get(m, 0.0)
            part["sources"] += units * made * rate * sum(t * nearest[(m, r)][1] for r, t in resources)
    return parts


def member_costs(inputs: ModelInputs, group: Sequence[str],
                 nearest: Mapping[tuple[str, str], tuple[str, float]] | None = None,
                 use: Mapping[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """A rank per member of a group, lower is cheaper: (`member_yuan` of `use`, the plan's use
    of the merged site, in yuan/yr; 0 without it), then the sum over the cost figures the merged
    site takes the least of (land price, tariff, hub distance, nearest-source distance per
    resource) of the member's position between the group's least (0) and most (1), which orders
    members the yuan do not tell apart. `nearest`: `nearest_sources(inputs)`, computed here when
    not given."""
    if nearest is None:
        nearest = nearest_sources(inputs)
    yuan = member_yuan(inputs, group, use, nearest) if use else dict.fromkeys(group, 0.0)
    figures: list[dict[str, float]] = [
        {s: inputs.land_price_yuan_per_ha.get(s, 0.0) for s in group},
        {s: inputs.power_tariff_yuan_per_kwh.get(s, 0.0) for s in group},
        {s: inputs.site_hub_km.get(s, 0.0) for s in group},
    ]
    for r in inputs.RESOURCES:
        if all((s, r) in nearest for s in group):
            figures.append({s: nearest[(s, r)][1] for s in group})
    score = dict.fromkeys(group, 0.0)
    for figure in figures:
        low, high = min(figure.values()), max(figure.values())
        if high > low:
            for s in group:
                score[s] += (figure[s] - low) / (high - low)
    return {s: (yuan[s], score[s]) for s in group}


def screen_sites(inputs: ModelInputs, agg: Aggregation, agg_model: pyo.ConcreteModel | None,
                 settings: ScreeningSettings, widen: int = 1) -> tuple[str, ...]:
    """The sites of the screened instance, in SITES order: every site not merged (parks, standing
    plants, singletons) and, for each merged site the aggregate plan builds on, its `per_group`
    cheapest members (`member_costs`) plus its largest, then more in order of cost until their
    usable land holds `land_cover` times the land the plan uses there (and as many members as it
    holds demonstrations). `widen` multiplies both figures (a second round)."""
    index = inputs.index
    keep = {s for s in agg.inputs.SITES if s not in agg.members}
    land_on = is_on(inputs, "land")
    nearest = nearest_sources(inputs)
    for name, group in agg.members.items():
        used_ha, modules, demos = _use_at(agg.inputs, agg_model, name)
        if modules == 0:
            continue
        score = member_costs(inputs, group, nearest, _products_at(agg.inputs, agg_model, name))
        order = sorted(group, key=lambda s: (score[s], -inputs.site_land_ha.get(s, 0.0), s))
        eligible = [p for p in inputs.PRODUCTS if (group[0], p) in index.land_ha]

        def usable(s: str, eligible: list[str] = eligible) -> float:
            return min(index.land_ha[(s, p)] for p in eligible)

        rank = {s: i for i, s in enumerate(order)}
        chosen = dict.fromkeys(order[: settings.per_group * widen])
        chosen[max(group, key=lambda s: (usable(s), -rank[s]))] = None
        have = sum(usable(c) for c in chosen)
        need_ha = settings.land_cover * widen * used_ha
        # Without land a site holds MAX_MODULES_WITHOUT_LAND modules of a size per year.
        need_sites = max(demos, 1 if land_on else math.ceil(modules / MAX_MODULES_WITHOUT_LAND))
        for s in order:
            if (not land_on or have >= need_ha) and len(chosen) >= need_sites:
                break
            if s not in chosen:
                chosen[s] = None
                have += usable(s)
        keep |= set(chosen)
    return tuple(s for s in inputs.SITES if s in keep)


def _products_at(agg_inputs: ModelInputs, model: pyo.ConcreteModel | None, site: str) -> dict[str, float]:
    """Capacity (units/yr) the aggregate plan adds at `site`, by product, over all years."""
    added: dict[str, float] = defaultdict(float)
    if model is None:
        return {}
    for s, p, mid, t in model.BUILD:
        if s == site:
            modules = round(pyo.value(model.build[s, p, mid, t]) or 0.0)
            added[p] += modules * agg_inputs.module(mid).capacity_units_per_yr
    return {p: units for p, units in added.items() if units > 0}


def _use_at(agg_inputs: ModelInputs, model: pyo.ConcreteModel | None, site: str) -> tuple[float, int, int]:
    """(land used in ha, most modules of one key, demonstrations) of the aggregate plan at `site`."""
    if model is None:
        return 0.0, 0, 0
    used = 0.0
    most = 0
    for s, p, mid, t in model.BUILD:
        if s != site:
            continue
        n = round(pyo.value(model.build[s, p, mid, t]) or 0.0)
        used += n * agg_inputs.module(mid).land_ha
        most = max(most, n)
    demos = round(pyo.value(model.demo[site]) or 0.0) if site in model.DEMO_SITE else 0
    return used, most, demos


def disaggregated_start(inputs: ModelInputs, agg: Aggregation, agg_model: pyo.ConcreteModel,
                        model: pyo.ConcreteModel) -> ComponentMap:
    """A MIP start for the screened `model` (built from `inputs` restricted to the screened
    sites): the modules of each site not merged as the aggregate plan has them, and those of each
    merged site handed out to its members in the screened model, cheapest first, as many as fit
    on each member's usable land (every land level of the member holds what it is given; products
    on the least land first) and within its module bounds. Modules that fit nowhere are left out
    (HiGHS completes or drops the start; a start never changes the optimum)."""
    index = inputs.index
    land_on = is_on(inputs, "land")
    start = ComponentMap((var, 0.0) for var in model.build.values())
    screened = set(model.SITE_OPEN)
    score_of: dict[str, dict[str, float]] = {}
    nearest = nearest_sources(inputs)
    for key in agg_model.BUILD:
        n = round(pyo.value(agg_model.build[key]) or 0.0)
        s, p, mid, t = key
        if n <= 0:
            continue
        if s not in agg.members:
            if key in model.BUILD:
                start[model.build[key]] = float(n)
            continue
        if s not in score_of:
            score_of[s] = member_costs(inputs, agg.members[s], nearest, _products_at(agg.inputs, agg_model, s))
    used: dict[str, float] = defaultdict(float)  # ha per (member, level) key "site|level"
    placed: dict[tuple[str, str, str], int] = defaultdict(int)
    kept_members = {s: [m for m in agg.members[s] if m in screened] for s in score_of}
    keys = [k for k in agg_model.BUILD if kept_members.get(k[0]) and round(pyo.value(agg_model.build[k]) or 0.0) > 0
            and all((m, k[1]) in index.land_ha for m in kept_members[k[0]])]
    keys.sort(key=lambda k: (min(index.land_ha[(m, k[1])] for m in kept_members[k[0]]), k[1], k[2], k[3]))
    for s, p, mid, t in keys:
        left = round(pyo.value(agg_model.build[s, p, mid, t]))
        area = inputs.module(mid).land_ha
        score = score_of[s]
        for member in sorted(kept_members[s], key=lambda m: (score[m], m)):
            if left <= 0:
                break
            if (member, p, mid, t) not in model.BUILD:
                continue
            room = index.module_bound[(member, p, mid)] - (placed[(member, p, mid)] if land_on else 0)
            if land_on:
                levels = {index.land_ha[(member, q)] for q in inputs.PRODUCTS if (member, q) in index.land_ha}
                for level in (lv for lv in levels if lv >= index.land_ha[(member, p)]):
                    room = min(room, math.floor((level - used[f"{member}|{level}"]) / area + 1e-9))
            take = max(0, min(left, room))
            if take == 0:
                continue
            start[model.build[member, p, mid, t]] += float(take)
            placed[(member, p, mid)] += take
            if land_on:
                for level in (lv for lv in levels if lv >= index.land_ha[(member, p)]):
                    used[f"{member}|{level}"] += take * area
            left -= take
    return start


def _with_time(settings: SolverSettings, seconds: float) -> SolverSettings:
    return dataclasses.replace(settings, time_limit_s=max(seconds, 1.0))


def bounded(settings: SolverSettings, nodes: int, seconds: float, rel_gap: float | None = None,
            abs_gap_yuan: float | None = None) -> SolverSettings:
    """`settings` for a search bounded by work: one thread, at most `nodes` branch-and-bound
    nodes (unless the scenario's options set `mip_max_nodes` themselves), the scenario's seed,
    `seconds` as the safety net, and `rel_gap` (a share) and `abs_gap_yuan` (yuan) when given."""
    options = dict(settings.options)
    options.setdefault("mip_max_nodes", nodes)
    return dataclasses.replace(_with_time(settings, seconds), threads=1, options=tuple(options.items()),
                               rel_gap=settings.rel_gap if rel_gap is None else rel_gap,
                               abs_gap_yuan=settings.abs_gap_yuan if abs_gap_yuan is None else abs_gap_yuan)


def with_search_options(settings: SolverSettings, options: Iterable[tuple[str, float]]) -> SolverSettings:
    """`settings` with the HiGHS `options` (name, value) added under its own: an option that
    `settings` sets keeps its value (`ScreeningSettings.search_options`)."""
    merged = dict(options)
    merged.update(dict(settings.options))
    return dataclasses.replace(settings, options=tuple(merged.items()))


def _limits(settings: SolverSettings) -> tuple[tuple[str, float | None], ...]:
    """What a search of the screening was given (`ScreeningSummary.aggregate_limits`): its node
    budget, its time limit (s), its relative gap (a share), its absolute gap (`abs_gap_yuan`,
    yuan; None when it has none: `SolverSettings.abs_gap_yuan` 0) and its HiGHS heuristic effort
    (None when HiGHS's default)."""
    options = dict(settings.options)
    return (("mip_max_nodes", options["mip_max_nodes"]), ("time_limit_s", settings.time_limit_s),
            ("rel_gap", settings.rel_gap), ("abs_gap_yuan", settings.abs_gap_yuan or None),
            ("mip_heuristic_effort", options.get("mip_heuristic_effort")))


def _summary(candidates: int, agg: Aggregation, screened: int, bounds: tuple[float | None, float | None, float | None],
             times: tuple[float, float, float], rounds: int, ended: tuple[str, tuple, tuple, tuple[str, ...]],
             proof: tuple[str, float, float | None, float | None] | None = None) -> ScreeningSummary:
    return ScreeningSummary(candidates, len(agg.members), len(agg.inputs.SITES), screened, *bounds, *times, rounds,
                            *ended, unmerged=len(agg.unmerged), proof=proof)


@dataclass
class _InnerRounds:
    """The screened rounds run inside the merged model's search, with a scout
    (`ScreeningSettings.scout_nodes`): called with the merged model's first plan, as its count
    relaxation's `upper_of` (siting/optimize/counts.py), each call is a screened round of its
    fixed searches (`_solve_round(free=False)`) on the sites that plan uses, whose plan's cost it
    returns (None without one): the full `inputs` restricted as the aggregation `agg` says. The
    rounds' settings are `round_settings`, their time net what is left of the run's time limit
    `time_limit_s` counted from `started` (perf_counter s); a round stopped by it is named in
    `stopped`. Every round is counted, with or without a plan: `rounds`, `seconds` (wall,
    building included) and `build_s` (the builds'), for the summary; `found` holds the rounds
    with a plan (report, model, inputs, solver)."""

    inputs: ModelInputs
    agg: Aggregation
    screening: ScreeningSettings
    round_settings: SolverSettings
    time_limit_s: float
    started: float
    stopped: list[str]
    rounds: int = 0
    seconds: float = 0.0
    build_s: float = 0.0
    found: list[tuple[SolveReport, pyo.ConcreteModel, ModelInputs, object]] = dataclasses.field(default_factory=list)

    def __call__(self, first: pyo.ConcreteModel) -> float | None:
        """The cost (yuan) of the screened plan from the merged model's plan held by `first`."""
        inputs, agg = self.inputs, self.agg
        began = time.perf_counter()
        self.rounds += 1
        sub = restrict(inputs, screen_sites(inputs, agg, first, self.screening, 1))
        built = time.perf_counter()
        model = build_model(sub)
        self.build_s += time.perf_counter() - built
        solver = new_solver()
        left = max(self.time_limit_s - (time.perf_counter() - self.started), 1.0)
        report = _solve_round(model, solver, dataclasses.replace(self.round_settings, time_limit_s=left), None,
                              disaggregated_start(sub, agg, first, model), first, sub, free=False)
        self.seconds += time.perf_counter() - began
        if report.termination == "maxTimeLimit":
            self.stopped.append(f"screened round {self.rounds} (of the merged model's first plan)")
        if not report.has_solution:
            return None
        self.found.append((report, model, sub, solver))
        return report.objective_yuan


#: The endings of the merged model's first search after which `proof_search` may run: its node
#: budget, or its own gap met (HiGHS's termination names).
PROOF_AFTER = ("iterationLimit", "convergenceCriteriaSatisfied")


def proof_search(counted: CountSolve, upper: float, lower: float | None, settings: SolverSettings,
                 screening: ScreeningSettings, started: float) -> SolveReport | None:
    """The merged model's count relaxation searched again, for the bound that certifies the
    screened plan of cost `upper` (yuan): C = certifying_bound(upper) within the asked gaps of
    `settings` (siting/optimize/tolerance.py), HiGHS's cutoff. Nodes whose bound reaches C are
    pruned; the search ends as soon as its bound reaches C (the plan is certified), when it finds a
    relaxed plan below C (its bound is then what it proved), or on its node budget
    (`screening.aggregate_nodes`, one thread, as the first search), its time net what is left of
    the run's time limit counted from `started` (perf_counter s). Its report's bound is never
    below `lower`, the bound proven before (yuan).

    Run only when the first search of the relaxation ended on its node budget or at its own gap
    (`aggregate_gap_share` of the asked one) with `lower` below C: that search aimed at its own
    plan's gap, a target the cutoff makes far easier to prove or refute; a screened plan dearer
    than the merged model's plan by more than the rest of the gap needs a bound the first search
    did not aim at. The relaxation is the same model: its search ends in the same node count on every
    machine, and so does this one. Measured when it was written, on an earlier version of the model
    (its objectives near -165 bn yuan; today the cells scenario at its own 1 %, seeds 0 and 1, and
    with 8,320 m cells, has its first screened round within the gap, and this search does not
    run), on scenarios/yunnan_2024_cells.yaml with 8,320 m cells (1,136, 1 % asked): the first
    search stopped at 8,000 nodes with a bound 2.7 % below the
    screened plan (seeds 1-3 reach its 0.6 % in 2,752-6,023 nodes, seed 0 not in 8,000); this search
    reached the 1 % bound in 2,251 nodes (14 s). On scenarios/yunnan_2024_cells.yaml (5,052 cells,
    1 % asked) the first search met its 0.6 % with LB -165.31 bn yuan, 1.06 % below the screened
    plan (-163.56): this search proved -165.20, the 1 % bound, in about 14 s. A search for a bound,
    it runs without HiGHS's sub-MIP heuristics (siting/optimize/solve.py `BOUND_SEARCH_HEURISTICS`):
    measured on scenarios/yunnan_2024_cells.yaml at 0.4 % asked (at its own 1 % it does not run;
    seeds 0 and 1, one thread, a shared two-core machine), it reached the same cutoff, -197.57 bn
    yuan, and the run the same plan, in 2,819 and 2,162 nodes, 143,300 and 123,078 simplex
    iterations and 46 and 26 s, against 4,175 and 4,609 nodes, 282,668 and 306,011 iterations and
    92 and 66 s with them. None when it does not
    run (no relaxation kept, its first search ended otherwise: the time limit, infeasible; no time
    left, the bound already certifies `upper`, or the first search met its gap with a relaxed plan
    below C, which refutes C: then only a wider screened round can help)."""
    bounding = counted.bounding
    if bounding is None or counted.relaxation.termination not in PROOF_AFTER:
        return None
    cutoff = certifying_bound(upper, settings.rel_gap, settings.abs_gap_yuan)
    left = settings.time_limit_s - (time.perf_counter() - started)
    if (lower is not None and lower >= cutoff) or left < 1.0:
        return None
    first = counted.relaxation
    if (first.termination == "convergenceCriteriaSatisfied" and first.has_solution
            and first.objective_yuan is not None and first.objective_yuan < cutoff):
        return None  # its own relaxed plan lies below C: no bound can certify `upper`
    search = dataclasses.replace(bounding, share=settings.time_limit_s, started=started, tried=time.perf_counter())
    with progress.phase("bound"):
        report = search.search(screening.aggregate_nodes, None, lower, upper, cutoff, improving=1, heuristics=False)
        if report.termination == "maxTimeLimit":
            progress.phase_ended("stopped at the time limit")
    return report


def _proof_round(counted: CountSolve, upper: float, lower: float | None, settings: SolverSettings,
                 screening: ScreeningSettings, started: float, stopped: list[str]
                 ) -> tuple[SolveReport | None, float, float | None]:
    """`proof_search` for the screened plan of cost `upper` (yuan): its report (None when it did
    not run), its cutoff C (yuan) and the best bound proven, the higher of `lower` and its own. A
    search the time limit stopped is named in `stopped`."""
    cutoff = certifying_bound(upper, settings.rel_gap, settings.abs_gap_yuan)
    proof = proof_search(counted, upper, lower, settings, screening, started)
    if proof is None:
        return None, cutoff, lower
    if proof.termination == "maxTimeLimit":
        stopped.append("the merged model's proof search")
    if proof.best_bound_yuan is not None and (lower is None or proof.best_bound_yuan > lower):
        lower = proof.best_bound_yuan
    return proof, cutoff, lower


#: The termination of a screened solve whose rounds ended, on their node budgets or their own gap,
#: with the full instance's gap above the asked one (rendered "the screening rounds ended above
#: the asked gap").
SCREENING_ENDED = "screeningEnded"


def solve_screened(inputs: ModelInputs, mergeable: Iterable[str], settings: SolverSettings,
                   screening: ScreeningSettings = ScreeningSettings()) -> ScreenedSolve:
    """Aggregate, screen and certify (see the module docstring).

    Every search is bounded by work, so that the same inputs give the same bound and plan on any
    machine: the aggregated model by `screening.aggregate_nodes` nodes, each search of a
    screened round by `screening.round_nodes`, one thread each (`bounded`), every search with
    `screening.search_options` under the scenario's options (`with_search_options`). The time limit is
    only a safety net, counted from the start of the screening (aggregating and building
    included, so that no search's overrun of its own limit accumulates): the aggregate's count
    relaxation stops `screening.aggregate_share` of it into the screening, its other searches and
    the rounds have what is left; a search it stops is named in the summary (`time_stopped`) and
    the report's termination is then "maxTimeLimit". The screened instance starts from the
    aggregate plan handed out to the members (`disaggregated_start`).

    LB is the aggregate's proven bound, UB the screened plan's cost; the report carries
    objective = UB, best bound = min(LB, UB) and the gap between them, "optimal"
    (convergenceCriteriaSatisfied) when `within_gap` holds for them (`settings.rel_gap`, or
    `settings.abs_gap_yuan` when above 0), else
    SCREENING_ENDED (or "maxTimeLimit"). Its `highs_options` are the run's settings (the time
    limit and gap asked for); the summary holds each search's own limits. When the screened
    instance has no plan, or its plan is not certified, a second round keeps three times as many
    members. Without a plan of the aggregate, no screened round runs: `aggregate_infeasible`
    says whether the aggregate, and so the full instance, is proven infeasible. An interrupted
    search ends the screening at once."""
    started = time.perf_counter()
    given, settings = settings, with_search_options(settings, screening.search_options)
    mergeable = tuple(mergeable)
    candidates = len(set(mergeable) - standing_sites(inputs))
    stopped: list[str] = []
    agg_gaps = settings.gap_share(screening.aggregate_gap_share)
    agg_settings = bounded(settings, screening.aggregate_nodes, settings.time_limit_s * screening.aggregate_share,
                           agg_gaps.rel_gap, agg_gaps.abs_gap_yuan)
    round_settings = bounded(settings, screening.round_nodes, settings.time_limit_s)
    with progress.phase("aggregate"):
        agg = aggregate(inputs, mergeable, screening)
        inner = _InnerRounds(inputs, agg, screening, round_settings, settings.time_limit_s, started, stopped)
        built = time.perf_counter()
        agg_model = build_model(agg.inputs)
        build_time = time.perf_counter() - built
        # Without the ceiling rounding rows: on the merged model they slowed the bound (1,000
        # candidate cells to a 1 % gap, seeds 0-3, idle machine: 20.9/26.5/27.6/23.9 s with them,
        # 12.9/13.5/22.5/18.8 s without), where on the parks' model they speed it.
        counted = solve_by_counts(agg.inputs, bounded(settings, screening.round_nodes, settings.time_limit_s),
                                  model=agg_model, relaxation_settings=agg_settings, certify=False, started=started,
                                  scout_nodes=screening.scout_nodes, upper_of=inner, ceiling_rounding=False)
    # The screened rounds run inside the merged model's bound phase are the screening's: their
    # seconds leave the merged model's time and its bound phase's, their builds join the builds'.
    counted = dataclasses.replace(counted, bound_time_s=max(counted.bound_time_s - inner.seconds, 0.0))
    agg_report, agg_model = counted.report, counted.model
    agg_time = time.perf_counter() - started - inner.seconds
    build_time += inner.build_s
    searches = (counted.relaxation, counted.fixed, counted.full)
    if (any(r is not None and r.termination == "maxTimeLimit" for r in searches)
            or (not agg_report.has_solution and agg_report.termination == "maxTimeLimit")):
        stopped.append("merged model")

    def ended() -> tuple[str, tuple, tuple, tuple[str, ...]]:
        scout = ("scout_nodes", min(screening.scout_nodes, dict(agg_settings.options)["mip_max_nodes"]))
        return counted.relaxation.termination, (*_limits(agg_settings), scout), _limits(round_settings), tuple(stopped)

    lower = counted.lower_bound_yuan
    if not agg_report.has_solution or agg_model is None:
        counted = dataclasses.replace(counted, bounding=None)
        return ScreenedSolve(agg_report, None, inputs, _summary(candidates, agg, 0, (lower, None, None),
                                                                (agg_time, inner.seconds, build_time),
                                                                inner.rounds, ended()),
                             aggregate_infeasible=agg_report.infeasible, aggregation=agg, merged=counted)
    best = min(inner.found, key=lambda found: found[0].objective_yuan, default=None)
    rounds = inner.rounds
    screened_started = time.perf_counter() - inner.seconds
    keep: tuple[str, ...] = ()
    report = agg_report
    interrupted = False
    proof: SolveReport | None = None
    proof_s, proof_cutoff = 0.0, 0.0
    for widen in (1, 3):
        left = settings.time_limit_s - (time.perf_counter() - started)
        if interrupted or (best is not None and within_gap(best[0].objective_yuan, lower, settings.rel_gap,
                                                           settings.abs_gap_yuan)):
            break
        if left < 1.0:
            stopped.append(f"screened round {rounds + 1} (not started: no time left)")
            break
        keep = screen_sites(inputs, agg, agg_model, screening, widen)
        sub = restrict(inputs, keep)
        with progress.phase("screen"):
            built = time.perf_counter()
            model = build_model(sub)
            build_time += time.perf_counter() - built
            solver = new_solver()
            report = _solve_round(model, solver, dataclasses.replace(round_settings, time_limit_s=left), lower,
                                  disaggregated_start(sub, agg, agg_model, model), agg_model, sub)
        rounds += 1
        if report.termination == "maxTimeLimit":
            stopped.append(f"screened round {rounds}")
        interrupted = report.termination == "interrupted"
        if report.has_solution and (best is None or report.objective_yuan < best[0].objective_yuan):
            best = (report, model, sub, solver)
        if best is not None and within_gap(best[0].objective_yuan, lower, settings.rel_gap, settings.abs_gap_yuan):
            break
        if proof is None and best is not None and not interrupted:
            # the merged model's bound, not the plan, may be what is short: searched for the bound
            # that certifies this plan before a wider round (the loop ends when it does)
            proof_began = time.perf_counter()
            proof, proof_cutoff, lower = _proof_round(counted, best[0].objective_yuan, lower, settings, screening,
                                                      started, stopped)
            proof_s += time.perf_counter() - proof_began
            interrupted = proof is not None and proof.termination == "interrupted"
    counted = dataclasses.replace(counted, bounding=None, bound_time_s=counted.bound_time_s + proof_s)
    proved = None if proof is None else (proof.termination, proof_cutoff, proof.best_bound_yuan,
                                         proof.objective_yuan if proof.has_solution else None)
    agg_time += proof_s
    times = (agg_time, time.perf_counter() - screened_started - proof_s, build_time)
    if best is None:
        summary = _summary(candidates, agg, len(keep), (lower, None, None), times, rounds, ended(), proved)
        return ScreenedSolve(report, None, inputs, summary, aggregation=agg, merged=counted)
    report, model, sub, solver = best
    upper = report.objective_yuan
    bound = min(lower, upper) if lower is not None and upper is not None else None
    gap = relative_gap(upper, bound)
    proven = within_gap(upper, bound, settings.rel_gap, settings.abs_gap_yuan)
    elapsed = time.perf_counter() - started
    if proven:
        termination = "convergenceCriteriaSatisfied"
    elif interrupted:
        termination = "interrupted"
    else:
        termination = "maxTimeLimit" if stopped else SCREENING_ENDED
    asked = tuple(sorted(checked_options(given).items()))  # the run's settings, not the searches' own
    certified = dataclasses.replace(report, termination=termination, proven_optimal=proven, best_bound_yuan=bound,
                                    gap=gap, solve_time_s=elapsed, highs_options=asked)
    summary = _summary(candidates, agg, len(sub.SITES), (lower, upper, report.best_bound_yuan), times, rounds,
                       ended(), proved)
    return ScreenedSolve(certified, model, sub, summary, solver=solver, aggregation=agg, merged=counted)


def _solve_round(model: pyo.ConcreteModel, solver: object, settings: SolverSettings, lower: float | None,
                 start: ComponentMap, agg_model: pyo.ConcreteModel, inputs: ModelInputs, free: bool = True
                 ) -> SolveReport:
    """Solve the screened `model` (built from `inputs`) with `settings` (a node budget per search,
    `bounded`; its time limit the safety net of the whole round), from `start`: first with its
    module counts by cluster fixed to the aggregate plan's (models/counts.py; a restriction: its
    plan is still a plan of the full instance, found fast); when the kept members cannot hold those
    counts, with the cluster-hosts-product binaries fixed to the aggregate plan's instead; then,
    unless that plan is certified already or `free` is false, free, started from the better plan.
    The model keeps the values of the best plan; its report is returned (the free search's
    termination when it ran). The solver's line shows the aggregate's bound `lower`: the screened instance's own
    bound is not a bound of the full instance."""
    began = time.perf_counter()
    add_module_counts(model, inputs, inputs.index)
    counts = {key: value for key, value in count_values(agg_model).items() if key in model.COUNT}
    with progress.searching("solve", lower, own_bound=False):
        fix_module_counts(model, counts)
        first = solve_model(model, settings, solver, start=start)
        free_module_counts(model)
        if not first.has_solution and first.termination not in ("maxTimeLimit", "interrupted"):
            fixed = []
            for key in model.HOST:
                var = model.hosts[key]
                if not var.fixed:
                    var.fix(round(pyo.value(agg_model.hosts[key]) or 0.0) if key in agg_model.HOST else 0)
                    fixed.append(var)
            left = settings.time_limit_s - (time.perf_counter() - began)
            if left >= 1.0:
                first = solve_model(model, _with_time(settings, left), solver, start=start)
            for var in fixed:
                var.unfix()
        if not free or (first.has_solution
                        and within_gap(first.objective_yuan, lower, settings.rel_gap, settings.abs_gap_yuan)):
            return first
        left = settings.time_limit_s - (time.perf_counter() - began)
        if first.termination in ("maxTimeLimit", "interrupted"):
            return first
        if left < 1.0:
            return dataclasses.replace(first, termination="maxTimeLimit")  # the safety net stops the free search
        kept = ComponentMap((v, v.value) for v in model.component_data_objects(pyo.Var)) if first.has_solution else None
        second = solve_model(model, _with_time(settings, left), solver,
                             start="current" if kept is not None else start)
    if second.has_solution and (not first.has_solution or second.objective_yuan <= first.objective_yuan):
        return second
    if kept is not None:
        for var, value in kept.items():
            var.set_value(value, skip_validation=True)
    return dataclasses.replace(first, termination=second.termination)

