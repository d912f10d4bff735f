"""One "did you mean" rule for the scenario, the catalog, the committed projects and the layers
(`siting.config.words.close_match`): letter case aside, alike by difflib's ratio or one edit
apart, and never a name that differs only in its numbers (`zone_1` is no slip of `zone_2`).
Messages are matched whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.config.words import close_match, numbered_alike
from siting.prepare.problem import load_checked
from tests.conftest import edit


def problems_of(folder: Path, **options: object) -> list[str]:
    """The problems of loading the small scenario (layers too), its folder taken out of them."""
    with pytest.raises(InputError) as raised:
        load_checked(folder / "scenario.yaml", **options)  # type: ignore[arg-type]
    return [p.replace(f"{folder}/", "") for p in raised.value.problems]


@pytest.mark.parametrize(("a", "b", "alike"), [
    ("zone_1", "zone_2", True),      # a digit changed
    ("zone_1", "zone_12", True),     # a digit added
    ("2023", "2024", True),          # years
    ("zone_1", "zone_1", False),     # the same
    ("fep04", "fepo4", False),       # a letter typed as a digit: the letters differ
    ("zone1", "zone_1", False),      # an underscore dropped
    ("zone_a", "zone_b", False),     # no numbers
])
def test_numbered_alike(a: str, b: str, alike: bool):
    assert numbered_alike(a, b) is alike
    assert numbered_alike(b, a) is alike


@pytest.mark.parametrize(("value", "known", "found"), [
    ("zone_2", ["zone_1"], None),                        # difflib's 0.83 would take it
    ("zone_3", ["zone_1", "zone_2"], None),
    ("zone_1", ["zone_12"], None),
    ("phase2", ["phase_2"], "phase_2"),                  # an underscore dropped is a slip
    ("fep04", ["fepo4", "lfp"], "fepo4"),
    ("LFP", ["fepo4", "lfp"], "lfp"),                    # letter case aside
    ("zone_2b", ["zone_1b", "zone_2"], "zone_2"),        # the numbered one left out, the slip found
])
def test_close_match_never_takes_a_numbered_name_for_a_slip(value: str, known: list[str], found: str | None):
    assert close_match(value, known) == found


def test_a_variant_numbered_like_another_is_not_offered_for_it(folder: Path):
    """The scenario defines variant `phase_1`; `phase_2` is another phase, not a slip of it
    (difflib puts them at 0.86)."""
    with (folder / "scenario.yaml").open("a") as stream:
        stream.write("variants:\n  phase_1: {description: first phase}\n")
    with pytest.raises(InputError) as raised:
        load_scenario(folder / "scenario.yaml", variant="phase_2")
    assert [p.replace(f"{folder}/", "") for p in raised.value.problems] == [
        "scenario.yaml: variants | no variant named 'phase_2'; defined: phase_1"]


def test_a_red_line_category_numbered_like_the_layer_s_is_not_offered(folder: Path):
    """The layer's one category becomes `zone_1`; the scenario names `zone_2`, a zone of its own
    that the layer lacks: no "did you mean", the layer's categories are listed."""
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["properties"]["category"] = "zone_1"
    (folder / "redline.geojson").write_text(json.dumps(data))
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 1000, categories: [zone_2]}")
    assert problems_of(folder) == [
        "scenario.yaml:21: constraints.redline.categories | unknown red-line category (got 'zone_2'); choose one of: "
        "zone_1"]


def test_the_scenario_s_products_are_matched_letter_case_aside(folder: Path):
    """The report writes products in words (`LFP`); a scenario that names one so is told its id,
    as the layers' values are (difflib alone, case-sensitive, found none)."""
    edit(folder / "scenario.yaml", "    cathode: [lfp]", "    cathode: [LFP]")
    assert problems_of(folder) == [
        "scenario.yaml:16: targets.groups.cathode[0] | unknown product (got 'LFP'); did you mean 'lfp'?"]


@pytest.mark.parametrize(("product", "hint"), [
    ("LFP", "did you mean 'lfp'?"),
    ("FePO4", "did you mean 'fepo4'?"),
    ("iron phosphate", "did you mean 'fepo4' (Iron phosphate)?"),      # the catalog's name of fepo4
    ("Battery cells", "did you mean 'cells' (Battery cells)?"),
])
def test_a_committed_project_s_product_in_words_gets_its_id(folder: Path, product: str, hint: str):
    """A committed project written as scenarios/committed_projects.yaml writes them, with its
    product as people name it: the report's words, or the catalog's name of the product."""
    edit(folder / "committed_projects.yaml", "  product: lfp", f"  product: {product}")
    assert problems_of(folder) == [f"committed_projects.yaml:5: [0] (east_lfp).product | unknown product (got "
                                   f"{product!r}); {hint}"]
