"""Write the plan: GeoJSON layers (RFC 7946), plan.csv and manifest.json, all or nothing.

Files are written into a staging folder beside the destination and moved into place only
when every file is complete. A run replaces only a folder that siting wrote (see
siting/destination.py for the rule and the marker). Writers are our own so
that the same plan gives byte-identical files (sorted, rounded, no timestamps)."""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from siting.destination import (
    OLD,
    STAGING,
    is_empty_folder,
    is_ours,
    remove_stale_temporaries,
    temporary_prefix,
    write_marker,
)
from siting.errors import InputError

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


def csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format=format_number)


def json_text(data: Mapping[str, Any]) -> str:
    """Indented JSON text; NaN and Infinity are refused (ValueError), as strict JSON has neither."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"


def staging_folder(destination: Path, create_parent: bool = True) -> Path:
    """A new folder beside `destination`, on the same file system (so a rename works), holding
    only the marker. With `create_parent` false the parent folder must exist already."""
    destination = destination.resolve()
    if create_parent:
        destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=temporary_prefix(destination, STAGING), dir=destination.parent))
    try:
        write_marker(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _blocked_signals() -> set[signal.Signals]:
    return {signal.SIGINT, signal.SIGTERM}


def swap_into_place(staging: Path, destination: Path, where: str = "--out") -> None:
    """Replace `destination` by the complete `staging` folder, if `destination` is absent, an
    empty folder, or a folder this tool wrote (checked again here: it may have changed while
    the run was solving). Interrupt signals wait until both renames are done."""
    destination = destination.resolve()
    if destination.exists() and not (destination.is_dir() and (is_empty_folder(destination)
                                                               or is_ours(destination))):
        raise InputError([f"{where} | the output folder changed during the run and now holds files that siting did "
                          f"not write (got {destination}); choose another folder, or empty this one"])
    old = None
    mask = getattr(signal, "pthread_sigmask", None)
    previous = mask(signal.SIG_BLOCK, _blocked_signals()) if mask else None
    try:
        if destination.exists():
            if is_ours(destination):
                old = Path(tempfile.mkdtemp(prefix=temporary_prefix(destination, OLD), dir=destination.parent))
                destination.rename(old)  # replaces the empty folder just made
            else:
                destination.rmdir()
        staging.rename(destination)
    finally:
        if mask is not None and previous is not None:
            mask(signal.SIG_SETMASK, previous)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_files(folder: Path, files: Mapping[str, str | Callable[[Path], None]]) -> None:
    """Write each named file into `folder`: text as UTF-8, or by calling the function with its path."""
    for name, content in files.items():
        target = folder / name
        if callable(content):
            content(target)
        else:
            target.write_text(content, encoding="utf-8", newline="\n")


def write_folder_atomically(destination: Path, files: Mapping[str, str | Callable[[Path], None]],
                            create_parent: bool = True) -> None:
    """Write every file into a staging folder, then swap it in for `destination`.

    A value is text, or a function that writes the file at the path it is given. If anything
    fails, or the run is interrupted, the staging folder is removed and `destination` is left
    as it was. Staging folders of killed runs into the same place are removed first."""
    remove_stale_temporaries(destination.resolve())
    staging = staging_folder(destination, create_parent)
    try:
        write_files(staging, files)
        swap_into_place(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def lines_between(origins: Iterable[shapely.Geometry], ends: Iterable[shapely.Geometry]) -> list[shapely.Geometry]:
    return [shapely.LineString([a, b]) for a, b in zip(origins, ends, strict=True)]
