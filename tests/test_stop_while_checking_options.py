"""Ctrl-C while `solve` checks a refused option against the rest of the input (siting/cli.py
`option_problems`, which reads the scenario and its layers as `solve` would before it solves)
ends the command as a later Ctrl-C does: its one line on standard error, exit 130, no traceback,
whether the command runs as `python cli.py` or as the installed `siting` command (whose entry
point, siting `_command_line`, calls `main` with no handler of its own around it)."""

from __future__ import annotations

from pathlib import Path

import siting.cli
from siting.cli import main


def test_ctrl_c_while_a_bad_option_is_checked_is_a_stop(folder: Path, capsys, monkeypatch) -> None:
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.chdir(folder)
    monkeypatch.setattr(siting.cli, "checked_problem", interrupted)
    before = sorted(p.name for p in folder.iterdir())
    assert main(["solve", "scenario.yaml", "--quiet", "--slack", "0.1"]) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == "stopped by SIGINT: outputs not yet complete were discarded"
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_bad_option_is_still_refused_with_the_scenario_problems(folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(folder)
    assert main(["solve", "scenario.yaml", "--quiet", "--slack", "0.1"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "--slack | applies to the alternatives only" in err
