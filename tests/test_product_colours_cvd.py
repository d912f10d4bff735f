"""Every reader tells the shipped catalog's products apart on a pie (siting/deliver/styles.py
`PALETTE`, `product_colours`): any two of the eleven products' colours are at least 10 apart by
CIEDE2000 for normal vision and as readers with protanopia, deuteranopia or tritanopia see them
(simulated after Machado et al. 2009, full severity: tests/test_report_shortfall.py's matrices).
The eight Okabe-Ito colours are 10.9 apart at the least (orange and yellow, tritanopia). The
shipped plan's Qujing ETDZ pie has LFP's bluish green beside recycling's rose (204, 102, 119):
4.0 apart with deuteranopia; its Yuxi high-tech zone pie has the anode's vermillion beside the
cells' olive (153, 153, 51): 5.1 apart with deuteranopia."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import yaml
from test_report_shortfall import ROOT, SIMULATION, lab

from siting.deliver.styles import product_colours


def ciede2000(one: np.ndarray, two: np.ndarray) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = one, two
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_big_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6)) - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = (-math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
           * 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    dl, dc, dh_ = (l2 - l1) / s_l, (c2 - c1) / s_c, d_big_h / s_h
    return math.sqrt(dl**2 + dc**2 + dh_**2 + r_t * dc * dh_)


def test_ciede2000_matches_sharma_s_published_pairs():
    """Pairs 1 and 17 of Sharma, Wu and Dalal's test data: 2.0425 and 27.1492."""
    assert ciede2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000(np.array([50, 2.5, 0]), np.array([73, 25, -18])) == pytest.approx(27.1492, abs=1e-4)


@pytest.mark.parametrize("vision", list(SIMULATION))
def test_every_reader_tells_the_catalog_s_products_apart(vision: str):
    catalog = yaml.safe_load((ROOT / "scenarios" / "catalog.yaml").read_text(encoding="utf-8"))
    colours = product_colours(list(catalog["products"]))
    assert len(colours) == 11
    closest = min((ciede2000(lab(colours[a], vision), lab(colours[b], vision)), a, b)
                  for a, b in itertools.combinations(colours, 2))
    assert closest[0] >= 10, (vision, closest[1], closest[2], round(closest[0], 1))
