"""The prepared problem: a scenario loaded, checked against its layers and preprocessed into
the model's inputs, with the notices of the run."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from models import ModelInputs
from siting.config import progress
from siting.config.errors import InputError, listed
from siting.config.load import (
    Faults,
    LoadedScenario,
    Override,
    Salvage,
    allowed_zone_problems,
    extends_chain,
    in_file_order,
    load_scenario,
    read_sha256,
    scenario_files,
    shown_path,
)
from siting.config.units import Names, layer_names
from siting.prepare.candidates import (
    allowed_zone_geometry,
    cell_names,
    check_cell_count,
    clusters_area_m2,
    generate_candidates,
    no_cell_left,
    site_polygons,
)
from siting.prepare.checks import (
    catalog_free_references,
    check_against_layers,
    plant_scale_notices,
    target_scale_notices,
)
from siting.prepare.inputs import build_inputs_with_notices
from siting.prepare.layers import (
    LayerSet,
    file_problem,
    path_named_in,
    path_written,
    read_layers,
    working_crs_or_none,
)
from siting.prepare.positions import PositionCheck, position_check
from siting.prepare.spatial import (
    CELL,
    RedlineSettings,
    SpatialResult,
    as_in_file,
    assign_clusters,
    check_study_area,
    orphan_problems,
    point_land_problems,
    preprocess,
    to_working_crs,
    working_crs_of,
)


@dataclass
class Prepared:
    """A scenario ready to solve: `candidate_cells` are the site ids of the generated cells, in
    the order of the model's SITES (empty without a `candidates:` block); `positions`, the red-line
    and proximity decisions at the sites with their margins against the sites' positional
    uncertainty (`siting.prepare.positions`); `names`, how the texts for people name the sites,
    clusters, products and quantities (siting/config/units.py `Names`, from the whole layers)."""

    loaded: LoadedScenario
    layers: LayerSet
    spatial: SpatialResult
    inputs: ModelInputs
    notices: list[str]
    candidate_cells: tuple[str, ...] = ()
    positions: PositionCheck = field(default_factory=PositionCheck)
    names: Names = field(default_factory=Names)
    #: The SHA-256 (hex) of every input file by resolved path, taken as the run read them
    #: (`input_sha256`): what the manifest records (siting/deliver/manifest.py `input_record`).
    input_sha256: dict[Path, str] = field(default_factory=dict)
    #: The bases the scenario extended as the run read it, nearest first (`extends_chain` then):
    #: the manifest's, whatever the scenario file says by the time the outputs are written.
    input_bases: tuple[Path, ...] = ()


#: The files beside a shapefile's .shp that hold its attributes (.dbf), index (.shx), coordinate
#: system (.prj) and encoding (.cpg): inputs of the run as much as the .shp.
SHAPEFILE_PARTS = (".dbf", ".shx", ".prj", ".cpg")


def layer_files(path: Path) -> list[Path]:
    """The files a layer is read from: `path`, and for a shapefile the files beside it of the
    same name that hold its other parts (SHAPEFILE_PARTS, in any case of letters)."""
    if path.suffix.lower() != ".shp":
        return [path]
    try:
        beside = sorted(p for p in path.parent.iterdir()
                        if p.stem == path.stem and p.suffix.lower() in SHAPEFILE_PARTS)
    except OSError:
        beside = []
    return [path, *beside]


def input_sha256(loaded: LoadedScenario, layers: LayerSet, bases: Sequence[Path] | None = None) -> dict[Path, str]:
    """The SHA-256 of every input file of a scenario just read, by resolved path
    (siting/config/load.py `read_sha256`): the scenario, the bases it extends, the catalog, the
    committed projects, the plants files of its calibration and each layer of `layers` (a
    shapefile with the files of its other parts, `layer_files`); `bases` as `scenario_files`."""
    return read_sha256([*scenario_files(loaded, bases),
                        *(f for path in layers.paths.values() for f in layer_files(path))])


def redline_settings(loaded: LoadedScenario) -> RedlineSettings:
    r = loaded.scenario.constraints.redline
    return RedlineSettings(enabled=r.enabled, buffer_m=r.buffer_m,
                           categories=tuple(r.categories) if r.categories is not None else None,
                           setbacks_m={p: dict(v) for p, v in r.setbacks_m.items()})


def candidate_cells(loaded: LoadedScenario, layers: LayerSet) -> gpd.GeoDataFrame | None:
    """The candidate cells of the scenario's `candidates:` block (None without one), in the working
    CRS, with their names (`cell_names`: the context polygon each lies most in, and where from the
    nearest site of the sites layer) and their land price: generated over the clusters less the
    sites layer's polygons (the parks' land is theirs), their usable land what the red-line rule's
    buffered zones and setbacks leave, within the allowed zone. InputError, naming the
    scenario's setting: a cell id that is also a site id of the sites layer
    (`candidates.id_prefix`), more than `candidates.MAX_CELLS` cells, or none (the setting that
    removed them, `no_cell_left`)."""
    spec = loaded.scenario.candidates
    if spec is None:
        return None
    where = shown_path(loaded.scenario_path)
    crs_where, crs_key = loaded.at("spatial", "working_crs")
    name = loaded.scenario.spatial.working_crs
    crs = working_crs_of(name, crs_where, crs_key)
    check_study_area(layers, crs, name, crs_where, crs_key)
    allowed = None
    if spec.allowed_zone is not None and layers.allowed_zone is not None:
        every = spec.allowed_zone.model_copy(update={"field": None, "values": None})  # already selected
        allowed = allowed_zone_geometry(layers.allowed_zone, every, crs)
    found = cell_count_problems(loaded, layers)
    if found:
        raise InputError(found)
    rule, products = redline_settings(loaded), list(loaded.catalog.products)
    parks = site_polygons(layers.sites, crs, layers.clusters)
    cells = generate_candidates(layers.clusters, layers.redline, spec, crs, rule=rule, products=products,
                                allowed=allowed, parks=parks, where=where)
    if cells.empty:
        raise InputError([no_cell_left(layers.clusters, layers.redline, spec, crs, rule=rule, products=products,
                                       allowed=allowed, parks=parks, where=where,
                                       located=lambda *keys: loaded.at("candidates", *keys))])
    taken = sorted(set(cells["id"]) & set(layers.sites["id"]))
    if taken:
        sites = shown_path(layers.paths["sites"]) if "sites" in layers.paths else "the sites layer"
        raise InputError([f"{where}: candidates.id_prefix | cell ids {listed(taken)} are also site ids of "
                          f"{sites} (got {spec.id_prefix!r}); choose an "
                          "id_prefix no site id starts with"])
    names = cell_names(cells, layers.sites, crs, context=layers.context, id_prefix=spec.id_prefix)
    return cells.assign(name=names, land_price_yuan_per_ha=float(spec.land_price_yuan_per_ha))


def cell_count_problems(loaded: LoadedScenario, layers: LayerSet, faults: Faults | None = None) -> list[str]:
    """The problem of a `candidates:` block that would give more cells than a scenario may have
    (`check_cell_count`), found from the clusters' area (within the allowed zone) alone, before
    any cell is drawn; none when there is no such problem or it cannot be told soundly: the
    block, the working CRS or the hexagons' package at fault (each reported on its own), or a
    clusters or allowed-zone layer that is missing or has an unreadable or invalid geometry (the
    layer's own problem). So the count comes with the scenario's and the layers' other problems
    of the run (`with_layer_problems`, `load_checked`), which do not change it, and names where
    the setting was written (a --set, a base, a variant)."""
    spec = loaded.scenario.candidates
    faults = faults or Faults()
    if spec is None or not faults.ok("candidates") or not faults.ok("spatial", "working_crs"):
        return []
    if spec.shape == "hexagon" and importlib.util.find_spec("h3") is None:
        return []  # generate_candidates names the missing package
    crs = working_crs_or_none(loaded.scenario.spatial.working_crs)
    if crs is None or not crs.is_projected:
        return []
    frames = [layers.clusters] if spec.allowed_zone is None else [layers.clusters, layers.allowed_zone]
    for frame in frames:
        if frame is None or not len(frame) or frame.crs is None or "id" not in frame.columns:
            return []
        geoms = frame.geometry.to_numpy()
        if not all(g is not None and g.is_valid and not g.is_empty for g in geoms):
            return []
    allowed = None
    if spec.allowed_zone is not None and layers.allowed_zone is not None:
        every = spec.allowed_zone.model_copy(update={"field": None, "values": None})  # already selected
        allowed = allowed_zone_geometry(layers.allowed_zone, every, crs)
    area = clusters_area_m2(to_working_crs(layers.clusters, crs), allowed)
    where, key = loaded.at("candidates", "cell_size_m" if spec.shape == "square" else "h3_resolution")
    try:
        check_cell_count(area, spec, where, allowed is not None, key)
    except InputError as exc:
        return list(exc.problems)
    return []


def placement_problems(loaded: LoadedScenario, layers: LayerSet, layer_problems: Sequence[str],
                       faults: Faults | None = None) -> list[str]:
    """The problems of placing the sites in the working CRS that preprocessing finds from the
    layers alone (`check_study_area`: a CRS that does not measure the study area truly;
    `assign_clusters`: a site inside two overlapping clusters, or outside every cluster under
    `spatial.sites_outside_clusters: error`; `point_land_problems`: a point site with more usable
    land than its cluster's area), so that they come with the scenario's and the
    layers' other problems of the run (`with_layer_problems`, `load_checked`), which do not
    change them. None when they cannot be told soundly: the settings they read at fault (each
    reported on its own), or a sites or clusters layer with a problem of its own
    (`layer_problems`), missing, or with a geometry that is missing or invalid; the study area is
    not checked when the sources or red-line layer, whose extent it takes, has a problem."""
    faults = faults or Faults()
    if not faults.ok("spatial", "working_crs") or not faults.ok("spatial", "sites_outside_clusters"):
        return []
    def with_problems(*roles: str) -> bool:
        files = tuple(shown_path(layers.paths[role]) for role in roles if role in layers.paths)
        return bool(files) and any(problem.startswith(files) for problem in layer_problems)

    if with_problems("sites", "clusters"):
        return []
    for frame in (layers.clusters, layers.sites):
        if not len(frame) or frame.crs is None or "id" not in frame.columns:
            return []
        if not all(g is not None and g.is_valid and not g.is_empty for g in frame.geometry.to_numpy()):
            return []
    where, key = loaded.at("spatial", "working_crs")
    name = loaded.scenario.spatial.working_crs
    sites_path = layers.paths.get("sites")
    try:
        crs = working_crs_of(name, where, key)
        if not with_problems("sources", "redline"):  # their extent counts in the study area
            check_study_area(layers, crs, name, where, key)
        drawn, clusters = to_working_crs(layers.sites, crs), to_working_crs(layers.clusters, crs)
        # placed with "drop", so that a site outside every cluster hides no other site's problem
        clusters_path = layers.paths.get("clusters")
        placed, dropped = assign_clusters(drawn, clusters, "drop",
                                          shown_path(sites_path) if sites_path is not None else "sites", [],
                                          str(sites_path) if sites_path is not None else None,
                                          shown_path(clusters_path) if clusters_path is not None else "clusters")
    except InputError as exc:
        return list(exc.problems)
    shown = shown_path(sites_path) if sites_path is not None else "sites"
    return (orphan_problems(dropped, loaded.scenario.spatial.sites_outside_clusters, shown,
                            shown_path(clusters_path) if clusters_path is not None else "clusters")
            + point_land_problems(drawn, placed, clusters, crs, shown,
                                  as_in_file(loaded.scenario.layers.sites, sites_path)))


def with_layer_problems(error: InputError) -> InputError:
    """`error` (the problems of a scenario, its catalog and committed projects) with those of its
    layers and between the two, in one message, where that is sound: the layers are read when the
    scenario's `layers` and `spatial.invalid_geometry` passed the schema and its catalog did too
    (`error.salvage`), the allowed zone when `candidates` passed and its file exists; a reference
    to a layer is checked only when both sides passed, so that no problem echoes one already
    reported. Without a catalog that passed (no `salvage`), the layers are checked as far as that
    needs no catalog (`catalog_free_problems`), where `layers` passed the schema
    (`InputError.salvage_without_catalog`). `error`
    itself when the layers cannot be read soundly."""
    salvage = error.salvage
    if salvage is None and error.salvage_without_catalog is not None:
        return InputError(merged(error.problems, catalog_free_problems(error.salvage_without_catalog)))
    if salvage is None or not salvage.faults.ok("layers") or not salvage.faults.ok("spatial", "invalid_geometry"):
        return error
    loaded, faults = salvage.loaded, salvage.faults
    zone = faults.ok("candidates") and loaded.locator is not None and not allowed_zone_problems(
        loaded.locator, loaded.scenario, loaded.scenario_path.parent)
    layers, layer_problems, faulty = read_layers(loaded, allowed_zone=zone)
    against, _notices = check_against_layers(loaded, layers, faulty)
    cells = cell_count_problems(loaded, layers, faults)
    placing = placement_problems(loaded, layers, layer_problems, faults)
    return InputError(merged(error.problems, against, layer_problems, cells, placing))


def catalog_free_problems(salvage: Salvage) -> list[str]:
    """The problems of the layers of a scenario whose catalog failed (`salvage.loaded.catalog`
    None): each layer read and checked as far as that needs no catalog (`read_layers`: files, CRS,
    geometries, ids, numbers), with the sites' placement (`placement_problems`), where `layers` and
    `spatial.invalid_geometry` passed the schema; otherwise only whether each layer's file can be
    opened (`layer_file_problems`). Of the references to the layers, those that name no product or
    resource of the catalog are checked (siting/prepare/checks.py `catalog_free_references`: the
    clusters, categories and sites the scenario and its committed projects name)."""
    loaded, faults = salvage.loaded, salvage.faults
    if not faults.ok("spatial", "invalid_geometry"):
        return layer_file_problems(loaded)
    zone = faults.ok("candidates") and loaded.locator is not None and not allowed_zone_problems(
        loaded.locator, loaded.scenario, loaded.scenario_path.parent)
    layers, layer_problems, faulty = read_layers(loaded, allowed_zone=zone)
    against = catalog_free_references(loaded, layers, faulty)
    return merged(against, layer_problems, placement_problems(loaded, layers, layer_problems, faults))


def layer_file_problems(loaded: LoadedScenario) -> list[str]:
    """What keeps each layer file of `loaded` (a scenario whose catalog failed: none is read)
    from being opened (siting/prepare/layers.py `file_problem`: missing, unreadable, empty, ...),
    named where its path was written, as reading the layers names it."""
    problems = []
    for role in ("clusters", "sites", "redline", "sources", "context"):  # as read_layers reads them
        ref = getattr(loaded.scenario.layers, role)
        if ref is None:
            continue
        problem = file_problem(loaded.resolve(ref.path), role, path_named_in(loaded, role),
                               path_written(loaded, ("layers", role, "path"), ref.path))
        if problem is not None:
            problems.append(problem)
    return problems


def merged(*rounds: list[str]) -> list[str]:
    """The problems of checks that were rounds of their own (the scenario's, the references to its
    layers, the layers'), in one list: as they are when only one round found any, otherwise by
    file (in the order the files first appear) and line (`in_file_order`)."""
    found = [problems for problems in rounds if problems]
    if len(found) == 1:
        return list(found[0])
    return in_file_order([p for problems in found for p in problems])


def load_checked(scenario_path: Path | str, variant: str | None = None, overrides: tuple[Override, ...] = (),
                 loaded: LoadedScenario | None = None) -> tuple[LoadedScenario, LayerSet, list[str]]:
    """The scenario and its layers, checked against each other, and the notices of the checks;
    InputError with every problem found in the scenario, its catalog and committed projects, the
    layers and between them, in one message (see `with_layer_problems`): a repeated id first (the
    problems it causes follow it), then the scenario's files; with them, those that the layers
    alone tell of the candidate cells' count (`cell_count_problems`), which a run without other
    problems finds as it goes on, and of placing the sites (`placement_problems`: a site outside
    every cluster under `spatial.sites_outside_clusters: error`, a point site with more usable land
    than its cluster), found here in any case, so that `compare` and `sweep` refuse it before any
    run and a refused output folder is listed with it. `loaded`: the scenario as `load_scenario`
    gave it for these arguments already (not read again); None: read here."""
    if loaded is None:
        try:
            loaded = load_scenario(scenario_path, variant, overrides)
        except InputError as error:
            raise with_layer_problems(error) from None
    layers, layer_problems, faulty = read_layers(loaded)
    against, notices = check_against_layers(loaded, layers, faulty)
    problems = merged(against, layer_problems)
    if problems:
        problems = merged(problems, cell_count_problems(loaded, layers),
                          placement_problems(loaded, layers, layer_problems))
    else:  # a site refused where it lies stops a batch, or lists with a refused folder, before any run
        problems = placement_problems(loaded, layers, layer_problems) or []
    if problems:
        raise InputError(problems)
    return loaded, layers, notices


def fixed_plants_notices(loaded: LoadedScenario) -> list[str]:
    """The notice that the model holds the real plants of `calibration.plants` in place of the
    scenario's committed projects (calibration mode fixed: `LoadedScenario.plants`); none when it
    holds the committed projects."""
    calibration = loaded.scenario.calibration
    if loaded.plants is None or calibration is None or calibration.plants is None:
        return []
    committed = loaded.committed.path
    scenario = (f", in place of the scenario's committed projects ({committed.name})" if committed is not None
                else " (the scenario names no committed projects)")
    return [f"calibration mode fixed: the model holds the real plants of {Path(str(calibration.plants)).name} "
            f"(calibration.plants) at their sites as committed capacity{scenario}"]


def dropped_site_text(layers: LayerSet, names: Names, site: str) -> str:
    """A site dropped as outside every cluster, for the notice that lists them: its name and id, and
    the existing capacity the sites layer gives it (product by product, with its unit), which the
    plan then leaves out: "East city (e_city), with existing capacity of 20,000 t/yr LFP, which
    the plan leaves out"."""
    rows = layers.sites.loc[layers.sites["id"].astype(str) == str(site)]
    existing = []
    for product, column in layers.existing_columns.items():
        value = float(rows[column].iloc[0]) if len(rows) and column in rows.columns else float("nan")
        if value > 0:
            existing.append(f"{names.quantity(value, product)} {names.product(product)}")
    text = names.site_and_id(site)
    return text + (f", with existing capacity of {', '.join(existing)}, which the plan leaves out" if existing else "")


def prepare(scenario_path: Path | str, timings: dict[str, float], variant: str | None = None,
            overrides: tuple[Override, ...] = (), loaded: LoadedScenario | None = None) -> Prepared:
    """Load, check and preprocess; raise InputError with every problem found. In calibration mode
    fixed, the model's inputs hold the real plants of `calibration.plants` in place of the
    committed projects (`LoadedScenario.model_projects`), with a notice saying so
    (`fixed_plants_notices`) before those of mapping them onto the sites and years. `loaded`: the
    scenario as `load_scenario` gave it for these arguments already (not read again); None: read here."""
    started = time.perf_counter()
    with progress.phase("load"):
        loaded, layers, notices = load_checked(scenario_path, variant, overrides, loaded)
        bases = tuple(extends_chain(loaded.scenario_path))
        digests = input_sha256(loaded, layers, bases)
    timings["load"] = time.perf_counter() - started
    s = loaded.scenario
    cells = None
    if s.candidates is not None:
        started = time.perf_counter()
        with progress.phase("candidates"):
            cells = candidate_cells(loaded, layers)
        timings["candidates"] = time.perf_counter() - started
    names = layer_names(layers.sites, layers.clusters,
                        {pid: product.unit for pid, product in loaded.catalog.products.items()},
                        dict(zip(map(str, cells["id"]), map(str, cells["name"]), strict=True)) if cells is not None
                        else {}, layers.sources)
    started = time.perf_counter()
    with progress.phase("preprocess"):
        gateway = (s.network.gateway.lon, s.network.gateway.lat)
        crs_at = loaded.at("spatial", "working_crs")
        spatial = preprocess(layers, list(loaded.catalog.products), redline_settings(loaded), s.spatial.working_crs,
                             s.spatial.sites_outside_clusters, s.spatial.detour_factor, crs_at[0], gateway, cells,
                             crs_at[1], s.layers.sites)
        inputs, input_notices = build_inputs_with_notices(loaded, spatial, names)
        positions = position_check(spatial, inputs, redline_settings(loaded), s.spatial.detour_factor)
    timings["preprocess"] = time.perf_counter() - started
    notices = (list(layers.notices) + notices + fixed_plants_notices(loaded) + input_notices
               + target_scale_notices(loaded, inputs) + plant_scale_notices(loaded))
    if spatial.dropped_sites:
        notices.append("sites outside every cluster, dropped: "
                       + "; ".join(dropped_site_text(layers, names, site) for site in spatial.dropped_sites))
    if cells is not None:
        notices.append(f"candidate cells: {len(cells):,} ({s.candidates.shape}) over the clusters, planned beside "
                       f"the {int((spatial.sites['kind'] != CELL).sum())} sites of the sites layer")
    kinds = spatial.sites["kind"].to_numpy()
    cell_ids = tuple(str(i) for i, k in zip(spatial.sites["id"], kinds, strict=True) if k == CELL)
    return Prepared(loaded, layers, spatial, inputs, notices, cell_ids, positions, names, digests, bases)
