"""QGIS shows the hubs layer's trade fields with their unit: `sold_<product>_<year>` as "LFP sold
out of the region 2024 (t/yr)", `imported_<product>_<year>` as "Li2CO3 imported 2023 (t/yr)"."""

from __future__ import annotations

import pandas as pd
from test_trade_outputs import chain_places

from siting.deliver.layers import hubs_layer
from siting.deliver.styles import field_aliases


def test_hub_trade_fields_have_aliases_with_units():
    _places, points = chain_places()
    trade = pd.DataFrame({"hub": ["c1", "c2"], "product": ["lfp", "li2co3"], "year": [2024, 2023],
                          "imports": [0.0, 5.0], "import_cost_yuan": 0.0, "sales": [3.0, 0.0], "revenue_yuan": 0.0})
    layer = hubs_layer(points, trade, ("lfp", "li2co3"), (2023, 2024))
    aliases = field_aliases(layer, {"lfp": "t", "li2co3": "t"})
    assert {k: v for k, v in aliases.items() if k.startswith(("sold_", "imported_"))} == {
        "sold_lfp_2024": "LFP sold out of the region 2024 (t/yr)",
        "imported_li2co3_2023": "Li2CO3 imported 2023 (t/yr)"}
