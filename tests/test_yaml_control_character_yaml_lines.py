"""The line and column of a character YAML does not allow count lines as YAML does (and as a
syntax error's line does): a lone carriage return (a file saved with old Mac line ends) ends a
line, CR LF ends one. NEL and the Unicode line and paragraph separators, which YAML 1.2 and editors
do not take for line ends, are refused themselves (tests/test_yaml_unicode_line_separator.py)."""

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import read_yaml


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_the_line_is_counted_as_yaml_counts_it(tmp_path: Path, end: str) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(f"name: demo{end}years: [2022]{end}description: ab\x1bcd{end}".encode())
    with pytest.raises(InputError) as raised:
        read_yaml(path, "scenario")
    (problem,) = raised.value.problems
    assert "scenario.yaml:3:16:" in problem, problem
