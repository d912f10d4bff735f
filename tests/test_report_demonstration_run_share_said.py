"""With `constraints.recycling_demo.min_run_share` given, the demonstrations paragraph of report.md
says what the rule asks of each demonstration and what it makes: a user who switched the rule on
reads that the demonstration runs, not only where it stands. Without the share, nothing is added.

The case is made up: one demonstration site, q_demo, 50,000 t/yr of recycling in service in 2024,
utilisation 0.7 (35,000 t/yr usable), making 35,000 t/yr in 2024 and in the steady state
(2025-2038); the rule asks 50 % of the usable capacity.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def _case(share: float) -> tuple[SimpleNamespace, SimpleNamespace]:
    def capacity(year: int) -> pd.DataFrame:
        return pd.DataFrame([{"site": "q_demo", "cluster": "c", "product": "recycling", "year": year,
                              "online": 50000, "available": 50000, "production": 35000}])

    empty = pd.DataFrame(columns=["site", "product", "year", "reason"])
    plan = SimpleNamespace(
        demo_sites={"q_demo": 1}, capacity=capacity(2024), stranded=empty,
        steady_state=SimpleNamespace(year=2025, years_after_horizon=14, capacity=capacity(2025), stranded=empty),
        targets=pd.DataFrame([{"kind": "capacity", "target": "recycling", "year": 2024, "target_value": 50000,
                               "achieved": 50000, "shortfall": 0}]))
    inputs = SimpleNamespace(recycling_demo=SimpleNamespace(product="recycling", min_run_share=share),
                             enabled_families={"recycling_demo"}, utilisation={"recycling": 0.7},
                             YEARS=[2023, 2024], TARGET_GROUPS={})
    return plan, inputs


def _paragraph(share: float, monkeypatch) -> str:
    from siting.deliver import report

    monkeypatch.setattr(report, "demonstrations_text", lambda *_args: "Q is the demonstration.")
    plan, inputs = _case(share)
    return report.demonstrations_paragraph(plan, inputs, {"q_demo": "Q"}, {"recycling": "t"})


def test_a_run_share_is_said_with_what_the_demonstration_makes(monkeypatch) -> None:
    text = _paragraph(0.5, monkeypatch)
    assert ("The rule asks each demonstration to make at least 50% of its usable capacity every year "
            "(constraints.recycling_demo.min_run_share): Q makes 35,000 t/yr in 2024, of 35,000 t/yr usable, "
            "and 35,000 t/yr a year in the steady state (2025-2038), of 35,000 t/yr usable.") in text


def test_without_a_run_share_nothing_is_added(monkeypatch) -> None:
    text = _paragraph(0.0, monkeypatch)
    assert "min_run_share" not in text and "makes" not in text
