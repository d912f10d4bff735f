"""An infeasible run of a comparison gets a conflicts.md headed with its own label: two files
sharing a `name:` become the runs `small` and `small-2`, and the diagnosis of `small-2` says
"Why small-2 ...", not the name it shares with the baseline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main

SMALL = Path(__file__).parent / "data" / "small"


def test_conflicts_md_is_headed_with_the_runs_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SMALL, tmp_path / "small")
    late = tmp_path / "small" / "late.yaml"  # no module is online by 2024 when the plan starts in 2024
    late.write_text("extends: scenario.yaml\nyears: [2024]\n", encoding="utf-8")
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    code = main(["compare", str(tmp_path / "small" / "scenario.yaml"), str(late), "--out", str(tmp_path / "cmp"),
                 "--workers", "1"])
    capsys.readouterr()
    assert code != 0
    heading = (tmp_path / "cmp" / "small-2" / "conflicts.md").read_text(encoding="utf-8").splitlines()[0]
    assert heading == "# Why small-2 (scenario small) has no plan"
