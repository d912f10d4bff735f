"""Slips a reviewer found in money figures and in the files of real plants.

1. A yearly output-value target or capex budget written in 万 or 亿 yuan where yuan are asked
   got "did you mean N bn yuan", ten times too much for 亿 yuan (200 for 200 亿 yuan read as
   2.0e11) and a trillion-yuan figure for 万 yuan (a budget of 500,000 read as 5.0e14). The
   notice names each plausible reading of the figure in 万, 亿 and bn yuan (a budget buys at
   least one module, a target is at least one module's yearly output value, neither exceeds
   1e12 yuan), and none that is not.
2. An entry of a committed-projects file (or a file of real plants for calibration) that failed
   the schema had its id and its site left unchecked: a repeated id and an unknown site came up
   only once its other problems were fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit, run_bad

from siting.config.load import InputError, load_scenario, yuan_scale_notices


def said(folder: Path, monkeypatch: pytest.MonkeyPatch, key: str, figures: dict[int, float]) -> list[str]:
    """The yuan-scale notices of the test scenario with `key` set to `figures`, past the key path."""
    monkeypatch.chdir(folder)
    overrides: tuple = ((key, figures),)
    if key.startswith("constraints.budget"):
        overrides += (("constraints.budget.enabled", True),)
    return [n.shown.split(" | ", 1)[1] for n in yuan_scale_notices(load_scenario("scenario.yaml", overrides=overrides))]


# --- 1. figures in 万 or 亿 yuan -----------------------------------------------------------------

def test_an_output_value_target_in_yi_yuan_is_read_in_yi_and_bn_yuan(folder: Path, monkeypatch):
    """The action plan's 200 亿 yuan for 2022 written as 200. Before: only "did you mean 200 bn
    yuan = 2.0e11", ten times the target meant. 200 万 yuan (2e6) is less than one module's yearly
    output value (1.2e9 yuan in 2023 on the base price path), so it is not suggested."""
    assert said(folder, monkeypatch, "targets.output_value_yuan", {2023: 200}) == [
        "200 yuan is less than 1,000,000 yuan (got 200, in yuan): did you mean 200 亿 yuan = 2.0e10, or 200 bn "
        "yuan = 2.0e11? Write the figure in yuan, e.g. 2.0e10, or leave it if 200 yuan is meant"]


def test_a_capex_budget_in_wan_yuan_below_a_million_gets_no_trillion_yuan_reading(folder: Path, monkeypatch):
    """50 亿 yuan written in 万 yuan (500,000). Before: "did you mean 500000 bn yuan = 5.0e14",
    500 trillion yuan; 500,000 亿 yuan (5e13) is above the ceiling of 1e12 yuan too."""
    assert said(folder, monkeypatch, "constraints.budget.capex_yuan_per_yr", {2024: 500000}) == [
        "500,000 yuan is less than 1,000,000 yuan (got 500,000, in yuan): did you mean 500,000 万 yuan = 5.0e9? "
        "Write the figure in yuan, e.g. 5.0e9, or leave it if 500,000 yuan is meant"]


def test_a_small_capex_budget_is_read_only_as_what_buys_a_module(folder: Path, monkeypatch):
    """5: 5 万 yuan (5e4) buys no module (the cheapest costs 5e8), 5 亿 and 5 bn yuan do. Before:
    only "5 bn yuan"."""
    assert said(folder, monkeypatch, "constraints.budget.capex_yuan_per_yr", {2024: 5}) == [
        "5 yuan is less than 1,000,000 yuan (got 5, in yuan): did you mean 5 亿 yuan = 5.0e8, or 5 bn yuan = "
        "5.0e9? Write the figure in yuan, e.g. 5.0e8, or leave it if 5 yuan is meant"]


def test_a_figure_with_no_plausible_reading_is_said_wrong_without_a_guess(folder: Path, monkeypatch):
    """A target of 0.5 yuan: 0.5 bn yuan is less than one module's yearly output value; a budget of
    2e8 yuan, below the cheapest module: 2e8 万 yuan is 2e12, above the ceiling. Before: "did you
    mean 0.5 bn yuan" and "did you mean 200,000,000 万 yuan = 2.0e12"."""
    assert said(folder, monkeypatch, "targets.output_value_yuan", {2024: 0.5}) == [
        "0.5 yuan is less than 1,000,000 yuan (got 0.5, in yuan); give the figure in yuan, or leave it if 0.5 yuan "
        "is meant"]
    assert said(folder, monkeypatch, "constraints.budget.capex_yuan_per_yr", {2024: 2e8}) == [
        "200,000,000 yuan buys no module: the cheapest module of the catalog (fepo4_100kt) costs 500,000,000 yuan, "
        "so no module can be decided in 2024 within the budget (got 200,000,000, in yuan); raise it to at least "
        "500,000,000 to build in 2024, or leave it if nothing is to be built then"]


# --- 2. an entry with schema problems keeps its id and site checks -------------------------------

ENTRIES = ("- {id: p1, name: A, site: e_city, product: lfp, capacity: 1000, online_year: 2024, status: producing, "
           "source: 'assumption: invented for tests'}\n"
           "- {id: p2, name: B, site: e_city, product: lfp, capacity: 1000, online_year: 2024, status: producing, "
           "source: 'assumption: invented for tests'}\n"
           "- {id: p3, name: C, site: e_city, product: lfp, capacity: 1000, online_year: 2024, status: producing, "
           "source: 'assumption: invented for tests'}\n"
           "- {id: p1, name: D, site: yuxi_hightech, product: lfp, capacity: -5, online_year: 2024, status: built, "
           "source: 'assumption: invented for tests'}\n")
ENTRY_PROBLEMS = [
    "{f}:4: [3] (p1).capacity | must be greater than 0 (got -5); give a value in that range, in t/yr",
    "{f}:4: [3] (p1).status | must be 'signed', 'construction' or 'producing' (got 'built')",
    "{f}:4: [3] (p1).id | id 'p1' is already used by entry [0]; ids must be unique",
    "{f}:4: [3] (p1).site | unknown site (got 'yuxi_hightech'); choose one of: "]


def problems_of(folder: Path, monkeypatch) -> list[str]:
    monkeypatch.chdir(folder)
    with pytest.raises(InputError) as refused:
        load_scenario("scenario.yaml")
    return refused.value.problems


def test_an_entry_with_schema_problems_has_its_repeated_id_and_unknown_site_reported(folder: Path, capsys):
    """Before: only its capacity and status; the repeated id and the unknown site came up in later
    runs, once those were mended."""
    (folder / "committed_projects.yaml").write_text(ENTRIES)
    err = run_bad(folder, capsys)
    for problem in ENTRY_PROBLEMS:
        assert f"  - {problem.format(f='committed_projects.yaml')}" in err, err
    assert err.startswith("error: 4 problems in the input:\n")


def test_a_calibration_plants_file_gets_the_same_checks(folder: Path, capsys):
    (folder / "real.yaml").write_text(ENTRIES)
    edit(folder / "scenario.yaml", "committed_projects: committed_projects.yaml\n",
         "committed_projects: committed_projects.yaml\ncalibration: {mode: fixed, plants: real.yaml}\n")
    err = run_bad(folder, capsys)
    for problem in ENTRY_PROBLEMS:
        assert f"  - {problem.format(f='real.yaml')}" in err, err


def test_a_site_after_an_entry_that_failed_is_named_by_its_position_in_the_file(folder: Path, capsys):
    """The entries that failed the schema were left out of the projects, and a later project's
    unknown site was named by its place among those that passed ([1] for the file's [2])."""
    (folder / "committed_projects.yaml").write_text(ENTRIES.replace("capacity: -5", "capacity: 5").replace(
        "status: built", "status: producing").replace("id: p2, name: B, site: e_city", "id: p2, name: 7, site: e_city")
        .replace("id: p3, name: C, site: e_city", "id: p3, name: C, site: w_mnie"))
    err = run_bad(folder, capsys)
    assert "[2] (p3).site | unknown site" in err, err
