"""manifest.json records the SHA-256 of each input file as the run read it (siting/prepare/problem.py
`input_sha256`), not as the file stands when the outputs are written; a file changed in between is
named in the manifest's and the report's notices (siting/deliver/manifest.py `changed_inputs`)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

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


def test_the_bases_recorded_are_those_read(tmp_path: Path) -> None:
    """A scenario extending the small one, made to extend another file between the solve and the
    write: the manifest's base is the file read, with its SHA-256 then; the scenario's change is
    named; a second write after the file is put back says nothing changed (the notice was that
    write's, not the problem's)."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    child = folder / "child.yaml"
    child.write_text("extends: scenario.yaml\nname: child\n", encoding="utf-8")
    other = folder / "other.yaml"
    shutil.copy(folder / "scenario.yaml", other)
    problem = siting.load(child)
    solution = siting.solve(problem)
    written = child.read_text(encoding="utf-8")
    child.write_text(written.replace("scenario.yaml", "other.yaml"), encoding="utf-8")
    first = json.loads((solution.write(tmp_path / "out1") / "manifest.json").read_text(encoding="utf-8"))
    assert (first["inputs"]["base"], "base_2" in first["inputs"]) == ("scenario.yaml", False)
    assert first["input_sha256"]["base"] == sha256(folder / "scenario.yaml")
    assert [n for n in first["notices"] if "changed after the run read it" in n] == [
        f"child.yaml changed after the run read it (now has SHA-256 {sha256(child)[:12]}): the outputs and the "
        f"manifest's input_sha256 ({hashlib.sha256(written.encode()).hexdigest()[:12]}) are those of the file as "
        "read; run again to plan with the file as it is now"]
    child.write_text(written, encoding="utf-8")
    second = json.loads((solution.write(tmp_path / "out2") / "manifest.json").read_text(encoding="utf-8"))
    assert [n for n in second["notices"] if "changed after the run read it" in n] == []
    assert not any("changed after the run read it" in n for n in problem.prepared.notices)


def test_a_scenario_gone_after_the_read_is_written_with_a_notice(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    child = folder / "child.yaml"
    child.write_text("extends: scenario.yaml\nname: child\n", encoding="utf-8")
    solution = siting.solve(siting.load(child))
    child.unlink()
    manifest = json.loads((solution.write(tmp_path / "out") / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["base"] == "scenario.yaml"
    assert any(n.startswith("child.yaml changed after the run read it (is gone)") for n in manifest["notices"])


def test_a_shapefile_layer_counts_its_other_parts(tmp_path: Path) -> None:
    """The sources layer as a shapefile: its .dbf (the attributes) edited after the read is named."""
    import geopandas as gpd

    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    gpd.read_file(folder / "sources.geojson").to_file(folder / "sources.shp")
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("sources.geojson", "sources.shp"),
                        encoding="utf-8")
    problem = siting.load(scenario)
    assert {p.name for p in problem.prepared.input_sha256} >= {"sources.shp", "sources.dbf", "sources.shx",
                                                                "sources.prj"}
    dbf = folder / "sources.dbf"
    dbf.write_bytes(dbf.read_bytes() + b" ")
    assert [n.split(" changed")[0] for n in changed_inputs(problem.prepared.input_sha256)] == ["sources.dbf"]


def test_the_terminal_summary_names_an_input_changed_since_the_read(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's summary of a run prints the notice the manifest gives for an input
    changed after the run read it (the Problem's own notices do not keep it)."""
    import siting.deliver.files as files
    from siting.cli import format_summary
    from siting.runs.job import run_solve

    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    sites = folder / "sites.geojson"
    real = files.plan_layers

    def edited_then(*args, **kwargs):  # the layer edited as the run begins to write its outputs
        if not sites.read_text(encoding="utf-8").endswith("\n\n"):
            sites.write_text(sites.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "plan_layers", edited_then)
    result = run_solve(folder / "scenario.yaml", tmp_path / "out")
    summary = format_summary(result)
    assert "sites.geojson changed after the run read it" in summary
    manifest = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert any("sites.geojson changed after the run read it" in n for n in manifest["notices"])
