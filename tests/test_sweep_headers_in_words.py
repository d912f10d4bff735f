"""The headers of a sweep's tables for people (the printed table, sweep.md) in words with their units,
as compare's rows name them ("objective (bn yuan)", "site-product pairs kept out: red line"), while
sweep.csv keeps the names a script reads (`objective_bn_yuan`); a swept setting keeps its key as
typed, broken on the terminal only after its dots.

Hand-made run summaries, no solve: two runs of a site opening cost of 1e8 and 5e9 yuan, objectives
10.12 and 13.54 bn yuan, each with a gap of 2 % (0.2024 and 0.2708 bn yuan), proven apart."""
from __future__ import annotations

from siting.deliver.tables import csv_text, markdown_table
from siting.runs.pool import CaseSummary
from siting.runs.tables import header_lines, sweep_display, sweep_table, sweep_text

KEY = "constraints.agglomeration.site_fixed_cost_yuan"


def runs() -> tuple[list[CaseSummary], list[dict[str, str]]]:
    """Two runs with a plan: 3 and 2 sites built on, 3 pairs kept out by the red line and 2 by the
    proximity rule in each, 158 ha free for new modules, 280,000 t/yr of cathode."""
    summaries = [CaseSummary(f"run0{n} site_fixed_cost_yuan={v}", True, status="optimal", objective_yuan=obj * 1e9,
                             gap=0.02, group_capacity={"cathode": 280_000.0}, units={"cathode": "t"},
                             sites_opened=("a", "b", "c")[:4 - n], excluded_pairs={"red line": 3, "proximity": 2},
                             land_free_ha={"a": 100.0, "b": 58.0})
                 for n, v, obj in ((1, "1e8", 10.12), (2, "5e9", 13.54))]
    return summaries, [{KEY: "1e8"}, {KEY: "5e9"}]


def test_sweep_md_and_the_printed_table_head_their_columns_in_words_and_sweep_csv_by_name() -> None:
    summaries, settings = runs()
    table = sweep_table(summaries, settings)
    header = markdown_table(sweep_display(table, summaries)).splitlines()[0]
    assert header == (f"| run | {KEY} | status | objective (bn yuan) | gap (%) | absolute gap (bn yuan) | vs_first "
                      "| vs_first: proven range (bn yuan) | started_from | sites built on "
                      "| site-product pairs kept out: red line | site-product pairs kept out: proximity "
                      "| land free for new modules (ha) | Cathode capacity (t/yr) |")
    assert csv_text(table).splitlines()[0] == (
        f"run,{KEY},status,objective_bn_yuan,gap_percent,gap_bn_yuan,vs_first,vs_first_low_bn_yuan,"
        "vs_first_high_bn_yuan,started_from,sites_built_on,pairs_kept_out_redline,pairs_kept_out_proximity,"
        "land_free_ha,capacity_cathode_t_per_yr")
    lines = sweep_text(table, "sweep.csv", summaries).splitlines()
    # the key broken after its dots only (not "site_fixed_cost_" over "yuan"), the units whole
    assert lines[:5] == [
        "run                             constraints.          status                  objective  vs_first  gap (%)  "
        "absolute gap",
        "                                agglomeration.                                (bn yuan)                      "
        "  (bn yuan)",
        "                                site_fixed_cost_yuan",
        "run01 site_fixed_cost_yuan=1e8  1e8                   optimal within the gap      10.12               2.00  "
        "        0.21",
        "run02 site_fixed_cost_yuan=5e9  5e9                   optimal within the gap      13.54  proven       2.00  "
        "        0.28"]
    assert [line.split() for line in lines[6:9]] == [
        ["run", "started_from", "sites", "built", "site-product", "site-product", "land", "free", "Cathode"],
        ["on", "pairs", "kept", "pairs", "kept", "for", "new", "capacity"],
        ["out:", "red", "line", "out:", "proximity", "modules", "(ha)", "(t/yr)"]]
    assert "objective_" not in "\n".join(lines) and "pairs_kept" not in "\n".join(lines)


def test_a_header_breaks_outside_its_unit_and_a_setting_only_after_its_dots() -> None:
    assert header_lines("objective (bn yuan)", 12) == ["objective", "(bn yuan)"]
    assert header_lines("absolute gap (bn yuan)", 12) == ["absolute gap", "(bn yuan)"]
    assert header_lines(KEY, 19, r"(?!)") == ["constraints.", "agglomeration.", "site_fixed_cost_yuan"]
    assert header_lines(KEY, 19) == ["constraints.", "agglomeration.", "site_fixed_cost_", "yuan"]
