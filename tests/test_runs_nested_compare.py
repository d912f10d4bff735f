"""`siting compare` costs each run's plan in the others, as `sweep` does (the cross-start rounds of
siting/runs/pool.py), and uses what nested rules prove (`relaxed_rules`, `carry_bounds`): a run
whose rules admit every plan of another never ends dearer than it, the proven range of their
difference keeps the only sign possible, and the stricter run carries the looser run's bound.

The small scenario (tests/data/small) with a pond added to its red line, 2 km east of site e_far
(a lake polygon from 103.47 to 103.48 E, 24.945 to 24.955 N). The scenario's 1 km buffer leaves
e_far whole, so the scenario is unchanged: its optimum, -22.7157 bn yuan, derived by hand in
tests/test_api.py, builds e_far's cells module (`assert_base`). Variants:
- `loose`: the scenario solved to a 20 % gap. Solved cold, HiGHS stops at a plan of -21.94903 bn
  yuan (tests/test_cross_start.py, LOOSE_FIRST_YUAN: the same inputs);
- `strict`: cells kept 3 km from lakes (`setbacks_m: {cells: {lake: 3000}}`), which excludes
  e_far's cells and changes nothing else, solved to a gap of 0: its optimum is dearer than the
  scenario's (its rules admit fewer plans) and cheaper than the loose run's first plan;
- `strict20`: the strict rules solved to a 20 % gap.
Every plan of `strict` is a plan of `loose` at the same cost (the red line enters no cost), so
with the rounds the loose run takes the strict plan: "same plan". Without them it kept its first
plan, dearer than the strict run's, with a proven range of the difference reaching below 0.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import SMALL
from test_comparison import assert_base
from test_cross_start import LOOSE_FIRST_YUAN

from siting.cli import main
from siting.deliver.qgisproject import _plan_title
from siting.runs.batch import compare
from siting.runs.pool import CROSS_TOLERANCE
from siting.runs.tables import COMPARE_CROSS_NOTE, moved_note, nesting_sentences


@pytest.fixture(scope="module", autouse=True)
def _plain_relaxation(plain_relaxation):
    """Every run of this module solves the count relaxation without its sales rounding rows
    (conftest `without_sales_rounding` says why)."""


#: What the variants of the module docstring change, as scenario files beside scenario.yaml.
VARIANTS = {
    "loose": "solver: {rel_gap: 0.2}\n",
    "strict": "constraints:\n  redline:\n    setbacks_m: {cells: {lake: 3000}}\n",
    "strict20": "solver: {rel_gap: 0.2}\nconstraints:\n  redline:\n    setbacks_m: {cells: {lake: 3000}}\n",
}


def with_pond(folder: Path) -> Path:
    """`folder`, a copy of the small scenario, with the pond in its red line and the variants'
    files: `folder`."""
    path = folder / "redline.geojson"
    layer = json.loads(path.read_text())
    ring = [[103.47, 24.945], [103.48, 24.945], [103.48, 24.955], [103.47, 24.955], [103.47, 24.945]]
    layer["features"].append({"type": "Feature", "properties": {"zone_id": "pond", "name": "Test pond",
                                                                "category": "lake"},
                              "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps(layer))
    for name, text in VARIANTS.items():
        (folder / f"{name}.yaml").write_text(f"extends: scenario.yaml\nname: {name}\n{text}")
    return folder


@pytest.fixture
def pond(folder: Path) -> Path:
    """The small scenario's folder with the pond in its red line and the variants' files
    (`with_pond`)."""
    return with_pond(folder)


@dataclass(frozen=True)
class Compared:
    """A comparison run once for the module: its folder and what it printed. Read-only."""

    out: Path
    printed: str


@pytest.fixture(scope="module")
def strict20_compared(_plain_relaxation: None, tmp_path_factory: pytest.TempPathFactory) -> Compared:
    """`siting compare strict20.yaml scenario.yaml --out cmp --workers 1` on a `with_pond` copy of
    the small scenario, without progress (as `quiet_command_line` leaves a test's): read by the
    tests, never changed."""
    base = tmp_path_factory.mktemp("strict20")
    pond = with_pond(Path(shutil.copytree(SMALL, base / "small")))
    out = base / "cmp"
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        patch.delenv("COLUMNS", raising=False)
        code = main(["compare", str(pond / "strict20.yaml"), str(pond / "scenario.yaml"), "--out", str(out),
                     "--workers", "1"])
    assert code == 0, printed.getvalue()
    return Compared(out, printed.getvalue())


def rows(out: Path) -> pd.DataFrame:
    """comparison.csv by metric, every cell as text ("" where empty)."""
    return pd.read_csv(out / "comparison.csv", dtype=str, keep_default_na=False).set_index("metric")


def test_a_looser_baseline_takes_the_stricter_runs_cheaper_plan(pond: Path, tmp_path: Path):
    """The loose baseline moves to the strict run's plan (the strict run keeps its own): the two
    report the same plan, the range of the difference starts at 0, the row `started from` names
    the strict run, and comparison.md explains the move and the nesting."""
    out = tmp_path / "cmp"
    result = compare([pond / "loose.yaml", pond / "strict.yaml"], out, workers=1)
    loose, strict = result.summaries
    assert (loose.started_from, strict.started_from) == ("strict", "")
    assert loose.own_objective_yuan == pytest.approx(LOOSE_FIRST_YUAN, rel=1e-6)
    assert strict.objective_yuan > -22.7157e9 and strict.objective_yuan < LOOSE_FIRST_YUAN
    assert abs(loose.objective_yuan - strict.objective_yuan) <= CROSS_TOLERANCE * abs(strict.objective_yuan)
    assert (loose.admits, strict.admits) == ({"strict": "the red line"}, {})
    table = rows(out)
    assert table.loc["objective difference", "strict vs loose"] == "same plan"
    assert table.loc["objective difference: proven low", "strict vs loose"] == "0"
    assert table.loc["started from", ["loose", "strict", "strict vs loose"]].tolist() == ["strict", "", ""]
    assert "bound from" not in table.index  # the strict run's own bound is the higher
    markdown = (out / "comparison.md").read_text()
    for note in (COMPARE_CROSS_NOTE, moved_note(result.summaries), nesting_sentences(result.summaries)[0]):
        assert note in markdown
    assert moved_note(result.summaries).startswith(
        "Runs that moved to another run's plan, and so may report another plan than `siting solve` gives for the "
        "same settings: loose took the plan of strict as it is ")
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "compare.qgs", "comparison.csv", "comparison.md",
                                                     "diff.geojson", "diff.qml", "loose", "strict"]


def test_a_stricter_baseline_carries_the_looser_runs_bound(strict20_compared: Compared):
    """strict20 (20 % gap) against the scenario (gap 0, the hand optimum): the scenario's plan breaks
    strict20's rules, so nothing moves, but its bound, the optimum itself, holds for strict20,
    whose gap is then measured against it; the scenario's difference is at most 0. The terminal,
    comparison.md and comparison.csv say so (`strict20_compared`)."""
    out = strict20_compared.out
    printed = " ".join(strict20_compared.printed.split())
    table = rows(out)
    assert "started from" not in table.index  # nothing moved
    assert table.loc["bound from", ["strict20", "small", "small vs strict20"]].tolist() == ["small", "", ""]
    objective, optimum = (float(table.loc["objective", run]) * 1e9 for run in ("strict20", "small"))
    assert_base(optimum)
    # (to the precision of the file's objectives: 9 significant digits of -22 bn yuan, 0.77 bn yuan apart)
    assert float(table.loc["gap", "strict20"]) == pytest.approx(100 * (objective - optimum) / abs(objective),
                                                                rel=1e-6)
    assert table.loc["objective difference: proven high", "small vs strict20"] == "0"
    markdown = (out / "comparison.md").read_text()
    note = next(part for part in markdown.split("\n\n") if part.startswith("Gaps measured against another run's"))
    assert note.startswith(
        "Gaps measured against another run's bound (a run whose rules admit every plan of another has an optimum no "
        "higher than the other's, so its proven bound holds for the other too; the run's report and manifest give "
        "the gap of its own solve): strict20 against the bound of small, -22.7157 bn yuan, whose rules admit every "
        "plan of its own (they differ only in the red line: that of small leaves as much land or more for every "
        "product at every site and excludes nothing the stricter one admits): a gap of ")
    assert " ".join(note.split()) in printed
    assert ("The rules of small admit every plan of strict20 (they differ only in the red line: that of small leaves "
            "as much land or more for every product at every site and excludes nothing the stricter one admits), so "
            "the optimum of small is no higher than the baseline's: its proven range ends at 0 at the highest."
            ) in printed


def markdown_row(markdown: str, metric: str) -> list[str]:
    """The cells of comparison.md's table row `metric` after its metric: unit, then each column."""
    (line,) = [line for line in markdown.splitlines() if line.startswith(f"| {metric} |")]
    return [cell.strip() for cell in line.strip("|").split("|")][1:]


def test_the_sheet_of_a_run_carrying_a_bound_gives_the_gaps_comparison_md_gives(strict20_compared: Compared):
    """strict20 carries the bound of small (as above): compare.qgs's sheet of strict20 and its
    project abstract give the gap comparison.md gives, in percent (3.51) and in bn yuan (0.77),
    against the bound of small, not only the gap of strict20's own solve (12.71 %, 2.79 bn yuan,
    its plan.qgs title's), which they give beside it, labelled; small's sheet, of its own bound,
    gives its plan.qgs title's lines as they are. The comparison is `strict20_compared`."""
    out = strict20_compared.out
    markdown = (out / "comparison.md").read_text()
    header = markdown_row(markdown, "metric")
    column = header.index("strict20")
    gap, absolute = (markdown_row(markdown, metric)[column] for metric in ("gap", "absolute gap"))
    root = ET.fromstring((out / "compare.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    sheets = {layout.get("name"): _plan_title(layout) for layout in root.findall("Layouts/Layout")}
    own = {sub: _plan_title(ET.fromstring((out / sub / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1]))
           for sub in ("strict20", "small")}
    own_gap = re.search(r", gap ([^ ,]*%)", own["strict20"]).group(1)
    own_yuan = re.search(r"\nabsolute gap (.*) \(objective less best bound\)$", own["strict20"]).group(1)
    assert (own_gap, own_yuan) != (f"{gap}%", f"{absolute} bn yuan")  # the own solve's bound is another
    lines = sheets["strict20 (baseline)"].split("\n")
    assert lines[1] == own["strict20"].split("\n")[1].replace(f", gap {own_gap}", f", gap {gap}%")
    assert lines[2] == (f"absolute gap {absolute} bn yuan against the bound of small, as comparison.md gives the "
                        f"gaps (its own solve's: {own_gap}, {own_yuan})")
    assert sheets["small"].split("\n")[1:3] == own["small"].split("\n")[1:]
    abstract = root.findtext("projectMetadata/abstract")
    assert "\n".join(lines) in abstract and own["strict20"].split("\n", 1)[1] not in abstract
