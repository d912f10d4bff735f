"""Family `recycling_demo`: recycling is built only at a few demonstration sites."""

from __future__ import annotations

import pyomo.environ as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.variables import added_by


def add_recycling_demo(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Recycling demonstrations: recycling goes only to demonstration sites.

    A[s,rec] <= Amax[s,rec] * demo[s];   A[s,rec] >= D * demo[s]      over DEMO_SITE  (units/yr)
    n_demo_min <= sum_s demo[s] <= n_demo_max
    with demo[s] binary over DEMO_SITE = the sites where the recycling product rec may be built,
    and D the demonstration size (units/yr). Active when "recycling_demo" is on and a
    demonstration rule is given; otherwise its rows exist but are empty. Infeasible when fewer
    than n_demo_min sites can hold D.
    """
    demo = inputs.recycling_demo if is_on(inputs, "recycling_demo") else None
    sites = [s for s, p in index.build_pairs if demo is not None and p == demo.product]
    m.DEMO_SITE = pyo.Set(initialize=sites, ordered=True)
    m.demo = pyo.Var(m.DEMO_SITE, domain=pyo.Binary)
    if demo is None:
        m.demo_only = pyo.Constraint(m.DEMO_SITE)
        m.demo_size = pyo.Constraint(m.DEMO_SITE)
        m.demo_count = pyo.Constraint(rule=lambda _m: pyo.Constraint.Skip)
        return
    rec = demo.product
    m.demo_only = pyo.Constraint(
        m.DEMO_SITE,
        rule=lambda _m, s: added_by(m, index, inputs, s, rec) <= index.max_added_units[(s, rec)] * m.demo[s],
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
