"""An address that takes the connection but never answers as a Dask scheduler does (its
dashboard's port, a web server) is refused within the greeting wait of the probe
(tests/test_scheduler_greeting.py); without that wait, after the connect timeout and a short grace, naming
the argument and what to check, with nothing written: Dask's own timeout does not cover the
handshake, so the command used to wait there for ever."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from test_review18_runs import BUFFER, DATA, HAS_DASK

from siting.cli import main


@pytest.fixture
def silent_port():
    """A port on loopback that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a client that tries to connect)")
def test_a_port_that_never_answers_is_refused(silent_port: int, tmp_path: Path, capsys, monkeypatch) -> None:
    import dask

    import siting.runs.pool as pool

    monkeypatch.setattr(pool, "HANDSHAKE_GRACE_S", 1.0)
    monkeypatch.setattr(pool, "GREETING_S", 0.0)  # no greeting wait: Dask's client and the grace find out
    address = f"tcp://127.0.0.1:{silent_port}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["sweep", str(DATA / "scenario.yaml"), "--set", f"{BUFFER}=0,1", "--scheduler", address,
                     "--out", str(tmp_path / "sw")])
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (f"--scheduler | '{address}' took the connection but gave no answer as a Dask scheduler in 2 s; check "
            "the port (a scheduler listens on 8786 unless told otherwise, its dashboard on 8787), give the address "
            "of a Dask scheduler, or drop --scheduler") in err
    assert list(tmp_path.iterdir()) == []
