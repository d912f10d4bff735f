"""Ctrl-C while the local Dask cluster of `--scheduler local` starts ends the command at once
(tests/test_dask_stop_while_starting_logs.py), and its end removes the named semaphores of the
locks it handed the worker processes it was starting (multiprocessing's finalizers). A worker
still importing the command's script then failed to open them and printed a FileNotFoundError
traceback (`SemLock._rebuild`) under the stop's one line, about 1 stop in 20 at 0.05-0.3 s after
"starting a local Dask cluster". Such a child now ends without a word (siting/__init__.py
`_quiet_start_after_parent_ended`, which cli.py imports in such a child); its other failures
keep their traceback. The parent's end is played here in order, not raced: the child waits,
while it imports its parent's script, until the parent has removed the lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PARENT = textwrap.dedent("""
    import multiprocessing
    import sys
    import time
    from multiprocessing import util
    from pathlib import Path

    {importing}
    GO = Path(__file__).with_name("go")
    if __name__ == "__mp_main__":  # the child, importing this script: wait for the parent's end
        while not GO.exists():
            time.sleep(0.01)


    def child(lock, fail):
        if fail:
            raise ValueError("a failure of its own")


    if __name__ == "__main__":
        context = multiprocessing.get_context("spawn")
        lock = context.Lock()
        process = context.Process(target=child, args=({handed}, {fail}))
        process.start()
        if {handed} is lock:
            util._run_finalizers(0)  # as the parent's end does first: the lock's semaphore removed
        GO.touch()
        process.join()
        print(process.exitcode)
""")


def started(tmp_path: Path, importing: str, handed: str = "lock",
            fail: bool = False) -> subprocess.CompletedProcess[str]:
    """The parent script run with `importing` at its top, handing its spawned child `handed`."""
    script = tmp_path / "parent.py"
    script.write_text(PARENT.format(importing=importing, handed=handed, fail=fail))
    if importing == "import cli":  # cli.py's own code as the main script's
        script.write_text(script.read_text().replace("import cli", (ROOT / "cli.py").read_text()
                                                     .replace('sys.exit(run())', 'pass'), 1))
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="named semaphores: POSIX")
@pytest.mark.parametrize("importing", ["import siting", "import cli"])
def test_a_worker_whose_parent_ended_as_it_started_ends_quiet(tmp_path: Path, importing: str) -> None:
    done = started(tmp_path, importing)
    assert done.stdout == "1\n", done.stderr
    assert done.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="named semaphores: POSIX")
def test_without_the_tool_the_child_shows_the_traceback(tmp_path: Path) -> None:
    """What a worker printed before (the script imports neither siting nor cli.py)."""
    done = started(tmp_path, "")
    assert "FileNotFoundError" in done.stderr and "SemLock" in done.stderr, done.stderr


def test_a_worker_s_failure_of_its_own_keeps_its_traceback(tmp_path: Path) -> None:
    done = started(tmp_path, "import siting", handed="None", fail=True)
    assert done.stdout == "1\n"
    assert "ValueError: a failure of its own" in done.stderr
