"""Calibration against the real plants (issue 10, part 9), as the scenario's `calibration` asks.

mode `fixed`: the real plants are the plan. The model holds the plants of `calibration.plants`
at their sites as committed capacity, in place of the scenario's committed projects (as the
scenario is loaded and prepared: siting/config/load.py `LoadedScenario.model_projects`, with a
notice saying so, siting/prepare/problem.py `prepare`; without `calibration.plants`, the
committed projects are the real plants). Before the solve, every real plant (a project of that file online
by the plan's last year) is checked against the rules in domain terms, on the model's plain inputs:

    site       the plant's site lies in no cluster of the plan (it is left out of the plan)
    redline    (site, product) in REDLINE_EXCLUDED, when the red-line family is on
    proximity  (site, product) in PROXIMITY_EXCLUDED, when the proximity family is on; the
               finding names the resource, its nearest source's km and the limit
    land       sum over a site's plants of capacity x land per unit (inputs.committed_land_ha)
               > the site's usable land (gross_land_ha of the prepared sites)
    product_hosting_limit
               clusters with a plant of p > max_clusters_per_product[p], when differentiation is on
    open_sites_limit
               sites with a plant in cluster c > max_open_sites_per_cluster[c], when
               agglomeration is on

Each finding names the rule as the diagnosis names its conflicts (siting/optimize/explain.py
KIND_FAMILY; product_hosting_limit and open_sites_limit are the rows of docs/FORMULATION.md;
`site` is no rule of the model), the plant(s) and the figures; the run goes on (the model reports
any infeasibility with its own diagnosis). These checks are no proof that the rules admit the plants:
the rules across clusters (portfolio difference, capacity ceiling, value share, lead share, ...)
are checked by the solve alone. So the verdict before the solve is what was checked, PRESOLVE_CLEAR
("no site-level rule or hosting limit is broken by a real plant; rules across clusters are checked
by the solve"), or "N rule(s) broken by the real plants"; once solved, "the rules admit every real
plant" (the plan holds them) in place of PRESOLVE_CLEAR; when the solve finds no plan, the
conflicts of the diagnosis (siting/optimize/explain.py `Diagnosis`), each with the real plants it
involves (`conflict_plants`: those at its sites or in its clusters, of its products; a rule of
the plan's decisions alone, such as the budget, involves none, and says what it bounds instead:
`involved_text`), follow (`conflict_verdict`): "the rules do not admit the real plants together:
Yuxi and Qujing must differ in at least 2 products added
[constraints.differentiation.min_portfolio_difference=2] (plant: kuntian_anode_phase1); ...".
calibration.csv holds one row per real plant:

    observed   the plant's capacity in the plants file (units/yr)
    model      the capacity of it the plan holds fixed at its site: the capacity of the project of
               the same id, site and product among those the model holds (`model_projects`),
               online by the plan's last year at a site of the plan; 0 for a plant at a site left
               out of the plan. The model is given the real plants, so this is the observed
               capacity by construction: a check of what it holds, no estimate of its own
    production what the model makes of the plant in the plan's last year T (units/yr; `plant_use`):
               its site's production of the product y[s,p,T], shared in proportion to available
               capacity (as siting/deliver/drivers.py `value_split` shares it), so
               production = used_share x util[p] x the plant's available capacity (its capacity,
               x ramp[p] if it comes online in T)
    used_share production / what the plant can make in T, the same for every plant of a site and
               product: 1 - the idle share of its site and product in T (stranded.csv,
               `Plan.stranded`), 1 where none stands idle; empty for a plant the model does not
               hold, and before a plan (an infeasible run)
    verdict    `admitted`, or `not admitted: <rules>` (the rules of the findings that name the
               plant), with, when the solve finds no plan, `not admitted together: <rule kinds>`
               (the conflicts of the diagnosis that involve the plant, but for a rule already named
               by its findings, which is listed once), and where model differs
               from observed for a site of the plan, what the model holds
    finding    the findings that name the plant, then the sentences of those conflicts, "; "
               between them

Once solved, the verdict also says which real plants the model holds mostly idle: those with
used_share < MOSTLY_IDLE_BELOW in T, grouped by stranded.csv's reason ("for want of feedstock",
with the chain-balance rows of their inputs that bind in T), each with its used share
(`idle_text`).

mode `choose`: after the solve, for each product p with planned additions or real plants,

    planned_added[p] = sum of capacity_added of plan.builds for p
    observed[p]      = the capacity of the real plants of p producing by the plan's last year (those
                       `reference_plants` lists), in the same unit, beside planned_added: the plants of
                       `calibration.reference` and the existing capacity of the sites layer, one
                       `existing:<site>` per site (`existing_plants`; docs/DATA.md, section 15, counts it
                       among the real plants), which the plan holds too, so that the quantity note
                       sets planned_added plus it against observed
    within_km[p]     = the part of planned_added[p] at sites whose point lies within distance_km of the site
                       point of a real plant of p (straight line in the working CRS, km)
    share[p]         = within_km[p] / planned_added[p] (empty when nothing is planned; 0 when p has
                       no real plant: none of its capacity lies where a real plant of it is)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models import ModelInputs
from models.families.proximity import nearest_sources
from siting.config.load import CommittedProjects, LoadedScenario, load_committed_projects
from siting.config.schema import CommittedProject
from siting.config.units import joined, per_year, product_label
from siting.deliver.drivers import binding_chains
from siting.deliver.report import (
    IDLE_PHRASES,
    ChoiceCalibration,
    FixedCalibration,
    SolveStanding,
    held_text,
    solve_line,
)
from siting.deliver.tables import csv_text, markdown_table, table_files, wrap_text
from siting.optimize.explain import Conflict, Describer, Diagnosis
from siting.optimize.results import Plan
from siting.prepare.inputs import committed_land_ha
from siting.prepare.problem import Prepared

#: Columns of the findings of mode fixed (`check_plants`), which the terminal prints.
FINDING_COLUMNS = ("plant", "rule", "finding")

#: Columns of calibration.csv in mode fixed: one row per real plant.
PLANT_COLUMNS = ("plant", "name", "site", "product", "unit", "observed", "model", "production", "used_share", "verdict",
                 "finding")

#: A real plant making less than this share of what it can make in the plan's last year (its
#: used_share) is held mostly idle, which the verdict says: half.
MOSTLY_IDLE_BELOW = 0.5

#: The verdict of a plant the rules admit.
ADMITTED = "admitted"

#: The verdict before the solve when no check finds a broken rule: what was checked, no more.
PRESOLVE_CLEAR = ("no site-level rule or hosting limit is broken by a real plant; rules across clusters are checked "
                  "by the solve")

#: The verdict of a solved plan when no check finds a broken rule: the plan holds every real plant.
SOLVED_CLEAR = "the rules admit every real plant"

#: Columns of calibration.csv in mode choose.
SCORE_COLUMNS = ("product", "unit", "planned_added", "observed", "within_km", "share", "reference_plants")


@dataclass(frozen=True)
class RealPlant:
    """A real plant as the checks need it: id, name, site, product, capacity (units/yr), the unit
    per year of its product, the land it takes (ha) and its first production year; `existing`: the
    capacity the sites layer gives as standing at the plan's start (`existing_plants`), not a
    project of a plants file."""

    id: str
    name: str
    site: str
    product: str
    capacity: float
    unit: str
    land_ha: float
    online_year: int = 0
    existing: bool = False

    def label(self) -> str:
        """`plant <id> (<name>, <capacity> <unit> at <site>)`."""
        return f"plant {self.id} ({self.name}, {_figure(self.capacity)} {self.unit} at {self.site})"


def _figure(value: float) -> str:
    """A figure for a message: thousands separated, whole numbers without decimals."""
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.3g}"


def real_plants(loaded: LoadedScenario, key: str) -> list[RealPlant]:
    """The real plants of `calibration.<key>` (`plants` or `reference`; the scenario's committed
    projects when the key is not given, or names their file) that produce by the plan's last
    year, as read with the scenario (`LoadedScenario.plants`, `LoadedScenario.reference`: their
    sites checked against the sites layer)."""
    calibration = loaded.scenario.calibration
    path = getattr(calibration, key) if calibration is not None else None
    held = {"plants": loaded.plants, "reference": loaded.reference}.get(key)
    projects: CommittedProjects = loaded.committed
    if held is not None:  # loaded with the scenario
        projects = held
    elif path is not None and not _is_committed_file(loaded, loaded.resolve(Path(str(path)))):
        projects = load_committed_projects(loaded.resolve(Path(str(path))), loaded.catalog)
    last = max(loaded.scenario.years)
    return [_plant(loaded, project) for project in projects.projects if project.online_year <= last]


#: The id of a site's existing capacity as a real plant of mode choose (`existing_plants`):
#: `existing:<site id>`, as calibration.csv's `reference_plants` lists it.
EXISTING_ID = "existing:{site}"


def existing_plants(inputs: ModelInputs, units: Mapping[str, str]) -> list[RealPlant]:
    """The capacity the sites layer gives as existing at the plan's start (its `existing_<product>`
    columns, `ModelInputs.existing_capacity_units_per_yr`), one real plant per site and product,
    in the inputs' site and product order: real plants producing by the plan's last year as those
    of a plants file are (docs/DATA.md, section 15, counts Qujing's 53,000 t/yr of LFP among the
    real plants), which the model holds too. `units`: the unit per year of each product."""
    standing = inputs.existing_capacity_units_per_yr
    return [RealPlant(EXISTING_ID.format(site=site), f"existing capacity of site {site}", site, product,
                      float(standing[(site, product)]), units[product], 0.0, min(inputs.YEARS), existing=True)
            for site in inputs.SITES for product in inputs.PRODUCTS
            if float(standing.get((site, product), 0.0)) > 0.0]


def reference_plants(prepared: Prepared) -> list[RealPlant]:
    """The real plants mode choose scores against: those of `calibration.reference` producing by
    the plan's last year (`real_plants`), then the existing capacity of the sites layer
    (`existing_plants`)."""
    units = {p: per_year(product.unit) for p, product in prepared.loaded.catalog.products.items()}
    return real_plants(prepared.loaded, "reference") + existing_plants(prepared.inputs, units)


def _is_committed_file(loaded: LoadedScenario, path: Path) -> bool:
    """Whether `path` is the file of the scenario's committed projects, as loaded (`committed`)."""
    return loaded.committed.path is not None and loaded.committed.path.resolve() == path.resolve()


def _plant(loaded: LoadedScenario, project: CommittedProject) -> RealPlant:
    unit = per_year(loaded.catalog.products[project.product].unit)
    return RealPlant(project.id, project.name, project.site, project.product, float(project.capacity), unit,
                     committed_land_ha(loaded, project.product, float(project.capacity)), project.online_year)


def check_plants(plants: Sequence[RealPlant], inputs: ModelInputs, usable_land_ha: Mapping[str, float]
                 ) -> pd.DataFrame:
    """The findings of mode fixed (see the module docstring): one row per broken rule, with the
    plant id(s), the rule and the finding in words; in plant order, then land, hosting and open
    sites."""
    in_plan = [p for p in plants if p.site in inputs.cluster_of_site]
    rows = [row for plant in plants for row in _plant_findings(plant, inputs)]
    rows += _land_findings(in_plan, usable_land_ha)
    if "differentiation" in inputs.enabled_families:
        rows += _hosting_findings(in_plan, inputs)
    if "agglomeration" in inputs.enabled_families:
        rows += _open_site_findings(in_plan, inputs)
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def _plant_findings(plant: RealPlant, inputs: ModelInputs) -> list[tuple[str, str, str]]:
    """The site, red-line and proximity findings of one plant."""
    if plant.site not in inputs.cluster_of_site:
        return [(plant.id, "site", f"{plant.label()} lies in no cluster of the plan: it is left out of it")]
    rows = []
    on = inputs.enabled_families
    if "redline" in on and (plant.site, plant.product) in inputs.REDLINE_EXCLUDED:
        rows.append((plant.id, "redline", f"{plant.label()} lies inside the buffered red line for {plant.product}"))
    if "proximity" in on and (plant.site, plant.product) in inputs.PROXIMITY_EXCLUDED:
        nearest = nearest_sources(inputs)
        for r in inputs.RESOURCES:
            limit = inputs.max_distance_km.get(r)
            if limit is None or inputs.resource_t_per_unit.get((plant.product, r), 0.0) <= 0:
                continue
            found = nearest.get((plant.site, r))
            if found is None:
                rows.append((plant.id, "proximity", f"{plant.label()} has no source of {r} within reach; the "
                                                    f"proximity limit for {r} is {_figure(limit)} km"))
            elif found[1] > limit:
                rows.append((plant.id, "proximity", f"{plant.label()} lies {found[1]:,.1f} km from the nearest "
                                                    f"source of {r} ({found[0]}), beyond the proximity limit of "
                                                    f"{_figure(limit)} km"))
    return rows


def _land_findings(plants: Sequence[RealPlant], usable_land_ha: Mapping[str, float]) -> list[tuple[str, str, str]]:
    """Sites whose plants take more land than the site's usable land."""
    by_site: dict[str, list[RealPlant]] = {}
    for plant in plants:
        by_site.setdefault(plant.site, []).append(plant)
    rows = []
    for site, here in by_site.items():
        used = sum(p.land_ha for p in here)
        usable = float(usable_land_ha.get(site, 0.0))
        if used > usable + 1e-9:
            verb = "take" if len(here) > 1 else "takes"
            rows.append((" ".join(p.id for p in here), "land",
                         f"{joined(p.label() for p in here)} {verb} {used:,.1f} ha, more than the usable land of site "
                         f"{site} ({usable:,.1f} ha)"))
    return rows


def _hosting_findings(plants: Sequence[RealPlant], inputs: ModelInputs) -> list[tuple[str, str, str]]:
    """Products whose plants stand in more clusters than the hosting limit allows."""
    rows = []
    for product in inputs.PRODUCTS:
        limit = inputs.max_clusters_per_product.get(product)
        making = [p for p in plants if p.product == product]
        clusters: dict[str, list[RealPlant]] = {}
        for plant in making:
            clusters.setdefault(inputs.cluster_of_site[plant.site], []).append(plant)
        if limit is not None and len(clusters) > limit:
            named = "; ".join(f"{c}: {joined(p.label() for p in ps)}" for c, ps in sorted(clusters.items()))
            rows.append((" ".join(p.id for p in making), "product_hosting_limit",
                         f"{product} plants stand in {len(clusters)} clusters ({named}), more than the hosting "
                         f"limit of {limit} for {product}"))
    return rows


def _open_site_findings(plants: Sequence[RealPlant], inputs: ModelInputs) -> list[tuple[str, str, str]]:
    """Clusters whose plants stand at more sites than the open-site limit allows."""
    rows = []
    for cluster in inputs.CLUSTERS:
        limit = inputs.max_open_sites_per_cluster.get(cluster)
        here = [p for p in plants if inputs.cluster_of_site[p.site] == cluster]
        sites = sorted({p.site for p in here})
        if limit is not None and len(sites) > limit:
            rows.append((" ".join(p.id for p in here), "open_sites_limit",
                         f"cluster {cluster} has plants at {len(sites)} sites ({', '.join(sites)}), more than its "
                         f"limit of {limit} open site{'s' if limit != 1 else ''}"))
    return rows


def site_points_km(prepared: Prepared) -> dict[str, tuple[float, float]]:
    """Every site of the sites layer as a point (its centroid) in the working CRS, in km; sites left
    out of the plan are kept, so that a real plant outside the clusters still scores."""
    layer = prepared.layers.sites.to_crs(prepared.spatial.working_crs)
    points = {str(s): (g.centroid.x / 1000.0, g.centroid.y / 1000.0) for s, g in zip(layer["id"], layer.geometry,
                                                                                     strict=True)}
    spatial = prepared.spatial.sites
    points.update({str(s): (g.centroid.x / 1000.0, g.centroid.y / 1000.0)
                   for s, g in zip(spatial["id"], spatial.geometry, strict=True)})
    return points


def score_choice(builds: pd.DataFrame, plants: Sequence[RealPlant], points: Mapping[str, tuple[float, float]],
                 distance_km: float, products: Sequence[str], units: Mapping[str, str]) -> pd.DataFrame:
    """The score of mode choose (see the module docstring): one row per product (in `products`
    order) with planned additions or a real plant."""
    rows = []
    for product in products:
        refs = [p for p in plants if p.product == product and p.site in points]
        added = builds.loc[builds["product"] == product].groupby("site", sort=True)["capacity_added"].sum()
        if added.sum() <= 0 and not refs:
            continue
        within = 0.0
        for site, capacity in added.items():
            x, y = points[str(site)]
            if any(math.hypot(x - points[r.site][0], y - points[r.site][1]) <= distance_km + 1e-9 for r in refs):
                within += float(capacity)
        planned = float(added.sum())
        share = within / planned if planned > 0 else math.nan
        observed = math.fsum(r.capacity for r in refs)
        rows.append((product, units[product], planned, observed, within, share,
                     " ".join(r.id for r in refs)))
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def fixed_findings(prepared: Prepared) -> pd.DataFrame | None:
    """The findings of mode fixed for a prepared scenario; None when the scenario is not in mode fixed."""
    calibration = prepared.loaded.scenario.calibration
    if calibration is None or calibration.mode != "fixed":
        return None
    gross = {str(s): float(v) for s, v in zip(prepared.spatial.sites["id"], prepared.spatial.sites["gross_land_ha"],
                                              strict=True)}
    return check_plants(real_plants(prepared.loaded, "plants"), prepared.inputs, gross)


def choice_score(prepared: Prepared, plan: Plan) -> pd.DataFrame | None:
    """The score of mode choose for a solved plan; None when the scenario is not in mode choose."""
    calibration = prepared.loaded.scenario.calibration
    if calibration is None or calibration.mode != "choose":
        return None
    loaded = prepared.loaded
    units = {p: per_year(product.unit) for p, product in loaded.catalog.products.items()}
    distance = float(calibration.distance_km) if calibration.distance_km is not None else 0.0
    return score_choice(plan.builds, reference_plants(prepared), site_points_km(prepared), distance,
                        prepared.inputs.PRODUCTS, units)


def verdict_text(findings: pd.DataFrame, solved: bool = False) -> str:
    """The verdict of mode fixed from the checks before the solve: PRESOLVE_CLEAR (SOLVED_CLEAR,
    "the rules admit every real plant", once `solved`: the plan holds them), "1 rule broken by the
    real plants"."""
    if len(findings) == 0:
        return SOLVED_CLEAR if solved else PRESOLVE_CLEAR
    return f"{len(findings)} rule{'s' if len(findings) != 1 else ''} broken by the real plants"


def conflict_plants(plants: Sequence[RealPlant], conflict: Conflict, inputs: ModelInputs) -> list[RealPlant]:
    """The real plants a conflict of the diagnosis involves, in plant order: those at a site of the
    plan that lie at its sites or in its clusters (any, when it names none, and for the hosting
    limit, whose clusters are those that could take more), of its products (`Describer.focus`:
    those of its target group, its product; any, when it names none). None for a rule that names
    neither places nor products (output value), nor for a rule of the plan's decisions alone
    (DECIDED_ONLY: the budget, the build rates, the least investment per opened site), which the
    real plants, committed capacity with no capex at sites open already, do not count toward."""
    if conflict.instance.kind in DECIDED_ONLY:
        return []
    products = set(Describer(inputs, {}, (conflict.instance,)).focus)
    placed = conflict.instance.kind != "product_hosting_limit" and bool(conflict.sites or conflict.clusters)
    if not products and not placed:
        return []
    return [p for p in plants if p.site in inputs.cluster_of_site
            and (not products or p.product in products)
            and (not placed or p.site in conflict.sites or inputs.cluster_of_site[p.site] in conflict.clusters)]


#: The rules that count the plan's decisions alone (docs/FORMULATION.md, `budget`, `build_rate`
#: and the least investment of `agglomeration`): the real plants are held as committed capacity,
#: sunk, with no capex and no module decided, so such a rule involves none of them but what the
#: plan adds, which `involved_text` says. The least investment holds at the sites the plan opens
#: (OPEN), and a site with a real plant, which holds committed capacity, is open already.
DECIDED_ONLY = frozenset({"budget", "build_rate_capex", "build_rate_modules", "min_investment"})

#: Held as the plan, the real plants count toward no rule of DECIDED_ONLY.
_NOT_COUNTED = "the real plants are held as committed capacity, with no capex"


def involved_text(plants: Sequence[RealPlant], conflict: Conflict) -> str:
    """The real plants a conflict involves in words (those of `conflict_plants`): "plants:
    west_lfp, east_lfp"; for a rule of the plan's decisions alone (DECIDED_ONLY), what it involves
    instead: "no real plant: it bounds the investment the plan adds in 2023; the real plants are
    held as committed capacity, with no capex" (the least investment per opened site: "no real
    plant: it bounds from below the investment the plan decides at each site it opens in east; a
    site with a real plant holds committed capacity and is open already"); for another rule that
    involves none, "no real plant"."""
    if plants:
        return f"plant{'s' if len(plants) != 1 else ''}: {', '.join(p.id for p in plants)}"
    kind, key = conflict.instance.kind, conflict.instance.key
    if kind == "budget":
        return f"no real plant: it bounds the investment the plan adds in {key[0]}; {_NOT_COUNTED}"
    if kind == "build_rate_capex":
        return (f"no real plant: it bounds the capex the plan decides at one site of {key[0]} in {key[1]}; "
                f"{_NOT_COUNTED}")
    if kind == "build_rate_modules":
        return (f"no real plant: it bounds the modules the plan decides at one site of {key[0]} in {key[1]}; "
                "the real plants are held as committed capacity, not decided by the plan")
    if kind == "min_investment":
        return (f"no real plant: it bounds from below the investment the plan decides at each site it opens in "
                f"{key[0]}; a site with a real plant holds committed capacity and is open already")
    return "no real plant"


def _unique_conflicts(diagnosis: Diagnosis) -> list[Conflict]:
    """The rules of the diagnosis, each once (overlapping conflicts may share a rule)."""
    seen: set[object] = set()
    out = []
    for c in diagnosis.conflicts:
        if c.instance not in seen:
            seen.add(c.instance)
            out.append(c)
    return out


def conflict_verdict(diagnosis: Diagnosis, plants: Sequence[RealPlant], inputs: ModelInputs,
                     findings: pd.DataFrame | None = None) -> str:
    """The verdict of a solve that found no plan, from its diagnosis: "the rules do not admit the
    real plants together: " with each rule of its conflicts in its words and setting, as the
    diagnosis lists them, and the real plants it involves (`conflict_plants`, in words:
    `involved_text`, which says what a rule of the plan's decisions alone involves instead). Where
    the diagnosis proved no conflict (or found none to blame), its headline is said instead, with
    the rules in play. A rule that `findings` (those of the checks before the solve) already name
    for a plant it involves is the same limit, counted once: "(plants: west_lfp, east_lfp; as found
    before the solve)"."""
    found = _found_rules(findings)
    rules = "; ".join(f"{c.sentence} [{c.setting}] ({_involved(plants, c, inputs, found)})"
                      for c in _unique_conflicts(diagnosis))
    if diagnosis.conflict_proven and not diagnosis.feasible and diagnosis.conflicts:
        return f"the rules do not admit the real plants together: {rules}"
    return f"no plan holds the real plants: {diagnosis.headline()}" + (f": {rules}" if rules else "")


def _found_rules(findings: pd.DataFrame | None) -> set[tuple[str, str]]:
    """(plant id, rule) of each finding of the checks before the solve."""
    if findings is None:
        return set()
    return {(pid, str(row.rule)) for row in findings.itertuples(index=False) for pid in str(row.plant).split()}


def _involved(plants: Sequence[RealPlant], conflict: Conflict, inputs: ModelInputs,
              found: set[tuple[str, str]]) -> str:
    """`involved_text`, with "; as found before the solve" for a rule a finding names for a plant it involves."""
    involved = conflict_plants(plants, conflict, inputs)
    again = any((p.id, conflict.instance.kind) in found for p in involved)
    return involved_text(involved, conflict) + ("; as found before the solve" if again else "")


def findings_text(findings: pd.DataFrame, width: int | None = None) -> str:
    """The findings of mode fixed for the terminal: the verdict, then each finding on a line of its
    own, two spaces in; with `width`, as printed (`terminal_text`), otherwise each on one line
    (`RunResult.calibration`)."""
    lines = [f"calibration: {verdict_text(findings)}"]
    lines += [f"  {row.rule}: {row.finding}" for row in findings.itertuples(index=False)]
    return terminal_text(lines, width)


def terminal_text(lines: Sequence[str], width: int | None) -> str:
    """`lines` as the terminal prints them: each wrapped to `width` terminal columns as the
    solve's summary wraps its lines (siting/deliver/tables.py `wrap_text`: a line's continuations two spaces
    further in than its text), joined by newlines; without `width`, each line as it is."""
    if width is None:
        return "\n".join(lines)
    out: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        out += [line[:indent] + part if i == 0 else " " * indent + part
                for i, part in enumerate(wrap_text(line[indent:], max(width - indent, 20)))]
    return "\n".join(out)


def held_capacity(plants: Sequence[RealPlant], projects: Sequence[CommittedProject], last_year: int,
                  plan_sites: Collection[str]) -> dict[str, float]:
    """Plant id -> the capacity of it the plan holds fixed (units/yr): that of the committed
    projects of the same id, site and product online by `last_year` at a site of `plan_sites`."""
    held: dict[str, float] = {}
    for plant in plants:
        held[plant.id] = sum(float(p.capacity) for p in projects
                             if (p.id, p.site, p.product) == (plant.id, plant.site, plant.product)
                             and p.online_year <= last_year and p.site in plan_sites)
    return held


@dataclass(frozen=True)
class PlantUse:
    """What the model makes of a real plant in the plan's last year (`plant_use`): `production`
    (units/yr), `used_share` (of what it can make) and why the rest stands idle (`reason`,
    stranded.csv's: feedstock, market or cost; "" when none does)."""

    production: float
    used_share: float
    reason: str = ""


def plant_use(plants: Sequence[RealPlant], held: Mapping[str, float], plan: Plan, inputs: ModelInputs, year: int
              ) -> dict[str, PlantUse]:
    """Plant id -> what the model makes of it in `year` (see the module docstring: production,
    used_share), for the plants it holds (`held` > 0): the used share and the reason from the
    plan's idle capacity of the plant's site and product (`Plan.stranded`, stranded.csv, which the
    report's table of stranded capacity shows), 1 where none stands idle."""
    idle = plan.stranded.loc[plan.stranded["year"] == year]
    stranded = {(str(r.site), str(r.product)): (float(r.idle_share), str(r.reason))
                for r in idle.itertuples(index=False)}
    use = {}
    for plant in plants:
        if held.get(plant.id, 0.0) <= 0:
            continue
        idle_share, reason = stranded.get((plant.site, plant.product), (0.0, ""))
        ramp = min(inputs.ramp_up_share.get(plant.product, 1.0), 1.0) if plant.online_year == year else 1.0
        usable = inputs.utilisation.get(plant.product, 1.0) * ramp * float(held[plant.id])
        use[plant.id] = PlantUse((1.0 - idle_share) * usable, 1.0 - idle_share, reason)
    return use


def idle_text(plants: Sequence[RealPlant], use: Mapping[str, PlantUse], plan: Plan, inputs: ModelInputs,
              year: int) -> str | None:
    """The real plants the model holds below MOSTLY_IDLE_BELOW of what they can make in `year`,
    grouped by why (`IDLE_PHRASES` of stranded.csv's reason; for want of feedstock, the
    chain-balance rows of their inputs that bind in `year`, `binding_chains`), each with its used
    share: "the model holds 2 of them below 50% of what they can make in 2024, for want of
    feedstock: city_lfp 15%, city_lfp2 15%"; None when there is none."""
    idle = [p for p in plants if p.id in use and use[p.id].used_share < MOSTLY_IDLE_BELOW]
    if not idle:
        return None
    groups: dict[str, list[RealPlant]] = {}
    for plant in idle:
        groups.setdefault(use[plant.id].reason, []).append(plant)
    parts = []
    for reason, these in groups.items():
        why = IDLE_PHRASES.get(reason, reason)
        if reason == "feedstock":
            feeds = list(dict.fromkeys(u for p in these for u in inputs.PRODUCTS
                                       if inputs.input_units_per_unit.get((p.product, u), 0.0) > 0))
            chains = [f"the chain-balance rule of {product_label(c.product)} binds: {c.share:.0%} of the "
                      f"{product_label(c.product)} that {joined(list(c.users))} production uses must be made in the "
                      "province" for c in binding_chains(inputs, plan, feeds, year)]
            why += f" ({'; '.join(chains)})" if chains else ""
        parts.append(f"{why}: " + ", ".join(f"{p.id} {use[p.id].used_share:.0%}" for p in these))
    return (f"the model holds {len(idle)} of them below {MOSTLY_IDLE_BELOW:.0%} of what they can make in {year}, "
            + "; ".join(parts))


def plant_rows(plants: Sequence[RealPlant], findings: pd.DataFrame, held: Mapping[str, float],
               use: Mapping[str, PlantUse] | None = None,
               conflicts: Mapping[str, Sequence[Conflict]] | None = None) -> pd.DataFrame:
    """calibration.csv of mode fixed (see the module docstring): one row per real plant, in plant
    order, with its observed capacity, the capacity the model holds of it, what the model makes
    of it (`use`, from `plant_use`; empty without), its verdict and the findings that name it,
    then the conflicts of the diagnosis that involve it (`conflicts`: plant id -> those rules), but
    for those of a rule the findings already name for it (the checks before the solve and the
    diagnosis name a rule alike: the hosting limit found by both is listed once, with its finding)."""
    use = use or {}
    conflicts = conflicts or {}
    rows = []
    for plant in plants:
        mine = [row for row in findings.itertuples(index=False) if plant.id in str(row.plant).split()]
        rules = list(dict.fromkeys(str(row.rule) for row in mine))
        # a rule found before the solve is named once, under `not admitted` with its finding
        against = [c for c in conflicts.get(plant.id, ()) if c.instance.kind not in rules]
        verdicts = [f"not admitted: {', '.join(rules)}"] if rules else []
        if against:
            verdicts.append(f"not admitted together: {', '.join(dict.fromkeys(c.instance.kind for c in against))}")
        verdict = "; ".join(verdicts) or ADMITTED
        model = float(held.get(plant.id, 0.0))
        if "site" not in rules and abs(model - plant.capacity) > 1e-9:
            verdict += f"; the model holds {_figure(model)} {plant.unit} of it"
        made = use.get(plant.id)
        rows.append((plant.id, plant.name, plant.site, plant.product, plant.unit, plant.capacity, model,
                     made.production if made is not None else math.nan,
                     made.used_share if made is not None else math.nan, verdict,
                     "; ".join([str(row.finding) for row in mine] + [c.sentence for c in against])))
    return pd.DataFrame(rows, columns=list(PLANT_COLUMNS))


def plants_file_name(loaded: LoadedScenario) -> str:
    """The name of the file the real plants of mode fixed come from: `calibration.plants`, else the
    scenario's committed projects."""
    calibration = loaded.scenario.calibration
    path = calibration.plants if calibration is not None else None
    if path is not None:
        return Path(str(path)).name
    return loaded.committed.path.name if loaded.committed.path is not None else "the committed projects"


def fixed_calibration(prepared: Prepared, findings: pd.DataFrame | None = None, plan: Plan | None = None,
                      diagnosis: Diagnosis | None = None) -> FixedCalibration | None:
    """What mode fixed writes and reports: the verdict of the rules and one row per real plant
    (`plant_rows`), the capacity the model holds of each from the projects it holds
    (`LoadedScenario.model_projects`); `findings`: those of `fixed_findings`, computed when not
    given. With the solved `plan`, what the model makes of each plant in the last year
    (`plant_use`), and the verdict says which it holds mostly idle (`idle_text`): "the rules admit
    every real plant, but the model holds ...", "1 rule broken by the real plants; the model
    holds ...". With the `diagnosis` of a solve that found no plan, the verdict names its
    conflicts with the plants each involves (`conflict_verdict`), after the findings' count when
    there are findings, and each plant's row the conflicts that involve it. Without either, the
    verdict is that of the checks before the solve (PRESOLVE_CLEAR). None when the scenario is not
    in mode fixed."""
    if findings is None:
        findings = fixed_findings(prepared)
    if findings is None:
        return None
    loaded = prepared.loaded
    last = max(loaded.scenario.years)
    plants = real_plants(loaded, "plants")
    held = held_capacity(plants, loaded.model_projects().projects, last, prepared.inputs.cluster_of_site)
    use = plant_use(plants, held, plan, prepared.inputs, last) if plan is not None else {}
    verdict = verdict_text(findings, solved=plan is not None)
    idle = idle_text(plants, use, plan, prepared.inputs, last) if plan is not None else None
    if idle is not None:
        verdict += f", but {idle}" if len(findings) == 0 else f"; {idle}"
    involved: dict[str, list[Conflict]] = {}
    if diagnosis is not None and plan is None:
        unsolved = conflict_verdict(diagnosis, plants, prepared.inputs, findings)
        verdict = unsolved if len(findings) == 0 else f"{verdict}; {unsolved}"
        for conflict in _unique_conflicts(diagnosis):
            for plant in conflict_plants(plants, conflict, prepared.inputs):
                involved.setdefault(plant.id, []).append(conflict)
    return FixedCalibration(verdict, plants_file_name(loaded), last, plant_rows(plants, findings, held, use, involved),
                            tuple(str(f) for f in findings["finding"]))


def fixed_files(calibration: FixedCalibration, standing: SolveStanding | None = None) -> dict[str, str]:
    """calibration.csv and calibration.md of mode fixed: the verdict, then, with the `standing` of
    a solve that found a plan, the solve's status and what its gap means (`solve_line`), then the
    table, then what its columns mean."""
    year = calibration.year
    note = (f"observed: the plant's capacity in {calibration.plants_file} (units/yr, producing by {year}); model: "
            "the capacity of it the model holds at its site (units/yr): the observed capacity, as the real plants "
            "are the plan, 0 for a plant at a site left out of the plan, no estimate of the model's own; "
            f"production: what the model makes of it in {year} (units/yr; its site's production, shared in "
            f"proportion to available capacity); used_share: production / what it can make in {year} (available "
            "capacity x the product's utilisation, as stranded.csv counts it), below "
            f"{MOSTLY_IDLE_BELOW:.0%} named in the verdict; verdict: admitted, or the rules it breaks (finding: how)")
    held = held_text(calibration)
    intro = f"Verdict: {calibration.verdict}. {held[0].upper()}{held[1:]}."
    if standing is not None:
        intro += f"\n\n{solve_line(standing, 'fixed')}"
    return {"calibration.csv": csv_text(calibration.plants),
            "calibration.md": f"{intro}\n\n{markdown_table(calibration.plants)}\n{note}\n"}


def diagnosis_note(calibration: FixedCalibration) -> str:
    """What conflicts.md says of a run in mode fixed that finds no plan (its section
    "Calibration"): the real plants are held as the plan, so its conflicts are those of the rules
    with them, and calibration.md gives each plant's verdict."""
    return ("This run is a calibration in mode fixed: the real plants are held as the plan "
            f"({held_text(calibration)}), so these are conflicts of the rules with the real plants; "
            "calibration.md gives the verdict for each plant (calibration.csv the same as a table).")


def score_note(distance_km: float, reference_file: str, year: int) -> str:
    """What the columns of the choose score mean, with what each figure is in."""
    return (f"planned_added: capacity the plan adds (in unit, per year); observed: the capacity of the product's "
            f"real plants in `{reference_file}` producing by {year} and the existing capacity of the sites layer "
            "(in reference_plants, `existing:` and the site id), which the plan holds too (in unit, per year: those of "
            "reference_plants); "
            f"within_km: the part of planned_added (in unit) at sites within {_figure(distance_km)} km of a real "
            "plant of the product, a capacity, not a distance; share = within_km / planned_added (a fraction, 1 = "
            "all of it)")


#: How far the capacity a plan adds of a product may differ from its real plants' (a share of the
#: larger of the two) before the choose score's note names the product: the targets' ceiling, 10 %.
QUANTITY_SAY_ABOVE = 0.1


def real_capacity(plants: Sequence[RealPlant]) -> dict[str, float]:
    """The capacity of the real plants by product (units/yr), products in the plants' order."""
    observed: dict[str, float] = {}
    for plant in plants:
        observed[plant.product] = observed.get(plant.product, 0.0) + plant.capacity
    return observed


def quantity_sentences(score: pd.DataFrame, plants: Sequence[RealPlant], last_year: int
                       ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sentences of `quantity_note` (none when no product differs) and the products they
    name, in the score's order."""
    observed = real_capacity(plants)
    standing = real_capacity([p for p in plants if p.existing])
    apart, unreal, named = [], [], []
    for product, unit, planned in zip(score["product"], score["unit"], score["planned_added"], strict=True):
        real = observed.get(str(product), 0.0)
        planned = float(planned)
        if real <= 0.0:
            if planned > 0.0:
                unreal.append(f"{product} ({_figure(planned)} {unit})")
                named.append(str(product))
            continue
        existing = standing.get(str(product), 0.0)
        held = planned + existing  # the existing capacity stands in the plan as in the real plants
        if abs(held - real) > QUANTITY_SAY_ABOVE * max(held, real):
            added = (f"{_figure(planned)} {unit} added to {_figure(existing)} {unit} existing" if existing > 0.0
                     else f"{_figure(planned)} {unit} added")
            apart.append(f"{product} {added} against {_figure(real)} {unit} in real plants")
            named.append(str(product))
    if not apart and not unreal:
        return (), ()
    parts = [f"The share weighs where the plan puts the capacity it adds, not how much it adds: compare "
             f"planned_added with observed, the capacity of the real plants producing by {last_year}."]
    if apart:
        what = ("added capacity (with the existing capacity of the sites layer, which the plan holds as the real "
                "plants do)" if standing else "added capacity")
        parts.append(f"Products whose {what} differs from the real plants' by more than "
                     f"{_figure(QUANTITY_SAY_ABOVE * 100)} %: {'; '.join(apart)}.")
    if unreal:
        parts.append(f"It adds capacity of products no real plant made by {last_year}: {'; '.join(unreal)}; their "
                     "share of 0 says that there is no real plant to be near, not that a placement was missed.")
    return tuple(parts), tuple(named)


def quantity_note(score: pd.DataFrame, plants: Sequence[RealPlant], last_year: int) -> str:
    """What the choose score does not weigh: how much the plan adds of each product against the
    capacity of its real plants producing by `last_year`. The share says where the plan puts what
    it adds, not whether it adds as much: 1.6 Mt/yr of FePO4 beside a real plant of 0.1 Mt/yr scores
    1. Names each product whose added capacity differs from its real plants' by more than
    QUANTITY_SAY_ABOVE, and those added with no real plant at all (their share 0 is no placement
    missed: there is no real plant to be near). Empty when none differs."""
    return " ".join(quantity_sentences(score, plants, last_year)[0])


#: The longest quantity note the terminal prints whole; a longer one is cut to its first sentence
#: and the products it names (`quantity_summary`).
QUANTITY_PRINT_WHOLE = 240


def quantity_summary(calibration: ChoiceCalibration) -> str:
    """What the terminal says of the quantity note, under the choose score: the note whole where it
    is short (QUANTITY_PRINT_WHOLE characters at most), else its first sentence and how many
    products calibration.md and the report name, with their ids; "" without a note."""
    whole = " ".join(calibration.quantity)
    if len(whole) <= QUANTITY_PRINT_WHOLE:
        return whole
    count = len(calibration.named)
    # the sentence starts with words, not with the count, which would follow the year ending the first
    return (f"{calibration.quantity[0]} calibration.md and the report name {count} product{'s' if count != 1 else ''} "
            f"(added more than {_figure(QUANTITY_SAY_ABOVE * 100)} % apart from the real plants, or with none): "
            f"{', '.join(calibration.named)}.")


def reference_file_name(loaded: LoadedScenario) -> str:
    """The name of the file the real plants of mode choose come from: `calibration.reference`,
    else the scenario's committed projects."""
    calibration = loaded.scenario.calibration
    path = calibration.reference if calibration is not None else None
    if path is not None:
        return Path(str(path)).name
    return loaded.committed.path.name if loaded.committed.path is not None else "the committed projects"


def choice_calibration(prepared: Prepared, score: pd.DataFrame) -> ChoiceCalibration | None:
    """What mode choose writes and reports of the plan's score (`choice_score`): the reference
    file, the distance, the real plants' capacity by product and the quantity note's sentences,
    computed once for calibration.md, the report and the terminal. None when the scenario is not
    in mode choose."""
    calibration = prepared.loaded.scenario.calibration
    if calibration is None or calibration.mode != "choose":
        return None
    loaded = prepared.loaded
    last = max(loaded.scenario.years)
    plants = reference_plants(prepared)
    sentences, named = quantity_sentences(score, plants, last)
    return ChoiceCalibration(reference_file_name(loaded), float(calibration.distance_km or 0.0), last, score,
                             real_capacity(plants), sentences, named)


def choice_files(calibration: ChoiceCalibration, standing: SolveStanding | None = None) -> dict[str, str]:
    """calibration.csv and calibration.md of mode choose: with the `standing` of the solve, its
    status and what its gap means for the score (`solve_line`), then the score, what its columns
    mean, and the quantity note."""
    note = score_note(calibration.distance_km, calibration.reference_file, calibration.year)
    if calibration.quantity:
        note = f"{note}\n\n{' '.join(calibration.quantity)}"
    files = table_files(calibration.score, "calibration", note)
    if standing is not None:
        files["calibration.md"] = f"{solve_line(standing, 'choose')}\n\n{files['calibration.md']}"
    return files


def calibration_files(prepared: Prepared, frame: pd.DataFrame) -> dict[str, str]:
    """calibration.csv and calibration.md: in mode fixed, `frame` is the findings (`fixed_findings`)
    and the files hold one row per real plant with the verdict (`fixed_files`); in mode choose,
    `frame` is the score (`choice_score`)."""
    calibration = prepared.loaded.scenario.calibration
    if calibration is not None and calibration.mode == "fixed":
        fixed = fixed_calibration(prepared, frame)
        if fixed is not None:
            return fixed_files(fixed)
    choice = choice_calibration(prepared, frame)
    if choice is not None:
        return choice_files(choice)
    return table_files(frame, "calibration")


@dataclass(frozen=True)
class CalibrationOutput:
    """What a solved plan's calibration gives: calibration.csv and calibration.md (`files`), the
    table they hold (`table`: the findings of mode fixed, the score of mode choose) and the
    calibration the report states: `fixed` in mode fixed, `choice` in mode choose."""

    files: dict[str, str]
    table: pd.DataFrame
    fixed: FixedCalibration | None = None
    choice: ChoiceCalibration | None = None

    @property
    def stated(self) -> FixedCalibration | ChoiceCalibration | None:
        """The calibration the report states (`fixed` or `choice`)."""
        return self.fixed if self.fixed is not None else self.choice


def calibration_output(prepared: Prepared, plan: Plan, findings: pd.DataFrame | None = None,
                       standing: SolveStanding | None = None) -> CalibrationOutput | None:
    """The calibration of a solved plan, as every front door writes it (the command line's
    solve job, siting/runs/job.py, and `siting.Solution.write`): in mode fixed the findings
    (`findings`, those of `fixed_findings`, computed when not given) with one row per real plant
    and the verdict (`fixed_calibration`); in mode choose the plan's score (`choice_score`).
    calibration.md says, with the `standing` of the solve, its status and what its gap means for
    the comparison (`solve_line`). None without a calibration."""
    if findings is None:
        findings = fixed_findings(prepared)
    if findings is not None:
        fixed = fixed_calibration(prepared, findings, plan)
        if fixed is not None:
            return CalibrationOutput(fixed_files(fixed, standing), findings, fixed)
    score = choice_score(prepared, plan)
    if score is None:
        return None
    choice = choice_calibration(prepared, score)
    if choice is None:
        return CalibrationOutput(calibration_files(prepared, score), score)
    return CalibrationOutput(choice_files(choice, standing), score, choice=choice)
