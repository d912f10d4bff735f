"""`siting.solve` given a scenario path lists its refused arguments first, in the order of its
signature, then the scenario's problems (an unknown `variant` among them, named after the file),
as `siting solve` lists a refused option before the scenario's problems; it had listed the
scenario's first, the time limit after them. Solves and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from tests.conftest import edit

TIME_LIMIT = ("time_limit_s | must be a finite number of seconds above 0 (got -1); give e.g. 60, or None for the "
              "scenario's solver.time_limit_s")
VARIANT = "scenario.yaml: variants | no variant named 'missing'; defined: (none)"
TYPO = "scenario.yaml:21: constraints.redline.bufer_m | unknown key; did you mean 'buffer_m'?"


@pytest.fixture
def typo(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario with one problem, a misspelt key, run from its folder."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {bufer_m: 1000}")
    monkeypatch.chdir(folder)
    return folder


def problems(**arguments) -> list[str]:
    with pytest.raises(InputError) as caught:
        siting.solve("scenario.yaml", **arguments)
    return caught.value.problems


def test_the_time_limit_comes_before_the_scenarios_problems(typo: Path):
    assert problems(time_limit_s=-1) == [TIME_LIMIT, TYPO]


def test_the_time_limit_comes_before_an_unknown_variant(typo: Path):
    assert problems(time_limit_s=-1, variant="missing") == [TIME_LIMIT, VARIANT, TYPO]
    assert problems(time_limit_s=-1, variant="missing", overrides={"constraints.redline.zzz": 1})[:3] == [
        TIME_LIMIT, VARIANT, "scenario.yaml: overrides constraints.redline.zzz | unknown setting "
        "'constraints.redline.zzz'; allowed keys: enabled, buffer_m, categories, setbacks_m, official_share_pct, "
        "official_share_source"]
    assert sorted(path.name for path in typo.iterdir()) == sorted(
        ["catalog.yaml", "clusters.geojson", "committed_projects.yaml", "redline.geojson", "scenario.yaml",
         "sites.geojson", "sources.geojson"])


def test_in_the_order_the_command_line_gives(typo: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["solve", "scenario.yaml", "--time-limit", "-1", "--variant", "missing"]) == 2
    lines = [line.removeprefix("  - ") for line in capsys.readouterr().err.splitlines()[1:]]
    assert [line.split(" |")[0] for line in lines] == ["--time-limit", "scenario.yaml: variants",
                                                       "scenario.yaml:21: constraints.redline.bufer_m"]
    assert [problem.split(" |")[1] for problem in problems(time_limit_s=-1, variant="missing")[1:]] == [
        line.split(" |")[1] for line in lines[1:]]
