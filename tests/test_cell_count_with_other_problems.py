"""A grid of more cells than a scenario may have is found from the clusters layer alone, before
any cell is drawn: it is reported with the scenario's and the layers' other problems of the same
run, not only on the next run once those are fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

TOO_MANY = ("candidates.cell_size_m | would give about 218,961 cells over the 5,605 km2 of the clusters, more than "
            "the 200,000 a scenario may have (got 160); use a cell_size_m of at least 170 m")


def refused(folder: Path, capsys: pytest.CaptureFixture[str], *sets: str) -> str:
    """`siting check` of the small scenario with `sets` as --set: exit 2, no traceback; the message."""
    code = main(["check", str(folder / "scenario.yaml"), *(a for s in sets for a in ("--set", s))])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.replace(str(folder) + "/", "")


def test_a_set_mistake_does_not_hide_the_cell_count(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A mistyped gap and a grid too fine: both problems in one message, each naming --set."""
    err = refused(folder, capsys, "solver.rel_gap=abc", "candidates={cell_size_m: 160}")
    assert "error: 2 problems in the input:" in err
    assert "--set solver.rel_gap | must be a number (got 'abc')" in err
    assert f"scenario.yaml: --set {TOO_MANY}" in err


def test_a_layer_problem_does_not_hide_the_cell_count(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A missing sources layer does not change the clusters' area: both problems together."""
    err = refused(folder, capsys, "layers.sources.path=nope.geojson", "candidates={cell_size_m: 160}")
    assert "error: 2 problems in the input:" in err
    assert "nope.geojson: sources layer not found" in err
    assert TOO_MANY in err


def test_the_cell_count_alone_names_where_the_size_was_set(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Alone, the problem names the --set that gave the size, as every other problem of a --set does."""
    err = refused(folder, capsys, "candidates={cell_size_m: 160}")
    assert err.startswith("error: 1 problem in the input:\n")
    assert f"scenario.yaml: --set {TOO_MANY}" in err
