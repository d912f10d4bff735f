"""Counts by cluster: the count relaxation and the fixed-count restriction of the MIP.

The hard part of the siting MIP is not which cluster hosts a product but how many whole modules
of each size it builds: the LP relaxation builds fractional modules exactly up to a market cap
or a target, where any plan of whole modules overshoots and idles, or falls short and pays the
penalty. Branching on the per-site counts x[s,p,m,t] closes that slowly, because many sites of a
cluster hold the same module (docs/FORMULATION.md, "Module counts by cluster").

    n[c,m,t] = sum_{s in c} x[s,p,m,t]      over COUNT = {(c, m, t): some (s,p,m,t) in BUILD, s in c}

`add_module_counts` adds n (non-negative integers) and the linking rows. In the MIP they are
implied: x is integer, so n is. Two models follow from them:

- the count relaxation (`relax_site_counts`): x continuous; n and every binary (site openings,
  cluster hosts, demonstrations, differentiation) integer. Every plan of the MIP is a plan of it
  at the same cost, so its proven bound is a lower bound of the MIP's optimum. It branches on a
  few dozen counts instead of hundreds of site counts (on scenarios/yunnan_2024.yaml its
  optimum is within 0.01 % of the MIP's). Relaxing the site openings too, with their count by
  cluster and year kept whole, was measured and left out: its plans share openings fractionally,
  so the fixed-count plan that follows costs about 3 % more;
- the fixed-count restriction (`fix_module_counts`): the MIP with n fixed to given whole numbers.
  Each of its plans is a plan of the MIP; it only shares the fixed counts out among the sites.

Nothing here knows how the model is solved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyomo.core as pyo

from models.index import ModelIndex
from models.inputs import ModelInputs

#: A count key (cluster, module id, decision year).
CountKey = tuple[str, str, int]


def add_module_counts(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Module counts by cluster, module size and decision year.

    COUNT = {(c, m, t): (s, p, m, t) in BUILD for some s in cluster c}, in cluster, module
    (catalog) and year order;
    n[c,m,t] in Z+, n[c,m,t] = sum_{s in c, (s,p,m,t) in BUILD} x[s,p,m,t]      over COUNT (modules)
    (`module_count`, `module_count_link`). Redundant in the MIP (it changes neither a plan nor
    the optimum). Cannot be infeasible on its own. ValueError when called twice on a model.
    """
    if hasattr(m, "module_count"):
        raise ValueError("the model already has module counts")
    members: dict[CountKey, list[tuple[str, str, str, int]]] = defaultdict(list)
    for key in m.BUILD:
        s, _p, mid, t = key
        members[(inputs.cluster_of_site[s], mid, t)].append(key)
    module_order = {spec.module_id: i for i, spec in enumerate(inputs.MODULES)}
    keys = sorted(members, key=lambda k: (inputs.CLUSTERS.index(k[0]), module_order[k[1]], k[2]))
    m.COUNT = pyo.Set(initialize=keys, dimen=3, ordered=True)
    m.module_count = pyo.Var(m.COUNT, domain=pyo.NonNegativeIntegers)
    m.module_count_link = pyo.Constraint(
        m.COUNT, rule=lambda _m, c, mid, t: m.module_count[c, mid, t] == sum(m.build[k] for k in members[(c, mid, t)]))


def relax_site_counts(m: pyo.ConcreteModel) -> None:
    """The count relaxation: every x[s,p,m,t] becomes continuous within its bounds (0 and the
    module bound); n (`add_module_counts`, required) and the binaries stay integer.
    ValueError when the model has no module counts (without them the relaxation would lose
    module integrality altogether)."""
    if not hasattr(m, "module_count"):
        raise ValueError("the count relaxation needs the module counts (add_module_counts) first")
    for var in m.build.values():
        lower, upper = var.bounds
        var.domain = pyo.NonNegativeReals
        var.setlb(lower)
        var.setub(upper)


def count_values(m: pyo.ConcreteModel) -> dict[CountKey, int]:
    """n[c,m,t] of the plan the model holds, rounded to whole modules (keys in COUNT order; a
    count without a value is 0)."""
    return {key: round(pyo.value(m.module_count[key], exception=False) or 0.0) for key in m.COUNT}


def fix_module_counts(m: pyo.ConcreteModel, counts: Mapping[CountKey, int]) -> None:
    """The fixed-count restriction: n[c,m,t] fixed to counts[(c,m,t)] (0 where not given).
    Undo with `free_module_counts`. ValueError for a count key the model does not have or a
    count that is negative or not whole; nothing is fixed then."""
    unknown = sorted(set(counts) - set(m.COUNT))
    if unknown:
        raise ValueError(f"module counts for keys the model does not have: {unknown[:5]}")
    for key in m.COUNT:  # every count is checked before any is fixed
        value = counts.get(key, 0)
        if value < 0 or value != int(value):
            raise ValueError(f"module count {key} must be a whole number >= 0, got {value!r}")
    for key in m.COUNT:
        m.module_count[key].fix(int(counts.get(key, 0)))


def free_module_counts(m: pyo.ConcreteModel) -> None:
    """Undo `fix_module_counts`: every n[c,m,t] free again."""
    for var in m.module_count.values():
        var.unfix()
