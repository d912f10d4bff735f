"""A run asked for alternatives or rule costs that finds no plan says they were not searched:
each starts from a plan. Before, the request was dropped without a word (exit 1 with the
diagnosis only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.runs.job import not_searched


def test_the_words() -> None:
    assert not_searched(0, False) == ""
    end = " not searched: each starts from a plan"
    assert not_searched(1, False) == "\nthe 1 near-optimal alternative asked for was" + end
    assert not_searched(2, True) == "\nthe 2 near-optimal alternatives and the rule costs asked for were" + end
    assert not_searched(0, True) == "\nthe rule costs asked for were not searched: each starts from a plan"


def test_an_infeasible_run_says_its_alternatives_were_not_searched(folder: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"), "--quiet",
                 "--alternatives", "2", "--rule-costs", "--set", "targets.strict=true",
                 "--set", "targets.capacity.cells.2024=100000"])
    err = capsys.readouterr().err
    assert code == 1
    assert ("the 2 near-optimal alternatives and the rule costs asked for were not searched: each starts from a plan"
            in err)
    assert err.rstrip().splitlines()[-1].startswith("the diagnosis (")
