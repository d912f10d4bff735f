"""An allowed zone whose `values` match no polygon is refused with what the field holds, each value
quoted, so that a code stored with a trailing space, or as "530102.0", shows: the small scenario
with an allowed-zone layer whose field `zone` holds '530102 ' and '530103 ' (trailing spaces)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_candidate_scenario import ZONE_A, ZONE_B, with_cells

from tests.conftest import run_bad


def test_no_match_lists_the_values_the_field_holds(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_cells(folder, "{cell_size_m: 1000, allowed_zone: {path: allowed.gpkg, field: zone, values: ['530102']}}",
               {"530102 ": ZONE_A, "530103 ": ZONE_B})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - allowed.gpkg: field 'zone' | no polygon of the allowed-zone layer has one of the values "
        "candidates.allowed_zone.values (got ['530102']); give values the field holds: it holds '530102 ' and "
        "'530103 '\n")
