"""What a planner reads: sites by name in the terminal summary (the names of the report and
map.png), how a run of a batch ended in a word ("infeasible" for rules that cannot all be met,
"failed" for errors), and the software and working CRS behind the distances and areas in
manifest.json.

The solve runs the small scenario of tests/data/small: its plan (tests/test_api.py derives it by
hand) builds at the sites w_mine ("West mine park"), e_city ("East city") and e_far ("East far"),
in that order, and measures in the default working CRS, EPSG:32648 (UTM zone 48N).
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pyogrio
import pyproj
import shapely

from siting.config.progress import FAILED, INFEASIBLE, run_outcome
from siting.deliver.manifest import WORKING_CRS_USE, library_versions, working_crs_record
from siting.deliver.report import site_display_names
from siting.runs.pool import CaseSummary, Progress
from tests.conftest import MadeRun


def test_the_summary_names_the_opened_sites_as_the_report_does(small_run: MadeRun) -> None:
    """The terminal's line names the three sites the plan builds on by their names, "; " between them
    (names may hold commas), as the report's first paragraph does; no site id is printed there.
    The manifest gives the working CRS and the GDAL, PROJ and GEOS versions of this environment.
    The run is conftest's `small_run`."""
    out = small_run.out
    printed = small_run.stdout.splitlines()
    assert [line for line in printed if line.startswith("sites built on")] == [
        "sites built on: West mine park; East city; East far (2 newly opened: West mine park; East far)"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert ("; sites built on: West mine park; East city; East far (2 newly opened: West mine park; East far).\n"
            in report)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sites_built_on"] == ["w_mine", "e_city", "e_far"]  # the files keep the ids
    assert manifest["working_crs"] == {"as_given": "EPSG:32648", "epsg": 32648, "name": "WGS 84 / UTM zone 48N",
                                       "used_for": "red-line buffers and setbacks, the share of a site's land "
                                                   "they leave, positional margins (distances between places and "
                                                   "drawn areas: on its ellipsoid)"}
    assert list(manifest["versions"])[-4:] == ["highs", "gdal", "proj", "geos"]
    assert (manifest["versions"]["gdal"], manifest["versions"]["proj"], manifest["versions"]["geos"]) == (
        pyogrio.__gdal_version_string__, pyproj.proj_version_str, shapely.geos_version_string)


def test_site_display_names_shorten_where_names_stay_distinct() -> None:
    """"Yuxi high-tech zone, Longquan area" is alone in its short form, so it is shortened; the two
    Anning areas share theirs, so they keep their whole names; a site with no name and a
    candidate cell (`cells`) are named by their ids."""
    sites = pd.DataFrame({"id": ["yuxi", "caopu", "qilin", "bare"],
                          "name": ["Yuxi high-tech zone, Longquan area", "Anning park, Caopu area",
                                   "Anning park, Qilin area", None]})
    assert site_display_names(sites, ["cell_0007"]) == {
        "yuxi": "Yuxi high-tech zone", "caopu": "Anning park, Caopu area", "qilin": "Anning park, Qilin area",
        "bare": "bare", "cell_0007": "cell_0007"}
    assert site_display_names(pd.DataFrame({"id": ["a", "b"]})) == {"a": "a", "b": "b"}  # a layer without names


def test_a_run_without_a_plan_is_infeasible_or_failed() -> None:
    """A run whose rules cannot be met together (PlanInfeasible) is "infeasible"; bad input, no
    plan within the time limit and unexpected errors are "failed"; a run with a plan keeps its
    solver status."""
    assert (INFEASIBLE, FAILED) == ("infeasible", "failed")
    assert run_outcome(True, "optimal", "") == "optimal"
    assert run_outcome(False, "", "PlanInfeasible: the plan is infeasible: the rules cannot be met together.") == (
        "infeasible")
    assert run_outcome(False, "", "InputError: 1 problem in the input:\n  - s.yaml: years | must rise") == "failed"
    assert run_outcome(False, "", "NoSolution: no plan within the time limit of 1 s") == "failed"
    assert run_outcome(False, "", "unexpected error: ValueError: PlanInfeasible: no") == "failed"


def test_the_working_crs_record_names_the_epsg_code_where_there_is_one() -> None:
    """A CGCS2000 Gauss-Kruger zone by its EPSG code; a PROJ string with an unusual central
    meridian, which no EPSG code describes, keeps its text and has none."""
    assert working_crs_record("EPSG:4547") == {"as_given": "EPSG:4547", "epsg": 4547,
                                               "name": "CGCS2000 / 3-degree Gauss-Kruger CM 114E",
                                               "used_for": WORKING_CRS_USE}
    text = "+proj=tmerc +lat_0=0 +lon_0=102.3 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    record = working_crs_record(text)
    assert (record["as_given"], record["epsg"]) == (text, None)
    assert library_versions() == {"gdal": pyogrio.__gdal_version_string__, "proj": pyproj.proj_version_str,
                                  "geos": shapely.geos_version_string}


def test_the_count_of_a_batch_says_infeasible_or_failed() -> None:
    """The count of runs (a plain line per run done, off a terminal) says how each ended: its
    solver status, "infeasible" for rules that cannot be met together, "failed" for bad input."""
    stream = io.StringIO()
    counter = Progress(3, stream)
    counter.update(CaseSummary("a", True, status="optimal"))
    counter.update(CaseSummary("b", False, error="PlanInfeasible: the plan is infeasible before solving:"))
    counter.update(CaseSummary("c", False, error="InputError: 1 problem in the input:"))
    assert [re.search(r"done \((.*)\),", line).group(1) for line in stream.getvalue().splitlines()] == [
        "a: optimal within the gap", "b: infeasible", "c: failed"]
