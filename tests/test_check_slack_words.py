"""`check` writes the slack as solve writes it: as given, never in exponent form."""
from __future__ import annotations

import shutil
from pathlib import Path

from siting.cli import main

SMALL = Path(__file__).resolve().parent / "data" / "small"


def test_check_writes_a_tiny_slack_without_an_exponent(tmp_path: Path, capsys):
    shutil.copytree(SMALL, tmp_path / "small")
    code = main(["check", str(tmp_path / "small" / "scenario.yaml"), "--alternatives", "1", "--slack", "1e-7",
                 "--out", str(tmp_path / "run"), "--quiet"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "within 0.00001% of the optimum's cost" in out
    assert "e-0" not in out
