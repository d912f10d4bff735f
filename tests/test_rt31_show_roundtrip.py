"""What `siting show` writes reads back as it was: a text is written unquoted only where the
loader of the files (YAML 1.2's core schema) reads the unquoted text back as that same text, and
in quotes otherwise (1e3, 0o17, 01000, 0x1F, .5, 1_000, 2024-01-01, null, ~, ...), while
yes/no/on/off, which YAML 1.2 reads as text, need no quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.load import dump_yaml, parse_yaml_text, written_value

NUMBERS = ["0", "-0", "+5", "007", "08", "01000", "-0100", "0o17", "0O17", "0o8", "0x1F", "0X1F", "0xG",
           "0b101", "1_000", "1__000", "_1", "1_", "1_000.5", "1e3", "1E3", "-1e3", "+1e3", "1e+3", "1.5e1",
           "1.0e+3", "2E+2", "1.e3", ".5", "-.5", "+.5", ".5e1", "1.", "1.5", "0.1", "1:30", "190:20:30",
           "-1:30", "1,000", "1 000", "１２", ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN",
           "inf", "-inf", "nan", "NaN", "Infinity", "1e", "e3", "0x", "0o", "12abc"]
BOOLEANS = ["true", "True", "TRUE", "false", "False", "FALSE", "tRUE", "yes", "Yes", "YES", "no", "No", "NO",
            "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"]
NULLS = ["null", "Null", "NULL", "nUll", "~", "", "None"]
DATES = ["2024-01-01", "2024-1-1", "2024-01-01T10:00:00Z", "2024-01-01 10:00:00", "2024-01-01t10:00:00.5+08:00",
         "2024-13-45", "2024"]
SPACES_AND_SIGNS = [" ", "  ", " a", "a ", " 1e3", "1e3 ", "a b", "a: b", "a:b", ":a", "a:", "a #b", "#a", "a#b",
                    "- a", "-", "--", "---", "...", "?", "? a", "[a]", "{a}", "*a", "&a", "!a", "%a", "@a", "`a",
                    "'a", '"a"', "a'b", 'a"b', "<<", "=", "|", ">", ",", "a, b", "a\nb", "a\n", "\ta", "a\tb", "é",
                    "中文", "plain text", "Yunnan 2024", "../geodata/sites.geojson"]
TRICKY = NUMBERS + BOOLEANS + NULLS + DATES + SPACES_AND_SIGNS


def read_back(text: str):
    data, _node = parse_yaml_text(text, Path("shown.yaml"))
    return data


@pytest.mark.parametrize("value", TRICKY)
def test_a_text_reads_back_as_itself(value: str):
    data = {"name": value, "items": [value, {value: value}], value: 1}
    assert read_back(dump_yaml(data, sort_keys=False, allow_unicode=True)) == data
    assert read_back(dump_yaml(data, default_flow_style=True)) == data


@pytest.mark.parametrize("value", TRICKY)
def test_a_text_given_on_the_command_line_reads_back_as_itself(value: str):
    data = [value, {value: value}]
    text = dump_yaml(data, command_line=True, default_flow_style=True, width=1_000_000)
    assert parse_yaml_text(text, "--set key")[0] == data


def test_a_message_writes_a_list_as_it_would_be_given_again():
    assert written_value(["0o17", "yes", "1e8", "01000", 0.5]) == "['0o17', yes, 1e8, '01000', 0.5]"


def test_other_values_read_back():
    data = {"a": 1, "b": -2, "c": 0.1, "d": 1e16, "e": -1.5e-7, "f": float("inf"), "g": float("-inf"), "h": True,
            "i": False, "j": None, "k": [], "l": {}, "m": [1, "1", 1.0, "1.0", True, "true", None, "null"]}
    assert read_back(dump_yaml(data)) == data


@pytest.mark.parametrize(("value", "written"), [
    ("1e3", "'1e3'"), ("0o17", "'0o17'"), ("01000", "'01000'"), ("0x1F", "'0x1F'"), (".5", "'.5'"),
    ("1_000", "'1_000'"), ("1.0e+3", "'1.0e+3'"), ("true", "'true'"), ("null", "'null'"), ("~", "'~'"),
    ("2024-01-01", "'2024-01-01'"), (" a", "' a'"), ("a: b", "'a: b'"), ("a #b", "'a #b'"),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("Off", "Off"), ("1:30", "1:30"), ("0b101", "0b101"),
    ("a#b", "a#b"), ("plain text", "plain text")])
def test_quoted_only_where_needed(value: str, written: str):
    assert dump_yaml({"name": value}) == f"name: {written}\n"


def show(scenario: Path, capsys: pytest.CaptureFixture[str], *settings: str) -> str:
    args = ["show", str(scenario)]
    for setting in settings:
        args += ["--set", setting]
    assert main(args) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(("settings", "start"), [
    (("name='1e3'", "description='0o17'"), "name: '1e3'\ndescription: '0o17'\n"),
    (("name=yes", "description='01000'"), "name: yes\ndescription: '01000'\n"),  # yes is text, unquoted
])
def test_show_output_reads_back(folder: Path, capsys: pytest.CaptureFixture[str], settings: tuple[str, str],
                                start: str):
    shown = show(folder / "scenario.yaml", capsys, *settings)
    assert shown.startswith(start), shown[:80]
    shown_file = folder / "shown.yaml"
    shown_file.write_text(shown)
    assert show(shown_file, capsys) == shown
