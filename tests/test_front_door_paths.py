"""Paths and catalog figures at the front door:

- a path starting with `~` or `~user`, given with `--set`, in Python's `overrides`, among a
  sweep's values or written in a scenario file, is expanded as a shell would (os.path.expanduser),
  and messages name it as it was given (siting/config/load.py `home_expanded`, `located`,
  `given_path`, `shown_path`);
- an absolute path given as an override is named as given, also when it lies under the current
  folder;
- `siting show --help` says what `show` checks and what it leaves to `solve`;
- a module without `lifetime_yr` is told its typical value, unit and source;
- a figure by price path and year given in another shape is told so once, with a one-line example;
- the resources a product draws on are checked in the round of the catalog's schema problems.

The layout: `base/small/` (tests/data/small) and `base/other/` beside it, with the current folder
at `base`, and a home folder `base/home/` (HOME) holding a copy of the sites layer.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import absolute_paths, from_current_folder, load_scenario, shown_path
from siting.deliver.folders import extends_chain, input_files
from siting.prepare.problem import load_checked
from siting.runs.batch import sweep_cases
from tests.conftest import SMALL, edit

#: The message of a sites layer that `--set` names and that is missing, after its path.
NOT_FOUND = (": sites layer not found; check --set layers.sites.path (a relative path in --set starts at the current "
             "folder)")


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`small/`, `other/` and `home/` (the home folder, with `sites2.geojson`, the small sites
    layer) in a folder that is the current one."""
    shutil.copytree(SMALL, tmp_path / "small")
    (tmp_path / "other").mkdir()
    (tmp_path / "home").mkdir()
    shutil.copy(SMALL / "sites.geojson", tmp_path / "home" / "sites2.geojson")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as raised:
        call(*args, **kwargs)
    return raised.value.problems


# --- 1. `~` expanded as a shell would --------------------------------------------------------------


def test_a_home_path_given_with_set_names_the_file_in_the_home_folder(base: Path, capsys):
    """`show` prints it as given; before: `../~/sites2.geojson`, a folder named `~` beside
    `small/`."""
    assert main(["show", "small/scenario.yaml", "--set", "layers.sites.path=~/sites2.geojson"]) == 0
    assert "  sites:\n    path: ~/sites2.geojson\n" in capsys.readouterr().out
    loaded = load_scenario("small/scenario.yaml", overrides=(("layers.sites.path", "~/sites2.geojson"),))
    assert loaded.resolve(loaded.scenario.layers.sites.path) == (base / "home" / "sites2.geojson").resolve()


def test_a_home_path_in_python_overrides_is_read_from_the_home_folder(base: Path):
    """The sites layer is moved out of `small/`: the run reads the one in the home folder (before:
    `small/../~/sites2.geojson`, not found)."""
    (base / "small" / "sites.geojson").unlink()
    problem = siting.load("small/scenario.yaml", overrides={"layers.sites.path": "~/sites2.geojson"})
    assert problem.prepared.layers.paths["sites"] == (base / "home" / "sites2.geojson").resolve()
    assert len(problem.prepared.layers.sites) == 4


def test_a_message_names_a_home_path_as_typed(base: Path, capsys):
    """An empty layer file in the home folder: the message is about that file, named as typed
    (before: `~/empty.geojson: sites layer not found`, a file sought in `base/~/`)."""
    (base / "home" / "empty.geojson").write_text("")
    code = main(["solve", "small/scenario.yaml", "--set", "layers.sites.path=~/empty.geojson", "--out", "out"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n"
        "  - ~/empty.geojson: the file is empty; give the sites layer as a GeoJSON, GeoPackage or shapefile\n")
    assert not (base / "out").exists()
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("catalog", "~/nocat.yaml"),)) == [
        "small/scenario.yaml: --set catalog | no such file (got '~/nocat.yaml', which is ~/nocat.yaml); give the "
        "path of the catalog file (a relative path in --set starts at the current folder)"]


def test_home_paths_are_not_rebased_and_an_unknown_user_s_is_a_relative_path(base: Path):
    """`~root/x.gpkg` names root's home folder from every folder; `~nosuchuser_3x/x.gpkg`, of a
    user the system does not know, is left as it is by a shell too: a relative path."""
    folder = (base / "small").resolve()
    assert from_current_folder("layers.sites.path", "~/x.gpkg", folder) == "~/x.gpkg"
    assert from_current_folder("layers.sites.path", "~root/x.gpkg", folder) == "~root/x.gpkg"
    assert from_current_folder("catalog", "~nosuchuser_3x/c.yaml", folder) == "../~nosuchuser_3x/c.yaml"


def test_a_sweep_s_home_paths_reach_its_workers_expanded_and_are_named_as_typed(base: Path, monkeypatch):
    """Each case is checked where the paths were typed; the worker's overrides hold the expanded
    path (pickled whole), and a worker in another folder loads the file in the home folder and
    names it as typed. Before: `base/~/sites2.geojson`, not found."""
    shutil.copy(SMALL / "sites.geojson", base / "home" / "sites3.geojson")
    cases, values, _keys, _inputs = sweep_cases(Path("small/scenario.yaml"),
                                                ["layers.sites.path=~/sites2.geojson,~/sites3.geojson"], None)
    assert values == [{"layers.sites.path": "~/sites2.geojson"}, {"layers.sites.path": "~/sites3.geojson"}]
    assert [c.overrides for c in cases] == [(("layers.sites.path", str(base / "home" / "sites2.geojson")),),
                                            (("layers.sites.path", str(base / "home" / "sites3.geojson")),)]
    sent = pickle.loads(pickle.dumps(cases[1].overrides))
    assert sent[0][1].given == "~/sites3.geojson"
    (base / "elsewhere").mkdir()
    monkeypatch.chdir(base / "elsewhere")
    loaded = load_checked(cases[1].scenario, None, sent)[0]
    assert loaded.resolve(loaded.scenario.layers.sites.path) == (base / "home" / "sites3.geojson").resolve()
    assert shown_path(base / "home" / "sites3.geojson") == "~/sites3.geojson"
    (base / "home" / "sites3.geojson").unlink()
    assert problems(load_checked, cases[1].scenario, None, sent) == ["~/sites3.geojson" + NOT_FOUND]
    assert absolute_paths((("output.folder", "/abs/runs"),)) == (("output.folder", "/abs/runs"),)


def test_home_paths_written_in_a_scenario_file_are_expanded(base: Path, capsys):
    """The catalog and a variant's sites layer in the home folder, and a base scenario naming the
    sites layer there: each is read from the home folder (before: sought in `small/~/`), and
    `show` prints each as written."""
    shutil.copy(SMALL / "catalog.yaml", base / "home" / "catalog.yaml")
    edit(base / "small" / "scenario.yaml", "catalog: catalog.yaml", "catalog: ~/catalog.yaml")
    with (base / "small" / "scenario.yaml").open("a") as stream:
        stream.write("variants:\n  moved: {layers: {sites: {path: ~/sites2.geojson}}}\n")
    loaded = load_scenario("small/scenario.yaml", "moved")
    assert loaded.catalog_path == (base / "home" / "catalog.yaml").resolve()
    assert loaded.resolve(loaded.scenario.layers.sites.path) == (base / "home" / "sites2.geojson").resolve()
    (base / "other" / "child.yaml").write_text("extends: ../small/scenario.yaml\nname: child\n")
    child = load_scenario("other/child.yaml", "moved")
    assert str(child.scenario.catalog) == "~/catalog.yaml"  # not rebased onto other/
    assert main(["show", "other/child.yaml", "--variant", "moved"]) == 0
    shown = capsys.readouterr().out
    assert "catalog: ~/catalog.yaml\n" in shown
    assert "  sites:\n    path: ~/sites2.geojson\n" in shown


def test_a_base_named_from_the_home_folder_is_an_input_file(base: Path):
    """A scenario that `extends: ~/small/scenario.yaml` is loaded from the home folder's base, and
    that base is among its input files (the manifest's `inputs`, the guard of the output folder):
    before, the chain sought `other/~/small/scenario.yaml` and left the base out without a word."""
    shutil.copytree(SMALL, base / "home" / "small")
    (base / "other" / "child.yaml").write_text("extends: ~/small/scenario.yaml\nname: child\n")
    loaded = load_scenario("other/child.yaml")
    assert loaded.scenario.name == "child"
    home_base = (base / "home" / "small" / "scenario.yaml").resolve()
    assert extends_chain(loaded.scenario_path) == [home_base]
    assert home_base in input_files(loaded)


# --- 2. an absolute path given as an override is named as given -------------------------------------


def test_an_absolute_path_given_with_set_is_named_absolute(base: Path, capsys):
    """Under the current folder; before: `other/nosites.geojson`, `small/nocat.yaml` and `out`."""
    layer = base / "other" / "nosites.geojson"
    code = main(["solve", "small/scenario.yaml", "--set", f"layers.sites.path={layer}", "--out", "out"])
    assert code == 2
    assert capsys.readouterr().err == f"error: 1 problem in the input:\n  - {layer}{NOT_FOUND}\n"
    catalog = base / "small" / "nocat.yaml"
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("catalog", str(catalog)),)) == [
        f"small/scenario.yaml: --set catalog | no such file (got '{catalog}', which is {catalog}); give the path of "
        "the catalog file (a relative path in --set starts at the current folder)"]
    (base / "out").mkdir()
    (base / "out" / "mine.txt").write_text("not siting's")
    code = main(["solve", "small/scenario.yaml", "--set", f"output.folder={base / 'out'}"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n"
        f"  - small/scenario.yaml: --set output.folder | the output folder is a folder with files that siting did not "
        f"write (it has no .siting-run marker) (got {base / 'out'}); choose another folder, or empty this one: a run "
        "replaces only an empty folder or one it wrote\n")
    assert (base / "out" / "mine.txt").read_text() == "not siting's"


def test_a_path_given_relative_is_still_named_from_the_current_folder(base: Path):
    """Only what was given absolute (or from home) is named as given, and only in the load that
    gave it."""
    layer = base / "other" / "nosites.geojson"
    load_scenario("small/scenario.yaml", overrides=(("layers.sites.path", str(layer)),))
    assert shown_path(layer) == str(layer)
    load_scenario("small/scenario.yaml", overrides=(("layers.sites.path", "other/nosites.geojson"),))
    assert shown_path(layer) == "other/nosites.geojson"


# --- 3. what `show` checks ---------------------------------------------------------------------------


def test_show_s_help_says_it_opens_no_layer_and_what_checks_them(capsys):
    with pytest.raises(SystemExit):
        main(["show", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ("Print the fully resolved scenario (extends, variant and --set applied). It checks the scenario file and "
            "every variant against the schema (keys, types, ranges, references between settings, solver options), "
            "reads and checks the catalog and committed-projects files it names, and checks that the calibration "
            "files and the allowed-zone layer exist. It opens no layer: whether the layers (clusters, sites, red "
            "line, sources, context, allowed zone) exist, are readable, have a known CRS and hold the columns and "
            "ids the scenario names is checked by `siting solve` (and by `compare` and `sweep`) before it solves, as "
            "is the output folder.") in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert ("show print the fully resolved scenario (extends, variant and --set applied); checks its settings, not "
            "its layers") in " ".join(capsys.readouterr().out.split())


def test_show_does_what_its_help_says(base: Path, capsys):
    """A missing sites layer passes `show` and fails `solve`; a missing catalog fails both."""
    (base / "small" / "sites.geojson").unlink()
    assert main(["show", "small/scenario.yaml"]) == 0
    assert main(["solve", "small/scenario.yaml", "--out", "out"]) == 2
    assert "small/sites.geojson: sites layer not found" in capsys.readouterr().err
    (base / "small" / "catalog.yaml").unlink()
    assert main(["show", "small/scenario.yaml"]) == 2


# --- 4-6. the catalog's figures -----------------------------------------------------------------------


def test_a_missing_lifetime_is_told_its_typical_value_unit_and_source(base: Path):
    edit(base / "small" / "catalog.yaml", "lifetime_yr: 20, land_ha: 20}", "land_ha: 20}")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/catalog.yaml:12: products.fepo4.modules[0].lifetime_yr | required key is missing; add the years over "
        "which the module's capex is recovered: typically 15 yr for a chemical or materials plant, 10 yr for a cell "
        "line, e.g. lifetime_yr: 15, with its source under the module's sources, e.g. lifetime_yr: 'assumption: 15 "
        "years for chemical and materials plants (typical depreciation 10-20 years)'"]


#: How the small catalog writes fepo4's prices.
FEPO4_PRICES = "price_yuan_per_unit: {base: {2023: 12000, 2024: 10000}, flat: {2023: 10000, 2024: 10000}}"
#: The end of the message of a price given in another shape, under the small catalog's price paths.
PRICE_FIX = ("write it as e.g. price_yuan_per_unit: {base: {2022: 22000, 2023: 15000}, flat: {2022: 17000, 2023: "
             "10000}}, in yuan per unit of the product, under each price path of price_paths")


@pytest.mark.parametrize(("written", "got"), [
    ("price_yuan_per_unit: 10000", "10000"),
    ("price_yuan_per_unit: {2023: 12000, 2024: 10000}", "years 2023, 2024 with no price path above them"),
    ("price_yuan_per_unit: {base: [12000, 10000], flat: 10000}", "'base': a list; 'flat': 10000"),
])
def test_a_price_in_another_shape_is_one_problem_with_an_example(base: Path, written: str, got: str):
    """Before: "must be a mapping of keys to values ...; write one 'key: value' line per entry under
    it", and for years without a path, four problems, two telling to quote the years as text."""
    edit(base / "small" / "catalog.yaml", FEPO4_PRICES, written)
    assert problems(load_scenario, "small/scenario.yaml") == [
        f"small/catalog.yaml:10: products.fepo4.price_yuan_per_unit | must give prices by price path, then year (got "
        f"{got}); {PRICE_FIX}"]


def test_an_import_price_in_another_shape_is_told_its_shape(base: Path):
    edit(base / "small" / "catalog.yaml", "import_price_yuan_per_t: {base: {2023: 400, 2024: 300}, flat: {2023: 300, "
         "2024: 300}}", "import_price_yuan_per_t: {2023: 400, 2024: 300}")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t | must give import prices by price "
        "path, then year (got years 2023, 2024 with no price path above them); write it as e.g. "
        "import_price_yuan_per_t: {base: {2022: 22000, 2023: 15000}, flat: {2022: 17000, 2023: 10000}}, in yuan/t, "
        "under each price path of price_paths"]


def test_a_product_s_resources_are_checked_with_its_schema_problems(base: Path):
    """An old-format product: its price under the old key, and a resource the catalog has no entry
    for. Both come in one round; before, the resource only once the price was mended."""
    edit(base / "small" / "catalog.yaml", FEPO4_PRICES, "output_value_yuan_per_unit: {base: 12000}")
    edit(base / "small" / "catalog.yaml", "resources_t_per_unit: {phosphate_rock: 2.0}",
         "resources_t_per_unit: {phosphate_rock: 2.0, manganese: 0.1}")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/catalog.yaml:10: products.fepo4.output_value_yuan_per_unit | replaced by price_yuan_per_unit; give the "
        "price by price path and year, e.g. price_yuan_per_unit: {observed: {2022: 22000, 2023: 15000}}",
        "small/catalog.yaml:13: products.fepo4.resources_t_per_unit.manganese | no entry for resource 'manganese' in "
        "resources; add its price and import terms there"]
    edit(base / "small" / "catalog.yaml", "lithium_clay: {unit: t, price_yuan_per_t: 50,",
         "lithium_clay: {unit: t, price_yuan_per_t: null,")
    edit(base / "small" / "catalog.yaml", "manganese: 0.1", "lithium_clay: 0.1")
    assert problems(load_scenario, "small/scenario.yaml")[1:] == [
        "small/catalog.yaml:13: products.fepo4.resources_t_per_unit.lithium_clay | resource 'lithium_clay' is on the "
        "map only (resources.lithium_clay.price_yuan_per_t is null): no product may draw on it; give it a price "
        "there, or draw on a priced resource: phosphate_rock"]



def test_python_s_scenario_path_and_output_folder_start_at_the_home_folder(base: Path):
    """`siting.run("~/small/scenario.yaml", out="~/runs/one")` reads the scenario in the home folder
    and writes the plan there, as a shell would expand both; no folder named `~` appears in the
    current folder (before: the scenario was sought in `./~/`, and the plan would have gone there)."""
    shutil.copytree(SMALL, base / "home" / "small")
    siting.run("~/small/scenario.yaml", out="~/runs/one")
    assert (base / "home" / "runs" / "one" / "plan.csv").is_file()
    assert not (base / "~").exists()
