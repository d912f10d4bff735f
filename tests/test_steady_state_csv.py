"""steady_state.csv and `Solution.steady_state`: the steady state after the horizon
(objective.years_after_horizon N > 0, `Plan.steady_state`) readable by a program, on
tests/data/small solved with N = 3 (2023-2024: the steady-state year 2025 stands for 2025-2027),
with the late committed LFP projects of tests/test_steady_state_report.py (e_city's committed LFP
capacity 410,000 t/yr in the steady state, with its 20,000 t/yr existing: 430,000 t/yr) and an
LFP utilisation of 0.9 (e_city's usable LFP capacity 387,000 t/yr), so that the fepo4 the
province makes leaves LFP capacity idle for want of feedstock.

steady_state.csv has one row per site and product of the steady state's capacity: site, cluster,
product, unit, year (2025), stands_for ("2025-2027"), available, usable (utilisation x
available), production, idle (usable - production) and the reason of the idle capacity, as
stranded.csv gives it (empty where none is idle). It is written only with a steady state, through
the same write as the other files (listed in the manifest with its SHA-256).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_steady_state_report import LATE_PROJECTS

SMALL = Path(__file__).parent / "data" / "small"

HEADER = ["site", "cluster", "product", "unit", "year", "stands_for", "available", "usable", "production", "idle",
          "reason"]


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The small scenario with the late projects and LFP's utilisation 0.9, solved with 3 years
    after the horizon, in Python, and the folder its `write` made."""
    import siting

    folder = tmp_path_factory.mktemp("steady_csv")
    shutil.copytree(SMALL, folder / "small")
    projects = folder / "small" / "committed_projects.yaml"
    projects.write_text(projects.read_text(encoding="utf-8") + LATE_PROJECTS, encoding="utf-8")
    catalog = folder / "small" / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    lfp = text.index("  lfp:\n")
    catalog.write_text(text[:lfp] + text[lfp:].replace("utilisation: 1.0", "utilisation: 0.9", 1), encoding="utf-8")
    problem = siting.load(folder / "small" / "scenario.yaml", overrides={"objective.years_after_horizon": 3})
    solution = siting.solve(problem)
    return solution, solution.write(folder / "out")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_holds_the_steady_state_rows_of_the_plan(steady) -> None:
    """One row per row of `Plan.steady_state.capacity`, in its order, with its exact figures:
    usable is utilisation x available (as stranded.csv counts it), idle and its reason those of the
    steady state's stranded rows, 0 and empty where none is idle; usable - production == idle."""
    solution, out = steady
    state = solution.result.steady_state
    assert state is not None and state.year == 2025 and state.years_after_horizon == 3
    text = (out / "steady_state.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(HEADER)
    rows = rows_of(text)
    capacity = state.capacity
    assert len(rows) == len(capacity) > 0
    catalog = solution.problem.prepared.loaded.catalog
    stranded = {(r.site, r.product): r for r in state.stranded.itertuples(index=False)}
    assert stranded, "the steady state of this plan leaves some capacity idle"
    for row, want in zip(rows, capacity.itertuples(index=False), strict=True):
        assert [row["site"], row["cluster"], row["product"], row["year"], row["stands_for"]] == [
            want.site, want.cluster, want.product, "2025", "2025-2027"]
        assert row["unit"] == f"{catalog.products[want.product].unit}/yr"
        assert float(row["available"]) == float(want.available)
        assert float(row["production"]) == float(want.production)
        usable = float(row["usable"])
        assert usable == pytest.approx(catalog.products[want.product].utilisation * float(want.available),
                                       rel=1e-9, abs=1e-9)
        idle = stranded.get((want.site, want.product))
        if idle is not None:
            assert (usable, float(row["idle"]), row["reason"]) == (idle.usable, idle.idle, idle.reason)
        else:
            assert row["reason"] == "" and float(row["idle"]) == pytest.approx(0.0, abs=1e-6 * max(1.0, usable))
        assert usable - float(row["production"]) == pytest.approx(float(row["idle"]), rel=1e-8, abs=1e-6)
    assert {(r["site"], r["product"]) for r in rows if r["reason"]} == set(stranded)
    e_city = next(r for r in rows if (r["site"], r["product"]) == ("e_city", "lfp"))
    assert (e_city["unit"], e_city["available"], e_city["usable"]) == ("t/yr", "430000", "387000")


def test_the_csv_is_listed_in_the_manifest_and_the_report(steady) -> None:
    """Written with the other files: in the manifest's `files` and `file_sha256` (its bytes), and
    in the report's list of files."""
    _solution, out = steady
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "steady_state.csv" in manifest["files"]
    assert manifest["file_sha256"]["steady_state.csv"] == hashlib.sha256(
        (out / "steady_state.csv").read_bytes()).hexdigest()
    assert "`steady_state.csv`" in (out / "report.md").read_text(encoding="utf-8")


def test_the_csv_is_the_same_bytes_at_every_export(steady) -> None:
    solution, out = steady
    again = solution.files()["steady_state.csv"]
    assert again.encode("utf-8") == (out / "steady_state.csv").read_bytes()


def test_solution_gives_the_steady_state(steady) -> None:
    """`Solution.steady_state`: the year, N and the tables of the plan's steady state, as copies."""
    solution, _out = steady
    state = solution.steady_state
    assert state is not None
    assert (state.year, state.years_after_horizon) == (2025, 3)
    own = solution.result.steady_state
    for name in ("capacity", "trade", "stranded", "raw_imports", "flows", "product_flows"):
        assert getattr(state, name).equals(getattr(own, name)), name
    assert set(state.capacity["year"]) == {2025}
    state.capacity.loc[:, "production"] = -1.0
    assert (solution.result.steady_state.capacity["production"] >= 0).all()


def test_no_steady_state_no_csv(small_run) -> None:
    """Without years after the horizon (the small scenario as it is): no steady_state.csv, in the
    folder or the manifest."""
    assert not (small_run.out / "steady_state.csv").exists()
    manifest = json.loads((small_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert "steady_state.csv" not in manifest["files"]
    assert "steady_state.csv" not in (small_run.out / "report.md").read_text(encoding="utf-8")


def test_solution_without_steady_state_gives_none(tmp_path: Path) -> None:
    import siting

    shutil.copytree(SMALL, tmp_path / "small")
    assert siting.solve(tmp_path / "small" / "scenario.yaml").steady_state is None
