"""Cold against warm re-solves of the shipped scenario: rule costs and a neighbouring sweep case.

    python benchmarks/bench_warm.py [--families budget chain_balance redline] [--sweep KEY=VALUE]

The base plan is solved once. Then, for each family named, the model with that family relaxed
is solved twice: cold (a new model and solver, no start) and warm (as `--rule-costs` runs it:
in place on the solved model for a family of rows, a rebuilt model for one of the index sets,
started from the base plan). With `--sweep`, the scenario with that one setting changed is
solved cold and started from the base plan, as a sweep's cases are. Each line gives HiGHS's
seconds (the `solve_model` time, hand-off included), the status and the objective, and the
ratio cold / warm ("start dropped": HiGHS kept the start at a cost it does not have, and the
warm solve was repeated without it: siting/optimize/solve.py). One thread, the scenario's seed
and gap; the machine's load moves every figure, so compare within a line.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from models import build_model, family, set_family_active
from siting.config.load import parse_override
from siting.optimize.run import solver_settings
from siting.optimize.solve import SolveReport, new_solver, plan_values, solve_model, start_on
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
    model = build_model(inputs)
    solver = new_solver()
    base = solve_model(model, settings, solver)
    print(f"base plan: {base.status}, {base.objective_yuan / 1e9:.3f} bn yuan in {base.solve_time_s:.1f} s")
    values = plan_values(model)
    print(f"{'re-solve':<44}{'cold s':>8} {'status':>8} {'bn yuan':>9}  {'warm s':>8} {'status':>8} "
          f"{'bn yuan':>9} {'ratio':>7}")
    for name in args.families:
        relaxed = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {name})
        cold = solve_model(build_model(relaxed), settings, new_solver())
        if family(name).relax_needs_rebuild:
            other = build_model(relaxed)
            warm = solve_model(other, settings, new_solver(), start=start_on(other, values))
        else:
            set_family_active(model, name, False)
            warm = solve_model(model, settings, solver, start=start_on(model, values))
            set_family_active(model, name, True)
        print(line(f"rule cost: {name} relaxed", cold, warm), flush=True)
    for setting in args.sweep:
        key, given = parse_override(setting)
        case = prepare(SCENARIO, {}, overrides=((key, given[0]),))
        cold = solve_model(build_model(case.inputs), settings, new_solver())
        other = build_model(case.inputs)
        warm = solve_model(other, settings, new_solver(), start=start_on(other, values))
        print(line(f"sweep: {setting}", cold, warm), flush=True)


if __name__ == "__main__":
    main()
