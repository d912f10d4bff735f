"""The "did you mean" hint a layer path gets (a file differing in letter case, a path written with
backslashes) is given for the other files a scenario names too: the catalog, the committed
projects, a base it extends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario
from tests.conftest import SMALL


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    monkeypatch.chdir(folder)
    return folder


def problems(*args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_scenario(*args, **kwargs)
    return raised.value.problems


def test_a_catalog_differing_in_letter_case_is_named(small: Path) -> None:
    assert problems("scenario.yaml", overrides=(("catalog", "Catalog.yaml"),)) == [
        "scenario.yaml: --set catalog | no such file (got 'Catalog.yaml'); give the path of the catalog file (a "
        "relative path in --set starts at the current folder); did you mean 'catalog.yaml'?"]


def test_a_base_written_with_backslashes_is_named(small: Path) -> None:
    (small / "sub").mkdir()
    (small / "sub" / "child.yaml").write_text("extends: ..\\scenario.yaml\nname: child\n", encoding="utf-8")
    (problem,) = problems("sub/child.yaml")
    assert problem.endswith("did you mean '../scenario.yaml' (forward slashes)?"), problem
