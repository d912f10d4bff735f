"""A "tcp://" scheduler's address whose port refuses the connection (nothing listens there), or
whose host name cannot be resolved, is refused at once, before Dask's client tries again and again
until its connect timeout: the problem names the argument, the address and why, and says what to
do; the command exits 2 and writes nothing."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from test_review18_runs import BUFFER, DATA, HAS_DASK

import siting.runs.pool as pool
from siting.cli import main

FIX = "start the scheduler (dask scheduler) or give the address of one this machine can reach, or drop --scheduler"


@pytest.fixture
def closed_port():
    """A port on loopback held by a socket that does not listen: a connection there is refused."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    yield held.getsockname()[1]
    held.close()


def _sweep(address: str, out: Path) -> int:
    import dask
    import distributed  # noqa: F401  (its settings in dask's config before one is set, so kept after)

    # a connect timeout longer than the test may take: the error must come before it
    with dask.config.set({"distributed.comm.timeouts.connect": "60s"}):
        return main(["sweep", str(DATA / "scenario.yaml"), "--set", f"{BUFFER}=0,1", "--scheduler", address,
                     "--out", str(out)])


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a client that tries to connect)")
def test_a_refused_port_is_said_at_once(closed_port: int, tmp_path: Path, capsys) -> None:
    address = f"tcp://127.0.0.1:{closed_port}"
    started = time.monotonic()
    code = _sweep(address, tmp_path / "sw")
    assert time.monotonic() - started < 50  # not Dask's connect timeout
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (f"--scheduler | could not connect to the Dask scheduler at '{address}' (connection refused: nothing "
            f"listens on port {closed_port} of 127.0.0.1); {FIX}") in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a client that tries to connect)")
def test_a_host_name_that_cannot_be_resolved_is_said_so(tmp_path: Path, capsys, monkeypatch) -> None:
    looked_up: list[str] = []

    def unknown(host: str, *_args: object, **_kwargs: object) -> list[object]:
        looked_up.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(pool.socket, "getaddrinfo", unknown)  # no name service asked
    address = "tcp://no-such-host.invalid:8786"
    code = _sweep(address, tmp_path / "sw")
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "no answer" not in err
    assert (f"--scheduler | could not connect to the Dask scheduler at '{address}' (the host name "
            f"'no-such-host.invalid' could not be resolved: name or service not known); {FIX}") in err
    assert looked_up == ["no-such-host.invalid"]
    assert list(tmp_path.iterdir()) == []


def test_only_tcp_addresses_are_probed() -> None:
    assert pool.probe_problem("tls://127.0.0.1:1") is None
    assert pool._host_port("[::1]:8786") == ("::1", 8786)
    assert pool._host_port("TCP://h:1") == ("h", 1)


def test_a_port_that_takes_the_connection_is_not_said_refused() -> None:
    """Taken (the kernel's backlog) but never greeted: the greeting wait's problem, not a refusal
    (tests/test_scheduler_greeting.py)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        probed = pool.probe_problem(f"tcp://127.0.0.1:{server.getsockname()[1]}", greeting_s=0.2)
    assert probed is not None and probed.taken


def test_a_lost_name_lookup_in_dask_is_said_as_such() -> None:
    try:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except OSError as inner:
            raise OSError("Timed out trying to connect") from inner
    except OSError as error:
        assert pool._connect_reason(error) == "the host name could not be resolved: name or service not known"


def _pyomo_lock_kind() -> str:
    import pyomo.common.dependencies as dependencies

    return "process-shared" if hasattr(dependencies.capture_output_lock, "_semlock") else "this process's"


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a local cluster)")
def test_the_local_clusters_workers_hold_no_semaphore_a_kill_would_leave() -> None:
    """A worker of the local cluster killed as the cluster closes under way (Ctrl-C) used to leave
    Pyomo's process-shared lock to the resource tracker of the command, which then warned of
    "leaked semaphore objects" on the terminal after the stop line."""
    with pool.dask_client("local", 1, lambda _line: None) as client:
        kinds = client.run(_pyomo_lock_kind)
    assert list(kinds.values()) == ["this process's"]
