"""Ceiling rounding rows (models/ceiling_rounding.py) on a model where a site count is fixed: a
fixed x[s,p,m,t] leaves its count's link row as n - sum(free x) = c, so n is not the sum of the
site counts the ceiling row holds, and a row stated on n would count c twice.

Instance `ceiling_case(2.5)` of tests/test_families.py with the clusters merged (c1 holds s1 and
s2): ceiling 25 units of p, modules of 10. With x[s1] fixed to 1, x[s2] may still be 1 (20 <= 25),
a plan with n = 2; a row n <= 1 (25 - 10 rounded on n) would cut it.
"""

from __future__ import annotations

import dataclasses

import pyomo.environ as pyo
from test_families import P10, Y1, ceiling_case

from models import build_model
from models.ceiling_rounding import add_ceiling_rounding
from models.counts import add_module_counts


def test_a_fixed_site_count_gives_no_row_that_cuts_its_plans() -> None:
    inputs = dataclasses.replace(ceiling_case(2.5), CLUSTERS=("c1",), cluster_of_site={"s1": "c1", "s2": "c1"})
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    model.build["s1", "p", P10.module_id, Y1].fix(1)
    model.build["s2", "p", P10.module_id, Y1].value = 1
    model.module_count["c1", P10.module_id, Y1].value = 2
    assert pyo.value(model.capacity_ceiling["P"].body) <= pyo.value(model.capacity_ceiling["P"].upper)
    add_ceiling_rounding(model)
    for key in model.CEILING_ROUNDING:
        row = model.ceiling_rounding[key]
        assert pyo.value(row.body) <= pyo.value(row.upper) + 1e-9, (key, str(row.body), pyo.value(row.upper))
