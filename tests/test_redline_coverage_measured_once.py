"""The red line's share of the clusters is measured once per export: `map_context` keeps what it
measured (`MapContext.redline_coverage`), and the map's statement (`redline_extent_text`) and the
report's "Read this first" (`read_first_blocks`) take it rather than measure the layers again."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from siting.deliver import files, mapinfo, report
from siting.deliver.layers import plan_layers
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare, redline_settings

DATA = Path(__file__).parent / "data" / "small"


def _unmeasured(layers: object) -> tuple[float, float]:
    raise AssertionError("the red line's share was measured again")


def test_the_extent_statement_takes_a_share_measured_already(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapinfo, "redline_coverage", _unmeasured)
    text = mapinfo.redline_extent_text([], 30.9, "the province", True, (64868.0, 0.0278))
    assert text.startswith("The red-line layer covers 2.8 % of the clusters' area (1,803 of 64,868 km2).")


def test_read_first_takes_a_share_measured_already(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "redline_coverage", _unmeasured)
    loaded = SimpleNamespace(scenario=SimpleNamespace(
        constraints=SimpleNamespace(redline=SimpleNamespace(official_share_pct=30.9)),
        layers=SimpleNamespace(redline=SimpleNamespace(path="redline.geojson"))))
    basis = mapinfo.LayerBasis(count=23, proxies=20, uncertainty_km=20.0)
    blocks = report.read_first_blocks(loaded, [], SimpleNamespace(builds=pd.DataFrame()),
                                      {"solver": {"termination": "optimal", "objective_yuan": -1e9, "gap": 0.0}},
                                      None, {}, basis, (64868.0, 0.0278))
    assert "about 9 %" in blocks[1].content[0]


def test_map_context_measures_the_share_once_and_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = prepare(DATA / "scenario.yaml", {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    layers = plan_layers(prepared.layers, prepared.spatial, prepared.inputs, solved.plan,
                         redline_settings(prepared.loaded))
    real = mapinfo.redline_coverage
    measured = []

    def counted(shown: object) -> tuple[float, float] | None:
        measured.append(shown)
        return real(shown)

    monkeypatch.setattr(mapinfo, "redline_coverage", counted)
    monkeypatch.setattr(files, "redline_coverage", counted, raising=False)
    context = files.map_context(prepared, layers)
    assert len(measured) == 1
    assert context.redline_coverage == real(layers)
    assert context.redline_extent == mapinfo.redline_extent_text(
        layers, prepared.loaded.scenario.constraints.redline.official_share_pct,
        prepared.loaded.scenario.constraints.redline.official_share_source,
        prepared.loaded.scenario.layers.redline is not None)
