"""Details of the delivered tables: terminal lines cut by the columns they take, rows of
product_flows.csv and raw_imports.csv (and the product_flows layer) in the order of their key
columns, the unit right after the product in the interactive map's popups, and the site table of
the report saying a long proximity reason once, in a note under it."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from test_trade_outputs import chain_places

from siting.deliver import report
from siting.deliver.drivers import ProximityReason
from siting.deliver.layer import OutputLayer
from siting.deliver.layers import product_flows_layer
from siting.deliver.report import markdown, site_blocks
from siting.deliver.tables import TERMINAL_CELL, cut_cell, display_width, plan_tables, text_table
from siting.deliver.webmap import site_features
from siting.optimize.results import BUILD_COLUMNS, CAPACITY_COLUMNS, Plan

LEFT_OUT = "(spatial.include_prospective_sources is false)"

# --- 1. terminal lines by display columns --------------------------------------------------------


def test_a_line_of_wide_characters_is_cut_at_120_columns_not_120_characters() -> None:
    """A header of 70 Chinese characters takes 140 columns (70 characters: before, it was not cut
    at all). Cut at 120 columns, "..." takes 3: the room is 117 columns, 58 characters (116
    columns); the 59th would end at column 118, past the room, so it is left out whole and the
    line takes 119 columns, not 120."""
    wide = "昆" * 70
    assert display_width(wide) == 140
    assert cut_cell(wide, 120) == "昆" * 58 + "..."
    assert display_width(cut_cell(wide, 120)) == 119
    assert text_table(pd.DataFrame({wide: ["x"]})).splitlines() == ["昆" * 58 + "...", "x"]


def test_the_line_naming_the_columns_left_out_fits_120_columns() -> None:
    """Fifteen clusters named in six Chinese characters each (12 columns), after `product` and
    `unit`: seven fit (7 + 2 + 4 + 7 x (2 + 12) = 111 columns; eight would take 125), eight are
    left out. The line
    naming them is 98 characters but 146 columns: before, it was not cut. It is wrapped at 120
    columns, not cut: after the seventh name and its comma (114 columns; the eighth would end at
    128), the eighth and the file on a line two spaces in, 33 columns, every name and the file
    whole."""
    names = [f"{c}市工业园区" for c in "昆玉曲楚红文大丽保普临德怒迪西"]
    frame = pd.DataFrame({"product": ["LFP"], "unit": ["t/yr"], **{n: [400000] for n in names}})
    lines = text_table(frame, more="capacity.csv").splitlines()
    assert lines[-2:] == ["(8 more columns: 丽市工业园区, 保市工业园区, 普市工业园区, 临市工业园区, 德市工业园区, "
                          "怒市工业园区, 迪市工业园区,", "  西市工业园区; see capacity.csv)"]
    assert [display_width(line) for line in lines] == [111, 111, 114, 33]


def test_a_cell_is_cut_at_its_columns_and_a_letter_keeps_its_accent() -> None:
    """A cell of 30 Chinese characters (60 columns) is cut at TERMINAL_CELL = 40 columns: 18
    characters (36 columns) and "...", 39 columns; before, 30 characters fitted its 40 characters.
    200 letters e each with a combining acute accent (200 columns, 400 characters) are cut after
    the 117th accent, not between the 59th e and its accent as by characters; ASCII text is cut
    as before. A space ends the room's last whole word where it lies in the second half of the
    room, measured in columns: "Anning park " takes 12 of the 17."""
    assert TERMINAL_CELL == 40
    assert text_table(pd.DataFrame({"site": ["昆" * 30]})).splitlines()[1] == "昆" * 18 + "..."
    accented = "e\u0301" * 200
    assert cut_cell(accented, 120) == "e\u0301" * 117 + "..."
    assert cut_cell("y" * 200, 120) == "y" * 117 + "..."
    assert cut_cell("Anning park 昆明市安宁工业园区", 20) == "Anning park..."


# --- 2. rows of product_flows.csv and raw_imports.csv in the order of their keys ----------------

#: Product flows as the model gives them (by product, year, then leg), not in the file's order.
FLOWS = pd.DataFrame([
    ("site_to_hub", "s2", "c2", "u", 2031, 5.0, 3.0),
    ("site_to_hub", "s1", "c1", "u", 2030, 10.0, 2.0),
    ("hub_to_site", "c2", "s2", "u", 2030, 12.0, 3.0),
    ("hub_to_hub", "c1", "c2", "u", 2030, 10.0, 10.0),
    ("gateway_to_hub", "gateway", "c2", "u", 2030, 2.0, 4.0),
    ("site_to_hub", "s2", "c2", "d", 2030, 12.0, 3.0),
    ("hub_to_gateway", "c2", "gateway", "d", 2030, 12.0, 4.0),
], columns=["kind", "from", "to", "product", "year", "units", "km"])

#: Raw imports as the model gives them, not in the file's order.
RAW = pd.DataFrame([("s2", "c2", "rock", 2031, 3.0, 6.0), ("s2", "c2", "rock", 2030, 1.0, 2.0),
                    ("s1", "c1", "rock", 2030, 4.0, 8.0), ("s1", "c1", "coke", 2031, 2.0, 1.0)],
                   columns=["site", "cluster", "resource", "year", "tonnes", "import_cost_yuan"])


def hand_plan() -> Plan:
    """A plan with only FLOWS and RAW."""
    return Plan(pd.DataFrame(columns=BUILD_COLUMNS), pd.DataFrame(columns=CAPACITY_COLUMNS),
                pd.DataFrame(columns=["source", "site", "resource", "year", "tonnes", "km"]), {},
                pd.DataFrame(columns=["kind", "target", "year", "target_value", "achieved", "shortfall"]),
                pd.DataFrame(columns=["year", "output_value_yuan"]), (), product_flows=FLOWS, raw_imports=RAW)


def test_product_flows_and_raw_imports_rows_are_sorted_by_their_keys_in_column_order() -> None:
    """product_flows.csv by kind, from, to, product, year (unit follows product); raw_imports.csv
    by site, resource, year (cluster follows site), each as text or number sorts, as trade.csv by
    hub, product, year."""
    catalog = SimpleNamespace(products={p: SimpleNamespace(unit="GWh" if p == "d" else "t") for p in "ud"})
    files = plan_tables(hand_plan(), catalog)
    assert files["product_flows.csv"].splitlines() == [
        "kind,from,to,product,unit,year,units,km",
        "gateway_to_hub,gateway,c2,u,t/yr,2030,2,4",
        "hub_to_gateway,c2,gateway,d,GWh/yr,2030,12,4",
        "hub_to_hub,c1,c2,u,t/yr,2030,10,10",
        "hub_to_site,c2,s2,u,t/yr,2030,12,3",
        "site_to_hub,s1,c1,u,t/yr,2030,10,2",
        "site_to_hub,s2,c2,d,GWh/yr,2030,12,3",
        "site_to_hub,s2,c2,u,t/yr,2031,5,3"]
    assert files["raw_imports.csv"].splitlines() == [
        "site,cluster,resource,unit,year,imports,import_cost_bn_yuan",
        "s1,c1,coke,t/yr,2031,2,1e-09", "s1,c1,rock,t/yr,2030,4,8e-09", "s2,c2,rock,t/yr,2030,1,2e-09",
        "s2,c2,rock,t/yr,2031,3,6e-09"]


def test_the_product_flows_layer_follows_the_csv_order() -> None:
    """The layer's features in product_flows.csv's order, with the legs of no length left out: with
    hub c2 at s2 (tests/test_trade_outputs.py `chain_places`), the three legs between them."""
    places, points = chain_places(s2_at_its_hub=True)
    layer = product_flows_layer(places, hand_plan(), points)
    assert list(layer.frame["id"]) == ["gateway_to_hub:gateway->c2:u:2030", "hub_to_gateway:c2->gateway:d:2030",
                                       "hub_to_hub:c1->c2:u:2030", "site_to_hub:s1->c1:u:2030"]


def test_the_report_lists_raw_imports_in_the_csv_order() -> None:
    """The report's table of raw material bought outside the province follows raw_imports.csv."""
    loaded = SimpleNamespace(catalog=SimpleNamespace(products={}))
    plan = hand_plan()
    text = markdown(report.trade_blocks(loaded, Plan(**{**plan.__dict__, "trade": pd.DataFrame(
        columns=["hub", "product", "year", "imports", "import_cost_yuan", "sales", "revenue_yuan"])}),
        {"s1": "Site one", "s2": "Site two"}, {"c1": "C1", "c2": "C2"}))
    assert text.splitlines()[-4:] == [
        "| Site one | C1 | coke | 2031 | 2 | 0.00 |", "| Site one | C1 | rock | 2030 | 4 | 0.00 |",
        "| Site two | C2 | rock | 2030 | 1 | 0.00 |", "| Site two | C2 | rock | 2031 | 3 | 0.00 |"]


# --- 3. the popup's unit right after the product --------------------------------------------------


def test_the_popup_tables_give_the_unit_right_after_the_product() -> None:
    """A built site with 2.5 GWh/yr of cells added over 2023-2024 and 30,000 t/yr of LFP existing:
    each table reads product, unit, then the figure, as every table of the plan does."""
    frame = gpd.GeoDataFrame({
        "id": ["s1"], "name": ["Lake park"], "cluster": ["west"], "status": ["built"], "capex_yuan": [1.2e9],
        "excluded_redline": [""], "excluded_proximity": [""], "on_site_sources": [""],
        "added_cells_2023": [1.0], "added_cells_2024": [1.5], "added_lfp_2023": [0.0], "added_lfp_2024": [0.0],
        "existing_lfp": [30000.0],
    }, geometry=[shapely.Point(102.1, 24.6)], crs="EPSG:4326")
    (feature,) = site_features(OutputLayer("sites", "Sites", frame, (), "Point"), ["lfp", "cells"], [2023, 2024],
                               {"lfp": "t", "cells": "GWh"})["built"]
    assert feature["properties"]["popup"].endswith(
        '<table class="capacity"><tr><th>product</th><th>unit</th><th>capacity added 2023-2024</th></tr>'
        '<tr><td>Cells</td><td>GWh/yr</td><td class="n">2.5</td></tr></table>'
        '<table class="capacity"><tr><th>product</th><th>unit</th><th>existing and committed 2024</th></tr>'
        '<tr><td>LFP</td><td>t/yr</td><td class="n">30,000</td></tr></table></div>')


# --- 4. the report's site table says a long reason once -------------------------------------------

CLAY = ProximityReason(("li2co3",), "lithium_clay", 100.0, (("Xiaoshiqiao clay", 82.46),))


def sites_frame(count: int = 4) -> SimpleNamespace:
    """`count` eligible sites a, b, c, ...: a and c with the clay reason (82.5 and 15.9 road km), b
    with no source within reach, d with two phosphate rock sources left out (P2 at 12.0 km, P1 at
    49.96), the rest with none."""
    ids = [chr(ord("a") + i) for i in range(count)]
    return SimpleNamespace(frame=pd.DataFrame({
        "id": ids, "name": [i.upper() for i in ids], "status": ["eligible_unused"] * count, "cluster": ["k"] * count,
        "excluded_redline": [""] * count,
        "excluded_proximity": [{"a": "li2co3", "b": "fepo4", "c": "li2co3", "d": "fepo4"}.get(i, "") for i in ids]}))


def reasons() -> dict[str, tuple[ProximityReason, ...]]:
    return {"a": (CLAY,), "b": (ProximityReason(("fepo4",)),),
            "c": (ProximityReason(("li2co3",), "lithium_clay", 100.0, (("Xiaoshiqiao clay", 15.94),)),),
            "d": (ProximityReason(("fepo4",), "phosphate_rock", 50.0, (("P2", 12.0), ("P1", 49.96))),)}


def test_the_site_table_says_the_prospective_source_once_in_a_note() -> None:
    """Each site's cell keeps what is missing and its road km, and refers to a note; the note, said
    once under the table, names the source, that it is prospective and why it is left out. Before,
    the whole reason stood in every cell: "... for Li2CO3 (Xiaoshiqiao clay, prospective, 82.5
    road km; left out: spatial.include_prospective_sources is false)"."""
    text = markdown(site_blocks(sites_frame(), {}, {"k": "K"}, reasons()))
    lines = text.splitlines()
    at = lines.index("| site | id | cluster | status | excluded products |")
    eligible = "Eligible, not used by this plan"
    clay = "no producing lithium clay source within 100 km for Li2CO3"
    assert lines[at + 2:] == [
        f"| a | a | K | {eligible} | {clay} (note 1: 82.5 road km) |",
        f"| b | b | K | {eligible} | no source within reach for FePO4 |",
        f"| c | c | K | {eligible} | {clay} (note 1: 15.9 road km) |",
        f"| d | d | K | {eligible} | no producing phosphate rock source within 50 km for FePO4 (note 2: P2 at 12.0 and "
        "P1 at 50.0 road km) |",
        "",
        f"Note 1: the lithium clay source within 100 km, Xiaoshiqiao clay, is prospective and left out {LEFT_OUT}; "
        "the table gives its road km from each site.",
        "",
        f"Note 2: the phosphate rock sources within 50 km, P1 and P2, are prospective and left out {LEFT_OUT}; the "
        "table gives the road km of each from each site."]
    assert text.count("Xiaoshiqiao clay") == 1 and text.count("is prospective") == 1


def test_a_note_is_given_only_for_the_rows_the_report_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for three rows, site d (note 2) is left to sites.geojson, and so is its note."""
    monkeypatch.setattr(report, "REPORT_ROWS", 3)
    text = markdown(site_blocks(sites_frame(), {}, {"k": "K"}, reasons()))
    assert "Note 1: the lithium clay source" in text and "Note 2" not in text and "note 2" not in text
    assert text.rstrip().endswith("The first 3 of 4 rows; `sites.geojson` has all.")


def test_comparison_tables_align_chinese_run_names_by_their_columns() -> None:
    """compare and sweep terminal tables pad a cell by the columns it takes (two per Chinese
    character), so the figures after a Chinese name stand under their header."""
    from siting.runs.tables import terminal_tables

    frame = pd.DataFrame({"run": ["昆明", "baseline"], "objective_bn_yuan": [10.06, 9.98]})
    tables, cut = terminal_tables(frame, keys=1)
    lines = tables[0].splitlines()
    assert cut == []
    assert [display_width(line) for line in lines] == [27, 27, 27]
    assert lines[1] == "昆明" + " " * 18 + "10.06"
