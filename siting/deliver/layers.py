"""Assemble the output layers and tables of a solved plan (plain data, then `siting.deliver.files` makes the files)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from models import ModelInputs, derive_index
from models.families.redline import usable_land_ha
from siting.config.units import capitalised, per_year
from siting.deliver.geojson import WGS84, lines_between, normalised_geometries
from siting.deliver.geopackage import GEOMETRY_COLUMN
from siting.deliver.layer import (
    AMOUNT,
    MEASURE,
    FieldKind,
    OutputLayer,
    geo_frame,
    id_list,
    infer_kind,
    make_layer,
    network_end_name,
)
from siting.deliver.styles import LANE_FIELDS, flow_lanes, unused_prospective
from siting.deliver.tables import product_flow_rows
from siting.optimize.results import GATEWAY, Plan, clean
from siting.prepare.candidates import SLIVER_M2, cut_cells
from siting.prepare.layers import POSITION_UNCERTAINTY, LayerSet
from siting.prepare.positions import PositionCheck
from siting.prepare.spatial import (
    BUFFER_QUAD_SEGS,
    CELL,
    M2_PER_HA,
    PARK,
    RedlineSettings,
    SpatialResult,
    buffered_zone,
    ellipsoidal_area_m2,
    road_distance_km,
    to_working_crs,
)

#: Site statuses, in their order of precedence (a site takes the first that holds):
#: - built: the plan adds capacity there;
#: - standing: the plan adds nothing there, but existing or committed plants stand there
#:   (capacity.csv's `existing` or `committed` above 0 in some year), whatever the rules say of
#:   new modules at the site;
#: - eligible_unused: the plan could add capacity there and does not;
#: - excluded_redline, excluded_proximity, excluded_land: no product may be added there, by the
#:   red line, by the proximity rule, or for too little usable land;
#: - outside_clusters: dropped before the model (outside every cluster).
STATUSES = ("built", "standing", "eligible_unused", "excluded_redline", "excluded_proximity", "excluded_land",
            "outside_clusters")

#: Field names no output layer may carry from an input layer: the GeoPackage's feature id and
#: geometry column, and the GeoDataFrame's geometry.
RESERVED_FIELDS = ("fid", GEOMETRY_COLUMN, "geometry")
#: Prefix of a carried field that clashes with an output layer's own field.
CARRIED_PREFIX = "input_"
#: Prefixes of the sites layer's own fields made per product and year (`added_<product>_<year>`,
#: `on_site_t_<year>`): a carried field must not look like one of them.
SITE_FIELD_PREFIXES = ("added_", "on_site_t_", "existing_", "committed_")
#: Prefixes of the clusters layer's own fields made per product (`added_<product>`,
#: `capacity_<product>_<year>`), and of the sources layer's made per year (`shipped_t_<year>`).
CLUSTER_FIELD_PREFIXES = ("added_", "capacity_")
SOURCE_FIELD_PREFIXES = ("shipped_t_",)


def carried_names(columns: Sequence[str], own: Sequence[str], prefixes: tuple[str, ...] = ()) -> dict[str, str]:
    """Input column -> its field name in an output layer whose own fields are `own`: the column's
    name, or `input_<name>` where that name is one of `own` or `RESERVED_FIELDS` or another
    carried field's (without regard to case, as GeoPackage and QGIS compare field names), or
    starts with one of `prefixes`; `input_<name>_2`, `_3`, ... where that is taken too."""
    taken = {n.lower() for n in (*own, *RESERVED_FIELDS)}
    names: dict[str, str] = {}
    for column in columns:
        name = column
        if name.lower() in taken or name.lower().startswith(prefixes):
            name = f"{CARRIED_PREFIX}{column}"
            number = 2
            while name.lower() in taken:
                name, number = f"{CARRIED_PREFIX}{column}_{number}", number + 1
        taken.add(name.lower())
        names[column] = name
    return names


def carried_fields(carried: pd.DataFrame | None, ids: Sequence[Any], own: Sequence[str],
                   prefixes: tuple[str, ...] = ()) -> dict[str, tuple[FieldKind, list[Any]]]:
    """An input layer's other columns as fields of the output layer made from it, to follow the
    layer's own fields `own`: field name -> (kind, one value per feature of `ids`).

    `carried`: the columns by feature id, as read (`LayerSet.text_columns[<role>]`,
    siting/prepare/layers.py `other_text_columns`: text, dates as ISO 8601 text, and for some
    layers numbers and yes/no, each of the type its file declares, an integer or yes/no field
    with nulls as ints or bools and None); None or no columns for none. `ids`: each feature's id
    in the input, None for a feature the input does not hold (a candidate cell). Each column
    comes under the name `carried_names` gives it (`input_<name>` where it clashes with a name
    of `own`, the GeoPackage's, or starts with one of `prefixes`), in the input's order, null for
    a feature `carried` does not hold, of the kind its values have (`infer_kind`: text where
    they are text or every one is null, integer, real, boolean: nulls leave an integer or
    yes/no column so). Empty without columns."""
    if carried is None or not len(carried.columns):
        return {}
    names = carried_names([str(c) for c in carried.columns], own, prefixes)
    fields: dict[str, tuple[FieldKind, list[Any]]] = {}
    for column in carried.columns:
        by_id = dict(zip(carried.index, carried[column], strict=True))
        values = [by_id.get(i) if i is not None else None for i in ids]
        fields[names[str(column)]] = (infer_kind(pd.Series(values, dtype=object)), values)
    return fields


def with_carried(frame: gpd.GeoDataFrame, columns: Sequence[str], kinds: Mapping[str, FieldKind],
                 carried: pd.DataFrame | None, ids: Sequence[Any], prefixes: tuple[str, ...] = ()
                 ) -> tuple[gpd.GeoDataFrame, list[str], dict[str, FieldKind]]:
    """`frame`, an output layer's features with its own fields `columns` of `kinds`, with an input
    layer's other columns added after them (`carried_fields` of `carried`, `ids` and
    `prefixes`): the frame, every field in order, and every field's kind."""
    fields = carried_fields(carried, ids, columns, prefixes)
    if not fields:
        return frame, list(columns), dict(kinds)
    out = frame.copy()
    for name, (_kind, values) in fields.items():
        out[name] = pd.Series(values, index=out.index, dtype=object)
    return out, [*columns, *fields], {**kinds, **{name: kind for name, (kind, _values) in fields.items()}}


def sums_by(keys: Sequence[Hashable], values: np.ndarray) -> dict[Hashable, float]:
    """The sum of `values` (one per key, in row order) per distinct key, each as pandas sums the
    rows of a selection (`frame.loc[frame[key] == k, column].sum()`: numpy's sum of the selected
    values in row order), so that the figures are the same to the last bit."""
    rows: dict[Hashable, list[int]] = {}
    for n, key in enumerate(keys):
        rows.setdefault(key, []).append(n)
    return {key: float(values[index].sum()) for key, index in rows.items()}


def standing_sites(plan: Plan) -> set[str]:
    """The sites where existing or committed capacity stands in some year of the plan (capacity.csv's
    `existing` or `committed` above 0), whether or not the plan adds to it."""
    capacity = plan.capacity
    if not len(capacity):
        return set()
    held = (capacity["existing"].to_numpy(dtype=float) > 0) | (capacity["committed"].to_numpy(dtype=float) > 0)
    return {str(s) for s in capacity.loc[held, "site"]}


def site_status(inputs: ModelInputs, plan: Plan, dropped: tuple[str, ...]) -> dict[str, str]:
    """One status per candidate site, in the order of STATUSES' precedence."""
    index = derive_index(inputs)
    buildable = {s for s, _p in index.build_pairs}
    built = set(plan.builds["site"])
    standing = standing_sites(plan)
    status = {}
    for site in inputs.SITES:
        products = inputs.PRODUCTS
        red = "redline" in inputs.enabled_families and all((site, p) in inputs.REDLINE_EXCLUDED for p in products)
        near = "proximity" in inputs.enabled_families and all(
            (site, p) in inputs.REDLINE_EXCLUDED or (site, p) in inputs.PROXIMITY_EXCLUDED for p in products)
        if site in built:
            status[site] = "built"
        elif site in standing:
            status[site] = "standing"
        elif site in buildable:
            status[site] = "eligible_unused"
        elif red:
            status[site] = "excluded_redline"
        elif near:
            status[site] = "excluded_proximity"
        else:
            status[site] = "excluded_land"
    for site in dropped:
        status[site] = "outside_clusters"
    return status


def _excluded_list(inputs: ModelInputs, site: str, excluded: frozenset[tuple[str, str]], family: str) -> str:
    if family not in inputs.enabled_families:
        return ""
    return id_list(p for p in inputs.PRODUCTS if (site, p) in excluded)


def _names(frame: gpd.GeoDataFrame) -> list[Any]:
    """Feature names as loaded (None where null, written as JSON null), or the ids when the
    layer has no name field."""
    return list(frame["name"]) if "name" in frame.columns else list(frame["id"])


def end_names(frame: pd.DataFrame) -> dict[str, str | None]:
    """Feature id -> its `name` as the layer `frame` gives it (null or blank: None), for the line
    layers to name their ends beside their ids (`flows_layer`, `product_flows_layer`)."""
    if "name" not in frame.columns:
        return {}
    return {str(k): None if n is None or pd.isna(n) or not str(n).strip() else str(n)
            for k, n in zip(frame["id"], frame["name"], strict=True)}


def on_site_flows(spatial: SpatialResult, plan: Plan) -> set[tuple[str, str]]:
    """(source, site) pairs whose flow has no length: the site stands on the source, so that the
    flow's road km is 0 (the preprocessing takes points closer than
    `siting.prepare.spatial.SAME_PLACE_M` as the same place), or the flow line's two ends round to
    the same point as written (a line that no reader can draw)."""
    if plan.flows.empty:
        return set()
    at_source = {(str(k), str(s)) for k, s, km in zip(plan.flows["source"], plan.flows["site"], plan.flows["km"],
                                                       strict=True) if float(km) == 0.0}
    pairs = sorted({(str(k), str(s)) for k, s in zip(plan.flows["source"], plan.flows["site"], strict=True)}
                   - at_source)
    if not pairs:
        return at_source
    source_geom = spatial.sources.set_index("id").geometry
    site_point = pd.Series(shapely.point_on_surface(spatial.sites.geometry.to_numpy()), index=spatial.sites["id"])
    ends = gpd.GeoSeries([source_geom.loc[k] for k, _s in pairs] + [site_point.loc[s] for _k, s in pairs],
                         crs=spatial.sites.crs).to_crs(WGS84)
    written = normalised_geometries(ends.to_numpy())
    same = shapely.equals(written[:len(pairs)], written[len(pairs):])
    return at_source | {pair for pair, collapsed in zip(pairs, same.tolist(), strict=True) if collapsed}


def cell_sites(spatial: SpatialResult) -> gpd.GeoDataFrame:
    """The candidate cells among the preprocessed sites (`kind` "cell"), in the working CRS."""
    sites = spatial.sites
    if "kind" not in sites.columns:
        return sites.iloc[0:0]
    return sites.loc[sites["kind"] == CELL]


#: The sites layer's land fields (ha), in order: see `land_figures`.
LAND_FIELDS = ("usable_land_ha", "land_after_redline_ha", "land_committed_ha", "land_free_ha", "land_used_ha")
#: The sites layer's fields on a built site whose polygon lies partly in the zone of a product it
#: builds: see `ZoneOverlap`.
OVERLAP_FIELDS = ("setback_products", "setback_reach", "setback_overlap_ha", "land_outside_setback_ha")
#: The sites layer's field, after `OVERLAP_FIELDS`, giving each product's own zone there: see
#: `ZoneOverlap.by_product`.
BY_PRODUCT_FIELD = "setback_by_product"


def land_figures(spatial: SpatialResult, inputs: ModelInputs, plan: Plan) -> dict[str, dict[str, float]]:
    """Site id -> its land (ha) under the names of `LAND_FIELDS`, for every site of the plan:
    - usable_land_ha: the site's usable land (its declared usable area, or its drawn area);
    - land_after_redline_ha: what the red line's buffer and setbacks leave of it, the most over
      the products (`spatial.land`: the usable land pro-rated by the area outside each
      product's zone); the usable land where the rule is off;
    - land_committed_ha: what the committed projects take of the usable land (the usable land
      less the model's `site_land_ha`; at most the usable land);
    - land_free_ha: the land left for the plan's new modules, after the red line and the
      committed projects, the most over the products (the model's L[s,p],
      `models.families.redline.usable_land_ha`);
    - land_used_ha: the land the plan's new modules take (modules x their module's land)."""
    redline_on = "redline" in inputs.enabled_families
    after = spatial.land.groupby("site", sort=False)["land_after_redline_ha"].max().to_dict() if len(spatial.land) \
        else {}
    used: dict[str, float] = {}
    for site, module, count in zip(plan.builds["site"], plan.builds["module"], plan.builds["modules"], strict=True):
        used[str(site)] = used.get(str(site), 0.0) + float(count) * inputs.module(str(module)).land_ha
    figures = {}
    for site, gross in zip(spatial.sites["id"], spatial.sites["gross_land_ha"], strict=True):
        usable = float(gross)
        figures[str(site)] = {
            "usable_land_ha": clean(usable),
            "land_after_redline_ha": clean(float(after.get(site, 0.0))),
            "land_committed_ha": clean(max(0.0, usable - float(inputs.site_land_ha.get(site, usable)))),
            "land_free_ha": clean(max((usable_land_ha(inputs, (site, p), redline_on) for p in inputs.PRODUCTS),
                                      default=0.0)),
            "land_used_ha": clean(used.get(str(site), 0.0)),
        }
    return figures


@dataclass(frozen=True)
class RedlineZone:
    """One buffered red-line zone as delivered in the redline_zones layer.

    id: "buffer" (the rule's buffer around every counted category) or "setback_<n>".
    distances: (category, distance in m) for every counted category, sorted by category.
    products: the products whose sites the zone excludes ("buffer" lists those without setbacks).
    geometry: the zone in the working CRS.
    """

    id: str
    distances: tuple[tuple[str, float], ...]
    products: tuple[str, ...]
    geometry: shapely.Geometry

    @property
    def kind(self) -> str:
        return "buffer" if self.id == "buffer" else "setback"


def redline_zones(spatial: SpatialResult, products: tuple[str, ...], rule: RedlineSettings) -> list[RedlineZone]:
    """The buffered zones of the red-line rule: first the product-independent buffer around every
    counted red-line polygon, then one zone per distinct set of per-product setbacks, each
    naming the products whose sites it excludes (every product in exactly one zone; none when
    the rule is off or counts no category). The geometry is the one the land was measured with
    (`spatial.zones`), or built the same way (`buffered_zone`)."""
    categories = considered_categories(spatial, rule)
    if not categories:
        return []
    buffer_key = tuple((c, float(rule.buffer_m)) for c in categories)
    zones: dict[tuple[tuple[str, float], ...], list[str]] = {buffer_key: []}
    for p in products:
        zones.setdefault(tuple((c, rule.distance_m(p, c)) for c in categories), []).append(p)
    known = {tuple(d): g for d, g in zip(spatial.zones["distances"], spatial.zones.geometry, strict=True)}
    out = []
    for n, (key, zone_products) in enumerate(zones.items()):
        geometry = known.get(key)
        if geometry is None:
            geometry = buffered_zone(spatial.redline, dict(key))
        out.append(RedlineZone("buffer" if key == buffer_key else f"setback_{n}", key, tuple(zone_products),
                               geometry))
    return out


@dataclass(frozen=True)
class ZoneOverlap:
    """Where a built site's polygon lies partly inside the zone of a product it builds. The model
    pro-rates the usable land by the area outside the zone and never clips the polygon, so the
    plant must stand on the part outside: `land_outside_setback_ha` of usable land.

    products: the products it builds whose zone reaches into the polygon, comma-separated.
    reach: the categories whose buffered polygons reach into it, with their distance
        ("lake 5000 m, nature_reserve 1000 m").
    overlap_ha: the area of the polygon inside those zones (ha, on the ellipsoid as the site's
        footprint_ha and land: the working CRS's area times footprint / the polygon's area there).
    outside_ha: the usable land outside them, the least over `products` (ha, as the model has it).
    by_product: each of `products` on its own, as its zone may be narrower than the farthest:
        the categories of its zone that reach in and its usable land outside its zone (ha, as
        delivered: `MEASURE`), "; "-separated in the catalog's order ("p: lake 100 m, 35 ha
        outside; s: lake 300 m, 15 ha outside"). It follows from the same measures as the four
        summary figures, which alone make an overlap equal to another.
    A site that lies in no zone of what it builds has "", "", 0, 0 and "" (`NO_OVERLAP`): a field
    null in every feature would have no type in GeoJSON.
    """

    products: str
    reach: str
    overlap_ha: float
    outside_ha: float
    by_product: str = field(default="", compare=False)

    def fields(self) -> dict[str, Any]:
        """The overlap under the names of `OVERLAP_FIELDS`, then `BY_PRODUCT_FIELD`."""
        return {**dict(zip(OVERLAP_FIELDS, (self.products, self.reach, self.overlap_ha, self.outside_ha), strict=True)),
                BY_PRODUCT_FIELD: self.by_product}


#: `ZoneOverlap.fields` of a site that lies in no zone of what it builds.
NO_OVERLAP = ZoneOverlap("", "", 0.0, 0.0)
#: Overlaps smaller than this (m2) are the rounding of the zone's and the polygon's edges, not land.
OVERLAP_SLIVER_M2 = 1.0


def land_text(ha: float) -> str:
    """Land (ha) in a text field as the layer delivers a land field (`MEASURE`), with no trailing
    zeros: 35.0 -> "35", 432.14 -> "432.1", 0.1450708 -> "0.145"."""
    return np.format_float_positional(MEASURE.round(float(ha)), trim="-")


def product_zone_text(product: str, reach: list[str], outside_ha: float) -> str:
    """One product's part of `ZoneOverlap.by_product`: "s: lake 300 m, 15 ha outside"."""
    return f"{product}: {', '.join([*reach, f'{land_text(outside_ha)} ha outside'])}"


def box_pairs(first: np.ndarray, second: np.ndarray, distance: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The (i, j) index pairs, sorted by i then j, for which the bounding box of `first[i]`, grown
    by `distance` on every side, meets that of `second[j]` (an STRtree on `second`): every pair of
    geometries within `distance` of each other is among them."""
    if not len(first) or not len(second):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    x0, y0, x1, y1 = shapely.bounds(first).T
    grown = shapely.box(x0 - distance, y0 - distance, x1 + distance, y1 + distance)
    i, j = shapely.STRtree(second).query(grown)
    order = np.lexsort((j, i))
    return i[order], j[order]


def near_pairs(first: np.ndarray, second: np.ndarray, distance: float) -> tuple[np.ndarray, np.ndarray]:
    """The (i, j) index pairs, sorted by i then j, for which `shapely.dwithin(second[j], first[i],
    distance)`: tested exactly, all at once, on the pairs `box_pairs` leaves (the others lie
    farther apart than their bounding boxes, more than `distance`)."""
    i, j = box_pairs(first, second, distance)
    exact = shapely.dwithin(second[j], first[i], distance) if len(i) else np.zeros(0, dtype=bool)
    return i[exact], j[exact]


class ZoneReach:
    """Which red-line categories, buffered as a zone buffers them, reach into sites with some
    area (`OVERLAP_SLIVER_M2` or more), for many sites at once. Each red-line polygon is buffered
    once per distance (not once per site), and the union of the buffered polygons near a site is
    made once per distinct set of them; the result is the same as buffering and unioning, site by
    site, the polygons of the category within the distance of the site."""

    def __init__(self, redline: gpd.GeoDataFrame) -> None:
        """`redline`: the red-line polygons in the working CRS, with their `category`."""
        geoms = redline.geometry.to_numpy()
        categories = redline["category"].to_numpy()
        self._geoms = {c: geoms[categories == c] for c in dict.fromkeys(categories.tolist())}
        self._buffers: dict[tuple[str, float], np.ndarray] = {}
        self._unions: dict[tuple[str, float, tuple[int, ...]], shapely.Geometry] = {}

    def _buffered(self, category: str, distance: float) -> np.ndarray:
        key = (category, distance)
        if key not in self._buffers:
            self._buffers[key] = shapely.buffer(self._geoms[category], distance, quad_segs=BUFFER_QUAD_SEGS)
        return self._buffers[key]

    def reaches(self, sites: np.ndarray, category: str, distance: float) -> np.ndarray:
        """Whether the polygons of `category` buffered by `distance` (m) reach into each of `sites`
        (working CRS) with some area: a boolean per site."""
        found = np.zeros(len(sites), dtype=bool)
        geoms = self._geoms.get(category, np.zeros(0, dtype=object))
        site_index, geom_index = near_pairs(sites, geoms, distance)
        if not len(site_index):
            return found
        starts = np.flatnonzero(np.r_[True, site_index[1:] != site_index[:-1]])
        buffered = self._buffered(category, distance)
        for site, near in zip(site_index[starts], np.split(geom_index, starts[1:]), strict=True):
            key = (category, distance, tuple(near.tolist()))
            if key not in self._unions:
                self._unions[key] = shapely.union_all(buffered[near])
            found[site] = shapely.area(shapely.intersection(self._unions[key], sites[site])) >= OVERLAP_SLIVER_M2
        return found


def zone_overlaps(spatial: SpatialResult, inputs: ModelInputs, plan: Plan,
                  zones: Sequence[RedlineZone]) -> dict[str, ZoneOverlap]:
    """Site id -> its `ZoneOverlap`, for every polygon site the plan builds on whose polygon lies
    partly inside the zone (`zones`) of a product it builds there; the other sites are not keys.

    Measured zone by zone for all the built sites at once: the area of each site inside each
    zone of a product it builds (for the sites whose bounding box meets the zone's; the others
    have none), the area inside the union of the zones that reach it (made once per distinct
    set of zones), and the categories that reach in (`ZoneReach`); each product's own reach and
    land (`ZoneOverlap.by_product`) are those of its zone and its land after the red line
    (`spatial.land`)."""
    zone_of = {p: n for n, zone in enumerate(zones) for p in zone.products}
    built = plan.builds.loc[plan.builds["capacity_added"] > 0]
    products_at: dict[str, set[str]] = {}
    for site, product in zip(built["site"], built["product"], strict=True):
        products_at.setdefault(str(site), set()).add(str(product))
    geometry = dict(zip(spatial.sites["id"].astype(str).tolist(), spatial.sites.geometry.to_numpy(), strict=True))
    footprint = (dict(zip(spatial.sites["id"].astype(str).tolist(), spatial.sites["footprint_ha"].to_numpy(dtype=float),
                          strict=True)) if "footprint_ha" in spatial.sites.columns else {})
    position = {site: n for n, site in enumerate(geometry)}
    sites = [s for s in sorted(products_at, key=position.__getitem__)
             if geometry[s].geom_type in ("Polygon", "MultiPolygon")]
    polygons = np.array([geometry[s] for s in sites], dtype=object)
    # The area of each site inside each zone of a product it builds there.
    inside_zone: dict[tuple[int, int], float] = {}
    for n, zone in enumerate(zones):
        mine = np.flatnonzero([bool(products_at[s] & set(zone.products)) for s in sites]).astype(np.intp)
        chosen = mine[box_pairs(polygons[mine], np.array([zone.geometry], dtype=object))[0]]
        areas = shapely.area(shapely.intersection(polygons[chosen], zone.geometry)).tolist() if len(chosen) else []
        inside_zone.update(((int(i), n), a) for i, a in zip(chosen, areas, strict=True))
    hits: dict[int, list[tuple[str, int]]] = {}
    for i, site in enumerate(sites):
        hit = [(p, zone_of[p]) for p in inputs.PRODUCTS if p in products_at[site] and p in zone_of
               and inside_zone.get((i, zone_of[p]), 0.0) >= OVERLAP_SLIVER_M2]
        if hit:
            hits[i] = hit
    reached = {i: tuple(dict.fromkeys(n for _p, n in hit)) for i, hit in hits.items()}  # in the order hit
    # The categories of each zone that reach into each site it reaches.
    reach = ZoneReach(spatial.redline)
    reach_of: dict[tuple[int, int], list[str]] = {}
    for n, zone in enumerate(zones):
        mine = np.array([i for i, these in reached.items() if n in these], dtype=np.intp)
        for category, distance in zone.distances if len(mine) else ():
            for i in mine[reach.reaches(polygons[mine], category, distance)].tolist():
                reach_of.setdefault((i, n), []).append(f"{category} {distance:g} m")
    mine_land = spatial.land.loc[spatial.land["site"].astype(str).isin(set(products_at))]
    land = {(str(s), str(p)): float(v) for s, p, v in zip(mine_land["site"].tolist(), mine_land["product"].tolist(),
                                                          mine_land["land_after_redline_ha"].tolist(), strict=True)}
    unions: dict[tuple[int, ...], shapely.Geometry] = {}
    overlaps = {}
    for i, hit in hits.items():
        site, these = sites[i], reached[i]
        if these not in unions:
            unions[these] = shapely.union_all([zones[n].geometry for n in these])
        inside = shapely.intersection(polygons[i], unions[these])
        words = dict.fromkeys(r for n in these for r in reach_of.get((i, n), []))
        planar = float(shapely.area(polygons[i]))
        drawn = footprint.get(site, math.nan)
        scale = drawn * M2_PER_HA / planar if planar > 0 and math.isfinite(drawn) else 1.0
        overlaps[site] = ZoneOverlap(id_list(p for p, _z in hit), ", ".join(words),
                                     clean(float(shapely.area(inside)) * scale / M2_PER_HA),
                                     clean(min(land.get((site, p), 0.0) for p, _z in hit)),
                                     "; ".join(product_zone_text(p, reach_of.get((i, n), []), land.get((site, p), 0.0))
                                               for p, n in hit))
    return overlaps


def standing_fields(plan: Plan, products: Sequence[str], years: Sequence[int]) -> dict[str, dict[str, float]]:
    """Site id -> the capacity standing there without the plan's new modules, as capacity.csv
    gives it (units/yr, in the product's catalog unit), for every site that has some:
    - existing_<product>: the existing capacity (capacity.csv's `existing`);
    - committed_<product>_<year>: the committed projects online by the year (its `committed`,
      which counts a project from its online year on).
    The fields are those of `standing_field_names`; a site without standing capacity is no key
    (all its fields 0)."""
    capacity = plan.capacity
    names = standing_field_names(plan, products, years)
    found: dict[str, dict[str, float]] = {}
    if not names:
        return found
    for site, product, year, existing, committed in zip(capacity["site"], capacity["product"], capacity["year"],
                                                        capacity["existing"], capacity["committed"], strict=True):
        row = found.setdefault(str(site), dict.fromkeys(names, 0.0))
        if f"existing_{product}" in row:
            row[f"existing_{product}"] = max(row[f"existing_{product}"], clean(float(existing)))
        if f"committed_{product}_{year}" in row:
            row[f"committed_{product}_{year}"] = clean(float(committed))
    return {site: row for site, row in found.items() if any(v > 0 for v in row.values())}


def standing_field_names(plan: Plan, products: Sequence[str], years: Sequence[int]) -> list[str]:
    """The sites layer's fields of standing capacity (`standing_fields`): `existing_<product>` for
    every product some site has existing capacity of, then `committed_<product>_<year>` per year
    of the plan for every product some committed project makes; products in `products` order.
    Empty without existing or committed capacity."""
    capacity = plan.capacity
    if not len(capacity):
        return []
    existing = set(capacity.loc[capacity["existing"].to_numpy(dtype=float) > 0, "product"].astype(str))
    committed = set(capacity.loc[capacity["committed"].to_numpy(dtype=float) > 0, "product"].astype(str))
    return ([f"existing_{p}" for p in products if p in existing]
            + [f"committed_{p}_{t}" for p in products if p in committed for t in years])


#: The sites layer's fields on positional uncertainty: see `position_fields`.
POSITION_FIELDS = ("position_uncertainty_km", "position_sensitive")
#: `position_fields` of a candidate cell: drawn by the tool, exactly placed (0 km, checked like
#: any site given 0: nothing can be within it).
CELL_POSITION: dict[str, Any] = dict(zip(POSITION_FIELDS, (0.0, ""), strict=True))
#: `position_fields` of a site whose uncertainty the sites layer does not give (no column, or
#: null): null in both, so that a reader can tell it from a site given 0 km. The model takes its
#: position as exact, and no decision at it is checked against an uncertainty.
NOT_GIVEN_POSITION: dict[str, Any] = dict.fromkeys(POSITION_FIELDS)


def position_fields(loaded_sites: gpd.GeoDataFrame, positions: PositionCheck | None) -> dict[str, dict[str, Any]]:
    """Site id -> its `POSITION_FIELDS` for every site of the sites layer (`loaded_sites`):
    - position_uncertainty_km: the uncertainty the layer gives (km; an explicit 0 stays 0), null
      where it gives none (no `POSITION_UNCERTAINTY` column, or a null value: the position is then
      taken as exact);
    - position_sensitive: null wherever the site's decisions were not checked against an
      uncertainty: none given (`NOT_GIVEN_POSITION`), no `positions`, or a site that
      `positions` does not hold (one outside every cluster, which the plan leaves out and the
      rules never decide). Where they were, the red-line and proximity decisions at the site whose
      margin is below the uncertainty (`PositionCheck.site_text`: "red line fepo4 (0.8 km inside
      the zone, ±5 km); proximity ..."), and "" where none is. So "" always means checked and
      found clear, and null never does."""
    given = (loaded_sites[POSITION_UNCERTAINTY].to_numpy(dtype=float) if POSITION_UNCERTAINTY in loaded_sites.columns
             else [float("nan")] * len(loaded_sites))
    checked = set(positions.uncertainty_km) if positions is not None else set()
    fields: dict[str, dict[str, Any]] = {}
    for site, km in zip(loaded_sites["id"], given, strict=True):
        if pd.isna(km):
            fields[str(site)] = dict(NOT_GIVEN_POSITION)
            continue
        sensitive = positions.site_text(str(site)) if positions is not None and str(site) in checked else None
        fields[str(site)] = {"position_uncertainty_km": clean(float(km)), "position_sensitive": sensitive}
    return fields


def _footprint(kept: pd.DataFrame, site_id: str) -> float | None:
    """A polygon site's drawn area (ha) on the ellipsoid (`SpatialResult.sites` `footprint_ha`), as a
    GIS measures the polygon; None for a point site and a site outside every cluster."""
    if site_id not in kept.index or "footprint_ha" not in kept.columns:
        return None
    value = float(kept.at[site_id, "footprint_ha"])
    return clean(round(value, 2)) if np.isfinite(value) else None


def sites_layer(loaded_sites: gpd.GeoDataFrame, spatial: SpatialResult, inputs: ModelInputs, plan: Plan,
                status: dict[str, str] | None = None, carried: pd.DataFrame | None = None,
                overlaps: Mapping[str, ZoneOverlap] | None = None, positions: PositionCheck | None = None
                ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Every site of the sites layer (`kind` "park") and every candidate cell the plan builds on
    (`kind` "cell", named as `siting.prepare.candidates.cell_names` names it, and drawn as the
    candidate_cells layer draws it, `cell_drawn_geometries`, its land figures the whole cell's;
    the others are in the candidate_cells layer), with its status, land
    (`land_figures`; 0 for a site outside every cluster), where it lies partly inside the zone
    of a product it builds (`overlaps`, from `zone_overlaps`; `NO_OVERLAP` elsewhere),
    exclusions, the decisions its positional uncertainty leaves open (`position_fields`, from
    `positions`, the prepared problem's `PositionCheck`; a cell is exactly placed), capex,
    capacity added, the existing and committed capacity standing there (`standing_fields`), the
    main product and whether the site hosts a recycling demonstration (`demonstration`, from
    `Plan.demo_sites`). A site at a source it draws on gets that supply in `on_site_sources` and
    `on_site_t_<year>`, since flows.geojson cannot draw a line of no length.
    `status`: `site_status` of the plan, when already known. `carried`: the sites layer's other
    columns by site id (`LayerSet.text_columns["sites"]`), added last (`with_carried`: under the
    names `carried_names` gives them, null for the cells, which have none of them; their kinds
    are those `make_layer` infers from their values)."""
    status = status if status is not None else site_status(inputs, plan, spatial.dropped_sites)
    cells = cell_sites(spatial)
    built_mask = np.array([status[str(c)] == "built" for c in cells["id"]], dtype=bool)
    built_cells = cells.loc[built_mask] if len(cells) else cells
    # a built cell drawn as the candidate_cells layer draws it: the land the red line leaves it
    cell_geometry = list(gpd.GeoSeries(cell_drawn_geometries(spatial)[built_mask], crs=cells.crs)
                         .to_crs(loaded_sites.crs)) if len(built_cells) else []
    entries = [(site_id, name, PARK) for site_id, name in zip(loaded_sites["id"], _names(loaded_sites), strict=True)]
    cell_names = built_cells["name"] if "name" in built_cells.columns else built_cells["id"]
    entries += [(str(c), str(n) if n == n and n is not None else str(c), CELL)
                for c, n in zip(built_cells["id"], cell_names, strict=True)]
    on_site = on_site_flows(spatial, plan)
    local = plan.flows.loc[[(k, s) in on_site for k, s in zip(plan.flows["source"], plan.flows["site"],
                                                             strict=True)]] if on_site else plan.flows.iloc[0:0]
    local_sources: dict[Any, set[Any]] = {}
    for source, site in zip(local["source"].tolist(), local["site"].tolist(), strict=True):
        local_sources.setdefault(site, set()).add(source)
    local_tonnes = sums_by(list(zip(local["site"].tolist(), local["year"].tolist(), strict=True)),
                           local["tonnes"].to_numpy(dtype=float))
    kept = spatial.sites.set_index("id")
    added = plan.builds.groupby(["site", "product", "year"])["capacity_added"].sum().to_dict()
    capex = plan.builds.groupby("site")["capex_yuan"].sum().to_dict()
    value = {p: inputs.output_value_yuan_per_unit.get(p, 0.0) for p in inputs.PRODUCTS}
    land = land_figures(spatial, inputs, plan)
    outside = dict.fromkeys(LAND_FIELDS, 0.0)
    overlaps = overlaps or {}
    placed = position_fields(loaded_sites, positions)
    standing = standing_fields(plan, inputs.PRODUCTS, inputs.YEARS)
    no_standing = dict.fromkeys(standing_field_names(plan, inputs.PRODUCTS, inputs.YEARS), 0.0)
    rows = []
    for site_id, name, kind in entries:
        in_cluster = site_id in kept.index
        row: dict[str, Any] = {
            "id": site_id,
            "name": name,
            "kind": kind,
            "cluster": str(kept.at[site_id, "cluster"]) if in_cluster else "",
            "status": status[site_id],
            "footprint_ha": _footprint(kept, site_id),
            **land.get(site_id, outside),
            **overlaps.get(site_id, NO_OVERLAP).fields(),
            "excluded_redline": _excluded_list(inputs, site_id, inputs.REDLINE_EXCLUDED, "redline"),
            "excluded_proximity": _excluded_list(inputs, site_id, inputs.PROXIMITY_EXCLUDED, "proximity"),
            **placed.get(site_id, CELL_POSITION),
            "capex_yuan": clean(float(capex.get(site_id, 0.0))),
        }
        best: str | None = None  # NULL where the plan adds nothing: no product is the main one
        best_value = 0.0
        for p in inputs.PRODUCTS:
            total = 0.0
            for t in inputs.YEARS:
                amount = clean(float(added.get((site_id, p, t), 0.0)))
                row[f"added_{p}_{t}"] = amount
                total += amount
            if total * value[p] > best_value:
                best, best_value = p, total * value[p]
        row.update(standing.get(site_id, no_standing))
        row["main_product"] = best
        row["demonstration"] = plan.demo_sites.get(site_id, 0) > 0
        row["on_site_sources"] = id_list(sorted(local_sources.get(site_id, ())))
        for t in inputs.YEARS:
            row[f"on_site_t_{t}"] = clean(local_tonnes.get((site_id, t), 0.0)) if site_id in local_sources else 0.0
        rows.append(row)
    frame = geo_frame(rows, geometry=list(loaded_sites.geometry) + cell_geometry, crs=loaded_sites.crs)
    own = [c for c in rows[0] if c != "geometry"]
    frame, columns, _kinds = with_carried(frame, own, {}, carried,
                                          [site_id if kind == PARK else None for site_id, _name, kind in entries],
                                          SITE_FIELD_PREFIXES)
    return frame, columns


CELL_FIELDS = ["id", "name", "cluster", "status", "built", "gross_ha", "usable_ha", "capex_yuan", "main_product"]


def common_zone(spatial: SpatialResult) -> shapely.Geometry:
    """The red line's zone every product shares: the intersection of the products' buffered zones
    (`spatial.zones`, working CRS), where the red line leaves no product any land. Empty where
    the rule is off, counts no category or has no zone (a product without a zone shares none)."""
    zones = spatial.zones.geometry.to_numpy() if len(spatial.zones) else np.empty(0, dtype=object)
    if not len(zones) or shapely.is_empty(zones).any() or shapely.is_missing(zones).any():
        return shapely.Polygon()
    return zones[0] if len(zones) == 1 else shapely.intersection_all(zones)


def cell_drawn_geometries(spatial: SpatialResult) -> np.ndarray:
    """Each candidate cell (`cell_sites`, in its order) as the candidate_cells layer draws it, in
    the working CRS: its polygon less the zone every product shares (`common_zone`), the land the
    red line leaves to some product. The whole polygon where the rule is off, and where what is
    left would be empty or a sliver (under SLIVER_M2: a guard, as the cells with less usable land
    than `candidates.min_usable_ha` are dropped before), cut as the parks are cut from the cells
    (siting/prepare/candidates.py `cut_cells`)."""
    cells = cell_sites(spatial).geometry.to_numpy()
    zone = common_zone(spatial)
    if zone.is_empty or not len(cells):
        return cells
    left = cut_cells(cells, zone)
    kept = ~shapely.is_empty(left) & (shapely.area(left) >= SLIVER_M2)
    return np.where(kept, left, cells)


def candidate_cells_layer(spatial: SpatialResult, inputs: ModelInputs, plan: Plan,
                          status: dict[str, str] | None = None) -> OutputLayer:
    """Every candidate cell drawn as the land the red line leaves to some product: its polygon
    (clipped to its cluster and the allowed zone, less the parks) less the red line's zone every
    product shares (`cell_drawn_geometries`; the whole polygon where the rule is off), with its
    name (siting/prepare/candidates.py `cell_names`: where it lies; its id without one), status
    (as the sites'), whether the plan builds on it, its gross land (ha: the whole cell's, inside
    the red line's zones too), its usable land after the red line (ha, the most over the
    products: setbacks take more for some), capex and the product of the largest output value
    added (NULL where the plan adds nothing). The cells the plan builds on are also in the sites
    layer, with their capacity added. `status`: `site_status` of the plan, when already known."""
    cells = cell_sites(spatial)
    status = status if status is not None else site_status(inputs, plan, spatial.dropped_sites)
    capex = plan.builds.groupby("site")["capex_yuan"].sum().to_dict()
    value = plan.builds.assign(value=[inputs.output_value_yuan_per_unit.get(p, 0.0) * float(u) for p, u in zip(
        plan.builds["product"], plan.builds["capacity_added"], strict=True)]) if len(plan.builds) else None
    main: dict[str, str] = {}
    if value is not None and len(value):
        totals = value.groupby(["site", "product"], sort=True)["value"].sum().reset_index()
        totals = totals.loc[totals["value"] > 0].sort_values(["site", "value"], ascending=[True, False], kind="stable")
        main = dict(totals.drop_duplicates("site")[["site", "product"]].itertuples(index=False))
    ids = [str(c) for c in cells["id"]]
    after = spatial.land.groupby("site", sort=False)["land_after_redline_ha"].max().to_dict()
    usable = [float(after.get(c, 0.0)) for c in ids]
    named = cells["name"] if "name" in cells.columns else cells["id"]
    frame = geo_frame({
        "id": ids,
        "name": [str(n) if isinstance(n, str) and n else c for c, n in zip(ids, named, strict=True)],
        "cluster": [str(c) for c in cells["cluster"]],
        "status": [status[c] for c in ids],
        "built": [status[c] == "built" for c in ids],
        "gross_ha": [clean(float(v)) for v in cells["gross_land_ha"]],
        "usable_ha": [clean(float(v)) for v in usable],
        "capex_yuan": [clean(float(capex.get(c, 0.0))) for c in ids],
        "main_product": [main.get(c) for c in ids],  # NULL where the plan builds nothing
    }, geometry=list(cell_drawn_geometries(spatial)), crs=spatial.sites.crs)
    kinds: dict[str, FieldKind] = {"id": "string", "name": "string", "cluster": "string", "status": "string",
                                   "built": "boolean",
                                   "gross_ha": "real", "usable_ha": "real", "capex_yuan": "real",
                                   "main_product": "string"}
    return make_layer("candidate_cells", LAYER_TITLES["candidate_cells"], frame, CELL_FIELDS, kinds, "MultiPolygon")


def clusters_layer(loaded_clusters: gpd.GeoDataFrame, inputs: ModelInputs, plan: Plan,
                   carried: pd.DataFrame | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """A row per cluster: the sites built on there (`sites_built_on`: where the plan adds capacity,
    some possibly open already), their capex, the products added, and per product the capacity
    added over the plan and the capacity in the final year. Each figure is
    the sum over the cluster's rows of `plan.builds` or `plan.capacity`, in their order (as
    pandas sums a column: numpy's sum of the rows' values). `carried`: the clusters layer's
    other columns by cluster id (`LayerSet.text_columns["clusters"]`), added last (`with_carried`,
    a name like the layer's per-product fields as `input_<name>`; their kinds are those
    `make_layer` infers from their values)."""
    final = inputs.YEARS[-1]
    builds, capacity = plan.builds, plan.capacity
    built_in = builds["cluster"].to_numpy(dtype=object)
    built_site = builds["site"].to_numpy(dtype=object)
    built_product = builds["product"].to_numpy(dtype=object)
    added = builds["capacity_added"].to_numpy(dtype=float)
    capex = builds["capex_yuan"].to_numpy(dtype=float)
    final_rows = capacity["year"].to_numpy() == final
    held_in = capacity["cluster"].to_numpy(dtype=object)[final_rows]
    held_product = capacity["product"].to_numpy(dtype=object)[final_rows]
    held = capacity["capacity"].to_numpy(dtype=float)[final_rows]
    rows = []
    for cluster_id, name in zip(loaded_clusters["id"], _names(loaded_clusters), strict=True):
        mine, kept = built_in == cluster_id, held_in == cluster_id
        products = set(built_product[mine].tolist())
        row: dict[str, Any] = {
            "id": cluster_id,
            "name": name,
            "sites_built_on": len(set(built_site[mine].tolist())),
            "capex_yuan": clean(float(capex[mine].sum())),
            "products_added": id_list(p for p in inputs.PRODUCTS if p in products),
        }
        for p in inputs.PRODUCTS:
            row[f"added_{p}"] = clean(float(added[mine & (built_product == p)].sum()))
            row[f"capacity_{p}_{final}"] = clean(float(held[kept & (held_product == p)].sum()))
        rows.append(row)
    frame = geo_frame(rows, geometry=list(loaded_clusters.geometry), crs=loaded_clusters.crs)
    frame, columns, _kinds = with_carried(frame, list(rows[0]), {}, carried, list(loaded_clusters["id"]),
                                          CLUSTER_FIELD_PREFIXES)
    return frame, columns


def flows_layer(spatial: SpatialResult, inputs: ModelInputs, plan: Plan,
                site_names: Mapping[str, str | None] | None = None,
                source_names: Mapping[str, str | None] | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """A line from source to site per flow, with the names of its ends (`source_name` from
    `source_names`, the sources layer's, `site_name` from `site_names`, the sites layer's: site
    id -> name, `end_names`; null where they give none), road km and tonnes per year. A flow
    from a source to a site at the same point has no line: the sites layer carries it
    (`on_site_*`)."""
    columns = ["id", "source", "site", "source_name", "site_name", "resource", "km"] + [
        f"tonnes_{t}" for t in inputs.YEARS]
    on_site = on_site_flows(spatial, plan)
    flows = plan.flows
    if on_site:
        flows = flows.loc[[(k, s) not in on_site for k, s in zip(flows["source"], flows["site"], strict=True)]]
    if flows.empty:
        return geo_frame({c: [] for c in columns}, geometry=[], crs=spatial.sites.crs), columns
    wide = flows.pivot_table(index=["source", "site", "resource", "km"], columns="year", values="tonnes",
                                  aggfunc="sum", fill_value=0.0).reset_index()
    wide = wide.sort_values(["site", "source"], kind="stable").reset_index(drop=True)
    for t in inputs.YEARS:
        wide[f"tonnes_{t}"] = [clean(float(v)) for v in wide.get(t, pd.Series(0.0, index=wide.index))]
    wide["id"] = wide["source"] + "->" + wide["site"]
    wide["source_name"] = pd.Series([(source_names or {}).get(str(k)) for k in wide["source"]], index=wide.index,
                                    dtype=object)
    wide["site_name"] = pd.Series([(site_names or {}).get(str(s)) for s in wide["site"]], index=wide.index,
                                  dtype=object)
    source_geom = spatial.sources.set_index("id").geometry
    site_point = pd.Series(shapely.point_on_surface(spatial.sites.geometry.to_numpy()), index=spatial.sites["id"])
    geometry = lines_between(source_geom.loc[wide["source"]].to_numpy(), site_point.loc[wide["site"]].to_numpy())
    frame = geo_frame(wide[columns], geometry=geometry, crs=spatial.sites.crs)
    return frame, columns


def network_points(layers: LayerSet, spatial: SpatialResult, gateway_name: str | None = None
                   ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    """The hubs (one per cluster: `id` the cluster, `name` the cluster's name) and the gateway (one
    row: `id` GATEWAY, `name` `gateway_name`) as points in the working CRS, where the
    preprocessing placed them; None when it placed no hubs or no gateway."""
    if spatial.hubs is None or spatial.gateway is None:
        return None
    names = {str(c): name for c, name in zip(layers.clusters["id"], _names(layers.clusters), strict=True)}
    hubs = spatial.hubs.assign(id=[str(c) for c in spatial.hubs["id"]])
    hubs = hubs.assign(name=[str(names[c]) if not pd.isna(names.get(c)) else c for c in hubs["id"]])
    gateway = geo_frame({"id": [GATEWAY], "name": [gateway_name or GATEWAY]}, geometry=[spatial.gateway],
                               crs=spatial.hubs.crs)
    return hubs, gateway


#: The hubs layer's fields of trade, by trade.csv's column: `sold_<product>_<year>` (`sales`, out
#: of the region) and `imported_<product>_<year>` (`imports`, into it).
HUB_TRADE_PREFIXES = {"sales": "sold_", "imports": "imported_"}


def hub_trade_fields(trade: pd.DataFrame, products: Sequence[str], years: Sequence[int]) -> list[tuple[str, str, int]]:
    """The hubs layer's fields of trade as (trade.csv column, product, year), for each column of
    `HUB_TRADE_PREFIXES` in turn, products in `products`' order (the catalog's), then years in
    `years`' order, as the sites layer orders its `added_<product>_<year>`; only those with a
    figure above 0 at some hub of `trade` (`Plan.trade`: hub, product, year, imports, sales, ...)."""
    if trade.empty:
        return []
    traded = {column: {(str(p), int(t)) for p, t, v in zip(trade["product"], trade["year"], trade[column],
                                                           strict=True) if float(v) > 0}
              for column in HUB_TRADE_PREFIXES}
    return [(column, p, t) for column in HUB_TRADE_PREFIXES for p in products for t in years
            if (p, int(t)) in traded[column]]


def hub_trade(trade: pd.DataFrame, fields: Sequence[tuple[str, str, int]], hubs: Sequence[str]
              ) -> dict[str, dict[str, float | None]]:
    """Hub id (cluster) -> field name -> units per year in the product's unit, for each of `hubs`
    and GATEWAY: a hub's figure is `trade`'s (`Plan.trade`, the figures of trade.csv) for that
    hub, product and year, 0 where it has none, at the precision of amounts (siting/deliver/layer.py
    AMOUNT: whole units); the gateway's is None (null), as its trade is the hubs', so that a field
    summed over the layer gives the product's total. `fields`: `hub_trade_fields`."""
    out: dict[str, dict[str, float | None]] = {h: {} for h in [*hubs, GATEWAY]}
    # the rows of each product, year and hub, in row order, found once (not one selection a field)
    rows: dict[tuple[str, int, str], list[int]] = {}
    for n, key in enumerate(zip(trade["product"].tolist(), trade["year"].tolist(), [str(h) for h in trade["hub"]],
                                strict=True)):
        rows.setdefault(key, []).append(n)
    values = {column: trade[column].to_numpy(dtype=float) for column in {column for column, _p, _t in fields}}
    for column, p, t in fields:
        name = f"{HUB_TRADE_PREFIXES[column]}{p}_{t}"
        for h in hubs:
            index = rows.get((p, t, h))  # summed as `sums_by` sums them: the same figure to the last bit
            out[h][name] = AMOUNT.round(clean(float(values[column][index].sum()) if index else 0.0))
        out[GATEWAY][name] = None
    return out


def hubs_layer(points: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], trade: pd.DataFrame | None = None,
               products: Sequence[str] = (), years: Sequence[int] = ()) -> OutputLayer:
    """The hubs, one per cluster, and the gateway, as points: `node` is the name product_flows
    uses for the point (the cluster's id for a hub, GATEWAY for the gateway); `cluster` the
    hub's cluster, null for the gateway, which is in none. With `trade` (`Plan.trade`), each
    carries the plan's sales out of the region and imports into it per product and year
    (`hub_trade_fields`, `hub_trade`: `sold_<product>_<year>`, `imported_<product>_<year>`, real,
    units per year in the product's unit; null at the gateway): they are there whatever
    product_flows draws (a hub at the gateway has no line to it)."""
    hubs, gateway = points
    rows: list[dict[str, Any]] = [{"id": f"hub_{c}", "kind": "hub", "node": str(c), "cluster": str(c), "name": name}
                                  for c, name in zip(hubs["id"], _names(hubs), strict=True)]
    rows.append({"id": GATEWAY, "kind": "gateway", "node": GATEWAY, "cluster": None,
                 "name": _names(gateway)[0]})
    columns = ["id", "kind", "node", "cluster", "name"]
    kinds: dict[str, FieldKind] = {c: "string" for c in columns}
    fields = hub_trade_fields(trade, products, years) if trade is not None else []
    if trade is not None and fields:
        figures = hub_trade(trade, fields, [row["node"] for row in rows[:-1]])
        for row in rows:
            row.update(figures[row["node"]])
        traded = list(figures[GATEWAY])
        columns += traded
        kinds.update(dict.fromkeys(traded, "real"))
    geometry = [*hubs.geometry, gateway.geometry.iloc[0]]
    frame = geo_frame(rows, geometry=geometry, crs=hubs.crs)
    return make_layer("hubs", LAYER_TITLES["hubs"], frame, columns, kinds, "Point")


#: The product_flows layer's fields, in order: those of product_flows.csv after `id` (`unit` right
#: after `product`, as in every table), with the names of the ends after `to`.
PRODUCT_FLOW_FIELDS = ["id", "kind", "from", "to", "from_name", "to_name", "product", "unit", "year", "units", "km",
                       *LANE_FIELDS]


def product_flows_layer(spatial: SpatialResult, plan: Plan, points: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
                        units: Mapping[str, str] | None = None,
                        site_names: Mapping[str, str | None] | None = None) -> OutputLayer:
    """A line per row of the plan's product flows (per product and year), from the site's point
    (its point on surface, as the flows layer uses) or the hub or the gateway to the other end,
    with `units` moved per year in the product's `unit` per year (from `units`, product -> its
    catalog unit; empty without), in product_flows.csv's order (siting/deliver/tables.py
    `product_flow_rows`). `width_mm` and `offset_mm` are how wide its line is drawn and how far
    (mm, to the right of its direction) from the leg, so that the lines of one leg stand side by
    side on every map (siting/deliver/styles.py `flow_lanes`; the order across a leg follows
    `units`' products). `from_name` and `to_name` name the ends: a site as `site_names` does
    (the sites layer's names, `end_names`), a hub and the gateway by the names `points` give them
    (as the hubs layer does) in the report's words (`network_end_name`: "Kunming hub", "Kunming
    (gateway)", told apart where a hub and the gateway share a name); null where they give none.
    A flow of 0 km (a site standing on its hub, as the preprocessing measures it), or between two
    points that are the same point as written, has no line; product_flows.csv holds it."""
    hubs, gateway = points
    at: dict[tuple[str, str], shapely.Geometry] = {}
    for site_id, point in zip(spatial.sites["id"], shapely.point_on_surface(spatial.sites.geometry.to_numpy()),
                              strict=True):
        at[("site", str(site_id))] = point
    for cluster_id, point in zip(hubs["id"], hubs.geometry, strict=True):
        at[("hub", str(cluster_id))] = point
    at[("gateway", GATEWAY)] = gateway.geometry.iloc[0]
    named: dict[tuple[str, str], str | None] = {("site", k): n for k, n in (site_names or {}).items()}
    for kind, frame in (("hub", hubs), ("gateway", gateway)):
        named.update({(kind, k): None if n is None else network_end_name(kind, n) for k, n in end_names(frame).items()})
    ends = {"site_to_hub": ("site", "hub"), "hub_to_site": ("hub", "site"), "hub_to_hub": ("hub", "hub"),
            "gateway_to_hub": ("gateway", "hub"), "hub_to_gateway": ("hub", "gateway")}
    flows = product_flow_rows(plan.product_flows)
    rows, lines = [], []
    if len(flows):
        starts = normalised_geometries(gpd.GeoSeries(
            [at[(ends[k][0], str(a))] for k, a in zip(flows["kind"], flows["from"], strict=True)],
            crs=spatial.sites.crs).to_crs(WGS84).to_numpy())
        stops = normalised_geometries(gpd.GeoSeries(
            [at[(ends[k][1], str(b))] for k, b in zip(flows["kind"], flows["to"], strict=True)],
            crs=spatial.sites.crs).to_crs(WGS84).to_numpy())
        for row, start, stop, same in zip(flows.itertuples(index=False), starts, stops,
                                          shapely.equals(starts, stops).tolist(), strict=True):
            if float(row.km) == 0.0 or same:
                continue
            kind, origin, end = row[0], row[1], row[2]
            rows.append({"id": f"{kind}:{origin}->{end}:{row.product}:{row.year}", "kind": kind, "from": str(origin),
                         "to": str(end), "from_name": named.get((ends[kind][0], str(origin))),
                         "to_name": named.get((ends[kind][1], str(end))), "product": str(row.product),
                         "unit": per_year(units[row.product]) if units and row.product in units else "",
                         "year": int(row.year), "units": float(row.units), "km": float(row.km)})
            lines.append(shapely.LineString([start, stop]))
    own = PRODUCT_FLOW_FIELDS[:-len(LANE_FIELDS)]
    frame = geo_frame(rows or {c: [] for c in own}, geometry=lines, crs=WGS84)
    kinds: dict[str, FieldKind] = {"id": "string", "kind": "string", "from": "string", "to": "string",
                                   "from_name": "string", "to_name": "string", "product": "string", "unit": "string",
                                   "year": "integer", "units": "real", "km": "real", "width_mm": "real",
                                   "offset_mm": "real"}
    # The lanes from the amounts and ends as written, so that the file's own fields give them again.
    written = make_layer("product_flows", LAYER_TITLES["product_flows"], frame, own, kinds, "LineString").frame
    written["width_mm"], written["offset_mm"] = flow_lanes(written, list(units or ()))
    return make_layer("product_flows", LAYER_TITLES["product_flows"], written, PRODUCT_FLOW_FIELDS, kinds,
                      "LineString")


#: Layers in drawing order, top first (the QGIS project and the map use this order).
LAYER_ORDER = ("sites", "site_areas", "hubs", "product_flows", "flows", "sources", "candidate_cells", "clusters",
               "redline_zones", "redline", "context")

LAYER_TITLES = {
    "sites": "Candidate sites by status",
    "site_areas": "Candidate site areas (polygon sites)",
    "hubs": "Hubs and the gateway",
    "product_flows": "Product flows between sites, hubs and the gateway (per year, in each product's unit)",
    "flows": "Raw-material flows (t/yr)",
    "sources": "Raw-material sources (t/yr)",
    "candidate_cells": "Candidate cells over the clusters (built ones filled)",
    "clusters": "Clusters",
    "redline_zones": "Red-line exclusion zones as buffered",
    "redline": "Red-line polygons as used",
    "context": "Context outlines",
}


#: Short names of the layers whose title is long, for a QGIS project's layer panel and legend
#: (plan.qgs, compare.qgs); the title then goes to the layer's abstract. Other layers' names are
#: their titles.
LAYER_NAMES = {
    "site_areas": "Candidate site areas",
    "product_flows": "Product flows (per year)",
    "candidate_cells": "Candidate cells",
    "redline_zones": "Red-line exclusion zones",
}


def context_title(path: Path | None) -> str:
    """The context layer's name in map.png's legend, whose entries are in lower case, and the web
    map's, from its file name: "counties (context)" for counties.geojson; `LAYER_TITLES["context"]`
    without a file. The layer's title (`context_layer`: plan.qgs, plan.gpkg, the report's list of
    files, compare.qgs) is this name capitalised as every layer's title: "Counties (context)"."""
    return f"{path.stem.replace('_', ' ')} (context)" if path is not None else LAYER_TITLES["context"]


def context_layer(layers: LayerSet) -> OutputLayer | None:
    """The context polygons (`layers.context`, e.g. counties) as the map draws them: `id`, `name`
    (the id where the layer has no names), then the layer's other columns (`with_carried`);
    None when the scenario has no context layer."""
    frame = layers.context
    if frame is None or not len(frame):
        return None
    ids = [str(v) for v in frame["id"]]
    layer = geo_frame({"id": ids, "name": _names(frame)}, geometry=list(frame.geometry), crs=frame.crs)
    layer, columns, kinds = with_carried(layer, ["id", "name"], {"id": "string", "name": "string"},
                                         layers.text_columns.get("context"), ids)
    title = context_title(layers.paths.get("context"))
    return make_layer("context", capitalised(title), layer, columns, kinds, "MultiPolygon")


M2_PER_KM2 = 1.0e6


def split_mixed_sites(frame: gpd.GeoDataFrame, working_crs: str, measured: gpd.GeoDataFrame | None = None
                      ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Sites drawn partly as points and partly as polygons cannot share one file (RFC 7946 and
    QGIS want one geometry type per layer). Then every site is written as a point, a polygon site
    at its point on surface in the working CRS (the point the model places in a cluster and
    measures distances from: for a site of `measured`, the candidate cells (`cell_sites`), that of
    its whole polygon, where the layer draws a built cell less the red line's common zone),
    and the polygons go to a second layer, `site_areas`."""
    types = set(frame.geom_type)
    if not (types & {"Point", "MultiPoint"} and types & {"Polygon", "MultiPolygon"}):
        return frame, None
    polygonal = frame.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    areas = frame.loc[polygonal, ["id", "name", "cluster", "status", "geometry"]].copy()
    projected = to_working_crs(gpd.GeoDataFrame(geometry=frame.geometry, crs=frame.crs),
                               pyproj.CRS.from_user_input(working_crs)).geometry.to_numpy()
    if measured is not None and len(measured):
        at = dict(zip(measured["id"].astype(str), to_working_crs(
            measured[["id", "geometry"]], pyproj.CRS.from_user_input(working_crs)).geometry, strict=True))
        projected = np.array([at.get(str(i), g) for i, g in zip(frame["id"], projected, strict=True)], dtype=object)
    points = gpd.GeoSeries(shapely.point_on_surface(projected), crs=working_crs).to_crs(frame.crs)
    points_frame = frame.copy()
    points_frame["geometry"] = list(points)
    return points_frame, areas


def considered_categories(spatial: SpatialResult, rule: RedlineSettings) -> list[str]:
    """Red-line categories the rule uses, sorted (as the spatial preprocessing takes them)."""
    categories = sorted(set(spatial.redline["category"])) if len(spatial.redline) else []
    if not rule.enabled:
        return []
    return [c for c in categories if rule.categories is None or c in rule.categories]


#: The red-line layer's own fields, in order; the red-line input's other columns follow them.
REDLINE_FIELDS = ("id", "name", "category", "used", "buffer_m", "min_distance_m", "max_distance_m", "area_km2")


def redline_layer(spatial: SpatialResult, products: tuple[str, ...], rule: RedlineSettings,
                  carried: pd.DataFrame | None = None) -> OutputLayer:
    """The red-line polygons as the model used them (repaired, every one of them), with whether
    the rule counts their category, its buffer, the nearest exclusion distance around them (the
    one every product keeps: each product's setback raised to the buffer, the smallest) and the
    farthest (some product's), 0 where the rule does not count them, and their area on the
    ellipsoid (`ellipsoidal_area_m2`), as a GIS measures it. `carried`: the red-line input's
    other columns by zone id (`LayerSet.text_columns["redline"]`), added after these fields
    (`with_carried`: under the names `carried_names` gives them, `input_area_km2` for an
    `area_km2` of the input, each of the kind its values have, text where they are text or
    where every value is null)."""
    used = set(considered_categories(spatial, rule))
    frame = spatial.redline
    areas = ellipsoidal_area_m2(frame.geometry.to_numpy(), spatial.working_crs)
    rows = []
    for zone_id, name, category, area in zip(frame["id"], _names(frame), frame["category"], areas, strict=True):
        counted = category in used
        rows.append({
            "id": str(zone_id), "name": name, "category": str(category), "used": counted,
            "buffer_m": float(rule.buffer_m) if counted else 0.0,
            "min_distance_m": min((rule.distance_m(p, category) for p in products), default=0.0) if counted else 0.0,
            "max_distance_m": max((rule.distance_m(p, category) for p in products), default=0.0) if counted else 0.0,
            "area_km2": clean(round(float(area) / M2_PER_KM2, 3)),
        })
    own = list(REDLINE_FIELDS)
    own_kinds: dict[str, FieldKind] = {"id": "string", "name": "string", "category": "string", "used": "boolean",
                                       "buffer_m": "real", "min_distance_m": "real", "max_distance_m": "real",
                                       "area_km2": "real"}
    layer = geo_frame(rows or {c: [] for c in own}, geometry=list(frame.geometry), crs=frame.crs)
    layer, columns, kinds = with_carried(layer, own, own_kinds, carried, list(frame["id"]))
    return make_layer("redline", LAYER_TITLES["redline"], layer, columns, kinds, "Polygon")


def redline_zones_layer(spatial: SpatialResult, products: tuple[str, ...], rule: RedlineSettings,
                        zones: Sequence[RedlineZone] | None = None) -> OutputLayer:
    """The buffered exclusion zones (`redline_zones`, or `zones` when already built): first the
    product-independent buffer around every counted red-line polygon, then one zone per distinct
    set of per-product setbacks, each naming the products whose sites it excludes, with its area
    on the ellipsoid (`ellipsoidal_area_m2`)."""
    zones = redline_zones(spatial, products, rule) if zones is None else zones
    areas = ellipsoidal_area_m2(np.array([z.geometry for z in zones], dtype=object), spatial.working_crs)
    rows = [{
        "id": zone.id,
        "kind": zone.kind,
        "products": id_list(zone.products),
        "distances_m": ", ".join(f"{c} {d:g}" for c, d in zone.distances),
        "max_distance_m": max(d for _c, d in zone.distances),
        "area_km2": clean(round(float(area) / M2_PER_KM2, 3)),
    } for zone, area in zip(zones, areas, strict=True)]
    columns = ["id", "kind", "products", "distances_m", "max_distance_m", "area_km2"]
    frame = geo_frame(rows or {c: [] for c in columns}, geometry=[z.geometry for z in zones],
                             crs=spatial.redline.crs)
    kinds: dict[str, FieldKind] = {"id": "string", "kind": "string", "products": "string", "distances_m": "string",
                                   "max_distance_m": "real", "area_km2": "real"}
    return make_layer("redline_zones", LAYER_TITLES["redline_zones"], frame, columns, kinds, "MultiPolygon")


def sources_layer(spatial: SpatialResult, inputs: ModelInputs, plan: Plan,
                  carried: pd.DataFrame | None = None) -> OutputLayer:
    """Raw-material sources: supply, whether the model could draw on them (producing, or
    prospective ones when the scenario includes them), and what the plan ships per year.
    `carried`: the sources layer's other columns by source id (`LayerSet.text_columns["sources"]`),
    added last (`with_carried`, a name like `shipped_t_<year>` as `input_<name>`), each of the kind
    its values have."""
    frame = spatial.sources
    shipped = plan.flows.groupby(["source", "year"])["tonnes"].sum() if not plan.flows.empty else pd.Series(
        dtype=float)
    in_model = set(inputs.SOURCES)
    rows = []
    names = _names(frame)
    # each column read once, not once a row; `.array` holds the values as `.iloc` gives them
    resources = list(frame["resource"].array)
    statuses = list(frame["status"].array) if "status" in frame else ["producing"] * len(frame)
    supplies = list(frame["supply_t_per_yr"].array)
    for i, source_id in enumerate(frame["id"]):
        row: dict[str, Any] = {
            "id": str(source_id),
            "name": names[i],
            "resource": str(resources[i]),
            "status": str(statuses[i]),
            "supply_t_per_yr": clean(float(supplies[i])),
            "in_model": source_id in in_model,
        }
        for t in inputs.YEARS:
            row[f"shipped_t_{t}"] = clean(float(shipped.get((source_id, t), 0.0)))
        rows.append(row)
    columns = ["id", "name", "resource", "status", "supply_t_per_yr", "in_model"] + [
        f"shipped_t_{t}" for t in inputs.YEARS]
    kinds: dict[str, FieldKind] = {c: "real" for c in columns if c.startswith("shipped_t_")}
    kinds.update({"id": "string", "name": "string", "resource": "string", "status": "string",
                  "supply_t_per_yr": "real", "in_model": "boolean"})
    layer = geo_frame(rows or {c: [] for c in columns}, geometry=list(frame.geometry), crs=frame.crs)
    layer, columns, kinds = with_carried(layer, columns, kinds, carried, list(frame["id"]), SOURCE_FIELD_PREFIXES)
    return make_layer("sources", LAYER_TITLES["sources"], layer, columns, kinds, "Point")


def prospective_left_out(sources: OutputLayer) -> dict[str, tuple[str, str]]:
    """Source id -> (name, resource) of every source of the sources layer that is prospective and
    left out of the plan (`unused_prospective`) with a supply above 0: a source the plan would
    draw on with spatial.include_prospective_sources. In the layer's order; the name is the id
    where the layer gives none."""
    frame = sources.frame
    if not len(frame) or "status" not in frame.columns or "in_model" not in frame.columns:
        return {}
    names = frame["name"] if "name" in frame.columns else frame["id"]
    return {str(k): (str(n).strip() if isinstance(n, str) and n.strip() else str(k), str(r))
            for k, n, r, status, used, supply in zip(frame["id"], names, frame["resource"], frame["status"],
                                                     frame["in_model"], frame["supply_t_per_yr"], strict=True)
            if unused_prospective(status, used) and float(supply) > 0}


def prospective_left_out_km(sites: OutputLayer, sources: OutputLayer, working_crs: str, detour_factor: float
                            ) -> dict[tuple[str, str], float]:
    """(site id, source id) -> road km from every site of the sites layer to every source of
    `prospective_left_out`, measured as the proximity rule measures its arcs
    (`siting.prepare.spatial.road_distance_km`: from the site's point on surface, the geodesic on
    the working CRS's ellipsoid x `detour_factor`), from the layers' coordinates (WGS84 rounded to about 0.1 m,
    so within a fraction of a metre of the rule's km). Empty without such a source."""
    left_out = prospective_left_out(sources)
    if not left_out or not len(sites.frame):
        return {}
    crs = pyproj.CRS.from_user_input(working_crs)
    chosen = sources.frame.loc[[str(k) in left_out for k in sources.frame["id"]], ["id", "geometry"]]
    km = road_distance_km(to_working_crs(sites.frame[["id", "geometry"]], crs), to_working_crs(chosen, crs),
                          detour_factor).to_numpy(dtype=float)
    return {(str(site), str(source)): float(km[i, j]) for i, site in enumerate(sites.frame["id"])
            for j, source in enumerate(chosen["id"])}


def plan_layers(layers: LayerSet, spatial: SpatialResult, inputs: ModelInputs, plan: Plan,
                rule: RedlineSettings, gateway_name: str | None = None,
                units: Mapping[str, str] | None = None, positions: PositionCheck | None = None) -> list[OutputLayer]:
    """Every output layer of a solved plan, typed and in WGS84, in `LAYER_ORDER` (`gateway_name`
    names the gateway in the hubs layer; `units`, product -> catalog unit, gives the product
    flows their unit). The sites carry the decisions their positional uncertainty leaves open
    (`positions`, the prepared problem's `PositionCheck`); the sites, clusters, sources, red-line
    and context layers carry their input layer's other columns after their own (`with_carried`);
    the context layer is there when the scenario has one."""
    status = site_status(inputs, plan, spatial.dropped_sites)
    carried = layers.text_columns.get("sites")
    zones = redline_zones(spatial, inputs.PRODUCTS, rule)
    overlaps = zone_overlaps(spatial, inputs, plan, zones)
    sites, site_columns = sites_layer(layers.sites, spatial, inputs, plan, status, carried, overlaps, positions)
    sites, areas = split_mixed_sites(sites, spatial.working_crs, cell_sites(spatial))
    clusters, cluster_columns = clusters_layer(layers.clusters, inputs, plan, layers.text_columns.get("clusters"))
    site_names = end_names(sites)
    sources = sources_layer(spatial, inputs, plan, layers.text_columns.get("sources"))
    flows, flow_columns = flows_layer(spatial, inputs, plan, site_names, end_names(sources.frame))
    flow_kinds: dict[str, FieldKind] = {c: "real" for c in flow_columns if c.startswith("tonnes_") or c == "km"}
    flow_kinds.update({"id": "string", "source": "string", "site": "string", "source_name": "string",
                       "site_name": "string", "resource": "string"})
    site_kinds: dict[str, FieldKind] = {c: "real" for c in site_columns if c.startswith(SITE_FIELD_PREFIXES)}
    site_kinds.update({"name": "string", "kind": "string", "on_site_sources": "string", "setback_products": "string",
                       "setback_reach": "string", "footprint_ha": "real", **dict.fromkeys(LAND_FIELDS, "real"),
                       "setback_overlap_ha": "real", "land_outside_setback_ha": "real", BY_PRODUCT_FIELD: "string",
                       "position_uncertainty_km": "real", "position_sensitive": "string",
                       "demonstration": "boolean"})
    built = {
        "sites": make_layer("sites", LAYER_TITLES["sites"], sites, site_columns, site_kinds, "Point"),
        "flows": make_layer("flows", LAYER_TITLES["flows"], flows, flow_columns, flow_kinds, "LineString"),
        "sources": sources,
        "clusters": make_layer("clusters", LAYER_TITLES["clusters"], clusters, cluster_columns,
                               {"sites_built_on": "integer"}, "MultiPolygon"),
        "redline_zones": redline_zones_layer(spatial, inputs.PRODUCTS, rule, zones),
        "redline": redline_layer(spatial, inputs.PRODUCTS, rule, layers.text_columns.get("redline")),
    }
    points = network_points(layers, spatial, gateway_name)
    if points is not None:
        built["hubs"] = hubs_layer(points, plan.trade, inputs.PRODUCTS, inputs.YEARS)
        built["product_flows"] = product_flows_layer(spatial, plan, points, units, site_names)
    if len(cell_sites(spatial)):
        built["candidate_cells"] = candidate_cells_layer(spatial, inputs, plan, status)
    if areas is not None:
        built["site_areas"] = make_layer("site_areas", LAYER_TITLES["site_areas"], areas,
                                         ["id", "name", "cluster", "status"], None, "MultiPolygon")
    context = context_layer(layers)
    if context is not None:
        built["context"] = context
    return [built[name] for name in LAYER_ORDER if name in built]
