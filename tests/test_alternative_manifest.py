"""An alternative of a run with candidate cells: its manifest.json carries the optimum's
`screening` member (the alternatives are searched among the sites it kept), marked `of` the
optimum, so that its bound LB and cost UB are not read as this plan's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_candidate_scenario import ZONE_A, with_cells

from siting.cli import main
from siting.deliver.manifest import SCREENING_OF_OPTIMUM
from tests.conftest import SMALL


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario with the two cells of zone a and one near-optimal alternative."""
    folder = tmp_path_factory.mktemp("cells_alt") / "small"
    shutil.copytree(SMALL, folder)
    with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 500000, allowed_zone: {path: allowed.gpkg}}",
               {"a": ZONE_A})
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet", "--alternatives", "1"]) == 0
    return out


def test_the_optimums_screening_is_its_own_and_an_alternatives_says_whose(run: Path):
    optimum = json.loads((run / "manifest.json").read_text())
    assert "of" not in optimum["screening"]
    alternatives = sorted(p for p in run.iterdir() if p.is_dir() and p.name.startswith("alt"))
    assert alternatives, "the run found an alternative"
    for folder in alternatives:
        manifest = json.loads((folder / "manifest.json").read_text())
        screening = manifest["screening"]
        assert screening["of"] == SCREENING_OF_OPTIMUM
        assert next(iter(screening)) == "of"
        assert {k: v for k, v in screening.items() if k != "of"} == optimum["screening"]
        assert screening["upper_bound_yuan"] != manifest["solver"]["objective_yuan"]
        # its report still says where it was searched
        assert "| sites searched |" in (folder / "report.md").read_text()
