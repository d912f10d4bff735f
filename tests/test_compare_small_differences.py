"""A difference in the comparison a planner reads (the terminal, comparison.md) never reads 0 beside
two figures that read differently: the small scenario (tests/data/small), its site opening cost
raised from 18.6342 to 18.6362 bn yuan, printed "cost: site opening ... 18.63 ... 18.64 ... 0.00"
(siting compare on a copy with that variant). The difference is then given at the fewest more
decimals that show it (siting/config/units.py `nonzero_decimals`): "0.002". One that reads 0 beside
figures that read the same (1.85 and 1.852 bn yuan of transport, "1.85" both) stays "0.00", and its
row is left out as before (tests/test_compare_rows_that_differ.py)."""

from __future__ import annotations

from siting.deliver.tables import markdown_table
from siting.runs.pool import CaseSummary
from siting.runs.tables import comparison_display, comparison_table, rows_that_differ


def run(label: str, site_fixed_yuan: float, transport_yuan: float) -> CaseSummary:
    """A run of the small scenario: net 0.0953 bn yuan proven optimal (the objective moving with the
    site opening cost), 1.60 bn yuan of capex, the site opening and transport costs as given."""
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=95_319_965.5 + site_fixed_yuan
                       - 18.6342e9, best_bound_yuan=95_319_965.5 + site_fixed_yuan - 18.6342e9, gap=0.0,
                       final_year=2024, costs={"capex": 1.60e9, "site_fixed": site_fixed_yuan,
                                               "transport": transport_yuan},
                       capacity={"west": {"lfp": 200_000.0}}, units={"lfp": "t"}, sites_opened=("w_mine",))


def test_a_difference_of_figures_that_read_differently_reads_other_than_zero() -> None:
    """18.6362 - 18.6342 = 0.002 bn yuan: "0.00" at two decimals, "0.002" at three, beside "18.63"
    and "18.64". Transport, 1.852 - 1.85 = 0.002 too, beside "1.85" and "1.85": left out."""
    runs = [run("small", 18.6342e9, 1.85e9), run("dearer_site", 18.6362e9, 1.852e9)]
    shown, _left_out = rows_that_differ(comparison_display(comparison_table(runs), runs), runs)
    lines = markdown_table(shown).splitlines()
    assert [line for line in lines if "site opening" in line] == [
        "| cost: site opening | bn yuan | 18.63 | 18.64 | 0.002 |"]
    assert not [line for line in lines if "transport" in line]


def test_differences_that_read_other_than_zero_at_two_decimals_keep_them() -> None:
    """18.64 - 18.6342 = 0.0058 bn yuan reads "0.01": as before."""
    runs = [run("small", 18.6342e9, 1.85e9), run("dearer_site", 18.64e9, 1.85e9)]
    lines = markdown_table(rows_that_differ(comparison_display(comparison_table(runs), runs), runs)[0]).splitlines()
    assert [line for line in lines if "site opening" in line] == [
        "| cost: site opening | bn yuan | 18.63 | 18.64 | 0.01 |"]
