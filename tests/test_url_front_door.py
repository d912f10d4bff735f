"""A scenario path or an output folder given as a URL, on the command line or in Python, is
refused as typed, before a `Path` makes `https://host/x` into `https:/host/x`: no scenario file
said missing under a mangled name, and no outputs written to a folder `https:` in the current one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError

READ = "URLs are not read; download the file and give its local path"
FOLDER = "the outputs are written to a local folder only; give a local folder's path"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's temporary folder as the current folder, which a mangled URL would write in."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_out_given_as_a_url_is_refused_and_nothing_is_written(folder: Path, in_tmp: Path, capsys):
    """`solve --out https://...` is refused as typed, before any solve, and leaves no `https:`
    folder in the current folder."""
    from siting.cli import main

    code = main(["solve", str(folder / "scenario.yaml"), "--out", "https://example.com/out"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == f"error: 1 problem in the input:\n  - --out | is a URL (got 'https://example.com/out'): {FOLDER}\n"
    assert os.listdir(in_tmp) == ["small"]


def test_a_scenario_given_as_a_url_is_refused_as_typed(in_tmp: Path, capsys):
    """`check https://...` names the URL whole and says it is not read."""
    from siting.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["check", "https://example.com/s.yaml"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert f"argument scenario: is a URL (got 'https://example.com/s.yaml'): {READ}\n" in err, err
    assert "Traceback" not in err


def test_schema_out_given_as_a_url_is_refused(in_tmp: Path, capsys):
    """`siting schema --out s3://...` writes no file `s3:/...` in the current folder."""
    from siting.cli import main

    code = main(["schema", "--out", "s3://bucket/schema.json"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert ("--out | is a URL (got 's3://bucket/schema.json'): the file is written to a local folder only; give a "
            "local file's path") in err, err
    assert os.listdir(in_tmp) == []


def test_python_paths_given_as_urls_are_refused(folder: Path, in_tmp: Path):
    """`siting.load` and `siting.run(out=...)` refuse a URL as typed."""
    with pytest.raises(InputError) as refused:
        siting.load("https://example.com/s.yaml")
    assert refused.value.problems == [f"path | is a URL (got 'https://example.com/s.yaml'): {READ}"]
    with pytest.raises(InputError) as refused:
        siting.run(folder / "scenario.yaml", out="s3://bucket/out")
    assert refused.value.problems == [f"out | is a URL (got 's3://bucket/out'): {FOLDER}"]
    assert os.listdir(in_tmp) == ["small"]
