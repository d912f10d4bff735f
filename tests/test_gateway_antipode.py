"""A gateway near the clusters' antipode is refused as farther than GATEWAY_MAX_KM: `km_to`
measures in an azimuthal equidistant projection centred on it, which folds a polygon far off
round its centre (the Kunming cluster measured 0 km from lon -77.3, lat -25.04, some 19,800 km
away on the globe)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyproj
import pytest

from siting.cli import main
from siting.prepare.layers import km_to

ROOT = Path(__file__).resolve().parents[1]
CLUSTERS = ROOT / "geodata" / "yunnan" / "clusters.geojson"


def test_a_cluster_far_off_is_not_measured_at_zero() -> None:
    clusters = gpd.read_file(CLUSTERS)
    km = km_to(-77.3, -25.04, clusters)
    centre = clusters.geometry.representative_point()
    geodesic = [pyproj.Geod(ellps="WGS84").inv(-77.3, -25.04, p.x, p.y)[2] / 1000 for p in centre]
    assert all(k > 19_000 for k in km)
    assert km == pytest.approx(geodesic, rel=0.01)  # clusters some tens of km across, 19,800 km away


def test_a_point_in_a_cluster_is_still_at_zero() -> None:
    clusters = gpd.read_file(CLUSTERS)
    inside = clusters.geometry.representative_point().iloc[0]
    assert km_to(inside.x, inside.y, clusters)[0] == 0.0


def test_a_gateway_at_the_antipode_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "scenarios" / "yunnan_2024.yaml"), "--set",
                 "network.gateway={lon: -77.3, lat: -25.04}"]) == 2
    assert "km from the nearest cluster, more than the 5,000 km a gateway may" in capsys.readouterr().err
