"""A refused output folder and the input's problems are reported together by `compare` and
`sweep`, as by `solve` (siting/runs/job.py `refused_together`): one message headed "N problems
in the input and with the output folder:", the input's problems first, exit 2, nothing written
and no run started (siting/runs/batch.py `checked_folder`). Each problem alone is reported as
before.

The small scenario (tests/data/small) has one red-line category, lake; b.yaml extends it. The
folder the user made, out/, holds a file of theirs (no .siting-run marker)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError, OutputFolderError

#: A category the red-line layer does not have: found by the check against the layers.
BAD_CATEGORY = "constraints.redline.categories=[lake, nope]"
#: A buffer the scenario's schema refuses: found before the layers are read.
BAD_BUFFER = "constraints.redline.buffer_m=-3"
CATEGORY = ("{file}: --set constraints.redline.categories | unknown red-line category (got 'nope'); choose one of: "
            "lake")
NEGATIVE = ("scenario.yaml: --set constraints.redline.buffer_m | must be greater than or equal to 0 (got -3); give a "
            "value in that range, in m")
UNMARKED = ("--out | the output folder is a folder without a .siting-run marker, holding files siting did not "
            "write: mine.txt (got {out}); choose another folder, or empty this one: a run replaces only an empty "
            "folder or one it wrote")
HOLDS = ("--out | the output folder holds catalog.yaml, an input of this run (got .); choose a folder outside the "
         "folders that hold the scenario, its bases, the catalog and the layers")


@pytest.fixture
def small(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario's folder as the current folder, with b.yaml beside scenario.yaml, the
    user's folder out/ holding mine.txt, and running any case made to fail the test."""
    (folder / "b.yaml").write_text("extends: scenario.yaml\nname: b\n")
    (folder / "out").mkdir()
    (folder / "out" / "mine.txt").write_text("the user's notes\n")
    monkeypatch.chdir(folder)
    monkeypatch.setattr("siting.runs.batch.run_cases", lambda *_a, **_k: pytest.fail("a refused batch ran a case"))
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative name -> bytes), hidden ones included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(small: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`siting <args>` run in `small`: exit 2, no file or folder added or changed there; the
    message."""
    before = contents(small), sorted(p.name for p in small.rglob("*"))
    assert main(args) == 2
    assert (contents(small), sorted(p.name for p in small.rglob("*"))) == before
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_compare_reports_a_layer_check_s_problem_and_the_refused_folder_together(
        small: Path, capsys: pytest.CaptureFixture[str]):
    """The category is checked against the red-line layer of each scenario; the folder, checked
    only once both passed, was not reported."""
    err = refused(small, ["compare", "scenario.yaml", "b.yaml", "--set", BAD_CATEGORY, "--out", "out"], capsys)
    assert err == ("error: 3 problems in the input and with the output folder:\n"
                   f"  - {CATEGORY.format(file='scenario.yaml')}\n  - {CATEGORY.format(file='b.yaml')}\n"
                   f"  - {UNMARKED.format(out='out')}\n")


def test_sweep_reports_a_scenario_problem_and_the_refused_folder_together(
        small: Path, capsys: pytest.CaptureFixture[str]):
    """The schema refuses one of the swept values; the other run's case is fine."""
    err = refused(small, ["sweep", "scenario.yaml", "--set", "constraints.redline.buffer_m=-3,500", "--out", "out"],
                  capsys)
    assert err == ("error: 2 problems in the input and with the output folder:\n"
                   f"  - {NEGATIVE}\n  - {UNMARKED.format(out='out')}\n")


def test_the_folder_is_checked_against_the_inputs_of_a_case_with_problems(
        small: Path, capsys: pytest.CaptureFixture[str]):
    """`--out .` is the folder of the scenario's inputs. Every case has a problem, yet the
    folder is checked against the inputs known for sure, as for a case without problems: what
    the scenario file gives beside the schema's problem (the sweep), every input where only the
    layers have problems (the comparison of runs/a.yaml and runs/b.yaml). The folder is refused
    for holding the first of them in name order, catalog.yaml, where the scenario files alone
    would have named scenario.yaml or runs/a.yaml."""
    err = refused(small, ["sweep", "scenario.yaml", "--set", BAD_BUFFER, "--out", "."], capsys)
    assert err == f"error: 2 problems in the input and with the output folder:\n  - {NEGATIVE}\n  - {HOLDS}\n"
    (small / "runs").mkdir()  # scenarios apart from the layers: `.` holds their base, catalog and layers
    for name in ("a", "b"):
        (small / "runs" / f"{name}.yaml").write_text(f"extends: ../scenario.yaml\nname: {name}\n")
    err = refused(small, ["compare", "runs/a.yaml", "runs/b.yaml", "--set", BAD_CATEGORY, "--out", "."], capsys)
    assert err == ("error: 3 problems in the input and with the output folder:\n"
                   f"  - {CATEGORY.format(file='runs/a.yaml')}\n  - {CATEGORY.format(file='runs/b.yaml')}\n"
                   f"  - {HOLDS}\n")


def test_too_few_scenarios_and_the_refused_folder_together(small: Path, capsys: pytest.CaptureFixture[str]):
    err = refused(small, ["compare", "scenario.yaml", "--out", "out"], capsys)
    assert err == ("error: 2 problems in the input and with the output folder:\n"
                   "  - compare | needs at least two scenarios (or one file with variants) to compare\n"
                   f"  - {UNMARKED.format(out='out')}\n")


def test_either_problem_alone_is_reported_as_before(small: Path, capsys: pytest.CaptureFixture[str]):
    """A folder to be made: the input's problems alone (the folder not made); good input: the
    folder's problem alone."""
    err = refused(small, ["compare", "scenario.yaml", "b.yaml", "--set", BAD_CATEGORY, "--out", "fresh"], capsys)
    assert err == ("error: 2 problems in the input:\n"
                   f"  - {CATEGORY.format(file='scenario.yaml')}\n  - {CATEGORY.format(file='b.yaml')}\n")
    err = refused(small, ["sweep", "scenario.yaml", "--set", "constraints.redline.buffer_m=-3,500", "--out", "fresh"],
                  capsys)
    assert err == f"error: 1 problem in the input:\n  - {NEGATIVE}\n"
    err = refused(small, ["compare", "scenario.yaml", "b.yaml", "--out", "out"], capsys)
    assert err == f"error: 1 problem with the output folder:\n  - {UNMARKED.format(out='out')}\n"
    err = refused(small, ["sweep", "scenario.yaml", "--set", "constraints.redline.buffer_m=0,500", "--out", "out"],
                  capsys)
    assert err == f"error: 1 problem with the output folder:\n  - {UNMARKED.format(out='out')}\n"


def test_python_callers_get_one_output_folder_error_with_both(small: Path):
    """`siting.compare` and `siting.sweep` raise the same OutputFolderError, the problems naming
    the arguments (`overrides`, `settings`, `out`); alone, the input's problems are an InputError
    that is not an OutputFolderError."""
    before = contents(small)
    unmarked = UNMARKED.replace("--out", "out").format(out="out")
    with pytest.raises(OutputFolderError) as caught:
        siting.compare(["scenario.yaml", "b.yaml"], "out",
                       overrides={"constraints.redline.categories": ["lake", "nope"]})
    assert str(caught.value).startswith("3 problems in the input and with the output folder:\n")
    assert caught.value.problems == [CATEGORY.replace("--set", "overrides").format(file="scenario.yaml"),
                                     CATEGORY.replace("--set", "overrides").format(file="b.yaml"), unmarked]
    with pytest.raises(OutputFolderError) as caught:
        siting.sweep("scenario.yaml", {"constraints.redline.buffer_m": [-3, 500]}, "out")
    assert caught.value.problems == [NEGATIVE.replace("--set", "settings"), unmarked]
    with pytest.raises(InputError) as caught:
        siting.sweep("scenario.yaml", {"constraints.redline.buffer_m": [-3, 500]}, "fresh")
    assert not isinstance(caught.value, OutputFolderError)
    assert caught.value.problems == [NEGATIVE.replace("--set", "settings")]
    assert contents(small) == before
    assert not (small / "fresh").exists()
