"""The registry of rule families: one entry per family, from which every list is derived.

The scenario's `constraints:` sections, `RULE_FAMILIES`, the call list of `build_model`,
`FAMILY_CONSTRAINTS` (what `set_family_active` switches), the families whose cost
`--rule-costs` reports, the families tried when a plan is infeasible, docs/FORMULATION.md and
the tests' coverage guard all follow `FAMILIES`. Its order is the build order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyomo.core as pyo

from models.families import (
    agglomeration,
    budget,
    build_rate,
    chain_balance,
    differentiation,
    land,
    market,
    output_value,
    proximity,
    recycling_demo,
    redline,
    supply,
    targets,
    utilisation,
)
from models.index import ModelIndex
from models.inputs import ModelInputs

#: A function that adds a family's sets, variables and rows to a model under construction.
Adder = Callable[[pyo.ConcreteModel, ModelInputs, ModelIndex], None]


@dataclass(frozen=True)
class RuleFamily:
    """One rule family of the formulation.

    name: the family's name in `ModelInputs.enabled_families` and in messages.
    section: its key under `constraints:` in a scenario file (`constraints.<section>.enabled`).
    module: the module of `models.families` that holds it.
    adders: the functions that add it to a model, called in this order by `build_model`; empty
        for families that act through the index sets only.
    constraints: the names of its constraint components on a built model (what
        `set_family_active` switches).
    relax_needs_rebuild: True when switching the family off changes the index sets or the
        variable bounds, so that relaxing it needs a new build rather than deactivated rows.
    rule_cost_rank: its position in the `--rule-costs` report, or None when not reported.
    """

    name: str
    section: str
    module: str
    adders: tuple[Adder, ...]
    constraints: tuple[str, ...]
    relax_needs_rebuild: bool
    rule_cost_rank: int | None = None


FAMILIES: tuple[RuleFamily, ...] = (
    RuleFamily(
        "targets", "targets", targets.__name__,
        (targets.add_capacity_targets, targets.add_capacity_ceiling),
        ("capacity_target", "capacity_ceiling"),
        relax_needs_rebuild=True,  # the capacity ceiling also caps the module bounds
    ),
    RuleFamily(
        "output_value", "output_value", output_value.__name__,
        (output_value.add_output_value_targets, output_value.add_output_value_cover),
        ("output_value_target", "value_cover"),
        relax_needs_rebuild=False,
    ),
    RuleFamily(
        "land", "land", land.__name__, (land.add_land,), ("land_limit",),
        relax_needs_rebuild=True,  # the land also sets the module bounds
    ),
    RuleFamily("redline", "redline", redline.__name__, (), (), relax_needs_rebuild=True, rule_cost_rank=0),
    RuleFamily("proximity", "proximity", proximity.__name__, (), (), relax_needs_rebuild=True, rule_cost_rank=1),
    RuleFamily(
        "supply", "supply", supply.__name__, (supply.add_supply,), ("supply_balance", "source_limit", "raw_import_cap"),
        relax_needs_rebuild=False,
    ),
    RuleFamily(
        "chain_balance", "chain_balance", chain_balance.__name__, (chain_balance.add_chain_balance,),
        ("chain_balance",), relax_needs_rebuild=False, rule_cost_rank=5,
    ),
    RuleFamily(
        "differentiation", "differentiation", differentiation.__name__,
        (differentiation.add_host_indicator, differentiation.add_product_hosting_limit,
         differentiation.add_lead_share, differentiation.add_portfolio_difference,
         differentiation.add_cluster_value_share),
        ("product_hosting_limit", "lead_share", "differs_if_one", "differs_if_not_both", "portfolio_difference",
         "cluster_value_share"),
        relax_needs_rebuild=False, rule_cost_rank=2,
    ),
    RuleFamily(
        "agglomeration", "agglomeration", agglomeration.__name__, (agglomeration.add_agglomeration,),
        ("open_link", "min_investment", "open_sites_limit"), relax_needs_rebuild=False, rule_cost_rank=3,
    ),
    RuleFamily("budget", "budget", budget.__name__, (budget.add_budget,), ("budget",),
               relax_needs_rebuild=False, rule_cost_rank=4),
    RuleFamily(
        "recycling_demo", "recycling_demo", recycling_demo.__name__, (recycling_demo.add_recycling_demo,),
        ("demo_only", "demo_size", "demo_count", "demo_runs"), relax_needs_rebuild=False,
    ),
    RuleFamily("market", "market", market.__name__, (market.add_sales_cap,), ("sales_cap",),
               relax_needs_rebuild=False, rule_cost_rank=6),
    RuleFamily("utilisation", "utilisation", utilisation.__name__, (utilisation.add_min_utilisation,),
               ("min_utilisation",), relax_needs_rebuild=False),
    RuleFamily(
        "build_rate", "build_rate", build_rate.__name__,
        (build_rate.add_build_rate_modules, build_rate.add_build_rate_capex),
        ("build_rate_modules", "build_rate_capex"), relax_needs_rebuild=False, rule_cost_rank=7,
    ),
)

#: Every rule family's name, in build order.
RULE_FAMILIES: tuple[str, ...] = tuple(f.name for f in FAMILIES)

#: Constraint components of the families that can be switched off on a built model. The others
#: (red line, proximity, land, targets) act through the index sets or bounds: relaxing them
#: needs a new build.
FAMILY_CONSTRAINTS: dict[str, tuple[str, ...]] = {f.name: f.constraints for f in FAMILIES if not f.relax_needs_rebuild}

#: The families whose cost `--rule-costs` reports, in report order.
RULE_COST_FAMILIES: tuple[str, ...] = tuple(
    f.name for f in sorted((f for f in FAMILIES if f.rule_cost_rank is not None), key=lambda f: f.rule_cost_rank or 0)
)


class RuleFamilyError(KeyError):
    """A rule family or one of its constraint components is unknown, or cannot be switched in place."""

    def __str__(self) -> str:
        """The message itself, without the quotes KeyError puts around it."""
        return str(self.args[0]) if self.args else ""


def family(name: str) -> RuleFamily:
    """The registry entry of family `name`; RuleFamilyError (a KeyError) when there is none."""
    for entry in FAMILIES:
        if entry.name == name:
            return entry
    raise RuleFamilyError(f"unknown rule family '{name}'; known: {', '.join(RULE_FAMILIES)}")


def set_family_active(model: pyo.ConcreteModel, name: str, active: bool) -> None:
    """Switch a rule family's constraint rows on or off in a built model (for re-solves).

    With "agglomeration" off, nothing forces o[s] up, so the site fixed cost drops out with it.
    Raises RuleFamilyError (a KeyError) for an unknown family, for a family whose relaxation
    needs a rebuild (red line, proximity, land, targets: see `RuleFamily.relax_needs_rebuild`),
    and when one of the family's constraint components is not on the model; in the last case
    nothing is switched.
    """
    entry = family(name)
    if entry.relax_needs_rebuild:
        raise RuleFamilyError(f"rule family '{name}' acts through the index sets or bounds, not rows alone: "
                              "relax it by building a new model without it in enabled_families")
    missing = [c for c in entry.constraints if not isinstance(getattr(model, c, None), pyo.Constraint)]
    if missing:
        raise RuleFamilyError(f"rule family '{name}': constraint {', '.join(missing)} not found on the model; "
                              f"the registry (models.registry) and {entry.module} disagree")
    for component_name in entry.constraints:
        component = getattr(model, component_name)
        if active:
            component.activate()
        else:
            component.deactivate()
