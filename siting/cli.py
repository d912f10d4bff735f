"""Command line.

    python cli.py solve scenario.yaml [--variant NAME] [--out DIR] [--rule-costs] [--time-limit S]
    python cli.py show scenario.yaml [--variant NAME] [--set KEY=VALUE]
    python cli.py compare A.yaml B.yaml ... [--out DIR] [--workers N] [--scheduler ADDRESS]
    python cli.py sweep scenario.yaml --set KEY=V1,V2 [--set ...] [--out DIR] [--workers N] [--scheduler ...]

Exit codes: 0 done (every run gave a plan); 1 no plan (infeasible, no solution within the time
limit, or a failed run in a batch); 2 bad input (the message names the file, the key and the fix)."""

from __future__ import annotations

import argparse
import sys
import traceback
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


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=float, default=None, help="solver time limit in seconds")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def add_parallel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None, help="parallel runs (default: as many as cores)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a Dask cluster: tcp://host:8786, or 'local' to start one on this machine")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="siting", description="Plan battery-industry capacity by site, "
                                     "product and year with a mixed-integer program.")
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="solve one scenario and write its outputs")
    solve.add_argument("scenario", type=Path, help="scenario YAML file")
    solve.add_argument("--variant", default=None, help="a named variant defined in the scenario file")
    solve.add_argument("--out", type=Path, default=None, help="output folder (default: the scenario's output.folder)")
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
    comp.add_argument("--out", type=Path, default=Path("outputs/compare"), help="comparison folder")
    add_parallel(comp)
    add_common(comp)
    sw = sub.add_parser("sweep", help="solve a scenario over value lists of settings (cartesian product)")
    sw.add_argument("scenario", type=Path)
    sw.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...", required=True,
                    help="a setting and its values, e.g. constraints.redline.buffer_m=0,500,1000")
    sw.add_argument("--out", type=Path, default=Path("outputs/sweep"), help="sweep folder")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
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
