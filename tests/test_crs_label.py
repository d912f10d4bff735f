"""A CRS given as a PROJ string has no name in pyproj ("unknown"): the manifest, the report's
sentence on where figures are measured, plan.qgs and the map's credits name its projection and
datum instead."""

from __future__ import annotations

import pyproj

from siting.config.schema import crs_label
from siting.deliver.manifest import working_crs_record
from siting.deliver.qgisproject import default_credits, spatial_ref
from siting.deliver.report import measure_text

UTM_PROJ = "+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs"
ALBERS_PROJ = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=krass +units=m"


def test_a_named_crs_keeps_pyproj_s_name():
    assert crs_label(pyproj.CRS("EPSG:32648")) == "WGS 84 / UTM zone 48N"


def test_a_proj_string_is_named_by_its_projection_and_datum():
    assert pyproj.CRS(UTM_PROJ).name == "unknown"
    assert crs_label(pyproj.CRS(UTM_PROJ)) == "UTM zone 48N on World Geodetic System 1984"
    assert crs_label(pyproj.CRS(ALBERS_PROJ)) == "Albers Equal Area on Krassovsky, 1942"
    assert crs_label(pyproj.CRS("+proj=tmerc +lon_0=102 +ellps=GRS80 +units=m")) == "Transverse Mercator on GRS 1980"


def test_the_manifest_and_the_report_name_a_proj_string_crs():
    record = working_crs_record(ALBERS_PROJ)
    assert record["name"] == "Albers Equal Area on Krassovsky, 1942"
    assert record["epsg"] is None
    sentence = measure_text(record)
    assert f"Working CRS: `{ALBERS_PROJ}` (Albers Equal Area on Krassovsky, 1942)." in sentence
    assert "unknown" not in sentence
    utm = working_crs_record(UTM_PROJ)
    assert measure_text(utm).startswith("Where each figure is measured. Working CRS: EPSG:32648 (UTM zone 48N on World "
                                        "Geodetic System 1984).")


def test_plan_qgs_and_its_credits_name_a_proj_string_crs():
    assert "Projection: Albers Equal Area on Krassovsky, 1942." in default_credits("t", ALBERS_PROJ)
    assert spatial_ref(ALBERS_PROJ).findtext("description") == "Albers Equal Area on Krassovsky, 1942"
