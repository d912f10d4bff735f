"""`siting check` says what solve's checks before the MIP will say (siting/optimize/explain.py
`presolve_findings`, siting/cli.py `presolve_lines`): a strict target they find out of reach is a
"targets" line and the finding in solve's words, and check still exits 0 (a warning, as its notes);
solve then stops before solving to diagnose it and exits 1.

tests/data/small (see tests/test_check_command.py and tests/test_precheck_lead_build.py): over
2024 alone with one module per site and year, cathode (LFP) can reach 20,000 t/yr existing, the
10,000 committed and one 50,000 t/yr module at each of w_mine, e_city and e_far: 180,000 t/yr.
Asking 50 bn yuan of output value in 2023, the plan's first year, the land gives at most 44.50 bn
yuan (Cells, a year to build, count none)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"

LEAD = ("targets   likely out of reach (targets.strict: true): solve will stop before solving to diagnose this, and "
        "end without a plan if the diagnosis confirms it:")
VALUE = ("  - output value target 2023: needs 50.00 bn yuan, but full use of existing capacity, of the committed "
         "projects as they produce in 2023 and of the modules the eligible land can take that produce in 2023 can give "
         "at most 44.50 bn yuan. Capacity that can produce in 2023, by product: FePO4 500,000 t/yr from modules added, "
         "worth 6.00 bn yuan; LFP 770,000 t/yr (20,000 t/yr existing and 750,000 t/yr from modules added), worth 38.50 "
         "bn yuan. No module of Cells added within the plan can count toward the 2023 target (Cells: lead time 1 yr; a "
         "module decided in 2023, the plan's first year, first produces in 2024 at the earliest), though the eligible "
         "land could take 70 GWh/yr of Cells (worth 35.00 bn yuan in 2023): to let one count, start the plan in 2022 "
         "or earlier (years), or shorten the lead time of Cells (the catalog's lead_time_yr) to 0 yr. Relax the rules "
         "that limit the land or the sources, add sources, or set targets.strict: false")
RATE = ("  - capacity target Cathode 2024: needs 180,001 t/yr, existing capacity gives 20,000 t/yr and committed "
        "projects online by 2024 give 10,000 t/yr, and the eligible land could add 750,000 t/yr, but the build rate "
        "(constraints.build_rate.max_modules_per_site_per_yr: 1, per site and year) lets the 3 sites with room decide "
        "at most 150,000 t/yr of it that counts by 2024 (modules decided in 2024), short by 1 t/yr. Raise "
        "constraints.build_rate.max_modules_per_site_per_yr, start the plan earlier (years), or set targets.strict: "
        "false")
BUILD_RATE = ("--set", "years=[2024]",
              "--set", "constraints.build_rate={enabled: true, max_modules_per_site_per_yr: 1}")


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "1000")  # each line whole: the words are tested here, not the wrapping
    shutil.copytree(DATA, tmp_path / "small")
    return tmp_path / "small" / "scenario.yaml"


def summary(capsys: pytest.CaptureFixture[str], scenario: Path, *extra: str) -> list[str]:
    """The lines of check's summary from its "targets" line to its last line (none without one);
    exit code 0."""
    code = main(["check", str(scenario), "--quiet", *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.splitlines()
    assert lines[-1].startswith("ready to solve: checked in ")
    start = next((i for i, line in enumerate(lines) if line.startswith("targets ")), len(lines) - 1)
    return lines[start:-1]


def test_check_says_solve_will_stop_on_an_output_value_out_of_reach(small: Path, capsys) -> None:
    said = summary(capsys, small, "--set", "targets.output_value_yuan={2023: 5.0e10}")
    assert said == [LEAD, VALUE]
    assert main(["solve", str(small), "--quiet", "--set", "targets.output_value_yuan={2023: 5.0e10}"]) == 1
    assert capsys.readouterr().err.startswith("no plan: the plan is infeasible before solving:\n" + VALUE + "\n")


@pytest.mark.parametrize(("target", "said"), [(180000, []), (180001, [LEAD, RATE])])
def test_check_says_what_the_build_rate_keeps_out_of_reach(small: Path, capsys, target: int,
                                                           said: list[str]) -> None:
    """180,000 t/yr is within reach (the solve finds a plan: tests/test_precheck_lead_build.py),
    and check says nothing of the targets; 180,001 is out of reach by 1 t/yr."""
    capacity = f"targets.capacity={{cathode: {{2024: {target}}}, cells: {{2024: 0}}}}"
    assert summary(capsys, small, *BUILD_RATE, "--set", capacity) == said


def test_targets_that_are_not_strict_are_not_checked(small: Path, capsys) -> None:
    """Shortfalls allowed: solve runs no checks before the MIP, and check says nothing of them."""
    assert summary(capsys, small, "--set", "targets.output_value_yuan={2023: 5.0e10}",
                   "--set", "targets.strict=false") == []


def test_the_lines_wrap_as_solve_lists_its_findings(small: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 100 columns the lead's later lines are indented by two spaces, a finding's by four, as
    solve's message lays out its findings."""
    monkeypatch.setenv("COLUMNS", "100")
    capacity = "targets.capacity={cathode: {2024: 180001}, cells: {2024: 0}}"
    assert summary(capsys, small, *BUILD_RATE, "--set", capacity) == [
        "targets   likely out of reach (targets.strict: true): solve will stop before solving to diagnose",
        "  this, and end without a plan if the diagnosis confirms it:",
        "  - capacity target Cathode 2024: needs 180,001 t/yr, existing capacity gives 20,000 t/yr and",
        "    committed projects online by 2024 give 10,000 t/yr, and the eligible land could add",
        "    750,000 t/yr, but the build rate (constraints.build_rate.max_modules_per_site_per_yr: 1, per",
        "    site and year) lets the 3 sites with room decide at most 150,000 t/yr of it that counts by",
        "    2024 (modules decided in 2024), short by 1 t/yr. Raise",
        "    constraints.build_rate.max_modules_per_site_per_yr, start the plan earlier (years), or set",
        "    targets.strict: false",
    ]
