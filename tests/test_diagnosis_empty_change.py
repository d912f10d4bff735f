"""The least change may make a plan possible that builds nothing: the diagnosis says so.

The two-site instance of tests/test_families.py with recycling product r (`with_recycling`),
a soft P target of 30 t/yr in 2030, and the red line over every site for every product: no
module may be built anywhere. One recycling demonstration of 20 t/yr is asked for. Its least
change is the demonstration rule (1 site fewer, or 20 t/yr smaller: weight 1, against 2 modules
into red-line land), and the plan it makes possible builds nothing, the P target short by all
of it: the change says so, with the setting it changes, on the terminal and in conflicts.md.
"""

from __future__ import annotations

from test_families import SETTINGS, SITES, with_recycling

from models.inputs import RecyclingDemo
from siting.deliver.explore import conflicts_markdown
from siting.optimize.explain import explain_infeasibility

UNITS = {"p": "t", "q": "t", "r": "t"}


def walled_in(**overrides: object):
    return with_recycling(
        capacity_target_units={("P", 2030): 30.0},
        REDLINE_EXCLUDED=frozenset((s, p) for s in SITES for p in ("p", "q", "r")),
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=1, max_sites=1), **overrides)


def test_a_change_whose_plan_builds_nothing_says_so_with_its_setting() -> None:
    diagnosis = explain_infeasibility(walled_in(), SETTINGS, UNITS)
    [change] = diagnosis.changes()
    assert change.instance.kind == "recycling_demo"
    lines = diagnosis.lines()
    said = "\n".join(lines)
    assert "constraints.recycling_demo." in change.change  # the setting it changes, as the rules give theirs
    assert "constraints.recycling_demo.enabled=false" in change.change
    assert "1 demonstration site fewer than the least number asked [constraints.recycling_demo.min_sites=0]" in (
        change.change)
    assert "with this change a plan exists, but it builds nothing" in said
    assert "the P target for 2030 short by 30 t/yr" in said
    assert "penalised, not met" in said
    assert "constraints.redline.buffer_m" in diagnosis.change_outcome  # the rule kept that holds it back
    report = conflicts_markdown(diagnosis, "small", (), "")
    assert "With this change a plan exists, but it builds nothing" in report
    assert "the P target for 2030 short by 30 t/yr" in report


def test_a_change_whose_plan_meets_the_targets_adds_no_warning() -> None:
    """No red line; 2 ha a site (20 t/yr of r at most) and one demonstration of 30 t/yr asked
    for: the least change finds 1 ha more land (weight 1/2, against 10 t/yr of demonstration
    size, whose row's right-hand side is 0: weight 1 a unit), and the plan closest to the targets
    under it builds p and meets the P target of 10 t/yr: no word of a shortfall."""
    inputs = with_recycling(
        capacity_target_units={("P", 2030): 10.0},
        site_land_ha={"s1": 2.0, "s2": 2.0},
        land_after_redline_ha={(s, p): 2.0 for s in SITES for p in ("p", "q", "r")},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=30.0, min_sites=1, max_sites=1))
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert [c.change for c in diagnosis.changes()] == ["find 1 ha more usable land in c2"]
    assert diagnosis.change_outcome == ""
    assert "builds nothing" not in "\n".join(diagnosis.lines())
