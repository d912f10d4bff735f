"""An allowed zone whose `values` name some values the field holds and some it does not (a county
code mistyped in a list of several) is refused, naming the values no polygon has, as a list that
matches no polygon at all is: a mistyped code would otherwise leave its county out of the zone
without a word. The small scenario with an allowed-zone layer whose field `zone` holds 'a' and 'b'."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_candidate_scenario import ZONE_A, ZONE_B, with_cells

from tests.conftest import run_bad


def test_values_the_field_does_not_hold_are_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg, field: zone, values: [a, c, d]}}",
               {"a": ZONE_A, "b": ZONE_B})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - allowed.gpkg: field 'zone' | no polygon of the allowed-zone layer has the values 'c' and 'd' of "
        "candidates.allowed_zone.values (got ['a', 'c', 'd']); give values the field holds, or leave those out: "
        "it holds 'a' and 'b'\n")
