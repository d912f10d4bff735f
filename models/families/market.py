"""Family `market`: sales out of the province are capped per product and year."""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs


def add_sales_cap(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Market: the province sells at most cap[p,t] of p outside it in year t.

    sum_c sales[c,p,t] <= cap[p,t]          (units/yr)
    over SALES_CAP = the (p,t) with a cap (`sales_cap_units`) and a hub that can sell p, when
    "market" is on. Without it every unit made sells at the year's price. Production beyond
    what the province uses and the cap allows has no outlet: its capacity stands idle
    (reported as stranded) unless the least-utilisation rule forces it (then infeasible when
    neither the province nor the market can take it).
    """
    selling: dict[tuple[str, int], list[str]] = defaultdict(list)
    for c, p, t in m.SALE:
        selling[(p, t)].append(c)
    keys = [key for key in inputs.sales_cap_units if key in selling] if is_on(inputs, "market") else []
    keys.sort(key=lambda pt: (inputs.PRODUCTS.index(pt[0]), pt[1]))
    m.SALES_CAP = pyo.Set(initialize=keys, dimen=2, ordered=True)
    m.sales_cap = pyo.Constraint(
        m.SALES_CAP,
        rule=lambda _m, p, t: sum(m.sales[c, p, t] for c in selling[(p, t)]) <= inputs.sales_cap_units[(p, t)],
    )
