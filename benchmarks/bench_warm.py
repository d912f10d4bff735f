"""Cold against warm re-solves of the shipped scenario: rule costs and a neighbouring sweep case.

    python benchmarks/bench_warm.py [--families budget chain_balance redline] [--sweep KEY=VALUE]

The base plan is solved once, through the module counts (siting/optimize/counts.py), as a run
solves it. Then, for each family named, the model with that family relaxed is solved twice the
same way: cold (no start) and warm (as `--rule-costs` runs it: started from the base plan, which
the count relaxation is handed and whose counts are fixed in a search of their own). With
`--sweep`, the scenario with that one setting changed is solved cold and started from the base
plan, as a sweep's cases are. Each line gives the seconds of the whole solve (every search,
hand-offs included), the status and the objective, and the ratio cold / warm ("start dropped":
HiGHS kept the start at a cost it does not have, and the search was repeated without it:
siting/optimize/solve.py). One thread, the scenario's seed and gap; the machine's load moves
every figure, so compare within a line.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from models import build_model, family, set_family_active
from siting.config.load import parse_override
from siting.optimize.counts import solve_by_counts
from siting.optimize.run import solver_settings
from siting.optimize.solve import SolveReport, plan_values
from siting.prepare.problem import prepare

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "yunnan_2024.yaml"


def line(what: str, cold: SolveReport, warm: SolveReport) -> str:
    """One row of the table: seconds, status and objective (bn yuan) of both solves, and cold / warm."""
    def cell(r: SolveReport) -> str:
        objective = "-" if r.objective_yuan is None else f"{r.objective_yuan / 1e9:.3f}"
        return f"{r.solve_time_s:>8.1f} {r.status[:8]:>8} {objective:>9}"

    ratio = cold.solve_time_s / warm.solve_time_s if warm.solve_time_s > 0 else float("nan")
    dropped = " (start dropped)" if warm.start_dropped else ""
    return f"{what:<44}{cell(cold)}  {cell(warm)} {ratio:>7.2f}{dropped}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="*", default=["budget", "chain_balance", "redline"])
    parser.add_argument("--sweep", action="append", default=[], help="a KEY=VALUE setting, as --set gives it")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per solve (default: the scenario's)")
    args = parser.parse_args()
    prepared = prepare(SCENARIO, {})
    settings = solver_settings(prepared.loaded)
    if args.time_limit is not None:
        settings = dataclasses.replace(settings, time_limit_s=args.time_limit)
    inputs = prepared.inputs
    base = solve_by_counts(inputs, settings)
    report = base.report
    print(f"base plan: {report.status}, {report.objective_yuan / 1e9:.3f} bn yuan in {report.solve_time_s:.1f} s")
    values = plan_values(base.model)
    print(f"{'re-solve':<44}{'cold s':>8} {'status':>8} {'bn yuan':>9}  {'warm s':>8} {'status':>8} "
          f"{'bn yuan':>9} {'ratio':>7}")
    for name in args.families:
        if family(name).relax_needs_rebuild:
            relaxed, make = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {name}), None
        else:
            relaxed = inputs

            def make(name: str = name):
                built = build_model(inputs)
                set_family_active(built, name, False)
                return built
        cold = solve_by_counts(relaxed, settings, make=make).report
        warm = solve_by_counts(relaxed, settings, values, make=make).report
        print(line(f"rule cost: {name} relaxed", cold, warm), flush=True)
    for setting in args.sweep:
        key, given = parse_override(setting)
        case = prepare(SCENARIO, {}, overrides=((key, given[0]),))
        cold = solve_by_counts(case.inputs, settings).report
        warm = solve_by_counts(case.inputs, settings, values).report
        print(line(f"sweep: {setting}", cold, warm), flush=True)

if __name__ == "__main__":
    main()
