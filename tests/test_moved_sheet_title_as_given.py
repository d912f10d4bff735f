"""A plan's sheet moved into the optimum's plan.qgs (siting/deliver/qgisproject.py `moved_sheet`)
keeps its own title: an alternative's title already ends with its cost over the optimum's
(siting/deliver/files.py gives it to the alternative's own map title), so the move takes no
second copy of that line, and no parameter offers one."""

from __future__ import annotations

import inspect

from siting.deliver.qgisproject import PlanSheet, moved_sheet

HEADING = ("demo: capacity plan 2022-2024, alternative alt01 of 1\nobjective -22.71 bn yuan (discounted)\n"
           "+0.01 % over the optimum, within its proven gap")


def test_the_moved_sheet_keeps_its_title_and_takes_no_excess() -> None:
    sheet = PlanSheet((), HEADING, "Source: plan (plan.gpkg; inputs and their SHA-256 in manifest.json)", "")
    moved = moved_sheet(sheet, "alt01", "alt01")
    assert moved.heading == HEADING
    assert moved.source == "Source: plan (alt01/plan.gpkg; inputs and their SHA-256 in alt01/manifest.json)"
    assert list(inspect.signature(moved_sheet).parameters) == ["sheet", "sub", "label"]
