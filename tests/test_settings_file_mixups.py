"""A settings file of one kind given where another is read (the catalog or the committed
projects as the scenario, the scenario as the catalog, ...) is named for what it is, in one
problem, as a GeoJSON layer given as the scenario is; before, the scenario's schema ran on a
catalog and asked to add `name`, `years`, `layers`, ... to it, with `price_paths | unknown key;
did you mean 'price_path'?` among eleven problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main
from tests.conftest import SMALL, edit


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`small/` in a folder that is the current one."""
    shutil.copytree(SMALL, tmp_path / "small")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("command", ["show", "check"])
def test_the_catalog_given_as_the_scenario_is_told_so(base: Path, capsys, command: str):
    assert error([command, "small/catalog.yaml"], capsys) == (
        "error: 1 problem in the input:\n  - small/catalog.yaml: is a catalog file (products, prices and "
        "resources), not a scenario file; give the scenario YAML that names it under catalog, e.g. "
        "scenarios/yunnan_2024.yaml\n")


def test_the_committed_projects_given_as_the_scenario_are_told_so(base: Path, capsys):
    assert error(["show", "small/committed_projects.yaml"], capsys) == (
        "error: 1 problem in the input:\n  - small/committed_projects.yaml: is a committed-projects file (a list "
        "of projects with site, product and online_year), not a scenario file; give the scenario YAML that names "
        "it under committed_projects, e.g. scenarios/yunnan_2024.yaml\n")


def test_a_scenario_given_as_the_catalog_is_told_so(base: Path, capsys):
    err = error(["check", "small/scenario.yaml", "--set", "catalog=small/scenario.yaml"], capsys)
    assert err == (
        "error: 1 problem in the input:\n  - small/scenario.yaml: is a scenario file, not a catalog file; give the "
        "catalog file the scenario names under catalog, e.g. scenarios/catalog.yaml\n")


def test_the_committed_projects_given_as_the_catalog_are_told_so(base: Path, capsys):
    err = error(["check", "small/scenario.yaml", "--set", "catalog=small/committed_projects.yaml"], capsys)
    assert err == (
        "error: 1 problem in the input:\n  - small/committed_projects.yaml: is a committed-projects file (a list "
        "of projects with site, product and online_year), not a catalog file; give the catalog file the scenario "
        "names under catalog, e.g. scenarios/catalog.yaml\n")


@pytest.mark.parametrize("given, kind", [("catalog.yaml", "a catalog file (products, prices and resources)"),
                                         ("scenario.yaml", "a scenario file")])
def test_the_catalog_or_scenario_given_as_committed_projects_is_told_so(base: Path, capsys, given: str,
                                                                          kind: str):
    err = error(["check", "small/scenario.yaml", "--set", f"committed_projects=small/{given}"], capsys)
    assert err == (
        f"error: 1 problem in the input:\n  - small/{given}: is {kind}, not a committed-projects file; give the "
        "committed-projects file the scenario names under committed_projects, e.g. "
        "scenarios/committed_projects.yaml\n")


def test_the_catalog_given_as_the_base_of_extends_is_told_so(base: Path, capsys):
    (base / "small" / "child.yaml").write_text("extends: catalog.yaml\nname: child\n")
    assert error(["show", "small/child.yaml"], capsys) == (
        "error: 1 problem in the input:\n  - small/catalog.yaml: is a catalog file (products, prices and "
        "resources), not a scenario file; give the scenario YAML that names it under catalog, e.g. "
        "scenarios/yunnan_2024.yaml\n")


def test_a_scenario_short_of_keys_is_still_checked_key_by_key(base: Path, capsys):
    """A file that is not clearly another kind keeps the scenario's own problems."""
    edit(base / "small" / "scenario.yaml", "years: [2023, 2024]\n", "")
    assert "years | required key is missing" in error(["show", "small/scenario.yaml"], capsys)
