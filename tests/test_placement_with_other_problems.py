"""A site inside two overlapping clusters, found where preprocessing places the sites, is found
from the sites and clusters layers alone: it is reported with the scenario's and the other
layers' problems of the same run, not only on the next run once those are fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main

OVERLAP = ("clusters.geojson: clusters 'west' and 'east' | overlap: site w_lake of sites.geojson lies inside both; "
           "clusters must not overlap: correct the cluster polygons so that each site lies in one")


@pytest.fixture
def overlapping(folder: Path) -> Path:
    """The small scenario whose east cluster reaches west over the site w_lake (102.4, 24.9)."""
    path = folder / "clusters.geojson"
    layer = json.loads(path.read_text())
    layer["features"][1]["geometry"]["coordinates"] = [[[102.3, 24.5], [103.6, 24.5], [103.6, 25.0], [102.3, 25.0],
                                                        [102.3, 24.5]]]
    path.write_text(json.dumps(layer))
    return folder


def refused(folder: Path, capsys: pytest.CaptureFixture[str], *sets: str) -> str:
    """`siting check` of the scenario with `sets` as --set: exit 2, no traceback; the message."""
    code = main(["check", str(folder / "scenario.yaml"), "--quiet", *(a for s in sets for a in ("--set", s))])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.replace(str(folder) + "/", "")


def test_alone_as_before(overlapping: Path, capsys: pytest.CaptureFixture[str]):
    assert refused(overlapping, capsys) == f"error: 1 problem in the input:\n  - {OVERLAP}\n"


def test_with_a_set_mistake(overlapping: Path, capsys: pytest.CaptureFixture[str]):
    err = refused(overlapping, capsys, "solver.rel_gap=abc")
    assert err.startswith("error: 2 problems in the input:\n")
    assert "--set solver.rel_gap | must be a number (got 'abc')" in err
    assert OVERLAP in err


def test_with_another_layer_s_problem(overlapping: Path, capsys: pytest.CaptureFixture[str]):
    err = refused(overlapping, capsys, "layers.sources.path=nope.geojson")
    assert err.startswith("error: 2 problems in the input:\n")
    assert "nope.geojson: sources layer not found" in err
    assert OVERLAP in err


def test_not_when_the_sites_layer_has_a_problem_of_its_own(overlapping: Path, capsys: pytest.CaptureFixture[str]):
    """A negative area in the sites layer: its own problem only, the placing is told once it is read whole."""
    path = overlapping / "sites.geojson"
    layer = json.loads(path.read_text())
    layer["features"][0]["properties"]["usable_area_ha"] = -5
    path.write_text(json.dumps(layer))
    err = refused(overlapping, capsys, "solver.rel_gap=abc")
    assert err.startswith("error: 2 problems in the input:\n")
    assert "field 'usable_area_ha' | negative" in err
    assert OVERLAP not in err
