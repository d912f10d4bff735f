"""Benchmark of the solve job: the shipped scenario end to end, then synthetic instances by size.

    python benchmarks/bench_solve.py [--sizes 100 1000 5000] [--time-limit 60] [--skip-shipped]

1. The shipped scenario as a user runs it: `python cli.py solve scenarios/yunnan_2024.yaml --out DIR`
   in a subprocess; wall time from process start to exit (outputs written), the phase timings of
   its manifest.json (`run.timings_s`), and the peak RSS of that process.
2. Synthetic instances of N point sites drawn uniformly inside the shipped cluster polygons
   (fixed seed), with the shipped catalog, rules, red-line proxy and sources. Each instance runs
   in a fresh subprocess that times the phases one by one through the project's API:
   `prepare`, `build_model`, `solve_model` (split into Pyomo's hand-off to HiGHS and HiGHS's own
   run time), and extraction plus export of the outputs.
3. The ratio (model build + hand-off) / HiGHS solve time.

What each column measures is explained in benchmarks/README.md. POSIX only (os.wait4).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_SCENARIO = Path("scenarios") / "yunnan_2024.yaml"
WORKING_CRS = "EPSG:32648"
OUTPUT_CRS = "EPSG:4326"
DEFAULT_SEED = 2024
AREA_RANGE_HA = (30.0, 300.0)
#: Candidate points drawn per rejection-sampling round. Fixed, so that for one seed the instances
#: are nested: the first 100 sites of the 1,000-site instance are the 100-site instance.
SAMPLE_BATCH = 4096
MIB = 1024.0 * 1024.0
PHASE_TAG = "BENCH_PHASE "
#: Presolve time in the "Solving report" HiGHS logs at the end of a MIP solve: the total, then (when
#: sub-MIPs ran) the part spent on the model itself, "MIP time [calls] = <s> [1]".
PRESOLVE_TIME = re.compile(r"^\s*Timing\s+[\d.]+\s*\n\s*([\d.]+) \(Presolve\)\s*\n(?:\s*MIP\s+time[^=]*=\s*([\d.]+))?",
                           re.MULTILINE)


# ---------------------------------------------------------------------------------------------
# synthetic instances


def read_yaml(path: Path) -> dict[str, Any]:
    from siting.config.load import parse_yaml_text

    data, _ = parse_yaml_text(path.read_text(encoding="utf-8"), path)  # YAML 1.2, as siting reads it
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a YAML mapping")
    return data


def resolve(scenario_path: Path, relative: str) -> Path:
    path = Path(relative)
    return path if path.is_absolute() else (scenario_path.parent / path).resolve()


def sample_sites(clusters_path: Path, count: int, seed: int) -> gpd.GeoDataFrame:
    """`count` point sites uniformly inside the union of the cluster polygons (rejection sampling in
    the working CRS), each with a usable area drawn uniformly from AREA_RANGE_HA; in WGS84."""
    clusters = gpd.read_file(clusters_path, engine="pyogrio").to_crs(WORKING_CRS)
    region = shapely.union_all(clusters.geometry.to_numpy())
    shapely.prepare(region)
    xmin, ymin, xmax, ymax = region.bounds
    rng = np.random.default_rng(seed)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    areas: list[np.ndarray] = []
    accepted = 0
    while accepted < count:
        x = rng.uniform(xmin, xmax, SAMPLE_BATCH)
        y = rng.uniform(ymin, ymax, SAMPLE_BATCH)
        area = rng.uniform(*AREA_RANGE_HA, SAMPLE_BATCH)
        inside = shapely.contains_xy(region, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        areas.append(area[inside])
        accepted += int(inside.sum())
    x_all, y_all = np.concatenate(xs)[:count], np.concatenate(ys)[:count]
    ids = [f"syn{i:06d}" for i in range(count)]
    sites = gpd.GeoDataFrame(
        {
            "site_id": ids,
            "name": [f"synthetic site {i}" for i in range(count)],
            "usable_area_ha": np.round(np.concatenate(areas)[:count], 1),
        },
        geometry=shapely.points(x_all, y_all),
        crs=WORKING_CRS,
    )
    return sites.to_crs(OUTPUT_CRS)


def write_instance(shipped_path: Path, folder: Path, count: int, seed: int, time_limit_s: float) -> Path:
    """Write sites, the shipped catalog and layers, and a scenario derived from the shipped one into
    `folder`; return the scenario path. Everything but the sites layer, the name, the solver time
    limit and the output folder is as shipped."""
    shipped = read_yaml(shipped_path)
    scenario = copy.deepcopy(shipped)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resolve(shipped_path, shipped["catalog"]), folder / "catalog.yaml")
    scenario["catalog"] = "catalog.yaml"
    # Synthetic sites carry no real projects: the committed projects name the shipped parks.
    scenario["committed_projects"] = None
    for role, ref in scenario["layers"].items():
        if role == "sites":
            continue
        shutil.copyfile(resolve(shipped_path, ref["path"]), folder / f"{role}.geojson")
        ref["path"] = f"{role}.geojson"
    clusters_path = resolve(shipped_path, shipped["layers"]["clusters"]["path"])
    sample_sites(clusters_path, count, seed).to_file(folder / "sites.geojson", driver="GeoJSON", engine="pyogrio")
    scenario["layers"]["sites"] = {"path": "sites.geojson", "id_field": "site_id", "name_field": "name",
                                   "usable_area_field": "usable_area_ha"}
    scenario["name"] = f"synthetic_{count}"
    scenario["description"] = (f"{count} synthetic point sites (seed {seed}, usable area {AREA_RANGE_HA[0]:g}-"
                               f"{AREA_RANGE_HA[1]:g} ha) with the rules of {shipped['name']}")
    scenario.setdefault("solver", {})["time_limit_s"] = time_limit_s
    scenario["output"] = {"folder": "out"}
    path = folder / "scenario.yaml"
    from siting.config.load import dump_yaml

    path.write_text(dump_yaml(scenario, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# worker: one instance, phase by phase, in its own process


def emit(payload: dict[str, Any]) -> None:
    """One finished phase as a tagged JSON line, printed at once: a run killed at the time-out still
    tells how far it got."""
    print(PHASE_TAG + json.dumps(payload), flush=True)


@contextmanager
def patched(cls: type, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    """Replace method `name` of `cls` by `wrap(original)` for the duration of the block."""
    had_own = name in cls.__dict__
    original = getattr(cls, name)
    setattr(cls, name, wrap(original))
    try:
        yield
    finally:
        if had_own:
            setattr(cls, name, original)
        else:
            delattr(cls, name)


@contextmanager
def instrumented_highs(log_path: Path) -> Iterator[list[Any]]:
    """Instrument Pyomo's HiGHS interface for the solves in this block, without changing them:
    time `set_instance` (Pyomo's hand-off of the model to HiGHS) and report it as soon as it ends,
    stream the HiGHS log to `log_path` while it runs, and keep each Results object (solve_model does
    not return it) for its timer and `timing_info.highs_time`, HiGHS's own run clock."""
    from pyomo.contrib.solver.solvers.highs import Highs

    captured: list[Any] = []

    def timed_set_instance(original: Callable[..., Any]) -> Callable[..., Any]:
        def set_instance(self: Any, model: Any) -> Any:
            started = time.perf_counter()
            result = original(self, model)
            emit({"phase": "handoff", "seconds": {"handoff": time.perf_counter() - started}})
            return result

        return set_instance

    with log_path.open("w", encoding="utf-8", buffering=1) as log:

        def logged_solve(original: Callable[..., Any]) -> Callable[..., Any]:
            def solve(self: Any, model: Any, **kwds: Any) -> Any:
                results = original(self, model, **{**kwds, "tee": [log]})
                captured.append(results)
                return results

            return solve

        with patched(Highs, "set_instance", timed_set_instance), patched(Highs, "solve", logged_solve):
            yield captured


def highs_seconds(results: Any) -> dict[str, float]:
    """HiGHS's own run time and Pyomo's reading back of the result, from one Results object."""
    timing = results.timing_info
    timer = getattr(timing, "timer", None)
    figures: dict[str, float] = {}
    if getattr(timing, "highs_time", None) is not None:
        figures["highs"] = float(timing.highs_time)
    if timer is not None:
        for key, name in (("highs_wall", "optimize"), ("postsolve", "load solution")):
            with suppress(KeyError, ValueError, RuntimeError):
                figures[key] = float(timer.get_total_time(name))
    return figures


def run_worker(scenario_path: Path, memory: bool) -> None:
    """Run one instance phase by phase, printing each phase's figures as it ends.

    Timing mode (default): every phase of the solve job, untraced. Memory mode: the same phases up
    to and including the hand-off to HiGHS, under tracemalloc (which slows Pyomo's build and
    hand-off by a factor of 2 to 4, hence the separate process), without running HiGHS."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from models import build_model
    from siting.optimize.explain import presolve_findings
    from siting.optimize.run import model_size, solver_settings
    from siting.prepare.problem import prepare

    if memory:
        tracemalloc.start()
    timings: dict[str, float] = {}
    with phase("prepare", memory) as out:
        prepared = prepare(scenario_path, timings)
    out.update(seconds={"load": timings["load"], "preprocess": timings["preprocess"]},
               sites=len(prepared.inputs.SITES), dropped=len(prepared.spatial.dropped_sites))
    emit(out)
    with phase("build", memory) as out:
        unreachable = presolve_findings(prepared.inputs)
        model = build_model(prepared.inputs)
    timings["build"] = out["seconds"]["build"]
    size = model_size(model)
    emit({**out, **size, "unreachable_targets": unreachable})
    if memory:
        from siting.optimize.solve import new_solver

        with phase("handoff", memory) as out:
            new_solver().set_instance(model)
        emit(out)
    else:
        solve_and_export(prepared, model, size, timings, solver_settings(prepared.loaded), scenario_path.parent)
    emit({"phase": "done"})


@contextmanager
def phase(name: str, memory: bool) -> Iterator[dict[str, Any]]:
    """Time the block; with `memory`, also its tracemalloc peak. Fills the yielded dict on exit."""
    out: dict[str, Any] = {"phase": name}
    if memory:
        tracemalloc.reset_peak()
    started = time.perf_counter()
    yield out
    out["seconds"] = {name: time.perf_counter() - started}
    if memory:
        out["python_peak_mib"] = tracemalloc.get_traced_memory()[1] / MIB


def solve_and_export(prepared: Any, model: Any, size: dict[str, int], timings: dict[str, float], settings: Any,
                     folder: Path) -> None:
    from siting.optimize.solve import solve_model

    with instrumented_highs(folder / "highs.log") as captured, phase("solve", False) as out:
        report = solve_model(model, settings)
    timings["solve"] = report.solve_time_s
    out["seconds"] = {"solve_model": out["seconds"]["solve"], "solve": report.solve_time_s,
                      **(highs_seconds(captured[-1]) if captured else {})}
    emit({**out, "status": report.status, "termination": report.termination, "has_solution": report.has_solution,
          "proven_optimal": report.proven_optimal, "gap": report.gap, "objective_yuan": report.objective_yuan,
          "best_bound_yuan": report.best_bound_yuan, "time_limit_s": settings.time_limit_s})
    if report.has_solution:
        with phase("export", False) as out:
            export_outputs(prepared, model, report, size, timings, folder / "out")
        emit(out)


def export_outputs(prepared: Any, model: Any, report: Any, size: dict[str, int], timings: dict[str, float],
                   destination: Path) -> None:
    """What `run_solve` does after the solve (rule costs aside): read the plan back from the
    model, assemble every output file, write them into the output folder."""
    from siting.deliver.files import export_files
    from siting.deliver.folders import write_folder_atomically
    from siting.optimize.results import extract_plan

    plan = extract_plan(model, prepared.inputs)
    write_folder_atomically(destination, export_files(prepared, report, plan, size, timings))


# ---------------------------------------------------------------------------------------------
# running children: wall time and peak RSS per process


@dataclass
class ChildRun:
    returncode: int | None  # None: killed at the time-out
    wall_s: float
    maxrss_mib: float
    stdout: str
    stderr: str


def run_child(command: Sequence[str], log_prefix: Path, timeout_s: float) -> ChildRun:
    """Run `command` from the repository root; its own rusage (os.wait4) gives the peak RSS of that
    process alone, whatever ran before it."""
    out_path, err_path = log_prefix.with_suffix(".stdout"), log_prefix.with_suffix(".stderr")
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(command), cwd=REPO_ROOT, stdout=out, stderr=err)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_unit = 1.0 if sys.platform == "darwin" else 1024.0  # ru_maxrss: bytes on macOS, KiB on Linux
    return ChildRun(
        returncode=None if timed_out.is_set() else proc.returncode,
        wall_s=wall,
        maxrss_mib=usage.ru_maxrss * rss_unit / MIB,
        stdout=out_path.read_text(),
        stderr=err_path.read_text(),
    )


def phase_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line[len(PHASE_TAG):]) for line in text.splitlines() if line.startswith(PHASE_TAG)]


@dataclass
class Row:
    """One instance: one line in each printed table; None prints as '-'."""

    instance: str
    sites: int | None = None
    variables: int | None = None
    integer_variables: int | None = None
    constraints: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    status: str = ""
    gap: float | None = None
    objective_yuan: float | None = None
    python_peak_mib: dict[str, float] = field(default_factory=dict)
    maxrss_mib: float | None = None
    notes: list[str] = field(default_factory=list)
    time_limited: bool = False
    time_limit_s: float | None = None

    def absorb(self, figures: dict[str, Any]) -> None:
        """Take in the figures of one finished phase of a worker."""
        self.seconds.update(figures.get("seconds", {}))
        for key in ("sites", "variables", "integer_variables", "constraints", "gap", "objective_yuan", "time_limit_s"):
            if key in figures:
                setattr(self, key, figures[key])
        if "termination" in figures:
            self.status = short_status(figures["status"], figures["termination"], figures["proven_optimal"])
            self.time_limited = figures["termination"] == "maxTimeLimit"
        if figures.get("dropped"):
            self.notes.append(f"{figures['dropped']} sites dropped outside clusters")
        if figures.get("unreachable_targets"):
            self.notes.append(f"unreachable targets: {figures['unreachable_targets']}")


def shipped_row(workdir: Path, timeout_s: float) -> Row:
    out = workdir / "shipped_out"
    command = [sys.executable, "cli.py", "solve", str(SHIPPED_SCENARIO), "--out", str(out)]
    child = run_child(command, workdir / "shipped", timeout_s)
    row = Row("shipped yunnan_2024", maxrss_mib=child.maxrss_mib, seconds={"wall": child.wall_s})
    if child.returncode != 0:
        row.status = "killed" if child.returncode is None else f"exit {child.returncode}"
        row.notes.append(f"{row.status} after {child.wall_s:.0f} s" + (f": {last_line(child.stderr)}" if child.stderr
                                                                       else ""))
        return row
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    solver = data["solver"]
    row.absorb({"seconds": data["run"]["timings_s"], **data["model_size"], **solver,
                "sites": count_features(shipped_sites()), "time_limit_s": solver["settings"]["time_limit_s"]})
    measure_python_memory(row, REPO_ROOT / SHIPPED_SCENARIO, workdir / "shipped_memory", timeout_s)
    return row


def shipped_sites() -> Path:
    scenario_path = REPO_ROOT / SHIPPED_SCENARIO
    return resolve(scenario_path, read_yaml(scenario_path)["layers"]["sites"]["path"])


def count_features(path: Path) -> int:
    return len(json.loads(path.read_text(encoding="utf-8"))["features"])


def synthetic_row(scenario_path: Path, count: int, workdir: Path, timeout_s: float) -> Row:
    """Two fresh processes: the timing run (every phase, untraced; its peak RSS) and the memory run
    (tracemalloc up to the hand-off)."""
    row = Row(f"synthetic {count:,}")
    worker = [sys.executable, str(Path(__file__).resolve()), "--worker", str(scenario_path)]
    timing = run_child(worker, workdir / f"synthetic_{count}", timeout_s)
    row.seconds["wall"], row.maxrss_mib = timing.wall_s, timing.maxrss_mib
    phases = phase_lines(timing.stdout)
    for figures in phases:
        row.absorb(figures)
    highs_log = read_text(scenario_path.parent / "highs.log")
    presolve = PRESOLVE_TIME.search(highs_log)
    if presolve:
        row.seconds["presolve"] = float(presolve.group(2) or presolve.group(1))
    if not any(p["phase"] == "done" for p in phases):
        done = [p["phase"] for p in phases]
        row.status = "killed" if timing.returncode is None else f"exit {timing.returncode}"
        solve = row.seconds.get("solve_model", row.seconds.get("handoff", 0.0))  # the hand-off is part of the solve
        unaccounted = timing.wall_s - solve - sum(row.seconds.get(k, 0.0) for k in ("load", "preprocess", "build",
                                                                                  "export"))
        row.notes.append(f"timing run {row.status} after {timing.wall_s:.0f} s; phases finished: {done or 'none'}, "
                         f"about {unaccounted:.0f} s spent after the last of them"
                         + (f"; last HiGHS log line: {last_line(highs_log)!r}" if highs_log else "")
                         + (f"; stderr: {last_line(timing.stderr)}" if timing.returncode else ""))
    measure_python_memory(row, scenario_path, workdir / f"synthetic_{count}_memory", timeout_s)
    return row


def measure_python_memory(row: Row, scenario_path: Path, log_prefix: Path, timeout_s: float) -> None:
    """The memory run: a fresh worker under tracemalloc, up to the hand-off to HiGHS."""
    worker = [sys.executable, str(Path(__file__).resolve()), "--worker", str(scenario_path), "--memory"]
    memory = run_child(worker, log_prefix, timeout_s)
    row.python_peak_mib = {p["phase"]: p["python_peak_mib"] for p in phase_lines(memory.stdout)
                           if "python_peak_mib" in p}
    if memory.returncode != 0:
        state = "killed" if memory.returncode is None else f"exit {memory.returncode}"
        row.notes.append(f"memory run {state}" + (f": {last_line(memory.stderr)}" if memory.stderr else ""))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def short_status(status: str, termination: str, proven: bool) -> str:
    if proven:
        return "optimal"
    if status.startswith("feasible"):
        return "time limit" if termination == "maxTimeLimit" else f"feasible ({termination})"
    return f"{status} ({termination})"


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


# ---------------------------------------------------------------------------------------------
# printing


def cell(value: float | int | str | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print(title)
    print("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    print()


def print_report(rows: Sequence[Row]) -> None:
    time_header = ["instance", "wall", "load", "preproc", "build", "hand-off", "HiGHS", "presolve", "solve", "export"]
    time_keys = ["wall", "load", "preprocess", "build", "handoff", "highs", "presolve", "solve", "export"]
    print_table("Seconds per phase (what each column measures: benchmarks/README.md)", time_header,
                [[r.instance, *(cell(r.seconds.get(k)) for k in time_keys)] for r in rows])
    result_header = ["instance", "sites", "variables", "integer", "constraints", "status", "gap", "objective bn yuan",
                     "py peak MiB", "in phase", "maxrss MiB"]
    table = []
    for r in rows:
        peak_phase = max(r.python_peak_mib, key=lambda k: r.python_peak_mib[k]) if r.python_peak_mib else None
        table.append([
            r.instance, cell(r.sites), cell(r.variables), cell(r.integer_variables), cell(r.constraints), r.status,
            f"{r.gap:.2%}" if r.gap is not None else "-",
            cell(r.objective_yuan / 1e9 if r.objective_yuan is not None else None, 3),
            cell(r.python_peak_mib[peak_phase] if peak_phase else None, 1), cell(peak_phase), cell(r.maxrss_mib, 1),
        ])
    print_table("Size, result and memory", result_header, table)
    for r in rows:
        for note in r.notes:
            print(f"note: {r.instance}: {note}")


def print_ratios(rows: Sequence[Row]) -> None:
    """(build + hand-off) / HiGHS solve time; the target is below 10 % at 1,000 sites."""
    print()
    for r in rows:
        build, handoff, highs = (r.seconds.get(k) for k in ("build", "handoff", "highs"))
        if build is None or handoff is None or not highs:
            continue
        ratio = (build + handoff) / highs
        flag = "" if r.sites != 1000 else ("  [target < 10 %: met]" if ratio < 0.10 else "  [target < 10 %: NOT met]")
        caveat = ""
        if r.time_limited:
            caveat = "; HiGHS stopped at its time limit, so the ratio to a finished solve is smaller"
        if r.time_limit_s and highs > 1.1 * r.time_limit_s:
            caveat += (f"; HiGHS ran {highs:.0f} s against a time limit of {r.time_limit_s:.0f} s: against the "
                       f"limit the ratio is {(build + handoff) / r.time_limit_s:.1%}")
        print(f"(build + hand-off) / HiGHS, {r.instance}: ({build:.2f} + {handoff:.2f}) / {highs:.2f} s = "
              f"{ratio:.1%}{flag}{caveat}")


# ---------------------------------------------------------------------------------------------
# main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 5000],
                        help="numbers of synthetic candidate sites (default: 100 1000 5000)")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="HiGHS time limit for the synthetic instances, seconds (default: 60)")
    parser.add_argument("--skip-shipped", action="store_true", help="do not run the shipped scenario")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"numpy seed (default: {DEFAULT_SEED})")
    parser.add_argument("--instance-timeout", type=float, default=3600.0,
                        help="kill an instance's process after this many seconds (default: 3600)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write instances, logs and outputs into this folder and keep them")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON to this file")
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_benchmark(args: argparse.Namespace, workdir: Path) -> list[Row]:
    rows: list[Row] = []
    if not args.skip_shipped:
        print("running the shipped scenario through cli.py ...", file=sys.stderr, flush=True)
        rows.append(shipped_row(workdir, args.instance_timeout))
    for count in args.sizes:
        print(f"running {count:,} synthetic sites ...", file=sys.stderr, flush=True)
        scenario = write_instance(REPO_ROOT / SHIPPED_SCENARIO, workdir / f"synthetic_{count}", count, args.seed,
                                  args.time_limit)
        rows.append(synthetic_row(scenario, count, workdir, args.instance_timeout))
    return rows


def describe_run() -> str:
    """Date, commit and versions, to tell which code a table was measured on."""
    def git(*command: str) -> str:
        try:
            return subprocess.run(["git", *command], cwd=REPO_ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no", "--", "siting", "models", "cli.py"):
        commit += " (with local changes to siting/, models/ or cli.py)"
    versions = ", ".join(f"{p} {version_of(p)}" for p in ("pyomo", "highspy"))
    return (f"{time.strftime('%Y-%m-%d %H:%M %Z')}, commit {commit}, Python {sys.version.split()[0]}, {versions}, "
            f"{os.cpu_count()} cores")


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker is not None:
        run_worker(args.worker.resolve(), args.memory)
        return 0
    started = describe_run()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = run_benchmark(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="siting-bench-") as tmp:
            rows = run_benchmark(args, Path(tmp))
    print(f"started {started}; finished {describe_run()}")
    print()
    print_report(rows)
    print_ratios(rows)
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
