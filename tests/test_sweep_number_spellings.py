"""`siting sweep`: one number swept in two spellings is one value given twice: the command line
keeps an unquoted 1e3 as the text typed, which a number setting reads as 1000, so
`constraints.redline.buffer_m=1000,1e3` ran the same run twice (the second "same plan"). Where
the setting is text, the spellings stay two values. Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.api import repeated_setting_problems
from siting.cli import main
from siting.config.load import parse_override


def problems(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("  - ")]



@pytest.mark.parametrize("values", ["1000,1e3", "1e3,1.0e3", "1e3,'1000'", "0.5e3,500,1e3"])
def test_a_number_swept_twice_in_two_spellings_is_refused(folder: Path, capsys, monkeypatch, values):
    """`--set constraints.redline.buffer_m=1000,1e3` ran the same run twice ("same plan"): the
    command line keeps 1e3 as the text typed, which the schema reads as 1000, the number given
    first; the repeat is refused as `1000,1000` is, naming the second spelling."""
    monkeypatch.chdir(folder)
    second = values.split(",")[1]
    key = "constraints.redline.buffer_m"
    assert problems(capsys, "sweep", "scenario.yaml", "--set", f"{key}={values}", "--out", "sw") == [
        f"  - --set {key}={values} | repeats the value {second} of {key}, which would run the same run twice; give "
        "each value once"]
    assert not (folder / "sw").exists()


def test_texts_that_spell_one_number_stay_two_values_of_a_text_setting():
    """Where the setting is text (`name`), 1e3 and 1.0e3 are two names, not one number."""
    parsed = [(text, *parse_override(text)) for text in ("name=1e3,1.0e3",)]
    assert repeated_setting_problems(parsed) == []
