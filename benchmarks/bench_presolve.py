"""Does HiGHS stop at the time limit? Presolve and root LP of synthetic instances against the limit.

    python benchmarks/bench_presolve.py [--sizes 400 1000] [--time-limits 1 30]

For each number of synthetic point sites (the instances of bench_solve.py: same sampling, seed
and scenario) and each time limit, the model is built and solved once with the scenario's
settings and that limit, the HiGHS log kept. Each line gives the presolve time HiGHS reports
in its solving report, HiGHS's own run time, how far that run went past the limit, where it
stopped (presolve, or the search after it) and the gap at the end. A limit shorter than the
presolve shows whether presolve checks the limit; a longer one whether the root LP does.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_solve

from models import build_model
from siting.optimize.run import solver_settings
from siting.optimize.solve import new_solver, solve_model
from siting.prepare.problem import prepare


def measure(scenario: Path, limit_s: float, log_path: Path) -> str:
    """One solve of `scenario` with `limit_s`: the table row."""
    prepared = prepare(scenario, {})
    settings = dataclasses.replace(solver_settings(prepared.loaded), time_limit_s=limit_s)
    model = build_model(prepared.inputs)
    bench_solve.emit = lambda _payload: None  # the solve benchmark's phase lines are not wanted here
    with bench_solve.instrumented_highs(log_path) as captured:
        report = solve_model(model, settings, new_solver())
    text = log_path.read_text(encoding="utf-8")
    found = bench_solve.PRESOLVE_TIME.search(text)
    presolve = float(found.group(1)) if found else float("nan")
    highs = bench_solve.highs_seconds(captured[-1]).get("highs", float("nan")) if captured else float("nan")
    where = "presolve" if presolve >= 0.95 * limit_s else "search"  # presolve took the whole limit
    gap = "-" if report.gap is None else f"{report.gap:.1%}"
    return (f"{len(prepared.inputs.SITES):>7}{limit_s:>9.0f}{presolve:>12.2f}{highs:>9.2f}"
            f"{max(0.0, highs - limit_s):>10.2f}  {where:<9}{report.status[:26]:<27}{gap:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[400, 1000])
    parser.add_argument("--time-limits", type=float, nargs="*", default=[1.0, 30.0])
    parser.add_argument("--seed", type=int, default=bench_solve.DEFAULT_SEED)
    args = parser.parse_args()
    print(f"{'sites':>7}{'limit s':>9}{'presolve s':>12}{'HiGHS s':>9}{'over s':>10}  {'stopped':<9}"
          f"{'status':<27}{'gap':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.sizes:
            folder = Path(tmp) / f"synthetic_{count}"
            scenario = bench_solve.write_instance(bench_solve.REPO_ROOT / bench_solve.SHIPPED_SCENARIO, folder,
                                                  count, args.seed, max(args.time_limits))
            for limit in args.time_limits:
                print(measure(scenario, limit, folder / f"highs_{limit:g}.log"), flush=True)


if __name__ == "__main__":
    main()
