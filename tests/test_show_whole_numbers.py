"""`siting show` writes a whole figure as the file writes it (buffer_m: 1000, not 1000.0), and
what it prints reads back as the same scenario."""

from __future__ import annotations

from pathlib import Path

import yaml

from siting.cli import main, whole_numbers
from siting.config.load import load_scenario

SMALL = Path(__file__).parent / "data" / "small"


def test_whole_floats_become_integers_and_nothing_else_changes():
    assert whole_numbers({"a": 1000.0, "b": [2.5, 3.0, "4.0", True], "c": {"d": -0.0, "e": 1e20}}) == {
        "a": 1000, "b": [2.5, 3, "4.0", True], "c": {"d": 0, "e": 1e20}}
    assert isinstance(whole_numbers(2.0**53), float)


def test_show_writes_whole_figures_as_the_file_does(capsys, tmp_path: Path) -> None:
    assert main(["show", str(SMALL / "scenario.yaml")]) == 0
    text = capsys.readouterr().out
    assert "  redline:\n    enabled: true\n    buffer_m: 1000\n" in text
    assert "1000.0" not in text and "120000.0" not in text
    shown = tmp_path / "shown.yaml"
    data = yaml.safe_load(text)
    for key in ("catalog", "committed_projects"):
        data[key] = str(SMALL / Path(data[key]).name)
    for layer in data["layers"].values():
        if layer and layer.get("path"):
            layer["path"] = str(SMALL / Path(layer["path"]).name)
    data["output"]["folder"] = str(tmp_path / "out")
    shown.write_text(yaml.safe_dump(data), encoding="utf-8")
    again = load_scenario(shown).scenario
    original = load_scenario(SMALL / "scenario.yaml").scenario
    assert again.constraints == original.constraints
    assert again.targets == original.targets
