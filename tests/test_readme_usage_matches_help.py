"""The usage lines of `solve` and `check` in docs/USAGE.md (the README's once) give the options in
the order and with the value names `siting solve --help` and `siting check --help` give them: the
README put `--time-limit SECONDS` before `--rule-costs` for `solve`, where its --help puts it after
`--slack`. (docs/USAGE.md keeps its own hints, `[--set KEY=VALUE ...]` for a repeatable option and
`[--alternatives N [--slack SHARE]]` for an option that goes with another; -h is left out.)"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from siting.cli import build_parser

USAGE = Path(__file__).resolve().parent.parent / "docs" / "USAGE.md"


def readme_usage(command: str) -> str:
    """The usage line of `command` in docs/USAGE.md's code block, its lines after the first joined."""
    lines = USAGE.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"siting {command} SCENARIO.yaml "))
    usage = [lines[at]]
    for line in lines[at + 1:]:
        if not line.startswith(" ") or not line.strip().startswith("["):
            break
        usage.append(line.strip())
    return " ".join(usage)


def help_options(command: str) -> list[tuple[str, str | None]]:
    """The options of `command` in its --help's order, each with its value's name (None for a flag)."""
    parser = build_parser()
    sub = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return [(action.option_strings[-1], action.metavar if action.nargs != 0 else None)
            for action in sub.choices[command]._actions
            if action.option_strings and "--help" not in action.option_strings]


@pytest.mark.parametrize("command", ["solve", "check"])
def test_readme_usage_gives_the_options_in_the_order_of_help(command: str) -> None:
    usage = readme_usage(command)
    shown = [(flag, value or None) for flag, value in re.findall(r"\[(--[a-z-]+)(?: ([A-Z=_]+))?", usage)]
    assert shown == help_options(command), usage
