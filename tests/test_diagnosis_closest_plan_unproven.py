"""The plan closest to the targets under the least change is a claim of a solve: where that solve
stopped at its time limit (the diagnosis gives it at least a second once its own time is up), the
plan it found is not proven the closest, and the change does not say that even the closest plan
builds nothing or falls short: a plan nearer the targets may exist under the same change.

Instance as tests/test_diagnosis_empty_change.py `walled_in`."""

from __future__ import annotations

import dataclasses

from test_diagnosis_empty_change import UNITS, walled_in
from test_families import SETTINGS

from siting.optimize import explain
from siting.optimize.explain import explain_infeasibility


def test_a_closest_plan_not_proven_is_not_called_the_closest(monkeypatch) -> None:
    original = explain.ElasticModel.closest_plan

    def stopped(self, bound, limit_s=None):
        found = original(self, bound, limit_s)
        if found is None:
            return None
        report, built, short = found
        return dataclasses.replace(report, proven_optimal=False, termination="maxTimeLimit"), built, short

    monkeypatch.setattr(explain.ElasticModel, "closest_plan", stopped)
    diagnosis = explain_infeasibility(walled_in(), SETTINGS, UNITS)
    said = diagnosis.change_outcome
    assert "even the plan closest" not in said
    assert "not proven" in said
    assert "the P target for 2030 short by 30 t/yr" in said


def test_a_proven_closest_plan_keeps_its_words() -> None:
    said = explain_infeasibility(walled_in(), SETTINGS, UNITS).change_outcome
    assert "even the plan closest to the targets leaves" in said and "not proven" not in said
