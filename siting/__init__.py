"""siting: plan regional industrial capacity by site, product and year with a MIP.

The front door (see `siting.api` and the README's "Python" section):

    problem = siting.load("scenario.yaml")     # read, check and preprocess once
    solution = siting.solve(problem)            # status, objective, plan tables, layers; writes nothing
    solution.write("outputs/run")               # the files `siting solve` writes

Also `siting.alternatives` (near-optimal plans and how robust each site is),
`siting.rule_costs`, `siting.compare`, `siting.sweep` (tables) and `siting.scenario_json_schema`.
The errors a caller may catch: `InputError` (bad input or arguments; its
`problems` list each one), `OutputFolderError` (an InputError: the output folder may not be
written), `PlanInfeasible` (the rules cannot be met together) and `NoSolution` (the solver
stopped without a plan). The names are imported on first use, so `import siting` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The errors a caller may catch, from `siting.config.errors`.
_ERRORS = ("InputError", "NoSolution", "OutputFolderError", "PlanInfeasible")

__all__ = ["Alternatives", "Batch", "InputError", "NoSolution", "OutputFolderError", "PlanInfeasible", "Problem",
           "Solution", "__version__", "alternatives", "compare", "load", "rule_costs", "run", "scenario_json_schema",
           "solve", "sweep"]

if TYPE_CHECKING:
    from siting.api import (
        Alternatives,
        Batch,
        Problem,
        Solution,
        alternatives,
        compare,
        load,
        rule_costs,
        run,
        scenario_json_schema,
        solve,
        sweep,
    )
    from siting.config.errors import InputError, NoSolution, OutputFolderError, PlanInfeasible


def __getattr__(name: str) -> Any:
    """Import the front door, or an error of `_ERRORS`, on first use (module attribute hook, PEP 562)."""
    if name in _ERRORS:
        from siting.config import errors

        return getattr(errors, name)
    if name in __all__:
        from siting import api

        return getattr(api, name)
    raise AttributeError(f"module 'siting' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names with the front door's, for `dir(siting)` and completion, without
    importing it (PEP 562)."""
    return sorted(set(globals()) | set(__all__))
