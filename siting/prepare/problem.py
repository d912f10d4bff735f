"""The prepared problem: a scenario loaded, checked against its layers and preprocessed into
the model's inputs, with the notices of the run."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from models import ModelInputs
from siting.config import progress
from siting.config.errors import InputError, listed
from siting.config.load import LoadedScenario, Override, load_scenario
from siting.prepare.candidates import allowed_zone_geometry, generate_candidates, no_cell_left
from siting.prepare.checks import check_against_layers
from siting.prepare.inputs import build_inputs_with_notices
from siting.prepare.layers import LayerSet, load_layers
from siting.prepare.spatial import (
    CELL,
    RedlineSettings,
    SpatialResult,
    check_study_area,
    preprocess,
    working_crs_of,
)


@dataclass
class Prepared:
    """A scenario ready to solve: `candidate_cells` are the site ids of the generated cells, in
    the order of the model's SITES (empty without a `candidates:` block)."""

    loaded: LoadedScenario
    layers: LayerSet
    spatial: SpatialResult
    inputs: ModelInputs
    notices: list[str]
    candidate_cells: tuple[str, ...] = ()


def redline_settings(loaded: LoadedScenario) -> RedlineSettings:
    r = loaded.scenario.constraints.redline
    return RedlineSettings(enabled=r.enabled, buffer_m=r.buffer_m,
                           categories=tuple(r.categories) if r.categories is not None else None,
                           setbacks_m={p: dict(v) for p, v in r.setbacks_m.items()})


def candidate_cells(loaded: LoadedScenario, layers: LayerSet) -> gpd.GeoDataFrame | None:
    """The candidate cells of the scenario's `candidates:` block (None without one), in the working
    CRS, with their land price: generated over the clusters, less the red-line rule's buffered
    zones and setbacks, within the allowed zone. InputError, naming the scenario's setting: a
    cell id that is also a site id of the sites layer (`candidates.id_prefix`), more than
    `candidates.MAX_CELLS` cells, or none (the setting that removed them, `no_cell_left`)."""
    spec = loaded.scenario.candidates
    if spec is None:
        return None
    where = str(loaded.scenario_path)
    crs_where, crs_key = loaded.at("spatial", "working_crs")
    name = loaded.scenario.spatial.working_crs
    crs = working_crs_of(name, crs_where, crs_key)
    check_study_area(layers, crs, name, crs_where, crs_key)
    allowed = None
    if spec.allowed_zone is not None and layers.allowed_zone is not None:
        every = spec.allowed_zone.model_copy(update={"field": None, "values": None})  # already selected
        allowed = allowed_zone_geometry(layers.allowed_zone, every, crs)
    rule, products = redline_settings(loaded), list(loaded.catalog.products)
    cells = generate_candidates(layers.clusters, layers.redline, spec, crs, rule=rule, products=products,
                                allowed=allowed, where=where)
    if cells.empty:
        raise InputError([no_cell_left(layers.clusters, layers.redline, spec, crs, rule=rule, products=products,
                                       allowed=allowed, where=where)])
    taken = sorted(set(cells["id"]) & set(layers.sites["id"]))
    if taken:
        raise InputError([f"{where}: candidates.id_prefix | cell ids {listed(taken)} are also site ids of "
                          f"{layers.paths.get('sites', 'the sites layer')} (got {spec.id_prefix!r}); choose an "
                          "id_prefix no site id starts with"])
    return cells.assign(land_price_yuan_per_ha=float(spec.land_price_yuan_per_ha))


def prepare(scenario_path: Path | str, timings: dict[str, float], variant: str | None = None,
            overrides: tuple[Override, ...] = ()) -> Prepared:
    """Load, check and preprocess; raise InputError with every problem found."""
    started = time.perf_counter()
    with progress.phase("load"):
        loaded = load_scenario(scenario_path, variant, overrides)
        layers = load_layers(loaded)
        problems, notices = check_against_layers(loaded, layers)
    if problems:
        raise InputError(problems)
    timings["load"] = time.perf_counter() - started
    s = loaded.scenario
    cells = None
    if s.candidates is not None:
        started = time.perf_counter()
        with progress.phase("candidates"):
            cells = candidate_cells(loaded, layers)
        timings["candidates"] = time.perf_counter() - started
    started = time.perf_counter()
    with progress.phase("preprocess"):
        gateway = (s.network.gateway.lon, s.network.gateway.lat)
        crs_at = loaded.at("spatial", "working_crs")
        spatial = preprocess(layers, list(loaded.catalog.products), redline_settings(loaded), s.spatial.working_crs,
                             s.spatial.sites_outside_clusters, s.spatial.detour_factor, crs_at[0], gateway, cells,
                             crs_at[1])
        inputs, input_notices = build_inputs_with_notices(loaded, spatial)
    timings["preprocess"] = time.perf_counter() - started
    notices = list(layers.notices) + notices + input_notices
    if spatial.dropped_sites:
        notices.append(f"sites outside every cluster, dropped: {', '.join(spatial.dropped_sites)}")
    if cells is not None:
        notices.append(f"candidate cells: {len(cells):,} ({s.candidates.shape}) over the clusters, planned beside "
                       f"the {int((spatial.sites['kind'] != CELL).sum())} sites of the sites layer")
    kinds = spatial.sites["kind"].to_numpy()
    cell_ids = tuple(str(i) for i, k in zip(spatial.sites["id"], kinds, strict=True) if k == CELL)
    return Prepared(loaded, layers, spatial, inputs, notices, cell_ids)
