"""Command line: `python cli.py solve scenario.yaml [--out DIR] [--time-limit S] [--debug]`.

Exit codes: 0 a plan was written; 1 no plan (infeasible, or no solution within the time limit);
2 bad input (the message names the file, the key and the fix)."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from siting.errors import InputError, NoSolution, PlanInfeasible
from siting.pipeline import RunResult, run_solve


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="siting", description="Plan battery-industry capacity by site, "
                                     "product and year with a mixed-integer program.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    solve = sub.add_parser("solve", help="solve one scenario and write its outputs")
    solve.add_argument("scenario", type=Path, help="scenario YAML file")
    solve.add_argument("--out", type=Path, default=None, help="output folder (default: the scenario's output.folder)")
    solve.add_argument("--time-limit", type=float, default=None, help="solver time limit in seconds")
    solve.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "solve":
            result = run_solve(args.scenario, args.out, args.time_limit)
            print(format_summary(result))
            return 0
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
    return 2
