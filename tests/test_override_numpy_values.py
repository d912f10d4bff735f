"""An override given a numpy number is recorded as the same Python number (manifest.json), so that
the same setting gives the same bytes however the notebook made its value."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import siting
from siting.api import override_pairs, plain_value

DATA = Path(__file__).parent / "data" / "small"


def test_numpy_scalars_become_python_values() -> None:
    assert override_pairs({"constraints.redline.buffer_m": np.int64(2000)}) == (("constraints.redline.buffer_m", 2000),)
    value = override_pairs([("solver.rel_gap", np.float64(0.02))])[0][1]
    assert type(value) is float and value == 0.02
    assert plain_value({"a": [np.bool_(True), np.int32(3)]}) == {"a": [True, 3]}
    assert type(plain_value([np.int64(1)])[0]) is int


def test_the_manifest_records_a_numpy_override_as_a_number(tmp_path: Path) -> None:
    written = []
    for name, value in (("numpy", np.int64(500)), ("plain", 500)):
        siting.run(DATA / "scenario.yaml", tmp_path / name, overrides={"constraints.redline.buffer_m": value})
        manifest = json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))
        written.append(manifest["overrides"])
    assert written[0] == written[1] == [{"setting": "constraints.redline.buffer_m", "value": 500}]
