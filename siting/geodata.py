"""Reading the geographic layers a scenario names, with the checks that make them safe to use.

Each layer is read with pyogrio, must carry a CRS, must not be empty, must have the fields the
scenario names, unique non-empty ids, the right geometry type, and valid geometries (repaired
and reported, or rejected, as the scenario says). Columns are renamed to canonical names:
`id`, `name`, and the layer's own (`category`, `resource`, `supply_t_per_yr`, ...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from siting.errors import InputError
from siting.scenario import LoadedScenario

POLYGONAL = ("Polygon", "MultiPolygon")
PUNCTUAL = ("Point",)


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


def read_layer(path: Path, role: str) -> gpd.GeoDataFrame:
    if not path.exists():
        raise InputError([f"{path}: {role} layer not found; check layers.{role}.path in the scenario "
                          "(relative paths start at the scenario file)"])
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError([f"{path}: cannot read the {role} layer ({exc}); is it a GeoJSON, GeoPackage or "
                          "shapefile?"]) from None
    return frame


def check_layer(
    frame: gpd.GeoDataFrame,
    path: Path,
    role: str,
    fields: dict[str, str],
    geometry_types: tuple[str, ...],
    invalid_geometry: str,
    notices: list[str],
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Check one layer; return it with canonical column names, and the problems found.

    `fields` maps canonical name -> the layer's field name (from the scenario)."""
    problems: list[str] = []
    if frame.crs is None:
        problems.append(f"{path}: {role} layer | has no CRS; assign one (for GeoJSON, coordinates are WGS84 "
                        "lon/lat by RFC 7946; for a shapefile add the .prj)")
    if len(frame) == 0:
        problems.append(f"{path}: {role} layer | has no features; the layer must not be empty")
        return frame, problems
    missing = [f for f in fields.values() if f not in frame.columns]
    for name in missing:
        problems.append(f"{path}: field '{name}' | missing from the {role} layer (has: "
                        f"{', '.join(c for c in frame.columns if c != 'geometry')}); add it or set "
                        f"layers.{role} to the right field name")
    if missing:
        return frame, problems
    frame = frame.rename(columns={v: k for k, v in fields.items() if k != v})
    ids = frame["id"]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        rows = [int(i) for i in np.flatnonzero(ids.isna().to_numpy() | (ids.astype(str).str.strip() == "").to_numpy())]
        problems.append(f"{path}: field '{fields['id']}' | empty id in feature(s) {rows[:5]}; every feature "
                        "needs an id")
    frame["id"] = ids.astype(str)
    duplicated = sorted(set(frame.loc[frame["id"].duplicated(), "id"]))
    if duplicated:
        problems.append(f"{path}: field '{fields['id']}' | duplicate ids {duplicated[:5]}; ids must be unique")
    geoms = frame.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        problems.append(f"{path}: geometry | features {list(frame.loc[empty, 'id'])[:5]} have no geometry; "
                        "remove them or draw them")
        return frame, problems
    wrong_type = ~geoms.geom_type.isin(geometry_types)
    if wrong_type.any():
        bad = frame.loc[wrong_type]
        problems.append(f"{path}: geometry | {role} must be {' or '.join(geometry_types)} (got "
                        f"{bad.geometry.geom_type.iloc[0]} for {list(bad['id'])[:5]})")
        return frame, problems
    invalid = ~geoms.is_valid
    if invalid.any():
        ids_bad = list(frame.loc[invalid, "id"])
        reasons = [shapely.is_valid_reason(g) for g in geoms[invalid]]
        if invalid_geometry == "reject":
            problems.append(f"{path}: geometry | invalid geometries in {ids_bad[:5]} ({reasons[0]}); repair them "
                            "or set spatial.invalid_geometry: repair")
        else:
            repaired = shapely.make_valid(geoms[invalid].to_numpy())
            if geometry_types == POLYGONAL:
                repaired = np.array([_polygonal_part(g) for g in repaired], dtype=object)
            frame.loc[invalid, "geometry"] = repaired
            notices.append(f"{path}: repaired invalid geometries of {', '.join(ids_bad)} ({reasons[0]})")
    return frame, problems


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a repaired geometry (make_valid may return a collection with lines)."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def check_numeric(frame: gpd.GeoDataFrame, column: str, path: Path, field_name: str, problems: list[str],
                  allow_missing: bool = False) -> None:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & (~frame[column].isna() if allow_missing else True)
    negative = values < 0
    if bad.any():
        problems.append(f"{path}: field '{field_name}' | not a number for {list(frame.loc[bad, 'id'])[:5]} "
                        f"(got {frame.loc[bad, column].iloc[0]!r}); use a number")
    if negative.any():
        problems.append(f"{path}: field '{field_name}' | negative for {list(frame.loc[negative, 'id'])[:5]}; "
                        "use a value >= 0")
    frame[column] = values.astype(float)


def load_layers(loaded: LoadedScenario) -> LayerSet:
    """Read and check every layer; raise one InputError listing all problems."""
    scenario = loaded.scenario
    layers = scenario.layers
    policy = scenario.spatial.invalid_geometry
    notices: list[str] = []
    problems: list[str] = []
    paths: dict[str, Path] = {}

    def load(role: str, ref: object, fields: dict[str, str], types: tuple[str, ...]) -> gpd.GeoDataFrame:
        path = loaded.resolve(ref.path)  # type: ignore[attr-defined]
        paths[role] = path
        try:
            frame = read_layer(path, role)
        except InputError as exc:
            problems.extend(exc.problems)
            return gpd.GeoDataFrame()
        layer_notices: list[str] = []
        frame, found = check_layer(frame, path, role, fields, types, policy, layer_notices)
        # Notices go into the manifest: name the file as the scenario does, not by machine path.
        shown = Path(os.path.relpath(path, loaded.scenario_path.parent)).as_posix()
        notices.extend(n.replace(str(path), shown, 1) for n in layer_notices)
        problems.extend(found)
        return frame

    clusters = load("clusters", layers.clusters, {"id": layers.clusters.id_field}, POLYGONAL)
    site_fields = {"id": layers.sites.id_field}
    sites = load("sites", layers.sites, site_fields, POLYGONAL + PUNCTUAL)
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
    existing: dict[str, str] = {}
    if "id" in sites.columns and len(sites):
        path = paths["sites"]
        area_field = layers.sites.usable_area_field
        if area_field in sites.columns:
            sites = sites.rename(columns={area_field: "usable_area_ha"})
            check_numeric(sites, "usable_area_ha", path, area_field, problems,
                          allow_missing=bool(sites.geom_type.isin(POLYGONAL).all()))
        elif not sites.geom_type.isin(POLYGONAL).all():
            problems.append(f"{path}: field '{area_field}' | missing; point sites need their usable area in ha "
                            "(polygon sites may use their drawn area)")
        else:
            sites["usable_area_ha"] = np.nan
        prefix = layers.sites.existing_prefix
        products = loaded.catalog.products
        for column in [c for c in sites.columns if c.startswith(prefix)]:
            product = column[len(prefix):]
            if product not in products:
                problems.append(f"{path}: field '{column}' | names no catalog product ({product!r}); rename it to "
                                f"{prefix}<product> with one of: {', '.join(products)}")
                continue
            sites[column] = sites[column].fillna(0.0)
            check_numeric(sites, column, path, column, problems)
            existing[product] = column
    if "id" in sources.columns and len(sources) and "supply_t_per_yr" in sources.columns:
        check_numeric(sources, "supply_t_per_yr", paths["sources"], layers.sources.supply_field, problems)
        if "status" not in sources.columns:
            sources["status"] = "producing"
        sources["status"] = sources["status"].fillna("producing").astype(str)
        sources["resource"] = sources["resource"].astype(str)
    if "category" in redline.columns:
        redline["category"] = redline["category"].astype(str)
    if problems:
        raise InputError(problems)
    return LayerSet(clusters, sites, redline, sources, existing, notices, paths)
