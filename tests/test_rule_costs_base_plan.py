"""rule_costs.md names the base plan every rule's cost is measured from: its objective, the gap it
is proven within with its bound, and the sites it adds capacity at, as the manifest and plan.csv
of the same folder give them; and says a base solve with other settings may end on another plan
within its gap. Without it, a reader comparing with another run's plan (other threads, seed or
gap) could not tell the two bases apart."""

from __future__ import annotations

import json

from siting.deliver.report import bn_yuan
from tests.conftest import MadeRun


def test_rule_costs_md_names_the_base_plan(small_rule_costs_run: MadeRun) -> None:
    run = small_rule_costs_run
    solver = json.loads((run.out / "manifest.json").read_text(encoding="utf-8"))["solver"]
    text = (run.out / "rule_costs.md").read_text(encoding="utf-8")
    objective, bound, gap = solver["objective_yuan"], solver["best_bound_yuan"], solver["gap"]
    assert (f"Base plan, from which each rule's cost is measured (this folder's plan.csv): {bn_yuan(objective)} "
            f"bn yuan, proven within {gap * 100:.2f} % (best bound {bn_yuan(bound)} bn yuan); it adds capacity "
            "at ") in text
    assert ("A base solve with other settings (gap, threads, random seed) may end on another plan within its gap, "
            "and measure the rule costs from that one.") in text
    plan_sites = {line.split(",")[0] for line in (run.out / "plan.csv").read_text(encoding="utf-8").splitlines()[1:]}
    base_line = next(line for line in text.splitlines() if line.startswith("Base plan"))
    named = base_line.split("it adds capacity at ", 1)[1].split(" (", 1)[0].split("; ")
    assert len(named) == len(plan_sites) > 0


def test_rule_costs_md_says_which_families_it_prices(small_rule_costs_run: MadeRun) -> None:
    """The note names the families priced (on in the scenario), those of --rule-costs the scenario
    has off, and those --rule-costs never relaxes, by id, as the table's `rule` column names them."""
    run = small_rule_costs_run
    text = (run.out / "rule_costs.md").read_text(encoding="utf-8")
    rules = [line.split("|")[1].strip() for line in text.splitlines()[2:] if line.startswith("| ")]
    assert f"Priced: {', '.join(rules)}." in text
    assert ("Never priced by --rule-costs: targets, output_value, land, supply, recycling_demo, utilisation."
            in text)
    off = text.split("Off in this scenario, so not priced: ", 1)[1].split(".", 1)[0].split(", ") \
        if "Off in this scenario" in text else []
    assert not set(off) & set(rules)
    assert set(off) | set(rules) == {"redline", "proximity", "differentiation", "agglomeration", "budget",
                                     "chain_balance", "market", "build_rate"}
