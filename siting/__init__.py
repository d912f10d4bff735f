"""siting: plan regional industrial capacity by site, product and year with a MIP.

The front door (see `siting.api` and the README's "Python" section):

    problem = siting.load("scenario.yaml")     # read, check and preprocess once
    solution = siting.solve(problem)            # status, objective, plan tables, layers; writes nothing
    solution.write("outputs/run")               # the files `siting solve` writes

Also `siting.alternatives` (near-optimal plans and how robust each site is),
`siting.rule_costs`, `siting.compare`, `siting.sweep` (tables) and `siting.scenario_json_schema`.
The names are imported on first use, so `import siting` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Alternatives", "Batch", "Problem", "Solution", "__version__", "alternatives", "compare", "load",
           "rule_costs", "run", "scenario_json_schema", "solve", "sweep"]

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


def __getattr__(name: str) -> Any:
    """Import the front door on first use (module attribute hook, PEP 562)."""
    if name in __all__:
        from siting import api

        return getattr(api, name)
    raise AttributeError(f"module 'siting' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names with the front door's, for `dir(siting)` and completion, without
    importing it (PEP 562)."""
    return sorted(set(globals()) | set(__all__))
