"""A script that calls `siting.compare(..., workers=2)` at its top level, without
`if __name__ == "__main__":`, under the "spawn" or "forkserver" start method (macOS, Windows;
Linux from Python 3.14): each worker process of the pool imports the script again as it starts,
which calls for a pool of its own, so that no worker starts. The call ends on an InputError that
says so and names the fix (siting/runs/pool.py `unguarded_main_problem`), as the local Dask cluster
does, not on runs "failed: worker process died 2 times running this case (exit code 1)"; the worker
processes end quietly, with no RuntimeError traceback of multiprocessing's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SMALL

SCRIPT = """\
import multiprocessing
multiprocessing.set_start_method({method!r}, force=True)
import siting
batch = siting.compare([{path!r}, {other!r}], workers=2)
print("compared", batch)
"""


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_top_level_call_on_the_process_pool_names_the_main_guard(tmp_path: Path, method: str) -> None:
    """The script, started method `method`, run by the test's Python in a process of its own."""
    other = tmp_path / "wider_buffer.yaml"
    other.write_text(f"extends: {SMALL / 'scenario.yaml'}\nname: wider_buffer\nconstraints:\n  redline: "
                     "{buffer_m: 2000}\n", encoding="utf-8")
    script = tmp_path / "unguarded.py"
    script.write_text(SCRIPT.format(method=method, path=str(SMALL / "scenario.yaml"), other=str(other)),
                      encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=env)
    assert done.returncode != 0, done.stdout[-2000:]
    assert "compared" not in done.stdout
    lines = done.stderr.strip().splitlines()
    error = lines.index("siting.config.errors.InputError: 1 problem in the input:")
    problem = lines[error + 1]
    assert problem.startswith("  - workers | the worker processes could not start: each imports the script again")
    assert f'(multiprocessing\'s "{method}" start method)' in problem
    assert 'put the call under `if __name__ == "__main__":`' in problem
    assert problem.endswith("or run in this process (workers=1)")
    assert "RuntimeError" not in done.stderr
    assert "bootstrapping phase" not in done.stderr
