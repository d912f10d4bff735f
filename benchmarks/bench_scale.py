"""Benchmark of scale: the shipped scenario and candidate-cell grids of growing size, each run as a
user runs it, against HiGHS alone on the very models the run solved.

    python benchmarks/bench_scale.py [--sizes 1000 5000 10000] [--time-limit S] [--rel-gap 0.01] [--set K=V]
                                     [--seeds 0 1 2] [--skip-direct] [--skip-shipped] [--json FILE]
                                     [--keep DIR]

Instances: the shipped scenario (scenarios/yunnan_2024.yaml), and for each size N the shipped
cells scenario (scenarios/yunnan_2024_cells.yaml) with `candidates.cell_size_m` set so that the grid
over the real clusters has about N cells (3,700 m gives 5,052 cells; cells scale as 1/size^2).
Nothing is sampled: the same sizes give the same instances. With `--seeds`, each instance runs once
per HiGHS random seed (`solver.random_seed`): the time to a gap of one instance varies with the
seed several times over (measured on 1,000 and 10,000 cells: 34-163 s and 20-150 s over seeds
0-3), so a target is judged on the median over the seeds, each seed's figure shown beside it.

Each instance runs `siting solve <scenario> --quiet --set solver.rel_gap=<rel-gap>` in a fresh
process (the `solve` command of siting/cli.py, called in that process), which records, without
changing what the run does:
- the phases of the manifest's `run.timings_s`, and Pyomo's hand-off (`set_instance`) timed apart;
- every HiGHS run: its role (the aggregated model, a screened model, or the full model), its own
  run time, and each better plan and bound through highspy's callbacks, in seconds from process
  start, and the bounds the run itself holds as proven, which HiGHS's own may not show (the early
  plan's LP bound, the cutoff a search proved by finding no plan below it); hence the time to the
  first plan of the full instance and to a proven gap of `--rel-gap`, whatever bound certifies it;
- each model HiGHS is about to solve, written to MPS with its options and MIP start (the time spent
  writing is taken out of every figure).
A second fresh process then solves each written model with highspy directly (unless `--skip-direct`),
with the same options, time limits and start: the layer's overhead is the ratio of the run's wall time (start to files
written) to the time highspy spent on the same solves. Peak memory is each process's own
`ru_maxrss` (os.wait4). What each figure means: benchmarks/README.md, "Scale". POSIX only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_solve import (
    REPO_ROOT,
    SHIPPED_SCENARIO,
    cell,
    describe_run,
    emit,
    last_line,
    patched,
    phase_lines,
    print_table,
    run_child,
)

CELLS_SCENARIO = Path("scenarios") / "yunnan_2024_cells.yaml"
#: The shipped cells scenario's grid: this cell size (m) gives this many cells over the clusters.
REFERENCE_CELL_M = 3700.0
REFERENCE_CELLS = 5052
DEFAULT_SIZES = (1000, 5000, 10000)
#: Interrupt callbacks (HiGHS calls them very often) are recorded at most this often, seconds.
BOUND_EVERY_S = 0.2
#: A gap within the asked one by at most this much counts as within it (as the screening does).
GAP_TOLERANCE = 1e-9
#: Roles of the models HiGHS solves (`role_of`): only the bounds of a count relaxation ("relaxation",
#: of the full or the merged model), of the merged model ("aggregate") and of the full model bound
#: the full instance; only the plans of screened models, of the full model with its module counts
#: fixed ("fixed") and of the full model are plans of it. The merged model with fixed counts
#: ("aggregate fixed") gives neither, nor do the early plan's runs ("early": copies of the count
#: relaxation, its LPs and its search with hosts fixed, siting/optimize/counts.py `_early_plan`;
#: their plans are relaxed plans and their bounds hold for fixed hosts only).
ROLES = ("early", "relaxation", "aggregate", "aggregate fixed", "fixed", "screened", "full")
BOUNDING_ROLES = ("relaxation", "aggregate", "full")
PLAN_ROLES = ("fixed", "screened", "full")
#: The worker's record of each HiGHS run, one JSON line each, in the folder of the written models.
RUNS_FILE = "runs.jsonl"
#: The worker's record of the bounds the run itself holds as proven (`_instrument`, `proven_bound`),
#: one JSON line each, [seconds from process start, role, bound in yuan], in the same folder.
BOUNDS_FILE = "bounds.jsonl"
TARGETS = {"shipped_wall_s": 5.0, "gap_1000_s": 30.0, "gap_10000_s": 120.0, "memory_10000_mib": 4096.0,
           "build_share": 0.10}


def cell_size_for(count: int) -> int:
    """Cell size (m, a multiple of 10) whose grid over the shipped clusters has about `count` cells."""
    return round(REFERENCE_CELL_M * math.sqrt(REFERENCE_CELLS / count) / 10.0) * 10


# ---------------------------------------------------------------------------------------------
# worker: one `siting solve` run, recorded


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) and abs(value) < 1e50 else None


@dataclass
class Recorder:
    """What one run records. Times are seconds from process start (`t0`, the parent's clock
    just before it started the process) less the time spent writing models (`excluded`)."""

    t0: float
    folder: Path
    excluded: float = 0.0
    excluded_cpu: float = 0.0  # processor seconds spent writing models
    handoff: float = 0.0
    # the part of the hand-off during which a HiGHS run of another thread ran (the early plan's
    # search runs in a thread of its own while the MIP is handed over: siting/optimize/counts.py)
    handoff_beside: float = 0.0
    running: dict[int, float] = field(default_factory=dict)  # thread -> perf_counter its HiGHS run began
    ran: list[tuple[int, float, float]] = field(default_factory=list)  # (thread, began, ended) of HiGHS runs
    runs: int = 0
    expect_aggregate: bool = False
    roles: dict[int, str] = field(default_factory=dict)

    def now(self) -> float:
        return time.time() - self.t0 - self.excluded

    def cpu(self) -> float:
        """Processor seconds of this process (every thread, user and system) from its start, less
        those spent writing models."""
        return time.process_time() - self.excluded_cpu

    def proven_bound(self, role: str, bound_yuan: float | None) -> None:
        """Note that the run holds `bound_yuan` (yuan) as a proven bound of the model of `role`
        (ROLES) now: one line of BOUNDS_FILE, written at once (a killed run keeps what it noted).
        Nothing for a bound of None or not finite."""
        if bound_yuan is None or _finite(bound_yuan) is None:
            return
        with (self.folder / BOUNDS_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps([self.now(), role, float(bound_yuan)]) + "\n")

    def beside(self, began: float, ended: float) -> float:
        """Seconds of [began, ended] (perf_counter) during which a HiGHS run of another thread than
        this one ran (runs of other threads do not overlap one another: one runs at a time)."""
        here = threading.get_ident()
        spans = [(b, e) for t, b, e in self.ran if t != here]
        spans += [(b, ended) for t, b in self.running.items() if t != here]
        return sum(max(0.0, min(e, ended) - max(b, began)) for b, e in spans)


def _option(highs: Any, name: str) -> float:
    """HiGHS's option `name` of `highs` as a float (inf when highspy does not give it)."""
    got = highs.getOptionValue(name)
    value = got[1] if isinstance(got, tuple) else got  # older highspy: (status, value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.inf


def _capped(bound: float | None, cutoff: float | None) -> float | None:
    """A bound HiGHS reports (objective units) no higher than the search's `cutoff` (None: none)."""
    return bound if bound is None or cutoff is None else min(bound, cutoff)


def _followed_run(rec: Recorder) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The wrap of highspy's `run`: write the model, its options and start, then run it with
    its better plans and bounds recorded (see the module docstring)."""
    import highspy

    def followed_run(original: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: Any) -> Any:
            role = role_of(rec, getattr(self, "_bench_model", None))
            unit = getattr(self, "_bench_unit", 1.0)
            index = rec.runs
            rec.runs += 1
            name = f"model_{index:02d}_{role}"
            writing, writing_cpu = time.perf_counter(), time.process_time()
            self.writeModel(str(rec.folder / f"{name}.mps"))
            self.writeOptions(str(rec.folder / f"{name}.options"))
            start = getattr(self, "_bench_start", None)
            if start is not None:
                (rec.folder / f"{name}.start.json").write_text(json.dumps(start), encoding="utf-8")
                del self._bench_start
            rec.excluded += time.perf_counter() - writing
            rec.excluded_cpu += time.process_time() - writing_cpu
            events: list[list[Any]] = []
            last = [-1e9]
            improving = int(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
            # a search with a cutoff (HiGHS's objective_bound: siting/optimize/solve.py `BoundStop`)
            # proves no bound above it, whatever HiGHS's dual bound reads once it has pruned every
            # node or was stopped there (its trivial plan's cost, or none)
            cutoff = _finite(_option(self, "objective_bound"))

            def on_event(event: Any) -> None:
                improved = int(event.callback_type) == improving
                now = rec.now()
                if not improved and now - last[0] < BOUND_EVERY_S:
                    return
                last[0] = now
                out = event.data_out
                plan = _finite(out.mip_primal_bound)
                if improved and plan is None:
                    plan = _finite(out.objective_function_value)
                bound = _capped(_finite(out.mip_dual_bound), cutoff)
                events.append([now, "plan" if improved else "bound", plan and plan * unit, bound and bound * unit])

            self.cbMipImprovingSolution.subscribe(on_event)
            self.cbMipInterrupt.subscribe(on_event)
            began, started = rec.now(), time.perf_counter()
            rec.running[threading.get_ident()] = started
            try:
                return original(self)
            finally:
                seconds = time.perf_counter() - started
                rec.ran.append((threading.get_ident(), rec.running.pop(threading.get_ident()), started + seconds))
                self.cbMipImprovingSolution.unsubscribe(on_event)
                self.cbMipInterrupt.unsubscribe(on_event)
                info = self.getInfo()
                plan = _finite(info.objective_function_value) if info.primal_solution_status else None
                bound = _capped(_finite(info.mip_dual_bound), cutoff)
                events.append([rec.now(), "end", plan and plan * unit, bound and bound * unit])
                # stdout is captured by Pyomo while HiGHS runs: the record goes to a file, at once
                record = {"model": name, "role": role, "began": began, "seconds": seconds,
                          "status": self.modelStatusToString(self.getModelStatus()), "events": events,
                          "rows": self.getNumRow(), "columns": self.getNumCol()}
                with (rec.folder / RUNS_FILE).open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record) + "\n")

        return run

    return followed_run


def role_of(rec: Recorder, model: Any) -> str:
    """The role (ROLES) of the model HiGHS is about to solve, from the model as it stands then:
    a count relaxation has continuous site counts; fixed counts are fixed module counts; the merged
    and screened models are those the screening built (`Recorder.roles`). A highspy object no
    Pyomo model was handed to (`model` None) is one the tool made of a model's copy: the early
    plan's ("early")."""
    if model is None:
        return "early"
    built = rec.roles.get(id(model), "full")
    fixed = False
    if hasattr(model, "module_count"):
        if any(not var.is_integer() for var in model.build.values()):
            return "relaxation"
        fixed = any(var.fixed for var in model.module_count.values())
    if built == "aggregate":
        return "aggregate fixed" if fixed else "aggregate"
    if built == "screened":
        return "screened"
    return "fixed" if fixed else "full"


def _proven_wraps(rec: Recorder) -> list[tuple[Any, str, Callable[[Callable[..., Any]], Callable[..., Any]]]]:
    """The patches of `_instrument` that note the bounds the run holds as proven
    (`Recorder.proven_bound`) where the count relaxation's solve (siting/optimize/counts.py) holds
    them, whichever search or LP proved them: before and after each search of the relaxation
    (`Bounding.search`: the bound proven before it, e.g. the early plan's LP bound, and its
    report's, with the cutoff it proved by finding no plan below it), and before its counts are
    fixed in the MIP (`_fixed_search`: the bound it is given, proven before the plan it makes).
    Only bounds of models whose role bounds the full instance (BOUNDING_ROLES) are noted; what the
    run computes is unchanged."""
    import siting.optimize.counts as counts

    def proven_search(original: Callable[..., Any]) -> Callable[..., Any]:
        def search(self: Any, *args: Any, **kwds: Any) -> Any:
            # the bound proven before the search (`lower`: e.g. the early plan's LP bound) and the
            # one its report gives (with the cutoff it proved when it found no plan below it)
            role = role_of(rec, self.model)
            lower = kwds["lower"] if "lower" in kwds else args[2] if len(args) > 2 else None
            if role in BOUNDING_ROLES:
                rec.proven_bound(role, lower)
            report = original(self, *args, **kwds)
            if role in BOUNDING_ROLES:
                rec.proven_bound(role, report.best_bound_yuan)
            return report

        return search

    def proven_before_fixed(original: Callable[..., Any]) -> Callable[..., Any]:
        def fixed_search(model: Any, counts_: Any, settings: Any, solver: Any, lower: float | None,
                         *args: Any, **kwds: Any) -> Any:
            # the count relaxation's bound proven before its counts are fixed in the MIP (the early
            # plan's LP bound before its plan): a bound of the MIP, and of the instance it bounds
            role = role_of(rec, model)
            if role in BOUNDING_ROLES:
                rec.proven_bound(role, lower)
            return original(model, counts_, settings, solver, lower, *args, **kwds)

        return fixed_search

    return [(counts.Bounding, "search", proven_search), (counts, "_fixed_search", proven_before_fixed)]


def _instrument(rec: Recorder) -> list[tuple[Any, str, Callable[[Callable[..., Any]], Callable[..., Any]]]]:
    """Patch, for this process, Pyomo's HiGHS interface, highspy and the screening module so that
    each hand-off is timed and each HiGHS run is written out and followed (see the module
    docstring); what the run computes is unchanged."""
    import highspy
    from pyomo.contrib.solver.solvers.highs import Highs

    import siting.optimize.screening as screening

    def timed_set_instance(original: Callable[..., Any]) -> Callable[..., Any]:
        def set_instance(self: Any, model: Any) -> Any:
            started = time.perf_counter()
            result = original(self, model)
            ended = time.perf_counter()
            rec.handoff += ended - started
            rec.handoff_beside += rec.beside(started, ended)
            highs = self._solver_model
            highs._bench_model = model
            highs._bench_unit = float(getattr(model, "objective_unit_yuan", 1.0))
            return result

        return set_instance

    def marked_aggregate(original: Callable[..., Any]) -> Callable[..., Any]:
        def aggregate(*args: Any, **kwds: Any) -> Any:
            rec.expect_aggregate = True
            return original(*args, **kwds)

        return aggregate

    def role_of_build(original: Callable[..., Any]) -> Callable[..., Any]:
        def build_model(inputs: Any) -> Any:
            model = original(inputs)
            rec.roles[id(model)] = "aggregate" if rec.expect_aggregate else "screened"
            rec.expect_aggregate = False
            return model

        return build_model

    def kept_start(original: Callable[..., Any]) -> Callable[..., Any]:
        def set_solution(self: Any, *args: Any) -> Any:
            if len(args) == 1:
                values = list(args[0].col_value)
                self._bench_start = (list(range(len(values))), values)
            elif len(args) == 3:
                self._bench_start = ([int(c) for c in args[1]], [float(v) for v in args[2]])
            return original(self, *args)

        return set_solution

    return [
        *_proven_wraps(rec),
        (Highs, "set_instance", timed_set_instance),
        (screening, "aggregate", marked_aggregate),
        (screening, "build_model", role_of_build),
        (highspy.Highs, "setSolution", kept_start),
        (highspy.Highs, "run", _followed_run(rec)),
    ]


@contextmanager
def module_patched(module: Any, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    """Replace function `name` of `module` by `wrap(original)` for the duration of the block."""
    original = getattr(module, name)
    setattr(module, name, wrap(original))
    try:
        yield
    finally:
        setattr(module, name, original)


def run_worker(t0: float, folder: Path, cli_args: Sequence[str]) -> int:
    """Run `siting <cli_args>` in this process, recorded (see `_instrument`); print the figures."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from siting.cli import main as cli_main

    folder.mkdir(parents=True, exist_ok=True)
    rec = Recorder(t0, folder)
    with ExitStack() as stack:
        for owner, name, wrap in _instrument(rec):
            stack.enter_context(patched(owner, name, wrap) if isinstance(owner, type)
                                else module_patched(owner, name, wrap))
        code = cli_main(list(cli_args))
    emit({"phase": "written", "t": rec.now(), "cpu": rec.cpu(), "exit": code, "excluded": rec.excluded,
          "handoff": rec.handoff, "handoff_beside": rec.handoff_beside})
    return 0


def run_resolver(folder: Path) -> int:
    """Solve each model written by a worker run, in order, with highspy alone: same options (time
    limit, gap, threads, seed), same start, no output; print the figures of each."""
    import highspy

    for mps in sorted(folder.glob("model_*.mps")):  # model_<two digits>_<role>: in the order of the run
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        started = time.perf_counter()
        highs.readOptions(str(mps.with_suffix(".options")))
        highs.setOptionValue("output_flag", False)
        highs.readModel(str(mps))
        start_path = mps.with_suffix(".start.json")
        if start_path.exists():
            columns, values = json.loads(start_path.read_text(encoding="utf-8"))
            if len(columns) == highs.getNumCol():
                solution = highspy.HighsSolution()
                solution.col_value = values
                solution.value_valid = True
                highs.setSolution(solution)
            else:
                import numpy as np

                highs.setSolution(len(columns), np.array(columns, dtype=np.int32), np.array(values, dtype=np.float64))
        read = time.perf_counter() - started
        started = time.perf_counter()
        highs.run()
        seconds = time.perf_counter() - started
        info = highs.getInfo()
        emit({"phase": "direct", "model": mps.stem, "read": read, "seconds": seconds,
              "status": highs.modelStatusToString(highs.getModelStatus()),
              "objective": _finite(info.objective_function_value) if info.primal_solution_status else None,
              "bound": _finite(info.mip_dual_bound)})
        del highs
    return 0


# ---------------------------------------------------------------------------------------------
# the parent: instances, figures, table


@dataclass
class Row:
    """One instance; None prints as '-'."""

    instance: str
    size: int | None = None  # the asked number of cells (None: the shipped scenario)
    seed: int | None = None  # HiGHS's random seed (None: the scenario's)
    cell_size_m: int | None = None
    cells: int | None = None
    sites_in_mip: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    wall_s: float | None = None  # process start to files written
    cpu_s: float | None = None  # the process's processor seconds over the same span
    first_plan_s: float | None = None
    to_gap_s: float | None = None
    gap: float | None = None
    status: str = ""
    maxrss_mib: float | None = None
    highs_runs: list[dict[str, Any]] = field(default_factory=list)
    # the bounds the run held as proven: [seconds from process start, role, yuan] (BOUNDS_FILE)
    proven_bounds: list[list[Any]] = field(default_factory=list)
    direct_runs: list[dict[str, Any]] = field(default_factory=list)
    direct_maxrss_mib: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def highs_s(self) -> float:
        return sum(r["seconds"] for r in self.highs_runs)

    @property
    def direct_s(self) -> float | None:
        if not self.direct_runs or len(self.direct_runs) != len(self.highs_runs):
            return None
        return sum(r["seconds"] for r in self.direct_runs)

    @property
    def build_share(self) -> float | None:
        """(build + hand-off) / wall, the hand-off less its part beside a HiGHS run of another
        thread (`Recorder.handoff_beside`), which adds nothing to the wall time."""
        build, handoff = self.seconds.get("build"), self.seconds.get("handoff")
        if build is None or handoff is None or not self.wall_s:
            return None
        return (build + handoff - self.seconds.get("beside", 0.0)) / self.wall_s

    @property
    def build_share_all(self) -> float | None:
        """(build + hand-off) / wall, the whole hand-off counted."""
        build, handoff = self.seconds.get("build"), self.seconds.get("handoff")
        if build is None or handoff is None or not self.wall_s:
            return None
        return (build + handoff) / self.wall_s


def timeline(runs: Sequence[dict[str, Any]], rel_gap: float, proven: Sequence[Sequence[Any]] = ()
             ) -> tuple[float | None, float | None]:
    """(time to the first plan of the full instance, time to a proven gap of `rel_gap` of it), in
    seconds from process start, from the recorded HiGHS runs: plans of screened or full models are
    plans of the full instance (upper bounds), bounds of the aggregated or full model bound it from
    below; the gap at a moment is that of the best of each so far. `proven`: the bounds the run
    itself held as proven ([seconds, role, yuan], `Recorder.proven_bound`), which no HiGHS run's
    own bound may show: the early plan's LP bound, the cutoff a search proved by finding no plan
    below it."""
    events = sorted([(e[0], run["role"], e[1], e[2], e[3]) for run in runs for e in run["events"]]
                    + [(t, role, "proven", None, bound) for t, role, bound in proven])
    upper = lower = first = reached = None
    for t, role, _kind, plan, bound in events:
        if role in PLAN_ROLES and plan is not None:
            upper = plan if upper is None else min(upper, plan)
            first = t if first is None else first
        if role in BOUNDING_ROLES and bound is not None:
            lower = bound if lower is None else max(lower, bound)
        if upper is not None and lower is not None and reached is None:
            gap = abs(upper - min(lower, upper)) / max(abs(upper), 1e-9)
            if gap <= rel_gap + GAP_TOLERANCE:
                reached = t
    return first, reached


def run_instance(row: Row, scenario: Path, sets: Sequence[str], args: argparse.Namespace, workdir: Path) -> Row:
    """The recorded run of one instance, then HiGHS alone on its models; fills `row`."""
    tag = row.instance.replace(" ", "_").replace(",", "")
    folder, out = workdir / f"{tag}_models", workdir / f"{tag}_out"
    for path in (folder, out):
        if path.exists():
            raise SystemExit(f"{path}: exists already (from an earlier run?); give --keep a new or empty folder")
    cli = ["solve", str(scenario), "--out", str(out), "--quiet", "--set", f"solver.rel_gap={args.rel_gap:g}"]
    if row.seed is not None:
        cli += ["--set", f"solver.random_seed={row.seed}"]
    for text in (*sets, *args.set):
        cli += ["--set", text]
    if args.time_limit is not None:
        cli += ["--time-limit", f"{args.time_limit:g}"]
    t0 = time.time()
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(folder), "--t0", repr(t0), "--", *cli]
    child = run_child(command, workdir / tag, args.instance_timeout)
    row.maxrss_mib = child.maxrss_mib
    phases = phase_lines(child.stdout)
    runs_path = folder / RUNS_FILE
    row.highs_runs = ([json.loads(line) for line in runs_path.read_text(encoding="utf-8").splitlines() if line]
                      if runs_path.exists() else [])
    bounds_path = folder / BOUNDS_FILE
    row.proven_bounds = ([json.loads(line) for line in bounds_path.read_text(encoding="utf-8").splitlines() if line]
                         if bounds_path.exists() else [])
    written = next((p for p in phases if p["phase"] == "written"), None)
    if written is None or written["exit"] != 0 or child.returncode != 0:
        state = "killed" if child.returncode is None else f"exit {child.returncode}"
        row.status = state if written is None else f"exit {written['exit']}"
        row.notes.append(f"run {row.status} after {child.wall_s:.0f} s; {len(row.highs_runs)} HiGHS runs recorded"
                         + (f"; stderr: {last_line(child.stderr)}" if child.stderr.strip() else ""))
    if written is not None:
        row.wall_s = written["t"]
        row.cpu_s = written.get("cpu")
        row.seconds["handoff"] = written["handoff"]
        row.seconds["beside"] = written.get("handoff_beside", 0.0)
    manifest_path = out / "manifest.json"
    if written is not None and written["exit"] == 0 and manifest_path.exists():
        absorb_manifest(row, json.loads(manifest_path.read_text(encoding="utf-8")), written)
    row.seconds["highs"] = row.highs_s
    row.first_plan_s, row.to_gap_s = timeline(row.highs_runs, args.rel_gap, row.proven_bounds)
    if row.highs_runs and not args.skip_direct:
        direct = run_child([sys.executable, str(Path(__file__).resolve()), "--resolve", str(folder)],
                           workdir / f"{tag}_direct", args.instance_timeout)
        row.direct_runs = [p for p in phase_lines(direct.stdout) if p["phase"] == "direct"]
        row.direct_maxrss_mib = direct.maxrss_mib
        if direct.returncode != 0:
            row.notes.append(f"direct highspy run {'killed' if direct.returncode is None else 'failed'}: "
                             f"{last_line(direct.stderr)}")
    return row


def absorb_manifest(row: Row, manifest: dict[str, Any], written: dict[str, Any]) -> None:
    timings = manifest["run"]["timings_s"]
    for key in ("load", "candidates", "preprocess", "build", "export"):
        if key in timings:
            row.seconds[key] = timings[key]
    if "solve" in timings:
        # the manifest's bound (the count relaxation) and solve hold the hand-off and the writing
        # of the models for HiGHS alone
        solving = timings["solve"] + timings.get("bound", 0.0)
        # (less the hand-off's own time: its part beside a HiGHS run of another thread is solving time)
        row.seconds["solve"] = max(0.0, solving - written["excluded"] - written["handoff"]
                                   + written.get("handoff_beside", 0.0))
    size = manifest.get("model_size", {})
    row.cells = size.get("candidate_cells", row.cells)
    row.sites_in_mip = size.get("screened_sites")
    solver = manifest["solver"]
    row.gap = solver.get("gap")
    row.status = "proven" if solver.get("proven_within_gap") else str(solver.get("termination"))


#: What the untimed run before the timed ones loads, as the worker loads it, and runs.
WARM_IMPORTS = "import sys; sys.path.insert(0, 'benchmarks'); import bench_solve, bench_scale"
WARM_RUN = ("solve", str(SHIPPED_SCENARIO), "--quiet", "--set", "solver.rel_gap=0.5")


@contextmanager
def compiled_modules(workdir: Path) -> Iterator[None]:
    """Run every timed process on compiled modules, as an installed tool runs (pip compiles them
    as it installs; a checkout's first run writes them): each process reads them from a cache of
    this benchmark's own (PYTHONPYCACHEPREFIX, in `workdir`), which an untimed run of the shipped
    scenario fills first, whatever the environment says (PYTHONDONTWRITEBYTECODE) and however
    old the checkout's own are. Without it, a process whose modules are not compiled (or are
    older than their sources) compiles them again each run: about 0.35 s of processor time
    before the solve, measured on the shipped scenario, counted in every wall time."""
    saved = {name: os.environ.get(name) for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(workdir / "bytecode")
    try:
        print("compiling modules: one untimed run of the shipped scenario ...", file=sys.stderr, flush=True)
        for command in ([sys.executable, "-c", WARM_IMPORTS],
                        [sys.executable, "cli.py", *WARM_RUN, "--out", str(workdir / "untimed_out")]):
            done = subprocess.run(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"the untimed run failed (exit {done.returncode}): {last_line(done.stderr)}")
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_benchmark(args: argparse.Namespace, workdir: Path) -> list[Row]:
    seeds: list[int | None] = list(args.seeds) if args.seeds else [None]

    def named(name: str, seed: int | None) -> str:
        return name if seed is None else f"{name} s{seed}"

    with compiled_modules(workdir):
        return _run_benchmark(args, workdir, seeds, named)


def _run_benchmark(args: argparse.Namespace, workdir: Path, seeds: Sequence[int | None],
                   named: Callable[[str, int | None], str]) -> list[Row]:
    rows: list[Row] = []
    for seed in seeds if not args.skip_shipped else ():
        print(f"running the shipped scenario{'' if seed is None else f' (seed {seed})'} ...", file=sys.stderr,
              flush=True)
        rows.append(run_instance(Row(named("shipped yunnan_2024", seed), seed=seed), SHIPPED_SCENARIO, (), args,
                                 workdir))
    for size in args.sizes:
        metres = cell_size_for(size)
        for seed in seeds:
            print(f"running about {size:,} cells ({metres} m){'' if seed is None else f', seed {seed}'} ...",
                  file=sys.stderr, flush=True)
            row = Row(named(f"cells {size:,}", seed), size=size, cell_size_m=metres, seed=seed)
            rows.append(run_instance(row, CELLS_SCENARIO, (f"candidates.cell_size_m={metres}",), args, workdir))
    return rows


# ---------------------------------------------------------------------------------------------
# printing


def seconds_text(value: float | None) -> str:
    return cell(value) if value is not None else "-"


def print_report(rows: Sequence[Row], rel_gap: float) -> None:
    keys = ["load", "candidates", "preprocess", "build", "handoff", "solve", "highs", "export"]
    header = ["instance", "cell m", "cells", "screened", "load", "cand", "preproc", "build", "hand-off", "solve",
              "(HiGHS)", "export", "wall", "cpu", "1st plan", f"{rel_gap:.1%} gap", "gap", "status", "peak MiB",
              "b+h share"]
    table = []
    for r in rows:
        share = r.build_share
        table.append([r.instance, cell(r.cell_size_m), cell(r.cells), cell(r.sites_in_mip),
                      *(seconds_text(r.seconds.get(k)) for k in keys), seconds_text(r.wall_s),
                      seconds_text(r.cpu_s),
                      seconds_text(r.first_plan_s), seconds_text(r.to_gap_s),
                      f"{r.gap:.2%}" if r.gap is not None else "-", r.status or "-", cell(r.maxrss_mib, 0),
                      f"{share:.1%}" if share is not None else "-"])
    print_table("Seconds per phase, from process start (what each column measures: benchmarks/README.md, Scale)",
                header, table)
    overhead = []
    for r in rows:
        direct = r.direct_s
        roles = ", ".join(f"{sum(1 for x in r.highs_runs if x['role'] == role)} {role}"
                          for role in ROLES
                          if any(x["role"] == role for x in r.highs_runs))
        overhead.append([r.instance, roles or "-", seconds_text(r.highs_s if r.highs_runs else None),
                         seconds_text(direct), seconds_text(r.wall_s),
                         f"{r.wall_s / direct:.2f}" if direct and r.wall_s else "-",
                         f"{r.highs_s / direct:.2f}" if direct else "-", cell(r.direct_maxrss_mib, 0)])
    print_table("The same models solved by highspy alone (same options, time limits and starts)",
                ["instance", "HiGHS runs", "HiGHS in run", "highspy alone", "wall", "wall / alone",
                 "in run / alone", "alone peak MiB"], overhead)
    detail = []
    for r in rows:
        for run, direct in zip(r.highs_runs, r.direct_runs + [None] * len(r.highs_runs), strict=False):
            detail.append([r.instance, run["model"], cell(run["rows"]), cell(run["columns"]), run["status"],
                           seconds_text(run["seconds"]), direct["status"] if direct else "-",
                           seconds_text(direct["seconds"]) if direct else "-"])
    if detail:
        print_table("Each HiGHS run", ["instance", "model", "rows", "columns", "status in run", "s in run",
                                       "status alone", "s alone"], detail)
    for r in rows:
        for note in r.notes:
            print(f"note: {r.instance}: {note}")


def seed_figure(values: Sequence[float | None], unit: str) -> tuple[str, float | None]:
    """The figure of a target over the runs of its instance (one per seed) and the value judged:
    one run, its value; several, their median (a run that did not reach the figure counts as
    infinite) and each run's value in seed order, e.g. ("median 78.25 s (150.0, 78.3, 41.1)", 78.25).
    The value judged is None when the median is not reached."""
    reached = [math.inf if v is None else v for v in values]
    ordered = sorted(reached)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    judged = median if math.isfinite(median) else None
    if len(values) == 1:
        return (f"{values[0]:,.2f} {unit}" if values[0] is not None else "-"), judged
    each = ", ".join("-" if v is None else f"{v:,.1f}" for v in values)
    return (f"median {median:,.2f} {unit} ({each})" if judged is not None else f"median not reached ({each})"), judged


def print_targets(rows: Sequence[Row], rel_gap: float) -> None:
    """One line per target of the scale issue: the figure, the target, met or missed; with several
    seeds, judged on the median over them (`seed_figure`)."""
    def verdict(group: Sequence[Row], value: Callable[[Row], float | None], limit: float, unit: str,
                what: str) -> list[str]:
        if not group:
            return [what, "-", "", "not run"]
        figure, judged = seed_figure([value(r) for r in group], unit)
        if judged is None:
            return [what, figure, f"<= {limit:g} {unit}", "missed (not reached)"]
        return [what, figure, f"<= {limit:g} {unit}", "met" if judged <= limit else "missed"]

    lines = []
    shipped = [r for r in rows if r.size is None]
    if shipped:
        lines.append(verdict(shipped, lambda r: r.wall_s, TARGETS["shipped_wall_s"], "s",
                             f"shipped: process start to files written (asked {rel_gap:.2%} gap)"))
    exact = math.isclose(rel_gap, 0.01)
    gap_words = "1 % gap" if exact else f"{rel_gap:.2%} gap (the targets are at 1 %)"
    for size, key in ((1000, "gap_1000_s"), (10000, "gap_10000_s")):
        lines.append(verdict([r for r in rows if r.size == size], lambda r: r.to_gap_s, TARGETS[key], "s",
                             f"{size:,} cells: time to a {gap_words}"))
    lines.append(verdict([r for r in rows if r.size == 10000], lambda r: r.maxrss_mib, TARGETS["memory_10000_mib"],
                         "MiB", "10,000 cells: peak memory"))
    for r in rows:
        share, whole = r.build_share, r.build_share_all
        what = f"{r.instance}: build + hand-off share of the wall time"
        if share is None or whole is None:
            lines.append([what, "-", "< 10 %", "missed (not measured)"])
        else:
            beside = r.seconds.get("beside", 0.0)
            said = f"{share:.1%}" + (f" ({whole:.1%} with {beside:.2f} s beside HiGHS)" if beside >= 0.005 else "")
            lines.append([what, said, "< 10 %", "met" if share < TARGETS["build_share"] else "missed"])
    lines.append(["warm re-solves at least twice as fast as cold", "-", ">= 2x",
                  "not measured here: benchmarks/bench_warm.py"])
    print_table("Targets of the scale issue", ["target", "measured", "target", "verdict"], lines)


# ---------------------------------------------------------------------------------------------
# main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES),
                        help="about how many candidate cells per grid (default: 1000 5000 10000)")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="solver time limit per solve, seconds (default: the scenario's)")
    parser.add_argument("--rel-gap", type=float, default=0.01,
                        help="the gap asked of every run (solver.rel_gap) and timed as 'time to the gap' "
                        "(default: 0.01)")
    parser.add_argument("--skip-shipped", action="store_true", help="do not run the shipped scenario")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting given to every run as the command line's --set (e.g. solver.threads=2); "
                             "repeatable")
    parser.add_argument("--seeds", type=int, nargs="*", default=None,
                        help="run each instance once per HiGHS random seed (solver.random_seed) and judge the "
                        "targets on the median (default: the scenario's seed, one run)")
    parser.add_argument("--skip-direct", action="store_true",
                        help="do not solve the written models again with highspy alone (halves the time; no "
                        "overhead ratio)")
    parser.add_argument("--instance-timeout", type=float, default=3600.0,
                        help="kill a process after this many seconds (default: 3600)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write logs, written models and outputs into this folder and keep them")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON to this file")
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--resolve", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("cli", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if any(size <= 0 for size in args.sizes):
        parser.error("--sizes: every size must be a positive number of cells")
    if args.worker is None and args.resolve is None and args.skip_shipped and not args.sizes:
        parser.error("nothing to run: --skip-shipped and no --sizes")
    if not 0.0 < args.rel_gap < 1.0:
        parser.error(f"--rel-gap: must lie strictly between 0 and 1 (got {args.rel_gap:g})")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker is not None:
        return run_worker(args.t0 if args.t0 is not None else time.time(), args.worker, args.cli)
    if args.resolve is not None:
        return run_resolver(args.resolve)
    started = describe_run()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = run_benchmark(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="siting-scale-") as tmp:
            rows = run_benchmark(args, Path(tmp))
    print(f"started {started}; finished {describe_run()}")
    print(f"every run asked for a {args.rel_gap:.2%} gap; time limit per solve: "
          + (f"{args.time_limit:g} s" if args.time_limit is not None else "the scenario's")
          + (f"; settings given to every run: {', '.join(args.set)}" if args.set else ""))
    print()
    print_report(rows, args.rel_gap)
    print_targets(rows, args.rel_gap)
    if args.json is not None:
        args.json.write_text(json.dumps([{**asdict(r), "highs_s": r.highs_s, "direct_s": r.direct_s,
                                          "build_share": r.build_share} for r in rows], indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    with suppress(BrokenPipeError):
        sys.exit(main())
