"""A run without a plan says its notices wherever it is reported: the Python front door's
PlanInfeasible and NoSolution carry them (`notices`) as `siting.run`'s do, and a batch's failed
run keeps them in its summary (`CaseSummary.notices`, plain data from the worker that ran it),
which comparison.md and sweep.md list under the table and `siting compare` / `siting sweep`
print under the run's message, as `siting solve` prints a run's notices.

The instance is tests/data/small over the one year 2024 (tests/test_no_plan_notices.py): cells
take 1 year from decision to production, so a cell module decided in 2024, the plan's first year,
first produces in 2025, after the strict 2024 target of 10 GWh/yr (siting/prepare/checks.py
`lead_time_notices`, the one notice of the run); no cell capacity stands, so the target cannot be
met and the run has no plan. With `targets.strict: false` the plan falls short of it instead,
and a time limit of 1 microsecond stops the solve before any plan (NoSolution).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import NoSolution, PlanInfeasible
from siting.runs.pool import Case, CaseSummary, run_case
from siting.runs.tables import FAILED_NOTICES_HEAD, failed_notices_note
from tests.conftest import EARLY_NOTE_LINES, EARLY_NOTICE, SMALL

NOTICE, NOTE_LINES = EARLY_NOTICE, EARLY_NOTE_LINES

EARLY = ["years=[2024]"]


@pytest.fixture
def early(folder: Path) -> Path:
    """The small scenario over 2024 alone, named `early`, beside a copy of the small scenario."""
    path = folder / "early.yaml"
    path.write_text("extends: scenario.yaml\nname: early\nyears: [2024]\n")
    return path


def test_solve_of_a_loaded_problem_carries_its_notices() -> None:
    problem = siting.load(SMALL / "scenario.yaml", overrides=EARLY)
    assert problem.notices == [NOTICE]
    with pytest.raises(PlanInfeasible) as caught:
        siting.solve(problem)
    assert caught.value.notices == (NOTICE,)


def test_solve_of_a_path_and_rule_costs_carry_the_notices(early: Path) -> None:
    with pytest.raises(PlanInfeasible) as caught:
        siting.solve(early)
    assert caught.value.notices == (NOTICE,)
    with pytest.raises(PlanInfeasible) as caught:
        siting.rule_costs(early)
    assert caught.value.notices == (NOTICE,)


def test_solve_stopped_without_a_plan_carries_the_notices() -> None:
    problem = siting.load(SMALL / "scenario.yaml", overrides=[*EARLY, "targets.strict=false"])
    with pytest.raises(NoSolution) as caught:
        siting.solve(problem, time_limit_s=1e-6)
    assert caught.value.notices == (NOTICE,)


def test_a_failed_batch_run_keeps_its_notices_in_its_summary(tmp_path: Path) -> None:
    """Infeasible (its folder holds the diagnosis) and stopped without a plan (no folder): both
    summaries carry the notice, as plain text that crosses to the process that gathers them."""
    infeasible = run_case(Case("early", SMALL / "scenario.yaml", tmp_path / "a", overrides=(("years", [2024]),)))
    assert not infeasible.ok and infeasible.error.startswith("PlanInfeasible: ")
    assert infeasible.notices == (NOTICE,)
    assert pickle.loads(pickle.dumps(infeasible)) == infeasible  # as a worker process returns it
    stopped = run_case(Case("early", SMALL / "scenario.yaml", tmp_path / "b", time_limit_s=1e-6,
                            overrides=(("years", [2024]), ("targets.strict", False))))
    assert not stopped.ok and stopped.error.startswith("NoSolution: ")
    assert stopped.notices == (NOTICE,)


def test_compare_shows_the_notices_of_a_run_without_a_plan(folder: Path, early: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal (run from the scenario's folder, so the note names scenario.yaml as typed):
    the note under the run's message (before the folder's line), once; the comparison.md: a list
    of the runs without a plan and their notices, under the table."""
    out = tmp_path / "cmp"
    monkeypatch.chdir(folder)
    assert main(["compare", "scenario.yaml", early.name, "--out", str(out), "--workers", "1", "--quiet"]) == 1
    printed = capsys.readouterr().out
    tail = printed[printed.index("run infeasible: early: "):]
    assert tail.startswith("run infeasible: early: the plan is infeasible before solving:\n  - capacity target Cells "
                           "2024: needs 10 GWh/yr")
    assert tail.endswith(f"{NOTE_LINES}comparison written to {out.resolve()}\n")
    said = tail[:-len(f"{NOTE_LINES}comparison written to {out.resolve()}\n")]  # its words, wrapped or not
    assert " ".join(said.split()).endswith(
        f"the diagnosis (conflicts.md, conflicts.png) is in {(out / 'early').resolve()}")
    assert printed.count("note: ") == 1
    markdown = (out / "comparison.md").read_text()
    assert ("| status |  | optimal within the gap | infeasible: see early/conflicts.md | changed |\n" in markdown)
    assert (f"\n\nThe notices of the runs without a plan, which often say why they have none:\n\n- early: {NOTICE}\n\n"
            "Capacity rows give the capacity in the final year") in markdown


def test_compare_in_memory_keeps_the_notices(folder: Path, early: Path) -> None:
    batch = siting.compare([folder / "scenario.yaml", early])
    assert [run.ok for run in batch.runs] == [True, False]
    assert [run.notices for run in batch.runs] == [(), (NOTICE,)]


def test_sweep_md_lists_the_notices_of_its_runs_without_a_plan(early: Path, tmp_path: Path) -> None:
    """Strict, the target cannot be met (no plan); not strict, the plan falls short of it. Both
    runs have the notice; sweep.md lists the one without a plan."""
    out = tmp_path / "sweep"
    batch = siting.sweep(early, {"targets.strict": [True, False]}, out, workers=1)
    assert [run.ok for run in batch.runs] == [False, True]
    assert [run.notices for run in batch.runs] == [(NOTICE,), (NOTICE,)]
    markdown = (out / "sweep.md").read_text()
    assert markdown.endswith(f"\n\nThe notices of the runs without a plan, which often say why they have none:\n\n"
                             f"- run01 strict=true: {NOTICE}\n")


def test_the_note_lists_only_the_notices_of_runs_without_a_plan() -> None:
    """In run order and each run's order; a run with a plan (its report gives its notices) and a
    run without notices are not named; no such notice, no note."""
    runs = [CaseSummary("a", ok=True, notices=("kept in a's report",)),
            CaseSummary("b", ok=False, error="NoSolution: no plan", notices=("first", "second:\n    s1: red line")),
            CaseSummary("c", ok=False, error="InputError: bad"),
            CaseSummary("d", ok=False, error="PlanInfeasible: no", notices=("third",))]
    assert failed_notices_note(runs) == (f"{FAILED_NOTICES_HEAD}\n\n- b: first\n- b: second:\n    s1: red line\n"
                                         "- d: third")
    assert FAILED_NOTICES_HEAD == "The notices of the runs without a plan, which often say why they have none:"
    assert failed_notices_note(runs[:1] + runs[2:3]) == ""
