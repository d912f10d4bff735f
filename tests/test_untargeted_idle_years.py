""""Capacity added without a target" gives the use of the added capacity in every year it is
online: the years it is used in full, and the years capacity stands idle, how much and why
(stranded.csv's reason), not the full years alone, which read as if it were used in full
throughout.

Instance (tests/test_families.py, two years 2030 and 2031, discount factors 1): no capacity
target; q modules, 10 units/yr, cost 2 bn yuan (lifetime 1 year, rate 0: 2 bn yuan a year
online); q sells at 0.5 bn yuan a unit, at most 20 units in 2030 and 10 in 2031. Two q modules
decided in 2030 (one at each site) sell 20 units in 2030 and 10 in 2031, 15 bn, for 8 bn of
annuities: -7 bn (a single module: 10 - 4 = -6). In 2031 10 units/yr stand idle, held back by
q's sales cap (stranded.csv: market).
"""

from __future__ import annotations

from test_binding_rules_families import plan_of
from test_drivers_followups import BN, priced_modules
from test_families import Y1, Y2, two_years
from test_untargeted_builds import explained, section

from siting.deliver.report import markdown

UNITS = {"p": "t", "q": "t"}


def test_the_years_capacity_stands_idle_are_named_with_their_reason() -> None:
    inputs = two_years(MODULES=priced_modules(1 * BN, 2 * BN), capacity_target_units={},
                       price_yuan_per_unit={("q", Y1): 0.5 * BN, ("q", Y2): 0.5 * BN},
                       sales_cap_units={("q", Y1): 20.0, ("q", Y2): 10.0})
    assert plan_of(inputs, -7 * BN).stranded[["product", "year", "idle", "reason"]].values.tolist() == [
        ["q", Y2, 10.0, "market"]]
    text = markdown(section(explained(inputs, -7 * BN), "Capacity added without a target"))
    assert ("- its capacity is used in full in 2030 (20 t/yr made): all its usable capacity allows; 10 t/yr of its "
            "usable capacity stands idle in 2031 (10 t/yr made), held back by its sales cap (stranded.csv)\n") in text
