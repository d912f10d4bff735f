"""A short key of the schema mistyped by one letter is offered the key it meant, as a long one is
(`close_key`), while a short code (a product, a category) keeps its caution: `nca` is no slip of
`ncm`. A required key missing beside its slip is said once, with the slip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.config.words import close_key, close_match

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("value", "known", "found"), [
    ("yeers", ["name", "years", "layers"], "years"),   # a letter changed
    ("yearss", ["name", "years", "layers"], "years"),  # a letter added inside a long value
    ("yeaars", ["name", "years", "layers"], "years"),  # one added inside
    ("lamd", ["land", "budget"], "land"),              # a short optional key
    ("nmae", ["name", "years"], "name"),               # two neighbours swapped
    ("xy", ["xz"], None),                              # two letters are a whole name
    ("zone_a", ["zone_b"], None),                      # a mark of its own
])
def test_a_short_key_one_edit_from_a_key_is_offered_it(value: str, known: list[str], found: str | None) -> None:
    assert close_key(value, known) == found


@pytest.mark.parametrize(("value", "known"), [("nca", ["ncm"]), ("yeers", ["years"]), ("lmfp", ["lfp"])])
def test_a_short_code_keeps_its_caution(value: str, known: list[str]) -> None:
    """Products, sites and categories are codes: one letter changed names another."""
    assert close_match(value, known) is None


def test_a_required_top_level_key_mistyped_is_one_problem(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    shutil.copytree(ROOT / "geodata", folder / "geodata")
    path = folder / "scenarios" / "yunnan_2024.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\nyears:") == 1
    path.write_text(text.replace("\nyears:", "\nyeers:"), encoding="utf-8")
    line = text[:text.index("\nyears:") + 1].count("\n") + 1
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert raised.value.problems == [
        f"{path}:{line}: yeers | unknown key; did you mean 'years' (required, missing)?"]


def test_an_optional_short_key_mistyped_on_the_command_line() -> None:
    with pytest.raises(InputError) as raised:
        load_scenario(ROOT / "scenarios" / "yunnan_2024.yaml", overrides=(("constraints.lamd", "{}"),))
    [problem] = raised.value.problems
    assert problem.endswith("yunnan_2024.yaml: --set constraints.lamd | unknown setting 'constraints.lamd'; "
                            "did you mean 'land'?")
