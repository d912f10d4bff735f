"""Why here: for each site the plan builds on, what the site-dependent yearly costs of what it
builds there come to at that site and at the cheapest other site of its cluster that can build
all of it.

The figures are those by which sites of a cluster differ in the model's objective
(siting/optimize/screening.py `member_cost_parts`): land (land per unit x the land annuity x the
site's price), energy (kWh per unit x the site's tariff), the product hauled to the cluster's hub
with its inputs (t per unit x the site's hub km x the transport rate) and the raw materials hauled
from their nearest sources (t per unit x km x the rate), in yuan/yr. The use of a built site is the
capacity the plan adds there over its years, by product (units/yr). The model weighs more than
these (opening costs, committed plants and flows): this is the comparison as the model prices a
site, not a re-solve.

The comparison moves the built site's whole addition, with the land its modules take (as the
report's land table gives it), to one other site: an other site counts only where that land fits on
the land it has left for new modules besides the plan's own modules there, row by row as the
model's land rows (models/families/land.py) take it; a cheaper site without that land is named
beside it. The plan's other rules are not checked for the move: a row of a site that is one of the
plan's recycling demonstrations says so (moving a demonstration beside another recycling plant can
leave the plan without the demonstrations its rule asks for). A yearly difference D weighs at most
D x W in the objective (`gap_weight`); where another site is cheaper by a D with D x W, less the
opening it adds, within the plan's proven gap, the solve does not prove the built site the
better choice, unless that site is not open in the plan and opening it
(`WhyHereRow.opening_yuan`, the built site's own opening deducted where the move leaves it
unopened) costs more than D x W: moving the addition there then costs more, and the row says so.
Where another site is dearer by a D with D x W, with the opening it adds, within the gap, the
difference is within the solve's tolerance too and the row says so: a difference the solve does
not prove is never shown as a reason for the site.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.costs import capital_recovery_factor
from models.families.agglomeration import pre_opened_sites
from models.families.proximity import nearest_sources
from models.index import is_on
from models.inputs import ModelInputs
from siting.config.units import amount_text, per_year, product_label
from siting.optimize.results import Plan
from siting.optimize.screening import COST_PARTS, land_per_unit, member_cost_parts

#: The parts' headers in the report's table, in COST_PARTS order, each with its unit.
PART_HEADERS = ("land, million yuan/yr", "energy, million yuan/yr", "hauling to the hub, million yuan/yr",
                "raw materials from the nearest sources, million yuan/yr")


@dataclass(frozen=True)
class ShortOfLand:
    """A site of the cluster that would cost less (`total`, yuan/yr) than the built site and the
    cheapest other site with the land, but has `left_ha` left for new modules (besides the plan's
    own there) where the use needs `need_ha`, at the tightest of its land rows."""

    site: str
    total: float
    left_ha: float
    need_ha: float


@dataclass(frozen=True)
class WhyHereRow:
    """One built site: its cluster, what the plan adds there (product -> units/yr), its cost parts
    (COST_PARTS -> yuan/yr), the cheapest other site of the cluster that can build every one of
    those products and has the land for them with its parts (None, {} when there is none), and
    the cheapest site that would cost less than both but has not the land (`short`, None when
    there is none). `buildable`: whether any other site of the cluster can build all of them."""

    site: str
    cluster: str
    use: tuple[tuple[str, float], ...]
    parts: dict[str, float]
    other: str | None
    other_parts: dict[str, float]
    short: ShortOfLand | None = None
    buildable: bool = True
    #: The least the site openings would add if the addition moved to `other` (yuan, discounted):
    #: opening `other` where it is neither open already nor built on by the plan, at the least
    #: discount factor of the plan's years, less the opening of the built site where the plan
    #: opened it (the move leaves it unopened), at the greatest; 0 without an opening cost.
    opening_yuan: float = 0.0
    #: Whether the built site is one of the plan's recycling demonstrations (`Plan.demo_sites`):
    #: the move is priced by the cost parts only, and the demonstration rule (size, number,
    #: running share) may not hold after it, so the row says it is not checked.
    demonstration: bool = False

    @property
    def total(self) -> float:
        """The built site's yuan/yr, the sum of its parts."""
        return sum(self.parts[k] for k in COST_PARTS)

    @property
    def other_total(self) -> float | None:
        """The cheapest other site's yuan/yr, None without one."""
        return None if self.other is None else sum(self.other_parts[k] for k in COST_PARTS)

    @property
    def difference(self) -> float | None:
        """How much more the cheapest other site costs a year than the built one (yuan/yr; below
        zero where it costs less), None without one."""
        other = self.other_total
        return None if other is None else other - self.total


def built_use(plan: Plan) -> dict[str, dict[str, float]]:
    """Site -> product -> capacity the plan adds there over its years (units/yr), products in
    the order the builds first name them."""
    use: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    if plan.builds.empty:
        return {}
    for site, product, added in plan.builds[["site", "product", "capacity_added"]].itertuples(index=False):
        use[str(site)][str(product)] += float(added)
    return {s: {p: v for p, v in by.items() if v > 0} for s, by in use.items() if any(v > 0 for v in by.values())}


def plan_land(inputs: ModelInputs, plan: Plan) -> dict[tuple[str, str], float]:
    """(site, product) -> the land the plan's modules take there (ha: each module's land x the
    modules decided, over the plan's years)."""
    land: dict[tuple[str, str], float] = defaultdict(float)
    if plan.builds.empty:
        return {}
    for site, product, module, count in plan.builds[["site", "product", "module", "modules"]].itertuples(index=False):
        land[(str(site), str(product))] += inputs.module(str(module)).land_ha * float(count)
    return dict(land)


def usable_by_site(inputs: ModelInputs) -> dict[str, dict[str, float]]:
    """Site -> product -> its usable land for new modules of the product (ha, the model's L[s,p]:
    `inputs.index.land_ha`), made once for `land_short`."""
    usable: dict[str, dict[str, float]] = defaultdict(dict)
    for (site, product), ha in inputs.index.land_ha.items():
        usable[site][product] = ha
    return dict(usable)


def land_short(inputs: ModelInputs, site: str, need: Mapping[str, float],
               taken: Mapping[tuple[str, str], float],
               usable_of: Mapping[str, Mapping[str, float]] | None = None) -> tuple[float, float] | None:
    """Where the use of `need` (product -> ha) does not fit on `site` beside the land the plan's
    modules take there (`taken`), (the land left at the tightest land row that fails, the use's
    need in it), ha; None where it fits or the land rule is off. The rows are the model's
    (models/families/land.py): for each level l of the site's usable land per product L[s,p], the
    land of every product q with L[s,q] <= l fits in l; the use's products make the levels that
    can fail. Of the failing rows, the one of least land left. `usable_of`: `usable_by_site`, made
    here when not given (once per call: pass it when checking many sites)."""
    if not is_on(inputs, "land"):
        return None
    usable = (usable_of if usable_of is not None else usable_by_site(inputs)).get(site, {})
    worst: tuple[float, float] | None = None
    for level in sorted({usable[p] for p in need}):
        used = sum(need[p] for p in need if usable[p] <= level)
        other = sum(taken.get((site, q), 0.0) for q, ha in usable.items() if ha <= level)
        if used + other > level + 1e-9 * max(1.0, level):
            left = max(level - other, 0.0)
            if worst is None or left < worst[0]:
                worst = (left, used)
    return worst


def gap_weight(inputs: ModelInputs) -> float:
    """W, the most a yuan a year of a site's running costs can weigh in the objective: the discount
    weights of every plan year and of the steady state (`ModelInputs.year_weight`, which holds the
    years after the horizon the steady state stands for), as for capacity online from the first
    year. Capacity online later weighs less, so a difference D with |D| x W within the plan's gap
    is within it for every year the capacity could start."""
    return math.fsum(inputs.year_weight.get(t, 0.0) for t in inputs.YEARS) + (
        inputs.year_weight.get(inputs.STEADY_YEAR, 0.0) if inputs.STEADY_YEAR is not None else 0.0)


def why_here_rows(inputs: ModelInputs, plan: Plan) -> list[WhyHereRow]:
    """One row per site the plan builds on, in SITES order (see the module docstring). The other
    sites compared are those of the same cluster where every product the plan adds at the built
    site is buildable (`inputs.index.land_ha`) and which have the land for it (`land_short`: the
    land the plan's modules take at the built site, `plan_land`, beside the plan's own modules at
    the other); the cheapest is the one of least total (the first in SITES order among equals). Of
    those without the land, the cheapest that costs less than the built site and that one is
    `short`. The parts are `member_cost_parts` over the built site and those others together, the
    land part that land x the land annuity x each site's price: a raw material some of them have
    no source of within reach is left out for all of them (it comes through the hub alike)."""
    use = built_use(plan)
    if not use:
        return []
    land_factor = capital_recovery_factor(inputs.discount_rate, inputs.land_term_yr)
    buildable = inputs.index.land_ha
    nearest = nearest_sources(inputs)
    taken = plan_land(inputs, plan)
    usable_of = usable_by_site(inputs)
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for s in inputs.SITES:
        by_cluster[inputs.cluster_of_site.get(s, "")].append(s)
    fixed = inputs.site_fixed_cost_yuan if is_on(inputs, "agglomeration") else 0.0
    pre = set(pre_opened_sites(inputs))
    factors = [inputs.discount_factor.get(t, 1.0) for t in inputs.YEARS] or [1.0]
    rows = []
    for site in (s for s in inputs.SITES if s in use):
        cluster = inputs.cluster_of_site.get(site, "")
        products = use[site]
        # the land the plan's own modules take here, as the land table gives it, moves with them
        need = {p: taken.get((site, p), land_per_unit(inputs, p) * units) for p, units in products.items()}
        others = [s for s in by_cluster[cluster] if s != site and all((s, p) in buildable for p in products)]
        parts = member_cost_parts(inputs, (site, *others), products, nearest)
        for s in (site, *others):
            parts[s]["land"] = sum(need.values()) * land_factor * inputs.land_price_yuan_per_ha.get(s, 0.0)
        totals = {s: sum(parts[s][k] for k in COST_PARTS) for s in (site, *others)}
        shortfalls = {s: land_short(inputs, s, need, taken, usable_of) for s in others}
        fitting = [s for s in others if shortfalls[s] is None]
        other = min(fitting, key=totals.__getitem__) if fitting else None
        ceiling = min(totals[site], totals[other] if other is not None else math.inf)
        cheaper = [s for s in others if shortfalls[s] is not None and totals[s] < ceiling]
        short = None
        if cheaper:
            best = min(cheaper, key=totals.__getitem__)
            left, needed = shortfalls[best] or (0.0, 0.0)
            short = ShortOfLand(best, totals[best], left, needed)
        opening = 0.0
        if other is not None and fixed > 0:
            opening = (fixed * min(factors) * (other not in pre and other not in use)
                       - fixed * max(factors) * (site not in pre))
        rows.append(WhyHereRow(site, cluster, tuple(products.items()), parts[site], other,
                               parts[other] if other is not None else {}, short, bool(others), opening,
                               site in plan.demo_sites))
    return rows


def million_yuan(value: float | None) -> str:
    """Yuan as a bare million-yuan figure with 1 decimal, for cells under a "million yuan/yr" header."""
    return "" if value is None else f"{value / 1e6:,.1f}"


def _ha(value: float) -> str:
    """Hectares for a sentence: "120 ha", "0.5 ha"."""
    return f"{amount_text(value)} ha"


def _million(value: float) -> str:
    """Yuan in a sentence, as million yuan at the precision `amount_text` gives."""
    return f"{amount_text(value / 1e6)} million yuan"


def gap_notes(row: WhyHereRow, gap_yuan: float, weight: float) -> list[str]:
    """What a row's note says of its difference D against the plan's proven gap G (`gap_yuan`, yuan)
    at the weight W (`weight`, `gap_weight`): another site cheaper but not open, whose opening
    outweighs |D| x W; cheaper by |D| x W, less the opening it adds, within G (the solve does not
    prove the built site the better choice) or beyond it (what the comparison leaves out outweighs
    it); dearer by D x W, with the opening it adds, within G (the difference is within the solve's
    tolerance too). None for a dearer site beyond the gap or a row without another site."""
    difference = row.difference
    if difference is None:
        return []
    if difference < 0 and abs(difference) * weight <= row.opening_yuan:
        return [f"cheaper by these costs, but not open in this plan: opening it adds at least "
                f"{million_yuan(row.opening_yuan)} million yuan (discounted), more than these costs "
                f"could save ({million_yuan(abs(difference) * weight)} million yuan at most), so "
                "moving this addition there costs more"]
    if difference < 0 and abs(difference) * weight - max(row.opening_yuan, 0.0) <= abs(gap_yuan):
        return ["cheaper by these costs, by less than the plan's proven gap: the solve does not "
                "prove the built site the better choice (another plan within the gap may build "
                "there)"]
    if difference < 0:
        return ["cheaper by these costs, by more than the plan's proven gap: what this comparison "
                "leaves out (opening costs, committed plants and flows, the plan's other rules) "
                "outweighs it in the plan"]
    if difference > 0 and difference * weight + max(row.opening_yuan, 0.0) <= abs(gap_yuan):
        return ["dearer by these costs, but by less than the plan's proven gap: the difference does "
                "not prove the built site the better choice (another plan within the gap may build "
                "there)"]
    return []


def why_here_text(rows: list[WhyHereRow], names: Mapping[str, str] | None = None,
                  clusters: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None,
                  gap_yuan: float | None = None, weight: float | None = None, steady: bool = False,
                  dropped: Mapping[str, Sequence[str]] | None = None) -> tuple[str, list[str], list[list[str]]]:
    """The text of the report's section "Why here" (siting/deliver/report.py `why_here_blocks`
    renders it): its paragraph, its table's header and rows (none without a built site; the
    figures in columns 4-9). Per built site (sites and clusters by their `names` and
    `clusters`, id -> name; `units`: product -> its catalog unit) a row of its site-dependent costs
    and one of the cheapest other site of its cluster with the land for it, with the difference,
    million yuan/yr, and a note: a cheaper site without the land (`WhyHereRow.short`), and whether
    another site cheaper by D is within the plan's proven gap `gap_yuan` (G, yuan; None: the plan
    has no proven gap, a near-optimal alternative's) at the weight `weight` (W, `gap_weight`):
    |D| x W <= G, the solve does not prove the built site the better choice; `steady`: whether W holds a steady state's
    weight (the paragraph says which years W stands for); `dropped`: built site -> the near-optimal
    alternatives within the plan's proven gap that build nothing there, which its note names."""
    names, clusters, units, dropped = names or {}, clusters or {}, units or {}, dropped or {}
    if not rows:
        return "The plan builds on no site.", [], []
    weighed = gap_yuan is not None and weight is not None and weight > 0

    def built(use: tuple[tuple[str, float], ...]) -> str:
        return "; ".join(f"{product_label(p)} {amount_text(v)} {per_year(units.get(p, 'units'))}" for p, v in use)

    def figures(parts: Mapping[str, float], total: float | None) -> list[str]:
        return [*(million_yuan(parts[k]) for k in COST_PARTS), million_yuan(total)]

    def note(row: WhyHereRow) -> str:
        said = []
        difference = row.difference
        if difference is not None and weighed:
            assert gap_yuan is not None and weight is not None
            said += gap_notes(row, gap_yuan, weight)
        if row.short is not None:
            short = row.short
            said.append(f"{names.get(short.site, short.site)} would cost {million_yuan(row.total - short.total)} "
                        f"million yuan/yr less but has {_ha(short.left_ha)} left where this needs "
                        f"{_ha(short.need_ha)}")
        if dropped.get(row.site):
            labels = ", ".join(dropped[row.site])
            said.append(f"not built on by {labels}, near-optimal within the plan's proven gap (section "
                        "\"Near-optimal alternatives\"): the solve does not prove this site needed")
        if row.demonstration and (row.other is not None or row.short is not None):
            said.append("a recycling demonstration of the plan: the move is compared by these costs only; "
                        "the demonstration rule and the plan's other rules are not checked for it")
        return "; ".join(said)

    table: list[list[str]] = []
    for row in rows:
        cluster = clusters.get(row.cluster, row.cluster)
        table.append([names.get(row.site, row.site), cluster, built(row.use), "built here",
                      *figures(row.parts, row.total), "", ""])
        if row.other is None:
            missing = ("no other site of the cluster has the land for all of these together" if row.buildable
                       else "no other site of the cluster can build all of these")
            table.append(["", "", "", missing, *[""] * 6, note(row)])
        else:
            table.append(["", "", "", f"cheapest other: {names.get(row.other, row.other)}",
                          *figures(row.other_parts, row.other_total), f"{million_yuan(row.difference)}",
                          note(row)])
    header = ["site", "cluster", "the plan adds (over its years)", "compared site", *PART_HEADERS,
              "total, million yuan/yr", "other site less built site, million yuan/yr", "note"]
    if weighed:
        assert gap_yuan is not None and weight is not None
        years = ("the discount weights of the plan's years and of the years after them that the steady state "
                 "stands for" if steady else "the discount weights of the plan's years")
        if abs(gap_yuan) > 0:
            gap = (f"A difference of D yuan a year weighs at most D x W in the objective, W = {amount_text(weight)} "
                   f"({years}); the plan is proven optimal within G = {_million(abs(gap_yuan))}: where another "
                   f"site is cheaper or dearer by less than G / W = {_million(abs(gap_yuan) / weight)} a year (a site "
                   "not open in the plan with what opening it would add), the solve does not prove the built site the "
                   "better choice.")
        else:
            gap = (f"A difference of D yuan a year weighs at most D x W in the objective, W = {amount_text(weight)} "
                   f"({years}); the plan is proven optimal with no gap.")
    else:
        gap = ("The plan has no proven gap to weigh these differences against (it is a near-optimal alternative "
               "or was solved without a bound).")
    text = ("What the capacity the plan adds at each built site would cost a year at that site and at the cheapest "
            "other site of the same cluster that can build all of it and has the land for it (beside the plan's "
            "own modules there), in the figures by which the sites of a cluster differ in the objective: land "
            "(price x the land annuity), energy (tariff), hauling the product and its inputs to the cluster's hub "
            "(distance to the hub) and hauling raw materials from the nearest sources (their distances); million "
            "yuan/yr, not discounted. The comparison moves the built site's whole addition, with the land its "
            "modules take, to one other site (parts of it may fit elsewhere); a cheaper site without that land is "
            "named in the note. This is the per-site "
            "cost comparison as the model prices it, not a re-solve: a cheaper site may stay unused because "
            "opening it costs more than it saves, committed plants and flows weigh in the plan too, and the plan's "
            "other rules (its recycling demonstrations among them) are not checked for the move. " + gap)
    return text, header, table
