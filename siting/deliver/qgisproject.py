"""`plan.qgs`: a QGIS project that opens every layer of `plan.gpkg`, styled, in a sensible order.

Layers are listed top to bottom as `siting.deliver.layers.LAYER_ORDER` (sites over flows over sources over
clusters over the red line), each with the same style as in the GeoPackage's `layer_styles`. The
project CRS is the scenario's working CRS (metres, so QGIS measures in metres) and the view
opens on the clusters. Data sources are relative (`./plan.gpkg|layername=sites`), so the output
folder can be moved or shared as a whole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

import pyproj

from siting.deliver.layer import OutputLayer
from siting.deliver.styles import DOCTYPE, QGIS_VERSION, element

GEOMETRY_NAMES = {0: "Point", 1: "Line", 2: "Polygon"}


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


def map_layer(layer: OutputLayer, qml: str, gpkg_name: str) -> ET.Element:
    code = {"Point": 0, "MultiPoint": 0, "LineString": 1, "MultiLineString": 1}.get(layer.geometry_type, 2)
    node = element("maplayer", {"geometry": GEOMETRY_NAMES[code], "type": "vector", "wkbType": layer.geometry_type,
                                "labelsEnabled": "1" if "<labeling" in qml else "0"},
                   _text("id", f"{layer.name}_layer"), _text("datasource", f"./{gpkg_name}|layername={layer.name}"),
                   _text("layername", layer.title), element("srs", None, spatial_ref("EPSG:4326")),
                   element("provider", {"encoding": "UTF-8"}))
    node[-1].text = "ogr"
    node.extend(_style_children(qml))
    return node


def project_text(layers: Sequence[OutputLayer], styles: Mapping[str, str], title: str, working_crs: str,
                 extent: Sequence[float], gpkg_name: str = "plan.gpkg") -> str:
    """The .qgs text; `extent` is (xmin, ymin, xmax, ymax) in the working CRS."""
    tree = element("layer-tree-group", None, element("customproperties"), *(
        element("layer-tree-layer", {"checked": "Qt::Checked", "expanded": "1", "id": f"{layer.name}_layer",
                                     "name": layer.title, "providerKey": "ogr",
                                     "source": f"./{gpkg_name}|layername={layer.name}"}, element("customproperties"))
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
                   element("projectlayers", None, *(map_layer(layer, styles[layer.name], gpkg_name)
                                                    for layer in layers)),
                   properties)
    ET.indent(root, space="  ")
    return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"
