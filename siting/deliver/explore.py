"""The files of a diagnosis (why no plan) and of near-optimal alternatives (which sites matter).

Diagnosis folder of an infeasible run:
- `conflicts.geojson` (+ `.qml`): the clusters and the red-line zones (clipped to the cluster)
  of the conflicting rules, one polygon feature per rule and area, numbered by rule;
- `conflict_sites.geojson` (+ `.qml`): the candidate sites and raw-material sources of the
  conflicting rules, as points, one feature per rule and place;
- `conflicts.png`: a map of both; `conflicts.md`: the explanation with the map.
Each feature gives its place by id (`place`) and in words (`name`), which the styles and the map
label it with.

Alternatives, beside the optimum's outputs:
- `robustness.geojson` (+ `.qml`): every candidate site as a point with, per product, the
  share of the near-optimal plans that build it there (`share_<product>`), the largest such
  share, and its role: needed by every plan, built in some, or in none; the shares as text with
  the products' ids (`products`) and in words (`products_in_words`, which the style labels with);
- `robustness.csv`, `alternatives.csv` / `.md` (the comparison of the plans, with the
  robustness table and the map `robustness.png`). The CSV files give every figure's unit as the
  plan's tables do: robustness.csv a `unit` column right after `product`, alternatives.csv, one
  row per plan, its capacity columns by cluster, product and unit, as sweep.csv names its own
  (`added_<cluster>_<product>_<unit>_per_yr`), and the excess over the optimum as a share
  (`over_optimum_share`).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from models import ModelInputs
from siting.config.units import Names, layer_names, per_year, product_label, unit_slug
from siting.deliver.folders import write_contents
from siting.deliver.layer import FieldKind, OutputLayer, feature_collection_text, make_layer
from siting.deliver.styles import (
    GREY,
    INK,
    RED,
    Category,
    amount,
    categorized,
    labeling,
    qml_document,
    rgba,
    simple_fill,
    simple_marker,
    symbol,
    values_in,
)
from siting.deliver.tables import csv_text, markdown_table
from siting.optimize.alternatives import Alternative, comparison, distinct, robustness
from siting.optimize.explain import Diagnosis, relax_text
from siting.prepare.spatial import RedlineSettings, SpatialResult, buffered_zone

FileContent = str | Callable[[Path], None]

#: Roles of the features of the conflict layers, with their legend labels.
CONFLICT_ROLES = {
    "cluster": "Cluster named by a conflicting rule",
    "redline_zone": "Red-line zone of a conflicting rule, within the cluster",
    "site": "Candidate site of a conflicting rule",
    "source": "Raw-material source of a conflicting rule",
}

#: Roles of the robustness layer.
ROBUSTNESS_ROLES = {
    "needed": "Built in every near-optimal plan",
    "some": "Built in some near-optimal plans (interchangeable)",
    "none": "Built in no near-optimal plan",
}
NEEDED_COLOUR = (165, 0, 38)
SOME_COLOUR = (244, 165, 130)
SOURCE_COLOUR = (140, 81, 10)
PNG_SIZE_IN = (12.0, 9.0)
PNG_DPI = 100


# -- conflicts ---------------------------------------------------------------------------------


def _zone_for(spatial: SpatialResult, rule: RedlineSettings, product: str) -> shapely.Geometry | None:
    """The buffered red-line zone that excludes `product` (working CRS), None without one."""
    categories = sorted(set(spatial.redline["category"])) if len(spatial.redline) else []
    if rule.categories is not None:
        categories = [c for c in categories if c in rule.categories]
    if not categories:
        return None
    key = tuple((c, rule.distance_m(product, c)) for c in categories)
    for distances, geometry in zip(spatial.zones["distances"], spatial.zones.geometry, strict=True):
        if tuple(distances) == key:
            return geometry
    return buffered_zone(spatial.redline, dict(key))


def source_names(spatial: SpatialResult) -> dict[str, str]:
    """Source id -> its name in the sources layer (stripped), the id where it has none."""
    sources = spatial.sources
    given = sources["name"] if "name" in sources.columns else sources["id"]
    return {str(k): n.strip() if isinstance(n, str) and n.strip() else str(k)
            for k, n in zip(sources["id"], given, strict=True)}


def conflict_layers(diagnosis: Diagnosis, spatial: SpatialResult, rule: RedlineSettings, names: Names | None = None
                    ) -> tuple[OutputLayer, OutputLayer]:
    """(conflicts, conflict_sites): the areas and the points of the conflicting rules (see the
    module docstring); features in rule order, then cluster, site and source order.

    `place` names each feature's place by id: the cluster ("kunming"), the cluster and the
    product of a red-line zone ("kunming (lfp)"), the site or the source; `name` the same in
    words, sites and clusters by `names` (the run's; from the preprocessed layers without them),
    products in words and sources by the sources layer's names: "Kunming", "Kunming (LFP)",
    "Yuxi high-tech zone", "Anning refinery petroleum coke"."""
    names = names or spatial_names(spatial)
    sourced = source_names(spatial)
    clusters = spatial.clusters.set_index("id")
    sites = spatial.sites.set_index("id")
    sources = spatial.sources.set_index("id") if len(spatial.sources) else None
    areas: list[dict[str, Any]] = []
    area_geometry: list[shapely.Geometry] = []
    points: list[dict[str, Any]] = []
    point_geometry: list[shapely.Geometry] = []
    for number, conflict in enumerate(diagnosis.conflicts, start=1):
        base = {"rule": number, "kind": conflict.instance.kind, "text": conflict.sentence,
                "setting": conflict.setting}
        for cluster in conflict.clusters:
            if cluster not in clusters.index:
                continue
            polygon = clusters.at[cluster, "geometry"]
            areas.append({"id": f"{number}:{cluster}", **base, "role": "cluster", "place": str(cluster),
                          "name": names.cluster(cluster)})
            area_geometry.append(polygon)
            for product in conflict.redline_products:
                zone = _zone_for(spatial, rule, product)
                part = zone.intersection(polygon) if zone is not None else None
                if part is not None and not part.is_empty:
                    areas.append({"id": f"{number}:{cluster}:{product}", **base, "role": "redline_zone",
                                  "place": f"{cluster} ({product})",
                                  "name": f"{names.cluster(cluster)} ({names.product(product)})"})
                    area_geometry.append(part)
        for site in conflict.sites:
            if site in sites.index:
                points.append({"id": f"{number}:{site}", **base, "role": "site", "place": str(site),
                               "name": names.site(site)})
                point_geometry.append(shapely.point_on_surface(sites.at[site, "geometry"]))
        for source in conflict.sources:
            if sources is not None and source in sources.index:
                points.append({"id": f"{number}:{source}", **base, "role": "source", "place": str(source),
                               "name": sourced.get(str(source), str(source))})
                point_geometry.append(sources.at[source, "geometry"])
    columns = ["id", "rule", "kind", "role", "place", "name", "text", "setting"]
    kinds: dict[str, FieldKind] = {"id": "string", "rule": "integer", "kind": "string", "role": "string",
                                   "place": "string", "name": "string", "text": "string", "setting": "string"}
    crs = spatial.clusters.crs
    area_frame = gpd.GeoDataFrame(areas or {c: [] for c in columns}, geometry=area_geometry, crs=crs)
    point_frame = gpd.GeoDataFrame(points or {c: [] for c in columns}, geometry=point_geometry, crs=crs)
    return (make_layer("conflicts", "Rules in conflict: clusters and red-line zones", area_frame, columns, kinds,
                       "MultiPolygon"),
            make_layer("conflict_sites", "Rules in conflict: sites and sources", point_frame, columns, kinds,
                       "Point"))


def conflicts_style(layer: OutputLayer) -> str:
    """QML of conflicts.geojson: clusters outlined in red, red-line zones hatched, labelled by rule
    and the place's name ("rule 2: Kunming (LFP)")."""
    categories = [
        Category("cluster", CONFLICT_ROLES["cluster"],
                 symbol("fill", "cluster", simple_fill(rgba(RED, 40), rgba(RED), width=1.2))),
        Category("redline_zone", CONFLICT_ROLES["redline_zone"],
                 symbol("fill", "redline_zone", simple_fill(rgba(RED, 200), rgba(RED), style="b_diagonal",
                                                            width=0.4))),
    ]
    return qml_document(layer, categorized("role", categories, values_in(layer, "role")),
                        labeling("'rule ' || \"rule\" || ': ' || \"name\"", 9, 1))


def conflict_sites_style(layer: OutputLayer) -> str:
    """QML of conflict_sites.geojson: sites as red triangles, sources as brown squares, labelled
    by the place's name and the rule, as conflicts.png labels them ("Yuxi high-tech zone (2)")."""
    categories = [
        Category("site", CONFLICT_ROLES["site"],
                 symbol("marker", "site", simple_marker("triangle", rgba(RED, 230), rgba(INK), 4.0))),
        Category("source", CONFLICT_ROLES["source"],
                 symbol("marker", "source", simple_marker("square", rgba(SOURCE_COLOUR, 230), rgba(INK), 3.5))),
    ]
    return qml_document(layer, categorized("role", categories, values_in(layer, "role")),
                        labeling("\"name\" || ' (' || \"rule\" || ')'", 8, 1))


def _figure(axes: tuple[float, float, float, float] = (0.03, 0.05, 0.94, 0.85)) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    from siting.deliver.mapplot import quiet_canvas

    figure = Figure(figsize=PNG_SIZE_IN, dpi=PNG_DPI)
    quiet_canvas(figure)  # its own Agg canvas: pyplot's backend, a notebook's, is left as it is
    ax = figure.add_axes(axes)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return figure, ax


def _map_furniture(figure: Any, ax: Any, crs: Any, marks: Sequence[tuple[float, float, float]] = (),
                   artists: Sequence[Any] = (), drawn: Sequence[Any] = (),
                   legend: Mapping[str, Any] | None = None) -> Any:
    """What a map needs besides its layers, as map.png has it: no axis titles (GeoPandas names the
    CRS's axes, with no ticks to read them by), a scale bar in the lower left corner, a north
    arrow and the projection; with `legend` (keyword arguments of `Axes.legend`), the legend of
    the map's labelled artists in that corner above the scale bar: its box starts higher than
    the corner the bar keeps (siting/deliver/mapplot.py `scale_bar_box`) and than the bar's boxes
    and labels as drawn, so that the two never overlap, whatever the map's shape.
    The north arrow stands where it covers nothing (siting/deliver/mapplot.py
    `place_north_arrow`): none of the `marks` (x, y in data coordinates, radius in points), the
    `artists` already drawn on the map (labels), the legend, the scale bar (its corner, and its
    boxes and labels as drawn), nor the geometries of `drawn` (arrays of shapely geometries in
    data coordinates, most important first). Returns the label placer (siting/deliver/mapplot.py
    `LabelPlacer`) that keeps labels off all of them, the arrow included."""
    from siting.deliver.mapplot import LabelPlacer, draw_scale_bar, place_north_arrow, scale_bar_box

    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.autoscale_view()
    ax.apply_aspect()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bar = draw_scale_bar(ax, (x0, y0, x1, y1))
    renderer = figure.canvas.get_renderer()
    placer = LabelPlacer(ax, renderer)
    corner = scale_bar_box(placer.frame)
    placer.block(corner)
    bar_boxes = [artist.get_window_extent(renderer) for artist in bar]
    for box in bar_boxes:  # on a flat map the bar's numbers reach above its corner
        placer.block(box.padded(1.5))
    if legend is not None:
        top = max(corner.y1, *(box.y1 for box in bar_boxes))
        anchor = (0.0, (top - placer.frame.y0) / placer.frame.height)  # axes fraction; the legend pads above it
        artists = [*artists, ax.legend(loc="lower left", bbox_to_anchor=anchor, **legend)]
    for x, y, radius in marks:
        placer.block_circle(x, y, radius)
    for artist in artists:
        placer.block(artist.get_window_extent(renderer).padded(1.5))
    place_north_arrow(ax, placer, drawn)
    epsg = crs.to_epsg() if crs is not None else None
    name = f"EPSG:{epsg}" if epsg else (crs.name if crs is not None else "unknown")
    figure.text(0.03, 0.015, f"Projection {name}.", fontsize=9, color=_rgb(INK), va="bottom")
    return placer


def _rgb(colour: Sequence[int], alpha: float = 1.0) -> tuple[float, float, float, float]:
    return colour[0] / 255, colour[1] / 255, colour[2] / 255, alpha


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=PNG_DPI, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _draw_clusters(ax: Any, spatial: SpatialResult, lettering: Any) -> list[Any]:
    """The clusters, filled pale and outlined, named at their middle (by id where no installed
    font draws the name: `lettering`, siting/deliver/mapplot.py `Lettering`); returns the names'
    texts."""
    clusters = spatial.clusters
    clusters.plot(ax=ax, facecolor=_rgb((250, 250, 245)), edgecolor=_rgb(INK), linewidth=1.0, zorder=0)
    return [lettering.fit(ax.text(point.x, point.y, str(name), fontsize=13, fontweight="bold", color=_rgb(INK, 0.6),
                                  ha="center", va="center", zorder=1), str(ident))
            for name, ident, point in zip(clusters["name"].fillna(clusters["id"]), clusters["id"],
                                          clusters.geometry.representative_point(), strict=True)]


def conflicts_png(diagnosis: Diagnosis, spatial: SpatialResult, areas: OutputLayer, points: OutputLayer,
                  title: str, notices: list[str] | None = None) -> bytes:
    """conflicts.png: `conflicts_figure` as PNG bytes; its notice (labels no installed font
    draws) added to `notices`."""
    from siting.deliver.mapplot import Lettering

    lettering = Lettering("conflicts.png")
    png = _png(conflicts_figure(diagnosis, spatial, areas, points, title, lettering))
    notice = lettering.notice()
    if notice is not None and notices is not None:
        notices.append(notice)
    return png


def conflicts_figure(diagnosis: Diagnosis, spatial: SpatialResult, areas: OutputLayer, points: OutputLayer,
                     title: str, lettering: Any = None) -> Any:
    """A map of the conflicting rules (a matplotlib Figure): every cluster, those named in red,
    red-line zones hatched, and the sites and sources of each rule, each labelled with its name
    (the layers' `name`) and the numbers of its rules as in the report: "Yuxi high-tech zone (1, 2)";
    texts fitted to the installed fonts by `lettering` (siting/deliver/mapplot.py `Lettering`: a
    place no font draws by its id)."""
    from siting.deliver.mapplot import Lettering

    lettering = lettering or Lettering("conflicts.png")
    figure, ax = _figure((0.02, 0.04, 0.56, 0.86))
    artists = _draw_clusters(ax, spatial, lettering)
    marks: list[tuple[float, float, float]] = []  # x, y, marker radius (points)
    crs = spatial.clusters.crs
    frame = areas.frame.to_crs(crs) if len(areas.frame) else None
    if frame is not None:
        named = frame.loc[frame["role"] == "cluster"]
        if len(named):
            named.plot(ax=ax, facecolor=_rgb(RED, 0.12), edgecolor=_rgb(RED), linewidth=2.0, zorder=2)
        zones = frame.loc[frame["role"] == "redline_zone"]
        if len(zones):
            zones.plot(ax=ax, facecolor="none", edgecolor=_rgb(RED, 0.8), hatch="////", linewidth=0.5, zorder=3)
    placed = points.frame.to_crs(crs) if len(points.frame) else None
    if placed is not None:
        for role, marker, colour in (("site", "^", RED), ("source", "s", SOURCE_COLOUR)):
            part = placed.loc[placed["role"] == role]
            if not len(part):
                continue
            ax.scatter(part.geometry.x, part.geometry.y, marker=marker, s=60, color=_rgb(colour),
                       edgecolors=_rgb(INK), linewidths=0.6, zorder=5, label=CONFLICT_ROLES[role])
            marks += [(float(x), float(y), math.sqrt(60) / 2) for x, y in zip(part.geometry.x, part.geometry.y,
                                                                              strict=True)]
            labels: dict[tuple[float, float], list[str]] = {}
            names: dict[tuple[float, float], tuple[str, str]] = {}
            for x, y, rule, name, place in zip(part.geometry.x, part.geometry.y, part["rule"], part["name"],
                                               part["place"], strict=True):
                labels.setdefault((round(x, 3), round(y, 3)), []).append(str(rule))
                names[(round(x, 3), round(y, 3))] = (str(name), str(place))
            artists += [lettering.fit(ax.annotate(f"{names[(x, y)][0]} ({', '.join(dict.fromkeys(rules))})", (x, y),
                                                  xytext=(4, 4), textcoords="offset points", fontsize=9,
                                                  color=_rgb(INK), zorder=6),
                                      f"{names[(x, y)][1]} ({', '.join(dict.fromkeys(rules))})")
                        for (x, y), rules in labels.items()]
    shapes = [f.geometry.to_numpy() for f in (spatial.clusters, frame) if f is not None and len(f)]
    _map_furniture(figure, ax, crs, marks, artists, [np.concatenate(shapes)] if shapes else [],
                   legend={"fontsize": 10, "frameon": False} if placed is not None else None)
    lettering.fit(figure.suptitle(title, x=0.03, y=0.97, ha="left", va="top", fontsize=15))
    rules = [f"{n}. {c.sentence}" for n, c in enumerate(diagnosis.conflicts, start=1)]
    text = "\n".join(textwrap.fill(r, 62, subsequent_indent="   ") for r in rules)
    lettering.fit(figure.text(0.60, 0.90, text, fontsize=9, va="top", color=_rgb(INK), linespacing=1.3))
    return figure


def conflicts_markdown(diagnosis: Diagnosis, scenario: str, presolve: Sequence[str], folder_note: str) -> str:
    """The explanation as a report: the rules with their settings, the least change, the
    pre-solve findings and the map."""
    lines = [f"# Why {scenario} has no plan", ""]
    lines.append(diagnosis.headline() + ".")  # never "0 rules cannot be met together"
    if diagnosis.stopped:
        lines += ["", diagnosis.stopped[:1].upper() + diagnosis.stopped[1:] + "."]
    lines += ["", "| rule | what it asks | scenario setting |", "|---|---|---|"]
    for number, conflict in enumerate(diagnosis.conflicts, start=1):
        lines.append(f"| {number} | {conflict.sentence.replace('|', '/')} | `{conflict.setting}` |")
    changes = [c for c in diagnosis.conflicts if c.relax_by > 0]
    if changes:
        heading = diagnosis.change_heading()
        lines += ["", ("The least change that makes a plan possible (each rule's slack weighed against its size)"
                       if diagnosis.least_proven and diagnosis.conflict_proven else heading[:1].upper() + heading[1:])
                  + ": " + "; ".join(relax_text(c) for c in changes) + "."]
    prospective = diagnosis.prospective_change()
    if prospective:
        lines += ["", prospective[:1].upper() + prospective[1:] + "."]
    if presolve:
        lines += ["", "## Found before solving", ""] + [f"- {finding}" for finding in presolve]
    lines += ["", "## Map", "", "![Rules in conflict](conflicts.png)", "",
              "`conflicts.geojson` holds the clusters and red-line zones of these rules, `conflict_sites.geojson` "
              "their sites and sources, numbered as above; drag either onto QGIS to see them styled.",
              "", folder_note, ""]
    return "\n".join(lines)


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def diagnosis_files(diagnosis: Diagnosis, spatial: SpatialResult, rule: RedlineSettings, scenario: str,
                    presolve: Sequence[str], names: Names | None = None) -> dict[str, FileContent]:
    """Every file of the diagnosis folder (see the module docstring); places named in words by
    `names` (the run's; from the preprocessed layers without them)."""
    areas, points = conflict_layers(diagnosis, spatial, rule, names)
    drawn: list[str] = []
    title = "rules that cannot be met together" if diagnosis.conflict_proven else "rules not proven to conflict"
    png = conflicts_png(diagnosis, spatial, areas, points, f"{scenario}: {title}", drawn)
    note = "\n\n".join(["No plan was written: this folder holds only the diagnosis.", *drawn])
    return {
        "conflicts.md": conflicts_markdown(diagnosis, scenario, presolve, note),
        "conflicts.geojson": feature_collection_text(areas),
        "conflicts.qml": conflicts_style(areas),
        "conflict_sites.geojson": feature_collection_text(points),
        "conflict_sites.qml": conflict_sites_style(points),
        "conflicts.png": _bytes_writer(png),
    }


# -- robustness ----------------------------------------------------------------------------------


def robustness_layer(plans: Sequence[Alternative], inputs: ModelInputs, spatial: SpatialResult) -> OutputLayer:
    """Every candidate site as a point: per product built anywhere, the share of the distinct
    plans that build it there; the largest share; the role (needed, some, none) and the shares
    as text, by product id (`products`: "lfp 100%, fepo4 50%") and in words
    (`products_in_words`: "LFP 100%, FePO4 50%"), "" where no plan builds."""
    plans = distinct(plans)
    table = robustness(plans, inputs)
    products = [p for p in inputs.PRODUCTS if p in set(table["product"])]
    share = {(r.site, r.product): float(r.share) for r in table.itertuples(index=False)}
    total = len(plans)
    building = {s: sum(1 for a in plans if s in set(a.plan.builds["site"])) for s in inputs.SITES}
    sites = spatial.sites.set_index("id")
    rows, geometry = [], []
    for site in inputs.SITES:
        shares = {p: share.get((site, p), 0.0) for p in products}
        top = max(shares.values(), default=0.0)
        site_share = building[site] / total if total else 0.0
        role = "needed" if site_share >= 1.0 else "some" if site_share > 0 else "none"
        text = ", ".join(f"{p} {v:.0%}" for p, v in shares.items() if v > 0)
        words = ", ".join(f"{product_label(p)} {v:.0%}" for p, v in shares.items() if v > 0)
        row: dict[str, Any] = {"id": site, "name": str(sites.at[site, "name"] or site), "cluster":
                               inputs.cluster_of_site[site], "role": role, "plans": total,
                               "plans_building": building[site], "site_share": round(site_share, 6),
                               "max_product_share": round(top, 6), "products": text, "products_in_words": words}
        for p in products:
            row[f"share_{p}"] = round(shares[p], 6)
        rows.append(row)
        geometry.append(shapely.point_on_surface(sites.at[site, "geometry"]))
    columns = ["id", "name", "cluster", "role", "plans", "plans_building", "site_share", "max_product_share",
               "products", "products_in_words"] + [f"share_{p}" for p in products]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=spatial.sites.crs)
    kinds: dict[str, FieldKind] = {c: "real" for c in columns if c.startswith("share_") or c.endswith("_share")}
    kinds.update({"plans": "integer", "plans_building": "integer"})
    return make_layer("robustness", "Robustness: share of near-optimal plans that build at each site", frame,
                      columns, kinds, "Point")


def robustness_style(layer: OutputLayer) -> str:
    """QML of robustness.geojson: sites needed by every plan dark red and large, sites in some
    plans orange with size by their share, the rest small and grey; labelled with the site's name
    and the shares in words (`products_in_words`)."""
    size = "scale_linear(\"site_share\", 0, 1, 2.5, 7)"
    categories = [
        Category("needed", ROBUSTNESS_ROLES["needed"],
                 symbol("marker", "needed", simple_marker("circle", rgba(NEEDED_COLOUR, 235), rgba(INK), 7.0))),
        Category("some", ROBUSTNESS_ROLES["some"],
                 symbol("marker", "some", simple_marker("circle", rgba(SOME_COLOUR, 235), rgba(INK), 4.0, size))),
        Category("none", ROBUSTNESS_ROLES["none"],
                 symbol("marker", "none", simple_marker("circle", rgba(GREY, 160), rgba(GREY), 2.0))),
    ]
    return qml_document(layer, categorized("role", categories, values_in(layer, "role")),
                        labeling("if(\"role\" = 'none', '', \"name\" || '\\n' || \"products_in_words\")", 8, 1))


def robustness_png(layer: OutputLayer, spatial: SpatialResult, title: str, names: Names | None = None,
                   notices: list[str] | None = None) -> bytes:
    """A map of the robustness layer: marker size and colour by the share of plans building at
    each site; sites built in at least half of the plans labelled with their name (`names`, as
    map.png labels them; the preprocessed sites' names without them) and the products built there
    in every plan, in words (the full shares are in the layer and the table); a site whose name
    no installed font draws by its id (siting/deliver/mapplot.py `Lettering`, whose notice is
    added to `notices`)."""
    names = names or spatial_names(spatial)
    from siting.deliver.mapplot import HALO, Lettering

    lettering = Lettering("robustness.png")
    figure, ax = _figure((0.02, 0.04, 0.62, 0.86))
    names_drawn = _draw_clusters(ax, spatial, lettering)
    frame = layer.frame.to_crs(spatial.clusters.crs)
    marks: list[tuple[float, float, float]] = []  # x, y, marker radius (points)
    labels: list[tuple[float, float, float, str, str]] = []  # x, y, share, text, the text by the site's id
    for role, colour, base in (("none", GREY, 15), ("some", SOME_COLOUR, 40), ("needed", NEEDED_COLOUR, 40)):
        part = frame.loc[frame["role"] == role]
        if not len(part):
            continue
        sizes = [base + 180 * float(v) for v in part["site_share"]]
        ax.scatter(part.geometry.x, part.geometry.y, s=sizes, color=_rgb(colour, 0.9), edgecolors=_rgb(INK),
                   linewidths=0.6, zorder=4, label=ROBUSTNESS_ROLES[role])
        marks += [(x, y, math.sqrt(size) / 2) for x, y, size in zip(part.geometry.x, part.geometry.y, sizes,
                                                                      strict=True)]
        if role == "none":
            continue
        for x, y, site, share, products in zip(part.geometry.x, part.geometry.y, part["id"], part["site_share"],
                                               part["products"], strict=True):
            if float(share) < 0.5:
                continue
            always = [names.product(text.rsplit(" ", 1)[0]) for text in str(products).split(", ")
                      if text.endswith(" 100%")]
            rest = f" ({float(share):.0%})" + (f"\nalways: {', '.join(always)}" if always else "")
            labels.append((x, y, float(share), f"{names.site(site)}{rest}", f"{site}{rest}"))
    # Labels keep off every marker, the north arrow and each other (the plan map's placement), the
    # most shared first; the furniture fixes the limits the labels are placed in.
    placer = _map_furniture(figure, ax, spatial.clusters.crs, marks, names_drawn,
                            [spatial.clusters.geometry.to_numpy()])
    radius_of = {(x, y): radius for x, y, radius in marks}
    for x, y, _share, text, by_id in sorted(labels, key=lambda item: (-item[2], item[3])):
        label = ax.annotate(text, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=8, color=_rgb(INK),
                            zorder=6, path_effects=HALO, annotation_clip=False)
        placer.place(lettering.fit(label, by_id), (x, y), radius_of[(x, y)])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False, markerscale=0.6)
    figure.text(0.655, 0.55, textwrap.fill("Marker area grows with the share of the near-optimal plans that build "
                                           "at the site; labels give the share and the products every plan builds "
                                           "there.", 40), fontsize=10, color=_rgb(INK), va="top")
    lettering.fit(figure.suptitle(title, x=0.03, y=0.97, ha="left", va="top", fontsize=15))
    png = _png(figure)
    notice = lettering.notice()
    if notice is not None and notices is not None:
        notices.append(notice)
    return png


def spatial_names(spatial: SpatialResult) -> Names:
    """`Names` from the preprocessed layers (the sites kept in the clusters, and the clusters),
    for a caller that gives none: a run's own (siting/prepare/problem.py `Prepared.names`) are
    made from the whole sites layer and carry the products' units."""
    return layer_names(spatial.sites, spatial.clusters, {})


def shown_comparison(table: pd.DataFrame, inputs: ModelInputs, names: Names) -> pd.DataFrame:
    """The comparison of the plans (siting/optimize/alternatives.py `comparison`) as alternatives.md
    shows it: `over_optimum`, a share of the optimum's cost, in percent (`over_optimum_percent`,
    0.02956 -> 2.96), and each `added <cluster> <product>` column headed with the cluster's and the
    product's names and the product's unit ("added in Kunming: FePO4, t/yr"); alternatives.csv
    keeps the ids and the share."""
    shown = table.copy()
    if "over_optimum" in shown.columns:
        shown["over_optimum"] = [float(f"{100.0 * float(v):.9g}") for v in shown["over_optimum"]]
    headers = {"over_optimum": "over_optimum_percent"}
    for c in inputs.CLUSTERS:
        for p in inputs.PRODUCTS:
            unit = names.units.get(p)
            headers[f"added {c} {p}"] = (f"added in {names.cluster(c)}: {names.product(p)}"
                                         + (f", {per_year(unit)}" if unit else ""))
    return shown.rename(columns=headers)


def shown_robustness(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The robustness table (siting/optimize/alternatives.py `robustness`) as alternatives.md shows
    it: sites, clusters and products by their names, the product's unit per year where `names`
    knows it, and `share` in percent (`share_percent`); robustness.csv keeps the ids and the
    share."""
    shown = pd.DataFrame({"site": [names.site(s) for s in frame["site"]],
                          "cluster": [names.cluster(c) for c in frame["cluster"]],
                          "product": [names.product(p) for p in frame["product"]]})
    if names.units:
        shown["unit"] = [per_year(names.units[p]) if p in names.units else "" for p in frame["product"]]
    shown["plans_building"] = list(frame["plans_building"])
    shown["share_percent"] = [float(f"{100.0 * float(v):.9g}") for v in frame["share"]]
    shown["mean_capacity_added"] = list(frame["mean_capacity_added"])
    return shown


def comparison_csv(table: pd.DataFrame, inputs: ModelInputs, names: Names) -> pd.DataFrame:
    """The comparison of the plans (siting/optimize/alternatives.py `comparison`) as
    alternatives.csv gives it, by ids: each `added <cluster> <product>` column named with its
    unit, the product's catalog unit per year, as sweep.csv names its capacity columns
    (`added_yuxi_separator_million_m2_per_yr`; "units" for a product `names` gives no unit), and
    `over_optimum`, a share of the optimum's cost, as `over_optimum_share` (0.03 = 3 %); money
    as the files give it (`csv_text`: `cost_bn_yuan`)."""
    headers = {"over_optimum": "over_optimum_share"}
    for c in inputs.CLUSTERS:
        for p in inputs.PRODUCTS:
            headers[f"added {c} {p}"] = f"added_{c}_{p}_{unit_slug(names.units.get(p) or 'units')}_per_yr"
    return table.rename(columns=headers)


def robustness_csv(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The robustness table (siting/optimize/alternatives.py `robustness`) as robustness.csv gives
    it, by ids: with the `unit` of each row, the product's catalog unit per year ("units/yr" for a
    product `names` gives no unit), right after `product`, the column that decides it, as the
    plan's tables have it; `mean_capacity_added` is in that unit."""
    table = frame.copy()
    units = [per_year(names.units.get(p) or "units") for p in table["product"]]
    table.insert(list(table.columns).index("product") + 1, "unit", pd.Series(units, index=table.index, dtype=object))
    return table


def alternatives_markdown(plans: Sequence[Alternative], inputs: ModelInputs, slack: float, table: pd.DataFrame,
                          gap: float | None, names: Names | None = None) -> str:
    """The comparison of the near-optimal plans, the robustness table and the map; sites,
    clusters and products by their `names` (their ids without them), shares in percent."""
    names = names or Names()
    frame = robustness(plans, inputs)
    needed = frame.loc[frame["share"] >= 1.0]
    lines = [f"# Near-optimal plans within {slack:.0%} of the optimum", "",
             f"{len(plans) - 1} alternative{'s' if len(plans) != 2 else ''} to the optimum, each within "
             f"{slack:.0%} of its cost and as different as possible from the plans before it (sites opened, "
             "site-product decisions, clusters hosting each product, capacity by cluster and product), "
             "and never with the same pattern of sites and products as any of them. "
             "The first alternatives keep the optimum's modules by cluster, size and year and move them among "
             "the sites of their clusters (scope `sites`); when no other such pattern fits, the search moves "
             "capacity between clusters too (scope `clusters`). "
             "Each is in its own folder (`alt01/`, ...). Each search is limited by branch-and-bound nodes on one "
             "thread, not by wall time, so the same inputs give the same plans."]
    ended = getattr(plans, "ended", "")
    if ended:
        lines.append(f"Fewer alternatives than asked ({getattr(plans, 'asked', len(plans) - 1)}): {ended}.")
    timed_out = [a.label for a in plans if a.stopped_by == "time limit"]
    if timed_out:
        lines.append(f"The search for {', '.join(timed_out)} stopped at the time limit (the safety net), not at its "
                     "node limit or gap: that plan may differ between runs and machines"
                     + (", and so may the alternatives that start from it" if timed_out[0] == plans[0].label else "")
                     + "; raise solver.time_limit_s.")
    if gap:
        lines.append(f"The optimum was proven within a gap of {gap:.2%} ({amount(gap * plans[0].cost_yuan, 'yuan')}"
                     "): plans whose costs differ by less are within solver tolerance of each other.")
    unit = ("in the unit its header gives (`mean_capacity_added` below likewise, in its row's unit, averaged over "
            "the plans that build there)" if names.units else
            "in the product's catalog unit per year (`mean_capacity_added` below likewise, averaged over the plans "
            "that build there)")
    lines += ["", markdown_table(shown_comparison(table, inputs, names)), "",
              "Columns: `over_optimum_percent` is how much more than the optimum the plan costs, in percent of the "
              "optimum's cost (3 = 3 %); `new_site_products` "
              "counts the site-product pairs no plan above it builds; `stopped_by` is what ended its search; "
              "`scope` what it could change; `same_as` names an earlier plan it repeats (empty: alternatives never "
              f"repeat); `added in <cluster>: <product>` is the capacity added by the last year, {unit}; "
              "alternatives.csv and robustness.csv give the same with ids, units in the column names "
              "(`added_<cluster>_<product>_<unit>_per_yr`) or in a `unit` column, and shares "
              "(`over_optimum_share`, `share`: 0.03 = 3 %).",
              "## Robustness", "",
              f"Shares count the {len(distinct(plans))} distinct plans. "
              f"{len(needed)} site-product decision{'s appear' if len(needed) != 1 else ' appears'} in every plan: "
              + ("; ".join(f"{names.product(r.product)} at {names.site(r.site)}"
                           for r in needed.itertuples(index=False)) or "none") + ".",
              "", markdown_table(shown_robustness(frame, names)),
              "![Share of near-optimal plans that build at each site](robustness.png)", ""]
    return "\n".join(lines)


def alternatives_files(plans: Sequence[Alternative], inputs: ModelInputs, spatial: SpatialResult, slack: float,
                       scenario: str, gap: float | None, names: Names | None = None) -> dict[str, FileContent]:
    """The robustness layer with its style, map and table, and the comparison of the plans; the map
    and alternatives.md name sites, clusters and products by `names` (the run's; from the
    preprocessed layers without them), the CSV and GeoJSON files by id."""
    names = names or spatial_names(spatial)
    layer = robustness_layer(plans, inputs, spatial)
    table = comparison(plans, inputs)
    drawn: list[str] = []
    png = robustness_png(layer, spatial, f"{scenario}: share of {len(distinct(plans))} near-optimal plans (within "
                                         f"{slack:.0%}) that build at each site", names, drawn)
    return {
        "robustness.geojson": feature_collection_text(layer),
        "robustness.qml": robustness_style(layer),
        "robustness.csv": csv_text(robustness_csv(robustness(plans, inputs), names)),
        "robustness.png": _bytes_writer(png),
        "alternatives.csv": csv_text(comparison_csv(table, inputs, names)),
        "alternatives.md": "\n".join([alternatives_markdown(plans, inputs, slack, table, gap, names),
                                       *(f"{notice}\n" for notice in drawn)]),
    }


def subfolder_writer(files: Mapping[str, FileContent]) -> Callable[[Path], None]:
    """A writer that makes a folder at its path and writes `files` into it."""

    def write(folder: Path) -> None:
        folder.mkdir()
        write_contents(folder, files)

    return write


def finite(value: float | None) -> bool:
    """True for a finite number."""
    return value is not None and math.isfinite(value)
