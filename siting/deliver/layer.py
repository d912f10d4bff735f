"""Typed output layers, and their GeoJSON text (RFC 7946).

An `OutputLayer` is what every writer (GeoJSON, GeoPackage, QGIS style, map) works from, so
that the same layer has the same features, fields and coordinates in every file:
- WGS84 longitude/latitude, rounded to `COORDINATE_DECIMALS` (about 0.1 m), exterior rings
  counter-clockwise and holes clockwise (RFC 7946 section 3.1.6);
- one geometry type per layer: Polygon and MultiPolygon in one layer become MultiPolygon (and
  the same for lines and points); a layer that mixes points with polygons is refused, since no
  file format QGIS reads well can hold both (the caller decides, see `siting.deliver.layers.plan_layers`);
- one declared kind per field (string, integer, real, boolean), every value coerced to it: QGIS
  reads a GeoJSON property that is a number in one feature and a string in another as NULL;
- every geometry valid as written: a polygon that rounding made invalid is repaired on the
  rounded grid, and a geometry that rounding collapses (a sliver, a line of no length) is left
  out with a notice in `OutputLayer.notices`;
- every real field at the precision its name says it is measured to (`field_precision`): land
  (`*_ha`) and road distance (`km`, `*_km`) to 0.1, tonnes and product units (`units`,
  `tonnes_*`, `*_t_*`, `added_*`, `capacity_*`, `existing_*`, `committed_*`) to whole units,
  each with more decimals only where a value is too small to keep 3 (land, distance) or 4
  (amounts) significant digits;
  money (`*_yuan`) and every other field as computed. The CSV tables keep 9 significant digits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# How the layers join a list of ids in one attribute value, and read it back: siting/config/units.py.
from siting.config.units import ID_LIST_SEPARATOR as ID_LIST_SEPARATOR
from siting.config.units import id_items as id_items
from siting.config.units import id_list as id_list
from siting.deliver.geojson import COORDINATE_DECIMALS, WGS84, coordinate_lists, normalised_geometries

FieldKind = Literal["string", "integer", "real", "boolean"]


@dataclass(frozen=True)
class Precision:
    """How finely a real field is delivered: to `decimals` decimals, or to `significant`
    significant digits where that is finer (a small value keeps its figures)."""

    decimals: int
    significant: int

    def round(self, value: float) -> float:
        """`value` rounded: 19.4967946 -> 19.5 and 0.1450708 -> 0.145 at (1, 3); 888221.073 ->
        888221.0 and 2.5163 -> 2.516 at (0, 4). Zero and non-finite values are returned as they are."""
        if value == 0 or not math.isfinite(value):
            return value
        magnitude = math.floor(math.log10(abs(value)))
        rounded = round(value, max(self.decimals, self.significant - 1 - magnitude))
        return rounded if rounded != 0 else 0.0


#: Land in ha and road km: 0.1 (100 m, 1,000 m2), 3 significant digits below 10.
MEASURE = Precision(1, 3)
#: Tonnes and product units per year: whole units, 4 significant digits below 1,000.
AMOUNT = Precision(0, 4)
#: Name prefixes of the fields holding tonnes or product units.
AMOUNT_PREFIXES = ("tonnes_", "added_", "capacity_", "shipped_t_", "on_site_t_", "existing_", "committed_")


def field_precision(name: str) -> Precision | None:
    """The precision a real field named `name` is delivered to: MEASURE for land (`*_ha`) and
    road km (`km`, `*_km`), AMOUNT for tonnes and product units (`units`, `supply_t_per_yr` and
    the `AMOUNT_PREFIXES`); None (as computed) for money (`*_yuan`) and the rest."""
    lowered = name.lower()
    if lowered.endswith("_yuan"):
        return None
    if lowered.endswith("_ha") or lowered == "km" or lowered.endswith("_km"):
        return MEASURE
    if lowered in ("units", "supply_t_per_yr") or lowered.startswith(AMOUNT_PREFIXES):
        return AMOUNT
    return None

#: Geometry families and their multi-part type; a layer mixing two families is refused.
_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}
_FAMILY = {**{k: k for k in _MULTI}, **{v: k for k, v in _MULTI.items()}}


@dataclass(frozen=True)
class OutputLayer:
    """One output layer, ready to write.

    name: file base name and GeoPackage table (`sites` -> sites.geojson, sites.qml).
    title: what a person reads in a legend or a report.
    frame: WGS84 GeoDataFrame with exactly the `fields` columns plus `geometry`, values already
        coerced to their kinds and geometries already normalised (see `make_layer`).
    fields: (name, kind) in column order; the first is always `id`.
    geometry_type: the one geometry type of every feature (also for an empty layer).
    """

    name: str
    title: str
    frame: gpd.GeoDataFrame
    fields: tuple[tuple[str, FieldKind], ...]
    geometry_type: str
    notices: tuple[str, ...] = ()
    """What was left out or repaired because coordinate rounding made a geometry invalid."""

    @property
    def field_names(self) -> list[str]:
        return [name for name, _kind in self.fields]

    @cached_property
    def _columns(self) -> dict[str, list[Any]]:
        """The columns `column` has read so far (name -> values), kept with the layer."""
        return {}

    def column(self, name: str) -> list[Any]:
        """`frame[name].tolist()`: the column's values in the frame's order, read from the frame
        once per layer and kept (a GeoDataFrame's column costs some 50 us to read, and an export
        reads each layer's fields for its GeoJSON, its style and several times for the web map).
        The list is the layer's own: not to be changed, as the frame is not once the layer is made.
        Raises KeyError where the frame has no column `name`."""
        found = self._columns.get(name)
        if found is None:
            found = self._columns[name] = self.frame[name].tolist()
        return found

    def rows(self, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """`records(self.frame, columns)`, each column read once per layer (`column`): each
        feature's fields as a new dict of `columns` (every column of the frame but `geometry`
        where None), in the frame's order."""
        names = [c for c in self.frame.columns if c != "geometry"] if columns is None else list(columns)
        return [dict(zip(names, row, strict=True)) for row in zip(*(self.column(c) for c in names), strict=True)]


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Each row of `frame` as a dict of `columns` (name -> value), in the frame's order: what
    `frame[columns].to_dict("records")` gives for an output layer's frame (its values as
    `make_layer` coerced them), read column by column rather than row by row, several times
    faster on a wide layer."""
    return [dict(zip(columns, row, strict=True)) for row in zip(*(frame[c].tolist() for c in columns), strict=True)]


def geo_frame(data: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | pd.DataFrame,
              geometry: Sequence[shapely.Geometry | None] | np.ndarray, crs: Any) -> gpd.GeoDataFrame:
    """The GeoDataFrame `gpd.GeoDataFrame(data, geometry=geometry, crs=crs)` makes: `data`'s
    columns (a mapping of columns, a list of rows or a DataFrame, as pandas reads it), then a
    `geometry` column of `geometry` (one geometry or None per row) in `crs` (anything
    pyproj reads, or None). Made in about a third of the time (0.4 ms against 1.2 ms for a
    small layer): geopandas, given the geometry apart, sets a column the frame does not hold
    yet and first builds, then drops, an error message listing the frame's columns by dtype.
    Raises ValueError where `data` has a `geometry` column or `geometry` has not one value per
    row."""
    table = pd.DataFrame(data)
    if "geometry" in table.columns:
        raise ValueError("geo_frame: the data already has a 'geometry' column")
    if len(geometry) != len(table):
        raise ValueError(f"geo_frame: {len(geometry)} geometries for {len(table)} rows")
    table["geometry"] = gpd.array.from_shapely(geometry, crs=crs)
    return gpd.GeoDataFrame(table, geometry="geometry", crs=crs, copy=False)


def infer_kind(values: pd.Series) -> FieldKind:
    """The narrowest kind that holds every non-null value (an empty column is a string)."""
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "integer"
    if pd.api.types.is_float_dtype(values):
        return "real"
    present = [v for v in values if not _is_null(v)]
    if present and all(isinstance(v, (bool, np.bool_)) for v in present):
        return "boolean"
    numbers = [v for v in present if isinstance(v, (int, float, np.integer, np.floating))
               and not isinstance(v, (bool, np.bool_))]
    if present and len(numbers) == len(present):
        return "integer" if all(isinstance(v, (int, np.integer)) for v in numbers) else "real"
    return "string"


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and math.isnan(value))


def coerce(value: Any, kind: FieldKind, precision: Precision | None = None) -> Any:
    """`value` as a plain Python value of `kind`, a real one rounded to `precision` when given;
    null (None, NaN) stays None."""
    if _is_null(value):
        return None
    if kind == "string":
        return str(value)
    if kind == "integer":
        return int(value)
    if kind == "real":
        return precision.round(float(value)) if precision is not None else float(value)
    return bool(value)


def normalised_geometry(geometry: shapely.Geometry) -> shapely.Geometry:
    """The geometry exactly as GeoJSON writes it: oriented and rounded (WGS84 input)."""
    return normalised_geometries([geometry])[0]


def written_geometry(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """`geometry` as written (oriented, rounded), made valid if rounding broke it; None when
    nothing valid of its own family is left (a polygon collapsed to a line, a line to a point)."""
    return written_geometries([geometry])[0]


def written_geometries(geometries: Sequence[shapely.Geometry] | np.ndarray) -> list[shapely.Geometry | None]:
    """`written_geometry` of each geometry, normalised all at once (the repair, rarely needed,
    one by one)."""
    originals = np.asarray(geometries, dtype=object).ravel()
    written = normalised_geometries(originals)
    fine = shapely.is_valid(written) & ~shapely.is_empty(written) if len(written) else np.zeros(0, dtype=bool)
    return [w if ok else _repaired(g, w) for g, w, ok in zip(originals, written, fine.tolist(), strict=True)]


def _repaired(geometry: shapely.Geometry, written: shapely.Geometry) -> shapely.Geometry | None:
    """A polygon that rounding (`written`) made invalid or empty, repaired on the rounded grid;
    None when nothing valid of its own family is left."""
    family = _FAMILY.get(geometry.geom_type, geometry.geom_type)
    if family != "Polygon":
        return None
    parts = [g for g in shapely.get_parts(shapely.make_valid(written)) if g.geom_type in ("Polygon", "MultiPolygon")]
    candidates = [shapely.union_all(parts)] if parts else []
    # Snap-rounding onto the written grid (GEOS keeps the result valid), for a narrow polygon that
    # the repair above leaves invalid once rounded again.
    candidates.append(shapely.set_precision(geometry, 10.0 ** -COORDINATE_DECIMALS))
    for candidate in candidates:
        repaired = normalised_geometry(candidate)
        if repaired.is_valid and not repaired.is_empty and repaired.geom_type in ("Polygon", "MultiPolygon"):
            return repaired
    return None


def common_geometry_type(types: Sequence[str], default: str) -> str:
    """The one geometry type for a layer of `types`: single parts promoted to multi where the
    layer mixes them. Raises ValueError when the layer mixes families (points and polygons)."""
    present = sorted(set(types))
    if not present:
        return default
    families = {_FAMILY.get(t, t) for t in present}
    if len(families) > 1:
        raise ValueError(f"a layer cannot mix geometry types {', '.join(present)}")
    return present[0] if len(present) == 1 else _MULTI[families.pop()]


def _as_type(geometry: shapely.Geometry, target: str) -> shapely.Geometry:
    if geometry.geom_type == target:
        return geometry
    return getattr(shapely, target)([geometry])


#: Multi-part type -> the shapely function making multi-part geometries of parts.
_COLLECT = {"MultiPoint": shapely.multipoints, "MultiLineString": shapely.multilinestrings,
            "MultiPolygon": shapely.multipolygons}


def _as_types(geometries: Sequence[shapely.Geometry], target: str) -> list[shapely.Geometry]:
    """Each geometry as `target`: a single part of a multi-part `target` becomes a multi-part
    geometry of one part (as `_as_type` makes it), all of them at once."""
    array = np.asarray(geometries, dtype=object).ravel()
    single = shapely.get_type_id(array) != shapely.GeometryType[target.upper()] if len(array) else np.zeros(0, bool)
    if single.any() and target in _COLLECT:
        array[single] = _COLLECT[target](array[single], indices=np.arange(int(single.sum())))
    elif single.any():
        array[single] = [_as_type(g, target) for g in array[single]]
    return list(array)


def make_layer(name: str, title: str, frame: gpd.GeoDataFrame, columns: Sequence[str],
               kinds: Mapping[str, FieldKind] | None = None, default_geometry: str = "Point") -> OutputLayer:
    """Type, reproject and normalise `frame[columns]` into an OutputLayer.

    `kinds` declares a field's kind (needed for columns of an empty frame); other columns are
    inferred. Real fields are rounded to their `field_precision`. Empty geometries are dropped:
    RFC 7946 readers handle them poorly, and an empty zone says nothing a reader needs."""
    if columns[0] != "id":
        raise ValueError(f"layer {name}: the first field must be 'id' (got {columns[0]!r})")
    # The geometry column read once and reprojected alone: each `frame.geometry` or `frame.crs`
    # builds a GeoSeries, and `frame.to_crs` copies every column.
    geometry = frame.geometry
    if geometry.crs is not None and len(frame) and geometry.crs.to_string() != WGS84:
        geometry = geometry.to_crs(WGS84)
    shapes = geometry.to_numpy()
    present = ~(shapely.is_empty(shapes) | shapely.is_missing(shapes))
    if not present.all():
        frame, shapes = frame.loc[present], shapes[present]
    declared = dict(kinds or {})
    series = {c: frame[c] for c in columns}  # each column read once
    fields = tuple((c, declared.get(c) or infer_kind(series[c])) for c in columns)
    values = {c: column.tolist() for c, column in series.items()}
    written = written_geometries(shapes)
    kept = [g is not None for g in written]
    notices: tuple[str, ...] = ()
    if not all(kept):
        lost = [str(v) for v, k in zip(values["id"], kept, strict=True) if not k]
        notices = (f"{name}: left out {', '.join(lost)}, whose geometry collapses when coordinates are rounded "
                   "to 6 decimals (about 0.1 m)",)
        values = {c: [v for v, k in zip(column, kept, strict=True) if k] for c, column in values.items()}
    geometries = [g for g in written if g is not None]
    geometry_type = common_geometry_type([g.geom_type for g in geometries], default_geometry)
    precision = {c: field_precision(c) if kind == "real" else None for c, kind in fields}
    data = pd.DataFrame({c: [coerce(v, kind, precision[c]) for v in values[c]] for c, kind in fields},
                        dtype=object)  # values kept as coerced: no column made numeric or text by pandas
    typed = geo_frame(data, _as_types(geometries, geometry_type), WGS84)
    return OutputLayer(name, title, typed, fields, geometry_type, notices)


def network_end_name(kind: str, name: str) -> str:
    """A hub's or the gateway's name in words, as the report, the web map and product_flows'
    `from_name` and `to_name` give it: `kind` "hub" -> "<name> hub" ("Kunming hub"; a name that
    ends in "hub" already, in any letter case, as it is: "Dianzhong Hub", not "Dianzhong Hub
    hub"), "gateway" -> "<name> (gateway)" ("Kunming (gateway)"), so that a hub and a gateway of
    one name (the shipped Kunming hub and the gateway at Kunming) are told apart; `name` is the
    hubs layer's `name` (the cluster's name, or the gateway's). Raises ValueError for another
    `kind`."""
    if kind == "hub":
        return name if name.rstrip().casefold().endswith("hub") else f"{name} hub"
    if kind == "gateway":
        return f"{name} (gateway)"
    raise ValueError(f"a network end's kind must be 'hub' or 'gateway', got {kind!r}")


#: The layers whose features name a site, each as (the fields of a site's id, the fields of its
#: name): in every one a site's name is its whole name, as sites.geojson's `name` gives it (the
#: short form, "Yuxi high-tech zone" for "Yuxi high-tech zone, Longquan area", is for the texts
#: and map labels only), and its id is the key to join them on. A product flow's ends are sites,
#: hubs or the gateway; a conflict's place a site or a source.
SITE_NAME_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sites": (("id",), ("name",)), "site_areas": (("id",), ("name",)), "candidate_cells": (("id",), ("name",)),
    "flows": (("site",), ("site_name",)), "product_flows": (("from", "to"), ("from_name", "to_name")),
    "robustness": (("id",), ("name",)), "conflict_sites": (("place",), ("name",)), "diff": (("site",), ("name",)),
}


def _fields_text(fields: Sequence[str]) -> str:
    return " and ".join(f"`{f}`" for f in fields)


def site_join_note(layer_name: str) -> str | None:
    """What a layer naming sites (SITE_NAME_FIELDS) says of how to join it to the other layers,
    for its description: "A site's id (`site`) is the join key across the layers; `site_name` is
    the site's whole name, as sites.geojson's `name`." None for a layer naming no site."""
    if layer_name not in SITE_NAME_FIELDS:
        return None
    ids, names = SITE_NAME_FIELDS[layer_name]
    return (f"A site's id ({_fields_text(ids)}) is the join key across the layers; {_fields_text(names)} "
            f"{'is' if len(names) == 1 else 'are'} the site's whole name, as sites.geojson's `name`.")


def feature_collection_text(layer: OutputLayer) -> str:
    """GeoJSON (RFC 7946) text of a layer: no `crs` member, `id` on every feature, compact.

    A layer without features is a collection without features: RFC 7946 has no member for a
    collection's geometry type, and GDAL (so QGIS) takes a GeoJSON layer's type from its
    features alone, so such a file reads as a table without geometry. plan.gpkg declares every
    layer's `geometry_type` (siting/deliver/geopackage.py `write_layers`), empty or not."""
    names = layer.field_names
    geometries = layer.frame.geometry.to_numpy()
    coordinates = coordinate_lists(geometries)
    if coordinates is None:  # a geometry `coordinate_lists` leaves to shapely's mapping
        coordinates = [_lists(shapely.geometry.mapping(g)["coordinates"]) for g in geometries]
    features = []
    for props, geometry, coords in zip(layer.rows(names), geometries, coordinates, strict=True):
        features.append({"type": "Feature", "id": props["id"], "properties": props,
                         "geometry": {"type": geometry.geom_type, "coordinates": coords}})
    # allow_nan=False: JSON has no NaN or Infinity; a non-finite value is a bug, never written.
    return json.dumps({"type": "FeatureCollection", "name": layer.name, "features": features},
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def _lists(coords: Any) -> Any:
    """Shapely's nested tuples as lists, coordinates as floats (already rounded)."""
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [float(c) for c in coords]
    return [_lists(c) for c in coords]


def read_layer(path: Path) -> OutputLayer:
    """The output layer in a GeoJSON file that `feature_collection_text` wrote, as it was
    written: its features in order, each property's value as written (JSON keeps every digit of
    a real, so each value is the layer's own), the coordinates (WGS84, rounded as written) and
    its features' geometry type (Point for a layer without features). The fields' kinds are
    inferred from the values (`infer_kind`); the title is the layer's name. Raises OSError where
    the file cannot be read, ValueError where it is not JSON and KeyError where it holds no
    features."""
    return layer_of_text(path.read_text(encoding="utf-8"), path.stem)


def layer_of_text(text: str, stem: str) -> OutputLayer:
    """`read_layer` of a GeoJSON text not yet written (named `stem` where the text gives no
    name)."""
    data = json.loads(text)
    features = data["features"]
    names = list(features[0]["properties"]) if features else ["id"]
    values = pd.DataFrame({n: [f["properties"].get(n) for f in features] for n in names}, dtype=object)
    frame = gpd.GeoDataFrame(values, geometry=[shapely.geometry.shape(f["geometry"]) for f in features], crs=WGS84)
    fields = tuple((n, infer_kind(frame[n])) for n in names)
    kind = features[0]["geometry"]["type"] if features else "Point"
    return OutputLayer(str(data.get("name", stem)), str(data.get("name", stem)), frame, fields, kind)
