"""What a sweep's rule keeps out, in its tables and on its map: the columns `pairs_kept_out_redline`
and `pairs_kept_out_proximity` (the (site, product) pairs each family keeps out, as compare's rows
"site-product pairs kept out: ...") and `land_free_ha` (compare's row "land free for new
modules"), the list of pairs against the first run under sweep.md's table and the terminal's
(`kept_out_note`), and the changes of each run against the first, diff.geojson and diff.qml, with
compare.qgs. Before, a sweep over the red line's buffer whose plan stayed the same read "same plan"
in every column, though the wider buffer kept four sites out, and wrote no map of the changes."""

from __future__ import annotations

import json
from pathlib import Path

import siting
from siting.runs.pool import CaseSummary
from siting.runs.tables import sweep_display, sweep_table, sweep_text

SMALL = Path(__file__).parent / "data" / "small"

KEPT_OUT = ["pairs_kept_out_redline", "pairs_kept_out_proximity", "land_free_ha"]


def solved(label: str, kept_out: dict[str, tuple[tuple[str, str], ...]], land: dict[str, float]) -> CaseSummary:
    """A solved run that builds on site a, with the pairs `kept_out` and the land `land` (ha)."""
    return CaseSummary(label, True, status="optimal", objective_yuan=-20e9, gap=0.0, final_year=2024,
                       sites_opened=("a",), site_added={"a": {"lfp": 1000.0}},
                       excluded_pairs={family: len(pairs) for family, pairs in kept_out.items()},
                       kept_out=kept_out, land_free_ha=land, site_names={"a": "Site A", "b": "Site B"},
                       group_capacity={"cathode": 1000.0}, units={"cathode": "t"})


def test_the_sweep_table_counts_the_pairs_kept_out_and_the_land_free_after_the_sites() -> None:
    """Three runs over buffer_m, the same plan: 1, 3 and 3 pairs kept out by the red line, 2 by
    proximity in each, 30, 18.5 and 18.5 ha of land free; a run without a plan has none of them.
    The columns stand after `sites_built_on`, before the capacity columns, in sweep.md's too."""
    summaries = [solved("run01", {"red line": (("b", "lfp"),), "proximity": (("a", "fepo4"), ("b", "fepo4"))},
                        {"a": 20.0, "b": 10.0}),
                 solved("run02", {"red line": (("b", "lfp"), ("b", "fepo4"), ("b", "cells")),
                                  "proximity": (("a", "fepo4"), ("b", "fepo4"))}, {"a": 18.5, "b": 0.0}),
                 solved("run03", {"red line": (("b", "lfp"), ("b", "fepo4"), ("b", "cells")),
                                  "proximity": (("a", "fepo4"), ("b", "fepo4"))}, {"a": 18.5, "b": 0.0}),
                 CaseSummary("run04", False, status="infeasible", error="infeasible")]
    table = sweep_table(summaries, [{"buffer_m": b} for b in (0, 500, 1000, 2000)])
    columns = list(table.columns)
    at = columns.index("sites_built_on")
    assert columns[at + 1:at + 4] == KEPT_OUT
    assert columns[at + 4] == "capacity_cathode_t_per_yr"
    assert table["pairs_kept_out_redline"].tolist()[:3] == [1, 3, 3]
    assert table["pairs_kept_out_proximity"].tolist()[:3] == [2, 2, 2]
    assert table["land_free_ha"].tolist()[:3] == [30.0, 18.5, 18.5]
    assert table.loc[3, KEPT_OUT].isna().all()
    assert table["vs_first"].tolist()[1:3] == ["same plan", "same plan"]  # true of the plan
    shown = list(sweep_display(table).columns)
    assert shown[shown.index("sites_built_on") + 1:shown.index("sites_built_on") + 4] == KEPT_OUT
    text = sweep_text(table, "sweep.csv", summaries, 200)
    assert "The red line keeps 2 site-product pairs out in run02 and not in run01: Site B (FePO4, Cells)." in text
    assert "run03 keeps out the same site-product pairs" not in text  # it does not: 2 more than run01


def test_a_sweep_of_the_red_line_lists_what_it_keeps_out_and_maps_the_changes(tmp_path: Path) -> None:
    """The small scenario swept over the red line on and off: its lake keeps the three products
    out of w_lake (3 pairs, 0 when off), the proximity rule FePO4 out of the two eastern sites (2 in
    both runs), and the land free at w_lake goes from 0 to 100 ha (158 to 258 ha in all). sweep.csv
    and sweep.md give the counts, sweep.md lists the pairs under its table; the folder holds
    diff.geojson (run02 against run01: w_lake added), diff.qml and compare.qgs."""
    out = tmp_path / "sweep"
    batch = siting.sweep(SMALL / "scenario.yaml", {"constraints.redline.enabled": [True, False]}, out)
    table = batch.table
    assert table["pairs_kept_out_redline"].tolist() == [3, 0]
    assert table["pairs_kept_out_proximity"].tolist() == [2, 2]
    assert table["land_free_ha"].tolist() == [158.0, 258.0]
    csv = (out / "sweep.csv").read_text(encoding="utf-8").splitlines()
    assert "sites_built_on,pairs_kept_out_redline,pairs_kept_out_proximity,land_free_ha," in csv[0]
    assert csv[1].endswith(",3,3,2,158,280000,10")
    assert csv[2].endswith(",4,0,2,258,480000,30")
    md = (out / "sweep.md").read_text(encoding="utf-8")
    assert ("| sites built on | site-product pairs kept out: red line | site-product pairs kept out: proximity "
            "| land free for new modules (ha) |") in md
    assert ("- The red line keeps 3 site-product pairs out in run01 enabled=true and not in run02 enabled=false: "
            "West lakeside (FePO4, LFP, Cells).") in md
    assert "- run02 enabled=false: land free for new modules differs by 1 ha or more at 1 site" in md
    assert "+100.0 ha in all" in md
    for name in ("diff.geojson", "diff.qml", "compare.qgs"):
        assert (out / name).is_file(), name
    features = json.loads((out / "diff.geojson").read_text(encoding="utf-8"))["features"]
    changes = {f["properties"]["site"]: f["properties"]["change"] for f in features}
    assert {f["properties"]["scenario"] for f in features} == {"run02 enabled=false"}
    assert changes["w_lake"] == "added"
    project = (out / "compare.qgs").read_text(encoding="utf-8")
    assert "run01 enabled=true (baseline)" in project and "diff.geojson" in project
