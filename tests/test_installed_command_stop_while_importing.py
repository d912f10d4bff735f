"""Ctrl-C while the installed `siting` command is still importing the tool ends the command as a
later Ctrl-C does: its one line, exit 130, no traceback, as `python cli.py` does
(tests/test_cli_stop_while_importing.py). The installed command is the script pip writes for
pyproject.toml's entry point: `from MODULE import FUNCTION; sys.exit(FUNCTION())`."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The console script of the entry point `{module}:{function}` as pip writes it, run with an import
#: hook that raises KeyboardInterrupt, as Ctrl-C would, when the tool's modules are being imported.
CONSOLE_SCRIPT = """
import sys


class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "siting.config.progress":
            raise KeyboardInterrupt
        return None


sys.meta_path.insert(0, Interrupting())
sys.argv = ["siting", "--version"]
from {module} import {function}
sys.exit({function}())
"""


def test_ctrl_c_while_the_installed_command_imports_is_a_stop_not_a_traceback(tmp_path: Path) -> None:
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["siting"]
    module, _, function = entry.partition(":")
    done = subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT.format(module=module, function=function)],
                          cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "stopped by SIGINT: outputs not yet complete were discarded"
    assert done.returncode == 130
