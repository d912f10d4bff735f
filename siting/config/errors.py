"""Errors a user can act on. The CLI prints them without a traceback."""

from __future__ import annotations

from collections.abc import Iterable


class InputError(Exception):
    """Bad input: one or more problems, each naming the file, the key or field, and the fix.

    Each problem reads `<file>[:line]: <key path> | <what is wrong> (got <value>); <how to fix>`.
    """

    exit_code = 2

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
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
