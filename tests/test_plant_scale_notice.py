"""A committed project's capacity far outside its product's module sizes is taken for a slip
of unit (kt or 万 t for t, MWh for GWh) and said, naming file, entry and figures."""
from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def checked(folder: Path, capacity: str, capsys) -> str:
    projects = folder / "committed_projects.yaml"
    projects.write_text(projects.read_text().replace("capacity: 10000", f"capacity: {capacity}"))
    code = main(["check", str(folder / "scenario.yaml"), "--out", str(folder / "out")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return " ".join((captured.out + captured.err).split())


@pytest.mark.parametrize(("capacity", "side"), [("10", "less than 1/100 of the smallest"),
                                                ("6000000", "more than 100 times the largest")])
def test_a_plant_far_from_every_module_is_noticed(folder: Path, capsys, capacity: str, side: str):
    text = checked(folder, capacity, capsys)
    figure = {"10": "10", "6000000": "6,000,000"}[capacity]
    assert (f"committed_projects.yaml:4: [0] (east_lfp).capacity | the capacity, {figure} t/yr, is {side} of the "
            "catalog's modules of LFP (50,000 t/yr): given in another unit? Capacities are in the catalog's unit, "
            "t/yr") in text


@pytest.mark.parametrize("capacity", ["501", "5000000"])
def test_a_plant_within_a_hundred_times_the_modules_is_not(folder: Path, capsys, capacity: str):
    assert "given in another unit" not in checked(folder, capacity, capsys)
