"""What failed in a batch's runs is recorded where a reader of one file finds it.

- A run whose cross-start failed (the other runs' plans not costed under its rules, or a cheaper
  plan whose new solve failed: `CaseSummary.cross_failures`) is not shown to end no dearer than
  another run's plan under its rules. Before, only the note under comparison.md's and sweep.md's
  tables said so: comparison.csv and sweep.csv, which scripts read, and the run's own folder (its
  report.md, report.html and manifest.json) did not. Now comparison.csv has a row `cross-start
  failed`, sweep.csv a column `cross_start_failed`, and the run's report and manifest a notice
  (siting/runs/pool.py `cross_failed_notice`), its folder's hashes and marker following; a
  failure that names the staging folder the batch is assembled in names the batch folder.
- A run lost with its Dask worker says what Dask reports (KilledWorker: how many workers died, the
  last one's address, the scheduler's allowed failures), as the process pool says how its worker
  process ended (tests/test_failed_baseline.py). Before, it gave KilledWorker's text after "Dask
  worker failed: ".

The compare runs the small scenario (tests/data/small) against a copy without its red-line
buffer, in this process (one worker), so that the cross-starts can be replaced by stand-ins.
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import siting
import siting.runs.pool as pool
import siting.runs.tables as tables
from siting.deliver.folders import changed_files
from siting.runs.pool import Case, CaseSummary, CrossCheck, _Hooks, _Task
from siting.runs.tables import comparison_csv, comparison_display, comparison_table, sweep_display, sweep_table

COSTING = "the other runs' plans were not costed under its rules (ValueError: injected)"
RESOLVE = ("the plan of a costs -21.0000 bn yuan under its rules, less than the -20.0000 bn yuan of its own, but "
           "solving it again from that plan failed with no plan (injected stop); it keeps its own plan")
HEAD = ("its cross-start failed, so it may end dearer than another run's plan costs under its rules (once every run "
        "of the batch was solved, the other runs' plans were to be costed under its rules, for it to move to one "
        "cheaper than its own; where its rules admit every plan of another run, it is not shown to end no dearer "
        "than that run)")


def planned(label: str, objective: float, failures: tuple[str, ...] = ()) -> CaseSummary:
    return CaseSummary(label, ok=True, status="optimal", objective_yuan=objective, gap=0.0, best_bound_yuan=objective,
                       costs={"capex": 1.0e9}, final_year=2024, group_capacity={"cells": 10.0},
                       output_value={2024: 1.0e10}, sites_opened=("s1",), site_added={"s1": {"cells": 10.0}},
                       capacity={"east": {"cells": 10.0}}, cross_failures=failures)


def test_the_csv_files_give_what_failed_in_each_runs_cross_start() -> None:
    """comparison.csv: a row after the absolute gap, the runs' failures ("; " between two), empty
    for a run without and in the column of differences; sweep.csv: a column after `started_from`.
    comparison.md, sweep.md and the terminal leave them out (the note under the table says it)."""
    runs = [planned("a", -2.1e10, (COSTING,)), planned("b", -2.0e10, (RESOLVE, COSTING)), planned("c", -2.0e10)]
    table = comparison_table(runs)
    text = comparison_csv(table)
    assert tables.CROSS_FAILED_ROW == "cross-start failed"
    assert f'\ncross-start failed,,{COSTING},"{RESOLVE}; {COSTING}",,,\n' in text  # quoted: it holds commas
    assert list(table["metric"])[list(table["metric"]).index("absolute gap") + 1] == "cross-start failed"
    assert "cross-start failed" not in list(comparison_display(table, runs)["metric"])
    assert "cross-start" not in comparison_csv(comparison_table([planned("a", -2.1e10), planned("c", -2.0e10)]))
    swept = sweep_table(runs, [{"x": 1}, {"x": 2}, {"x": 3}])
    assert list(swept.columns)[list(swept.columns).index("started_from") + 1] == "cross_start_failed"
    assert list(swept["cross_start_failed"]) == [COSTING, f"{RESOLVE}; {COSTING}", ""]
    assert "cross_start_failed" not in sweep_display(swept).columns
    assert "cross_start_failed" not in sweep_table(runs[2:], [{"x": 3}]).columns


@pytest.fixture
def wide(folder: Path) -> Path:
    """The small scenario without its red-line buffer, named `wide`, beside it."""
    path = folder / "wide.yaml"
    path.write_text("extends: scenario.yaml\nname: wide\nconstraints:\n  redline:\n    buffer_m: 0\n")
    return path


def test_a_failed_cross_start_is_in_comparison_csv_and_in_the_runs_own_folder(
        folder: Path, wide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """small's costing raised, with an error naming the folder it wrote in (the staging folder);
    wide found small's plan cheaper, but its new solve from it failed. Each keeps its plan; the
    failure, naming the comparison folder, is in comparison.csv's row, in a notice of the run's
    manifest.json, report.md and report.html (as a notice of the solve is given there) and in its
    summary's notices; the folder's file hashes and marker follow (no file reads as changed)."""
    out = tmp_path / "cmp"

    def check(case: Case, _own: Any, _plans: Any, aside: Path, *_args: Any) -> CrossCheck:
        if case.label == "small":
            return CrossCheck({}, error=f"OSError: cannot write in {aside.parent}")
        return CrossCheck({0: -3.0e10}, chosen=0, resolved=CaseSummary("wide", ok=False,
                                                                        error="NoSolution: injected stop"))

    monkeypatch.setattr(pool, "cross_check", check)
    batch = siting.compare([folder / "scenario.yaml", wide], out, workers=1)
    costing = f"the other runs' plans were not costed under its rules (OSError: cannot write in {out})"
    resolve = ("the plan of small costs -30.0000 bn yuan under its rules, less than the -22.7157 bn yuan of its own, "
               "but solving it again from that plan failed with no plan (injected stop); it keeps its own plan")
    assert [run.cross_failures for run in batch.runs] == [(costing,), (resolve,)]
    assert f'\ncross-start failed,,{costing},"{resolve}",\n' in (out / "comparison.csv").read_text()
    assert f"{tables.CROSS_FAILED_HEAD}: small: {costing}. wide: {resolve}." in (out / "comparison.md").read_text()
    for run, failure in (("small", costing), ("wide", resolve)):
        notice = f"{run}: {HEAD}: {failure}"
        manifest = json.loads((out / run / "manifest.json").read_text())
        assert manifest["notices"] == [notice]
        assert f"\n\nNotices:\n\n- {notice}\n\n## Files in this folder\n\n" in (out / run / "report.md").read_text()
        page = (out / run / "report.html").read_text()
        assert (f"\n<p>Notices:</p>\n<ul><li>{notice}</li></ul>\n"
                '<h2 id="files-in-this-folder">Files in this folder</h2>\n') in page
        written = (out / run / "report.md").read_bytes()
        assert manifest["file_sha256"]["report.md"] == hashlib.sha256(written).hexdigest()
        assert changed_files(out / run) == []
    assert [run.notices[-1:] for run in batch.runs] == [(f"small: {HEAD}: {costing}",), (f"wide: {HEAD}: {resolve}",)]
    assert changed_files(out) == []


def test_a_killed_worker_in_words() -> None:
    """Dask's KilledWorker: how many workers died (the allowed failures and one), the last one's
    address, the setting; any other error by its type and message."""
    distributed = pytest.importorskip("dask.distributed")
    killed = distributed.KilledWorker("siting-run-0-a", SimpleNamespace(address="tcp://10.0.0.5:40000"), 3)
    assert pool.dask_loss_words(killed) == (
        "Dask worker died 4 times running this case (KilledWorker: the last was tcp://10.0.0.5:40000, and Dask's "
        "distributed.scheduler.allowed-failures is 3; Dask does not say how a worker ended: its log does, e.g. a "
        "restart for using more than its memory limit)")
    once = distributed.KilledWorker("k", SimpleNamespace(address="tcp://10.0.0.5:40000"), 0)
    assert pool.dask_loss_words(once).startswith("Dask worker died 1 time running this case (KilledWorker: ")
    assert pool.dask_loss_words(ValueError("boom")) == "Dask worker failed: ValueError: boom"


def test_a_run_lost_with_its_dask_worker_says_what_dask_reports() -> None:
    """A local cluster of one worker process, which Dask restarts; a task that kills its worker
    (SIGKILL, as an out-of-memory kill does) with one failure allowed: its workers die twice, and
    the run says so, with the last worker's address."""
    distributed = pytest.importorskip("dask.distributed")
    import dask

    lost: list[str] = []
    hooks = _Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                   lambda _i, why: lost.append(why) or why)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                     dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        results = pool._run_on_dask([_Task("a", signal.raise_signal, (signal.SIGKILL,))], client, hooks, "siting-run")
    assert results == lost
    assert re.fullmatch(re.escape("Dask worker died 2 times running this case (KilledWorker: the last was ")
                        + r"tcp://127\.0\.0\.1:[0-9]+"
                        + re.escape(", and Dask's distributed.scheduler.allowed-failures is 1; Dask does not say how "
                                    "a worker ended: its log does, e.g. a restart for using more than its memory "
                                    "limit)"), lost[0]), lost
