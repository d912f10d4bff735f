"""Shared test settings: the command line run in-process prints no progress unless a test asks
for it, so that tests matching a whole error message see that message alone
(tests/test_progress.py checks the progress itself). `folder` gives a test its own copy of the
small scenario; `edit` changes one exact passage of a copied file; `run_bad` solves a scenario
that must be refused as bad input."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

SMALL = Path(__file__).parent / "data" / "small"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of tests/data/small in the test's temporary folder."""
    target = tmp_path / "small"
    shutil.copytree(SMALL, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path` by `new` (fails when `old` is not
    there exactly once)."""
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def run_bad(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Solve `folder`/scenario.yaml, expecting exit 2 without a traceback or an output folder; the
    message with the folder's path taken out."""
    from siting.cli import main

    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()
    return captured.err.replace(str(folder) + "/", "")


@pytest.fixture(autouse=True)
def quiet_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)


def interruptible() -> None:
    """`preexec_fn` of a child process a test stops with SIGINT: Ctrl-C as in a terminal. A child
    of a background job inherits SIGINT ignored (the shell sets it so), and the tool rightly keeps
    an ignored SIGINT ignored, so without this the test would wait for a run that never stops."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
