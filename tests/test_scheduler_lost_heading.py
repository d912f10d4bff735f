"""A batch that lost its Dask scheduler mid-way is not said to have a problem in its input: its
heading says what it is (siting/runs/pool.py `SchedulerLost`), still an InputError, exit 2."""

from __future__ import annotations

import pytest

import siting.runs.pool as pool
from siting.config.errors import InputError

pytest.importorskip("distributed")
from test_scheduler_lost import LostClient, hooks, tasks


def test_a_lost_scheduler_is_headed_as_such() -> None:
    with pytest.raises(InputError) as caught:
        pool._run_on_dask(tasks(), LostClient(), hooks([]), "siting-run")
    assert str(caught.value).splitlines()[0] == "1 problem with the Dask scheduler:"
    assert caught.value.exit_code == 2
