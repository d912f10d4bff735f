"""A run that replaces a folder siting wrote of another kind (a comparison, a sweep, a plan with
alternatives, a diagnosis) says so in a note: `--out` named the folder, so it is replaced whole, as
docs/USAGE.md says, but a comparison of three runs replaced by one plan went without a word. A re-run of
the same kind says nothing."""

from __future__ import annotations

from pathlib import Path

from siting.deliver import folders
from siting.deliver.folders import held_kind, write_folder_atomically


def nested(text: str):
    """A writer of a file in a subfolder of the staging folder (an alternative's altNN/)."""
    def write(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return write


def test_a_plan_replacing_a_comparison_says_what_it_replaced(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    write_folder_atomically(out, {"comparison.csv": "run\n", "comparison.md": "# c\n"})
    assert held_kind(out) == ("comparison", "a comparison")
    folders.forget_completed()
    write_folder_atomically(out, {"manifest.json": "{}\n", "plan.csv": "site\n"})
    assert folders.replaced_notes() == [
        f"{out}: held a comparison written before, which this run's plan replaced whole (a run replaces a "
        "folder siting wrote, whatever it held); give another folder to keep both"]
    folders.forget_completed()
    assert folders.replaced_notes() == []


def test_kinds_and_the_runs_and_alternatives_they_hold(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    write_folder_atomically(plan, {"manifest.json": "{}\n", "alt01/plan.csv": nested("a\n"),
                                   "alt02/plan.csv": nested("b\n"), "rule_costs.csv": "r\n"})
    assert held_kind(plan) == ("plan", "a plan with 2 alternatives and rule costs")
    sweep = tmp_path / "sweep"
    write_folder_atomically(sweep, {"sweep.csv": "run\n"})
    assert held_kind(sweep) == ("sweep", "a sweep")
    assert held_kind(tmp_path / "none") is None


def test_a_rerun_of_the_same_kind_says_nothing(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    write_folder_atomically(out, {"manifest.json": "{}\n", "alt01/plan.csv": nested("a\n")})
    folders.forget_completed()
    write_folder_atomically(out, {"manifest.json": "{}\n", "plan.csv": "site\n"})
    assert folders.replaced_notes() == []
