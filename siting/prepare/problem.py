"""The prepared problem: a scenario loaded, checked against its layers and preprocessed into
the model's inputs, with the notices of the run."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from models import ModelInputs
from siting.config import progress
from siting.config.errors import InputError
from siting.config.load import LoadedScenario, Override, load_scenario
from siting.prepare.checks import check_against_layers
from siting.prepare.inputs import build_inputs_with_notices
from siting.prepare.layers import LayerSet, load_layers
from siting.prepare.spatial import RedlineSettings, SpatialResult, preprocess


@dataclass
class Prepared:
    loaded: LoadedScenario
    layers: LayerSet
    spatial: SpatialResult
    inputs: ModelInputs
    notices: list[str]


def redline_settings(loaded: LoadedScenario) -> RedlineSettings:
    r = loaded.scenario.constraints.redline
    return RedlineSettings(enabled=r.enabled, buffer_m=r.buffer_m,
                           categories=tuple(r.categories) if r.categories is not None else None,
                           setbacks_m={p: dict(v) for p, v in r.setbacks_m.items()})


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
    started = time.perf_counter()
    s = loaded.scenario
    with progress.phase("preprocess"):
        gateway = (s.network.gateway.lon, s.network.gateway.lat)
        spatial = preprocess(layers, list(loaded.catalog.products), redline_settings(loaded), s.spatial.working_crs,
                             s.spatial.sites_outside_clusters, s.spatial.detour_factor, str(loaded.scenario_path),
                             gateway)
        inputs, input_notices = build_inputs_with_notices(loaded, spatial)
    timings["preprocess"] = time.perf_counter() - started
    notices = list(layers.notices) + notices + input_notices
    if spatial.dropped_sites:
        notices.append(f"sites outside every cluster, dropped: {', '.join(spatial.dropped_sites)}")
    return Prepared(loaded, layers, spatial, inputs, notices)
