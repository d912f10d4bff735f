"""A stop (Ctrl-C, SIGTERM) while Pyomo builds a model ends the command with its one stop line:
Pyomo logs "ERROR: Rule failed for Expression ... KeyboardInterrupt" and "ERROR: Constructing
component ... failed" for any exception a rule raises, which the stop is, and those lines went to
standard output beside the stop line (seen with `cli.py solve scenarios/yunnan_2024.yaml` and
SIGINT during "build")."""

from __future__ import annotations

import logging
import os
import signal

import pyomo.environ as pyo
import pytest

from siting import cli


class Records(logging.Handler):
    """Keeps the records that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_in_a_rule_logs_no_pyomo_error(signum: int):
    """The signal arrives inside an Expression's rule (as during the model's build): the stop is
    raised, and Pyomo's logger passes nothing on; after the command, its errors pass again."""
    kept = Records()
    logger = logging.getLogger("pyomo.core")
    logger.addHandler(kept)

    def rule(_model: pyo.ConcreteModel, i: int) -> float:
        if i == 2:
            os.kill(os.getpid(), signum)
        return float(i)

    try:
        with pytest.raises(KeyboardInterrupt), cli.stop_on_sigterm():
            model = pyo.ConcreteModel()
            model.capacity = pyo.Expression([1, 2, 3], rule=rule)
        assert [r.getMessage() for r in kept.records] == []
        logger.error("after the command")
        assert [r.getMessage() for r in kept.records] == ["after the command"]
    finally:
        logger.removeHandler(kept)
