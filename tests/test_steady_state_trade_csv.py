"""The steady state's trade and flows as files: with `objective.years_after_horizon` N > 0 the
objective counts a year T + 1 for the N years after the horizon, and the run writes its trade and
flows (steady_state_trade.csv, steady_state_product_flows.csv, steady_state_raw_imports.csv,
steady_state_flows.csv, siting/deliver/tables.py `steady_state_tables`), so that each cost line
of costs.csv that the flows make (raw material at sources, imports, transport, sales) is the
written tables' figures times the year weights of manifest.json, the steady state's included.

tests/data/small solved with N = 2 (2023-2024, the steady-state year 2025 stands for 2025-2026),
discount rate 0.1: weights 1 (2023), 1/1.1 (2024) and (1.1^-1 + 1.1^-2) / 1.1 = 1.5778 (2025).
West mine park stands 3.0 km from its phosphate source (2 t of rock per t of FePO4 at 100
yuan/t, 1,000,000 t/yr of supply, against 300 yuan/t imported): no rock is imported in any year.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

SMALL = Path(__file__).parent / "data" / "small"
STEADY_FILES = ("steady_state_trade.csv", "steady_state_product_flows.csv", "steady_state_raw_imports.csv",
                "steady_state_flows.csv")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The small scenario solved with 2 years after the horizon, and the folder its `write` made."""
    import siting

    problem = siting.load(SMALL / "scenario.yaml", overrides={"objective.years_after_horizon": 2})
    solution = siting.solve(problem)
    return solution, solution.write(tmp_path_factory.mktemp("steady_trade") / "out")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_steady_state_trade_and_flows_are_written(run) -> None:
    """The four files are written, listed in the manifest, and hold the steady-state year 2025
    with the years it stands for; they keep the columns of trade.csv, product_flows.csv and
    raw_imports.csv, with `stands_for` after `year`."""
    _solution, out = run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name in STEADY_FILES:
        assert (out / name).is_file(), name
        assert name in manifest["files"], name
    plan_header = (out / "trade.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    at = plan_header.index("year") + 1
    header = (out / "steady_state_trade.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [*plan_header[:at], "stands_for", *plan_header[at:]]
    assert (out / "steady_state_flows.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "source,site,resource,unit,year,stands_for,tonnes,km")
    trade = rows(out / "steady_state_trade.csv")
    assert trade and {(r["year"], r["stands_for"]) for r in trade} == {("2025", "2025-2026")}
    flows = rows(out / "steady_state_flows.csv")
    assert [(r["source"], r["site"], r["resource"], r["unit"]) for r in flows] == [
        ("rock_w", "w_mine", "phosphate_rock", "t/yr")]
    assert float(flows[0]["km"]) == pytest.approx(3.0016, abs=1e-4)  # the geodesic, detour factor 1


def test_the_cost_lines_of_the_flows_are_the_written_tables_weighted(run) -> None:
    """Raw material at sources, imports, transport and sales in costs.csv equal the written
    tables (the plan's years and the steady state's) at the catalog's prices and the freight
    rate, weighted by manifest.json's year weights, to the 9 significant digits the files keep:
    nothing the objective counts is missing from the files."""
    import yaml

    _solution, out = run
    catalog = yaml.safe_load((SMALL / "catalog.yaml").read_text(encoding="utf-8"))
    products, rock_price = catalog["products"], catalog["resources"]["phosphate_rock"]["price_yuan_per_t"]
    rate = 0.5  # constraints.supply.transport_yuan_per_t_km
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    weight = {int(t): w for t, w in manifest["objective_weighting"]["year_weight"].items()}
    assert weight[2025] == pytest.approx((1.1 ** -1 + 1.1 ** -2) / 1.1)
    costs = {r["component"]: float(r["cost_bn_yuan"]) * 1e9 for r in rows(out / "costs.csv")}

    def price(product: str, year: int) -> float:
        return float(products[product]["price_yuan_per_unit"]["base"][min(year, 2024)])

    sales = imports = 0.0
    for name in ("trade.csv", "steady_state_trade.csv"):
        for r in rows(out / name):
            year = int(r["year"])
            sales += weight[year] * price(r["product"], year) * float(r["sales"])
            premium = products[r["product"]].get("import_premium_share") or 0.0
            imports += weight[year] * price(r["product"], year) * (1 + premium) * float(r["imports"])
    assert not rows(out / "raw_imports.csv") and not rows(out / "steady_state_raw_imports.csv")

    resources = transport = 0.0
    steady = rows(out / "steady_state_flows.csv")
    km = {(r["source"], r["site"]): float(r["km"]) for r in steady}  # to 9 digits; flows.geojson's to 0.1 km
    layer = json.loads((out / "flows.geojson").read_text(encoding="utf-8"))["features"]
    shipped = [(int(k.removeprefix("tonnes_")), float(v), km[(f["properties"]["source"], f["properties"]["site"])])
               for f in layer for k, v in f["properties"].items() if k.startswith("tonnes_")]
    shipped += [(int(r["year"]), float(r["tonnes"]), float(r["km"])) for r in steady]
    for year, tonnes, arc_km in shipped:
        resources += weight[year] * rock_price * tonnes
        transport += weight[year] * rate * tonnes * arc_km
    for name in ("product_flows.csv", "steady_state_product_flows.csv"):
        for r in rows(out / name):
            tonnes_per_unit = products[r["product"]].get("transport_t_per_unit", 0.0)
            transport += weight[int(r["year"])] * rate * tonnes_per_unit * float(r["units"]) * float(r["km"])
    assert costs["sales"] == pytest.approx(-sales, rel=2e-8, abs=1.0)
    assert costs["imports"] == pytest.approx(imports, rel=2e-8, abs=1.0)
    assert costs["resources"] == pytest.approx(resources, rel=2e-8, abs=1.0)
    assert costs["transport"] == pytest.approx(transport, rel=2e-8, abs=1.0)
