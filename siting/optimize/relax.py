"""Re-solves with one rule family relaxed at a time (`relaxed_solves`): the price the plan pays
for each rule. (Why a plan is infeasible is found rule by rule in siting/optimize/explain.py.)

For the rule costs, the families and their order come from the model's registry (`models.RULE_COST_FAMILIES`:
red line, proximity, differentiation, agglomeration, budget, chain balance, market, build rate). The
preprocessing (layers, red-line zones, distances) is reused; each re-solve is solved like the base plan,
through the module counts (siting/optimize/counts.py), on models built from the same
preprocessed inputs: for families that live in constraint rows (differentiation,
agglomeration, budget, chain balance, market, build rate) with those rows switched off; the red line and proximity
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

A rule's cost is proven only up to the gaps of the two solves (`rule_cost_range`): the table gives
the difference of the two objectives as a point and, beside it, the range the bounds prove, which
starts at 0 wherever the gaps cannot tell the rule's cost from nothing. The sites a relaxed plan
adds or drops are those of the one plan its solve ended on: other plans within that solve's gap
may cost nearly the same and build elsewhere, so the sites are an example, not a proven effect of
the rule (`SITES_CAVEAT`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyomo.core as pyo

from models import RULE_COST_FAMILIES, ModelInputs, build_model, family, set_family_active
from siting.config import progress
from siting.config.units import SHOWN_AS, Names, RowWords, id_items, id_list, plain_status
from siting.optimize.counts import solve_by_counts
from siting.optimize.results import Plan, clean, extract_plan, outward
from siting.optimize.solve import PlanValues, SolveReport, SolverSettings, plan_values
from siting.optimize.tolerance import absolute_gap_yuan, gap_not_reached_text, near_zero_note, proven_low
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


def rule_costs(inputs: ModelInputs, settings: SolverSettings, model: pyo.ConcreteModel | None, solver: Any,
               workers: int | None = None, base: PlanValues | None = None) -> list[RuleCost]:
    """Re-solve `model` (already solved with `solver`) once per enabled family of
    `models.RULE_COST_FAMILIES`, relaxed; in that order whatever order they finish in. Each
    starts from `base` (`plan_values` of the solved model), read from `model` when not given.

    The re-solves are independent (each builds its own model and starts from the same base
    plan), so they run in `workers` processes at once (default: every core, over the HiGHS
    threads of each solve: `default_workers`), and give the same results as one after the other.
    An interrupt stops every worker at once and is raised. `rule_cost_table` makes the table of
    their costs (in yuan; see there for the rounding)."""
    names = [name for name in RULE_COST_FAMILIES if name in inputs.enabled_families]
    workers = min(workers or default_workers(settings.threads), len(names))
    counter = progress.steps(len(names), "rule costs", estimate=False)
    try:
        base = base if base is not None or model is None else plan_values(model)
        if workers <= 1:
            costs = []
            for name in names:
                costs.append(_here(inputs, settings, name, base, counter))
            return costs
        return _in_workers(inputs, settings, names, base, workers, counter)
    finally:
        counter.close()


def _here(inputs: ModelInputs, settings: SolverSettings, name: str, base: PlanValues | None, counter: Any) -> RuleCost:
    """`relaxed_solve` of family `name` in this process, counted by `counter`."""
    counter.begin(name)
    counter.beat()
    cost = relaxed_solve(inputs, settings, name, base)
    counter.advance(name, said_status(cost.report))
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
        counter.advance(name, said_status(cost.report))

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


def _raw_low(report: SolveReport) -> float:
    """`proven_low` of a solve from its figures as the solver gave them, not rounded."""
    bound = report.best_bound_yuan
    return proven_low(report.objective_yuan, bound if bound is not None and math.isfinite(bound) else None,
                      report.gap)


def _shown_low(report: SolveReport) -> float:
    """`proven_low` of a solve from the figures the outputs give (`clean`, 9 significant digits)."""
    bound = report.best_bound_yuan
    return clean(proven_low(clean(report.objective_yuan), clean(bound) if bound is not None and math.isfinite(bound)
                            else None, report.gap))


def rule_cost_range(base: SolveReport, relaxed: SolveReport) -> tuple[float, float | None] | None:
    """Where a rule's cost, the base optimum less the optimum with the rule relaxed, lies as the two
    solves prove it (yuan): (low, high), high None where the relaxed solve proved no bound; None
    when either solve has no objective.

    Each optimum lies between its solve's proven low (`proven_low`, LB) and its objective (UB), so
    the cost lies in [LB_base - UB_relaxed, UB_base - LB_relaxed] (siting compare's proven range
    of the difference of the same two optima, with the sign of a cost). One more fact is proven:
    the relaxed rules admit every plan the base rules do, so the relaxed optimum is never above
    the base one and the cost is never below 0; the low end is taken no lower than 0. (Its other
    consequences narrow the range no further: the base plan, a plan of the relaxed rules too,
    bounds the relaxed optimum from above by UB_base, and the relaxed bound bounds the base
    optimum from below by LB_relaxed; taking UB_base for UB_relaxed where it is lower, or
    LB_relaxed for LB_base where it is higher, moves only a low end that is below 0 already.)

    An end no further from 0 than 1e-9 of the base objective is 0 (solver noise, as
    `rounded_difference`), and so is a high end below 0, which only the solver's tolerances can
    give; the others are rounded outward to 9 significant digits (`outward`). Each end is the wider
    of the one from the solver's figures as given and the one from the figures the outputs give
    (`clean`), so that the range holds both the proven range and the point cost of
    `rule_cost_table`, the difference of the objectives so rounded, except where that is below 0:
    a relaxed solve that ended on a plan dearer than the base plan, which it could have kept."""
    if base.objective_yuan is None or relaxed.objective_yuan is None:
        return None
    noise = 1e-9 * max(abs(clean(base.objective_yuan)), 1.0)
    low = min(_shown_low(base) - clean(relaxed.objective_yuan), _raw_low(base) - relaxed.objective_yuan)
    high = max(clean(base.objective_yuan) - _shown_low(relaxed), base.objective_yuan - _raw_low(relaxed))
    low = 0.0 if low <= noise else outward(low, up=False)
    high_end = None if not math.isfinite(high) else 0.0 if high <= noise else outward(high, up=True)
    return low, high_end


#: The words rule_costs.md and the terminal give `within_solver_tolerance` in: whether the two
#: solves prove that the rule costs anything (rule_costs.csv keeps "yes" and "no").
WITHIN_WORDS = {"yes": "yes: not proven, may be 0", "no": "no: proven above 0"}

#: The printed rule-cost table's columns (siting/cli.py `rule_costs_text`), by their names in the
#: files (rule_costs.md's), in the order printed, with the headers it gives them: the verdict first,
#: so that it is the last column a narrow terminal leaves out (rule 15 columns, the verdict's
#: words 25, the range 15 and the cost 14 with two spaces between: 75 columns; without the cost,
#: 59), then the range it is read from and the point cost. rule_costs.csv and .md keep the names.
PRINTED_HEADERS = {"rule": "rule", "within_solver_tolerance": "within solver tolerance",
                   "rule_cost_range_bn_yuan": "range (bn yuan)", "rule_cost_bn_yuan": "cost (bn yuan)",
                   "note": "note"}

#: What the sites a relaxed plan adds or drops are (rule_costs.md's note, the terminal's): those of
#: one plan among several of nearly the same cost, which the relaxed solve's gap does not tell apart.
SITES_CAVEAT = ("sites_added and sites_dropped are those of the one plan the relaxed solve ended on: other plans "
                "within that solve's gap (absolute_gap_bn_yuan) may cost nearly the same and build elsewhere, so "
                "another solve of the same relaxation (a compare run, another solver.rel_gap or time limit) may "
                "add or drop other sites. Read them as an example of what the rule holds back, not as its proven "
                "effect.")

#: What relaxing each family of models.RULE_COST_FAMILIES takes away (docs/FORMULATION.md, one
#: section each), which rule_costs.md says of the families it prices: a reader sees "market 147.66"
#: and must know that it is no policy the province sets.
RELAXED_WORDS = {
    "redline": "no red-line zone, buffer or lake setback keeps a product from a site",
    "proximity": "a product needing a raw material may stand at any distance from its sources",
    "differentiation": ("no limit on the clusters hosting a product, no least value share or lead-product share "
                        "per cluster and no least difference between the clusters' products"),
    "agglomeration": ("no limit on the sites opened per cluster, no least investment per opened site and no "
                      "site opening cost (nothing then makes a site open)"),
    "budget": "no cap on the capex decided in a year",
    "chain_balance": "no least share of an input made in the province",
    "market": ("no cap on the sales out of the province: every unit made sells at the scenario's price. The caps "
               "stand for what the market takes, which no decision of the province raises, so this cost is the "
               "revenue the plan forgoes for want of market (at fixed prices, the steady state after the plan's "
               "years included), not a cost that relaxing a rule of the plan could save"),
    "build_rate": "no limit on the modules or capex decided at one site in one year",
}

#: The note under rule_costs.md: what the range, the yes/no column, the absolute gap and the sites say.
RULE_COST_NOTE = ("rule_cost_bn_yuan is the base objective less the objective with the rule relaxed; each solve "
                  "proves its optimum only to its gap, so the rule's cost is proven only to lie in "
                  "rule_cost_range_bn_yuan (rule_cost_low_bn_yuan to rule_cost_high_bn_yuan in rule_costs.csv): "
                  "from the base solve's best bound less the relaxed objective to the base objective less the "
                  "relaxed solve's best bound, never below 0 (relaxing a rule never raises the optimum), rounded "
                  "outward. Where the range reaches 0, within_solver_tolerance says \"yes\": the solves have not "
                  "shown that the rule costs anything, and the point cost is not a proven cost. Set a smaller "
                  "solver.rel_gap (and solver.abs_gap_bn_yuan, where set) to narrow the ranges. sites_added names "
                  "the sites where the plan with the rule relaxed adds capacity and the base plan adds none, "
                  "sites_dropped those where the base plan adds capacity and the plan with the rule relaxed adds "
                  "none. Existing and committed plants stand in both plans: a site in either column may hold some "
                  "(it is open already), and a dropped site keeps them; only the capacity the base plan adds there "
                  "is not added. " + SITES_CAVEAT + " absolute_gap_bn_yuan is the relaxed solve's proven gap in bn "
                  "yuan (its objective less its best bound); where its net objective is near zero, its gap_percent "
                  "reads far larger than the plan's distance from the optimum, and the row's note says so.")


#: How a row's note begins the near-zero note of its relaxed solve (`rule_cost_table`).
NEAR_ZERO_MARK = "the relaxed solve's relative gap"


def rule_cost_table(base_report: SolveReport, base_plan: Plan, costs: list[RuleCost], names: Names | None = None
                    ) -> pd.DataFrame:
    """Per family: objective with the rule relaxed, the rule's cost (base minus relaxed) and the
    range in which the two solves prove it to lie (`rule_cost_range`), whether that cost is within
    solver tolerance (the range reaches 0: the gaps of the two solves do not tell it from 0), the
    sites where the plan without it adds capacity and the base plan adds none (`sites_added`) and
    the reverse (`sites_dropped`: the base plan adds capacity there, the relaxed plan none; the
    existing and committed plants, which stand in both plans, stay), and a note when a solve
    stopped before reaching its gap, or when the relaxed solve's relative gap is measured against a
    net objective near zero (siting/optimize/tolerance.py `near_zero_note`, with "the relaxed solve's"
    for "the": read `absolute_gap_yuan`, the relaxed solve's proven gap in yuan, instead).

    The sites added and dropped are those of the one plan the relaxed solve ended on, one of
    several of nearly the same cost: plans within that solve's gap (`absolute_gap_yuan`) may build
    elsewhere, and another solve of the same relaxation may end on one of them (SITES_CAVEAT,
    which rule_costs.md and the terminal give). They show what the rule may hold back, not what
    relaxing it proves to change.

    Money is in yuan (`objective_relaxed_yuan`, `rule_cost_yuan`, `rule_cost_low_yuan`,
    `rule_cost_high_yuan`, `absolute_gap_yuan`); the files made of this table (rule_costs.csv and
    .md, siting/deliver/tables.py `table_files`) give it in bn yuan (`objective_relaxed_bn_yuan`,
    `rule_cost_bn_yuan`, `rule_cost_low_bn_yuan`, `rule_cost_high_bn_yuan`,
    `absolute_gap_bn_yuan`). The money columns
    are rounded alike, to 9 significant digits as every solver figure of the outputs (`clean`, as
    the manifest's objective): the relaxed objective is rounded, and the rule cost is the
    difference of the base objective and the relaxed one so rounded (`rounded_difference`: 0
    below 1e-9 of the objective, which is solver noise, and itself to 9 significant digits, so
    that the float noise of the subtraction does not show). The base objective as the manifest
    gives it minus `objective_relaxed_yuan` is thus `rule_cost_yuan` to 9 significant digits.
    The range's ends are rounded outward (`rule_cost_range`); the high end is empty (None) where
    the relaxed solve proved no bound, and both are where it has no plan.

    `within_solver_tolerance` is "yes" exactly where `rule_cost_low_yuan` is 0, "no" where the
    range lies above 0, "" without a relaxed plan; rule_costs.md and the terminal say what it
    means (WITHIN_WORDS: "yes: not proven, may be 0").

    `status` is the solve report's ("optimal": proven within the gap asked for, "feasible (not
    proven optimal)") and the sites are ids, in the table and rule_costs.csv; rule_costs.md and
    the terminal give them in words (`in_words`, with `names`; each status as a solve says how it
    ended, `said_status`: "stopped at the time limit with a plan")."""
    base_sites = set(base_plan.opened_sites)
    rows = []
    for cost in costs:
        relaxed = cost.report.objective_yuan
        sites = set(cost.plan.opened_sites) if cost.plan is not None else set()
        proven = rule_cost_range(base_report, cost.report)
        low, high = proven if proven is not None else (None, None)
        absolute = absolute_gap_yuan(relaxed, cost.report.gap)
        near_zero = near_zero_note(relaxed, cost.report.gap, cost.plan.costs) if cost.plan is not None else ""
        rows.append({
            "rule": cost.family,
            "status": cost.report.status,
            "objective_relaxed_yuan": None if relaxed is None else clean(relaxed),
            "rule_cost_yuan": None if relaxed is None else rounded_difference(
                None if base_report.objective_yuan is None else clean(base_report.objective_yuan), clean(relaxed)),
            "rule_cost_low_yuan": low,
            "rule_cost_high_yuan": high,
            "gap": None if cost.report.gap is None else outward(cost.report.gap, up=True),
            "absolute_gap_yuan": None if absolute is None else outward(absolute, up=True),
            "within_solver_tolerance": "" if low is None else "yes" if low == 0 else "no",
            "sites_added": id_list(s for s in cost.plan.opened_sites if s not in base_sites) if cost.plan else "",
            "sites_dropped": id_list(s for s in base_plan.opened_sites if s not in sites) if cost.plan else "",
            "note": "; ".join(n for n in (
                gap_not_reached_text(base_report.status, base_report.gap, base_report.objective_yuan)
                .replace("the solve", "the base solve", 1),
                gap_not_reached_text(cost.report.status, cost.report.gap, relaxed)
                .replace("the solve", "the relaxed solve", 1),
                near_zero.replace("The relative gap", NEAR_ZERO_MARK, 1)) if n),
        })
    table = pd.DataFrame(rows, columns=["rule", "status", "objective_relaxed_yuan", "rule_cost_yuan",
                                        "rule_cost_low_yuan", "rule_cost_high_yuan", "gap", "absolute_gap_yuan",
                                        "within_solver_tolerance", "sites_added", "sites_dropped", "note"])
    return in_words(table, names, {cost.family: said_status(cost.report) for cost in costs})


#: A re-solve's status ("optimal": proven within the asked gap) in the words of the solve summary
#: (siting/config/progress.py OUTCOME_WORDS), for a row whose re-solve's own words the table lacks.
STATUS_WORDS = progress.OUTCOME_WORDS


def said_status(report: SolveReport) -> str:
    """How a re-solve ended, in the words a solve's report.md and manifest (`solver.status_text`)
    and the tables of compare and sweep give a run: siting/config/units.py `plain_status` of HiGHS's
    termination and whether a plan was found ("optimal within the gap", "stopped at the time limit
    with a plan", "stopped at the time limit without a plan"). The progress line of the rule costs
    says this of each re-solve done, rule_costs.md and the terminal of its row."""
    return plain_status(report.termination, report.has_solution)


def in_words(table: pd.DataFrame, names: Names | None = None, said: Mapping[str, str] | None = None
             ) -> pd.DataFrame:
    """The rule-cost `table` with the words its tables for people give (`attrs[SHOWN_AS]`,
    siting/deliver/tables.py `shown_values`): each row's status as its re-solve's words `said`
    (rule -> `said_status`: "stopped at the time limit with a plan"; None: those the table has
    already, as `rule_cost_table` made it; a row without them, "optimal" as the solve summary says
    it, "optimal within the gap", STATUS_WORDS), `within_solver_tolerance` as whether the rule's
    cost is proven (WITHIN_WORDS), and the sites added and dropped by their names (`names`; their
    ids without them; a table without those columns, as the terminal shows it, has none to name).
    The values, which rule_costs.csv holds ("feasible (not proven optimal)"), are not changed."""
    names = names or Names()
    if said is None:
        kept = (table.attrs.get(SHOWN_AS) or {}).get("status")
        said = kept.words if isinstance(kept, RowWords) else {}
    sites = {site for column in ("sites_added", "sites_dropped") if column in table for cell in table[column]
             for site in id_items(cell)}
    named = {site: names.site(site) for site in sorted(sites)}
    table.attrs[SHOWN_AS] = {"status": RowWords("rule", dict(said), dict(STATUS_WORDS)),
                             "within_solver_tolerance": dict(WITHIN_WORDS), "sites_added": named,
                             "sites_dropped": named}
    return table
