"""The texts for people give a proven figure so that it claims no more than was proven: a best
bound (of a minimised cost) rounded down, a gap (in percent or in bn yuan) rounded up, at the two
decimals shown. The shipped scenario's bound, -196.264448 bn yuan, reads -196.27: to the nearest,
-196.26, it would be a higher bound than the solve proved."""

from __future__ import annotations

from siting.config.progress import SolverState
from siting.config.units import bound_bn, gap_text
from siting.deliver.mapinfo import outcome_text, unproven_text
from siting.deliver.report import solve_blocks

BOUND = -196_264_448_000.0


def test_a_bound_reads_down_and_a_gap_up() -> None:
    assert bound_bn(BOUND) == "-196.27 bn yuan"
    assert bound_bn(196_264_448_000.0) == "196.26 bn yuan"
    assert bound_bn(191_000_000.0, up=True) == "0.20 bn yuan"
    assert bound_bn(None) == "n/a"
    assert gap_text(0.0100001) == "1.01%"
    assert gap_text(0.001) == "0.10%"  # float noise (0.1000000002) does not round up
    assert gap_text(0.0009999984) == "0.10%"
    assert gap_text(6.125) == "612.50%"


def test_the_status_line_and_the_warning_give_the_gap_up() -> None:
    status = outcome_text("optimal within the gap", 0.0100001, 0.02)
    assert status == "optimal within the gap, gap 1.01% (tolerance 2.00%)"
    warning = unproven_text(True, False, 0.0100001, -196e9, None)
    assert "may cost up to 1.97 bn yuan less (gap 1.01%)" in warning


def test_the_progress_line_gives_the_bound_down() -> None:
    text = SolverState(-196_068_380_000.0, BOUND, 0.0010000016, 18.8).text()
    assert "bound -196.27 bn yuan, gap 0.11%" in text
    assert "-196.07/-196.27 bn" in SolverState(-196_068_380_000.0, BOUND, 0.0010000016, 18.8).text(width=40)


def test_the_reports_solve_table_gives_the_bound_down_and_the_gaps_up() -> None:
    manifest = {"solver": {"termination": "optimal", "status": "optimal", "proven_within_gap": True,
                           "objective_yuan": -196_068_380_000.0, "best_bound_yuan": BOUND, "gap": 0.0100001,
                           "settings": {"rel_gap": 0.02}}, "model_size": {}}
    table = next(block.content for block in solve_blocks(manifest) if block.kind == "table")
    rows = {row[0]: row[1] for row in table.rows}
    assert rows["best bound"] == "-196.27 bn yuan"
    assert rows["gap"] == "1.01% (tolerance 2.00%)"
    assert rows["absolute gap (objective less best bound)"] == "1.97 bn yuan"  # 1.96070341 bn yuan, up
