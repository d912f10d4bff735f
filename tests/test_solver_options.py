"""Solver options: every HiGHS setting is checked by HiGHS itself when the scenario is loaded (type,
range, allowed values), YAML booleans mean on/off for HiGHS's on/off options, the values HiGHS holds
are read back after the solve, and manifest.json records them with the time limit actually used."""

from __future__ import annotations

import json
from pathlib import Path

import highspy
import pyomo.environ as pyo
import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.highs import ALLOWED_HIGHS_OPTIONS
from siting.config.load import load_scenario
from siting.optimize.run import solver_settings
from siting.optimize.solve import BOUND_SEARCH_HEURISTICS, SolverSettings, new_solver, read_back, solve_model

SMALL = Path(__file__).parent / "data" / "small"


def with_solver(folder: Path, lines: str) -> Path:
    """The small scenario with `lines` added under `solver:` (after `rel_gap: 0`, line 34)."""
    scenario = folder / "scenario.yaml"
    text = scenario.read_text()
    assert text.count("  rel_gap: 0\n") == 1
    scenario.write_text(text.replace("  rel_gap: 0\n", "  rel_gap: 0\n" + lines))
    return scenario


def problems(scenario: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_scenario(scenario)
    return [p.replace(f"{scenario.parent}/", "") for p in err.value.problems]


def tiny_model() -> pyo.ConcreteModel:
    """max x + y with x + 2y <= 4, x and y whole numbers in [0, 3]: the optimum is 3 (x=3, y=0 or
    x=2, y=1)."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 3))
    m.y = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 3))
    m.c = pyo.Constraint(expr=m.x + 2 * m.y <= 4)
    m.obj = pyo.Objective(expr=m.x + m.y, sense=pyo.maximize)
    return m


# ---------------------------------------------------------------------------------------------
# accepted, and applied


def test_presolve_off_unquoted_is_accepted_and_applied(folder: Path):
    """`presolve: off` is YAML false; HiGHS's presolve option takes "off", "choose" or "on"."""
    loaded = load_scenario(with_solver(folder, "  options: {presolve: off, mip_max_nodes: 1.0e6}\n"))
    assert loaded.scenario.solver.options == {"presolve": "off", "mip_max_nodes": 1000000}
    settings = solver_settings(loaded)
    opt = new_solver()
    report = solve_model(tiny_model(), settings, opt)
    assert report.objective_yuan == 3
    # a model this small is searched without the sub-MIP heuristics (siting/optimize/solve.py `small_mip`)
    assert dict(report.highs_options) == {"presolve": "off", "mip_max_nodes": 1000000, "time_limit": 60.0,
                                          "mip_rel_gap": 0.0, "threads": 1, "random_seed": 0,
                                          **dict.fromkeys(BOUND_SEARCH_HEURISTICS, False)}
    with pytest.raises(RuntimeError) as err:  # the read-back is HiGHS's, and a difference is caught
        read_back(opt, {"presolve": "on"})
    assert str(err.value) == "HiGHS option presolve holds 'off' after being set to 'on'"


def test_yaml_true_means_on_and_text_numbers_are_numbers(folder: Path):
    loaded = load_scenario(with_solver(
        folder, '  options: {presolve: true, mip_detect_symmetry: false, mip_feasibility_tolerance: "1e-7"}\n'))
    assert loaded.scenario.solver.options == {"presolve": "on", "mip_detect_symmetry": False,
                                              "mip_feasibility_tolerance": 1e-7}


def test_gap_and_seed_given_as_options_take_the_named_settings_place(folder: Path):
    scenario = with_solver(folder, "  options: {mip_rel_gap: 0.0, random_seed: 7}\n")
    loaded = load_scenario(scenario)
    assert (loaded.scenario.solver.random_seed, loaded.scenario.solver.options) == (7, {})
    settings = solver_settings(loaded)
    assert settings == SolverSettings(time_limit_s=60.0, rel_gap=0.0, threads=1, random_seed=7, options=())


def test_every_option_a_scenario_may_set_is_known_to_highs():
    highs = highspy.Highs()
    unknown = [name for name in sorted(ALLOWED_HIGHS_OPTIONS)
               if highs.getOptionType(name)[0] != highspy.HighsStatus.kOk]
    assert unknown == []


# ---------------------------------------------------------------------------------------------
# refused, at load, naming solver.options.<key>


def test_mip_rel_gap_tight_is_refused(folder: Path):
    assert problems(with_solver(folder, "  options: {mip_rel_gap: tight}\n")) == [
        "scenario.yaml:35: solver.options.mip_rel_gap | HiGHS option 'mip_rel_gap' takes a number (got 'tight'); "
        "give a finite number"]


def test_random_seed_beyond_highs_range_is_refused_as_option_and_as_setting(folder: Path):
    scenario = with_solver(folder, "  random_seed: 99999999999\n  options:\n    random_seed: 99999999999\n")
    assert problems(scenario) == [
        'scenario.yaml:35: solver.random_seed | HiGHS refuses the value: Value 99999999999 for option "random_seed" '
        "is above upper bound of 2147483647 (got 99999999999); choose a value HiGHS accepts (its default is 0)",
        'scenario.yaml:37: solver.options.random_seed | HiGHS refuses the value: Value 99999999999 for option '
        '"random_seed" is above upper bound of 2147483647 (got 99999999999); choose a value HiGHS accepts (its '
        "default is 0)"]


def test_unknown_option_gets_did_you_mean(folder: Path):
    assert problems(with_solver(folder, "  options: {mip_rel_gapp: 0.1}\n")) == [
        "scenario.yaml:35: solver.options.mip_rel_gapp | unknown HiGHS option (got 'mip_rel_gapp'); did you mean "
        "'mip_rel_gap'?"]


def test_highs_options_a_scenario_may_not_set(folder: Path):
    """A file-writing option is refused before HiGHS is ever asked about it (no file appears);
    the time limit has its own setting."""
    scenario = with_solver(folder, "  options:\n    log_file: highs.log\n    time_limit: 5\n")
    assert problems(scenario) == [
        "scenario.yaml:36: solver.options.log_file | a HiGHS option a scenario may not set (got 'highs.log'); "
        f"options a scenario may set: {', '.join(sorted(ALLOWED_HIGHS_OPTIONS))}",
        "scenario.yaml:37: solver.options.time_limit | is set by solver.time_limit_s (got 5); use "
        "solver.time_limit_s instead"]
    assert not (folder / "highs.log").exists()
    assert not Path("highs.log").exists()


def test_out_of_range_wrong_type_and_non_finite_in_highs_words(folder: Path):
    scenario = with_solver(folder, """  options:
    mip_heuristic_effort: 2
    presolve: sometimes
    presolve_rule_off: 1.5
    mip_detect_symmetry: "yes"
    mip_feasibility_tolerance: .nan
    mip_max_nodes: [1]
""")
    assert problems(scenario) == [
        'scenario.yaml:36: solver.options.mip_heuristic_effort | HiGHS refuses the value: Value 2 for option '
        '"mip_heuristic_effort" is above upper bound of 1 (got 2); choose a value HiGHS accepts (its default is '
        "0.05)",
        'scenario.yaml:37: solver.options.presolve | HiGHS refuses the value: Value "sometimes" for presolve option '
        'is not one of "off", "choose" or "on" (got \'sometimes\'); choose a value HiGHS accepts (its default is '
        "'choose')",
        "scenario.yaml:38: solver.options.presolve_rule_off | HiGHS option 'presolve_rule_off' takes a whole number "
        "(got 1.5); give a whole number",
        "scenario.yaml:39: solver.options.mip_detect_symmetry | HiGHS option 'mip_detect_symmetry' takes true or "
        "false (got 'yes'); give true or false",
        "scenario.yaml:40: solver.options.mip_feasibility_tolerance | must be a finite number (got nan); give a "
        "finite number",
        "scenario.yaml:41: solver.options.mip_max_nodes | HiGHS option 'mip_max_nodes' takes a whole number (got "
        "[1]); give a whole number"]


def test_gap_option_contradicting_the_gap_setting(folder: Path):
    assert problems(with_solver(folder, "  options: {mip_rel_gap: 0.05}\n")) == [
        "scenario.yaml:35: solver.options.mip_rel_gap | contradicts solver.rel_gap (0.0) (got 0.05); set only one "
        "of them"]


def test_a_bad_option_and_a_missing_layer_come_in_one_message(folder: Path, capsys):
    """The sites layer is gone and an option is bad: both are reported at once, the scenario's
    problem first (the layers are read although the scenario has a problem: its layers passed)."""
    (folder / "sites.geojson").unlink()
    scenario = with_solver(folder, "  options: {mip_rel_gap: tight}\n")
    code = main(["solve", str(scenario), "--out", str(folder / "out")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == (
        f"error: 2 problems in the input:\n  - {scenario}:35: solver.options.mip_rel_gap | HiGHS option "
        "'mip_rel_gap' takes a number (got 'tight'); give a finite number\n"
        f"  - {folder / 'sites.geojson'}: sites layer not found; check layers.sites.path at {scenario}:8 (relative "
        "paths start at the folder of the file that names it)\n")
    assert not (folder / "out").exists()


# ---------------------------------------------------------------------------------------------
# the manifest


def test_manifest_records_the_options_highs_held_and_the_time_limit_used(folder: Path, capsys):
    """The scenario's time limit is the default 60 s; `--time-limit 30` is what the solve used."""
    scenario = with_solver(folder, "  options: {presolve: off, mip_heuristic_effort: 0.3, mip_max_nodes: 1.0e6}\n")
    out = folder / "out"
    assert main(["solve", str(scenario), "--out", str(out), "--time-limit", "30"]) == 0
    capsys.readouterr()
    solver = json.loads((out / "manifest.json").read_text())["solver"]
    assert solver["settings"] == {
        "time_limit_s": 30.0, "rel_gap": 0.0, "threads": 1, "random_seed": 0, "abs_gap_bn_yuan": None,
        "options": {"mip_heuristic_effort": 0.3, "mip_max_nodes": 1000000, "presolve": "off"}}
    assert solver["proven_within_gap"] is True


def test_an_absolute_gap_is_refused_with_the_setting_to_use(folder: Path):
    """HiGHS's mip_abs_gap counts in the model's million yuan, and given alone would end the searches
    early without the project's proof counting it: refused, naming solver.abs_gap_bn_yuan, which
    sets both."""
    assert problems(with_solver(folder, "  options: {mip_abs_gap: 5000}\n")) == [
        "scenario.yaml:35: solver.options.mip_abs_gap | an absolute gap is set by solver.abs_gap_bn_yuan, in bn yuan "
        "(HiGHS's option counts in the model's million yuan) (got 5000); set solver.abs_gap_bn_yuan "
        "instead, e.g. 0.5 for 0.5 bn yuan"]


@pytest.mark.parametrize("name", ["mip_heuristic_run_rens", "mip_heuristic_run_rins",
                                  "mip_heuristic_run_root_reduced_cost"])
def test_a_sub_mip_heuristic_the_solve_switches_is_refused_with_why_and_what_to_set(folder: Path, name: str):
    """The solve switches RENS, RINS and the root reduced-cost sub-MIP itself (off for a search for
    a bound and for a small model): before, a scenario naming one got only the list of the options
    it may set, not why it may not or which one changes HiGHS's heuristics."""
    assert problems(with_solver(folder, f"  options: {{{name}: true}}\n")) == [
        f"scenario.yaml:35: solver.options.{name} | is switched by the solve itself: off in a search for a bound "
        "and for a model of a few dozen whole-number decisions, where it costs more than it finds, on otherwise "
        f"(got true); leave it out; to change how much HiGHS searches by heuristics, set "
        "solver.options.mip_heuristic_effort (HiGHS's default 0.05)"]


def test_the_manifest_records_the_absolute_gap_in_bn_yuan(folder: Path, capsys):
    """solver.abs_gap_bn_yuan: 0.5 reaches HiGHS as mip_abs_gap 500 (million yuan, the objective's
    unit) and the manifest records it as asked, 0.5 bn yuan, not among the options; the status
    line gives it beside the relative tolerance."""
    out = folder / "out"
    assert main(["solve", str(with_solver(folder, "  abs_gap_bn_yuan: 0.5\n")), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    solver = json.loads((out / "manifest.json").read_text())["solver"]
    assert solver["settings"]["abs_gap_bn_yuan"] == 0.5
    assert "mip_abs_gap" not in solver["settings"]["options"]
    assert solver["proven_within_gap"] is True
    assert "(tolerance 0.00% or 0.50 bn yuan)" in printed
