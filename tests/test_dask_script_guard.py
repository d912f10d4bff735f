"""A script that calls `siting.compare(..., scheduler="local")` at its top level, without
`if __name__ == "__main__":`: Dask's worker processes import the script again as they start, so
that the local cluster cannot start. The call ends on an InputError that says so and names the
fix (siting/runs/pool.py `local_cluster_failed`), not on Dask's "Nanny failed to start"; and the
same script with the guard runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"

SCRIPT = """\
import siting
{guard}siting.compare([{path!r}, {other!r}], out={out!r}, scheduler="local", workers=1)
print("compared")
"""


def _run(tmp_path: Path, guarded: bool) -> subprocess.CompletedProcess[str]:
    guard = 'if __name__ == "__main__":\n    ' if guarded else ""
    script = tmp_path / ("guarded.py" if guarded else "unguarded.py")
    other = tmp_path / "wider_buffer.yaml"
    other.write_text(f"extends: {SMALL}\nname: wider_buffer\nconstraints:\n  redline: {{buffer_m: 2000}}\n",
                     encoding="utf-8")
    script.write_text(SCRIPT.format(guard=guard, path=str(SMALL), other=str(other), out=str(tmp_path / "out")).replace(
        "\nprint", "\n    print" if guarded else "\nprint"), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_a_top_level_call_on_a_local_cluster_names_the_main_guard(tmp_path: Path) -> None:
    done = _run(tmp_path, guarded=False)
    assert done.returncode != 0
    *_, error, last = done.stderr.strip().splitlines()
    assert error == "siting.config.errors.InputError: 1 problem in the input:"
    assert last.startswith("  - scheduler | the local Dask cluster")
    assert '- scheduler | the local Dask cluster could not start its workers (Dask: Nanny failed to start.)' in last
    assert 'put the call under `if __name__ == "__main__":`' in last
    assert "compared" not in done.stdout
    assert not (tmp_path / "out").exists()


def test_the_same_call_under_the_main_guard_runs(tmp_path: Path) -> None:
    done = _run(tmp_path, guarded=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "compared"
    assert (tmp_path / "out" / "comparison.csv").is_file()
