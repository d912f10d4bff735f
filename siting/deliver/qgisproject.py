"""`plan.qgs` and `compare.qgs`: QGIS projects that open the output layers, styled, in order, with
a print layout ready to export.

Layers are listed top to bottom as `PROJECT_ORDER` (sources over sites over flows over
clusters over the red line over the context outlines, such as counties), each with the same style as
in the GeoPackage's `layer_styles` (which lists only the categories its features have), under a
short name (`layer_name`); what the layer shows in full, with what its symbol sizes mean, is its
abstract (the layer panel's tooltip, Layer Properties > Metadata), which for a layer without
features (a plan without raw-material lines or red line) says there are none: plan.gpkg declares
every layer's geometry type, so QGIS opens such a layer valid, of its type and in its style,
where its GeoJSON, an empty FeatureCollection, has no type. The project CRS is the
scenario's working CRS (metres) and its ellipsoid WGS 84's, so that QGIS measures distances and
areas on the ellipsoid; the view opens on the clusters. Data sources are relative
(`./plan.gpkg|layername=sites`), so the output folder can be moved or shared as a whole.

A run with near-optimal alternatives (`siting solve --alternatives N`) adds its robustness layer
(robustness.geojson: the share of the near-optimal plans that build at each site) as an overlay
(`Overlay`): from plan.gpkg, in robustness.qml's style, at the top of the layer panel and unticked.
The project opens on the plan, as one without alternatives does; ticking the layer shows over the
plan which sites every near-optimal plan needs and which are interchangeable. The print layout
keys it in a legend of its own under the plan's (OVERLAY_LEGEND), which QGIS filters by the
layers its map draws: it lists the layer while the map draws it (ticked), and nothing unticked
(where the project shows several plans, the layout's map draws it always, as said below).
The optimum's plan.qgs of such a run shows every plan of the set, one at a time, as compare.qgs
shows its runs (`sheet_project`, `one_at_a_time`): a group per plan, the optimum's first, with a map
theme and a print layout each, after the plan's own layout "Plan", which stays as described here
but for its map: that follows a map theme of its own (`plan_sheet_theme`, "Plan sheet: optimum with
robustness": the optimum's layers and the robustness overlay), so that the sheet prints the optimum,
the overlay drawn and keyed, whichever plan the layer panel shows.

plan.qgs holds one print layout (Project > Layouts): an A3 landscape page with a title
(map.png's, `MapTitle.text`: scenario and years; solver outcome, gap and objective; gap in bn yuan;
broken into lines and set in a size that fit its frame above the map, `fit_title`), the map, a
legend, a scale bar in kilometres, a north arrow and a source line (with, as map.png's margin has
it, how much of the clusters the red line covers, or that the scenario gives none), so that
Layout > Export as PDF gives a finished sheet in one click. The names of the sites, the hubs,
the sources and the lakes stand where the layout places them on its map (`layout_label_spots`):
beside their marks (a lake's over it), off each other, farther out with a leader where a crowd
leaves no room nearer; a source or lake left with none is listed in the layout's note, which
also says where the map moves a crowded pie aside (`layout_note`). Those places hold on the
layout's map only: the canvas names each layer as its style as written does, at any zoom
(`layout_only_labels`). The map
frame takes the shape of the area shown (up to the full width), and the legend the width beside
it: it keys only what the
layers' features draw (the product flows' final year), its texts wrapped and its type and columns
chosen so that it fits there (`fit_legend`). Item ids are fixed (derived from the item names), so
the same plan gives the same bytes; the print date is a QGIS expression, evaluated when the sheet
is exported.

`compare.qgs` shows the runs of a comparison one at a time: a group per run in the layer panel,
the baseline's ticked and the others unticked in a mutually exclusive group, so that ticking a
run shows it in place of the one shown (their pies stand at the same sites). A run's group holds
the layers its plan.qgs shows, from its own `plan.gpkg` in its own styles: its sites (on one
capex scale), its hubs, product flows, raw-material flows and sources, its clusters (with its
own sites built on and capacity), its red-line zones and red line (each with the run's own
distances: runs differ in them, and may in the red line itself) and, for a compared run, its
changes against the baseline (`diff.geojson` in the style of `diff.qml`, an added or resized
site's change drawn over its pie as a label: QGIS draws the pies, diagrams, over every layer's
symbols), those of a run within solver tolerance of the baseline named and noted as plans of
indistinguishable cost, not shown to be effects of the change; the baseline's context outlines
are shown under every run. A group lists its layers in plan.qgs's order (`COMPARE_ORDER`), so that the
layer panel's own order draws the run shown as plan.qgs does, and dragging a layer in the panel
moves it on the map. Each run is a map theme (Project > Map Themes, `map_theme`) and a print
layout of its own, both named as its group: the layout's map follows the theme, its title names
the run and its part in the comparison with its plan's outcome, objective and gap and, for a
compared run, what the gaps prove of its objective difference against the baseline
(`run_heading`; the gap of a run measured against another run's bound as comparison.md gives
it, `CarriedBound`), its names stand where the layout places them, as plan.qgs's
(`run_layout_names`), and its legend keys only that run's layers, so that a sheet of one run
cannot be taken for another (`compare_project_text`). A plan.qgs of a run of a comparison or
sweep draws its pies on the batch's scale (`with_sites_capex_scale`), as its sites.qml and
plan.gpkg's style of its sites then do (siting/deliver/files.py `redraw_map`).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import math
import os
import re
import threading
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyproj
import shapely
import shapely.affinity
import shapely.ops

from siting.config.schema import crs_label
from siting.config.units import bound_bn, capitalised, gap_text
from siting.deliver.layer import OutputLayer, layer_of_text, read_layer
from siting.deliver.layers import LAYER_NAMES, LAYER_ORDER, LAYER_TITLES
from siting.deliver.mapinfo import PROXY_LEADS, LayerBasis, MapTitle, layer_basis, redline_extent_text, title_lines
from siting.deliver.styles import (
    BUILT_MARKER_MM,
    CHANGE_MARK_MM,
    CHANGE_MARKER_MM,
    CHANGE_NAME_PT,
    DOCTYPE,
    FORCED_RING_MM,
    GATEWAY_MM,
    HUB_LABEL_PT,
    HUB_MM,
    INDISTINGUISHABLE,
    INDISTINGUISHABLE_CLASS,
    KEY_ONLY,
    KEY_ONLY_CATEGORY,
    LABEL_GAP_MM,
    MARKED_CHANGES,
    PIE_MM,
    PLAN_CHANGES,
    QGIS_VERSION,
    SITE_DOT_MM,
    SITE_LABEL_WRAP,
    SOURCE_MARKER_MM,
    STANDING_MM,
    UNNAMED_SITE_MM,
    WATER,
    WATER_LABEL_PT,
    WITHIN,
    LabelSpot,
    PieSpot,
    RunDifference,
    amount,
    capex_scale,
    category_label,
    element,
    hub_label_texts,
    labelled_statuses,
    layout_only_labels,
    legend_keys,
    naming_rule,
    only_categories,
    redline_colour,
    redline_word,
    size_note,
    unnamed_site_radius_mm,
    with_capex_scale,
    with_label_spots,
    with_pies_aside,
    with_rule_label_spots,
    without_names_of,
    word_wrap,
)

GEOMETRY_NAMES = {0: "Point", 1: "Line", 2: "Polygon"}

#: A3 landscape, millimetres (room for a full legend beside the map).
PAGE_MM = (420.0, 297.0)
#: The map frame on the page: x, y, width, height in millimetres; the legend fills the rest of
#: the width.
MAP_FRAME_MM = (10.0, 26.0, 270.0, 248.0)
#: The title's frame (x, y, width, height, mm) and type size (points) for a title of one line, of
#: two, of three (map.png's: scenario and years; solver outcome, gap and objective; the gap in bn
#: yuan) and of four (a compared run's in compare.qgs: its objective difference against the
#: baseline under those, `run_heading`), above the map frame.
TITLE_FRAME_MM = ((MAP_FRAME_MM[0], 9.0, PAGE_MM[0] - 2 * MAP_FRAME_MM[0], 13.0),
                  (MAP_FRAME_MM[0], 4.0, PAGE_MM[0] - 2 * MAP_FRAME_MM[0], 19.0),
                  (MAP_FRAME_MM[0], 3.0, PAGE_MM[0] - 2 * MAP_FRAME_MM[0], 21.5),
                  (MAP_FRAME_MM[0], 3.0, PAGE_MM[0] - 2 * MAP_FRAME_MM[0], 22.0))
TITLE_PT = (20.0, 16.0, 14.0, 12.0)
#: The smallest type (points) a title shrinks to where its lines are too wide for its frame
#: (`fit_title`), in steps of TITLE_STEP_PT.
TITLE_FLOOR_PT = 9.0
TITLE_STEP_PT = 0.5
#: The custom property of a title item holding the title unbroken, where `fit_title` broke its
#: lines (compare.qgs's headings are made of a run's plan title, `_plan_title`).
TITLE_PROPERTY = "siting/title"
#: Where a legend line breaks (the separator of a layer name and its size note).
LEGEND_BREAK = "; "
#: QGIS layout item type ids (QgsLayoutItemRegistry: QGraphicsItem::UserType + 102 ...).
ITEM_TYPES = {"page": 65638, "map": 65639, "picture": 65640, "label": 65641, "legend": 65642, "scalebar": 65646}
#: The north arrow QGIS ships in its resources.
NORTH_ARROW = ":/images/north_arrows/layout_default_north_arrow.svg"
#: The north arrow's mode (QgsLayoutItemPicture::NorthMode): 1, true north. Grid north (0) is the
#: working CRS's (UTM), which away from the zone's central meridian is not the north of the globe.
TRUE_NORTH = "1"
#: The scale bar's unit as QGIS codes it (QgsUnitTypes::encodeUnit(DistanceKilometers)): "km".
#: QGIS 3.22 decodes any other text ("kilometers") as no unit.
SCALE_BAR_UNIT = "km"
FONT = "Sans Serif"


@dataclass(frozen=True)
class ProjectLayer:
    """One layer of a project: its id, its short name in the layer panel, its data source
    relative to the project file, its geometry type and its style (QML text); `frame`, where
    known, its features' attributes (the print legend then keys only what they draw); `legend`,
    its title in the print legend ("" for its name); `abstract`, what the layer shows in full
    (its metadata's abstract, which QGIS shows as the layer's tooltip and under Layer Properties >
    Metadata; "" for none)."""

    layer_id: str
    title: str
    source: str
    geometry_type: str
    qml: str
    frame: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    legend: str = ""
    abstract: str = ""

    @property
    def legend_title(self) -> str:
        """The layer's title in the print legend."""
        return self.legend or self.title


def _text(tag: str, value: object) -> ET.Element:
    node = element(tag)
    node.text = str(value)
    return node


def _typed(tag: str, kind: str, value: str) -> ET.Element:
    """A project property entry, e.g. `<Absolute type="bool">false</Absolute>`."""
    node = element(tag, {"type": kind})
    node.text = value
    return node


def spatial_ref(crs_name: str) -> ET.Element:
    """`<spatialrefsys>` with the authority id and the WKT, which QGIS reads without its database."""
    crs = pyproj.CRS.from_user_input(crs_name)
    authority = crs.to_authority()
    authid = f"{authority[0]}:{authority[1]}" if authority else crs_name
    return element("spatialrefsys", None, _text("wkt", crs.to_wkt()), _text("authid", authid),
                   _text("description", crs_label(crs)),
                   _text("geographicflag", "true" if crs.is_geographic else "false"))


def _extent(tag: str, bounds: Sequence[float]) -> ET.Element:
    return element(tag, None, *(_text(k, f"{v:.3f}") for k, v in zip(("xmin", "ymin", "xmax", "ymax"), bounds,
                                                                        strict=True)))


def _style_children(qml: str) -> list[ET.Element]:
    """The children of a QML document's root (renderer, labelling, geometry type...)."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    return [child for child in root if child.tag != "layerGeometryType"]


def layer_metadata(layer: ProjectLayer) -> list[ET.Element]:
    """A layer's `<abstract>` (QGIS 3.22's layer abstract, the layer panel's tooltip) and
    `<resourceMetadata>` (Layer Properties > Metadata: its title and abstract); none without an
    abstract."""
    if not layer.abstract:
        return []
    return [_text("abstract", layer.abstract),
            element("resourceMetadata", None, _text("identifier", layer.layer_id), _text("parentidentifier", ""),
                    _text("language", ""), _text("type", "dataset"), _text("title", layer.title),
                    _text("abstract", layer.abstract))]


def map_layer(layer: ProjectLayer) -> ET.Element:
    """The `<maplayer>` of one project layer, its style inlined."""
    code = {"Point": 0, "MultiPoint": 0, "LineString": 1, "MultiLineString": 1}.get(layer.geometry_type, 2)
    node = element("maplayer", {"geometry": GEOMETRY_NAMES[code], "type": "vector", "wkbType": layer.geometry_type,
                                "labelsEnabled": "1" if "<labeling" in layer.qml else "0"},
                   _text("id", layer.layer_id), _text("datasource", layer.source),
                   _text("layername", layer.title), *layer_metadata(layer),
                   element("srs", None, spatial_ref("EPSG:4326")), element("provider", {"encoding": "UTF-8"}))
    node[-1].text = "ogr"
    node.extend(_style_children(layer.qml))
    return node


def plan_layer_id(name: str) -> str:
    """The id of a plan layer in the project: `<name>_layer`, or `<name>_plan_layer` where that
    would have 10 characters or fewer (QGIS replaces such an id with a random one on reading)."""
    short = f"{name}_layer"
    return short if len(short) > 10 else f"{name}_plan_layer"


@dataclass(frozen=True)
class Overlay:
    """A layer beside a plan's own in plan.qgs and plan.gpkg (the robustness layer of a run with
    alternatives, siting/deliver/explore.py `robustness_layer`), with its style (QML text): the
    project lists it above the plan's layers, unticked, and its print layout keys it in a legend
    of its own that lists it only while the map draws it (`overlay_legend`)."""

    layer: OutputLayer
    style: str
    #: What the overlay's title in the print legend and its abstract add (the robustness layer:
    #: the kinds of plan its shares count, siting/deliver/explore.py `robustness_kinds`); "" for
    #: nothing.
    legend_note: str = ""
    note: str = ""
    #: The line the title of a print layout whose map draws the overlay always adds (the "Plan"
    #: sheet of a plan.qgs showing several plans, `sheet_project`), saying what it draws: the
    #: robustness layer's, siting/deliver/explore.py `robustness_sheet_line`; "" for none.
    sheet_line: str = ""


#: What an overlay's abstract (its tooltip in the layer panel) adds to its title.
OVERLAY_NOTE = "not shown when the project opens: tick it to show it over the plan"


def overlay_layers(overlays: Sequence[Overlay], gpkg_name: str = "plan.gpkg") -> list[ProjectLayer]:
    """The project layers of `overlays`, from the GeoPackage, each in its style, named by its
    title (`layer_name`), with its `legend_note` after it in the print legend and its `note` in
    its abstract, which ends saying it is hidden until ticked (OVERLAY_NOTE)."""
    return [ProjectLayer(plan_layer_id(o.layer.name), layer_name(o.layer), f"./{gpkg_name}|layername={o.layer.name}",
                         o.layer.geometry_type, o.style, pd.DataFrame(o.layer.frame.drop(columns="geometry")),
                         legend=f"{layer_name(o.layer)}{LEGEND_BREAK}{o.legend_note}" if o.legend_note else "",
                         abstract=LEGEND_BREAK.join(t for t in (layer_abstract(o.layer, o.style), o.note, OVERLAY_NOTE)
                                                    if t))
            for o in overlays]


#: The QGIS projects' layers by name, top to bottom: their drawing order. siting/deliver/layers.py
#: LAYER_ORDER with the raw-material sources on top, as map.png draws their triangles over the
#: flows, the sites' marks and the pies: under the flows and the sites' symbols in QGIS, a
#: line painted over a source's triangle and a standing site's diamond hid a source on its site.
#: (QGIS draws the built sites' pies, diagrams, over every layer's symbols.)
PROJECT_ORDER = ("sources", *(name for name in LAYER_ORDER if name != "sources"))


def project_rank(layer: OutputLayer) -> int:
    """Where `layer` stands in a QGIS project's layer panel (PROJECT_ORDER; a layer it does not
    name, last)."""
    return PROJECT_ORDER.index(layer.name) if layer.name in PROJECT_ORDER else len(PROJECT_ORDER)


def plan_layers(layers: Sequence[OutputLayer], styles: Mapping[str, str], gpkg_name: str = "plan.gpkg",
                redline_basis: LayerBasis | None = None) -> list[ProjectLayer]:
    """The project layers of a plan: every output layer from the GeoPackage, in PROJECT_ORDER,
    with its style, named shortly (`layer_name`), in the print legend with what its symbol sizes mean
    (`legend_title`, by its style), and with its title in full, what it shows and that meaning
    as its abstract (`layer_abstract`; the red line's with what it says of its own basis,
    `redline_basis`, where given)."""
    found = []
    for layer in sorted(layers, key=project_rank):
        style = styles[layer.name]
        name, abstract = layer_name(layer, redline_basis), layer_abstract(layer, style, redline_basis)
        found.append(ProjectLayer(plan_layer_id(layer.name), name, f"./{gpkg_name}|layername={layer.name}",
                                  layer.geometry_type, style, pd.DataFrame(layer.frame.drop(columns="geometry")),
                                  legend=legend_title(layer, style, redline_basis), abstract=abstract))
    return found


def _redline_basis(layer: OutputLayer, basis: LayerBasis | None = None) -> LayerBasis:
    """What the red-line `layer` says of its own basis: `basis` where given, else `layer_basis`
    of its table (whether it is a proxy rests on its features' marks alone)."""
    return basis if basis is not None else layer_basis(layer.frame)


def proxy_redline_line(basis: LayerBasis | None) -> str:
    """The sentence a print layout's source line adds for a red-line layer that marks itself a
    proxy (`basis`: siting/deliver/mapinfo.py `LayerBasis.is_proxy`, as report.md and map.png's
    legend decide it), with its marks counted: "The red-line layer is a proxy, not the official
    red line, as it says of itself (20 of its 23 polygons marked as proxies in is_proxy, 20 notes
    beginning PROXY or ESTIMATE): every exclusion by it and its share of the clusters rest on this
    proxy."; "" for any other layer (an official red line is never called a proxy)."""
    if basis is None or not basis.is_proxy:
        return ""
    marks = []
    if basis.proxies:
        marked = "marked as a proxy" if basis.proxies == 1 else "marked as proxies"
        marks.append(f"{basis.proxies} of its {basis.count} polygon{'s' if basis.count != 1 else ''} {marked} in "
                     f"{basis.flag}")
    if basis.noted:
        marks.append(f"{basis.noted} note{'s' if basis.noted != 1 else ''} beginning {' or '.join(PROXY_LEADS)}")
    return (f"The red-line layer is a proxy, not the official red line, as it says of itself ({', '.join(marks)}): "
            "every exclusion by it and its share of the clusters rest on this proxy.")


def layer_name(layer: OutputLayer, basis: LayerBasis | None = None) -> str:
    """The layer's name in a project's layer panel, capitalised: its short name
    (siting/deliver/layers.py `LAYER_NAMES`), or its title where it has none; a red-line layer
    that marks itself a proxy (`basis`, or `layer_basis` of its table) says so: "Red-line proxy
    polygons as used" (`proxy_redline_title`)."""
    name = capitalised(LAYER_NAMES.get(layer.name, layer.title))
    return proxy_redline_title(name) if layer.name == "redline" and _redline_basis(layer, basis).is_proxy else name


def proxy_redline_title(name: str) -> str:
    """A red-line layer's name or title as a proxy's (`redline_word`): "Red-line polygons as
    used" -> "Red-line proxy polygons as used"; a name without "red-line" gets the words before it."""
    words = capitalised(redline_word(True))
    for said in ("Red-line", "red-line"):
        if said in name:
            return name.replace(said, words if said[0] == "R" else redline_word(True), 1)
    return f"{words}: {name}"


def _with_size_note(text: str, layer: OutputLayer, style: str | None = None) -> str:
    note = size_note(layer, style)
    return text if note is None else f"{text}{LEGEND_BREAK}{note}"


def legend_title(layer: OutputLayer, style: str | None = None, basis: LayerBasis | None = None) -> str:
    """The layer's title in the print legend: its name (`layer_name`, a proxy red line's by its
    `basis`), and what its symbol size means where that is the same for every category (said
    once here rather than on every legend line; `size_note`, which reads the year the product
    flows' `style`, QML text, shows)."""
    return _with_size_note(layer_name(layer, basis), layer, style)


#: What the abstract of a layer without features adds where its size note says nothing of it.
NONE_IN_PLAN = "none in this plan"


#: What a layer whose title says little of it shows, for its abstract (`layer_abstract`).
LAYER_WHAT = {
    "hubs": "the product flows' nodes: a hub per cluster (square) and the gateway (star), where imports arrive and "
            "sales leave; each hub with what it sells out of the region and imports, per product and year the plan "
            "trades (null at the gateway, whose trade is the hubs')",
    "clusters": "their outlines, named, each with the sites the plan opens there, their capex and the capacity it "
                "adds and holds",
    "redline_zones": "where the red line keeps sites out: its buffer around every polygon it counts (red, ticks "
                     "inside) and the products' setbacks beyond it (dark red, hatched)",
    "redline": "by category, each with how far the red-line rule excludes sites around it (grey, dashed: a "
               "category the rule leaves out)",
    "context": "outlines named for orientation only: the plan does not use them",
    "candidate_cells": "each cell drawn clipped to its cluster and the allowed zone, less the parks and the red "
                       "line's zone common to all products, while gross_ha counts the whole cell",
}
#: The sites style's words of its pies' size, at the end of its built category's label (`sites_style`).
_PIE_SIZE = re.compile(r"(pie area ∝ capex; largest [^;()]*)\)$")
#: What a sites layer's abstract says of its pies (`sites_size_note`), at its end.
_PIES_SAID = re.compile(r"built sites as pies .*$")


def sites_size_note(style: str | None) -> str | None:
    """What the built sites' pies show and what their size means, as the sites `style` (QML
    text, `sites_style`, on whatever capex scale: `with_capex_scale`) keys them: "built sites as
    pies of the output value of the capacity added by product; pie area ∝ capex; largest 40.21
    bn yuan"; None for a style without pies."""
    if not style or capex_scale(style) is None:
        return None
    root = ET.fromstring(style.split("\n", 1)[1])
    label = next((c.get("label", "") for c in root.iter("category") if c.get("value") == "built"), "")
    found = _PIE_SIZE.search(label)
    return None if found is None else (f"built sites as pies of the output value of the capacity added by product; "
                                       f"{found.group(1)}")


def layer_abstract(layer: OutputLayer, style: str | None = None, basis: LayerBasis | None = None) -> str:
    """What the layer shows, for its abstract: its title in full, capitalised, what it shows
    where its title says little of it (LAYER_WHAT) and what its symbol size means (`size_note`,
    with the layer's `style` as `legend_title`; the sites' pies, `sites_size_note`); for a layer
    without features, that there are none (the size note's words, else NONE_IN_PLAN), so that
    its tooltip tells an empty layer (a plan without a red line) from one that failed to load.
    The red-line layer's ends with what it says of its own basis (`basis`, or `layer_basis` of
    its table without one: siting/deliver/mapinfo.py `LayerBasis.plain`), sentences of their own
    after a full stop: a proxy says so."""
    title = capitalised(layer.title)
    if layer.name == "redline" and _redline_basis(layer, basis).is_proxy:
        title = proxy_redline_title(title)
    if not len(layer.frame) and size_note(layer, style) is None:
        return f"{title}{LEGEND_BREAK}{NONE_IN_PLAN}"
    what = LAYER_WHAT.get(layer.name)
    text = _with_size_note(title + (f"{LEGEND_BREAK}{what}" if what else ""), layer, style)
    pies = sites_size_note(style) if layer.name == "sites" else None
    text = text if pies is None else f"{text}{LEGEND_BREAK}{pies}"
    if layer.name == "redline":
        text = f"{text}. {(basis or layer_basis(layer.frame)).plain()}"
    return text


@dataclass(frozen=True)
class PlanSheet:
    """A plan's part of a QGIS project (`plan_sheet`): its layers, top to bottom, and its print
    layout's title, source line and note."""

    layers: tuple[ProjectLayer, ...]
    heading: str
    source: str
    note: str


def plan_sheet(layers: Sequence[OutputLayer], styles: Mapping[str, str], title: str, working_crs: str,
               extent: Sequence[float], gpkg_name: str = "plan.gpkg", credits: str | None = None,
               map_title: MapTitle | None = None, redline_text: str | None = None,
               redline_basis: LayerBasis | None = None) -> PlanSheet:
    """A plan's layers and its print layout's words, as `project_text` describes them."""
    heading = map_title.text() if map_title is not None else f"Plan: {title}"
    styles, spots = layout_names(styles, layers, working_crs, *plan_layout_extent(extent))
    source = credits or default_credits(title, working_crs)
    if redline_text is None and map_title is not None:
        redline_text = redline_extent_text(layers, map_title.official_redline_pct,
                                           map_title.official_redline_source, map_title.redline_given)
    if redline_text:
        source = f"{source}\n{redline_text}"
    redline = next((layer for layer in layers if layer.name == "redline"), None)
    proxy = proxy_redline_line(_redline_basis(redline, redline_basis)) if redline is not None else ""
    if proxy:
        source = f"{source}\n{proxy}"
    return PlanSheet(tuple(plan_layers(layers, styles, gpkg_name, redline_basis)), heading, source,
                     layout_note(spots))


@dataclass(frozen=True)
class ShownPlan:
    """A plan of a project that shows several, one at a time (`ShownPlans`): its name (its group's
    in the layer panel, its map theme's and its print layout's) and its part of the project."""

    name: str
    sheet: PlanSheet


@dataclass(frozen=True)
class ShownPlans:
    """The plans a plan.qgs shows beside its own (the optimum's near-optimal alternatives):
    `name`, the project's own plan's name; `others`, the other plans, each with its layers from
    its own folder (`moved_sheet`)."""

    name: str
    others: tuple[ShownPlan, ...]
    label: str = "optimum"


def _lowered(text: str) -> str:
    return text[:1].lower() + text[1:]


def labelled(layer: ProjectLayer, label: str) -> ProjectLayer:
    """`layer` named "<label>: <its name>" in the layer panel, as compare.qgs names a run's layers,
    and keyed in the print legend by its own title: the layout keying it is its plan's alone, and
    titled with it."""
    return dataclasses.replace(layer, title=f"{label}: {_lowered(layer.title)}", legend=layer.legend_title)


def keyed_plainly(layer: ProjectLayer, label: str) -> ProjectLayer:
    """`layer`, named "<label>: <its name>" in the layer panel (as compare.qgs names a run's
    layers), keyed in the print legend without "<label>: ", capitalised ("b: clusters" keyed
    "Clusters"), as `labelled` keys a plan's: the sheet keying it is that run's alone, and titled
    with it. A title not starting so ("b vs a: plans of indistinguishable cost ...", which names
    two runs) is kept."""
    title = layer.legend_title
    plain = capitalised(title.removeprefix(f"{label}: ")) if title.startswith(f"{label}: ") else title
    return dataclasses.replace(layer, legend=plain)


def moved_sheet(sheet: PlanSheet, sub: str, label: str) -> PlanSheet:
    """`sheet` (a plan's own plan.qgs's, `plan_sheet`) as a project in the folder above it shows
    it: each layer from `sub`/plan.gpkg, its id `<kind>_<sub>_layer`, named "<label>: <its name>"
    (as compare.qgs names a run's) and keyed by its own title (`labelled`), its abstract saying
    whose it is; the source line naming the plan's files in `sub`; its title as it is (an
    alternative's ends with its cost over the optimum's already: siting/deliver/files.py)."""
    layers = []
    for layer in sheet.layers:
        gpkg, _, kind = layer.source.partition("|layername=")
        layers.append(dataclasses.replace(
            labelled(layer, label), layer_id=f"{kind}_{sub}_layer",
            source=f"./{sub}/{gpkg.removeprefix('./')}|layername={kind}",
            abstract=f"{label}'s plan ({sub}/{gpkg.removeprefix('./')}){LEGEND_BREAK}{layer.abstract}"))
    source = sheet.source.replace("(plan.gpkg; inputs and their SHA-256 in manifest.json)",
                                  f"({sub}/plan.gpkg; inputs and their SHA-256 in {sub}/manifest.json)", 1)
    return PlanSheet(tuple(layers), sheet.heading, source, sheet.note)


def project_text(layers: Sequence[OutputLayer], styles: Mapping[str, str], title: str, working_crs: str,
                 extent: Sequence[float], gpkg_name: str = "plan.gpkg", credits: str | None = None,
                 map_title: MapTitle | None = None, redline_text: str | None = None,
                 overlays: Sequence[Overlay] = (), redline_basis: LayerBasis | None = None,
                 plans: ShownPlans | None = None) -> str:
    """The plan.qgs text; `extent` is (xmin, ymin, xmax, ymax) in the working CRS. `overlays`
    (a run's robustness layer) stand above the plan's layers in the layer panel, unticked, and
    out of the plan's print legend, keyed under it in a legend of their own that lists a layer
    only while the map draws it (`overlay_layers`, `overlay_legend`); none: the plan's layers alone. The layout's
    title is map.png's (`map_title`: scenario and years; solver outcome, gap and objective), or
    "Plan: <title>" without one. Its source line (`credits`, `default_credits` without) is
    followed, as map.png's margin notes it, by how much of the clusters the red-line layer covers
    or that the scenario gives none (`redline_text`, where the caller has it; else
    `redline_extent_text` of `layers` by `map_title`'s official share; nothing without a
    `map_title`), so that a printed sheet without a red line says why. The sites',
    the hubs', the sources' and the lakes' names stand where `layout_label_spots` puts them on
    the layout's map (`layout_names`); a source or lake it finds no room for is listed in the
    layout's note, after a line saying where pies are moved aside where some is (`layout_note`).
    `redline_basis`: what the red-line layer says of its own basis, for its abstract (`plan_layers`).
    `plans`: other plans to show too (`sheet_project`)."""
    sheet = plan_sheet(layers, styles, title, working_crs, extent, gpkg_name, credits, map_title, redline_text,
                       redline_basis)
    return sheet_project(sheet, title, working_crs, extent, overlays, gpkg_name, plans)


def sheet_project(sheet: PlanSheet, title: str, working_crs: str, extent: Sequence[float],
                  overlays: Sequence[Overlay] = (), gpkg_name: str = "plan.gpkg", plans: ShownPlans | None = None,
                  abstract: str = "") -> str:
    """The plan.qgs text of a plan's `sheet` (`plan_sheet`), with its `overlays` (`project_text`).
    With `plans` (the optimum's near-optimal alternatives), one plan is shown at a time
    (`one_at_a_time`): a group per plan, this one first (named `plans.name`, its layers keeping
    their names and ids) and the only one ticked, in the group PLANS_GROUP, whose children are
    mutually exclusive; the layers every plan draws alike (SHARED_KINDS: the context outlines)
    once, this plan's, under the groups. The first print layout is the plan's own ("Plan", keyed
    and noted as without `plans`, titled so with a last line per overlay saying what it draws,
    its `sheet_line`), whose map follows a map theme of its own
    (`plan_sheet_theme`: this plan's layers, those under the groups and the overlays), so that it
    prints this plan, with the overlays drawn and keyed under its legend, whatever plan the layer
    panel shows. Then a map theme and a print layout per plan, of its group's name, the layout's
    map following the theme; the overlays stay above the groups, unticked, and out of those
    themes. `abstract`: the project's metadata abstract (`project_abstract`; "" for none)."""
    over = overlay_layers(overlays, gpkg_name)
    if plans is None or not plans.others:
        return project_document([*over, *sheet.layers], title, working_crs, extent, sheet.heading, sheet.source,
                                note=sheet.note, unticked={layer.layer_id for layer in over}, abstract=abstract)
    theme = plan_sheet_theme(plans.label, [layer.title for layer in over])
    # its map draws the overlays always: its title says what they show (the optimum's own sheet does not)
    heading = "\n".join([sheet.heading, *(o.sheet_line for o in overlays if o.sheet_line)])
    own_layout = print_layout(heading, extent, sheet.source, "Plan", sheet.layers, sheet.note, theme=theme,
                              overlays=over)
    below = [layer for layer in sheet.layers if _kind(layer) in SHARED_KINDS]
    shown = [ShownPlan(plans.name, sheet), *plans.others]
    shown = [dataclasses.replace(plan, sheet=dataclasses.replace(plan.sheet, layers=tuple(
        layer for layer in plan.sheet.layers if _kind(layer) not in SHARED_KINDS))) for plan in shown]
    layers = [*over, *(layer for plan in shown for layer in plan.sheet.layers), *below]
    # The overlays are drawn on the sheet, so its theme lists them: choosing it ticks them.
    own_theme = map_theme(theme, layers, {layer.layer_id for layer in [*over, *sheet.layers]},
                          [PLANS_GROUP, f"{PLANS_GROUP}/{plans.name}"])
    return one_at_a_time(PLANS_GROUP, shown, layers, title, working_crs, extent, above=over, below=below,
                         first=[own_layout], first_themes=[own_theme], abstract=abstract)


def plan_sheet_theme(label: str, overlays: Sequence[str]) -> str:
    """The name of the map theme the "Plan" print layout of a plan.qgs showing several plans
    follows (`sheet_project`): the plan `label` ("optimum") with its overlays, each by its title's
    words before a colon, lowered ("Plan sheet: optimum with robustness")."""
    words = ", ".join(_lowered(title.partition(":")[0]) for title in overlays)
    return f"Plan sheet: {label}" + (f" with {words}" if words else "")


#: The group of plan.qgs's plans where it shows several (`sheet_project`).
PLANS_GROUP = "Plans (one shown at a time: tick a plan to show it)"
#: The layers plan.qgs shows once, under its plans' groups, where it shows several: those every
#: plan of the set draws alike (the red line, also the same, has its lakes named about each
#: plan's own pies, `layout_names`, so each plan keeps its own).
SHARED_KINDS = ("context",)


def _kind(layer: ProjectLayer) -> str:
    """The layer's name in its GeoPackage (`<gpkg>|layername=<name>`)."""
    return layer.source.rpartition("|layername=")[2]


def one_at_a_time(group: str, plans: Sequence[ShownPlan], layers: Sequence[ProjectLayer], title: str,
                  working_crs: str, extent: Sequence[float], above: Sequence[ProjectLayer] = (),
                  below: Sequence[ProjectLayer] = (), first: Sequence[ET.Element] = (),
                  first_themes: Sequence[ET.Element] = (), abstract: str = "") -> str:
    """A project showing one of `plans` at a time (compare.qgs's runs, plan.qgs's near-optimal
    plans): `layers` (every layer, in the order of the project's layer list) listed in the layer
    panel as `above` (unticked, listed in no map theme: choosing a theme unticks them), then
    `group`, whose children, a group per plan named by its name and holding its sheet's layers,
    are mutually exclusive (the first ticked and open), then `below` (ticked, in every theme).
    Each plan is a map theme of its name (its group ticked, its layers and `below` shown) and a
    print layout of that name, titled and noted as its sheet says, whose map follows the theme and
    whose legend keys its layers and `below`, after the print layouts `first` (and the map themes
    `first_themes`, which theirs follow). `abstract`: the project's metadata abstract."""
    groups = [LayerGroup(plan.name, tuple(layer.layer_id for layer in plan.sheet.layers), checked=n == 0,
                         expanded=n == 0) for n, plan in enumerate(plans)]
    tree = [*(layer.layer_id for layer in above), LayerGroup(group, tuple(groups), exclusive=True),
            *(layer.layer_id for layer in below)]
    themes, layouts = list(first_themes), list(first)
    # `above` stays out of the themes: QGIS 3.22 ticks a layer a theme lists, even as hidden, on
    # choosing the theme in the layer panel, and unticks one it does not list.
    hidden = {layer.layer_id for layer in above}
    themed = [layer for layer in layers if layer.layer_id not in hidden]
    for plan in plans:
        drawn = [*plan.sheet.layers, *below]
        themes.append(map_theme(plan.name, themed, {layer.layer_id for layer in drawn},
                                [group, f"{group}/{plan.name}"]))
        layouts.append(print_layout(plan.sheet.heading, extent, plan.sheet.source, plan.name, drawn, plan.sheet.note,
                                    theme=plan.name))
    return project_document(layers, title, working_crs, extent, title, "", tree=tree, layouts=layouts, themes=themes,
                            unticked={layer.layer_id for layer in above}, abstract=abstract)


def default_credits(title: str, working_crs: str) -> str:
    """The layout's source line: what made the map, its CRS, and the print date (a QGIS expression)."""
    crs = pyproj.CRS.from_user_input(working_crs)
    return (f"Source: siting plan for scenario '{title}' (plan.gpkg; inputs and their SHA-256 in manifest.json). "
            f"Projection: {crs_label(crs)}. Printed [% format_date(now(), 'yyyy-MM-dd') %].")


def project_metadata(title: str, abstract: str) -> ET.Element:
    """The project's `<projectMetadata>` (Project > Properties > Metadata) as QGIS 3.22 writes it,
    with `title` and `abstract`, and no author or creation time (QGIS writes the user's name and
    the clock's time there; the same plan gives the same bytes)."""
    return element("projectMetadata", None, *(_text(tag, "") for tag in ("identifier", "parentidentifier")),
                   _text("language", "en"), _text("type", "dataset"), _text("title", title),
                   _text("abstract", abstract), element("links"))


#: What a plan.qgs's abstract says of where its data are (`project_abstract`).
PLAN_DATA_LINE = ("Data: the plan's layers and their styles in plan.gpkg (and as GeoJSON with .qml styles); the "
                  "scenario, its inputs and their SHA-256 in manifest.json; report.md explains the plan.")

#: What a compare.qgs's abstract says of where its data are (`compare_abstract`).
COMPARE_DATA_LINE = ("Data: each run's layers and their styles in its folder's plan.gpkg, its scenario, inputs and "
                     "their SHA-256 in its manifest.json, its report.md; comparison.md and comparison.csv compare "
                     "the runs, diff.geojson maps each compared run's changes against the baseline.")


def project_abstract(heading: str, working_crs: str, redline_line: str = "", data_line: str = PLAN_DATA_LINE) -> str:
    """A plan.qgs's abstract, in plain text: what a GIS team asks of a project before opening its
    layers. `heading`, the print layout's title (`MapTitle.text`: scenario and years, solver
    outcome with its proven gap and tolerance, net objective and the gap in bn yuan), then what
    the objective and the gaps measure, the CRS of the layers and of the project (with its EPSG
    code where it has one), where the data and their sources and licences are said, and
    `redline_line` (`proxy_redline_line`: the red line is a proxy), where given; `data_line`, where
    the data are (PLAN_DATA_LINE; compare.qgs's COMPARE_DATA_LINE). No date: the same plan gives
    the same text."""
    crs = pyproj.CRS.from_user_input(working_crs)
    code = crs.to_epsg()
    projected = f"{crs_label(crs)}{f' (EPSG:{code})' if code else ''}"
    lines = [
        heading,
        "Objective: the plan's net cost, every cost discounted less the revenue of sales out of the region, "
        "in bn yuan (negative: sales earn more than the plan costs); the gap is the share of it by which the "
        "best bound may lie below, the absolute gap the same in bn yuan.",
        "CRS: the layers (plan.gpkg) are stored in WGS 84 longitude/latitude (EPSG:4326); the project and its "
        f"print layout draw them in {projected}, in metres, and measure distances and areas on the WGS 84 "
        "ellipsoid.",
        f"{data_line} Each input layer's own description and its features' source field give where its data "
        "come from; for the layers shipped with the siting tool, geodata/README.md gives each one's source and "
        "licence.",
    ]
    if redline_line:
        lines.append(redline_line)
    return "\n".join(lines)


#: The project's ellipsoid (QGIS's measure tool and `$area`, `$length` measure on it): WGS 84's.
ELLIPSOID = "EPSG:7030"


def project_document(layers: Sequence[ProjectLayer], title: str, working_crs: str, extent: Sequence[float],
                     layout_title: str, credits: str, layout_name: str = "Plan", note: str = "",
                     tree: Sequence[str | LayerGroup] | None = None,
                     layouts: Sequence[ET.Element] | None = None, themes: Sequence[ET.Element] = (),
                     unticked: Collection[str] = (), abstract: str = "") -> str:
    """A .qgs text opening `layers` (top to bottom) in the working CRS on `extent`, with a print
    layout (`print_layout`, with its `note`), measuring on the WGS 84 ellipsoid (ELLIPSOID). The
    layer panel lists `tree` (layer ids and groups, top to bottom, which is the drawing order:
    `layer_tree`, with no custom rendering order; every layer of `layers` once), or every layer
    ticked, ungrouped, in their order where it is None; the layers of the ids `unticked` are listed
    unticked, and the print legend keys the other `layers` in their order, the unticked ones under
    it in a legend of their own that lists a layer only while the map draws it (`overlay_legend`).
    `layouts`, where given, are the print layouts in place of that one (`print_layout`'s, each of
    its own name), and `themes` the project's map themes (`map_theme`'s). `abstract`: the
    project's metadata abstract (Project > Properties > Metadata, `project_metadata`)."""
    by_id = {layer.layer_id: layer for layer in layers}
    tree = element("layer-tree-group", None, element("customproperties"), *(
        layer_tree(node, by_id, unticked) for node in (tree if tree is not None else list(by_id))))
    keyed = [layer for layer in layers if layer.layer_id not in unticked]
    overlays = [layer for layer in layers if layer.layer_id in unticked]
    canvas = element("mapcanvas", {"annotationsVisible": "1", "name": "theMapCanvas"}, _text("units", "meters"),
                     _extent("extent", extent), _text("rotation", "0"),
                     element("destinationsrs", None, spatial_ref(working_crs)), _text("rendermaptile", "0"))
    view = element("ProjectViewSettings", {"UseProjectScales": "0", "rotation": "0"}, element("Scales"),
                   element("DefaultViewExtent", dict(zip(("xmin", "ymin", "xmax", "ymax"),
                                                         (f"{v:.3f}" for v in extent), strict=True)),
                           spatial_ref(working_crs)))
    properties = element("properties", None,
                         element("Paths", None, _typed("Absolute", "bool", "false")),
                         element("SpatialRefSys", None, _typed("ProjectionsEnabled", "int", "1")),
                         element("Measure", None, _typed("Ellipsoid", "QString", ELLIPSOID)))
    root = element("qgis", {"projectname": title, "version": QGIS_VERSION}, element("homePath", {"path": ""}),
                   _text("title", title), element("projectCrs", None, spatial_ref(working_crs)), tree, canvas, view,
                   element("projectlayers", None, *(map_layer(layer) for layer in layers)),
                   element("Layouts", None, *(layouts if layouts is not None else [
                       print_layout(layout_title, extent, credits, layout_name, keyed, note,
                                    overlays=overlays)])),
                   properties, *([element("visibility-presets", None, *themes)] if themes else []),
                   project_metadata(title, abstract))
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


@dataclass(frozen=True)
class LayerGroup:
    """A group of a project's layer panel: its name, its children (layer ids and groups, top to
    bottom), whether it is ticked (an unticked group draws none of its layers) and open;
    `exclusive`: at most one of its children is ticked, and ticking one unticks the others
    (QGIS's "Mutually Exclusive Group")."""

    name: str
    children: tuple[str | LayerGroup, ...]
    checked: bool = True
    expanded: bool = True
    exclusive: bool = False


def layer_tree(node: str | LayerGroup, layers: Mapping[str, ProjectLayer], unticked: Collection[str] = ()
               ) -> ET.Element:
    """The layer panel's element of `node`: a `<layer-tree-layer>` for a layer id (of `layers`:
    id -> layer), ticked unless it is one of `unticked`, or a `<layer-tree-group>` with its
    children; a group of mutually exclusive children names the ticked one by its index (-1 for
    none), as QGIS writes it. Raises KeyError for an id not in `layers`."""
    if isinstance(node, str):
        layer = layers[node]
        checked = "Qt::Unchecked" if node in unticked else "Qt::Checked"
        keys = custom_keys(layer)
        return element("layer-tree-layer", {"checked": checked, "expanded": "1", "id": layer.layer_id,
                                            "name": layer.title, "providerKey": "ogr", "source": layer.source},
                       _custom_properties(keys) if keys else element("customproperties"))
    attributes = {"checked": "Qt::Checked" if node.checked else "Qt::Unchecked", "expanded": int(node.expanded),
                  "name": node.name}
    if node.exclusive:
        ticked = [i for i, child in enumerate(node.children) if isinstance(child, LayerGroup) and child.checked]
        attributes.update({"mutually-exclusive": "1", "mutually-exclusive-child": ticked[0] if ticked else -1})
    return element("layer-tree-group", attributes, element("customproperties"),
                   *(layer_tree(child, layers, unticked) for child in node.children))


# --- the print layout ------------------------------------------------------------------------

def item_uuid(layout: str, item: str) -> str:
    """A fixed id for a layout item (the same layout gives the same bytes)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"siting:layout:{layout}:{item}")) + "}"


def _mm(*values: float) -> str:
    return ",".join(f"{v:g}" for v in values) + ",mm"


def _colour(tag: str, rgb: tuple[int, int, int]) -> ET.Element:
    return element(tag, {"alpha": "255", "blue": str(rgb[2]), "green": str(rgb[1]), "red": str(rgb[0])})


def _font(size: float, bold: bool = False) -> str:
    """A Qt font description (QFont::toString): family, point size, -1, style hint, weight, ..."""
    return f"{FONT},{size:g},-1,5,{75 if bold else 50},0,0,0,0,0"


def layout_item(kind: str, layout: str, name: str, frame_mm: Sequence[float], z_value: int,
                attributes: Mapping[str, object] | None = None, *children: ET.Element,
                frame: bool = False, background: bool = False) -> ET.Element:
    """A `<LayoutItem>` of the given kind at x, y, width, height (mm) on the first page."""
    x, y, width, height = frame_mm
    own = item_uuid(layout, name)
    base: dict[str, object] = {
        "type": ITEM_TYPES[kind], "uuid": own, "templateUuid": own, "id": name, "groupUuid": "",
        "position": _mm(x, y), "positionOnPage": _mm(x, y), "size": _mm(width, height), "referencePoint": "0",
        "zValue": z_value, "visibility": "1", "opacity": "1", "blendMode": "0", "itemRotation": "0",
        "positionLock": "false", "excludeFromExports": "0", "frame": "true" if frame else "false",
        "frameJoinStyle": "miter", "outlineWidthM": "0.3,mm", "background": "true" if background else "false"}
    base.update(attributes or {})
    return element("LayoutItem", base, _colour("FrameColor", (0, 0, 0)), _colour("BackgroundColor", (255, 255, 255)),
                   *children)


def fit_extent(extent: Sequence[float], width_mm: float, height_mm: float) -> tuple[float, float, float, float]:
    """`extent` widened on one axis to the frame's aspect ratio, centred (no distortion, nothing cut)."""
    x0, y0, x1, y1 = extent
    width, height = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    aspect = width_mm / height_mm
    if width / height < aspect:
        grow = (height * aspect - width) / 2
        return x0 - grow, y0, x1 + grow, y1
    grow = (width / aspect - height) / 2
    return x0, y0 - grow, x1, y1 + grow


#: The scale bar on a layout's map (mm): x from the map frame's left edge, its top's height above
#: the frame's foot, width, height; so its foot stands 4 mm above the frame's, on an opaque white
#: box. QGIS sets its width to the bar it draws; its height stays.
SCALE_BAR_MM = (4.0, 18.0, 80.0, 14.0)
#: The north arrow on a layout's map (mm): x of its left edge from the frame's right edge, y
#: from the frame's top, width, height.
NORTH_ARROW_MM = (14.0, 4.0, 10.0, 16.0)
#: The strip at the foot of a layout's map (mm) that the area shown keeps clear of: the scale
#: bar's top and 2 mm more, so that its box covers no cluster.
SCALE_BAR_ROOM_MM = SCALE_BAR_MM[1] + 2.0


#: The leading figures of the scales a printed sheet is drawn at (1:1,000,000, 1:1,500,000,
#: 1:2,000,000, ..., 1:7,500,000 and so on in every power of ten): a map series' round scales.
ROUND_SCALE_STEPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5)


def round_scale(scale: float) -> float:
    """The least round scale (ROUND_SCALE_STEPS in some power of ten) at or above `scale` (the
    denominator: 1,985,924 gives 2,000,000, 2,000,000 itself), so that a sheet drawn at it shows
    at least what `scale` shows. Raises ValueError for a scale that is not a positive finite number."""
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"a map scale must be a positive number, got {scale!r}")
    power = 10.0 ** math.floor(math.log10(scale))
    for _ in range(2):  # log10's rounding may put `scale` just under the power it names
        for step in ROUND_SCALE_STEPS:
            if step * power >= scale * (1 - 1e-12):
                return step * power
        power *= 10.0
    return power  # unreachable: 10 * power is at least `scale`


def layout_extent(extent: Sequence[float], width_mm: float, height_mm: float) -> tuple[float, float, float, float]:
    """What a layout's map frame of `width_mm` x `height_mm` shows of `extent` (working CRS, m):
    `extent` fitted to the frame's shape (`fit_extent`), centred, when that leaves at least
    SCALE_BAR_ROOM_MM below it; else `extent` fitted to the frame less that strip and the strip
    added below, so that the scale bar (SCALE_BAR_MM) stands on empty map. Then widened about its
    centre to the next round scale (`round_scale`: 1:1,985,924 shows at 1:2,000,000), so that the
    printed sheet states a scale a reader can measure with; widening keeps the strip below the
    area shown clear. Undistorted: the result has the frame's shape."""
    fitted = fit_extent(extent, width_mm, height_mm)
    if (extent[1] - fitted[1]) / (fitted[3] - fitted[1]) * height_mm < SCALE_BAR_ROOM_MM:
        x0, y0, x1, y1 = fit_extent(extent, width_mm, height_mm - SCALE_BAR_ROOM_MM)
        fitted = x0, y0 - (y1 - y0) / (height_mm - SCALE_BAR_ROOM_MM) * SCALE_BAR_ROOM_MM, x1, y1
    x0, y0, x1, y1 = fitted
    scale = (x1 - x0) / (width_mm / 1000.0)  # metres of ground per metre of paper, as QGIS reckons it
    grow = round_scale(scale) / scale
    cx, cy, half_w, half_h = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 * grow, (y1 - y0) / 2 * grow
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _label(layout: str, name: str, frame_mm: Sequence[float], text: str, size: float, bold: bool = False,
           halign: int = 1, *children: ET.Element) -> ET.Element:
    return layout_item("label", layout, name, frame_mm, 3, {
        "labelText": text, "htmlState": "0", "halign": halign, "valign": "32", "marginX": "0", "marginY": "0"},
        element("LabelFont", {"description": _font(size, bold), "style": "Bold" if bold else ""}),
        _colour("FontColor", (40, 40, 40)), *children)


@dataclass(frozen=True)
class TitleFit:
    """A layout title as set: its text (broken into lines that fit), type size (points) and frame
    (x, y, width, height; mm)."""

    text: str
    size_pt: float
    frame_mm: tuple[float, float, float, float]


def title_height(lines: int, size_pt: float) -> float:
    """The height (mm) of a title of `lines` lines at `size_pt` in bold DejaVu Sans, a line
    height (ascent and descent, as QGIS sets a label's lines) each, with MARGIN."""
    return lines * (ASCENT_EM + DESCENT_EM) * size_pt * PT_MM * MARGIN


def wrap_title(text: str, width_mm: float, size_pt: float) -> list[str]:
    """`text` in lines no wider than `width_mm` in bold at `size_pt` (`text_mm`), broken as
    `title_lines` breaks a title."""
    return title_lines(text, lambda line: text_mm(line, size_pt, bold=True) <= width_mm)


def fit_title(title: str) -> TitleFit:
    """The layout title `title` set to fit its frame above the map: in the size and frame of its
    number of lines (TITLE_PT, TITLE_FRAME_MM) where every line fits the frame's width; else in
    the largest size, from that one down by TITLE_STEP_PT to TITLE_FLOOR_PT, at which its lines,
    broken to the width (`wrap_title`), fit the frame of their new number and take no more than
    that frame's size (an alternative's status line, some 190 characters, breaks in two, and its
    three lines take a plan's 14 pt). A title that fits no frame at the floor keeps that size and
    its frame grows downwards to hold its lines."""
    count = min(title.count("\n") + 1, len(TITLE_PT))
    size = TITLE_PT[count - 1]
    x, _y, width, _h = TITLE_FRAME_MM[count - 1]
    while True:
        lines = wrap_title(title, width, size)
        shown = min(len(lines), len(TITLE_PT))
        frame = TITLE_FRAME_MM[shown - 1]
        if size <= TITLE_PT[shown - 1] and title_height(len(lines), size) <= frame[3]:
            return TitleFit("\n".join(lines), size, frame)
        if size - TITLE_STEP_PT < TITLE_FLOOR_PT:
            grown = math.ceil(title_height(len(lines), size) * 10) / 10
            return TitleFit("\n".join(lines), size, (x, frame[1], width, max(frame[3], grown)))
        size -= TITLE_STEP_PT


def title_label(layout: str, title: str) -> ET.Element:
    """The title item of the layout named `layout`: `title` as `fit_title` sets it, in bold; where
    its lines were broken, the title unbroken in the item's custom property TITLE_PROPERTY (which
    QGIS keeps, under `<LayoutObject>`, when it saves the project)."""
    fit = fit_title(title)
    kept = [element("LayoutObject", None, _custom_properties({TITLE_PROPERTY: title}))] if fit.text != title else []
    return _label(layout, "title", fit.frame_mm, fit.text, fit.size_pt, True, 1, *kept)


# --- the print legend ------------------------------------------------------------------------
#
# QGIS draws a layout legend in columns of "atoms" (a layer's title with its first line, then each
# further line), the title of the legend above them. The legend is sized here for its content
# before QGIS sees it: each line's text is measured in DejaVu Sans (the widest common face that
# QGIS's "Sans Serif" resolves to) and wrapped to the column, and the largest type that fits the
# space beside the map, in the fewest columns, is chosen. QGIS then resizes the item to what it
# draws (resizeToContents), at most that. The legend keys what the layers' features draw, from
# their data (QGIS's filter by map content would also drop the pies' slices, which it cannot test).

#: Type sizes (points) of the legend's lines, from the largest to the floor; layer titles are
#: LEGEND_TITLE_STEP larger and bold, the legend's own title LEGEND_HEADING_PT.
LEGEND_PT = (8.0, 7.5, 7.0, 6.5, 6.0)
LEGEND_TITLE_STEP = 0.5
LEGEND_HEADING_PT = 11.0
#: The numbers of columns tried, fewest first.
LEGEND_COLUMNS = (1, 2, 3)
#: The legend's spacing (mm): around its content, between columns, between a symbol and its
#: text, above a layer title, above a line, below the legend's title, between the lines of one
#: text; the symbol's width and height.
BOX_MM, COLUMN_GAP_MM, SYMBOL_GAP_MM, LAYER_GAP_MM, LINE_GAP_MM, HEADING_GAP_MM, WRAP_GAP_MM = (
    2.0, 3.0, 2.0, 2.0, 1.0, 2.0, 0.6)
SYMBOL_MM = (6.0, 3.2)
#: The largest marker drawn in the legend (mm; QGIS's maxSymbolSize): a point layer's line is at
#: least this high.
LEGEND_MARKER_MM = 4.0
#: Millimetres per typographic point.
PT_MM = 25.4 / 72
#: DejaVu Sans's vertical metrics (ems), as QGIS measures lines: ascent (a layer title's line),
#: descent (added between a symbol text's lines), the height of "0" (a symbol text's line); and a
#: margin on every measured length.
ASCENT_EM, DESCENT_EM, DIGIT_EM = 1901 / 2048, 483 / 2048, 4840 / 6400
MARGIN = 1.04
#: The gap (mm) between the map frame and the legend, and from the legend to the page's edge.
LEGEND_GAP_MM = 5.0
#: The share of the height beside the map the estimated legend may fill: QGIS splits columns a
#: little differently, up to a few per cent taller than estimated.
LEGEND_FILL = 0.93


def _face(bold: bool) -> tuple[Any, Any]:
    """`_face_of` for this process and thread: a FreeType face is not to be shared. Its font file
    is read as glyphs are needed, and worker processes forked with a face share the file's
    offset, so that two of them measuring at once read each other's bytes ("failed to load
    glyph"); matplotlib keeps its own faces per thread for the same reason."""
    return _face_of(bold, os.getpid(), threading.get_ident())


@functools.lru_cache(maxsize=8)
def _face_of(bold: bool, _process: int, _thread: int) -> tuple[Any, Any]:
    """DejaVu Sans, regular or bold, as matplotlib ships it, in matplotlib's FreeType wrapper, set
    to 100 px to the em (measured unhinted, that gives the shape's own proportions; only
    `_advance_em` uses the face, so it keeps that size), and FreeType's flag for outlines as
    designed (matplotlib 3.10 moved it into LoadFlags). Imported here, so that a run loads
    matplotlib only once it writes its outputs. One per process and thread (`_face`)."""
    import matplotlib
    from matplotlib import ft2font

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    flag = ft2font.LoadFlags.NO_HINTING if hasattr(ft2font, "LoadFlags") else ft2font.LOAD_NO_HINTING
    face = ft2font.FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))
    face.set_size(100, 72)
    return face, flag


@functools.lru_cache(maxsize=4096)
def _advance_em(text: str, bold: bool) -> float:
    """The width (em) of `text` in DejaVu Sans, regular or bold: each run of characters the font
    draws as FreeType sets it (kerned, unhinted), and each character it has no glyph for (Chinese,
    for one), which QGIS draws from a fallback font, as that font is likely to draw it
    (`_missing_em`). FreeType is not asked to set such a character: it would count it 0 wide, and
    matplotlib would warn of the missing glyph."""
    face, no_hinting = _face(bold)
    width = 0.0
    for drawn, run in itertools.groupby(text, lambda c: face.get_char_index(ord(c)) != 0):
        if drawn:
            face.set_text("".join(run), 0.0, flags=no_hinting)
            width += face.get_width_height()[0] / 64 / 100
        else:
            width += sum(_missing_em(c, bold) for c in run)
    return width


def _missing_em(char: str, bold: bool) -> float:
    """The estimated width (em) of a character DejaVu Sans has no glyph for: 1 em for an East Asian
    wide or fullwidth character (`unicodedata.east_asian_width` W or F: CJK ideographs, kana,
    Hangul, fullwidth forms, CJK punctuation), as CJK fonts draw them; 0 for a non-spacing or
    enclosing mark or a control or format character (Unicode categories Mn, Me, Cc, Cf), which
    take no room of their own; any other as wide as DejaVu Sans's digit "0" in the same weight
    (0.636 em, bold 0.696), about the width of its lowercase letters."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.category(char) in ("Mn", "Me", "Cc", "Cf"):
        return 0.0
    return _advance_em("0", bold)


def text_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """The width (mm) of one line of `text` at `size_pt` points in DejaVu Sans, with MARGIN."""
    return _advance_em(text, bold) * size_pt * PT_MM * MARGIN if text else 0.0


def wrap_text(text: str, width_mm: float, size_pt: float, bold: bool = False) -> list[str]:
    """`text` in lines at most `width_mm` wide: broken at every LEGEND_BREAK and line break,
    then between words (a single word wider than that stays whole). A part that fits is
    measured once, whole: a line's width grows with its words, so measuring it word by word
    would give it as one line too, at the cost of laying out every longer prefix (FreeType's
    layout, the most of plan.qgs's time). A part that does not fit, or has an empty word (a
    leading, trailing or double space), is measured word by word."""
    lines: list[str] = []
    for part in re.split(f"{re.escape(LEGEND_BREAK)}|\n", text):
        words = part.split(" ")
        if len(words) > 1 and "" not in words and text_mm(part, size_pt, bold) <= width_mm:
            lines.append(part)
            continue
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if line and text_mm(candidate, size_pt, bold) > width_mm:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


@dataclass(frozen=True)
class LegendNode:
    """One line QGIS's legend makes for a layer: its index among the layer's legend nodes (the
    renderer's, then the diagrams'), its text ("" where QGIS shows the layer's name beside the
    symbol, a single symbol's) and whether the print legend keys it (it has a symbol, and a
    feature draws with it, as far as the data is known)."""

    index: int
    label: str
    keyed: bool


_EQUALS = re.compile(r"""^\s*"((?:[^"]|"")+)"\s*=\s*('(?:[^']|'')*'|-?[0-9.]+)\s*$""")


def _matches(expression: str, frame: pd.DataFrame, read: dict[tuple[str, bool], pd.Series] | None = None
             ) -> pd.Series:
    """Which rows a rule's filter selects, for filters of `"field" = value` terms joined by AND;
    any other filter selects every row. `read`: the columns as compared (as text, or as numbers),
    kept by (field, as text) between the calls for one frame, so that each is converted once."""
    read = {} if read is None else read
    selected = pd.Series(True, index=frame.index)
    for term in re.split(r"\s+AND\s+", expression.strip(), flags=re.IGNORECASE) if expression.strip() else []:
        found = _EQUALS.match(term)
        name = found.group(1).replace('""', '"') if found else ""
        if found is None or name not in frame.columns:
            return pd.Series(True, index=frame.index)
        value = found.group(2)
        text = value.startswith("'")
        if (name, text) not in read:
            read[name, text] = frame[name].astype(str) if text else pd.to_numeric(frame[name], errors="coerce")
        if text:
            selected &= read[name, text] == value[1:-1].replace("''", "'")
        else:
            selected &= read[name, text] == float(value)
    return selected


def legend_nodes(qml: str, frame: pd.DataFrame | None) -> list[LegendNode]:
    """The legend nodes QGIS makes from a style (QML text), in its order: one per category of a
    categorised renderer, one for a single symbol, one per rule of a rule-based renderer (depth
    first), then one per slice of a diagram with a legend. With `frame` (the features'
    attributes), a node is keyed only where a feature draws with it: a category's value occurs,
    a rule (ticked, under ticked rules) selects a feature, a slice's fields are above 0 somewhere;
    a rule of the filter KEY_ONLY (which draws nothing: it keys what the layer has no feature
    for, such as a product moving only on legs without a line) is keyed where it is ticked, under
    ticked rules, and has a symbol, and so is a category whose value starts KEY_ONLY_CATEGORY
    (such as a site drawing on a source standing on it) where it is rendered."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    nodes: list[LegendNode] = []
    rows = frame if frame is not None else pd.DataFrame()
    if renderer is not None and renderer.get("type") == "categorizedSymbol":
        attribute = renderer.get("attr", "")
        values = {str(v) for v in rows[attribute]} if frame is not None and attribute in rows.columns else None
        for category in renderer.findall("categories/category"):
            drawn = category.get("render", "true") == "true"
            value = category.get("value", "")
            keyed = values is None or value in values or value.startswith(KEY_ONLY_CATEGORY)
            nodes.append(LegendNode(len(nodes), category.get("label", ""), drawn and keyed))
    elif renderer is not None and renderer.get("type") == "singleSymbol":
        nodes.append(LegendNode(0, "", frame is None or len(frame) > 0))
    elif renderer is not None and renderer.get("type") == "RuleRenderer":
        read: dict[tuple[str, bool], pd.Series] = {}

        def walk(rule: ET.Element, selected: pd.Series | None, on: bool) -> None:
            for child in rule.findall("rule"):
                ticked = on and child.get("checkstate", "1") != "0"
                if child.get("filter", "").strip() == KEY_ONLY:  # a legend entry only, for what has no feature
                    nodes.append(LegendNode(len(nodes), child.get("label", ""),
                                            ticked and child.get("symbol") is not None))
                    continue
                mine = None if selected is None else selected & _matches(child.get("filter", ""), rows, read)
                drawn = ticked and (mine is None or bool(mine.any()))
                nodes.append(LegendNode(len(nodes), child.get("label", ""), drawn and child.get("symbol") is not None))
                # A rule's own rules select among its features; one keying only (KEY_ONLY) needs none.
                walk(child, mine, ticked)
        rules = renderer.find("rules")
        if rules is not None:
            walk(rules, None if frame is None else pd.Series(True, index=rows.index), True)
    for diagrams in root:
        if not diagrams.tag.endswith("DiagramRenderer") or diagrams.get("attributeLegend", "0") == "0":
            continue
        for attribute in diagrams.findall("DiagramCategory/attribute"):
            fields = [f.replace('""', '"') for f in re.findall(r'"((?:[^"]|"")+)"', attribute.get("field", ""))]
            known = [f for f in fields if f in rows.columns]
            drawn = frame is None or not known or bool((rows[known].fillna(0).to_numpy(dtype=float) > 0).any())
            nodes.append(LegendNode(len(nodes), attribute.get("label", ""), drawn))
    return nodes


@dataclass(frozen=True)
class LegendEntry:
    """A layer in the print legend: its id, its title and its keyed nodes' (index, text)."""

    layer_id: str
    title: str
    nodes: tuple[tuple[int, str], ...]
    #: Whether QGIS draws the layer's one node beside its title (a single symbol).
    inline: bool
    #: Whether the layer's symbols are markers (up to LEGEND_MARKER_MM high in the legend).
    point: bool


def legend_entries(layers: Sequence[ProjectLayer]) -> list[LegendEntry]:
    """The print legend's layers, top to bottom, with the nodes it keys: those their features
    draw (`legend_nodes`)."""
    entries = []
    for layer in layers:
        nodes = legend_nodes(layer.qml, layer.frame)
        keyed = tuple((n.index, n.label) for n in nodes if n.keyed)
        entries.append(LegendEntry(layer.layer_id, layer.legend_title, keyed, len(nodes) == 1 and nodes[0].label == "",
                                   "Point" in layer.geometry_type))
    return entries


@dataclass(frozen=True)
class LegendFit:
    """How the print legend is set: its columns, type sizes (points), size (mm, as estimated:
    QGIS's own is at most that) and each layer's title and node texts wrapped to the column
    (layer id -> title lines, and node index -> lines)."""

    columns: int
    size_pt: float
    title_pt: float
    width_mm: float
    height_mm: float
    titles: Mapping[str, list[str]]
    labels: Mapping[str, Mapping[int, list[str]]]


def _title_height(lines: int, size_pt: float) -> float:
    """A layer title's height (mm): its lines' ascents and the gaps between them."""
    return (lines * ASCENT_EM * size_pt * PT_MM) * MARGIN + (lines - 1) * WRAP_GAP_MM


def _label_height(lines: int, size_pt: float) -> float:
    """A symbol text's height (mm): its lines' digit heights, the gaps and descents between them."""
    return (lines * DIGIT_EM + (lines - 1) * DESCENT_EM) * size_pt * PT_MM * MARGIN + (lines - 1) * WRAP_GAP_MM


def _columns(atoms: Sequence[tuple[float, float, float]], count: int) -> list[tuple[float, float]]:
    """QGIS's split of atoms (space above, height, width; mm) into at most `count` columns:
    a new column starts where an atom's middle would pass the mean height of the columns left.
    Returns each column's (height, width)."""
    total = sum(space + height for space, height, _w in atoms)
    tallest = max((height for _s, height, _w in atoms), default=0.0)
    columns: list[tuple[float, float]] = []
    height = width = closed = highest = 0.0
    in_column = 0
    for i, (space, atom, atom_width) in enumerate(atoms):
        mean = (total - closed) / (count - len(columns))
        reach = height + (space if in_column else 0.0) + atom
        may = in_column > 0 and len(columns) < count - 1
        should = (reach - mean > atom / 2 and in_column > 0 and reach > tallest and reach > highest) or (
            len(atoms) - i < count - len(columns))
        if may and should:
            columns.append((height, width))
            highest = max(highest, height)
            closed += height
            height, width, in_column = atom, atom_width, 1
            continue
        height = reach
        width = max(width, atom_width)
        in_column += 1
    columns.append((height, width))
    return columns


def _line_size(lines: Sequence[str], size_pt: float, symbol_h: float) -> tuple[float, float]:
    """A legend line's height and width (mm): its symbol and its text of `lines`."""
    return (max(symbol_h, _label_height(len(lines), size_pt)),
            SYMBOL_MM[0] + SYMBOL_GAP_MM + max(text_mm(t, size_pt) for t in lines))


def lay_out_legend(entries: Sequence[LegendEntry], size_pt: float, count: int, width_mm: float) -> LegendFit:
    """The legend in `count` columns sharing `width_mm` with its lines at `size_pt` points, as
    QGIS lays it out: a layer's title and first line are one atom, every further line another,
    a single symbol is one line with the layer's name and no title; columns split as `_columns`."""
    title_pt = size_pt + LEGEND_TITLE_STEP
    column_mm = (width_mm - 2 * BOX_MM - (count - 1) * COLUMN_GAP_MM) / count
    text_room = column_mm - SYMBOL_MM[0] - SYMBOL_GAP_MM
    titles: dict[str, list[str]] = {}
    labels: dict[str, dict[int, list[str]]] = {}
    atoms: list[tuple[float, float, float]] = []
    for entry in (e for e in entries if e.nodes):
        symbol_h = max(SYMBOL_MM[1], LEGEND_MARKER_MM if entry.point else 0.0)
        if entry.inline:
            titles[entry.layer_id] = wrap_text(entry.title, text_room, size_pt)
            atoms.append((0.0, *_line_size(titles[entry.layer_id], size_pt, symbol_h)))
            continue
        head = titles[entry.layer_id] = wrap_text(entry.title, column_mm, title_pt, bold=True)
        head_h, head_w = _title_height(len(head), title_pt), max(text_mm(t, title_pt, True) for t in head)
        labels[entry.layer_id] = {}
        for n, (index, text) in enumerate(entry.nodes):
            lines = labels[entry.layer_id][index] = wrap_text(text, text_room, size_pt)
            height, width = _line_size(lines, size_pt, symbol_h)
            atoms.append((LAYER_GAP_MM, head_h + LINE_GAP_MM + height, max(head_w, width)) if n == 0
                         else (LINE_GAP_MM, height, width))
    heading_h = (ASCENT_EM + DESCENT_EM) * LEGEND_HEADING_PT * PT_MM * MARGIN + HEADING_GAP_MM
    columns = _columns(atoms, count)
    width = 2 * BOX_MM + sum(w for _h, w in columns) + (len(columns) - 1) * COLUMN_GAP_MM
    width = max(width, 2 * BOX_MM + 1 + text_mm("Legend", LEGEND_HEADING_PT, True))
    height = 2 * BOX_MM + heading_h + max(h for h, _w in columns)
    return LegendFit(count, size_pt, title_pt, round(width, 1), round(height, 1), titles, labels)


def fit_legend(entries: Sequence[LegendEntry], region_mm: tuple[float, float]) -> LegendFit:
    """The legend in the largest type (LEGEND_PT, down to its floor) and the fewest columns
    (LEGEND_COLUMNS) with which it fits `region_mm` (width, and height of which it fills at most
    LEGEND_FILL), every text wrapped to its column (`lay_out_legend`); at the floor in the most
    columns where nothing fits."""
    region_w, region_h = region_mm
    fit = None
    for size in LEGEND_PT:
        for count in LEGEND_COLUMNS:
            fit = lay_out_legend(entries, size, count, region_w)
            if fit.width_mm <= region_w and fit.height_mm <= LEGEND_FILL * region_h:
                return fit
    assert fit is not None
    return fit


def _custom_properties(values: Mapping[str, str]) -> ET.Element:
    """`<customproperties>` as QGIS 3.22 writes them (a map of strings)."""
    return element("customproperties", None, element("Option", {"type": "Map"}, *(
        element("Option", {"name": key, "type": "QString", "value": values[key]}) for key in sorted(values))))


def custom_keys(layer: ProjectLayer) -> dict[str, str]:
    """The legend keys of `layer` that are not its map symbols, as the custom properties of its
    layer-tree node (`legend/custom-symbol-N`: the symbol's XML, for the N-th legend node):
    siting/deliver/styles.py `legend_keys` (the candidate cells not built, whose faint outline
    would hardly show in a legend; the red-line buffer, its ticks inside the legend's patch).
    Empty for other layers."""
    name = layer.source.rsplit("|layername=", 1)[-1] if "|layername=" in layer.source else Path(layer.source).stem
    return {f"legend/custom-symbol-{index}": ET.tostring(key, encoding="unicode")
            for index, key in legend_keys(name, layer.qml).items()}


def legend_tree(layers: Sequence[ProjectLayer], entries: Sequence[LegendEntry], fit: LegendFit) -> ET.Element:
    """The print legend's own layer tree (so that it is not rebuilt from the layer panel): every
    layer, with its title and texts wrapped as `fit` says and only its keyed nodes
    (`legend/node-order`); a layer with none is left out."""
    children = []
    for layer, entry in zip(layers, entries, strict=True):
        if not entry.nodes:
            continue
        values = {"legend/title-label": "\n".join(fit.titles[entry.layer_id]),
                  "legend/node-order": ",".join(str(index) for index, _text in entry.nodes), **custom_keys(layer)}
        for index, lines in fit.labels.get(entry.layer_id, {}).items():
            values[f"legend/label-{index}"] = "\n".join(lines)
        children.append(element("layer-tree-layer", {
            "checked": "Qt::Checked", "expanded": "1", "id": layer.layer_id, "name": layer.title,
            "providerKey": "ogr", "source": layer.source}, _custom_properties(values)))
    return element("layer-tree-group", {"checked": "Qt::Checked", "expanded": "1", "name": ""},
                   _custom_properties({}), *children)


def _legend_styles(size_pt: float, title_pt: float) -> ET.Element:
    sizes = {"title": (LEGEND_HEADING_PT, True, {"marginBottom": f"{HEADING_GAP_MM:g}"}),
             "group": (title_pt, True, {"marginTop": f"{LAYER_GAP_MM:g}"}),
             "subgroup": (title_pt, True, {"marginTop": f"{LAYER_GAP_MM:g}"}),
             "symbol": (size_pt, False, {"marginTop": f"{LINE_GAP_MM:g}"}),
             "symbolLabel": (size_pt, False, {"marginTop": f"{LINE_GAP_MM:g}", "marginLeft": f"{SYMBOL_GAP_MM:g}"})}
    return element("styles", None, *(
        element("style", {"alignment": "1", "indent": "0", "name": name, **extra},
                element("styleFont", {"description": _font(size, bold), "style": "Bold" if bold else ""}))
        for name, (size, bold, extra) in sizes.items()))


#: The narrowest map frame (mm): the map gives up width to the legend down to this where the
#: area shown is taller than the full frame's shape.
MAP_MIN_WIDTH_MM = 190.0


def map_frame(extent: Sequence[float]) -> tuple[float, float, float, float]:
    """The map frame (x, y, width, height; mm): MAP_FRAME_MM, narrowed to the shape of `extent`
    (no wider than MAP_MIN_WIDTH_MM needs), so that the legend gets the width the map leaves empty."""
    x, y, width, height = MAP_FRAME_MM
    x0, y0, x1, y1 = extent
    aspect = max(x1 - x0, 1e-9) / max(y1 - y0, 1e-9)
    return x, y, min(width, max(MAP_MIN_WIDTH_MM, round(height * aspect, 1))), height


#: The type size (points) of a layout's source line under the map, and its frame's least height
#: (mm); a source line of more lines (the red line's share after the sources) is as high as they.
SOURCE_PT, SOURCE_MIN_MM = 8.0, 10.0
#: The type size (points) of a layout's note under the legend.
NOTE_PT = 8.0


def note_height(note: str, width_mm: float) -> float:
    """The height (mm) of a layout note of `note` set in `width_mm` at NOTE_PT, as QGIS draws a
    label: its lines (`wrap_text`) one line height apart, with MARGIN."""
    lines = len(wrap_text(note, width_mm, NOTE_PT))
    return (ASCENT_EM + DESCENT_EM) * NOTE_PT * PT_MM * MARGIN * lines + 1.0


def legend_item(layout: str, layers: Sequence[ProjectLayer], position_mm: tuple[float, float],
                region_mm: tuple[float, float]) -> ET.Element:
    """The print legend of the layout named `layout`, linked to its map: at `position_mm` (x, y),
    keying `layers` top to bottom with only what their features draw (`legend_entries`), in the
    largest type and fewest columns with which it fits `region_mm` (width, height; `fit_legend`)."""
    entries = legend_entries(layers)
    return _legend(layout, "legend", layers, entries, fit_legend(entries, region_mm), position_mm)


#: The id of a print layout's legend of its overlays (`overlay_legend`).
OVERLAY_LEGEND = "overlay legend"


def overlay_legend(layout: str, overlays: Sequence[ProjectLayer], position_mm: tuple[float, float],
                   width_mm: float, size_pt: float) -> ET.Element:
    """The legend of the overlays (the robustness layer) of the layout named `layout`: at
    `position_mm` (x, y), in one column `width_mm` wide at `size_pt` points (the plan's legend's
    type), without a title, keying `overlays` with what their features draw (`legend_entries`).
    It is filtered by its map's content (QGIS's "Only show items inside linked map"): an overlay
    the map does not draw (unticked in the layer panel) is not listed, and the legend draws
    nothing; ticked, it is listed. The plan's legend is not so filtered, as that would drop the
    pies' slices and the entries that key what has no feature (KEY_ONLY)."""
    entries = legend_entries(overlays)
    return _legend(layout, OVERLAY_LEGEND, overlays, entries, lay_out_legend(entries, size_pt, 1, width_mm),
                   position_mm, title="", by_map=True)


def overlay_height(overlays: Sequence[ProjectLayer], width_mm: float) -> float:
    """The most height (mm) `overlay_legend` may take in a column `width_mm` wide, at any of
    the legend's type sizes (LEGEND_PT)."""
    entries = legend_entries(overlays)
    return max(lay_out_legend(entries, size, 1, width_mm).height_mm for size in LEGEND_PT)


def _legend(layout: str, name: str, layers: Sequence[ProjectLayer], entries: Sequence[LegendEntry], fit: LegendFit,
            position_mm: tuple[float, float], title: str = "Legend", by_map: bool = False) -> ET.Element:
    """The legend item `name` of the layout named `layout`, linked to its map, at `position_mm`,
    keying `layers` (with their `entries`) as `fit` sets them, under `title`; `by_map`: filtered
    by the map's content (QGIS's legendFilterByMap)."""
    x, y = position_mm
    return layout_item("legend", layout, name, (x, y, fit.width_mm, fit.height_mm), 2, {
        "map_uuid": item_uuid(layout, "map"), "title": title, "titleAlignment": "1", "resizeToContents": "1",
        "columnCount": fit.columns, "columnSpace": f"{COLUMN_GAP_MM:g}", "equalColumnWidth": "0", "splitLayer": "1",
        "symbolWidth": f"{SYMBOL_MM[0]:g}", "symbolHeight": f"{SYMBOL_MM[1]:g}", "symbolAlignment": "1",
        "boxSpace": f"{BOX_MM:g}", "lineSpacing": f"{WRAP_GAP_MM:g}", "wrapChar": LEGEND_BREAK,
        "fontColor": "#282828", "legendFilterByMap": "1" if by_map else "0", "legendFilterByAtlas": "0",
        "rasterBorder": "1",
        "rasterBorderColor": "0,0,0,255", "rasterBorderWidth": "0", "wmsLegendHeight": "25", "wmsLegendWidth": "50",
        "minSymbolSize": "0", "maxSymbolSize": f"{LEGEND_MARKER_MM:g}"},
        _legend_styles(fit.size_pt, fit.title_pt), legend_tree(layers, entries, fit), background=True)


def legend_and_note(layout: str, layers: Sequence[ProjectLayer], frame_mm: Sequence[float], note: str = "",
                    overlays: Sequence[ProjectLayer] | ET.Element = ()) -> list[ET.Element]:
    """The print legend of the layout named `layout` (`legend_item`) beside its map frame
    (`frame_mm`: x, y, width, height), from the frame's top, and, with a `note`, the note at the
    foot of the legend's column, level with the map's bottom edge, the legend fitting above it.
    With `overlays`, their legend (`overlay_legend`) follows the plan's, LEGEND_GAP_MM under it,
    in its type, the plan's legend fitting in the room that leaves; `overlays` may be such a
    legend as written, kept as it is and moved under the plan's legend. Returns the plan's legend,
    the overlays' and the note, those there are."""
    mx, my, mw, mh = frame_mm
    legend_x = mx + mw + LEGEND_GAP_MM
    column_w = PAGE_MM[0] - mx - legend_x
    noted = note_height(note, column_w) if note else 0.0
    room = mh - noted - (LEGEND_GAP_MM if note else 0.0)
    kept = overlays if isinstance(overlays, ET.Element) else None
    if kept is not None:
        reserved = float(kept.get("size", "0,0").split(",")[1]) + LEGEND_GAP_MM
    else:
        reserved = overlay_height(overlays, column_w) + LEGEND_GAP_MM if overlays else 0.0
    entries = legend_entries(layers)
    fit = fit_legend(entries, (column_w, room - reserved))
    found = [_legend(layout, "legend", layers, entries, fit, (legend_x, my))]
    below = (legend_x, my + fit.height_mm + LEGEND_GAP_MM)
    if kept is not None:
        kept.set("position", _mm(*below))
        kept.set("positionOnPage", _mm(*below))
        found.append(kept)
    elif overlays:
        assert not isinstance(overlays, ET.Element)
        found.append(overlay_legend(layout, overlays, below, column_w, fit.size_pt))
    if note:
        found.append(_label(layout, "note", (legend_x, my + mh - noted, column_w, noted), note, NOTE_PT, halign=1))
    return found


def print_layout(title: str, extent: Sequence[float], credits: str, name: str = "Plan",
                 layers: Sequence[ProjectLayer] = (), note: str = "", theme: str = "",
                 overlays: Sequence[ProjectLayer] = ()) -> ET.Element:
    """The `<Layout>`: A3 landscape with title, map, legend, scale bar, north arrow and source line.

    The map frame takes the shape of `extent` (`map_frame`), the legend the rest of the width:
    it keys `layers` top to bottom with only the categories their features draw (`legend_nodes`),
    in the largest type and fewest columns that fit beside the map (`fit_legend`), resized by
    QGIS to what it draws. A `note` stands at the foot of the legend's column, level with the
    map's bottom edge (the legend fits in the height above it). The scale bar is in
    kilometres (SCALE_BAR_UNIT) and linked to the map, as is the north arrow (true north, TRUE_NORTH); the
    scale bar stands in the map's bottom-left corner (SCALE_BAR_MM), below the area shown
    (`layout_extent`: its box covers no cluster). With
    a `theme` (a map theme of the project, `map_theme`), the map draws that theme's layers whatever
    the layer panel shows (QGIS's "Follow map theme"); without, the layers the panel shows.
    `overlays` (layers the panel lists unticked) are keyed under the legend in a legend of their
    own that lists a layer only while the map draws it (`overlay_legend`)."""
    page_w, page_h = PAGE_MM
    frame_mm = map_frame(extent)
    mx, my, mw, mh = frame_mm
    map_id = item_uuid(name, "map")
    shown = layout_extent(extent, mw, mh)
    page = layout_item("page", name, "", (0, 0, page_w, page_h), 0, {}, background=True)
    page.set("uuid", item_uuid(name, "page"))
    page.set("templateUuid", page.get("uuid", ""))
    pages = element("PageCollection", None, page, element("GuideCollection", {"visible": "1"}))
    map_item = layout_item("map", name, "map", frame_mm, 1, {
        "mapRotation": "0", "keepLayerSet": "false", "drawCanvasItems": "true",
        "followPreset": "true" if theme else "false", "followPresetName": theme, "isTemporal": "0", "mapFlags": "0",
        "labelMargin": "0,mm"},
        element("Extent", dict(zip(("xmin", "ymin", "xmax", "ymax"), (f"{v:.3f}" for v in shown), strict=True))),
        element("LayerSet"), element("labelBlockingItems"), frame=True, background=True)
    legend, *notes = legend_and_note(name, layers, frame_mm, note, overlays)
    bar_x, bar_up, bar_w, bar_h = SCALE_BAR_MM
    scalebar = layout_item("scalebar", name, "scale bar", (mx + bar_x, my + mh - bar_up, bar_w, bar_h), 4, {
        "mapUuid": map_id, "style": "Single Box", "unitType": SCALE_BAR_UNIT, "unitLabel": "km",
        "numMapUnitsPerScaleBarUnit": "1", "segmentSizeMode": "1", "minBarWidth": "20", "maxBarWidth": "60",
        "numSegments": "2", "numSegmentsLeft": "0", "numSubdivisions": "1", "subdivisionsHeight": "1.5",
        "numUnitsPerSegment": "10", "height": "2", "labelBarSpace": "2", "boxContentSpace": "2", "alignment": "0",
        "labelVerticalPlacement": "0", "labelHorizontalPlacement": "0", "lineJoinStyle": "miter",
        "lineCapStyle": "square", "outlineWidth": "0.3"},
        element("text-style", {"fontFamily": FONT, "fontSize": "8", "fontSizeUnit": "Point", "fontWeight": "50",
                               "namedStyle": "Regular", "textColor": "40,40,40,255", "textOpacity": "1"}),
        background=True)  # on the map, on white
    arrow_x, arrow_y, arrow_w, arrow_h = NORTH_ARROW_MM
    north = layout_item("picture", name, "north arrow", (mx + mw - arrow_x, my + arrow_y, arrow_w, arrow_h), 5, {
        "file": NORTH_ARROW, "mapUuid": map_id, "northMode": TRUE_NORTH, "northOffset": "0", "mode": "2",
        "resizeMode": "0", "anchorPoint": "4", "pictureRotation": "0", "pictureWidth": f"{arrow_w:g}",
        "pictureHeight": f"{arrow_h:g}",
        "svgFillColor": "255,255,255,255", "svgBorderColor": "0,0,0,255", "svgBorderWidth": "0.2"})
    title_item = title_label(name, title)
    source_w = page_w - 2 * mx
    source_lines = len(wrap_text(credits, source_w, SOURCE_PT))
    source_h = max(SOURCE_MIN_MM, math.ceil(((ASCENT_EM + DESCENT_EM) * SOURCE_PT * PT_MM * MARGIN * source_lines + 1.0)
                                            * 10) / 10)
    source = _label(name, "source", (mx, my + mh + 4, source_w, source_h), credits, SOURCE_PT)
    return element("Layout", {"name": name, "units": "mm", "printResolution": "300", "worldFileMap": map_id},
                   element("Snapper", {"snapToGrid": "0", "snapToGuides": "1", "snapToItems": "1", "tolerance": "5"}),
                   element("Grid", {"offsetUnits": "mm", "offsetX": "0", "offsetY": "0", "resUnits": "mm",
                                    "resolution": "10"}),
                   pages, map_item, legend, scalebar, north, title_item, source, *notes)


# --- site names on the layout's map -------------------------------------------------------------
#
# QGIS's label engine (PAL) tries a point's label at one distance around it; a built site's name,
# which must be drawn (AlwaysShow), goes where PAL finds the least cost when no position there is
# free. Where sites crowd (Qujing's two parks and hub within a few millimetres of the sheet) that
# put a long name in one line reaching 80 mm from its site, its far end in another cluster, or,
# once names are wrapped, over another site's name. So plan.qgs places its sites' names itself,
# on the sheet of its print layout (`site_label_spots`), as map.png does: each name, wrapped as
# QGIS wraps it (`word_wrap`), takes the first free position around its site, nearest first,
# farther out only where none is, and keeps its leader to the pie; QGIS draws each name at its
# position (`with_label_spots`: "offset from point" by millimetres on the sheet, so that at any
# other scale of the map window too a name stands that far from its site). The hubs', the
# sources' and the lakes' names are placed with them (`layout_label_spots`): QGIS counts the pies
# as labels, so a hub under a pie found no position free and went unnamed, which sources it named
# changed with the resolution of the export, and it tried a lake's name only inside the lake,
# where Fuxian's and Xingyun's found the sites' and sources' names and marks.

#: Distances (mm on the sheet) beyond a built site's pie tried for its name, nearest first; the
#: first is the gap its leader spans (LABEL_GAP_MM).
SITE_LABEL_STEPS_MM = (LABEL_GAP_MM, 6.0, 10.0, 15.0, 21.0, 28.0)
#: The first distance (mm) of a standing site's name from its diamond (no leader there), as its
#: labelling's; farther ones as a built site's, with a leader.
STANDING_GAP_MM = 1.0
#: The directions tried at each distance, in order, as (x, y) on the sheet (y down): right, above
#: right, below right, left, above left, below left, above, below. A name beside its site reads
#: from its leader's end (right) first.
SITE_LABEL_DIRECTIONS = ((1, 0), (1, -1), (1, 1), (-1, 0), (-1, -1), (-1, 1), (0, -1), (0, 1))
#: The type size (points) of the site names (the sites style's).
SITE_LABEL_PT = 9.0
#: The white halo round a site name's letters (mm; the sites style's buffer): two names' boxes
#: stand twice this apart, and a name's box this far inside the map frame.
SITE_HALO_MM = 1.2
#: The clear space (mm) between a name's box and a mark it is not the name of (a hub's, a
#: source's) and, LABEL_GAP_MM, another site's pie or diamond: a name does not come close enough
#: to another site's mark to read as its.
MARK_CLEARANCE_MM = SITE_HALO_MM + 0.3
#: How far (mm) beyond another mark's edge a lake's leader ends on its shore (`_SheetPlacer`
#: `shore`): at the nearest point of the shore no mark covers, not at a source's triangle or a
#: pie drawn over the nearest, where the leader would read as that mark's.
SHORE_CLEARANCE_MM = 0.5
#: The spacing (mm on the sheet) of the points of a lake's shore tried as its leader's end where
#: the nearest is reached only across another mark (`_SheetPlacer` `_led`).
SHORE_STEP_MM = 0.5
#: How far in from a circle a buffer's polygon of it reaches, as a share of its radius: the middle
#: of each of its edges (shapely's 16 segments a quarter circle).
_INSCRIBED = math.cos(math.pi / 64)


@dataclass(frozen=True)
class _Mark:
    """A round mark on the sheet that names keep off: centre (mm, y down), radius (mm), the
    clear space a name keeps from it, and the id of the site it marks ("" for another mark),
    whose own name it does not keep off."""

    x: float
    y: float
    radius: float
    clearance: float
    site_id: str = ""


@dataclass(frozen=True)
class _Named:
    """A site to name: id, point on the sheet (mm, y down), the radius (mm) of its pie (a
    standing site's diamond), its name's box (mm) and whether it is built (its name has a leader
    whatever its distance; a standing site's name only beyond its first, STANDING_GAP_MM);
    `outline`, a polygon's shape on the sheet (mm, y down; a lake's), to whose edge its leader
    runs (the nearest point no other mark covers, `_SheetPlacer.shore`; QGIS's callout ends
    there, `LabelSpot.shore_end`), None for a point's mark;
    `whole_shore`: its leader runs to the nearest point of its whole edge, under another mark or
    not (`_name_farther`: a lake whose leader reaches no uncovered part clear of the marks);
    `owner`: the id of the marks it does not keep off where not `site_id` (a change's name,
    _CHANGE and its feature's id: its site's, `mark_id`)."""

    site_id: str
    x: float
    y: float
    radius: float
    width: float
    height: float
    built: bool
    outline: Any = None
    whole_shore: bool = False
    owner: str = ""

    @property
    def mark_id(self) -> str:
        """The id of the marks that are its own (`_Mark.site_id`), which its name does not keep off."""
        return self.owner or self.site_id


#: A box on the sheet (x0, y0, x1, y1; mm, y down); a segment (x0, y0, x1, y1).
_Box = tuple[float, float, float, float]


def _box_distance(box: _Box, x: float, y: float) -> float:
    """The distance (mm) from a point to a box (x0, y0, x1, y1), 0 inside it."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return math.hypot(dx, dy)


def _overlap(a: _Box, b: _Box) -> float:
    """The area (mm2) two boxes share."""
    return max(min(a[2], b[2]) - max(a[0], b[0]), 0.0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)


def _crosses(segment: _Box, box: _Box) -> bool:
    """Whether a segment (x0, y0, x1, y1) meets a box (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = segment
    low, high = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - box[0]), (x1 - x0, box[2] - x0), (y0 - y1, y0 - box[1]), (y1 - y0, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _segments_cross(a: _Box, b: _Box) -> bool:
    """Whether two segments (x0, y0, x1, y1) cross each other: each one's ends strictly on either
    side of the other's line (two leaders meeting only at an end, or of no length, do not)."""
    def side(s: _Box, x: float, y: float) -> float:
        return (s[2] - s[0]) * (y - s[1]) - (s[3] - s[1]) * (x - s[0])

    return (side(a, b[0], b[1]) * side(a, b[2], b[3]) < 0) and (side(b, a[0], a[1]) * side(b, a[2], a[3]) < 0)


def _grown(box: _Box, by: float) -> _Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


#: The `_SheetPlacer._cost` bound of a caller that wants a free position only (cost 0): the least
#: float above 0, so that the cost stops at its first term above 0.
FREE_BOUND = math.ulp(0.0)


def _segment_distance(segment: _Box, x: float, y: float) -> float:
    """The distance (mm) from a point to a segment (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = segment
    length = (x1 - x0) ** 2 + (y1 - y0) ** 2
    t = 0.0 if length == 0 else min(max(((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / length, 0.0), 1.0)
    return math.hypot(x - x0 - t * (x1 - x0), y - y0 - t * (y1 - y0))


class _SheetPlacer:
    """Greedy placement of names on a layout's map (mm on the sheet, y down): each name takes
    the first position (`SITE_LABEL_STEPS_MM` by `SITE_LABEL_DIRECTIONS`, or the steps given)
    where its box, with its halo, lies inside `inside` and off `blocked` boxes, the names placed
    before it and their leaders, and keeps clear of every mark but its own; its leader (from the
    box's point nearest the feature to the feature's mark; a lake's to the nearest point of its
    shore no other mark covers, `shore`) crosses no name placed before it, no leader drawn before
    it (two crossing leaders leave the reader to guess which name is whose mark) and no other
    mark. Where no position is free, the least crowded. Deterministic: the order of `place` calls
    decides."""

    def __init__(self, inside: _Box, blocked: Sequence[_Box], marks: Sequence[_Mark]) -> None:
        self.inside = inside
        self.boxes: list[_Box] = list(blocked)
        self.leaders: list[_Box] = []
        self.marks = list(marks)
        #: The position the last `place` kept: its distance from the point and direction.
        self.last: tuple[float, int, int] | None = None
        self._shores: dict[str, Any] = {}

    def shore(self, site: _Named) -> Any:
        """The part of a polygon's edge (`_Named.outline`: a lake's shore) its leader may end on:
        SHORE_CLEARANCE_MM or more beyond every other mark's edge (a source's triangle or a pie
        drawn over the shore's nearest point would take the leader's end for its own); None for
        a point's mark, or where every mark's clearance covers the whole shore (a lake under a
        pie: its leader then ends on its shore all the same, as a source's under a pie does)."""
        if site.outline is None or site.whole_shore:
            return None
        if site.site_id not in self._shores:
            edge = site.outline.exterior if site.outline.geom_type == "Polygon" else site.outline.boundary
            # Each circle's polygon drawn round it, not inside it (a buffer's vertices lie on the
            # circle, its edges' middles within it): no end on the open shore comes nearer a mark.
            covered = [shapely.Point(m.x, m.y).buffer((m.radius + SHORE_CLEARANCE_MM) / _INSCRIBED)
                       for m in self.marks if m.site_id != site.site_id]
            open_shore = edge.difference(shapely.union_all(covered)) if covered else edge
            self._shores[site.site_id] = None if open_shore.is_empty else open_shore
        return self._shores[site.site_id]

    def _cost(self, site: _Named, box: _Box, leader: _Box | None, bound: float = math.inf) -> float:
        """How crowded a position of `site`'s name is (0: free): its box (with its halo) outside
        `inside`, over the names placed before it, crossed by their leaders and too near other
        marks, its leader over other marks, names and leaders. Stops as soon as the cost reaches
        `bound`, returning what it has reached: every term is at least 0, so the full cost is at
        least that (a sum of floats at least 0 never falls as terms are added), and a position
        that costs `bound` or more is of no use to a caller that wants one below it
        (`place`: below the best so far; FREE_BOUND: a free one)."""
        halo = _grown(box, SITE_HALO_MM)
        f = self.inside
        cost = 0.0
        if halo[0] < f[0] or halo[1] < f[1] or halo[2] > f[2] or halo[3] > f[3]:
            cost += 1e6
            if cost >= bound:
                return cost
        cost += sum(_overlap(halo, _grown(other, SITE_HALO_MM)) for other in self.boxes)
        if cost >= bound:
            return cost
        cost += sum(10.0 for other in self.leaders if _crosses(other, halo))
        if cost >= bound:
            return cost
        for mark in self.marks:
            if mark.site_id == site.mark_id:
                continue
            short = mark.radius + mark.clearance - _box_distance(box, mark.x, mark.y)
            if short > 0:
                cost += short * short
            # (A mark over the name's own point, or where its leader ends, no leader avoids; a lake's
            # leader ends where no other mark lies, `shore`, or, to its whole shore, avoids every
            # mark but one over the lake's point.)
            if leader is not None and _segment_distance(leader, mark.x, mark.y) < mark.radius and not (
                    mark.radius >= min(math.hypot(mark.x - site.x, mark.y - site.y),
                                       math.hypot(mark.x - leader[2], mark.y - leader[3])) if site.outline is None
                    else self.shore(site) is None and mark.radius >= math.hypot(mark.x - site.x, mark.y - site.y)):
                cost += 10.0
            if cost >= bound:
                return cost
        if leader is not None:
            cost += sum(10.0 for other in self.boxes if _crosses(leader, other))
            if cost >= bound:
                return cost
            cost += sum(10.0 for other in self.leaders if _segments_cross(leader, other))
        return cost

    def place(self, site: _Named, steps: Sequence[float], free_only: bool = False, centred: bool = False,
              leader_from: int = 1) -> LabelSpot | None:
        """`site`'s name's spot (its box and leader then kept off by the names placed after it);
        with `free_only`, None where no position is free (nothing kept). `centred`: the name is
        tried over its point first (a lake's, inside it); `leader_from`: the first of `steps` at
        which the name is tied to its mark by a leader (a built site's always is)."""
        candidates = [(-1, 0.0, 0, 0)] if centred else []
        candidates += [(n, site.radius + step, dx, dy) for n, step in enumerate(steps)
                       for dx, dy in SITE_LABEL_DIRECTIONS]
        best: tuple[float, int] | None = None
        for c, (n, reach, dx, dy) in enumerate(candidates):
            led = site.built or n >= leader_from
            bound = FREE_BOUND if free_only else math.inf if best is None else best[0]
            if led and site.outline is not None:
                # A lake's leader is sought along its shore (`_led`): not for a box that costs too much
                # already (the cost without the leader's terms is at most the cost with them).
                box, _segment, _spot = self._candidate(site, reach, dx, dy, led=False)
                if self._cost(site, box, None, bound) >= bound:
                    continue
            box, segment, _spot = self._led(site, reach, dx, dy, led)
            cost = self._cost(site, box, segment, bound)
            if best is None or cost < best[0]:
                best = (cost, c)
            if cost == 0:
                break
        if best is None or (free_only and best[0] > 0):  # (None: every position skipped as not free)
            assert free_only
            return None
        cost, c = best
        n, reach, dx, dy = candidates[c]
        box, segment, spot = self._led(site, reach, dx, dy, site.built or n >= leader_from)
        self.last = (reach, dx, dy)
        self.boxes.append(box)
        if segment is not None:
            self.leaders.append(segment)
        return LabelSpot(spot, 3 * (dy + 1) + dx + 1, n >= leader_from and not site.built)

    def place_over(self, site: _Named, points: Sequence[tuple[float, float]]) -> LabelSpot | None:
        """`site`'s name centred over the first of `points` (mm on the sheet) where it is free,
        with no leader (a lake's, inside it: `_inside_points`), its spot offset from the site's
        point; None, nothing kept, where none is free."""
        for x, y in points:
            box, _segment, _spot = self._candidate(dataclasses.replace(site, x=x, y=y), 0.0, 0, 0, led=False)
            if self._cost(site, box, None, FREE_BOUND) == 0:
                self.last = (0.0, 0, 0)
                self.boxes.append(box)
                return LabelSpot((round(x - site.x, 2), round(y - site.y, 2)), 4)
        return None

    def _led(self, site: _Named, reach: float, dx: int, dy: int, led: bool = True
             ) -> tuple[_Box, _Box | None, tuple[float, float]]:
        """`_candidate`, a lake's leader (where `led`: one is drawn) ending on the part of its shore
        no other mark covers (`shore`): at its nearest point, or, where the leader reaches that
        only across another mark, at the nearest point of it (every SHORE_STEP_MM along it) the
        leader reaches over none (the nearest where none is)."""
        shore = self.shore(site)
        box, segment, spot = self._candidate(site, reach, dx, dy, shore, led)
        if segment is None or shore is None or segment[:2] == segment[2:] or self._clear(site, segment):
            return box, segment, spot
        px, py = segment[:2]
        points = shapely.get_coordinates(shapely.segmentize(shore, SHORE_STEP_MM))
        ends = sorted(((float(x), float(y)) for x, y in points),
                      key=lambda end: (math.hypot(end[0] - px, end[1] - py), end))
        return box, next((led for x, y in ends if self._clear(site, led := (px, py, x, y))), segment), spot

    def _clear(self, site: _Named, leader: _Box) -> bool:
        """Whether a leader of `site`'s name passes over no other mark."""
        return all(_segment_distance(leader, mark.x, mark.y) >= mark.radius
                   for mark in self.marks if mark.site_id != site.mark_id)

    @staticmethod
    def _candidate(site: _Named, reach: float, dx: int, dy: int, shore: Any = None, led: bool = True
                   ) -> tuple[_Box, _Box | None, tuple[float, float]]:
        """The name's box, its leader (from the box's point nearest the site to the site's pie; a
        polygon's to the nearest point of `shore`, the part of its edge a leader may end on, or
        of its whole edge) and its offset from the site (mm), at `reach` from the site in the
        direction (dx, dy): the box's corner (a diagonal) or side's middle there, the box beyond
        it; centred on the site for the direction (0, 0), its leader then of no length. Without
        `led` (no leader is drawn), the leader is None, not worked out."""
        norm = math.hypot(dx, dy) or 1.0
        ox, oy = dx * reach / norm, dy * reach / norm
        px, py = site.x + ox, site.y + oy
        x0 = px if dx > 0 else px - site.width if dx < 0 else px - site.width / 2
        y0 = py if dy > 0 else py - site.height if dy < 0 else py - site.height / 2
        box = (x0, y0, x0 + site.width, y0 + site.height)
        if not led:
            return box, None, (round(ox, 2), round(oy, 2))
        end = site.radius / reach if reach > 0 else 1.0
        leader = (px, py, site.x + ox * end, site.y + oy * end)
        if site.outline is not None:  # to the polygon's nearest edge (or `shore`), none from inside it
            edge = site.outline.exterior if site.outline.geom_type == "Polygon" else site.outline.boundary
            end = shapely.ops.nearest_points(shore if shore is not None else edge, shapely.Point(px, py))[0]
            leader = (px, py, px, py) if site.outline.contains(shapely.Point(px, py)) else (px, py, end.x, end.y)
        return box, leader, (round(ox, 2), round(oy, 2))


def label_box(lines: Sequence[str], size_pt: float, bold: bool = False) -> tuple[float, float]:
    """The width and height (mm) of a label of `lines` at `size_pt`, measured as the legend's
    lines are (`text_mm`, with MARGIN), a line height (ascent and descent) a line."""
    line_mm = (ASCENT_EM + DESCENT_EM) * size_pt * PT_MM * MARGIN
    return max(text_mm(line, size_pt, bold) for line in lines), line_mm * len(lines)


def site_label_box(name: str) -> tuple[float, float]:
    """The width and height (mm) of a site's name as the sites style sets it (SITE_LABEL_PT,
    wrapped at SITE_LABEL_WRAP characters as QGIS wraps it), measured as the legend's lines are
    (`label_box`): no smaller than QGIS draws it."""
    return label_box(word_wrap(name, SITE_LABEL_WRAP), SITE_LABEL_PT)


def source_label_box(name: str) -> tuple[float, float]:
    """The width and height (mm) of a source's name on a print layout's map (SOURCE_LABEL_PT,
    wrapped at SITE_LABEL_WRAP characters as a site's name), measured as `label_box` measures."""
    return label_box(word_wrap(name, SITE_LABEL_WRAP), SOURCE_LABEL_PT)


def hub_label_box(text: str) -> tuple[float, float]:
    """The width and height (mm) of a hub's label (`hub_label_texts`: its lines) as the hubs
    style sets it (HUB_LABEL_PT, bold), measured as `label_box` measures."""
    return label_box(text.split("\n"), HUB_LABEL_PT, bold=True)


#: The prefixes of a hub's, a source's and a water's id among the names `_SheetPlacer` places (a
#: hub, a source, a red-line polygon and a site may share an id).
_HUB, _SOURCE, _WATER, _CHANGE = "hub:", "source:", "water:", "change:"
#: The type size (points) of the sources' names (the sources style's).
SOURCE_LABEL_PT = 7.0
#: Distances (mm) beyond a source's triangle tried for its name: the sources style's own first
#: (no leader there), then a site name's, with a leader, up to its farthest. A source's name
#: stands only where one of them is free; where none is (nor one of the narrower block's below),
#: it is left out and the layout's note says so (`unnamed_note`).
SOURCE_LABEL_STEPS_MM = (STANDING_GAP_MM, *SITE_LABEL_STEPS_MM[1:])
#: Where none of those is free, a source's name is tried once more, in a narrower block (wrapped
#: at SOURCE_NARROW_WRAP characters) and also farther out (SOURCE_FAR_STEPS_MM, with a leader):
#: for a name crowded out of its plain block by the names about it and the frame's edge.
SOURCE_NARROW_WRAP = 16
SOURCE_FAR_STEPS_MM = (35.0,)
#: Distances (mm) from a lake's point (its centroid, or a point inside it) tried for its name
#: where the name finds no room centred there, as map.png's (2 and 12 points), with no leader;
#: where none of them is free, once every lake had those, a site name's farther ones with a
#: leader to the lake's nearest shore (WATER_LEADER_STEPS_MM), still before any source's name.
#: Likewise only where free, else in the note.
WATER_LABEL_STEPS_MM = (1.0, 4.0)
WATER_LEADER_STEPS_MM = SITE_LABEL_STEPS_MM[1:]
#: A lake whose name finds no room over its point nor beside it, and whose area on the sheet is
#: at least this share of its name's box (large enough to hold its name), is named over another
#: point inside it (`_inside_points`), as map.png names a lake over a point inside it
#: (siting/deliver/mapplot.py: centred on its `point_on_surface`), before it is tried farther
#: out with a leader: a site's name over a lake's centre leaves it the rest of the lake. Smaller
#: lakes (Xingyun's, Qilu's on the shipped plan's sheet) hold a name only with most of it over land.
WATER_INSIDE_SHARE = 0.5
#: The spacing (mm on the sheet) of the points inside a lake tried as its name's centre, and the
#: most points of that grid over the lake's extent (a lake larger on the sheet has a coarser one).
WATER_INSIDE_STEP_MM = 0.5
WATER_INSIDE_POINTS = 2000


@dataclass(frozen=True)
class LayoutSpots:
    """Where a print layout's map names its sites, its hubs, its sources and the open water of
    its red line (`lakes`): feature id -> `LabelSpot`, by layer (a source or a lake without a
    spot is not named there); `unnamed`, the sources and lakes left unnamed for want of room, as
    the layout's note lists them ("<name> (source)", "<name> (<its category>)": "(lake)"), in
    the order placed."""

    sites: dict[str, LabelSpot] = field(default_factory=dict)
    pies: dict[str, PieSpot] = field(default_factory=dict)
    hubs: dict[str, LabelSpot] = field(default_factory=dict)
    sources: dict[str, LabelSpot] = field(default_factory=dict)
    lakes: dict[str, LabelSpot] = field(default_factory=dict)
    unnamed: tuple[str, ...] = ()
    #: The names diff.qml's rules draw (NAMING_RULES: a forced change's, an unbuilt site's), by
    #: the feature's id in diff.geojson ("<site>@<scenario>").
    changes: dict[str, LabelSpot] = field(default_factory=dict)


def unnamed_note(unnamed: Sequence[str]) -> str:
    """A print layout's note of the names its map leaves out for want of room (`LayoutSpots`'s
    `unnamed`), one a line after the first; "" for none."""
    return "\n".join(["Not named on this map for want of room:", *unnamed]) if unnamed else ""


#: A print layout's note of the pies its map moves aside, off their sites (`layout_note`):
#: map.png's legend key of their marks in words (siting/deliver/mapplot.py LEADER_LABEL).
PIES_ASIDE_NOTE = "Pies moved aside where crowded: a dot marks the true site, a line leads to the pie."


def layout_note(spots: LayoutSpots) -> str:
    """A print layout's note of what its map (`spots`, `layout_label_spots`) does not show as
    the layers do: PIES_ASIDE_NOTE where it moves a pie off its site (a dot on the site, a
    leader to the pie: `PieSpot.edge_mm`), then the names it leaves out for want of room
    (`unnamed_note`), a blank line between; "" for neither."""
    moved = PIES_ASIDE_NOTE if any(pie.edge_mm is not None for pie in spots.pies.values()) else ""
    return "\n\n".join(text for text in (moved, unnamed_note(spots.unnamed)) if text)


@dataclass(frozen=True)
class _SheetView:
    """A print layout's map frame (`frame_mm`: x, y, width, height on the page) showing `shown`
    (xmin, ymin, xmax, ymax in `working_crs`, of the frame's shape)."""

    frame_mm: tuple[float, float, float, float]
    shown: tuple[float, float, float, float]
    working_crs: str

    def points(self, frame: Any) -> list[tuple[float, float]]:
        """Each feature's point on the sheet (mm, y down): its centroid, a polygon's point on its
        surface where the centroid is outside it; NaN for an empty geometry."""
        mx, my, mw, _mh = self.frame_mm
        x0, _y0, x1, y1 = self.shown
        scale = mw / (x1 - x0)
        points = []
        for geometry in frame.to_crs(self.working_crs).geometry:
            point = geometry.centroid if geometry is not None and not geometry.is_empty else None
            if point is not None and geometry.geom_type.endswith("Polygon") and not geometry.contains(point):
                point = geometry.representative_point()
            points.append((math.nan, math.nan) if point is None else
                          (mx + (point.x - x0) * scale, my + (y1 - point.y) * scale))
        return points


def _sheet_shapes(frame: Any, view: _SheetView) -> list[Any]:
    """Each feature's geometry on the sheet of `view` (mm, y down)."""
    mx, my, mw, _mh = view.frame_mm
    x0, _y0, x1, y1 = view.shown
    scale = mw / (x1 - x0)
    return [shapely.affinity.affine_transform(g, [scale, 0.0, 0.0, -scale, mx - x0 * scale, my + y1 * scale])
            for g in frame.to_crs(view.working_crs).geometry]


def _site_names(sites: OutputLayer, top: float, view: _SheetView
                ) -> tuple[list[tuple[tuple[int, float], _Named]], list[_Mark]]:
    """The named sites (ranked: the built by capex, the largest first, then the standing ones)
    and the marks of the labelled ones (a built site's pie or marker, a standing site's diamond)
    and of the others (an eligible site's amber dot, an excluded site's grey marker:
    `unnamed_site_radius_mm`), which the names keep off as map.png's keep off every site's mark."""
    named: list[tuple[tuple[int, float], _Named]] = []
    marks: list[_Mark] = []
    if sites.frame.empty or "status" not in sites.frame.columns:
        return named, marks
    statuses = labelled_statuses(sites)
    frame = sites.frame
    for (x, y), status, name, site_id, capex in zip(
            view.points(frame), frame["status"], frame.get("name", frame["id"]), frame["id"],
            frame["capex_yuan"] if "capex_yuan" in frame.columns else [0.0] * len(frame), strict=True):
        if math.isnan(x):
            continue
        if str(status) not in statuses:
            if str(status) in UNNAMED_SITE_MM:
                marks.append(_Mark(x, y, unnamed_site_radius_mm(str(status)), MARK_CLEARANCE_MM, str(site_id)))
            continue
        capex = 0.0 if capex is None or pd.isna(capex) else max(float(capex), 0.0)
        share = math.sqrt(capex / top) if status == "built" else 0.0
        pie = PIE_MM / 2 * share
        if status == "built":
            low, high = BUILT_MARKER_MM
            marks.append(_Mark(x, y, max(pie, (low + (high - low) * share) / 2), LABEL_GAP_MM, str(site_id)))
        else:
            marks.append(_Mark(x, y, STANDING_MM / 2, LABEL_GAP_MM, str(site_id)))
        if name is None or pd.isna(name) or not str(name).strip():
            continue
        width, height = site_label_box(str(name))
        built = status == "built"
        named.append(((0, -capex) if built else (3, 0.0),
                      _Named(str(site_id), x, y, pie if built else STANDING_MM / 2, width, height, built)))
    return named, marks


def _hub_names(hubs: OutputLayer, view: _SheetView) -> tuple[list[tuple[tuple[int, float], _Named]], list[_Mark]]:
    """The named hubs (ranked after the built sites, in the layer's order; each id prefixed
    _HUB) and the marks of the hubs and the gateway; a gateway named with the hub it lies at (no
    label of its own, `hub_label_texts`) marks that hub's place, whose name keeps clear of its star."""
    texts = hub_label_texts(hubs)
    points = view.points(hubs.frame)
    ids, kinds = [str(i) for i in hubs.frame["id"]], list(hubs.frame["kind"])
    radii = [(GATEWAY_MM if kind == "gateway" else HUB_MM) / 2 for kind in kinds]
    owners = [ids[i] if texts.get(ids[i]) else next(
        (ids[j] for j, kind in enumerate(kinds) if kind == "hub" and math.dist(points[j], points[i]) < 1e-6), ids[i])
        for i in range(len(ids))]
    named: list[tuple[tuple[int, float], _Named]] = []
    marks: list[_Mark] = []
    for i, (x, y) in enumerate(points):
        if math.isnan(x):
            continue
        marks.append(_Mark(x, y, radii[i], MARK_CLEARANCE_MM, _HUB + owners[i]))
        if texts.get(ids[i], "").strip():
            reach = max(radii[j] for j, owner in enumerate(owners) if owner == ids[i])
            width, height = hub_label_box(texts[ids[i]])
            named.append(((1, float(i)), _Named(_HUB + ids[i], x, y, reach, width, height, False)))
    return named, marks


def _source_names(sources: OutputLayer, view: _SheetView
                  ) -> tuple[list[tuple[tuple[int, float], _Named]], list[_Mark]]:
    """The named sources (ranked after the lakes, the largest supply first; each id
    prefixed _SOURCE), their names wrapped as the sites' are (`source_label_box`), and the
    sources' triangles (by supply, as the sources style draws them)."""
    named: list[tuple[tuple[int, float], _Named]] = []
    marks: list[_Mark] = []
    if "supply_t_per_yr" not in sources.frame.columns:
        return named, marks
    frame = sources.frame
    supplies = [float(v) if v is not None and not pd.isna(v) else 0.0 for v in frame["supply_t_per_yr"]]
    largest = max([*supplies, 0.0]) or 1.0
    low, high = SOURCE_MARKER_MM
    for (x, y), supply, source_id, name in zip(view.points(frame), supplies, frame["id"],
                                               frame.get("name", frame["id"]), strict=True):
        if math.isnan(x):
            continue
        radius = (low + (high - low) * math.sqrt(max(supply, 0.0) / largest)) / 2
        marks.append(_Mark(x, y, radius, MARK_CLEARANCE_MM, _SOURCE + str(source_id)))
        if name is not None and not pd.isna(name) and str(name).strip():
            width, height = source_label_box(str(name))
            named.append(((5, -supply), _Named(_SOURCE + str(source_id), x, y, radius, width, height, False)))
    return named, marks


def _water_names(redline: OutputLayer, view: _SheetView) -> list[tuple[tuple[int, float], _Named]]:
    """The named open water of the red line (`redline_colour` WATER, as its style names it:
    `redline_labels`), ranked after the standing sites and before the sources (a lake, a
    landmark of the sheet, is named before a source's name can take its room), the largest
    first; each id prefixed _WATER, its name's box as the style sets it (WATER_LABEL_PT, one
    line) and its point where QGIS puts a polygon's label (its centroid, or a point inside it
    where that is outside)."""
    frame = redline.frame
    if "category" not in frame.columns or "name" not in frame.columns:
        return []
    water = [redline_colour(str(c)) == WATER for c in frame["category"]]
    lakes = frame.loc[water]
    named: list[tuple[tuple[int, float], _Named]] = []
    shapes = _sheet_shapes(lakes, view)
    for (x, y), shape, lake_id, name in zip(view.points(lakes), shapes, lakes["id"], lakes["name"], strict=True):
        if math.isnan(x) or name is None or pd.isna(name) or not str(name).strip():
            continue
        width, height = label_box([str(name)], WATER_LABEL_PT)
        named.append(((4, -float(shape.area)), _Named(_WATER + str(lake_id), x, y, 0.0, width, height, False,
                                                       shape)))
    return named


def _change_names(changes: OutputLayer, sites: OutputLayer | None, view: _SheetView
                  ) -> list[tuple[tuple[int, float], _Named]]:
    """The sites a run's changes name (diff.qml's rules NAMING_RULES, by the same test,
    `naming_rule`; a site the run's sites layer names as standing left out, as compare.qgs
    leaves it out of the rules, `without_names_of`), ranked after the hubs (the forced first,
    then in the layer's order); each id _CHANGE and its feature's id, its own marks its site's
    (`_Named.owner`), its name's box as the rule sets it (7 points, one line; a forced change's
    bold), its point the site's and its reach its mark's: a forced change's ring
    (FORCED_RING_MM), else its marker at a point site (CHANGE_MARKER_MM), 0 at a polygon site."""
    frame = changes.frame
    if frame.empty:
        return []
    standing: set[str] = set()
    if sites is not None and {"status", "id"} <= set(sites.frame.columns):
        standing = {str(i) for i, s in zip(sites.frame["id"], sites.frame["status"], strict=True) if s == "standing"}
    point = changes.geometry_type.endswith("Point")
    named: list[tuple[tuple[int, float], _Named]] = []
    records = frame.drop(columns="geometry").to_dict("records")
    for k, ((x, y), record) in enumerate(zip(view.points(frame), records, strict=True)):
        rule = naming_rule(record)
        site = str(record.get("site", record.get("id")))
        if math.isnan(x) or not rule or site in standing:
            continue
        name = record.get("name")
        text = str(name) if name is not None and not pd.isna(name) and str(name).strip() else site
        forced = rule == "forced"
        width, height = label_box([text], CHANGE_NAME_PT, bold=forced)
        reach = FORCED_RING_MM / 2 if forced else CHANGE_MARKER_MM / 2 if point else 0.0
        named.append(((2, float(k if forced else len(records) + k)),
                      _Named(_CHANGE + str(record.get("id", site)), x, y, reach, width, height, False, owner=site)))
    return named


def _inside_points(lake: _Named) -> list[tuple[float, float]]:
    """The points (mm on the sheet) inside a lake (`_Named.outline`) tried as its name's centre
    where it finds no room over its own point (WATER_INSIDE_SHARE: none for a lake too small to
    hold its name): map.png's point (its `point_on_surface`) first, then every point of a grid
    (WATER_INSIDE_STEP_MM, coarser over a lake whose extent holds more than WATER_INSIDE_POINTS)
    inside the lake, those where more of the name's box lies over the lake first (in tenths of
    the box), the nearest the lake's point on ties."""
    shape = lake.outline
    if shape is None or shape.is_empty or shape.area < WATER_INSIDE_SHARE * lake.width * lake.height:
        return []
    surface = shapely.point_on_surface(shape)
    x0, y0, x1, y1 = shape.bounds
    step = max(WATER_INSIDE_STEP_MM, math.sqrt((x1 - x0) * (y1 - y0) / WATER_INSIDE_POINTS))
    grid = [(x0 + step * i, y0 + step * j) for i in range(int((x1 - x0) / step) + 1)
            for j in range(int((y1 - y0) / step) + 1)]
    inside = [point for point, within in zip(grid, shapely.contains_xy(shape, grid), strict=True) if within]
    w, h = lake.width / 2, lake.height / 2
    covered = shapely.area(shapely.intersection(shape, shapely.box([x - w for x, _y in inside],
                                                                    [y - h for _x, y in inside],
                                                                    [x + w for x, _y in inside],
                                                                    [y + h for _x, y in inside])))
    share = [round(10 * float(c) / (lake.width * lake.height)) for c in covered]
    ordered = sorted(range(len(inside)), key=lambda k: (-share[k], math.dist(inside[k], (lake.x, lake.y)), k))
    return [(surface.x, surface.y), *(inside[k] for k in ordered)]


def _other_marks(changes: OutputLayer | None, view: _SheetView) -> list[_Mark]:
    """The marks names keep off that are none's: the markers of a run's changes at point sites
    (`diff`: each of its site's own) and, at polygon sites, the badge diff.qml draws on the
    site's point of each change it marks (`change_marks`: MARKED_CHANGES, CHANGE_MARK_MM across,
    drawn over the names), an eligible site's whose options changed too."""
    marks: list[_Mark] = []
    if changes is None or changes.frame.empty:
        return marks
    frame = changes.frame
    point = changes.geometry_type.endswith("Point")
    kinds = frame["change"] if "change" in frame.columns else [None] * len(frame)
    for (x, y), site_id, change in zip(view.points(frame), frame.get("site", frame["id"]), kinds, strict=True):
        if math.isnan(x):
            continue
        if point:
            marks.append(_Mark(x, y, CHANGE_MARKER_MM / 2, LABEL_GAP_MM, str(site_id)))
        elif change in MARKED_CHANGES:
            marks.append(_Mark(x, y, CHANGE_MARK_MM / 2, LABEL_GAP_MM, str(site_id)))
    return marks


def layout_label_spots(layers: Sequence[OutputLayer], sites_qml: str, working_crs: str,
                       frame_mm: Sequence[float], shown: Sequence[float]) -> LayoutSpots:
    """Where a plan's print layout names each built and standing site (`labelled_statuses`),
    each hub (its label, `hub_label_texts`: a gateway at a hub is named with it), each source
    and each lake of the red line, placed by `_SheetPlacer` on the layout's map frame
    (`frame_mm`: x, y, width, height on the page) showing `shown` (xmin, ymin, xmax, ymax in
    `working_crs`, of the frame's shape): the built sites by capex (the largest first, as QGIS
    ranks them), then the hubs (in the layer's order), then the sites a run's changes name (`diff`:
    diff.qml's "forced" and "unbuilt" rules, `_change_names`; always named, as the hubs), then the
    standing sites, then the lakes
    (the largest first; landmarks of the sheet, named before a source's name can take their
    room), each over its point where there is room, else beside it (WATER_LABEL_STEPS_MM, no
    leader), else, a lake large enough to hold its name (WATER_INSIDE_SHARE), over another point
    inside it (`_inside_points`, no leader), and, the lakes that found no room there, farther
    out with a leader to their shore (WATER_LEADER_STEPS_MM), then the sources (the largest
    supply first) where there is room (SOURCE_LABEL_STEPS_MM: a source's name only at a free
    position, with a leader beyond the first); all only at a free position. A source that finds
    none is tried again at once in a narrower block, also farther out (SOURCE_NARROW_WRAP,
    SOURCE_FAR_STEPS_MM; its spot says the wrap). A source or lake that finds none is left
    unnamed and listed in `LayoutSpots.unnamed`. The names keep off each other, off every
    site's pie, diamond and marker,
    the hubs' and the sources' marks and, where `layers` has a run's changes (`diff`, of point
    sites), their markers, the scale bar and the north arrow, and inside the map frame; a leader
    crosses no name and no mark but its own (nor one lying over its own). Pie radii from
    `sites_qml`'s capex scale (`capex_scale`). Built sites' pies that would cover each other on
    the sheet are first moved aside as map.png moves them (`_pies_aside`, `LayoutSpots.pies`);
    a moved site's name is placed about its pie where it is drawn (its spot's `pie_mm`, its
    leader ending on that pie's edge, `pie_edge`), and the names keep off the dot on the site
    of a pie moved off it and off the leader from it to the pie. In the canvas, where every pie
    stands on its site, such a name stands as far from its site as from its pie on the sheet,
    or, where that covers another name, elsewhere (`_canvas_spots`). Empty where nothing is
    named."""
    by_name = {layer.name: layer for layer in layers}
    mx, my, mw, mh = frame_mm
    view = _SheetView((mx, my, mw, mh), (shown[0], shown[1], shown[2], shown[3]), working_crs)
    named: list[tuple[tuple[int, float], _Named]] = []
    marks: list[_Mark] = []
    for layer, names in ((by_name.get("sites"), lambda layer: _site_names(layer, capex_scale(sites_qml) or 1.0, view)),
                         (by_name.get("hubs"), lambda layer: _hub_names(layer, view)),
                         (by_name.get("sources"), lambda layer: _source_names(layer, view)),
                         (by_name.get("redline"), lambda layer: (_water_names(layer, view), [])),
                         (by_name.get("diff"), lambda layer: (_change_names(layer, by_name.get("sites"), view), []))):
        if layer is not None and not layer.frame.empty:
            found, marked = names(layer)
            named += found
            marks += marked
    if not named:
        return LayoutSpots()
    sites = by_name.get("sites")
    moved = {} if sites is None else _pies_aside(sites, marks, view)
    homes = {item.site_id: item for _rank, item in named if item.site_id in moved}
    named = [(rank, dataclasses.replace(item, x=moved[item.site_id][0], y=moved[item.site_id][1]))
             if item.site_id in moved else (rank, item) for rank, item in named]
    canvas_marks = list(marks)  # as the canvas draws them, every pie on its site
    marks = [dataclasses.replace(mark, x=moved[mark.site_id][0], y=moved[mark.site_id][1])
             if mark.site_id in moved else mark for mark in marks]
    at = {} if sites is None else dict(zip((str(i) for i in sites.frame["id"]), view.points(sites.frame), strict=True))
    radii = {mark.site_id: mark.radius for mark in marks if mark.site_id in moved}
    # A leader from a site off its pie (as map.png's `draw_leaders`) to the pie's edge, a dot on the site.
    edges = {i: _pie_edge(at[i], moved[i], radii[i]) for i in moved if math.dist(at[i], moved[i]) > radii[i]}
    marks += [_Mark(*at[i], SITE_DOT_MM / 2, LABEL_GAP_MM, i) for i in edges]
    marks += _other_marks(by_name.get("diff"), view)
    canvas_marks += _other_marks(by_name.get("diff"), view)
    bar_x, bar_up, bar_w, bar_h = SCALE_BAR_MM
    blocked = [(mx + bar_x, my + mh - bar_up, mx + bar_x + bar_w, my + mh - bar_up + bar_h),
               (mx + mw - NORTH_ARROW_MM[0], my + NORTH_ARROW_MM[1],
                mx + mw - NORTH_ARROW_MM[0] + NORTH_ARROW_MM[2], my + NORTH_ARROW_MM[1] + NORTH_ARROW_MM[3])]
    placer = _SheetPlacer((mx, my, mx + mw, my + mh), blocked, marks)
    placer.leaders += [(*at[i], *edge) for i, edge in edges.items()]
    found = LayoutSpots()
    unnamed: list[str] = []
    texts = {**({} if by_name.get("sources") is None else _texts(by_name["sources"], _SOURCE, "source")),
             **({} if by_name.get("redline") is None else _texts(by_name["redline"], _WATER))}
    farther: list[_Named] = []  # lakes with no room over or beside them, tried farther out after the other lakes
    aside: dict[str, tuple[int, int, tuple[float, int, int]]] = {}  # moved pies' names: box, leader, position
    narrow = {} if by_name.get("sources") is None else _narrow_sources(by_name["sources"], named)
    redline = by_name.get("redline")

    def on_redline(point: tuple[float, float]) -> tuple[float, float]:
        assert redline is not None  # (a lake is named only from it)
        return _on_layer(view, redline, point)

    for _rank, item in sorted(named, key=lambda pair: (pair[0], pair[1].site_id)):
        if farther and not item.site_id.startswith(_WATER):  # every lake named before the first source
            _name_farther(placer, farther, found, unnamed, texts, on_redline)
        if item.site_id.startswith((_SOURCE, _WATER)):
            water = item.site_id.startswith(_WATER)
            spot = (placer.place(item, WATER_LABEL_STEPS_MM, free_only=True, centred=True,
                                 leader_from=len(WATER_LABEL_STEPS_MM)) if water
                    else placer.place(item, SOURCE_LABEL_STEPS_MM, free_only=True))
            if spot is None and not water and item.site_id in narrow:
                spot = placer.place(narrow[item.site_id], (*SOURCE_LABEL_STEPS_MM, *SOURCE_FAR_STEPS_MM),
                                    free_only=True)
                spot = None if spot is None else dataclasses.replace(spot, wrap_chars=SOURCE_NARROW_WRAP)
            if spot is None and water:
                spot = placer.place_over(item, _inside_points(item))
            if spot is not None:
                _keep(found, item, spot)
            elif water:
                farther.append(item)
            else:
                unnamed.append(texts[item.site_id])
            continue
        spot = placer.place(item, SITE_LABEL_STEPS_MM if item.built else (STANDING_GAP_MM, *SITE_LABEL_STEPS_MM[1:]))
        assert spot is not None
        if item.site_id.startswith(_HUB):
            found.hubs[item.site_id.removeprefix(_HUB)] = spot
        elif item.site_id.startswith(_CHANGE):
            found.changes[item.site_id.removeprefix(_CHANGE)] = dataclasses.replace(
                spot, anchor_mm=round(item.radius, 2) if spot.leader else None)
        elif item.site_id in moved:
            assert placer.last is not None
            aside[item.site_id] = (len(placer.boxes) - 1, len(placer.leaders) - 1, placer.last)
            box = placer.boxes[-1]
            start = (min(max(item.x, box[0]), box[2]), min(max(item.y, box[1]), box[3]))
            end = _pie_edge((item.x, item.y), (item.x, item.y), radii[item.site_id], start)
            shift = (moved[item.site_id][0] - at[item.site_id][0], moved[item.site_id][1] - at[item.site_id][1])
            found.sites[item.site_id] = dataclasses.replace(spot, pie_mm=(round(shift[0], 2), round(shift[1], 2)),
                                                            pie_edge=_on_layer(view, sites, end))
        else:
            found.sites[item.site_id] = spot
    _name_farther(placer, farther, found, unnamed, texts, on_redline)
    _canvas_spots(found, placer, {i: (*aside[i], homes[i]) for i in aside}, canvas_marks, len(edges))
    pies = {i: PieSpot((round(moved[i][0] - at[i][0], 2), round(moved[i][1] - at[i][1], 2)),
                       _on_layer(view, sites, moved[i]),
                       (round(edges[i][0] - at[i][0], 2), round(edges[i][1] - at[i][1], 2)) if i in edges else None)
            for i in moved} if sites is not None else {}
    return dataclasses.replace(found, unnamed=tuple(unnamed), pies=pies)


def _name_farther(placer: _SheetPlacer, farther: list[_Named], found: LayoutSpots, unnamed: list[str],
                  texts: Mapping[str, str], on_layer: Callable[[tuple[float, float]], tuple[float, float]]) -> None:
    """The lakes of `farther`, which found no room over, beside or inside them, named farther out
    with a leader to their shore (WATER_LEADER_STEPS_MM) where free (their spots in `found`, each
    with where its leader ends, `on_layer`: a point on the sheet in the red line's CRS), the
    others listed in `unnamed` (by their `texts`); `farther` emptied. A leader ends on the shore
    off the other marks (`_SheetPlacer.shore`); a lake whose name finds no position whose leader
    reaches that, over no other mark, is tried once more with its leader to its whole shore (a
    lake mostly under a pie, as a source's under a pie)."""
    for item in farther:
        spot = placer.place(item, WATER_LEADER_STEPS_MM, free_only=True, leader_from=0)
        if spot is None and placer.shore(item) is not None:
            spot = placer.place(dataclasses.replace(item, whole_shore=True), WATER_LEADER_STEPS_MM, free_only=True,
                                leader_from=0)
        if spot is None:
            unnamed.append(texts[item.site_id])
            continue
        leader = placer.leaders[-1]
        _keep(found, item, spot if leader[:2] == leader[2:] else
              dataclasses.replace(spot, shore_end=on_layer((leader[2], leader[3]))))
    farther.clear()


def _canvas_spots(found: LayoutSpots, placer: _SheetPlacer,
                  aside: Mapping[str, tuple[int, int, tuple[float, int, int], _Named]], marks: Sequence[_Mark],
                  layout_leaders: int) -> None:
    """Where the canvas names the sites whose pies the layout moves aside, in `found`'s spots.
    There every pie stands on its site (`marks`: every mark where the canvas draws it) and such
    a name `offset_mm` from its site, as far from its pie as on the sheet; every other name
    stands where the sheet has it. Where that position covers another name or mark, or its
    leader crosses another name, the name stands where the sheet has it instead (`offset_mm`
    and `pie_mm` from its site; `LabelSpot.canvas_mm`, `canvas_quadrant`), off every other name
    by its placement; where its leader from there to the pie on its site crosses a name or a
    mark, at the first free position about its site (the least crowded where none is).
    `aside`: site id -> the index of its name's box and of its leader among `placer`'s, the
    distance and direction of its position from its pie, and the site at its own point, in the
    order placed; `layout_leaders`: how many of `placer`'s leaders, its first, the sheet alone
    draws (the moved pies' own)."""
    if not aside:
        return
    own = {box for box, _leader, _position, _home in aside.values()}
    led = {leader for _box, leader, _position, _home in aside.values()}
    canvas = _SheetPlacer(placer.inside, [box for k, box in enumerate(placer.boxes) if k not in own], marks)
    canvas.leaders = [line for k, line in enumerate(placer.leaders) if k >= layout_leaders and k not in led]
    for site_id, (box_at, _leader, (reach, dx, dy), home) in aside.items():
        spot = found.sites[site_id]
        assert spot.pie_mm is not None
        box, segment, _offset = canvas._candidate(home, reach, dx, dy)  # `offset_mm` from its site
        if canvas._cost(home, box, segment, FREE_BOUND) > 0:
            box = placer.boxes[box_at]  # where the sheet has it, a leader to the pie on its site
            start = (min(max(home.x, box[0]), box[2]), min(max(home.y, box[1]), box[3]))
            segment = (*start, *_pie_edge((home.x, home.y), (home.x, home.y), home.radius, start))
            if canvas._cost(home, box, segment, FREE_BOUND) > 0:
                placed = canvas.place(home, SITE_LABEL_STEPS_MM)  # kept by `canvas`
                assert placed is not None
                found.sites[site_id] = dataclasses.replace(spot, canvas_mm=placed.offset_mm,
                                                           canvas_quadrant=placed.quadrant)
                continue
            offset = (round(spot.offset_mm[0] + spot.pie_mm[0], 2), round(spot.offset_mm[1] + spot.pie_mm[1], 2))
            found.sites[site_id] = dataclasses.replace(spot, canvas_mm=offset, canvas_quadrant=spot.quadrant)
        canvas.boxes.append(box)
        canvas.leaders.append(segment)


#: Points per millimetre on the sheet.
_PT_PER_MM = 72 / 25.4


def _pies_aside(sites: OutputLayer, marks: Sequence[_Mark], view: _SheetView) -> dict[str, tuple[float, float]]:
    """Where a print layout's map (`view`) draws the built sites' pies that would cover each other
    on the sheet, moved aside as map.png moves them (siting/deliver/mapplot.py `displaced_centres`:
    `spread_pies`, then clear of the other marks, the hubs' and the sources', and of the standing
    sites' diamonds, inside the map frame): site id -> the pie's centre (mm on the sheet, y down),
    for the moved pies only (a pie on its site keeps it exactly). `marks`: the sites' marks
    (`_site_names`: a built site's the larger of its pie and its marker), the hubs' and the
    sources'."""
    from siting.deliver.mapplot import BuiltSite, displaced_centres  # matplotlib loads only to draw

    frame = sites.frame
    if "status" not in frame.columns:
        return {}
    statuses = {str(i): str(s) for i, s in zip(frame["id"], frame["status"], strict=True)}
    built = [m for m in marks if statuses.get(m.site_id) == "built"]
    if len(built) < 2:
        return {}
    standing = [(m.x, -m.y, m.radius * _PT_PER_MM) for m in marks if statuses.get(m.site_id) == "standing"]
    others = [(m.x, -m.y, m.radius * _PT_PER_MM) for m in marks if m.site_id.startswith((_HUB, _SOURCE))]
    mx, my, mw, mh = view.frame_mm
    centres = displaced_centres([BuiltSite(m.site_id, m.x, -m.y, 0.0, {}, m.site_id) for m in built],
                                [m.radius * _PT_PER_MM for m in built], 1 / _PT_PER_MM,
                                (mx, -(my + mh), mx + mw, -my), others, standing)
    return {m.site_id: (x, -y) for m, (x, y) in zip(built, centres, strict=True) if (x, -y) != (m.x, m.y)}


def _pie_edge(site: tuple[float, float], centre: tuple[float, float], radius: float,
              towards: tuple[float, float] | None = None) -> tuple[float, float]:
    """The point of a pie's edge (centre, radius; mm on the sheet) facing `towards` (the site's point by default)."""
    tx, ty = towards if towards is not None else site
    dx, dy = tx - centre[0], ty - centre[1]
    length = math.hypot(dx, dy) or 1.0
    return centre[0] + dx / length * radius, centre[1] + dy / length * radius


def _on_layer(view: _SheetView, layer: OutputLayer, point: tuple[float, float]) -> tuple[float, float]:
    """A point on the sheet of `view` (mm, y down) in `layer`'s CRS (its features', where it has one)."""
    mx, my, mw, _mh = view.frame_mm
    x0, _y0, x1, y1 = view.shown
    scale = mw / (x1 - x0)
    x, y = x0 + (point[0] - mx) / scale, y1 - (point[1] - my) / scale
    crs = layer.frame.crs
    if crs is None:
        return x, y
    x, y = pyproj.Transformer.from_crs(view.working_crs, crs, always_xy=True).transform(x, y)
    return float(x), float(y)


def _narrow_sources(sources: OutputLayer, named: Sequence[tuple[tuple[int, float], _Named]]) -> dict[str, _Named]:
    """Prefixed id -> the source of `named` with its name's box wrapped at SOURCE_NARROW_WRAP
    characters (`source_label_box`'s measure), for the sources whose name that makes narrower."""
    frame = sources.frame
    names = dict(zip((_SOURCE + str(i) for i in frame["id"]), frame.get("name", frame["id"]), strict=True))
    found = {}
    for _rank, item in named:
        name = names.get(item.site_id)
        if name is None or pd.isna(name):
            continue
        width, height = label_box(word_wrap(str(name), SOURCE_NARROW_WRAP), SOURCE_LABEL_PT)
        if width < item.width:
            found[item.site_id] = dataclasses.replace(item, width=width, height=height)
    return found


def _keep(found: LayoutSpots, item: _Named, spot: LabelSpot) -> None:
    """`spot` kept in `found` as the spot of the source or lake `item` (a source's leader
    ending at its triangle's edge)."""
    if item.site_id.startswith(_WATER):
        found.lakes[item.site_id.removeprefix(_WATER)] = spot
    else:
        found.sources[item.site_id.removeprefix(_SOURCE)] = dataclasses.replace(
            spot, anchor_mm=round(item.radius, 2) if spot.leader else None)


def _texts(layer: OutputLayer, prefix: str, kind: str | None = None) -> dict[str, str]:
    """The layer's features' names as the layout's note lists them: prefixed id -> "<name>
    (<kind>)", or with kind None "<name> (<its category>)" (a red-line polygon's: "lake")."""
    frame = layer.frame
    names = frame["name"] if "name" in frame.columns else frame["id"]
    kinds = [kind or category_label(str(c)) for c in frame.get("category", [kind] * len(frame))]
    return {f"{prefix}{i}": f"{name} ({k})" for i, name, k in zip(frame["id"], names, kinds, strict=True)}


def site_label_spots(layers: Sequence[OutputLayer], sites_qml: str, working_crs: str,
                     frame_mm: Sequence[float], shown: Sequence[float]) -> dict[str, LabelSpot]:
    """Where a plan's print layout names each built and standing site: site id -> its
    `LabelSpot`, as `layout_label_spots` places them (with the hubs' names, where `layers` has
    hubs). Empty without named sites."""
    return layout_label_spots(layers, sites_qml, working_crs, frame_mm, shown).sites


def plan_layout_extent(extent: Sequence[float]) -> tuple[tuple[float, float, float, float], list[float]]:
    """The map frame (`map_frame`) of a print layout of `extent` and what it shows
    (`layout_extent`), as `print_layout` writes it, to the millimetre."""
    frame_mm = map_frame(extent)
    return frame_mm, [round(v, 3) for v in layout_extent(extent, frame_mm[2], frame_mm[3])]


def layout_names(styles: Mapping[str, str], layers: Sequence[OutputLayer], working_crs: str,
                 frame_mm: Sequence[float], shown: Sequence[float]) -> tuple[dict[str, str], LayoutSpots]:
    """`styles` (layer name -> QML) with the sites', the hubs', the sources' and the lakes' names
    where a print layout's map (`frame_mm`, showing `shown`) puts them (`layout_label_spots`,
    `with_label_spots`), and those spots (whose `unnamed` the layout's note lists:
    `unnamed_note`); a run's changes' (`diff`, its style diff.qml's rules naming a site,
    `with_rule_label_spots`) likewise. QGIS's label engine counts the pies as labels and ranks labels only loosely
    by priority: left to it, a hub's name found every position around its square taken by a pie
    or a site's name and was left out, two lakes' names found no room inside their lakes, and
    which sources it named changed with the resolution of the export. So a hub's name is drawn
    where the placement puts it, off the pies and the sites' names, with a leader to its square
    where it stands beyond its first ring; a source's, wrapped as a site's, and a lake's (over
    it, beside it, or farther out with a leader to its shore) only where the placement found
    it room (no other), so that every export names the same ones. All that on the layout's map
    only (`layout_only_labels`): every other map, the canvas at any zoom, names each layer as its
    style as written (its .qml, plan.gpkg's) does. The other styles as they are, and those where
    nothing is named."""
    by_name = {layer.name: layer for layer in layers}
    spots = layout_label_spots(layers, styles.get("sites", ""), working_crs, frame_mm, shown)
    placed = dict(styles)
    if spots.sites and "sites" in styles:
        placed["sites"] = with_label_spots(styles["sites"], spots.sites)
    if spots.pies and "sites" in placed:
        placed["sites"] = with_pies_aside(placed["sites"], spots.pies)
    if spots.hubs and "hubs" in styles:
        placed["hubs"] = with_label_spots(styles["hubs"], spots.hubs, HUB_MM / 2, always_show=True)
    named = by_name.get("sources")
    if "sources" in styles and named is not None and not named.frame.empty:
        placed["sources"] = with_label_spots(styles["sources"], spots.sources, always_show=True, only_spots=True,
                                             wrap_chars=SITE_LABEL_WRAP)
    named = by_name.get("redline")
    if "redline" in styles and named is not None and not named.frame.empty:
        placed["redline"] = with_label_spots(styles["redline"], spots.lakes, 0.0, always_show=True, only_spots=True,
                                             anchor_point="point_on_exterior")
    # The spots and show-lists for the layout's map and maps as far out; zoomed in, names as written.
    scale = layout_scale(frame_mm, shown)
    placed = {name: layout_only_labels(qml, styles[name], scale) if qml != styles[name] else qml
              for name, qml in placed.items()}
    if spots.changes and "diff" in styles:  # rule-based: its naming rules split by the map
        placed["diff"] = with_rule_label_spots(styles["diff"], spots.changes, scale)
    return placed, spots


def layout_scale(frame_mm: Sequence[float], shown: Sequence[float]) -> float:
    """The scale denominator of a print layout's map frame `frame_mm` (x, y, width, height in mm)
    showing `shown` (xmin, ymin, xmax, ymax in the working CRS, metres): ground width over paper
    width."""
    return (shown[2] - shown[0]) / (frame_mm[2] / 1000.0)


def with_plan_label_spots(qml: str, layers: Sequence[OutputLayer], working_crs: str, extent: Sequence[float]) -> str:
    """A plan's sites style (`qml`) with its names where plan.qgs's print layout of `extent`
    (`print_layout`: its map frame, `map_frame`, showing `layout_extent` as the project writes it,
    to the millimetre, so that `with_sites_capex_scale` places them alike from the project) puts
    them (`site_label_spots`, `with_label_spots`), there only (`layout_only_labels`); `qml` as
    it is where no site is named."""
    frame_mm, shown = plan_layout_extent(extent)
    spots = layout_label_spots(layers, qml, working_crs, frame_mm, shown)
    placed = with_label_spots(qml, spots.sites) if spots.sites else qml
    placed = with_pies_aside(placed, spots.pies) if spots.pies else placed
    return layout_only_labels(placed, qml, layout_scale(frame_mm, shown)) if placed != qml else qml


def _restyle(node: ET.Element, qml: str) -> None:
    """A project's `<maplayer>` in the style `qml` in place of its own (what follows its provider)."""
    provider = node.find("provider")
    children = list(node)
    for child in children[children.index(provider) + 1 if provider is not None else len(children):]:
        node.remove(child)
    node.extend(_style_children(qml))


def project_subfolders(qgs: str) -> list[str]:
    """The subfolders (of the project's own folder) whose plan.gpkg a project's layers read (a
    plan.qgs showing the optimum's alternatives: "alt01", ...), in the order of its layer list."""
    root = ET.fromstring(qgs.split("\n", 1)[1])
    found = (_plan_folder(node.findtext("datasource", "")) for node in root.findall("projectlayers/maplayer"))
    return list(dict.fromkeys(sub for sub in found if sub))


def _plan_folder(source: str) -> str:
    """The subfolder of a layer's data source ("./alt01/plan.gpkg|layername=sites": "alt01"; ""
    for the project's own folder)."""
    path = source.partition("|")[0].removeprefix("./")
    return path.rpartition("/")[0]


def _drawn_at_opening(root: ET.Element) -> set[str]:
    """The ids of the layers the layer panel draws as the project opens: ticked, in groups all ticked."""
    found: set[str] = set()

    def walk(group: ET.Element) -> None:
        for node in group:
            if node.get("checked") != "Qt::Checked":
                continue
            if node.tag == "layer-tree-layer":
                found.add(node.get("id", ""))
            elif node.tag == "layer-tree-group":
                walk(node)

    panel = root.find("layer-tree-group")
    if panel is not None:
        walk(panel)
    return found


def with_sites_capex_scale(qgs: str, layers: Mapping[str, OutputLayer], styles: Mapping[str, str], top: float,
                           words: str = "",
                           others: Mapping[str, _PlanFiles] | None = None) -> str:
    """A plan's project (`project_text`, as written) with its sites' pies and circles on the capex
    scale `top` (yuan of capex at full size) in place of the plan's own largest site: its sites
    layer in `with_capex_scale(styles["sites"], top, words)`, its names, the hubs', the
    sources' and the lakes' placed again about the pies of that size on the layout's map
    (`layout_names`), its abstract giving `top` (`sites_size_note`), its print legend keyed
    again and its note of the pies moved aside and the names left out for want of room
    (`layout_note`) said again (`legend_and_note`, where they stand, in the room the map leaves; the
    note as `project_text` writes it, or none), the legend then giving `top` followed
    by `words` (", the largest of every run"). Everything else stays as written; on the plan's
    own scale and without `words`, the project is the one written. `layers`: the plan's layers by
    name as written (their features decide what the legend keys, `legend_entries`, and the size
    notes of their legend titles); `styles`: their styles as written (the run's `<layer>.qml`).
    A layer the layer panel lists unticked (an `Overlay`: the robustness layer of a run with
    alternatives) is left as written and out of the legend, as `project_text` leaves it, and needs
    no entry in `layers` or `styles`: its legend (OVERLAY_LEGEND) is kept as written, moved under
    the legend keyed again.
    A project showing other plans too (the optimum's plan.qgs with its alternatives,
    `sheet_project`: layers read from subfolders, `project_subfolders`) needs each one's layers,
    styles and words in `others` (subfolder -> (layers, styles, words)): every plan's sites layer
    is put on `top` with its own words, and every print layout is done again as above, each with
    the plan its legend keys (a layout whose map follows a map theme keys the layers the theme
    shows; one without, those the layer panel draws as the project opens).
    A project without a sites layer drawn with pies is returned as it is. Raises KeyError where a
    ticked layer of the project is missing from `layers` or `styles`, ValueError where it reads
    the layers of a subfolder that `others` does not give."""
    root = ET.fromstring(qgs.split("\n", 1)[1])
    plans: dict[str, _PlanFiles] = {"": (layers, styles, words), **(others or {})}
    missing = [sub for sub in project_subfolders(qgs) if sub not in plans]
    if missing:
        raise ValueError(f"the project shows the plans of {', '.join(missing)} too, whose layers were not given")
    nodes = root.findall("projectlayers/maplayer")
    unticked = {n.get("id") for n in root.findall("layer-tree-group/layer-tree-layer")
                if n.get("checked") == "Qt::Unchecked"}
    sites_nodes = {_folder_of(n): n for n in nodes if _kind_of(n) == "sites" and n.find("provider") is not None
                   and n.findtext("id") not in unticked}
    if "" not in sites_nodes or capex_scale(styles.get("sites", "")) is None:
        return qgs
    scaled = {sub: with_capex_scale(plans[sub][1]["sites"], top, plans[sub][2]) for sub in sites_nodes
              if capex_scale(plans[sub][1].get("sites", "")) is not None}
    placed: dict[str, str] = {}
    drawn_at_opening = _drawn_at_opening(root)
    themes = {t.get("name"): {n.get("id") for n in t.findall("layer") if n.get("visible") == "1"}
              for t in root.findall("visibility-presets/visibility-preset")}
    for layout in root.findall("Layouts/Layout"):
        frame = next((i for i in layout if i.get("id") == "map"), None)
        theme = frame.get("followPresetName") if frame is not None and frame.get("followPreset") == "true" else None
        keyed_ids = themes.get(theme, set()) if theme else drawn_at_opening
        keyed = [n for n in nodes if n.findtext("id") in keyed_ids and n.findtext("id") not in unticked]
        sub = next((_folder_of(n) for n in keyed if _kind_of(n) == "sites"), "")
        if sub in scaled:  # each layout places its plan's names from the style on the scale
            placed[sub] = _layout_on_scale(root, layout, keyed, plans, sub, scaled[sub])
    for sub, node in sites_nodes.items():
        if sub in scaled:
            _sites_on_scale(node, placed.get(sub, scaled[sub]))
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


#: A plan's layers and styles by name, and the words its sites' legend adds to its capex scale
#: (`with_sites_capex_scale`' `others`).
_PlanFiles = tuple[Mapping[str, OutputLayer], Mapping[str, str], str]


def _kind_of(node: ET.Element) -> str:
    """A project layer's (`<maplayer>`'s) name in its GeoPackage."""
    return node.findtext("datasource", "").rpartition("layername=")[2]


def _folder_of(node: ET.Element) -> str:
    """A project layer's subfolder (`_plan_folder`)."""
    return _plan_folder(node.findtext("datasource", ""))


def _sites_on_scale(node: ET.Element, qml: str) -> None:
    """A project's sites layer (`<maplayer>`) in the style `qml`, its abstract giving its pies' scale."""
    _restyle(node, qml)
    pies = sites_size_note(qml)
    if pies is None:
        return
    for said in (node.find("abstract"), node.find("resourceMetadata/abstract")):
        if said is not None and said.text:
            said.text = _PIES_SAID.sub(lambda _found: pies, said.text)


def _layout_on_scale(root: ET.Element, layout: ET.Element, keyed: Sequence[ET.Element],
                     plans: Mapping[str, _PlanFiles], sub: str, qml: str) -> str:
    """A print layout of a project on a capex scale (`with_sites_capex_scale`): the names of the
    plan of `sub` (its layers keyed by the layout, `keyed`) placed again about its pies in its
    sites' style on that scale (`qml`; its hubs', sources' and red line's restyled so), its legend
    keyed again and its note said again. Returns the sites' style with the names placed."""
    items = list(layout)
    plan_layers_of, plan_styles, _words = plans[sub]
    frame = next((i for i in items if i.get("id") == "map"), None)
    named = {_kind_of(n): n for n in keyed if _folder_of(n) == sub and _kind_of(n) in ("hubs", "sources", "redline")}
    note = next((i.get("labelText", "") for i in items if i.get("id") == "note"), "")
    shown_box = frame.find("Extent") if frame is not None else None
    if frame is not None and shown_box is not None:  # the names placed again about the pies on this scale
        frame_mm = [float(v) for key in ("position", "size") for v in frame.get(key, "").split(",")[:2]]
        bounds = [float(shown_box.get(key, "0")) for key in ("xmin", "ymin", "xmax", "ymax")]
        placed, spots = layout_names({"sites": qml, **{name: plan_styles[name] for name in named}},
                                     list(plan_layers_of.values()), root.findtext("projectCrs/spatialrefsys/wkt", ""),
                                     frame_mm, bounds)
        note = layout_note(spots)
        qml = placed["sites"]
        for name, node in named.items():
            _restyle(node, placed[name])
    shown = []
    for node in keyed:
        own_layers, own_styles, _ = plans[_folder_of(node)]
        source, title = node.findtext("datasource", ""), node.findtext("layername", "")
        layer = own_layers[_kind_of(node)]
        style = qml if _kind_of(node) == "sites" and _folder_of(node) == sub else own_styles[layer.name]
        # a plan's layer from its folder is named "<folder>: ..." in the panel, and keyed by its own title
        folder = _folder_of(node)
        plain = capitalised(title.removeprefix(f"{folder}: ")) if folder else title
        shown.append(ProjectLayer(node.findtext("id", ""), title, source, node.get("wkbType", "Point"), style,
                                  pd.DataFrame(layer.frame.drop(columns="geometry")),
                                  legend=_with_size_note(plain, layer, style)))
    legend = next((i for i in items if i.get("id") == "legend"), None)
    kept = next((i for i in items if i.get("id") == OVERLAY_LEGEND), None)
    if legend is not None and frame is not None:
        mx, my, _mw, mh = MAP_FRAME_MM
        width = float(frame.get("size", "0,0").split(",")[0])
        new_legend, *notes = legend_and_note(layout.get("name", "Plan"), shown, (mx, my, width, mh), note,
                                             kept if kept is not None else ())
        layout[items.index(legend)] = new_legend
        for old in (i for i in items if i.get("id") == "note"):
            layout.remove(old)
        layout.extend(n for n in notes if n is not kept)
    return qml


# --- the comparison's project ----------------------------------------------------------------

def _geometry_type(qgs: ET.Element, layer_name: str) -> str:
    for node in qgs.iter("maplayer"):
        if node.findtext("id") == plan_layer_id(layer_name):
            return node.get("wkbType", "Point")
    return "Point"


def _layer_title(qgs: ET.Element, layer_name: str) -> str | None:
    """The name a plan.qgs (`qgs`) gives its `layer_name` layer (its `layername`), None where it has
    no such layer."""
    for node in qgs.iter("maplayer"):
        if node.findtext("id") == plan_layer_id(layer_name):
            return node.findtext("layername")
    return None


def _json(path: Path) -> dict[str, Any] | None:
    """A GeoJSON file's content, or None where there is no such file."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _properties(collection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [feature["properties"] for feature in (collection or {}).get("features", [])]


def zones_summary(zones: Sequence[Mapping[str, Any]]) -> str:
    """The distances of a run's red-line zones (its redline_zones.geojson's features) in a few
    words: "buffer 2 km, setbacks up to 10 km"; "none" without zones."""
    buffers = [float(z["max_distance_m"]) for z in zones if z.get("kind") == "buffer"]
    setbacks = [float(z["max_distance_m"]) for z in zones if z.get("kind") != "buffer"]
    parts = [f"buffer {max(buffers) / 1000:g} km"] if buffers else []
    parts += [f"setbacks up to {max(setbacks) / 1000:g} km"] if setbacks else []
    return ", ".join(parts) or "none"


def zones_abstract(label: str, zones: Sequence[Mapping[str, Any]]) -> str:
    """What a run's red-line zones layer shows, zone by zone: "yunnan_2024's red-line exclusion
    zones as buffered (its redline_zones.geojson): buffer: lake 5000, nature_reserve 1000 m around
    every red-line polygon; setback: lake 10000 m for LFP, anode." (products by id)."""
    parts = []
    for zone in zones:
        distances = f"{zone.get('distances_m', '')} m"
        products = str(zone.get("products", "")).replace(",", ", ")
        parts.append(f"buffer: {distances} around every red-line polygon" if zone.get("kind") == "buffer"
                     else f"setback: {distances} for {products}")
    return f"{label}'s red-line exclusion zones as buffered (its redline_zones.geojson): {'; '.join(parts)}."


def changes_layer_name(label: str, base_label: str, difference: RunDifference) -> str:
    """The name of a compared run's layer of changes: "b: changes against a"; for a run within
    solver tolerance of the baseline, as comparison.md heads its column, "b vs a: plans of
    indistinguishable cost, not shown to be effects of the change"; "b: same plan as a" for the
    same plan."""
    if difference.indistinguishable:
        return f"{label} vs {base_label}: {INDISTINGUISHABLE}"
    if difference.verdict == "same plan":
        return f"{label}: same plan as {base_label}"
    return f"{label}: changes against {base_label}"


def changes_abstract(label: str, base_label: str, difference: RunDifference, forced: bool = False) -> str:
    """What a compared run's layer of changes shows, and what its objective difference proves;
    `forced`: whether some of its changes are forced by its rules (`FORCED_WORDS`)."""
    text = (f"Sites where {label}'s plan adds other new capacity than the baseline {base_label}'s (diff.geojson, "
            f"its features of {label}).")
    proven = proven_range(difference)
    if difference.indistinguishable:
        return (f"{text} The objective difference is {WITHIN}{proven}: the solver has not shown which of the two "
                f"plans costs less, so these changes are between {INDISTINGUISHABLE}"
                f"{f', except those {FORCED_WORDS}' if forced else ''}.")
    if difference.verdict == "proven":
        return (f"{text} The objective difference is proven{proven}; the placements still compare two plans each "
                "found only to its gap, one of possibly several of nearly its cost.")
    if difference.verdict == "same plan":
        return f"{text} The two runs report the same plan."
    if difference.not_comparable:
        return (f"{text} The objective difference is {difference.verdict}. The two objectives are in different "
                "money, so these changes come with no proven difference in cost.")
    return text


def proven_range(difference: RunDifference) -> str:
    """The proven range of a compared run's objective difference as the layer abstracts and notes
    give it after the verdict: " (proven range -0.21 to 0.16 bn yuan)" (`RunDifference.range_text`);
    "" when neither end is known."""
    text = difference.range_text()
    return f" (proven range {text})" if text else ""


def difference_line(label: str, base_label: str, difference: RunDifference) -> str:
    """What the proven gaps show of run `label`'s objective against the baseline `base_label`'s
    (`difference`), in one line: the verdict, as comparison.md's row `objective difference` gives
    it, and the proven range of the difference of the two optima (the run's less the baseline's,
    in bn yuan, `proven_range`): "b against a: objective difference within solver tolerance (proven
    range -0.21 to 0.16 bn yuan)", a difference the solver has not shown to be real given as no
    more than that range; "b against a: objective difference proven (proven range 0.47 to 0.48 bn
    yuan)"; "b: same plan as a" (as `changes_layer_name` names its changes); for two runs whose
    objectives weigh the years differently (`RunDifference.not_comparable`), the verdict and why,
    with no range, as their objectives are in different money: "b against a: objective difference
    not comparable: the objectives weigh the years differently (objective.years_after_horizon 3 vs
    0)"; "" for an unknown verdict."""
    if difference.verdict == "same plan":
        return f"{label}: same plan as {base_label}"
    if difference.not_comparable:
        return f"{label} against {base_label}: objective difference {difference.verdict}"
    if difference.verdict not in (WITHIN, "proven"):
        return ""
    return f"{label} against {base_label}: objective difference {difference.verdict}{proven_range(difference)}"


#: What the layer abstracts and the layout's note say of the changes of a run within solver
#: tolerance of the baseline that its own rules force (diff.geojson's `forced`): drawn plainly,
#: they are effects of what the run changes.
FORCED_WORDS = ("forced by the run's own rules (they keep out what the baseline built there, or leave no land "
                "for new modules), drawn plainly: those are effects of what the run changes")


#: What the print legend's title of the changes of a run within solver tolerance of the baseline
#: adds where some of them are forced by the run's rules (`changes_legend`).
FORCED_EXCEPTION = ("except those marked forced (the run's rules keep out what the baseline built there, or leave "
                    "no land for new modules)")


def changes_legend(name: str, forced: bool) -> str:
    """The print legend's title of a compared run's layer of changes named `name`
    (`changes_layer_name`): the name, and where some of its changes are forced by the run's rules
    (`forced`, of a run within solver tolerance, whose name calls its changes indistinguishable),
    that those are the exception (FORCED_EXCEPTION), so that the heading does not call every
    change under it noise and then key one as forced; "" (the name) otherwise."""
    return f"{name}, {FORCED_EXCEPTION}" if forced else ""


def tolerance_note(noted: Sequence[tuple[str, RunDifference]], base_label: str, polygonal: bool,
                   forced: bool = False) -> str:
    """The comparison layout's note on the runs within solver tolerance of the baseline (label,
    difference): each one's `difference_line`, then what that makes of its changes, drawn hatched
    or hollow; `forced`: whether some of them are forced by the run's rules, which are drawn
    plainly (`FORCED_WORDS`); "" for none."""
    if not noted:
        return ""
    drawn = "hatched" if polygonal else "hollow"
    parts = [f"{difference_line(label, base_label, difference)}." for label, difference in noted]
    one = len(noted) == 1
    return (" ".join(parts) + f" {'Its' if one else 'Their'} changes on this map ({drawn}) are between "
            f"{INDISTINGUISHABLE}{f', except those {FORCED_WORDS}' if forced else ''}.")


#: What compare.qgs and a run's plan.qgs on a batch's scale add to the capex scale in their pies'
#: legend where it is not the run's own (`with_capex_scale`).
BATCH_SCALE_WORDS = ", the largest of every run"

#: compare.qgs's layers by kind (their ids' first part), top to bottom: its drawing order, plan.qgs's
#: (PROJECT_ORDER) with a run's changes over its sources' and sites' symbols. A run's
#: group lists its layers so and the context outlines stand under the groups, so that the layer
#: panel's order is this order for the run shown (one at a time).
COMPARE_ORDER = ("diff", *PROJECT_ORDER)

#: What compare.qgs's abstract of the baseline's context outlines says of them after their name:
#: plan.qgs's words (LAYER_WHAT), of every run's plan.
COMPARE_CONTEXT_WHAT = "outlines named for orientation only: the plans do not use them"

#: The group of compare.qgs's layer panel that holds one group per run, one ticked at a time.
RUNS_GROUP = "Runs (one shown at a time: tick a run to show it)"

#: The words of a plan's layout title (`MapTitle.text`) after the scenario's name on its first line.
_PLAN_SPAN = re.compile(r": (capacity plan [^\n]*)$")


def map_theme(name: str, layers: Sequence[ProjectLayer], shown: Collection[str], groups: Sequence[str]
              ) -> ET.Element:
    """A map theme of a project (Project > Map Themes; QGIS 3.22's `<visibility-preset>`) named
    `name`: of `layers`, it draws those whose ids are in `shown` and hides the others; of the
    layer panel's groups, it ticks those of `groups` (each by its path: the names of the groups
    from the top, joined by "/") and unticks the others. Choosing it in the layer panel ticks
    and unticks so; a layout's map following it (`print_layout`'s `theme`) draws its layers
    whatever the panel shows. Layers keep their one style ("default")."""
    return element("visibility-preset", {"name": name, "has-checked-group-info": "1", "has-expanded-info": "0"},
                   *(element("layer", {"id": layer.layer_id, "style": "default",
                                       "visible": int(layer.layer_id in shown)}) for layer in layers),
                   element("checked-group-nodes", None,
                           *(element("checked-group-node", {"id": group}) for group in groups)))


@dataclass(frozen=True)
class CarriedBound:
    """A run's gap as a batch's table gives it where it is measured against the proven bound of
    another run, whose rules admit every plan of this run's (siting/runs/pool.py `carry_bounds`),
    rather than against the bound of the run's own solve, which its plan.qgs title gives.

    source: the label of the run whose bound it is (`CaseSummary.bound_from`). gap, gap_yuan: the
    gap against that bound, a share and in yuan, as the table's rows `gap` and `absolute gap`
    hold them (siting/runs/tables.py `shown_gaps`; None: none). own_gap, own_gap_yuan: the gap of
    the run's own solve, a share and in yuan (objective less its own bound), as its plan.qgs,
    report and manifest give it; None where its own solve proved no bound. table: the file that
    gives the gaps so ("comparison.md", "sweep.md"). digits: the decimals of bn yuan at which that
    table gives the absolute gap (siting/runs/tables.py `table_decimals`); own_digits: those at
    which the run's plan.qgs title gives its objective and its own gap (siting/deliver/mapinfo.py
    `MapTitle.trio`): 3 beside a small plan proven optimal ("0.095 bn yuan"), 2 unless told."""

    source: str
    gap: float | None
    gap_yuan: float | None
    own_gap: float | None
    own_gap_yuan: float | None
    table: str = "comparison.md"
    digits: int = 2
    own_digits: int = 2

    def gap_line(self) -> str:
        """The title's line of the absolute gap for a run whose bound was carried, in place of its
        plan's (`MapTitle.gap_text`), rounded up as the table shows it (`bound_bn`, `gap_text`, at
        its `digits`; the own solve's at `own_digits`, as the objective line above it):
        "absolute gap 0.77 bn yuan against the bound of small, as comparison.md gives the gaps
        (its own solve's: 12.71%, 2.79 bn yuan)"; "... (its own solve proved no bound)"."""
        own = ("its own solve proved no bound" if self.own_gap is None else
               f"its own solve's: {gap_text(self.own_gap)}, "
               f"{bound_bn(self.own_gap_yuan, up=True, digits=self.own_digits)}")
        return (f"absolute gap {bound_bn(self.gap_yuan, up=True, digits=self.digits)} against the bound of "
                f"{self.source}, as "
                f"{self.table} gives the gaps ({own})")


#: The gap in percent of a plan title's outcome line (siting/deliver/mapinfo.py `outcome_text`).
_OUTCOME_GAP = re.compile(r", gap [^ ,]*%")


def carried_lines(lines: Sequence[str], carried: CarriedBound) -> list[str]:
    """A plan title's lines (`MapTitle.text`: name and years, settings, the outcome line ending
    with the objective, then the absolute gap where there is one) with the gaps of `carried` in
    place of those of the run's own solve: the outcome line's gap in percent (`outcome_text`; put
    before the objective where the own solve proved none) and the absolute gap's line
    (`CarriedBound.gap_line`, which names the bound's run and gives the own solve's gaps). A
    title of one line (none) gets the gap line under it."""
    kept = list(lines)
    if len(kept) < 2:
        return [*kept, carried.gap_line()]
    has_gap = len(kept) > 2 and kept[-1].startswith("absolute gap ")
    at = len(kept) - 2 if has_gap else len(kept) - 1
    percent = "" if carried.gap is None else f", gap {gap_text(carried.gap)}"
    outcome = kept[at]
    if _OUTCOME_GAP.search(outcome):
        outcome = _OUTCOME_GAP.sub(percent, outcome, count=1)
    elif ", objective " in outcome:
        outcome = outcome.replace(", objective ", f"{percent}, objective ", 1)
    kept[at] = outcome
    return [*kept[:at + 1], carried.gap_line(), *kept[at + 2 if has_gap else at + 1:]]


def run_heading(label: str, base_label: str, role: str, plan_title: str,
                difference: RunDifference | None = None, carried: CarriedBound | None = None) -> str:
    """The title of a run's layout in compare.qgs: the run, what it is in the comparison and its
    years; then the rest of its plan's title (`MapTitle.text`: its solver outcome, objective in
    bn yuan and proven gap, in percent and in bn yuan), so that a sheet of one run can be taken
    for no other; last, for a compared run, what the proven gaps show of its objective against
    the baseline's (`difference`: `difference_line`, none where its verdict is unknown). The
    plan's title of a batch's run ends ", run <label>" (siting/runs/job.py `run_which`), left out
    here, since the title begins with the run. `role`
    is "baseline" (the baseline's), "compared" (a run compared with the baseline) or "" (a run
    shown without a baseline to compare with: the baseline wrote no plan). `plan_title`: the
    run's plan.qgs layout title ("" where it has none). E.g. "b against the baseline a: capacity
    plan 2022-2024" with the lines of b's outcome under it, then "b against a: objective
    difference proven (proven range 0.47 to 0.48 bn yuan)". `carried`: for a run whose gap the
    batch's table measures against another run's bound, the gaps as the table gives them, in
    place of the plan's (`carried_lines`: the bound's run named, the own solve's gaps kept beside
    them); None (a run's own bound): the plan's lines as they are."""
    lines = plan_title.split("\n") if plan_title else [""]
    span = _PLAN_SPAN.search(lines[0])
    who = {"baseline": f"{label} (baseline)", "compared": f"{label} against the baseline {base_label}"}.get(role, label)
    # a batch's run titles its plan "..., run <label>" (`run_which`), which `who` names already
    years = span.group(1).removesuffix(f", run {label}") if span else ""
    lines = [who + (f": {years}" if years else ""), *lines[1:]]
    if carried is not None:
        lines = carried_lines(lines, carried)
    against = difference_line(label, base_label, difference) if role == "compared" and difference else ""
    return "\n".join([*lines, *([against] if against else [])])


@dataclass(frozen=True)
class _Run:
    """A run of compare.qgs: its label, folder, group name in the layer panel (also its map
    theme's and its print layout's name), role (`run_heading`), its own layers (top to bottom),
    its layout's title and its note (`tolerance_note`, "" for none); `proxy`: what its sheet's
    source line adds where its red line marks itself a proxy (`proxy_redline_line`, "" for none)."""

    label: str
    sub: str
    name: str
    role: str
    own: tuple[ProjectLayer, ...]
    heading: str
    note: str
    proxy: str = ""


def _plan_title(plan: ET.Element) -> str:
    """The title of a plan.qgs's print layout (its `title` item), unbroken (TITLE_PROPERTY where
    `fit_title` broke its lines), "" without one."""
    item = next((item for item in plan.iter("LayoutItem") if item.get("id") == "title"), None)
    if item is None:
        return ""
    kept = [option.get("value", "") for option in item.findall("LayoutObject/customproperties/Option/Option")
            if option.get("name") == TITLE_PROPERTY]
    return kept[0] if kept else item.get("labelText", "")


def _redline_statement(qgs: ET.Element, basis: LayerBasis | None) -> str:
    """What a run's red-line layer says of its own basis, as its plan.qgs (`qgs`) gives it at the
    end of the layer's abstract (`LayerBasis.plain`: with its file's name and its own
    description); `basis.plain()` where that plan.qgs has none."""
    for node in qgs.iter("maplayer"):
        if node.findtext("id") == plan_layer_id("redline"):
            text = node.findtext("abstract") or ""
            start = text.find("The red-line layer ")
            if start >= 0:
                return text[start:]
    return basis.plain() if basis is not None else ""


def _run_layer(folder: Path, sub: str, qgs: ET.Element, kind: str, name: str, abstract: str,
               style: str | None = None) -> ProjectLayer | None:
    """The `kind` layer of the run in `folder / sub` (its plan.gpkg, in `style`, else its own
    `<kind>.qml`) as compare.qgs lists it, named `name` with `abstract`; None when the run has
    no such style."""
    path = folder / sub / f"{kind}.qml"
    if style is None and not path.is_file():
        return None
    return ProjectLayer(f"{kind}_{sub}_layer", name, f"./{sub}/plan.gpkg|layername={kind}", _geometry_type(qgs, kind),
                        style if style is not None else path.read_text(encoding="utf-8"), abstract=abstract)


#: The layers of a run whose names compare.qgs's layouts place (`run_layout_names`).
NAMED_KINDS = ("sites", "hubs", "sources", "redline")


def run_layout_names(folder: Path, sub: str, changed: str | None, styles: Mapping[str, str], working_crs: str,
                     extent: Sequence[float], diff: str | None = None) -> tuple[dict[str, str], LayoutSpots]:
    """The styles (`styles`: layer name -> QML, its sites' on the comparison's capex scale) of
    the run in `folder / sub` with their names where its print layout in compare.qgs
    (`print_layout` of `extent`, as plan.qgs's) puts them (`layout_names`): about its pies on
    the sites style's capex scale, off its hubs', its sources' and its changes' marks against
    the baseline (diff.geojson's features of scenario `changed`, None for no changes: `diff`, its
    text, where it is not yet written in `folder`, as when the comparison writes compare.qgs);
    and the spots (whose `unnamed` the layout's note lists). A layer without its GeoJSON in the
    run's folder is not named."""
    layers = [read_layer(folder / sub / f"{kind}.geojson") for kind in NAMED_KINDS
              if kind in styles and (folder / sub / f"{kind}.geojson").is_file()]
    if changed is not None and (diff is not None or (folder / "diff.geojson").is_file()):
        changes = layer_of_text(diff, "diff") if diff is not None else read_layer(folder / "diff.geojson")
        if "scenario" in changes.frame.columns:
            kept = changes.frame.loc[changes.frame["scenario"] == changed]
            layers.append(dataclasses.replace(changes, name="diff", frame=kept))
    return layout_names(styles, layers, working_crs, *plan_layout_extent(extent))


def _run_plan_layers(folder: Path, sub: str, label: str, qgs: ET.Element, styles: Mapping[str, str]
                     ) -> list[ProjectLayer]:
    """The run's layers that its plan.qgs shows and compare.qgs names by its own words elsewhere
    (`compare_project_text`): its hubs, product flows, raw-material flows, sources, candidate
    site areas and cells, in `styles` (its own, with the names placed for its layout), named
    "<label>: <plan.qgs's name>", in the print legend with what their symbol sizes mean as in
    plan.qgs (`legend_title`), keying only what their features draw."""
    found = []
    for kind in LAYER_ORDER:
        path = folder / sub / f"{kind}.geojson"
        if kind in ("sites", "clusters", "redline_zones", "redline", "context") or kind not in styles \
                or not path.is_file():
            continue
        layer = read_layer(path)
        name = layer_name(dataclasses.replace(layer, name=kind, title=LAYER_TITLES[kind]))
        words = name[:1].lower() + name[1:]
        style = styles[kind]
        title = LAYER_TITLES[kind][:1].lower() + LAYER_TITLES[kind][1:]
        found.append(ProjectLayer(f"{kind}_{sub}_layer", f"{label}: {words}", f"./{sub}/plan.gpkg|layername={kind}",
                                  _geometry_type(qgs, kind), style, pd.DataFrame(layer.frame.drop(columns="geometry")),
                                  legend=f"{label}: {_with_size_note(words, layer, style)}",
                                  abstract=_with_size_note(f"{label}'s {title} (its plan.gpkg)", layer, style) + "."))
    return found


def compare_project_text(folder: Path, runs: Sequence[tuple[str, str]], diff_geometry: str, diff_qml: str,
                         diff_changes: Mapping[str, Collection[str]] | None = None,
                         differences: Mapping[str, RunDifference] | None = None,
                         diff: str | None = None, carried: Mapping[str, CarriedBound] | None = None) -> str | None:
    """`compare.qgs` for a comparison folder whose runs' outputs are in subfolders: `runs` is
    (label, subfolder) per run, the baseline first. The runs draw their sites at the same places,
    so the layer panel shows one run at a time: a group per run, "<label> (baseline)" first,
    ticked, the others unticked, in the group RUNS_GROUP, whose children are mutually exclusive
    (ticking a run unticks the one shown; `LayerGroup`). A run's group holds, top to bottom:
    - for a compared run, its changes against the baseline (`diff.geojson` filtered by its
      `scenario`, styled as `diff.qml`, with only the classes that run has where `diff_changes`
      gives them: label -> its classes, `siting.deliver.styles.diff_changes`), named as
      `changes_layer_name` says (a run within solver tolerance of the baseline as "plans of
      indistinguishable cost, not shown to be effects of the change"), with what the run's objective
      difference proves in its abstract (`differences`: label -> its `RunDifference`, from
      `siting.deliver.styles.diff_runs`; without it a run whose classes are
      INDISTINGUISHABLE_CLASS's is taken as within tolerance, with no range);
    - its sites, in its own style (which lists its own statuses, and labels its own sites) but
      with the pies and circles of every run on one capex scale, the largest capex of any run
      (`with_capex_scale`);
    - the other layers its plan.qgs shows above its clusters (its hubs, product flows,
      raw-material flows and sources, and candidate site areas and cells where it has them), in
      its own styles, named "<label>: <plan.qgs's name>" (`_run_plan_layers`);
    - its clusters (clusters), from its own plan.gpkg in its own style: the sites its plan opens
      there, their capex and its capacity (and, where its scenario reads another clusters
      layer, its own polygons and names);
    - its red-line zones (redline_zones), named with the run and their distances
      (`zones_summary`);
    - its red line (redline), in its own style: each category with the distances of the run's
      own red-line rule, which the runs of a comparison differ in.
    Under the groups, always shown: the baseline's context outlines (where it has them), named
    "<label>: " and its plan.qgs's name of them ("a: counties (context)"), with an abstract in
    plan.qgs's words (COMPARE_CONTEXT_WHAT). The
    layer panel's order is the drawing order (no custom rendering order): for the run shown,
    plan.qgs's (`COMPARE_ORDER`: the changes over plan.qgs's order), since only one run's group
    is ticked at a time. The names of its sites, hubs, sources and lakes stand where its layout
    places them (`run_layout_names`, as plan.qgs's), off the marks of its changes (`diff`:
    diff.geojson's text, which the comparison writes with the project, not before it), those it
    finds no room for in its note.

    Each run is a map theme of the group's name (`map_theme`: its group ticked, its layers and
    those under the groups shown, every other run's hidden) and a print layout of that name
    whose map follows the theme, so that each sheet shows its run whatever the layer panel
    shows: titled with the run, "(baseline)" or "against the baseline <label>", its years, its
    plan's solver outcome, objective and gap (for a run whose gap the batch's table measures
    against another run's bound, `carried`: label -> its `CarriedBound`, that gap, as the table
    gives it, naming the bound's run, with its own solve's beside it) and, for a compared run, its
    objective difference against the baseline as the proven gaps show it (`run_heading`, `difference_line`: a
    difference within solver tolerance given as such, with the range it is proven to lie in; a run
    whose objective weighs the years otherwise than the baseline's as not comparable, and why); its
    legend keys only that run's layers and those under the groups, each with what its features
    draw (`legend_item`); a run within solver tolerance of the baseline says so in a note
    (`tolerance_note`). There is no layout of every run at once: its legend would key the runs
    not shown. CRS and view are the
    baseline's plan.qgs's. Runs that wrote no plan are left out (and with a failed baseline, the
    changes: the first run with a plan is then the one shown, named as itself); None when no run
    wrote a plan."""
    written = [(label, sub) for label, sub in runs if (folder / sub / "plan.qgs").is_file()]
    if not written:
        return None
    base_label, base_sub = written[0]
    base = ET.fromstring((folder / base_sub / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    crs = base.findtext("projectCrs/spatialrefsys/authid") or "EPSG:4326"
    view = base.find("ProjectViewSettings/DefaultViewExtent")
    extent = [float(view.get(k, "0")) for k in ("xmin", "ymin", "xmax", "ymax")] if view is not None else [0, 0, 1, 1]
    given = dict(differences or {})

    def difference_of(label: str) -> RunDifference:
        if label in given:
            return given[label]
        classes = (diff_changes or {}).get(label, ())
        return RunDifference(WITHIN) if any(c.endswith(INDISTINGUISHABLE_CLASS) for c in classes) else RunDifference()

    # diff.geojson compares against the first run; without its plan there are no changes to show.
    compared = written[0] == tuple(runs[0])
    sites = {sub: _properties(_json(folder / sub / "sites.geojson")) for _label, sub in written}
    top = max((float(f.get("capex_yuan") or 0.0) for features in sites.values() for f in features), default=0.0)
    shown: list[_Run] = []
    for label, sub in written:
        qgs = base if sub == base_sub else ET.fromstring(
            (folder / sub / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
        own: list[ProjectLayer] = []
        note = ""
        difference = None
        changed: ProjectLayer | None = None
        if compared and sub != base_sub:
            quoted = label.replace("'", "''")
            qml = diff_qml if diff_changes is None else only_categories(diff_qml, diff_changes.get(label, ()))
            # a site the run's sites layer names (one where only its standing plants are) is not named again
            qml = without_names_of(qml, [str(f.get("id")) for f in sites[sub] if f.get("status") == "standing"])
            difference = difference_of(label)
            # a run within solver tolerance whose changes of new capacity are classed plainly: its
            # rules force them (options changed and unchanged sites are classed plainly anyway)
            forced = difference.indistinguishable and any(c in PLAN_CHANGES
                                                          for c in (diff_changes or {}).get(label, ()))
            if difference.indistinguishable:
                note = tolerance_note([(label, difference)], base_label, "Polygon" in diff_geometry, forced)
            changed = ProjectLayer(f"diff_{sub}_layer", changes_layer_name(label, base_label, difference),
                                   f"./diff.geojson|subset=\"scenario\" = '{quoted}'", diff_geometry, qml,
                                   legend=changes_legend(changes_layer_name(label, base_label, difference), forced),
                                   abstract=changes_abstract(label, base_label, difference, forced))
        qml = (folder / sub / "sites.qml").read_text(encoding="utf-8")
        scale = ""
        if top > 0 and capex_scale(qml) is not None:
            qml = with_capex_scale(qml, top, BATCH_SCALE_WORDS)
            scale = f"; built sites as pies of area ∝ capex on one scale for every run (largest {amount(top, 'yuan')})"
        styles = {kind: (folder / sub / f"{kind}.qml").read_text(encoding="utf-8") for kind in LAYER_ORDER
                  if kind != "context" and (folder / sub / f"{kind}.qml").is_file()}
        styles["sites"] = qml
        if changed is not None:
            styles["diff"] = changed.qml
        styles, spots = run_layout_names(folder, sub, label if difference is not None else None, styles, crs, extent,
                                         diff)
        if changed is not None:  # its names placed with the run's (`layout_names`)
            own.append(dataclasses.replace(changed, qml=styles.pop("diff")))
        note = "\n\n".join(text for text in (note, layout_note(spots)) if text)
        own.append(ProjectLayer(f"sites_{sub}_layer", f"{label}: sites", f"./{sub}/plan.gpkg|layername=sites",
                                _geometry_type(qgs, "sites"), styles["sites"],
                                abstract=f"{label}'s candidate sites by status (its plan.gpkg){scale}."))
        own.extend(_run_plan_layers(folder, sub, label, qgs, styles))
        zones = _properties(_json(folder / sub / "redline_zones.geojson"))
        # Whether the run's red line marks itself a proxy, as its plan.qgs decides it.
        basis = layer_basis(read_layer(folder / sub / "redline.geojson").frame) \
            if (folder / sub / "redline.geojson").is_file() else None
        proxy = basis is not None and basis.is_proxy
        own.extend(layer for layer in (
            _run_layer(folder, sub, qgs, "clusters", f"{label}: clusters",
                       f"{label}'s clusters (its plan.gpkg), each with the sites {label}'s plan opens there, their "
                       "capex and the capacity it adds and holds."),
            _run_layer(folder, sub, qgs, "redline_zones", f"{label}: red-line zones ({zones_summary(zones)})",
                       zones_abstract(label, zones)) if zones else None,
            _run_layer(folder, sub, qgs, "redline", f"{label}: {redline_word(proxy)}",
                       f"{label}'s {redline_word(True) if proxy else 'red-line'} polygons by category (its plan.gpkg), "
                       f"each with how far {label}'s red-line rule excludes sites around it."
                       + (f" {_redline_statement(qgs, basis)}" if proxy else ""), styles.get("redline")))
            if layer is not None)
        role = ("baseline" if sub == base_sub else "compared") if compared else ""
        name = f"{label} (baseline)" if role == "baseline" else label
        own.sort(key=lambda layer: COMPARE_ORDER.index(layer.layer_id.removesuffix(f"_{sub}_layer")))
        shown.append(_Run(label, sub, name, role, tuple(keyed_plainly(layer, label) for layer in own),
                          run_heading(label, base_label, role, _plan_title(qgs), difference,
                                      (carried or {}).get(label)), note,
                          proxy_redline_line(basis)))
    under: list[ProjectLayer] = []
    if (folder / base_sub / "context.qml").is_file():
        words = _layer_title(base, "context") or LAYER_TITLES["context"]
        words = words[:1].lower() + words[1:]
        under.append(keyed_plainly(ProjectLayer(
            f"context_{base_sub}_layer", f"{base_label}: {words}", f"./{base_sub}/plan.gpkg|layername=context",
            _geometry_type(base, "context"), (folder / base_sub / "context.qml").read_text(encoding="utf-8"),
            abstract=f"{base_label}'s {words} (its plan.gpkg), under every run{LEGEND_BREAK}{COMPARE_CONTEXT_WHAT}."),
            base_label))
    # The project's layers by kind (COMPARE_ORDER), each for every run: the order of its layer
    # list and of the themes', which draw nothing; the layer panel's (`tree`) is the drawing order.
    found = [*(layer for run in shown for layer in run.own), *under]
    layers = [layer for kind in COMPARE_ORDER for run in shown for layer in found
              if layer.layer_id == f"{kind}_{run.sub}_layer"]
    names = ", ".join(run.label for run in shown)
    projection = crs_label(pyproj.CRS.from_user_input(crs))
    sheets = []
    for run in shown:
        what = {"baseline": f"the baseline {run.label}",
                "compared": f"{run.label} against the baseline {base_label}"}.get(run.role, run.label)
        changes = "; its changes: diff.geojson" if run.role == "compared" else ""
        credits = (f"Source: siting comparison of {names}. This sheet: {what} (its plan.gpkg in the folder "
                   f"{run.sub}{changes}). Projection: {projection}. Printed [% format_date(now(), 'yyyy-MM-dd') %]."
                   + (f"\n{run.proxy}" if run.proxy else ""))
        sheets.append(ShownPlan(run.name, PlanSheet(run.own, run.heading, credits, run.note)))
    return one_at_a_time(RUNS_GROUP, sheets, layers, f"Comparison: {names}", crs, extent, below=under,
                         abstract=compare_abstract(names, [run.heading for run in shown], crs,
                                                   [run.proxy for run in shown]))


def compare_abstract(names: str, headings: Sequence[str], working_crs: str, proxies: Sequence[str]) -> str:
    """A compare.qgs's abstract (`project_abstract` with COMPARE_DATA_LINE): "Comparison of" the
    runs `names`, then each run's sheet title (`run_heading`: what it is in the comparison, its
    solver outcome, objective and proven gap, and for a compared run what the gaps show of the
    difference), the CRS and the data, and each distinct proxy line of the runs' red lines
    (`proxies`, "" for a run whose red line is no proxy), once."""
    heading = "\n".join([f"Comparison of {names}", *headings])
    return project_abstract(heading, working_crs, "\n".join(dict.fromkeys(p for p in proxies if p)),
                            COMPARE_DATA_LINE)
