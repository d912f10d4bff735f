"""A value given with `--set` is named in a message as typed, as the same value written in a
scenario file is: `--set years=[2023, 0x10]` said "(got 16)" where the file's `years: [2023,
0x10]` says "(got 0x10)", and `--set constraints.redline.buffer_m=-1e3`, which the command line's
reader keeps as the text typed, said "(got '-1e3')", in quotes that were never typed, where the
file says "(got -1e3)"; a number typed in quotes ('-1e3') is still named in quotes, as in a file.
Solves nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from siting.cli import main
from siting.config.load import parse_override, setting_text
from tests.conftest import edit

YEAR = ("years[1] | must be a calendar year from 1950 to 2200 (got 0x10), the years a catalog gives its figures "
        "for; give a year in that range")
BUFFER = ("constraints.redline.buffer_m | must be greater than or equal to 0 (got {got}); give a value in that range, "
          "in m")


def problems(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("  - ")]


def test_a_year_in_hexadecimal_is_named_as_typed_with_set_as_in_the_file(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(capsys, "check", "scenario.yaml", "--set", "years=[2023, 0x10]") == [
        f"  - scenario.yaml: --set {YEAR}"]
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [2023, 0x10]")
    assert problems(capsys, "check", "scenario.yaml") == [f"  - scenario.yaml:3: {YEAR}"]


def test_a_year_in_hexadecimal_is_named_as_typed_in_a_sweep(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(capsys, "sweep", "scenario.yaml", "--set", "years=[2023, 0x10]", "--set",
                    "constraints.redline.buffer_m=0,500", "--out", "sw") == [f"  - scenario.yaml: --set {YEAR}"]


@pytest.mark.parametrize(("typed", "got"), [("-1e3", "-1e3"), ("-1.0e3", "-1.0e3"), ("-1_000", "-1_000"),
                                            ("'-1e3'", "'-1e3'"), ("{buffer_m: -1e3}", "-1e3")])
def test_a_number_is_named_as_typed_with_set_as_in_the_file(folder: Path, capsys, monkeypatch, typed, got):
    monkeypatch.chdir(folder)
    key = "constraints.redline" if typed.startswith("{") else "constraints.redline.buffer_m"
    assert problems(capsys, "check", "scenario.yaml", "--set", f"{key}={typed}") == [
        f"  - scenario.yaml: --set {BUFFER.format(got=got)}"]
    edit(folder / "scenario.yaml", "buffer_m: 1000", f"buffer_m: {typed.removeprefix('{buffer_m: ').rstrip('}')}")
    assert problems(capsys, "check", "scenario.yaml") == [f"  - scenario.yaml:21: {BUFFER.format(got=got)}"]


def test_a_swept_number_is_named_as_typed(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(capsys, "sweep", "scenario.yaml", "--set", "constraints.redline.buffer_m=-1e3,0", "--out",
                    "sw") == [f"  - scenario.yaml: --set {BUFFER.format(got='-1e3')}"]


def test_values_as_typed_are_the_values_read(folder: Path):
    """The text kept for the messages changes no value: 0x10 is 16, -1e3 the text the schema reads
    as -1000, also in a worker process (pickled), and `siting show` writes them as before."""
    _key, (years,) = parse_override("years=[2023, 0x10]")
    _key, (buffer,) = parse_override("constraints.redline.buffer_m=-1e3")
    assert years == [2023, 16] and buffer == "-1e3"
    again = pickle.loads(pickle.dumps((years, buffer)))
    assert again == ([2023, 16], "-1e3") and again[0][1].written == "0x10"


@pytest.mark.parametrize(("key", "values", "named"), [
    ("constraints.redline.buffer_m", "1000,0x3E8", "0x3E8"), ("constraints.redline.buffer_m", "0,-1e3,-1e3", "-1e3"),
    ("years", "[2023, 1e3],[2023, 1e3]", "[2023, 1e3]"), ("years", "[2023, 16],[2023, 0x10]", "[2023, 0x10]")])
def test_a_value_swept_twice_is_named_as_typed(folder: Path, capsys, monkeypatch, key, values, named):
    """A value given twice in one swept setting is named as its second typing is: `1000,0x3E8`
    said "repeats the value 1000", a value never typed twice, and `-1e3,-1e3` named '-1e3' in
    quotes never typed."""
    monkeypatch.chdir(folder)
    assert problems(capsys, "sweep", "scenario.yaml", "--set", f"{key}={values}", "--out", "sw") == [
        f"  - --set {key}={values} | repeats the value {named} of {key}, which would run the same run twice; give "
        "each value once"]


def test_a_value_given_twice_with_set_is_named_as_typed(folder: Path, capsys, monkeypatch):
    """Both values of a setting given twice are named as typed (0x10 and 1e3, not 16 and '1e3')."""
    monkeypatch.chdir(folder)
    assert problems(capsys, "check", "scenario.yaml", "--set", "constraints.redline.buffer_m=0x10", "--set",
                    "constraints.redline.buffer_m=1e3") == [
        "  - scenario.yaml: --set constraints.redline.buffer_m | given twice (got 0x10, then 1e3); give it once, with "
        "the value meant"]


def test_the_swept_value_holding_a_fault_is_named_as_typed(folder: Path, capsys, monkeypatch):
    """The swept value named after a fault inside it is written as typed, as the fault's own value is:
    `(in the swept value [0x76C, 2024])`, not [1900, 2024] beside "(got 0x76C)"."""
    monkeypatch.chdir(folder)
    assert problems(capsys, "sweep", "scenario.yaml", "--set", "years=[0x76C, 2024],[2023, 2024]", "--out", "sw") == [
        "  - scenario.yaml: --set years[0] (in the swept value [0x76C, 2024]) | must be a calendar year from 1950 to "
        "2200 (got 0x76C), the years a catalog gives its figures for; give a year in that range"]


def test_labels_and_tables_keep_the_values_read():
    """Run labels and the tables (`setting_text`) write the value read, as before: 16, not 0x10."""
    _key, (years,) = parse_override("years=[2023, 0x10]")
    _key, (buffer,) = parse_override("constraints.redline.buffer_m=0x3E8")
    assert setting_text(years) == "[2023, 16]" and setting_text(buffer) == "1000"
