"""One money unit (bn yuan), units in every column, plain words, tables that fit 120 columns, and a
report that explains the plan, on the small scenario of tests/data/small.

Hand figures (derived in tests/test_api.py's docstring): the base plan decides in 2023 FePO4
400 kt and LFP 100 kt at w_mine, LFP 100 kt at e_city, LFP 50 kt and cells 10 GWh at e_far;
capex (annuities) 1.94 bn yuan, site openings 2 x 0.1 bn yuan, variable 3.59 bn yuan, sales
-28.66 bn yuan, transport (not derived) 0.02 bn yuan: objective -22.72 bn yuan.
The report's overshoot tests use an "unpriced" copy of the catalog (every base-path price 0):
nothing is sold, so nothing is worth producing and only the capacity targets make the plan.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from siting.cli import main
from siting.config.load import load_scenario
from siting.config.units import bn_yuan, per_year, plain_status, product_label, to_bn, unit_of, unit_slug
from siting.deliver.report import explanation_blocks, markdown
from siting.deliver.tables import (
    AS_GIVEN,
    display_width,
    in_bn_yuan,
    markdown_table,
    plan_tables,
    table_files,
    text_table,
)
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare
from tests.conftest import MadeRun

DATA = Path(__file__).parent / "data" / "small"
TEXT_SUFFIXES = {".csv", ".md", ".html", ".json", ".geojson", ".qml", ".qgs"}
# Column names of the written tables that are counts, years or shares, not quantities with a unit.
UNITLESS = {"year", "modules", "sites_built_on", "idle_share"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "small"
    shutil.copytree(DATA, target)
    return target


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the unit functions -------------------------------------------------------------------------

def test_money_is_billion_yuan_with_two_decimals() -> None:
    assert bn_yuan(72_840_000_000) == "72.84 bn yuan"
    assert bn_yuan(4.5e9 / 1.1 + 1e8) == "4.19 bn yuan"
    assert bn_yuan(1_234_560_000_000) == "1,234.56 bn yuan"
    assert bn_yuan(-1.0) == "0.00 bn yuan"  # no "-0.00"
    assert bn_yuan(None) == "n/a"
    assert bn_yuan(float("nan")) == "n/a"
    assert to_bn(2.5e9) == 2.5


def test_product_codes_in_words_and_units_from_the_catalog() -> None:
    assert product_label("ncm_precursor") == "NCM precursor"
    assert product_label("lfp") == "LFP"
    assert product_label("fepo4") == "FePO4"
    assert product_label("copper_foil") == "Copper foil"
    catalog = load_scenario(DATA / "scenario.yaml").catalog
    assert [unit_of(catalog, p) for p in ("fepo4", "lfp", "cells")] == ["t", "t", "GWh"]
    assert per_year("million m2") == "million m2/yr"
    assert unit_slug("million m2") == "million_m2"


def test_solver_words_are_translated() -> None:
    assert plain_status("convergenceCriteriaSatisfied") == "optimal within the gap"
    assert plain_status("maxTimeLimit", True) == "stopped at the time limit with a plan"
    assert plain_status("maxTimeLimit", False) == "stopped at the time limit without a plan"
    assert plain_status("provenInfeasible") == "infeasible: no plan meets every rule"


def test_yuan_columns_and_rows_are_written_in_bn_yuan_and_gaps_in_percent() -> None:
    frame = pd.DataFrame({"rule": ["a", "b"], "rule_cost_yuan": [1.0e8, None], "gap": [0.0, 0.0243]})
    files = table_files(frame, "rule_costs")
    assert files["rule_costs.csv"] == "rule,rule_cost_bn_yuan,gap_percent\na,0.1,0\nb,,2.43\n"
    assert files["rule_costs.md"].splitlines()[1:] == ["|---|---:|---:|", "| a | 0.10 | 0.00 |", "| b |  | 2.43 |"]
    rows = pd.DataFrame({"metric": ["objective", "output value 2024", "gap"], "unit": ["yuan", "yuan/yr", "share"],
                         "a": [4.19e9, 8.8e9, 0.0], "b vs a": [2.5e9, 0.0, 0.0]})
    assert markdown_table(in_bn_yuan(rows)).splitlines()[2:] == [
        "| objective | bn yuan | 4.19 | 2.50 |", "| output value 2024 | bn yuan/yr | 8.80 | 0.00 |",
        "| gap | % | 0.00 | 0.00 |"]
    shares = rows.assign(a=[4.19e9, 8.8e9, 0.0243], **{"b vs a": [2.5e9, 0.0, -0.0007]})
    assert text_table(shares).splitlines()[-1].split() == ["gap", "%", "2.43", "-0.07"]


def test_terminal_tables_align_chinese_names_by_the_columns_they_take() -> None:
    """A cluster named 昆明市 takes six terminal columns (three wide characters), not three: the
    figures of every row end in the same column (before, its row's ended three columns short)."""
    frame = pd.DataFrame({"product": ["LFP", "LFP"], "unit": ["t/yr", "t/yr"], "昆明市": [400000, 5],
                          "Yuxi": [1, 20000]})
    lines = text_table(frame).splitlines()
    assert lines == ["product  unit   昆明市    Yuxi",
                     "LFP      t/yr  400,000       1",
                     "LFP      t/yr        5  20,000"]
    assert {display_width(line) for line in lines} == {30}
    assert display_width("昆明市") == 6 and display_width("Yuxi") == 4 and display_width("e\u0301") == 1


def test_terminal_tables_fit_120_columns_and_name_what_is_left_out() -> None:
    frame = pd.DataFrame({"rule": ["redline"], "status": ["optimal"], **{f"column_{i}": ["x" * 30] for i in range(6)}})
    text = text_table(frame, more="rule_costs.csv")
    assert max(len(line) for line in text.splitlines()) <= 120
    assert text.splitlines()[-1] == "(3 more columns: column_3, column_4, column_5; see rule_costs.csv)"
    long = text_table(pd.DataFrame({"note": ["y" * 200]}))
    assert long.splitlines()[1] == "y" * 37 + "..."  # one word: cut where the room ends
    words = text_table(pd.DataFrame({"note": ["the plan is infeasible before its solve: see the diagnosis"]}))
    assert words.splitlines()[1] == "the plan is infeasible before its..."  # after the last whole word in the room
    fits = text_table(pd.DataFrame({"note": ["the plan is infeasible before solving: see run02"]}))
    assert fits.splitlines()[1] == "the plan is infeasible before solving..."  # the room ends where a word does


def test_markdown_tables_right_align_numbers_and_keep_swept_values_as_typed() -> None:
    """Columns mostly of numbers are right-aligned; a swept setting (attrs[AS_GIVEN]) keeps its form
    (1000, not 1,000), where a count of that size gets its thousands separator."""
    frame = pd.DataFrame({"run": ["run01", "run02"], "constraints.redline.buffer_m": [0, 1000],
                          "sites": [1200, 3], "status": ["optimal", "infeasible"]})
    frame.attrs[AS_GIVEN] = ("constraints.redline.buffer_m",)
    assert markdown_table(frame).splitlines()[1:] == [
        "|---|---:|---:|---|", "| run01 | 0 | 1,200 | optimal |", "| run02 | 1000 | 3 | infeasible |"]


# --- the outputs of a run ---------------------------------------------------------------------

def widest(printed: str, tmp_path: Path) -> int:
    """The widest printed line, leaving out the lines naming a folder (their width is the path's)."""
    return max(len(line) for line in printed.splitlines() if str(tmp_path) not in line)


def money_problems(path: Path, text: str) -> list[str]:
    """Every money figure not in bn yuan: 亿, "100 million", a yuan column not in bn yuan, or a
    money cell with 10 or more digits."""
    problems = [f"{path.name}: {word}" for word in ("亿", "100 million") if word in text]
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        for name in rows[0]:
            if "yuan" in name and not name.endswith("_bn_yuan"):
                problems.append(f"{path.name}: column {name}")
        unit_at = rows[0].index("unit") if "unit" in rows[0] else None
        for row in rows[1:]:
            money = [c for i, c in enumerate(row) if rows[0][i].endswith("_bn_yuan")
                     or (unit_at is not None and "yuan" in row[unit_at] and i > unit_at)]
            problems += [f"{path.name}: {c}" for c in money if re.fullmatch(r"-?\d{10,}(\.\d*)?", c)]
    return problems


def test_every_money_figure_of_a_solve_is_in_bn_yuan_and_every_column_has_its_unit(small_rule_costs_run: MadeRun
                                                                                    ) -> None:
    """The small scenario solved with `--rule-costs` (conftest's `small_rule_costs_run`)."""
    out = small_rule_costs_run.out
    printed = small_rule_costs_run.stdout
    assert "objective -22.72 bn yuan (discounted), best bound -22.72 bn yuan" in printed
    assert "  capex (annuities)             1.94 bn yuan" in printed
    assert "  site opening                  0.20 bn yuan" in printed
    assert "  sales (revenue, negative)   -28.66 bn yuan" in printed
    assert "status    optimal within the gap" in printed
    assert "convergenceCriteriaSatisfied" not in printed and "亿" not in printed
    assert widest(printed, out.parent) <= 120
    problems = [p for f in sorted(out.rglob("*")) if f.suffix in TEXT_SUFFIXES and f.name != "manifest.json"
                for p in money_problems(f, f.read_text(encoding="utf-8"))]
    assert problems == []
    for name in ("plan.csv", "capacity.csv", "targets.csv", "rule_costs.csv"):
        header = (out / name).read_text().splitlines()[0].split(",")
        numeric = pd.read_csv(out / name).dropna(axis=1, how="all").select_dtypes("number").columns
        assert [c for c in numeric if c not in UNITLESS and "unit" not in header and "yuan" not in c
                and not c.endswith("_percent")] == [], name
    assert (out / "plan.csv").read_text().splitlines() == [
        "site,cluster,product,unit,year,module,modules,capacity_added,capex_bn_yuan",
        "e_city,east,lfp,t/yr,2023,lfp_50kt,2,100000,2",
        "e_far,east,cells,GWh/yr,2023,cells_10gwh,1,10,2.5",
        "e_far,east,lfp,t/yr,2023,lfp_50kt,1,50000,1",
        "w_mine,west,fepo4,t/yr,2023,fepo4_100kt,4,400000,2",
        "w_mine,west,lfp,t/yr,2023,lfp_50kt,2,100000,2"]
    assert (out / "targets.csv").read_text().splitlines() == [  # cathode: 20 kt + 10 kt committed + 250 kt
        "kind,target,unit,year,target_value,achieved,shortfall",
        "capacity,cathode,t/yr,2024,120000,280000,0", "capacity,cells,GWh/yr,2024,10,10,0"]
    # relaxing agglomeration keeps the plan and drops the 2 x 1亿 of opening w_mine and e_far
    assert pd.read_csv(out / "rule_costs.csv").set_index("rule").loc["agglomeration", "rule_cost_bn_yuan"] == 0.2
    manifest = json.loads((out / "manifest.json").read_text())  # raw yuan for machines, and named so
    breakdown = manifest["objective_breakdown_yuan"]
    assert set(breakdown) == {"capex", "land", "fixed_opex", "site_fixed", "variable", "resources", "imports",
                              "transport", "shortfall", "sales"}
    assert breakdown["sales"] == pytest.approx(-(15.06e9 + 14.96e9 / 1.1), rel=1e-8)
    assert manifest["solver"]["objective_yuan"] == pytest.approx(sum(breakdown.values()), rel=1e-8)
    report = (out / "report.md").read_text()
    assert "| status | optimal within the gap |" in report
    assert "| objective (discounted) | -22.72 bn yuan |" in report


def test_compare_and_sweep_tables_in_bn_yuan_with_units_and_narrow_on_the_terminal(small_compare_run: MadeRun,
                                                                                   folder: Path, tmp_path: Path,
                                                                                   capsys) -> None:
    """The comparison is conftest's `small_compare_run` (the small scenario against b.yaml, which
    asks 20 GWh of cells, `--workers 1`); the sweep is this test's."""
    out = small_compare_run.out
    printed = small_compare_run.stdout
    assert widest(printed, out.parent) <= 120
    assert "亿" not in printed
    table = pd.read_csv(out / "comparison.csv").set_index("metric")
    assert table.loc["objective", "unit"] == "bn yuan"
    # b (20 GWh of cells, strict) only removes plans from the base's choice: it costs more
    small, other = float(table.loc["objective", "small"]), float(table.loc["objective", "b"])
    assert other > small
    assert float(table.loc["objective", "b vs small"]) == pytest.approx(other - small, rel=1e-6, abs=1e-8)
    assert table.loc["cost: site opening", "unit"] == "bn yuan"
    assert float(table.loc["cost: site opening", "small"]) == 0.2
    assert table.loc["capacity west cells", "unit"] == "GWh/yr"
    assert table.loc["capacity west lfp", "unit"] == "t/yr"
    assert table.loc["capacity cathode 2024", "unit"] == "t/yr"
    assert "units/yr" not in (out / "comparison.csv").read_text()
    # at the 4 decimals at which b's report gives its objective, bound and gap (-22.2432, 0.0000)
    assert f"| objective | bn yuan | {small:.4f} | {other:.4f} | {other - small:.4f} |" in (
        out / "comparison.md").read_text()
    problems = [p for f in sorted(out.glob("*")) if f.suffix in TEXT_SUFFIXES
                for p in money_problems(f, f.read_text(encoding="utf-8"))]
    assert problems == []
    sweep_out = tmp_path / "sweep"
    assert main(["sweep", str(folder / "scenario.yaml"), "--set", "targets.capacity.cells.2024=10,20",
                 "--out", str(sweep_out), "--workers", "1"]) == 0
    assert widest(capsys.readouterr().out, tmp_path) <= 120
    sweep = pd.read_csv(sweep_out / "sweep.csv")
    assert list(sweep.columns) == ["run", "targets.capacity.cells.2024", "status", "objective_bn_yuan",
                                   "gap_percent", "gap_bn_yuan", "vs_first", "vs_first_low_bn_yuan",
                                   "vs_first_high_bn_yuan", "started_from", "sites_built_on",
                                   "pairs_kept_out_redline", "pairs_kept_out_proximity", "land_free_ha",
                                   "capacity_cathode_t_per_yr", "capacity_cells_GWh_per_yr"]
    assert list(sweep["objective_bn_yuan"]) == pytest.approx([small, other], rel=1e-8)


# --- the report explains the plan ---------------------------------------------------------------

def explanation(scenario: Path) -> str:
    prepared = prepare(scenario, {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    return markdown(explanation_blocks(prepared.loaded, prepared.inputs, solved.plan))


def unpriced(folder: Path) -> Path:
    """The folder's catalog with every product's base-path price set to 0 (written over the test's
    own copy)."""
    catalog = folder / "catalog.yaml"
    text = re.sub(r"price_yuan_per_unit: \{base: \{2023: \d+, 2024: \d+\}",
                  "price_yuan_per_unit: {base: {2023: 0, 2024: 0}", catalog.read_text())
    assert text.count("price_yuan_per_unit: {base: {2023: 0, 2024: 0}") == 3
    catalog.write_text(text)
    return folder


def test_report_explains_an_overshoot_by_module_size(folder: Path) -> None:
    """Unpriced catalog, cathode goal 110,000 t/yr. Online in 2024: 20,000 existing + 10,000
    committed at e_city; 80,000 more take two 50,000 t/yr LFP modules: 130,000 planned, 20,000 over.
    Nothing is sold, so nothing is produced. By hand: e_city is already open and takes the cells
    module (20 of its 30 ha; decided in 2023, online 2024); the two LFP modules (20 ha) go to
    w_mine, decided in 2024 and opened in 2024. Costs: capex 20亿 CRF(0.1, 20) / 1.1 + 25亿
    CRF(0.1, 10) / 1.1 = 0.5834 bn; site opening 1亿 / 1.1 = 0.0909 bn; land CRF(0.1, 50) (20 ha
    * 1 M + 20 ha * 3 M) / 1.1 = 0.0073 bn; in all 0.6817 bn: capex 85.6 %, opening 13.3 %,
    land 1.1 %."""
    text = explanation(write(unpriced(folder) / "over.yaml", "extends: scenario.yaml\nname: over\ntargets:\n"
                                                             "  capacity:\n    cathode: {2024: 110000}\n"))
    assert ("Cathode 2024: goal 110,000, planned 130,000, 20,000 more (t/yr). Why:\n\n"
            "- whole modules: modules come in 50,000 t/yr, so the capacity cannot land exactly on the goal; the "
            "cheapest whole-module mix that reaches 110,000 t/yr gives 130,000 t/yr\n") in text
    assert "| w_mine | west | LFP | t/yr | 2024 | 100,000 | 0 | 100,000 | 100% |" in text
    assert "| e_city | east | Cells | GWh/yr | 2024 | 8 | 0 | 8 | 100% |" in text
    assert "The plan produces nothing:" in text
    assert ("- capex (annuities): 0.58 bn yuan, 85.6% of the gross cost\n"
            "- site opening: 0.09 bn yuan, 13.3% of the gross cost\n"
            "- land (annuities): 0.01 bn yuan, 1.1% of the gross cost\n") in text
    assert "- the capacity target Cells 2024 is met exactly (10 GWh/yr)\n" in text
    assert "Cathode 2024 is met exactly" not in text


def test_report_explains_an_overshoot_forced_by_the_output_value_target(folder: Path) -> None:
    """Output value 10 bn yuan in 2024 with the priced catalog: the base plan's 2024 output is
    FePO4 400 kt * 10,000 + LFP 280 kt * 40,000 + cells 8 GWh * 4亿 = 18.4 bn yuan, so the target
    does not bind and the report must not blame it for the cathode overshoot (280,000 against
    120,000: sales make the extra capacity pay)."""
    text = explanation(write(folder / "value.yaml", "extends: scenario.yaml\nname: value\ntargets:\n"
                                                    "  output_value_yuan: {2024: 1.0e10}\n"))
    assert "Cathode 2024: goal 120,000, planned 280,000, 160,000 more (t/yr). Why:\n\n" in text
    assert "- the output-value target binds" not in text
    # 280,000 t of LFP made in 2024, 8 GWh of cells use 2,000 t/GWh: 264,000 t sold at 40,000 yuan.
    assert ("- sales pay for it: 264,000 t/yr are sold outside the province in 2024 for 10.56 bn yuan (40,000 "
            "yuan/t), more than the 2.34 bn yuan they cost to make (8,856 yuan/t: capacity, production and "
            "inputs)\n") in text
    assert "- whole modules:" not in text
    assert "the output-value target 2024 is met exactly" not in text


def test_report_says_when_no_target_is_overshot(folder: Path) -> None:
    """Unpriced catalog, cathode goal 130,000 t/yr: 20,000 existing + 10,000 committed + two
    50,000 t/yr modules land on it exactly; cells 10 GWh is one module."""
    text = explanation(write(unpriced(folder) / "exact.yaml", "extends: scenario.yaml\nname: exact\ntargets:\n"
                                                              "  capacity:\n    cathode: {2024: 130000}\n"))
    assert "## Why targets are overshot\n\nNo target is overshot: each is met exactly or falls short.\n" in text
    assert "- the capacity target Cathode 2024 is met exactly (130,000 t/yr)\n" in text


def test_report_names_committed_capacity_that_overshoots_a_target(folder: Path) -> None:
    """Unpriced catalog, cathode goal 25,000 t/yr: the 20,000 existing are short of it, with the
    10,000 committed online in 2024 they hold 30,000, so nothing need be built and the excess is
    theirs, not whole modules'."""
    text = explanation(write(unpriced(folder) / "committed.yaml",
                             "extends: scenario.yaml\nname: committed\n"
                             "targets:\n  capacity:\n    cathode: {2024: 25000}\n"))
    assert ("Cathode 2024: goal 25,000, planned 30,000, 5,000 more (t/yr). Why:\n\n"
            "- existing and committed capacity: the plants already there (20,000 t/yr) and the committed projects "
            "online by 2024 (10,000 t/yr) hold 30,000 t/yr, more than the goal before anything is chosen\n") in text
    assert "- whole modules:" not in text


def test_plan_tables_give_output_value_targets_in_bn_yuan(folder: Path) -> None:
    """The base plan's 2024 output value is 18.4 bn yuan by hand (see the test above)."""
    scenario = write(folder / "value.yaml", "extends: scenario.yaml\nname: value\ntargets:\n"
                                            "  output_value_yuan: {2024: 1.0e10}\n")
    prepared = prepare(scenario, {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    files = plan_tables(solved.plan, prepared.loaded.catalog, prepared.inputs.TARGET_GROUPS)
    assert files["targets.csv"].splitlines()[-1] == "output_value,output_value,bn yuan/yr,2024,10,18.4,0"


def test_sweep_plot_titles_carry_bn_yuan_and_each_groups_unit(tmp_path: Path, monkeypatch) -> None:
    import matplotlib.axes

    from siting.runs.pool import CaseSummary
    from siting.runs.tables import sweep_plot, sweep_table

    units = {"cells": "GWh", "separator": "million m2"}
    summaries = [CaseSummary(f"run0{i}", True, status="optimal", objective_yuan=v, gap=0.0,
                             group_capacity={"cells": 10.0 * i, "separator": 5.0}, units=units)
                 for i, v in ((1, 4.19e9), (2, 6.46e9))]
    table = sweep_table(summaries, [{"x": 10}, {"x": 20}])
    assert list(table.columns)[-2:] == ["capacity_cells_GWh_per_yr", "capacity_separator_million_m2_per_yr"]
    titles: list[str] = []
    original = matplotlib.axes.Axes.set_title
    monkeypatch.setattr(matplotlib.axes.Axes, "set_title",
                        lambda self, text, *a, **k: titles.append(text) or original(self, text, *a, **k))
    sweep_plot(table, ["x"], tmp_path / "sweep.png", "sweep")
    assert titles == ["objective (bn yuan, discounted)", "Cells capacity (GWh/yr)",
                      "Separator capacity (million m2/yr)"]


def test_alternatives_outputs_state_money_in_bn_yuan(small_alternatives_run: MadeRun) -> None:
    """The run is conftest's `small_alternatives_run` (`--alternatives 2`: what is checked of the
    optimum and alt01 does not depend on how many alternatives follow; alt02's files are checked
    too)."""
    out = small_alternatives_run.out
    assert "亿" not in small_alternatives_run.stdout
    problems = [p for f in sorted(out.rglob("*")) if f.suffix in TEXT_SUFFIXES and f.name != "manifest.json"
                for p in money_problems(f, f.read_text(encoding="utf-8"))]
    assert problems == []
    table = pd.read_csv(out / "alternatives.csv").set_index("plan")
    optimum, other = table.loc["optimum", "cost_bn_yuan"], table.loc["alt01", "cost_bn_yuan"]
    assert optimum == pytest.approx(-22.7156967, abs=1e-6)  # the base objective (module docstring)
    assert other > optimum  # an alternative plan is never cheaper than the optimum
    assert table.loc["alt01", "over_optimum_share"] == pytest.approx((other - optimum) / abs(optimum), rel=1e-6)
