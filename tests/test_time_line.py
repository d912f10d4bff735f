"""The summary's closing `time:` line reads without contradicting its status line: the solver's
two phases, "bound" and "solve" as the progress lines name them, are one item, "solver", whose
figure is their sum, the seconds the status line says the run was "solved in" (a run whose plan
the bound phase found and proved, as the shipped scenario's, used to read "solved in 49.9 s"
above "bound 49.90 s, solve 0.00 s"). manifest.json keeps its keys (`run.timings_s`)."""

from __future__ import annotations

from siting.cli import time_items, wrap_items

#: The shipped scenario's timings of a run (manifest.json `run.timings_s`), its plan proven in the bound phase.
SHIPPED = {"load": 0.198, "preprocess": 0.124, "build": 0.087, "bound": 49.9, "solve": 0.003, "export": 1.342,
           "write": 0.163}


def test_the_solver_phases_are_one_item_with_their_sum() -> None:
    assert time_items(SHIPPED) == ["load 0.20 s", "preprocess 0.12 s", "build 0.09 s",
                                   "solver 49.90 s (bound 49.90 s, solve 0.00 s)", "export 1.34 s",
                                   "write 0.16 s"]


def test_the_solver_item_stays_whole_on_a_narrow_terminal() -> None:
    """Broken between items, never inside the solver's bracket (its item is under 60 columns)."""
    assert wrap_items("time: ", time_items(SHIPPED), 60) == [
        "time: load 0.20 s, preprocess 0.12 s, build 0.09 s,",
        "      solver 49.90 s (bound 49.90 s, solve 0.00 s),",
        "      export 1.34 s, write 0.16 s"]
    assert max(len(line) for line in wrap_items("time: ", time_items(SHIPPED), 60)) <= 60


def test_with_candidate_cells_the_build_is_one_of_the_solver_s_phases() -> None:
    """The screened rounds build their models inside the solve, whose "solved in" counts them:
    1.5 + 10.25 + 3.0 = 14.75 s."""
    timings = {"load": 0.5, "candidates": 2.0, "preprocess": 1.0, "build": 1.5, "bound": 10.25, "solve": 3.0,
               "export": 2.0, "write": 0.25}
    assert time_items(timings, screened=True) == [
        "load 0.50 s", "candidates 2.00 s", "preprocess 1.00 s",
        "solver 14.75 s (build 1.50 s, bound 10.25 s, solve 3.00 s)", "export 2.00 s", "write 0.25 s"]


def test_the_phases_after_the_solve_follow_it_and_timings_without_a_solver_stay_as_they_are() -> None:
    timings = {"load": 0.3, "preprocess": 0.14, "build": 0.1, "bound": 2.0, "solve": 1.0, "export": 1.0,
               "rule_costs": 53.37, "write": 0.24}
    assert time_items(timings)[3:] == ["solver 3.00 s (bound 2.00 s, solve 1.00 s)", "export 1.00 s",
                                       "rule_costs 53.37 s", "write 0.24 s"]
    assert time_items({"load": 0.3, "write": 0.24}) == ["load 0.30 s", "write 0.24 s"]
