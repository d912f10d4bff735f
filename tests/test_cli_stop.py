"""What the command line says when it is stopped, and what it says when it cannot start.

- A stop (SIGTERM, Ctrl-C) after the output folder was swapped into place, e.g. while the summary
  is printed, leaves the complete folder: the stop line says so and names it, for `solve` and for
  a batch (whose runs are written inside its staging folder first: those are not named). A stop
  before that discards everything: "outputs not yet complete were discarded", no folder. A
  signal that arrives during the swap waits for its renames, so the new folder is complete then
  too, and the folder it replaced is not left behind.
- `python3 cli.py ...` with a Python that lacks a package the tool needs says which one and how
  to install the tool, in one line, exit 2; a missing module of the tool itself is a bug and
  shows its traceback.
- `solver.threads` is refused above MAX_THREADS (HiGHS starts one thread per count).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from siting import cli
from siting.config.schema import MAX_THREADS
from siting.deliver import folders
from siting.deliver.folders import MARKER
from tests.conftest import MadeRun, copied, edit

ROOT = Path(__file__).parent.parent


def send_sigterm(*_args: object, **_kwargs: object) -> None:
    """Stands in for a function the command calls: the process receives SIGTERM there."""
    os.kill(os.getpid(), signal.SIGTERM)


def leftovers(parent: Path) -> list[str]:
    """Staging or replaced folders of a run left beside its output folder."""
    return sorted(p.name for p in parent.iterdir() if ".siting-" in p.name)


def test_a_stop_while_the_summary_is_printed_names_the_complete_folder(folder: Path, monkeypatch, capsys):
    """SIGTERM once `solve` has written its folder (in place of printing the summary): exit 143,
    the stop line names the folder as complete, and the folder holds every output."""
    monkeypatch.setattr(cli, "format_summary", send_sigterm)
    out = folder.parent / "out"
    code = cli.main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 143, err
    assert err == f"stopped by SIGTERM after the outputs were written to {out.resolve()} (complete)\n"
    assert (out / MARKER).is_file() and (out / "manifest.json").is_file() and (out / "plan.gpkg").is_file()
    assert folders.foreign_files(out) == [] and folders.changed_files(out) == []
    assert leftovers(folder.parent) == []


def press_ctrl_c(*_args: object, **_kwargs: object) -> None:
    """Stands in for a function the command calls: Ctrl-C is pressed there."""
    raise KeyboardInterrupt


class TerminalErr(io.StringIO):
    """Standard error on a terminal, where Ctrl-C is pressed: what is written to it is kept."""

    def isatty(self) -> bool:
        return True


def test_ctrl_c_that_cuts_an_import_short_says_one_line_on_a_terminal(folder: Path, monkeypatch):
    """Ctrl-C in the first second, while a package is imported (pyproj, say, left half set up,
    so that importing it again fails): on a terminal the command still ends with its one line and
    exit code 130, no traceback; the stop line is not laid out then (siting/deliver/tables.py
    cannot be imported), and nothing written means nothing to import for the notes after it."""
    monkeypatch.setattr(cli, "run_command", press_ctrl_c)
    monkeypatch.setitem(sys.modules, "siting.deliver.tables", None)  # importing it fails, as after a cut import
    monkeypatch.setattr(cli, "written_folders", lambda: None)
    err = TerminalErr()
    monkeypatch.setattr(sys, "stderr", err)
    code = cli.main(["show", str(folder / "scenario.yaml")])
    assert code == 130, err.getvalue()
    assert err.getvalue() == "stopped by SIGINT: outputs not yet complete were discarded\n"


def test_a_second_ctrl_c_while_the_notes_are_made_leaves_the_one_stop_line(folder: Path, monkeypatch):
    """Ctrl-C during the command, then again while the notes after the stop line are made (their
    first import, siting/deliver/tables.py, can take a second at start-up): the command returns
    130 with its one stop line; the second Ctrl-C went up out of `main`, and cli.py `run`
    printed a second stop line for it (seen once in 12 double Ctrl-Cs 1.1 s after the start)."""
    monkeypatch.setattr(cli, "run_command", press_ctrl_c)
    monkeypatch.setattr(cli, "left_lines", press_ctrl_c)
    err = TerminalErr()
    monkeypatch.setattr(sys, "stderr", err)
    code = cli.main(["show", str(folder / "scenario.yaml")])
    assert code == 130, err.getvalue()
    assert err.getvalue() == "stopped by SIGINT: outputs not yet complete were discarded\n"


def test_ctrl_c_while_the_notes_after_a_finished_command_are_made_is_a_stop(folder: Path, monkeypatch):
    """A command that ended without a stop, Ctrl-C pressed while its notes are made: the stop goes
    up out of `main` (cli.py `run` says it was stopped), as before."""
    monkeypatch.setattr(cli, "run_command", lambda args: 0)
    monkeypatch.setattr(cli, "left_lines", press_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["show", str(folder / "scenario.yaml")])


def test_a_stop_before_the_write_discards_and_forgets_an_earlier_run(folder: Path, monkeypatch, capsys):
    """A first run in the same process writes its folder; a second, stopped by SIGTERM during
    its export (before anything is written), says the outputs were discarded (not that the first
    run's folder is complete: the record starts again with each command) and leaves no folder."""
    from siting.runs import job

    first, second = folder.parent / "first", folder.parent / "second"
    assert cli.main(["solve", str(folder / "scenario.yaml"), "--out", str(first)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(job, "export_files", send_sigterm)
    code = cli.main(["solve", str(folder / "scenario.yaml"), "--out", str(second)])
    err = capsys.readouterr().err
    assert code == 143, err
    assert err == "stopped by SIGTERM: outputs not yet complete were discarded\n"
    assert not second.exists()
    assert leftovers(folder.parent) == []


def test_a_signal_during_the_swap_waits_for_it_and_leaves_nothing_behind(small_run: MadeRun, folder: Path,
                                                                          monkeypatch, capsys):
    """SIGTERM while the renames of the swap are under way (signals held) replacing an earlier
    run's folder: it is raised once both renames are done, so the new folder is in place and
    complete, the stop line says so, and the earlier folder (renamed aside) is removed. The
    earlier run's folder is a copy of conftest's `small_run` (`siting solve` of the same inputs)."""
    out = copied(small_run.out, folder.parent / "out")
    edit(folder / "scenario.yaml", "rel_gap: 0", "rel_gap: 0\n  random_seed: 3")  # the new manifest differs
    held = folders._signals_held

    @contextlib.contextmanager
    def signalled_while_held() -> Iterator[None]:
        with held():
            os.kill(os.getpid(), signal.SIGTERM)  # pending until the renames are done
            yield

    monkeypatch.setattr(folders, "_signals_held", signalled_while_held)
    code = cli.main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 143, err
    assert err == f"stopped by SIGTERM after the outputs were written to {out.resolve()} (complete)\n"
    assert '"random_seed": 3' in (out / "manifest.json").read_text()
    assert folders.foreign_files(out) == [] and folders.changed_files(out) == []
    assert leftovers(folder.parent) == []


def test_a_stop_after_a_batch_was_written_names_the_batch_folder_only(folder: Path, monkeypatch, capsys):
    """`compare` in this process (--workers 1: its runs are written into the batch's staging
    folder first), SIGTERM once the batch folder is in place (in place of printing its table):
    the stop line names the batch folder alone, which holds both runs."""
    monkeypatch.setattr(cli, "batch_report", send_sigterm)
    out = folder.parent / "cmp"
    scenario = str(folder / "scenario.yaml")
    code = cli.main(["compare", scenario, scenario, "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 143, err
    assert err == f"stopped by SIGTERM after the outputs were written to {out.resolve()} (complete)\n"
    assert (out / "comparison.csv").is_file()
    assert sorted(p.name for p in out.iterdir() if (p / MARKER).is_file()) == ["small", "small-2"]
    assert leftovers(folder.parent) == []


# ---------------------------------------------------------------------------------------------
# a Python without the tool's packages

#: cli.py run as `python cli.py ...` runs it, in a Python where the module named first on the
#: command line and those inside it are not installed: Python's import says "No module named ..."
#: naming the first of them that an import meets, as for a package that is not there.
WITHOUT = """
import runpy, sys

hidden = sys.argv.pop(1)


class NotInstalled:
    def find_spec(self, fullname, path=None, target=None):
        if fullname == hidden or fullname.startswith(hidden + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


sys.meta_path.insert(0, NotInstalled())
sys.argv[0] = "cli.py"
runpy.run_path("cli.py", run_name="__main__")
"""


def run_without(module: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WITHOUT, module, *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def missing_line(package: str, argv: str) -> str:
    return (f"error: the Python package '{package}' is missing from this Python ({sys.executable}); install the "
            "tool with its packages from the folder of cli.py: python3 -m venv .venv && .venv/bin/python -m pip "
            f"install -e . then run it as .venv/bin/python cli.py {argv}\n")


def test_a_missing_package_is_named_with_the_install_command(tmp_path: Path):
    """Pyomo not importable: `solve` (which imports it only when it builds the model) says which
    package is missing and how to install, in one line, exit 2, nothing written."""
    out = tmp_path / "out"
    argv = ["solve", "tests/data/small/scenario.yaml", "--out", str(out)]
    done = run_without("pyomo", *argv)
    assert done.returncode == 2, done.stderr
    assert done.stderr == missing_line("pyomo", " ".join(argv))
    assert done.stdout == ""
    assert not out.exists()


def test_a_package_missing_at_import_is_named_by_its_install_name():
    """PyYAML (module `yaml`) not importable: named as pip names it."""
    done = run_without("yaml", "show", "tests/data/small/scenario.yaml")
    assert done.returncode == 2, done.stderr
    assert done.stderr == missing_line("pyyaml", "show tests/data/small/scenario.yaml")


def test_a_python_without_any_of_the_packages_says_so_in_one_line():
    """`python -S cli.py ...` (no site-packages: a system Python without the tool installed):
    one line naming a missing package, exit 2, no traceback."""
    done = subprocess.run([sys.executable, "-S", "cli.py", "show", "tests/data/small/scenario.yaml"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error: the Python package '")
    assert "Traceback" not in done.stderr


def test_too_old_a_python_says_so_in_one_line():
    """A Python older than 3.11 (the running one, made to report 3.9.7): one line naming the
    version needed, exit 2, before anything of the tool is imported."""
    fake = ("import runpy, sys; sys.version_info = (3, 9, 7, 'final', 0); sys.version = '3.9.7 (main)'; "
            "sys.argv[0] = 'cli.py'; runpy.run_path('cli.py', run_name='__main__'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'siting'))")
    done = subprocess.run([sys.executable, "-c", fake, "show", "s.yaml"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"error: the tool needs Python 3.11 or newer (this Python, {sys.executable}, is 3.9.7); "
                           "install the tool with its packages from the folder of cli.py: python3 -m venv .venv && "
                           ".venv/bin/python -m pip install -e . then run it as .venv/bin/python cli.py show s.yaml\n")


@pytest.mark.parametrize("module", ["siting.config.load", "yaml.constructor"])
def test_a_missing_module_of_the_tool_or_inside_a_package_shows_its_traceback(module: str):
    """A module of `siting` that cannot be imported is a bug, and one missing inside a package
    that is there a broken install, not a package to install: the traceback shows, exit 1."""
    done = run_without(module, "show", "tests/data/small/scenario.yaml")
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert done.stderr.splitlines()[-1] == f"ModuleNotFoundError: No module named '{module}'"


# ---------------------------------------------------------------------------------------------
# solver.threads


def test_threads_up_to_the_limit_are_accepted(folder: Path, capsys):
    """`show` takes MAX_THREADS threads (1024) as given."""
    assert MAX_THREADS == 1024
    assert cli.main(["show", str(folder / "scenario.yaml"), "--set", f"solver.threads={MAX_THREADS}"]) == 0
    assert "  threads: 1024\n" in capsys.readouterr().out


THREADS_PROBLEM = ("solver.threads | must be at most 1024 (got 10000): HiGHS starts a thread for each, and more "
                   "threads than the machine has cores only slow the solve; give the number of cores to use, "
                   "from 1 to 1024, e.g. 2")


def test_absurd_threads_in_the_scenario_are_refused(folder: Path, capsys):
    """`solver: {threads: 10000}`: refused before anything is solved, naming the file, the line,
    the key, what is wrong and the range; exit 2, no traceback, no folder."""
    edit(folder / "scenario.yaml", "rel_gap: 0", "rel_gap: 0\n  threads: 10000")
    out = folder / "out"
    code = cli.main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.replace(str(folder) + "/", "") == (f"error: 1 problem in the input:\n  - scenario.yaml:35: "
                                                  f"{THREADS_PROBLEM}\n")
    assert not out.exists()


@pytest.mark.parametrize("command", ["show", "solve"])
def test_absurd_threads_on_the_command_line_are_refused(folder: Path, capsys, command: str):
    """`--set solver.threads=10000`, for `show` as for `solve`."""
    out = folder / "out"
    argv = [command, str(folder / "scenario.yaml"), "--set", "solver.threads=10000"]
    code = cli.main(argv + (["--out", str(out)] if command == "solve" else []))
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.replace(str(folder) + "/", "") == (f"error: 1 problem in the input:\n  - scenario.yaml: --set "
                                                  f"{THREADS_PROBLEM}\n")
    assert not out.exists()
