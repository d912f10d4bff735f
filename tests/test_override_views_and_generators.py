"""An override given a dict's keys or values, or a generator (`(y for y in years)`), is applied and
recorded as the list of its items, in their order, as `sweep` takes such values, not a TypeError
from deep inside the loader; a set among its items is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.api import override_pairs

DATA = Path(__file__).parent / "data" / "small"


def _values() -> dict[str, object]:
    by_year = {2023: "a", 2024: "b"}
    return {"keys": by_year.keys(), "values": {"a": 2023, "b": 2024}.values(),
            "generator": (year for year in (2023, 2024)), "iterator": iter([2023, 2024])}


@pytest.mark.parametrize("kind", ["keys", "values", "generator", "iterator"])
def test_an_ordered_iterable_becomes_a_list(kind: str) -> None:
    (key, plain), = override_pairs({"years": _values()[kind]})
    assert key == "years" and plain == [2023, 2024] and type(plain) is list


@pytest.mark.parametrize("kind", ["keys", "generator"])
def test_such_an_override_loads(kind: str) -> None:
    problem = siting.load(DATA / "scenario.yaml", overrides={"years": _values()[kind]})
    assert problem.overrides == (("years", [2023, 2024]),)


def test_a_set_yielded_by_a_generator_is_refused() -> None:
    with pytest.raises(siting.InputError) as raised:
        override_pairs({"constraints.redline.categories": ({"lake"} for _ in range(1))})
    assert raised.value.problems[0].startswith("overrides constraints.redline.categories | must hold a list, not a set")
