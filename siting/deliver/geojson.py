"""GeoJSON (RFC 7946) and JSON text: geometries in WGS84 with rounded coordinates, numbers
formatted, keys sorted. Writers are our own so that the same plan gives byte-identical files
(sorted, rounded, no timestamps)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import shapely

#: 6 decimals of a degree is about 0.1 m on the ground.
COORDINATE_DECIMALS = 6

WGS84 = "EPSG:4326"


def _round_coords(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), COORDINATE_DECIMALS) for c in coords[:2]]
    return [_round_coords(c) for c in coords]


def geometry_json(geometry: shapely.Geometry) -> dict[str, Any]:
    """RFC 7946 geometry: counter-clockwise exterior rings, clockwise holes, rounded lon/lat."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    mapped = shapely.geometry.mapping(geometry)
    return {"type": mapped["type"], "coordinates": _round_coords(mapped["coordinates"])}


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
