"""`Solution.result` is the plan as solved: a notebook that changes its tables in place (a module
count, a cost) would have `write` put the changed figures into plan.csv beside the solver's own
(99 modules next to the capacity of 4). `write` and `files` now refuse a changed `result`, naming
it, as they refuse a changed rule-costs table; and `layers` gives fresh copies at every access,
as `plan` and `costs` do, so an edit of one does not come back at the next."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


@pytest.fixture(scope="module")
def solution() -> siting.Solution:
    return siting.solve(SMALL)


def test_a_changed_result_is_refused_by_write_and_files(solution: siting.Solution, tmp_path: Path) -> None:
    solution.write(tmp_path / "a")
    builds = solution.result.builds
    before = builds.loc[0, "modules"]
    builds.loc[0, "modules"] = 99
    try:
        with pytest.raises(InputError) as caught:
            solution.write(tmp_path / "b")
        assert caught.value.problems == [
            "result | was changed after the solve (its tables and figures are the plan as solved, which the "
            "files are made from); solve again, or change the copies the properties give (plan, costs, ...)"]
        assert not (tmp_path / "b").exists()
        with pytest.raises(InputError):
            solution.files()
    finally:
        builds.loc[0, "modules"] = before
    solution.result.costs["capex"] += 1.0
    try:
        with pytest.raises(InputError):
            solution.files()
    finally:
        solution.result.costs["capex"] -= 1.0
    solution.write(tmp_path / "c")  # as solved again: accepted, the same plan
    assert (tmp_path / "c" / "plan.csv").read_bytes() == (tmp_path / "a" / "plan.csv").read_bytes()


def test_layers_are_fresh_copies_at_every_access(solution: siting.Solution) -> None:
    solution.layers["sites"]["status"] = "changed"
    del solution.layers["sites"]
    assert "sites" in solution.layers
    assert "changed" not in set(solution.layers["sites"]["status"])
