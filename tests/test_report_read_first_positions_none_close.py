""""Read this first" says what the sites' positional uncertainty means for this plan also when no
decision at a built site is close: the bare "Site positions are uncertain by up to 8 km" left a
reader asking whether the plan is affected. Made-up figures: Tonghai (not built) is partly inside
a setback with ±5 km; the plan builds at Caopu only, 9 km outside a setback with ±3 km.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def _items(decisions: tuple) -> list[str]:
    from siting.deliver import report
    from siting.prepare.positions import PositionCheck

    loaded = SimpleNamespace(scenario=SimpleNamespace(
        constraints=SimpleNamespace(redline=SimpleNamespace(official_share_pct=30.9)),
        layers=SimpleNamespace(redline=None)))
    positions = PositionCheck(uncertainty_km={"tonghai": 5.0, "caopu": 3.0}, decisions=decisions)
    plan = SimpleNamespace(builds=pd.DataFrame([{"site": "caopu", "product": "fepo4"}]))
    manifest = {"solver": {"termination": "optimal", "objective_yuan": -194.75e9, "gap": 0.0}}
    return report.read_first_blocks(loaded, [], plan, manifest, positions, {})[1].content


def test_no_close_decision_at_a_built_site_is_said_with_where_the_others_are() -> None:
    from siting.prepare.positions import PositionDecision

    items = _items((
        PositionDecision("tonghai", "red line", "lake 5000 m", ("fepo4",), "partly", 0.0, 5.0, "partly"),
        PositionDecision("caopu", "red line", "lake 5000 m", ("fepo4",), "outside", 9.0, 3.0, "9 km")))
    assert items[0] == ("Site positions are uncertain by up to 5 km (position_uncertainty_km of the sites layer). "
                        "No red-line or proximity decision on a product the plan builds at a site it builds on "
                        "could go the other way within that uncertainty; section \"Decisions within positional "
                        "uncertainty\" lists those elsewhere.")


def test_no_close_decision_anywhere_is_said_too() -> None:
    from siting.prepare.positions import PositionDecision

    items = _items((PositionDecision("caopu", "red line", "lake 5000 m", ("fepo4",), "outside", 9.0, 3.0, "9 km"),))
    assert items[0].endswith("No red-line or proximity decision on a product the plan builds at a site it builds "
                             "on could go the other way within that uncertainty.")
