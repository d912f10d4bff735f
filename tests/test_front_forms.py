"""What the front doors and the batch tables give a demanding user:

1. comparison.csv gives the objective difference of two runs with the same plan as exactly 0, not
   the last digits of two sums taken in another order (1.14e-14 bn yuan), and any difference of
   two numbers that agree to 1e-9 of them as 0; the proven range stays as it was.
2. Python's front door checks `rule_costs` and `progress` as strictly as its other arguments
   (True or False, named); a malformed sweep setting or override text is shown the Python form
   it may take; `compare` with fewer than two runs names its argument `paths`; `Solution.targets`
   says in `unit` which unit each row's figures are in.
3. `siting solve --set KEY` (no `=`) suggests one value, as `solve` takes; `sweep` keeps its form.
4. A sweep's note says its runs were warm-started from the first run's plan, and that the column
   `started_from` names only runs that moved to another run's plan.

Solves are of the small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

import siting
from siting import api
from siting.cli import main
from siting.config.errors import InputError
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    RANGE_HIGH_ROW,
    RANGE_LOW_ROW,
    SAME_PLAN,
    TOLERANCE_ROW,
    comparison_csv,
    comparison_table,
    sweep_table,
    warm_note,
)

BUFFER = "constraints.redline.buffer_m"


def problems(call, *args, **kwargs) -> list[str]:
    """The problems of the InputError `call(*args, **kwargs)` raises."""
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


def solved(label: str, objective_yuan: float, bound_yuan: float, capex_yuan: float, **fields) -> CaseSummary:
    """A run with a plan: site a opened (unless `fields` say otherwise), 300,000 t/yr of LFP in
    Kunming; its costs are capex and the rest of the objective as sales."""
    plan = {"sites_opened": ("a",), "site_added": {"a": {"lfp": 300_000.0}}, **fields}
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan,
                       best_bound_yuan=bound_yuan, gap=(objective_yuan - bound_yuan) / objective_yuan,
                       costs={"capex": capex_yuan, "sales": objective_yuan - capex_yuan}, final_year=2024,
                       units={"lfp": "t"}, capacity={"kunming": {"lfp": 300_000.0}}, **plan)


def row(table: pd.DataFrame, metric: str, column: str):
    return table.loc[table["metric"] == metric, column].item()


# --- 1. the difference of two runs with the same plan -----------------------------------------


def test_the_objective_difference_of_two_runs_with_the_same_plan_is_exactly_zero():
    """docs/COMPARING.md's compare: the strict red line's run took the baseline's plan, whose objective
    came back 1.14440918e-5 yuan higher (the LP's last digits: 10,058,200,000 yuan is 1.0e10, and
    a double holds ~16 digits). Bounds 9,856,967,210 (base) and 9,869,019,550 (strict): the range
    is [9,869,019,550 - 10,058,200,000, 10,058,200,000.0000114 - 9,856,967,210] =
    [-189,180,450, 201,232,790.0000114] yuan, as before."""
    base = solved("base", 10_058_200_000.0, 9_856_967_210.0, 3_000_000_000.0)
    strict = solved("strict", 10_058_200_000.0 + 1.1444091796875e-05, 9_869_019_550.0,
                    3_000_000_000.0 + 1.1444091796875e-05)
    table = comparison_table([base, strict])
    column = "strict vs base"
    assert row(table, TOLERANCE_ROW, column) == SAME_PLAN
    assert row(table, "objective", column) == 0.0
    assert row(table, "cost: capex (annuities)", column) == 0.0
    assert row(table, RANGE_LOW_ROW, column) == 9_869_019_550.0 - 10_058_200_000.0
    assert row(table, RANGE_HIGH_ROW, column) == pytest.approx(201_232_790.0, abs=1e-3)
    written = pd.read_csv(io.StringIO(comparison_csv(table)), dtype=str, keep_default_na=False)
    assert written.loc[written["metric"] == "objective", column].item() == "0"
    assert written.loc[written["metric"] == RANGE_LOW_ROW, column].item() == "-0.18918045"


def test_a_same_plan_within_the_cross_tolerance_still_differs_by_zero_and_a_real_difference_stays():
    """Two runs of one plan whose objectives differ by 1,000 yuan, 1e-7 of them (under the 1e-6
    within which siting/runs/pool.py `cheaper` sees no plan as cheaper): "same plan", difference 0.
    A third run 1 bn yuan dearer with another site keeps its difference, 1,000,000,000 yuan."""
    base = solved("base", 10_000_000_000.0, 9_900_000_000.0, 3_000_000_000.0)
    again = solved("again", 10_000_001_000.0, 9_900_000_000.0, 3_000_000_000.0)
    other = solved("other", 11_000_000_000.0, 10_900_000_000.0, 4_000_000_000.0, sites_opened=("b",),
                   site_added={"b": {"lfp": 300_000.0}})
    table = comparison_table([base, again, other])
    assert row(table, TOLERANCE_ROW, "again vs base") == SAME_PLAN
    assert row(table, "objective", "again vs base") == 0.0
    assert row(table, "objective", "other vs base") == 1_000_000_000.0
    assert row(table, "cost: capex (annuities)", "other vs base") == 1_000_000_000.0


# --- 2. the Python front door -------------------------------------------------------------------


@pytest.mark.parametrize("given", ["yes", 1, None])
def test_run_refuses_rule_costs_that_is_not_true_or_false(folder: Path, given):
    assert problems(siting.run, folder / "scenario.yaml", folder / "out", rule_costs=given) == [
        f"rule_costs | must be True or False (got {given!r}); give e.g. rule_costs=True to also re-solve with each "
        "rule family relaxed"]
    assert not (folder / "out").exists()


def test_compare_and_sweep_refuse_progress_that_is_not_true_or_false(folder: Path):
    scenario = folder / "scenario.yaml"
    said = ["progress | must be True or False (got 'no'); give e.g. progress=True for a progress line on standard "
            "error"]
    assert problems(siting.compare, [scenario, scenario], folder / "cmp", progress="no") == said
    assert problems(siting.sweep, scenario, {BUFFER: [0, 500]}, folder / "sw", progress="no") == said
    assert not (folder / "cmp").exists() and not (folder / "sw").exists()


def test_a_sweep_setting_without_a_value_is_shown_the_python_form(folder: Path):
    assert problems(siting.sweep, folder / "scenario.yaml", [BUFFER]) == [
        "settings constraints.redline.buffer_m | expected a mapping {key: [values]}, e.g. "
        "{'constraints.redline.buffer_m': [0, 500]}, or a 'KEY=V1,V2' text such as "
        "'constraints.redline.buffer_m=0,500'"]
    with api.command_line_names():  # the command line's sweep: its option's form
        assert problems(siting.sweep, folder / "scenario.yaml", [BUFFER]) == [
            "--set constraints.redline.buffer_m | expected KEY=VALUE[,VALUE...], e.g. "
            "constraints.redline.buffer_m=0,500"]


@pytest.mark.parametrize("text", [BUFFER, "=2000"])
def test_an_override_text_without_a_key_or_value_is_shown_one_value_in_the_python_form(folder: Path, text):
    assert problems(siting.load, folder / "scenario.yaml", overrides=[text]) == [
        f"overrides {text} | expected a 'KEY=VALUE' text, e.g. 'constraints.redline.buffer_m=2000', or a mapping "
        "{key: value}, e.g. {'constraints.redline.buffer_m': 2000}"]


def test_an_override_with_an_empty_value_is_checked_as_that_setting(folder: Path):
    """`KEY=` sets the key to "": the setting's own check names what is wrong with an empty value."""
    (problem,) = problems(siting.load, folder / "scenario.yaml", overrides=[f"{BUFFER}="])
    assert problem.endswith("overrides constraints.redline.buffer_m | must be a number (got ''); write the number "
                            "alone, in m, e.g. 500")


def test_compare_with_fewer_than_two_runs_names_the_paths_argument(folder: Path, capsys):
    said = ["paths | needs at least two scenarios (or one file with variants) to compare"]
    assert problems(siting.compare, []) == said
    assert problems(siting.compare, [folder / "scenario.yaml"]) == said
    assert problems(siting.compare, [folder / "scenario.yaml"], folder / "cmp") == said
    assert not (folder / "cmp").exists()
    # the command line names its command, as before
    assert main(["compare", str(folder / "scenario.yaml"), "--out", str(folder / "cmp")]) == 2
    assert capsys.readouterr().err == ("error: 1 problem in the input:\n  - compare | needs at least two scenarios "
                                       "(or one file with variants) to compare\n")


def test_solution_targets_give_the_unit_of_each_row_as_targets_csv_does(folder: Path):
    """The small scenario's targets: cathode (the group of lfp, in t) 120,000 in 2024 and cells
    (in GWh) 10 in 2024: "t/yr" and "GWh/yr", the unit column of targets.csv."""
    solution = siting.solve(folder / "scenario.yaml")
    targets = solution.targets
    assert list(targets.columns) == ["kind", "target", "unit", "year", "target_value", "achieved", "shortfall"]
    assert dict(zip(targets["target"], targets["unit"], strict=True)) == {"cathode": "t/yr", "cells": "GWh/yr"}
    written = pd.read_csv(io.StringIO(solution.files()["targets.csv"]), keep_default_na=False)
    assert list(written["unit"]) == list(targets["unit"])


def test_an_output_value_target_is_in_yuan_per_year(folder: Path):
    """targets.csv gives an output-value target in bn yuan/yr; the Python table keeps yuan: "yuan/yr"."""
    solution = siting.solve(siting.load(folder / "scenario.yaml", overrides={"targets.output_value_yuan.2024": 1e9}))
    targets = solution.targets.set_index("target")
    assert targets.loc["output_value", "unit"] == "yuan/yr"
    assert targets.loc["output_value", "kind"] == "output_value_yuan"
    written = pd.read_csv(io.StringIO(solution.files()["targets.csv"]), keep_default_na=False).set_index("target")
    assert written.loc["output_value", "unit"] == "bn yuan/yr"
    assert targets.loc["cathode", "unit"] == written.loc["cathode", "unit"] == "t/yr"


# --- 3. solve --set KEY ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["solve", "show"])
def test_set_without_a_value_on_a_one_value_command_suggests_one_value(folder: Path, capsys, command):
    out = ["--out", str(folder / "out")] if command == "solve" else []
    assert main([command, str(folder / "scenario.yaml"), *out, "--set", BUFFER]) == 2
    assert capsys.readouterr().err == ("error: 1 problem in the input:\n  - --set constraints.redline.buffer_m | "
                                       "expected KEY=VALUE, e.g. constraints.redline.buffer_m=2000\n")
    assert not (folder / "out").exists()


def test_set_without_a_value_on_sweep_keeps_the_form_of_several_values(folder: Path, capsys):
    assert main(["sweep", str(folder / "scenario.yaml"), "--set", BUFFER, "--out", str(folder / "sw")]) == 2
    assert capsys.readouterr().err == ("error: 1 problem in the input:\n  - --set constraints.redline.buffer_m | "
                                       "expected KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500\n")


# --- 4. warm starts and started_from ------------------------------------------------------------------


def test_the_warm_note_says_warm_started_and_what_started_from_names():
    runs = [solved(f"run0{i}", 1.0e9, 0.99e9, 1.0e8, **({"warm_from": "run01"} if i > 1 else {}))
            for i in range(1, 5)]
    assert warm_note(runs) == (
        "Runs whose search was warm-started from the plan of another run, and so may report another plan than "
        "`siting solve` gives for the same settings (it starts from nothing; both are within the gap): run02, run03 "
        "and run04 were warm-started from the plan of run01, which was solved first, alone, as a sweep does. The "
        "column `started_from` names only the runs that moved to another run's plan once every run was solved, not "
        "these warm starts.")
    assert "run02 was warm-started from the plan of run01," in warm_note(runs[:2])
    assert warm_note(runs[:1]) == ""  # the first run alone started from nothing
    # sweep.csv keeps its columns, `started_from` among them, empty for a warm start alone
    table = sweep_table(runs, [{"k": i} for i in range(4)])
    assert list(table["started_from"]) == ["", "", "", ""]
    assert "warm_start_from" not in table.columns
