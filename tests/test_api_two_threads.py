"""Two threads of one process may call `siting.run` at once (a notebook's
concurrent.futures pool writing two folders): HiGHS's output is captured one solve at a time,
so that both runs end with their plans, nothing of the solver's log reaches standard output and
the process's standard streams are its own again afterwards. Run in a process of its own: when
two captures of the streams interleave, the interpreter loses its standard streams."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"

SCRIPT = """
import concurrent.futures, sys
import siting
scenario, out = sys.argv[1], sys.argv[2]
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    runs = [pool.submit(siting.run, scenario, f"{out}/run{i}") for i in (1, 2)]
    objectives = [run.result().objective_yuan for run in runs]
print("objectives", objectives[0] == objectives[1], flush=True)
print("after", flush=True, file=sys.stderr)
"""


def test_two_threads_run_at_once(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(SMALL), str(tmp_path)], capture_output=True,
                          text=True, timeout=600, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout == "objectives True\n"
    assert done.stderr.endswith("after\n")
    for i in (1, 2):
        assert (tmp_path / f"run{i}" / "plan.csv").is_file()
        assert (tmp_path / f"run{i}" / "manifest.json").is_file()
