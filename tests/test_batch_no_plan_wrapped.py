"""`compare` and `sweep` print the whole message of each run without a plan under their table
("run infeasible: LABEL: the plan is infeasible before solving: ..."), laid out to the terminal's
width as `solve` lays out its own (siting/cli.py `message_lines`): not a line of 340 characters at
80 columns; a list item's continuations under its text, the diagnosis folder never broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main
from siting.deliver.tables import display_width

DATA = Path(__file__).parent / "data" / "small"


@pytest.mark.parametrize("columns", [60, 80])
def test_a_compared_run_without_a_plan_is_said_in_lines_that_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 columns: int) -> None:
    """tests/data/small against a copy asking 200 GWh/yr of cells, beyond all its eligible land
    (70 GWh/yr): refused before solving."""
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    big = folder / "big.yaml"
    big.write_text((folder / "scenario.yaml").read_text().replace("cells: {2024: 10}", "cells: {2024: 200}"))
    out = tmp_path / "my comparisons" / "out"
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["compare", str(folder / "scenario.yaml"), str(big), "--out", str(out), "--quiet"]) == 1
    printed = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(printed) if line.startswith("run infeasible: "))
    end = next(i for i, line in enumerate(printed) if line.startswith("comparison written to"))
    said = printed[start:end]
    assert all(display_width(line) <= columns or " " not in line.strip() or str(out) in line for line in said), said
    item = next(i for i, line in enumerate(said) if line.startswith("  - capacity target Cells 2024: needs"))
    assert said[item + 1].startswith("    ") and not said[item + 1][4].isspace()
    holding = [line for line in said if str(out) in line]
    assert len(holding) == 1  # the folder whole, on one line
    words = " ".join(line.strip() for line in said)
    assert ("short by 130 GWh/yr. Room per cluster: West 50 GWh/yr (2 sites); East 20 GWh/yr (2 sites)."
            in words)
    assert words.endswith(f"the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is "
                          f"in {out / 'small-2'}")
