"""Every figure of the shipped catalog names its source (or says it is an assumption or a scenario
choice): each resource's and each module's keys have an entry under its `sources`."""

from __future__ import annotations

from pathlib import Path

import yaml

CATALOG = Path(__file__).resolve().parents[1] / "scenarios" / "catalog.yaml"
NOT_FIGURES = {"sources", "unit", "id", "name"}


def _unsourced(entry: dict) -> list[str]:
    sources = entry.get("sources") or {}
    return [key for key in entry if key not in NOT_FIGURES and not str(sources.get(key, "")).strip()]


def test_every_resource_figure_has_a_source() -> None:
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    missing = {name: _unsourced(entry) for name, entry in catalog["resources"].items() if _unsourced(entry)}
    assert missing == {}


def test_every_module_figure_has_a_source() -> None:
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    missing = {(product, module.get("id", n)): _unsourced(module)
               for product, entry in catalog["products"].items()
               for n, module in enumerate(entry["modules"]) if _unsourced(module)}
    assert missing == {}
