"""Spatial preprocessing: cluster assignment, red-line exclusion, usable land and distances.

All geometry work happens in one projected working CRS (metres). The results are plain
DataFrames keyed by site, product, resource and source ids; nothing here knows of Pyomo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from siting.errors import InputError
from siting.geodata import POLYGONAL, LayerSet

M2_PER_HA = 10_000.0
#: Segments per quarter circle in buffers: a round buffer, not a diamond (error < 0.5 % of d).
BUFFER_QUAD_SEGS = 16


@dataclass(frozen=True)
class RedlineSettings:
    """Buffer distances in metres: a global buffer and per-product, per-category setbacks."""

    enabled: bool
    buffer_m: float
    categories: tuple[str, ...] | None
    setbacks_m: Mapping[str, Mapping[str, float]]

    def distance_m(self, product: str, category: str) -> float:
        return max(self.buffer_m, self.setbacks_m.get(product, {}).get(category, 0.0))


@dataclass(frozen=True)
class SpatialResult:
    """Everything the model and the outputs need from geometry, as plain tables.

    sites: one row per kept site (index `id`): name, cluster, gross_land_ha, geometry in working CRS.
    land: one row per (site, product): land_after_redline_ha, inside_redline (bool).
    distance_km: site x source road distance (straight line x detour factor).
    zones: buffered red-line zones per product (working CRS), for export.
    """

    sites: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame
    sources: gpd.GeoDataFrame
    redline: gpd.GeoDataFrame
    land: pd.DataFrame
    distance_km: pd.DataFrame
    zones: gpd.GeoDataFrame
    dropped_sites: tuple[str, ...]
    working_crs: str
    existing_columns: Mapping[str, str]


def to_working_crs(frame: gpd.GeoDataFrame, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    return frame.to_crs(crs) if len(frame) else frame.set_crs(crs, allow_override=True)


def working_crs_of(name: str) -> pyproj.CRS:
    try:
        crs = pyproj.CRS.from_user_input(name)
    except pyproj.exceptions.CRSError as exc:
        raise InputError([f"spatial.working_crs | not a CRS pyproj knows (got {name!r}): {exc}"]) from None
    if not crs.is_projected:
        raise InputError([f"spatial.working_crs | must be a projected CRS in metres, such as EPSG:32648 "
                          f"(UTM 48N) for Yunnan (got {name!r}, which is geographic)"])
    return crs


def assign_clusters(sites: gpd.GeoDataFrame, clusters: gpd.GeoDataFrame, policy: str,
                    sites_path: str) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """Each site joins the first cluster (in layer order) that covers its representative point.

    A polygon site is placed by `representative_point()` (always inside the polygon). A site in
    no cluster is an error naming it, or, with policy "drop", is dropped and listed."""
    points = shapely.point_on_surface(sites.geometry.to_numpy())
    tree = shapely.STRtree(clusters.geometry.to_numpy())
    site_idx, cluster_idx = tree.query(points, predicate="covered_by")
    first: dict[int, int] = {}
    for s, c in sorted(zip(site_idx.tolist(), cluster_idx.tolist(), strict=True)):
        first.setdefault(s, c)
    cluster_ids = clusters["id"].to_numpy()
    assigned = [cluster_ids[first[i]] if i in first else None for i in range(len(sites))]
    out = sites.copy()
    out["cluster"] = assigned
    orphans = tuple(out.loc[out["cluster"].isna(), "id"])
    if orphans and policy == "error":
        raise InputError([f"{sites_path}: sites {', '.join(orphans)} | lie in no cluster polygon; move them, "
                          "remove them, or set spatial.sites_outside_clusters: drop"])
    return out.loc[out["cluster"].notna()].copy(), orphans


def buffered_zone(redline: gpd.GeoDataFrame, distance_by_category: Mapping[str, float]) -> shapely.Geometry:
    """Union of each red-line polygon buffered by its category's distance (m)."""
    parts = []
    for category, distance in sorted(distance_by_category.items()):
        geoms = redline.loc[redline["category"] == category].geometry.to_numpy()
        if len(geoms):
            parts.append(shapely.union_all(shapely.buffer(geoms, distance, quad_segs=BUFFER_QUAD_SEGS)))
    return shapely.union_all(parts) if parts else shapely.Polygon()


def land_after_redline(
    sites: gpd.GeoDataFrame, redline: gpd.GeoDataFrame, products: Sequence[str], rule: RedlineSettings
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Usable land per (site, product) after excluding the product's buffered red-line zone.

    Point site: all of its usable area, or 0 if the point lies in the zone (boundary included).
    Polygon site: usable area x (area outside the zone / drawn area): only the part outside
    the buffered zones stays usable. Zones are built from every red-line polygon, whether or
    not it lies in a cluster, so a zone just outside the study area still reaches in."""
    categories = sorted(set(redline["category"])) if len(redline) else []
    if rule.categories is not None:
        categories = [c for c in categories if c in rule.categories]
    geoms = sites.geometry.to_numpy()
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    drawn_area = shapely.area(geoms)
    gross = sites["gross_land_ha"].to_numpy()
    rows = []
    zone_rows = []
    cache: dict[tuple[tuple[str, float], ...], tuple[np.ndarray, np.ndarray]] = {}
    for product in products:
        key = tuple((c, rule.distance_m(product, c)) for c in categories) if rule.enabled else ()
        if key not in cache:
            zone = buffered_zone(redline, dict(key)) if key else shapely.Polygon()
            if zone.is_empty:
                fraction = np.ones(len(geoms))
                inside = np.zeros(len(geoms), dtype=bool)
            else:
                shapely.prepare(zone)
                outside_area = np.where(polygonal, shapely.area(shapely.difference(geoms, zone)), 0.0)
                fraction = np.where(polygonal, outside_area / np.where(drawn_area > 0, drawn_area, 1.0),
                                    ~shapely.intersects(zone, geoms))
                fraction = np.clip(fraction, 0.0, 1.0)
                inside = fraction <= 0.0
            cache[key] = (fraction, inside)
            zone_rows.append({"zone_key": len(zone_rows), "distances": key, "geometry": zone})
        fraction, inside = cache[key]
        rows.append(pd.DataFrame({
            "site": sites["id"].to_numpy(),
            "product": product,
            "land_after_redline_ha": gross * fraction,
            "inside_redline": inside,
        }))
    land = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["site", "product", "land_after_redline_ha", "inside_redline"])
    zones = gpd.GeoDataFrame(zone_rows, geometry="geometry", crs=sites.crs) if zone_rows else gpd.GeoDataFrame(
        {"zone_key": [], "distances": []}, geometry=[], crs=sites.crs)
    return land, zones


def road_distance_km(sites: gpd.GeoDataFrame, sources: gpd.GeoDataFrame, detour_factor: float) -> pd.DataFrame:
    """Site x source distance in km: straight line in the working CRS times the detour factor."""
    site_pts = shapely.point_on_surface(sites.geometry.to_numpy())
    sx, sy = shapely.get_x(site_pts), shapely.get_y(site_pts)
    kx, ky = shapely.get_x(sources.geometry.to_numpy()), shapely.get_y(sources.geometry.to_numpy())
    straight_m = np.hypot(sx[:, None] - kx[None, :], sy[:, None] - ky[None, :])
    return pd.DataFrame(straight_m / 1000.0 * detour_factor, index=sites["id"].to_numpy(),
                        columns=sources["id"].to_numpy())


def preprocess(layers: LayerSet, products: Sequence[str], rule: RedlineSettings, working_crs: str,
               sites_outside_clusters: str, detour_factor: float) -> SpatialResult:
    """Project every layer to the working CRS and derive land, exclusions and distances."""
    crs = working_crs_of(working_crs)
    clusters = to_working_crs(layers.clusters, crs)
    sites = to_working_crs(layers.sites, crs)
    redline = to_working_crs(layers.redline, crs)
    sources = to_working_crs(layers.sources, crs)
    sites, dropped = assign_clusters(sites, clusters, sites_outside_clusters, str(layers.paths.get("sites", "sites")))
    drawn_ha = np.where(sites.geom_type.isin(POLYGONAL), sites.geometry.area / M2_PER_HA, np.nan)
    declared = sites["usable_area_ha"].to_numpy(dtype=float)
    sites["drawn_area_ha"] = drawn_ha
    sites["gross_land_ha"] = np.where(np.isnan(declared), drawn_ha, declared)
    land, zones = land_after_redline(sites, redline, products, rule)
    distance = road_distance_km(sites, sources, detour_factor) if len(sources) else pd.DataFrame(
        index=sites["id"].to_numpy())
    return SpatialResult(
        sites=sites.reset_index(drop=True),
        clusters=clusters,
        sources=sources,
        redline=redline,
        land=land,
        distance_km=distance,
        zones=zones,
        dropped_sites=dropped,
        working_crs=crs.to_string(),
        existing_columns=dict(layers.existing_columns),
    )
