"""A run of a batch written to a folder is assembled in a staging folder and its summary then
moved to the batch folder (siting/runs/batch.py `_moved`): its notices keep both their forms
(`Notice`: files relative to the scenario's folder for the run's files, and as typed from the
current folder for the terminal), so that the notices `compare` and `sweep` print under their
table (`plan_notice_lines`) name the files as `solve` does, not as the run's report.md does."""

from __future__ import annotations

from pathlib import Path

from siting.config.errors import Notice, shown_notice
from siting.runs.batch import _moved
from siting.runs.pool import CaseSummary
from siting.runs.tables import plan_notice_lines

TEXT = "products.fepo4.price_yuan_per_unit | below 10 % of what one t costs to make"


def test_a_moved_run_keeps_the_terminal_form_of_its_notices(tmp_path: Path) -> None:
    staging, destination = tmp_path / ".staging", tmp_path / "cmp"
    notice = Notice(f"catalog.yaml:10: {TEXT}", f"a/catalog.yaml:10: {TEXT}")
    summary = CaseSummary(label="a", ok=True, notices=(notice, f"a plain notice in {staging}/a"),
                          out_dir=str(staging / "a"))
    moved = _moved(summary, staging, destination)
    assert isinstance(moved.notices[0], Notice)
    assert str(moved.notices[0]) == f"catalog.yaml:10: {TEXT}"
    assert shown_notice(moved.notices[0]) == f"a/catalog.yaml:10: {TEXT}"
    assert moved.notices[1] == f"a plain notice in {destination}/a"
    assert f"  note: a/catalog.yaml:10: {TEXT}" in plan_notice_lines([moved])


def test_a_notice_naming_the_staging_folder_is_moved_in_both_forms(tmp_path: Path) -> None:
    staging, destination = tmp_path / ".staging", tmp_path / "cmp"
    notice = Notice(f"see {staging}/a/x", f"look at {staging}/a/x")
    moved = _moved(CaseSummary(label="a", ok=True, notices=(notice,)), staging, destination)
    assert (str(moved.notices[0]), shown_notice(moved.notices[0])) == (f"see {destination}/a/x",
                                                                       f"look at {destination}/a/x")
