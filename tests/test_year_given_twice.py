"""A mapping by year whose two keys name one year (2024 and '2024', which YAML reads as two keys
and the schema as one) is refused, naming the file, line, key and both keys: before, the schema
kept the last one silently (a catalog's import price of 999 in place of 300), where a key given
twice as written is refused as YAML would keep only one. Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

TWICE = ("gives the year 2024 twice (got 2024 and '2024'): the two keys name one year, of which only the last would "
         "be kept; keep one of them")


def problems(folder: Path, capsys: pytest.CaptureFixture[str], name: str, old: str, new: str) -> tuple[int, list[str]]:
    """`siting check` of the small scenario (from its folder) with `old` replaced by `new` in the
    file `name`: its exit code and the lines of its errors."""
    path = folder / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    code = main(["check", "scenario.yaml"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if line.startswith("  - ")]


def test_a_catalog_price_given_twice_for_a_year_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, "catalog.yaml", "2024: 300}, flat", "2024: 300, '2024': 999}, flat") == (2, [
        f"  - catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base | {TWICE}"])


def test_a_sales_cap_given_twice_for_a_year_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, "catalog.yaml", "sales_cap_units: {2024: 50}",
                    "sales_cap_units: {2024: 50, '2024': 60}") == (2, [
        f"  - catalog.yaml:40: products.cells.sales_cap_units | {TWICE}"])


def test_a_target_given_twice_for_a_year_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, "scenario.yaml", "cells: {2024: 10}", "cells: {2024: 10, '2024': 99}") == (2, [
        f"  - scenario.yaml:19: targets.capacity.cells | {TWICE}"])
