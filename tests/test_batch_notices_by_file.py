"""The notices of the runs with a plan under a `compare` table (siting/runs/tables.py
`plan_notice_groups`) name, for each run, its own files: two scenarios in different folders,
each with its own catalog.yaml, give notices of the same text for the run's files (the catalog
named relative to each scenario's folder, `Notice`) but of different files on the terminal
(`Notice.shown`, "a/catalog.yaml:10", "b/catalog.yaml:10"). They are not one notice that "all
runs" have, and no run's notice is shown with another run's file."""

from __future__ import annotations

from siting.config.errors import Notice, shown_notice
from siting.runs.pool import CaseSummary
from siting.runs.tables import plan_notice_groups, plan_notice_lines, plan_notices_note

TEXT = "products.fepo4.price_yuan_per_unit | below 10 % of what one t costs to make"


def _slip(folder: str) -> Notice:
    return Notice(f"catalog.yaml:10: {TEXT}", f"{folder}/catalog.yaml:10: {TEXT}")


def _run(label: str, notices: list[str], ok: bool = True) -> CaseSummary:
    return CaseSummary(label=label, ok=ok, notices=tuple(notices), out_dir=f"/o/{label}")


def test_the_same_text_of_different_files_is_each_run_own() -> None:
    runs = [_run("a", [_slip("a")]), _run("b", [_slip("b")])]
    groups = plan_notice_groups(runs)
    assert [heading for heading, _ in groups] == ["a: 1 notice", "b: 1 notice"]
    assert [[shown_notice(n) for n in notices] for _, notices in groups] == [
        [f"a/catalog.yaml:10: {TEXT}"], [f"b/catalog.yaml:10: {TEXT}"]]
    lines = plan_notice_lines(runs)
    assert f"  note: a/catalog.yaml:10: {TEXT}" in lines and f"  note: b/catalog.yaml:10: {TEXT}" in lines
    assert plan_notices_note(runs, {"a": "a", "b": "b"}).count(f"- catalog.yaml:10: {TEXT}") == 2


def test_a_run_shows_its_own_file_when_some_runs_share_the_text() -> None:
    """Three runs, two with the text (of different files): each of those two names its own."""
    runs = [_run("a", [_slip("a")]), _run("b", [_slip("b")]), _run("c", [])]
    groups = dict(plan_notice_groups(runs))
    assert [shown_notice(n) for n in groups["a: 1 notice"]] == [f"a/catalog.yaml:10: {TEXT}"]
    assert [shown_notice(n) for n in groups["b: 1 notice"]] == [f"b/catalog.yaml:10: {TEXT}"]


def test_the_same_file_is_still_said_once() -> None:
    runs = [_run("a", [_slip("x")]), _run("b", [_slip("x")])]
    assert [(h, [shown_notice(n) for n in ns]) for h, ns in plan_notice_groups(runs)] == [
        ("all runs: 1 notice", [f"x/catalog.yaml:10: {TEXT}"])]
