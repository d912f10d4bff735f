"""The solve job from scenario file to output folder, phase by phase, with timings."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from models import FAMILIES, ModelInputs, build_model
from siting.checks import check_against_layers, nothing_buildable, unreachable_targets
from siting.compare import table_files
from siting.deliverables import gis_files, report_files
from siting.destination import check_destination, input_files
from siting.errors import InputError, NoSolution, PlanInfeasible
from siting.export import json_text, write_folder_atomically
from siting.geodata import LayerSet, load_layers
from siting.inputs import build_inputs
from siting.outputs import manifest, plan_layers, plan_tables
from siting.results import Plan, extract_plan, highs_model_status, no_plan_message
from siting.rulecosts import rule_cost_table, rule_costs
from siting.scenario import LoadedScenario, Override, load_scenario
from siting.solve import SolveReport, SolverSettings, new_solver, solve_model
from siting.spatial import RedlineSettings, SpatialResult, preprocess

#: Families tried one at a time when a plan is infeasible (targets made elastic first).
DIAGNOSIS_TIME_LIMIT_S = 20.0


@dataclass
class Prepared:
    loaded: LoadedScenario
    layers: LayerSet
    spatial: SpatialResult
    inputs: ModelInputs
    notices: list[str]


@dataclass
class RunResult:
    prepared: Prepared
    report: SolveReport
    plan: Plan
    out_dir: Path
    timings: dict[str, float]
    model_size: dict[str, int]
    rule_costs: pd.DataFrame | None = None


def solver_settings(loaded: LoadedScenario) -> SolverSettings:
    """The solver settings of a loaded scenario. A named setting given as a HiGHS option
    (`solver.options.mip_rel_gap`, `random_seed`) takes the named setting's place, so that each
    HiGHS option is set once."""
    s = loaded.scenario.solver
    options = dict(s.options)
    return SolverSettings(time_limit_s=s.time_limit_s, rel_gap=options.pop("mip_rel_gap", s.rel_gap),
                          threads=s.threads, random_seed=options.pop("random_seed", s.random_seed),
                          options=tuple(sorted(options.items())))


def redline_settings(loaded: LoadedScenario) -> RedlineSettings:
    r = loaded.scenario.constraints.redline
    return RedlineSettings(enabled=r.enabled, buffer_m=r.buffer_m,
                           categories=tuple(r.categories) if r.categories is not None else None,
                           setbacks_m={p: dict(v) for p, v in r.setbacks_m.items()})


def prepare(scenario_path: Path | str, timings: dict[str, float], variant: str | None = None,
            overrides: tuple[Override, ...] = ()) -> Prepared:
    """Load, check and preprocess; raise InputError with every problem found."""
    started = time.perf_counter()
    loaded = load_scenario(scenario_path, variant, overrides)
    layers = load_layers(loaded)
    problems, notices = check_against_layers(loaded, layers)
    if problems:
        raise InputError(problems)
    timings["load"] = time.perf_counter() - started
    started = time.perf_counter()
    s = loaded.scenario
    spatial = preprocess(layers, list(loaded.catalog.products), redline_settings(loaded), s.spatial.working_crs,
                         s.spatial.sites_outside_clusters, s.spatial.detour_factor, str(loaded.scenario_path))
    inputs = build_inputs(loaded, spatial)
    timings["preprocess"] = time.perf_counter() - started
    notices = list(layers.notices) + notices
    if spatial.dropped_sites:
        notices.append(f"sites outside every cluster, dropped: {', '.join(spatial.dropped_sites)}")
    return Prepared(loaded, layers, spatial, inputs, notices)


def model_size(model: pyo.ConcreteModel) -> dict[str, int]:
    variables = list(model.component_data_objects(pyo.Var, active=True))
    return {
        "variables": len(variables),
        "integer_variables": sum(1 for v in variables if v.is_integer() or v.is_binary()),
        "constraints": sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True)),
    }


def diagnose_infeasibility(inputs: ModelInputs, settings: SolverSettings) -> list[str]:
    """Name the rules that cannot be met together: re-solve with targets elastic, then with
    one rule family switched off at a time (every enabled family of the model's registry, in
    its order), and report which changes make the plan feasible."""
    quick = dataclasses.replace(settings, time_limit_s=min(settings.time_limit_s, DIAGNOSIS_TIME_LIMIT_S))
    findings = []

    def feasible(candidate: ModelInputs) -> bool:
        return solve_model(build_model(candidate), quick).has_solution

    if inputs.targets_strict and feasible(dataclasses.replace(inputs, targets_strict=False)):
        findings.append("the strict targets cannot all be met under the rules: with targets elastic "
                        "(targets.strict: false) a plan exists; see targets.csv of that run for the shortfalls")
    for family in FAMILIES:
        if family.name not in inputs.enabled_families:
            continue
        relaxed = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {family.name})
        if feasible(relaxed):
            findings.append(f"switching off the '{family.name}' rule (constraints.{family.section}.enabled: false) "
                            "makes the plan feasible")
    if not findings:
        findings.append("no single rule family is to blame: several rules conflict together")
    return findings


@dataclass
class Solved:
    """A solved plan with the model and solver object kept for re-solves."""

    report: SolveReport
    plan: Plan
    size: dict[str, int]
    model: pyo.ConcreteModel
    solver: Any


def solve_prepared(prepared: Prepared, settings: SolverSettings, timings: dict[str, float]) -> Solved:
    """Build and solve the model of a prepared scenario; raise PlanInfeasible or NoSolution
    when there is no plan to write.

    When no site can build anything, that is said first in any infeasibility message and kept
    as a notice of the run otherwise."""
    inputs = prepared.inputs
    nothing = nothing_buildable(inputs)
    lead = [nothing] if nothing else []
    if nothing and nothing not in prepared.notices:
        prepared.notices.append(nothing)
    unreachable = unreachable_targets(inputs)
    if unreachable:
        raise PlanInfeasible("the plan is infeasible before solving:\n"
                             + "\n".join(f"  - {m}" for m in lead + unreachable))
    started = time.perf_counter()
    model = build_model(inputs)
    timings["build"] = time.perf_counter() - started
    size = model_size(model)
    solver = new_solver()
    report = solve_model(model, settings, solver)
    timings["solve"] = report.solve_time_s
    if not report.has_solution:
        if report.infeasible:
            findings = lead + diagnose_infeasibility(inputs, settings)
            raise PlanInfeasible("the plan is infeasible: the rules cannot be met together.\n"
                                 + "\n".join(f"  - {f}" for f in findings))
        raise NoSolution(no_plan_message(report, settings, highs_model_status(solver)))
    return Solved(report, extract_plan(model, inputs), size, model, solver)


def export_files(prepared: Prepared, report: SolveReport, plan: Plan, size: dict[str, int],
                 timings: dict[str, float]) -> dict[str, str | Callable[[Path], None]]:
    """Every output file of a solved plan, as text or as a function writing the file: each layer
    as GeoJSON with its QGIS style, plan.gpkg, plan.qgs, map.png, the CSV tables, manifest.json,
    and report.md / report.html (which quote the manifest, less its timings)."""
    started = time.perf_counter()
    spatial = prepared.spatial
    layers = plan_layers(prepared.layers, spatial, prepared.inputs, plan, redline_settings(prepared.loaded))
    prepared.notices.extend(n for layer in layers for n in layer.notices if n not in prepared.notices)
    files, png = gis_files(layers, prepared.loaded, prepared.inputs, report, spatial.working_crs,
                           list(spatial.sources["resource"]))
    files.update(plan_tables(plan))
    timings["export"] = time.perf_counter() - started
    run_manifest = manifest(prepared.loaded, prepared.layers.paths, report, plan, size, timings, prepared.notices,
                            spatial.dropped_sites)
    files["manifest.json"] = json_text(run_manifest)
    files.update(report_files(prepared.loaded, prepared.inputs, plan, layers, run_manifest, png))
    return files


def run_solve(scenario_path: Path | str, out_dir: Path | None = None, time_limit_s: float | None = None,
              variant: str | None = None, overrides: tuple[Override, ...] = (), with_rule_costs: bool = False,
              create_parent: bool = True) -> RunResult:
    """The solve job: check the output folder, prepare, solve, and write every output into the
    folder at once; with `with_rule_costs`, also the cost of each rule family (rule_costs.csv
    and .md). The output folder is checked against the rule of siting/destination.py before any
    layer is loaded; with `create_parent` false its parent folder must exist."""
    if time_limit_s is not None and not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise InputError([f"--time-limit | must be a finite number of seconds greater than 0 (got {time_limit_s}); "
                          "give e.g. --time-limit 60"])
    loaded = load_scenario(scenario_path, variant, overrides)
    if out_dir is not None:
        destination = check_destination(Path(out_dir), input_files(loaded), "--out")
    else:
        destination = check_destination(loaded.resolve(loaded.scenario.output.folder), input_files(loaded),
                                         f"{loaded.scenario_path}: output.folder")
    timings: dict[str, float] = {}
    prepared = prepare(scenario_path, timings, variant, overrides)
    loaded = prepared.loaded
    settings = solver_settings(loaded)
    if time_limit_s is not None:
        settings = dataclasses.replace(settings, time_limit_s=time_limit_s)
    solved = solve_prepared(prepared, settings, timings)
    costs = None
    files = export_files(prepared, solved.report, solved.plan, solved.size, timings)
    if with_rule_costs:
        started = time.perf_counter()
        costs = rule_cost_table(solved.report, solved.plan,
                                rule_costs(prepared.inputs, settings, solved.model, solved.solver))
        timings["rule_costs"] = time.perf_counter() - started
        files.update(table_files(costs, "rule_costs"))
    write_folder_atomically(destination, files, create_parent)
    return RunResult(prepared, solved.report, solved.plan, destination, timings, solved.size, costs)
