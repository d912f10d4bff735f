"""A catalog that is missing or fails its schema hides none of the references to the layers that
name nothing of the catalog: a committed project at a site the sites layer does not define, a
cluster the clusters layer does not define, are listed beside the catalog's problems. Solves
nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MISSING_CATALOG, NO_CATALOG, SPOILED_CATALOG, edit, refused_lines, spoil_catalog_schema

SITE = ("  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_nowhere'); choose one of: w_mine, "
        "w_lake, e_city, e_far")


@pytest.mark.parametrize("command", ["check", "solve"])
def test_a_missing_catalog_hides_no_unknown_committed_site(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    edit(folder / "committed_projects.yaml", "site: e_city", "site: e_nowhere")
    out = ["--out", "run"] if command == "solve" else []
    assert refused_lines(folder, capsys, [command, "scenario.yaml", *out, *NO_CATALOG]) == [
        "error: 2 problems in the input:", MISSING_CATALOG, SITE]
    assert not (folder / "run").exists()


def test_a_catalog_failing_its_schema_hides_no_unknown_cluster(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    spoil_catalog_schema(folder)
    lines = refused_lines(folder, capsys, ["check", "scenario.yaml", "--set",
                                           "constraints.agglomeration.max_open_sites_per_cluster={nowhere: 1}"])
    assert lines[0] == "error: 2 problems in the input:"  # the misspelt required key is one problem
    assert SPOILED_CATALOG in lines
    assert [line for line in lines if "nowhere" in line] == [
        "  - scenario.yaml: --set constraints.agglomeration.max_open_sites_per_cluster.nowhere | unknown cluster (got "
        "'nowhere'); choose one of: west, east"]
