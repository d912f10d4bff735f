"""The price the plan pays for each rule: re-solve with one rule family relaxed at a time.

The families and their order come from the model's registry (`models.RULE_COST_FAMILIES`:
red line, proximity, differentiation, agglomeration, budget, chain balance). What is reused:
the preprocessing (layers, red-line zones, distances) always; for families that live in
constraint rows (differentiation, agglomeration, budget, chain balance) also the built model
and the solver object, so HiGHS receives only the deactivated rows. The red line and
proximity act through the sparse index sets (`RuleFamily.relax_needs_rebuild`), so relaxing
them builds a new model from the same preprocessed inputs. (Pyomo's HiGHS interface offers no
MIP warm start.)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from models import RULE_COST_FAMILIES, ModelInputs, build_model, family, set_family_active
from siting.results import Plan, clean, extract_plan
from siting.solve import SolveReport, SolverSettings, new_solver, solve_model

__all__ = ["RULE_COST_FAMILIES", "RuleCost", "rounded_difference", "rule_cost_table", "rule_costs"]


@dataclass(frozen=True)
class RuleCost:
    """One relaxed re-solve: the family relaxed, the solve report, and the plan if there is one."""

    family: str
    report: SolveReport
    plan: Plan | None


def rule_costs(inputs: ModelInputs, settings: SolverSettings, model: pyo.ConcreteModel, solver: Any
               ) -> list[RuleCost]:
    """Re-solve `model` (already solved with `solver`) once per enabled family, relaxed."""
    costs = []
    for name in RULE_COST_FAMILIES:
        if name not in inputs.enabled_families:
            continue
        if not family(name).relax_needs_rebuild:
            set_family_active(model, name, False)
            report = solve_model(model, settings, solver)
            plan = extract_plan(model, inputs) if report.has_solution else None
            set_family_active(model, name, True)
        else:
            relaxed = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {name})
            other = build_model(relaxed)
            report = solve_model(other, settings, new_solver())
            plan = extract_plan(other, relaxed) if report.has_solution else None
        costs.append(RuleCost(name, report, plan))
    return costs


def rounded_difference(base: float | None, relaxed: float) -> float:
    """base - relaxed, with differences below 1e-9 of the objective (solver noise) as 0."""
    base = base or 0.0
    difference = base - relaxed
    return 0.0 if abs(difference) <= 1e-9 * max(abs(base), 1.0) else clean(difference)


def rule_cost_table(base_report: SolveReport, base_plan: Plan, costs: list[RuleCost]) -> pd.DataFrame:
    """Per family: objective with the rule relaxed, the rule's cost (base minus relaxed, yuan)
    and the sites the plan adds or drops without it."""
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
            "sites_added": ",".join(s for s in cost.plan.opened_sites if s not in base_sites) if cost.plan else "",
            "sites_dropped": ",".join(s for s in base_plan.opened_sites if s not in sites) if cost.plan else "",
        })
    return pd.DataFrame(rows, columns=["rule", "status", "objective_relaxed_yuan", "rule_cost_yuan", "gap",
                                       "sites_added", "sites_dropped"])
