"""A run of a batch whose own solve found no plan by its time limit, and to which the cross-start
rounds gave one (another run's, solved again from it and proven within its gap: "optimal"), is
named by the note under the table and by a notice of its own, as a run whose own solve stopped at
its time limit with a plan is (tests/test_time_limited_cross_start.py): whether a search finds a
plan by a time limit depends on the machine's speed just as much. Before, the summary of a run
without a plan never kept the limit (`own_time_limit_s`), and nothing said it.

The batch is the small scenario swept over two red-line buffers; the first run's own solve is made
to stop without a plan at a 0.1 s time limit (a NoSolution carrying that limit, as
siting/optimize/run.py raises it), its solve from the other run's plan runs as it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import siting
import siting.runs.job as job
from siting.config.errors import NoSolution
from siting.runs.pool import Case, run_case

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
LIMIT_WORDS = "its own solve stopped at its time limit of 0.1 s before finding a plan"


def no_plan_at_limit() -> NoSolution:
    error = NoSolution("no plan within the time limit of 0.1 s")
    error.time_limit_s = 0.1
    return error


def test_a_run_without_a_plan_at_its_time_limit_keeps_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def run_solve(*_args: Any, **_kwargs: Any) -> Any:
        raise no_plan_at_limit()

    monkeypatch.setattr(job, "run_solve", run_solve)
    summary = run_case(Case(label="a", scenario=SMALL, out_dir=Path("unused"), files=False))
    assert not summary.ok and summary.own_time_limit_s == 0.1


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, siting.Batch]:
    folder = tmp_path_factory.mktemp("time_limited_no_plan") / "sweep"
    real = job.run_solve
    first: list[str] = []

    def run_solve(*args: Any, **kwargs: Any) -> Any:
        label = kwargs.get("label", "")
        if not first:
            first.append(label)
        if label == first[0] and kwargs.get("start") is None:  # its own solve, not the cross-start's
            raise no_plan_at_limit()
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(job, "run_solve", run_solve)
        result = siting.sweep(SMALL, {"constraints.redline.buffer_m": [0, 1000]}, out=folder, workers=1)
    return folder, result


def test_the_sweep_names_the_run_given_its_only_plan(swept: tuple[Path, siting.Batch]) -> None:
    folder, result = swept
    first, second = result.runs
    assert first.status == "optimal" and first.started_from == second.label and first.own_objective_yuan is None
    text = " ".join((folder / "sweep.md").read_text(encoding="utf-8").split())
    assert (f"proven within it only after the cross-start rounds: {first.label} (time limit 0.1 s, reached before "
            f"its own solve found a plan, moved to the plan of {second.label}") in text


def test_its_own_report_and_manifest_say_so(swept: tuple[Path, siting.Batch]) -> None:
    folder, result = swept
    run = folder / Path(result.runs[0].out_dir).name
    notices = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["notices"]
    assert len([n for n in notices if LIMIT_WORDS in n]) == 1
    assert LIMIT_WORDS in " ".join((run / "report.md").read_text(encoding="utf-8").split())
