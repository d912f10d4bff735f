"""A share given as a percent is refused with the number as the file writes it (0x10, 1e1), not
as Python formats the value it reads (16, 10), as every other problem shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario

SMALL = Path(__file__).parent / "data" / "small"


@pytest.mark.parametrize(("written", "example"), [("0x10", "give 0.16 for 16 %"), ("1e1", "give 0.1 for 10 %")])
def test_a_share_given_as_a_percent_is_named_as_written(tmp_path: Path, written: str, example: str) -> None:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    path = folder / "scenario.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  discount_rate: 0.1", f"  discount_rate: {written}"),
                    encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert [p for p in raised.value.problems if "discount_rate" in p] == [
        f"{path}:32: objective.discount_rate | must be less than 1: a share, not a percent (got {written}); "
        f"{example}"]
