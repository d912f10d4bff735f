"""A YAML set (`!!set {lake, forest_park}`), in a scenario file or a `--set` value (in Python, a
'KEY=VALUE' override), is refused, naming where it stands and giving the list to write: YAML reads
it as a Python set, whose order changes from one run of Python to the next (the categories came out
[lake, forest_park] or [forest_park, lake] by PYTHONHASHSEED), as a set given in Python is refused.
Solves nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main

WHY = "a set (!!set), whose order changes from one run of Python to the next"


def test_a_set_in_a_file_is_refused_at_its_line(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    changed = text.replace("redline: {buffer_m: 1000}", "redline:\n    buffer_m: 1000\n    categories: !!set {lake, x}")
    assert changed != text
    (folder / "scenario.yaml").write_text(changed, encoding="utf-8")
    assert main(["show", "scenario.yaml"]) == 2
    err = capsys.readouterr().err
    line = changed.splitlines().index("    categories: !!set {lake, x}") + 1
    assert f"scenario.yaml:{line}:17: {WHY}" in err and "write a list, e.g. [lake, x]" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["constraints.redline.categories=!!set {lake, x}",
                                   "constraints.redline={categories: !!set {lake, x}}"])
def test_a_set_given_with_set_is_refused(folder: Path, capsys, monkeypatch, value: str):
    monkeypatch.chdir(folder)
    assert main(["show", "scenario.yaml", "--set", value]) == 2
    err = capsys.readouterr().err
    key = value.partition("=")[0]
    assert f"--set {key} | must hold a list, not {WHY}" in err and "write a list, e.g. [lake, x]" in err


def test_a_set_in_a_python_override_text_is_refused(folder: Path):
    with pytest.raises(siting.InputError) as raised:
        siting.load(folder / "scenario.yaml", overrides=["constraints.redline.categories=!!set {lake, x}"])
    problem, = raised.value.problems
    assert problem.startswith(f"overrides constraints.redline.categories | must hold a list, not {WHY}")
