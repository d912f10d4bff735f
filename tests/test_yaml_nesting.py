"""YAML nested deeper than any file of settings: refused with the file (and line) named, exit 2,
never a RecursionError traceback. Before, a scenario file of 1,000 nested lists, a
committed_projects.yaml of 3,000 or a `--set` of 3,000 ended in a traceback (500 were told as
a wrong type)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import MAX_YAML_DEPTH, parse_yaml_text

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "tests" / "data" / "small"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_the_deepest_nesting_allowed_is_read_and_one_more_is_refused_naming_the_line(tmp_path: Path) -> None:
    data, _node = parse_yaml_text(f"a: {nested(MAX_YAML_DEPTH - 1)}\n", tmp_path / "x.yaml")
    depth, value = 0, data["a"]
    while isinstance(value, list):
        depth, value = depth + 1, value[0] if value else None
    assert depth == MAX_YAML_DEPTH - 1
    with pytest.raises(InputError) as caught:
        parse_yaml_text(f"a: 1\nb: {nested(MAX_YAML_DEPTH)}\n", tmp_path / "x.yaml")
    assert caught.value.problems == [
        f"{tmp_path / 'x.yaml'}:2: lists and mappings nested more than {MAX_YAML_DEPTH} levels deep; a file "
        "of settings nests a few levels: check that it is the file meant"]


@pytest.mark.parametrize("depth", [1000, 3000])
def test_far_deeper_text_is_refused_as_well(tmp_path: Path, depth: int) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml_text(f"a: {nested(depth)}\n", tmp_path / "x.yaml")
    assert "nested more than 64 levels deep" in caught.value.problems[0]
    with pytest.raises(InputError) as caught:
        parse_yaml_text(nested(depth), "--set description")
    assert caught.value.problems == [
        "--set description | lists and mappings nested more than 64 levels deep; give a flat value"]


def test_a_committed_projects_file_nested_deep_exits_2_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns("out", "out.*"))
    projects = next(folder.glob("committed*.yaml"), None)
    if projects is None:
        pytest.skip("the small scenario has no committed projects file")
    projects.write_text(f"projects: {nested(3000)}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "check", str(folder / "scenario.yaml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{projects}" in done.stderr and "nested more than 64 levels deep" in done.stderr


def test_aliases_do_not_hide_a_node_nested_deeper_than_the_limit(tmp_path: Path) -> None:
    """Anchors each 55 levels deep, each holding the one before: the data nests some 1,650 levels
    though no anchor alone passes the limit, and the aliases listed last, deepest first, would mark
    each node seen at a shallow place before its deep one."""
    lines = ["a:"]
    for i in range(30):
        lines.append(f"  - &a{i} " + "[" * 55 + (f"*a{i - 1}" if i else "1") + "]" * 55)
    lines += [f"  - *a{i}" for i in reversed(range(30))]
    with pytest.raises(InputError) as caught:
        parse_yaml_text("\n".join(lines) + "\n", tmp_path / "x.yaml")
    assert "nested more than 64 levels deep" in caught.value.problems[0]


def test_an_alias_holding_itself_is_told_as_file_colon_line_like_every_problem(tmp_path: Path) -> None:
    """`x: &a [*a]` nests without end: the problem names the file and line as `<file>:<line>:`, the
    form of every other problem of a file (docs/USAGE.md, exit code 2), not `<file>, line <n>:`."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns("out", "out.*"))
    scenario = folder / "scenario.yaml"
    lines = scenario.read_text(encoding="utf-8").count("\n")
    with scenario.open("a", encoding="utf-8") as file:
        file.write("notes: &a [*a]\n")
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "check", str(scenario)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"  - {scenario}:{lines + 1}: lists and mappings nested more than 64 levels deep; " in done.stderr
