"""A run whose objective weighs the years otherwise than the baseline's (another discount rate,
other years after the horizon, other plan years) is not comparable with it by objective, and the
map outputs say so as the tables do: diff.qml's and compare.qgs's name of `objective_difference`
lists "not comparable" among its values, and the run's sheet in compare.qgs ends on a line saying
that its objective difference is not comparable, and why, where a comparable run's gives its
verdict; sweep.png draws such a run as a hollow diamond joined by no line to the runs weighted
otherwise, and its footnote names it and why.

The small scenario against `later`, the same with `objective.years_after_horizon` 3 instead of 0.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from siting.deliver import styles
from siting.deliver.qgisproject import changes_abstract, difference_line
from siting.deliver.styles import RunDifference
from siting.runs import tables
from siting.runs.tables import GAP_FOOTNOTE, PROVEN, not_comparable_text, sweep_figure
from tests.conftest import MadeRun

VERDICT = "not comparable: the objectives weigh the years differently (objective.years_after_horizon 3 vs 0)"
LABEL = "objective difference against small (proven, within solver tolerance, same plan or not comparable)"


@pytest.fixture(scope="module")
def compared(not_comparable_compare_run: MadeRun) -> Path:
    """The output folder of a comparison of two runs whose objectives weigh the years differently
    (`not_comparable_compare_run`): read-only."""
    return not_comparable_compare_run.out


def _root(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8").split("\n", 1)[1])


def test_the_verdict_word_is_the_tables_own() -> None:
    assert styles.NOT_COMPARABLE == tables.NOT_COMPARABLE


def test_diff_qml_and_compare_qgs_name_not_comparable_among_the_verdicts(compared: Path) -> None:
    diff = {a.get("field"): a.get("name") for a in _root(compared / "diff.qml").findall("aliases/alias")}
    assert diff["objective_difference"] == LABEL
    project = [a.get("name") for a in _root(compared / "compare.qgs").iter("alias")
               if a.get("field") == "objective_difference"]
    assert project == [LABEL]


def test_the_sheet_of_a_not_comparable_run_says_so_and_why(compared: Path) -> None:
    root = _root(compared / "compare.qgs")
    titles = {layout.get("name"): [i.get("labelText") for i in layout.iter("LayoutItem") if i.get("id") == "title"]
              for layout in root.iter("Layout")}
    assert list(titles) == ["small (baseline)", "later"]
    (title,) = titles["later"]
    assert title.split("\n")[0] == "later against the baseline small: capacity plan 2023-2024"
    assert title.split("\n")[-1] == f"later against small: objective difference {VERDICT}"
    (baseline,) = titles["small (baseline)"]
    assert "comparable" not in baseline


def test_the_changes_layer_of_a_not_comparable_run_says_so_and_why(compared: Path) -> None:
    abstracts = [layer.findtext("abstract") for layer in _root(compared / "compare.qgs").iter("maplayer")
                 if (layer.findtext("layername") or "") == "later: changes against small"]
    assert abstracts == [
        "Sites where later's plan adds other new capacity than the baseline small's (diff.geojson, its features of "
        f"later). The objective difference is {VERDICT}. The two objectives are in different money, so these "
        "changes come with no proven difference in cost."]


def test_the_difference_line_of_each_verdict() -> None:
    assert difference_line("b", "a", RunDifference(VERDICT)) == f"b against a: objective difference {VERDICT}"
    assert RunDifference(VERDICT).not_comparable and not RunDifference(VERDICT).indistinguishable
    assert not RunDifference("proven", -1.0, 1.0).not_comparable
    assert difference_line("b", "a", RunDifference("same plan")) == "b: same plan as a"
    assert difference_line("b", "a", RunDifference("")) == ""
    assert changes_abstract("b", "a", RunDifference(VERDICT)).endswith(
        f"The objective difference is {VERDICT}. The two objectives are in different money, so these changes come "
        "with no proven difference in cost.")


def _swept(key: str, values: list[float], verdicts: list[str]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({"run": [f"run{i + 1:02d}" for i in range(n)], key: values, "status": ["optimal"] * n,
                         "objective_yuan": [-22.7e9, -33.1e9, -67.5e9, -70.0e9][:n], "gap": [0.0] * n,
                         "vs_first": verdicts})


def _objective_lines(table: pd.DataFrame, key: str) -> list[tuple[str, list[float], str]]:
    """The objective panel's lines of runs: (marker, x of the runs it joins, marker face)."""
    axes = sweep_figure(table, [key], "sweep").axes[0]
    return [(str(line.get_marker()), [float(x) for x in line.get_xdata()], str(line.get_markerfacecolor()))
            for line in axes.get_lines() if line.get_marker() in ("o", "D")]


def test_sweep_png_joins_no_run_in_other_money_and_draws_it_hollow() -> None:
    """years_after_horizon 0, 1 and 5: each weighs the years otherwise, so no line joins any two;
    the first run is a filled circle, the others hollow diamonds."""
    key = "objective.years_after_horizon"
    table = _swept(key, [0, 1, 5], ["", not_comparable_text(f"{key} 1 vs 0"), not_comparable_text(f"{key} 5 vs 0")])
    lines = _objective_lines(table, key)
    assert [(marker, xs) for marker, xs, _ in lines] == [("o", [0.0]), ("D", [1.0]), ("D", [5.0])]
    assert [face for _, _, face in lines][1:] == ["white", "white"]


def test_sweep_png_joins_the_runs_weighted_alike() -> None:
    """Discount rates 6, 6, 8 and 8 %: the first two joined (the first run's money), the last two
    joined (their own money, the same reason), no line between 6 and 8 %."""
    key = "objective.discount_rate"
    other = not_comparable_text(f"{key} 8 % vs 6 %")
    lines = _objective_lines(_swept(key, [0.06, 0.06, 0.08, 0.08], ["", PROVEN, other, other]), key)
    assert [(marker, xs) for marker, xs, _ in lines] == [("o", [0.06, 0.06]), ("D", [0.08, 0.08])]


def test_a_sweep_weighted_alike_keeps_one_line() -> None:
    lines = _objective_lines(_swept("k", [1, 2, 3], ["", PROVEN, PROVEN]), "k")
    assert [(marker, xs) for marker, xs, _ in lines] == [("o", [1.0, 2.0, 3.0])]
    assert tables.not_comparable_footnote(_swept("k", [1, 2, 3], ["", PROVEN, PROVEN])) == ""


def test_sweep_png_footnote_names_the_runs_not_comparable_and_why() -> None:
    key = "objective.years_after_horizon"
    table = _swept(key, [0, 1, 5], ["", not_comparable_text(f"{key} 1 vs 0"), not_comparable_text(f"{key} 5 vs 0")])
    note = tables.not_comparable_footnote(table)
    assert note == ("A hollow diamond is a run not comparable with the first run (run01): its objective weighs the "
                    "years otherwise, in other money, so a line joins it only to runs weighted alike and its bar "
                    "tells nothing against the others. Not comparable: run02 (objective.years_after_horizon 1 vs 0); "
                    "run03 (objective.years_after_horizon 5 vs 0).")
    (footnote,) = [t for t in sweep_figure(table, [key], "sweep").texts if t.get_text().startswith("Dark bars")]
    assert " ".join(footnote.get_text().split("\n")) == f"{GAP_FOOTNOTE} {note}"
