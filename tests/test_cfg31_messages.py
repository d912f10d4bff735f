"""Clearer messages: a number written with a thousands separator inside braces (`{buffer_m:
1,000}`, which YAML reads as buffer_m 1 and a key 000), a tab indenting YAML, the text of a
scenario given to `siting.load` in place of its path; and `siting.scenario_json_schema` refusing
arguments of the wrong kind, with `of=` giving the catalog's and the committed projects' schema
as `siting schema --of` does."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.config.schema import file_json_schema
from tests.conftest import edit


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml")
    return [problem.replace(f"{folder}/", "") for problem in err.value.problems]


def test_a_thousands_separator_in_braces_is_named(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 1,000}")
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    assert problems[0].startswith("scenario.yaml:21: constraints.redline | ")
    assert "thousands separator" in problems[0] and "write 1000" in problems[0]
    assert "Keys should be strings" not in problems[0]


@pytest.mark.parametrize(("old", "new", "line"), [
    ("constraints:\n  redline:", "constraints:\n\tredline:", 21),
    ("  proximity:\n", "  proximity:\n\t", 23),
])
def test_a_tab_is_told_to_be_spaces(folder: Path, old: str, new: str, line: int):
    edit(folder / "scenario.yaml", old, new)
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"scenario.yaml:{line}:"), problems
    assert "YAML indents with spaces, not tabs" in problems[0]


def test_the_text_of_a_scenario_given_as_its_path():
    text = "name: x\nyears: [2024]\ncatalog: catalog.yaml\n" + "description: " + "y" * 900 + "\n"
    with pytest.raises(InputError) as err:
        siting.load(text)
    message = str(err.value)
    assert "path | " in message and "takes the path of a scenario file" in message
    assert "y" * 100 not in message and "'name: x\\nyears: [2024]" in message
    with pytest.raises(InputError) as err:
        siting.load("{name: x, years: [2024]}")
    assert "takes the path of a scenario file" in str(err.value)


def test_a_missing_path_is_still_said_missing(tmp_path: Path):
    with pytest.raises(InputError) as err:
        siting.load(tmp_path / "nope.yaml")
    assert "no such scenario file" in str(err.value)


@pytest.mark.parametrize("given", [1, "catalog", None, 0.0])
def test_schema_refuses_a_partial_that_is_no_flag(given: object):
    with pytest.raises(InputError) as err:
        siting.scenario_json_schema(given)  # type: ignore[arg-type]
    assert str(err.value).splitlines()[-1].lstrip(" -").startswith("partial | must be True or False")


def test_schema_of_the_other_files():
    assert siting.scenario_json_schema(of="catalog") == file_json_schema("catalog")
    assert siting.scenario_json_schema(of="committed") == file_json_schema("committed")
    assert siting.scenario_json_schema(of="scenario") == siting.scenario_json_schema()
    with pytest.raises(InputError) as err:
        siting.scenario_json_schema(of="catalogue")
    assert "of | " in str(err.value) and "'catalog'" in str(err.value)
    with pytest.raises(InputError) as err:
        siting.scenario_json_schema(True, of="catalog")
    assert "partial | " in str(err.value)
    assert "of=" in (siting.scenario_json_schema.__doc__ or "") or "of:" in (siting.scenario_json_schema.__doc__ or "")
