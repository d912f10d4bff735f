"""Calibration against the real plants (issue 10, part 9; siting/runs/calibrate.py).

On tests/data/small: site w_lake lies inside the buffered red line for every product; the sites
are w_mine, w_lake (cluster west), e_city, e_far (cluster east); e_city has 30 ha of usable land;
lfp takes 10 ha per 50,000 t (0.0002 ha/t). Variant scenarios are written next to a copy of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from siting.prepare.problem import prepare
from siting.runs.calibrate import RealPlant, fixed_findings, score_choice
from siting.runs.job import run_solve

SMALL = Path(__file__).parent / "data" / "small"


def plant_entry(pid: str, name: str, site: str, product: str, capacity: float) -> str:
    return (f"- {{id: {pid}, name: {name}, site: {site}, product: {product}, capacity: {capacity}, "
            "online_year: 2024, status: producing, source: 'assumption: invented for tests'}\n")


def variant(tmp_path: Path, plants: str, extra: str) -> Path:
    """A copy of the small case with plants.yaml and a scenario extending the small one."""
    case = tmp_path / "case"
    shutil.copytree(SMALL, case)
    (case / "plants.yaml").write_text(plants)
    path = case / "calibration.yaml"
    path.write_text(f"extends: scenario.yaml\nname: calibration\n{extra}")
    return path


def findings_of(path: Path) -> pd.DataFrame:
    frame = fixed_findings(prepare(path, {}))
    assert frame is not None
    return frame


def test_plant_inside_the_red_line_gives_the_finding(tmp_path: Path) -> None:
    path = variant(tmp_path, plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")
    assert findings_of(path).values.tolist() == [
        ["lake_lfp", "redline", "plant lake_lfp (Lake LFP, 10,000 t/yr at w_lake) lies inside the buffered red line "
                                "for lfp"]]


def test_red_line_switched_off_admits_the_plant(tmp_path: Path) -> None:
    path = variant(tmp_path, plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n  redline: {enabled: false}\n")
    assert len(findings_of(path)) == 0


def test_hosting_limit_breach_names_both_clusters(tmp_path: Path) -> None:
    plants = (plant_entry("west_lfp", "West LFP", "w_mine", "lfp", 20000)
              + plant_entry("east_lfp2", "East LFP", "e_far", "lfp", 30000))
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                     "  differentiation: {enabled: true, max_clusters_per_product: {lfp: 1}}\n")
    assert findings_of(path).values.tolist() == [
        ["west_lfp east_lfp2", "hosting",
         "lfp plants stand in 2 clusters (east: plant east_lfp2 (East LFP, 30,000 t/yr at e_far); west: plant "
         "west_lfp (West LFP, 20,000 t/yr at w_mine)), more than the hosting limit of 1 for lfp"]]


def test_hosting_limit_met_in_one_cluster(tmp_path: Path) -> None:
    plants = (plant_entry("city_lfp", "City LFP", "e_city", "lfp", 20000)
              + plant_entry("far_lfp", "Far LFP", "e_far", "lfp", 30000))
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                     "  differentiation: {enabled: true, max_clusters_per_product: {lfp: 1}}\n")
    assert len(findings_of(path)) == 0


def test_land_and_open_sites(tmp_path: Path) -> None:
    """200,000 t of lfp take 200,000 x 0.0002 = 40 ha, more than e_city's 30 ha; plants at two
    sites of cluster east break a limit of one open site there."""
    plants = (plant_entry("big_lfp", "Big LFP", "e_city", "lfp", 200000)
              + plant_entry("far_lfp", "Far LFP", "e_far", "lfp", 1000))
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                     "  agglomeration: {max_open_sites_per_cluster: {east: 1}}\n")
    assert findings_of(path).values.tolist() == [
        ["big_lfp", "land", "plant big_lfp (Big LFP, 200,000 t/yr at e_city) takes 40.0 ha, more than the usable "
                            "land of site e_city (30.0 ha)"],
        ["big_lfp far_lfp", "open_sites", "cluster east has plants at 2 sites (e_city, e_far), more than its limit "
                                          "of 1 open site"]]


def test_fixed_run_prints_and_writes_the_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The run goes on after the findings and writes them as calibration.csv."""
    path = variant(tmp_path, plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")
    result = run_solve(path, tmp_path / "out")
    assert capsys.readouterr().out == ("calibration: 1 rule broken by the real plants\n  redline: plant lake_lfp "
                                       "(Lake LFP, 10,000 t/yr at w_lake) lies inside the buffered red line for lfp\n")
    assert (result.out_dir / "calibration.csv").read_text() == (
        "plant,rule,finding\nlake_lfp,redline,\"plant lake_lfp (Lake LFP, 10,000 t/yr at w_lake) lies inside the "
        "buffered red line for lfp\"\n")


def test_score_by_hand() -> None:
    """lfp: 100,000 t at a (a real plant there), 50,000 t at b, 30 km away: 100/150 within 10 km;
    cells: nothing planned, one real plant: share empty; ncm: 5,000 t planned at a, no real plant:
    within 0, share empty (nothing to score against); fepo4: nothing planned, none real: no row."""
    builds = pd.DataFrame({"site": ["a", "b", "a"], "product": ["lfp", "lfp", "ncm"],
                           "capacity_added": [100000.0, 50000.0, 5000.0]})
    plants = [RealPlant("p1", "P1", "a", "lfp", 1.0, "t/yr", 0.0), RealPlant("p2", "P2", "b", "cells", 1.0, "GWh/yr",
                                                                             0.0)]
    points = {"a": (0.0, 0.0), "b": (30.0, 0.0)}
    score = score_choice(builds, plants, points, 10.0, ["fepo4", "lfp", "ncm", "cells"],
                         {"fepo4": "t/yr", "lfp": "t/yr", "ncm": "t/yr", "cells": "GWh/yr"})
    assert score["product"].tolist() == ["lfp", "ncm", "cells"]
    assert score[["planned_added", "within_km"]].values.tolist() == [[150000.0, 100000.0], [5000.0, 0.0], [0.0, 0.0]]
    assert score["share"].iloc[0] == pytest.approx(2 / 3, abs=1e-12)
    assert score["share"].iloc[1:].isna().all()
    assert score["reference_plants"].tolist() == ["p1", "", "p2"]


def test_choose_run_scores_all_and_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Real lfp plants at every site where lfp can be built (all but w_lake, red-lined), 1 km: all
    of the plan's lfp lies at a plant's site, share 1.0. A real fepo4 plant at w_lake, where no
    fepo4 can be built and no other site lies within 1 km (w_mine is about 45 km away): share 0.0."""
    plants = (plant_entry("l1", "L1", "w_mine", "lfp", 1000) + plant_entry("l2", "L2", "e_city", "lfp", 1000)
              + plant_entry("l3", "L3", "e_far", "lfp", 1000) + plant_entry("f1", "F1", "w_lake", "fepo4", 1000))
    path = variant(tmp_path, plants, "calibration: {mode: choose, reference: plants.yaml, distance_km: 1}\n")
    result = run_solve(path, tmp_path / "out")
    out = capsys.readouterr().out
    score = pd.read_csv(result.out_dir / "calibration.csv")
    by_product = score.set_index("product")
    assert list(score.columns) == ["product", "unit", "planned_added", "within_km", "share", "reference_plants"]
    lfp = result.plan.builds.loc[result.plan.builds["product"] == "lfp", "capacity_added"].sum()
    fepo4 = result.plan.builds.loc[result.plan.builds["product"] == "fepo4", "capacity_added"].sum()
    assert lfp > 0 and fepo4 > 0
    assert by_product.loc["lfp", ["planned_added", "within_km", "share"]].tolist() == [lfp, lfp, 1.0]
    assert by_product.loc["fepo4", ["planned_added", "within_km", "share"]].tolist() == [fepo4, 0.0, 0.0]
    assert by_product.loc["lfp", "reference_plants"] == "l1 l2 l3"
    assert out.startswith("calibration: the plan's choice against the real plants\n")
    assert "within 1 km of a real plant" in (result.out_dir / "calibration.md").read_text()
