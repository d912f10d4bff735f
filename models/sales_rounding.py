"""Sales rounding: valid rows on the module counts by cluster that state that a sales cap is met
by whole modules (mixed-integer rounding of the sales cap against the production limits).

In the count relaxation (models/counts.py) the LP builds exactly as much of a product as its
sales cap takes: on scenarios/yunnan_2024.yaml 8.857 modules of ncm_25kt, whose output fills the
155,000 t cap of 2024, where a plan of whole modules builds 8 (and sells 140,000 t) or 9 (and
leaves a seventh of the ninth idle). HiGHS cannot round this itself: the cap is on the hubs'
sales, the capacity on the sites' continuous site counts, and the chain between them (hub and
site balances, production limits, count links) is too long for its cut aggregation. These rows
state the rounding on the counts directly.

For a product p and year t with an active sales cap, summing the production limits
y[s,p,t] <= util[p] Kav[s,p,t] over the sites and writing the site counts as counts by cluster:

    Y[p,t] <= c0[p,t] + sum_j a_j n_j,   j = (c, m, t') in COUNT with m a module of p,
    c0[p,t] = util[p] sum_s (E[s,p] + sum_{t'' <= t} C[s,p,t''] - (1 - ramp[p]) C[s,p,t]),
    (ramp[p] is 1 in the steady-state year, `ModelInputs.ramp_share`)
    a_j = util[p] size[m]            when t' + L[p] <  t (producing in full),
          util[p] ramp[p] size[m]    when t' + L[p] == t (its first production year),
          0                          when t' + L[p] >  t (not yet producing).

Summing the site and hub balances over the province, the links cancel:
S + Use = Y + Imp, with S = sum_c sales[c,p,t], Imp = sum_c imports[c,p,t] and Use the
province's own use of p (>= 0). So S - Imp <= Y, and with S <= cap[p,t] (the market row):

    sum_j a_j n_j + w >= beta,   w = cap[p,t] - S + Imp >= 0,   beta = cap[p,t] - c0[p,t].

Mixed-integer rounding of this row with divisor delta > 0 (b = beta / delta, f0 = b - floor(b),
f_j = a_j / delta - floor(a_j / delta)), for 0 < f0 < 1:

    sum_j G_j n_j + w / (delta f0) >= ceil(b),   G_j = floor(a_j / delta) + min(f_j, f0) / f0.

Validity: let z = sum_{f_j >= f0} ceil(a_j/delta) n_j + sum_{f_j < f0} floor(a_j/delta) n_j (a whole
number, as n is) and r = sum_{f_j < f0} f_j n_j + w / delta >= 0; the row divided by delta gives
z + r >= b. If z >= ceil(b), the left side is z + r / f0 >= z >= ceil(b). Otherwise
z <= ceil(b) - 1 and r >= b - z = f0 + (ceil(b) - 1 - z), so r / f0 >= 1 + (ceil(b) - 1 - z) =
ceil(b) - z. The rows hold for every plan of the MIP and of the count relaxation (n whole in
both): they remove no plan and change neither optimum, only the LP relaxation's fractional points.

Stated as (units/yr of p):

    sum_c sales[c,p,t] - sum_c imports[c,p,t] <= cap[p,t] - delta f0 (ceil(b) - sum_j G_j n_j)

that is, the sales less imports never exceed the cap less what the last module, partly sold,
leaves idle: in the example above, with delta = 17,500 t (one ncm module at utilisation 0.7),
b = 8.857, f0 = 0.857, the row reads S <= 155,000 - 15,000 (9 - n), so the 9th module adds
15,000 t of sales at most, not 17,500 t.

One row for each (p, t) of SALES_CAP whose `sales_cap` row is active, with p produced somewhere,
beta > 0 and a producing count, and each distinct positive a_j as delta for which 0 < f0 < 1
(`SALES_ROUNDING` = (p, t, k), k the rank of delta among them, smallest first). A cap
deactivated in a built model (a rule relaxed in place) gives no rows.

Measured on the count relaxation (highspy, one thread, to 0.8 of the 2.5 % gap): the root bound
after HiGHS's cuts rises from 9,391-9,419 to 9,433-9,461 million yuan on scenarios/yunnan_2024.yaml
(optimum 10,006), and the median CPU time to the gap falls from 10.1 s to 6.6 s there and from
6.7 s to 4.4 s with the strict red line (seeds 0-9), from 4.6 s to 3.9 s without differentiation
(seeds 0-4).
"""

from __future__ import annotations

import math
from collections import defaultdict

import pyomo.core as pyo

from models.index import ModelIndex
from models.inputs import ModelInputs
from models.variables import committed_by

#: A fractional part within this of 1 counts as a whole number in round-off: f0 gives no rounding
#: row, a coefficient's q takes ceil(q) (at least its rounding coefficient, so the row stays valid).
WHOLE_TOLERANCE = 1e-9
#: No rounding row where f0 is below this: the row's term w / (delta f0) would take a coefficient
#: a million times delta's reciprocal and more (leaving a valid row out is always valid).
SMALLEST_F0 = 1e-6


def production_coefficient(inputs: ModelInputs, product: str, module_id: str, decided: int, year: int) -> float:
    """a_j / util[p]: available capacity (units/yr) that one module of `module_id` decided in
    `decided` gives in `year`: its size once producing in full, ramp[p] of it in its first
    production year, 0 before."""
    first = decided + inputs.lead_time_yr.get(product, 0)
    size = inputs.module(module_id).capacity_units_per_yr
    if first > year:
        return 0.0
    if first == year:
        return size * min(inputs.ramp_share(product, year), 1.0)
    return size


def standing_available(m: pyo.ConcreteModel, inputs: ModelInputs, product: str, year: int) -> float:
    """c0[p,t] / util[p]: available capacity (units/yr) of `product` in `year` from existing and
    committed capacity, summed over the producing pairs (as `available` in models/variables.py)."""
    ramp = min(inputs.ramp_share(product, year), 1.0)
    total = 0.0
    for s, p, t in m.PRODUCE:
        if p == product and t == year:
            total += (inputs.existing_capacity_units_per_yr.get((s, p), 0.0) + committed_by(inputs, s, p, t)
                      - (1.0 - ramp) * committed_by(inputs, s, p, t, first_year_only=True))
    return total


def rounding_row(coefficients: list[float], beta: float, delta: float) -> tuple[list[float], float, int] | None:
    """The rounding of sum_j a_j n_j + w >= beta (n whole >= 0, w >= 0) with divisor `delta`:
    (G_j, delta f0, ceil(b)) of sum_j G_j n_j + w / (delta f0) >= ceil(b); None when b = beta /
    delta is whole or nearly (f0 below SMALLEST_F0, or within WHOLE_TOLERANCE of 1: b just below a
    whole number), where rounding adds nothing worth the row. A G_j is never below the rounding's
    own (an a_j / delta within WHOLE_TOLERANCE below a whole number takes that number): a smaller
    one could cut a plan."""
    b = beta / delta
    f0 = b - math.floor(b)
    if f0 < SMALLEST_F0 or f0 > 1.0 - WHOLE_TOLERANCE:
        return None
    rounded = []
    for a in coefficients:
        q = a / delta
        fj = q - math.floor(q)
        if fj > 1.0 - WHOLE_TOLERANCE:  # a whole number in round-off: ceil(q), at least G_j, so still valid
            rounded.append(float(math.floor(q) + 1))
        else:  # G_j itself (floor(q) where q is whole): a smaller one could cut a plan when f0 is small
            rounded.append(math.floor(q) + min(fj, f0) / f0)
    return rounded, delta * f0, math.ceil(b)


def add_sales_rounding(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Sales rounding rows (see the module docstring for the algebra and its proof):

    sum_c sales[c,p,t] - sum_c imports[c,p,t] <= cap[p,t] - delta f0 (ceil(b) - sum_j G_j n[j])

    over SALES_ROUNDING = (p, t, k) (`sales_rounding`, units/yr of p). Needs the module counts
    (models.counts.add_module_counts); ValueError without them or when called twice. Valid for
    the MIP and the count relaxation alike; never infeasible on its own (every plan of the
    model satisfies it).
    """
    if not hasattr(m, "module_count"):
        raise ValueError("the sales rounding rows need the module counts (add_module_counts) first")
    if hasattr(m, "sales_rounding"):
        raise ValueError("the model already has sales rounding rows")
    counts_of: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for c, mid, t in m.COUNT:
        counts_of[inputs.module(mid).product].append((c, mid, t))
    rows: dict[tuple[str, int, int], pyo.Expression] = {}
    for p, t in m.SALES_CAP:
        if not m.sales_cap[p, t].active or (p, t) not in m.PRODUCT_YEAR:
            continue
        util = inputs.utilisation.get(p, 1.0)
        terms = [(util * production_coefficient(inputs, p, mid, decided, t), m.module_count[c, mid, decided])
                 for c, mid, decided in counts_of[p]]
        terms = [(a, n) for a, n in terms if a > 0]
        cap = inputs.sales_cap_units[(p, t)]
        beta = cap - util * standing_available(m, inputs, p, t)
        if beta <= 0 or not terms:
            continue
        net_sales = (sum(m.sales[c, p, t] for c in inputs.CLUSTERS if (c, p, t) in m.SALE)
                     - sum(m.imports[c, p, t] for c in inputs.CLUSTERS if (c, p, t) in m.IMPORT))
        for k, delta in enumerate(sorted({a for a, _n in terms})):
            rounded = rounding_row([a for a, _n in terms], beta, delta)
            if rounded is None:
                continue
            weights, step, whole = rounded
            rows[(p, t, k)] = net_sales <= cap - step * whole + sum(
                step * g * n for g, (_a, n) in zip(weights, terms, strict=True) if g != 0)
    m.SALES_ROUNDING = pyo.Set(initialize=list(rows), dimen=3, ordered=True)
    m.sales_rounding = pyo.Constraint(m.SALES_ROUNDING, rule=lambda _m, p, t, k: rows[(p, t, k)])
