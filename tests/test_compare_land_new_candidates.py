"""Under a comparison's table, the land list counts the sites that are candidates in one run only
(the cells of a scenario with candidate cells, against the parks alone) apart: "N sites are
candidates in cells only, +X ha together", not each as "0 -> 1,370.1 (+1,370.1; no product
admitted in base)", which said of a cell the baseline does not have that the baseline's rules kept
every product out of it."""

from __future__ import annotations

import pytest

from siting.runs.pool import CaseSummary
from siting.runs.tables import LAND_ROW, comparison_table, kept_out_note

NAMES = {"yuxi_longquan": "Yuxi high-tech zone", "qujing_etdz": "Qujing ETDZ"}


def solved(label: str, land: dict[str, float]) -> CaseSummary:
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=-10e9, best_bound_yuan=-10.01e9,
                       gap=0.001, final_year=2024, units={"cells": "GWh"}, capacity={"yuxi": {"cells": 10.0}},
                       sites_opened=("qujing_etdz",), site_added={"qujing_etdz": {"cells": 1.0}},
                       site_names=NAMES, kept_out={"red line": ()}, excluded_pairs={"red line": 0},
                       land_free_ha=land)


def test_sites_that_are_candidates_in_one_run_only_are_counted_apart() -> None:
    """Parks alike but Qujing ETDZ (50 -> 0: shut out); three cells in `cells` only (1,370.1,
    600.0 and 0.5 ha); the baseline's yuxi_longquan is no candidate in `cells`."""
    base = solved("base", {"yuxi_longquan": 120.0, "qujing_etdz": 50.0})
    cells = solved("cells", {"qujing_etdz": 0.0, "cell-a": 1370.1, "cell-b": 600.0, "cell-c": 0.5})
    flat = " ".join(kept_out_note([base, cells]).split())
    assert "Qujing ETDZ 50.0 -> 0 (-50.0; no product admitted in cells)" in flat
    assert "no product admitted in base" not in flat
    assert "3 sites are candidates in cells only, +1,970.6 ha together" in flat
    assert "1 site is a candidate in base only, -120.0 ha" in flat
    assert "+1,800.6 ha in all, the row's difference." in flat
    assert "cell-a" not in flat and "Yuxi high-tech zone" not in flat


def test_cells_alone_differ_the_note_says_no_site_of_both_runs_differs() -> None:
    """The parks alike; two cells in `cells` only: no count of sites that differ, the cells counted."""
    base = solved("base", {"yuxi_longquan": 120.0, "qujing_etdz": 50.0})
    cells = solved("cells", {"yuxi_longquan": 120.0, "qujing_etdz": 50.0, "cell-a": 10.0, "cell-b": 5.25})
    flat = " ".join(kept_out_note([base, cells]).split())
    assert ("cells: no site of both runs has land free for new modules differing by 1 ha or more (base -> cells, "
            "ha): 2 sites are candidates in cells only, +15.2 ha together; +15.2 ha in all, the row's difference.") \
        in flat


def test_the_list_adds_up_to_the_rounded_row_and_leaves_out_what_rounds_alike() -> None:
    """The row gives each run's sum to 0.1 ha: 10.04 -> 10.16 reads 10.0 -> 10.2, a difference of
    +0.2, which the list's total gives too; 100.0 -> 100.01 rounds alike and is no difference at
    all; a site with no land in one run only (0 ha) is not counted apart."""
    flat = " ".join(kept_out_note([solved("base", {"a": 10.04}), solved("new", {"a": 10.16})]).split())
    assert ("1 site differs by less than 1 ha, +0.1 together; +0.2 ha in all, of the sums to 0.1 ha, the row's "
            "difference.") in flat
    table = comparison_table([solved("base", {"a": 10.04}), solved("new", {"a": 10.16})]).set_index("metric")
    assert table.loc[LAND_ROW, "new vs base"] == pytest.approx(0.2)
    for before, after in (({"a": 100.0, "b": 5.0}, {"a": 100.01, "b": 5.0}), ({"a": 100.0, "x": 0.0}, {"a": 100.0}),
                          ({"a": 100.0}, {"a": 100.0, "c": 0.04})):
        note = kept_out_note([solved("base", before), solved("new", after)])
        assert "- new keeps out the same site-product pairs as base." in note  # and nothing of the land
        assert "in all" not in note and "candidate" not in note.split("\n", 1)[1]
