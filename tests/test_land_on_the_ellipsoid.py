"""A polygon site's land, footprint and setback overlap are all measured on the ellipsoid: the
overlap a built site reports (siting/deliver/layers.py `zone_overlaps`) is its working-CRS area
times the site's footprint over its area there, so that, for a site whose land is its drawn area,
the land outside the setback and the overlap add up to its footprint, as the model's pro-rating
splits it. Before, the overlap was the working CRS's area (UTM 48N stretches areas by 0.04-0.06 %
over the clusters, and shrinks them by 0.08 % by its central meridian) while the footprint was the ellipsoid's."""

from __future__ import annotations

import dataclasses

import pytest
from test_gis_outputs import lakeside, lakeside_plan

from siting.deliver.layers import redline_zones, zone_overlaps
from siting.prepare.layers import ellipsoidal_area_m2
from siting.prepare.spatial import M2_PER_HA, land_after_redline


def test_the_overlap_and_the_land_outside_add_up_to_the_footprint() -> None:
    spatial, inputs, rule = lakeside()
    sites = spatial.sites.copy()
    footprint = ellipsoidal_area_m2(sites.geometry.to_numpy(), spatial.working_crs) / M2_PER_HA
    sites["footprint_ha"] = footprint
    sites["gross_land_ha"] = [footprint[0], footprint[1], 5.0]  # drawn areas, on the ellipsoid
    land, zones_frame = land_after_redline(sites, spatial.redline, inputs.PRODUCTS, rule)
    spatial = dataclasses.replace(spatial, sites=sites, land=land, zones=zones_frame)
    zones = redline_zones(spatial, inputs.PRODUCTS, rule)
    overlaps = zone_overlaps(spatial, inputs, lakeside_plan([("a", "s", "s1", 1)]), zones)
    a = overlaps["a"]
    # 60 ha in UTM 48N by its central meridian (areal scale 0.9996^2) are 60.048 ha on the ellipsoid: a
    # tenth of it inside the setback, the rest outside
    assert round(footprint[0], 3) == 60.048
    assert a.overlap_ha == pytest.approx(footprint[0] * 6 / 60, rel=1e-9)
    assert a.outside_ha == pytest.approx(footprint[0] * 54 / 60, rel=1e-9)
    assert a.overlap_ha + a.outside_ha == pytest.approx(footprint[0], rel=1e-9)
