"""Small slips of input, each told where it is made and what to write instead.

1. A figure in per cent given as a share (`official_share_pct: 0.309` for 30.9 %) was taken
   silently: it gets a notice, not a refusal, since a red line below 1 % of a region is real.
2. An empty value of a `--set` list (`buffer_m=500,`) was reported as "(got null)".
3. `compare X X` ran the same runs twice without a word; sweep refuses a value given twice.
4. An output folder holding only an empty folder was said to hold "files".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario, parse_override, percent_notices
from siting.deliver.folders import destination_problem
from siting.runs.batch import repeated_file_notices, repeated_runs_note
from siting.runs.pool import Case

SHARE_SAID = ("constraints.redline.official_share_pct | looks like a share, not a percent (got 0.309, read as "
              "0.309 %); give 30.9 for 30.9 %, or leave it if 0.309 % is meant")


# --- 1. a percent given as a share -----------------------------------------------------------------

def test_a_percent_below_one_gets_a_notice_naming_the_file_line_and_fix(folder: Path, monkeypatch):
    """Before: no notice at all (percent_notices did not exist). The notice names the line as
    the errors do, and the file relative to the scenario's folder for the run's files."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 1000, official_share_pct: 0.309}")
    monkeypatch.chdir(folder.parent)
    notices = percent_notices(load_scenario(folder / "scenario.yaml"))
    assert [n.shown for n in notices] == [f"small/scenario.yaml:21: {SHARE_SAID}"]
    assert [str(n) for n in notices] == [f"scenario.yaml:21: {SHARE_SAID}"]


def test_a_percent_from_the_command_line_is_named_so_and_a_real_percent_is_not(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    given = load_scenario("scenario.yaml", overrides=(("constraints.redline.official_share_pct", 0.309),))
    assert [n.shown for n in percent_notices(given)] == [f"scenario.yaml: --set {SHARE_SAID}"]
    for fine in (30.9, 1, 100):
        loaded = load_scenario("scenario.yaml", overrides=(("constraints.redline.official_share_pct", fine),))
        assert percent_notices(loaded) == []
    assert percent_notices(load_scenario("scenario.yaml")) == []  # none given


# --- 2. an empty value in a --set list -----------------------------------------------------------

@pytest.mark.parametrize(("text", "said"), [
    ("constraints.redline.buffer_m=500,", "the 2nd value is empty (nothing after the last comma)"),
    ("constraints.redline.buffer_m=,500", "the 1st value is empty (nothing before the first comma)"),
    ("constraints.redline.buffer_m=0, ,500", "the 2nd value is empty (nothing between two commas)"),
])
def test_an_empty_value_is_named_by_its_place(text: str, said: str):
    """Before: the empty value was read as null and refused as "(got null)", far from the comma."""
    with pytest.raises(InputError) as caught:
        parse_override(text)
    assert caught.value.problems == [f"--set {text} | {said}; give a value there or drop the comma (write null for "
                                     "no value)"]


def test_several_empty_values_and_what_stays_allowed():
    with pytest.raises(InputError) as caught:
        parse_override("constraints.redline.buffer_m=0,,")
    assert caught.value.problems == ["--set constraints.redline.buffer_m=0,, | the 2nd and 3rd values are empty; give "
                                     "a value in each or drop the commas too many (write null for no value)"]
    assert parse_override("description=") == ("description", [""])  # one empty text, which the schema judges
    assert parse_override("a.b=0,null,[1,]") == ("a.b", [0, None, [1]])


def test_sweep_names_the_empty_value(folder: Path, capsys):
    code = main(["sweep", str(folder / "scenario.yaml"), "--set", "constraints.redline.buffer_m=500,",
                 "--out", str(folder / "sw")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == ("error: 1 problem in the input:\n  - --set constraints.redline.buffer_m=500, | the 2nd value is "
                   "empty (nothing after the last comma); give a value there or drop the comma (write null for no "
                   "value)\n")
    assert not (folder / "sw").exists()


# --- 3. a scenario file given twice to compare ---------------------------------------------------

def test_a_scenario_file_given_twice_is_told(folder: Path, monkeypatch):
    """Before: no word (repeated_file_notices did not exist). A notice, since a second run of the
    same may be meant; the same file by another path is the same file."""
    monkeypatch.chdir(folder)
    assert repeated_file_notices([Path("scenario.yaml"), Path("b.yaml"), Path("./scenario.yaml")]) == [
        "compare | repeats the scenario file scenario.yaml (given 1st and 3rd), which runs the same run twice; give "
        "each scenario file once, unless a second run of the same is meant"]
    (folder / "again.yaml").symlink_to("scenario.yaml")
    assert repeated_file_notices([Path("scenario.yaml"), Path("again.yaml")], "paths") == [
        "paths | repeats the scenario file scenario.yaml (given 1st, and 2nd as again.yaml), which runs the same run "
        "twice; give each scenario file once, unless a second run of the same is meant"]
    assert repeated_file_notices([Path("scenario.yaml"), Path("b.yaml")]) == []


def test_the_comparison_note_names_the_repeated_run(folder: Path):
    scenario = folder / "scenario.yaml"
    cases = [Case("small", scenario, Path("small")), Case("b", folder / "b.yaml", Path("b")),
             Case("small-2", folder / "." / "scenario.yaml", Path("small-2"))]
    assert repeated_runs_note(cases) == "small-2 repeats small (the scenario file scenario.yaml, given more than once)."
    assert repeated_runs_note(cases[:2]) == ""
    assert repeated_runs_note([cases[0], Case("strict", scenario, Path("strict"), "strict")]) == ""


# --- 4. an output folder holding only an empty folder -------------------------------------------

def test_an_empty_subfolder_is_named_as_such(tmp_path: Path):
    """Before: "is a folder with files that siting did not write", for a folder holding no file."""
    out = tmp_path / "out"
    (out / "old").mkdir(parents=True)
    assert destination_problem(out, []) == (
        "is a folder without a .siting-run marker, holding folders siting did not write: an empty old/",
        "choose another folder, or empty this one: a run replaces only an empty folder or one it wrote")
    (out / "notes.txt").write_text("mine\n")
    (out / "data").mkdir()
    (out / "data" / "x.csv").write_text("1\n")
    assert destination_problem(out, [])[0] == (
        "is a folder without a .siting-run marker, holding files and folders siting did not write: data/, notes.txt, "
        "an empty old/")


def test_solve_into_it_says_so(folder: Path, capsys):
    out = folder / "out"
    (out / "old").mkdir(parents=True)
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err == ("error: 1 problem with the output folder:\n  - --out | the output folder is a folder without a "
                   f".siting-run marker, holding folders siting did not write: an empty old/ (got {out}); "
                   "choose another folder, or empty this one: a run replaces only an empty folder or one it wrote\n")
