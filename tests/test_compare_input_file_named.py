"""When several scenario files are compared, each problem found in loading one names that file:
a plan year without prices in the shared catalog reads "h.yaml: catalog.yaml:10: ...", so that
the file to mend (h.yaml's years) is known; a problem already placed in the file is left as it is.
Exit status 2, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main

SMALL = Path(__file__).parent / "data" / "small"


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SMALL, tmp_path / "small")
    (tmp_path / "small" / "h.yaml").write_text("extends: scenario.yaml\nyears: [2022, 2023, 2024]\n",
                                               encoding="utf-8")
    (tmp_path / "small" / "y.yaml").write_text("extends: scenario.yaml\nyears: 2023\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "small")
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    return tmp_path / "small"


def problems(err: str) -> list[str]:
    return [line.removeprefix("  - ") for line in err.splitlines() if line.startswith("  - ")]


def test_a_compare_names_the_scenario_file_of_each_problem(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", "scenario.yaml", "h.yaml", "y.yaml", "--out", "cmp"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    found = problems(err)
    assert found and all(p.startswith(("h.yaml: catalog.yaml:", "y.yaml:")) for p in found), err
    assert any(p.startswith("h.yaml: catalog.yaml:10: ") and "in 2022" in p for p in found)
    assert any(p.startswith("y.yaml:2: years | ") for p in found)  # already placed in y.yaml: as it was

