"""A catalog figure likely given in 万 yuan (siting/config/load.py `catalog_unit_notices`) is said
in a notice that names the catalog file as every notice of the run's files does: relative to the
scenario's folder in report.md, manifest.json and comparison.md (`Notice`), and as typed from the
current folder on the terminal (`Notice.shown`). Named from the current folder in the files, a
run's report.md differed with the folder it was started from, and two runs of a comparison whose
catalogs are different files could not be told to share the notice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.config.errors import Notice, shown_notice
from siting.config.load import catalog_notices, load_scenario

DATA = Path(__file__).parent / "data" / "small"

PRICES = "price_yuan_per_unit: {base: {2023: 12000, 2024: 10000}"
SLIPPED = "price_yuan_per_unit: {base: {2023: 1.2, 2024: 1.0}"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """tests/data/small in tmp_path/in/a, its FePO4 prices typed in 万 yuan/t: the folder."""
    folder = tmp_path / "in" / "a"
    shutil.copytree(DATA, folder)
    catalog = (folder / "catalog.yaml").read_text()
    assert PRICES in catalog
    (folder / "catalog.yaml").write_text(catalog.replace(PRICES, SLIPPED))
    return folder


def test_the_catalog_notice_names_the_file_from_the_scenario_folder(case: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case.parent)  # started from the folder above the scenario's
    notices = [n for n in catalog_notices(load_scenario(Path("a/scenario.yaml"))) if "price_yuan_per_unit" in n]
    assert len(notices) == 1
    notice = notices[0]
    assert isinstance(notice, Notice)
    assert str(notice).startswith("catalog.yaml:10: products.fepo4.price_yuan_per_unit | ")  # the run's files
    assert shown_notice(notice).startswith("a/catalog.yaml:10: products.fepo4.price_yuan_per_unit | ")  # the screen
    assert str(notice).split(": ", 1)[1] == shown_notice(notice).split(": ", 1)[1]


def test_the_same_wherever_the_run_starts(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case.parent)
    above = [str(n) for n in catalog_notices(load_scenario(Path("a/scenario.yaml")))]
    monkeypatch.chdir(case)
    here = [str(n) for n in catalog_notices(load_scenario(Path("scenario.yaml")))]
    assert above == here and above
