"""The reference plants of calibration mode choose (calibration.reference) and what a least
investment per opened site involves in mode fixed (siting/config/load.py, siting/prepare/checks.py,
siting/runs/calibrate.py).

1. A reference plant at a site the sites layer does not define was scored as a plant nowhere
   (its product's share counts no capacity near it) and never reported. Its site is checked as a
   committed project's and a real plant's of mode fixed are: an input problem at its file and
   line, with the close match, all the file's problems in one pass. The plants are read once,
   when the scenario is loaded (`LoadedScenario.reference`), and scored as read then.
2. The least investment per opened site (`min_investment`, docs/FORMULATION.md, agglomeration)
   holds at the sites the plan opens; a site with a real plant holds committed capacity and is
   open already, so the rule involves no real plant, as the budget involves none, and says what
   it bounds.

Scenarios on tests/data/small, built as tests/test_calibration.py builds them (`variant`,
`plant_entry`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_calibration import plant_entry, variant

from siting.cli import main
from siting.config.load import load_scenario
from siting.runs.calibrate import conflict_plants, involved_text, real_plants

CHOOSE = "calibration: {mode: choose, reference: plants.yaml, distance_km: 1}\n"


def test_a_misspelt_site_of_a_reference_plant_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A reference plant at e_cty (a slip of e_city) is refused before anything is solved, in the
    words a committed project at that site gets, exit 2, no output folder."""
    plants = plant_entry("city_lfp", "City LFP", "e_city", "lfp", 1000) + plant_entry("cty_lfp", "Cty LFP", "e_cty",
                                                                                     "lfp", 1000)
    variant(tmp_path, plants, CHOOSE)
    monkeypatch.chdir(tmp_path)
    code = main(["solve", "case/calibration.yaml", "--out", "out"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err == ("error: 1 problem in the input:\n  - case/plants.yaml:2: [1] (cty_lfp).site | unknown site "
                   "(got 'e_cty'); did you mean 'e_city'?\n")
    assert not (tmp_path / "out").exists()


def test_a_reference_file_reports_its_site_with_its_other_problems_in_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A reference plant at a misspelt site, one of capacity -5 and a problem of the scenario's own:
    the three in one message, by file and line."""
    plants = (plant_entry("a", "A", "e_cty", "lfp", 1000) + plant_entry("b", "B", "e_city", "lfp", -5))
    variant(tmp_path, plants, f"price_path: nope\n{CHOOSE}")
    monkeypatch.chdir(tmp_path)
    code = main(["solve", "case/calibration.yaml", "--out", "out"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err == (
        "error: 3 problems in the input:\n"
        "  - case/calibration.yaml:3: price_path | unknown price path (got 'nope'); choose one of: base, flat\n"
        "  - case/plants.yaml:1: [0] (a).site | unknown site (got 'e_cty'); did you mean 'e_city'?\n"
        "  - case/plants.yaml:2: [1] (b).capacity | must be greater than 0 (got -5); give a value in that range, "
        "in t/yr\n")


def test_the_reference_plants_are_those_read_with_the_scenario(tmp_path: Path) -> None:
    """The plants scored are those read when the scenario was loaded: the file is not read again
    once the plan is solved (here it is gone by then)."""
    path = variant(tmp_path, plant_entry("l1", "L1", "w_mine", "lfp", 1000)
                   + plant_entry("late", "Late", "e_far", "lfp", 1000).replace("2024", "2030"), CHOOSE)
    loaded = load_scenario(path)
    (path.parent / "plants.yaml").unlink()
    assert [(p.id, p.site, p.capacity) for p in real_plants(loaded, "reference")] == [("l1", "w_mine", 1000.0)]


#: Mode fixed with a real LFP plant at e_city (cluster east) and a least investment per opened site
#: no site can take (1e13 yuan): the strict targets need sites opened in both clusters, so no plan
#: holds; the diagnosis names the least investment of east and of west.
MIN_INVESTMENT_SCENARIO = ("calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                           "  agglomeration: {site_fixed_cost_yuan: 1.0e8, min_investment_per_site_yuan: 1.0e13}\n")

#: What the least investment of east involves: no real plant, and what it bounds instead.
EAST_MIN_INVESTMENT = ("each site opened in East needs at least 10,000.00 bn yuan of investment "
                       "[constraints.agglomeration.min_investment_per_site_yuan=10000000000000] (no real plant: it "
                       "bounds from below the investment the plan decides at each site it opens in east; a site with "
                       "a real plant holds committed capacity and is open already)")


def test_a_least_investment_conflict_involves_no_real_plant(tmp_path: Path) -> None:
    """The least investment per opened site holds at the sites the plan opens; e_city holds the
    real plant, committed capacity, and is open already: the conflict of east names no plant but
    what it bounds, and the plant's row does not count the rule against it."""
    from test_calibration_leftovers import unsolved_run

    out = unsolved_run(tmp_path, plant_entry("east_lfp", "East LFP", "e_city", "lfp", 10000), MIN_INVESTMENT_SCENARIO)
    verdict = (out / "calibration.md").read_text().splitlines()[0]
    assert EAST_MIN_INVESTMENT in verdict
    assert "(plant: east_lfp)" in verdict  # the target and the land of east still involve it
    row = (out / "calibration.csv").read_text().splitlines()[1]
    assert ',"not admitted together: capacity_target, land",' in row


def test_conflict_plants_of_a_least_investment_is_none(tmp_path: Path) -> None:
    """`conflict_plants` and `involved_text` on the rule alone, as the verdict of mode fixed uses them."""
    from siting.optimize.explain import Conflict, RuleInstance
    from siting.prepare.problem import prepare

    path = variant(tmp_path, plant_entry("east_lfp", "East LFP", "e_city", "lfp", 10000), MIN_INVESTMENT_SCENARIO)
    prepared = prepare(path, {})
    plants = real_plants(prepared.loaded, "plants")
    conflict = Conflict(RuleInstance("min_investment", ("east",)), "each site opened in East needs ...",
                        "constraints.agglomeration.min_investment_per_site_yuan", clusters=("east",))
    assert conflict_plants(plants, conflict, prepared.inputs) == []
    assert involved_text([], conflict) == (
        "no real plant: it bounds from below the investment the plan decides at each site it opens in east; a site "
        "with a real plant holds committed capacity and is open already")
