"""A layer path not found: a hint when the path with forward slashes, or a file differing only in
letter case, exists; a path from the home folder of a user the system does not know says so,
not where relative paths start."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from tests.conftest import edit


def problem(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["check", "scenario.yaml", *args])
    err = capsys.readouterr().err
    assert code == 2, err
    return err


def test_a_path_with_backslashes_gets_its_forward_slashes(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: ..\\small\\sites.geojson}")
    assert problem(capsys) == (
        "error: 1 problem in the input:\n"
        "  - ..\\small\\sites.geojson: sites layer not found; check layers.sites.path at scenario.yaml:8 (relative "
        "paths start at the folder of the file that names it); did you mean '../small/sites.geojson' (forward "
        "slashes)?\n")


def test_a_name_in_other_letter_case_is_suggested(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: Sites.GeoJSON}")
    assert problem(capsys) == (
        "error: 1 problem in the input:\n"
        "  - Sites.GeoJSON: sites layer not found; check layers.sites.path at scenario.yaml:8 (relative paths start "
        "at the folder of the file that names it); did you mean 'sites.geojson'?\n")


def test_a_name_in_other_letter_case_keeps_its_folders(folder: Path, capsys, monkeypatch):
    (folder / "data").mkdir()
    (folder / "sites.geojson").rename(folder / "data" / "sites.geojson")
    monkeypatch.chdir(folder)
    assert problem(capsys, "--set", "layers.sites.path=data/SITES.geojson") == (
        "error: 1 problem in the input:\n"
        "  - data/SITES.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set "
        "starts at the current folder); did you mean 'data/sites.geojson'?\n")


def test_backslashes_and_letter_case_together(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: ..\\small\\SITES.geojson}")
    assert problem(capsys) == (
        "error: 1 problem in the input:\n"
        "  - ..\\small\\SITES.geojson: sites layer not found; check layers.sites.path at scenario.yaml:8 (relative "
        "paths start at the folder of the file that names it); did you mean '../small/sites.geojson' (forward "
        "slashes)?\n")


def test_no_hint_when_nothing_is_near(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: ..\\small\\nosites.geojson}")
    assert problem(capsys) == (
        "error: 1 problem in the input:\n"
        "  - ..\\small\\nosites.geojson: sites layer not found; check layers.sites.path at scenario.yaml:8 "
        "(relative paths start at the folder of the file that names it)\n")


def test_a_home_folder_of_an_unknown_user_is_said(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problem(capsys, "--set", "layers.sites.path=~nosuchuser_3x/x.geojson") == (
        "error: 1 problem in the input:\n"
        "  - ~nosuchuser_3x/x.geojson: sites layer not found; check --set layers.sites.path (the path starts at the "
        "home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but the system has no such user; check the "
        "user's name, or give a path that does not start with ~)\n")


def test_a_home_folder_of_an_unknown_user_in_the_scenario_file(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: ~nosuchuser_3x/x.geojson}")
    assert problem(capsys) == (
        "error: 1 problem in the input:\n"
        "  - ~nosuchuser_3x/x.geojson: sites layer not found; check layers.sites.path at scenario.yaml:8 (the path "
        "starts at the home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but the system has no such user; "
        "check the user's name, or give a path that does not start with ~)\n")


def test_a_catalog_in_the_home_folder_of_an_unknown_user(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problem(capsys, "--set", "catalog=~nosuchuser_3x/c.yaml") == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: --set catalog | no such file (got '~nosuchuser_3x/c.yaml'); give the path of the catalog "
        "file (the path starts at the home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but the system has "
        "no such user; check the user's name, or give a path that does not start with ~)\n")
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: ~nosuchuser_3x/c.yaml")
    assert problem(capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:4: catalog | no such file (got '~nosuchuser_3x/c.yaml'); give the path of the catalog "
        "file (the path starts at the home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but the system has "
        "no such user; check the user's name, or give a path that does not start with ~)\n")
