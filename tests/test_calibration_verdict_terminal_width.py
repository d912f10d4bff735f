"""The calibration verdict the terminal prints, before the solve and once solved, is wrapped to the
terminal's width as the rest of the solve's summary is (siting/cli.py `wrap_text`), not printed as
one line of 300 characters; `RunResult.calibration` keeps each verdict on one line, whatever the
terminal's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_calibration import EAST_LFP, plant_entry, variant

import siting
from siting.cli import main

BEFORE = ("calibration: no site-level rule or hosting limit is broken by a real plant; rules across clusters are "
          "checked by the solve")


def _joined(lines: list[str]) -> str:
    """Wrapped lines put back on one line: a continuation's indent is a space."""
    return " ".join(line.strip() for line in lines)


def _said(printed: list[str], at: int) -> list[str]:
    """The line `at` and its continuations, the lines after it two spaces in."""
    end = at + 1
    while end < len(printed) and printed[end].startswith("  "):
        end += 1
    return printed[at:end]


#: The calibration of `test_fixed_verdicts_fit_the_terminal`: the scenario's committed project as the one real plant.
FIXED_EAST_LFP = "calibration: {mode: fixed, plants: plants.yaml}\n"


@pytest.fixture(scope="module")
def api_verdicts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The verdict lines of `RunResult.calibration` for `FIXED_EAST_LFP`, run once for the module
    by `siting.run` (with a folder), whatever the terminal's width: no terminal is involved."""
    tmp_path = tmp_path_factory.mktemp("api_verdicts")
    result = siting.run(variant(tmp_path, EAST_LFP, FIXED_EAST_LFP), tmp_path / "api")
    return (result.calibration or "").split("\n")


@pytest.mark.parametrize("columns", [60, 120])
def test_fixed_verdicts_fit_the_terminal(api_verdicts: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    path = variant(tmp_path, EAST_LFP, FIXED_EAST_LFP)
    verdicts = api_verdicts
    assert verdicts[0] == BEFORE  # kept one line each, whatever the terminal's width
    assert len(verdicts) == 2 and verdicts[1].startswith("calibration: the rules admit every real plant")
    capsys.readouterr()
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["solve", str(path), "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    printed = capsys.readouterr().out.splitlines()
    at = [i for i, line in enumerate(printed) if line.startswith("calibration: ")]
    assert len(at) == 2
    for i, verdict in zip(at, verdicts, strict=True):
        said = _said(printed, i)
        assert all(len(line) <= columns for line in said)
        assert _joined(said) == verdict


def test_findings_lines_keep_their_indent(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = variant(tmp_path, EAST_LFP + plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["solve", str(path), "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "calibration: 1 rule broken by the real plants"
    finding = printed[1:printed.index(next(line for line in printed[1:] if not line.startswith("  ")))]
    assert finding[0].startswith("  redline: plant lake_lfp")
    assert all(len(line) <= 60 for line in finding)
    assert all(line.startswith("    ") for line in finding[1:])
    assert _joined(finding) == ("redline: plant lake_lfp (Lake LFP, 10,000 t/yr at w_lake) lies inside the "
                                "buffered red line for lfp")
