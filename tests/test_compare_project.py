"""`siting compare` writes what its tables know of each run's objective difference into the map
outputs too: every feature of diff.geojson carries it (`objective_difference` and the proven
range in bn yuan, the same figures as comparison.csv), diff.qml names the fields with unit and
years, and compare.qgs names a run within solver tolerance of the baseline as comparison.md heads
its column.

The small scenario against `loose`, the same with a cells target of 20 GWh instead of 10 solved
to a 50 % gap: its proven range of the difference holds 0, so it is within solver tolerance of the
baseline. (Neither run's plan is a cheaper plan of the other: the baseline's builds too few cells
for loose's strict target, and loose's, where the baseline's rules admit it, costs no less there
than the baseline's optimum; so the cross-start round of `compare` leaves both as they are.)
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import MadeRun


@pytest.fixture(scope="module", autouse=True)
def _plain_relaxation(plain_relaxation):
    """Every run of this module solves the count relaxation without its sales rounding rows
    (conftest `without_sales_rounding` says why)."""


@pytest.fixture(scope="module")
def compared(small_loose_compare_run: MadeRun) -> Path:
    """`siting compare scenario.yaml loose.yaml --out out` (conftest's `small_loose_compare_run`,
    without the sales rounding rows): its output folder, read-only."""
    return small_loose_compare_run.out


def test_every_change_carries_the_objective_difference_of_its_run(compared: Path):
    table = pd.read_csv(compared / "comparison.csv").set_index("metric")["loose vs small"]
    assert table["objective difference"] == "within solver tolerance"
    low, high = float(table["objective difference: proven low"]), float(table["objective difference: proven high"])
    assert low < 0 < high
    features = json.loads((compared / "diff.geojson").read_text())["features"]
    assert len(features) == 4
    for feature in features:
        properties = feature["properties"]
        assert list(properties)[:10] == ["id", "site", "name", "scenario", "folder", "baseline", "change",
                                        "objective_difference", "objective_difference_low_bn_yuan",
                                        "objective_difference_high_bn_yuan"]
        assert properties["objective_difference"] == "within solver tolerance"
        assert (properties["objective_difference_low_bn_yuan"], properties["objective_difference_high_bn_yuan"]) == (
            low, high)


def test_diff_style_names_the_fields_with_unit_and_years(compared: Path):
    root = ET.fromstring((compared / "diff.qml").read_text().split("\n", 1)[1])
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert aliases == {
        "id": "site and run compared (site@run)",
        "site": "site (its id in the runs' sites.geojson: the key to join the layers on)",
        "name": "site name (whole, as the runs' sites.geojson gives it)",
        "scenario": "run compared with the baseline small (its column in comparison.csv or row in sweep.csv)",
        "baseline": "baseline run (small), whose plan this run is compared with",
        "change": ("change against the baseline small (added, removed, resized, options changed or unchanged): the "
                   "new capacity this run adds here against the baseline's; options changed: the same, but other "
                   "products admitted or other land free"),
        "folder": "folder of this run (in the comparison or sweep folder)",
        "base_fepo4": "FePO4 added 2023-2024, baseline small (t/yr)",
        "new_fepo4": "FePO4 added 2023-2024, this run (t/yr)",
        "base_lfp": "LFP added 2023-2024, baseline small (t/yr)", "new_lfp": "LFP added 2023-2024, this run (t/yr)",
        "base_cells": "Cells added 2023-2024, baseline small (GWh/yr)",
        "new_cells": "Cells added 2023-2024, this run (GWh/yr)",
        "kept_out_base": "products kept out, baseline small", "kept_out_new": "products kept out, this run",
        "land_free_ha_base": "land free for new modules, baseline small (ha)",
        "land_free_ha_new": "land free for new modules, this run (ha)",
        "forced": "forced by this run's rules (they keep out what small built here, or leave no land for new modules)",
        "objective_difference": (
            "objective difference against small (proven, within solver tolerance, same plan or not comparable)"),
        "objective_difference_low_bn_yuan": "objective difference, proven low (bn yuan)",
        "objective_difference_high_bn_yuan": "objective difference, proven high (bn yuan)"}
    values = [c.get("value") for c in root.findall("renderer-v2/categories/category")]
    # the changes of new capacity of the run within solver tolerance are hatched; a site unchanged
    # (or whose options alone changed) is classed plainly, as the rules decide it
    assert values and all(v.endswith(":indistinguishable") or v in ("unchanged", "options changed") for v in values)
    assert any(v.endswith(":indistinguishable") for v in values)


def test_compare_project_names_the_run_within_tolerance_as_such(compared: Path):
    root = ET.fromstring((compared / "compare.qgs").read_text().split("\n", 1)[1])
    first = root.find("projectlayers/maplayer")
    assert first is not None
    assert first.findtext("layername") == (
        "loose vs small: plans of indistinguishable cost, not shown to be effects of the change")
    table = pd.read_csv(compared / "comparison.csv").set_index("metric")["loose vs small"]
    low, high = float(table["objective difference: proven low"]), float(table["objective difference: proven high"])
    shown = f"{math.floor(round(low * 100, 6)) / 100:z,.2f} to {math.ceil(round(high * 100, 6)) / 100:z,.2f} bn yuan"
    (note,) = [i.get("labelText") for i in root.iter("LayoutItem") if i.get("id") == "note"]
    assert note == (f"loose against small: objective difference within solver tolerance (proven range {shown}). Its "
                    "changes on this map (hollow) are between plans of indistinguishable cost, not shown to be "
                    "effects of the change.")
