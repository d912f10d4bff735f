"""Candidate cells from land eligibility: a grid over the clusters, less what the red line excludes.

A `candidates:` block asks for square cells of a given side, or hexagons of an H3 resolution,
over the cluster polygons. Each cell is clipped to its cluster (and to the allowed zone, when one
is given), less the polygons of the sites layer (today's parks: their land is offered once, as the
park's): that polygon is the cell's geometry and its area the cell's gross land. The
buffered red-line zones are those of the red-line rule, built by `spatial.buffered_zone` from the
same distances (`RedlineSettings.distance_m`, the rule's categories): the land outside a zone is
the cell's usable land, exactly as `spatial.land_after_redline` measures a polygon site (area
outside the zone / drawn area x gross land, with gross land the drawn area). Partial cells keep
their usable land; cells whose usable land is below the minimum are dropped.

A block must give between 1 and MAX_CELLS cells. The count is estimated before any cell is drawn
(the clusters' area, within the allowed zone, over a cell's area): a finer grid is refused with
the coarsest setting that stays within the limit. A block that leaves no cell is refused with
the setting that removed them (`no_cell_left`).

All work is on geometry arrays (shapely 2): the cells of a cluster are built as one array,
matched to clusters and zone parts through STRtree queries, and clipped with array intersections
and differences, so no Python loop runs per cell (hexagons aside: the h3 package hands out each
cell's boundary one at a time). Ids and order are deterministic: square cells are numbered on a
grid anchored at the working CRS's origin (column = floor(x / size), row = floor(y / size)), so a
cell keeps its id whatever the extent of the clusters; hexagons are named by their H3 index.

A cell's id is its key; `cell_names` gives each a name a reader can place: its place on the
grid, the context polygon (county) it lies most in, and the distance and direction from the
nearest site of the sites layer.

The block's settings are `siting.config.schema.CandidatesSpec`; `siting.prepare.problem.
candidate_cells` generates the cells of a scenario and `siting.prepare.spatial.append_cells`
makes them sites of the plan.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
from collections.abc import Callable, Sequence

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from siting.config.errors import InputError
from siting.config.schema import AllowedZone, CandidatesSpec
from siting.config.units import site_names
from siting.prepare.spatial import CLUSTER_TOLERANCE_M, M2_PER_HA, RedlineSettings, buffered_zone, to_working_crs

#: The most candidate cells a scenario may ask for: the estimate of a finer grid is refused before
#: any cell is drawn (a 10 m grid over a few thousand km2 would be tens of millions of cells).
MAX_CELLS = 200_000
#: Grid cells are generated in blocks of at most this many boxes per cluster (bounds the memory of
#: a cluster's bounding-box grid).
BLOCK_CELLS = 250_000
#: Cells smaller than this after clipping and cutting (m2, 0.01 ha) are slivers between the edges of
#: layers drawn apart (a cluster's, an allowed zone's, a park's: one hair apart once reprojected),
#: not land (a module takes hectares): they are dropped.
SLIVER_M2 = 100.0
#: Polygonal geometry type ids (Polygon, MultiPolygon) in shapely.
_POLYGONAL_IDS = (3, 6)
#: A buffered zone's distances: (red-line category, distance in m) pairs.
ZoneKey = tuple[tuple[str, float], ...]


def allowed_zone_geometry(frame: gpd.GeoDataFrame, zone: AllowedZone, crs: pyproj.CRS) -> shapely.Geometry:
    """Union, in the working CRS, of the polygons of `frame` that `zone` allows (all, or those whose
    `zone.field` is one of `zone.values`)."""
    if zone.field is not None:
        frame = frame.loc[frame[zone.field].astype(str).isin(zone.values or [])]
    geoms = to_working_crs(frame, crs).geometry.to_numpy()
    geoms = geoms[np.isin(shapely.get_type_id(geoms), _POLYGONAL_IDS)]
    return shapely.union_all(geoms) if len(geoms) else shapely.Polygon()


def site_polygons(sites: gpd.GeoDataFrame, crs: pyproj.CRS,
                  clusters: gpd.GeoDataFrame | None = None) -> shapely.Geometry | None:
    """The union, in the working CRS, of the polygons of the sites layer `sites` (its parks drawn
    as areas), to cut out of the candidate cells; None where no site is a polygon (a park drawn
    as a point has no extent to cut). With `clusters`, only the sites the plan keeps: those whose
    representative point a cluster holds (`spatial.assign_clusters`'s rule, within
    CLUSTER_TOLERANCE_M); a site dropped as outside every cluster offers its land to no one, so
    it cuts nothing."""
    geoms = to_working_crs(sites, crs).geometry.to_numpy() if len(sites) else np.empty(0, dtype=object)
    if clusters is not None and len(geoms):
        areas = to_working_crs(clusters, crs).geometry.to_numpy()
        held, _cluster = shapely.STRtree(areas).query(shapely.point_on_surface(geoms), predicate="dwithin",
                                                      distance=CLUSTER_TOLERANCE_M)
        geoms = geoms[np.unique(held)]
    geoms = geoms[np.isin(shapely.get_type_id(geoms), _POLYGONAL_IDS) & ~shapely.is_empty(geoms)]
    return shapely.union_all(geoms) if len(geoms) else None


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Each geometry reduced to its polygonal part: an intersection that also touches along an
    edge or at a point returns a collection, whose lines and points carry no area."""
    geoms = geoms.copy()
    mixed = np.flatnonzero(~np.isin(shapely.get_type_id(geoms), _POLYGONAL_IDS))
    if len(mixed):
        parts, owner = shapely.get_parts(geoms[mixed], return_index=True)
        keep = shapely.get_type_id(parts) == 3
        rebuilt = np.full(len(mixed), shapely.Polygon(), dtype=object)
        if keep.any():
            owners = np.unique(owner[keep])
            multi = shapely.multipolygons(parts[keep], indices=np.searchsorted(owners, owner[keep]))
            rebuilt[owners] = np.where(shapely.get_num_geometries(multi) == 1, shapely.get_geometry(multi, 0), multi)
        geoms[mixed] = rebuilt
    return geoms


def _clip(cells: np.ndarray, region: shapely.Geometry) -> np.ndarray:
    """`cells` clipped to `region`: cells well inside it are kept whole, the others intersected
    with it (empty where they only touch it). The region must be prepared."""
    inside = shapely.contains_properly(region, cells)
    clipped = cells.copy()
    edge = np.flatnonzero(~inside)
    if len(edge):
        clipped[edge] = _polygonal(shapely.intersection(cells[edge], region))
    return clipped


def cut_cells(cells: np.ndarray, taken: shapely.Geometry | None) -> np.ndarray:
    """`cells` less `taken`, a union of polygons (the parks: `site_polygons`; the red line's zone
    common to all products, for the candidate_cells layer's drawing): each cell is
    differenced only with the parts of it it overlaps (matched through an STRtree; the parts of a
    union are disjoint, so gathered into one multipolygon), so a cell none reaches is kept as it
    is; what a cut leaves is reduced to its polygonal part."""
    if taken is None or not len(cells):
        return cells
    parts = shapely.get_parts(taken)
    parts = parts[np.isin(shapely.get_type_id(parts), _POLYGONAL_IDS) & ~shapely.is_empty(parts)]
    if not len(parts):
        return cells
    cell_idx, part_idx = shapely.STRtree(parts).query(cells, predicate="intersects")
    if not len(cell_idx):
        return cells
    order = np.lexsort((part_idx, cell_idx))
    cell_idx, part_idx = cell_idx[order], part_idx[order]
    hit = np.unique(cell_idx)
    local = shapely.multipolygons(parts[part_idx], indices=np.searchsorted(hit, cell_idx))
    out = cells.copy()
    out[hit] = _polygonal(shapely.difference(cells[hit], local))
    return out


def _grid_range(bounds: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """The columns and rows of the grid of side `size` anchored at the origin over `bounds`
    (xmin, ymin, xmax, ymax)."""
    xmin, ymin, xmax, ymax = bounds
    cols = np.arange(np.floor(xmin / size), np.ceil(xmax / size), dtype=np.int64)
    rows = np.arange(np.floor(ymin / size), np.ceil(ymax / size), dtype=np.int64)
    return cols, rows


def _meeting(geom: shapely.Geometry, cols: np.ndarray, rows: np.ndarray,
             size: float) -> tuple[np.ndarray, np.ndarray]:
    """The columns and rows of the grid boxes over `cols` x `rows` that meet `geom` (prepared),
    tested in blocks of rows of at most about BLOCK_CELLS boxes."""
    per_block = max(1, BLOCK_CELLS // max(len(cols), 1))
    out_cols, out_rows = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for start in range(0, len(rows), per_block):  # blocks of rows, not cells
        rr, cc = np.meshgrid(rows[start:start + per_block], cols, indexing="ij")
        rr, cc = rr.ravel(), cc.ravel()
        meets = shapely.intersects(geom, shapely.box(cc * size, rr * size, (cc + 1) * size, (rr + 1) * size))
        out_cols.append(cc[meets])
        out_rows.append(rr[meets])
    return np.concatenate(out_cols), np.concatenate(out_rows)


def _square_cells(region: shapely.Geometry, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Square cells of side `size` on the grid anchored at the origin that meet `region`: their
    boxes, columns and rows, row by row from the south, west to east within a row. A region of
    several parts (an allowed zone of scattered parcels) is gridded part by part, over each part's
    own bounds, where that tests fewer boxes than the grid over the whole region's bounds: the
    number of cells asked for is estimated from the area, and the grid over the bounds of parcels
    far apart would be many times more boxes."""
    parts = shapely.get_parts(region)
    parts = parts[~shapely.is_empty(parts)]
    cols, rows = _grid_range(shapely.bounds(region), size)
    ranges = [_grid_range(b, size) for b in shapely.bounds(parts)]
    if len(parts) > 1 and sum(len(c) * len(r) for c, r in ranges) < len(cols) * len(rows):
        shapely.prepare(parts)
        found = [_meeting(part, c, r, size) for part, (c, r) in zip(parts, ranges, strict=True)]
        keys = np.unique(np.column_stack([np.concatenate([r for _c, r in found]),
                                          np.concatenate([c for c, _r in found])]), axis=0)
        out_rows, out_cols = keys[:, 0], keys[:, 1]  # sorted by row, then column, as below
    else:
        out_cols, out_rows = _meeting(region, cols, rows, size)
    boxes = shapely.box(out_cols * size, out_rows * size, (out_cols + 1) * size, (out_rows + 1) * size)
    return np.asarray(boxes, dtype=object).reshape(-1), out_cols, out_rows


def _hexagon_cells(region: shapely.Geometry, resolution: int, crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    """H3 hexagons of `resolution` that overlap `region` (working CRS): their polygons in the
    working CRS and their H3 indices, sorted by index."""
    import h3
    lonlat = gpd.GeoSeries([region], crs=crs).to_crs("EPSG:4326").iloc[0]
    shapes = [h3.geo_to_h3shape(part) for part in shapely.get_parts(lonlat) if not part.is_empty]
    indices = sorted({c for s in shapes for c in h3.h3shape_to_cells_experimental(s, resolution, contain="overlap")})
    if not indices:
        return np.empty(0, dtype=object), np.empty(0, dtype=object)
    rings = [h3.cell_to_boundary(c) for c in indices]  # (lat, lng) pairs, one call per cell
    counts = np.array([len(r) for r in rings])
    latlng = np.concatenate([np.asarray(r, dtype=float) for r in rings])
    owner = np.repeat(np.arange(len(rings)), counts)
    polygons = shapely.polygons(shapely.linearrings(latlng[:, 1], latlng[:, 0], indices=owner))
    projected = to_working_crs(gpd.GeoDataFrame(geometry=polygons, crs="EPSG:4326"), crs).geometry.to_numpy()
    return projected, np.array(indices, dtype=object)


def _zone_keys(redline: gpd.GeoDataFrame, rule: RedlineSettings,
               products: Sequence[str]) -> tuple[ZoneKey, dict[str, ZoneKey]]:
    """The base zone's distances (the rule's buffer around every counted category) and each
    product's, as `land_after_redline` forms them."""
    categories = sorted(set(redline["category"])) if len(redline) else []
    if rule.categories is not None:
        categories = [c for c in categories if c in rule.categories]
    if not rule.enabled:
        return (), {p: () for p in products}
    base = tuple((c, max(rule.buffer_m, 0.0)) for c in categories)
    return base, {p: tuple((c, rule.distance_m(p, c)) for c in categories) for p in products}


def _usable_m2(cells: np.ndarray, zone: shapely.Geometry) -> np.ndarray:
    """Area of each cell outside `zone` (m2). Cells are matched to the zone's parts through an
    STRtree; a cell is differenced only with the parts it meets, gathered into one multipolygon
    (the parts of a union are disjoint)."""
    area = shapely.area(cells)
    if zone.is_empty or not len(cells):
        return area
    parts = shapely.get_parts(zone)
    cell_idx, part_idx = shapely.STRtree(parts).query(cells, predicate="intersects")
    if not len(cell_idx):
        return area
    order = np.lexsort((part_idx, cell_idx))
    cell_idx, part_idx = cell_idx[order], part_idx[order]
    hit, first = np.unique(cell_idx, return_index=True)
    local = shapely.multipolygons(parts[part_idx], indices=np.searchsorted(hit, cell_idx))
    single = np.diff(np.append(first, len(cell_idx))) == 1
    local[single] = parts[part_idx[first[single]]]
    usable = area.copy()
    usable[hit] = shapely.area(shapely.difference(cells[hit], local))
    return usable


def _number(value: float) -> str:
    """A setting or a figure as written in a message: whole numbers with thousands separators."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,g}"


def _regions(clusters: gpd.GeoDataFrame, allowed: shapely.Geometry | None) -> list[tuple[str, shapely.Geometry]]:
    """Each cluster's id and polygon (working CRS), clipped to `allowed` when given; the clusters
    left empty by the clipping are left out."""
    regions = []
    for cluster_id, region in zip(clusters["id"].astype(str), clusters.geometry.to_numpy(), strict=True):
        if allowed is not None:
            region = _polygonal(np.array([shapely.intersection(region, allowed)], dtype=object))[0]
        if not region.is_empty:
            regions.append((cluster_id, region))
    return regions


def clusters_area_m2(clusters: gpd.GeoDataFrame, allowed: shapely.Geometry | None) -> float:
    """The area in m2 that cells are drawn over: the clusters' polygons (working CRS), clipped to
    `allowed` when given (`_regions`)."""
    return float(sum(region.area for _id, region in _regions(clusters, allowed)))


def estimated_cells(area_m2: float, spec: CandidatesSpec) -> float:
    """About how many cells of `spec` cover `area_m2`: the area over a cell's area (a square of
    `cell_size_m`, or the average H3 hexagon of `h3_resolution`)."""
    if spec.shape == "square":
        return area_m2 / float(spec.cell_size_m or 0.0) ** 2
    import h3
    return area_m2 / float(h3.average_hexagon_area(int(spec.h3_resolution or 0), unit="m^2"))


def check_cell_count(area_m2: float, spec: CandidatesSpec, where: str | None = None,
                     within_zone: bool = False, key: str | None = None) -> None:
    """InputError when the cells of `spec` over `area_m2` (the clusters' area in the working CRS,
    within the allowed zone when `within_zone`) would be more than MAX_CELLS, naming the setting
    (`key`, as the scenario's locator names it, e.g. "--set candidates.cell_size_m"; by default
    its dotted key), the estimate and the finest setting within the limit (square sides rounded
    up to 10 m)."""
    count = estimated_cells(area_m2, spec)
    if count <= MAX_CELLS:
        return
    at = f"{where}: " if where else ""
    over = f"{area_m2 / 1e6:,.0f} km2 of the clusters" + (" within the allowed zone" if within_zone else "")
    what = f"would give about {count:,.0f} cells over the {over}, more than the {MAX_CELLS:,} a scenario may have"
    if spec.shape == "square":
        side = math.ceil(math.sqrt(area_m2 / MAX_CELLS) / 10.0) * 10
        key = key or "candidates.cell_size_m"
        raise InputError([f"{at}{key} | {what} (got {_number(spec.cell_size_m or 0.0)}); use a "
                          f"cell_size_m of at least {side:,} m (or an allowed_zone that keeps less land)"])
    import h3
    coarser = [r for r in range(16) if area_m2 / h3.average_hexagon_area(r, unit="m^2") <= MAX_CELLS]
    finest = max(coarser) if coarser else 0
    key = key or "candidates.h3_resolution"
    raise InputError([f"{at}{key} | {what} (got {spec.h3_resolution}); use an h3_resolution "
                      f"of at most {finest} (or an allowed_zone that keeps less land)"])


def generate_candidates(clusters: gpd.GeoDataFrame, redline: gpd.GeoDataFrame, spec: CandidatesSpec,
                        crs: pyproj.CRS | str, *, rule: RedlineSettings | None = None,
                        products: Sequence[str] = (), allowed: shapely.Geometry | None = None,
                        parks: shapely.Geometry | None = None, where: str | None = None) -> gpd.GeoDataFrame:
    """Candidate cells over `clusters` (columns `id`, geometry), less the buffered `redline`
    (columns `category`, geometry), in the working CRS `crs`.

    `rule` gives the red-line buffer, categories and per-product setbacks (default: the red-line
    polygons themselves, no buffer); `products` are the products whose setbacks are measured;
    `allowed` (working CRS, see `allowed_zone_geometry`) limits the cells further; `parks` (working
    CRS: the sites layer's polygons, `site_polygons`) is cut out of them, so that a park's land is
    offered once, as the park's (points and lines cut nothing). `where` names
    the scenario file in messages: hexagons without the h3 package installed, and more than
    about MAX_CELLS cells (`check_cell_count`, before any is drawn), are an InputError.

    Returns one row per cell, in cluster order then row (south to north) then column (west to
    east) for squares, H3 index for hexagons: `id`, `cluster`, `kind` ("cell"), `gross_ha` (area
    of the cell clipped to its cluster and the allowed zone, less the parks), `usable_ha` (land outside the base
    zone, the rule's buffer around every counted category), `usable_ha_<product>` for each
    product whose setbacks make its zone differ from the base one, and `geometry` (the clipped
    cell). A cell straddling two clusters gives one row per cluster. Cells with no usable land
    for any product, whose largest usable land is below `spec.min_usable_ha`, or smaller than
    SLIVER_M2, are dropped."""
    if spec.shape == "hexagon" and importlib.util.find_spec("h3") is None:
        at = f"{where}: " if where else ""
        raise InputError([f"{at}candidates.shape | hexagonal cells need the h3 package, which is not installed "
                          "(got 'hexagon'); install it (pip install 'siting[candidates]') or use square cells"])
    crs = pyproj.CRS.from_user_input(crs)
    rule = rule or RedlineSettings(enabled=True, buffer_m=0.0, categories=None, setbacks_m={})
    clusters = to_working_crs(clusters, crs)
    redline = to_working_crs(redline, crs)
    regions = _regions(clusters, allowed)
    check_cell_count(sum(region.area for _id, region in regions), spec, where, allowed is not None)
    geoms, ids, cluster_ids = [], [], []
    for cluster_id, region in regions:
        shapely.prepare(region)
        if spec.shape == "square":
            cells, cols, rows = _square_cells(region, float(spec.cell_size_m or 0.0))
            names = [f"{spec.id_prefix}-{cluster_id}-{c}-{r}" for c, r in zip(cols.tolist(), rows.tolist(),
                                                                              strict=True)]
        else:
            cells, index = _hexagon_cells(region, int(spec.h3_resolution or 0), crs)
            names = [f"{spec.id_prefix}-{cluster_id}-{h}" for h in index]
        geoms.append(cut_cells(_clip(cells, region), parks))
        ids.extend(names)
        cluster_ids.extend([cluster_id] * len(cells))
    cells = np.concatenate(geoms) if geoms else np.empty(0, dtype=object)
    frame = gpd.GeoDataFrame({"id": ids, "cluster": cluster_ids, "kind": "cell"}, geometry=cells, crs=crs)
    gross_m2 = shapely.area(cells)
    frame["gross_ha"] = gross_m2 / areal_scale(cells, crs) / M2_PER_HA  # on the ellipsoid, as the sites' land
    base, per_product = _zone_keys(redline, rule, products)
    usable: dict[ZoneKey, np.ndarray] = {}
    for key in [base, *per_product.values()]:
        if key not in usable:
            zone = buffered_zone(redline, dict(key)) if key else shapely.Polygon()
            usable[key] = _usable_m2(cells, zone)
    # As land_after_redline: gross land x (area outside the zone / drawn area).
    drawn = np.where(gross_m2 > 0, gross_m2, 1.0)
    columns = {"usable_ha": frame["gross_ha"].to_numpy() * np.clip(usable[base] / drawn, 0.0, 1.0)}
    for product in sorted(per_product):
        if per_product[product] != base:
            columns[f"usable_ha_{product}"] = frame["gross_ha"].to_numpy() * np.clip(
                usable[per_product[product]] / drawn, 0.0, 1.0)
    for name, values in columns.items():
        frame[name] = values
    # The land some product may use: each product's own column, else the base zone's (which no
    # product uses when every product has setbacks of its own).
    used = _product_columns(list(columns), products)
    largest = np.max(np.column_stack([columns[c] for c in used]), axis=1) if len(frame) else np.empty(0)
    keep = (gross_m2 >= SLIVER_M2) & (largest > 0) & (largest >= spec.min_usable_ha)
    frame = frame.loc[keep].reset_index(drop=True)
    return frame[["id", "cluster", "kind", "gross_ha", *columns, "geometry"]]



def _product_columns(columns: Sequence[str], products: Sequence[str]) -> list[str]:
    """The usable-land columns among `columns` that some product of `products` is measured by:
    `usable_ha_<product>` where its setbacks gave it one, else `usable_ha` (every column's
    `usable_ha` without products), each once, in `columns`' order."""
    if not products:
        return ["usable_ha"]
    used = {f"usable_ha_{p}" if f"usable_ha_{p}" in columns else "usable_ha" for p in products}
    return [c for c in columns if c in used]


def areal_scale(geometries: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """The areal scale of the projected `crs` at each geometry's centroid (working-CRS m2 per m2
    on the ellipsoid, PROJ's `get_factors`), 1 for an empty geometry: a cell's area in the working
    CRS divided by it is its area on the ellipsoid, to within the scale's change across the cell
    (under 1e-6 of it for cells of a few km in UTM)."""
    if not len(geometries):
        return np.ones(0)
    centres = shapely.centroid(geometries)
    known = ~shapely.is_missing(centres) & ~shapely.is_empty(centres)  # a cell clipped to nothing has none
    scale = np.ones(len(geometries))
    if known.any():
        x, y = shapely.get_x(centres[known]), shapely.get_y(centres[known])
        lon, lat = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
        scale[known] = np.asarray(pyproj.Proj(crs).get_factors(lon, lat).areal_scale, dtype=float)
    return scale


def _floored_ha(value: float) -> float:
    """`value` (ha) rounded down to 0.1 ha, or, below 1 ha, to its first two significant digits, so
    that a cell of under a hectare is not given as 0 ha."""
    if value >= 1.0 or value <= 0.0:
        return math.floor(value * 10) / 10
    digits = 1 - math.floor(math.log10(value))
    return math.floor(value * 10**digits) / 10**digits


def _sliver_problem(spec: CandidatesSpec, place: Callable[..., str]) -> str | None:
    """The problem line when every cell of `spec`, whole, is smaller than SLIVER_M2 (and so dropped
    as a sliver), naming the setting (`place`: where and the key of a key under `candidates`) and
    the finest one that keeps cells; None otherwise."""
    floor_ha = SLIVER_M2 / M2_PER_HA
    if spec.shape == "square":
        side = float(spec.cell_size_m or 0.0)
        if side * side >= SLIVER_M2:
            return None
        return (f"{place('cell_size_m')} | gives cells of {side * side:,.4g} m2, below the {SLIVER_M2:,.0f} m2 "
                f"({floor_ha:g} ha) under which a cell is dropped as a sliver, so no cell is left (got "
                f"{_number(side)}); use a cell_size_m of at least {math.ceil(math.sqrt(SLIVER_M2)):,} m")
    import h3
    resolution = int(spec.h3_resolution or 0)
    if h3.average_hexagon_area(resolution, unit="m^2") >= SLIVER_M2:
        return None
    finest = max(r for r in range(16) if h3.average_hexagon_area(r, unit="m^2") >= SLIVER_M2)
    area = h3.average_hexagon_area(resolution, unit="m^2")
    return (f"{place('h3_resolution')} | gives hexagons of about {area:,.3g} m2, below the {SLIVER_M2:,.0f} m2 "
            f"({floor_ha:g} ha) "
            f"under which a cell is dropped as a sliver, so no cell is left (got {resolution}); use an h3_resolution "
            f"of at most {finest}")


def no_cell_left(clusters: gpd.GeoDataFrame, redline: gpd.GeoDataFrame, spec: CandidatesSpec,
                 crs: pyproj.CRS | str, *, rule: RedlineSettings | None = None, products: Sequence[str] = (),
                 allowed: shapely.Geometry | None = None, parks: shapely.Geometry | None = None,
                 where: str | None = None, located: Callable[..., tuple[str, str]] | None = None) -> str:
    """Why `generate_candidates` with these arguments gives no cell, as a problem line naming the
    setting that removed them: the allowed zone (it overlaps no cluster), `min_usable_ha` (above
    the usable land of every cell, with the largest), the parks (they cover the land the red line
    leaves), the products' setbacks (they cover every cell the buffer alone leaves), or the red
    line (its buffered zones cover every cell); the last three are the block's,
    named at `where`. `located` gives (where, key) of a setting under `candidates` as the scenario
    wrote it (`LoadedScenario.at`: its file and line, or the --set that gave it); without it,
    `where` and the dotted key."""
    at = f"{where}: " if where else ""

    def place(*keys: str) -> str:
        if located is not None:
            return ": ".join(located(*keys))
        return f"{at}{'.'.join(('candidates', *keys))}"

    crs = pyproj.CRS.from_user_input(crs)
    if allowed is not None and sum(r.area for _id, r in _regions(to_working_crs(clusters, crs), allowed)) < SLIVER_M2:
        path = spec.allowed_zone.path if spec.allowed_zone is not None else "the allowed zone"
        return (f"{place('allowed_zone')} | does not overlap any cluster, so no cell is left (got "
                f"{str(path)!r}); draw the zone over the clusters, and check that the layer's coordinate system is "
                "the one its coordinates are in")
    sliver = _sliver_problem(spec, place)
    if sliver is not None:
        return sliver
    every = generate_candidates(clusters, redline, spec.model_copy(update={"min_usable_ha": 0.0}), crs, rule=rule,
                                products=products, allowed=allowed, parks=parks, where=where)
    usable = _product_columns([c for c in every.columns if c == "usable_ha" or c.startswith("usable_ha_")], products)
    if len(every):
        largest = _floored_ha(float(every[usable].to_numpy().max()))
        return (f"{place('min_usable_ha')} | is above the usable land of every cell, so no cell is left: the "
                f"largest cell has {_number(largest)} ha usable (got {_number(spec.min_usable_ha)}); use a "
                f"min_usable_ha of at most {_number(largest)}, or larger cells")
    if parks is not None and len(generate_candidates(clusters, redline, spec.model_copy(update={"min_usable_ha": 0.0}),
                                                     crs, rule=rule, products=products, allowed=allowed,
                                                     where=where)):
        where_left = "within the allowed zone" if allowed is not None else "in the clusters"
        advice = ("widen the allowed zone beyond the parks" if allowed is not None
                  else "the parks' land is planned as theirs; nothing is left for cells to add")
        return (f"{at}candidates | no cell is left: the sites layer's polygons (the parks, whose land is theirs) "
                f"cover the land the red line leaves {where_left} (got no cell with usable land outside them); "
                f"{advice}")
    if rule is not None and rule.setbacks_m:
        buffer_only = dataclasses.replace(rule, setbacks_m={})
        left = len(generate_candidates(clusters, redline, spec.model_copy(update={"min_usable_ha": 0.0}), crs,
                                       rule=buffer_only, products=products, allowed=allowed, parks=parks, where=where))
        if left:  # the buffer leaves cells: the products' setbacks, larger, cover them
            where_left = "within the allowed zone" if allowed is not None else "over the clusters"
            return (f"{at}candidates | no cell is left: the products' setbacks of constraints.redline.setbacks_m "
                    f"cover every cell {where_left} for every product, where the buffer alone (buffer_m) would leave "
                    f"{left:,} {'cell' if left == 1 else 'cells'} (got no cell with usable land for any product); "
                    "draw the cells where the setbacks leave land (allowed_zone) or lower "
                    "constraints.redline.setbacks_m")
    return (f"{at}candidates | no cell is left: the red line's zones, with the buffer and setbacks of "
            "constraints.redline, cover every cell over the clusters (got no cell with usable land); draw the cells "
            "where the red line leaves land (allowed_zone) or lower constraints.redline.buffer_m")


#: The eight compass points, clockwise from north, each the bearings within 22.5 degrees of it.
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _given_names(frame: gpd.GeoDataFrame) -> list[str]:
    """Each feature's name, stripped; its id where it has none (no `name` column, or an empty one)."""
    ids = [str(i) for i in frame["id"]]
    if "name" not in frame.columns:
        return ids
    return [str(n).strip() if n is not None and n == n and str(n).strip() else i
            for n, i in zip(frame["name"], ids, strict=True)]


def _largest_overlap(cells: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """For each of `cells` (working CRS), the index of the polygon of `areas` (working CRS) it
    overlaps most, -1 where it overlaps none; of equal overlaps, the first polygon's. A cell well
    inside one polygon is matched without measuring the overlap (`contains_properly`, with the
    polygon prepared); a cell across polygons' edges is measured against each polygon clipped
    to the cell's bounds first, so that the intersection handles a few of the polygon's edges."""
    found = np.full(len(cells), -1, dtype=np.int64)
    keep = np.flatnonzero(np.isin(shapely.get_type_id(areas), _POLYGONAL_IDS) & ~shapely.is_empty(areas))
    if not len(cells) or not len(keep):
        return found
    tree = shapely.STRtree(cells)
    area_idx, cell_idx = tree.query(areas[keep], predicate="contains_properly")
    order = np.lexsort((area_idx, cell_idx))
    cell_idx, area_idx = cell_idx[order], area_idx[order]
    first = np.unique(cell_idx, return_index=True)[1]
    found[cell_idx[first]] = keep[area_idx[first]]
    area_idx, cell_idx = tree.query(areas[keep], predicate="intersects")
    edge = found[cell_idx] < 0
    area_idx, cell_idx = area_idx[edge], cell_idx[edge]
    if len(cell_idx):
        overlap = shapely.area(shapely.intersection(cells[cell_idx], areas[keep][area_idx]))
        hit = overlap > 0
        cell_idx, area_idx, overlap = cell_idx[hit], area_idx[hit], overlap[hit]
        order = np.lexsort((area_idx, -overlap, cell_idx))  # per cell: largest overlap, then first polygon
        cell_idx, area_idx = cell_idx[order], area_idx[order]
        first = np.unique(cell_idx, return_index=True)[1]
        found[cell_idx[first]] = keep[area_idx[first]]
    return found


def cell_names(cells: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, crs: pyproj.CRS | str, *,
               context: gpd.GeoDataFrame | None = None, id_prefix: str = "cell") -> list[str]:
    """A name a reader can place for each of `cells` (from `generate_candidates`: `id`, `cluster`,
    geometry), e.g. "Cell 67-733 in Hongta District (13.4 km N of Yuxi high-tech zone)".

    - "Cell" and the cell's place on its grid: its id less `<id_prefix>-<cluster>-` (column-row
      for squares, the H3 index for hexagons); the id stays the cell's key in every output.
    - "in" the polygon of `context` (the scenario's `layers.context`, e.g. counties: `id`, an
      optional `name`, geometry) that the cell overlaps most (of equal overlaps, the first in the
      layer), by its name (its id without one); left out without a context layer, or for a cell
      that overlaps none of its polygons.
    - In brackets, the distance and direction from the nearest site of `sites` (the sites layer:
      `id`, an optional `name`, geometry), named as map.png and the report name it
      (`site_names`: "Yuxi high-tech zone"). Both points are those the plan measures distances
      from, each geometry's point on surface; the nearest is found in the working CRS `crs` (of
      equal distances, the first in the layer), and the distance and the bearing are measured
      between the two points on the CRS's ellipsoid (geodesic): the distance in km to one
      decimal, the bearing from the site to the cell as one of the eight compass points (from
      true north). A cell whose point rounds to 0.0 km from the site's is "at" it. Left out
      without sites.

    A context or site name is given as the layer spells it, commas included ("Yuanjiang Hani, Yi
    and Dai Autonomous County"): the outputs keep a cell's name whole (`site_names`). Names depend only on the cell and
    the layers, so a cell has the same name in every run of the same layers. `cells` and the
    layers may be in any CRS; all work is on arrays, with no Python loop per cell but the
    strings' formatting."""
    crs = pyproj.CRS.from_user_input(crs)
    cells = to_working_crs(cells, crs)
    geoms = cells.geometry.to_numpy()
    grid = [str(i).removeprefix(f"{id_prefix}-{c}-") for i, c in zip(cells["id"], cells["cluster"], strict=True)]
    where = [""] * len(cells)
    if context is not None and len(context):
        context = to_working_crs(context, crs)
        names = _given_names(context)
        match = _largest_overlap(geoms, context.geometry.to_numpy())
        where = [f" in {names[m]}" if m >= 0 else "" for m in match.tolist()]
    near = [""] * len(cells)
    if sites is not None and len(sites) and len(cells):
        sites = to_working_crs(sites, crs)
        labels = site_names(_given_names(sites), [str(i) for i in sites["id"]])
        site_pts = shapely.point_on_surface(sites.geometry.to_numpy())
        cell_pts = shapely.point_on_surface(geoms)
        cell_idx, site_idx = shapely.STRtree(site_pts).query_nearest(cell_pts, all_matches=True)
        order = np.lexsort((site_idx, cell_idx))
        first = np.unique(cell_idx[order], return_index=True)[1]
        nearest = np.zeros(len(cells), dtype=np.int64)
        nearest[cell_idx[order][first]] = site_idx[order][first]
        to_lonlat = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        slon, slat = to_lonlat.transform(shapely.get_x(site_pts)[nearest], shapely.get_y(site_pts)[nearest])
        clon, clat = to_lonlat.transform(shapely.get_x(cell_pts), shapely.get_y(cell_pts))
        bearing, _back, metres = crs.get_geod().inv(slon, slat, clon, clat)
        km = np.round(np.asarray(metres, dtype=float) / 1000.0, 1)
        point = (np.floor((np.mod(np.asarray(bearing, dtype=float), 360.0) + 22.5) / 45.0).astype(np.int64)) % 8
        near = [f" (at {labels[s]})" if d == 0 else f" ({d:.1f} km {COMPASS[p]} of {labels[s]})"
                for d, p, s in zip(km.tolist(), point.tolist(), nearest.tolist(), strict=True)]
    return [f"Cell {g}{w}{n}" for g, w, n in zip(grid, where, near, strict=True)]
