"""The CSV tables per site (plan.csv, capacity.csv, stranded.csv) give each row's unit in the same
place: right after the product it is the unit of, then the year."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from siting.deliver.tables import plan_tables
from siting.optimize.results import BUILD_COLUMNS, CAPACITY_COLUMNS, STRANDED_COLUMNS, Plan


def one_site_plan() -> Plan:
    """Site s1 (cluster c1) adds one 10 GWh/yr cells module in 2030 for 5 yuan and makes 4 GWh
    of its 10 GWh usable: 6 GWh idle (60 %) because the market is full."""
    builds = pd.DataFrame([("s1", "c1", "cells", 2030, "cells_10", 1, 10.0, 5.0)], columns=BUILD_COLUMNS)
    capacity = pd.DataFrame([("s1", "c1", "cells", 2030, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0, 4.0)],
                            columns=CAPACITY_COLUMNS)
    stranded = pd.DataFrame([("s1", "c1", "cells", 2030, 10.0, 4.0, 6.0, 0.6, "market")], columns=STRANDED_COLUMNS)
    return Plan(builds=builds, capacity=capacity, flows=pd.DataFrame(), costs={}, targets=pd.DataFrame(
        columns=["kind", "target", "year", "target_value", "achieved", "shortfall"]), output_value=pd.DataFrame(),
        opened_sites=("s1",), stranded=stranded)


def test_the_tables_per_site_give_product_unit_year_in_that_order():
    files = plan_tables(one_site_plan(), SimpleNamespace(products={"cells": SimpleNamespace(unit="GWh")}))
    assert files["plan.csv"].splitlines() == [
        "site,cluster,product,unit,year,module,modules,capacity_added,capex_bn_yuan",
        "s1,c1,cells,GWh/yr,2030,cells_10,1,10,5e-09"]
    assert files["capacity.csv"].splitlines() == [
        "site,cluster,product,unit,year,existing,committed,added_cumulative,capacity,online,available,production",
        "s1,c1,cells,GWh/yr,2030,0,0,10,10,10,10,4"]
    assert files["stranded.csv"].splitlines() == [
        "site,cluster,product,unit,year,usable,production,idle,idle_share,reason",
        "s1,c1,cells,GWh/yr,2030,10,4,6,0.6,market"]
