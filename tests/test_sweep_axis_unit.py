"""sweep.png's x axis names the unit a swept key's name says (`buffer_m`: m)."""

from __future__ import annotations

import pandas as pd

from siting.runs.tables import swept_axis


def _table(key: str, values: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"run": [f"run0{i + 1}" for i in range(len(values))], key: values})


def test_a_key_in_metres_is_labelled_with_its_unit() -> None:
    key = "constraints.redline.buffer_m"
    xs, label, ticks, names = swept_axis(_table(key, ["0", "500", "1000"]), key)
    assert label == "constraints.redline.buffer_m (m)"
    assert xs.tolist() == [0.0, 500.0, 1000.0]
    assert (ticks, names) == (None, [])


def test_a_key_in_per_cent_and_one_without_a_unit() -> None:
    assert swept_axis(_table("constraints.redline.official_share_pct", ["5", "10"]),
                      "constraints.redline.official_share_pct")[1] == "constraints.redline.official_share_pct (%)"
    assert swept_axis(_table("solver.rel_gap", ["0.01", "0.02"]), "solver.rel_gap")[1] == "solver.rel_gap"


def test_a_capacity_target_keeps_its_own_unit() -> None:
    key = "targets.capacity.cells.2024"
    table = _table(key, ["40", "50"])
    table.attrs["swept_units"] = {key: "GWh/yr"}
    assert swept_axis(table, key)[1] == "targets.capacity.cells.2024 (GWh/yr)"
