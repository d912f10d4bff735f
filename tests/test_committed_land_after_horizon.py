"""A committed project that comes online after the plan's last year produces nothing within the
plan, but it is signed: its land is taken, and new modules cannot be built on it. (Leaving its
land free let the plan build where the project will stand.)"""

from __future__ import annotations

import shutil
from pathlib import Path

from siting.prepare.problem import prepare

SMALL = Path(__file__).parent / "data" / "small"


def prepared_with_east_lfp_online(tmp_path: Path, year: int):
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    projects = folder / "committed_projects.yaml"
    projects.write_text(projects.read_text(encoding="utf-8").replace("online_year: 2024", f"online_year: {year}"),
                        encoding="utf-8")
    return prepare(folder / "scenario.yaml", {})


def test_a_project_online_after_the_plan_keeps_its_land_but_adds_no_capacity(tmp_path: Path) -> None:
    # east_lfp: 10,000 t/yr LFP at e_city (30 ha usable); the largest LFP module takes 10 ha per
    # 50,000 t/yr, so the project takes 2 ha, online in 2024 (within the plan) or 2025 (after it)
    within = prepared_with_east_lfp_online(tmp_path / "a", 2024)
    after = prepared_with_east_lfp_online(tmp_path / "b", 2025)
    assert within.inputs.site_land_ha["e_city"] == 28.0
    assert after.inputs.site_land_ha["e_city"] == 28.0
    assert after.inputs.land_after_redline_ha[("e_city", "lfp")] == within.inputs.land_after_redline_ha[
        ("e_city", "lfp")]
    assert any(key[0] == "e_city" for key in within.inputs.committed_units_per_yr)
    assert not any(key[0] == "e_city" for key in after.inputs.committed_units_per_yr)
    assert ("committed project east_lfp (10,000 t/yr LFP at East city) comes online in 2025, after the plan's last "
            "year 2024: its capacity is left out; the land it takes, 2.0 ha, is kept from new modules") in \
        after.notices
