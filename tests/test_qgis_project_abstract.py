"""plan.qgs's project metadata (Project > Properties > Metadata) had an empty abstract: a GIS
team opening the project learned nothing of what it holds. It now states the plan's scenario and
years, the solver's outcome with the proven gap (in per cent and in bn yuan) and the objective,
what they measure, the CRS of the layers and of the project, and where the data's sources and
licences are said; with no date, so that the same plan gives the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from test_qgis import PROBE_HEAD, probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.qgisproject import project_abstract
from tests.conftest import MadeRun

HEADING = ("yunnan_2024: capacity plan 2022-2024\n"
           "optimal within the gap, gap 3.49% (tolerance 5.00%), objective -194.66 bn yuan (discounted)\n"
           "absolute gap 6.78 bn yuan (objective less best bound)")

PROBE = PROBE_HEAD + r'''
assert read
metadata = project.metadata()
print(json.dumps({"abstract": metadata.abstract(), "title": metadata.title(), "author": metadata.author(),
                  "created": metadata.creationDateTime().isValid()}))
'''


def test_the_abstract_states_the_plan_its_measures_crs_and_data():
    """The whole text, for the shipped scenario's heading in the working CRS UTM 48N."""
    assert project_abstract(HEADING, "EPSG:32648", "The red-line layer is a proxy.") == (
        f"{HEADING}\n"
        "Objective: the plan's net cost, every cost discounted less the revenue of sales out of the region, "
        "in bn yuan (negative: sales earn more than the plan costs); the gap is the share of it by which the "
        "best bound may lie below, the absolute gap the same in bn yuan.\n"
        "CRS: the layers (plan.gpkg) are stored in WGS 84 longitude/latitude (EPSG:4326); the project and its "
        "print layout draw them in WGS 84 / UTM zone 48N (EPSG:32648), in metres, and measure distances and "
        "areas on the WGS 84 ellipsoid.\n"
        "Data: the plan's layers and their styles in plan.gpkg (and as GeoJSON with .qml styles); the scenario, "
        "its inputs and their SHA-256 in manifest.json; report.md explains the plan. Each input layer's own "
        "description and its features' source field give where its data come from; for the layers shipped "
        "with the siting tool, geodata/README.md gives each one's source and licence.\n"
        "The red-line layer is a proxy.")


def test_a_crs_without_an_epsg_code_is_named_without_one():
    """A PROJ string: the CRS named as `crs_label` names it, no EPSG code; no red-line line without one."""
    text = project_abstract("t", "+proj=utm +zone=48 +ellps=GRS80 +units=m +no_defs")
    assert "draw them in UTM zone 48N on GRS 1980, in metres" in text
    assert "The red-line layer" not in text


def test_plan_qgs_holds_its_abstract_and_qgis_reads_it(qgis: None, small_run: MadeRun,  # noqa: F811
                                                        tmp_path: Path):
    """The small scenario's plan.qgs: its <projectMetadata> holds the layout's title as the
    abstract's first line, no author and no creation time; QGIS 3.22 reads the same abstract."""
    text = (small_run.out / "plan.qgs").read_text(encoding="utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])
    metadata = root.find("projectMetadata")
    assert metadata is not None
    abstract = metadata.findtext("abstract", "")
    heading = root.find(".//Layout/LayoutItem[@id='title']")
    assert heading is not None
    first = abstract.split("\n")[0]  # the title's first line, as the layout may wrap it
    assert first and " ".join(first.split()) in " ".join(heading.get("labelText", "").split())
    assert "optimal" in abstract and "bn yuan" in abstract and "(EPSG:32648)" in abstract
    assert "geodata/README.md gives each one's source and licence" in abstract
    assert metadata.find("creation") is None and metadata.find("author") is None
    seen = probe_folder(PROBE, small_run.out, tmp_path)
    assert seen == {"abstract": abstract, "title": root.findtext("title"), "author": "", "created": False}


def test_compare_qgs_holds_an_abstract_naming_the_runs_and_each_sheet_s_outcome(small_compare_run: MadeRun):
    """compare.qgs's metadata had an empty abstract: it now says which runs it compares, each
    run's sheet title (what it is in the comparison, its outcome, objective and proven gap) and
    where each run's data and the comparison's files are; no author, no creation time."""
    text = (small_compare_run.out / "compare.qgs").read_text(encoding="utf-8")
    root = ET.fromstring(text.split("\n", 1)[1])
    metadata = root.find("projectMetadata")
    assert metadata is not None
    abstract = metadata.findtext("abstract", "")
    title = root.findtext("title", "")
    assert title.startswith("Comparison: ")
    assert abstract.split("\n")[0] == f"Comparison of {title.removeprefix('Comparison: ')}"
    headings = [item.get("labelText", "") for item in root.findall(".//Layout/LayoutItem[@id='title']")]
    assert len(headings) == 2
    for heading in headings:
        assert " ".join(heading.split()) in " ".join(abstract.split())
    assert ("Data: each run's layers and their styles in its folder's plan.gpkg, its scenario, inputs and their "
            "SHA-256 in its manifest.json, its report.md; comparison.md and comparison.csv compare the runs, "
            "diff.geojson maps each compared run's changes against the baseline.") in abstract
    assert "(EPSG:32648)" in abstract
    assert metadata.find("creation") is None and metadata.find("author") is None
