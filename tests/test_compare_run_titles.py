"""A run of a comparison or sweep whose label is not its scenario's name (the same scenario file
given twice: runs small and small-2) is titled by that label in its report and map, so that two
reports of one scenario are told apart; a run labelled by its scenario's name keeps the title a
solve gives it. So is each near-optimal alternative of a solve."""

from __future__ import annotations

import re

from siting.runs.job import run_which
from tests.conftest import MadeRun


def test_which_names_the_run_only_where_its_label_is_not_the_scenario_name() -> None:
    assert run_which("small", "small-2") == "run small-2"
    assert run_which("small", "run01 redline.buffer_m=500") == "run run01 redline.buffer_m=500"
    assert run_which("small", "small") == ""
    assert run_which("small", None) == ""


def test_the_second_run_of_a_scenario_is_titled_by_its_label(small_twice_compare_run) -> None:
    """report.md's heading, report.html's page title and plan.qgs's print layout title."""
    out = small_twice_compare_run.out
    first = (out / "small" / "report.md").read_text(encoding="utf-8")
    second = (out / "small-2" / "report.md").read_text(encoding="utf-8")
    assert first.startswith("# Plan report: small\n")
    assert second.startswith("# Plan report: small, run small-2\n")
    page = (out / "small-2" / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<title>(.*?)</title>", page).group(1) == "Plan report: small, run small-2"
    assert "<h1>Plan report: small, run small-2</h1>" in page
    project = (out / "small-2" / "plan.qgs").read_text(encoding="utf-8")
    assert "<title>small, run small-2</title>" in project and 'projectname="small, run small-2"' in project
    assert "siting plan for scenario 'small'" in project  # the source line names the scenario
    assert "run small" not in (out / "small" / "plan.qgs").read_text(encoding="utf-8")


def test_an_alternative_is_titled_by_which_it_is(small_alternatives_run: MadeRun) -> None:
    """`siting solve --alternatives 2` (conftest's `small_alternatives_run`): alt01's and alt02's
    reports and projects name each one."""
    out = small_alternatives_run.out
    for label in ("alt01", "alt02"):
        title = f"small, near-optimal alternative {label} of 2"
        assert (out / label / "report.md").read_text(encoding="utf-8").startswith(f"# Plan report: {title}\n")
        page = (out / label / "report.html").read_text(encoding="utf-8")
        assert re.search(r"<title>(.*?)</title>", page).group(1) == f"Plan report: {title}"
        assert f"<title>small, alternative {label} of 2</title>" in (out / label / "plan.qgs").read_text(
            encoding="utf-8")
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Plan report: small\n")
