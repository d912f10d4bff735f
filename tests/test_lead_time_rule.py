"""The one rule of lead times toward a target: a module added within the plan is decided at the
earliest in the plan's first year t0 and first produces in t0 + L (L: its product's lead time in
years), so it counts toward a target of year t when t0 + L <= t (siting/prepare/checks.py
`module_can_count`). The preprocess notice on the catalog (`lead_time_notices`) and the
diagnosis on the model's inputs (siting/optimize/explain.py `lead_time_blocked`) both state it
through that function, and so agree on every case.

The catalog side is a stand-in for a loaded scenario holding only what `lead_time_notices`
reads (years, target groups and capacity targets, each product's lead time); the model side is
the default two-site instance of tests/test_families.py with its years and lead times replaced.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_families import make_inputs

from siting.optimize.explain import lead_time_blocked
from siting.prepare.checks import lead_time_notices, module_can_count

TARGET_YEAR = 2024


def loaded(years: list[int], lead_times: dict[str, int], group: list[str]) -> Any:
    """A loaded scenario as `lead_time_notices` reads it: the plan's `years`, products with
    `lead_time_yr`, a target group G of the products `group` asking 10 units/yr in 2024, and a
    scenario file with no lines known (no locator), as a notice is headed by."""
    scenario = SimpleNamespace(years=years, targets=SimpleNamespace(groups={"G": group},
                                                                    capacity={"G": {TARGET_YEAR: 10.0}}))
    catalog = SimpleNamespace(products={p: SimpleNamespace(lead_time_yr=lead) for p, lead in lead_times.items()})
    return SimpleNamespace(scenario=scenario, catalog=catalog, scenario_path=Path("scenario.yaml"), locator=None,
                           at=lambda *keys: ("scenario.yaml", ".".join(str(k) for k in keys)))


@pytest.mark.parametrize(("first", "lead", "counts"), [
    (2024, 0, True),    # 2024 + 0 = 2024 <= 2024: decided and producing in the target's year
    (2024, 1, False),   # 2024 + 1 = 2025 > 2024
    (2023, 1, True),    # 2023 + 1 = 2024 <= 2024: the boundary
    (2022, 2, True),    # 2022 + 2 = 2024
    (2022, 3, False),   # 2022 + 3 = 2025
    (2021, 2, True),    # 2021 + 2 = 2023, a year early
])
def test_a_module_counts_when_the_first_year_plus_the_lead_time_reaches_the_target_year(
        first: int, lead: int, counts: bool) -> None:
    assert module_can_count(first, lead, TARGET_YEAR) is counts


@pytest.mark.parametrize("first", [2022, 2023, 2024])
@pytest.mark.parametrize("lead", [0, 1, 2, 3])
def test_the_notice_and_the_diagnosis_block_the_same_cases(first: int, lead: int) -> None:
    """One product p in group G, the plan over `first` .. 2024: both sides block p exactly when
    first + lead > 2024, i.e. (2022, 3), (2023, 2), (2023, 3), (2024, 1), (2024, 2), (2024, 3)."""
    blocked = (first, lead) in {(2022, 3), (2023, 2), (2023, 3), (2024, 1), (2024, 2), (2024, 3)}
    years = list(range(first, TARGET_YEAR + 1))
    inputs = make_inputs(YEARS=tuple(years), lead_time_yr={"p": lead})
    assert lead_time_blocked(inputs, ["p"], TARGET_YEAR) == (["p"] if blocked else [])
    notices = lead_time_notices(loaded(years, {"p": lead}, ["p"]))
    assert len(notices) == (1 if blocked else 0)


def test_a_group_is_noticed_only_when_no_member_can_count() -> None:
    """Group G = {a, b} over 2023 and 2024. Lead times 1 and 3: a decided in 2023 produces in
    2024 and counts, b (2026) does not; the diagnosis blocks b alone and no notice is given.
    Lead times 2 and 3: neither counts (2025, 2026); both are blocked, and the notice gives the
    earliest first production, 2023 + 2 = 2025, and the fixes: start in 2024 - 2 = 2022, or a
    lead time of 2024 - 2023 = 1 yr."""
    inputs = make_inputs(YEARS=(2023, 2024), lead_time_yr={"a": 1, "b": 3})
    assert lead_time_blocked(inputs, ["a", "b"], TARGET_YEAR) == ["b"]
    assert lead_time_notices(loaded([2023, 2024], {"a": 1, "b": 3}, ["a", "b"])) == []
    inputs = make_inputs(YEARS=(2023, 2024), lead_time_yr={"a": 2, "b": 3})
    assert lead_time_blocked(inputs, ["a", "b"], TARGET_YEAR) == ["a", "b"]
    assert lead_time_notices(loaded([2023, 2024], {"a": 2, "b": 3}, ["a", "b"])) == [
        "scenario.yaml: targets.capacity.G.2024 | no module of A and B added within the plan can count toward the "
        "2024 target (A: lead time 2 yr; B: lead time 3 yr; a module decided in 2023, the plan's first year, first "
        "produces in 2025 at the earliest): only existing and committed capacity can meet it; start the plan in "
        "2022 or earlier (years), or shorten lead_time_yr in the catalog to 1 yr"]
