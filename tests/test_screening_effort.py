"""The screening's searches run with a HiGHS heuristic effort of their own
(siting/optimize/screening.py `ScreeningSettings.search_options`, 0.3), under the scenario's own
options: a scenario that sets `mip_heuristic_effort` keeps its value. The run's settings, as the
manifest records them, never hold the screening's; the summary and report.md say what each search
was given. The plan and bound of the small cell instance of tests/test_screening.py do not depend
on it (its optimum is proven at gap 0 either way)."""

from __future__ import annotations

import dataclasses

import pytest
from test_screening import CELL_IDS, MERGE_ALL, SETTINGS, cells

from siting.deliver.report import screening_rows
from siting.optimize.screening import solve_screened, with_search_options
from siting.optimize.solve import SolverSettings


def test_the_scenarios_own_option_keeps_its_value():
    """An option the settings set is kept; the others are added."""
    given = SolverSettings(options=(("mip_heuristic_effort", 0.1), ("presolve", "off")))
    merged = with_search_options(given, (("mip_heuristic_effort", 0.3), ("mip_max_leaves", 50)))
    assert dict(merged.options) == {"mip_heuristic_effort": 0.1, "presolve": "off", "mip_max_leaves": 50}
    assert dict(with_search_options(SolverSettings(), (("mip_heuristic_effort", 0.3),)).options) == {
        "mip_heuristic_effort": 0.3}
    assert dataclasses.replace(merged, options=given.options) == given  # nothing else changes


@pytest.mark.parametrize(("options", "screening", "effort"), [
    ((), MERGE_ALL, 0.3),
    ((("mip_heuristic_effort", 0.1),), MERGE_ALL, 0.1),
    ((), dataclasses.replace(MERGE_ALL, search_options=()), None),
])
def test_each_search_records_the_effort_it_ran_with(options, screening, effort):
    """The merged model's search and the rounds record the effort they ran with (None: HiGHS's
    default); the run's options are the scenario's; report.md names the effort of both; the
    plan and the bound are the same whatever the effort."""
    screened = solve_screened(cells(), CELL_IDS, dataclasses.replace(SETTINGS, options=options), screening)
    record = screened.summary.record()
    assert record["merged_model"]["mip_heuristic_effort"] == effort
    assert record["screened_rounds"]["mip_heuristic_effort"] == effort
    assert dict(screened.report.highs_options).get("mip_heuristic_effort") == dict(options).get("mip_heuristic_effort")
    rows = dict((label, text) for label, text in screening_rows(record))
    row, rounds = rows["lower bound LB (merged model)"], rows["upper bound UB (screened plan)"]
    assert ("(HiGHS heuristic effort" in row) == ("(HiGHS heuristic effort" in rounds) == (effort is not None)
    if effort is not None:
        assert f"its search (HiGHS heuristic effort {effort:g}) " in row
        assert rounds.endswith(f"nodes per search (HiGHS heuristic effort {effort:g})")
    baseline = solve_screened(cells(), CELL_IDS, SETTINGS, dataclasses.replace(MERGE_ALL, search_options=()))
    assert screened.report.objective_yuan == pytest.approx(baseline.report.objective_yuan, rel=1e-9)
    assert screened.summary.lower_bound_yuan == pytest.approx(baseline.summary.lower_bound_yuan, rel=1e-9)

