"""report.md gives the plan's whole investment: the modules' capex summed (not discounted), in a
last row of the modules table and in the words above it, beside the cost breakdown's annuities."""

from __future__ import annotations

import pandas as pd


def test_the_modules_table_ends_with_the_capex_of_them_all(small_run) -> None:
    """The small plan builds five rows of modules: 2.00 + 2.50 + 1.00 + 2.00 + 2.00 = 9.50 bn
    yuan, plan.csv's capex summed."""
    out = small_run.out
    assert pd.read_csv(out / "plan.csv")["capex_bn_yuan"].sum() == 9.5
    lines = (out / "report.md").read_text(encoding="utf-8").splitlines()
    at = lines.index("| year | cluster | site | product | unit | module size | modules | capacity added | "
                     "capex, bn yuan |")
    rows = lines[at + 2:lines.index("", at)]
    assert len(rows) == 6
    assert rows[-1] == "| all years |  |  |  |  |  |  |  | 9.50 |"
    assert lines[at - 2] == (
        "Modules built, by year (each module's size is its capacity; plan.csv gives the catalog's module ids). "
        "Their capex, 9.50 bn yuan in all, is the investment, not discounted; the cost breakdown below counts it "
        "as annuities over each module's lifetime (capital recovery factor), for the plan's years it stands, "
        "discounted:")
