"""A run without a plan still says the run's notices: `siting solve` prints them, "note: ...",
on standard error before the no-plan message (whose last line names the diagnosis folder), the
error carries them (`notices`), and conflicts.md lists them under "Notices", before the map.

The instance is tests/data/small over the one year 2024: cells take 1 year from decision to
production, so a cell module decided in 2024, the plan's first year, first produces in 2025,
after the strict 2024 target of 10 GWh/yr (siting/prepare/checks.py `lead_time_notices`); no
cell capacity stands, so the target cannot be met and the run has no plan.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main, notice_lines
from siting.config.errors import PlanInfeasible
from tests.conftest import EARLY_NOTE_LINES, EARLY_NOTICE, SMALL

NOTICE, NOTE_LINES = EARLY_NOTICE, EARLY_NOTE_LINES


@pytest.fixture(autouse=True)
def in_the_scenarios_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a copy of tests/data/small, the scenario typed as scenario.yaml, as the notes name it."""
    monkeypatch.chdir(folder)


def test_an_infeasible_run_prints_its_notices_before_the_message(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 1 as before; the notice once, before "no plan: ...", which still ends with the folder."""
    out = tmp_path / "out"
    assert main(["solve", "scenario.yaml", "--set", "years=[2024]", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(NOTE_LINES + "no plan: the plan is infeasible before solving:\n  - capacity "
                                                "target Cells 2024: needs 10 GWh/yr")
    # the folder may stand on a line of its own where the temporary path is long (the wrapping)
    assert " ".join(captured.err.split()).endswith(f"the diagnosis (conflicts.md, conflicts.png) is in {out}")
    assert captured.err.count("note: ") == 1 and captured.err.count("targets.capacity.cells.2024 | no module") == 1


def test_conflicts_md_lists_the_notices_before_the_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["solve", "scenario.yaml", "--set", "years=[2024]", "--out", str(out)]) == 1
    capsys.readouterr()
    report = (out / "conflicts.md").read_text()
    assert f"\n\n## Notices\n\n- {NOTICE}\n\n## Map\n\n" in report
    assert report.index("## Found before solving") < report.index("## Notices")


def test_the_error_of_a_run_without_a_plan_carries_the_notices(tmp_path: Path) -> None:
    with pytest.raises(PlanInfeasible) as caught:
        siting.run(SMALL / "scenario.yaml", tmp_path / "out", overrides=["years=[2024]"])
    assert [n for n in caught.value.notices if "lead time" in n] == [NOTICE]


def test_a_run_stopped_without_a_plan_prints_its_notices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The target not strict (a plan would exist, short of it), but a time limit of 1 microsecond,
    too short for any plan: no plan, no folder, and the notice before the message."""
    out = tmp_path / "out"
    assert main(["solve", "scenario.yaml", "--set", "years=[2024]", "--set", "targets.strict=false",
                 "--time-limit", "0.000001", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(NOTE_LINES + "no plan: the solver found no plan within the time limit of 1e-06 s ")
    assert not out.exists()


def test_a_notice_the_message_gives_is_printed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 500 km red-line buffer around the small scenario's lake covers all 4 sites: nothing can
    be built, which the message says first (siting/optimize/run.py) and is also a notice of the
    run; it is not printed again as a note, while the lead-time notice is."""
    out = tmp_path / "out"
    assert main(["solve", "scenario.yaml", "--set", "years=[2024]", "--set",
                 "constraints.redline.buffer_m=500000", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(NOTE_LINES + "no plan: the plan is infeasible before solving:\n  - nothing can be built: "
                                       "every candidate site is excluded for every product (red line at 4 sites):\n")
    assert err.count("nothing can be built") == 1


def test_notice_lines_leave_out_what_was_said() -> None:
    """A one-line notice wrapped, one of several lines as it is, one the message holds left out."""
    said = "no plan: the plan is infeasible before solving:\n  - nothing can be built:\n    s1: red line (P)"
    assert notice_lines(["a short notice", "nothing can be built:\n    s1: red line (P)", "two\n  lines"], said) == [
        "note: a short notice", "note: two\n  lines"]
