"""The Python front door refuses an `out` inside the hidden folder a batch assembles its outputs
in, as the command line refuses `--out` there: before anything is read or written, with the
setting named as the caller typed it (`out`)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.config.errors import OutputFolderError
from siting.deliver.folders import staging_folder

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def refusal(staging: Path, out: Path, verb: str) -> list[str]:
    return [
        f"out | the output folder {verb} {staging}, the hidden folder where a run, comparison or sweep "
        f"assembles its outputs before moving them to {staging.parent / 'CMP'} (got {out}); choose a "
        f"folder outside {staging}"
    ]


@pytest.mark.parametrize("call", ["run", "compare", "sweep"])
@pytest.mark.parametrize("below", ["mine", ""])
def test_out_inside_a_staging_folder_is_refused_before_anything_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, below: str
) -> None:
    monkeypatch.setattr("siting.runs.job.prepare", lambda *_args, **_kwargs: pytest.fail("loaded"))
    monkeypatch.setattr("siting.api.prepare", lambda *_args, **_kwargs: pytest.fail("loaded"))
    staging = staging_folder(tmp_path / "CMP")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    out = staging / below if below else staging
    with pytest.raises(OutputFolderError) as caught:
        if call == "run":
            siting.run(SMALL, out=out)
        elif call == "compare":
            siting.compare([SMALL, SMALL], out=out)
        else:
            siting.sweep(SMALL, {"solver.mip_gap": [0.01, 0.02]}, out=out)
    assert caught.value.problems == refusal(staging, out, "lies inside" if below else "is")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_solution_is_not_written_into_a_staging_folder(tmp_path: Path) -> None:
    solution = siting.solve(SMALL)
    staging = staging_folder(tmp_path / "CMP")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(OutputFolderError) as caught:
        solution.write(staging / "mine")
    assert caught.value.problems == [refusal(staging, staging / "mine", "lies inside")[0].replace("out |", "folder |")]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
