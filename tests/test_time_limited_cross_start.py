"""A run of a sweep or comparison whose own solve stopped at its time limit (status "feasible
(not proven optimal)") and which the cross-start rounds moved to another run's plan, ending
proven within its gap ("optimal", often with that run's bound: `bound_from`), says so: the note
under the batch's table (sweep.md, comparison.md, the terminal) names it with the limit its own
solve stopped at, and its own report.md and manifest.json give a notice, since how far a search
gets by a time limit depends on the machine's speed and such a batch may not repeat byte for
byte. Before, nothing said that its own search had hit the limit.

The batch is the small scenario (tests/data/small) swept over two red-line buffers; which run
stops at a time limit depends on the machine, so its first run's summary is made to read as such
a run's does (its own solve stopped at 0.1 s, then moved to the second run's plan, with its bound)
before the batch writes its tables and notices."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import siting
import siting.runs.batch as batch
from siting.runs.pool import CaseSummary, cross_start_notice

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
LIMIT_WORDS = "its own solve stopped at its time limit of 0.1 s before proving its asked gap"


def moved(summary: CaseSummary, other: str) -> CaseSummary:
    """`summary` as a run whose own solve stopped at a 0.1 s time limit and which the rounds moved
    to the plan of run `other`, with that run's bound, ends proven within its gap."""
    return dataclasses.replace(summary, status="optimal", started_from=other, bound_from=other,
                               own_time_limit_s=0.1, own_objective_yuan=summary.objective_yuan)


def test_a_solve_stopped_at_its_time_limit_keeps_that_limit() -> None:
    from siting.runs.pool import _time_limit_hit

    stopped = SimpleNamespace(termination="maxTimeLimit", highs_options=(("time_limit", 0.1), ("threads", 1)))
    assert _time_limit_hit(stopped) == 0.1
    proven = SimpleNamespace(termination="convergenceCriteriaSatisfied", highs_options=(("time_limit", 60.0),))
    assert _time_limit_hit(proven) is None


def test_the_note_names_the_runs_proven_only_after_their_time_limit() -> None:
    from siting.runs.tables import time_limited_runs_note

    base = CaseSummary(label="a", ok=True, status="optimal", objective_yuan=-1e10, gap=0.0)
    runs = [moved(base, "b"), dataclasses.replace(base, label="b"),
            dataclasses.replace(moved(base, "b"), label="c", status="feasible"),  # unproven: named as such
            dataclasses.replace(base, label="d", own_time_limit_s=0.1)]  # did not move: not proven so
    note = time_limited_runs_note(runs)
    assert note.startswith("A run whose own solve stopped at its time limit before proving its asked gap, proven "
                           "within it only after the cross-start rounds: a (time limit 0.1 s, moved to the plan of b, "
                           "with the bound of b).")
    assert "may not repeat byte for byte" in note and "Raise solver.time_limit_s (or --time-limit)" in note
    assert time_limited_runs_note(runs[1:]) == ""


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, siting.Batch]:
    folder = tmp_path_factory.mktemp("time_limited") / "sweep"
    real = batch.run_cases

    def run_cases(*args: Any, **kwargs: Any) -> list[CaseSummary]:
        summaries = real(*args, **kwargs)
        return [moved(summaries[0], summaries[1].label), *summaries[1:]]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "run_cases", run_cases)
        result = siting.sweep(SMALL, {"constraints.redline.buffer_m": [0, 1000]}, out=folder, workers=1)
    return folder, result


def test_the_sweep_names_the_run_under_its_table(swept: tuple[Path, siting.Batch]) -> None:
    folder, result = swept
    first, second = (s.label for s in result.runs)
    text = " ".join((folder / "sweep.md").read_text(encoding="utf-8").split())
    assert (f"proven within it only after the cross-start rounds: {first} (time limit 0.1 s, moved to the plan of "
            f"{second}, with the bound of {second})") in text
    assert "this batch's files may not repeat byte for byte" in text


def test_the_run_s_own_report_and_manifest_say_so(swept: tuple[Path, siting.Batch]) -> None:
    folder, result = swept
    summary = result.runs[0]
    run = folder / Path(summary.out_dir).name
    notices = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["notices"]
    said = [n for n in notices if LIMIT_WORDS in n]
    assert len(said) == 1 and said[0] in summary.notices
    assert " ".join(said[0].split()) in " ".join((run / "report.md").read_text(encoding="utf-8").split())
    assert cross_start_notice(summary, said[0])  # the note under the table names it: not listed twice
