"""The comparison names sites as the rest of the tool does, and says which site-product pairs a
stricter rule keeps out and how much land it leaves: the rows `sites built on: added` and
`...: dropped` give site names in comparison.md and on the terminal (ids in comparison.csv, a
candidate cell by its id everywhere); under the table, for each run compared with the baseline,
the pairs kept out there and not in the baseline, and the reverse, by site name and product in
words (a long list cut, "and N more"), and the sites whose land free for new modules differs; the
row LAND_ROW gives each run's total of that land (ha). Before, the sites rows gave ids only, and
the rows of pairs kept out gave counts only."""

from __future__ import annotations

import shutil
from pathlib import Path

import siting
from siting.runs.pool import CaseSummary, free_land_ha, kept_out_pairs
from siting.runs.tables import (
    EXCLUDED_ROW,
    LAND_ROW,
    SITES_ADDED_ROW,
    SITES_DROPPED_ROW,
    comparison_csv,
    comparison_display,
    comparison_table,
    comparison_text,
    kept_out_note,
)

SMALL = Path(__file__).parent / "data" / "small"

NAMES = {"yuxi_longquan": "Yuxi high-tech zone", "anning_caopu": "Anning industrial park, Caopu area",
         "qujing_etdz": "Qujing ETDZ"}


def solved(label: str, objective_bn: float, added: dict[str, dict[str, float]], **fields) -> CaseSummary:
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_bn * 1e9,
                       best_bound_yuan=objective_bn * 1e9 * 0.999, gap=0.001, final_year=2024,
                       units={"cells": "GWh"}, capacity={"yuxi": {"cells": 10.0}}, sites_opened=tuple(added),
                       site_added=added, site_names=NAMES, **fields)


def swapped() -> list[CaseSummary]:
    base = solved("base", 10.0, {"anning_caopu": {"cells": 5.0}, "yuxi_longquan": {"cells": 5.0}})
    other = solved("other", 9.0, {"anning_caopu": {"cells": 5.0}, "cell-yuxi-67-733": {"cells": 3.0},
                                  "qujing_etdz": {"cells": 2.0}})
    return [base, other]


def test_sites_added_and_dropped_by_name_in_words_by_id_in_the_csv() -> None:
    runs = swapped()
    table = comparison_table(runs).set_index("metric")
    assert table.loc[SITES_ADDED_ROW, "other vs base"] == "cell-yuxi-67-733, qujing_etdz"
    assert table.loc[SITES_DROPPED_ROW, "other vs base"] == "yuxi_longquan"
    assert "cell-yuxi-67-733, qujing_etdz" in comparison_csv(comparison_table(runs))
    shown = comparison_display(comparison_table(runs), runs).set_index("metric")
    assert shown.loc[SITES_ADDED_ROW, "other vs base"] == "cell-yuxi-67-733; Qujing ETDZ"
    assert shown.loc[SITES_DROPPED_ROW, "other vs base"] == "Yuxi high-tech zone"
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    assert "Yuxi high-tech zone" in text and "yuxi_longquan" not in text
    assert "Qujing ETDZ" in text and "cell-yuxi-67-733" in text


def test_pairs_kept_out_listed_by_name_both_ways_and_cut() -> None:
    base = solved("base", 10.0, {"qujing_etdz": {"cells": 1.0}},
                  kept_out={"red line": (("anning_caopu", "cells"),), "proximity": ()})
    strict_pairs = tuple((site, product) for site in ("yuxi_longquan", "cell-yuxi-67-733")
                         for product in ("lfp", "fepo4", "cells", "anode", "electrolyte", "copper_foil"))
    strict = solved("strict", 11.0, {"qujing_etdz": {"cells": 1.0}},
                    kept_out={"red line": strict_pairs, "proximity": ()})
    note = kept_out_note([base, strict], pairs_shown=8, sites_shown=5)
    assert "Yuxi high-tech zone (LFP, FePO4, Cells, Anode, Electrolyte, Copper foil)" in note
    assert "cell-yuxi-67-733 (LFP, FePO4); and 4 more" in note
    assert "keeps 12 site-product pairs out in strict and not in base: " in note
    assert "Anning industrial park, Caopu area (Cells)" in note  # kept out in the baseline only
    assert "yuxi_longquan" not in note and "proximity" not in note
    # the same rules: said in a line, no list
    again = solved("again", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out=dict(base.kept_out))
    assert "the same site-product pairs" in kept_out_note([base, again])
    # hand-made runs without the lists: nothing to say
    assert kept_out_note(swapped()) == ""


def test_land_row_and_the_sites_whose_land_differs() -> None:
    base = solved("base", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()},
                  excluded_pairs={"red line": 0},
                  land_free_ha={"yuxi_longquan": 120.0, "anning_caopu": 80.0, "qujing_etdz": 50.0})
    strict = solved("strict", 11.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()},
                    excluded_pairs={"red line": 0},
                    land_free_ha={"yuxi_longquan": 70.5, "anning_caopu": 79.6, "qujing_etdz": 0.0})
    table = comparison_table([base, strict]).set_index("metric")
    assert table.loc[LAND_ROW, "unit"] == "ha" and "(ha)" in LAND_ROW
    assert (table.loc[LAND_ROW, "base"], table.loc[LAND_ROW, "strict"]) == (250.0, 150.1)
    assert abs(table.loc[LAND_ROW, "strict vs base"] + 99.9) < 1e-9
    order = list(table.index)
    assert order.index(LAND_ROW) > order.index(f"{EXCLUDED_ROW}red line")
    note = kept_out_note([base, strict])
    # Yuxi loses 49.5 ha; Anning's 0.4 ha is below the threshold; Qujing ETDZ no longer stays open
    assert "Yuxi high-tech zone 120.0 -> 70.5 (-49.5)" in note
    assert "Anning" not in note and "Qujing" not in note


def test_inputs_give_the_pairs_in_order_and_the_most_land_of_a_product_let_in() -> None:
    from types import SimpleNamespace

    inputs = SimpleNamespace(SITES=("a", "b"), CANDIDATES=(("a", "p"), ("a", "q"), ("b", "p"), ("b", "q")),
                             enabled_families=frozenset({"redline", "proximity"}),
                             REDLINE_EXCLUDED=frozenset({("b", "q"), ("a", "q")}),
                             PROXIMITY_EXCLUDED=frozenset({("b", "p")}),
                             land_after_redline_ha={("a", "p"): 40.0, ("a", "q"): 0.0, ("b", "p"): 30.0,
                                                    ("b", "q"): 0.0},
                             site_land_ha={"a": 50.0, "b": 30.0})
    assert kept_out_pairs(inputs) == {"red line": (("a", "q"), ("b", "q")), "proximity": (("b", "p"),)}
    assert free_land_ha(inputs) == {"a": 40.0, "b": 0.0}


def test_a_red_line_switched_off_lists_what_the_baseline_kept_out(tmp_path: Path) -> None:
    """The small scenario's lake and its 1 km buffer keep out the three products at w_lake, West
    lakeside: comparison.md lists them by name under the table, and the land row gives what the
    red line trims."""
    shutil.copytree(SMALL, tmp_path / "small")
    off = tmp_path / "small" / "no_redline.yaml"
    off.write_text("extends: scenario.yaml\nname: no_redline\nconstraints:\n  redline: {enabled: false}\n",
                   encoding="utf-8")
    result = siting.compare([tmp_path / "small" / "scenario.yaml", off], out=tmp_path / "cmp")
    table = result.table.set_index("metric")
    assert table.loc[LAND_ROW, "no_redline vs small"] >= 100.0  # West lakeside's 100 ha, at least
    md = (tmp_path / "cmp" / "comparison.md").read_text(encoding="utf-8")
    assert "pairs out in small and not in no_redline" in md
    assert "West lakeside (" in md and "w_lake" not in md.split("|")[-1]
