"""`_capacity_in` (siting/deliver/drivers.py), which the report's reasons call for each product and
year, sums the rows of the products and year asked for, in their order, as pandas' selection
does: one product, a target's group of products, a product or year with no rows, and a product
column pandas holds as categories."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from siting.deliver.drivers import _capacity_in

ROWS = pd.DataFrame({"site": ["a", "a", "b", "b", "c", "c"], "product": ["LFP", "NCM", "LFP", "NCM", "LFP", "LFP"],
                     "year": [2024, 2024, 2024, 2023, 2023, 2024],
                     "production": [0.1, 1e16, 0.2, 5.0, 7.0, 0.3]})


@pytest.mark.parametrize("categories", [False, True])
@pytest.mark.parametrize(("products", "year"), [(("LFP",), 2024), (("NCM", "LFP"), 2024), (("LFP", "NCM"), 2023),
                                                (("Cells",), 2024), (("LFP",), 2030)])
def test_the_sum_is_that_of_pandas_selection(products: tuple[str, ...], year: int, categories: bool) -> None:
    frame = ROWS.astype({"product": "category"}) if categories else ROWS
    chosen = frame.loc[frame["product"].isin(products) & (frame["year"] == year), "production"]
    expected = float(chosen.to_numpy(dtype=float).sum())
    got = _capacity_in(SimpleNamespace(capacity=frame), products, year, "production")
    assert got == expected
    assert isinstance(got, float)
