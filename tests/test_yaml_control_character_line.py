"""A YAML file holding a character YAML does not allow (a NUL byte, an escape, another control
character: a file saved as binary or pasted from a terminal) is refused naming its line and column
and the character, not PyYAML's position counted in characters from the start of "<unicode string>"."""

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import parse_yaml_text, read_yaml


@pytest.mark.parametrize("character, shown", [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x7f", "U+007F")])
def test_control_character_named_with_its_line(tmp_path: Path, character: str, shown: str) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(f"name: demo\nyears: [2022]\ndescription: ab{character}cd\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_yaml(path, "scenario")
    (problem,) = raised.value.problems
    assert "scenario.yaml:3:16:" in problem
    assert shown in problem
    assert "<unicode string>" not in problem and "position" not in problem


def test_control_character_in_a_set_value() -> None:
    with pytest.raises(InputError) as raised:
        parse_yaml_text("a\x00b", "--set name")
    (problem,) = raised.value.problems
    assert problem.startswith("--set name | ")
    assert "U+0000" in problem and "<unicode string>" not in problem
