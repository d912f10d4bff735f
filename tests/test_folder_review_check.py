"""`siting check` refuses the scenario's output.folder where it holds the outputs of another
scenario or variant, as `siting solve` does (tests/test_folder_review_shared.py)."""

from __future__ import annotations

from pathlib import Path

from test_folder_review_shared import VARIANT_LINE, base_run, small  # noqa: F401 (fixtures)

from siting.cli import main


def test_check_refuses_as_solve_does(small: Path, capsys):  # noqa: F811
    code = main(["check", "scenario.yaml", "--variant", "wide_buffer"])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.err == ("error: 1 problem with the output folder:\n  - "
                            + VARIANT_LINE.format(out="--out", given="--out out") + "\n")
    assert main(["check", "scenario.yaml", "--variant", "wide_buffer", "--out", "out"]) == 0
