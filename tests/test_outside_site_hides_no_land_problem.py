"""Under `spatial.sites_outside_clusters: error`, a site outside every cluster hides no other
point site's usable land above its cluster's whole area: both are named in the one message,
the site outside first (siting/prepare/spatial.py `orphan_problems`, `point_land_problems`), in
the checks before any run (`placement_problems`, through `prepare` and `siting check`) and in
preprocessing itself (`preprocess`). Solves nothing. The small scenario of tests/data/small
(`folder`, tests/conftest.py) and the synthetic layers of tests/test_spatial.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point
from test_price_unit_slips import set_property
from test_spatial import X0, Y0, layer_set, rule, run

from siting.cli import main
from siting.config.errors import InputError
from siting.prepare.problem import prepare

OUTSIDE = ("sites.geojson: site 'e_far' | lies in no cluster polygon of clusters.geojson; move the site inside a "
           "cluster, extend a cluster polygon to cover it, remove it, or set spatial.sites_outside_clusters: drop to "
           "plan without it")
LAND = ("sites.geojson: field 'usable_area_ha' | more usable land than the whole area of the site's cluster for the "
        "3rd feature (site_id 'e_city'): 300,000 ha usable in cluster 'east' of 280,116 ha; a point site's usable "
        "land lies in its cluster: give it in ha (a figure in m2 is 10,000 times too large: 300,000 m2 is 30 ha), or "
        "draw the site's outline as a polygon")


def both_faults(folder: Path) -> None:
    """e_far moved out of every cluster, e_city given 300,000 ha (m2 typed for ha)."""
    sites = folder / "sites.geojson"
    data = json.loads(sites.read_text())
    data["features"][3]["geometry"]["coordinates"] = [105.5, 27.5]
    sites.write_text(json.dumps(data))
    set_property(sites, "usable_area_ha", {"e_city": 300000})


def test_prepare_names_the_site_outside_and_the_land_above_the_cluster(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    both_faults(folder)
    with pytest.raises(InputError) as caught:
        prepare(folder / "scenario.yaml", {})
    assert list(caught.value.problems) == [OUTSIDE, LAND]


def test_check_exits_2_naming_both(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(folder)
    both_faults(folder)
    code = main(["check", "scenario.yaml"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert err.splitlines() == ["error: 2 problems in the input:", f"  - {OUTSIDE}", f"  - {LAND}"]


def test_preprocess_names_both():
    """The cluster is a 100 km square (about 1,000,000 ha): a point site of 2,000,000 ha in it, and
    one 90 km east of its centre, outside it."""
    layers = layer_set([("big", Point(X0, Y0), 2_000_000.0), ("out", Point(X0 + 90_000, Y0), 10.0)])
    with pytest.raises(InputError) as err:
        run(layers, rule(0))
    assert len(err.value.problems) == 2
    assert err.value.problems[0] == ("sites: site 'out' | lies in no cluster polygon of clusters; move the site inside "
                                     "a cluster, extend a cluster polygon to cover it, remove it, or set "
                                     "spatial.sites_outside_clusters: drop to plan without it")
    assert err.value.problems[1].startswith("sites: field 'usable_area_ha' | more usable land than the whole area of "
                                            "the site's cluster for the 1st feature")
