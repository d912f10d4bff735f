"""A script that calls `siting.compare(..., scheduler="local")` at its top level, without
`if __name__ == "__main__":`: Dask's worker processes import the script again as they start, so
that the local cluster cannot start. The call ends on an InputError that says so and names the
fix (siting/runs/pool.py `local_cluster_failed`), not on Dask's "Nanny failed to start"; and the
same script with the guard runs."""

from __future__ import annotations

import pytest

from tests.conftest import ScriptRun

pytest.importorskip("dask.distributed")


def test_a_top_level_call_on_a_local_cluster_names_the_main_guard(dask_unguarded_run: ScriptRun) -> None:
    """conftest's `DASK_SCRIPT` without the guard (`dask_unguarded_run`)."""
    done = dask_unguarded_run
    assert done.returncode != 0
    *_, error, last = done.stderr.strip().splitlines()
    assert error == "siting.config.errors.InputError: 1 problem in the input:"
    assert last.startswith("  - scheduler | the local Dask cluster")
    assert '- scheduler | the local Dask cluster could not start its workers (Dask: Nanny failed to start.)' in last
    assert 'put the call under `if __name__ == "__main__":`' in last
    assert "compared" not in done.stdout
    assert not done.out.exists()


def test_the_same_call_under_the_main_guard_runs(dask_guarded_run: ScriptRun) -> None:
    """conftest's `DASK_SCRIPT` with the guard (`dask_guarded_run`)."""
    done = dask_guarded_run
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "compared"
    assert (done.out / "comparison.csv").is_file()
