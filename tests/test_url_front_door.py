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


@pytest.mark.parametrize("command", [["solve"], ["check"], ["show"], ["sweep", "--set", "spatial.max_km=1,2"],
                                     ["compare"]])
def test_a_scenario_given_as_a_url_is_refused_as_typed(in_tmp: Path, capsys, command: list[str]):
    """Every command taking a scenario names the URL whole and says it is not read, in the layout of
    bad input (exit 2, the argument named), not argparse's usage and error."""
    from siting.cli import main

    code = main([command[0], "https://example.com/s.yaml", *command[1:]])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == (f"error: 1 problem in the input:\n  - scenario | is a URL (got 'https://example.com/s.yaml'): "
                   f"{READ}\n"), err
    assert os.listdir(in_tmp) == []


def test_a_scenario_url_hides_no_other_problem_of_the_command_line(folder: Path, in_tmp: Path, capsys):
    """A scenario given as a URL is listed with the refused options and the other scenarios'
    problems, as any other bad scenario is; one good scenario beside a URL is no "too few" problem."""
    from siting.cli import main

    code = main(["solve", "https://example.com/s.yaml", "--time-limit", "-3", "--set", "x"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == ("error: 3 problems in the input:\n"
                   "  - --time-limit | must be a finite number of seconds greater than 0 (got '-3'); give e.g. "
                   "--time-limit 60\n"
                   "  - --set x | expected KEY=VALUE, e.g. constraints.redline.buffer_m=2000\n"
                   f"  - scenario | is a URL (got 'https://example.com/s.yaml'): {READ}\n"), err
    code = main(["compare", "https://example.com/a.yaml", "s3://bucket/b.yaml", "nope.yaml"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == ("error: 3 problems in the input:\n"
                   f"  - scenario | is a URL (got 'https://example.com/a.yaml'): {READ}\n"
                   f"  - scenario | is a URL (got 's3://bucket/b.yaml'): {READ}\n"
                   "  - nope.yaml: no such scenario file; check its path (a relative path starts at the current "
                   "folder)\n"), err
    code = main(["compare", "https://example.com/a.yaml", str(folder / "scenario.yaml")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == ("error: 1 problem in the input:\n"
                   f"  - scenario | is a URL (got 'https://example.com/a.yaml'): {READ}\n"), err
    for flags in ([], ["--time-limit", "0"]):
        code = main(["sweep", "https://example.com/s.yaml", "--set", "x", *flags])
        err = capsys.readouterr().err
        assert code == 2, err
        assert ("  - --set x | expected KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500\n"
                f"  - scenario | is a URL (got 'https://example.com/s.yaml'): {READ}\n") in err, err
    assert os.listdir(in_tmp) == ["small"]


def test_python_scenario_urls_are_listed_with_the_other_problems(in_tmp: Path):
    """`siting.compare` names every path given as a URL, with the other files' problems;
    `siting.sweep` names its malformed settings beside the URL."""
    with pytest.raises(InputError) as refused:
        siting.compare(["https://example.com/a.yaml", "nope.yaml", "s3://bucket/b.yaml"])
    assert refused.value.problems == [
        f"paths[0] | is a URL (got 'https://example.com/a.yaml'): {READ}",
        f"paths[2] | is a URL (got 's3://bucket/b.yaml'): {READ}",
        "nope.yaml: no such scenario file; check its path (a relative path starts at the current folder)"]
    with pytest.raises(InputError) as refused:
        siting.sweep("https://example.com/s.yaml", ["x"])
    assert refused.value.problems[-1] == f"path | is a URL (got 'https://example.com/s.yaml'): {READ}"
    assert refused.value.problems[0].startswith("settings x | expected a mapping"), refused.value.problems
    assert os.listdir(in_tmp) == []


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
