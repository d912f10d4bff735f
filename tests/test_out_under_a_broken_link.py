"""An output folder below a symbolic link that points to nothing (`gone/out`, `gone` -> `nowhere/x`)
is refused, naming the link and where it points, as `siting schema --out` refuses a file there
(tests/test_schema_out_under_a_broken_link.py): before, `check` said the folder "may be written"
and `solve` followed the link and made `nowhere/x/out`, folders the user never named. Given as
`--out`, as `--set output.folder` or to `check`; nothing is made."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main
from tests.conftest import SMALL

REFUSED = ("the output folder cannot be created: gone is a broken symbolic link: it points to 'nowhere/x', which "
           "does not exist (got {typed}); point the link to a folder, or choose another folder")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario in `small/`, the current folder holding it and the link `gone`."""
    shutil.copytree(SMALL, tmp_path / "small")
    (tmp_path / "gone").symlink_to("nowhere/x")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("command", "typed"), [("solve", "gone/out"), ("solve", "gone/a/b"), ("check", "gone/out")])
def test_out_below_a_broken_link_is_refused(work: Path, capsys: pytest.CaptureFixture[str], command: str,
                                            typed: str) -> None:
    assert main([command, "small/scenario.yaml", "--out", typed, "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"error: 1 problem with the output folder:\n  - --out | {REFUSED.format(typed=typed)}\n")
    assert sorted(p.name for p in work.iterdir()) == ["gone", "small"]


def test_output_folder_below_a_broken_link_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "small/scenario.yaml", "--set", "output.folder=gone/out", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n  - small/scenario.yaml: --set output.folder | "
        f"{REFUSED.format(typed='gone/out')}\n")
    assert sorted(p.name for p in work.iterdir()) == ["gone", "small"]
