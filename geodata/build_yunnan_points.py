#!/usr/bin/env python3
"""Build the hand-authored Yunnan layers shipped with `siting`.

Run from the repository root (after, or as part of, build_yunnan.py):

    python geodata/build_yunnan_points.py

This script is the single source of truth for every value in:

    geodata/yunnan/sites.geojson          candidate sites (footprint polygons)
    geodata/yunnan/sources.geojson        mineral / raw-material sources (points)
    geodata/yunnan/redline_proxy.geojson  PROXY for the ecological red line

Source ids "[n]" refer to the numbered reference list in geodata/README.md.
Values without a source id are marked "assumption" (or "derived" when computed
from sourced figures).  Coordinates marked "G" are approximations of a town or
district seat from general geographic knowledge, not checked against a
gazetteer; "S" means a source gives the coordinate.

Geometry construction and all area measurements use one regional Lambert
azimuthal equal-area projection (``AREA_CRS``, centred 25N 103E), so areas are
true areas on the WGS84 ellipsoid.  Output is WGS84 lon/lat rounded to 6
decimals, exterior rings counter-clockwise, written with the deterministic
writer of build_yunnan.py.

Checks (the build fails loudly if one does not hold):
- every geometry valid and non-empty;
- every site polygon lies inside its cluster polygon (clusters.geojson), does
  not overlap any red-line proxy polygon (lakes, lakeside zones, reserves,
  parks) nor another site, and any shift of a footprint from its nominal point
  stays within the stated coordinate uncertainty;
- each site's coord_confidence states the uncertainty of its nominal point
  ("G ±8 km" and unc_km 8.0); position_uncertainty_km adds any footprint shift;
- usable_area_ha <= polygon area;
- red-line proxy areas match the sourced (or stated assumed) area within 1 %
  (measured after rounding, both in AREA_CRS and in UTM 48N) and centroids lie
  within 0.5 km of the stated centre (not applicable to the Ailaoshan corridor
  and the lakeside rings, see notes);
- source points do not fall inside a lake polygon.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import Polygon, box, shape

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the data directory free of __pycache__
sys.path.insert(0, str(HERE))
from build_yunnan import (  # noqa: E402  (shared deterministic writer)
    OUT_DIR,
    fail,
    geometry_dict,
    round_geometry,
    write_feature_collection,
)

AREA_CRS = "+proj=laea +lat_0=25 +lon_0=103 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
CHECK_CRS = "EPSG:32648"  # second area check, WGS 84 / UTM 48N

_FWD = pyproj.Transformer.from_crs("EPSG:4326", AREA_CRS, always_xy=True)
_INV = pyproj.Transformer.from_crs(AREA_CRS, "EPSG:4326", always_xy=True)
_UTM = pyproj.Transformer.from_crs("EPSG:4326", CHECK_CRS, always_xy=True)


def to_area_crs(g):
    return shapely.transform(g, lambda c: np.column_stack(_FWD.transform(c[:, 0], c[:, 1])))


def to_lonlat(g):
    return shapely.transform(g, lambda c: np.column_stack(_INV.transform(c[:, 0], c[:, 1])))


def area_km2(g_lonlat) -> float:
    return to_area_crs(g_lonlat).area / 1e6


def area_km2_utm(g_lonlat) -> float:
    return shapely.transform(g_lonlat, lambda c: np.column_stack(_UTM.transform(c[:, 0], c[:, 1]))).area / 1e6


# --------------------------------------------------------------------------
# Global assumptions
# --------------------------------------------------------------------------

# Share of a site footprint that is developable industrial land (the rest:
# roads, green belts, utilities, setbacks).  Assumption.
DEVELOPABLE_SHARE = 0.6

# Width of the proxy lakeside zone (core protection zone of the "two lines")
# around each proxy lake, km.  Assumption, see LAKESIDE_NOTE.
LAKESIDE_RING_KM = 0.4

# Outer edge of the proxy lake buffer zone (second-level zone, between the lakeside
# ecological red line and the lake ecological yellow line), km from the shore.
# Estimate: the regulations define the zone but give no width, see BUFFER_ZONE_NOTE.
BUFFER_ZONE_OUTER_KM = 1.0

# A traced lake's area may differ from its sourced area by at most this share: GSHHG
# comes from 1:250,000 shorelines, and the sourced areas are for stated water levels.
TRACED_AREA_TOLERANCE = 0.20

# Vertices of each proxy ellipse.
ELLIPSE_VERTICES = 72

# --------------------------------------------------------------------------
# 1. Ecological red-line proxy
# --------------------------------------------------------------------------
# Each ellipse: centre (lat, lon) as compiled from the references (S = sourced, G =
# general knowledge), target area in km2, axis ratio (major/minor) and azimuth
# of the major axis (degrees clockwise from north).  Elongation and
# orientation are assumptions from general geographic knowledge of each
# feature's shape; the polygons are not traced from any map.

LAKES = [
    dict(
        zone_id="dianchi",
        name="Dianchi lake",
        name_zh="滇池",
        lat=24.85, lon=102.70, centre_conf="S: 24°51′N 102°42′E",
        area=298.0, area_sourced=298.0,
        ratio=4.2, azimuth=10.0,
        source="[60][61]",
        note="Water surface 298 km2 at 1886.3 m [60]; other sources give 300-330 km2 [61]. "
        "Ellipse ~40 km N-S (slightly NNE) x ~9.5 km, elongation/orientation assumed.",
    ),
    dict(
        zone_id="fuxian",
        name="Fuxian lake",
        name_zh="抚仙湖",
        lat=24.53, lon=102.88, centre_conf="G ±5 km",
        area=216.6, area_sourced=216.6,
        ratio=3.6, azimuth=5.0,
        source="[62]",
        note="216.6 km2 at 1722.5 m, mean depth 95.2 m [62]. Ellipse elongated N-S, "
        "elongation/orientation assumed; centre G ±5 km.",
    ),
    dict(
        zone_id="xingyun",
        name="Xingyun lake",
        name_zh="星云湖",
        lat=24.34, lon=102.77, centre_conf="G ±5 km",
        area=34.71, area_sourced=34.71,
        ratio=2.5, azimuth=20.0,
        source="[63]",
        note="34.71 km2, mean depth 7 m [63]. Elongation/orientation assumed; centre G ±5 km.",
    ),
    dict(
        zone_id="qilu",
        name="Qilu lake",
        name_zh="杞麓湖",
        lat=24.15, lon=102.78, centre_conf="S: 24°9′N 102°47′E",
        area=36.86, area_sourced=36.86,
        ratio=2.4, azimuth=90.0,
        source="[64]",
        note="36.86 km2, basin 341 km2 [64]. Ellipse elongated E-W (assumed).",
    ),
    dict(
        zone_id="yangzonghai",
        name="Yangzonghai lake",
        name_zh="阳宗海",
        lat=24.90, lon=103.00, centre_conf="S",
        area=31.68, area_sourced=31.68,
        ratio=3.5, azimuth=0.0,
        source="[65]",
        note="31.68 km2 at 1770.75 m, basin 192 km2 [65]. Ellipse elongated N-S (assumed).",
    ),
]

LAKESIDE_NOTE = (
    "ESTIMATE: uniform {w:g} km ring around the {shape}, standing in for the lakeside "
    "ecological red line / core protection zone (生态保护核心区, the first-level zone of the lake's "
    "regulation, where construction unrelated to the lake's protection is barred). The only sourced figure is 165.8 km2 for the "
    "core zones of all nine plateau lakes combined (water surface excluded) [58]; the five rings "
    "here total {tot:.1f} km2 ({pct:.0f} % of that for 5 of the 9 lakes), the same order of "
    "magnitude. Real zones follow the indented shoreline and local roads."
)

BUFFER_ZONE_NOTE = (
    "ESTIMATE: ring from {inner:g} km to {outer:g} km from the {shape}, standing in for the lake's "
    "ecological buffer zone (生态保护缓冲区, the second-level zone between the lakeside ecological "
    "red line and the lake ecological yellow line), where development and production construction "
    "that does not fit the zone's ecological function is to withdraw [114][115]. No regulation or "
    "source gives the yellow line's distance; the {outer:g} km edge is an estimate."
)

# The regulation behind each lake's protection zones (reference ids of geodata/README.md).
LAKE_REGULATIONS = {
    "dianchi": "[115][117]",
    "fuxian": "[113][114][115]",
    "xingyun": "[115]",
    "qilu": "[115]",
    "yangzonghai": "[115][116]",
}

RESERVES = [
    dict(
        zone_id="jiaozishan",
        name="Jiaozishan national nature reserve",
        name_zh="轿子山国家级自然保护区",
        category="nature_reserve",
        lat=26.08, lon=102.86, centre_conf="G ±10 km",
        area=164.56, area_sourced=164.56,
        ratio=2.0, azimuth=0.0,
        source="[66][67]",
        note="16,456 ha [66][67]; national since 2011. The real reserve has two parts "
        "(Jiaozishan and Pudu river); the proxy lumps them into one N-S ellipse. Centre G ±10 km.",
    ),
    dict(
        zone_id="yuanjiang",
        name="Yuanjiang national nature reserve",
        name_zh="元江国家级自然保护区",
        category="nature_reserve",
        lat=23.60, lon=101.95, centre_conf="G ±15 km",
        area=223.789, area_sourced=223.789,
        ratio=2.5, azimuth=135.0,
        source="[69]",
        note="22,378.9 ha [69]; national since 2012-01. Ellipse along the NW-SE Red River valley "
        "(orientation assumed). Centre G ±15 km.",
    ),
    dict(
        zone_id="huize_crane",
        name="Huize black-necked crane national nature reserve",
        name_zh="会泽黑颈鹤国家级自然保护区",
        category="nature_reserve",
        lat=26.55, lon=103.35, centre_conf="G ±20 km",
        area=129.0, area_sourced=None,
        ratio=1.5, azimuth=0.0,
        source="[70][71]",
        note="Area NOT sourced: ASSUMPTION 129 km2 (about 12,900 ha, a figure recalled from general "
        "knowledge and not verified in the cited sources). Covers the Daqiao and Changhaizi "
        "reservoirs ('Nianhu'); centre G ±20 km (the source also says about 54 km from the county "
        "town, which this centre does not reproduce).",
    ),
    dict(
        zone_id="dashanbao_crane",
        name="Dashanbao black-necked crane national nature reserve (Zhaotong, outside the clusters)",
        name_zh="大山包黑颈鹤国家级自然保护区",
        category="nature_reserve",
        lat=27.383, lon=103.267, centre_conf="S",
        area=192.0, area_sourced=192.0,
        ratio=1.5, azimuth=0.0,
        source="[72][73]",
        note="19,200 ha (core area 8,686 ha; Ramsar site 5,958 ha) [72][73]. In Zhaotong (Zhaoyang "
        "district), NOT in Huize or Qujing; lies outside all three clusters and is kept as a real "
        "protected area near their northern edge. Orientation assumed.",
    ),
    dict(
        zone_id="xundian_crane",
        name="Xundian black-necked crane provincial nature reserve",
        name_zh="寻甸黑颈鹤省级自然保护区",
        category="nature_reserve",
        lat=25.60, lon=103.00, centre_conf="G ±20 km",
        area=72.173, area_sourced=None,
        ratio=1.5, azimuth=0.0,
        source="[74]",
        note="Area NOT verified: the source prints '7217.3 km2', evidently garbled; ASSUMPTION "
        "7,217.3 ha = 72.17 km2. Uplands of Liushao/Dianshai/Jinsuo; centre G ±20 km.",
    ),
    dict(
        zone_id="xishan",
        name="Xishan forest park",
        name_zh="西山森林公园",
        category="forest_park",
        lat=24.95, lon=102.63, centre_conf="G ±3 km",
        area=8.89, area_sourced=8.89,
        ratio=2.0, azimuth=0.0,
        source="[76]",
        note="About 889 ha [76]. Ellipse along the N-S ridge west of Dianchi (orientation assumed). "
        "Centre G ±3 km.",
    ),
    dict(
        zone_id="zhujiang_source",
        name="Zhujiang (Pearl River) source, Maxiongshan",
        name_zh="珠江源(马雄山)",
        category="scenic_area",
        lat=25.85, lon=103.57, centre_conf="G ±20 km",
        area=50.0, area_sourced=None,
        ratio=1.5, azimuth=0.0,
        source="[75]",
        note="Provincial scenic area and national forest park [75]; area NOT found: ASSUMPTION "
        "50 km2 (round placeholder). Centre G ±20 km.",
    ),
]

# Ailaoshan: the reserve (67,700 ha [68], bbox 100.73-101.50 E, 23.60-24.93 N)
# straddles the Ailao crest, which forms the western boundary of Xinping
# county (Yuxi).  Only the Yuxi part is modelled: the part of Yuxi that lies
# inside the sourced bbox and within AILAOSHAN_HALF_WIDTH_KM of Yuxi's own
# boundary (i.e. a band on the Yuxi side of the crest); parts < 1 km2 dropped.
AILAOSHAN_HALF_WIDTH_KM = 2.0
AILAOSHAN_BBOX = (100.73, 23.60, 101.50, 24.93)
AILAOSHAN_TOTAL_KM2 = 677.0

# --------------------------------------------------------------------------
# 2. Candidate sites
# --------------------------------------------------------------------------
# footprint_ha: polygon area (square in AREA_CRS).  usable_area_ha =
# DEVELOPABLE_SHARE * footprint_ha - land of plants already existing at
# 2022-01-01 (where sourced).  shift_km: (east, north) shift of the footprint
# centre from the nominal point, used only where needed to clear the red-line
# proxy; must stay within unc_km.  unc_km: how far (km) the true place may lie
# from the nominal point, stated in conf ("G ±8 km"); position_uncertainty_km
# is how far it may lie from the drawn footprint's centre: unc_km plus the
# length of any shift (Jiangchuan: 5 + 1.5 = 6.5 km).
# Existing capacity at 2022-01-01: lfp t/yr, separator million m2/yr, anode
# t/yr, cells GWh/yr, fepo4 t/yr.

_GENERIC_FOOTPRINT = "Footprint 150 ha is an ASSUMPTION (generic county-level industrial park plot)."

SITES = [
    # ---- Kunming ----------------------------------------------------------
    dict(
        site_id="anning_caopu", cluster_id="kunming",
        name="Anning industrial park, Caopu area", name_zh="安宁产业园区草铺片区",
        lat=24.98, lon=102.37, unc_km=8.0, conf="G ±8 km",
        footprint_ha=2130.0, existing_land_ha=0.0,
        role="battery-materials base plus storage and power cells (Kunming plan)",
        source="[7][10][11][12][13][14][15][16][17][18]",
        note="Footprint = the 21.3 km2 of new park area planned for batteries in Anning [11][15][16], "
        "all placed here as an ASSUMPTION: Shanshan's 30万 t anode plant is in the Caopu area "
        "[12][13][14]; the Yuneng, Yuntianhua, Youtian and other FePO4/LFP projects are only "
        "stated to be in the Anning park [15][16][17][18]. The announced projects "
        "need roughly 450 ha (derived: 30万 t anode x 3.3 ha/10 kt [85] ≈ 100 ha; 2 x 50万 t "
        "FePO4+LFP x 1.7 ha/10 kt LFP [79] ≈ 170 ha; 50万 t LFP x 2.1 ha/10 kt [22] ≈ 105 ha; "
        "74万 t stand-alone FePO4 at an assumed 1 ha/10 kt ≈ 75 ha); the model charges a committed "
        "plant the land per unit of its product's largest catalog module instead (LFP 2.1, FePO4 1.5, "
        "anode 3.3 ha per 10 kt), which is more (docs/DATA.md, section 14). Nothing in production at 2022-01-01 (Yuneng phase 1 line "
        "2022-06-29 [10]; Shanshan 2024-01-11 [14]).",
    ),
    dict(
        site_id="anning_qilin", cluster_id="kunming",
        name="Anning industrial park, Qilin area", name_zh="安宁工业园区麒麟片区",
        lat=24.93, lon=102.43, unc_km=8.0, conf="G ±8 km",
        footprint_ha=150.0, existing_land_ha=10.16,
        existing_separator=30.0,
        role="battery-materials base plus storage and power cells (Kunming plan, Anning park)",
        source="[7][19]",
        note="Existing: Yuntianhua Newmi dry-process separator 3000万 m2/yr = 30 million m2/yr on "
        "152.35 亩 = 10.16 ha, 2.9亿 yuan, 2014 [19]; its status at 2022-01-01 is not verified "
        "(counted as existing). 10.16 ha subtracted from usable. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="chenggong", cluster_id="kunming",
        name="Chenggong industrial park", name_zh="呈贡产业园区",
        lat=24.89, lon=102.82, unc_km=8.0, conf="G ±8 km",
        footprint_ha=300.0, existing_land_ha=0.0,
        role="aluminium-foil and copper-foil base (Kunming plan)",
        source="[7]",
        note="No specific project found. Nominal point = Chenggong district seat. Footprint 300 ha "
        "is an ASSUMPTION (plan-designated base).",
    ),
    dict(
        site_id="dongchuan", cluster_id="kunming",
        name="Dongchuan industrial park", name_zh="东川产业园区",
        lat=26.08, lon=103.19, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="cascade (second-life) battery use (Kunming plan)",
        source="[7]",
        note="No project found. Nominal point = Dongchuan district seat. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="songming_yanglin", cluster_id="kunming",
        name="Songming, Yanglin area", name_zh="嵩明杨林片区",
        lat=25.26, lon=103.08, unc_km=5.0, conf="G ±5 km",
        footprint_ha=300.0, existing_land_ha=0.0,
        role="storage, power and consumer cells (Kunming plan)",
        source="[7]",
        note="No project found. Nominal point = Yanglin (Songming seat is 25.34, 103.04). Footprint "
        "300 ha is an ASSUMPTION (plan-designated base).",
    ),
    dict(
        site_id="kunming_etdz", cluster_id="kunming",
        name="Kunming economic and technological development zone", name_zh="昆明经开区",
        lat=24.97, lon=102.79, unc_km=6.0, conf="G ±6 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found",
        source="assumption (no battery-chain source found)",
        note="No battery-chain project found for 2021-24. " + _GENERIC_FOOTPRINT,
    ),
    # ---- Yuxi -------------------------------------------------------------
    dict(
        site_id="yuxi_longquan", cluster_id="yuxi",
        name="Yuxi high-tech zone, Longquan area", name_zh="玉溪高新区龙泉片区",
        lat=24.40, lon=102.55, unc_km=8.0, conf="G ±8 km",
        footprint_ha=450.0, existing_land_ha=0.0,
        role="none found (no Yuxi city plan in the sources)",
        source="[21][22][23][24][25][26]",
        note="Hosts Kuntian 20万 t anode [24][25] and EVE 10 GWh cells [25][26]; SEMCORP (恩捷) "
        "separator and Yeyang / Fengyuan / Tianli LFP are placed here too although their park is not "
        "stated [22][25]. Footprint 450 ha is an ESTIMATE sized to these projects: sourced land "
        "635 + 500 + 480 亩 = 107.6 ha [24][22] plus ≈150 ha derived for the rest (EVE 10 GWh x "
        "2.0 ha/GWh [103] ≈ 20 ha; Fengyuan 20万 t + Tianli 10万 t LFP x 2.1 ha/10 kt [22] ≈ 63 ha; "
        "Kuntian's other 12万 t x 5.3 ha/10 kt [24] ≈ 64 ha; recycling ≈5 ha assumed). Nothing counted as existing at 2022-01-01: the Yuxi framework agreement "
        "is dated 2022-02-16 [21] and the first phases came on line later (dates not sourced).",
    ),
    dict(
        site_id="yimen", cluster_id="yuxi",
        name="Yimen county", name_zh="易门县",
        lat=24.67, lon=102.16, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = county seat; Yimen copper "
        "deposit nearby [48]. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="huaning", cluster_id="yuxi",
        name="Huaning county", name_zh="华宁县",
        lat=24.19, lon=102.93, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = county seat. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="jiangchuan", cluster_id="yuxi",
        name="Jiangchuan district", name_zh="江川区",
        lat=24.29, lon=102.75, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = district seat, beside the Xingyun "
        "lake protection zone. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="tonghai", cluster_id="yuxi",
        name="Tonghai county", name_zh="通海县",
        lat=24.11, lon=102.76, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = county seat, beside the Qilu "
        "lake protection zone. " + _GENERIC_FOOTPRINT,
    ),
    # ---- Qujing -----------------------------------------------------------
    dict(
        site_id="qujing_etdz_xicheng_nanhaizi", cluster_id="qujing",
        name="Qujing ETDZ, Xicheng and Nanhaizi industrial areas", name_zh="曲靖经开区西城/南海子",
        lat=25.47, lon=103.74, unc_km=6.0, conf="G ±6 km",
        footprint_ha=692.0, existing_land_ha=20.0,
        existing_lfp=53000.0,
        role="new-energy-battery park, 6.92 km2 planned (Qujing ETDZ)",
        source="[8][9][27][28][29][30][31][33][34]",
        note="Footprint = the 6.92 km2 battery park planned in the zone [29]. Existing LFP "
        "53,000 t/yr = Qujing city total at end-2020 (Dynanonic / Qujing Lintie) [29], attributed "
        "here; its 2020 project sits in 西城 on 300 亩 = 20.0 ha [30], subtracted from usable. "
        "Conservative: provincial key firms reported 12万 t LFP in H1 2021 [8][9] and a 6万 t "
        "project started 2020-11 [29], but completion date and site of that increase are not "
        "sourced, so it is not counted. Defang-EVE 11万 t (trial 2022-05-08 [31]) and EVE Qujing "
        "23 GWh at 南海科技城 (construction from 2022-10 [33][34]) came after 2022-01-01.",
    ),
    dict(
        site_id="qujing_cuifeng_gaojiatun", cluster_id="qujing",
        name="Qujing Cuifeng subdistrict, Gaojiatun (Defang LMFP)", name_zh="曲靖翠峰街道高家屯",
        lat=25.51, lon=103.75, unc_km=8.0, conf="G ±8 km (assumed point; 高家屯 not located)",
        footprint_ha=60.0, existing_land_ha=0.0,
        role="Qujing ETDZ area (zone manages Cuifeng subdistrict); no separate plan role found",
        source="[27][32][33]",
        note="Site of Defang 11万 t 'new phosphate' (LMFP) cathode, 25.904亿 yuan, north of "
        "高家屯 reservoir, east of the Chihong plant [32]; in production about 2022-10 [33], so "
        "nothing existing at 2022-01-01. The nominal point is an ASSUMPTION inside the zone, "
        "about 4.5 km north of the zone's nominal point. Footprint 60 ha is an ASSUMPTION.",
    ),
    dict(
        site_id="zhanyi", cluster_id="qujing",
        name="Zhanyi industrial park (green hydro-aluminium park)", name_zh="沾益工业园区(曲靖绿色水电铝产业园)",
        lat=25.60, lon=103.82, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="green hydro-aluminium park (no battery role found)",
        source="[35][36]",
        note="Qujing green hydro-aluminium park is in the Zhanyi industrial park; Qujing has "
        "68万 t electrolytic Al [35][36] (relevant to Al foil). No battery-chain project found. "
        + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="luliang", cluster_id="qujing",
        name="Luliang county", name_zh="陆良县",
        lat=25.03, lon=103.67, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = county seat. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="malong", cluster_id="qujing",
        name="Malong district", name_zh="马龙区",
        lat=25.43, lon=103.58, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = district seat. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="xuanwei", cluster_id="qujing",
        name="Xuanwei city", name_zh="宣威市",
        lat=26.22, lon=104.10, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = city seat. " + _GENERIC_FOOTPRINT,
    ),
    dict(
        site_id="fuyuan", cluster_id="qujing",
        name="Fuyuan county", name_zh="富源县",
        lat=25.67, lon=104.25, unc_km=5.0, conf="G ±5 km",
        footprint_ha=150.0, existing_land_ha=0.0,
        role="none found", source="assumption (no battery-chain source found)",
        note="No battery-chain project found. Nominal point = county seat. " + _GENERIC_FOOTPRINT,
    ),
]

# Footprint shifts (km east, km north) needed to clear the red-line proxy.
# Determined once with this script's checks; each stays within unc_km.
SITE_SHIFTS_KM: dict[str, tuple[float, float]] = {
    # nominal footprint overlaps the Xingyun lake proxy and its lakeside and buffer zones; 1.0 km
    # clears the lakeside zone, 1.5 km also the buffer zone
    "jiangchuan": (0.0, -1.5),
}

EXISTING_COLS = ["existing_lfp", "existing_separator", "existing_anode", "existing_cells", "existing_fepo4"]

# Price of industrial land-use rights (50-year term), yuan/ha, by site. ASSUMPTION throughout: no
# park's price is in the sources. Order of magnitude: industrial land in Yunnan's parks is sold at
# about 10万-30万 yuan per 亩 (general knowledge, not verified), dearer near the Kunming city core
# and cheaper in county parks; 1 ha = 15 亩, so 10万 yuan/亩 = 1,500,000 yuan/ha.
LAND_PRICE_TIERS = {
    "kunming_core": (4_500_000.0, "30万 yuan/亩: zone at the edge of Kunming's city core"),
    "kunming_park": (3_000_000.0, "20万 yuan/亩: Kunming municipal park outside the core"),
    "prefecture_park": (2_250_000.0, "15万 yuan/亩: park at a prefecture city (Yuxi, Qujing)"),
    "county_park": (1_500_000.0, "10万 yuan/亩: county-level park"),
}
SITE_LAND_TIER = {
    "anning_caopu": "kunming_park", "anning_qilin": "kunming_park", "chenggong": "kunming_core",
    "dongchuan": "county_park", "songming_yanglin": "kunming_park", "kunming_etdz": "kunming_core",
    "yuxi_longquan": "prefecture_park", "yimen": "county_park", "huaning": "county_park",
    "jiangchuan": "county_park", "tonghai": "county_park",
    "qujing_etdz_xicheng_nanhaizi": "prefecture_park", "qujing_cuifeng_gaojiatun": "prefecture_park",
    "zhanyi": "county_park", "luliang": "county_park", "malong": "county_park", "xuanwei": "county_park",
    "fuyuan": "county_park",
}

# --------------------------------------------------------------------------
# 3. Mineral and raw-material sources (points)
# --------------------------------------------------------------------------
# supply_t_per_yr: tonnes per year of that resource available to the battery
# chain.  Units by resource: phosphate_rock = t rock (ore); lithium_clay = t
# clay ore; copper = t cathode copper (smelter output); copper_concentrate = t Cu
# metal in concentrate (smelter feed; no product draws it); aluminium = t primary
# aluminium metal; manganese = t MnSO4·H2O equivalent; petroleum_coke = t coke.

# Mn content of MnSO4·H2O: 54.938 / 169.01 = 0.3251 -> 1 t Mn = 3.076 t MnSO4·H2O.
MN_PLACEHOLDER_ORE_T = 100_000.0  # assumption: t/yr ore per Mn district
MN_ORE_GRADE = 0.28  # average grade reported by [49]
MN_RECOVERY = 0.9  # assumption
MN_SUPPLY_MNSO4 = round(MN_PLACEHOLDER_ORE_T * MN_ORE_GRADE * (169.01 / 54.938) * MN_RECOVERY, -2)

SOURCES = [
    dict(
        source_id="phosphate_kunyang", resource="phosphate_rock",
        name="Kunyang phosphate mine (Yunnan Phosphate Group)", name_zh="昆阳磷矿",
        lat=24.68, lon=102.55, conf="G ±10 km",
        supply=2_600_000.0, basis="sourced", status="producing", source="[40]",
        note="Sales 260万 t/yr of rock; ore reserves 1.3亿 t; 1500万 m3/yr stripping [40]. This is "
        "the whole mine's sales (mostly to phosphate chemicals / fertiliser): an upper bound for "
        "the battery chain. Dianchi-area reserves 12.83亿 t [40].",
    ),
    dict(
        source_id="phosphate_haikou", resource="phosphate_rock",
        name="Haikou phosphate mining area (Dianchi basin)", name_zh="海口磷矿区",
        lat=24.78, lon=102.55, conf="G ±8 km",
        supply=1_000_000.0, basis="assumed", status="producing", source="[40]",
        note="Part of the Dianchi-basin phosphate base, one of China's three big phosphate "
        "mining bases [40]. No per-mine output sourced: 1.0 Mt/yr rock is an ASSUMPTION "
        "(placeholder of the same order as Kunyang's 2.6 Mt/yr).",
    ),
    dict(
        source_id="phosphate_anning", resource="phosphate_rock",
        name="Anning phosphate deposits", name_zh="安宁磷矿",
        lat=24.92, lon=102.48, conf="G ±15 km (Anning city; deposits not located)",
        supply=1_000_000.0, basis="assumed", status="producing", source="[15][16]",
        note="Anning holds 9.2亿 t phosphate reserves, about 20 % of Yunnan's proven [15][16]. "
        "Output not sourced: 1.0 Mt/yr rock is an ASSUMPTION. Yunnan as a whole mined 2880万 t "
        "in 2024 [39].",
    ),
    dict(
        source_id="lithium_xiaoshiqiao", resource="lithium_clay",
        name="Xiaoshiqiao clay-type lithium (Hongta, Yuxi)", name_zh="玉溪红塔区小石桥黏土型锂矿",
        lat=24.41, lon=102.43, conf="G ±10 km",
        supply=1_000_000.0, basis="assumed", status="prospective", source="[41][42][43][44]",
        note="PROSPECTIVE: NOT in commercial production in 2022-2024 as far as found [41]-[44]; "
        "its real supply in that window is 0. supply_t_per_yr = 1,000,000 t/yr clay ore is a "
        "HYPOTHETICAL first-phase mine (assumption) for scenarios that deliberately include "
        "prospective sources (about 5,200 t/yr LCE: 1,000,000 t x 0.30 % Li2O x 2.473 t LCE per t "
        "Li2O x an assumed 70 % recovery = 5,193 t). Resource: Li2O 0.10-1.02 %, avg 0.30 %, beds 2-16 m; "
        "7.2 km2 demonstration area ≈34万 t Li2O; predicted ≈489万 t Li2O over 3800 km2 of "
        "central Yunnan (preliminary) [41]-[44]. Type locality drill hole ZK4300 ≈4 km NE of the "
        "township office [42]. A second block at Kunming Guanyinshan is not located and not included.",
    ),
    dict(
        source_id="copper_dongchuan", resource="copper_concentrate",
        name="Dongchuan copper mining area (Tangdan / Yinmin / Luoxue)", name_zh="东川铜矿(汤丹/因民/落雪)",
        lat=26.15, lon=103.02, conf="G ±15 km",
        supply=10_000.0, basis="assumed", status="producing", source="[45][46][47]",
        note="Historic copper capital; resources largely exhausted, the mining bureau went bankrupt "
        "in 2001 [45][46][47]. Current output not sourced: 10,000 t/yr Cu in concentrate is an "
        "ASSUMPTION (residual mining), and 'producing' is assumed. Low confidence. Concentrate feeds "
        "the smelters; copper foil draws cathode copper (copper_southwest_smelter).",
    ),
    dict(
        source_id="copper_yimen", resource="copper_concentrate",
        name="Yimen Tongchang copper deposit", name_zh="易门铜厂铜矿",
        lat=24.67, lon=102.16, conf="G ±15 km (near Yimen seat)",
        supply=20_000.0, basis="sourced", status="producing", source="[48]",
        note="Yuxi Mining (Yunnan Copper) planned 20 kt/d ore and 2万 t/yr Cu in concentrate (2007) "
        "[48]; C+D Cu metal 49.15万 t at 0.32 % [48]. Whether the plan was reached is not "
        "verified; 'producing' is assumed. Concentrate feeds the smelters; copper foil draws cathode "
        "copper (copper_southwest_smelter).",
    ),
    dict(
        source_id="copper_southwest_smelter", resource="copper",
        name="Yunnan Copper Southwest Copper smelter, relocated to Anning (cathode copper)",
        name_zh="云南铜业西南铜业分公司(搬迁, 安宁青龙)",
        lat=24.88, lon=102.47, conf="G ±10 km (Qinglong subdistrict, Anning; plant not located)",
        supply=550_000.0, basis="assumed", status="producing", source="[124]",
        note="The relocation project of Yunnan Copper's Southwest Copper smelter lies in the Anning "
        "industrial park, Qinglong subdistrict (Baita village, Songping); once built it makes 55万 t/yr of "
        "cathode copper, 11 t gold, 650 t silver and 135万 t sulphuric acid [124]. Cathode copper, the "
        "feed of copper foil. The 55万 t is the relocated plant's capacity once built, not a sourced "
        "2022-2024 output, so supply_t_per_yr is an ASSUMPTION for 2022-2024: until the relocated "
        "plant runs, the old Southwest Copper plant in Kunming supplies, and its output is not in the "
        "sources; the relocated plant's capacity stands for it ('producing' is assumed too). The "
        "whole output, an upper bound for battery use.",
    ),
    dict(
        source_id="aluminium_zhanyi", resource="aluminium",
        name="Qujing green hydro-aluminium park (Zhanyi)", name_zh="曲靖绿色水电铝产业园(沾益)",
        lat=25.60, lon=103.82, conf="G ±5 km",
        supply=680_000.0, basis="sourced", status="producing", source="[35][36]",
        note="Qujing: 68万 t electrolytic aluminium [35][36]. Whole output, an upper bound for "
        "battery use (Al foil needs far less).",
    ),
    dict(
        source_id="aluminium_wenshan", resource="aluminium",
        name="Wenshan electrolytic aluminium (outside the clusters)", name_zh="文山电解铝",
        lat=23.37, lon=104.23, conf="G (town seat)",
        supply=3_430_000.0, basis="sourced", status="producing", source="[51][52]",
        note="343万 t electrolytic Al built or under construction (≈half of Yunnan), e.g. 云南宏泰 "
        "203万 t [51][52]; includes capacity under construction at the time of the source, so an "
        "upper bound. Bauxite: Wenshan 1.1亿 t proven [51]. Outside the three clusters.",
    ),
    dict(
        source_id="manganese_wenshan", resource="manganese",
        name="Wenshan manganese (outside the clusters)", name_zh="文山锰矿",
        lat=23.37, lon=104.23, conf="G ±10 km (town seat, not a deposit)",
        supply=MN_SUPPLY_MNSO4, basis="assumed", status="producing", source="[49][50]",
        note="LOW confidence. A weak source reports weathering-crust oxide Mn ore with ≈28 % "
        "average grade in Wenshan and Honghe [49]; Yunnan found 811万 t Mn in 2006-2010 [50]. "
        "Deposits and battery-grade MnSO4 plants not verified. supply_t_per_yr is in t MnSO4·H2O "
        "equivalent: ASSUMPTION placeholder of 100,000 t/yr ore x 0.28 Mn x 3.076 t MnSO4·H2O per "
        "t Mn x 0.9 recovery (assumed); 'producing' is assumed.",
    ),
    dict(
        source_id="manganese_jianshui", resource="manganese",
        name="Honghe (Jianshui) manganese (outside the clusters)", name_zh="红河建水锰矿",
        lat=23.62, lon=102.83, conf="G ±10 km (town seat, not a deposit)",
        supply=MN_SUPPLY_MNSO4, basis="assumed", status="producing", source="[49][50]",
        note="LOW confidence; same basis as manganese_wenshan [49][50]: t MnSO4·H2O equivalent from "
        "an ASSUMED 100,000 t/yr of ≈28 % Mn ore at 0.9 recovery; 'producing' is assumed.",
    ),
    dict(
        source_id="petcoke_anning_refinery", resource="petroleum_coke",
        name="Anning refinery petroleum coke", name_zh="安宁炼油厂石油焦",
        lat=24.98, lon=102.37, conf="G ±8 km (placed at the Caopu nominal point)",
        supply=300_000.0, basis="assumed", status="producing", source="[11][125][126]",
        note="A 2024 report says Anning offers nearby supply of the petroleum coke needed for anode "
        "graphitization [11]. The refinery is PetroChina Yunnan Petrochemical, 13 Mt/yr of crude [125]. "
        "Its coke output is NOT sourced: 300,000 t/yr is derived from 13 Mt/yr x an ASSUMED 2.3 % coke "
        "yield (Chinese refineries make coke at roughly 2-3 % of crude runs, general knowledge; range "
        "260-390 kt/yr). The 2012 design lists residue hydrogenation and catalytic cracking but no "
        "delayed coker [126], so the real figure may be lower. Low confidence.",
    ),
]

RESOURCES = {"phosphate_rock", "lithium_clay", "copper", "copper_concentrate", "aluminium", "manganese",
             "petroleum_coke"}

# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------


def ellipse_lonlat(lon, lat, area_km2_target, ratio, azimuth_deg, n=ELLIPSE_VERTICES):
    """Polygonal ellipse of exact area (in AREA_CRS) centred on lon/lat."""
    x0, y0 = _FWD.transform(lon, lat)
    area_m2 = area_km2_target * 1e6
    # area of an n-gon inscribed in an ellipse with semi-axes a, b: n/2 sin(2pi/n) a b
    ab = area_m2 / (n / 2.0 * math.sin(2.0 * math.pi / n))
    b = math.sqrt(ab / ratio)
    a = ab / b
    az = math.radians(azimuth_deg)
    pts = []
    for i in range(n):
        t = 2.0 * math.pi * i / n
        u, v = a * math.cos(t), b * math.sin(t)
        pts.append((x0 + u * math.sin(az) + v * math.cos(az), y0 + u * math.cos(az) - v * math.sin(az)))
    return Polygon(pts), (x0, y0)


def square_lonlat(lon, lat, area_ha, shift_km=(0.0, 0.0)):
    x0, y0 = _FWD.transform(lon, lat)
    x0 += shift_km[0] * 1000.0
    y0 += shift_km[1] * 1000.0
    h = math.sqrt(area_ha * 1e4) / 2.0
    return to_lonlat(box(x0 - h, y0 - h, x0 + h, y0 + h))


def check_geom(g, what):
    if g.is_empty or not g.is_valid:
        fail(f"{what}: empty or invalid geometry")


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------


def load_traced_lakes() -> dict:
    """The lake outlines traced from GSHHG by build_yunnan.py (yunnan/lakes_gshhg.geojson)."""
    import json

    p = OUT_DIR / "lakes_gshhg.geojson"
    if not p.exists():
        fail("lakes_gshhg.geojson missing; run build_yunnan.py first")
    d = json.loads(p.read_text(encoding="utf-8"))
    return {f["properties"]["zone_id"]: (shape(f["geometry"]), f["properties"]) for f in d["features"]}


def ring_between(inner_m, outer_m):
    """The ring between two nested polygons in AREA_CRS, as written (lon/lat, rounded)."""
    return round_geometry(Polygon(to_lonlat(outer_m).exterior.coords, [to_lonlat(inner_m).exterior.coords]))


def build_redline(clusters):
    feats = []  # (props, shapely geometry as written)
    traced = load_traced_lakes()
    # lakes, lakeside (first-level) zones and buffer (second-level) zones
    lake_geoms = {}
    ring_total = 0.0
    rings, buffer_zones = {}, {}
    for lk in LAKES:
        zid = lk["zone_id"]
        if zid in traced:
            lake = round_geometry(Polygon(traced[zid][0].exterior.coords))
            poly_m = to_area_crs(lake)
        else:
            poly_m, _ = ellipse_lonlat(lk["lon"], lk["lat"], lk["area"], lk["ratio"], lk["azimuth"])
            lake = round_geometry(to_lonlat(poly_m))
        lake_geoms[zid] = lake
        # ring: outer buffer in AREA_CRS, hole = the lake ring itself (vertex-identical)
        inner = poly_m.buffer(LAKESIDE_RING_KM * 1000.0, quad_segs=8)
        ring = round_geometry(Polygon(to_lonlat(inner).exterior.coords, [lake.exterior.coords]))
        rings[zid] = ring
        ring_total += area_km2(ring)
        buffer_zones[zid] = ring_between(inner, poly_m.buffer(BUFFER_ZONE_OUTER_KM * 1000.0, quad_segs=8))
    for lk in LAKES:
        zid = lk["zone_id"]
        lake = lake_geoms[zid]
        regulation = LAKE_REGULATIONS[zid]
        if zid in traced:
            tp = traced[zid][1]
            a = area_km2(lake)
            if abs(a / lk["area_sourced"] - 1.0) > TRACED_AREA_TOLERANCE:
                fail(f"{zid}: traced area {a:.3f} km2 vs sourced {lk['area_sourced']} km2")
            props = dict(zone_id=zid, name=lk["name"], name_zh=lk["name_zh"], category="lake",
                         area_km2_sourced=lk["area_sourced"], area_km2=None, is_proxy=False,
                         source=f"{lk['source']}; outline: {tp['source']}",
                         note=f"TRACED outline (GSHHS polygon {tp['gshhs_id']}); area {a:.1f} km2, "
                         f"{100 * (a / lk['area_sourced'] - 1):+.1f} % against the sourced {lk['area_sourced']:g} km2. "
                         + lk["note"].split(". Ellipse")[0].split(". Elongation")[0].rstrip(".") + ".")
            shape_word, chk = "traced shore", None
        else:
            props = dict(zone_id=zid, name=lk["name"], name_zh=lk["name_zh"], category="lake",
                         area_km2_sourced=lk["area_sourced"], area_km2=None, is_proxy=True,
                         source=lk["source"],
                         note="PROXY ellipse (not traced; GSHHG full resolution does not hold this lake). "
                         f"Centre {lk['lat']:.2f}, {lk['lon']:.2f} ({lk['centre_conf']}). " + lk["note"])
            shape_word, chk = "proxy shore", (lk["lon"], lk["lat"], lk["area"], lk["area_sourced"])
        feats.append((props, lake, chk))
        feats.append((
            dict(zone_id=f"{zid}_lakeside", name=f"{lk['name']} lakeside zone", name_zh=f"{lk['name_zh']}湖滨生态红线(代理)",
                 category="lakeside_zone", area_km2_sourced=None, area_km2=None, is_proxy=True,
                 source=f"{regulation}[58]",
                 note=LAKESIDE_NOTE.format(w=LAKESIDE_RING_KM, tot=ring_total, pct=100 * ring_total / 165.8,
                                           shape=shape_word)),
            rings[zid], None,
        ))
        feats.append((
            dict(zone_id=f"{zid}_buffer", name=f"{lk['name']} buffer zone", name_zh=f"{lk['name_zh']}生态保护缓冲区(代理)",
                 category="lake_buffer_zone", area_km2_sourced=None, area_km2=None, is_proxy=True,
                 source=regulation,
                 note=BUFFER_ZONE_NOTE.format(inner=LAKESIDE_RING_KM, outer=BUFFER_ZONE_OUTER_KM, shape=shape_word)),
            buffer_zones[zid], None,
        ))
    # reserves, parks, scenic areas
    for rz in RESERVES:
        poly_m, _ = ellipse_lonlat(rz["lon"], rz["lat"], rz["area"], rz["ratio"], rz["azimuth"])
        g = round_geometry(to_lonlat(poly_m))
        assumed = "" if rz["area_sourced"] is not None else f" Proxy area = assumed {rz['area']:g} km2."
        feats.append((
            dict(zone_id=rz["zone_id"], name=rz["name"], name_zh=rz["name_zh"], category=rz["category"],
                 area_km2_sourced=rz["area_sourced"], area_km2=None, is_proxy=True, source=rz["source"],
                 note=f"PROXY ellipse (not traced). Centre {rz['lat']:.2f}, {rz['lon']:.2f} ({rz['centre_conf']}). " + rz["note"] + assumed),
            g, (rz["lon"], rz["lat"], rz["area"], rz["area_sourced"]),
        ))
    # Ailaoshan, Yuxi part
    yuxi_m = to_area_crs(clusters["yuxi"])
    band = yuxi_m.boundary.buffer(AILAOSHAN_HALF_WIDTH_KM * 1000.0, quad_segs=8)
    bbox_m = to_area_crs(box(*AILAOSHAN_BBOX).segmentize(0.01))
    ail_m = shapely.intersection(shapely.intersection(yuxi_m, bbox_m), band)
    parts = [p for p in getattr(ail_m, "geoms", [ail_m]) if p.area >= 1e6]
    ail = round_geometry(to_lonlat(shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]))
    feats.append((
        dict(zone_id="ailaoshan_yuxi", name="Ailaoshan national nature reserve (Yuxi/Xinping part)",
             name_zh="哀牢山国家级自然保护区(玉溪新平段)", category="nature_reserve",
             area_km2_sourced=None, area_km2=None, is_proxy=True, source="[68]",
             note=f"PROXY of the Yuxi part only. The whole reserve is 67,700 ha = {AILAOSHAN_TOTAL_KM2:g} km2, "
             "bbox 100.73-101.50 E, 23.60-24.93 N, across Chuxiong, Pu'er and Yuxi (Xinping) [68]; the Yuxi "
             f"share is not sourced. ASSUMPTION: a band on the Yuxi side of the Ailao crest, taken as the part of "
             f"Yuxi inside the sourced bbox and within {AILAOSHAN_HALF_WIDTH_KM:g} km of Yuxi's boundary (Xinping's "
             "western county boundary follows the crest); parts < 1 km2 dropped. The rest of the reserve lies "
             "outside the clusters and is not drawn."),
        ail, None,
    ))

    out = []
    for props, g, chk in feats:
        check_geom(g, props["zone_id"])
        a = area_km2(g)
        a_utm = area_km2_utm(g)
        props["area_km2"] = round(a, 3)
        if chk is not None:
            lon, lat, target, sourced = chk
            for meas in (a, a_utm):
                if abs(meas / target - 1.0) > 0.01:
                    fail(f"{props['zone_id']}: area {meas:.3f} km2 vs {'sourced' if sourced else 'assumed'} {target} km2")
            c = to_area_crs(g).centroid
            cx, cy = _FWD.transform(lon, lat)
            if math.hypot(c.x - cx, c.y - cy) > 500.0:
                fail(f"{props['zone_id']}: centroid {math.hypot(c.x - cx, c.y - cy):.0f} m from stated centre")
        out.append((props, g))
    return out, lake_geoms


def build_sites(clusters, redline):
    red = [(p["zone_id"], g) for p, g in redline]
    out = []
    allowed = {"site_id", "cluster_id", "name", "name_zh", "lat", "lon", "unc_km", "conf", "footprint_ha",
               "existing_land_ha", "role", "source", "note", *EXISTING_COLS}
    for s in SITES:
        if set(s) - allowed:
            fail(f"{s['site_id']}: unknown keys {sorted(set(s) - allowed)}")
        if f"±{s['unc_km']:g} km" not in s["conf"]:
            fail(f"{s['site_id']}: coord_confidence {s['conf']!r} does not state the ±{s['unc_km']:g} km of unc_km")
        shift = SITE_SHIFTS_KM.get(s["site_id"], (0.0, 0.0))
        if math.hypot(*shift) > s["unc_km"]:
            fail(f"{s['site_id']}: shift {shift} km exceeds the ±{s['unc_km']} km uncertainty")
        g = round_geometry(square_lonlat(s["lon"], s["lat"], s["footprint_ha"], shift))
        check_geom(g, s["site_id"])
        if not g.within(clusters[s["cluster_id"]]):
            fail(f"{s['site_id']}: footprint not inside cluster {s['cluster_id']}")
        hits = [zid for zid, r in red if g.intersects(r) and not g.touches(r)]
        if hits:
            fail(f"{s['site_id']}: footprint overlaps red-line proxy {hits}; add a shift in SITE_SHIFTS_KM")
        for p_prev, g_prev in out:
            if g.intersects(g_prev) and not g.touches(g_prev):
                fail(f"{s['site_id']}: footprint overlaps site {p_prev['site_id']}")
        area_ha = area_km2(g) * 100.0
        usable = round(DEVELOPABLE_SHARE * s["footprint_ha"] - s["existing_land_ha"], 1)
        if not (0 < usable <= area_ha):
            fail(f"{s['site_id']}: usable {usable} ha vs polygon {area_ha:.1f} ha")
        note = s["note"]
        note += (f" usable_area_ha = {DEVELOPABLE_SHARE:g} x {s['footprint_ha']:g} ha"
                 + (f" - {s['existing_land_ha']:g} ha existing plant" if s["existing_land_ha"] else "")
                 + " (developable share is an assumption).")
        if shift != (0.0, 0.0):
            parts = []
            if shift[1]:
                parts.append(f"{abs(shift[1]):g} km {'north' if shift[1] > 0 else 'south'}")
            if shift[0]:
                parts.append(f"{abs(shift[0]):g} km {'east' if shift[0] > 0 else 'west'}")
            note += (f" Footprint centre shifted {' and '.join(parts)} from the nominal "
                     f"point ({s['lat']:.2f}, {s['lon']:.2f}) to clear the red-line proxy, within the "
                     f"±{s['unc_km']:g} km uncertainty.")
        else:
            note += f" Footprint centred on the nominal point ({s['lat']:.2f}, {s['lon']:.2f})."
        props = dict(
            site_id=s["site_id"], name=s["name"], name_zh=s["name_zh"], cluster_id=s["cluster_id"],
            usable_area_ha=usable, coord_confidence=s["conf"],
            # from the drawn footprint: the nominal point's uncertainty plus the footprint's shift
            position_uncertainty_km=round(float(s["unc_km"]) + math.hypot(*shift), 3),
            role=s["role"], source=s["source"], note=note,
        )
        for col in EXISTING_COLS:
            props[col] = float(s.get(col, 0.0))
        price, why = LAND_PRICE_TIERS[SITE_LAND_TIER[s["site_id"]]]
        props["land_price_yuan_per_ha"] = price
        props["land_price_note"] = f"ASSUMPTION: {why} (no sourced price; geodata/README.md, section 2)"
        out.append((props, g))
    return out


def build_sources(lakes):
    out = []
    seen = set()
    for s in SOURCES:
        if s["resource"] not in RESOURCES:
            fail(f"{s['source_id']}: unknown resource {s['resource']}")
        if s["basis"] not in ("sourced", "assumed") or s["status"] not in ("producing", "prospective"):
            fail(f"{s['source_id']}: bad basis/status")
        if s["source_id"] in seen:
            fail(f"duplicate source_id {s['source_id']}")
        seen.add(s["source_id"])
        g = round_geometry(shapely.Point(s["lon"], s["lat"]))
        for zid, lake in lakes.items():
            if lake.contains(g):
                fail(f"{s['source_id']}: point inside lake {zid}")
        props = dict(
            source_id=s["source_id"], name=s["name"], name_zh=s["name_zh"], resource=s["resource"],
            supply_t_per_yr=float(s["supply"]), supply_basis=s["basis"], status=s["status"],
            coord_confidence=s["conf"], source=s["source"], note=s["note"],
        )
        out.append((props, g))
    return out


def load_clusters() -> dict:
    import json

    p = OUT_DIR / "clusters.geojson"
    if not p.exists():
        fail("clusters.geojson missing; run build_yunnan.py first")
    d = json.loads(p.read_text(encoding="utf-8"))
    return {f["properties"]["cluster_id"]: shape(f["geometry"]) for f in d["features"]}


#: What the red-line layer says of itself (its GeoJSON "description"): siting's report, QGIS
#: project and GeoPackage quote it beside the layer.
REDLINE_DESCRIPTION = (
    "PROXY for the ecological red line, not the official red line (whose polygons are not public): "
    "the plateau lakes (three traced from GSHHG, two ellipses), estimated lake protection rings and "
    "a few protected areas drawn as ellipses, with centres uncertain by up to 20 km. "
    "See geodata/README.md, section 4; replace it with the official layer when available.")


#: The sites' and sources' own descriptions (the collections' "description" member, which GDAL
#: reads as the layer's DESCRIPTION): what the layer is, its CRS, the unit of every numeric column,
#: the date of its capacity figures and its licence, so that the file read alone says them.
SITES_DESCRIPTION = (
    "Candidate industrial sites of the Kunming, Yuxi and Qujing clusters, hand-authored from the public "
    "sources each feature's source field cites (geodata/README.md, section 2); footprints are squares "
    "around approximate points (coord_confidence). WGS84 lon/lat (EPSG:4326). Units: usable_area_ha ha; "
    "position_uncertainty_km km; land_price_yuan_per_ha nominal yuan per ha (assumption by park tier); "
    "existing_<product> capacity in place at 2022-01-01, per year, in the product's catalog unit: "
    "existing_lfp, existing_anode and existing_fepo4 t/yr, existing_separator million m2/yr, "
    "existing_cells GWh/yr. Licence: the project's own.")
SOURCES_DESCRIPTION = (
    "Mineral and raw-material sources, hand-authored from the public sources each feature's source "
    "field cites (geodata/README.md, section 3); points at approximate places (coord_confidence). "
    "WGS84 lon/lat (EPSG:4326). supply_t_per_yr: tonnes per year, by resource: phosphate_rock t of rock, "
    "lithium_clay t of clay ore, copper t of cathode copper, copper_concentrate t of Cu in concentrate, "
    "aluminium t of primary aluminium, manganese t of MnSO4·H2O equivalent, petroleum_coke t of coke; "
    "supply_basis says whether it is sourced or assumed, for 2022-2024. Licence: the project's own.")


def build() -> dict[str, str]:
    clusters = load_clusters()
    redline, lakes = build_redline(clusters)
    sites = build_sites(clusters, redline)
    sources = build_sources(lakes)

    hashes = {}
    hashes["sites.geojson"] = write_feature_collection(
        OUT_DIR / "sites.geojson", [(p, geometry_dict(g)) for p, g in sites], SITES_DESCRIPTION)
    hashes["sources.geojson"] = write_feature_collection(
        OUT_DIR / "sources.geojson", [(p, geometry_dict(g)) for p, g in sources], SOURCES_DESCRIPTION)
    hashes["redline_proxy.geojson"] = write_feature_collection(
        OUT_DIR / "redline_proxy.geojson", [(p, geometry_dict(g)) for p, g in redline], REDLINE_DESCRIPTION)

    # summary
    for p, g in sites:
        print(f"  site {p['site_id']:<30s} {p['cluster_id']:<8s} polygon {area_km2(g) * 100:7.1f} ha  usable {p['usable_area_ha']:7.1f} ha")
    for p, _g in redline:
        print(f"  zone {p['zone_id']:<26s} {p['category']:<14s} {p['area_km2']:9.3f} km2 (sourced {p['area_km2_sourced']})")
    return hashes


if __name__ == "__main__":
    hs = build()
    for name, h in hs.items():
        print(f"wrote yunnan/{name}  {(OUT_DIR / name).stat().st_size:>8d} bytes  sha256 {h}")
