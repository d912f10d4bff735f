"""Progress on standard error and the command line's options (issue 13, points 1 and 7).

The runs use the small scenario of tests/data/small; its plan and every cost but transport are
derived by hand in tests/test_api.py's docstring (objective -22.72 bn yuan at 10 %). Transport
(hub distances) is not derived: it is checked to lie between 0 and 0.05 bn yuan.
With no discounting (CRF(0, n) = 1/n, every df 1) the same plan costs, by hand:
capex 70亿 * 2/20 + 25亿 * 1/10 = 0.95 bn; land (1.75e8 yuan * 2 years + 3e7 yuan * 1 year) / 50
= 7.6e6; site openings 2亿; variable 15.88亿 + 22.07亿 = 3.795 bn; raw material 8000万 * 2 = 0.16 bn;
sales -(150.6亿 + 149.6亿) = -30.02 bn; in all -24.8874 bn yuan before transport.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from siting import __version__
from siting.cli import build_parser, main
from siting.config import progress

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "small"


def crf(years: int) -> float:
    """Capital recovery factor at the small scenario's 10 %."""
    return 0.1 / (1 - 1.1 ** -years)


BOTH_YEARS = 1 + 1 / 1.1  # df 2023 + df 2024
HAND_BEFORE_TRANSPORT = sum([  # yuan at 10 %: capex, land, site openings, variable, raw material, sales
    7.0e9 * crf(20) * BOTH_YEARS + 2.5e9 * crf(10) / 1.1,
    crf(50) * ((1.0e8 + 6.0e7 + 1.5e7) * BOTH_YEARS + 3.0e7 / 1.1),
    2.0e8,
    1.588e9 + 2.207e9 / 1.1,
    8.0e7 * BOTH_YEARS,
    -(15.06e9 + 14.96e9 / 1.1)])
UNDISCOUNTED_BEFORE_TRANSPORT = 7.0e9 * 2 / 20 + 2.5e9 / 10 + (1.75e8 * 2 + 3.0e7) / 50 + 2.0e8 + 3.795e9 + 1.6e8 \
    - 30.02e9


def assert_hand(objective_yuan: float, before_transport: float = HAND_BEFORE_TRANSPORT) -> None:
    """The objective is the hand-derived costs plus a transport cost between 0 and 0.05 bn yuan."""
    assert 0.0 < objective_yuan - before_transport < 5.0e7
SECONDS = r"\d+\.\d s"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    return folder / "scenario.yaml"


@dataclass(frozen=True)
class ProgressRun:
    """`siting solve` of a copy of the small scenario in this process with its progress on (as
    without `--quiet`), standard error not a terminal: its output folder, what it printed on
    standard output and on standard error, and every state HiGHS's callbacks drew as the solver's
    live line (`progress.solver_line`). Read-only."""

    out: Path
    stdout: str
    stderr: str
    seen: tuple[progress.SolverState, ...]


@pytest.fixture(scope="module")
def progress_run(tmp_path_factory: pytest.TempPathFactory) -> ProgressRun:
    """The small scenario solved once for the module with its progress on (`ProgressRun`), for the
    tests of the phase lines and of the solver's line."""
    folder = tmp_path_factory.mktemp("progress_run")
    shutil.copytree(DATA, folder / "small")
    seen: list[progress.SolverState] = []
    original = progress.solver_line
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(stdout):
        patch.setattr(progress, "solver_line", lambda state: (seen.append(state), original(state)))
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
        patch.delenv("COLUMNS", raising=False)
        patch.setattr(sys, "stderr", stderr)
        code = main(["solve", str(folder / "small" / "scenario.yaml"), "--out", str(folder / "out")])
    assert code == 0, stderr.getvalue()
    return ProgressRun(folder / "out", stdout.getvalue(), stderr.getvalue(), tuple(seen))


#: The small scenario's variants bigger (20 GWh/yr of cells in 2024) and biggest (30 GWh/yr).
VARIANTS = ("variants:\n  bigger:\n    targets: {capacity: {cells: {2024: 20}}}\n"
            "  biggest:\n    targets: {capacity: {cells: {2024: 30}}}\n")


@dataclass(frozen=True)
class CompareRun:
    """`siting compare scenario.yaml --variant bigger --out cmp --workers 1` on a copy of the small
    scenario with VARIANTS, in this process with its progress on: the scenario file, the
    comparison folder and what it printed on standard error. Read-only: copy `out` first."""

    scenario: Path
    out: Path
    stderr: str


@pytest.fixture(scope="module")
def bigger_compare(tmp_path_factory: pytest.TempPathFactory) -> CompareRun:
    """`CompareRun`, made once for the module: the base and bigger, counted and compared."""
    folder = tmp_path_factory.mktemp("bigger_compare")
    shutil.copytree(DATA, folder / "small")
    scenario = folder / "small" / "scenario.yaml"
    scenario.write_text(scenario.read_text() + VARIANTS)
    stderr = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()):
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
        patch.delenv("COLUMNS", raising=False)
        patch.setattr(sys, "stderr", stderr)
        code = main(["compare", str(scenario), "--variant", "bigger", "--out", str(folder / "cmp"), "--workers", "1"])
    assert code == 0, stderr.getvalue()
    return CompareRun(scenario, folder / "cmp", stderr.getvalue())


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The command line in a new process, its output not a terminal (as in a pipe or a log), in
    120 columns: given `os.environ`, which has no COLUMNS (conftest.py), rather than the process's
    own environment, to which the readline module, loaded by pytest, adds the terminal's."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env=dict(os.environ))


def objective(folder: Path) -> float:
    return json.loads((folder / "manifest.json").read_text())["solver"]["objective_yuan"]


# --- progress ------------------------------------------------------------------------------------


def test_solve_reports_each_phase_in_plain_lines_on_stderr(progress_run: ProgressRun):
    """Not a terminal: one plain line when each phase starts and one when it ends, in order, on
    standard error; the results alone on standard output (`progress_run`)."""
    done = progress_run
    lines = done.stderr.splitlines()
    phases = [line for line in lines if not line.startswith(("solve ", "bound "))]
    expected = [
        r"load: reading the scenario, the catalog and the layers \.\.\.", rf"load: done in {SECONDS}",
        r"preprocess: red line, proximity and land per site \.\.\.", rf"preprocess: done in {SECONDS}",
        r"build: building the model \.\.\.", rf"build: done in {SECONDS}",
        r"bound: bounding the cost: whole modules counted by cluster, shared out freely among its sites \.\.\.",
        rf"bound: done in {SECONDS}",
        r"solve: HiGHS is searching for the best plan \.\.\.", rf"solve: done in {SECONDS}",
        r"export: making the layers, tables and report \.\.\.", rf"export: done in {SECONDS}",
        r"write: writing the output folder \(map and GeoPackage included\) \.\.\.", rf"write: done in {SECONDS}",
    ]
    assert len(phases) == len(expected), done.stderr
    for line, pattern in zip(phases, expected, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)
    assert "\r" not in done.stderr
    assert "load:" not in done.stdout and "scenario  small" in done.stdout
    assert_hand(objective(done.out))


def test_quiet_prints_no_progress(scenario: Path, tmp_path: Path):
    done = run_cli("solve", str(scenario), "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "scenario  small" in done.stdout


def test_solver_line_from_highs_callbacks_shows_best_plan_bound_and_gap(progress_run: ProgressRun):
    """HiGHS's callbacks feed the live line. Every line is well formed, and HiGHS reports the
    optimum as its best plan (the objective written to the manifest) at least once: when it finds
    it, or at the next check (`progress_run`)."""
    from siting.optimize import solve as solve_module

    seen = progress_run.seen
    assert solve_module.progress is progress  # the solve draws through the function `progress_run` watched
    assert seen, "HiGHS called no callback"
    optimum = objective(progress_run.out)
    assert_hand(optimum)
    assert any(s.best_yuan is not None and abs(s.best_yuan - optimum) < 1e-6 * abs(optimum) for s in seen)
    assert all(s.elapsed_s >= 0 for s in seen)
    solver_lines = [line for line in progress_run.stderr.splitlines() if line.startswith("solve ")]
    assert solver_lines, progress_run.stderr
    for line in solver_lines:
        assert re.fullmatch(r"solve \d+\.\d s: best plan (-?\d[\d,]*\.\d\d bn yuan|none yet), bound "
                            r"(-?\d[\d,]*\.\d\d bn yuan|none yet), gap (\d+\.\d\d%|n/a)", line), line


def test_infeasible_plan_shows_the_diagnosis_as_one_phase(scenario: Path, tmp_path: Path, monkeypatch, capsys):
    """A budget of 0 in 2023 and 1.3 bn yuan in 2024 cannot pay for the 2.5 bn yuan cells module
    (tests/test_cli.py): the count relaxation (the `bound` phase) is proven infeasible, so the
    plan is, and no plan is searched; then the diagnosis re-solves many times under one phase
    line, without solver lines of its own."""
    text = scenario.read_text().replace(
        "  differentiation:\n", "  budget:\n    enabled: true\n    capex_yuan_per_yr: {2023: 0, 2024: 1.3e9}\n"
        "  differentiation:\n")
    scenario.write_text(text)
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
    assert main(["solve", str(scenario), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.splitlines()
    start = err.index("diagnose: finding the rules that cannot be met together ...")
    assert re.fullmatch(rf"diagnose: done in {SECONDS}", err[start + 1])
    assert err[start + 2].startswith("no plan: the plan is infeasible: the rules cannot be met together.")
    assert re.fullmatch(rf"bound: done in {SECONDS}", err[start - 1])
    assert not any(line.startswith("solve") for line in err)


def test_solver_state_text_is_plain_words_in_bn_yuan():
    state = progress.SolverState(72_840_000_000.0, 70_120_000_000.0, 0.03734, 3.24)
    assert state.text() == "solve 3.2 s: best plan 72.84 bn yuan, bound 70.12 bn yuan, gap 3.74%"  # 3.734 %, up
    assert progress.SolverState(None, None, None, 0.0).text() == (
        "solve 0.0 s: best plan none yet, bound none yet, gap n/a")


def test_steps_count_runs_with_time_left_in_plain_lines(monkeypatch: pytest.MonkeyPatch):
    """Three runs, 2 s apart: after the first, 2 s elapsed and 4 s left; after the second, 4 and 2."""
    clock = iter([100.0, 102.0, 104.0, 106.0])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    stream = io.StringIO()
    reporter = progress.Reporter(stream)
    counter = progress.steps(3, "rule costs", reporter)
    counter.advance("redline", "optimal")
    counter.advance("proximity", "optimal")
    counter.advance("budget", "failed")
    assert stream.getvalue() == (
        "rule costs: 1/3 done (redline: optimal within the gap), 2 s elapsed, about 4 s left\n"
        "rule costs: 2/3 done (proximity: optimal within the gap), 4 s elapsed, about 2 s left\n"
        "rule costs: 3/3 done (budget: failed), 6 s elapsed, about 0 s left\n")
    assert reporter.counting == 0


def test_steps_on_a_terminal_draw_a_tqdm_bar_and_hold_back_the_solver_line():
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=True)
    with progress.reporting(reporter):
        counter = progress.steps(2, "alternatives")
        progress.solver_line(progress.SolverState(1e9, 1e9, 0.0, 1.0, improved=True))
        counter.advance("alt01", "found")
        counter.advance("alt02", "found")
    text = stream.getvalue()
    assert text.startswith("\ralternatives:   0%|")
    assert "| 2/2 [" in text and "alt02: found" in text and "best plan" not in text


def test_nothing_is_reported_without_an_active_reporter(capsys):
    with progress.phase("load"):
        progress.solver_line(progress.SolverState(1e9, 1e9, 0.0, 1.0, improved=True))
    progress.steps(3, "runs").advance("a", "optimal")
    assert capsys.readouterr() == ("", "")


def test_rule_costs_report_a_bar_over_the_families(scenario: Path, tmp_path: Path, monkeypatch, capsys):
    """The small scenario enables the red line, proximity, agglomeration and the market among the
    rule-cost families, re-solved here in two worker processes: the first line names the two handed over
    first, under way; then one counted line per family re-solved, and heartbeats while waiting
    (every beat here: PLAIN_EVERY_S 0, BEAT_S 0.05). No line gives a time left."""
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
    monkeypatch.setattr("siting.optimize.relax.default_workers", lambda threads=1: 2)
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    monkeypatch.setattr(progress, "BEAT_S", 0.05)
    assert main(["solve", str(scenario), "--out", str(tmp_path / "out"), "--rule-costs"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("rule costs: ")]
    table = (tmp_path / "out" / "rule_costs.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in table[1:]] == ["redline", "proximity", "agglomeration", "market"]
    assert lines[0] == "rule costs: 0/4 done, 0 s elapsed; running: redline 0 s, proximity 0 s"
    family = "(redline|proximity|agglomeration|market)"
    under_way = rf"; running: {family} \d+ s(, {family} \d+ s)?"
    counted = [line for line in lines if re.fullmatch(rf"rule costs: \d/4 done \({family}: optimal within the gap\), "
                                                      rf"\d+ s elapsed({under_way})?", line)]
    beats = [line for line in lines if re.fullmatch(rf"rule costs: \d/4 done, \d+ s elapsed{under_way}", line)]
    assert len(counted) == 4 and len(beats) >= 2
    assert len(counted) + len(beats) == len(lines)
    assert [line.split(" done")[0] for line in counted] == [f"rule costs: {n}/4" for n in (1, 2, 3, 4)]
    assert "running" not in counted[-1] and "left" not in " ".join(lines)


def test_a_count_without_estimate_shows_the_runs_under_way(monkeypatch: pytest.MonkeyPatch):
    """Plain lines, the clock set by hand: the first beat writes a line, the next ones one every
    PLAIN_EVERY_S (10 s); each run done is a line with the runs under way and how long each has
    run, and no time left."""
    now = [100.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    reporter = progress.Reporter(stream)
    counter = progress.steps(3, "rule costs", reporter, estimate=False)
    counter.begin("redline")
    counter.begin("proximity")
    for now[0] in (100.0, 105.0, 110.0):
        counter.beat()
    now[0] = 112.0
    counter.begin("market")
    counter.advance("proximity", "optimal")
    now[0] = 115.0
    counter.beat()
    now[0] = 120.0
    counter.advance("redline", "optimal")
    for now[0] in (125.0, 130.4):
        counter.beat()
    now[0] = 151.0
    counter.advance("market", "optimal")
    assert stream.getvalue() == (
        "rule costs: 0/3 done, 0 s elapsed; running: redline 0 s, proximity 0 s\n"
        "rule costs: 0/3 done, 10 s elapsed; running: redline 10 s, proximity 10 s\n"
        "rule costs: 1/3 done (proximity: optimal within the gap), 12 s elapsed; running: redline 12 s, market 0 s\n"
        "rule costs: 2/3 done (redline: optimal within the gap), 20 s elapsed; running: market 8 s\n"
        "rule costs: 2/3 done, 30 s elapsed; running: market 18 s\n"
        "rule costs: 3/3 done (market: optimal within the gap), 51 s elapsed\n")
    assert (reporter.counting, reporter.counts) == (0, [])
    counter.beat()  # closed: nothing more
    assert stream.getvalue().count("\n") == 6


def test_a_heartbeat_counts_the_time_left_down_until_it_runs_out(monkeypatch: pytest.MonkeyPatch):
    """Three runs alike: the first ends after 10 s, so about 20 s are left; 10 s later a heartbeat
    says about 10 s; 25 s after the first ended the estimate has run out (the second run takes
    longer than the first): the heartbeat gives no time left rather than a wrong one."""
    now = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    counter = progress.steps(3, "alternatives", progress.Reporter(stream))
    counter.begin("alt01")
    now[0] = 10.0
    counter.advance("alt01", "found")
    counter.begin("alt02")
    for now[0] in (15.0, 20.0, 35.0):
        counter.beat()
    assert stream.getvalue() == (
        "alternatives: 1/3 done (alt01: found), 10 s elapsed, about 20 s left\n"
        "alternatives: 1/3 done, 20 s elapsed, about 10 s left; running: alt02 10 s\n"
        "alternatives: 1/3 done, 35 s elapsed; running: alt02 25 s\n")


def test_a_bar_shows_the_time_left_it_counts_down_not_tqdms(monkeypatch: pytest.MonkeyPatch):
    """On a terminal too the time left is the count's own, counted down (tqdm's own would stand
    still between two runs done): 20 s left when the first of three runs ends after 10 s, 15 s
    five seconds later."""
    now = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    counter = progress.steps(3, "alternatives", progress.Reporter(stream, live=True))
    now[0] = 10.0
    counter.advance("alt01", "found")
    counter.begin("alt02")
    now[0] = 15.0
    counter.beat()
    counter.close()
    frames = stream.getvalue().split("\r")
    assert frames[2].endswith("| 1/3 [00:00, about 20 s left; alt01: found]")
    assert frames[3].endswith("| 1/3 [00:00, about 15 s left; alt01: found; running: alt02 5 s]")
    assert "<" not in stream.getvalue() and "run/s" not in stream.getvalue()


def test_a_count_on_a_terminal_without_estimate_redraws_its_clock_and_runs_under_way():
    """The bar of a count without a time left shows its clock, the last run done and the runs
    under way, and neither a time left nor a rate."""
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=True)
    counter = progress.steps(2, "rule costs", reporter, estimate=False)
    counter.begin("redline")
    counter.begin("market")
    counter.beat()
    counter.advance("redline", "optimal")
    counter.advance("market", "optimal")
    frames = stream.getvalue().split("\r")
    assert frames[1] == "rule costs:   0%|          | 0/2 [00:00]"
    assert frames[2].startswith("rule costs:   0%|")
    assert frames[2].endswith("| 0/2 [00:00, running: redline 0 s, market 0 s]")
    assert frames[-1].startswith("rule costs: 100%|")
    assert frames[-1].rstrip().endswith("| 2/2 [00:00, market: optimal within the gap]")
    assert "<" not in stream.getvalue() and "run/s" not in stream.getvalue()


def test_the_solver_line_beats_an_open_count(monkeypatch: pytest.MonkeyPatch):
    """Runs solved in this process (alternatives): while the count is open, HiGHS's callbacks do
    not draw the solver's line but beat the count, whose first beat and then one every 10 s are
    plain lines."""
    now = [50.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    state = progress.SolverState(1e9, 1e9, 0.0, 1.0)
    with progress.reporting(progress.Reporter(stream, duplicate=False)):
        counter = progress.steps(2, "alternatives")
        counter.begin("alt01")
        for now[0] in (50.5, 55.0, 61.0):
            progress.solver_line(state)
        counter.close()
    assert stream.getvalue() == ("alternatives: 0/2 done, 0 s elapsed; running: alt01 0 s\n"
                                 "alternatives: 0/2 done, 11 s elapsed; running: alt01 11 s\n")


def test_compare_counts_its_runs(bigger_compare: CompareRun):
    """The base and bigger (`bigger_compare`), one after the other: a counted line for each."""
    err = bigger_compare.stderr
    counted = [line for line in err.splitlines() if line.startswith("runs: ") and " done (" in line]
    assert [re.sub(r", \d+ s elapsed, about \d+ s left$", "", line) for line in counted] == [
        "runs: 1/2 done (small: optimal within the gap)",
        "runs: 2/2 done (small-bigger: optimal within the gap)"]
    assert "solve: done" not in err  # the runs' own phases stay out of the way of the count



def test_compare_in_worker_processes_names_the_runs_under_way(scenario: Path, tmp_path: Path, monkeypatch, capsys):
    """The pool's wait beats the count: the runs handed to the two workers are named under way,
    and the third once one of them is done."""
    scenario.write_text(scenario.read_text() + VARIANTS)
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
    monkeypatch.setattr("siting.runs.pool.BEAT_S", 0.05)
    monkeypatch.setattr("siting.config.progress.PLAIN_EVERY_S", 0.0)
    assert main(["compare", str(scenario), "--out", str(tmp_path / "cmp"), "--workers", "2"]) == 0
    err = re.sub(r"\n  (?=\S)", " ", capsys.readouterr().err)  # a line wider than 120 columns, whole again
    lines = [line for line in err.splitlines() if line.startswith("runs: ")]
    assert re.fullmatch(r"runs: 0/3 done, \d+ s elapsed; running: small \d+ s, small-bigger \d+ s", lines[0])
    done = next(line for line in lines if line.startswith("runs: 1/3 done ("))
    # the next run is handed over as soon as one ends, before that one is counted
    assert re.fullmatch(r"small(-bigger)? \d+ s, small-biggest 0 s", done.split("; running: ")[1])
    assert all(line.count(" s, ") <= 1 for line in lines)  # never more under way than the two workers


# --- command line options ------------------------------------------------------------------------


def test_version():
    done = run_cli("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"siting {__version__}\n", "")


def test_set_on_solve_changes_the_scenario(scenario: Path, tmp_path: Path):
    """With no discounting the same plan costs -24.8874 bn yuan before transport (module docstring)."""
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out), "--set", "objective.discount_rate=0"]) == 0
    assert_hand(objective(out), UNDISCOUNTED_BEFORE_TRANSPORT)
    costs = json.loads((out / "manifest.json").read_text())["objective_breakdown_yuan"]
    assert (costs["capex"], costs["sales"]) == (pytest.approx(0.95e9, rel=1e-8), pytest.approx(-30.02e9, rel=1e-8))


def test_set_on_solve_takes_one_value(scenario: Path, tmp_path: Path, capsys):
    assert main(["solve", str(scenario), "--out", str(tmp_path / "out"), "--set", "objective.discount_rate=0,0.1"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --set objective.discount_rate=0,0.1 | takes one value (got 2); to run "
        "several values, use siting sweep --set objective.discount_rate=0,0.1\n")
    assert not (tmp_path / "out").exists()


def test_variant_and_set_on_compare(bigger_compare: CompareRun, tmp_path: Path):
    """Variants bigger (20 GWh cells) and biggest (30 GWh); `--variant bigger` runs the base and
    bigger only (`bigger_compare`); bigger only removes plans, so it costs more. `--set`
    undiscounts both, compared again into (a copy of) the same folder: the base is then the
    undiscounted hand figure (module docstring)."""
    scenario, out = bigger_compare.scenario, bigger_compare.out
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["small", "small-bigger"]
    assert_hand(objective(out / "small"))
    assert objective(out / "small-bigger") > objective(out / "small")
    out = shutil.copytree(out, tmp_path / "cmp", symlinks=True)
    assert main(["compare", str(scenario), "--variant", "bigger", "--set", "objective.discount_rate=0",
                 "--out", str(out), "--workers", "1"]) == 0
    assert_hand(objective(out / "small"), UNDISCOUNTED_BEFORE_TRANSPORT)
    assert objective(out / "small-bigger") > objective(out / "small")


def test_compare_variant_that_no_file_defines(scenario: Path, tmp_path: Path, capsys):
    scenario.write_text(scenario.read_text() + "variants:\n  bigger:\n    targets: {capacity: {cells: {2024: 20}}}\n")
    assert main(["compare", str(scenario), "--variant", "smaller", "--out", str(tmp_path / "cmp")]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --variant smaller | no scenario file of the comparison defines a "
        "variant named 'smaller' (defined: bigger); name one of those\n")
    assert not (tmp_path / "cmp").exists()


def parsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found = {"siting": parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update({f"siting {name}": sub for name, sub in action.choices.items()})
    return found


def test_every_option_and_argument_has_help_text():
    missing = [f"{name} {action.dest}" for name, parser in parsers().items() for action in parser._actions
               if not isinstance(action, argparse._SubParsersAction) and not (action.help or "").strip()]
    assert missing == []
    assert set(parsers()) == {"siting", "siting solve", "siting show", "siting check", "siting compare",
                              "siting sweep", "siting schema"}


def test_help_states_defaults():
    text = parsers()["siting solve"].format_help()
    assert "(default: 0.05 = 5 %)" in " ".join(text.split())
    assert "(default: the scenario's output.folder)" in " ".join(text.split())
    compare_help = " ".join(parsers()["siting compare"].format_help().split())
    assert "comparison folder (default: outputs/compare)" in compare_help


def test_help_imports_no_heavy_library():
    """`--help` parses and prints only: Pyomo, GeoPandas, HiGHS, pandas and matplotlib stay unloaded."""
    code = ("import sys\nfrom siting.cli import main\n"
            "for argv in (['--help'], ['solve', '--help'], ['check', '--help'], ['compare', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "heavy = ('pyomo', 'geopandas', 'highspy', 'matplotlib', 'pandas', 'shapely', 'pydantic')\n"
            "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[]"


def test_schema_command_writes_the_scenario_schema(tmp_path: Path, capsys):
    target = tmp_path / "scenario.schema.json"
    assert main(["schema", "--out", str(target)]) == 0
    assert capsys.readouterr().out == f"scenario schema written to {target.resolve()}\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # as the shell would make it, not 0600
    schema = json.loads(target.read_text())
    assert schema["$comment"].startswith("JSON schema of a siting scenario file, written by `siting schema` (complete)")
    assert "name" in schema["required"]
    assert main(["schema", "--partial"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert "(partial: no key required" in printed["$comment"]
    assert not re.search(r'"required": ', json.dumps(printed))


def test_a_search_ends_on_its_outcome_and_a_phase_keeps_one_clock(monkeypatch: pytest.MonkeyPatch):
    """Plain lines (not a terminal). A search's last state held back by the redraw interval (the
    bound rose from 9.41 to 9.83 bn yuan between two lines 10 s apart) is not lost: the search's
    outcome (9.86, as the solve reports it) is drawn when it ends, and not repeated when the last
    line said the same. A search begun 2.5 s into its phase (`since`) shows the phase's clock."""
    stream = io.StringIO()
    reporter = progress.Reporter(stream, duplicate=False)
    clock = iter([100.0, 100.2, 101.0, 101.1])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    with progress.reporting(reporter), progress.searching("bound", since=97.5):  # 100.0: 2.5 s into the phase
        progress.solver_line(progress.SolverState(10.06e9, 9.41e9, 0.0646, 1.8, improved=True))  # 100.2
        progress.solver_line(progress.SolverState(10.06e9, 9.83e9, 0.0229, 5.0))  # 101.0: held back
        progress.search_ended(progress.SolverState(10.06e9, 9.86e9, 0.0199, 5.9))  # 101.1
        progress.search_ended(progress.SolverState(10.06e9, 9.86e9, 0.0199, 6.0))  # the same figures: no line
    assert stream.getvalue() == (
        "bound 4.3 s: relaxed plan 10.06 bn yuan, bound 9.41 bn yuan, gap 6.46%\n"
        "bound 8.4 s: relaxed plan 10.06 bn yuan, bound 9.86 bn yuan, gap 1.99%\n")


def test_a_phase_that_ends_otherwise_than_done_says_how():
    """A solve that stops at its time limit does not read "done"; a phase that ends normally does."""
    stream = io.StringIO()
    with progress.reporting(progress.Reporter(stream, live=False, duplicate=False)):
        with progress.phase("solve"):
            progress.phase_ended("stopped at the time limit")
        with progress.phase("export"):
            pass
    lines = [re.sub(r"\d+\.\d s", "N s", line) for line in stream.getvalue().splitlines()]
    assert lines == ["solve: HiGHS is searching for the best plan ...", "solve: stopped at the time limit after N s",
                     "export: making the layers, tables and report ...", "export: done in N s"]


def test_a_phase_ending_says_why_after_its_seconds_and_a_skipped_phase_is_one_line():
    """An ending with a reason reads "<phase>: <how> after N s: <why>"; a phase that never ran is
    not announced as working, nor said to have stopped after 0.0 s: one line says it was skipped
    and why. Inside a count (`steps`), a skipped phase is held back as every phase is."""
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=False, duplicate=False)
    with progress.reporting(reporter):
        with progress.phase("bound"):
            progress.phase_ended("stopped at its time share (2.8 s of the 4 s limit)")
        with progress.phase("solve"):
            progress.phase_ended("stopped at the time limit", "the 4 s limit reached, no time left for a MIP search")
        progress.phase_skipped("solve", "no relaxed plan, and 0.2 s of the 2 s limit left")
        count = progress.steps(2, "runs", reporter)
        progress.phase_skipped("solve", "held back")
        count.close()
    lines = [re.sub(r"\d+\.\d s", "N s", line) for line in stream.getvalue().splitlines()]
    assert lines == [
        "bound: bounding the cost: whole modules counted by cluster, shared out freely among its sites ...",
        "bound: stopped at its time share (N s of the 4 s limit) after N s",
        "solve: HiGHS is searching for the best plan ...",
        "solve: stopped at the time limit after N s: the 4 s limit reached, no time left for a MIP search",
        "solve: skipped: no relaxed plan, and N s of the 2 s limit left",
    ]
