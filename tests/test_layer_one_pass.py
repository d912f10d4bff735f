"""Bad input is told in one pass: a layer whose geometry GEOS cannot build (an unclosed ring) is
still read, so that its other problems (a feature without geometry, a value that is no number,
a duplicate id) are named beside it; and a capacity target in the wrong unit is noticed with the
file and line that wrote it, as every other notice on the scenario's keys is."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import siting
from siting.config.errors import Notice
from tests.conftest import run_bad

ROOT = Path(__file__).parent.parent
SCENARIO = "yunnan_2024.yaml"


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped scenarios and their Yunnan layers, laid out as in the repository;
    the path of the copy of the shipped scenario."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "geodata" / "yunnan", tmp_path / "geodata" / "yunnan")
    return tmp_path / "scenarios" / SCENARIO


def edit_layer(path: Path, change: Callable[[list[dict]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["features"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def refused(scenario: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The message of a refused solve of `scenario` (exit 2, no traceback, no output folder)."""
    from siting.cli import main

    out = scenario.parent / "out"
    code = main(["solve", str(scenario), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()
    return captured.err.replace(str(scenario.parent.parent) + "/", "")


# --- a geometry GEOS cannot build, beside other problems of the same layer ------------------------


def break_sites(features: list[dict]) -> None:
    """The 2nd site's ring loses its closing vertex, the 4th site loses its geometry, the 6th's
    usable area is a word, and the 8th takes the 7th's id."""
    features[1]["geometry"]["coordinates"][0].pop()
    features[3]["geometry"] = None
    features[5]["properties"]["usable_area_ha"] = "lots"
    features[7]["properties"]["site_id"] = features[6]["properties"]["site_id"]


def test_an_unclosed_ring_is_told_with_every_other_problem_of_the_sites_layer(shipped: Path, capsys):
    sites = shipped.parent.parent / "geodata" / "yunnan" / "sites.geojson"
    features = json.loads(sites.read_text(encoding="utf-8"))["features"]
    ids = [f["properties"]["site_id"] for f in features]
    edit_layer(sites, break_sites)
    message = refused(shipped, capsys)
    at = "geodata/yunnan/sites.geojson"
    assert message.startswith("error: 4 problems in the input:\n"), message
    assert (f"  - {at}: geometry | the 2nd feature (site_id '{ids[1]}') has an unclosed ring; end every ring at its "
            "first point\n") in message
    assert (f"  - {at}: geometry | no geometry in the 4th feature (site_id '{ids[3]}'); remove it or draw it\n"
            in message)
    assert (f"  - {at}: field 'usable_area_ha' | not a number for the 6th feature (site_id '{ids[5]}') (got 'lots'); "
            "use a number\n") in message
    assert f"  - {at}: field 'site_id' " in message and f"'{ids[6]}' (the 7th and 8th features)" in message
    assert message.count("  - ") == 4


def test_an_unclosed_ring_is_not_also_told_as_a_feature_without_geometry(folder: Path, capsys):
    """The small scenario's lake loses its closing vertex and its category: both are told, and
    the lake is not said to have no geometry."""
    def change(features: list[dict]) -> None:
        features[0]["geometry"]["coordinates"][0].pop()
        features[0]["properties"]["category"] = None

    edit_layer(folder / "redline.geojson", change)
    message = run_bad(folder, capsys)
    assert message.startswith("error: 2 problems in the input:\n"), message
    assert ("  - redline.geojson: geometry | the 1st feature (zone_id 'lake') has an unclosed ring; end every ring at "
            "its first point\n") in message
    assert "redline.geojson: field 'category' |" in message
    assert "no geometry" not in message


def test_unclosed_rings_in_two_layers_are_told_at_once_with_the_features_at_fault(folder: Path, capsys):
    """A cluster and the lake each lose a ring's closing vertex, the other cluster's tariff is a
    word, and a site's usable area is a word: the four are told together."""
    def cluster(features: list[dict]) -> None:
        features[1]["geometry"]["coordinates"][0].pop()
        features[0]["properties"]["power_tariff_yuan_per_kwh"] = "cheap"

    edit_layer(folder / "clusters.geojson", cluster)
    edit_layer(folder / "redline.geojson", lambda features: features[0]["geometry"]["coordinates"][0].pop())

    def lots(features: list[dict]) -> None:
        features[2]["properties"]["usable_area_ha"] = "lots"

    edit_layer(folder / "sites.geojson", lots)
    message = run_bad(folder, capsys)
    assert message.startswith("error: 4 problems in the input:\n"), message
    assert "clusters.geojson: geometry | the 2nd feature (cluster_id 'east') has an unclosed ring" in message
    assert "clusters.geojson: field 'power_tariff_yuan_per_kwh' | not a number for the 1st feature" in message
    assert "redline.geojson: geometry | the 1st feature (zone_id 'lake') has an unclosed ring" in message
    assert ("sites.geojson: field 'usable_area_ha' | not a number for the 3rd feature (site_id 'e_city') "
            "(got 'lots')") in message


# --- a capacity target in the wrong unit, named by file and line ------------------------------


def test_a_target_in_the_wrong_unit_is_noticed_at_the_file_and_line_that_wrote_it(shipped: Path) -> None:
    """The separator's unit is million m2: 1.5e9 written in the scenario file (1.5 bn m2 in m2)."""
    text = shipped.read_text(encoding="utf-8")
    assert text.count("separator: {2024: 1500}") == 1
    shipped.write_text(text.replace("separator: {2024: 1500}", "separator: {2024: 1.5e9}"), encoding="utf-8")
    line = next(i for i, row in enumerate(shipped.read_text(encoding="utf-8").splitlines(), start=1)
                if "separator: {2024: 1.5e9}" in row)
    notices = [n for n in siting.load(shipped).prepared.notices if "Targets are in the catalog's unit" in n]
    assert len(notices) == 1
    notice = notices[0]
    assert isinstance(notice, Notice)
    told = (f"{SCENARIO}:{line}: targets.capacity.separator.2024 | the target, 1,500,000,000 million m2/yr, is more "
            "than 1,000 times all that the sites could hold of Separator")
    assert str(notice).startswith(told), notice
    assert f"{SCENARIO}:{line}: targets.capacity.separator.2024 | " in notice.shown


def test_a_target_in_the_wrong_unit_given_on_the_command_line_names_the_override(shipped: Path) -> None:
    notices = [n for n in siting.load(shipped, overrides=["targets.capacity.separator={2024: 1.5e9}"]).prepared.notices
               if "Targets are in the catalog's unit" in n]
    assert len(notices) == 1
    assert str(notices[0]).startswith(f"{SCENARIO}: overrides targets.capacity.separator.2024 | the target, "), notices
