"""QGIS 3 layer styles (QML) for the output layers, generated from the layers themselves.

A style is data-driven where a reader needs it: marker sizes and line widths scale to the
layer's own largest value, and that value is written in the legend label with its unit. The
QML is built with ElementTree, attributes in sorted order and no timestamp, so the same layer
gives the same bytes. The format is the one QGIS 3.22 writes (`<Option type="Map">` symbol
properties); newer QGIS versions read it unchanged.

A categorised style lists only the categories the layer's features have (`values_in`), in a
fixed order (statuses in `STATUS_LABELS`' order, resources by name, ...), and the sites' pies
only the products some site adds, so that the legend (QGIS's layer panel and the project's print
legend) names nothing the map does not draw, as map.png's legend does not. The colour of a
resource or product does not depend on which others are present (a resource the project does not
know aside: `resource_colours`).

Layer styles:
- sites: categorised by `status`; built sites carry a circle whose area is proportional to
  capex (a square for a built candidate cell, by `kind`), a site where only existing or
  committed plants stand a dark blue diamond, excluded sites are grey with the reason in the
  legend; built and standing sites are labelled, a built site's name tied to its pie by a leader;
  the smaller of two overlapping built sites is drawn over the larger, its pie outlined in ink;
  a recycling demonstration's pie ringed in green (`demo_ring`), the ring keyed in the legend;
- site_areas (only when the input mixes point and polygon sites): outlines by `status`;
- hubs: the hubs (one per cluster) and the gateway, by `kind`, labelled with their names (the
  gateway's marked as such), the hubs' squares drawn over the gateway's star;
- product_flows: rules per year (the last one ticked, the others to tick on) and in each per
  product, line width proportional to the amount moved per year on one scale per unit (the
  legend's layer name says what the full width stands for; each product's label its own widest
  flow), the lines of one leg side by side (the layer's `width_mm` and `offset_mm`: `flow_lanes`),
  imports and sales (legs to and from the gateway) dashed;
  a product that moves in a year only on legs of no length, which have no line, keys a dashed
  ring with what it moves (a rule that draws nothing: `KEY_ONLY`);
- flows: categorised by `resource`, line width proportional to the peak yearly tonnage; a site
  drawing on a source standing on it, which has no line, keys a dashed ring with what it draws
  (a category no feature has: `KEY_ONLY_CATEGORY`);
- sources: categorised by resource and whether the plan may use them (`SOURCE_CLASS`): a
  triangle in the resource's colour whose area is proportional to supply, hollow for a
  prospective source the plan may not use (`unused_prospective`);
- candidate_cells (only with a `candidates:` block): the generated cells by `status`, the built
  ones filled with the built colour and a strong outline, the others as faint outlines only, so
  that thousands of cells read as a light grid under the plan;
- clusters: outlines labelled with the cluster name;
- redline_zones: the buffered exclusion zones, one category per zone: the buffer outlined with
  ticks across the line, setbacks with one light hatch;
- redline: the red-line polygons as used, categorised by `category`: water blue, reserves green,
  the open water named in italic blue;
- context (only when the scenario has `layers.context`, e.g. counties): thin grey outlines under
  everything else, labelled with their names in grey, as on map.png.

`compare`'s diff.geojson has its own style (`diff_style`): sites by their change against the
baseline, the changes of a run within solver tolerance of the baseline hatched or hollow and
said to be between plans of indistinguishable cost, an added or resized site marked again above
its pie (`change_marks`); compare.qgs draws each run's sites on one capex scale
(`with_capex_scale`), one run shown at a time.

The colours live here once; map.png and the web map take them from this module.
"""

from __future__ import annotations

import copy
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from siting.config.units import (
    BN,
    MONEY_UNIT,
    amount_text,
    bn_yuan,
    capitalised,
    frame_site_names,
    joined,
    per_year,
    product_label,
)
from siting.deliver.layer import OutputLayer, id_items
from siting.deliver.mapinfo import PROXY_FLAGS, YES_WORDS, says_yes
from siting.optimize.tolerance import WITHIN, range_text

QGIS_VERSION = "3.22.0-Białowieża"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"

#: QGIS layerGeometryType: 0 point, 1 line, 2 polygon.
GEOMETRY_CODE = {"Point": 0, "MultiPoint": 0, "LineString": 1, "MultiLineString": 1, "Polygon": 2, "MultiPolygon": 2}

#: Colour-blind-safe qualitative palette for products, RGB: the eight Okabe-Ito colours, then Paul
#: Tol's muted wine, a crimson and a periwinkle, then the rest of Tol's muted scheme. Any two of the
#: first eleven (the shipped catalog's products) are at least 10 apart by CIEDE2000 for normal
#: vision, protanopia, deuteranopia and tritanopia (simulated after Machado et al. 2009, full
#: severity), as the eight Okabe-Ito colours are (10.9 at the least); Tol's olive and rose, 10th
#: and 11th before, were 5.1 from the vermillion and 4.0 from the bluish green with deuteranopia.
#: The same colour means the same product in map.png, the QGIS styles and the web map
#: (`product_colours`).
PALETTE = ((0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0),
           (240, 228, 66), (0, 0, 0), (136, 34, 85), (180, 0, 60), (135, 120, 255), (136, 204, 238),
           (68, 170, 153), (17, 119, 51), (221, 204, 119), (170, 68, 153), (51, 34, 136), (153, 153, 51),
           (204, 102, 119))

STATUS_LABELS = {
    "built": "Built: new capacity",
    "standing": "Existing or committed plants only: no new capacity in this plan",
    "eligible_unused": "Eligible, not used by this plan",
    "excluded_redline": "Excluded: inside a buffered red-line zone for every product",
    "excluded_proximity": "Excluded: no raw-material source within reach",
    "excluded_land": "Excluded: too little usable land for any module",
    "outside_clusters": "Outside every cluster (dropped)",
}

#: Colours for raw-material resources, mostly darker and earthier than the products', in the order
#: `resource_colours` gives them out (RESOURCE_COLOUR_ORDER). Any two stay apart for readers with
#: protanopia, deuteranopia or tritanopia too: a CIEDE2000 difference of at least 10 as those
#: readers see them (simulated after Machado et al. 2009, full severity), at least 15 among the
#: first seven (the shipped map's), of which only one is very dark (two would look alike as small
#: markers). None reads as a product's colour (`PALETTE`'s first eleven, the shipped catalog's
#: products) where a source or a flow stands on a pie: at least 15 apart in CIELAB for normal
#: vision and 10 for each of those readers.
RESOURCE_PALETTE = ((140, 81, 10), (90, 50, 180), (210, 170, 85), (80, 105, 115), (64, 0, 75), (140, 150, 198),
                    (105, 105, 85), (105, 175, 150), (180, 125, 70), (103, 0, 31))

#: Every resource the project knows, in the order of the colours it gets (the n-th name has
#: RESOURCE_PALETTE's n-th colour), so that a resource has one colour in every run, whatever other
#: resources its sources layer has. First, by name, the seven of the shipped sources layer
#: (geodata/yunnan/sources.geojson), which the shipped map draws together: they take the palette's
#: first seven colours, the most distinct (see RESOURCE_PALETTE). Then, by name, the shipped
#: catalog's other three (scenarios/catalog.yaml `resources`: imported, no shipped source), which
#: take the last three: every one of the catalog's ten has a colour of its own. A resource named
#: nowhere here takes a colour the others present leave unused (`resource_colours`).
RESOURCE_COLOUR_ORDER = ("aluminium", "copper", "copper_concentrate", "lithium_clay", "manganese", "petroleum_coke",
                         "phosphate_rock", "cobalt", "nickel", "retired_batteries")

#: The colours of the map elements that touch the red line's fills: a built site (a muted wine,
#: darker than every red-line fill and duller than the buffer's red), a site where only existing or
#: committed plants stand (a dark blue), an eligible site the plan does not use (an amber, away
#: from the blues of the water categories), the red-line buffer (a bright red, ticked) and the
#: setbacks (a dark red, hatched). As drawn (their opacities, and the red-line fills' at
#: REDLINE_FILL_ALPHA, over white), each is at least 10 apart by CIEDE2000 from every red-line
#: category's fill and from each other for normal vision and as readers with protanopia,
#: deuteranopia or tritanopia see them (simulated after Machado et al. 2009, full severity:
#: tests/test_map_colours_cvd.py). (The built red (213, 62, 79) was 3.6 from the nature reserve's
#: green with deuteranopia, the eligible light blue 2.8 from the lakes' blue.) The built wine is
#: at least 7.4 from every product colour of the shipped catalog (copper foil's wine, the nearest).
BUILT = (132, 72, 84)
STANDING = (49, 54, 149)
ELIGIBLE = (240, 192, 0)
GREY = (150, 150, 150)
INK = (40, 40, 40)
#: A red of the other outputs (siting/deliver/explore.py's conflict maps).
RED = (215, 48, 39)
#: The red-line buffer's ticked outline and the setbacks' outline and hatch (see BUILT).
BUFFER = (252, 36, 24)
SETBACK = (180, 0, 0)
#: Red-line fills: open water blue, the lake protection zones a paler blue, nature reserves green,
#: parks, scenic areas and any other category a paler green (the families of `redline_colour`).
WATER = (67, 147, 195)
WATER_ZONE = (166, 206, 227)
RESERVE = (77, 160, 80)
NATURE = (178, 223, 138)
#: The fills of the red-line categories the project knows (the shipped layer's), each its own, as
#: their rules differ (the lakeside zone, not the buffer zone, keeps the chemical setbacks): the
#: lakeside (first-level) zone teal, the lake buffer (second-level) zone a paler cyan, forest parks
#: a pale green and scenic areas sand. As drawn (REDLINE_FILL_ALPHA over the map's land), any two of
#: the six categories are at least 10 apart in CIELAB for normal vision, protanopia, deuteranopia
#: and tritanopia (simulated after Machado et al. 2009, full severity), but the lake and the nature
#: reserve, 9.6 apart for tritanopia.
LAKESIDE = (50, 190, 170)
LAKE_BUFFER = (150, 230, 230)
PARK = (168, 216, 160)
SCENIC = (232, 216, 112)
REDLINE_COLOURS = {"lake": WATER, "lakeside_zone": LAKESIDE, "lake_buffer_zone": LAKE_BUFFER,
                   "nature_reserve": RESERVE, "forest_park": PARK, "scenic_area": SCENIC}
#: Fills for a category the project does not know whose family's colour (`redline_colour`) another
#: category present has, in the order they are given out: ColorBrewer's Accent lilac and light
#: orange, Set3's pale violet and pink.
REDLINE_SPARE = ((190, 174, 212), (253, 192, 134), (188, 128, 189), (252, 205, 229))
#: Opacity (0-255) of red-line fills, the same in the QGIS styles and map.png.
REDLINE_FILL_ALPHA = 150
#: Opacity (0-255) of a setback's single hatch.
SETBACK_HATCH_ALPHA = 150
#: Opacity (0-255) of the fill of a polygon site that is built, standing or eligible (the QGIS
#: sites and site_areas styles): a paler fill would not be told apart from the red line's.
STATUS_FILL_ALPHA = 200
#: Opacity (0-255) of the markers of built and eligible sites in the QGIS styles (a standing
#: site's diamond: STANDING_ALPHA).
MARK_ALPHA = 220
STANDING_ALPHA = 230
#: Opacity (0-255) of a built candidate cell's fill in the QGIS style; map.png and the web map
#: fill it at CELL_FILL_OPACITY (0-1).
CELL_FILL_ALPHA = 150
CELL_FILL_OPACITY = 0.55
#: Context (counties, their names).
CONTEXT = (120, 120, 120)


def rgba(rgb: Sequence[int], alpha: int = 255) -> str:
    """QGIS colour text: 'r,g,b,a' with 0-255 channels."""
    return ",".join(str(int(c)) for c in (*rgb[:3], alpha))


def palette_colour(index: int) -> tuple[int, int, int]:
    """The palette's colour at `index` (repeating after the last)."""
    r, g, b = PALETTE[index % len(PALETTE)]
    return r, g, b


def product_colours(products: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """One palette colour per product, in the catalog's order (the same in every output)."""
    return {p: palette_colour(i) for i, p in enumerate(products)}


def hex_colour(rgb: Sequence[int]) -> str:
    """'#rrggbb' of 0-255 RGB."""
    return "#" + "".join(f"{int(c):02x}" for c in rgb[:3])


_WATER_WORDS = ("lake", "water", "river", "reservoir", "wetland")


def redline_colour(category: str) -> tuple[int, int, int]:
    """The fill colour of a red-line category: its own where the project knows it
    (REDLINE_COLOURS); else its family's, water blue for lakes, rivers and reservoirs, pale blue
    for the zones around them, green for nature reserves and pale green for anything else. A map
    colours its categories by `redline_colours`, which keeps those of one layer apart."""
    name = category.lower().replace("-", "_")
    if name in REDLINE_COLOURS:
        return REDLINE_COLOURS[name]
    words = name.split("_")
    if any(w in name for w in _WATER_WORDS):
        return WATER if len(words) == 1 and words[0].rstrip("s") in _WATER_WORDS else WATER_ZONE
    if "reserve" in words or "reserves" in words:
        return RESERVE
    return NATURE


def redline_colours(categories: Collection[str]) -> dict[str, tuple[int, int, int]]:
    """A fill of its own for each of a red-line layer's `categories`, the same in redline.qml, the
    QGIS projects and map.png: each known category's (REDLINE_COLOURS); then, by sorted name, each
    other its family's (`redline_colour`) where no category present has it, else the first of
    REDLINE_SPARE no category present has (its family's again when none is left)."""
    given = {c: REDLINE_COLOURS[c.lower().replace("-", "_")] for c in categories
             if c.lower().replace("-", "_") in REDLINE_COLOURS}
    for category in sorted(set(categories) - set(given)):
        taken = set(given.values())
        family = redline_colour(category)
        spare = next((c for c in REDLINE_SPARE if c not in taken), family)
        given[category] = family if family not in taken else spare
    return given


#: What a red-line layer that marks itself a proxy is called where a legend or a layer name says
#: "red line" (siting/deliver/mapinfo.py `LayerBasis.is_proxy`): map.png's legend, the QGIS
#: projects' layer names and sheets, the web map's layer control.
REDLINE_PROXY_WORD = "red-line proxy"


def redline_word(is_proxy: bool) -> str:
    """"red-line proxy" (REDLINE_PROXY_WORD) for a layer that marks itself a proxy, else "red
    line": a proxy is never named as the red line itself."""
    return REDLINE_PROXY_WORD if is_proxy else "red line"


def category_label(category: str) -> str:
    """A red-line category in words: "lake_buffer_zone" -> "lake buffer zone"."""
    return category.replace("_", " ")


def amount(value: float, unit: str) -> str:
    """A legend number with its unit after it: yuan in bn yuan (`bn_yuan`), any other as the
    tables give it (`amount_text`: thousands separated, 4 significant digits below 1,000, no
    trailing zeros: 3.5 GWh/yr reads "3.5 GWh/yr", not "4 GWh/yr")."""
    if unit == "yuan":
        return bn_yuan(value)
    return f"{amount_text(value)} {unit}"


def exclusion_reach(buffer_m: float, max_distance_m: float, min_distance_m: float | None = None) -> str:
    """How far a red-line category excludes sites, true for every product: the distance every
    product keeps (m) and, where some product's setback reaches farther, the farthest
    (`max_distance_m`, m). The distance every product keeps is the nearest of the products'
    (`min_distance_m`, m: each product's setback raised to the buffer, the smallest of them),
    the buffer (`buffer_m`, m) where that is not given or nearer; the redline layer's `buffer_m`,
    `min_distance_m` and `max_distance_m`. "within 1,000 m, up to 5,000 m for some products",
    "within 2,000 m, up to 5,000 m for some products" for a 1,000 m buffer that every product's
    setback (2,000 m and more) reaches past, "within 1,000 m" where no setback reaches past the
    buffer, "inside" (the polygon itself) for no distance, "inside, within 5,000 m for some
    products". No "; ", which a print legend breaks the line at (qgisproject.py LEGEND_BREAK)."""
    nearest = max(buffer_m, min_distance_m if min_distance_m is not None else buffer_m)
    every = f"within {amount(nearest, 'm')}" if nearest > 0 else "inside"
    if max_distance_m <= nearest:
        return every
    return f"{every}, {'up to' if nearest > 0 else 'within'} {amount(max_distance_m, 'm')} for some products"


# --- XML building blocks ---------------------------------------------------------------------

def element(tag: str, attributes: Mapping[str, object] | None = None, *children: ET.Element) -> ET.Element:
    """An element with its attributes in sorted order (stable bytes) and the given children."""
    node = ET.Element(tag)
    for key in sorted(attributes or {}):
        node.set(key, str((attributes or {})[key]))
    node.extend(children)
    return node


def option_map(values: Mapping[str, str], name: str | None = None) -> ET.Element:
    """`<Option type="Map">` of string options, sorted by key as QGIS writes them."""
    attributes = {"type": "Map"} if name is None else {"type": "Map", "name": name}
    return element("Option", attributes,
                   *(element("Option", {"name": k, "type": "QString", "value": values[k]}) for k in sorted(values)))


def data_defined(properties: Mapping[str, str]) -> ET.Element:
    """Data-defined properties: property key (`size`, `outlineWidth`, ...) -> QGIS expression."""
    entries = [element("Option", {"name": key, "type": "Map"},
                       element("Option", {"name": "active", "type": "bool", "value": "true"}),
                       element("Option", {"name": "expression", "type": "QString", "value": properties[key]}),
                       element("Option", {"name": "type", "type": "int", "value": "3"}))
               for key in sorted(properties)]
    props = element("Option", {"name": "properties", "type": "Map"}, *entries) if entries else element(
        "Option", {"name": "properties"})
    return element("data_defined_properties", None, element(
        "Option", {"type": "Map"}, element("Option", {"name": "name", "type": "QString", "value": ""}), props,
        element("Option", {"name": "type", "type": "QString", "value": "collection"})))


def symbol_layer(cls: str, values: Mapping[str, str], expressions: Mapping[str, str] | None = None,
                 sub_symbol: ET.Element | None = None) -> ET.Element:
    node = element("layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"}, option_map(values),
                   data_defined(expressions or {}))
    if sub_symbol is not None:
        node.append(sub_symbol)
    return node


def symbol(kind: str, name: str, *layers: ET.Element, alpha: float = 1.0) -> ET.Element:
    return element("symbol", {"alpha": f"{alpha:g}", "clip_to_extent": "1", "force_rhr": "0", "name": name,
                              "type": kind}, data_defined({}), *layers)


def simple_fill(fill: str, outline: str, style: str = "solid", width: float = 0.26,
                outline_style: str = "solid", outline_style_expression: str | None = None) -> ET.Element:
    return symbol_layer("SimpleFill", {
        "color": fill, "joinstyle": "bevel", "offset": "0,0", "offset_unit": "MM", "outline_color": outline,
        "outline_style": outline_style, "outline_width": f"{width:g}", "outline_width_unit": "MM", "style": style},
        {"outlineStyle": outline_style_expression} if outline_style_expression else None)


def simple_marker(shape: str, fill: str, outline: str, size: float, size_expression: str | None = None,
                  outline_width: float = 0.2, shape_expression: str | None = None,
                  enabled_expression: str | None = None, outline_style: str = "solid",
                  outline_expression: str | None = None) -> ET.Element:
    expressions = {"size": size_expression, "name": shape_expression, "enabled": enabled_expression,
                   "outlineColor": outline_expression}
    return symbol_layer("SimpleMarker", {
        "angle": "0", "color": fill, "horizontal_anchor_point": "1", "joinstyle": "bevel", "name": shape,
        "offset": "0,0", "offset_unit": "MM", "outline_color": outline, "outline_style": outline_style,
        "outline_width": f"{outline_width:g}", "outline_width_unit": "MM", "scale_method": "diameter",
        "size": f"{size:g}", "size_unit": "MM", "vertical_anchor_point": "1"},
        {k: v for k, v in expressions.items() if v} or None)


def simple_line(colour: str, width: float, width_expression: str | None = None, style: str = "solid") -> ET.Element:
    return symbol_layer("SimpleLine", {
        "capstyle": "round", "joinstyle": "round", "line_color": colour, "line_style": style,
        "line_width": f"{width:g}", "line_width_unit": "MM", "offset": "0", "offset_unit": "MM"},
        {"outlineWidth": width_expression} if width_expression else None)


def centroid_marker(marker: ET.Element) -> ET.Element:
    """A marker drawn at the polygon's point on surface (one per feature, inside the polygon)."""
    return symbol_layer("CentroidFill", {"clip_on_current_part_only": "0", "clip_points": "0",
                                         "point_on_all_parts": "0", "point_on_surface": "1"}, sub_symbol=marker)


@dataclass(frozen=True)
class Category:
    """One class of a categorised renderer: the value, its legend label and its symbol."""

    value: str
    label: str
    symbol: ET.Element


def values_in(layer: OutputLayer, attribute: str) -> frozenset[str]:
    """The values of `attribute` that the layer's features have (as text; nulls left out): the
    categories a categorised style of it lists."""
    if attribute not in layer.frame.columns:
        return frozenset()
    return frozenset(str(v) for v in layer.frame[attribute] if v is not None and not pd.isna(v))


def categorized(attribute: str, categories: Sequence[Category], present: Collection[str] | None = None
                ) -> ET.Element:
    """A categorised renderer of `attribute` with `categories` in their order; with `present`,
    only the categories whose value is among it (the values the layer's features have,
    `values_in`), so that the legend lists only what the layer draws."""
    if present is not None:
        categories = [c for c in categories if c.value in present]
    cats = element("categories", None, *(
        element("category", {"label": c.label, "render": "true", "symbol": str(i), "value": c.value})
        for i, c in enumerate(categories)))
    symbols = []
    for i, c in enumerate(categories):
        c.symbol.set("name", str(i))
        symbols.append(c.symbol)
    return element("renderer-v2", {"attr": attribute, "enableorderby": "0", "forceraster": "0",
                                   "symbollevels": "0", "type": "categorizedSymbol"},
                   cats, element("symbols", None, *symbols))


def single(sym: ET.Element) -> ET.Element:
    sym.set("name", "0")
    return element("renderer-v2", {"enableorderby": "0", "forceraster": "0", "symbollevels": "0",
                                   "type": "singleSymbol"}, element("symbols", None, sym))


#: QGIS label placement modes (Qgis::LabelPlacement) that we use.
AROUND_POINT, OVER_POINT, LINE, HORIZONTAL, ORDERED_AROUND_POINT = 0, 1, 2, 4, 6
#: Obstacle kinds (QgsLabelObstacleSettings::ObstacleType): a feature's inside, its boundary, all of it.
OBSTACLE_INTERIOR, OBSTACLE_BOUNDARY, OBSTACLE_WHOLE = 0, 1, 2


def labeling(expression: str, size: float, placement: int, bold: bool = False, priority: int = 5,
             priority_expression: str | None = None, z_index: float = 0, obstacle_type: int = OBSTACLE_INTERIOR,
             buffer_mm: float = 1.0, distance_expression: str | None = None, colour: Sequence[int] = INK,
             obstacle: bool = True, italic: bool = False, callout: ET.Element | None = None,
             always_show_expression: str | None = None, wrap_chars: int = 0) -> ET.Element:
    """Simple labelling from an expression, placed by QGIS's label engine (PAL) without
    collisions: a white halo for legibility over fills, the layer's features are obstacles to
    other labels, and a label that would collide is left out (never drawn over another,
    `displayAll` off). Where two labels compete, the higher priority (0-10) wins:
    `priority_expression`, when given, ranks each feature (data-defined `Priority`);
    `distance_expression` sets each label's distance from its point in mm (`LabelDistance`).
    Point labels try eight positions around the point, best first. `colour`: the text's RGB;
    `obstacle` False: the layer's features do not push other labels away (a layer under
    everything, such as the context); `italic`: an italic face (water names, as on map.png);
    `callout`: a leader from each label to its feature (`leader_callout`), none without;
    `always_show_expression`: the features whose label is drawn even where it collides (the
    data-defined `AlwaysShow`: PAL still tries every position first, and draws the label at its
    best one when none is free), so that no such feature is left unnamed; `wrap_chars`: the
    most characters on a line (QGIS's automatic wrapping, `autoWrapLength`, at the last space
    before it: `word_wrap`), none without."""
    face = " ".join(word for word, on in (("Bold", bold), ("Italic", italic)) if on) or "Regular"
    text_style = element("text-style", {
        "fieldName": expression, "fontFamily": "Sans Serif", "fontSize": f"{size:g}", "fontSizeUnit": "Point",
        "fontWeight": "75" if bold else "50", "isExpression": "1", "namedStyle": face,
        "textColor": rgba(colour), "textOpacity": "1", "multilineHeight": "1",
        **({"fontItalic": "1"} if italic else {})},
        element("text-buffer", {"bufferColor": "255,255,255,255", "bufferDraw": "1", "bufferOpacity": "0.85",
                                "bufferSize": f"{buffer_mm:g}", "bufferSizeUnits": "MM"}))
    text_format = element("text-format", {"multilineAlign": "3", "wrapChar": "", "autoWrapLength": f"{wrap_chars}",
                                          **({"useMaxLineLengthForAutoWrap": "1"} if wrap_chars else {})})
    placement_node = element("placement", {
        "dist": "1", "distUnits": "MM", "placement": str(placement), "priority": str(priority),
        "predefinedPositionOrder": "TR,TL,BR,BL,R,L,TSR,BSR", "centroidInside": "1", "centroidWhole": "0",
        "fitInPolygonOnly": "0", "polygonPlacementFlags": "2", "placementFlags": "10", "quadOffset": "4"})
    rendering = element("rendering", {
        "drawLabels": "1", "obstacle": "1" if obstacle else "0", "obstacleFactor": "1",
        "obstacleType": str(obstacle_type),
        "displayAll": "0", "upsidedownLabels": "0", "zIndex": f"{z_index:g}", "labelPerPart": "0",
        "mergeLines": "0", "limitNumLabels": "0", "maxNumLabels": "2000", "minFeatureSize": "0",
        "unplacedVisibility": "0", "scaleVisibility": "0", "fontLimitPixelSize": "0"})
    settings = element("settings", {"calloutType": "simple"}, text_style, text_format, placement_node, rendering,
                       *([callout] if callout is not None else []))
    expressions = {key: value for key, value in (("Priority", priority_expression),
                                                 ("LabelDistance", distance_expression),
                                                 ("AlwaysShow", always_show_expression)) if value is not None}
    if expressions:
        properties = data_defined(expressions)
        properties.tag = "dd_properties"
        settings.append(properties)
    return element("labeling", {"type": "simple"}, settings)


#: How strongly a flow line keeps other layers' labels off it: QGIS's obstacle weight
#: (`obstacleFactor`, 0 to 2; the labelling panel's 0 to 10 halved), at its strongest.
FLOW_OBSTACLE_FACTOR = 2.0


def blocking_labels(factor: float = FLOW_OBSTACLE_FACTOR) -> ET.Element:
    """A layer's labelling that draws no label of its own but makes each feature it draws an
    obstacle to the other layers' labels, weighted `factor` (QGIS's "Blocking" labelling: labels
    on, `drawLabels` off, `obstacle` on): QGIS places a label over none of the layer's features
    where it has a free position, and a line layer pushes labels off it only so, since a
    layer's features are obstacles only while its labelling is on."""
    node = labeling("''", 7, LINE)
    for rendering in node.iter("rendering"):
        rendering.set("drawLabels", "0")
        rendering.set("obstacleFactor", f"{factor:g}")
    return node


#: What QGIS breaks a label's line at when it wraps it (QgsStringUtils::wordWrap): white space
#: and the zero-width space.
WRAP_BREAK = re.compile(r"[\u200b\s]")


def word_wrap(text: str, length: int) -> list[str]:
    """The lines of a label of `text` as QGIS wraps it at `length` characters with that length a
    line's most (`autoWrapLength`, `useMaxLineLengthForAutoWrap`; QgsStringUtils::wordWrap): each
    of its lines longer than that broken at the last break (WRAP_BREAK) at or before `length`
    characters on, or, where the line has none there, at the first after; a word longer than
    `length` stays whole. "Qujing Cuifeng subdistrict, Gaojiatun (Defang LMFP)" at 22:
    "Qujing Cuifeng", "subdistrict, Gaojiatun", "(Defang LMFP)"."""
    found: list[str] = []
    for line in text.split("\n"):
        if length <= 0 or len(line) <= length:
            found.append(line)
            continue
        current, last = 0, 0
        while current < len(line):
            hit = -1
            if current + length < len(line):
                hit = next((i for i in range(current + length, -1, -1) if WRAP_BREAK.match(line[i])), -1)
                if hit in (last, -1):
                    ahead = WRAP_BREAK.search(line, current + length)
                    hit = ahead.start() if ahead else -1
            last = hit
            if hit > -1:
                found.append(line[current:hit])
                current = hit + 1
            else:
                found.append(line[current:])
                current = len(line)
    return found


#: The leader from a label to its feature (QGIS callout): ink, as wide as map.png's leaders
#: (0.8 pt), with flat ends.
LEADER_MM = 0.28


def leader_callout(offset_expression: str | None = None, length_expression: str | None = None,
                   anchor_point: str = "centroid") -> ET.Element:
    """QGIS's simple line callout (QgsSimpleLineCallout, the labelling's `<callout type="simple">`):
    an ink line LEADER_MM wide from the nearest point of a label's box to its feature's centroid,
    so that a name set beside a symbol, or pushed away by others, is tied to it. QGIS draws it
    with the labels' backgrounds: over every layer's symbols, under the diagrams and the label
    texts. `offset_expression` (mm) stops it that far short of the centroid (at the edge of a
    symbol drawn there); `length_expression` (mm) is the shortest leader drawn (a shorter one
    is left out). QGIS draws no leader where the label touches the feature's polygon.
    `anchor_point`: where on the feature it ends (QgsCallout's anchor: "centroid", or
    "point_on_exterior", a polygon's edge nearest the label)."""
    line = symbol("line", "symbol", symbol_layer("SimpleLine", {
        "capstyle": "flat", "joinstyle": "round", "line_color": rgba(INK), "line_style": "solid",
        "line_width": f"{LEADER_MM:g}", "line_width_unit": "MM", "offset": "0", "offset_unit": "MM"}))
    values = {"anchorPoint": anchor_point, "blendMode": "0", "drawToAllParts": "false", "enabled": "1",
              "labelAnchorPoint": "point_on_exterior", "lineSymbol": ET.tostring(line, encoding="unicode"),
              "minLength": "0", "minLengthUnit": "MM", "offsetFromAnchor": "0", "offsetFromAnchorUnit": "MM",
              "offsetFromLabel": "0", "offsetFromLabelUnit": "MM"}
    expressions = {key: value for key, value in (("OffsetFromAnchor", offset_expression),
                                                 ("MinimumCalloutLength", length_expression)) if value is not None}
    properties = data_defined(expressions)[0]
    properties.set("name", "ddProperties")
    options = option_map(values)
    options.append(properties)
    options[:] = sorted(options, key=lambda node: node.get("name", ""))
    return element("callout", {"type": "simple"}, options)


def qml_document(layer: OutputLayer, renderer: ET.Element, labels: ET.Element | None = None,
                 diagrams: Sequence[ET.Element] = ()) -> str:
    """The QML text of a style: renderer, optional labels and diagrams, the layer's geometry type."""
    root = element("qgis", {"labelsEnabled": "1" if labels is not None else "0",
                            "styleCategories": "AllStyleCategories", "version": QGIS_VERSION}, renderer)
    if labels is not None:
        root.append(labels)
    root.append(element("blendMode"))
    root[-1].text = "0"
    root.append(element("layerOpacity"))
    root[-1].text = "1"
    root.extend(diagrams)
    root.append(element("layerGeometryType"))
    root[-1].text = str(GEOMETRY_CODE[layer.geometry_type])
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


# --- the styles of our layers ----------------------------------------------------------------

def _largest(layer: OutputLayer, expression_fields: Sequence[str]) -> float:
    """The largest value over the given fields and features (at least a tiny positive number,
    so that scale expressions never divide by zero)."""
    values = [float(v) for f in expression_fields for v in layer.frame[f] if v is not None]
    return max([*values, 0.0]) or 1.0


def _peak(layer: OutputLayer, fields: Sequence[str]) -> float:
    """The largest value over the given fields and features, 0 where there is none (what a
    legend states; `_largest` keeps scale expressions from dividing by zero)."""
    return max((float(v) for f in fields for v in layer.frame[f] if v is not None), default=0.0)


def _quoted(field: str) -> str:
    return '"' + field.replace('"', '""') + '"'


def _text_literal(text: str) -> str:
    """A QGIS expression's string literal of `text`."""
    return "'" + text.replace("'", "''") + "'"


def _polygonal(layer: OutputLayer) -> bool:
    return GEOMETRY_CODE[layer.geometry_type] == 2


def added_fields(layer: OutputLayer) -> dict[str, list[str]]:
    """The sites layer's `added_<product>_<year>` fields by product, products in the layer's
    (the catalog's) order."""
    years = {f.rsplit("_", 1)[1] for f in layer.field_names if f.startswith("added_") and f.rsplit("_", 1)[1].isdigit()}
    found: dict[str, list[str]] = {}
    for name in layer.field_names:
        if name.startswith("added_") and name.rsplit("_", 1)[1] in years:
            found.setdefault(name[len("added_"):].rsplit("_", 1)[0], []).append(name)
    return found


#: Largest pie diameter (mm) in QGIS, the same as the largest built-site circle.
PIE_MM = 14


def _added_somewhere(layer: OutputLayer, names: Sequence[str]) -> bool:
    """Whether some feature has a value above 0 in one of the fields `names` (null counts as 0).
    Each field read as a list: selecting the fields as a frame, then filling and converting it,
    cost several times as much, once per product."""
    return any(v is not None and not pd.isna(v) and float(v) > 0 for name in names for v in layer.frame[name].tolist())


#: The ink outline around each pie (mm): map.png's 0.8 pt.
PIE_OUTLINE_MM = 0.28


def pie_outline() -> ET.Element:
    """The pies' paint effect: each pie drawn with an ink outline PIE_OUTLINE_MM wide around it
    (QGIS's outer glow, unblurred, under the pie), as map.png outlines its pies, so that a small
    pie drawn over a larger one reads as a pie of its own; the slices keep their thin white edges."""
    glow = element("effect", {"type": "outerGlow"}, option_map({
        "blend_mode": "0", "blur_level": "0", "blur_unit": "MM", "color_type": "0", "draw_mode": "2", "enabled": "1",
        "opacity": "1", "single_color": rgba(INK), "spread": f"{PIE_OUTLINE_MM:g}", "spread_unit": "MM"}))
    source = element("effect", {"type": "drawSource"}, option_map({
        "blend_mode": "0", "draw_mode": "2", "enabled": "1", "opacity": "1"}))
    return element("effect", {"enabled": "1", "type": "effectStack"}, glow, source)


def pie_diagrams(layer: OutputLayer, values: Mapping[str, float] | None, top: float | None = None
                 ) -> list[ET.Element]:
    """QGIS pie diagrams on the built sites, as on map.png: area proportional to capex, a slice
    per product in its palette colour, sized by the output value of the capacity added (by the
    capacity itself without output values), labelled in words. Only the products some site adds
    have a slice (and a line in the legend), as map.png's legend lists only the products built;
    the colours are those of every product, in the catalog's order. `top`: the capex (yuan) of
    a full-size pie, the layer's largest without it."""
    fields = added_fields(layer)
    colours = product_colours(list(fields))
    top = _largest(layer, ["capex_yuan"]) if top is None else top
    category = element("DiagramCategory", {
        "backgroundAlpha": "0", "backgroundColor": "#ffffff", "barWidth": "5", "diagramOrientation": "Up",
        "enabled": "1", "height": f"{PIE_MM}", "labelPlacementMethod": "XHeight", "lineSizeScale": "3x:0,0,0,0,0,0",
        "lineSizeType": "MM", "maxScaleDenominator": "1e+08", "minScaleDenominator": "0", "minimumSize": "0",
        "opacity": "1", "penAlpha": "255", "penColor": "#ffffff", "penWidth": "0.1", "rotationOffset": "270",
        "scaleBasedVisibility": "0", "scaleDependency": "Area", "sizeScale": "3x:0,0,0,0,0,0", "sizeType": "MM",
        "width": f"{PIE_MM}"},
        element("fontProperties", {"description": "Sans Serif,8,-1,5,50,0,0,0,0,0", "style": ""}),
        pie_outline())
    for product, names in fields.items():
        total = " + ".join(f"coalesce({_quoted(n)}, 0)" for n in names)
        weight = (values or {}).get(product, 0.0)
        if (values and not weight) or not _added_somewhere(layer, names):
            continue
        expression = f"({total}) * {weight:.10g}" if values else f"({total})"
        category.append(element("attribute", {"color": hex_colour(colours[product]), "colorOpacity": "1",
                                              "field": expression, "label": product_label(product)}))
    renderer = element("LinearlyInterpolatedDiagramRenderer", {
        "attributeLegend": "1", "classificationAttributeExpression": _quoted("capex_yuan"), "diagramType": "Pie",
        "lowerHeight": "0", "lowerValue": "0", "lowerWidth": "0", "upperHeight": f"{PIE_MM}",
        "upperValue": f"{top:.6g}", "upperWidth": f"{PIE_MM}"}, category)
    # QGIS draws diagrams with the labels, by z-index: the smaller pie over the larger where they
    # overlap (from 1 at the top of the scale to 1.5 at no capex; the site names, at 2, over all).
    z_index = data_defined({"zIndex": f"1.5 - 0.5 * sqrt({_quoted('capex_yuan')} / {top:.6g})"})[0]
    settings = element("DiagramLayerSettings", {"dist": "0", "linePlacementFlags": "18", "obstacle": "1",
                                                "placement": "1", "priority": "5", "showAll": "1", "zIndex": "1"},
                       element("properties", None, z_index))
    return [renderer, settings]


#: The built marker's shape by `kind`: a built candidate cell is a square, a park a circle. The
#: square's side is the pie's diameter, so its corners show around the pie drawn over it.
BUILT_SHAPE = "if(\"kind\" = 'cell', 'square', 'circle')"


def _has_cells(layer: OutputLayer) -> bool:
    return "kind" in layer.frame.columns and bool((layer.frame["kind"] == "cell").any())


#: The marker (mm across) of a site where only existing or committed plants stand: a diamond,
#: as on map.png.
STANDING_MM = 3.4


def labelled_statuses(layer: OutputLayer) -> tuple[str, ...]:
    """The statuses whose sites the sites style labels with their names: the built ones, and
    those where only existing or committed plants stand when the layer has any."""
    return ("built", "standing") if "standing" in values_in(layer, "status") else ("built",)


def site_label_expression(statuses: Sequence[str]) -> str:
    """The sites style's label: the name of a site of one of `statuses`, '' for the others."""
    if len(statuses) == 1:
        return f"if(\"status\" = {_text_literal(statuses[0])}, \"name\", '')"
    return f"if(\"status\" IN ({', '.join(_text_literal(s) for s in statuses)}), \"name\", '')"


#: The clear space (mm) between a built site's pie and its name, which the name's leader spans
#: (wider than the name's halo, which covers the leader's first 1.2 mm).
LABEL_GAP_MM = 3.0
#: A built site's marker under its pie (mm across): from the smallest (no capex) to the largest
#: (the top capex), its width growing with the square root of its capex (`scale_exp`, 0.5).
BUILT_MARKER_MM = (2.0, 14.0)
#: The shortest leader drawn (mm) for a site without a pie: longer than any, so none is drawn
#: (its name stands 1 mm from its marker).
NO_LEADER_MM = 1000
#: The most characters on a line of a site's name (`word_wrap`): a long name stands in a block of
#: a few short lines beside its site ("Qujing Cuifeng", "subdistrict, Gaojiatun", "(Defang
#: LMFP)"), not in one line reaching 80 mm from it over other sites and clusters.
SITE_LABEL_WRAP = 22
#: The sites' drawing order (the renderer's feature order), as (QGIS expression, ascending):
#: sites without capacity built first, then the built ones from the largest capex down, so that
#: of two overlapping built sites the smaller's marker lies on the larger's (their pies, drawn
#: with the labels, by `pie_diagrams`' z-index, likewise).
SITES_ORDER = ((f"{_quoted('status')} = 'built'", True), (_quoted("capex_yuan"), False))


def order_by(clauses: Sequence[tuple[str, bool]]) -> ET.Element:
    """A renderer's `<orderby>` (QGIS's feature rendering order) of (expression, ascending)
    clauses, nulls last."""
    found = []
    for expression, ascending in clauses:
        clause = element("orderByClause", {"asc": "1" if ascending else "0", "nullsFirst": "0"})
        clause.text = expression
        found.append(clause)
    return element("orderby", None, *found)


#: The filter of the sites that host a recycling demonstration (the sites layer's yes/no field
#: `demonstration`, siting/optimize/results.py `Plan.demo_sites`).
DEMO_FILTER = "coalesce(\"demonstration\", false)"
#: The ring around a demonstration's pie: its clearance outside the built marker (mm on each
#: side; the marker is never narrower than the pie), its outline width (mm) and colour, a dark
#: green apart from the built wine, the pies' ink outline and the standing blue. The same ring on
#: map.png (mapplot.py) and in report.html's popup words ("recycling demonstration").
DEMO_RING_GAP_MM = 1.2
DEMO_RING_WIDTH_MM = 0.7
DEMO_RING = (0, 120, 60)
#: The legend words of the ring (QGIS; map.png's legend the same).
DEMO_LABEL = "Recycling demonstration (green ring around its pie)"


def demo_ring(size_expression: str | None = None) -> ET.Element:
    """The ring around a demonstration's pie: an open circle DEMO_RING_GAP_MM outside the built
    marker of `size_expression` (mm across), drawn only where DEMO_FILTER holds; without
    `size_expression` the legend's sample, a ring of fixed size drawn always.

    The ring of a built symbol is transparent but where DEMO_FILTER gives its colour: QGIS draws
    a legend's sample of the built symbol with every layer, its "enabled" unread, and a
    data-defined property that fails there (no feature) takes the layer's own value, so the
    built key shows no ring (DEMO_LABEL's key shows it)."""
    if size_expression is None:
        return simple_marker("circle", rgba(DEMO_RING, 0), rgba(DEMO_RING), 4, outline_width=DEMO_RING_WIDTH_MM)
    return simple_marker("circle", rgba(DEMO_RING, 0), rgba(DEMO_RING, 0), 4,
                         f"({size_expression}) + {2 * DEMO_RING_GAP_MM:g}", outline_width=DEMO_RING_WIDTH_MM,
                         enabled_expression=DEMO_FILTER,
                         outline_expression=f"if({DEMO_FILTER}, {_text_literal(rgba(DEMO_RING))}, "
                                            f"{_text_literal(rgba(DEMO_RING, 0))})")


#: A ring around a built site's pie keying another layer drawn at the site (the robustness
#: layer's roles, siting/deliver/explore.py `robustness_style`): the pies are QGIS diagrams,
#: drawn with the labels over every layer's symbols, so a mark at a built site is hidden under
#: its pie; an open ring PIE_RING_GAP_MM outside the site's built marker (mm on each side,
#: beyond the demonstration's ring) drawn with the labels too (`pie_ring_labels`), shows around
#: it. Its width (mm), and that of the ink edge on each side of it, which keeps a pale ring
#: legible on any ground.
PIE_RING_GAP_MM = 2.6
PIE_RING_WIDTH_MM = 1.0
PIE_RING_EDGE_MM = 0.3
#: The rings' z-index among the labels and diagrams QGIS draws over every layer's symbols: under
#: every pie (1 to 1.5, `pie_diagrams`), so that the ring of a site beside a larger one lies
#: under that site's pie, never over it (where two sites stand close, the ring shows where no
#: pie covers it), and above the other layers' plain labels (0).
PIE_RING_Z = 0.9
#: How far (z-index) the ring of the largest pie sinks under that of a site of no capex, so that
#: where two rings cross, the smaller site's lies over the larger's, as its pie does (each ring's
#: ink edge PIE_RING_STEP under its colour).
PIE_RING_ORDER = 0.05
PIE_RING_STEP = 0.0001
#: Where a ring is drawn: at a site with capex in the plan (where its pie stands).
PIE_RING_FILTER = f"coalesce({_quoted('capex_yuan')}, 0) > 0"


def open_ring(rgb: Sequence[int], size: float, size_expression: str | None = None,
              enabled_expression: str | None = None, width_mm: float = 0.8, edge_mm: float = 0.2
              ) -> list[ET.Element]:
    """An open circle `size` mm across (`size_expression`: data-defined, mm; `size` where it is
    null, as in the legend) of stroke `rgb` `width_mm` wide over an ink stroke `edge_mm` wider on
    each side, which keeps a pale ring legible on any ground: two symbol layers (ink, then
    colour), both unfilled, so that the map under it and the legend's ground show through;
    drawn only where `enabled_expression` holds, always without it. The renderer's form of the
    rings `pie_ring_labels` draws, so that the legend keys a ring as the map draws one."""
    return [simple_marker("circle", rgba(colour, 0), rgba(colour), size, size_expression, outline_width=stroke,
                          enabled_expression=enabled_expression)
            for colour, stroke in ((INK, width_mm + 2 * edge_mm), (rgb, width_mm))]


def pie_ring_size(top: float) -> str:
    """The QGIS expression of a pie ring's diameter (mm): the built marker's of a site of that
    capex (`sites_style`: `capex_yuan` on the scale `top`, the yuan of the largest) and
    PIE_RING_GAP_MM on each side."""
    marker = f"scale_exp({_quoted('capex_yuan')}, 0, {top:.6g}, {BUILT_MARKER_MM[0]:g}, {BUILT_MARKER_MM[1]:g}, 0.5)"
    return f"{marker} + {2 * PIE_RING_GAP_MM:g}"


def circle_mark_settings(text: str, size_mm: float, fill: str, border_width_mm: float, z_index: float,
                         expressions: Mapping[str, str]) -> ET.Element:
    """A label's settings that draw a mark, not a name: `text` (an expression; blank text where a
    mark is drawn, empty where none is) on a circle, its background shape, `size_mm` across,
    filled with `fill` (a colour text) and outlined in ink `border_width_mm` wide, centred on the
    feature, at `z_index`, drawn always and pushing no label away; `expressions`, data-defined
    properties under QGIS's names for them (`ShapeSizeX`, `ShapeFillColor`, `ShapeBorderColor`,
    `ShapeBorderWidth`, ...). The way `change_marks` and the pie rings (`pie_ring_labels`) draw
    above the pies, which QGIS draws in the labelling pass over every layer."""
    background = element("background", {
        "shapeBlendMode": "0", "shapeBorderColor": rgba(INK), "shapeBorderWidth": f"{border_width_mm:g}",
        "shapeBorderWidthUnit": "MM", "shapeDraw": "1", "shapeFillColor": fill, "shapeJoinStyle": "64",
        "shapeOffsetUnit": "MM", "shapeOffsetX": "0", "shapeOffsetY": "0", "shapeOpacity": "1", "shapeRotation": "0",
        "shapeRotationType": "0", "shapeSVGFile": "", "shapeSizeType": "1", "shapeSizeUnit": "MM",
        "shapeSizeX": f"{size_mm:g}", "shapeSizeY": f"{size_mm:g}", "shapeType": "3"})
    text_style = element("text-style", {
        "fieldName": text, "fontFamily": "Sans Serif", "fontSize": "6", "fontSizeUnit": "Point", "fontWeight": "50",
        "isExpression": "1", "multilineHeight": "1", "namedStyle": "Regular", "textColor": rgba(INK),
        "textOpacity": "1"}, background)
    placement = element("placement", {
        "centroidInside": "1", "centroidWhole": "0", "dist": "0", "distUnits": "MM", "offsetType": "0",
        "offsetUnits": "MM", "placement": str(OVER_POINT), "priority": "10", "quadOffset": "4", "xOffset": "0",
        "yOffset": "0"})
    rendering = element("rendering", {
        "displayAll": "1", "drawLabels": "1", "fontLimitPixelSize": "0", "labelPerPart": "0", "limitNumLabels": "0",
        "mergeLines": "0", "minFeatureSize": "0", "obstacle": "0", "scaleVisibility": "0", "unplacedVisibility": "0",
        "upsidedownLabels": "0", "zIndex": f"{z_index:g}"})
    properties = data_defined(expressions)
    properties.tag = "dd_properties"
    return element("settings", {"calloutType": "simple"}, text_style,
                   element("text-format", {"autoWrapLength": "0", "multilineAlign": "3", "wrapChar": ""}),
                   placement, rendering, properties)


def _ring_settings(size: str, colour: str, width: float, z_index: float, z_expression: str | None = None
                   ) -> ET.Element:
    """A label's settings that draw an open circle of `size` (mm across, an expression) and
    stroke `colour` (an expression of a colour text) `width` mm wide, centred on the feature,
    at `z_index` (`z_expression`: data-defined, per feature) (`circle_mark_settings`, no fill)."""
    expressions = {"ShapeSizeX": size, "ShapeSizeY": size, "ShapeBorderColor": colour}
    if z_expression:
        expressions["ZIndex"] = z_expression
    return circle_mark_settings("' '", 4, rgba(INK, 0), width, z_index, expressions)


def pie_ring_labels(layer: OutputLayer, labels: ET.Element | None, attribute: str,
                    colours: Mapping[str, Sequence[int]], top: float | None = None) -> ET.Element | None:
    """The labelling of a point layer of sites with the plan's `capex_yuan` per site (the sites
    layer's) that rings the pie at each of its features whose `attribute` is one of `colours`
    (value -> RGB) in that colour, as `labels` (a `labeling`, or none) labels the layer besides:
    rule-based, `labels`' settings a rule of their own, then an ink ring and the coloured ring
    over it, PIE_RING_WIDTH_MM wide with an edge of PIE_RING_EDGE_MM on each side, sized by
    `pie_ring_size` on the layer's largest capex (the sites style's scale, so that it is drawn
    around the pie and the built marker under it), drawn only where PIE_RING_FILTER holds, at
    PIE_RING_Z (under every pie), the larger site's ring under the smaller's (PIE_RING_ORDER).
    `top`: the capex (yuan) of a full-size pie where the pies are drawn on a scale of their own
    (`sites_style`'s `top`), the layer's largest without it. `labels` as it is for a layer
    without `capex_yuan`."""
    if "capex_yuan" not in layer.frame.columns or not colours:
        return labels
    top = _largest(layer, ["capex_yuan"]) if top is None else top
    size = pie_ring_size(top)
    sink = f"{PIE_RING_ORDER:g} * sqrt({_quoted('capex_yuan')} / {top:.6g})"
    field = _quoted(attribute)
    ringed = f"{PIE_RING_FILTER} AND {field} IN ({', '.join(_text_literal(v) for v in colours)})"
    colour = "CASE " + " ".join(f"WHEN {field} = {_text_literal(v)} THEN {_text_literal(rgba(c))}"
                                for v, c in colours.items()) + " END"
    rules = []
    if labels is not None:
        rules += [element("rule", {"description": "names", "key": "{labels}"}, *labels.findall("settings"))]
    rules += [element("rule", {"description": description, "filter": ringed, "key": key},
                      _ring_settings(size, stroke, width, z_index, f"{z_index:g} - {sink}"))
              for description, key, stroke, width, z_index in (
                  ("ring edge", "{ring edge}", _text_literal(rgba(INK)), PIE_RING_WIDTH_MM + 2 * PIE_RING_EDGE_MM,
                   PIE_RING_Z),
                  ("ring", "{ring}", colour, PIE_RING_WIDTH_MM, PIE_RING_Z + PIE_RING_STEP))]
    return element("labeling", {"type": "rule-based"}, element("rules", {"key": "{rules}"}, *rules))


def _has_demonstrations(layer: OutputLayer) -> bool:
    """Whether some site of the layer hosts a recycling demonstration (`demonstration` true)."""
    column = layer.frame.get("demonstration")
    return column is not None and bool(column.fillna(False).astype(bool).any())


def sites_style(layer: OutputLayer, values: Mapping[str, float] | None = None, top: float | None = None) -> str:
    """Sites by status; built ones with a circle of area proportional to capex, filled with a pie
    of the products built (`pie_diagrams`, the pies of map.png); a site where only existing or
    committed plants stand (`standing`) a dark blue diamond, labelled with its name as the built
    ones are, wrapped at SITE_LABEL_WRAP characters. A built site's name stands LABEL_GAP_MM
    clear of its pie, tied to it by a leader (`leader_callout`); of two overlapping built sites,
    the smaller is drawn over the larger (SITES_ORDER, and the pies' z-index). When the plan
    builds on candidate cells (`kind` "cell"), their marker is a square of the same size
    (`BUILT_SHAPE`), and the built category's legend says so. A site hosting a recycling
    demonstration (DEMO_FILTER) has its pie ringed (`demo_ring`, a second layer of the built
    symbol, on only there), keyed after the statuses by a category no feature has (DEMO_KEY,
    DEMO_LABEL) when some site is one. `top`: the capex (yuan) of the largest circle and pie,
    the layer's largest without it (see `with_capex_scale`)."""
    top = _largest(layer, ["capex_yuan"]) if top is None else top
    size = f"scale_exp({_quoted('capex_yuan')}, 0, {top:.6g}, {BUILT_MARKER_MM[0]:g}, {BUILT_MARKER_MM[1]:g}, 0.5)"
    cells = _has_cells(layer)
    shapes = "a square behind the pie: a candidate cell, a circle: a park; " if cells else ""
    built_label = (f"{STATUS_LABELS['built']} ({shapes}pie slices: output value of the capacity added by product; "
                   f"pie area ∝ capex; largest {amount(top, 'yuan')})")
    demos = _has_demonstrations(layer)

    def rings() -> list[ET.Element]:
        return [demo_ring(size)] if demos else []

    built_marker = symbol("marker", "@built", simple_marker("circle", rgba(BUILT, MARK_ALPHA), rgba(INK), 4, size,
                                                            shape_expression=BUILT_SHAPE if cells else None), *rings())
    polygonal = _polygonal(layer)

    def status_symbol(status: str) -> ET.Element:
        if polygonal:
            fills = {
                "built": simple_fill(rgba(BUILT, STATUS_FILL_ALPHA), rgba(BUILT), width=0.5),
                "standing": simple_fill(rgba(STANDING, STATUS_FILL_ALPHA), rgba(STANDING), width=0.5),
                "eligible_unused": simple_fill(rgba(ELIGIBLE, STATUS_FILL_ALPHA), rgba(ELIGIBLE), width=0.4),
                "excluded_redline": simple_fill(rgba(GREY), rgba(GREY), style="b_diagonal"),
                "excluded_proximity": simple_fill(rgba(GREY), rgba(GREY), style="cross"),
                "excluded_land": simple_fill(rgba(GREY, 90), rgba(GREY)),
                "outside_clusters": simple_fill(rgba(GREY, 0), rgba(GREY), style="no", outline_style="dash"),
            }
            # A fixed-size mark at the centre of a footprint with none of its own: at the print
            # layout's scale a park of a few hectares is a speck (as an eligible site's point is marked).
            marks = {"built": built_marker, "standing": symbol("marker", "@standing", standing_marker()),
                     "eligible_unused": symbol("marker", "@eligible_unused", eligible_marker())}
            layers = [fills[status]] + ([centroid_marker(marks[status])] if status in marks else [])
            return symbol("fill", status, *layers)
        markers = {
            "built": simple_marker("circle", rgba(BUILT, MARK_ALPHA), rgba(INK), 4, size,
                                   shape_expression=BUILT_SHAPE if cells else None),
            "standing": standing_marker(),
            "eligible_unused": eligible_marker(),
            "excluded_redline": simple_marker("cross2", rgba(GREY), rgba(GREY), UNNAMED_SITE_MM["excluded_redline"],
                                              outline_width=UNNAMED_SITE_OUTLINE_MM["excluded_redline"]),
            "excluded_proximity": simple_marker("triangle", rgba(GREY, 180), rgba(GREY),
                                                UNNAMED_SITE_MM["excluded_proximity"]),
            "excluded_land": simple_marker("square", rgba(GREY, 180), rgba(GREY), UNNAMED_SITE_MM["excluded_land"]),
            "outside_clusters": simple_marker("circle", rgba(GREY, 0), rgba(GREY), UNNAMED_SITE_MM["outside_clusters"]),
        }
        return symbol("marker", status, markers[status], *(rings() if status == "built" else []))

    categories = [Category(s, built_label if s == "built" else STATUS_LABELS[s], status_symbol(s))
                  for s in STATUS_LABELS]
    # A demonstration's ring (drawn by the built symbol where DEMO_FILTER holds) keyed after the
    # statuses by a category no feature has, only when some site is a demonstration.
    if demos:
        categories.append(Category(DEMO_KEY, DEMO_LABEL, symbol("marker", "demonstration", demo_ring())))
    # Built sites' names, ranked by capex: where two collide, the larger investment keeps its label
    # (a standing site's, of no capex, ranks with the smallest). Each stands LABEL_GAP_MM clear of
    # its site's pie (radius ∝ √capex, PIE_MM / 2 at the top), which blocks labels, tied to it by a
    # leader across that gap, which ends at the pie's edge. A built site's name is drawn even
    # where no position is free (a pie inside another's): every site the plan builds on is named.
    # A long name is wrapped into a block of short lines (SITE_LABEL_WRAP). plan.qgs's print
    # layout sets each name where it places it on the sheet (siting/deliver/qgisproject.py
    # `site_label_spots`, `with_label_spots`).
    radius = f"{PIE_MM / 2:g} * sqrt({_quoted('capex_yuan')} / {top:.6g})"
    labels = labeling(site_label_expression(labelled_statuses(layer)), 9,
                      AROUND_POINT if polygonal else ORDERED_AROUND_POINT,
                      priority_expression=f"scale_linear({_quoted('capex_yuan')}, 0, {top:.6g}, 5, 10)", z_index=2,
                      obstacle_type=OBSTACLE_WHOLE, buffer_mm=1.2,
                      distance_expression=f"if(\"status\" = 'built', {radius} + {LABEL_GAP_MM:g}, 1)",
                      callout=leader_callout(offset_expression=f"if(\"status\" = 'built', {radius}, 0)",
                                             length_expression=f"if(\"status\" = 'built', 0, {NO_LEADER_MM:g})"),
                      always_show_expression="\"status\" = 'built'", wrap_chars=SITE_LABEL_WRAP)
    renderer = categorized("status", categories, values_in(layer, "status") | {DEMO_KEY})
    renderer.set("enableorderby", "1")
    renderer.append(order_by(SITES_ORDER))
    return qml_document(layer, renderer, labels, pie_diagrams(layer, values, top))


#: The ink ring (mm) round an eligible site's amber dot. No hue is far enough from every colour
#: an eligible site meets for every reader (the amber is 3.1 by CIEDE2000 from the separator's
#: yellow as readers with deuteranopia see them: tests/test_map_symbol_shapes.py), so the thick
#: dark ring, which no flow line has, tells the dot from a yellow line under it. map.png's ring:
#: siting/deliver/mapplot.py ELIGIBLE_EDGE; the web map's: siting/deliver/webmap.py ELIGIBLE_WEIGHT.
ELIGIBLE_RING_MM = 0.6


#: The marker (mm across) of a site of each status the sites style does not name: every such
#: site of a point layer, and an eligible site of a polygon layer at its footprint's centre (an
#: excluded polygon site is drawn as its footprint, a speck at a print layout's scale).
UNNAMED_SITE_MM = {"eligible_unused": 2.6, "excluded_redline": 2.6, "excluded_proximity": 2.6,
                   "excluded_land": 2.2, "outside_clusters": 2.6}
#: The outline (mm) of those markers where it is wider than `simple_marker`'s 0.2 mm: the
#: eligible site's ink ring and the red-line cross's stroke.
UNNAMED_SITE_OUTLINE_MM = {"eligible_unused": ELIGIBLE_RING_MM, "excluded_redline": 0.5}


def unnamed_site_radius_mm(status: str) -> float:
    """How far (mm) from its point the marker of a site of `status` (UNNAMED_SITE_MM) reaches, its
    outline included: what a print layout's names keep off, so that they leave it visible."""
    return UNNAMED_SITE_MM[status] / 2 + UNNAMED_SITE_OUTLINE_MM.get(status, 0.2) / 2


def eligible_marker() -> ET.Element:
    """The marker of an eligible site the plan does not use: an amber dot, 2.6 mm across, ringed in
    ink ELIGIBLE_RING_MM wide."""
    return simple_marker("circle", rgba(ELIGIBLE, MARK_ALPHA), rgba(INK), UNNAMED_SITE_MM["eligible_unused"],
                         outline_width=UNNAMED_SITE_OUTLINE_MM["eligible_unused"])


def standing_marker() -> ET.Element:
    """The marker of a site where only existing or committed plants stand: a dark blue diamond."""
    return simple_marker("diamond", rgba(STANDING, STANDING_ALPHA), rgba(INK), STANDING_MM)


#: The fill colour of each status where it is not grey.
STATUS_COLOURS = {"built": BUILT, "standing": STANDING, "eligible_unused": ELIGIBLE}


def site_areas_style(layer: OutputLayer) -> str:
    """Outlines of polygon sites drawn as points in the sites layer, by status."""
    categories = [Category(s, STATUS_LABELS[s], symbol("fill", s, simple_fill(
        rgba(STATUS_COLOURS.get(s, GREY), STATUS_FILL_ALPHA if s in STATUS_COLOURS else 60),
        rgba(BUILT if s == "built" else STANDING if s == "standing" else GREY), width=0.4))) for s in STATUS_LABELS]
    return qml_document(layer, categorized("status", categories, values_in(layer, "status")))


#: Opacity (0-255) of the outline of a candidate cell the plan does not build on, and its width
#: (mm): thousands of them read as a light grid, as on map.png.
CELL_OUTLINE_ALPHA = 70
CELL_OUTLINE_MM = 0.1
#: The legend's key of a candidate cell the plan does not build on: its grey outline, opaque and
#: CELL_KEY_MM wide, so that it shows (the faint outline the map draws would not, in the legend);
#: plan.qgs gives it to the legend as the category's own key (`legend_keys`), and map.png's
#: legend draws it as wide.
CELL_KEY_MM = 0.4


def candidate_cells_style(layer: OutputLayer) -> str:
    """Candidate cells by status: built cells filled in the built colour with a strong outline
    (the sites layer labels them, with their pies); the others, eligible or excluded, a faint grey
    outline, unfilled, as map.png draws them (an amber grid read as the separator's yellow flows
    for readers with deuteranopia, and tinted the whole map); their legend keys: `legend_keys`."""
    def cell_symbol(status: str) -> ET.Element:
        if status == "built":
            return symbol("fill", status, simple_fill(rgba(BUILT, CELL_FILL_ALPHA), rgba(BUILT), width=0.7))
        return symbol("fill", status, simple_fill(rgba(GREY, 0), rgba(GREY, CELL_OUTLINE_ALPHA), style="no",
                                                  width=CELL_OUTLINE_MM))

    categories = [Category(s, f"Cell {STATUS_LABELS[s][0].lower()}{STATUS_LABELS[s][1:]}", cell_symbol(s))
                  for s in STATUS_LABELS if s != "outside_clusters"]
    return qml_document(layer, categorized("status", categories, values_in(layer, "status")))


def legend_keys(name: str, qml: str) -> dict[int, ET.Element]:
    """The legend keys of the layer `name` (its style `qml`, QML text) that are not its map
    symbols, by the index of their category (plan.qgs's `legend/custom-symbol-N`, which QGIS
    draws in the legend in place of the map's):
    - candidate_cells: every status but built, whose faint outline (CELL_OUTLINE_MM,
      CELL_OUTLINE_ALPHA) would hardly show in a legend, keyed by the same grey outline, opaque
      and CELL_KEY_MM wide;
    - redline_zones: the buffer, its ticks (`buffer_ticks`) inside the legend's patch, where the
      map's would stand outside it.
    Empty for any other layer."""
    if name not in ("candidate_cells", "redline_zones"):  # (read only for those)
        return {}
    renderer = ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")
    if renderer is None:
        return {}
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    keys = {}
    for index, category in enumerate(renderer.findall("categories/category")):
        value = category.get("value", "")
        drawn = symbols.get(category.get("symbol"))
        if name == "candidate_cells" and value in STATUS_LABELS and value not in ("built", "outside_clusters"):
            keys[index] = symbol("fill", "custom symbol", simple_fill(rgba(GREY, 0), rgba(GREY), style="no",
                                                                      width=CELL_KEY_MM))
        elif name == "redline_zones" and drawn is not None and drawn.find("layer[@class='HashLine']") is not None:
            keys[index] = symbol("fill", "custom symbol", simple_fill(rgba(BUFFER, 0), rgba(BUFFER), style="no",
                                                                      width=0.4), buffer_ticks(side=1))
    return keys


def resource_colours(resources: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """Each of `resources` (resource codes, repeats allowed) -> its RGB colour (0-255), in sorted
    name order; the flows and sources styles, map.png and the web map take their colours from it,
    given the sources layer's resources, so that a resource has one colour in every output.

    A resource of RESOURCE_COLOUR_ORDER has its own colour, RESOURCE_PALETTE's at its place
    there, whatever else is present: copper is the palette's 2nd colour in every run. Only a
    resource named nowhere there (a user's own) depends on what else is present: such resources
    take, by sorted name, the colours the known resources present leave unused, in the palette's
    order (the most distinct first), then, when none is left, the palette again from its first
    colour. A colour of its own for every name a user might give would need an endless palette,
    and one fixed by the name alone (a hash) could fall on the colour of a resource present beside
    it; taking a free colour keeps the resources of one map apart where the palette allows.
    Within a run every output is given the same resources, so the same colours."""
    names = sorted(set(resources))
    place = {r: i % len(RESOURCE_PALETTE) for i, r in enumerate(RESOURCE_COLOUR_ORDER)}
    taken = {place[r] for r in names if r in place}
    free = [i for i in range(len(RESOURCE_PALETTE)) if i not in taken]
    for n, r in enumerate(r for r in names if r not in place):
        place[r] = free[n] if n < len(free) else (n - len(free)) % len(RESOURCE_PALETTE)
    return {r: RESOURCE_PALETTE[place[r]] for r in names}


def resource_label(resource: str) -> str:
    """A resource code in words for a sentence: "phosphate_rock" -> "phosphate rock"."""
    return resource.replace("_", " ")


def resource_legend_label(resource: str, suffix: str = "") -> str:
    """A resource code as a QGIS legend entry, capitalised as map.png's legend gives it
    (siting/deliver/mapplot.py `source_rows`): "aluminium" -> "Aluminium", with `suffix`
    " source" -> "Aluminium source"."""
    return capitalised(resource_label(resource)) + suffix


def year_groups(style: str) -> list[tuple[int, bool]]:
    """The product flows' groups of rules by year in `style` (QML text of `product_flows_style`),
    in its order: (year, whether the group is ticked)."""
    root = ET.fromstring(style.split("\n", 1)[1])
    found = []
    for rule in root.findall("renderer-v2/rules/rule"):
        year = re.fullmatch(r"\{product_flows:(\d+)\}", rule.get("key", ""))
        if year is not None:
            found.append((int(year.group(1)), rule.get("checkstate", "1") != "0"))
    return found


#: The raw-material flows' size note where the plan moves no raw material on a line (none, or
#: only to sites standing on their source).
NO_LINES = "no lines in this plan"


def size_note(layer: OutputLayer, style: str | None = None) -> str | None:
    """What a layer's symbol size means, with its largest value (said once per layer, in the
    legend's layer name, not on every category): flows and sources; None for the others. The
    product flows' note names the year shown and those to tick: with the layer's `style` (QML
    text), its groups of rules (`year_groups`: a year whose flows are all on legs without a line
    has one too, and may be the one ticked) and the one ticked (the last where none is), else
    the years of the layer's lines, the last shown. The largest value is the features' own
    (`_peak`, not the scale's floor `_largest`): flows without a line say so instead (NO_LINES),
    and sources without a source give no note."""
    if layer.name == "flows":
        tonnes = [f for f in layer.field_names if f.startswith("tonnes_")]
        if not len(layer.frame):
            return NO_LINES
        return f"width ∝ peak tonnage; widest {amount(_peak(layer, tonnes), 't/yr')}" if tonnes else None
    if layer.name == "product_flows":
        groups = year_groups(style) if style is not None else [(y, False) for y in _flow_years(layer)]
        years = [y for y, _on in groups]
        if not years:
            return None
        shown = next((y for y, on in groups if on), years[-1])
        rest = [y for y in years if y != shown]
        others = f" ({', '.join(map(str, rest))}: tick in the layer panel)" if rest else ""
        which = "final year" if shown == years[-1] else "year"
        tops = flow_unit_tops(layer.frame)
        scale = f" ({width_scale_text(tops, f'{FLOW_MM[1]:g} mm')})" if tops else ""
        return f"{which} {shown} shown{others}; width ∝ amount per year{scale}; the lines of one leg side by side"
    if layer.name == "sources" and len(layer.frame):
        return f"triangle area ∝ supply; largest {amount(_peak(layer, ['supply_t_per_yr']), 't/yr')}"
    return None


def on_site_widest(sites: OutputLayer | None, sources: OutputLayer | None) -> dict[tuple[str, ...], tuple[float, str]]:
    """What sites draw from a source standing on them, a flow of no length that flows.geojson has
    no line for (the sites layer's `on_site_sources` and `on_site_t_<year>`, t/yr): the resources
    of a site's sources on site (codes, sorted; several where its sources on site are of several,
    whose tonnes are then theirs together) -> (the most a site draws so in a year, t/yr; that
    site's map name, `site_names`), the first such site in the layer's order where two draw the
    same most. Empty without the two layers or such draws."""
    if sites is None or sources is None or "on_site_sources" not in sites.frame.columns:
        return {}
    frame = sites.frame
    kinds = {str(k): str(r) for k, r in zip(sources.frame["id"], sources.frame["resource"], strict=True)}
    names = frame_site_names(frame)
    years = [c for c in frame.columns if c.startswith("on_site_t_")]
    # each year's column read once, not a row of them per site
    drawn_by_row = zip(*(frame[c].tolist() for c in years), strict=True) if years else ((),) * len(frame)
    widest: dict[tuple[str, ...], tuple[float, str]] = {}
    for ids, name, row in zip(frame["on_site_sources"], names, drawn_by_row, strict=True):
        drawn = max((float(v) for v in row if v is not None and not pd.isna(v)), default=0.0)
        resources = tuple(sorted({kinds[k] for k in id_items(ids) if k in kinds}))
        if resources and drawn > 0 and (resources not in widest or widest[resources][0] < drawn):
            widest[resources] = (drawn, name)
    return widest


def on_site_label(resources: Sequence[str], drawn: tuple[float, str]) -> str:
    """The raw-material flows' legend label of what a site draws from a source on site
    (`on_site_widest`: the most and where): "Petroleum coke (no line: up to 300,000 t/yr drawn
    from a source on site: Anning industrial park, Caopu area)", as `unlined_only_label` keys a
    product moving only on legs without a line."""
    return (f"{capitalised(joined([resource_label(r) for r in resources]))} (no line: up to "
            f"{amount(drawn[0], 't/yr')} drawn from "
            f"a source on site: {drawn[1]})")


#: The value of a category that keys a legend entry only, before what it keys: no feature has
#: such a value, so QGIS draws nothing with it (siting/deliver/qgisproject.py `legend_nodes` keys
#: it in the print legend), as a rule of the filter KEY_ONLY.
KEY_ONLY_CATEGORY = "(key only) "
#: The sites' category that keys a demonstration's ring in the legend (`sites_style`).
DEMO_KEY = KEY_ONLY_CATEGORY + "demonstration"


def flows_style(layer: OutputLayer, resources: Sequence[str],
                on_site: Mapping[tuple[str, ...], tuple[float, str]] | None = None) -> str:
    """Flows by resource, width proportional to the peak yearly tonnage. `on_site`: what sites
    draw from sources standing on them (`on_site_widest`), which has no line: after the
    resources' lines, a category per resource (or resources together) drawn so, which no feature
    has (KEY_ONLY_CATEGORY) and keys a dashed ring (`unlined_symbol`) with the most a site draws
    and where (`on_site_label`), as the product flows' legend keys a product moving only on legs
    without a line, and as map.png rings such a draw. The lines keep other layers' labels off
    them where QGIS has room (`blocking_labels`)."""
    tonnes = [f for f in layer.field_names if f.startswith("tonnes_")]
    top = _largest(layer, tonnes)
    peak = f"max({', '.join(_quoted(f) for f in tonnes)})" if len(tonnes) > 1 else _quoted(tonnes[0])
    width = f"scale_linear({peak}, 0, {top:.6g}, 0.3, 3)"
    colours = resource_colours(resources)
    # The width note is the same for every resource: it goes once, in the legend's layer name
    # (size_note), so that the legend does not repeat it on every line.
    # Only the resources that flow; their colours are those of every resource (as the sources'),
    # so that a resource has one colour in every layer and in map.png.
    present = values_in(layer, "resource")
    categories = [Category(r, resource_legend_label(r), symbol("line", r, simple_line(rgba(colours[r], 220), 1, width)))
                  for r in sorted(colours) if r in present]
    categories += [Category(KEY_ONLY_CATEGORY + ",".join(kept), on_site_label(kept, drawn), unlined_symbol(""))
                   for kept, drawn in sorted((on_site or {}).items())]
    return qml_document(layer, categorized("resource", categories), blocking_labels())


def _flow_years(layer: OutputLayer) -> list[int]:
    """The years of the product flows layer, ascending."""
    return sorted({int(y) for y in layer.frame["year"]}) if len(layer.frame) else []


def rule(key: str, label: str, filter_expression: str, symbol_name: str | None = None, active: bool = True,
         *children: ET.Element) -> ET.Element:
    """A rule of a rule-based renderer: features matching `filter_expression` (and the rules
    above it) are drawn with symbol `symbol_name` (none: a group of `children`); an inactive rule
    (`checkstate` 0) draws nothing until it is ticked in the layer panel."""
    attributes: dict[str, object] = {"filter": filter_expression, "key": key, "label": label}
    if symbol_name is not None:
        attributes["symbol"] = symbol_name
    if not active:
        attributes["checkstate"] = "0"
    return element("rule", attributes, *children)


#: A product flow's line width (mm): FLOW_MM[0] for nothing moved, FLOW_MM[1] at the widest flow
#: of its unit over every year (one scale for every product in t/yr, one per other unit).
FLOW_MM = (0.3, 3.0)
#: The room (mm) between two product flows' lines side by side on one leg.
LANE_GAP_MM = 0.2
#: The product flows layer's fields that place its lines (`flow_lanes`): width and offset, mm.
LANE_FIELDS = ("width_mm", "offset_mm")


def scale_unit(unit: object, product: object) -> str:
    """The width scale of a product flow: its unit per year, or for a flow without one, its
    product's own ("units/yr of FePO4")."""
    return str(unit) if isinstance(unit, str) and unit else f"units/yr of {product_label(str(product))}"


def flow_unit_tops(frame: pd.DataFrame) -> dict[str, float]:
    """Unit (the layer's `unit` field, per year; a product's own where it has none) -> the most
    a product flow in it moves in a year (`units`), over every year and product: the amount a
    line FLOW_MM[1] wide stands for. Products in the same unit share the scale, so that widths
    compare between them; products in other units (GWh, million m2) have their own. The unit
    most products share comes first, then the others by name."""
    tops: dict[str, float] = {}
    products: dict[str, set[str]] = {}
    for unit, product, units in zip(frame["unit"], frame["product"], frame["units"], strict=True):
        key = scale_unit(unit, product)
        tops[key] = max(tops.get(key, 0.0), float(units))
        products.setdefault(key, set()).add(str(product))
    # The scale most products share first (t/yr in the shipped catalog), then by name.
    return {key: tops[key] if tops[key] > 0 else 1.0 for key in sorted(tops, key=lambda k: (-len(products[k]), k))}


def width_scale_text(tops: Mapping[str, float], full: str) -> str:
    """What a product flow's full width (`full`, "3 mm") stands for in each unit of `tops`
    (`flow_unit_tops`): "3 mm = 843,080 t/yr, 24.5 GWh/yr or 255.8 million m2/yr" (no "; ":
    the print legend breaks lines there, qgisproject.py `LEGEND_BREAK`)."""
    amounts = [amount(top, unit) for unit, top in tops.items()]
    listed = amounts[0] if len(amounts) == 1 else f"{', '.join(amounts[:-1])} or {amounts[-1]}"
    return f"{full} = {listed}" if amounts else full


def flow_lanes(frame: pd.DataFrame, products: Sequence[str] = ()) -> tuple[list[float], list[float]]:
    """Each product flow's line width and offset (mm), in the rows' order, as every map draws
    the product flows (plan.qgs, report.html): the width goes from FLOW_MM[0] to FLOW_MM[1] at
    the widest flow of its unit (`flow_unit_tops`); the lines one year moves on one leg (the
    same two ends, either way) stand side by side, LANE_GAP_MM apart, the group centred on the
    leg, so that none covers another. Across the leg, from the left of its direction from its
    smaller end (by longitude, then latitude) to its larger: first the flows the other way, then
    those this way, each in the order of `products` (the catalog's; others after, by code), then
    by `kind`: the flows of one way keep together, beside those of the other way. The
    offset is QGIS's: to the right of the line's own direction (from its first point to its
    last), negative to its left. A frame that holds them already (LANE_FIELDS) gives them."""
    if all(f in frame.columns for f in LANE_FIELDS):
        return [float(w) for w in frame["width_mm"]], [float(o) for o in frame["offset_mm"]]
    low, high = FLOW_MM
    tops = flow_unit_tops(frame)
    widths = []
    for unit, product, units in zip(frame["unit"], frame["product"], frame["units"], strict=True):
        key = scale_unit(unit, product)
        widths.append(round(low + (high - low) * max(float(units), 0.0) / tops[key], 3))
    order = {p: i for i, p in enumerate(products)}
    legs: dict[tuple[object, ...], list[tuple[tuple[object, ...], int, bool]]] = {}
    for n, (geometry, product, year, kind) in enumerate(zip(frame.geometry, frame["product"], frame["year"],
                                                            frame["kind"], strict=True)):
        first, last = tuple(geometry.coords[0]), tuple(geometry.coords[-1])
        forward = first <= last
        ends = (first, last) if forward else (last, first)
        rank = (forward, order.get(str(product), len(order)), str(product), str(kind))
        legs.setdefault((int(year), ends), []).append((rank, n, forward))
    offsets = [0.0] * len(widths)
    for lanes in legs.values():
        lanes.sort()
        across = -(sum(widths[n] for _rank, n, _f in lanes) + LANE_GAP_MM * (len(lanes) - 1)) / 2
        for _rank, n, forward in lanes:
            centre = across + widths[n] / 2
            # `centre` is to the right of the leg's direction from its smaller end.
            offsets[n] = round(centre if forward else -centre, 3) + 0.0
            across += widths[n] + LANE_GAP_MM
    return widths, offsets


def product_flow_label(product: str, top: float, unit: str, unlined: tuple[float, str] | None = None) -> str:
    """A product's legend label in the product flows' style: its widest line (`top`, in `unit`:
    "LFP (widest 170,000 t/yr)"), or, where a leg without a line (of zero length, `unlined`: the
    most it carries and where, siting/deliver/webmap.py `unlined_widest`) carries more, both:
    "Li2CO3 (widest drawn 106,400 t/yr, up to 261,933 t/yr on a leg without a line: the gateway
    at Kunming hub)" (no "; ": the print legend breaks lines there, qgisproject.py `LEGEND_BREAK`)."""
    if unlined is None or unlined[0] <= top:
        return f"{product_label(product)} (widest {amount(top, unit)})"
    return (f"{product_label(product)} (widest drawn {amount(top, unit)}, up to {amount(unlined[0], unit)} on a leg "
            f"without a line: {unlined[1]})")


def unlined_only_label(product: str, unlined: tuple[float, str], unit: str) -> str:
    """The legend label of a product that moves in a year only on legs without a line (of zero
    length; `unlined`: the most it moves on one that year and where, siting/deliver/webmap.py
    `unlined_by_year`): "Li2CO3 (no line: up to 261,933 t/yr on a leg without a line: the
    gateway at Kunming hub)" (no "; ", as `product_flow_label`)."""
    return f"{product_label(product)} (no line: up to {amount(unlined[0], unit)} on a leg without a line: {unlined[1]})"


#: The filter of a rule that keys a legend entry only: QGIS draws nothing with it
#: (siting/deliver/qgisproject.py `legend_nodes` keys it in the print legend where it is ticked).
KEY_ONLY = "FALSE"
#: The ring (diameter and outline width, mm) that keys a product moving on legs without a line:
#: dashed and ink, as report.html's map rings such legs at their hub (webmap.py `UNLINED_RING`) and
#: map.png (mapplot.py `draw_unlined`).
UNLINED_RING_MM = (3.2, 0.4)


def unlined_symbol(name: str) -> ET.Element:
    """The line symbol of a product's key-only rule (KEY_ONLY): no line, a dashed ink ring at the
    middle of its legend sample (UNLINED_RING_MM)."""
    size, width = UNLINED_RING_MM
    ring = symbol("marker", "@ring", symbol_layer("SimpleMarker", {
        "angle": "0", "color": rgba(INK, 0), "horizontal_anchor_point": "1", "joinstyle": "bevel", "name": "circle",
        "offset": "0,0", "offset_unit": "MM", "outline_color": rgba(INK), "outline_style": "dash",
        "outline_width": f"{width:g}", "outline_width_unit": "MM", "scale_method": "diameter", "size": f"{size:g}",
        "size_unit": "MM", "vertical_anchor_point": "1"}))
    return symbol("line", name, symbol_layer("MarkerLine", {
        "offset": "0", "offset_along_line": "0", "offset_along_line_unit": "MM", "offset_unit": "MM",
        "placement": "centralpoint", "rotate": "0"}, sub_symbol=ring))


def product_flows_style(layer: OutputLayer, products: Sequence[str], units: Mapping[str, str] | None = None,
                        unlined: Mapping[str, tuple[float, str]] | None = None,
                        unlined_years: Mapping[int, Mapping[str, tuple[float, str]]] | None = None) -> str:
    """Product flows in a rule-based renderer: one group of rules per year, only the last year's
    ticked (every leg has one feature per year on the same line, which would hide each other),
    and in each year one rule per product that flows in it, in the products' colours of every
    output. A line's width and offset are the layer's `width_mm` and `offset_mm` (`flow_lanes`):
    its amount per year on one scale per unit, FLOW_MM[1] at the widest flow of that unit over
    all years (every product in t/yr on one scale; GWh and million m2 each on its own: the
    layer's legend name says what the full width stands for, `size_note`), and the lines one
    leg moves in a year side by side; each product's legend label says its own widest amount
    with its unit; hub-to-gateway and gateway-to-hub legs (sales and imports) are dashed; the
    lines are drawn widest first. `units`: product -> catalog unit (the layer's `unit` field
    where not given). `unlined`: product -> the most it moves on a leg without a line and where
    (siting/deliver/webmap.py `unlined_widest`); a product's label then says so where that is
    more than its widest line (`product_flow_label`). `unlined_years`: year -> product -> the
    most it moves that year on a leg without a line and where (webmap.py `unlined_by_year`): a
    product that moves in a year only on such legs has a rule there too, after those with lines,
    that draws nothing (KEY_ONLY) and keys a dashed ring (`unlined_symbol`) with what it moves
    (`unlined_only_label`); a year with such flows only has its group of rules. The lines drawn
    keep other layers' labels off them where QGIS has room (`blocking_labels`)."""
    frame = layer.frame
    colours = product_colours(products)
    dashed = "if(\"kind\" IN ('gateway_to_hub', 'hub_to_gateway'), 'dash', 'solid')"
    by_year = unlined_years or {}
    years = sorted({*_flow_years(layer), *by_year})
    tops = {p: max(float(frame.loc[frame["product"] == p, "units"].max()), 0.0) or 1.0
            for p in products if (frame["product"] == p).any()}
    year_rules, symbols = [], []
    for year in years:
        in_year = frame.loc[frame["year"] == year]
        children = []
        for p in (p for p in products if (in_year["product"] == p).any()):
            top = tops[p]
            unit = (per_year(units[p]) if units and p in units
                    else str(frame.loc[frame["product"] == p, "unit"].iloc[0]) or "units/yr")
            name = str(len(symbols))
            symbols.append(symbol("line", name, symbol_layer("SimpleLine", {
                "capstyle": "round", "joinstyle": "round", "line_color": rgba(colours[p], 220),
                "line_style": "solid", "line_width": "1", "line_width_unit": "MM", "offset": "0", "offset_unit": "MM"},
                {"outlineWidth": _quoted("width_mm"), "offset": _quoted("offset_mm"), "outlineStyle": dashed})))
            label = product_flow_label(p, top, unit, (unlined or {}).get(p))
            children.append(rule(f"{{product_flows:{year}:{p}}}", label, f"{_quoted('product')} = {_text_literal(p)}",
                                 name))
        lined = set(in_year["product"])
        for p in (p for p in [*products, *sorted(set(by_year.get(year, {})) - set(products))]
                  if p in by_year.get(year, {}) and p not in lined):
            name = str(len(symbols))
            symbols.append(unlined_symbol(name))
            unit = per_year(units[p]) if units and p in units else "units/yr"
            children.append(rule(f"{{product_flows:{year}:{p}:no-line}}", unlined_only_label(p, by_year[year][p], unit),
                                 KEY_ONLY, name))
        year_rules.append(rule(f"{{product_flows:{year}}}", f"{year}" + (" (final year)" if year == years[-1] else ""),
                               f"{_quoted('year')} = {year}", None, year == years[-1], *children))
    # The widest lines first, so that where lines cross a thin one stays visible on top.
    clause = element("orderByClause", {"asc": "0", "nullsFirst": "0"})
    clause.text = _quoted("width_mm")
    renderer = element("renderer-v2", {"enableorderby": "1", "forceraster": "0", "symbollevels": "0",
                                       "type": "RuleRenderer"},
                       element("rules", {"key": "{product_flows}"}, *year_rules), element("symbols", None, *symbols),
                       element("orderby", None, clause))
    return qml_document(layer, renderer, blocking_labels())


#: The marker sizes (mm) of a hub and of the gateway: the star is wide enough for its points to
#: show around a hub's square drawn over it where the gateway lies at a hub.
HUB_MM, GATEWAY_MM = 3.0, 6.5
#: The hubs' label priority (0-10; site names rank 5 to 10 by capex, cluster names 4) and type
#: size (points, bold).
HUB_LABEL_PRIORITY = 9
HUB_LABEL_PT = 8.0
#: Two points closer than this (degrees, about 1 cm) are one place.
SAME_PLACE_DEG = 1e-7


def hub_label_texts(layer: OutputLayer) -> dict[str, str]:
    """Each hub's and gateway's label text by id: a hub's name, the gateway's name with
    "(gateway)"; where the gateway lies at a hub, one label of two lines for both on the hub
    ("Kunming", "(hub and gateway)"; "Kunming (hub)", "Dianchi (gateway)" where the names differ)
    and "" (none) on every gateway. The one source of the hubs' labels: the hubs style's label
    expression (`hub_label_expression`) and the placement of the names on a print layout
    (siting/deliver/qgisproject.py `layout_label_spots`) both read it."""
    frame = layer.frame
    texts = {str(i): (f"{n} (gateway)" if k == "gateway" else str(n))
             for i, n, k in zip(frame["id"], frame["name"], frame["kind"], strict=True)}
    gateways = frame.loc[frame["kind"] == "gateway"]
    hubs = frame.loc[frame["kind"] == "hub"]
    for gateway_name, gateway_point in zip(gateways["name"], gateways.geometry, strict=True):
        for hub_id, hub_name, hub_point in zip(hubs["id"], hubs["name"], hubs.geometry, strict=True):
            if hub_point.distance(gateway_point) > SAME_PLACE_DEG:
                continue
            texts[str(hub_id)] = (f"{hub_name}\n(hub and gateway)" if hub_name == gateway_name
                                  else f"{hub_name} (hub)\n{gateway_name} (gateway)")
            texts.update({str(i): "" for i in gateways["id"]})
            break
    return texts


def hub_label_expression(layer: OutputLayer) -> str:
    """The hubs layer's label as a QGIS expression of `hub_label_texts`: a hub whose text is not
    its plain name (it shares its label with the gateway at it) gets that text, its lines
    joined by a line break; the gateways that text leaves without a label (all of them: `"kind"
    = 'gateway'`, else each by id) get ''; any other feature its name, a gateway's with
    "(gateway)" (a branch left out where every gateway is left without one), as
    `hub_label_texts` names it."""
    frame = layer.frame
    texts = hub_label_texts(layer)
    cases = []
    for hub_id, name, kind in zip(frame["id"], frame["name"], frame["kind"], strict=True):
        text = texts.get(str(hub_id), "")
        if kind == "hub" and text != str(name):
            lines = " || '\\n' || ".join(_text_literal(line) for line in text.split("\n"))
            cases.append(f"WHEN {_quoted('id')} = {_text_literal(str(hub_id))} THEN {lines}")
    blank = [str(i) for i, kind in zip(frame["id"], frame["kind"], strict=True)
             if kind == "gateway" and not texts.get(str(i), "")]
    if blank and len(blank) == int((frame["kind"] == "gateway").sum()):
        # Every gateway is named with its hub: no gateway is named on its own.
        cases.append(f"WHEN {_quoted('kind')} = 'gateway' THEN ''")
    else:
        cases += [f"WHEN {_quoted('id')} = {_text_literal(i)} THEN ''" for i in blank]
        cases.append(f"WHEN {_quoted('kind')} = 'gateway' THEN {_quoted('name')} || ' (gateway)'")
    return f"CASE {' '.join(cases)} ELSE {_quoted('name')} END"


def hubs_style(layer: OutputLayer) -> str:
    """Hubs as dark squares, the gateway as a larger red star drawn under them (so that a hub at
    the gateway shows as a square on the star), labelled as `hub_label_expression` says."""
    hub = simple_marker("square", rgba(INK), rgba((255, 255, 255)), HUB_MM, outline_width=0.4)
    gateway = simple_marker("star", rgba(BUILT), rgba(INK), GATEWAY_MM, outline_width=0.3)
    categories = [Category("hub", "Hub (one per cluster)", symbol("marker", "hub", hub)),
                  Category("gateway", "Gateway (imports arrive, sales leave)", symbol("marker", "gateway", gateway))]
    renderer = categorized("kind", categories, values_in(layer, "kind"))
    renderer.set("enableorderby", "1")
    clause = element("orderByClause", {"asc": "1", "nullsFirst": "0"})
    clause.text = f"{_quoted('kind')} = 'hub'"  # false (the gateway) first, the hubs over it
    renderer.append(element("orderby", None, clause))
    # Above the pies (which are drawn with the labels) and ahead of most site names: the network's
    # few nodes are named wherever there is room (on plan.qgs's print layout, where the layout
    # places them: siting/deliver/qgisproject.py `layout_label_spots`).
    return qml_document(layer, renderer, labeling(hub_label_expression(layer), HUB_LABEL_PT, ORDERED_AROUND_POINT,
                                                  bold=True, priority=HUB_LABEL_PRIORITY, z_index=2))


#: The status of a source that is not producing yet (the sources layer's `status`).
PROSPECTIVE = "prospective"
#: What a prospective source the plan may not use adds to its resource in `SOURCE_CLASS`.
UNUSED_PROSPECTIVE = ":prospective"
#: The sources style's classification: the resource, with `UNUSED_PROSPECTIVE` added for a
#: prospective source the plan may not use (`unused_prospective`; the QGIS expression of it).
SOURCE_CLASS = (f"{_quoted('resource')} || if({_quoted('status')} = {_text_literal(PROSPECTIVE)} AND NOT "
                f"{_quoted('in_model')}, {_text_literal(UNUSED_PROSPECTIVE)}, '')")
#: The legend's words for a prospective source the plan may not use (QGIS, map.png).
UNUSED_PROSPECTIVE_WORDS = "prospective, not used"
#: A source's triangle (mm across): from the smallest (no supply) to the largest (the layer's
#: largest supply), its width growing with the square root of its supply (`scale_exp`, 0.5).
SOURCE_MARKER_MM = (1.5, 7.0)
#: The label priority (0-10) of a source's name (`sources_style`): the highest, since the flows
#: leaving a source are obstacles at QGIS's strongest weight (`blocking_labels`) and every position
#: round the source may lie on one of its own lines. At 2 QGIS left the name out there: the
#: shipped plan's canvas named none of its ten sources at 1:750,000 and one at 1:250,000; at 10,
#: six and four, no other layer's name left out for them (the built sites' are always drawn).
SOURCE_LABEL_PRIORITY = 10
#: The outline width (mm) of a hollow source triangle, thick enough to show its colour.
HOLLOW_OUTLINE_MM = 0.5


def unused_prospective(status: object, in_model: object) -> bool:
    """Whether a source of the sources layer is prospective and left out of the plan (not
    `in_model`: prospective sources count only with spatial.include_prospective_sources); drawn
    hollow in QGIS, map.png and the web map. A null `in_model` counts as used."""
    return str(status) == PROSPECTIVE and in_model is not None and not pd.isna(in_model) and not bool(in_model)


def source_classes(frame: pd.DataFrame) -> list[str]:
    """`SOURCE_CLASS` of every row of a sources table (`resource`, and `status` and `in_model`
    where it has them: a source without them is producing and used), in row order."""
    statuses = frame["status"] if "status" in frame.columns else pd.Series("producing", index=frame.index)
    used = frame["in_model"] if "in_model" in frame.columns else pd.Series(True, index=frame.index)
    return [str(r) + (UNUSED_PROSPECTIVE if unused_prospective(s, u) else "")
            for r, s, u in zip(frame["resource"], statuses, used, strict=True)]


def sources_style(layer: OutputLayer, resources: Sequence[str]) -> str:
    """Sources by resource (`SOURCE_CLASS`), marker area proportional to supply, labelled with the
    name: a triangle filled with the resource's colour, or hollow with an outline of it for a
    prospective source the plan may not use; in the legend "Aluminium source" and "Lithium clay
    source (prospective, not used)", as map.png's (`resource_legend_label`).
    Only the classes the layer's sources have are listed, each resource's used sources first."""
    top = _largest(layer, ["supply_t_per_yr"])
    low, high = SOURCE_MARKER_MM
    size = f"scale_exp({_quoted('supply_t_per_yr')}, 0, {top:.6g}, {low:g}, {high:g}, 0.5)"
    colours = resource_colours(resources)
    categories = []
    for r in sorted(colours):
        filled = simple_marker("triangle", rgba(colours[r]), rgba(INK), 3, size)
        hollow = simple_marker("triangle", rgba(colours[r], 0), rgba(colours[r]), 3, size,
                               outline_width=HOLLOW_OUTLINE_MM)
        categories += [Category(r, resource_legend_label(r, " source"), symbol("marker", r, filled)),
                       Category(r + UNUSED_PROSPECTIVE,
                                resource_legend_label(r, f" source ({UNUSED_PROSPECTIVE_WORDS})"),
                                symbol("marker", r + UNUSED_PROSPECTIVE, hollow))]
    present = set(source_classes(layer.frame)) if len(layer.frame) else set()
    return qml_document(layer, categorized(SOURCE_CLASS, categories, present),
                        labeling('"name"', 7, ORDERED_AROUND_POINT, priority=SOURCE_LABEL_PRIORITY))


def clusters_style(layer: OutputLayer) -> str:
    """Cluster outlines, labelled with the cluster name."""
    outline = symbol("fill", "cluster", simple_fill(rgba(INK, 0), rgba(INK), style="no", width=0.8))
    return qml_document(layer, single(outline), labeling('"name"', 12, HORIZONTAL, bold=True, priority=4,
                                                               obstacle_type=OBSTACLE_BOUNDARY, z_index=1))


#: The context outlines' width (mm): map.png's 0.5 pt, and their opacity (0-255): its 0.8.
CONTEXT_LINE_MM = 0.18
CONTEXT_ALPHA = 204


def context_style(layer: OutputLayer) -> str:
    """Context polygons (counties) as on map.png: thin grey outlines, no fill, labelled with
    their names in small grey text of the lowest priority, which yields to every other label and
    pushes none away."""
    outline = symbol("fill", "context", simple_fill(rgba(CONTEXT, 0), rgba(CONTEXT, CONTEXT_ALPHA), style="no",
                                                    width=CONTEXT_LINE_MM))
    return qml_document(layer, single(outline), labeling('"name"', 7, HORIZONTAL, priority=0, buffer_mm=0.7,
                                                         colour=CONTEXT, obstacle=False))


#: The ticks across the red-line buffer's outline (mm): their length, the space between them and
#: their width. No red is far enough from the anode's vermillion for every reader (2.0 by CIEDE2000
#: as readers with deuteranopia see them: tests/test_buffer_ticked_outline.py) and from the setbacks
#: and the red line's fills alike, and a dashed red outline read as an anode import's dashed line:
#: the ticks, which no flow line has, tell the buffer apart (map.png: siting/deliver/mapplot.py
#: BUFFER_TICKS; the web map, which draws no ticks: a dotted outline, webmap.BUFFER_DASH).
BUFFER_TICK_MM = (1.2, 2.0, 0.4)


def buffer_ticks(side: int = -1) -> ET.Element:
    """The ticks across the red-line buffer's outline: a hashed line in the buffer's red,
    BUFFER_TICK_MM, each tick square to the outline (QGIS's hash angle 0) and standing on the
    `side` of it (offset by half its length): -1 inside the zones' rings, towards the red line, +1
    inside the legend's patch, whose ring runs the other way (`legend_keys`)."""
    length, interval, width = BUFFER_TICK_MM
    return symbol_layer("HashLine", {
        "average_angle_length": "4", "average_angle_unit": "MM", "hash_angle": "0", "hash_length": f"{length:g}",
        "hash_length_unit": "MM", "interval": f"{interval:g}", "interval_unit": "MM",
        "offset": f"{side * length / 2:g}",
        "offset_along_line": "0", "offset_along_line_unit": "MM", "offset_unit": "MM", "placement": "interval",
        "ring_filter": "0", "rotate": "1"}, sub_symbol=symbol("line", "@ticks", simple_line(rgba(BUFFER), width)))


def redline_zones_style(layer: OutputLayer) -> str:
    """Buffered exclusion zones: the global buffer as a bright red outline with ticks across it
    (`buffer_ticks`), setbacks as a dark red outline with one light diagonal hatch (never two
    hatches that cross)."""
    categories = []
    for zone_id, kind, products, distance in zip(layer.frame["id"], layer.frame["kind"], layer.frame["products"],
                                                 layer.frame["max_distance_m"], strict=True):
        if kind == "buffer":
            label = f"Red-line buffer: {amount(distance, 'm')} around every red-line polygon"
            sym = symbol("fill", zone_id, simple_fill(rgba(BUFFER, 0), rgba(BUFFER), style="no", width=0.4),
                         buffer_ticks())
        else:
            names = ", ".join(product_label(p) for p in id_items(products))
            label = f"Setback up to {amount(distance, 'm')} for {names}"
            sym = symbol("fill", zone_id, simple_fill(rgba(SETBACK, SETBACK_HATCH_ALPHA), rgba(SETBACK),
                                                      style="f_diagonal", width=0.4))
        categories.append(Category(zone_id, label, sym))
    return qml_document(layer, categorized("id", categories))


#: The red line's column marking a polygon that only stands in for the real one (a true value), as
#: siting/deliver/mapinfo.py PROXY_FLAGS reads it first.
PROXY_FLAG = PROXY_FLAGS[0]
#: The outline of a red-line polygon marked a proxy (PROXY_FLAG): dotted, where a traced one is
#: solid (and a category the rule leaves out dashed).
PROXY_OUTLINE = "dot"
#: The legend entry keying the dotted outline of the polygons marked a proxy (a category no
#: feature has: KEY_ONLY_CATEGORY), where some polygon is one.
PROXY_KEY = KEY_ONLY_CATEGORY + "proxy"
PROXY_KEY_LABEL = f"dotted outline: a polygon marked as a proxy ({PROXY_FLAG}), not traced"


def redline_style(layer: OutputLayer) -> str:
    """Red-line polygons by category, each in a colour of its own (`redline_colours`) and
    labelled with how far it excludes sites for every product and for some (`exclusion_reach`,
    from the layer's `buffer_m`, `max_distance_m` and, where it has them, `min_distance_m`:
    "lake (excluded within 1,000 m, up to 5,000 m for some products)"); categories the rule
    leaves out are grey and dashed. Where the layer marks some polygon a proxy (PROXY_FLAG), a
    counted category outlines those dotted (PROXY_OUTLINE) and the traced ones solid, keyed last
    by an entry of its own (PROXY_KEY)."""
    categories = []
    frame = layer.frame
    colours = redline_colours([str(c) for c in frame["category"]])
    proxies = PROXY_FLAG in frame.columns and any(says_yes(v) for v in frame[PROXY_FLAG].tolist())
    # as `says_yes` reads the flag: a yes/no column, or text ("yes", "true"), which QGIS does not read as true
    yes = ", ".join(f"'{word}'" for word in YES_WORDS)
    outline = (f"if(lower(trim(to_string({_quoted(PROXY_FLAG)}))) IN ({yes}), '{PROXY_OUTLINE}', 'solid')"
               if proxies else None)
    for i, category in enumerate(sorted(set(frame["category"]))):
        rows = frame.loc[frame["category"] == category]
        used = bool(rows["used"].any())
        if used:
            colour = colours[str(category)]
            counted = rows.loc[rows["used"].astype(bool)]
            nearest = float(counted["min_distance_m"].min()) if "min_distance_m" in counted else None
            reach = exclusion_reach(float(counted["buffer_m"].min()), float(counted["max_distance_m"].max()), nearest)
            label = f"{category_label(category)} (excluded {reach})"
            sym = symbol("fill", str(i), simple_fill(rgba(colour, REDLINE_FILL_ALPHA), rgba(colour),
                                                     outline_style_expression=outline))
        else:
            label = f"{category_label(category)} (not used by the red-line rule)"
            sym = symbol("fill", str(i), simple_fill(rgba(GREY, 60), rgba(GREY), outline_style="dash"))
        categories.append(Category(category, label, sym))
    if proxies:
        categories.append(Category(PROXY_KEY, PROXY_KEY_LABEL, symbol("fill", "proxy", simple_fill(
            rgba(INK, 0), rgba(INK), style="no", outline_style=PROXY_OUTLINE))))
    return qml_document(layer, categorized("category", categories), redline_labels(layer))


#: The colour of water names (map.png's) and their type size (points).
WATER_INK = (26, 84, 140)
WATER_LABEL_PT = 7.5


def redline_labels(layer: OutputLayer) -> ET.Element | None:
    """Names of the open water in the red line (lakes, rivers: `redline_colour` WATER), in small
    italic blue as on map.png, of low priority and pushing no other label away, each drawn even
    where every position QGIS tries is taken (AlwaysShow, on the water only: QGIS 3.22 otherwise
    dropped four of the shipped plan's five lake names under the sites', hubs' and sources'
    names; it still tries every position first, so a name yields where it has room elsewhere);
    None when the layer has no named water. The style of redline.qml and of plan.gpkg's red
    line. On a print layout of plan.qgs or compare.qgs the names stand where the layout places
    them, and only those (siting/deliver/qgisproject.py `layout_label_spots`)."""
    frame = layer.frame
    water = sorted({str(c) for c in frame["category"] if redline_colour(str(c)) == WATER}) if len(frame) else []
    if not water or not frame.loc[frame["category"].isin(water), "name"].notna().any():
        return None
    listed = ", ".join(_text_literal(c) for c in water)
    named = f"{_quoted('category')} IN ({listed})"
    return labeling(f"if({named}, {_quoted('name')}, '')", WATER_LABEL_PT, HORIZONTAL,
                    priority=1, buffer_mm=0.7, colour=WATER_INK, obstacle=False, italic=True,
                    always_show_expression=f"{named} AND {_quoted('name')} IS NOT NULL")


#: Aliases of fields whose name gives no unit or only an abbreviation of it, by layer (every layer:
#: key None). `{year}` stands for the year of a `<prefix><year>` field. Some are the input's
#: columns the layer carries: the red line's `area_km2_sourced` (the shipped red-line data's
#: area as its sources give it) beside the layer's own `area_km2`. The line layers' names of
#: their ends beside their ids (`from_name`, `site_name`, ...) read as "from (name)".
#: The name QGIS shows for a field giving a site's whole name (siting/deliver/layer.py
#: SITE_NAME_FIELDS), with the field of its id (`key`) to join the layers on.
SITE_NAME_ALIAS = "site name (whole, as sites.geojson's; join the layers on {key})"
FIXED_ALIASES: dict[str | None, dict[str, str]] = {
    None: {"capex_yuan": "capex (yuan)"},
    "flows": {"source_name": "source (name)", "site_name": SITE_NAME_ALIAS.format(key="site"),
              "km": "road distance (km)",
              "tonnes_": "shipped {year} (t/yr)"},
    "sources": {"supply_t_per_yr": "supply (t/yr)", "shipped_t_": "shipped {year} (t/yr)"},
    "sites": {"name": SITE_NAME_ALIAS.format(key="id"), "on_site_t_": "from on-site sources {year} (t/yr)",
              "footprint_ha": "drawn footprint, ellipsoidal area (ha)",
              "usable_land_ha": "usable land (ha)",
              "land_after_redline_ha": "land left by the red line, the most over the products (ha)",
              "land_committed_ha": "land taken by committed projects (ha)",
              "land_free_ha": "land free for new modules, the most over the products (ha)",
              "land_used_ha": "land taken by the new modules (ha)",
              "setback_overlap_ha": "outline inside the red-line zone of a product built (ha)",
              "land_outside_setback_ha": "usable land outside that zone (ha)",
              "setback_by_product": "each product built whose red-line zone reaches the site: its setbacks "
                                    "reaching in, usable land outside its zone (ha)",
              "position_uncertainty_km": "position uncertainty (km)"},
    "redline": {"buffer_m": "red-line buffer (m)", "min_distance_m": "exclusion distance, every product (m)",
                "max_distance_m": "exclusion distance, the farthest product's (m)",
                "area_km2": "ellipsoidal area (km2)", "input_area_km2": "area as the input gives it (km2)",
                "area_km2_sourced": "area as its sources give it (km2)"},
    "redline_zones": {"max_distance_m": "exclusion distance, the farthest (m)", "area_km2": "ellipsoidal area (km2)"},
    "product_flows": {"from_name": "from (name; a site's whole name, as sites.geojson's: join on from)",
                      "to_name": "to (name; a site's whole name, as sites.geojson's: join on to)",
                      "units": "amount per year (see unit)",
                      "km": "road distance (km)", "width_mm": "line width drawn (mm)",
                      "offset_mm": "line drawn beside its leg (mm, + to the right)"},
    "hubs": {"node": "node (the from or to of product_flows)", "cluster": "cluster (id)"},
    "candidate_cells": {"gross_ha": "gross area (ha)", "usable_ha": "usable area (ha)"},
}


def field_aliases(layer: OutputLayer, units: Mapping[str, str]) -> dict[str, str]:
    """The names QGIS shows for the fields whose unit their name does not give, with that unit:
    `added_<product>_<year>` (sites: the year the modules are decided in, their lead time before
    they produce) as e.g. "LFP added, decided 2024 (t/yr)", `added_<product>` (clusters) as "LFP
    added, all years (t/yr)", `capacity_<product>_<year>` as "LFP capacity 2024 (t/yr)", and the fields of
    `FIXED_ALIASES` (`capex_yuan` as "capex (yuan)", the flows' `km` as "road distance (km)",
    `tonnes_2024` as "shipped 2024 (t/yr)", ...); on the hubs layer, `sold_<product>_<year>` as
    "LFP sold out of the region 2024 (t/yr)" and `imported_<product>_<year>` as "LFP imported
    2024 (t/yr)"; `units` gives each product's catalog unit. Other fields keep their names."""
    aliases: dict[str, str] = {}
    fixed = {**FIXED_ALIASES[None], **FIXED_ALIASES.get(layer.name, {})}
    for name in layer.frame.columns:
        if name in fixed:
            aliases[name] = fixed[name]
            continue
        standing = standing_alias(name, units) if layer.name == "sites" else None
        if standing is not None:
            aliases[name] = standing
            continue
        prefix = next((f for f in fixed if f.endswith("_") and name.startswith(f) and name[len(f):].isdigit()), None)
        if prefix is not None:
            aliases[name] = fixed[prefix].format(year=name[len(prefix):])
            continue
        words = (("added_", "added"), ("capacity_", "capacity"))
        if layer.name == "hubs":
            words = (("sold_", "sold out of the region"), ("imported_", "imported"))
        for prefix, word in words:
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):]
            product, _, year = rest.rpartition("_")
            if rest in units:  # added over the plan's years (clusters)
                aliases[name] = f"{product_label(rest)} {word}, all years ({per_year(units[rest])})"
            elif product in units and year.isdigit():
                # a module counts in the year it is decided in, its lead time before it produces
                when = f"{word}, decided {year}" if prefix == "added_" else f"{word} {year}"
                aliases[name] = f"{product_label(product)} {when} ({per_year(units[product])})"
    return aliases


def standing_alias(name: str, units: Mapping[str, str]) -> str | None:
    """The name QGIS shows for a sites field of standing capacity (siting/deliver/layers.py
    `standing_fields`): `existing_lfp` as "LFP existing (t/yr)", `committed_lfp_2024` as "LFP
    committed, online by 2024 (t/yr)"; None for any other field or a product without a unit."""
    if name.startswith("existing_") and name[len("existing_"):] in units:
        product = name[len("existing_"):]
        return f"{product_label(product)} existing ({per_year(units[product])})"
    product, _, year = name[len("committed_"):].rpartition("_")
    if name.startswith("committed_") and product in units and year.isdigit():
        return f"{product_label(product)} committed, online by {year} ({per_year(units[product])})"
    return None


def with_aliases(qml: str, aliases: Mapping[str, str]) -> str:
    """`qml` with an `<aliases>` element (field name -> the name QGIS shows) before its blend mode."""
    if not aliases:
        return qml
    block = element("aliases")
    for field, alias in aliases.items():
        block.append(element("alias", {"field": field, "name": alias}))
    ET.indent(block, space="  ", level=1)
    marker = "  <blendMode>"
    assert marker in qml, "a QML document of qml_document has a blend mode"
    return qml.replace(marker, "  " + ET.tostring(block, encoding="unicode") + "\n" + marker, 1)


def style_for(layer: OutputLayer, resources: Sequence[str], values: Mapping[str, float] | None = None,
              products: Sequence[str] = (), units: Mapping[str, str] | None = None,
              unlined: Mapping[str, tuple[float, str]] | None = None,
              unlined_years: Mapping[int, Mapping[str, tuple[float, str]]] | None = None,
              on_site: Mapping[tuple[str, ...], tuple[float, str]] | None = None) -> str:
    """The QML of any of our layers, by layer name; `values` (product -> output value per unit)
    weigh the slices of the built sites' pies; `products` (in the catalog's order) give the
    product flows their colours (the products in the layer when not given); `units` (product ->
    catalog unit) name the fields with their units (`field_aliases`); `unlined` (product -> the
    most it moves on a leg without a line, and where: siting/deliver/webmap.py
    `unlined_widest`) and `unlined_years` (the same by year: `unlined_by_year`) go to the product
    flows' legend (`product_flows_style`); `on_site` (what sites draw from sources standing on
    them: `on_site_widest`) to the raw-material flows' (`flows_style`)."""
    by_name: dict[str, Callable[[OutputLayer], str]] = {
        "sites": lambda lyr: sites_style(lyr, values),
        "site_areas": site_areas_style,
        "hubs": hubs_style,
        "product_flows": lambda lyr: product_flows_style(
            lyr, list(products) or sorted(set(lyr.frame["product"]) if len(lyr.frame) else set()), units, unlined,
            unlined_years),
        "flows": lambda lyr: flows_style(lyr, resources, on_site),
        "sources": lambda lyr: sources_style(lyr, resources),
        "candidate_cells": candidate_cells_style,
        "clusters": clusters_style,
        "redline_zones": redline_zones_style,
        "redline": redline_style,
        "context": context_style,
    }
    return with_aliases(by_name[layer.name](layer), field_aliases(layer, units or {}))


#: Renderer type and classification field of each style (what a reader of the style can check).
RENDERERS = {
    "sites": ("categorizedSymbol", "status"),
    "site_areas": ("categorizedSymbol", "status"),
    "hubs": ("categorizedSymbol", "kind"),
    "product_flows": ("RuleRenderer", None),
    "flows": ("categorizedSymbol", "resource"),
    "sources": ("categorizedSymbol", SOURCE_CLASS),
    "candidate_cells": ("categorizedSymbol", "status"),
    "clusters": ("singleSymbol", None),
    "redline_zones": ("categorizedSymbol", "id"),
    "redline": ("categorizedSymbol", "category"),
    "context": ("singleSymbol", None),
}


#: Colours of the comparison's site changes (diff.geojson of `compare`).
CHANGE_COLOURS = {"added": (26, 152, 80), "removed": (215, 48, 39), "resized": (253, 174, 97),
                  "options changed": (69, 117, 180), "unchanged": (190, 190, 190)}

#: The change of a site where the plans add the same new capacity but the rules admit other
#: products there, or leave other land free for new modules, than in the baseline (a stricter red
#: line that keeps products out of a site the plan does not build on): the run's options changed,
#: not its plan (siting/runs/tables.py `diff_geojson`).
OPTIONS_CHANGED = "options changed"

#: What each change means, in a legend: the new capacity (plan modules) at the site in the run
#: against the baseline's (existing and committed plants stay where they are).
CHANGE_LABELS = {"added": "Added: new capacity here, none in the baseline",
                 "removed": "Removed: no new capacity here, some in the baseline",
                 "resized": "Resized: other new capacity than in the baseline",
                 OPTIONS_CHANGED: "Options changed: the same new capacity, but other products admitted or other "
                                  "land free for new modules than in the baseline",
                 "unchanged": "Unchanged"}

#: diff.geojson's properties of each feature on its run's objective against the baseline's
#: (siting/runs/tables.py `diff_geojson`): the verdict of the proven gaps ("proven", WITHIN,
#: "same plan", or NOT_COMPARABLE and why; "" when either run has no plan) and the ends of the
#: proven range of the difference of the two optima, bn yuan (null where a run has no proven
#: bound, or the two are not comparable).
DIFFERENCE_FIELDS = ("objective_difference", "objective_difference_low_bn_yuan", "objective_difference_high_bn_yuan")

#: How the verdict of two runs whose objectives weigh the years differently begins, as siting/runs/
#: tables.py NOT_COMPARABLE: "not comparable: the objectives weigh the years differently (...)".
#: Their objectives are in different money, so the gaps prove nothing of their difference.
NOT_COMPARABLE = "not comparable"

#: diff.geojson's properties of each feature on what the rules admit at the site (siting/runs/
#: tables.py `diff_geojson`): the products kept out there by any rule in the baseline and in the
#: run (ids, ", " between them; "" for none), and the land free for new modules there (ha), which
#: tell a site whose options changed (OPTIONS_CHANGED) apart.
OPTION_FIELDS = ("kept_out_base", "kept_out_new", "land_free_ha_base", "land_free_ha_new")

#: diff.geojson's boolean property of each feature (siting/runs/tables.py `forced_change`): whether
#: the run's own rules rule out the baseline's plan at the site, so that its change there is forced
#: by what the run changes: the baseline adds capacity of a product there that the run keeps out
#: (and the baseline does not), or adds any there while the run leaves no land free for new
#: modules. False where that is not certain (land that shrank but is not gone).
FORCED_FIELD = "forced"

#: What the legend adds to a change that the run's rules force (FORCED_FIELD) where the run is
#: within solver tolerance of the baseline: such a change is drawn plainly, not hatched.
FORCED_LEGEND = "forced: the run's rules keep out what the baseline built here, or leave no land for new modules"

#: What the changes of a run within solver tolerance of the baseline are (as comparison.md heads
#: the run's column of differences): the two plans cannot be told apart in cost.
INDISTINGUISHABLE = "plans of indistinguishable cost, not shown to be effects of the change"

#: What diff.qml's class of a feature adds to its `change` where its run is WITHIN of the baseline
#: ("added:indistinguishable"): such changes are drawn hatched (polygons) or hollow (points).
INDISTINGUISHABLE_CLASS = ":indistinguishable"

#: The changes of a site's new capacity, which plans of nearly the same cost may make where the
#: rules do not: "options changed" and "unchanged" say what the rules admit there with the same
#: new capacity, which the run's settings decide alone, whatever the solver's gaps.
PLAN_CHANGES = ("added", "removed", "resized")

#: The QGIS test of a feature whose change is not shown to be an effect of what its run changes:
#: its run is within solver tolerance of the baseline (`objective_difference` WITHIN), its change
#: is one of the new capacity (PLAN_CHANGES) and the run's rules do not force it (FORCED_FIELD).
INDISTINGUISHABLE_TEST = (f"{_quoted(DIFFERENCE_FIELDS[0])} = {_text_literal(WITHIN)} "
                          f"AND {_quoted('change')} IN ({', '.join(_text_literal(c) for c in PLAN_CHANGES)}) "
                          f"AND NOT {_quoted(FORCED_FIELD)}")

#: diff.qml's classification where some run is within solver tolerance: `change`, with
#: INDISTINGUISHABLE_CLASS added for the features of such a run whose change its rules do not
#: force (INDISTINGUISHABLE_TEST; the QGIS expression of it).
CHANGE_CLASS = f"{_quoted('change')} || if({INDISTINGUISHABLE_TEST}, {_text_literal(INDISTINGUISHABLE_CLASS)}, '')"


#: What diff.qml's class of a feature adds to its `change` where its run's objective weighs the
#: years otherwise than the baseline's (`objective_difference` begins NOT_COMPARABLE: "added:not
#: comparable"): its objective is in other money, so its changes come with no difference in cost;
#: they are drawn grey (NOT_COMPARABLE_COLOUR), the change's colour only at the edge, cross-hatched
#: (polygons) or as diamonds (points), and their legend says NOT_COMPARABLE_LEGEND.
NOT_COMPARABLE_CLASS = f":{NOT_COMPARABLE}"

#: The legend's words, after the change's, of the changes of a run not comparable with the baseline.
NOT_COMPARABLE_LEGEND = f"{NOT_COMPARABLE} (objectives weigh the years differently)"

#: The grey of the changes of a run not comparable with the baseline.
NOT_COMPARABLE_COLOUR = (150, 150, 150)

#: The QGIS test of a feature of a run not comparable with the baseline: its `objective_difference`
#: (DIFFERENCE_FIELDS) begins NOT_COMPARABLE, as siting/runs/tables.py `not_comparable_text` words it.
NOT_COMPARABLE_TEST = f"{_quoted(DIFFERENCE_FIELDS[0])} LIKE {_text_literal(NOT_COMPARABLE + '%')}"

#: diff.qml's classification where some run is not comparable with the baseline: `change`, with
#: INDISTINGUISHABLE_CLASS added for the features of a run within solver tolerance whose change
#: its rules do not force (INDISTINGUISHABLE_TEST) and NOT_COMPARABLE_CLASS for those of a run not
#: comparable (the QGIS expression of it).
CHANGE_CLASS_APART = (f"{_quoted('change')} || CASE WHEN {INDISTINGUISHABLE_TEST} "
                      f"THEN {_text_literal(INDISTINGUISHABLE_CLASS)} WHEN {NOT_COMPARABLE_TEST} "
                      f"THEN {_text_literal(NOT_COMPARABLE_CLASS)} ELSE '' END")


def change_classes(indistinguishable: bool = False, not_comparable: bool = False) -> tuple[str, ...]:
    """diff.qml's classes in their legend order: the changes (CHANGE_COLOURS' order), each with
    INDISTINGUISHABLE_CLASS added where `indistinguishable`, or NOT_COMPARABLE_CLASS where
    `not_comparable`."""
    suffix = INDISTINGUISHABLE_CLASS if indistinguishable else NOT_COMPARABLE_CLASS if not_comparable else ""
    return tuple(c + suffix for c in CHANGE_COLOURS)


def _class_suffix(verdict: object, forced: object = False, change: object = None) -> str:
    """What a diff.geojson feature's class adds to its `change`, from its `objective_difference`
    and whether the run's rules force the change (FORCED_FIELD): INDISTINGUISHABLE_CLASS for WITHIN
    where not forced and the change is one of the new capacity (PLAN_CHANGES; None: taken as one),
    nothing for WITHIN where forced (drawn plainly) or where only the options changed or nothing
    did (the rules' doing, not the solver's), NOT_COMPARABLE_CLASS for a verdict beginning
    NOT_COMPARABLE, else nothing."""
    if verdict == WITHIN:
        plan_change = change is None or change in PLAN_CHANGES
        return "" if forced is True or not plan_change else INDISTINGUISHABLE_CLASS
    return NOT_COMPARABLE_CLASS if isinstance(verdict, str) and verdict.startswith(NOT_COMPARABLE) else ""


@dataclass(frozen=True)
class RunDifference:
    """What the proven gaps show of a compared run's objective against the baseline's, as
    diff.geojson's features of the run give it (DIFFERENCE_FIELDS).

    verdict: "proven", WITHIN, "same plan", or NOT_COMPARABLE and why ("not comparable: the
        objectives weigh the years differently (objective.years_after_horizon 3 vs 0)"); "" when
        unknown.
    low_bn_yuan, high_bn_yuan: the proven range of the difference of the two optima (the run's
        less the baseline's), bn yuan; None where unbounded or unknown.
    """

    verdict: str = ""
    low_bn_yuan: float | None = None
    high_bn_yuan: float | None = None

    @property
    def indistinguishable(self) -> bool:
        """Whether the run is within solver tolerance of the baseline."""
        return self.verdict == WITHIN

    @property
    def not_comparable(self) -> bool:
        """Whether the two objectives weigh the years differently (NOT_COMPARABLE): in different
        money, so that no difference of them is proven or not."""
        return self.verdict.startswith(NOT_COMPARABLE)

    def range_text(self) -> str:
        """The proven range with its unit, rounded outward to two decimals as comparison.md gives
        it (siting/optimize/tolerance.py `range_text`): "-0.20 to 0.16 bn yuan", "at most 0.16 bn
        yuan"; "" when neither end is known."""
        text = range_text(None if self.low_bn_yuan is None else self.low_bn_yuan * BN,
                          None if self.high_bn_yuan is None else self.high_bn_yuan * BN)
        return f"{text} {MONEY_UNIT}" if text else ""


def _number(value: object) -> float | None:
    """A finite number of a GeoJSON property, or None (null, missing, not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        return None
    return float(value)


def diff_runs(feature_collection: str) -> dict[str, RunDifference]:
    """Each compared run of `compare`'s diff.geojson (its text) -> its `RunDifference`, from the
    run's first feature (every feature of a run gives the same); runs in the file's order. A file
    without DIFFERENCE_FIELDS gives each run an empty `RunDifference`."""
    found: dict[str, RunDifference] = {}
    for feature in json.loads(feature_collection)["features"]:
        properties = feature["properties"]
        label = str(properties["scenario"])
        if label not in found:
            verdict, low, high = (properties.get(name) for name in DIFFERENCE_FIELDS)
            found[label] = RunDifference(str(verdict or ""), _number(low), _number(high))
    return found


def diff_changes(feature_collection: str) -> dict[str, tuple[str, ...]]:
    """The classes each compared run has in `compare`'s diff.geojson (its text): the run's label
    (`scenario`) -> its `change` values, in CHANGE_COLOURS' order, each with
    INDISTINGUISHABLE_CLASS added where the run is within solver tolerance of the baseline and its
    rules do not force the change (FORCED_FIELD), or NOT_COMPARABLE_CLASS where its objective weighs
    the years otherwise (`objective_difference`, see `diff_style`); runs in the file's order."""
    found: dict[str, set[str]] = {}
    for feature in json.loads(feature_collection)["features"]:
        properties = feature["properties"]
        suffix = _class_suffix(properties.get(DIFFERENCE_FIELDS[0]), properties.get(FORCED_FIELD),
                               properties.get("change"))
        found.setdefault(str(properties["scenario"]), set()).add(str(properties["change"]) + suffix)
    every = (*change_classes(), *change_classes(True), *change_classes(not_comparable=True))
    return {label: tuple(c for c in every if c in changes) for label, changes in found.items()}


def diff_forced(feature_collection: str) -> dict[str, bool]:
    """The plain classes (`change`) of `compare`'s diff.geojson (its text) that hold a change the
    run's rules force (FORCED_FIELD) in a run within solver tolerance of the baseline, which is
    classed plainly (`_class_suffix`) -> whether only such changes have that class (no feature of
    a run whose changes are classed plainly anyway has it); in CHANGE_COLOURS' order. `diff_style`
    words their legend so."""
    forced: set[str] = set()
    plain: set[str] = set()
    for feature in json.loads(feature_collection)["features"]:
        properties = feature["properties"]
        verdict = properties.get(DIFFERENCE_FIELDS[0])
        if _class_suffix(verdict, properties.get(FORCED_FIELD), properties.get("change")):
            continue
        (forced if verdict == WITHIN and properties.get(FORCED_FIELD) is True else plain).add(
            str(properties["change"]))
    return {c: c not in plain for c in CHANGE_COLOURS if c in forced}


def change_aliases(products: Sequence[str], units: Mapping[str, str], baseline: str, base_years: Sequence[int],
                   run_years: Sequence[Sequence[int]]) -> dict[str, str]:
    """diff.qml's names of diff.geojson's fields: `base_<product>` and `new_<product>`, the
    capacity the plan's modules add at the site over the plan's years (units per year, summed
    over the years they are decided in), as "LFP added 2022-2024, baseline yunnan_2024 (t/yr)"
    and "LFP added 2022-2024, this run (t/yr)" (`units`: each product's catalog unit;
    `base_years` the baseline's years, `run_years` each compared run's: "over each run's years"
    where those differ); OPTION_FIELDS, what the rules admit at the site in either run;
    FORCED_FIELD, whether the run's rules force its change there; DIFFERENCE_FIELDS;
    `folder`, the run's folder; and the fields naming the feature: `id` (site@run), `site`,
    `scenario` (the run), `baseline` and `change` (its classes, CHANGE_LABELS', against the
    baseline's plan)."""
    def span(years: Sequence[int]) -> str:
        return f"{years[0]}-{years[-1]}" if len(years) > 1 else f"in {years[0]}" if years else "over the plan"

    spans = {span(years) for years in run_years}
    theirs = spans.pop() if len(spans) == 1 else "over each run's years"
    aliases: dict[str, str] = {
        "id": "site and run compared (site@run)",
        "site": "site (its id in the runs' sites.geojson: the key to join the layers on)",
        "name": "site name (whole, as the runs' sites.geojson gives it)",
        "scenario": f"run compared with the baseline {baseline} (its column in comparison.csv or row in sweep.csv)",
        "baseline": f"baseline run ({baseline}), whose plan this run is compared with",
        "change": (f"change against the baseline {baseline} ({joined(CHANGE_LABELS, last='or')}): the new capacity "
                   "this run adds here against the baseline's; options changed: the same, but other products "
                   "admitted or other land free"),
        "folder": "folder of this run (in the comparison or sweep folder)"}
    for product in products:
        unit = f" ({per_year(units[product])})" if units.get(product) else ""
        aliases[f"base_{product}"] = f"{product_label(product)} added {span(base_years)}, baseline {baseline}{unit}"
        aliases[f"new_{product}"] = f"{product_label(product)} added {theirs}, this run{unit}"
    aliases.update(dict(zip(OPTION_FIELDS, (
        f"products kept out, baseline {baseline}", "products kept out, this run",
        f"land free for new modules, baseline {baseline} (ha)", "land free for new modules, this run (ha)"),
        strict=True)))
    aliases[FORCED_FIELD] = (f"forced by this run's rules (they keep out what {baseline} built here, or leave no "
                             "land for new modules)")
    aliases.update(dict(zip(DIFFERENCE_FIELDS, (
        f"objective difference against {baseline} (proven, {WITHIN}, same plan or {NOT_COMPARABLE})",
        "objective difference, proven low (bn yuan)", "objective difference, proven high (bn yuan)"),
        strict=True)))
    return aliases


#: The changes whose sites have a pie in the run (it adds capacity there), or may have one (a
#: site whose options changed may be built on in both runs): `change_marks` marks them above the
#: pies.
MARKED_CHANGES = ("added", "resized", OPTIONS_CHANGED)
#: The diameter (mm) of a change's mark on a pie: a badge on the pie's middle, so that the pie
#: shows round it (a pie is up to PIE_MM across).
CHANGE_MARK_MM = 2.6
#: The diameter (mm) of a change's marker at a point site (under the run's pie where it has one).
CHANGE_MARKER_MM = 3.5
#: The marks' z-index among the labels and diagrams QGIS draws over every layer's symbols: above
#: the sites' pies (z-index 1, `pie_diagrams`) and their names (2, `sites_style`).
CHANGE_MARK_Z = 3


def change_marks() -> ET.Element:
    """The labelling of diff.qml that draws each added or resized site's change (MARKED_CHANGES)
    above its pie. QGIS draws diagrams, such as the sites' pies, after every layer's symbols, so
    the renderer's marker (or fill) of such a site lies under its pie; a label is drawn with the
    diagrams, by z-index (CHANGE_MARK_Z, above the pies). The label is a blank text on a circle
    (its background shape) of CHANGE_MARK_MM centred on the site (its point on surface), filled
    with the change's colour (CHANGE_COLOURS) and outlined in ink as the renderer's marker is,
    or, for a run within solver tolerance of the baseline (`objective_difference` WITHIN) where its
    rules do not force the change (INDISTINGUISHABLE_TEST), white with an outline of the change's
    colour, as its hollow marker is, and for a run not comparable
    with the baseline (`objective_difference` beginning NOT_COMPARABLE) grey (NOT_COMPARABLE_COLOUR)
    with that outline, as its marker is. Every mark is drawn (it may
    overlap others) and pushes no other label away. A removed or unchanged site gets none: the
    run has no pie there, or nothing changed; a site whose options changed gets one, as it may
    have a pie in both runs."""
    quoted = _quoted("change")
    within = INDISTINGUISHABLE_TEST

    colour = "CASE " + " ".join(f"WHEN {quoted} = {_text_literal(c)} THEN {_text_literal(rgba(CHANGE_COLOURS[c]))}"
                                for c in MARKED_CHANGES) + " END"
    marked = ", ".join(_text_literal(c) for c in MARKED_CHANGES)
    apart = NOT_COMPARABLE_TEST
    settings = circle_mark_settings(f"if({quoted} IN ({marked}), ' ', '')", CHANGE_MARK_MM, rgba(INK), 0.2,
                                    CHANGE_MARK_Z, {
        "ShapeFillColor": f"if({within}, {_text_literal(rgba((255, 255, 255)))}, "
                          f"if({apart}, {_text_literal(rgba(NOT_COMPARABLE_COLOUR))}, {colour}))",
        "ShapeBorderColor": f"if({within} OR {apart}, {colour}, {_text_literal(rgba(INK))})",
        "ShapeBorderWidth": f"if({within} OR {apart}, {HOLLOW_OUTLINE_MM:g}, 0.2)"})
    return element("labeling", {"type": "simple"}, settings)


#: The diameter (mm) of the ring round a site whose change the run's rules force (FORCED_FIELD),
#: and its width: seen at any scale, a small polygon or one under other symbols included.
FORCED_RING_MM = 5.0
FORCED_RING_WIDTH_MM = 0.7
#: The QGIS test of a feature whose change the run's rules force (FORCED_FIELD; false where unset).
FORCED_TEST = f"coalesce({_quoted(FORCED_FIELD)}, false)"
#: The type size (points) of the names diff.qml's rules draw (`forced_names`, `unbuilt_names`).
CHANGE_NAME_PT = 7.0
#: The z-index of a forced change's name: above the change marks (CHANGE_MARK_Z).
FORCED_NAME_Z = CHANGE_MARK_Z + 1


def forced_ring(rgb: Sequence[int], polygonal: bool) -> list[ET.Element]:
    """The symbol layers that ring a site whose change the run's rules force (FORCED_TEST): a
    circle FORCED_RING_MM across outlined in the change's colour (`rgb`) over a wider white one
    (its halo), drawn only for such a feature; at the polygon's point on surface for polygon
    sites, round the marker for point sites."""
    def ring(colour: str, width: float) -> ET.Element:
        return simple_marker("circle", rgba(rgb, 0), colour, FORCED_RING_MM, outline_width=width)

    halo = ring(rgba((255, 255, 255)), FORCED_RING_WIDTH_MM + 0.8)
    coloured = ring(rgba(rgb), FORCED_RING_WIDTH_MM)
    if not polygonal:
        for layer in (halo, coloured):
            layer.remove(layer.find("data_defined_properties"))
            layer.append(data_defined({"enabled": FORCED_TEST}))
        return [halo, coloured]
    marker = centroid_marker(symbol("marker", "@forced", halo, coloured))
    marker.remove(marker.find("data_defined_properties"))
    marker.insert(1, data_defined({"enabled": FORCED_TEST}))
    return [marker]


def forced_names() -> ET.Element:
    """The labelling settings that name a site whose change the run's rules force (FORCED_TEST),
    by its id (`site`, capitalised): drawn always, beside its ring (FORCED_RING_MM), above the
    change marks (FORCED_NAME_Z)."""
    node = labeling(f"coalesce({_quoted('name')}, {_quoted('site')})", CHANGE_NAME_PT, AROUND_POINT, bold=True,
                    priority=10, z_index=FORCED_NAME_Z, always_show_expression="true")
    settings = node.find("settings")
    settings.find("placement").set("dist", f"{FORCED_RING_MM / 2:g}")
    return settings


#: The z-index of the name of a site the run builds nothing on whose change it shows
#: (`unbuilt_names`): with the forced changes' names, above the change marks.
UNBUILT_NAME_Z = CHANGE_MARK_Z + 1


def unbuilt_names(added_fields: Sequence[str]) -> tuple[str, ET.Element]:
    """The filter and the labelling settings that name a site whose change the run's own layers
    leave unnamed, since the run builds nothing there and its sites layer names only the sites it
    builds on: a site `removed` (the baseline built there), or whose options changed where neither
    plan adds anything (`added_fields`, diff.geojson's `new_<product>` fields, all null or 0; with
    none given, removed sites only), such as a park a stricter red line shuts out. Named by its
    whole name (`name`, else its id), as the sites layer names the others, not bold, drawn always
    (at the best place PAL finds: a change the sheet does not name is not seen; the stricter red
    line's four such sites lie among the lakes, where every place is taken); a change the run's
    rules force is named by `forced_names` instead."""
    quoted = _quoted("change")
    unbuilt = f"{quoted} = {_text_literal('removed')}"
    if added_fields:
        nothing = " + ".join(f"coalesce({_quoted(f)}, 0)" for f in added_fields)
        unbuilt = f"({unbuilt} OR {quoted} = {_text_literal(OPTIONS_CHANGED)} AND {nothing} = 0)"
    node = labeling(f"coalesce({_quoted('name')}, {_quoted('site')})", CHANGE_NAME_PT, AROUND_POINT, priority=9,
                    z_index=UNBUILT_NAME_Z, always_show_expression="true")
    return f"{unbuilt} AND NOT {FORCED_TEST}", node.find("settings")


#: The rules of diff.qml's labelling that name a site (`forced_names`, `unbuilt_names`), in the
#: order of their priority.
NAMING_RULES = ("forced", "unbuilt")


def naming_rule(properties: Mapping[str, object]) -> str:
    """Which of diff.qml's rules naming a site (NAMING_RULES) names the feature of diff.geojson
    with `properties` (field -> value), "" for none: the test of their filters in Python
    (FORCED_TEST, `unbuilt_names` with every `new_*` field), so that a print layout's placement
    (siting/deliver/qgisproject.py `layout_label_spots`) names the sites QGIS names."""
    def given(value: object) -> bool:
        return value is not None and not (isinstance(value, float) and math.isnan(value))

    forced = properties.get(FORCED_FIELD)
    if given(forced) and bool(forced):
        return "forced"
    change = properties.get("change")
    if change == "removed" or (change == OPTIONS_CHANGED and sum(
            float(v) for f, v in properties.items() if str(f).startswith("new_") and given(v)) == 0):  # type: ignore[arg-type]
        return "unbuilt"
    return ""


def diff_style(geometry_type: str, changes: Collection[str] | None = None,
               aliases: Mapping[str, str] | None = None, forced: Mapping[str, bool] | None = None) -> str:
    """QML for `compare`'s diff.geojson: sites by `change` against the baseline (CHANGE_LABELS);
    with `changes` (the classes the file has, e.g. every run's `diff_changes` together), only
    those categories, else the five plain changes. Where some of `changes` are of a run within
    solver tolerance of the baseline (INDISTINGUISHABLE_CLASS), the classification is
    CHANGE_CLASS and those features are drawn hatched (polygon sites) or hollow (point sites), their
    legend saying that they are not shown to be effects of the change; a change of such a run that
    its rules force (FORCED_FIELD) is classed plainly and drawn in the change's plain symbol, and
    `forced` (`diff_forced`: plain class -> whether only forced changes have it) words the legend
    of its class so (FORCED_LEGEND). Where some are of a run
    whose objective weighs the years otherwise than the baseline's (NOT_COMPARABLE_CLASS), the
    classification is CHANGE_CLASS_APART, which tells those features by their `objective_difference`
    (NOT_COMPARABLE_TEST), and they are drawn grey (NOT_COMPARABLE_COLOUR) with the change's colour
    at the edge, cross-hatched (polygon sites) or as diamonds (point sites), their legend saying
    NOT_COMPARABLE_LEGEND. The layer has the sites'
    geometry, so the symbol is a fill for polygon sites and a marker for point sites; an added or
    resized site, whose symbol the run's pie covers, is marked again above the pie
    (`change_marks`), and a change the run's rules force (FORCED_TEST) is ringed in its change's
    colour (`forced_ring`) and named (`forced_names`) at any scale, and a site the run builds
    nothing on, removed or whose options changed, which no layer of the run names, is named where
    there is room (`unbuilt_names`): the labelling is rule-based, "marks", "forced" and
    "unbuilt". `aliases`: the names QGIS shows for the fields (`change_aliases`; its `new_*`
    fields tell the sites the run builds nothing on)."""
    polygonal = GEOMETRY_CODE.get(geometry_type, 0) == 2

    def change_symbol(change: str, hollow: bool, apart: bool = False) -> ET.Element:
        drawn = _change_symbol(change, hollow, apart)
        drawn.extend(forced_ring(CHANGE_COLOURS[change], polygonal))
        return drawn

    def _change_symbol(change: str, hollow: bool, apart: bool = False) -> ET.Element:
        colour = CHANGE_COLOURS[change]
        if apart:  # in other money: grey, the change only at the edge
            if polygonal:
                return symbol("fill", change, simple_fill(rgba(NOT_COMPARABLE_COLOUR, 170), rgba(colour), width=0.5,
                                                          style="diagonal_x", outline_style="dot"))
            return symbol("marker", change, simple_marker("diamond", rgba(NOT_COMPARABLE_COLOUR, 230), rgba(colour),
                                                          CHANGE_MARKER_MM, outline_width=HOLLOW_OUTLINE_MM))
        if polygonal:
            return symbol("fill", change, simple_fill(rgba(colour, 170), rgba(colour), width=0.5,
                                                      style="b_diagonal" if hollow else "solid",
                                                      outline_style="dash" if hollow else "solid"))
        if hollow:
            return symbol("marker", change, simple_marker("circle", rgba(colour, 0), rgba(colour), CHANGE_MARKER_MM,
                                                          outline_width=HOLLOW_OUTLINE_MM))
        return symbol("marker", change, simple_marker("circle", rgba(colour, 230), rgba(INK), CHANGE_MARKER_MM))

    shown = set(changes) if changes is not None else set(change_classes())
    mixed = bool(shown - set(change_classes()))
    def plain_label(change: str) -> str:
        if change not in (forced or {}):
            return CHANGE_LABELS[change]
        if (forced or {})[change]:
            return f"{CHANGE_LABELS[change]} ({FORCED_LEGEND})"
        return f"{CHANGE_LABELS[change]} (where the run is {WITHIN}: {FORCED_LEGEND})"

    categories = [Category(c, plain_label(c), change_symbol(c, False)) for c in CHANGE_COLOURS]
    categories += [Category(c + INDISTINGUISHABLE_CLASS, f"{CHANGE_LABELS[c]} ({WITHIN}: {INDISTINGUISHABLE})",
                            change_symbol(c, True)) for c in CHANGE_COLOURS]
    categories += [Category(c + NOT_COMPARABLE_CLASS, f"{CHANGE_LABELS[c]}; {NOT_COMPARABLE_LEGEND}",
                            change_symbol(c, False, apart=True)) for c in CHANGE_COLOURS]
    apart = any(c.endswith(NOT_COMPARABLE_CLASS) for c in shown)
    attribute = CHANGE_CLASS_APART if apart else CHANGE_CLASS if mixed else "change"
    unbuilt_filter, unbuilt_settings = unbuilt_names([f for f in aliases or {} if f.startswith("new_")])
    root = element("qgis", {"labelsEnabled": "1", "styleCategories": "AllStyleCategories",
                            "version": QGIS_VERSION},
                   categorized(attribute, categories, shown), element(
                       "labeling", {"type": "rule-based"}, element("rules", {"key": "{diff-labels}"}, element(
                           "rule", {"description": "marks", "key": "{diff-marks}"}, change_marks().find("settings")),
                           element("rule", {"description": "forced", "filter": FORCED_TEST,
                                            "key": "{diff-forced}"}, forced_names()),
                           element("rule", {"description": "unbuilt", "filter": unbuilt_filter,
                                            "key": "{diff-unbuilt}"}, unbuilt_settings))))
    if aliases:
        root.append(element("aliases", None, *(element("alias", {"field": f, "name": a}) for f, a in aliases.items())))
    code = element("layerGeometryType")
    code.text = str(GEOMETRY_CODE.get(geometry_type, 0))
    root.append(code)
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def without_names_of(qml: str, sites: Collection[str]) -> str:
    """A diff style (`diff_style`, as written) whose rules naming a site ("forced", `forced_names`;
    "unbuilt", `unbuilt_names`) leave out `sites` (diff.geojson's `site` ids): in compare.qgs, the
    sites a run's own sites layer names already (a site where only existing or committed plants
    stand, `labelled_statuses`, which the run may drop), so that none is named twice. Its marks,
    symbols and legend unchanged; without `sites`, `qml` as it is."""
    if not sites:
        return qml
    root = ET.fromstring(qml.split("\n", 1)[1])
    listed = ", ".join(_text_literal(site) for site in sorted(sites))
    for rule in root.findall("labeling/rules/rule"):
        if rule.get("description") in ("forced", "unbuilt"):
            test = rule.get("filter")
            rule.set("filter", f"({test}) AND {_quoted('site')} NOT IN ({listed})" if test
                     else f"{_quoted('site')} NOT IN ({listed})")
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


#: The capex scale's number in the sites style's expressions (`sites_style`): the largest
#: circle's and pie's capex, after `scale_exp("capex_yuan", 0, `, `scale_linear("capex_yuan", 0, `
#: or `sqrt("capex_yuan" / `.
_CAPEX_SCALE = re.compile(r'((?:scale_exp|scale_linear)\("capex_yuan", 0, |sqrt\("capex_yuan" / )([^,)]+)')
#: The built category's legend words on the scale, at the end of its label (`sites_style`).
_LARGEST = re.compile(r"; largest [^;()]*\)$")


def with_capex_scale(qml: str, top: float, words: str = "") -> str:
    """A sites style (`sites_style`, as written) with its circles and pies scaled to `top` (yuan
    of capex at full size) in place of the layer's own largest capex, as `sites_style(layer,
    values, top)` would make them: the diagrams' upper value, the circles' size, the labels'
    priority and distance, the leaders' length and the pies' z-index; the built category's
    legend gives `top`, followed by `words` (", the largest of every run"). Any other style
    unchanged."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    diagrams = root.find("LinearlyInterpolatedDiagramRenderer")
    if diagrams is None:
        return qml
    number = f"{top:.6g}"
    diagrams.set("upperValue", number)
    for node in root.iter():
        for key, value in node.attrib.items():
            if '"capex_yuan"' in value:
                node.set(key, _CAPEX_SCALE.sub(lambda found: found.group(1) + number, value))
    for category in root.findall("renderer-v2/categories/category"):
        if category.get("value") == "built":
            category.set("label", _LARGEST.sub(f"; largest {amount(top, 'yuan')}{words})", category.get("label", "")))
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def capex_scale(qml: str) -> float | None:
    """The capex (yuan) of a full-size circle and pie in a sites style (its diagrams' upper
    value); None for a style without pies."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    diagrams = root.find("LinearlyInterpolatedDiagramRenderer")
    return None if diagrams is None else float(diagrams.get("upperValue", "0"))


@dataclass(frozen=True)
class LabelSpot:
    """Where a site's name stands on a print layout's map (`with_label_spots`): `offset_mm` (x
    right, y down; mm on the sheet) from the site's point to the corner or side of the name's box
    that `quadrant` names, the box lying on that side of it (QGIS's "offset from point"
    placement, Qgis::LabelQuadrantPosition: 0 above left, 1 above, 2 above right, 3 left, 4 over,
    5 right, 6 below left, 7 below, 8 below right); `leader`: whether the name gets a leader its
    style does not give it (a standing site's name moved beyond its first ring; a built site's
    has one always); `anchor_mm`, where given, how far from the point that leader ends (the edge
    of a source's triangle, of its own size), else where `with_label_spots` is told;
    `wrap_chars`, where not 0, the most characters on a line of this name (a source's name set in
    a narrower block where only that fits), else the style's."""

    offset_mm: tuple[float, float]
    quadrant: int
    leader: bool = False
    anchor_mm: float | None = None
    wrap_chars: int = 0
    #: Where the layout's map moves the site's pie aside (`PieSpot`): the offset (mm on the sheet,
    #: x right, y down) from the site's point to the pie's centre, `offset_mm` then being from that
    #: centre, and where the name's leader ends there (the pie's edge, in the layer's CRS). None
    #: for a pie on its site. Elsewhere (the canvas) the name stands `offset_mm` from the site
    #: (or `canvas_mm`).
    pie_mm: tuple[float, float] | None = None
    pie_edge: tuple[float, float] | None = None
    #: For a pie moved aside whose name's position about its site the canvas (every pie on its
    #: site) finds taken: the offset (mm, as `offset_mm`) and quadrant the name takes there
    #: instead. None: `offset_mm` and `quadrant` there too.
    canvas_mm: tuple[float, float] | None = None
    canvas_quadrant: int | None = None
    #: Where a lake's leader ends on its shore (the layer's CRS) on a print layout's map, as the
    #: layout places it (siting/deliver/qgisproject.py `_SheetPlacer.shore`: off the other marks
    #: where it can, not at QGIS's own end, the shore's nearest point, where a source's triangle
    #: or a pie may lie over it). None: QGIS's own.
    shore_end: tuple[float, float] | None = None


#: The id of a print layout's map item (`@map_id` in the expressions its map evaluates; the
#: canvas's is 'canvas'): what is drawn only on the layout's map is gated by it.
LAYOUT_MAP_ID = "map"
#: The dot (mm across) on the true site of a pie a print layout's map moves aside, as map.png's
#: (siting/deliver/mapplot.py SITE_DOT_RADIUS, 2 points), ink edged in white; its leader is
#: LEADER_MM wide.
SITE_DOT_MM = 1.4


@dataclass(frozen=True)
class PieSpot:
    """A built site's pie a print layout's map moves aside, off the pies it would cover
    (siting/deliver/qgisproject.py `layout_label_spots`): `offset_mm` (x right, y down; mm on the
    sheet) from the site's point to the pie's centre, `centre` that centre in the layer's CRS,
    and `edge_mm`, where the leader from the site ends on the pie's edge (mm from the site's
    point, as `offset_mm`); None for a pie moved so little that its site is still under it,
    which has no leader, as on map.png."""

    offset_mm: tuple[float, float]
    centre: tuple[float, float]
    edge_mm: tuple[float, float] | None = None


#: The z-index of a moved pie's leader and of the dot on its site among the labels and diagrams
#: QGIS draws over every layer's symbols: over every pie (1 to 1.5, `pie_diagrams`), as map.png
#: draws them, under the sites' names (2).
PIE_LEADER_Z = 1.8
#: The type size (points) of the blank text that carries a moved pie's leader and dot (`_leader_rules`).
BLANK_PT = 1


def in_layout(expression: str, otherwise: str = "NULL") -> str:
    """A QGIS expression of `expression` on a print layout's map (LAYOUT_MAP_ID), `otherwise` elsewhere."""
    return f"CASE WHEN @map_id = {_text_literal(LAYOUT_MAP_ID)} THEN {expression} ELSE {otherwise} END"


def _leader_rules(off: Mapping[str, tuple[float, float]]) -> list[ET.Element]:
    """The label rules that draw, on a print layout's map only (`in_layout`), each moved pie's
    leader (`off`: site id -> the leader's end on the pie's edge, mm from the site's point, x
    right, y down) and the dot on its site, over the pies (PIE_LEADER_Z): a blank text on a
    shape, as `circle_mark_settings` draws a mark over the pies, the leader's a rectangle
    LEADER_MM wide, white-edged, from the site to the pie's edge (centred half way, turned its
    way), the dot's an ink circle SITE_DOT_MM across, white-edged, on the site."""
    listed = f"{_quoted('id')} IN ({', '.join(_text_literal(i) for i in sorted(off))})"
    white = _text_literal(rgba((255, 255, 255)))
    half = {i: _text_literal(f"{x / 2:.2f},{y / 2:.2f}") for i, (x, y) in off.items()}
    line = circle_mark_settings(in_layout("' '", "''"), LEADER_MM, rgba(INK), 0.15, PIE_LEADER_Z, {
        "OffsetXY": _by_id(half, "'0,0'"), "ShapeBorderColor": white,
        "ShapeSizeX": _by_id({i: f"{math.hypot(x, y):.2f}" for i, (x, y) in off.items()}, "0"),
        "ShapeRotation": _by_id({i: f"{math.degrees(math.atan2(y, x)):.1f}" for i, (x, y) in off.items()}, "0")})
    background = line.find("text-style/background")
    if background is not None:
        background.attrib.update({"shapeType": "0", "shapeRotationType": "2"})
    dot = circle_mark_settings(in_layout("' '", "''"), SITE_DOT_MM, rgba(INK), 0.2, PIE_LEADER_Z + 0.01,
                               {"ShapeBorderColor": white})
    for settings in (line, dot):  # the blank texts' boxes (what QGIS lists as the labels) no larger than the marks
        text_style = settings.find("text-style")
        if text_style is not None:
            text_style.set("fontSize", f"{BLANK_PT:g}")
    return [element("rule", {"description": description, "filter": listed, "key": key}, settings)
            for description, key, settings in (("pie leader", "{pie leader}", line),
                                               ("pie site", "{pie site}", dot))]


def with_pies_aside(qml: str, pies: Mapping[str, PieSpot]) -> str:
    """A sites style (`sites_style`) whose built sites' pies `pies` (site id -> `PieSpot`) moves
    aside on a print layout's map (LAYOUT_MAP_ID) as map.png moves them (`spread_pies`): there
    each pie (the diagram's data-defined position, `PositionX`/`PositionY`, in the layer's CRS)
    and the built marker under it (its offset) stand at the pie's centre, and a pie moved off
    its site has a leader from the site, marked by a dot, to its edge (`_leader_rules`: the
    labelling then rule-based, its names a rule of their own). Elsewhere, in the canvas, whose
    scale changes with the zoom, every pie stays on its site. `qml` unchanged without `pies` or
    diagrams."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    settings = root.find("DiagramLayerSettings")
    if not pies or settings is None:
        return qml
    properties = settings.find("properties")
    expressions = _expressions(properties)
    for key, n in (("positionX", 0), ("positionY", 1)):
        expressions[key] = in_layout(_by_id({i: f"{p.centre[n]:.8f}" for i, p in pies.items()}, "NULL"))
    if properties is None:
        properties = element("properties", None)
        settings.append(properties)
    properties[:] = [data_defined(expressions)[0]]
    built = next((c.get("symbol") for c in root.iter("category") if c.get("value") == "built"), None)
    drawn = next((s for s in root.iterfind("renderer-v2/symbols/symbol") if s.get("name") == built), None)
    offset = in_layout(_by_id({i: _text_literal(f"{p.offset_mm[0]:.2f},{p.offset_mm[1]:.2f}")
                               for i, p in pies.items()}, "'0,0'"), "'0,0'")
    for marker in [] if drawn is None else drawn.iter("layer"):
        old = marker.find("data_defined_properties")
        if marker.get("class") == "SimpleMarker" and old is not None:
            found = _expressions(old)
            found["offset"] = offset
            marker[list(marker).index(old)] = data_defined(found)
    off = {i: p.edge_mm for i, p in pies.items() if p.edge_mm is not None}
    labeling = root.find("labeling")
    if off and labeling is not None:
        rules = labeling.find("rules")
        if rules is None:  # a simple labelling: its names a rule of their own
            rules = element("rules", {"key": "{rules}"}, element("rule", {"description": "names", "key": "{labels}"},
                                                                 *labeling.findall("settings")))
            labeling[:] = [rules]
            labeling.set("type", "rule-based")
        rules.extend(_leader_rules(off))
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def _by_id(values: Mapping[str, str], otherwise: str) -> str:
    """A QGIS expression giving each feature of `values` (id -> expression) its value, any other
    `otherwise`."""
    if not values:
        return otherwise
    cases = " ".join(f"WHEN {_quoted('id')} = {_text_literal(i)} THEN {values[i]}" for i in sorted(values))
    return f"CASE {cases} ELSE {otherwise} END"


def _offset_xy(spot: LabelSpot) -> str:
    """A name's `OffsetXY` (mm from its feature's point): beside its pie moved aside on a print
    layout's map, beside its point elsewhere (at `canvas_mm` where the spot gives it)."""
    x, y = spot.offset_mm
    cx, cy = spot.canvas_mm if spot.canvas_mm is not None else spot.offset_mm
    own = _text_literal(f"{cx:.2f},{cy:.2f}")
    if spot.pie_mm is None:
        return own
    return in_layout(_text_literal(f"{x + spot.pie_mm[0]:.2f},{y + spot.pie_mm[1]:.2f}"), own)


def _offset_quad(spot: LabelSpot) -> str:
    """A name's `OffsetQuad`: its spot's quadrant, elsewhere than on a print layout's map its
    `canvas_quadrant` where it has one."""
    if spot.canvas_quadrant is None or spot.canvas_quadrant == spot.quadrant:
        return str(spot.quadrant)
    return in_layout(str(spot.quadrant), str(spot.canvas_quadrant))


def with_label_spots(qml: str, spots: Mapping[str, LabelSpot], leader_offset_mm: float = STANDING_MM / 2,
                     always_show: bool = False, only_spots: bool = False, wrap_chars: int = 0,
                     anchor_point: str = "centroid") -> str:
    """A sites style (`sites_style`, as written), or the hubs', the sources' or the red line's
    (`hubs_style`, `sources_style`, `redline_style`: its water names, offset from a polygon's
    centroid), whose labels stand where `spots` (feature id -> `LabelSpot`) puts them: QGIS's
    "offset from point" placement, each feature's offset (mm) and quadrant data-defined by
    its id (`OffsetXY`, `OffsetQuad`; a feature without a spot over its point, where no name is
    drawn); a feature whose spot has a `leader` (a standing site's, a hub's or a source's moved
    out) gets one, ending `leader_offset_mm` (or its spot's `anchor_mm`) from its point (a
    diamond's edge; a style without a leader gets one, `leader_callout`, drawn for those only).
    `always_show`: every feature with a spot is named even where QGIS finds its position taken
    (AlwaysShow; the placement keeps the spots off each other); `only_spots`: a feature without a
    spot is not named (Show), even where `spots` is empty; `wrap_chars`: the names wrapped at so
    many characters (`word_wrap`), a spot's own `wrap_chars` where it has one (data-defined
    `AutoWrapLength`); `anchor_point`: where a leader the style did not have ends on
    its feature (`leader_callout`: a lake's at its nearest shore; on a print layout's map at its
    spot's `shore_end` where it has one). Everything else as written: the names, their priority
    and AlwaysShow, the built sites' leaders to their pies' edges. A
    style without labels, or without `spots` (and not `only_spots`), unchanged."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    settings = root.find("labeling/settings")
    placement = settings.find("placement") if settings is not None else None
    if settings is None or placement is None or not (spots or only_spots):
        return qml
    _spots_into(settings, spots, leader_offset_mm, always_show, only_spots, wrap_chars, anchor_point)
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def _spots_into(settings: ET.Element, spots: Mapping[str, LabelSpot], leader_offset_mm: float, always_show: bool,
                only_spots: bool, wrap_chars: int, anchor_point: str) -> None:
    """`with_label_spots`'s changes to one labelling's `<settings>` (with a `<placement>`), in place."""
    placement = settings.find("placement")
    assert placement is not None
    placement.attrib.update({"placement": str(OVER_POINT), "offsetType": "0", "offsetUnits": "MM", "xOffset": "0",
                             "yOffset": "0", "quadOffset": "4"})
    expressions = _expressions(settings.find("dd_properties"))
    expressions["OffsetXY"] = _by_id({i: _offset_xy(spot) for i, spot in spots.items()}, "'0,0'")
    expressions["OffsetQuad"] = _by_id({i: _offset_quad(spot) for i, spot in spots.items()}, "4")
    if always_show and spots:
        listed = f"{_quoted('id')} IN ({', '.join(_text_literal(i) for i in sorted(spots))})"
        shown = expressions.get("AlwaysShow")
        expressions["AlwaysShow"] = f"({shown}) OR {listed}" if shown else listed
    if only_spots:
        expressions["Show"] = f"{_quoted('id')} IN ({', '.join(_text_literal(i) for i in sorted(spots))})" \
            if spots else "FALSE"
    text_format = settings.find("text-format")
    if wrap_chars and text_format is not None:
        text_format.attrib.update({"autoWrapLength": str(wrap_chars), "useMaxLineLengthForAutoWrap": "1"})
    narrow = {i: str(spot.wrap_chars) for i, spot in spots.items() if spot.wrap_chars}
    if narrow and text_format is not None:
        expressions["AutoWrapLength"] = _by_id(narrow, text_format.get("autoWrapLength") or "0")
    properties = data_defined(expressions)
    properties.tag = "dd_properties"
    old = settings.find("dd_properties")
    if old is not None:
        settings.remove(old)
    settings.append(properties)
    led = sorted(i for i, spot in spots.items() if spot.leader)
    if led and settings.find("callout") is None:
        settings.append(leader_callout(offset_expression="0", length_expression=f"{NO_LEADER_MM:g}",
                                       anchor_point=anchor_point))
    callout = settings.find("callout/Option")
    dd = callout.find("Option[@name='ddProperties']") if callout is not None else None
    if led and dd is not None and callout is not None:
        listed = ", ".join(_text_literal(i) for i in led)
        leaders = _expressions(element("wrap", None, dd))
        anchor = (_by_id({i: f"{spots[i].anchor_mm:g}" for i in led if spots[i].anchor_mm is not None},
                         f"{leader_offset_mm:g}"))
        for key, value in (("OffsetFromAnchor", anchor), ("MinimumCalloutLength", "0")):
            if key in leaders:
                leaders[key] = f"if({_quoted('id')} IN ({listed}), {value}, {leaders[key]})"
        replaced = data_defined(leaders)[0]
        replaced.set("name", "ddProperties")
        callout[list(callout).index(dd)] = replaced
    aside = {i: spot.pie_edge if spot.pie_edge is not None else spot.shore_end for i, spot in spots.items()
             if spot.pie_edge is not None or spot.shore_end is not None}
    dd = callout.find("Option[@name='ddProperties']") if callout is not None else None
    if aside and dd is not None and callout is not None:  # a moved pie's name to the pie's edge, a lake's to its shore
        leaders = _expressions(element("wrap", None, dd))
        listed = f"{_quoted('id')} IN ({', '.join(_text_literal(i) for i in sorted(aside))})"
        leaders["OffsetFromAnchor"] = in_layout(f"if({listed}, 0, {leaders.get('OffsetFromAnchor', '0')})",
                                                leaders.get("OffsetFromAnchor", "0"))
        for key, n in (("DestinationX", 0), ("DestinationY", 1)):
            leaders[key] = in_layout(_by_id({i: f"{xy[n]:.8f}" for i, xy in aside.items()}, "NULL"))
        replaced = data_defined(leaders)[0]
        replaced.set("name", "ddProperties")
        callout[list(callout).index(dd)] = replaced


#: The filters of a layer's names on a print layout's map (LAYOUT_MAP_ID) and elsewhere (the
#: canvas, @map_id 'canvas', or a map without an id): `layout_only_labels`.
ON_LAYOUT = f"@map_id = {_text_literal(LAYOUT_MAP_ID)}"
OFF_LAYOUT = f"@map_id IS NULL OR @map_id <> {_text_literal(LAYOUT_MAP_ID)}"
#: The description of the rule of a layer's names off a print layout's map (`layout_only_labels`).
OFF_LAYOUT_NAMES = "names off the print layout"
#: How far (a factor of the scale) another map (the canvas) must zoom in past the print layout's
#: scale before it names a layer as its .qml does (`layout_only_labels`): about as far out as the
#: sheet, the layout's spots keep its names apart, as QGIS's own placement of the .qml's names
#: (built sites always shown) does not at that scale.
ZOOM_TO_OWN_NAMES = 1.5


def zoom_filters(layout_scale: float | None) -> tuple[str, str]:
    """The filters of the layout's names and of the layer's own (`layout_only_labels`): on the
    print layout's map (ON_LAYOUT), and, with its scale `layout_scale` (the denominator; None: no
    such split), on any map at least 1 / ZOOM_TO_OWN_NAMES as far out, the layout's; on the
    others, the layer's own (OFF_LAYOUT). A map whose context has no scale (a script's
    QgsMapSettings without the map settings' scope) takes the layout's."""
    if layout_scale is None or not layout_scale > 0:
        return ON_LAYOUT, OFF_LAYOUT
    switch = round(layout_scale / ZOOM_TO_OWN_NAMES)
    scale = f"coalesce(@map_scale, {switch})"
    return f"{ON_LAYOUT} OR {scale} >= {switch}", f"({OFF_LAYOUT}) AND {scale} < {switch}"


def layout_only_labels(placed: str, own: str, layout_scale: float | None = None) -> str:
    """A style whose names a print layout's map (LAYOUT_MAP_ID) draws as `placed` sets them
    (`with_label_spots`, `with_pies_aside`: its spots, its show-list, its moved pies' leaders),
    and every other map (the canvas) zoomed in past the layout's scale `layout_scale` (the
    denominator; by ZOOM_TO_OWN_NAMES: `zoom_filters`; None: at any zoom) as `own` (the style as
    written, its .qml and plan.gpkg's) does: the labelling rule-based, `placed`'s names a rule
    "names" drawn on the layout's map and on maps about as far out, `own`'s names a rule of their
    own drawn elsewhere (OFF_LAYOUT_NAMES), then `placed`'s other rules (the moved pies' leaders
    and dots, drawn on the layout's map only). `placed` unchanged where `own` has no labels or
    `placed` no names."""
    root = ET.fromstring(placed.split("\n", 1)[1])
    labeling = root.find("labeling")
    theirs = ET.fromstring(own.split("\n", 1)[1]).find("labeling/settings")
    if labeling is None or theirs is None:
        return placed
    rules = labeling.find("rules")
    if rules is None:
        names = labeling.find("settings")
        if names is None:
            return placed
        rules = element("rules", {"key": "{rules}"}, element("rule", {"description": "names", "key": "{labels}"},
                                                             names))
        labeling[:] = [rules]
        labeling.set("type", "rule-based")
    on = next((rule for rule in rules.findall("rule") if rule.get("description") == "names"), None)
    if on is None:
        return placed
    on_filter, off_filter = zoom_filters(layout_scale)
    on.set("filter", on_filter)
    rules.insert(list(rules).index(on) + 1, element(
        "rule", {"description": OFF_LAYOUT_NAMES, "filter": off_filter, "key": "{off layout labels}"}, theirs))
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def with_rule_label_spots(qml: str, spots: Mapping[str, LabelSpot], layout_scale: float | None = None,
                          rules: Collection[str] = NAMING_RULES) -> str:
    """A rule-based style (diff.qml, `diff_style`) whose rules `rules` (by description: its rules
    naming a site, NAMING_RULES) name their features where `spots` (feature id -> `LabelSpot`)
    puts them, as `with_label_spots` sets a simple labelling (offset from point, a leader where
    a spot has one, ending its `anchor_mm` from the point; a feature without a spot over its
    point), on a print layout's map and maps about as far out (`zoom_filters` of
    `layout_scale`), and as written elsewhere (a copy of each rule, OFF_LAYOUT_NAMES after its
    description). Its other rules as written; `qml` as it is without `spots` or such rules."""
    if not spots:
        return qml
    root = ET.fromstring(qml.split("\n", 1)[1])
    parent = root.find("labeling/rules")
    found = [] if parent is None else [rule for rule in parent.findall("rule") if rule.get("description") in rules]
    if parent is None or not found:
        return qml
    on_filter, off_filter = zoom_filters(layout_scale)
    for rule in found:
        settings = rule.find("settings")
        if settings is None or settings.find("placement") is None:
            continue
        own = copy.deepcopy(rule)
        _spots_into(settings, spots, 0.0, False, False, 0, "centroid")
        test = rule.get("filter")
        rule.set("filter", f"({test}) AND ({on_filter})" if test else on_filter)
        own.set("filter", f"({test}) AND ({off_filter})" if test else off_filter)
        own.set("description", f"{rule.get('description')} {OFF_LAYOUT_NAMES}")
        own.set("key", f"{rule.get('key', '')} off layout")
        parent.insert(list(parent).index(rule) + 1, own)
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def _expressions(node: ET.Element | None) -> dict[str, str]:
    """The active data-defined expressions (property key -> expression) of a
    `<data_defined_properties>`-like node (`data_defined`'s form, under any tag)."""
    found: dict[str, str] = {}
    if node is None:
        return found
    for prop in node.findall("Option/Option[@name='properties']/Option"):
        options = {o.get("name"): o.get("value") for o in prop.findall("Option")}
        if options.get("active") == "true" and options.get("expression") is not None:
            found[prop.get("name", "")] = str(options["expression"])
    return found


def only_categories(qml: str, values: Collection[str]) -> str:
    """`qml` (a style of `qml_document` or `diff_style`) with only the categories of its
    categorised renderer whose value is among `values`, their symbols renumbered in order; any
    other style unchanged."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    if renderer is None or renderer.get("type") != "categorizedSymbol":
        return qml
    categories, symbols = renderer.find("categories"), renderer.find("symbols")
    assert categories is not None and symbols is not None, "a categorised renderer has categories and symbols"
    by_name = {s.get("name"): s for s in symbols}
    kept = [c for c in categories if c.get("value") in values]
    for child in [*categories, *symbols]:
        (categories if child.tag == "category" else symbols).remove(child)
    for n, category in enumerate(kept):
        drawn = by_name[category.get("symbol")]
        category.set("symbol", str(n))
        drawn.set("name", str(n))
        categories.append(category)
        symbols.append(drawn)
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"
