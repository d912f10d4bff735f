"""Two scenario files of the same name in different folders (scA/scenario.yaml, scB/scenario.yaml)
whose `output.folder` is the same folder: a run of one does not replace the outputs of the other
there (exit 2, nothing written), naming both; a re-run of the same file replaces its own. The
plan's manifest.json records the scenario file's path from the output folder under `run`
(`scenario_from_folder`), which tells the files apart; a folder whose manifest does not record it
(written by an earlier version), or records a file that is no longer there, is told by the file's
name, as before."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import OutputFolderError
from tests.conftest import SMALL


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def scenario_copy(folder: Path, name: str) -> None:
    shutil.copytree(SMALL, folder)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("folder: out\n", "folder: ../sharedout\n", 1).replace("name: small\n", f"name: {name}\n", 1)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def solved_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scA/ and scB/, copies of tests/data/small (scB's scenario named `other_small`), both with
    `output.folder: ../sharedout`; scA/scenario.yaml solved into sharedout/."""
    root = tmp_path_factory.mktemp("same_name") / "root"
    root.mkdir()
    scenario_copy(root / "scA", "small")
    scenario_copy(root / "scB", "other_small")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        patch.chdir(root)
        assert main(["solve", "scA/scenario.yaml", "--quiet"]) == 0
    return root


@pytest.fixture
def root(solved_a: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of `solved_a`, the current folder."""
    folder = tmp_path / "root"
    shutil.copytree(solved_a, folder, symlinks=True)
    monkeypatch.chdir(folder)
    return folder


def refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "Traceback" not in captured.err
    return captured.err


def test_the_manifest_records_the_scenario_file_from_the_output_folder(root: Path):
    assert manifest(root / "sharedout")["run"]["scenario_from_folder"] == "../scA/scenario.yaml"


def test_another_file_of_the_same_name_does_not_replace_the_outputs(root: Path, capsys):
    before = snapshot(root)
    err = refused(["solve", "scB/scenario.yaml"], capsys)
    assert err == (
        "error: 1 problem with the output folder:\n  - scB/scenario.yaml:36: output.folder | the output folder "
        'holds the outputs of another run, scenario "small" without a variant of scA/scenario.yaml, while this run '
        'is scenario "other_small" without a variant of scB/scenario.yaml (got sharedout); a run replaces the '
        "outputs of another scenario or variant only where --out names their folder: give this run a folder of its "
        "own, with --out or with output.folder in scB/scenario.yaml, or give --out sharedout to replace them\n")
    assert snapshot(root) == before


def test_the_front_door_refuses_too(root: Path):
    before = snapshot(root)
    with pytest.raises(OutputFolderError) as error:
        siting.run("scB/scenario.yaml")
    assert "of scA/scenario.yaml, while this run is" in error.value.problems[0]
    assert snapshot(root) == before


def test_the_same_scenario_name_is_told_apart_by_the_file(root: Path, capsys):
    text = (root / "scB" / "scenario.yaml").read_text(encoding="utf-8")
    (root / "scB" / "scenario.yaml").write_text(text.replace("name: other_small\n", "name: small\n", 1),
                                                encoding="utf-8")
    before = snapshot(root)
    err = refused(["solve", "scB/scenario.yaml"], capsys)
    assert ('holds the outputs of another run, scenario "small" without a variant of scA/scenario.yaml, while this '
            'run is scenario "small" without a variant of scB/scenario.yaml (got sharedout)') in err
    assert snapshot(root) == before


def test_a_rerun_of_the_same_file_replaces_its_outputs(root: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    text = (root / "scA" / "scenario.yaml").read_text(encoding="utf-8")
    (root / "scA" / "scenario.yaml").write_text(text.replace("name: small\n", "name: small_v2\n", 1), encoding="utf-8")
    monkeypatch.chdir(root / "scA")  # from another folder: the same file all the same
    assert main(["solve", "scenario.yaml", "--quiet"]) == 0
    record = manifest(root / "sharedout")
    assert record["scenario"] == "small_v2"
    assert record["run"]["scenario_from_folder"] == "../scA/scenario.yaml"


def test_solution_write_records_the_file_and_refuses_another(root: Path):
    solution = siting.solve(siting.load("scB/scenario.yaml"))
    before = snapshot(root)
    with pytest.raises(OutputFolderError):
        solution.write()
    assert snapshot(root) == before
    assert solution.write(root / "sharedout") == root / "sharedout"  # named for it: replaced
    assert manifest(root / "sharedout")["run"]["scenario_from_folder"] == "../scB/scenario.yaml"
    assert manifest(root / "sharedout")["scenario"] == "other_small"


def without_record(out: Path) -> None:
    """Make `out`'s manifest.json as an earlier version wrote it, without `run.scenario_from_folder`
    (the marker does not count the `run` member, so that it still holds)."""
    data = manifest(out)
    del data["run"]["scenario_from_folder"]
    (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_a_folder_without_the_record_is_told_by_the_file_name(root: Path, capsys):
    without_record(root / "sharedout")
    assert main(["solve", "scB/scenario.yaml", "--quiet"]) == 0  # the same file name: taken for a re-run
    assert manifest(root / "sharedout")["scenario"] == "other_small"


def test_a_recorded_file_no_longer_there_is_told_by_the_file_name(root: Path, capsys):
    shutil.move(root / "scA", root / "scA_moved")
    assert main(["solve", "scA_moved/scenario.yaml", "--quiet"]) == 0
    assert manifest(root / "sharedout")["run"]["scenario_from_folder"] == "../scA_moved/scenario.yaml"
