"""A catalog path that names a folder, or what is no regular file (a named pipe), says which file
it names when the scenario lies in another folder than the current one ("got 'catalog.yaml',
which is small/catalog.yaml"), as a missing catalog's problem does and as the layers' problems
name their files (siting/config/load.py `which_is`); before, "got 'catalog.yaml'" alone, which
reads as a file of the current folder. From the scenario's own folder the path is said once, as
before. The small scenario of tests/data/small (`folder`, tests/conftest.py); solves nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import edit, refused_lines


def test_a_catalog_that_is_a_folder_is_named_from_the_current_folder(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: tech")
    (folder / "tech").mkdir()
    monkeypatch.chdir(folder.parent)
    assert refused_lines(folder, capsys, ["check", "small/scenario.yaml"]) == [
        "error: 1 problem in the input:",
        "  - small/scenario.yaml:4: catalog | is a folder, not a file (got 'tech', which is small/tech); give the path "
        "of the catalog file"]
    monkeypatch.chdir(folder)
    assert refused_lines(folder, capsys, ["check", "scenario.yaml"]) == [
        "error: 1 problem in the input:",
        "  - scenario.yaml:4: catalog | is a folder, not a file (got 'tech'); give the path of the catalog file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_catalog_that_is_a_named_pipe_is_named_from_the_current_folder(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: pipe.yaml")
    os.mkfifo(folder / "pipe.yaml")
    monkeypatch.chdir(folder.parent)
    assert refused_lines(folder, capsys, ["check", "small/scenario.yaml"]) == [
        "error: 1 problem in the input:",
        "  - small/scenario.yaml:4: catalog | is a named pipe (FIFO), not a file (got 'pipe.yaml', which is "
        "small/pipe.yaml); give the path of the catalog file"]
