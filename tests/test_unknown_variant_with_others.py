"""A `--variant` the scenario file does not define hides neither the problems of `--set` nor
those of the layers: the base scenario, itself a run of the file, is checked with the options,
and every problem comes in one message (`check`, `solve`, `show`, Python's `siting.load`); in
`compare`, a variant no file defines is named beside the options' problems. Solves nothing.
The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError

VARIANT = "scenario.yaml: variants | no variant named 'nope'; defined: (none)"
THREADS = ("scenario.yaml: --set solver.threads | must be a whole number (got 'abc'); write it as digits, without "
           "units or decimals")
SITES = ("nope.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set starts at the "
         "current folder)")
OPTIONS = ["--variant", "nope", "--set", "solver.threads=abc"]


def refused(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> list[str]:
    """The lines `command` prints, refused (exit 2, no traceback)."""
    code = main(command)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return [line.replace(str(folder) + "/", "") for line in err.splitlines()]


@pytest.mark.parametrize("command", ["solve", "check"])
def test_an_unknown_variant_hides_neither_the_sets_nor_the_layers(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    out = ["--out", "run"] if command == "solve" else []
    lines = refused(folder, capsys, [command, "scenario.yaml", *out, *OPTIONS,
                                     "--set", "layers.sites.path=nope.geojson"])
    assert lines == ["error: 3 problems in the input:", f"  - {VARIANT}", f"  - {THREADS}", f"  - {SITES}"]
    assert not (folder / "run").exists()


def test_show_and_load_give_the_sets_problem_with_the_variants(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert refused(folder, capsys, ["show", "scenario.yaml", *OPTIONS]) == [
        "error: 2 problems in the input:", f"  - {VARIANT}", f"  - {THREADS}"]
    with pytest.raises(InputError) as caught:
        siting.load("scenario.yaml", variant="nope", overrides={"solver.threads": "abc"})
    assert [p.replace("overrides", "--set") for p in caught.value.problems] == [VARIANT, THREADS]


def test_compare_names_a_variant_no_file_defines_beside_the_sets_problem(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "other.yaml").write_text((folder / "scenario.yaml").read_text().replace("name: small", "name: other"))
    lines = refused(folder, capsys, ["compare", "scenario.yaml", "other.yaml", *OPTIONS])
    assert lines == ["error: 3 problems in the input:", f"  - {THREADS}",
                     f"  - {THREADS.replace('scenario.yaml', 'other.yaml')}",
                     "  - --variant nope | no scenario file of the comparison defines a variant named 'nope' "
                     "(defined: none); none of them has variants: drop --variant, or add 'nope' to a file's variants"]


def test_an_unknown_variant_is_not_said_to_meet_the_base_runs_folder(folder: Path, capsys, monkeypatch):
    """The scenario's output.folder holds the base scenario's outputs (a solve without a variant):
    `solve --variant nope` and `check --variant nope` name the unknown variant alone, not also that
    the folder "holds the outputs of another run ... while this run is ... variant "nope"" (there
    is no such run; the base scenario checked in its place owns the folder)."""
    monkeypatch.chdir(folder)
    assert main(["solve", "scenario.yaml", "--quiet"]) == 0
    capsys.readouterr()
    for command in ("solve", "check"):
        assert refused(folder, capsys, [command, "scenario.yaml", "--variant", "nope"]) == [
            "error: 1 problem in the input:", f"  - {VARIANT}"]
