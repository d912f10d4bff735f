"""The verdict of calibration mode fixed never claims more than was checked (siting/runs/calibrate.py).

Before the solve only the site-level rules and the hosting and open-site limits are checked, so a
clear check says so; the rules across clusters are checked by the solve, and when it finds no
plan the verdict (the terminal, calibration.md and .csv of the diagnosis folder) names the
conflicts of the diagnosis with the real plants each involves.

Hand instance on tests/data/small: two lfp plants of 10,000 t, west_lfp at w_mine (cluster west)
and east_lfp at e_city (cluster east), with nothing to add (a budget of 0 in both years, targets
the plants meet: 20,000 t of cathode, no cells). Every site-level check passes; but the two
clusters must differ in at least 1 product (min_portfolio_difference 1) and both host lfp alone,
so no plan holds the plants: the diagnosis finds the portfolio difference (involving both
plants: each cluster's portfolio is that of its plant) with the budgets that keep anything from
being added (involving no plant, but the investment the plan adds: the real plants are committed
capacity, with no capex). The printed line is read with contextlib.redirect_stdout, as
the run is shared by the tests of this module.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from test_calibration import plant_entry, variant

from siting.config.errors import PlanInfeasible
from siting.runs.job import run_solve

PLANTS = (plant_entry("west_lfp", "West LFP", "w_mine", "lfp", 10000)
          + plant_entry("east_lfp", "East LFP", "e_city", "lfp", 10000))

SCENARIO = ("calibration: {mode: fixed, plants: plants.yaml}\n"
            "targets:\n  capacity:\n    cathode: {2024: 20000}\n    cells: {2024: 0}\n"
            "constraints:\n"
            "  differentiation: {enabled: true, min_portfolio_difference: 1}\n"
            "  budget: {enabled: true, capex_yuan_per_yr: {2023: 0, 2024: 0}}\n")

#: The verdict before the solve: what the checks cover, no claim about the rules across clusters.
BEFORE = ("calibration: no site-level rule or hosting limit is broken by a real plant; rules across clusters are "
          "checked by the solve")

#: The verdict once the solve finds no plan: the conflicts of the diagnosis with their plants.
AFTER = ("the rules do not admit the real plants together: West and East must differ in at least 1 product added "
         "[constraints.differentiation.min_portfolio_difference=1] (plants: west_lfp, east_lfp); investment in "
         "2023 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2023=0] (no real plant: it bounds the "
         "investment the plan adds in 2023; the real plants are held as committed capacity, with no capex); "
         "investment in 2024 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2024=0] (no real plant: it "
         "bounds the investment the plan adds in 2024; the real plants are held as committed capacity, with no "
         "capex)")


@pytest.fixture(scope="module")
def unsolved(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    """The run: what the terminal printed, the message of the infeasible plan, the diagnosis folder."""
    tmp_path = tmp_path_factory.mktemp("verdict")
    path = variant(tmp_path, PLANTS, SCENARIO)
    out = tmp_path / "out"
    printed = io.StringIO()
    # module-scoped, so made before the autouse quiet_command_line: COLUMNS unset here too (120)
    with (pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed),
          pytest.raises(PlanInfeasible) as raised):
        patch.delenv("COLUMNS", raising=False)
        run_solve(path, out)
    return printed.getvalue(), str(raised.value), out


def test_verdict_before_the_solve_says_what_was_checked(unsolved: tuple[str, str, Path]) -> None:
    printed, _message, _out = unsolved
    # wrapped to the terminal's width, 120 columns off a terminal, as the rest of the summary
    assert printed.splitlines() == [BEFORE.removesuffix(" solve"), "  solve"]


def test_verdict_after_an_infeasible_solve_names_the_conflicts_and_their_plants(
        unsolved: tuple[str, str, Path]) -> None:
    _printed, message, out = unsolved
    assert f"\ncalibration: {AFTER}\nthe diagnosis (" in message
    assert (out / "calibration.md").read_text().splitlines()[0] == (
        f"Verdict: {AFTER}. The model holds all 2 real plants of `plants.yaml` producing by 2024 at their sites.")
    assert (out / "calibration.csv").read_text() == (
        "plant,name,site,product,unit,observed,model,production,used_share,verdict,finding\n"
        "west_lfp,West LFP,w_mine,lfp,t/yr,10000,10000,,,not admitted together: portfolio_difference,West and East "
        "must differ in at least 1 product added\n"
        "east_lfp,East LFP,e_city,lfp,t/yr,10000,10000,,,not admitted together: portfolio_difference,West and East "
        "must differ in at least 1 product added\n")
    assert "the rules admit every real plant" not in message + (out / "calibration.md").read_text()
