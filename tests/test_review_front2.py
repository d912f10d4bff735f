"""The front door's findings of a second review:

1. A number written in quotes (`buffer_m: '1000'`, `--set "solver.abs_gap_bn_yuan='0.5'"`, a
   Python override "0.5") is read as the number, as a layer's number column written as text is;
   so the message of a value that is no number (`'0.5 bn'`) does not tell to drop quotes, and its
   example is in the setting's own unit (the unit its schema description ends with).
2. manifest.json records `solver.abs_gap_bn_yuan` as given: 0.0 when 0 was given, null only when
   it was not set.
3. Years that are not strictly increasing are the one problem: nothing else is checked against
   them (a target year "outside" them, prices missing for the years between them).
4. The bound phase's time share is worded with the digits a short limit needs (0.005 s of a
   0.01 s limit, not "0.0 s").
5. A sweep's single value is a sweep of one value, in Python as on the command line (`--set
   KEY=V`), and docs/COMPARING.md says so.
6. docs/SCENARIOS.md words the near-zero example so that it holds from run to run, and
   docs/PYTHON.md warns that a Python started in the folder holding the clone imports that folder.

Solves are of the small scenario of tests/data/small (tests/test_api.py derives its plan by hand).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_counts import dear_second_site
from test_short_time_limit import Clock, no_plan, phase_lines, reporter, settings, timed_out

import siting
from siting.cli import main
from siting.config import errors, progress
from siting.config.load import load_scenario, parse_override, shown_path
from siting.optimize.counts import solve_by_counts
from tests.conftest import edit

DATA = Path(__file__).parent / "data" / "small"
SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"
ROOT = Path(__file__).parent.parent


def problems(call, *args, **kwargs) -> list[str]:
    """The problems of the InputError `call(*args, **kwargs)` raises."""
    with pytest.raises(errors.InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


def words(name: str) -> str:
    """The documentation file `name` (a path from the repository's root, e.g. "docs/USAGE.md") as
    one line of words (its line breaks as spaces)."""
    return " ".join((ROOT / name).read_text(encoding="utf-8").split())


# --- 1. numbers in quotes, and the example of a value that is no number -----------------------


def test_a_number_in_quotes_is_read_as_the_number(folder: Path):
    """`buffer_m: '1000'` in the file, `solver.abs_gap_bn_yuan='0.5'` as --set reads it (YAML: the
    text "0.5") and "0.5" given in Python: each is the number it spells."""
    text = (folder / "scenario.yaml").read_text()
    (folder / "scenario.yaml").write_text(text.replace("redline: {buffer_m: 1000}", "redline: {buffer_m: '1000'}"))
    key, values = parse_override("solver.abs_gap_bn_yuan='0.5'")
    assert values == ["0.5"]
    scenario = load_scenario(folder / "scenario.yaml", overrides=((key, values[0]),)).scenario
    assert scenario.constraints.redline.buffer_m == 1000.0
    assert scenario.solver.abs_gap_bn_yuan == 0.5
    problem = siting.load(folder / "scenario.yaml", overrides={"solver.abs_gap_bn_yuan": "0.5"})
    assert problem.prepared.loaded.scenario.solver.abs_gap_bn_yuan == 0.5
    assert ("A number in quotes, here, in a scenario file (`buffer_m: '1000'`) or in Python (`\"0.5\"`), is read as "
            "the number" in words("docs/USAGE.md"))


def test_a_value_that_is_no_number_gets_an_example_in_its_unit():
    """Before: "write it without quotes or units, e.g. 0.05 or 1.5e9" for every figure, a quoted
    number being accepted and 1.5e9 bn yuan meaning nothing. Each example is now in the unit the
    setting's description ends with: bn yuan, m, degrees (a longitude), a share; a whole number
    is told to drop units and decimals."""
    overrides = (("solver.abs_gap_bn_yuan", "0.5 bn"), ("constraints.redline.buffer_m", "1 km"),
                 ("network.gateway.lon", "x"), ("objective.discount_rate", "6 %"), ("years", [2023, "x"]))
    at = f"{shown_path(DATA / 'scenario.yaml')}: --set"
    assert problems(load_scenario, DATA / "scenario.yaml", overrides=overrides) == [
        f"{at} years[1] | must be a whole number (got 'x'); write it as digits, without units or decimals",
        f"{at} network.gateway.lon | must be a number (got 'x'); write the number alone, in degrees, e.g. 102.71",
        f"{at} constraints.redline.buffer_m | must be a number (got '1 km'); write the number alone, in m, e.g. 500",
        f"{at} objective.discount_rate | must be a number (got '6 %'); write the number alone, as a share, e.g. 0.05 "
        "for 5 %",
        f"{at} solver.abs_gap_bn_yuan | must be a number (got '0.5 bn'); write the number alone, in bn yuan, e.g. "
        "0.5"]


def test_a_catalog_figure_that_is_no_number_gets_an_example_in_its_unit(folder: Path):
    """A module's capacity and land, whose descriptions gave no unit before: the product's unit
    per year (t/yr; its only module is the one at fault, so no example:
    tests/test_catalog_figure_unit_example.py), ha."""
    edit(folder / "catalog.yaml", "{id: lfp_50kt, capacity: 50000,", "{id: lfp_50kt, capacity: 50 kt,")
    edit(folder / "catalog.yaml", "fixed_opex_yuan_per_yr: 0, lifetime_yr: 20, land_ha: 10}",
         "fixed_opex_yuan_per_yr: 0, lifetime_yr: 20, land_ha: 10 ha}")
    found = [p.replace(f"{folder}/", "") for p in problems(load_scenario, folder / "scenario.yaml")]
    assert found == [
        "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity | must be a number (got '50 kt'); write the "
        "number alone, in t/yr",
        "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).land_ha | must be a number (got '10 ha'); write the "
        "number alone, in ha, e.g. 20"]


# --- 2. the absolute gap as given, in the manifest --------------------------------------------


def test_the_manifest_records_an_absolute_gap_of_0_as_given(tmp_path: Path, capsys):
    """Before: `--set solver.abs_gap_bn_yuan=0` was recorded as null, "none", as if not set."""
    out = tmp_path / "out"
    assert main(["solve", str(DATA / "scenario.yaml"), "--out", str(out), "--set", "solver.abs_gap_bn_yuan=0"]) == 0
    capsys.readouterr()
    settings_ = json.loads((out / "manifest.json").read_text())["solver"]["settings"]
    assert settings_["abs_gap_bn_yuan"] == 0.0 and settings_["abs_gap_bn_yuan"] is not None
    assert '"abs_gap_bn_yuan": 0.0' in (out / "manifest.json").read_text()


# --- 3. years out of order: one problem --------------------------------------------------------


def test_years_out_of_order_are_the_one_problem_of_the_shipped_scenario():
    """Before, a second problem followed: "year 2023 is outside the scenario's years [2024,
    2022]" for the output-value target of 2023, which the years meant to include."""
    assert problems(load_scenario, SHIPPED, overrides=(("years", [2024, 2022]),)) == [
        f"{shown_path(SHIPPED)}: --set years | must be strictly increasing without repeats (got [2024, 2022])"]


@pytest.mark.parametrize("years", [[2024, 2022], [2023, 2023]])
def test_years_out_of_order_check_no_prices_nor_targets_against_them(years: list[int]):
    """The small catalog prices 2023 and 2024: [2024, 2022] used to add that no price is given in
    2022 for three products and the resource, a plan of 2022-2024 being assumed; [2023, 2023], that
    the target of 2024 is outside them."""
    assert problems(load_scenario, DATA / "scenario.yaml", overrides=(("years", years),)) == [
        f"{shown_path(DATA / 'scenario.yaml')}: --set years | must be strictly increasing without repeats (got "
        f"{years})"]


@pytest.mark.parametrize("typed", ["[2023, 2024, 0x7E8]", "[2024, 2_023]", "[2023, 2023.0]", "[2024, 2.023e3]",
                                   "[2024, +2023]", "[2024, '2023']", "[2023, 2024, ' 2.024e3 ']"])
def test_years_out_of_order_are_shown_as_typed_in_the_file_as_on_the_command_line(folder: Path, capsys,
                                                                                   typed: str):
    """0x7E8, 2_023, 2023.0, 2.023e3 and +2023 all read as a year of the plan (2024, 2023): the
    message shows the list as the file or --set writes it, not as read ([2023, 2024, 2024]); a
    year in quotes ('2023'), read as the year too, is shown in its quotes."""
    assert main(["check", str(folder / "scenario.yaml"), "--set", f"years={typed}"]) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"  - {shown_path(folder / 'scenario.yaml')}: --set years | must be strictly increasing without repeats "
        f"(got {typed})"]
    edit(folder / "scenario.yaml", "years: [2023, 2024]", f"years: {typed}")
    assert main(["check", str(folder / "scenario.yaml")]) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"  - {shown_path(folder / 'scenario.yaml')}:3: years | must be strictly increasing without repeats "
        f"(got {typed})"]


# --- 4. the time share of a short limit --------------------------------------------------------


def test_the_time_share_of_a_short_limit_is_worded_with_its_digits(monkeypatch: pytest.MonkeyPatch):
    """A 0.01 s limit: the relaxation's share is half of it, 0.005 s (tests/test_short_time_limit.py
    `relaxation_time_s`); the clock is simulated there, the relaxation taking 0.6 s and stopped
    by time, the fixed-count search 0.4 s. Before: "(0.0 s of the 0.01 s limit)"."""
    Clock(monkeypatch, [(0.6, timed_out), (0.4, None)])
    stream, lines = reporter()
    with progress.reporting(lines):
        solve_by_counts(dear_second_site(), settings(0.01))
    assert "bound: stopped at its time share (0.005 s of the 0.01 s limit) after N s" in phase_lines(stream)


def test_the_no_plan_reason_of_a_short_limit_words_its_share_with_its_digits(monkeypatch: pytest.MonkeyPatch):
    """The same 0.01 s limit, the relaxation stopped by time without a plan after 0.6 s: no time
    is left for any search. Before: "(0.0 s of 0.01 s)"."""
    Clock(monkeypatch, [(0.6, no_plan)])
    result = solve_by_counts(dear_second_site(), settings(0.01))
    assert result.no_plan_reason == ("The count relaxation found no relaxed plan in its share of the time limit "
                                     "(0.005 s of 0.01 s); the 0.01 s limit reached, no time left for a MIP search.")


# --- 5. a sweep's single value ----------------------------------------------------------------


def test_a_single_value_is_a_sweep_of_one_value_in_python_as_on_the_command_line():
    """`{key: 5}` is `{key: [5]}`, as `--set key=5` is a list of one value; docs/COMPARING.md and
    the docstring say so."""
    from siting.api import sweep_settings

    assert sweep_settings({"constraints.redline.buffer_m": 5}) == ["constraints.redline.buffer_m=5"]
    assert sweep_settings({"constraints.redline.buffer_m": [5]}) == ["constraints.redline.buffer_m=5"]
    assert parse_override("constraints.redline.buffer_m=5") == ("constraints.redline.buffer_m", [5])
    assert "a single value is a sweep of that one value" in " ".join(siting.sweep.__doc__.split())
    assert "A single value (`--set KEY=V`, or `{key: value}` in Python) is a sweep of that one value" in words(
        "docs/COMPARING.md")


# --- 6. the documentation ----------------------------------------------------------------------


def test_the_readme_near_zero_example_holds_from_run_to_run():
    """The reviewer's run: -0.08 bn yuan and 317.85 % where the README (now docs/SCENARIOS.md,
    "Shipped scenarios") said "about -0.1" and "some 200-300 %"."""
    text = words("docs/SCENARIOS.md")
    assert "some 200-300 %" not in text and "about -0.1 bn yuan" not in text
    assert "shows as several hundred per cent" in text


def test_the_readme_warns_of_starting_python_in_the_folder_holding_the_clone():
    assert ("AttributeError: module 'siting' has no attribute 'load'" in words("docs/PYTHON.md"))
