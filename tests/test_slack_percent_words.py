"""A --slack / slack= just above 1 is refused with the percent it reads as, not rounded to 100 %,
which the range "from 0 to 1" allows and would contradict the refusal."""
from __future__ import annotations

import argparse

import pytest

from siting.api import checked_slack
from siting.cli import slack_share
from siting.config.errors import InputError


@pytest.mark.parametrize(("value", "percent"), [(1.005, "100.5%"), (1.004, "100.4%"), (1.0000001, "100.00001%"),
                                                (2, "200%"), (1.5, "150%")])
def test_command_line_slack_above_one_names_its_percent(value: float, percent: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        slack_share(str(value))
    assert f"which is {percent});" in str(refused.value)


@pytest.mark.parametrize(("value", "percent"), [(1.005, "100.5%"), (1.0000001, "100.00001%"), (2, "200%"),
                                                (500, "50000%")])
def test_python_slack_above_one_names_its_percent(value: float, percent: str) -> None:
    with pytest.raises(InputError) as refused:
        checked_slack(value)
    assert f"which is {percent});" in str(refused.value)
