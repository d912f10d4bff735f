"""diff.geojson's fields that say which site, which run and what changed (`id`, `site`,
`scenario`, `baseline`, `change`) have names in diff.qml (siting/deliver/styles.py
`change_aliases`), as its other fields do: a GIS user sees what each holds, and `change` names
its classes (CHANGE_LABELS') and what it is measured against."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from siting.deliver.styles import CHANGE_LABELS, change_aliases
from tests.conftest import MadeRun

KEYS = ("id", "site", "scenario", "baseline", "change")


def test_the_key_fields_have_aliases() -> None:
    aliases = change_aliases(["lfp"], {"lfp": "t"}, "yunnan_2024", [2022, 2023, 2024], [[2022, 2023, 2024]])
    assert all(aliases.get(key) for key in KEYS)
    assert aliases["change"].startswith("change against the baseline yunnan_2024 (")
    assert all(change in aliases["change"] for change in CHANGE_LABELS)
    assert "yunnan_2024" in aliases["baseline"]
    assert len(set(aliases.values())) == len(aliases)


def test_every_field_of_diff_geojson_has_an_alias_in_diff_qml(small_compare_run: MadeRun) -> None:
    (folder,) = {path.parent for path in small_compare_run.out.rglob("diff.geojson")}
    fields = {key for feature in json.loads((folder / "diff.geojson").read_text(encoding="utf-8"))["features"]
              for key in feature["properties"]}
    named = {alias.get("field") for alias in ET.parse(folder / "diff.qml").getroot().findall("aliases/alias")
             if alias.get("name")}
    assert fields and fields <= named, sorted(fields - named)
