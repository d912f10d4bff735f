"""GeoJSON (RFC 7946) and JSON text: geometries in WGS84 with rounded coordinates, numbers
formatted, keys sorted. Writers are our own so that the same plan gives byte-identical files
(sorted, rounded, no timestamps)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely

#: 6 decimals of a degree is about 0.1 m on the ground.
COORDINATE_DECIMALS = 6

WGS84 = "EPSG:4326"


def rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    """`values` (a float array of any shape) each rounded exactly as Python's `round(v, decimals)`
    rounds it (to the float nearest the decimal rounded half to even from the value's exact
    binary value), without a Python call per value.

    numpy's rint(v * 10**decimals) / 10**decimals gives that same float wherever the scaled
    product, which may be off by half a unit in its last place, lies farther than two such units
    from a half: its whole part is then certain, and the division by an exact power of ten is
    correctly rounded, as Python's conversion back from decimal is. The few values nearer a half
    (and NaN, infinities, values too large to have a fraction) are rounded by Python itself, and
    so is every value where 10**decimals is not an exact float (`decimals` below 0 or above 22)."""
    values = np.asarray(values, dtype=np.float64)
    if not 0 <= decimals <= 22:
        return np.array([round(v, decimals) for v in values.ravel().tolist()], dtype=np.float64).reshape(values.shape)
    scale = 10.0 ** decimals
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = values * scale
        whole = np.rint(scaled)
        result = whole / scale
        doubtful = ~(0.5 - np.abs(scaled - whole) > 2 * np.abs(np.spacing(scaled)))
    if doubtful.any():
        result[doubtful] = [round(v, decimals) for v in values[doubtful].tolist()]
    return result


#: Geometry type ids (`shapely.get_type_id`) whose GeoJSON `coordinates` `coordinate_lists` gives.
_SIMPLE_TYPES = {0: "Point", 1: "LineString", 3: "Polygon"}
_MULTI_TYPES = {4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}


def coordinate_lists(geometries: Sequence[shapely.Geometry] | np.ndarray, decimals: int | None = None
                     ) -> list[Any] | None:
    """Each geometry's GeoJSON `coordinates` as nested lists of floats, nested as
    `shapely.geometry.mapping` nests them (a point [x, y], a line or a ring a list of points, a
    polygon a list of rings, a multi-part geometry a list of its parts), x and y only, rounded to
    `decimals` (see `rounded`) when given. None when a geometry is missing, empty, has a z
    coordinate or is not a point, line or polygon (single or multi-part): the caller then maps
    those one by one."""
    array = np.asarray(geometries, dtype=object).ravel()
    if not len(array):
        return []
    types = shapely.get_type_id(array)
    if (not np.isin(types, [*_SIMPLE_TYPES, *_MULTI_TYPES]).all() or shapely.is_empty(array).any()
            or shapely.has_z(array).any()):
        return None
    xy = shapely.get_coordinates(array)
    points = (rounded(xy, decimals) if decimals is not None else xy).tolist()
    parts, owners = shapely.get_parts(array, return_index=True)
    part_types = shapely.get_type_id(parts)
    polygonal = part_types == 3
    ring_sizes = iter(shapely.get_num_coordinates(shapely.get_rings(parts[polygonal])).tolist())
    ring_counts = iter((shapely.get_num_interior_rings(parts[polygonal]) + 1).tolist())
    part_sizes = shapely.get_num_coordinates(parts).tolist()
    nested: list[list[Any]] = [[] for _ in array]
    start = 0
    for owner, part_type, size in zip(owners.tolist(), part_types.tolist(), part_sizes, strict=True):
        if part_type == 0:
            nested[owner].append(points[start])
        elif part_type == 1:
            nested[owner].append(points[start:start + size])
        else:
            rings = []
            ring_start = start
            for _ in range(next(ring_counts)):
                ring_size = next(ring_sizes)
                rings.append(points[ring_start:ring_start + ring_size])
                ring_start += ring_size
            nested[owner].append(rings)
        start += size
    return [parts_of if kind in _MULTI_TYPES else parts_of[0] for kind, parts_of in zip(types.tolist(), nested,
                                                                                     strict=True)]


def normalised_geometries(geometries: Sequence[shapely.Geometry] | np.ndarray) -> np.ndarray:
    """The geometries exactly as GeoJSON writes them (`geometry_json`), as an object array:
    polygons oriented (exterior rings counter-clockwise, holes clockwise), x and y rounded to
    COORDINATE_DECIMALS, z dropped."""
    array = np.array(geometries, dtype=object).ravel()
    if not len(array):
        return array
    polygonal = np.isin(shapely.get_type_id(array), [3, 6])
    if polygonal.any():
        array[polygonal] = shapely.orient_polygons(array[polygonal], exterior_cw=False)
    flat = shapely.force_2d(array)
    return shapely.transform(flat, lambda xy: rounded(xy, COORDINATE_DECIMALS))


def geometry_json(geometry: shapely.Geometry) -> dict[str, Any]:
    """RFC 7946 geometry: counter-clockwise exterior rings, clockwise holes, rounded lon/lat."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    coordinates = coordinate_lists([geometry], COORDINATE_DECIMALS)
    if coordinates is None:
        mapped = shapely.geometry.mapping(geometry)
        return {"type": mapped["type"], "coordinates": _round_coords(mapped["coordinates"])}
    return {"type": geometry.geom_type, "coordinates": coordinates[0]}


def _round_coords(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), COORDINATE_DECIMALS) for c in coords[:2]]
    return [_round_coords(c) for c in coords]


def format_number(value: float) -> str:
    """Whole numbers without exponent or decimals, others to 9 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.9g}"


def json_text(data: Mapping[str, Any]) -> str:
    """Indented JSON text; NaN and Infinity are refused (ValueError), as strict JSON has neither."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"


def lines_between(origins: Iterable[shapely.Geometry], ends: Iterable[shapely.Geometry]) -> list[shapely.Geometry]:
    return [shapely.LineString([a, b]) for a, b in zip(origins, ends, strict=True)]
