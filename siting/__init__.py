"""Plan regional industrial capacity by site, product and year with a MIP.

From Python, the same calls the command line makes:

    import siting
    problem = siting.load("scenario.yaml")  # read, check and preprocess once
    solution = siting.solve(problem)         # status, objective, tables, layers; writes nothing
    solution.write("outputs/run")            # the files `siting solve` writes

Each name below has its own help(), e.g. help(siting.solve):

    load, Problem            a scenario read, checked against its layers and preprocessed
    solve, Solution          the plan solved with HiGHS, in memory (tables, map layers, timings)
    run                      `siting solve` as one call: load, solve and write an output folder
    rule_costs               what each rule family costs: the plan re-solved with it relaxed
    alternatives, Alternatives   near-optimal plans, and how robust each site is across them
    compare, sweep, Batch    several scenarios or setting values solved and tabled together
    scenario_json_schema     the JSON schema of a scenario file, for editors

Money is in yuan (objective and costs discounted to the first year), capacity in the product's
unit per year (t/yr, GWh/yr), distances in km, times in seconds.

The errors a caller may catch: `InputError` (bad input or arguments; its `problems` list each
one, naming the file, the key or field and the fix), `OutputFolderError` (an InputError: the
output folder may not be written), `PlanInfeasible` (the rules cannot be met together) and
`NoSolution` (the solver stopped without a plan); the last two carry the run's `notices`, which
often say why. The names are imported on first use, so `import siting` stays fast.
docs/PYTHON.md has more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"


def _formulation_shadowed() -> str | None:
    """What stands in the place of the model formulation, the package `models` installed beside
    `siting` (its own top-level name, as the project is laid out), when another module of that
    name is imported already or comes first on Python's path (a `models.py` or `models/` in the
    current folder, which an interactive Python or a notebook searches first): the sentence that
    says so, naming both; None when `models` is siting's own."""
    import importlib.util
    import sys
    from pathlib import Path

    own = Path(__file__).resolve().parent.parent / "models" / "__init__.py"
    module = sys.modules.get("models")
    if module is not None:
        origin = getattr(module, "__file__", None)
    else:
        spec = importlib.util.find_spec("models")
        origin = spec.origin if spec is not None else None
    if origin is not None and Path(origin).resolve() == own:
        return None
    found = ("imported already" if module is not None else "first on Python's path (the current folder comes first "
             "in an interactive Python or a notebook)")
    where = str(origin) if origin is not None else "a namespace package without a file"
    return (f"siting cannot import its model formulation: the name 'models' is taken by {where}, {found}, "
            f"in the place of siting's own package {own.parent}. Rename that file or folder (or run from another "
            "folder), then start Python again.")


def _parent_gone_while_starting(exc_type: type[BaseException], exc: BaseException, tb: Any) -> bool:
    """Whether the uncaught `exc` is a spawned child's failure to open a lock its parent made, as
    it reads what the parent handed it (multiprocessing's `SemLock.__setstate__`): the parent has
    removed the lock's named semaphore, as it does as it ends (FileNotFoundError)."""
    import os

    if not issubclass(exc_type, FileNotFoundError) or tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return code.co_name == "__setstate__" and code.co_filename.endswith(f"multiprocessing{os.sep}synchronize.py")


def _quiet_start_after_parent_ended() -> None:
    """In a child process started by multiprocessing's "spawn" that is still importing its parent's
    main script (a worker of the local Dask cluster of `--scheduler local`, whose parent is cli.py
    or the installed `siting`): a Ctrl-C while the cluster starts ends the command at once, and its
    end removes the locks it handed that worker, which then fails to open them, before any of its
    own code runs, and printed a FileNotFoundError traceback under the stop's one line. That
    failure alone now ends the child without a word (exit code 1); any other goes to the hook
    that was there."""
    import sys

    multiprocessing = sys.modules.get("multiprocessing")  # a spawned child has it imported already
    if multiprocessing is None or not getattr(multiprocessing.current_process(), "_inheriting", False):
        return
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        if not _parent_gone_while_starting(exc_type, exc, tb):
            previous(exc_type, exc, tb)

    sys.excepthook = hook


_quiet_start_after_parent_ended()

if (_shadowed := _formulation_shadowed()) is not None:
    raise ImportError(_shadowed)
del _shadowed

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


def _command_line() -> int:
    """The installed `siting` command (pyproject.toml's entry point): siting/cli.py `main`, imported
    here so that Ctrl-C while the tool is still being imported (before `main` handles it) ends the
    command as Ctrl-C later does, with its one line on standard error and exit code 130, without a
    traceback, as `python cli.py` does (cli.py `run`)."""
    import signal
    import sys

    try:
        from siting.cli import end_at_once_on_another_stop, end_without_freeing, main
    except KeyboardInterrupt:
        print("stopped by SIGINT: outputs not yet complete were discarded", file=sys.stderr)
        return 128 + signal.SIGINT
    code = main(own_process=True)  # the process ends after: `main`'s own_process
    end_at_once_on_another_stop(code)
    end_without_freeing(code)  # no other thread left: the process ends here
    return code


def __getattr__(name: str) -> Any:
    """Import the public name `name` (a function, a class or an error of the list above) on
    first use, so that `import siting` stays fast (a module's attribute hook, PEP 562)."""
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
