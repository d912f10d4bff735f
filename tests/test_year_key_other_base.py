"""A year written as a mapping's key is a whole number written as digits (docs/USAGE.md, "Solve options"): one
typed in hexadecimal or octal (`0x7E8:`, `0o3750:`, which YAML 1.2 reads as 2024) was taken as that
year, in a scenario file, a catalog and a `--set` value alike, where the same key in quotes, or in
binary (text to YAML 1.2), was refused. It is refused as typed, as `true:` and `null:` are, naming
the file, line and key as written and telling to write the year as digits; the same number written
as a value, and a year in e-notation or with `_` between its digits, read as before. Solves
nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py), its plan
2023-2024, its cells target {2024: 10}."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_year_keys_as_typed import WHOLE, problems

from siting.config.load import load_scenario, parse_override
from tests.conftest import edit


@pytest.mark.parametrize("year", ["0x7E8", "0o3750", "0x10", "-0x10", "0b11111101000"])
def test_a_target_year_in_another_base_is_refused_as_typed(folder: Path, capsys, monkeypatch, year):
    monkeypatch.chdir(folder)
    edit(folder / "scenario.yaml", "cells: {2024: 10}", f"cells: {{{year}: 10}}")
    assert problems(folder, capsys) == (2, [
        f"  - scenario.yaml:19: targets.capacity.cells.{year} (as a key) | {WHOLE.format(got=year)}"])


def test_a_catalog_year_in_another_base_is_refused_as_typed(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", "{base: {2023: 400, 2024: 300}", "{base: {2023: 400, 0x7E8: 300}")
    assert problems(folder, capsys) == (2, [
        f"  - catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base.0x7E8 (as a key) | "
        f"{WHOLE.format(got='0x7E8')}"])


@pytest.mark.parametrize(("override", "year"), [
    ("targets.capacity.cells={0x7E8: 5}", "0x7E8"), ("targets.capacity.cells={0o3750: 5}", "0o3750"),
    ("targets.capacity.cells={0x10: 5}", "0x10"), ("targets.capacity.cells.0x7E8=5", "0x7E8")])
def test_a_set_year_in_another_base_is_refused_as_typed(folder: Path, capsys, monkeypatch, override, year):
    """--set reads such a key as a file does, and names it as typed (not cells.16 for 0x10, as YAML
    read it)."""
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, "--set", override) == (2, [
        f"  - scenario.yaml: --set targets.capacity.cells.{year} (as a key) | {WHOLE.format(got=year)}"])


@pytest.mark.parametrize("written", ["2.024e3", "2_024", "'2024'"])
def test_a_year_in_digits_otherwise_spelt_still_reads(folder: Path, written):
    edit(folder / "scenario.yaml", "cells: {2024: 10}", f"cells: {{{written}: 10}}")
    assert dict(load_scenario(folder / "scenario.yaml").scenario.targets.capacity["cells"]) == {2024: 10}


def test_a_value_in_another_base_still_reads(folder: Path):
    """Only a key is held to digits: a value in hexadecimal is the number, as docs/USAGE.md says."""
    edit(folder / "scenario.yaml", "cells: {2024: 10}", "cells: {2024: 0xA}")
    assert dict(load_scenario(folder / "scenario.yaml").scenario.targets.capacity["cells"]) == {2024: 10}
    key, values = parse_override("targets.capacity.cells={2024: 0xA}")
    loaded = load_scenario(folder / "scenario.yaml", overrides=((key, values[0]),))
    assert dict(loaded.scenario.targets.capacity["cells"]) == {2024: 10}
