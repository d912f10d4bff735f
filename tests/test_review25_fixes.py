"""Four fixes.

- An alternative's folder (`altNN/`, listed file by file in its run's marker) given as the output
  folder is refused as the alternative of that run, naming the run's folder and how to solve it
  again, not as a folder of files siting did not write; nothing is deleted or written.
- alternatives.csv writes its `within_gap` column `yes`/`no`, as rule_costs.csv writes its
  `within_solver_tolerance`.
- Dask's loggers stay quiet while a local cluster shuts down, and only then.
- The optimum's report.md links rule_costs.md, as an alternative's does; report.html gets a link.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from test_alternative_reports import GAP, OPTIMUM, tiny, with_costs  # noqa: F401

from siting.cli import main
from siting.config.errors import OutputFolderError
from siting.config.units import Names
from siting.deliver import folders
from siting.deliver.explore import comparison_csv
from siting.deliver.report import _inline_html, rule_costs_pointer
from siting.deliver.tables import csv_text
from siting.optimize.alternatives import PlanSet, comparison

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


# --- 1. an alternative's folder as the output folder ---------------------------------------------


def run_with_alternatives(folder: Path) -> dict[Path, bytes]:
    """A folder as a solve with two alternatives writes it (the files' content aside): the optimum's
    files, and alt01/ and alt02/ listed file by file in its marker. Returns every file's bytes."""
    folder.mkdir()
    for sub in ("", "alt01/", "alt02/"):
        (folder / sub).mkdir(exist_ok=True)
        for name in ("capacity.csv", "plan.csv", "report.md", "manifest.json"):
            (folder / sub / name).write_text(f"{sub}{name}\n", encoding="utf-8")
    (folder / "alternatives.csv").write_text("plan\noptimum\n", encoding="utf-8")
    folders.write_marker(folder, folders.written_entries(folder))
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_alternatives_folder_is_refused_as_the_alternative_of_its_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    before = run_with_alternatives(run)
    assert not folders.is_ours(run / "alt01")
    problems = folders.destination_problems(run / "alt01", [], "--out")
    assert problems == [
        f"--out | the output folder is alternative alt01 of the run in {run}; replacing it alone would leave that "
        f"run's alternatives.csv, robustness.csv and report, and its {folders.MARKER} marker, describing another plan "
        f"(got {run / 'alt01'}); solve the scenario of {run} again with --alternatives (into that folder), or choose "
        "another folder"]
    with pytest.raises(OutputFolderError):
        folders.check_destination(run / "alt01", [], "--out")
    # an alternative listed in the marker but no longer there is refused too: its run lists its files
    assert "is alternative alt02 of the run in" in folders.destination_problems(run / "alt02", [], "--out")[0]
    after = {p: p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()}
    assert after == before


def test_another_subfolder_a_run_lists_is_refused_as_part_of_that_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "extra").mkdir(parents=True)
    (run / "extra" / "table.csv").write_text("a\n", encoding="utf-8")
    folders.write_marker(run, folders.written_entries(run))
    problem = folders.destination_problems(run / "extra", [], "--out")[0]
    assert f"the output folder is the folder extra of the run in {run}" in problem
    assert "without a .siting-run marker" not in problem
    assert problem.endswith(f"solve the scenario of {run} again (into that folder), or choose another folder")
    # a folder the marker does not list lies inside the run's folder all the same: refused as such
    assert folders.destination_problems(run / "mine", [], "--out")[0].startswith(
        f"--out | the output folder lies inside {run}, a folder siting wrote")


def test_the_command_line_refuses_an_alternatives_folder_with_exit_2(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    before = run_with_alternatives(run)
    assert main(["solve", str(SMALL), "--out", str(run / "alt01")]) == 2
    err = capsys.readouterr().err
    assert f"is alternative alt01 of the run in {run}" in err
    assert "siting did not write" not in err and "empty this one" not in err
    assert {p: p.read_bytes() for p in sorted(run.rglob("*")) if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


# --- 2. within_gap in alternatives.csv ------------------------------------------------------------


def test_alternatives_csv_writes_within_gap_yes_or_no(tiny: PlanSet) -> None:  # noqa: F811
    from test_alternatives import one_product

    plans = with_costs(tiny, [OPTIMUM, OPTIMUM * 1.01, OPTIMUM * 1.03])
    inputs = one_product()
    table = comparison(plans, inputs)
    csv = comparison_csv(table, inputs, Names(), GAP)
    assert list(csv["within_gap"]) == ["", "yes", "no"]  # the optimum's own row: no excess to weigh
    assert list(comparison_csv(table, inputs, Names(), None)["within_gap"]) == ["", "", ""]  # no gap known
    text = csv_text(csv)
    assert "True" not in text and "False" not in text
    assert [line.split(",")[3] for line in text.splitlines()] == ["within_gap", "", "yes", "no"]


# --- 3. Dask's logs while the local cluster shuts down ---------------------------------------------


def test_the_local_clusters_shutdown_keeps_dasks_logs_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("dask.distributed")
    import dask

    levels: dict[str, int] = {}
    heard: list[str] = []

    def level() -> int:
        return logging.getLogger("distributed.nanny").getEffectiveLevel()

    class Cluster:
        def __init__(self, **_kwargs: Any) -> None:
            pass

        def close(self) -> None:
            levels["cluster"] = level()
            logging.getLogger("distributed.nanny").warning("Worker process still alive after 4.0 seconds, killing")

    class Client:
        def __init__(self, _cluster: Any) -> None:
            pass

        def close(self) -> None:
            levels["client"] = level()
            logging.getLogger("distributed.client").warning("closing")

    class Heard(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    monkeypatch.setattr(distributed, "LocalCluster", Cluster)
    monkeypatch.setattr(distributed, "Client", Client)
    root = logging.getLogger("distributed")
    before = root.level
    handler = Heard()
    root.addHandler(handler)
    try:
        with dask.config.set({"temporary-directory": str(tmp_path)}), \
                pool_module().dask_client("local", 2, lambda _line: None):
            levels["during"] = level()
            levels["worker"] = logging.getLogger("distributed.worker").getEffectiveLevel()
            logging.getLogger("distributed.worker").warning("during the run")
        logging.getLogger("distributed.nanny").warning("after the shutdown")
    finally:
        root.removeHandler(handler)
    assert levels["client"] == levels["cluster"] == logging.CRITICAL
    # the nannies are quiet while the runs run too (tests/test_dask_local_logs.py); other loggers are not
    assert levels["during"] == logging.CRITICAL and levels["worker"] < logging.CRITICAL
    assert heard == ["during the run", "after the shutdown"]
    assert root.level == before
    assert list(tmp_path.iterdir()) == []


def pool_module() -> Any:
    from siting.runs import pool

    return pool


# --- 4. the optimum's report links rule_costs.md ---------------------------------------------------


def test_the_optimums_report_links_rule_costs_md() -> None:
    pointer = rule_costs_pointer(True)
    assert pointer == ("What each rule costs, the plan re-solved with that rule relaxed, is in "
                       "[rule_costs.md](rule_costs.md) (rule_costs.csv).")
    assert '<a href="rule_costs.md">rule_costs.md</a>' in _inline_html(pointer)
    assert "[rule_costs.md](../rule_costs.md)" in rule_costs_pointer("../rule_costs.md")
