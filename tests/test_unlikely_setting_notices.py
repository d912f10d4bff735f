"""Settings that the schema takes but that are likely a slip of unit get a notice, not a refusal,
as a percent given as a share does (siting/config/load.py `percent_notices`); and `check` says
the gap and time limit the solve stops at.

1. solver.rel_gap is a share (0.01 is 1 %): 0.1 reads 10 %, likely meant 0.1 % (0.001). A gap above
   5 % gets a notice (`gap_slip_notices`); 0.05, asked for quick runs, and the shipped 0.001 none.
2. constraints.redline.buffer_m and its setbacks_m are in m: 2 reads 2 m, likely meant 2 km
   (2000). A distance above 0 and below 10 m gets a notice (`buffer_slip_notices`); 0 (no
   buffer) and 10 m none.
3. A proximity limit of 80,000 km already gets one (siting/prepare/inputs.py
   `loose_limit_notices`), which `check` prints, in the same `file: key | ...` form: pinned here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit

from siting.cli import main
from siting.config.load import buffer_slip_notices, gap_slip_notices, load_scenario

GAP_SAID = ("solver.rel_gap | 10% is a wide gap: a plan up to 10% dearer than the best may be taken as optimal "
            "(got 0.1, read as 10%); give 0.001 for 0.1 %, or leave it if 10% is meant")
BUFFER_SAID = ("constraints.redline.buffer_m | above 0 and below 10 m (got 2, in m): given in km? 2 km is written "
               "2000; or leave it if 2 m is meant")


def test_a_gap_of_ten_percent_gets_a_notice_naming_line_and_fix(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """Before: no notice (`gap_slip_notices` did not exist); the small scenario's line 34 gives the gap."""
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: 0.1\n")
    monkeypatch.chdir(folder)
    notices = gap_slip_notices(load_scenario("scenario.yaml"))
    assert [n.shown for n in notices] == [f"scenario.yaml:34: {GAP_SAID}"]
    given = load_scenario("scenario.yaml", overrides=(("solver.rel_gap", 0.06),))
    assert [n.shown.split(" | ")[1].split(" (")[0] for n in gap_slip_notices(given)] == [
        "6% is a wide gap: a plan up to 6% dearer than the best may be taken as optimal"]
    for fine in (0.05, 0.049, 0.001, 0):
        assert gap_slip_notices(load_scenario("scenario.yaml", overrides=(("solver.rel_gap", fine),))) == []


def test_a_buffer_of_two_metres_gets_a_notice_and_so_does_a_setback(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """Before: no notice (`buffer_slip_notices` did not exist); line 21 gives the buffer."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 2}")
    monkeypatch.chdir(folder)
    assert [n.shown for n in buffer_slip_notices(load_scenario("scenario.yaml"))] == [
        f"scenario.yaml:21: {BUFFER_SAID}"]
    setback = load_scenario("scenario.yaml", overrides=(("constraints.redline.buffer_m", 0),
                                                        ("constraints.redline.setbacks_m", {"lfp": {"lake": 5}})))
    assert [n.shown for n in buffer_slip_notices(setback)] == [
        "scenario.yaml: --set constraints.redline.setbacks_m.lfp.lake | above 0 and below 10 m (got 5, in m): given "
        "in km? 5 km is written 5000; or leave it if 5 m is meant"]
    for fine in (0, 10, 1000):
        assert buffer_slip_notices(load_scenario("scenario.yaml",
                                                 overrides=(("constraints.redline.buffer_m", fine),))) == []


def test_check_prints_the_notices_and_the_gap_it_solves_to(folder: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch):
    """`check` with the three slips on the command line: each named in a note, the proximity
    limit's by the notice that was there before, now in their form; the solver's line gives the gap as read."""
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.chdir(folder)
    code = main(["check", "scenario.yaml", "--quiet", "--set", "solver.rel_gap=0.1",
                 "--set", "constraints.redline.buffer_m=2",
                 "--set", "constraints.proximity.max_distance_km.phosphate_rock=80000"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[5] == "solver    gap 10% (solver.rel_gap), time limit 60 s (solver.time_limit_s)"
    assert f"note: scenario.yaml: --set {GAP_SAID}" in lines
    assert f"note: scenario.yaml: --set {BUFFER_SAID}" in lines
    assert ("note: scenario.yaml: --set constraints.proximity.max_distance_km.phosphate_rock | beyond every site's "
            "distance to a phosphate_rock source, so the rule excludes nothing (got 80,000, in km; the farthest is "
            "139.4 km): given in m? 80,000 m is written 80; or leave it if 80,000 km is meant") in lines


def test_check_solver_line_with_time_limit_option_and_absolute_gap(folder: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["check", str(folder / "scenario.yaml"), "--quiet", "--time-limit", "30", "--set",
                 "solver.abs_gap_bn_yuan=0.5", "--set", "solver.rel_gap=0.001"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[5] == ("solver    gap 0.1% (solver.rel_gap) or 0.5 bn yuan (solver.abs_gap_bn_yuan), "
                                   "time limit 30 s (--time-limit)")
