"""`compare` and `sweep` say, under their table, the notices of the runs that got a plan, as
`solve` prints its run's: a price typed in 万 yuan (a slip of unit `solve` names in a notice)
changes a run's objective by far more than any rule, and a planner reading the table alone would
take it for the effect of what the runs change. Each run with notices is named with how many, and
its notices follow (the first few of a long list, with its report.md's path); a notice every run
has is said once, under "all runs:". The Python front door (`siting.compare`, `siting.sweep`)
says the same in a UserWarning, pointed at the caller's line. The table itself is unchanged."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import siting
from siting.deliver.tables import display_width
from siting.runs.pool import CaseSummary
from tests.conftest import WarnedRun, slip_case

DATA = Path(__file__).parent / "data" / "small"

#: How the notice of that slip begins (siting/config/checks: a price below 10 % of its cost).
SLIP = "note: slip_catalog.yaml:10: products.fepo4.price_yuan_per_unit | below 10 %"
HEAD = "Notices of the runs with a plan (also in each run's report.md):"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A copy of tests/data/small with slip.yaml, the small scenario with its FePO4 prices typed
    in 万 yuan/t (slip_catalog.yaml; conftest's `slip_case`): the folder."""
    return slip_case(tmp_path / "in")


def _after_table(printed: str) -> list[str]:
    lines = printed.splitlines()
    return lines[lines.index(HEAD):]


def test_compare_names_the_run_with_notices_under_its_table(slip_compare_run: WarnedRun) -> None:
    """`siting compare scenario.yaml slip.yaml --workers 1 --quiet` 80 columns wide, run from the
    case's folder (files named as typed, as `solve` names them): conftest's `slip_compare_run`."""
    out = slip_compare_run.out
    printed = slip_compare_run.stdout
    said = _after_table(printed)
    assert said[1] == "small-2: 1 notice"  # the baseline has none: not named
    assert said[2].startswith(f"  {SLIP}")
    assert all(line.startswith("    ") for line in said[3:said.index("")])
    assert all(display_width(line) <= 80 for line in said[:said.index("")])  # the folder's path is not wrapped
    assert said[-1] == f"comparison written to {out}"
    assert printed.count("slip_catalog.yaml:10") == 1  # the table above says nothing of it
    assert printed.index("objective") < printed.index(HEAD)
    assert "all runs" not in printed
    # the command line prints, and does not warn as well
    assert [w for w in slip_compare_run.warned if HEAD.split(" (")[0] in w] == []


def test_sweep_says_a_notice_every_run_has_once(slip_sweep_run: WarnedRun) -> None:
    """`siting sweep slip.yaml --set constraints.redline.buffer_m=500,1000 --workers 1 --quiet` 80
    columns wide, run from the case's folder: conftest's `slip_sweep_run`."""
    printed = slip_sweep_run.stdout
    said = _after_table(printed)
    assert said[1] == "all runs: 1 notice"
    assert said[2].startswith(f"  {SLIP}")
    assert printed.count("slip_catalog.yaml:10") == 1
    assert not any(re.match(r"run0\d .*: \d+ notices?$", line) for line in said)


def test_the_front_door_warns_with_the_same_notices(case: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        swept = siting.sweep("slip.yaml", {"constraints.redline.buffer_m": [500, 1000]}, workers=1)
    said = [w for w in caught if issubclass(w.category, UserWarning) and "Notices of the runs" in str(w.message)]
    assert len(said) == 1 and said[0].filename == __file__
    lines = str(said[0].message).splitlines()
    assert lines[:2] == ["Notices of the runs with a plan (also in each run's `notices` in `Batch.runs`):",
                         "all runs: 1 notice"]
    assert lines[2].startswith(f"  {SLIP}") and len(lines) == 3  # one line each: no terminal to fit
    assert all(any("slip_catalog.yaml:10" in str(n) for n in run.notices) for run in swept.runs)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        siting.compare(["scenario.yaml", "slip.yaml"], tmp_path / "cmp", workers=1)
    said = [w for w in caught if issubclass(w.category, UserWarning) and "Notices of the runs" in str(w.message)]
    assert len(said) == 1 and said[0].filename == __file__
    lines = str(said[0].message).splitlines()
    assert lines[:2] == [HEAD, "small-2: 1 notice"] and lines[2].startswith(f"  {SLIP}") and len(lines) == 3


def test_runs_without_notices_add_nothing(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        siting.sweep(DATA / "scenario.yaml", {"constraints.redline.buffer_m": [1000]}, workers=1)
    assert [w for w in caught if "Notices of the runs" in str(w.message)] == []


def _run(label: str, notices: list[str], ok: bool = True, out_dir: str = "") -> CaseSummary:
    return CaseSummary(label=label, ok=ok, notices=tuple(notices), out_dir=out_dir)


def test_a_long_list_shows_its_first_notices_and_where_all_are() -> None:
    from siting.runs.tables import NOTICES_SHOWN, plan_notice_groups, plan_notice_lines

    many = [f"notice {i}" for i in range(NOTICES_SHOWN + 2)]
    runs = [_run("run01 a=1", ["shared"], out_dir="/o/run01"),
            _run("run02 a=2", ["shared", *many], out_dir="/o/run02")]
    assert plan_notice_groups(runs) == [
        ("all runs: 1 notice", ["shared"]),
        (f"run02 a=2: {NOTICES_SHOWN + 2} notices, the first {NOTICES_SHOWN} here, all in /o/run02/report.md",
         many[:NOTICES_SHOWN])]
    lines = plan_notice_lines(runs, 80)
    assert lines[0] == HEAD and lines[-1] == f"  note: notice {NOTICES_SHOWN - 1}"


def test_a_run_without_a_plan_is_left_to_its_message() -> None:
    """Its notices follow its message; the notices the runs with a plan share are "every run with a
    plan", since the run without one may not have them."""
    from siting.runs.tables import plan_notice_groups

    runs = [_run("run01 a=1", ["shared"], out_dir="/o/run01"), _run("run02 a=2", ["shared", "own"], out_dir="/o/r2"),
            _run("run03 a=3", ["why"], ok=False)]
    assert plan_notice_groups(runs) == [("every run with a plan: 1 notice", ["shared"]),
                                        ("run02 a=2: 1 notice", ["own"])]
    assert plan_notice_groups([_run("run01 a=1", []), _run("run02 a=2", ["x"], ok=False)]) == []
