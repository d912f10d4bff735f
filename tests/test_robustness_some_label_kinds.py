"""The robustness legends (robustness.qml, so plan.qgs, and robustness.png) call a site some
near-optimal plans build "interchangeable" only where every alternative kept the optimum's
capacity by cluster. Where some alternatives may move capacity between clusters (scope
`clusters`), the shares count two kinds of plan alike, and a site built in some plans may be one
that every plan of one kind builds and no plan of the other: the legend says so instead."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import matplotlib
import pytest
import shapely

import siting.deliver.explore as explore
from siting.cli import main
from siting.deliver.layer import make_layer

matplotlib.use("Agg")
DATA = Path(__file__).parent / "data" / "small"
INTERCHANGEABLE = "Built in some near-optimal plans (interchangeable)"


def layer():
    frame = gpd.GeoDataFrame({"id": ["s1", "s2"], "name": ["Park A", "Park B"], "role": ["needed", "some"],
                              "site_share": [1.0, 0.4], "products_in_words": ["LFP 100%", "LFP 40%"],
                              "capex_yuan": [1e9, 0.0]},
                             geometry=[shapely.Point(500000, 2700000), shapely.Point(510000, 2700000)],
                             crs="EPSG:32648")
    return make_layer("robustness", "Robustness", frame, list(frame.columns.drop("geometry")))


def test_the_style_says_two_kinds_where_there_are() -> None:
    assert INTERCHANGEABLE in explore.robustness_style(layer())
    mixed = explore.robustness_style(layer(), mixed=True)
    assert "interchangeable" not in mixed
    assert f'label="{explore.ROBUSTNESS_SOME_OF_KINDS}"' in mixed


def test_the_png_legend_says_two_kinds_where_there_are() -> None:
    import matplotlib.pyplot as plt

    frame = layer().frame
    for mixed, label in ((False, INTERCHANGEABLE), (True, explore.ROBUSTNESS_SOME_OF_KINDS)):
        figure, ax = plt.subplots()
        _radii, keys = explore._draw_robustness_marks(ax, frame, mixed)
        plt.close(figure)
        assert [text.replace("\n", " ") for _key, text in keys] == [explore.ROBUSTNESS_ROLES["needed"], label]


def test_a_solve_with_alternatives_of_both_kinds_asks_for_those_words(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    styled, drawn = explore.robustness_style, explore._draw_robustness_marks

    def style(*args, **kwargs):
        asked.append(kwargs.get("mixed", False))
        return styled(*args, **kwargs)

    def marks(*args, **kwargs):
        asked.append(args[2] if len(args) > 2 else kwargs.get("mixed", False))
        return drawn(*args, **kwargs)

    monkeypatch.setattr(explore, "robustness_style", style)
    monkeypatch.setattr(explore, "_draw_robustness_marks", marks)
    shutil.copytree(DATA, tmp_path / "small")
    assert main(["solve", str(tmp_path / "small" / "scenario.yaml"), "--out", str(tmp_path / "out"), "--quiet",
                 "--alternatives", "2"]) == 0  # alt02 of scope `clusters`
    assert asked == [True, True]
