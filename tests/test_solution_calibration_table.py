"""A notebook reads a scenario's calibration as data. `siting.run` gives it only as the printed
text (`RunResult.calibration`), and a `Solution` had none: the figures of calibration.csv (per
product the capacity the plan adds, the part near a real plant, the share) were to be parsed
from a file written first. `Solution.calibration` is that table, in memory, as calibration.csv
gives it; None without a `calibration:` block."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import siting
from tests.conftest import calibration_choose_case

SMALL = Path(__file__).parent / "data" / "small"


def test_the_calibration_table_is_the_files(tmp_path: Path) -> None:
    solution = siting.solve(calibration_choose_case(tmp_path))
    table = solution.calibration
    assert isinstance(table, pd.DataFrame)
    written = pd.read_csv(solution.write(tmp_path / "out") / "calibration.csv", keep_default_na=False)
    assert list(table.columns) == list(written.columns)
    assert table["product"].tolist() == written["product"].tolist()
    lfp = table.set_index("product").loc["lfp"]
    assert float(lfp["planned_added"]) == float(written.set_index("product").loc["lfp", "planned_added"])
    table.loc[:, "planned_added"] = -1  # a copy: the solution is unchanged
    assert (solution.calibration["planned_added"] != -1).all()


def test_no_calibration_block_gives_none() -> None:
    assert siting.solve(SMALL / "scenario.yaml").calibration is None


def test_mode_fixed_gives_the_plants_rows_of_the_file(tmp_path: Path) -> None:
    """In mode fixed, calibration.csv has one row per real plant (not the checks' findings)."""
    from test_calibration import EAST_LFP, variant

    path = variant(tmp_path, EAST_LFP, "calibration: {mode: fixed, plants: plants.yaml}\n")
    solution = siting.solve(path)
    table = solution.calibration
    written = pd.read_csv(solution.write(tmp_path / "out") / "calibration.csv", keep_default_na=False)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == list(written.columns)
    assert len(table) == len(written)
