"""`plan.qgs` and `compare.qgs`: QGIS projects that open the output layers, styled, in order, with
a print layout ready to export.

Layers are listed top to bottom as `siting.deliver.layers.LAYER_ORDER` (sites over flows over sources over
clusters over the red line over the context outlines, such as counties), each with the same style as
in the GeoPackage's `layer_styles`. The project CRS is the scenario's working CRS (metres, so QGIS
measures in metres) and the view opens on the clusters. Data sources are relative
(`./plan.gpkg|layername=sites`), so the output folder can be moved or shared as a whole.

Each project holds one print layout (Project > Layouts): an A3 landscape page with a title
(plan.qgs takes map.png's, `MapTitle.text`: scenario and years; solver outcome, gap and objective), the
map, a legend, a scale bar in kilometres, a north arrow and a source line, so that
Layout > Export as PDF gives a finished sheet in one click. Item ids are fixed (derived from the
item names), so the same plan gives the same bytes; the print date is a QGIS expression,
evaluated when the sheet is exported.

`compare.qgs` shows the runs of a comparison side by side: each run's sites (from its own
`plan.gpkg`, in its own style), the baseline's clusters, red line and context outlines for context,
and per compared run the changes against the baseline (`diff.geojson` in the style of `diff.qml`).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyproj

from siting.deliver.layer import OutputLayer
from siting.deliver.mapplot import MapTitle
from siting.deliver.styles import DOCTYPE, QGIS_VERSION, element, size_note

GEOMETRY_NAMES = {0: "Point", 1: "Line", 2: "Polygon"}

#: A3 landscape, millimetres (room for a full legend beside the map).
PAGE_MM = (420.0, 297.0)
#: The map frame on the page: x, y, width, height in millimetres; the legend fills the rest of
#: the width.
MAP_FRAME_MM = (10.0, 26.0, 270.0, 248.0)
#: The title's frame (x, y, width, height, mm) and type size (points) for a title of one line and
#: of two (map.png's: scenario and years; solver outcome, gap and objective), above the map frame.
TITLE_FRAME_MM = ((MAP_FRAME_MM[0], 9.0, PAGE_MM[0] - 2 * MAP_FRAME_MM[0], 13.0),
                  (MAP_FRAME_MM[0], 4.0, PAGE_MM[0] - 2 * MAP_FRAME_MM[0], 19.0))
TITLE_PT = (20.0, 16.0)
#: Where a legend line breaks (the separator of a layer name and its size note).
LEGEND_BREAK = "; "
#: QGIS layout item type ids (QgsLayoutItemRegistry: QGraphicsItem::UserType + 102 ...).
ITEM_TYPES = {"page": 65638, "map": 65639, "picture": 65640, "label": 65641, "legend": 65642, "scalebar": 65646}
#: The north arrow QGIS ships in its resources.
NORTH_ARROW = ":/images/north_arrows/layout_default_north_arrow.svg"
FONT = "Sans Serif"


@dataclass(frozen=True)
class ProjectLayer:
    """One layer of a project: its id, the name in the layer panel and the legend, its data
    source relative to the project file, its geometry type and its style (QML text)."""

    layer_id: str
    title: str
    source: str
    geometry_type: str
    qml: str


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
                   _text("description", crs.name), _text("geographicflag", "true" if crs.is_geographic else "false"))


def _extent(tag: str, bounds: Sequence[float]) -> ET.Element:
    return element(tag, None, *(_text(k, f"{v:.3f}") for k, v in zip(("xmin", "ymin", "xmax", "ymax"), bounds,
                                                                        strict=True)))


def _style_children(qml: str) -> list[ET.Element]:
    """The children of a QML document's root (renderer, labelling, geometry type...)."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    return [child for child in root if child.tag != "layerGeometryType"]


def map_layer(layer: ProjectLayer) -> ET.Element:
    """The `<maplayer>` of one project layer, its style inlined."""
    code = {"Point": 0, "MultiPoint": 0, "LineString": 1, "MultiLineString": 1}.get(layer.geometry_type, 2)
    node = element("maplayer", {"geometry": GEOMETRY_NAMES[code], "type": "vector", "wkbType": layer.geometry_type,
                                "labelsEnabled": "1" if "<labeling" in layer.qml else "0"},
                   _text("id", layer.layer_id), _text("datasource", layer.source),
                   _text("layername", layer.title), element("srs", None, spatial_ref("EPSG:4326")),
                   element("provider", {"encoding": "UTF-8"}))
    node[-1].text = "ogr"
    node.extend(_style_children(layer.qml))
    return node


def plan_layer_id(name: str) -> str:
    """The id of a plan layer in the project: `<name>_layer`, or `<name>_plan_layer` where that
    would have 10 characters or fewer (QGIS replaces such an id with a random one on reading)."""
    short = f"{name}_layer"
    return short if len(short) > 10 else f"{name}_plan_layer"


def plan_layers(layers: Sequence[OutputLayer], styles: Mapping[str, str], gpkg_name: str = "plan.gpkg"
                ) -> list[ProjectLayer]:
    """The project layers of a plan: every output layer from the GeoPackage, with its style."""
    return [ProjectLayer(plan_layer_id(layer.name), legend_title(layer), f"./{gpkg_name}|layername={layer.name}",
                         layer.geometry_type, styles[layer.name]) for layer in layers]


def legend_title(layer: OutputLayer) -> str:
    """The layer's name in the project: its title, and what its symbol size means where that
    is the same for every category (said once here rather than on every legend line)."""
    note = size_note(layer)
    return layer.title if note is None else f"{layer.title}{LEGEND_BREAK}{note}"


def project_text(layers: Sequence[OutputLayer], styles: Mapping[str, str], title: str, working_crs: str,
                 extent: Sequence[float], gpkg_name: str = "plan.gpkg", credits: str | None = None,
                 map_title: MapTitle | None = None) -> str:
    """The plan.qgs text; `extent` is (xmin, ymin, xmax, ymax) in the working CRS. The layout's
    title is map.png's (`map_title`: scenario and years; solver outcome, gap and objective), or
    "Plan: <title>" without one."""
    heading = map_title.text() if map_title is not None else f"Plan: {title}"
    return project_document(plan_layers(layers, styles, gpkg_name), title, working_crs, extent,
                            heading, credits or default_credits(title, working_crs))


def default_credits(title: str, working_crs: str) -> str:
    """The layout's source line: what made the map, its CRS, and the print date (a QGIS expression)."""
    crs = pyproj.CRS.from_user_input(working_crs)
    return (f"Source: siting plan for scenario '{title}' (plan.gpkg; inputs and their SHA-256 in manifest.json). "
            f"Projection: {crs.name}. Printed [% format_date(now(), 'yyyy-MM-dd') %].")


def project_document(layers: Sequence[ProjectLayer], title: str, working_crs: str, extent: Sequence[float],
                     layout_title: str, credits: str, layout_name: str = "Plan") -> str:
    """A .qgs text opening `layers` (top to bottom) in the working CRS on `extent`, with a print layout."""
    tree = element("layer-tree-group", None, element("customproperties"), *(
        element("layer-tree-layer", {"checked": "Qt::Checked", "expanded": "1", "id": layer.layer_id,
                                     "name": layer.title, "providerKey": "ogr", "source": layer.source},
                element("customproperties"))
        for layer in layers))
    canvas = element("mapcanvas", {"annotationsVisible": "1", "name": "theMapCanvas"}, _text("units", "meters"),
                     _extent("extent", extent), _text("rotation", "0"),
                     element("destinationsrs", None, spatial_ref(working_crs)), _text("rendermaptile", "0"))
    view = element("ProjectViewSettings", {"UseProjectScales": "0", "rotation": "0"}, element("Scales"),
                   element("DefaultViewExtent", dict(zip(("xmin", "ymin", "xmax", "ymax"),
                                                         (f"{v:.3f}" for v in extent), strict=True)),
                           spatial_ref(working_crs)))
    properties = element("properties", None,
                         element("Paths", None, _typed("Absolute", "bool", "false")),
                         element("SpatialRefSys", None, _typed("ProjectionsEnabled", "int", "1")))
    root = element("qgis", {"projectname": title, "version": QGIS_VERSION}, element("homePath", {"path": ""}),
                   _text("title", title), element("projectCrs", None, spatial_ref(working_crs)), tree, canvas, view,
                   element("projectlayers", None, *(map_layer(layer) for layer in layers)),
                   element("Layouts", None, print_layout(layout_title, extent, credits, layout_name)),
                   properties)
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


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


def _label(layout: str, name: str, frame_mm: Sequence[float], text: str, size: float, bold: bool = False,
           halign: int = 1) -> ET.Element:
    return layout_item("label", layout, name, frame_mm, 3, {
        "labelText": text, "htmlState": "0", "halign": halign, "valign": "32", "marginX": "0", "marginY": "0"},
        element("LabelFont", {"description": _font(size, bold), "style": "Bold" if bold else ""}),
        _colour("FontColor", (40, 40, 40)))


def _legend_styles() -> ET.Element:
    sizes = {"title": (12, True, {"marginBottom": "2"}), "group": (8.5, True, {"marginTop": "2.5"}),
             "subgroup": (8, True, {"marginTop": "2"}), "symbol": (7.5, False, {"marginTop": "1"}),
             "symbolLabel": (7.5, False, {"marginTop": "1", "marginLeft": "2"})}
    return element("styles", None, *(
        element("style", {"alignment": "1", "indent": "0", "name": name, **extra},
                element("styleFont", {"description": _font(size, bold), "style": "Bold" if bold else ""}))
        for name, (size, bold, extra) in sizes.items()))


def print_layout(title: str, extent: Sequence[float], credits: str, name: str = "Plan") -> ET.Element:
    """The `<Layout>`: A3 landscape with title, map, legend, scale bar, north arrow and source line.

    The legend follows the project's layers (QGIS fills it when the project opens), so it holds
    every layer's own categories; the scale bar is in kilometres and linked to the map, as is the
    north arrow (grid north of the working CRS)."""
    page_w, page_h = PAGE_MM
    mx, my, mw, mh = MAP_FRAME_MM
    map_id = item_uuid(name, "map")
    shown = fit_extent(extent, mw, mh)
    page = layout_item("page", name, "", (0, 0, page_w, page_h), 0, {}, background=True)
    page.set("uuid", item_uuid(name, "page"))
    page.set("templateUuid", page.get("uuid", ""))
    pages = element("PageCollection", None, page, element("GuideCollection", {"visible": "1"}))
    map_item = layout_item("map", name, "map", MAP_FRAME_MM, 1, {
        "mapRotation": "0", "keepLayerSet": "false", "drawCanvasItems": "true", "followPreset": "false",
        "followPresetName": "", "isTemporal": "0", "mapFlags": "0", "labelMargin": "0,mm"},
        element("Extent", dict(zip(("xmin", "ymin", "xmax", "ymax"), (f"{v:.3f}" for v in shown), strict=True))),
        element("LayerSet"), element("labelBlockingItems"), frame=True, background=True)
    legend = layout_item("legend", name, "legend", (mx + mw + 5, my, page_w - mx - mw - 15, mh), 2, {
        "map_uuid": map_id, "title": "Legend", "titleAlignment": "1", "resizeToContents": "0", "columnCount": "1",
        "columnSpace": "2", "equalColumnWidth": "0", "splitLayer": "1", "symbolWidth": "6", "symbolHeight": "3.2",
        "symbolAlignment": "1", "boxSpace": "2", "lineSpacing": "1", "wrapChar": LEGEND_BREAK, "fontColor": "#282828",
        "legendFilterByAtlas": "0", "rasterBorder": "1", "rasterBorderColor": "0,0,0,255", "rasterBorderWidth": "0",
        "wmsLegendHeight": "25", "wmsLegendWidth": "50", "minSymbolSize": "0", "maxSymbolSize": "0"},
        _legend_styles(), background=True)
    scalebar = layout_item("scalebar", name, "scale bar", (mx + 4, my + mh - 18, 80, 14), 4, {
        "mapUuid": map_id, "style": "Single Box", "unitType": "kilometers", "unitLabel": "km",
        "numMapUnitsPerScaleBarUnit": "1000", "segmentSizeMode": "1", "minBarWidth": "20", "maxBarWidth": "60",
        "numSegments": "2", "numSegmentsLeft": "0", "numSubdivisions": "1", "subdivisionsHeight": "1.5",
        "numUnitsPerSegment": "10", "height": "2", "labelBarSpace": "2", "boxContentSpace": "2", "alignment": "0",
        "labelVerticalPlacement": "0", "labelHorizontalPlacement": "0", "lineJoinStyle": "miter",
        "lineCapStyle": "square", "outlineWidth": "0.3"},
        element("text-style", {"fontFamily": FONT, "fontSize": "8", "fontSizeUnit": "Point", "fontWeight": "50",
                               "namedStyle": "Regular", "textColor": "40,40,40,255", "textOpacity": "1"}),
        background=True)  # on the map, on white
    north = layout_item("picture", name, "north arrow", (mx + mw - 14, my + 4, 10, 16), 5, {
        "file": NORTH_ARROW, "mapUuid": map_id, "northMode": "0", "northOffset": "0", "mode": "2",
        "resizeMode": "0", "anchorPoint": "4", "pictureRotation": "0", "pictureWidth": "10", "pictureHeight": "16",
        "svgFillColor": "255,255,255,255", "svgBorderColor": "0,0,0,255", "svgBorderWidth": "0.2"})
    two_lines = int("\n" in title)
    title_item = _label(name, "title", TITLE_FRAME_MM[two_lines], title, TITLE_PT[two_lines], bold=True)
    source = _label(name, "source", (mx, my + mh + 4, page_w - 2 * mx, 10), credits, 8)
    return element("Layout", {"name": name, "units": "mm", "printResolution": "300", "worldFileMap": map_id},
                   element("Snapper", {"snapToGrid": "0", "snapToGuides": "1", "snapToItems": "1", "tolerance": "5"}),
                   element("Grid", {"offsetUnits": "mm", "offsetX": "0", "offsetY": "0", "resUnits": "mm",
                                    "resolution": "10"}),
                   pages, map_item, legend, scalebar, north, title_item, source)


# --- the comparison's project ----------------------------------------------------------------

def _geometry_type(qgs: ET.Element, layer_name: str) -> str:
    for node in qgs.iter("maplayer"):
        if node.findtext("id") == plan_layer_id(layer_name):
            return node.get("wkbType", "Point")
    return "Point"


def compare_project_text(folder: Path, runs: Sequence[tuple[str, str]], diff_geometry: str, diff_qml: str
                         ) -> str | None:
    """`compare.qgs` for a comparison folder whose runs' outputs are in subfolders: `runs` is
    (label, subfolder) per run, the baseline first. Layers top to bottom: the changes against the
    baseline, one layer per compared run (`diff.geojson` filtered by its `scenario`, styled as
    `diff.qml`); each run's sites; the baseline's clusters, red line and context outlines (where
    it has them). CRS and view are the baseline's plan.qgs's. Runs that wrote no plan are left
    out (and with a failed baseline, the changes); None when no run wrote a plan."""
    written = [(label, sub) for label, sub in runs if (folder / sub / "plan.qgs").is_file()]
    if not written:
        return None
    base_label, base_sub = written[0]
    base = ET.fromstring((folder / base_sub / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    crs = base.findtext("projectCrs/spatialrefsys/authid") or "EPSG:4326"
    view = base.find("ProjectViewSettings/DefaultViewExtent")
    extent = [float(view.get(k, "0")) for k in ("xmin", "ymin", "xmax", "ymax")] if view is not None else [0, 0, 1, 1]
    layers: list[ProjectLayer] = []
    # diff.geojson compares against the first run; without its plan there are no changes to show.
    for label, sub in written[1:] if written[0] == tuple(runs[0]) else []:
        quoted = label.replace("'", "''")
        layers.append(ProjectLayer(f"diff_{sub}_layer", f"{label}: changes against {base_label}",
                                   f"./diff.geojson|subset=\"scenario\" = '{quoted}'", diff_geometry, diff_qml))
    for label, sub in written:
        qgs = base if sub == base_sub else ET.fromstring(
            (folder / sub / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
        layers.append(ProjectLayer(f"sites_{sub}_layer", f"{label}: sites", f"./{sub}/plan.gpkg|layername=sites",
                                   _geometry_type(qgs, "sites"), (folder / sub / "sites.qml").read_text(
                                       encoding="utf-8")))
    for name, title in (("clusters", "clusters"), ("redline", "red line"), ("context", "context outlines")):
        if (folder / base_sub / f"{name}.qml").is_file():
            layers.append(ProjectLayer(f"{name}_{base_sub}_layer", f"{base_label}: {title}",
                                       f"./{base_sub}/plan.gpkg|layername={name}", _geometry_type(base, name),
                                       (folder / base_sub / f"{name}.qml").read_text(encoding="utf-8")))
    names = ", ".join(label for label, _sub in written)
    title = f"Comparison: {names}"
    credits = (f"Source: siting comparison of {names} against the baseline {base_label} (diff.geojson; each run's "
               f"plan.gpkg in its folder). Printed [% format_date(now(), 'yyyy-MM-dd') %].")
    return project_document(layers, title, crs, extent, title, credits, "Comparison")
