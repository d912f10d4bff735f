"""Errors a user can act on, and the notices of a run. The CLI prints them without a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting.config.units import joined

if TYPE_CHECKING:
    from siting.config.load import Salvage


def listed(items: Iterable[object], limit: int = 5) -> str:
    """`items` for a message: "'a'", "'a', 'b' and 'c'", or the first `limit` and "and N more"
    (text quoted, numbers as they are)."""
    return joined([repr(i) if isinstance(i, str) else str(i) for i in items], limit) or "none"


class Notice(str):
    """A notice of the run that names input files. As text (a `str`) it names each file relative
    to the scenario file's folder, as the scenario names it (`../geodata/yunnan/sites.geojson`):
    the form the run's files keep (manifest.json, whose `inputs` are relative to that folder too,
    and report.md), the same wherever the run was started and with no machine's folders in it.
    `shown` names the files as every message does (`siting.config.load.shown_path`: relative to
    the current folder, as one types them there, `geodata/yunnan/sites.geojson`), for the
    terminal, where notices stand beside the errors (`shown_notice`)."""

    shown: str

    def __new__(cls, text: str, shown: str | None = None) -> Notice:
        notice = super().__new__(cls, text)
        notice.shown = text if shown is None else shown
        return notice

    def __reduce__(self) -> tuple[Any, ...]:
        # Both forms, so that a notice made in a worker process (a sweep's run) arrives whole.
        return Notice, (str(self), self.shown)


def shown_notice(notice: str) -> str:
    """A notice as the terminal shows it: files named as the errors name them (`Notice.shown`);
    a notice that names no file, as it is."""
    return notice.shown if isinstance(notice, Notice) else notice


class InputError(Exception):
    """Bad input: one or more problems, each naming the file, the key or field, and the fix
    (`siting.InputError`; raised by every call of `siting` for bad input or a bad argument).

    Each problem reads `<file>[:line]: <key path> | <what is wrong> (got <value>); <how to fix>`,
    or, for a Python argument, `<argument> | <what is wrong> (got <value>); <how to fix>`.
    The message is a heading ("1 problem in the input:", "3 problems in the input:") and then
    the problems, one per line.

    Attributes:
        problems: the problems, a list of texts, in the order found.
        exit_code: 2, the exit status of the command line for it.
    """

    exit_code = 2
    #: What the problems concern, in the heading after "N problem(s)".
    concerning = "in the input"

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        #: What `siting.config.load.load_scenario` could still make of a scenario with these
        #: problems, for the checks of its layers; None otherwise. Set by `salvaged_error` only,
        #: not a constructor argument, so that help() shows `InputError(problems)` alone.
        self.salvage: Salvage | None = None
        #: Without a `salvage` (its catalog failed), what could still be made of the scenario
        #: without its catalog: a Salvage whose scenario's `layers` passed the schema, its catalog
        #: None, with where its schema problems lie, so that its layers are still read and checked
        #: as far as they need no catalog (siting/prepare/problem.py `with_layer_problems`); None
        #: otherwise.
        self.salvage_without_catalog: Salvage | None = None
        super().__init__("\n".join(self.problems))

    def __reduce__(self) -> tuple:
        # Rebuilt from its attributes, so that an error raised in a worker process (a sweep's run)
        # arrives whole: Exception's default would pass the joined message as `problems`.
        state = dict(self.__dict__)
        if "result" in state:
            state["result"] = None  # a run's result stays in its process
        return _rebuilt, (type(self), state)

    def heading(self) -> str:
        """The line above the problems: "1 problem in the input:", "N problems in the input:"."""
        count = len(self.problems)
        return f"{count} problem{'' if count == 1 else 's'} {self.concerning}:"

    def __str__(self) -> str:
        return self.heading() + "\n" + "\n".join(f"  - {p}" for p in self.problems)


def salvaged_error(problems: Iterable[str], salvage: Salvage | None,
                   without_catalog: Salvage | None = None) -> InputError:
    """An InputError of `problems` carrying `salvage` (`InputError.salvage`): what loading could
    still make of the scenario, for the checks of its layers; without one, `without_catalog`
    (`InputError.salvage_without_catalog`: what could be made of it without its catalog), for
    the checks of its layers that need no catalog."""
    error = InputError(problems)
    error.salvage = salvage
    error.salvage_without_catalog = without_catalog if salvage is None else None
    return error


class OutputFolderError(InputError):
    """The output folder may not be written (`siting.OutputFolderError`, an `InputError`: catching
    InputError catches it too). Either refused before anything is solved (heading
    "1 problem with the output folder:", or "N problems in the input and with the output folder:"
    where the input's problems are listed first, then the folder's), or,
    checked again once every output was written, not replaced because it changed during the run
    (`during_run`, heading "the output folder was not replaced:"); then the complete outputs were
    kept in a new folder beside it, `kept`, unless that failed too (None). An InputError, with its
    `problems` and exit code (2 on the command line): the command did not do what was asked.

    Attributes:
        problems: the folder's problems (after the input's, when both are refused together).
        during_run: True when the folder changed during the run and was not replaced at its end.
        kept: the new folder beside it holding the run's complete outputs, or None.
        result: with `kept`, the run's record (as `siting.run` returns it), so that the plan can
            still be shown; None otherwise, and after the error crossed to another process.
    """

    concerning = "with the output folder"

    def __init__(self, problems: Iterable[str], during_run: bool = False, kept: Path | None = None):
        super().__init__(problems)
        #: True when the folder changed during the run and was not replaced at the end of it.
        self.during_run = during_run
        #: The new folder beside the output folder that holds the run's complete outputs, or None.
        self.kept = kept
        #: What the solve job made before the refusal, when its outputs were kept (a
        #: `siting.runs.job.RunResult` for `kept`), so that the caller can still show the plan;
        #: None otherwise. Not carried across processes.
        self.result: object | None = None

    def heading(self) -> str:
        return "the output folder was not replaced:" if self.during_run else super().heading()


def _rebuilt(cls: type[InputError], state: dict) -> InputError:
    """An InputError (or subclass) of `cls` with the attributes `state` (unpickling)."""
    error = cls.__new__(cls)
    Exception.__init__(error, "\n".join(state.get("problems", [])))
    error.__dict__.update(state)
    return error


class PlanInfeasible(Exception):
    """The rules cannot be met together (`siting.PlanInfeasible`; exit status 1 on the command
    line); the message says which. `notices`: the notices of the
    run (as `siting.Problem.notices` gives them, with any the solve added: what loading,
    preprocessing and the solve noticed, e.g. a target no module can reach in time), which a
    plan's summary and report give; set by the solves of `siting` (`siting.solve`, `siting.run`,
    `siting.rule_costs`, `siting.alternatives`, the command line), empty where the error was
    raised elsewhere.

    `diagnosis`: the explanation the solve found (None where the error was raised without one):
    `diagnosis.headline()` and `diagnosis.lines()` give it in words, as conflicts.md does;
    `diagnosis.conflicts` the rules of the conflict, each with `sentence` (the rule with its
    figures), `setting` (the scenario keys that state it, `key=value`), `relax_by` and `unit`
    (how much it must give in the least change that makes a plan possible, 0 when it need not),
    `relax_to` (for a target or a capacity ceiling, what it becomes under that change; None
    otherwise), `change` (that
    in words), `sites` and `clusters` (ids); `diagnosis.changes()` the rules
    the least change relaxes.
    `presolve`: what the checks before the solve found out of reach, in words (empty when none).
    `folder`: the folder that holds the diagnosis's files (conflicts.md, conflicts.geojson, ...)
    where `siting.run` or the command line wrote them, else None."""

    exit_code = 1
    notices: tuple[str, ...] = ()
    diagnosis: Any = None
    presolve: tuple[str, ...] = ()
    folder: Path | None = None


class NoSolution(Exception):
    """The solver stopped without a plan (`siting.NoSolution`; exit status 1 on the command
    line): the time limit came before any plan was found, or the solver failed; the message says
    what to do (e.g. a longer time limit). `notices`: the notices of the run, as for
    `PlanInfeasible`. `time_limit_s`: the time limit (s) the search stopped at before it found a
    plan, None when it stopped otherwise."""

    exit_code = 1
    notices: tuple[str, ...] = ()
    time_limit_s: float | None = None
