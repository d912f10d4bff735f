"""A problem in a layer read from a file of several layers (a GeoPackage) names the layer read
beside the file ("layers.gpkg (layer 'clusters'): field 'site_id' | ..."), so that a user whose
file holds the sites, sources and clusters sees which of them is wrong; a problem with the
`layer` setting itself (no layer of that name) keeps its words."""

from __future__ import annotations

from pathlib import Path

from test_layer_input import geopackage_of_two_layers

from tests.conftest import edit, run_bad


def test_a_problem_in_a_named_layer_names_it(folder: Path, capsys) -> None:
    geopackage_of_two_layers(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: layers.gpkg, layer: clusters}")
    out = run_bad(folder, capsys)
    problems = [line for line in out.splitlines() if line.startswith("  - ")]
    assert problems
    assert all(line.startswith("  - layers.gpkg (layer 'clusters'): ") for line in problems)
    assert "  - layers.gpkg (layer 'clusters'): field 'site_id' | missing from the sites layer" in out


def test_an_unknown_layer_keeps_its_words(folder: Path, capsys) -> None:
    geopackage_of_two_layers(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: layers.gpkg, layer: sites}")
    assert "  - layers.gpkg: layers.sites.layer | no layer of that name in the file (got 'sites')" in run_bad(folder,
                                                                                                          capsys)


def test_a_value_problem_in_a_named_layer_names_it(folder: Path, capsys) -> None:
    import geopandas as gpd

    sites = gpd.read_file(folder / "sites.geojson")
    sites.loc[0, "usable_area_ha"] = -5.0
    sites.to_file(folder / "layers.gpkg", layer="candidate_sites")
    gpd.read_file(folder / "clusters.geojson").to_file(folder / "layers.gpkg", layer="clusters")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: layers.gpkg, layer: candidate_sites}")
    out = run_bad(folder, capsys)
    problems = [line for line in out.splitlines() if line.startswith("  - ")]
    assert problems and all(line.startswith("  - layers.gpkg (layer 'candidate_sites'): field 'usable_area_ha' | ")
                            for line in problems)


def test_a_notice_on_a_named_layer_names_it_in_both_its_forms(folder: Path) -> None:
    import geopandas as gpd

    from siting.config.load import load_scenario
    from siting.prepare.layers import load_layers

    sites = gpd.read_file(folder / "sites.geojson").rename(columns={"name": "Name"})
    sites.to_file(folder / "layers.gpkg", layer="candidate_sites")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: layers.gpkg, layer: candidate_sites}")
    notices = [n for n in load_layers(load_scenario(folder / "scenario.yaml")).notices if "'Name' is not read" in n]
    assert len(notices) == 1
    assert str(notices[0]).startswith("layers.gpkg (layer 'candidate_sites'): field 'Name' is not read")
    assert "layers.gpkg (layer 'candidate_sites'): field 'Name' is not read" in notices[0].shown
