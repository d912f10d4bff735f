"""A committed project whose status is `producing` but whose online_year comes after the plan's
last year contradicts itself (a plant in production is online already): loading says so, naming
the file, the project and both fields, so that a mistyped year (2099 for 2019) shows; the project
is still handled by its year, as any late project is (siting/prepare/inputs.py
`committed_projects`). A signed or construction project that late, or a producing one online
within the plan's years, draws no such notice."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from siting.prepare.problem import prepare

SMALL = Path(__file__).parent / "data" / "small"


def project(pid: str, year: int, status: str) -> dict[str, object]:
    return {"id": pid, "name": pid.replace("_", " ").title(), "site": "e_city", "product": "lfp", "capacity": 10000,
            "online_year": year, "status": status, "source": "assumption: invented for tests"}


def test_a_producing_project_online_after_the_plan_is_said_to_contradict_itself(tmp_path: Path) -> None:
    """tests/data/small plans 2023-2024."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    projects = [project("typo_2099", 2099, "producing"), project("signed_2099", 2099, "signed"),
                project("now_2024", 2024, "producing")]
    (folder / "committed_projects.yaml").write_text(yaml.safe_dump(projects, sort_keys=False), encoding="utf-8")
    problem = prepare(folder / "scenario.yaml", {})
    said = [n for n in problem.notices if "status producing" in n]
    assert said == [
        "committed_projects.yaml: committed project typo_2099 (10,000 t/yr LFP at East city) has status producing "
        "but online_year 2099, after the plan's last year 2024: a plant in production is online already; check "
        "the year (handled as a plant coming online in 2099) or the status"]
    assert ("e_city", "lfp", 2024) in problem.inputs.committed_units_per_yr
