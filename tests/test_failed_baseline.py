"""Where a batch's run without a plan, or a cross-start that failed, leaves the tables silent, they
say why.

- A comparison whose baseline (its first run) has no plan gives no difference but the status;
  a note under the table (comparison.md, the terminal) says that the differences are against a
  run without a plan, and diff.geojson and diff.qml, which would map each site's change against
  it, are not written (an empty layer would read as "nothing changed"). So too when no run
  compared with the baseline has a plan. A sweep whose first run has no plan says that `vs_first`
  is empty for that reason.
- Two runs without a plan have no difference: their status difference is "neither has a plan",
  never "same" (two runs failed with one message) or "changed" (infeasible against failed), and
  every other difference is empty (it read "same": nothing against nothing).
- A cross-start that failed for a run (its other runs' plans not costed under its rules, or a
  cheaper plan found whose new solve failed) is kept in the run's summary
  (`CaseSummary.cross_failures`, plain text) and said in the note under the table, so that the
  claim that a run ends no dearer than another run's plan under its rules is visibly not checked
  for it; before, the progress line alone said it (nothing with --quiet, nor from Python).
- A run lost with its worker process says how the process ended, where the pool saw it: its
  signal ("killed by SIGKILL", which an out-of-memory kill gives) or its exit code.

The instance is tests/data/small; over the one year 2024 (`early`) it has no plan
(tests/test_failed_notices.py says why): its rules cannot be met together, so the run is
infeasible and its folder holds the diagnosis.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import siting
import siting.runs.pool as pool
import siting.runs.tables as tables
from siting.cli import main
from siting.runs.pool import Case, CaseSummary, CrossCheck, _Hooks, _run_in_pool, _Task, cross_starts
from siting.runs.tables import comparison_table, comparison_text, delta_column, sweep_table, sweep_text
from tests.conftest import SMALL


@pytest.fixture
def early(folder: Path) -> Path:
    """The small scenario over 2024 alone, named `early` (no plan), beside a copy of the small scenario."""
    path = folder / "early.yaml"
    path.write_text("extends: scenario.yaml\nname: early\nyears: [2024]\n")
    return path


def one_line(text: str) -> str:
    """`text` with every run of white space (a wrapped line's break and indent) one space."""
    return " ".join(text.split())


BASELINE_NOTE = ("The differences are against the baseline, early, which has no plan (infeasible: see "
                 "early/conflicts.md), so none are given but the status; diff.geojson and diff.qml, which would map "
                 "each site's change against the baseline, are not written.")


def test_a_comparison_against_a_baseline_without_a_plan_says_so(folder: Path, early: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The note under the table in comparison.md and on the terminal (with --quiet); no
    diff.geojson nor diff.qml (nor in the folder's marker); compare.qgs shows the run with a plan."""
    out = tmp_path / "cmp"
    assert main(["compare", str(early), str(folder / "scenario.yaml"), "--out", str(out), "--workers", "1",
                 "--quiet"]) == 1
    printed = capsys.readouterr().out
    table = printed[:printed.index("run infeasible: early: ")]
    assert BASELINE_NOTE in one_line(table)
    markdown = (out / "comparison.md").read_text()
    assert f"\n\n{BASELINE_NOTE}\n\n" in markdown
    assert "| status |  | infeasible: see early/conflicts.md | optimal within the gap | changed |\n" in markdown
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "compare.qgs", "comparison.csv", "comparison.md", "early", "small"]
    assert "diff." not in (out / ".siting-run").read_text()


def test_a_comparison_without_a_compared_plan_writes_no_diff_layer(folder: Path, early: Path, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    batch = siting.compare([folder / "scenario.yaml", early], out, workers=1)
    assert [run.ok for run in batch.runs] == [True, False]
    markdown = (out / "comparison.md").read_text()
    assert ("\n\nNo run compared with the baseline, small, has a plan, so no difference is given but the status; "
            "diff.geojson and diff.qml, which would map each site's change against the baseline, are not "
            "written.\n\n") in markdown
    assert not (out / "diff.geojson").exists() and not (out / "diff.qml").exists()
    assert (out / "compare.qgs").is_file()


def failed(label: str, error: str, folder: str = "") -> CaseSummary:
    return CaseSummary(label, ok=False, error=error, out_dir=folder)


def planned(label: str, objective: float = -2.0e10) -> CaseSummary:
    return CaseSummary(label, ok=True, status="optimal", objective_yuan=objective, gap=0.0, best_bound_yuan=objective,
                       costs={"capex": 1.0e9}, final_year=2024, group_capacity={"cells": 10.0},
                       output_value={2024: 1.0e10}, sites_opened=("s1",), site_added={"s1": {"cells": 10.0}},
                       capacity={"east": {"cells": 10.0}})


def test_two_runs_without_a_plan_have_no_difference(tmp_path: Path) -> None:
    """Failed with one message (it was "same"), infeasible against failed (it was "changed"):
    "neither has a plan", and every other row empty (it was "same"); against a run with a plan
    the status still "changed", its other rows empty."""
    (tmp_path / "c").mkdir()
    runs = [failed("a", "NoSolution: no plan within 1 s"), failed("b", "NoSolution: no plan within 1 s"),
            failed("c", "PlanInfeasible: the plan is infeasible", str(tmp_path / "c")), planned("d")]
    table = comparison_table(runs).set_index("metric")
    assert list(table.index[:3]) == ["status", "objective", "objective difference"]
    statuses = [table.loc["status", delta_column(s, runs[0])] for s in runs[1:]]
    assert statuses == [tables.NO_PLANS, tables.NO_PLANS, "changed"]
    assert tables.NO_PLANS == "neither has a plan"
    for run in runs[1:]:
        assert all(cell == "" or pd.isna(cell) for cell in table[delta_column(run, runs[0])].iloc[1:]), run.label
    assert tables.no_differences_note(runs) == (
        "The differences are against the baseline, a, which has no plan (failed: no plan within 1 s), so none are "
        "given but the status; diff.geojson and diff.qml, which would map each site's change against the baseline, "
        "are not written.")
    assert tables.no_differences_note([planned("a"), planned("b")]) == ""
    assert tables.no_differences_note([planned("a")]) == ""


def test_a_sweep_whose_first_run_has_no_plan_says_why_vs_first_is_empty() -> None:
    runs = [failed("run01 strict=True", "NoSolution: no plan within 1 s"), planned("run02 strict=False")]
    table = sweep_table(runs, [{"strict": True}, {"strict": False}])
    assert list(table["vs_first"]) == ["", ""]
    note = ("The column `vs_first` compares each run with the first, run01 strict=True, which has no plan (failed: "
            "no plan within 1 s), so it is empty.")
    assert tables.no_differences_note(runs, sweep=True) == note
    assert note in one_line(sweep_text(table, "sweep.csv", runs))
    assert tables.no_differences_note(runs[::-1], sweep=True) == ""


COSTING = "the other runs' plans were not costed under its rules (ValueError: injected)"
RESOLVE = ("the plan of a costs -21.0000 bn yuan under its rules, less than the -20.0000 bn yuan of its own, but "
           "solving it again from that plan failed with no plan (injected stop); it keeps its own plan")


def test_failed_cross_starts_are_kept_in_the_runs_summaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a's costing raised; b found a's plan cheaper under its rules, but its new solve from
    it failed: each keeps its plan, with the failure in its summary, said by the note."""
    scenario = SMALL / "scenario.yaml"
    cases = [Case("a", scenario, tmp_path / "a"), Case("b", scenario, tmp_path / "b")]
    runs = [dict(objective_yuan=-2.1e10), dict(objective_yuan=-2.0e10)]
    summaries = [CaseSummary(case.label, ok=True, status="optimal", plan_values={"build": {1: 1.0}}, **values)
                 for case, values in zip(cases, runs, strict=True)]

    def check(case: Case, *_args: Any) -> CrossCheck:
        if case.label == "a":
            return CrossCheck({}, error="ValueError: injected")
        return CrossCheck({0: -2.1e10}, chosen=0, resolved=failed("b", "NoSolution: injected stop"))

    monkeypatch.setattr(pool, "cross_check", check)
    crossed = cross_starts(cases, summaries, 1, None, None)
    assert [(s.started_from, s.objective_yuan) for s in crossed] == [("", -2.1e10), ("", -2.0e10)]
    assert [s.cross_failures for s in crossed] == [(COSTING,), (RESOLVE,)]
    note = tables.cross_failed_note(crossed)
    assert note == f"{tables.CROSS_FAILED_HEAD}: a: {COSTING}. b: {RESOLVE}."
    assert tables.CROSS_FAILED_HEAD == (
        "Runs whose cross-start failed, which may therefore end dearer than another run's plan costs under their "
        "rules (a run whose rules admit every plan of another is not shown to end no dearer than it)")
    assert note in one_line(comparison_text(comparison_table(crossed), crossed, "comparison.csv"))


def test_a_cross_start_failure_in_words() -> None:
    """Taking the plan as it is failed first, then the new solve ended dearer; a run without a
    plan of its own; a cheaper plan taken, or none cheaper: no failure."""
    dearer = CrossCheck({0: -2.1e10}, chosen=0, resolved=planned("b", -1.9e10), not_taken="no plan (stopped)")
    assert pool.cross_failure(dearer, -2.0e10, {0: "a"}) == (
        "the plan of a costs -21.0000 bn yuan under its rules, less than the -20.0000 bn yuan of its own, but taking "
        "it as it is failed with no plan (stopped), and solving it again from that plan ended at -19.0000 bn yuan, "
        "dearer than its own plan; it keeps its own plan")
    none = CrossCheck({0: -2.1e10}, chosen=0, resolved=failed("b", "unexpected error: TypeError: bad"))
    assert pool.cross_failure(none, None, {0: "a"}) == (
        "the plan of a costs -21.0000 bn yuan under its rules, where its own solve found no plan, but solving it "
        "again from that plan failed with an unexpected error (TypeError: bad); it has no plan")
    assert pool.cross_failure(CrossCheck({0: 1.0}), -2.0e10, {0: "a"}) == ""


def test_a_comparison_says_a_failed_costing_in_its_note(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Every run's costing of the other's plan raises: both keep their plans (the batch ends
    well), and comparison.md and the terminal, with --quiet, name both runs and why."""
    costing_raises(monkeypatch)
    (folder / "wide.yaml").write_text("extends: scenario.yaml\nname: wide\nconstraints:\n  redline:\n"
                                      "    buffer_m: 0\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(folder / "scenario.yaml"), str(folder / "wide.yaml"), "--out", str(out),
                 "--workers", "1", "--quiet"]) == 0
    note = f"{tables.CROSS_FAILED_HEAD}: small: {COSTING}. wide: {COSTING}."
    assert note in one_line(capsys.readouterr().out)
    assert f"\n\n{note}\n\n" in (out / "comparison.md").read_text()


def costing_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """Costing a plan in another run (siting/optimize/solve.py `plan_cost`) raises ValueError("injected")."""
    import siting.optimize.solve as solve

    def raising(*_args: Any, **_kwargs: Any) -> Any:
        raise ValueError("injected")

    monkeypatch.setattr(solve, "plan_cost", raising)


def test_a_sweep_from_python_keeps_a_failed_costing(folder: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    costing_raises(monkeypatch)
    out = tmp_path / "sweep"
    batch = siting.sweep(folder / "scenario.yaml", {"constraints.redline.buffer_m": [0, 500]}, out, workers=1)
    assert [run.cross_failures for run in batch.runs] == [(COSTING,), (COSTING,)]
    assert (f"\n\n{tables.CROSS_FAILED_HEAD}: run01 buffer_m=0: {COSTING}. run02 buffer_m=500: {COSTING}.\n"
            in (out / "sweep.md").read_text())


def killed(how: str) -> None:
    """End this worker process as `how` says: SIGKILL, as an out-of-memory kill does, or exit 3."""
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(3)


@pytest.mark.parametrize(("how", "words"), [("kill", "killed by SIGKILL, which an out-of-memory kill gives"),
                                            ("exit", "exit code 3")])
def test_a_run_lost_with_its_worker_says_how_the_worker_ended(how: str, words: str) -> None:
    lost: list[str] = []
    hooks = _Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                   lambda _i, why: lost.append(why) or why)
    results = _run_in_pool([_Task("a", killed, (how,))], 2, hooks)
    assert results == lost == [f"worker process died 2 times running this case ({words})"]
