"""A "tcp://" scheduler's address where something other than a Dask scheduler answers at once (a
web server's "400 Bad Request", which Dask's client reads as the length of a message and fails on)
is refused with the problem that names the argument and the address, exit 2, nothing written; not
with the client's traceback and exit 1."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_review18_runs import HAS_DASK
from test_scheduler_refused import _sweep

REPLY = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@pytest.fixture
def web_port() -> Iterator[int]:
    """A port on loopback where a server answers every connection with an HTTP error at once."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn, contextlib.suppress(OSError):
                conn.sendall(REPLY)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    done.set()
    thread.join(2)
    server.close()


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a client that tries to connect)")
def test_an_answer_that_is_not_a_schedulers_is_a_clear_problem(web_port: int, tmp_path: Path, capsys) -> None:
    address = f"tcp://127.0.0.1:{web_port}"
    code = _sweep(address, tmp_path / "sw")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2
    assert f"--scheduler | {address!r} took the connection but did not answer as a Dask scheduler" in err
    assert "give the address of a Dask scheduler, or drop --scheduler" in err
    assert list(tmp_path.iterdir()) == []
