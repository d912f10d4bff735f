"""Standard error that refuses an error's message (its disk full: /dev/full) does not change the
exit code the error chose: bad input is still 2, not 1 from an OSError traceback nor 120 from the
last flush failing (siting/cli.py `say_on_stderr`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FULL = Path("/dev/full")

pytestmark = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_bad_input_with_standard_error_refused_still_exits_2(unbuffered: str, tmp_path: Path) -> None:
    """`check nosuch.yaml 2> /dev/full`, buffered or not: exit 2, nothing on standard output."""
    with FULL.open("w") as full:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", "nosuch.yaml"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=full, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": unbuffered})
    assert done.returncode == 2
    assert done.stdout == ""
