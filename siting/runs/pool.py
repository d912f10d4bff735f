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
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siting.config import progress
from siting.config.errors import InputError, NoSolution, PlanInfeasible
from siting.config.progress import BEAT_S
from siting.optimize.workers import default_workers, run_handed_over

#: How often a run lost with its worker process is tried again before it is reported failed.
RETRIES = 1


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
    units: dict[str, str] = field(default_factory=dict)  # product or target group -> its unit ("t", "GWh")
    plan_values: dict[str, dict[Any, float]] = field(default_factory=dict, repr=False, compare=False)
    """The plan's variable values, only for the run the others start from (empty otherwise)."""


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
        costs=dict(plan.costs), final_year=final, capacity=capacity, group_capacity=groups, targets_short=short,
        output_value={int(r.year): float(r.output_value_yuan) for r in plan.output_value.itertuples()},
        sites_opened=tuple(plan.opened_sites), site_added=added, out_dir=str(result.out_dir),
        units=_units(result.prepared.loaded.catalog, inputs),
    )


def _units(catalog: Any, inputs: Any) -> dict[str, str]:
    """Each product's catalog unit, and each target group's (its products' units, joined by "/")."""
    units = {p: catalog.products[p].unit for p in inputs.PRODUCTS}
    for group, members in inputs.TARGET_GROUPS.items():
        units[group] = "/".join(sorted({units[p] for p in members if p in units}))
    return units


def run_case(case: Case, start: dict[str, dict[Any, float]] | None = None, keep_plan: bool = False
             ) -> CaseSummary:
    """Solve one case and write its outputs; never raises for a failed run. `start`: the plan
    values of another run to start from; with `keep_plan` the summary carries this run's own
    (`CaseSummary.plan_values`)."""
    from siting.runs.job import run_solve

    try:
        result = run_solve(case.scenario, case.out_dir, case.time_limit_s, variant=case.variant,
                           overrides=case.overrides, create_parent=False, start=start, keep_plan=keep_plan)
    except (InputError, PlanInfeasible, NoSolution) as exc:
        return CaseSummary(label=case.label, ok=False, error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug must not sink the other runs: report it in the row
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return CaseSummary(label=case.label, ok=False, error=f"unexpected error: {detail}")
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
        """Count one run done, with its label and status (or `failed`)."""
        self.counter.advance(summary.label, summary.status if summary.ok else "failed")

    __call__ = update

    def begin(self, label: str) -> None:
        """Run `label` is under way (shown with its seconds from the next beat)."""
        self.counter.begin(label)

    def beat(self) -> None:
        """Still waiting on the runs under way (the pool's wait calls it about every second)."""
        self.counter.beat()


def _begin(progress: Callable[[CaseSummary], None] | None, label: str) -> None:
    """Tell a `Progress` that run `label` is under way (a plain callback has no such notion)."""
    if isinstance(progress, Progress):
        progress.begin(label)


def _beat(progress: Callable[[CaseSummary], None] | None) -> None:
    if isinstance(progress, Progress):
        progress.beat()


def run_cases(cases: Sequence[Case], workers: int | None = None, scheduler: str | None = None,
              progress: Callable[[CaseSummary], None] | None = None, warm: bool = False) -> list[CaseSummary]:
    """Run every case; return summaries in case order.

    scheduler None: a local process pool of `workers` processes (1 = in this process).
    scheduler "local": a Dask LocalCluster on loopback with `workers` single-threaded workers.
    scheduler "tcp://host:port": an existing Dask distributed scheduler.
    With `warm`, the first case runs first and the others start from its plan (see the module
    docstring)."""
    if not warm or len(cases) < 2:
        return _run_some(cases, workers, scheduler, progress, None, False)
    head = _run_some(cases[:1], workers, scheduler, progress, None, True)[0]
    start = head.plan_values or None
    head = dataclasses.replace(head, plan_values={})
    return [head, *_run_some(cases[1:], workers, scheduler, progress, start, False)]


def _run_some(cases: Sequence[Case], workers: int | None, scheduler: str | None,
              progress: Callable[[CaseSummary], None] | None, start: dict[str, dict[Any, float]] | None,
              keep_plan: bool) -> list[CaseSummary]:
    """`run_cases` for `cases`, each started from `start`, keeping their plans with `keep_plan`."""
    if not cases:
        return []
    if scheduler is not None:
        return _run_on_dask(cases, workers or default_workers(), scheduler, progress, start, keep_plan)
    workers = workers or default_workers()
    if workers == 1 or len(cases) == 1:
        results = []
        for case in cases:
            _begin(progress, case.label)
            summary = run_case(case, start, keep_plan)
            if progress:
                progress(summary)
            results.append(summary)
        return results
    return _run_in_pool(cases, workers, progress, start, keep_plan)


def _run_in_pool(cases: Sequence[Case], workers: int, progress: Callable[[CaseSummary], None] | None,
                 start: dict[str, dict[Any, float]] | None = None, keep_plan: bool = False) -> list[CaseSummary]:
    """The cases in a pool of `workers` processes (`_pool_round`); a case whose worker died is run
    again in a new pool, up to RETRIES times, then reported as failed."""
    results: dict[int, CaseSummary] = {}
    pending = list(range(len(cases)))
    for attempt in range(RETRIES + 1):
        pending = _pool_round(cases, pending, workers, progress, start, keep_plan, results)
        if not pending:
            break
        if attempt == RETRIES:
            for i in pending:
                results[i] = CaseSummary(label=cases[i].label, ok=False,
                                         error=f"worker process died {RETRIES + 1} times running this case")
                if progress:
                    progress(results[i])
    return [results[i] for i in range(len(cases))]


def _pool_round(cases: Sequence[Case], pending: list[int], workers: int,
                progress: Callable[[CaseSummary], None] | None, start: dict[str, dict[Any, float]] | None,
                keep_plan: bool, results: dict[int, CaseSummary]) -> list[int]:
    """Run the cases numbered `pending` in one pool (`run_handed_over`: in order, no more than
    the workers at once, so that those handed over are those under way, as a `Progress` shows
    them, beating about every `BEAT_S`), their summaries into `results`; return those lost with a
    worker that died."""

    def done(i: int, summary: CaseSummary) -> None:
        results[i] = summary
        if progress:
            progress(summary)

    return run_handed_over(pending, min(workers, len(pending)),
                           lambda pool, i: pool.submit(run_case, cases[i], start, keep_plan),
                           lambda i: _begin(progress, cases[i].label), done, lambda: _beat(progress), BEAT_S)


def _run_on_dask(cases: Sequence[Case], workers: int, scheduler: str,
                 progress: Callable[[CaseSummary], None] | None, start: dict[str, dict[Any, float]] | None = None,
                 keep_plan: bool = False) -> list[CaseSummary]:
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
        futures = client.map(run_case, list(cases), key=[f"siting-run-{i}-{c.label}" for i, c in enumerate(cases)],
                             retries=RETRIES, pure=False, start=start, keep_plan=keep_plan)
        index = {f.key: i for i, f in enumerate(futures)}
        results: dict[int, CaseSummary] = {}
        try:
            for future in dask_completed(futures):
                i = index[future.key]
                try:
                    results[i] = future.result()
                except Exception as exc:  # a worker lost beyond the retries: report, never drop
                    results[i] = CaseSummary(label=cases[i].label, ok=False, error=f"Dask worker failed: {exc}")
                if progress:
                    progress(results[i])
        except BaseException:
            client.cancel(futures)
            raise
        return [results[i] for i in range(len(cases))]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
