"""A run whose output folder comes from its scenario's `output.folder` (no `--out`, no `out=`)
does not replace the outputs of another scenario or variant that the folder holds: a variant, or
a file that extends the scenario under its own name, inherits the base's folder, and would
otherwise replace the base's plan without a word. It is refused (exit 2, nothing written),
naming what the folder holds and what this run is (from the folder's manifest.json). A re-run of
the same scenario and variant (with or without `--set`) replaces its own outputs, as does a run
whose folder is named for it (`--out`, `out=`, `--set output.folder=...`)."""

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

VARIANT = "variants:\n  wide_buffer: {constraints: {redline: {buffer_m: 3000}}}\n"
CHILD = "extends: ../scenario.yaml\nname: child\n"


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def recorded(out: Path) -> tuple[str, str | None]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest["scenario"], manifest["variant"]


@pytest.fixture(scope="module")
def base_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/small with a variant `wide_buffer` and child/child.yaml (extends it, name
    `child`), its base scenario solved into its default folder, out/."""
    folder = tmp_path_factory.mktemp("shared") / "small"
    shutil.copytree(SMALL, folder)
    with (folder / "scenario.yaml").open("a", encoding="utf-8") as file:
        file.write(VARIANT)
    (folder / "child").mkdir()
    (folder / "child" / "child.yaml").write_text(CHILD, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        patch.chdir(folder)
        assert main(["solve", "scenario.yaml", "--quiet"]) == 0
    return folder


@pytest.fixture
def small(base_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of `base_run`, the current folder."""
    folder = tmp_path / "small"
    shutil.copytree(base_run, folder, symlinks=True)
    monkeypatch.chdir(folder)
    return folder


def refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "Traceback" not in captured.err
    return captured.err


VARIANT_LINE = (
    'scenario.yaml:36: output.folder | the output folder holds the outputs of another run, scenario "small" '
    'without a variant, while this run is scenario "small-wide_buffer", variant "wide_buffer" (got out); a run '
    "replaces the outputs of another scenario or variant only where {out} names their folder: give this run a "
    "folder of its own, with {out} or with output.folder under variants.wide_buffer in scenario.yaml, or give "
    "{given} to replace them")


def test_a_variant_does_not_replace_the_base_run_in_the_default_folder(small: Path, capsys):
    before = snapshot(small)
    err = refused(["solve", "scenario.yaml", "--variant", "wide_buffer"], capsys)
    assert err == ("error: 1 problem with the output folder:\n  - "
                   + VARIANT_LINE.format(out="--out", given="--out out") + "\n")
    assert snapshot(small) == before


def test_a_file_extending_the_scenario_does_not_replace_the_base_run(small: Path, capsys):
    before = snapshot(small)
    err = refused(["solve", "child/child.yaml"], capsys)
    assert err == (
        "error: 1 problem with the output folder:\n  - scenario.yaml:36: output.folder | the output folder holds "
        'the outputs of another run, scenario "small" without a variant of scenario.yaml, while this run is scenario '
        '"child" without a variant of child.yaml (got out); a run replaces the outputs of another scenario or '
        "variant only where --out "
        "names their folder: give this run a folder of its own, with --out or with output.folder in "
        "child/child.yaml, or give --out out to replace them\n")
    assert snapshot(small) == before


def test_the_front_door_refuses_too_naming_out(small: Path):
    before = snapshot(small)
    with pytest.raises(OutputFolderError) as error:
        siting.run("scenario.yaml", variant="wide_buffer")
    assert error.value.problems == [VARIANT_LINE.format(out="out=", given="out='out'")]
    assert snapshot(small) == before


def test_solution_write_without_a_folder_refuses_too(small: Path):
    solution = siting.solve(siting.load("scenario.yaml", variant="wide_buffer"))
    before = snapshot(small)
    with pytest.raises(OutputFolderError) as error:
        solution.write()
    assert error.value.problems == [VARIANT_LINE.format(out="folder=", given="folder='out'")]
    assert snapshot(small) == before
    assert solution.write(small / "wide") == small / "wide"


def test_a_rerun_of_the_same_scenario_replaces_its_outputs(small: Path, capsys):
    assert main(["solve", "scenario.yaml", "--quiet", "--set", "constraints.redline.buffer_m=1500"]) == 0
    assert recorded(small / "out") == ("small", None)


def test_a_named_out_replaces_another_runs_outputs(small: Path, capsys):
    assert main(["solve", "scenario.yaml", "--quiet", "--variant", "wide_buffer", "--out", "out"]) == 0
    assert recorded(small / "out") == ("small-wide_buffer", "wide_buffer")


def test_an_override_of_output_folder_names_it_for_the_run(small: Path, capsys):
    assert main(["solve", "scenario.yaml", "--quiet", "--variant", "wide_buffer", "--set",
                 "output.folder=out"]) == 0
    assert recorded(small / "out") == ("small-wide_buffer", "wide_buffer")


def test_a_variant_with_its_own_folder_is_written_there(small: Path, capsys):
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    (small / "scenario.yaml").write_text(text.replace("buffer_m: 3000}}}", "buffer_m: 3000}}, output: {folder: "
                                                      "out_wide}}"), encoding="utf-8")
    before = snapshot(small / "out")
    assert main(["solve", "scenario.yaml", "--quiet", "--variant", "wide_buffer"]) == 0
    assert recorded(small / "out_wide") == ("small-wide_buffer", "wide_buffer")
    assert snapshot(small / "out") == before
    # the variant's folder is its own: its re-run replaces it, and the base may not
    assert main(["solve", "scenario.yaml", "--quiet", "--variant", "wide_buffer"]) == 0


def test_a_rerun_under_another_name_replaces_its_own_outputs(small: Path, capsys):
    """The run is its scenario file and variant: a name set on the command line, or edited in the
    file, leaves the folder the scenario's own."""
    assert main(["solve", "scenario.yaml", "--quiet", "--set", "name=renamed"]) == 0
    assert recorded(small / "out") == ("renamed", None)
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    (small / "scenario.yaml").write_text(text.replace("name: small\n", "name: small_v2\n", 1), encoding="utf-8")
    assert main(["solve", "scenario.yaml", "--quiet"]) == 0
    assert recorded(small / "out") == ("small_v2", None)


def test_a_file_extending_the_scenario_under_its_name_does_not_replace_the_base_run(small: Path, capsys):
    (small / "same.yaml").write_text("extends: scenario.yaml\ndescription: the same name\n", encoding="utf-8")
    before = snapshot(small)
    err = refused(["solve", "same.yaml"], capsys)
    assert ('holds the outputs of another run, scenario "small" without a variant of scenario.yaml, while this run '
            'is scenario "small" without a variant of same.yaml (got out)') in err
    assert snapshot(small) == before


def test_a_variant_that_names_the_base_folder_itself_replaces_it(small: Path, capsys):
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    (small / "scenario.yaml").write_text(text.replace("buffer_m: 3000}}}", "buffer_m: 3000}}, output: {folder: "
                                                      "out}}"), encoding="utf-8")
    assert main(["solve", "scenario.yaml", "--quiet", "--variant", "wide_buffer"]) == 0
    assert recorded(small / "out") == ("small-wide_buffer", "wide_buffer")


def test_the_folder_to_give_is_quoted_as_a_shell_reads_it(small: Path, capsys):
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    (small / "scenario.yaml").write_text(text.replace("folder: out", "folder: my out"), encoding="utf-8")
    assert main(["solve", "scenario.yaml", "--quiet"]) == 0
    err = refused(["solve", "scenario.yaml", "--variant", "wide_buffer"], capsys)
    assert err.rstrip().endswith("or give --out 'my out' to replace them")


def test_a_variant_that_fails_the_schema_is_told_of_the_folder_too(small: Path, capsys):
    """The folder's problem is listed beside the input's, as for any other refused folder, not
    found only at the next attempt."""
    err = refused(["solve", "scenario.yaml", "--variant", "wide_buffer", "--set", "constraints.redline.buffer_m=-5"],
                  capsys)
    assert err.startswith("error: 2 problems in the input and with the output folder:\n")
    assert "--set constraints.redline.buffer_m | must be greater than or equal to 0 (got -5)" in err
    assert 'holds the outputs of another run, scenario "small" without a variant, while this run is' in err
