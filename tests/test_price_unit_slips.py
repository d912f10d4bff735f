"""Power tariffs and land prices given in another unit than the layers' yuan/kWh and yuan/ha.

Chinese sources give tariffs in fen (分) per kWh and land prices in 万 yuan per 亩 (the shipped
sites' own notes say "10万 yuan/亩"): typed into the layer as they stand, 45 for 0.45 yuan/kWh and
30 for 4,500,000 yuan/ha, they change the plan without a word (an energy cost 100 times the
price of the product, land at nearly nothing). A notice names the file, the field, the features
and the likely unit; the plan is solved with the figures as given. Notices are matched whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.prepare.problem import prepare

# `folder` (a copy of the small scenario) is in tests/conftest.py.


def set_property(path: Path, name: str, values: dict[str, float]) -> None:
    """Set the property `name` of the features of the layer at `path` whose first property (the
    id) is a key of `values`."""
    data = json.loads(path.read_text())
    for feature in data["features"]:
        properties = feature["properties"]
        key = next(iter(properties.values()))
        if key in values:
            properties[name] = values[key]
    path.write_text(json.dumps(data))


def slip_notices(folder: Path) -> list[str]:
    return [n for n in prepare(folder / "scenario.yaml", {}).notices if "given in" in n and "yuan/" in n]


@pytest.mark.parametrize(("layer", "key", "value", "feature"), [
    ("sites", "e_city", 45, "the 3rd feature (site_id 'e_city')"),  # fen/kWh
    ("clusters", "west", 400, "the 1st feature (cluster_id 'west')"),  # yuan/MWh
])
def test_a_tariff_in_fen_per_kwh_or_yuan_per_mwh_is_named(folder: Path, layer: str, key: str, value: float,
                                                           feature: str):
    set_property(folder / f"{layer}.geojson", "power_tariff_yuan_per_kwh", {key: value})
    assert slip_notices(folder) == [
        f"{layer}.geojson: field 'power_tariff_yuan_per_kwh' | above 5 yuan/kWh for {feature} (got {value}): given "
        "in fen/kWh or in yuan/MWh? The field is in yuan/kWh (45 fen/kWh, 450 yuan/MWh are written 0.45); the plan "
        "uses the figures as given"]


def test_a_land_price_in_wan_yuan_per_mu_is_named(folder: Path):
    set_property(folder / "sites.geojson", "land_price_yuan_per_ha", {"w_mine": 10, "e_far": 30})
    assert slip_notices(folder) == [
        "sites.geojson: field 'land_price_yuan_per_ha' | above 0 and below 10,000 yuan/ha for the 1st feature "
        "(site_id 'w_mine') and the 4th (site_id 'e_far') (got 10, 30): given in 万 yuan/亩 or in yuan/m2? The field "
        "is in yuan/ha (30 万 yuan/亩 is written 4500000, 300 yuan/m2 3000000); the plan uses the figures as given"]


def test_prices_in_their_units_and_free_land_give_no_notice(folder: Path):
    """The small scenario's own figures (0.4-0.5 yuan/kWh, 1-3 million yuan/ha), and land priced
    at 0 (free land, as candidate cells have by default), are taken without a word."""
    set_property(folder / "sites.geojson", "land_price_yuan_per_ha", {"w_mine": 0})
    assert slip_notices(folder) == []
