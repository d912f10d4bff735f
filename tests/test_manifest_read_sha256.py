"""manifest.json records the SHA-256 of each input file as the run read it (siting/prepare/problem.py
`input_sha256`), not as the file stands when the outputs are written; a file changed in between is
named in the manifest's and the report's notices (siting/deliver/manifest.py `changed_inputs`)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import siting
from siting.deliver.manifest import changed_inputs

DATA = Path(__file__).parent / "data" / "small"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_records_the_inputs_as_read(tmp_path: Path) -> None:
    """The sites layer edited between the solve and the write: input_sha256 holds the digest of
    the bytes read; the notice names the file, both digests' prefixes and what to do."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    scenario = folder / "scenario.yaml"
    problem = siting.load(scenario)
    sites = next(path for role, path in problem.prepared.layers.paths.items() if role == "sites")
    read = sha256(sites)
    solution = siting.solve(problem)
    sites.write_text(sites.read_text(encoding="utf-8").replace("}", " }", 1), encoding="utf-8")
    edited = sha256(sites)
    assert edited != read
    out = solution.write(tmp_path / "out")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input_sha256"]["sites"] == read
    assert manifest["input_sha256"]["scenario"] == sha256(scenario)
    expected = (f"{sites.name} changed after the run read it (now has SHA-256 {edited[:12]}): the outputs and the "
                f"manifest's input_sha256 ({read[:12]}) are those of the file as read; run again to plan with the "
                "file as it is now")
    assert expected in manifest["notices"]
    assert expected in (out / "report.md").read_text(encoding="utf-8")


def test_no_notice_when_nothing_changed(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    problem = siting.load(folder / "scenario.yaml")
    assert changed_inputs(problem.prepared.input_sha256) == []
    assert set(problem.prepared.input_sha256) >= {(folder / "scenario.yaml").resolve()}
    assert all(len(d) == 64 for d in problem.prepared.input_sha256.values())


def test_a_file_gone_after_the_read_is_named(tmp_path: Path) -> None:
    gone = tmp_path / "gone.geojson"
    notices = changed_inputs({gone: "a" * 64})
    assert notices == ["gone.geojson changed after the run read it (is gone): the outputs and the manifest's "
                       "input_sha256 (aaaaaaaaaaaa) are those of the file as read; run again to plan with the file "
                       "as it is now"]
