"""`plan.gpkg`: every output layer in one GeoPackage, each with its QGIS style as the default.

QGIS looks for a `layer_styles` table in a GeoPackage and applies the row marked
`useAsDefault` for a layer when the layer is added, so dragging the one file into QGIS gives
styled layers. The table here is the one QGIS itself creates (same columns and types), and it is
registered in `gpkg_contents` as an attributes table, as QGIS (through GDAL) registers it.
A run with near-optimal alternatives adds its robustness layer (robustness.geojson) after the plan's
layers, with robustness.qml as its default style (siting/deliver/files.py `gis_files`' `overlays`).

The layers are written by GDAL (through pyogrio) with a spatial index; the style table is added
with sqlite3. For identical bytes across runs, every timestamp is fixed (`FIXED_TIMESTAMP`:
GDAL's `OGR_CURRENT_DATE` for `gpkg_contents.last_change`, an explicit `update_time` for the
styles) and the file is vacuumed at the end, which rewrites the pages in a canonical order.

SQLite's synchronous writes are off while the file is made (GDAL's `OGR_SQLITE_SYNCHRONOUS`,
and the same pragma for the styles): the file is written into the output folder's staging
folder and swapped in with the rest, so waiting for the disk after every transaction (a
dozen of them, most of the GeoPackage's writing time) protects nothing; the bytes are the same.

The file is written under the C library's character classes of the C locale
(`c_character_classes`): under a locale whose case folding differs (Turkish, where `I` and `i`
are not a pair), GDAL took its own option names for unknown ones, warned of each, and the same
tables came with another file-change counter in the SQLite header, so the same inputs gave
another file.

A write the disk refuses reaches GDAL and SQLite, which say only that a transaction failed
("Failed to commit transaction", "database or disk is full"): the folder is then tried with a
file of its own (`write_probe`), and what the system says of it (no space left, quota exceeded,
read-only) is raised as an OSError naming the GeoPackage, as any other file's write would. So is
SQLite's own word where the folder takes the probe but SQLite still could not open or write the
file ("unable to open database file": a path longer than SQLite takes, a folder removed and made
again during the run), so that the run names plan.gpkg and its folder rather than ending in a
traceback.
"""

from __future__ import annotations

import contextlib
import errno
import locale
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from siting.deliver.folders import PROBE_PREFIX
from siting.deliver.layer import FieldKind, OutputLayer, site_join_note
from siting.deliver.mapinfo import layer_basis

#: The one timestamp written into the GeoPackage (GPKG requires one; a wall-clock one would make
#: every run's file differ). It is the Unix epoch, so nobody mistakes it for a real date.
FIXED_TIMESTAMP = "1970-01-01T00:00:00.000Z"
GEOMETRY_COLUMN = "geom"
#: GeoPackage 1.2: what GDAL 2.2 and later read without a warning (GDAL 3.12 writes 1.4 by
#: default, which the GDAL 3.6 of QGIS 3.22 LTR reads with a "partially supported" warning).
GPKG_VERSION = "1.2"
STYLE_TABLE = "layer_styles"

#: The table QGIS 3 creates to hold styles in a GeoPackage (column names and types as QGIS's).
STYLE_TABLE_SQL = f"""CREATE TABLE "{STYLE_TABLE}" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256), "f_table_schema" TEXT(256), "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256), "styleName" TEXT(30), "styleQML" TEXT, "styleSLD" TEXT,
  "useAsDefault" BOOLEAN, "description" TEXT, "owner" TEXT(30), "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""

#: The feature-count triggers GDAL keeps on each of its tables (gpkg_ogr_contents).
COUNT_TRIGGERS_SQL = (
    f"""CREATE TRIGGER "trigger_insert_feature_count_{STYLE_TABLE}" AFTER INSERT ON "{STYLE_TABLE}" BEGIN
 UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1 WHERE lower(table_name) = lower('{STYLE_TABLE}');
 END""",
    f"""CREATE TRIGGER "trigger_delete_feature_count_{STYLE_TABLE}" AFTER DELETE ON "{STYLE_TABLE}" BEGIN
 UPDATE gpkg_ogr_contents SET feature_count = feature_count - 1 WHERE lower(table_name) = lower('{STYLE_TABLE}');
 END""",
)

_DTYPES = {"integer": np.dtype("int64"), "real": np.dtype("float64"), "boolean": np.dtype("bool")}
#: pandas' nullable dtypes, for an integer or yes/no field with a null: GDAL declares them
#: Integer64 and Integer(Boolean) and writes the nulls as NULL (a float64 column, a REAL field).
_NULLABLE_DTYPES = {"integer": "Int64", "boolean": "boolean"}


@contextmanager
def c_character_classes() -> Iterator[None]:
    """Run the block with the C library's character classes (LC_CTYPE) of the C locale, UTF-8
    where the system has it, then restore the process's own: GDAL compares option names with the
    C library's case folding, which a Turkish locale changes. Python's own text handling does not
    depend on it."""
    previous = locale.setlocale(locale.LC_CTYPE)
    for name in ("C.UTF-8", "C"):
        try:
            locale.setlocale(locale.LC_CTYPE, name)
            break
        except locale.Error:
            continue
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)


#: Held while a GeoPackage is written (`write_geopackage`): the C library's locale and GDAL's
#: configuration options it sets are the process's, so a thread writing beside another (a
#: notebook's thread pool) could put them back under the other's write; one write at a time.
GEOPACKAGE_WRITE_LOCK = threading.Lock()


@contextmanager
def gdal_config(options: Mapping[str, str]) -> Iterator[None]:
    """Set GDAL configuration options for the duration of the block, then restore them."""
    previous = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(dict(options))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def typed_frame(layer: OutputLayer) -> gpd.GeoDataFrame:
    """The layer with column dtypes that GDAL maps to the declared field kinds, also when the
    layer is empty (an empty object column would otherwise become a string field): an integer or
    yes/no field with a null as pandas' nullable dtype (`_NULLABLE_DTYPES`), so that the field
    keeps its kind and the null stays NULL. Each column is made as an array on the layer's index
    (`typed_values`), not as a Series to be aligned: the Yunnan plan's sites (84 fields) took
    some 20 ms as Series, 6 ms so."""
    frame = layer.frame
    columns = {name: typed_values(frame[name], kind) for name, kind in layer.fields}
    return gpd.GeoDataFrame(columns, index=frame.index, geometry=frame.geometry.array, crs=frame.crs)


def typed_values(values: pd.Series, kind: FieldKind
                 ) -> pd.Series | np.ndarray | pd.api.extensions.ExtensionArray:
    """The values of a field of `kind` as `typed_frame` writes them, the same values and dtype
    as `values.astype` gives: a string field's as a Series of objects on `values`' index (an
    array of them would be made a column of pandas' `str` dtype); an integer or yes/no field's
    with a null as pandas' nullable dtype (`_NULLABLE_DTYPES`: Int64, boolean); other fields'
    as int64, float64 (a null as NaN) or bool arrays (`_DTYPES`)."""
    if kind == "string":
        return pd.Series(values.to_numpy(dtype=object), index=values.index, dtype=object, copy=False)
    if kind != "real" and values.isna().any():
        return pd.array(values.tolist(), dtype=_NULLABLE_DTYPES[kind])
    return values.to_numpy(dtype=_DTYPES[kind])


def layer_description_text(layer: OutputLayer, descriptions: Mapping[str, str] | None = None) -> str:
    """A layer's GeoPackage description: its title, then ". " and what `descriptions` adds for it;
    the red line's, without one, what its table says of its basis (`layer_basis`); a layer naming
    sites ends saying which of its fields is the site's id to join the layers on and which its
    whole name (`site_join_note`)."""
    extra = (descriptions or {}).get(layer.name)
    if not extra and layer.name == "redline":
        extra = layer_basis(layer.frame).plain()
    text = f"{layer.title}. {extra}" if extra else layer.title
    joined = site_join_note(layer.name)
    return f"{text.rstrip('.')}. {joined}" if joined else text


def write_layers(path: Path, layers: Sequence[OutputLayer], descriptions: Mapping[str, str] | None = None) -> None:
    """Write each layer as a table of the GeoPackage at `path` (created with the first), with
    its declared geometry type (`OutputLayer.geometry_type`, in `gpkg_geometry_columns`): so an
    empty layer keeps its type too, which its GeoJSON cannot state (GDAL would take an empty
    frame's type as unknown, `GEOMETRY`)."""
    with gdal_config({"OGR_CURRENT_DATE": FIXED_TIMESTAMP, "OGR_SQLITE_SYNCHRONOUS": "OFF"}):
        for n, layer in enumerate(layers):
            pyogrio.write_dataframe(
                typed_frame(layer), path, layer=layer.name, driver="GPKG", geometry_type=layer.geometry_type,
                promote_to_multi=False,
                layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN, "SPATIAL_INDEX": "YES", "IDENTIFIER": layer.name,
                               "DESCRIPTION": layer_description_text(layer, descriptions), "FID": "fid"},
                dataset_options={"VERSION": GPKG_VERSION} if n == 0 else None)


def add_styles(path: Path, layers: Sequence[OutputLayer], styles: Mapping[str, str]) -> None:
    """Create `layer_styles` with one default style per layer, fix timestamps, vacuum."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA synchronous = OFF")
        with db:
            db.execute(STYLE_TABLE_SQL)
            db.executemany(
                f'INSERT INTO "{STYLE_TABLE}" (id, f_table_catalog, f_table_schema, f_table_name, f_geometry_column, '
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES (?, '', '', ?, ?, ?, ?, '', 1, ?, '', NULL, ?)",
                [(i, layer.name, GEOMETRY_COLUMN, layer.name, styles[layer.name], f"{layer.title} (siting)",
                  FIXED_TIMESTAMP) for i, layer in enumerate(layers, start=1)])
            db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                       "VALUES (?, 'attributes', ?, 'QGIS layer styles', ?)",
                       (STYLE_TABLE, STYLE_TABLE, FIXED_TIMESTAMP))
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone():
                db.execute("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, ?)",
                           (STYLE_TABLE, len(layers)))
                for trigger in COUNT_TRIGGERS_SQL:
                    db.execute(trigger)
            db.execute("UPDATE gpkg_contents SET last_change = ?", (FIXED_TIMESTAMP,))
        db.execute("VACUUM")


def write_geopackage(path: Path, layers: Sequence[OutputLayer], styles: Mapping[str, str],
                     descriptions: Mapping[str, str] | None = None) -> None:
    """Write `layers` (in their order) and their styles into a new GeoPackage at `path`; each
    layer's description (gpkg_contents.description) is its title, followed by what
    `descriptions` adds for it by name (the red line: what it says of its own basis,
    siting/deliver/mapinfo.py `LayerBasis.plain`).

    Raises:
        OSError: the disk refused the write (`disk_error`: no space left, quota exceeded,
            read-only), naming `path`, with GDAL's or SQLite's error as its cause.
    """
    try:
        with GEOPACKAGE_WRITE_LOCK, c_character_classes():
            write_layers(path, layers, descriptions)
            add_styles(path, layers, styles)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, sqlite3.Error) as exc:
        refused = disk_error(exc, path)
        if refused is None:
            raise
        raise refused from exc


@contextmanager
def geopackage_errors_named(path: Path) -> Iterator[None]:
    """While the block reads and writes the GeoPackage at `path`, a file a run wrote (its
    plan.gpkg, restyled when a batch draws its maps again: siting/deliver/files.py
    `set_geopackage_style`), raise an OSError naming `path` in place of a SQLite error, with it
    as its cause: the disk's refusal where `disk_error` finds one (the file's folder removed or
    made read-only during the run, the disk full), else SQLite's own words, `SQLite: <its
    message>` (the file changed by someone else). The caller names the output folder
    (siting/deliver/folders.py `write_errors_named`) as for any other file of it."""
    try:
        yield
    except sqlite3.Error as exc:
        refused = disk_error(exc, path)
        raise (refused if refused is not None else OSError(None, f"SQLite: {exc}", str(path))) from exc


#: SQLite's primary result codes of a write the file system refused: SQLITE_READONLY, SQLITE_IOERR,
#: SQLITE_FULL and SQLITE_CANTOPEN (an extended code holds one in its low byte).
SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 8, 10, 13, 14
SQLITE_WRITE_CODES = frozenset({SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN})

#: Bytes `write_probe` writes: more than one transaction of plan.gpkg (a layer, or the vacuum's
#: copy of the file: about 1 MB for the Yunnan scenario), so that a disk that refused one refuses it.
PROBE_BYTES = 8 * 2**20
PROBE_BLOCK = 2**20


def disk_error(exc: Exception, path: Path) -> OSError | None:
    """The OSError behind a GeoPackage write at `path` that failed with `exc` (a pyogrio error,
    or a SQLite error of SQLITE_WRITE_CODES), naming `path`: what the system says of a file
    written beside it (`write_probe`), or, with a probe that passed, for SQLite's "database or
    disk is full" (space freed since) no space left, and for its other write codes (SQLite could
    not open, read or write the file: a path longer than it takes, a folder removed and made again)
    SQLite's own words, `SQLite: <its message>`, with no errno. None for a pyogrio error the probe
    does not explain, or a SQLite error of another code: then `exc` is not the disk's, and is raised
    as it is."""
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    if isinstance(exc, sqlite3.Error) and (code is None or code & 0xFF not in SQLITE_WRITE_CODES):
        return None
    probed = write_probe(path.parent)
    if probed is not None:
        return OSError(probed.errno, probed.strerror, str(path))
    if code is not None and code & 0xFF == SQLITE_FULL:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    if code is not None:
        return OSError(None, f"SQLite: {exc}", str(path))
    return None


def write_probe(folder: Path) -> OSError | None:
    """The error the system gives for a file of PROBE_BYTES written into `folder` and flushed to
    the disk (a full disk, a quota used up, a read-only file system); None when it takes it. The
    file is removed either way."""
    try:
        handle, name = tempfile.mkstemp(prefix=PROBE_PREFIX, dir=folder)
    except OSError as exc:
        return exc
    try:
        with os.fdopen(handle, "wb") as stream:
            block = bytes(PROBE_BLOCK)
            for _ in range(PROBE_BYTES // PROBE_BLOCK):
                stream.write(block)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        return exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    return None
