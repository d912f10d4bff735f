"""Assemble the output layers and tables of a solved plan (plain data, then `export` writes)."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

import siting
from models import ModelInputs
from models.formulation import derive_index
from siting.export import csv_text, feature_collection, lines_between
from siting.results import Plan, clean
from siting.scenario import LoadedScenario, file_sha256
from siting.solve import SolveReport
from siting.spatial import SpatialResult

PACKAGES = ("siting", "pyomo", "highspy", "geopandas", "shapely", "pyogrio", "pyproj", "pydantic", "numpy", "pandas")
STATUSES = ("built", "eligible_unused", "excluded_redline", "excluded_proximity", "excluded_land", "outside_clusters")


def site_status(inputs: ModelInputs, plan: Plan, dropped: tuple[str, ...]) -> dict[str, str]:
    """One status per candidate site, in the order of STATUSES' precedence."""
    index = derive_index(inputs)
    buildable = {s for s, _p in index.build_pairs}
    built = set(plan.builds["site"])
    status = {}
    for site in inputs.SITES:
        products = inputs.PRODUCTS
        red = "redline" in inputs.enabled_families and all((site, p) in inputs.REDLINE_EXCLUDED for p in products)
        near = "proximity" in inputs.enabled_families and all(
            (site, p) in inputs.REDLINE_EXCLUDED or (site, p) in inputs.PROXIMITY_EXCLUDED for p in products)
        if site in built:
            status[site] = "built"
        elif site in buildable:
            status[site] = "eligible_unused"
        elif red:
            status[site] = "excluded_redline"
        elif near:
            status[site] = "excluded_proximity"
        else:
            status[site] = "excluded_land"
    for site in dropped:
        status[site] = "outside_clusters"
    return status


def _excluded_list(inputs: ModelInputs, site: str, excluded: frozenset[tuple[str, str]], family: str) -> str:
    if family not in inputs.enabled_families:
        return ""
    return ",".join(p for p in inputs.PRODUCTS if (site, p) in excluded)


def sites_layer(loaded_sites: gpd.GeoDataFrame, spatial: SpatialResult, inputs: ModelInputs, plan: Plan
                ) -> tuple[gpd.GeoDataFrame, list[str]]:
    status = site_status(inputs, plan, spatial.dropped_sites)
    kept = spatial.sites.set_index("id")
    added = plan.builds.groupby(["site", "product", "year"])["capacity_added"].sum()
    capex = plan.builds.groupby("site")["capex_yuan"].sum()
    value = {p: inputs.output_value_yuan_per_unit.get(p, 0.0) for p in inputs.PRODUCTS}
    rows = []
    for site_id, name in zip(loaded_sites["id"], loaded_sites.get("name", loaded_sites["id"]), strict=True):
        in_cluster = site_id in kept.index
        row: dict[str, Any] = {
            "id": site_id,
            "name": str(name),
            "cluster": str(kept.at[site_id, "cluster"]) if in_cluster else "",
            "status": status[site_id],
            "usable_land_ha": clean(float(kept.at[site_id, "gross_land_ha"])) if in_cluster else 0.0,
            "land_after_redline_ha": clean(max((inputs.land_after_redline_ha.get((site_id, p), 0.0)
                                                 for p in inputs.PRODUCTS), default=0.0)) if in_cluster else 0.0,
            "excluded_redline": _excluded_list(inputs, site_id, inputs.REDLINE_EXCLUDED, "redline"),
            "excluded_proximity": _excluded_list(inputs, site_id, inputs.PROXIMITY_EXCLUDED, "proximity"),
            "capex_yuan": clean(float(capex.get(site_id, 0.0))),
        }
        best, best_value = "", 0.0
        for p in inputs.PRODUCTS:
            total = 0.0
            for t in inputs.YEARS:
                amount = clean(float(added.get((site_id, p, t), 0.0)))
                row[f"added_{p}_{t}"] = amount
                total += amount
            if total * value[p] > best_value:
                best, best_value = p, total * value[p]
        row["main_product"] = best
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, geometry=list(loaded_sites.geometry), crs=loaded_sites.crs)
    return frame, [c for c in rows[0] if c != "geometry"]


def clusters_layer(loaded_clusters: gpd.GeoDataFrame, inputs: ModelInputs, plan: Plan
                   ) -> tuple[gpd.GeoDataFrame, list[str]]:
    final = inputs.YEARS[-1]
    rows = []
    for cluster_id, name in zip(loaded_clusters["id"], loaded_clusters.get("name", loaded_clusters["id"]),
                                strict=True):
        builds = plan.builds.loc[plan.builds["cluster"] == cluster_id]
        cap = plan.capacity.loc[(plan.capacity["cluster"] == cluster_id) & (plan.capacity["year"] == final)]
        row: dict[str, Any] = {
            "id": cluster_id,
            "name": str(name),
            "sites_opened": int(builds["site"].nunique()),
            "capex_yuan": clean(float(builds["capex_yuan"].sum())),
            "products_added": ",".join(p for p in inputs.PRODUCTS if p in set(builds["product"])),
        }
        for p in inputs.PRODUCTS:
            row[f"added_{p}"] = clean(float(builds.loc[builds["product"] == p, "capacity_added"].sum()))
            row[f"capacity_{p}_{final}"] = clean(float(cap.loc[cap["product"] == p, "capacity"].sum()))
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, geometry=list(loaded_clusters.geometry), crs=loaded_clusters.crs)
    return frame, list(rows[0])


def flows_layer(spatial: SpatialResult, inputs: ModelInputs, plan: Plan) -> tuple[gpd.GeoDataFrame, list[str]]:
    columns = ["id", "source", "site", "resource", "km"] + [f"tonnes_{t}" for t in inputs.YEARS]
    if plan.flows.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=spatial.sites.crs), columns
    wide = plan.flows.pivot_table(index=["source", "site", "resource", "km"], columns="year", values="tonnes",
                                  aggfunc="sum", fill_value=0.0).reset_index()
    wide = wide.sort_values(["site", "source"], kind="stable").reset_index(drop=True)
    for t in inputs.YEARS:
        wide[f"tonnes_{t}"] = [clean(float(v)) for v in wide.get(t, pd.Series(0.0, index=wide.index))]
    wide["id"] = wide["source"] + "->" + wide["site"]
    source_geom = spatial.sources.set_index("id").geometry
    site_point = pd.Series(shapely.point_on_surface(spatial.sites.geometry.to_numpy()), index=spatial.sites["id"])
    geometry = lines_between(source_geom.loc[wide["source"]].to_numpy(), site_point.loc[wide["site"]].to_numpy())
    frame = gpd.GeoDataFrame(wide[columns], geometry=geometry, crs=spatial.sites.crs)
    return frame, columns


def manifest(loaded: LoadedScenario, layer_paths: dict[str, Path], report: SolveReport, plan: Plan,
             model_size: dict[str, int], timings: dict[str, float], notices: list[str],
             dropped: tuple[str, ...]) -> dict[str, Any]:
    """Run manifest. Everything but the `run` member is a function of the inputs alone."""
    base = loaded.scenario_path.parent
    inputs = {"scenario": loaded.scenario_path.name, "catalog": _relative(loaded.catalog_path, base)}
    hashes = {
        "scenario": file_sha256(loaded.scenario_path),
        "catalog": file_sha256(loaded.catalog_path),
    }
    for role, path in sorted(layer_paths.items()):
        inputs[role] = _relative(path, base)
        hashes[role] = file_sha256(path)
    return {
        "scenario": loaded.scenario.name,
        "description": loaded.scenario.description,
        "inputs": inputs,
        "input_sha256": hashes,
        "versions": {"python": sys.version.split()[0], **{p: _version(p) for p in PACKAGES},
                     "highs": report.solver_version},
        "solver": {
            "status": report.status,
            "termination": report.termination,
            "proven_optimal": report.proven_optimal,
            "objective_yuan": _maybe(report.objective_yuan),
            "best_bound_yuan": _maybe(report.best_bound_yuan),
            "gap": _maybe(report.gap),
            "settings": loaded.scenario.solver.model_dump(mode="json"),
        },
        "model_size": model_size,
        "objective_breakdown_yuan": plan.costs,
        "sites_opened": list(plan.opened_sites),
        "sites_dropped_outside_clusters": list(dropped),
        "notices": notices,
        "run": {"timings_s": {k: round(v, 3) for k, v in timings.items()},
                "solver_wall_time_s": round(report.solve_time_s, 3)},
    }


def _maybe(value: float | None) -> float | None:
    return None if value is None else clean(value)


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        import os

        return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()


def _version(package: str) -> str:
    if package == "siting":
        return siting.__version__
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def output_files(sites: tuple[gpd.GeoDataFrame, list[str]], clusters: tuple[gpd.GeoDataFrame, list[str]],
                 flows: tuple[gpd.GeoDataFrame, list[str]], plan: Plan) -> dict[str, str]:
    """Every output file but the manifest, as text."""
    builds = plan.builds.sort_values(["site", "product", "year", "module"], kind="stable")
    return {
        "sites.geojson": feature_collection(sites[0], sites[1], "sites"),
        "clusters.geojson": feature_collection(clusters[0], clusters[1], "clusters"),
        "flows.geojson": feature_collection(flows[0], flows[1], "flows"),
        "plan.csv": csv_text(builds),
        "capacity.csv": csv_text(plan.capacity),
        "targets.csv": csv_text(plan.targets),
    }
