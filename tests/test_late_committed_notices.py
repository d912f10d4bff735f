"""Committed projects online after the plan's last year T with a steady-state year (objective.
years_after_horizon N): those online by T + N run in it, later ones are left out, those at a site
outside every cluster are left out for that reason whatever their year, and each notice states
the land of its own projects (siting/prepare/inputs.py `committed_projects`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from siting.prepare.problem import prepare

SMALL = Path(__file__).parent / "data" / "small"
PROJECTS = [
    {"id": "far_2025", "name": "Far LFP 2025", "site": "e_city", "product": "lfp", "capacity": 50000,
     "online_year": 2025, "status": "construction", "source": "assumption: invented for tests"},
    {"id": "mine_2027", "name": "Mine FePO4 2027", "site": "w_mine", "product": "fepo4", "capacity": 100000,
     "online_year": 2027, "status": "signed", "source": "assumption: invented for tests"},
    {"id": "late_2030", "name": "Late LFP 2030", "site": "e_city", "product": "lfp", "capacity": 30000,
     "online_year": 2030, "status": "signed", "source": "assumption: invented for tests"},
    {"id": "out_2025", "name": "Outside LFP 2025", "site": "outside", "product": "lfp", "capacity": 20000,
     "online_year": 2025, "status": "construction", "source": "assumption: invented for tests"},
]


def test_late_projects_run_in_the_steady_state_or_are_left_out_each_with_its_own_land(tmp_path: Path) -> None:
    """tests/data/small (2023-2024) with N = 3 (steady state 2025-2027) and a site `outside` every
    cluster (dropped). Land per unit of the largest module: LFP 10 ha / 50,000 t, FePO4 20 ha /
    100,000 t. far_2025 (50,000 t LFP: 10 ha) and mine_2027 (100,000 t FePO4: 20 ha) run in the
    steady state, 30.0 ha; late_2030 (30,000 t LFP: 6.0 ha) is left out for its year; out_2025 is
    left out for its site, and its land is in neither figure."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    sites = json.loads((folder / "sites.geojson").read_text(encoding="utf-8"))
    outside = json.loads(json.dumps(sites["features"][0]))
    outside["properties"]["site_id"] = "outside"
    outside["properties"]["name"] = "Outside site"
    outside["geometry"] = {"type": "Point", "coordinates": [104.5, 24.7]}
    sites["features"].append(outside)
    (folder / "sites.geojson").write_text(json.dumps(sites), encoding="utf-8")
    (folder / "committed_projects.yaml").write_text(yaml.safe_dump(PROJECTS, sort_keys=False), encoding="utf-8")
    problem = prepare(folder / "scenario.yaml", {}, overrides=(("spatial.sites_outside_clusters", "drop"),
                                                               ("objective.years_after_horizon", 3)))
    text = "\n".join(problem.notices)
    assert ("2 committed projects come online after the plan's last year 2024: their capacity is left out of the "
            "plan's years and runs in the steady state that stands for 2025-2027 (objective.years_after_horizon); "
            "the land they take, 30.0 ha, is kept from new modules: far_2025 (") in text
    assert "committed project late_2030 (30,000 t/yr LFP at East city) comes online in 2030" in text
    assert ("comes online in 2030, after the plan's last year 2024: its capacity is left out (also from the steady "
            "state, which stands for 2025-2027, objective.years_after_horizon); the land it takes, 6.0 ha, is kept "
            "from new modules") in text
    out = [n for n in problem.notices if "out_2025" in n]
    assert len(out) == 1 and out[0].endswith("which lies in no cluster: left out")
    later = {key: units for key, units in problem.inputs.committed_units_per_yr.items() if key[2] > 2024}
    assert later == {("e_city", "lfp", 2025): 50000.0, ("w_mine", "fepo4", 2025): 100000.0}
