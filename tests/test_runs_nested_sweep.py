"""`siting sweep` names every run whose search started from another run's plan, not only those
that moved in the cross-start rounds (siting/runs/tables.py `warm_note`), and measures a run's gap
against the bound of a run whose rules admit every plan of its own (siting/runs/pool.py
`carry_bounds`, `bound_note`).

The pond scenario of tests/test_runs_nested_compare.py swept over the cells' lake setback (0 and
3,000 m: 3 km excludes e_far's cells) and the gap (0 and 20 %):
- run01 (0 m, gap 0) is solved first, cold: the hand optimum, -22.7157 bn yuan (`assert_base`);
- run02 (0 m, 20 %), run03 (3 km, gap 0) and run04 (3 km, 20 %) start from run01's plan, so each
  may report another plan than `siting solve` gives: the note names all three, run01's plan
  being where they started;
- run01's rules are run02's (the gap is no rule) and admit every plan of run03's and run04's;
  run03's are run04's. run02's own solve stops within its 20 % (HiGHS's bound, read from the
  solver), so its gap is measured against run01's bound, the optimum: 0 to the LP's noise. run04
  takes run03's plan (the optimum of the 3 km rules, which run04's own 20 % plan is dearer than)
  and run03's bound, the higher of run01's and run03's: its gap is 0 too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from test_comparison import assert_base
from test_runs_nested_compare import pond  # noqa: F401  (the fixture)

from siting.cli import main
from siting.deliver.qgisproject import _plan_title

RUNS = ["run01 lake=0,rel_gap=0", "run02 lake=0,rel_gap=0.2", "run03 lake=3000,rel_gap=0",
        "run04 lake=3000,rel_gap=0.2"]

WARM = ("Runs whose search was warm-started from the plan of another run, and so may report another plan than "
        "`siting solve` gives for the same settings (it starts from nothing; both are within the gap): run02 "
        "lake=0,rel_gap=0.2, run03 lake=3000,rel_gap=0 and run04 lake=3000,rel_gap=0.2 were warm-started from the "
        "plan of run01 lake=0,rel_gap=0, which was solved first, alone, as a sweep does. The column `started_from` "
        "names only the runs that moved to another run's plan once every run was solved, not these warm starts.")


def test_a_sweep_names_the_runs_started_from_the_first_and_the_bounds_they_carry(pond: Path,  # noqa: F811
                                                                                  tmp_path: Path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", str(pond / "scenario.yaml"), "--set", "constraints.redline.setbacks_m.cells.lake=0,3000",
                 "--set", "solver.rel_gap=0,0.2", "--out", str(out), "--workers", "2"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    table = pd.read_csv(out / "sweep.csv", keep_default_na=False)
    assert list(table["run"]) == RUNS
    assert_base(table["objective_bn_yuan"][0] * 1e9)
    assert list(table["started_from"]) == ["", "", "", RUNS[2]]
    assert list(table["bound_from"]) == ["", RUNS[0], "", RUNS[2]]
    assert list(table["gap_percent"]) == pytest.approx([0.0] * 4, abs=1e-9)
    markdown = (out / "sweep.md").read_text()
    notes = markdown.split("\n\n")
    assert WARM in notes and WARM in printed
    bound = next(note for note in notes if note.startswith("Gaps measured against another run's bound"))
    assert bound.startswith(
        "Gaps measured against another run's bound (a run whose rules admit every plan of another has an optimum no "
        "higher than the other's, so its proven bound holds for the other too; the run's report and manifest give "
        "the gap of its own solve): run02 lake=0,rel_gap=0.2 against the bound of run01 lake=0,rel_gap=0, -22.7157 bn "
        "yuan, whose rules admit every plan of its own (as applied, their rules keep out the same site-product "
        "pairs and leave the same land at every site: the same model): a gap of 0.00%, where its own solve proved ")
    assert "; run04 lake=3000,rel_gap=0.2 against the bound of run03 lake=3000,rel_gap=0, " in bound
    assert " ".join(bound.split()) in printed
    moved = next(note for note in notes if note.startswith("Runs that moved")).strip()  # before the notices
    assert moved.startswith("Runs that moved to another run's plan, and so may report another plan than `siting "
                            "solve` gives for the same settings: run04 lake=3000,rel_gap=0.2 took the plan of run03 "
                            "lake=3000,rel_gap=0 as it is ")
    assert "within 0.00%" not in moved  # the gap its own bound proved, not the one carried
    # compare.qgs's sheets give the gaps sweep.md gives (0.00 % against the bound carried), not their own
    root = ET.fromstring((out / "compare.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    sheets = {layout.get("name"): _plan_title(layout).split("\n") for layout in root.findall("Layouts/Layout")}
    for run, source in ((RUNS[1], RUNS[0]), (RUNS[3], RUNS[2])):
        assert ", gap 0.00% (tolerance 20.00%)," in sheets[run][2]
        # at the decimals sweep.md gives the absolute gap at (`table_decimals`: 4, as its runs' reports)
        assert sheets[run][3].startswith(f"absolute gap 0.0000 bn yuan against the bound of {source}, as sweep.md "
                                         "gives the gaps (its own solve's: ")
    # its plan.qgs title's, at the decimals at which its objective, bound and gap add up (already so on main)
    assert sheets[RUNS[2]][3] == "absolute gap 0.0000 bn yuan (objective less best bound)"
