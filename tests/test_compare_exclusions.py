"""What a rule keeps out, in the comparison: rows "site-product pairs kept out: red line" and
"...: proximity" (siting/runs/pool.py `CaseSummary.excluded_pairs`, siting/runs/tables.py
EXCLUDED_ROW), so that a rule changed without changing the plan still shows. Before, a stricter
red line that left the plan as it was read "same plan" in every row, though it kept more sites
and products out (the shipped strict red line: all of Jiangchuan, and seven products at three
sites), which only the layers of compare.qgs showed."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import siting
from siting.runs.pool import excluded_pairs

SMALL = Path(__file__).parent / "data" / "small"


def test_the_pairs_each_family_keeps_out_are_counted_and_none_for_a_family_off() -> None:
    inputs = SimpleNamespace(CANDIDATES=(("a", "p"), ("a", "q"), ("b", "p")), enabled_families=frozenset({"redline"}),
                             REDLINE_EXCLUDED=frozenset({("a", "p"), ("a", "q"), ("z", "p")}),
                             PROXIMITY_EXCLUDED=frozenset({("b", "p")}))
    assert excluded_pairs(inputs) == {"red line": 2, "proximity": 0}  # ("z", "p") is no candidate pair


def test_a_red_line_switched_off_shows_what_it_kept_out(tmp_path: Path) -> None:
    """The small scenario's lake and its 1 km buffer keep out the three products at w_lake (a point
    in the lake); the proximity rule keeps FePO4 out of the two eastern sites, far from the
    phosphate. Without the red line the red-line row gives 3 against 0, a difference of -3, the
    proximity row 2 in both."""
    shutil.copytree(SMALL, tmp_path / "small")
    off = tmp_path / "small" / "no_redline.yaml"
    off.write_text("extends: scenario.yaml\nname: no_redline\nconstraints:\n  redline: {enabled: false}\n",
                   encoding="utf-8")
    table = siting.compare([tmp_path / "small" / "scenario.yaml", off]).table.set_index("metric")
    rows = table.loc[["site-product pairs kept out: red line", "site-product pairs kept out: proximity"]]
    assert rows["unit"].tolist() == ["count", "count"]
    assert rows["small"].tolist() == [3, 2]
    assert rows["no_redline"].tolist() == [0, 2]
    assert rows["no_redline vs small"].tolist() == [-3, 0]
    order = list(table.index)
    # after the sites built on, and the sites the run adds and drops against the baseline
    at = order.index("site-product pairs kept out: red line")
    assert order[at - 3:at] == ["sites built on", "sites built on: added", "sites built on: dropped"]
