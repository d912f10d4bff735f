"""A "tcp://" scheduler's address that takes the connection but sends no Dask scheduler's greeting
(a web server waiting for a request, as on the scheduler's dashboard port) is refused within the
greeting wait (`siting.runs.pool.GREETING_S`), not after Dask's connect timeout and a grace: a Dask
scheduler greets each connection at once. The problem names the argument and the address and
says what to check; the command exits 2 and writes nothing."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from test_review18_runs import HAS_DASK
from test_scheduler_refused import _sweep
from test_scheduler_silent_port import silent_port  # noqa: F401  (a fixture)

import siting.runs.pool as pool

CHECK = ("check the port (a scheduler listens on 8786 unless told otherwise, its dashboard on 8787), give the "
         "address of a Dask scheduler, or drop --scheduler")


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a client that tries to connect)")
def test_a_silent_port_is_refused_within_the_greeting_wait(silent_port: int, tmp_path: Path, capsys,  # noqa: F811
                                                            monkeypatch) -> None:
    monkeypatch.setattr(pool, "GREETING_S", 1.0)
    address = f"tcp://127.0.0.1:{silent_port}"
    started = time.monotonic()
    code = _sweep(address, tmp_path / "sw")  # Dask's connect timeout 60 s there
    assert time.monotonic() - started < 30
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (f"--scheduler | '{address}': it took the connection but sent no Dask scheduler's greeting in 1 s (a "
            f"scheduler greets each connection at once; one that speaks TLS needs a tls:// address); {CHECK}") in err
    assert list(tmp_path.iterdir()) == []


def test_a_port_that_closes_at_once_is_said_so() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        import threading

        def close_each() -> None:
            connection, _ = server.accept()
            connection.close()

        thread = threading.Thread(target=close_each, daemon=True)
        thread.start()
        probed = pool.probe_problem(f"tcp://127.0.0.1:{port}", greeting_s=5.0)
        thread.join(5)
    assert probed == pool.Probed("it took the connection and closed it without a Dask scheduler's greeting",
                                 taken=True)


def test_no_greeting_wait_leaves_the_port_to_dask() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        assert pool.probe_problem(f"tcp://127.0.0.1:{server.getsockname()[1]}", greeting_s=0) is None


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a scheduler)")
def test_a_dask_scheduler_greets_the_probe() -> None:
    from distributed import Scheduler

    async def probe() -> pool.Probed | None:
        async with Scheduler(port=0, dashboard_address=":0") as scheduler:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, pool.probe_problem, scheduler.address, 2.0, 5.0)

    assert asyncio.run(probe()) is None
