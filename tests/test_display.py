"""What the user reads: a --slack given as a percent is refused, two sites never share a map label,
no offset notation on the sweep plot's axes, and no "-0.00" in comparison tables."""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.text import Text

from siting.cli import main, slack_share
from siting.deliver.layer import make_layer
from siting.deliver.mapplot import MapContext, MapTitle, built_sites, map_figure, site_names
from siting.deliver.tables import markdown_table, table_files
from siting.runs.pool import CaseSummary
from siting.runs.tables import comparison_table, plain_number_formatter, sweep_figure, sweep_table

ROOT = Path(__file__).parent.parent
SHIPPED_SITES = ROOT / "geodata" / "yunnan" / "sites.geojson"
SMALL = Path(__file__).parent / "data" / "small"


# --- 1. --slack is a share, not a percent -----------------------------------------------------

def test_slack_of_2_is_refused_as_a_percent_with_the_share_to_give(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(SMALL / "scenario.yaml"), "--out", str(tmp_path / "out"), "--alternatives", "2",
                 "--slack", "2"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n"
        "  - --slack | must be a share of the optimum's cost from 0 to 1, not a percent (got '2', which is "
        "200%); give --slack 0.02 for 2 %\n")
    assert not (tmp_path / "out").exists()


def test_slack_without_alternatives_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--slack only shapes the alternatives: given alone it would be ignored in silence."""
    assert main(["solve", str(SMALL / "scenario.yaml"), "--out", str(tmp_path / "out"), "--slack", "0.02"]) == 2
    assert capsys.readouterr().err == ("error: 1 problem in the input:\n  - --slack | applies to the alternatives "
                                       "only (got 0.02 without --alternatives); add --alternatives N, or drop "
                                       "--slack\n")
    assert not (tmp_path / "out").exists()


def test_an_empty_scenario_file_is_refused_saying_it_is_empty(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert main(["solve", str(empty), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - {empty}: (top level) | the file is "
                                       "empty; write its keys, one 'key: value' line each (see "
                                       "scenarios/yunnan_2024.yaml and scenarios/catalog.yaml)\n")


def test_slack_bounds_0_and_1_are_shares_and_above_100_gets_a_plain_example() -> None:
    assert slack_share("0") == 0.0
    assert slack_share("0.02") == 0.02
    assert slack_share("1") == 1.0  # 100 %: unusual, but a share
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        slack_share("2.5")
    assert str(refused.value) == ("must be a share of the optimum's cost from 0 to 1, not a percent (got '2.5', "
                                  "which is 250%); give --slack 0.025 for 2.5 %")
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        slack_share("150")
    assert str(refused.value) == ("must be a share of the optimum's cost from 0 to 1, not a percent (got '150', "
                                  "which is 15000%); give e.g. --slack 0.05 for 5 %")
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        slack_share("-0.1")
    assert str(refused.value) == ("must be a share of the optimum's cost from 0 to 1 (got '-0.1'); "
                                  "give e.g. --slack 0.05 for 5 %")


# --- 2. every built site has its own map label ------------------------------------------------

def test_site_names_are_short_where_unique_and_whole_where_shared() -> None:
    names = ["Anning industrial park, Caopu area", "Anning industrial park, Qilin area",
             "Yuxi high-tech zone, Longquan area", None, float("nan"), "Twin park", "Twin park"]
    ids = ["caopu", "qilin", "yuxi", "no_name", "nan_name", "twin_a", "twin_b"]
    assert site_names(names, ids) == [
        "Anning industrial park, Caopu area", "Anning industrial park, Qilin area", "Yuxi high-tech zone",
        "no_name", "nan_name", "Twin park (twin_a)", "Twin park (twin_b)"]


def shipped_sites_all_built() -> gpd.GeoDataFrame:
    """The shipped sites layer as the plan writes it, every site built (each could be opened)."""
    frame = gpd.read_file(SHIPPED_SITES).rename(columns={"site_id": "id"})
    frame["status"] = "built"
    frame["capex_yuan"] = [1.0e9 * (1 + i % 4) for i in range(len(frame))]
    frame["added_lfp_2024"] = 50_000.0
    return frame


def test_every_shipped_site_built_has_a_distinct_label_and_labels_do_not_overlap() -> None:
    """Caopu and Qilin are both areas of the Anning industrial park: each keeps its area in its
    label, where both used to read "Anning industrial park"."""
    frame = shipped_sites_all_built()
    built = built_sites(frame.to_crs("EPSG:32648"), ["lfp"], [2024])
    names = [b.name for b in built]
    assert len(names) == len(frame) == 18
    assert len(set(names)) == len(names), names
    assert {"Anning industrial park, Caopu area", "Anning industrial park, Qilin area"} <= set(names)
    assert "Yuxi high-tech zone" in names  # unique short names stay short

    sites = make_layer("sites", "Sites", frame, ["id", "name", "status", "capex_yuan", "added_lfp_2024"],
                       default_geometry="Polygon")
    figure = map_figure([sites], MapTitle("shipped", "optimal", 0.0, -1.0e9, [2024]), ["lfp"], "EPSG:32648",
                        MapContext(units={"lfp": "t"}, values={"lfp": 1.0}))
    renderer = figure.canvas.get_renderer()
    labels = [t for t in figure.axes[0].texts if isinstance(t, Text) and "\n" in t.get_text()]
    assert sorted(t.get_text().split("\n")[0] for t in labels) == sorted(names)
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


# --- 3. sweep plot axes show plain numbers ----------------------------------------------------

def test_sweep_plot_axes_have_no_offset_and_plain_thousands() -> None:
    """Capacities 1,000,000-1,000,500 t/yr and objectives -22.72 to -22.70 bn yuan, swept over
    buffer_m 1000-3000: matplotlib's default writes "1e6" (or "+1e6") and "-2.27e1" beside such
    axes; these axes write every tick in full."""
    summaries = [CaseSummary(f"run0{i}", True, status="optimal", objective_yuan=obj, gap=0.0,
                             group_capacity={"cathode": cap}, units={"cathode": "t"})
                 for i, obj, cap in ((1, -22.72e9, 1_000_000.0), (2, -22.70e9, 1_000_500.0),
                                     (3, -22.71e9, 1_000_250.0))]
    table = sweep_table(summaries, [{"buffer_m": 1000}, {"buffer_m": 2000}, {"buffer_m": 3000}])
    figure = sweep_figure(table, ["buffer_m"], "sweep")
    figure.canvas.draw()
    objective, capacity = figure.axes[:2]
    assert capacity.get_title() == "Cathode capacity (t/yr)"
    for ax in (objective, capacity):
        for axis in (ax.xaxis, ax.yaxis):
            assert axis.get_major_formatter().get_offset() == ""
            assert axis.offsetText.get_text() == ""
            assert not any("e" in t.get_text() for t in axis.get_ticklabels())
    capacity_ticks = [t.get_text() for t in capacity.yaxis.get_ticklabels() if t.get_text()]
    assert "1,000,000" in capacity_ticks and "1,000,500" in capacity_ticks
    assert "-22.7000" in [t.get_text() for t in objective.yaxis.get_ticklabels()]


def test_plain_number_formatter_uses_the_fewest_decimals_and_no_negative_zero() -> None:
    formatter = plain_number_formatter()
    formatter.set_locs([-0.5, -0.25, 0.0, 0.25])
    assert [formatter(v) for v in (-0.5, -0.25, -1e-17, 0.25)] == ["-0.50", "-0.25", "0.00", "0.25"]
    formatter.set_locs([0.0, 2_000_000.0, 4_000_000.0])
    assert formatter(2_000_000.0) == "2,000,000"


# --- 4. no "-0.00" in comparison tables -------------------------------------------------------

def test_markdown_cells_that_round_to_zero_have_no_minus_sign() -> None:
    frame = pd.DataFrame({"run": ["a", "b", "c", "d"],
                          "delta_bn_yuan": [-1e-12, -0.004, -0.006, 0.004],
                          "value": [-1e-12, -0.0, 0.0025, -3.0]})
    assert markdown_table(frame).splitlines()[2:] == [
        "| a | 0.00 | 0 |",
        "| b | 0.00 | 0 |",
        "| c | -0.01 | 0.0025 |",
        "| d | 0.00 | -3 |"]


def test_comparison_md_writes_a_tiny_negative_objective_difference_as_0_00() -> None:
    """Objectives 10 bn yuan and 10 bn yuan less 4 million yuan: a difference of -0.004 bn yuan,
    0.00 at two decimals; a cost that differs by -1e-3 yuan is -1e-12 bn yuan, also 0.00."""
    runs = [CaseSummary("base", True, status="optimal", objective_yuan=10.0e9, gap=0.0,
                        costs={"capex": 5.0e9}),
            CaseSummary("other", True, status="optimal", objective_yuan=10.0e9 - 4.0e6, gap=0.0,
                        costs={"capex": 5.0e9 - 1.0e-3})]
    text = table_files(comparison_table(runs), "comparison")["comparison.md"]
    assert "-0.00" not in text
    lines = text.splitlines()
    assert "| objective | bn yuan | 10.00 | 10.00 | 0.00 |" in lines
    assert "| cost: capex (annuities) | bn yuan | 5.00 | 5.00 | 0.00 |" in lines
