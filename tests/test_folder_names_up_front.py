"""Folder names that failed only once the runs were solved are refused before any solve.

- An output folder whose path holds a tab, a line break or a carriage return: GDAL's GeoPackage
  driver cannot open plan.gpkg there (`sqlite3_open(...) failed`), so `solve`, `compare` and
  `sweep` solved every run and then ended with a traceback. Those three characters are the ones
  that break a run's writers; the other control characters (U+0001-U+001F, U+007F), spaces,
  unicode, `|`, `?` and `-` go through every writer and stay allowed.
- A scenario `name` too long for the name of a run's folder of `compare` (the folder is named
  after it, and its cross-start solve is written beside it in `.<name>.cross`): every run was
  solved, then the write was refused and the folder blamed. It is refused at the scenario's
  `name` up front.
- The folder of a run of a comparison or a sweep, replaced alone by `solve`, left the batch's
  tables describing a plan no longer there. It is refused; the batch folder as a whole may still
  be replaced by the batch.

The small scenario (tests/data/small) is the current folder; every refusal is checked for its
exit code, its whole message, no solve and nothing changed on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError, OutputFolderError
from siting.deliver.folders import MARKER, marker_entries, write_folder_atomically, write_marker
from tests.conftest import MadeRun, copied

DATA = Path(__file__).parent / "data" / "small"
SWEPT = "constraints.redline.buffer_m=0,500"


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the small scenario's folder as the current folder."""
    folder = shutil.copytree(DATA, tmp_path / "small")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Preparing a solve or running a batch's cases fails the test: the refusal comes first."""
    monkeypatch.setattr("siting.runs.job.prepare", lambda *_a, **_k: pytest.fail("a refused solve was prepared"))
    monkeypatch.setattr("siting.runs.batch.run_cases", lambda *_a, **_k: pytest.fail("a refused batch ran a case"))


def contents(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder` (relative name -> bytes, None for a folder)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def refused(folder: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`siting <args>`: exit 2, nothing added or changed under `folder`; the message."""
    before = contents(folder)
    assert main(args) == 2
    assert contents(folder) == before
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


COMMANDS = {"solve": ["solve", "scenario.yaml"], "compare": ["compare", "scenario.yaml", "scenario.yaml"],
            "sweep": ["sweep", "scenario.yaml", "--set", SWEPT]}
UNOPENABLE = [("nl\nname", "a line break (\\n)", "nl\\nname"), ("tab\tname", "a tab (\\t)", "tab\\tname"),
              ("cr\rname", "a carriage return (\\r)", "cr\\rname"),
              ("a\nb/run", "a line break (\\n)", "a\\nb/run")]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(("out", "words", "shown"), UNOPENABLE)
def test_an_output_folder_with_a_tab_or_line_break_is_refused_before_solving(
        small: Path, no_solve: None, capsys: pytest.CaptureFixture[str], command: str, out: str, words: str,
        shown: str):
    err = refused(small, [*COMMANDS[command], "--out", out, "--quiet"], capsys)
    assert err == (f"error: 1 problem with the output folder:\n  - --out | the output folder has {words} in its "
                   f"path, which GDAL's GeoPackage driver (plan.gpkg) and many tools cannot open (got {shown}); "
                   "choose a name without tabs or line breaks\n")


def test_the_front_door_refuses_a_line_break_in_out(small: Path, no_solve: None):
    problem = ("out | the output folder has a line break (\\n) in its path, which GDAL's GeoPackage driver "
               "(plan.gpkg) and many tools cannot open (got x\\ny); choose a name without tabs or line breaks")
    with pytest.raises(OutputFolderError) as solved:
        siting.run("scenario.yaml", out="x\ny")
    assert solved.value.problems == [problem]
    with pytest.raises(OutputFolderError) as compared:
        siting.compare(["scenario.yaml", "scenario.yaml"], out="x\ny")
    assert compared.value.problems == [problem]
    assert not any(p.name.startswith("x") for p in small.iterdir())


def test_other_characters_in_the_folder_name_still_work(small: Path, capsys: pytest.CaptureFixture[str]):
    """Spaces, unicode, `|`, `?`, `-` and the control characters other than tab, line feed and
    carriage return (here U+0001, U+001B, U+007F): every writer takes them, plan.gpkg included."""
    import pyogrio

    out = "plan a|b?c-\u6606\u660e\x01\x1b\x7f"
    assert main(["solve", "scenario.yaml", "--out", out, "--quiet"]) == 0
    assert "outputs written to" in capsys.readouterr().out
    assert "sites" in {name for name, _kind in pyogrio.list_layers(small / out / "plan.gpkg")}


def long_named(small: Path, length: int) -> Path:
    """A copy of the scenario whose `name` (line 1) is `length` letters a."""
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    assert text.startswith("name: small\n")
    path = small / "long.yaml"
    path.write_text(text.replace("name: small\n", f"name: {'a' * length}\n", 1), encoding="utf-8")
    return path


def test_compare_refuses_a_scenario_name_too_long_for_a_run_folder_before_solving(
        small: Path, no_solve: None, capsys: pytest.CaptureFixture[str]):
    """300 letters: the run's folder would be 300 bytes, its cross-start folder `.<name>.cross` 307,
    on a file system allowing 255: at most 255 - 7 = 248 letters."""
    long_named(small, 300)
    err = refused(small, ["compare", "long.yaml", "scenario.yaml", "--out", "cmp", "--quiet"], capsys)
    assert err == ("error: 1 problem in the input:\n  - long.yaml:1: name | is too long for the name of a run's "
                   "folder: compare names each run's folder after its scenario (300 bytes here, and 307 for "
                   ".<name>.cross, the folder of its cross-start solve), and the file system of the comparison "
                   "folder (the current folder) allows at most 255 bytes (got aaaaaaaaaaaaaaaaaaaa...aaaaaaaaaa, "
                   "300 characters); give the scenario a name of at most 248 characters\n")


def test_compare_counts_the_suffix_that_makes_a_label_unique(small: Path, no_solve: None,
                                                             capsys: pytest.CaptureFixture[str]):
    """Two runs of one 248-letter name: the second's folder is `<name>-2`, 250 bytes, its
    cross-start folder 257: that run's name must be 2 letters shorter."""
    long_named(small, 248)
    err = refused(small, ["compare", "long.yaml", "long.yaml", "--out", "cmp", "--quiet"], capsys)
    assert "(250 bytes here, and 257 for .<name>.cross" in err
    assert err.endswith("give the scenario a name of at most 246 characters\n")
    assert err.startswith("error: 1 problem in the input:\n  - long.yaml:1: name | is too long")


def test_the_front_door_compare_refuses_a_long_name(small: Path, no_solve: None):
    long_named(small, 249)
    with pytest.raises(InputError, match=r"long\.yaml:1: name \| is too long .* at most 248 characters$"):
        siting.compare(["long.yaml", "scenario.yaml"], out="cmp")
    assert not (small / "cmp").exists()


def test_compare_takes_the_longest_name_that_fits(small: Path, capsys: pytest.CaptureFixture[str]):
    """248 letters: the run's folder and its cross-start folder (255 bytes) both fit."""
    long_named(small, 248)
    assert main(["compare", "long.yaml", "scenario.yaml", "--out", "cmp", "--workers", "1", "--quiet"]) == 0
    assert "comparison written to" in capsys.readouterr().out
    assert {"a" * 248 + "/", "small/"} <= marker_entries(small / "cmp")


def test_solve_refuses_the_folder_of_a_run_of_a_comparison(small: Path, small_twice_compare_run: MadeRun,
                                                           small_twice_compare_rerun: MadeRun,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch):
    """A real comparison (runs small and small-2: a copy of conftest's `small_twice_compare_run`,
    the comparison below of the same inputs); solve into its run small/ is refused before
    solving, with --out and with the scenario's output.folder, and changes nothing; the
    comparison again replaces the whole folder: conftest's `small_twice_compare_rerun`, that
    comparison made from a copy of the small scenario over the same bytes as cmp/ holds here
    after the refusals."""
    copied(small_twice_compare_run.out, small / "cmp")
    with monkeypatch.context() as patched:
        patched.setattr("siting.runs.job.prepare", lambda *_a, **_k: pytest.fail("a refused solve was prepared"))
        err = refused(small, ["solve", "scenario.yaml", "--set", "constraints.redline.buffer_m=0", "--out",
                              "cmp/small", "--quiet"], capsys)
        assert err == ("error: 1 problem with the output folder:\n  - --out | the output folder is run small of the "
                       "comparison in cmp; replacing it would leave comparison.csv, comparison.md, diff.geojson and "
                       "compare.qgs describing another plan (got cmp/small); choose another folder, or run the "
                       "comparison again\n")
        err = refused(small, ["solve", "scenario.yaml", "--set", "output.folder=cmp/small-2", "--quiet"], capsys)
        assert ("scenario.yaml: --set output.folder | the output folder is run small-2 of the comparison in cmp; "
                "replacing it") in err
    assert contents(small / "cmp") == contents(small_twice_compare_run.out)  # what the comparison below replaced
    replaced = small_twice_compare_rerun.out  # `compare scenario.yaml scenario.yaml --out cmp --workers 1 --quiet`
    assert "comparison written to" in small_twice_compare_rerun.stdout
    assert marker_entries(replaced) == marker_entries(small / "cmp")
    assert (replaced / "small" / "manifest.json").read_bytes() != (
        small / "cmp" / "small" / "manifest.json").read_bytes()  # written again


def test_solve_refuses_the_folder_of_a_run_of_a_sweep(small: Path, no_solve: None,
                                                      capsys: pytest.CaptureFixture[str]):
    """A sweep's folder as a batch writes it: its tables and each run's folder with a marker of
    its own, listed `runNN/` in the sweep's marker."""

    def run_folder(target: Path) -> None:
        target.mkdir()
        (target / "plan.csv").write_text("a plan\n")
        write_marker(target, ["plan.csv"])

    write_folder_atomically(small / "sw", {"sweep.csv": "run\nrun01\n", "run01": run_folder})
    assert "run01/" in (small / "sw" / MARKER).read_text()
    err = refused(small, ["solve", "scenario.yaml", "--out", "sw/run01", "--quiet"], capsys)
    assert err == ("error: 1 problem with the output folder:\n  - --out | the output folder is run run01 of the sweep "
                   "in sw; replacing it would leave sweep.csv, sweep.md, sweep.png, diff.geojson and compare.qgs "
                   "describing another plan (got "
                   "sw/run01); choose another folder, or run the sweep again\n")
