"""Turn a validated scenario and its preprocessed geodata into the model's plain inputs.

Geometry stays here and in `siting.prepare.spatial`: what crosses to the model are plain numbers and
mappings (land per site and product, which pairs lie inside the buffered red line, road km of
every source-site arc, the proximity limits). The eligibility arithmetic of the red line and of
proximity is the model's (`models.families.redline`, `models.families.proximity`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from models import FAMILIES, ModelInputs, ModuleSpec, RecyclingDemo
from siting.config.load import LoadedScenario
from siting.prepare.spatial import SpatialResult


@dataclass(frozen=True)
class SourceTable:
    """Active raw-material sources (producing, or prospective when the scenario includes them)."""

    frame: pd.DataFrame  # columns: id, resource, supply_t_per_yr

    def ids_of(self, resource: str) -> list[str]:
        """Ids of the sources of `resource`, in table order."""
        return list(self.frame.loc[self.frame["resource"] == resource, "id"])


def active_sources(spatial: SpatialResult, include_prospective: bool) -> SourceTable:
    """Sources with a positive supply that are producing, or prospective when included."""
    frame = pd.DataFrame(spatial.sources.drop(columns="geometry"))
    if len(frame) == 0:
        return SourceTable(pd.DataFrame({"id": [], "resource": [], "supply_t_per_yr": []}))
    keep = (frame["status"] == "producing") | include_prospective
    keep &= frame["supply_t_per_yr"] > 0
    return SourceTable(frame.loc[keep, ["id", "resource", "supply_t_per_yr"]].reset_index(drop=True))


def discount_factors(years: list[int], rate: float) -> dict[int, float]:
    """df[t] = (1 + rate) ** -(t - t0), t0 the first year."""
    return {t: (1.0 + rate) ** -(t - years[0]) for t in years}


def target_groups(loaded: LoadedScenario) -> dict[str, tuple[str, ...]]:
    """Named groups plus every product targeted directly by its own id."""
    targets = loaded.scenario.targets
    groups = {g: tuple(members) for g, members in targets.groups.items()}
    for key in targets.capacity:
        groups.setdefault(key, (key,))
    return groups


def capacity_penalties(loaded: LoadedScenario, groups: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """Penalty per unit of capacity short: factor x the dearest capex per unit among the group's
    modules, so that building is always cheaper than falling short where land allows."""
    factor = loaded.scenario.objective.shortfall_penalty_factor
    products = loaded.catalog.products
    return {
        g: factor * max(mod.capex_yuan / mod.capacity for p in members for mod in products[p].modules)
        for g, members in groups.items()
    }


def value_penalty(loaded: LoadedScenario) -> float:
    """Penalty per yuan of output value short: factor x the dearest capex per yuan of yearly
    output value among all modules (capex / (utilisation x value x capacity))."""
    level = loaded.scenario.price_level
    ratios = [
        mod.capex_yuan / (p.utilisation * p.output_value_yuan_per_unit[level] * mod.capacity)
        for p in loaded.catalog.products.values()
        for mod in p.modules
        if p.utilisation * p.output_value_yuan_per_unit[level] > 0
    ]
    return loaded.scenario.objective.shortfall_penalty_factor * max(ratios, default=1.0)


def build_inputs(loaded: LoadedScenario, spatial: SpatialResult) -> ModelInputs:
    """The model's frozen inputs from a loaded scenario and its preprocessed layers: sets, the
    catalog's modules, land, existing capacity, sources and arcs with their km, targets and
    penalties, the settings of every rule family, and the enabled families (from the registry:
    `constraints.<section>.enabled`)."""
    s = loaded.scenario
    c = s.constraints
    catalog = loaded.catalog
    years = tuple(s.years)
    sites = tuple(spatial.sites["id"])
    products = tuple(catalog.products)
    modules = tuple(
        ModuleSpec(mod.id, pid, mod.capacity, mod.capex_yuan, mod.fixed_opex_yuan_per_yr, mod.land_ha)
        for pid, product in catalog.products.items()
        for mod in product.modules
    )
    land = spatial.land
    land_after = {(a, b): float(v) for a, b, v in land[["site", "product", "land_after_redline_ha"]].itertuples(
        index=False)}
    redline_excluded = frozenset(
        (a, b) for a, b, inside in land[["site", "product", "inside_redline"]].itertuples(index=False) if inside
    )
    existing: dict[tuple[str, str], float] = {}
    for product, column in spatial.existing_columns.items():
        for site, units in zip(spatial.sites["id"], spatial.sites[column], strict=True):
            if units > 0:
                existing[(site, product)] = float(units)

    resource_need = {
        (pid, r): float(a)
        for pid, product in catalog.products.items()
        for r, a in product.resources_t_per_unit.items()
        if a > 0
    }
    resources = tuple(sorted({r for _p, r in resource_need}))
    sources = active_sources(spatial, s.spatial.include_prospective_sources)
    distance = spatial.distance_km
    # Every site may need r (every product is a candidate everywhere): arcs from all its sources,
    # with their road km. Which of them the proximity rule keeps is the model's arithmetic
    # (models.families.proximity), from these km and constraints.proximity.max_distance_km.
    arcs: list[tuple[str, str]] = []
    arc_km: dict[tuple[str, str], float] = {}
    for r in resources:
        ids = sources.ids_of(r)
        if not ids:
            continue
        km_by_site = distance[ids].to_numpy(dtype=float)
        for i, site in enumerate(sites):
            for j, k in enumerate(ids):
                arcs.append((k, site))
                arc_km[(k, site)] = float(km_by_site[i, j])
    position = {site: i for i, site in enumerate(sites)}
    arcs.sort(key=lambda a: (position[a[1]], a[0]))
    groups = target_groups(loaded)
    lead = {cl: tuple(ps) for cl, ps in c.differentiation.lead_products.items()}
    enabled = frozenset(f.name for f in FAMILIES if getattr(c, f.section).enabled)
    demo = None
    if c.recycling_demo.enabled:
        demo = RecyclingDemo(c.recycling_demo.product, c.recycling_demo.min_size, c.recycling_demo.min_sites,
                             c.recycling_demo.max_sites)
    return ModelInputs(
        YEARS=years,
        SITES=sites,
        CLUSTERS=tuple(spatial.clusters["id"]),
        PRODUCTS=products,
        MODULES=modules,
        CANDIDATES=tuple((site, pid) for site in sites for pid in products),
        cluster_of_site=dict(zip(spatial.sites["id"], spatial.sites["cluster"], strict=True)),
        site_land_ha={site: float(v) for site, v in zip(spatial.sites["id"], spatial.sites["gross_land_ha"],
                                                        strict=True)},
        land_after_redline_ha=land_after,
        REDLINE_EXCLUDED=redline_excluded,
        existing_capacity_units_per_yr=existing,
        utilisation={pid: p.utilisation for pid, p in catalog.products.items()},
        output_value_yuan_per_unit={pid: p.output_value_yuan_per_unit[s.price_level]
                                    for pid, p in catalog.products.items()},
        RESOURCES=resources,
        SOURCES=tuple(sources.frame["id"]),
        resource_of_source=dict(zip(sources.frame["id"], sources.frame["resource"], strict=True)),
        supply_t_per_yr={(k, t): float(v) for k, v in zip(sources.frame["id"], sources.frame["supply_t_per_yr"],
                                                          strict=True) for t in years},
        resource_t_per_unit=resource_need,
        ARCS=tuple(arcs),
        arc_km=arc_km,
        max_distance_km=dict(c.proximity.max_distance_km),
        transport_yuan_per_t_km=c.supply.transport_yuan_per_t_km,
        input_units_per_unit={(d, u): float(a) for d, p in catalog.products.items() for u, a in p.inputs.items()},
        chain_share_min=dict(c.chain_balance.min_local_share),
        TARGET_GROUPS=groups,
        capacity_target_units={(g, t): float(v) for g, by_year in s.targets.capacity.items()
                               for t, v in sorted(by_year.items())},
        output_value_target_yuan={t: float(v) for t, v in sorted(s.targets.output_value_yuan.items())},
        targets_strict=s.targets.strict,
        capacity_ceiling_factor=s.targets.capacity_ceiling_factor,
        capacity_shortfall_penalty_yuan_per_unit=capacity_penalties(loaded, groups),
        value_shortfall_penalty_yuan_per_yuan=value_penalty(loaded),
        max_clusters_per_product=dict(c.differentiation.max_clusters_per_product),
        lead_products=lead,
        lead_share_min=c.differentiation.lead_share_min,
        min_portfolio_difference=c.differentiation.min_portfolio_difference,
        min_cluster_value_share=c.differentiation.min_cluster_value_share,
        site_fixed_cost_yuan=c.agglomeration.site_fixed_cost_yuan,
        min_investment_per_open_site_yuan=c.agglomeration.min_investment_per_site_yuan,
        max_open_sites_per_cluster=dict(c.agglomeration.max_open_sites_per_cluster),
        budget_yuan_per_yr=dict(c.budget.capex_yuan_per_yr),
        recycling_demo=demo,
        discount_factor=discount_factors(list(years), s.objective.discount_rate),
        enabled_families=enabled,
    )

