"""robustness.png's title says how many of the plans it counts keep the optimum's capacity by
cluster and how many may move it between clusters: the shares count both kinds alike, and a
reader of the map alone would take them for one kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import siting.deliver.explore as explore
from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"


def titles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> list[str]:
    seen: list[str] = []
    drawn = explore.robustness_png

    def capture(layer, spatial, title, *args, **kwargs):
        seen.append(title)
        return drawn(layer, spatial, title, *args, **kwargs)

    monkeypatch.setattr(explore, "robustness_png", capture)
    shutil.copytree(DATA, tmp_path / "small")
    assert main(["solve", str(tmp_path / "small" / "scenario.yaml"), "--out", str(tmp_path / "out"), "--quiet",
                 "--alternatives", str(count)]) == 0
    return seen


def test_two_kinds_are_counted_in_the_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (title,) = titles(tmp_path, monkeypatch, 2)
    assert title.endswith("that build at each site\n2 keep the optimum's capacity by cluster, 1 may move capacity "
                          "between clusters (alternatives.md)")


def test_one_kind_keeps_the_one_line_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (title,) = titles(tmp_path, monkeypatch, 1)
    assert title == "small: share of 2 near-optimal plans (within 5%) that build at each site"
