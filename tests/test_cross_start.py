"""Cross-starts: each run's plan costed in the other runs (siting/optimize/solve.py `plan_cost`),
and a run solved again from another run's plan when that plan is cheaper there
(siting/runs/pool.py `cross_starts`).

Hand instance (tests/test_families.py, default): one year 2030, sites s1 and s2, module p10 (10
units/yr of p, 100 yuan) and q10 (10 units/yr of q, 200 yuan), a capacity target of 30 units of p
with a shortfall penalty of 1,000 yuan/unit; every module bound [0, 100]. Costed by hand:
- 3 p modules at s1 and a q module at s2: 3 x 100 + 200 = 500 yuan (q is pure cost);
- 1 p module at s1: 100 + (30 - 10) x 1,000 = 20,100 yuan (20 units short).

Small scenario (tests/data/small): its optimum, -22.7157 bn yuan, is derived by hand in
tests/test_api.py and checked here as tests/test_comparison.py does (`assert_base`). Its red line
(a lake, with w_lake inside it) never binds the optimum: buffers of 0, 500 and 1,000 m have the
same optimum, and a smaller buffer takes less land out, so a run at 0 m admits every plan of a run
at 500 or 1,000 m. Solved cold to a 20 % gap at 0 m, the search stops at a plan of -21.94903 bn yuan
(HiGHS's first plan within its 20 %, read from the solver, not derived): dearer than the optimum
that the stricter runs, solved to a gap of 0, find.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.environ as pyo
import pytest
from test_comparison import assert_base
from test_families import SETTINGS, budget_case, make_inputs
from test_warm_start import START_COST_YUAN, START_PLAN

import siting.optimize.run as run_module
import siting.runs.pool as pool
from models import ModelInputs, build_model
from siting.config.errors import NoSolution
from siting.optimize.results import clean, outward
from siting.optimize.run import KNOWN_BOUND_ABOVE_GAP, PLAN_COSTING, FixedStart, OwnSearch, Solved, solve_fixed_start
from siting.optimize.solve import PlanValues, new_solver, plan_cost, plan_values, solve_model
from siting.runs.batch import sweep
from siting.runs.pool import CROSS_TOLERANCE, Case, CaseSummary, cheaper, cheapest, proven_by, run_cases
from siting.runs.tables import CROSS_START_NOTE, moved_note


@pytest.fixture(scope="module", autouse=True)
def _plain_relaxation(plain_relaxation):
    """Every run of this module solves the count relaxation without its sales rounding rows
    (conftest `without_sales_rounding` says why)."""


DATA = Path(__file__).parent / "data" / "small"

#: The loose run's cold plan at a 20 % gap (see the module docstring), in yuan, to 1e-6 of it.
LOOSE_FIRST_YUAN = -21.94903e9


def solved_plan(inputs: ModelInputs, builds: dict[tuple[str, str, str, int], int]) -> PlanValues:
    """The complete plan (`plan_values`: module counts, hosts, production, ...) of `inputs` with
    the module counts `builds` (0 elsewhere), as a solve of those inputs leaves it."""
    model = build_model(inputs)
    for key in model.BUILD:
        model.build[key].fix(builds.get(key, 0))
    assert solve_model(model, SETTINGS).has_solution
    return plan_values(model)


def test_a_plan_is_costed_with_its_modules_fixed_and_the_rest_solved():
    """The 500-yuan plan and the 20,100-yuan plan of the module docstring, each costed on one
    model and solver (a fresh model: the plans come from another); no variable stays fixed
    afterwards. A whole-number variable the plan does not give is fixed to 0: the module counts
    alone, without the cluster-hosts-product indicators, leave every h at 0, which forbids
    every module, so that plan has none."""
    model = build_model(make_inputs())
    solver = new_solver()
    first = plan_cost(model, solved_plan(make_inputs(), START_PLAN), SETTINGS, solver)
    assert first is not None and first.has_solution
    assert first.objective_yuan == pytest.approx(START_COST_YUAN, rel=1e-9)
    assert {key: round(var.value) for key, var in model.build.items() if var.value} == START_PLAN
    one = plan_cost(model, solved_plan(make_inputs(), {("s1", "p", "p10", 2030): 1}), SETTINGS, solver)
    assert one is not None and one.objective_yuan == pytest.approx(20_100.0, rel=1e-9)
    assert not any(var.fixed for var in model.component_data_objects(pyo.Var))
    counts_only = {"build": {key: float(count) for key, count in START_PLAN.items()}}
    bare = plan_cost(model, counts_only, SETTINGS)
    assert bare is not None and not bare.has_solution and bare.infeasible


def test_a_plan_outside_the_rules_has_no_cost():
    """With the red line taking (s2, q) out, the model has no x[s2, q, ., .]: the 500-yuan plan,
    which builds q at s2, is not one of its plans (None, nothing solved), while 3 p modules at
    s1 cost 300 there. A count above the module bound (101 > 100) is refused too. Under
    `budget_case(100)` (at most 100 yuan of capex decided in 2031) three p modules decided in
    2031 (300 yuan, a plan of `budget_case(1000)`) break the budget: solved, no plan; two in
    2030 and one in 2031 cost 2 x 150 + 50 = 350 (the budget's optimum, tests/test_families.py)."""
    excluded = build_model(make_inputs(REDLINE_EXCLUDED=frozenset({("s2", "q")})))
    assert ("s2", "q", "q10", 2030) not in excluded.BUILD
    assert plan_cost(excluded, solved_plan(make_inputs(), START_PLAN), SETTINGS) is None
    three = solved_plan(make_inputs(), {("s1", "p", "p10", 2030): 3})
    costed = plan_cost(excluded, three, SETTINGS)
    assert costed is not None and costed.objective_yuan == pytest.approx(300.0, rel=1e-9)
    three["build"][("s1", "p", "p10", 2030)] = 101.0
    assert plan_cost(excluded, three, SETTINGS) is None
    budget = build_model(budget_case(100.0))
    over = plan_cost(budget, solved_plan(budget_case(1000.0), {("s1", "p", "p10", 2031): 3}), SETTINGS)
    assert over is not None and not over.has_solution and over.infeasible
    within = plan_cost(budget, solved_plan(budget_case(1000.0), {("s1", "p", "p10", 2030): 2,
                                                                 ("s1", "p", "p10", 2031): 1}), SETTINGS)
    assert within is not None and within.objective_yuan == pytest.approx(350.0, rel=1e-9)


def test_the_cheapest_plan_wins_and_ties_go_to_the_earlier_run():
    """Costs within CROSS_TOLERANCE of the least are ties, won by the lowest case number; a
    plan must beat the run's own by more than that share of its cost (a cost taken as at least
    1 yuan: near 0, by more than 1e-6 yuan)."""
    least = -1.0e10
    assert cheapest({3: least, 1: least * (1 - 0.5 * CROSS_TOLERANCE), 0: None, 2: least * (1 - 2 * CROSS_TOLERANCE)}
                    ) == 1
    assert cheapest({2: 5.0, 1: 7.0}) == 2
    assert cheapest({0: None}) is None
    assert cheaper(-1.0e10 - 1.0e5, -1.0e10) and not cheaper(-1.0e10 - 1.0e3, -1.0e10)
    assert cheaper(0.5, None) and cheaper(0.5 - 2e-6, 0.5) and not cheaper(0.5 - 0.5e-6, 0.5)


def small_cases(folder: Path, out: Path) -> list[Case]:
    """Three buffers of the small scenario, loosest first (it runs first, cold, as a sweep's
    first run does): 0 m to a 20 % gap, then 500 m and 1,000 m to a gap of 0; their folders in
    `out`, made here."""
    out.mkdir(exist_ok=True)
    scenario = folder / "scenario.yaml"
    return [Case("loose", scenario, out / "loose",
                 overrides=(("constraints.redline.buffer_m", 0), ("solver.rel_gap", 0.2))),
            Case("mid", scenario, out / "mid", overrides=(("constraints.redline.buffer_m", 500),)),
            Case("strict", scenario, out / "strict", overrides=(("constraints.redline.buffer_m", 1000),))]


def outcome(summary: CaseSummary) -> tuple:
    """What must not depend on the workers: everything but the seconds and the folder."""
    return (summary.label, summary.ok, summary.status, summary.objective_yuan, summary.gap, summary.started_from,
            summary.sites_opened, summary.site_added, summary.capacity)


def test_a_looser_run_ends_no_dearer_than_a_stricter_one(crossed: tuple[list[CaseSummary], Watch, Path], folder: Path,
                                                         tmp_path: Path):
    """Without cross-starts the loose run (first, cold) keeps its 20 % plan, dearer than the
    optimum the stricter runs find from its start: the runs' first solves, as the cross-start
    rounds of the module's `crossed` received them (what the runs give without cross-starts). With
    them, the strict runs' plans meet the loose run's rules and cost less there: the loose run is
    solved again from the first of the two (mid and strict have the same plan, a tie won by the
    earlier run), and ends no dearer than either; the stricter runs keep their plans (the loose
    plan costs more in them). The loose run's folder holds the new solve, and nothing is left
    aside. One worker (`crossed`) or two: the same outcome."""
    plain = crossed[1].first
    loose, mid, strict = (s.objective_yuan for s in plain)
    assert loose == pytest.approx(LOOSE_FIRST_YUAN, rel=1e-6)
    assert_base(mid)
    assert strict == mid
    assert [s.started_from for s in plain] == ["", "", ""]

    outcomes = []
    for workers in (1, 2):
        if workers == 1:  # the module's run in one worker
            summaries, _watch, out = crossed
        else:
            out = tmp_path / f"cross{workers}"
            summaries = run_cases(small_cases(folder, out), workers=workers, warm=True, cross=True)
        assert [s.started_from for s in summaries] == ["mid", "", ""]
        loose, mid, strict = (s.objective_yuan for s in summaries)
        assert (mid, strict) == (plain[1].objective_yuan, plain[2].objective_yuan)
        assert loose <= strict + 1e-9 * abs(strict)
        assert_base(loose)
        manifest = json.loads((out / "loose" / "manifest.json").read_text())
        assert manifest["solver"]["objective_yuan"] == pytest.approx(loose, rel=1e-9)
        assert sorted(p.name for p in out.iterdir()) == ["loose", "mid", "strict"]
        assert all(not s.plan_values for s in summaries)
        outcomes.append([outcome(s) for s in summaries])
    assert outcomes[0] == outcomes[1]


def test_a_sweep_names_the_run_each_run_was_started_from(folder: Path, tmp_path: Path):
    """A sweep over the buffer (0, 1,000 m) and the gap (20 %, 0): run01 (0 m, 20 %) runs first,
    cold, and stops at its 20 % plan; the others start from it. run02 (0 m, gap 0) and run04
    (1,000 m, gap 0) reach the optimum; their plans meet the rules of run01 and run03 (both
    20 %) and cost less there, so those two are solved again from run02's (run04's is the same
    plan: a tie won by the earlier run). The table's `started_from` says so, its Markdown note
    explains it, and every run ends at the optimum."""
    out = tmp_path / "sweep"
    result = sweep(folder / "scenario.yaml", ["constraints.redline.buffer_m=0,1000", "solver.rel_gap=0.2,0"], out,
                   workers=2)
    table = pd.read_csv(out / "sweep.csv", keep_default_na=False)
    assert list(table.columns[:8]) == ["run", "constraints.redline.buffer_m", "solver.rel_gap", "status",
                                       "objective_bn_yuan", "gap_percent", "gap_bn_yuan", "vs_first"]
    assert list(table["started_from"]) == ["run02 buffer_m=0,rel_gap=0", "", "run02 buffer_m=0,rel_gap=0", ""]
    assert [s.started_from for s in result.summaries] == list(table["started_from"])
    for summary in result.summaries:
        assert_base(summary.objective_yuan)
    note = moved_note(result.summaries)
    # followed by the runs' notices (the 20 % gap's, `gap_slip_notices`)
    assert f"\n{CROSS_START_NOTE}\n\n{note}\n\n" in (out / "sweep.md").read_text()
    assert note.startswith("Runs that moved to another run's plan, and so may report another plan than `siting solve` "
                           "gives for the same settings: run01 buffer_m=0,rel_gap=0.2 ")
    assert "; run03 buffer_m=1000,rel_gap=0.2 " in note and "run04" not in note
    assert note.count(" the plan of run02 buffer_m=0,rel_gap=0 ") == 2
    assert [s.own_objective_yuan is not None for s in result.summaries] == [True, False, True, False]
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "compare.qgs", "diff.geojson", "diff.qml",
                                                     "run01", "run02", "run03", "run04", "sweep.csv", "sweep.md",
                                                     "sweep.png"]


def test_a_sweep_without_cheaper_plans_elsewhere_has_an_empty_column(folder: Path, tmp_path: Path):
    """Cells targets of 10 and 30 GWh (strict), every run to a gap of 0: each run's plan is
    its optimum, so no other run's plan is cheaper in it; `started_from` is empty throughout and
    the Markdown table has no cross-start note."""
    out = tmp_path / "sweep"
    sweep(folder / "scenario.yaml", ["targets.capacity.cells.2024=10,30"], out, workers=1)
    table = pd.read_csv(out / "sweep.csv", keep_default_na=False)
    assert list(table["started_from"]) == ["", ""]
    assert CROSS_START_NOTE not in (out / "sweep.md").read_text()
    assert "Runs that moved" not in (out / "sweep.md").read_text()


def test_a_run_with_its_folder_aside_taken_is_left_as_it_is(folder: Path, tmp_path: Path):
    """The folder aside (`.loose.cross`) already exists, with a file siting did not write: the
    loose run is not solved again (its plan stays), and the file is untouched. The loose and mid
    runs alone: mid's plan costs less in the loose run, which would otherwise move to it."""
    out = tmp_path / "taken"
    cases = small_cases(folder, out)[:2]
    aside = out / ".loose.cross"
    aside.mkdir()
    (aside / "notes.txt").write_text("mine\n")
    summaries = run_cases(cases, workers=1, warm=True, cross=True)
    assert [s.started_from for s in summaries] == ["", ""]
    assert summaries[0].objective_yuan == pytest.approx(LOOSE_FIRST_YUAN, rel=1e-6)
    assert (aside / "notes.txt").read_text() == "mine\n"


# --------------------------------------------------------------------------------------------
# a cheaper plan taken with the run's own bound (siting/optimize/run.py `solve_fixed_start`)

#: The hand instance's optimum (3 p modules at s1: 3 x 100 yuan) and a proven lower bound of it
#: 10 yuan below: the plan's gap against it is 10 / 300 = 1/30, about 3.3 %.
OPTIMUM_PLAN = {("s1", "p", "p10", 2030): 3}
HAND_BOUND_YUAN = 290.0


def taken(rel_gap: float, bound_yuan: float = HAND_BOUND_YUAN, own_search: OwnSearch | None = None,
          **inputs: Any) -> tuple[Solved, list[str], dict]:
    """The 300-yuan plan taken as the plan of the hand instance (`inputs` replaced) with the
    bound `bound_yuan`, the asked gap `rel_gap` and the run's own search `own_search`: the solved
    plan, the notices and the timings."""
    notices: list[str] = []
    timings: dict[str, float] = {}
    fixed = FixedStart(solved_plan(make_inputs(), OPTIMUM_PLAN), bound_yuan, "run02", own_yuan=20_100.0,
                       searches={"count_relaxation": {"bound_yuan": bound_yuan}}, own_search=own_search)
    settings = dataclasses.replace(SETTINGS, rel_gap=rel_gap)
    return solve_fixed_start(make_inputs(**inputs), settings, timings, fixed, notices), notices, timings


def test_a_plan_taken_with_a_bound_is_reported_as_a_solve_within_its_gap():
    """The 300-yuan plan with a bound of 290 yuan: no search, its modules fixed and the rest an
    LP. Asked 5 %, the gap (300 - 290) / 300 = 3.3 % is within it: "optimal", bound 290, and
    the plan is the 3 p modules. A notice names the plan's run and says whence the bound comes;
    the searches of the bound's solve are kept, with the plan's run and cost beside them."""
    solved, notices, timings = taken(0.05)
    report = solved.report
    cost = report.objective_yuan
    assert cost == pytest.approx(300.0, rel=1e-9)
    assert report.best_bound_yuan == HAND_BOUND_YUAN
    assert report.gap == (cost - HAND_BOUND_YUAN) / cost
    assert report.gap == pytest.approx(1 / 30, rel=1e-9)
    assert (report.status, report.termination, report.proven_optimal) == ("optimal", "convergenceCriteriaSatisfied",
                                                                          True)
    assert {key: round(var.value) for key, var in solved.model.build.items() if var.value} == OPTIMUM_PLAN
    assert not any(var.fixed for var in solved.model.component_data_objects(pyo.Var))
    # The hand instance's few hundred yuan show as 0.0000 at the notice's four decimals of bn yuan.
    assert notices == ["the plan is that of run02, its whole-number decisions kept and the rest solved again under "
                       "this run's rules: it costs 0.0000 bn yuan here, less than the 0.0000 bn yuan of this run's own "
                       "plan; the best bound, 0.0000 bn yuan, was proven by this run's own earlier solve of the same "
                       "model, so the gap is that plan's against it and no new search ran"]
    assert solved.size["searches"] == {"count_relaxation": {"bound_yuan": HAND_BOUND_YUAN},
                                       "plan_from": {"run": "run02", "objective_yuan": cost}}
    assert sorted(timings) == ["bound", "build", "solve"] and timings["bound"] == 0.0


def test_a_plan_taken_records_the_run_s_own_search_beside_the_costing():
    """With the run's own search known (a bound phase of 12.5 s, a solve phase of 0.5 s, 13.2 s of
    solver wall time, the options it held: a time limit of 60 s, a gap of 5 %, one HiGHS option
    of the scenario's), the plan taken is recorded as that search plus the costing step: the
    timings bound 12.5 and solve 0.5 as the search measured them, the LP's seconds under
    PLAN_COSTING, the solver wall time 13.2 s plus them, and the search's options, not the LP's
    (whose MIP heuristics HiGHS ran off: siting/optimize/solve.py `small_mip`)."""
    options = (("mip_rel_gap", 0.05), ("presolve", "on"), ("time_limit", 60.0))
    own = OwnSearch(bound_s=12.5, solve_s=0.5, wall_s=13.2, highs_options=options)
    solved, _notices, timings = taken(0.05, own_search=own)
    assert sorted(timings) == ["bound", "build", PLAN_COSTING, "solve"]
    assert (timings["bound"], timings["solve"]) == (12.5, 0.5) and timings[PLAN_COSTING] > 0
    assert solved.report.solve_time_s == 13.2 + timings[PLAN_COSTING]
    assert solved.report.highs_options == options
    assert solved.report.status == "optimal"


def test_a_plan_taken_above_its_gap_is_not_called_optimal():
    """Asked 1 %, the same 3.3 % is not within it: the plan stands, not proven
    (KNOWN_BOUND_ABOVE_GAP); a bound above the plan's cost (noise) is capped at it: gap 0."""
    report = taken(0.01)[0].report
    assert (report.status, report.termination, report.proven_optimal) == ("feasible (not proven optimal)",
                                                                          KNOWN_BOUND_ABOVE_GAP, False)
    assert report.gap == pytest.approx(1 / 30, rel=1e-9)
    capped = taken(0.0, bound_yuan=301.0)[0].report
    assert (capped.best_bound_yuan, capped.gap, capped.status) == (capped.objective_yuan, 0.0, "optimal")


def test_a_plan_outside_the_rules_cannot_be_taken():
    """With the red line taking (s1, p) out, the 3 p modules at s1 are not a plan of the model."""
    with pytest.raises(NoSolution) as raised:
        taken(0.05, REDLINE_EXCLUDED=frozenset({("s1", "p")}))
    assert str(raised.value) == ("the plan of run02 is not a plan of this run: its whole-number decisions break this "
                                 "run's rules")


def test_proven_by_measures_the_gap_against_the_bound():
    """(cost - bound) / |cost| against the asked gap; no bound proves nothing."""
    assert proven_by(100.0, 98.0, 0.02) and not proven_by(100.0, 97.9, 0.02)
    assert proven_by(-100.0, -102.0, 0.02) and not proven_by(-100.0, -102.1, 0.02)
    assert proven_by(100.0, 101.0, 0.0) and not proven_by(100.0, None, 1.0)


@dataclasses.dataclass
class Watch:
    """What `counted` saw: one entry per MIP solve (whether it had a start), one per plan taken
    without a search (the run it came from), the first solves' summaries as the cross-start
    rounds received them, and `given`, what the rounds receive instead (the summaries unchanged
    by default)."""

    solves: list[bool] = dataclasses.field(default_factory=list)
    taken: list[str] = dataclasses.field(default_factory=list)
    first: list[CaseSummary] = dataclasses.field(default_factory=list)
    given: Callable[[list[CaseSummary]], list[CaseSummary]] = list


def watching(monkeypatch: pytest.MonkeyPatch) -> Watch:
    """Count the MIP solves (siting/optimize/run.py `solve_by_counts`: every search of a run goes
    through it) and the plans taken without one (`solve_fixed_start`), and keep the first solves'
    summaries as the cross-start rounds receive them, while `monkeypatch` holds."""
    watch = Watch()
    solve, take, rounds = run_module.solve_by_counts, run_module.solve_fixed_start, pool.cross_starts

    def solve_counted(*args: Any, **kwargs: Any) -> Any:
        start = args[2] if len(args) > 2 else kwargs.get("start")  # solve_by_counts(inputs, settings, start, ...)
        watch.solves.append(start is not None)
        return solve(*args, **kwargs)

    def rounds_seen(cases: Any, summaries: list[CaseSummary], *args: Any) -> Any:
        watch.first = list(summaries)
        return rounds(cases, watch.given(list(summaries)), *args)

    def take_counted(inputs: Any, settings: Any, timings: Any, fixed: FixedStart, notices: list[str],
                     names: Any = None) -> Solved:
        watch.taken.append(fixed.plan_from)
        return take(inputs, settings, timings, fixed, notices, names)

    monkeypatch.setattr(run_module, "solve_by_counts", solve_counted)
    monkeypatch.setattr(run_module, "solve_fixed_start", take_counted)
    monkeypatch.setattr(pool, "cross_starts", rounds_seen)
    return watch


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Watch:
    """`watching` for the test."""
    return watching(monkeypatch)


@pytest.fixture(scope="module")
def crossed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[CaseSummary], Watch, Path]:
    """`small_cases` run with cross-starts in one worker (in this process), watched
    (`watching`): the summaries, what the watch saw and the cases' folder. Read by the tests,
    never changed."""
    base = tmp_path_factory.mktemp("crossed")
    folder = base / "small"
    shutil.copytree(DATA, folder)
    out = base / "out"
    with pytest.MonkeyPatch.context() as patch:
        watch = watching(patch)
        summaries = run_cases(small_cases(folder, out), workers=1, warm=True, cross=True)
    return summaries, watch, out


def test_a_cheaper_plan_proven_by_the_run_s_own_bound_is_taken_without_a_search(
        crossed: tuple[list[CaseSummary], Watch, Path]):
    """The loose run (20 %, first, cold) ends at LOOSE_FIRST_YUAN with a bound LB proven by that
    solve; mid's plan (the optimum, c) costs less in it, and since c < the loose plan's cost, (c -
    LB) / |c| is within its 20 %: the loose run takes mid's plan with LB, and no fourth MIP solve
    runs (three: the runs' first solves, the last two from the loose plan). Its manifest gives c,
    LB and the gap (c - LB) / |c| exactly, "optimal", and the notice names mid. The loose run's
    rules are mid's (the buffers leave the same land: see the module docstring), so its summary
    then measures its gap against mid's bound, the optimum c itself (siting/runs/pool.py
    `carry_bounds`), keeping (c - LB) / |c| as the gap of its own solve. The run is `crossed`."""
    summaries, counted, out = crossed
    assert counted.solves == [False, True, True]
    assert counted.taken == ["mid"]
    first = counted.first[0]
    assert first.objective_yuan == pytest.approx(LOOSE_FIRST_YUAN, rel=1e-6)
    bound = first.best_bound_yuan
    assert bound is not None
    loose, mid, _strict = summaries
    cost = loose.objective_yuan
    assert [s.started_from for s in summaries] == ["mid", "", ""]
    assert cost == pytest.approx(mid.objective_yuan, rel=1e-9)
    assert_base(cost)
    assert (loose.bound_from, loose.best_bound_yuan) == ("mid", mid.best_bound_yuan)
    assert loose.gap == pytest.approx(0.0, abs=1e-12)  # c against itself, to the LP's last digits
    assert bound < cost and loose.own_gap == (cost - bound) / abs(cost)
    assert loose.status == "optimal"
    manifest = json.loads((out / "loose" / "manifest.json").read_text())
    solver = manifest["solver"]
    assert (solver["status"], solver["termination"], solver["proven_within_gap"]) == (
        "optimal", "convergenceCriteriaSatisfied", True)
    assert (solver["objective_yuan"], solver["best_bound_yuan"], solver["gap"]) == (
        clean(cost), outward(bound, up=False), outward(loose.own_gap, up=True))  # 9 digits; proven ones outward
    assert manifest["model_size"]["searches"]["plan_from"]["run"] == "mid"
    assert manifest["model_size"]["searches"]["count_relaxation"] == first.searches["count_relaxation"]
    # The sweep's note names the run that took another's plan, with both costs and the proven gap.
    assert (loose.own_objective_yuan, mid.own_objective_yuan) == (first.objective_yuan, None)
    assert moved_note(summaries) == (
        "Runs that moved to another run's plan, and so may report another plan than `siting solve` gives for the "
        f"same settings: loose took the plan of mid as it is ({cost / 1e9:,.4f} bn yuan under its rules, against "
        f"{first.objective_yuan / 1e9:,.4f} bn yuan for the plan its own solve had found; the bound its own solve "
        f"proved shows it within {loose.own_gap:.2%}, and no new search ran).")
    notice = manifest["notices"][-1]
    assert notice.startswith("the plan is that of mid, its whole-number decisions kept")
    assert f"the best bound, {bound / 1e9:.4f} bn yuan, was proven by this run's own earlier solve" in notice
    assert notice in (out / "loose" / "report.md").read_text()
    assert sorted(p.name for p in out.iterdir()) == ["loose", "mid", "strict"]


def test_a_plan_taken_as_it_is_keeps_the_record_of_the_run_s_own_search(
        crossed: tuple[list[CaseSummary], Watch, Path]):
    """The loose run's manifest, once it took mid's plan as it is, describes the run, not the LP
    that costed the plan: the solver options are the scenario's (none, as mid's), not the MIP
    heuristics the LP ran without; the timings' bound and solve are those its own solve measured,
    the LP's seconds are under PLAN_COSTING, and the solver wall time is that solve's plus them.
    The summary keeps that search (`CaseSummary.own_search`) for a later round."""
    summaries, counted, out = crossed
    manifest = json.loads((out / "loose" / "manifest.json").read_text())
    mid = json.loads((out / "mid" / "manifest.json").read_text())
    assert manifest["solver"]["settings"]["options"] == mid["solver"]["settings"]["options"] == {}
    assert manifest["solver"]["settings"]["rel_gap"] == 0.2
    first = counted.first[0].own_search  # the loose run's own solve
    assert first is not None and first.bound_s > 0
    timings = manifest["run"]["timings_s"]
    assert (timings["bound"], timings["solve"]) == (round(first.bound_s, 3), round(first.solve_s, 3))
    assert manifest["run"]["solver_wall_time_s"] == pytest.approx(first.wall_s + timings[PLAN_COSTING], abs=2e-3)
    assert summaries[0].own_search == first


@pytest.mark.parametrize("weaken", ["halved", "none", "halved, let through"])
def test_a_cheaper_plan_the_bound_does_not_prove_is_searched_again(folder: Path, tmp_path: Path, counted: Watch,
                                                                    monkeypatch: pytest.MonkeyPatch, weaken: str):
    """The loose and mid runs of the same sweep (strict, whose plan is mid's, adds nothing here)
    with the loose run's bound taken 50 % of its cost lower (still a lower bound: (c - LB) / |c|
    is then about 45 %, above its 20 %), or with no bound: the loose run is solved again from
    mid's plan, a third MIP solve, from a start; it still ends at the optimum, with its new
    solve's own bound and no notice of a taken plan. "let through": the check before taking the
    plan is made to pass all the same; the plan taken is then not "optimal" (45 % above 20 %), so
    its folder aside is removed and the run is solved again as well."""
    def weakened(summaries: list[CaseSummary]) -> list[CaseSummary]:
        head = summaries[0]
        lower = None if weaken == "none" else head.objective_yuan - 0.5 * abs(head.objective_yuan)
        return [dataclasses.replace(head, best_bound_yuan=lower), *summaries[1:]]

    counted.given = weakened
    if weaken.endswith("let through"):
        monkeypatch.setattr(pool, "proven_by", lambda *_args: True)
    out = tmp_path / "searched"
    summaries = run_cases(small_cases(folder, out)[:2], workers=1, warm=True, cross=True)
    assert counted.solves == [False, True, True]
    assert counted.taken == (["mid"] if weaken.endswith("let through") else [])
    assert [s.started_from for s in summaries] == ["mid", ""]
    assert_base(summaries[0].objective_yuan)
    assert moved_note(summaries) == (
        "Runs that moved to another run's plan, and so may report another plan than `siting solve` gives for the "
        f"same settings: loose was solved again starting from the plan of mid and ended at "
        f"{summaries[0].objective_yuan / 1e9:,.4f} bn yuan, against {counted.first[0].objective_yuan / 1e9:,.4f} bn "
        "yuan for the plan its own solve had found.")
    manifest = json.loads((out / "loose" / "manifest.json").read_text())
    assert "plan_from" not in manifest["model_size"]["searches"]
    assert not any("no new search ran" in notice for notice in manifest["notices"])
    assert sorted(p.name for p in out.iterdir()) == ["loose", "mid"]
