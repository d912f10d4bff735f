"""Family `utilisation`: capacity runs at least at a least share of what is available."""

from __future__ import annotations

import pyomo.core as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs


def add_min_utilisation(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Least utilisation: available capacity runs at least at share umin[p] of its usable output.

    y[s,p,t] >= umin[p] * util[p] * Kav[s,p,t]        (units/yr)
    over MIN_UTIL = the (s,p,t) of PRODUCE with umin[p] > 0 (`min_utilisation`), when
    "utilisation" is on. Without it, capacity the plan cannot feed or sell stands idle and is
    reported as stranded; with it, such capacity is not built (or production is forced, buying
    inputs and selling below cost). Infeasible when committed or existing capacity cannot be fed
    (no source, import or upstream production within reach) or its output cannot be used or sold.
    """
    keys = []
    if is_on(inputs, "utilisation"):
        keys = [(s, p, t) for s, p, t in m.PRODUCE if inputs.min_utilisation.get(p, 0.0) > 0]
    m.MIN_UTIL = pyo.Set(initialize=keys, dimen=3, ordered=True)
    m.min_utilisation = pyo.Constraint(
        m.MIN_UTIL,
        rule=lambda _m, s, p, t: m.production[s, p, t]
        >= inputs.min_utilisation[p] * inputs.utilisation.get(p, 1.0) * m.available[s, p, t],
    )
