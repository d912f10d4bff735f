"""Entry point from a checkout: `python cli.py solve scenarios/yunnan_2024.yaml` runs what the
installed `siting` command runs (see siting/cli.py).

Run with a Python that lacks a package the tool needs (a system Python, the tool not installed
in it), it says which package is missing and how to install the tool, in one line, exit 2 (the
exit code of input and setup errors); so it does for a Python older than the tool needs. A
module of the tool itself that cannot be imported is a bug and shows its traceback. Ctrl-C
while the tool is still being imported (before siting/cli.py handles it) ends the command as
Ctrl-C later does, with its one line and exit code 130, without a traceback."""

import shlex
import signal
import sys

#: The oldest Python the tool runs on (pyproject.toml's requires-python).
OLDEST_PYTHON = (3, 11)
#: The exit code of input and setup errors (siting/cli.py).
SETUP_ERROR = 2
#: The tool's own top-level packages: a module of theirs that is missing is a bug, not an install.
OWN_PACKAGES = frozenset({"siting", "models"})
#: What a command stopped by Ctrl-C before it began says: nothing was written yet (siting/cli.py
#: `stopped_line`, which is not imported yet).
STOPPED_EARLY = "stopped by SIGINT: outputs not yet complete were discarded"
#: Modules imported under another name than pip installs them by.
PACKAGE_NAMES = {"yaml": "pyyaml"}


def install_advice() -> str:
    """How to install the tool and run this command again: the README's install command."""
    again = " ".join(["cli.py", *map(shlex.quote, sys.argv[1:])])
    return ("install the tool with its packages from the folder of cli.py: python3 -m venv .venv && "
            f".venv/bin/python -m pip install -e . then run it as .venv/bin/python {again}")


def missing_package(exc: ModuleNotFoundError) -> "str | None":
    """The pip name of the third-party package whose absence `exc` reports; None when the
    missing module is not a top-level one (a module missing from a package that is there), is
    one of the tool itself or of the standard library (a bug or a broken install, which
    installing the tool would not mend), or when it names none."""
    name = exc.name or ""
    if not name or "." in name or name in OWN_PACKAGES or name in getattr(sys, "stdlib_module_names", ()):
        return None
    return PACKAGE_NAMES.get(name, name)


def run() -> int:
    """Run the command line; a missing package or too old a Python is one line on standard
    error and exit code SETUP_ERROR."""
    if sys.version_info < OLDEST_PYTHON:
        print(f"error: the tool needs Python {'.'.join(map(str, OLDEST_PYTHON))} or newer (this Python, "
              f"{sys.executable}, is {sys.version.split()[0]}); {install_advice()}", file=sys.stderr)
        return SETUP_ERROR
    try:
        from siting.cli import end_at_once_on_another_stop, end_without_freeing, main

        code = main(own_process=True)  # the process ends after: `main`'s own_process
        end_at_once_on_another_stop(code)  # Ctrl-C again while Python ends: no traceback
        end_without_freeing(code)  # no other thread left: the process ends here
        return code
    except KeyboardInterrupt:  # before siting/cli.py handles Ctrl-C: while it is imported
        print(STOPPED_EARLY, file=sys.stderr)
        return 128 + signal.SIGINT
    except ModuleNotFoundError as exc:
        package = missing_package(exc)
        if package is None:
            raise
        print(f"error: the Python package '{package}' is missing from this Python ({sys.executable}); "
              f"{install_advice()}", file=sys.stderr)
        return SETUP_ERROR


if __name__ == "__mp_main__":  # a worker of the local Dask cluster importing this script as it starts
    import siting  # noqa: F401  (a start its parent's end cuts short ends quiet: siting `_quiet_start_after_parent_ended`)

if __name__ == "__main__":
    sys.exit(run())
