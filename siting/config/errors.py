"""Errors a user can act on. The CLI prints them without a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from siting.config.load import Salvage


def listed(items: Iterable[object], limit: int = 5) -> str:
    """`items` for a message: "'a'", "'a', 'b' and 'c'", or the first `limit` and "and N more"
    (text quoted, numbers as they are)."""
    shown = [repr(i) if isinstance(i, str) else str(i) for i in items]
    if len(shown) > limit:
        return ", ".join(shown[:limit]) + f" and {len(shown) - limit} more"
    if len(shown) <= 1:
        return shown[0] if shown else "none"
    return ", ".join(shown[:-1]) + " and " + shown[-1]


class InputError(Exception):
    """Bad input: one or more problems, each naming the file, the key or field, and the fix.

    Each problem reads `<file>[:line]: <key path> | <what is wrong> (got <value>); <how to fix>`.
    """

    exit_code = 2

    def __init__(self, problems: Iterable[str], salvage: Salvage | None = None):
        self.problems = list(problems)
        #: What `siting.config.load.load_scenario` could still make of a scenario with these
        #: problems, for the checks of its layers; None otherwise.
        self.salvage = salvage
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        count = len(self.problems)
        head = "1 problem in the input:" if count == 1 else f"{count} problems in the input:"
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class PlanInfeasible(Exception):
    """The rules cannot be met together; the message says which."""

    exit_code = 1


class NoSolution(Exception):
    """The solver stopped without a plan (time limit before any incumbent, or an error)."""

    exit_code = 1
