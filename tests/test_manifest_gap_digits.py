"""manifest.json's `solver.gap_yuan` agrees with the objective and the best bound written beside
it: the bound is rounded down at its 9th significant digit, so the gap in yuan is rounded up at
that same digit, not at its own (the shipped scenario wrote a gap of 196,068,380 yuan beside an
objective and a bound 196,069,000 yuan apart; the small scenario within 1 % wrote 16,616,770.5
beside figures 16,616,800 apart)."""

from __future__ import annotations

from pathlib import Path

from siting.deliver.manifest import manifest
from siting.runs.job import run_solve

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def test_the_gap_in_yuan_is_rounded_up_at_the_digit_of_the_bound() -> None:
    from siting.deliver.manifest import _gap_yuan

    objective, bound = -196_071_000_000.0, -196_267_068_380.0
    assert _gap_yuan(objective, bound, 196_068_380.0 / 196_071_000_000.0) == 196_069_000.0
    assert _gap_yuan(objective, bound, 0.0) == 0.0
    assert _gap_yuan(objective, None, None) is None
    assert _gap_yuan(objective, None, 196_068_380.0 / 196_071_000_000.0) == 196_069_000.0  # the objective's digit


def test_a_solve_s_manifest_gives_objective_less_bound_as_its_gap(tmp_path: Path) -> None:
    result = run_solve(SMALL, tmp_path / "out", overrides=(("solver.rel_gap", 0.01),))
    record = manifest(result.prepared.loaded, {}, result.report, result.plan, {}, {}, [], ())["solver"]
    assert record["gap"] > 0
    assert record["gap_yuan"] == record["objective_yuan"] - record["best_bound_yuan"]
