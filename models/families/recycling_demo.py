"""Family `recycling_demo`: one or two of the recycling projects are demonstrations."""

from __future__ import annotations

import pyomo.core as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.variables import added_by, committed_by


def add_recycling_demo(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Recycling demonstrations: between n_demo_min and n_demo_max of the sites adding recycling
    capacity are demonstration projects of demonstration size; other recycling is ordinary.

    A[s,rec] >= D * demo[s]                                   over DEMO_SITE (`demo_size`, units/yr)
    A[s,rec] <= Dmax * demo[s] + Amax[s,rec] * (1 - demo[s])  over DEMO_SITE, when Dmax is given
                                                              (`demo_only`: a demonstration is not
                                                              a full-scale plant)
    n_demo_min <= sum_s demo[s] <= n_demo_max                 (`demo_count`)
    with demo[s] binary over DEMO_SITE = the sites where the recycling product rec may be built,
    D and Dmax the least and most demonstration size (units/yr). A merged site of n[s] > 1
    candidates (`site_multiplicity`, the aggregated model of siting.optimize.screening) holds
    up to n[s] demonstrations: demo[s] integer in 0..n[s], and `demo_only` is left out there
    (the sum of its members' rows, a relaxation). With a least running share u (`min_run_share`
    > 0) a demonstration also runs (`demo_runs`):
    y[s,rec,t] >= u * util[rec] * (Kav[s,rec,t] - Kmax[s,t] * (1 - demo[s]))
                                                              over DEMO_RUN = (s, t), s a DEMO_SITE
                                                              of one candidate, t in OPERATING_YEARS
                                                              with (s, rec, t) in PRODUCE
    with Kmax[s,t] = E[s,rec] + sum_{t' <= t} C[s,rec,t'] + Amax[s,rec], the most Kav[s,rec,t] can
    be, so that the row asks nothing of a site that is no demonstration (demo[s] = 0); a
    demonstration makes at least u of its usable capacity (available x utilisation) in every
    year of the plan and the steady state, as a demonstration that stands idle demonstrates
    nothing. Left out at merged sites (a relaxation, as `demo_only`). Active when "recycling_demo" is
    on and a demonstration rule is given; otherwise its rows exist but are empty. Infeasible
    when fewer than n_demo_min sites can hold D (or D > Dmax). demo[s] costs nothing, so which
    of the sites of demonstration size the solver marks, and how many, is a tie: the plan reads
    its demonstrations from the builds instead (siting/optimize/results.py `demonstrations`).
    """
    demo = inputs.recycling_demo if is_on(inputs, "recycling_demo") else None
    sites = [s for s, p in index.build_pairs if demo is not None and p == demo.product]
    m.DEMO_SITE = pyo.Set(initialize=sites, ordered=True)
    m.demo = pyo.Var(m.DEMO_SITE, domain=pyo.Binary)
    merged = [s for s in sites if inputs.site_multiplicity.get(s, 1) > 1]
    for s in merged:
        m.demo[s].domain = pyo.NonNegativeIntegers
        m.demo[s].setub(inputs.site_multiplicity[s])
    if demo is None:
        m.demo_only = pyo.Constraint(m.DEMO_SITE)
        m.demo_size = pyo.Constraint(m.DEMO_SITE)
        m.demo_count = pyo.Constraint(rule=lambda _m: pyo.Constraint.Skip)
        m.demo_runs = pyo.Constraint(pyo.Set(initialize=[], dimen=2))
        return
    rec = demo.product
    most = demo.max_size_units_per_yr
    single = [s for s in sites if inputs.site_multiplicity.get(s, 1) <= 1]
    m.demo_only = pyo.Constraint(
        pyo.Set(initialize=single if most is not None else [], ordered=True),
        rule=lambda _m, s: added_by(m, index, inputs, s, rec)
        <= most * m.demo[s] + index.max_added_units[(s, rec)] * (1 - m.demo[s]),
    )
    share = demo.min_run_share * inputs.utilisation.get(rec, 1.0)
    produce = set(m.PRODUCE)
    runs = [(s, t) for s in single for t in inputs.OPERATING_YEARS if (s, rec, t) in produce] if share > 0 else []

    def kmax(s: str, t: int) -> float:
        return (inputs.existing_capacity_units_per_yr.get((s, rec), 0.0) + committed_by(inputs, s, rec, t)
                + index.max_added_units[(s, rec)])

    m.demo_runs = pyo.Constraint(
        pyo.Set(initialize=runs, dimen=2, ordered=True),
        rule=lambda _m, s, t: m.production[s, rec, t]
        >= share * (m.available[s, rec, t] - kmax(s, t) * (1 - m.demo[s])),
    )
    m.demo_size = pyo.Constraint(
        m.DEMO_SITE,
        rule=lambda _m, s: added_by(m, index, inputs, s, rec) >= demo.min_size_units_per_yr * m.demo[s],
    )
    if sites:
        m.demo_count = pyo.Constraint(
            expr=pyo.inequality(demo.min_sites, sum(m.demo[s] for s in sites), demo.max_sites)
        )
    elif demo.min_sites > 0:
        # No site may host the product: the minimum number of demonstrations cannot be met.
        m.demo_impossible = pyo.Var(bounds=(0, 0))
        m.demo_count = pyo.Constraint(expr=m.demo_impossible >= demo.min_sites)
    else:
        m.demo_count = pyo.Constraint(rule=lambda _m: pyo.Constraint.Skip)
