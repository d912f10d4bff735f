"""Ceiling rounding: valid rows on the module counts by cluster that state that a capacity ceiling
is met by whole modules (mixed-integer rounding of the ceiling row stated in the counts).

In the count relaxation (models/counts.py) the LP builds a group exactly up to its capacity
ceiling in fractional modules: on scenarios/yunnan_2024.yaml the cathode ceiling leaves
1,007,000 t/yr for added capacity, 40.28 modules of 25,000 t, where a plan of whole modules adds
1,000,000 t at most. The ceiling row is on the site counts x[s,p,m,t], continuous in the count
relaxation, so HiGHS cannot round it; these rows state the rounding on the counts directly.

The ceiling row of group g (models/families/targets.py, `capacity_ceiling`) reads

    F[g] + sum_{(s,p,m,t') in BUILD, p in g, t' + L[p] <= t_last} size[m] x[s,p,m,t'] <= U[g]

(F[g] the existing and committed capacity of g standing in the last year). Every x of a count
n[c,m,t'] = sum_{s in c} x[s,p,m,t'] (`module_count_link`) carries the same coefficient a_j =
size[m] (or 0 when not yet online), so with j = (c, m, t') the row is, for every plan,

    sum_j a_j n_j <= beta = U[g] - F[g],   n_j whole >= 0.

Mixed-integer rounding with divisor delta > 0 (b = beta / delta, f0 = b - floor(b), q_j = a_j /
delta, f_j = q_j - floor(q_j)), for 0 < f0 < 1:

    sum_j H_j n_j <= floor(b),   H_j = floor(q_j) + max(0, f_j - f0) / (1 - f0).

Validity: let z = sum_{f_j <= f0} floor(q_j) n_j + sum_{f_j > f0} ceil(q_j) n_j (a whole number,
as n is) and r = sum_{f_j > f0} (1 - f_j) n_j >= 0. As q_j n_j >= floor(q_j) n_j for f_j <= f0,
the row divided by delta gives z - r <= b. For f_j > f0, H_j = ceil(q_j) - (1 - f_j) / (1 - f0),
so the left side is z - r / (1 - f0). If z <= floor(b) it is at most z <= floor(b). Otherwise
k = z - floor(b) >= 1 and r >= z - b = k - f0, so r / (1 - f0) >= (k - f0) / (1 - f0) >= k (as
k f0 >= f0), and the left side is at most z - k = floor(b). When every a_j is a whole multiple
of delta this is the Chvatal-Gomory rounding sum_j (a_j / delta) n_j <= floor(b). The rows hold
for every plan of the MIP and of the count relaxation (n whole in both): they remove no plan and
change neither optimum, only fractional points of the LP relaxation.

Plans the solver accepts: HiGHS returns a plan whose row is over by up to its feasibility
tolerance (`mip_feasibility_tolerance`, 1e-6 by default, in the row's units/yr), so a plan of
the MIP as solved meets sum_j a_j n_j <= beta + tol only. A ceiling a hair below a whole number
of modules (b = 3 - 5e-8 with 10 GWh/yr modules) rounded down would cut such a plan, and the
relaxation would prove a bound above the optimum the MIP search returns. The rows therefore
round beta + tol (`row_tolerance`: ten times the larger of the solve's feasibility tolerances),
which every such plan meets. Where every a_j is a whole number (module sizes in t/yr, GWh/yr,
million m2/yr: the shipped catalog's), sum_j a_j n_j is whole for whole n, so such a plan meets
sum_j a_j n_j <= floor(beta + tol): the rows round that whole number, and their coefficients are
the exact fractions of whole numbers. That matters beyond neatness: on the shipped scenario the
rows of beta + tol (coefficients such as 2.3333333331 for 7/3) took HiGHS a median 14.1 s to a
1 % gap over seeds 0-5, those of floor(beta + tol) (2.3333333333333335) 7.3 s.
The margin covers the ceiling row's own excess only. A plan may also miss each count's link row
(n = sum x) and the integrality of x by the tolerance, which could carry sum_j a_j n_j past
beta + tol by up to about a_j x tol per count (0.025 t/yr for a 25,000 t module); with whole
sizes the left side stays a whole number, so only a beta within that of a whole number below it
is exposed. Not seen in practice (a ceiling case scaled to 25,000 t modules, beta 0 to 0.5 t/yr
short of whole modules: the MIP and the relaxation agreed); stated as the limit of the argument.

One row for each group g of CEILING whose `capacity_ceiling` row is active, stated on the counts
(every variable of the row a site count, every count it touches with all its site counts at one
positive coefficient), beta >= 0, and each distinct a_j as delta for which 0 < f0 < 1
(`CEILING_ROUNDING` = (g, k), k the rank of delta among them, smallest first).

Measured on the count relaxation of scenarios/yunnan_2024.yaml (highspy, one thread, seeds 0-2):
the LP bound rises from -203.07 to -202.28 bn yuan, and the search that proves the cutoff
-196.75 bn yuan (a 1 % gap below a plan of -194.80) takes 70-101 nodes and 21,000-26,000
simplex iterations, against 674-2,035 nodes and 51,000-109,000 iterations without them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pyomo.core as pyo
from pyomo.repn import generate_standard_repn

from models.sales_rounding import SMALLEST_F0, WHOLE_TOLERANCE

#: A row key (group, rank of the divisor among the group's distinct coefficients).
RowKey = tuple[str, int]
#: A count key (cluster, module id, decision year), as in models/counts.py.
CountKey = tuple[str, str, int]

#: HiGHS's default feasibility tolerances (row excess a plan may keep, units of the row).
FEASIBILITY_DEFAULTS = {"mip_feasibility_tolerance": 1e-6, "primal_feasibility_tolerance": 1e-7}
#: The excess over a ceiling left to plans of the solve: this many times its feasibility tolerance.
TOLERANCE_MARGIN = 10.0
#: `row_tolerance` of a solve with HiGHS's default tolerances (units/yr).
ROW_TOLERANCE = TOLERANCE_MARGIN * max(FEASIBILITY_DEFAULTS.values())


def row_tolerance(options: Mapping[str, object]) -> float:
    """The excess (units/yr) over a ceiling row a plan of a solve with HiGHS `options` may keep,
    with a margin: TOLERANCE_MARGIN times the larger of its feasibility tolerances (HiGHS's
    defaults where not given; 1e-5 with both)."""
    given = (float(str(options.get(name, default))) for name, default in FEASIBILITY_DEFAULTS.items())
    return TOLERANCE_MARGIN * max(given)


def rounding_le(coefficients: list[float], beta: float, delta: float) -> tuple[list[float], int] | None:
    """The rounding of sum_j a_j n_j <= beta (n whole >= 0) with divisor `delta`: (H_j, floor(b))
    of sum_j H_j n_j <= floor(b); None when b = beta / delta is whole or nearly (f0 below
    SMALLEST_F0, or within WHOLE_TOLERANCE of 1: b just below a whole number, which round-off
    could have put there), where rounding adds nothing worth the row or could cut a plan. A q_j a
    hair below a whole number keeps its own H_j (just below that number): a larger one could cut
    a plan."""
    b = beta / delta
    f0 = b - math.floor(b)
    if f0 < SMALLEST_F0 or f0 > 1.0 - WHOLE_TOLERANCE:
        return None
    weights = []
    for a in coefficients:
        q = a / delta
        fj = q - math.floor(q)
        weights.append(math.floor(q) + max(0.0, fj - f0) / (1.0 - f0))
    return weights, math.floor(b)


def tolerant_rounding(coefficients: list[float], beta: float, delta: float,
                      tolerance: float) -> tuple[list[float], int] | None:
    """The rounding (`rounding_le`) of sum_j a_j n_j <= beta that no plan over it by at most
    `tolerance` violates: of floor(beta + tolerance) where every a_j is whole (the left side is
    whole then; the coefficients come out as exact fractions of whole numbers), else of beta +
    `tolerance`, and None where beta itself needs no rounding."""
    if all(float(a).is_integer() for a in coefficients):
        return rounding_le(coefficients, float(math.floor(beta + tolerance)), delta)
    if rounding_le(coefficients, beta, delta) is None:  # b whole or nearly: nothing to round
        return None
    return rounding_le(coefficients, beta + tolerance, delta)


def _members(m: pyo.ConcreteModel) -> dict[int, CountKey] | None:
    """id(x) -> the count key whose link row sums it, read from `module_count_link`
    (n - sum x = 0); None when a link row is not of that form (also when a site count is fixed
    to a value other than 0: it is then a constant of the row, which n counts and the ceiling
    row's constant counts too)."""
    owner: dict[int, CountKey] = {}
    for key in m.COUNT:
        repn = generate_standard_repn(m.module_count_link[key].body, compute_values=True, quadratic=False)
        count = m.module_count[key]
        sign = next((c for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True) if v is count), None)
        if sign is None or repn.constant != 0:  # a constant: a fixed site count, n is not the sum of the others
            return None
        for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
            if var is count:
                continue
            if coef != -sign:
                return None
            owner[id(var)] = key
    return owner


def ceiling_in_counts(m: pyo.ConcreteModel, group: str, owner: dict[int, CountKey],
                      sizes: dict[CountKey, int]) -> tuple[list[CountKey], list[float], float] | None:
    """The ceiling row of `group` stated on the counts: (count keys, a_j, beta) of
    sum_j a_j n_j <= beta; None when it cannot be (a variable that is no site count, a count
    with site counts at different coefficients or missing from the row, a coefficient <= 0, a
    lower bound on the row, or beta < 0)."""
    row = m.capacity_ceiling[group]
    if row.lower is not None or row.upper is None:
        return None
    repn = generate_standard_repn(row.body, compute_values=True, quadratic=False)
    if repn.nonlinear_vars or repn.quadratic_vars:
        return None
    coefficient: dict[CountKey, float] = {}
    seen: dict[CountKey, int] = {}
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        key = owner.get(id(var))
        if key is None or coef <= 0 or coefficient.setdefault(key, coef) != coef:
            return None
        seen[key] = seen.get(key, 0) + 1
    if any(seen[key] != sizes[key] for key in seen):
        return None
    beta = float(pyo.value(row.upper)) - float(repn.constant)
    if beta < 0 or not coefficient:
        return None
    keys = [key for key in m.COUNT if key in coefficient]
    return keys, [coefficient[key] for key in keys], beta


def add_ceiling_rounding(m: pyo.ConcreteModel, tolerance: float = ROW_TOLERANCE) -> None:
    """Ceiling rounding rows (see the module docstring for the algebra and its proof):

    sum_j H_j n[j] <= floor(b)      over CEILING_ROUNDING = (g, k) (`ceiling_rounding`, modules)

    of each ceiling row stated on the counts with beta + `tolerance` (units/yr, >= 0: the excess
    a plan the solver accepts may keep, `row_tolerance`), so that they cut no such plan either;
    floor(beta + `tolerance`) where every a_j is whole (the left side is whole then).

    Needs the module counts (models.counts.add_module_counts); ValueError without them or when
    called twice. A model without capacity ceilings gets an empty family. Valid for the MIP and
    the count relaxation alike; never infeasible on its own (every plan of the model satisfies
    it).
    """
    if not hasattr(m, "module_count"):
        raise ValueError("the ceiling rounding rows need the module counts (add_module_counts) first")
    if hasattr(m, "ceiling_rounding"):
        raise ValueError("the model already has ceiling rounding rows")
    rows: dict[RowKey, tuple[list[CountKey], list[float], int]] = {}
    owner = _members(m) if hasattr(m, "capacity_ceiling") else None
    if owner is not None:
        sizes: dict[CountKey, int] = {}
        for key in owner.values():
            sizes[key] = sizes.get(key, 0) + 1
        for g in m.CEILING:
            if g not in m.capacity_ceiling or not m.capacity_ceiling[g].active:
                continue
            stated = ceiling_in_counts(m, g, owner, sizes)
            if stated is None:
                continue
            keys, coefficients, beta = stated
            for k, delta in enumerate(sorted(set(coefficients))):
                rounded = tolerant_rounding(coefficients, beta, delta, tolerance)
                if rounded is not None and any(rounded[0]):
                    rows[(g, k)] = (keys, rounded[0], rounded[1])
    m.CEILING_ROUNDING = pyo.Set(initialize=list(rows), dimen=2, ordered=True)
    m.ceiling_rounding = pyo.Constraint(
        m.CEILING_ROUNDING,
        rule=lambda _m, g, k: sum(h * m.module_count[key] for key, h in zip(rows[(g, k)][0], rows[(g, k)][1],
                                                                            strict=True) if h != 0)
        <= rows[(g, k)][2])
