"""Every output file of a solved plan, as entries of the output folder's files dict.

For every layer of `siting.deliver.layers.plan_layers` (the context layer, such as the counties, among
them when the scenario has one): `<layer>.geojson` (RFC 7946) and `<layer>.qml` (its
QGIS style, loaded automatically next to the GeoJSON); then `plan.gpkg` with every layer and its
style as the default in `layer_styles`, `plan.qgs` opening the GeoPackage's layers in order,
`map.png`, and `report.md` / `report.html`. A run with near-optimal alternatives adds its robustness
layer to plan.gpkg and plan.qgs (`export_files`' `overlays`), and draws every plan's pies on one capex scale
(`export_files`' `pie_top_yuan`, `plans_pie_scale`). Everything goes through the files dict, so the folder is
still written all at once.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import importlib
import io
import math
import os
import pickle
import select
import signal
import sqlite3
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from models import ModelInputs
from siting.config import progress
from siting.config.load import LoadedScenario, Override
from siting.config.units import plain_status
from siting.deliver import machine
from siting.deliver.drivers import units_of
from siting.deliver.explore import plan_excess_lines
from siting.deliver.folders import MANIFEST, changed_files, record_file_hashes, write_marker, written_entries
from siting.deliver.geojson import json_text
from siting.deliver.geopackage import STYLE_TABLE, write_geopackage
from siting.deliver.layer import OutputLayer, feature_collection_text, read_layer
from siting.deliver.layers import LAYER_ORDER, context_title, plan_layers
from siting.deliver.manifest import changed_inputs, manifest, read_sha256_of
from siting.deliver.mapinfo import (
    MapContext,
    MapTitle,
    layer_basis,
    redline_basis,
    redline_coverage,
    redline_extent_text,
    scope_title,
)
from siting.deliver.prefetch import PREFETCH_THREAD
from siting.deliver.qgisproject import (
    BATCH_SCALE_WORDS,
    Overlay,
    PlanSheet,
    ShownPlans,
    default_credits,
    plan_sheet,
    project_abstract,
    project_subfolders,
    proxy_redline_line,
    sheet_project,
    with_sites_capex_scale,
)
from siting.deliver.report import ReportCalibration, html_page, markdown, report_blocks, report_title
from siting.deliver.styles import capex_scale, on_site_widest, style_for, with_capex_scale
from siting.deliver.tables import given_settings, plan_tables
from siting.deliver.webmap import (
    largest_built,
    place_names,
    unlined_by_year,
    unlined_flows,
    unlined_widest,
    with_marker_scale,
)
from siting.optimize.results import Plan, clean
from siting.optimize.solve import SolveReport
from siting.prepare.positions import PositionCheck
from siting.prepare.problem import Prepared, redline_settings


def export_files(prepared: Prepared, report: SolveReport, plan: Plan, size: dict[str, Any],
                 timings: dict[str, float], extra: Mapping[str, FileContent] | None = None, *,
                 variant: str | None = None, overrides: tuple[Override, ...] = (), which: str = "",
                 calibration: ReportCalibration | None = None, near_optimal: Mapping[str, Any] | None = None,
                 overlays: Sequence[Overlay] = (), pie_top_yuan: float | None = None,
                 plans: ShownPlans | None = None, sheets: list[PlanSheet] | None = None
                 ) -> dict[str, str | Callable[[Path], None]]:
    """Every output file of a solved plan, as text or as a function writing the file: each layer
    as GeoJSON with its QGIS style, plan.gpkg, plan.qgs, map.png, the CSV tables, manifest.json,
    and report.md / report.html (which quote the manifest, less its timings). `extra`: files made
    before the export (rule costs, alternatives), written with these and listed in the manifest.
    `variant` and `overrides` are those the scenario was loaded with (the command line's
    `--variant` and `--set`, in their order), which the manifest and the report record. `which`:
    which plan of a set this is, for the titles of map.png and plan.qgs (`MapTitle.plan`:
    "alternative alt01 of 2"); "" for a run's own plan. `calibration`: a calibration in mode
    fixed (siting/runs/calibrate.py `fixed_calibration`), whose verdict and real plants the report
    states, or in mode choose (`choice_calibration`), whose score against the real plants it
    states; None otherwise. `near_optimal`: for a plan of a near-optimal set, the set's record
    (siting/optimize/alternatives.py `near_optimal_record`), which the manifest and the report give.
    `overlays`: layers plan.gpkg and plan.qgs hold beside the plan's (the optimum's of a run with
    alternatives: the robustness layer, siting/runs/job.py `plans_files`), whose files
    `extra` holds. `pie_top_yuan`: the capex (yuan) of the largest pie on the maps of a set of
    plans drawn on one scale (the optimum and its alternatives: `plans_pie_scale`), at least this
    plan's largest built site's; where it is above that, map.png's pies and reference sizes,
    report.html's built-site markers, and the sites' circles and pies in sites.qml, plan.gpkg and
    plan.qgs are on that scale, whose legend in the sites' style says so (PLANS_SCALE_WORDS), as
    a comparison's runs are put on theirs (`redraw_map`); None, or the plan's own largest: every
    file is the one the plan makes alone. Raises ValueError where `pie_top_yuan` is not a finite
    number at least this plan's largest built site's capex. `plans`: the other plans plan.qgs shows,
    one at a time (the optimum's alternatives, siting/runs/job.py `plans_files`; `gis_files`).
    `sheets`, where given, gets plan.qgs's `PlanSheet` (its layers and its layout's words), for
    the project of the folder above to show this plan (siting/deliver/qgisproject.py `moved_sheet`)."""
    with collector_paused():
        return _export_files(prepared, report, plan, size, timings, extra, variant, overrides, which, calibration,
                             near_optimal, overlays, pie_top_yuan, plans, sheets)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off while the block runs (`gc.disable`), then
    restore it as it was. The export makes about a million short-lived objects (coordinates,
    JSON, the map's artists): every few hundred of them started a collection, and every tenth of
    those scanned again what the export had built so far. That took about a sixth of the
    export's time, even with the objects made before it (the solved model) frozen out of the
    collector's sight. Reference counting still frees what the export drops; what only the
    collector frees (objects that refer to each other, such as the map's figure: about 20 MB for
    the Yunnan scenario's plan) waits for its first collection after the block. Nothing the
    export writes depends on it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _export_files(prepared: Prepared, report: SolveReport, plan: Plan, size: dict[str, Any],
                  timings: dict[str, float], extra: Mapping[str, FileContent] | None = None,
                  variant: str | None = None, overrides: tuple[Override, ...] = (), which: str = "",
                  calibration: ReportCalibration | None = None, near_optimal: Mapping[str, Any] | None = None,
                  overlays: Sequence[Overlay] = (), pie_top_yuan: float | None = None,
                  plans: ShownPlans | None = None, sheets: list[PlanSheet] | None = None
                  ) -> dict[str, str | Callable[[Path], None]]:
    started = time.perf_counter()
    spatial = prepared.spatial
    layers = plan_layers(prepared.layers, spatial, prepared.inputs, plan, redline_settings(prepared.loaded),
                         prepared.loaded.scenario.network.gateway.name,
                         units_of(prepared.loaded.catalog, prepared.inputs), prepared.positions)
    prepared.notices.extend(n for layer in layers for n in layer.notices if n not in prepared.notices)
    # this write's own: an input changed since the run read it (looked at again at every write)
    input_changes = [n for n in changed_inputs(prepared.input_sha256) if n not in prepared.notices]
    notices = [*prepared.notices, *input_changes]
    context = map_context(prepared, layers)
    top = shared_pie_top(layers, pie_top_yuan)
    kind = scope_title(near_optimal)  # an alternative's kind, for its map's titles
    # an alternative's cost over the optimum's, the last line of its map's titles
    excess = plan_excess_lines(near_optimal).get(str((near_optimal or {}).get("plan")), "")
    with MapDrawing.start(layers, prepared.loaded, prepared.inputs, report, spatial.working_crs, context,
                          notices, plan.product_flows, which, top, kind, excess) as drawing:
        files, drawn = gis_files(layers, prepared.loaded, prepared.inputs, report, spatial.working_crs,
                                 list(spatial.sources["resource"]), context, notices, plan.product_flows,
                                 which, drawing, overlays, top, kind, plans, sheets, excess)
        files.update(plan_tables(plan, prepared.loaded.catalog, prepared.inputs.TARGET_GROUPS))
        files.update(extra or {})
        names = [*files, "manifest.json", *REPORT_FILES]

        def quoted() -> tuple[dict[str, Any], dict[str, FileContent]]:
            """The manifest and the report (which waits for the map), as the notices stand."""
            timings["export"] = time.perf_counter() - started
            run_manifest = manifest(prepared.loaded, prepared.layers.paths, report, plan, size, timings,
                                    notices, spatial.dropped_sites, names, variant, overrides, near_optimal,
                                    prepared.input_sha256, prepared.input_bases)
            return run_manifest, report_files(prepared.loaded, prepared.inputs, plan, layers, run_manifest, drawn,
                                              context, prepared.positions, calibration, top, which,
                                              *(text if isinstance(text := (extra or {}).get(name), str) else None
                                                for name in ("rule_costs.csv", "rule_costs.md")))

        said = list(notices)
        run_manifest, reported = quoted()  # made while the map is drawn apart (`MapDrawing`)
        if notices != said:  # the map added notices (a label no font draws), which both quote
            run_manifest, reported = quoted()
        files["map.png"] = _bytes_writer(drawn.png())  # in before the drawing closes, in its place in the dict
    # the map's notices stay with the problem, as the layers' do; the input changes are this write's
    prepared.notices.extend(n for n in notices if n not in input_changes and n not in prepared.notices)
    files.update(reported)
    timings["export"] = time.perf_counter() - started  # the report included (it does not quote the timings)
    run_manifest["run"]["timings_s"]["export"] = round(timings["export"], 3)
    files["manifest.json"] = json_text(run_manifest)
    return files


FileContent = str | Callable[[Path], None]

#: What the sites' legend (sites.qml, plan.gpkg's style of the sites, plan.qgs's print legend) adds
#: to its capex scale where a plan's files are on its set's one scale above the plan's own largest
#: built site (`export_files`' `pie_top_yuan`; a comparison's runs say BATCH_SCALE_WORDS).
PLANS_SCALE_WORDS = ", the largest of the optimum and its alternatives"


def plans_pie_scale(plans: Sequence[Plan]) -> float:
    """The one pie scale of a set of plans (the optimum and its alternatives; `export_files`'
    `pie_top_yuan`): the largest capex (yuan) of a site any of `plans` builds on, each site's capex
    the sum of its builds' as its sites layer gives it (siting/deliver/layers.py, rounded by
    `clean`), so that it equals the largest of the plans' `largest_built`; 0 where none builds."""
    return max((clean(float(capex)) for plan in plans
                for capex in plan.builds.groupby("site")["capex_yuan"].sum().tolist()), default=0.0)


def shared_pie_top(layers: Sequence[OutputLayer], pie_top_yuan: float | None) -> float | None:
    """The pie scale a plan's files are put on (`export_files`' `pie_top_yuan`): `pie_top_yuan`
    where it is above the largest built site's capex of the plan's sites layer among `layers`
    (`largest_built`; 0 without one); None where it is None or that largest itself, the plan's
    own scale, on which each file is the one the plan makes alone. Raises ValueError where
    `pie_top_yuan` is not a finite number at least that largest."""
    if pie_top_yuan is None:
        return None
    sites = next((layer for layer in layers if layer.name == "sites"), None)
    own = largest_built(sites) if sites is not None else 0.0
    if not (math.isfinite(pie_top_yuan) and pie_top_yuan >= own):
        raise ValueError(f"the pie scale must be at least the largest built site's capex ({own:g} yuan), "
                         f"got {pie_top_yuan!r}")
    return float(pie_top_yuan) if pie_top_yuan > own else None


#: The report's files (`report_files`).
REPORT_FILES = ("report.md", "report.html")

#: What each file holds, for the report's file list (layers are added by name).
FILE_NOTES = {
    "plan.gpkg": "every layer in one GeoPackage, styled: drag it into QGIS",
    "plan.qgs": "QGIS project opening plan.gpkg's layers in order, on the clusters, with a print layout",
    "map.png": "static map of the plan",
    "report.md": "this report (report.html: the same with an interactive map, which works offline, and map.png)",
    "plan.csv": "modules built by site, product and year",
    "capacity.csv": "capacity and production by site, product and year",
    "targets.csv": "targets with the planned figures and shortfalls",
    "costs.csv": "every cost component, discounted (sales revenue as a negative cost), and the total",
    "trade.csv": "imports and sales out of the province by hub, product and year, with their yuan in the year",
    "product_flows.csv": "products moved per year: site to hub, hub to site, hub to hub, gateway to hub, hub to "
                         "gateway, with km",
    "raw_imports.csv": "raw material bought outside the province by site, resource and year",
    "stranded.csv": "capacity left idle by site, product and year, with the reason (market, feedstock, cost)",
    "manifest.json": "inputs with SHA-256, the variant and the settings given for this run, versions, solver "
                     "outcome, timings",
}

#: What the files a run makes only with some option or setting hold (listed in the report when the run made them).
OPTIONAL_NOTES = {
    "steady_state.csv": "a year of the steady state after the last plan year (objective.years_after_horizon), by site "
                        "and product: capacity available and usable, production, and the capacity left idle with "
                        "the reason (as stranded.csv)",
    "steady_state_trade.csv": "a year of the steady state's imports and sales by hub and product (as trade.csv), "
                              "with the years it stands for",
    "steady_state_product_flows.csv": "a year of the steady state's product legs (as product_flows.csv), with the "
                                      "years it stands for",
    "steady_state_raw_imports.csv": "a year of the steady state's raw material bought outside the province by site "
                                    "(as raw_imports.csv), with the years it stands for",
    "steady_state_flows.csv": "a year of the steady state's raw material shipped from the sources to the sites, "
                              "t/yr with road km (as flows.geojson), with the years it stands for",
    "rule_costs.csv": "what each rule family costs: the plan re-solved with that family relaxed "
                      "(rule_costs.md: the same as a table)",
    "alternatives.csv": "near-optimal alternative plans against the optimum (alternatives.md: the same as a table; "
                        "altNN/: each alternative's own outputs)",
    "robustness.geojson": "how often each site is used across the optimum and its alternatives (style: "
                          "robustness.qml; also in plan.gpkg, and in plan.qgs unticked)",
    "calibration.csv": "the plan's choice against the real plants (calibration.md: the same as a table)",
}

#: What calibration.csv holds in each calibration mode (the report's file list).
CALIBRATION_NOTES = {
    "fixed": "the real plants fixed at their sites: each plant's capacity, which the model holds as given, what the "
             "model makes of it in the last year and the share of what it can make, with its verdict (admitted, or "
             "the rules it breaks) and the findings (calibration.md: the same as a table, after the verdict of the "
             "rules and of the plants the model holds mostly idle)",
    "choose": OPTIONAL_NOTES["calibration.csv"],
}


def layer_styles(layers: Sequence[OutputLayer], resources: Sequence[str],
                 values: Mapping[str, float] | None = None, products: Sequence[str] = (),
                 units: Mapping[str, str] | None = None, product_flows: pd.DataFrame | None = None
                 ) -> dict[str, str]:
    """QML text per layer name; `values` (output value per unit) weigh the sites' pie slices;
    `products` (catalog order) colour the product flows; `units` (product -> catalog unit) give
    the fields' names in QGIS their units; `product_flows` (the plan's, `Plan.product_flows`:
    kind, from, to, product, year, units, km) tell the product flows' legend what moves on legs
    without a line (siting/deliver/webmap.py `unlined_flows`, `unlined_widest`, `unlined_by_year`),
    a product moving in a year only on such legs included; None: nothing is said of them. The
    raw-material flows' legend says what sites draw from sources standing on them, which has no
    line either (siting/deliver/styles.py `on_site_widest`)."""
    by_name = {layer.name: layer for layer in layers}
    places = place_names(by_name.get("sites"), by_name.get("hubs"))
    flows = unlined_flows(by_name.get("product_flows"), product_flows)
    widest, by_year = unlined_widest(flows, places), unlined_by_year(flows, places)
    on_site = on_site_widest(by_name.get("sites"), by_name.get("sources"))
    return {layer.name: style_for(layer, resources, values, products, units, widest, by_year, on_site)
            for layer in layers}


def layer_files(layers: Sequence[OutputLayer], styles: Mapping[str, str]) -> dict[str, FileContent]:
    files: dict[str, FileContent] = {}
    for layer in layers:
        files[f"{layer.name}.geojson"] = feature_collection_text(layer)
        files[f"{layer.name}.qml"] = styles[layer.name]
    return files


def view_extent(layers: Sequence[OutputLayer], working_crs: str) -> tuple[float, float, float, float]:
    """The clusters' bounds in the working CRS, 5 % larger on each side (the project's view)."""
    clusters = next(layer for layer in layers if layer.name == "clusters").frame
    x0, y0, x1, y1 = clusters.to_crs(working_crs).total_bounds if len(clusters) else (0.0, 0.0, 1.0, 1.0)
    pad = 0.05 * max(x1 - x0, y1 - y0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def map_context(prepared: Prepared, layers: Sequence[OutputLayer] | None = None) -> MapContext:
    """What map.png shows beside the plan's layers: product units and output values, the context
    layer (layers.context), and the input files the model was built from with their SHA-256
    prefixes as the data's version (in calibration mode fixed, the real plants of
    `calibration.plants` in place of the committed projects);
    with the plan's `layers`, also how much of the clusters their red line covers (which the
    report quotes too: measured once) and what the red-line layer says of its own basis
    (`redline_basis`: its columns, its file's name and its own description)."""
    loaded, inputs = prepared.loaded, prepared.inputs

    def sha256(path: Path) -> str:  # as the run read the file (`Prepared.input_sha256`)
        return read_sha256_of(prepared.input_sha256, path)

    sources = [f"{role}: {path.name} (SHA-256 {sha256(path)[:12]})"
               for role, path in sorted(prepared.layers.paths.items())]
    sources.append(f"catalog: {loaded.catalog_path.name} (SHA-256 {sha256(loaded.catalog_path)[:12]}), "
                   f"price path {loaded.scenario.price_path}")
    held = loaded.model_projects()  # in calibration mode fixed, the real plants in place of the committed projects
    if held.path is not None:
        what = "real plants (calibration.plants)" if loaded.plants is not None else "committed projects"
        sources.append(f"{what}: {held.path.name} (SHA-256 {sha256(held.path)[:12]})")
    context_ref = loaded.scenario.layers.context
    label = context_title(Path(context_ref.path)) if context_ref is not None else "context"
    extent = basis = coverage = None
    if layers is not None:
        rule = loaded.scenario.constraints.redline
        given = loaded.scenario.layers.redline
        coverage = redline_coverage(layers)  # measured once: the map's title and the report's "Read this first"
        extent = redline_extent_text(layers, rule.official_share_pct, rule.official_share_source, given is not None,
                                     coverage)
        if given is not None and "redline" in prepared.layers.paths:
            basis = redline_basis(layers, Path(given.path).name, prepared.layers.descriptions.get("redline", ""))
    return MapContext(units={p: loaded.catalog.products[p].unit for p in inputs.PRODUCTS},
                      values=dict(inputs.output_value_yuan_per_unit), context=prepared.layers.context,
                      context_label=label, sources=sources, redline_extent=extent, redline_basis=basis,
                      redline_coverage=coverage)


def map_title(loaded: LoadedScenario, inputs: ModelInputs, report: SolveReport | SolveOutcome,
              which: str = "", kind: str = "", excess: str = "") -> MapTitle:
    """The title of map.png and of plan.qgs's print layout: scenario and years, and `which`
    plan of a set it is ("alternative alt01 of 2"; "" for a run's own plan); the solver's
    outcome in the terminal's words, with the proven gap and, for a plan proven within it, the
    gap asked for (`solve_outcome`: "optimal within the gap, gap 2.01% (tolerance 2.50%)"); and
    the objective; `kind`: an alternative's kind after its outcome (siting/deliver/mapinfo.py
    `scope_title`: "scope sites: the same capacity in each cluster as the optimum"), "" for none;
    `excess`: an alternative's cost over the optimum's, the last line (siting/deliver/explore.py
    `plan_excess_lines`), "" for none. The settings given on top of the scenario file
    (`loaded.overrides`) are named under the first line, as the terminal's summary names them
    (`MapTitle.settings`)."""
    rule = loaded.scenario.constraints.redline
    tolerance = loaded.scenario.solver.rel_gap if report.proven_optimal else None
    absolute = loaded.scenario.solver.abs_gap_bn_yuan
    return MapTitle(loaded.scenario.name, plain_status(report.termination, report.has_solution), report.gap,
                    report.objective_yuan, list(inputs.YEARS), rule.official_share_pct, rule.official_share_source,
                    loaded.scenario.layers.redline is not None, tolerance,
                    absolute * 1e9 if absolute and report.proven_optimal else None, which, kind, excess,
                    tuple(given_settings(loaded.overrides)), report.best_bound_yuan)


def map_png(layers: Sequence[OutputLayer], loaded: LoadedScenario, inputs: ModelInputs, report: SolveReport,
            working_crs: str, context: MapContext | None = None, notices: list[str] | None = None,
            unlined: Sequence[Mapping[str, Any]] = (), which: str = "", pie_top_yuan: float | None = None,
            kind: str = "", excess: str = "") -> bytes:
    """map.png's bytes, the product flows without a line (`unlined`, siting/deliver/webmap.py
    `unlined_flows`) ringed at their hubs, the pies on the scale of `pie_top_yuan` (yuan of capex
    at the largest pie's area; None: the plan's own largest, siting/deliver/mapplot.py
    `pie_scale`); the drawing's notices (a label no installed font draws) are added to
    `notices`, once each; `which`, `kind`, `excess`: as `map_title`'s. (matplotlib is loaded
    here, not with this module: a run needs it only now, and `prefetch_drawing` may load it while
    the solver works.)"""
    from siting.deliver.mapplot import render_map

    buffer = io.BytesIO()
    drawn = render_map(buffer, layers, map_title(loaded, inputs, report, which, kind, excess),
                       list(inputs.PRODUCTS),
                       working_crs, context, pie_top_yuan, unlined)
    if notices is not None:
        notices.extend(n for n in drawn if n not in notices)
    return buffer.getvalue()


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def _geopackage_writer(layers: Sequence[OutputLayer], styles: Mapping[str, str],
                       descriptions: Mapping[str, str] | None = None) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        write_geopackage(path, layers, styles, descriptions)

    return write


def gis_files(layers: Sequence[OutputLayer], loaded: LoadedScenario, inputs: ModelInputs, report: SolveReport,
              working_crs: str, resources: Sequence[str], context: MapContext | None = None,
              notices: list[str] | None = None, product_flows: pd.DataFrame | None = None, which: str = "",
              drawing: MapDrawing | None = None, overlays: Sequence[Overlay] = (), pie_top_yuan: float | None = None,
              kind: str = "", plans: ShownPlans | None = None, sheets: list[PlanSheet] | None = None,
              excess: str = "") -> tuple[dict[str, FileContent], MapDrawing]:
    """Layers with styles, plan.gpkg, plan.qgs and map.png; returns the files and map.png's
    drawing (`MapDrawing`: its `png()` gives the bytes, which the HTML report embeds). map.png's
    notices are added to `notices` once it is drawn. `product_flows`: the plan's
    (`Plan.product_flows`), for the product flows' legend (`layer_styles`) and the rings of
    map.png (`map_png`). `which`: which plan of a set this is, and `kind`, an alternative's kind,
    and `excess`, its cost over the optimum's, for map.png's and plan.qgs's titles (`map_title`).
    `drawing`: map.png already started (`MapDrawing.start` with these arguments), which the other
    files are made beside; None: drawn here, in this process.
    `overlays`: layers plan.gpkg holds after the plan's, each with its style as its default, and
    plan.qgs lists above them, unticked (siting/deliver/qgisproject.py `Overlay`); their own
    files are the caller's. `pie_top_yuan`: the scale of the pies of a set of plans, above this
    plan's own (`shared_pie_top`), which map.png's pies and the sites' style (`with_capex_scale`,
    its legend saying PLANS_SCALE_WORDS: sites.qml, plan.gpkg's, plan.qgs's) are on; None: the
    plan's own. `plans`: the other plans plan.qgs shows, one at a time, a group, map theme and
    print layout each (siting/deliver/qgisproject.py `sheet_project`); `sheets`, where given, gets
    plan.qgs's own `PlanSheet`."""
    if drawing is None:
        drawing = MapDrawing(_map_drawer(layers, loaded, inputs, report, working_crs, context, product_flows, which,
                                         pie_top_yuan, kind, excess), notices)
    styles = layer_styles(layers, resources, dict(inputs.output_value_yuan_per_unit), inputs.PRODUCTS,
                          units_of(loaded.catalog, inputs), product_flows)
    if pie_top_yuan is not None and "sites" in styles and capex_scale(styles["sites"]) is not None:
        styles["sites"] = with_capex_scale(styles["sites"], pie_top_yuan, PLANS_SCALE_WORDS)
    files = layer_files(layers, styles)
    basis = context.redline_basis if context is not None else None
    files["plan.gpkg"] = _geopackage_writer([*layers, *(o.layer for o in overlays)],
                                            {**styles, **{o.layer.name: o.style for o in overlays}},
                                            {"redline": basis.plain()} if basis is not None else {})
    titled = loaded.scenario.name + (f", {which}" if which else "")  # the project's title names the plan
    extent = view_extent(layers, working_crs)
    sheet = plan_sheet(layers, styles, titled, working_crs, extent,
                       credits=default_credits(loaded.scenario.name, working_crs),
                       map_title=map_title(loaded, inputs, report, which, kind, excess),
                       redline_text=context.redline_extent if context is not None else None,  # measured once
                       redline_basis=basis)
    if sheets is not None:
        sheets.append(sheet)
    redline = next((layer for layer in layers if layer.name == "redline"), None)
    abstract = project_abstract(sheet.heading, working_crs,
                                proxy_redline_line(basis if basis is not None else layer_basis(redline.frame))
                                if redline is not None else "")
    files["plan.qgs"] = sheet_project(sheet, titled, working_crs, extent, overlays, plans=plans, abstract=abstract)
    files["map.png"] = drawing.write
    return files, drawing


def _map_drawer(layers: Sequence[OutputLayer], loaded: LoadedScenario, inputs: ModelInputs, report: SolveReport,
                working_crs: str, context: MapContext | None, product_flows: pd.DataFrame | None, which: str,
                pie_top_yuan: float | None = None, kind: str = "", excess: str = ""
                ) -> Callable[[list[str]], bytes]:
    """`map_png` of these arguments (`gis_files`'), as a function of the notices it adds to."""
    unlined = unlined_flows(next((layer for layer in layers if layer.name == "product_flows"), None), product_flows)

    def draw(notices: list[str]) -> bytes:
        return map_png(layers, loaded, inputs, report, working_crs, context, notices, unlined, which, pie_top_yuan,
                       kind, excess)

    return draw


class MapDrawing:
    """map.png as `map_png` draws it, drawn beside the export's other files where it can be.

    `MapDrawing.start` forks a child process that draws it where that is safe and a core is
    idle (`draws_apart`), while this process makes the other files; elsewhere, and for
    `MapDrawing(...)` itself, it is drawn at once, in this process. `png()` gives the bytes,
    waiting for the child; the drawing's notices are then added to `notices` as `map_png` adds
    them. Either way the bytes and notices are the same: the child draws from a copy of this
    process as it stood.

    The child only draws and sends the result back through a pipe: it writes no file, so the
    outputs are still written all at once, or not at all. Where it fails (an error, a crash,
    a signal) the map is drawn again here, so that it fails as it would have here, with the
    same error. Ctrl-C reaches the child too, which ignores it: this process stops the child
    (SIGKILL) and waits for it whenever it stops before the map is in: leaving the `with`
    block or `close`, and, should a stop come before either could run, when the drawing is
    dropped or the interpreter exits; the child ends itself should this process die first.
    Ctrl-C and SIGTERM wait while the child is forked (`stops_held`), so that neither process
    can be stopped half way."""

    def __init__(self, draw: Callable[[list[str]], bytes], notices: list[str] | None = None,
                 apart: bool = False) -> None:
        self._draw = draw
        self._notices = notices
        self._png: bytes | None = None
        self._pid: int | None = None  # the child drawing the map, until it is waited for
        self._reader: int | None = None  # the read end of its pipe, until closed
        self._stop: weakref.finalize | None = None  # stops the child, once, however this drawing ends
        if apart and draws_apart():
            try:
                with stops_held():  # a stop that comes meanwhile is raised as the block ends
                    self._pid, self._reader = _fork_drawing(draw)
                    if self._pid is not None and self._reader is not None:
                        self._stop = weakref.finalize(self, _stop_child, self._pid, self._reader)
            except BaseException:
                self.close()
                raise
        if self._pid is None:
            self._png = draw(notices if notices is not None else [])

    @classmethod
    def start(cls, layers: Sequence[OutputLayer], loaded: LoadedScenario, inputs: ModelInputs, report: SolveReport,
              working_crs: str, context: MapContext | None = None, notices: list[str] | None = None,
              product_flows: pd.DataFrame | None = None, which: str = "", pie_top_yuan: float | None = None,
              kind: str = "", excess: str = "") -> MapDrawing:
        """Start drawing map.png as `gis_files` would (its arguments of those names), in a child
        process where `draws_apart`. The drawing code is loaded first, here, so that the child
        does not load it again for each map (`prefetch_drawing`'s thread, which may be loading
        it, is waited for)."""
        importlib.import_module("siting.deliver.mapplot")
        for thread in threading.enumerate():
            if thread.name == PREFETCH_THREAD and thread is not threading.current_thread():
                thread.join()
        return cls(_map_drawer(layers, loaded, inputs, report, working_crs, context, product_flows, which,
                               pie_top_yuan, kind, excess), notices, apart=True)

    def png(self) -> bytes:
        """map.png's bytes; from the child, once it is done (drawn again here where it failed)."""
        if self._png is None:
            self._png = self._collect()
        return self._png

    def write(self, path: Path) -> None:
        """Write map.png at `path` (a file of the export's files dict)."""
        path.write_bytes(self.png())

    def close(self) -> None:
        """Stop the child, if it is still drawing, and wait for it to end."""
        if self._stop is not None:
            self._stop()
            self._stop = None
        self._pid = self._reader = None

    def __enter__(self) -> MapDrawing:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _collect(self) -> bytes:
        assert self._pid is not None and self._reader is not None and self._stop is not None
        sent = _read_all(self._reader)
        status = _reap(self._pid)
        self._stop.detach()  # ended and waited for: nothing to stop
        self._stop = None
        os.close(self._reader)
        self._pid = self._reader = None
        drawn: tuple[bytes, list[str]] | None = None
        if status == 0:
            with contextlib.suppress(Exception):  # a child cut short: drawn again below
                drawn = pickle.loads(sent)  # this process's own child's
        if drawn is None:
            return self._draw(self._notices if self._notices is not None else [])
        png, notices = drawn
        if self._notices is not None:
            self._notices.extend(n for n in notices if n not in self._notices)
        return png


#: How often (seconds) the process, waiting for the map's child, looks for a stop Python could not
#: raise where it came (`_read_all`).
STOP_LOOK_S = 0.2


def _read_all(reader: int) -> bytes:
    """All the map's child sends through its pipe's read end `reader`, once it closes it. A stop
    the process was asked for meanwhile whose exception Python could not raise where the signal
    came (in a finalizer: siting/cli.py notes it, `progress.check_stop` raises it) is raised
    while waiting, so that the child is stopped then (`MapDrawing.close`), not once it is done."""
    waiting = select.poll()
    waiting.register(reader, select.POLLIN | select.POLLHUP | select.POLLERR)
    chunks: list[bytes] = []
    while True:
        if not waiting.poll(STOP_LOOK_S * 1000):
            progress.check_stop()
            continue
        chunk = os.read(reader, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


#: The signals that stop a run (Ctrl-C, and SIGTERM: siting/cli.py `stop_on_sigterm`), held while
#: the map's child is forked (`stops_held`).
STOPS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stops_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM (STOPS) while the block runs (main thread only): their handlers
    only note them meanwhile; then the handlers are put back and what was noted is raised again
    (`signal.raise_signal`), to be handled as it would have been (a KeyboardInterrupt, a stop, or
    nothing where the signal is ignored). Python runs a signal's handler in the main thread
    whichever thread of the process the system gave the signal to, so holding it there
    (`signal.pthread_sigmask`) would not do. A stop whose handler was installed outside Python
    (`signal.getsignal` None) is left as it is: it could not be put back."""
    noted: list[int] = []

    def note(signum: int, _frame: object) -> None:
        noted.append(signum)

    previous: dict[int, Any] = {}
    try:
        for signum in STOPS:
            if signal.getsignal(signum) is not None:
                previous[signum] = signal.signal(signum, note)
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


def draws_apart() -> bool:
    """Whether `MapDrawing.start` draws map.png in a child process: `apart_decision` of this
    process and machine as they stand now (the platform, the calling thread and the Python
    threads running, the handlers of STOPS, the cores this process may run on, and the load:
    the cores the rest of the machine kept busy since the solve began plus this process's one,
    siting/deliver/machine.py `others_load`, else the system's load over the last minute,
    `system_load`, which counts this run's own work and the runs' just before); where the cores
    or the load cannot be read, no."""
    try:
        cores: int | None = len(os.sched_getaffinity(0))
        load: float | None
        load, running = system_load()
        others = machine.others_load()
        if others is not None:
            load = others + 1.0
    except (OSError, ValueError, IndexError, AttributeError):
        cores = load = running = None
    return apart_decision(platform=sys.platform, forks=hasattr(os, "fork"),
                          main_thread=threading.current_thread() is threading.main_thread(),
                          threads=threading.active_count(),
                          handlers_known=all(signal.getsignal(signum) is not None for signum in STOPS),
                          cores=cores, load=load, running=running)


def apart_decision(*, platform: str, forks: bool, main_thread: bool, threads: int, handlers_known: bool,
                   cores: int | None, load: float | None, running: int | None) -> bool:
    """Whether map.png is drawn in a child process, of these facts alone (`draws_apart` reads
    them): on Linux (`platform` "linux", where a forked child is a copy of this process that can
    draw at once) where the process can fork (`forks`), from its main thread (`main_thread`)
    with no other Python thread running (`threads` 1: a thread could hold a lock the child then
    waits for forever: a file's, matplotlib's), where the handlers of STOPS are all ones
    `stops_held` can put back (`handlers_known`: none installed outside Python), and where a
    core is idle: of the `cores` this process may run on (two or more), fewer are `running`
    anything now (threads running or ready to run, this process counted), and the `load` (cores
    kept busy of late, this process counted as one: `draws_apart`) is below their number less
    IDLE_SHARE. None: not known (no).
    The child costs some more work in all (the pages of this process it writes to are copied: a
    tenth to a quarter more processor time for the shipped scenario's export), which only a
    core otherwise idle makes up for; on a busy machine the map is drawn here."""
    if not (platform == "linux" and forks and main_thread and threads == 1 and handlers_known):
        return False
    if cores is None or load is None or running is None:
        return False
    return cores > 1 and running < cores and load < cores - IDLE_SHARE


#: How much of a core the load over the last minute must leave idle for map.png to be drawn in a
#: child process (`draws_apart`): on two cores, a load below 1.5.
IDLE_SHARE = 0.5


def system_load() -> tuple[float, int]:
    """The system's load over the last minute and the number of its threads running or ready
    to run now (this one among them), from /proc/loadavg (Linux)."""
    fields = Path("/proc/loadavg").read_text(encoding="ascii").split()
    return float(fields[0]), int(fields[3].split("/")[0])


def _fork_drawing(draw: Callable[[list[str]], bytes]) -> tuple[int, int] | tuple[None, None]:
    """Fork a child that calls `draw` and sends its bytes and notices back through a pipe, then
    ends; the child's process id and the pipe's read end, or Nones where the system would not
    fork. Called with STOPS held (`MapDrawing`): the child's first act is to ignore Ctrl-C."""
    for stream in (sys.stdout, sys.stderr):  # what is buffered is said once, by this process
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        reader, writer = os.pipe()
    except OSError:  # no file descriptor to spare: drawn here
        return None, None
    parent = os.getpid()
    try:
        with warnings.catch_warnings():
            # Python 3.12 and later warn of a fork where the process has other threads of the system's
            # (a BLAS library's idle workers); no Python thread runs (`draws_apart`) and the child
            # calls nothing of theirs.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None, None
    if pid == 0:
        _draw_in_child(draw, reader, writer, parent)
    os.close(writer)
    return pid, reader


def _draw_in_child(draw: Callable[[list[str]], bytes], reader: int, writer: int, parent: int) -> None:
    """The forked child's whole life (`_fork_drawing`): draw, send, end, never returning into
    the caller's code (os._exit: no clean-up of this process's is run twice, no buffered output
    said twice). Any failure ends it with status 1, silently: the parent draws again."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the child
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.close(reader)
        _end_with(parent)
        notices: list[str] = []
        png = draw(notices)
        with open(writer, "wb") as pipe:
            pickle.dump((png, notices), pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    except BaseException:  # ends with status 1: the parent draws again
        pass
    finally:
        os._exit(status)


def _end_with(parent: int) -> None:
    """Have the system end this (child) process should its parent `parent` end first (Linux's
    PR_SET_PDEATHSIG), where that can be asked for; end now if it has ended already."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _stop_child(pid: int, reader: int) -> None:
    """Stop the map's child `pid` (SIGKILL), wait for it to end and close its pipe's read end
    `reader` (`MapDrawing`'s finalizer)."""
    with contextlib.suppress(OSError):
        os.close(reader)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> int:
    """Wait for the child `pid` to end; its exit code (-N: ended by signal N), -1 where it is no
    child of this process (waited for already)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return -1
    return os.waitstatus_to_exitcode(status)


def report_files(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan, layers: Sequence[OutputLayer],
                 manifest: Mapping[str, Any], png: bytes | MapDrawing, context: MapContext | None = None,
                 positions: PositionCheck | None = None, calibration: ReportCalibration | None = None,
                 pie_top_yuan: float | None = None, which: str = "", rule_costs: str | None = None,
                 rule_costs_md: str | None = None) -> dict[str, FileContent]:
    """report.md and report.html (with the interactive map, drawn over `context`'s outlines, and map.png:
    its bytes, or its drawing, waited for once the rest of the report is made;
    `positions`: the decisions within the sites' positional uncertainty; `calibration`: a
    calibration in mode fixed, whose verdict and sites with fixed capacity the report states, or
    in mode choose, whose score against the real plants it states).
    The file list says what calibration.csv holds in the scenario's calibration mode. `pie_top_yuan`:
    the capex (yuan) of a full-size built-site marker on the interactive map (siting/deliver/webmap.py
    `map_html`: a set of plans' one scale, as map.png's pies), at least the plan's largest built
    site's (`shared_pie_top` checks it); None: the plan's own largest. `which`: which plan
    of a set this is, as map.png's title gives it (`map_title`), for the report's title
    (siting/deliver/report.py `report_title`). `rule_costs`: rule_costs.csv's text where the run
    priced the rules, whose proven ranges the report gives; `rule_costs_md`: rule_costs.md's text,
    whose table and notes the report gives as well (report.html links no Markdown file)."""
    notes = {f"{layer.name}.geojson": f"{layer.title} (style: {layer.name}.qml)" for layer in layers}
    notes.update(FILE_NOTES)
    made = set(manifest.get("files", ()))
    notes.update({name: note for name, note in OPTIONAL_NOTES.items() if name in made})
    mode = loaded.scenario.calibration.mode if loaded.scenario.calibration is not None else None
    if "calibration.csv" in made and mode in CALIBRATION_NOTES:
        notes["calibration.csv"] = CALIBRATION_NOTES[mode]
    blocks = report_blocks(loaded, inputs, plan, layers, manifest, notes, context, positions, calibration, which,
                           rule_costs, rule_costs_md, pie_top_yuan)
    image = png if isinstance(png, bytes) else png.png()
    return {"report.md": markdown(blocks), "report.html": html_page(blocks, report_title(manifest, which),
                                                                     {"map.png": image})}


# --- a run's map drawn again on a batch's pie scale --------------------------------------------


@dataclass(frozen=True)
class SolveOutcome:
    """What map.png's title says of a solve (`map_title`): the `SolveReport` fields of those
    names. termination: HiGHS's; has_solution: whether there is a plan; proven_optimal: whether
    it is proven within the gap asked for; objective_yuan: the discounted objective (yuan, None
    without a plan); gap: the proven gap (a share, None without one); best_bound_yuan: the bound
    that gap is measured against (yuan; None: the objective less the gap, `MapTitle.trio`)."""

    termination: str
    has_solution: bool
    proven_optimal: bool
    objective_yuan: float | None
    gap: float | None
    best_bound_yuan: float | None = None


def folder_map_layers(folder: Path) -> list[OutputLayer]:
    """The layers map.png draws (siting/deliver/mapplot.py `MAP_LAYERS`) that the run folder
    `folder` holds, read back from their GeoJSON files (`read_layer`), in that order."""
    from siting.deliver.mapplot import MAP_LAYERS

    return [read_layer(folder / f"{name}.geojson") for name in MAP_LAYERS if (folder / f"{name}.geojson").is_file()]


#: The columns of product_flows.csv read as text: a node's id may look like a number.
_FLOW_TEXT = ("kind", "from", "to", "product", "unit")


def folder_unlined_flows(folder: Path) -> list[dict[str, Any]]:
    """The product flows without a line (siting/deliver/webmap.py `unlined_flows`) of the run
    folder `folder`: those of its product_flows.csv that its product_flows.geojson has no line
    for; none without product_flows.csv."""
    table = folder / "product_flows.csv"
    if not table.is_file():
        return []
    plan_flows = pd.read_csv(table, dtype=dict.fromkeys(_FLOW_TEXT, str), keep_default_na=False)
    layer = folder / "product_flows.geojson"
    return unlined_flows(read_layer(layer) if layer.is_file() else None, plan_flows)


def largest_built_capex(folder: Path) -> float:
    """The largest capex (yuan) of the sites the plan of the run folder `folder` builds on (its
    sites.geojson's features of status `built`, read back as written: `read_layer`, measured as
    the web map measures it, siting/deliver/webmap.py `largest_built`): the top of its map.png's
    own pie scale; 0 when it builds nothing or has no sites layer."""
    path = folder / "sites.geojson"
    return largest_built(read_layer(path)) if path.is_file() else 0.0


#: How report.html embeds map.png (siting/deliver/report.py `html_page`): a data URI before its base64.
PNG_DATA_URI = "data:image/png;base64,"


def folder_project_layers(folder: Path) -> tuple[dict[str, OutputLayer], dict[str, str]]:
    """The layers the run folder `folder` holds (`LAYER_ORDER`'s, read back from their GeoJSON
    files as written: `read_layer`) and their styles (their `.qml` files), by layer name."""
    names = [name for name in LAYER_ORDER if (folder / f"{name}.geojson").is_file()]
    return ({name: read_layer(folder / f"{name}.geojson") for name in names},
            {name: (folder / f"{name}.qml").read_text(encoding="utf-8") for name in names
             if (folder / f"{name}.qml").is_file()})


def redraw_map(folder: Path, prepared: Prepared, outcome: SolveOutcome, pie_top_yuan: float,
               which: str = "") -> bool:
    """Draw the map.png of the run folder `folder` (complete, as `export_files` and
    `write_files` left it) again with its pies on the scale of `pie_top_yuan` (yuan of capex at
    the largest pie's area, siting/deliver/mapplot.py `pie_scale`; the legend's reference sizes
    follow), from what the run wrote: the layers it draws (`folder_map_layers`), its scenario as
    `prepared` gives it (prepared again: the products, the context outlines, the data sources)
    and `outcome` and `which` (as the run's export was given it: `map_title`) for its title.
    Nothing is drawn otherwise than by the run: only the pies' sizes, and so where they, their
    labels and the north arrow stand, can change. The same
    scale goes to report.html's interactive map (its built sites' markers and their label:
    siting/deliver/webmap.py `with_marker_scale`) and to plan.qgs (its sites' pies and circles
    and its print legend, which then says the scale is the largest of every run where that is
    not the run's own: `with_sites_capex_scale`), and so do the sites layer's own styles,
    `sites.qml` and plan.gpkg's default (`sites_styles_on_scale`), which are then plan.qgs's.
    Where the map changes, what quotes its bytes follows: report.html (which embeds it),
    plan.qgs, the sites' styles, then map.png, then manifest.json's `file_sha256` and the
    folder's marker (siting/deliver/folders.py). Done again on a folder left part way (a process
    that died), it completes it. Returns whether it wrote anything. Raises ValueError when
    report.html embeds neither the map.png found there nor the new one, once (not a folder as a
    run writes it), or `pie_top_yuan` is below the run's largest built site's capex, before
    anything is written."""
    from siting.deliver.mapplot import render_map

    layers = folder_map_layers(folder)
    buffer = io.BytesIO()
    render_map(buffer, layers, map_title(prepared.loaded, prepared.inputs, outcome, which),
               list(prepared.inputs.PRODUCTS),
               prepared.spatial.working_crs, map_context(prepared, layers), pie_top_yuan, folder_unlined_flows(folder))
    png, old = buffer.getvalue(), (folder / "map.png").read_bytes()
    report = (folder / "report.html").read_bytes()
    embedded, drawn = (PNG_DATA_URI.encode("ascii") + base64.b64encode(data) for data in (old, png))
    if report.count(drawn) != 1 and report.count(embedded) != 1:
        raise ValueError(f"{folder / 'report.html'} must embed the folder's map.png once, got "
                         f"{report.count(embedded)} times")
    page = report if report.count(drawn) == 1 else report.replace(embedded, drawn)
    page = with_marker_scale(page.decode("utf-8"), pie_top_yuan).encode("utf-8")
    project = _project_on_scale(folder, pie_top_yuan)
    qml, packaged = sites_styles_on_scale(folder, pie_top_yuan)
    current = {"report.html": report, "plan.qgs": (folder / "plan.qgs").read_bytes() if project else None,
               "sites.qml": (folder / "sites.qml").read_bytes() if qml else None, "map.png": old}
    wrote = False
    for name, data in (("report.html", page), ("plan.qgs", project), ("sites.qml", qml), ("map.png", png)):
        if data is not None and data != current[name]:
            (folder / name).write_bytes(data)
            wrote = True
        if name == "sites.qml" and packaged is not None:
            wrote = set_geopackage_style(folder / "plan.gpkg", "sites", packaged) or wrote
    if wrote or changed_files(folder):
        if (folder / MANIFEST).is_file():
            record_file_hashes(folder / MANIFEST)
        write_marker(folder, written_entries(folder))
    return wrote


def _scale_words(folder: Path, pie_top_yuan: float) -> str:
    """What a legend on the pie scale `pie_top_yuan` adds to it in the run folder `folder`:
    BATCH_SCALE_WORDS where that is above the run's own largest built site, else nothing."""
    return BATCH_SCALE_WORDS if pie_top_yuan > largest_built_capex(folder) else ""


def sites_styles_on_scale(folder: Path, pie_top_yuan: float) -> tuple[bytes | None, str | None]:
    """The sites layer's styles of the run folder `folder` on the pie scale `pie_top_yuan`, as
    plan.qgs gets it (`with_capex_scale`, its legend saying BATCH_SCALE_WORDS where that is not the
    run's own scale): the bytes of its `sites.qml` and the text of plan.gpkg's default style of
    its sites (`geopackage_style`); None for either where the folder has no such style or it draws
    no pies. On the run's own scale, each is the one written."""
    words = _scale_words(folder, pie_top_yuan)
    path = folder / "sites.qml"
    written = path.read_text(encoding="utf-8") if path.is_file() else ""
    qml = (with_capex_scale(written, pie_top_yuan, words).encode("utf-8")
           if written and capex_scale(written) is not None else None)
    packaged = geopackage_style(folder / "plan.gpkg", "sites")
    styled = (with_capex_scale(packaged, pie_top_yuan, words)
              if packaged is not None and capex_scale(packaged) is not None else None)
    return qml, styled


def geopackage_style(path: Path, layer: str) -> str | None:
    """The QML of the default style of `layer` in the `layer_styles` table of the GeoPackage at
    `path` (siting/deliver/geopackage.py `add_styles`); None without the file, the table or
    such a style."""
    if not path.is_file():
        return None
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            row = db.execute(f'SELECT "styleQML" FROM "{STYLE_TABLE}" WHERE "f_table_name" = ? AND "useAsDefault" '
                             'ORDER BY "id" LIMIT 1', (layer,)).fetchone()
        except sqlite3.OperationalError:  # no style table
            return None
    return None if row is None else str(row[0])


def set_geopackage_style(path: Path, layer: str, qml: str) -> bool:
    """Make `qml` the default style of `layer` in the GeoPackage at `path` (its `layer_styles`
    row, as `geopackage_style` reads it), then vacuum the file, as it was written; nothing where
    it is that style already. Returns whether the file was written."""
    if geopackage_style(path, layer) in (None, qml):
        return False
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA synchronous = OFF")
        with db:
            db.execute(f'UPDATE "{STYLE_TABLE}" SET "styleQML" = ? WHERE "f_table_name" = ? AND "useAsDefault"',
                       (qml, layer))
        db.execute("VACUUM")
    return True


def _project_on_scale(folder: Path, pie_top_yuan: float) -> bytes | None:
    """The bytes of the plan.qgs of the run folder `folder` with its sites on the pie scale
    `pie_top_yuan` (`with_sites_capex_scale`, its legend saying BATCH_SCALE_WORDS where that is
    above the run's own largest built site; the plans of the subfolders it shows too, each with
    its own words: a plan.qgs showing alternatives); None without a plan.qgs."""
    path = folder / "plan.qgs"
    if not path.is_file():
        return None
    layers, styles = folder_project_layers(folder)
    written = path.read_text(encoding="utf-8")
    others = {sub: (*folder_project_layers(folder / sub), _scale_words(folder / sub, pie_top_yuan))
              for sub in project_subfolders(written)}
    text = with_sites_capex_scale(written, layers, styles, pie_top_yuan, _scale_words(folder, pie_top_yuan), others)
    return text.encode("utf-8")
