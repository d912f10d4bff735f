"""`siting check`: every check `siting solve` makes before it solves (scenario, layers,
preprocessing, model inputs, output folder), a short summary, and nothing written anywhere.

The small scenario (tests/data/small, see tests/test_cli.py): clusters West and East with two
sites each; products FePO4, LFP and Cells over 2023-2024, so 4 x 3 = 12 candidate pairs. The red
line keeps out the three products at w_lake, inside the lake's 1 km buffer; the proximity rule
(phosphate within 50 km) keeps FePO4 out of e_city and e_far, 130 km and more from the source.

The shipped scenario, counted from its files apart from the tool (geopandas, EPSG:32648): the
18 polygons of geodata/yunnan/sites.geojson lie 6 in Kunming, 5 in Yuxi and 7 in Qujing; the
catalog has 11 products, so 198 pairs. The 1 km buffer, with 5 km from lakes and lakeside zones
for FePO4, Li2CO3, NCM precursor and electrolyte, covers the whole of Jiangchuan and Tonghai for
those four products: 8 pairs. The producing sources within the road limits (straight line x 1.3)
leave 31 pairs out of reach: the lithium-clay source is prospective, so Li2CO3 is out at all 18."""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from siting.cli import build_parser, main
from tests.conftest import SHIPPED

DATA = Path(__file__).parent / "data" / "small"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under `folder` (hidden ones too), a file with its content and
    modification time. A folder's own modification time is left out here: the output folder's
    check, as solve makes it, makes an empty folder beside it and removes it at once
    (siting/deliver/folders.py `_write_problem`), then sets that time back, which
    tests/test_check_times.py checks."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else (b"", 0)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    target = tmp_path / "small"
    shutil.copytree(DATA, target)
    return target


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_small_scenario_summary_and_nothing_written(small: Path, tmp_path: Path, capsys,
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "400")  # the folder's line unwrapped, whatever its path
    before = snapshot(tmp_path)
    code, out, err = check(capsys, str(small / "scenario.yaml"))
    assert code == 0, err
    assert "Traceback" not in err
    lines = out.splitlines()
    assert lines[:7] == [
        "scenario  small",
        "clusters  2: West, East",
        "sites     4 eligible (West 2, East 2), 0 dropped outside every cluster",
        "products  3: FePO4, LFP, Cells",
        "years     2023-2024",
        "solver    gap 0% (solver.rel_gap), time limit 60 s (solver.time_limit_s)",
        "site-product pairs kept out: red line 3, proximity 2 (of 12 candidate pairs)",
    ]
    assert lines[7] == f"output folder {(small / 'out').resolve()} does not exist: solve will create it"
    assert lines[-1].startswith("ready to solve: checked in ")
    assert "load " in lines[-1] and "preprocess " in lines[-1]
    assert not (small / "out").exists()
    assert snapshot(tmp_path) == before


def test_check_options_as_solve(small: Path, tmp_path: Path, capsys,
        monkeypatch: pytest.MonkeyPatch):
    """--set and --out as solve takes them; a rule switched off keeps nothing out."""
    monkeypatch.setenv("COLUMNS", "400")  # the folder's line unwrapped, whatever its path
    out_dir = tmp_path / "elsewhere" / "run"
    before = snapshot(tmp_path)
    code, out, err = check(capsys, str(small / "scenario.yaml"), "--set", "constraints.redline.enabled=false",
                           "--out", str(out_dir))
    assert code == 0, err
    assert "site-product pairs kept out: red line 0 (rule off), proximity 2 (of 12 candidate pairs)" in out
    assert f"output folder {out_dir} does not exist: solve will create it, and the missing folder above it" in out
    assert not out_dir.parent.exists()
    assert snapshot(tmp_path) == before


def test_check_says_what_solve_will_do_with_the_output_folder(small: Path, tmp_path: Path, capsys,
        monkeypatch: pytest.MonkeyPatch):
    """Not "may be written": what solve's own rule (siting/deliver/folders.py) will do with the
    folder, an empty one written into, one an earlier run wrote (its marker) replaced, and one a
    comparison wrote named as such: all of it goes, not only "an earlier run"."""
    monkeypatch.setenv("COLUMNS", "400")  # the folder's line unwrapped, whatever its path
    from siting.deliver.folders import write_marker

    empty = tmp_path / "empty"
    empty.mkdir()
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    write_marker(earlier)
    compared = tmp_path / "compared"  # a comparison of 2 runs: its table, each run's folder marked
    for run in ("a", "b"):
        (compared / run).mkdir(parents=True)
        write_marker(compared / run)
    (compared / "comparison.csv").write_text("metric\n", encoding="utf-8")
    write_marker(compared, ["comparison.csv", "a/", "b/"])
    said = {}
    for folder in (empty, earlier, compared):
        code, out, err = check(capsys, str(small / "scenario.yaml"), "--out", str(folder))
        assert code == 0, err
        said[folder.name] = out.splitlines()[7]
    assert said == {
        "empty": f"output folder {empty} is empty: solve will write its outputs into it",
        "earlier": f"output folder {earlier} holds the outputs of an earlier run (its .siting-run marker): solve "
                   "will replace them with its own",
        "compared": f"output folder {compared} holds a comparison of 2 runs (its .siting-run marker): solve will "
                    "replace it whole with its own outputs",
    }


def bad(small: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """`check` of a bad scenario: exit 2, no traceback, nothing written; its message, which is
    solve's, word for word (solve refuses it before it writes anything), the folder taken out."""
    out = small / "out"
    before = snapshot(small)
    code, printed, err = check(capsys, str(small / "scenario.yaml"), *extra)
    assert code == 2, err
    assert printed == ""
    assert "Traceback" not in err
    assert snapshot(small) == before and not out.exists()
    assert main(["solve", str(small / "scenario.yaml"), "--quiet", *extra]) == 2
    assert capsys.readouterr().err == err
    assert snapshot(small) == before
    return err.replace(str(small) + "/", "")


def test_check_missing_layer_file(small: Path, capsys):
    (small / "redline.geojson").unlink()
    assert bad(small, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: redline layer not found; check layers.redline.path at scenario.yaml:9 (relative paths "
        "start at the folder of the file that names it)\n"
    )


def test_check_layer_without_id_column(small: Path, capsys):
    data = json.loads((small / "sites.geojson").read_text())
    for feature in data["features"]:
        del feature["properties"]["site_id"]
    (small / "sites.geojson").write_text(json.dumps(data))
    assert bad(small, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'site_id' | missing from the sites layer (has: name, usable_area_ha, existing_lfp, "
        "land_price_yuan_per_ha, power_tariff_yuan_per_kwh); add it or set layers.sites.id_field to the right field "
        "name\n"
    )


def test_check_refused_output_folder_listed_with_layer_problems(small: Path, capsys):
    """An output folder solve would refuse (here a folder holding a file the tool did not write)
    is refused by check too, with the layers' problems in one message, and left as it is."""
    (small / "out").mkdir()
    (small / "out" / "notes.txt").write_text("mine\n")
    (small / "redline.geojson").unlink()
    before = snapshot(small)
    code, printed, err = check(capsys, str(small / "scenario.yaml"))
    assert code == 2 and printed == "" and "Traceback" not in err
    assert snapshot(small) == before
    assert err.startswith("error: 2 problems in the input and with the output folder:\n")
    assert "redline layer not found" in err and "notes.txt" in err
    assert main(["solve", str(small / "scenario.yaml"), "--quiet"]) == 2
    assert capsys.readouterr().err == err


@dataclass(frozen=True)
class ShippedCheck:
    """`siting check` of the shipped scenario: its exit code, what it printed on standard output
    and on standard error, and the scenario's folder and the outputs folder beside it
    (`snapshot`, None for a folder not there) before and after it. Read-only."""

    code: int
    out: str
    err: str
    before: tuple[object, object]
    after: tuple[object, object]


@pytest.fixture(scope="module")
def shipped_check() -> ShippedCheck:
    """`siting check scenarios/yunnan_2024.yaml` run once for the module, in this process, as
    `check` runs it in a test (no progress), at COLUMNS=120 (what standard output not on a
    terminal gets without COLUMNS too, siting/deliver/tables.py `terminal_width`)."""
    outputs = SHIPPED.parent.parent / "outputs"

    def state() -> tuple[object, object]:
        return snapshot(SHIPPED.parent), (snapshot(outputs) if outputs.exists() else None)

    before = state()
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        patch.setenv("COLUMNS", "120")
        code = main(["check", str(SHIPPED)])
    return ShippedCheck(code, out.getvalue(), err.getvalue(), before, state())


def test_check_shipped_scenario(shipped_check: ShippedCheck):
    """The shipped scenario's figures, counted by hand in the module's docstring; nothing is
    written in its folder nor in the outputs folder (`shipped_check`)."""
    code, out, err = shipped_check.code, shipped_check.out, shipped_check.err
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:7] == [
        "scenario  yunnan_2024",
        "clusters  3: Kunming, Yuxi, Qujing",
        "sites     18 eligible (Kunming 6, Yuxi 5, Qujing 7), 0 dropped outside every cluster",
        "products  11: FePO4, Li2CO3, LFP, NCM precursor, NCM, Anode, Separator, Electrolyte, Copper foil, Cells, "
        "Recycling",
        "years     2022-2024",
        "solver    gap 0.1% (solver.rel_gap), time limit 300 s (solver.time_limit_s)",
        "site-product pairs kept out: red line 8, proximity 31 (of 198 candidate pairs)",
    ]
    assert "note: 12 committed projects come online after the plan's last year 2024" in out
    assert lines[-1].startswith("ready to solve: checked in ")
    assert shipped_check.after == shipped_check.before


def test_check_shipped_scenario_names_three_late_projects_and_counts_the_rest(shipped_check: ShippedCheck):
    """The shipped scenario's 12 committed projects online in 2025 make a note of 4 lines at 120
    columns (12 with each project's capacity, site and year, which pushed a solve's results off
    the screen): what they are, their land, the first three ids, "and 9 more", and where the whole
    list will be: check writes no report.md, so not "report.md's notices ... list each", as a
    solve's note says (tests/test_late_committed_notices.py), but that a solve lists them there.
    The check is `shipped_check`'s, at COLUMNS=120."""
    code, out, err = shipped_check.code, shipped_check.out, shipped_check.err
    assert code == 0, err
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("note: 12 committed projects"))
    note = [lines[first], *itertools.takewhile(lambda line: line.startswith("  "), lines[first + 1:])]
    assert len(note) == 4, note
    assert " ".join(line.strip() for line in note) == (
        "note: 12 committed projects come online after the plan's last year 2024: their capacity is left out of "
        "the plan's years and runs in the steady state that stands for 2025-2038 (objective.years_after_horizon); "
        "the land they take, 613.3 ha, is kept from new modules: yuneng_lfp_rest, yuneng_fepo4_rest, "
        "yuntianhua_lfp and 9 more; a solve lists each with its capacity, site and year in report.md's notices "
        "(conflicts.md's for an infeasible plan)")


def test_check_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "check check a scenario" in text and "without solving or writing anything" in text
    with pytest.raises(SystemExit):
        main(["show", "--help"])
    assert "siting check" in capsys.readouterr().out.replace("\n", " ")
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = capsys.readouterr().out
    assert "--out DIR" in text and "--variant NAME" in text and "--set KEY=VALUE" in text


#: Every command of `siting`, as its parser names them (argparse keeps them on its subparsers action).
COMMANDS = list(next(action.choices for action in build_parser()._actions
                     if isinstance(action, argparse._SubParsersAction)))


@pytest.mark.parametrize("command", COMMANDS)
def test_each_commands_description_is_at_most_two_lines_of_its_help(command: str, capsys, monkeypatch):
    """`check --help` led with a 20-line paragraph (`show --help` with 10) where the other commands
    give one line: the description, between the usage and the arguments, is the command's line of
    `siting --help`, at most 2 lines at 80 columns, its detail below the options."""
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main([command, "--help"])
    blocks = capsys.readouterr().out.split("\n\n")
    assert blocks[0].startswith(f"usage: siting {command} ")
    description = blocks[1].splitlines()
    assert len(description) <= 2, f"siting {command} --help: a description of {len(description)} lines"
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = " ".join(capsys.readouterr().out.split())
    assert f"{command} {' '.join(description).strip()}" in listed, description


def test_check_help_keeps_its_detail_below_the_options(capsys, monkeypatch):
    """What check does, prints and leaves as it was stands below the options, one step a line."""
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    epilog = capsys.readouterr().out.split("\n\n")[-1]
    assert epilog.startswith("check makes every check `siting solve` makes before it solves, and solves\n")
    assert [line[:24] for line in epilog.splitlines() if line.startswith("- ")] == [
        "- it loads and checks th", "- it reads and checks ev", "- it preprocesses (red l",
        "- it checks the output f", "- it takes the options o"]
    text = " ".join(epilog.split())
    for words in ("(files, CRS, columns, ids, the sites the scenario names)",
                  "so that a solve command line runs as a check with 'solve' changed to 'check'",
                  "the site-product pairs the red line and the proximity rule keep out",
                  "'ready to solve' with the seconds it took",
                  "it makes an empty folder beside it and removes it at once, as solve does",
                  "Bad input ends with the message and exit code (2) of solve"):
        assert words in text, words


def test_check_takes_the_options_of_solve_and_says_what_solve_would_do(small: Path, tmp_path: Path, capsys):
    """`solve` swapped for `check` in the same command line: its options are taken, checked, and
    said in the summary; nothing is solved or written. The small scenario keeps its solver's
    default time limit (60 s); its rules that --rule-costs would relax, in the model's order."""
    out_dir = tmp_path / "run"
    before = snapshot(tmp_path)
    code, out, err = check(capsys, str(small / "scenario.yaml"), "--alternatives", "2", "--rule-costs",
                           "--time-limit", "30", "--out", str(out_dir))
    assert code == 0, err
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("with these options"))  # the folder's line wrapped
    folder_line = " ".join(line.strip() for line in lines[7:at])
    assert folder_line == f"output folder {out_dir} does not exist: solve will create it"
    assert lines[at:at + 3] == [
        "with these options solve would: search 2 near-optimal alternatives within 5% of the optimum's cost; price "
        "each rule",
        "  (--rule-costs): re-solve with each of its 4 rules relaxed in turn (redline, proximity, agglomeration, "
        "market); stop",
        "  each solve at 30 s (--time-limit, in place of the scenario's solver.time_limit_s 60 s)",
    ]
    assert lines[-1].startswith("ready to solve: checked in ")
    assert not out_dir.exists() and snapshot(tmp_path) == before


def test_check_says_slack_and_time_limit(small: Path, capsys):
    code, out, err = check(capsys, str(small / "scenario.yaml"), "--alternatives", "1", "--slack", "0.025",
                           "--time-limit", "90.5", "--quiet")
    assert code == 0, err
    assert err == ""
    text = " ".join(out.split())
    assert ("with these options solve would: search 1 near-optimal alternative within 2.5% of the optimum's cost; "
            "stop each solve at 90.5 s (--time-limit, in place of the scenario's solver.time_limit_s 60 s)") in text


def test_check_without_solve_options_says_nothing_of_them(small: Path, capsys):
    code, out, err = check(capsys, str(small / "scenario.yaml"), "--quiet")
    assert code == 0, err
    assert "solve would" not in out


@pytest.mark.parametrize("options", [
    ["--alternatives", "0"],
    ["--alternatives", "two"],
    ["--alternatives", "1000"],
    ["--slack", "5"],
    ["--slack", "x", "--alternatives", "2"],
    ["--time-limit", "0"],
    ["--time-limit", "inf"],
    ["--rule-costs", "yes"],
])
def test_check_refuses_bad_solve_options_as_solve(small: Path, capsys, options: list[str]):
    """The option's problem as solve gives it (a value its check refuses, as bad input; an
    option argparse does not know, as argparse does, under check's name)."""
    errors = []
    for command in ("solve", "check"):
        try:
            code = main([command, str(small / "scenario.yaml"), *options])
        except SystemExit as stopped:
            code = stopped.code
        assert code == 2
        errors.append(capsys.readouterr().err.splitlines()[-1].replace(f"siting {command}: ", "siting COMMAND: "))
    assert errors[0] == errors[1]
    assert errors[1].startswith(("  - --alternatives | ", "  - --slack | ", "  - --time-limit | ",
                                 "siting COMMAND: error: unrecognized arguments: "))
    assert not (small / "out").exists()


def test_check_refuses_slack_without_alternatives_as_solve(small: Path, capsys):
    """The front door's problem, word for word, listed first, with the scenario's (a broken layer
    is reported by both, as beside a refused flag value: tests/test_bad_options_together.py)."""
    (small / "redline.geojson").unlink()
    said = bad(small, capsys, "--slack", "0.1")
    assert said.startswith(
        "error: 2 problems in the input:\n"
        "  - --slack | applies to the alternatives only (got 0.1 without --alternatives); add --alternatives N, or "
        "drop --slack\n"
        "  - redline.geojson: redline layer not found; ")


def test_check_help_lists_the_solve_options_and_its_own_quiet(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--alternatives N", "--slack SHARE", "--rule-costs", "--time-limit SECONDS", "--quiet"):
        assert option in text
    assert "best plan" not in text and "bound and gap" not in text
    assert "print no progress (by default the phases of the check go to standard error)" in text


def test_check_says_a_slack_below_the_asked_gap_leaves_differences_unproven(capsys, tmp_path: Path):
    """The shipped scenario asks for 0.1 %: a 0.05 % slack is below it, a 5 % one is not."""
    scenario = str(Path(__file__).resolve().parents[1] / "scenarios" / "yunnan_2024.yaml")
    out_dir = str(tmp_path / "run")
    code, out, err = check(capsys, scenario, "--alternatives", "2", "--slack", "0.0005", "--out", out_dir, "--quiet")
    assert code == 0, err
    assert ("search 2 near-optimal alternatives within 0.05% of the optimum's cost (below the 0.1% gap the optimum "
            "is to be proven within, solver.rel_gap: an alternative's extra cost within that gap is not proven)"
            ) in " ".join(out.split())
    code, out, err = check(capsys, scenario, "--alternatives", "2", "--out", out_dir, "--quiet")
    assert code == 0, err
    assert not (tmp_path / "run").exists()
    assert "within 5% of the optimum's cost" in out and "below the" not in out
