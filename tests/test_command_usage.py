"""An argument a command does not take is refused with that command's own usage and name
("siting show: error: unrecognized arguments: --quiet"), exit 2, not with the top-level usage,
which does not list the command's arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

SCENARIO = str(Path(__file__).parent / "data" / "small" / "scenario.yaml")


@pytest.mark.parametrize(("argv", "command"), [
    (["show", SCENARIO, "--quiet"], "show"),
    (["check", SCENARIO, "--bogus"], "check"),
    (["solve", SCENARIO, "--no-such-flag", "2"], "solve"),
])
def test_an_argument_the_command_does_not_take_gets_its_own_usage(argv: list[str], command: str, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: siting {command} ")
    assert f"siting {command}: error: unrecognized arguments: {' '.join(argv[2:])}" in err
    assert "Traceback" not in err


def test_an_argument_before_the_command_gets_the_top_level_usage(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--bogus", "show", SCENARIO])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: siting [-h]")
    assert "siting: error: unrecognized arguments: --bogus" in err
