"""Near-optimal alternatives (modelling to generate alternatives) and how robust each site is.

After the cost-optimal plan, `near_optimal_plans` finds N more plans whose cost stays within
`slack` of it (the cost row `total_cost <= C + slack * C`, with C the cost of the best plan
found; C + slack |C| when the objective is negative, revenue exceeding cost) and that
differ as much as possible from every plan before them. Difference is
counted on what a planner sees, the yes/no decisions

    b[s,p]  `builds`: site s adds capacity of product p   (A[s,p] <= Amax[s,p] b[s,p],
                                                            b[s,p] <= sum_{m,t} x[s,p,m,t])
    h[c,p]  cluster c hosts p (the model's `hosts`)
    o[s]    site s is opened (the model's `opened`, when agglomeration is on)

and the capacity by cluster and product. Each alternative minimises its overlap with the plans
before it (the hop-skip-jump form of MGA):

    sum_i n_i z_i  +  sum_{s,p} share[c(s),p] A[s,p] / R[p]  +  EPSILON * cost / C

with n_i the number of earlier plans where decision z_i is 1, share[c,p] the summed share of
p's additions that earlier plans placed in cluster c, and R[p] the most capacity of p the
eligible land can take. A decision no earlier plan took costs nothing, so the plan moves to
sites, clusters and products mixes not used before wherever the cost cap allows; the small
cost term breaks ties toward the cheaper plan, so that no plan scatters modules for nothing.
(Rewarding every new decision instead, the Hamming distance, spreads small modules over every
site the cap can pay for.)

Each alternative differs from every plan before it by construction: a no-good cut on the
pattern B_k of (site, product) decisions of each earlier plan k,

    sum_{(s,p) in B_k} (1 - b[s,p])  +  sum_{(s,p) not in B_k} b[s,p]  >=  1,

so no plan repeats another; when no other pattern fits under the cost cap the search ends and
says so. Each alternative's search is limited by work, not by wall time: at most NODE_LIMIT
branch-and-bound nodes (HiGHS `mip_max_nodes`; CLUSTER_NODE_LIMIT over clusters), one
thread, the scenario's random seed, so the same inputs give the same plans on any machine.
The scenario's time limit stays as a safety net; a search it stops is marked `time limit` in
the comparison table (`stopped_by`) and in the report, since its plan may then differ between
runs.

Two stages. The alternatives first keep the optimum's module counts by cluster, size and year
(models/counts.py, `fix_module_counts`): each moves the same modules among the sites of their
clusters, a search HiGHS proves within a second or two (on scenarios/yunnan_2024.yaml at a 2 %
gap, 5 % slack: 0.4-1.0 s each, 0.5-0.7 % over the optimum, within its proven gap of 1.7 %, so not
proven dearer). That stage never changes the split
of capacity between clusters, so it yields at most half of the alternatives asked for, rounded
up (`sites_first`: one of one or two, two of four, five of ten); the rest are searched with the
counts freed, over clusters too, as are all the alternatives after the first stage finds no
other pattern within the counts (proven, or none found within the node limit). Each alternative says which (`scope`:
"sites" or "clusters"). The free search is harder: it stops at its node limit
(CLUSTER_NODE_LIMIT, 500 nodes) and spends most of the slack, moving most products between
clusters (measured on the same scenario: two such alternatives 4.5-4.9 % over the optimum,
12-25 s each; 2,000 nodes gave the first the same plan and took up to 67 s).

Each search starts from the plan found last (HiGHS `setSolution`). That plan breaks its own
cut, so each cut carries a repeat variable r in [0, 1] (cut + r >= 1) priced above anything
the overlap can reach (`repeat_weight`): the start is feasible, and a plan with any r = 1
(repeating the start or any earlier plan) is only kept by a search that found nothing new,
which then ends that stage. (Measured on the shipped
scenario: without a start, 2,000 nodes found no plan at all within the cap.) Each
alternative's cost is read from its plan.

The search runs on the model the optimum was solved on: with candidate cells, the screened
model (siting/optimize/screening.py), whose sites are those the optimum's screening kept, the
parks and a few cells; no alternative builds on another cell. The set's `searched_sites` names
them, for the files that say so (siting/deliver/explore.py).

`robustness` counts, for each site and product, the share of the plans (the optimum and its
alternatives) that build there: 1.0 for a site every good plan needs, less for sites that are
interchangeable.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyomo.core as pyo
from pyomo.common.collections import ComponentMap

from models import MONEY_UNIT_YUAN, ModelInputs, build_model
from models.counts import CountKey, add_module_counts, fix_module_counts, free_module_counts
from models.variables import added_by
from siting.config import progress
from siting.config.units import slack_percent as slack_percent  # re-exported: importable from here too
from siting.optimize.counts import solve_by_counts
from siting.optimize.results import Plan, clean, extract_plan, outward
from siting.optimize.solve import SolveReport, SolverSettings, new_solver, solve_model
from siting.optimize.solve import warm_started as warm_started  # re-exported: importable from here too

#: Weight of the capacity term against one yes/no decision.
CAPACITY_WEIGHT = 1.0

#: Weight of the cost (over the optimum's cost) that breaks ties toward cheaper plans.
EPSILON = 0.01

#: Branch-and-bound nodes each alternative's search may explore (HiGHS `mip_max_nodes`).
NODE_LIMIT = 2000

#: The same for a search with the counts freed (scope "clusters"): it stops at its node limit
#: with the plan it found first on the shipped scenario, 2,000 nodes taking up to a minute.
CLUSTER_NODE_LIMIT = 500

#: What ended a solve, by Pyomo's termination name: the words of the comparison table.
STOPPED_BY = {"convergenceCriteriaSatisfied": "gap reached", "iterationLimit": "node limit",
              "maxTimeLimit": "time limit", "screeningEnded": "screening ended above the gap"}

#: The termination an alternative's own outputs carry (its manifest and report): its search
#: minimised the overlap, so how it ended says nothing of its cost (bounded by the slack).
ALTERNATIVE_TERMINATION = "nearOptimalAlternative"

#: What an alternative's search could change (`Alternative.scope`): only the sites, the optimum's
#: modules by cluster, size and year kept; or the clusters too.
SCOPE_SITES = "sites"
SCOPE_CLUSTERS = "clusters"


def alternative_settings(settings: SolverSettings, node_limit: int = NODE_LIMIT) -> SolverSettings:
    """The settings of each alternative's search: `settings` with one thread and at most
    `node_limit` nodes (unless the scenario's options set `mip_max_nodes` themselves); the
    scenario's gap, seed and time limit (a safety net) are kept."""
    options = dict(settings.options)
    options.setdefault("mip_max_nodes", node_limit)
    return dataclasses.replace(settings, threads=1, options=tuple(options.items()))


def sites_first(count: int) -> int:
    """How many of `count` alternatives the first stage (the optimum's counts kept) may find:
    all of one, at most half of more, rounded up; the others are searched over clusters."""
    return count if count < 2 else math.ceil(count / 2)


@dataclass(frozen=True)
class Alternative:
    """One plan of the near-optimal set: `label` (`optimum`, `alt01`, ...), the solve report of
    its own solve (for an alternative the objective is the difference, not the cost), the plan,
    and its cost in yuan computed from the plan (`cost_yuan`)."""

    label: str
    report: SolveReport
    plan: Plan
    #: SCOPE_SITES or SCOPE_CLUSTERS for an alternative (see the module docstring); "" for the optimum.
    scope: str = ""

    @property
    def cost_yuan(self) -> float:
        """The plan's discounted cost: the sum of its cost components (yuan)."""
        return clean(sum(self.plan.costs.values()))

    @property
    def stopped_by(self) -> str:
        """What ended the plan's search: `gap reached`, `node limit`, `time limit` (the safety
        net: the plan may then differ between runs), or HiGHS's termination name."""
        return STOPPED_BY.get(self.report.termination, self.report.termination)


class PlanSet(list[Alternative]):
    """The optimum and its alternatives (a list), with `asked` (the number of alternatives
    asked for), `ended` (why fewer were found, in words; empty when all were) and
    `searched_sites` (the sites the alternatives were searched among, in the order of the
    searched model's SITES: with candidate cells, the sites the optimum's screening kept, the
    parks and a few cells; empty when unknown)."""

    def __init__(self, plans: Sequence[Alternative] = (), asked: int = 0, ended: str = "",
                 searched_sites: Sequence[str] = ()):
        super().__init__(plans)
        self.asked = asked
        self.ended = ended
        self.searched_sites = tuple(searched_sites)


def build_pairs_of(plan: Plan) -> set[tuple[str, str]]:
    """The (site, product) pairs where the plan adds capacity."""
    return {(row.site, row.product) for row in plan.builds.itertuples(index=False) if row.modules > 0}


def hosted_of(plan: Plan) -> set[tuple[str, str]]:
    """The (cluster, product) pairs where the plan adds capacity."""
    return {(row.cluster, row.product) for row in plan.builds.itertuples(index=False) if row.modules > 0}


def added_by_cluster(plan: Plan) -> dict[tuple[str, str], float]:
    """Capacity added by the final year per (cluster, product), units/yr."""
    frame = plan.builds.groupby(["cluster", "product"], sort=False)["capacity_added"].sum()
    return {(c, p): float(v) for (c, p), v in frame.items()}


class AlternativeSearch:
    """The model of `inputs` with the cost cap (`optimum_yuan` + slack x |`optimum_yuan`|), the build
    indicators and the overlap objective (see the module docstring); `next(earlier)` solves
    for the next alternative."""

    def __init__(self, inputs: ModelInputs, settings: SolverSettings, optimum_yuan: float, slack: float,
                 model: pyo.ConcreteModel | None = None, counts: dict[CountKey, int] | None = None):
        """`counts`: module counts by cluster, size and year (the optimum's, `module_counts_of`) that
        the first stage keeps; None searches over clusters from the start."""
        self.inputs = inputs
        self.optimum_yuan = optimum_yuan
        cost_cap_yuan = optimum_yuan + slack * abs(optimum_yuan)  # the objective may be negative (revenue)
        self.settings = alternative_settings(settings)
        self.cluster_settings = alternative_settings(settings, CLUSTER_NODE_LIMIT)
        self.slack = slack
        self.model = m = model if model is not None else build_model(inputs)
        index = m.index_data
        self.pairs = list(index.build_pairs)
        m.total_cost.deactivate()
        m.mga_cost_cap = pyo.Constraint(expr=m.total_cost.expr <= cost_cap_yuan / MONEY_UNIT_YUAN)
        m.MGA_PAIR = pyo.Set(initialize=self.pairs, dimen=2, ordered=True)
        m.builds = pyo.Var(m.MGA_PAIR, domain=pyo.Binary)
        m.builds_link = pyo.Constraint(
            m.MGA_PAIR,
            rule=lambda _m, s, p: added_by(m, index, inputs, s, p) <= index.max_added_units[(s, p)] * m.builds[s, p])
        keys: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for key in m.BUILD:
            keys[(key[0], key[1])].append(key)
        m.builds_needs_module = pyo.Constraint(
            m.MGA_PAIR, rule=lambda _m, s, p: m.builds[s, p] <= sum(m.build[k] for k in keys[(s, p)]))
        m.mga_distinct = pyo.ConstraintList()
        m.mga_repeat = pyo.VarList(domain=pyo.NonNegativeReals, bounds=(0, 1))
        self.room: dict[str, float] = defaultdict(float)
        for (_s, p), units in index.max_added_units.items():
            self.room[p] += units
        if counts is not None and not hasattr(m, "module_count"):
            add_module_counts(m, inputs, index)
        self.counts = counts

    def exclude(self, plan: Plan) -> None:
        """Add the no-good cut that keeps every later alternative off `plan`'s pattern of
        (site, product) decisions (see the module docstring), with its repeat variable r in
        [0, 1] (cut + r >= 1) priced at `repeat_weight`: the plan just found stays a feasible
        start for the next search, and any plan off its pattern costs less than repeating it."""
        m = self.model
        built = build_pairs_of(plan)
        repeat = m.mga_repeat.add()
        m.mga_distinct.add(sum((1 - m.builds[pair]) if pair in built else m.builds[pair] for pair in self.pairs)
                           + repeat >= 1)

    def start_from(self, solved: pyo.ConcreteModel) -> None:
        """Take the values of a solved model of the same inputs (the optimum) as the values
        the first search starts from."""
        m = self.model
        for component in solved.component_objects(pyo.Var, descend_into=True):
            mine = getattr(m, component.local_name, None)
            if not isinstance(mine, pyo.Var):
                continue
            for key, var in component.items():
                if key in mine and not mine[key].fixed:
                    mine[key].set_value(var.value, skip_validation=True)

    def _start_values(self) -> None:
        """The model's values made the plan held (the last one found) with its indicators:
        b[s,p] = 1 where it builds, its own repeat variable 1 and the earlier ones 0."""
        m = self.model
        built: dict[tuple[str, str], float] = defaultdict(float)
        for key in m.BUILD:
            built[(key[0], key[1])] += m.build[key].value or 0.0
        for pair in self.pairs:
            m.builds[pair].set_value(1.0 if built[pair] > 0.5 else 0.0)
        last = len(m.mga_repeat)
        for i in m.mga_repeat:
            m.mga_repeat[i].set_value(1.0 if i == last else 0.0)

    def repeat_weight(self, earlier: Sequence[Plan]) -> float:
        """More than the overlap term can reach: each earlier plan counts each decision at most
        once and its capacity shares at most once per product, and the cost term stays below
        EPSILON x (1 + slack) x 2; so a plan off every earlier pattern always scores lower."""
        m = self.model
        decisions = len(self.pairs) + len(m.HOST) + len(m.OPEN)
        return 1.0 + len(earlier) * (decisions + CAPACITY_WEIGHT * len(self.inputs.PRODUCTS)) + 2 * EPSILON * (
            1.0 + self.slack)

    def objective(self, earlier: Sequence[Plan]) -> Any:
        """The overlap with `earlier` plans to minimise (see the module docstring)."""
        m, inputs = self.model, self.inputs
        built: dict[tuple[str, str], int] = defaultdict(int)
        hosted: dict[tuple[str, str], int] = defaultdict(int)
        opened: dict[str, int] = defaultdict(int)
        share: dict[tuple[str, str], float] = defaultdict(float)
        for plan in earlier:
            for pair in build_pairs_of(plan):
                built[pair] += 1
            for pair in hosted_of(plan):
                hosted[pair] += 1
            for site in plan.opened_sites:
                opened[site] += 1
            added = added_by_cluster(plan)
            totals: dict[str, float] = defaultdict(float)
            for (_c, p), units in added.items():
                totals[p] += units
            for (c, p), units in added.items():
                if totals[p] > 0:
                    share[(c, p)] += units / totals[p]
        terms = [built[pair] * m.builds[pair] for pair in self.pairs if built[pair]]
        terms += [hosted[pair] * m.hosts[pair] for pair in m.HOST if hosted[pair]]
        terms += [opened[s] * m.opened[s] for s in m.OPEN if opened[s]]
        index = m.index_data
        for (s, p) in self.pairs:
            weight = share.get((inputs.cluster_of_site[s], p), 0.0)
            if weight > 0 and self.room[p] > 0:
                terms.append(CAPACITY_WEIGHT * weight / self.room[p] * added_by(m, index, inputs, s, p))
        terms.append(EPSILON * m.total_cost.expr * MONEY_UNIT_YUAN / max(abs(self.optimum_yuan), 1.0))
        terms.append(self.repeat_weight(earlier) * sum(m.mga_repeat[i] for i in m.mga_repeat))
        return sum(terms)

    def next(self, earlier: Sequence[Plan], label: str) -> Alternative | str:
        """The plan within the cost cap that overlaps least with `earlier` and repeats none of
        their patterns (each earlier plan must have been passed to `exclude`); when there is
        none, why, in words. While the search keeps counts (`counts`), it searches within them
        first, and when that finds no new pattern, frees them for good and searches again."""
        m = self.model
        if hasattr(m, "mga_difference"):
            m.del_component(m.mga_difference)
        m.mga_difference = pyo.Objective(expr=self.objective(earlier), sense=pyo.minimize)
        if self.counts is not None:
            held = ComponentMap((v, v.value) for v in m.component_data_objects(pyo.Var))
            fix_module_counts(m, self.counts)
            try:
                found = self._search(label, SCOPE_SITES)
            finally:
                free_module_counts(m)
            if not isinstance(found, str):
                return found
            self.counts = None  # no other pattern within the optimum's counts: clusters from here on
            for var, value in held.items():  # the last plan found, to start from
                var.set_value(value, skip_validation=True)
        return self._search(label, SCOPE_CLUSTERS)

    def _search(self, label: str, scope: str) -> Alternative | str:
        """One search from the plan the model holds (see `next`)."""
        m = self.model
        self._start_values()
        settings = self.settings if scope == SCOPE_SITES else self.cluster_settings
        report = solve_model(m, settings, new_solver(), start="current")
        repeats = report.has_solution and any((r.value or 0.0) > 0.5 for r in m.mga_repeat.values())
        if report.has_solution and not repeats:
            return Alternative(label, report, extract_plan(m, self.inputs), scope)
        if report.infeasible or (repeats and report.proven_optimal):
            return (f"no other pattern of sites and products costs within {slack_percent(self.slack)} of the optimum "
                    "(proven by the solver)")
        stopped = STOPPED_BY.get(report.termination, report.termination)
        return f"the search for {label} found no new pattern of sites and products before its {stopped}"


def module_counts_of(solved: pyo.ConcreteModel, inputs: ModelInputs) -> dict[CountKey, int]:
    """The modules a solved plan builds by cluster, module size and year: n[c,m,t] = sum over
    the sites s of c of x[s,p,m,t], each rounded to whole modules (only the counts above 0)."""
    counts: dict[CountKey, int] = defaultdict(int)
    for (s, _p, mid, t), var in solved.build.items():
        modules = round(var.value or 0.0)
        if modules > 0:
            counts[(inputs.cluster_of_site[s], mid, t)] += modules
    return dict(counts)


def near_optimal_plans(inputs: ModelInputs, settings: SolverSettings, count: int, slack: float,
                       optimum: Alternative | None = None, solved: pyo.ConcreteModel | None = None
                       ) -> PlanSet:
    """The optimum and up to `count` alternatives within `slack` (a share, 0.05 = 5 %) of its
    cost, each with a pattern of (site, product) decisions no plan before it has.

    `optimum` is the cost-optimal plan and `solved` its solved model (its values are the first
    search's starting plan) when the caller has them; otherwise both come from a solve here
    with `settings`. Raises ValueError for a negative count or slack. When no further plan exists
    within the slack, or a search ends at its node or time limit without one, the list ends
    early and `ended` says why. The alternatives are searched among the sites of `inputs` (with
    candidate cells, the screened model's: the sites the optimum's screening kept), which the
    set's `searched_sites` names."""
    if count < 0 or slack < 0:
        raise ValueError(f"count and slack must be at least 0 (got {count}, {slack})")
    if optimum is None or solved is None:
        counted = solve_by_counts(inputs, settings)
        report, solved = counted.report, counted.model
        if solved is None:
            return PlanSet([], count, "the cost-optimal plan was not found", inputs.SITES)
        optimum = Alternative("optimum", report, extract_plan(solved, inputs))
    plans = PlanSet([optimum], count, searched_sites=inputs.SITES)
    if count == 0:
        return plans
    search = AlternativeSearch(inputs, settings, optimum.cost_yuan, slack, counts=module_counts_of(solved, inputs))
    search.start_from(solved)
    search.exclude(optimum.plan)
    counter = progress.steps(count, "alternatives")
    try:
        for n in range(1, count + 1):
            counter.begin(f"alt{n:02d}")
            counter.beat()
            if n > sites_first(count):
                search.counts = None  # the rest over clusters (see the module docstring)
            found = search.next([a.plan for a in plans], f"alt{n:02d}")
            if isinstance(found, str):
                plans.ended = found
                break
            plans.append(found)
            search.exclude(found.plan)
            counter.advance(found.label, found.stopped_by)
    finally:
        counter.close()
    return plans


def robustness(plans: Sequence[Alternative], inputs: ModelInputs) -> pd.DataFrame:
    """Per candidate site and product that any plan builds: the share of the distinct plans
    (a plan that repeats an earlier one counts once, see `distinct`) that build it (`share`),
    how many do (`plans_building`), and the mean capacity added (units/yr) over the plans that
    do; sorted by site (input order) and product (catalog order)."""
    plans = distinct(plans)
    total = len(plans)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    capacity: dict[tuple[str, str], float] = defaultdict(float)
    for alternative in plans:
        frame = alternative.plan.builds.groupby(["site", "product"], sort=False)["capacity_added"].sum()
        for (s, p), units in frame.items():
            if units > 0:
                counts[(s, p)] += 1
                capacity[(s, p)] += float(units)
    site_order = {s: i for i, s in enumerate(inputs.SITES)}
    product_order = {p: i for i, p in enumerate(inputs.PRODUCTS)}
    rows = [(s, inputs.cluster_of_site[s], p, n, clean(n / total), clean(capacity[(s, p)] / n))
            for (s, p), n in sorted(counts.items(), key=lambda kv: (site_order[kv[0][0]], product_order[kv[0][1]]))]
    return pd.DataFrame(rows, columns=["site", "cluster", "product", "plans_building", "share",
                                       "mean_capacity_added"])


def comparison(plans: Sequence[Alternative], inputs: ModelInputs) -> pd.DataFrame:
    """One row per plan: cost, its excess over the optimum, sites built on (`sites_built_on`: where
    it adds capacity, some possibly open already), site-product pairs built, how many of those no
    earlier plan built, what ended its search (`stopped_by`: gap
    reached, node limit, or time limit), what it could change (`scope`: "sites" within the
    optimum's modules by cluster, or "clusters" too; empty for the optimum), the earlier plan
    it repeats (empty unless a plan was given twice: alternatives never repeat), and capacity
    added per cluster and product."""
    base = plans[0].cost_yuan if plans else 0.0
    cells = [(c, p) for c in inputs.CLUSTERS for p in inputs.PRODUCTS]
    used = {cell for a in plans for cell in added_by_cluster(a.plan)}
    cells = [cell for cell in cells if cell in used]
    rows = []
    seen: set[tuple[str, str]] = set()
    for position, alternative in enumerate(plans):
        pairs = build_pairs_of(alternative.plan)
        added = added_by_cluster(alternative.plan)
        row: dict[str, Any] = {
            "plan": alternative.label,
            "cost_yuan": alternative.cost_yuan,
            "over_optimum": clean((alternative.cost_yuan - base) / abs(base)) if base else 0.0,
            "sites_built_on": len(alternative.plan.opened_sites),
            "site_products": len(pairs),
            "new_site_products": len(pairs - seen),
            "stopped_by": alternative.stopped_by,
            "scope": alternative.scope,
            "same_as": next((a.label for a in plans[:position] if _same_plan(a.plan, alternative.plan)), ""),
        }
        for c, p in cells:
            row[f"added {c} {p}"] = clean(added.get((c, p), 0.0))
        rows.append(row)
        seen |= pairs
    return pd.DataFrame(rows)


def within_gap(over_optimum: Sequence[float], gap: float | None) -> list[bool]:
    """Per plan of a comparison (`over_optimum`: each plan's excess over the optimum's cost, a
    share of |optimum|, the optimum first), True for an alternative whose excess lies within the
    optimum's proven `gap` (a share): a difference within solver tolerance, not proven; False for
    the others and the optimum, and for every plan when no gap is known (None, 0 or not finite)."""
    if gap is None or not math.isfinite(gap) or not gap:
        return [False] * len(over_optimum)
    return [bool(n) and abs(float(share)) <= gap for n, share in enumerate(over_optimum)]


def optimum_bound_yuan(optimum: Alternative) -> float | None:
    """The optimum's proven bound (yuan): no plan of the scenario costs less. Read from its
    solve's proven gap (a share of |objective|, of the full instance when candidate cells were
    screened), objective less gap x |objective|, as its report gives it; the solve's own bound
    without a gap; None when none was proven."""
    report = optimum.report
    if report.objective_yuan is not None and report.gap is not None:
        return report.objective_yuan - report.gap * abs(report.objective_yuan)
    return report.best_bound_yuan


def near_optimal_record(plans: Sequence[Alternative], slack: float, label: str) -> dict[str, Any]:
    """What the outputs of plan `label` ("optimum", "alt01", ...) of a near-optimal set say of the
    set (the manifest's `near_optimal` member; the report and the terminal quote it): `plan`
    (`label`), `slack` (a share), the optimum's cost (`optimum_cost_yuan`, from its plan), its
    proven bound (`optimum_bound_yuan`: None when none was proven) and
    proven gap (`optimum_gap`, a share), its cost before sales revenue (`optimum_gross_cost_yuan`:
    every cost component but `sales`, yuan, discounted; the slack is a share of |optimum|, which
    with revenue exceeding cost is far below this), and per plan (`plans`, the optimum first): its cost,
    its excess over the optimum's cost (`over_optimum`, a share of |optimum|) and over the
    optimum's bound (`over_bound`, a share of |bound|: proven, no plan costs less than the
    bound; None without one), the sites built on that differ from the optimum's
    (`sites_differing`: built on by one of the two only), what ended its search and its scope."""
    optimum = plans[0]
    base = optimum.cost_yuan
    bound = optimum_bound_yuan(optimum)
    opened = set(optimum.plan.opened_sites)
    rows = []
    for alternative in plans:
        cost = alternative.cost_yuan
        rows.append({
            "plan": alternative.label,
            "cost_yuan": cost,
            "over_optimum": clean((cost - base) / abs(base)) if base else 0.0,
            "over_bound": outward((cost - bound) / abs(bound), up=True) if bound else None,
            "sites_differing": sorted(opened ^ set(alternative.plan.opened_sites)),
            "stopped_by": alternative.stopped_by,
            "scope": alternative.scope,
        })
    gross = clean(sum(value for name, value in optimum.plan.costs.items() if name != "sales"))
    return {"plan": label, "slack": slack, "optimum_cost_yuan": base, "optimum_gross_cost_yuan": gross,
            "optimum_bound_yuan": None if bound is None else outward(bound, up=False),
            "optimum_gap": None if optimum.report.gap is None else outward(optimum.report.gap, up=True),
            "plans": rows}


def _same_plan(a: Plan, b: Plan) -> bool:
    """True when two plans build the same modules at the same sites in the same years."""
    columns = ["site", "product", "year", "module", "modules"]
    rows = [sorted(map(tuple, plan.builds[columns].values.tolist())) for plan in (a, b)]
    return rows[0] == rows[1]


def distinct(plans: Sequence[Alternative]) -> list[Alternative]:
    """The plans less those that build exactly what an earlier one builds."""
    kept: list[Alternative] = []
    for alternative in plans:
        if not any(_same_plan(k.plan, alternative.plan) for k in kept):
            kept.append(alternative)
    return kept
