"""A mistyped key written without its unit is offered the key it meant (`close_key`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.config.words import close_key, unit_stem

ROOT = Path(__file__).resolve().parents[1]


def test_unit_stem() -> None:
    assert unit_stem("buffer_m") == "buffer"
    assert unit_stem("buffer_km") == "buffer"
    assert unit_stem("official_share_pct") == "official_share"
    assert unit_stem("price_yuan_per_t") == "price_yuan_per_t"  # a rate says no unit of its own
    assert unit_stem("enabled") == "enabled"


def test_slip_of_a_stem_offers_the_key() -> None:
    keys = ["enabled", "buffer_m", "categories", "setbacks_m", "official_share_pct", "official_share_source"]
    assert close_key("bufer", keys) == "buffer_m"
    assert close_key("buffer", keys) == "buffer_m"  # close_match's own answer
    assert close_key("setback", keys) == "setbacks_m"
    assert close_key("colour", keys) is None


def test_stem_shared_by_two_keys_offers_neither() -> None:
    assert close_key("bufer", ["buffer_m", "buffer_km"]) is None


def _scenario_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    shutil.copytree(ROOT / "geodata", folder / "geodata")
    path = folder / "scenarios" / "yunnan_2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_scenario_key_without_unit_mistyped(tmp_path: Path) -> None:
    path = _scenario_with(tmp_path, "    buffer_m: 1000 ", "    bufer: 1000 ")
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    text = str(raised.value)
    assert "constraints.redline.bufer | unknown key; did you mean 'buffer_m'? (in metres)" in text


def test_override_key_without_unit_mistyped() -> None:
    with pytest.raises(InputError) as raised:
        load_scenario(ROOT / "scenarios" / "yunnan_2024.yaml", overrides=[("constraints.redline.bufer", "500")])
    assert "did you mean 'buffer_m'? (in metres)" in str(raised.value)


def test_a_rate_per_t_km_says_no_unit_and_times_say_theirs() -> None:
    """`transport_yuan_per_t_km` is a rate (yuan per t-km), not kilometres; `lifetime_yr` is in
    years and `time_limit_s` in seconds."""
    from siting.config.words import unit_change, unit_of

    assert unit_of("transport_yuan_per_t_km") is None
    assert unit_change("transport_yuan_per_tkm", "transport_yuan_per_t_km") == ""
    assert unit_change("lifetime", "lifetime_yr") == " (in years)"
    assert unit_change("time_limit", "time_limit_s") == " (in seconds)"
    assert unit_of("max_distance_km") == ("length", "km", "kilometres", 1000.0)
