"""`by_product` (siting/deliver/report.py), which the report's capacity and steady-state tables
split their frames with once, gives each product's rows as comparing the product column does:
the same rows in the same order with the same index and columns, and an empty frame of the same
columns for a product without rows (also where the column holds categories)."""

from __future__ import annotations

import pandas as pd
import pytest

from siting.deliver.report import by_product

FRAME = pd.DataFrame({"product": ["LFP", "NCM", "LFP", "Cells", "NCM"], "site": list("abcde"),
                      "idle": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=[10, 4, 7, 1, 3])


@pytest.mark.parametrize("categories", [False, True])
@pytest.mark.parametrize("product", ["LFP", "NCM", "Cells", "FePO4"])
def test_rows_of_a_product_as_a_comparison_gives_them(product: str, categories: bool) -> None:
    frame = FRAME.astype({"product": "category"}) if categories else FRAME
    expected = frame.loc[frame["product"] == product]
    got = by_product(frame)(product)
    pd.testing.assert_frame_equal(got, expected)
    assert float(got["idle"].sum()) == float(expected["idle"].sum())
