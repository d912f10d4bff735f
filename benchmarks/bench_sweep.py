"""Wall time of a 12-run sweep of the shipped scenario: sequential, process pool, local Dask.

    python benchmarks/bench_sweep.py [--workers N] [--time-limit S]

The sweep is 4 red-line buffers x 3 lead shares of the shipped Yunnan scenario. Each mode
writes into its own temporary folder; the printed table gives the wall time of the whole
sweep (cases built, runs solved and written, tables written) and the sum of the solver times.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from siting.runs.batch import sweep

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "yunnan_2024.yaml"
SETTINGS = ["constraints.redline.buffer_m=0,500,1000,2000", "constraints.differentiation.lead_share_min=0.4,0.6,0.8"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None, help="processes or Dask workers (default: cores)")
    parser.add_argument("--time-limit", type=float, default=None, help="solver time limit per run, s")
    args = parser.parse_args()
    modes = [("sequential", 1, None), ("process pool", args.workers, None), ("local Dask", args.workers, "local")]
    print(f"{'mode':<14}{'runs':>6}{'ok':>5}{'wall s':>10}{'sum solve s':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, workers, scheduler in modes:
            started = time.perf_counter()
            result = sweep(SCENARIO, SETTINGS, Path(tmp) / name.replace(" ", "_"), workers=workers,
                           scheduler=scheduler, time_limit_s=args.time_limit)
            wall = time.perf_counter() - started
            solve = sum(s.solve_time_s for s in result.summaries)
            ok = sum(s.ok for s in result.summaries)
            print(f"{name:<14}{len(result.summaries):>6}{ok:>5}{wall:>10.1f}{solve:>13.1f}", flush=True)


if __name__ == "__main__":
    main()
