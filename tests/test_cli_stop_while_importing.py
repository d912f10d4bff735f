"""Ctrl-C while `python cli.py` is still importing the tool ends the command as a later Ctrl-C
does: its one line, exit 130, no traceback (docs/USAGE.md: "No traceback is shown unless you pass
`--debug`")."""

from pathlib import Path

from tests.conftest import stopped_while_importing

ROOT = Path(__file__).resolve().parent.parent

#: Runs cli.py after the import hook that raises KeyboardInterrupt, as Ctrl-C would, when the
#: tool's modules are being imported (tests/conftest.py `INTERRUPTING_IMPORT`).
RUN_CLI = """
sys.argv = ["cli.py", "--version"]
runpy.run_path("cli.py", run_name="__main__")
"""


def test_ctrl_c_while_importing_is_a_stop_not_a_traceback() -> None:
    done = stopped_while_importing(RUN_CLI, ROOT)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "stopped by SIGINT: outputs not yet complete were discarded"
    assert done.returncode == 130
