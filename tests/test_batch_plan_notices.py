"""`compare` and `sweep` say, under their table, the notices of the runs that got a plan, as
`solve` prints its run's: a price typed in 万 yuan (a slip of unit `solve` names in a notice)
changes a run's objective by far more than any rule, and a planner reading the table alone would
take it for the effect of what the runs change. Each run with notices is named with how many, and
its notices follow (the first few of a long list, with its report.md's path); a notice every run
has is said once, under "all runs:". The Python front door (`siting.compare`, `siting.sweep`)
says the same in a UserWarning, pointed at the caller's line. The table itself is unchanged."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.deliver.tables import display_width
from siting.runs.pool import CaseSummary

DATA = Path(__file__).parent / "data" / "small"

#: The small catalog's FePO4 prices, and the same typed in 万 yuan/t (1.2 for 12,000 yuan/t).
PRICES = "price_yuan_per_unit: {base: {2023: 12000, 2024: 10000}"
SLIPPED = "price_yuan_per_unit: {base: {2023: 1.2, 2024: 1.0}"
#: How the notice of that slip begins (siting/config/checks: a price below 10 % of its cost).
SLIP = "note: slip_catalog.yaml:10: products.fepo4.price_yuan_per_unit | below 10 %"
HEAD = "Notices of the runs with a plan (also in each run's report.md):"


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A copy of tests/data/small with slip.yaml, the small scenario with its FePO4 prices typed
    in 万 yuan/t (slip_catalog.yaml): the folder."""
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    catalog = (folder / "catalog.yaml").read_text()
    assert PRICES in catalog
    (folder / "slip_catalog.yaml").write_text(catalog.replace(PRICES, SLIPPED))
    scenario = (folder / "scenario.yaml").read_text()
    (folder / "slip.yaml").write_text(scenario.replace("catalog: catalog.yaml", "catalog: slip_catalog.yaml"))
    return folder


def _after_table(printed: str) -> list[str]:
    lines = printed.splitlines()
    return lines[lines.index(HEAD):]


def test_compare_names_the_run_with_notices_under_its_table(case: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(case)  # files named as typed, as `solve` names them
    out = tmp_path / "cmp"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["compare", "scenario.yaml", "slip.yaml", "--out", str(out),
                     "--workers", "1", "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
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
    assert [w for w in caught if HEAD.split(" (")[0] in str(w.message)] == []


def test_sweep_says_a_notice_every_run_has_once(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(case)
    out = tmp_path / "sw"
    assert main(["sweep", "slip.yaml", "--set", "constraints.redline.buffer_m=500,1000", "--out",
                 str(out), "--workers", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
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
