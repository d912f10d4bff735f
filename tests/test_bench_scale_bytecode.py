"""benchmarks/bench_scale.py times runs on compiled modules: before the timed runs, an untimed run
fills a bytecode cache of the benchmark's own, which every timed process then reads, whatever
PYTHONDONTWRITEBYTECODE says; the environment is as it was afterwards."""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_scale


def test_timed_runs_read_a_cache_the_untimed_run_filled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    seen: list[tuple[list[str], dict[str, str | None]]] = []

    def run(command: list[str], **kwargs: object) -> SimpleNamespace:
        import os
        seen.append((list(command), {name: os.environ.get(name)
                                     for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}))
        return SimpleNamespace(returncode=0, stderr="")

    def instance(row: bench_scale.Row, *args: object) -> bench_scale.Row:
        import os
        seen.append((["timed"], {name: os.environ.get(name)
                                 for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}))
        return row

    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(bench_scale, "run_instance", instance)
    args = bench_scale.parse_args(["--sizes", "--seeds", "0"])
    rows = bench_scale.run_benchmark(args, tmp_path)
    assert len(rows) == 1
    cache = str(tmp_path / "bytecode")
    assert [command[-1] for command, _ in seen][-1] == "timed"
    assert any("solve" in command for command, _ in seen[:-1])  # the untimed run came first
    assert all(env == {"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": cache} for _, env in seen)
    import os
    assert os.environ.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert os.environ.get("PYTHONPYCACHEPREFIX") is None
