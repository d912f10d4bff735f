"""report.md's modules table: where the capex rows as shown (each rounded to 0.01 bn yuan) do not
add up to the total shown in its last row, a sentence under the table says why."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from siting.deliver.report import (
    ClusterRole,
    capacity_total_note,
    capex_by_cluster_note,
    cost_blocks,
    net_total_note,
    rounding_note,
    rounding_notes,
    share_rounding_notes,
    why_here_total_note,
)


def test_three_rows_rounded_down_say_they_do_not_add_up() -> None:
    """1.004 bn yuan three times: each row shows 1.00, the rows add up to 3.00, the total is 3.012,
    shown 3.01."""
    assert rounding_note([1.004e9, 1.004e9, 1.004e9]) == (
        "Each row is rounded to 0.01 bn yuan on its own: the rows as shown add up to 3.00, "
        "the total of the unrounded figures is 3.01 bn yuan.")


def test_rows_that_add_up_as_shown_get_no_sentence() -> None:
    """2.00 + 2.50 + 1.00 + 2.00 + 2.00 = 9.50 shown either way; 1.004 + 1.004 = 2.008, shown 2.01,
    while the rows show 1.00 + 1.00 = 2.00: only the second gets a sentence."""
    assert rounding_note([2.0e9, 2.5e9, 1.0e9, 2.0e9, 2.0e9]) == ""
    assert rounding_note([1.004e9, 1.004e9]) != ""


def test_the_small_plan_adds_up_and_says_nothing_of_rounding(small_run) -> None:
    """The small plan's capex rows (9.50 bn yuan in all) add up as shown: no sentence."""
    text = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "| all years |  |  |  |  |  |  |  | 9.50 |" in text
    assert "rounded to 0.01 bn yuan on its own" not in text


def test_a_cluster_column_that_does_not_add_up_says_so_and_one_that_does_says_nothing() -> None:
    """Output value 47.494 + 30.044 + 27.404 = 104.942, shown 104.94, while the rows show 47.49 +
    30.04 + 27.40 = 104.93; capex 2.00 + 3.00 = 5.00 either way."""
    assert rounding_notes({"output value 2024": [47.494e9, 30.044e9, 27.404e9], "capex": [2.0e9, 3.0e9]}) == (
        "Each row is rounded to 0.01 bn yuan on its own: the rows of output value 2024 as shown add up to 104.93, "
        "the total of the unrounded figures is 104.94 bn yuan.")
    assert rounding_notes({"capex": [2.0e9, 3.0e9]}) == ""


def _role(cluster: str, capex: float) -> ClusterRole:
    return ClusterRole(cluster, 0.0, 0.0, 0.0, (), (), capex)


def test_a_cluster_s_capex_unlike_its_module_rows_as_shown_says_why() -> None:
    """Yuxi's modules cost 1.004 bn yuan three times: its rows show 1.00 each, 3.00 in all, its
    capex 3.012 shows 3.01; Qujing's one module shows the same in both tables."""
    builds = pd.DataFrame({"cluster": ["yuxi", "yuxi", "yuxi", "qujing"],
                           "capex_yuan": [1.004e9, 1.004e9, 1.004e9, 2.5e9]})
    roles = [_role("yuxi", 3.012e9), _role("qujing", 2.5e9)]
    assert capex_by_cluster_note(roles, builds, {"yuxi": "Yuxi"}) == (
        "A cluster's capex is the total of its modules' unrounded capex; the modules table rounds each row to "
        "0.01 bn yuan on its own, and there Yuxi's add up to 3.00 against its 3.01 bn yuan here.")
    assert capex_by_cluster_note([_role("qujing", 2.5e9)], builds, {}) == ""


def test_cost_components_that_do_not_add_up_to_the_gross_cost_say_so() -> None:
    """Three components of 1.004 bn yuan show 1.00 each, 3.00 in all, under a gross cost of 3.01;
    with components of 1.00, 2.00 and 0.50 no sentence."""
    plan = SimpleNamespace(costs={"capex": 1.004e9, "land": 1.004e9, "fixed_opex": 1.004e9, "sales": -5.0e9})
    note = cost_blocks(plan)[-1].content  # type: ignore[arg-type]
    assert (" Each component is rounded to 0.01 bn yuan on its own: the rows as shown add up to 3.00, "
            "the total of the unrounded figures is 3.01 bn yuan.") in note
    plan = SimpleNamespace(costs={"capex": 1.0e9, "land": 2.0e9, "fixed_opex": 0.5e9, "sales": -5.0e9})
    assert "rounded to 0.01 bn yuan" not in cost_blocks(plan)[-1].content  # type: ignore[arg-type]


def test_the_small_plan_s_clusters_and_costs_add_up_and_say_nothing(small_run) -> None:
    text = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "A cluster's capex is the total of its modules' unrounded capex" not in text
    assert "Each component is rounded" not in text


def test_shares_that_do_not_add_up_to_100_percent_say_so_and_those_that_do_say_nothing() -> None:
    """Three equal parts show 33% each, 99% in all, under a total row of 100%; 51, 29 and 20 show
    as they are. With 1 decimal, 1/3 each shows 33.3%, 99.9% in all."""
    assert share_rounding_notes({"output value 2024": [1.0, 1.0, 1.0], "capex": [51.0, 29.0, 20.0]}, 0) == (
        "Each share is rounded to 1% on its own: the shares of output value 2024 as shown add up to 99%, "
        "the total of the unrounded shares is 100%.")
    assert share_rounding_notes({"": [1.0, 1.0, 1.0]}, 1) == (
        "Each share is rounded to 0.1% on its own: the shares as shown add up to 99.9%, the total of the "
        "unrounded shares is 100.0%.")
    assert share_rounding_notes({"capex": [51.0, 29.0, 20.0], "none": [0.0, 0.0]}, 0) == ""


def test_cost_shares_that_add_up_to_100_1_percent_say_so() -> None:
    """Shares of 64.25, 1.37, 17.79, 0.60, 221.04, 92.67, 385.48 and 1.89 of their 785.09 (the
    shipped plan's at a 1 % gap): 8.2 + 0.2 + 2.3 + 0.1 + 28.2 + 11.8 + 49.1 + 0.2 = 100.1% against the
    gross cost's 100.0%; halves of 50% and 50% add up."""
    costs = dict(zip(["capex", "land", "fixed_opex", "opening", "variable", "raw", "imports", "transport"],
                     [64.25e9, 1.37e9, 17.79e9, 0.60e9, 221.04e9, 92.67e9, 385.48e9, 1.89e9], strict=True))
    note = cost_blocks(SimpleNamespace(costs={**costs, "sales": -980.98e9}))[-1].content  # type: ignore[arg-type]
    assert note.endswith(" Each share is rounded to 0.1% on its own: the shares as shown add up to 100.1%, the "
                         "total of the unrounded shares is 100.0%.")
    plan = SimpleNamespace(costs={"capex": 1.0e9, "land": 1.0e9, "sales": -5.0e9})
    assert "Each share" not in cost_blocks(plan)[-1].content  # type: ignore[arg-type]


def test_the_small_plan_s_cost_shares_add_up_to_100_1_percent_and_its_cluster_shares_to_100(small_run) -> None:
    """The small plan's cost shares, 32.6 + 0.6 + 0.0 + 3.4 + 60.5 + 2.6 + 0.0 + 0.4 + 0.0, come to
    100.1%; its clusters' 44% + 56% and 43% + 57% to 100%: one sentence, under the cost breakdown."""
    text = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert text.count("Each share is rounded") == 1
    assert ("Each share is rounded to 0.1% on its own: the shares as shown add up to 100.1%, the total of the "
            "unrounded shares is 100.0%.\n") in text


def test_a_net_total_unlike_the_gross_cost_less_revenue_as_shown_says_so() -> None:
    """Gross cost 1.00 + 1.006 = 2.006, shown 2.01 (its rows 1.00 and 1.01 add up to it); sales
    -5.004 shown -5.00: 2.01 - 5.00 = -2.99 as shown, while the net total -2.998 shows -3.00. With
    1.00 + 2.00 - 5.00 = -2.00 it adds up; with the total shown to 0.001 (-2.998) no sentence, the
    figures being of other decimals."""
    assert net_total_note(2.006e9, [-5.004e9], -2.998e9) == (
        "Each row is rounded to 0.01 bn yuan on its own: the gross cost less sales revenue as shown comes to -2.99, "
        "the total of the unrounded figures is -3.00 bn yuan.")
    assert net_total_note(3.0e9, [-5.0e9], -2.0e9) == ""
    plan = SimpleNamespace(costs={"capex": 1.0e9, "land": 1.006e9, "sales": -5.004e9})
    assert cost_blocks(plan)[-1].content.endswith(  # type: ignore[arg-type]
        "sales revenue comes to 249.5% of it. Each row is rounded to 0.01 bn yuan on its own: the gross cost less "
        "sales revenue as shown comes to -2.99, the total of the unrounded figures is -3.00 bn yuan.")
    assert "gross cost less sales revenue" not in cost_blocks(plan, digits=3)[-1].content  # type: ignore[arg-type]


def test_a_capacity_row_unlike_its_total_as_shown_says_so() -> None:
    """Added 1,000.4 (shown 1,000) and existing 0.4 come to 1,000.8, shown 1,001, while the row
    as shown adds up to 1,000.4, shown 1,000; 40.4 + 0 + 0.4 + 33.4 = 74.2 adds up."""
    assert capacity_total_note([["LFP", "t/yr", "1,000", "0.4", "1,001"],
                                ["Cells", "GWh/yr", "40.4", "0", "0.4", "33.4", "74.2"]]) == (
        "Each figure is rounded on its own: the row of LFP as shown adds up to 1,000, the total of the unrounded "
        "figures is 1,001 t/yr.")
    assert capacity_total_note([["Cells", "GWh/yr", "40.4", "0", "0.4", "33.4", "74.2"]]) == ""


def test_a_why_here_row_unlike_its_total_as_shown_says_so() -> None:
    """The shipped plan's at a 1 % gap: Yuxi high-tech zone's parts 9.6 + 590.6 + 0.6 + 4.2 = 605.0
    against a total of 605.1; Qujing Cuifeng subdistrict's 1.4 + 7.9 + 0.0 + 0.0 = 9.3 adds up, the
    cheapest other's 1.0 + 7.9 + 0.1 + 0.0 = 9.0 does not (8.9)."""
    table = [["Yuxi high-tech zone", "Yuxi", "", "built here", "9.6", "590.6", "0.6", "4.2", "605.1", "", ""],
             ["", "", "", "no other site of the cluster has the land", *[""] * 6, ""],
             ["Qujing Cuifeng subdistrict", "Qujing", "", "built here", "1.4", "7.9", "0.0", "0.0", "9.3", "", ""],
             ["", "", "", "cheapest other: Zhanyi", "1.0", "7.9", "0.1", "0.0", "8.9", "-0.4", ""]]
    assert why_here_total_note(table) == (
        "Each figure is rounded to 0.1 million yuan on its own: the parts of Yuxi high-tech zone as shown add up "
        "to 605.0, the total of the unrounded figures is 605.1 million yuan/yr; the parts of Qujing Cuifeng "
        "subdistrict's cheapest other, Zhanyi, as shown add up to 9.0, the total of the unrounded figures is 8.9 "
        "million yuan/yr.")
    assert why_here_total_note(table[2:3]) == ""


def test_the_small_plan_s_capacity_rows_add_up_and_two_why_here_rows_do_not(small_run) -> None:
    """The small plan's capacity rows add up as shown (100,000 + 150,000 + 20,000 + 10,000 = 280,000);
    East city's parts 6.1 + 90.0 + 0.4 + 0.0 = 96.5 against 96.4 and East far's 4.5 + 250.0 + 1.9 + 0.0
    = 256.4 against 256.5 do not, West mine park's 10.1 + 80.0 + 1.1 + 1.2 = 92.4 does: one sentence,
    under the "Why here" table."""
    text = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert text.count("Each figure is rounded") == 1
    assert ("|  |  |  | no other site of the cluster has the land for all of these together |  |  |  |  |  |  | "
            "East city would cost 21.9 million yuan/yr less but has 8 ha left where this needs 30 ha |\n\n"
            "Each figure is rounded to 0.1 million yuan on its own: the parts of East city as shown add up to 96.5, "
            "the total of the unrounded figures is 96.4 million yuan/yr; the parts of East far as shown add up to "
            "256.4, the total of the unrounded figures is 256.5 million yuan/yr.\n\n## Sites\n") in text
