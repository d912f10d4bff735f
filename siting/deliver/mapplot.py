"""`map.png`: a static map of the plan for readers who never open QGIS.

Drawn with matplotlib's Agg canvas (no screen, no pyplot state) in the working CRS, so that the
scale bar is true in kilometres and north is up (UTM grid north; the convergence from true
north is about a degree in Yunnan, below what the arrow can show). Cluster outlines, red-line
polygons and their buffered zones (hatched), flows, sources, and candidate sites: built sites
as circles whose area is proportional to capex, coloured by their main product (the product with
the largest added output value), the others as small grey or blue marks. Title: scenario name,
solver status and gap, and the discounted objective.

The same plan gives the same bytes: fixed size and DPI, matplotlib's default style whatever the
user's matplotlibrc says, and no `Software` or date in the PNG metadata.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import matplotlib
import matplotlib.patheffects as path_effects
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from siting.deliver.layer import OutputLayer
from siting.deliver.styles import BUILT, ELIGIBLE, GREY, INK, RED, SETBACK, palette_colour, resource_colours


def _rgb(colour: Sequence[int], alpha: float = 1.0) -> tuple[float, float, float, float]:
    """Matplotlib RGBA from 0-255 RGB."""
    return colour[0] / 255, colour[1] / 255, colour[2] / 255, alpha


#: 1600 x 1200 pixels: readable on a screen and in a printed A4 report.
FIGURE_SIZE_IN = (16.0, 12.0)
DPI = 100
PIXELS = (round(FIGURE_SIZE_IN[0] * DPI), round(FIGURE_SIZE_IN[1] * DPI))
#: Marker area (points^2) of the largest built site; others scale by capex.
LARGEST_MARKER = 900.0
HALO = [path_effects.withStroke(linewidth=3, foreground="white")]
#: Sites not built: status -> (marker, colour, area in points^2, legend label).
STATUS_MARKS = {
    "eligible_unused": ("o", _rgb(ELIGIBLE), 30.0, "eligible site, not used"),
    "excluded_redline": ("x", _rgb(INK, 0.7), 45.0, "excluded: red line"),
    "excluded_proximity": ("^", _rgb(GREY), 25.0, "excluded: no source within reach"),
    "excluded_land": ("s", _rgb(GREY), 20.0, "excluded: too little land"),
    "outside_clusters": ("o", (1.0, 1.0, 1.0, 0.0), 25.0, "outside every cluster"),
}


@dataclass(frozen=True)
class MapTitle:
    """What the title says: scenario, solver outcome and objective."""

    scenario: str
    status: str
    gap: float | None
    objective_yuan: float | None
    years: Sequence[int]
    official_redline_pct: float | None = None
    official_redline_source: str = ""

    def text(self) -> str:
        gap = f", gap {self.gap:.2%}" if self.gap is not None else ""
        objective = (f"objective {self.objective_yuan / 1e9:,.1f} bn yuan (discounted)"
                     if self.objective_yuan is not None else "no objective")
        span = f"{self.years[0]}-{self.years[-1]}" if self.years else ""
        return f"{self.scenario}: capacity plan {span}\n{self.status}{gap}, {objective}"


def _projected(layer: OutputLayer | None, crs: str) -> gpd.GeoDataFrame | None:
    if layer is None or layer.frame.empty:
        return None
    return layer.frame.to_crs(crs)


def _nice(value: float) -> float:
    """1, 2 or 5 times a power of ten, at most `value`."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def _significant(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits (legend reference sizes)."""
    if value <= 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(value)))


def _extent(frames: Sequence[gpd.GeoDataFrame | None]) -> tuple[float, float, float, float]:
    bounds = np.array([f.total_bounds for f in frames if f is not None and not f.empty])
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    pad = 0.05 * max(x1 - x0, y1 - y0, 1000.0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def draw_scale_bar(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    """Alternating black and white bar of a round length (about a fifth of the width), in km."""
    x0, y0, x1, y1 = extent
    length = _nice((x1 - x0) / 5)
    height = (y1 - y0) / 120
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height, facecolor="black" if i % 2 == 0
                               else "white", edgecolor="black", linewidth=0.8, zorder=20))
    for fraction in (0.0, 0.5, 1.0):
        ax.text(left + fraction * length, bottom + height * 1.6, f"{fraction * length / 1000:g}", ha="center",
                va="bottom", fontsize=8, zorder=20, path_effects=HALO)
    ax.text(left + length + (x1 - x0) * 0.01, bottom, "km", ha="left", va="bottom", fontsize=8, zorder=20,
            path_effects=HALO)


def draw_north_arrow(ax: Axes) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.87), xycoords="axes fraction", ha="center", va="center",
                fontsize=13, fontweight="bold", zorder=20,
                arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4, "headwidth": 12,
                            "headlength": 12})


def _polygons(ax: Axes, frame: gpd.GeoDataFrame | None, **style: object) -> None:
    if frame is not None and not frame.empty:
        frame.plot(ax=ax, **style)


def _anchor_points(frame: gpd.GeoDataFrame) -> np.ndarray:
    points = shapely.point_on_surface(frame.geometry.to_numpy())
    return np.column_stack([shapely.get_x(points), shapely.get_y(points)])


def draw_sites(ax: Axes, sites: gpd.GeoDataFrame | None, products: Sequence[str]) -> list[tuple[str, float]]:
    """Site marks; returns (product, colour index) of the main products shown, for the legend."""
    if sites is None:
        return []
    if sites.geom_type.isin(["Polygon", "MultiPolygon"]).any():
        sites.plot(ax=ax, facecolor="none", edgecolor=_rgb(GREY), linewidth=0.6, zorder=6)
    xy = _anchor_points(sites)
    status = sites["status"].to_numpy()
    for name, (marker, colour, size, _label) in STATUS_MARKS.items():
        chosen = status == name
        if chosen.any():
            ax.scatter(xy[chosen, 0], xy[chosen, 1], marker=marker, s=size, c=[colour], zorder=7,
                       edgecolors=[_rgb(INK)] if marker != "x" else None, linewidths=0.6 if marker != "x" else 1.6)
    built = status == "built"
    if not built.any():
        return []
    capex = sites["capex_yuan"].to_numpy(dtype=float)
    top = max(capex[built].max(), 1.0)
    main = sites["main_product"].to_numpy()
    colour_of = {p: palette_colour(i) for i, p in enumerate(products)}
    order = np.argsort(-capex[built], kind="stable")  # big circles first, small ones stay visible on top
    bx, by = xy[built][order, 0], xy[built][order, 1]
    ax.scatter(bx, by, s=np.maximum(LARGEST_MARKER * capex[built][order] / top, 20.0),
               c=[_rgb(colour_of.get(p, BUILT), 0.85) for p in main[built][order]], edgecolors=[_rgb(INK)],
               linewidths=0.8, zorder=9)
    labels = [n if n is not None else i for n, i in zip(sites["name"], sites["id"], strict=True)]
    for x, y, name in zip(bx, by, np.asarray(labels, dtype=object)[built][order], strict=True):
        ax.annotate(str(name).split(",")[0], (x, y), xytext=(8, 8), textcoords="offset points", fontsize=10,
                    zorder=12, path_effects=HALO)
    shown = [p for p in products if p in set(main[built])]
    return [(p, colour_of[p]) for p in shown]


def draw_flows(ax: Axes, flows: gpd.GeoDataFrame | None, colours: dict[str, tuple[int, int, int]]) -> None:
    if flows is None:
        return
    tonnes = flows[[c for c in flows.columns if c.startswith("tonnes_")]].to_numpy(dtype=float).max(axis=1)
    top = max(tonnes.max(), 1.0)
    for geometry, resource, peak in zip(flows.geometry, flows["resource"], tonnes, strict=True):
        x, y = geometry.xy
        ax.plot(x, y, color=_rgb(colours.get(resource, GREY), 0.8), linewidth=0.6 + 3.4 * peak / top, zorder=5,
                solid_capstyle="round")


def legend_handles(shown_products: Sequence[tuple[str, tuple[int, int, int]]], top_capex: float,
                   statuses: set[str], zones: gpd.GeoDataFrame | None, resources: dict[str, tuple[int, int, int]],
                   has_flows: bool) -> tuple[list[object], list[str]]:
    """Legend entries: built sites by main product, capex reference circles, other site
    statuses present, clusters, red-line zones and polygons, sources and flows by resource."""
    handles: list[object] = []
    labels: list[str] = []
    for product, colour in shown_products:
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=10, markerfacecolor=_rgb(colour, 0.85),
                              markeredgecolor=_rgb(INK)))
        labels.append(f"built, main product {product}")
    if top_capex > 0:
        for value in sorted({_significant(top_capex, 2), _significant(top_capex / 4, 1)}, reverse=True):
            if value > 0:
                handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                                      markeredgecolor=_rgb(INK),
                                      markersize=math.sqrt(max(LARGEST_MARKER * value / top_capex, 20.0))))
                labels.append(f"capex {value / 1e9:,.3g} bn yuan")
    for status, (marker, colour, size, label) in STATUS_MARKS.items():
        if status in statuses:
            handles.append(Line2D([], [], marker=marker, linestyle="", markersize=math.sqrt(size),
                                  markerfacecolor=colour, markeredgecolor=colour if marker == "x" else _rgb(INK),
                                  markeredgewidth=1.6 if marker == "x" else 0.6))
            labels.append(label)
    handles.append(Patch(facecolor="none", edgecolor=_rgb(INK), linewidth=1.2))
    labels.append("cluster")
    if zones is not None:
        for kind, distance in zip(zones["kind"], zones["max_distance_m"], strict=True):
            colour = RED if kind == "buffer" else SETBACK
            handles.append(Patch(facecolor="none", edgecolor=_rgb(colour), hatch="////" if kind == "buffer" else
                                 "\\\\\\\\"))
            labels.append(f"red-line {'buffer' if kind == 'buffer' else 'setback'} {distance / 1000:g} km")
    handles.append(Patch(facecolor=_rgb((90, 174, 97), 0.35), edgecolor="none"))
    labels.append("red-line polygon")
    for resource, colour in sorted(resources.items()):
        handles.append(Line2D([], [], marker="^", linestyle="-" if has_flows else "", markersize=7,
                              color=_rgb(colour), markeredgecolor=_rgb(INK)))
        labels.append(f"{resource} source{' / flow' if has_flows else ''}")
    return handles, labels


#: Equal-area CRS for the red-line share (WGS 84 / NSIDC EASE-Grid 2.0 Global): any region, true areas.
EQUAL_AREA_CRS = "EPSG:6933"


def redline_coverage(layers: Sequence[OutputLayer]) -> tuple[float, float] | None:
    """The clusters' area (km2) and the share of it under the red-line layer's polygons, or None
    without clusters. Measured in an equal-area CRS; every polygon of the layer counts, whether
    or not the rule uses its category."""
    by_name = {layer.name: layer for layer in layers}
    clusters, redline = by_name.get("clusters"), by_name.get("redline")
    if clusters is None or clusters.frame.empty:
        return None
    region = shapely.union_all(clusters.frame.to_crs(EQUAL_AREA_CRS).geometry.to_numpy())
    if region.area <= 0:
        return None
    covered = 0.0
    if redline is not None and not redline.frame.empty:
        red = shapely.union_all(shapely.make_valid(redline.frame.to_crs(EQUAL_AREA_CRS).geometry.to_numpy()))
        covered = shapely.intersection(region, red).area
    return region.area / 1e6, covered / region.area


def redline_extent_text(layers: Sequence[OutputLayer], official_pct: float | None, official_source: str) -> str:
    """One plain statement of how much of the clusters the red-line layer covers, set against the
    official red line's share where the scenario gives it (constraints.redline.official_share_pct)."""
    coverage = redline_coverage(layers)
    if coverage is None:
        return "No clusters: the red line's share of the area is not measured."
    area_km2, share = coverage
    text = (f"The red-line layer covers {share * 100:.1f} % of the clusters' area "
            f"({share * area_km2:,.0f} of {area_km2:,.0f} km2).")
    if official_pct is None:
        return text + (" No official share is given (constraints.redline.official_share_pct), so the layer "
                       "cannot be checked against the official red line.")
    where = f" of {official_source}" if official_source else ""
    return text + (f" The official red line covers {official_pct:.2f} %{where}. If that share held here, the "
                   f"layer would hold about {share * 10000 / official_pct:.0f} % of the official red line.")


def render_map(target: Path | BinaryIO, layers: Sequence[OutputLayer], title: MapTitle, products: Sequence[str],
               working_crs: str) -> None:
    """Draw the plan's layers into a PNG (PIXELS in size) at a path or into a binary file."""
    by_name = {layer.name: layer for layer in layers}
    crs = working_crs
    sites = _projected(by_name.get("sites"), crs)
    clusters = _projected(by_name.get("clusters"), crs)
    zones = _projected(by_name.get("redline_zones"), crs)
    redline = _projected(by_name.get("redline"), crs)
    sources = _projected(by_name.get("sources"), crs)
    flows = _projected(by_name.get("flows"), crs)
    resources = resource_colours(list(sources["resource"]) if sources is not None else [])
    with matplotlib.style.context("default"):
        figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0.02, 0.03, 0.70, 0.86))
        extent = _extent([clusters, sites, sources if flows is not None else None])
        _polygons(ax, redline, facecolor=_rgb((90, 174, 97), 0.35), edgecolor="none", zorder=1)
        if zones is not None:
            for kind, zone in zip(zones["kind"], zones.geometry, strict=True):
                colour = RED if kind == "buffer" else SETBACK
                gpd.GeoSeries([zone], crs=crs).plot(ax=ax, facecolor="none", edgecolor=_rgb(colour, 0.8),
                                                    hatch="////" if kind == "buffer" else "\\\\\\\\",
                                                    linewidth=0.5, zorder=2)
        _polygons(ax, clusters, facecolor=_rgb((250, 250, 245)), edgecolor=_rgb(INK), linewidth=1.4, zorder=0)
        _polygons(ax, clusters, facecolor="none", edgecolor=_rgb(INK), linewidth=1.4, zorder=4)
        if clusters is not None:
            names = [n if n is not None else i for n, i in zip(clusters["name"], clusters["id"], strict=True)]
            for (x, y), name in zip(_anchor_points(clusters), names, strict=True):
                ax.text(x, y, str(name), fontsize=14, fontweight="bold", color=_rgb(INK, 0.75), ha="center",
                        va="center", zorder=3, path_effects=HALO)
        draw_flows(ax, flows, resources)
        if sources is not None:
            xy = _anchor_points(sources)
            ax.scatter(xy[:, 0], xy[:, 1], marker="^", s=45, c=[_rgb(resources[r]) for r in sources["resource"]],
                       edgecolors=[_rgb(INK)], linewidths=0.6, zorder=8)
        shown = draw_sites(ax, sites, products)
        built = sites["capex_yuan"].to_numpy(dtype=float)[sites["status"].to_numpy() == "built"] if sites is not None \
            else np.array([])
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        draw_scale_bar(ax, extent)
        draw_north_arrow(ax)
        statuses = set(sites["status"]) if sites is not None else set()
        handles, labels = legend_handles(shown, float(built.max()) if built.size else 0.0, statuses, zones,
                                         resources, flows is not None)
        figure.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.735, 0.89), fontsize=11, frameon=False,
                      labelspacing=1.0, borderpad=0.5, handletextpad=1.2)
        figure.suptitle(title.text(), x=0.02, y=0.975, ha="left", va="top", fontsize=18)
        figure.text(0.735, 0.03, f"Projection {crs}.\nCircle area proportional to the capex\nof the capacity "
                    "added at the site.", fontsize=10, color=_rgb(INK, 0.8), va="bottom")
        extent_note = redline_extent_text(layers, title.official_redline_pct, title.official_redline_source)
        figure.text(0.735, 0.115, textwrap.fill(extent_note, 44), fontsize=10, color=_rgb(INK, 0.9), va="bottom")
        figure.savefig(target, dpi=DPI, format="png", metadata={"Software": None})
