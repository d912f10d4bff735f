"""A comparison names the scenario file behind each of its runs: two files sharing a `name:` become
the runs `small` and `small-2`, and comparison.csv (its row `scenario file`) and comparison.md (a
line before its table, after the settings) say which file each is, relative to the folder the files
share, so that the tables read the same wherever the files and the comparison lie."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from siting.cli import main

SMALL = Path(__file__).parent / "data" / "small"


def test_each_run_is_named_with_its_scenario_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SMALL, tmp_path / "small")
    (tmp_path / "small" / "b.yaml").write_text("extends: scenario.yaml\nobjective: {discount_rate: 0.12}\n",
                                               encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    monkeypatch.setenv("COLUMNS", "200")
    code = main(["compare", "small/scenario.yaml", "small/b.yaml", "--out", "cmp", "--workers", "1"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv", keep_default_na=False).set_index("metric")
    assert list(table.columns[1:3]) == ["small", "small-2"]
    row = table.loc["scenario file"]
    assert (row["unit"], row["small"], row["small-2"], row["small-2 vs small"]) == (
        "", "scenario.yaml", "b.yaml", "")
    line = "Each run's scenario file: small `scenario.yaml`; small-2 `b.yaml`."
    md = (tmp_path / "cmp" / "comparison.md").read_text(encoding="utf-8")
    assert md.splitlines()[0] == line


def test_files_of_one_name_in_other_folders_are_told_apart_by_their_folders(tmp_path: Path) -> None:
    from siting.runs.batch import scenario_file_names

    files = [tmp_path / "base" / "scenario.yaml", tmp_path / "strict" / "scenario.yaml", tmp_path / "base" / "b.yaml"]
    assert scenario_file_names(files) == ["base/scenario.yaml", "strict/scenario.yaml", "base/b.yaml"]
    assert scenario_file_names(files[:1] + files[2:]) == ["scenario.yaml", "b.yaml"]
