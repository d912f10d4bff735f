"""Two threads writing GeoPackages write one at a time: the locale and GDAL options a write sets
are the process's, and one thread putting them back under another's write would change its bytes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from siting.deliver import geopackage


def test_geopackage_writes_from_two_threads_do_not_overlap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    active, peak, guard = [0], [0], threading.Lock()

    def slow_write(*_args, **_kwargs) -> None:
        with guard:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.3)
        with guard:
            active[0] -= 1

    monkeypatch.setattr(geopackage, "write_layers", slow_write)
    monkeypatch.setattr(geopackage, "add_styles", lambda *_args, **_kwargs: None)
    with ThreadPoolExecutor(2) as pool:
        done = [pool.submit(geopackage.write_geopackage, tmp_path / f"p{i}.gpkg", [], {}) for i in range(2)]
        for future in done:
            future.result()
    assert peak[0] == 1
