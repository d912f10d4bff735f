"""Inputs refused at load rather than read loosely or crashing later.

A target group of no products; a setting given twice (`--set`, `overrides`, a sweep's settings)
or a sweep value given twice; a layer id with spaces around it or a line break; a true/false
where a layer or the scenario wants a number, and a text or number where it wants true/false;
pydantic's "None" said as YAML's null. Messages are matched whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, shown_path
from siting.prepare.problem import load_checked
from tests.conftest import edit, run_bad

SMALL = Path(__file__).parent / "data" / "small"


def set_property(path: Path, index: int, key: str, value: object) -> None:
    """Set property `key` of the `index`-th feature of a GeoJSON file."""
    data = json.loads(path.read_text())
    data["features"][index]["properties"][key] = value
    path.write_text(json.dumps(data))


def problems(call) -> list[str]:
    """The problems of the InputError `call()` raises."""
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.problems


GROUP_EMPTY = ("a group lists at least one product (got []); list the products whose capacity it sums, e.g. "
               "[lfp], or leave the group out")


def test_an_empty_target_group_in_the_scenario_is_refused_at_load(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Before: a ValueError traceback from models/costs.py while preprocessing."""
    edit(folder / "scenario.yaml", "cathode: [lfp]", "cathode: []")
    assert run_bad(folder, capsys) == (f"error: 1 problem in the input:\n  - scenario.yaml:16: targets.groups.cathode "
                                       f"| {GROUP_EMPTY}\n")


def test_an_empty_target_group_given_as_an_override_is_refused_as_input():
    """Before: a bare ValueError from models/costs.py, not an InputError."""
    found = problems(lambda: siting.load(SMALL / "scenario.yaml", overrides={"targets.groups.cathode": []}))
    assert [p.split(": ", 1)[1] for p in found] == [f"overrides targets.groups.cathode | {GROUP_EMPTY}"]
    assert found[0].split(": ", 1)[0].endswith("scenario.yaml")


def test_a_key_given_twice_is_refused_naming_both_values():
    overrides = (("constraints.redline.buffer_m", 0), ("constraints.redline.buffer_m", 2))
    assert problems(lambda: load_scenario(SMALL / "scenario.yaml", overrides=overrides)) == [
        f"{shown_path(SMALL / 'scenario.yaml')}: --set constraints.redline.buffer_m | given twice (got 0, then 2); "
        "give it once, with the value meant"]


def test_a_group_of_settings_and_a_setting_in_it_are_refused_together():
    """The later `constraints.redline={...}` would replace the buffer given before it."""
    overrides = (("constraints.redline.buffer_m", 0), ("constraints.redline", {"enabled": False}))
    assert problems(lambda: siting.load(SMALL / "scenario.yaml", overrides=overrides)) == [
        f"{shown_path(SMALL / 'scenario.yaml')}: overrides constraints.redline | constraints.redline holds "
        "constraints.redline.buffer_m, given too (got 0 for constraints.redline.buffer_m, then {enabled: false}); "
        "give each setting once"]


def test_solve_refuses_a_set_given_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["solve", str(SMALL / "scenario.yaml"), "--out", str(tmp_path / "out"),
                 "--set", "constraints.redline.buffer_m=0", "--set", "constraints.redline.buffer_m=2"])
    assert code == 2
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - {shown_path(SMALL / 'scenario.yaml')}: "
                                       "--set constraints.redline.buffer_m | given twice (got 0, then 2); give it "
                                       "once, with the value meant\n")
    assert not (tmp_path / "out").exists()


def test_sweep_refuses_a_key_given_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Before: four runs, the last value list winning, identical in pairs."""
    code = main(["sweep", str(SMALL / "scenario.yaml"), "--out", str(tmp_path / "sweep"),
                 "--set", "constraints.redline.buffer_m=0,1", "--set", "constraints.redline.buffer_m=2,3"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --set constraints.redline.buffer_m | given twice (got --set "
        "constraints.redline.buffer_m=0,1, then --set constraints.redline.buffer_m=2,3); give it once, with every "
        "value to sweep\n")
    assert not (tmp_path / "sweep").exists()


@pytest.mark.parametrize(("settings", "problem"), [
    ([("constraints.redline.buffer_m", [0, 1]), "constraints.redline.buffer_m=2"],
     "settings constraints.redline.buffer_m | given twice (got settings constraints.redline.buffer_m=0,1, then "
     "settings constraints.redline.buffer_m=2); give it once, with every value to sweep"),
    ({"constraints.redline.buffer_m": [0, 0.0]},
     "settings constraints.redline.buffer_m=0,0.0 | repeats the value 0.0 of constraints.redline.buffer_m, which "
     "would run the same run twice; give each value once"),
    (["targets.strict=true,false,true"],
     "settings targets.strict=true,false,true | repeats the value true of targets.strict, which would run the same "
     "run twice; give each value once"),
])
def test_python_sweep_refuses_the_same_runs_before_solving(tmp_path: Path, settings: object, problem: str):
    assert problems(lambda: siting.sweep(SMALL / "scenario.yaml", settings, tmp_path / "sweep")) == [problem]
    assert not (tmp_path / "sweep").exists()


def test_true_and_one_are_different_sweep_values():
    """YAML's true is not the number 1: no repeat (the schema then judges each value)."""
    assert siting.api.sweep_settings({"solver.random_seed": [1, True]}) == ["solver.random_seed=1,true"]


@pytest.mark.parametrize(("site_id", "shown", "example"), [
    ("w_mine\nx", "'w_mine\\nx'", "'w_mine x'"),
    (" w_mine", "' w_mine'", "'w_mine'"),
    ("w_mine\t", "'w_mine\\t'", "'w_mine'"),
])
def test_a_site_id_with_spaces_around_or_a_line_break_is_refused(folder: Path, capsys: pytest.CaptureFixture[str],
                                                                 site_id: str, shown: str, example: str):
    set_property(folder / "sites.geojson", 0, "site_id", site_id)
    assert run_bad(folder, capsys) == (
        f"error: 1 problem in the input:\n  - sites.geojson: field 'site_id' | id with spaces around it, or a line "
        f"break, tab or other character that does not print, in the 1st feature (site_id {shown}); write the id "
        f"without them, e.g. {example}\n")


def test_a_site_id_with_spaces_inside_and_chinese_letters_is_taken(folder: Path):
    set_property(folder / "sites.geojson", 0, "site_id", "安宁·west mine")
    assert load_checked(folder / "scenario.yaml")[1].sites["id"].iloc[0] == "安宁·west mine"


@pytest.mark.parametrize("every", [False, True])
def test_true_for_a_layer_number_is_refused(folder: Path, capsys: pytest.CaptureFixture[str], every: bool):
    """Before: GDAL read true as 1.0 (as 1 t/yr of supply) in a column of numbers, and a column of
    true/false alone as yes/no, which the check took for 1 and 0."""
    path = folder / "sources.geojson"
    count = len(json.loads(path.read_text())["features"])
    for i in range(count if every else 1):
        set_property(path, i, "supply_t_per_yr", True)
    features = "the 1st feature (source_id 'rock_w')" + (" and the 2nd (source_id 'li_clay')" if every else "")
    assert run_bad(folder, capsys) == (f"error: 1 problem in the input:\n  - sources.geojson: field 'supply_t_per_yr' "
                                       f"| not a number for {features} (got true); use a number\n")


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("strict: true", "strict: 'yes'", "scenario.yaml:14: targets.strict | must be true or false (got 'yes'); write "
     "true or false"),
    ("chain_balance:\n    enabled: false", "chain_balance:\n    enabled: 0", "scenario.yaml:26: "
     "constraints.chain_balance.enabled | must be true or false (got 0); write true or false"),
    ("source: \"assumption: invented for tests\"}}", "source: \"assumption: invented for tests\"}, hubs: [1, 2]}",
     "scenario.yaml:38: network.hubs | must be null (got a list)"),
])
def test_loose_types_in_the_scenario_are_refused(folder: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
                                                 problem: str):
    edit(folder / "scenario.yaml", old, new)
    assert run_bad(folder, capsys) == f"error: 1 problem in the input:\n  - {problem}\n"


def test_a_highs_option_given_true_for_a_number_says_true_as_yaml_writes_it():
    overrides = (("solver.options.mip_rel_gap", True),)
    assert [p.split(": ", 1)[1] for p in problems(lambda: load_scenario(SMALL / "scenario.yaml", overrides=overrides))
            ] == ["--set solver.options.mip_rel_gap | HiGHS option 'mip_rel_gap' takes a number (got true); give a "
                  "finite number"]
