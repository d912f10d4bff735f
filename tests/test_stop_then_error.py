"""A stop signal that cuts an import or a pipe short can make the command fail with another
error in its place (an ImportError "type ... is already registered" from matplotlib imported
again, a pipe to a killed worker): the command still ends as stopped, 130 or 143 with its stop
line and no traceback, not as a failed run (exit 1) or bad input (exit 2)."""

from __future__ import annotations

import signal

import pytest

import siting.cli as cli
from siting.config.errors import InputError


def stopped_then(error: BaseException, signum: int = signal.SIGINT):
    def run(_args: object) -> int:
        cli._received.append(signum)  # as `_raise_stopped` notes a signal whose exception was swallowed
        raise error
    return run


@pytest.mark.parametrize(("error", "signum"), [
    (ImportError('generic_type: type "_InterpolationType" is already registered!'), signal.SIGINT),
    (BrokenPipeError(32, "Broken pipe"), signal.SIGTERM),
    (InputError(["--out | the disk refused the writes"]), signal.SIGINT),
])
def test_an_error_after_a_stop_ends_the_command_as_stopped(error, signum, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "run_command", stopped_then(error, signum))
    assert cli.main(["schema"]) == 128 + signum
    err = capsys.readouterr().err
    name = signal.Signals(signum).name
    assert f"stopped by {name}: outputs not yet complete were discarded" in err
    assert "Traceback" not in err and "error:" not in err
    assert cli._received == []


def test_an_error_without_a_stop_is_raised_as_it_is(monkeypatch) -> None:
    def run(_args: object) -> int:
        raise ImportError("a missing module")
    monkeypatch.setattr(cli, "run_command", run)
    with pytest.raises(ImportError, match="a missing module"):
        cli.main(["schema"])
