"""`--set KEY=VALUE[,VALUE...]`: commas separate values only outside brackets and quotes, so a
list or mapping in YAML flow style is one value."""

from __future__ import annotations

import pytest

from siting.config.errors import InputError
from siting.config.load import parse_override, top_level_parts


@pytest.mark.parametrize(("text", "parts"), [
    ("0,500,1000", ["0", "500", "1000"]),
    ("[2022, 2023]", ["[2022, 2023]"]),
    ("[lake,forest_park],[lake]", ["[lake,forest_park]", "[lake]"]),
    ("{a: 1, b: [2, 3]},4", ["{a: 1, b: [2, 3]}", "4"]),
    ("'x,y',\"u,v\",z", ["'x,y'", '"u,v"', "z"]),
    ("[unclosed, a", ["[unclosed, a"]),
])
def test_values_split_at_top_level_commas_only(text: str, parts: list[str]):
    assert top_level_parts(text) == parts


def test_a_list_is_one_value_and_several_lists_are_several_values():
    assert parse_override("years=[2022, 2023]") == ("years", [[2022, 2023]])
    assert parse_override("constraints.redline.categories=[lake, forest_park],[lake]") == (
        "constraints.redline.categories", [["lake", "forest_park"], ["lake"]])
    assert parse_override("constraints.redline.buffer_m=0,500") == ("constraints.redline.buffer_m", [0, 500])


def test_an_unclosed_list_is_a_yaml_problem_named_by_its_key():
    with pytest.raises(InputError) as error:
        parse_override("years=[2022, 2023")
    assert error.value.problems == ["--set years | YAML syntax error: the '[' opened at column 1 is never closed "
                                    "(got '[2022, 2023'); close it with ']'"]
