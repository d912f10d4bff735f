"""Bad input: a clear message naming the file, the key and the fix; exit code 2; no traceback;
no output folder written. Messages are matched whole."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest

from siting.cli import main
from tests.conftest import edit, run_bad

# `folder` (a copy of the small scenario), `edit` and `run_bad` are in tests/conftest.py.


def test_yaml_syntax_error_names_line_and_column(folder: Path, capsys):
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [2023, 2024")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:3:8: YAML syntax error: the '[' opened here is not closed before ':' at 4:8; close it "
        "with ']', or put ',' between its items\n"
    )


#: Lines of a scenario before the faulty one, so that the fault is on line 10.
NINE_LINES = "".join(f"key{i}: {i}\n" for i in range(1, 10))


@pytest.mark.parametrize(("text", "message"), [
    # a `[` never closed, with keys after it: PyYAML stops at the next key (11:5), the `[` is on line 10
    (NINE_LINES + "years: [2023, 2024\nname: x\n",
     "s.yaml:10:8: YAML syntax error: the '[' opened here is not closed before ':' at 11:5; close it with ']', or "
     "put ',' between its items"),
    # a `{` never closed, the file ending after a comma: PyYAML marks only the end of the file
    (NINE_LINES + "redline: {buffer_m: 1000,\n",
     "s.yaml:10:10: YAML syntax error: the '{' opened here is never closed; close it with '}'"),
    # a `[` inside a `{`, closed by the `}`: the `[` is named
    (NINE_LINES + "targets: {cells: [2023, 2024}\n",
     "s.yaml:10:18: YAML syntax error: the '[' opened here is not closed before '}' at 10:29; close it with ']', "
     "or put ',' between its items"),
    # two entries of a `{` without a comma between them
    (NINE_LINES + "redline: {buffer_m: 1000 enabled: true}\n",
     "s.yaml:10:10: YAML syntax error: the '{' opened here is not closed before ':' at 10:33; close it with '}', "
     "or put ',' between its entries"),
    # a quote never closed
    (NINE_LINES + 'name: "small\nyears: [2023]\n',
     "s.yaml:10:7: YAML syntax error: the quote '\"' opened here is never closed; close it where its text ends"),
    # a quote closed only by the opening quote of a later value: PyYAML stops on line 12
    (NINE_LINES + "name: 'small\nyears: [2023]\ncatalog: 'catalog.yaml'\n",
     "s.yaml:10:7: YAML syntax error: the quote \"'\" opened here runs on to the quote at 12:10 (YAML stops just "
     "after it, at 12:11); close it where its text ends"),
    # a key without its colon
    (NINE_LINES + "name small\nyears: [2023]\n",
     "s.yaml:10:1: YAML syntax error: the key that starts here has no ':' after it (none found before 11:1); write "
     "it as 'key: value'"),
    # a fault PyYAML marks where it is
    (NINE_LINES + "name:\n\tsmall\n",
     "s.yaml:11:1: YAML syntax error: a tab here: YAML indents with spaces, not tabs; replace the tab with spaces"),
])
def test_yaml_syntax_error_names_the_line_of_the_unclosed_bracket_or_quote(text: str, message: str):
    from siting.config.errors import InputError
    from siting.config.load import parse_yaml_text

    with pytest.raises(InputError) as err:
        parse_yaml_text(text, Path("s.yaml"))
    assert err.value.problems == [message]


def test_every_schema_problem_reported_at_once_with_did_you_mean(folder: Path, capsys):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {bufer_m: 1000}")
    edit(folder / "scenario.yaml", "  discount_rate: 0.1", "  discount_rate: 1.5")
    edit(folder / "scenario.yaml", "name: small\n", "name: small\ncolour: blue\n")
    assert run_bad(folder, capsys) == (
        "error: 3 problems in the input:\n"
        "  - scenario.yaml:2: colour | unknown key; allowed keys: extends, name, description, years, catalog, "
        "price_path, committed_projects, layers, network, calibration, candidates, spatial, targets, constraints, "
        "objective, solver, output, variants\n"
        "  - scenario.yaml:22: constraints.redline.bufer_m | unknown key; did you mean 'buffer_m'?\n"
        "  - scenario.yaml:33: objective.discount_rate | must be less than 1: a share, not a percent (got 1.5)"
        "; give 0.015 for 1.5 %\n"
    )


def test_unknown_product_and_year_outside_periods(folder: Path, capsys):
    edit(folder / "scenario.yaml", "    cathode: [lfp]", "    cathode: [lpf]")
    edit(folder / "scenario.yaml", "    cells: {2024: 10}", "    cells: {2025: 10}")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - scenario.yaml:16: targets.groups.cathode[0] | unknown product (got 'lpf'); did you mean 'lfp'?\n"
        "  - scenario.yaml:19: targets.capacity.cells.2025 | year 2025 is outside the scenario's years "
        "[2023, 2024]; use one of them or extend 'years'\n"
    )


def test_missing_layer_file(folder: Path, capsys):
    (folder / "redline.geojson").unlink()
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: redline layer not found; check layers.redline.path at scenario.yaml:9 (relative paths "
        "start at the folder of the file that names it)\n"
    )


def test_layer_without_crs(folder: Path, capsys):
    frame = gpd.read_file(folder / "redline.geojson")
    frame = frame.set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.to_file(folder / "redline.shp")
    for suffix in (".prj",):
        (folder / f"redline{suffix}").unlink(missing_ok=True)
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.shp}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.shp: redline layer | has no CRS; assign one (for GeoJSON, coordinates are WGS84 lon/lat by "
        "RFC 7946; for a shapefile add the .prj)\n"
    )


def test_empty_layer(folder: Path, capsys):
    (folder / "redline.geojson").write_text('{"type": "FeatureCollection", "features": []}\n')
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: redline layer | has no features (a layer must not be empty); add the red-line polygons, "
        "or, for a plan without a red line, leave layers.redline out of the scenario\n"
    )


def bow_tie_redline(folder: Path) -> None:
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"] = [[[102.38, 24.88], [102.42, 24.92], [102.42, 24.88],
                                                       [102.38, 24.92], [102.38, 24.88]]]
    (folder / "redline.geojson").write_text(json.dumps(data))


def looped_redline(folder: Path) -> None:
    """The lake as the 0.04 degree square whose last edge overshoots its first corner by 0.0005
    degree: a loop of 1.2e-7 deg2 against its winding, which the repair keeps as a 2nd part."""
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"] = [[[102.38, 24.88], [102.42, 24.88], [102.42, 24.92],
                                                       [102.38, 24.92], [102.3805, 24.8795], [102.38, 24.88]]]
    (folder / "redline.geojson").write_text(json.dumps(data))


def test_invalid_geometry_rejected_when_asked(folder: Path, capsys):
    bow_tie_redline(folder)
    edit(folder / "scenario.yaml", "  detour_factor: 1.0", "  detour_factor: 1.0\n  invalid_geometry: reject")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: geometry | invalid geometry in the 1st feature (zone_id 'lake'): "
        "Self-intersection[102.4 24.9]; repair it or set spatial.invalid_geometry: repair\n"
    )


def test_invalid_geometry_repaired_and_reported(folder: Path, tmp_path: Path, capsys):
    """The looped square is repaired into the square and its loop; the repair is printed and kept in
    the manifest, with the areas: the square is 4.43 x 4.04 km = 17.9 km2 at 24.9 N, less the
    corner the last edge cuts off (0.6 %): 17.8 km2; the loop's 1.2e-7 deg2 (0.0015 km2) changes
    it by less than 1 % (a bow tie's repair, which adds both its
    lobes to a shoelace area of 0, is refused: tests/test_repairs_and_early_projects.py)."""
    looped_redline(folder)
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    repair = ("repaired the invalid geometry of the 1st feature (zone_id 'lake'): Self-intersection[102.38049382716 "
              "24.88]; 17.8 km2 as drawn, 17.8 km2 repaired (in 2 parts)")
    # On the terminal the file is named as the errors name it (here by its whole path: the test's
    # folder is not under the current one); in the manifest, relative to the scenario's folder.
    assert f"note: {folder}/redline.geojson: {repair}" in " ".join(printed.split())  # the note as wrapped, unwrapped
    notices = json.loads((out / "manifest.json").read_text())["notices"]
    assert notices == [f"redline.geojson: {repair}"]
    repaired = gpd.read_file(folder / "redline.geojson").geometry.iloc[0]
    fixed = gpd.GeoSeries([repaired]).make_valid().iloc[0]
    assert fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    crossing = 102.38 + 0.0005 * 0.04 / 0.0405  # where the last edge crosses the first
    assert min(g.area for g in fixed.geoms) == pytest.approx(0.5 * (crossing - 102.38) * 0.0005, rel=1e-6)


def test_unknown_cluster_in_lead_products(folder: Path, capsys):
    edit(folder / "scenario.yaml", "  differentiation:\n    enabled: false",
         "  differentiation:\n    enabled: false\n    lead_products: {wset: [lfp]}")
    line = (folder / "scenario.yaml").read_text().splitlines().index("    lead_products: {wset: [lfp]}") + 1
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - scenario.yaml:{line}: constraints.differentiation.lead_products.wset | unknown cluster (got 'wset'); "
        "did you mean 'west'?\n"
    )
    # Given on the command line, the same says so.
    edit(folder / "scenario.yaml", "\n    lead_products: {wset: [lfp]}", "")
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"), "--set",
                 "constraints.differentiation.lead_products={wset: [lfp]}"]) == 2
    assert "scenario.yaml: --set constraints.differentiation.lead_products.wset | unknown cluster" in (
        capsys.readouterr().err)


def test_existing_capacity_column_must_name_a_product(folder: Path, capsys):
    data = json.loads((folder / "sites.geojson").read_text())
    for feature in data["features"]:
        feature["properties"]["existing_lpf"] = 0.0
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'existing_lpf' | names no catalog product ('lpf'); rename it to "
        "existing_<product> with one of: fepo4, lfp, cells\n"
    )


def test_unknown_solver_option(folder: Path, capsys):
    edit(folder / "scenario.yaml", "  rel_gap: 0", "  rel_gap: 0\n  options: {mip_rel_gapp: 0.1}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:35: solver.options.mip_rel_gapp | unknown HiGHS option (got 'mip_rel_gapp'); did you mean "
        "'mip_rel_gap'?\n"
    )


def test_missing_scenario_file(tmp_path: Path, capsys):
    code = main(["solve", str(tmp_path / "nope.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"error: 1 problem in the input:\n  - {tmp_path / 'nope.yaml'}: no such scenario file; check its "
                   "path (a relative path starts at the current folder)\n")
