"""Every layer joins a list of ids in one attribute value the same way, "fepo4, li2co3"
(siting/deliver/layer.py ID_LIST_SEPARATOR), as diff.geojson's `kept_out_base` and `kept_out_new`
did: sites.geojson's `excluded_redline`, `excluded_proximity`, `setback_products` and
`on_site_sources`, clusters.geojson's `products_added` and redline_zones.geojson's `products`
were "fepo4,li2co3". The readers (the web map, the QGIS styles, the report) take both forms."""

from __future__ import annotations

import json
from pathlib import Path

from siting.deliver.layer import id_items, id_list

LIST_FIELDS = {"sites": ("excluded_redline", "excluded_proximity", "setback_products", "on_site_sources"),
               "clusters": ("products_added",), "redline_zones": ("products",)}


def values(folder: Path) -> list[str]:
    """Every non-empty value of LIST_FIELDS in the run's layers."""
    found = []
    for layer, fields in LIST_FIELDS.items():
        path = folder / f"{layer}.geojson"
        if path.exists():
            for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
                found += [str(feature["properties"][f]) for f in fields
                          if f in feature["properties"] and feature["properties"][f]]
    return found


def test_the_small_plan_s_lists_are_joined_by_comma_and_space(small_run):
    """tests/data/small: w_lake's `excluded_redline` "fepo4, lfp, cells" (was "fepo4,lfp,cells"),
    the west cluster's `products_added` two products or more; no list without the space."""
    found = values(small_run.out)
    assert "fepo4, lfp, cells" in found
    several = [v for v in found if "," in v]
    assert len(several) >= 2, found
    assert all(", ".join(id_items(v)) == v for v in several), several


def test_id_items_reads_both_forms():
    assert id_items("fepo4, li2co3") == id_items("fepo4,li2co3") == ["fepo4", "li2co3"]
    assert id_items("") == id_items(None) == id_items(float("nan")) == []
    assert id_list(["fepo4", "li2co3"]) == "fepo4, li2co3" and id_list([]) == ""


def test_the_web_map_s_site_popup_names_on_site_sources_once_spaced():
    """A site drawing from two sources on site ("rock_a, rock_b", as the layer joins them) reads
    "rock_a, rock_b" in its popup; it read "rock_a,  rock_b" (the old form's "," widened again)."""
    from siting.deliver.webmap import site_popup

    row = {"id": "s1", "name": "North park", "cluster": "c", "status": "built", "on_site_sources": "rock_a, rock_b"}
    popup = site_popup(row, [], [], {})
    assert "draws from a source on site</th><td>rock_a, rock_b</td>" in popup
    old_form = site_popup({**row, "on_site_sources": "rock_a,rock_b"}, [], [], {})
    assert "draws from a source on site</th><td>rock_a, rock_b</td>" in old_form
