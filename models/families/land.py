"""Family `land`: modules at a site fit on its usable land."""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.variables import decided


def add_land(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Land: modules at a site fit on its usable land after red-line exclusion.

    With per-product setbacks each product p has its own usable land L[s,p] (ha) at site s.
    Where these areas are nested (a larger setback leaves a subset of the land), land demands
    fit if and only if, for every level l in {L[s,p]}:
        sum_{q : L[s,q] <= l} sum_{m,t} land[m] * x[s,q,m,t] <= l        (ha)
    (Hall's condition for nested regions), over LAND_LEVEL = the (site, level) pairs, the levels
    being those of the pairs with at least one x (a pair whose product has no decision year
    within the horizon, t + L[p] > t_last for every t, takes no land and makes no level, so
    that every row holds a variable). Existing plants are outside the usable land. Active when
    "land" is on; with it off, module counts are capped at MAX_MODULES_WITHOUT_LAND (the land
    also sets the module bounds, so relaxing it needs a rebuild). Cannot be infeasible by
    itself (x = 0 fits); it binds capacity targets.
    """
    rows: list[tuple[str, float]] = []
    pairs_at: dict[str, list[tuple[str, float]]] = defaultdict(list)
    if is_on(inputs, "land"):
        for (site, product), land in index.land_ha.items():
            if decided(m, site, product):
                pairs_at[site].append((product, land))
        rows = [(site, level) for site in inputs.SITES for level in sorted({land for _p, land in pairs_at[site]})]
    m.LAND_LEVEL = pyo.Set(initialize=list(range(len(rows))), ordered=True)

    def land_rule(_m: pyo.ConcreteModel, i: int) -> pyo.Expression:
        site, level = rows[i]
        return (
            sum(
                inputs.module(mid).land_ha * m.build[site, q, mid, t]
                for q, land in pairs_at[site]
                if land <= level
                for mid, t in decided(m, site, q)
            )
            <= level
        )

    m.land_limit = pyo.Constraint(m.LAND_LEVEL, rule=land_rule)
