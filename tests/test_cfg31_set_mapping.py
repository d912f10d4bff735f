"""`--set key={...}` (and `overrides` in Python) merges a mapping key by key into the scenario's,
as `extends` and variants do: `--set "constraints.redline={buffer_m: 2000}"` widens the buffer and
keeps the setbacks and categories the file gives, as `--variant` with the same mapping does."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario
from tests.conftest import edit

REDLINE = ("redline: {buffer_m: 1000, categories: [lake],\n"
           "             setbacks_m: {lfp: {lake: 5000}}}")


@pytest.fixture
def setbacks(folder: Path) -> Path:
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", REDLINE)
    (folder / "scenario.yaml").write_text((folder / "scenario.yaml").read_text()
                                          + "variants:\n  wide: {constraints: {redline: {buffer_m: 2000}}}\n")
    return folder / "scenario.yaml"


def test_a_mapping_set_merges_key_by_key_as_a_variant_does(setbacks: Path):
    set_mapping = load_scenario(setbacks, overrides=(("constraints.redline", {"buffer_m": 2000}),))
    variant = load_scenario(setbacks, "wide")
    for loaded in (set_mapping, variant):
        redline = loaded.scenario.constraints.redline
        assert redline.buffer_m == 2000
        assert redline.setbacks_m == {"lfp": {"lake": 5000}}
        assert redline.categories == ["lake"]


def test_nested_mappings_merge_too(setbacks: Path):
    loaded = load_scenario(setbacks, overrides=(("constraints", {"redline": {"setbacks_m": {"lfp": {"forest_park":
                                                                                                   300}}}}),))
    redline = loaded.scenario.constraints.redline
    assert redline.setbacks_m == {"lfp": {"lake": 5000, "forest_park": 300}}
    assert redline.buffer_m == 1000
    assert loaded.scenario.constraints.proximity.max_distance_km == {"phosphate_rock": 50}


def test_python_front_door_merges(setbacks: Path):
    problem = siting.load(setbacks, overrides={"constraints.redline": {"buffer_m": 2000}})
    redline = problem.scenario.constraints.redline
    assert (redline.buffer_m, redline.setbacks_m) == (2000, {"lfp": {"lake": 5000}})
    problem = siting.load(setbacks, overrides=["constraints.redline={buffer_m: 2500}"])
    assert problem.scenario.constraints.redline.setbacks_m == {"lfp": {"lake": 5000}}


def test_command_line_show_keeps_the_setbacks(setbacks: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["show", str(setbacks), "--set", "constraints.redline={buffer_m: 2000}"]) == 0
    out = capsys.readouterr().out
    assert "buffer_m: 2000\n" in out and "lake: 5000\n" in out and "- lake" in out


def test_an_unknown_key_in_the_mapping_is_still_named(setbacks: Path):
    with pytest.raises(InputError) as err:
        load_scenario(setbacks, overrides=(("constraints.redline", {"bufer_m": 2000}),))
    assert any("--set constraints.redline.bufer_m | unknown key; did you mean 'buffer_m'?" in p
               for p in err.value.problems), err.value.problems
