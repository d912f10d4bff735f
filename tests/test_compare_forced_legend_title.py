"""compare.qgs's print legend heads a run's layer of changes as comparison.md heads its column
("<run> vs <baseline>: plans of indistinguishable cost, not shown to be effects of the change")
where the run is within solver tolerance of the baseline; where some of those changes are forced
by the run's own rules (drawn plainly, their legend saying "forced: ..."), the heading says that
those are the exception, so that the printed legend does not call every change under it noise
and then key one as forced.

The small scenario against `loose` (tests/test_compare_project.py): within solver tolerance of
the baseline; its changes are given to `compare_project_text` once as they are and once with a
plain class, as `diff_changes` gives a change the run's rules force."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from siting.deliver.qgisproject import compare_project_text
from siting.deliver.styles import diff_changes, diff_runs
from tests.conftest import MadeRun

NAME = "loose vs small: plans of indistinguishable cost, not shown to be effects of the change"


@pytest.fixture(scope="module", autouse=True)
def _plain_relaxation(plain_relaxation):
    """As tests/test_compare_project.py."""


@pytest.fixture(scope="module")
def compared(small_loose_compare_run: MadeRun) -> Path:
    """`siting compare scenario.yaml loose.yaml --out out` (conftest's `small_loose_compare_run`,
    without the sales rounding rows): its output folder, read-only."""
    return small_loose_compare_run.out


def legend_title(compared: Path, forced: bool) -> tuple[str, str]:
    diff = (compared / "diff.geojson").read_text(encoding="utf-8")
    changes = diff_changes(diff)
    if forced:  # one change of the run classed plainly, as a forced one is
        changes = {**changes, "loose": ("removed", *changes["loose"])}
    text = compare_project_text(compared, [("small", "small"), ("loose", "loose")], "Point",
                                (compared / "diff.qml").read_text(encoding="utf-8"), changes, diff_runs(diff))
    root = ET.fromstring(text.split("\n", 1)[1])
    (layer,) = [m for m in root.iter("maplayer") if m.findtext("layername") == NAME]
    layer_id = layer.findtext("id")
    titles = [option.get("value", "").replace("\n", " ") for item in root.iter("LayoutItem")
              if item.get("type") == "65642" for node in item.iter("layer-tree-layer")
              if node.get("id") == layer_id for option in node.iter("Option")
              if option.get("name") == "legend/title-label"]
    return layer.findtext("layername") or "", " ".join(titles)


def test_the_heading_names_the_forced_changes_as_the_exception(compared: Path) -> None:
    name, title = legend_title(compared, True)
    assert name == NAME  # the layer panel keeps comparison.md's heading
    assert title.startswith("loose vs small: plans of indistinguishable cost, not shown to be effects of the")
    assert title.endswith("except those marked forced (the run's rules keep out what the baseline built there, "
                          "or leave no land for new modules)")


def test_without_forced_changes_the_heading_is_the_column_heading(compared: Path) -> None:
    _name, title = legend_title(compared, False)
    assert "forced" not in title
    assert title.startswith("loose vs small: plans of indistinguishable cost")
