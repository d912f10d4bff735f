"""The Pyomo formulation of the siting MIP: plain data in, a Pyomo model out.

This package knows nothing of files, YAML or geometry. `siting` prepares a
`ModelInputs` and calls `build_model`.
"""

from models.formulation import RULE_FAMILIES, build_model
from models.inputs import ModelInputs, ModuleSpec, RecyclingDemo

__all__ = ["RULE_FAMILIES", "ModelInputs", "ModuleSpec", "RecyclingDemo", "build_model"]
