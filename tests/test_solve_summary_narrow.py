"""On a narrow terminal, solve's capacity and targets tables lose no column: the columns that do
not fit go on in further tables under the first, each beginning with the row labels (product or
target, unit, year) again. At COLUMNS=60 the shipped plan's capacity table used to end at its
second cluster ("4 more columns: Qujing, existing, committed, online; see..." cut short) and its
targets table at `planned`, so the 2022 output-value shortfall was not shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from siting.cli import main
from siting.deliver.tables import text_table

DATA = Path(__file__).parent / "data" / "small"
FRAME = pd.DataFrame([["FePO4", "t/yr", "2023", "400,000", "0", "0", "0", "400,000"],
                      ["Cells", "GWh/yr", "2024", "0", "10", "0", "0", "10"]],
                     columns=["product", "unit", "year", "West", "East", "existing", "committed", "online"])


def test_a_table_that_fits_is_the_same_continued_or_not():
    assert text_table(FRAME, 120, labels=3, continued=True) == text_table(FRAME, 120, labels=3)


def test_columns_that_do_not_fit_go_on_under_the_labels_again():
    text = text_table(FRAME, 50, labels=3, continued=True)
    assert text.split("\n\n") == [
        "product  unit    year     West  East  existing\n"
        "FePO4    t/yr    2023  400,000     0         0\n"
        "Cells    GWh/yr  2024        0    10         0",
        "product  unit    year  committed   online\n"
        "FePO4    t/yr    2023          0  400,000\n"
        "Cells    GWh/yr  2024          0       10"]
    # without `continued`, the columns that do not fit are left out, as the rule-cost table does
    assert text_table(FRAME, 50, labels=3).splitlines()[-1] == "(2 more columns: committed, online)"


def test_each_table_takes_at_least_one_column_beside_the_labels():
    parts = text_table(FRAME, 32, labels=3, continued=True).split("\n\n")  # labels 21 wide, each column 4-9
    assert [p.splitlines()[0].split()[-1] for p in parts] == ["West", "East", "existing", "committed", "online"]


@pytest.mark.parametrize("columns", [60, 80])
def test_solve_shows_every_capacity_and_target_column_within_the_width(tmp_path: Path, columns: int, capsys,
                                                                       monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(DATA, tmp_path / "small")
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["solve", str(tmp_path / "small" / "scenario.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "more column" not in out
    headers = " ".join(line for line in out.splitlines() if line.startswith(("product ", "target ")))
    for column in ("West", "East", "existing", "committed", "online", "goal", "planned", "short"):
        assert column in headers.split(), column
    assert all(len(line) <= columns for line in out.splitlines() if not line.startswith("outputs written to"))
