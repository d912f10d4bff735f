"""A solve job reads its scenario file once: `run_solve` checks the output folder with the
scenario it loaded and hands the same `LoadedScenario` to `prepare`, which does not read the
scenario, its catalog and committed projects again (`prepare(..., loaded=)`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from siting.config import load
from siting.prepare import problem
from siting.runs import job

DATA = Path(__file__).parent / "data" / "small"


def test_run_solve_loads_the_scenario_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[Path | str] = []
    real = load.load_scenario

    def counted(path: Path | str, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(job, "load_scenario", counted)
    monkeypatch.setattr(problem, "load_scenario", counted)
    result = job.run_solve(DATA / "scenario.yaml", tmp_path / "out", show=False)
    assert len(calls) == 1
    assert result.prepared.loaded.scenario_path == real(DATA / "scenario.yaml").scenario_path
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_prepare_takes_a_loaded_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load.load_scenario(DATA / "scenario.yaml")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the scenario was read again")

    monkeypatch.setattr(problem, "load_scenario", refused)
    prepared = problem.prepare(DATA / "scenario.yaml", {}, loaded=loaded)
    assert prepared.loaded is loaded
