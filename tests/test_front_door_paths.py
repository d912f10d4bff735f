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
from test_front_details import problems

import siting
from siting.cli import main
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
        "small/scenario.yaml: --set catalog | no such file (got '~/nocat.yaml'); give the path of the catalog file "
        "(a relative path in --set starts at the current folder)"]


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
        f"small/scenario.yaml: --set catalog | no such file (got '{catalog}'); give the path of the catalog file (a "
        "relative path in --set starts at the current folder)"]
    (base / "out").mkdir()
    (base / "out" / "mine.txt").write_text("not siting's")
    code = main(["solve", "small/scenario.yaml", "--set", f"output.folder={base / 'out'}"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n"
        f"  - small/scenario.yaml: --set output.folder | the output folder is a folder without a .siting-run marker, "
        f"holding files siting did not write: mine.txt (got {base / 'out'}); choose another folder, or empty this "
        "one: a run replaces only an empty folder or one it wrote\n")
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
    assert ("print the fully resolved scenario (extends, variant and --set applied); checks its settings, not its "
            "layers (siting check does) positional arguments:") in text
    assert ("It checks the scenario file and "
            "every variant against the schema (keys, types, ranges, references between settings, solver options), "
            "reads and checks the catalog and committed-projects files it names, and checks that the calibration "
            "files and the allowed-zone layer exist. It opens no layer: whether the layers (clusters, sites, red "
            "line, sources, context, allowed zone) exist, are readable, have a known CRS and hold the columns and "
            "ids the scenario names is checked by `siting check`, which writes nothing, and by `siting solve` (and "
            "`compare` and `sweep`) before it solves, as is the output folder.") in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert ("show print the fully resolved scenario (extends, variant and --set applied); checks its settings, not "
            "its layers (siting check does)") in " ".join(capsys.readouterr().out.split())


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
        "small/catalog.yaml:12: products.fepo4.modules[0] (fepo4_100kt).lifetime_yr "
        "| required key is missing; add the years over "
        "which the module's capex is recovered: typically 15 yr for a chemical or materials plant, 10 yr for a cell "
        "line, e.g. lifetime_yr: 15, with its source under the module's sources, e.g. lifetime_yr: 'assumption: 15 "
        "years for chemical and materials plants (typical depreciation 10-20 years)'"]


#: How the small catalog writes fepo4's prices.
FEPO4_PRICES = "price_yuan_per_unit: {base: {2023: 12000, 2024: 10000}, flat: {2023: 10000, 2024: 10000}}"
#: The end of the message of a price given in another shape: in fepo4's unit, t, under the small
#: catalog's first price path (tests/test_catalog_price_unit_example.py).
PRICE_FIX = "in yuan/t, under each price path of price_paths"


@pytest.mark.parametrize(("written", "got", "example"), [
    ("price_yuan_per_unit: 10000", "10000", "{base: {2022: 10000, 2023: 10000, 2024: 10000}} (the 10000 given, in "
     "every year)"),
    ("price_yuan_per_unit: {2023: 12000, 2024: 10000}", "years 2023, 2024 with no price path above them",
     "{base: {2023: 12000, 2024: 10000}} (the prices given, under base)"),
    ("price_yuan_per_unit: {base: [12000, 10000], flat: 10000}", "'base': a list; 'flat': 10000",
     "{base: {2022: 12000, 2023: 12000, 2024: 12000}} (the 12000 given, in every year)"),
])
def test_a_price_in_another_shape_is_one_problem_with_an_example(base: Path, written: str, got: str, example: str):
    """Before: "must be a mapping of keys to values ...; write one 'key: value' line per entry under
    it", and for years without a path, four problems, two telling to quote the years as text."""
    edit(base / "small" / "catalog.yaml", FEPO4_PRICES, written)
    assert problems(load_scenario, "small/scenario.yaml") == [
        f"small/catalog.yaml:10: products.fepo4.price_yuan_per_unit | must give prices by price path, then year (got "
        f"{got}); write it as e.g. price_yuan_per_unit: {example}, {PRICE_FIX}"]


def test_an_import_price_in_another_shape_is_told_its_shape(base: Path):
    edit(base / "small" / "catalog.yaml", "import_price_yuan_per_t: {base: {2023: 400, 2024: 300}, flat: {2023: 300, "
         "2024: 300}}", "import_price_yuan_per_t: {2023: 400, 2024: 300}")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t | must give import prices by price "
        "path, then year (got years 2023, 2024 with no price path above them); write it as e.g. "
        "import_price_yuan_per_t: {base: {2022: 1200, 2023: 1200, 2024: 1150}, flat: {2022: 1150, 2023: 1150, 2024: "
        "1150}}, in yuan/t, under each price path of price_paths"]


def test_a_product_s_resources_are_checked_with_its_schema_problems(base: Path):
    """An old-format product: its price under the old key, and a resource the catalog has no entry
    for. Both come in one round; before, the resource only once the price was mended."""
    edit(base / "small" / "catalog.yaml", FEPO4_PRICES, "output_value_yuan_per_unit: {base: 12000}")
    edit(base / "small" / "catalog.yaml", "resources_t_per_unit: {phosphate_rock: 2.0}",
         "resources_t_per_unit: {phosphate_rock: 2.0, manganese: 0.1}")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/catalog.yaml:10: products.fepo4.output_value_yuan_per_unit | replaced by price_yuan_per_unit; give the "
        "price by price path and year, in yuan/t, e.g. price_yuan_per_unit: {base: {2022: 12000, 2023: 12000, 2024: "
        "12000}} (the 12000 given, in every year)",
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


# --- 7. every path the user gives starts at the home folder when it starts with ~ --------------------


def test_solution_write_and_the_schema_s_out_expand_a_home_path(base: Path, capsys):
    """`Solution.write("~/runs/one")`, `Alternatives.write` (the same `output_folder`) and `siting schema
    --out '~/schema.json'` write in the home folder, and say so as typed; before, each made a folder
    literally named `~` in the current folder."""
    from siting.api import output_folder

    solution = siting.solve("small/scenario.yaml")
    assert solution.write("~/runs/one") == (base / "home" / "runs" / "one").resolve()
    assert (base / "home" / "runs" / "one" / "plan.csv").is_file()
    assert output_folder(solution.problem.loaded, "~/runs/two") == (base / "home" / "runs" / "two").resolve()
    assert main(["schema", "--out", "~/schema.json"]) == 0
    assert capsys.readouterr().out == "scenario schema written to ~/schema.json\n"
    assert (base / "home" / "schema.json").is_file()
    assert not (base / "~").exists()


def test_a_scenario_path_from_the_home_folder_is_expanded_by_every_entry(base: Path, capsys):
    """`siting show '~/small/scenario.yaml'` (quoted: the shell leaves it) reads the file in the home
    folder, as solve, compare and sweep do; a missing one is named as typed, without the hint on
    relative paths. Before: show sought `./~/small/scenario.yaml`, and Python's calls named the
    missing file by its absolute path."""
    shutil.copytree(SMALL, base / "home" / "small")
    assert main(["show", "~/small/scenario.yaml"]) == 0
    assert capsys.readouterr().out.startswith("name: small\n")
    assert load_scenario("~/small/scenario.yaml").scenario_path == (base / "home" / "small" / "scenario.yaml").resolve()
    missing = ["~/proj/nope.yaml: no such scenario file; check its path"]
    assert problems(siting.run, "~/proj/nope.yaml") == missing
    assert problems(siting.load, "~/proj/nope.yaml") == missing
    assert problems(siting.solve, "~/proj/nope.yaml") == missing
    assert problems(siting.sweep, "~/proj/nope.yaml", {"constraints.redline.buffer_m": [0]}) == missing
    assert problems(siting.compare, ["~/proj/nope.yaml", "small/scenario.yaml"]) == missing
    assert problems(load_scenario, "~/proj/nope.yaml") == missing
    assert main(["show", "~/proj/nope.yaml"]) == 2
    assert capsys.readouterr().err == f"error: 1 problem in the input:\n  - {missing[0]}\n"


def test_an_output_folder_from_the_home_folder_is_named_as_typed(base: Path, capsys, monkeypatch):
    """`--out '~/afile/x'` under a file `~/afile`: named as typed, as `--set output.folder=~/afile/x`
    is, and so is the file in the way, from a current folder outside the home folder (before:
    `(got <home>/afile/x)`, and `<home>/afile is a file` for both), and the scenario, typed
    `../small/scenario.yaml` (before: its absolute path); the end-of-run line names
    `--out=~/outA` as typed (before: its absolute path)."""
    monkeypatch.chdir(base / "other")
    (base / "home" / "afile").write_text("")
    end = "the output folder cannot be created: ~/afile is a file (got ~/afile/x); choose another folder\n"
    assert main(["solve", "../small/scenario.yaml", "--out", "~/afile/x", "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: 1 problem with the output folder:\n  - --out | {end}"
    assert main(["solve", "../small/scenario.yaml", "--set", "output.folder=~/afile/x", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"error: 1 problem with the output folder:\n  - ../small/scenario.yaml: --set output.folder | {end}")
    assert main(["solve", "../small/scenario.yaml", "--out=~/outA", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "outputs written to ~/outA"
    assert (base / "home" / "outA" / "plan.csv").is_file()


# --- 8. what an override may not set, and messages in the user's words ------------------------------


@pytest.mark.parametrize(("setting", "problem"), [
    ("extends=../other/base.yaml", "--set extends | extends is part of a scenario file's structure, not a setting; "
     "write extends: <base scenario file> at the top of a scenario file, and give that file"),
    ("variants.x.name=y", "--set variants.x.name | variants are part of a scenario file's structure, not settings; "
     "write the variant under variants: in a scenario file, and choose it with --variant NAME"),
])
def test_extends_and_variants_are_refused_as_overrides(base: Path, capsys, setting: str, problem: str):
    """Before: accepted and ignored (exit 0): both are applied before any override."""
    assert main(["show", "small/scenario.yaml", "--set", setting]) == 2
    assert capsys.readouterr().err == f"error: 1 problem in the input:\n  - small/scenario.yaml: {problem}\n"
    key, _, value = setting.partition("=")
    assert problems(siting.load, "small/scenario.yaml", overrides={key: value}) == [
        "small/scenario.yaml: " + problem.replace("--set", "overrides").replace("--variant NAME", "variant='NAME'")]


def test_a_missing_file_is_named_once_when_given_so(base: Path):
    """Before: `(got 'nope.yaml', which is nope.yaml)`; a file found elsewhere is still named both ways."""
    overrides = {"calibration.mode": "choose", "calibration.reference": "nope.yaml"}
    assert problems(load_scenario, "small/scenario.yaml", overrides=tuple(overrides.items())) == [
        "small/scenario.yaml: --set calibration.reference | no such file (got 'nope.yaml'); give the path of a "
        "committed-projects file (a relative path in --set starts at the current folder)"]
    edit(base / "small" / "scenario.yaml", "catalog: catalog.yaml", "catalog: nope.yaml")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/scenario.yaml:4: catalog | no such file (got 'nope.yaml', which is small/nope.yaml); give the path of "
        "the catalog file (relative paths start at the folder of the file that names it)"]


def test_a_rule_across_settings_says_what_was_given_without_python_s_words(base: Path):
    """Before: `(got dict)`, and `(got list)` for a list where a number belongs."""
    zone = (("candidates.cell_size_m", 5000), ("candidates.allowed_zone.path", "small/redline.geojson"),
            ("candidates.allowed_zone.field", "nofield"))
    assert problems(load_scenario, "small/scenario.yaml", overrides=zone) == [
        "small/scenario.yaml: --set candidates.allowed_zone | give `field` and `values` together, or neither (every "
        "polygon allowed) (got field 'nofield' without values); list the values of 'nofield' that are allowed, or "
        "leave field out"]
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("objective.discount_rate", [1]),)) == [
        "small/scenario.yaml: --set objective.discount_rate | must be a number (got a list); write the number alone, "
        "as a share, e.g. 0.05 for 5 %"]


def test_a_geojson_layer_given_as_the_scenario_is_told_so(base: Path, capsys):
    """Before: nine problems, among them `features | unknown key; did you mean 'years'?`."""
    assert main(["show", "small/clusters.geojson"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - small/clusters.geojson: is a GeoJSON layer, not a scenario file; give "
        "the scenario YAML that names it, e.g. scenarios/yunnan_2024.yaml\n")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no folder can be made")
def test_an_output_folder_in_a_folder_that_allows_none_reads_naturally(base: Path, capsys):
    """Before: `cannot be written: No such file or directory in /proc`."""
    assert main(["solve", "small/scenario.yaml", "--out", "/proc/zz", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n  - --out | the output folder cannot be created: /proc does not "
        "allow new folders, the system says \"No such file or directory\" (got /proc/zz); choose a folder you can "
        "write to\n")


def test_a_hint_missing_in_many_modules_is_given_once(base: Path):
    """A catalog without `lifetime_yr` in any module: the full hint once, the others point to it
    (before: the ~330-character hint three times)."""
    for written in ("lifetime_yr: 20, land_ha: 20}", "lifetime_yr: 20, land_ha: 10}", "lifetime_yr: 10, land_ha: 20}"):
        edit(base / "small" / "catalog.yaml", written, written.split(", ")[1])
    found = problems(load_scenario, "small/scenario.yaml")
    assert found[0].startswith("small/catalog.yaml:12: products.fepo4.modules[0] (fepo4_100kt).lifetime_yr | "
                               "required key is missing; add the years over which the module's capex is recovered: "
                               "typically 15 yr")
    assert found[1:] == [
        f"small/catalog.yaml:{line}: products.{p}.modules[0] ({m}).lifetime_yr | required key is missing; add it: see "
        "products.fepo4.modules[0] (fepo4_100kt).lifetime_yr above for its typical value"
        for line, p, m in ((20, "lfp", "lfp_50kt"), (33, "cells", "cells_10gwh"))]
