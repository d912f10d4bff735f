"""Reading the geographic layers a scenario names, with the checks that make them safe to use.

Each layer is read with pyogrio (one named layer of a file that holds several), must be spatial,
carry a CRS that pyproj can transform, not be empty, have the fields the scenario names (a field
setting left at its default is taken when present; an `existing_prefix` the scenario sets must
start some column), unique non-empty ids, the right geometry type, coordinates that fit its CRS,
and valid geometries (repaired and reported with each polygon's area as drawn and repaired, or
rejected, as the scenario says; a repair that changes a polygon's area much is refused). Numbers must
be finite and not negative; an empty one is taken only where it has a meaning (a polygon site's
usable area, existing capacity, which is then none, said in a notice, a site's tariff, the
position uncertainty). Red-line categories and source statuses must be given. A source's
resource like a catalog resource but not it, and a red-line category like one the red-line rule
names but not it (`siting.config.words.close_match`: alike, or one edit apart), are refused ("did
you mean"); one like none is said in a notice, naming the polygons the rule leaves out. A layer
without features is refused with how to do without it; a layer file that is empty, or text that
is not UTF-8, is named so. A layer's path that names no regular file (a device such as /dev/zero,
a named pipe), or a GeoJSON over `MAX_TEXT_LAYER_BYTES`, is refused before it is opened
(`file_problem`). A shapefile whose table's encoding no file names (no .cpg, and a language
driver byte that names no code page: `UNNAMED_CODE_PAGES`), which GDAL would read as Latin-1, is
read as UTF-8 where its text is UTF-8 (`layer_encoding`), and refused, naming the field and the
feature, where it is not (`_unnamed_encoding_problem`: GBK, say, which garbles so).

A CRS that names GCJ-02 or BD-09, the offset coordinates of Chinese web maps, is refused
(`web_map_problem`: PROJ would use them unshifted, hundreds of metres off); one that PROJ can
only "ballpark" into the working CRS is said in a notice (`ballpark_notice`), but for CGCS2000,
which matches WGS84 to about a metre. A GeoJSON `crs` member that GDAL cannot resolve, and reads
as WGS84 in its place without a word, is refused (`geojson_crs_problem`); one that names
GCJ-02 or BD-09 is refused as a CRS of that name is. A shapefile whose .prj is there but holds
no CRS that GDAL and PROJ read (text that is no WKT, a WKT cut short, an empty file) is refused
naming the .prj and quoting how it starts (`prj_problem`), not as a layer without a CRS. A field
missing from a layer is named with the setting that names it (`layers.sites.id_field`), and as a column of the
layer in other letter case when it is one; an optional field or an existing-capacity column in
other letter case, which is not read, is said in a notice. A site of parts more than
`FAR_PARTS_KM` apart is said in a notice (`far_parts_notices`), and so is a sites layer of both
points and polygons, which the outputs draw as points (`mixed_sites_notices`). A cluster's hub
needs both coordinates or neither (`_hub_pairs`): one empty where the other is given is refused;
both empty is said in a notice. A hub given latitude first (`_swapped_hubs`), or lying more than
`HUB_MAX_KM` outside its cluster (`_far_hubs`, geodesic km: `km_to`), is refused.

A shapefile keeps 10 characters of a field name: there, a field the scenario names by a longer
name, an `existing_<product>` column or `position_uncertainty_km`, is found by its cut name when
that is the cut of no other name the layer is expected to have (`read_as`), and said in a notice.
A zip file that holds one shapefile (`zipped_shapefile`), which GDAL reads as that shapefile, is
checked as it is: its field names, its .prj and its .cpg, read from the zip.

Only the columns the tool uses are kept, under canonical names (`id`, `name`, and the layer's
own: `category`, `resource`, `supply_t_per_yr`, `status`, `usable_area_ha`, `existing_<product>`,
`position_uncertainty_km`), so a layer's other columns, whatever their names, cannot collide with
them. Ids, names and categories are text; a whole number read as a float (`100.0`) is written
`100`. A layer's other text columns (a site's coordinate confidence, its sources, notes) are kept
apart, by feature id, in `LayerSet.text_columns`, for the outputs to carry.

Problems name files as `shown_path` does, and features by their place in the file and their id
(`named_features`): "the 7th feature (site_id 'x')". Notices name files so on the terminal, and
relative to the scenario's folder in the run's files (`file_notice`, `siting.config.errors.Notice`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import math
import os
import re
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from pyproj.transformer import TransformerGroup

from siting.config.errors import InputError, Notice
from siting.config.load import (
    DUPLICATE_ID,
    UNSEARCHABLE_FIX,
    LoadedScenario,
    broken_link,
    broken_link_words,
    figure_beside,
    megabytes,
    near_path,
    not_a_file_words,
    not_utf8_problem,
    path_start_words,
    shown_path,
    too_long_words,
    unsearchable_words,
)
from siting.config.schema import (
    MAX_QUANTITY,
    AllowedZone,
    ClustersLayer,
    LayerRef,
    RedlineLayer,
    SitesLayer,
    SourcesLayer,
    crs_label,
    too_large_message,
)
from siting.config.units import cut_at, cut_list, joined
from siting.config.words import LIKENESS, close_key, close_match

POLYGONAL = ("Polygon", "MultiPolygon")
PUNCTUAL = ("Point",)
#: Statuses a source may have; prospective sources count only when the scenario includes them.
SOURCE_STATUSES = ("producing", "prospective")
#: A repair may change a polygon's area by at most this share of its area as drawn, either way
#: (make_valid on a spike or a self-overlap removes area; on a self-crossing outline, a bow tie,
#: it adds the loops that the outline's winding cancels); more means the polygon is not what its
#: author drew.
MAX_REPAIR_AREA_CHANGE = 0.01
#: The repaired polygons whose areas a repair's notice gives, in the order of the file.
REPAIRS_SHOWN = 5
#: The sites layer's optional column giving how far (km) a site's true place may lie from where it
#: is drawn (`siting.prepare.positions`), always by this name (no scenario setting renames it).
POSITION_UNCERTAINTY = "position_uncertainty_km"


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
    #: read, under their names in the file, indexed by feature id (`other_text_columns`); for the
    #: roles of `TYPED_COLUMNS` also their number and yes/no columns.
    text_columns: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Per layer role: the layer's own description, read with the layer (`layer_description`;
    #: the red line's only, which the outputs quote).
    descriptions: dict[str, str] = field(default_factory=dict)
    #: Per layer role ("clusters", "sites", "redline", "sources"): the field of its file its `id`
    #: column comes from (site_id, zone_id, ...), by which the messages name a feature; "id" for
    #: a role not given.
    id_fields: dict[str, str] = field(default_factory=dict)


#: GDAL's advice to prefix a path with a driver name: it does not apply to a path in a scenario file.
_DRIVER_ADVICE = re.compile(r"[;.]?\s*It might help to specify the correct driver explicitly.*$", re.DOTALL)


def _gdal_reason(exc: Exception) -> str:
    """GDAL's message for an unreadable file, without its advice on driver prefixes."""
    return _DRIVER_ADVICE.sub("", str(exc)).strip().rstrip(".;") or type(exc).__name__


def _unreadable(path: Path, role: str, exc: Exception, named_in: str | None) -> str:
    """The problem of a layer file GDAL cannot read: GDAL's reason with the file named as the
    messages name it (`shown_path`, not GDAL's absolute path), where its path was written
    (`named_in`, `path_named_in`) and, for a folder, that it is one."""
    at = shown_path(path)
    reason = _gdal_reason(exc)
    for form in {str(path.resolve()), str(path.absolute()), str(path)}:
        reason = reason.replace(form, at)
    where = f" Its path is set by {named_in}." if named_in else ""
    if path.is_dir():
        return (f"{at}: the {role} layer's path is a folder that GDAL reads no layer from ({reason}); give the path of "
                f"the layer's file (a GeoJSON, GeoPackage or shapefile).{where}")
    return f"{at}: cannot read the {role} layer ({reason}); is it a GeoJSON, GeoPackage or shapefile?{where}"


#: The most bytes a GeoJSON layer (a text layer, `TEXT_SUFFIXES`, or a file that starts as a JSON
#: object) may hold: GDAL and the checks (`_yes_no_kept`, `geojson_crs_text`) read it whole,
#: into several times its size of memory. A GeoPackage is read by features instead.
MAX_TEXT_LAYER_BYTES = 256_000_000


def file_problem(path: Path, role: str, where: str, written: str | None = None) -> str | None:
    """What keeps the layer file `path` of `role` from being read, before GDAL is asked to (its
    path written where `where` says, as `written`, `read_layer`): a path the system cannot look at
    (a name too long: `too_long_words`; a folder on its way that does not let the user in:
    `unsearchable_words`), a missing file (a broken symbolic link, named itself, as one; with the
    path that was likely meant, siting/config/load.py `near_path`), what is neither a file nor a folder (a device, a
    named pipe: `not_a_file_words`), a shapefile without its .shx or .dbf
    (`_missing_companions`), a file the user may not read, an empty file, or a GeoJSON larger
    than MAX_TEXT_LAYER_BYTES; None when there is none of these."""
    at = shown_path(path)
    too_long = too_long_words(path)
    if too_long is not None:
        return f"{at}: the {role} layer's file {too_long}, so there can be no such file; check {where}"
    unsearchable = unsearchable_words(path)
    if unsearchable is not None:
        return f"{at}: the {role} layer's file {unsearchable}; {UNSEARCHABLE_FIX} and give that path in {where}"
    if not path.exists():
        if broken_link(path) is not None:  # named by the link, as written (`located` keeps it)
            return (f"{at}: the {role} layer's path {broken_link_words(path)}; point the link to the layer's file, or "
                    f"check {where}")
        return f"{at}: {role} layer not found; check {where}{near_path(path, written)}"
    kind = not_a_file_words(path)
    if kind is not None:  # GDAL would read a device without end, or wait at a named pipe for a writer
        return (f"{at}: the {role} layer's path is {kind}, not a file; give the path of the layer's file (a GeoJSON, "
                f"GeoPackage or shapefile); its path is set by {where}")
    if not path.is_file():  # a folder: GDAL may read a layer from it
        return None
    companions = _missing_companions(path)
    if companions is not None:
        return companions
    try:  # GDAL would say only that it cannot open it, and ask whether it is a layer at all
        with os.fdopen(os.open(path, os.O_RDONLY), "rb") as stream:
            start = stream.read(JSON_START_BYTES)
    except PermissionError as exc:
        return (f"{at}: the {role} layer's file cannot be read ({exc.strerror}); check that the file is readable; "
                f"its path is set by {where}")
    except OSError:  # told by GDAL's reading of it
        return None
    size = path.stat().st_size
    if size == 0:
        return f"{at}: the file is empty; give the {role} layer as a GeoJSON, GeoPackage or shapefile"
    text = path.suffix.lower() in TEXT_SUFFIXES or start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    if text and size > MAX_TEXT_LAYER_BYTES:
        return (f"{at}: the file is {megabytes(size)}, more than the {MAX_TEXT_LAYER_BYTES / 1e6:g} MB a GeoJSON "
                f"layer may be (it is read whole); save the {role} layer as a GeoPackage (.gpkg)")
    return None


#: The files a shapefile's .shp needs beside it, by suffix, as the problem of a missing one names
#: them (`_missing_companions`): GDAL reads no feature without the index, and without the
#: attribute table it reads the features with no field at all.
SHAPEFILE_COMPANIONS = {".shx": "index", ".dbf": "attribute table"}


def _missing_companions(path: Path) -> str | None:
    """The problem of a shapefile `path` (a .shp) without its index (.shx) or its attribute table
    (.dbf) beside it (`SHAPEFILE_COMPANIONS`), in lower or upper case as GDAL looks for them;
    None when both are there, and for a file that is no .shp."""
    if path.suffix.lower() != ".shp":
        return None
    missing = [f"{what} {path.stem}{suffix}" for suffix, what in SHAPEFILE_COMPANIONS.items()
               if not (path.with_suffix(suffix).exists() or path.with_suffix(suffix.upper()).exists())]
    if not missing:
        return None
    are, them = ("is", "it") if len(missing) == 1 else ("are", "them")
    return (f"{shown_path(path)}: the shapefile's {joined(missing)} {are} missing: copy {them} next to the .shp (a "
            "shapefile is its .shp, .shx and .dbf files side by side)")


def read_layer(path: Path, role: str, layer: str | None = None, id_field: str | None = None,
               named_in: str | None = None, written: str | None = None) -> gpd.GeoDataFrame:
    """Read one spatial layer of a file: the only one, or the one named by `layer`.

    Raises InputError for a missing or unreadable file (a path the system cannot look at, with a
    name too long, as one: `too_long_words`, or behind a folder that does not let the user in:
    `unsearchable_words`; a file the user may not read; a broken symbolic link, named itself, as
    one), a file of several layers without `layer` (listing them), an unknown `layer`, a table
    without geometry (a CSV), and features whose geometry cannot be built (an unclosed ring, a
    non-finite coordinate), each named by its `id_field` value. For those, the error is an
    `UnbuiltGeometries` that holds the layer as read all the same, those features without
    geometry, for its other problems to be found in the same pass. `named_in` says where the path
    was written, for the message of a missing file (`path_named_in`; by default, the scenario),
    and `written` the path as written there (`path_written`), for a hint at the file likely meant
    (siting/config/load.py `near_path`)."""
    at = shown_path(path)
    where = named_in or (f"layers.{role}.path in the scenario (relative paths start at the scenario file)")
    problem = file_problem(path, role, where, written) or _unnamed_encoding_problem(path, role, id_field)
    if problem is not None:
        raise InputError([problem])
    encoding = layer_encoding(path)
    try:
        listed = listed_layers(path, layer, encoding)
    except UnicodeDecodeError as exc:
        raise InputError([_not_utf8(path, role, exc)]) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError([_unreadable(path, role, exc, named_in)]) from None
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
            # GDAL's GeoJSON reader on a geometry it cannot read (a point with no coordinates): the
            # feature comes without one, which the geometry checks then name.
            warnings.filterwarnings("ignore", message="OGRGeoJSONRead", category=RuntimeWarning)
            warnings.filterwarnings("ignore", message=OTHER_FORMAT_WARNING, category=RuntimeWarning)
            frame = gpd.read_file(path, engine="pyogrio", layer=chosen, encoding=encoding)
    except UnicodeDecodeError as exc:
        raise InputError([_not_utf8(path, role, exc)]) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError,
            pyproj.exceptions.CRSError) as exc:  # a .prj GDAL cannot read fails the whole layer (CRSError)
        raise InputError([unreadable_prj(path, role) or _unreadable(path, role, exc, named_in)]) from None
    except shapely.errors.GEOSException:
        unbuilt = _unbuilt_read(path, chosen, id_field, encoding)
        if unbuilt is None:
            raise InputError(_unbuildable_features(path, role, chosen, id_field)) from None
        raise unbuilt from None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError([f"{at}: layers.{role}.path | the file has no geometry (a table such as a CSV is not a "
                          "map layer); give a GeoJSON, GeoPackage or shapefile"])
    frame = _yes_no_kept(path, frame)
    broken = _broken_geojson_geometries(path, frame, id_field)
    if broken is not None:
        raise broken
    return frame


def _broken_geojson_geometries(path: Path, frame: gpd.GeoDataFrame, id_field: str | None
                               ) -> UnbuiltGeometries | None:
    """The features of the GeoJSON `path` (read as `frame`) that GDAL read without geometry although
    the file gives them one with coordinates, which it could not read (a Point with one
    coordinate): an `UnbuiltGeometries` naming each, with the layer as read; None when there is
    none (a null geometry, or one with empty coordinates, is no geometry: `_shape_problems`)."""
    if path.suffix.lower() not in (".geojson", ".json") or not len(frame):
        return None
    missing = frame.geometry.isna().to_numpy()
    if not missing.any():
        return None
    try:
        features = json.loads(path.read_bytes()).get("features")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(features, list) or len(features) != len(frame):
        return None
    rows, whats = [], []
    for row in np.flatnonzero(missing).tolist():
        geometry = features[row].get("geometry") if isinstance(features[row], dict) else None
        what = _broken_geometry(geometry)
        if what is not None:
            rows.append(row)
            whats.append(what)
    if not rows:
        return None
    at = shown_path(path)
    ids = text_values(frame[id_field]) if id_field in frame.columns else None
    problems = [f"{at}: geometry | {named_features([row], ids, id_field)} has a broken geometry: {what}; {fix}"
                for row, (what, fix) in zip(rows, whats, strict=True)]
    return UnbuiltGeometries(problems, frame, rows)


def _broken_geometry(geometry: object) -> tuple[str, str] | None:
    """What is broken in a GeoJSON geometry object that has coordinates, and how to mend it: a
    position of fewer than two numbers, e.g. "a Point with one coordinate (got [102.1])", or one
    holding a value that is no number, e.g. "a Point with a coordinate that is no number (got
    ["102.1", "24.6"])" (a text, true/false or null, which GDAL reads as no geometry); None for no
    geometry (null, or empty coordinates) and for one whose positions all have two numbers or
    more."""
    if not isinstance(geometry, dict):
        return None
    kind = str(geometry.get("type"))
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return None

    def short(position: list) -> bool:
        return len(position) < 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)

    def positions(value: object) -> Iterable[list]:
        if isinstance(value, list) and value and all(not isinstance(v, list) for v in value):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from positions(item)

    def no_number(position: list) -> bool:
        return any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in position)

    listed = list(positions(coordinates))
    worded = next((p for p in listed if no_number(p)), None)
    if worded is not None:
        where = "a Point with" if kind == "Point" else f"a {kind} with a position holding"
        return (f"{where} a coordinate that is no number (got {json.dumps(worded, ensure_ascii=False)})",
                "write each coordinate as a number, without quotes (x = longitude, y = latitude)")
    bad = next((p for p in listed if short(p)), None)
    if bad is None:
        return None
    got = json.dumps(bad)
    fix = "give each point both its coordinates, x and y (longitude and latitude), or redraw it"
    if kind == "Point":
        return f"a Point with one coordinate (got {got})", fix
    return f"a {kind} with a position of one coordinate (got {got})", fix


def _yes_no_kept(path: Path, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`frame`, read from the GeoJSON `path`, with each true/false that GDAL read as 1 or 0 in a
    column of numbers (one whose other features hold numbers) put back as true/false, for the
    checks to refuse where a number is wanted (`_numbers`); `frame` as it is for any other file,
    or a GeoJSON whose features do not line up with it."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return frame
    try:
        raw = path.read_bytes()
        if b"true" not in raw and b"false" not in raw:
            return frame
        features = json.loads(raw).get("features")
    except (OSError, ValueError, AttributeError):
        return frame
    if not isinstance(features, list) or len(features) != len(frame):
        return frame
    properties = [f.get("properties") if isinstance(f, dict) else None for f in features]
    for column in frame.columns:
        if column == frame.geometry.name or frame[column].dtype.kind not in "iuf":
            continue
        rows = [i for i, props in enumerate(properties)
                if isinstance(props, dict) and isinstance(props.get(column), bool)]
        if rows:
            values = frame[column].astype(object)
            for i in rows:
                values.iloc[i] = properties[i][column]
            frame[column] = values
    return frame


#: Layer files that are text, every byte of which must be UTF-8 (for GeoJSON, RFC 7946 says so).
TEXT_SUFFIXES = (".geojson", ".json", ".geojsonl", ".geojsons")
#: The files a shapefile may be named by in a scenario: its geometry (.shp) or its table (.dbf).
SHAPEFILE_SUFFIXES = (".shp", ".dbf")


#: Language driver ids (byte 29 of a shapefile's dBASE table) that name no one code page: 0x00,
#: none given, and 0x57, "ANSI", the code page of the Windows system that wrote the table (GBK on
#: a Chinese one). GDAL reads a table with either, and no .cpg file, as Latin-1.
UNNAMED_CODE_PAGES = (0x00, 0x57)
#: Bytes of a dBASE table's records looked at in one read (`_table_text`).
TABLE_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class TableText:
    """What a shapefile's dBASE table holds of text, where no file names its encoding
    (`_table_text`): `utf8` when some text is not ASCII and all of it is UTF-8; else, for the
    first text that is not UTF-8, the field (`column`: its name, or its 1-based place when its
    name is the text), the byte, and the feature (`row`: its 0-based place among the records
    that are not deleted; `values`: its text fields, by name, those that are ASCII); and the
    table's language driver id (`language`, one of `UNNAMED_CODE_PAGES`)."""

    utf8: bool = False
    column: str | int | None = None
    byte: int = 0
    row: int = 0
    values: Mapping[str, str] = field(default_factory=dict)
    language: int = 0


#: A file of a shapefile's set: on disk, or a member of the zip file that holds the set.
SetFile: TypeAlias = Path | zipfile.Path


def zipped_shapefile(path: Path) -> tuple[str, list[str]] | None:
    """For a zip file (`.zip`, `.shp.zip`) that holds exactly one .shp, which GDAL reads as that
    shapefile: the .shp's member name and the names of all its members. None for any other file,
    and for a zip of several shapefiles or none (GDAL's own reading)."""
    if not path.name.lower().endswith(".zip") or not path.is_file():
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (OSError, zipfile.BadZipFile):
        return None
    shp = [n for n in names if n.lower().endswith(".shp")]
    return (shp[0], names) if len(shp) == 1 else None


def _set_file(path: Path, suffix: str) -> SetFile:
    """The file of the shapefile `path`'s set with `suffix` (".dbf", ".cpg"), by the name GDAL
    looks for first, whether it is there or not; for a zipped shapefile, the zip's member."""
    zipped = zipped_shapefile(path)
    if zipped is None:
        return path.with_suffix(suffix.lower())
    return zipfile.Path(path, at=zipped[0][:-len(".shp")] + suffix.lower())


def _sidecar(path: Path, suffix: str) -> SetFile | None:
    """The file of a shapefile's set with `suffix` (".dbf", ".cpg"), in either letter case, as
    GDAL looks for it (in the zip, for a zipped shapefile); None when there is none."""
    zipped = zipped_shapefile(path)
    if zipped is not None:
        stem, names = zipped[0][:-len(".shp")], zipped[1]
        found = [stem + s for s in (suffix.lower(), suffix.upper()) if stem + s in names]
        return zipfile.Path(path, at=found[0]) if found else None
    for candidate in (path.with_suffix(suffix.lower()), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


def _not_utf8_at(text: bytes) -> int | None:
    """The index of the first byte of `text` (a field's value or name) that is not UTF-8, or None
    when it is UTF-8 (a character cut at its end, by the field's width, is taken as UTF-8)."""
    try:
        text.rstrip(b" \x00").decode("utf-8")
    except UnicodeDecodeError as exc:
        return None if exc.reason == "unexpected end of data" else exc.start
    return None


def _is_utf8(raw: bytes) -> bool:
    """Whether the bytes `raw` are UTF-8 text."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _table_text(dbf: SetFile, language_read: bool = True) -> TableText | None:
    """How to read the text of the dBASE table `dbf` whose encoding no file names: None when
    GDAL reads it right as it is (its language driver names a code page and GDAL reads by it,
    `language_read`: not so beside a .cpg GDAL does not know; or every field name and text value
    is ASCII), else a `TableText`. The records are read in chunks of TABLE_CHUNK_BYTES; a table
    cut short is read as far as it goes, and left to GDAL."""
    with dbf.open("rb") as stream:
        header = stream.read(32)
        if len(header) < 32 or (language_read and header[29] not in UNNAMED_CODE_PAGES):
            return None
        count, header_bytes, record_bytes = struct.unpack("<IHH", header[4:12])
        descriptors = stream.read(max(header_bytes - 32, 0))
        fields: list[tuple[str, int, int, bool]] = []  # (name, start in the record, width, text)
        start = 1  # after the deletion flag
        utf8 = False
        for place, at in enumerate(range(0, len(descriptors) - 31, 32), start=1):
            descriptor = descriptors[at:at + 32]
            if descriptor[0] == 0x0D:
                break
            raw_name = descriptor[:11].split(b"\x00")[0]
            kind = chr(descriptor[11])
            width = descriptor[16] + (descriptor[17] << 8 if kind == "C" else 0)
            wrong = _not_utf8_at(raw_name)
            if wrong is not None:
                return TableText(column=place, byte=raw_name[wrong], language=header[29])
            name = raw_name.decode("utf-8")
            utf8 = utf8 or not raw_name.isascii()
            fields.append((name, start, width, kind == "C"))
            start += width
        text = [(name, begin, width) for name, begin, width, is_text in fields if is_text]
        if record_bytes <= 0 or not text:
            return TableText(utf8=True) if utf8 else None
        per_chunk = max(TABLE_CHUNK_BYTES // record_bytes, 1)
        stream.seek(header_bytes)
        row = 0
        for first in range(0, count, per_chunk):
            chunk = stream.read(record_bytes * min(per_chunk, count - first))
            if not chunk:
                break
            if chunk.isascii() or _is_utf8(chunk):  # the records at once; one by one only where needed
                utf8 = utf8 or not chunk.isascii()
                row += sum(1 for at in range(0, len(chunk), record_bytes) if chunk[at:at + 1] != b"*")
                continue
            for at in range(0, len(chunk) - record_bytes + 1, record_bytes):
                record = chunk[at:at + record_bytes]
                if record[:1] == b"*":  # deleted: GDAL skips it
                    continue
                for name, begin, width in text:
                    value = record[begin:begin + width]
                    if value.isascii():
                        continue
                    wrong = _not_utf8_at(value)
                    if wrong is not None:
                        values = {n: record[b:b + w].strip(b" \x00").decode("ascii")
                                  for n, b, w in text if record[b:b + w].isascii()}
                        return TableText(column=name, byte=value[wrong], row=row, values=values,
                                         language=header[29])
                    utf8 = True
                row += 1
    return TableText(utf8=True) if utf8 else None


#: GDAL's warning, at each opening, for a file whose name gives another format than GDAL reads it
#: as (a GeoPackage saved as sites.geojson): the file is read as GDAL finds it, and its layers are
#: listed and checked as that format's, so the warning (the installed package's path and source
#: line, once per opening) stays out of the terminal.
OTHER_FORMAT_WARNING = ".*non conformant file extension"


#: The layer files' `read_info` answers kept while `read_layers` runs (`kept_infos`), by (path,
#: layer, encoding); None outside it, where each question reads the file again.
_INFOS: contextvars.ContextVar[dict[tuple[str, str | None, str | None], dict] | None] = contextvars.ContextVar(
    "_INFOS", default=None)


@contextlib.contextmanager
def kept_infos() -> Iterator[None]:
    """Keep each layer file's `layer_info` for the block (a reading of the layers, during which
    the files are taken to stand still): GDAL parses a shapefile's .prj on every `read_info`, and
    one it cannot match to a known CRS took about a second each time (the checks ask up to a
    dozen times per file)."""
    token = _INFOS.set({})
    try:
        yield
    finally:
        _INFOS.reset(token)


def layer_info(path: Path, layer: str | None = None, encoding: str | None = None) -> dict:
    """pyogrio's `read_info` of the layer file `path` (its `layer`, read with `encoding`): the
    fields, their dtypes, the CRS, the encoding and the layer's metadata; kept for a second
    question while `kept_infos` is on. Raises what `read_info` raises (not kept). Read only: the
    dict may be shared."""
    kept = _INFOS.get()
    key = (os.fspath(path), layer, encoding)
    if kept is not None and key in kept:
        return kept[key]
    with warnings.catch_warnings():
        # a file of several layers read without one named: the layer checks name them all and ask
        # for `layers.<role>.layer`, so pyogrio's own warning (the code's path and line) stays out
        warnings.filterwarnings("ignore", message="More than one layer found", category=UserWarning)
        warnings.filterwarnings("ignore", message=OTHER_FORMAT_WARNING, category=RuntimeWarning)
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
    if kept is not None:
        kept[key] = info
    return info


#: Suffixes of the files GDAL reads as GeoJSON, a format of one layer (RFC 7946).
ONE_LAYER_SUFFIXES = frozenset({".geojson"})


def listed_layers(path: Path, layer: str | None = None, encoding: str | None = None) -> list[tuple[str, str | None]]:
    """The layers of the file `path`, each as (name, geometry type or None for a table), as
    pyogrio's `list_layers` gives them. A GeoJSON file holds one layer, which its `layer_info`
    (read with `encoding`) names, kept for the checks that ask for it next (`kept_infos`): GDAL
    parses the whole file on each opening, and `list_layers` would open it once more (about 20 ms
    for the shipped counties). A file so named that GDAL reads as another format (a GeoPackage
    renamed .geojson, which may hold several layers: `read_info` would read its first without a
    word) is listed by `list_layers`. Raises what `list_layers` or `read_info` raises."""
    if layer is None and path.suffix.lower() in ONE_LAYER_SUFFIXES:
        info = layer_info(path, None, encoding)
        if info.get("driver") == "GeoJSON":
            return [(str(info["layer_name"]), info["geometry_type"])]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=OTHER_FORMAT_WARNING, category=RuntimeWarning)
        listed = pyogrio.list_layers(path)
    return [(str(row[0]), row[1]) for row in listed]


def _unknown_cpg(path: Path) -> str | None:
    """The text of the shapefile `path`'s .cpg when GDAL does not know the encoding it names (an
    empty file, a misspelt name such as 'GKB', bytes that are no printable text, given with
    Python's escapes): GDAL then reads the table as Latin-1 (or, from bytes that are no name,
    garbled otherwise), without a word, and ignores the table's language driver byte; "" for a
    .cpg of blanks alone, which
    GDAL takes for UTF-8 and names no encoding either. None when there is no .cpg, or GDAL
    reads the table by it (it then gives the text as UTF-8), or the layer cannot be opened (the
    reading says why)."""
    cpg = _sidecar(path, ".cpg")
    if cpg is None:
        return None
    try:
        raw = cpg.read_bytes().strip()
        if not (raw.isascii() and raw.decode("ascii").isprintable()):  # bytes that name nothing (binary junk):
            return ascii(raw)[2:-1]  # GDAL converts from them as from an encoding, and garbles the text
        text = raw.decode("ascii")
        if text and layer_info(path).get("encoding") == "UTF-8":  # blank: GDAL takes it for UTF-8
            return None
        return text
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError, zipfile.BadZipFile):
        return None


def _unnamed_text(path: Path) -> TableText | None:
    """`_table_text` of the shapefile `path`'s table, when no file names the table's encoding that
    GDAL knows (no .cpg, or one GDAL does not know: `_unknown_cpg`; no SHAPE_ENCODING set for
    GDAL); None for any other file, a shapefile whose encoding is named, or a table that cannot
    be read (GDAL says why)."""
    if not is_shapefile(path):
        return None
    if pyogrio.get_gdal_config_option("SHAPE_ENCODING") is not None or os.environ.get("SHAPE_ENCODING") is not None:
        return None
    unknown = _sidecar(path, ".cpg") is not None
    if unknown and _unknown_cpg(path) is None:
        return None
    dbf = _sidecar(path, ".dbf")
    if dbf is None:
        return None
    try:
        return _table_text(dbf, language_read=not unknown)
    except (OSError, struct.error, ValueError, zipfile.BadZipFile):
        return None


def layer_encoding(path: Path) -> str | None:
    """The encoding to read the layer file `path` with (pyogrio's `encoding`): "UTF-8" for a
    shapefile whose table's encoding no file names and whose text is UTF-8, not all ASCII
    (`_unnamed_text`), which GDAL would read as Latin-1; None, GDAL's own reading, otherwise."""
    found = _unnamed_text(path)
    return "UTF-8" if found is not None and found.utf8 else None


def _unnamed_encoding_problem(path: Path, role: str, id_field: str | None) -> str | None:
    """The problem of a shapefile whose table holds text that is not UTF-8 (a field's value, or a
    field's name) and whose encoding no file names (`_unnamed_text`): GDAL would read it as
    Latin-1 without a word, Chinese names garbled. Names the field and the feature (by
    `named_features`, with its `id_field` value); None when there is no such text."""
    found = _unnamed_text(path)
    if found is None or found.column is None:
        return None
    at = shown_path(path)
    dbf = _sidecar(path, ".dbf") or _set_file(path, ".dbf")
    cpg = _set_file(path, ".cpg").name
    named = _unknown_cpg(path)
    if named is not None:
        cpg = (_sidecar(path, ".cpg") or _set_file(path, ".cpg")).name
        said = (f"{cpg} is empty" if not named else
                f"{cpg} names '{named}', an encoding GDAL does not know")
    else:
        language = ("says only 'ANSI' (the code page of the system that wrote it)" if found.language == 0x57 else
                    "names no code page")
        said = f"there is no {cpg} and the table's language driver byte {language}"
    if isinstance(found.column, int):
        key, what = f"field {found.column}", f"a field name that is not UTF-8 (byte 0x{found.byte:02x})"
    else:
        known = id_field is not None and id_field in found.values  # an id in the text at fault: by place alone
        ids = [None] * found.row + [found.values.get(str(id_field))] if known else None
        feature = named_features([found.row], ids, id_field if known else None)
        key, what = f"field '{found.column}'", f"text that is not UTF-8 (byte 0x{found.byte:02x} in {feature})"
    return (f"{at}: {key} | the {role} layer's table ({dbf.name}) holds {what}, and no file says which encoding it "
            f"is in: {said}, so it would be read as "
            f"Latin-1, garbled; write the table's encoding into {cpg} (such as GBK), or save the layer "
            "with the UTF-8 encoding")


def _not_utf8(path: Path, role: str, exc: UnicodeDecodeError) -> str:
    """The problem of a layer whose text is not UTF-8 (GDAL reads it as UTF-8 and Python cannot
    decode it): for a text file (a GeoJSON), at the line and byte offset of the first byte that is
    not UTF-8, as a YAML file's is named; for a shapefile, the .cpg file that names UTF-8 as the
    encoding of its table; otherwise the reason alone."""
    at = shown_path(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        try:
            raw = path.read_bytes()
            raw.decode("utf-8-sig")
        except OSError:  # gone or unreadable since GDAL read it: the reason alone, below
            pass
        except UnicodeDecodeError as found:
            return not_utf8_problem(at, raw, found)
    cpg = _sidecar(path, ".cpg") if is_shapefile(path) else None
    if cpg is not None:
        return (f"{at}: the {role} layer's table ({_set_file(path, '.dbf').name}) holds text that is not UTF-8, the "
                f"encoding {cpg.name} names (byte 0x{exc.object[exc.start]:02x}: {exc.reason}); write the table's "
                f"encoding into {cpg.name} (such as GBK), or save the layer with the UTF-8 encoding")
    return (f"{at}: the {role} layer holds text that is not UTF-8 (byte 0x{exc.object[exc.start]:02x}: "
            f"{exc.reason}); save it with the UTF-8 encoding")


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


class UnbuiltGeometries(InputError):
    """The problems of a layer some of whose features' geometries GEOS cannot build (an unclosed
    ring), one per feature (`read_layer`), with the layer read all the same (`frame`): those
    features (`rows`, their 0-based places in the file) without geometry, every other feature and
    every field as read, so that the layer's other problems are told in the same pass."""

    def __init__(self, problems: Iterable[str], frame: gpd.GeoDataFrame, rows: Sequence[int]):
        super().__init__(problems)
        self.frame = frame
        self.rows = tuple(rows)


def _unbuilt_read(path: Path, layer: str, id_field: str | None, encoding: str | None) -> UnbuiltGeometries | None:
    """The layer `layer` of `path`, some of whose geometries GEOS cannot build, read with those
    geometries null, as an `UnbuiltGeometries` naming each such feature by its place and its
    `id_field` value, with what makes its geometry unbuildable (`_wkb_problem`); None when the
    layer cannot be read so, or no one feature's geometry is found at fault."""
    at = shown_path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.filterwarnings("ignore", message="Could not parse column", category=UserWarning)
            wkbs = pyogrio.raw.read(path, layer=layer, encoding=encoding, columns=[])[2]
            frame = gpd.read_file(path, engine="pyogrio", layer=layer, encoding=encoding, on_invalid="ignore")
            built = shapely.from_wkb(wkbs, on_invalid="ignore")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, TypeError,
            UnicodeDecodeError, shapely.errors.GEOSException):
        return None
    if not isinstance(frame, gpd.GeoDataFrame) or len(frame) != len(wkbs):
        return None
    rows = [row for row, (wkb, geometry) in enumerate(zip(wkbs, built, strict=True))
            if wkb is not None and geometry is None]
    if not rows:
        return None
    ids = text_values(frame[id_field]) if id_field in frame.columns else None
    problems = [_unbuilt_problem(at, row, _wkb_problem(bytes(wkbs[row])) or "geometry that cannot be built", ids,
                                 id_field) for row in rows]
    return UnbuiltGeometries(problems, _yes_no_kept(path, frame), rows)


def _unbuilt_problem(at: str, row: int, what: str, ids: Sequence[str | None] | None, id_field: str | None) -> str:
    """The problem of the feature at `row` of the layer file shown as `at`, whose geometry GEOS
    cannot build for `what` (`_wkb_problem`), with how to mend it."""
    fix = ("use finite numbers for every coordinate" if what == "non-finite coordinate" else
           "end every ring at its first point" if what == "unclosed ring" else "redraw it")
    article = "an" if what[0] in "aeiou" else "a"
    return f"{at}: geometry | {named_features([row], ids, id_field)} has {article} {what}; {fix}"


def _unbuildable_features(path: Path, role: str, layer: str | None, id_field: str | None) -> list[str]:
    """Problems naming the features of a layer whose geometry GEOS cannot build."""
    at = shown_path(path)
    unknown = [f"{at}: geometry | the {role} layer has a geometry that cannot be built; redraw it"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _fids, wkbs, columns = pyogrio.raw.read(path, layer=layer, encoding=layer_encoding(path))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, UnicodeDecodeError):
        return unknown
    names = [str(n) for n in meta["fields"]]
    ids = text_values(pd.Series(columns[names.index(id_field)], dtype=object)) if id_field in names else None
    problems: list[str] = []
    for row, wkb in enumerate(wkbs):
        if wkb is None:
            continue
        what = _wkb_problem(bytes(wkb))
        if what is not None:
            problems.append(_unbuilt_problem(at, row, what, ids, id_field))
    return problems or unknown


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


#: The layer roles whose number and yes/no columns are kept too (`other_text_columns` `typed`), for
#: the outputs to carry as they are: the red line's sourced areas and proxy flags, the clusters'
#: administrative codes, the sources' figures. The sites' other numbers are left out, by design:
#: a site's numbers are the model's inputs (existing capacity, usable area, land price, positional
#: uncertainty) and, in the sites layer delivered, the plan's figures (capacity added, land,
#: shipments per product and year), so a number of the input that the tool does not read would
#: stand among them as if the plan had used it; the sites carry their text (names, sources, notes).
TYPED_COLUMNS = ("redline", "clusters", "sources")
#: The field every output layer names its features' ids by. An input column of that name that the
#: tool does not read (the scenario's `id_field` names another) is kept whatever its type, in
#: every layer: an id, not a figure, which the outputs carry beside their own `id` as `input_id`
#: (siting/deliver/layers.py `carried_names`) rather than lose a number of it.
ID_FIELD = "id"


def declared_dtypes(path: Path, layer: str | None, renamed: Mapping[str, str] | None = None) -> dict[str, str]:
    """Field -> the dtype its file declares for it (pyogrio's `read_info`: "int32", "int64",
    "bool", "float64", "datetime64[D]" for a date, "datetime64[ms]" for a date and time,
    "object" for text and times), under the layer's column names (`renamed`: a field of the file
    -> its column, `CutNames.renamed`). The declared type is what survives a null: GDAL reads an
    integer or yes/no field with a null as float64. Empty when the file cannot be listed."""
    try:
        info = layer_info(path, layer, layer_encoding(path))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError):
        return {}
    renamed = renamed or {}
    return {renamed.get(str(f), str(f)): str(d) for f, d in zip(info["fields"], info["dtypes"], strict=True)}


def layer_description(path: Path, layer: str | None = None) -> str:
    """A layer file's own description, as GDAL reads it (its layer metadata's DESCRIPTION: a
    GeoJSON FeatureCollection's `description` member, a GeoPackage table's
    `gpkg_contents.description`); "" without one or for a file that cannot be read."""
    try:
        info = layer_info(path, layer, layer_encoding(path))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError):
        return ""  # a description is an extra: the layer's own problems are told where it is read
    return str((info.get("layer_metadata") or {}).get("DESCRIPTION") or "").strip()


def _is_missing(value: object) -> bool:
    """Whether a value read from a layer is null: `_is_null`, or a null date (NaT)."""
    return value is pd.NaT or _is_null(value)


def carried_values(values: Iterable[object], dtype: str = "") -> list[object]:
    """A column's values as an output carries them, None where null: as declared (`dtype`, see
    `declared_dtypes`) where GDAL read them otherwise, an integer field's whole floats as ints and
    a yes/no field's as bools (GDAL reads either with a null as float64); a date as ISO 8601 text
    ("2024-01-05"), a date and time too ("2024-01-05T10:00:00", with its offset where the file
    gives one: GDAL reads offsets that differ between features in UTC), a time of day as well
    ("10:30:00"), since no output format keeps them all; numpy scalars as Python ones."""
    out: list[object] = []
    for value in values:
        if _is_missing(value):
            out.append(None)
        elif isinstance(value, datetime.datetime):  # pandas' Timestamp is one
            out.append(value.date().isoformat() if dtype == "datetime64[D]" else value.isoformat())
        elif isinstance(value, (datetime.date, datetime.time)):
            out.append(value.isoformat())
        elif dtype == "bool" and isinstance(value, (float, np.floating, np.bool_, int, np.integer)):
            out.append(bool(value))
        elif dtype.startswith("int") and isinstance(value, (float, np.floating)) and float(value).is_integer():
            out.append(int(value))
        else:
            out.append(value.item() if isinstance(value, np.generic) else value)
    return out


def other_text_columns(raw: gpd.GeoDataFrame, checked: gpd.GeoDataFrame, problems: list[str],
                       read: Mapping[str, str], prefix: str | None = None, typed: bool = False,
                       declared: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The text columns of a layer as read (`raw`) that the tool does not read (the fields of
    `read`, canonical name -> field, and the columns starting with `prefix`), indexed by the
    checked layer's ids (`checked`: the same features in the same order), each value as
    `carried_values` gives it by the field's declared dtype (`declared`, `declared_dtypes`; a
    column it does not name as read): each column whose every value is text or null, dates and
    times as ISO 8601 text among them, including one null everywhere that the file declares as
    text (GDAL does so for a GeoJSON property null in every feature), null values as None. With
    `typed`, also each column whose every value is a number or null, or yes/no or null, of the
    type the file declares (an integer or yes/no field with nulls stays so), and every column
    null everywhere, whatever its type: an output carries it as text, null. A column named as the
    outputs' id field (ID_FIELD, in any case) is kept as with `typed` in every layer. An empty
    frame when there are none, or when `check_layer` found `problems` (the ids may not be known)."""
    if problems or "id" not in checked.columns:
        return pd.DataFrame()
    declared = declared or {}
    ids = pd.Index(list(checked["id"]), dtype=object, name="id")
    kept: dict[str, list[object]] = {}
    for column in raw.columns:
        name = str(column)
        if (column == raw.geometry.name or name in read.values() or name in kept
                or (prefix and name.startswith(prefix))):
            continue
        dtype = declared.get(name, "")
        values = carried_values(_column(raw, column), dtype)
        if _carried(values, dtype, typed or name.lower() == ID_FIELD):
            kept[name] = values
    return pd.DataFrame(kept, index=ids, dtype=object)


def _carried(values: Sequence[object], dtype: str, typed: bool) -> bool:
    """Whether `other_text_columns` keeps a column of `values` (`carried_values`, declared as
    `dtype`): text or null, with some text or declared as text ("object", or "" when not known);
    with `typed` also numbers or null, yes/no or null, or null everywhere."""
    present = [v for v in values if v is not None]
    if not present:
        return typed or dtype in ("", "object")
    if all(isinstance(v, str) for v in present):
        return True
    return typed and (all(isinstance(v, bool) for v in present)
                      or all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present))


def ordinal(n: int) -> str:
    """`n` as an ordinal number: 1st, 2nd, 3rd, 4th, 11th, 12th, 21st, 112th."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def named_features(rows: Iterable[int], ids: Sequence[str | None] | None, id_field: str | None,
                   limit: int = 5, names: Sequence[str | None] | None = None, name_field: str | None = None) -> str:
    """The features a layer problem is about, for a GIS user to find them: by their place in the
    file, counted from 1 in the order the file holds them (the order of QGIS's attribute table
    before any sorting; not OGR's feature id, which counts from 0 in a GeoJSON), and by their id,
    which may be empty or repeated:

        the 7th feature (site_id 'x')
        the 2nd feature (site_id 'a') and the 7th (site_id empty)
        the 2nd, 5th and 7th features                 (without `ids` or `id_field`)

    `rows` are 0-based places in the file, `ids` the id of each feature of the layer (by place),
    `id_field` the field they come from; past `limit` features, "and N more". With `names` (the
    name of each feature, by place) and `name_field`, a feature's name follows its id, when it is
    neither empty nor the id: "the 1st feature (zone_id 'dianchi', name 'Dianchi lake')"."""
    rows = [int(r) for r in rows]
    if ids is None or id_field is None:
        words = [ordinal(r + 1) for r in rows]
        return f"the {words[0]} feature" if len(rows) == 1 else f"the {joined(words, limit)} features"

    def one(row: int) -> str:
        value = ids[row]
        said = f"{id_field} {value!r}" if value is not None and str(value).strip() else f"{id_field} empty"
        name = names[row] if names is not None and name_field is not None else None
        shown = name is not None and name.strip() and name != value  # a name that is the id says nothing more
        return f"{said}, {name_field} {name!r}" if shown else said

    return joined([f"the {ordinal(r + 1)}" + (" feature" if i == 0 else "") + f" ({one(r)})"
                   for i, r in enumerate(rows)], limit)


def features_where(frame: gpd.GeoDataFrame, where: np.ndarray | pd.Series, id_field: str | None,
                   name_field: str | None = None) -> str:
    """`named_features` for the features of a checked layer (`frame`, its features in the file's
    order, ids in its `id` column) where `where` is True; with `name_field`, their names (its
    `name` column, when it has one) follow their ids."""
    rows = np.flatnonzero(np.asarray(where, dtype=bool))
    names = list(frame["name"]) if name_field is not None and "name" in frame.columns else None
    return named_features(rows, list(frame["id"]) if "id" in frame.columns else None, id_field, names=names,
                          name_field=name_field)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    column = frame[name]
    return column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column


#: How many characters of a .prj that holds no readable CRS its message quotes (`prj_problem`).
PRJ_SHOWN_CHARS = 40


def prj_problem(path: Path, prj: SetFile, role: str) -> str:
    """The problem of the shapefile `path` (of `role`) whose .prj file `prj` is there but holds no
    CRS that GDAL or PROJ can read (text that is no WKT, a WKT cut short, an empty file): it names
    the .prj, quotes its first PRJ_SHOWN_CHARS characters (white space run together; a byte that is
    no UTF-8 and a control character escaped alike, as \\xff and \\x00) and says to
    replace it, rather than ask for a .prj the layer has."""
    try:
        raw = prj.read_bytes().decode("utf-8", errors="backslashreplace")  # an undecodable byte as \xff
        text = " ".join("".join(c if c.isprintable() or c.isspace() else c.encode("unicode_escape").decode("ascii")
                                for c in raw).split())
    except OSError as exc:
        said = f"it cannot be read: {exc.strerror}"
    else:
        shown = text[:PRJ_SHOWN_CHARS].rstrip() + ("..." if len(text) > PRJ_SHOWN_CHARS else "")
        said = f"it starts '{shown}'" if text else "it is empty"
    return (f"{shown_path(path)}: {role} layer | its .prj file ({prj.name}) holds no CRS that can be read ({said}); "
            "replace it with a valid WKT .prj, such as the one QGIS writes when it saves the layer (Export > Save "
            "Features As, with the layer's CRS)")


def unreadable_prj(path: Path, role: str) -> str | None:
    """`prj_problem` when the shapefile `path` has a .prj whose CRS GDAL reads as none or as one
    PROJ cannot read (GeoPandas then cannot read the layer at all); None for any other file, a
    shapefile without a .prj, or one whose CRS is read."""
    prj = _sidecar(path, ".prj") if is_shapefile(path) else None
    if prj is None:
        return None
    try:
        crs = layer_info(path).get("crs")
    except pyogrio.errors.CRSError:  # GDAL's own reading of the .prj fails (a WKT cut short)
        crs = None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, UnicodeDecodeError):
        return None  # the layer itself cannot be read
    if crs is not None:
        try:
            pyproj.CRS.from_user_input(crs)
            return None
        except pyproj.exceptions.CRSError:
            pass
    return prj_problem(path, prj, role)


def _crs_problem(frame: gpd.GeoDataFrame, path: Path, role: str) -> str | None:
    """A problem with the CRS a layer was read in (`frame.crs`): none (for a shapefile whose .prj
    is there, that it holds no CRS that can be read: `prj_problem`); one GDAL put in place of a
    GeoJSON `crs` member it could not resolve (`geojson_crs_problem`); one that is neither
    geographic nor projected, or that pyproj cannot transform to WGS84. None when it is fine."""
    at = shown_path(path)
    if frame.crs is None:
        prj = _sidecar(path, ".prj") if is_shapefile(path) else None
        if prj is not None:  # GDAL read no CRS from the .prj that is there
            return prj_problem(path, prj, role)
        return (f"{at}: {role} layer | has no CRS; assign one (for GeoJSON, coordinates are WGS84 lon/lat by "
                "RFC 7946; for a shapefile add the .prj)")
    crs = pyproj.CRS.from_user_input(frame.crs)
    named = geojson_crs_problem(path, crs, role)
    if named is not None:
        return named
    known = crs.is_geographic or crs.is_projected
    if known and not crs.equals(pyproj.CRS("EPSG:4326"), ignore_axis_order=True):  # WGS84 needs no transform
        try:
            pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        except pyproj.exceptions.ProjError:
            known = False
    if not known:
        return (f"{at}: {role} layer | its CRS is not a geographic or projected CRS that can be transformed "
                f"(got {crs_label(crs)!r}); give the layer a known CRS, such as EPSG:4326 or a UTM zone")
    return None


#: How many bytes of a layer file are looked at for a GeoJSON's start ("{", after a byte order
#: mark and white space) before its `crs` member is read (`geojson_crs_text`).
JSON_START_BYTES = 4096
#: The forms of a GeoJSON `crs` member's text that GDAL reads and pyproj does not, as pyproj
#: reads them: "CRS84" for "OGC:CRS84"; "EPSG::32648" (which GDAL does not resolve either) to say
#: which code was meant.
_CRS_FORMS = ((re.compile(r"^(CRS84|CRS83|CRS27)$", re.IGNORECASE), r"OGC:\1"),
              (re.compile(r"^EPSG::(\d+)$", re.IGNORECASE), r"EPSG:\1"))


def geojson_crs_text(path: Path) -> str | None:
    """The CRS a GeoJSON file's top-level `crs` member (GeoJSON 2008, not RFC 7946) names, as
    GDAL reads it: the `name` of a "name" member, "EPSG:<code>" of an "EPSG" one, the `href` of a
    "link" or "URL" one, the `urn` of an "OGC" one, else the member as JSON; None when the file
    is not a GeoJSON object (a GeoPackage, a shapefile), cannot be read, or has no `crs` member
    or a null one."""
    try:
        with path.open("rb") as handle:
            start = handle.read(JSON_START_BYTES)
        if not start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            return None
        raw = path.read_bytes()
        if b'"crs"' not in raw:
            return None
        data = json.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None  # GDAL's reading of the file says what is wrong with it
    member = data.get("crs") if isinstance(data, dict) else None
    if member is None:
        return None
    properties = member.get("properties") if isinstance(member, dict) else None
    properties = properties if isinstance(properties, dict) else {}
    kind = str(member.get("type", "")).lower() if isinstance(member, dict) else ""
    key = {"name": "name", "epsg": "code", "link": "href", "url": "href", "ogc": "urn"}.get(kind)
    value = properties.get(key) if key else None
    if value is None or isinstance(value, (dict, list)):
        return json.dumps(member, ensure_ascii=False)
    return f"EPSG:{value}" if kind == "epsg" else str(value)


def _crs_named(text: str) -> pyproj.CRS | None:
    """The CRS pyproj reads `text` as (in one of the forms of `_CRS_FORMS` where it is one), or None."""
    candidates = [text.strip()] + [pattern.sub(form, text.strip()) for pattern, form in _CRS_FORMS
                                   if pattern.match(text.strip())]
    for candidate in candidates:
        try:
            return pyproj.CRS.from_user_input(candidate)
        except pyproj.exceptions.CRSError:
            continue
    return None


def geojson_crs_problem(path: Path, crs: pyproj.CRS, role: str) -> str | None:
    """A problem when a GeoJSON file's `crs` member names a CRS that GDAL did not resolve: GDAL
    then reads the layer in WGS84 longitude/latitude (`crs`, as read), without a word, so that a
    layer in metres would be taken for degrees or one in another datum moved. Taken as resolved
    when GDAL read another CRS than WGS84, or pyproj reads the member's text (`geojson_crs_text`)
    as WGS84 too (axis order aside). A member that names GCJ-02 or BD-09 (`WEB_MAP_OFFSETS`) is
    refused as a layer in that CRS is (`web_map_refusal`). None for a file that is no GeoJSON or
    has no `crs` member."""
    wgs84 = pyproj.CRS("EPSG:4326")
    if not crs.equals(wgs84, ignore_axis_order=True):
        return None  # GDAL resolved the member (the file is not read again)
    text = geojson_crs_text(path)
    if text is None:
        return None
    offset = next((name for name, pattern in WEB_MAP_OFFSETS if pattern.search(text)), None)
    if offset is not None:  # removing the member, as the message below says, would leave them offset
        return web_map_refusal(offset, text, path, role)
    named = _crs_named(text)
    if named is not None and named.equals(wgs84, ignore_axis_order=True):
        return None
    meant = ""
    if named is not None:
        code = named.to_string()
        meant = f" (pyproj reads it as {code}, {named.name}: write \"{code}\" there if that is meant)"
    return (f"{shown_path(path)}: crs | the {role} layer's crs member names a CRS that GDAL cannot resolve (got "
            f"{text!r}){meant}, so its coordinates would be read as WGS84 longitude/latitude in its place; give a "
            "known EPSG code (such as \"EPSG:32648\" for UTM 48N), or remove the crs member if the coordinates are "
            "WGS84 longitude/latitude (GeoJSON's own CRS, RFC 7946)")


#: The offset coordinates of Chinese web maps, as a CRS may name them (its name, datum or
#: ellipsoid, anywhere in its WKT): GCJ-02 ("Mars coordinates": AMap, Tencent) and BD-09 (Baidu,
#: a further offset of GCJ-02). Both are WGS84 moved by a varying offset, about 360 m near
#: Kunming and up to about 700 m in China (geodata/README.md, section 1), that PROJ cannot undo:
#: it relates such a CRS to WGS84 by a "ballpark" transform with no shift, so the layer would be
#: used where its coordinates stand, hundreds of metres off.
WEB_MAP_OFFSETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GCJ-02", re.compile(r"GCJ[-_ ]?02|火星坐标", re.IGNORECASE)),
    ("BD-09", re.compile(r"\bBD[-_ ]?09|百度坐标", re.IGNORECASE)),
)
#: How each offset is converted to WGS84 first, for the message that refuses it.
WEB_MAP_CONVERSION = {
    "GCJ-02": "with the inverse of the public GCJ-02 formula, iterated as geodata/README.md describes in section 1 "
              "(CRS handling: GCJ-02 -> WGS84)",
    "BD-09": "to GCJ-02 with the usual BD-09 to GCJ-02 formula, then from GCJ-02 with the inverse of the public GCJ-02 "
             "formula, iterated as geodata/README.md describes in section 1 (CRS handling: GCJ-02 -> WGS84)",
}
#: Datums (EPSG codes) that PROJ relates to WGS 84 only by a ballpark transform with no shift,
#: where no shift is right to about a metre: WGS 84 itself, and CGCS2000 (China 2000), realised
#: in ITRF97 at epoch 2000.0, from which WGS 84 (which follows the current ITRF) departs by the
#: plate's motion since, a few centimetres a year: of the order of a metre. That is far below the
#: sites' position uncertainty (km), so these pairs are not named; any other pair is.
COINCIDENT_DATUMS = {6326: "WGS 84", 1043: "CGCS2000"}


def web_map_offset(crs: pyproj.CRS) -> str | None:
    """"GCJ-02" or "BD-09" when the CRS names that offset of Chinese web maps (`WEB_MAP_OFFSETS`),
    else None."""
    text = crs.to_wkt() or crs.name
    return next((name for name, pattern in WEB_MAP_OFFSETS if pattern.search(text)), None)


def web_map_problem(crs: pyproj.CRS, path: Path, role: str) -> str | None:
    """The problem of a layer whose CRS names GCJ-02 or BD-09 (`web_map_offset`): PROJ would take
    its coordinates as WGS84 with no shift, hundreds of metres off; they must be converted first."""
    offset = web_map_offset(crs)
    return None if offset is None else web_map_refusal(offset, crs_label(crs), path, role)


def web_map_refusal(offset: str, got: str, path: Path, role: str) -> str:
    """The refusal of a layer whose CRS, named `got`, is the web-map offset `offset` ("GCJ-02" or
    "BD-09"), with how to convert its coordinates to WGS84 (`WEB_MAP_CONVERSION`)."""
    return (f"{shown_path(path)}: {role} layer | its CRS is {offset} (got {got!r}), the offset coordinates of "
            f"{'AMap and Tencent' if offset == 'GCJ-02' else 'Baidu'} maps, about 360 m from WGS84 near Kunming and "
            "up to about 700 m in China, which PROJ cannot convert (it would take them as WGS84, unshifted); convert "
            f"the coordinates to WGS84 first, {WEB_MAP_CONVERSION[offset]}, and give the layer EPSG:4326")


def _datum_code(crs: pyproj.CRS) -> int | None:
    """The EPSG code of a CRS's datum (also of an Esri-named one PROJ knows), or None."""
    try:
        found = crs.datum.to_json_dict().get("id", {}) if crs.datum is not None else {}
    except pyproj.exceptions.CRSError:
        return None
    return int(found["code"]) if found.get("authority") == "EPSG" and str(found.get("code", "")).isdigit() else None


def ballpark_notice(crs: pyproj.CRS, target: pyproj.CRS, path: Path, role: str) -> str | None:
    """A notice when PROJ has no transformation from a layer's CRS to `target` (the working CRS)
    but a ballpark one (`allow_ballpark=False` finds none): it takes the two datums as one, with no
    shift, and the layer may lie off by as much as they differ. None for a pair of
    `COINCIDENT_DATUMS`, or when PROJ has a transformation. Names the file by `path` as it is."""
    if {_datum_code(crs), _datum_code(target)} <= set(COINCIDENT_DATUMS):
        return None  # asked first: PROJ's look-ups below take a millisecond a layer
    try:
        with warnings.catch_warnings():
            # PROJ's "Best transformation is not available due to missing Grid": the notice
            # below names the missing grids in words; the raw warning would reach the terminal
            warnings.simplefilter("ignore", UserWarning)
            exact = TransformerGroup(crs, target, always_xy=True, allow_ballpark=False)
            if exact.transformers:
                return None
            ballpark = pyproj.Transformer.from_crs(crs, target, always_xy=True)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError):
        return None  # no transformation at all: `_crs_problem` refuses the layer
    datum = crs.datum.name if crs.datum is not None else crs.name
    onto = target.geodetic_crs.name if target.geodetic_crs is not None else target.name
    missing = [op.name for op in exact.unavailable_operations]
    grids = (f"; PROJ's {joined([repr(m) for m in missing], limit=5)} would do, but needs grid files not installed "
             "(projsync, or PROJ_NETWORK=ON, fetches them)" if missing else "")
    return (f"{path}: the {role} layer's CRS, {crs_label(crs)!r}, reaches the working CRS ({target.to_string()}) only "
            f"by a ballpark transform ({ballpark.description!r}), which takes its datum, {datum!r}, as {onto} with no "
            "shift: the layer lies off by as much as the two differ, tens to hundreds of metres for a local datum"
            f"{grids}; give the layer in WGS84 (EPSG:4326), or in a CRS PROJ has a transformation for")


#: Degrees' reach: a coordinate of a layer in a geographic CRS beyond these is out of its range.
LONGITUDE_REACH, LATITUDE_REACH = 180.0, 90.0
#: A coordinate (in the layer's unit) beyond which a layer in a geographic CRS whose every feature
#: is out of range is taken for one in projected metres: no degree comes near, while a layer in a
#: projected CRS lies thousands of metres from its origin (UTM's false easting alone is 500,000 m).
PROJECTED_REACH = 1000.0
#: How many features a problem of coordinates out of range names, with their coordinates.
OUT_OF_RANGE_SHOWN = 5


def lonlat_problem(frame: gpd.GeoDataFrame, path: Path, role: str, id_field: str | None = None) -> str | None:
    """A problem when a layer in a geographic CRS has coordinates that cannot be lon/lat: for the
    whole layer when every feature is out of range and the coordinates are latitude first or look
    like projected metres (`PROJECTED_REACH`); otherwise naming the features out of range (by
    `named_features`, their ids from the `id` column and `id_field`, the first
    `OUT_OF_RANGE_SHOWN` with a count), each with its first coordinate out of range and what is
    wrong with it: a latitude beyond 90 among features in degrees is no projected coordinate."""
    at = shown_path(path)
    if frame.crs is None or not frame.crs.is_geographic or not len(frame):
        return None
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        return (f"{at}: geometry | the {role} layer has coordinates that are not finite numbers; fix the "
                "geometries")
    if max(abs(xmin), abs(xmax)) <= LONGITUDE_REACH and max(abs(ymin), abs(ymax)) <= LATITUDE_REACH:
        return None
    xy, owner = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    outside = np.flatnonzero((np.abs(xy[:, 0]) > LONGITUDE_REACH) | (np.abs(xy[:, 1]) > LATITUDE_REACH))
    rows, first = np.unique(owner[outside], return_index=True)  # each feature out of range, its first such point
    crs = frame.crs.to_string()
    got = f"got x {xmin:.6g} to {xmax:.6g}, y {ymin:.6g} to {ymax:.6g}"
    whole = len(rows) == len(frame)
    if whole and max(abs(xmin), abs(xmax)) <= LATITUDE_REACH and max(abs(ymin), abs(ymax)) <= LONGITUDE_REACH:
        return (f"{at}: geometry | the {role} layer is in {crs} but its coordinates cannot be longitude/latitude "
                f"({got}); the latitude stands first: put longitude first (x = longitude, y = latitude)")
    if whole and max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) > PROJECTED_REACH:
        return (f"{at}: geometry | the {role} layer is in {crs} but its coordinates cannot be longitude/latitude "
                f"({got}); they look like projected metres: give the layer its true CRS, or reproject it to WGS84 "
                "longitude/latitude")
    ids = list(frame["id"]) if "id" in frame.columns else None
    points = xy[outside[first]]
    each = [f"{named_features([row], ids, id_field)}, {_out_of_range(float(x), float(y))}"
            for row, (x, y) in zip(rows.tolist(), points.tolist(), strict=True)]
    shown = cut_list(each, OUT_OF_RANGE_SHOWN)
    one = len(rows) == 1
    count = "1 feature lies" if one else f"{len(rows)} features lie"
    others = len(frame) - len(rows)
    rest = (f"; the layer's other {'feature lies' if others == 1 else f'{others} features lie'} in range, so "
            "the layer is not in projected metres" if others else "")
    return (f"{at}: geometry | {count} out of range for longitude/latitude in {crs}: {shown}{rest}; correct "
            f"{'its' if one else 'their'} coordinates (x = longitude from -180 to 180, y = latitude from -90 to 90)"
            f"{'' if others else ', or give the layer its true CRS'}")


def _out_of_range(x: float, y: float) -> str:
    """What is wrong with the point (`x`, `y`) of a layer in a geographic CRS, out of range: its
    longitude outside -180 to 180, its latitude outside -90 to 90, or both, with the point."""
    wrong = ([f"longitude {x:.6g} outside -180 to 180"] if abs(x) > LONGITUDE_REACH else []) + (
        [f"latitude {y:.6g} outside -90 to 90"] if abs(y) > LATITUDE_REACH else [])
    return f"{' and '.join(wrong)} (at x {x:.6g}, y {y:.6g})"


#: Metres from a projected CRS's origin within which every coordinate of a layer must lie for its
#: coordinates to be taken for longitude/latitude in degrees labelled with that CRS: no real
#: layer of the clusters lies so (UTM's false easting alone is 500,000 m).
DEGREES_REACH = 180.0


def degrees_problem(frame: gpd.GeoDataFrame, path: Path, role: str) -> str | None:
    """A problem when a layer declared in a projected CRS has every coordinate within
    DEGREES_REACH of that CRS's origin, |x| <= 180 and |y| <= 90, as longitude/latitude in
    degrees would have: a lon/lat layer labelled with a projected CRS, which would otherwise be
    read as lying metres from the CRS's origin (for UTM 48N: on the equator), silently (a red
    line that excludes nothing, sources out of every reach)."""
    if frame.crs is None or not frame.crs.is_projected or not len(frame):
        return None
    xmin, ymin, xmax, ymax = (float(v) for v in frame.total_bounds)
    if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
        return None  # `lonlat_problem`'s check of finite coordinates is for geographic layers; GEOS reports these
    if max(abs(xmin), abs(xmax)) > DEGREES_REACH or max(abs(ymin), abs(ymax)) > DEGREES_REACH / 2:
        return None
    return (f"{shown_path(path)}: geometry | the {role} layer is in {frame.crs.to_string()} "
            f"({crs_label(frame.crs)}), a "
            f"projected CRS in metres, but its coordinates (x {xmin:.6g} to {xmax:.6g}, y {ymin:.6g} to {ymax:.6g}) "
            "look like longitude/latitude in degrees: give the layer its true CRS (EPSG:4326 for longitude/latitude "
            "on WGS84)")


def area_m2(geometries: np.ndarray, crs: pyproj.CRS | None) -> np.ndarray | None:
    """Each polygonal geometry's area in m2 as GEOS measures it, valid or not (each ring's area,
    its holes' subtracted, summed over the parts; 0 for a point, a line, None or an empty
    geometry): on the CRS's ellipsoid for a geographic CRS (`geodesic_area_m2`: each edge a
    geodesic, near enough the lon/lat line at a polygon's scale); for a projected one, the
    shoelace area in the CRS's unit times that unit's length in metres squared (x 0.3048006096
    squared for US survey feet). None for a missing or other CRS (its problem is reported)."""
    if crs is None:
        return None
    crs = pyproj.CRS.from_user_input(crs)
    if crs.is_projected:
        factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        return shapely.area(geometries) * factor * factor
    if not crs.is_geographic:
        return None
    geod = crs.get_geod()
    if geod is None:
        return None
    return geodesic_area_m2(np.asarray(geometries, dtype=object), geod)


def ellipsoidal_area_m2(geometries: np.ndarray, crs: pyproj.CRS | str) -> np.ndarray:
    """Each polygonal geometry's area (m2) on the ellipsoid of `crs` (a projected CRS, the working
    CRS), as a GIS measures it: the geometries are taken back to `crs`'s own geographic CRS (the
    inverse projection, no datum shift) and measured with `area_m2`
    (geodesic edges between the vertices, which the densified lon/lat edges keep short). NaN for
    a point, a line, None or an empty geometry."""
    crs = pyproj.CRS.from_user_input(crs)
    geographic = crs.geodetic_crs if crs.is_projected and crs.geodetic_crs is not None else crs
    geometries = np.asarray(geometries, dtype=object)
    polygonal = np.isin(shapely.get_type_id(geometries), [3, 6]) & ~shapely.is_empty(geometries)  # (Multi)Polygon
    areas = np.full(len(geometries), np.nan)
    if polygonal.any():
        lonlat = gpd.GeoSeries(geometries[polygonal], crs=crs).to_crs(geographic)
        measured = area_m2(lonlat.to_numpy(), geographic)
        areas[polygonal] = measured if measured is not None else np.nan
    return areas


def geodesic_area_m2(geometries: np.ndarray, geod: pyproj.Geod) -> np.ndarray:
    """The area (m2) on `geod`'s ellipsoid of each geometry of `geometries` (lon/lat in degrees):
    for each polygon (a polygon of a multipolygon or collection), A(exterior) - sum of A(hole)
    over its holes, summed over the polygons; 0 for a point, a line, None or an empty geometry.

    A(ring) is |S|, S the signed area of the geodesic polygon through the ring's vertices
    (edges the shortest geodesics between them, so either orientation counts alike), as
    GeographicLib's geod_polygonarea computes it (pyproj.Geod.polygon_area_perimeter; Karney,
    "Algorithms for geodesics", J. Geodesy 87, 43-55, 2013): accurate to about 0.1 m2 a vertex
    (GeographicLib's Planimeter). Only that call is made ring by ring, on the ring's own
    coordinates as shapely gives them (the closing vertex repeated); parts, rings and sums are
    whole-array operations, and the sums run in the order of the parts and rings, so each area
    is the same float as a ring-by-ring loop over the geometries gives."""
    parts, owner = shapely.get_parts(geometries, return_index=True)
    polygon = shapely.get_type_id(parts) == 3  # GEOS type 3: Polygon
    parts, owner = parts[polygon], owner[polygon]
    rings, part_of = shapely.get_rings(parts, return_index=True)  # each part's exterior, then its holes
    counts = shapely.get_num_coordinates(rings)
    ends = np.cumsum(counts)
    starts = ends - counts
    xy = shapely.get_coordinates(rings)
    lon, lat = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    ring_m2 = np.array([abs(geod.polygon_area_perimeter(lon[a:b], lat[a:b])[0])
                        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)], dtype=float)
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = part_of[1:] != part_of[:-1]
    part_m2 = np.zeros(len(parts))
    part_m2[part_of[exterior]] = ring_m2[exterior]
    part_m2 -= np.bincount(part_of[~exterior], weights=ring_m2[~exterior], minlength=len(parts))
    return np.bincount(owner, weights=part_m2, minlength=len(geometries)).astype(float)


def area_unit(m2: float) -> str:
    """The unit for a message giving areas up to `m2` (m2): km2 from 1 km2 up, ha below."""
    return "km2" if m2 >= 1e6 else "ha"


def area_text(m2: float, unit: str | None = None) -> str:
    """An area (m2) for a message in `unit` ("km2" or "ha"; by default `area_unit(m2)`), so that
    the areas of one message share one unit: km2 with one decimal (316.5 km2; two significant
    digits below 0.05 km2: 0.0012 km2), ha with three significant digits (12.3 ha, 0.004 ha;
    whole from 1,000 ha: 1,400 ha);
    0 as "0 km2" or "0 ha"."""
    unit = unit or area_unit(m2)
    value = m2 / (1e6 if unit == "km2" else 1e4)
    if value <= 0:
        return f"0 {unit}"
    if unit == "km2":
        return f"{value:,.1f} km2" if value >= 0.05 else f"{value:.2g} km2"
    return f"{value:,.3g} ha" if value < 1000 else f"{value:,.0f} ha"


def _repair(frame: gpd.GeoDataFrame, invalid: pd.Series, path: Path, geometry_types: tuple[str, ...],
            notices: list[str], problems: list[str], id_field: str | None,
            unit: str | None = None, union_parts: bool = False) -> gpd.GeoDataFrame:
    """Repair invalid geometries (shapely's make_valid; of a polygon, the polygonal part). The
    notice of the repair names the file by `path` as it is, the features, the first reason, and
    each polygon's area as drawn (as GEOS and a GIS measure the invalid polygon: `area_m2`) and
    repaired, with the parts the repair split it into: a polygon whose outline crosses itself has
    no one true area, and the two areas show how much the repair changed it. The areas of one
    message share one unit: `unit` ("ha" for sites) or else `area_unit` of the largest. A polygon
    the repair empties, or whose area it changes by more than MAX_REPAIR_AREA_CHANGE of its area
    as drawn, either way (a bow tie, whose two loops' areas cancel as drawn, gains both), is a
    problem, since the repaired shape is not what was drawn.

    With `union_parts` (the red line's zones, which exclude the land inside every part), a
    MultiPolygon whose parts are each valid but overlap or touch along an edge is read as the
    union of its parts, the evident meaning of an exclusion zone drawn so, whatever the share of
    its area the parts share; a notice says so, with its area as the parts add up and as their
    union. (make_valid would keep only the land inside an odd number of parts.)"""
    at = shown_path(path)
    rows = np.flatnonzero(invalid.to_numpy())
    ids = list(frame["id"])
    drawn = frame.geometry.to_numpy()[rows]
    reasons = [shapely.is_valid_reason(g) for g in drawn]
    union = np.array([union_parts and g is not None and g.geom_type == "MultiPolygon"
                      and bool(shapely.is_valid(shapely.get_parts(g)).all()) for g in drawn], dtype=bool)
    repaired = shapely.make_valid(drawn)
    repaired[union] = [shapely.union_all(shapely.get_parts(g)) for g in drawn[union]]
    others = [k for k in range(len(rows)) if not union[k]]  # repaired, not read as a union
    areas: list[str] = []
    polygonal = np.isin(shapely.get_type_id(drawn), [3, 6]) & any(t in POLYGONAL for t in geometry_types)
    repaired[polygonal] = [_polygonal_part(g) for g in repaired[polygonal]]
    before_m2 = area_m2(drawn[polygonal], frame.crs)
    after_m2 = area_m2(repaired[polygonal], frame.crs)
    before = shapely.area(drawn[polygonal]) if before_m2 is None else before_m2  # without a CRS, for the share
    after = shapely.area(repaired[polygonal]) if after_m2 is None else after_m2
    shared = unit or area_unit(max(np.max(before, initial=0.0), np.max(after, initial=0.0)))
    for k, i in enumerate(np.flatnonzero(polygonal)):
        feature = named_features([rows[i]], ids, id_field)
        old, new = float(before[k]), float(after[k])
        one = unit or area_unit(max(old, new))  # an error is a message of its own
        if union[i]:
            areas_said = (f": {area_text(new, one)}, where the parts add up to {area_text(old, one)}"
                          if before_m2 is not None else "")
            notices.append(f"{path}: the parts of {feature} overlap or share an edge ({reasons[i]}): read as "
                           f"their union, the land inside any of them{areas_said}")
            continue
        sizes = f"{area_text(old, shared)} as drawn, {area_text(new, shared)} repaired" if before_m2 is not None else ""
        change = f", from {area_text(old, one)} as drawn to {area_text(new, one)}" if sizes else ""
        if new <= 0.0:
            problems.append(f"{at}: geometry | repairing {feature} leaves nothing of it ({reasons[i]}); "
                            "redraw the polygon")
        elif old <= 0.0:
            problems.append(f"{at}: geometry | repairing {feature} would give it an area that its outline as "
                            f"drawn does not enclose{change} ({reasons[i]}: the loops of an outline that crosses "
                            "itself cancel); redraw the polygon so that its outline does not cross itself")
        elif abs(new - old) / old > MAX_REPAIR_AREA_CHANGE:
            share = f"remove {(old - new) / old:.1%} of" if new < old else f"add {(new - old) / old:.1%} to"
            problems.append(f"{at}: geometry | repairing {feature} would {share} its area{change} ({reasons[i]}); "
                            "redraw the polygon")
        if sizes:
            split = len(shapely.get_parts(repaired[i]))
            parts = f" (in {split} parts)" if split > len(shapely.get_parts(drawn[i])) else ""
            whose = "" if len(others) == 1 else f"the {ordinal(int(rows[i]) + 1)} "
            areas.append(f"{whose}{sizes}{parts}")
    frame = frame.copy()
    frame.loc[invalid, "geometry"] = repaired
    if not others:
        return frame
    geometries = "geometry" if len(others) == 1 else "geometries"
    first = "" if len(others) == 1 else " in the first"
    shown = cut_list(areas, REPAIRS_SHOWN)
    repaired_rows = [int(rows[k]) for k in others]
    notices.append(f"{path}: repaired the invalid {geometries} of {named_features(repaired_rows, ids, id_field)}: "
                   f"{reasons[others[0]]}{first}" + (f"; {shown}" if shown else ""))
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
    if_empty: str | None = None,
    working_crs: pyproj.CRS | None = None,
    unbuilt: Sequence[int] = (),
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Check one layer; return it with canonical column names only, and the problems found.

    `fields` maps canonical name -> the layer's field name (from the scenario), each required;
    `optional` the same for fields taken when present; columns starting with `prefix` are kept
    under their own names. Every other column is left out. A layer without features is a
    problem, whose fix is `if_empty` (by default, to add them). A CRS that names GCJ-02 or BD-09
    is a problem (`web_map_problem`); one PROJ transforms to `working_crs` (by default WGS84)
    only by a ballpark transform is said in a notice (`ballpark_notice`). A field the layer lacks
    is a problem naming the setting that names it (`missing_field_problem`); a field that is an
    optional one in other letter case is said in a notice (`other_case_notices`). `unbuilt`: the
    features (0-based places) whose geometry could not be built, a problem already told
    (`UnbuiltGeometries`): they are not said to lack geometry, and the checks of the geometries
    that need every feature's (coordinates, validity) wait for them to be drawn right."""
    at = shown_path(path)
    problems: list[str] = []
    crs_problem = _crs_problem(frame, path, role)
    if crs_problem is None and frame.crs is not None:
        crs = pyproj.CRS.from_user_input(frame.crs)
        crs_problem = web_map_problem(crs, path, role)
        ballpark = None if crs_problem else ballpark_notice(crs, working_crs or pyproj.CRS("EPSG:4326"), path, role)
        notices.extend([ballpark] if ballpark else [])
    if crs_problem:
        problems.append(crs_problem)
    if len(frame) == 0:
        problems.append(f"{at}: {role} layer | has no features (a layer must not be empty); "
                        f"{if_empty or 'add its features'}")
        return frame, problems
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    missing = {k: f for k, f in fields.items() if f not in frame.columns}
    problems += [missing_field_problem(at, name, role, columns, field_key(role, canonical),
                                       [*fields.values(), *(optional or {}).values()])
                 for canonical, name in missing.items()]
    if missing:
        return frame, problems
    notices += other_case_notices(path, role, columns, optional or {}, prefix)
    chosen = dict(fields)
    chosen.update({k: v for k, v in (optional or {}).items() if v in frame.columns and k not in chosen})
    data = {canonical: _column(frame, source).to_numpy(dtype=object) for canonical, source in chosen.items()}
    if prefix:
        data.update({str(c): _column(frame, c).to_numpy(dtype=object) for c in frame.columns
                     if str(c).startswith(prefix) and c not in data})
    frame = gpd.GeoDataFrame(pd.DataFrame(data, index=range(len(frame))),
                             geometry=list(frame.geometry), crs=frame.crs)
    id_field = fields["id"] if fields["id"] != _FEATURE_NUMBER else None
    unlisted, listed = _unlisted(frame, "id", path, fields["id"], "id", problems, id_field=None)
    ids = pd.Series(text_values(unlisted), dtype=object)
    blank = np.array([v is None or not v.strip() for v in ids], dtype=bool) & ~listed
    if blank.any():
        problems.append(f"{at}: field '{fields['id']}' | empty id in "
                        f"{named_features(np.flatnonzero(blank), None, None)}; every feature needs an id")
    odd = np.array([not bad and v != _clean_id(v) for v, bad in zip(ids, blank, strict=True)], dtype=bool)
    if odd.any():  # never matched by the ids the scenario and the other layers write, and unseen in a table
        example = _clean_id(ids[int(np.argmax(odd))])
        problems.append(f"{at}: field '{fields['id']}' | id with spaces around it, or a line break, tab or other "
                        f"character that does not print, in {named_features(np.flatnonzero(odd), ids, fields['id'])}"
                        f"; write the id without them, e.g. {example!r}")
    frame["id"] = [v if v is not None else "" for v in ids]
    if "name" in frame.columns:
        frame["name"] = text_values(_unlisted(frame, "name", path, chosen["name"], "name", problems,
                                              id_field=id_field)[0])
    duplicated = sorted(set(frame.loc[frame["id"].duplicated() & ~blank & ~listed, "id"]))
    if duplicated:
        each = [f"{d!r} ({named_features(np.flatnonzero(frame['id'].to_numpy() == d), None, None)})"
                for d in duplicated]
        shown = joined(each, limit=5)
        problems.append(f"{at}: field '{fields['id']}' {DUPLICATE_ID}{'s' if len(duplicated) > 1 else ''} "
                        f"{shown}; ids must be unique")
    geoms = frame.geometry
    shape_problems = _shape_problems(frame, path, role, geometry_types, id_field, unbuilt)
    if shape_problems or len(unbuilt):
        return frame, problems + shape_problems
    if not crs_problem:
        lonlat = lonlat_problem(frame, path, role, id_field) or degrees_problem(frame, path, role)
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
            frame = _repair(frame, invalid, path, geometry_types, notices, problems, id_field,
                            "ha" if role == "sites" else None, union_parts=role == "redline")
    return frame, problems


def _clean_id(value: str) -> str:
    """`value`, an id, without the spaces around it, each run of characters that do not print
    (a line break, a tab) inside it made one space."""
    if not value:
        return value
    kept = "".join(c if c == " " or (c.isprintable() and not c.isspace()) else "\0" for c in value)
    return re.sub("\0+", " ", kept).strip()


#: Canonical column -> the setting of a layer that names its field (`layers.<role>.<setting>`).
FIELD_SETTINGS = {"id": "id_field", "name": "name_field", "category": "category_field", "resource": "resource_field",
                  "supply_t_per_yr": "supply_field", "status": "status_field",
                  "power_tariff_yuan_per_kwh": "tariff_field", "hub_lon": "hub_lon_field", "hub_lat": "hub_lat_field",
                  "usable_area_ha": "usable_area_field", "land_price_yuan_per_ha": "land_price_field",
                  "site_tariff_yuan_per_kwh": "tariff_field"}
#: The scenario key under which each layer role's settings stand.
ROLE_KEYS = {"allowed-zone": "candidates.allowed_zone", "allowed_zone": "candidates.allowed_zone"}


def field_key(role: str, canonical: str) -> str | None:
    """The scenario key that names the field of `canonical` in a layer of `role`
    (`layers.sites.id_field`), or None for a column no setting renames."""
    setting = FIELD_SETTINGS.get(canonical)
    return f"{ROLE_KEYS.get(role, f'layers.{role}')}.{setting}" if setting else None


def other_case(name: str, columns: Iterable[str]) -> list[str]:
    """The columns that are `name` in other letter case (`Site_ID` for `site_id`)."""
    return [c for c in columns if c != name and c.casefold() == name.casefold()]


def missing_field_problem(at: str, name: str, role: str, columns: Sequence[str], key: str | None,
                          taken: Iterable[str] = ()) -> str:
    """The problem of a field `name` that the layer of `role` (file shown as `at`, with `columns`)
    lacks, naming the setting `key` that names it: when a column is that name in other letter
    case, it says so and gives the exact setting that reads it; when a column is close to it (a
    slip, `close_key`, as a misspelt scenario key is offered), "did you mean" it, with the
    setting that reads it, unless another setting reads that column already (`taken`: the
    `source_id` of a sources layer is never the `resource` meant)."""
    has = ", ".join(columns)
    alike = other_case(name, columns)
    if alike and key:
        which = f"set {key}: {alike[0]}" if len(alike) == 1 else f"set {key} to the one of them that holds it"
        return (f"{at}: field '{name}' | missing from the {role} layer, which has {either(alike)}, differing from "
                f"it only in letter case (has: {has}); {which}, or rename the field to '{name}'")
    if alike:
        return (f"{at}: field '{name}' | missing from the {role} layer, which has {either(alike)}, differing from "
                f"it only in letter case (has: {has}); rename the field to '{name}'")
    close = close_key(name, [c for c in columns if c not in set(taken)]) if key else None
    if close is not None:
        fix = f"did you mean '{close}'? set {key}: {close}, or add the field '{name}'"
    else:
        fix = f"add it or set {key} to the right field name" if key else "add it"
    return f"{at}: field '{name}' | missing from the {role} layer (has: {has}); {fix}"


def other_case_notices(path: Path, role: str, columns: Sequence[str], optional: Mapping[str, str],
                       prefix: str | None) -> list[str]:
    """Notices of the columns a layer holds that are an optional field (`optional`, canonical ->
    field, read when present) or start with `prefix` only in other letter case: they are not
    read, which would otherwise pass unsaid (`Name` for `name`, `Existing_lfp` for `existing_lfp`).
    Names the file by `path` as it is."""
    notices: list[str] = []
    for canonical, name in optional.items():
        alike = [c for c in other_case(name, columns) if name not in columns]
        if not alike:
            continue
        key = field_key(role, canonical)
        fix = f"set {key}: {alike[0]} to read it" if key and len(alike) == 1 else (
            f"set {key} to the one that holds it" if key else f"rename it to '{name}' to read it")
        notices.append(f"{path}: field {either(alike)} is not read: the {role} layer reads '{name}' when it has it, "
                       f"and {'this differs' if len(alike) == 1 else 'these differ'} from it only in letter case; "
                       f"{fix}")
    if prefix:
        alike = [c for c in columns if not c.startswith(prefix) and c.casefold().startswith(prefix.casefold())]
        if alike:
            shown = joined([repr(c) for c in alike], limit=5)
            notices.append(f"{path}: {'field' if len(alike) == 1 else 'fields'} {shown} "
                           f"{'is' if len(alike) == 1 else 'are'} not read: the {role} layer reads the columns "
                           f"starting with '{prefix}', and {'this starts' if len(alike) == 1 else 'these start'} "
                           f"with it only in other letter case; rename {'it' if len(alike) == 1 else 'them'} to "
                           f"start with '{prefix}', or set {ROLE_KEYS.get(role, f'layers.{role}')}.existing_prefix "
                           f"to {'its' if len(alike) == 1 else 'their'} prefix")
    return notices


def _shape_problems(frame: gpd.GeoDataFrame, path: Path, role: str, geometry_types: tuple[str, ...],
                    id_field: str | None, unbuilt: Sequence[int] = ()) -> list[str]:
    """Features without geometry, with a non-finite coordinate, or of the wrong geometry type;
    those whose geometry could not be built (`unbuilt`, told as such) are none of these."""
    geoms = frame.geometry
    at = shown_path(path)
    told = np.zeros(len(frame), dtype=bool)
    told[list(unbuilt)] = True
    empty = (geoms.isna() | geoms.is_empty).to_numpy() & ~told
    if empty.any():
        them = "it" if int(empty.sum()) == 1 else "them"
        return [f"{at}: geometry | no geometry in {features_where(frame, empty, id_field)}; remove {them} or draw "
                f"{them}"]
    non_finite = _non_finite(frame)
    if non_finite.any():
        ids = list(frame["id"])
        return [f"{at}: geometry | {named_features([row], ids, id_field)} has a non-finite coordinate; use finite "
                "numbers for every coordinate" for row in np.flatnonzero(non_finite)]
    wrong_type = (~geoms.geom_type.isin(geometry_types)).to_numpy() & ~told
    if wrong_type.any():
        got = str(geoms[wrong_type].geom_type.iloc[0])
        return [f"{at}: geometry | {role} must be {' or '.join(geometry_types)} (got "
                f"{got} for {features_where(frame, wrong_type, id_field)}); {_type_fix(role, got, geometry_types)}"]
    return []


def _type_fix(role: str, got: str, wanted: tuple[str, ...]) -> str:
    """How to give a layer of `role` the geometry type it needs (`wanted`) when it has `got`."""
    if got == "MultiPoint" and "Point" in wanted:
        share = " and its share of the supply" if role == "sources" else ""
        return ("give one feature per point: split each MultiPoint into single points (in QGIS, Vector > Geometry "
                f"Tools > Multipart to Singleparts), each with an id of its own{share}")
    if "Polygon" in wanted and "Point" not in wanted:
        if "LineString" in got:
            return "draw each area as a polygon (in QGIS, Vector > Geometry Tools > Lines to Polygons)"
        return "draw each area as a polygon"
    if "Point" in wanted and "Polygon" not in wanted:
        return "give each feature as a point (in QGIS, Vector > Geometry Tools > Centroids)"
    return f"give each feature as a {' or a '.join(wanted)}"


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a repaired geometry (make_valid may return a collection with lines)."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def check_numeric(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, problems: list[str],
                  allow_missing: bool | np.ndarray = False, *, id_field: str | None,
                  infinite_fix: str = "use a number") -> None:
    """Make `frame[column]` float; a value that is not a finite number from 0 to MAX_QUANTITY is a
    problem naming the features (by `named_features`, their ids from `id_field`). `allow_missing`
    (for all features, or per feature) lets a null through as NaN. `infinite_fix` is the fix an
    infinite value's problem gives (a source's supply: `UNLIMITED_SUPPLY_FIX`, how to say
    "unlimited" the way the tool can take it)."""
    raw = frame[column]
    values = _numbers(raw)
    null = raw.isna().to_numpy()
    missing_ok = np.broadcast_to(np.asarray(allow_missing, dtype=bool), null.shape)
    not_number = values.isna().to_numpy() & ~(null & missing_ok)
    infinite = np.isinf(values.to_numpy())
    negative = (values < 0).to_numpy() & ~infinite
    at = shown_path(path)

    too_large = (values > MAX_QUANTITY).to_numpy() & ~infinite
    written = _as_written(path, field_name, np.flatnonzero(not_number | infinite | negative | too_large), len(frame),
                          lambda row: "null" if null[row] else _written(raw.iloc[row]))

    def named(where: np.ndarray) -> str:
        return features_got(frame, where, id_field, written.__getitem__)

    if not_number.any():
        problems.append(f"{at}: field '{field_name}' | not a number for {named(not_number)}; use a number")
    if infinite.any():
        problems.append(f"{at}: field '{field_name}' | must be a finite number for {named(infinite)}; {infinite_fix}")
    if negative.any():
        problems.append(f"{at}: field '{field_name}' | negative for {named(negative)}; use a value >= 0")
    if too_large.any():
        problems.append(f"{at}: field '{field_name}' | too large for {named(too_large)}: it "
                        f"{too_large_message(MAX_QUANTITY)}; give a smaller value")
    frame[column] = values


class _Typed(str):
    """A number of a GeoJSON file as its text writes it (-5, -7.50, 1e400, NaN, Infinity), read
    by `_as_written` (json's parse_float, parse_int and parse_constant)."""


def _as_written(path: Path, field_name: str, rows: Iterable[int], count: int,
                read: Callable[[int], str]) -> dict[int, str]:
    """How the GeoJSON `path` (of `count` features) writes the value of `field_name` at each of
    `rows` (0-based places in the file): a number as its text writes it (-5, -7.50, 1e400; NaN and
    Infinity, not JSON but written by some tools), 'lots' for a text, true for a yes/no, null.
    GDAL reads a column of numbers and texts as texts ('-5'), and a text 'NaN' in a column of
    numbers as null: the file says which was typed. Where it cannot (a file of another format, a
    feature without the field), `read(row)`: the value as read. The file is read once."""
    rows = [int(r) for r in rows]
    shown = {row: read(row) for row in rows}
    if not rows or path.suffix.lower() not in (".geojson", ".json"):
        return shown
    try:
        features = json.loads(path.read_bytes(), parse_float=_Typed, parse_int=_Typed,
                               parse_constant=_Typed).get("features")
        if len(features) != count:
            return shown
        for row in rows:
            properties = features[row].get("properties")
            if isinstance(properties, dict) and field_name in properties:
                value = properties[field_name]
                shown[row] = str(value) if isinstance(value, _Typed) else "null" if value is None else _written(value)
    except (OSError, ValueError, AttributeError, KeyError, IndexError, TypeError):
        return {row: read(row) for row in rows}
    return shown


def _numbers(raw: pd.Series) -> pd.Series:
    """`raw`, a layer's column, as floats: NaN where a value is no number, a true/false among
    them (a yes/no is not 1 or 0, as a scenario's figure is not: siting.config.schema)."""
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    yes_no = np.array([isinstance(v, (bool, np.bool_)) for v in raw], dtype=bool)
    values[yes_no] = np.nan
    return values


def _written(value: object) -> str:
    """A layer's value as a message shows it, as the file types it: true/false as GeoJSON writes
    them, a text quoted (its repr), a whole number without a decimal point (-5, where GDAL read
    -5.0), any other number as Python writes it (-2.5, inf, 1e+308)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        whole = math.isfinite(number) and number.is_integer() and abs(number) < 1e15
        return str(int(number)) if whole else repr(number)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return repr(value)


def features_got(frame: gpd.GeoDataFrame, where: np.ndarray | pd.Series, id_field: str | None,
                 shown: Callable[[int], str], limit: int = 5) -> str:
    """`features_where` with the value each feature has, as `shown` (by the feature's 0-based
    place in the file) writes it: one "(got ...)" after the features when they all have the same
    value, else one after each feature, the first `limit` of them:

        the 1st feature (site_id 'a') and the 3rd (site_id 'c') (got 'lots')
        the 2nd feature (site_id 'b') (got -5) and the 4th (site_id 'd') (got -7)
        the 2nd feature (got -5), the 4th (got -7) and 3 more      (without ids)"""
    rows = [int(r) for r in np.flatnonzero(np.asarray(where, dtype=bool))]
    values = [shown(row) for row in rows]
    if len(set(values)) == 1:
        return f"{features_where(frame, where, id_field)} (got {values[0]})"
    ids = list(frame["id"]) if "id" in frame.columns and id_field is not None else None
    named, rest = cut_at(rows, limit)
    each = [named_features([row], ids, id_field if ids is not None else None) for row in named]
    each = [(text if i == 0 else text.replace(" feature", "", 1)) + f" (got {value})"
            for i, (text, value) in enumerate(zip(each, values, strict=False))]
    return joined(each + ([f"{rest} more"] if rest else []))


def _is_listed(value: object) -> bool:
    """Whether a layer's value is a list or an object (GDAL's StringList, IntegerList or JSON
    field of a GeoJSON), not one value."""
    return isinstance(value, (list, tuple, dict, np.ndarray))


def _unlisted(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, what: str,
              problems: list[str], *, id_field: str | None) -> tuple[pd.Series, np.ndarray]:
    """`frame[column]` with each value written as a list (`["lake"]`) or an object refused, and
    where (a mask of the features): one problem naming those features and their values as the
    file writes them; the values there are left empty, for the caller to say nothing more of
    them. GDAL reads the whole column of a GeoJSON as lists when one feature writes a list, so a
    feature whose value the file writes as one text (`'lake'`), read as a one-item list, is that
    text again, not refused."""
    raw = frame[column]
    rows = [row for row, value in enumerate(raw) if _is_listed(value)]
    listed = np.zeros(len(frame), dtype=bool)
    if not rows:
        return raw, listed

    def as_read(row: int) -> str:
        value = raw.iloc[row]
        return json.dumps(value.tolist() if isinstance(value, np.ndarray) else value, ensure_ascii=False,
                          default=str)

    written = _as_written(path, field_name, rows, len(frame), as_read)
    values = list(raw)
    for row in rows:
        items = list(values[row]) if not isinstance(values[row], dict) else None
        if not written[row].startswith(("[", "{")) and items is not None and len(items) == 1:
            values[row] = items[0]
        else:
            listed[row] = True
            values[row] = None
    if listed.any():
        problems.append(f"{shown_path(path)}: field '{field_name}' | a list, not one {what}, in "
                        f"{features_got(frame, listed, id_field, written.__getitem__)}; write one {what} as "
                        f"text, one feature per {what}")
    return pd.Series(values, index=raw.index, dtype=object), listed


def _check_text(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, what: str,
                allowed: tuple[str, ...] | None, problems: list[str], *, id_field: str | None) -> None:
    """Make `frame[column]` text; a null value, or one outside `allowed`, is a problem naming the
    features (by `named_features`, their ids from `id_field`)."""
    at = shown_path(path)
    unlisted, listed = _unlisted(frame, column, path, field_name, what, problems, id_field=id_field)
    values = text_values(unlisted)
    empty = np.array([v is None or not v.strip() for v in values], dtype=bool) & ~listed
    if empty.any():
        fix = f"use one of: {', '.join(allowed)}" if allowed else f"give every feature its {what}"
        problems.append(f"{at}: field '{field_name}' | empty {what} in "
                        f"{features_where(frame, empty, id_field)}; {fix}")
    if allowed:
        wrong = np.array([not bad and v not in allowed for v, bad in zip(values, empty | listed, strict=True)],
                         dtype=bool)
        if wrong.any():
            written = _as_written(path, field_name, np.flatnonzero(wrong), len(frame), lambda row: repr(values[row]))
            problems.append(f"{at}: field '{field_name}' | unknown {what} in "
                            f"{features_got(frame, wrong, id_field, written.__getitem__)}; use "
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


def in_layer(message: str, path: Path, layer: str, *forms: str) -> str:
    """`message` about the file at `path` naming the layer of it that was read, where it begins
    with the file, as the messages name it (`shown_path`), by its whole path or by one of `forms`
    ("all.gpkg: field 'site_id' | ..." -> "all.gpkg (layer 'sites_a'): field 'site_id' | ..."): a
    file of several layers (a GeoPackage) says which one is meant. A message about the `layer`
    setting itself (a layer of that name the file lacks) and any other message are returned as
    they are."""
    for at in dict.fromkeys((shown_path(path), str(path), *forms)):
        if message.startswith(f"{at}: ") and not re.match(r"layers\.\w+\.layer \|", message[len(at) + 2:]):
            return f"{at} (layer {layer!r}): {message[len(at) + 2:]}"
    return message


def notice_in_layer(notice: str, path: Path, layer: str, loaded: LoadedScenario) -> str:
    """`in_layer` of a notice; a `Notice` in both its forms (the run's files name the file
    relative to the scenario's folder, `scenario_relative`; the terminal as the errors do)."""
    if isinstance(notice, Notice):
        return Notice(in_layer(str(notice), path, layer, scenario_relative(path, loaded)),
                      in_layer(notice.shown, path, layer))
    return in_layer(notice, path, layer)


@contextlib.contextmanager
def naming_layer(problems: list[str], path: Path, layer: str | None, notices: list[str],
                 loaded: LoadedScenario) -> Iterator[None]:
    """While the block runs, the problems and notices it adds to `problems` and `notices` about
    the file at `path` are made to name `layer`, the layer of it read (`in_layer`,
    `notice_in_layer`; nothing when None)."""
    told, said = len(problems), len(notices)
    try:
        yield
    finally:
        if layer is not None:
            problems[told:] = [in_layer(m, path, layer) for m in problems[told:]]
            notices[said:] = [notice_in_layer(n, path, layer, loaded) for n in notices[said:]]


def read_layers(loaded: LoadedScenario, allowed_zone: bool = True) -> tuple[LayerSet, list[str], frozenset[str]]:
    """Read and check every layer (the allowed zone of `candidates:` only with `allowed_zone`):
    the layers, every problem found in them, and the roles of the layers ("clusters", "sites",
    "redline", "sources", "context") whose referenced values (`REFERENCED`) are not known for
    their problems: nothing is to be checked against those. A layer with problems
    may be empty or lack columns. A shapefile's fields are read by the names it cut
    (`read_as`). Without a catalog (`loaded.catalog` None: it failed, and its problems are
    reported), the checks that need none are made: files, CRS, geometries, ids, numbers and texts;
    not the existing-capacity columns (`existing_<product>`) nor the sources' resources, which
    name the catalog's products and resources. Each file's
    `read_info` is read once (`kept_infos`)."""
    with kept_infos():
        return _read_layers(loaded, allowed_zone)


def _read_layers(loaded: LoadedScenario, allowed_zone: bool) -> tuple[LayerSet, list[str], frozenset[str]]:
    """`read_layers`, with the files' `read_info` kept."""
    scenario = loaded.scenario
    policy = scenario.spatial.invalid_geometry
    catalog_known = loaded.catalog is not None
    products = list(loaded.catalog.products) if catalog_known else []
    notices: list[str] = []
    problems: list[str] = []
    paths: dict[str, Path] = {}
    text_columns: dict[str, pd.DataFrame] = {}
    descriptions: dict[str, str] = {}
    faulty: set[str] = set()
    cuts: dict[str, CutNames] = {}
    columns_read: dict[str, list[str]] = {}  # role -> the columns of its layer as read (`CutNames.apply`)
    working = working_crs_or_none(scenario.spatial.working_crs)

    def checked(role: str, count: int, frame: gpd.GeoDataFrame, unknown: bool = False) -> None:
        """Note `role` as a layer whose referenced values are not known, when problems were found
        since there were `count` and its key columns (`REFERENCED`) are missing or have empty
        values, or when they are `unknown` (a resource field that names no resource of the
        catalog); a problem in another field leaves them known."""
        if unknown or (len(problems) > count and not referenced_values_known(frame, role)):
            faulty.add(role)

    def as_read(role: str, ref: Ref) -> Ref:
        """`ref` naming the fields as its file does (`read_as`), the names a shapefile cut noted."""
        path = loaded.resolve(ref.path)
        ref, cut = read_as(path, ref, products)
        cuts[role] = cut
        return ref

    def load(role: str, ref: LayerRef, fields: dict[str, str], types: tuple[str, ...],
             optional: dict[str, str] | None = None, prefix: str | None = None) -> gpd.GeoDataFrame:
        """The layer of `role` read and checked; its problems name the layer read of a file of
        several (`naming_layer`), as do those of the checks of its values below."""
        path = loaded.resolve(ref.path)
        paths[role] = path
        with naming_layer(problems, path, ref.layer, notices, loaded):
            unbuilt: tuple[int, ...] = ()
            try:
                frame = read_layer(path, role, ref.layer, fields.get("id"), path_named_in(loaded, role),
                                   path_written(loaded, ("layers", role, "path"), ref.path))
            except UnbuiltGeometries as exc:  # read all the same: its other problems are told beside
                problems.extend(exc.problems)
                frame, unbuilt = exc.frame, exc.rows
            except InputError as exc:
                problems.extend(exc.problems)
                faulty.add(role)
                return gpd.GeoDataFrame()
            cut = cuts.get(role, CutNames())
            frame = cut.apply(frame)
            problems.extend(cut.problems(path))
            required_name, optional_name = _name_field(ref)
            layer_notices: list[str] = cut.notices(path)
            raw = frame
            columns_read[role] = [str(c) for c in raw.columns if c != "geometry"]
            frame, found = check_layer(frame, path, role, {**fields, **required_name}, types, policy, layer_notices,
                                       {**optional_name, **(optional or {})}, prefix, empty_layer_fix(role, loaded),
                                       working, unbuilt)
            text_columns[role] = other_text_columns(raw, frame, found, {**fields, **required_name, **optional_name,
                                                                        **(optional or {})}, prefix,
                                                    typed=role in TYPED_COLUMNS,
                                                    declared=declared_dtypes(path, ref.layer, cut.renamed))
            notices.extend(file_notice(n, loaded, path) for n in layer_notices)
            count = len(problems)
            problems.extend(found)
            checked(role, count, frame)
            return frame

    refs = scenario.layers
    clusters_ref = as_read("clusters", refs.clusters)
    named, present = economic_fields(clusters_ref, CLUSTER_FIELDS)
    clusters = load("clusters", clusters_ref, {"id": clusters_ref.id_field, **named}, POLYGONAL, present)
    sites_ref = as_read("sites", refs.sites)
    named, present = economic_fields(sites_ref, SITE_FIELDS)
    sites = load("sites", sites_ref, {"id": sites_ref.id_field, **named}, POLYGONAL + PUNCTUAL,
                 {**present, POSITION_UNCERTAINTY: POSITION_UNCERTAINTY}, sites_ref.existing_prefix)
    with naming_layer(problems, paths["sites"], sites_ref.layer, notices, loaded):
        problems.extend(_prefix_problems(columns_read.get("sites"), paths["sites"], sites_ref,
                                         products if catalog_known else None, cuts["sites"]))
    redline = gpd.GeoDataFrame({"id": [], "category": []}, geometry=[], crs="EPSG:4326")
    redline_ref = as_read("redline", refs.redline) if refs.redline is not None else None
    if redline_ref is not None:
        redline = load("redline", redline_ref, {"id": redline_ref.id_field, "category": redline_ref.category_field},
                       POLYGONAL)
        # quoted by the outputs (its basis): read with the layer, not again each time they are written
        descriptions["redline"] = layer_description(paths["redline"], redline_ref.layer)
    sources = gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []},
                               geometry=[], crs="EPSG:4326")
    sources_ref = as_read("sources", refs.sources) if refs.sources is not None else None
    if sources_ref is not None:
        sources = load("sources", sources_ref, _source_fields(sources_ref), PUNCTUAL)
    context = None
    if refs.context is not None:
        context_ref = as_read("context", refs.context)
        context = load("context", context_ref, {"id": context_ref.id_field}, POLYGONAL)
    existing: dict[str, str] = {}
    if "id" in clusters.columns and len(clusters):
        count = len(problems)
        with naming_layer(problems, paths["clusters"], clusters_ref.layer, notices, loaded):
            notices += [file_notice(n, loaded, paths["clusters"])
                        for n in _cluster_attributes(clusters, paths["clusters"], clusters_ref, problems)]
        checked("clusters", count, clusters)
    if "id" in sites.columns and len(sites):
        count = len(problems)
        found: list[str] = []
        with naming_layer(problems, paths["sites"], sites_ref.layer, notices, loaded):
            existing = _site_attributes(sites, paths["sites"], sites_ref, products if catalog_known else None,
                                        problems, cuts["sites"], found, str(paths["sites"]),
                                        columns_read.get("sites", []), working)
            notices += [file_notice(n, loaded, paths["sites"]) for n in found]
            notices += [file_notice(n, loaded, paths["sites"]) for n in _site_notices(sites, paths["sites"], sites_ref,
                                                                                      working)]
        checked("sites", count, sites)
    problems.extend(clashing_id_problems(clusters, sites, paths, clusters_ref.id_field, sites_ref.id_field))
    if "id" in sources.columns and len(sources) and "supply_t_per_yr" in sources.columns and sources_ref is not None:
        count = len(problems)
        with naming_layer(problems, paths["sources"], sources_ref.layer, notices, loaded):
            found_notices, none_known = _source_attributes(sources, paths["sources"], sources_ref, loaded, problems,
                                                           text_columns.get("sources"))
            notices += found_notices
        checked("sources", count, sources, none_known)
    if "category" in redline.columns and len(redline) and redline_ref is not None:
        count = len(problems)
        with naming_layer(problems, paths["redline"], redline_ref.layer, notices, loaded):
            _check_text(redline, "category", paths["redline"], redline_ref.category_field, "category", None,
                        problems, id_field=redline_ref.id_field)
            notices += _redline_categories(redline, paths["redline"], redline_ref, loaded, problems)
        checked("redline", count, redline)
    allowed = None
    candidates = scenario.candidates
    if allowed_zone and candidates is not None and candidates.allowed_zone is not None:
        allowed = _allowed_zone(loaded, candidates.allowed_zone, policy, notices, problems, paths)
    id_fields = {role: ref.id_field for role, ref in (("clusters", clusters_ref), ("sites", sites_ref),
                                                      ("redline", redline_ref), ("sources", sources_ref))
                 if ref is not None}
    return (LayerSet(clusters, sites, redline, sources, existing, notices, paths, context, allowed, text_columns,
                     descriptions, id_fields),
            problems, frozenset(faulty))


#: The node id the outputs give the gateway (hubs.geojson's `node`, product_flows.csv's `from` and
#: `to`), beside the clusters' hubs, which they name by their cluster's id.
GATEWAY_NODE = "gateway"


def clashing_id_problems(clusters: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, paths: Mapping[str, Path],
                         cluster_field: str, site_field: str) -> list[str]:
    """The problems of ids the outputs could not tell apart: a cluster id `gateway`, the gateway's
    node in hubs.geojson and product_flows.csv, where the clusters' hubs are named by their
    cluster's id; a site id that is also a cluster id, which product_flows.csv names side by side
    (`hub_to_site,east,west`)."""
    problems: list[str] = []
    cluster_ids = [str(v) for v in clusters["id"]] if "id" in clusters.columns else []
    if GATEWAY_NODE in cluster_ids and "clusters" in paths:
        at = shown_path(paths["clusters"])
        rows = [i for i, v in enumerate(cluster_ids) if v == GATEWAY_NODE]
        problems.append(f"{at}: field '{cluster_field}' | cluster id {GATEWAY_NODE!r} in "
                        f"{named_features(rows, None, None)} is the name the outputs give the gateway (hubs.geojson's "
                        "node, product_flows.csv's from and to), where each cluster's hub is named by its cluster's "
                        f"id: the two could not be told apart; rename the cluster, e.g. '{GATEWAY_NODE}_cluster'")
    if "id" not in sites.columns or not cluster_ids or "sites" not in paths:
        return problems
    site_ids = [str(v) for v in sites["id"]]
    shared = sorted(set(site_ids) & set(cluster_ids) - {""})
    for one in shared:
        rows = [i for i, v in enumerate(site_ids) if v == one]
        clusters_at = shown_path(paths["clusters"]) if "clusters" in paths else "the clusters layer"
        problems.append(f"{shown_path(paths['sites'])}: field '{site_field}' | site id {one!r} in "
                        f"{named_features(rows, None, None)} is also a cluster id of {clusters_at}: the outputs "
                        "(product_flows.csv's from and to) name sites and clusters' hubs side by side and could not "
                        f"tell them apart; give the site another id, e.g. '{one}_site'")
    return problems


def working_crs_or_none(name: str) -> pyproj.CRS | None:
    """The working CRS the scenario names, or None when pyproj does not know it (the scenario's
    problem, reported by its schema)."""
    try:
        return pyproj.CRS.from_user_input(name)
    except pyproj.exceptions.CRSError:
        return None


def path_named_in(loaded: LoadedScenario, role: str) -> str:
    """Where the path of the layer of `role` was written, for the message of a missing file: the
    key in the scenario file, a base scenario it extends (a relative path there starts at that
    base's folder) or a variant, with file and line, or an override (`--set` on the command line,
    `overrides` in Python: a relative path there starts at the current folder), with where its
    relative paths start, or what is wrong with the home folder its path starts at (a `~user`
    the system does not know: siting/config/load.py `path_start_words`)."""
    loc = ("layers", role, "path")
    if loaded.locator is None:
        return f"layers.{role}.path in the scenario (relative paths start at the scenario file)"
    origin = loaded.locator.origin(loc)
    start = path_start_words(path_written(loaded, loc, ""), origin.command_line)
    if origin.command_line:
        return f"{origin.key(loc)} ({start})"
    return f"{origin.key(loc)} at {origin.where(loc)} ({start})"


def path_written(loaded: LoadedScenario, loc: tuple[str, ...], given: Path | str) -> str:
    """The path at the scenario key `loc` as it was written (in its file, or as an override typed
    it: `Locator.written`, before any rebasing onto another folder); `given`, the value the
    scenario holds, when that is not known."""
    written = loaded.locator.written(loc) if loaded.locator is not None else None
    return os.fspath(written) if isinstance(written, (str, os.PathLike)) else str(given)


def empty_layer_fix(role: str, loaded: LoadedScenario) -> str:
    """How to mend a layer of `role` that has no features: add them, or, for a layer the scenario
    may leave out (`siting.config.schema.Layers`, `candidates.allowed_zone`), leave it out, with
    the settings that then fail or mislead: the red-line categories constraints.redline names
    (`checks.category_problems` looks for them in the layer), and the limits of
    constraints.proximity while it is on (without a source, every site lies beyond them)."""
    scenario = loaded.scenario
    if role == "clusters":
        return "add the cluster polygons, which the sites and cells are planned in"
    if role == "sites":
        return "add the candidate sites"
    if role == "redline":
        rule = scenario.constraints.redline
        naming = [f"constraints.redline.{key}" for key, value in (("categories", rule.categories),
                                                                  ("setbacks_m", rule.setbacks_m)) if value]
        also = f", and {' and '.join(naming)}, which name its categories" if naming else ""
        return ("add the red-line polygons, or, for a plan without a red line, leave layers.redline out of the "
                f"scenario{also}")
    if role == "sources":
        proximity = scenario.constraints.proximity
        also = (", and set constraints.proximity.enabled: false, since without a source every site lies beyond "
                "its limits" if proximity.enabled and proximity.max_distance_km else "")
        return ("add the sources, or, for a plan without in-province sources (raw resources only imported), leave "
                f"layers.sources out of the scenario{also}")
    if role == "context":
        return "add the context polygons, or leave layers.context out of the scenario for a map without them"
    if role == "allowed_zone":
        return ("add the allowed polygons, or leave candidates.allowed_zone out of the scenario for cells anywhere "
                "in the clusters")
    return "add its features"


def file_notice(text: str, loaded: LoadedScenario, *paths: Path) -> Notice:
    """The notice `text`, which names the files `paths` by their whole paths (`str(path)`), as a
    `Notice`: naming each relative to the scenario's folder (`scenario_relative`), for the
    run's files, and as the errors name files (`shown_path`), for the terminal."""
    in_files, shown = text, text
    for path in paths:
        in_files = in_files.replace(str(path), scenario_relative(path, loaded))
        shown = shown.replace(str(path), shown_path(path))
    return Notice(in_files, shown)


def scenario_relative(path: Path, loaded: LoadedScenario) -> str:
    """A layer file as a notice names it, for the manifest: relative to the scenario's folder, as
    the scenario names it, not by the path of the machine that ran it."""
    return Path(os.path.relpath(path, loaded.scenario_path.parent)).as_posix()


# --- field names a shapefile cut ------------------------------------------------------------------

#: The most characters a shapefile keeps of a field name (its dBASE table's limit): GDAL cuts a
#: longer name when it writes one (`usable_area_ha` becomes `usable_are`), and names a second field
#: cut to the same characters by its first 8 and a number (`existing_lfp`, `existing_li2co3`
#: become `existing_l`, `existing_1`).
SHAPEFILE_NAME_CHARS = 10
Ref = TypeVar("Ref", bound=LayerRef)


def is_shapefile(path: Path) -> bool:
    """Whether a layer file is a shapefile, named by its .shp or its .dbf, or a zip file that
    holds one (`zipped_shapefile`)."""
    return path.suffix.lower() in SHAPEFILE_SUFFIXES or zipped_shapefile(path) is not None


def either(names: Sequence[str]) -> str:
    """Quoted names joined for a message: "'a'", "'a' or 'b'", "'a', 'b' or 'c'"."""
    return joined([f"'{n}'" for n in names], last="or")


@dataclass(frozen=True)
class CutNames:
    """The fields of a shapefile matched with the names the scenario expects of it (`cut_names`).

    `read_as`: a field of the file -> the one expected name it is the cut of, in the file's order;
    `renamed`: those of them that are `existing_<product>` columns, renamed so in the layer;
    `settings`: a field setting of the layer (`usable_area_field`) -> the field of the file that
    is the cut of the name it gives; `ambiguous`: a field of the file -> the expected names (two or
    more) it may be the cut of."""

    read_as: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    #: Whether the layer is a shapefile.
    shapefile: bool = False

    def apply(self, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """The layer as read, its existing-capacity fields under their whole names, and those of
        ambiguous names left out (their problem says why) unless a setting reads them."""
        dropped = [c for c in self.ambiguous if c not in self.settings.values() and c in frame.columns]
        if not dropped and not self.renamed:
            return frame
        return frame.drop(columns=dropped).rename(columns=self.renamed)

    def problems(self, path: Path) -> list[str]:
        """A problem for each ambiguous field: the names it may be the cut of, and the fix."""
        at = shown_path(path)
        return [f"{at}: field '{cut}' | a shapefile keeps {SHAPEFILE_NAME_CHARS} characters of a field name, and "
                f"'{cut}' may be the cut of {either(names)}; save the layer as a GeoPackage, which keeps whole names"
                for cut, names in self.ambiguous.items()]

    def notices(self, path: Path) -> list[str]:
        """A notice of the fields read by their cut names, naming the file by `path` as it is."""
        if not self.read_as:
            return []
        read = joined([f"'{cut}' as '{whole}'" for cut, whole in self.read_as.items()], limit=len(self.read_as))
        return [f"{path}: a shapefile keeps {SHAPEFILE_NAME_CHARS} characters of a field name; read {read}"]

    def file_names(self) -> dict[str, str]:
        """Column of the layer -> its field in the file, for the renamed columns."""
        return {whole: cut for cut, whole in self.renamed.items()}


def cut_names(columns: Sequence[str], declared: Mapping[str, str], whole: Sequence[str]) -> CutNames:
    """Match the fields of a shapefile (`columns`, in the file's order) with the names expected of
    it: the fields the layer's settings name (`declared`: setting -> name) and the whole names of
    the `existing_<product>` columns (`whole`). A shapefile keeps SHAPEFILE_NAME_CHARS characters
    of a field name, so a longer expected name missing from the file is looked for by its cut: a
    field that is the cut of one expected name (and not itself an expected name) is read as that
    name; one that is the cut of several is ambiguous."""
    expected = list(dict.fromkeys([*declared.values(), *whole]))
    by_cut: dict[str, list[str]] = {}
    for name in expected:
        cut = name[:SHAPEFILE_NAME_CHARS]
        if cut != name and name not in columns and cut in columns:
            by_cut.setdefault(cut, []).append(name)
    for cut, names in by_cut.items():
        if cut in expected:  # a field of the file that is an expected name as it stands
            names.insert(0, cut)
    ordered = [c for c in columns if c in by_cut]
    read_as = {c: by_cut[c][0] for c in ordered if len(by_cut[c]) == 1}
    declared_names = set(declared.values())
    return CutNames(
        read_as=read_as,
        renamed={c: name for c, name in read_as.items() if name not in declared_names},
        settings={s: name[:SHAPEFILE_NAME_CHARS] for s, name in declared.items()
                  if name in by_cut.get(name[:SHAPEFILE_NAME_CHARS], ())},
        ambiguous={c: by_cut[c] for c in ordered if len(by_cut[c]) > 1},
        shapefile=True)


def read_as(path: Path, ref: Ref, products: Sequence[str]) -> tuple[Ref, CutNames]:
    """A layer's settings as its file names the fields, and how they were matched: for a
    shapefile, each field setting whose name the shapefile cut names the field by its cut, and
    the `existing_<product>` columns of a sites layer are found by theirs (`cut_names`); for any
    other file, `ref` as it is. A file whose fields cannot be listed is left to `read_layer`."""
    if not is_shapefile(path):
        return ref, CutNames()
    try:
        columns = [str(f) for f in layer_info(path, ref.layer, layer_encoding(path))["fields"]]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError):
        return ref, CutNames(shapefile=True)
    declared = {s: str(getattr(ref, s)) for s in type(ref).model_fields if s.endswith("_field") and getattr(ref, s)}
    whole = [*(ref.existing_prefix + p for p in products), POSITION_UNCERTAINTY] if isinstance(ref, SitesLayer) else []
    cut = cut_names(columns, declared, whole)
    if not cut.settings:
        return ref, cut
    # Built as the scenario gave it, so that the settings it left at their defaults stay so.
    values = {name: getattr(ref, name) for name in type(ref).model_fields}
    return type(ref).model_construct(_fields_set=set(ref.model_fields_set), **{**values, **cut.settings}), cut


#: Column standing in for the id of an allowed-zone polygon (its feature number): the layer needs
#: no id field.
_FEATURE_NUMBER = "__feature__"


def _allowed_zone(loaded: LoadedScenario, zone: AllowedZone, policy: str, notices: list[str], problems: list[str],
                  paths: dict[str, Path]) -> gpd.GeoDataFrame | None:
    """The allowed-zone layer of `candidates:`, checked as every other layer (CRS, geometry type,
    coordinates, valid polygons, repaired or rejected by `spatial.invalid_geometry`), its features
    named by their number; only the polygons whose `field` is one of `values` are kept (in a
    shapefile, the field of the name it cut `field` to), and each of `values` must be one the field
    holds. Problems name the scenario keys under `candidates.allowed_zone`."""
    path = loaded.resolve(zone.path)
    paths["allowed_zone"] = path
    at = shown_path(path)
    found: list[str] = []
    try:
        frame = read_layer(path, "allowed_zone", zone.layer,
                           written=path_written(loaded, ("candidates", "allowed_zone", "path"), zone.path))
    except InputError as exc:
        problems.extend(p.replace("layers.allowed_zone.", "candidates.allowed_zone.") for p in exc.problems)
        return None
    layer_notices: list[str] = []
    field_name = zone.field
    if field_name is not None and is_shapefile(path):  # the field by the name the shapefile cut
        cut = cut_names([str(c) for c in frame.columns], {"field": field_name}, [])
        field_name = cut.settings.get("field", field_name)
        layer_notices += cut.notices(path)
    if field_name is not None and field_name not in frame.columns:
        problems.append(missing_field_problem(at, field_name, "allowed-zone",
                                              [str(c) for c in frame.columns if c != frame.geometry.name],
                                              "candidates.allowed_zone.field"))
        return None
    frame = frame.assign(**{_FEATURE_NUMBER: [str(n + 1) for n in range(len(frame))]})
    fields = {"id": _FEATURE_NUMBER, **({"value": field_name} if field_name is not None else {})}
    frame, found = check_layer(frame, path, "allowed-zone", fields, POLYGONAL, policy, layer_notices,
                               if_empty=empty_layer_fix("allowed_zone", loaded),
                               working_crs=working_crs_or_none(loaded.scenario.spatial.working_crs))
    notices.extend(file_notice(n, loaded, path) for n in layer_notices)
    if found:
        problems.extend(found)
        return None
    if field_name is not None:
        frame["value"] = [v if v is not None else "" for v in text_values(frame["value"])]
        held = sorted(set(frame["value"]))
        frame = frame.loc[frame["value"].isin(zone.values or [])].reset_index(drop=True)
        if not len(frame):
            problems.append(f"{at}: field '{field_name}' | no polygon of the allowed-zone layer has one of the "
                            f"values candidates.allowed_zone.values (got {zone.values}); give values the field "
                            f"holds: it holds {_held_values(held)}")
            return None
        unknown = [v for v in dict.fromkeys(zone.values or []) if v not in held]
        if unknown:  # a mistyped code among good ones would leave its polygon out without a word
            problems.append(f"{at}: field '{field_name}' | no polygon of the allowed-zone layer has the "
                            f"{'values' if len(unknown) > 1 else 'value'} {_held_values(unknown)} of "
                            f"candidates.allowed_zone.values (got {zone.values}); give values the field holds, "
                            f"or leave {'those' if len(unknown) > 1 else 'it'} out: it holds {_held_values(held)}")
            return None
    return frame


def _held_values(values: Sequence[str], most: int = 10) -> str:
    """The values a field holds, each quoted so that a space or a decimal shows, the first `most`
    of them: "'a' and 'b'", "'a', 'b', 'c' and 7 more"."""
    return joined([f"'{v}'" for v in values], most)


#: Canonical column -> the setting naming its field, in the clusters and the sites layer (a
#: site's own tariff is `site_tariff_yuan_per_kwh`, apart from its cluster's), each read by
#: `economic_fields`: required when the scenario sets it, taken when present otherwise.
CLUSTER_FIELDS = {"power_tariff_yuan_per_kwh": "tariff_field", "hub_lon": "hub_lon_field", "hub_lat": "hub_lat_field"}
SITE_FIELDS = {"usable_area_ha": "usable_area_field", "land_price_yuan_per_ha": "land_price_field",
               "site_tariff_yuan_per_kwh": "tariff_field"}


def economic_fields(ref: LayerRef, settings: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(required, optional) canonical name -> field of the layer: a field the scenario sets
    (`model_fields_set`: written in the scenario, a base it extends or a variant, even at its
    default name) is required, a default one is taken when the layer has it, a null one is never
    read."""
    required: dict[str, str] = {}
    optional: dict[str, str] = {}
    for canonical, setting in settings.items():
        field_name = getattr(ref, setting)
        if field_name:
            (required if setting in ref.model_fields_set else optional)[canonical] = field_name
    return required, optional


def check_degrees(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, limit: float,
                  problems: list[str], *, id_field: str | None, skip: np.ndarray | None = None) -> None:
    """Make `frame[column]` float, null as NaN; a value that is not a number from -limit to limit
    (degrees) is a problem naming the features with each one's value as the file types it
    (`features_got`, the first five; their ids from `id_field`), but for those `skip` marks (a
    problem of their own names them)."""
    at = shown_path(path)
    raw = frame[column]
    null = raw.isna().to_numpy()
    values = _numbers(raw)
    bad = (~np.isfinite(values.to_numpy()) & ~null) | (values.abs() > limit).to_numpy()
    if skip is not None:
        bad &= ~skip
    if bad.any():
        written = _as_written(path, field_name, np.flatnonzero(bad), len(frame), lambda row: _written(raw.iloc[row]))
        problems.append(f"{at}: field '{field_name}' | not a coordinate in degrees for "
                        f"{features_got(frame, bad, id_field, written.__getitem__)}; use a number from "
                        f"{-limit:g} to {limit:g}")
    frame[column] = values


def _cluster_attributes(clusters: gpd.GeoDataFrame, path: Path, ref: ClustersLayer,
                        problems: list[str]) -> list[str]:
    """Check the clusters' tariffs and hub coordinates, when the scenario names their fields; a
    hub needs both coordinates or neither (`_hub_pairs`); a hub far outside its cluster is
    refused (`_far_hubs`) where every cluster is a polygon (a layer of other geometry is refused
    for that alone); a layer with neither hub column, its fields named (not null), has every hub
    placed inside its cluster, said in a notice. Return the notices (naming the file by `path`
    as it is)."""
    id_field = ref.id_field
    slips: list[str] = []
    if "power_tariff_yuan_per_kwh" in clusters.columns:
        count = len(problems)
        check_numeric(clusters, "power_tariff_yuan_per_kwh", path, str(ref.tariff_field), problems, id_field=id_field)
        if len(problems) == count:
            slips = price_scale_notices(clusters, "power_tariff_yuan_per_kwh", str(ref.tariff_field), str(path),
                                        id_field)
    empty = {name: clusters[name].isna().to_numpy() for name in ("hub_lon", "hub_lat") if name in clusters.columns}
    given = [name for name in ("hub_lon", "hub_lat") if name in clusters.columns]
    swapped = _swapped_hubs(clusters, path, ref, problems) if len(given) == 2 else None
    if "hub_lon" in clusters.columns:
        check_degrees(clusters, "hub_lon", path, str(ref.hub_lon_field), 180.0, problems, id_field=id_field,
                      skip=swapped)
    if "hub_lat" in clusters.columns:
        check_degrees(clusters, "hub_lat", path, str(ref.hub_lat_field), 90.0, problems, id_field=id_field,
                      skip=swapped)
    # A layer refused for its geometry type (points, say) has no polygon to measure a hub against:
    # a distance to a point would be a follow-on problem of that refusal.
    if len(given) == 2 and clusters.geometry.geom_type.isin(POLYGONAL).all():
        problems.extend(_far_hubs(clusters, path, ref))
    if len(given) == 1:  # a hub needs both: with one, every hub would silently fall back on the cluster's own point
        have, lack = (ref.hub_lon_field, ref.hub_lat_field) if given == ["hub_lon"] else (ref.hub_lat_field,
                                                                                          ref.hub_lon_field)
        setting = "hub_lat_field" if given == ["hub_lon"] else "hub_lon_field"
        problems.append(f"{shown_path(path)}: field '{lack}' | missing from the clusters layer, which has '{have}': "
                        f"a hub needs both coordinates; add it or set layers.clusters.{setting} to the right field "
                        "name, or remove both to place each hub at a point inside its cluster")
    if len(given) == 2:
        return slips + _hub_pairs(clusters, empty["hub_lon"], empty["hub_lat"], path, ref, problems)
    if not given and ref.hub_lon_field is not None and ref.hub_lat_field is not None:
        # Hubs set where the sites ship and the trade passes: placed without a word, a hub at the
        # middle of a large prefecture moves every haul and the why-here comparison.
        return [*slips, f"{path}: no fields '{ref.hub_lon_field}' and '{ref.hub_lat_field}': each cluster's hub "
                "(where its sites ship and its trade passes) is placed at the representative point of its polygon (a "
                "point inside it, which may lie far from its city or rail yard); give both coordinates (WGS84 "
                "degrees) to place it, or set layers.clusters.hub_lon_field and hub_lat_field to null to take these "
                "points"]
    return slips


#: The yuan/kWh above which a power tariff is taken for one given in fen (分, 1/100 yuan) per kWh or
#: in yuan per MWh (`price_scale_notices`): Chinese industrial tariffs lie within 0.3-1.2 yuan/kWh.
TARIFF_MAX_YUAN_PER_KWH = 5.0

#: The yuan/ha below which a land price above 0 is taken for one given in 万 yuan per 亩 or in
#: yuan per m2 (`price_scale_notices`): Chinese industrial land sells at 5-100 万 yuan/亩,
#: 0.75-15 million yuan/ha (the shipped parks: 1.5-4.5 million yuan/ha).
LAND_PRICE_MIN_YUAN_PER_HA = 10_000.0


def price_scale_notices(frame: gpd.GeoDataFrame, column: str, field_name: str, shown: str,
                        id_field: str | None) -> list[str]:
    """A notice naming the features whose price in `column` (a power tariff in yuan/kWh, or a
    land price in yuan/ha: the column's name says which) is likely given in another unit: a
    tariff above TARIFF_MAX_YUAN_PER_KWH (fen/kWh, yuan/MWh), a land price above 0 and below
    LAND_PRICE_MIN_YUAN_PER_HA (万 yuan/亩, yuan/m2). A notice, not a refusal: the plan is solved
    with the figures as given. `field_name`: the field as the file names it; `shown`: the file.
    The figures follow the features, cut where their names are: past 5, "and N more"."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    if "tariff" in column:
        slip = np.nan_to_num(values, nan=0.0) > TARIFF_MAX_YUAN_PER_KWH
        what = (f"above {TARIFF_MAX_YUAN_PER_KWH:g} yuan/kWh", "fen/kWh or in yuan/MWh",
                "the field is in yuan/kWh (45 fen/kWh, 450 yuan/MWh are written 0.45)")
    else:
        slip = (np.nan_to_num(values, nan=0.0) > 0) & (np.nan_to_num(values, nan=0.0) < LAND_PRICE_MIN_YUAN_PER_HA)
        what = (f"above 0 and below {LAND_PRICE_MIN_YUAN_PER_HA:,.0f} yuan/ha", "万 yuan/亩 or in yuan/m2",
                "the field is in yuan/ha (30 万 yuan/亩 is written 4500000, 300 yuan/m2 3000000)")
    if not slip.any():
        return []
    limit = TARIFF_MAX_YUAN_PER_KWH if "tariff" in column else LAND_PRICE_MIN_YUAN_PER_HA
    figures = cut_list([figure_beside(v, limit, grouped=False) for v in values[slip]], 5, ", ")  # as the features
    return [f"{shown}: field '{field_name}' | {what[0]} for {features_where(frame, slip, id_field)} (got {figures}): "
            f"given in {what[1]}? {what[2][0].upper()}{what[2][1:]}; the plan uses the figures as given"]


#: How far (km) a cluster's hub may lie outside its cluster's polygon: its sites ship through it,
#: each paying for the km to it, so a hub is in its cluster or by it (a city or rail yard at its
#: edge); one farther off is a slip of its coordinates (a digit, a sign, the two swapped).
HUB_MAX_KM = 50.0


#: Distance (m) beyond which the azimuthal equidistant projection of `km_to` may fold a polygon
#: round its centre (a quarter of the globe's circumference); nearer, a polygon holding the point
#: there holds it on the globe.
FOLD_M = 1.0e7


def km_to(lon: float, lat: float, frame: gpd.GeoDataFrame) -> np.ndarray:
    """Geodesic km (WGS84) from the point (`lon`, `lat`) to each feature of `frame` (0 for one that
    holds it; NaN for one without geometry or where it cannot be measured): measured in the
    azimuthal equidistant projection centred on the point, which keeps every distance from its
    centre true, the features' lon/lat edges densified first (`to_working_crs`)."""
    centred = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={float(lat)!r} +lon_0={float(lon)!r} +datum=WGS84 +units=m "
                                    "+no_defs")
    origin = shapely.Point(0.0, 0.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            projected = to_working_crs(frame[[frame.geometry.name]], centred).geometry.to_numpy()
            metres = np.asarray(shapely.distance(origin, projected), dtype=float)
            # Far from the point (towards its antipode) the projection folds a polygon round it, which
            # then seems to hold the point: where its lon/lat outline does not, and its nearest vertex
            # (whose distance from the centre the projection keeps true) lies beyond FOLD_M, that
            # vertex stands in for its outline.
            folded = (metres == 0.0) & ~np.asarray(shapely.intersects(
                frame.geometry.to_crs("EPSG:4326").to_numpy(), shapely.Point(float(lon), float(lat))), dtype=bool)
            for i in np.flatnonzero(folded):
                vertices = shapely.points(shapely.get_coordinates(projected[i]))
                nearest = float(np.min(shapely.distance(origin, vertices))) if len(vertices) else 0.0
                metres[i] = nearest if nearest > FOLD_M else 0.0
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError, shapely.errors.GEOSException):
        return np.full(len(frame), np.nan)
    return np.where(np.isfinite(metres), metres / 1000.0, np.nan)


def hub_coordinates(clusters: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The clusters' hub longitudes and latitudes as numbers (NaN where a value is none)."""
    return _numbers(clusters["hub_lon"]).to_numpy(), _numbers(clusters["hub_lat"]).to_numpy()


def _swapped_hubs(clusters: gpd.GeoDataFrame, path: Path, ref: ClustersLayer, problems: list[str]) -> np.ndarray:
    """Where a cluster's hub is given latitude first: its latitude beyond 90 but a longitude, its
    longitude within 90, a latitude. A problem naming each such cluster (one per cluster, with
    the values); returns where they are, for the range checks to leave them to it."""
    lon, lat = hub_coordinates(clusters)
    with np.errstate(invalid="ignore"):
        swapped = (np.abs(lat) > 90.0) & (np.abs(lat) <= 180.0) & (np.abs(lon) <= 90.0)
    lon_field, lat_field = ref.hub_lon_field, ref.hub_lat_field
    for row in np.flatnonzero(swapped):
        feature = named_features([row], list(clusters["id"]), ref.id_field)
        problems.append(f"{shown_path(path)}: fields '{lon_field}' and '{lat_field}' | latitude first for {feature} "
                        f"(got {lon_field} {lon[row]:g}, {lat_field} {lat[row]:g}): no latitude is above 90; put the "
                        f"longitude in '{lon_field}' and the latitude in '{lat_field}'")
    return swapped


def _far_hubs(clusters: gpd.GeoDataFrame, path: Path, ref: ClustersLayer) -> list[str]:
    """A problem for each hub given in range (both coordinates, WGS84 degrees) that lies more than
    HUB_MAX_KM outside its cluster's polygon (`km_to`), with its distance; when, swapped, the
    hub would lie in or by its cluster, the problem says so. A hub inside its cluster's lon/lat
    outline is not measured: it is 0 km outside it (`km_to`), or metres where the projection moves
    the outline's edge."""
    lon, lat = hub_coordinates(clusters)
    with np.errstate(invalid="ignore"):
        placed = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0)
    if placed.any():
        hubs = shapely.points(np.where(placed, lon, 0.0), np.where(placed, lat, 0.0))
        # where the outlines cannot be read so, each hub is measured, as `km_to` measures what it can
        with contextlib.suppress(pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError,
                                 shapely.errors.GEOSException):
            outlines = clusters.geometry.to_crs("EPSG:4326").to_numpy()
            placed &= ~np.asarray(shapely.intersects(outlines, hubs), dtype=bool)
    lon_field, lat_field = ref.hub_lon_field, ref.hub_lat_field
    problems = []
    for row in np.flatnonzero(placed):
        cluster = clusters.iloc[[row]]
        km = float(km_to(float(lon[row]), float(lat[row]), cluster)[0])
        if not km > HUB_MAX_KM:  # NaN: a cluster without a shape to measure, whose problem is told
            continue
        feature = named_features([row], list(clusters["id"]), ref.id_field)
        fix = ("give the hub's longitude and latitude (WGS84 degrees) in or near its cluster, or leave both empty "
               "to place it inside the cluster")
        if abs(lon[row]) <= 90.0:
            swapped_km = float(km_to(float(lat[row]), float(lon[row]), cluster)[0])
            if swapped_km <= HUB_MAX_KM:
                where = "inside the cluster" if swapped_km == 0 else f"{swapped_km:,.0f} km outside it"
                fix = f"swapped, it lies {where}: put the longitude in '{lon_field}' and the latitude in '{lat_field}'"
        problems.append(f"{shown_path(path)}: fields '{lon_field}' and '{lat_field}' | the hub of {feature} lies "
                        f"{km:,.0f} km outside its cluster, more than the {HUB_MAX_KM:g} km a hub may (got "
                        f"{lon_field} {lon[row]:g}, {lat_field} {lat[row]:g}); {fix}")
    return problems


def _hub_pairs(clusters: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, path: Path, ref: ClustersLayer,
               problems: list[str]) -> list[str]:
    """Check each cluster's hub coordinates as a pair, `lon` and `lat` saying where the layer
    leaves each empty (null, or NaN, which reads as null): one empty where the other is given is
    a problem naming the clusters, since the hub would quietly move to a point inside its
    cluster. Both empty places the cluster's hub at its polygon's representative point, said in
    a notice naming the clusters (returned; "every cluster" when the columns are empty
    everywhere)."""
    at = shown_path(path)
    for alone, field_name, other, word in ((lat & ~lon, ref.hub_lat_field, ref.hub_lon_field, "latitude"),
                                           (lon & ~lat, ref.hub_lon_field, ref.hub_lat_field, "longitude")):
        if alone.any():
            features = features_where(clusters, alone, ref.id_field)
            problems.append(f"{at}: field '{field_name}' | empty (null or NaN) for {features}, whose '{other}' is "
                            f"given: a hub needs both coordinates; give the hub's {word} (WGS84 degrees), or leave "
                            "both empty to place the hub at a point inside its cluster")
    neither = lon & lat
    if not neither.any():
        return []
    where = "every cluster" if neither.all() else features_where(clusters, neither, ref.id_field)
    return [f"{path}: fields '{ref.hub_lon_field}' and '{ref.hub_lat_field}' are empty (null or NaN) for {where}: "
            "the hub is placed at the representative point of the cluster's polygon (a point inside it); give "
            "both coordinates (WGS84 degrees) to place it"]


#: Longest edge (degrees) of lon/lat geometry before projecting. A 0.4 degree edge along a
#: parallel in Yunnan projects to UTM as a curve 23 m off its chord; the offset grows with the
#: square of the edge, so 0.01 degree edges keep it near 1.5 cm.
LONLAT_MAX_SEGMENT_DEG = 0.01


def to_working_crs(frame: gpd.GeoDataFrame, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """`frame` in the working CRS; lon/lat edges are densified first, so that they stay the
    straight lon/lat lines they were drawn as. A new frame, its other columns as `frame`'s; the
    geometries are transformed as an array and set on it at once (what `GeoDataFrame.to_crs`
    does, without its copies of the frame: this runs some ten times a solve). ValueError for a
    frame without a CRS, as `to_crs`."""
    if not len(frame):
        return frame.set_crs(crs, allow_override=True)
    geometries = frame.geometry.values
    if frame.crs is not None and frame.crs.is_geographic:
        geometries = gpd.array.from_shapely(shapely.segmentize(np.asarray(geometries), LONLAT_MAX_SEGMENT_DEG),
                                            crs=frame.crs)
    projected = geometries.to_crs(crs)
    return frame.set_geometry(projected.copy() if projected is geometries else projected)  # none shared


#: Parts of one site farther apart than this (km, edge to edge in the working CRS) are named in a
#: notice. A site is planned as one place: its land is its parts' together, and it stands at one
#: point (in one of its parts) for its cluster and its distances to sources and hubs. Plots of
#: one park a road or a river apart lie well within 1 km; parts farther apart are more likely
#: separate places, and the distances of the part without the point are off by as much.
FAR_PARTS_KM = 1.0


def far_parts_notices(sites: gpd.GeoDataFrame, path: Path, working: pyproj.CRS, id_field: str,
                      name_field: str | None = None) -> list[str]:
    """A notice for each site of several polygons (a MultiPolygon) two of which lie more than
    `FAR_PARTS_KM` apart, edge to edge, in the working CRS: its number of parts and the greatest
    distance between two of them. It is still planned as one site (the note says how); separate
    places need sites of their own. Names the file by `path` as it is, and the site by its place,
    id and (with `name_field`) name. Sites whose geometry cannot be measured (a layer with
    problems) are left to those problems."""
    geoms = sites.geometry.to_numpy()
    multi = np.flatnonzero(np.array([g is not None and not g.is_empty and g.geom_type == "MultiPolygon"
                                     and len(g.geoms) > 1 for g in geoms], dtype=bool))
    if not len(multi) or sites.crs is None:
        return []
    try:
        projected = to_working_crs(gpd.GeoDataFrame(geometry=list(geoms[multi]), crs=sites.crs), working).geometry
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError):
        return []
    ids = list(sites["id"])
    names = list(sites["name"]) if "name" in sites.columns else None
    notices: list[str] = []
    for row, geometry in zip(multi, projected, strict=True):
        parts = shapely.get_parts(geometry)
        gaps = shapely.distance(parts[:, None], parts[None, :])
        gap_m = float(np.max(gaps)) if np.isfinite(gaps).all() else 0.0
        if gap_m <= FAR_PARTS_KM * 1000.0:
            continue
        site = named_features([row], ids, id_field, names=names, name_field=name_field)
        notices.append(f"{path}: {site} is a MultiPolygon of {len(parts)} parts, up to "
                       f"{gap_m / 1000.0:,.1f} km apart (edge to edge, in {working.to_string()}): it is planned as one "
                       "site, its land the parts' together, placed at one point in one of its parts for its cluster "
                       "and its distances to sources, hubs and the gateway; if the parts are separate places, give "
                       "each a site of its own")
    return notices


def _site_notices(sites: gpd.GeoDataFrame, path: Path, layer: SitesLayer, working: pyproj.CRS | None) -> list[str]:
    """The notices of the sites' geometry: polygon sites without a usable area
    (`_drawn_area_notices`) and sites of parts far apart (`far_parts_notices`, when the working
    CRS is known). Names the file by `path` as it is."""
    notices = _drawn_area_notices(sites, str(path), layer, working) if "usable_area_ha" in sites.columns else []
    notices += mixed_sites_notices(sites, path)
    return notices + (far_parts_notices(sites, path, working, layer.id_field, layer.name_field)
                      if working is not None else [])


def mixed_sites_notices(sites: gpd.GeoDataFrame, path: Path) -> list[str]:
    """A notice when the sites layer holds both polygons and points: an output layer has one
    geometry type (RFC 7946, QGIS), so the plan's sites layers draw every site as a point
    (`siting.deliver.layers.split_mixed_sites`) and the outlines go to a layer of their own,
    `site_areas`; the plan itself takes each site as drawn. The notice gives how many sites are
    of each kind and names the file by `path` as it is; none for a layer of one kind."""
    polygonal = int(sites.geom_type.isin(POLYGONAL).sum())
    points = int(sites.geom_type.isin(PUNCTUAL).sum())
    if not polygonal or not points:
        return []
    many = polygonal > 1
    return [f"{path}: the sites layer mixes {polygonal} polygon site{'s' if many else ''} and {points} point "
            f"site{'s' if points > 1 else ''}: sites.geojson and the sites layer of plan.gpkg draw every site as a "
            "point (a polygon site at the point inside it from which the plan measures its distances), and the "
            f"polygon{'s' if many else ''} {'are' if many else 'is'} drawn in site_areas.geojson and the site_areas "
            f"layer of plan.gpkg; the plan takes each polygon site as drawn (its usable land and footprint_ha are "
            "kept); give every site as a polygon to see every outline in the sites layer"]


#: How many polygon sites the notice of empty usable areas names, each with its drawn area.
DRAWN_AREAS_SHOWN = 5


def _drawn_area_notices(sites: gpd.GeoDataFrame, shown: str, layer: SitesLayer,
                        working: pyproj.CRS | None = None) -> list[str]:
    """A notice naming the polygon sites whose usable area is empty, and whose drawn area is used
    in its place, when some sites give one and some do not (every site without one is said in
    `_site_attributes`'s notice): their count, and the first `DRAWN_AREAS_SHOWN` by their place
    and id with that area in ha, measured as the plan measures it (on the ellipsoid of the `working`
    CRS, after `to_working_crs`: `ellipsoidal_area_m2`; without it, or where the sites cannot be
    projected, the areas are left out). The file is named `shown`."""
    empty = sites["usable_area_ha"].isna().to_numpy() & sites.geom_type.isin(POLYGONAL).to_numpy()
    if not empty.any() or empty.all():
        return []
    rows = np.flatnonzero(empty)
    areas: list[str] = []
    if working is not None and sites.crs is not None:
        try:
            drawn = ellipsoidal_area_m2(to_working_crs(sites.iloc[rows], working).geometry.to_numpy(), working)
            areas = [f", {area_text(float(m2), 'ha')}" for m2 in drawn]
        except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError):
            areas = []
    ids = list(sites["id"])
    each = [named_features([row], ids, layer.id_field) + (areas[i] if areas else "") for i, row in enumerate(rows)]
    named = cut_list(each, DRAWN_AREAS_SHOWN)
    one = len(rows) == 1
    measured = f" (on the ellipsoid of {working.to_string()})" if areas and working is not None else ""
    drawn_area = "its drawn polygon's area" if one else "their drawn polygons' areas"
    return [f"{shown}: field '{layer.usable_area_field}' is empty for {len(rows)} polygon site{'' if one else 's'}, "
            f"so {drawn_area}{measured} {'is' if one else 'are'} used as usable land: {named}; give the usable area "
            "in ha there where a site can use less than the polygon it is drawn as"]


#: The fix a source's supply written as infinite (inf, .inf, Infinity) gets: a source has no
#: "unlimited" supply, and an empty value is refused too (siting/config/schema.py `SourcesLayer`,
#: required for every feature); its most in t/yr is, as any quantity, at most MAX_QUANTITY; the
#: family `supply` switched off makes every raw material free and unlimited
#: (models/families/supply.py `add_supply`).
UNLIMITED_SUPPLY_FIX = ("a source's supply cannot be unlimited (nor left empty): give the most it can supply in t/yr, "
                        f"at most {MAX_QUANTITY:.0e}".replace("e+", "e")
                        + ", or switch the rule off (constraints.supply.enabled: false) to make every raw material "
                        "free and unlimited")


def _source_fields(ref: SourcesLayer) -> dict[str, str]:
    """Canonical column -> field of a sources layer (its status only when it has a status field)."""
    fields = {"id": ref.id_field, "resource": ref.resource_field, "supply_t_per_yr": ref.supply_field}
    if ref.status_field:
        fields["status"] = ref.status_field
    return fields


def _source_attributes(sources: gpd.GeoDataFrame, path: Path, ref: SourcesLayer, loaded: LoadedScenario,
                       problems: list[str], others: pd.DataFrame | None = None) -> tuple[list[str], bool]:
    """Check the sources' supply, resource (against the catalog: `_source_resources`, with the
    layer's `others` text columns, `other_text_columns`) and status (every source producing when
    the layer has no status); return the notices, and whether the resource field names no
    resource of the catalog in any feature (`_wrong_resource_field`). Without a catalog
    (`loaded.catalog` None) the resources are not checked against one."""
    check_numeric(sources, "supply_t_per_yr", path, ref.supply_field, problems, id_field=ref.id_field,
                  infinite_fix=UNLIMITED_SUPPLY_FIX)
    _check_text(sources, "resource", path, ref.resource_field, "resource", None, problems, id_field=ref.id_field)
    wrong = _wrong_resource_field(sources, path, ref, loaded, others) if loaded.catalog is not None else None
    if wrong is not None:
        problems.append(wrong)
        notices: list[str] = []
    elif loaded.catalog is None:
        notices = []
    else:
        notices = _source_resources(sources, path, ref, loaded, problems)
    if "status" in sources.columns:
        _check_text(sources, "status", path, str(ref.status_field), "status", SOURCE_STATUSES, problems,
                    id_field=ref.id_field)
    else:
        sources["status"] = "producing"
    return notices, wrong is not None


#: How many of the values of a resource field that names no resource of the catalog its problem
#: quotes (`_wrong_resource_field`), and how many of the catalog's resources it names.
WRONG_FIELD_VALUES_SHOWN = 3
CATALOG_RESOURCES_SHOWN = 12


def _wrong_resource_field(sources: gpd.GeoDataFrame, path: Path, ref: SourcesLayer, loaded: LoadedScenario,
                          others: pd.DataFrame | None) -> str | None:
    """The problem of a resource field that names no resource of the catalog in any feature: most
    likely the wrong field (the sources' names, say), which would leave every product that draws
    on a source buildable nowhere. It names the file, the field, the first values found
    (`WRONG_FIELD_VALUES_SHOWN`), the catalog's resources and, when one of the layer's other text
    fields (`others`) names some, that field (the one naming most features). None when a feature
    names a catalog resource, when the layer has no resource in any feature, and when some value
    is close to a catalog resource and no other field names one: a typo, told with "did you mean"
    (`_source_resources`), which refuses the layer all the same."""
    known = list(loaded.catalog.resources)
    values = [v for v in dict.fromkeys(text_values(sources["resource"])) if v is not None and v.strip()]
    if not values or any(v in known for v in values):
        return None
    best, best_count = None, 0
    for column in (others.columns if others is not None else []):
        count = sum(1 for v in others[column] if isinstance(v, str) and v in known)
        if count > best_count:
            best, best_count = str(column), count
    if best is None and any(close_match(v, known, RESOURCE_LIKENESS) is not None for v in values):
        return None
    got = joined([repr(v) for v in values], WRONG_FIELD_VALUES_SHOWN)
    resources = joined(known, CATALOG_RESOURCES_SHOWN)
    key = "layers.sources.resource_field"
    if best is not None and others is not None:
        example = next(v for v in others[best] if isinstance(v, str) and v in known)
        fix = f"field '{best}' names them (e.g. {example!r}): set {key} to '{best}'"
    else:
        fix = "set it to the field that names each source's resource, or give each source a resource of the catalog"
    return (f"{shown_path(path)}: field '{ref.resource_field}' | names no resource of the catalog in any feature of "
            f"the sources layer (got {got}; the resources of {shown_path(loaded.catalog_path)} are {resources}): "
            f"{key} is likely the wrong field; {fix}")


#: How like a name the scenario or catalog gives a layer's value must be to be taken for a typo
#: of it (difflib's ratio, letter case aside; `siting.config.words.close_match` also takes a
#: value one edit from a name, and never one differing from it only in its numbers). Resources:
#: difflib's usual 0.6, as for the scenario's keys; every resource a product draws has an entry
#: in the catalog, and another one can be given one. Red-line categories are the layer's own
#: words, often built of the same ones (`lakeside_zone` and `lake_buffer_zone` are 0.69 alike):
#: only a closer likeness (`lak` and `lake`, 0.86) is taken for a typo.
RESOURCE_LIKENESS = LIKENESS
CATEGORY_LIKENESS = 0.8


def by_value(values: Sequence[str]) -> dict[str, np.ndarray]:
    """Each non-empty value of a text column -> where it stands (a mask), in the order of first use."""
    column = np.array(values, dtype=object)
    return {v: column == v for v in dict.fromkeys(values) if v.strip()}


def _source_resources(sources: gpd.GeoDataFrame, path: Path, ref: SourcesLayer, loaded: LoadedScenario,
                      problems: list[str]) -> list[str]:
    """Check each source's resource against the catalog's resources: one close to a catalog
    resource but not it (`RESOURCE_LIKENESS`) is a problem with "did you mean", since the plan
    would quietly do without that source; one like none is a resource no product draws, said in a
    notice (returned). A resource the catalog names on the map only (`price_yuan_per_t: null`)
    is known, with no notice: the catalog says why no product draws on it."""
    at = shown_path(path)
    known = list(loaded.catalog.resources)
    notices: list[str] = []
    for value, where in by_value(list(sources["resource"])).items():
        if value in known:
            continue
        features = features_where(sources, where, ref.id_field)
        close = close_match(value, known, RESOURCE_LIKENESS)
        if close is not None:
            problems.append(f"{at}: field '{ref.resource_field}' | unknown resource in {features} (got {value!r}); did "
                            f"you mean '{close}'? (a resource of its own needs an entry in the resources of "
                            f"{shown_path(loaded.catalog_path)})")
        else:
            them = "it" if int(where.sum()) == 1 else "them"
            notices.append(file_notice(
                f"{path}: field '{ref.resource_field}' names no resource of the catalog for {features} (got "
                f"{value!r}): no product draws on {them} (a resource kept on the map only has an entry with "
                f"price_yuan_per_t: null in the resources of {loaded.catalog_path})", loaded, path,
                loaded.catalog_path))
    return notices


def _redline_categories(redline: gpd.GeoDataFrame, path: Path, ref: RedlineLayer, loaded: LoadedScenario,
                        problems: list[str]) -> list[str]:
    """Check the layer's categories against those constraints.redline names (in `categories` and
    `setbacks_m`), when it names any: a category close to a named one that the layer also holds,
    but not it (`CATEGORY_LIKENESS`), is a problem with "did you mean", since the rule would
    quietly treat its polygons as another category (a named category the layer lacks is the
    scenario's problem, `checks.category_problems`). A typo is one `close_match` finds: as like
    as `CATEGORY_LIKENESS`, or one edit from the named category (`laek` for `lake`). The categories
    the rule leaves out, with the polygons it leaves out (ids and names), and those it counts with
    no setback (only `buffer_m`), are said in notices (returned) while the rule is on."""
    rule = loaded.scenario.constraints.redline
    named = list(dict.fromkeys([*(rule.categories or []), *(c for by in rule.setbacks_m.values() for c in by)]))
    if not named:
        return []
    at = shown_path(path)
    left: list[str] = []
    # A named category the layer lacks is already a problem of the scenario (prepare/checks.py
    # `category_problems`, which names the layer's categories): only one the layer holds can
    # show that another of its categories is a misspelling of it.
    present = set(redline["category"])
    held = [c for c in named if c in present]
    for value, where in by_value(list(redline["category"])).items():
        if value in named:
            continue
        close = close_match(value, held, CATEGORY_LIKENESS)
        if close is None:
            left.append(value)
            continue
        own = "" if rule.categories is None else " (a category of its own is named in constraints.redline.categories)"
        problems.append(f"{at}: field '{ref.category_field}' | a category constraints.redline does not name, in "
                        f"{features_where(redline, where, ref.id_field, ref.name_field)} (got {value!r}); did you "
                        f"mean '{close}'?{own}")
    if not rule.enabled:
        return []
    shown = str(path)  # named as `file_notice` says, below
    notices: list[str] = []
    if rule.categories is not None:
        out = [c for c in left if c not in rule.categories]
        if out:
            where = np.isin(np.array(list(redline["category"]), dtype=object), out)
            its, them = ("its", "it") if len(out) == 1 else ("their", "them")
            polygons = features_where(redline, where, ref.id_field, ref.name_field)
            notices.append(f"{shown}: red-line {_categories(out, 'is', 'are')} not in constraints.redline.categories: "
                           f"the rule leaves out {its} polygons, {polygons}; name {them} there for the rule to "
                           "count them")
        left = [c for c in left if c in rule.categories]
    if rule.setbacks_m and left:
        notices.append(f"{shown}: red-line {_categories(left, 'has', 'have')} no setback in "
                       f"constraints.redline.setbacks_m: only buffer_m ({rule.buffer_m:g} m) keeps products from "
                       "their polygons")
    return [file_notice(n, loaded, path) for n in notices]


def _categories(names: Sequence[str], one: str, several: str) -> str:
    """"category 'a' <one>" or "categories 'a' and 'b' <several>", for a notice."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return f"category {quoted[0]} {one}"
    return f"categories {joined(quoted, limit=len(quoted))} {several}"


def _prefix_problems(columns: Sequence[str] | None, path: Path, layer: SitesLayer, products: Sequence[str] | None,
                     cut: CutNames) -> list[str]:
    """A problem when the scenario sets `existing_prefix` (`model_fields_set`) and no column of the
    sites layer as read (`columns`, `CutNames.apply`: a shapefile's existing-capacity fields by
    their whole names; an ambiguous cut name counts by the names it may be the cut of) starts with
    it, since every site's existing capacity would quietly be 0; with "did you mean" the prefix
    of the columns `<prefix><product>` the layer holds (or the default prefix, when columns start
    with it), the one most like the given prefix. A prefix left at its default that matches no
    column is a layer without existing capacity. None for `columns`: the layer could not be read
    (its problem is reported), nothing to check; nor for `products` None (the catalog failed: a
    shapefile's cut names are not known)."""
    prefix = layer.existing_prefix
    if columns is None or products is None or "existing_prefix" not in layer.model_fields_set:
        return []
    names = [*columns, *(n for whole in cut.ambiguous.values() for n in whole)]
    if any(c.startswith(prefix) for c in names):
        return []
    default = str(SitesLayer.model_fields["existing_prefix"].default)
    found = [c[:-len(p)] for c in columns for p in products if c.endswith(p) and len(c) > len(p)]
    found += [default] if any(c.startswith(default) for c in columns) else []
    close = close_match(prefix, list(dict.fromkeys(found)), 0.0) if found else None
    fix = (f"did you mean '{close}'?" if close is not None else
           "give the prefix of the columns <prefix><product> that hold existing capacity, or leave existing_prefix "
           "out for a layer without existing capacity")
    return [f"{shown_path(path)}: layers.sites.existing_prefix '{prefix}' | matches no column of the sites layer (has: "
            f"{', '.join(columns)}); {fix}"]


def _site_attributes(sites: gpd.GeoDataFrame, path: Path, layer: SitesLayer, products: Sequence[str] | None,
                     problems: list[str], cut: CutNames, notices: list[str], shown: str,
                     columns: Sequence[str] = (), working: pyproj.CRS | None = None) -> dict[str, str]:
    """Check the usable area, the land price and tariff, the position uncertainty (km, a number
    >= 0 or null: `POSITION_UNCERTAINTY`) and the existing capacity columns; return product ->
    column. In a shapefile, the position uncertainty and the existing capacity columns may be read
    under the whole names of their cut ones (`cut`), and are named in problems as the file names
    them. Polygon sites without the usable-area field the scenario leaves at its default use their
    drawn areas, said in a notice (appended to `notices`, naming the file `shown`; a field the
    scenario names is required: `economic_fields`); a polygon site's usable area may not exceed
    its footprint (`_usable_above_footprint`, measured after the `working` CRS). `columns`: the
    layer's fields as read, for the fix of a missing usable-area field (`_area_field_fix`).
    `products` None: the catalog failed, and the existing capacity columns are not checked."""
    at = shown_path(path)
    area_field = layer.usable_area_field
    polygonal = sites.geom_type.isin(POLYGONAL).to_numpy()
    if "usable_area_ha" in sites.columns:
        check_numeric(sites, "usable_area_ha", path, area_field, problems, allow_missing=polygonal,
                      id_field=layer.id_field)
        if not any(p.startswith(f"{at}: geometry |") for p in problems):  # else the footprint is not known
            problems.extend(_usable_above_footprint(sites, path, layer, working))
        if polygonal.all() and sites["usable_area_ha"].isna().all():  # some empty: `_drawn_area_notices`
            notices.append(f"{shown}: field '{area_field}' is empty for every site: the drawn polygons' areas are "
                           "used as usable land for every site")
    elif not polygonal.all():
        problems.append(f"{at}: field '{area_field}' | missing; point sites need their usable area in ha "
                        f"(polygon sites may use their drawn area); {_area_field_fix(area_field, columns)}")
    else:
        sites["usable_area_ha"] = np.nan
        notices.append(f"{shown}: field '{area_field}' is missing from the sites layer: the drawn polygons' areas "
                       "are used as usable land for every site (set layers.sites.usable_area_field to read usable "
                       "areas from another field)")
    for column, field_name, missing in (("land_price_yuan_per_ha", str(layer.land_price_field), False),
                                        ("site_tariff_yuan_per_kwh", str(layer.tariff_field), True)):
        if column in sites.columns:
            count = len(problems)
            check_numeric(sites, column, path, field_name, problems, allow_missing=missing, id_field=layer.id_field)
            if len(problems) == count:
                notices.extend(price_scale_notices(sites, column, field_name, shown, layer.id_field))
    in_file = cut.file_names()
    if POSITION_UNCERTAINTY in sites.columns:  # null: the position is taken as exact
        check_numeric(sites, POSITION_UNCERTAINTY, path, in_file.get(POSITION_UNCERTAINTY, POSITION_UNCERTAINTY),
                      problems, allow_missing=True, id_field=layer.id_field)
    prefix = layer.existing_prefix
    existing: dict[str, str] = {}
    for column in [c for c in sites.columns if c.startswith(prefix)] if products is not None else []:
        product = column[len(prefix):]
        if product not in products:
            fix = (f"a shapefile keeps {SHAPEFILE_NAME_CHARS} characters of a field name, too few to tell the "
                   "products apart: save the layer as a GeoPackage, which keeps whole names" if cut.shapefile else
                   f"rename it to {prefix}<product> with one of: {', '.join(products)}")
            problems.append(f"{at}: field '{column}' | names no catalog product ({product!r}); {fix}")
            continue
        empty = np.array([_is_null(v) for v in sites[column]], dtype=bool)
        sites[column] = [0.0 if none else v for v, none in zip(sites[column], empty, strict=True)]
        check_numeric(sites, column, path, in_file.get(column, column), problems, id_field=layer.id_field)
        existing[product] = column
        if empty.any():
            notices.append(_empty_existing_notice(sites, empty, shown, in_file.get(column, column), product,
                                                  layer.id_field))
    return existing


#: Square metres in a hectare (the unit of the sites layer's usable area).
M2_PER_HA = 10_000.0

#: How far (a share of the footprint) a polygon site's usable area may exceed its footprint: the
#: footprint is measured on the ellipsoid, while a GIS measuring the polygon in a conformal
#: projected CRS such as UTM 48N finds up to 0.25 % more (its scale factor squared at 101.4 E),
#: so a usable area copied from such a measure of the whole polygon still passes.
USABLE_AREA_TOLERANCE = 0.005


def footprint_m2(sites: gpd.GeoDataFrame, working: pyproj.CRS | None) -> np.ndarray:
    """Each site's footprint (m2), as the plan's `footprint_ha` measures it: the geometry in the
    `working` CRS (lon/lat edges densified: `to_working_crs`) measured on that CRS's ellipsoid
    (`ellipsoidal_area_m2`); without a known working CRS, on the ellipsoid of the layer's own
    CRS. NaN for a point, an empty geometry, or a layer whose CRS is missing or cannot be
    transformed (reported as its own problem)."""
    if sites.crs is None:
        return np.full(len(sites), np.nan)
    try:
        drawn = to_working_crs(sites, working) if working is not None else sites
        return ellipsoidal_area_m2(drawn.geometry.to_numpy(), drawn.crs)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError):
        return np.full(len(sites), np.nan)


def _usable_above_footprint(sites: gpd.GeoDataFrame, path: Path, layer: SitesLayer,
                            working: pyproj.CRS | None) -> list[str]:
    """A problem naming the polygon sites whose usable area (`usable_area_ha`, ha, as read by
    `check_numeric`: NaN where empty or no number) exceeds their footprint (`footprint_m2`) by
    more than `USABLE_AREA_TOLERANCE` of it, each with both areas in ha: usable land is part of
    the footprint, so more of it is a wrong figure or a polygon drawn too small. Point sites have
    no footprint and are not checked, nor invalid polygons (their area as drawn is not their
    footprint: the geometry checks report them with both areas)."""
    with np.errstate(over="ignore"):  # a figure beyond any land (1e308 ha) is refused as such elsewhere
        usable = sites["usable_area_ha"].to_numpy(dtype=float) * M2_PER_HA
    footprint = footprint_m2(sites, working)
    valid = sites.geometry.is_valid.to_numpy()
    with np.errstate(invalid="ignore"):
        above = (np.isfinite(usable) & valid & (footprint >= 0)
                 & (usable > footprint * (1 + USABLE_AREA_TOLERANCE)))
    if not above.any():
        return []
    ids = list(sites["id"])
    rows = np.flatnonzero(above)
    each = [f"{named_features([row], ids, layer.id_field)}: {area_text(usable[row], 'ha')} usable in a footprint "
            f"of {area_text(footprint[row], 'ha')}" for row in rows]
    named = cut_list(each, DRAWN_AREAS_SHOWN)
    return [f"{shown_path(path)}: field '{layer.usable_area_field}' | more usable land than the polygon's own area "
            f"for {named}; usable land is part of the footprint, so give at most the polygon's area (a tolerance of "
            f"{USABLE_AREA_TOLERANCE * 100:g} % is allowed), leave the field empty to use the drawn area, or draw the "
            "site's whole outline"]


def _area_field_fix(area_field: str, columns: Sequence[str]) -> str:
    """How to give point sites the usable-area field `area_field` they lack (the layer's fields as
    read: `columns`): the exact setting that reads a column which is that name in other letter
    case, else add it or name its field."""
    alike = other_case(area_field, columns)
    if len(alike) == 1:
        return (f"the layer has '{alike[0]}', differing from it only in letter case: set "
                f"layers.sites.usable_area_field: {alike[0]}, or rename the field to '{area_field}'")
    return "add it, or set layers.sites.usable_area_field to the field that holds it"


def _is_null(value: object) -> bool:
    """Whether a value read from a layer is null: None, pandas' NA or a float NaN (GDAL reads a
    JSON `NaN` as one, and pandas stands NaN for a null number)."""
    return value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and math.isnan(value))


def _empty_existing_notice(sites: gpd.GeoDataFrame, empty: np.ndarray, shown: str, field_name: str, product: str,
                           id_field: str) -> str:
    """The notice of the sites whose existing-capacity field (`field_name`, of `product`) is empty
    (null or NaN: `empty`), read as no existing capacity; the file named `shown`."""
    where = "every site" if empty.all() else features_where(sites, empty, id_field)
    return (f"{shown}: field '{field_name}' is empty (null or NaN) for {where}: read as no existing {product} "
            "capacity (0); write 0 there to say so, or the capacity in production")
