"""Near-optimal alternatives and robustness on tiny instances whose near-optimal plans are known.

Instance (the default of tests/test_families.py, changed as each test says): sites s1 (cluster
c1) and s2 (cluster c2), 100 ha each; module p10 = 10 t/yr of p for 100 yuan, q10 = 10 t/yr of
q for 200 yuan; target P = 30 t/yr in 2030; a site fixed cost F = 50 yuan per opened site.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from test_families import SETTINGS, make_inputs

from models.inputs import ModelInputs
from siting.cli import main
from siting.optimize.alternatives import build_pairs_of, comparison, near_optimal_plans, robustness


def one_product() -> ModelInputs:
    """Only p, 30 t/yr: three modules at one site cost 300 + 50 = 350 at s1 or at s2; split
    over both, 300 + 100 = 400. Within 5 % (367.5) the near-optimal plans are exactly "all at
    s1" and "all at s2"."""
    return make_inputs(site_fixed_cost_yuan=50.0)


def with_q_only_at_s1() -> ModelInputs:
    """Also Q = 10 t/yr of q, which the red line keeps out of s2. q at s1 opens s1, so p at s1
    costs 300 + 200 + 50 = 550 (the optimum), p all at s2 or split 600 (9.09 % more)."""
    return make_inputs(site_fixed_cost_yuan=50.0, capacity_target_units={("P", 2030): 30.0, ("Q", 2030): 10.0},
                       REDLINE_EXCLUDED=frozenset({("s2", "q")}))


def test_the_alternative_moves_to_the_other_site() -> None:
    plans = near_optimal_plans(one_product(), SETTINGS, 1, 0.05)
    assert [p.label for p in plans] == ["optimum", "alt01"]
    assert [p.cost_yuan for p in plans] == [350.0, 350.0]
    sites = [build_pairs_of(p.plan) for p in plans]
    assert sorted(map(sorted, sites)) == [[("s1", "p")], [("s2", "p")]]
    table = robustness(plans, one_product())
    assert table.values.tolist() == [["s1", "c1", "p", 1, 0.5, 30.0], ["s2", "c2", "p", 1, 0.5, 30.0]]


def test_a_site_every_good_plan_needs() -> None:
    """With 10 % slack (cap 605) the alternative that overlaps least with the optimum puts all
    of p at s2 (600; a split costs the same but keeps p at s1): q stays at s1 in both plans."""
    inputs = with_q_only_at_s1()
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.10)
    assert [sorted(build_pairs_of(p.plan)) for p in plans] == [[("s1", "p"), ("s1", "q")], [("s1", "q"), ("s2", "p")]]
    assert robustness(plans, inputs).values.tolist() == [
        ["s1", "c1", "p", 1, 0.5, 30.0], ["s1", "c1", "q", 2, 1.0, 10.0], ["s2", "c2", "p", 1, 0.5, 30.0]]
    table = comparison(plans, inputs)
    assert table.columns.tolist() == ["plan", "cost_yuan", "over_optimum", "sites_opened", "site_products",
                                      "new_site_products", "same_as", "added c1 p", "added c1 q", "added c2 p"]
    assert table.values.tolist() == [["optimum", 550.0, 0.0, 1, 2, 2, "", 30.0, 10.0, 0.0],
                                     ["alt01", 600.0, pytest.approx(50 / 550, rel=1e-6), 2, 2, 1, "", 0.0, 10.0, 30.0]]


def test_a_slack_too_small_for_any_other_plan() -> None:
    """With 5 % (cap 577.5) no plan but the optimum is near-optimal: the alternative repeats
    it, and every site it builds has share 1."""
    inputs = with_q_only_at_s1()
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.05)
    assert [p.cost_yuan for p in plans] == [550.0, 550.0]
    assert build_pairs_of(plans[1].plan) == build_pairs_of(plans[0].plan)
    assert robustness(plans, inputs)["share"].tolist() == [1.0, 1.0]
    assert comparison(plans, inputs)[["new_site_products", "same_as"]].values.tolist() == [[2, ""], [0, "optimum"]]


def test_no_alternatives_asked() -> None:
    plans = near_optimal_plans(one_product(), SETTINGS, 0, 0.05)
    assert [(p.label, p.cost_yuan) for p in plans] == [("optimum", 350.0)]


@pytest.mark.parametrize(("count", "slack"), [(-1, 0.05), (1, -0.01)])
def test_negative_count_or_slack_refused(count: int, slack: float) -> None:
    with pytest.raises(ValueError) as error:
        near_optimal_plans(one_product(), SETTINGS, count, slack)
    assert str(error.value) == f"count and slack must be at least 0 (got {count}, {slack})"


# -- end to end on the small scenario (tests/data/small, see tests/test_cli.py) -----------------

DATA = Path(__file__).parent / "data" / "small"


def test_solve_with_alternatives_writes_each_plan_and_the_robustness_map(tmp_path: Path) -> None:
    """The optimum builds 2 LFP modules and 1 cells module at w_mine: 4.5 bn / 1.1 + 0.1 bn (one site).
    The east sites (30 ha each) take the same 40 ha of modules on two sites: one more site fee,
    4.5 bn / 1.1 + 0.2 bn (+2.39 %, within 5 %), and nothing in common with the optimum, so that is
    the alternative: w_mine is built in one plan of two, e_city and e_far in the other; w_lake,
    inside the red line, in none."""
    shutil.copytree(DATA, tmp_path / "small")
    out = tmp_path / "out"
    assert main(["solve", str(tmp_path / "small" / "scenario.yaml"), "--out", str(out), "--alternatives", "1"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"alt01", "alternatives.csv", "alternatives.md", "robustness.csv", "robustness.geojson", "robustness.qml",
            "robustness.png", "plan.csv", "sites.geojson"} <= names
    alternative = json.loads((out / "alt01" / "manifest.json").read_text())
    assert alternative["solver"]["objective_yuan"] == pytest.approx(4.5e9 / 1.1 + 2e8, rel=1e-9)
    assert alternative["solver"]["status"] == "feasible (not proven optimal)"
    with (out / "alt01" / "plan.csv").open() as handle:
        assert {row["site"] for row in csv.DictReader(handle)} == {"e_city", "e_far"}
    layer = json.loads((out / "robustness.geojson").read_text())
    facts = {f["id"]: (f["properties"]["role"], f["properties"]["site_share"], f["geometry"]["type"])
             for f in layer["features"]}
    assert facts == {"w_mine": ("some", 0.5, "Point"), "w_lake": ("none", 0.0, "Point"),
                     "e_city": ("some", 0.5, "Point"), "e_far": ("some", 0.5, "Point")}
    assert layer["features"][0]["geometry"]["coordinates"] == [102.1, 24.6]
    style = (out / "robustness.qml").read_text()
    assert '<renderer-v2 attr="role"' in style and 'value="needed"' in style


def test_alternatives_flag_refuses_a_bad_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["solve", str(DATA / "scenario.yaml"), "--out", str(tmp_path / "out"), "--alternatives", "0"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.endswith(
        "argument --alternatives: must be a whole number of at least 1 (got '0'); give e.g. --alternatives 5\n")
