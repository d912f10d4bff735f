"""A resource's colour is its own: the same whichever other resources a run's sources layer has,
in map.png, the QGIS styles and the web map (siting/deliver/styles.py `resource_colours`).

The shipped sources layer (geodata/yunnan/sources.geojson) has seven resources: aluminium,
copper, copper concentrate, lithium clay, manganese, petroleum coke and phosphate rock. They take
RESOURCE_PALETTE's first seven colours (the most distinct), by name, as the shipped map has always
drawn them: aluminium the 1st, copper the 2nd, ..., phosphate rock the 7th. The catalog's other
three (cobalt, nickel, retired batteries: imported, no shipped source) take the 8th to 10th. Before,
a resource took the colour of its place among the resources present: copper was the 2nd colour on
the shipped map and the 3rd with cobalt present.

A resource the project does not know ("antimony" below, sorted before every shipped one) takes
the first colour the resources present leave unused, in the palette's order: the 8th beside the
shipped seven, the 9th with cobalt present too; with all ten palette colours taken, the palette
again from its first.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from siting.deliver.styles import RESOURCE_PALETTE, resource_colours

ROOT = Path(__file__).parent.parent
CATALOG = sorted(yaml.safe_load((ROOT / "scenarios" / "catalog.yaml").read_text(encoding="utf-8"))["resources"])
SOURCES = yaml.safe_load((ROOT / "geodata" / "yunnan" / "sources.geojson").read_text(encoding="utf-8"))
ON_MAP = sorted({f["properties"]["resource"] for f in SOURCES["features"]})


def test_the_shipped_data_is_as_described() -> None:
    """The seven resources of the shipped sources layer, and the catalog's ten (those seven and
    three imported ones): what the tests below take as given."""
    assert ON_MAP == ["aluminium", "copper", "copper_concentrate", "lithium_clay", "manganese", "petroleum_coke",
                      "phosphate_rock"]
    assert sorted([*ON_MAP, "cobalt", "nickel", "retired_batteries"]) == CATALOG
    assert len(RESOURCE_PALETTE) == len(CATALOG) == 10


def test_copper_has_one_colour_whichever_other_resource_is_present() -> None:
    """Copper alone, with the shipped seven, with each other catalog resource, and with all ten:
    always the palette's 2nd colour (with cobalt present it was the 3rd)."""
    assert resource_colours(["copper"])["copper"] == RESOURCE_PALETTE[1]
    assert resource_colours([*ON_MAP, "cobalt"])["copper"] == RESOURCE_PALETTE[1]
    for other in CATALOG:
        assert resource_colours(["copper", other])["copper"] == RESOURCE_PALETTE[1], other
    assert resource_colours(CATALOG)["copper"] == RESOURCE_PALETTE[1]


@pytest.mark.parametrize("resource", CATALOG)
def test_every_catalog_resource_has_one_colour_whichever_others_are_present(resource: str) -> None:
    """Each catalog resource: its colour alone is its colour beside any one other catalog
    resource, beside the shipped seven and beside all ten."""
    own = resource_colours([resource])[resource]
    for other in CATALOG:
        assert resource_colours([other, resource])[resource] == own, other
    assert resource_colours([*ON_MAP, resource])[resource] == own
    assert resource_colours(CATALOG)[resource] == own


def test_the_shipped_map_keeps_the_first_seven_colours_by_name() -> None:
    """The shipped seven take palette positions 0 to 6 in sorted order, as the shipped map has
    drawn them (docs/map_yunnan_2024.png), also with the catalog's three others present, which
    take 7 to 9 in sorted order."""
    shipped = {r: RESOURCE_PALETTE[i] for i, r in enumerate(ON_MAP)}
    assert resource_colours(ON_MAP) == shipped
    assert resource_colours(list(reversed(ON_MAP))) == shipped
    everything = resource_colours(CATALOG)
    assert {r: everything[r] for r in ON_MAP} == shipped
    assert [everything[r] for r in ("cobalt", "nickel", "retired_batteries")] == list(RESOURCE_PALETTE[7:10])


def test_every_catalog_resource_has_its_own_colour() -> None:
    """The palette has a colour for each of the catalog's ten: each resource's own colour (taken
    alone) differs from every other's, and all ten together use the whole palette."""
    alone = {r: resource_colours([r])[r] for r in CATALOG}
    for a, b in itertools.combinations(CATALOG, 2):
        assert alone[a] != alone[b], (a, b)
    assert sorted(alone.values()) == sorted(RESOURCE_PALETTE)
    assert resource_colours(CATALOG) == alone


def test_an_unknown_resource_takes_a_colour_no_resource_present_has() -> None:
    """Antimony beside the shipped seven: the 8th colour, the first they leave, and theirs stay
    as they were; with cobalt present (the 8th) the 9th."""
    shipped = resource_colours(ON_MAP)
    colours = resource_colours([*ON_MAP, "antimony"])
    assert colours["antimony"] == RESOURCE_PALETTE[7]
    assert {r: colours[r] for r in ON_MAP} == shipped
    with_cobalt = resource_colours([*ON_MAP, "cobalt", "antimony"])
    assert with_cobalt["antimony"] == RESOURCE_PALETTE[8]
    assert with_cobalt["antimony"] not in {with_cobalt[r] for r in [*ON_MAP, "cobalt"]}


def test_unknown_resources_share_the_free_colours_by_name_then_wrap() -> None:
    """Two unknown resources beside copper alone: by name, the first two colours copper leaves
    (the 1st and 3rd). Beside all ten catalog resources, which take the whole palette, unknown
    ones wrap round it from its first colour; the catalog's keep theirs."""
    colours = resource_colours(["zinc", "copper", "antimony"])
    assert colours == {"antimony": RESOURCE_PALETTE[0], "copper": RESOURCE_PALETTE[1], "zinc": RESOURCE_PALETTE[2]}
    everything = resource_colours(CATALOG)
    full = resource_colours([*CATALOG, "zinc", "antimony"])
    assert {r: full[r] for r in CATALOG} == everything
    assert (full["antimony"], full["zinc"]) == (RESOURCE_PALETTE[0], RESOURCE_PALETTE[1])


def test_the_colour_order_names_every_resource_of_the_shipped_data_once() -> None:
    """RESOURCE_COLOUR_ORDER: the shipped seven first, by name, then the catalog's others, by
    name; every catalog resource once, and no more than the palette has colours (a catalog
    resource left out would take a colour that depends on the others present)."""
    from siting.deliver.styles import RESOURCE_COLOUR_ORDER

    others = sorted(set(CATALOG) - set(ON_MAP))
    assert list(RESOURCE_COLOUR_ORDER) == [*ON_MAP, *others]
    assert len(RESOURCE_COLOUR_ORDER) <= len(RESOURCE_PALETTE)


def test_the_colours_come_by_name_and_once_each() -> None:
    """A resource given twice has one entry; the mapping is in sorted name order (the legends'
    order), whatever the order given."""
    colours = resource_colours(["phosphate_rock", "copper", "phosphate_rock", "antimony"])
    assert list(colours) == ["antimony", "copper", "phosphate_rock"]
