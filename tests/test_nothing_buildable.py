"""A scenario in which nothing can be built and nothing is asked (no target) has one plan, to build
nothing, at cost 0, proven: HiGHS finds the model empty ('Empty', no solution), which used to be
reported as a solver error with exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import siting

DATA = Path(__file__).parent / "data" / "nothing_buildable"
ROOT = Path(__file__).resolve().parents[1]


def test_the_empty_plan_is_optimal_at_cost_zero() -> None:
    solution = siting.solve(DATA / "scenario.yaml")
    assert solution.proven_optimal and solution.report.status == "optimal"
    assert (solution.objective_yuan, solution.best_bound_yuan, solution.gap) == (0.0, 0.0, 0.0)
    assert solution.opened_sites == ()
    assert solution.plan.empty


def test_the_command_line_writes_it(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "solve", str(DATA / "scenario.yaml"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "status    optimal within the gap, gap 0.00%" in done.stdout
    assert "nothing can be built" in done.stdout + done.stderr  # the notice says why
    assert (tmp_path / "out" / "plan.csv").read_text(encoding="utf-8").count("\n") == 1  # the header alone


def test_check_says_it_before_solving(capsys) -> None:
    """check says what solve's first note will say, so that a planner learns it without solving:
    nothing can be built, and why, site by site; it still exits 0 (a plan building nothing is a
    plan)."""
    from siting.cli import main

    assert main(["check", str(DATA / "scenario.yaml")]) == 0
    out = capsys.readouterr().out
    note = out.index("note: nothing can be built: every candidate site is excluded for every product")
    assert "West mine park (w_mine): land (Pp)" in out[note:]
    assert note < out.index("ready to solve")
    assert out.count("nothing can be built") == 1
