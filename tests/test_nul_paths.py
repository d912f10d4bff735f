"""A path holding a NUL character names no file on any system: every look at it raised
ValueError ("embedded null byte") with a traceback. Refused first, naming the setting or the
argument (siting/config/schema.py `not_blank_path`, siting/api.py `checked_path`/`checked_out`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError

DATA = Path(__file__).parent / "data" / "small"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "small")
    return tmp_path / "small" / "scenario.yaml"


@pytest.mark.parametrize("key", ["catalog", "layers.sites.path", "committed_projects"])
def test_a_set_path_with_a_nul_is_refused_naming_the_setting(scenario: Path, key: str,
                                                              capsys: pytest.CaptureFixture[str]):
    out = scenario.parent.parent / "out"
    assert main(["solve", str(scenario), "--set", f'{key}="a\\0b.yaml"', "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"--set {key} | must not hold a NUL character (\\0): no file name can" in err
    assert "Traceback" not in err and not out.exists()


def test_python_paths_with_a_nul_are_refused(scenario: Path):
    with pytest.raises(InputError, match=r"path \| must not hold a NUL character"):
        siting.solve("a\0b.yaml")
    with pytest.raises(InputError, match=r"out \| must not hold a NUL character"):
        siting.run(scenario, out="x\0y")
