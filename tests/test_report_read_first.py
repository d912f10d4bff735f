"""report.md opens with "Read this first": the red-line layer a proxy holding only part of the
official red line, the sites' positions uncertain by up to the stated km with the built sites whose
margin to a rule is below their uncertainty, and the plan one of several within the proven gap.

Made-up figures: the layer covers 2.78 % of the clusters, the official red line 30.90 % of the
province, so the layer holds about 2.78 / 30.90 = 9 % of it; Huaning (built, NCM precursor) is 4.6
km outside a setback with ±5 km, Tonghai (not built) is partly inside one: only Huaning is listed.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def _case(gap: float = 0.0174) -> dict:
    from siting.deliver.mapinfo import LayerBasis
    from siting.prepare.positions import PositionCheck, PositionDecision

    loaded = SimpleNamespace(scenario=SimpleNamespace(
        constraints=SimpleNamespace(redline=SimpleNamespace(official_share_pct=30.9)),
        layers=SimpleNamespace(redline=SimpleNamespace(path="geodata/redline_proxy.geojson"))))
    decisions = (
        PositionDecision("huaning", "red line", "lake 5000 m", ("ncm_precursor",), "outside", 4.6, 5.0, "4.6 km"),
        PositionDecision("tonghai", "red line", "lake 5000 m", ("fepo4",), "partly", 0.0, 5.0, "partly"),
        PositionDecision("caopu", "red line", "lake 5000 m", ("fepo4",), "outside", 9.0, 3.0, "9 km"))
    positions = PositionCheck(uncertainty_km={"huaning": 5.0, "tonghai": 5.0, "caopu": 3.0, "far": 8.0},
                              decisions=decisions)
    plan = SimpleNamespace(builds=pd.DataFrame([{"site": "huaning", "product": "ncm_precursor"},
                                                {"site": "caopu", "product": "fepo4"}]))
    manifest = {"solver": {"termination": "optimal", "objective_yuan": -194.75e9, "gap": gap}}
    return {"loaded": loaded, "layers": [], "plan": plan, "manifest": manifest, "positions": positions,
            "names": {"huaning": "Huaning county"}, "basis": LayerBasis(count=23, proxies=20, uncertainty_km=20.0)}


def test_read_first_gives_the_three_caveats(monkeypatch) -> None:
    from siting.deliver import report

    monkeypatch.setattr(report, "redline_coverage", lambda layers: (64868.0, 0.0278))
    blocks = report.read_first_blocks(**_case())
    assert blocks[0].kind == "h2" and blocks[0].content == "Read this first"
    items = blocks[1].content
    assert items[0].startswith("The red-line layer is a proxy, not the official red line: were the official red "
                               "line's share of the province (30.9 %) the same in the clusters, it would hold about "
                               "9 % of it (an estimate), its zones placed to within ±20 km")
    assert items[1].startswith("Site positions are uncertain by up to 8 km")
    assert ("At 1 site the plan builds on, a red-line or proximity decision on a product it builds there could "
            "go the other way within that uncertainty: Huaning county (red line, NCM precursor: margin 4.6 km "
            "against 5 km; builds NCM precursor)") in items[1]
    assert "tonghai" not in items[1] and "caopu" not in items[1]
    assert items[2].startswith("The plan is one of several the solve cannot tell apart: it is proven within")
    assert "(1.74%)" in items[2]


def test_no_gap_no_gap_caveat_and_nothing_when_nothing_applies(monkeypatch) -> None:
    from siting.deliver import report

    monkeypatch.setattr(report, "redline_coverage", lambda layers: None)
    case = _case(gap=0.0)
    blocks = report.read_first_blocks(**case)
    assert not any("cannot tell apart" in item for item in blocks[1].content)
    case["basis"] = None
    case["loaded"].scenario.layers.redline = None
    case["positions"] = None
    assert report.read_first_blocks(**case) == []


def test_the_report_puts_it_before_the_map(monkeypatch) -> None:
    """In report_blocks, "Read this first" comes before the interactive map and map.png."""
    import inspect

    from siting.deliver import report

    source = inspect.getsource(report.report_blocks)
    assert source.index("read_first_blocks(") < source.index('Block("webmap"')


def test_a_decision_on_products_the_plan_does_not_build_there_is_not_a_caveat(monkeypatch) -> None:
    """Huaning builds NCM precursor only; a decision within its uncertainty that excludes FePO4 there
    (wholly inside the FePO4 setback) would, going the other way, only allow more: not listed."""
    from siting.deliver import report
    from siting.prepare.positions import PositionCheck, PositionDecision

    monkeypatch.setattr(report, "redline_coverage", lambda layers: (64868.0, 0.0278))
    case = _case()
    case["positions"] = PositionCheck(
        uncertainty_km={"huaning": 5.0},
        decisions=(PositionDecision("huaning", "red line", "lake 5000 m", ("fepo4",), "inside", 1.2, 5.0, "inside"),))
    items = report.read_first_blocks(**case)[1].content
    assert items[1].startswith("Site positions are uncertain by up to 5 km (position_uncertainty_km of the sites "
                               "layer). No red-line or proximity decision on a product the plan builds")
