"""The plain, frozen input of the formulation: sets and parameters with units in their names.

Units: product quantities are in each product's own unit (t, GWh, million m2) and are called
"units"; money is in yuan; land in hectares (ha); distance in km; raw resources in tonnes (t).
Capacities and production are per year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.index import ModelIndex

SiteProduct = tuple[str, str]


def year_weights(discount_factor: Mapping[int, float], years: Sequence[int], rate: float,
                 years_after_horizon: int) -> dict[int, float]:
    """W[t] of `ModelInputs.year_weight`: `discount_factor` (df[t], year -> factor) for the plan's
    `years`, and with N = `years_after_horizon` > 0 the steady-state year T + 1 (T the last of
    `years`) weighted df[T] * sum_{k=1..N} (1 + rate) ** -k (the N years after T, discounted); a
    copy of `discount_factor` when N is 0 or the last year has no factor."""
    weights = dict(discount_factor)
    if years and years_after_horizon and years[-1] in weights:
        last = years[-1]
        weights[last + 1] = weights[last] * sum((1.0 + rate) ** -k for k in range(1, years_after_horizon + 1))
    return weights


#: The per-year mappings of `ModelInputs` that the steady-state year takes over from the last plan
#: year where it has no entry of its own (prices, trade limits and supplies held at T's level).
STEADY_STATE_DATA: tuple[str, ...] = (
    "supply_t_per_yr", "price_yuan_per_unit", "import_price_yuan_per_unit", "sales_cap_units",
    "resource_import_price_yuan_per_t", "resource_import_cap_t_per_yr",
)


@dataclass(frozen=True)
class ModuleSpec:
    """One buildable module size of one product."""

    module_id: str
    product: str
    capacity_units_per_yr: float
    capex_yuan: float
    fixed_opex_yuan_per_yr: float
    land_ha: float
    #: Economic lifetime (years) over which capex is recovered (capital recovery factor). The
    #: default of one year makes the yearly annuity equal the capex (plain-data callers only;
    #: the scenario gives every module its lifetime).
    lifetime_yr: float = 1.0


@dataclass(frozen=True)
class RecyclingDemo:
    """Recycling demonstrations: between `min_sites` and `max_sites` sites adding recycling
    capacity are demonstration projects, each adding between `min_size_units_per_yr` and
    `max_size_units_per_yr` (no upper size when None) by the final year, and, with
    `min_run_share` > 0, each runs at least at that share of its usable capacity. Recycling
    capacity at other sites is ordinary capacity."""

    product: str
    min_size_units_per_yr: float
    min_sites: int
    max_sites: int
    max_size_units_per_yr: float | None = None
    #: The least share of its usable capacity (available x utilisation) a demonstration site makes
    #: in every year of the plan and the steady state; 0: a demonstration need not run.
    min_run_share: float = 0.0


@dataclass(frozen=True)
class ModelInputs:
    """Everything the MIP needs, as sets (UPPERCASE) and parameter mappings.

    Candidate pairs `CANDIDATES` are (site, product) pairs the spatial layer did not rule out
    for reasons outside the rule families (for instance a product missing from the catalog).
    The red-line and proximity families remove pairs from them through `REDLINE_EXCLUDED` and
    `PROXIMITY_EXCLUDED`, so that switching a family off brings the pairs back.
    `REDLINE_EXCLUDED` is a geometric fact given by the caller; `PROXIMITY_EXCLUDED` and
    `ARCS_WITHIN_LIMIT` are derived here from `arc_km` and `max_distance_km` (see
    `models.families.proximity`). `index` is the sparse index of the model, derived once.
    """

    YEARS: tuple[int, ...]
    SITES: tuple[str, ...]
    CLUSTERS: tuple[str, ...]
    PRODUCTS: tuple[str, ...]
    MODULES: tuple[ModuleSpec, ...]
    CANDIDATES: tuple[SiteProduct, ...]
    cluster_of_site: Mapping[str, str]

    # Land: usable area of each site with and without the red-line exclusion.
    site_land_ha: Mapping[str, float]
    land_after_redline_ha: Mapping[SiteProduct, float]
    REDLINE_EXCLUDED: frozenset[SiteProduct] = frozenset()

    existing_capacity_units_per_yr: Mapping[SiteProduct, float] = field(default_factory=dict)
    utilisation: Mapping[str, float] = field(default_factory=dict)
    output_value_yuan_per_unit: Mapping[str, float] = field(default_factory=dict)

    # Raw resources and supply arcs.
    RESOURCES: tuple[str, ...] = ()
    SOURCES: tuple[str, ...] = ()
    resource_of_source: Mapping[str, str] = field(default_factory=dict)
    supply_t_per_yr: Mapping[tuple[str, int], float] = field(default_factory=dict)
    resource_t_per_unit: Mapping[tuple[str, str], float] = field(default_factory=dict)
    ARCS: tuple[tuple[str, str], ...] = ()
    arc_km: Mapping[tuple[str, str], float] = field(default_factory=dict)
    max_distance_km: Mapping[str, float] = field(default_factory=dict)
    transport_yuan_per_t_km: float = 0.0
    #: Sources that offer a supply but are not in SOURCES (prospective ones the scenario leaves
    #: out): source -> its resource, and (source, site) -> road km, measured as `arc_km` is. Only
    #: the texts that explain a plan read them; the formulation does not.
    left_out_source_resource: Mapping[str, str] = field(default_factory=dict)
    left_out_arc_km: Mapping[tuple[str, str], float] = field(default_factory=dict)

    # Chain: units of upstream product per unit of downstream product, and local-cover shares.
    input_units_per_unit: Mapping[tuple[str, str], float] = field(default_factory=dict)
    chain_share_min: Mapping[str, float] = field(default_factory=dict)

    # Targets.
    TARGET_GROUPS: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    capacity_target_units: Mapping[tuple[str, int], float] = field(default_factory=dict)
    output_value_target_yuan: Mapping[int, float] = field(default_factory=dict)
    targets_strict: bool = False
    capacity_ceiling_factor: float = 0.0
    capacity_shortfall_penalty_yuan_per_unit: Mapping[str, float] = field(default_factory=dict)
    value_shortfall_penalty_yuan_per_yuan: float = 0.0

    # Differentiation.
    max_clusters_per_product: Mapping[str, int] = field(default_factory=dict)
    lead_products: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lead_share_min: float = 0.0
    min_portfolio_difference: int = 0
    min_cluster_value_share: float = 0.0

    # Agglomeration.
    site_fixed_cost_yuan: float = 0.0
    min_investment_per_open_site_yuan: float = 0.0
    max_open_sites_per_cluster: Mapping[str, int] = field(default_factory=dict)

    budget_yuan_per_yr: Mapping[int, float] = field(default_factory=dict)
    recycling_demo: RecyclingDemo | None = None

    # Build rate (family `build_rate`): what one site may decide in one year, of any product.
    #: Rn, the most modules (of any product and size) decided at one site in one year; None: no limit.
    max_modules_per_site_per_yr: int | None = None
    #: Rc, the most capex decided at one site in one year (yuan/yr, undiscounted); None: no limit.
    max_capex_yuan_per_site_per_yr: float | None = None

    #: df[t], the discount factor of year t: (1 + r) ** -(t - t0) (siting.prepare.inputs).
    discount_factor: Mapping[int, float] = field(default_factory=dict)
    #: N, the years after the last plan year T that the steady-state year T + 1 stands for in the
    #: objective (`STEADY_YEAR`, `year_weight`); 0: no steady-state year, nothing after T counts.
    years_after_horizon: int = 0
    enabled_families: frozenset[str] = frozenset()

    # ---- Economics (docs/FORMULATION.md, "Parameters" and "Objective"). Every default keeps a plain-data
    # instance without these figures meaningful: no lead time, no cost, no trade limit.

    # Time. YEARS must be consecutive calendar years (opex and annuities count every year).
    #: L[p], years from the build decision to the first production year (0: same year).
    lead_time_yr: Mapping[str, int] = field(default_factory=dict)
    #: ramp[p], share of nameplate capacity available in a module's first production year.
    ramp_up_share: Mapping[str, float] = field(default_factory=dict)
    #: C[s,p,t], committed capacity (units/yr) of p at s first producing in year t (signed or
    #: under construction before the horizon); it stands from t on and may not be removed.
    committed_units_per_yr: Mapping[tuple[str, str, int], float] = field(default_factory=dict)

    # Costs over time.
    #: r, the discount rate of the capital recovery factor (df[t] is given separately).
    discount_rate: float = 0.0
    #: Term (years) over which the price of land-use rights is recovered (50: the legal term
    #: of industrial land-use rights in China).
    land_term_yr: float = 50.0
    #: price of land-use rights at site s (yuan/ha).
    land_price_yuan_per_ha: Mapping[str, float] = field(default_factory=dict)
    #: tariff of electricity at site s (yuan/kWh).
    power_tariff_yuan_per_kwh: Mapping[str, float] = field(default_factory=dict)
    #: e[p], electricity per unit of p (kWh/unit).
    energy_kwh_per_unit: Mapping[str, float] = field(default_factory=dict)
    #: vc[p], other variable cost per unit of p (yuan/unit), inputs and energy excluded.
    other_variable_cost_yuan_per_unit: Mapping[str, float] = field(default_factory=dict)

    # Prices, trade and the hub network.
    #: price[p,t] (yuan/unit): sales revenue and output value of p in year t. Where missing,
    #: the output value is `output_value_yuan_per_unit[p]` and a sale earns nothing.
    price_yuan_per_unit: Mapping[tuple[str, int], float] = field(default_factory=dict)
    #: pimp[p,t] (yuan/unit) delivered to the gateway; p is importable in t only where given.
    import_price_yuan_per_unit: Mapping[tuple[str, int], float] = field(default_factory=dict)
    #: cap[p,t] (units/yr): most of p sold out of the province (family `market`); no entry, no cap.
    sales_cap_units: Mapping[tuple[str, int], float] = field(default_factory=dict)
    #: w[p] (t/unit): transported mass per unit of p (transport cost = c_tr * w[p] * km).
    transport_t_per_unit: Mapping[str, float] = field(default_factory=dict)
    #: km from site s to its cluster's hub.
    site_hub_km: Mapping[str, float] = field(default_factory=dict)
    #: km between hubs (c, c'), c != c' (both orders given).
    hub_hub_km: Mapping[tuple[str, str], float] = field(default_factory=dict)
    #: km from the hub of cluster c to the gateway (imports arrive and sales leave there).
    hub_gateway_km: Mapping[str, float] = field(default_factory=dict)

    # Raw resources: prices and imports.
    #: prs[r] (yuan/t) paid at an in-province source.
    resource_price_yuan_per_t: Mapping[str, float] = field(default_factory=dict)
    #: primp[r,t] (yuan/t) delivered to the gateway; r is importable in t only where given.
    resource_import_price_yuan_per_t: Mapping[tuple[str, int], float] = field(default_factory=dict)
    #: most of r imported in year t (t/yr); no entry, no cap.
    resource_import_cap_t_per_yr: Mapping[tuple[str, int], float] = field(default_factory=dict)

    # Utilisation rule (family `utilisation`): y >= umin[p] * available capacity.
    min_utilisation: Mapping[str, float] = field(default_factory=dict)

    #: n[s], the number of candidate sites a site stands for (1 where not given): a merged site of
    #: the aggregated model (siting.optimize.screening) sums n[s] members. It scales the module
    #: bounds without land, the count of recycling demonstrations the site may hold and its
    #: build-rate limits.
    site_multiplicity: Mapping[str, int] = field(default_factory=dict)
    #: For a merged site (n[s] > 1): the largest usable land of one of its members per product
    #: (ha), L1[s,p]. Where members are counted (models/families/agglomeration.py
    #: `members_counted`), each member a plan builds on is opened (and paid for) one by one: the
    #: merged site's opened count o[s] in 0..n[s] links what it adds to what o[s] members could
    #: (`ModelIndex.member_max_added`).
    member_land_ha: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """ValueError when YEARS are not consecutive calendar years in increasing order. With a
        steady-state year (`STEADY_YEAR`), each mapping of STEADY_STATE_DATA gains, for it, the
        last plan year's entries it does not give itself."""
        years = tuple(self.YEARS)
        if any(b != a + 1 for a, b in pairwise(years)):
            raise ValueError(f"YEARS must be consecutive calendar years, got {years}")
        steady = self.STEADY_YEAR
        if steady is None:
            return
        last = years[-1]
        for name in STEADY_STATE_DATA:
            data: Mapping[tuple[str, int], float] = getattr(self, name)
            extra = {(key, steady): value for (key, t), value in data.items()
                     if t == last and (key, steady) not in data}
            if extra:
                object.__setattr__(self, name, {**data, **extra})

    @property
    def STEADY_YEAR(self) -> int | None:
        """T + 1, the steady-state year, when `years_after_horizon` N > 0 (None otherwise): one
        operating year after the last plan year T that stands for the N years after it, weighted
        `year_weight`[T + 1] = df[T] * sum_{k=1..N} (1 + r) ** -k. Nothing is decided in it; every
        module decided in the plan runs in it at full rate (no ramp-up share); committed capacity
        online by then stands in it (siting.prepare.inputs maps online years T + 1..T + N to it);
        prices, caps and supplies are the last year's where not given for it (STEADY_STATE_DATA);
        the plan's targets, budget and rules on decisions do not apply to it; operating rules
        (sales caps, supply limits, chain balance, utilisation) do."""
        if self.years_after_horizon > 0 and self.YEARS:
            return self.YEARS[-1] + 1
        return None

    @property
    def OPERATING_YEARS(self) -> tuple[int, ...]:
        """The years with production, flows and operating costs: YEARS, then `STEADY_YEAR` when
        there is one."""
        steady = self.STEADY_YEAR
        return tuple(self.YEARS) + ((steady,) if steady is not None else ())

    def ramp_share(self, product: str, year: int) -> float:
        """The share of its nameplate that capacity of `product` first producing in `year`
        makes that year: ramp[p] (`ramp_up_share`, 1 where not given), and 1 in the steady-state
        year (the years it stands for are after every module's first year)."""
        if year == self.STEADY_YEAR:
            return 1.0
        return self.ramp_up_share.get(product, 1.0)

    @cached_property
    def year_weight(self) -> dict[int, float]:
        """W[t], the weight of year t's costs and revenue in the objective (factor, per year),
        over OPERATING_YEARS:

            W[t]     = df[t]                                   for the plan's years t <= T
            W[T + 1] = df[T] * sum_{k=1..N} (1 + r) ** -k      the steady-state year, N = years_after_horizon

        The steady-state year (`STEADY_YEAR`) stands for the N years after T, discounted at r:
        the plan's capacity runs in each of them at full rate beside the committed capacity online
        by then, and a module's yearly annuity counts in each (standing for its replacement). With
        N = 0 nothing after T counts: capacity that stands idle in T costs one year's annuity
        only, so a plan may build for an early year's need (a ramp-up year) and leave the
        capacity idle after it at little cost. Years missing from `discount_factor` are left out."""
        return year_weights(self.discount_factor, self.YEARS, self.discount_rate, self.years_after_horizon)

    @cached_property
    def shortfall_weight(self) -> dict[int, float]:
        """The weight of year t's target shortfalls in the objective (factor): W[t] for t < T and,
        for the last plan year, W[T] + W[T + 1] (`year_weight`, W[T + 1] the steady-state year's,
        0 without one). A unit of capacity or output value short in T is weighed against what
        closing it costs: capacity built to close it is paid for in T and in the years the steady
        state stands for, so the shortfall counts for them too, and the penalty factor keeps its
        meaning (a shortfall costs that many times closing it). The steady state is not checked
        against the targets: a shortfall in T counts so even where capacity committed to come
        online after T would cover the target then (the target is T's, and the plan misses it)."""
        weights = {t: self.year_weight[t] for t in self.YEARS if t in self.year_weight}
        steady = self.STEADY_YEAR
        if steady is not None and steady in self.year_weight and self.YEARS[-1] in weights:
            weights[self.YEARS[-1]] += self.year_weight[steady]
        return weights

    @cached_property
    def module_by_id(self) -> dict[str, ModuleSpec]:
        """Module specifications by module id."""
        return {spec.module_id: spec for spec in self.MODULES}

    def module(self, module_id: str) -> ModuleSpec:
        """The module specification of `module_id` (KeyError when unknown)."""
        return self.module_by_id[module_id]

    @cached_property
    def PROXIMITY_EXCLUDED(self) -> frozenset[SiteProduct]:
        """(site, product) pairs beyond the proximity limit of a resource the product needs,
        whether or not the family is on (see `models.families.proximity.too_far_pairs`)."""
        from models.families.proximity import too_far_pairs

        return too_far_pairs(self)

    @cached_property
    def ARCS_WITHIN_LIMIT(self) -> frozenset[tuple[str, str]]:
        """(source, site) arcs within the proximity limit of the source's resource, or to the
        site's nearest source of it (see `models.families.proximity.arcs_within_limit`)."""
        from models.families.proximity import arcs_within_limit

        return arcs_within_limit(self)

    @cached_property
    def index(self) -> ModelIndex:
        """The sparse index sets of the model (`models.index.derive_index`), derived once per
        inputs and shared by the model build, the pre-solve checks and the outputs."""
        from models.index import compute_index

        return compute_index(self)
