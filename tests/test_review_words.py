"""What the summary and the messages say in words: the sites a plan builds on and which of them
it newly opens (a site with existing or committed plants is open already), a module count by
cluster with its product, and a layer whose ids repeat named before the unknown references
it causes.

The small scenario of tests/data/small builds at w_mine ("West mine park"), e_city ("East city")
and e_far ("East far"), in that order (tests/test_api.py derives the plan by hand); e_city alone
has plants already (20,000 t/yr of LFP existing, 10,000 t/yr committed for 2024), so the plan
newly opens w_mine and e_far.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_names_in_words import NAMES
from test_results import one_site_inputs

from models import build_model
from siting.cli import main
from siting.config.errors import NoSolution
from siting.optimize.results import extract_plan, sites_built_text
from siting.optimize.solve import SolverSettings, solve_model
from tests.conftest import SMALL, MadeRun


def test_the_summary_and_the_report_say_which_sites_built_on_are_newly_opened(small_run: MadeRun) -> None:
    """The terminal's line and the report's first paragraph name the three sites built on and the
    two of them newly opened (East city has plants already)."""
    line = ("sites built on: West mine park; East city; East far (2 newly opened: West mine park; East far)")
    assert [s for s in small_run.stdout.splitlines() if s.startswith("sites built on")] == [line]
    assert not any(s.startswith("sites opened") for s in small_run.stdout.splitlines())
    report = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert f"\nYears 2023-2024; clusters West, East; {line}.\n" in report


def _inputs(sites: tuple[str, ...], existing: dict[tuple[str, str], float],
            committed: dict[tuple[str, str, int], float]) -> Any:
    """What `pre_opened_sites` reads of a run's inputs: the sites, existing and committed units/yr
    (a project committed for any year, the steady-state year included, opens its site); the plan's
    years 2030."""
    return SimpleNamespace(SITES=sites, existing_capacity_units_per_yr=existing, committed_units_per_yr=committed,
                           YEARS=(2030,))


@pytest.mark.parametrize(("built", "expected"), [
    (("a", "b"), "A; B (none newly opened: each has existing or committed plants)"),
    (("a", "c"), "A; C (1 newly opened: C)"),
    (("c", "d"), "C; D (2 newly opened: C; D)"),
    ((), "none"),
])
def test_sites_built_text_counts_a_site_with_existing_or_committed_plants_as_open_already(
        built: tuple[str, ...], expected: str) -> None:
    """a has existing plants, b a committed project, c and d neither (d's existing entry is 0)."""
    inputs = _inputs(("a", "b", "c", "d"), {("a", "p"): 10.0, ("d", "p"): 0.0}, {("b", "p", 2030): 5.0})
    assert sites_built_text(SimpleNamespace(opened_sites=built), inputs, str.upper) == expected  # type: ignore[arg-type]


def test_a_module_count_by_cluster_names_its_size_and_product() -> None:
    """The module count by cluster (models/counts.py) returned as 2.5 is named as the module
    counts by site are: "modules of 10 t/yr P (p10) in cluster Kunming"."""
    from models.counts import add_module_counts

    inputs = one_site_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    model.module_count["c1", "p10", 2030].set_value(2.5, skip_validation=True)
    with pytest.raises(NoSolution) as caught:
        extract_plan(model, inputs, NAMES)
    assert "  - modules of 10 t/yr P (p10) in cluster Kunming in 2030: 2.5" in str(caught.value).splitlines()


def test_a_repeated_site_id_is_the_first_problem_listed(tmp_path: Path, capsys) -> None:
    """East city's feature given West mine park's id: the committed project at e_city names a site
    unknown because of it, so the duplicate id comes first, before the scenario's files."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    path = folder / "sites.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        if feature["properties"]["site_id"] == "e_city":
            feature["properties"]["site_id"] = "w_mine"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert problems == [
        f"  - {path}: field 'site_id' | duplicate id 'w_mine' (the 1st and 3rd features); ids must be unique",
        f"  - {folder / 'committed_projects.yaml'}:4: [0] (east_lfp).site | unknown site (got 'e_city'); "
        "choose one of: w_mine, w_lake, e_far"]
    assert not (tmp_path / "out").exists()
