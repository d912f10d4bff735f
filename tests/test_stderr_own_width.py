"""What the command line prints on standard error is laid out to standard error's width, not
standard output's: `siting solve ... > summary.txt` on an 80-column terminal still gets its
progress, notes and messages in 80 columns (`terminal_width` asks the size of the terminal the
stream itself is on, where shutil.get_terminal_size asks standard output's)."""

from __future__ import annotations

import io
import os
import sys
from types import SimpleNamespace

import pytest

from siting import cli
from siting.config import progress
from siting.deliver.tables import display_width

TERMINAL_FD = 97
NOTE = ("cmp: held a comparison of 3 runs (comparison.md, comparison.csv, compare.qgs); it was replaced by the "
        "plan of this run, as asked; the comparison's files are no longer there, run compare again to remake them")


class Terminal(io.StringIO):
    """A stream on a terminal of its own (descriptor TERMINAL_FD)."""

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return TERMINAL_FD


def stderr_80(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Standard error an 80-column terminal, standard output a file (no terminal: os.get_terminal_size
    fails for any other descriptor), COLUMNS unset. Called in the test itself: pytest's capture puts
    its own streams back between a fixture and the test."""
    def size(fd: int = 1) -> os.terminal_size:
        if fd == TERMINAL_FD:
            return os.terminal_size((80, 40))
        raise OSError("Inappropriate ioctl for device")

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(os, "get_terminal_size", size)
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    return err


def test_the_width_is_the_streams_own_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr_80(monkeypatch)
    assert progress.terminal_width(sys.stderr) == 80
    assert progress.terminal_width() == progress.TERMINAL_WIDTH  # standard output, a file
    assert progress.Reporter(stream=sys.stderr, duplicate=False).width == 80
    monkeypatch.setenv("COLUMNS", "100")  # COLUMNS still wins
    assert progress.terminal_width(sys.stderr) == progress.terminal_width() == 100


def test_a_terminal_reporting_no_size_gets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=1: os.terminal_size((0, 0)))
    assert progress.terminal_width(Terminal()) == progress.TERMINAL_WIDTH


def test_the_closing_notes_take_standard_errors_width(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr_80(monkeypatch)
    folders = SimpleNamespace(replaced_notes=lambda: [NOTE], left_behind=lambda: [])
    monkeypatch.setattr(cli, "written_folders", lambda: folders)
    lines = cli.left_lines()
    assert len(lines) > 1 and max(display_width(line) for line in lines) <= 80
    assert " ".join(line.strip() for line in lines) == f"note: {NOTE}"
