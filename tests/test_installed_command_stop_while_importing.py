"""Ctrl-C while the installed `siting` command is still importing the tool ends the command as a
later Ctrl-C does: its one line, exit 130, no traceback, as `python cli.py` does
(tests/test_cli_stop_while_importing.py). The installed command is the script pip writes for
pyproject.toml's entry point: `from MODULE import FUNCTION; sys.exit(FUNCTION())`."""

import tomllib
from pathlib import Path

from tests.conftest import stopped_while_importing

ROOT = Path(__file__).resolve().parent.parent

#: The console script of the entry point `{module}:{function}` as pip writes it, run after the import
#: hook that raises KeyboardInterrupt, as Ctrl-C would, when the tool's modules are being imported
#: (tests/conftest.py `INTERRUPTING_IMPORT`).
CONSOLE_SCRIPT = """
sys.argv = ["siting", "--version"]
from {module} import {function}
sys.exit({function}())
"""


def test_ctrl_c_while_the_installed_command_imports_is_a_stop_not_a_traceback(tmp_path: Path) -> None:
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["siting"]
    module, _, function = entry.partition(":")
    done = stopped_while_importing(CONSOLE_SCRIPT.format(module=module, function=function), tmp_path)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "stopped by SIGINT: outputs not yet complete were discarded"
    assert done.returncode == 130
