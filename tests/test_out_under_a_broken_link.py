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


@pytest.mark.parametrize(("links", "typed", "why"), [
    ({"gone2": "gone"}, "gone2/out", "gone2 is a broken symbolic link: it points to 'gone', itself a symbolic link "
                                     "that leads to nothing"),
    ({"loopa": "loopb", "loopb": "loopa"}, "loopa/out", "loopa is a broken symbolic link: it points to 'loopb', "
                                                        "and the links from it lead round in a loop"),
    ({"self": "self"}, "self/out", "self is a broken symbolic link: it points to 'self', and the links from it lead "
                                   "round in a loop")])
def test_a_link_to_a_broken_link_or_a_loop_is_named_so(work: Path, capsys: pytest.CaptureFixture[str],
                                                        links: dict[str, str], typed: str, why: str) -> None:
    """A link to another broken link, or links in a loop, were said to point to a file "which does
    not exist", where `ls` shows it: the message says what it is."""
    for name, target in links.items():
        (work / name).symlink_to(target)
    assert main(["check", "small/scenario.yaml", "--out", typed]) == 2
    assert capsys.readouterr().err == (
        f"error: 1 problem with the output folder:\n  - --out | the output folder cannot be created: {why} (got "
        f"{typed}); point the link to a folder, or choose another folder\n")
