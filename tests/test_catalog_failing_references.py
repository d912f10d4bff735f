"""A catalog that is missing or fails its schema hides none of the references to the layers that
name nothing of the catalog: a committed project at a site the sites layer does not define, a
cluster the clusters layer does not define, are listed beside the catalog's problems. Solves
nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from tests.conftest import edit

MISSING = ("  - scenario.yaml: --set catalog | no such file (got 'nope.yaml'); give the path of the catalog file (a "
           "relative path in --set starts at the current folder)")
SITE = ("  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_nowhere'); choose one of: w_mine, "
        "w_lake, e_city, e_far")


def refused(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> list[str]:
    """The lines of standard error of `command`, refused (exit 2, no traceback)."""
    code = main(command)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.replace(str(folder) + "/", "").splitlines()


@pytest.mark.parametrize("command", ["check", "solve"])
def test_a_missing_catalog_hides_no_unknown_committed_site(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    edit(folder / "committed_projects.yaml", "site: e_city", "site: e_nowhere")
    out = ["--out", "run"] if command == "solve" else []
    assert refused(folder, capsys, [command, "scenario.yaml", *out, "--set", "catalog=nope.yaml"]) == [
        "error: 2 problems in the input:", MISSING, SITE]
    assert not (folder / "run").exists()


def test_a_catalog_failing_its_schema_hides_no_unknown_cluster(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", "price_paths:", "price_pathz:")
    lines = refused(folder, capsys, ["check", "scenario.yaml", "--set",
                                     "constraints.agglomeration.max_open_sites_per_cluster={nowhere: 1}"])
    assert lines[0] == "error: 3 problems in the input:"
    assert [line for line in lines if "nowhere" in line] == [
        "  - scenario.yaml: --set constraints.agglomeration.max_open_sites_per_cluster.nowhere | unknown cluster (got "
        "'nowhere'); choose one of: west, east"]
