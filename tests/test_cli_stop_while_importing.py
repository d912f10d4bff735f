"""Ctrl-C while `python cli.py` is still importing the tool ends the command as a later Ctrl-C
does: its one line, exit 130, no traceback (README: "No traceback is shown unless you pass
`--debug`")."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs cli.py with an import hook that raises KeyboardInterrupt, as Ctrl-C would, when the
#: tool's modules are being imported.
INTERRUPTED_IMPORT = """
import runpy
import sys


class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "siting.config.progress":
            raise KeyboardInterrupt
        return None


sys.meta_path.insert(0, Interrupting())
sys.argv = ["cli.py", "--version"]
runpy.run_path("cli.py", run_name="__main__")
"""


def test_ctrl_c_while_importing_is_a_stop_not_a_traceback() -> None:
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "stopped by SIGINT: outputs not yet complete were discarded"
    assert done.returncode == 130
