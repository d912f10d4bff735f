"""Messages a first-time user met, each in our words: the file, the key, what is wrong and the fix.

An empty `years`, a scenario file that is not there, an empty output folder, a plan extended
beyond the catalog's prices (only the price path the run uses, its figures grouped), and a
catalog price path the run does not use, which is no problem of the run. Messages are matched
whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, years_text
from tests.conftest import edit, run_bad

SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"


def problems(folder: Path, overrides: tuple[tuple[str, object], ...] = ()) -> list[str]:
    """The problems load_scenario reports for the small scenario, the folder taken out."""
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml", overrides=overrides)
    return [p.replace(f"{folder}/", "") for p in err.value.problems]


def test_empty_years_are_told_in_our_words(folder: Path):
    """pydantic's own words were "must have at least 1 item after validation, not 0 (got list)"."""
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: []")
    assert problems(folder) == [
        "scenario.yaml:3: years | must not be empty (got []); list the plan's calendar years, e.g. [2022, 2023, 2024]"]


def test_empty_years_from_the_command_line(folder: Path, capsys):
    code = main(["solve", str(folder / "scenario.yaml"), "--set", "years=[]", "--out", str(folder / "out")])
    assert code == 2
    assert capsys.readouterr().err.replace(f"{folder}/", "") == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: --set years | must not be empty (got []); list the plan's calendar years, e.g. [2022, "
        "2023, 2024]\n")


def test_a_missing_scenario_is_told_where_its_relative_path_starts(tmp_path: Path, monkeypatch, capsys):
    """The scenario is typed on the command line: its relative path starts at the current folder,
    not "at the scenario file", which the message used to say."""
    monkeypatch.chdir(tmp_path)
    assert main(["solve", "scenarios/nope.yaml"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n"
        "  - scenarios/nope.yaml: no such scenario file; check its path (a relative path starts at the current "
        "folder)\n")


@pytest.mark.parametrize("folder_value", ['""', "' '"])
def test_an_empty_output_folder_is_refused_naming_the_key(folder: Path, capsys, folder_value: str):
    """An empty path reads as `.`: the outputs would go into the scenario's own folder."""
    edit(folder / "scenario.yaml", "  folder: out", f"  folder: {folder_value}")
    shown = "''" if folder_value == '""' else "' '"
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - scenario.yaml:36: output.folder | must not be empty (got {shown}): an empty path stands for the folder "
        "of the file that names it; give the output folder, relative to the scenario file, e.g. "
        "../outputs/<scenario name>\n")


def test_an_empty_layer_path_is_refused_naming_the_key(folder: Path):
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: ''}")
    assert problems(folder) == [
        "scenario.yaml:8: layers.sites.path | must not be empty (got ''): an empty path stands for the folder of the "
        "file that names it; give the path, relative to the file that names it"]


def test_a_price_path_the_run_does_not_use_is_no_problem_of_the_run(folder: Path):
    """The small scenario runs the `base` path; the catalog's `flat` path lacks 2024 for every
    product: the run does not use it. A run on `flat` is told."""
    catalog = folder / "catalog.yaml"
    for figure in ("10000", "40000", "400000000", "300"):
        edit(catalog, f"flat: {{2023: {figure}, 2024: {figure}}}", f"flat: {{2023: {figure}}}")
    load_scenario(folder / "scenario.yaml")
    assert problems(folder, (("price_path", "flat"),)) == [
        "catalog.yaml:10: products.<product>.price_yuan_per_unit.flat | no price on price path 'flat' in 2024 for 3 "
        "products: fepo4 (line 10), lfp (line 18), cells (line 31); give each one for every year of the plan "
        "(2023-2024), or end the plan in 2023",
        "catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.flat | no price for resource "
        "'phosphate_rock' on price path 'flat' in 2024; give one for every year of the plan (2023-2024), or end the "
        "plan in 2023"]


def test_a_plan_extended_beyond_the_shipped_prices_reads_as_two_problems():
    """`--set years=[2022,2023,2024,2025]` on the shipped scenario: its catalog prices 2022-2024 on
    both paths. The run uses `observed` alone, so `flat_2024` is not named; the 11 products and the
    7 importable resources lacking 2025 are one problem each, every figure with its line."""
    with pytest.raises(InputError) as err:
        load_scenario(SHIPPED, overrides=(("years", [2022, 2023, 2024, 2025]),))
    found = err.value.problems
    assert len(found) == 2
    assert not any("flat_2024" in p for p in found)
    assert found[0].endswith(
        "catalog.yaml:131: products.<product>.price_yuan_per_unit.observed | no price on price path 'observed' in "
        "2025 for 11 products: fepo4 (line 131), li2co3 (line 173), lfp (line 215), ncm_precursor (line 269), ncm "
        "(line 311), anode (line 353), separator (line 407), electrolyte (line 447), copper_foil (line 487), cells "
        "(line 529), recycling (line 571); give each one for every year of the plan (2022-2025), or end the plan in "
        "2024")
    assert found[1].endswith(
        "catalog.yaml:27: resources.<resource>.import_price_yuan_per_t.observed | no price on price path 'observed' "
        "in 2025 for 7 resources: phosphate_rock (line 27), manganese (line 47), petroleum_coke (line 58), copper "
        "(line 69), nickel (line 80), cobalt (line 91), retired_batteries (line 102); give each one for every year of "
        "the plan (2022-2025), or end the plan in 2024")


@pytest.mark.parametrize(("years", "text"), [
    ([2025], "2025"),
    ([2022, 2025], "2022 and 2025"),
    ([2025, 2026], "2025, 2026"),
    ([2020, 2021, 2025, 2026, 2027], "2020, 2021 and 2025-2027"),
])
def test_years_text(years: list[int], text: str):
    assert years_text(years) == text


def test_a_missing_calibration_file_is_found_with_the_rest(folder: Path):
    """A calibration's plants file is checked when the scenario is loaded, naming its key, not
    when the calibration runs."""
    with (folder / "scenario.yaml").open("a") as stream:
        stream.write("calibration: {mode: fixed, plants: plants.yaml}\n")
    assert problems(folder) == [
        "scenario.yaml:39: calibration.plants | no such file (got 'plants.yaml', which is plants.yaml); give the "
        "path of a committed-projects file (relative paths start at the folder of the file that names it)"]
