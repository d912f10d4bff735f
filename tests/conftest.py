"""Shared test settings: the command line run in-process prints no progress unless a test asks
for it, so that tests matching a whole error message see that message alone
(tests/test_progress.py checks the progress itself). `folder` gives a test its own copy of the
small scenario; `edit` changes one exact passage of a copied file; `run_bad` solves a scenario
that must be refused as bad input.

Runs that several test files read but never change are made once per test session, whichever
pytest-xdist worker asks first (`made_once`): `small_run` (the small scenario solved as
`siting solve` does) and `small_rerun` (the same, solved again apart), `small_rule_costs_run`
(the same with `--rule-costs`), `small_alternatives_run` (the same with `--alternatives 2`),
`small_one_alternative_run` (the same with `--alternatives 1`), `small_compare_run` (it compared
with a variant asking 20 GWh/yr of cells), `small_loose_compare_run` (it compared with a variant
asking 20 GWh/yr of cells to a gap of 50 %, without the sales rounding rows),
`small_twice_compare_run` (it compared with itself), `provenance_run` (tests/test_gis_outputs.py's
`small_with_provenance`), `small_demo_run` (it solved with exactly one cells demonstration of 10
GWh/yr), `calibration_choose_run` (`calibration_choose_case` solved), `shipped_first_node_run`
(the shipped scenario stopped after its first branch-and-bound node) and
`shipped_first_node_alternative_run` (the same solve with one near-optimal alternative). Their
folders are read-only for the tests: a test that changes an output folder copies it first
(`copied`). `dask_guarded_run` and
`dask_unguarded_run` are a script calling `siting.compare(..., scheduler="local")` under
`if __name__ == "__main__":` and at its top level, each run once for the session in a process
of its own (`dask_script_run`)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyomo.environ as pyo
import pyproj
import pytest
import shapely

try:
    import fcntl
except ImportError:  # not on Windows: each worker then makes its own copy
    fcntl = None  # type: ignore[assignment]

SMALL = Path(__file__).parent / "data" / "small"
ROOT = SMALL.parents[2]

#: The bytecode folders `pytest_configure` made beside the project's sources, removed at the end.
MADE_BYTECODE = pytest.StashKey[list[Path]]()


def pytest_configure(config: pytest.Config) -> None:
    """Where PYTHONDONTWRITEBYTECODE is set, every process the tests start (a command line run
    apart, a Dask cluster's workers, QGIS's scripts importing the tool) would compile the
    project's modules from source again, about 0.6 s of CPU each: they are compiled once here,
    beside their sources, as Python itself does where that variable is not set (the installed
    packages keep the bytecode pip wrote; a script run as `python cli.py` is never read from
    bytecode). Done by pytest-xdist's controller before its workers
    start; the `__pycache__` folders made are removed when the session ends, so that the checkout
    is left as it was found."""
    if hasattr(config, "workerinput") or not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return
    import compileall

    sources = [ROOT / "siting", ROOT / "models"]
    before = {path for source in sources for path in source.rglob("__pycache__")}
    for source in sources:
        compileall.compile_dir(source, quiet=2)
    made = {path for source in sources for path in source.rglob("__pycache__")}
    config.stash[MADE_BYTECODE] = sorted(made - before)


def pytest_unconfigure(config: pytest.Config) -> None:
    """The bytecode folders `pytest_configure` made, removed."""
    for path in config.stash.get(MADE_BYTECODE, []):
        shutil.rmtree(path, ignore_errors=True)


#: The lead-time notice of tests/data/small over 2024 alone (siting/prepare/checks.py
#: `lead_time_notices`), as its files give it, and EARLY_NOTE_LINES as the terminal prints it from the
#: scenario's folder: wrapped at 120 characters, the lines after the first indented.
EARLY_NOTICE = (
    "scenario.yaml:19: targets.capacity.cells.2024 | no module of Cells added within the plan can count toward "
    "the 2024 target (Cells: lead time 1 yr; a module decided in 2024, the plan's first year, first produces in "
    "2025 at the earliest): only existing and committed capacity can meet it; start the plan in 2023 or earlier "
    "(years), or shorten lead_time_yr in the catalog to 0 yr")

EARLY_NOTE_LINES = (
    "note: scenario.yaml:19: targets.capacity.cells.2024 | no module of Cells added within the plan can count toward "
    "the\n"
    "  2024 target (Cells: lead time 1 yr; a module decided in 2024, the plan's first year, first produces in 2025 at "
    "the\n"
    "  earliest): only existing and committed capacity can meet it; start the plan in 2023 or earlier (years), or "
    "shorten\n"
    "  lead_time_yr in the catalog to 0 yr\n")


@contextlib.contextmanager
def without_sales_rounding():
    """The count relaxation without its sales rounding rows (models/sales_rounding.py), in this
    process, while the block runs. For the tests of what happens after a loose run stops at a
    plan dearer than the optimum (cross-starts, nesting, runs within solver tolerance): with the
    rows, the small scenario's first plan at any gap up to 80 % is its optimum, so no run stops
    dearer. The rows are valid for every plan and change no optimum; what those tests check
    does not depend on them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("siting.optimize.counts.add_sales_rounding", lambda *_args, **_kwargs: None)
        yield


@pytest.fixture(scope="module")
def plain_relaxation():
    """`without_sales_rounding` for a whole test module (use it autouse in the module)."""
    with without_sales_rounding():
        yield
SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of tests/data/small in the test's temporary folder."""
    target = tmp_path / "small"
    shutil.copytree(SMALL, target)
    return target


def calibration_choose_case(tmp_path: Path) -> Path:
    """A copy of tests/data/small in `tmp_path`/case with plants.yaml, one real LFP plant of
    1,000 t/yr at w_mine producing in 2024, which the plan outgrows (tests/test_calibration_quantity.py),
    and calibration.yaml, the small scenario in calibration mode choose against it (within 1 km):
    the path of calibration.yaml."""
    case = tmp_path / "case"
    shutil.copytree(SMALL, case)
    (case / "plants.yaml").write_text(
        "- {id: l1, name: L1, site: w_mine, product: lfp, capacity: 1000, online_year: 2024, status: producing, "
        "source: 'assumption: invented for tests'}\n")
    path = case / "calibration.yaml"
    path.write_text("extends: scenario.yaml\nname: calibration\n"
                    "calibration: {mode: choose, reference: plants.yaml, distance_km: 1}\n")
    return path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path` by `new` (fails when `old` is not
    there exactly once)."""
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def run_bad(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Solve `folder`/scenario.yaml, expecting exit 2 without a traceback or an output folder; the
    message with the folder's path taken out."""
    from siting.cli import main

    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()
    return captured.err.replace(str(folder) + "/", "")


#: The problem of `--set catalog=nope.yaml` (`NO_CATALOG`) run from the scenario's folder.
MISSING_CATALOG = ("  - scenario.yaml: --set catalog | no such file (got 'nope.yaml'); give the path of the catalog "
                   "file (a relative path in --set starts at the current folder)")
NO_CATALOG = ("--set", "catalog=nope.yaml")


def spoil_catalog_schema(folder: Path) -> None:
    """Make `folder`/catalog.yaml fail its schema (its key `price_paths` misspelt)."""
    edit(folder / "catalog.yaml", "price_paths:", "price_pathz:")


#: The one problem `spoil_catalog_schema` makes, as the command line lists it: the misspelt key
#: beside the required key it misses.
SPOILED_CATALOG = "  - catalog.yaml:3: price_pathz | unknown key; did you mean 'price_paths' (required, missing)?"


def refused_lines(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> list[str]:
    """The lines of standard error of `siting <command>`, refused (exit 2, no traceback), with the
    path of `folder` taken out."""
    from siting.cli import main

    code = main(command)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.replace(str(folder) + "/", "").splitlines()


@pytest.fixture(autouse=True)
def quiet_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """No progress, and the printed tables of `compare` and `sweep` in 120 columns as on a file,
    whatever COLUMNS the shell exports (siting/deliver/tables.py `terminal_width`)."""
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    monkeypatch.delenv("COLUMNS", raising=False)


def alive(pid: int) -> bool:
    """Whether the process `pid` runs (exists and is no zombie), read from /proc (Linux)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _raise_keyboard_interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def usr1_stops_the_main_thread() -> Iterator[None]:
    """While the block runs, SIGUSR1 raises KeyboardInterrupt in the main thread, as Ctrl-C does
    there (`signal.pthread_kill(main, signal.SIGUSR1)` from another thread stops the call under way
    at a chosen moment); the previous handler is restored after."""
    previous = signal.signal(signal.SIGUSR1, _raise_keyboard_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGUSR1, previous)


def interruptible() -> None:
    """`preexec_fn` of a child process a test stops with SIGINT: Ctrl-C as in a terminal. A child
    of a background job inherits SIGINT ignored (the shell sets it so), and the tool rightly keeps
    an ignored SIGINT ignored, so without this the test would wait for a run that never stops."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: The start of a script `stopped_while_importing` runs: an import hook that raises
#: KeyboardInterrupt, as Ctrl-C would, when the tool's modules are being imported.
INTERRUPTING_IMPORT = """
import runpy
import sys


class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "siting.config.progress":
            raise KeyboardInterrupt
        return None


sys.meta_path.insert(0, Interrupting())
"""


def stopped_while_importing(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`INTERRUPTING_IMPORT` and then `script` (which starts the command) run by the test's Python
    in a new process from `cwd`, with the repository as its only PYTHONPATH and /usr/bin:/bin as
    its PATH: its exit code and what it printed."""
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-c", INTERRUPTING_IMPORT + script], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=120)


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `make(folder)` once in the test session: under pytest-xdist
    the first worker to ask makes it while holding a lock, and the others wait for it and find it
    made (without fcntl, or without xdist, in this process's own temporary folder). A `make`
    that fails leaves no folder, so the next to ask tries again and fails the same way."""
    base = factory.getbasetemp()
    if fcntl is not None and os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, shared by its workers
    root = base / "made_once"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


def copied(folder: Path, target: Path) -> Path:
    """A copy of `folder` at `target` (symbolic links kept as links), for a test to change."""
    shutil.copytree(folder, target, symlinks=True)
    return target


@dataclass(frozen=True)
class MadeRun:
    """A command line run made once for the session (`made_once`): `out` its output folder,
    `scenarios` the scenario files it ran (in a copy of their inputs), `stdout` what it printed.
    Read-only: copy `out` (`copied`) before changing anything in it."""

    out: Path
    scenarios: tuple[Path, ...]
    stdout: str

    @property
    def scenario(self) -> Path:
        """The first scenario file (a solve's only one)."""
        return self.scenarios[0]


def small_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small: [its scenario.yaml]."""
    shutil.copytree(SMALL, folder / "small")
    return [folder / "small" / "scenario.yaml"]


def compared_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small with b.yaml, which asks 20 GWh/yr of cells in
    2024 instead of 10: [scenario.yaml, b.yaml]."""
    (scenario,) = small_inputs(folder)
    b = scenario.parent / "b.yaml"
    b.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    return [scenario, b]


def later_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small with later.yaml, whose objective counts 3 years
    after the horizon (the small scenario counts none: the two objectives weigh the years
    differently, so the runs are not comparable): [scenario.yaml, later.yaml]."""
    (scenario,) = small_inputs(folder)
    later = scenario.parent / "later.yaml"
    later.write_text("extends: scenario.yaml\nname: later\nobjective: {years_after_horizon: 3}\n", encoding="utf-8")
    return [scenario, later]


def first_node_inputs(folder: Path) -> list[Path]:
    """[`folder`/first_node.yaml]: the shipped scenario stopped after one branch-and-bound node
    (HiGHS's `mip_max_nodes: 1`, deterministic), a real plan in seconds."""
    variant = folder / "first_node.yaml"
    variant.write_text(f"extends: {SHIPPED}\nname: first_node\nsolver:\n  options: {{mip_max_nodes: 1}}\n")
    return [variant]


def provenance_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small, made `small_with_provenance`
    (tests/test_gis_outputs.py): text columns on its sites, counties as its context layer and
    the candidate cells of zone a; [its scenario.yaml]."""
    from test_gis_outputs import small_with_provenance

    shutil.copytree(SMALL, folder / "small")
    return [small_with_provenance(folder / "small")]


def run_once(factory: pytest.TempPathFactory, name: str, inputs: Callable[[Path], list[Path]],
             command: str = "solve", extra: tuple[str, ...] = (), out_name: str = "out") -> MadeRun:
    """`siting <command> <scenarios> --out <out_name> <extra>` on the scenario files
    `inputs(folder)` writes, made once for the session (`made_once`) with the progress off, as
    `quiet_command_line` leaves it for a test."""
    def make(folder: Path) -> None:
        from siting.cli import main

        scenarios = inputs(folder)
        (folder / "scenarios.txt").write_text("".join(f"{path}\n" for path in scenarios), encoding="utf-8")
        printed = io.StringIO()
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
            patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
            patch.delenv("COLUMNS", raising=False)
            code = main([command, *map(str, scenarios), "--out", str(folder / out_name), *extra])
        assert code == 0, printed.getvalue()
        (folder / "stdout.txt").write_text(printed.getvalue(), encoding="utf-8")

    folder = made_once(factory, name, make)
    scenarios = tuple(Path(line) for line in (folder / "scenarios.txt").read_text(encoding="utf-8").splitlines())
    return MadeRun(folder / out_name, scenarios, (folder / "stdout.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The small scenario (tests/data/small) solved as `siting solve scenario.yaml --out out`
    does: read-only, shared by the tests of the session."""
    return run_once(tmp_path_factory, "small", small_inputs)


@pytest.fixture(scope="session")
def small_rerun(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """A second `small_run`, solved apart from it (another copy of the same inputs, another
    solve), for the tests that two runs of the same inputs give the same bytes: read-only."""
    return run_once(tmp_path_factory, "small_again", small_inputs)


@pytest.fixture(scope="session")
def small_rule_costs_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The small scenario solved with `--rule-costs`: read-only, shared by the session."""
    return run_once(tmp_path_factory, "small_rule_costs", small_inputs, extra=("--rule-costs",))


@pytest.fixture(scope="session")
def small_alternatives_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The small scenario solved with `--alternatives 2`: read-only, shared by the session."""
    return run_once(tmp_path_factory, "small_alternatives", small_inputs, extra=("--alternatives", "2"))


@pytest.fixture(scope="session")
def small_one_alternative_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The small scenario solved with `--alternatives 1 --quiet`: read-only, shared by the
    session."""
    return run_once(tmp_path_factory, "small_one_alternative", small_inputs, extra=("--alternatives", "1", "--quiet"))


@pytest.fixture(scope="session")
def small_compare_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting compare scenario.yaml b.yaml --workers 1` on `compared_inputs`: read-only, shared
    by the tests of the session."""
    return run_once(tmp_path_factory, "small_compare", compared_inputs, "compare", ("--workers", "1"))


@pytest.fixture(scope="session")
def not_comparable_compare_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting compare scenario.yaml later.yaml` on `later_inputs`, two runs whose objectives weigh
    the years differently: read-only, shared by the tests of the session."""
    return run_once(tmp_path_factory, "not_comparable_compare", later_inputs, "compare")


def loose_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small with loose.yaml, which asks 20 GWh/yr of cells
    in 2024 instead of 10 to a gap of 50 %: [scenario.yaml, loose.yaml]."""
    (scenario,) = small_inputs(folder)
    loose = scenario.parent / "loose.yaml"
    loose.write_text("extends: scenario.yaml\nname: loose\ntargets:\n  capacity:\n    cells: {2024: 20}\n"
                     "solver:\n  rel_gap: 0.5\n", encoding="utf-8")
    return [scenario, loose]


@pytest.fixture(scope="session")
def small_loose_compare_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting compare scenario.yaml loose.yaml --out out` on `loose_inputs`, solved without the
    count relaxation's sales rounding rows (`without_sales_rounding`: the loose run then ends
    within solver tolerance of the base, not on its optimum): read-only, shared by the tests of
    the session."""
    with without_sales_rounding():
        return run_once(tmp_path_factory, "small_loose_compare", loose_inputs, "compare")


def twice_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small: [its scenario.yaml, twice]."""
    return small_inputs(folder) * 2


@pytest.fixture(scope="session")
def small_twice_compare_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting compare scenario.yaml scenario.yaml --out cmp --workers 1` on a copy of the small
    scenario (runs small/ and small-2/): read-only, shared by the tests of the session."""
    return run_once(tmp_path_factory, "small_twice_compare", twice_inputs, "compare", ("--workers", "1"), "cmp")


def shipped_first_node_runs(factory: pytest.TempPathFactory) -> tuple[MadeRun, MadeRun]:
    """Two runs of the shipped scenario stopped after its first node (`first_node_inputs`), made
    once for the session (`made_once`) from one solve, the slowest part of each: `siting solve
    first_node.yaml --out out`, as `run_once` runs it, and the same solve with one near-optimal
    alternative in `alternatives`, as `siting solve first_node.yaml --alternatives 1` writes it.
    The second is `siting.alternatives(solution, n=1).write(...)` on the first's solve taken as a
    `siting.Solution`: the command line's bytes but for the manifests' `run` timings
    (tests/test_api.py checks that on the small scenario). It printed nothing: its `stdout` is
    empty."""
    def make(folder: Path) -> None:
        import siting
        import siting.runs.job as job
        from siting.api import Problem, Solution
        from siting.cli import main
        from siting.prepare.problem import redline_settings

        (scenario,) = first_node_inputs(folder)
        (folder / "scenarios.txt").write_text(f"{scenario}\n", encoding="utf-8")
        seen: list[tuple[Any, ...]] = []
        solve = job.solve_prepared

        def kept(prepared: Any, settings: Any, timings: dict[str, float], **kwargs: Any) -> Any:
            solved = solve(prepared, settings, timings, **kwargs)
            seen.append((prepared, settings, timings, solved))
            return solved

        printed = io.StringIO()
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
            patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
            patch.setattr(job, "solve_prepared", kept)
            code = main(["solve", str(scenario), "--out", str(folder / "out")])
        assert code == 0, printed.getvalue()
        (folder / "stdout.txt").write_text(printed.getvalue(), encoding="utf-8")
        ((prepared, settings, timings, solved),) = seen  # the one solve of the run
        problem = Problem(prepared, redline_settings(prepared.loaded),
                          {phase: timings[phase] for phase in ("load", "preprocess")})
        solution = Solution._of(problem, settings, solved, dict(timings))
        siting.alternatives(solution, n=1).write(folder / "alternatives")

    folder = made_once(factory, "shipped_first_node", make)
    scenarios = tuple(Path(line) for line in (folder / "scenarios.txt").read_text(encoding="utf-8").splitlines())
    return (MadeRun(folder / "out", scenarios, (folder / "stdout.txt").read_text(encoding="utf-8")),
            MadeRun(folder / "alternatives", scenarios, ""))


@pytest.fixture(scope="session")
def shipped_first_node_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The shipped scenario stopped after its first node (`first_node_inputs`), solved as
    `siting solve` does (`shipped_first_node_runs`): read-only, shared by the tests of the
    session."""
    return shipped_first_node_runs(tmp_path_factory)[0]


@pytest.fixture(scope="session")
def shipped_first_node_alternative_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The same solve with one near-optimal alternative, as `siting solve --alternatives 1`
    writes it (`shipped_first_node_runs`): its plan and alt01's, read-only, shared by the tests
    of the session."""
    return shipped_first_node_runs(tmp_path_factory)[1]


@pytest.fixture(scope="session")
def provenance_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`provenance_inputs` solved: read-only, shared by the tests of the session."""
    return run_once(tmp_path_factory, "small_with_provenance", provenance_inputs)


#: `siting solve` options asking exactly one cells demonstration of 10 GWh/yr.
ONE_CELLS_DEMONSTRATION = tuple(
    arg for key, value in {"enabled": "true", "product": "cells", "min_size": "10", "max_size": "10",
                           "min_sites": "1", "max_sites": "1"}.items()
    for arg in ("--set", f"constraints.recycling_demo.{key}={value}"))


@pytest.fixture(scope="session")
def small_demo_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The small scenario solved as `siting solve scenario.yaml --out out --quiet` with exactly one
    cells demonstration of 10 GWh/yr (`ONE_CELLS_DEMONSTRATION`): read-only, shared by the tests
    of the session."""
    return run_once(tmp_path_factory, "small_demo", small_inputs, extra=("--quiet", *ONE_CELLS_DEMONSTRATION))


@pytest.fixture(scope="session")
def calibration_choose_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`calibration_choose_case` solved as `siting solve calibration.yaml --out out --quiet`:
    read-only, shared by the tests of the session."""
    return run_once(tmp_path_factory, "calibration_choose", lambda folder: [calibration_choose_case(folder)],
                    extra=("--quiet",))


def on_ellipsoid(hectares: float, geometry: shapely.Geometry, crs: str = "EPSG:32648") -> float:
    """`hectares` measured in the projected `crs` (UTM 48N by default) over `geometry`, on the
    ellipsoid, as the project measures land: divided by the CRS's areal scale at the geometry's
    centroid (PROJ's `get_factors`)."""
    centre = shapely.centroid(geometry)
    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(centre.x, centre.y)
    return hectares / pyproj.Proj(crs).get_factors(lon, lat).areal_scale


def plan_layout_spots(out: Path) -> tuple[dict[str, Any], Any]:
    """The layers of the run folder `out` (siting/deliver/files.py `folder_project_layers`) and the
    label spots its plan.qgs print layout gives them (siting/deliver/qgisproject.py
    `layout_label_spots`, over the layout's extent of the project's default view, in its CRS)."""
    import xml.etree.ElementTree as ET

    from siting.deliver.files import folder_project_layers
    from siting.deliver.qgisproject import layout_label_spots, plan_layout_extent

    layers, styles = folder_project_layers(out)
    root = ET.parse(out / "plan.qgs").getroot()
    view = root.find("ProjectViewSettings/DefaultViewExtent")
    assert view is not None
    extent = [float(view.get(key, "")) for key in ("xmin", "ymin", "xmax", "ymax")]
    crs = root.findtext("projectCrs/spatialrefsys/authid", "")
    return layers, layout_label_spots(list(layers.values()), styles["sites"], crs, *plan_layout_extent(extent))


#: A script comparing the small scenario with a wider red-line buffer on a local Dask cluster of
#: two workers, the call and its last line under `if __name__ == "__main__":` when `guard` is.
DASK_SCRIPT = """\
import siting
{guard}siting.compare([{path!r}, {other!r}], out={out!r}, scheduler="local", workers=2)
{indent}print("compared")
"""


@dataclass(frozen=True)
class ScriptRun:
    """A script run once for the session in a process of its own (`dask_script_run`): `folder` its
    current folder, where `out` is its output folder and `temp` the system's temporary folder of
    the process (TMPDIR, empty when it started); its exit code and what it printed. Read-only."""

    folder: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def out(self) -> Path:
        return self.folder / "out"

    @property
    def temp(self) -> Path:
        return self.folder / "temp"


def dask_script_run(factory: pytest.TempPathFactory, guarded: bool) -> ScriptRun:
    """`DASK_SCRIPT` (guarded or not) run by the test's Python in a new process, from a folder of
    its own, with that folder's temp/ as the system's temporary folder (TMPDIR, and no
    DASK_TEMPORARY_DIRECTORY): made once for the session (`made_once`)."""
    def make(folder: Path) -> None:
        small = SMALL / "scenario.yaml"
        other = folder / "wider_buffer.yaml"
        other.write_text(f"extends: {small}\nname: wider_buffer\nconstraints:\n  redline: {{buffer_m: 2000}}\n",
                         encoding="utf-8")
        script = folder / ("guarded.py" if guarded else "unguarded.py")
        script.write_text(DASK_SCRIPT.format(guard='if __name__ == "__main__":\n    ' if guarded else "",
                                             indent="    " if guarded else "", path=str(small), other=str(other),
                                             out=str(folder / "out")), encoding="utf-8")
        (folder / "temp").mkdir()
        env = {key: value for key, value in os.environ.items() if key != "DASK_TEMPORARY_DIRECTORY"}
        env["TMPDIR"] = str(folder / "temp")
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=folder,
                              env=env)
        for name, text in (("returncode", str(done.returncode)), ("stdout", done.stdout), ("stderr", done.stderr)):
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")

    folder = made_once(factory, "dask_guarded" if guarded else "dask_unguarded", make)
    returncode, stdout, stderr = ((folder / f"{name}.txt").read_text(encoding="utf-8")
                                  for name in ("returncode", "stdout", "stderr"))
    return ScriptRun(folder, int(returncode), stdout, stderr)


@pytest.fixture(scope="session")
def dask_guarded_run(tmp_path_factory: pytest.TempPathFactory) -> ScriptRun:
    """`DASK_SCRIPT` with the guard, run once for the session (`dask_script_run`): read-only."""
    return dask_script_run(tmp_path_factory, guarded=True)


@pytest.fixture(scope="session")
def dask_unguarded_run(tmp_path_factory: pytest.TempPathFactory) -> ScriptRun:
    """`DASK_SCRIPT` without the guard, run once for the session (`dask_script_run`): read-only."""
    return dask_script_run(tmp_path_factory, guarded=False)


def knapsack() -> pyo.ConcreteModel:
    """min -(5a + 4b + 3c) with 2a + 3b + c <= 4, a, b, c binary. By hand: a and b weigh 5, over 4;
    of the pairs that fit, a + c (weight 3) earns 8 and b + c (weight 4) earns 7; a + b + c weighs
    6. The optimum is a = c = 1, b = 0, of cost -8."""
    m = pyo.ConcreteModel()
    m.a, m.b, m.c = (pyo.Var(domain=pyo.Binary) for _ in range(3))
    m.weight = pyo.Constraint(expr=2 * m.a + 3 * m.b + m.c <= 4)
    m.cost = pyo.Objective(expr=-(5 * m.a + 4 * m.b + 3 * m.c))
    return m


class LostTaskFuture:
    """A Dask future already done: its value, or its error raised by `result`."""

    def __init__(self, value: object = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error

    def add_done_callback(self, callback) -> None:
        callback(self)

    def result(self) -> object:
        if self.error is not None:
            raise self.error
        return self.value


class LostTaskClient:
    """A client whose first submission of each task is heard to begin `begins` times and then lost
    with two workers (allowed-failures 1); a submission again runs the task. Its subscriptions are
    kept by topic, whatever their order: a task's beginnings go to the handler of the topic it was
    submitted with, and no other."""

    def __init__(self, begins: int) -> None:
        self.begins = begins
        self.keys: list[str] = []
        self.handlers: dict[str, Callable[[Any], None]] = {}

    def subscribe_topic(self, topic, handler) -> None:
        self.handlers[topic] = handler

    def unsubscribe_topic(self, topic) -> None:
        self.handlers.pop(topic, None)

    def cancel(self, _futures) -> None:
        pass

    def submit(self, _announced, topic, number, call, *args, key, **_kwargs) -> LostTaskFuture:
        from distributed import KilledWorker

        self.keys.append(key)
        again = "-again" in key
        handler = self.handlers.get(topic, lambda _event: None)  # (an event nobody subscribed to is lost)
        for _ in range(1 if again else self.begins):
            handler((0.0, number))
        if again:
            return LostTaskFuture(call(*args))
        return LostTaskFuture(error=KilledWorker(key, SimpleNamespace(address="tcp://127.0.0.1:40000"), 1))


class WorkerCheckClient:
    """A connected Dask client whose workers answer `run` (the checks `pool.dask_client` makes as a
    batch connects): an answer that is callable is called with the function handed and its
    arguments, as a worker runs it (`answer(function, args)`); any other answer is returned as it
    is (a value, an exception a worker raised, None)."""

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers

    def run(self, function, *args, on_error="raise", **_kwargs):
        assert on_error == "return"
        return {address: answer(function, args) if callable(answer) else answer
                for address, answer in self.answers.items()}

    def nthreads(self) -> dict[str, int]:
        return {address: 1 for address in self.answers}

    def close(self) -> None:
        pass


def connect_to_workers(monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]) -> list[str]:
    """What `pool.dask_client` says as it connects to a scheduler whose workers give `answers`
    (`WorkerCheckClient`); its error when it refuses them."""
    from siting.runs import pool

    monkeypatch.setattr(pool, "_connected", lambda _type, _scheduler: WorkerCheckClient(answers))
    said: list[str] = []
    with pool.dask_client("tcp://127.0.0.1:8786", 2, said.append):
        pass
    return said


def beats_then_stop(count: int) -> Callable[[], None]:
    """A batch's beat (siting/runs/pool.py `_Hooks`) that raises AssertionError("the batch still
    waits") on its `count`-th call: a test's bound on a batch that would otherwise wait for ever."""
    beats = [0]

    def beat() -> None:
        beats[0] += 1
        if beats[0] >= count:
            raise AssertionError("the batch still waits")

    return beat


def dask_stop_hooks(beats: int) -> Any:
    """The hooks of a Dask batch (siting/runs/pool.py `_Hooks`) that hear nothing, give a lost run's
    reason as its result and stop the batch with AssertionError("the batch still waits") on the
    `beats`-th beat (`beats_then_stop`)."""
    from siting.runs import pool

    return pool._Hooks(lambda _label: None, lambda _i, _result: None, beats_then_stop(beats), lambda _i, why: why)


class WaitingFuture:
    """A Dask future that never ends."""

    def add_done_callback(self, _callback: Any) -> None:
        pass


def memory_restart_event(n: int, worker: str = "") -> dict[str, Any]:
    """The event of a nanny restarting its worker for memory, the `n`-th of a test (pid 100 + `n`,
    30 MB held), at `worker` (by default tcp://127.0.0.1:40000 + `n`)."""
    return {"worker": worker or f"tcp://127.0.0.1:{40000 + n}", "pid": 100 + n, "rss": 31_457_280}


class WaitingClient:
    """The little of a Dask client `_run_on_dask` uses, on which no task ever begins or ends: a
    handler per topic (a subscription replaces it, an unsubscription drops it), the futures
    cancelled kept in `cancelled`, and the scheduler showing no task under way (`processing`).
    `restart_for_memory` passes a nanny's restart for memory to the handler of Dask's topic
    "worker-restart-memory", as the scheduler does (siting/runs/pool.py `MEMORY_TOPIC` must be it)."""

    def __init__(self) -> None:
        self.handlers: dict[str, Any] = {}
        self.cancelled: list[Any] = []

    def subscribe_topic(self, topic: str, handler: Any) -> None:
        self.handlers[topic] = handler

    def unsubscribe_topic(self, topic: str) -> None:
        self.handlers.pop(topic, None)

    def restart_for_memory(self, event: dict[str, Any]) -> None:
        self.handlers.get("worker-restart-memory", lambda _event: None)((0.0, event))

    def submit(self, *_args: Any, **_kwargs: Any) -> WaitingFuture:
        return WaitingFuture()

    def processing(self) -> dict[str, list[str]]:
        return {}

    def cancel(self, futures: Any) -> None:
        self.cancelled.append(futures)


# --- stb ---


@pytest.fixture(scope="session")
def small_twice_compare_rerun(tmp_path_factory: pytest.TempPathFactory,
                              small_twice_compare_run: MadeRun) -> MadeRun:
    """`small_twice_compare_run`'s comparison made again over a copy of its folder, unchanged,
    which it replaces (exit 0): `siting compare scenario.yaml scenario.yaml --out cmp --workers 1
    --quiet` run from a copy of tests/data/small holding that copy as cmp/. `out` the replaced
    folder, `scenarios` the scenario file twice, `stdout` what it printed. Made once for the
    session (`made_once`): read-only, copy `out` (`copied`) before changing anything in it."""
    def make(folder: Path) -> None:
        from siting.cli import main

        (scenario,) = small_inputs(folder)
        copied(small_twice_compare_run.out, scenario.parent / "cmp")
        printed = io.StringIO()
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
            patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
            patch.delenv("COLUMNS", raising=False)
            patch.chdir(scenario.parent)
            code = main(["compare", "scenario.yaml", "scenario.yaml", "--out", "cmp", "--workers", "1", "--quiet"])
        assert code == 0, printed.getvalue()
        (folder / "stdout.txt").write_text(printed.getvalue(), encoding="utf-8")

    folder = made_once(tmp_path_factory, "small_twice_compare_rerun", make)
    scenario = folder / "small" / "scenario.yaml"
    return MadeRun(scenario.parent / "cmp", (scenario, scenario), (folder / "stdout.txt").read_text(encoding="utf-8"))


# --- sta ---

#: The small catalog's FePO4 prices, and the same typed in 万 yuan/t (1.2 for 12,000 yuan/t).
FEPO4_PRICES = "price_yuan_per_unit: {base: {2023: 12000, 2024: 10000}"
FEPO4_PRICES_SLIPPED = "price_yuan_per_unit: {base: {2023: 1.2, 2024: 1.0}"


def slip_case(folder: Path) -> Path:
    """A copy of tests/data/small at `folder` with slip.yaml, the small scenario with its FePO4
    prices typed in 万 yuan/t (slip_catalog.yaml, a slip of unit `solve` names in a notice): the
    folder (tests/test_batch_plan_notices.py)."""
    shutil.copytree(SMALL, folder)
    catalog = (folder / "catalog.yaml").read_text()
    assert FEPO4_PRICES in catalog
    (folder / "slip_catalog.yaml").write_text(catalog.replace(FEPO4_PRICES, FEPO4_PRICES_SLIPPED))
    scenario = (folder / "scenario.yaml").read_text()
    (folder / "slip.yaml").write_text(scenario.replace("catalog: catalog.yaml", "catalog: slip_catalog.yaml"))
    return folder


@dataclass(frozen=True)
class WarnedRun(MadeRun):
    """A `MadeRun` with the messages of the warnings its command raised, in the order raised."""

    warned: tuple[str, ...] = ()


def slip_run(factory: pytest.TempPathFactory, name: str, command: list[str]) -> WarnedRun:
    """`siting <command> --out out --workers 1 --quiet` run from a `slip_case` (its files named
    relative to it, as typed), printed 80 columns wide (COLUMNS=80) with every warning kept: made
    once for the session (`made_once`). `scenarios` holds the case's folder; read-only."""
    def make(folder: Path) -> None:
        from siting.cli import main

        case = slip_case(folder / "in")
        printed = io.StringIO()
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
            patch.setenv("COLUMNS", "80")
            patch.chdir(case)
            code = main([*command, "--out", str(folder / "out"), "--workers", "1", "--quiet"])
        assert code == 0, printed.getvalue()
        (folder / "stdout.txt").write_text(printed.getvalue(), encoding="utf-8")
        (folder / "warned.json").write_text(json.dumps([str(w.message) for w in caught]), encoding="utf-8")

    folder = made_once(factory, name, make)
    return WarnedRun(folder / "out", (folder / "in",), (folder / "stdout.txt").read_text(encoding="utf-8"),
                     tuple(json.loads((folder / "warned.json").read_text(encoding="utf-8"))))


#: The sweep of `slip_sweep_run`, as typed in its case's folder.
SLIP_SWEEP = ["sweep", "slip.yaml", "--set", "constraints.redline.buffer_m=500,1000"]


@pytest.fixture(scope="session")
def slip_compare_run(tmp_path_factory: pytest.TempPathFactory) -> WarnedRun:
    """`siting compare scenario.yaml slip.yaml` on a `slip_case` (`slip_run`): read-only, shared by
    tests/test_batch_plan_notices.py and tests/test_batch_plan_notices_files.py."""
    return slip_run(tmp_path_factory, "slip_compare", ["compare", "scenario.yaml", "slip.yaml"])


@pytest.fixture(scope="session")
def slip_sweep_run(tmp_path_factory: pytest.TempPathFactory) -> WarnedRun:
    """`siting sweep slip.yaml --set constraints.redline.buffer_m=500,1000` on a `slip_case`
    (`slip_run`, `SLIP_SWEEP`): read-only, shared as `slip_compare_run` is."""
    return slip_run(tmp_path_factory, "slip_sweep", SLIP_SWEEP)
