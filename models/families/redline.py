"""Family `redline`: ecological red-line exclusion, acting through the index sets.

The geometry (buffered zones, setbacks per product, the share of a polygon outside the zone)
is computed before the model, in `siting`; what reaches the model is plain data:
`REDLINE_EXCLUDED`, the (site, product) pairs whose site lies wholly inside the product's
buffered zone, and `land_after_redline_ha[s,p]`, the usable land left outside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.inputs import ModelInputs, SiteProduct


def redline_excluded(inputs: ModelInputs, on: bool) -> frozenset[SiteProduct]:
    """Pairs removed from BUILD_PAIRS by the red line: `REDLINE_EXCLUDED` when the family is on,
    none when it is off (switching the family off brings the pairs back).

    No variable x[s,p,m,t] exists for an excluded pair, so "no module of p inside p's buffered
    red line" holds by construction rather than by a constraint row. Cannot be infeasible by
    itself; with strict targets it is infeasible when the land left cannot hold them.
    """
    return inputs.REDLINE_EXCLUDED if on else frozenset()


def usable_land_ha(inputs: ModelInputs, pair: SiteProduct, on: bool) -> float:
    """L[s,p] (ha): the land of site s usable for product p. With the red line on, the land left
    outside p's buffered zone (`land_after_redline_ha`, 0 when not given); with it off, the
    site's usable area (`site_land_ha`)."""
    site, _product = pair
    return inputs.land_after_redline_ha.get(pair, 0.0) if on else inputs.site_land_ha[site]
