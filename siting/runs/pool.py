"""Many independent solves: comparison runs and sweeps, in parallel processes or on Dask.

A run is a `Case` (scenario file, variant, overrides, output folder). `run_case` solves it,
writes its outputs as `solve` does, and returns a plain `CaseSummary`; a failure (bad input,
infeasible, no solution, anything else) is reported in the summary instead of raised, so one
run never stops the others. Summaries come back in case order whatever order runs finish in.

Warm starts (`warm`, as sweeps run): the first case is solved first, alone, and every other
case starts from its plan (a MIP start by variable name and index: siting/optimize/solve.py
`start_on`; HiGHS keeps what fits and drops a start that breaks the case's rules). Every case
starts from the same plan, whatever the number of workers and the order in which runs finish,
so the runs stay reproducible. The price is that the other workers wait for the first run.

Cross-starts (`cross`, as sweeps run): each run is solved only to its gap, so a run whose rules
admit more plans (a looser red line) can end dearer than one whose rules admit fewer. Once every
run is solved, each run's plan is costed in every other run (`cross_check`: its whole-number
decisions fixed, the rest solved as an LP, siting/optimize/solve.py `plan_cost`). A run for
which some other run's plan meets the rules and costs less than its own, by more than
CROSS_TOLERANCE of it, moves to the cheapest such plan (the earliest run on a tie):
- when the run's own solve proved a lower bound LB of its optimum (the same model) and that
  plan, of cost c in the run, lies within the run's gap of it ((c - LB) / |c|, a proven gap of
  the run's model), the run takes the plan as it is, with that bound, without a new search
  (siting/optimize/run.py `solve_fixed_start`: its outputs are those of a solve, and a notice
  names the plan's run and says whence the bound comes);
- otherwise (no bound, or the plan lies above the run's gap from it) the run is solved again
  starting from that plan, and keeps that solve when it is no dearer than its own plan (it is
  no dearer than its start when HiGHS keeps the start, siting/optimize/counts.py).
A new plan other than its start (such a solve found better) is costed in the other runs in a
further round, and so on until no plan is cheaper elsewhere than where it stands (at most one
round per run). When the rounds end so, a run whose rules admit every plan of another's ends no
dearer than that other (to CROSS_TOLERANCE). Every decision uses only
the plans and costs at the start of a round, taken in case order, so the outcome does not depend
on the number of workers nor on the order in which they finish. A run with candidate cells takes
no start (its screened solve, siting/optimize/screening.py, has none), so it is not solved
again; its plan is still costed in the other runs.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting.config import progress
from siting.config.errors import InputError, NoSolution, PlanInfeasible
from siting.config.progress import BEAT_S
from siting.optimize.workers import default_workers, run_handed_over

if TYPE_CHECKING:
    from siting.optimize.run import FixedStart
    from siting.optimize.solve import PlanValues

#: How often a run lost with its worker process is tried again before it is reported failed.
RETRIES = 1

#: A plan of another run must cost less than a run's own by more than this share of its cost
#: (taken as at least 1 yuan) for the run to be solved again from it: smaller differences are the
#: LP's noise.
CROSS_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Case:
    label: str
    scenario: Path
    out_dir: Path
    variant: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()
    time_limit_s: float | None = None


@dataclass(frozen=True)
class CaseSummary:
    """What a comparison needs of one run, as plain picklable data (money in yuan)."""

    label: str
    ok: bool
    error: str = ""
    """Why a failed run gave no plan, in full; a failure the run reports as such (bad input, no
    plan, rules that cannot be met together) begins with the name of its kind of failure:
    "PlanInfeasible: ..." (`error_text`, and see `failure_message`)."""
    scenario_name: str = ""
    status: str = ""
    objective_yuan: float | None = None
    gap: float | None = None
    solve_time_s: float = 0.0
    costs: dict[str, float] = field(default_factory=dict)
    final_year: int = 0
    capacity: dict[str, dict[str, float]] = field(default_factory=dict)  # cluster -> product -> units/yr
    group_capacity: dict[str, float] = field(default_factory=dict)  # target group -> units/yr, final year
    targets_short: dict[str, float] = field(default_factory=dict)  # "group year" -> shortfall
    output_value: dict[int, float] = field(default_factory=dict)
    sites_opened: tuple[str, ...] = ()
    site_added: dict[str, dict[str, float]] = field(default_factory=dict)  # site -> product -> added units/yr
    out_dir: str = ""
    """The run's folder (absolute): its outputs, or for a run whose rules cannot be met together
    the diagnosis (conflicts.md, ...); "" when the run wrote nothing."""
    units: dict[str, str] = field(default_factory=dict)  # product or target group -> its unit ("t", "GWh")
    cluster_names: dict[str, str] = field(default_factory=dict)
    """Cluster id -> its name in the run's clusters layer (`cluster_names`), which the terminal's
    and comparison.md's capacity rows give; comparison.csv keeps the ids."""
    started_from: str = ""
    """The label of the run whose plan this run took, or was solved again from, in a cross-start
    round (see the module docstring); "" when it was not."""
    own_objective_yuan: float | None = None
    """For a run that moved to another run's plan (`started_from`): the objective of the plan its
    own solve had found before (yuan; None when that solve found none); None otherwise."""
    best_bound_yuan: float | None = None
    """The proven lower bound of the run's optimum that its gap is measured against (the
    solver's best bound; None without one)."""
    searches: dict[str, Any] = field(default_factory=dict, repr=False)
    """The searches of the solve behind `best_bound_yuan` (the model size's "searches": siting/
    optimize/counts.py `CountSolve.record`), as plain data; empty when the run has none."""
    plan_values: dict[str, dict[Any, float]] = field(default_factory=dict, repr=False, compare=False)
    """The plan's variable values, only while runs start from each other (empty otherwise)."""


#: The file of a run's folder that explains why its rules cannot be met together
#: (siting/deliver/explore.py).
DIAGNOSIS = "conflicts.md"


#: The failures a run reports as such, each named in a summary's `error` by the kind's own name,
#: whatever subclass was raised: siting/config/progress.py `run_outcome` reads "PlanInfeasible: ".
REPORTED_FAILURES: tuple[type[Exception], ...] = (PlanInfeasible, NoSolution, InputError)


def error_text(exc: BaseException) -> str:
    """A failed run's `CaseSummary.error` for the exception that stopped it: the name of its kind
    among REPORTED_FAILURES, ": " and its message ("PlanInfeasible: the plan is infeasible: ..."
    also for siting/optimize/explain.py's `InfeasiblePlan`, a PlanInfeasible with its diagnosis);
    for any other exception "unexpected error: " and its type and message, on one line as the
    traceback module gives them ("unexpected error: ValueError: bad value")."""
    for kind in REPORTED_FAILURES:
        if isinstance(exc, kind):
            return f"{kind.__name__}: {exc}"
    return f"unexpected error: {traceback.format_exception_only(type(exc), exc)[-1].strip()}"


def failure_message(summary: CaseSummary) -> str:
    """A failed run's `error` without the exception's name that begins it ("the plan is
    infeasible before solving: ..." for "PlanInfeasible: the plan is ..."); other errors ("unexpected
    error: ...") as they are."""
    name, sep, rest = summary.error.partition(": ")
    return rest if sep and name.isidentifier() and name[:1].isupper() else summary.error


def summarise(label: str, result: Any) -> CaseSummary:
    """Plain summary of a `RunResult`."""
    plan, inputs = result.plan, result.prepared.inputs
    final = inputs.YEARS[-1]
    cap = plan.capacity.loc[plan.capacity["year"] == final]
    capacity: dict[str, dict[str, float]] = {}
    for row in cap.groupby(["cluster", "product"], sort=False)["capacity"].sum().reset_index().itertuples():
        capacity.setdefault(row.cluster, {})[row.product] = float(row.capacity)
    groups = {g: float(cap.loc[cap["product"].isin(members), "capacity"].sum())
              for g, members in inputs.TARGET_GROUPS.items()}
    short = {f"{r.target} {r.year}": float(r.shortfall) for r in plan.targets.itertuples() if r.shortfall > 0}
    added: dict[str, dict[str, float]] = {}
    for row in plan.builds.groupby(["site", "product"], sort=False)["capacity_added"].sum().reset_index().itertuples():
        added.setdefault(row.site, {})[row.product] = float(row.capacity_added)
    return CaseSummary(
        label=label, ok=True, scenario_name=result.prepared.loaded.scenario.name, status=result.report.status,
        objective_yuan=result.report.objective_yuan, gap=result.report.gap, solve_time_s=result.report.solve_time_s,
        best_bound_yuan=result.report.best_bound_yuan, searches=dict(result.model_size.get("searches") or {}),
        costs=dict(plan.costs), final_year=final, capacity=capacity, group_capacity=groups, targets_short=short,
        output_value={int(r.year): float(r.output_value_yuan) for r in plan.output_value.itertuples()},
        sites_opened=tuple(plan.opened_sites), site_added=added, out_dir=str(result.out_dir),
        units=_units(result.prepared.loaded.catalog, inputs),
        cluster_names=cluster_names(result.prepared.layers.clusters),
    )


def cluster_names(clusters: Any) -> dict[str, str]:
    """Cluster id -> the name a reader sees, from a clusters layer (a table with an `id` column
    and, where the layer has names, a `name` column): the name, stripped, or the id where the
    layer gives none (no `name` column, an empty or missing name)."""
    ids = [str(i) for i in clusters["id"]]
    given = list(clusters["name"]) if "name" in clusters.columns else ids
    return {i: n.strip() if isinstance(n, str) and n.strip() else i for i, n in zip(ids, given, strict=True)}


def _units(catalog: Any, inputs: Any) -> dict[str, str]:
    """Each product's catalog unit, and each target group's (its products' units, joined by "/")."""
    units = {p: catalog.products[p].unit for p in inputs.PRODUCTS}
    for group, members in inputs.TARGET_GROUPS.items():
        units[group] = "/".join(sorted({units[p] for p in members if p in units}))
    return units


def run_case(case: Case, start: PlanValues | FixedStart | None = None, keep_plan: bool = False) -> CaseSummary:
    """Solve one case and write its outputs; never raises for a failed run. `start`: the plan
    values of another run to start from, or a plan to take with a bound already proven for the
    case (siting/runs/job.py `run_solve`); with `keep_plan` the summary carries this run's own
    (`CaseSummary.plan_values`)."""
    from siting.runs.job import run_solve

    try:
        result = run_solve(case.scenario, case.out_dir, case.time_limit_s, variant=case.variant,
                           overrides=case.overrides, create_parent=False, start=start, keep_plan=keep_plan)
    except PlanInfeasible as exc:  # the folder holds the diagnosis
        folder = Path(case.out_dir).resolve()
        return CaseSummary(label=case.label, ok=False, error=error_text(exc),
                           out_dir=str(folder) if (folder / DIAGNOSIS).is_file() else "")
    except Exception as exc:  # bad input, no plan, or a bug, which must not sink the other runs
        return CaseSummary(label=case.label, ok=False, error=error_text(exc))
    summary = summarise(case.label, result)
    return dataclasses.replace(summary, plan_values=result.plan_values) if keep_plan and result.plan_values else summary


class Progress:
    """Runs done out of `total` on standard error, with the time left (siting/config/progress.py):
    a tqdm bar on a terminal, one plain line per run otherwise. The command line's reporter is
    used when one is active (so `--quiet` silences it); otherwise one on `stream`."""

    def __init__(self, total: int, stream: Any = None, what: str = "runs"):
        reporter = progress.active() if stream is None else None
        self.counter = progress.steps(total, what, reporter or progress.Reporter(stream, duplicate=False))

    def update(self, summary: CaseSummary) -> None:
        """Count one run done, with its label and how it ended: its status, or `infeasible` or
        `failed` (siting/config/progress.py `run_outcome`)."""
        self.counter.advance(summary.label, progress.run_outcome(summary.ok, summary.status, summary.error))

    __call__ = update

    def begin(self, label: str) -> None:
        """Run `label` is under way (shown with its seconds from the next beat)."""
        self.counter.begin(label)

    def beat(self) -> None:
        """Still waiting on the runs under way (the pool's wait calls it about every second)."""
        self.counter.beat()

    def advance(self, label: str, state: str) -> None:
        """Count one task done, with its label and how it ended."""
        self.counter.advance(label, state)

    def then(self, total: int, what: str) -> Progress:
        """A count of `total` further tasks named `what`, on this count's reporter (a count that
        reports nothing when this one does not)."""
        later = Progress.__new__(Progress)
        reporter = getattr(self.counter, "reporter", None)
        later.counter = progress.steps(total if reporter is not None else 0, what, reporter)
        return later


def _begin(progress: Callable[[CaseSummary], None] | None, label: str) -> None:
    """Tell a `Progress` that run `label` is under way (a plain callback has no such notion)."""
    if isinstance(progress, Progress):
        progress.begin(label)


def _beat(progress: Callable[[CaseSummary], None] | None) -> None:
    if isinstance(progress, Progress):
        progress.beat()


def run_cases(cases: Sequence[Case], workers: int | None = None, scheduler: str | None = None,
              progress: Callable[[CaseSummary], None] | None = None, warm: bool = False,
              cross: bool = False) -> list[CaseSummary]:
    """Run every case; return summaries in case order.

    scheduler None: a local process pool of `workers` processes (1 = in this process).
    scheduler "local": a Dask LocalCluster on loopback with `workers` single-threaded workers.
    scheduler "tcp://host:port": an existing Dask distributed scheduler.
    With `warm`, the first case runs first and the others start from its plan; with `cross`,
    once every case is solved, the cross-start rounds follow (see the module docstring; a
    `Progress` counts their tasks as "cross-starts")."""
    keep = cross and len(cases) > 1
    if not warm or len(cases) < 2:
        summaries = _run_some(cases, workers, scheduler, progress, None, keep)
    else:
        head = _run_some(cases[:1], workers, scheduler, progress, None, True)[0]
        summaries = [head, *_run_some(cases[1:], workers, scheduler, progress, head.plan_values or None, keep)]
    if keep:
        summaries = cross_starts(cases, summaries, workers, scheduler, progress)
    return [dataclasses.replace(s, plan_values={}) if s.plan_values else s for s in summaries]


@dataclass(frozen=True)
class _Task:
    """One call to make in a worker, `call(*args)`, shown on the progress as `label`."""

    label: str
    call: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Hooks:
    """What the caller hears of its tasks: `begin(label)` as one is handed over, `done(i, result)`
    as task i ends, `beat()` while waiting, and `lost(i, why)`, the result of task i when it was
    lost with its worker more than RETRIES times."""

    begin: Callable[[str], None]
    done: Callable[[int, Any], None]
    beat: Callable[[], None]
    lost: Callable[[int, str], Any]


def _case_hooks(cases: Sequence[Case], progress: Callable[[CaseSummary], None] | None) -> _Hooks:
    """Hooks of `run_case` tasks: each summary to `progress`; a lost run is a failed summary."""

    def done(_i: int, summary: CaseSummary) -> None:
        if progress:
            progress(summary)

    return _Hooks(lambda label: _begin(progress, label), done, lambda: _beat(progress),
                  lambda i, why: CaseSummary(label=cases[i].label, ok=False, error=why))


def _run_some(cases: Sequence[Case], workers: int | None, scheduler: str | None,
              progress: Callable[[CaseSummary], None] | None, start: dict[str, dict[Any, float]] | None,
              keep_plan: bool) -> list[CaseSummary]:
    """`run_cases` for `cases`, each started from `start`, keeping their plans with `keep_plan`."""
    tasks = [_Task(case.label, run_case, (case, start, keep_plan)) for case in cases]
    return _run_tasks(tasks, workers, scheduler, _case_hooks(cases, progress), "siting-run")


def _run_tasks(tasks: Sequence[_Task], workers: int | None, scheduler: str | None, hooks: _Hooks,
               key: str) -> list[Any]:
    """Every task's result, in task order: in this process (one worker, or one task), in a pool
    of `workers` processes, or on Dask (`scheduler`, see `run_cases`; `key` begins the tasks'
    Dask keys)."""
    if not tasks:
        return []
    if scheduler is not None:
        return _run_on_dask(tasks, workers or default_workers(), scheduler, hooks, key)
    workers = workers or default_workers()
    if workers == 1 or len(tasks) == 1:
        results = []
        for i, task in enumerate(tasks):
            hooks.begin(task.label)
            results.append(task.call(*task.args))
            hooks.done(i, results[-1])
        return results
    return _run_in_pool(tasks, workers, hooks)


def _run_in_pool(tasks: Sequence[_Task], workers: int, hooks: _Hooks) -> list[Any]:
    """The tasks in a pool of `workers` processes (`_pool_round`); a task whose worker died is run
    again in a new pool, up to RETRIES times, then given `hooks.lost`."""
    results: dict[int, Any] = {}
    pending = list(range(len(tasks)))
    for attempt in range(RETRIES + 1):
        pending = _pool_round(tasks, pending, workers, hooks, results)
        if not pending:
            break
        if attempt == RETRIES:
            for i in pending:
                results[i] = hooks.lost(i, f"worker process died {RETRIES + 1} times running this case")
                hooks.done(i, results[i])
    return [results[i] for i in range(len(tasks))]


def _pool_round(tasks: Sequence[_Task], pending: list[int], workers: int, hooks: _Hooks,
                results: dict[int, Any]) -> list[int]:
    """Run the tasks numbered `pending` in one pool (`run_handed_over`: in order, no more than
    the workers at once, so that those handed over are those under way, as a `Progress` shows
    them, beating about every `BEAT_S`), their results into `results`; return those lost with a
    worker that died."""

    def done(i: int, result: Any) -> None:
        results[i] = result
        hooks.done(i, result)

    return run_handed_over(pending, min(workers, len(pending)),
                           lambda pool, i: pool.submit(tasks[i].call, *tasks[i].args),
                           lambda i: hooks.begin(tasks[i].label), done, hooks.beat, BEAT_S)


def _run_on_dask(tasks: Sequence[_Task], workers: int, scheduler: str, hooks: _Hooks, key: str) -> list[Any]:
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise InputError(["--scheduler | Dask is not installed; install the extra: pip install -e '.[dask]'"]) from None
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = [client.submit(task.call, *task.args, key=f"{key}-{i}-{task.label}", retries=RETRIES, pure=False)
                   for i, task in enumerate(tasks)]
        index = {f.key: i for i, f in enumerate(futures)}
        results: dict[int, Any] = {}
        try:
            for future in dask_completed(futures):
                i = index[future.key]
                try:
                    results[i] = future.result()
                except Exception as exc:  # a worker lost beyond the retries: report, never drop
                    results[i] = hooks.lost(i, f"Dask worker failed: {exc}")
                hooks.done(i, results[i])
        except BaseException:
            client.cancel(futures)
            raise
        return [results[i] for i in range(len(tasks))]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------------------------
# cross-starts


@dataclass(frozen=True)
class CrossCheck:
    """What `cross_check` found for one run.

    costs: by case number, the cost (yuan) in this run of that case's plan; None where the plan
        breaks this run's rules.
    chosen: the case whose plan the run moved to (None: no plan was cheaper).
    resolved: the summary of the run with that plan, written in the folder aside (`_aside`).
    same_plan: whether it ended on the whole-number decisions of that plan (then the other runs
        need not cost its plan again: they costed the same decisions as the plan of `chosen`).
    taken: whether the plan was taken as it is, certified by the run's own bound (no search);
        false when the run was solved again from it.
    costing_s: wall seconds spent loading the run and costing the plans.
    error: why the plans could not be costed ("" when they were).
    """

    costs: dict[int, float | None]
    chosen: int | None = None
    resolved: CaseSummary | None = None
    same_plan: bool = False
    taken: bool = False
    costing_s: float = 0.0
    error: str = ""


def cheaper(cost: float, own: float | None) -> bool:
    """Whether a plan of `cost` yuan beats a run's own plan of `own` yuan (None: it has none) by
    more than CROSS_TOLERANCE of `own` (taken as at least 1 yuan)."""
    return own is None or cost < own - CROSS_TOLERANCE * max(abs(own), 1.0)


def proven_by(cost: float, bound: float | None, rel_gap: float) -> bool:
    """Whether a plan of `cost` yuan of a model lies within `rel_gap` of `bound`, a proven lower
    bound of the model's optimum (yuan; None: none): (cost - min(bound, cost)) / max(|cost|, 1e-9)
    at most `rel_gap` (to CERTIFY_TOLERANCE, siting/optimize/counts.py `certified_gap`)."""
    from siting.optimize.counts import CERTIFY_TOLERANCE, certified_gap

    return bound is not None and certified_gap(cost, bound) <= rel_gap + CERTIFY_TOLERANCE


def cross_check(case: Case, own_yuan: float | None, plans: dict[int, PlanValues], aside: Path,
                bound_yuan: float | None = None, searches: dict[str, Any] | None = None,
                names: dict[int, str] | None = None) -> CrossCheck:
    """Cost each plan of `plans` (by case number) in `case` (siting/optimize/solve.py
    `plan_cost`, on the case's model built once), and when the cheapest plan that meets its
    rules (`cheapest`: the lowest case number on a tie) beats `own_yuan` (`cheaper`), move the
    case to it, into the folder `aside`, its plan kept:
    - when its cost lies within the case's gap of `bound_yuan` (`proven_by`), a proven lower
      bound of the case's optimum from its own solve (whose searches are `searches`), by taking
      it as it is (siting/optimize/run.py `FixedStart`, named by `names`, the cases' labels by
      number), no search;
    - otherwise, or when that ends other than "optimal" (a plan above the gap after all, or a
      failure), by solving the case again from it (the plan as costed here, a complete start).
    Never raises for a failure: it is reported in `error` (and the run keeps its own plan)."""
    from models import build_model
    from siting.optimize.run import FixedStart, solver_settings
    from siting.optimize.solve import new_solver, plan_cost, plan_values
    from siting.prepare.problem import prepare

    started = time.perf_counter()
    costs: dict[int, float | None] = {}
    completed: dict[int, PlanValues] = {}  # the plans cheaper than the run's own, as costed here
    try:
        prepared = prepare(case.scenario, {}, case.variant, case.overrides)
        settings = solver_settings(prepared.loaded)
        if case.time_limit_s is not None:
            settings = dataclasses.replace(settings, time_limit_s=case.time_limit_s)
        model = build_model(prepared.inputs)
        solver = new_solver()
        for j in sorted(plans):
            report = plan_cost(model, plans[j], settings, solver)
            cost = report.objective_yuan if report is not None and report.has_solution else None
            costs[j] = cost
            if cost is not None and cheaper(cost, own_yuan):
                completed[j] = plan_values(model)
    except Exception as exc:  # the run keeps its plan; a bug here must not sink the sweep
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return CrossCheck(costs, costing_s=time.perf_counter() - started, error=detail)
    costing = time.perf_counter() - started
    chosen = cheapest({j: costs[j] for j in completed})
    if chosen is None:
        return CrossCheck(costs, costing_s=costing)
    cost = costs[chosen]
    case_aside = dataclasses.replace(case, out_dir=aside)
    if cost is not None and bound_yuan is not None and proven_by(cost, bound_yuan, settings.rel_gap):
        fixed = FixedStart(completed[chosen], bound_yuan, (names or {}).get(chosen, f"case {chosen + 1}"),
                           own_yuan, dict(searches or {}))
        taken = run_case(case_aside, fixed, keep_plan=True)
        if taken.ok and taken.status == "optimal":
            same = decisions(model, taken.plan_values) == decisions(model, completed[chosen])
            return CrossCheck(costs, chosen, taken, same, True, costing)
        shutil.rmtree(aside, ignore_errors=True)  # not proven within the gap after all: searched again instead
    resolved = run_case(case_aside, completed[chosen], keep_plan=True)
    same = resolved.ok and decisions(model, resolved.plan_values) == decisions(model, completed[chosen])
    return CrossCheck(costs, chosen, resolved, same, False, costing)


def decisions(model: Any, values: PlanValues) -> dict[tuple[str, Any], int]:
    """The whole-number decisions of the plan `values` on the whole-number variables of `model`
    (a Pyomo model), by component name and index (0 where the plan has none, as `plan_cost`
    reads it)."""
    import pyomo.environ as pyo

    return {(component.name, index): round(values.get(component.name, {}).get(index, 0.0))
            for component in model.component_objects(pyo.Var, descend_into=True)
            for index, var in component.items() if var.is_integer() or var.is_binary()}


def cheapest(costs: dict[int, float | None]) -> int | None:
    """The lowest case number among the plans that cost the least (yuan; None: no plan), costs
    within CROSS_TOLERANCE of the least counting as ties, so that the LP's noise in the last
    digits never decides; None when no plan has a cost."""
    priced = {j: cost for j, cost in costs.items() if cost is not None}
    if not priced:
        return None
    least = min(priced.values())
    return min(j for j, cost in priced.items() if not cheaper(least, cost))


def _aside(out_dir: Path) -> Path:
    """The folder beside a run's folder where its cross-start solve is written: `.<name>.cross`."""
    folder = Path(out_dir).resolve()
    return folder.with_name(f".{folder.name}.cross")


def _takes_start(case: Case) -> bool:
    """Whether the case's solve starts from a plan: not with candidate cells (see the module
    docstring), nor when the scenario cannot be read."""
    from siting.config.load import load_scenario

    try:
        return load_scenario(case.scenario, case.variant, case.overrides).scenario.candidates is None
    except InputError:
        return False


def _may_improve(summary: CaseSummary) -> bool:
    """A run with a plan, or one that found none in its limits (a plan of another run may be one)."""
    return summary.ok or summary.error.startswith(f"{NoSolution.__name__}:")


def cross_starts(cases: Sequence[Case], summaries: Sequence[CaseSummary], workers: int | None,
                 scheduler: str | None, progress: Callable[[CaseSummary], None] | None) -> list[CaseSummary]:
    """The cross-start rounds (see the module docstring) on solved `cases` whose `summaries` carry
    their plans: the summaries after them, a run that took another run's plan or was solved again
    from it marked `started_from` (with `own_objective_yuan`, the cost of the plan its own solve
    found), its folder replaced by the new one. Tasks run as `run_cases`
    runs them; each round's decisions are made here, in case order, once all of its tasks are
    done."""
    current = list(summaries)
    movable = [_takes_start(case) and _may_improve(summary) for case, summary in zip(cases, current, strict=True)]
    fresh = [i for i, summary in enumerate(current) if summary.plan_values]
    names = {j: case.label for j, case in enumerate(cases)}
    for number in range(1, len(cases) + 1):
        work: list[tuple[int, dict[int, PlanValues]]] = []  # (run, the plans new to it) to check
        for i, case in enumerate(cases):
            plans = {j: current[j].plan_values for j in fresh if j != i}
            if plans and movable[i] and not _aside(case.out_dir).exists():  # never write over what is there
                work.append((i, plans))
        if not work:
            break
        counter = progress.then(len(work), "cross-starts" if number == 1 else f"cross-starts, round {number}") \
            if isinstance(progress, Progress) else None
        tasks = [_Task(cases[i].label, cross_check,
                       (cases[i], current[i].objective_yuan, plans, _aside(cases[i].out_dir),
                        current[i].best_bound_yuan, current[i].searches, {j: names[j] for j in plans}))
                 for i, plans in work]
        checks = _run_tasks(tasks, workers, scheduler, _cross_hooks(cases, work, counter), f"siting-cross{number}")
        fresh = []
        for (i, _plans), check in zip(work, checks, strict=True):
            kept = _kept(cases[i], current[i], check)
            if kept is not None:
                own = current[i].own_objective_yuan if current[i].started_from else current[i].objective_yuan
                current[i] = dataclasses.replace(kept, started_from=cases[check.chosen].label, own_objective_yuan=own)
                if not check.same_plan:
                    fresh.append(i)
    return current


def _cross_hooks(cases: Sequence[Case], work: list[tuple[int, Any]], counter: Progress | None) -> _Hooks:
    """Hooks of a round's `cross_check` tasks: each counted on `counter` with how it ended."""

    def done(k: int, check: CrossCheck) -> None:
        if counter is None:
            return
        if check.error:
            state = f"not checked: {check.error}"
        elif check.chosen is None or check.resolved is None:
            state = "its own plan is the cheapest"
        else:
            state = (f"from {cases[check.chosen].label}: " + ("took its plan, " if check.taken else "")
                     + progress.run_outcome(check.resolved.ok, check.resolved.status, check.resolved.error))
        counter.advance(cases[work[k][0]].label, state)

    return _Hooks(lambda label: counter.begin(label) if counter else None, done,
                  lambda: counter.beat() if counter else None, lambda _k, why: CrossCheck({}, error=why))


def _kept(case: Case, own: CaseSummary, check: CrossCheck) -> CaseSummary | None:
    """The summary of the run's cross-start solve when it gave a plan no dearer than its own,
    its folder then moved into the run's; None otherwise (the folder aside removed)."""
    aside = _aside(case.out_dir)
    resolved = check.resolved
    if resolved is None:
        return None
    better = resolved.ok and resolved.objective_yuan is not None and (
        own.objective_yuan is None or resolved.objective_yuan <= own.objective_yuan)
    if not better:
        shutil.rmtree(aside, ignore_errors=True)
        return None
    folder = Path(case.out_dir).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    aside.rename(folder)
    return dataclasses.replace(resolved, out_dir=str(folder))
