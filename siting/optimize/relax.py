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

The re-solves are independent, so `rule_costs` runs them in worker processes, one per core
(siting/optimize/workers.py); each is deterministic, so the table is the same as one after the
other. While they run, the progress count (siting/config/progress.py) shows which re-solves are
under way and for how long, beating about every second; it gives no time left, as the
re-solves are too unlike for one (on the shipped scenario the market's, the slowest, takes about
half a minute, the chain balance's a few seconds).
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
from siting.config.units import SHOWN_AS, Names, plain_status
from siting.optimize.counts import solve_by_counts
from siting.optimize.results import Plan, clean, extract_plan
from siting.optimize.solve import PlanValues, SolveReport, SolverSettings, plan_values
from siting.optimize.tolerance import gap_not_reached_text, within_tolerance
from siting.optimize.workers import default_workers, run_handed_over


@dataclass(frozen=True)
class RuleCost:
    """One relaxed re-solve: the family relaxed, the solve report, and the plan if there is one."""

    family: str
    report: SolveReport
    plan: Plan | None


def relaxed_solve(inputs: ModelInputs, settings: SolverSettings, name: str, start: PlanValues | None,
                  read_plan: bool = True) -> RuleCost:
    """One re-solve of `relaxed_solves`: `inputs` with family `name` relaxed, from the plan
    `start` (`plan_values` of the base model, or None). Plain data in and out, so that it can
    run in a worker process."""
    if not family(name).relax_needs_rebuild:
        relaxed = inputs

        def make() -> pyo.ConcreteModel:
            built = build_model(inputs)
            set_family_active(built, name, False)
            return built
    else:
        relaxed = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {name})
        make = None
    counted = solve_by_counts(relaxed, settings, start, make=make)
    plan = extract_plan(counted.model, relaxed) if read_plan and counted.model is not None else None
    return RuleCost(name, counted.report, plan)


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
        if name in inputs.enabled_families:
            yield relaxed_solve(inputs, settings, name, base, read_plan)


def rule_costs(inputs: ModelInputs, settings: SolverSettings, model: pyo.ConcreteModel, solver: Any,
               workers: int | None = None) -> list[RuleCost]:
    """Re-solve `model` (already solved with `solver`) once per enabled family of
    `models.RULE_COST_FAMILIES`, relaxed; in that order whatever order they finish in.

    The re-solves are independent (each builds its own model and starts from the same base
    plan), so they run in `workers` processes at once (default: every core, over the HiGHS
    threads of each solve: `default_workers`), and give the same results as one after the other.
    An interrupt stops every worker at once and is raised. `rule_cost_table` makes the table of
    their costs (in yuan; see there for the rounding)."""
    names = [name for name in RULE_COST_FAMILIES if name in inputs.enabled_families]
    workers = min(workers or default_workers(settings.threads), len(names))
    counter = progress.steps(len(names), "rule costs", estimate=False)
    try:
        if workers <= 1:
            base = plan_values(model)
            costs = []
            for name in names:
                costs.append(_here(inputs, settings, name, base, counter))
            return costs
        return _in_workers(inputs, settings, names, plan_values(model), workers, counter)
    finally:
        counter.close()


def _here(inputs: ModelInputs, settings: SolverSettings, name: str, base: PlanValues | None, counter: Any) -> RuleCost:
    """`relaxed_solve` of family `name` in this process, counted by `counter`."""
    counter.begin(name)
    counter.beat()
    cost = relaxed_solve(inputs, settings, name, base)
    counter.advance(name, cost.report.status)
    return cost


def _in_workers(inputs: ModelInputs, settings: SolverSettings, names: list[str], base: PlanValues, workers: int,
                counter: Any) -> list[RuleCost]:
    """`relaxed_solve` of each family of `names` in a pool of `workers` processes
    (`run_handed_over`: in order, no more than `workers` at once, so that those handed over are
    the ones under way, as the progress count says; while waiting, the count beats every
    `progress.BEAT_S`); a re-solve whose worker died is solved again here."""
    done: dict[str, RuleCost] = {}

    def counted(name: str, cost: RuleCost) -> None:
        done[name] = cost
        counter.advance(name, cost.report.status)

    run_handed_over(names, workers, lambda pool, name: pool.submit(relaxed_solve, inputs, settings, name, base),
                    counter.begin, counted, counter.beat, progress.BEAT_S)
    for name in names:
        if name not in done:
            done[name] = _here(inputs, settings, name, base, counter)
    return [done[name] for name in names]


def rounded_difference(base: float | None, relaxed: float) -> float:
    """base - relaxed, with differences below 1e-9 of the objective (solver noise) as 0 and
    the rest to 9 significant digits (`clean`): the difference of two objectives of some 1e10
    yuan carries float noise in its last digits, which would otherwise show."""
    base = base or 0.0
    difference = base - relaxed
    return 0.0 if abs(difference) <= 1e-9 * max(abs(base), 1.0) else clean(difference)


def rule_cost_table(base_report: SolveReport, base_plan: Plan, costs: list[RuleCost], names: Names | None = None
                    ) -> pd.DataFrame:
    """Per family: objective with the rule relaxed, the rule's cost (base minus relaxed), whether
    that cost is within solver tolerance (smaller than the proven gaps of the two solves allow to
    tell from 0: siting/optimize/tolerance.py), the sites the plan adds or drops without it, and
    a note when a solve stopped before reaching its gap.

    Money is in yuan (`objective_relaxed_yuan`, `rule_cost_yuan`); the files made of this table
    (rule_costs.csv and .md, siting/deliver/tables.py `table_files`) give it in bn yuan
    (`objective_relaxed_bn_yuan`, `rule_cost_bn_yuan`). Both money columns are rounded alike, to
    9 significant digits as every solver figure of the outputs (`clean`, as the manifest's
    objective): the relaxed objective is rounded, and the rule cost is the difference of the
    base objective and the relaxed one so rounded (`rounded_difference`: 0 below 1e-9 of the
    objective, which is solver noise, and itself to 9 significant digits, so that the float noise
    of the subtraction does not show). The base objective as the manifest gives it minus
    `objective_relaxed_yuan` is thus `rule_cost_yuan` to 9 significant digits.

    `status` is the solve report's ("optimal": proven within the gap asked for) and the sites are
    ids, in the table and rule_costs.csv; rule_costs.md and the terminal give them in words
    (`in_words`, with `names`)."""
    base_sites = set(base_plan.opened_sites)
    rows = []
    for cost in costs:
        relaxed = cost.report.objective_yuan
        sites = set(cost.plan.opened_sites) if cost.plan is not None else set()
        rows.append({
            "rule": cost.family,
            "status": cost.report.status,
            "objective_relaxed_yuan": None if relaxed is None else clean(relaxed),
            "rule_cost_yuan": None if relaxed is None else rounded_difference(
                None if base_report.objective_yuan is None else clean(base_report.objective_yuan), clean(relaxed)),
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
    table = pd.DataFrame(rows, columns=["rule", "status", "objective_relaxed_yuan", "rule_cost_yuan", "gap",
                                        "within_solver_tolerance", "sites_added", "sites_dropped", "note"])
    return in_words(table, names)


#: A re-solve's status ("optimal": proven within the asked gap) in the words of the solve summary.
STATUS_WORDS = {"optimal": plain_status("convergenceCriteriaSatisfied")}


def in_words(table: pd.DataFrame, names: Names | None = None) -> pd.DataFrame:
    """The rule-cost `table` with the words its tables for people give (`attrs[SHOWN_AS]`,
    siting/deliver/tables.py `shown_values`): the status "optimal" as the solve summary says it,
    "optimal within the gap", and the sites added and dropped by their names (`names`; their ids
    without them). The values, which rule_costs.csv holds, are not changed."""
    names = names or Names()
    sites = {site for column in ("sites_added", "sites_dropped") for cell in table[column] if cell
             for site in str(cell).split(",")}
    named = {site: names.site(site) for site in sorted(sites)}
    table.attrs[SHOWN_AS] = {"status": dict(STATUS_WORDS), "sites_added": named, "sites_dropped": named}
    return table
