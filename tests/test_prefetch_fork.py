"""A process forked while the solve job's prefetch thread (siting/deliver/prefetch.py) is still
importing would start as a copy taken mid-import: the modules the thread was loading half made in
its sys.modules and their import locks held by a thread the child does not have, so that a child
importing one of them waits forever. `solve --rule-costs` forks the re-solves' worker pool
(siting/optimize/relax.py) as soon as the solve is over, while the thread is still loading
map.png's drawing code (matplotlib). A fork waits for the prefetch thread to finish first."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_fork_waits_for_the_prefetch_thread(tmp_path: Path) -> None:
    (tmp_path / "slow_prefetched.py").write_text("import time\ntime.sleep(1.0)\nDONE = True\n")
    script = textwrap.dedent("""
        import os, sys, time
        from siting.deliver.prefetch import prefetch_drawing
        thread = prefetch_drawing(["slow_prefetched"])
        while "slow_prefetched" not in sys.modules:  # the thread is inside the import
            time.sleep(0.01)
        pid = os.fork()
        if pid == 0:
            module = sys.modules.get("slow_prefetched")
            os._exit(0 if module is not None and getattr(module, "DONE", False) else 3)
        _, status = os.waitpid(pid, 0)
        thread.join()
        print("child", os.waitstatus_to_exitcode(status))
    """)
    env = {"PYTHONPATH": f"{ROOT}{__import__('os').pathsep}{tmp_path}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "child 0"  # the child saw the module whole
