"""Every output file is well formed: strict JSON where it is JSON, no NaN or Infinity in any
table, and every output geometry valid.

Checked on the outputs of:
- the small test scenario (tests/data/small);
- variants of it modelled on reported faults: a site exactly at its raw-material source with
  flows forced through it (a zero-length line is invalid), a red-line box drawn in lon/lat,
  feature `id` members as geopandas and web tools write them, a polygon site;
- the shipped Yunnan scenario: those tests are in tests/test_shipped_scenario.py, which solves
  it once for its checks of the plan and of the files both (about 20 s).

JSON is parsed with `json.loads(..., parse_constant=...)` that refuses NaN and Infinity, as
RFC 8259 parsers and browsers do. A geometry is valid when shapely says so, it is not empty,
and a line has at least two distinct points. Each GeoJSON file has one geometry type and
lon/lat coordinates; each layer of plan.gpkg is checked the same way.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"
NON_FINITE_WORDS = {"nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}


def refuse_constant(token: str) -> None:
    raise ValueError(f"non-finite number {token} in JSON")


def strict_json(text: str) -> object:
    """Parse JSON as RFC 8259 does: NaN, Infinity and -Infinity are errors."""
    return json.loads(text, parse_constant=refuse_constant)


def geometry_problem(geometry: shapely.Geometry | None) -> str | None:
    """What is wrong with one output geometry, or None."""
    if geometry is None or geometry.is_empty:
        return "empty or null geometry"
    if not geometry.is_valid:
        return f"invalid: {shapely.is_valid_reason(geometry)}"
    for part in getattr(geometry, "geoms", [geometry]):
        if part.geom_type == "LineString" and len(set(part.coords)) < 2:
            return "a line without two distinct points"
        if part.geom_type == "Polygon" and part.area <= 0:
            return "a polygon of no area"
    return None


def check_geojson(name: str, text: str) -> list[str]:
    problems = []
    data = strict_json(text)
    assert isinstance(data, dict) and data.get("type") == "FeatureCollection", name
    kinds = {f["geometry"]["type"] for f in data["features"] if f.get("geometry")}
    if len(kinds) > 1:
        problems.append(f"{name}: several geometry types {sorted(kinds)}")
    for number, feat in enumerate(data["features"]):
        where = f"{name} feature {feat.get('id', number)!r}"
        raw = feat.get("geometry")
        problem = geometry_problem(shape(raw) if raw else None)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        x0, y0, x1, y1 = shape(raw).bounds
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            problems.append(f"{where}: coordinates are not lon/lat ({x0}, {y0}, {x1}, {y1})")
    return problems


def check_table(name: str, text: str) -> list[str]:
    bad = [(i, cell) for i, row in enumerate(csv.reader(io.StringIO(text)))
           for cell in row if cell.strip().lower() in NON_FINITE_WORDS]
    return [f"{name}: non-finite value {cell!r} in row {i}" for i, cell in bad[:5]]


def check_geopackage(path: Path) -> list[str]:
    problems = []
    for layer, _kind in pyogrio.list_layers(path):
        if layer == "layer_styles":
            continue
        frame = gpd.read_file(path, layer=str(layer))
        for fid, geometry in zip(frame.index, frame.geometry, strict=True):
            problem = geometry_problem(geometry)
            if problem:
                problems.append(f"{path.name} layer {layer} row {fid}: {problem}")
        numbers = frame.select_dtypes("number")
        for column in numbers.columns:
            values = numbers[column].dropna()
            if len(values) and not all(math.isfinite(float(v)) for v in values):
                problems.append(f"{path.name} layer {layer} column {column}: non-finite value")
    return problems


def output_problems(out: Path) -> list[str]:
    """Every problem in the output folder `out` (empty when all is well)."""
    problems = []
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert any(p.suffix == ".geojson" for p in files), f"no GeoJSON output in {out}"
    for path in files:
        name = str(path.relative_to(out))
        if path.suffix == ".geojson":
            problems += check_geojson(name, path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            strict_json(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv":
            problems += check_table(name, path.read_text(encoding="utf-8"))
        elif path.suffix == ".gpkg":
            problems += check_geopackage(path)
    return problems


# --------------------------------------------------------------------------------------------
# the test scenarios


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


def edit_features(path: Path, change: Callable[[list[dict]], None]) -> None:
    data = json.loads(path.read_text())
    change(data["features"])
    path.write_text(json.dumps(data, indent=1))


def site_at_its_source(case: Path) -> None:
    """w_mine moved onto the phosphate source rock_w (102.12 E, 24.62 N), with an output-value
    target of 50亿 yuan in 2024 and a full local share of fepo4, so that FePO4 is produced at
    w_mine from rock_w: a flow from the source to a site 0 km away. (Under the sales prices of the
    small catalog FePO4 and LFP are produced even without the target and the local share.)"""
    def move(features: list[dict]) -> None:
        for f in features:
            if f["properties"]["site_id"] == "w_mine":
                f["geometry"]["coordinates"] = [102.12, 24.62]
    edit_features(case / "sites.geojson", move)
    edit(case / "scenario.yaml", "    cells: {2024: 10}\n",
         "    cells: {2024: 10}\n  output_value_yuan: {2024: 5.0e9}\n")
    edit(case / "scenario.yaml", "  chain_balance:\n    enabled: false\n",
         "  chain_balance:\n    min_local_share: {fepo4: 1.0}\n")


def redline_box_in_lonlat(case: Path) -> None:
    """The red line is a lon/lat box 0.4 x 0.15 degrees (102.05-102.45 E, 24.60-24.75 N)
    whose long edges follow parallels, buffered 1 km."""
    def box(features: list[dict]) -> None:
        features[0]["geometry"]["coordinates"] = [[[102.05, 24.6], [102.45, 24.6], [102.45, 24.75],
                                                   [102.05, 24.75], [102.05, 24.6]]]
    edit_features(case / "redline.geojson", box)


def feature_id_members(case: Path) -> None:
    """Every feature of every layer carries a string `id` member, as geopandas' to_json()
    writes by default."""
    for layer, key in (("sites", "site_id"), ("clusters", "cluster_id"), ("redline", "zone_id"),
                       ("sources", "source_id")):
        def add_ids(features: list[dict], key: str = key) -> None:
            for f in features:
                f["id"] = str(f["properties"][key])
        edit_features(case / f"{layer}.geojson", add_ids)


def polygon_site(case: Path) -> None:
    """e_far is drawn as a 0.02 x 0.02 degree polygon (about 450 ha) instead of a point, with
    its usable area still given (30 ha)."""
    def draw(features: list[dict]) -> None:
        for f in features:
            if f["properties"]["site_id"] == "e_far":
                f["geometry"] = {"type": "Polygon", "coordinates": [[[103.44, 24.94], [103.46, 24.94],
                                                                     [103.46, 24.96], [103.44, 24.96],
                                                                     [103.44, 24.94]]]}
    edit_features(case / "sites.geojson", draw)


VARIANTS: dict[str, Callable[[Path], None] | None] = {
    "small": None,
    "site_at_its_source": site_at_its_source,
    "redline_box_in_lonlat": redline_box_in_lonlat,
    "feature_id_members": feature_id_members,
    "polygon_site": polygon_site,
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_outputs_of_test_scenarios_are_strict_json_with_valid_geometry(variant: str, tmp_path: Path, capsys):
    case = tmp_path / "case"
    shutil.copytree(DATA, case)
    change = VARIANTS[variant]
    if change is not None:
        change(case)
    out = tmp_path / "out"
    code = main(["solve", str(case / "scenario.yaml"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert output_problems(out) == []


def test_site_at_its_source_ships_what_it_uses(tmp_path: Path, capsys):
    """The variant above does exercise a flow of 0 km: FePO4 is produced at w_mine in both years
    (its modules need no lead time and its sales price, 12,000 then 10,000 yuan/t, far exceeds
    2 t of rock at 100 yuan/t), taking 2 t of rock per t from rock_w, which it sits on. Transport
    at 0 km is free but the rock is bought at the source, so shipping beyond use would only add
    cost; the plan shows exactly what is used: 2 x the FePO4 produced, in each year."""
    case = tmp_path / "case"
    shutil.copytree(DATA, case)
    site_at_its_source(case)
    out = tmp_path / "out"
    assert main(["solve", str(case / "scenario.yaml"), "--out", str(out)]) == 0
    capsys.readouterr()
    capacity = list(csv.DictReader(io.StringIO((out / "capacity.csv").read_text())))
    fepo4 = {r["year"]: float(r["production"]) for r in capacity if (r["site"], r["product"]) == ("w_mine", "fepo4")}
    assert fepo4["2023"] > 0 and fepo4["2024"] > 0
    sources = {f["id"]: f["properties"] for f in strict_json((out / "sources.geojson").read_text())["features"]}
    assert (sources["rock_w"]["shipped_t_2023"], sources["rock_w"]["shipped_t_2024"]) == (
        2 * fepo4["2023"], 2 * fepo4["2024"])


def test_the_checks_catch_what_they_look_for():
    """The checker itself: NaN and Infinity tokens, a zero-length line, a bowtie polygon and
    an `inf` table cell are each reported."""
    with pytest.raises(ValueError, match="non-finite number NaN"):
        strict_json('{"a": NaN}')
    with pytest.raises(ValueError, match="non-finite number Infinity"):
        strict_json('{"a": Infinity}')
    line = {"type": "LineString", "coordinates": [[102.12, 24.62], [102.12, 24.62]]}
    bowtie = {"type": "Polygon", "coordinates": [[[102, 24], [103, 25], [103, 24], [102, 25], [102, 24]]]}
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {}, "geometry": line},
        {"type": "Feature", "id": "b", "properties": {}, "geometry": bowtie}]})
    problems = check_geojson("x.geojson", text)
    assert problems[0] == "x.geojson: several geometry types ['LineString', 'Polygon']"
    assert problems[1].startswith("x.geojson feature 'a': invalid: Too few points")
    assert problems[2].startswith("x.geojson feature 'b': invalid: Self-intersection")
    assert check_table("t.csv", "a,b\n1,inf\n") == ["t.csv: non-finite value 'inf' in row 1"]
