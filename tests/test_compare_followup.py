"""The comparison names sites as the rest of the tool does, and says which site-product pairs a
stricter rule keeps out and how much land it leaves: the rows `sites built on: added` and
`...: dropped` give site names in comparison.md and on the terminal (ids in comparison.csv, a
candidate cell by its id everywhere); under the table, for each run compared with the baseline,
the pairs kept out there and not in the baseline, and the reverse, by site name and product in
words (a long list cut at a site's end, "and N more pairs at M sites" and where they are; a first
site too long for the list by its count of products), and
every site whose land free for new modules differs, a site shut out or opened among them, with the
sum of the rest, so that the figures add up to the row LAND_ROW, each run's total of that land (ha).
The terminal names the sites added and dropped under the table where their cell is too long for it,
and opens with the settings applied to every run, as comparison.md does. Before, the sites rows gave
ids only, the rows of pairs kept out gave counts only, a site shut out was missing from the land
list, a list was cut inside a site, the terminal cut the sites' cell at 40 characters, and it did
not give the settings. comparison.md lists every site up to PAIRS_SHOWN pairs (it stopped at 30,
leaving a fourth site of 36 pairs unnamed), and the terminal's headers break a run's name only
where it is much wider than its column, and then after a "-" or "_" ("buf_" over "base-buf8 vs"
before)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

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
    # cut at a site's end: the second site's six pairs are counted, and where they are said
    assert ("Copper foil); and 6 more pairs at 1 site (each run's sites.geojson gives them all, "
            "field `excluded_redline`)") in " ".join(note.split())
    assert "cell-yuxi-67-733 (" not in note
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
    assert table.loc[LAND_ROW, "unit"] == "ha" and "(ha)" not in LAND_ROW  # the unit column gives it
    assert (table.loc[LAND_ROW, "base"], table.loc[LAND_ROW, "strict"]) == (250.0, 150.1)
    assert abs(table.loc[LAND_ROW, "strict vs base"] + 99.9) < 1e-9
    order = list(table.index)
    assert order.index(LAND_ROW) > order.index(f"{EXCLUDED_ROW}red line")
    note = kept_out_note([base, strict])
    # Yuxi loses 49.5 ha; Anning's 0.4 ha is below the threshold, counted; Qujing ETDZ is shut out
    flat = " ".join(note.split())
    assert "Yuxi high-tech zone 120.0 -> 70.5 (-49.5)" in flat
    assert "Qujing ETDZ 50.0 -> 0 (-50.0; no product admitted in strict)" in flat
    assert "1 other site differs by less than 1 ha, -0.4; -99.9 ha in all, the row's difference." in flat
    assert "Anning" not in note


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


@pytest.fixture(scope="module")
def no_redline_compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[siting.Batch, Path]:
    """`siting.compare` of the small scenario and no_redline.yaml (the same with its red line
    switched off), with the override `solver.rel_gap=0.05` for every run: the batch and its
    folder, read by the tests, never changed. What the red line keeps out and the land it trims
    are the layers' and the rules', whatever gap the runs are solved to."""
    folder = tmp_path_factory.mktemp("no_redline")
    shutil.copytree(SMALL, folder / "small")
    off = folder / "small" / "no_redline.yaml"
    off.write_text("extends: scenario.yaml\nname: no_redline\nconstraints:\n  redline: {enabled: false}\n",
                   encoding="utf-8")
    result = siting.compare([folder / "small" / "scenario.yaml", off], out=folder / "cmp",
                            overrides={"solver.rel_gap": 0.05})
    return result, folder / "cmp"


def test_a_red_line_switched_off_lists_what_the_baseline_kept_out(
        no_redline_compared: tuple[siting.Batch, Path]) -> None:
    """The small scenario's lake and its 1 km buffer keep out the three products at w_lake, West
    lakeside: comparison.md lists them by name under the table, and the land row gives what the
    red line trims (`no_redline_compared`)."""
    result, out = no_redline_compared
    table = result.table.set_index("metric")
    assert table.loc[LAND_ROW, "no_redline vs small"] >= 100.0  # West lakeside's 100 ha, at least
    md = (out / "comparison.md").read_text(encoding="utf-8")
    assert "pairs out in small and not in no_redline" in md
    assert "West lakeside (" in md and "w_lake" not in md.split("|")[-1]


def test_land_list_names_every_site_that_differs_and_adds_up_to_the_row() -> None:
    """A site a stricter run shuts out wholly (its land to 0) is listed too, said to admit no
    product, and so is one a run opens; the listed figures with the remainder below LAND_SHOWN_HA
    add up to the row's difference."""
    names = {**NAMES, "jiangchuan": "Jiangchuan", "tonghai": "Tonghai county", "chenggong": "Chenggong"}
    before = {"yuxi_longquan": 120.0, "anning_caopu": 80.0, "qujing_etdz": 50.0, "jiangchuan": 53.8,
              "tonghai": 30.3, "chenggong": 0.0}
    after = {"yuxi_longquan": 70.5, "anning_caopu": 79.6, "qujing_etdz": 0.0, "jiangchuan": 0.0,
             "tonghai": 30.0, "chenggong": 12.0}
    base = solved("base", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()},
                  excluded_pairs={"red line": 0}, land_free_ha=before)
    strict = solved("strict", 11.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()},
                    excluded_pairs={"red line": 0}, land_free_ha=after)
    base, strict = (replace(s, site_names=names) for s in (base, strict))
    row = comparison_table([base, strict]).set_index("metric").loc[LAND_ROW, "strict vs base"]
    assert abs(row - (-49.5 - 0.4 - 50.0 - 53.8 - 0.3 + 12.0)) < 1e-9
    note = " ".join(kept_out_note([base, strict]).split())
    assert "Jiangchuan 53.8 -> 0 (-53.8; no product admitted in strict)" in note
    assert "Qujing ETDZ 50.0 -> 0 (-50.0; no product admitted in strict)" in note
    assert "Chenggong 0 -> 12.0 (+12.0; no product admitted in base)" in note
    assert "Yuxi high-tech zone 120.0 -> 70.5 (-49.5)" in note
    assert "at 4 sites" in note
    # the rest: Anning's -0.4 and Tonghai's -0.3, under the threshold, and the row's sum
    assert "the other 2 sites differ by less than 1 ha each, -0.7 together" in note
    assert f"{row:+,.1f}" in note
    # cut on the terminal: the sites left out are counted with their sum
    short = " ".join(kept_out_note([base, strict], sites_shown=2, more="comparison.md").split())
    assert "and 2 more sites, -37.5 together (comparison.md)" in short


def test_land_that_differs_only_below_the_threshold_is_still_accounted_for() -> None:
    base = solved("base", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()},
                  land_free_ha={"yuxi_longquan": 120.0, "anning_caopu": 80.0})
    strict = solved("strict", 11.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()},
                    land_free_ha={"yuxi_longquan": 119.6, "anning_caopu": 79.7})
    note = " ".join(kept_out_note([base, strict]).split())
    assert "no site's land free for new modules differs by 1 ha or more (base -> strict); 2 sites differ by " \
        "less than 1 ha, -0.7 in all, the row's difference." in note


def test_pairs_cut_at_a_site_boundary_and_the_tail_says_what_it_counts() -> None:
    """A listed site shows all its products; the tail counts pairs and sites, and says where the
    rest is: comparison.md from the terminal, each run's sites.geojson from comparison.md."""
    base = solved("base", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()})
    six = ("lfp", "fepo4", "cells", "anode", "electrolyte", "copper_foil")
    strict_pairs = (*(("yuxi_longquan", p) for p in ("cells",)),
                    *(("anning_caopu", p) for p in six), *(("cell-yuxi-67-733", p) for p in six))
    strict = solved("strict", 11.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": strict_pairs})
    terminal = " ".join(kept_out_note([base, strict], pairs_shown=8, more="comparison.md").split())
    assert ("Yuxi high-tech zone (Cells); Anning industrial park, Caopu area (LFP, FePO4, Cells, Anode, "
            "Electrolyte, Copper foil); and 6 more pairs at 1 site (comparison.md).") in terminal
    md = " ".join(kept_out_note([base, strict], pairs_shown=8).split())
    assert "and 6 more pairs at 1 site (each run's sites.geojson gives them all, field `excluded_redline`)" in md
    # a first site with more products than the list takes: named with its count, not a part of its list
    one = solved("one", 11.0, {"qujing_etdz": {"cells": 1.0}},
                 kept_out={"red line": tuple(("yuxi_longquan", p) for p in six)})
    cut = " ".join(kept_out_note([base, one], pairs_shown=4, more="comparison.md").split())
    assert "Yuxi high-tech zone (6 products)." in cut
    assert "more pairs" not in cut and "LFP" not in cut


def test_terminal_lists_the_sites_added_and_dropped_whole_under_the_table() -> None:
    """A cell of `sites built on: added` too long for the terminal gives the count, and a list
    under the table names every site (or the first, then "and N more (comparison.md)")."""
    many = {f"park_{i}": f"Industrial park number {i} of the province" for i in range(8)}
    base = solved("base", 10.0, {"anning_caopu": {"cells": 5.0}})
    other = solved("other", 9.0, {site: {"cells": 1.0} for site in many})
    base, other = (replace(s, site_names={**NAMES, **many}) for s in (base, other))
    text = comparison_text(comparison_table([base, other]), [base, other], "comparison.csv")
    flat = " ".join(text.split())
    assert all(name in flat for name in many.values())
    assert "other builds on 8 sites that base does not:" in flat
    assert "base builds on 1 site that other does not: Anning industrial park, Caopu area." in flat
    assert "Industrial park number 0 of the province; Indus..." not in text
    assert "8 sites (listed below)" in text
    from siting.runs.tables import sites_changed_note
    capped = " ".join(sites_changed_note([base, other], 3).split())
    assert "Industrial park number 2 of the province; and 5 more (comparison.md)." in capped


def test_one_site_too_long_for_its_cell_is_counted_in_the_singular() -> None:
    """One added site whose name is too long for the terminal's cell: "1 site (listed below)",
    not "1 sites"."""
    long = {"park_0": "Industrial park number 0 of the province, its northern and southern areas together"}
    base = solved("base", 10.0, {"anning_caopu": {"cells": 5.0}})
    other = solved("other", 9.0, {"park_0": {"cells": 1.0}})
    base, other = (replace(s, site_names={**NAMES, **long}) for s in (base, other))
    text = comparison_text(comparison_table([base, other]), [base, other], "comparison.csv")
    assert "1 site (listed below)" in text
    assert "1 sites" not in text


def test_terminal_opens_with_the_settings_applied_to_every_run() -> None:
    runs = swapped()
    table = comparison_table(runs)
    from siting.runs.tables import SETTINGS
    table.attrs[SETTINGS] = "Settings applied to every run: `constraints.redline.buffer_m=3000`."
    text = comparison_text(table, runs, "comparison.csv")
    assert text.splitlines()[0] == "Settings applied to every run: `constraints.redline.buffer_m=3000`."
    assert text.splitlines()[1] == ""
    assert not comparison_text(comparison_table(runs), runs, "comparison.csv").startswith("Settings")


def test_a_compare_with_set_prints_the_settings_line(no_redline_compared: tuple[siting.Batch, Path]) -> None:
    """The real command: `--set` (the API's overrides) heads the terminal's comparison as it
    heads comparison.md (`no_redline_compared`)."""
    result, out = no_redline_compared
    text = comparison_text(result.table, list(result.runs), "comparison.csv")
    md = (out / "comparison.md").read_text(encoding="utf-8")
    assert text.splitlines()[0] == md.splitlines()[0]
    assert text.startswith("Settings applied to every run: `solver.rel_gap=0.05`")


def test_sweep_terminal_opens_with_the_settings_applied_to_every_run() -> None:
    from siting.runs.tables import SETTINGS, sweep_table, sweep_text

    runs = swapped()
    table = sweep_table(runs, [{"constraints.redline.buffer_m": 1000}, {"constraints.redline.buffer_m": 2000}])
    assert not sweep_text(table, "sweep.csv", runs).startswith("Settings")
    table.attrs[SETTINGS] = "Settings applied to every run: a time limit of 60 s (`--time-limit 60`)."
    lines = sweep_text(table, "sweep.csv", runs).splitlines()
    assert lines[:2] == ["Settings applied to every run: a time limit of 60 s (`--time-limit 60`).", ""]


ELEVEN = ("fepo4", "li2co3", "lfp", "ncm_precursor", "ncm", "anode", "separator", "electrolyte", "copper_foil",
          "cells", "recycling")


def eight_km() -> list[CaseSummary]:
    """An 8 km red-line buffer: 36 pairs at 4 sites, the first with all 11 products (its order and
    counts as `compare` gave them for yunnan_2024 with buffer_m 8000)."""
    names = {**NAMES, "chenggong": "Chenggong industrial park",
             "kunming_etdz": "Kunming economic and technological development zone",
             "jiangchuan": "Jiangchuan district", "tonghai": "Tonghai county"}
    pairs = (*(("chenggong", p) for p in ELEVEN), *(("kunming_etdz", p) for p in ELEVEN),
             *(("jiangchuan", p) for p in ("lfp", "ncm", "anode", "separator", "copper_foil", "cells", "recycling")),
             *(("tonghai", p) for p in ("lfp", "ncm", "anode", "separator", "copper_foil", "cells", "recycling")))
    base = solved("buf_base", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": ()})
    buf8 = solved("buf_base-buf8", 10.0, {"qujing_etdz": {"cells": 1.0}}, kept_out={"red line": pairs})
    return [replace(s, site_names=names) for s in (base, buf8)]


def test_the_terminal_names_a_first_site_too_long_for_its_list_with_its_count_of_products() -> None:
    from siting.runs.tables import TERMINAL_PAIRS_SHOWN, TERMINAL_SITES_SHOWN
    note = " ".join(kept_out_note(eight_km(), TERMINAL_PAIRS_SHOWN, TERMINAL_SITES_SHOWN, "comparison.md").split())
    assert ("keeps 36 site-product pairs out in buf_base-buf8 and not in buf_base: Chenggong industrial park "
            "(11 products); and 25 more pairs at 3 sites (comparison.md).") in note
    assert "more products" not in note and "FePO4" not in note


def test_comparison_md_names_every_site_with_all_its_products() -> None:
    """comparison.md's list is the full record: 36 pairs at 4 sites are all named, Tonghai too."""
    from siting.runs.tables import PAIRS_SHOWN
    assert PAIRS_SHOWN >= 198  # the shipped data's 18 parks x 11 products
    note = " ".join(kept_out_note(eight_km()).split())
    assert ("Jiangchuan district (LFP, NCM, Anode, Separator, Copper foil, Cells, Recycling); Tonghai county "
            "(LFP, NCM, Anode, Separator, Copper foil, Cells, Recycling).") in note
    assert "Chenggong industrial park (FePO4, Li2CO3, LFP, NCM precursor, NCM, Anode, Separator, Electrolyte, " \
        "Copper foil, Cells, Recycling); Kunming economic" in note
    assert "more pairs" not in note


def test_headers_break_after_hyphens_and_keep_run_names_whole_where_the_table_has_room() -> None:
    """The compare of a file with a variant (buf_base, buf_base-buf8): the column of differences,
    12 characters of cells, took "buf_", "base-buf8 vs", "buf_base"; one more column keeps both names
    whole, and the table has room for it. A name longer than its column with no room to spare
    breaks after a "-" or "_", never inside a word."""
    from siting.runs.tables import header_lines, terminal_tables
    assert header_lines("buf_base-buf8 vs buf_base", 12) == ["buf_base-", "buf8 vs", "buf_base"]
    rows = ["status", "objective difference: proven range", "site-product pairs kept out: proximity"]
    frame = pd.DataFrame({"metric": rows, "unit": ["", "bn yuan", "million m2/yr"],
                          "buf_base": ["optimal within the gap", "", "31"],
                          "buf_base-buf8": ["optimal within the gap", "", "31"],
                          "buf_base-buf8 vs buf_base": ["same", "0.00 to 0.21", "0"]})
    tables, _cut = terminal_tables(frame, 2)
    assert len(tables) == 1
    assert tables[0].splitlines()[:2] == [
        "metric                                  unit           buf_base                buf_base-buf8           "
        "buf_base-buf8",
        " " * 103 + "vs buf_base"]
    # three runs: the strict red line's name whole where the table has room, the longer one broken
    # after a "_" where it has none
    runs = {"yunnan_2024": "optimal within the gap", "yunnan_2024_strict_redline": "optimal within the gap",
            "yunnan_2024_no_differentiation": "optimal within the gap"}
    frame = pd.DataFrame({"metric": ["capacity Kunming: Copper foil"], "unit": ["bn yuan"],
                          **{name: [cell] for name, cell in runs.items()}})
    tables, _cut = terminal_tables(frame, 2)
    assert [line.split() for line in tables[0].splitlines()[:2]] == [
        ["metric", "unit", "yunnan_2024", "yunnan_2024_strict_redline", "yunnan_2024_no_"], ["differentiation"]]
    assert all(len(line) <= 120 for table in tables for line in table.splitlines())
