"""alternatives.md of a run asked for one alternative speaks of that one: it keeps the optimum's
capacity by cluster (scope `sites`), and the plans of scope `clusters` come only with more asked
for; before, it described a set of several in two stages ("1 alternative to the optimum, each
within ..., the first alternatives ... the others ...")."""

from __future__ import annotations

import shutil
from pathlib import Path

from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"


def test_one_alternative_is_described_as_one(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "small")
    out = tmp_path / "out"
    assert main(["solve", str(tmp_path / "small" / "scenario.yaml"), "--out", str(out), "--quiet",
                 "--alternatives", "1"]) == 0
    intro = (out / "alternatives.md").read_text(encoding="utf-8").split("\n\n")[1]
    assert intro.startswith("1 alternative to the optimum, within 5% of its cost")
    assert "each within" not in intro and "The first alternatives" not in intro
    assert "It keeps the optimum's modules by cluster, size and year" in intro
    assert "half of them (rounded down) may move capacity between clusters too" in intro
