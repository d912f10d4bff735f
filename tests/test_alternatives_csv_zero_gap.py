"""alternatives.csv's `within_gap` with an optimum proven at a gap of 0: the gap is known, so each
alternative reads `no` (its excess is not within a gap of nothing), as docs/EXPLAINING.md says, and the
optimum's row stays empty. Before, every row was empty, as if the gap were not known."""

from __future__ import annotations

import pandas as pd

from siting.deliver.explore import comparison_csv
from siting.optimize.alternatives import within_gap


class Names:
    def __init__(self) -> None:
        self.units: dict[str, str] = {}


class Inputs:
    CLUSTERS = ()
    PRODUCTS = ()


def test_an_optimum_proven_at_no_gap_marks_each_alternative_no() -> None:
    table = pd.DataFrame({"plan": ["optimum", "alt01", "alt02"], "over_optimum": [0.0, 0.00015, 0.033]})
    csv = comparison_csv(table, Inputs(), Names(), 0.0)
    assert csv["within_gap"].tolist() == ["", "no", "no"]
    assert comparison_csv(table, Inputs(), Names(), None)["within_gap"].tolist() == ["", "", ""]
    assert comparison_csv(table, Inputs(), Names(), 0.001)["within_gap"].tolist() == ["", "yes", "no"]
    assert within_gap([0.0, 0.00015], 0.0) == [False, False]
