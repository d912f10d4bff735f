"""Which rule decisions depend on where a site is placed, when its position is known only to ±X km.

A site of the sites layer may give `position_uncertainty_km` (`POSITION_UNCERTAINTY`): its place
is known to within that many km (a site geocoded to a town seat is "±8 km"). The red-line and
proximity rules decide per site and product whether the product may be built there, from the
site's drawn place. A decision is *sensitive* when the site lies closer to what decides it than
its uncertainty: moved to its true place, the site could fall the other way. Each decision gets a
margin, the shortest shift of the whole site (km, straight line, in the working CRS) that could
change it, and is sensitive when that margin is below the site's uncertainty:

- red line, for each product's buffered zone (the zones `siting.prepare.spatial.land_after_redline`
  built, reused as they are; products sharing a zone share the decision):
  - outside (no area in the zone): margin = the distance from the site to the zone; a smaller
    shift leaves all its land usable, a larger one may take some;
  - wholly inside (the product excluded): margin = the distance from the site to the zone's
    boundary, the shortest shift that brings part of it out (and some land back);
  - partly inside (land pro-rated by the area outside): margin 0, any shift changes its share;
- proximity, for each resource with a limit and the products needing it: the nearest qualifying
  source is the one the model takes (`models.families.proximity.nearest_sources`: active
  sources, road km = straight km on the ellipsoid x `spatial.detour_factor`). A shift of d km
  changes the straight distance to every source by at most d, so the road km to the nearest by
  at most d x detour:
  margin = |road km to the nearest - limit| / detour factor. A site with no source of the
  resource at all is beyond the limit wherever it lies, and is not a decision of its place.

Sites without the column, or with a null value, and candidate cells (drawn by the tool) are
taken as exactly placed: margin computed, never sensitive. A site outside every cluster, which the
preprocessing leaves out of the plan, is not checked at all (no rule decides anything there): it
is not in `PositionCheck.uncertainty_km`. Plain data in and out; nothing here knows of Pyomo.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from models import ModelInputs
from models.families.proximity import nearest_sources
from siting.prepare.layers import POSITION_UNCERTAINTY
from siting.prepare.spatial import CELL, RedlineSettings, SpatialResult

RED_LINE, PROXIMITY = "red line", "proximity"
#: Red-line states of a site for a product's zone, and proximity states for a resource's limit.
OUTSIDE, INSIDE, PARTLY = "outside", "inside", "partly inside"
WITHIN, BEYOND = "within", "beyond"
#: Each state as the report's table says it.
STATE_WORDS = {OUTSIDE: "outside the zone", INSIDE: "wholly inside the zone: excluded",
               PARTLY: "partly inside the zone: land pro-rated", WITHIN: "within the limit",
               BEYOND: "beyond the limit: excluded"}
#: An overlap of a site with a zone smaller than this (m2) is the rounding of their edges, not land
#: (as the sites layer's `setback_overlap_ha` takes it).
SLIVER_M2 = 1.0
M_PER_KM = 1000.0


@dataclass(frozen=True)
class PositionDecision:
    """One rule decision at one site, with how far the site would have to move to change it.

    site: the site id. rule: `RED_LINE` or `PROXIMITY`. subject: what decides it, the zone (its
    distances, "lake 5000 m, reserve 1000 m") or the resource. products: the products it decides,
    in catalog order. state: `OUTSIDE`, `INSIDE` or `PARTLY` for the red line, `WITHIN` or
    `BEYOND` for proximity. margin_km: the shortest shift of the site (km) that could change the
    decision (0 for a site partly inside a zone). uncertainty_km: the site's stated uncertainty (0
    when not given). detail: the margin in words ("0.8 km inside the zone", "phosphate_rock
    76.3 road km, 3.7 road km within the 80 km limit (2.8 km straight)")."""

    site: str
    rule: str
    subject: str
    products: tuple[str, ...]
    state: str
    margin_km: float
    uncertainty_km: float
    detail: str

    @property
    def sensitive(self) -> bool:
        """Whether the decision could go the other way within the site's uncertainty."""
        return self.margin_km < self.uncertainty_km

    def text(self) -> str:
        """The decision for a reader: "red line fepo4, lfp (0.8 km inside the zone, ±5 km)"."""
        return f"{self.rule} {', '.join(self.products)} ({self.detail}, ±{self.uncertainty_km:g} km)"


@dataclass(frozen=True)
class PositionCheck:
    """Every rule decision at the sites of the sites layer, with its margin.

    uncertainty_km: site id -> its uncertainty (km) for every site of the sites layer the
        preprocessing kept, in the layer's order (0 where not given).
    not_given: the sites among them without a value (no `POSITION_UNCERTAINTY` column, or null).
    decisions: every red-line and proximity decision at those sites (only the rules switched on),
        site by site in the layer's order, then red line before proximity."""

    uncertainty_km: Mapping[str, float] = field(default_factory=dict)
    not_given: tuple[str, ...] = ()
    decisions: tuple[PositionDecision, ...] = ()

    @property
    def given(self) -> bool:
        """Whether some site gives its uncertainty."""
        return len(self.not_given) < len(self.uncertainty_km)

    @property
    def sensitive(self) -> tuple[PositionDecision, ...]:
        """The decisions that could change within their site's uncertainty."""
        return tuple(d for d in self.decisions if d.sensitive)

    def site_text(self, site: str) -> str:
        """The sensitive decisions at `site`, "; "-separated (`PositionDecision.text`); "" when none."""
        return "; ".join(d.text() for d in self.sensitive if d.site == site)


def km_text(km: float) -> str:
    """A distance in km for a reader: 1 decimal from 1 km, 2 significant digits below (0.35, 0.042)."""
    return f"{km:.1f}" if km >= 0.95 else f"{km:.2g}"


def site_uncertainty_km(spatial: SpatialResult) -> dict[str, float]:
    """Site id -> its uncertainty (km) for every site of the sites layer the preprocessing kept:
    the `POSITION_UNCERTAINTY` column (checked as a number >= 0 when the layer was read), NaN
    where null or without the column. Candidate cells are not keys."""
    sites = spatial.sites
    parks = sites.loc[sites["kind"] != CELL] if "kind" in sites.columns else sites
    values = (parks[POSITION_UNCERTAINTY].to_numpy(dtype=float) if POSITION_UNCERTAINTY in parks.columns
              else np.full(len(parks), np.nan))
    return {str(s): float(v) for s, v in zip(parks["id"], values, strict=True)}


def product_zones(spatial: SpatialResult, products: Sequence[str], rule: RedlineSettings
                  ) -> list[tuple[str, shapely.Geometry, tuple[str, ...]]]:
    """The buffered zone of each product (working CRS), as the spatial preprocessing built it
    (`spatial.zones`, found by its distances), with the products that share it: (the zone's
    distances in words, geometry, products). None when the rule is off or counts no category, or
    for a zone that is empty."""
    if not rule.enabled or not len(spatial.redline):
        return []
    categories = sorted(set(spatial.redline["category"]))
    if rule.categories is not None:
        categories = [c for c in categories if c in rule.categories]
    built = {tuple(tuple(d) for d in key): geometry
             for key, geometry in zip(spatial.zones["distances"], spatial.zones.geometry, strict=True)}
    shared: dict[tuple[tuple[str, float], ...], list[str]] = {}
    for product in products:
        key = tuple((c, rule.distance_m(product, c)) for c in categories)
        if key:
            shared.setdefault(key, []).append(product)
    return [(", ".join(f"{c} {d:g} m" for c, d in key), built[key], tuple(members))
            for key, members in shared.items() if not built[key].is_empty]


def redline_margins(geoms: np.ndarray, zone: shapely.Geometry, inside: np.ndarray
                    ) -> tuple[list[str], np.ndarray]:
    """(state, margin in m) of each site (`geoms`, working CRS) for one zone; `inside`: whether the
    spatial preprocessing found the site wholly inside (the model excludes the product there).
    Outside: the distance to the zone; wholly inside: the distance to its boundary; partly inside
    (an overlap of `SLIVER_M2` or more, or a point on the boundary): 0."""
    shapely.prepare(zone)
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    overlap = np.where(polygonal, shapely.area(shapely.intersection(geoms, zone)), 0.0)
    touches = ~polygonal & shapely.intersects(zone, geoms)
    to_zone = shapely.distance(geoms, zone)
    to_edge = shapely.distance(geoms, shapely.boundary(zone))
    states, margins = [], np.zeros(len(geoms))
    for i in range(len(geoms)):
        if inside[i]:
            states.append(INSIDE)
            margins[i] = to_edge[i]
        elif overlap[i] >= SLIVER_M2 or touches[i]:
            states.append(PARTLY)
        else:
            states.append(OUTSIDE)
            margins[i] = to_zone[i]
    return states, margins


def redline_decisions(spatial: SpatialResult, products: Sequence[str], rule: RedlineSettings,
                      uncertainty: Mapping[str, float]) -> list[PositionDecision]:
    """The red-line decision of each site of `uncertainty` for each product zone (`product_zones`)."""
    sites = spatial.sites.loc[spatial.sites["id"].astype(str).isin(list(uncertainty))]
    ids = [str(s) for s in sites["id"]]
    geoms = sites.geometry.to_numpy()
    inside_pairs = {(str(s), str(p)) for s, p, v in zip(spatial.land["site"], spatial.land["product"],
                                                         spatial.land["inside_redline"], strict=True) if v}
    found = []
    for words, zone, members in product_zones(spatial, products, rule):
        inside = np.array([(s, members[0]) in inside_pairs for s in ids], dtype=bool)
        states, margins = redline_margins(geoms, zone, inside)
        for site, state, margin_m in zip(ids, states, margins, strict=True):
            km = float(margin_m) / M_PER_KM
            detail = {OUTSIDE: f"{km_text(km)} km outside the zone", INSIDE: f"{km_text(km)} km inside the zone",
                      PARTLY: "partly inside the zone"}[state]
            found.append(PositionDecision(site, RED_LINE, words, members, state, km, uncertainty[site], detail))
    return found


def proximity_decisions(inputs: ModelInputs, detour_factor: float, uncertainty: Mapping[str, float]
                        ) -> list[PositionDecision]:
    """The proximity decision of each site of `uncertainty` for each resource with a limit and
    products that need it, against its nearest qualifying source as the model takes it."""
    nearest = nearest_sources(inputs)
    found = []
    for resource in inputs.RESOURCES:
        limit = inputs.max_distance_km.get(resource)
        needing = tuple(p for p in inputs.PRODUCTS if inputs.resource_t_per_unit.get((p, resource), 0.0) > 0)
        if limit is None or not needing:
            continue
        for site in uncertainty:
            source = nearest.get((site, resource))
            if source is None:
                continue
            road_km = float(source[1])
            state = WITHIN if road_km <= limit else BEYOND
            road_margin = abs(road_km - limit)
            shift_km = road_margin / detour_factor
            detail = (f"{resource} {km_text(road_km)} road km, {km_text(road_margin)} road km {state} the {limit:g} km "
                      f"limit ({km_text(shift_km)} km straight)")
            found.append(PositionDecision(site, PROXIMITY, resource, needing, state, shift_km, uncertainty[site],
                                          detail))
    return found


def position_check(spatial: SpatialResult, inputs: ModelInputs, rule: RedlineSettings, detour_factor: float
                   ) -> PositionCheck:
    """Every red-line and proximity decision at the sites of the sites layer, with its margin
    (see the module docstring), for the rules switched on (`inputs.enabled_families`); a site
    without an uncertainty is taken as exactly placed (0 km). `detour_factor`: road km per
    straight km, as the distances were measured."""
    stated = site_uncertainty_km(spatial)
    not_given = tuple(s for s, v in stated.items() if not math.isfinite(v))
    uncertainty = {s: v if math.isfinite(v) else 0.0 for s, v in stated.items()}
    decisions: list[PositionDecision] = []
    if "redline" in inputs.enabled_families:
        decisions += redline_decisions(spatial, inputs.PRODUCTS, rule, uncertainty)
    if "proximity" in inputs.enabled_families:
        decisions += proximity_decisions(inputs, detour_factor, uncertainty)
    order = {site: i for i, site in enumerate(uncertainty)}
    decisions.sort(key=lambda d: (order[d.site], d.rule != RED_LINE))
    return PositionCheck(uncertainty, not_given, tuple(decisions))


# --- the report's section ----------------------------------------------------------------------

SECTION_TITLE = "Decisions within positional uncertainty"
SECTION_HEADER = ("site", "rule", "products", "decision", "margin, km", "uncertainty, km", "the plan there")
#: The section table's numeric columns (right-aligned).
SECTION_NUMERIC = frozenset({4, 5})


@dataclass(frozen=True)
class PositionSection:
    """The report's section on the decisions within positional uncertainty: a title, paragraphs
    and a table (`header`, `rows` of text cells, `numeric` columns right-aligned; no rows: no table)."""

    title: str
    paragraphs: tuple[str, ...]
    header: tuple[str, ...] = SECTION_HEADER
    rows: tuple[tuple[str, ...], ...] = ()
    numeric: frozenset[int] = SECTION_NUMERIC

    def markdown_lines(self) -> list[str]:
        """The section as Markdown lines: a level-2 heading, the paragraphs, the table."""
        lines = [f"## {self.title}", ""]
        for paragraph in self.paragraphs:
            lines += [paragraph, ""]
        if self.rows:
            rule = ["---:" if i in self.numeric else "---" for i in range(len(self.header))]
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "|".join(rule) + "|")
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in self.rows]
            lines.append("")
        return lines[:-1]


def plan_there(decision: PositionDecision, built: Mapping[str, set[str]],
               products: Mapping[str, str] | None = None) -> str:
    """What the plan does at the decision's site: "builds <products>" (those of the decision it
    builds, by `products`, id -> display name, else their ids), "built, other products", or "not
    built"."""
    products = products or {}
    at_site = built.get(decision.site, set())
    these = [products.get(p, p) for p in decision.products if p in at_site]
    if these:
        return f"builds {', '.join(these)}"
    return "built, other products" if at_site else "not built"


def position_section(check: PositionCheck, built_pairs: Iterable[tuple[str, str]],
                     names: Mapping[str, str] | None = None,
                     products: Mapping[str, str] | None = None) -> PositionSection:
    """The report's section: what a sensitive decision means, then one row per sensitive decision
    (site by `names`, id -> the name the report's other tables give it, else its id; products by
    `products`, id -> display name, else their ids), with what the plan does there (`built_pairs`:
    the (site, product) pairs the plan adds capacity to). Without the column in the sites layer,
    one sentence saying every position is taken as exact."""
    names = names or {}
    products = products or {}
    if not check.given:
        return PositionSection(SECTION_TITLE, (
            f"The sites layer gives no `{POSITION_UNCERTAINTY}`: every site's position is taken as exact, and no "
            "red-line or proximity decision is checked against it.",))
    exact: tuple[str, ...] = ()
    if check.not_given:
        listed = ", ".join(names.get(s, s) for s in check.not_given)
        exact = (f"Sites without a `{POSITION_UNCERTAINTY}` are taken as exactly placed: {listed}.",)
    sensitive = check.sensitive
    if not sensitive:
        return PositionSection(SECTION_TITLE, (
            "No red-line or proximity decision at any site lies within the site's stated positional uncertainty "
            f"(`{POSITION_UNCERTAINTY}`).", *exact))
    built: dict[str, set[str]] = {}
    for site, product in built_pairs:
        built.setdefault(str(site), set()).add(str(product))
    rows = tuple((names.get(d.site, d.site), d.rule, ", ".join(products.get(p, p) for p in d.products),
                  STATE_WORDS[d.state], km_text(d.margin_km), f"{d.uncertainty_km:g}", plan_there(d, built, products))
                 for d in sensitive)
    sites = len({d.site for d in sensitive})
    many = len(sensitive) > 1
    text = (f"{len(sensitive)} red-line or proximity decision{'s' if many else ''} at {sites} "
            f"site{'s' if sites > 1 else ''} {'have' if many else 'has'} a margin below the site's stated positional "
            f"uncertainty (`{POSITION_UNCERTAINTY}` of the sites layer). The margin is the shortest shift of the "
            "whole site (km, straight line) that could change the decision: for the red line, the distance from the "
            "site to the zone (outside it), or to the zone's edge (wholly inside it), 0 for a site partly inside "
            "(its land share changes with any shift); for proximity, the road km between the nearest source and the "
            "limit, divided by the detour factor. A decision whose margin is below the uncertainty could go the "
            "other way if the site were placed correctly: check the site on the ground before relying on it. "
            "`sites.geojson` lists them per site (`position_sensitive`).")
    return PositionSection(SECTION_TITLE, (text, *exact), rows=rows)

