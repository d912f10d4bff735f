"""A batch's tables give a run's proven gap in yuan as its manifest.json does: manifest.json's
`solver.gap_yuan` is rounded up at the digit its objective and bound are written to (16,616,800
yuan for the small scenario proven within 0.08 %), while sweep.csv's `gap_bn_yuan`, the Python
`Batch.table`'s `gap_yuan` and comparison.csv's `absolute gap` row rounded it at its own 9th digit
(0.0166167705 bn yuan), two figures for one gap."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import siting

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, siting.Batch]:
    folder = tmp_path_factory.mktemp("gap_as_manifest") / "sweep"
    result = siting.sweep(SMALL, {"solver.rel_gap": [0.01]}, out=folder, workers=1)
    return folder, result


def manifest_gap(folder: Path, summary: siting.runs.pool.CaseSummary) -> float:
    run = folder / Path(summary.out_dir).name
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))["solver"]["gap_yuan"]


def test_sweep_csv_and_the_table_give_the_manifest_s_gap(swept: tuple[Path, siting.Batch]) -> None:
    folder, result = swept
    summary = result.runs[0]
    written = manifest_gap(folder, summary)
    assert written > 0
    assert result.table["gap_yuan"].iloc[0] == written
    with (folder / "sweep.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert float(row["gap_bn_yuan"]) * 1e9 == pytest.approx(written, abs=1e-3)


def test_comparison_csv_gives_the_manifest_s_gap(tmp_path: Path) -> None:
    copies = []
    for name in ("small_a", "small_b"):
        shutil.copytree(SMALL.parent, tmp_path / name)
        scenario = tmp_path / name / "scenario.yaml"
        scenario.write_text(scenario.read_text(encoding="utf-8").replace("name: small", f"name: {name}"),
                            encoding="utf-8")
        copies.append(scenario)
    folder = tmp_path / "compare"
    result = siting.compare(copies, out=folder, workers=1, overrides={"solver.rel_gap": 0.01})
    written = manifest_gap(folder, result.runs[0])
    with (folder / "comparison.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.reader(handle) if r and r[0] == "absolute gap")
    assert float(row[2]) * 1e9 == pytest.approx(written, abs=1e-3)
