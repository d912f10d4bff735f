"""Write the plan: GeoJSON layers (RFC 7946), plan.csv and manifest.json, all or nothing.

Files are written into a temporary folder beside the destination and moved into place only
when every file is complete; a rerun replaces the folder as a whole. Writers are our own so
that the same plan gives byte-identical files (sorted, rounded, no timestamps)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
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


def csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format=format_number)


def json_text(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def staging_folder(destination: Path) -> Path:
    """A new empty folder beside `destination`, on the same file system (so a rename works)."""
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))


def swap_into_place(staging: Path, destination: Path) -> None:
    """Replace `destination` (if any) by the complete `staging` folder."""
    destination = destination.resolve()
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        destination.rename(old)
    staging.rename(destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_files(folder: Path, files: Mapping[str, str | Callable[[Path], None]]) -> None:
    for name, content in files.items():
        target = folder / name
        if callable(content):
            content(target)
        else:
            target.write_text(content, encoding="utf-8", newline="\n")


def write_folder_atomically(destination: Path, files: Mapping[str, str | Callable[[Path], None]]) -> None:
    """Write every file into a temporary folder, then swap it in for `destination`.

    A value is text, or a function that writes the file at the path it is given. If anything
    fails, the temporary folder is removed and `destination` is left as it was."""
    staging = staging_folder(destination)
    try:
        write_files(staging, files)
        swap_into_place(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def lines_between(origins: Iterable[shapely.Geometry], ends: Iterable[shapely.Geometry]) -> list[shapely.Geometry]:
    return [shapely.LineString([a, b]) for a, b in zip(origins, ends, strict=True)]
