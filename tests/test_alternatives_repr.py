"""`Alternatives`'s repr says the kinds found and how many lie within the optimum's proven gap,
which a notebook user would otherwise dig out of `table`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import siting
from siting.api import Alternatives


def test_repr_counts_the_kinds_and_those_within_the_gap(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = siting.alternatives(siting.solve(folder / "scenario.yaml"), n=2, slack=0.05)
    assert [a.scope for a in found.plans] == ["", "sites", "clusters"]
    assert repr(found) == ("Alternatives('small': 2 of 2 within 5% of the optimum; 1 of scope sites; "
                           "1 of scope clusters)")
    monkeypatch.setattr(Alternatives, "table", property(lambda _self: pd.DataFrame(
        {"plan": ["optimum", "alt01", "alt02"], "within_gap": [False, True, False]})))
    assert repr(found) == ("Alternatives('small': 2 of 2 within 5% of the optimum; 1 of scope sites; "
                           "1 of scope clusters; 1 within the optimum's proven gap)")
