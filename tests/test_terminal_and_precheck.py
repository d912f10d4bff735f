"""The terminal's wrapped lines in display columns, the diagnosis of a target the pre-solve
checks find out of reach, and the comparison's legend of the difference words.

- `wrap_text` counts a Chinese character as the two columns a terminal draws it in.
- When the checks before the MIP find a strict target out of reach (`presolve_checks`), the run
  explains it from that target (`explain_findings`: a few solves) and never runs the search
  among every rule (`explain_infeasibility`), which it still runs when the checks find nothing
  and the MIP is infeasible, or when their target does not conflict in the model.
- The terminal's legend of a comparison split in two tables says what "neither has a plan"
  means when a difference says it.

The instances are the two-site instance of tests/test_families.py (s1 in c1, s2 in c2, module
p10 = 10 t/yr of p on 1 ha, target P = 30 t/yr in 2030), with strict targets.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from test_explain import HEAD3, TARGET, UNITS, strict
from test_families import SETTINGS, land

import siting.optimize.run as run
from models.inputs import ModelInputs
from siting.deliver.tables import display_width
from siting.optimize.explain import InfeasiblePlan, RuleInstance, explain_infeasibility
from siting.runs.pool import CaseSummary
from siting.runs.tables import NO_PLANS, comparison_table, comparison_text

# --- wrapping in display columns ----------------------------------------------------------------


def test_wrap_text_counts_a_chinese_character_as_two_columns() -> None:
    """At width 40: "sites built on: " (16 columns) and the 10 characters of 安宁产业园区草铺片区
    with ";" (21) make 37; the space and the next name (1 + 19) would make 57. The second line is
    the indent (2) and 玉溪高新区龙泉片区; (19): 21, with 曲靖经开区西城/南海子 (1 + 21) 43. The
    third: 2 + 21 + " (none" + " newly" = 35, with " opened)" 43. Counted in characters, the first
    line held two names: 38 characters, but 57 columns."""
    from siting.cli import wrap_text

    text = "sites built on: 安宁产业园区草铺片区; 玉溪高新区龙泉片区; 曲靖经开区西城/南海子 (none newly opened)"
    lines = wrap_text(text, 40)
    assert lines == [
        "sites built on: 安宁产业园区草铺片区;",
        "  玉溪高新区龙泉片区;",
        "  曲靖经开区西城/南海子 (none newly",
        "  opened)",
    ]
    assert [display_width(line) for line in lines] == [37, 21, 35, 9]


def test_wrap_text_keeps_a_figure_with_its_unit_next_to_a_wide_name() -> None:
    """"note: 400,000 t/yr at 草铺片区" is 6 + 12 + 4 + 8 = 30 columns (26 characters): at width
    28 the name goes to the next line, and "400,000 t/yr" stays whole. A full-width colon (U+FF1A,
    East Asian Width F) takes two columns too: "  草铺：" is 2 + 6 = 8."""
    from siting.cli import wrap_text

    assert wrap_text("note: 400,000 t/yr at 草铺片区", 28) == ["note: 400,000 t/yr at", "  草铺片区"]
    assert wrap_text("note: 400,000 t/yr at 草铺：", 25) == ["note: 400,000 t/yr at", "  草铺："]


def test_wrap_items_counts_display_columns() -> None:
    """"time: " (6) + "载入 0.30 s," (4 + 8 = 12) = 18 columns; with " write 0.24 s" (13) 31 > 30,
    though 29 characters."""
    from siting.cli import wrap_items

    assert wrap_items("time: ", ["载入 0.30 s", "write 0.24 s"], 30) == ["time: 载入 0.30 s,", "      write 0.24 s"]


# --- the diagnosis of what the pre-solve checks find --------------------------------------------


def fake_prepared(inputs: ModelInputs) -> Any:
    """What `solve_prepared` reads of a prepared scenario: the inputs, the notices and the
    catalog's products (their units); no names, no scenario, no candidate cells."""
    return SimpleNamespace(inputs=inputs, notices=[],
                           loaded=SimpleNamespace(catalog=SimpleNamespace(products={
                               p: SimpleNamespace(unit=unit) for p, unit in UNITS.items()})))


def refuse_full_diagnosis(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the search among every rule ran")

    monkeypatch.setattr(run, "explain_infeasibility", refuse)


def count_full_diagnosis(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return explain_infeasibility(*args, **kwargs)

    monkeypatch.setattr(run, "explain_infeasibility", counted)
    return calls


LAND_FINDING = ("capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can "
                "add at most 20 t/yr, short by 10 t/yr. Room per cluster: c1 10 t/yr (1 site); c2 10 t/yr (1 site). "
                "Relax the rules named, add sites or land, or set targets.strict: false")


def test_a_target_the_checks_find_out_of_reach_is_explained_without_the_full_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """1 ha at each site: 10 + 10 = 20 t/yr against 30, which the check finds. The target alone
    (land off) has a plan; with the land rules it has none, and the deletion filter over those 3
    rules keeps all 3, the conflict the full diagnosis finds (tests/test_explain.py
    `test_too_little_land_in_both_clusters`), with its least change. The message states the
    finding as the cause; the search among every rule never runs."""
    refuse_full_diagnosis(monkeypatch)
    with pytest.raises(InfeasiblePlan) as raised:
        run.solve_prepared(fake_prepared(strict(**land({"s1": 1.0, "s2": 1.0}))), SETTINGS, {})
    assert str(raised.value) == f"the plan is infeasible before solving:\n  - {LAND_FINDING}"
    assert raised.value.presolve == (LAND_FINDING,)
    assert raised.value.diagnosis.lines() == [
        HEAD3,
        TARGET.format(room=20),
        "  - c1's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p "
        "[layers.sites.usable_area_field]",
        "  - c2's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p "
        "[layers.sites.usable_area_field]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr",
    ]


def test_a_target_out_of_reach_alone_takes_four_solves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lead time 1 yr: no module of p produces by 2030, so the target conflicts alone. Solves:
    the target alone (infeasible), the filter's one trial without it (a plan), every other rule
    without it (a plan: dropping it alone makes a plan possible), the least change (30 t/yr).
    The full search would first solve all 3 rules and try dropping each."""
    refuse_full_diagnosis(monkeypatch)
    with pytest.raises(InfeasiblePlan) as raised:
        run.solve_prepared(fake_prepared(strict(lead_time_yr={"p": 1})), SETTINGS, {})
    diagnosis = raised.value.diagnosis
    assert [c.instance for c in diagnosis.conflicts] == [RuleInstance("capacity_target", ("P", 2030))]
    assert diagnosis.irreducible and diagnosis.plan_proven and diagnosis.each_drop_proven
    assert [c.relax_by for c in diagnosis.conflicts] == [30.0]
    assert diagnosis.solves == 4


def test_the_full_search_runs_when_the_checks_find_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sites in c1 with 2 ha each, c1 may open one: the land could take 40 t/yr, so the
    check finds nothing, but one site holds 20 < 30: the MIP is infeasible, and the search among
    every rule explains it."""
    calls = count_full_diagnosis(monkeypatch)
    inputs = strict(cluster_of_site={"s1": "c1", "s2": "c1"}, max_open_sites_per_cluster={"c1": 1},
                    **land({"s1": 2.0, "s2": 2.0}))
    with pytest.raises(InfeasiblePlan) as raised:
        run.solve_prepared(fake_prepared(inputs), SETTINGS, {})
    assert str(raised.value).startswith("the plan is infeasible: the rules cannot be met together.\n")
    assert calls == [1]


def test_the_full_search_runs_when_the_target_found_does_not_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding the model does not bear out (the checks replaced by one naming the P target of
    the default instance, which has a plan): neither the target alone nor with the land is
    infeasible, so the search among every rule runs, finds that a plan exists, and the MIP
    solves: 3 modules of p, 30 t/yr."""
    calls = count_full_diagnosis(monkeypatch)
    monkeypatch.setattr(run, "presolve_checks", lambda *_args: [
        (RuleInstance("capacity_target", ("P", 2030)), "capacity target P 2030: out of reach")])
    solved = run.solve_prepared(fake_prepared(strict()), SETTINGS, {})
    assert calls == [1]
    assert float(solved.plan.capacity["added_cumulative"].sum()) == 30.0


# --- the comparison's legend ---------------------------------------------------------------------


def test_the_legend_of_a_split_comparison_says_what_neither_has_a_plan_means() -> None:
    """Three runs without a plan, with labels long enough that the side-by-side table is wider
    than the terminal: the differences come in their own table under a legend, which gives
    "neither has a plan" with the other words."""
    labels = [f"{name}_with_a_label_long_enough_to_split_the_table_in_two" for name in ("first", "second", "third")]
    runs = [CaseSummary(label, ok=False, error="NoSolution: no plan within 1 s") for label in labels]
    table = comparison_table(runs)
    assert list(table.loc[table["metric"] == "status"].iloc[0, -2:]) == ["failed: no plan within 1 s", NO_PLANS]
    text = " ".join(comparison_text(table, runs, "comparison.csv").split())
    assert (f"Differences against the baseline, {labels[0]} (each run's value less the baseline's; \"same\" or "
            "\"changed\" for text; \"neither has a plan\" for the status where neither run has one):") in text
