"""What an idle recycling demonstration makes is said once in report.md, and names a target only
where one counts it: under the targets table when a capacity target counts the demonstration's
product, else in the demonstrations paragraph, without "the Recycling target counts it".

The case is made up: one demonstration site, q_demo, 50,000 t/yr of recycling in service in 2024,
making nothing in 2024 or in the steady state (2025-2038), idle for feedstock.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def _case(targets: list[dict]) -> tuple[SimpleNamespace, SimpleNamespace, SimpleNamespace]:
    def capacity(year: int) -> pd.DataFrame:
        return pd.DataFrame([{"site": "q_demo", "cluster": "c", "product": "recycling", "year": year,
                              "online": 50000, "available": 50000, "production": 0}])

    def stranded(year: int) -> pd.DataFrame:
        return pd.DataFrame([{"site": "q_demo", "product": "recycling", "year": year, "reason": "feedstock"}])

    plan = SimpleNamespace(
        demo_sites={"q_demo": 1}, capacity=capacity(2024), stranded=stranded(2024),
        steady_state=SimpleNamespace(year=2025, years_after_horizon=14, capacity=capacity(2025),
                                     stranded=stranded(2025)),
        targets=pd.DataFrame(targets, columns=["kind", "target", "year", "target_value", "achieved", "shortfall"]),
        output_value=pd.DataFrame(columns=["year", "output_value_yuan"]),
        trade=pd.DataFrame(columns=["hub", "product", "year", "sales"]))
    inputs = SimpleNamespace(recycling_demo=SimpleNamespace(product="recycling"), enabled_families={"recycling_demo"},
                             utilisation={"recycling": 0.7},
                             YEARS=[2023, 2024], TARGET_GROUPS={}, PRODUCTS=("recycling", "cells"),
                             output_value_target_yuan={}, price_yuan_per_unit={}, output_value_yuan_per_unit={})
    loaded = SimpleNamespace(catalog=SimpleNamespace(products={"recycling": SimpleNamespace(unit="t"),
                                                               "cells": SimpleNamespace(unit="GWh")}))
    return plan, inputs, loaded


RECYCLING = {"kind": "capacity", "target": "recycling", "year": 2024, "target_value": 50000, "achieved": 50000,
             "shortfall": 0}
CELLS = {"kind": "capacity", "target": "cells", "year": 2024, "target_value": 10, "achieved": 10, "shortfall": 0}


def _texts(plan, inputs, loaded, monkeypatch) -> tuple[str, str]:
    from siting.deliver import report

    monkeypatch.setattr(report, "demonstrations_text", lambda *_args: "q_demo is the demonstration.")
    top = report.demonstrations_paragraph(plan, inputs, {}, {"recycling": "t", "cells": "GWh"})
    targets = " ".join(b.content for b in report.target_blocks(loaded, inputs, plan) if b.kind == "p")
    return top, targets


def test_with_a_recycling_target_it_is_said_under_the_targets_only(monkeypatch) -> None:
    top, targets = _texts(*_case([RECYCLING, CELLS]), monkeypatch)
    both = top + " " + targets
    assert both.count("The demonstration plant at q_demo") == 1
    assert "The demonstration plant at q_demo" in targets
    assert "the Recycling target counts it" in targets
    assert top.endswith('A demonstration makes less than half its usable capacity: section "Targets against the '
                        'plan" says what.')


def test_without_a_recycling_target_no_target_is_said_to_count_it(monkeypatch) -> None:
    top, targets = _texts(*_case([CELLS]), monkeypatch)
    both = top + " " + targets
    assert both.count("The demonstration plant at q_demo") == 1
    assert "The demonstration plant at q_demo" in top
    assert "target counts it" not in both
    assert "does not demonstrate running recycling" in top


def test_without_any_target_it_is_said_once_without_a_target(monkeypatch) -> None:
    top, targets = _texts(*_case([]), monkeypatch)
    assert "The demonstration plant at q_demo" in top and "target counts it" not in top
    assert "The demonstration plant at q_demo" not in targets


def test_the_targets_section_names_no_recycling_target_that_is_not_there() -> None:
    from siting.deliver.report import demonstration_use_text, target_blocks

    plan, inputs, loaded = _case([CELLS])
    texts = " ".join(b.content for b in target_blocks(loaded, inputs, plan) if b.kind == "p")
    assert "Recycling target" not in texts
    assert "target counts it" not in demonstration_use_text(plan, inputs, {}, "t")
