"""A change is forced (diff.geojson's `forced`) also where the run's rules leave the site some land
but too little for even one module of a product the baseline adds there: the strict red line of
the shipped comparison leaves Tonghai county 0.6 ha, where the baseline's LFP module needs 21 ha
(the smallest LFP module 10.5 ha), so dropping Tonghai is the red line's doing, not a plan of
indistinguishable cost."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from siting.prepare.problem import prepare
from siting.runs.pool import CaseSummary, unfit_pairs
from siting.runs.tables import diff_geojson, forced_change

SMALL = Path(__file__).parent / "data" / "small"


def sites_geojson(folder: Path) -> str:
    folder.mkdir(parents=True)
    features = [{"type": "Feature", "id": site, "properties": {"id": site},
                 "geometry": {"type": "Point", "coordinates": [102.0 + i, 25.0]}} for i, site in enumerate("ab")]
    (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(folder)


def run(label: str, folder: Path, land: dict[str, float], added: dict[str, dict[str, float]],
        unfit: tuple[tuple[str, str], ...] = ()) -> CaseSummary:
    return CaseSummary(label, True, status="optimal", objective_yuan=-20e9, best_bound_yuan=-20.4e9, gap=0.02,
                       final_year=2024, sites_opened=tuple(added), site_added=added,
                       excluded_pairs={"red line": 0, "proximity": 0}, kept_out={"red line": (), "proximity": ()},
                       land_free_ha=land, no_module_fits=unfit, units={"lfp": "t"}, output_value={2024: 1e9},
                       site_names={"a": "Park A", "b": "Park B"}, out_dir=sites_geojson(folder))


def test_land_too_small_for_any_module_forces_the_change(tmp_path: Path) -> None:
    base = run("base", tmp_path / "base", {"a": 90.0, "b": 90.0}, {"a": {"lfp": 100_000.0}})
    strict = run("strict", tmp_path / "strict", {"a": 0.6, "b": 90.0}, {"b": {"lfp": 100_000.0}},
                 unfit=(("a", "lfp"),))
    assert forced_change(base, strict, "a") is True
    found = {f["properties"]["site"]: f["properties"] for f in json.loads(diff_geojson([base, strict]))["features"]}
    assert found["a"]["change"] == "removed" and found["a"]["forced"] is True
    assert found["b"]["forced"] is False


def test_land_that_still_takes_a_module_forces_nothing(tmp_path: Path) -> None:
    base = run("base", tmp_path / "base", {"a": 90.0, "b": 90.0}, {"a": {"lfp": 100_000.0}})
    strict = run("strict", tmp_path / "strict", {"a": 30.0, "b": 90.0}, {"b": {"lfp": 100_000.0}})
    assert forced_change(base, strict, "a") is False


def test_unfit_pairs_are_the_candidates_no_module_fits_on() -> None:
    inputs = prepare(SMALL / "scenario.yaml", {}).inputs
    assert unfit_pairs(inputs) == ()  # every admitted pair of the small scenario takes a module
    kept_out = set(inputs.REDLINE_EXCLUDED) | set(inputs.PROXIMITY_EXCLUDED)
    pair = next(p for p in inputs.CANDIDATES if p not in kept_out and p[1] == "lfp")
    least = min(spec.land_ha for spec in inputs.MODULES if spec.product == "lfp")
    tight = dataclasses.replace(inputs, land_after_redline_ha={**inputs.land_after_redline_ha, pair: least * 0.5})
    assert pair in unfit_pairs(tight)
    roomy = dataclasses.replace(inputs, land_after_redline_ha={**inputs.land_after_redline_ha, pair: least})
    assert pair not in unfit_pairs(roomy)
    off = dataclasses.replace(tight, enabled_families=tight.enabled_families - {"land"})
    assert unfit_pairs(off) == ()
