"""A YAML file holding a Unicode line or paragraph separator (U+2028, U+2029) or a next-line
character (U+0085) is refused, naming the character, its line and column: PyYAML reads each as the
end of a line where YAML 1.2 and editors do not, so text after one inside a comment would be read
as a setting nobody sees, and elsewhere it gives a syntax error at a line the editor does not show."""

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import parse_yaml_text, read_yaml


@pytest.mark.parametrize("character, shown", [("\u2028", "U+2028"), ("\u2029", "U+2029"), ("\x85", "U+0085")])
def test_separator_in_a_comment_is_refused_not_read_as_a_setting(tmp_path: Path, character: str, shown: str) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(f"name: demo\nsolver:\n  rel_gap: 0.02  # was 0.001{character}  time_limit_s: 5\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_yaml(path, "scenario")
    (problem,) = raised.value.problems
    assert "scenario.yaml:3:29:" in problem
    assert shown in problem and "remove it" in problem
    assert "Traceback" not in problem


def test_separator_that_breaks_the_syntax_is_named(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text("name: demo\n# a comment \u2028 here\nyears: [2022]\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_yaml(path, "scenario")
    (problem,) = raised.value.problems
    assert "scenario.yaml:2:13:" in problem and "U+2028" in problem
    assert "syntax error" not in problem


def test_separator_in_a_set_value() -> None:
    with pytest.raises(InputError) as raised:
        parse_yaml_text("0.02 #x\u2028y", "--set solver.rel_gap")
    (problem,) = raised.value.problems
    assert problem.startswith("--set solver.rel_gap | ")
    assert "U+2028" in problem and "character 8" in problem


def test_plain_text_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text("name: demo\r\ndescription: \"a\\u2028b\"\n", encoding="utf-8")
    data, _node = parse_yaml_text(path.read_text(encoding="utf-8"), path)
    assert data["description"] == "a\u2028b"
