"""`build_model`: the siting MIP as a script read from the registry of rule families."""

from __future__ import annotations

import pyomo.core as pyo

from models.index import derive_index
from models.inputs import ModelInputs
from models.network import add_network
from models.objective import add_objective
from models.registry import FAMILIES, RULE_FAMILIES
from models.variables import add_capacity_accumulation, add_variables


def build_model(inputs: ModelInputs) -> pyo.ConcreteModel:
    """Build the siting MIP from plain inputs; the model is not solved here.

    Derives the sparse index sets (`models.index.derive_index`, once per inputs), creates the
    variables and the capacity rows, the product network (`models.network`), calls every
    registered family's `add_<...>` functions in registry order (each builds empty sets when its
    family is off), then the objective.
    ValueError when `inputs.enabled_families` names a family that is not registered.
    """
    unknown = set(inputs.enabled_families) - set(RULE_FAMILIES)
    if unknown:
        raise ValueError(f"unknown rule families {sorted(unknown)}; known: {list(RULE_FAMILIES)}")
    index = derive_index(inputs)
    m = pyo.ConcreteModel(name="siting")
    m.index_data = index
    add_variables(m, inputs, index)
    add_capacity_accumulation(m, inputs, index)
    add_network(m, inputs, index)
    for entry in FAMILIES:
        for add in entry.adders:
            add(m, inputs, index)
    add_objective(m, inputs, index)
    return m
