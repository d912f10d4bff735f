"""What compare, sweep, rule costs and the manifest call the sites a plan builds on, what a sweep's
capacity columns count, and how `siting.compare` without `out` refuses a scenario name too long
for a run's folder.

- A plan builds on the sites where it adds capacity; some of them may be open already (existing
  or committed plants), so the tables and the manifest say "sites built on", as the terminal and
  the report do, not "sites opened" (which the agglomeration rule's opening of a new site means).
- A sweep's `capacity_<group>_<unit>_per_yr` is the group's capacity in the final year, existing,
  committed and added: all of it online then, as the capacity targets count it, since a module is
  decided no later than its lead time lets it produce in the final year.
- `siting.compare` without `out` writes its runs in a temporary folder; a scenario name too long
  for a run's folder there is refused naming the scenario, not that folder's path.

The small scenario of tests/data/small builds at w_mine, e_city and e_far (tests/test_api.py
derives the plan by hand); e_city has plants already.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import siting
from siting.config.errors import InputError
from siting.config.load import name_max
from siting.optimize.relax import RULE_COST_NOTE
from siting.runs.pool import CaseSummary, summarise
from siting.runs.tables import comparison_csv, comparison_table, sweep_table
from tests.conftest import SMALL, MadeRun


def run(label: str, sites: tuple[str, ...]) -> CaseSummary:
    """A solved run building on `sites`, with a cathode group of 300,000 t/yr."""
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=10e9, gap=0.0, final_year=2024,
                       capacity={"west": {"lfp": 300_000.0}}, group_capacity={"cathode": 300_000.0},
                       units={"lfp": "t", "cathode": "t"}, sites_opened=sites)


def test_the_manifest_lists_the_sites_built_on(small_run: MadeRun) -> None:
    """All three sites the small plan adds capacity at, e_city (open already) among them, in the
    plan's order, under `sites_built_on`."""
    manifest = json.loads((small_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sites_built_on"] == ["w_mine", "e_city", "e_far"]
    assert "sites_opened" not in manifest


def test_the_comparison_counts_the_sites_built_on() -> None:
    """a builds on one site, b on two: the row says "sites built on", with b's one more."""
    lines = comparison_csv(comparison_table([run("a", ("s1",)), run("b", ("s1", "s2"))])).splitlines()
    assert "sites built on,count,1,2,1" in lines
    assert not any(line.startswith("sites opened") for line in lines)


def test_the_sweep_counts_the_sites_built_on() -> None:
    table = sweep_table([run("run01", ("s1",)), run("run02", ("s1", "s2"))], [{"x": 0}, {"x": 1}])
    assert list(table.columns)[-2:] == ["sites_built_on", "capacity_cathode_t_per_yr"]
    assert list(table["sites_built_on"]) == [1, 2]


def test_the_rule_costs_note_says_what_sites_added_and_dropped_are() -> None:
    """A dropped site is one where only the base plan adds capacity: its existing and committed
    plants stand in both plans, so it is not abandoned. (What follows, that the sites are those of
    one plan among several, tests/test_rule_cost_caveats.py checks.)"""
    assert RULE_COST_NOTE.count(
        " sites_added names the sites where the plan with the rule relaxed adds capacity and the base plan adds "
        "none, sites_dropped those where the base plan adds capacity and the plan with the rule relaxed adds none. "
        "Existing and committed plants stand in both plans: a site in either column may hold some (it is open "
        "already), and a dropped site keeps them; only the capacity the base plan adds there is not added.") == 1


def test_the_sweeps_capacity_is_what_the_targets_count(tmp_path: Path) -> None:
    """Cells take a year from decision to production (lead time 1), sell at most 8 GWh in 2024, and
    must stand at two demonstration sites of at least 10 GWh each; the target is 10 GWh in 2024.
    The first module gives 8 GWh in 2024 (ramp-up 0.8), all sold; the second stands idle, so it
    would cost one annuity less decided in 2024, but a module decided in 2024 would not produce
    within the plan (2024 + 1 > 2024) and may not be decided then: both are decided in 2023 and
    online in 2024, 20 GWh. The sweep's figure (the run's summary) is the 20 GWh/yr the targets
    count; cathode likewise 280,000 t/yr (LFP has no lead time)."""
    folder = shutil.copytree(SMALL, tmp_path / "small")
    catalog = folder / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    assert text.count("sales_cap_units: {2024: 50}") == 1
    catalog.write_text(text.replace("sales_cap_units: {2024: 50}", "sales_cap_units: {2024: 8}"), encoding="utf-8")
    scenario = folder / "demo.yaml"
    scenario.write_text("extends: scenario.yaml\nname: demo\nconstraints:\n"
                        "  recycling_demo: {product: cells, min_size: 10, min_sites: 2, max_sites: 2}\n",
                        encoding="utf-8")
    solution = siting.solve(scenario)
    plan = solution.result
    cells = plan.builds.loc[plan.builds["product"] == "cells"]
    assert (sorted(cells["site"]), set(cells["year"])) == (["e_city", "e_far"], {2023})
    production = plan.capacity.loc[(plan.capacity["product"] == "cells") & (plan.capacity["year"] == 2024)]
    assert sorted(production["production"]) == [0.0, 8.0]
    summary = summarise("run01", SimpleNamespace(plan=plan, prepared=solution.problem.prepared,
                                                 report=solution.report, model_size=solution.model_size,
                                                 out_dir="", timings={}))
    achieved = {str(r.target): float(r.achieved) for r in plan.targets.itertuples()}
    assert summary.group_capacity == achieved == {"cathode": 280_000.0, "cells": 20.0}


def long_named(folder: Path, length: int) -> Path:
    """A copy of the scenario whose `name` (line 1) is `length` letters a."""
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    assert text.startswith("name: small\n")
    path = folder / "long.yaml"
    path.write_text(text.replace("name: small\n", f"name: {'a' * length}\n", 1), encoding="utf-8")
    return path


def test_compare_with_out_refuses_a_long_name_naming_the_scenario_and_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 letters: the run's folder would be 300 bytes, its cross-start folder `.<name>.cross`
    307, beyond what the file system of the comparison folder allows (255 on common ones: at most
    248 letters). The refusal names the scenario's file and `name`, and the folder. (Without `out`
    no run's folder is written, and the name is taken: tests/test_batch_in_memory_writes_nothing.py.)"""
    folder = shutil.copytree(SMALL, tmp_path / "small")
    monkeypatch.chdir(folder)
    monkeypatch.setattr("siting.runs.batch.run_cases", lambda *_a, **_k: pytest.fail("a refused batch ran a case"))
    long_named(folder, 300)
    most = name_max(folder)
    with pytest.raises(InputError) as refused:
        siting.compare(["long.yaml", "scenario.yaml"], out="cmp")
    assert refused.value.problems == [
        "long.yaml:1: name | is too long for the name of a run's folder: compare names each run's folder after its "
        "scenario (300 bytes here, and 307 for .<name>.cross, the folder of its cross-start solve), and the file "
        f"system of the comparison folder (the current folder) allows at most {most} bytes "
        f"(got aaaaaaaaaaaaaaaaaaaa...aaaaaaaaaa, 300 characters); give the scenario a name of at most "
        f"{300 - (307 - most)} characters"]
    assert not (folder / "cmp").exists()
