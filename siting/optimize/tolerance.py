"""Differences smaller than the proven gaps: which comparisons the solver cannot tell apart.

A run solved to a relative gap g with objective z (a cost, minimised) has proven only that its
optimum lies in [z - g |z|, z], the interval from its best bound to its plan. Two runs differ
for certain only when their intervals do not overlap; otherwise the difference of their
objectives, whatever its sign, is "within solver tolerance". A run without a proven bound
(no gap) proves nothing, so a difference involving it is within tolerance too.

The range a difference of two optima is proven to lie in is given in bn yuan rounded outward,
an end near 0 to two significant digits so that its sign shows (`range_text`), as siting
compare gives the difference of two runs and the rule costs the cost of a rule.

Whether a plan is proven within the gap a run asks for is one test, `within_gap`: a plan of cost
U (yuan) with a proven lower bound L of the optimum is within the gap when its relative gap
(U - min(L, U)) / max(|U|, 1e-9) is at most `solver.rel_gap`, or its absolute gap U - min(L, U)
at most `solver.abs_gap_bn_yuan` (as yuan). `certifying_bound` is the lowest bound that passes
it, U - max(rel_gap |U|, abs_gap): the target of a search for a bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from siting.config.units import BN, bn_yuan, bound_bn, finite_number, gap_text

#: A gap within the asked gap by at most this much counts as within it: the plan and the bound
#: may come from different models (the count relaxation, the merged model of the screening), whose
#: figures differ in their last digits. A share of |U| (with U the plan's cost, taken as at least
#: 1e-9 yuan), for the absolute gap as for the relative one.
CERTIFY_TOLERANCE = 1e-9

#: The words tables and plots use for a difference the gaps cannot tell apart.
WITHIN = "within solver tolerance"

#: The note under a table that marks differences within solver tolerance.
TOLERANCE_NOTE = ("Differences marked \"within solver tolerance\" are smaller than the proven gaps of the runs "
                  "involved: each run's optimum lies between its best bound and its objective, and those ranges "
                  "overlap, so the solver has not shown which is lower. Set a smaller solver.rel_gap (and "
                  "solver.abs_gap_bn_yuan, where set) to tell them apart.")


def within_gap(upper: float | None, lower: float | None, rel_gap: float, abs_gap_yuan: float = 0.0) -> bool:
    """Whether a plan of cost `upper` (yuan) is proven within the asked gap by `lower`, a proven
    lower bound of the optimum (yuan): with G = upper - min(lower, upper), true when
    G / max(|upper|, 1e-9) <= `rel_gap` + CERTIFY_TOLERANCE (a share), or, with `abs_gap_yuan`
    above 0, when G <= `abs_gap_yuan` + CERTIFY_TOLERANCE max(|upper|, 1e-9) (yuan). False without
    both figures, or with either not finite. E.g. within_gap(100, 98, 0.02) and
    within_gap(-0.08e9, -0.57e9, 0.025, 0.5e9) (a gap of 612.5 %, but 0.49 bn yuan) are true."""
    if upper is None or lower is None or not (math.isfinite(upper) and math.isfinite(lower)):
        return False
    gap_yuan = upper - min(lower, upper)
    scale = max(abs(upper), 1e-9)
    if gap_yuan / scale <= rel_gap + CERTIFY_TOLERANCE:
        return True
    return abs_gap_yuan > 0 and gap_yuan <= abs_gap_yuan + CERTIFY_TOLERANCE * scale


def certifying_bound(upper: float, rel_gap: float, abs_gap_yuan: float = 0.0) -> float:
    """The lowest bound (yuan) that proves a plan of cost `upper` (yuan) within the asked gap
    (`within_gap`, leaving its tolerance aside): upper - max(`rel_gap` |upper|, `abs_gap_yuan`).
    E.g. 98 for (100, 0.02), 95 for (100, 0.02, 5), and -102 for (-100, 0.02)."""
    return upper - max(rel_gap * abs(upper), abs_gap_yuan)


def optimum_interval(objective: float | None, gap: float | None) -> tuple[float, float] | None:
    """(lowest, highest) the optimum can be, from the objective of the plan found and the
    proven relative gap; None without an objective. Without a gap the lowest is -inf."""
    if objective is None:
        return None
    if gap is None or not math.isfinite(gap):
        return -math.inf, objective
    return objective - gap * abs(objective), objective


def proven_low(objective_yuan: float, best_bound_yuan: float | None, gap: float | None) -> float:
    """The lowest a solve's optimum can be (yuan), from its objective, best bound and gap: the
    bound, taken no higher than the objective, the cost of a plan of its rules; without a finite
    bound, the objective less its gap (`optimum_interval`); -inf without either. For a solve with
    an objective: a rule cost's solves (siting/optimize/relax.py `rule_cost_range`) and a
    comparison's runs (siting/runs/tables.py `objective_range`)."""
    if best_bound_yuan is not None and math.isfinite(best_bound_yuan):
        return min(best_bound_yuan, objective_yuan)
    low = optimum_interval(objective_yuan, gap)
    return -math.inf if low is None else low[0]


def within_tolerance(base_objective: float | None, base_gap: float | None, other_objective: float | None,
                     other_gap: float | None) -> bool | None:
    """True when the difference between two runs' objectives is smaller than their proven gaps
    allow to tell apart (their optimum intervals overlap); None when a run has no objective."""
    base = optimum_interval(base_objective, base_gap)
    other = optimum_interval(other_objective, other_gap)
    if base is None or other is None:
        return None
    return base[0] <= other[1] + 1e-9 * max(1.0, abs(other[1])) and other[0] <= base[1] + 1e-9 * max(1.0, abs(base[1]))


def tolerance_yuan(objective: float | None, gap: float | None) -> float | None:
    """How far a run's optimum may lie below its objective (yuan): gap x |objective|."""
    if objective is None or gap is None or not math.isfinite(gap):
        return None
    return gap * abs(objective)


def tolerance_text(base_objective: float | None, base_gap: float | None, other_objective: float | None,
                   other_gap: float | None) -> str:
    """WITHIN, "" for a difference the gaps prove, or "" when a run has no objective."""
    return WITHIN if within_tolerance(base_objective, base_gap, other_objective, other_gap) else ""


def gap_not_reached_text(status: str, gap: float | None, objective: float | None) -> str:
    """For a run that stopped before reaching its gap: what that means for a figure read from
    it; "" for a run that reached its gap."""
    if status == "optimal" or objective is None:
        return ""
    if gap is None:
        return "the solve stopped before its gap with no proven bound: its optimum may lie anywhere below its objective"
    return (f"the solve stopped before its gap at {gap_text(gap)}: its optimum may be up to "
            f"{bound_bn(tolerance_yuan(objective, gap), up=True)} lower")  # proven figures: never shown as less


def range_text(low: Any, high: Any) -> str:
    """A proven range of money (the difference of two optima: siting compare's objective difference,
    a rule's cost) as the tables for people give it, from its ends in yuan (None or NaN: unbounded
    there), in bn yuan with two decimals rounded outward so that the range written still holds the
    proven one: "-0.67 to -0.27", "at most 0.16", "at least -0.67", or "" when neither end is
    known. An end that is not 0 but would round to 0.00 is written to two significant digits
    (`end_text`), so that its sign shows: "-0.44 to -0.0015"."""
    lowest = end_text(low / BN, up=False) if finite_number(low) else None
    highest = end_text(high / BN, up=True) if finite_number(high) else None
    if lowest is not None and highest is not None:
        return f"{lowest} to {highest}"
    if highest is not None:
        return f"at most {highest}"
    return f"at least {lowest}" if lowest is not None else ""


#: Most decimals of an end of a range in bn yuan (`end_text`): a yuan.
END_DECIMALS = 9


def end_text(value_bn: float, up: bool) -> str:
    """An end of a proven range in bn yuan, rounded outward (up for the high end, down for the low
    one) to two decimals: "-0.27", "0.00" for 0; where that would give 0.00 for an end that is not 0,
    to two significant digits instead (at most END_DECIMALS decimals), rounded outward too, so that
    the end keeps its sign: -0.0015 as "-0.0015", not "0.00"."""
    decimals = 2
    rounded = _outward(value_bn, decimals, up)
    if rounded == 0 and value_bn != 0:
        decimals = min(max(2, 1 - math.floor(math.log10(abs(value_bn)))), END_DECIMALS)
        rounded = _outward(value_bn, decimals, up)
    return f"{rounded:z,.{decimals}f}"


def _outward(value: float, decimals: int, up: bool) -> float:
    """`value` rounded up (`up`) or down to `decimals` decimals, the last digits of its scaling aside."""
    scaled = round(value * 10 ** decimals, 6)
    return (math.ceil(scaled) if up else math.floor(scaled)) / 10 ** decimals


#: The net objective (the gross cost less sales revenue) counts as near zero when its magnitude is
#: below this share of the gross cost (`gross_cost_yuan`): a relative gap measured against it then
#: reads far larger than the plan's distance from the optimum, and the outputs say so (`near_zero_note`).
NEAR_ZERO_SHARE = 0.01


def absolute_gap_yuan(objective_yuan: float | None, gap: float | None) -> float | None:
    """The proven gap in yuan, UB - LB: the relative `gap` (a share) times the magnitude of the
    objective `objective_yuan` (UB, yuan) it is measured against, max(|UB|, 1e-9) as
    siting/optimize/solve.py `relative_gap` divides by. None without an objective or a gap."""
    if objective_yuan is None or gap is None or not math.isfinite(gap):
        return None
    return gap * max(abs(objective_yuan), 1e-9)


def gross_cost_yuan(costs: Mapping[str, float]) -> float:
    """The gross cost (yuan): the sum of the cost components above zero, before sales revenue (the
    negative component), as the report's cost table gives it; 0 for no costs."""
    return float(sum(v for v in costs.values() if v > 0))


def near_zero_objective(objective_yuan: float | None, costs: Mapping[str, float]) -> bool:
    """Whether the net objective `objective_yuan` (yuan) is near zero: its magnitude below
    NEAR_ZERO_SHARE of the gross cost of `costs` (the cost components, yuan). False without an
    objective or a gross cost."""
    gross = gross_cost_yuan(costs)
    return objective_yuan is not None and gross > 0 and abs(objective_yuan) < NEAR_ZERO_SHARE * gross


def near_zero_note(objective_yuan: float | None, gap: float | None, costs: Mapping[str, float]) -> str:
    """The sentences saying that a relative gap is measured against a near-zero net objective
    (`near_zero_objective`) and that the absolute gap is the figure to read, with the figures:
    the relative gap (percent), the net objective and the gross cost (bn yuan), and the absolute
    gap (bn yuan, and as a share of the gross cost). "" when the objective is not near zero, or
    when there is no gap or it shows as 0.00% (nothing to misread)."""
    absolute = absolute_gap_yuan(objective_yuan, gap)
    if absolute is None or gap is None or objective_yuan is None or round(gap, 4) == 0 \
            or not near_zero_objective(objective_yuan, costs):
        return ""
    gross = gross_cost_yuan(costs)
    return (f"The relative gap, {gap_text(gap)}, is measured against the net objective, {bn_yuan(objective_yuan)}, "
            f"which is near zero: {abs(objective_yuan) / gross:.2%} of the gross cost of {bn_yuan(gross)} (under "
            f"{NEAR_ZERO_SHARE:.0%}), sales revenue nearly paying it back. Read the absolute gap instead: "
            f"{bound_bn(absolute, up=True)}, {gap_text(absolute / gross)} of the gross cost.")
