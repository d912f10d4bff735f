"""Spatial preprocessing: cluster assignment, red-line exclusion, usable land and distances.

All geometry work happens in one projected working CRS (metres), which must measure lengths
truly over the study area (scale error at most `MAX_SCALE_ERROR`). A layer in lon/lat is
densified before it is projected: its edges are straight lines in lon/lat (the GeoJSON and GDAL
convention), which are curves in the working CRS. The results are plain DataFrames keyed by
site, product, resource and source ids; nothing here knows of Pyomo.

Areas shown to users as areas (a site's footprint, a red-line polygon's or zone's km2) are
measured on the working CRS's ellipsoid (`ellipsoidal_area_m2`), as a GIS measures them: a
conformal working CRS such as UTM 48N stretches areas by its scale factor squared, up to 0.25 %
at 101.4 E. What the model uses stays in the working CRS, as everything it measures: the share
of a polygon outside a red-line zone is a ratio of two areas of one site, a few km across, over
which UTM 48N's scale factor changes by under 1e-5 a km. Distances between places (site to
source, site to hub, hub to hub and to the gateway) are geodesics on that ellipsoid
(`geodesic_m`), as the hubs' distance to their clusters and the cells' names measure them.
Red-line buffers and setbacks are distances in the working CRS (metres there), which differ from
those on the ellipsoid by its scale factor (UTM 48N at 25 N: -0.04 % on its central meridian,
105 E, +0.03 % at Kunming, 102.7 E, +0.4 % at 99 E; `check_study_area` refuses more than
`MAX_SCALE_ERROR` where sites, sources and clusters lie). A buffer's outline also lies inside the
true buffer by up to 7.5e-5 of its distance (`BUFFER_QUAD_SEGS`), for polygon land only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from siting.config.errors import InputError
from siting.config.load import figure_beside, notice_figure, shown_path
from siting.config.schema import SitesLayer, projected_crs_in_metres
from siting.config.units import cut_list, joined
from siting.prepare.layers import (
    LONLAT_MAX_SEGMENT_DEG,
    POLYGONAL,
    LayerSet,
    area_m2,
    area_text,
    ellipsoidal_area_m2,
    named_features,
    read_as,
    to_working_crs,
)

M2_PER_HA = 10_000.0
#: Largest accepted scale error of the working CRS over the study area (0.5 %).
MAX_SCALE_ERROR = 0.005
#: A site this close to a cluster (m, working CRS) belongs to it: on its boundary, or off it
#: by the rounding of coordinates.
CLUSTER_TOLERANCE_M = 1.0
#: Two points this close (m, working CRS) are the same place, 0 km apart: a site standing on a
#: source (or on its cluster's hub) whose coordinates differ from it only by the rounding of
#: coordinates and projection, such as a polygon site drawn about the source's point, whose point
#: on surface lies a few centimetres off it once the outline is densified and projected.
SAME_PLACE_M = 1.0
#: Sample points per side of the study area's lon/lat box for the scale check.
SCALE_SAMPLES = 7
#: Segments per quarter circle in buffers. The buffer's outline has its vertices on the true
#: circle and its chords inside it, by at most d (1 - cos(pi / (4 x 64))) = 7.5e-5 d: 0.75 m at
#: 10 km, 0.38 m at 5 km (16 a quarter left 12 m at 10 km). Point sites do not use the outline:
#: their test is the exact distance (`land_after_redline`).
BUFFER_QUAD_SEGS = 64


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

    sites: one row per kept site (index `id`): name, cluster, kind (PARK for a site of the sites
        layer, CELL for a candidate cell, after the parks), gross_land_ha (the declared usable
        area, or the drawn area on the ellipsoid: `drawn_area_ha`), footprint_ha (a polygon's
        or a cell's area on the ellipsoid; NaN for a point), geometry in the working CRS. Land
        is measured on the ellipsoid, not in the working CRS, whose areas are off by its areal
        scale, so that no site's usable land exceeds its footprint.
    land: one row per (site, product): land_after_redline_ha, inside_redline (bool).
    distance_km: site x source road distance (geodesic on the ellipsoid x detour factor).
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
    #: One row per cluster (`id`, geometry: its hub point in the working CRS).
    hubs: gpd.GeoDataFrame | None = None
    #: The gateway point in the working CRS (None without one).
    gateway: shapely.Point | None = None
    #: Road km from each site to its cluster's hub.
    site_hub_km: Mapping[str, float] = field(default_factory=dict)
    #: Road km between hubs (c, c2), c != c2, both orders.
    hub_hub_km: Mapping[tuple[str, str], float] = field(default_factory=dict)
    #: Road km from each cluster's hub to the gateway.
    hub_gateway_km: Mapping[str, float] = field(default_factory=dict)
    #: The notices of the preprocessing (a site on the border of a cluster it does not join:
    #: `assign_clusters`), naming the files of `notice_paths` by their whole paths (as
    #: `siting.prepare.layers.file_notice` takes them).
    notices: tuple[str, ...] = ()
    notice_paths: tuple[Path, ...] = ()


def working_crs_of(name: str, where: str | None = None, key: str = "spatial.working_crs") -> pyproj.CRS:
    """The working CRS named in the scenario (`where` and `key`, for messages): known, projected and
    in metres, checked as the scenario schema checks it (`projected_crs_in_metres`)."""
    try:
        return projected_crs_in_metres(name)
    except ValueError as exc:
        at = f"{where}: " if where else ""
        raise InputError([f"{at}{key} | {exc} (got {name!r})"]) from None


def _lonlat_bounds(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    if not len(frame) or frame.crs is None:
        return None
    bounds = frame.to_crs("EPSG:4326").total_bounds if not frame.crs.is_geographic else frame.total_bounds
    values = tuple(float(v) for v in bounds)
    return values if all(np.isfinite(values)) else None  # type: ignore[return-value]


def _utm_suggestion(lon: float, lat: float) -> str:
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone} (UTM zone {zone}{'N' if lat >= 0 else 'S'})"


def _inside(bounds: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    west, south, east, north = area
    if west > east:  # an area of use across the antimeridian
        return south <= bounds[1] and bounds[3] <= north
    return west <= bounds[0] and bounds[2] <= east and south <= bounds[1] and bounds[3] <= north


def check_study_area(layers: LayerSet, crs: pyproj.CRS, name: str, where: str | None = None,
                     key: str = "spatial.working_crs") -> None:
    """Refuse a working CRS that does not measure lengths truly over the study area.

    The study area is the lon/lat box of the clusters, sites and sources (where land is
    measured and distances run; red-line polygons far away do not count). The meridional and
    parallel scale factors of `crs` are sampled over it; an error above MAX_SCALE_ERROR
    (EPSG:3857 has 10 % in Yunnan) is refused, naming the UTM zone to use. A lon/lat layer whose
    coordinates lie outside the CRS's area of use but would fit it swapped is named first."""
    problems = []
    area = crs.area_of_use.bounds if crs.area_of_use is not None else None
    boxes = []
    for role in ("clusters", "sites", "sources", "redline"):
        frame = getattr(layers, role)
        bounds = _lonlat_bounds(frame)
        if bounds is None:
            continue
        if role != "redline":
            boxes.append(bounds)
        swapped = (bounds[1], bounds[0], bounds[3], bounds[2])
        if area is not None and frame.crs.is_geographic and not _inside(bounds, area) and _inside(swapped, area):
            path = shown_path(layers.paths[role]) if role in layers.paths else role
            problems.append(f"{path}: geometry | the {role} layer's coordinates lie outside the area of "
                            f"{name} (got x {bounds[0]:.6g} to {bounds[2]:.6g}, y {bounds[1]:.6g} to "
                            f"{bounds[3]:.6g}), but would lie inside it swapped; put longitude first "
                            "(x = longitude, y = latitude)")
    if problems:
        raise InputError(problems)
    if not boxes:
        return
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    lons, lats = np.meshgrid(np.linspace(west, east, SCALE_SAMPLES), np.linspace(south, north, SCALE_SAMPLES))
    try:
        factors = pyproj.Proj(crs).get_factors(lons.ravel(), lats.ravel())
        scales = np.concatenate([np.asarray(factors.meridional_scale), np.asarray(factors.parallel_scale)])
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError):
        scales = np.array([np.nan])
    error = float(np.max(np.abs(scales - 1.0))) if np.isfinite(scales).all() else float("inf")
    if error > MAX_SCALE_ERROR:
        shown = f"{error:.1%}" if np.isfinite(error) else "unbounded"
        at = f"{where}: " if where else ""
        raise InputError([f"{at}{key} | {name} does not measure lengths truly over the study area "
                          f"({west:.2f} to {east:.2f} E, {south:.2f} to {north:.2f} N): its scale error there "
                          f"reaches {shown}, more than {MAX_SCALE_ERROR:.1%}, and every buffer, area and distance "
                          f"would be off by as much; use a CRS made for the area, such as "
                          f"{_utm_suggestion((west + east) / 2, (south + north) / 2)}"
                          f"{_stretching_features(layers, crs, name)}"])


def _box_scale_error(crs: pyproj.CRS, box: tuple[float, float, float, float]) -> float:
    """The largest scale error of `crs` (a share) sampled over the lon/lat box (west, south, east,
    north), as `check_study_area` samples it; inf where it cannot project."""
    lons, lats = np.meshgrid(np.linspace(box[0], box[2], SCALE_SAMPLES), np.linspace(box[1], box[3], SCALE_SAMPLES))
    try:
        factors = pyproj.Proj(crs).get_factors(lons.ravel(), lats.ravel())
        scales = np.concatenate([np.asarray(factors.meridional_scale), np.asarray(factors.parallel_scale)])
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError):
        return float("inf")
    return float(np.max(np.abs(scales - 1.0))) if np.isfinite(scales).all() else float("inf")


def _stretching_features(layers: LayerSet, crs: pyproj.CRS, name: str) -> str:
    """For `check_study_area`'s message: the one feature of the clusters, sites and sources
    without which `crs` would measure truly over the others' lon/lat box (by layer file, place in
    the file and id, with its lon/lat), which stretches the study area and is likely misplaced;
    "" when there is none (the CRS is wrong for the area itself, or two or more features stretch
    it)."""
    features: list[tuple[str, int, tuple[float, float, float, float]]] = []
    for role in ("clusters", "sites", "sources"):
        frame = getattr(layers, role)
        if not len(frame) or frame.crs is None:
            continue
        lonlat = frame.to_crs("EPSG:4326") if not frame.crs.is_geographic else frame
        for row, bounds in enumerate(shapely.bounds(lonlat.geometry.to_numpy())):
            if np.isfinite(bounds).all():
                features.append((role, row, tuple(float(v) for v in bounds)))
    if len(features) < 2:
        return ""
    boxes = np.array([f[2] for f in features])
    extremes = {int(np.argmin(boxes[:, 0])), int(np.argmin(boxes[:, 1])), int(np.argmax(boxes[:, 2])),
                int(np.argmax(boxes[:, 3]))}
    causes = []
    for i in sorted(extremes):
        rest = np.delete(boxes, i, axis=0)
        box = (rest[:, 0].min(), rest[:, 1].min(), rest[:, 2].max(), rest[:, 3].max())
        if _box_scale_error(crs, box) <= MAX_SCALE_ERROR:
            causes.append(i)
    if len(causes) != 1:
        return ""
    role, row, (west, south, east, north) = features[causes[0]]
    frame = getattr(layers, role)
    path = shown_path(layers.paths[role]) if role in layers.paths else role
    ids = list(frame["id"]) if "id" in frame.columns else None
    place = (f"{west:.2f} E, {south:.2f} N" if (west, south) == (east, north) else
             f"{west:.2f} to {east:.2f} E, {south:.2f} to {north:.2f} N")
    id_field = layers.id_fields.get(role, "id")
    return (f"; the study area reaches that far for {path}: {named_features([row], ids, id_field)} at {place}, without "
            f"which {name} would measure truly over the other features: if it is misplaced, correct its coordinates")


#: A red-line polygon over whose lon/lat box the working CRS stretches a length more than this
#: many times (or shrinks it below its inverse), or whose area there is that far off its area on
#: the ellipsoid, is not projected truly: a transverse Mercator CRS such as UTM 48N tears and
#: folds what lies 90 degrees or more from its central meridian, so a polygon reaching that far
#: loses the sites it holds. Over China's box (73 to 135 E, 18 to 54 N) UTM 48N stretches
#: lengths by at most 1.2; the study area itself is held to 0.5 % (`check_study_area`).
MAX_REDLINE_STRETCH = 2.0


def _stretches(crs: pyproj.CRS, boxes: np.ndarray) -> np.ndarray:
    """The largest factor by which `crs` stretches or shrinks a length over each lon/lat box of
    `boxes` (shape (n, 4): west, south, east, north; each sampled as `check_study_area` samples
    the study area, all in one call to PROJ): shape (n,), inf where a sample cannot be projected."""
    steps = np.linspace(0.0, 1.0, SCALE_SAMPLES)
    south, north = np.maximum(boxes[:, 1], -89.9), np.minimum(boxes[:, 3], 89.9)
    lons = boxes[:, [0]] + np.outer(boxes[:, 2] - boxes[:, 0], steps)  # (n, S)
    lats = south[:, None] + np.outer(north - south, steps)
    lons, lats = np.repeat(lons, SCALE_SAMPLES, axis=1), np.tile(lats, (1, SCALE_SAMPLES))  # (n, S * S)
    try:
        factors = pyproj.Proj(crs).get_factors(lons.ravel(), lats.ravel())
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError):
        return np.full(len(boxes), np.inf)
    scales = np.hstack([np.asarray(factors.meridional_scale, dtype=float).reshape(lons.shape),
                        np.asarray(factors.parallel_scale, dtype=float).reshape(lons.shape)])
    with np.errstate(divide="ignore", invalid="ignore"):
        stretch = np.maximum(scales.max(axis=1), 1.0 / scales.min(axis=1))
    bad = ~np.isfinite(scales).all(axis=1) | (scales <= 0).any(axis=1)
    return np.where(bad, np.inf, stretch)


def redline_projection_problems(drawn: gpd.GeoDataFrame, projected: gpd.GeoDataFrame, crs: pyproj.CRS,
                                name: str, path: str, id_field: str = "id") -> list[str]:
    """A problem for each red-line polygon of `drawn` (as read, in its CRS) that the working CRS
    `crs` (named `name`; `projected` holds the same features in it) cannot project truly: over
    its lon/lat box `crs` stretches lengths by more than `MAX_REDLINE_STRETCH`, or cannot project
    a point, or the polygon's area there is off its area on the ellipsoid by more than that
    factor. The sites inside such a polygon may be found outside it, and so planned as if no red
    line stood there. `path` names the layer's file and `id_field` the field of its ids (zone_id),
    by which a polygon is named; polygons of no area are left alone."""
    if not len(drawn) or drawn.crs is None or projected.crs is None or drawn.crs == crs:
        return []  # drawn in the working CRS itself: nothing is projected
    geoms = drawn.geometry.to_numpy()
    lonlat = geoms if drawn.crs.is_geographic else gpd.GeoSeries(geoms, crs=drawn.crs).to_crs("EPSG:4326").to_numpy()
    bounds = shapely.bounds(lonlat)  # (n, 4), NaN for an empty or missing geometry
    measured = np.isfinite(bounds).all(axis=1)
    if not measured.any():
        return []
    layer_box = np.array([[bounds[measured, 0].min(), bounds[measured, 1].min(), bounds[measured, 2].max(),
                           bounds[measured, 3].max()]])
    if float(_stretches(crs, layer_box)[0]) <= MAX_REDLINE_STRETCH ** 0.5:
        # Over the whole layer's box (one sample of 49 points, whatever the layer's size) no length
        # is stretched or shrunk more than sqrt(MAX): no polygon's length more than MAX, and no area
        # more than MAX (an area's factor is the product of two lengths' factors)
        return []
    if drawn.crs.is_geographic:  # its edges straight in lon/lat, as to_working_crs draws them
        true_m2 = area_m2(shapely.segmentize(geoms, LONLAT_MAX_SEGMENT_DEG), drawn.crs)
    else:
        true_m2 = ellipsoidal_area_m2(geoms, drawn.crs)
    plane_m2 = area_m2(projected.geometry.to_numpy(), projected.crs)
    if true_m2 is None or plane_m2 is None:
        return []
    ids = list(drawn["id"]) if "id" in drawn.columns else None
    problems = []
    stretches = np.full(len(bounds), np.inf)
    stretches[measured] = _stretches(crs, bounds[measured])
    for row, (true, plane, geometry) in enumerate(zip(true_m2, plane_m2, lonlat, strict=True)):
        if geometry is None or geometry.is_empty or not true > 0:
            continue
        west, south, east, north = (float(v) for v in bounds[row])
        stretch = float(stretches[row])
        ratio = plane / true if np.isfinite(plane) else float("inf")
        if stretch <= MAX_REDLINE_STRETCH and 1.0 / MAX_REDLINE_STRETCH <= ratio <= MAX_REDLINE_STRETCH:
            continue
        why = (f"over its extent ({west:.2f} to {east:.2f} E, {south:.2f} to {north:.2f} N) {name} "
               + (f"stretches lengths up to {stretch:.3g} times" if np.isfinite(stretch) else
                  "cannot project every point"))
        if stretch <= MAX_REDLINE_STRETCH:
            why = (f"its area there, {plane / 1e6:,.0f} km2, is {ratio:.2g} times its area on the ellipsoid, "
                   f"{true / 1e6:,.0f} km2")
        problems.append(f"{path}: geometry | {named_features([row], ids, id_field)} cannot be projected truly into "
                        f"the working CRS {name}: {why}, so the sites it holds may not be found in it; clip the "
                        "red-line layer to the study area and its surroundings (in QGIS, Vector > Geoprocessing "
                        "Tools > Clip), or split the polygon")
    return problems


def _lonlat_text(bounds: tuple[float, float, float, float]) -> str:
    """A lon/lat box (west, south, east, north) as the messages on extents write it."""
    west, south, east, north = bounds
    return f"{west:.2f} to {east:.2f} E, {south:.2f} to {north:.2f} N"


def far_redline_notices(layers: LayerSet, redline: gpd.GeoDataFrame, placed: Sequence[gpd.GeoDataFrame],
                        rule: RedlineSettings, path: str) -> list[str]:
    """A notice when the red-line rule is on and no polygon of the red-line layer (`redline`, in
    the working CRS; `layers.redline` as read) comes within the rule's largest distance (its
    buffer or any setback, m) of the study area's box in the working CRS (`placed`: the clusters,
    sites and sources there, the features `check_study_area` takes): the rule then excludes no
    site, which a layer of another region or coordinates in another CRS than the file declares
    would do in silence. A notice, not a refusal: a study area may lie clear of every protected
    area. One polygon near is enough for silence, so a province's layer with most polygons far
    from the clusters passes. It names the file (`path`, whole, as `SpatialResult.notices` name
    files), the study area's and the layer's lon/lat boxes and the layer's declared CRS."""
    if not rule.enabled or not len(redline) or layers.redline.crs is None:
        return []
    geoms = redline.geometry.to_numpy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    boxes = [shapely.bounds(frame.geometry.to_numpy()) for frame in placed if len(frame)]
    corners = np.vstack(boxes) if boxes else np.empty((0, 4))
    corners = corners[np.isfinite(corners).all(axis=1)]
    if not present.any() or not len(corners):
        return []
    reach = max([rule.buffer_m, *(m for by_category in rule.setbacks_m.values() for m in by_category.values())])
    area = shapely.box(corners[:, 0].min() - reach, corners[:, 1].min() - reach,
                       corners[:, 2].max() + reach, corners[:, 3].max() + reach)
    if shapely.intersects(geoms[present], area).any():
        return []
    lonlat = [b for b in (_lonlat_bounds(getattr(layers, role)) for role in ("clusters", "sites", "sources"))
              if b is not None]
    layer_box = _lonlat_bounds(layers.redline)
    if not lonlat or layer_box is None:
        return []
    study = (min(b[0] for b in lonlat), min(b[1] for b in lonlat), max(b[2] for b in lonlat), max(b[3] for b in lonlat))
    within = (f"comes within {notice_figure(reach)} m (the largest buffer or setback of constraints.redline) of"
              if reach > 0 else "reaches")
    count = int(present.sum())
    lies = f"the layer's {count:,} feature{' lies' if count == 1 else 's lie'}"
    declared = layers.redline.crs.to_string()
    return [f"{path}: geometry | no red-line polygon {within} the study area (the box of the clusters, sites and "
            f"sources: {_lonlat_text(study)}), so the red line excludes no site: {lies} at {_lonlat_text(layer_box)} "
            f"(in {declared}, as the file declares); a red-line layer of another region, or coordinates in another "
            "CRS than the file declares? Give the study area's red-line polygons, in the CRS the file declares, or "
            "set constraints.redline.enabled: false for a plan without a red line"]


#: How many point sites the problem of usable land above the cluster's area names.
POINT_LAND_SHOWN = 5


def point_land_problems(drawn: gpd.GeoDataFrame, placed: gpd.GeoDataFrame, clusters: gpd.GeoDataFrame,
                        crs: pyproj.CRS, sites_path: str, layer: SitesLayer) -> list[str]:
    """A problem naming the point sites whose usable area (ha) exceeds the whole area of the
    cluster they join, each with both areas in ha: a point site's land lies in its cluster, so more
    of it is a figure in another unit (m2 typed for ha) or a slip of digits. The cluster's area is
    measured on the ellipsoid, as a polygon site's `footprint_ha` is (`ellipsoidal_area_m2`).
    `drawn`: the sites in the file's order (working CRS); `placed`: those `assign_clusters` placed,
    with their `cluster`; `clusters` in the working CRS `crs`; `sites_path` names the file and
    `layer` its fields."""
    if "usable_area_ha" not in placed.columns or not len(placed):
        return []
    area = dict(zip(clusters["id"], ellipsoidal_area_m2(clusters.geometry.to_numpy(), crs), strict=True))
    row_of = {site: row for row, site in enumerate(drawn["id"])}
    with np.errstate(over="ignore"):
        usable = pd.to_numeric(placed["usable_area_ha"], errors="coerce").to_numpy(dtype=float) * M2_PER_HA
    ids = list(drawn["id"])
    each = []
    for site, cluster, geometry, m2 in zip(placed["id"], placed["cluster"], placed.geometry, usable, strict=True):
        whole = area.get(cluster, np.nan)
        if geometry is None or geometry.geom_type != "Point" or not (np.isfinite(m2) and m2 > whole):
            continue
        usable_ha = ha_beside(m2 / M2_PER_HA, whole / M2_PER_HA)
        each.append(f"{named_features([row_of[site]], ids, layer.id_field)}: {usable_ha} usable in "
                    f"cluster '{cluster}' of {area_text(whole, 'ha')}")
    if not each:
        return []
    named = cut_list(each, POINT_LAND_SHOWN)
    return [f"{sites_path}: field '{layer.usable_area_field}' | more usable land than the whole area of the site's "
            f"cluster for {named}; a point site's usable land lies in its cluster: give it in ha (a figure in m2 is "
            f"{M2_PER_HA:,.0f} times too large: 300,000 m2 is 30 ha), or draw the site's outline as a polygon"]


def ha_beside(ha: float, limit_ha: float) -> str:
    """An area of `ha` hectares as `area_text` writes it, or, where that would read as the
    threshold `limit_ha` it is compared with or on its other side (10,000.4 ha is "10,000 ha"),
    with the digits that tell it from it (`figure_beside`)."""
    shown = area_text(ha * M2_PER_HA, "ha")
    read = float(shown.split()[0].replace(",", ""))
    if (read > limit_ha) == (ha > limit_ha) and read != limit_ha:
        return shown
    return f"{figure_beside(ha, limit_ha)} ha"


def as_in_file(layer: SitesLayer, path: Path | str | None) -> SitesLayer:
    """`layer` naming its fields as the sites file at `path` names them: a shapefile's cut names
    (siting/prepare/layers.py `read_as`), so that a message names the field the user's attribute
    table shows; `layer` itself without a path or for another kind of file."""
    return read_as(Path(path), layer, [])[0] if path is not None else layer


#: Usable land (ha) at one point site above which a notice takes the figure for one in m2
#: (`point_land_notices`): more than any one industrial park offers (the shipped parks: 36 to 1,278
#: ha), and a slip a cluster the size of a prefecture (Kunming: 2.1 million ha) does not refuse.
POINT_USABLE_NOTICE_HA = 10_000.0


def point_land_notices(placed: gpd.GeoDataFrame, drawn_ids: Sequence[str], sites_path: str,
                       layer: SitesLayer) -> list[str]:
    """A notice naming the point sites of `placed` (placed in their clusters, with `usable_area_ha`)
    with more than POINT_USABLE_NOTICE_HA of usable land, likely typed in m2; a notice, not a
    refusal (`point_land_problems` refuses more than the cluster's area). `drawn_ids`: the sites'
    ids in the file's order, which names them; `sites_path` names the file and `layer` its fields.
    The figures follow the sites, cut where their names are: past POINT_LAND_SHOWN, "and N more"."""
    if "usable_area_ha" not in placed.columns or not len(placed):
        return []
    usable = pd.to_numeric(placed["usable_area_ha"], errors="coerce").to_numpy(dtype=float)
    point = np.array([g is not None and g.geom_type == "Point" for g in placed.geometry], dtype=bool)
    large = point & np.isfinite(usable) & (usable > POINT_USABLE_NOTICE_HA)
    if not large.any():
        return []
    row_of = {site: row for row, site in enumerate(drawn_ids)}
    rows = [row_of[site] for site in placed["id"].to_numpy()[large]]
    figures = cut_list([ha_beside(v, POINT_USABLE_NOTICE_HA) for v in usable[large]], POINT_LAND_SHOWN, ", ")
    return [f"{sites_path}: field '{layer.usable_area_field}' | more than {POINT_USABLE_NOTICE_HA:,.0f} ha usable at "
            f"a point site for {named_features(rows, list(drawn_ids), layer.id_field)} (got {figures}): given in m2? "
            "It is in ha (300,000 m2 is 30 ha); the plan uses the figures as given"]


def assign_clusters(sites: gpd.GeoDataFrame, clusters: gpd.GeoDataFrame, policy: str, sites_path: str,
                    notices: list[str] | None = None, notice_path: str | None = None,
                    clusters_path: str = "clusters") -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """Each site joins the cluster that holds its representative point (working CRS).

    A polygon site is placed by its point on surface (always inside the polygon). A cluster
    holds a point on its edge, or within CLUSTER_TOLERANCE_M of it, inside or out (shapely's
    `dwithin` with that tolerance: a `covers` that takes the rounding of coordinates, where
    `contains` and `within` would leave a point on the edge out); the point lies *inside* a
    cluster when it is farther in than that. Then:

    - a point inside one cluster joins it, whatever other cluster's edge it lies on;
    - a point inside two clusters (more than the tolerance into each) is an error naming both:
      clusters must not overlap; it is the clusters layer's (`clusters_path`, as shown), one per
      set of overlapping clusters, naming the sites inside them (in `sites_path`);
    - a point on the edges of two or more clusters and inside none (their shared edge) joins the
      first of them in the clusters layer;
    - a site in no cluster is an error naming it, or, with policy "drop", is dropped and listed.

    A site that lies on the edge of a cluster other than the one it joins (either of the two
    cases above that join one of several) is said in a notice (added to `notices`), naming the
    site (with its name, when the sites have one), the clusters, the one it joins and by which
    rule; `notice_path` names the sites file there (by default `sites_path`). A point on the
    edge of one cluster alone joins it without a word: no other can hold it."""
    points = shapely.point_on_surface(sites.geometry.to_numpy())
    cluster_geoms = clusters.geometry.to_numpy()
    tree = shapely.STRtree(cluster_geoms)
    site_idx, cluster_idx = tree.query(points, predicate="dwithin", distance=CLUSTER_TOLERANCE_M)
    near: dict[int, list[int]] = {}
    for s, c in sorted(zip(site_idx.tolist(), cluster_idx.tolist(), strict=True)):
        near.setdefault(s, []).append(c)
    cluster_ids = clusters["id"].to_numpy()
    site_ids = sites["id"].to_numpy()
    site_names = sites["name"].to_numpy() if "name" in sites.columns else None
    assigned: list[object] = [None] * len(sites)
    overlaps: dict[tuple[int, ...], list[str]] = {}
    said: list[str] = []
    for s, candidates in sorted(near.items()):
        deep = [c for c in candidates if shapely.contains(cluster_geoms[c], points[s])
                and shapely.distance(shapely.boundary(cluster_geoms[c]), points[s]) > CLUSTER_TOLERANCE_M]
        if len(deep) > 1:
            overlaps.setdefault(tuple(deep), []).append(str(site_ids[s]))
        assigned[s] = cluster_ids[deep[0]] if deep else cluster_ids[candidates[0]]
        if len(candidates) > 1 and len(deep) <= 1:
            name = site_names[s] if site_names is not None else None
            site = repr(str(site_ids[s])) + (f" ({name})" if isinstance(name, str) and name.strip()
                                                   and name != site_ids[s] else "")
            said.append(_border_notice(notice_path or sites_path, site, [str(cluster_ids[c]) for c in candidates],
                                       str(cluster_ids[deep[0]]) if deep else None))
    if overlaps:
        raise InputError([_overlap_problem(clusters_path, [str(cluster_ids[c]) for c in deep], inside, sites_path)
                          for deep, inside in overlaps.items()])
    if notices is not None:
        notices.extend(said)
    out = sites.copy()
    out["cluster"] = assigned
    orphans = tuple(out.loc[out["cluster"].isna(), "id"])
    outside = orphan_problems(orphans, policy, sites_path, clusters_path)
    if outside:
        raise InputError(outside)
    return out.loc[out["cluster"].notna()].copy(), orphans


def _overlap_problem(clusters_path: str, clusters: Sequence[str], sites: Sequence[str], sites_path: str) -> str:
    """The problem of the clusters `clusters` (ids, in layer order) of the file `clusters_path`
    that overlap where the sites `sites` (ids, of the file `sites_path`) lie inside each of them
    (`assign_clusters`)."""
    names = " and ".join(repr(c) for c in clusters)
    where = (f"site {sites[0]} of {sites_path} lies" if len(sites) == 1 else
             f"sites {', '.join(sites)} of {sites_path} lie")
    return (f"{clusters_path}: clusters {names} | overlap: {where} inside "
            f"{'both' if len(clusters) == 2 else 'each of them'}; clusters must not overlap: correct the cluster "
            "polygons so that each site lies in one")


#: How many sites outside every cluster a problem names before it counts the rest (`orphan_problems`).
ORPHANS_NAMED = 10


def orphan_problems(orphans: Sequence[str], policy: str, sites_path: str,
                    clusters_path: str = "clusters") -> list[str]:
    """The problem of the sites `orphans` (their ids) that lie in no cluster polygon of the file
    `clusters_path`, under the policy `policy` (`spatial.sites_outside_clusters`): with "error",
    one naming them in the sites file `sites_path`, in the number they are, and the fixes; none
    with "drop", or without such sites:

        sites.geojson: site 'far' | lies in no cluster polygon of clusters.geojson; move the site
        inside a cluster, extend a cluster polygon to cover it, remove it, or set
        spatial.sites_outside_clusters: drop to plan without it

    A caller that places the sites with "drop" lists it beside the problems of the sites placed
    (`point_land_problems`), which it would otherwise hide (`assign_clusters` raises it)."""
    if not orphans or policy != "error":
        return []
    sites = joined([repr(str(site)) for site in orphans], ORPHANS_NAMED)
    if len(orphans) == 1:
        named, lies, it, them, polygon = f"site {sites}", "lies", "it", "the site", "a cluster polygon"
    else:
        named, lies, it, them, polygon = f"sites {sites}", "lie", "them", "the sites", "the cluster polygons"
    return [f"{sites_path}: {named} | {lies} in no cluster polygon of {clusters_path}; move {them} inside a "
            f"cluster, extend {polygon} to cover {it}, remove {it}, or set spatial.sites_outside_clusters: drop to "
            f"plan without {it}"]


def _border_notice(path: str, site: str, clusters: Sequence[str], inside: str | None) -> str:
    """The notice of a site (`site`: its id quoted, with its name) on the edge of a cluster it
    does not join (`assign_clusters`): it lies `inside` one cluster and on the edges of the
    others of `clusters` (in layer order), or, with `inside` None, on the edges of all of them,
    and joins the first."""
    tolerance = f"{CLUSTER_TOLERANCE_M:g} m"
    if inside is not None:
        others = [c for c in clusters if c != inside]
        edges = " and ".join(repr(c) for c in others)
        return (f"{path}: site {site} lies inside cluster {inside!r} and on the border of "
                f"cluster{'s' if len(others) > 1 else ''} {edges} (within {tolerance} of "
                f"{'their edges' if len(others) > 1 else 'its edge'}): it joins {inside!r}, the cluster it lies "
                f"inside; if it belongs to {' or '.join(repr(c) for c in others)}, move it inside that cluster")
    names = ", ".join(repr(c) for c in clusters[:-1]) + f" and {clusters[-1]!r}"
    return (f"{path}: site {site} lies on the border of clusters {names} (within {tolerance} of "
            f"each): it joins {clusters[0]!r}, the first of them in the clusters layer; if it belongs to another, "
            "move it inside that cluster")


def buffered_zone(redline: gpd.GeoDataFrame, distance_by_category: Mapping[str, float]) -> shapely.Geometry:
    """Union of each red-line polygon buffered by its category's distance (m)."""
    parts = []
    for category, distance in sorted(distance_by_category.items()):
        geoms = redline.loc[redline["category"] == category].geometry.to_numpy()
        if len(geoms):
            parts.append(shapely.union_all(shapely.buffer(geoms, distance, quad_segs=BUFFER_QUAD_SEGS)))
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _within_distance(geoms: np.ndarray, redline: gpd.GeoDataFrame,
                     distance_by_category: Mapping[str, float]) -> np.ndarray:
    """Per geometry of `geoms`: whether it lies within its category's distance (m, working CRS,
    boundary included) of some red-line polygon of a category of `distance_by_category`: the
    exact test the buffer's outline approximates."""
    found = np.zeros(len(geoms), dtype=bool)
    for category, distance in sorted(distance_by_category.items()):
        polygons = redline.loc[redline["category"] == category].geometry.to_numpy()
        if len(polygons) and len(geoms):
            tree = shapely.STRtree(polygons)
            hits = (tree.query(geoms, predicate="dwithin", distance=float(distance)) if distance > 0
                    else tree.query(geoms, predicate="intersects"))[0]
            found[hits] = True
    return found


def land_after_redline(
    sites: gpd.GeoDataFrame, redline: gpd.GeoDataFrame, products: Sequence[str], rule: RedlineSettings
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Usable land per (site, product) after excluding the product's buffered red-line zone.

    Point site: all of its usable area, or 0 if the point lies within its category's distance of
    a red-line polygon (boundary included), measured exactly (shapely's distance in the working
    CRS, metres), not by containment in the buffer's outline, whose chords lie inside the circle
    (`BUFFER_QUAD_SEGS`). Polygon site: usable area x (area outside the zone / drawn area): only
    the part outside the buffered zones (`buffered_zone`) stays usable. Zones are built from
    every red-line polygon, whether or not it lies in a cluster, so a zone just outside the study
    area still reaches in."""
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
                                    ~_within_distance(geoms, redline, dict(key)))
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


def geodesic_m(a: np.ndarray, b: np.ndarray, crs: pyproj.CRS | str) -> np.ndarray:
    """The distance (m) on the ellipsoid of `crs` (the working CRS) between the points `a` and `b`
    (arrays of points in `crs`, broadcast against each other: a column against a row gives the
    matrix), along the geodesic (pyproj's Geod.inv, GeographicLib: exact to a few nanometres), as
    `siting.prepare.candidates.cell_names` and `siting.prepare.layers.km_to` measure."""
    crs = pyproj.CRS.from_user_input(crs)
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    shape = np.broadcast_shapes(a.shape, b.shape)
    if not np.prod(shape, dtype=int):
        return np.zeros(shape)
    to_lonlat = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)

    def lonlat(points: np.ndarray) -> list[np.ndarray]:  # each point taken to lon/lat once, then broadcast
        lon, lat = to_lonlat.transform(shapely.get_x(points.ravel()), shapely.get_y(points.ravel()))
        return [np.broadcast_to(np.asarray(v, dtype=float).reshape(points.shape), shape).ravel() for v in (lon, lat)]

    metres = crs.get_geod().inv(*lonlat(a), *lonlat(b))[2]
    return np.asarray(metres, dtype=float).reshape(shape)


def road_distance_km(sites: gpd.GeoDataFrame, sources: gpd.GeoDataFrame, detour_factor: float) -> pd.DataFrame:
    """Site x source distance in km: the geodesic on the working CRS's ellipsoid (`geodesic_m`;
    both frames in that CRS), from the site's point on surface, times the detour factor; exactly 0
    where the two are the same place (closer than `SAME_PLACE_M`)."""
    site_pts = shapely.point_on_surface(sites.geometry.to_numpy())
    source_pts = sources.geometry.to_numpy()
    straight_m = geodesic_m(site_pts[:, None], source_pts[None, :], sites.crs)
    straight_m[straight_m < SAME_PLACE_M] = 0.0
    return pd.DataFrame(straight_m / 1000.0 * detour_factor, index=sites["id"].to_numpy(),
                        columns=sources["id"].to_numpy())


def hub_points(clusters: gpd.GeoDataFrame, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Each cluster's hub in the working CRS (`clusters` already in it): the point its `hub_lon`,
    `hub_lat` columns give (WGS84 degrees) when the layer has them and both are given, else the
    representative point of its polygon (a point always inside it, shapely's point_on_surface)."""
    points = shapely.point_on_surface(clusters.geometry.to_numpy())
    if "hub_lon" in clusters.columns and "hub_lat" in clusters.columns:
        lon = clusters["hub_lon"].to_numpy(dtype=float)
        lat = clusters["hub_lat"].to_numpy(dtype=float)
        given = np.isfinite(lon) & np.isfinite(lat)
        if given.any():
            lonlat = gpd.GeoSeries(shapely.points(lon[given], lat[given]), crs="EPSG:4326")
            points[given] = lonlat.to_crs(crs).to_numpy()
    return gpd.GeoDataFrame({"id": clusters["id"].to_numpy()}, geometry=list(points), crs=crs)


def gateway_point(lon: float, lat: float, crs: pyproj.CRS) -> shapely.Point:
    """The gateway (WGS84 lon, lat) in the working CRS."""
    return gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(crs).iloc[0]


def road_km(a: shapely.Point, b: shapely.Point, detour_factor: float, crs: pyproj.CRS | str) -> float:
    """Road km between two points of the working CRS `crs`: the geodesic between them
    (`geodesic_m`) x detour factor; exactly 0 where they are the same place (closer than
    `SAME_PLACE_M`)."""
    straight_m = float(geodesic_m(np.array([a], dtype=object), np.array([b], dtype=object), crs)[0])
    return 0.0 if straight_m < SAME_PLACE_M else straight_m / 1000.0 * detour_factor


def hub_distances(sites: gpd.GeoDataFrame, hubs: gpd.GeoDataFrame, gateway: shapely.Point | None,
                  detour_factor: float) -> tuple[dict[str, float], dict[tuple[str, str], float], dict[str, float]]:
    """(site -> km to its cluster's hub, (hub, hub) -> km for every ordered pair of distinct hubs,
    hub -> km to the gateway, empty without one): geodesics on the working CRS's ellipsoid (the
    CRS of `hubs`, as of `sites` and `gateway`) times the detour factor, a site measured from its
    representative point (as for source arcs)."""
    crs = hubs.crs
    hub_of = dict(zip(hubs["id"], hubs.geometry, strict=True))
    site_pts = shapely.point_on_surface(sites.geometry.to_numpy())
    site_hubs = np.array([hub_of[c] for c in sites["cluster"].tolist()], dtype=object)
    straight_m = geodesic_m(site_pts, site_hubs, crs)  # as `road_km`, for every site at once
    hub_km = np.where(straight_m < SAME_PLACE_M, 0.0, straight_m / 1000.0 * detour_factor)
    site_km = {str(s): km for s, km in zip(sites["id"].tolist(), hub_km.tolist(), strict=True)}
    hub_pts = np.array(list(hub_of.values()), dtype=object)
    ids = [str(c) for c in hub_of]
    pair_m = geodesic_m(hub_pts[:, None], hub_pts[None, :], crs)  # as `road_km`, every pair at once
    pair = np.where(pair_m < SAME_PLACE_M, 0.0, pair_m / 1000.0 * detour_factor)
    pair_km = {(c, c2): float(pair[i, j]) for i, c in enumerate(ids) for j, c2 in enumerate(ids) if i != j}
    gate_km: dict[str, float] = {}
    if gateway:
        gate_m = geodesic_m(hub_pts, np.array([gateway], dtype=object), crs)
        gate_km = {c: 0.0 if m < SAME_PLACE_M else m / 1000.0 * detour_factor
                   for c, m in zip(ids, gate_m.tolist(), strict=True)}
    return site_km, pair_km, gate_km


#: Site kinds: a site of the sites layer (a park), or a candidate cell generated over the clusters.
PARK, CELL = "park", "cell"


def cell_land(cells: gpd.GeoDataFrame, products: Sequence[str]) -> pd.DataFrame:
    """Land per (cell, product) from the cells' usable land (`siting.prepare.candidates`): the
    product's own column `usable_ha_<product>` where its setbacks gave one, else `usable_ha`;
    inside the red line where none is left. The same table `land_after_redline` gives sites."""
    rows = []
    for product in products:
        column = f"usable_ha_{product}" if f"usable_ha_{product}" in cells.columns else "usable_ha"
        usable = cells[column].to_numpy(dtype=float)
        rows.append(pd.DataFrame({"site": cells["id"].to_numpy(), "product": product,
                                  "land_after_redline_ha": usable, "inside_redline": usable <= 0.0}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["site", "product", "land_after_redline_ha", "inside_redline"])


def append_cells(sites: gpd.GeoDataFrame, cells: gpd.GeoDataFrame, existing_columns: Sequence[str]
                 ) -> gpd.GeoDataFrame:
    """The sites (working CRS, clusters assigned) followed by the candidate cells as polygon sites
    of `kind` "cell": named by their `name` (`siting.prepare.candidates.cell_names`), or by their
    id without one when the sites have names, in the cluster they were drawn
    in, their gross land the cell's area, no existing capacity, their cluster's tariff, and the
    cells' land price (sites without a price of their own pay nothing, as without the column)."""
    sites = sites.assign(kind=PARK)
    if not len(cells):
        return sites
    table = pd.DataFrame({
        "id": cells["id"].to_numpy(),
        "cluster": cells["cluster"].to_numpy(),
        "kind": CELL,
        "usable_area_ha": np.nan,
        "drawn_area_ha": cells["gross_ha"].to_numpy(dtype=float),
        "gross_land_ha": cells["gross_ha"].to_numpy(dtype=float),
    })
    if "name" in sites.columns or "name" in cells.columns:
        table["name"] = (cells["name"] if "name" in cells.columns else cells["id"]).to_numpy()
    for column in existing_columns:
        table[column] = 0.0
    if "land_price_yuan_per_ha" in cells.columns:
        table["land_price_yuan_per_ha"] = cells["land_price_yuan_per_ha"].to_numpy(dtype=float)
        if "land_price_yuan_per_ha" not in sites.columns:
            sites = sites.assign(land_price_yuan_per_ha=0.0)
    frame = gpd.GeoDataFrame(table, geometry=cells.geometry.to_numpy(), crs=sites.crs)
    return gpd.GeoDataFrame(pd.concat([sites, frame], ignore_index=True), geometry="geometry", crs=sites.crs)


def preprocess(layers: LayerSet, products: Sequence[str], rule: RedlineSettings, working_crs: str,
               sites_outside_clusters: str, detour_factor: float, scenario_file: str | None = None,
               gateway_lonlat: tuple[float, float] | None = None,
               cells: gpd.GeoDataFrame | None = None, crs_key: str = "spatial.working_crs",
               sites_layer: SitesLayer | None = None) -> SpatialResult:
    """Project every layer to the working CRS and derive land, exclusions and distances, the
    clusters' hubs and the km of the hub network (to the gateway at `gateway_lonlat`, WGS84).

    `cells` (working CRS, from `siting.prepare.candidates.generate_candidates`, with an optional
    `land_price_yuan_per_ha` column) are appended to the sites (`append_cells`), with their land
    per product from their own usable land (`cell_land`); distances are measured for sites and
    cells alike. `scenario_file` (file and line) and `crs_key` (the key as the user gave it, e.g.
    "--set spatial.working_crs") name the working CRS in messages about it. A point site with
    more usable land than its cluster's whole area is refused (`point_land_problems`; its fields
    named as `sites_layer` names them, by default the defaults')."""
    crs = working_crs_of(working_crs, scenario_file, crs_key)
    check_study_area(layers, crs, working_crs, scenario_file, crs_key)
    clusters = to_working_crs(layers.clusters, crs)
    sites = to_working_crs(layers.sites, crs)
    redline = to_working_crs(layers.redline, crs)
    sources = to_working_crs(layers.sources, crs)
    redline_path = layers.paths.get("redline")
    folded = redline_projection_problems(layers.redline, redline, crs, working_crs,
                                         shown_path(redline_path) if redline_path is not None else "redline",
                                         layers.id_fields.get("redline", "id"))
    if folded:
        raise InputError(folded)
    notices: list[str] = []
    sites_path = layers.paths.get("sites")
    # placed with "drop", so that a site outside every cluster hides no other site's problem
    clusters_path = layers.paths.get("clusters")
    sites, dropped = assign_clusters(sites, clusters, "drop",
                                     shown_path(sites_path) if sites_path is not None else "sites", notices,
                                     str(sites_path) if sites_path is not None else None,
                                     shown_path(clusters_path) if clusters_path is not None else "clusters")
    land_problems = orphan_problems(dropped, sites_outside_clusters,
                                    shown_path(sites_path) if sites_path is not None else "sites",
                                    shown_path(clusters_path) if clusters_path is not None else "clusters")
    land_problems += point_land_problems(to_working_crs(layers.sites, crs), sites, clusters, crs,
                                         shown_path(sites_path) if sites_path is not None else "sites",
                                         as_in_file(sites_layer or SitesLayer(path="sites"), sites_path))
    if land_problems:
        raise InputError(land_problems)
    notices += far_redline_notices(layers, redline, (clusters, sites, sources), rule,
                                   str(redline_path) if redline_path is not None else "redline")
    notices += point_land_notices(sites, list(to_working_crs(layers.sites, crs)["id"]),
                                  shown_path(sites_path) if sites_path is not None else "sites",
                                  as_in_file(sites_layer or SitesLayer(path="sites"), sites_path))
    # on the ellipsoid, as footprint_ha and a GIS measure it: the working CRS's own areas are off by its
    # areal scale (+0.06 % at Kunming in UTM 48N, up to 1 % in a CRS check_study_area accepts)
    footprint_ha = ellipsoidal_area_m2(sites.geometry.to_numpy(), crs) / M2_PER_HA  # NaN for a point
    drawn_ha = np.where(sites.geom_type.isin(POLYGONAL), footprint_ha, np.nan)
    declared = sites["usable_area_ha"].to_numpy(dtype=float)
    sites["drawn_area_ha"] = drawn_ha
    sites["gross_land_ha"] = np.where(np.isnan(declared), drawn_ha, declared)
    land, zones = land_after_redline(sites, redline, products, rule)
    if cells is not None:
        sites = append_cells(sites, to_working_crs(cells, crs), list(layers.existing_columns.values()))
        land = pd.concat([land, cell_land(cells, products)], ignore_index=True)
    else:
        sites = sites.assign(kind=PARK)
    # the sites' footprints as measured above, then the cells' (appended after them)
    sites["footprint_ha"] = np.concatenate([footprint_ha, ellipsoidal_area_m2(
        sites.geometry.to_numpy()[len(footprint_ha):], crs) / M2_PER_HA])
    distance = road_distance_km(sites, sources, detour_factor) if len(sources) else pd.DataFrame(
        index=sites["id"].to_numpy())
    hubs = hub_points(clusters, crs)
    gateway = gateway_point(*gateway_lonlat, crs) if gateway_lonlat is not None else None
    site_km, pair_km, gate_km = hub_distances(sites, hubs, gateway, detour_factor)
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
        hubs=hubs,
        gateway=gateway,
        site_hub_km=site_km,
        hub_hub_km=pair_km,
        hub_gateway_km=gate_km,
        notices=tuple(notices),
        notice_paths=tuple(p for p in (sites_path, redline_path) if p is not None),
    )
