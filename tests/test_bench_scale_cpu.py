"""benchmarks/bench_scale.py reports each run's processor seconds beside its wall time: the
process's own, every thread, from its start to its files written, less those spent writing models."""

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_scale


def test_the_recorder_leaves_out_writing_models(tmp_path: Path) -> None:
    rec = bench_scale.Recorder(time.time(), tmp_path)
    before = time.process_time()
    rec.excluded_cpu = 0.25
    assert rec.cpu() == pytest.approx(before - 0.25, abs=0.05)


def test_the_table_gives_the_processor_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    row = bench_scale.Row("shipped yunnan_2024 s0", wall_s=6.5, cpu_s=5.75)
    bench_scale.print_report([row], 0.01)
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("instance"))
    assert "cpu" in header.split()
    assert "5.75" in out
