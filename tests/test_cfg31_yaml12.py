"""Every YAML file of settings, and every value given with `--set` or `overrides`, is read as YAML
1.2's core schema reads it: an unquoted number with a leading zero is decimal (01000 is 1000,
not YAML 1.1's octal 512), octal and hexadecimal are written 0o17 and 0x1F, `1:30` is text (not
YAML 1.1's base-60 90), and only true/false are yes/no (yes, no, on, off are text), so that a
value reads as an editor and the JSON schema read it, and quoted and unquoted agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, parse_yaml_text
from tests.conftest import edit


@pytest.mark.parametrize("name", [Path("x.yaml"), "--set key"], ids=["file", "command_line"])
def test_numbers_read_as_yaml_12_core(name: Path | str):
    text = ("a: 01000\nb: 0o17\nc: 0x1F\nd: 1:30\ne: -0100\nf: 0\ng: 007.5\nh: 1_000\ni: 190:20:30\n"
            "j: yes\nk: no\nl: on\nm: Off\nn: true\no: FALSE\np: 0b101\nq: 08\n")
    data, _node = parse_yaml_text(text, name)
    assert data == {"a": 1000, "b": 15, "c": 31, "d": "1:30", "e": -100, "f": 0, "g": 7.5, "h": 1000,
                    "i": "190:20:30", "j": "yes", "k": "no", "l": "on", "m": "Off", "n": True, "o": False,
                    "p": "0b101", "q": 8}
    assert type(data["a"]) is int and type(data["n"]) is bool


def test_leading_zero_in_a_scenario_and_committed_projects_is_decimal(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 01000}")
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [02023, 02024]")
    edit(folder / "committed_projects.yaml", "capacity: 10000", "capacity: 010000")
    loaded = load_scenario(folder / "scenario.yaml")
    assert loaded.scenario.constraints.redline.buffer_m == 1000
    assert list(loaded.scenario.years) == [2023, 2024]
    assert loaded.committed.projects[0].capacity == 10000


def test_quoted_and_unquoted_leading_zero_agree(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: '01000'}")
    quoted = load_scenario(folder / "scenario.yaml").scenario.constraints.redline.buffer_m
    edit(folder / "scenario.yaml", "redline: {buffer_m: '01000'}", "redline: {buffer_m: 01000}")
    assert load_scenario(folder / "scenario.yaml").scenario.constraints.redline.buffer_m == quoted == 1000


def test_set_values_with_a_leading_zero_or_a_colon(folder: Path, capsys: pytest.CaptureFixture[str]):
    loaded = load_scenario(folder / "scenario.yaml", overrides=(("constraints.redline.buffer_m", "0500"),))
    assert loaded.scenario.constraints.redline.buffer_m == 500
    assert main(["show", str(folder / "scenario.yaml"), "--set", "constraints.redline.buffer_m=0500"]) == 0
    assert "buffer_m: 500\n" in capsys.readouterr().out
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml", overrides=(("constraints.redline.buffer_m", "1:30"),))
    assert "'1:30'" in str(err.value)


def test_a_variant_reads_numbers_as_yaml_12(folder: Path):
    (folder / "scenario.yaml").write_text((folder / "scenario.yaml").read_text()
                                          + "variants:\n  wide: {constraints: {redline: {buffer_m: 02000}}}\n")
    loaded = load_scenario(folder / "scenario.yaml", "wide")
    assert loaded.scenario.constraints.redline.buffer_m == 2000


def test_yes_is_text_so_a_yes_no_setting_refuses_it(folder: Path):
    edit(folder / "scenario.yaml", "strict: true", "strict: yes")
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml")
    assert "targets.strict | must be true or false (got 'yes')" in str(err.value)


def test_line_numbers_still_given(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 1:30}")
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml")
    assert any(p.startswith(f"{folder}/scenario.yaml:21: constraints.redline.buffer_m") for p in err.value.problems), \
        err.value.problems
