"""Solution.write and Solution.files take as rule costs only rows siting.rule_costs gave for that
solution: another solution's table, or one changed since, is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_review_front import DATA, FIX, problems

import siting


@pytest.fixture(scope="module")
def solved() -> tuple[siting.Solution, pd.DataFrame]:
    solution = siting.solve(DATA / "scenario.yaml")
    return solution, siting.rule_costs(solution)


def test_a_changed_rule_cost_is_refused(solved, tmp_path: Path) -> None:
    solution, costs = solved
    changed = costs.copy()
    changed.loc[changed["rule"] == "redline", "rule_cost_yuan"] *= 10
    assert problems(solution.write, tmp_path / "out", rule_costs=changed) == [
        "rule_costs | must be the table siting.rule_costs(solution) gave for this solution, or some of its rows, as "
        f"it gave them (got row 'redline' that it did not give: another solution's, or changed); {FIX}"]
    assert not (tmp_path / "out").exists()


def test_another_solutions_table_is_refused(solved, tmp_path: Path) -> None:
    _solution, costs = solved
    other = siting.solve(DATA / "scenario.yaml")
    assert problems(other.files, rule_costs=costs)[0].endswith(
        "(got rows 'redline', 'proximity', 'agglomeration' and 'market' that it did not give: another solution's, "
        f"or changed); {FIX}")
    assert problems(other.write, tmp_path / "out", rule_costs=costs.iloc[:1])
    assert not (tmp_path / "out").exists()
    mine = siting.rule_costs(other)  # its own table is taken, as is a copy with the columns reordered
    assert "rule_costs.csv" in other.files(rule_costs=mine[list(reversed(mine.columns))].copy())


def test_its_own_rows_are_taken(solved, tmp_path: Path) -> None:
    solution, costs = solved
    folder = solution.write(tmp_path / "out", rule_costs=costs.iloc[[3, 0]])
    assert pd.read_csv(folder / "rule_costs.csv")["rule"].tolist() == ["market", "redline"]


def test_a_table_read_back_from_csv_is_taken(solved, tmp_path: Path) -> None:
    """Empty texts (note, sites) come back from a CSV as NaN: the same rows."""
    import io

    solution, costs = solved
    again = pd.read_csv(io.StringIO(costs.to_csv(index=False)))
    assert "rule_costs.csv" in solution.files(rule_costs=again)
