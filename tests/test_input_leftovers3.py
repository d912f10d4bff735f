"""Input leftovers, third round:

1. Unquoted numbers as YAML 1.2 reads them: PyYAML reads YAML 1.1, whose floats need a dot and a
   signed exponent, so an unquoted 1e3, 1.5e1 or 2E+2 was text to it, though an editor on YAML 1.2
   (and the JSON schema) reads a number. The scenario, the catalog and the committed-projects
   files (those of calibration.plants too) now read them as numbers; .inf and .nan, whole numbers
   and true/false are read as before (yes/no are text, as in YAML 1.2). A whole number written with an exponent
   ('2.50E+2', 1.5e3) is taken when it is whole, refused with its field named when not.
2. A calibration.plants file (the real plants of mode fixed) reports all its problems in one
   pass, as the committed-projects file does: the sites of the plants that passed the schema are
   checked against the sites layer in the same run as the other plants' problems; the file of
   calibration.reference (mode choose) is checked when the scenario is loaded, not after the solve.
3. A yearly capex budget below the capex of the catalog's cheapest module buys no module in its
   year: a notice says so, and that the figure looks like one in 万 yuan (10,000 yuan) when it
   would buy one read so (2e6 for 2e10 yuan).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, parse_yaml_text
from tests.conftest import edit


def problems_of(folder: Path) -> list[str]:
    """The problems of loading `folder`/scenario.yaml, the folder's path taken out."""
    try:
        load_scenario(folder / "scenario.yaml")
    except InputError as exc:
        return [problem.replace(f"{folder}/", "") for problem in exc.problems]
    return []


# ---------------------------------------------------------------------------------------------
# 1. unquoted numbers as YAML 1.2 reads them


def test_unquoted_yaml_12_floats_are_numbers_and_the_rest_reads_as_before():
    data, _node = parse_yaml_text("a: 1.5e1\nb: 1e3\nc: 2E+2\nd: -.5e1\ne: 7\nf: .inf\ng: yes\nh: '1e3'\n"
                                  "i: 1.5\nj: 1e\nk: 1.2.3\nl: .nan\nm: false\n", Path("x.yaml"))
    assert {k: data[k] for k in "abcdi"} == {"a": 15.0, "b": 1000.0, "c": 200.0, "d": -5.0, "i": 1.5}
    assert all(type(data[k]) is float for k in "abcdi")
    assert type(data["e"]) is int and data["e"] == 7
    assert data["f"] == math.inf and math.isnan(data["l"])
    assert (data["g"], data["m"]) == ("yes", False)
    assert (data["h"], data["j"], data["k"]) == ("1e3", "1e", "1.2.3")


def test_a_value_given_on_the_command_line_keeps_the_text_typed():
    """`--set key=1e8`: the text 1e8, which the schema reads as the number it spells, so that a
    sweep or comparison shows the value as typed (not 100000000.0); YAML 1.1's own numbers are
    numbers."""
    assert parse_yaml_text("1e8", "--set key")[0] == "1e8"
    assert parse_yaml_text("1.5e+3", "--set key")[0] == 1500.0
    assert parse_yaml_text("[1e3, 7]", "--set key")[0] == ["1e3", 7]


def test_the_override_of_a_number_reads_as_the_file_does(folder: Path):
    loaded = load_scenario(folder / "scenario.yaml", overrides=(("constraints.redline.buffer_m", "1.5e3"),
                                                                ("solver.random_seed", "1.5e3")))
    assert (loaded.scenario.constraints.redline.buffer_m, loaded.scenario.solver.random_seed) == (1500.0, 1500)


def test_a_whole_number_written_with_an_exponent_is_taken_when_whole(folder: Path):
    """Unquoted 1.5e3 (1500) and quoted '2.50E+2' (250) are whole: taken, in the scenario and in
    the catalog (lead_time_yr 1.0e0)."""
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: 0\n  random_seed: 1.5e3\n  time_limit_s: 6e1\n")
    edit(folder / "catalog.yaml", "    lead_time_yr: 1\n", "    lead_time_yr: 1.0e0\n")
    loaded = load_scenario(folder / "scenario.yaml")
    assert (loaded.scenario.solver.random_seed, loaded.scenario.solver.time_limit_s) == (1500, 60.0)
    assert loaded.catalog.products["cells"].lead_time_yr == 1
    edit(folder / "scenario.yaml", "  random_seed: 1.5e3\n", "  random_seed: '2.50E+2'\n")
    assert load_scenario(folder / "scenario.yaml").scenario.solver.random_seed == 250


def test_a_fraction_written_with_an_exponent_is_refused_for_a_whole_number_with_its_field(folder: Path):
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: 0\n  random_seed: '2.5e0'\n  threads: 2.5e0\n")
    edit(folder / "catalog.yaml", "    lead_time_yr: 1\n", "    lead_time_yr: 1.5e0\n")
    assert problems_of(folder) == [
        "scenario.yaml:35: solver.random_seed | must be a whole number (got '2.5e0'); drop the decimals",
        "scenario.yaml:36: solver.threads | must be a whole number (got 2.5e0); drop the decimals",
        "catalog.yaml:35: products.cells.lead_time_yr | must be a whole number (got 1.5e0); drop the decimals"]


def test_an_unquoted_number_out_of_range_is_shown_as_written_not_as_text(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: -1e3}")
    edit(folder / "scenario.yaml", "  folder: out\n", "  folder: 1e3\n")
    assert problems_of(folder) == [
        "scenario.yaml:21: constraints.redline.buffer_m | must be greater than or equal to 0 (got -1e3); give a "
        "value in that range, in m",
        "scenario.yaml:36: output.folder | must be a path (got 1e3, read as a number); quote it: '1e3'"]


def test_a_year_written_with_an_exponent_gets_the_words_of_a_year(folder: Path):
    """online_year: 1.9e3 is the year 1900, before any plant of the kind: the typo's words, as for
    1900, not "must be a whole number"."""
    edit(folder / "committed_projects.yaml", "online_year: 2024", "online_year: 1.9e3")
    assert problems_of(folder) == [
        "committed_projects.yaml:7: [0] (east_lfp).online_year | first production year 1900 is before 1950: very "
        "likely a typo; give the year it first produced (a year before the plan's first counts from the plan's "
        "first year)"]


def test_not_finite_numbers_stay_refused(folder: Path):
    """.inf (YAML 1.1 and 1.2) and 1e999 (a float too large to hold) are refused as before."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: .inf}")
    edit(folder / "scenario.yaml", "  discount_rate: 0.1", "  discount_rate: 1e999")
    assert problems_of(folder) == [
        "scenario.yaml:21: constraints.redline.buffer_m | must be a finite number (got inf); give a finite number, "
        "in m, e.g. 500",
        "scenario.yaml:32: objective.discount_rate | must be a finite number (got 1e999); give a finite number, as a "
        "share, e.g. 0.05 for 5 %"]


# ---------------------------------------------------------------------------------------------
# 2. a calibration.plants file reports all its problems in one pass

PLANTS = ("- {id: a, name: A, site: e_cty, product: lfp, capacity: 1000, online_year: 2024, status: producing, "
          "source: 'assumption: invented for tests'}\n"
          "- {id: b, name: B, site: e_city, product: lfp, capacity: -5, online_year: 2024, status: producing, "
          "source: 'assumption: invented for tests'}\n"
          "- {id: c, name: C, site: e_city, product: lfq, capacity: 5, online_year: 2024, status: producing, "
          "source: 'assumption: invented for tests'}\n")


@pytest.mark.parametrize("key", ["calibration.plants", "committed_projects"])
def test_a_plants_file_reports_all_its_problems_as_a_committed_projects_file_does(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, key: str):
    """A plant at a misspelt site (a), one of capacity -5 (b), one of an unknown product (c): the
    three in one message, exit 2, whether the file is calibration.plants or the committed projects."""
    (folder / "real.yaml").write_text(PLANTS)
    (folder / "calibration.yaml").write_text("extends: scenario.yaml\nname: calibration\ncalibration: {mode: fixed}\n")
    monkeypatch.chdir(folder)
    code = main(["solve", "calibration.yaml", "--set", f"{key}=real.yaml", "--out", "out"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err == (
        "error: 3 problems in the input:\n"
        "  - real.yaml:1: [0] (a).site | unknown site (got 'e_cty'); did you mean 'e_city'?\n"
        "  - real.yaml:2: [1] (b).capacity | must be greater than 0 (got -5); give a value in that range, in "
        "t/yr\n"
        "  - real.yaml:3: [2] (c).product | unknown product (got 'lfq'); choose one of: fepo4, lfp, cells\n")
    assert not (folder / "out").exists()


# ---------------------------------------------------------------------------------------------
# 3. a capex budget in 万 yuan (10,000 yuan)

WAN_SAID = ("constraints.budget.capex_yuan_per_yr.2024 | 2,000,000 yuan buys no module: the cheapest module of the "
            "catalog (fepo4_100kt) costs 500,000,000 yuan, so no module can be decided in 2024 within the budget (got "
            "2,000,000, in yuan): did you mean 2,000,000 万 yuan = 2.0e10? Write the figure in yuan, e.g. 2.0e10, or "
            "leave it if 2,000,000 yuan is meant")


def test_a_capex_budget_in_wan_yuan_gets_a_notice_with_its_reason(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """A yearly budget of 2e6 yuan (2e6 万 yuan = 2e10 meant) is below the cost of the cheapest
    module (5e8 yuan): it buys nothing in its year, which is why it reads as 万 yuan. A budget of
    at least one module (2023: 6e8) and the figure 0 (nothing built on purpose) get no notice; a
    figure below a million yuan keeps its own notice."""
    from siting.config.load import yuan_scale_notices

    edit(folder / "scenario.yaml", "  differentiation:\n",
         "  budget: {enabled: true, capex_yuan_per_yr: {2023: 6.0e8, 2024: 2e6}}\n  differentiation:\n")
    monkeypatch.chdir(folder)
    assert [n.shown for n in yuan_scale_notices(load_scenario("scenario.yaml"))] == [f"scenario.yaml:27: {WAN_SAID}"]
    none = load_scenario("scenario.yaml", overrides=(("constraints.budget.capex_yuan_per_yr", {2023: 0, 2024: 5e8}),))
    assert yuan_scale_notices(none) == []
    small = load_scenario("scenario.yaml", overrides=(("constraints.budget.capex_yuan_per_yr", {2024: 5}),))
    assert [n.shown.split(" | ")[1].split(" (")[0] for n in yuan_scale_notices(small)] == [
        "5 yuan is less than 1,000,000 yuan"]


def test_a_reference_file_of_mode_choose_is_checked_before_the_solve(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """The plants mode choose scores the plan against (calibration.reference) were read only once
    the plan was solved: a problem in their file ended the run after the solve. They are checked
    when the scenario is loaded, all their problems with its own."""
    (folder / "real.yaml").write_text(PLANTS)
    (folder / "calibration.yaml").write_text(
        "extends: scenario.yaml\nname: calibration\nprice_path: nope\n"
        "calibration: {mode: choose, distance_km: 10, reference: real.yaml}\n")
    monkeypatch.chdir(folder)
    with pytest.raises(InputError) as refused:
        load_scenario("calibration.yaml")
    assert refused.value.problems == [
        "calibration.yaml:3: price_path | unknown price path (got 'nope'); choose one of: base, flat",
        "real.yaml:2: [1] (b).capacity | must be greater than 0 (got -5); give a value in that range, in t/yr",
        "real.yaml:3: [2] (c).product | unknown product (got 'lfq'); choose one of: fepo4, lfp, cells"]
