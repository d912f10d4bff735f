"""Resources on the map only: a catalog resource with `price_yuan_per_t: null` names a resource of
the sources layer that no product draws on. Its sources load without a notice, a product that
draws on it is refused, and a resource the catalog does not name at all is still noticed."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import MadeRun, edit, run_bad

from siting.prepare.problem import load_checked

ROOT = Path(__file__).parents[1]
#: The small catalog's last resource, after which the tests add one.
LAST_RESOURCE = 'lithium_clay: {unit: t, price_yuan_per_t: 50, sources: {price_yuan_per_t: "assumption: invented"}}'
ALUMINIUM = ('aluminium: {unit: t, price_yuan_per_t: null, sources: {price_yuan_per_t: "on the map only: an '
             'invented smelter; no product of this catalog draws on it"}}')


def add_resource(folder: Path, entry: str = ALUMINIUM) -> None:
    """Add `entry` to the resources of the small catalog."""
    edit(folder / "catalog.yaml", LAST_RESOURCE, f"{LAST_RESOURCE}, {entry}")


def set_source_resource(folder: Path, source_id: str, resource: str, status: str | None = None) -> None:
    """Give the source `source_id` of the small sources layer another resource (and status)."""
    path = folder / "sources.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        if feature["properties"]["source_id"] == source_id:
            feature["properties"]["resource"] = resource
            if status is not None:
                feature["properties"]["status"] = status
    path.write_text(json.dumps(data))


def test_a_source_of_a_resource_on_the_map_only_gives_no_notice(folder: Path):
    """The same layer gives the notice while the catalog does not name aluminium, and none once
    the catalog names it on the map only."""
    set_source_resource(folder, "li_clay", "aluminium")
    assert load_checked(folder / "scenario.yaml")[1].notices == [
        "sources.geojson: field 'resource' names no resource of the catalog for the 2nd feature (source_id 'li_clay') "
        "(got 'aluminium'): no product draws on it (a resource kept on the map only has an entry with "
        "price_yuan_per_t: null in the resources of catalog.yaml)"]
    add_resource(folder)
    loaded, layers, notices = load_checked(folder / "scenario.yaml")
    assert layers.notices == []
    assert notices == []
    assert loaded.catalog.resources["aluminium"].price_yuan_per_t is None


def test_a_resource_the_catalog_does_not_name_is_still_noticed(folder: Path):
    """With aluminium on the map only, a source of bauxite (named nowhere, like no name of the
    catalog) still gives the notice."""
    add_resource(folder)
    set_source_resource(folder, "li_clay", "bauxite")
    assert load_checked(folder / "scenario.yaml")[1].notices == [
        "sources.geojson: field 'resource' names no resource of the catalog for the 2nd feature (source_id 'li_clay') "
        "(got 'bauxite'): no product draws on it (a resource kept on the map only has an entry with "
        "price_yuan_per_t: null in the resources of catalog.yaml)"]


def test_a_producing_source_on_the_map_only_leaves_the_plan_as_it_was(small_run: MadeRun, folder: Path, capsys):
    """A producing aluminium source, on the map only: the run goes through the model and every
    output, and builds what it builds without the source (conftest's `small_run`)."""
    from siting.cli import main

    without = small_run.out
    add_resource(folder)
    set_source_resource(folder, "li_clay", "aluminium", status="producing")
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "with")]) == 0
    assert "names no resource" not in capsys.readouterr().err
    for name in ("capacity.csv", "plan.csv", "costs.csv"):
        assert (folder / "with" / name).read_bytes() == (without / name).read_bytes(), name
    sources = json.loads((folder / "with" / "sources.geojson").read_text())
    assert [f["properties"]["resource"] for f in sources["features"]] == ["phosphate_rock", "aluminium"]


def test_a_product_that_draws_on_a_resource_on_the_map_only_is_refused(folder: Path, capsys):
    add_resource(folder)
    edit(folder / "catalog.yaml", "resources_t_per_unit: {phosphate_rock: 2.0}",
         "resources_t_per_unit: {phosphate_rock: 2.0, aluminium: 0.1}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - catalog.yaml:13: products.fepo4.resources_t_per_unit.aluminium | resource 'aluminium' is on the map "
        "only (resources.aluminium.price_yuan_per_t is null): no product may draw on it; give it a price there, or "
        "draw on a priced resource: phosphate_rock, lithium_clay\n")


def test_a_resource_on_the_map_only_says_why_and_has_no_import_terms(folder: Path, capsys):
    add_resource(folder, "aluminium: {unit: t, price_yuan_per_t: null, import_price_yuan_per_t: {base: {2023: 1, "
                         "2024: 1}, flat: {2023: 1, 2024: 1}}, import_cap_t_per_yr: {2024: 5}}")
    assert run_bad(folder, capsys) == (
        "error: 3 problems in the input:\n"
        "  - catalog.yaml:4: resources.aluminium.price_yuan_per_t | null (a resource on the map only, which no "
        "product may draw on) with no sources.price_yuan_per_t saying why; say there what the resource is and why "
        "no product draws on it, or give the price paid at an in-province source (yuan/t)\n"
        "  - catalog.yaml:4: resources.aluminium.import_price_yuan_per_t | given for a resource on the map only "
        "(price_yuan_per_t: null), which no product may draw on; set it to null, or give the resource a "
        "price_yuan_per_t\n"
        "  - catalog.yaml:4: resources.aluminium.import_cap_t_per_yr | given for a resource on the map only "
        "(price_yuan_per_t: null), which no product may draw on; set it to null, or give the resource a "
        "price_yuan_per_t\n")


def test_a_resource_without_price_yuan_per_t_is_refused(folder: Path, capsys):
    """Leaving the price out does not put a resource on the map only: null is written. The message
    says what the key holds and in what unit (the schema's description), not a bare "add it", so
    that a catalog of an older schema can be ported from the message alone."""
    edit(folder / "catalog.yaml", "lithium_clay: {unit: t, price_yuan_per_t: 50, ", "lithium_clay: {unit: t, ")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - catalog.yaml:4: resources.lithium_clay.price_yuan_per_t | required key is missing; add it: price paid "
        "at an in-province source; null: on the map only, not priced, and no product may draw on it "
        "(sources.price_yuan_per_t says why) (yuan/t)\n")


def test_the_shipped_scenarios_load_without_notices_of_their_own_data():
    """The shipped catalog keeps copper concentrate and aluminium on the map only, as the sources
    layer holds them, and yunnan_2024 names every red-line category of its layer: no notice."""
    catalog = yaml.safe_load((ROOT / "scenarios" / "catalog.yaml").read_text(encoding="utf-8"))
    mapped = {r for r, e in catalog["resources"].items() if e["price_yuan_per_t"] is None}
    assert mapped == {"copper_concentrate", "aluminium"}
    for resource in mapped:
        assert set(catalog["resources"][resource]) == {"unit", "price_yuan_per_t", "sources"}
        assert not any(resource in p.get("resources_t_per_unit", {}) for p in catalog["products"].values())
    for name in ("yunnan_2024", "yunnan_2024_strict_redline"):
        loaded, layers, notices = load_checked(ROOT / "scenarios" / f"{name}.yaml")
        assert (layers.notices, notices) == ([], []), name
        sources = layers.sources
        assert sorted(sources.loc[sources["resource"].isin(mapped), "id"]) == [
            "aluminium_wenshan", "aluminium_zhanyi", "copper_dongchuan", "copper_yimen"]
        assert sorted(loaded.scenario.constraints.redline.categories or []) == sorted(set(layers.redline["category"]))
