"""Ctrl-C (SIGINT) and SIGTERM while HiGHS searches stop the run: exit 130 or 143, the one line
"stopped by ...", no traceback, no output folder, no staging folder, no process left.

Python runs a signal's handler at the next Python code of the main thread; during a solve that
code is HiGHS's callbacks (the interface's interrupt checks, the live progress). A handler that
raises there had its exception caught by HiGHS, which reported a solve error ("no plan: ...
HiGHS reported 'Solve error'", exit 1). The runs below are stopped while HiGHS is inside its
search, in a callback:
- the small scenario, with HiGHS slowed down by a callback that sleeps 1 s at each of its
  interrupt checks (Python code run inside HiGHS, as the interface's own check is), so that its
  search (some 45 checks) takes most of a minute; the run says "searching" at the first check;
- the shipped Yunnan scenario as it is, stopped at its first progress line (its search takes
  20 s and more to reach its gap).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest

from siting.optimize.solve import SolverSettings, solve_model
from tests.conftest import interruptible

ROOT = Path(__file__).parent.parent

SLOWED_RUN = textwrap.dedent("""
    import os, sys, time
    import highspy
    from siting.cli import main

    told = []
    said = os.fdopen(os.dup(1), "w")  # the interface captures standard output while HiGHS runs

    def slow(event):
        if not told:
            told.append(True)
            print("searching", file=said, flush=True)
        time.sleep(1.0)

    def run(self):
        self.cbMipInterrupt.subscribe(slow)
        try:
            return highspy._Highs.run(self)
        finally:
            self.cbMipInterrupt.unsubscribe(slow)

    highspy.Highs.run = run
    sys.exit(main(sys.argv[1:]))
""")


def stopped(process: subprocess.Popen[str], ready: str, signum: int) -> tuple[str, str]:
    """Send `signum` to `process` once its standard output (or, when `ready` starts with "solve ",
    its standard error) has shown the line `ready` starts; its output and error."""
    stream = process.stderr if ready.startswith("solve ") else process.stdout
    assert stream is not None
    seen = []
    for line in stream:
        seen.append(line)
        if line.startswith(ready):
            break
    else:
        pytest.fail(f"the run ended before {ready!r}: {''.join(seen)}")
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    return out, "".join(seen) + err if stream is process.stderr else err


def assert_stopped(returncode: int, err: str, signum: int, folder: Path, out_dir: Path) -> None:
    """Exit 128 + signum, the stop line last, no traceback nor solve error, and nothing written:
    no output folder and no staging folder beside it."""
    name = signal.Signals(signum).name
    assert returncode == 128 + signum, err
    assert err.splitlines()[-1] == f"stopped by {name}: outputs not yet complete were discarded"
    assert "Traceback" not in err and "Solve error" not in err and "no plan" not in err
    assert not out_dir.exists()
    assert not [p.name for p in folder.iterdir() if ".siting-" in p.name]


@pytest.mark.parametrize(("signum", "quiet"), [(signal.SIGINT, False), (signal.SIGTERM, False),
                                               (signal.SIGINT, True), (signal.SIGTERM, True)])
def test_a_signal_while_highs_searches_stops_the_run(folder: Path, signum: int, quiet: bool):
    """The small scenario's search, slowed to most of a minute, is stopped within seconds of the
    signal (HiGHS is asked to stop at its next interrupt check), with and without progress."""
    out_dir = folder / "out"
    argv = ["solve", str(folder / "scenario.yaml"), "--out", str(out_dir), *(["--quiet"] if quiet else [])]
    process = subprocess.Popen([sys.executable, "-c", SLOWED_RUN, *argv], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    out, err = stopped(process, "searching", signum)
    assert_stopped(process.returncode, err, signum, folder, out_dir)
    assert out == ""
    if quiet:
        assert err == f"stopped by {signal.Signals(signum).name}: outputs not yet complete were discarded\n"


def test_ctrl_c_while_the_shipped_scenario_solves(tmp_path: Path):
    """The shipped scenario as the user runs it, Ctrl-C at its first progress line of the search."""
    out_dir = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "cli.py", "solve", "scenarios/yunnan_2024.yaml", "--out", str(out_dir)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=interruptible)
    out, err = stopped(process, "solve ", signal.SIGINT)
    assert_stopped(process.returncode, err, signal.SIGINT, tmp_path, out_dir)
    assert out == ""
    assert "solve: done" not in err


class Term(Exception):
    """What the test's SIGTERM handler raises."""


def raise_term(_signum: int, _frame: object) -> None:
    raise Term


def knapsacks(items: int = 300, rows: int = 30) -> pyo.ConcreteModel:
    """A multi-dimensional 0-1 knapsack (seeded weights and values 10-100, each capacity half its
    row's weight): at a gap of 0 HiGHS needs far longer than a minute on it."""
    rng = np.random.default_rng(1)
    weights = rng.integers(10, 101, size=(rows, items))
    values = rng.integers(10, 101, size=items)
    model = pyo.ConcreteModel()
    model.x = pyo.Var(range(items), domain=pyo.Binary)
    model.rows = pyo.Constraint(range(rows), rule=lambda m, k: sum(int(weights[k, i]) * m.x[i] for i in range(items))
                                <= int(weights[k].sum()) // 2)
    model.value = pyo.Objective(expr=-sum(int(values[i]) * model.x[i] for i in range(items)))
    return model


def test_the_signal_reaches_its_own_handler_once_highs_has_stopped():
    """A SIGTERM handler of the process's own (raising `Term`) runs once HiGHS has stopped, a
    second after the start of a search that would take over a minute, and is in place again
    after the solve; the solve itself gives no report."""
    model = knapsacks()
    handler = signal.signal(signal.SIGTERM, raise_term)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        own = signal.getsignal(signal.SIGTERM)
        started = time.perf_counter()
        timer.start()
        with pytest.raises(Term):
            solve_model(model, SolverSettings(time_limit_s=60.0, rel_gap=0.0))
        assert time.perf_counter() - started < 10
        assert signal.getsignal(signal.SIGTERM) is own
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, handler)


def test_a_reader_that_stops_reading_the_summary_does_not_fail_the_run(folder: Path):
    """`siting solve ... | head -1`: the summary is printed after the files are written, so a
    reader that goes away early leaves a complete folder, exit 0 and no traceback."""
    out_dir = folder / "out"
    process = subprocess.Popen([sys.executable, "cli.py", "solve", str(folder / "scenario.yaml"), "--out", str(out_dir),
                                "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.close()
    err = process.stderr.read() if process.stderr is not None else ""
    assert process.wait(timeout=300) == 0, err
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert (out_dir / "manifest.json").is_file()


def test_a_signal_python_could_not_raise_stops_the_run_at_the_next_phase(tmp_path: Path, monkeypatch, capsys):
    """Python drops an exception raised in a garbage-collection callback ("Exception ignored
    in ..."): a Ctrl-C that lands there must not let the run go on to write its outputs and exit
    0. Simulated: during the export, the command line's SIGINT handler runs inside a callback
    whose KeyboardInterrupt is swallowed. The run stops as the next phase (write) begins: exit
    130, the stop line, no output folder, and the dropped exception is not printed."""
    import weakref

    from siting import cli
    from siting.runs import job

    real_export = job.export_files

    class Holder:
        pass

    def export_with_a_lost_signal(*args, **kwargs):
        held = Holder()
        weakref.finalize(held, cli._raise_stopped, signal.SIGINT, None)  # runs in a GC callback
        del held  # the finalizer's KeyboardInterrupt goes to sys.unraisablehook, not to this frame
        return real_export(*args, **kwargs)

    monkeypatch.setattr(job, "export_files", export_with_a_lost_signal)
    out_dir = tmp_path / "out"
    code = cli.main(["solve", str(ROOT / "tests" / "data" / "small" / "scenario.yaml"), "--out", str(out_dir),
                     "--quiet"])
    err = capsys.readouterr().err
    assert code == 130, err
    assert err.splitlines()[-1] == "stopped by SIGINT: outputs not yet complete were discarded"
    assert "Exception ignored" not in err and "Traceback" not in err
    assert not out_dir.exists()
    assert not [p.name for p in tmp_path.iterdir() if ".siting-" in p.name]


AGAIN_WHILE_PYTHON_ENDS = textwrap.dedent("""
    import os, signal, sys, threading, time
    sys.path.insert(0, sys.argv[1])
    import siting.cli

    def stopped_at_once(args):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the command runs
        time.sleep(30)

    siting.cli.run_command = stopped_at_once
    sys.argv = ["siting", "check", sys.argv[2]]
    if os.environ.get("ENTRY") == "cli.py":
        import cli
        code = cli.run()
    else:
        import siting
        code = siting._command_line()

    def linger():  # a thread still running as Python ends, which Python waits for
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C again, pressed while Python waits
        time.sleep(5)

    threading.Thread(target=linger).start()
    sys.exit(code)
""")


@pytest.mark.parametrize("entry", ["cli.py", "siting"])
def test_ctrl_c_again_while_the_stopped_command_ends_gives_no_traceback(entry: str):
    """Ctrl-C pressed twice: the first stops the command (exit 130, its one line); the second,
    while Python ends (waiting for a thread), ends the process at once, without Python's
    "Exception ignored in: <module 'threading'> ... KeyboardInterrupt" traceback."""
    done = subprocess.run([sys.executable, "-c", AGAIN_WHILE_PYTHON_ENDS, str(ROOT),
                           str(ROOT / "tests" / "data" / "small" / "scenario.yaml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=interruptible,
                          env={**os.environ, "ENTRY": entry})
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == "stopped by SIGINT: outputs not yet complete were discarded"


#: The shipped scenario with its early plan's one-node search (siting/optimize/counts.py
#: `_early_plan`, run in a thread of its own beside the MIP's build and hand-off) slowed by a
#: callback that sleeps 0.2 s at each of its interrupt checks (some 30: 6 s and more); "handing
#: over" is said as the MIP's hand-off to HiGHS begins, while that search runs.
SLOWED_EARLY_SEARCH = textwrap.dedent("""
    import os, sys, time
    import siting.optimize.counts as counts
    from siting.cli import main

    said = os.fdopen(os.dup(1), "w")  # the interface captures standard output while it hands over
    copy, handed_over = counts._highs_copy, counts._handed_over

    def slowed_copy(lp, options, continuous):
        made = copy(lp, options, continuous)
        if not continuous:
            made.cbMipInterrupt.subscribe(lambda event: time.sleep(0.2))
        return made

    def said_handed_over(model):
        print("handing over", file=said, flush=True)
        return handed_over(model)

    counts._highs_copy, counts._handed_over = slowed_copy, said_handed_over
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_early_search_runs_beside_the_build_stops_the_run(tmp_path: Path, signum: int):
    """The shipped scenario, stopped as the MIP's hand-off begins while the early plan's search
    runs in its own thread (slowed to 6 s and more): that search is asked to stop and the run
    ends within 3 s of the signal: exit 128 + signum, the stop line alone, nothing written. A
    signal inside the hand-off is raised once it is done: raised inside the interface's capture
    of the streams, it left a traceback of the capture's reader thread ("Bad file descriptor")
    in about half of such runs."""
    out_dir = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-c", SLOWED_EARLY_SEARCH, "solve", "scenarios/yunnan_2024.yaml",
                                "--out", str(out_dir), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line == "handing over\n", line + (process.stderr.read() if process.stderr is not None else "")
    signalled = time.perf_counter()
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert time.perf_counter() - signalled < 3, err
    assert_stopped(process.returncode, err, signum, tmp_path, out_dir)
    assert out == ""
    assert err == f"stopped by {signal.Signals(signum).name}: outputs not yet complete were discarded\n"
