"""Nested rules (siting/runs/pool.py `relaxed_rules`, `carry_bounds`) and what the comparison and
sweep tables say of them (siting/runs/tables.py `objective_range`, `nesting_sentences`,
`bound_note`; `warm_note` is tested in tests/test_front_forms.py).

Hand instance (tests/test_families.py, default): one year 2030, sites s1 and s2 with 100 ha each
for p and q, modules p10 (10 units/yr of p, 100 yuan, 1 ha) and q10 (q, 200 yuan, 1 ha), a target
of 30 units of p with a shortfall penalty of 1,000 yuan/unit. Its optimum builds three p modules:
3 x 100 = 300 yuan. With the red line leaving 1 ha for p at each site (`tight`), only two p modules
fit: 2 x 100 + (30 - 20) x 1,000 = 10,200 yuan. The default's rules admit every plan of `tight`'s
(more land, nothing excluded), not the other way round, and the optima agree: 300 <= 10,200.

Hand-made runs (bn yuan): a loose run with objective UB 10.0 and bound LB 9.0, and a strict run,
whose rules the loose run's admit, with UB 9.9 and LB 8.0 (each solved only to its gap, the strict
run ends cheaper). Its difference against the loose run lies in [LB_strict - UB_loose, UB_strict -
LB_loose] = [8.0 - 10.0, 9.9 - 9.0] = [-2.0, 0.9] by the gaps alone; the nesting proves the strict
optimum no lower than the loose one, so the range is [0, 0.9]. The loose bound, 9.0, holds for
the strict run too: its gap becomes (9.9 - 9.0) / 9.9 = 9.0909... %, where its own solve proved
(9.9 - 8.0) / 9.9 = 19.1919... %. With the strict run as the baseline, the loose run's difference
lies in [LB_loose - UB_strict, UB_loose - LB_strict] = [9.0 - 9.9, 10.0 - 9.0] = [-0.9, 1.0] with
the carried bound, cut to [-0.9, 0] by the nesting.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from test_families import SETTINGS, Y1, make_inputs, solve_optimal, without

from siting.optimize.solve import plan_cost, plan_values
from siting.runs.pool import CaseSummary, admits_every_plan, carry_bounds, relaxed_rules
from siting.runs.tables import (
    RANGE_HIGH_ROW,
    RANGE_LOW_ROW,
    bound_note,
    comparison_table,
    difference_note,
    nesting_sentences,
    objective_range,
    sweep_table,
)

#: A billion yuan.
BN = 1e9


def tight(**overrides: Any) -> Any:
    """The default instance with the red line leaving 1 ha for p at each site (100 ha for q)."""
    land = {(s, p): (1.0 if p == "p" else 100.0) for s in ("s1", "s2") for p in ("p", "q")}
    return make_inputs(land_after_redline_ha=land, **overrides)


def test_a_red_line_that_leaves_more_land_and_excludes_less_admits_every_plan():
    """More land at every pair the stricter may build on, and no exclusion it lacks: proven; the
    other way round, or with less land at a pair the stricter admits, not. A pair the stricter
    excludes may have any land in the looser. The red line switched off counts as relaxed when
    the sites' whole usable land is no less than the stricter's land outside the line."""
    base = make_inputs()
    excluded = make_inputs(REDLINE_EXCLUDED=frozenset({("s2", "q")}))
    assert relaxed_rules(base, make_inputs()) == ()
    assert relaxed_rules(base, tight()) == ("the red line",)
    assert relaxed_rules(tight(), base) is None
    assert relaxed_rules(base, excluded) == ("the red line",)
    assert relaxed_rules(excluded, base) is None
    little_there = {**base.land_after_redline_ha, ("s2", "q"): 0.5}
    assert relaxed_rules(make_inputs(land_after_redline_ha=little_there), excluded) == ("the red line",)
    assert relaxed_rules(make_inputs(land_after_redline_ha=little_there), base) is None
    assert relaxed_rules(without(base, "redline"), excluded) == ("the red line off",)
    assert relaxed_rules(without(make_inputs(site_land_ha={"s1": 50.0, "s2": 100.0}), "redline"),
                         make_inputs(site_land_ha={"s1": 50.0, "s2": 100.0})) is None
    assert admits_every_plan(base, tight()) and not admits_every_plan(tight(), base)


def test_families_whose_rows_alone_switch_off_relax_the_rules_and_nothing_else_is_claimed():
    """Differentiation and the budget switched off: proven, named in words. Land, targets or
    proximity switched off change the index sets or bounds: not claimed. Another target, another
    module cost, a family switched on: not claimed, whatever the red line."""
    base = make_inputs()
    assert relaxed_rules(without(base, "differentiation", "budget"), base) == ("budget off", "differentiation off")
    assert relaxed_rules(without(base, "differentiation"), tight()) == ("the red line", "differentiation off")
    for family in ("land", "targets", "proximity"):
        assert relaxed_rules(without(base, family), base) is None, family
    assert relaxed_rules(base, without(base, "budget")) is None
    assert relaxed_rules(base, make_inputs(capacity_target_units={("P", Y1): 40.0})) is None
    dearer = dataclasses.replace(base.MODULES[0], capex_yuan=150.0)
    assert relaxed_rules(base, make_inputs(MODULES=(dearer, base.MODULES[1]))) is None


def test_the_looser_optimum_is_no_higher_and_the_stricter_plan_costs_the_same_in_it():
    """The module docstring's optima, solved: 300 and 10,200 yuan; the stricter optimum costed in
    the looser model (its modules fixed, siting/optimize/solve.py `plan_cost`) costs its 10,200."""
    loose_model, loose = solve_optimal(make_inputs())
    strict_model, strict = solve_optimal(tight())
    assert (loose, strict) == (pytest.approx(300.0, rel=1e-9), pytest.approx(10_200.0, rel=1e-9))
    assert admits_every_plan(make_inputs(), tight())
    costed = plan_cost(loose_model, plan_values(strict_model), SETTINGS)
    assert costed is not None and costed.objective_yuan == pytest.approx(10_200.0, rel=1e-9)


def run(label: str, objective_yuan: float, bound_yuan: float | None, rules: Any = None, **fields: Any) -> CaseSummary:
    """A solved run with its plan's cost and best bound (yuan), its gap (UB - LB) / UB."""
    gap = None if bound_yuan is None else (objective_yuan - bound_yuan) / abs(objective_yuan)
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan,
                       best_bound_yuan=bound_yuan, gap=gap, final_year=2030, rules=rules, **fields)


def nested_pair() -> list[CaseSummary]:
    """The module docstring's loose and strict runs, with their inputs, after `carry_bounds`."""
    return carry_bounds([run("loose", 10.0 * BN, 9.0 * BN, make_inputs()), run("strict", 9.9 * BN, 8.0 * BN, tight())])


def test_a_stricter_run_takes_the_bound_of_a_run_whose_rules_admit_its_plans():
    """The module docstring's runs: the strict run's bound becomes 9.0 bn yuan, from the loose run,
    its gap 0.9 / 9.9, its own 1.9 / 9.9 kept; the loose run admits the strict one's plans, not
    the reverse."""
    loose, strict = nested_pair()
    assert (loose.admits, strict.admits) == ({"strict": "the red line"}, {})
    assert (loose.best_bound_yuan, loose.bound_from, loose.own_gap) == (9.0 * BN, "", None)
    assert (strict.best_bound_yuan, strict.bound_from) == (9.0 * BN, "loose")
    assert strict.gap == pytest.approx(0.9 / 9.9, rel=1e-12)
    assert strict.own_gap == pytest.approx(1.9 / 9.9, rel=1e-12)


def test_a_bound_is_carried_only_where_it_is_proven_and_better():
    """Not carried: from a run whose rules do not admit the plans (another target), when no
    higher than the run's own, when above the run's objective (which would contradict the
    nesting), from a run without a plan, or without the runs' inputs. Of two looser runs the
    higher bound wins, the earlier on a tie."""
    other_target = make_inputs(capacity_target_units={("P", Y1): 40.0})
    cases = {
        "other rules": [run("a", 10.0 * BN, 9.0 * BN, other_target), run("b", 9.9 * BN, 8.0 * BN, tight())],
        "own is higher": [run("a", 10.0 * BN, 9.0 * BN, make_inputs()), run("b", 9.9 * BN, 9.5 * BN, tight())],
        "above the objective": [run("a", 10.0 * BN, 9.0 * BN, make_inputs()), run("b", 8.5 * BN, 8.0 * BN, tight())],
        "no plan": [CaseSummary(label="a", ok=False, error="NoSolution: none", rules=make_inputs()),
                    run("b", 9.9 * BN, 8.0 * BN, tight())],
        "no inputs": [run("a", 10.0 * BN, 9.0 * BN), run("b", 9.9 * BN, 8.0 * BN, tight())],
    }
    for name, runs in cases.items():
        assert carry_bounds(runs)[1].bound_from == "", name
    best = carry_bounds([run("a", 10.0 * BN, 8.8 * BN, make_inputs()), run("b", 10.0 * BN, 9.0 * BN, make_inputs()),
                         run("c", 10.0 * BN, 9.0 * BN, make_inputs()), run("d", 9.9 * BN, 8.0 * BN, tight())])
    assert (best[3].bound_from, best[3].best_bound_yuan) == ("b", 9.0 * BN)
    assert [s.bound_from for s in best[:3]] == ["b", "", ""]  # a takes b's (same rules); b and c tie


def test_the_proven_range_keeps_the_sign_that_nesting_proves():
    """The module docstring's ranges: [-2.0, 0.9] bn yuan by the gaps alone (no inputs); [0, 0.9]
    once the loose run admits the strict plans; [-0.9, 0] with the strict run as the baseline."""
    plain = [run("loose", 10.0 * BN, 9.0 * BN), run("strict", 9.9 * BN, 8.0 * BN)]
    assert objective_range(*plain) == (-2.0 * BN, 0.9 * BN)
    loose, strict = nested_pair()
    assert objective_range(loose, strict) == (0.0, 0.9 * BN)
    assert objective_range(strict, loose) == (-0.9 * BN, 0.0)
    table = comparison_table([loose, strict]).set_index("metric")
    assert table.loc[[RANGE_LOW_ROW, RANGE_HIGH_ROW], "strict vs loose"].tolist() == [0.0, 0.9 * BN]
    assert list(table.index[table.index.get_loc("gap"):][:4]) == ["gap", "absolute gap", "bound from", "sites built on"]
    assert table.loc["bound from", ["loose", "strict", "strict vs loose"]].tolist() == ["", "loose", ""]


def test_the_notes_say_what_the_nesting_proves_and_whence_each_bound_comes():
    loose, strict = nested_pair()
    why = ("they differ only in the red line: that of loose leaves as much land or more for every product at every "
           "site and excludes nothing the stricter one admits")
    assert nesting_sentences([loose, strict]) == [
        f"The rules of loose admit every plan of strict ({why}), so the optimum of strict is no lower than the "
        "baseline's: its proven range begins at 0 at the lowest."]
    assert nesting_sentences([strict, loose]) == [
        f"The rules of loose admit every plan of strict ({why}), so the optimum of loose is no higher than the "
        "baseline's: its proven range ends at 0 at the highest."]
    assert nesting_sentences(carry_bounds([run("a", 10.0 * BN, 9.0 * BN, make_inputs()), run("b", 10.0 * BN, 9.0 * BN,
                                                                                      make_inputs())])) == [
        "The rules of a and b admit every plan of each other (as applied, their rules keep out the same site-product "
        "pairs and leave the same land at every site: the same model), so their optima are the same: the proven "
        "range is 0."]
    assert nesting_sentences([run("loose", 10.0 * BN, 9.0 * BN), run("strict", 9.9 * BN, 8.0 * BN)]) == []
    assert nesting_sentences([loose, strict])[0] in difference_note(comparison_table([loose, strict]), [loose, strict])
    assert bound_note([loose, strict]) == (
        "Gaps measured against another run's bound (a run whose rules admit every plan of another has an optimum no "
        "higher than the other's, so its proven bound holds for the other too; the run's report and manifest give "
        f"the gap of its own solve): strict against the bound of loose, 9.0000 bn yuan, whose rules admit every plan "
        f"of its own ({why}): a gap of 9.10%, where its own solve proved 19.20%.")
    assert bound_note([run("loose", 10.0 * BN, 9.0 * BN), run("strict", 9.9 * BN, 8.0 * BN)]) == ""
    grouped = carry_bounds([run("a", 10.0 * BN, 9.0 * BN, make_inputs()), run("b", 9.9 * BN, 8.0 * BN, tight()),
                            run("c", 9.9 * BN, 8.91 * BN, tight())])
    assert bound_note(grouped).endswith(
        "b and c against the bound of a, 9.0000 bn yuan, whose rules admit every plan of theirs (they differ only in "
        "the red line: that of a leaves as much land or more for every product at every site and excludes nothing "
        "the stricter one admits): gaps of 9.10% and 9.10%, where their own solves proved 19.20% and 10.00%.")
    table = sweep_table([loose, strict], [{"k": 0}, {"k": 1}])
    assert list(table["bound_from"]) == ["", "loose"]
    assert "bound_from" not in sweep_table([run("a", 1.0, 0.9), run("b", 1.0, 0.9)], [{"k": 0}, {"k": 1}]).columns
