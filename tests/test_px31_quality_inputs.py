"""report.md's "Data quality: what is assumed" lists every input it read, by its input file's name:
one that marks no figure as an assumption says so, with how many of its figures have no source
note where that can be counted (a catalog's fields without a `sources` note, a layer's features
without a `source`); and it names docs/DATA.md for the sources only of the inputs the project
ships (a file of scenarios/ or geodata/ with the same bytes)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from siting.cli import main
from siting.config.load import file_sha256
from siting.deliver.report import is_shipped

ROOT = Path(__file__).resolve().parent.parent


def _section(folder: Path) -> str:
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 0
    report = (out / "report.md").read_text(encoding="utf-8")
    return report[report.index("## Data quality: what is assumed"):report.index("## How much of the red line")]


def test_every_input_is_listed_by_its_file_name_and_a_bare_catalog_counts_its_unnoted_figures(folder: Path):
    catalog = folder / "catalog.yaml"
    catalog.write_text(re.sub(r",? sources: \{[^}]*\}", "", catalog.read_text()))
    assert not re.search(r"\bsources:", catalog.read_text())
    (folder / "redline.geojson").rename(folder / "zones_in.geojson")
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("redline: {path: redline.geojson}",
                                                     "redline: {path: zones_in.geojson}"))
    committed = folder / "committed_projects.yaml"
    committed.write_text(committed.read_text().replace('"assumption: invented for tests"', '"[1]"'))
    section = _section(folder)
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert sorted(line.split("`")[1] for line in lines) == [
        "catalog.yaml", "clusters.geojson", "committed_projects.yaml", "scenario.yaml", "sites.geojson",
        "sources.geojson", "zones_in.geojson"]
    assert re.search(r"^- `catalog\.yaml`: marks no figure as an assumption; of the (\d+) figures of the products "
                     r"and resources this plan uses, \1 have no source note \(`sources`\)$", section, re.M), section
    assert ("- `zones_in.geojson`: marks no figure as an assumption, in its one feature; no feature with a source "
            "note (no `source` column)\n") in section
    assert ("- `committed_projects.yaml`: marks no figure as an assumption, in its one project (each with a "
            "`source`)\n") in section
    assert "`redline.geojson`" not in section
    assert "docs/DATA.md" not in section  # not the project's shipped files


def test_docs_data_is_named_only_for_the_shipped_files(tmp_path: Path):
    shipped = ROOT / "scenarios" / "catalog.yaml"
    assert is_shipped("catalog.yaml", file_sha256(shipped))
    copy = tmp_path / "catalog.yaml"
    shutil.copyfile(shipped, copy)
    assert is_shipped("catalog.yaml", file_sha256(copy))  # the same bytes, elsewhere
    copy.write_text(copy.read_text() + "\n# edited\n")
    assert not is_shipped("catalog.yaml", file_sha256(copy))
    assert not is_shipped("catalog_bare.yaml", file_sha256(shipped))
    layer = ROOT / "geodata" / "yunnan" / "redline_proxy.geojson"
    assert is_shipped("redline_proxy.geojson", file_sha256(layer))
    assert not is_shipped("redline.geojson", file_sha256(layer))
