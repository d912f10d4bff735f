"""Ctrl-C at a terminal under `--scheduler local`: the terminal sends SIGINT to the whole process
group, the local Dask cluster's worker processes included. The workers are started with SIGINT
blocked (siting/runs/pool.py `_loop_without_ctrl_c`), so the signal stops the batch in the
command's own process alone, which closes the cluster: the stop's one line, exit 130, no
KeyboardInterrupt traceback of a worker above it, and no process of the group left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from tests.conftest import interruptible

ROOT = Path(__file__).parent.parent
SMALL = ROOT / "tests" / "data" / "small" / "scenario.yaml"
STOP_LINE = "stopped by SIGINT: outputs not yet complete were discarded"


def group_gone(pgid: int, within_s: float) -> bool:
    """Whether no process of the group `pgid` is left within `within_s` seconds."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is not a signal to a process group there")
def test_ctrl_c_at_a_terminal_shows_only_the_stop_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "sweep", str(SMALL), "--set", "constraints.redline.buffer_m=0,500",
         "--scheduler", "local", "--workers", "2", "--out", str(out)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True, preexec_fn=interruptible)
    watchdog = threading.Timer(240, os.killpg, (process.pid, signal.SIGKILL))  # a run that never stops
    watchdog.start()
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # the workers are up, and the first run under way on one of them
            seen.append(line)
            if line.startswith("runs: 0/"):
                break
        else:
            pytest.fail(f"the batch ended before its runs began: {''.join(seen)}")
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C at a terminal: the whole process group
        stopped = time.monotonic()
        _, rest = process.communicate(timeout=60)
        took = time.monotonic() - stopped
    finally:
        watchdog.cancel()
    err = "".join(seen) + rest
    assert process.returncode == 128 + signal.SIGINT, err
    assert took < 30, err
    assert err.splitlines()[-1] == STOP_LINE, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert not out.exists()
    assert group_gone(process.pid, 15)
