"""Reading the geographic layers a scenario names, with the checks that make them safe to use.

Each layer is read with pyogrio (one named layer of a file that holds several), must be spatial,
carry a CRS that pyproj can transform, not be empty, have the fields the scenario names, unique
non-empty ids, the right geometry type, coordinates that fit its CRS, and valid geometries
(repaired and reported, or rejected, as the scenario says; a repair that removes much of a
polygon is refused). Numbers must be finite and not negative; red-line categories and source
statuses must be given.

Only the columns the tool uses are kept, under canonical names (`id`, `name`, and the layer's
own: `category`, `resource`, `supply_t_per_yr`, `status`, `usable_area_ha`, `existing_<product>`),
so a layer's other columns, whatever their names, cannot collide with them. Ids, names and
categories are text; a whole number read as a float (`100.0`) is written `100`. A layer's other
text columns (a site's coordinate confidence, its sources, notes) are kept apart, by feature id,
in `LayerSet.text_columns`, for the outputs to carry.

Problems name files as `shown_path` does, and features by their place in the file and their id
(`named_features`): "the 7th feature (site_id 'x')".
"""

from __future__ import annotations

import math
import os
import re
import struct
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from siting.config.errors import InputError
from siting.config.load import LoadedScenario, shown_path
from siting.config.schema import MAX_QUANTITY, AllowedZone, ClustersLayer, LayerRef, SourcesLayer, too_large_message

POLYGONAL = ("Polygon", "MultiPolygon")
PUNCTUAL = ("Point",)
#: Statuses a source may have; prospective sources count only when the scenario includes them.
SOURCE_STATUSES = ("producing", "prospective")
#: A repair may remove at most this share of a polygon's area (make_valid on a spike or a
#: self-overlap); more means the polygon is not what its author drew.
MAX_REPAIR_AREA_LOSS = 0.01


@dataclass(frozen=True)
class LayerSet:
    """The scenario's layers as GeoDataFrames in their own CRS, with canonical columns."""

    clusters: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    redline: gpd.GeoDataFrame
    sources: gpd.GeoDataFrame
    existing_columns: dict[str, str]
    notices: list[str] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    #: Context polygons for the map (layers.context), or None.
    context: gpd.GeoDataFrame | None = None
    #: The polygons candidate cells must lie in (candidates.allowed_zone), only those its `field`
    #: and `values` select, or None without an allowed zone.
    allowed_zone: gpd.GeoDataFrame | None = None
    #: Per layer role ("sites", "context", ...): the layer's text columns that the tool does not
    #: read, under their names in the file, indexed by feature id (`other_text_columns`).
    text_columns: dict[str, pd.DataFrame] = field(default_factory=dict)


#: GDAL's advice to prefix a path with a driver name: it does not apply to a path in a scenario file.
_DRIVER_ADVICE = re.compile(r"[;.]?\s*It might help to specify the correct driver explicitly.*$", re.DOTALL)


def _gdal_reason(exc: Exception) -> str:
    """GDAL's message for an unreadable file, without its advice on driver prefixes."""
    return _DRIVER_ADVICE.sub("", str(exc)).strip().rstrip(".;") or type(exc).__name__


def read_layer(path: Path, role: str, layer: str | None = None, id_field: str | None = None) -> gpd.GeoDataFrame:
    """Read one spatial layer of a file: the only one, or the one named by `layer`.

    Raises InputError for a missing or unreadable file, a file of several layers without
    `layer` (listing them), an unknown `layer`, a table without geometry (a CSV), and features
    whose geometry cannot be built (an unclosed ring, a non-finite coordinate), each named by
    its `id_field` value."""
    at = shown_path(path)
    if not path.exists():
        raise InputError([f"{at}: {role} layer not found; check layers.{role}.path in the scenario "
                          "(relative paths start at the scenario file)"])
    try:
        listed = pyogrio.list_layers(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError([f"{at}: cannot read the {role} layer ({_gdal_reason(exc)}); is it a GeoJSON, "
                          "GeoPackage or shapefile?"]) from None
    names = [str(row[0]) for row in listed]
    kinds = {str(row[0]): row[1] for row in listed}
    if layer is None and len(names) > 1:
        raise InputError([f"{at}: layers.{role}.layer | the file holds {len(names)} layers ({', '.join(names)}); "
                          f"say which one to read with layers.{role}.layer"])
    if layer is not None and layer not in kinds:
        raise InputError([f"{at}: layers.{role}.layer | no layer of that name in the file (got {layer!r}); use "
                          f"one of: {', '.join(names)}"])
    chosen = layer if layer is not None else (names[0] if names else None)
    if chosen is None or kinds.get(chosen) is None:
        raise InputError([f"{at}: layers.{role}.path | the file has no geometry (a table such as a CSV is not a "
                          "map layer); give a GeoJSON, GeoPackage or shapefile"])
    try:
        with warnings.catch_warnings():
            # A column of mixed numbers and text is read as text, which the checks then report.
            warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
            warnings.filterwarnings("ignore", message="Non closed ring detected", category=RuntimeWarning)
            warnings.filterwarnings("ignore", message="invalid value encountered", category=RuntimeWarning)
            frame = gpd.read_file(path, engine="pyogrio", layer=chosen)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError([f"{at}: cannot read the {role} layer ({_gdal_reason(exc)}); is it a GeoJSON, "
                          "GeoPackage or shapefile?"]) from None
    except shapely.errors.GEOSException:
        raise InputError(_unbuildable_features(path, role, chosen, id_field)) from None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError([f"{at}: layers.{role}.path | the file has no geometry (a table such as a CSV is not a "
                          "map layer); give a GeoJSON, GeoPackage or shapefile"])
    return frame


def _wkb_problem(wkb: bytes) -> str | None:
    """What makes a feature's WKB geometry unbuildable: a non-finite coordinate, an unclosed
    ring, or None when neither is found."""
    pos = 0
    found: list[str] = []

    def number(fmt: str) -> float:
        nonlocal pos
        value = struct.unpack_from(fmt, wkb, pos)[0]
        pos += struct.calcsize(fmt)
        return value

    def points(order: str, dims: int) -> list[tuple[float, ...]]:
        count = int(number(order + "I"))
        out = [tuple(number(order + "d") for _ in range(dims)) for _ in range(count)]
        if any(not math.isfinite(v) for p in out for v in p):
            found.append("non-finite coordinate")
        return out

    def geometry() -> None:
        nonlocal pos
        order = "<" if wkb[pos] == 1 else ">"
        pos += 1
        code = int(number(order + "I"))
        dims = 2 + bool(code & 0x80000000) + bool(code & 0x40000000)
        code &= 0x0FFFFFFF
        dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(code // 1000, 0)
        base = code % 1000
        if base == 1:
            values = [number(order + "d") for _ in range(dims)]
            if not all(math.isfinite(v) for v in values):
                found.append("non-finite coordinate")
        elif base == 2:
            points(order, dims)
        elif base == 3:
            for _ in range(int(number(order + "I"))):
                ring = points(order, dims)
                if ring and ring[0][:2] != ring[-1][:2]:
                    found.append("unclosed ring")
        elif base in (4, 5, 6, 7):
            for _ in range(int(number(order + "I"))):
                geometry()

    try:
        geometry()
    except (struct.error, IndexError):
        return "unreadable geometry"
    if "non-finite coordinate" in found:
        return "non-finite coordinate"
    return found[0] if found else None


def _unbuildable_features(path: Path, role: str, layer: str | None, id_field: str | None) -> list[str]:
    """Problems naming the features of a layer whose geometry GEOS cannot build."""
    at = shown_path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        meta, _fids, wkbs, columns = pyogrio.raw.read(path, layer=layer)
    names = [str(n) for n in meta["fields"]]
    ids = text_values(pd.Series(columns[names.index(id_field)], dtype=object)) if id_field in names else None
    problems: list[str] = []
    for row, wkb in enumerate(wkbs):
        if wkb is None:
            continue
        what = _wkb_problem(bytes(wkb))
        if what is None:
            continue
        fix = ("use finite numbers for every coordinate" if what == "non-finite coordinate" else
               "end every ring at its first point" if what == "unclosed ring" else "redraw it")
        article = "an" if what[0] in "aeiou" else "a"
        problems.append(f"{at}: geometry | {named_features([row], ids, id_field)} has {article} "
                        f"{what}; {fix}")
    return problems or [f"{at}: geometry | the {role} layer has a geometry that cannot be built; redraw it"]


def _non_finite(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Per feature: True where a coordinate is NaN or infinite."""
    coords, index = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    bad = np.zeros(len(frame), dtype=bool)
    rows = index[~np.isfinite(coords).all(axis=1)]
    bad[rows] = True
    return bad


def text_values(values: pd.Series) -> list[str | None]:
    """Values as text, None where null; a whole float (a GeoPackage REAL id) without `.0`."""
    out: list[str | None] = []
    for value in values:
        if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)) or value is pd.NA:
            out.append(None)
        elif isinstance(value, (float, np.floating)) and float(value).is_integer():
            out.append(str(int(value)))
        else:
            out.append(str(value))
    return out


def other_text_columns(raw: gpd.GeoDataFrame, checked: gpd.GeoDataFrame, problems: list[str],
                       read: Mapping[str, str], prefix: str | None = None) -> pd.DataFrame:
    """The text columns of a layer as read (`raw`) that the tool does not read (the fields of
    `read`, canonical name -> field, and the columns starting with `prefix`), indexed by the
    checked layer's ids (`checked`: the same features in the same order): each column whose
    every value is text or null and that has some text, null values as None. An empty frame
    when there are none, or when `check_layer` found `problems` (the ids may not be known)."""
    if problems or "id" not in checked.columns:
        return pd.DataFrame()
    ids = pd.Index(list(checked["id"]), dtype=object, name="id")
    kept: dict[str, list[str | None]] = {}
    for column in raw.columns:
        name = str(column)
        if (column == raw.geometry.name or name in read.values() or name in kept
                or (prefix and name.startswith(prefix))):
            continue
        values = [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
                  for v in _column(raw, column)]
        if any(isinstance(v, str) for v in values) and all(v is None or isinstance(v, str) for v in values):
            kept[name] = values
    return pd.DataFrame(kept, index=ids, dtype=object)


def ordinal(n: int) -> str:
    """`n` as an ordinal number: 1st, 2nd, 3rd, 4th, 11th, 12th, 21st, 112th."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def joined(parts: Sequence[str], limit: int = 5) -> str:
    """Phrases joined for a message: "a", "a and b", "a, b and c", or the first `limit` and
    "and N more"."""
    if len(parts) > limit:
        return ", ".join(parts[:limit]) + f" and {len(parts) - limit} more"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def named_features(rows: Iterable[int], ids: Sequence[str | None] | None, id_field: str | None,
                   limit: int = 5) -> str:
    """The features a layer problem is about, for a GIS user to find them: by their place in the
    file, counted from 1 in the order the file holds them (the order of QGIS's attribute table
    before any sorting; not OGR's feature id, which counts from 0 in a GeoJSON), and by their id,
    which may be empty or repeated:

        the 7th feature (site_id 'x')
        the 2nd feature (site_id 'a') and the 7th (site_id empty)
        the 2nd, 5th and 7th features                 (without `ids` or `id_field`)

    `rows` are 0-based places in the file, `ids` the id of each feature of the layer (by place),
    `id_field` the field they come from; past `limit` features, "and N more"."""
    rows = [int(r) for r in rows]
    if ids is None or id_field is None:
        words = [ordinal(r + 1) for r in rows]
        return f"the {words[0]} feature" if len(rows) == 1 else f"the {joined(words, limit)} features"

    def one(row: int) -> str:
        value = ids[row]
        return f"{id_field} {value!r}" if value is not None and str(value).strip() else f"{id_field} empty"

    return joined([f"the {ordinal(r + 1)}" + (" feature" if i == 0 else "") + f" ({one(r)})"
                   for i, r in enumerate(rows)], limit)


def features_where(frame: gpd.GeoDataFrame, where: np.ndarray | pd.Series, id_field: str | None) -> str:
    """`named_features` for the features of a checked layer (`frame`, its features in the file's
    order, ids in its `id` column) where `where` is True."""
    rows = np.flatnonzero(np.asarray(where, dtype=bool))
    return named_features(rows, list(frame["id"]) if "id" in frame.columns else None, id_field)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    column = frame[name]
    return column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column


def _crs_problem(frame: gpd.GeoDataFrame, path: Path, role: str) -> str | None:
    at = shown_path(path)
    if frame.crs is None:
        return (f"{at}: {role} layer | has no CRS; assign one (for GeoJSON, coordinates are WGS84 lon/lat by "
                "RFC 7946; for a shapefile add the .prj)")
    crs = pyproj.CRS.from_user_input(frame.crs)
    known = crs.is_geographic or crs.is_projected
    if known:
        try:
            pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        except pyproj.exceptions.ProjError:
            known = False
    if not known:
        return (f"{at}: {role} layer | its CRS is not a geographic or projected CRS that can be transformed "
                f"(got {crs.name!r}); give the layer a known CRS, such as EPSG:4326 or a UTM zone")
    return None


def lonlat_problem(frame: gpd.GeoDataFrame, path: Path, role: str) -> str | None:
    """A problem when a layer in a geographic CRS has coordinates that cannot be lon/lat."""
    at = shown_path(path)
    if frame.crs is None or not frame.crs.is_geographic or not len(frame):
        return None
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        return (f"{at}: geometry | the {role} layer has coordinates that are not finite numbers; fix the "
                "geometries")
    if max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90:
        return None
    got = f"got x {xmin:.6g} to {xmax:.6g}, y {ymin:.6g} to {ymax:.6g}"
    if max(abs(xmin), abs(xmax)) <= 90 and max(abs(ymin), abs(ymax)) <= 180:
        looks = "the latitude stands first: put longitude first (x = longitude, y = latitude)"
    else:
        looks = ("they look like projected metres: give the layer its true CRS, or reproject it to WGS84 "
                 "longitude/latitude")
    return (f"{at}: geometry | the {role} layer is in {frame.crs.to_string()} but its coordinates cannot be "
            f"longitude/latitude ({got}); {looks}")


def _repair(frame: gpd.GeoDataFrame, invalid: pd.Series, path: Path, geometry_types: tuple[str, ...],
            notices: list[str], problems: list[str], id_field: str | None) -> gpd.GeoDataFrame:
    """Repair invalid geometries; a polygon the repair empties or shrinks by more than
    MAX_REPAIR_AREA_LOSS is a problem, since the repaired shape is not what was drawn. The notice
    of the repair names the file by `path` as it is."""
    at = shown_path(path)
    geoms = frame.geometry
    rows = np.flatnonzero(invalid.to_numpy())
    ids = list(frame["id"])
    reasons = [shapely.is_valid_reason(g) for g in geoms[invalid]]
    repaired = shapely.make_valid(geoms[invalid].to_numpy())
    if geometry_types == POLYGONAL:
        repaired = np.array([_polygonal_part(g) for g in repaired], dtype=object)
        before = shapely.area(geoms[invalid].to_numpy())
        after = shapely.area(repaired)
        for row, reason, old, new in zip(rows, reasons, before, after, strict=True):
            feature = named_features([row], ids, id_field)
            if new <= 0.0:
                problems.append(f"{at}: geometry | repairing {feature} leaves nothing of it ({reason}); "
                                "redraw the polygon")
            elif old > 0.0 and (old - new) / old > MAX_REPAIR_AREA_LOSS:
                problems.append(f"{at}: geometry | repairing {feature} would remove "
                                f"{(old - new) / old:.1%} of its area ({reason}); redraw the polygon")
    frame = frame.copy()
    frame.loc[invalid, "geometry"] = repaired
    geometries = "geometry" if len(rows) == 1 else "geometries"
    first = "" if len(rows) == 1 else " in the first"
    notices.append(f"{path}: repaired the invalid {geometries} of {named_features(rows, ids, id_field)}: "
                   f"{reasons[0]}{first}")
    return frame


def check_layer(
    frame: gpd.GeoDataFrame,
    path: Path,
    role: str,
    fields: dict[str, str],
    geometry_types: tuple[str, ...],
    invalid_geometry: str,
    notices: list[str],
    optional: Mapping[str, str] | None = None,
    prefix: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Check one layer; return it with canonical column names only, and the problems found.

    `fields` maps canonical name -> the layer's field name (from the scenario), each required;
    `optional` the same for fields taken when present; columns starting with `prefix` are kept
    under their own names. Every other column is left out."""
    at = shown_path(path)
    problems: list[str] = []
    crs_problem = _crs_problem(frame, path, role)
    if crs_problem:
        problems.append(crs_problem)
    if len(frame) == 0:
        problems.append(f"{at}: {role} layer | has no features; the layer must not be empty")
        return frame, problems
    missing = [f for f in fields.values() if f not in frame.columns]
    for name in missing:
        problems.append(f"{at}: field '{name}' | missing from the {role} layer (has: "
                        f"{', '.join(str(c) for c in frame.columns if c != 'geometry')}); add it or set "
                        f"layers.{role} to the right field name")
    if missing:
        return frame, problems
    chosen = dict(fields)
    chosen.update({k: v for k, v in (optional or {}).items() if v in frame.columns and k not in chosen})
    data = {canonical: _column(frame, source).to_numpy(dtype=object) for canonical, source in chosen.items()}
    if prefix:
        data.update({str(c): _column(frame, c).to_numpy(dtype=object) for c in frame.columns
                     if str(c).startswith(prefix) and c not in data})
    frame = gpd.GeoDataFrame(pd.DataFrame(data, index=range(len(frame))),
                             geometry=list(frame.geometry), crs=frame.crs)
    id_field = fields["id"] if fields["id"] != _FEATURE_NUMBER else None
    ids = pd.Series(text_values(frame["id"]), dtype=object)
    blank = np.array([v is None or not v.strip() for v in ids])
    if blank.any():
        problems.append(f"{at}: field '{fields['id']}' | empty id in "
                        f"{named_features(np.flatnonzero(blank), None, None)}; every feature needs an id")
    frame["id"] = [v if v is not None else "" for v in ids]
    if "name" in frame.columns:
        frame["name"] = text_values(frame["name"])
    duplicated = sorted(set(frame.loc[frame["id"].duplicated() & ~blank, "id"]))
    if duplicated:
        each = [f"{d!r} ({named_features(np.flatnonzero(frame['id'].to_numpy() == d), None, None)})"
                for d in duplicated]
        shown = joined(each)
        problems.append(f"{at}: field '{fields['id']}' | duplicate id{'s' if len(duplicated) > 1 else ''} "
                        f"{shown}; ids must be unique")
    geoms = frame.geometry
    shape_problems = _shape_problems(frame, path, role, geometry_types, id_field)
    if shape_problems:
        return frame, problems + shape_problems
    if not crs_problem:
        lonlat = lonlat_problem(frame, path, role)
        if lonlat:
            problems.append(lonlat)
            return frame, problems
    invalid = ~geoms.is_valid
    if invalid.any():
        if invalid_geometry == "reject":
            reason = shapely.is_valid_reason(geoms[invalid].iloc[0])
            one = int(invalid.sum()) == 1
            problems.append(f"{at}: geometry | invalid geometry in "
                            f"{features_where(frame, invalid, id_field)}: {reason}{'' if one else ' in the first'}; "
                            f"repair {'it' if one else 'them'} or set spatial.invalid_geometry: repair")
        else:
            frame = _repair(frame, invalid, path, geometry_types, notices, problems, id_field)
    return frame, problems


def _shape_problems(frame: gpd.GeoDataFrame, path: Path, role: str, geometry_types: tuple[str, ...],
                    id_field: str | None) -> list[str]:
    """Features without geometry, with a non-finite coordinate, or of the wrong geometry type."""
    geoms = frame.geometry
    at = shown_path(path)
    empty = (geoms.isna() | geoms.is_empty).to_numpy()
    if empty.any():
        them = "it" if int(empty.sum()) == 1 else "them"
        return [f"{at}: geometry | no geometry in {features_where(frame, empty, id_field)}; remove {them} or draw "
                f"{them}"]
    non_finite = _non_finite(frame)
    if non_finite.any():
        ids = list(frame["id"])
        return [f"{at}: geometry | {named_features([row], ids, id_field)} has a non-finite coordinate; use finite "
                "numbers for every coordinate" for row in np.flatnonzero(non_finite)]
    wrong_type = (~geoms.geom_type.isin(geometry_types)).to_numpy()
    if wrong_type.any():
        return [f"{at}: geometry | {role} must be {' or '.join(geometry_types)} (got "
                f"{geoms[wrong_type].geom_type.iloc[0]} for {features_where(frame, wrong_type, id_field)})"]
    return []


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a repaired geometry (make_valid may return a collection with lines)."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def check_numeric(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, problems: list[str],
                  allow_missing: bool | np.ndarray = False, *, id_field: str | None) -> None:
    """Make `frame[column]` float; a value that is not a finite number from 0 to MAX_QUANTITY is a
    problem naming the features (by `named_features`, their ids from `id_field`). `allow_missing`
    (for all features, or per feature) lets a null through as NaN."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    null = raw.isna().to_numpy()
    missing_ok = np.broadcast_to(np.asarray(allow_missing, dtype=bool), null.shape)
    not_number = values.isna().to_numpy() & ~(null & missing_ok)
    infinite = np.isinf(values.to_numpy())
    negative = (values < 0).to_numpy() & ~infinite
    at = shown_path(path)

    def named(where: np.ndarray) -> str:
        return features_where(frame, where, id_field)

    if not_number.any():
        shown = "null" if null[not_number][0] else repr(raw[not_number].iloc[0])
        problems.append(f"{at}: field '{field_name}' | not a number for {named(not_number)} "
                        f"(got {shown}); use a number")
    if infinite.any():
        first = raw[infinite].iloc[0]
        shown = repr(first) if isinstance(first, str) else f"{float(first):g}"
        problems.append(f"{at}: field '{field_name}' | must be a finite number for {named(infinite)} "
                        f"(got {shown}); use a number")
    if negative.any():
        problems.append(f"{at}: field '{field_name}' | negative for {named(negative)}; "
                        "use a value >= 0")
    too_large = (values > MAX_QUANTITY).to_numpy() & ~infinite
    if too_large.any():
        problems.append(f"{at}: field '{field_name}' | {too_large_message(MAX_QUANTITY)}, for "
                        f"{named(too_large)} (got {float(values[too_large].iloc[0]):g}); give a smaller value")
    frame[column] = values


def _check_text(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, what: str,
                allowed: tuple[str, ...] | None, problems: list[str], *, id_field: str | None) -> None:
    """Make `frame[column]` text; a null value, or one outside `allowed`, is a problem naming the
    features (by `named_features`, their ids from `id_field`)."""
    at = shown_path(path)
    values = text_values(frame[column])
    empty = np.array([v is None or not v.strip() for v in values], dtype=bool)
    if empty.any():
        fix = f"use one of: {', '.join(allowed)}" if allowed else f"give every feature its {what}"
        problems.append(f"{at}: field '{field_name}' | empty {what} in "
                        f"{features_where(frame, empty, id_field)}; {fix}")
    if allowed:
        wrong = np.array([not bad and v not in allowed for v, bad in zip(values, empty, strict=True)], dtype=bool)
        if wrong.any():
            problems.append(f"{at}: field '{field_name}' | unknown {what} in "
                            f"{features_where(frame, wrong, id_field)} (got {values[int(np.argmax(wrong))]!r}); use "
                            f"one of: {', '.join(allowed)}")
    frame[column] = [v if v is not None else "" for v in values]


def _name_field(ref: LayerRef) -> tuple[dict[str, str], dict[str, str]]:
    """(required, optional) name field: required when the scenario sets `name_field`."""
    if "name_field" in ref.model_fields_set:
        return {"name": ref.name_field}, {}
    return {}, {"name": ref.name_field}


def load_layers(loaded: LoadedScenario) -> LayerSet:
    """Read and check every layer; raise one InputError listing all problems."""
    layers, problems, _faulty = read_layers(loaded)
    if problems:
        raise InputError(problems)
    return layers


#: The columns of each layer whose values the scenario refers to (ids, red-line categories, the
#: resources of sources): while they are read whole, a layer's other problems leave them known.
REFERENCED: dict[str, tuple[str, ...]] = {"clusters": ("id",), "sites": ("id",), "redline": ("category",),
                                          "sources": ("resource",), "context": ("id",)}


def referenced_values_known(frame: gpd.GeoDataFrame, role: str) -> bool:
    """Whether the `REFERENCED` columns of a layer of `role` are there with a value in every feature."""
    for column in REFERENCED.get(role, ()):
        if column not in frame.columns or len(frame) == 0:
            return False
        if any(v is None or not v.strip() for v in text_values(frame[column])):
            return False
    return True


def read_layers(loaded: LoadedScenario, allowed_zone: bool = True) -> tuple[LayerSet, list[str], frozenset[str]]:
    """Read and check every layer (the allowed zone of `candidates:` only with `allowed_zone`):
    the layers, every problem found in them, and the roles of the layers ("clusters", "sites",
    "redline", "sources", "context") whose referenced values (`REFERENCED`) are not known for
    their problems: nothing is to be checked against those. A layer with problems
    may be empty or lack columns."""
    scenario = loaded.scenario
    layers = scenario.layers
    policy = scenario.spatial.invalid_geometry
    notices: list[str] = []
    problems: list[str] = []
    paths: dict[str, Path] = {}
    text_columns: dict[str, pd.DataFrame] = {}
    faulty: set[str] = set()

    def checked(role: str, count: int, frame: gpd.GeoDataFrame) -> None:
        """Note `role` as a layer whose referenced values are not known, when problems were found
        since there were `count` and its key columns (`REFERENCED`) are missing or have empty
        values; a problem in another field leaves them known."""
        if len(problems) > count and not referenced_values_known(frame, role):
            faulty.add(role)

    def load(role: str, ref: LayerRef, fields: dict[str, str], types: tuple[str, ...],
             optional: dict[str, str] | None = None, prefix: str | None = None) -> gpd.GeoDataFrame:
        path = loaded.resolve(ref.path)
        paths[role] = path
        try:
            frame = read_layer(path, role, ref.layer, fields.get("id"))
        except InputError as exc:
            problems.extend(exc.problems)
            faulty.add(role)
            return gpd.GeoDataFrame()
        required_name, optional_name = _name_field(ref)
        layer_notices: list[str] = []
        raw = frame
        frame, found = check_layer(frame, path, role, {**fields, **required_name}, types, policy, layer_notices,
                                   {**optional_name, **(optional or {})}, prefix)
        text_columns[role] = other_text_columns(raw, frame, found, {**fields, **required_name, **optional_name,
                                                                    **(optional or {})}, prefix)
        # Notices go into the manifest: name the file as the scenario does, not by machine path.
        shown = Path(os.path.relpath(path, loaded.scenario_path.parent)).as_posix()
        notices.extend(n.replace(str(path), shown, 1) for n in layer_notices)
        count = len(problems)
        problems.extend(found)
        checked(role, count, frame)
        return frame

    named, present = economic_fields(layers.clusters, CLUSTER_FIELDS)
    clusters = load("clusters", layers.clusters, {"id": layers.clusters.id_field, **named}, POLYGONAL, present)
    named, present = economic_fields(layers.sites, SITE_FIELDS)
    sites = load("sites", layers.sites, {"id": layers.sites.id_field, **named}, POLYGONAL + PUNCTUAL,
                 {"usable_area_ha": layers.sites.usable_area_field, **present}, layers.sites.existing_prefix)
    redline = gpd.GeoDataFrame({"id": [], "category": []}, geometry=[], crs="EPSG:4326")
    if layers.redline is not None:
        redline = load("redline", layers.redline,
                       {"id": layers.redline.id_field, "category": layers.redline.category_field}, POLYGONAL)
    sources = gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []},
                               geometry=[], crs="EPSG:4326")
    if layers.sources is not None:
        source_fields = {"id": layers.sources.id_field, "resource": layers.sources.resource_field,
                         "supply_t_per_yr": layers.sources.supply_field}
        if layers.sources.status_field:
            source_fields["status"] = layers.sources.status_field
        sources = load("sources", layers.sources, source_fields, PUNCTUAL)
    context = None
    if layers.context is not None:
        context = load("context", layers.context, {"id": layers.context.id_field}, POLYGONAL)
    existing: dict[str, str] = {}
    if "id" in clusters.columns and len(clusters):
        count = len(problems)
        _cluster_attributes(clusters, paths["clusters"], layers.clusters, problems)
        checked("clusters", count, clusters)
    if "id" in sites.columns and len(sites):
        count = len(problems)
        existing = _site_attributes(sites, paths["sites"], loaded, problems)
        checked("sites", count, sites)
        if "usable_area_ha" in sites.columns:
            notices += _drawn_area_notices(sites, paths["sites"], loaded)
    if "id" in sources.columns and len(sources) and "supply_t_per_yr" in sources.columns and layers.sources is not None:
        count = len(problems)
        _source_attributes(sources, paths["sources"], layers.sources, problems)
        checked("sources", count, sources)
    if "category" in redline.columns and len(redline) and layers.redline is not None:
        count = len(problems)
        _check_text(redline, "category", paths["redline"], layers.redline.category_field, "category", None, problems,
                    id_field=layers.redline.id_field)
        checked("redline", count, redline)
    allowed = None
    candidates = scenario.candidates
    if allowed_zone and candidates is not None and candidates.allowed_zone is not None:
        allowed = _allowed_zone(loaded, candidates.allowed_zone, policy, notices, problems, paths)
    return (LayerSet(clusters, sites, redline, sources, existing, notices, paths, context, allowed, text_columns),
            problems, frozenset(faulty))


#: Column standing in for the id of an allowed-zone polygon (its feature number): the layer needs
#: no id field.
_FEATURE_NUMBER = "__feature__"


def _allowed_zone(loaded: LoadedScenario, zone: AllowedZone, policy: str, notices: list[str], problems: list[str],
                  paths: dict[str, Path]) -> gpd.GeoDataFrame | None:
    """The allowed-zone layer of `candidates:`, checked as every other layer (CRS, geometry type,
    coordinates, valid polygons, repaired or rejected by `spatial.invalid_geometry`), its features
    named by their number; only the polygons whose `field` is one of `values` are kept. Problems
    name the scenario keys under `candidates.allowed_zone`."""
    path = loaded.resolve(zone.path)
    paths["allowed_zone"] = path
    at = shown_path(path)
    found: list[str] = []
    try:
        frame = read_layer(path, "allowed_zone", zone.layer)
    except InputError as exc:
        problems.extend(p.replace("layers.allowed_zone.", "candidates.allowed_zone.") for p in exc.problems)
        return None
    if zone.field is not None and zone.field not in frame.columns:
        problems.append(f"{at}: field '{zone.field}' | missing from the allowed-zone layer (has: "
                        f"{', '.join(str(c) for c in frame.columns if c != 'geometry')}); add it or set "
                        "candidates.allowed_zone.field to the right field name")
        return None
    frame = frame.assign(**{_FEATURE_NUMBER: [str(n + 1) for n in range(len(frame))]})
    fields = {"id": _FEATURE_NUMBER, **({"value": zone.field} if zone.field is not None else {})}
    layer_notices: list[str] = []
    frame, found = check_layer(frame, path, "allowed-zone", fields, POLYGONAL, policy, layer_notices)
    shown = Path(os.path.relpath(path, loaded.scenario_path.parent)).as_posix()
    notices.extend(n.replace(str(path), shown, 1) for n in layer_notices)
    if found:
        problems.extend(found)
        return None
    if zone.field is not None:
        frame["value"] = [v if v is not None else "" for v in text_values(frame["value"])]
        frame = frame.loc[frame["value"].isin(zone.values or [])].reset_index(drop=True)
        if not len(frame):
            problems.append(f"{at}: field '{zone.field}' | no polygon of the allowed-zone layer has one of the "
                            f"values candidates.allowed_zone.values (got {zone.values}); give values the field "
                            "holds")
            return None
    return frame


#: Canonical column -> the setting naming its field, in the clusters and the sites layer (a
#: site's own tariff is `site_tariff_yuan_per_kwh`, apart from its cluster's).
CLUSTER_FIELDS = {"power_tariff_yuan_per_kwh": "tariff_field", "hub_lon": "hub_lon_field", "hub_lat": "hub_lat_field"}
SITE_FIELDS = {"land_price_yuan_per_ha": "land_price_field", "site_tariff_yuan_per_kwh": "tariff_field"}


def economic_fields(ref: LayerRef, settings: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(required, optional) canonical name -> field of the layer: a field the scenario sets is
    required, a default one is taken when the layer has it, a null one is never read."""
    required: dict[str, str] = {}
    optional: dict[str, str] = {}
    for canonical, setting in settings.items():
        field_name = getattr(ref, setting)
        if field_name:
            (required if setting in ref.model_fields_set else optional)[canonical] = field_name
    return required, optional


def check_degrees(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, limit: float,
                  problems: list[str], *, id_field: str | None) -> None:
    """Make `frame[column]` float, null as NaN; a value that is not a number from -limit to limit
    (degrees) is a problem naming the features (by `named_features`, their ids from `id_field`)."""
    at = shown_path(path)
    null = frame[column].isna().to_numpy()
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    bad = (~np.isfinite(values.to_numpy()) & ~null) | (values.abs() > limit).to_numpy()
    if bad.any():
        first = frame[column][bad].iloc[0]
        problems.append(f"{at}: field '{field_name}' | not a coordinate in degrees for "
                        f"{features_where(frame, bad, id_field)} (got {first!r}); use a number from {-limit:g} to "
                        f"{limit:g}")
    frame[column] = values


def _cluster_attributes(clusters: gpd.GeoDataFrame, path: Path, ref: ClustersLayer, problems: list[str]) -> None:
    """Check the clusters' tariffs and hub coordinates, when the scenario names their fields."""
    id_field = ref.id_field
    if "power_tariff_yuan_per_kwh" in clusters.columns:
        check_numeric(clusters, "power_tariff_yuan_per_kwh", path, str(ref.tariff_field), problems, id_field=id_field)
    if "hub_lon" in clusters.columns:
        check_degrees(clusters, "hub_lon", path, str(ref.hub_lon_field), 180.0, problems, id_field=id_field)
    if "hub_lat" in clusters.columns:
        check_degrees(clusters, "hub_lat", path, str(ref.hub_lat_field), 90.0, problems, id_field=id_field)


def _drawn_area_notices(sites: gpd.GeoDataFrame, path: Path, loaded: LoadedScenario) -> list[str]:
    """A notice naming the polygon sites without a usable area, whose drawn area is used, when
    some sites give one and some do not."""
    empty = sites["usable_area_ha"].isna().to_numpy() & sites.geom_type.isin(POLYGONAL).to_numpy()
    if not empty.any() or empty.all():
        return []
    shown = Path(os.path.relpath(path, loaded.scenario_path.parent)).as_posix()
    layer = loaded.scenario.layers.sites
    return [f"{shown}: field '{layer.usable_area_field}' is empty for {features_where(sites, empty, layer.id_field)}: "
            "the drawn polygon's area is used as usable land"]


def _source_attributes(sources: gpd.GeoDataFrame, path: Path, ref: SourcesLayer, problems: list[str]) -> None:
    """Check the sources' supply, resource and status (every source producing when the layer has no status)."""
    check_numeric(sources, "supply_t_per_yr", path, ref.supply_field, problems, id_field=ref.id_field)
    _check_text(sources, "resource", path, ref.resource_field, "resource", None, problems, id_field=ref.id_field)
    if "status" in sources.columns:
        _check_text(sources, "status", path, str(ref.status_field), "status", SOURCE_STATUSES, problems,
                    id_field=ref.id_field)
    else:
        sources["status"] = "producing"


def _site_attributes(sites: gpd.GeoDataFrame, path: Path, loaded: LoadedScenario, problems: list[str]
                     ) -> dict[str, str]:
    """Check the usable area and the existing capacity columns; return product -> column."""
    at = shown_path(path)
    layer = loaded.scenario.layers.sites
    area_field = layer.usable_area_field
    polygonal = sites.geom_type.isin(POLYGONAL).to_numpy()
    if "usable_area_ha" in sites.columns:
        check_numeric(sites, "usable_area_ha", path, area_field, problems, allow_missing=polygonal,
                      id_field=layer.id_field)
    elif not polygonal.all():
        problems.append(f"{at}: field '{area_field}' | missing; point sites need their usable area in ha "
                        "(polygon sites may use their drawn area)")
    else:
        sites["usable_area_ha"] = np.nan
    if "land_price_yuan_per_ha" in sites.columns:
        check_numeric(sites, "land_price_yuan_per_ha", path, str(layer.land_price_field), problems,
                      id_field=layer.id_field)
    if "site_tariff_yuan_per_kwh" in sites.columns:
        check_numeric(sites, "site_tariff_yuan_per_kwh", path, str(layer.tariff_field), problems,
                      allow_missing=True, id_field=layer.id_field)
    prefix = layer.existing_prefix
    products = loaded.catalog.products
    existing: dict[str, str] = {}
    for column in [c for c in sites.columns if c.startswith(prefix)]:
        product = column[len(prefix):]
        if product not in products:
            problems.append(f"{at}: field '{column}' | names no catalog product ({product!r}); rename it to "
                            f"{prefix}<product> with one of: {', '.join(products)}")
            continue
        sites[column] = [0.0 if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
                         for v in sites[column]]
        check_numeric(sites, column, path, column, problems, id_field=layer.id_field)
        existing[product] = column
    return existing


