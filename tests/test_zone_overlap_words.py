"""report.md's line for a built site partly inside the red-line zones of products it builds says
of each product only what holds for it: where a product's zone reaches less far (the 1 km buffer
against another's 5 km lake setback), it is named apart, with narrower zones and more land, not
as if the 5 km setback and the least land were its own."""

from __future__ import annotations

import pandas as pd

from siting.deliver.report import land_blocks, markdown
from siting.prepare.spatial import RedlineSettings

#: The cells scenario's rule, as far as the line needs it: a 1 km buffer, FePO4 5 km from lakes.
RULE = RedlineSettings(True, 1000.0, None, {"fepo4": {"lake": 5000.0}})


def frame(products: str, reach: str) -> pd.DataFrame:
    return pd.DataFrame([{"id": "c1", "status": "built", "usable_land_ha": 1368.0, "land_after_redline_ha": 1239.0,
                          "land_committed_ha": 0.0, "land_free_ha": 1239.0, "land_used_ha": 100.0,
                          "setback_products": products, "setback_reach": reach, "setback_overlap_ha": 936.0,
                          "land_outside_setback_ha": 432.1}])


def last_line(table: pd.DataFrame) -> str:
    return markdown(land_blocks(table, {"c1": "Cell 69-746"}, RULE.distance_m)).rstrip("\n").splitlines()[-1]


def test_products_with_a_narrower_zone_are_named_apart() -> None:
    line = last_line(frame("fepo4,ncm,anode", "forest_park 1000 m, lake 5000 m"))
    assert line == ("- Cell 69-746: 936 ha of its area lie within the 1 km forest park setback and the 5 km lake "
                    "setback, the zone of FePO4, which it builds; its plant must stand on the 432.1 ha outside them; "
                    "NCM and Anode, which it builds too, have narrower zones here and more land")


def test_one_zone_for_every_product_keeps_the_single_sentence() -> None:
    line = last_line(frame("ncm,anode", "forest_park 1000 m"))
    assert line == ("- Cell 69-746: 936 ha of its area lie within the 1 km forest park setback, the zone of NCM and "
                    "Anode, which it builds; the plant must stand on the 432.1 ha outside the 1 km forest park "
                    "setback")


def test_zones_that_are_not_nested_are_said_as_such() -> None:
    """Anode 5 km from forest parks, FePO4 5 km from lakes: neither zone holds the other."""
    rule = RedlineSettings(True, 1000.0, None, {"fepo4": {"lake": 5000.0}, "anode": {"forest_park": 5000.0}})
    table = frame("fepo4,anode", "forest_park 5000 m, lake 5000 m")
    line = markdown(land_blocks(table, {"c1": "Cell 69-746"}, rule.distance_m)).rstrip("\n").splitlines()[-1]
    assert line == ("- Cell 69-746: 936 ha of its area lie within the zones of FePO4 and Anode, which it builds (the "
                    "5 km forest park setback and the 5 km lake setback in all, not the same for each product); the "
                    "plant with the least land must stand on the 432.1 ha outside its zone")
