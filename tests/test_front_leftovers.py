"""Input problems of the front door that hid or stood for one another.

- An input that does not exist is reported as missing, and an output folder is never refused for
  holding it (siting/runs/job.py `salvaged_inputs`, siting/deliver/folders.py `input_files`): a
  scenario file, or a layer, named inside the output folder but not there was reported both as
  missing and as an input the folder holds. The folder `out/` is either one the user made, empty,
  or one an earlier run wrote (its `.siting-run` marker listing `plan.txt`); either may be
  replaced, so the missing file is the one problem. A file that is there still refuses the folder.
- Every malformed `--set` is reported in one message, as other input problems are: `sweep`
  reported the first alone, and so did `solve` and `compare`.

The small scenario (tests/data/small) is the current folder; nothing here reaches a solve."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from siting.deliver.folders import write_folder_atomically

MISSING = ("out/missing.yaml: no such scenario file; check its path (a relative path starts at the current "
           "folder)")
MISSING_LAYER = ("out/missing.geojson: sites layer not found; check --set layers.sites.path (a relative path in "
                 "--set starts at the current folder)")
NEGATIVE = ("scenario.yaml: --set constraints.redline.buffer_m | must be greater than or equal to 0 (got -3); give a "
            "value in that range, in m")
SWEPT = "constraints.redline.buffer_m=0,500"


@pytest.fixture(params=["made by the user", "written by a run"])
def small(request: pytest.FixtureRequest, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario's folder as the current folder, with out/ empty or an earlier run's
    folder; running any case of a batch fails the test."""
    if request.param == "made by the user":
        (folder / "out").mkdir()
    else:
        write_folder_atomically(folder / "out", {"plan.txt": "an earlier plan\n"})
    monkeypatch.chdir(folder)
    monkeypatch.setattr("siting.runs.batch.run_cases", lambda *_a, **_k: pytest.fail("a refused batch ran a case"))
    return folder


def contents(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder` (relative name -> bytes, None for a folder)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def refused(folder: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`siting <args>` run in `folder`: exit 2, nothing added or changed there; the message."""
    before = contents(folder)
    assert main(args) == 2
    assert contents(folder) == before
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("args", [
    ["solve", "out/missing.yaml", "--out", "out"],
    ["compare", "out/missing.yaml", "scenario.yaml", "--out", "out"],
    ["sweep", "out/missing.yaml", "--set", SWEPT, "--out", "out"],
], ids=["solve", "compare", "sweep"])
def test_a_missing_scenario_in_the_output_folder_is_missing_not_held(
        small: Path, capsys: pytest.CaptureFixture[str], args: list[str]):
    assert refused(small, args, capsys) == f"error: 1 problem in the input:\n  - {MISSING}\n"


def test_a_missing_scenario_beside_a_folder_that_holds_an_input_still_refuses_that_folder(
        small: Path, capsys: pytest.CaptureFixture[str]):
    """out/ holding a real scenario file (one extending the small one): the folder is refused for
    it, beside the missing file."""
    (small / "out" / "real.yaml").write_text("extends: ../scenario.yaml\nname: real\n")
    err = refused(small, ["compare", "out/missing.yaml", "out/real.yaml", "--out", "out"], capsys)
    assert err.startswith(f"error: 2 problems in the input and with the output folder:\n  - {MISSING}\n  - --out | "
                          "the output folder holds out/real.yaml, an input of this run (got out); ")


def test_a_missing_layer_in_the_output_folder_is_missing_not_held(small: Path, capsys: pytest.CaptureFixture[str]):
    """The scenario loads (solve checks the folder against every input file it names) or fails
    the schema elsewhere (the folder is checked against the inputs known for sure, the layers
    among them): the layer is missing either way, and the folder holds none of the inputs."""
    layer = "layers.sites.path=out/missing.geojson"
    err = refused(small, ["solve", "scenario.yaml", "--set", layer, "--out", "out"], capsys)
    assert err == f"error: 1 problem in the input:\n  - {MISSING_LAYER}\n"
    err = refused(small, ["solve", "scenario.yaml", "--set", layer, "--set", "constraints.redline.buffer_m=-3",
                          "--out", "out"], capsys)
    assert err == f"error: 2 problems in the input:\n  - {NEGATIVE}\n  - {MISSING_LAYER}\n"
    err = refused(small, ["sweep", "scenario.yaml", "--set", layer, "--set", "constraints.redline.buffer_m=-3,0",
                          "--out", "out"], capsys)
    assert err == f"error: 2 problems in the input:\n  - {NEGATIVE}\n  - {MISSING_LAYER}\n"


# --- every malformed --set ------------------------------------------------------------------------


def shape(text: str, expected: str = "KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500") -> str:
    """The problem of a `--set` text without a key, `=` or value."""
    return f"--set {text} | expected {expected}"


UNCLOSED = ("--set constraints.redline.categories | YAML syntax error: the '[' opened at column 1 is never closed "
            "(got '[lake'); close it ")
BRACE = "--set b | YAML syntax error: the '{' opened at column 1 is never closed (got '{y'); close it with '}'"


def test_sweep_reports_every_malformed_setting_together(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Texts without `=`, a key or a value, and values YAML cannot read, in the order given; the
    well-formed setting between them says nothing. The same text twice is one problem."""
    args = ["sweep", str(folder / "scenario.yaml"), "--set", "foo", "--set", "constraints.redline.categories=[lake",
            "--set", SWEPT, "--set", "=3", "--set", "c=", "--set", "foo", "--set", "b={y", "--out", str(folder / "sw")]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "error: 5 problems in the input:\n"
        f"  - {shape('foo')}\n  - {UNCLOSED}with ']'\n  - {shape('=3')}\n  - {shape('c=')}\n  - {BRACE}\n")
    assert not (folder / "sw").exists()


def test_sweep_reports_every_setting_yaml_cannot_read_with_the_output_folder(
        small: Path, capsys: pytest.CaptureFixture[str]):
    """Each text has a key, `=` and values: the batch reads them all, and lists their problems
    with the output folder's (here, one with a file of the user's)."""
    (small / "out" / "mine.txt").write_text("the user's notes\n")
    err = refused(small, ["sweep", "scenario.yaml", "--set", "constraints.redline.categories=[lake", "--set", SWEPT,
                          "--set", "b={y", "--out", "out"], capsys)
    assert err.startswith(f"error: 3 problems in the input and with the output folder:\n  - {UNCLOSED}with ']'\n"
                          f"  - {BRACE}\n  - --out | the output folder ")


def test_python_sweep_reports_every_setting_yaml_cannot_read(folder: Path):
    with pytest.raises(InputError) as caught:
        siting.sweep(folder / "scenario.yaml", ["constraints.redline.categories=[lake", "b={y"])
    assert caught.value.problems == [UNCLOSED.replace("--set", "settings") + "with ']'",
                                     BRACE.replace("--set", "settings")]


@pytest.mark.parametrize("command", ["solve", "compare"])
def test_one_value_commands_report_every_malformed_set_together(
        folder: Path, capsys: pytest.CaptureFixture[str], command: str):
    one = "KEY=VALUE, e.g. constraints.redline.buffer_m=2000"
    scenarios = [str(folder / "scenario.yaml")] * (2 if command == "compare" else 1)
    args = [command, *scenarios, "--set", "foo", "--set", SWEPT, "--set", "=3", "--set", "b={y", "--out",
            str(folder / "out")]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "error: 4 problems in the input:\n"
        f"  - {shape('foo', one)}\n"
        f"  - --set {SWEPT} | takes one value (got 2); to run several values, use siting sweep --set {SWEPT}\n"
        f"  - {shape('=3', one)}\n  - {BRACE}\n")
    assert not (folder / "out").exists()
