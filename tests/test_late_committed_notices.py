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


def test_many_late_projects_make_a_short_terminal_note_and_a_full_list_for_the_files(tmp_path: Path) -> None:
    """Five projects online after 2024 (tests/data/small, 2023-2024), four of them in the steady
    state (N = 3: 2025-2027), one (2030) after it, each 10,000 t LFP (2 ha: 10 ha per 50,000 t):
    the steady state's notice, of four, names all four in the run's files (manifest.json and
    report.md keep `str(notice)`, "id (plant, year)" each) but on the terminal (`Notice.shown`)
    only their ids, with where the whole list is: all four, as "and 1 more" would be no shorter
    (before: "p1, p2, p3 and 1 more"); the one after it is named as before. A dozen such projects'
    list pushed a solve's results off the screen."""
    from siting.config.errors import shown_notice

    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    projects = [{"id": f"p{i}", "name": f"P{i}", "site": "e_city", "product": "lfp", "capacity": 10000,
                 "online_year": year, "status": "signed", "source": "assumption: invented for tests"}
                for i, year in enumerate((2025, 2025, 2026, 2027, 2030), start=1)]
    (folder / "committed_projects.yaml").write_text(yaml.safe_dump(projects, sort_keys=False), encoding="utf-8")
    problem = prepare(folder / "scenario.yaml", {}, overrides=(("objective.years_after_horizon", 3),))
    steady = [n for n in problem.notices if "runs in the steady state" in n]
    assert len(steady) == 1
    head = ("4 committed projects come online after the plan's last year 2024: their capacity is left out of the "
            "plan's years and runs in the steady state that stands for 2025-2027 (objective.years_after_horizon); "
            "the land they take, 8.0 ha, is kept from new modules: ")
    assert str(steady[0]) == head + (
        "p1 (10,000 t/yr LFP at East city, 2025); p2 (10,000 t/yr LFP at East city, 2025); "
        "p3 (10,000 t/yr LFP at East city, 2026); p4 (10,000 t/yr LFP at East city, 2027)")
    assert shown_notice(steady[0]) == head + (
        "p1, p2, p3 and p4; report.md's notices (conflicts.md's for an infeasible plan) list each with its "
        "capacity, site and year")
    assert ("committed project p5 (10,000 t/yr LFP at East city) comes online in 2030, after the plan's last year "
            "2024: its capacity is left out") in "\n".join(map(shown_notice, problem.notices))


def test_three_late_projects_are_listed_whole_on_the_terminal_too(tmp_path: Path) -> None:
    """Three projects online after 2024 (tests/data/small, N = 0: left out) are listed whole,
    on the terminal as in the files: a short list needs no pointer to report.md."""
    from siting.config.errors import shown_notice

    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    projects = [{"id": f"p{i}", "name": f"P{i}", "site": "e_city", "product": "lfp", "capacity": 10000,
                 "online_year": 2025, "status": "signed", "source": "assumption: invented for tests"}
                for i in (1, 2, 3)]
    (folder / "committed_projects.yaml").write_text(yaml.safe_dump(projects, sort_keys=False), encoding="utf-8")
    problem = prepare(folder / "scenario.yaml", {})
    late = [n for n in problem.notices if "plan's last year" in n]
    assert [shown_notice(n) for n in late] == [str(n) for n in late] == [
        "3 committed projects come online after the plan's last year 2024: their capacity is left out; the land "
        "they take, 6.0 ha, is kept from new modules: p1 (10,000 t/yr LFP at East city, 2025); p2 (10,000 t/yr "
        "LFP at East city, 2025); p3 (10,000 t/yr LFP at East city, 2025)"]
