"""Refusals of the scenario configuration layer: a HiGHS tolerance looser than the plan is read
back to, an import premium given as a percent, committed projects whose sites the sites layer
names otherwise (one problem for the lot, not one per project with every id of the layer), and
the problems of several bad `--set` values, each in the same form."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import CommittedProjects, load_scenario, parse_override, unknown_site_problems, unknown_value
from siting.config.schema import CommittedProject
from tests.conftest import edit, run_bad


def problems_of(scenario: Path) -> list[str]:
    """The problems `load_scenario` finds in `scenario`, with its folder taken out."""
    with pytest.raises(InputError) as caught:
        load_scenario(scenario)
    return [p.replace(f"{scenario.parent}/", "") for p in caught.value.problems]


# --- HiGHS tolerances no looser than the plan is read back to (1e-6) ------------------------------


@pytest.mark.parametrize(("option", "lets", "default"), [
    ("mip_feasibility_tolerance",
     "return module counts and site openings that far from a whole number, which the plan cannot use", "1e-06"),
    ("dual_feasibility_tolerance", "stop its LPs short of their optimum, so that its bound proves no gap", "1e-07"),
])
def test_a_loose_tolerance_is_refused_at_load(folder: Path, option: str, lets: str, default: str):
    """HiGHS takes 0.1 (its range reaches 1e+30 or infinity), but the plan's whole-number decisions
    are read back only within 1e-6 of a whole number: a run given 0.1 searched for 120 s and ended
    without a plan. Refused when the scenario is loaded, at its file and line."""
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", f"  rel_gap: 0\n  options: {{{option}: 0.1}}\n")
    assert problems_of(folder / "scenario.yaml") == [
        f"scenario.yaml:35: solver.options.{option} | must be at most 1e-06, the tolerance the plan is read back "
        f"to: a looser one lets HiGHS {lets} (got 0.1); give at most 1e-06, or leave it out (HiGHS's default is "
        f"{default})"]


def test_tolerances_up_to_the_bound_are_accepted(folder: Path):
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: 0\n  options: {mip_feasibility_tolerance: '1e-6', "
         "dual_feasibility_tolerance: 1.0e-9}\n")
    assert load_scenario(folder / "scenario.yaml").scenario.solver.options == {
        "mip_feasibility_tolerance": 1e-6, "dual_feasibility_tolerance": 1e-9}


def test_a_loose_tolerance_given_with_set_is_refused_before_solving(folder: Path, capsys: pytest.CaptureFixture[str]):
    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--set",
                 "solver.options.mip_feasibility_tolerance=0.1"])
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err.replace(f"{folder}/", "") == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: --set solver.options.mip_feasibility_tolerance | must be at most 1e-06, the tolerance "
        "the plan is read back to: a looser one lets HiGHS return module counts and site openings that far from a "
        "whole number, which the plan cannot use (got 0.1); give at most 1e-06, or leave it out (HiGHS's default "
        "is 1e-06)\n")


# --- the import premium is a share -------------------------------------------------------------


def test_an_import_premium_given_as_a_percent_is_refused(folder: Path):
    """The import price is the price x (1 + import_premium_share) (docs/DATA.md, section 12): a
    share, 0.2 for 20 %. 20 (a 2,000 % premium) passed the old bound of 100."""
    edit(folder / "catalog.yaml", "import_premium_share: 0.2", "import_premium_share: 20")
    assert problems_of(folder / "scenario.yaml") == [
        "catalog.yaml:25: products.lfp.import_premium_share | must be at most 1: a share, not a percent (got 20); "
        "give 0.2 for 20 %"]


def test_an_import_premium_of_one_doubles_the_price_and_is_accepted(folder: Path):
    edit(folder / "catalog.yaml", "import_premium_share: 0.2", "import_premium_share: 1")
    assert load_scenario(folder / "scenario.yaml").catalog.products["lfp"].import_premium_share == 1.0


# --- committed projects at sites the layer names otherwise -------------------------------------


def committed(*sites: str) -> CommittedProjects:
    """Committed projects p0, p1, ... at `sites`, in a file `projects.yaml` whose entry i starts at
    line 4 + 8 i."""
    projects = tuple(CommittedProject(id=f"p{i}", name=f"P{i}", site=site, product="lfp", capacity=1000,
                                      online_year=2024, status="construction", source="assumption: test")
                     for i, site in enumerate(sites))
    return CommittedProjects(Path("projects.yaml"), projects, tuple(4 + 8 * i for i in range(len(sites))))


LAYER_IDS = [f"park_{chr(ord('a') + i)}" for i in range(18)]  # park_a ... park_r


def test_unknown_sites_of_many_projects_are_one_problem():
    """Before: one problem per project (five here, 25 on the shipped scenario with `--set
    layers.sites.id_field=name_zh`), each listing the layer's every id."""
    found = unknown_site_problems(committed("old_1", "old_2", "old_1", "park_b", "old_3", "old_1"), LAYER_IDS,
                                  "name", "--set layers.sites.id_field")
    assert found == [
        "projects.yaml:4: [0] (p0).site | unknown sites in 5 committed projects (got 'old_1' in 3, from [0] (p0); "
        "'old_2' in [1] (p1); 'old_3' in [4] (p4)); the sites layer's ids come from its field 'name' (--set "
        "layers.sites.id_field): 'park_a', 'park_b', 'park_c', 'park_d', 'park_e' and 13 more; give each project "
        "the id of its site there, or set layers.sites.id_field to the field that holds the projects' ids"]


def test_a_slip_stays_a_problem_of_its_own_project_and_a_lone_unknown_site_too():
    found = unknown_site_problems(committed("park_x", "park_bb", "park_a"), LAYER_IDS[:3], "site_id",
                                  "layers.sites.id_field")
    assert found == [
        "projects.yaml:4: [0] (p0).site | unknown site (got 'park_x'); choose one of: park_a, park_b, park_c",
        "projects.yaml:12: [1] (p1).site | unknown site (got 'park_bb'); did you mean 'park_b'?"]


def test_the_known_names_a_message_lists_are_capped():
    assert unknown_value("f.yaml:3", "x.site", "nowhere", LAYER_IDS, "site") == (
        "f.yaml:3: x.site | unknown site (got 'nowhere'); choose one of: park_a, park_b, park_c, park_d, park_e, "
        "park_f, park_g, park_h, park_i, park_j, park_k, park_l and 6 more")


def test_a_slip_named_by_several_projects_is_one_problem(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Three projects at e_city, read against a sites layer whose ids come from its `name` field,
    where 'East city' is the likest: one "did you mean", naming the other two projects."""
    text = (folder / "committed_projects.yaml").read_text()
    entry = text[text.index("- id: east_lfp"):]
    (folder / "committed_projects.yaml").write_text(
        text + entry.replace("east_lfp", "east_lfp_2") + entry.replace("east_lfp", "east_lfp_3"))
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"), "--set",
                 "layers.sites.id_field=name"])
    err = capsys.readouterr().err.replace(f"{folder}/", "")
    assert code == 2 and not (folder / "out").exists()
    assert err == (
        "error: 1 problem in the input:\n"
        "  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_city', also the site of [1] "
        "(east_lfp_2) and [2] (east_lfp_3)); did you mean 'East city'?\n")


SHIPPED = Path(__file__).resolve().parent.parent / "scenarios" / "yunnan_2024.yaml"


def test_the_shipped_sites_read_by_their_chinese_names_give_one_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Before: 25 problems, one per committed project, each listing the 18 Chinese names."""
    monkeypatch.chdir(SHIPPED.parent)
    code = main(["solve", SHIPPED.name, "--out", str(tmp_path / "out"), "--set", "layers.sites.id_field=name_zh"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out").exists()
    assert err == (
        "error: 1 problem in the input:\n"
        "  - committed_projects.yaml:24: [0] (shanshan_anode).site | unknown sites in 25 committed projects (got "
        "'anning_caopu' in 11, from [0] (shanshan_anode); 'yuxi_longquan' in 11, from [11] (kuntian_anode_phase1); "
        "'qujing_etdz_xicheng_nanhaizi' in 2, from [22] (defang_eve_lfp); 'qujing_cuifeng_gaojiatun' in [23] "
        "(defang_lmfp)); the sites layer's ids come from its field 'name_zh' (--set layers.sites.id_field): "
        "'安宁产业园区草铺片区', '安宁工业园区麒麟片区', '呈贡产业园区', '东川产业园区', '嵩明杨林片区' and 13 more; "
        "give each project the id of its site there, or set layers.sites.id_field to the field that holds the "
        "projects' ids\n")


# --- every problem of a bad --set value in one form ---------------------------------------------


def test_an_unknown_set_key_and_a_bad_set_value_name_the_file_alike(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Before: "--set constraints.redline.bufer_m | ..." beside "scenario.yaml: --set
    objective.discount_rate | ...". Now both as errors.py's InputError says: file, key, what."""
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"),
                 "--set", "constraints.redline.bufer_m=5", "--set", "objective.discount_rate=abc",
                 "--set", "solver.rel_gap=0.1", "--set", "solver.rel_gap=0.2"])
    err = capsys.readouterr().err.replace(f"{folder}/", "")
    assert code == 2 and not (folder / "out").exists()
    assert err == (
        "error: 3 problems in the input:\n"
        "  - scenario.yaml: --set solver.rel_gap | given twice (got 0.1, then 0.2); give it once, with the value "
        "meant\n"
        "  - scenario.yaml: --set constraints.redline.bufer_m | unknown setting 'constraints.redline.bufer_m'; did "
        "you mean 'buffer_m'?\n"
        "  - scenario.yaml: --set objective.discount_rate | must be a number (got 'abc'); write the number alone, "
        "as a share, e.g. 0.05 for 5 %\n")


def test_values_yaml_cannot_read_are_named_as_the_other_set_problems(folder: Path,
                                                                       capsys: pytest.CaptureFixture[str]):
    """Before: "--set b:1:1: YAML syntax error: ..." (the option named as a file with a line and a
    column) beside "--set a=0,1 | takes one value ..."."""
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"), "--set", "a=0,1",
                 "--set", "b={y", "--set", "c={x: [1}", "--set", "d=@x", "--set", "e={k: 1, k: 2}"])
    assert code == 2 and not (folder / "out").exists()
    assert capsys.readouterr().err == (
        "error: 5 problems in the input:\n"
        "  - --set a=0,1 | takes one value (got 2); to run several values, use siting sweep --set a=0,1\n"
        "  - --set b | YAML syntax error: the '{' opened at column 1 is never closed (got '{y'); close it with '}'\n"
        "  - --set c | YAML syntax error: the '[' opened at column 5 is not closed before '}' at column 7 (got "
        "'{x: [1}'); close it with ']', or put ',' between its items\n"
        "  - --set d | YAML syntax error: found character '@' that cannot start any token, at column 1 (got '@x'); "
        "fix the value\n"
        "  - --set e.k | duplicate key (YAML would silently keep only the last) (got '{k: 1, k: 2}'); remove one of "
        "them or merge the two\n")


def test_parse_override_names_a_value_yaml_cannot_read_as_a_setting():
    with pytest.raises(InputError) as caught:
        parse_override("targets.capacity={lfp: 1")
    assert caught.value.problems == [
        "--set targets.capacity | YAML syntax error: the '{' opened at column 1 is never closed (got '{lfp: 1'); "
        "close it with '}'"]


def test_run_bad_still_names_a_file_s_syntax_error_at_its_line(folder: Path, capsys: pytest.CaptureFixture[str]):
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: [0\n")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:34:12: YAML syntax error: the '[' opened here is not closed before ':' at 35:7; "
        "close it with ']', or put ',' between its items\n")
