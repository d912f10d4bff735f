"""Re-solves with one rule family relaxed at a time (`relaxed_solves`): the price the plan pays
for each rule. (Why a plan is infeasible is found rule by rule in siting/optimize/explain.py.)

For the rule costs, the families and their order come from the model's registry (`models.RULE_COST_FAMILIES`:
red line, proximity, differentiation, agglomeration, budget, chain balance). The preprocessing
(layers, red-line zones, distances) is reused; each re-solve is solved like the base plan,
through the module counts (siting/optimize/counts.py), on models built from the same
preprocessed inputs: for families that live in constraint rows (differentiation,
agglomeration, budget, chain balance) with those rows switched off; the red line and proximity
act through the sparse index sets (`RuleFamily.relax_needs_rebuild`), so relaxing them builds
the model without the family.

Each re-solve starts from the base plan (a MIP start, siting/optimize/solve.py): relaxing a rule
keeps that plan feasible, so HiGHS has a good incumbent before its search and only has to find
what the relaxation gains. The base plan's values are carried over by variable name and index
(the counts by cluster are summed from it); HiGHS completes the variables the base model lacks
(those of the pairs and arcs the rule excluded) with the base plan's integers fixed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from models import RULE_COST_FAMILIES, ModelInputs, build_model, family, set_family_active
from siting.config import progress
from siting.optimize.counts import solve_by_counts
from siting.optimize.results import Plan, clean, extract_plan
from siting.optimize.solve import SolveReport, SolverSettings, plan_values
from siting.optimize.tolerance import gap_not_reached_text, within_tolerance


@dataclass(frozen=True)
class RuleCost:
    """One relaxed re-solve: the family relaxed, the solve report, and the plan if there is one."""

    family: str
    report: SolveReport
    plan: Plan | None


def relaxed_solves(inputs: ModelInputs, settings: SolverSettings, names: Iterable[str],
                   model: pyo.ConcreteModel | None = None, solver: Any = None, read_plan: bool = True
                   ) -> Iterator[RuleCost]:
    """Re-solve once per family of `names` that is enabled, with that family relaxed, in order,
    each through the module counts (siting/optimize/counts.py): a family that lives in constraint
    rows has them switched off in a new model of the same inputs; a family that acts through the
    index sets (`RuleFamily.relax_needs_rebuild`) gets a model built without it. Each re-solve
    starts from the plan `model` holds when this is called (its solved plan: see the module
    docstring); `solver` is not used (each search has its own). With `read_plan` false the plan
    is not read back."""
    base = plan_values(model) if model is not None else None
    for name in names:
        if name not in inputs.enabled_families:
            continue
        if not family(name).relax_needs_rebuild:
            relaxed = inputs

            def make(name: str = name) -> pyo.ConcreteModel:
                built = build_model(inputs)
                set_family_active(built, name, False)
                return built
        else:
            relaxed = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {name})
            make = None
        counted = solve_by_counts(relaxed, settings, base, make=make)
        report = counted.report
        plan = extract_plan(counted.model, relaxed) if read_plan and counted.model is not None else None
        yield RuleCost(name, report, plan)


def rule_costs(inputs: ModelInputs, settings: SolverSettings, model: pyo.ConcreteModel, solver: Any
               ) -> list[RuleCost]:
    """Re-solve `model` (already solved with `solver`) once per enabled family of
    `models.RULE_COST_FAMILIES`, relaxed."""
    names = [name for name in RULE_COST_FAMILIES if name in inputs.enabled_families]
    counter = progress.steps(len(names), "rule costs")
    costs = []
    try:
        for cost in relaxed_solves(inputs, settings, names, model, solver):
            costs.append(cost)
            counter.advance(cost.family, cost.report.status)
    finally:
        counter.close()
    return costs


def rounded_difference(base: float | None, relaxed: float) -> float:
    """base - relaxed, with differences below 1e-9 of the objective (solver noise) as 0."""
    base = base or 0.0
    difference = base - relaxed
    return 0.0 if abs(difference) <= 1e-9 * max(abs(base), 1.0) else clean(difference)


def rule_cost_table(base_report: SolveReport, base_plan: Plan, costs: list[RuleCost]) -> pd.DataFrame:
    """Per family: objective with the rule relaxed, the rule's cost (base minus relaxed, yuan),
    whether that cost is within solver tolerance (smaller than the proven gaps of the two solves
    allow to tell from 0: siting/optimize/tolerance.py), the sites the plan adds or drops
    without it, and a note when a solve stopped before reaching its gap."""
    base_sites = set(base_plan.opened_sites)
    rows = []
    for cost in costs:
        relaxed = cost.report.objective_yuan
        sites = set(cost.plan.opened_sites) if cost.plan is not None else set()
        rows.append({
            "rule": cost.family,
            "status": cost.report.status,
            "objective_relaxed_yuan": relaxed,
            "rule_cost_yuan": None if relaxed is None else rounded_difference(base_report.objective_yuan, relaxed),
            "gap": cost.report.gap,
            "within_solver_tolerance": "" if relaxed is None else "yes" if within_tolerance(
                base_report.objective_yuan, base_report.gap, relaxed, cost.report.gap) else "no",
            "sites_added": ",".join(s for s in cost.plan.opened_sites if s not in base_sites) if cost.plan else "",
            "sites_dropped": ",".join(s for s in base_plan.opened_sites if s not in sites) if cost.plan else "",
            "note": "; ".join(n for n in (
                gap_not_reached_text(base_report.status, base_report.gap, base_report.objective_yuan)
                .replace("the solve", "the base solve", 1),
                gap_not_reached_text(cost.report.status, cost.report.gap, relaxed)
                .replace("the solve", "the relaxed solve", 1)) if n),
        })
    return pd.DataFrame(rows, columns=["rule", "status", "objective_relaxed_yuan", "rule_cost_yuan", "gap",
                                       "within_solver_tolerance", "sites_added", "sites_dropped", "note"])
