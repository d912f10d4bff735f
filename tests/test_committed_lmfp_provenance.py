"""The Defang LMFP cathode plant (`defang_lmfp` in scenarios/committed_projects.yaml) is filed as
`lfp`, as the catalog has no LMFP product. Its source said so in passing, not as the assumption
it is: a reader of the data took an LMFP plant for an LFP one. Its provenance now states the
filing as an assumption, why it holds (both are phosphate cathodes of the cathode target, at a
capex near LFP's) and what it leaves out (manganese, price)."""

from __future__ import annotations

from pathlib import Path

import yaml

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _projects() -> dict[str, dict[str, object]]:
    return {str(p["id"]): p for p in yaml.safe_load((SCENARIOS / "committed_projects.yaml").read_text())}


def test_the_catalog_has_no_lmfp_so_the_plant_is_filed_as_lfp() -> None:
    products = yaml.safe_load((SCENARIOS / "catalog.yaml").read_text())["products"]
    assert not [p for p in products if "lmfp" in p.lower()]  # a catalog with LMFP: file the plant under it
    assert _projects()["defang_lmfp"]["product"] == "lfp"


def test_the_lmfp_filing_is_stated_as_an_assumption_with_its_source() -> None:
    source = str(_projects()["defang_lmfp"]["source"])
    assert "assumption: LMFP counted as lfp, LFP cathode, as the catalog has no LMFP product" in source
    assert "[2][3]" in source and "23,500 yuan [32]" in source and "21,300 [22]" in source
    assert "manganese input and its price are not modelled" in source


def test_every_product_filed_under_another_is_an_assumption() -> None:
    """A committed project whose source says it is counted as another product says that it is an
    assumption, before it says so."""
    for pid, project in _projects().items():
        source = str(project["source"])
        if "counted as" in source:
            assert "assumption:" in source.split("counted as")[0], pid
