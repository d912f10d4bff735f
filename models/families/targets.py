"""Family `targets`: capacity targets per target group and year, and the capacity ceiling."""

from __future__ import annotations

import pyomo.core as pyo

from models.families import constant_row, holds_variable
from models.index import ModelIndex, group_ceilings, is_on
from models.inputs import ModelInputs
from models.variables import group_capacity


def add_capacity_targets(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Capacity targets: each target group g (a set of products) reaches its capacity by year t.

    sum_{s, p in g} K[s,p,t] + short[g,t] >= T[g,t]        (units/yr of the group's products)
    over CAP_TARGET = the (g, t) with a target, when "targets" is on. short[g,t] >= 0
    (`capacity_shortfall`) costs pen[g] per unit in the objective; with `targets_strict` it is
    fixed to 0 and the family is infeasible when the group cannot reach T[g,t] on eligible land
    by year t.
    """
    keys = [k for k in inputs.capacity_target_units if is_on(inputs, "targets")]
    m.CAP_TARGET = pyo.Set(initialize=keys, dimen=2, ordered=True)
    m.capacity_shortfall = pyo.Var(m.CAP_TARGET, domain=pyo.NonNegativeReals)
    if inputs.targets_strict:
        for key in keys:
            m.capacity_shortfall[key].fix(0.0)
    m.capacity_target = pyo.Constraint(
        m.CAP_TARGET,
        rule=lambda _m, g, t: group_capacity(m, index, inputs.TARGET_GROUPS[g], t) + m.capacity_shortfall[g, t]
        >= inputs.capacity_target_units[(g, t)],
    )


def add_capacity_ceiling(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Capacity ceiling (part of "targets"): the plan does not overshoot a target by more than a factor.

    sum_{s, p in g} K[s,p,t_last] <= U[g]
        = max(phi * Tmax[g], max_t (T[g,t] + Cafter[g,t]) + largest module of g)
    (units/yr) over CEILING = the groups with a positive target, when phi
    (`capacity_ceiling_factor`) > 0 and "targets" is on (see `models.index.group_ceilings`:
    Cafter[g,t] is the committed capacity first producing after t and by t_last, which the row
    counts and the target of t does not; the ceiling also caps the module bounds). Without it, the
    cheapest way to raise output value is to overbuild whichever product has the lowest capex per
    yuan of output, far beyond any market. A group no site may add to has a row without variables (its capacity is what
    stands: existing and committed, or 0): left out when within U[g], else a row no plan meets
    (`constant_row`). Infeasible only when existing and committed capacity alone exceed the
    ceiling.
    """
    ceilings = group_ceilings(inputs)
    m.CEILING = pyo.Set(initialize=list(ceilings), ordered=True)
    last = inputs.YEARS[-1]
    def ceiling(_m: pyo.ConcreteModel, g: str) -> object:
        capacity = group_capacity(m, index, inputs.TARGET_GROUPS[g], last)
        if not holds_variable(capacity):  # no site may add to the group: only what stands
            return constant_row(m, f"capacity_ceiling_excess_{g}", capacity, upper=ceilings[g])
        return capacity <= ceilings[g]

    m.capacity_ceiling = pyo.Constraint(m.CEILING, rule=ceiling)
