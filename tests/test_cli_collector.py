"""The command line imports the front door with the collector off and sets the objects alive then
aside (siting/cli.py `front_door`): the collector is on again afterwards, as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_front_door_sets_the_imported_objects_aside_and_leaves_the_collector_on() -> None:
    """In a fresh process (the freeze is the process's): nothing is frozen before, the front door's
    modules after (a freeze count above 0), and the collector is enabled again."""
    code = ("import gc\nfrom siting.cli import front_door\nbefore = gc.get_freeze_count()\n"
            "api = front_door()\nprint(before, gc.get_freeze_count() > 0, gc.isenabled(), api.__name__)\n")
    shown = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["0", "True", "True", "siting.api"]
