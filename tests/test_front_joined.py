"""Phrases in a sentence (siting/config/units.py `joined`): the one list-joiner that messages,
notices and reports use."""

from __future__ import annotations

import pytest

from siting.config.units import joined


@pytest.mark.parametrize(("parts", "kwargs", "text"), [
    ([], {}, ""),
    (["a"], {}, "a"),
    (["a", "b"], {}, "a and b"),
    (["a", "b", "c"], {}, "a, b and c"),
    (["'a'", "'b'", "'c'"], {"last": "or"}, "'a', 'b' or 'c'"),
    (["a", "b", "c"], {"limit": 3}, "a, b and c"),
    (["a", "b", "c", "d", "e"], {"limit": 2}, "a, b and 3 more"),
    (["a", "b", "c", "d"], {"limit": 3}, "a, b, c and d"),  # one left over is named: "and 1 more" is no shorter
    (["a", "b", "c", "d", "e"], {"limit": 3}, "a, b, c and 2 more"),
    ([str(i) for i in range(1236)], {"limit": 2}, "0, 1 and 1,234 more"),  # the count's thousands separated
    (iter(["2022", "2023"]), {}, "2022 and 2023"),
])
def test_phrases_are_joined_as_a_sentence_says_them(parts, kwargs, text) -> None:
    assert joined(parts, **kwargs) == text
