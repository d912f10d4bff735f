"""The wording of input messages: suggestions that keep a short code's material, a target group
named where a product is asked, a key suggested in another unit, a path given as another kind of
value, and an empty `KEY=` override."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario, parse_override
from siting.config.words import close_match, short_slip, unit_change

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "yunnan_2024.yaml"
PRODUCTS = ["fepo4", "li2co3", "lfp", "ncm_precursor", "ncm", "anode", "separator", "electrolyte",
            "copper_foil", "cells", "recycling"]


def problems(*overrides: tuple[str, object]) -> list[str]:
    """The problems of the scenario with `overrides`, each without its file and key."""
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIO, None, overrides)
    return [p.split(" | ", 1)[1] for p in raised.value.problems]


@pytest.mark.parametrize("value", ["nca", "lioh", "lmfp", "lco", "cam"])
def test_short_code_of_another_material_gets_no_suggestion(value: str) -> None:
    assert close_match(value, PRODUCTS) is None
    assert problems(("constraints.redline.setbacks_m", {value: {"lake": 5000}})) == [
        f"unknown product (got {value!r}); choose one of: {', '.join(PRODUCTS)}"]


@pytest.mark.parametrize(("value", "meant"), [
    ("LiFePO4", "lfp"), ("fepo", "fepo4"), ("ncm_precurser", "ncm_precursor"), ("lpf", "lfp"),
    ("LFP", "lfp"), ("NCM", "ncm"), ("bas", "base"), ("lakes", "lake"), ("laek", "lake"), ("n_cm", "ncm")])
def test_slips_are_still_suggested(value: str, meant: str) -> None:
    assert close_match(value, [*PRODUCTS, "base", "lake"]) == meant


def test_short_zone_names_are_names_of_their_own() -> None:
    assert close_match("zonea", ["zoneb"]) is None
    assert close_match("zoneb", ["zonea", "zonec"]) is None
    assert not short_slip("zonea", "zoneb")
    assert short_slip("zonea", "zonae")


def test_target_group_where_a_product_is_asked() -> None:
    assert problems(("constraints.chain_balance.min_local_share", {"cathode": 0.5})) == [
        "unknown product (got 'cathode'); 'cathode' is a target group (lfp, ncm); name its products"]


@pytest.mark.parametrize(("typed", "suggested", "note"), [
    ("buffer_km", "buffer_m", " (in metres: 1 km is 1000 m)"),
    ("buffer_m", "buffer_km", " (in kilometres: 1 m is 0.001 km)"),
    ("rel_gap_pct", "rel_gap", " (a share: 1 % is 0.01)"),
    ("area_km2", "area_ha", " (in hectares: 1 km2 is 100 ha)"),
    ("amount_kt", "amount_t", " (in tonnes: 1 kt is 1000 t)"),
    ("buffer", "buffer_m", " (in metres)"),
    ("bufer_m", "buffer_m", ""),
    ("price_yuan_per_kt", "price_yuan_per_t", ""),
])
def test_unit_change(typed: str, suggested: str, note: str) -> None:
    assert unit_change(typed, suggested) == note


def test_key_suggested_in_another_unit_says_the_unit() -> None:
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIO, None, (("constraints.redline.buffer_km", 3),))
    assert raised.value.problems[0].endswith(
        "unknown setting 'constraints.redline.buffer_km'; did you mean 'buffer_m'? (in metres: 1 km is 1000 m)")
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIO, None, (("solver.rel_gap_pct", 1),))
    assert raised.value.problems[0].endswith(
        "unknown setting 'solver.rel_gap_pct'; did you mean 'rel_gap'? (a share: 1 % is 0.01)")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("output.folder", 2024, "must be a path (got 2024, read as a number); quote it: '2024'"),
    ("output.folder", 2.5, "must be a path (got 2.5, read as a number); quote it: '2.5'"),
    ("output.folder", True, "must be a path (got true, read as true/false); quote it: 'true'"),
    ("catalog", None, "must be a path (got null, read as no value); give the path, in quotes if it reads as null"),
    ("catalog", ["a"], "must be a path (got a list); give one path, in quotes if it holds [ ] { } or ': '"),
    ("catalog", {"a": 1}, "must be a path (got a mapping); give one path, in quotes if it holds [ ] { } or ': '"),
])
def test_path_given_as_another_kind_of_value(key: str, value: object, message: str) -> None:
    assert problems((key, value)) == [message]


def test_empty_override_value_is_an_empty_value() -> None:
    assert parse_override("layers.sites.path=") == ("layers.sites.path", [""])
    assert parse_override("layers.sites.path= ") == ("layers.sites.path", [""])
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        parse_override("=2000")
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        parse_override("layers.sites.path")
    assert problems(("layers.sites.path", "")) == [
        "must not be empty (got ''): an empty path stands for the current folder; give the path (a relative path in "
        "--set starts at the current folder)"]
