"""Shipped data: figures recomputed from the factors their notes state, and notes that point only
to what ships.

Each test reads the shipped files (scenarios/, docs/DATA.md, geodata/) and checks one fact
exactly: a yield, a price or a margin recomputed from the factors its note gives; a supply basis;
the products a variant's description names; the words a scenario comment may use.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
DATA_MD = ROOT / "docs" / "DATA.md"
GEODATA_README = ROOT / "geodata" / "README.md"
SOURCES = ROOT / "geodata" / "yunnan" / "sources.geojson"
YEARS = (2022, 2023, 2024)


def _catalog() -> dict:
    return yaml.safe_load((SCENARIOS / "catalog.yaml").read_text(encoding="utf-8"))


def _sources() -> dict[str, dict]:
    features = json.loads(SOURCES.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["source_id"]: f["properties"] for f in features}


def _documented_files() -> list[Path]:
    return [*sorted(SCENARIOS.glob("*.yaml")), DATA_MD, GEODATA_README]


# Words about how the project is made, not about what it is: a tracker's item and part numbers,
# and pointers to a compilation of facts that does not ship with the project.
DEVELOPMENT_WORDS = [
    re.compile(r"\(issue \d+", re.IGNORECASE),
    re.compile(r"\bpart \d+\)", re.IGNORECASE),
    re.compile(r"\b(session|reviewer)s?\b", re.IGNORECASE),
    re.compile(r"\bfacts(' | section| \d)", re.IGNORECASE),
    re.compile(r"\bpages (result|excerpt)\b", re.IGNORECASE),
]


@pytest.mark.parametrize("path", _documented_files(), ids=lambda p: p.name)
def test_shipped_data_speaks_of_the_project_alone(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for pattern in DEVELOPMENT_WORDS for m in pattern.finditer(text)]
    assert found == []


def test_prospective_lithium_yield_follows_from_its_stated_factors():
    """1,000,000 t of ore x 0.30 % Li2O x 2.473 t LCE per t Li2O x 70 % recovery = 5,193 t LCE."""
    lithium = _sources()["lithium_xiaoshiqiao"]
    lce = lithium["supply_t_per_yr"] * 0.0030 * 2.473 * 0.70
    assert round(lce) == 5193
    stated = {int(x.replace(",", "")) for x in re.findall(r"about ([\d,]+) t/yr LCE", lithium["note"])}
    assert stated == {round(lce, -2)} == {5200}
    readme = GEODATA_README.read_text(encoding="utf-8")
    assert "about 5,200 t/yr LCE" in readme and "5,300" not in readme


def test_the_copper_smelters_2022_2024_supply_is_an_assumption():
    """[124] gives the relocated plant's capacity once built, not an output in 2022-2024."""
    smelter = _sources()["copper_southwest_smelter"]
    assert smelter["supply_basis"] == "assumed"
    assert "ASSUMPTION" in smelter["note"]


def test_retired_battery_prices_follow_from_their_note():
    """8 % LCE by mass x 65 % paid x the year's Li2CO3 price + 8,000 yuan/t, to the thousand."""
    catalog = _catalog()
    lithium = catalog["products"]["li2co3"]["price_yuan_per_unit"]["observed"]
    batteries = catalog["resources"]["retired_batteries"]
    expected = {year: round(0.08 * 0.65 * lithium[year] + 8000, -3) for year in YEARS}
    assert expected == {2022: 33000, 2023: 21000, 2024: 13000}
    assert batteries["import_price_yuan_per_t"]["observed"] == expected
    assert set(batteries["import_price_yuan_per_t"]["flat_2024"].values()) == {expected[2024]}
    assert batteries["price_yuan_per_t"] == expected[2024]
    # docs/DATA.md's margin table: price - 1 t retired batteries - energy at 0.45 yuan/kWh - other
    recycling = catalog["products"]["recycling"]
    margins = [recycling["price_yuan_per_unit"]["observed"][year] - expected[year]
               - 0.45 * recycling["energy_kwh_per_unit"] - recycling["other_variable_cost_yuan_per_unit"]
               for year in YEARS]
    row = "| `recycling` (1 t retired batteries, imported) | " + " | ".join(f"{m:,.0f}" for m in margins) + " |"
    assert row in DATA_MD.read_text(encoding="utf-8")


def test_precursor_metal_value_is_per_tonne_of_precursor_as_its_note_states():
    """0.383 t Ni + 0.128 t Co + 0.37 t MnSO4.H2O at the year's import prices, per t of precursor;
    the price lies 10-13 % above it."""
    catalog = _catalog()
    resources = catalog["resources"]
    precursor = catalog["products"]["ncm_precursor"]
    per_t = precursor["resources_t_per_unit"]
    value = {year: sum(per_t[r] * resources[r]["import_price_yuan_per_t"]["observed"][year]
                       for r in ("nickel", "cobalt", "manganese")) for year in YEARS}
    stated = [int(x.replace(",", "")) for x in
              re.search(r"worth about ([\d,]+), ([\d,]+) and ([\d,]+) yuan per t of precursor",
                        precursor["sources"]["price_yuan_per_unit"]).groups()]
    assert stated == [round(value[year], -3) for year in YEARS] == [132000, 103000, 80000]
    markups = [precursor["price_yuan_per_unit"]["observed"][year] / value[year] - 1 for year in YEARS]
    assert all(0.095 <= m <= 0.135 for m in markups), markups


def test_in_province_copper_price_is_the_three_years_average_its_note_states():
    """The Shanghai price is the delivered import price less 1,000 yuan/t of freight."""
    copper = _catalog()["resources"]["copper"]
    shanghai = [copper["import_price_yuan_per_t"]["observed"][year] - 1000 for year in YEARS]
    assert shanghai == [67500, 68500, 75000]
    assert "67,500, 68,500 and 75,000" in copper["sources"]["price_yuan_per_t"]
    assert copper["price_yuan_per_t"] == round(sum(shanghai) / 3, -3)


def test_strict_red_line_description_names_every_product_it_sets_back():
    strict = yaml.safe_load((SCENARIOS / "yunnan_2024_strict_redline.yaml").read_text(encoding="utf-8"))
    setbacks = set(strict["constraints"]["redline"]["setbacks_m"])
    assert setbacks == {"fepo4", "li2co3", "ncm_precursor", "electrolyte", "anode", "copper_foil", "recycling"}
    description = strict["description"]
    assert "seven products" in description
    assert all(word in description for word in ("anode", "copper foil", "recycling"))


@pytest.mark.parametrize("name", ["yunnan_2024_calibration_choose.yaml", "yunnan_2024_calibration_fixed.yaml",
                                  "yunnan_2024_calibration_sep2024.yaml"])
def test_calibration_cells_target_is_marked_storage_only(name: str):
    """[11] counts 9 GWh of storage cells; the target counts power and storage cells."""
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.strip().startswith("cells: {2024: 9}"))
    assert "storage cells only" in line and "lower bound" in line
    assert "9.9 GWh" not in text
