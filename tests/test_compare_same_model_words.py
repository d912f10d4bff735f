"""Two runs whose red lines differ as written (1000 m and 15000 m of buffer) but keep out the same
site-product pairs and leave the same land are the same model: the note under the comparison says
so, not that their rules are the same, which would read as if the buffer were ignored."""

from __future__ import annotations

from test_families import make_inputs
from test_runs_nested_rules import run

from siting.config.units import BN
from siting.runs.pool import CaseSummary, carry_bounds
from siting.runs.tables import bound_note, nesting_sentences

SAME_MODEL = ("as applied, their rules keep out the same site-product pairs and leave the same land at every site: "
              "the same model")


def pair() -> list[CaseSummary]:
    return carry_bounds([run("a", 10.0 * BN, 9.0 * BN, make_inputs()), run("b", 10.0 * BN, 9.5 * BN, make_inputs())])


def test_the_nesting_sentence_says_the_model_is_the_same() -> None:
    (sentence,) = nesting_sentences(pair())
    assert sentence == (f"The rules of a and b admit every plan of each other ({SAME_MODEL}), so their optima are "
                        "the same: the proven range is 0.")
    assert "they are the same" not in sentence


def test_the_bound_note_says_the_model_is_the_same() -> None:
    note = bound_note(pair())
    assert f"({SAME_MODEL})" in note
    assert "they are the same" not in note
