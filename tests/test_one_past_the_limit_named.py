"""A list that names the first few items and counts the rest names one item past its limit
rather than "and 1 more", which is no shorter (siting/config/units.py `cut_at`, the one rule of
every such list): the known names of an unknown one, the sites of committed projects the layer
does not define, a layer's features with bad values, the decisions the solver left far from a
whole number, and the site-product pairs a comparison names; and the figures of a notice of a
price or usable land likely given in another unit, and the columns of a table given for a
setting (before: ", ..." for the rest, however few). Two past the limit are counted, as before.
Messages are matched whole; nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_config_refusals import LAYER_IDS, committed
from test_layer_input import eight_sites

import siting
from siting.api import override_pairs
from siting.config.errors import NoSolution
from siting.config.load import unknown_site_problems, unknown_value
from siting.config.units import cut_at, cut_list
from siting.optimize.results import _whole
from siting.prepare.problem import prepare
from siting.runs.tables import pairs_text
from tests.conftest import run_bad


@pytest.mark.parametrize(("items", "limit", "shown", "rest"), [
    ([], 3, [], 0),
    ([1, 2, 3], 3, [1, 2, 3], 0),
    ([1, 2, 3, 4], 3, [1, 2, 3, 4], 0),  # one past: shown
    ([1, 2, 3, 4, 5], 3, [1, 2, 3], 2),
    (iter("abcdef"), 2, ["a", "b"], 4),
])
def test_a_cut_shows_one_past_the_limit_and_counts_two(items, limit: int, shown: list, rest: int) -> None:
    assert cut_at(items, limit) == (shown, rest)


@pytest.mark.parametrize(("parts", "kwargs", "text"), [
    ([], {}, ""),
    (["a", "b", "c"], {}, "a; b; c"),
    (["a", "b", "c", "d"], {}, "a; b; c; d"),
    (["a", "b", "c", "d", "e"], {}, "a; b; c; and 2 more"),
    (["a", "b", "c", "d"], {"sep": ", "}, "a, b, c, d"),
    (["a", "b", "c", "d", "e"], {"sep": ", "}, "a, b, c and 2 more"),
    (["a", "b", "c", "d", "e"], {"sep": ", ", "what": "products"}, "a, b, c and 2 more products"),
    ([f"p{i}" for i in range(1237)], {}, "p0; p1; p2; and 1,234 more"),  # thousands separated
    ([f"p{i}" for i in range(1237)], {"sep": ", ", "what": "sites"}, "p0, p1, p2 and 1,234 more sites"),
])
def test_a_cut_list_joins_by_its_separator_alone(parts: list[str], kwargs: dict, text: str) -> None:
    assert cut_list(parts, 3, **kwargs) == text


def test_thirteen_known_names_are_all_listed() -> None:
    """KNOWN_SHOWN is 12: thirteen are named (before: "... park_l and 1 more"), fourteen counted."""
    assert unknown_value("f.yaml:3", "x.site", "nowhere", LAYER_IDS[:13], "site") == (
        "f.yaml:3: x.site | unknown site (got 'nowhere'); choose one of: park_a, park_b, park_c, park_d, park_e, "
        "park_f, park_g, park_h, park_i, park_j, park_k, park_l, park_m")
    assert unknown_value("f.yaml:3", "x.site", "nowhere", LAYER_IDS[:14], "site").endswith(
        "park_k, park_l and 2 more")


def test_thirteen_unknown_sites_of_committed_projects_are_all_named() -> None:
    sites = [f"old_{i:02d}" for i in range(13)]
    found = unknown_site_problems(committed(*sites), LAYER_IDS[:3], "name", "layers.sites.id_field")
    got = "; ".join(f"'{site}' in [{i}] (p{i})" for i, site in enumerate(sites))
    assert found == [
        f"projects.yaml:4: [0] (p0).site | unknown sites in 13 committed projects (got {got}); the sites layer's ids "
        "come from its field 'name' (layers.sites.id_field): 'park_a', 'park_b' and 'park_c'; give each project the "
        "id of its site there, or set layers.sites.id_field to the field that holds the projects' ids"]
    fourteen = unknown_site_problems(committed(*sites, "old_13"), LAYER_IDS[:3], "name", "layers.sites.id_field")
    assert "'old_11' in [11] (p11); and 2 more); the sites layer's" in fourteen[0]


def test_six_features_with_different_bad_values_are_all_named(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Eight sites, the first six with the negative areas -1 to -6: the sixth is named with its
    value (before: "... (got -5) and 1 more")."""
    data = eight_sites(folder)
    for i, feature in enumerate(data["features"][:6]):
        feature["properties"]["usable_area_ha"] = -(i + 1)
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | negative for the 1st feature (site_id 'w_mine') (got -1), the 2nd "
        "(site_id 'w_lake') (got -2), the 3rd (site_id 'e_city') (got -3), the 4th (site_id 'e_far') (got -4), the 5th "
        "(site_id 'w_mine_2') (got -5) and the 6th (site_id 'w_lake_2') (got -6); use a value >= 0\n")


@pytest.mark.parametrize(("count", "last"), [(11, "  - x10: 0.5"), (12, "  - ... and 2 more"),
                                           (1244, "  - ... and 1,234 more")])
def test_eleven_decisions_far_from_whole_are_all_named(count: int, last: str) -> None:
    """Ten are named: an eleventh too (before: "... and 1 more"), a twelfth and more counted, with
    a thousands separator."""
    with pytest.raises(NoSolution) as caught:
        _whole([(i, 0.5) for i in range(count)], lambda i: f"x{i}")
    lines = str(caught.value).splitlines()
    assert lines[0] == (f"the solver returned {count} whole-number decision(s) farther than 1e-06 from a whole "
                        "number, so no plan can be written:")
    assert lines[-2] == last


def test_one_pair_past_the_list_is_named() -> None:
    """Two pairs shown: a third, at a site of its own, is named (before: "and 1 more pair at 1
    site"); a third and a fourth are counted."""
    names = {"a": "Park A", "b": "Park B", "c": "Park C"}
    assert pairs_text([("a", "lfp"), ("a", "ncm"), ("b", "cells")], names, 2, "comparison.md") == (
        "Park A (LFP, NCM); Park B (Cells)")
    assert pairs_text([("a", "lfp"), ("a", "ncm"), ("b", "cells"), ("c", "anode")], names, 2, "comparison.md") == (
        "Park A (LFP, NCM); and 2 more pairs at 2 sites (comparison.md)")


#: The first five of `eight_sites`' features as a notice names them, and how it ends for six of
#: them (one past the limit of 5: named) and for seven (two past it: counted).
FIVE_SITES = ("the 1st feature (site_id 'w_mine'), the 2nd (site_id 'w_lake'), the 3rd (site_id 'e_city'), the 4th "
              "(site_id 'e_far'), the 5th (site_id 'w_mine_2')")
SIX, SEVEN = " and the 6th (site_id 'w_lake_2')", " and 2 more"


def slip_notice(folder: Path, field: str, values: list[float], words: str) -> list[str]:
    """The notices holding `words` of the small scenario with `eight_sites`, the first of them
    given `values` in `field`, the folder's path taken out."""
    data = eight_sites(folder)
    for feature, value in zip(data["features"], values, strict=False):
        feature["properties"][field] = value
    (folder / "sites.geojson").write_text(json.dumps(data))
    return [str(n).replace(f"{folder}/", "") for n in prepare(folder / "scenario.yaml", {}).notices if words in str(n)]


@pytest.mark.parametrize(("count", "tail", "figures"), [
    (6, SIX, "45, 46, 47, 48, 49, 50"),  # before: "45, 46, 47, 48, 49, ...", the sixth site's 50 hidden
    (7, SEVEN, "45, 46, 47, 48, 49 and 2 more"),
])
def test_a_sixth_tariff_in_fen_is_shown_with_its_site(folder: Path, count: int, tail: str, figures: str):
    assert slip_notice(folder, "power_tariff_yuan_per_kwh", list(range(45, 45 + count)), "yuan/kWh for") == [
        f"sites.geojson: field 'power_tariff_yuan_per_kwh' | above 5 yuan/kWh for {FIVE_SITES}{tail} (got {figures}): "
        "given in fen/kWh or in yuan/MWh? The field is in yuan/kWh (45 fen/kWh, 450 yuan/MWh are written 0.45); the "
        "plan uses the figures as given"]


@pytest.mark.parametrize(("count", "tail", "figures"), [
    (6, SIX, "10, 11, 12, 13, 14, 15"),
    (7, SEVEN, "10, 11, 12, 13, 14 and 2 more"),
])
def test_a_sixth_land_price_in_wan_yuan_per_mu_is_shown_with_its_site(folder: Path, count: int, tail: str,
                                                                     figures: str):
    assert slip_notice(folder, "land_price_yuan_per_ha", list(range(10, 10 + count)), "yuan/ha for") == [
        f"sites.geojson: field 'land_price_yuan_per_ha' | above 0 and below 10,000 yuan/ha for {FIVE_SITES}{tail} (got "
        f"{figures}): given in 万 yuan/亩 or in yuan/m2? The field is in yuan/ha (30 万 yuan/亩 is written 4500000, "
        "300 yuan/m2 3000000); the plan uses the figures as given"]


@pytest.mark.parametrize(("count", "tail", "figures"), [
    (6, SIX, "20,000 ha, 21,000 ha, 22,000 ha, 23,000 ha, 24,000 ha, 25,000 ha"),
    (7, SEVEN, "20,000 ha, 21,000 ha, 22,000 ha, 23,000 ha, 24,000 ha and 2 more"),
])
def test_a_sixth_point_site_s_land_in_m2_is_shown_with_its_site(folder: Path, count: int, tail: str, figures: str,
                                                               monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    assert slip_notice(folder, "usable_area_ha", list(range(20000, 20000 + 1000 * count, 1000)),
                       "usable at a point site") == [
        f"sites.geojson: field 'usable_area_ha' | more than 10,000 ha usable at a point site for {FIVE_SITES}{tail} "
        f"(got {figures}): given in m2? It is in ha (300,000 m2 is 30 ha); the plan uses the figures as given"]


@pytest.mark.parametrize(("columns", "named"), [
    (6, "c0, c1, c2, c3, c4, c5"),  # before: "c0, c1, c2, c3, c4, ..."
    (7, "c0, c1, c2, c3, c4 and 2 more"),
])
def test_a_sixth_column_of_a_table_given_for_a_setting_is_named(columns: int, named: str) -> None:
    table = pd.DataFrame({f"c{i}": [1] for i in range(columns)})
    with pytest.raises(siting.InputError) as raised:
        override_pairs({"constraints.redline.buffer_m": table})
    assert raised.value.problems == [
        f"overrides constraints.redline.buffer_m | must be a setting's value, not a table (got a pandas DataFrame of "
        f"1 row x {columns} columns: {named}); give one of its columns (df['c0'], a Series) or a dict"]
