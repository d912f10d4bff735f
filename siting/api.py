"""The front door for Python users: the same calls the command line makes.

    import siting
    problem = siting.load("scenarios/yunnan_2024.yaml")        # read, check, preprocess (once)
    solution = siting.solve(problem)                            # solve; writes nothing
    solution.plan, solution.layers["sites"], solution.costs     # tables and GeoDataFrames
    solution.write("outputs/yunnan_2024")                       # the files `siting solve` writes

Money is in yuan (objective and costs discounted to the first year), capacity in the product's
unit per year (t/yr, GWh/yr, m2/yr as the catalog says), distances in km, times in seconds.

Errors (from `siting.config.errors`): `InputError` for bad input (exit code 2 on the command line;
`problems` lists every problem, each naming the file, the key or field and the fix);
`PlanInfeasible` when the rules cannot be met together and `NoSolution` when the solver stops
without a plan (exit code 1).
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from siting import __version__
from siting.config.errors import InputError, NoSolution, PlanInfeasible
from siting.config.load import LoadedScenario, Override, shown_path
from siting.config.schema import Scenario
from siting.deliver.drivers import units_of
from siting.deliver.files import export_files
from siting.deliver.folders import check_destination, input_files
from siting.deliver.layer import OutputLayer
from siting.deliver.layers import plan_layers
from siting.deliver.tables import table_files
from siting.optimize.alternatives import Alternative, comparison, near_optimal_plans
from siting.optimize.alternatives import robustness as plan_robustness
from siting.optimize.relax import rule_cost_table
from siting.optimize.relax import rule_costs as relaxed_solves
from siting.optimize.results import Plan
from siting.optimize.run import ModelSize, Solved, solve_prepared
from siting.optimize.run import solver_settings as scenario_solver_settings
from siting.optimize.solve import SolveReport, SolverSettings
from siting.optimize.tolerance import TOLERANCE_NOTE
from siting.prepare.problem import Prepared, prepare, redline_settings
from siting.prepare.spatial import RedlineSettings
from siting.runs.batch import compare as compare_to_folder
from siting.runs.batch import comparison_cases
from siting.runs.batch import sweep as sweep_to_folder
from siting.runs.job import RunResult, plans_files, run_solve, write_outputs
from siting.runs.pool import CaseSummary, summarise
from siting.runs.tables import comparison_table, status_text

__all__ = ["Alternatives", "Batch", "Problem", "Solution", "alternatives", "compare", "load", "rule_costs", "run",
           "scenario_json_schema", "solve", "sweep"]

#: Timings that are not phases of the solve: making and writing the files (timed anew for each
#: write, as the manifest's last phases) and the rule costs (not in the manifest, as on the command line).
AFTER_SOLVE = ("export", "write", "rule_costs", "alternatives")

#: How a schema file written by `siting schema` begins its `$comment` (so that it may be replaced).
SCHEMA_COMMENT = "JSON schema of a siting scenario file, written by `siting schema`"

#: Where the JSON schema says it comes from (draft of the JSON Schema standard pydantic writes).
JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True, eq=False)
class Problem:
    """A scenario read, checked against its layers and preprocessed, ready to solve any number
    of times (with other time limits, or for rule costs) without reading anything again.

    Attributes:
        prepared: the loaded scenario and catalog (`prepared.loaded`), the input layers
            (`prepared.layers`, GeoDataFrames as read), the spatial preprocessing in the working
            CRS (`prepared.spatial`: sites with their cluster, land left after the red line in ha,
            road distances in km, red-line zones) and the model's plain inputs (`prepared.inputs`,
            which carry the model's sparse index sets, derived once).
        redline: the red-line rule's settings (buffer and setbacks in m), as the layers use them.
        timings: seconds spent reading and checking (`load`) and preprocessing (`preprocess`).
    """

    prepared: Prepared
    redline: RedlineSettings
    timings: Mapping[str, float]

    def __repr__(self) -> str:
        """Name, sites, clusters, products and years, on one line."""
        inputs = self.prepared.inputs
        return (f"Problem({self.name!r}: {len(inputs.SITES)} sites in {len(inputs.CLUSTERS)} clusters, "
                f"{len(inputs.PRODUCTS)} products, years {list(inputs.YEARS)})")

    @property
    def loaded(self) -> LoadedScenario:
        """The scenario and catalog as validated, with their file paths."""
        return self.prepared.loaded

    @property
    def scenario(self) -> Scenario:
        """The fully resolved scenario (extends, variant and overrides applied)."""
        return self.prepared.loaded.scenario

    @property
    def name(self) -> str:
        """The scenario's name (`<base>-<variant>` for a variant)."""
        return self.prepared.loaded.scenario.name

    @property
    def notices(self) -> list[str]:
        """What loading changed or noticed (repaired geometries, sites dropped outside clusters)."""
        return list(self.prepared.notices)

    def solver_settings(self, time_limit_s: float | None = None) -> SolverSettings:
        """The scenario's solver settings, with the time limit (s) replaced when one is given."""
        settings = scenario_solver_settings(self.prepared.loaded)
        if time_limit_s is not None:
            settings = dataclasses.replace(settings, time_limit_s=checked_time_limit(time_limit_s))
        return settings


def checked_time_limit(value: float) -> float:
    """`value` as seconds; InputError unless it is a finite number above zero."""
    seconds = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError([f"time_limit_s | must be a finite number of seconds above 0 (got {value!r}); "
                          "give e.g. 60, or None for the scenario's solver.time_limit_s"])
    return seconds


def load(path: Path | str, variant: str | None = None, overrides: Iterable[Override] = ()) -> Problem:
    """Read a scenario file, check it against its layers and preprocess it, once.

    Args:
        path: the scenario YAML file; its relative paths resolve from its folder.
        variant: the name of one of the file's `variants:`, or None for the base scenario.
        overrides: (dotted key, value) pairs applied last, e.g.
            `[("constraints.redline.buffer_m", 2000)]` (the command line's `--set`).

    Returns:
        A `Problem` to pass to `solve`, `rule_costs` (any number of times).

    Raises:
        InputError: every problem found in the scenario, catalog and layers, each naming the
            file, the key or field and the fix.
    """
    timings: dict[str, float] = {}
    prepared = prepare(path, timings, variant, tuple(overrides))
    return Problem(prepared, redline_settings(prepared.loaded), dict(timings))


def as_problem(problem_or_path: Problem | Path | str) -> Problem:
    """A `Problem` as given, or loaded from a scenario path."""
    if isinstance(problem_or_path, Problem):
        return problem_or_path
    if isinstance(problem_or_path, (str, Path)):
        return load(problem_or_path)
    raise InputError([f"problem | must be a siting.Problem or a scenario file path (got "
                      f"{type(problem_or_path).__name__}); call siting.load(path) first"])


@dataclass(frozen=True, eq=False)
class Solution:
    """A solved plan, in memory. Nothing is written until `write` is called.

    Money is in yuan discounted to the first year; capacity in the product's unit per year.
    The solver's figures (status, objective, bound, gap) are HiGHS's; the tables are read back
    from the solved model, with module counts as whole numbers (`siting.optimize.results.extract_plan`).

    Attributes:
        problem: the `Problem` solved.
        settings: the solver settings used (time limit in s, relative gap, threads, seed, options).
        report: what the solver said (`siting.optimize.solve.SolveReport`).
        result: the plan as read back (`siting.optimize.results.Plan`); the properties below give copies.
        model_size: variables, integer variables and constraints of the model (counts); with
            candidate cells, the screened model's, and the screening's figures under "screening".
        timings: seconds spent: load, preprocess, build, solve; then export once the files are
            made, rule_costs once `siting.rule_costs` and alternatives once `siting.alternatives`
            have run on this solution.
    """

    problem: Problem
    settings: SolverSettings
    report: SolveReport
    result: Plan
    model_size: ModelSize
    timings: dict[str, float]
    _solved: Solved = field(repr=False)

    def __repr__(self) -> str:
        """Name, status, objective, gap and sites opened, on one line."""
        gap = f", gap {self.gap:.2%}" if self.gap is not None else ""
        return (f"Solution({self.problem.name!r}: {self.status}, "
                f"objective {self.objective_yuan / 1e9:,.2f} bn yuan{gap}, sites opened: {len(self.opened_sites)})")

    @property
    def status(self) -> str:
        """'optimal' (proven within the relative gap asked for), 'feasible (not proven optimal)'."""
        return self.report.status

    @property
    def objective_yuan(self) -> float:
        """The discounted objective (yuan): the sum of `costs`."""
        return self.report.objective_yuan or 0.0

    @property
    def best_bound_yuan(self) -> float | None:
        """The best lower bound HiGHS proved (yuan), or None."""
        return self.report.best_bound_yuan

    @property
    def gap(self) -> float | None:
        """|objective - bound| / |objective| (a share: 0.01 is 1 %), or None without a bound."""
        return self.report.gap

    @property
    def costs(self) -> dict[str, float]:
        """The objective's breakdown: component name -> discounted yuan."""
        return dict(self.result.costs)

    @property
    def plan(self) -> pd.DataFrame:
        """Modules built, one row per site, product, year and module size (plan.csv): columns
        site, cluster, product, year, module, modules (count), capacity_added (units/yr),
        capex_yuan."""
        return self.result.builds.sort_values(["site", "product", "year", "module"], kind="stable"
                                              ).reset_index(drop=True)

    @property
    def capacity(self) -> pd.DataFrame:
        """Capacity per site, product and year (capacity.csv): columns site, cluster, product,
        year, existing, added_cumulative, capacity, production (units/yr)."""
        return self.result.capacity.copy()

    @property
    def targets(self) -> pd.DataFrame:
        """Each target against the plan (targets.csv): columns kind (capacity or
        output_value_yuan), target, year, target_value, achieved, shortfall (in the target's unit)."""
        return self.result.targets.copy()

    @property
    def flows(self) -> pd.DataFrame:
        """Raw material shipped: columns source, site, resource, year, tonnes (t/yr), km (road)."""
        return self.result.flows.copy()

    @property
    def output_value(self) -> pd.DataFrame:
        """Industry output value per year: columns year, output_value_yuan (yuan/yr)."""
        return self.result.output_value.copy()

    @property
    def opened_sites(self) -> tuple[str, ...]:
        """Ids of the sites where the plan builds, in the sites layer's order."""
        return self.result.opened_sites

    @cached_property
    def output_layers(self) -> list[OutputLayer]:
        """The typed output layers (`siting.deliver.layer.OutputLayer`) every output file is written from."""
        prepared = self.problem.prepared
        return plan_layers(prepared.layers, prepared.spatial, prepared.inputs, self.result, self.problem.redline,
                           prepared.loaded.scenario.network.gateway.name,
                           units_of(prepared.loaded.catalog, prepared.inputs), prepared.positions)

    @cached_property
    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The plan's map layers, name -> GeoDataFrame in WGS84 (EPSG:4326), with the fields of
        the GeoJSON files of the same name (`sites`, `flows`, `sources`, `clusters`,
        `redline_zones`, `redline`, and `site_areas` when polygon and point sites are mixed)."""
        return {layer.name: layer.frame.copy() for layer in self.output_layers}

    def files(self, rule_costs: pd.DataFrame | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every output file as name -> text, or a function writing the file at a given path.
        The manifest's timings are those of the solve (load to solve), of the rule costs when
        given (and timed by `siting.rule_costs`), and of making the files (`export`, also recorded
        in `timings`); its file list includes the rule costs' files and `extra` (name -> content,
        e.g. alternatives' files)."""
        timings = {k: v for k, v in self.timings.items() if k not in AFTER_SOLVE}
        extra = dict(extra or {})
        if rule_costs is not None:
            extra.update(table_files(rule_costs, "rule_costs", TOLERANCE_NOTE))
        if rule_costs is not None and "rule_costs" in self.timings:
            timings["rule_costs"] = self.timings["rule_costs"]
        files = export_files(self.problem.prepared, self.report, self.result, self.model_size, timings, extra)
        self.timings["export"] = timings["export"]
        return files

    def write(self, folder: Path | str | None = None, rule_costs: pd.DataFrame | None = None) -> Path:
        """Write the files `siting solve` writes (see the README's Outputs) into `folder`, all at
        once; with `rule_costs` (a table from `siting.rule_costs`), also rule_costs.csv and .md.

        Args:
            folder: the output folder; None for the scenario's `output.folder`. It must be new,
                empty, or a folder siting wrote (it holds the `.siting-run` marker), and lie
                outside the folders of the run's input files. A marked folder is replaced only while
                it holds nothing beyond the files its marker lists; otherwise InputError names them.

        Returns:
            The folder written, absolute.

        Raises:
            InputError: the folder may not be written; the message says why and what to do.
        """
        destination = output_folder(self.problem.loaded, folder)
        write_outputs(destination, self.files(rule_costs), self.timings)
        return destination


def output_folder(loaded: LoadedScenario, folder: Path | str | None, where: str = "folder") -> Path:
    """The absolute output folder of a run (`folder`, or the scenario's `output.folder` when
    None), checked by the rule of `siting.deliver.folders`; InputError naming `where` (or the
    scenario's `output.folder` key) when the run may not write there."""
    if folder is not None:
        return check_destination(Path(folder), input_files(loaded), where)
    return check_destination(loaded.resolve(loaded.scenario.output.folder), input_files(loaded),
                             f"{shown_path(loaded.scenario_path)}: output.folder")


def solve(problem_or_path: Problem | Path | str, time_limit_s: float | None = None) -> Solution:
    """Build the MIP of a problem and solve it with HiGHS; writes nothing.

    Args:
        problem_or_path: a `Problem` from `load`, or a scenario file path (loaded first).
        time_limit_s: seconds for the solver, replacing the scenario's `solver.time_limit_s`.

    Returns:
        A `Solution`: status, objective and gap, cost breakdown, plan tables, layers, timings.

    Raises:
        InputError: bad input (when given a path), or a time limit that is not a positive number.
        PlanInfeasible: the rules cannot be met together; the message names the rule families
            whose relaxation gives a plan.
        NoSolution: the solver stopped without a plan (time limit, or a solver failure).
    """
    problem = as_problem(problem_or_path)
    settings = problem.solver_settings(time_limit_s)
    timings = dict(problem.timings)
    solved = solve_prepared(problem.prepared, settings, timings)
    return Solution(problem, settings, solved.report, solved.plan, solved.size, timings, solved)


def run(path: Path | str, out: Path | str | None = None, *, variant: str | None = None,
        overrides: Iterable[Override] = (), time_limit_s: float | None = None, rule_costs: bool = False,
        alternatives: int = 0, slack: float = 0.05) -> RunResult:
    """The `solve` command as one call: check the output folder, load, solve and write it.

    Args:
        path: the scenario YAML file.
        out: the output folder; None takes the scenario's `output.folder` (relative to the file).
        variant: a named variant of the file; overrides: (key path, value) pairs as `--set` gives.
        time_limit_s: seconds for HiGHS, finite and > 0; None keeps `solver.time_limit_s`.
        rule_costs: also re-solve with each rule family relaxed (rule_costs.csv and .md).
        alternatives: N near-optimal plans within `slack` (a share of the optimum's cost, 0.05 = 5 %),
            each in its own subfolder, with alternatives.md and robustness.geojson.

    Returns:
        The run's `RunResult` (prepared inputs, solver report, plan, folder, timings, rule costs).

    Raises:
        InputError: bad input or an output folder that may not be written (exit 2 on the command line),
            found before any layer is loaded.
        PlanInfeasible: the rules cannot be met together; the folder then holds the diagnosis
            (conflicts.md, conflicts.geojson, ...).
        NoSolution: the solver stopped without a plan.
    """
    return run_solve(path, Path(out) if out is not None else None, time_limit_s, variant=variant,
                     overrides=tuple(overrides), with_rule_costs=rule_costs, alternatives=alternatives, slack=slack)


def rule_costs(problem_or_solution: Problem | Solution | Path | str, time_limit_s: float | None = None
               ) -> pd.DataFrame:
    """What each enabled rule family costs: the plan re-solved with one family relaxed at a time.

    Families: redline, proximity, differentiation, agglomeration, budget, chain_balance, market
    (those enabled). A Solution's model and solver are reused for families that are constraint
    rows; a Problem or a path is solved first.

    Returns:
        One row per family: rule, status, objective_relaxed_yuan, rule_cost_yuan (objective
        minus the relaxed objective; exact only up to the solver's gap), gap,
        within_solver_tolerance, sites_added and sites_dropped (comma-separated site ids) and
        note. Money is in yuan, both columns to 9 significant digits as the manifest's objective
        (the cost is the difference of the two objectives so rounded: see
        `siting.optimize.relax.rule_cost_table`); rule_costs.csv, written by `Solution.write`,
        gives them in bn yuan (objective_relaxed_bn_yuan, rule_cost_bn_yuan).

    Raises:
        InputError, PlanInfeasible, NoSolution: as `solve`, when the base plan is solved here.
    """
    if isinstance(problem_or_solution, Solution):
        solution = problem_or_solution
        if time_limit_s is not None:
            settings = dataclasses.replace(solution.settings, time_limit_s=checked_time_limit(time_limit_s))
        else:
            settings = solution.settings
    else:
        solution = solve(problem_or_solution, time_limit_s)
        settings = solution.settings
    solved = solution._solved
    started = time.perf_counter()
    inputs = solved.inputs if solved.inputs is not None else solution.problem.prepared.inputs  # screened model's
    costs = relaxed_solves(inputs, settings, solved.model, solved.solver)
    solution.timings["rule_costs"] = time.perf_counter() - started
    return rule_cost_table(solution.report, solution.result, costs)


@dataclass(frozen=True, eq=False)
class Alternatives:
    """Near-optimal plans of a solution, in memory; nothing is written until `write` is called.

    Attributes:
        solution: the cost-optimal `Solution` they start from.
        slack: how much more than the optimum each may cost, as a share of |optimum| (0.05 = 5 %).
        plans: the optimum (label `optimum`) then the alternatives (`alt01`, ...), each a
            `siting.optimize.alternatives.Alternative` (its `plan` tables, `cost_yuan` in
            discounted yuan, `stopped_by`: gap reached, node limit or time limit).
        asked: the number of alternatives asked for.
        ended: why fewer than `asked` were found, in words (empty when all were): no other
            pattern of sites and products within the slack, or a search stopped at its limit.
    """

    solution: Solution
    slack: float
    plans: tuple[Alternative, ...]
    asked: int
    ended: str

    def __repr__(self) -> str:
        """Name, how many alternatives were found of those asked, and the slack, on one line."""
        return (f"Alternatives({self.solution.problem.name!r}: {len(self.plans) - 1} of {self.asked} within "
                f"{self.slack:.0%} of the optimum)")

    @property
    def table(self) -> pd.DataFrame:
        """One row per plan (alternatives.csv): plan, cost_yuan, over_optimum (share),
        sites_opened, site_products, new_site_products (counts), stopped_by, same_as, and
        `added <cluster> <product>` (capacity added, units/yr)."""
        return comparison(self.plans, self.solution.problem.prepared.inputs)

    @property
    def robustness(self) -> pd.DataFrame:
        """Per site and product any plan builds (robustness.csv): site, cluster, product,
        plans_building (count), share (of the plans), mean_capacity_added (units/yr)."""
        return plan_robustness(self.plans, self.solution.problem.prepared.inputs)

    def write(self, folder: Path | str | None = None) -> Path:
        """Write what `siting solve --alternatives N` writes: the optimum's files, `altNN/` per
        alternative, alternatives.csv/.md and robustness.geojson/.qml/.csv/.png, all at once.
        `folder` and the errors are those of `Solution.write`. Returns the folder written."""
        solution = self.solution
        destination = output_folder(solution.problem.loaded, folder)
        timings = {k: v for k, v in solution.timings.items() if k not in AFTER_SOLVE}
        files = solution.files(extra=plans_files(solution.problem.prepared, list(self.plans), solution.model_size,
                                                 timings, self.slack, solution.report.gap))
        write_outputs(destination, files, solution.timings)
        return destination


def alternatives(problem_or_solution: Problem | Solution | Path | str, n: int = 5, slack: float = 0.05,
                 time_limit_s: float | None = None) -> Alternatives:
    """Up to `n` near-optimal plans, each costing at most `slack` x |optimum| more than the
    optimum and as different as possible from the plans before it (modelling to generate
    alternatives: siting/optimize/alternatives.py); no two share a pattern of (site, product)
    decisions. Each search is limited by branch-and-bound nodes on one thread with the
    scenario's seed, so the same inputs give the same plans; the time limit is a safety net,
    and a plan it stopped is marked `time limit` in `table`.

    Args:
        problem_or_solution: a `Solution` (its plan is the optimum), a `Problem` or a scenario
            file path (solved first).
        n: the number of alternatives, a whole number of at least 1.
        slack: a share of at least 0 (0.05 = 5 % of |optimum|).
        time_limit_s: seconds per solve, replacing the scenario's `solver.time_limit_s`.

    Returns:
        `Alternatives`: the plans, their comparison `table` and `robustness`, and `write`.

    Raises:
        InputError: `n` or `slack` out of range, a bad time limit, or bad input (given a path).
        PlanInfeasible, NoSolution: as `solve`, when the optimum is solved here.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise InputError([f"alternatives | n must be a whole number of at least 1 (got {n!r}); give e.g. n=5"])
    if isinstance(slack, bool) or not isinstance(slack, numbers.Real) or not (math.isfinite(slack) and slack >= 0):
        raise InputError([f"alternatives | slack must be a share of at least 0 (got {slack!r}); give e.g. "
                          "slack=0.05 for 5 %"])
    if isinstance(problem_or_solution, Solution):
        solution = problem_or_solution
        settings = solution.settings
        if time_limit_s is not None:
            settings = dataclasses.replace(settings, time_limit_s=checked_time_limit(time_limit_s))
    else:
        solution = solve(problem_or_solution, time_limit_s)
        settings = solution.settings
    optimum = Alternative("optimum", solution.report, solution.result)
    started = time.perf_counter()
    inputs = solution._solved.inputs if solution._solved.inputs is not None else solution.problem.prepared.inputs
    plans = near_optimal_plans(inputs, settings, int(n), float(slack), optimum=optimum,
                               solved=solution._solved.model)
    solution.timings["alternatives"] = time.perf_counter() - started
    return Alternatives(solution, float(slack), tuple(plans), plans.asked, plans.ended)


# --------------------------------------------------------------------------------------------
# many runs


@dataclass(frozen=True)
class Batch:
    """The outcome of `compare` or `sweep`.

    table: the comparison (metrics as rows, one column per run and one of differences against
        the first run) or the sweep table (one row per run), as in comparison.csv / sweep.csv.
    runs: one `siting.runs.pool.CaseSummary` per run in order; a failed run has ok False and its
        error message, and does not stop the others.
    folder: the folder written, or None when the runs were kept in memory.
    """

    table: pd.DataFrame
    runs: tuple[CaseSummary, ...]
    folder: Path | None

    @property
    def ok(self) -> bool:
        """True when every run gave a plan."""
        return all(run.ok for run in self.runs)


def _summary_in_memory(label: str, path: Path, variant: str | None, overrides: tuple[Override, ...],
                       time_limit_s: float | None) -> CaseSummary:
    """Solve one run in this process without writing; a failure is reported in the summary."""
    try:
        solution = solve(load(path, variant, overrides), time_limit_s)
    except (InputError, PlanInfeasible, NoSolution) as exc:
        return CaseSummary(label=label, ok=False, error=f"{type(exc).__name__}: {exc}")
    result = RunResult(solution.problem.prepared, solution.report, solution.result, Path(), solution.timings,
                       solution.model_size)
    return dataclasses.replace(summarise(label, result), out_dir="")


def compare(paths: Sequence[Path | str], out: Path | str | None = None, *, workers: int | None = None,
            scheduler: str | None = None, time_limit_s: float | None = None, progress: bool = False,
            variants: Sequence[str] | None = None, overrides: Iterable[Override] = ()) -> Batch:
    """Solve several scenarios (and every variant of a file that defines `variants:`) and compare
    them against the first.

    Args:
        paths: scenario files; a file with variants gives its base and each variant.
        out: None to solve one run after another in this process and write nothing; or a
            comparison folder to run in parallel and write comparison.csv/.md, diff.geojson,
            compare.qgs and each run's outputs in a subfolder (as `siting compare --out`).
        workers, scheduler: parallel processes, or a Dask scheduler address (only with `out`).
        time_limit_s: solver time limit per run (s), replacing each scenario's.
        progress: print a progress line on standard error (only with `out`).
        variants: only these variants of each file (its base always runs); every name must be
            defined by one of the files. None: every variant.
        overrides: (dotted key, value) pairs applied to every run, as `--set` gives them.

    Returns:
        A `Batch` whose `table` has one row per metric (status, objective and cost breakdown in
        yuan, gap, sites opened, targets short, output value per year, capacity per
        target group and per cluster x product in units/yr) and one column per run.

    Raises:
        InputError: a scenario is invalid (every problem, before any solve), or fewer than two runs.
    """
    limit = checked_time_limit(time_limit_s) if time_limit_s is not None else None
    files = [Path(p) for p in paths]
    chosen = list(variants) if variants is not None else None
    pairs = tuple(overrides)
    if out is not None:
        result = compare_to_folder(files, Path(out), workers, scheduler, limit, progress, chosen, pairs)
        return Batch(result.table, tuple(result.summaries), result.out_dir)
    cases, _inputs = comparison_cases(files, limit, chosen, pairs)
    summaries = [_summary_in_memory(c.label, c.scenario, c.variant, c.overrides, limit) for c in cases]
    return Batch(comparison_table(summaries), tuple(summaries), None)


def sweep_settings(settings: Mapping[str, Sequence[Any]] | Sequence[str]) -> list[str]:
    """`{"constraints.redline.buffer_m": [0, 500]}` or `["constraints.redline.buffer_m=0,500"]`
    as the command line's `KEY=V1,V2` texts (each value written as YAML reads it back)."""
    if isinstance(settings, str) or not isinstance(settings, (Mapping, Sequence)):
        raise InputError([f"settings | must map each dotted key to its values, e.g. "
                          f"{{'constraints.redline.buffer_m': [0, 500]}} (got {settings!r})"])
    if not isinstance(settings, Mapping):
        return [str(text) for text in settings]
    texts = []
    for key, values in settings.items():
        items = [values] if isinstance(values, (str, int, float, bool)) or values is None else list(values)
        for value in items:
            if not (value is None or isinstance(value, (int, float, bool))
                    or (isinstance(value, str) and "," not in value)):
                raise InputError([f"settings.{key} | each value must be a number, true/false, None or a text "
                                  f"without commas (got {value!r})"])
        texts.append(f"{key}=" + ",".join(json.dumps(v) for v in items))
    return texts


def sweep(path: Path | str, settings: Mapping[str, Sequence[Any]] | Sequence[str], out: Path | str | None = None,
          *, workers: int | None = None, scheduler: str | None = None, time_limit_s: float | None = None,
          progress: bool = False) -> Batch:
    """Solve a scenario over every combination of setting values (the cartesian product).

    Args:
        path: the scenario file.
        settings: dotted key -> values, e.g. `{"constraints.redline.buffer_m": [0, 500, 1000]}`
            (scalar values), or the command line's texts `["constraints.redline.buffer_m=0,500"]`.
        out: None to keep nothing on disk; or a sweep folder to write sweep.csv/.md, sweep.png
            and each run in runNN/ (as `siting sweep --out`). Either way the runs are those of
            `siting sweep`: the first run's plan starts the others, and a run moves to another's
            plan that costs less in it (taken with the run's own bound when that proves it within
            the run's gap, else solved again from it; README, "Comparing constraint sets"), so the
            table is the command line's; without `out` the runs' folders are written in a
            temporary folder, removed before this returns, and each run's `out_dir` is "".
        workers, time_limit_s, progress: as for `compare`, also without `out`.
        scheduler: as for `compare`, only with `out` (a cluster's workers must reach the folder).

    Returns:
        A `Batch` whose `table` has one row per run: run, the swept values, status,
        objective_yuan, gap, sites_opened (count) and capacity_<group> (final year, units/yr).

    Raises:
        InputError: a malformed setting or a combination that makes the scenario invalid.
    """
    limit = checked_time_limit(time_limit_s) if time_limit_s is not None else None
    texts = sweep_settings(settings)
    if out is not None:
        result = sweep_to_folder(Path(path), texts, Path(out), workers, scheduler, limit, progress)
        return Batch(result.table, tuple(result.summaries), result.out_dir)
    with tempfile.TemporaryDirectory(prefix=".siting-sweep.") as temporary:
        result = sweep_to_folder(Path(path), texts, Path(temporary) / "sweep", workers, None, limit, progress)
    runs = tuple(dataclasses.replace(run, out_dir="", error=run.error.replace(run.out_dir, NOT_KEPT))
                 if run.out_dir else run for run in result.summaries)
    table = result.table.copy()
    table["status"] = [status_text(run) for run in runs]  # no diagnosis folder to point to
    return Batch(table, runs, None)


#: Where the error of a run of `sweep` without `out` says its diagnosis was written.
NOT_KEPT = "a temporary folder, not kept (pass out= to keep it)"


# --------------------------------------------------------------------------------------------
# the scenario's JSON schema


def scenario_json_schema(partial: bool = False) -> dict[str, Any]:
    """The JSON schema of a scenario file (pydantic's, from `siting.config.schema.Scenario`), for
    editors to complete and check scenario YAML.

    Args:
        partial: drop every `required` list, for a file that `extends:` a base and so need not
            repeat the base's required keys.
    """
    kind = "partial: no key required, for a file that extends a base" if partial else "complete"
    schema: dict[str, Any] = {"$schema": JSON_SCHEMA_DRAFT,
                              "$comment": f"{SCHEMA_COMMENT} ({kind}), siting {__version__}",
                              **Scenario.model_json_schema()}
    if partial:
        schema = _without_required(schema)
    return schema


def scenario_schema_text(partial: bool = False) -> str:
    """`scenario_json_schema` as indented JSON text, ending with a newline (what `siting schema` writes)."""
    return json.dumps(scenario_json_schema(partial), ensure_ascii=False, indent=2) + "\n"


def is_schema_file(path: Path) -> bool:
    """True for a file that `siting schema` wrote (its `$comment` says so), which it may replace."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("$comment", "")).startswith(SCHEMA_COMMENT)


def write_scenario_schema(path: Path | str, partial: bool = False, where: str = "--out") -> Path:
    """Write the scenario's JSON schema to `path`, whole or not at all (a temporary file beside it,
    then renamed). An existing file is replaced only when `siting schema` wrote it.

    Raises:
        InputError: `path` is a folder, a file siting did not write, or cannot be written.
    """
    target = Path(path)
    if str(path) == "" or target.is_dir():
        raise InputError([f"{where} | must be the path of a file (got {str(path) or repr('')}); give e.g. "
                          "--out scenario.schema.json"])
    if target.exists() and not is_schema_file(target):
        raise InputError([f"{where} | the file exists and was not written by `siting schema` (got {target}); "
                          "choose another file name, or move that file away first"])
    text = scenario_schema_text(partial)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as a file the user's shell would create, not mkstemp's 0600
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError([f"{where} | cannot write the file: {exc.strerror} (got {target}); choose a folder you "
                          "can write to"]) from None
    return target.resolve()


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_without_required(v) for v in node]
    return node

