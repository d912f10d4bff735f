"""One finite-number test for the comparison tables and the tolerance texts
(siting/config/units.py `finite_number`), and a name of its own for the comparison table's
number cells of siting/api.py (`_is_numeric_cell`, which takes NaN for a number): no two
functions of one name with two meanings."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

import siting.api as api
import siting.optimize.tolerance as tolerance
import siting.runs.tables as tables
from siting.config.units import finite_number

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(("value", "expected"), [
    (1, True), (2.5, True), (np.float64(3.0), True), (-0.0, True),
    (True, False), (math.nan, False), (math.inf, False), ("1", False), (None, False)])
def test_a_finite_number_is_an_int_or_float_not_a_bool_nan_or_infinite(value, expected) -> None:
    assert finite_number(value) is expected


def test_the_tables_and_the_tolerance_texts_share_it() -> None:
    assert tables.finite_number is finite_number
    assert tolerance.finite_number is finite_number


def test_a_comparison_cell_counts_nan_as_a_number_but_not_a_yes_no() -> None:
    assert api._is_numeric_cell(math.nan) and api._is_numeric_cell(np.int64(3))
    assert not api._is_numeric_cell(np.bool_(True)) and not api._is_numeric_cell(False)


def test_no_module_defines_is_number() -> None:
    defined = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "siting").rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef) and node.name == "_is_number"]
    assert defined == []
