"""Cost arithmetic shared by the objective, the penalty rule and the reports (plain numbers).

capital recovery factor  CRF(r, n) = r / (1 - (1 + r)^-n)   (r > 0),   1 / n   (r = 0)
module annuity           a[s,m] = CRF(r, life[m]) * capex[m] + CRF(r, n_land) * pland[s] * land[m]
                         (yuan/yr, charged for every year the module stands within the horizon,
                         from its first production year on, and in the steady-state year T + 1,
                         weighted for the N years after the horizon (`ModelInputs.year_weight`):
                         the convention of PyPSA and other capacity-expansion models, so that no
                         end effect favours late builds)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.inputs import ModelInputs, ModuleSpec


def capital_recovery_factor(rate: float, lifetime_yr: float) -> float:
    """CRF(r, n): the yearly annuity per yuan invested, recovering it over n years at rate r.

    ValueError when n <= 0 or r <= -1."""
    if lifetime_yr <= 0:
        raise ValueError(f"lifetime must be positive, got {lifetime_yr}")
    if rate <= -1:
        raise ValueError(f"discount rate must be above -1, got {rate}")
    if rate == 0:
        return 1.0 / lifetime_yr
    return rate / (1.0 - (1.0 + rate) ** -lifetime_yr)


def capex_annuity_yuan_per_yr(inputs: ModelInputs, spec: ModuleSpec) -> float:
    """CRF(r, life[m]) * capex[m] (yuan/yr) of one module."""
    return capital_recovery_factor(inputs.discount_rate, spec.lifetime_yr) * spec.capex_yuan


def land_annuity_yuan_per_yr(inputs: ModelInputs, site: str, spec: ModuleSpec) -> float:
    """CRF(r, n_land) * pland[s] * land[m] (yuan/yr) of one module at `site`."""
    price = inputs.land_price_yuan_per_ha.get(site, 0.0)
    if price == 0:
        return 0.0
    return capital_recovery_factor(inputs.discount_rate, inputs.land_term_yr) * price * spec.land_ha


def levelised_capacity_cost_yuan_per_unit_yr(spec: ModuleSpec, rate: float) -> float:
    """(CRF(r, life[m]) * capex[m] + opex[m]) / size[m]: the yearly cost (yuan) of one unit/yr
    of capacity of module m while it stands, land excluded."""
    annuity = capital_recovery_factor(rate, spec.lifetime_yr) * spec.capex_yuan
    return (annuity + spec.fixed_opex_yuan_per_yr) / spec.capacity_units_per_yr


def capacity_shortfall_penalty_yuan_per_unit_yr(modules: list[ModuleSpec], rate: float, factor: float) -> float:
    """The shortfall-penalty rule of a capacity target (yuan per unit short, per target year):

        pen[g] = factor * max_{m of a product of g} (CRF(r, life[m]) capex[m] + opex[m]) / size[m]

    Capacity stands, and is paid for, year by year, as a shortfall is penalised year by year;
    with factor >= 1, a unit of capacity online in a target year costs less that year than the
    unit short, so the model builds whenever land, rules and lead times allow (site opening and
    land prices aside: they are per site, not per unit) where every year the unit stands in, to
    the horizon's end, carries the target; a target in an early year of a longer horizon only
    may be left short, the unit's annuities of the later years being offset by no penalty
    (docs/FORMULATION.md). ValueError when `modules` is empty."""
    if not modules:
        raise ValueError("a capacity target needs at least one module of its products")
    return factor * max(levelised_capacity_cost_yuan_per_unit_yr(spec, rate) for spec in modules)


def value_shortfall_penalty_yuan_per_yuan(factor: float) -> float:
    """The shortfall-penalty rule of an output-value target (yuan per yuan short, per target
    year): pen_v = factor. A yuan of output value missed costs `factor` yuan, whichever product
    would have made it; the same for every catalog."""
    return float(factor)
