"""A notebook's `Batch` says which changes the run's own rules force. comparison.md marks such a
site "forced" and diff.geojson has a `forced` field, but the table `siting.compare` and
`siting.sweep` return (comparison.csv's, by id) names the sites dropped without the mark, and
without `out=` there is no diff.geojson to read: `Batch.forced` gives, per compared run, the
sites where its rules rule out the baseline's plan (`forced_change`), as diff.geojson does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import siting
from siting.runs.pool import CaseSummary


def summary(label: str, kept_out: tuple[tuple[str, str], ...], land: dict[str, float],
            added: dict[str, dict[str, float]], ok: bool = True) -> CaseSummary:
    return CaseSummary(label, ok, status="optimal" if ok else "infeasible", objective_yuan=-20e9 if ok else None,
                       best_bound_yuan=-20.4e9 if ok else None, gap=0.02 if ok else None, final_year=2024,
                       sites_opened=tuple(added), site_added=added,
                       excluded_pairs={"red line": len(kept_out), "proximity": 0},
                       kept_out={"red line": kept_out, "proximity": ()}, land_free_ha=land,
                       units={"lfp": "t", "cells": "GWh"})


def test_forced_names_the_sites_the_runs_rules_rule_out(tmp_path: Path) -> None:
    base = summary("base", (), {"a": 50.0, "b": 40.0, "c": 40.0}, {"a": {"cells": 10.0}, "b": {"lfp": 1000.0}})
    # cells kept out of a: forced; b's lfp moved to c on land that shrank but still takes it: not forced
    strict = summary("strict", (("a", "cells"),), {"a": 50.0, "b": 12.0, "c": 40.0}, {"c": {"lfp": 1000.0}})
    # no land left at b, where the baseline built lfp: forced
    bare = summary("bare", (), {"a": 50.0, "b": 0.0, "c": 40.0}, {"a": {"cells": 10.0}, "c": {"lfp": 1000.0}})
    failed = summary("failed", (), {}, {}, ok=False)
    batch = siting.Batch(pd.DataFrame(), (base, strict, bare, failed), None)
    assert batch.forced == {"strict": ("a",), "bare": ("b",), "failed": ()}


def test_one_run_forces_nothing() -> None:
    base = summary("base", (), {"a": 50.0}, {"a": {"cells": 10.0}})
    assert siting.Batch(pd.DataFrame(), (base,), None).forced == {}
