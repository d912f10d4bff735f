"""A Python set (or frozenset) has no order, and its order of iteration changes from one process
to the next (texts are hashed with a random seed): as sweep values it would change which run comes
first (the run whose plan starts the others, and the table's order), as compare's paths which run
is the baseline, as overrides the order they are applied in. Refused with the fix (a list), before
any run; nothing is solved here.
"""

from __future__ import annotations

import pytest


def test_sweep_values_given_as_a_set_are_refused() -> None:
    from siting import InputError
    from siting.api import sweep_settings

    with pytest.raises(InputError) as caught:
        sweep_settings({"price_path": {"observed", "flat_2024"}})
    (problem,) = caught.value.problems
    assert problem.startswith("settings price_path | must be a list, in the order to run (the first run's plan "
                              "starts the others) (got a set")
    assert problem.endswith("give a list, e.g. ['flat_2024', 'observed']")


def test_overrides_given_as_a_set_are_refused() -> None:
    from siting import InputError
    from siting.api import override_pairs

    with pytest.raises(InputError) as caught:
        override_pairs({"constraints.redline.buffer_m=1000", "solver.rel_gap=0.02"})
    assert caught.value.problems[0].startswith("overrides | must be a list, in the order to apply (got a set")


def test_compare_paths_given_as_a_set_are_refused() -> None:
    import siting

    with pytest.raises(siting.InputError) as caught:
        siting.compare({"a.yaml", "b.yaml"})
    assert caught.value.problems[0].startswith("paths | must be a list, the first the baseline (got a set")
