"""The default number of worker processes counts the cores this process may run on (its CPU
affinity: `taskset`, a container's cpuset), not every core of the machine: more workers than
usable cores would only take turns on them."""

from __future__ import annotations

import os

import pytest

from siting.optimize import workers


def test_workers_follow_the_cores_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 3}, raising=False)
    assert workers.usable_cores() == 2
    assert workers.default_workers() == 2
    assert workers.default_workers(threads_per_solve=2) == 1
    assert workers.default_workers(threads_per_solve=4) == 1


def test_without_an_affinity_call_the_machine_s_cores_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert workers.usable_cores() == 6
    assert workers.default_workers(threads_per_solve=2) == 3


def test_an_unknown_count_is_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert workers.usable_cores() == 1
    assert workers.default_workers() == 1
