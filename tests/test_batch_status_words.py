"""A run of `compare` or `sweep` is said in the tables for people (the terminal, comparison.md,
sweep.md) as its own report.md and manifest's `solver.status_text` say it (siting/config/units.py
`plain_status`): a solve stopped at its time limit with a plan is "stopped at the time limit with
a plan", not the solver's "feasible (not proven optimal)", which comparison.csv and sweep.csv keep,
as manifest.json's `solver.status` does.

The runs are those of `siting compare scenarios/yunnan_2024.yaml
scenarios/yunnan_2024_strict_redline.yaml --time-limit 3`, cut down to their status, objective and
gap: both stop at the 3 s limit with a plan, gaps 3.26 % and 3.27 %."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import re
from pathlib import Path
from types import SimpleNamespace

import siting
from siting.config.units import plain_status
from siting.deliver.tables import csv_text, markdown_table, table_files
from siting.runs.pool import Case, CaseSummary, CrossCheck, Progress, _cross_hooks, summarise
from siting.runs.tables import (
    comparison_csv,
    comparison_display,
    comparison_table,
    comparison_text,
    sweep_display,
    sweep_table,
    sweep_text,
)
from tests.conftest import SMALL, MadeRun

STOPPED = plain_status("maxTimeLimit", True)
SOLVER = "feasible (not proven optimal)"


def stopped(label: str, objective_bn: float, gap: float) -> CaseSummary:
    """A run stopped at its time limit with a plan, as `summarise` gives it."""
    return CaseSummary(label=label, ok=True, status=SOLVER, status_words=STOPPED, objective_yuan=objective_bn * 1e9,
                       gap=gap, final_year=2024)


RUNS = [stopped("yunnan_2024", -195.91, 0.0326), stopped("yunnan_2024_strict_redline", -195.89, 0.0327)]


def cells(line: str) -> list[str]:
    """A line of a terminal table as its filled cells: the texts between two or more spaces."""
    return re.split(r" {2,}", line.strip())


def test_the_words_are_those_of_the_report() -> None:
    assert STOPPED == "stopped at the time limit with a plan"


def test_the_comparison_says_a_stop_at_the_time_limit_as_the_report_does() -> None:
    """The terminal's and comparison.md's status row give each run's report words; comparison.csv
    the solver's word."""
    table = comparison_table(RUNS)
    status = next(line for line in comparison_text(table, RUNS, "comparison.csv").splitlines()
                  if line.startswith("status"))
    assert cells(status)[:3] == ["status", STOPPED, STOPPED]
    markdown = table_files(comparison_display(table, RUNS), "comparison")["comparison.md"]
    assert f"| status |  | {STOPPED} | {STOPPED} | same |" in markdown.splitlines()
    assert f"status,,{SOLVER},{SOLVER},same" in comparison_csv(table).splitlines()


def test_the_sweep_says_a_stop_at_the_time_limit_as_the_report_does() -> None:
    """The terminal's and sweep.md's status column give each run's report words; sweep.csv the
    solver's word."""
    table = sweep_table(RUNS, [{"buffer_m": 0}, {"buffer_m": 500}])
    rows = sweep_text(table, "sweep.csv", RUNS).splitlines()
    assert [STOPPED in line for line in rows if line.startswith("yunnan_2024")][:2] == [True, True]
    assert SOLVER not in "\n".join(rows)
    assert list(sweep_display(table, RUNS)["status"]) == [STOPPED, STOPPED]
    assert [line.split(" | ")[2] for line in markdown_table(sweep_display(table, RUNS)).splitlines()[2:]] == [
        STOPPED, STOPPED]
    assert list(table["status"]) == [SOLVER, SOLVER]
    assert f"{SOLVER}" in csv_text(table)


def test_a_summary_without_the_words_keeps_the_solvers_in_words() -> None:
    """A summary made by hand (no `status_words`) reads as before: "optimal" in words."""
    runs = [CaseSummary("a", True, status="optimal", objective_yuan=1e9, gap=0.0, final_year=2024),
            CaseSummary("b", True, status=SOLVER, objective_yuan=1e9, gap=0.1, final_year=2024)]
    assert list(comparison_display(comparison_table(runs), runs).iloc[0])[2:4] == ["optimal within the gap", SOLVER]


def test_the_words_travel_with_the_summary_to_a_worker_and_back() -> None:
    """`status_words` pickles (a Dask or pool worker's summary); a summary pickled before it
    existed reads "" (its default), so its tables give `status` in words."""
    assert pickle.loads(pickle.dumps(RUNS[0])).status_words == STOPPED
    old = pickle.loads(pickle.dumps(RUNS[0]))
    del old.__dict__["status_words"]
    assert old.status_words == ""


def test_summarise_gives_the_words_of_the_manifest() -> None:
    """The small scenario solved, then its report as a stop at the time limit would give it: the
    summary's words are `plain_status` of the termination, as the manifest's `status_text`."""
    solution = siting.solve(SMALL / "scenario.yaml")

    def summary(report: object) -> CaseSummary:
        return summarise("run01", SimpleNamespace(plan=solution.result, prepared=solution.problem.prepared,
                                                  report=report, model_size=solution.model_size, out_dir="",
                                                  timings={}))

    assert summary(solution.report).status_words == "optimal within the gap"
    limited = dataclasses.replace(solution.report, termination="maxTimeLimit", proven_optimal=False)
    assert (summary(limited).status, summary(limited).status_words) == (SOLVER, STOPPED)


def test_the_comparison_of_a_batch_gives_each_runs_report_words(small_compare_run: MadeRun) -> None:
    """`siting compare`: comparison.md's status cells are each run's manifest `status_text`."""
    lines = (small_compare_run.out / "comparison.md").read_text(encoding="utf-8").splitlines()
    status = next(line for line in lines if line.startswith("| status |")).split(" | ")
    said = [json.loads((small_compare_run.out / run / "manifest.json").read_text(encoding="utf-8"))["solver"]
            ["status_text"] for run in ("small", "b")]
    assert status[2:4] == said


def test_the_progress_line_of_a_run_says_it_as_the_report_does() -> None:
    """The count of runs on standard error (a plain line each, not on a terminal) says a run
    stopped at its time limit with a plan in its report's words, as the tables then do, not in the
    solver's; an optimal run and a failed one read as before."""
    stream = io.StringIO()
    counter = Progress(3, stream=stream)
    counter.update(RUNS[0])
    counter.update(CaseSummary("b", True, status="optimal", status_words="optimal within the gap",
                               objective_yuan=1e9, gap=0.0, final_year=2024))
    counter.update(CaseSummary("c", False, error="ValueError: boom"))
    said = re.findall(r"done \((.*)\), ", stream.getvalue())
    assert said == [f"yunnan_2024: {STOPPED}", "b: optimal within the gap", "c: failed"]


def test_the_progress_line_of_a_cross_start_says_it_as_the_report_does() -> None:
    """A run solved again from another run's plan (the cross-start), stopped at its time limit,
    is said on its progress line in its report's words."""
    stream = io.StringIO()
    counter = Progress(1, stream=stream)
    cases = [Case("a", Path("a.yaml"), Path("out/a")), Case("b", Path("b.yaml"), Path("out/b"))]
    check = CrossCheck({1: -1e9}, chosen=1, resolved=stopped("a", -1.0, 0.03))
    _cross_hooks(cases, [(0, {})], counter.then(1, "cross-starts")).done(0, check)
    assert re.findall(r"done \((.*)\), ", stream.getvalue()) == [f"a: from b: {STOPPED}"]
