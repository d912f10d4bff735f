"""The command line sets the process's objects aside from the garbage collector once
(siting/optimize/solve.py `set_aside_for_process`), and a solve then counts none of them:
Python counts the objects set aside by walking them, and each in-process command used to set
aside, for ever, every object alive at its start, so that a process running many commands (a
notebook calling `siting.cli.main`, the test suite) walked ever more of them at every solve."""

from __future__ import annotations

import gc

import pytest

from siting import cli
from siting.optimize import solve


def test_the_command_line_sets_objects_aside_once_and_a_solve_counts_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solve, "_SET_ASIDE_FOR_PROCESS", False, raising=False)
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    cli.front_door()
    cli.front_door()
    assert frozen == [1]
    counted: list[int] = []
    monkeypatch.setattr(gc, "get_freeze_count", lambda: counted.append(1) or 1)
    monkeypatch.setattr(gc, "unfreeze", lambda: pytest.fail("the command line's objects were given back"))
    with solve.collector_frozen():
        pass
    assert counted == []
    assert frozen == [1]


def test_a_solve_outside_the_command_line_sets_aside_and_gives_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solve, "_SET_ASIDE_FOR_PROCESS", False, raising=False)
    calls: list[str] = []
    monkeypatch.setattr(gc, "get_freeze_count", lambda: 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    with solve.collector_frozen():
        calls.append("solve")
    assert calls == ["freeze", "solve", "unfreeze"]
