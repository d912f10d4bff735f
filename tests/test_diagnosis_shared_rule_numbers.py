"""A rule that two conflicts hold has one number: in conflicts.md's table (listed under each
conflict), in the layers and on the map, so the numbers run 1 to the count of distinct rules
that the headline gives ("3 rules in all")."""

from __future__ import annotations

from siting.deliver.explore import conflicts_markdown
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance


def overlapping() -> Diagnosis:
    """Two conflicts sharing the P target: {land of c1, target} and {land of c2, target}."""
    target = RuleInstance("capacity_target", ("P", 2030))
    rules = [(1, RuleInstance("land", ("c1",)), "c1's land", "layers.sites.usable_area_field"),
             (1, target, "the P target", "targets.capacity.P.2030"),
             (2, RuleInstance("land", ("c2",)), "c2's land", "layers.sites.usable_area_field"),
             (2, target, "the P target", "targets.capacity.P.2030")]
    return Diagnosis(conflicts=tuple(Conflict(instance=i, sentence=s, setting=k, group=g) for g, i, s, k in rules),
                     irreducible=True)


def test_a_shared_rule_keeps_its_one_number() -> None:
    diagnosis = overlapping()
    assert [n for n, _c in diagnosis.numbered()] == [1, 2, 3, 2]
    report = conflicts_markdown(diagnosis, "small", (), "")
    assert report.startswith("# Why small has no plan\n\n2 conflicts, 3 rules in all;")
    assert "| 1 | 1 | c1's land | `layers.sites.usable_area_field` |" in report
    assert "| 2 | 1 (shared with conflict 2) | the P target | `targets.capacity.P.2030` |" in report
    assert "| 3 | 2 | c2's land | `layers.sites.usable_area_field` |" in report
    assert "| 2 | 2 (shared with conflict 1) | the P target | `targets.capacity.P.2030` |" in report
    assert "| 4 |" not in report


def test_a_shared_rule_s_places_carry_its_one_number(folder) -> None:
    """tests/data/small: the West cluster's value share (sites w_lake, w_mine) in both conflicts,
    with East's in the second. The layers hold the shared rule's places once, numbered 1; the
    map's labels read "(1)" for the West sites and "(1, 2)" for none."""
    from siting.deliver.explore import _point_labels, conflict_layers
    from siting.prepare.problem import prepare, redline_settings

    small = prepare(folder / "scenario.yaml", {})
    west = Conflict(RuleInstance("cluster_value_share", ("west",)), "West must take 20%", "x",
                    clusters=("west",), sites=("w_lake", "w_mine"))
    east = Conflict(RuleInstance("cluster_value_share", ("east",)), "East must take 20%", "y",
                    clusters=("east",), sites=("e_city",), group=2)
    diagnosis = Diagnosis((west, east, Conflict(**{**west.__dict__, "group": 2})), irreducible=True)
    areas, points = conflict_layers(diagnosis, small.spatial, redline_settings(small.loaded), small.names)
    assert sorted(points.frame["rule"].tolist()) == [1, 1, 2]
    assert len(set(points.frame["id"])) == len(points.frame)
    assert sorted(areas.frame["rule"].tolist()) == [1, 2]
    labels = sorted(text for _x, _y, text, _id, _n in _point_labels(points.frame))
    assert all(text.endswith(("(1)", "(2)")) for text in labels), labels
