"""Command line.

    python cli.py solve scenario.yaml [--variant NAME] [--out DIR] [--rule-costs] [--time-limit S]
    python cli.py show scenario.yaml [--variant NAME] [--set KEY=VALUE]
    python cli.py compare A.yaml B.yaml ... [--out DIR] [--workers N] [--scheduler ADDRESS]
    python cli.py sweep scenario.yaml --set KEY=V1,V2 [--set ...] [--out DIR] [--workers N] [--scheduler ...]

Exit codes: 0 done (every run gave a plan); 1 no plan (infeasible, no solution within the time
limit, or a failed run in a batch); 2 bad input (the message names the file, the key and the fix;
also an output folder the run may not write); 130 or 143 stopped by Ctrl-C or SIGTERM, with no
output folder left half written."""

from __future__ import annotations

import argparse
import contextlib
import math
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import yaml

from siting.batch import BatchResult, compare, sweep
from siting.compare import text_table
from siting.errors import InputError, NoSolution, PlanInfeasible
from siting.pipeline import RunResult, run_solve
from siting.scenario import load_scenario, parse_override, scenario_variants


def money(yuan: float) -> str:
    """Yuan as 亿 (1e8) with the unit, the way Chinese planning documents state it."""
    return f"{yuan / 1e8:,.2f} 亿 yuan"


def format_summary(result: RunResult) -> str:
    report, plan = result.report, result.plan
    inputs = result.prepared.inputs
    catalog = result.prepared.loaded.catalog
    lines = [f"scenario  {result.prepared.loaded.scenario.name}"]
    status = report.status
    if report.gap is not None:
        tolerance = result.prepared.loaded.scenario.solver.rel_gap
        status += f", gap {report.gap:.2%}" + (f" (tolerance {tolerance:.2%})" if report.proven_optimal else "")
    lines.append(f"status    {status} ({report.termination}, {report.solve_time_s:.1f} s)")
    lines.append(f"objective {money(report.objective_yuan or 0.0)} (discounted), best bound "
                 f"{money(report.best_bound_yuan) if report.best_bound_yuan is not None else 'n/a'}")
    for name, value in plan.costs.items():
        lines.append(f"  {name:<12}{money(value):>22}")
    lines.append("")
    clusters = list(inputs.CLUSTERS)
    unit_width = max(len(catalog.products[p].unit) for p in inputs.PRODUCTS) + 2
    header = (f"{'product':<16}{'unit':<{unit_width}}{'year':>6}" + "".join(f"{c:>14}" for c in clusters)
              + f"{'existing':>12}{'total':>14}")
    lines.append("capacity added by cluster (cumulative), with existing capacity and total")
    lines.append(header)
    cap = plan.capacity
    for p in inputs.PRODUCTS:
        for t in inputs.YEARS:
            sub = cap.loc[(cap["product"] == p) & (cap["year"] == t)]
            if sub.empty:
                continue
            per = [sub.loc[sub["cluster"] == c, "added_cumulative"].sum() for c in clusters]
            lines.append(f"{p:<16}{catalog.products[p].unit:<{unit_width}}{t:>6}" + "".join(f"{v:>14,.0f}" for v in per)
                         + f"{sub['existing'].sum():>12,.0f}{sub['capacity'].sum():>14,.0f}")
    if not plan.targets.empty:
        lines.append("")
        lines.append("targets")
        lines.append(f"{'target':<18}{'year':>6}{'goal':>18}{'planned':>18}{'short':>16}")
        for row in plan.targets.itertuples(index=False):
            mark = "" if row.shortfall <= 0 else "  << short"
            lines.append(f"{row.target:<18}{row.year:>6}{row.target_value:>18,.0f}{row.achieved:>18,.0f}"
                         f"{row.shortfall:>16,.0f}{mark}")
    lines.append("")
    lines.append(f"sites opened: {', '.join(plan.opened_sites) or 'none'}")
    for notice in result.prepared.notices:
        lines.append(f"note: {notice}")
    timing = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    lines.append(f"time: {timing}")
    lines.append(f"outputs written to {result.out_dir}")
    return "\n".join(lines)


def time_limit(text: str) -> float:
    """`--time-limit`: a finite number of seconds greater than 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds greater than 0 (got {text!r}); "
                                         "give e.g. --time-limit 60")
    return value


def workers(text: str) -> int:
    """`--workers`: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (got {text!r}); give e.g. --workers 2")
    return value


def out_folder(text: str) -> Path:
    """`--out`: a folder path, not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"must name a folder (got {text!r}); give e.g. --out outputs/run1")
    return Path(text)


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=time_limit, default=None, help="solver time limit in seconds")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def add_parallel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=workers, default=None, help="parallel runs (default: as many as cores)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a Dask cluster: tcp://host:8786, or 'local' to start one on this machine")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="siting", description="Plan battery-industry capacity by site, "
                                     "product and year with a mixed-integer program.")
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="solve one scenario and write its outputs")
    solve.add_argument("scenario", type=Path, help="scenario YAML file")
    solve.add_argument("--variant", default=None, help="a named variant defined in the scenario file")
    solve.add_argument("--out", type=out_folder, default=None,
                       help="output folder (default: the scenario's output.folder)")
    solve.add_argument("--rule-costs", action="store_true",
                       help="also re-solve with each rule family relaxed and report what each rule costs")
    add_common(solve)
    show = sub.add_parser("show", help="print the fully resolved scenario (extends, variant and --set applied)")
    show.add_argument("scenario", type=Path)
    show.add_argument("--variant", default=None)
    show.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    show.add_argument("--debug", action="store_true", help="show tracebacks")
    comp = sub.add_parser("compare", help="solve several scenarios (or a file's variants) and compare them")
    comp.add_argument("scenarios", type=Path, nargs="+")
    comp.add_argument("--out", type=out_folder, default=Path("outputs/compare"), help="comparison folder")
    add_parallel(comp)
    add_common(comp)
    sw = sub.add_parser("sweep", help="solve a scenario over value lists of settings (cartesian product)")
    sw.add_argument("scenario", type=Path)
    sw.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...", required=True,
                    help="a setting and its values, e.g. constraints.redline.buffer_m=0,500,1000")
    sw.add_argument("--out", type=out_folder, default=Path("outputs/sweep"), help="sweep folder")
    add_parallel(sw)
    add_common(sw)
    return parser


def show_scenario(args: argparse.Namespace) -> str:
    overrides = tuple((key, value) for text in args.set for key, values in [parse_override(text)]
                      for value in values[:1])
    loaded = load_scenario(args.scenario, args.variant, overrides)
    data = loaded.scenario.model_dump(mode="json", exclude={"variants", "extends"})
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    variants = scenario_variants(args.scenario)
    if variants:
        text += f"# variants defined in this file: {', '.join(variants)}\n"
    return text


def batch_report(result: BatchResult, what: str) -> str:
    failed = [s for s in result.summaries if not s.ok]
    lines = [text_table(result.table), ""]
    for summary in failed:
        lines.append(f"run failed: {summary.label}: {summary.error}")
    lines.append(f"{what} written to {result.out_dir}")
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    if args.command == "solve":
        result = run_solve(args.scenario, args.out, args.time_limit, variant=args.variant,
                           with_rule_costs=args.rule_costs)
        print(format_summary(result))
        if result.rule_costs is not None:
            print("\ncost of each rule (objective minus the objective with that rule relaxed)")
            print(text_table(result.rule_costs))
        return 0
    if args.command == "show":
        print(show_scenario(args), end="")
        return 0
    if args.command == "compare":
        result = compare(args.scenarios, args.out, args.workers, args.scheduler, args.time_limit, progress=True)
        print(batch_report(result, "comparison"))
    else:
        result = sweep(args.scenario, args.set, args.out, args.workers, args.scheduler, args.time_limit,
                       progress=True)
        print(batch_report(result, "sweep"))
    return 0 if all(s.ok for s in result.summaries) else 1


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM, so that the same clean-up
    as for Ctrl-C runs (staging folders removed, worker processes stopped)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, _frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `Stopped` while the block runs (main thread only); restore after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (see the module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        with stop_on_sigterm():
            return run_command(args)
    except InputError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return InputError.exit_code
    except (PlanInfeasible, NoSolution) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"no plan: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
        print(f"stopped by {signal.Signals(signum).name}: outputs not yet complete were discarded", file=sys.stderr)
        return 128 + signum
