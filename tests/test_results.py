"""Reading the solved model back: whole-number decisions everywhere, costs that add up to the
objective, and the messages given when there is no plan (nothing can be built, the solver
stopped early). The small scenario is tests/data/small (described in tests/test_cli.py); the
tiny instances here are solved by hand in their docstrings.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from models import ModelInputs, build_model
from models.inputs import ModuleSpec
from siting.cli import main
from siting.config.errors import NoSolution
from siting.deliver.files import export_files
from siting.deliver.report import cost_blocks, markdown
from siting.optimize.results import extract_plan, no_plan_message, whole_counts
from siting.optimize.run import solve_prepared, solver_settings
from siting.optimize.solve import SolveReport, SolverSettings, solve_model
from siting.prepare.checks import nothing_buildable
from siting.prepare.problem import prepare

DATA = Path(__file__).parent / "data" / "small"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    return folder / "scenario.yaml"


def solved_small(scenario: Path):
    timings: dict[str, float] = {}
    prepared = prepare(scenario, timings)
    return prepared, solve_prepared(prepared, solver_settings(prepared.loaded), timings), timings


@pytest.fixture(scope="module")
def small_solved(tmp_path_factory: pytest.TempPathFactory):
    """`solved_small` of a copy of the small scenario, and the files of its plan as solved
    (`export_files`), once for the module. Read-only: a test that changes the solved values
    works on its own copy of the model (`model.clone()`)."""
    folder = tmp_path_factory.mktemp("results") / "small"
    shutil.copytree(DATA, folder)
    prepared, solved, timings = solved_small(folder / "scenario.yaml")
    whole = export_files(prepared, solved.report, extract_plan(solved.model, prepared.inputs), solved.size,
                         dict(timings))
    return prepared, solved, timings, whole


def csv(files: dict, name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(files[name]))


def text_outputs(files: dict) -> dict[str, str]:
    """The text files of a plan, the manifest without its run timings."""
    texts = {name: content for name, content in files.items() if isinstance(content, str)}
    manifest = json.loads(texts.pop("manifest.json"))
    manifest.pop("run")
    return {**texts, "manifest.json": json.dumps(manifest, sort_keys=True)}


@pytest.mark.parametrize("offset", [-1e-7, 1e-7, -9e-7])
def test_near_integer_counts_give_the_same_whole_plan_in_every_output(small_solved, offset: float):
    """The solver's module counts returned off by `offset` (within HiGHS's 1e-6 integrality
    tolerance): every text output (tables, layers, styles, report, manifest) is the same as with
    the whole counts, and plan.csv lists exactly the whole counts. The solve and its files with
    the whole counts are the module's (`small_solved`); the counts are changed on a copy of the
    model."""
    prepared, solved, timings, whole = small_solved
    model = solved.model.clone()
    built = [key for key in model.BUILD if round(model.build[key].value or 0.0) >= 1]
    assert built
    for key in built:
        model.build[key].set_value(round(model.build[key].value) + offset, skip_validation=True)
    plan = extract_plan(model, prepared.inputs)
    files = export_files(prepared, solved.report, plan, solved.size, dict(timings))
    assert text_outputs(files) == text_outputs(whole)
    builds = csv(files, "plan.csv")
    listed = zip(builds["site"], builds["product"], builds["module"], builds["year"], builds["modules"], strict=True)
    assert sorted(listed) == sorted((*key, round(model.build[key].value)) for key in built)
    # each component is rounded to 9 significant digits (`clean`)
    assert sum(plan.costs.values()) == pytest.approx(solved.report.objective_yuan, rel=1e-8)


def test_count_far_from_a_whole_number_is_an_error(small_solved):
    """A count 0.4 off (1.6 LFP modules) cannot be rounded honestly: no plan, and the message
    names the count and the option that allows it (on a copy of `small_solved`'s model)."""
    prepared, solved, _timings, _whole = small_solved
    model = solved.model.clone()
    model.build["w_mine", "lfp", "lfp_50kt", 2024].set_value(1.6, skip_validation=True)
    with pytest.raises(NoSolution) as caught:
        extract_plan(model, prepared.inputs)
    assert str(caught.value) == (
        "the solver returned 1 whole-number decision(s) farther than 1e-06 from a whole number, so no plan can "
        "be written:\n"
        "  - modules of lfp_50kt (lfp) at site w_mine in 2024: 1.6\n"
        "Lower solver.options.mip_feasibility_tolerance (HiGHS's default is 1e-6) or remove it, and solve again")


def test_whole_counts_accepts_exactly_the_tolerance(small_solved):
    """A count just within 1e-6 of a whole number is accepted (rounded); an opened-site decision
    1e-5 off is not. The sites
    that may open are w_mine and e_far (e_city has existing capacity: open already; w_lake lies
    in the red line). On a copy of `small_solved`'s model."""
    _prepared, solved, _timings, _whole = small_solved
    model = solved.model.clone()
    key = next(k for k in model.BUILD if round(model.build[k].value or 0.0) >= 1)
    n = round(model.build[key].value)
    model.build[key].set_value(n - 0.999e-6, skip_validation=True)
    counts, opened = whole_counts(model)
    assert counts[key] == n
    assert set(opened) == {"w_mine", "e_far"} and opened["w_mine"] == 1
    model.opened["w_mine"].set_value(0.99999, skip_validation=True)
    with pytest.raises(NoSolution, match=r"  - site w_mine opened \(0 or 1\): 0.99999\n"):
        whole_counts(model)


P10 = ModuleSpec("p10", "p", capacity_units_per_yr=10.0, capex_yuan=100.0, fixed_opex_yuan_per_yr=1.0, land_ha=1.0)


def one_site_inputs() -> ModelInputs:
    """One site s1 (cluster c1), product p, module p10 = 10 units/yr for 100 yuan (fixed opex
    1 yuan/yr) on 1 ha, 100 ha; utilisation 0.8; output value 5 yuan per unit; one year 2030,
    discount factor 1; strict targets: 30 units of p and output value 120 yuan.
    Optimum: 3 modules (30 units), production 0.8 x 30 = 24, value 24 x 5 = 120 yuan;
    cost 3 x 100 capex + 3 x 1 opex = 303 yuan."""
    return ModelInputs(
        YEARS=(2030,), SITES=("s1",), CLUSTERS=("c1",), PRODUCTS=("p",), MODULES=(P10,),
        CANDIDATES=(("s1", "p"),), cluster_of_site={"s1": "c1"}, site_land_ha={"s1": 100.0},
        land_after_redline_ha={("s1", "p"): 100.0}, utilisation={"p": 0.8}, output_value_yuan_per_unit={"p": 5.0},
        TARGET_GROUPS={"P": ("p",)}, capacity_target_units={("P", 2030): 30.0},
        output_value_target_yuan={2030: 120.0}, targets_strict=True, discount_factor={2030: 1.0},
        enabled_families=frozenset({"targets", "output_value", "land"}),
    )


@pytest.mark.parametrize("offset", [-1e-7, 1e-7])
def test_production_and_value_follow_the_whole_capacity(offset: float):
    """With the count 3 + offset and production at its bound 0.8 x 10 x (3 + offset), the plan
    says capacity 30, production 24, output value 120, both targets met, costs 300 + 3."""
    inputs = one_site_inputs()
    model = build_model(inputs)
    report = solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    assert report.objective_yuan == pytest.approx(303.0, rel=1e-9)
    model.build["s1", "p", "p10", 2030].set_value(3 + offset, skip_validation=True)
    model.production["s1", "p", 2030].set_value(0.8 * 10 * (3 + offset), skip_validation=True)
    plan = extract_plan(model, inputs)
    assert plan.capacity.values.tolist() == [["s1", "c1", "p", 2030, 0.0, 0.0, 30.0, 30.0, 30.0, 30.0, 24.0]]
    assert plan.output_value.values.tolist() == [[2030, 120.0]]
    assert plan.targets.values.tolist() == [["capacity", "P", 2030, 30.0, 30.0, 0.0],
                                            ["output_value_yuan", "output_value", 2030, 120.0, 120.0, 0.0]]
    assert plan.costs == {"capex": 300.0, "land": 0.0, "fixed_opex": 3.0, "site_fixed": 0.0, "variable": 0.0,
                          "resources": 0.0, "imports": 0.0, "transport": 0.0, "shortfall": 0.0, "sales": 0.0}


def test_production_below_capacity_is_kept():
    """Production the solver chose below capacity (20 of 24 possible) is reported as it is;
    the output value 20 x 5 = 100 then falls 20 yuan short of 120."""
    inputs = one_site_inputs()
    model = build_model(inputs)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.production["s1", "p", 2030].set_value(20.0, skip_validation=True)
    plan = extract_plan(model, inputs)
    assert plan.capacity["production"].tolist() == [20.0]
    assert plan.targets.values.tolist()[1] == ["output_value_yuan", "output_value", 2030, 120.0, 100.0, 20.0]


def test_nothing_buildable_names_every_exclusion(scenario: Path, tmp_path: Path, capsys, monkeypatch):
    """A 50 km buffer around the lake (102.38-102.42 E, 24.88-24.92 N) covers w_lake and w_mine
    (about 40 km away); e_city and e_far are 130+ km from the phosphate (limit 50 km), so no
    fepo4 there; with 5 ha each they cannot take an LFP module (10 ha) or a cells module (20 ha).
    Nothing can be built anywhere, which is said before solving, naming sites (with their ids) and
    products in words, as the lines after it do."""
    scenario.write_text(scenario.read_text().replace("buffer_m: 1000", "buffer_m: 50000"))
    sites = scenario.parent / "sites.geojson"
    sites.write_text(sites.read_text().replace('"usable_area_ha": 30.0', '"usable_area_ha": 5.0'))
    prepared = prepare(scenario, {})
    assert nothing_buildable(prepared.inputs, prepared.names) == (
        "nothing can be built: every candidate site is excluded for every product (red line at 2 sites, "
        "proximity at 2 sites, land at 2 sites; land: too little usable land for one module after the red line):\n"
        "    West mine park (w_mine): red line (FePO4, LFP, Cells)\n"
        "    West lakeside (w_lake): red line (FePO4, LFP, Cells)\n"
        "    East city (e_city): proximity (FePO4); land (LFP, Cells)\n"
        "    East far (e_far): proximity (FePO4); land (LFP, Cells)\n"
        "    Relax constraints.redline or constraints.proximity, or add sites or usable land")
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("no plan: the plan is infeasible before solving:\n  - nothing can be built: every "
                          "candidate site is excluded for every product (red line at 2 sites, ")
    assert "    East far (e_far): proximity (FePO4); land (LFP, Cells)\n" in err
    assert err.endswith(f"the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is "
                        f"in {out}\n")
    assert "plan.csv" not in {p.name for p in out.iterdir()}
    assert nothing_buildable(one_site_inputs()) is None


def test_everything_in_the_red_line_is_explained_before_solving(scenario: Path, tmp_path: Path, capsys,
                                                                monkeypatch):
    """A 200 km buffer around the lake (at 102.4 E, 24.9 N) covers all four sites (the farthest,
    e_far at 103.45 E, is about 106 km away): nothing can be built, so the strict targets fail.
    Cathode: 120,000 less 20,000 standing and the 10,000 committed online in 2024, 90,000 short."""
    scenario.write_text(scenario.read_text().replace("buffer_m: 1000", "buffer_m: 200000"))
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "no plan: the plan is infeasible before solving:\n"
        "  - nothing can be built: every candidate site is excluded for every product (red line at 4 sites):\n"
        "    West mine park (w_mine): red line (FePO4, LFP, Cells)\n"
        "    West lakeside (w_lake): red line (FePO4, LFP, Cells)\n"
        "    East city (e_city): red line (FePO4, LFP, Cells)\n"
        "    East far (e_far): red line (FePO4, LFP, Cells)\n"
        "    Relax constraints.redline or constraints.proximity, or add sites or usable land\n"
        "  - capacity target Cathode 2024: needs 120,000 t/yr, existing capacity gives 20,000 t/yr and committed "
        "projects online by 2024 give 10,000 t/yr, and the eligible land can add at most 0 t/yr, short by 90,000 "
        "t/yr. Room per cluster: West 0 t/yr (2 sites); East 0 t/yr (2 sites). The red line takes room for "
        "1,000,000 t/yr in West, 250,000 t/yr in East. Relax the rules named, add sites or land, or set "
        "targets.strict: false\n"
        "  - capacity target Cells 2024: needs 10 GWh/yr, existing capacity gives 0 GWh/yr, and the eligible land "
        "can add at most 0 GWh/yr, short by 10 GWh/yr. Room per cluster: West 0 GWh/yr (2 sites); East 0 GWh/yr "
        "(2 sites). The red line takes room for 100 GWh/yr in West, 20 GWh/yr in East. Relax the rules named, add "
        "sites or land, or set targets.strict: false\n"
        f"the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in {out}\n")
    assert "plan.csv" not in {p.name for p in out.iterdir()}


def test_everything_in_the_red_line_with_elastic_targets_is_a_noted_plan(scenario: Path, tmp_path: Path, capsys):
    """With targets elastic the plan (nothing built, every target short) is written, and the run
    says that nothing could be built. Cathode: 120,000 t less 20,000 t existing and the 10,000 t
    committed project online in 2024 at e_city: 90,000 t short."""
    text = scenario.read_text().replace("buffer_m: 1000", "buffer_m: 200000").replace("strict: true", "strict: false")
    scenario.write_text(text)
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "note: nothing can be built: every candidate site is excluded for every product (red line at 4 sites)" \
        in printed
    notices = json.loads((out / "manifest.json").read_text())["notices"]
    assert any(n.startswith("nothing can be built:") and "    East far (e_far): red line (FePO4, LFP, Cells)\n" in n
               for n in notices)
    assert pd.read_csv(out / "targets.csv")["shortfall"].tolist() == [90000, 10]


def test_node_limit_without_a_plan_does_not_suggest_a_longer_time_limit(scenario: Path, tmp_path: Path, capsys,
                                                                        monkeypatch):
    """No nodes, no heuristics, no presolve: HiGHS stops at once with 'Solution limit reached'
    and no plan, far inside the 60 s limit."""
    text = scenario.read_text().replace("  rel_gap: 0\n", "  rel_gap: 0\n  options: {mip_max_nodes: 0, "
                                        'mip_heuristic_effort: 0.0, presolve: "off"}\n')
    scenario.write_text(text)
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert re.fullmatch(
        r"no plan: the solver stopped at an iteration, node or solution limit after \d+\.\d s, without a plan "
        r"\(HiGHS reported 'Solution limit reached'\); raise or remove that limit in solver.options \(for "
        r"example mip_max_nodes\)\n", err), err
    assert "time_limit" not in err and "time limit" not in err
    assert not out.exists()


def report_of(termination: str, seconds: float) -> SolveReport:
    return SolveReport(termination=termination, has_solution=False, proven_optimal=False, infeasible=False,
                       objective_yuan=None, best_bound_yuan=None, gap=None, solve_time_s=seconds,
                       solver_version="1.16.0")


def test_solver_error_long_before_the_limit_names_the_error():
    message = no_plan_message(report_of("error", 0.4), SolverSettings(time_limit_s=120.0), "Presolve error")
    assert message == (
        "the solver stopped without a plan after 0.4 s, well before the time limit of 120 s: HiGHS reported "
        "'Presolve error', a solver error (for example numerical trouble in presolve or in the linear relaxation), "
        "so a longer time limit will not help. Check the scenario and catalog for extreme figures (capacities, "
        "costs or targets many orders of magnitude apart), or try solver.options: {presolve: \"off\"}")


def test_time_limit_without_a_plan_suggests_raising_it():
    message = no_plan_message(report_of("maxTimeLimit", 10.02), SolverSettings(time_limit_s=10.0),
                              "Time limit reached")
    assert message == ("the solver found no plan within the time limit of 10 s (HiGHS reported 'Time limit "
                       "reached'); raise solver.time_limit_s (or --time-limit)")


def test_presolve_far_past_the_limit_suggests_presolve_off():
    message = no_plan_message(report_of("maxTimeLimit", 529.0), SolverSettings(time_limit_s=60.0))
    assert message == ("the solver stopped without a plan after 529.0 s, far past the time limit of 60 s: HiGHS's "
                       'presolve does not check the limit on large instances. Set solver.options: {presolve: "off"} '
                       "to keep the limit, or raise solver.time_limit_s (or --time-limit)")


def test_flows_beyond_what_production_uses_are_not_shown():
    """The one-site instance with rock: 2 t per unit of p, from k_near (0 km, 1,000 t/yr) or
    k_far (10 km, 1,000 t/yr) at 1 yuan per t-km. Production 24 units uses 48 t. With shipments
    of 1,000 t from k_near and 5 t from k_far (free at 0 km, so a solver may return them), the
    plan shows 48 t from k_near: the 957 t beyond the need go, from the longest arc first. The
    costs stay the model's own: transport 5 t x 10 km x 1 yuan = 50 yuan as the values stand."""
    inputs = dataclasses.replace(
        one_site_inputs(), RESOURCES=("rock",), SOURCES=("k_near", "k_far"),
        resource_of_source={"k_near": "rock", "k_far": "rock"},
        supply_t_per_yr={("k_near", 2030): 1000.0, ("k_far", 2030): 1000.0},
        resource_t_per_unit={("p", "rock"): 2.0}, ARCS=(("k_near", "s1"), ("k_far", "s1")),
        arc_km={("k_near", "s1"): 0.0, ("k_far", "s1"): 10.0}, transport_yuan_per_t_km=1.0,
        enabled_families=frozenset({"targets", "output_value", "land", "supply"}))
    model = build_model(inputs)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.flow["k_near", "s1", 2030].set_value(1000.0)
    model.flow["k_far", "s1", 2030].set_value(5.0)
    plan = extract_plan(model, inputs)
    assert plan.flows.values.tolist() == [["k_near", "s1", "rock", 2030, 48.0, 0.0]]
    assert plan.costs["transport"] == 50.0


def test_every_whole_number_decision_is_checked_and_named():
    """The one-site instance with site opening on: a site opening returned as 0.6 is named with its
    year, after a module count 2.5 (module counts first)."""
    inputs = dataclasses.replace(one_site_inputs(), site_fixed_cost_yuan=10.0,
                                 enabled_families=frozenset({"targets", "output_value", "land", "agglomeration"}))
    model = build_model(inputs)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.opens["s1", 2030].set_value(0.6, skip_validation=True)
    model.build["s1", "p", "p10", 2030].set_value(2.5, skip_validation=True)
    with pytest.raises(NoSolution) as caught:
        extract_plan(model, inputs)
    assert str(caught.value).splitlines()[:3] == [
        "the solver returned 2 whole-number decision(s) farther than 1e-06 from a whole number, so no plan can be "
        "written:", "  - modules of p10 (p) at site s1 in 2030: 2.5", "  - site s1 opens in 2030 (0 or 1): 0.6"]


def test_a_module_count_by_cluster_is_named_in_words():
    """The module count by cluster (models/counts.py) is named as modules of a cluster, not by
    its variable name."""
    from models.counts import add_module_counts

    inputs = one_site_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.module_count["c1", "p10", 2030].set_value(2.5, skip_validation=True)
    with pytest.raises(NoSolution) as caught:
        extract_plan(model, inputs)
    assert "  - modules of p10 in cluster c1 in 2030: 2.5" in str(caught.value).splitlines()
    assert "module_count" not in str(caught.value)


def test_decisions_a_loose_tolerance_left_near_whole_are_rounded_and_the_rest_solved_again() -> None:
    """Default instance of tests/test_families.py (P targets 30 units; p10 = 10 units for 100
    yuan): the optimum builds 3 modules, 300 yuan. A loose `mip_feasibility_tolerance` may hand
    back 2.99 modules: `whole_decisions` rounds every whole-number decision, solves the rest
    again (300 yuan, the same plan), keeps the bound, and says so in a notice. With strict
    targets, 2.5 modules (rounded to 2: 20 units, short of 30) admit no plan: the values and the
    report are left as they were, and no notice is added (extract_plan then refuses them)."""
    from test_families import SETTINGS, make_inputs

    from siting.optimize.run import whole_decisions

    model = build_model(make_inputs())
    report = solve_model(model, SETTINGS)
    assert report.objective_yuan == pytest.approx(300.0, rel=1e-9)
    held = next(key for key in model.BUILD if round(model.build[key].value) == 3)
    model.build[held].set_value(2.99, skip_validation=True)
    notices: list[str] = []
    repaired = whole_decisions(model, report, SETTINGS, notices)
    assert model.build[held].value == pytest.approx(3.0, abs=1e-9)
    assert not model.build[held].fixed
    assert repaired.objective_yuan == pytest.approx(300.0, rel=1e-9)
    assert repaired.best_bound_yuan == pytest.approx(report.best_bound_yuan, rel=1e-9)
    assert repaired.proven_optimal and repaired.gap == pytest.approx(0.0, abs=1e-9)
    assert len(notices) == 1 and "1 whole-number decision(s) up to 0.01 from a whole number" in notices[0]

    strict = build_model(make_inputs(targets_strict=True))
    report = solve_model(strict, SETTINGS)
    held = next(key for key in strict.BUILD if round(strict.build[key].value) == 3)
    strict.build[held].set_value(2.5, skip_validation=True)
    notices = []
    assert whole_decisions(strict, report, SETTINGS, notices) is report
    assert strict.build[held].value == 2.5 and not notices
    with pytest.raises(NoSolution, match="farther than 1e-06 from a whole number"):
        extract_plan(strict, make_inputs(targets_strict=True))


def test_capacity_idle_behind_a_binding_chain_balance_row_is_stranded_for_feedstock() -> None:
    """`chain_case` of tests/test_families.py (q made from 2 units of p each; p imported at no
    cost; local p must cover 50 % of its use) with 20 units/yr of q and 5 of p already built at s1
    and s2 and no land for new modules. The row asks 5 >= 0.5 * 2 * Y_q, so q makes at most 5
    units: 15 of its 20 stand idle although imports of p are free and q is worth 10 a unit
    against an output-value target of 100. The reason is the chain rule holding the input p:
    "feedstock", not "cost"."""
    from test_families import SETTINGS, chain_case, land

    inputs = chain_case(existing_capacity_units_per_yr={("s1", "q"): 20.0, ("s2", "p"): 5.0},
                        **land({"s1": 0.0, "s2": 0.0}))
    model = build_model(inputs)
    assert solve_model(model, SETTINGS).proven_optimal
    plan = extract_plan(model, inputs)
    row = plan.stranded.set_index(["site", "product"]).loc[("s1", "q")]
    assert (row["usable"], row["production"], row["idle"]) == pytest.approx((20.0, 5.0, 15.0), abs=1e-6)
    assert row["reason"] == "feedstock"


def test_decisions_rounding_cannot_mend_are_refused_saying_the_rounding_was_tried(scenario: Path, monkeypatch):
    """When the decisions left off whole admit no plan once rounded, the refusal says that the
    rounding was tried (the search's own message first)."""
    import siting.optimize.run as run

    def refused(model, inputs, names=None):
        raise NoSolution("the solver returned 1 whole-number decision(s) farther than 1e-06 ...")

    monkeypatch.setattr(run, "extract_plan", refused)
    prepared = prepare(scenario, {})
    with pytest.raises(NoSolution) as caught:
        solve_prepared(prepared, solver_settings(prepared.loaded), {})
    assert str(caught.value) == ("the solver returned 1 whole-number decision(s) farther than 1e-06 ...\n"
                                 "Rounding them to whole numbers and solving the rest again gave no plan.")


def test_the_rounding_of_near_whole_decisions_is_a_phase_of_its_own() -> None:
    """The re-solve with the decisions rounded is announced as the phase `round` (it came after
    `solve: done` as an unannounced search)."""
    from test_families import SETTINGS, make_inputs

    from siting.config import progress
    from siting.optimize.run import whole_decisions

    model = build_model(make_inputs())
    report = solve_model(model, SETTINGS)
    held = next(key for key in model.BUILD if round(model.build[key].value) == 3)
    model.build[held].set_value(2.99, skip_validation=True)
    stream = io.StringIO()
    with progress.reporting(progress.Reporter(stream, live=False, duplicate=False)):
        whole_decisions(model, report, SETTINGS, [])
    lines = stream.getvalue().splitlines()
    assert lines[0] == ("round: rounding the decisions the solver left off whole, and solving the rest of the plan "
                        "again ...")
    assert re.fullmatch(r"round: done in \d+\.\d s", lines[-1])


# --- the report in a reader's words ----------------------------------------------------------

def test_cost_table_gives_shares_of_the_gross_cost_and_none_to_revenue_or_the_net_total() -> None:
    """capex 3, variable 1, site opening 0, sales -5 bn yuan: the gross cost is 3 + 1 = 4 bn yuan
    (capex 75 %, variable 25 %); the total, net of the revenue, is -1 bn yuan, with no share; the
    revenue comes to 5 / 4 = 125 % of the gross cost."""
    plan = SimpleNamespace(costs={"capex": 3e9, "site_fixed": 0.0, "variable": 1e9, "sales": -5e9})
    assert markdown(cost_blocks(plan)) == (  # type: ignore[arg-type]
        "## Cost breakdown (discounted)\n\n"
        "| component | bn yuan | share of the gross cost |\n|---|---:|---:|\n"
        "| capex (annuities) | 3.00 | 75.0% |\n| site opening | 0.00 | 0.0% |\n"
        "| variable (energy, other) | 1.00 | 25.0% |\n| gross cost (the components above) | 4.00 | 100.0% |\n"
        "| sales (revenue, negative) | -5.00 |  |\n| total, net of sales revenue (the objective) | -1.00 |  |\n\n"
        "Sales out of the province earn revenue, shown as a negative cost; the total, net of it, is the objective. "
        "Shares are of the gross cost, the sum of the cost components before revenue (4.00 bn yuan); sales revenue "
        "comes to 125.0% of it.\n")


def test_cost_table_without_sales_ends_on_the_total() -> None:
    """capex 3, variable 1, sales 0 bn yuan: the total is the gross cost, 4 bn yuan, 100 %."""
    plan = SimpleNamespace(costs={"capex": 3e9, "variable": 1e9, "sales": 0.0})
    assert markdown(cost_blocks(plan)).splitlines()[4:] == [  # type: ignore[arg-type]
        "| capex (annuities) | 3.00 | 75.0% |", "| variable (energy, other) | 1.00 | 25.0% |",
        "| sales (revenue, negative) | 0.00 | 0.0% |", "| total (the objective) | 4.00 | 100.0% |", "",
        "Nothing is sold out of the province: the total is the gross cost, and the objective."]


def test_report_names_products_and_sites_in_words(scenario: Path, tmp_path: Path) -> None:
    """The small plan (tests/test_api.py derives it) with an output-value target of 10 bn yuan in
    2024, which it meets without a change (18.4 bn yuan), in report.md: products by their display
    names in every table and sentence, sites by their names (as map.png labels them), clusters by
    theirs, modules by their size; site ids only in the column that ties a site's name to the files
    (the sites table, which lists every site). The CSV files keep the ids.

    Why the output value overshoots, by hand: in 2024 the modules decided in 2023 make FePO4 400 kt
    x 10,000 + LFP 250 kt x 40,000 + cells 8 GWh x 4亿 = 17.2 bn yuan; the 20 kt of LFP there and
    the 10 kt committed for 2024 make 30 kt x 40,000 = 1.2 bn yuan. Sales: LFP 264 kt for 10.56,
    cells 8 GWh for 3.2, FePO4 120 kt for 1.2 bn yuan."""
    value = scenario.parent / "value.yaml"
    value.write_text("extends: scenario.yaml\nname: value\ntargets:\n  output_value_yuan: {2024: 1.0e10}\n")
    out = tmp_path / "out"
    assert main(["solve", str(value), "--out", str(out)]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    for line in ("Years 2023-2024; clusters West, East; sites built on: West mine park; East city; East far "
                 "(2 newly opened: West mine park; East far).",
                 "| Cathode | t/yr | 2024 | 120,000 | 280,000 | 280,000 | 0 | met |",
                 "| Output value | bn yuan/yr | 2024 | 10.00 | 18.40 |  | 0.00 | met |",
                 "Output value 2024: goal 10.00, planned 18.40, 8.40 more (bn yuan/yr). Why:",
                 "- capacity the plan adds: the modules decided in 2023 are online in 2024 and make 17.20 bn yuan/yr "
                 "of the 18.40 bn yuan/yr, more than the goal by themselves",
                 "- existing and committed capacity: the plants already there and the committed projects online by "
                 "2024 make 1.20 bn yuan/yr of the 18.40 bn yuan/yr",
                 "| 2023 | West | West mine park | FePO4 | t/yr | 100,000 t/yr | 4 | 400,000 | 2.00 |",
                 "Cathode 2024: goal 120,000, planned 280,000, 160,000 more (t/yr). Why:",
                 "- the capacity target Cells 2024 is met exactly (10 GWh/yr)",
                 "- site West mine park uses all its land (100 ha)",
                 "| West lakeside | w_lake | West | Excluded: inside a buffered red-line zone for every product | red "
                 "line excludes FePO4, LFP, Cells |",
                 "| East city | e_city | East | Built: new capacity | no source within reach for FePO4 |",
                 "| buffer | FePO4, LFP, Cells | lake 1000 | 38.0 |"):
        assert f"\n{line}\n" in text, line
    assert ("\n- sales pay for it: the products sold outside the province in 2024 earn 14.96 bn yuan (LFP 264,000 t/yr "
            "for 10.56 bn yuan, Cells 8 GWh/yr for 3.20 bn yuan, FePO4 120,000 t/yr for 1.20 bn yuan), more than the "
            "year's costs, ") in text
    ids = re.findall(r"\b(?:fepo4|lfp|cells|cathode|w_mine|e_city|e_far|w_lake)\b", text)
    assert ids == ["w_mine", "w_lake", "e_city", "e_far"]  # the sites table's id column
    assert "w_mine,west,fepo4,t/yr,2023,fepo4_100kt,4," in (out / "plan.csv").read_text(encoding="utf-8")
