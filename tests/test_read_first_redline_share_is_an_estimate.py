""""Read this first" gives the red-line layer's part of the official red line as the section "How
much of the red line the layer holds" does: an estimate that holds only if the official red
line's share of the province (constraints.redline.official_share_pct) were the same in the
clusters, never as a measured "it holds about 9 %".

Made-up figures: the layer covers 2.78 % of the clusters, the official red line 30.9 % of the
province: about 9 % if that share held in the clusters.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def _first_item(monkeypatch, proxy: bool) -> str:
    from siting.deliver import report
    from siting.deliver.mapinfo import LayerBasis

    monkeypatch.setattr(report, "redline_coverage", lambda layers: (64868.0, 0.0278))
    loaded = SimpleNamespace(scenario=SimpleNamespace(
        constraints=SimpleNamespace(redline=SimpleNamespace(official_share_pct=30.9)),
        layers=SimpleNamespace(redline=SimpleNamespace(path="redline.geojson"))))
    basis = LayerBasis(count=23, proxies=20 if proxy else 0, uncertainty_km=20.0 if proxy else 0.0)
    blocks = report.read_first_blocks(loaded, [], SimpleNamespace(builds=pd.DataFrame()),
                                      {"solver": {"termination": "optimal", "objective_yuan": -1e9, "gap": 0.0}},
                                      None, {}, basis)
    return blocks[1].content[0]


def test_the_share_of_a_proxy_is_given_as_an_estimate(monkeypatch) -> None:
    item = _first_item(monkeypatch, proxy=True)
    assert "it holds about" not in item
    assert "the same in the clusters" in item and "30.9 %" in item and "about 9 %" in item
    assert "estimate" in item


def test_the_share_of_a_partial_layer_is_given_as_an_estimate(monkeypatch) -> None:
    item = _first_item(monkeypatch, proxy=False)
    assert item.startswith("The red-line layer is not the whole official red line")
    assert "it holds about" not in item and "estimate" in item
