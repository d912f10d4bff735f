"""A label's data-defined properties are read by QGIS under its own names for them: the
background's stroke is `ShapeBorderColor` / `ShapeBorderWidth` (QgsPalLayerSettings'
ShapeStrokeColor and ShapeStrokeWidth keep their older names in a project), and a property under
any other name is ignored without a word. compare's diff.qml marks a run within solver tolerance
of the baseline with a white mark outlined in the change's colour (`change_marks`): under the
enum's names that outline was drawn in ink, 0.2 mm, like every other mark."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import pytest
from test_qgis import QGIS_PYTHON, qgis_available

from siting.deliver.styles import change_marks

LABEL_NAMES = """
from qgis.core import QgsPalLayerSettings
print("\\n".join(d.name() for d in QgsPalLayerSettings.propertyDefinitions().values()))
"""


def label_property_names(labeling: ET.Element) -> set[str]:
    return {o.get("name") for dd in labeling.iter("dd_properties")
            for props in dd.iter("Option") if props.get("name") == "properties"
            for o in props.findall("Option")}


def test_change_marks_outline_their_hollow_mark_under_qgis_s_names():
    names = label_property_names(change_marks())
    assert names == {"ShapeFillColor", "ShapeBorderColor", "ShapeBorderWidth"}


def test_every_name_is_one_qgis_reads():
    reason = qgis_available()
    if reason is not None:
        pytest.skip(f"QGIS Python bindings unavailable: {reason}")
    done = subprocess.run([QGIS_PYTHON, "-c", LABEL_NAMES], capture_output=True, text=True, timeout=120, check=True)
    known = set(done.stdout.split())
    assert {"ShapeBorderColor", "ShapeBorderWidth", "ShapeFillColor"} <= known
    assert label_property_names(change_marks()) <= known
