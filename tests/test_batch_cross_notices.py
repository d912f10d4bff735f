"""The notices the cross-start rounds give a run (siting/runs/pool.py: it took another run's plan
as it is, taking that plan failed, or its cross-start failed) are left out of the notices of the
runs with a plan that `compare` and `sweep` give under their table and in comparison.md and
sweep.md: the notes under the table name each such run and say what happened (siting/runs/
tables.py `moved_note`, `cross_failed_note`), and the notice, which repeats the run's label, would
name it a second time ("strict: 1 notice" then "note: strict: its cross-start failed, ...")."""

from __future__ import annotations

from siting.runs.pool import CaseSummary, cross_failed_notice, not_taken_notice
from siting.runs.tables import cross_failed_note, plan_notice_groups, plan_notice_lines

#: The notice of a run that took mid's plan as it is (siting/optimize/run.py `solve_fixed_start`).
TAKEN = ("the plan is that of mid, its whole-number decisions kept and the rest solved again under this run's rules: "
         "it costs -22.7157 bn yuan here, less than the -21.9490 bn yuan of this run's own plan; the best bound, "
         "-23.0000 bn yuan, was proven by this run's own earlier solve of the same model, so the gap is that plan's "
         "against it and no new search ran")
WHY = "an unexpected error (TypeError: injected failure)"


def _runs() -> list[CaseSummary]:
    return [CaseSummary(label="loose", ok=True, started_from="mid", searches={"plan_from": {"run": "mid"}},
                        notices=("shared", TAKEN), out_dir="/o/loose"),
            CaseSummary(label="mid", ok=True, notices=("shared",), out_dir="/o/mid"),
            CaseSummary(label="strict", ok=True, cross_failures=(WHY,),
                        notices=("shared", cross_failed_notice("strict", [WHY])), out_dir="/o/strict"),
            CaseSummary(label="wide", ok=True, started_from="mid", not_taken=WHY,
                        notices=("shared", not_taken_notice("wide", "mid", WHY), "own"), out_dir="/o/wide")]


def test_the_cross_starts_notices_are_left_to_the_notes_under_the_table() -> None:
    runs = _runs()
    assert plan_notice_groups(runs) == [("all runs: 1 notice", ["shared"]), ("wide: 1 notice", ["own"])]
    lines = plan_notice_lines(runs)
    assert not any(label in line for line in lines for label in ("loose", "strict"))
    assert cross_failed_note(runs).endswith(f"strict: {WHY}.")  # the note names it, once


def test_a_notice_that_only_looks_like_one_is_kept() -> None:
    """A notice that names another run's label, or a run that did not move, is the run's own."""
    runs = [CaseSummary(label="a", ok=True, notices=(TAKEN, "b: its cross-start failed, x"), out_dir="/o/a"),
            CaseSummary(label="b", ok=True, notices=(), out_dir="/o/b")]
    assert plan_notice_groups(runs) == [("a: 2 notices", [TAKEN, "b: its cross-start failed, x"])]
