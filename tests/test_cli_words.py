"""What the command line prints says plainly what it did, and reads whole at any width.

- `siting solve --alternatives N` closes its summary with what it wrote besides the optimum's
  files: how many alternatives and their folders, the comparison and the robustness layer.
- `siting check`'s closing line keeps its bracket of phases whole on a narrow terminal, and so
  does its line on the site-product pairs kept out.
- A cell or header wrapped in a right-aligned column of `siting compare`'s tables keeps its lines
  together, aligned to one left edge, rather than pushing its last line right alone.
- The comparison's row of land free for new modules gives its unit, ha, in the unit column only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from siting import cli
from siting.cli import main
from siting.runs.tables import LAND_ROW, terminal_tables
from tests.conftest import MadeRun

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def test_solve_with_alternatives_says_what_it_wrote(small_alternatives_run: MadeRun) -> None:
    last = small_alternatives_run.stdout.rstrip("\n").splitlines()[-1]
    folders = sorted(p.name for p in small_alternatives_run.out.iterdir() if p.is_dir())
    assert folders == ["alt01", "alt02"]
    assert last == (
        f"2 alternatives in alt01/ and alt02/, compared in alternatives.md, with robustness.geojson "
        f"(how often the plans use each site), in {small_alternatives_run.out}"
    )


@pytest.mark.parametrize(
    ("plans", "said"),
    [
        (["optimum", "alt01"], "1 alternative in alt01/, compared"),
        (["optimum", "alt01", "alt02", "alt03"], "3 alternatives in alt01/, alt02/ and alt03/, compared"),
        (["optimum", *(f"alt{n:02d}" for n in range(1, 13))], "12 alternatives in alt01/ to alt12/, compared"),
    ],
)
def test_the_alternatives_line_counts_and_names_the_folders_found(plans: list[str], said: str) -> None:
    record = {"plans": [{"plan": plan} for plan in plans]}
    line = cli.alternatives_written(record, 20, "out")
    assert line.startswith(said + " in alternatives.md, with robustness.geojson")
    assert line.endswith(", in out")


def test_the_alternatives_line_without_any_found_names_the_files_written() -> None:
    assert cli.alternatives_written({"plans": [{"plan": "optimum"}]}, 2, "out") == (
        "no alternative folders: alternatives.md, with robustness.geojson (how often the plans use each site), in out"
    )


def check_lines(columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["check", str(SMALL)]) == 0
    return capsys.readouterr().out.splitlines()


def test_check_keeps_the_bracket_of_its_time_line_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = check_lines(60, monkeypatch, capsys)
    start = next(i for i, line in enumerate(lines) if line.startswith("ready to solve: checked in "))
    time_lines = lines[start:]
    assert all(len(line) <= 60 for line in time_lines)
    assert all(line.count("(") == line.count(")") for line in time_lines), time_lines
    assert re.fullmatch(r"ready to solve: checked in \d+\.\d\d s", time_lines[0]), time_lines
    assert re.fullmatch(r"  \(start-up \d+\.\d\d s, load \d+\.\d\d s, preprocess \d+\.\d\d s\)", time_lines[1]), \
        time_lines
    # where it fits, one line as before
    last = check_lines(120, monkeypatch, capsys)[-1]
    assert re.fullmatch(r"ready to solve: checked in \d+\.\d\d s \(start-up \d+\.\d\d s, load \d+\.\d\d s, "
                        r"preprocess \d+\.\d\d s\)", last)


def test_check_keeps_the_bracket_of_the_pairs_kept_out_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = check_lines(60, monkeypatch, capsys)
    start = next(i for i, line in enumerate(lines) if line.startswith("site-product pairs kept out: "))
    pairs = lines[start : start + 2]
    assert "(of " not in pairs[0] or pairs[0].endswith(" candidate pairs)"), pairs
    assert all(line.count("(") == line.count(")") for line in pairs), pairs


def test_a_wrapped_cell_of_a_right_aligned_column_keeps_one_left_edge() -> None:
    frame = pd.DataFrame(
        {
            "metric": ["status", "objective", "sites built on"],
            "unit": ["", "yuan", "count"],
            "yunnan_2024_strict_redline": ["optimal within the gap", 1.0e9, 5],
        }
    )
    (table,), _cut = terminal_tables(frame, 2, 45)
    lines = table.splitlines()
    assert [line[25:].rstrip() for line in lines] == [
        "yunnan_2024_strict_",
        "redline",  # under the header's first line, not pushed right alone
        " optimal within the",
        " gap",
        "               1.00",  # the numbers still aligned to the right
        "                  5",
    ], lines


def test_the_land_row_gives_its_unit_in_the_unit_column_only() -> None:
    assert LAND_ROW == "land free for new modules"
