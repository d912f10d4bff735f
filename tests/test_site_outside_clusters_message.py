"""A site outside every cluster polygon is named as the sites file's other problems name a
feature ("FILE: site 'x' | ..."), with the verb in its number, the clusters file it lies outside
and what to do (siting/prepare/spatial.py `orphan_problems`). Solves nothing: `siting check` on
the small scenario of tests/data/small (`folder`, tests/conftest.py) with sites moved out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main
from siting.prepare.spatial import orphan_problems


def moved_out(folder: Path, sites: dict[int, list[float]]) -> None:
    """The features of the sites file at the given places (0-based) moved to the given lon/lat,
    north-east of both clusters."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for row, point in sites.items():
        data["features"][row]["geometry"]["coordinates"] = point
    path.write_text(json.dumps(data))


def check(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[str]:
    monkeypatch.chdir(folder)
    code = main(["check", "scenario.yaml"])
    err = capsys.readouterr().err
    assert code == 2, err
    return err.splitlines()


def test_one_site_outside_is_one_site(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    moved_out(folder, {3: [105.5, 27.5]})
    assert check(folder, monkeypatch, capsys) == [
        "error: 1 problem in the input:",
        "  - sites.geojson: site 'e_far' | lies in no cluster polygon of clusters.geojson; move the site inside a "
        "cluster, extend a cluster polygon to cover it, remove it, or set spatial.sites_outside_clusters: drop to "
        "plan without it"]


def test_two_sites_outside_are_sites(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    moved_out(folder, {2: [105.4, 27.4], 3: [105.5, 27.5]})
    assert check(folder, monkeypatch, capsys) == [
        "error: 1 problem in the input:",
        "  - sites.geojson: sites 'e_city' and 'e_far' | lie in no cluster polygon of clusters.geojson; move the "
        "sites inside a cluster, extend the cluster polygons to cover them, remove them, or set "
        "spatial.sites_outside_clusters: drop to plan without them"]


def test_many_sites_outside_are_counted_past_ten() -> None:
    [problem] = orphan_problems([f"s{i}" for i in range(13)], "error", "sites.geojson", "clusters.geojson")
    assert problem.startswith("sites.geojson: sites 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9' and "
                              "3 more | lie in no cluster polygon of clusters.geojson; ")


def test_dropped_sites_are_no_problem() -> None:
    assert orphan_problems(["far"], "drop", "sites.geojson") == []
    assert orphan_problems([], "error", "sites.geojson") == []
