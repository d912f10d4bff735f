"""A required key an empty mapping given with --set cleared is named at that --set, not at the
file's line that gives it (siting/config/load.py `_writes`, `merged_mapping`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from siting.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "scenarios" / "yunnan_2024.yaml"


@pytest.mark.parametrize(("setting", "key", "group"), [
    ("network={}", "network.gateway", "network"),
    ("calibration={}", "calibration.mode", "calibration"),
    ("output={}", "output.folder", "output"),
])
def test_a_key_cleared_on_the_command_line_is_named_there(capsys: pytest.CaptureFixture[str], setting: str,
                                                          key: str, group: str) -> None:
    assert main(["check", str(SHIPPED), "--set", setting]) == 2
    err = capsys.readouterr().err
    assert (f"--set {key} | required key is missing: the empty mapping given for {group} cleared it; give the key "
            "in that mapping, or leave the setting out to keep the file's") in err
    assert re.search(r"yunnan_2024\.yaml:\d", err) is None  # no line of the file is blamed
