"""The interactive map of `report.html`: the plan's layers on a Leaflet map that works offline.

Leaflet 1.9.4 is bundled with the package (`siting/deliver/static/leaflet/`, BSD-2-Clause, see
its README) and inlined into the page, its images as data URIs: the page loads nothing from the
network, has no tile server, and draws the cluster outlines (and a context layer such as the
counties, where the scenario names them in `layers.context`) on a plain background.

Every layer is an overlay the reader can switch: clusters, the red line, its buffer and setback
zones, raw-material sources (a prospective source the plan may not use hollow, as on map.png;
drawn over the sites, so that a source at a site shows on its marker, while a click or hover
there reaches the site: `raised_sources`) and flows (a site drawing on a source standing on it,
a flow of no length, as a dashed ring at the source: `on_site_features`), the product flows
between sites, hubs and the gateway (one overlay per year, off until ticked) with the hubs and
the gateway (drawn over the sites' markers, as map.png's hub marks over its pies), the candidate
cells the plan builds on (with a `candidates:` block), and the candidate sites, one overlay per
status (built sites first), a recycling demonstration's marker ringed in green as map.png rings
its pie (`demo_ring_features`, an overlay of its own, on the page only when some site is one). A
click on a feature opens its popup: for a site, its capacity added per product (in words, with
the catalog's unit), its capex in bn yuan and why products are excluded there; for a product
flow, its product, unit, year and amount. A product flow on a leg of zero length (the gateway at
a hub standing at it, a site at its hub) has no line: a dashed ring at the hub stands for the
year's such flows, and the note over the map says what they carry (`unlined_flows`). Built sites
are sized by capex on a scale the page states (`sites_label`): the map's own largest site, or a
comparison's or sweep's (`with_marker_scale` puts a written page on another). Popups and styles
are computed here, in Python, so the page's script only draws; the same layers give the same
bytes (coordinates rounded, keys sorted, no date).
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import shapely

from siting.config.units import amount_text, bn_yuan, capitalised, frame_site_names, joined, per_year, product_label
from siting.deliver.geojson import WGS84, coordinate_lists
from siting.deliver.layer import OutputLayer, id_items, network_end_name, records
from siting.deliver.mapinfo import layer_basis
from siting.deliver.styles import (
    BUFFER,
    BUILT,
    CELL_FILL_OPACITY,
    DEMO_RING,
    ELIGIBLE,
    FLOW_MM,
    GREY,
    INK,
    SETBACK,
    SETBACK_HATCH_ALPHA,
    STANDING,
    STATUS_LABELS,
    exclusion_reach,
    flow_lanes,
    flow_unit_tops,
    product_colours,
    redline_colours,
    redline_word,
    resource_colours,
    scale_unit,
    unused_prospective,
    width_scale_text,
)
from siting.deliver.tables import product_flow_rows

if TYPE_CHECKING:
    import pandas as pd

    from siting.deliver.drivers import ProximityReason

#: Coordinates on the page: 5 decimals of a degree, about 1 m, finer than any screen shows.
PAGE_DECIMALS = 5

#: The element id of the map on the page.
MAP_ID = "plan-map"

LEAFLET_VERSION = "1.9.4"

#: The fill opacity of the markers of built, standing and eligible sites (the QGIS styles' MARK_ALPHA
#: and STANDING_ALPHA, near enough): a paler one would not be told apart from the red line's fills
#: (siting/deliver/styles.py BUILT).
SITE_FILL_OPACITY = 0.85
#: The ink ring (px) round an eligible site's amber marker, which no flow line has: no hue is far
#: enough from the separator's yellow for every reader (siting/deliver/styles.py ELIGIBLE_RING_MM).
ELIGIBLE_WEIGHT = 2.5

#: The radius (px) of a source's marker.
SOURCE_RADIUS = 4
#: How much wider (px) a source's marker is for each source drawn over it at the very same point
#: (`source_radii`): its ring round the next as wide as a lone marker's radius, as map.png's
#: nested triangles each show a band round the next (mapplot.py SOURCE_NEST_STEP).
SOURCE_NEST_PX = 4

STATUS_COLOURS = {
    "built": BUILT, "standing": STANDING, "eligible_unused": ELIGIBLE, "excluded_redline": GREY,
    "excluded_proximity": GREY,
    "excluded_land": GREY, "outside_clusters": GREY,
}

#: Panes in drawing order, bottom first, with their z-index (Leaflet's overlay pane is 400). A
#: source is drawn twice (`raised_sources`): its hit target in "sources", under the sites, and its
#: marker, which takes no click, in "sourcetops", over them. The hubs and the gateway are drawn
#: over the sites, as map.png draws its hub marks over the pies: a hub within a site's marker
#: (a built site's reaches 16 px) shows, and takes its click, on it; under the sources' marks,
#: which take no click.
PANES = (("outlines", 402), ("clusters", 405), ("redline", 410), ("zones", 415), ("cells", 417), ("flows", 420),
         ("productflows", 422), ("sources", 425), ("sites", 430), ("hubs", 431), ("sourcetops", 432))


def _hex(rgb: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb[:3]))


def _text(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def quantity(value: float) -> str:
    """A capacity, tonnage, area or distance for a popup, as the tables give it (`amount_text`:
    thousands separated, 4 significant digits below 1,000, no trailing zeros): 2.5 -> "2.5",
    261_933.2 -> "261,933"."""
    return amount_text(float(value))


def measure(value: float) -> str:
    """Land in ha or road km as delivered (`siting.deliver.layer.MEASURE`): thousands separated,
    one decimal, three significant digits below 1: 1368.9 -> "1,368.9", 90.0 -> "90", 0.145 -> "0.145"."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3g}"


def distance_text(metres: float) -> str:
    """A red-line distance in words: 5000 -> "5 km", 1500 -> "1.5 km", 500 -> "500 m"."""
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def reach_text(reach: str) -> str:
    """A site's `setback_reach` ("lake 5000 m, nature_reserve 1000 m") in words: "the 5 km lake
    setback and the 1 km nature reserve setback"; "the red-line zone" when empty."""
    phrases = []
    for item in (r.strip() for r in reach.split(",") if r.strip()):
        category, metres, _unit = item.rsplit(" ", 2)
        phrases.append(f"the {distance_text(float(metres))} {category.replace('_', ' ')} setback")
    return " and ".join(phrases) if phrases else "the red-line zone"


def land_rows(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A site's land for its popup (the sites layer's land fields, ha): its usable land; what the
    red line leaves of it where that is less; what committed projects take and what is left for
    new modules where they take some; what the new modules take; and, where its polygon lies
    partly inside the zone of a product it builds, that area and the land outside it (for several
    such products, whose zones may differ, the farthest setbacks and the least land, said so).
    None without the fields."""
    if row.get("usable_land_ha") is None:
        return []
    usable = float(row["usable_land_ha"])
    rows = [("usable land", f"{measure(usable)} ha")]
    after = float(row.get("land_after_redline_ha") or 0.0)
    if after < usable:
        rows.append(("left after the red line", f"{measure(after)} ha (the most over the products)"))
    committed = float(row.get("land_committed_ha") or 0.0)
    if committed > 0:
        rows += [("committed projects take", f"{measure(committed)} ha"),
                 ("left for new modules", f"{measure(float(row.get('land_free_ha') or 0.0))} ha")]
    used = float(row.get("land_used_ha") or 0.0)
    if used > 0:
        rows.append(("new modules take", f"{measure(used)} ha"))
    if row.get("setback_products"):
        codes = str(row["setback_products"])
        one = len(id_items(codes)) == 1  # several: zones that may differ by product
        rows += [(f"inside the zone{'' if one else 's'} of {_products(codes)}",
                  f"{measure(float(row.get('setback_overlap_ha') or 0.0))} ha, within "
                  f"{reach_text(str(row.get('setback_reach') or ''))}" + ("" if one else " (the farthest of them)")),
                 ("the plant stands on" if one else "the plant with the least land stands on",
                  f"{measure(float(row.get('land_outside_setback_ha') or 0.0))} ha outside "
                  + ("it" if one else "its zone"))]
    return rows


def _products(codes: str) -> str:
    return ", ".join(product_label(p) for p in id_items(codes))


def _rows(rows: Sequence[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{_text(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)


def _popup(title: str, rows: Sequence[tuple[str, str]], extra: str = "") -> str:
    return f'<div class="popup"><b>{_text(title)}</b><table>{_rows(rows)}</table>{extra}</div>'


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), PAGE_DECIMALS) for c in coords[:2]]
    return [_rounded(c) for c in coords]


def _geometries(geometries: Sequence[shapely.Geometry]) -> list[dict[str, Any]]:
    """Each geometry as GeoJSON on the page: x and y rounded to PAGE_DECIMALS."""
    array = list(geometries)
    coordinates = coordinate_lists(array, PAGE_DECIMALS)
    if coordinates is None:  # a geometry `coordinate_lists` leaves to shapely's mapping
        coordinates = [_rounded(shapely.geometry.mapping(g)["coordinates"]) for g in array]
    return [{"type": g.geom_type, "coordinates": c} for g, c in zip(array, coordinates, strict=True)]


def _records(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Each feature's fields as a dict (the frame's columns but the geometry), in order."""
    return records(frame, [c for c in frame.columns if c != "geometry"])


def _feature(geometry: dict[str, Any], popup: str, style: Mapping[str, Any], tooltip: str = "") -> dict[str, Any]:
    """A feature of the page: `geometry` from `_geometries`, its popup, style and tooltip."""
    properties: dict[str, Any] = {"popup": popup, "style": dict(style)}
    if tooltip:
        properties["tooltip"] = tooltip
    return {"type": "Feature", "geometry": geometry, "properties": properties}


# --- features per layer ----------------------------------------------------------------------

def site_capacities(row: Mapping[str, Any], products: Sequence[str], years: Sequence[int]) -> list[tuple[str, float]]:
    """(product code, capacity added over the plan's years) for every product the site builds."""
    added = []
    for p in products:
        total = sum(float(row.get(f"added_{p}_{t}", 0.0) or 0.0) for t in years)
        if total > 0:
            added.append((p, total))
    return added


def standing_capacities(row: Mapping[str, Any], products: Sequence[str], years: Sequence[int]
                        ) -> list[tuple[str, float]]:
    """(product code, existing capacity plus committed projects online by the final year) for
    every product that stands at the site (the sites layer's `existing_<product>` and
    `committed_<product>_<year>`)."""
    standing = []
    for p in products if years else ():
        total = (float(row.get(f"existing_{p}", 0.0) or 0.0)
                 + float(row.get(f"committed_{p}_{years[-1]}", 0.0) or 0.0))
        if total > 0:
            standing.append((p, total))
    return standing


#: What a site's popup says of a site hosting a recycling demonstration (the sites layer's
#: `demonstration`, siting/optimize/results.py `Plan.demo_sites`), as QGIS's legend keys its ring
#: (siting/deliver/styles.py DEMO_LABEL).
DEMO_TEXT = "Recycling demonstration project"


#: The ring round a recycling demonstration's marker (as map.png and the QGIS style ring its pie,
#: in their green, siting/deliver/styles.py DEMO_RING): DEMO_RING_GAP_PX clear of the marker's
#: edge (to the ring's inner edge), DEMO_RING_WEIGHT_PX wide; it takes no click, so that the
#: site's popup and tooltip open through it.
DEMO_RING_GAP_PX = 2.0
DEMO_RING_WEIGHT_PX = 2.5
#: The layer control's entry of the rings (`demo_ring_features`), on the page only when some
#: site is a demonstration.
DEMO_OVERLAY_LABEL = "Recycling demonstration (green ring around its marker)"


def demo_ring_radius(marker_radius: float) -> float:
    """The radius (px, to the stroke's middle) of the ring round a marker of `marker_radius`."""
    return round(marker_radius + DEMO_RING_GAP_PX + DEMO_RING_WEIGHT_PX / 2, 2)


def demo_ring_features(grouped: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """A green ring (`demo_ring_radius`) round the marker of each site of `grouped`
    (`site_features`) that hosts a recycling demonstration, in the sites' pane over the markers;
    a built site's ring carries its `capex_yuan`, so that `with_marker_scale` resizes it with the
    marker. None without demonstrations."""
    rings = []
    for features in grouped.values():
        for feature in features:
            properties = feature["properties"]
            if not properties.get("demonstration"):
                continue
            style = {"radius": demo_ring_radius(float(properties["style"]["radius"])), "color": _hex(DEMO_RING),
                     "weight": DEMO_RING_WEIGHT_PX, "opacity": 1.0, "fill": False, "interactive": False,
                     "className": "site-demo-ring", "pane": "sites"}
            ring = _feature(feature["geometry"], "", style)
            if "capex_yuan" in properties:
                ring["properties"]["capex_yuan"] = properties["capex_yuan"]
            rings.append(ring)
    return rings


def _yes(value: Any) -> bool:
    """Whether a yes/no field's value is yes (null, NaN and absent are no)."""
    return value is not None and not (isinstance(value, float) and value != value) and bool(value)


def site_popup(row: Mapping[str, Any], products: Sequence[str], years: Sequence[int], units: Mapping[str, str],
               proximity: Sequence[ProximityReason] | None = None) -> str:
    """A site's popup: name, cluster, status, that it hosts a recycling demonstration (DEMO_TEXT)
    where it does, capex, land (`land_rows`), exclusions, capacity
    added per product with its unit, and the existing and committed capacity standing there in
    the final year (`standing_capacities`), each a table of product, unit and amount
    (`_capacity_table`). The proximity exclusions are said as `proximity` gives them
    (siting/deliver/drivers.py `proximity_reasons`: a prospective source left out within the
    limit is named), or as "no source within reach for" the products without it."""
    name = row.get("name") or row["id"]
    rows = [("site", str(row["id"])), ("cluster", str(row.get("cluster") or "none")),
            ("status", STATUS_LABELS.get(str(row["status"]), str(row["status"])))]
    if _yes(row.get("demonstration")):
        rows.append(("demonstration", DEMO_TEXT))
    capex = float(row.get("capex_yuan", 0.0) or 0.0)
    if capex > 0:
        rows.append(("capex, undiscounted", bn_yuan(capex)))
    rows += land_rows(row)
    if row.get("excluded_redline"):
        rows.append(("red line excludes", _products(str(row["excluded_redline"]))))
    if proximity:
        rows += [(reason.label(), reason.value()) for reason in proximity]
    elif row.get("excluded_proximity"):
        rows.append(("no source within reach for", _products(str(row["excluded_proximity"]))))
    if row.get("on_site_sources"):
        rows.append(("draws from a source on site", ", ".join(id_items(row["on_site_sources"]))))
    added = site_capacities(row, products, years)
    extra = ""
    if added:
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        extra = _capacity_table(f"capacity added {span}", added, units)
    standing = standing_capacities(row, products, years)
    if standing:
        extra += _capacity_table(f"existing and committed {years[-1]}", standing, units)
    return _popup(str(name), rows, extra)


def _capacity_table(heading: str, amounts: Sequence[tuple[str, float]], units: Mapping[str, str]) -> str:
    """A popup's table of capacity per product (`amounts`: (product code, amount) pairs, in its unit per
    year): columns product (in words), unit (the product's catalog unit per year, from `units`) and
    the amount under `heading`: the unit right after the product that decides it and before the
    figure, as in every table of the plan."""
    return _amount_table(heading, [(p, per_year(units.get(p, "")), v) for p, v in amounts])


def _amount_table(heading: str, amounts: Sequence[tuple[str, str, float]]) -> str:
    """A popup's table of (product code, unit as shown, amount) rows: columns product (in words),
    unit and the amount under `heading`."""
    lines = "".join(f"<tr><td>{_text(product_label(p))}</td><td>{_text(unit)}</td>"
                    f'<td class="n">{quantity(v)}</td></tr>' for p, unit, v in amounts)
    return (f'<table class="capacity"><tr><th>product</th><th>unit</th><th>{_text(heading)}</th></tr>'
            f"{lines}</table>")


def _radius(capex: float, largest: float) -> float:
    """A built site's marker radius (px): 6 px, plus up to 10 px by the square root of its capex
    over `largest` (yuan of capex at the full 16 px)."""
    if largest <= 0:
        return 6.0
    return round(6.0 + 10.0 * math.sqrt(max(capex, 0.0) / largest), 2)


def largest_built(sites: OutputLayer) -> float:
    """The largest capex (yuan) of the built sites of `sites` (status `built`; a null capex counts
    0), 0 without any (a layer without features or without those fields included): the web map's
    own marker scale, and map.png's own pie scale (siting/deliver/files.py `largest_built_capex`)."""
    frame = sites.frame
    if "capex_yuan" not in frame.columns or "status" not in frame.columns:
        return 0.0
    return max((float(c or 0.0) for c, s in zip(sites.column("capex_yuan"), sites.column("status"), strict=True)
                if str(s) == "built"), default=0.0)


def site_features(sites: OutputLayer, products: Sequence[str], years: Sequence[int],
                  units: Mapping[str, str], proximity: Mapping[str, Sequence[ProximityReason]] | None = None,
                  marker_top_yuan: float | None = None) -> dict[str, list[dict[str, Any]]]:
    """Site features grouped by status, in STATUS_LABELS order; each a circle marker, its popup
    saying why products are excluded by proximity as `proximity` (site id -> its reasons) does.
    A built site's marker is sized by its capex (`_radius`) on the scale `marker_top_yuan` (yuan
    of capex at full size; the layer's own largest built site where None), and carries its
    `capex_yuan` so that a page can be put on another scale (`with_marker_scale`); a site hosting
    a recycling demonstration carries `demonstration` true, which `demo_ring_features` rings."""
    frame = sites.frame
    largest = largest_built(sites) if marker_top_yuan is None else float(marker_top_yuan)
    grouped: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUS_LABELS}
    points = _geometries([g if g.geom_type == "Point" else shapely.point_on_surface(g) for g in frame.geometry])
    for row, point in zip(sites.rows(), points, strict=True):
        status = str(row["status"])
        colour = STATUS_COLOURS.get(status, GREY)
        built = status == "built"
        standing = status == "standing"
        eligible = status == "eligible_unused"
        style = {"radius": _radius(float(row["capex_yuan"]), largest) if built else 5.5 if standing or eligible
                 else 4.5,
                 "color": _hex(INK) if built or standing or eligible else _hex(GREY),
                 "weight": ELIGIBLE_WEIGHT if eligible else 2 if standing else 1, "fillColor": _hex(colour),
                 "fillOpacity": SITE_FILL_OPACITY if built or standing or eligible else 0.25,
                 "className": f"site-marker site-{status.replace('_', '-')}", "pane": "sites"}
        feature = _feature(point, site_popup(row, products, years, units, (proximity or {}).get(str(row["id"]))),
                           style, _text(row.get("name") or row["id"]))
        if built:
            feature["properties"]["capex_yuan"] = float(row["capex_yuan"] or 0.0)
        if _yes(row.get("demonstration")):
            feature["properties"]["demonstration"] = True
        grouped.setdefault(status, []).append(feature)
    return {s: features for s, features in grouped.items() if features}


def sites_label(status: str, count: int, marker_top_yuan: float = 0.0) -> str:
    """The layer control's label of the sites of `status` (`count` of them); the built sites'
    says the scale of their markers: "Sites: Built: new capacity (3; size by capex, full size 4.00 bn
    yuan)" (with its swatch)."""
    scale = f"; size by capex, full size {bn_yuan(marker_top_yuan)}" if status == "built" and marker_top_yuan > 0 \
        else ""
    swatch = _swatch(STATUS_COLOURS.get(status, GREY))
    if status == "eligible_unused":  # its marker's thick ink ring (ELIGIBLE_WEIGHT)
        swatch = swatch.replace('"></span>', f';border:{ELIGIBLE_WEIGHT:g}px solid {_hex(INK)}"></span>')
    return f"{swatch}Sites: {_text(STATUS_LABELS.get(status, status))} ({count}{_text(scale)})"


def cluster_features(clusters: OutputLayer, products: Sequence[str]) -> list[dict[str, Any]]:
    features = []
    for row, geometry in zip(clusters.rows(), _geometries(clusters.frame.geometry), strict=True):
        name = str(row.get("name") or row["id"])
        rows = [("cluster", str(row["id"])), ("sites built on", str(row["sites_built_on"])),
                ("capex", bn_yuan(float(row["capex_yuan"])))]
        if row.get("products_added"):
            rows.append(("products added", _products(str(row["products_added"]))))
        style = {"color": _hex(INK), "weight": 2, "fill": True, "fillOpacity": 0.0, "pane": "clusters"}
        features.append(_feature(geometry, _popup(name, rows), style, _text(name)))
    return features


def context_features(context: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Context polygons (`layers.context`, such as counties): thin grey outlines, no popup."""
    frame = context.to_crs(WGS84) if context.crs is not None else context
    style = {"color": "#8c8c8c", "weight": 0.8, "fill": False, "interactive": False, "pane": "outlines"}
    return [_feature(geometry, "", style) for geometry in _geometries(
        [g for g in frame.geometry if g is not None and not g.is_empty])]


def redline_used_colours(redline: OutputLayer) -> list[tuple[int, int, int]]:
    """The fills of the categories the red-line rule uses, in category order: each category's own,
    as redline.qml, the QGIS projects and map.png give it (siting/deliver/styles.py
    `redline_colours`, over every category of the layer)."""
    frame = redline.frame
    colours = redline_colours([str(c) for c in frame["category"]])
    used = sorted({str(c) for c, u in zip(frame["category"], frame["used"], strict=True) if bool(u)})
    return [colours[c] for c in used]


def redline_features(redline: OutputLayer) -> list[dict[str, Any]]:
    """Red-line polygons filled by category, each in its own colour as redline.qml, the QGIS
    projects and map.png draw it (`redline_colours`; categories the rule leaves out grey and
    dashed), each with its category, area (km2) and, where counted, how far it excludes sites for
    every product and for some (`exclusion_reach`)."""
    features = []
    colours = redline_colours([str(c) for c in redline.frame["category"]])
    for row, geometry in zip(redline.rows(), _geometries(redline.frame.geometry), strict=True):
        category = str(row["category"])
        used = bool(row["used"])
        colour = colours[category] if used else GREY
        rows = [("category", category), ("used by the red-line rule", "yes" if used else "no"),
                ("area", f"{quantity(float(row['area_km2']))} km2")]
        if used:
            nearest = row.get("min_distance_m")
            rows.append(("sites excluded", exclusion_reach(float(row["buffer_m"]), float(row["max_distance_m"]),
                                                           None if nearest is None else float(nearest))))
        style = {"color": _hex(colour), "weight": 1, "fillColor": _hex(colour), "fillOpacity": 0.6 if used else 0.15,
                 "dashArray": "" if used else "4 3", "pane": "redline"}
        features.append(_feature(geometry, _popup(str(row.get("name") or row["id"]), rows), style))
    return features


#: The red-line buffer's outline on the web map: dots (round caps; px), unfilled. No red tells it
#: from the anode's vermillion flows for every reader, and the map draws no ticks (map.png's and
#: the QGIS style's), so its dots, which no flow line has (flows are solid, or dashed 6 4), do. Its
#: fill is transparent, not absent, so that a click anywhere inside the zone opens its popup.
BUFFER_DASH = "0.1 5"


#: The id of the SVG pattern that hatches a setback on the web map (`SETBACK_HATCH`): one light
#: diagonal hatch in the setbacks' red, as map.png and the QGIS style draw it. A dashed outline,
#: as the map drew it, read as an import or sale of cells (a dashed crimson line), whose colour
#: readers with tritanopia see 5.3 by CIEDE2000 from the setbacks' red.
SETBACK_PATTERN_ID = "plan-map-setback-hatch"
#: The page's definition of that pattern (`map_html`): Leaflet fills a setback with it
#: (`fillColor` url(#...)), the lines at the setbacks' hatch opacity, 7 px apart.
SETBACK_HATCH = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>'
    f'<pattern id="{SETBACK_PATTERN_ID}" patternUnits="userSpaceOnUse" width="7" height="7" '
    'patternTransform="rotate(45)">'
    f'<line x1="0" y1="0" x2="0" y2="7" stroke="{_hex(SETBACK)}" stroke-width="1.2" '
    f'stroke-opacity="{SETBACK_HATCH_ALPHA / 255:.2f}"/></pattern></defs></svg>')


def zone_features(zones: OutputLayer) -> list[dict[str, Any]]:
    features = []
    for row, geometry in zip(zones.rows(), _geometries(zones.frame.geometry), strict=True):
        buffer = row["kind"] == "buffer"
        title = (f"Red-line buffer: {quantity(float(row['max_distance_m']))} m" if buffer
                 else f"Setback up to {quantity(float(row['max_distance_m']))} m")
        rows = [("distance by category", f"{row['distances_m']} m"),
                ("area", f"{quantity(float(row['area_km2']))} km2")]
        if row["products"]:
            rows.insert(0, ("excludes sites for", _products(str(row["products"]))))
        colour = BUFFER if buffer else SETBACK
        style = ({"color": _hex(colour), "weight": 2.5, "fill": True, "fillOpacity": 0.0, "dashArray": BUFFER_DASH,
                  "lineCap": "round", "pane": "zones"} if buffer else
                 {"color": _hex(colour), "weight": 1.5, "fillColor": f"url(#{SETBACK_PATTERN_ID})", "fillOpacity": 1,
                  "dashArray": "", "pane": "zones"})
        features.append(_feature(geometry, _popup(title, rows), style))
    return features


def cell_features(cells: OutputLayer, products: Sequence[str]) -> list[dict[str, Any]]:
    """The candidate cells the plan builds on, as filled polygons with their land and capex (the
    others stay out of the page: thousands of them would only hide the plan; the candidate_cells
    layer and map.png show them)."""
    features = []
    built = cells.frame.loc[[bool(b) for b in cells.frame["built"]]]
    for row, geometry in zip(_records(built), _geometries(built.geometry), strict=True):
        rows = [("cluster", str(row["cluster"])), ("land, gross", f"{measure(float(row['gross_ha']))} ha"),
                ("usable after the red line", f"{measure(float(row['usable_ha']))} ha (the most over the products)"),
                ("capex, undiscounted", bn_yuan(float(row["capex_yuan"] or 0.0)))]
        if row["main_product"]:
            rows.append(("main product", product_label(str(row["main_product"]))))
        style = {"color": _hex(BUILT), "weight": 2, "fillColor": _hex(BUILT), "fillOpacity": CELL_FILL_OPACITY,
                 "pane": "cells"}
        features.append(_feature(geometry, _popup(f"Candidate cell {row['id']}", rows), style, _text(row["id"])))
    return features


#: What a source's popup says of a prospective source the plan may not use.
LEFT_OUT_PROSPECTIVE = "no: prospective, left out (spatial.include_prospective_sources is false)"


def source_radii(geometries: Sequence[Mapping[str, Any]]) -> list[int]:
    """The radius (px) of each source's marker, given the markers' geometries on the page (from
    `_geometries`, in drawing order): SOURCE_RADIUS, except where sources stand at the very same
    point on the page (the shipped layer puts Wenshan's aluminium and manganese at one town seat),
    whose markers would hide all but the last drawn, and whose popups but the last's could not be
    reached: those are nested as map.png nests its triangles (mapplot.py `source_sizes`), the
    first drawn the widest, each drawn over it SOURCE_NEST_PX narrower, the last at SOURCE_RADIUS,
    so that each shows as a ring round the next and takes the click on that ring."""
    radii = [SOURCE_RADIUS] * len(geometries)
    above: dict[str, int] = {}
    for i in reversed(range(len(geometries))):
        key = json.dumps(geometries[i]["coordinates"])
        over = above.get(key, 0)
        radii[i] = SOURCE_RADIUS + SOURCE_NEST_PX * over
        above[key] = over + 1
    return radii


def source_features(sources: OutputLayer, years: Sequence[int], colours: Mapping[str, Sequence[int]]
                    ) -> list[dict[str, Any]]:
    """Sources as markers filled with their resource's colour (faint where the plan may not use
    them), a prospective source the plan may not use hollow, outlined in that colour as on map.png
    and in the QGIS style; each with its status, supply, whether the plan may use it and what it
    ships per year. Sources at the very same point are nested (`source_radii`), so that each shows
    and its popup opens."""
    features = []
    geometries = _geometries(sources.frame.geometry)
    for row, geometry, radius in zip(sources.rows(), geometries, source_radii(geometries), strict=True):
        hollow = unused_prospective(row["status"], row["in_model"])
        rows = [("resource", str(row["resource"])), ("status", str(row["status"])),
                ("supply", f"{quantity(float(row['supply_t_per_yr']))} t/yr"),
                ("open to the plan", LEFT_OUT_PROSPECTIVE if hollow else "yes" if row["in_model"] else "no")]
        rows += [(f"shipped {t}", f"{quantity(float(row.get(f'shipped_t_{t}', 0.0)))} t/yr") for t in years]
        colour = colours.get(str(row["resource"]), GREY)
        style = {"radius": radius, "color": _hex(INK), "weight": 1, "fillColor": _hex(colour),
                 "fillOpacity": 0.9 if row["in_model"] else 0.3, "className": "source-marker", "pane": "sources"}
        if hollow:
            style.update({"color": _hex(colour), "weight": 2, "fillOpacity": 0.0})
        features.append(_feature(geometry, _popup(str(row.get("name") or row["id"]), rows), style))
    return features


def raised_sources(features: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The sources' markers (`source_features`) drawn over the sites, whose popups still open
    where a site lies under a source: each source twice, first every hit target, then every
    marker, in the order of `features`. A hit target is the marker's shape in the sources' pane,
    under the sites, with its popup, but nothing painted (stroke and fill opacity 0: it still
    takes a click on its disc); the marker is drawn in the pane above the sites ("sourcetops")
    and takes no click (`interactive: false`, no popup), so a click on it reaches the site's
    marker under it, or, where no site lies there, the source's hit target. A source at a site
    (a site drawing on it, or an eligible site at a mine) thus shows on the site's marker, and
    the site's popup and tooltip open there as before."""
    hits, marks = [], []
    for feature in features:
        style = dict(feature["properties"]["style"])
        hits.append({**feature, "properties": {**feature["properties"], "style": {
            **style, "opacity": 0.0, "fillOpacity": 0.0, "interactive": True}}})
        marks.append(_feature(feature["geometry"], "", {**style, "className": "source-top", "pane": "sourcetops",
                                                        "interactive": False}))
    return [*hits, *marks]


def flow_features(flows: OutputLayer, years: Sequence[int], colours: Mapping[str, Sequence[int]]
                  ) -> list[dict[str, Any]]:
    """The raw-material flows as lines in their resource's colour, width by the most tonnes a year,
    each titled by the names of its ends (`source_name`, `site_name`; the ids where a layer has
    none), with its resource, road km and tonnes per year."""
    frame = flows.frame
    tonnes = [f"tonnes_{t}" for t in years if f"tonnes_{t}" in frame.columns]
    peaks = [max((float(v) for v in values), default=0.0) for values in
             zip(*(frame[c] for c in tonnes), strict=True)] if tonnes and len(frame) else [0.0] * len(frame)
    top = max(peaks, default=0.0)
    features = []
    for n, (row, geometry) in enumerate(zip(flows.rows(), _geometries(frame.geometry), strict=True)):
        rows = [("resource", str(row["resource"])),
                ("road distance", f"{measure(float(row['km']))} km (straight line x detour factor)")]
        rows += [(str(t), f"{quantity(float(row.get(f'tonnes_{t}', 0.0)))} t/yr") for t in years]
        width = round(1.0 + 5.0 * peaks[n] / top, 2) if top > 0 else 1.0
        style = {"color": _hex(colours.get(str(row["resource"]), GREY)), "weight": width, "opacity": 0.85,
                 "pane": "flows"}
        title = f"{row.get('source_name') or row['source']} to {row.get('site_name') or row['site']}"
        features.append(_feature(geometry, _popup(title, rows), style))
    return features


def on_site_features(sites: OutputLayer | None, sources: OutputLayer | None, years: Sequence[int]
                     ) -> list[dict[str, Any]]:
    """A dashed ring (UNLINED_RING, drawn in the sites' pane: over the site's marker, as map.png
    draws it over the pie) at each source a site draws on where it stands (the sites layer's
    `on_site_sources` and `on_site_t_<year>`, t/yr: a flow of no length, which flows.geojson has
    no line for), its popup giving the site, the source, its resource and the tonnes the site
    draws from its sources on site each year; none for a site that never draws on them, or
    without the layers. The raw-material flows' overlay holds them."""
    if sites is None or sources is None or "on_site_sources" not in sites.frame.columns:
        return []
    at = {str(row["id"]): (row, point) for row, point in zip(sources.rows(), _geometries(
        [g if g.geom_type == "Point" else shapely.point_on_surface(g) for g in sources.frame.geometry]), strict=True)}
    frame = sites.frame
    names = frame_site_names(frame)
    features = []
    for row, name in zip(sites.rows(), names, strict=True):
        drawn = [(t, float(row.get(f"on_site_t_{t}") or 0.0)) for t in years]
        for source in (k for k in id_items(row.get("on_site_sources")) if k in at):
            if not any(v > 0 for _t, v in drawn):
                continue
            found, point = at[source]
            resource = product_label(str(found["resource"]))
            rows = [("why", "a flow of no length (the site stands at the source): drawn as this ring"),
                    ("source", str(found.get("name") or source)), ("resource", resource)]
            rows += [(f"drawn from sources on site {t}", f"{quantity(v)} t/yr") for t, v in drawn]
            style = {**UNLINED_RING, "className": "flow-on-site", "pane": "sites"}
            features.append(_feature(point, _popup(f"{name}: {resource} from a source on site", rows), style,
                                     _text(f"{name}: {resource} from a source on site (no line)")))
    return features


#: A product flow's leg in words, by its `kind` (siting/optimize/results.py `FLOW_KINDS`).
FLOW_LEGS = {"site_to_hub": "site to its hub", "hub_to_site": "hub to a site of its cluster",
             "hub_to_hub": "hub to hub", "gateway_to_hub": "import: gateway to hub",
             "hub_to_gateway": "sale out of the region: hub to gateway"}
#: The ends of a product flow's leg, by its `kind`: what its `from` and `to` name.
FLOW_ENDS = {"site_to_hub": ("site", "hub"), "hub_to_site": ("hub", "site"), "hub_to_hub": ("hub", "hub"),
             "gateway_to_hub": ("gateway", "hub"), "hub_to_gateway": ("hub", "gateway")}
#: The hub of a product flow's leg, by its `kind`: its `from` (0) or its `to` (1).
FLOW_HUB = {"site_to_hub": 1, "hub_to_site": 0, "hub_to_hub": 0, "gateway_to_hub": 1, "hub_to_gateway": 0}


def _leg_key(row: Mapping[str, Any]) -> tuple[str, str, str, str, int]:
    return str(row["kind"]), str(row["from"]), str(row["to"]), str(row["product"]), int(row["year"])


def unlined_flows(flows: OutputLayer | None, plan_flows: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The plan's product flows that have no line on the map: the rows of `plan_flows` (the
    plan's product flows, `Plan.product_flows`: kind, from, to, product, year, units, km) that
    move something and that the product flows layer `flows` has no
    feature for (siting/deliver/layers.py `product_flows_layer` draws no leg of 0 km, such as a
    site or the gateway standing at its hub), in product_flows.csv's order (`product_flow_rows`).
    Without `plan_flows`, none."""
    if plan_flows is None or not len(plan_flows):
        return []
    drawn = {_leg_key(row) for row in flows.rows()} if flows is not None else set()
    ordered = product_flow_rows(plan_flows)
    rows = [dict(zip(ordered.columns, values, strict=True)) for values in ordered.itertuples(index=False)]
    return [row for row in rows if float(row["units"]) > 0 and _leg_key(row) not in drawn]


#: Where a product flow without a line stands, in words, by its leg's `kind` ("{hub}": the hub's name).
UNLINED_WHERE = {"site_to_hub": "a site at {hub}", "hub_to_site": "a site at {hub}",
                 "gateway_to_hub": "the gateway at {hub}", "hub_to_gateway": "the gateway at {hub}",
                 "hub_to_hub": "two hubs at one point, {hub}"}


def unlined_widest(unlined: Sequence[Mapping[str, Any]], places: Mapping[tuple[str, str], str] | None = None
                   ) -> dict[str, tuple[float, str]]:
    """Product -> (the most it moves on a leg without a line in any year, units per year of its
    catalog unit; where that leg stands in words, `UNLINED_WHERE` with its hub named by `places`,
    `place_names`: "the gateway at Kunming hub"), from `unlined` (`unlined_flows`); the first
    such leg in product_flows.csv's order where two carry the same most. Products moving
    nothing on such a leg are absent."""
    named = places or {}
    widest: dict[str, tuple[float, str]] = {}
    for row in unlined:
        product, kind, moved = str(row["product"]), str(row["kind"]), float(row["units"])
        if product in widest and widest[product][0] >= moved:
            continue
        node = str(row["from"] if FLOW_HUB.get(kind, 1) == 0 else row["to"])
        hub = named.get(("hub", node), node)
        widest[product] = (moved, UNLINED_WHERE.get(kind, "at {hub}").format(hub=hub))
    return widest


def unlined_by_year(unlined: Sequence[Mapping[str, Any]], places: Mapping[tuple[str, str], str] | None = None
                    ) -> dict[int, dict[str, tuple[float, str]]]:
    """Year -> `unlined_widest` of the flows of that year in `unlined` (`unlined_flows`): product
    -> the most it moves that year on a leg without a line, and where; years ascending."""
    years = sorted({int(row["year"]) for row in unlined})
    return {year: unlined_widest([row for row in unlined if int(row["year"]) == year], places) for year in years}


def unlined_only(flows: OutputLayer | None, unlined: Sequence[Mapping[str, Any]],
                 places: Mapping[tuple[str, str], str] | None = None) -> dict[str, tuple[float, str]]:
    """The products of `unlined` (`unlined_flows`) that the product flows layer `flows` has no
    line for in any year, each with `unlined_widest`'s most and where: every flow of theirs is on
    a leg without a line."""
    lined = {str(p) for p in flows.frame["product"]} if flows is not None and len(flows.frame) else set()
    return {p: widest for p, widest in unlined_widest(unlined, places).items() if p not in lined}


def hub_points(hubs: OutputLayer | None) -> dict[str, dict[str, Any]]:
    """Hub node -> its point on the page (`_geometries`), from the hubs layer."""
    if hubs is None:
        return {}
    rows = hubs.rows()
    return {str(row["node"]): geometry for row, geometry in zip(rows, _geometries(hubs.frame.geometry), strict=True)
            if row["kind"] == "hub"}


#: The style of the ring that marks, at a hub, the product flows of a year that have no line: in
#: the hubs' pane, over the sites' markers, as map.png draws it over the pies.
UNLINED_RING = {"radius": 11, "color": _hex(INK), "weight": 2, "dashArray": "3 3", "fill": False, "opacity": 0.9,
                "className": "product-flow-unlined", "pane": "hubs"}


def unlined_features(unlined: Sequence[Mapping[str, Any]], hubs: OutputLayer | None, units: Mapping[str, str],
                     places: Mapping[tuple[str, str], str] | None = None) -> dict[int, list[dict[str, Any]]]:
    """By year, a dashed ring (UNLINED_RING) at each hub where product flows of that year have no
    line (`unlined`, from `unlined_flows`: legs of zero length, such as the gateway's at a hub
    standing at it), its popup listing each of them: product, ends, amount with its unit and
    leg (`FLOW_LEGS`). A hub the hubs layer does not place gets no ring. `places` as for
    `product_flow_features`."""
    points, named = hub_points(hubs), places or {}
    grouped: dict[tuple[int, str], list[Mapping[str, Any]]] = {}
    for row in unlined:
        kind = str(row["kind"])
        hub = str(row[("from", "to")[FLOW_HUB.get(kind, 0)]])
        grouped.setdefault((int(row["year"]), hub), []).append(row)
    found: dict[int, list[dict[str, Any]]] = {}
    for (year, hub), rows in sorted(grouped.items()):
        if hub not in points:
            continue
        title = f"{named.get(('hub', hub), hub)}: flows of {year} without a line"
        details = [("why", "legs of zero length (the two ends stand at one place): drawn as this ring")]
        for row in rows:
            kind = str(row["kind"])
            ends = FLOW_ENDS.get(kind, ("", ""))
            origin = named.get((ends[0], str(row["from"])), str(row["from"]))
            target = named.get((ends[1], str(row["to"])), str(row["to"]))
            details.append((f"{product_label(str(row['product']))}: {origin} to {target}",
                            f"{amount_text(float(row['units']))} {flow_unit(row, units)} "
                            f"({FLOW_LEGS.get(kind, kind)})"))
        count = f"{len(rows)} flow{'s' if len(rows) > 1 else ''}"
        tooltip = f"{named.get(('hub', hub), hub)} {year}: {count} without a line (legs of zero length)"
        found.setdefault(year, []).append(_feature(points[hub], _popup(title, details), UNLINED_RING,
                                                   _text(tooltip)))
    return found


def place_names(sites: OutputLayer | None, hubs: OutputLayer | None) -> dict[tuple[str, str], str]:
    """(end, id) -> a product flow's end in words: a site by its map name (`site_names`, as the
    report's tables name it), a hub as "<cluster name> hub", the gateway as "<name> (gateway)"
    (`network_end_name`, as product_flows.geojson's `from_name` and `to_name`)."""
    names: dict[tuple[str, str], str] = {}
    if sites is not None and len(sites.frame):
        frame = sites.frame
        names.update({("site", str(i)): n for i, n in zip(frame["id"], frame_site_names(frame), strict=True)})
    for row in hubs.rows() if hubs is not None else []:
        name = str(row.get("name") or row["node"])
        kind = "gateway" if row["kind"] == "gateway" else "hub"
        names[(kind, str(row["node"]))] = network_end_name(kind, name)
    return names


def flow_unit(row: Mapping[str, Any], units: Mapping[str, str]) -> str:
    """A product flow's unit per year: its product's catalog unit (`units`) per year, else the
    layer's `unit` field."""
    product = str(row["product"])
    return per_year(units[product]) if product in units else str(row.get("unit") or "")


#: Screen px per mm of a product flow's width and offset (siting/deliver/styles.py `flow_lanes`):
#: a line FLOW_MM wide in plan.qgs is 0.75 to 7.5 px wide on the page.
FLOW_PX_PER_MM = 2.5


def product_flow_features(flows: OutputLayer, products: Sequence[str], units: Mapping[str, str],
                          places: Mapping[tuple[str, str], str] | None = None,
                          unlined: Sequence[Mapping[str, Any]] = ()) -> dict[int, list[dict[str, Any]]]:
    """The product flows layer's lines (siting/deliver/layers.py `product_flows_layer`: one per
    leg, product and year, `units` moved per year in `unit`) by year, ascending. A line is in its
    product's colour (as in every output), dashed for imports and sales through the gateway, and
    its width and its offset across its leg are the layer's (siting/deliver/styles.py
    `flow_lanes`, in mm, FLOW_PX_PER_MM px each): one width scale per unit (every product in
    t/yr on one, so that their widths compare; GWh and million m2 each on its own), and the
    lines one leg moves in a year side by side, none over another, as plan.qgs draws them
    (`SCRIPT` moves a line with an `offset` that many px to the right of its direction). In a
    year the lines are drawn widest first. A line's popup gives its product, unit, year and
    amount, its leg (`FLOW_LEGS`), its road distance, its product's widest flow, what the full
    width stands for in its unit (`flow_unit_tops`), and every
    product the leg moves that year (lines on one leg lie on each other). `places`: (end, id) ->
    the ends in words (`place_names`; the ids without). `unlined`: the plan's flows without a
    line (`unlined_flows`): where one of a product carries more than its widest line, that
    product's popups call the widest the widest drawn and give the most a leg without a line
    carries."""
    frame = flows.frame
    rows = flows.rows()
    geometries = _geometries(frame.geometry)
    colours = product_colours([*products, *sorted({str(r["product"]) for r in rows} - set(products))])
    tops: dict[str, float] = {}
    on_leg: dict[tuple[str, str, str, int], list[Mapping[str, Any]]] = {}
    for row in rows:
        tops[str(row["product"])] = max(tops.get(str(row["product"]), 0.0), float(row["units"]))
        on_leg.setdefault((str(row["kind"]), str(row["from"]), str(row["to"]), int(row["year"])), []).append(row)
    hidden: dict[str, float] = {}
    for row in unlined:
        hidden[str(row["product"])] = max(hidden.get(str(row["product"]), 0.0), float(row["units"]))
    named = places or {}

    def end(kind: str, which: int, node: str) -> str:
        return named.get((FLOW_ENDS.get(kind, ("", ""))[which], node), node)

    widths, offsets = flow_lanes(frame, products)
    scales = flow_unit_tops(frame)
    by_year: dict[int, list[tuple[float, int, dict[str, Any]]]] = {}
    for n, (row, geometry) in enumerate(zip(rows, geometries, strict=True)):
        kind, product, year, moved = str(row["kind"]), str(row["product"]), int(row["year"]), float(row["units"])
        unit, label, top = flow_unit(row, units), product_label(product), tops[product]
        origin, target = end(kind, 0, str(row["from"])), end(kind, 1, str(row["to"]))
        details = [("product", label), ("unit", unit), ("year", str(year)), ("moved", f"{quantity(moved)} {unit}"),
                   ("leg", FLOW_LEGS.get(kind, kind)),
                   ("road distance", f"{measure(float(row['km']))} km (straight line x detour factor)")]
        if hidden.get(product, 0.0) > top:
            details += [(f"widest {label} flow drawn, any year", f"{quantity(top)} {unit}"),
                        (f"{label} on a leg without a line, any year",
                         f"up to {amount_text(hidden[product])} {unit} (a leg of zero length: a dashed ring at its "
                         "hub)")]
        else:
            details.append((f"widest {label} flow, any year", f"{quantity(top)} {unit}"))
        scale = scale_unit(row.get("unit"), product)
        details.append(("full line width", f"{quantity(scales[scale])} {scale} (the widest flow in it, any product)"))
        leg = on_leg[(kind, str(row["from"]), str(row["to"]), year)]
        extra = _amount_table(f"moved on this leg in {year}", [(str(r["product"]), flow_unit(r, units),
                                                                 float(r["units"])) for r in leg]) if len(leg) > 1 \
            else ""
        style = {"color": _hex(colours.get(product, GREY)), "weight": round(FLOW_PX_PER_MM * widths[n], 2),
                 "offset": round(FLOW_PX_PER_MM * offsets[n], 2) + 0.0, "opacity": 0.85,
                 "dashArray": "6 4" if kind in ("gateway_to_hub", "hub_to_gateway") else "",
                 "className": "product-flow", "pane": "productflows"}
        feature = _feature(geometry, _popup(f"{label}: {origin} to {target}", details, extra), style,
                           _text(f"{label} {year}: {quantity(moved)} {unit}, {origin} to {target}"))
        by_year.setdefault(year, []).append((widths[n], n, feature))
    return {year: [f for _share, _n, f in sorted(found, key=lambda item: (-item[0], item[1]))]
            for year, found in sorted(by_year.items())}


def hub_features(hubs: OutputLayer) -> list[dict[str, Any]]:
    """The hubs (white dots) and the gateway (a larger dot under them, where it lies at a hub),
    the ends of the product flows, each with its popup."""
    features = []
    rows = list(zip(hubs.rows(), _geometries(hubs.frame.geometry), strict=True))
    for row, geometry in sorted(rows, key=lambda item: item[0]["kind"] != "gateway"):
        name = str(row.get("name") or row["node"])
        if row["kind"] == "gateway":
            title = network_end_name("gateway", name)
            rows_shown = [("kind", "gateway: imports arrive and sales out of the region leave here")]
            style = {"radius": 8, "color": _hex(INK), "weight": 2, "fillColor": _hex(INK), "fillOpacity": 0.25,
                     "className": "hub-marker", "pane": "hubs"}
        else:
            title = network_end_name("hub", name)
            rows_shown = [("kind", "hub: the cluster's sites send and receive products through it"),
                          ("cluster", str(row.get("cluster") or row["node"]))]
            style = {"radius": 4.5, "color": _hex(INK), "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1.0,
                     "className": "hub-marker", "pane": "hubs"}
        features.append(_feature(geometry, _popup(title, rows_shown), style, _text(title)))
    return features


def product_flows_note(flows: OutputLayer | None, products: Sequence[str], units: Mapping[str, str],
                       unlined: Sequence[Mapping[str, Any]] = (),
                       places: Mapping[tuple[str, str], str] | None = None, hubs: OutputLayer | None = None) -> str:
    """The sentences over the map on the product flows ("" without any): one layer per year, the
    width of a line on one scale per unit and what the full width stands for in each, the
    lines of a leg side by side, the units that differ (in the order of
    `products`, the catalog's), the dashes; then the flows without a line (`unlined`,
    from `unlined_flows`): that they are legs of zero length, marked by a ring, and what those of
    their last year carry (`unlined_text`), and the products with no line in any year, which
    move only on such legs (`unlined_only_text`). Without `unlined`, where the gateway stands at a hub
    (`hubs`: the hubs layer), that the flows between them have no line."""
    lined = flows is not None and len(flows.frame) > 0
    if not lined and not unlined:
        return ""
    order = {p: i for i, p in enumerate(products)}
    rows = sorted([*(flows.rows() if lined and flows is not None else []), *unlined],
                  key=lambda row: order.get(str(row["product"]), len(order)))
    shown = list(dict.fromkeys(flow_unit(row, units) for row in rows))
    mixed = f" (products are in different units: {', '.join(shown)})" if len(shown) > 1 else ""
    tops = flow_unit_tops(flows.frame) if lined and flows is not None else {}
    across = f" ({width_scale_text(tops, f'{FLOW_PX_PER_MM * FLOW_MM[1]:g} px')})" if tops else ""
    text = (" Product flows: one layer per year, off until ticked; a line's width is its amount per year, on one "
            f"scale per unit{across}, so widths compare between products in the same unit{mixed}; the lines of "
            "one leg stand side by side; dashed lines are imports and sales through the gateway.")
    if unlined:
        return text + " " + unlined_text(unlined, units, places) + unlined_only_text(
            unlined_only(flows, unlined, places), products, units)
    at = gateway_hub(hubs)
    return text + (f" The gateway stands at {network_end_name('hub', at)}: the imports and sales between them have "
                   "no line (product_flows.csv lists them)." if at else "")


def unlined_only_text(only: Mapping[str, tuple[float, str]], products: Sequence[str], units: Mapping[str, str]
                      ) -> str:
    """The note's sentence on the products with no line in any year (`only`, from
    `unlined_only`), in the order of `products` (the catalog's), each with the most it moves on
    a leg without a line and where: " No line for LFP (up to 120,000 t/yr: the gateway at North
    hub): every flow of it is on a leg without a line."; "" for none."""
    if not only:
        return ""
    order = {p: i for i, p in enumerate(products)}
    named = sorted(only, key=lambda p: (order.get(p, len(order)), p))
    parts = [f"{product_label(p)} (up to {amount_text(only[p][0])}{f' {per_year(units[p])}' if p in units else ''}: "
             f"{only[p][1]})" for p in named]
    whose = "it" if len(named) == 1 else "them"
    return f" No line for {joined(parts)}: every flow of {whose} is on a leg without a line."


def unlined_text(unlined: Sequence[Mapping[str, Any]], units: Mapping[str, str],
                 places: Mapping[tuple[str, str], str] | None = None) -> str:
    """What the flows without a line (`unlined_flows`) are, and what those of their last year
    carry, by leg, in product_flows.csv's order, amounts as the tables give them
    (`amount_text`): "Flows on legs of zero length (a site or the gateway at its hub) have no line:
    a dashed ring at the hub marks them in their year's layer, and its popup lists them. In 2024:
    Kunming (gateway) to Kunming hub, Li2CO3 261,933 t/yr and FePO4 8,750 t/yr"."""
    last, carried = unlined_carried(unlined, units, places)
    return ("Flows on legs of zero length (a site or the gateway at its hub) have no line: a dashed ring at the hub "
            f"marks them in their year's layer, and its popup lists them. In {last}: {carried}.")


def unlined_carried(unlined: Sequence[Mapping[str, Any]], units: Mapping[str, str],
                    places: Mapping[tuple[str, str], str] | None = None) -> tuple[int, str]:
    """The last year of the flows without a line (`unlined`, from `unlined_flows`; at least one)
    and what they carry in it, by leg, in product_flows.csv's order, amounts as the tables give
    them: (2024, "Kunming (gateway) to Kunming hub, Li2CO3 261,933 t/yr and FePO4 8,750 t/yr").
    `places` as for `product_flow_features`."""
    named = places or {}
    last = max(int(row["year"]) for row in unlined)
    legs: dict[tuple[str, str], list[str]] = {}
    for row in (r for r in unlined if int(r["year"]) == last):
        ends = FLOW_ENDS.get(str(row["kind"]), ("", ""))
        leg = (named.get((ends[0], str(row["from"])), str(row["from"])),
               named.get((ends[1], str(row["to"])), str(row["to"])))
        legs.setdefault(leg, []).append(f"{product_label(str(row['product']))} {amount_text(float(row['units']))} "
                                        f"{flow_unit(row, units)}")
    return last, "; ".join(f"{a} to {b}, {joined(amounts)}" for (a, b), amounts in legs.items())


def gateway_hub(hubs: OutputLayer | None) -> str:
    """The name of the hub the gateway stands at (the same point in the hubs layer), "" for none."""
    if hubs is None or not len(hubs.frame):
        return ""
    rows = list(zip(hubs.rows(), hubs.frame.geometry, strict=True))
    gates = [geometry for row, geometry in rows if row["kind"] == "gateway"]
    return next((str(row.get("name") or row["node"]) for row, geometry in rows
                 if row["kind"] == "hub" and any(geometry.equals(g) for g in gates)), "")


def product_flow_overlays(by_name: Mapping[str, OutputLayer], products: Sequence[str], years: Sequence[int],
                          units: Mapping[str, str], unlined: Sequence[Mapping[str, Any]] = ()
                          ) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(key, label, features) of the product flows' overlays, one per year with flows
    (`product_flow_features`; over them, the year's rings at the hubs where flows have no line:
    `unlined_features` of `unlined`), then the hubs and the gateway (`hub_features`); none
    without a product_flows layer (of `by_name`: the plan's layers by name)."""
    if "product_flows" not in by_name:
        return []
    places = place_names(by_name.get("sites"), by_name.get("hubs"))
    lines = product_flow_features(by_name["product_flows"], products, units, places, unlined)
    rings = unlined_features(unlined, by_name.get("hubs"), units, places)
    found = []
    for year in sorted({*lines, *rings}):
        features = [*lines.get(year, []), *rings.get(year, [])]
        final = " (final year)" if years and year == years[-1] else ""
        found.append((f"product-flows-{year}", f"{_swatch(INK, 'line')}Product flows {year}{final}", features))
    if found and "hubs" in by_name:
        found.append(("hubs", f"{_swatch((255, 255, 255))}Hubs and the gateway", hub_features(by_name["hubs"])))
    return found


# --- the page ---------------------------------------------------------------------------------

def _swatch(rgb: Sequence[int], shape: str = "dot") -> str:
    return f'<span class="swatch {shape}" style="background:{_hex(rgb)}"></span>'


def zones_swatch() -> str:
    """The red-line zones' swatch in the layer control, as the map draws them (`zone_features`):
    the buffer's dotted red outline, unfilled, round the setbacks' light hatch in their dark red
    (SETBACK_HATCH), not a solid box of the buffer's red, which readers with deuteranopia see
    nearly as the anode's vermillion flows."""
    hatch = f"rgba({SETBACK[0]},{SETBACK[1]},{SETBACK[2]},{SETBACK_HATCH_ALPHA / 255:.2f})"
    return (f'<span class="swatch box" style="border:2px dotted {_hex(BUFFER)};'
            f'background:repeating-linear-gradient(45deg,{hatch} 0 1px,transparent 1px 4px)"></span>')


def _ring_swatch(rgb: Sequence[int]) -> str:
    """A ring's swatch in the layer control: an open circle in `rgb`."""
    return f'<span class="swatch ring" style="border-color:{_hex(rgb)}"></span>'


def redline_label(redline: OutputLayer) -> str:
    """The red line's entry in the layer control: "Red line (protected land and water)", or
    "Red-line proxy (protected land and water)" where the layer marks itself a proxy
    (siting/deliver/mapinfo.py `layer_basis`, as map.png's legend and plan.qgs decide it:
    `redline_word`). The words cover every category a red line holds (the shipped proxy's six:
    nature reserves, forest parks, scenic areas, lakes and their buffer and lakeside zones); each
    polygon's popup names its own."""
    return f"{capitalised(redline_word(layer_basis(redline.frame).is_proxy))} (protected land and water)"


def map_data(layers: Sequence[OutputLayer], products: Sequence[str], years: Sequence[int],
             units: Mapping[str, str], context: gpd.GeoDataFrame | None = None,
             context_label: str = "Context outlines",
             proximity: Mapping[str, Sequence[ProximityReason]] | None = None,
             marker_top_yuan: float | None = None, unlined: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """What the page draws: overlays in the layer control's order, each with its features, and the
    bounds to show (the clusters', or every layer's when there are no clusters); `proximity`: why
    products are excluded by proximity at each site (`site_features`); `marker_top_yuan`: the
    built sites' marker scale (`site_features`); `unlined`: the plan's product flows without a
    line (`unlined_flows`), marked at their hubs. The product flows (one overlay per year) and the
    hubs are off until ticked: a planner opens on where the plan builds; the flows of every year
    lie on the same legs. The context outlines are named `context_label` capitalised, as the
    other entries of the layer control and the layer's title in plan.qgs: "Counties (context)"."""
    by_name = {layer.name: layer for layer in layers}
    resources = list(by_name["sources"].frame["resource"]) if "sources" in by_name else []
    colours = resource_colours(resources)
    overlays: list[dict[str, Any]] = []

    def add(key: str, label: str, features: list[dict[str, Any]], shown: bool = True) -> None:
        if features:
            overlays.append({"key": key, "label": label, "shown": shown,
                             "data": {"type": "FeatureCollection", "features": features}})

    if "sites" in by_name:
        top = largest_built(by_name["sites"]) if marker_top_yuan is None else float(marker_top_yuan)
        grouped = site_features(by_name["sites"], products, years, units, proximity, top)
        for status, features in grouped.items():
            add(f"sites-{status}", sites_label(status, len(features), top), features)
        add("demonstrations", f"{_ring_swatch(DEMO_RING)}{_text(DEMO_OVERLAY_LABEL)}", demo_ring_features(grouped))
    if "candidate_cells" in by_name:
        cells = by_name["candidate_cells"]
        built = sum(bool(b) for b in cells.frame["built"])
        add("cells-built", f"{_swatch(BUILT, 'box')}Candidate cells built ({built} of {len(cells.frame):,})",
            cell_features(cells, products))
    for key, label, features in product_flow_overlays(by_name, products, years, units, unlined):
        add(key, label, features, False)
    on_site = on_site_features(by_name.get("sites"), by_name.get("sources"), years)
    if "flows" in by_name or on_site:
        ringed = "; a dashed ring: a site drawing on a source on site" if on_site else ""
        add("flows", f"{_swatch(INK, 'line')}Raw-material flows (width by tonnage{ringed})",
            [*(flow_features(by_name["flows"], years, colours) if "flows" in by_name else []), *on_site])
    if "sources" in by_name:
        add("sources", f"{_swatch(GREY)}Raw-material sources",
            raised_sources(source_features(by_name["sources"], years, colours)))
    if "redline_zones" in by_name:
        add("zones", f"{zones_swatch()}Red-line buffer and setbacks", zone_features(by_name["redline_zones"]))
    if "redline" in by_name:
        swatches = "".join(_swatch(c, "box") for c in dict.fromkeys(redline_used_colours(by_name["redline"])))
        add("redline", f"{swatches}{redline_label(by_name['redline'])}", redline_features(by_name["redline"]))
    if "clusters" in by_name:
        add("clusters", f"{_swatch(INK, 'line')}Clusters", cluster_features(by_name["clusters"], products))
    if context is not None and len(context):
        # Capitalised as the layer control's other entries (map.png's legend has it in lower case).
        add("context", f"{_swatch(GREY, 'line')}{_text(capitalised(context_label))}", context_features(context))
    framing = [by_name["clusters"]] if "clusters" in by_name and len(by_name["clusters"].frame) else list(layers)
    boxes = [layer.frame.total_bounds for layer in framing if len(layer.frame)]
    if boxes:
        west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
        east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    else:
        west, south, east, north = -1.0, -1.0, 1.0, 1.0
    bounds = [[round(float(south), PAGE_DECIMALS), round(float(west), PAGE_DECIMALS)],
              [round(float(north), PAGE_DECIMALS), round(float(east), PAGE_DECIMALS)]]
    return {"bounds": bounds, "overlays": overlays, "panes": [list(p) for p in PANES]}


#: The width (CSS px) of the map below which its layer panel starts folded to its button (Leaflet's
#: `collapsed`, decided in the page from the map's width): at 800 px the open panel covered about
#: 70 % of the map's width over its top half.
PANEL_OPEN_MIN_PX = 900

#: The page's own script: draws `data` with Leaflet; every style and popup comes with the data.
SCRIPT = """(function () {
  var data = JSON.parse(document.getElementById("plan-map-data").textContent);
  var map = L.map("plan-map", {zoomSnap: 0.25, preferCanvas: false});
  map.attributionControl.setPrefix("Leaflet");
  data.panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = p[1]; });
  // The layer panel stands open on a map wide enough for it beside the clusters; on a narrower
  // one (a small window) it starts folded to its button, which opens it, so that it does not
  // cover most of the map.
  var control = L.control.layers(null, null, {collapsed: map.getSize().x < PANEL_OPEN_MIN_PX,
                                             sortLayers: false}).addTo(map);
  data.overlays.forEach(function (overlay) {
    var layer = L.geoJSON(overlay.data, {
      style: function (f) { return f.properties.style; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties.style); },
      onEachFeature: function (f, l) {
        // A line with an offset (px) is drawn that far to the right of its direction, so that
        // the lines of one leg stand side by side at every zoom.
        var shift = f.properties.style && f.properties.style.offset;
        if (shift && l._project) {
          var project = l._project;
          l._project = function () {
            project.call(this);
            (this._rings || []).forEach(function (ring) {
              if (ring.length < 2) { return; }
              var a = ring[0], b = ring[ring.length - 1], dx = b.x - a.x, dy = b.y - a.y;
              var n = Math.sqrt(dx * dx + dy * dy);
              if (!n) { return; }
              var ox = -dy / n * shift, oy = dx / n * shift;
              ring.forEach(function (p) { p.x += ox; p.y += oy; });
            });
            if (this._rawPxBounds) {
              var pad = Math.abs(shift);
              this._rawPxBounds = L.bounds(this._rawPxBounds.min.subtract([pad, pad]),
                                           this._rawPxBounds.max.add([pad, pad]));
              this._updateBounds();
            }
          };
        }
        if (f.properties.popup) { l.bindPopup(f.properties.popup, {maxWidth: 420}); }
        if (f.properties.tooltip) { l.bindTooltip(f.properties.tooltip, {sticky: true}); }
      }
    });
    if (overlay.shown) { layer.addTo(map); }
    control.addOverlay(layer, overlay.label);
  });
  L.control.scale({imperial: false}).addTo(map);
  // The clusters framed beside the layer panel (top right) where the map is wide enough for
  // both, so that the panel covers none of them; otherwise over the whole map.
  var width = map.getSize().x, panel = control.getContainer().offsetWidth + 16;
  map.fitBounds(data.bounds, width - panel >= 0.4 * width
    ? {paddingTopLeft: [8, 8], paddingBottomRight: [panel, 8]} : {padding: [8, 8]});
})();""".replace("PANEL_OPEN_MIN_PX", str(PANEL_OPEN_MIN_PX))

CSS = ("#plan-map{height:640px;background:#f4f2ec;border:1px solid #ccc;margin:.5em 0 1.2em}"
       "#plan-map .popup table{border-collapse:collapse;margin:.3em 0}"
       "#plan-map .popup th,#plan-map .popup td{border:none;padding:.05em .4em .05em 0;background:none;"
       "text-align:left;font-weight:normal;vertical-align:top}"
       "#plan-map .popup th{color:#555}#plan-map .popup td.n{text-align:right}"
       "#plan-map .popup table.capacity th{font-weight:bold;color:#222}"
       ".swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #333}"
       ".swatch.dot{border-radius:50%}.swatch.ring{border-radius:50%;border-width:2px;background:none}"
       ".swatch.line{height:3px;border:none;vertical-align:middle}")


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's CSS (its images as data URIs) and JavaScript (without the source-map comment),
    read from the copy bundled with the package."""
    root = resources.files("siting.deliver").joinpath("static", "leaflet")

    def data_uri(match: re.Match[str]) -> str:
        image = root.joinpath("images", match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode('ascii')})"

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", data_uri, root.joinpath("leaflet.css").read_text("utf-8"))
    script = root.joinpath("leaflet.js").read_text("utf-8")
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    return css, script


def head_html() -> str:
    """What the page's <head> needs for the map: Leaflet's CSS and script, and ours."""
    css, script = leaflet_assets()
    return f"<style>{css}</style>\n<style>{CSS}</style>\n<script>{script}</script>\n"


def _script_json(data: Mapping[str, Any]) -> str:
    """JSON safe inside a <script> element: no '</' and no HTML comment openers."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def map_html(layers: Sequence[OutputLayer], products: Sequence[str], years: Sequence[int],
             units: Mapping[str, str], context: gpd.GeoDataFrame | None = None,
             context_label: str = "Context outlines",
             proximity: Mapping[str, Sequence[ProximityReason]] | None = None,
             marker_top_yuan: float | None = None, product_flows: pd.DataFrame | None = None) -> str:
    """The map's part of the page body: its element, its data and the script that draws it.

    products: product codes in catalog order; years: the plan's years; units: product -> its
    catalog unit (t, GWh, million m2); context: the scenario's context polygons, if any, drawn as
    outlines, named `context_label` in the layer list; proximity: site id -> why products are
    excluded there by proximity (siting/deliver/drivers.py `proximity_reasons`), for the sites'
    popups; marker_top_yuan: the capex (yuan) of a full-size built-site marker (the plan's own
    largest built site where None; `with_marker_scale` changes it on a written page);
    product_flows: the plan's product flows (`Plan.product_flows`, a table of kind, from, to,
    product, year, units, km), of which those the product_flows layer has no line for (legs of
    zero length, such as the gateway's at a hub standing at it: `unlined_flows`) are marked by a
    ring at their hub and named over the map with what they carry; None: the flows without a
    line are unknown (the note then says only that the gateway's legs at its hub have none).
    Needs `head_html()` in the page's head.
    """
    by_name = {layer.name: layer for layer in layers}
    unlined = unlined_flows(by_name.get("product_flows"), product_flows)
    data = map_data(layers, products, years, units, context, context_label, proximity, marker_top_yuan, unlined)
    note = product_flows_note(by_name.get("product_flows"), products, units, unlined,
                              place_names(by_name.get("sites"), by_name.get("hubs")), by_name.get("hubs"))
    return ('<p class="map-note">Interactive map: tick the layers on the right; click a site for its capacities '
            "and capex, or a flow, source, zone or cluster for its figures."
            f"{_text(note)}</p>\n"
            f"{SETBACK_HATCH}\n"
            f'<div id="{MAP_ID}" role="region" aria-label="Interactive map of the plan"></div>\n'
            f'<script type="application/json" id="{MAP_ID}-data">{_script_json(data)}</script>\n'
            f"<script>{SCRIPT}</script>")


#: The map's data in a page (`map_html`): the element's opening tag, its JSON, its closing tag.
_DATA_ELEMENT = re.compile(r'(<script type="application/json" id="' + MAP_ID + r'-data">)(.*?)(</script>)', re.S)


def with_marker_scale(page: str, marker_top_yuan: float) -> str:
    """A page holding the map (`map_html`, such as report.html) with its built sites' markers
    (a demonstration's ring round its marker with it) and their label on the scale
    `marker_top_yuan` (yuan of capex at full size), as
    `map_html(..., marker_top_yuan=marker_top_yuan)` writes them: e.g. a run of a comparison or
    sweep on the largest built site of every run (siting/runs/batch.py `one_pie_scale`). Nothing
    else on the page changes; a page without the map is returned as it is. Raises ValueError
    where the page holds the map's data more than once, or the scale is not a finite number at
    least the page's largest built site's capex."""
    found = list(_DATA_ELEMENT.finditer(page))
    if not found:
        return page
    if len(found) > 1:
        raise ValueError(f"the page must hold the map's data once, got {len(found)} times")
    (match,) = found
    data = json.loads(match.group(2))
    for overlay in data["overlays"]:
        if overlay["key"] == "demonstrations":
            for ring in overlay["data"]["features"]:
                if "capex_yuan" in ring["properties"]:
                    ring["properties"]["style"]["radius"] = demo_ring_radius(
                        _radius(float(ring["properties"]["capex_yuan"]), float(marker_top_yuan)))
            continue
        if overlay["key"] != "sites-built":
            continue
        features = overlay["data"]["features"]
        own = max((float(f["properties"]["capex_yuan"]) for f in features), default=0.0)
        if not (math.isfinite(marker_top_yuan) and marker_top_yuan >= own):
            raise ValueError(f"the marker scale must be at least the largest built site's capex ({own:g} yuan), "
                             f"got {marker_top_yuan!r}")
        for feature in features:
            feature["properties"]["style"]["radius"] = _radius(float(feature["properties"]["capex_yuan"]),
                                                               float(marker_top_yuan))
        overlay["label"] = sites_label("built", len(features), float(marker_top_yuan))
    return page[:match.start(2)] + _script_json(data) + page[match.end(2):]
