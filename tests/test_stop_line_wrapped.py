"""The line a stopped command prints on standard error ("stopped by SIGTERM after the outputs were
written to <folder> (complete)") is wrapped to standard error's width where it is a terminal, as
the message of a run without a plan is: its continuations two spaces in, the folder it names never
broken (on a line of its own where it does not fit after the words before it). Into a file, a pipe
or a CI log it stays one line, whatever COLUMNS says, so that it can be searched as it is."""

from __future__ import annotations

import io
import signal
import sys
from types import SimpleNamespace

import pytest

from siting import cli
from siting.deliver.tables import display_width

FOLDERS = ["/data/siting runs/yunnan 2024 budget study/out", "/data/siting runs/second/out"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _completed(monkeypatch: pytest.MonkeyPatch, folders: list[str]) -> None:
    record = SimpleNamespace(completed_folders=lambda: list(folders))
    monkeypatch.setattr(cli, "written_folders", lambda: record)


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("count", [1, 2])
def test_the_stop_line_is_wrapped_on_a_terminal(monkeypatch: pytest.MonkeyPatch, columns: int, count: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys, "stderr", Terminal())
    _completed(monkeypatch, FOLDERS[:count])
    lines = cli.stopped_line(signal.SIGTERM).splitlines()
    assert len(lines) > 1
    assert all(display_width(line) <= columns or any(folder in line for folder in FOLDERS) for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    for folder in FOLDERS[:count]:  # each folder whole, spaces and all
        assert any(folder in line for line in lines), folder
    listed = FOLDERS[0] if count == 1 else f"{FOLDERS[0]} and {FOLDERS[1]}"
    assert " ".join(line.strip() for line in lines) == (
        f"stopped by SIGTERM after the outputs were written to {listed} (complete)")


def test_the_discarded_line_fits_the_narrowest_terminal_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """58 and 59 columns: it fits 60, the narrowest width laid out, on one line."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setattr(sys, "stderr", Terminal())
    _completed(monkeypatch, [])
    for signum in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(signum).name
        assert cli.stopped_line(signum) == f"stopped by {name}: outputs not yet complete were discarded"


@pytest.mark.parametrize("columns", [None, "60"])
def test_the_stop_line_stays_one_line_off_a_terminal(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    _completed(monkeypatch, FOLDERS)
    assert cli.stopped_line(signal.SIGTERM) == (
        f"stopped by SIGTERM after the outputs were written to {FOLDERS[0]} and {FOLDERS[1]} (complete)")
