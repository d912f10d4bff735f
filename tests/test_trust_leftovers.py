"""Leftovers of the reviews of what a user is told and what is refused.

- The batch's redraw of every run's map on one pie scale (siting/runs/batch.py `one_pie_scale`)
  restyles each run's plan.gpkg with SQLite (siting/deliver/files.py `set_geopackage_style`). A
  run folder removed while the batch runs made that a raw sqlite3.OperationalError with a
  traceback; it is now the output folder's error, naming the file and what the system said, exit
  2, as any other refused write of a batch.
- Calibration mode fixed holds the real plants as the plan: those of calibration.plants, or
  without it the scenario's committed projects. With none of them, or with every one online
  after the plan's last year, there is nothing to check: refused when the scenario is loaded,
  naming the key, the file and why. The land notice of mode fixed names the real plants, not
  committed projects.
- `siting.compare` and `siting.sweep` without `out` keep the batch in memory: a run's failed
  cross-start is said in its notices and its `cross_failures`, as the runs' own.
- A run lost with its worker is tried RETRIES times again in the process pool; on the local Dask
  cluster the scheduler's allowed failures are set to the same, where Dask's default (3) tried
  it four times.

The small scenario (tests/data/small) solves in about a second.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

import siting
import siting.runs.pool as pool
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.prepare.problem import prepare
from siting.runs.pool import Case, CrossCheck, _Hooks, _Task
from tests.conftest import SMALL

# --------------------------------------------------------------------------------------------
# 1. the batch's redraw: a SQLite error of a run's plan.gpkg is the output folder's error


def test_a_run_folder_removed_before_its_geopackage_is_restyled_is_the_output_folder_s_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`siting compare scenario.yaml b.yaml`: b builds the larger site, so small's map is drawn
    again on b's scale, and its plan.gpkg's style of the sites with it. small's folder is removed
    (by someone else) just after the style was read and before it is written: SQLite cannot open
    the file. Exit 2, one message naming the file and what the system said, no traceback, nothing
    written."""
    import siting.deliver.files as files

    shutil.copytree(SMALL, tmp_path / "small")
    scenario = tmp_path / "small" / "scenario.yaml"
    b = scenario.with_name("b.yaml")
    b.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    real = files.geopackage_style
    read: list[Path] = []

    def removed_after_the_second_read(path: Path, layer: str) -> str | None:
        style = real(path, layer)
        read.append(path)
        if len(read) == 2:  # set_geopackage_style's read, before it writes
            shutil.rmtree(path.parent)
        return style

    monkeypatch.setattr(files, "geopackage_style", removed_after_the_second_read)
    out = tmp_path / "cmp"
    code = main(["compare", str(scenario), str(b), "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert [path.parent.name for path in read] == ["small", "small"]
    assert code == 2, err
    assert err == ("error: 1 problem with the output folder:\n  - --out | the system refused a write in the output "
                   "folder (No such file or directory), so small/plan.gpkg could not be written (got "
                   f"{out}); nothing was written there: remove the cause, or choose another folder, and run again\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


# --------------------------------------------------------------------------------------------
# 2. calibration mode fixed with no real plant to hold


def plant(pid: str, site: str, product: str, capacity: float, online: int) -> str:
    return (f"- {{id: {pid}, name: {pid}, site: {site}, product: {product}, capacity: {capacity}, "
            f"online_year: {online}, status: producing, source: 'assumption: invented for tests'}}\n")


def calibration_case(tmp_path: Path, extra: str, plants: str | None = None) -> Path:
    """A copy of the small case (years 2023-2024, one committed project east_lfp online 2024)
    in case/, with calibration.yaml extending its scenario with `extra`, and plants.yaml holding
    `plants` when given; the current folder is `tmp_path`."""
    case = tmp_path / "case"
    shutil.copytree(SMALL, case)
    if plants is not None:
        (case / "plants.yaml").write_text(plants)
    path = case / "calibration.yaml"
    path.write_text(f"extends: scenario.yaml\nname: calibration\n{extra}")
    return path


def refused(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.exit_code == 2
    return caught.value.problems


def test_mode_fixed_without_plants_and_without_committed_projects_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No calibration.plants and committed_projects: null: nothing to hold, so nothing to check."""
    monkeypatch.chdir(tmp_path)
    path = calibration_case(tmp_path, "committed_projects: null\ncalibration: {mode: fixed}\n")
    assert refused(path) == [
        "case/calibration.yaml:4: calibration.mode | mode fixed checks the real plants against the rules, and there "
        "are none: calibration.plants names no file of them and the scenario has no committed projects (got "
        "'fixed'); name the file of the real plants in calibration.plants, one '- id: ...' entry per plant"]


def test_mode_fixed_whose_committed_projects_list_none_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No calibration.plants, and the committed-projects file lists no project."""
    monkeypatch.chdir(tmp_path)
    path = calibration_case(tmp_path, "calibration: {mode: fixed}\n")
    (path.parent / "committed_projects.yaml").write_text("[]\n")
    assert refused(path) == [
        "case/calibration.yaml:3: calibration.mode | mode fixed checks the real plants against the rules, and there "
        "are none: calibration.plants names no file of them and the scenario's committed_projects "
        "('committed_projects.yaml', which is case/committed_projects.yaml) lists no project (got 'fixed'); name the "
        "file of the real plants in calibration.plants, one '- id: ...' entry per plant"]


def test_mode_fixed_whose_plants_all_come_online_after_the_last_year_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plant of plants.yaml comes online after 2024, the plan's last year: the plan would
    hold none of them."""
    monkeypatch.chdir(tmp_path)
    plants = plant("late_lfp", "e_city", "lfp", 10000, 2026) + plant("later", "e_far", "lfp", 5000, 2025)
    path = calibration_case(tmp_path, "calibration: {mode: fixed, plants: plants.yaml}\n", plants)
    assert refused(path) == [
        "case/calibration.yaml:3: calibration.plants | every plant of the file it names comes online after the "
        "plan's last year 2024, so the plan holds none of them (got 'plants.yaml', which is case/plants.yaml: "
        "online_year 2025, 2026); calibration mode fixed checks the plants online by 2024 against the rules: list "
        "them there, or let years run to 2025"]


def test_mode_fixed_whose_committed_projects_all_come_online_after_the_last_year_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No calibration.plants: the committed projects are the real plants, and east_lfp, the only
    one, comes online in 2025, after 2024."""
    monkeypatch.chdir(tmp_path)
    path = calibration_case(tmp_path, "calibration: {mode: fixed}\n")
    committed = path.parent / "committed_projects.yaml"
    committed.write_text(committed.read_text().replace("online_year: 2024", "online_year: 2025"))
    assert refused(path) == [
        "case/calibration.yaml:3: calibration.mode | every committed project, which mode fixed holds as the real "
        "plants without calibration.plants, comes online after the plan's last year 2024, so the plan holds none "
        "of them (got 'fixed'; committed_projects 'committed_projects.yaml', which is case/committed_projects.yaml: "
        "online_year 2025); calibration mode fixed checks the plants online by 2024 against the rules: list them "
        "there, or let years run to 2025"]


def test_mode_fixed_with_one_plant_in_the_plan_s_years_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One plant online in 2024 beside one online in 2026: the plan holds one, which is enough."""
    monkeypatch.chdir(tmp_path)
    path = calibration_case(tmp_path, "calibration: {mode: fixed, plants: plants.yaml}\n",
                            plant("lfp", "e_city", "lfp", 10000, 2024) + plant("later", "e_far", "lfp", 5000, 2026))
    assert [p.id for p in load_scenario(path).model_projects().projects] == ["lfp", "later"]


def test_the_shipped_calibration_scenario_loads() -> None:
    shipped = Path(__file__).parent.parent / "scenarios" / "yunnan_2024_calibration_fixed.yaml"
    assert load_scenario(shipped).plants is None  # plants: committed_projects.yaml, the committed projects


def test_the_land_notice_of_mode_fixed_names_the_real_plants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real plant of 20 GWh/yr of cells at e_far (30 ha) takes 40 ha (20 ha per 10 GWh/yr
    module): more than the site has. The notice names the real plants of calibration.plants,
    which the plan holds, not committed projects."""
    monkeypatch.chdir(tmp_path)
    path = calibration_case(tmp_path, "calibration: {mode: fixed, plants: plants.yaml}\n",
                            plant("big", "e_far", "cells", 20, 2023))
    notices = [n for n in prepare(path, {}).notices if " ha, more than" in n]
    assert notices == ["site East far (e_far): its real plants (calibration.plants) take 40.0 ha, more than its "
                       "usable land 30.0 ha; no land is left there for new modules"]


# --------------------------------------------------------------------------------------------
# 3. siting.compare and siting.sweep without out: a run's failed cross-start is said as it is


def test_a_comparison_in_memory_says_a_failed_cross_start_in_the_runs_notices(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run's costing of the other plans raised: kept in memory, the runs have no folder
    (`Case.files` false), and the failures and the notices saying them are the runs' own."""
    shutil.copytree(SMALL, tmp_path / "small")
    scenario = tmp_path / "small" / "scenario.yaml"
    b = scenario.with_name("b.yaml")
    b.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")

    def check(case: Case, *_args: Any) -> CrossCheck:
        assert not case.files
        return CrossCheck({}, error=f"RuntimeError: costing {case.label} failed")

    monkeypatch.setattr(pool, "cross_check", check)
    batch = siting.compare([scenario, b], workers=1)  # in this process, where the stand-in is
    failures = {label: f"the other runs' plans were not costed under its rules (RuntimeError: costing {label} failed)"
                for label in ("small", "b")}
    assert {run.label: run.cross_failures for run in batch.runs} == {label: (text,) for label, text in failures.items()}
    assert {run.label: run.notices[-1] for run in batch.runs} == {
        label: pool.cross_failed_notice(label, [text]) for label, text in failures.items()}


def test_a_sweep_in_memory_says_a_failed_cross_start_in_the_runs_notices(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for `siting.sweep` without `out` (one worker)."""
    shutil.copytree(SMALL, tmp_path / "small")

    def check(case: Case, *_args: Any) -> CrossCheck:
        assert not case.files
        return CrossCheck({}, error="RuntimeError: costing failed")

    monkeypatch.setattr(pool, "cross_check", check)
    batch = siting.sweep(tmp_path / "small" / "scenario.yaml", {"constraints.redline.buffer_m": [1000, 0]}, workers=1)
    costing = "the other runs' plans were not costed under its rules (RuntimeError: costing failed)"
    assert {run.label: run.cross_failures for run in batch.runs} == {
        "run01 buffer_m=1000": (costing,), "run02 buffer_m=0": (costing,)}
    assert {run.label: run.notices[-1] for run in batch.runs} == {
        label: pool.cross_failed_notice(label, [costing]) for label in ("run01 buffer_m=1000", "run02 buffer_m=0")}


# --------------------------------------------------------------------------------------------
# 4. Dask: a run lost with its worker is tried as often as in the process pool


def test_a_run_that_kills_its_worker_on_the_local_dask_cluster_is_tried_as_often_as_in_the_pool() -> None:
    """The local cluster of `scheduler="local"` (one worker process, which Dask restarts); a task
    that kills its worker (SIGKILL, as an out-of-memory kill does): its workers die RETRIES + 1 =
    2 times, as the process pool's (`_run_in_pool`: "worker process died 2 times"), where Dask's
    default allowed failures (3) made it 4."""
    pytest.importorskip("dask.distributed")
    lost: list[str] = []
    hooks = _Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                   lambda _i, why: lost.append(why) or why)
    with pool.dask_client("local", 1, lambda _line: None) as client:
        pool._run_on_dask([_Task("a", signal.raise_signal, (signal.SIGKILL,))], client, hooks, "siting-run")
    assert pool.RETRIES == 1
    assert len(lost) == 1
    assert lost[0].startswith("Dask worker died 2 times running this case (KilledWorker: the last was tcp://127.0.0.1:")
    assert ", and Dask's distributed.scheduler.allowed-failures is 1; " in lost[0]
