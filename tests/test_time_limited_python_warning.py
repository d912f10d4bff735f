"""`siting.sweep` and `siting.compare` called from Python warn of a run proven within its gap only
after its own solve stopped at its time limit, as the command line's note under the table does
(tests/test_time_limited_cross_start.py): the run's own notice saying so is left out of the
Python warning of the runs' notices, since the table's note names it, but a `Batch` shows no
notes, so nothing said it. The first run's summary is made to read as such a run's does."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import pytest

import siting
import siting.runs.batch as batch
from siting.runs.pool import CaseSummary

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def moved(summary: CaseSummary, other: str) -> CaseSummary:
    return dataclasses.replace(summary, status="optimal", started_from=other, bound_from=other,
                               own_time_limit_s=0.1, own_objective_yuan=summary.objective_yuan)


@pytest.mark.parametrize("kept", [False, True], ids=["in memory", "with a folder"])
def test_python_s_sweep_warns_of_the_time_limited_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      kept: bool) -> None:
    real = batch.run_cases

    def run_cases(*args: Any, **kwargs: Any) -> list[CaseSummary]:
        summaries = real(*args, **kwargs)
        return [moved(summaries[0], summaries[1].label), *summaries[1:]]

    monkeypatch.setattr(batch, "run_cases", run_cases)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = siting.sweep(SMALL, {"constraints.redline.buffer_m": [0, 1000]},
                              out=tmp_path / "sweep" if kept else None, workers=1)
    first, second = (s.label for s in result.runs)
    said = " ".join(" ".join(str(w.message).split()) for w in caught)
    assert (f"proven within it only after the cross-start rounds: {first} (time limit 0.1 s, moved to the plan of "
            f"{second}, with the bound of {second})") in said
