"""Why a plan is infeasible, in a planner's words: the smallest set of conflicting rules.

The rules of a built model are grouped into rule instances: one capacity target (group and
year), one cluster's open-site limit, the red line for one product in one cluster, and so on
(`RuleInstance`). An elastic copy of the model gives every row of every instance a nonnegative
slack (`ElasticModel`); the red line and proximity, which act through the model's index sets,
are restated as rows (`sum x[s,p,m,t] <= 0` for an excluded pair, the land left outside the
zone as a land row, no shipment along an arc beyond the limit) on a model built without them.

`explain_infeasibility` then finds an irreducible conflict by Chinneck's deletion filter:
1. the rules together: all instances hard (no slack), one solve. A plan means there is no
   conflict to explain (`Diagnosis.feasible`); proven infeasible, they hold one. Stopped by its
   time limit undecided, it proves nothing: the rules conflict only once a later solve proves
   it (a trial of step 2 proven infeasible, or the least change of step 3 with its bound above
   0; that one finds a plan when no rule needs slack), and until then the diagnosis says that
   it was not decided within the time limit, never that they cannot be met
   (`Diagnosis.conflict_proven`).
2. deletion filter: drop each instance in turn, in registry order (its rows off); if the rest
   is still infeasible it stays dropped, else it is part of the conflict. What is left is
   irreducible: dropping any one of its rules makes a plan possible. Each trial is one MIP
   feasibility solve of the hard rows (no objective to optimise), which HiGHS decides fast:
   0.06-0.4 s each on scenarios/yunnan_2024.yaml with a 30 km red-line buffer, strict targets
   and no chain balance (76 rules, 15 in the conflict: 15 s in all). Chinneck's elastic filter
   before it (minimise the weighted slack, make the rules that need some hard, repeat) is not
   used: on that instance its 12 weighted-slack MIPs took 216 s, 10 of them stopped at their
   20 s limit, for the same conflict. Nor is an LP screen of each trial: its relaxation decided
   none of the 76 trials there and took a third of their time (a MIP whose relaxation is
   infeasible is proven so at its root anyway).
   The conflict is irreducible among its own rules; whether the model has a plan without it is
   another question, solved next: the rules outside every conflict found, all hard. A plan means
   every conflict has been found; proven infeasible, another conflict remains among those rules,
   and the deletion filter finds it (up to MAX_CONFLICTS; past them the diagnosis says that
   another conflict remains). With a single conflict, that dropping any one of its rules makes a
   plan possible is claimed only when a solve proved it for each rule (all other rules hard; a
   trial of the filter with every other rule in it proves it already); otherwise the diagnosis
   says that dropping one resolves this conflict, and that another conflict remains when a solve
   proved it (`Diagnosis.plan_proven`, `each_drop_proven`, `more_conflicts`).
3. the least change: one elastic solve, the rules of every conflict found elastic and all other
   rules hard, says which of them give way at the least weighted cost (each row's slack over
   max(1, |rhs|)), and by how much. The plan it returns meets every rule once the changes it
   states are applied together, which proves them enough; without a plan no change is given.
   A rule's change sums its rows' slack within one model component (a cluster's sites) and
   takes the largest over components restating the same rule (the output-value target and its
   cover: each needs the whole shortfall); a target is never lowered by more than all of it;
   figures are rounded up to the precision shown. A change may make a plan possible that meets
   the soft targets poorly or builds nothing (the rules it leaves hard keep every module out): a
   last solve holds the least change's weighted slack and minimises the targets' shortfall, each
   relative to its goal (`ElasticModel.closest_plan`); where even that plan leaves a target short,
   the change says so, with the shortfalls and the settings of the rules it leaves as they are
   (`Diagnosis.change_outcome`).

The diagnosis stops at the lower of DIAGNOSIS_TOTAL_LIMIT_S and the run's time limit: the rules
not yet tried then stay in the set, which is not irreducible and says so (`Diagnosis.stopped`).

Each rule of the conflict is described with its figures (`Conflict.sentence`), with the
sites, clusters, red-line products and sources it involves, for the map, and the scenario
settings that state it (`Conflict.setting`): dotted keys of the scenario schema
(siting/config/schema.py), such as `constraints.redline.buffer_m`, each with the value the
scenario gives it when the diagnosis has the scenario (`key=value`, the value as `--set` reads
it). Given the run's `Names` (siting/config/units.py), the sentences name clusters, products,
target groups and resources in words ("FePO4 may be hosted in at most 1 cluster ...: Kunming
..."); the settings keep their ids, which is how the scenario file gives them.

Pre-solve checks in the same words (`presolve_findings`) run before the MIP: strict targets
that the capacity standing or committed by their year and the room the usable land, the red
line, proximity or the hosting limit leave cannot reach, and strict output-value targets that
the capacity producing in their year (lead times and the first year's ramp-up counted), the
ceilings or the raw-material supply cannot feed; with the build rate on, capacity targets above
what the sites may decide in the years whose modules count; and the strict targets of a year
together, which may each pass alone but not share the land, the ceilings, the sources and the
value shares (`_JointProgram`). Each compares the target with an
upper bound of what the model can reach, so a finding proves the MIP infeasible; finding
nothing proves nothing. A target they find out of reach is explained from it
(`explain_findings`): the deletion filter runs over that target alone, or with the rules the
checks bound it with (CHECKED_KINDS), rather than over every rule, a few solves instead of one
per rule (on scenarios/yunnan_2024.yaml with a strict output-value target of 30 bn yuan in 2022,
4 solves instead of 65, for the same explanation).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pyomo.core as pyo
from pydantic import BaseModel
from pyomo.core.expr.visitor import identify_variables

from models import MONEY_UNIT_YUAN, ModelInputs, build_model
from models.families.agglomeration import members_counted, pre_opened_sites
from models.families.chain_balance import chain_applies
from models.families.output_value import value_per_unit
from models.families.proximity import nearest_sources, too_far
from models.index import ceiling_reach, compute_index, group_ceilings
from siting.config import progress
from siting.config.errors import PlanInfeasible
from siting.config.highs import HIGHS_OUTPUT_LOCK, quiet_highs
from siting.config.schema import Scenario
from siting.config.units import Names, joined
from siting.optimize.solve import SolveReport, SolverSettings, around_run, new_solver, solve_model
from siting.prepare.checks import (
    build_rate_limited,
    countable_units,
    counting_years,
    lead_times_in_words,
    module_can_count,
    only_first_year,
    producing_units,
)

#: Longest a single solve of the diagnosis may take (seconds); the scenario's limit if lower.
DIAGNOSIS_SOLVE_LIMIT_S = 20.0

#: Longest the whole diagnosis may take (seconds), or the run's time limit (`time_limit_s` of
#: the solver settings: solver.time_limit_s or --time-limit) if lower: then the deletion filter
#: stops and keeps the rules not yet tried.
DIAGNOSIS_TOTAL_LIMIT_S = 300.0

#: Seconds the least change is sought for at least, also once the diagnosis's time is up, and
#: so is the plan closest to the targets under it (`ElasticModel.closest_plan`) and, where another
#: conflict remains, the named conflict's own least change (`_alone_change`) with the least change
#: sought again after it: a diagnosis may so end up to four times this much past its limit (plus
#: HiGHS's own overrun of a limit).
LEAST_CHANGE_MIN_S = 1.0

#: The shortest time limit a solve of the diagnosis is given (seconds; HiGHS needs one above 0).
MIN_SOLVE_S = 0.01

#: Seconds a step of the diagnosis runs before HiGHS's interrupt checks redraw its status line
#: during a solve (at most as often as the line itself allows), so that the line's clock moves
#: through a trial of up to DIAGNOSIS_SOLVE_LIMIT_S; a shorter step shows its line once.
STATUS_REFRESH_S = 1.0

#: Most conflicts the diagnosis looks for: past them, it says that another conflict remains.
MAX_CONFLICTS = 3
#: Seconds the search for a conflict overlapping the first may take at least, and its share of the
#: time the diagnosis had taken before it, which it may take at most beyond that (`_overlapping`):
#: as long again, so that it never more than doubles a diagnosis longer than 10 s.
OVERLAP_MIN_S = 10.0
OVERLAP_SHARE = 1.0

#: Slack below this (in the row's own unit, relative to max(1, |rhs|)) is solver noise.
SLACK_TOLERANCE = 1e-6

#: Model rows made elastic: component name -> rule kind. Rows that only define indicators
#: (host_link, open_link, differs_*, demo_only) and the supply balance stay hard.
ELASTIC_COMPONENTS: dict[str, str] = {
    "capacity_target": "capacity_target",
    "capacity_ceiling": "capacity_ceiling",
    "output_value_target": "output_value_target",
    "value_cover": "output_value_target",
    "land_limit": "land",
    "source_limit": "source_limit",
    "chain_balance": "chain_balance",
    "product_hosting_limit": "product_hosting_limit",
    "lead_share": "lead_share",
    "portfolio_difference": "portfolio_difference",
    "cluster_value_share": "cluster_value_share",
    "min_investment": "min_investment",
    "open_sites_limit": "open_sites_limit",
    "budget": "budget",
    "demo_size": "recycling_demo",
    "demo_count": "recycling_demo",
    "build_rate_modules": "build_rate_modules",
    "build_rate_capex": "build_rate_capex",
    "min_utilisation": "utilisation",
}

#: The rule family and the scenario setting of each rule kind (a dotted key of the scenario
#: schema; `Describer` names the rule's own settings, within this one where it can).
KIND_FAMILY: dict[str, tuple[str, str]] = {
    "capacity_target": ("targets", "targets.capacity"),
    "capacity_ceiling": ("targets", "targets.capacity_ceiling_factor"),
    "output_value_target": ("output_value", "targets.output_value_yuan"),
    "land": ("land", "layers.sites.usable_area_field"),
    "redline": ("redline", "constraints.redline.buffer_m"),
    "proximity": ("proximity", "constraints.proximity.max_distance_km"),
    "source_limit": ("supply", "layers.sources.supply_field"),
    "chain_balance": ("chain_balance", "constraints.chain_balance.min_local_share"),
    "product_hosting_limit": ("differentiation", "constraints.differentiation.max_clusters_per_product"),
    "lead_share": ("differentiation", "constraints.differentiation.lead_share_min"),
    "portfolio_difference": ("differentiation", "constraints.differentiation.min_portfolio_difference"),
    "cluster_value_share": ("differentiation", "constraints.differentiation.min_cluster_value_share"),
    "min_investment": ("agglomeration", "constraints.agglomeration.min_investment_per_site_yuan"),
    "open_sites_limit": ("agglomeration", "constraints.agglomeration.max_open_sites_per_cluster"),
    "budget": ("budget", "constraints.budget.capex_yuan_per_yr"),
    "recycling_demo": ("recycling_demo", "constraints.recycling_demo"),
    "build_rate_modules": ("build_rate", "constraints.build_rate.max_modules_per_site_per_yr"),
    "build_rate_capex": ("build_rate", "constraints.build_rate.max_capex_yuan_per_site_per_yr"),
    "utilisation": ("utilisation", "constraints.utilisation.min_share"),
}

#: Rule kinds whose rows are stated in million yuan (MONEY_UNIT_YUAN).
MONEY_KINDS = frozenset({"output_value_target", "lead_share", "cluster_value_share", "min_investment", "budget",
                         "build_rate_capex"})

HARD, ELASTIC, OFF = "hard", "elastic", "off"


class InfeasiblePlan(PlanInfeasible):
    """PlanInfeasible that carries its explanation: `diagnosis` (the conflicting rules) and
    `presolve` (what the checks before the MIP found), for the diagnosis folder."""

    def __init__(self, message: str, diagnosis: Diagnosis, presolve: Sequence[str] = ()):
        super().__init__(message)
        self.diagnosis = diagnosis
        self.presolve = tuple(presolve)


@dataclass(frozen=True, order=True)
class RuleInstance:
    """One rule as a planner names it: `kind` (see KIND_FAMILY) and its key, for example
    ("capacity_target", ("cells", 2024)) or ("open_sites_limit", ("Qujing",))."""

    kind: str
    key: tuple[Any, ...]

    @property
    def family(self) -> str:
        """The rule family (models.registry) the rule belongs to."""
        return KIND_FAMILY[self.kind][0]


@dataclass
class _Row:
    instance: RuleInstance
    lower: float | None
    upper: float | None
    weight: float
    source: str = ""
    """The model component the row restates (rows of two components that state one rule, such
    as the output-value target and its cover, each need the whole slack: it is not summed)."""


class ElasticModel:
    """The model of `inputs` with every rule row elastic (see the module docstring).

    `set_state(instance, state)` makes an instance hard (slack 0), elastic (slack penalised in
    the objective) or off (rows deactivated); `solve()` minimises the weighted slack of the
    elastic instances, returning the report and the slack per instance (in the row's unit).
    `on_check`, when set, is called at each of HiGHS's interrupt checks (MIP and simplex) while
    it solves: it must return quickly and never raise.
    """

    def __init__(self, inputs: ModelInputs, settings: SolverSettings):
        self.inputs = inputs
        self.settings = settings
        base = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {"redline", "proximity", "land"},
                                   capacity_ceiling_factor=0.0)
        self.model = model = build_model(base)
        self.base_index = model.index_data
        self.build_keys: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for s, p, mid, t in model.BUILD:
            self.build_keys[(s, p)].append((mid, t))
        model.total_cost.deactivate()
        rows: list[tuple[RuleInstance, Any, float | None, float | None]] = []
        sources: list[str] = []
        for name, kind in ELASTIC_COMPONENTS.items():
            component = getattr(model, name, None)
            if not isinstance(component, pyo.Constraint):
                continue
            for index, row in component.items():
                if not row.active:
                    continue
                instance = RuleInstance(kind, self._key(kind, index, row))
                rows.append((instance, row.body, _value(row.lower), _value(row.upper)))
                sources.append(name)
                row.deactivate()
        rows.extend(self._ceiling_rows())
        rows.extend(self._land_rows())
        rows.extend(self._redline_exclusion_rows())
        rows.extend(self._proximity_rows())
        self.rows: list[_Row] = []
        bodies = []
        for number, (instance, body, lower, upper) in enumerate(rows):
            rhs = lower if lower is not None else upper
            source = sources[number] if number < len(sources) else instance.kind
            self.rows.append(_Row(instance, lower, upper, 1.0 / max(1.0, abs(rhs or 0.0)), source))
            bodies.append(body)
        count = len(self.rows)
        model.ELASTIC_ROW = pyo.RangeSet(0, count - 1) if count else pyo.Set(initialize=[])
        model.slack_below = pyo.Var(model.ELASTIC_ROW, domain=pyo.NonNegativeReals)
        model.slack_above = pyo.Var(model.ELASTIC_ROW, domain=pyo.NonNegativeReals)

        def rule_row(_m: pyo.ConcreteModel, i: int) -> Any:
            spec = self.rows[i]
            body = bodies[i]
            if spec.lower is not None and spec.upper is not None:
                return pyo.inequality(spec.lower, body + model.slack_below[i] - model.slack_above[i], spec.upper)
            if spec.lower is not None:
                return body + model.slack_below[i] >= spec.lower
            return body - model.slack_above[i] <= spec.upper

        model.elastic_row = pyo.Constraint(model.ELASTIC_ROW, rule=rule_row)
        self.rows_of: dict[RuleInstance, list[int]] = defaultdict(list)
        for i, spec in enumerate(self.rows):
            self.rows_of[spec.instance].append(i)
            if spec.lower is None:
                model.slack_below[i].fix(0.0)
            if spec.upper is None:
                model.slack_above[i].fix(0.0)
        self.instances: tuple[RuleInstance, ...] = tuple(self.rows_of)
        self.state: dict[RuleInstance, str] = dict.fromkeys(self.instances, ELASTIC)
        model.elastic_weight = pyo.Param(model.ELASTIC_ROW, initialize={i: r.weight for i, r in enumerate(self.rows)},
                                         mutable=True)
        model.elastic_cost = pyo.Objective(
            expr=sum(model.elastic_weight[i] * (model.slack_below[i] + model.slack_above[i])
                     for i in model.ELASTIC_ROW),
            sense=pyo.minimize)
        self.solver = new_solver()
        self.mip_solves = 0
        self.mip_seconds = 0.0
        self.on_check: Callable[[], None] | None = None
        self.parts: dict[RuleInstance, dict[tuple[str, str], float]] = {}
        """Of the last solve with a plan: per instance that needs slack, the largest slack of one
        of its rows (row units) per model component and side ("below": the row's lower bound
        gives way, "above": its upper), for a change that names the setting it moves."""

    # -- the rows --------------------------------------------------------------------------

    def _key(self, kind: str, index: Any, row: Any) -> tuple[Any, ...]:
        cluster = self.inputs.cluster_of_site
        if kind == "capacity_target":
            return tuple(index)
        if kind in ("capacity_ceiling", "output_value_target", "product_hosting_limit", "lead_share",
                    "cluster_value_share", "open_sites_limit", "budget"):
            return (index,)
        if kind == "portfolio_difference":
            return tuple(index)
        if kind == "land":
            return (cluster[_site_of(row)],)
        if kind == "source_limit":
            return (self.inputs.resource_of_source[index[0]],)
        if kind == "chain_balance":
            return (index[0],)
        if kind == "min_investment":
            return (cluster[index],)
        if kind in ("build_rate_modules", "build_rate_capex"):
            return (cluster[index[0]], index[1])
        if kind == "utilisation":  # one rule per product: its rows over sites and years
            return (index[1],)
        return ()

    def _build_sum(self, site: str, product: str, land_weighted: bool = False) -> Any:
        m = self.model
        return sum((self.inputs.module(mid).land_ha if land_weighted else 1.0) * m.build[site, product, mid, t]
                   for mid, t in self.build_keys.get((site, product), ()))

    def _ceiling_rows(self) -> list[tuple[RuleInstance, Any, float | None, float | None]]:
        """The capacity ceiling per target group (built here, as rows only: the model's own
        ceiling also caps the module bounds, which no slack could relax)."""
        from models.index import group_ceilings
        from models.variables import group_capacity

        inputs, m = self.inputs, self.model
        if "targets" not in inputs.enabled_families:
            return []
        last = inputs.YEARS[-1]
        return [(RuleInstance("capacity_ceiling", (group,)),
                 group_capacity(m, self.base_index, inputs.TARGET_GROUPS[group], last), None, ceiling)
                for group, ceiling in group_ceilings(inputs).items()]

    def _land_rows(self) -> list[tuple[RuleInstance, Any, float | None, float | None]]:
        """Land as nested rows (as models.families.land states them): each site's usable land
        (rule `land`), and with the red line on, the land left outside each product's zone
        (rule `redline`). Built here because the model's own land rule also sets the module
        bounds, which no slack could relax."""
        inputs = self.inputs
        if "land" not in inputs.enabled_families:
            return []
        cluster = inputs.cluster_of_site
        redline_on = "redline" in inputs.enabled_families
        at_site: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for site, product in self.base_index.build_pairs:
            if redline_on and (site, product) in inputs.REDLINE_EXCLUDED:
                continue
            level = inputs.land_after_redline_ha.get((site, product), 0.0) if redline_on else inputs.site_land_ha[site]
            at_site[site].append((product, min(level, inputs.site_land_ha[site])))
        rows = []
        for site, entries in at_site.items():
            full = inputs.site_land_ha[site]
            body = sum(self._build_sum(site, q, land_weighted=True) for q, _land in entries)
            rows.append((RuleInstance("land", (cluster[site],)), body, None, full))
            done: set[float] = set()
            for product, level in entries:
                if level >= full - 1e-9 or level in done:
                    continue
                done.add(level)
                body = sum(self._build_sum(site, q, land_weighted=True) for q, land in entries if land <= level)
                rows.append((RuleInstance("redline", (cluster[site], product)), body, None, level))
        return rows

    def _redline_exclusion_rows(self) -> list[tuple[RuleInstance, Any, float | None, float | None]]:
        """No module of p where the red line excludes p (the site lies wholly inside p's zone)."""
        inputs = self.inputs
        if "redline" not in inputs.enabled_families:
            return []
        cluster = inputs.cluster_of_site
        return [(RuleInstance("redline", (cluster[site], product)), self._build_sum(site, product), None, 0.0)
                for site, product in self.base_index.build_pairs if (site, product) in inputs.REDLINE_EXCLUDED]

    def _proximity_rows(self) -> list[tuple[RuleInstance, Any, float | None, float | None]]:
        """No module of a product far from every source of a resource it needs; no shipment
        along an arc beyond the limit (except from the site's nearest source)."""
        inputs = self.inputs
        if "proximity" not in inputs.enabled_families:
            return []
        cluster = inputs.cluster_of_site
        pairs = set(self.base_index.build_pairs)
        rows = []
        for r, s, needing in too_far(inputs):
            for p in needing:
                if (s, p) in pairs:
                    rows.append((RuleInstance("proximity", (cluster[s], r)), self._build_sum(s, p), None, 0.0))
        kept = inputs.ARCS_WITHIN_LIMIT
        m = self.model
        for k, s, t in m.ARC:
            if (k, s) not in kept:
                rows.append((RuleInstance("proximity", (cluster[s], inputs.resource_of_source[k])), m.flow[k, s, t],
                             None, 0.0))
        return rows

    # -- states and solves -----------------------------------------------------------------

    def set_state(self, instance: RuleInstance, state: str) -> None:
        """Make `instance` hard, elastic or off (see the class docstring)."""
        m = self.model
        for i in self.rows_of[instance]:
            spec = self.rows[i]
            row = m.elastic_row[i]
            if state == OFF:
                row.deactivate()
            else:
                row.activate()
            for slack, side in ((m.slack_below[i], spec.lower), (m.slack_above[i], spec.upper)):
                if side is None or state != ELASTIC:
                    slack.fix(0.0)
                else:
                    slack.unfix()
        self.state[instance] = state

    def set_states(self, states: Mapping[RuleInstance, str]) -> None:
        """Set the state of every instance: those not named are switched off."""
        for instance in self.instances:
            wanted = states.get(instance, OFF)
            if self.state.get(instance) != wanted:
                self.set_state(instance, wanted)

    def _settings(self, limit_s: float | None) -> SolverSettings:
        """The solver settings with the time limit lowered to `limit_s` (s) when given, but to
        no less than MIN_SOLVE_S."""
        if limit_s is None or limit_s >= self.settings.time_limit_s:
            return self.settings
        return dataclasses.replace(self.settings, time_limit_s=max(limit_s, MIN_SOLVE_S))

    def solve(self, limit_s: float | None = None) -> tuple[SolveReport, dict[RuleInstance, float]]:
        """Minimise the weighted slack (within `limit_s` seconds, or the settings' limit); the
        slack of each instance that needs some (row units). With no instance elastic, this is
        whether the hard ones can hold together: a plan, or infeasible."""
        started = time.perf_counter()
        with self._checks():
            report = solve_model(self.model, self._settings(limit_s), self.solver)
        self.mip_solves += 1
        self.mip_seconds += time.perf_counter() - started
        slack: dict[RuleInstance, float] = {}
        self.parts = {}
        if report.has_solution:
            m = self.model
            summed: dict[tuple[RuleInstance, str], float] = defaultdict(float)
            for i, spec in enumerate(self.rows):
                if self.state[spec.instance] != ELASTIC:
                    continue
                amount = (m.slack_below[i].value or 0.0) + (m.slack_above[i].value or 0.0)
                if amount * spec.weight > SLACK_TOLERANCE:
                    summed[(spec.instance, spec.source)] += amount
                    for side, part in (("below", m.slack_below[i].value), ("above", m.slack_above[i].value)):
                        if (part or 0.0) * spec.weight > SLACK_TOLERANCE:
                            parts = self.parts.setdefault(spec.instance, {})
                            parts[(spec.source, side)] = max(parts.get((spec.source, side), 0.0), float(part or 0.0))
            # summed over the rows of one component (a cluster's sites), the largest over the
            # components that restate the rule (the output-value target and its cover)
            for (instance, _source), amount in summed.items():
                slack[instance] = max(slack.get(instance, 0.0), amount)
        return report, slack

    def closest_plan(self, bound: float, limit_s: float | None = None
                     ) -> tuple[SolveReport, int, dict[tuple[str, Any], float]] | None:
        """The plan closest to the targets under a change: the elastic instances' weighted slack
        held at `bound` (that of the least change, plus noise), every other state as set, the
        least shortfall of the soft targets, each relative to its goal. Returns the report, the
        modules the plan builds and the shortfalls above noise: ("capacity", (g, t)) in units/yr,
        ("value", t) in yuan/yr. None when no target may fall short (strict, or none given):
        there is nothing to say of a plan that must meet them. The model is left as it was."""
        m, inputs = self.model, self.inputs
        terms: list[tuple[tuple[str, Any], Any, float, float]] = []  # key, variable, goal, yuan a row unit
        for key in getattr(m, "CAP_TARGET", ()):
            var = m.capacity_shortfall[key]
            if not var.fixed:
                terms.append((("capacity", tuple(key)), var, float(inputs.capacity_target_units.get(tuple(key), 0.0)),
                              1.0))
        for year in getattr(m, "VALUE_TARGET", ()):
            var = m.value_shortfall[year]
            if not var.fixed:
                terms.append((("value", year), var, float(inputs.output_value_target_yuan.get(year, 0.0)),
                              float(MONEY_UNIT_YUAN)))
        if not terms:
            return None
        m.closest_bound = pyo.Constraint(expr=m.elastic_cost.expr <= bound * (1 + 1e-6) + SLACK_TOLERANCE)
        m.closest_cost = pyo.Objective(expr=sum(var * unit / max(1.0, goal) for _key, var, goal, unit in terms),
                                       sense=pyo.minimize)
        m.elastic_cost.deactivate()
        try:
            report = solve_model(m, self._settings(limit_s), new_solver())
            self.mip_solves += 1
            if not report.has_solution:
                return report, 0, {}
            built = sum(round(v.value or 0.0) for v in m.build.values())
            short = {key: float(var.value or 0.0) * unit for key, var, goal, unit in terms
                     if (var.value or 0.0) * unit > SLACK_TOLERANCE * max(1.0, goal)}
            return report, built, short
        finally:
            m.del_component(m.closest_cost)
            m.del_component(m.closest_bound)
            m.elastic_cost.activate()

    def _checks(self) -> contextlib.AbstractContextManager[None]:
        """While the block solves, `on_check` at HiGHS's interrupt checks (nothing without it),
        subscribed as the live progress of siting/optimize/solve.py subscribes its callback."""
        hook, opt = self.on_check, self.solver
        if hook is None or not hasattr(opt, "_solve"):
            return contextlib.nullcontext()

        def call(_event: Any) -> None:
            hook()

        def checks(highs: Any) -> list[Any]:
            return [c for c in (getattr(highs, name, None) for name in ("cbMipInterrupt", "cbSimplexInterrupt"))
                    if c is not None]

        def subscribe(highs: Any) -> None:
            for check in checks(highs):
                check.subscribe(call)

        def unsubscribe(highs: Any) -> None:
            for check in checks(highs):
                check.unsubscribe(call)

        return around_run(opt, subscribe, unsubscribe)


def _value(bound: Any) -> float | None:
    return None if bound is None else float(pyo.value(bound))


def _site_of(row: Any) -> str:
    for var in identify_variables(row.body, include_fixed=False):
        index = var.index()
        if isinstance(index, tuple) and index:
            return str(index[0])
    raise ValueError(f"row {row.name} holds no site variable")


# -- the conflict ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """One rule of an irreducible conflict, in words and with what it touches on the map.

    sentence: the rule with its figures; setting: the scenario settings that state it, dotted keys
    of the scenario schema joined by "; ", each as `key=value` with the value the scenario gives
    it where the diagnosis had the scenario (`setting_text`); sites, clusters: the candidate
    sites and clusters involved; redline_products: products whose red-line zone is involved;
    sources: raw-material sources involved; relax_by: the change of this rule in the least
    change that makes a plan possible (0 if it need not change), in the rule's unit; unit: that
    unit; change: that change in words; prospective: for a proximity rule, the sources left out
    of the plan (prospective, spatial.include_prospective_sources false) that lie within the
    limit of the rule's sites, which including them would bring within reach, in words ("East
    phosphate lies within 50 km of 2 East sites"; "" when there is none).
    """

    instance: RuleInstance
    sentence: str
    setting: str
    sites: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    redline_products: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    relax_by: float = 0.0
    unit: str = ""
    change: str = ""
    """How much this rule must give in the least change, in words (`relax_text`); "" to make it
    from the rule's ids."""
    prospective: str = ""
    group: int = 1
    """The number of the conflict the rule belongs to (1, 2, ...: `Diagnosis.conflict_groups`)."""
    alternative: str = ""
    """Another change that makes the rule attainable, in words, which the least change names
    after its own ("start the plan in 2023 or earlier ..."); "" when there is none."""
    relax_to: float | None = None
    """What a target or a capacity ceiling becomes under the change, in `unit`: the target less
    `relax_by` as the change states it (`_lowered_to`), the ceiling more (`_raised_to`), so that
    the two figures add up; None for other rules and where the rule need not change."""


@dataclass(frozen=True)
class Diagnosis:
    """The explanation of an infeasible plan.

    conflicts: the rules of the irreducible conflict, in registry order; irreducible: False
    when a solve of the diagnosis ran out of time or the diagnosis reached its time limit, so
    that the set may hold more than needed; feasible: True when the elastic model needs no slack
    (the plan is feasible after all); solves: the number of solves it took; stopped: when the
    diagnosis reached its time limit before trying every rule, that said in words, with how to
    get a finer one ("" otherwise); least_proven: False when the search for the least change
    stopped before proving it the least (within the gap asked), so that `relax_by` is a change
    that makes a plan possible, not proven the least; conflict_proven: False when no solve of the
    diagnosis proved the rules infeasible (the solve of all of them at once stopped at its time
    limit without a plan or a proof that none exists, and no later solve decided it): the
    conflicts are then every rule, in play but not proven to conflict, and no text claims they
    cannot be met.
    """

    conflicts: tuple[Conflict, ...]
    irreducible: bool
    feasible: bool = False
    solves: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    stopped: str = ""
    least_proven: bool = True
    conflict_proven: bool = True
    plan_proven: bool = True
    """A solve found a plan with the rules of every conflict found dropped (the other rules hard)."""
    each_drop_proven: bool = True
    """Of a single conflict: a solve found a plan with each of its rules dropped alone."""
    more_conflicts: bool = False
    """A solve proved that no plan exists with every conflict found dropped: another remains."""
    change_excess: str = ""
    """When another conflict remains, not named, and the conflicts named alone (the other rules
    set aside) need less than the change: what is enough for them, and that the rest resolves the
    other conflict; "" otherwise."""
    change_outcome: str = ""
    """What the plan closest to the targets under the change leaves undone, in words, when it
    leaves a target short (it builds nothing, or too little: `Describer.outcome`); "" otherwise."""

    @property
    def conflict_groups(self) -> int:
        """How many separate conflicts the rules form (`Conflict.group`)."""
        return len({c.group for c in self.conflicts})

    def numbered(self) -> list[tuple[int, Conflict]]:
        """The rules of `conflicts` in their order, each with its number: a rule that several
        conflicts hold (`shared_with`) keeps the number it first had wherever it is listed, so
        that the numbers run 1 to the count of distinct rules, as the headline counts them."""
        numbers: dict[RuleInstance, int] = {}
        out = []
        for conflict in self.conflicts:
            number = numbers.setdefault(conflict.instance, len(numbers) + 1)
            out.append((number, conflict))
        return out

    def shared_with(self, conflict: Conflict) -> list[int]:
        """The other conflicts (their `Conflict.group` numbers, ascending) that hold the same rule
        as `conflict`: overlapping conflicts may share a rule, which is then listed in each."""
        return sorted({c.group for c in self.conflicts if c.instance == conflict.instance} - {conflict.group})

    def shared_text(self, conflict: Conflict) -> str:
        """The words ' (shared with conflict 1)' for a rule that other conflicts hold too
        (`shared_with`: 'conflicts 1 and 3' for two), '' for a rule of one conflict."""
        others = self.shared_with(conflict)
        if not others:
            return ""
        numbers = ", ".join(map(str, others[:-1])) + " and " + str(others[-1]) if len(others) > 1 else str(others[0])
        return f" (shared with conflict{'s' if len(others) > 1 else ''} {numbers})"

    def _drop_claim(self) -> str:
        """What dropping a rule does, as far as the solves proved it (`headline`)."""
        one = len(self.conflicts) == 1
        if self.conflict_groups > 1:
            claim = "dropping any one rule of a conflict resolves that conflict"
            if self.more_conflicts:
                return claim + "; another conflict remains"
            return claim + ("; a plan needs every conflict resolved" if self.plan_proven else
                            "; a plan is not proven possible then")
        if self.plan_proven and self.each_drop_proven and not self.more_conflicts:
            return "dropping it makes a plan possible" if one else "dropping any one of them makes a plan possible"
        claim = "dropping it resolves this conflict" if one else "dropping any one of them resolves this conflict"
        if self.more_conflicts:
            return claim + "; another conflict remains"
        return claim + " (a plan is not proven possible then)"

    def headline(self) -> str:
        """The first sentence of the explanation, without its closing mark: how many rules
        conflict (`conflict_headline`), that every rule can be met when the elastic model needs
        no slack, or that no rule the diagnosis relaxes is to blame when the conflict is empty.
        That dropping a rule makes a plan possible is said only when the set is irreducible
        (proven); otherwise it says why it is not. When no solve proved the rules infeasible
        (`conflict_proven` false), that whether they can be met was not decided within the time
        limit (`undecided_headline`). It never counts "0 rules"; a rule that several conflicts hold
        counts once, as `numbered` numbers it."""
        if self.feasible:
            return "every rule can be met: the elastic model needs no slack"
        distinct = len({c.instance for c in self.conflicts})  # a rule several conflicts hold counts once
        if not self.conflict_proven:
            return undecided_headline(distinct)
        if not self.conflicts:
            return NO_RULE_TO_BLAME + ("" if self.irreducible else ", or a solve of the diagnosis ran out of time")
        one = distinct == 1
        if self.irreducible:
            groups = self.conflict_groups
            if groups > 1:
                separate = "separate " if distinct == len(self.conflicts) else ""
                return f"{groups} {separate}conflicts, {_count(distinct, 'rule')} in all; " + self._drop_claim()
            return conflict_headline(distinct) + "; " + self._drop_claim()
        why = "the diagnosis stopped at its time limit" if self.stopped else "a solve ran out of time"
        unproven = "a plan is not proven possible without it" if one else "the set may hold more rules than needed"
        return conflict_headline(distinct) + f" ({why}: {unproven})"

    def lines(self) -> list[str]:
        """The explanation as lines of text: the rules (by conflict, a rule that several hold
        marked in each as shared: `shared_text`), the least change (`change_heading`),
        including the prospective sources as another way out where that would bring a source
        within reach (`prospective_change`), then why the diagnosis stopped at its time limit
        (`stopped`) when it did."""
        if self.feasible or not self.conflicts:
            return [self.headline()] + ([self.stopped] if self.stopped else [])
        out = [self.headline() + ":"]
        if self.conflict_groups > 1:
            for number in sorted({c.group for c in self.conflicts}):
                rules = [c for c in self.conflicts if c.group == number]
                out.append(f"  conflict {number}: {conflict_headline(len(rules))}:")
                out += [f"    - {c.sentence} [{c.setting}]{self.shared_text(c)}" for c in rules]
        else:
            out += [f"  - {c.sentence} [{c.setting}]" for c in self.conflicts]
        changes = self.changes()
        if changes:
            out.append(self.change_heading() + ": " + "; ".join(relax_text(c) for c in changes))
            if self.change_excess:
                out.append(self.change_excess)
            if self.change_outcome:
                out.append(self.change_outcome)
        prospective = self.prospective_change()
        if prospective:
            out.append(prospective)
        if self.stopped:
            out.append(self.stopped)
        out += list(self.notes)
        return out

    def changes(self) -> list[Conflict]:
        """The rules with `relax_by` above 0, each once (a rule may belong to two conflicts)."""
        seen: set[RuleInstance] = set()
        out = []
        for c in self.conflicts:
            if c.relax_by > 0 and c.instance not in seen:
                seen.add(c.instance)
                out.append(c)
        return out

    def change_heading(self) -> str:
        """What the change of the rules with `relax_by` above 0 is, in words: the least change
        that makes a plan possible; one not proven the least when its search stopped early; one
        under which a plan exists, not proven needed, when the conflict is not proven."""
        if not self.conflict_proven:
            return "a change under which a plan exists (the diagnosis proved no conflict, so it may not be needed)"
        if self.least_proven:
            return "the least change that makes a plan possible"
        return "a change that makes a plan possible (its search stopped before proving it the least)"

    def prospective_change(self) -> str:
        """Another way out where a proximity rule of the conflict keeps products from sites that
        a prospective source left out of the plan lies within reach of: including those sources,
        with the setting to change and each source named (`Conflict.prospective`): "another
        change that may make a plan possible: include the prospective sources
        (spatial.include_prospective_sources=true): East phosphate lies within 50 km of 2 East
        sites". It may: the source relaxes the rule at those sites, but no solve has tried it.
        "" when no rule has such a source."""
        reached = [c.prospective for c in self.conflicts if c.prospective]
        if not reached:
            return ""
        return ("another change that may make a plan possible: include the prospective sources "
                f"({PROSPECTIVE_SETTING}=true): " + joined(reached))


#: What hosting a product means for the hosting limit (models/families/differentiation.py).
HOSTED = "adding capacity or with committed plants"


#: Where the capacity ceiling cuts a cluster's room in the hosting rule (`Describer._hosting_room`).
CEILING_CUT = "within the capacity ceiling"


#: What the diagnosis says when its conflict holds no rule.
NO_RULE_TO_BLAME = ("no rule that the diagnosis relaxes (targets, land, red line, proximity, supply, chain balance, "
                    "differentiation, agglomeration, budget, demonstrations, build rate) is to blame: the model's "
                    "linking rows (production needs raw material and capacity) cannot be met")


#: The setting that includes prospective sources in the plan (siting/config/schema.py).
PROSPECTIVE_SETTING = "spatial.include_prospective_sources"


def undecided_headline(count: int) -> str:
    """The headline of a diagnosis whose solves proved no conflict (`Diagnosis.conflict_proven`
    false): the `count` rules in play, and that whether they can be met together was not decided
    within the time limit. It never says they cannot be met."""
    if count == 0:
        return ("whether the model's linking rows (production needs raw material and capacity) can be met was not "
                "decided within the time limit: no solve of the diagnosis found a plan or proved that none exists")
    which = "the rule below can be met" if count == 1 else f"the {count} rules below can be met together"
    return (f"whether {which} was not decided within the time limit: no solve of the diagnosis found a plan with "
            f"{'it' if count == 1 else 'all of them'} or proved that none exists")


def conflict_headline(count: int) -> str:
    """How many rules conflict, in words. A single rule conflicts with what the diagnosis never
    relaxes: the capacity standing or committed and the rows linking production, capacity and
    raw material. No rule (`count` 0) is said as NO_RULE_TO_BLAME, never as "0 rules"."""
    if count == 0:
        return NO_RULE_TO_BLAME
    if count == 1:
        return ("1 rule cannot be met even alone, given the capacity standing or committed and the rows linking "
                "production, capacity and raw material")
    return f"{count} rules cannot be met together"


@dataclass(frozen=True)
class Words:
    """How the diagnosis names what the model gives by id: by the run's `names` (clusters and
    sources by their layers' names, products and target groups in words, resources with spaces
    for underscores), or by the ids where there are none (plain-data callers)."""

    names: Names | None = None

    def cluster(self, cluster: object) -> str:
        """A cluster: "kunming" -> "Kunming"."""
        return self.names.cluster(cluster) if self.names is not None else str(cluster)

    def site(self, site: object) -> str:
        """A site by its map name: "yuxi_longquan" -> "Yuxi high-tech zone"."""
        return self.names.site(site) if self.names is not None else str(site)

    def product(self, product: object) -> str:
        """A product or a target group: "fepo4" -> "FePO4", "cathode" -> "Cathode"."""
        return self.names.product(product) if self.names is not None else str(product)

    def products(self, products: Sequence[object]) -> str:
        """Products joined by ", "."""
        return ", ".join(self.product(p) for p in products)

    def clusters(self, clusters: Sequence[object]) -> str:
        """Clusters joined by ", "."""
        return ", ".join(self.cluster(c) for c in clusters)

    def resource(self, resource: object) -> str:
        """A raw-material resource: "petroleum_coke" -> "petroleum coke"."""
        return str(resource).replace("_", " ") if self.names is not None else str(resource)

    def source(self, source: object) -> str:
        """A raw-material source by its name in the sources layer: "rock_e" -> "East phosphate"."""
        return self.names.source(source) if self.names is not None else str(source)


def relax_text(conflict: Conflict, words: Words | None = None) -> str:
    """How much the rule must give in the least change, in words: the conflict's own `change`
    where it has one, else made here, naming clusters, products and resources by `words` (by
    their ids without them)."""
    if conflict.change and words is None:
        return conflict.change
    w = words or Words()
    i = conflict.instance
    amount = _amount(_shown_up(conflict.relax_by, conflict.unit), conflict.unit)
    # a target or a ceiling says what it becomes: "by 87 GWh/yr, to 413 GWh/yr"
    to = "" if conflict.relax_to is None else f", to {_amount_to(conflict.relax_to, conflict.relax_by, conflict.unit)}"
    key = i.key
    texts: dict[str, Callable[[], str]] = {
        "capacity_target": lambda: f"lower the {w.product(key[0])} target for {key[1]} by {amount}{to}",
        "capacity_ceiling": lambda: f"raise the {w.product(key[0])} capacity ceiling by {amount}{to}",
        "output_value_target": lambda: f"lower the output value target for {key[0]} by {amount}{to}",
        "land": lambda: f"find {amount} more usable land in {w.cluster(key[0])}",
        "redline": lambda: f"let {w.product(key[1])} into red-line land in {w.cluster(key[0])}",
        "proximity": lambda: (f"let products needing {w.resource(key[1])} into {w.cluster(key[0])} sites beyond the "
                              "distance limit"),
        "source_limit": lambda: f"raise the supply of {w.resource(key[0])} by {amount}",
        "chain_balance": lambda: f"lower the local share of {w.product(key[0])} by {amount} of production",
        "product_hosting_limit": lambda: (f"let {w.product(key[0])} into "
                                          f"{_count(round(conflict.relax_by), 'more cluster')}"),
        "lead_share": lambda: (f"let the lead products of {w.cluster(key[0])} fall short of their share by {amount} "
                               "a year"),
        "portfolio_difference": lambda: (f"let {w.cluster(key[0])} and {w.cluster(key[1])} differ in "
                                         f"{_count(round(conflict.relax_by), 'product')} fewer"),
        "cluster_value_share": lambda: f"let {w.cluster(key[0])} fall short of its value share by {amount} a year",
        "min_investment": lambda: f"lower the minimum investment of sites in {w.cluster(key[0])} by {amount} in all",
        "open_sites_limit": lambda: f"let {w.cluster(key[0])} open {_count(round(conflict.relax_by), 'more site')}",
        "budget": lambda: f"raise the {key[0]} budget by {amount}",
        "recycling_demo": lambda: "relax the recycling demonstration rule",
        "build_rate_modules": lambda: (f"let the sites of {w.cluster(key[0])} decide "
                                       f"{_count(math.ceil(conflict.relax_by - 1e-6), 'more module')} in {key[1]}"),
        "build_rate_capex": lambda: f"let the sites of {w.cluster(key[0])} decide {amount} more capex in {key[1]}",
        "utilisation": lambda: (f"let {w.product(key[0])} make {amount} less than its least utilisation asks, over "
                                "its sites and years"),
    }
    return texts[i.kind]() + (f", or {conflict.alternative}" if conflict.alternative else "")


def _shown_step(value: float, unit: str) -> float:
    """The precision `_amount` shows a positive `value` at: 0.01 bn yuan, a whole unit, or 3
    significant figures."""
    if unit == "yuan":
        return 1e7 if value >= 1e7 else 1.0
    if value >= 100:
        return 1.0
    return 10.0 ** (math.floor(math.log10(value)) - 2)


def _shown_up(value: float, unit: str) -> float:
    """`value` rounded up to the precision `_amount` shows it at (`_shown_step`), so that a
    change stated is never less than the one a solve found."""
    if value <= 0:
        return value
    step = _shown_step(value, unit)
    steps = value / step
    return math.ceil(steps - 1e-6) * step  # solver noise below a millionth of a step does not round up


def _lowered_to(whole: float, by: float, unit: str) -> float:
    """What a target of `whole` becomes when lowered by `by` (both in `unit`): `whole` less `by`
    as `_amount` shows it (`_shown_up`), rounded down to the precision of that figure or of the
    target as given (`_given_step`: 0.5 for 450.5), the finer, so that the two figures stated add
    up to the target as `_target_amount` shows it (450.5 less 27.5 is 423) and the target stated
    is never more than the change allows; never below 0. An amount of yuan keeps the decimals in
    bn yuan it is given with (`_given_yuan_step`: 0.001 bn yuan for 123.456 bn yuan, which less
    23.46 is 99.996)."""
    if by <= 0:
        return whole
    given = _given_yuan_step(whole) if unit == "yuan" else _given_step(whole)
    step = min(_shown_step(by, unit), given)
    return max(math.floor((whole - _shown_up(by, unit)) / step + 1e-6) * step, 0.0)


def _raised_to(whole: float, by: float, unit: str) -> float:
    """What a capacity ceiling of `whole` becomes when raised by `by` (both in `unit`): `whole`
    plus `by` as `_amount` shows it (`_shown_up`), rounded up to the precision of that figure or
    of the ceiling (`_given_step`), the finer, so that the two figures stated add up to the
    ceiling and the ceiling stated is never less than the change asks (60 raised by 5.33 is
    65.33)."""
    if by <= 0:
        return whole
    step = min(_shown_step(by, unit), _given_step(whole))
    return math.ceil((whole + _shown_up(by, unit)) / step - 1e-6) * step


def _given_step(value: float) -> float:
    """The precision a figure is given at: 1 for a whole number, else 10**-d for its d decimals
    (at most 6, as `_target_amount` shows them): 0.1 for 450.5, 0.01 for 30.25."""
    text = f"{abs(value):.6f}".rstrip("0")
    return 10.0 ** -len(text.split(".")[1]) if not text.endswith(".") else 1.0


def _given_yuan_step(value: float) -> float:
    """The precision an amount of yuan is given at, as `_target_amount` shows it: 0.01 bn yuan
    (1e7 yuan) for a figure of whole hundredths of a bn yuan (100 bn, 30.25 bn), else its last
    decimal in bn yuan down to whole yuan (1e6 yuan for 123.456 bn yuan); 1 yuan below 0.01 bn
    yuan, which `_amount` shows in whole yuan."""
    if abs(value) < 1e7:
        return 1.0
    return 10.0 ** (9 - max(2, len(f"{abs(value) / 1e9:.9f}".rstrip("0").split(".")[1])))


def _bn_yuan(value: float) -> str:
    """An amount of yuan in bn yuan, to the hundredth and past it as far as its digits go, down to
    whole yuan, without trailing zeros past the hundredth: "100.00 bn yuan", "123.456 bn yuan"."""
    whole, _dot, decimals = f"{value / 1e9:,.9f}".partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')} bn yuan"


def _amount_to(value: float, by: float, unit: str) -> str:
    """A target lowered to `value` (`_lowered_to`), or a ceiling raised to it (`_raised_to`), in
    words, in the terms its change `by` is
    shown in, so that the two figures add up to the target as read: a whole number as `_amount`
    gives it, else at the precision of the change or of its own decimals (a target given with
    decimals keeps them: `_target_amount`), the finer, and without trailing zeros ("413 GWh/yr"
    beside "by 87 GWh/yr", "29.876 t/yr" beside "by 0.124 t/yr", "29.5 t/yr" beside "by 0.5 t/yr",
    "19.95 t/yr" for 30.25 beside "by 10.3 t/yr"); an amount of yuan in bn yuan where the change
    is (0.01 bn yuan or more), with the decimals of the target it is lowered from (`_bn_yuan`:
    "99.996 bn yuan" for 123.456 beside "by 23.46 bn yuan"), else in whole yuan ("99,995,000,000
    yuan" beside "by 5,000,000 yuan", not "100.00 bn yuan"); nothing, "0 yuan"."""
    if unit == "yuan":
        return _bn_yuan(value) if by >= 1e7 and value > 0 else f"{value:,.0f} yuan"
    if by <= 0 or abs(value - round(value)) < 1e-9:
        return _amount(value, unit)
    step = min(_shown_step(by, unit), _given_step(value))
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{f'{value:,.{decimals}f}'.rstrip('0').rstrip('.')} {unit}".strip()


def _target_amount(value: float, unit: str) -> str:
    """A target as the scenario gives it, in words: a whole number as `_amount` gives it ("450
    GWh/yr"), else with its decimals and without trailing zeros ("450.5 GWh/yr", not "450
    GWh/yr"; "12.345 t/yr", not "12.3 t/yr"), as `_amount_to` gives the figure a target is
    lowered to, so that the change and that figure add up to the target as read. Decimals past
    the sixth (float noise) are not shown. An amount of yuan of 0.01 bn yuan or more is in bn
    yuan with its decimals past the hundredth (`_bn_yuan`: "100.00 bn yuan", "123.456 bn yuan",
    not "123.46 bn yuan"), a smaller one in whole yuan."""
    if unit == "yuan":
        return _bn_yuan(value) if abs(value) >= 1e7 else _amount(value, unit)
    if abs(value - round(value)) < 1e-9:
        return _amount(value, unit)
    return f"{f'{value:,.6f}'.rstrip('0').rstrip('.')} {unit}".strip()


def _needed_amount(target: float, standing: float, unit: str) -> str:
    """What a target of `target` needs added to the capacity `standing` (both in `unit`), in
    words: with a target given with decimals and a whole standing capacity, with the target's
    decimals (`_target_amount`: "417.5 GWh/yr" for 450.5 less 33, not "418 GWh/yr"), else as
    `_amount` gives it; never below 0."""
    needed = max(target - standing, 0.0)
    if needed > 0 and abs(standing - round(standing)) < 1e-9:
        return _target_amount(needed, unit)
    return _amount(needed, unit)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _amount(value: float, unit: str) -> str:
    if unit == "yuan":
        return f"{value / 1e9:,.2f} bn yuan" if abs(value) >= 1e7 else f"{value:,.0f} yuan"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f} {unit}".strip()
    return f"{value:,.3g} {unit}".strip()


def setting_text(keys: Sequence[Sequence[Any]], scenario: Scenario | None = None) -> str:
    """The scenario settings `keys` (each a key path of the scenario schema, e.g. ("constraints",
    "redline", "buffer_m")) as a conflict cites them: dotted keys joined by "; ", each as
    `key=value` with the value `scenario` gives it (in YAML flow style, as `--set` reads it), or
    the key alone without the scenario or where the scenario has no such entry."""
    texts = []
    for key in keys:
        dotted = ".".join(str(part) for part in key)
        found, value = _setting_value(scenario, key) if scenario is not None else (False, None)
        texts.append(f"{dotted}={_flow_text(value)}" if found else dotted)
    return "; ".join(texts)


def _setting_value(scenario: BaseModel, key: Sequence[Any]) -> tuple[bool, Any]:
    """(True, value) of the setting at `key` in `scenario`: a field of each settings block, a
    key of each mapping (compared as text: a year is 2024 in both); (False, None) where absent."""
    here: Any = scenario
    for part in key:
        if isinstance(here, BaseModel) and str(part) in type(here).model_fields:
            here = getattr(here, str(part))
        elif isinstance(here, Mapping):
            found = [value for name, value in here.items() if str(name) == str(part)]
            if not found:
                return False, None
            here = found[0]
        else:
            return False, None
    return True, here


def _flow_text(value: Any) -> str:
    """A setting's value in YAML flow style: 1000 (a whole number without ".0"), 0.8, [lake],
    {lake: 5000}, true, null."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_flow_text(k)}: {_flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow_text(v) for v in value) + "]"
    if isinstance(value, PurePath):
        return value.as_posix()
    return str(value)


def explain_infeasibility(inputs: ModelInputs, settings: SolverSettings, units: Mapping[str, str] | None = None,
                          solve_limit_s: float = DIAGNOSIS_SOLVE_LIMIT_S,
                          total_limit_s: float = DIAGNOSIS_TOTAL_LIMIT_S, names: Names | None = None,
                          scenario: Scenario | None = None) -> Diagnosis:
    """The smallest set of conflicting rules of infeasible `inputs`, in a planner's words.

    `units` maps a product to its unit (t, GWh, ...) for the sentences; `names`, the run's names
    of clusters, sites, products and sources (their ids without them); `scenario`, the
    validated scenario `inputs` come from: each rule cites its settings with the values it gives
    them (and a red-line rule its product's setbacks where it sets them); without it, the keys
    alone (`setting_text`). Each solve is limited to `solve_limit_s` seconds (or the scenario's
    limit if lower); a solve that ends undecided keeps its rule in the set and marks the
    diagnosis not irreducible, and an undecided first solve proves no conflict
    (`Diagnosis.conflict_proven`; the module docstring, step 1). The whole diagnosis is limited
    to the lower of `total_limit_s` and the run's limit (`settings.time_limit_s`), with
    LEAST_CHANGE_MIN_S more for the least change: when the limit stops the deletion filter, the
    rules not yet tried stay in the set, and the diagnosis is not irreducible and says why
    (`Diagnosis.stopped`).

    While it works, a status line (siting/config/progress.py `status`) says which step it is on,
    how many rules it has tried out of how many, how many it has kept and the seconds elapsed;
    HiGHS's interrupt checks redraw it during a solve once its step has run STATUS_REFRESH_S.
    """
    diagnosis = _diagnose(inputs, settings, units, solve_limit_s, total_limit_s, names, scenario)
    assert diagnosis is not None  # only a diagnosis from given starts may give none
    return diagnosis


#: The rule kinds that the pre-solve checks (`presolve_findings`) bound a target with: the room
#: of the land, the red line, proximity and the hosting limit, the ceilings, the sources'
#: supply and the build rate. A target the checks find out of reach conflicts with them alone.
CHECKED_KINDS = frozenset({"land", "redline", "proximity", "product_hosting_limit", "capacity_ceiling",
                           "source_limit", "build_rate_modules", "build_rate_capex"})


#: The rule kinds the joint check before solving (`_JointProgram`) bounds the targets with, beyond
#: CHECKED_KINDS: the value shares of the clusters and of their lead products. The diagnosis of a
#: joint finding tries them last, as a third start (`_starts`).
JOINT_KINDS = frozenset({"lead_share", "cluster_value_share"})


def explain_findings(inputs: ModelInputs, settings: SolverSettings, targets: Sequence[RuleInstance],
                     units: Mapping[str, str] | None = None, solve_limit_s: float = DIAGNOSIS_SOLVE_LIMIT_S,
                     total_limit_s: float = DIAGNOSIS_TOTAL_LIMIT_S, names: Names | None = None,
                     scenario: Scenario | None = None) -> Diagnosis | None:
    """The diagnosis of `explain_infeasibility` for `inputs` whose pre-solve checks found the
    strict `targets` out of reach (`presolve_checks`), in a few solves rather than one per rule
    of the model: the deletion filter (step 2) runs over the targets alone, every other rule
    off, when those alone are proven infeasible (a target that what stands, the lead times and
    the rows linking production, capacity and raw material already keep out of reach), else over
    the targets and the rules of CHECKED_KINDS when those are. A conflict found among them is
    irreducible as the full filter's is; the steps after it are the same (whether a plan exists
    without it, the least change, whether dropping each rule alone leaves a plan), so the
    diagnosis claims what its solves prove, as `explain_infeasibility`'s does.

    None when neither set is proven infeasible (a solve stopped undecided, or a check found what
    the model does not bear out): only `explain_infeasibility` can then say."""
    return _diagnose(inputs, settings, units, solve_limit_s, total_limit_s, names, scenario, frozenset(targets))


def _diagnose(inputs: ModelInputs, settings: SolverSettings, units: Mapping[str, str] | None,
              solve_limit_s: float, total_limit_s: float, names: Names | None, scenario: Scenario | None,
              targets: frozenset[RuleInstance] | None = None) -> Diagnosis | None:
    """`_explain` with the diagnosis's status line, its phase and its solves' own lines silenced."""
    status = progress.status("diagnose")  # made before the solves' own lines are silenced
    say = status.show if progress.active() is not None else None
    # The solves' own progress lines would show slack as money: the status line speaks instead.
    with progress.phase("diagnosis"), progress.reporting(None):
        return _explain(inputs, settings, units, solve_limit_s, total_limit_s, names, scenario, say, targets)


class _Search:
    """The solves of one diagnosis: `elastic` with its rules in `order`, the time `left`, the
    status line `say`; counts the solves and remembers whether every trial was decided."""

    def __init__(self, elastic: ElasticModel, order: Sequence[RuleInstance], left: Callable[[], float],
                 say: Callable[[str], None]):
        self.elastic, self.order, self.left, self.say = elastic, list(order), left, say
        self.solves = 0
        self.decided = True
        self.proven = False
        self.plan_without: set[RuleInstance] = set()  # rules all others, hard, were proven to meet without
        self.least_parts: dict[RuleInstance, dict[tuple[str, str], float]] = {}  # of the last least change
        self.least_cost: float | None = None  # its weighted slack, None without a plan

    def hard(self, rules: Sequence[RuleInstance] | Any) -> SolveReport:
        """Whether `rules` hold together, all hard (the others off): one solve."""
        self.elastic.set_states(dict.fromkeys(rules, HARD))
        report, _slack = self.elastic.solve(self.left())
        self.solves += 1
        return report

    def filter(self, pool: Sequence[RuleInstance], number: int) -> tuple[list[RuleInstance], int]:
        """Chinneck's deletion filter over `pool` (proven infeasible, or undecided): the rules
        kept and how many were tried (fewer than `pool` when the time ran out)."""
        kept = list(pool)
        which = f"conflict {number}, " if number > 1 else ""
        tried = 0
        for instance in pool:
            self.say(f"step 2 of 3, {which}dropping each rule in turn: {tried} of {len(pool)} tried, "
                     f"{len(kept) - (len(pool) - tried)} kept")
            if self.left() <= 0:
                break
            trial = [i for i in kept if i != instance]
            report = self.hard(trial)
            tried += 1
            if report.infeasible and not report.has_solution:
                kept, self.proven = trial, True
            elif not report.has_solution:
                self.decided = False
            elif len(trial) == len(self.order) - 1:
                self.plan_without.add(instance)
        return kept, tried

    def failing_drop(self, conflict: Sequence[RuleInstance]) -> RuleInstance | None:
        """None when a plan exists with each rule of `conflict` dropped alone (all others hard);
        else the first rule whose drop is proven to leave no plan, or _UNDECIDED when a solve
        stopped undecided or the time ran out."""
        for instance in conflict:
            if instance in self.plan_without:
                continue
            if self.left() <= 0:
                return _UNDECIDED
            self.say("step 2 of 3, whether dropping each rule of the conflict alone leaves a plan")
            report = self.hard([i for i in self.order if i != instance])
            if report.has_solution:
                continue
            return instance if report.infeasible else _UNDECIDED
        return None


#: `_Search.failing_drop` when a drop was not decided.
_UNDECIDED = RuleInstance("undecided", ())


def _explain(inputs: ModelInputs, settings: SolverSettings, units: Mapping[str, str] | None,
             solve_limit_s: float, total_limit_s: float, names: Names | None = None,
             scenario: Scenario | None = None, show: Callable[[str], None] | None = None,
             targets: frozenset[RuleInstance] | None = None) -> Diagnosis | None:
    """The diagnosis (see `explain_infeasibility`); `show` says where it stands (a status line:
    given each step's text, and again from HiGHS's interrupt checks once a step has run for
    STATUS_REFRESH_S, so that its clock moves during a long solve). With `targets` (the
    pre-solve checks' targets out of reach: `explain_findings`), the deletion filter starts from
    the first of `_starts` proven infeasible, and without one the diagnosis is None."""
    started = time.perf_counter()
    limit = min(settings.time_limit_s, total_limit_s)

    def left() -> float:
        return limit - (time.perf_counter() - started)

    # Each solve gets at most solve_limit_s, and the time left (`left`) before the least change.
    elastic = ElasticModel(inputs, dataclasses.replace(settings, time_limit_s=solve_limit_s))
    said, said_at = "", time.perf_counter()  # the step's text and when it was said

    def say(text: str) -> None:
        nonlocal said, said_at
        said, said_at = text, time.perf_counter()
        if show is not None:
            show(text)

    def again() -> None:
        if show is not None and time.perf_counter() - said_at >= STATUS_REFRESH_S:
            show(said)

    elastic.on_check = again if show is not None else None
    order = sorted(elastic.instances, key=_registry_order)
    total = len(order)
    search = _Search(elastic, order, left, say)
    pool, first = _step_one(search, targets)
    if first.has_solution or not pool:  # a plan: no conflict to explain; or no start of `targets` proven
        return Diagnosis((), True, feasible=True, solves=search.solves) if pool else None
    # Whether the rules kept are proven to conflict: not when this solve stopped at its time
    # limit undecided, until a later solve proves it (a trial, or the least change below).
    search.proven = first.infeasible
    conflicts, resolved, stopped = _conflicts(search, settings.time_limit_s, total_limit_s, pool)
    everything = list(dict.fromkeys(i for group in conflicts for i in group))
    report, slack = _least_change(search, everything)
    proven = search.proven
    if not proven:  # step 1 undecided and no trial proven infeasible: `kept` is still every rule
        if report.has_solution and not slack:
            return Diagnosis((), True, feasible=True, solves=search.solves)
        # the least weighted slack proven above 0 (HiGHS's bound, whatever gap it stopped at):
        # no plan meets every rule
        bound = report.best_bound_yuan
        proven = bound is not None and bound / getattr(elastic.model, "objective_unit_yuan", 1.0) > SLACK_TOLERANCE
    whole = search.decided and proven and not stopped
    if resolved is None and len(everything) == total and whole:
        resolved = report.has_solution or None  # every rule is in the conflicts: this solve says it
    # a single conflict whose rules, dropped together, leave a plan: whether dropping each alone
    # does (all other rules hard), proven by a trial of step 2 or a solve here; only then is that
    # claimed. A rule whose drop alone is proven to leave no plan shares it with another
    # conflict: the deletion filter finds that one among the other rules, and the least change
    # is sought again over both.
    each_drop, remains = False, False
    if bool(resolved) and len(conflicts) == 1 and whole:
        failing = search.failing_drop(everything)
        each_drop = failing is None
        if failing is not None and failing is not _UNDECIDED:
            remains = True
            pool = [i for i in order if i != failing]
            if MAX_CONFLICTS > 1 and left() > 0:
                kept, complete = _overlapping(search, pool, time.perf_counter() - started)
                if complete:
                    conflicts.append(kept)
                    remains = False
                    everything = list(dict.fromkeys(i for group in conflicts for i in group))
                    report, slack = _least_change(search, everything)
    if not report.has_solution:
        slack = {}  # no change is proven to make a plan possible: none is given
    least_cost, least_parts = search.least_cost, search.least_parts
    alone = _alone_change(search, everything) if slack and (resolved is False or remains) else None
    closest = _closest_plan(search, everything) if slack else None
    describe = Describer(inputs, units or {}, everything, names, scenario)
    found = tuple(dataclasses.replace(describe.conflict(i, slack.get(i, 0.0), least_parts.get(i, {})),
                                      group=n)
                  for n, group in enumerate(conflicts, start=1) for i in group)
    outcome = describe.outcome(closest, found) if closest is not None else ""
    excess = describe.excess(alone, least_cost, len(conflicts), remains)
    return Diagnosis(found, search.decided and proven and not stopped, solves=search.solves, stopped=stopped,
                     change_outcome=outcome, change_excess=excess,
                     least_proven=report.proven_optimal, conflict_proven=proven,
                     plan_proven=bool(resolved and report.has_solution), each_drop_proven=each_drop,
                     more_conflicts=resolved is False or remains)


def _step_one(search: _Search, targets: frozenset[RuleInstance] | None) -> tuple[list[RuleInstance], SolveReport]:
    """Step 1: the rules the deletion filter starts from and their solve, all hard (the others
    off): every rule; with `targets` (`explain_findings`), the first of `_starts` proven
    infeasible, and none (an empty list, with the last solve) when none is."""
    if targets is None:
        search.say(f"step 1 of 3, all {_count(len(search.order), 'rule')} at once")
        return search.order, search.hard(search.order)
    first = SolveReport("notSolved", False, False, False, None, None, None, 0.0, "")
    for start in _starts(search.order, targets):
        search.say(f"step 1 of 3, the {_count(len(start), 'rule')} that the checks before solving point to")
        first = search.hard(start)
        if first.infeasible and not first.has_solution:
            return start, first
    return [], first


def _starts(order: Sequence[RuleInstance], targets: frozenset[RuleInstance]) -> list[list[RuleInstance]]:
    """Where the deletion filter of `explain_findings` may start, in registry order (`order`):
    the `targets` alone, then with the rules of CHECKED_KINDS, then also with those of
    JOINT_KINDS; each once, none empty."""
    starts: list[list[RuleInstance]] = []
    for start in ([i for i in order if i in targets],
                  [i for i in order if i in targets or i.kind in CHECKED_KINDS],
                  [i for i in order if i in targets or i.kind in CHECKED_KINDS | JOINT_KINDS]):
        if start and start not in starts:
            starts.append(start)
    return starts


def _overlapping(search: _Search, pool: Sequence[RuleInstance], spent_s: float) -> tuple[list[RuleInstance], bool]:
    """The conflict that shares a rule with the one found, among `pool` (every rule but one
    whose drop alone is proven to leave no plan): the deletion filter over it, in at most
    OVERLAP_SHARE of the time the diagnosis has taken so far (`spent_s`), at least OVERLAP_MIN_S,
    within the time left. Returns the rules kept and whether the search completed; when it did not, the first
    conflict stays as proven as it was (an undecided solve here says nothing of it), and the
    caller says that another conflict remains."""
    outer, decided = search.left, search.decided
    deadline = time.perf_counter() + max(OVERLAP_SHARE * spent_s, OVERLAP_MIN_S)
    search.left = lambda: min(outer(), deadline - time.perf_counter())
    try:
        kept, tried = search.filter(pool, 2)
    finally:
        search.left = outer
    complete = tried == len(pool) and bool(kept) and search.decided
    if not complete:
        search.decided = decided
    return kept, complete


def _least_change(search: _Search, rules: Sequence[RuleInstance]) -> tuple[SolveReport, dict[RuleInstance, float]]:
    """Step 3: `rules` elastic, every other rule hard; the least weighted slack (`ElasticModel.solve`)."""
    search.say(f"step 3 of 3, the least change over the {_count(len(rules), 'rule')} kept")
    search.elastic.set_states({**dict.fromkeys(search.order, HARD), **dict.fromkeys(rules, ELASTIC)})
    found = search.elastic.solve(max(search.left(), LEAST_CHANGE_MIN_S))
    search.solves += 1
    search.least_parts = dict(search.elastic.parts)
    search.least_cost = float(pyo.value(search.elastic.model.elastic_cost)) if found[0].has_solution else None
    return found


def _alone_change(search: _Search, rules: Sequence[RuleInstance]
                  ) -> tuple[float, dict[RuleInstance, float], dict[RuleInstance, dict[tuple[str, str], float]]] | None:
    """The least change of the conflicts found alone: `rules` elastic, every other rule off (not
    hard, as in `_least_change`). Returns its weighted slack, the slack per rule and the parts
    (`ElasticModel.parts`), or None without a plan. Smaller than the least change, it shows that
    the least change also resolves a conflict not found among the rules kept hard."""
    search.elastic.set_states(dict.fromkeys(rules, ELASTIC))
    report, slack = search.elastic.solve(max(search.left(), LEAST_CHANGE_MIN_S))
    search.solves += 1
    if not report.has_solution:
        return None
    return float(pyo.value(search.elastic.model.elastic_cost)), slack, dict(search.elastic.parts)


def _closest_plan(search: _Search, rules: Sequence[RuleInstance]
                  ) -> tuple[SolveReport, int, dict[tuple[str, Any], float]] | None:
    """The plan closest to the soft targets under the least change over `rules` (the states of
    `_least_change`, its weighted slack held: `ElasticModel.closest_plan`); None when there is
    no least change with a plan or no target may fall short."""
    if search.least_cost is None:
        return None
    search.elastic.set_states({**dict.fromkeys(search.order, HARD), **dict.fromkeys(rules, ELASTIC)})
    found = search.elastic.closest_plan(search.least_cost, max(search.left(), LEAST_CHANGE_MIN_S))
    search.solves += found is not None
    return found


def _conflicts(search: _Search, run_limit_s: float, total_limit_s: float, first: Sequence[RuleInstance]
               ) -> tuple[list[list[RuleInstance]], bool | None, str]:
    """Step 2: the deletion filter finds a conflict among `first` (every rule, or a start of
    `explain_findings`); then the rules outside every conflict found,
    all hard (2b): a plan means every conflict has been found, proven infeasible that another
    remains among them, which the filter then finds, up to MAX_CONFLICTS. Returns the conflicts,
    whether a plan exists with all of them dropped (None: not decided, or no rule is left
    outside them) and why the filter stopped at its time limit ("" if it did not)."""
    order = search.order
    conflicts: list[list[RuleInstance]] = []
    dropped: set[RuleInstance] = set()
    while True:
        pool = [i for i in order if i not in dropped] if conflicts else list(first)
        kept, tried = search.filter(pool, len(conflicts) + 1)
        conflicts.append(kept)
        dropped.update(kept)
        if tried < len(pool):
            progress.phase_ended("stopped at the time limit", f"{tried} of {len(pool)} rules tried, "
                                 f"{len(pool) - tried} left in the set untried")
            return conflicts, None, _stopped_text(run_limit_s, total_limit_s, tried, len(pool))
        rest = [i for i in order if i not in dropped]
        if not search.decided or not search.proven or not kept or not rest:
            return conflicts, None, ""
        search.say(f"step 2 of 3, whether a plan exists without the {_count(len(conflicts), 'conflict')} found")
        report = search.hard(rest)
        if report.has_solution:
            if len(dropped) == 1:  # `rest` is every rule but the one: dropping it alone leaves a plan
                search.plan_without.update(dropped)
            return conflicts, True, ""
        if not report.infeasible:
            return conflicts, None, ""
        if len(conflicts) >= MAX_CONFLICTS or search.left() <= 0:
            return conflicts, False, ""


def _stopped_text(run_limit_s: float, total_limit_s: float, tried: int, total: int) -> str:
    """Why the deletion filter stopped with rules untried, and how to get a finer diagnosis."""
    if run_limit_s <= total_limit_s:
        which = (f"the run's time limit of {run_limit_s:g} s (solver.time_limit_s or --time-limit); a larger "
                 "--time-limit gives a finer diagnosis")
    else:
        which = f"its own limit of {total_limit_s:g} s, whatever the run's time limit"
    return (f"the diagnosis stopped at {which}. It had tried dropping {tried} of the {total} rules; the "
            f"{total - tried} not tried stay in the set, so it may hold more rules than needed")


def _registry_order(instance: RuleInstance) -> tuple[int, int, str]:
    from models import RULE_FAMILIES

    kinds = list(KIND_FAMILY)
    return RULE_FAMILIES.index(instance.family), kinds.index(instance.kind), repr(instance.key)


# -- words and figures -------------------------------------------------------------------------


class Describer:
    """Sentences with figures for the rules of a conflict (see `Conflict`), and the settings of
    `scenario` that state them (the keys alone without it)."""

    def __init__(self, inputs: ModelInputs, units: Mapping[str, str], conflict: Sequence[RuleInstance] = (),
                 names: Names | None = None, scenario: Scenario | None = None):
        self.inputs = inputs
        self.units = units
        self.scenario = scenario
        self.words = Words(names)
        self.focus = self._focus_products(conflict)
        self._rooms: dict[frozenset[str], dict[tuple[str, str], float]] = {}
        self._cluster_rooms: dict[frozenset[str], dict[tuple[str, str], float]] = {}

    def _focus_products(self, conflict: Sequence[RuleInstance]) -> tuple[str, ...]:
        inputs = self.inputs
        wanted: list[str] = []
        for instance in conflict:
            if instance.kind in ("capacity_target", "capacity_ceiling"):
                wanted.extend(inputs.TARGET_GROUPS.get(instance.key[0], ()))
            elif instance.kind in ("product_hosting_limit", "chain_balance", "utilisation"):
                wanted.append(instance.key[0])
            elif instance.kind == "redline":
                wanted.append(instance.key[1])
            elif instance.kind == "recycling_demo" and inputs.recycling_demo is not None:
                wanted.append(inputs.recycling_demo.product)
        return tuple(p for p in inputs.PRODUCTS if p in set(wanted))

    def unit(self, product: str) -> str:
        """The unit of a product's capacity per year."""
        return f"{self.units[product]}/yr" if product in self.units else "units/yr"

    def group_unit(self, group: str) -> str:
        """The unit of a target group (its first product's)."""
        members = self.inputs.TARGET_GROUPS.get(group, (group,))
        return self.unit(members[0]) if members else "units/yr"

    def fmt(self, value: float, unit: str) -> str:
        """A figure with its unit."""
        return _amount(value, unit)

    def site_room(self, off: frozenset[str] = frozenset()) -> dict[tuple[str, str], float]:
        """The most capacity (units/yr) each (site, product) can add on its land, with the families
        `off` switched off: models.index max_added_units without the capacity ceiling, which caps
        the whole target group, not one site, and which the target's sentence states apart."""
        if off not in self._rooms:
            relaxed = dataclasses.replace(self.inputs, enabled_families=self.inputs.enabled_families - off,
                                          capacity_ceiling_factor=0.0)
            self._rooms[off] = dict(compute_index(relaxed).max_added_units)
        return self._rooms[off]

    def room(self, off: frozenset[str] = frozenset()) -> dict[tuple[str, str], float]:
        """The most capacity (units/yr) each (cluster, product) can add, with the families
        `off` switched off (`site_room` summed over the cluster's sites)."""
        if off not in self._cluster_rooms:
            room: dict[tuple[str, str], float] = defaultdict(float)
            for (s, p), units in self.site_room(off).items():
                room[(self.inputs.cluster_of_site[s], p)] += units
            self._cluster_rooms[off] = dict(room)
        return self._cluster_rooms[off]

    def open_room(self, cluster: str, product: str) -> float | None:
        """The most capacity (units/yr) of `product` that `cluster` can add at the sites its
        open-site limit n_open[c] lets it open (models/families/agglomeration.py): the room
        (`site_room`) of its sites open already, which count toward the limit, and of the
        n_open[c] less their number with the most room among its other sites. None where that
        does not cut the cluster's `room` (no limit, the family off, the limit above its sites),
        or where a merged site opens its members one by one (`members_counted`: no single figure
        per site)."""
        inputs = self.inputs
        limit = inputs.max_open_sites_per_cluster.get(cluster)
        sites = self.sites_in(cluster)
        if (limit is None or "agglomeration" not in inputs.enabled_families
                or (members_counted(inputs) and any(inputs.site_multiplicity.get(s, 1) > 1 for s in sites))):
            return None
        rooms = self.site_room()
        pre = set(pre_opened_sites(inputs))
        others = sorted((rooms.get((s, product), 0.0) for s in sites if s not in pre), reverse=True)
        most = (sum(rooms.get((s, product), 0.0) for s in sites if s in pre)
                + sum(others[:max(limit - len(sites) + len(others), 0)]))
        return most if most < self.room().get((cluster, product), 0.0) - 1e-9 else None

    def ceiling_left(self, group: str) -> tuple[float, float] | None:
        """The capacity ceiling of a target group and what it leaves to add, (U[g], U[g] - E - C)
        in units/yr: U[g] of models/index.py `group_ceilings` caps the group's capacity in the
        plan's last year, E + C its capacity standing then (`standing_capacity`: existing, and
        committed online by the last year), so no decision adds more than the difference (0 when
        what stands exceeds it). None where the group has no ceiling (no positive target, the
        factor 0 or the targets family off)."""
        ceiling = group_ceilings(self.inputs).get(group)
        if ceiling is None:
            return None
        members = self.inputs.TARGET_GROUPS.get(group, (group,))
        standing = sum(standing_capacity(self.inputs, members, self.inputs.YEARS[-1]))
        return ceiling, max(ceiling - standing, 0.0)

    def ceiling_room(self, product: str) -> float | None:
        """The most capacity (units/yr) of `product` that the capacity ceilings let the plan add,
        over all clusters together: the least that `ceiling_left` leaves over the target groups
        holding the product (the other products of a group may add nothing). None where no
        ceiling holds the product."""
        left = [pair[1] for group, members in self.inputs.TARGET_GROUPS.items() if product in members
                if (pair := self.ceiling_left(group)) is not None]
        return min(left) if left else None

    def sites_in(self, cluster: str) -> list[str]:
        """The candidate sites of a cluster, in input order."""
        return [s for s in self.inputs.SITES if self.inputs.cluster_of_site[s] == cluster]

    def conflict(self, instance: RuleInstance, slack: float,
                 parts: Mapping[tuple[str, str], float] | None = None) -> Conflict:
        """The `Conflict` of one rule, with `slack` (the row units of the elastic model) and, for
        a rule whose change names the setting it moves (the recycling demonstrations), the
        largest slack of a row per model component and side (`ElasticModel.parts`)."""
        parts_of_slack = parts
        handler: Callable[[RuleInstance], dict[str, Any]] = getattr(self, f"_{instance.kind}")
        parts = handler(instance)
        unit = parts.pop("unit", "")
        relax = slack * MONEY_UNIT_YUAN if instance.kind in MONEY_KINDS else slack
        if instance.kind in MONEY_KINDS:
            unit = "yuan"
        keys = parts.pop("settings", (tuple(KIND_FAMILY[instance.kind][1].split(".")),))
        whole = self._target(instance)
        to = None
        if whole is not None:  # never lowered by more than all of it (rounded up to the figure shown)
            relax = min(relax, whole)
            to = _lowered_to(whole, relax, unit) if relax > 0 else None
        elif instance.kind == "capacity_ceiling" and relax > 0:
            to = _raised_to(group_ceilings(self.inputs).get(instance.key[0], 0.0), relax, unit)
        made = Conflict(instance=instance, setting=setting_text(keys, self.scenario), relax_by=relax, unit=unit,
                        relax_to=to, **parts)
        if instance.kind == "recycling_demo" and relax > 0:
            return dataclasses.replace(made, change=self._demo_change(parts_of_slack or {}))
        return dataclasses.replace(made, change=relax_text(made, self.words))

    def _demo_change(self, parts: Mapping[tuple[str, str], float]) -> str:
        """The change of the recycling demonstration rule, with the setting it moves and its new
        value, as the rules give theirs: fewer or more demonstration sites (rows `demo_count`), a
        smaller least size (rows `demo_size`, by the most any site needs), or the rule off."""
        demo = self.inputs.recycling_demo
        rule = "constraints.recycling_demo"
        off = f"switch it off [{rule}.enabled=false]"
        if demo is None:
            return f"relax the recycling demonstration rule, or {off}"
        texts = []
        fewer = math.ceil(parts.get(("demo_count", "below"), 0.0) - 1e-6)
        if fewer > 0:
            texts.append(f"{_count(fewer, 'demonstration site')} fewer than the least number asked "
                         f"[{rule}.min_sites={max(demo.min_sites - fewer, 0)}]")
        more = math.ceil(parts.get(("demo_count", "above"), 0.0) - 1e-6)
        if more > 0:
            texts.append(f"{_count(more, 'more demonstration site')} [{rule}.max_sites={demo.max_sites + more}]")
        smaller = parts.get(("demo_size", "below"), 0.0)
        if smaller > 0:
            unit = self.unit(demo.product)
            by = _shown_up(smaller, unit)
            size = demo.min_size_units_per_yr - by
            setting = f" [{rule}.min_size={_flow_text(float(size))}]" if size > 0 else ""
            texts.append(f"a least demonstration size smaller by {self.fmt(by, unit)}{setting}")
        head = f"relax the {self.words.product(demo.product)} demonstration rule"
        return (head + (": " + " and ".join(texts) if texts else "") + f", or {off}")

    def excess(self, alone: tuple[float, Mapping[RuleInstance, float],
                                  Mapping[RuleInstance, Mapping[tuple[str, str], float]]] | None,
               least_cost: float | None, conflicts: int, remains: bool) -> str:
        """Where the conflicts named (`conflicts` of them) alone need less than the least change
        (`alone`, of `_alone_change`: its weighted slack below `least_cost`), in words: what is
        enough for them, and that the rest of the change resolves another conflict, not yet
        named (one a larger time limit may name when its search stopped early: `remains`); ""
        otherwise."""
        if alone is None or least_cost is None or alone[0] >= least_cost * (1 - 1e-6) - SLACK_TOLERANCE:
            return ""
        _cost, slack, parts = alone
        enough = [self.conflict(i, amount, parts.get(i, {})).change for i, amount in slack.items()]
        one = conflicts == 1
        return ("this change also resolves another conflict, not yet named, among the rules kept as they are"
                + (" (a larger --time-limit may name it)" if remains else "")
                + f": for the conflict{'' if one else 's'} named alone, the other rules set aside, a smaller change "
                "(each rule's slack weighed against its size) is enough: " + "; ".join(enough))

    def outcome(self, closest: tuple[SolveReport, int, Mapping[tuple[str, Any], float]],
                conflicts: Sequence[Conflict]) -> str:
        """What the plan closest to the targets under the least change (`ElasticModel.closest_plan`:
        its report, modules built, shortfalls) leaves undone, in words, when it leaves a soft target
        short: that it builds nothing (or too little), each target short by how much (penalised in
        the objective, not met), and the settings of the rules of the conflicts the change leaves
        as they are, which may be what holds it back; where its solve stopped short of its gap, that
        the plan is not proven the closest; "" when it meets every target."""
        report, built, short = closest
        if not report.has_solution or not short:
            return ""
        w = self.words
        texts = []
        for (kind, key), amount in short.items():
            if kind == "capacity":
                texts.append(f"the {w.product(key[0])} target for {key[1]} short by "
                             f"{self.fmt(amount, self.group_unit(key[0]))}")
            else:
                texts.append(f"the output value target for {key} short by {self.fmt(amount, 'yuan')} a year")
        if report.proven_optimal:
            what = "it builds nothing" if built == 0 else "it falls short of the targets"
            text = (f"with this change a plan exists, but {what}: even the plan closest to the targets leaves "
                    + joined(texts) + " (penalised, not met)")
        else:  # stopped at its time limit: a plan nearer the targets may exist under the same change
            what = "builds nothing" if built == 0 else "falls short of the targets"
            text = (f"with this change a plan exists, but the plan nearest the targets found within the time limit "
                    f"{what}, not proven the closest (its search stopped at its time limit): it leaves "
                    + joined(texts) + " (penalised, not met)")
        changed = {c.instance for c in conflicts if c.relax_by > 0}
        kept = list(dict.fromkeys(c.setting.split("; ")[0] for c in conflicts
                                  if c.instance not in changed and c.setting))
        if kept:
            text += (f"; the rules of the conflicts it leaves as they are [{'; '.join(kept)}] may be what holds it "
                     "back: a change to one of them instead may give a plan that builds")
        return text

    def _target(self, instance: RuleInstance) -> float | None:
        """The amount a target rule asks for (its unit: units/yr, or yuan/yr), None for other rules."""
        if instance.kind == "capacity_target":
            return float(self.inputs.capacity_target_units[tuple(instance.key)])
        if instance.kind == "output_value_target":
            return float(self.inputs.output_value_target_yuan[instance.key[0]])
        return None

    def _room_text(self, cluster: str, off: frozenset[str] = frozenset()) -> str:
        room = self.room(off)
        shown = [f"{self.fmt(room.get((cluster, p), 0.0), self.unit(p))} of {self.words.product(p)}"
                 for p in self.focus]
        return ", ".join(shown)

    # One method per rule kind: the sentence and what it involves.

    def _capacity_target(self, i: RuleInstance) -> dict[str, Any]:
        group, year = i.key
        members = self.inputs.TARGET_GROUPS.get(group, (group,))
        unit = self.group_unit(group)
        target = self.inputs.capacity_target_units[(group, year)]
        standing, standing_words = _standing_text(self, members, year, unit)
        room = self.room()
        blocked = lead_time_blocked(self.inputs, members, year)
        # the sum of the clusters' room, as the land, hosting and open-site rules give it per cluster
        addable = sum(v for (_c, p), v in room.items() if p in members and p not in blocked)
        text = (f"the {self.words.product(group)} target needs {_target_amount(target, unit)} by {year}; "
                f"{standing_words}, so {_needed_amount(target, standing, unit)} must be added")
        if len(blocked) == len(members):
            text += f", but {lead_time_text(self, blocked, year)}"
            return {"sentence": text, "unit": unit, "alternative": lead_time_change(self, blocked, year),
                    "settings": (("targets", "capacity", group, year), ("years",))}
        text += f" (the eligible land of all clusters could take {self.fmt(addable, unit)}"
        # the ceiling caps the whole group in the last year, not one cluster at a time: said apart
        # from the land's figure, which stays the sum of the clusters' room
        left = self.ceiling_left(group)
        if left is not None and left[1] < addable - 1e-9:
            text += (f"; the capacity ceiling of {self.fmt(left[0], unit)} in {self.inputs.YEARS[-1]} leaves room to "
                     f"add {self.fmt(left[1], unit)}")
        text += ")"
        if blocked:
            text += f"; {lead_time_text(self, blocked, year)}"
        return {"sentence": text, "unit": unit, "settings": (("targets", "capacity", group, year),)}

    def _capacity_ceiling(self, i: RuleInstance) -> dict[str, Any]:
        """The ceiling U[g] = max(phi Tmax[g], max_t (T[g,t] + Cafter[g,t]) + the group's largest
        module) (models/index.py `group_ceilings`) with the term that sets it (the factor's when
        both are equal); the module's term cites the target with the factor, as either moves it,
        and names the committed capacity online after the target's year (Cafter) where there is
        some."""
        group = i.key[0]
        unit = self.group_unit(group)
        inputs = self.inputs
        ceiling = group_ceilings(inputs).get(group, 0.0)
        phi = inputs.capacity_ceiling_factor
        goals = {t: v for (g, t), v in inputs.capacity_target_units.items() if g == group and v > 0}
        year, goal = max(goals.items(), key=lambda item: (item[1], -item[0]), default=(inputs.YEARS[-1], 0.0))
        named = "the target" if len(goals) <= 1 else f"the {year} target"
        members = set(inputs.TARGET_GROUPS.get(group, (group,)))
        largest = max((m.capacity_units_per_yr for m in inputs.MODULES if m.product in members), default=0.0)
        factor = f"capacity_ceiling_factor {phi:g} times {named}"
        settings: tuple[tuple[Any, ...], ...] = (("targets", "capacity_ceiling_factor"),)
        reach_year, reach_goal, later = ceiling_reach(inputs, group) or (year, goal, 0.0)
        if phi * goal >= reach_goal + later + largest:
            term = f"{factor}, {_target_amount(goal, unit)}"
        else:
            reached = "the target" if len(goals) <= 1 else f"the {reach_year} target"
            module = f" plus the largest module, {self.fmt(largest, unit)}," if largest > 0 else ""
            committed = (f" plus the committed capacity online after {reach_year} by {inputs.YEARS[-1]}, "
                         f"{self.fmt(later, unit)}," if later > 0 else "")
            term = f"{reached}, {_target_amount(reach_goal, unit)},{committed}{module} which is more than {factor}"
            settings = (("targets", "capacity", group, reach_year), *settings)
        text = (f"{self.words.product(group)} capacity may not exceed {self.fmt(ceiling, unit)} in "
                f"{inputs.YEARS[-1]} ({term})")
        return {"sentence": text, "unit": unit, "settings": settings}

    def _output_value_target(self, i: RuleInstance) -> dict[str, Any]:
        year = i.key[0]
        goal = self.inputs.output_value_target_yuan[year]
        return {"sentence": f"output value must reach {_target_amount(goal, 'yuan')} in {year}",
                "settings": (("targets", "output_value_yuan", year),)}

    def _land(self, i: RuleInstance) -> dict[str, Any]:
        cluster = i.key[0]
        sites = self.sites_in(cluster)
        hectares = sum(self.inputs.site_land_ha.get(s, 0.0) for s in sites)
        room = self._room_text(cluster)  # the cluster's room as every rule's text gives it
        text = (f"{self.words.cluster(cluster)}'s {_count(len(sites), 'candidate site')} "
                f"{'has' if len(sites) == 1 else 'have'} "
                f"{hectares:,.0f} ha of usable land" + (f", room for at most {room}" if room else ""))
        whole = self._room_text(cluster, frozenset({"redline", "proximity"}))
        if room and whole != room:  # the hectares count land the red line or the proximity limit keep from use
            text += f" {self._cut_text(cluster)} ({whole} on all of that land)"
        return {"sentence": text, "unit": "ha", "sites": tuple(sites), "clusters": (cluster,),
                "settings": (("layers", "sites", "usable_area_field"),)}

    def _cut_text(self, cluster: str) -> str:
        """Where the room of `cluster` (`room`, all rules on) lies when the red line or the
        proximity limit cut it below what the whole land of its sites holds: "outside the red
        line", "at the sites within reach of their raw materials", or both."""
        free = frozenset({"redline", "proximity"})
        whole = self.room(free)
        cut = [words for family, words in (("redline", "outside the red line"),
                                           ("proximity", "at the sites within reach of their raw materials"))
               if any(self.room(free - {family}).get((cluster, p), 0.0) < whole.get((cluster, p), 0.0) - 1e-9
                      for p in self.focus)]
        # neither alone when both cut the same sites: then it takes both to lift the cut
        return " and ".join(cut) or "outside the red line and at the sites within reach of their raw materials"

    def _redline(self, i: RuleInstance) -> dict[str, Any]:
        cluster, product = i.key
        sites = self.sites_in(cluster)
        excluded = [s for s in sites if (s, product) in self.inputs.REDLINE_EXCLUDED]
        cut = [s for s in sites if s not in excluded
               and self.inputs.land_after_redline_ha.get((s, product), 0.0) < self.inputs.site_land_ha[s] - 1e-9]
        outside = len(sites) - len(excluded)
        before = self.room(frozenset({"redline"})).get((cluster, product), 0.0)
        after = self.room().get((cluster, product), 0.0)
        unit = self.unit(product)
        named, place = self.words.product(product), self.words.cluster(cluster)
        parts = []
        if excluded:
            parts.append(f"keeps {named} out of {len(excluded)} of {place}'s {_count(len(sites), 'site')}")
        if cut:
            parts.append(f"cuts the land for {named} at {_count(len(cut), 'other site')}" if excluded else
                         f"cuts the land for {named} at {len(cut)} of {place}'s {_count(len(sites), 'site')}")
        lying = (f"no {place} site lies" if outside == 0 else
                 f"only {_count(outside, place + ' site')} {'lies' if outside == 1 else 'lie'}")
        text = (f"the red line {' and '.join(parts)}: {lying} outside it, with room for {self.fmt(after, unit)} of "
                f"{named} (without the red line {self.fmt(before, unit)})")
        return {"sentence": text, "unit": "modules", "sites": tuple(excluded + cut), "clusters": (cluster,),
                "redline_products": (product,), "settings": self._redline_settings(product)}

    def _redline_settings(self, product: str) -> tuple[tuple[Any, ...], ...]:
        """The settings that draw `product`'s red-line zone: the buffer, and with the scenario
        the product's own setbacks and the categories counted where it sets them (without it,
        all the setbacks)."""
        rule = ("constraints", "redline")
        if self.scenario is None:
            return (*rule, "buffer_m"), (*rule, "setbacks_m")
        redline = self.scenario.constraints.redline
        keys: list[tuple[Any, ...]] = [(*rule, "buffer_m")]
        if product in redline.setbacks_m:
            keys.append((*rule, "setbacks_m", product))
        if redline.categories is not None:
            keys.append((*rule, "categories"))
        return tuple(keys)

    def _proximity(self, i: RuleInstance) -> dict[str, Any]:
        """The sites of the cluster beyond the limit from every source the plan may use, the
        nearest such source, and the sources left out of the plan (prospective ones) that lie
        within the limit of one of those sites, which cite spatial.include_prospective_sources."""
        cluster, resource = i.key
        inputs = self.inputs
        limit = inputs.max_distance_km[resource]
        nearest = nearest_sources(inputs)
        sites = self.sites_in(cluster)
        far = [s for s in sites if (s, resource) not in nearest or nearest[(s, resource)][1] > limit]
        needing = [p for p in inputs.PRODUCTS if inputs.resource_t_per_unit.get((p, resource), 0.0) > 0]
        closest = min((nearest[(s, resource)][1] for s in far if (s, resource) in nearest), default=None)
        sources = tuple(k for k in inputs.SOURCES if inputs.resource_of_source[k] == resource)
        within = len(sites) - len(far)
        place = self.words.cluster(cluster)
        named = self.words.resource(resource)
        prospective = [k for k, r in inputs.left_out_source_resource.items() if r == resource]
        source = "a producing source" if prospective else "a source"
        which = (f"no {place} site is within {limit:g} km of one" if within == 0 else
                 f"only {within} of {place}'s {_count(len(sites), 'site')} {'is' if within == 1 else 'are'} within "
                 f"{limit:g} km of one")
        if closest is not None:
            which += f" ({'from the others, ' if within else ''}the nearest lies {closest:,.0f} km away)"
        elif not sources:
            which += f", as no {'producing ' if prospective else ''}source of {named} is open to the plan"
        text = (f"{self.words.products(needing) or 'products'} need{'s' if len(needing) == 1 else ''} {named} within "
                f"{limit:g} km of {source}: {which}")
        left_out = self._left_out_within(prospective, far, limit)
        for k, km in left_out.items():
            site = min(km, key=lambda s: (km[s], far.index(s)))
            text += (f"; {self.words.source(k)}, prospective and left out, lies {km[site]:,.1f} km from "
                     f"{self.words.site(site)}" + (f" (within {limit:g} km of {len(km)} {place} sites)"
                                                   if len(km) > 1 else ""))
        settings: tuple[tuple[Any, ...], ...] = (("constraints", "proximity", "max_distance_km", resource),)
        if left_out:
            settings += (("spatial", "include_prospective_sources"),)
        reached = joined(f"{self.words.source(k)} lies within {limit:g} km of "
                         + (self.words.site(next(iter(km))) if len(km) == 1 else f"{len(km)} {place} sites")
                         for k, km in left_out.items())
        return {"sentence": text, "unit": "modules", "sites": tuple(far), "clusters": (cluster,),
                "sources": sources + tuple(left_out), "settings": settings, "prospective": reached}

    def _left_out_within(self, left_out: Sequence[str], sites: Sequence[str], limit: float
                         ) -> dict[str, dict[str, float]]:
        """Each source of `left_out` (sources the plan may not use) within `limit` km of one of
        `sites`, in the order of `left_out`, with the km to each of those sites (in the order of
        `sites`): {"rock_e": {"e_city": 11.08, "e_far": 30.24}}; sources beyond it left out."""
        arc_km = self.inputs.left_out_arc_km
        within = {k: {s: arc_km[(k, s)] for s in sites if (k, s) in arc_km and arc_km[(k, s)] <= limit}
                  for k in left_out}
        return {k: km for k, km in within.items() if km}

    def _source_limit(self, i: RuleInstance) -> dict[str, Any]:
        resource = i.key[0]
        sources = tuple(k for k in self.inputs.SOURCES if self.inputs.resource_of_source[k] == resource)
        supply = {t: sum(self.inputs.supply_t_per_yr.get((k, t), 0.0) for k in sources) for t in self.inputs.YEARS}
        last = self.inputs.YEARS[-1]
        named = self.words.resource(resource)
        whose = f"the only source of {named} supplies" if len(sources) == 1 else \
            f"the {len(sources)} sources of {named} supply"
        text = f"{whose} at most {supply[last]:,.0f} t/yr in {last}"
        return {"sentence": text, "unit": "t/yr", "sources": sources}

    def _chain_balance(self, i: RuleInstance) -> dict[str, Any]:
        product = i.key[0]
        share = self.inputs.chain_share_min.get(product, 0.0)
        downstream = sorted({d for (d, u), a in self.inputs.input_units_per_unit.items() if u == product and a > 0})
        text = (f"local {self.words.product(product)} production must cover at least {share:.0%} of what "
                f"{self.words.products(downstream) or 'downstream production'} "
                f"use{'s' if len(downstream) == 1 else ''}")
        years = [t for t in self.inputs.YEARS if chain_applies(self.inputs, product, t)]
        if years and years[0] > self.inputs.YEARS[0]:  # the rule's first year is not the plan's
            text += (f", from {years[0]}, the first year a module of {self.words.product(product)} decided "
                     "within the plan can produce")
        return {"sentence": text, "unit": self.unit(product),
                "settings": (("constraints", "chain_balance", "min_local_share", product),)}

    def _product_hosting_limit(self, i: RuleInstance) -> dict[str, Any]:
        product = i.key[0]
        limit = self.inputs.max_clusters_per_product[product]
        room = self.room()
        unit = self.unit(product)
        per_cluster = [(c, room.get((c, product), 0.0)) for c in self.inputs.CLUSTERS]
        # a cluster's most at the sites its open-site limit lets it open, where that cuts its room,
        # and no more than the capacity ceiling leaves to add, where that cuts it further: the
        # least change keeps both even when they are not rules of the conflict
        opened = {c: self.open_room(c, product) for c, _v in per_cluster}
        ceiling = self.ceiling_room(product)
        most = {c: v if opened[c] is None else opened[c] or 0.0 for c, v in per_cluster}
        if ceiling is not None:
            most = {c: min(v, ceiling) for c, v in most.items()}
        listed = ", ".join(self._hosting_room(c, product, v, opened[c], most[c]) for c, v in per_cluster)
        text = (f"{self.words.product(product)} may be hosted in at most {_count(limit, 'cluster')}, {HOSTED}; "
                f"the most each cluster can take: {listed}")
        committed = sorted({self.inputs.cluster_of_site[s] for (s, p, _t), units
                            in self.inputs.committed_units_per_yr.items() if p == product and units > 0},
                           key=self.inputs.CLUSTERS.index)
        if committed:
            text += (f"; committed projects of {self.words.product(product)} already stand in "
                     f"{self.words.clusters(committed)}")
        if committed and len(committed) == limit < len(per_cluster):  # they use up the limit: no other may host it
            together = sum(most[c] for c in committed)
            cut = ceiling is not None and ceiling < together - 1e-9  # the ceiling caps the clusters together too
            text += (f", the {_count(limit, 'cluster')} it may be hosted in: "
                     f"{'it' if limit == 1 else 'together they'} can take "
                     f"{self.fmt(min(together, ceiling) if cut and ceiling is not None else together, unit)}"
                     + (f" {CEILING_CUT}" if cut else ""))
        # the clusters the rule involves: those that can take more of the product and those its
        # committed plants stand in (hosting it whatever is built: they count against the limit
        # even where no more can be added), in the clusters' order, as conflicts.png shades them
        involved = tuple(c for c, v in per_cluster if v > 0 or c in committed)
        return {"sentence": text, "unit": "clusters", "clusters": involved,
                "settings": (("constraints", "differentiation", "max_clusters_per_product", product),)}

    def _hosting_room(self, cluster: str, product: str, room: float, opened: float | None, most: float) -> str:
        """One cluster's figure in the hosting rule's list, in units/yr of `product`: its `room` on
        all of its land, `opened` at the sites its open-site limit lets it open (None where that
        does not cut it: `open_room`) and `most`, the lesser of those and what the capacity ceiling
        leaves to add (`ceiling_room`). Where a limit cuts the room, the figure says which and
        gives the uncut ones in brackets, as the land rule gives its room outside the red line
        ("c3 80 t/yr within the capacity ceiling (100 t/yr on all of its land)")."""
        name, unit = self.words.cluster(cluster), self.unit(product)
        limit = self.inputs.max_open_sites_per_cluster.get(cluster)
        sites = "at the one site it may open" if limit == 1 else f"at the {limit} sites it may open"
        every = f"at all {len(self.sites_in(cluster))}"
        if most < (room if opened is None else opened) - 1e-9:  # the ceiling cuts it
            uncut = (f"{self.fmt(room, unit)} on all of its land" if opened is None else
                     f"{self.fmt(opened, unit)} {sites}, {self.fmt(room, unit)} {every}")
            return f"{name} {self.fmt(most, unit)} {CEILING_CUT} ({uncut})"
        if opened is None:
            return f"{name} {self.fmt(room, unit)}"
        return f"{name} {self.fmt(opened, unit)} {sites} ({self.fmt(room, unit)} {every})"

    def _lead_share(self, i: RuleInstance) -> dict[str, Any]:
        cluster = i.key[0]
        leads = self.inputs.lead_products.get(cluster, ())
        text = (f"in {self.words.cluster(cluster)}, the lead products ({self.words.products(leads)}) must make up "
                "at least "
                f"{self.inputs.lead_share_min:.0%} of the value added")
        return {"sentence": text, "clusters": (cluster,),
                "settings": (("constraints", "differentiation", "lead_share_min"),
                             ("constraints", "differentiation", "lead_products", cluster))}

    def _portfolio_difference(self, i: RuleInstance) -> dict[str, Any]:
        a, b = i.key
        n = self.inputs.min_portfolio_difference
        return {"sentence": f"{self.words.cluster(a)} and {self.words.cluster(b)} must differ in at least {n} "
                            f"product{'s' if n != 1 else ''} added",
                "unit": "products", "clusters": (a, b)}

    def _cluster_value_share(self, i: RuleInstance) -> dict[str, Any]:
        cluster = i.key[0]
        return {"sentence": f"{self.words.cluster(cluster)} must take at least "
                            f"{self.inputs.min_cluster_value_share:.0%} of the value added", "clusters": (cluster,)}

    def _min_investment(self, i: RuleInstance) -> dict[str, Any]:
        cluster = i.key[0]
        amount = self.inputs.min_investment_per_open_site_yuan
        return {"sentence": f"each site opened in {self.words.cluster(cluster)} needs at least "
                            f"{_amount(amount, 'yuan')} of investment",
                "clusters": (cluster,)}

    def _open_sites_limit(self, i: RuleInstance) -> dict[str, Any]:
        cluster = i.key[0]
        limit = self.inputs.max_open_sites_per_cluster[cluster]
        sites = self.sites_in(cluster)
        room = self._room_text(cluster)
        opened = [f"{self.fmt(v, self.unit(p))} of {self.words.product(p)}" for p in self.focus
                  if limit > 0 and (v := self.open_room(cluster, p)) is not None]  # none to tell at a limit of 0
        text = (f"{self.words.cluster(cluster)} may open at most {limit} of its {_count(len(sites), 'candidate site')}"
                + (f" (all of them together have room for {room}"
                   + (f"; the {limit} it may open, at most {', '.join(opened)}" if opened else "") + ")"
                   if room else ""))
        # sites with existing or committed plants are open already and count toward the limit
        # (models/families/agglomeration.py): name them, as they use it up before anything is built
        already = [s for s in pre_opened_sites(self.inputs) if self.inputs.cluster_of_site[s] == cluster]
        if already:
            text += (f"; {joined([self.words.site(s) for s in already])} "
                     f"{'is' if len(already) == 1 else 'are'} open already with existing or committed plants and "
                     f"count{'s' if len(already) == 1 else ''} toward it")
            if len(already) > limit:
                text += (f": {_count(len(already), 'site')} open before anything is built, more than the limit "
                         f"of {limit}")
        return {"sentence": text, "unit": "sites", "clusters": (cluster,), "sites": tuple(sites),
                "settings": (("constraints", "agglomeration", "max_open_sites_per_cluster", cluster),)}

    def _budget(self, i: RuleInstance) -> dict[str, Any]:
        year = i.key[0]
        budget = _amount(self.inputs.budget_yuan_per_yr[year], "yuan")
        return {"sentence": f"investment in {year} may not exceed {budget}",
                "settings": (("constraints", "budget", "capex_yuan_per_yr", year),)}

    def _build_rate_sites(self, cluster: str, year: int) -> tuple[list[str], int]:
        """The sites of `cluster` that can decide modules in `year` (keys of BUILD, with the rules as
        the scenario has them; the cluster's candidate sites where none can), and how many
        candidate sites they stand for (a merged site for its members: `site_multiplicity`)."""
        inputs = self.inputs
        can = {s for s, _p, _m, t in inputs.index.build_keys if t == year and inputs.cluster_of_site[s] == cluster}
        sites = [s for s in self.sites_in(cluster) if s in can] or self.sites_in(cluster)
        return sites, sum(inputs.site_multiplicity.get(s, 1) for s in sites)

    def _build_rate_modules(self, i: RuleInstance) -> dict[str, Any]:
        cluster, year = i.key
        limit = self.inputs.max_modules_per_site_per_yr or 0
        sites, count = self._build_rate_sites(cluster, year)
        text = (f"at most {_count(limit, 'module')} may be decided at one site in one year, so at most "
                f"{_count(limit * count, 'module')} at {self.words.cluster(cluster)}'s {_count(count, 'site')} "
                f"in {year}")
        return {"sentence": text, "unit": "modules", "sites": tuple(sites), "clusters": (cluster,),
                "settings": (("constraints", "build_rate", "max_modules_per_site_per_yr"),)}

    def _build_rate_capex(self, i: RuleInstance) -> dict[str, Any]:
        cluster, year = i.key
        limit = self.inputs.max_capex_yuan_per_site_per_yr or 0.0
        sites, count = self._build_rate_sites(cluster, year)
        text = (f"at most {_amount(limit, 'yuan')} of capex may be decided at one site in one year, so at most "
                f"{_amount(limit * count, 'yuan')} at {self.words.cluster(cluster)}'s {_count(count, 'site')} in "
                f"{year}")
        return {"sentence": text, "sites": tuple(sites), "clusters": (cluster,),
                "settings": (("constraints", "build_rate", "max_capex_yuan_per_site_per_yr"),)}

    def _utilisation(self, i: RuleInstance) -> dict[str, Any]:
        product = i.key[0]
        share = self.inputs.min_utilisation.get(product, 0.0)
        util = self.inputs.utilisation.get(product, 1.0)
        sites = tuple(s for s, p in self.inputs.index.producing_pairs if p == product)
        text = (f"{self.words.product(product)} must make at least {share * 100:g}% of its usable capacity "
                f"(capacity in service x utilisation {util * 100:g}%) at every site and in every year, existing "
                "and committed plants included")
        return {"sentence": text, "unit": self.unit(product), "sites": sites,
                "settings": (("constraints", "utilisation", "min_share", product),)}

    def _recycling_demo(self, i: RuleInstance) -> dict[str, Any]:
        demo = self.inputs.recycling_demo
        rule = ("constraints", "recycling_demo")
        if demo is None:
            return {"sentence": "recycling goes only to demonstration sites", "settings": ((*rule, "enabled"),)}
        unit = self.unit(demo.product)
        sites = tuple(s for s, p in self.inputs.CANDIDATES if p == demo.product)
        text = (f"{self.words.product(demo.product)} goes only to {demo.min_sites} to {demo.max_sites} "
                "demonstration sites of at least "
                f"{self.fmt(demo.min_size_units_per_yr, unit)} each")
        keys = [(*rule, "min_sites"), (*rule, "max_sites"), (*rule, "min_size")]
        if demo.max_size_units_per_yr is not None:
            keys.append((*rule, "max_size"))
        if demo.min_run_share > 0:  # row demo_runs, hard in the diagnosis: the share is part of this rule
            text += (f", each making at least {demo.min_run_share * 100:g}% of its usable capacity (in service after "
                     "ramp-up, x utilisation) in every year of the plan"
                     + (" and the steady state" if self.inputs.STEADY_YEAR is not None else ""))
            keys.append((*rule, "min_run_share"))
        return {"sentence": text, "unit": unit, "sites": sites, "settings": tuple(keys)}


# -- pre-solve checks ----------------------------------------------------------------------------


def standing_capacity(inputs: ModelInputs, products: Sequence[str], year: int) -> tuple[float, float]:
    """(E, C) in units/yr: the existing capacity of `products` and their committed capacity
    online by `year`, over the model's producing pairs (models/index.py `producing_pairs`):
        E = sum_{s, p} E[s,p],        C = sum_{s, p} sum_{t' <= year} C[s,p,t']
    E + C is the part of sum_{s,p} K[s,p,year] (models/variables.py) that no decision changes:
    a committed project counts from its online year on, at its full nameplate."""
    wanted = set(products)
    producing = set(inputs.index.producing_pairs)
    existing = sum(units for pair, units in inputs.existing_capacity_units_per_yr.items()
                   if pair[1] in wanted and pair in producing)
    committed = sum(units for (s, p, t), units in inputs.committed_units_per_yr.items()
                    if p in wanted and t <= year and (s, p) in producing)
    return float(existing), float(committed)


def standing_available(inputs: ModelInputs, product: str, year: int) -> float:
    """The part of sum_s Kav[s,p,year] (units/yr, p = `product`) that no decision changes:
        sum_s E[s,p] + sum_{t' <= year} C[s,p,t'] - (1 - ramp[p]) C[s,p,year]
    as models/variables.py `add_capacity_accumulation` states it: a committed project produces
    at ramp[p] of its nameplate in its online year, in full afterwards, and in full in the
    steady-state year (`ModelInputs.ramp_share`)."""
    existing, committed = standing_capacity(inputs, (product,), year)
    ramp = inputs.ramp_share(product, year)
    if ramp >= 1.0:
        return existing + committed
    producing = set(inputs.index.producing_pairs)
    first = sum(units for (s, p, t), units in inputs.committed_units_per_yr.items()
                if p == product and t == year and (s, p) in producing)
    return existing + committed - (1.0 - ramp) * first


def lead_time_blocked(inputs: ModelInputs, products: Sequence[str], year: int) -> list[str]:
    """The products of `products` none of whose modules added within the plan produces by
    `year`: a module of p is decided at the earliest in the plan's first year t0 and first
    produces in t0 + L[p] (L: lead time in years, 0 when not given), after `year`
    (siting/prepare/checks.py `module_can_count`, the rule the preprocess notices state too)."""
    first = inputs.YEARS[0]
    return [p for p in products if not module_can_count(first, inputs.lead_time_yr.get(p, 0), year)]


def lead_time_text(describe: Describer, blocked: Sequence[str], year: int) -> str:
    """Why no module of the products `blocked` (`lead_time_blocked`) counts toward a target of
    `year`, in words: "no module of Cells added within the plan can count toward the 2024 target
    (Cells: lead time 1 yr; a module decided in 2024, the plan's first year, first produces in 2025
    at the earliest)"."""
    first = describe.inputs.YEARS[0]
    each = lead_times_in_words([(describe.words.product(p), describe.inputs.lead_time_yr.get(p, 0)) for p in blocked])
    earliest = first + min(describe.inputs.lead_time_yr.get(p, 0) for p in blocked)
    return (f"no module of {describe.words.products(blocked)} added within the plan can count toward the {year} "
            f"target ({each}; a module decided in {first}, the "
            f"plan's first year, first produces in {earliest} at the earliest)")


def lead_time_change(describe: Describer, blocked: Sequence[str], year: int) -> str:
    """The changes of the plan's years or of the lead times that would let a module of one of
    `blocked` count toward a target of `year`, in words."""
    first = describe.inputs.YEARS[0]
    shortest = min(describe.inputs.lead_time_yr.get(p, 0) for p in blocked)
    names = describe.words.products(blocked)
    return (f"start the plan in {year - shortest} or earlier (years), or shorten the lead time of {names} "
            f"(the catalog's lead_time_yr) to {year - first} yr")


def _has_committed(inputs: ModelInputs, products: Sequence[str]) -> bool:
    wanted = set(products)
    return any(p in wanted and units != 0 for (_s, p, _t), units in inputs.committed_units_per_yr.items())


def _within(bound: float, goal: float) -> bool:
    """bound >= goal, up to a relative 1e-6: the pre-check gives way to the MIP at the margin."""
    return bound >= goal - 1e-6 * max(1.0, abs(goal))


def presolve_findings(inputs: ModelInputs, units: Mapping[str, str] | None = None, names: Names | None = None
                      ) -> list[str]:
    """Strict targets that cannot be met, found before the MIP, each naming the target, the
    clusters and the figures (empty when none is found; the MIP may still be infeasible);
    clusters, products and resources by `names` (their ids without them).

    Each finding compares the target with an upper bound of what the model can reach, so that
    a finding proves the MIP infeasible (it never calls a feasible scenario infeasible):
    - capacity (group g, year t): E + C + the most each cluster's eligible land can add (after
      the red line, proximity and land; with the hosting limit, only the clusters with the
      most room count) falls short of T[g,t], with E the existing capacity and C the committed
      capacity online by t (`standing_capacity`); the room the red line and proximity take is
      named per cluster; with the build rate on and the land's room enough, E + C + what the
      sites may decide in the decision years whose modules are online by t (sum_s
      siting/prepare/checks.py `countable_units`) falls short of T[g,t];
    - output value (year t): full use of the existing capacity, of the committed capacity as
      it produces in t (`standing_available`) and of the modules that can produce in t (sum_s
      `producing_units`: none of a product whose lead time keeps every module from producing by
      t, those that can only be in their first year at ramp[p], within the land's room and the
      build rate), each unit at max(v[p,t], 0) * util[p], stays below V[t] under either of
      two limits, each an upper bound (the tighter counts): each capacity ceiling U[g] holding its group to
      max_p v[p,t] util[p] * U[g], or each raw
      resource holding the products that need it to its in-province supply in t plus its
      import cap (no limit when it may be imported without a cap);
    - together (year t, where no check above fired for t): the strict capacity targets and the
      output-value target of t cannot all be met on the same land, under the same ceilings,
      sources and value shares (`_JointProgram`, a linear program every plan meets; skipped
      above JOINT_MOST_PAIRS build pairs); its finding is given once, with every target of t it
      names.
    """
    return list(dict.fromkeys(text for _target, text in presolve_checks(inputs, units, names)))


def presolve_checks(inputs: ModelInputs, units: Mapping[str, str] | None = None, names: Names | None = None
                    ) -> list[tuple[RuleInstance, str]]:
    """`presolve_findings`, each with the target it finds out of reach as the diagnosis names it
    (`RuleInstance`: ("capacity_target", (group, year)) or ("output_value_target", (year,))),
    for `explain_findings`."""
    if not inputs.targets_strict:
        return []
    describe = Describer(inputs, units or {}, names=names)
    findings = []
    if "targets" in inputs.enabled_families:
        for (group, year), target in inputs.capacity_target_units.items():
            finding = _capacity_finding(describe, group, year, target)
            if finding:
                findings.append((RuleInstance("capacity_target", (group, year)), finding))
    if "output_value" in inputs.enabled_families:
        for year, goal in inputs.output_value_target_yuan.items():
            finding = _value_finding(describe, year, goal)
            if finding:
                findings.append((RuleInstance("output_value_target", (year,)), finding))
    # targets each within reach alone, but not together on the same land, ceilings and sources
    alone = {target.key[-1] for target, _text in findings}
    goals = inputs.output_value_target_yuan if "output_value" in inputs.enabled_families else {}
    capacity = inputs.capacity_target_units if "targets" in inputs.enabled_families else {}
    years = {t for (_g, t), v in capacity.items() if v > 0} | {t for t, v in goals.items() if v > 0}
    for year in sorted(years - alone):
        groups = [g for (g, t), v in capacity.items() if t == year and v > 0]
        joint = _joint_finding(describe, year, groups, max(goals.get(year, 0.0), 0.0))
        if joint:
            findings.extend((target, joint[1]) for target in joint[0])
    return findings


def _hosting_limit(inputs: ModelInputs, product: str) -> int | None:
    if "differentiation" not in inputs.enabled_families:
        return None
    return inputs.max_clusters_per_product.get(product)


def _standing_text(describe: Describer, members: Sequence[str], year: int, unit: str) -> tuple[float, str]:
    """E + C of `members` by `year` (`standing_capacity`) and the words for it."""
    existing, committed = standing_capacity(describe.inputs, members, year)
    text = f"existing capacity gives {describe.fmt(existing, unit)}"
    if committed or _has_committed(describe.inputs, members):
        text += f" and committed projects online by {year} give {describe.fmt(committed, unit)}"
    return existing + committed, text


def _capacity_finding(describe: Describer, group: str, year: int, target: float) -> str | None:
    inputs = describe.inputs
    members = inputs.TARGET_GROUPS.get(group, (group,))
    unit = describe.group_unit(group)
    standing, standing_words = _standing_text(describe, members, year, unit)
    need = target - standing
    room = describe.room()
    blocked = lead_time_blocked(inputs, members, year)
    counted = [p for p in members if p not in blocked]  # a module of a blocked product produces too late
    per_cluster = {c: sum(room.get((c, p), 0.0) for p in counted) for c in inputs.CLUSTERS}
    addable = 0.0
    limited: list[str] = []
    for p in counted:
        by_cluster = sorted((room.get((c, p), 0.0) for c in inputs.CLUSTERS), reverse=True)
        limit = _hosting_limit(inputs, p)
        if limit is not None and limit < len(by_cluster):
            limited.append(f"{describe.words.product(p)} may be hosted in at most {_count(limit, 'cluster')}, "
                           f"{HOSTED}")
            by_cluster = by_cluster[:limit]
        addable += sum(by_cluster)
    if _within(standing + addable, target):
        return _build_rate_finding(describe, group, year, target, counted, addable)
    causes = []
    for family, words in (("redline", "the red line"), ("proximity", "proximity")):
        if family not in inputs.enabled_families:
            continue
        without = describe.room(frozenset({family}))
        taken = {c: sum(without.get((c, p), 0.0) for p in counted) - per_cluster[c] for c in inputs.CLUSTERS}
        taken = {c: v for c, v in taken.items() if v > 1e-6}
        if taken:
            causes.append(f"{words} takes room for " + ", ".join(
                f"{describe.fmt(v, unit)} in {describe.words.cluster(c)}" for c, v in taken.items()))
    if blocked:
        causes.append(f"{lead_time_text(describe, blocked, year)}: to let one count, "
                      f"{lead_time_change(describe, blocked, year)}")
    clusters = "; ".join(f"{describe.words.cluster(c)} {describe.fmt(v, unit)} "
                         f"({_count(len(describe.sites_in(c)), 'site')})" for c, v in per_cluster.items())
    text = (f"capacity target {describe.words.product(group)} {year}: needs {_target_amount(target, unit)}, "
            f"{standing_words}, and the eligible land can add at most "
            f"{describe.fmt(addable, unit)}"
            + (f" ({'; '.join(limited)})" if limited else "")
            + f", short by {describe.fmt(need - addable, unit)}. Room per cluster: {clusters}"
            + (". " + "; ".join(causes)[:1].upper() + "; ".join(causes)[1:] if causes else "")
            + ". Relax the rules named, add sites or land, or set targets.strict: false")
    return text


#: The most of every strict target of a year that the model's land, ceilings and sources can hold
#: at once (`_JointProgram`) below which `_joint_finding` fires: 1 up to the pre-check's margin.
JOINT_SHARE_MARGIN = 1e-6


@dataclass(frozen=True)
class _Joint:
    """The strict targets of one year for `_JointProgram`: needs[g], what group g must add (units/yr;
    its target less E + C, `standing_capacity`); counted[g], its products a module of which
    counts by the year; goal, the output-value target (yuan, 0 without one)."""

    year: int
    needs: Mapping[str, float]
    counted: Mapping[str, Sequence[str]]
    goal: float


#: The most build pairs for which `_joint_finding` builds its linear program: one of the candidate
#: cells of scenarios/yunnan_2024_cells.yaml (44,730 pairs) takes about 8 s per target year, against
#: milliseconds for the shipped scenario's sites. Above it the check is skipped (no finding: the
#: MIP and the diagnosis decide).
JOINT_MOST_PAIRS = 5000


#: The limits of `_JointProgram` that can be left out one at a time to name the cause.
JOINT_LIMITS = ("land", "ceiling", "supply", "shares")


class _JointProgram:
    """The linear program of the joint pre-check, built once and solved with limits left out.

    lambda is the largest share of every strict target of `joint` that the model can meet at
    once, by a linear program that every plan meets (so lambda < 1 proves that no plan meets
    them together).

    Over the build pairs (s,p) (models/index.py `build_pairs`), c[s,p] >= 0 is the capacity of p
    the plan adds at s over the plan (units/yr), k[s,p] <= c[s,p] the part that counts toward a
    capacity target of the year (0 for a product whose lead time keeps it out, `lead_time_blocked`)
    and q[s,p] <= min(c[s,p], `producing_units`) the part producing in the year; Y[p] >= 0 is
    the production of p in the year:
        sum_{p in counted[g]} sum_s k[s,p] >= lambda need[g]              every capacity target g,
        sum_p max(v[p,t], 0) Y[p] >= lambda V[t]                         the output-value target,
        Y[p] <= util[p] (Kav0[p] + sum_s q[s,p])                         (Kav0: `standing_available`),
        c[s,p] <= Amax[s,p]                                              (`max_added_units`),
        land: sum_{q : L[s,q] <= l} c[s,q] / rho[s,q] <= l               every level l at s (ha),
        ceiling: sum_{p in g} sum_s c[s,p] <= U[g] - E - C by the last year   (`group_ceilings`),
        supply: sum_{p : r first} a[p,r] Y[p] <= supply[r,t] + import cap[r,t]  (no row where r
            may be imported without a cap),
        shares: the rows of models/families/differentiation.py on A[s,p] = c[s,p] (the capacity
            decided at s by the last year): sum_{s in c, p in lead[c]} v[p] c[s,p] >= share_lead
            sum_{s in c, p} v[p] c[s,p] and sum_{s in c, p} v[p] c[s,p] >= share_cluster
            sum_{s, p} v[p] c[s,p], every cluster c,
        0 <= lambda <= 1,
    with rho[s,p] the most capacity per hectare of a module of p that fits at s. Every plan gives
    a solution: its modules of p at s add c[s,p] = sum_m size[m] n[m] and take at least
    c[s,p] / rho[s,p] ha, which models/families/land.py holds to each level (its rows count
    every product and module); the capacity counted in the year, the capacity producing in it
    and its production are parts of what is added; the ceiling caps the group's capacity in the last year,
    which holds every module decided; each unit made needs a[p,r] t of its first resource r, from
    the sources or imports. Rules left out (the hosting limit, the open-site limits, the chain balance, the build rate
    beyond `producing_units`, integrality, ...) only lower what a plan can do: leaving them out
    keeps the bound valid. None when the program is not solved to optimality (nothing is then
    claimed)."""

    def __init__(self, describe: Describer, joint: _Joint):
        import highspy

        self.highspy = highspy
        inputs = describe.inputs
        index = inputs.index
        self.inputs, self.index, self.joint = inputs, index, joint
        self.pairs = [pair for pair in index.build_pairs if index.max_added_units.get(pair, 0.0) > 0]
        self.h = quiet_highs()  # HiGHS's banner, on a process's first, captured under HIGHS_OUTPUT_LOCK
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("threads", 1)  # as a solve by default: HiGHS makes its scheduler for the first run's
        self.inf = highspy.kHighsInf
        self.rows: dict[str, list[tuple[int, float, float]]] = defaultdict(list)  # limit -> (row, lower, upper)
        self.area = {}
        for s, p in self.pairs:
            rho = max((spec.capacity_units_per_yr / spec.land_ha for spec in index.modules_of_product[p]
                       if index.module_bound.get((s, p, spec.module_id), 0) > 0 and spec.land_ha > 0), default=0.0)
            self.area[(s, p)] = 1.0 / rho if rho > 0 else 0.0
        self.c = {pair: self._column(index.max_added_units[pair]) for pair in self.pairs}
        self.lam = self._column(1.0)
        self.h.changeColCost(self.lam, -1.0)
        self._targets()
        self.y = self._production() if joint.goal > 0 else {}
        if "land" in inputs.enabled_families:
            self._land()
        self._ceilings()
        if "supply" in inputs.enabled_families:
            self._supply()
        if "differentiation" in inputs.enabled_families:
            self._shares()

    def _column(self, upper: float) -> int:
        self.h.addVar(0.0, upper)
        return int(self.h.getNumCol()) - 1

    def _row(self, limit: str, lower: float, upper: float, terms: Sequence[tuple[int, float]]) -> None:
        terms = [(i, a) for i, a in terms if a != 0]
        if terms:
            self.h.addRow(lower, upper, len(terms), [i for i, _a in terms], [a for _i, a in terms])
            self.rows[limit].append((int(self.h.getNumRow()) - 1, lower, upper))

    def _targets(self) -> None:
        joint, inf = self.joint, self.inf
        wanted = {p for products in joint.counted.values() for p in products}
        self.k = {pair: self._column(inf) for pair in self.pairs if pair[1] in wanted}
        for pair, i in self.k.items():
            self._row("target", -inf, 0.0, [(i, 1.0), (self.c[pair], -1.0)])
        for group, need in joint.needs.items():
            self._row("target", 0.0, inf, [(i, 1.0) for pair, i in self.k.items() if pair[1] in joint.counted[group]]
                      + [(self.lam, -need)])

    def _production(self) -> dict[str, int]:
        inputs, year, inf = self.inputs, self.joint.year, self.inf
        price = {p: max(value_per_unit(inputs, p, year), 0.0) for p in inputs.PRODUCTS}
        at: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pair in self.pairs:
            at[pair[1]].append(pair)
        y: dict[str, int] = {}
        for p in inputs.PRODUCTS:
            if price[p] <= 0:
                continue
            util = inputs.utilisation.get(p, 1.0)
            y[p] = self._column(inf)
            terms = [(y[p], 1.0)]
            for pair in at[p]:
                q = self._column(producing_units(inputs, pair[0], p, year))
                self._row("target", -inf, 0.0, [(q, 1.0), (self.c[pair], -1.0)])
                terms.append((q, -util))
            self._row("target", -inf, util * max(standing_available(inputs, p, year), 0.0), terms)
        self._row("target", 0.0, inf, [(i, price[p]) for p, i in y.items()] + [(self.lam, -self.joint.goal)])
        return y

    def _land(self) -> None:
        index = self.index
        at: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pair in self.pairs:
            at[pair[0]].append(pair)
        for pairs in at.values():
            for level in sorted({index.land_ha[pair] for pair in pairs}):
                self._row("land", -self.inf, level,
                          [(self.c[pair], self.area[pair]) for pair in pairs if index.land_ha[pair] <= level])

    def _ceilings(self) -> None:
        inputs = self.inputs
        last = inputs.YEARS[-1]
        for group, ceiling in group_ceilings(inputs).items():
            members = set(inputs.TARGET_GROUPS[group])
            left = ceiling - sum(standing_capacity(inputs, tuple(members), last))
            if left >= 0:  # below 0 the MIP says it
                self._row("ceiling", -self.inf, left,
                          [(self.c[pair], 1.0) for pair in self.pairs if pair[1] in members])

    def _supply(self) -> None:
        inputs = self.inputs
        for limit in resource_limits(inputs, list(self.y), self.joint.year):
            self._row("supply", -self.inf, max(limit.supply_t + limit.imports_t, 0.0),
                      [(self.y[p], inputs.resource_t_per_unit[(p, limit.resource)]) for p in limit.products])

    def _shares(self) -> None:
        inputs = self.inputs
        worth = {pair: inputs.output_value_yuan_per_unit.get(pair[1], 0.0) / MONEY_UNIT_YUAN for pair in self.pairs}
        for cluster in inputs.CLUSTERS:
            lead = set(inputs.lead_products.get(cluster, ()))
            own = {pair for pair in self.pairs if inputs.cluster_of_site[pair[0]] == cluster}
            if inputs.lead_share_min > 0 and lead:
                self._row("shares", 0.0, self.inf, [(self.c[pair], worth[pair] * ((pair[1] in lead)
                                                                                - inputs.lead_share_min))
                                                    for pair in self.pairs if pair in own])
            if inputs.min_cluster_value_share > 0:
                self._row("shares", 0.0, self.inf, [(self.c[pair], worth[pair] * ((pair in own)
                                                                                - inputs.min_cluster_value_share))
                                                    for pair in self.pairs])

    def share(self, off: frozenset[str] = frozenset()) -> float | None:
        """lambda with the limits of JOINT_LIMITS in `off` left out; None when not solved to
        optimality (nothing is then claimed)."""
        return self._solve(off, least_land=False)

    def least_land(self) -> float | None:
        """The least land (ha) that meets every target in full without the land rows (lambda = 1,
        the land's area as the cost); None where the other rows cannot meet them."""
        return self._solve(frozenset({"land"}), least_land=True)

    def _solve(self, off: frozenset[str], least_land: bool) -> float | None:
        h, inf = self.h, self.inf
        for limit in off:
            for row, _lower, _upper in self.rows.get(limit, ()):
                h.changeRowBounds(row, -inf, inf)
        if least_land:
            h.changeColBounds(self.lam, 1.0, 1.0)
            h.changeColCost(self.lam, 0.0)
            for pair, i in self.c.items():
                h.changeColCost(i, self.area[pair])
        with HIGHS_OUTPUT_LOCK:  # one HiGHS run at a time in the process, as every solve (solve.py `_run`)
            h.run()
        solved = h.getModelStatus() == self.highspy.HighsModelStatus.kOptimal
        value = h.getInfo().objective_function_value
        for limit in off:
            for row, lower, upper in self.rows.get(limit, ()):
                h.changeRowBounds(row, lower, upper)
        if least_land:
            h.changeColBounds(self.lam, 0.0, 1.0)
            h.changeColCost(self.lam, -1.0)
            for i in self.c.values():
                h.changeColCost(i, 0.0)
        if not solved:
            return None
        return float(value) if least_land else -float(value)


#: What each limit of JOINT_LIMITS is, the settings that move it (full scenario keys) and what
#: else moves it, in words, for `_joint_finding`.
JOINT_WORDS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "land": ("the sites' usable land", ("constraints.redline", "constraints.proximity"),
             ("add sites or usable land",)),
    "ceiling": ("the capacity ceilings", ("targets.capacity_ceiling_factor",), ()),
    "supply": ("the raw-material sources", (), ("raise the sources' supply or the import caps",)),
    "shares": ("the value shares of the clusters and of their lead products",
               ("constraints.differentiation.min_cluster_value_share", "constraints.differentiation.lead_share_min"),
               ()),
}


def _joint_advice(keys: Sequence[str], limits: Sequence[str]) -> str:
    """What to do about strict targets that cannot be met together, as a list of the changes any
    one of which helps, each naming the settings it moves by their full keys: the targets `keys`
    (lowered), the settings of the `limits` (JOINT_WORDS), what else moves those, and the targets
    made soft. "Lower targets.capacity.P.2030 or targets.output_value_yuan.2030; change
    constraints.redline, constraints.proximity or targets.capacity_ceiling_factor; add sites or
    usable land; or set targets.strict: false"."""
    settings = list(dict.fromkeys(key for limit in limits for key in JOINT_WORDS[limit][1]))
    others = list(dict.fromkeys(text for limit in limits for text in JOINT_WORDS[limit][2]))
    parts = [f"Lower {joined(keys, last='or')}"] if keys else []
    parts += [f"change {joined(settings, last='or')}"] if settings else []
    return "; ".join([*parts, *others, "or set targets.strict: false"])


def _joint_finding(describe: Describer, year: int, groups: Sequence[str], goal: float
                   ) -> tuple[list[RuleInstance], str] | None:
    """The strict targets of `year` (the capacity targets of `groups` and the output-value
    target `goal`, 0 without one), each within reach by the checks alone, that the model cannot
    meet together (`_JointProgram.share` < 1): the targets and the words; None when it can meet them, or
    when there is a single capacity target and no output-value target (the check alone decides)."""
    inputs = describe.inputs
    needs: dict[str, float] = {}
    counted: dict[str, list[str]] = {}
    for group in groups:
        members = inputs.TARGET_GROUPS.get(group, (group,))
        target = inputs.capacity_target_units[(group, year)]
        need = target - sum(standing_capacity(inputs, members, year))
        products = [p for p in members if p not in lead_time_blocked(inputs, members, year)]
        if need > 1e-6 * max(1.0, target) and products:
            needs[group], counted[group] = need, products
    if (len(needs) < 2 and not goal > 0) or len(inputs.index.build_pairs) > JOINT_MOST_PAIRS:
        return None
    program = _JointProgram(describe, _Joint(year, needs, counted, goal))
    share = program.share()
    if share is None or share >= 1.0 - JOINT_SHARE_MARGIN:
        return None
    without = {limit: program.share(frozenset({limit})) or 0.0 for limit in JOINT_LIMITS}
    causes = [limit for limit in JOINT_LIMITS if without[limit] >= 1.0 - JOINT_SHARE_MARGIN]
    binding = [limit for limit in JOINT_LIMITS if without[limit] > share + JOINT_SHARE_MARGIN] or list(JOINT_LIMITS)
    targets = [RuleInstance("capacity_target", (g, year)) for g in groups if g in needs]
    each = [f"{describe.words.product(g)} {describe.fmt(needs[g], describe.group_unit(g))} added" for g in groups
            if g in needs]
    if goal > 0:
        targets.append(RuleInstance("output_value_target", (year,)))
        each.append(f"output value {_target_amount(goal, 'yuan')}")
    offered: dict[str, float] = dict.fromkeys(inputs.CLUSTERS, 0.0)
    for site in inputs.SITES:
        levels = [inputs.index.land_ha[pair] for pair in inputs.index.build_pairs if pair[0] == site]
        if levels:
            offered[inputs.cluster_of_site[site]] += max(levels)
    per_cluster = "; ".join(f"{describe.words.cluster(c)} {v:,.1f} ha" for c, v in offered.items())
    land = f"the eligible sites offer {sum(offered.values()):,.1f} ha ({per_cluster})"
    if needs and not goal > 0:
        needed = program.least_land()
        if needed is not None:
            land = (f"at the most capacity per hectare their modules give they take at least {needed:,.1f} ha, and "
                    + land)
    keys = [f"targets.capacity.{g}.{year}" for g in groups if g in needs]
    keys += [f"targets.output_value_yuan.{year}"] if goal > 0 else []
    if causes:
        cause = "without " + ", or without ".join(JOINT_WORDS[c][0] for c in causes) + " they could be met together"
    else:
        named = ", ".join(JOINT_WORDS[c][0] for c in binding)
        cause = f"{named} together keep them from being met together"
    text = (f"strict targets {year} together, which the checks of each alone let pass: they need "
            f"{', '.join(each)}; {land}; {cause}: at most {math.floor(share * 1000) / 10:.1f}% of each can be met "
            f"together. {_joint_advice(keys, causes or binding)}")
    return targets, text


@dataclass(frozen=True)
class ResourceLimit:
    """What a raw resource can feed in a year (`resource_limits`): the products that need it first,
    its in-province supply (t/yr, its sources summed), the most that may be imported (t/yr, 0 where
    it may not be), and whether it may be imported."""

    resource: str
    products: tuple[str, ...]
    supply_t: float
    imports_t: float
    importable: bool


def resource_limits(inputs: ModelInputs, products: Sequence[str], year: int) -> list[ResourceLimit]:
    """The raw resources that limit `products` in `year`, for the pre-checks' upper bounds: each
    product under the first resource it needs (in RESOURCES order; a product needing several is
    counted under one, which only loosens the bound), each resource with its sources' supply and
    its import cap; none for a resource that may be imported without a cap."""
    by_resource: dict[str, list[str]] = defaultdict(list)
    for p in products:
        needs = [r for r in inputs.RESOURCES if inputs.resource_t_per_unit.get((p, r), 0.0) > 0]
        if needs:
            by_resource[needs[0]].append(p)
    limits = []
    for r, needing in by_resource.items():
        importable = (r, year) in inputs.resource_import_price_yuan_per_t
        cap = inputs.resource_import_cap_t_per_yr.get((r, year))
        if importable and cap is None:
            continue
        supply = sum(inputs.supply_t_per_yr.get((k, year), 0.0) for k in inputs.SOURCES
                     if inputs.resource_of_source[k] == r)
        limits.append(ResourceLimit(r, tuple(needing), supply, max(cap or 0.0, 0.0) if importable else 0.0,
                                    importable))
    return limits


def _value_finding(describe: Describer, year: int, goal: float) -> str | None:
    inputs = describe.inputs
    standing = {p: standing_available(inputs, p, year) for p in inputs.PRODUCTS}
    added: dict[str, float] = defaultdict(float)
    for s, p in inputs.index.build_pairs:  # only what produces by the year (lead time, ramp-up, build rate)
        added[p] += producing_units(inputs, s, p, year)
    capacity: dict[str, float] = {p: standing[p] + added[p] for p in inputs.PRODUCTS}
    price = {p: max(value_per_unit(inputs, p, year), 0.0) for p in inputs.PRODUCTS}
    per_unit = {p: price[p] * inputs.utilisation.get(p, 1.0) for p in inputs.PRODUCTS}
    value = {p: per_unit[p] * max(capacity[p], 0.0) for p in inputs.PRODUCTS}
    unlimited = sum(value.values())
    # the capacity ceilings: each product under the first group with a ceiling that holds it
    ceiling_notes = []
    ceiling_bound = unlimited
    placed: set[str] = set()
    for group, ceiling in group_ceilings(inputs).items():
        members = [p for p in inputs.TARGET_GROUPS[group] if p in value and p not in placed]
        placed.update(members)
        held = sum(value[p] for p in members)
        most = max((per_unit[p] for p in members), default=0.0) * ceiling
        if most < held - 1e-6:
            ceiling_notes.append(f"the {describe.words.product(group)} ceiling of "
                                 f"{describe.fmt(ceiling, describe.group_unit(group))} holds its value to "
                                 f"{_amount(most, 'yuan')}")
            ceiling_bound -= held - most
    # the raw resources: each product under the first resource it needs
    supply_notes = []
    supply_bound = unlimited
    if "supply" in inputs.enabled_families:
        for limit in resource_limits(inputs, list(inputs.PRODUCTS), year):
            r, products, supply, imports = limit.resource, limit.products, limit.supply_t, limit.imports_t
            importable = limit.importable
            best = max(price[p] / inputs.resource_t_per_unit[(p, r)] for p in products)
            fed = max(supply + imports, 0.0) * best
            held = sum(value[p] for p in products)
            if fed < held - 1e-6:
                brought = f" and imports at most {imports:,.0f} t/yr" if importable else ""
                supply_notes.append(f"the {describe.words.resource(r)} sources supply {supply:,.0f} t/yr{brought}, "
                                    f"enough for {describe.words.products(products)} "
                                    f"worth at most {_amount(fed, 'yuan')}, though their capacity could give "
                                    f"{_amount(held, 'yuan')}")
                supply_bound -= held - fed
    bound = min(ceiling_bound, supply_bound)
    if _within(bound, goal):
        return None
    committed = f", of the committed projects as they produce in {year}" if _has_committed(inputs, inputs.PRODUCTS) \
        else ""
    notes = " (" + "; ".join(ceiling_notes + supply_notes) + ")" if ceiling_notes or supply_notes else ""
    relax = "Relax the rules that limit the land or the sources, add sources, or set targets.strict: false"
    timing = _value_timing(describe, year, per_unit, standing, added)
    if timing is None:
        return (f"output value target {year}: needs {_target_amount(goal, 'yuan')}, but full use of existing capacity"
                f"{committed} and of all the eligible land can give at most {_amount(bound, 'yuan')}{notes}. {relax}")
    return (f"output value target {year}: needs {_target_amount(goal, 'yuan')}, but full use of existing capacity"
            f"{committed} and of the modules the eligible land can take that produce in {year} can give at most "
            f"{_amount(bound, 'yuan')}{notes}. {timing}. {relax}")


def _value_timing(describe: Describer, year: int, per_unit: Mapping[str, float], standing: Mapping[str, float],
                  added: Mapping[str, float]) -> str | None:
    """What the output value of `year` can count, by product, and why modules added within the
    plan count less than the land could take (`per_unit`: yuan per unit of capacity at full use;
    `standing` and `added`: the capacity of each product producing in `year`, units/yr, that no
    decision changes and that modules can add): a lead time that keeps every module of a product
    from producing by then (`lead_time_blocked`), modules that can only produce in their first
    year, at their ramp-up share (`only_first_year`), and the build rate. None when none of these
    lowers the bound of `_value_finding` (its words are then those of the land and the sources)."""
    inputs = describe.inputs
    worth = [p for p in inputs.PRODUCTS if per_unit[p] > 0]
    room: dict[str, float] = defaultdict(float)  # what the land could take over the whole plan
    for pair, units in inputs.index.max_added_units.items():
        room[pair[1]] += units
    blocked = [p for p in lead_time_blocked(inputs, worth, year) if room[p] > 0]
    ramped = [p for p in worth if added[p] > 0 and inputs.ramp_up_share.get(p, 1.0) < 1.0
              and only_first_year(inputs, p, year)]
    rated = False
    if build_rate_limited(inputs):
        free = sum(producing_units(inputs, s, p, year, rate=False) for s, p in inputs.index.build_pairs if p in worth)
        rated = free > sum(added[p] for p in worth) + 1e-9 * max(1.0, free)
    if not (blocked or ramped or rated):
        return None
    each = [_producing_text(describe, p, year, per_unit[p], standing[p], added[p])
            for p in worth if standing[p] > 0 or added[p] > 0]
    causes = [_blocked_text(describe, blocked, year, per_unit, room)] if blocked else []
    causes += _ramp_texts(describe, ramped, year)
    if rated:
        causes.append(f"the build rate ({_rate_settings(inputs)}) holds what each site may decide in a year")
    cause = "; ".join(causes)
    can = f"by product: {'; '.join(each)}" if each else "none"
    return f"Capacity that can produce in {year}, {can}. {cause[:1].upper()}{cause[1:]}"


def _producing_text(describe: Describer, product: str, year: int, per_unit: float, standing: float,
                    added: float) -> str:
    """A product's capacity producing in `year` and its worth at full use, in words: "LFP 150,000
    t/yr (50,000 t/yr existing and 100,000 t/yr from modules added), worth 6.00 bn yuan"."""
    unit = describe.unit(product)
    committed = standing_capacity(describe.inputs, (product,), year)[1] > 0
    parts = [text for text, units in ((f"{describe.fmt(standing, unit)} existing" + " and committed" * committed,
                                       standing),
                                      (f"{describe.fmt(added, unit)} from modules added", added)) if units > 0]
    amount = f"{describe.fmt(standing + added, unit)} ({' and '.join(parts)})" if len(parts) == 2 else parts[0]
    return f"{describe.words.product(product)} {amount}, worth {_amount(per_unit * (standing + added), 'yuan')}"


#: The most products whose room a lead time keeps out of an output-value target are named one by
#: one with their room (above it, the product with the most valuable room alone).
BLOCKED_NAMED = 3


def _blocked_text(describe: Describer, blocked: Sequence[str], year: int, per_unit: Mapping[str, float],
                  room: Mapping[str, float]) -> str:
    """Why no module of the products `blocked` counts toward the output value of `year`
    (`lead_time_text`), what the land could take of them (`room`, units/yr: each alone, since
    they share it) and what would let one count (`lead_time_change`)."""

    def could_take(p: str) -> str:
        return (f"{describe.fmt(room[p], describe.unit(p))} of {describe.words.product(p)} (worth "
                f"{_amount(per_unit[p] * room[p], 'yuan')} in {year})")

    if len(blocked) == 1:
        could = could_take(blocked[0])
    elif len(blocked) <= BLOCKED_NAMED:
        could = "each alone " + ", ".join(could_take(p) for p in blocked)
    else:
        richest = max(blocked, key=lambda p: per_unit[p] * room[p])
        could = f"modules of each, {could_take(richest)} alone"
    return (f"{lead_time_text(describe, blocked, year)}, though the eligible land could take {could}: to let one "
            f"count, {lead_time_change(describe, blocked, year)}")


def _ramp_texts(describe: Describer, ramped: Sequence[str], year: int) -> list[str]:
    """For the products `ramped` (`only_first_year`), those of one decision year and ramp-up
    share together: "modules of p and q decided in 2021 first produce in 2022, at 50% of their
    nameplate (their ramp-up share)"."""
    inputs = describe.inputs
    ramps: dict[tuple[int, float], list[str]] = defaultdict(list)  # (decision year, ramp) -> products
    for p in ramped:
        ramps[(year - inputs.lead_time_yr.get(p, 0), inputs.ramp_up_share.get(p, 1.0))].append(p)
    texts = []
    for (decided, ramp), products in ramps.items():
        one = len(products) == 1
        its = "its" if one else "their"
        texts.append(f"{'a module' if one else 'modules'} of {describe.words.products(products)} decided in "
                     f"{decided} first produce{'s' * one} in {year}, at {ramp:.0%} of {its} nameplate ({its} "
                     "ramp-up share)")
    return texts


def _rate_settings(inputs: ModelInputs) -> str:
    """The build rate's limits that are given, by their scenario keys:
    "constraints.build_rate.max_modules_per_site_per_yr: 1; constraints.build_rate.max_capex_yuan_per_site_per_yr:
    2.50 bn yuan"."""
    modules, capex = inputs.max_modules_per_site_per_yr, inputs.max_capex_yuan_per_site_per_yr
    given = [("max_modules_per_site_per_yr", None if modules is None else f"{modules:,}"),
             ("max_capex_yuan_per_site_per_yr", None if capex is None else _amount(capex, "yuan"))]
    return "; ".join(f"constraints.build_rate.{key}: {value}" for key, value in given if value is not None)


def _build_rate_finding(describe: Describer, group: str, year: int, target: float, counted: Sequence[str],
                        addable: float) -> str | None:
    """A capacity target the land could reach (`addable`: what `_capacity_finding` found the
    eligible land can add toward it) but the build rate keeps out of reach: the sites can decide
    at most sum_s `countable_units` of the group's products that count by `year` (`counted`:
    those a lead time leaves), and with E + C (`standing_capacity`) that falls short of the
    target. None when the build rate is off or without a limit, or the target is within reach,
    or the rows of the model without the build rate already keep it out (the rate is then not
    the cause, and nothing is said: the MIP decides)."""
    inputs = describe.inputs
    if not build_rate_limited(inputs) or not counted:
        return None
    members = inputs.TARGET_GROUPS.get(group, (group,))
    unit = describe.group_unit(group)
    standing, standing_words = _standing_text(describe, members, year, unit)
    free_at = {s: countable_units(inputs, s, counted, year, rate=False) for s in inputs.SITES}
    sites = [s for s, units in free_at.items() if units > 0]
    free = sum(free_at.values())
    most = sum(countable_units(inputs, s, counted, year) for s in sites)
    if _within(standing + min(addable, most), target) or not _within(standing + min(addable, free), target):
        return None
    decided = sorted({t for p in counted for t in counting_years(inputs, p, year)})
    years = (f"in {decided[0]}" if len(decided) == 1 else f"in {decided[0]} and {decided[1]}" if len(decided) == 2
             else f"from {decided[0]} to {decided[-1]}")  # the plan's years are consecutive
    keys = " or ".join(key.split(":")[0] for key in _rate_settings(inputs).split("; "))
    return (f"capacity target {describe.words.product(group)} {year}: needs {_target_amount(target, unit)}, "
            f"{standing_words}, and the eligible land could add {describe.fmt(addable, unit)}, but the build rate "
            f"({_rate_settings(inputs)}, per site and year) lets the {_count(len(sites), 'site')} with room decide at "
            f"most {describe.fmt(most, unit)} of it that counts by {year} (modules decided {years}), short by "
            f"{describe.fmt(target - standing - most, unit)}. Raise {keys}, start the plan earlier (years), or set "
            "targets.strict: false")
