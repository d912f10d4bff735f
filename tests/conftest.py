"""Shared test settings: the command line run in-process prints no progress unless a test asks
for it, so that tests matching a whole error message see that message alone
(tests/test_progress.py checks the progress itself)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def quiet_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
