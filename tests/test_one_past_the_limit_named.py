"""A list that names the first few items and counts the rest names one item past its limit
rather than "and 1 more", which is no shorter (siting/config/units.py `cut_at`, the one rule of
every such list): the known names of an unknown one, the sites of committed projects the layer
does not define, a layer's features with bad values, the decisions the solver left far from a
whole number, and the site-product pairs a comparison names. Two past the limit are counted, as
before. Messages are matched whole; nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_config_refusals import LAYER_IDS, committed
from test_layer_input import eight_sites

from siting.config.errors import NoSolution
from siting.config.load import unknown_site_problems, unknown_value
from siting.config.units import cut_at, cut_list
from siting.optimize.results import _whole
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


@pytest.mark.parametrize(("count", "last"), [(11, "  - x10: 0.5"), (12, "  - ... and 2 more")])
def test_eleven_decisions_far_from_whole_are_all_named(count: int, last: str) -> None:
    """Ten are named: an eleventh too (before: "... and 1 more"), a twelfth and more counted."""
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
