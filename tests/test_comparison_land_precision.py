"""Land in the comparison outputs is given to the precision the layers give it (0.1 ha, 3
significant digits below 10 ha: siting/deliver/layer.py MEASURE): diff.geojson's
`land_free_ha_base` / `land_free_ha_new`, compare's row "land free for new modules" and the sweep's
column `land_free_ha`. Before, they carried 9 significant digits (1234.56789 ha), where the sites
layer of the same run reads 1234.6."""

from __future__ import annotations

import json
from pathlib import Path

from siting.runs.pool import CaseSummary
from siting.runs.tables import LAND_ROW, comparison_table, diff_geojson, sweep_table

SITES = ("a", "b")


def sites_geojson(folder: Path) -> str:
    """A run's folder with a sites.geojson of the two point sites a and b."""
    folder.mkdir(parents=True)
    features = [{"type": "Feature", "id": site, "properties": {"id": site},
                 "geometry": {"type": "Point", "coordinates": [102.0 + i, 25.0]}} for i, site in enumerate(SITES)]
    (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(folder)


def run(label: str, folder: Path, land: dict[str, float]) -> CaseSummary:
    """A solved run that builds lfp at a, with the land free `land` (ha)."""
    return CaseSummary(label, True, status="optimal", objective_yuan=-20e9, gap=0.0, final_year=2024,
                       sites_opened=("a",), site_added={"a": {"lfp": 1000.0}},
                       excluded_pairs={"red line": 0}, kept_out={"red line": ()}, land_free_ha=land,
                       units={"lfp": "t"}, group_capacity={"cathode": 1000.0}, out_dir=sites_geojson(folder))


def test_land_in_the_changes_layer_the_comparison_and_the_sweep_is_rounded_as_in_the_layers(tmp_path: Path) -> None:
    """Site a's land goes from 1234.56789 to 1200.04321 ha, b's from 7.654321 to 7.654321: the
    changes layer gives a 1234.6 -> 1200.0 (options changed) and leaves b unchanged; the row and
    the column sum 1242.222211 and 1207.697531 ha to 1242.2 and 1207.7."""
    base = run("base", tmp_path / "base", {"a": 1234.56789, "b": 7.654321})
    strict = run("strict", tmp_path / "strict", {"a": 1200.04321, "b": 7.654321})
    features = [f["properties"] for f in json.loads(diff_geojson([base, strict]))["features"]]
    a = next(p for p in features if p["site"] == "a")
    assert (a["land_free_ha_base"], a["land_free_ha_new"]) == (1234.6, 1200.0)
    assert a["change"] == "options changed"
    b = next(p for p in features if p["site"] == "b")
    assert (b["land_free_ha_base"], b["land_free_ha_new"], b["change"]) == (7.65, 7.65, "unchanged")
    table = comparison_table([base, strict])
    land = table.loc[table["metric"] == LAND_ROW].iloc[0]
    assert (land["unit"], land["base"], land["strict"]) == ("ha", 1242.2, 1207.7)
    table = sweep_table([base, strict], [{"buffer_m": 0}, {"buffer_m": 500}])
    assert table["land_free_ha"].tolist() == [1242.2, 1207.7]
