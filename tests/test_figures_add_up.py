"""A solve's objective, best bound and absolute gap read so that they add up.

Each is rounded its own way: the objective to nearest, the bound down and the gap up
(siting/config/units.py `bound_bn`: a figure shown claims no more than was proven). At two
decimals a small figure, or a gap under 0.01 bn yuan, then read "objective 0.10 bn yuan,
best bound 0.09 bn yuan, absolute gap 0.00 bn yuan": 0.10 - 0.09 is not 0.00. `trio_texts`
gives the three at the least number of decimals from two at which the objective shown less the
bound shown is the gap shown (or within one unit of the last decimal, where the gap shown is at
least ten such units).

The small scenario (tests/data/small) with a site opening cost of 18.6342 bn yuan opens one
site and nets 95,319,965.5 yuan, proven optimal (bound the same, gap 0):
- two decimals: 0.10 (to nearest), 0.09 (down), 0.00 (up): 0.10 - 0.09 = 0.01, not 0.00;
- three: 0.095, 0.095, 0.000: 0.095 - 0.095 = 0.000.
"""

from __future__ import annotations

import decimal
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import SMALL, MadeRun, run_once, small_inputs

import siting
from siting.config.units import TRIO_MOST_DECIMALS, trio_decimals, trio_texts
from siting.deliver.qgisproject import run_heading
from siting.deliver.tables import DECIMALS, markdown_table
from siting.runs.pool import CaseSummary
from siting.runs.tables import carried_bound, table_decimals

BN = 1e9

#: The site opening cost at which the small scenario nets 95,319,965.5 yuan (module docstring).
SMALL_SET = "constraints.agglomeration.site_fixed_cost_yuan=18.6342e9"
SMALL_OBJECTIVE = 95_319_965.5


def figures(texts: tuple[str, str, str]) -> tuple[decimal.Decimal, ...]:
    """The three texts' figures ("0.095 bn yuan" -> 0.095)."""
    return tuple(decimal.Decimal(t.removesuffix(" bn yuan").replace(",", "")) for t in texts)


def adds_up(texts: tuple[str, str, str]) -> bool:
    """Whether bound <= objective and objective - bound = gap, exactly or, where the gap shown
    is ten units of the last decimal or more, within one unit."""
    objective, bound, gap = figures(texts)
    unit = decimal.Decimal(1).scaleb(objective.as_tuple().exponent)
    off = abs(objective - bound - gap)
    return bound <= objective and (off == 0 or (off <= unit and gap >= 10 * unit))


def test_a_small_objective_proven_optimal_reads_with_three_decimals() -> None:
    """0.0953 bn yuan, bound the same, gap 0: "0.10", "0.09", "0.00" at two decimals."""
    assert trio_texts(SMALL_OBJECTIVE, SMALL_OBJECTIVE, 0.0) == ("0.095 bn yuan", "0.095 bn yuan", "0.000 bn yuan")


def test_a_gap_under_the_rounding_step_reads_with_the_decimals_it_needs() -> None:
    """-22.7136967 bn yuan, gap 0: "-22.71" to nearest and "-22.72" down at two decimals;
    -7.03338003 with a bound 10 yuan under it: "-7.033" and "-7.034" at three, the same at four."""
    objective = -22_713_696_700.0
    assert trio_texts(objective, objective, 0.0) == ("-22.714 bn yuan", "-22.714 bn yuan", "0.000 bn yuan")
    assert trio_texts(-7_033_380_030.0, -7_033_380_040.0, 0.0) == (
        "-7.0334 bn yuan", "-7.0334 bn yuan", "0.0000 bn yuan")


def test_a_gap_a_unit_off_by_a_sixth_reads_with_three_decimals() -> None:
    """-22.716 less -22.767, 0.051: "-22.72" less "-22.77" is 0.05, the gap up "0.06"."""
    assert trio_texts(-22.716 * BN, -22.767 * BN, 0.051 * BN) == (
        "-22.716 bn yuan", "-22.767 bn yuan", "0.051 bn yuan")


def test_the_shipped_scenarios_figures_keep_two_decimals() -> None:
    """The shipped run: -196,091,235,531.62 yuan within 0.1 %: a gap of 0.19609 bn yuan, bound
    -196.28732: -196.09, -196.29 (down), 0.20 (up), which add up; and a bound one cent off
    (-196.30 against a gap of 0.20) is within a tenth of the gap: two decimals still."""
    objective = -196_091_235_531.62
    gap = 0.001 * abs(objective)
    assert trio_texts(objective, objective - gap, gap) == ("-196.09 bn yuan", "-196.29 bn yuan", "0.20 bn yuan")
    assert trio_decimals(-196.094 * BN, -196.2951 * BN, 0.1989 * BN) == 2  # -196.09, -196.30, 0.20


def test_figures_not_of_each_other_keep_two_decimals() -> None:
    """A bound 0.196 bn yuan under the objective beside a gap of 1.96 bn yuan (a screened model's
    bound beside the full instance's gap): no decimals make them add up."""
    assert trio_texts(-196.068 * BN, -196.264448 * BN, 1.9607 * BN) == (
        "-196.07 bn yuan", "-196.27 bn yuan", "1.97 bn yuan")


def test_missing_figures_read_n_a_at_two_decimals() -> None:
    assert trio_texts(None, None, None) == ("n/a", "n/a", "n/a")
    assert trio_texts(1.2345 * BN, None, None) == ("1.23 bn yuan", "n/a", "n/a")
    assert trio_decimals(1.0, float("nan"), 0.0) == 2


@pytest.mark.parametrize("objective_bn", [0.0953199655, -0.0049, 0.0051, -22.7136967, 1.23456789, -196.0912355,
                                          -0.3339999, 12.3449999])
@pytest.mark.parametrize("gap_bn", [0.0, 1e-7, 0.00049, 0.0051, 0.0449, 0.25])
def test_the_three_add_up_or_reach_the_most_decimals(objective_bn: float, gap_bn: float) -> None:
    texts = trio_texts(objective_bn * BN, (objective_bn - gap_bn) * BN, gap_bn * BN)
    digits = trio_decimals(objective_bn * BN, (objective_bn - gap_bn) * BN, gap_bn * BN)
    assert adds_up(texts) or digits == TRIO_MOST_DECIMALS, texts


@pytest.fixture(scope="module")
def small_net_run(net_alternatives_run: MadeRun) -> MadeRun:
    """The small scenario solved with SMALL_SET: 0.0953 bn yuan, proven optimal. The solve of
    `net_alternatives_run`: its plan's folder, objective line, report.md's Solve and cost tables
    and plan.qgs's title are a solve's with SMALL_SET, its alternatives written beside them."""
    return net_alternatives_run


def test_every_output_gives_the_three_so_that_they_add_up(small_net_run: MadeRun) -> None:
    """The terminal's objective line, report.md's Solve table, map.png's and plan.qgs's title
    (`MapTitle.text`) all read 0.095, 0.095 and 0.000."""
    assert ("objective 0.095 bn yuan (discounted), best bound 0.095 bn yuan, absolute gap 0.000 bn yuan"
            in small_net_run.stdout)
    report = (small_net_run.out / "report.md").read_text(encoding="utf-8")
    assert "| objective (discounted) | 0.095 bn yuan |" in report
    assert "| best bound | 0.095 bn yuan |" in report
    assert "| absolute gap (objective less best bound) | 0.000 bn yuan |" in report
    project = (small_net_run.out / "plan.qgs").read_text(encoding="utf-8")
    assert re.search(r"objective 0\.095 bn yuan \(discounted\)&#10;absolute gap 0\.000 bn yuan", project)


def test_the_cost_tables_total_gives_the_objective_as_the_solve_table_does(small_net_run: MadeRun) -> None:
    """report.md's cost table ends on the objective, net of sales revenue: 0.095 as the Solve table
    gives it above, not a "0.10" of the same figure; the components keep two decimals (site
    opening 18.63). report.html's tables are the same blocks."""
    report = (small_net_run.out / "report.md").read_text(encoding="utf-8")
    assert "| total, net of sales revenue (the objective) | 0.095 |  |" in report
    assert "| site opening | 18.63 |" in report


def test_a_solutions_repr_gives_the_objective_as_the_terminal_does() -> None:
    found = siting.solve(SMALL / "scenario.yaml", overrides=[SMALL_SET])
    assert found.objective_yuan == pytest.approx(SMALL_OBJECTIVE, abs=1.0)
    assert "objective 0.095 bn yuan," in repr(found)


#: The sweep of the site opening cost over the scenario's 0.1 bn yuan (-22.7157 bn yuan, proven
#: optimal: -22.72 adds up at two decimals) and SMALL_SET's (0.0953 bn yuan: three decimals).
SWEEP_SET = "constraints.agglomeration.site_fixed_cost_yuan=1e8,18.6342e9"


def net_inputs(folder: Path) -> list[Path]:
    """A copy of tests/data/small in `folder`/small with net.yaml, the scenario with SMALL_SET's
    site opening cost: [scenario.yaml, net.yaml]."""
    (scenario,) = small_inputs(folder)
    net = scenario.parent / "net.yaml"
    net.write_text("extends: scenario.yaml\nname: net\nconstraints:\n  agglomeration:\n"
                   "    site_fixed_cost_yuan: 18.6342e9\n", encoding="utf-8")
    return [scenario, net]


@pytest.fixture(scope="module")
def net_compare_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting compare scenario.yaml net.yaml`: -22.7157 and 0.0953 bn yuan, both proven optimal."""
    return run_once(tmp_path_factory, "net_compare", net_inputs, "compare", ("--workers", "1"))


@pytest.fixture(scope="module")
def net_sweep_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting sweep scenario.yaml --set SWEEP_SET`: the runs of `net_compare_run`."""
    return run_once(tmp_path_factory, "net_sweep", small_inputs, "sweep", ("--set", SWEEP_SET, "--workers", "1"))


def test_a_comparison_gives_the_objective_and_gap_at_the_decimals_of_its_runs(net_compare_run: MadeRun) -> None:
    """net's report reads 0.095 (three decimals); the baseline's -22.72 adds up at two. The rows
    of the objective and the absolute gap take the more, three, for every run and difference, so
    that the row reads evenly: -22.716 (its report's -22.72, closer), 0.095 (not "0.10", which
    is not net's 0.095); comparison.md and the terminal alike. comparison.csv holds the figures to
    9 significant digits, as before; the cost rows keep two decimals."""
    markdown = (net_compare_run.out / "comparison.md").read_text(encoding="utf-8")
    assert "| objective | bn yuan | -22.716 | 0.095 | 22.811 |" in markdown
    assert "| absolute gap | bn yuan | 0.000 | 0.000 | 0.000 |" in markdown
    assert "| cost: site opening | bn yuan | 0.20 | 18.63 | 18.43 |" in markdown
    assert re.search(r"\nobjective +bn yuan +-22\.716 +0\.095 +22\.811\n", net_compare_run.stdout)
    assert re.search(r"\nabsolute gap +bn yuan +0\.000 +0\.000 +0\.000\n", net_compare_run.stdout)
    net_report = (net_compare_run.out / "net" / "report.md").read_text(encoding="utf-8")
    assert "| objective (discounted) | 0.095 bn yuan |" in net_report
    csv = (net_compare_run.out / "comparison.csv").read_text(encoding="utf-8")
    assert "\nobjective,bn yuan,-22.7156967,0.0953199655,22.8110166\n" in csv


def test_a_sweep_gives_the_objective_and_gap_at_the_decimals_of_its_runs(net_sweep_run: MadeRun) -> None:
    """The sweep of `net_compare_run`'s runs: sweep.md's and the terminal's columns of the
    objective and the absolute gap at three decimals, every run; sweep.csv as before."""
    markdown = (net_sweep_run.out / "sweep.md").read_text(encoding="utf-8")
    assert "| optimal within the gap | -22.716 | 0.00 | 0.000 |  |" in markdown
    assert "| optimal within the gap | 0.095 | 0.00 | 0.000 | proven | 22.81 to 22.82 |" in markdown
    assert re.search(r"site_fixed_cost_yuan=18\.6342e9 +18\.6342e9 +optimal within the gap +0\.095 +proven +0\.00\n",
                     net_sweep_run.stdout)
    assert re.search(r"site_fixed_cost_yuan=1e8 +0\.000 ", net_sweep_run.stdout)
    csv = (net_sweep_run.out / "sweep.csv").read_text(encoding="utf-8")
    assert ",optimal,0.0953199655,0,0,proven," in csv


def test_money_decimals_of_a_table_apply_to_the_columns_and_rows_named() -> None:
    """`attrs[DECIMALS]` names a column (by its name in the files) or a row (by its metric); every
    other figure keeps two decimals, a proven gap rounded up at the decimals shown."""
    frame = pd.DataFrame({"run": ["a"], "objective_yuan": [95_319_965.5], "gap_yuan": [1_000_001.0],
                          "other_yuan": [95_319_965.5]})
    assert markdown_table(frame).splitlines()[2] == "| a | 0.10 | 0.01 | 0.10 |"
    frame.attrs[DECIMALS] = {"objective_bn_yuan": 3, "gap_bn_yuan": 3}
    assert markdown_table(frame).splitlines()[2] == "| a | 0.095 | 0.002 | 0.10 |"
    rows = pd.DataFrame({"metric": ["objective", "cost"], "unit": ["yuan", "yuan"], "a": [95_319_965.5] * 2})
    rows.attrs[DECIMALS] = {"objective": 3}
    assert markdown_table(rows).splitlines()[2:] == ["| objective | bn yuan | 0.095 |", "| cost | bn yuan | 0.10 |"]


@pytest.fixture(scope="module")
def net_alternatives_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """The small scenario with SMALL_SET and `--alternatives 2 --slack 1`: the optimum, 0.0953 bn
    yuan proven optimal, and one alternative, alt01, of 0.1027 bn yuan (+7.73 %)."""
    return run_once(tmp_path_factory, "net_alternatives", small_inputs,
                    extra=("--set", SMALL_SET, "--alternatives", "2", "--slack", "1"))


def test_the_alternatives_give_the_optimum_as_its_objective_line_does(net_alternatives_run: MadeRun) -> None:
    """The optimum's objective line reads 0.095; alternatives.md's cost column, the terminal's line
    on the alternatives, the optimum's report.md section on them and the names of plan.qgs's map
    themes give its cost so, not "0.10", and each plan's at as many decimals: alt01 0.103, which
    at two decimals read "0.10", as the optimum, 7.73 % above it."""
    out, stdout = net_alternatives_run.out, net_alternatives_run.stdout
    assert "objective 0.095 bn yuan (discounted)" in stdout
    alternatives = (out / "alternatives.md").read_text(encoding="utf-8")
    assert "\n| optimum | 0.095 | 0.00 |" in alternatives
    assert "\n| alt01 | 0.103 | 7.73 |" in alternatives
    line = " ".join(stdout.split())
    assert "within 100% of the optimum (0.095 bn yuan; up to" in line
    assert "alt01 0.103 bn yuan, +7.73%" in line
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "within 100% of this plan's cost (0.095 bn yuan; up to" in report
    assert "no plan costs less than the bound (0.095 bn yuan)" in report
    assert "| `alt01/` | 0.103 | 7.73% |" in report
    project = (out / "plan.qgs").read_text(encoding="utf-8")
    assert 'name="optimum: 0.095 bn yuan, the cost-optimal plan' in project
    assert 'name="alt01, scope clusters: 0.103 bn yuan, +7.73% over the optimum"' in project


def test_a_carried_bounds_sheet_gives_the_gaps_at_the_decimals_of_the_table() -> None:
    """A run of 0.0953 bn yuan whose own solve proved 2 % (0.0019 bn yuan: its plan.qgs title,
    0.095 less 0.09 at two decimals is 0.01, which adds up) and whose gap against the bound carried
    from net is 0: comparison.md gives its objective and absolute gap at three decimals
    (`table_decimals`), and so does its compare.qgs sheet's gap line, not "0.00 bn yuan" under an
    objective of 0.095; its own solve's gap at the decimals of its plan.qgs title. A run of
    -22.7157 bn yuan whose own solve proved 4,543 yuan: four decimals both."""
    objective = SMALL_OBJECTIVE
    summary = CaseSummary(label="net20", ok=True, status="optimal", objective_yuan=objective, gap=0.0,
                          best_bound_yuan=objective, bound_from="net", own_gap=0.02)
    assert table_decimals([summary]) == 3
    title = ("net20: capacity plan 2023-2024\noptimal within the gap, gap 2.00% (tolerance 20.00%), objective "
             "0.095 bn yuan (discounted)\nabsolute gap 0.01 bn yuan (objective less best bound)")
    heading = run_heading("net20", "net20", "baseline", title, carried=carried_bound(summary, digits=3))
    assert heading.split("\n")[1:] == [
        "optimal within the gap, gap 0.00% (tolerance 20.00%), objective 0.095 bn yuan (discounted)",
        "absolute gap 0.000 bn yuan against the bound of net, as comparison.md gives the gaps (its own solve's: "
        "2.00%, 0.01 bn yuan)"]
    large = CaseSummary(label="b", ok=True, status="optimal", objective_yuan=-22_715_696_700.0, gap=0.0,
                        best_bound_yuan=-22_715_696_700.0, bound_from="a", own_gap=2e-7)
    assert carried_bound(large, sweep=True, digits=table_decimals([large])).gap_line() == (
        "absolute gap 0.0000 bn yuan against the bound of a, as sweep.md gives the gaps (its own solve's: 0.01%, "
        "0.0001 bn yuan)")
