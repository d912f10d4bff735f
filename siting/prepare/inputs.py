"""Turn a validated scenario and its preprocessed geodata into the model's plain inputs.

Geometry stays here and in `siting.prepare.spatial`: what crosses to the model are plain numbers and
mappings (land per site and product, which pairs lie inside the buffered red line, road km of
every source-site arc, the proximity limits). The eligibility arithmetic of the red line and of
proximity is the model's (`models.families.redline`, `models.families.proximity`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from models import FAMILIES, ModelInputs, ModuleSpec, RecyclingDemo
from models.costs import capacity_shortfall_penalty_yuan_per_unit_yr, value_shortfall_penalty_yuan_per_yuan
from siting.config.errors import Notice
from siting.config.load import LoadedScenario, key_notice, notice_figure, plan_years
from siting.config.schema import CommittedProject
from siting.config.units import Names, bn_yuan, joined, steady_span
from siting.prepare.layers import file_notice
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


def prospective_left_out(spatial: SpatialResult, include_prospective: bool, resources: tuple[str, ...]
                         ) -> dict[str, str]:
    """Source id -> resource of each prospective source with a positive supply of one of
    `resources` that `active_sources` leaves out (none when the scenario includes them), in the
    sources layer's order."""
    frame = spatial.sources
    if include_prospective or not len(frame):
        return {}
    keep = (frame["status"] == "prospective") & (frame["supply_t_per_yr"] > 0) & frame["resource"].isin(resources)
    return dict(zip(frame.loc[keep, "id"], frame.loc[keep, "resource"], strict=True))


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


def group_modules(loaded: LoadedScenario, groups: dict[str, tuple[str, ...]]) -> dict[str, list[ModuleSpec]]:
    """The modules of every product of each target group."""
    specs = module_specs(loaded)
    return {g: [m for m in specs if m.product in members] for g, members in groups.items()}


def capacity_shortfall_penalties(loaded: LoadedScenario, groups: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """Penalty per unit of capacity short, per target year: the rule of
    models.costs.capacity_shortfall_penalty_yuan_per_unit_yr (factor x the dearest yearly cost of a
    unit of capacity among the group's modules, at the scenario's discount rate)."""
    objective = loaded.scenario.objective
    return {g: capacity_shortfall_penalty_yuan_per_unit_yr(mods, objective.discount_rate,
                                                           objective.shortfall_penalty_factor)
            for g, mods in group_modules(loaded, groups).items()}


def module_specs(loaded: LoadedScenario) -> tuple[ModuleSpec, ...]:
    """Every module of the catalog, product by product, with its lifetime."""
    return tuple(
        ModuleSpec(mod.id, pid, mod.capacity, mod.capex_yuan, mod.fixed_opex_yuan_per_yr, mod.land_ha,
                   mod.lifetime_yr)
        for pid, product in loaded.catalog.products.items()
        for mod in product.modules
    )


def steady_year(loaded: LoadedScenario, years: tuple[int, ...]) -> tuple[int, ...]:
    """(T + 1,), the steady-state year after the plan's last year T, when
    objective.years_after_horizon > 0 (`ModelInputs.STEADY_YEAR`); () otherwise."""
    return (years[-1] + 1,) if years and loaded.scenario.objective.years_after_horizon > 0 else ()


def product_prices(loaded: LoadedScenario, years: tuple[int, ...]) -> tuple[dict[tuple[str, int], float],
                                                                           dict[tuple[str, int], float]]:
    """(price[p,t], import price[p,t]) on the scenario's price path, yuan/unit: the import price is
    price x (1 + import_premium_share), only for products with a premium (the others are not
    importable). The steady-state year (`steady_year`) takes the path's price where the catalog
    gives one for it (else the model holds the last year's, `ModelInputs.STEADY_STATE_DATA`)."""
    path = loaded.scenario.price_path
    price: dict[tuple[str, int], float] = {}
    imported: dict[tuple[str, int], float] = {}
    later = steady_year(loaded, years)
    for pid, product in loaded.catalog.products.items():
        given = product.price_yuan_per_unit[path]
        for t in years + tuple(t for t in later if t in given):
            price[(pid, t)] = float(given[t])
            if product.import_premium_share is not None:
                imported[(pid, t)] = price[(pid, t)] * (1.0 + product.import_premium_share)
    return price, imported


def sales_caps(loaded: LoadedScenario, years: tuple[int, ...]) -> dict[tuple[str, int], float]:
    """cap[p,t] (units/yr): `sales_cap_units`, or `market.max_share` x national demand, for the plan
    years a product gives, and the steady-state year where given for it (`steady_year`); no entry,
    no cap (in the steady-state year: the last year's, `ModelInputs.STEADY_STATE_DATA`)."""
    caps: dict[tuple[str, int], float] = {}
    years = years + steady_year(loaded, years)
    for pid, product in loaded.catalog.products.items():
        if product.sales_cap_units is not None:
            caps.update({(pid, t): float(product.sales_cap_units[t]) for t in years if t in product.sales_cap_units})
        elif product.market is not None:
            demand = product.market.national_demand_units
            caps.update({(pid, t): product.market.max_share * float(demand[t]) for t in years if t in demand})
    return caps


@dataclass(frozen=True)
class ResourceTerms:
    """Raw resources' prices at source, import prices and import caps, for the plan years."""

    price_yuan_per_t: dict[str, float]
    import_price_yuan_per_t: dict[tuple[str, int], float]
    import_cap_t_per_yr: dict[tuple[str, int], float]


def resource_terms(loaded: LoadedScenario, resources: tuple[str, ...], years: tuple[int, ...]) -> ResourceTerms:
    """The catalog's `resources:` entries of `resources` on the scenario's price path; the
    steady-state year (`steady_year`) where the catalog gives figures for it."""
    path = loaded.scenario.price_path
    entries = {r: loaded.catalog.resources[r] for r in resources if r in loaded.catalog.resources}
    later = steady_year(loaded, years)
    years = years + later
    return ResourceTerms(
        price_yuan_per_t={r: float(e.price_yuan_per_t) for r, e in entries.items()},
        import_price_yuan_per_t={(r, t): float(e.import_price_yuan_per_t[path][t]) for r, e in entries.items()
                                 if e.import_price_yuan_per_t is not None for t in years
                                 if t not in later or t in e.import_price_yuan_per_t[path]},
        import_cap_t_per_yr={(r, t): float(e.import_cap_t_per_yr[t]) for r, e in entries.items()
                             if e.import_cap_t_per_yr is not None for t in years if t in e.import_cap_t_per_yr},
    )


def site_tariffs(spatial: SpatialResult) -> dict[str, float]:
    """Power tariff per site (yuan/kWh): the site's own value where its layer gives one, else its
    cluster's; 0 where neither layer has a tariff field."""
    by_cluster: dict[str, float] = {}
    if "power_tariff_yuan_per_kwh" in spatial.clusters.columns:
        by_cluster = {str(c): float(v) for c, v in zip(spatial.clusters["id"],
                                                       spatial.clusters["power_tariff_yuan_per_kwh"], strict=True)}
    sites = spatial.sites
    own = (sites["site_tariff_yuan_per_kwh"].to_numpy(dtype=float).tolist() if "site_tariff_yuan_per_kwh" in
           sites.columns else [float("nan")] * len(sites))
    return {str(s): float(v) if v == v else by_cluster.get(str(c), 0.0)
            for s, c, v in zip(sites["id"].tolist(), sites["cluster"].tolist(), own, strict=True)}


def land_prices(spatial: SpatialResult) -> dict[str, float]:
    """Price of land-use rights per site (yuan/ha); empty where the sites layer has no price field."""
    if "land_price_yuan_per_ha" not in spatial.sites.columns:
        return {}
    return {str(s): float(v) for s, v in zip(spatial.sites["id"].tolist(),
                                             spatial.sites["land_price_yuan_per_ha"].tolist(), strict=True)}


@dataclass(frozen=True)
class Committed:
    """The committed projects mapped onto the plan: C[s,p,t] for online years within the plan,
    capacity standing before it (counted as existing), land they take per site, and notices;
    `called`, what the notices call them: "committed projects", or in calibration mode fixed
    "real plants (calibration.plants)" where those are the plants of that file."""

    units_per_yr: dict[tuple[str, str, int], float]
    standing_units_per_yr: dict[tuple[str, str], float]
    land_ha: dict[str, float]
    notices: list[str]
    called: str = "committed projects"


def committed_land_ha(loaded: LoadedScenario, product: str, capacity: float) -> float:
    """Land (ha) a committed plant takes: its capacity x the land per unit of capacity of the
    product's largest module (largest capacity; the first listed among equals)."""
    modules = loaded.catalog.products[product].modules
    largest = max(modules, key=lambda mod: mod.capacity)
    return capacity * largest.land_ha / largest.capacity


def committed_projects(loaded: LoadedScenario, sites: tuple[str, ...], years: tuple[int, ...],
                       names: Names | None = None) -> Committed:
    """Map the projects the model holds onto sites and years: the scenario's committed projects,
    or in calibration mode fixed the real plants of `calibration.plants` in their place
    (`LoadedScenario.model_projects`). A project online before the first
    plan year counts as existing capacity, with a notice naming the file, so that a mistyped year
    shows (one for them all); one online after the last year T produces nothing within the plan,
    with a notice, but takes its land all the same (signed, it holds its land before it produces:
    new modules cannot be built there); with a steady-state year (objective.years_after_horizon
    N > 0, `ModelInputs.STEADY_YEAR`) one online in T + 1..T + N produces in it (key year T + 1)
    and one online later is left out of it too; a `producing` one online after T contradicts
    itself, which a notice naming the file says (a mistyped year; it is handled by its year); one
    at a site left out of the plan (outside every cluster) is left out, with a notice. Every
    project at a site of the plan takes its land (`committed_land_ha`). The notices name each
    project by its id (its row in the committed projects' file), its capacity with its unit, its
    product in words and its site by `names`
    (siting/config/units.py; by id without them): "committed project yuneng_lfp_rest (400,000
    t/yr LFP at Anning industrial park, Caopu area, 2025)"; a real plant of mode fixed as "real
    plant yuneng_lfp_rest (calibration.plants) (...)"; of more than three projects, the terminal's
    note names the first three by id (`_listed_notice`)."""
    names = names or Names(units={pid: product.unit for pid, product in loaded.catalog.products.items()})
    held = loaded.model_projects()
    plural = "real plants (calibration.plants)" if loaded.plants is not None else "committed projects"

    def called(project: CommittedProject) -> str:
        if loaded.plants is not None:
            return f"real plant {project.id} (calibration.plants)"
        return f"committed project {project.id}"

    def made(project: CommittedProject) -> str:
        return f"{names.quantity(float(project.capacity), project.product)} {names.product(project.product)}"

    def plant(project: CommittedProject) -> str:
        return f"{made(project)} at {names.site(project.site)}"

    units: dict[tuple[str, str, int], float] = {}
    standing: dict[tuple[str, str], float] = {}
    land: dict[str, float] = {}
    notices: list[str] = []
    kept = set(sites)
    late = [project for project in held.projects if project.online_year > years[-1] and project.site in kept]
    after = loaded.scenario.objective.years_after_horizon
    # with a steady-state year (T + 1 standing for T + 1..T + N), a project online by T + N runs in it
    steady_ids = {id(project) for project in late if after and project.online_year <= years[-1] + after}
    lands = (math.fsum(committed_land_ha(loaded, p.product, p.capacity) for p in late if id(p) in steady_ids),
             math.fsum(committed_land_ha(loaded, p.product, p.capacity) for p in late if id(p) not in steady_ids))
    notices += _late_notices(late, steady_ids, (years[-1], after), lands, (called, plant), plural)
    early = [project for project in held.projects
             if project.online_year < years[0] and project.site in kept]
    path = held.path
    for project in late:
        if project.status == "producing":  # a mistyped year (2099 for 2019) shows here
            text = (f"{called(project)} ({plant(project)}) has status producing but online_year "
                    f"{project.online_year}, after the plan's last year {years[-1]}: a plant in production is "
                    f"online already; check the year (handled as a plant coming online in {project.online_year}) "
                    "or the status")
            notices.append(file_notice(f"{path}: {text}", loaded, path) if path is not None else text)
    if early and path is not None:  # standing capacity, legitimately; said so that a mistyped year shows
        if len(early) == 1:
            project = early[0]
            text = (f"{path}: {called(project)} ({plant(project)}) has online_year "
                    f"{project.online_year}, before the plan's first year {years[0]}: counted as standing from "
                    f"{years[0]}")
        else:
            text = (f"{path}: {len(early)} {plural} have an online_year before the plan's first year "
                    f"{years[0]}: counted as standing from {years[0]}: "
                    + "; ".join(f"{p.id} ({plant(p)}, {p.online_year})" for p in early))
        notices.append(file_notice(text, loaded, path))
    for project in held.projects:
        if project.site not in kept:
            notices.append(f"{called(project)} ({made(project)}) is at site "
                           f"{names.site_and_id(project.site)}, which lies in no cluster: left out")
            continue
        if project.online_year > years[-1]:  # signed: its land is taken though it produces after the plan
            land[project.site] = land.get(project.site, 0.0) + committed_land_ha(loaded, project.product,
                                                                                 project.capacity)
            if id(project) in steady_ids:  # produces in the steady-state year T + 1
                key3 = (project.site, project.product, years[-1] + 1)
                units[key3] = units.get(key3, 0.0) + float(project.capacity)
            continue
        if project.online_year < years[0]:
            key2 = (project.site, project.product)
            standing[key2] = standing.get(key2, 0.0) + float(project.capacity)
        else:
            key3 = (project.site, project.product, project.online_year)
            units[key3] = units.get(key3, 0.0) + float(project.capacity)
        land[project.site] = land.get(project.site, 0.0) + committed_land_ha(loaded, project.product,
                                                                             project.capacity)
    return Committed(units, standing, land, notices, plural)


def _late_notices(late: list[CommittedProject], steady_ids: set[int], horizon: tuple[int, int],
                  lands: tuple[float, float],
                  words: tuple[Callable[[CommittedProject], str], Callable[[CommittedProject], str]],
                  plural: str) -> list[str]:
    """The notices of the committed projects at the plan's sites online after the last plan year T,
    `horizon` = (T, N): those in `steady_ids` (by `id()`) run in the steady-state year that stands
    for the N years after T; the others are left out. `lands` (ha): the land each group takes,
    kept from new modules, stated with it. `words` = (called, plant): "committed project x" and
    "400,000 t/yr LFP at ..."."""
    last, after = horizon
    steady_land, held_land = lands
    called, plant = words
    notices = []
    steady = [project for project in late if id(project) in steady_ids]
    beyond = [project for project in late if id(project) not in steady_ids]

    def land_words(ha: float, one: bool) -> str:
        taken = "it takes" if one else "they take"
        return f"; the land {taken}, {ha:,.1f} ha, is kept from new modules" if ha > 0 else ""

    span = steady_span(last, after)
    if steady:
        one = len(steady) == 1
        first = steady[0]
        subject = (f"{called(first)} ({plant(first)}) comes online in {first.online_year}," if one
                   else f"{len(steady)} {plural} come online")
        text = (f"{subject} after the plan's last year {last}: {'its' if one else 'their'} capacity is left "
                f"out of the plan's years and runs in the steady state that stands for {span} "
                f"(objective.years_after_horizon){land_words(steady_land, one)}")
        notices.append(text if one else _listed_notice(text, steady, plant))
    tail = f" (also from the steady state, which stands for {span}, objective.years_after_horizon)" if after else ""
    if len(beyond) == 1:
        project = beyond[0]
        notices.append(f"{called(project)} ({plant(project)}) comes online in {project.online_year}, "
                       f"after the plan's last year {last}: its capacity is left out{tail}"
                       f"{land_words(held_land, True)}")
    elif beyond:  # one notice for them all: a dozen lines of the same sentence hide the other notices
        notices.append(_listed_notice(f"{len(beyond)} {plural} come online after the plan's last year {last}: "
                                      f"their capacity is left out{tail}{land_words(held_land, False)}",
                                      beyond, plant))
    return notices


#: The most late committed projects a note on the terminal names (`_listed_notice`): past them it
#: names these and counts the rest (one more is named, not counted: siting/config/units.py
#: `joined`), and report.md lists them all.
LATE_NAMED = 3

#: Where the terminal form of a note of many late committed projects says they are all listed
#: (`_listed_notice`): true once a solve has written its folder.
LATE_LISTED = "report.md's notices (conflicts.md's for an infeasible plan) list each with its capacity, site and year"

#: The same for `siting check`, which writes no report.md (`before_solving`).
LATE_LISTED_BEFORE_SOLVING = ("a solve lists each with its capacity, site and year in report.md's notices "
                              "(conflicts.md's for an infeasible plan)")


def _listed_notice(text: str, projects: list[CommittedProject], plant: Callable[[CommittedProject], str]
                   ) -> str:
    """The notice `text` followed by ": " and every one of `projects`, "id (plant, year)" each
    (`plant`: "400,000 t/yr LFP at ..."), joined by "; ". Past `LATE_NAMED` projects, a `Notice`
    whose terminal form (`Notice.shown`) names the first `LATE_NAMED` by id, counts the rest ("and
    9 more"; one past them is named: "p1, p2, p3 and p4", `joined`) and says where each is listed
    with its capacity, site and year: the run's files keep the whole list (manifest.json and
    report.md's notices, under Input provenance; an infeasible plan's conflicts.md); on the
    terminal a dozen projects' list pushed a solve's results off the screen."""
    whole = f"{text}: " + "; ".join(f"{p.id} ({plant(p)}, {p.online_year})" for p in projects)
    if len(projects) <= LATE_NAMED:
        return whole
    return Notice(whole, f"{text}: {joined([p.id for p in projects], LATE_NAMED)}; {LATE_LISTED}")


def before_solving(notice: str) -> str:
    """The notice `notice` as `siting check` shows it, which writes no files: a note of many late
    committed projects (`_listed_notice`) says a solve's report.md will list them
    (`LATE_LISTED_BEFORE_SOLVING`), not that report.md does; any other notice as it is."""
    if isinstance(notice, Notice) and notice.shown.endswith(LATE_LISTED):
        return Notice(str(notice), notice.shown[:-len(LATE_LISTED)] + LATE_LISTED_BEFORE_SOLVING)
    return notice


def land_after_committed(site_land: dict[str, float], land_after_redline: dict[tuple[str, str], float],
                         committed: Committed, names: Names | None = None
                         ) -> tuple[dict[str, float], dict[tuple[str, str], float], list[str]]:
    """Usable land less the land of committed plants, clipped at 0, for the whole site and for
    every (site, product) after the red line; a notice for each site with less land than its
    committed plants take, naming the site by `names` and its id (by id without them), and the
    plants as `committed` calls them (the real plants of calibration mode fixed)."""
    names = names or Names()
    notices = []
    site_out = dict(site_land)
    pair_out = dict(land_after_redline)
    keys_of: dict[str, list[tuple[str, str]]] = {}
    if committed.land_ha:
        for key in land_after_redline:
            if key[0] in committed.land_ha:
                keys_of.setdefault(key[0], []).append(key)
    for site, used in sorted(committed.land_ha.items()):
        if used > site_land.get(site, 0.0) + 1e-9:
            notices.append(f"site {names.site_and_id(site)}: its {committed.called} take {used:,.1f} ha, more than "
                           f"its usable land {site_land.get(site, 0.0):,.1f} ha; no land is left there for new modules")
        site_out[site] = max(0.0, site_out.get(site, 0.0) - used)
        for key in keys_of.get(site, []):
            pair_out[key] = max(0.0, land_after_redline[key] - used)
    return site_out, pair_out, notices


def build_inputs(loaded: LoadedScenario, spatial: SpatialResult) -> ModelInputs:
    """The model's frozen inputs (see build_inputs_with_notices), without the notices."""
    return build_inputs_with_notices(loaded, spatial)[0]


def build_inputs_with_notices(loaded: LoadedScenario, spatial: SpatialResult, names: Names | None = None
                              ) -> tuple[ModelInputs, list[str]]:
    """The model's frozen inputs from a loaded scenario and its preprocessed layers: sets (YEARS:
    every calendar year from the first to the last listed), the catalog's modules, land less the
    committed plants', existing and committed capacity, sources and arcs with their km, prices on
    the scenario's price path, imports and sales caps, tariffs, land prices, the hub network's km,
    targets and penalties, the settings of every rule family, and the enabled families (from the
    registry: `constraints.<section>.enabled`); with the notices of the preprocessing (sites on
    the border of a cluster they do not join: `SpatialResult.notices`) and of the mapping
    (committed projects left out, sites short of land), which name sites, products and quantities
    by `names`
    (siting/config/units.py `Names`; products in words and sites by id without them)."""
    s = loaded.scenario
    c = s.constraints
    catalog = loaded.catalog
    years = tuple(plan_years(s.years))
    # Columns are read as lists (`tolist`): one row at a time, a pandas column of text costs a
    # pandas call per value, which a scenario of 200,000 cells feels.
    site_ids = spatial.sites["id"].tolist()
    sites = tuple(site_ids)
    products = tuple(catalog.products)
    modules = module_specs(loaded)
    land = spatial.land
    land_sites, land_products = land["site"].tolist(), land["product"].tolist()
    land_after = {(a, b): float(v) for a, b, v in zip(land_sites, land_products,
                                                      land["land_after_redline_ha"].tolist(), strict=True)}
    committed = committed_projects(loaded, sites, years, names)
    gross = {site: float(v) for site, v in zip(site_ids, spatial.sites["gross_land_ha"].tolist(), strict=True)}
    site_land, land_after, land_notices = land_after_committed(gross, land_after, committed, names)
    redline_excluded = frozenset(
        (a, b) for a, b, inside in zip(land_sites, land_products, land["inside_redline"].tolist(), strict=True)
        if inside
    )
    existing: dict[tuple[str, str], float] = {}
    for product, column in spatial.existing_columns.items():
        for site, units in zip(site_ids, spatial.sites[column].tolist(), strict=True):
            if units > 0:
                existing[(site, product)] = float(units)
    for key, units in committed.standing_units_per_yr.items():
        existing[key] = existing.get(key, 0.0) + units

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
    # ARCS site by site and, at each site, by source id; arc_km in the order of the resources,
    # then the sites, then the sources.
    arc_sources: list[str] = []
    arc_km: dict[tuple[str, str], float] = {}
    for r in resources:
        ids = sources.ids_of(r)
        if not ids:
            continue
        arc_sources += ids
        for site, km_row in zip(sites, distance[ids].to_numpy(dtype=float).tolist(), strict=True):
            for k, km in zip(ids, km_row, strict=True):
                arc_km[(k, site)] = km
    by_id = sorted(arc_sources)
    arcs = [(k, site) for site in sites for k in by_id]
    left_out = prospective_left_out(spatial, s.spatial.include_prospective_sources, resources)
    left_out_rows = distance[list(left_out)].to_numpy(dtype=float).tolist()
    left_out_km = {(k, site): km for site, km_row in zip(sites, left_out_rows, strict=True)
                   for k, km in zip(left_out, km_row, strict=True)}
    groups = target_groups(loaded)
    lead = {cl: tuple(ps) for cl, ps in c.differentiation.lead_products.items()}
    enabled = frozenset(f.name for f in FAMILIES if getattr(c, f.section).enabled)
    demo = None
    if c.recycling_demo.enabled:
        demo = RecyclingDemo(c.recycling_demo.product, c.recycling_demo.min_size, c.recycling_demo.min_sites,
                             c.recycling_demo.max_sites, c.recycling_demo.max_size,
                             c.recycling_demo.min_run_share or 0.0)
    price, import_price = product_prices(loaded, years)
    terms = resource_terms(loaded, resources, years)
    inputs = ModelInputs(
        YEARS=years,
        SITES=sites,
        CLUSTERS=tuple(spatial.clusters["id"]),
        PRODUCTS=products,
        MODULES=modules,
        CANDIDATES=tuple(itertools.product(sites, products)),
        cluster_of_site=dict(zip(site_ids, spatial.sites["cluster"].tolist(), strict=True)),
        site_land_ha=site_land,
        land_after_redline_ha=land_after,
        REDLINE_EXCLUDED=redline_excluded,
        existing_capacity_units_per_yr=existing,
        utilisation={pid: p.utilisation for pid, p in catalog.products.items()},
        output_value_yuan_per_unit={pid: price[(pid, years[-1])] for pid in products},
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
        left_out_source_resource=left_out,
        left_out_arc_km=left_out_km,
        input_units_per_unit={(d, u): float(a) for d, p in catalog.products.items() for u, a in p.inputs.items()},
        chain_share_min=dict(c.chain_balance.min_local_share),
        TARGET_GROUPS=groups,
        capacity_target_units={(g, t): float(v) for g, by_year in s.targets.capacity.items()
                               for t, v in sorted(by_year.items())},
        output_value_target_yuan={t: float(v) for t, v in sorted(s.targets.output_value_yuan.items())},
        targets_strict=s.targets.strict,
        capacity_ceiling_factor=s.targets.capacity_ceiling_factor,
        capacity_shortfall_penalty_yuan_per_unit=capacity_shortfall_penalties(loaded, groups),
        value_shortfall_penalty_yuan_per_yuan=value_shortfall_penalty_yuan_per_yuan(
            s.objective.shortfall_penalty_factor),
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
        max_modules_per_site_per_yr=c.build_rate.max_modules_per_site_per_yr,
        max_capex_yuan_per_site_per_yr=c.build_rate.max_capex_yuan_per_site_per_yr,
        discount_factor=discount_factors(list(years), s.objective.discount_rate),
        enabled_families=enabled,
        lead_time_yr={pid: p.lead_time_yr for pid, p in catalog.products.items()},
        ramp_up_share={pid: p.ramp_up_share for pid, p in catalog.products.items()},
        committed_units_per_yr=committed.units_per_yr,
        discount_rate=s.objective.discount_rate,
        years_after_horizon=s.objective.years_after_horizon,
        land_price_yuan_per_ha=land_prices(spatial),
        power_tariff_yuan_per_kwh=site_tariffs(spatial),
        energy_kwh_per_unit={pid: p.energy_kwh_per_unit for pid, p in catalog.products.items()},
        other_variable_cost_yuan_per_unit={pid: p.other_variable_cost_yuan_per_unit
                                           for pid, p in catalog.products.items()},
        price_yuan_per_unit=price,
        import_price_yuan_per_unit=import_price,
        sales_cap_units=sales_caps(loaded, years),
        transport_t_per_unit={pid: p.transport_t_per_unit for pid, p in catalog.products.items()},
        site_hub_km=dict(spatial.site_hub_km),
        hub_hub_km=dict(spatial.hub_hub_km),
        hub_gateway_km=dict(spatial.hub_gateway_km),
        resource_price_yuan_per_t=terms.price_yuan_per_t,
        resource_import_price_yuan_per_t=terms.import_price_yuan_per_t,
        resource_import_cap_t_per_yr=terms.import_cap_t_per_yr,
        min_utilisation=dict(c.utilisation.min_share) if c.utilisation.enabled else {},
    )
    placed = [file_notice(text, loaded, *spatial.notice_paths) for text in spatial.notices]
    return inputs, (placed + committed.notices + land_notices + loose_limit_notices(loaded, inputs)
                    + build_rate_notices(loaded, inputs, names))


#: A proximity limit more than this many times the farthest site-to-source road distance of its
#: resource is said in a notice (`loose_limit_notices`). A limit meant in km that binds nothing is
#: legal: a province-wide policy limit kept for a smaller study area exceeds the farthest distance
#: by a small factor, and passes in silence up to 10 times it. A limit typed in metres is 1000 times
#: the one meant, and a limit meant to bind lies below the farthest distance: the typed figure is
#: caught whenever the limit meant was at least 1 % of the farthest distance.
LOOSE_LIMIT_FACTOR = 10.0


def km_figure(km: float) -> str:
    """Km for a notice: thousands separated, whole km without decimals (80,000), else one (12.5)."""
    return f"{km:,.0f}" if float(km).is_integer() else f"{km:,.1f}"


def loose_limit_notices(loaded: LoadedScenario, inputs: ModelInputs) -> list[Notice]:
    """A notice for each limit of constraints.proximity.max_distance_km more than
    `LOOSE_LIMIT_FACTOR` times the farthest road km (`inputs.arc_km`) from any site to any active
    source of its resource, while the rule is on: the limit excludes no site and cuts no arc, and
    may be metres typed for km. A resource without an active source, or whose every source lies at
    its sites (0 km), is left out. Each names the file and line that wrote the key, as the other
    notices of a slip of unit do (siting/config/load.py `key_notice`, `buffer_slip_notices`)."""
    if "proximity" not in inputs.enabled_families:
        return []
    farthest: dict[str, float] = {}
    if inputs.arc_km:  # the farthest arc of each source (NaN: no distance known), then of each resource
        km = pd.Series(list(inputs.arc_km.values()), dtype=float)
        by_source = km.groupby([source for source, _site in inputs.arc_km], sort=False).max()
        for source, reach in by_source.items():
            if not math.isnan(reach):
                resource = inputs.resource_of_source[source]
                farthest[resource] = max(farthest.get(resource, 0.0), float(reach))
    notices = []
    for resource, limit in inputs.max_distance_km.items():
        reach = farthest.get(resource, 0.0)
        if reach > 0.0 and limit > LOOSE_LIMIT_FACTOR * reach:
            loc = ("constraints", "proximity", "max_distance_km", resource)
            key = loaded.at(*loc)[1]
            shown = km_figure(limit)
            notices.append(key_notice(loaded, loc, (
                f"{key} | beyond every site's distance to a {resource} source, so the rule excludes nothing (got "
                f"{shown}, in km; the farthest is {km_figure(round(reach, 1))} km): given in m? {shown} m is written "
                f"{notice_figure(limit / 1000).replace(',', '')}; or leave it if {shown} km is meant")))
    return notices


def _yuan_text(yuan: float) -> str:
    """Yuan for a notice: in bn yuan from 10 million yuan up (2.50 bn yuan), else whole yuan."""
    return bn_yuan(yuan) if yuan >= 1e7 else f"{yuan:,.0f} yuan"


def build_rate_notices(loaded: LoadedScenario, inputs: ModelInputs, names: Names | None = None) -> list[str]:
    """A notice, while the build rate is on, naming the products every module of which costs more
    than constraints.build_rate.max_capex_yuan_per_site_per_yr: no site may decide a module of
    them in any year, whatever the targets ask (a limit that may have been meant in other units).
    Products in words (`names`, or `Names()`), each with the capex of its cheapest module."""
    limit = inputs.max_capex_yuan_per_site_per_yr
    if "build_rate" not in inputs.enabled_families or limit is None:
        return []
    names = names or Names()
    cheapest: dict[str, float] = {}
    for spec in inputs.MODULES:
        cheapest[spec.product] = min(cheapest.get(spec.product, math.inf), spec.capex_yuan)
    over = [p for p in inputs.PRODUCTS if p in cheapest and cheapest[p] > limit]
    if not over:
        return []
    key = loaded.at("constraints", "build_rate", "max_capex_yuan_per_site_per_yr")[1]
    listed = "; ".join(f"{names.product(p)} (its cheapest module costs {_yuan_text(cheapest[p])})" for p in over)
    return [f"{key}: {_yuan_text(limit)} a year is less than the capex of any module of {listed}: no site may "
            "decide one in any year"]
