"""The Pyomo formulation of the siting MIP: plain data in, a Pyomo model out.

This package knows nothing of files, YAML or geometry. `siting` prepares a `ModelInputs` and
calls `build_model`. Layout: `inputs` (the frozen input), `index` (sparse index sets and module
bounds), `variables` (variables and the capacity rows), `families/` (one module per rule
family), `objective`, `registry` (the list of families every other list derives from) and
`build` (`build_model`). docs/FORMULATION.md gives the mathematics.
"""

from models.build import build_model
from models.index import ModelIndex, derive_index
from models.inputs import ModelInputs, ModuleSpec, RecyclingDemo
from models.objective import COST_COMPONENTS
from models.registry import (
    FAMILIES,
    FAMILY_CONSTRAINTS,
    RULE_COST_FAMILIES,
    RULE_FAMILIES,
    RuleFamily,
    RuleFamilyError,
    family,
    set_family_active,
)
from models.units import MONEY_UNIT_YUAN

__all__ = [
    "COST_COMPONENTS",
    "FAMILIES",
    "FAMILY_CONSTRAINTS",
    "MONEY_UNIT_YUAN",
    "RULE_COST_FAMILIES",
    "RULE_FAMILIES",
    "ModelIndex",
    "ModelInputs",
    "ModuleSpec",
    "RecyclingDemo",
    "RuleFamily",
    "RuleFamilyError",
    "build_model",
    "derive_index",
    "family",
    "set_family_active",
]
