"""`report.md` and `report.html`: the plan in one document for readers of neither CSV nor QGIS.

The report is built once as a list of blocks (headings, paragraphs, tables, lists, the map),
then rendered to Markdown and to a small self-contained HTML page (the map embedded as a data
URI, no new dependency). It holds nothing that varies between runs of the same inputs: no
wall-clock times, no dates, no machine paths (input files are named relative to the scenario).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import Any

import numpy as np
import pandas as pd
import pyproj

from models import RULE_COST_FAMILIES, ModelInputs, derive_index
from models.families.output_value import value_per_unit
from models.registry import RULE_FAMILIES
from siting.config.load import LoadedScenario, file_sha256
from siting.config.units import (
    BN,
    MONEY_UNIT,
    Names,
    amount_text,
    bound_bn,
    capitalised,
    cluster_names,
    cost_label,
    cut_list,
    gap_text,
    joined,
    per_year,
    plain_status,
    product_label,
    slack_below_gap,
    steady_span,
    trio_decimals,
    trio_texts,
    yuan_per_unit,
)
from siting.deliver.drivers import (
    IDLE_PHRASES,
    ProximityReason,
    ReplaceableImport,
    binding_chains,
    binding_rules,
    cost_drivers,
    figures_computed_once,
    overshoot_reasons,
    proximity_reasons,
    replaceable_imports,
    units_of,
    untargeted_builds,
    value_split,
    weighted_words,
)
from siting.deliver.layer import OutputLayer, id_items
from siting.deliver.layers import prospective_left_out, prospective_left_out_km
from siting.deliver.mapinfo import (
    EQUAL_AREA_CRS,
    LayerBasis,
    MapContext,
    near_optimal_text,
    outcome_text,
    redline_basis,
    redline_coverage,
    redline_extent_text,
    site_names,
    slack_amount_text,
    solve_outcome,
    unproven_text,
)
from siting.deliver.styles import STATUS_LABELS, resource_label
from siting.deliver.tables import (
    absolute_gap_yuan,
    given_settings,
    markdown_text,
    near_zero_note,
    raw_import_rows,
    settings_lines,
    trade_rows,
)
from siting.deliver.webmap import MAP_ID, head_html, map_html, measure, reach_text
from siting.deliver.whyhere import WhyHereRow, gap_weight, why_here_rows, why_here_text
from siting.optimize.alternatives import ALTERNATIVE_TERMINATION, slack_percent
from siting.optimize.relax import RELAXED_WORDS, RULE_COST_NOTE, WITHIN_WORDS
from siting.optimize.results import BINDING_SHARE, Plan, demonstrations_text, sites_built_text
from siting.optimize.solve import SolveReport
from siting.optimize.tolerance import range_text
from siting.prepare.inputs import km_figure
from siting.prepare.positions import PositionCheck, km_text, plan_there, position_section
from siting.prepare.problem import redline_settings


@dataclass(frozen=True)
class Table:
    """A table of text cells; `numeric` columns are right-aligned."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: frozenset[int] = field(default_factory=frozenset)
    #: report.html's links: a cell, by its (row, column), to the relative path it links to (report.md
    #: gives the cell as it is).
    links: Mapping[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Block:
    """One piece of the report: kind is h1, h2, p, list, table, image or webmap (the interactive
    map's HTML, in report.html only)."""

    kind: str
    content: Any


@dataclass(frozen=True)
class FixedCalibration:
    """A calibration in mode fixed (siting/runs/calibrate.py `fixed_calibration`): the verdict of
    the rules once solved ("the rules admit every real plant", where the terminal said before the
    solve what it checked: siting/runs/calibrate.py PRESOLVE_CLEAR), with the
    real plants the model holds mostly idle ("..., but the model holds 5 of them below 50% of what
    they can make in 2024, for want of feedstock ..."), the name of the file the real plants come
    from, the plan's last year (the plants producing by then are checked), and calibration.csv's
    rows, one per real plant (`plant`, `name`, `site`, `product`, `unit`, `observed`, `model`: the
    capacity the plan holds fixed, `production` and `used_share` in the last year, `verdict`,
    `finding`), and each finding (a rule a real plant breaks) once, in order."""

    verdict: str
    plants_file: str
    year: int
    plants: Any
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChoiceCalibration:
    """A calibration in mode choose (siting/runs/calibrate.py `choice_calibration`): the model
    places the capacity freely and the plan is scored against the real plants of `reference_file`
    producing by `year` (the plan's last year). `score`: calibration.csv's rows, one per product
    (`product`, `unit`, `planned_added`, `observed`: the capacity of the product's real plants,
    `within_km`, `share`, `reference_plants`); `real`: the capacity of the real plants by product
    (units/yr), as `observed` gives it; `distance_km`: how near a real plant counts;
    `quantity`: the sentences calibration.md adds on how much the plan adds against the real plants
    (none when no product is far from them), and `named`: the products they name, in order."""

    reference_file: str
    distance_km: float
    year: int
    score: Any
    real: Mapping[str, float]
    quantity: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


#: A calibration the report states: mode fixed's verdict and real plants, or mode choose's score.
ReportCalibration = FixedCalibration | ChoiceCalibration


def number(value: float | None, decimals: int = 0) -> str:
    """A figure with thousands separated and `decimals` decimals; None -> "n/a"."""
    if value is None:
        return "n/a"
    return f"{value:,.{decimals}f}"


def amount(value: float | None) -> str:
    """Tonnes or product units as the layers deliver them (`amount_text`: whole units, 4
    significant digits below 1,000): 3.5 GWh/yr reads 3.5, not 4."""
    return amount_text(value)


def bn_yuan(value: float | None, digits: int = 2) -> str:
    """Yuan as a bare bn-yuan figure with `digits` decimals (2 unless told), for cells under a "bn
    yuan" header: 95_320_000 -> "0.10", with 3 digits "0.095"."""
    return "n/a" if value is None else f"{value / 1e9:,.{digits}f}"


def rounding_note(values_yuan: Sequence[float]) -> str:
    """A sentence for a table of bn-yuan figures with 2 decimals (`bn_yuan`) and their total, where
    the rows as shown do not add up to the total as shown, because each is rounded on its own:
    [1.004e9, 1.004e9, 1.004e9] -> "Each row is rounded to 0.01 bn yuan on its own: the rows as
    shown add up to 3.00, the total of the unrounded figures is 3.01 bn yuan."; "" where they agree."""
    return rounding_notes({"": values_yuan})


def _rounded_sums(values_yuan: Sequence[float]) -> tuple[str, str]:
    """The bn-yuan figures `values_yuan` added up as shown (each rounded to 0.01 bn yuan) and as
    the total of them shows (`bn_yuan`), both as shown."""
    return bn_yuan(math.fsum(round(v / 1e9, 2) for v in values_yuan) * 1e9), bn_yuan(math.fsum(values_yuan))


def rounding_notes(columns: Mapping[str, Sequence[float]]) -> str:
    """`rounding_note` for a table of several columns of bn-yuan figures with a total each: column
    label -> its figures (yuan; the label "" for a table of one). One sentence naming each column
    whose rows as shown do not add up to its total as shown: {"capex": [1.004e9] * 3} -> "Each
    row is rounded to 0.01 bn yuan on its own: the rows of capex as shown add up to 3.00, the total
    of the unrounded figures is 3.01 bn yuan."; "" where every column adds up."""
    parts = []
    for label, values in columns.items():
        shown, total = _rounded_sums(values)
        if shown != total:
            rows = f"the rows of {label}" if label else "the rows"
            parts.append(f"{rows} as shown add up to {shown}, the total of the unrounded figures is {total} bn yuan")
    return f"Each row is rounded to 0.01 bn yuan on its own: {'; '.join(parts)}." if parts else ""


def share_rounding_notes(columns: Mapping[str, Sequence[float]], decimals: int) -> str:
    """A sentence for a table of shares in percent with `decimals` decimals (`_share`: 0, the cost
    breakdown: 1) under a total row of 100%, where the shares as shown, each rounded on its own,
    do not add up to it: column label -> its parts (any one unit; their sum the whole; the label ""
    for a table of one). {"output value 2024": [1, 1, 1]} with 0 decimals: 33% + 33% + 33% ->
    "Each share is rounded to 1% on its own: the shares of output value 2024 as shown add up to
    99%, the total of the unrounded shares is 100%."; "" where every column adds up, or has no
    whole above 0 (its shares read "n/a")."""
    parts = []
    for label, values in columns.items():
        whole = math.fsum(values)
        if whole <= 0:
            continue
        shown = sum((Decimal(f"{v / whole:.{decimals}%}".rstrip("%")) for v in values), Decimal(0))
        if shown != 100:
            shares = f"the shares of {label}" if label else "the shares"
            parts.append(f"{shares} as shown add up to {shown:.{decimals}f}%, the total of the unrounded shares is "
                         f"{100:.{decimals}f}%")
    step = f"{10 ** -decimals:.{decimals}f}"
    return f"Each share is rounded to {step}% on its own: {'; '.join(parts)}." if parts else ""


def net_total_note(gross_yuan: float, revenue_yuan: Sequence[float], total_yuan: float) -> str:
    """A sentence for the cost breakdown where the gross cost less the sales revenue, each as shown
    to 0.01 bn yuan (`bn_yuan`), does not come to the total, net of it, as shown to 0.01 bn yuan
    (yuan: the gross cost, the revenue rows as negative costs, the net total): 2.006e9 less 5.004e9
    shows 2.01 - 5.00 = -2.99 against -2.998e9, shown -3.00 -> "Each row is rounded to 0.01 bn yuan
    on its own: the gross cost less sales revenue as shown comes to -2.99, the total of the
    unrounded figures is -3.00 bn yuan."; "" where they agree."""
    shown, total = _rounded_sums([gross_yuan, *revenue_yuan])[0], bn_yuan(total_yuan)
    if shown == total:
        return ""
    return (f"Each row is rounded to 0.01 bn yuan on its own: the gross cost less sales revenue as shown comes to "
            f"{shown}, the total of the unrounded figures is {total} bn yuan.")


def _shown_sum(cells: Sequence[str]) -> Decimal | None:
    """The figures of table cells added up as they are shown ("1,068,000", "3.5", "-0.4"); None
    where a cell is not a figure ("n/a", "")."""
    try:
        return sum((Decimal(cell.replace(",", "")) for cell in cells), Decimal(0))
    except InvalidOperation:
        return None


def capacity_total_note(rows: Sequence[Sequence[str]]) -> str:
    """A sentence for the capacity table (`capacity_blocks`: product, unit, the added of each
    cluster, existing, committed and the total, each as `amount` shows it) naming each row whose
    figures as shown do not add up to its total as shown, each rounded on its own: ["Cells",
    "GWh/yr", "40.4", "0", "0.4", "33.4", "74.2"] -> 40.4 + 0 + 0.4 + 33.4 = 74.2, no sentence;
    ["LFP", "t/yr", "1,000", "0.4", "1,001"] -> "Each figure is rounded on its own: the row of LFP as
    shown adds up to 1,000, the total of the unrounded figures is 1,001 t/yr."; "" where every row
    adds up."""
    parts = []
    for row in rows:
        shown = _shown_sum(row[2:-1])
        if shown is not None and amount(float(shown)) != row[-1]:
            parts.append(f"the row of {row[0]} as shown adds up to {amount(float(shown))}, the total of the unrounded "
                         f"figures is {row[-1]} {row[1]}")
    return f"Each figure is rounded on its own: {'; '.join(parts)}." if parts else ""


def why_here_total_note(table: Sequence[Sequence[str]]) -> str:
    """A sentence for the "Why here" table (siting/deliver/whyhere.py `why_here_text`: the cost
    parts in columns 4-7, their total in 8, each to 0.1 million yuan) naming each row whose parts as
    shown do not add up to its total as shown, each rounded on its own: parts 9.6, 590.6, 0.6 and
    4.2 (605.0) under a total of 605.1 -> "Each figure is rounded to 0.1 million yuan on its own: the
    parts of Yuxi high-tech zone as shown add up to 605.0, the total of the unrounded figures is
    605.1 million yuan/yr."; a cheapest other site's row is named as the built site's ("Yimen
    county's cheapest other, Huaning county"); "" where every row adds up."""
    parts, built = [], ""
    for row in table:
        built = row[0] or built
        shown = _shown_sum(row[4:8]) if row[8] else None
        if shown is not None and f"{shown:,.1f}" != row[8]:
            other = row[3].removeprefix("cheapest other: ")
            site = built if row[0] else f"{built}'s cheapest other, {other},"
            parts.append(f"the parts of {site} as shown add up to {shown:,.1f}, the total of the unrounded figures is "
                         f"{row[8]} million yuan/yr")
    return f"Each figure is rounded to 0.1 million yuan on its own: {'; '.join(parts)}." if parts else ""


def capex_by_cluster_note(roles: Sequence[ClusterRole], builds: pd.DataFrame, clusters: Mapping[str, str]) -> str:
    """A sentence for the clusters table where a cluster's capex as shown (the unrounded sum of its
    modules') differs from its rows of the modules table as shown, each rounded to 0.01 bn yuan on
    its own (`capacity_blocks`); "" where every cluster's agree. `builds`: plan.builds (cluster,
    capex_yuan); `clusters`: id -> name."""
    differ = []
    for role in roles:
        capex = [float(v) for v in builds.loc[builds["cluster"] == role.cluster, "capex_yuan"]]
        shown, _ = _rounded_sums(capex)
        if len(capex) > 1 and shown != bn_yuan(role.capex):
            differ.append(f"{clusters.get(role.cluster, role.cluster)}'s add up to {shown} against its "
                          f"{bn_yuan(role.capex)}")
    if not differ:
        return ""
    return ("A cluster's capex is the total of its modules' unrounded capex; the modules table rounds each row to "
            f"0.01 bn yuan on its own, and there {joined(differ)} bn yuan here.")


def _unit(loaded: LoadedScenario, inputs: ModelInputs, target: str, kind: str) -> str:
    if kind != "capacity":
        return per_year(MONEY_UNIT)
    products = inputs.TARGET_GROUPS.get(target, (target,))
    units = {loaded.catalog.products[p].unit for p in products if p in loaded.catalog.products}
    return "/".join(sorted(units)) + "/yr" if units else ""


def display_names(layers: Sequence[OutputLayer]) -> dict[str, str]:
    """Id -> the name a reader sees, for the sites (as map.png labels them: `site_names`) and the
    raw-material sources (as the terminal and the explanations name them, siting/config/units.py
    `Names.source`: `cluster_names` of the sources layer); the report's tables and sentences use
    these, the CSV and GeoJSON files the ids. A site's name wins over a source's of the same id."""
    frames = {layer.name: layer.frame for layer in layers}
    names = cluster_names(frames["sources"]) if "sources" in frames else {}
    if "sites" in frames:
        names.update(site_display_names(frames["sites"]))
    return names


def site_display_names(sites: Any, cells: Sequence[str] = ()) -> dict[str, str]:
    """Id -> the name a reader sees (`site_names`: as map.png labels it) for every row of `sites`,
    a table with an `id` column and, where the layer has names, a `name` column, and for each
    candidate cell in `cells`, which has no name but its id. The report names sites so from the
    sites layer, which holds the cells the plan builds on; the terminal summary, from the loaded
    sites layer and the built cells, so that both give a site the same name."""
    ids = [*(str(i) for i in sites["id"]), *cells]
    given = [*(sites["name"] if "name" in sites.columns else sites["id"]), *cells]
    whole = [*([str(k) == "cell" for k in sites["kind"]] if "kind" in sites.columns else [False] * len(sites)),
             *[True] * len(cells)]
    return dict(zip(ids, site_names(given, ids, whole), strict=True))


def _products_text(codes: str) -> str:
    """A list of product codes as the layers join them (`id_list`) in words: "fepo4, li2co3" -> "FePO4,
    Li2CO3"."""
    return ", ".join(product_label(code) for code in id_items(codes))


def _products_and(codes: str) -> str:
    """Product codes in words joined as a sentence says them: "fepo4,electrolyte,lfp" -> "FePO4,
    Electrolyte and LFP"."""
    return joined(_products_text(codes).split(", "))


def solve_blocks(manifest: Mapping[str, Any], discount: str = "") -> list[Block]:
    """The solve's outcome: status, objective, bound, gap (relative, then in bn yuan: objective less
    bound), model size; with candidate cells, how the plan was screened (`screening_rows`). When the
    net objective is near zero, a paragraph under the table says that the relative gap is measured
    against it and that the absolute gap is the figure to read (siting/deliver/tables.py
    `near_zero_note`). A near-optimal alternative's has its own rows (`alternative_solve_blocks`).
    `discount`: how the objective is discounted (`discount_text`), a row under it where given."""
    solver = manifest["solver"]
    if solver["termination"] == ALTERNATIVE_TERMINATION:
        return alternative_solve_blocks(manifest, discount)
    gap = solver.get("gap")
    absolute = absolute_gap_yuan(solver.get("objective_yuan"), gap)
    tolerance = solver["settings"].get("rel_gap")
    absolute_tolerance = solver["settings"].get("abs_gap_bn_yuan")
    screening = manifest.get("screening")
    # At the decimals at which they add up, as the terminal's objective line (`trio_texts`).
    objective, bound, absolute_text = trio_texts(solver.get("objective_yuan"), solver["best_bound_yuan"], absolute)
    rows = [
        ["status", plain_status(solver["termination"], solver.get("objective_yuan") is not None)],
        ["proven within the asked gap", "yes" if solver["proven_within_gap"] else "no"],
        ["objective (discounted)", objective],
        *([["discounting", capitalised(discount)]] if discount else []),
        ["best bound" + (" (merged model's)" if screening else ""), bound],
        ["gap" + (" of the full instance" if screening else ""), "n/a" if gap is None
         else gap_text(gap) + ("" if tolerance is None else f" (tolerance {tolerance:.2%}"
                              + (f" or {absolute_tolerance:,.2f} bn yuan" if absolute_tolerance else "") + ")")],
        ["absolute gap (objective less best bound)", absolute_text],
        model_row(manifest),
    ]
    if screening:
        rows += screening_rows(screening)
    note = near_zero_note(solver.get("objective_yuan"), gap, manifest.get("objective_breakdown_yuan") or {})
    limit = solver["settings"].get("time_limit_s") if solver["termination"] == "maxTimeLimit" else None
    unproven = unproven_text(solver.get("objective_yuan") is not None, bool(solver["proven_within_gap"]), gap,
                             solver.get("objective_yuan"), limit)
    return [Block("h2", "Solve"), Block("table", Table(["item", "value"], rows)),
            *([Block("p", unproven)] if unproven else []), *([Block("p", note)] if note else [])]


def model_row(manifest: Mapping[str, Any]) -> list[str]:
    """The Solve table's row on the model's size (screened, with candidate cells)."""
    size = manifest.get("model_size", {})
    return ["model" + (" (screened)" if manifest.get("screening") else ""),
            f"{size.get('variables', 0):,} variables ({size.get('integer_variables', 0):,} integer), "
            f"{size.get('constraints', 0):,} constraints"]


def near_optimal_row(record: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The row of the plan the manifest's `near_optimal` member (`record`) is of; None without one."""
    if not record:
        return None
    return next((r for r in record.get("plans") or [] if r.get("plan") == record.get("plan")), None)


def alternative_solve_blocks(manifest: Mapping[str, Any], discount: str = "") -> list[Block]:
    """The Solve section of a near-optimal alternative: its search minimised its overlap with the
    plans before it, not its cost, so it has no bound or gap of its own; the table gives its cost
    against the optimum's and the optimum's proven bound (labelled so), and the paragraph says what
    the plan is (siting/deliver/mapinfo.py `near_optimal_text`) instead of the warning on a plan
    not proven within the asked gap."""
    solver = manifest["solver"]
    record = manifest.get("near_optimal")
    row = near_optimal_row(record)
    rows = [["status", plain_status(solver["termination"], solver.get("objective_yuan") is not None)],
            ["proven within the asked gap", "not asked: a near-optimal alternative (its cost against the optimum's "
                                            "below)"],
            ["objective (discounted)", f"{bn_yuan(solver['objective_yuan'])} bn yuan"],
            *([["discounting", capitalised(discount)]] if discount else [])]
    if record and row is not None:
        over = float(row.get("over_optimum") or 0.0)
        gap = record.get("optimum_gap")
        within = " (within the optimum's proven gap)" if gap is not None and abs(over) <= float(gap) else ""
        bound, over_bound = record.get("optimum_bound_yuan"), row.get("over_bound")
        rows += [["optimum's cost (discounted)", f"{bn_yuan(record.get('optimum_cost_yuan'))} bn yuan"],
                 ["over the optimum's cost", f"{over:z.2%}{within}"],
                 ["best bound (the optimum's, proven)", "n/a" if bound is None else bound_bn(bound)],
                 ["over the optimum's proven bound", "n/a" if over_bound is None else
                  f"at most {gap_text(float(over_bound))}"],
                 ["its search ended by", str(row.get("stopped_by") or "n/a")]]
    rows.append(model_row(manifest))
    if manifest.get("screening"):
        rows += alternative_screening_rows(manifest["screening"])
    return [Block("h2", "Solve"), Block("table", Table(["item", "value"], rows)), Block("p", near_optimal_text(record))]


def alternative_screening_rows(screening: Mapping[str, Any]) -> list[list[str]]:
    """The Solve table's row on where a near-optimal alternative of a plan with candidate cells was
    searched (the manifest's `screening`, the optimum's): among the sites the optimum's screening
    kept only, how many of how many candidate cells. The optimum's screening figures (its merged
    model's bound LB, its screened plan's cost UB) are the optimum's report's, not this plan's."""
    return [["sites searched", f"the {screening['screened_sites']:,} sites the optimum's screening kept (the parks "
                               f"and a few of the {screening['candidate_cells']:,} candidate cells): this plan was "
                               "searched among them only, every other cell builds nothing; the screening itself "
                               "(its bound LB and the optimum's cost UB) is in the optimum's report"]]


#: An alternative's kind by its scope, as the optimum's report names it (`alternatives_blocks`).
ALTERNATIVE_KINDS = {"sites": "sites: keeps this plan's capacity by cluster, moves it among the sites of its cluster",
                     "clusters": "clusters: may move capacity between clusters"}


def alternatives_blocks(manifest: Mapping[str, Any], names: Mapping[str, str],
                        built: Collection[str] | None = None) -> list[Block]:
    """The optimum's section on its near-optimal alternatives (the manifest's `near_optimal`
    member of the optimum's run): per alternative, its cost, how much above the optimum's cost it
    lies (marked where within the optimum's proven gap: a difference not proven), at most how much
    above the optimum's proven bound, the sites built on by it or by the optimum, not both
    (by their `names`; with the optimum's sites built on, `built`, those the alternative adds and
    those it drops: `differing_text`), and its kind (`ALTERNATIVE_KINDS`, by its scope; no column
    for a record without scopes); when every alternative is of kind sites, that they leave the
    split among the clusters untested (the near-ties caveat `near_ties_blocks` gives a run
    without alternatives); nothing for a run without alternatives. The costs and the bound have
    the decimals of the Solve table's objective (`objective_digits`: "0.095" for a small plan proven
    optimal, as the Solve table above gives it)."""
    record = manifest.get("near_optimal")
    if not record or record.get("plan") != "optimum":
        return []
    plans = list(record.get("plans") or [])[1:]
    if not plans:
        return []
    gap = record.get("optimum_gap")
    kinds = any(row.get("scope") for row in plans)
    digits = objective_digits(manifest) if "solver" in manifest else 2  # a manifest of the solve's figures
    rows = []
    for row in plans:
        over = float(row.get("over_optimum") or 0.0)
        within = " (within the optimum's gap)" if gap is not None and abs(over) <= float(gap) else ""
        over_bound = row.get("over_bound")
        rows.append([f"`{row['plan']}/`", bn_yuan(row.get("cost_yuan"), digits), f"{over:z.2%}{within}",
                     "n/a" if over_bound is None else gap_text(float(over_bound)),
                     differing_text(list(row.get("sites_differing") or []), names, built)]
                    + ([ALTERNATIVE_KINDS.get(row.get("scope") or "", row.get("scope") or "")] if kinds else []))
    count = len(plans)
    slack = float(record.get("slack") or 0.0)
    bound = record.get("optimum_bound_yuan")
    allowed = slack_amount_text(record)
    allowed = f"; {allowed}" if allowed else ""
    text = (f"{count} near-optimal alternative{'s' if count != 1 else ''} within {slack_percent(slack)} of this "
            "plan's cost "
            f"({bn_yuan(record.get('optimum_cost_yuan'), digits)} bn yuan{allowed}), each as different as possible "
            "from the plans before it, in its own folder; alternatives.md compares them. Over the optimum's proven "
            "bound is a proven figure: no plan costs less than the bound"
            + ("" if bound is None else f" ({bound_bn(bound, digits=digits)})")
            + ". Sites that differ are those built on by the alternative or by this plan, not both"
            + (": those the alternative added (built on by it only) and dropped (built on by this plan only)."
               if built is not None else "."))
    if gap is not None and slack_below_gap(slack, float(gap)):
        text += (f" The slack is below this plan's proven gap ({gap_text(float(gap))}): differences in cost below "
                 "the gap are not proven.")
    if kinds:
        text += (" The kind says what an alternative may change: one of kind sites keeps this plan's modules by "
                 "cluster, size and year and moves them among the sites of their cluster, so this plan's split among "
                 "the clusters stands; one of kind clusters may also move capacity between clusters (another split "
                 "that fits within the slack, not the cheapest).")
        if all(row.get("scope") == "sites" for row in plans):
            text += (" Every alternative found is of kind sites: none tests this plan's split of capacity among "
                     "the clusters, so this set does not show that split settled; other plans of nearly the same "
                     "cost may put products in other clusters.")
    # report.html links each alternative to its folder's report.html
    table = Table(["alternative", "cost (bn yuan)", "over the optimum", "over the optimum's bound (at most)",
                   "sites that differ"] + (["kind"] if kinds else []), rows, frozenset({1, 2, 3}),
                  {(r, 0): f"{row['plan']}/report.html" for r, row in enumerate(plans)})
    return [Block("h2", "Near-optimal alternatives"), Block("p", text), Block("table", table)]


def differing_text(differing: Sequence[str], names: Mapping[str, str], built: Collection[str] | None) -> str:
    """The alternatives table's cell on the sites an alternative differs in from the optimum
    (`differing`, ids): how many, then, with the optimum's sites built on (`built`), those it adds
    and those it drops ("2 - added: Site two - dropped: Site one"; the names of a group separated by
    "; ", since names hold commas), else all of them, by their `names`."""
    if not differing:
        return "0 (the same sites, other products on them)"
    if built is None:
        return f"{len(differing)}: {', '.join(names.get(site, site) for site in differing)}"
    dropped = [names.get(site, site) for site in differing if site in built]
    added = [names.get(site, site) for site in differing if site not in built]
    said = ([f"added: {'; '.join(added)}"] if added else []) + ([f"dropped: {'; '.join(dropped)}"] if dropped else [])
    return " - ".join([str(len(differing)), *said])


def near_ties_blocks(manifest: Mapping[str, Any]) -> list[Block]:
    """A paragraph under the Solve table of a plan proven within a gap above 0: the solve does not
    tell this plan from others within that gap, which may build on other sites and put products
    in other clusters, so the map is one of them; `solve --alternatives N` shows what they keep.
    Nothing for a run with alternatives (their section says it), an alternative, a plan proven at
    a gap of 0 or a run without a plan."""
    solver = manifest["solver"]
    record = manifest.get("near_optimal")
    if solver["termination"] == ALTERNATIVE_TERMINATION or (record and record.get("plan") == "optimum"):
        return []
    absolute = absolute_gap_yuan(solver.get("objective_yuan"), solver.get("gap"))
    if absolute is None or absolute <= 0:
        return []
    return [Block("p", f"This plan is one of those the solve cannot tell apart: a plan costing up to "
                       f"{bound_bn(absolute, up=True)} less (the absolute gap) may exist, and plans within the gap "
                       "may build on other sites and put products in other clusters. Read the sites and the "
                       "split among clusters below as one such plan, not as proven better than those; "
                       "`solve --alternatives N` shows which sites and products every near-optimal plan keeps.")]


def read_first_blocks(loaded: LoadedScenario, layers: Sequence[OutputLayer], plan: Plan,
                      manifest: Mapping[str, Any], positions: PositionCheck | None = None,
                      names: Mapping[str, str] | None = None, basis: LayerBasis | None = None,
                      coverage: tuple[float, float] | None = None) -> list[Block]:
    """"Read this first": the caveats a reader needs before the figures, each as the sections below
    state it: the red-line layer a proxy holding only part of the official red line (its share of
    the clusters against constraints.redline.official_share_pct, as `redline_extent_text` gives it;
    its zones' positional uncertainty, `LayerBasis`); the sites' positions uncertain by up to the
    largest `position_uncertainty_km`, with the built sites where a red-line or proximity decision
    has a margin below it (`PositionCheck.sensitive`); the plan one of those within the proven gap
    (as `near_ties_blocks`). Nothing when none applies. `coverage`: the layers' `redline_coverage`
    where measured already (`MapContext.redline_coverage`); None: measured here."""
    names = names or {}
    items = []
    rule, given = loaded.scenario.constraints.redline, loaded.scenario.layers.redline
    if given is not None:
        if basis is None:
            basis = redline_basis(layers, PurePath(given.path).name)
        if coverage is None:
            coverage = redline_coverage(layers)
        held = (coverage[1] * 10000 / rule.official_share_pct
                if coverage is not None and rule.official_share_pct else None)
        proxy = basis is not None and basis.is_proxy
        if proxy or (held is not None and held < 100):
            what = "a proxy, not the official red line" if proxy else "not the whole official red line"
            part = ("" if held is None else f": were the official red line's share of the province "
                    f"({rule.official_share_pct:g} %) the same in the clusters, it would hold about {held:.0f} % of it "
                    "(an estimate)")
            where = (f", its zones placed to within ±{basis.uncertainty_km:g} km"
                     if proxy and basis.uncertainty_km else "")
            items.append(f"The red-line layer is {what}{part}{where} (section \"How much of the red line the "
                         "layer holds\"). A site it leaves clear may lie in the official red line: check it there.")
    if positions is not None and positions.given:
        most = max(positions.uncertainty_km.values())
        built: dict[str, set[str]] = {}
        for b in plan.builds.itertuples(index=False):
            built.setdefault(str(b.site), set()).add(str(b.product))
        # the decisions that could put a product the plan builds there at risk: on one of those products
        close = [d for d in positions.sensitive if set(d.products) & built.get(d.site, set())]
        text = f"Site positions are uncertain by up to {most:g} km (position_uncertainty_km of the sites layer)."
        if close:
            listed = "; ".join(f"{names.get(d.site, d.site)} ({d.rule}, {_products_text(','.join(d.products))}: "
                               f"margin {km_text(d.margin_km)} km against {d.uncertainty_km:g} km; "
                               f"{plan_there(d, built, {p: product_label(p) for p in d.products})})"
                               for d in close)
            count = len({d.site for d in close})
            text += (f" At {'1 site' if count == 1 else f'{count} sites'} the plan builds on, a red-line or proximity "
                     f"decision on a product it builds there could go the other way within that uncertainty: "
                     f"{listed} (section \"Decisions "
                     "within positional uncertainty\"). Check these sites on the ground first.")
        else:
            text += (" No red-line or proximity decision on a product the plan builds at a site it builds on could go "
                     "the other way within that uncertainty"
                     + ("; section \"Decisions within positional uncertainty\" lists those elsewhere."
                        if positions.sensitive else "."))
        items.append(text)
    solver = manifest["solver"]
    absolute = absolute_gap_yuan(solver.get("objective_yuan"), solver.get("gap"))
    if solver["termination"] != ALTERNATIVE_TERMINATION and absolute is not None and absolute > 0:
        items.append(f"The plan is one of several the solve cannot tell apart: it is proven within "
                     f"{bound_bn(absolute, up=True)} of the best possible ({gap_text(float(solver['gap']))}); a "
                     "difference smaller than that is not a real difference (section \"Solve\").")
    if not items:
        return []
    return [Block("h2", "Read this first"), Block("list", items)]


def screening_rows(screening: Mapping[str, Any]) -> list[list[str]]:
    """Rows on how a plan with candidate cells was screened (the manifest's `screening`): the
    candidates and groups, the merged model (LB: its bound, and how its search ended), the
    screened sites (UB: the plan's cost), and what the time limit stopped, if anything."""
    merged = screening.get("merged_model", {})
    ended = {"iterationLimit": f"stopped at its node budget of {merged.get('mip_max_nodes', 0):,.0f} nodes",
             "convergenceCriteriaSatisfied": "reached its gap",
             "maxTimeLimit": "stopped by the time limit (the safety net)"}.get(
        merged.get("termination", ""), plain_status(merged.get("termination", "")))
    rows = [
        ["screening", f"{screening['candidate_cells']:,} candidate cells in {screening['groups']:,} groups"
                      f"{_unmerged(screening)}; the plan "
                      f"is the best of {screening['screened_sites']:,} screened sites (the parks and a few cells), "
                      "every other cell builds nothing"],
        ["lower bound LB (merged model)", f"{bound_bn(screening.get('lower_bound_yuan'))}: "
                                          f"{screening['merged_model_sites']:,} sites, the cells of a group merged "
                                          f"into one; its search{_effort_words(merged)} {ended}"
                                          f"{_proof_words(merged)}"],
        ["upper bound UB (screened plan)", f"{bn_yuan(screening.get('upper_bound_yuan'))} bn yuan after "
                                           f"{screening.get('rounds', 0)} round(s) of at most "
                                           f"{screening.get('screened_rounds', {}).get('mip_max_nodes', 0):,.0f} "
                                           f"nodes per search{_effort_words(screening.get('screened_rounds', {}))}"],
        ["gap", "(UB - LB) / UB: the proven gap of the full instance, with every candidate cell"],
    ]
    stopped = screening.get("stopped_by_time_limit") or []
    if stopped:
        rows.append(["time limit", f"stopped {', '.join(stopped)}: the bound or plan depends on the machine's speed; "
                                   "raise solver.time_limit_s for a reproducible result"])
    return rows


def dropped_within_gap(manifest: Mapping[str, Any], built: Collection[str]) -> dict[str, list[str]]:
    """Per site the optimum builds on (`built`), the near-optimal alternatives (the manifest's
    `near_optimal` member of the optimum's run) whose excess over the optimum lies within its proven
    gap and that build nothing there (`sites_differing`), in their order; {} for a run without them."""
    record = manifest.get("near_optimal")
    if not record or record.get("plan") != "optimum" or record.get("optimum_gap") is None:
        return {}
    gap = float(record["optimum_gap"])
    dropped: dict[str, list[str]] = {}
    for row in list(record.get("plans") or [])[1:]:
        if abs(float(row.get("over_optimum") or 0.0)) <= gap:
            for site in row.get("sites_differing") or []:
                if site in built:
                    dropped.setdefault(site, []).append(str(row["plan"]))
    return dropped


def why_here_blocks(rows: list[WhyHereRow], names: Mapping[str, str] | None = None,
                    clusters: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None,
                    gap_yuan: float | None = None, weight: float | None = None, steady: bool = False,
                    dropped: Mapping[str, Sequence[str]] | None = None) -> list[Block]:
    """The section "Why here" (siting/deliver/whyhere.py `why_here_text`, with the same arguments):
    its heading, paragraph and, with a built site, its table, the figures right-aligned."""
    text, header, table = why_here_text(rows, names, clusters, units, gap_yuan, weight, steady, dropped)
    blocks = [Block("h2", "Why here"), Block("p", text)]
    if table:
        blocks.append(Block("table", Table(header, table, frozenset(range(4, 10)))))
        note = why_here_total_note(table)
        blocks += [Block("p", note)] if note else []
    return blocks


def _effort_words(merged: Mapping[str, Any]) -> str:
    """" (HiGHS heuristic effort 0.3)" when the screening's searches ran with a heuristic effort
    of their own (siting/optimize/screening.py `ScreeningSettings.search_options`); else ""."""
    effort = merged.get("mip_heuristic_effort")
    return "" if effort is None else f" (HiGHS heuristic effort {float(effort):g})"


def _proof_words(merged: Mapping[str, Any]) -> str:
    """How the merged model's proof search ended (siting/optimize/screening.py `proof_search`:
    its search again for the bound C that certifies the screened plan, C its cutoff), as words
    following its first search's; "" when it did not run."""
    proof = merged.get("proof_search")
    if not proof:
        return ""
    if proof.get("relaxed_plan_yuan") is not None:
        how = f"it found a relaxed plan below it, of {bn_yuan(proof['relaxed_plan_yuan'])} bn yuan, which ends it"
    else:
        how = {"objectiveLimit": "reached it: the plan is certified",
               "iterationLimit": f"stopped at its node budget of {merged.get('mip_max_nodes', 0):,.0f} nodes",
               "maxTimeLimit": "stopped by the time limit (the safety net)"}.get(
            proof.get("termination", ""), plain_status(proof.get("termination", "")))
    return (f"; searched again for the bound that certifies the screened plan, "
            f"{bn_yuan(proof.get('cutoff_yuan'))} bn yuan (HiGHS's cutoff): {how}")


def _unmerged(screening: Mapping[str, Any]) -> str:
    """", and N kept as sites of their own" when some cells were not merged (alone in their group,
    or needing a supply arc their group's merged site would not keep); else ""."""
    lone = int(screening.get("unmerged_cells", 0) or 0)
    if not lone:
        return ""
    return f" and {lone:,} kept as sites of their own" if lone > 1 else " and 1 kept as a site of its own"


def screened_lines(screening: Mapping[str, Any], money: Callable[[float | None], str]) -> list[str]:
    """The terminal summary's lines on a plan with candidate cells (the manifest's `screening`;
    `money` formats yuan): how many cells, groups, merged-model and screened sites, LB and UB,
    and that the gap is the full instance's. LB is a proven bound, rounded outward (down) as the
    status line and the report's Solve table give it (`bound_bn`); UB is the plan's cost."""
    lines = [f"screened  {screening['candidate_cells']:,} candidate cells in {screening['groups']:,} groups"
             f"{_unmerged(screening)}: "
             f"the merged model ({screening['merged_model_sites']:,} sites) proves the bound "
             f"LB {bound_bn(screening.get('lower_bound_yuan'))},",
             f"          the plan of {screening['screened_sites']:,} screened sites (the parks and a few cells) "
             f"costs UB {money(screening.get('upper_bound_yuan'))};",
             "          the gap (UB - LB) / UB is that of the full instance, with every cell"]
    stopped = screening.get("stopped_by_time_limit") or []
    if stopped:
        lines.append(f"          the time limit stopped {', '.join(stopped)}: raise it for a reproducible result")
    return lines


#: What a target counts, under the targets table: the capacity targets' rows (models/families/targets.py,
#: plan.capacity's `online`) and the output-value target's (models/families/output_value.py).
TARGET_BASIS = ("How a target is counted: a capacity target is met when the nameplate capacity in service in "
                "its year reaches the goal: the existing plants, the committed projects online by then and the "
                "modules the plan adds that are online by then (decided at least a lead time before). It counts "
                "capacity, not output: a plant counts in full whether it runs or stands idle, before ramp-up "
                "and utilisation; the column \"produced\" gives what the plan makes of the target's products "
                "in that year. The output-value target is met when that year's production, at that year's "
                "prices, is worth at least the goal.")


def produced_units(plan: Plan, products: Collection[str], year: int) -> float:
    """What the plan makes of `products` in `year` (units/yr, plan.capacity's `production`)."""
    cap = plan.capacity
    return float(cap.loc[cap["product"].isin(list(products)) & (cap["year"] == year), "production"].sum())


@dataclass(frozen=True)
class DemoUse:
    """What a recycling demonstration site makes: its nameplate in service and production in the
    plan's last year, and in the steady state (None without one), with the reasons stranded.csv and
    steady_state.csv give for what stands idle ("" where nothing does); `usable` and
    `steady_usable`, what it could make (available after ramp-up, x utilisation)."""

    site: str
    year: int
    capacity: float
    produced: float
    reason: str
    steady_capacity: float | None = None
    steady_produced: float | None = None
    steady_reason: str = ""
    usable: float | None = None
    steady_usable: float | None = None

    @property
    def low(self) -> bool:
        """Below half of what it could make (`usable`; its capacity where not given) in the last year
        or in the steady state, by more than BINDING_SHARE of the half (solver noise: a
        demonstration run at the half a `min_run_share` of 0.5 asks is not below it)."""
        def below_half(made: float, could: float) -> bool:
            half = 0.5 * could
            return could > 0 and made < half - BINDING_SHARE * max(1.0, half)

        could = self.capacity if self.usable is None else self.usable
        steady_could = self.steady_capacity if self.steady_usable is None else self.steady_usable
        steady = (steady_could is not None and self.steady_produced is not None
                  and below_half(self.steady_produced, steady_could))
        return below_half(self.produced, could) or steady


def _reason(stranded: Any, site: str, product: str, year: int) -> str:
    rows = stranded.loc[(stranded["site"] == site) & (stranded["product"] == product) & (stranded["year"] == year)]
    return str(rows["reason"].iloc[0]) if not rows.empty else ""


def demonstration_use(plan: Plan, inputs: ModelInputs) -> list[DemoUse]:
    """Each recycling demonstration site's use (`DemoUse`), in `plan.demo_sites`' order; [] when the
    rule is off or names no site."""
    rule = inputs.recycling_demo
    if rule is None or "recycling_demo" not in inputs.enabled_families or not plan.demo_sites:
        return []
    product, last = rule.product, inputs.YEARS[-1]
    util = inputs.utilisation.get(product, 1.0)
    out = []
    for site in plan.demo_sites:
        cap = plan.capacity
        here = cap.loc[(cap["site"] == site) & (cap["product"] == product) & (cap["year"] == last)]
        steady = plan.steady_state
        use = DemoUse(site, last, float(here["online"].sum()), float(here["production"].sum()),
                      _reason(plan.stranded, site, product, last), usable=util * float(here["available"].sum()))
        if steady is not None:
            s = steady.capacity
            there = s.loc[(s["site"] == site) & (s["product"] == product)]
            use = replace(use, steady_capacity=float(there["available"].sum()),
                                      steady_produced=float(there["production"].sum()),
                                      steady_reason=_reason(steady.stranded, site, product, steady.year),
                                      steady_usable=util * float(there["available"].sum()))
        out.append(use)
    return out


def demonstration_targeted(plan: Plan, inputs: ModelInputs) -> bool:
    """Whether a capacity target of the plan (plan.targets, its products by inputs.TARGET_GROUPS)
    counts the recycling demonstration's product."""
    rule = inputs.recycling_demo
    if rule is None or plan.targets.empty:
        return False
    return any(row.kind == "capacity" and rule.product in inputs.TARGET_GROUPS.get(str(row.target), (str(row.target),))
               for row in plan.targets.itertuples(index=False))


def demonstration_use_text(plan: Plan, inputs: ModelInputs, names: Mapping[str, str], unit: str) -> str:
    """A plain sentence for each demonstration site that makes less than half its usable capacity in the
    last plan year or the steady state, e.g. "The demonstration plant at Qujing Cuifeng (50,000 t/yr
    of Recycling in service in 2024) makes 0 t/yr in 2024 and 0 t/yr a year in the steady state
    (2025-2038): it stands idle for want of feedstock. The province's Recycling plants make 70,000
    t/yr in all in the steady state, against 220,000 t/yr of capacity. ..."; "" when every
    demonstration runs at half its usable capacity or more (`DemoUse.low`)."""
    uses = [u for u in demonstration_use(plan, inputs) if u.low]
    if not uses:
        return ""
    product = inputs.recycling_demo.product
    label, per = product_label(product), per_year(unit)
    steady = plan.steady_state
    span = steady_span(steady.year - 1, steady.years_after_horizon) if steady is not None else ""
    words = {"feedstock": "for want of feedstock", "market": "for want of a market",
             "cost": "as running it would cost more than its output brings"}
    parts = []
    for u in uses:
        made = f"makes {_made(u.produced, per)} in {u.year}"
        if u.steady_produced is not None:
            made += f" and {_made(u.steady_produced, per, ' a year')} in the steady state ({span})"
        reasons = [r for r in dict.fromkeys((u.reason, u.steady_reason)) if r]
        why = f": what it does not make stands idle {joined([words.get(r, r) for r in reasons])}" if reasons else ""
        parts.append(f"The demonstration plant at {names.get(u.site, u.site)} ({amount(u.capacity)} {per} of "
                     f"{label} in service in {u.year}) {made}{why}.")
    if steady is not None:
        s = steady.capacity.loc[steady.capacity["product"] == product]
        parts.append(f"The province's {label} plants make {amount(float(s['production'].sum()))} {per} in all in "
                     f"the steady state, against {amount(float(s['available'].sum()))} {per} of capacity.")
    counted = f"the {label} target counts it, but " if demonstration_targeted(plan, inputs) else ""
    parts.append(f"The demonstration exists as capacity: {counted}it does not demonstrate running recycling at "
                 "the scale built.")
    return " ".join(parts)


def _made(value: float, per: str, each: str = "") -> str:
    """An amount made, in words: "nothing" where it shows as 0, else "35,000 t/yr" (with `each`,
    e.g. " a year", after it)."""
    shown = amount(value)
    return "nothing" if shown == "0" else f"{shown} {per}{each}"


def demonstration_runs_text(plan: Plan, inputs: ModelInputs, names: Mapping[str, str], unit: str) -> str:
    """With the rule's `min_run_share`, what it asks of each demonstration and what each makes
    against its usable capacity (`DemoUse`) in the last plan year and the steady state, e.g. "The
    rule asks each demonstration to make at least 50% of its usable capacity every year
    (constraints.recycling_demo.min_run_share): Q makes 35,000 t/yr in 2024, of 35,000 t/yr usable,
    ..."; "" without the share or without a demonstration."""
    rule = inputs.recycling_demo
    share = float(getattr(rule, "min_run_share", 0.0) or 0.0) if rule is not None else 0.0
    uses = demonstration_use(plan, inputs) if share > 0 else []
    if not uses:
        return ""
    per = per_year(unit)
    steady = plan.steady_state
    span = steady_span(steady.year - 1, steady.years_after_horizon) if steady is not None else ""
    parts = []
    for u in uses:
        made = f"{names.get(u.site, u.site)} makes {amount(u.produced)} {per} in {u.year}"
        if u.usable is not None:
            made += f", of {amount(u.usable)} {per} usable"
        if u.steady_produced is not None:
            made += f", and {amount(u.steady_produced)} {per} a year in the steady state ({span})"
            if u.steady_usable is not None:
                made += f", of {amount(u.steady_usable)} {per} usable"
        parts.append(made)
    return (f"The rule asks each demonstration to make at least {share * 100:g}% of its usable capacity every year "
            f"(constraints.recycling_demo.min_run_share): {'; '.join(parts)}.")


def demonstrations_paragraph(plan: Plan, inputs: ModelInputs, names: Mapping[str, str],
                             units: Mapping[str, str]) -> str:
    """The paragraph on the recycling demonstrations near the top of the report
    (`demonstrations_text`), with what an idle one makes (`demonstration_use_text`) where no capacity
    target counts it: where one does, the targets section says it, and it is said once; "" when
    the rule gives no text."""
    demonstrations = demonstrations_text(plan, inputs, lambda site: names.get(site, site), units)
    if not demonstrations:
        return ""
    rule = inputs.recycling_demo
    use = ""
    if rule is not None and rule.product in units:
        if not demonstration_targeted(plan, inputs):
            use = demonstration_use_text(plan, inputs, names, units[rule.product])
        elif any(u.low for u in demonstration_use(plan, inputs)):
            use = ("A demonstration makes less than half its usable capacity: section \"Targets against the plan\" "
                   "says what.")
        runs = demonstration_runs_text(plan, inputs, names, units[rule.product])
        use = " ".join(t for t in (runs, use) if t)
    return ("Demonstrations, as the rule gives them from the builds (each site whose whole addition is of "
            f"demonstration size is one, up to the most allowed): {demonstrations}" + (f" {use}" if use else ""))


def target_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan,
                  names: Mapping[str, str] | None = None) -> list[Block]:
    """The targets against the plan: goal, what counts toward it (`TARGET_BASIS`) and, for a
    capacity target, what the plan produces of its products in the target year; a capacity target
    holding a recycling demonstration that makes less than half its usable capacity says so in its row and
    in a sentence under the table (`demonstration_use_text`); then the output value by year."""
    names = names or {}
    rule = inputs.recycling_demo
    idle_demo = [u for u in demonstration_use(plan, inputs) if u.low]
    last = inputs.YEARS[-1]  # the demonstration's use is read in the last year and the steady state
    rows = []
    for row in plan.targets.itertuples(index=False):
        money = row.kind != "capacity"
        figures = [bn_yuan(v) if money else amount(v) for v in (row.target_value, row.achieved, row.shortfall)]
        products = inputs.TARGET_GROUPS.get(str(row.target), (str(row.target),))
        produced = "" if money else amount(produced_units(plan, products, int(row.year)))
        status = "met" if row.shortfall <= 0 else "SHORT"
        if not money and idle_demo and rule is not None and rule.product in products and int(row.year) == last:
            status += (", but the demonstration plant runs below half its usable capacity" if len(idle_demo) == 1
                       else ", but the demonstration plants run below half their usable capacity")
        rows.append([product_label(str(row.target)) if not money else "Output value",
                     _unit(loaded, inputs, row.target, row.kind), str(row.year), figures[0], figures[1], produced,
                     figures[2], status])
    blocks = [Block("h2", "Targets against the plan")]
    if rows:
        blocks += [Block("table", Table(["target", "unit", "year", "goal", "planned (capacity in service)",
                                         "produced", "shortfall", "status"], rows, frozenset({3, 4, 5, 6}))),
                   Block("p", TARGET_BASIS)]
        if rule is not None and idle_demo and demonstration_targeted(plan, inputs):
            blocks.append(Block("p", demonstration_use_text(plan, inputs, names,
                                                            loaded.catalog.products[rule.product].unit)))
    else:
        blocks.append(Block("p", "The scenario sets no targets."))
    used = used_in_province(inputs, plan)
    values = [[str(r.year), bn_yuan(r.output_value_yuan), bn_yuan(used.get(int(r.year), (0.0, ()))[0])]
              for r in plan.output_value.itertuples(index=False)]
    blocks += [Block("p", "Output value of the planned production by year (bn yuan/yr):"),
               Block("table", Table(["year", "output value, bn yuan/yr",
                                     "of it, made and used in the province, bn yuan/yr"], values,
                                    frozenset({1, 2}))),
               Block("p", output_value_definition(inputs, plan, used))]
    return blocks


def used_in_province(inputs: ModelInputs, plan: Plan) -> dict[int, tuple[float, tuple[str, ...]]]:
    """Year -> the value (yuan, at the year's prices: `value_per_unit`) of the products the
    province's plants make and do not sell out of the province, with those products in catalog
    order: production less sales (plan.capacity, plan.trade), what the province's own plants use
    (models/network.py: production + imports = use + sales)."""
    out = {}
    made = plan.capacity.groupby(["year", "product"])["production"].sum()
    sold = plan.trade.groupby(["year", "product"])["sales"].sum() if not plan.trade.empty else {}
    for year in inputs.YEARS:
        total, products = 0.0, []
        for p in inputs.PRODUCTS:
            kept = float(made.get((year, p), 0.0)) - float(sold.get((year, p), 0.0))
            if kept > 1e-6 * max(1.0, float(made.get((year, p), 0.0))):
                total += value_per_unit(inputs, p, year) * kept
                products.append(p)
        out[year] = (total, tuple(products))
    return out


def output_value_definition(inputs: ModelInputs, plan: Plan,
                            used: Mapping[int, tuple[float, tuple[str, ...]]]) -> str:
    """What output value counts, in words: every product made, at the year's price, intermediate
    products the province's own plants use included, with how much of the last year's figure they
    are (`used_in_province`); and that an output-value goal is a floor."""
    last = inputs.YEARS[-1]
    row = plan.output_value.loc[plan.output_value["year"] == last, "output_value_yuan"]
    whole = float(row.iloc[0]) if not row.empty else 0.0
    part, products = used.get(last, (0.0, ()))
    text = ("Output value counts every product the province's plants make in the year, each at that year's "
            "price, including intermediate products its own plants then use to make others: such a product "
            "counts once on its own and again inside the value of what is made from it, so output value is "
            "not value added.")
    if whole > 0 and products:
        text += (f" Of the {last} figure, {bn_yuan(part)} bn yuan ({part / whole:.0%}) is products made in the "
                 f"province and used there, not sold out of it ({joined([product_label(p) for p in products])}).")
    if inputs.output_value_target_yuan:
        text += (" An output-value goal is a floor: the plan's production must be worth at least the goal in its "
                 "year, so a goal its source states as \"more than\" a figure is met at that figure.")
    return text


def rows_of(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[Any]:
    """`frame.itertuples(index=False)` with only those of `columns` that the frame has (in the
    frame's order), each row a named tuple of their values: a layer's table may hold hundreds of
    columns, and `itertuples` reads every one of them. A column asked for and absent is no
    attribute of the rows, as `itertuples` of the whole frame would not have it either."""
    wanted = set(columns)
    return frame[[c for c in frame.columns if c in wanted]].itertuples(index=False)


def by_product(frame: pd.DataFrame) -> Callable[[str], pd.DataFrame]:
    """The rows of `frame` of a product, in their order, as `frame.loc[frame["product"] == p]`
    gives them (an empty frame of its columns for a product it has no row of), the frame split
    once rather than compared row by row for each product."""
    rows = frame.groupby("product", sort=False, observed=True).indices
    return lambda product: frame.iloc[rows[product]] if product in rows else frame.iloc[:0]


def capacity_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan,
                    names: Mapping[str, str] | None = None, clusters: Mapping[str, str] | None = None
                    ) -> list[Block]:
    """Capacity added by cluster x product in the final year, with existing and committed capacity
    and the total; then the modules built, each by its size in its product's unit per year (the
    catalog's module capacity: "400 million m2/yr"; plan.csv has the module's id), each site and
    cluster by its name (`names` and `clusters`, id -> name; the id where it has none), with the
    capex of them all (bn yuan, not discounted) in a last row "all years" where there are two or
    more rows, and in the words above them; under the table, where the rows as shown do not add up
    to that total, a sentence saying each is rounded on its own (`rounding_note`)."""
    names = names or {}
    clusters_named = clusters or {}
    final = inputs.YEARS[-1]
    cap = plan.capacity.loc[plan.capacity["year"] == final]
    clusters = list(inputs.CLUSTERS)
    rows = []
    of_product = by_product(cap)
    for p in inputs.PRODUCTS:
        sub = of_product(p)
        if sub.empty:
            continue
        # Each cluster's rows summed as pandas sums them (NaN skipped), on the arrays, not a filtered
        # frame per cluster.
        located, cumulative = sub["cluster"].to_numpy(), sub["added_cumulative"].to_numpy(dtype=float)
        added = [np.nansum(cumulative[located == c]) for c in clusters]
        rows.append([product_label(p), per_year(loaded.catalog.products[p].unit), *(amount(v) for v in added),
                     amount(sub["existing"].sum()), amount(sub["committed"].sum()), amount(sub["capacity"].sum())])
    header = ["product", "unit", *(f"added in {clusters_named.get(c, c)}" for c in clusters), "existing",
              "committed", f"total {final}"]
    blocks = [Block("h2", f"Capacity added by cluster and product (cumulative to {final})")]
    if not rows:
        return [*blocks, Block("p", "No capacity in the plan.")]
    numeric = frozenset(range(2, len(header)))
    blocks.append(Block("table", Table(header, rows, numeric)))
    note = capacity_total_note(rows)
    blocks += [Block("p", note)] if note else []
    builds = plan.builds.sort_values(["year", "cluster", "site", "product", "module"], kind="stable")
    sizes = {mod.id: mod.capacity for spec in loaded.catalog.products.values() for mod in spec.modules}
    build_rows = []
    for b in builds.itertuples(index=False):
        unit = per_year(loaded.catalog.products[b.product].unit)
        size = sizes.get(str(b.module))
        build_rows.append([str(b.year), clusters_named.get(str(b.cluster), str(b.cluster)),
                           names.get(str(b.site), str(b.site)), product_label(str(b.product)), unit,
                           str(b.module) if size is None else f"{amount(size)} {unit}", str(b.modules),
                           amount(b.capacity_added), bn_yuan(b.capex_yuan)])
    if build_rows:
        total = float(builds["capex_yuan"].sum())
        if len(build_rows) > 1:
            build_rows.append(["all years", "", "", "", "", "", "", "", bn_yuan(total)])
        blocks += [Block("p", "Modules built, by year (each module's size is its capacity; plan.csv gives the "
                              f"catalog's module ids). Their capex, {bn_yuan(total)} bn yuan in all, is the "
                              "investment, not discounted; the cost breakdown below counts it as annuities over "
                              "each module's lifetime (capital recovery factor), for the plan's years it stands, "
                              f"{weighted_words(inputs)}:"),
                   Block("table", Table(["year", "cluster", "site", "product", "unit", "module size", "modules",
                                         "capacity added", "capex, bn yuan"], build_rows,
                                        frozenset({5, 6, 7, 8})))]
        note = rounding_note([float(v) for v in builds["capex_yuan"]]) if len(build_rows) > 1 else ""
        if note:
            blocks.append(Block("p", note))
    return blocks


@dataclass(frozen=True)
class ClusterRole:
    """What one cluster does in the plan: the capacity it adds valued as the differentiation rule
    values it (`added_value`, yuan/yr: nameplate x the last plan year's price, summed over the
    plan's builds), of it the lead products' part (`lead_value`), its output value in the last plan
    year (`output_value`, yuan: production x that year's price, every plant of the cluster), the
    products it hosts (adds or has committed capacity of within the plan's years) and the capex of
    its builds (yuan, not discounted)."""

    cluster: str
    added_value: float
    lead_value: float
    output_value: float
    lead: tuple[str, ...]
    hosts: tuple[str, ...]
    capex: float


def cluster_roles(inputs: ModelInputs, plan: Plan) -> list[ClusterRole]:
    """`ClusterRole` of each cluster, in `inputs.CLUSTERS`' order, from plan.builds and
    plan.capacity (models/families/differentiation.py counts the same added value)."""
    last = inputs.YEARS[-1]
    builds, cap = plan.builds, plan.capacity
    out = []
    for c in inputs.CLUSTERS:
        mine = builds.loc[builds["cluster"] == c]
        lead = tuple(inputs.lead_products.get(c, ()))
        value = {p: inputs.output_value_yuan_per_unit.get(p, 0.0) * float(v)
                 for p, v in mine.groupby("product", sort=False)["capacity_added"].sum().items()}
        here = cap.loc[(cap["cluster"] == c) & (cap["year"] == last)]
        made = math.fsum(value_per_unit(inputs, str(r.product), last) * float(r.production)
                         for r in here.itertuples(index=False))
        committed = set(cap.loc[(cap["cluster"] == c) & (cap["committed"] > 0), "product"])
        hosts = tuple(p for p in inputs.PRODUCTS if p in value or p in committed)
        out.append(ClusterRole(c, math.fsum(value.values()), math.fsum(v for p, v in value.items() if p in lead),
                               made, lead, hosts, float(mine["capex_yuan"].sum())))
    return out


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "n/a"


def cluster_role_blocks(inputs: ModelInputs, plan: Plan, clusters: Mapping[str, str] | None = None
                        ) -> list[Block]:
    """"What each cluster does": per cluster (`cluster_roles`, by its name in `clusters`) the capacity
    it adds valued at the last plan year's prices and its share of all that is added, its output
    value in the last plan year and its share of the province's, its lead products and their share
    of its added value, the products it hosts and its capex; then the scenario's differentiation
    minimums (constraints.differentiation) against the plan, or that the rule is off."""
    clusters = clusters or {}
    roles = cluster_roles(inputs, plan)
    last = inputs.YEARS[-1]
    blocks = [Block("h2", "What each cluster does")]
    if not roles:
        return [*blocks, Block("p", "The scenario has no clusters.")]
    added, made = math.fsum(r.added_value for r in roles), math.fsum(r.output_value for r in roles)
    on = "differentiation" in inputs.enabled_families
    share_min = inputs.min_cluster_value_share if on else 0.0
    lead_min = inputs.lead_share_min if on else 0.0
    rows = [[clusters.get(r.cluster, r.cluster), bn_yuan(r.added_value), _share(r.added_value, added),
             bn_yuan(r.output_value), _share(r.output_value, made), _products_text(",".join(r.lead)) or "none",
             _share(r.lead_value, r.added_value) if r.lead else "", _products_text(",".join(r.hosts)) or "none",
             bn_yuan(r.capex)] for r in roles]
    if len(roles) > 1:
        rows.append(["all clusters", bn_yuan(added), "100%" if added > 0 else "n/a", bn_yuan(made),
                     "100%" if made > 0 else "n/a", "", "", "", bn_yuan(math.fsum(r.capex for r in roles))])
    at_least = (lambda share: f" (min {share:.0%})") if on else (lambda share: "")
    header = ["cluster", "output value added at nameplate, bn yuan/yr",
              f"share of added{at_least(share_min) if share_min > 0 else ''}",
              f"output value {last}, bn yuan", "share of output value", "lead products (scenario)",
              f"lead share{at_least(lead_min) if lead_min > 0 else ''}", "products hosted", "capex, bn yuan"]
    blocks += [Block("p", f"Output value added at nameplate is the capacity of the modules the plan builds in "
                          f"{inputs.YEARS[0]}-{last}, valued at {last}'s prices, as the differentiation rule counts a "
                          f"cluster's part of the growth (and as \"Imports the province could make for less\" "
                          f"names it); it is not output. Its share is of what all clusters add. Output value is "
                          f"what the cluster's plants (existing, committed and added) make in {last}, at {last}'s "
                          f"prices, and its share is of the province's. The lead share is the lead products' part of "
                          f"the output value the cluster adds. A cluster hosts the products it adds or has committed "
                          f"plants of by {last}. Capex is the investment in the modules, not discounted."),
               Block("table", Table(header, rows, frozenset({1, 2, 3, 4, 6, 8})))]
    notes = [rounding_notes({"output value added at nameplate": [r.added_value for r in roles],
                             f"output value {last}": [r.output_value for r in roles],
                             "capex": [r.capex for r in roles]}) if len(roles) > 1 else "",
             share_rounding_notes({"output value added at nameplate": [r.added_value for r in roles],
                                   f"output value {last}": [r.output_value for r in roles]}, 0)
             if len(roles) > 1 else "",
             capex_by_cluster_note(roles, plan.builds, clusters)]
    blocks += [Block("p", " ".join(n for n in notes if n))] if any(notes) else []
    if not on:
        blocks.append(Block("p", "Differentiation (constraints.differentiation) is switched off in this scenario: "
                                 "none of its minimums applies to the plan."))
        return blocks
    rules = []
    if share_min > 0:
        low = [clusters.get(r.cluster, r.cluster) for r in roles if added > 0 and r.added_value < share_min * added
               - 1e-6 * added]
        rules.append(f"each cluster takes at least {share_min:.0%} of the added value (min_cluster_value_share)"
                     + (f": {joined(low)} below it" if low else ": each does"))
    if lead_min > 0:
        under = [clusters.get(r.cluster, r.cluster) for r in roles
                 if r.lead and r.added_value > 0 and r.lead_value < lead_min * r.added_value - 1e-6 * r.added_value]
        rules.append(f"a cluster's lead products make at least {lead_min:.0%} of its added value (lead_share_min)"
                     + (f": {joined(under)} below it" if under else ": each does"))
    for p in inputs.PRODUCTS:
        most = inputs.max_clusters_per_product.get(p)
        if most is None:
            continue
        where = [clusters.get(r.cluster, r.cluster) for r in roles if p in r.hosts]
        rules.append(f"{product_label(p)} in at most {most} cluster{'s' if most > 1 else ''} (max_clusters_per_"
                     f"product): {joined(where) if where else 'none'}")
    if inputs.min_portfolio_difference > 0 and len(roles) > 1:
        pairs = [f"{clusters.get(a.cluster, a.cluster)} and {clusters.get(b.cluster, b.cluster)} "
                 f"{len(set(a.hosts) ^ set(b.hosts))}" for i, a in enumerate(roles) for b in roles[i + 1:]]
        rules.append(f"any two clusters differ in at least {inputs.min_portfolio_difference} products hosted "
                     f"(min_portfolio_difference): {', '.join(pairs)}")
    if rules:
        blocks.append(Block("p", "The scenario's differentiation minimums (constraints.differentiation) against "
                                 "the plan:"))
        blocks.append(Block("list", [capitalised(r) for r in rules]))
    return blocks


def discount_text(inputs: ModelInputs) -> str:
    """How the discounted figures are discounted, from the model's inputs: the rate
    (objective.discount_rate) and the base year, whose yuan count in full (the year of factor 1,
    the plan's first: siting/prepare/inputs.py `discount_factors`), with the last year's factor:
    "discounted at 6 % a year (objective.discount_rate) to 2022, the plan's first year: a yuan of
    2024 counts 0.890"; with a steady-state year after the last plan year T
    (objective.years_after_horizon N > 0, models/inputs.py `STEADY_YEAR`), what it is and how much
    it counts (`year_weight`[T + 1]): "...; the steady state after 2024 (every module at full rate,
    the committed projects online by then, 2024's prices, caps and supplies) counts for each of the
    14 years after it (objective.years_after_horizon), in all 8.27 times a yuan of 2022 (site
    openings once; a 2024 target shortfall counts for those years too)" (`shortfall_weight`);
    without it, that nothing after T counts ("...; nothing after 2024 counts
    (objective.years_after_horizon 0): a module is paid for in the plan's years only"); ""
    without discount factors."""
    factors = dict(inputs.discount_factor)
    steady = inputs.STEADY_YEAR
    factors.pop(steady, None)  # the plan's years only
    if not factors:
        return ""
    years = sorted(factors)
    base = next((y for y in years if abs(factors[y] - 1.0) < 1e-12), years[0])
    first = ", the plan's first year" if base == years[0] else ""
    last = f": a yuan of {years[-1]} counts {factors[years[-1]]:.3f}" if years[-1] != base else ""
    tail = ""
    after = inputs.years_after_horizon
    if steady is not None and steady in inputs.year_weight:
        end = inputs.YEARS[-1]
        each, those = ("the year", "that year") if after == 1 else (f"each of the {after} years", "those years")
        tail = (f"; the steady state after {end} (every module at full rate, the committed projects online by "
                f"then, {end}'s prices, caps and supplies) counts for {each} after it "
                f"(objective.years_after_horizon), in all {inputs.year_weight[steady]:.2f} times a yuan of "
                f"{base} (site openings once; a {end} target shortfall counts for {those} too)")
    elif inputs.YEARS:  # said, as it moves a plan: capacity idle in the last years costs those years only
        tail = (f"; nothing after {inputs.YEARS[-1]} counts (objective.years_after_horizon 0): a module is paid "
                "for in the plan's years only")
    return (f"discounted at {inputs.discount_rate * 100:g} % a year (objective.discount_rate) to {base}{first}"
            f"{last}{tail}")


def rule_cost_note(inputs: ModelInputs, base: tuple[SolveReport, Plan, Names] | None = None) -> str:
    """The note under rule_costs.md: with `base` (the base solve's report, its plan and the names
    of its sites), the base plan every rule's cost is measured from (`base_plan_text`) and the
    families priced and not (`priced_families_text`); then
    siting/optimize/relax.py RULE_COST_NOTE and how its money is counted, as the objective counts
    it (`discount_text`; nothing more without discount factors): a rule's cost is a difference of
    objectives, so with a steady state standing for the years after the horizon it is no yearly
    figure."""
    text = discount_text(inputs)
    note = f"{RULE_COST_NOTE} The objectives and rule costs are {text}." if text else RULE_COST_NOTE
    if base is None:
        return note
    return f"{base_plan_text(inputs, *base)} {priced_families_text(inputs)}\n\n{note}"


def priced_families_text(inputs: ModelInputs) -> str:
    """Which rule families the table prices and which it does not, by id: those of
    `models.RULE_COST_FAMILIES` on in the scenario; those of them it has off; and the families
    `--rule-costs` never relaxes (the targets, land, supply, recycling demonstrations, least
    utilisation: `models.registry.RULE_FAMILIES` less RULE_COST_FAMILIES), each list in the
    registry's order, e.g. "Priced: redline, proximity. Off in this scenario, so not priced:
    budget. Never priced by --rule-costs: targets, land."."""
    priced = [f for f in RULE_COST_FAMILIES if f in inputs.enabled_families]
    off = [f for f in RULE_COST_FAMILIES if f not in inputs.enabled_families]
    never = [f for f in RULE_FAMILIES if f not in RULE_COST_FAMILIES]
    parts = [f"Priced: {', '.join(priced) or 'none'}."]
    if off:
        parts.append(f"Off in this scenario, so not priced: {', '.join(off)}.")
    parts.append(f"Never priced by --rule-costs: {', '.join(never)}.")
    if priced:
        parts.append("Relaxing a family means: " + "; ".join(f"{f}: {RELAXED_WORDS[f]}" for f in priced) + ".")
    return " ".join(parts)


def base_plan_text(inputs: ModelInputs, report: SolveReport, plan: Plan, names: Names) -> str:
    """The base plan of a rule-cost table in one paragraph: its objective (bn yuan), the gap it
    is proven within and its bound, the sites it adds capacity at (`sites_built_text`), and that
    another base solve (other settings: gap, threads, seed) may end on another plan within its gap
    and measure the costs from that one, e.g. "Base plan, from which each rule's cost is
    measured (this folder's plan.csv): -194.89 bn yuan, proven within 1.00 % (best bound
    -196.84 bn yuan); it adds capacity at Caopu; ... A base solve with other settings ...". An
    objective or bound the solve did not give reads "none"."""
    shown, bound_text, _ = trio_texts(report.objective_yuan, report.best_bound_yuan,
                                      absolute_gap_yuan(report.objective_yuan, report.gap))  # as the Solve table
    objective = "none" if report.objective_yuan is None else shown
    bound = "none" if report.best_bound_yuan is None else bound_text
    proven = "" if report.gap is None else f", proven within {gap_text(report.gap)[:-1]} % (best bound {bound})"
    return (f"Base plan, from which each rule's cost is measured (this folder's plan.csv): {objective}{proven}; "
            f"it adds capacity at {sites_built_text(plan, inputs, names.site)}. A base solve with other settings "
            "(gap, threads, random seed) may end on another plan within its gap, and measure the rule costs from "
            "that one.")


def objective_digits(manifest: Mapping[str, Any]) -> int:
    """The decimals of bn yuan at which the report's Solve table gives the objective
    (`solve_blocks`: `trio_decimals` of the objective, best bound and absolute gap), so that the
    cost table's total, the objective, reads as it does there: 3 for a small plan proven optimal
    (0.0953 bn yuan: "0.095", not "0.10"), 2 for the shipped plan. 2 for a near-optimal
    alternative's report, whose Solve table gives its objective with 2."""
    solver = manifest["solver"]
    if solver["termination"] == ALTERNATIVE_TERMINATION:
        return 2
    objective = solver.get("objective_yuan")
    return trio_decimals(objective, solver.get("best_bound_yuan"), absolute_gap_yuan(objective, solver.get("gap")))


def cost_blocks(plan: Plan, discount: str = "", digits: int = 2) -> list[Block]:
    """Every cost component (discounted) with its share of the gross cost (the sum of the components
    above zero); when there is revenue, the gross cost, then sales revenue as a negative cost, then
    the total, net of it: the objective. Revenue and the net total have no share (a share of the
    gross cost would read as a part of it); the note gives the revenue as a share of the gross cost,
    after how the figures are discounted (`discount`: `discount_text`, where given). The total
    that is the objective has `digits` decimals (`objective_digits`: as the Solve table gives the
    objective), every other figure 2."""
    gross = sum(v for v in plan.costs.values() if v > 0)
    total = sum(plan.costs.values())

    def share(value: float) -> str:
        return f"{value / gross:.1%}" if gross > 0 else "n/a"

    rows = [[cost_label(name), bn_yuan(value), share(value)] for name, value in plan.costs.items() if value >= 0]
    revenue = {name: value for name, value in plan.costs.items() if value < 0}
    if not revenue:
        rows.append(["total (the objective)", bn_yuan(total, digits), share(total)])
        note = "Nothing is sold out of the province: the total is the gross cost, and the objective."
    else:
        rows.append(["gross cost (the components above)", bn_yuan(gross), share(gross)])
        rows += [[cost_label(name), bn_yuan(value), ""] for name, value in revenue.items()]
        rows.append(["total, net of sales revenue (the objective)", bn_yuan(total, digits), ""])
        comes_to = f"; sales revenue comes to {-sum(revenue.values()) / gross:.1%} of it" if gross > 0 else ""
        note = ("Sales out of the province earn revenue, shown as a negative cost; the total, net of it, is the "
                f"objective. Shares are of the gross cost, the sum of the cost components before revenue "
                f"({bn_yuan(gross)} bn yuan){comes_to}.")
    penalty = plan.costs.get("shortfall", 0.0)
    if penalty > 0:  # priced in the objective, paid to no one
        note += (f" The {cost_label('shortfall')} ({bn_yuan(penalty)} bn yuan) is not money spent: it is what the "
                 "objective charges for falling short of a target (objective.shortfall_penalty_factor), so that the "
                 f"plan meets the targets where it can; the money the plan spends comes to {bn_yuan(gross - penalty)} "
                 "bn yuan.")
    if discount:
        note = f"Every figure of this table is {discount}. {note}"
    if revenue or digits == 2:  # the total they add up to is shown as they are, to 0.01 bn yuan
        rounded = rounding_note([v for v in plan.costs.values() if v > 0])
        note += f" {rounded.replace('Each row', 'Each component')}" if rounded else ""
    net = net_total_note(gross, list(revenue.values()), total) if revenue and digits == 2 else ""
    note += f" {net}" if net else ""
    shares = share_rounding_notes({"": [v for v in plan.costs.values() if v >= 0]}, 1)
    note += f" {shares}" if shares else ""
    return [Block("h2", "Cost breakdown (discounted)"),
            Block("table", Table(["component", "bn yuan", "share of the gross cost"], rows, frozenset({1, 2}))),
            Block("p", note)]


#: At most this many rows of a long table go into the report (the CSV holds them all).
REPORT_ROWS = 60


def _clipped(rows: list[list[str]], csv_name: str) -> tuple[list[list[str]], list[Block]]:
    """At most REPORT_ROWS rows, and a note naming the CSV when rows were left out."""
    if len(rows) <= REPORT_ROWS:
        return rows, []
    return rows[:REPORT_ROWS], [Block("p", f"The first {REPORT_ROWS} of {len(rows)} rows; `{csv_name}` has all.")]


def trade_blocks(loaded: LoadedScenario, plan: Plan, names: Mapping[str, str] | None = None,
                 clusters: Mapping[str, str] | None = None) -> list[Block]:
    """Products bought outside and sold out of the province, per hub (named by its cluster,
    `clusters`), product and year, in trade.csv's order (`trade_rows`), and raw material bought
    outside, per site, by its name (`names`), resource and year, in raw_imports.csv's order
    (`raw_import_rows`); money in the year's yuan, not discounted; amounts as the layers deliver
    them (`amount`)."""
    names = names or {}
    clusters = clusters or {}
    unit = {p: per_year(spec.unit) for p, spec in loaded.catalog.products.items()}
    blocks = [Block("h2", "Trade: imports and sales")]
    if plan.trade.empty and plan.raw_imports.empty:
        return [*blocks, Block("p", "Nothing is imported into or sold out of the province.")]
    if plan.trade.empty:
        blocks.append(Block("p", "No product is imported or sold out of the province."))
    else:
        rows = [[clusters.get(str(r.hub), str(r.hub)), product_label(str(r.product)), unit[r.product], str(r.year),
                 amount(r.imports), bn_yuan(r.import_cost_yuan), amount(r.sales), bn_yuan(r.revenue_yuan)]
                for r in trade_rows(plan.trade).itertuples(index=False)]
        rows, more = _clipped(rows, "trade.csv")
        blocks += [Block("p", "Products bought outside the province (delivered to the gateway and carried to the "
                              "hub) and sold out of it (carried from the hub to the gateway), by hub; money in "
                              "the year's bn yuan, not discounted:"),
                   Block("table", Table(["hub", "product", "unit", "year", "imports", "import cost, bn yuan",
                                         "sales", "revenue, bn yuan"], rows, frozenset({4, 5, 6, 7}))), *more]
    if not plan.raw_imports.empty:
        rows = [[names.get(str(r.site), str(r.site)), clusters.get(str(r.cluster), str(r.cluster)),
                 str(r.resource).replace("_", " "), str(r.year), amount(r.tonnes), bn_yuan(r.import_cost_yuan)]
                for r in raw_import_rows(plan.raw_imports).itertuples(index=False)]
        rows, more = _clipped(rows, "raw_imports.csv")
        blocks += [Block("p", "Raw material bought outside the province, by site:"),
                   Block("table", Table(["site", "cluster", "resource", "year", "t/yr", "import cost, bn yuan"],
                                        rows, frozenset({4, 5}))), *more]
    return blocks


def _committed_by_then(loaded: LoadedScenario, inputs: ModelInputs, last: int, end: int) -> tuple[int, int]:
    """How many of the projects the model holds (committed projects, or the real plants of a
    calibration in mode fixed) at the plan's sites are online by `end`, and how many of them come
    online after `last`."""
    sites = set(inputs.SITES)
    online = [p.online_year for p in loaded.model_projects().projects if p.site in sites and p.online_year <= end]
    return len(online), sum(1 for year in online if year > last)


def steady_state_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan,
                        names: Mapping[str, str] | None = None, clusters: Mapping[str, str] | None = None
                        ) -> list[Block]:
    """The steady state after the last plan year T (`Plan.steady_state`, objective.years_after_horizon
    N > 0): what it is, in one sentence (every module at full rate, the committed projects online by
    T + N with their count, T's prices, caps and supplies, counted for N years in the objective,
    discounted: `ModelInputs.year_weight`[T + 1]), then per product in catalog order (as
    `capacity_blocks`) a year of it: capacity available, usable capacity (x utilisation),
    production, the usable capacity left idle with its main reason (the reason of most of the idle
    units: stranded rows of the steady state), sales out of the province and imports (its trade
    rows); then its output value at T's prices (`value_per_unit` of the steady-state year, which
    holds T's prices), beside T's; then the capacity the plan adds that stands idle in it, by site
    (`idle_added_blocks`). Nothing without a steady state."""
    steady = plan.steady_state
    if steady is None:
        return []
    last, after = steady.year - 1, steady.years_after_horizon
    end = last + after
    span = steady_span(last, after)
    count, late = _committed_by_then(loaded, inputs, last, end)
    noun = "real plant" if loaded.plants is not None else "committed project"
    held = (f"no {noun}" if not count else f"the {count} {noun}{'s' if count > 1 else ''} online by {end}"
            + (f" ({late} of them coming online after {last})" if late else ""))
    years = "the year" if after == 1 else f"each of the {after} years"
    weight = inputs.year_weight.get(steady.year)
    weighs = f", a yuan of it weighing {weight:.2f} times a yuan of {inputs.YEARS[0]}" if weight is not None else ""
    blocks = [Block("h2", f"Steady state after {last} ({span})"),
              Block("p", f"The steady state is how the plan runs after {last}: every module it builds at full rate "
                         f"(no ramp-up), beside the existing capacity and {held}, at {last}'s prices, caps and "
                         f"supplies; the objective counts it for {years} after {last}, discounted "
                         f"(objective.years_after_horizon{weighs}). A year of it, by product:")]
    capacity, stranded, trade = steady.capacity, steady.stranded, steady.trade
    capacity_of, stranded_of, trade_of = by_product(capacity), by_product(stranded), by_product(trade)
    rows = []
    for p in inputs.PRODUCTS:
        cap, idle_rows, sold = capacity_of(p), stranded_of(p), trade_of(p)
        if cap.empty and sold.empty:
            continue
        idle = float(idle_rows["idle"].sum())
        reason = ""
        if idle > 0:
            by_reason = idle_rows.groupby("reason", sort=False)["idle"].sum()
            order = list(STRANDED_WORDS)
            reason = max(by_reason.index, key=lambda r: (by_reason[r], -order.index(r) if r in order else 0))
        usable = inputs.utilisation.get(p, 1.0) * float(cap["available"].sum())
        rows.append([product_label(p), per_year(loaded.catalog.products[p].unit), amount(cap["available"].sum()),
                     amount(usable), amount(cap["production"].sum()), amount(idle), str(reason),
                     amount(sold["sales"].sum()), amount(sold["imports"].sum())])
    if not rows:
        return [*blocks, Block("p", "Nothing is made, sold or imported in it.")]
    blocks.append(Block("table", Table(["product", "unit", "capacity available", "usable (x utilisation)",
                                        "production", "idle (usable, not made)", "idle: main reason",
                                        "sales out of the province", "imports"], rows,
                                       frozenset({2, 3, 4, 5, 7, 8}))))
    value = sum(value_per_unit(inputs, str(r.product), steady.year) * float(r.production)
                for r in capacity.itertuples(index=False))
    before = plan.output_value.loc[plan.output_value["year"] == last, "output_value_yuan"]
    beside = f", against {bn_yuan(float(before.iloc[0]))} bn yuan in {last}" if not before.empty else ""
    blocks.append(Block("p", f"Its output is worth {bn_yuan(value)} bn yuan a year at {last}'s prices (not "
                             f"discounted){beside}."))
    blocks += idle_added_blocks({p: spec.unit for p, spec in loaded.catalog.products.items()}, plan, names, clusters)
    return blocks


def idle_added_blocks(units: Mapping[str, str], plan: Plan, names: Mapping[str, str] | None = None,
                      clusters: Mapping[str, str] | None = None) -> list[Block]:
    """The capacity the plan adds that stands idle in the steady state, by site: each site and product
    the plan builds (plan.builds) whose steady-state production is below its usable capacity
    (steady_state.csv's `idle` above 0), with the capacity the plan adds there, the capacity
    available there in the steady state (existing and committed included), what it makes in the
    last plan year and in the steady state, the idle part and steady_state.csv's reason; sites by
    their names (`names`), clusters by theirs (`clusters`), amounts in the product's unit per year
    (`units`, product -> unit). [] without a steady state or with no such site."""
    steady = plan.steady_state
    builds = getattr(plan, "builds", None)
    if steady is None or builds is None or builds.empty:
        return []
    names, clusters = names or {}, clusters or {}
    last = steady.year - 1
    added = builds.groupby(["site", "product"], sort=False)["capacity_added"].sum()
    cap = plan.capacity.loc[plan.capacity["year"] == last].set_index(["site", "product"])["production"]
    available = steady.capacity.set_index(["site", "product"])["available"]
    rows = []
    for r in steady.stranded.itertuples(index=False):
        key = (str(r.site), str(r.product))
        if key not in added.index or not float(r.idle) > 0:
            continue
        unit = per_year(units.get(key[1], ""))
        rows.append([names.get(key[0], key[0]), clusters.get(str(r.cluster), str(r.cluster)), product_label(key[1]),
                     unit, amount(float(added[key])), amount(float(available.get(key, 0.0))), amount(float(r.usable)),
                     amount(float(cap.get(key, 0.0))), amount(float(r.production)), amount(float(r.idle)),
                     str(r.reason)])
    if not rows:
        return []
    span = steady_span(last, steady.years_after_horizon)
    idle = [row for row in rows if row[8] == "0"]
    plain = ""
    if idle:
        plain = " " + " ".join(f"{row[4]} {row[3]} of {row[2]} the plan adds at {row[0]} makes nothing in the steady "
                               f"state ({span})." for row in idle)
    return [Block("p", f"Capacity the plan adds that stands idle in the steady state, by site: capacity added is the "
                       f"plan's modules there; available, all capacity there in the steady state (existing and "
                       f"committed included); usable, available x utilisation; idle, what the site could make (usable) "
                       f"and does not, with the "
                       f"reason steady_state.csv gives. Idle is the whole site's: where it has existing or committed "
                       f"capacity too, the model does not tell which of its plants stands idle, so the idle part need "
                       f"not be the plan's modules.{plain}"),
            Block("table", Table(["site", "cluster", "product", "unit", "capacity added", "available (steady state)",
                                  "usable (steady state)", f"produced {last}", "produced (steady state)",
                                  "idle (steady state)", "reason"],
                                 rows, frozenset({4, 5, 6, 7, 8, 9})))]


#: What each reason for stranded capacity means, for the report.
STRANDED_WORDS = {
    "market": "market: the product's sales cap out of the province binds that year and none of it is imported",
    "feedstock": "feedstock: a raw material or an input product is at its limit (every source at its supply "
                 "and no more can be imported, an input neither importable nor made in greater amount, or an "
                 "input whose chain-balance row binds: more of it would have to be made in the province)",
    "cost": "cost: running the capacity would cost more than its output brings",
}


def stranded_blocks(loaded: LoadedScenario, plan: Plan, names: Mapping[str, str] | None = None,
                    clusters: Mapping[str, str] | None = None) -> list[Block]:
    """Capacity that stands idle per site (by its name, `names`, and its cluster's, `clusters`),
    product and year, with the reason."""
    names = names or {}
    clusters = clusters or {}
    blocks = [Block("h2", "Stranded capacity")]
    if plan.stranded.empty:
        return [*blocks, Block("p", "No capacity stands idle: every site makes all its capacity allows "
                                    "(available capacity x utilisation) in every year.")]
    rows = [[names.get(str(r.site), str(r.site)), clusters.get(str(r.cluster), str(r.cluster)),
             product_label(str(r.product)), per_year(loaded.catalog.products[r.product].unit), str(r.year),
             amount(r.usable), amount(r.production), amount(r.idle), f"{r.idle_share:.0%}", str(r.reason)]
            for r in plan.stranded.itertuples(index=False)]
    rows, more = _clipped(rows, "stranded.csv")
    reasons = [STRANDED_WORDS[r] for r in STRANDED_WORDS if (plan.stranded["reason"] == r).any()]
    return [*blocks,
            Block("p", "Capacity built, committed or existing whose production is below what it can make (usable: "
                       "available capacity x the product's utilisation), by site, product and year, with the "
                       "reason:"),
            Block("table", Table(["site", "cluster", "product", "unit", "year", "usable", "production", "idle",
                                  "idle share", "reason"], rows, frozenset({5, 6, 7, 8}))),
            *more, Block("list", reasons)]


def _years(count: int) -> str:
    return f"{count} year" if count == 1 else f"{count} years"


def _lead_time_text(inputs: ModelInputs, products: Sequence[str], year: int) -> str | None:
    """Why nothing the plan adds among `products` produces in `year`: modules are decided from the
    first plan year t0 on and first produce a lead time L[p] later, so before min_p (t0 + L[p]);
    None when some can produce in `year` (or none of `products` has modules, so nothing can be
    added)."""
    buildable = [p for p in products if any(spec.product == p for spec in inputs.MODULES)]
    if not buildable:
        return None
    first = inputs.YEARS[0]
    leads = {p: inputs.lead_time_yr.get(p, 0) for p in buildable}
    shortest = min(leads.values())
    if year >= first + shortest:
        return None
    if len(buildable) == 1:
        lead = f"the lead time of {product_label(buildable[0])} is {_years(shortest)}"
    elif len(set(leads.values())) == 1:
        every = "every product's" if len(buildable) == len(inputs.PRODUCTS) else "every product's with modules"
        lead = f"{every} lead time is {_years(shortest)}"
    else:
        quickest = joined([product_label(p) for p in buildable if leads[p] == shortest])
        lead = f"the shortest lead time is {_years(shortest)} ({quickest})"
    return f"nothing the plan adds produces before {first + shortest}: modules are decided from {first} on and {lead}"


def _given_phrase(plan: Plan, products: Sequence[str], year: int) -> str:
    """"existing and committed" or "existing": the plants running in `year` before the plan adds any."""
    cap = plan.capacity
    rows = cap.loc[(cap["year"] == year) & cap["product"].isin(list(products))]
    return "existing and committed" if float(rows["committed"].sum()) > 0 else "existing"


def _capacity_short_reasons(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan, target: str, year: int
                            ) -> list[str]:
    """Why a capacity target falls short in `year`: no capacity the plan adds is online yet, and
    what the plants running that year hold of the target's products (existing, committed
    projects online, modules online)."""
    products = tuple(inputs.TARGET_GROUPS.get(target, (target,)))
    unit = _unit(loaded, inputs, target, "capacity")
    reasons = []
    lead = _lead_time_text(inputs, products, year)
    if lead is not None:
        reasons.append(lead)
    cap = plan.capacity
    rows = cap.loc[(cap["year"] == year) & cap["product"].isin(list(products))]
    existing, committed = float(rows["existing"].sum()), float(rows["committed"].sum())
    added = float(rows["online"].sum()) - existing - committed
    parts = [f"existing {amount(existing)}", f"committed projects online {amount(committed)}"]
    if lead is None:
        parts.append(f"modules the plan adds online {amount(added)}")
    reasons.append(f"the plants running in {year} hold {amount(existing + committed + added)} {unit} of "
                   f"{joined([product_label(p) for p in products])} capacity: {', '.join(parts)}")
    return reasons


#: Most products named in a sentence on what the plants make, and most sites named for capacity
#: idle; the others are counted.
NAMED_PRODUCTS = 3
NAMED_SITES = 3


def _value_short_reasons(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan, year: int,
                         names: Mapping[str, str]) -> list[str]:
    """Why the output-value target falls short in `year`: no capacity the plan adds produces yet;
    what the plants running that year make of output value (the capacity the plan adds and the
    existing and committed plants, `value_split`), by product; the capacity idle that year, by
    product and reason (stranded.csv), with the output value it would make at full use; and the
    chain-balance rows that bind that year."""
    units = units_of(loaded.catalog, inputs)
    reasons = []
    lead = _lead_time_text(inputs, inputs.PRODUCTS, year)
    if lead is not None:
        reasons.append(lead)
    split = value_split(inputs, plan, year)
    cap = plan.capacity.loc[plan.capacity["year"] == year]
    made = cap.groupby("product", sort=False)["production"].sum()
    values = sorted(((float(v) * value_per_unit(inputs, str(p), year), str(p)) for p, v in made.items() if v > 0),
                    key=lambda item: (-item[0], inputs.PRODUCTS.index(item[1])))
    named = cut_list((f"{product_label(p)} {bn_yuan(v)}" for v, p in values), NAMED_PRODUCTS, ", ", "products")
    detail = f": {named} bn yuan/yr" if values else ""
    given = _given_phrase(plan, inputs.PRODUCTS, year)
    if lead is None:
        reasons.append(f"the plants running in {year} make {bn_yuan(split.added + split.given)} bn yuan/yr of output "
                       f"value{detail}; the modules the plan adds make {bn_yuan(split.added)}, the {given} plants "
                       f"{bn_yuan(split.given)}")
    else:
        reasons.append(f"the {given} plants running in {year} make {bn_yuan(split.given)} bn yuan/yr of output "
                       f"value{detail}")
    idle = plan.stranded.loc[plan.stranded["year"] == year]
    for (product, reason), rows in idle.groupby(["product", "reason"], sort=False):
        sites = [names.get(str(site), str(site)) for site in rows["site"]]
        where = joined(sites) if len(sites) <= NAMED_SITES else f"{len(sites)} sites"
        tonnes = float(rows["idle"].sum())
        worth = tonnes * value_per_unit(inputs, str(product), year)
        reasons.append(f"idle in {year} (stranded.csv): {product_label(str(product))} {amount(tonnes)} "
                       f"{per_year(units[str(product)])} at {where}, {IDLE_PHRASES.get(str(reason), str(reason))}; "
                       f"at full use it would make {bn_yuan(worth)} bn yuan/yr of output value")
    for chain in binding_chains(inputs, plan, inputs.PRODUCTS, year):
        local = float(cap.loc[cap["product"] == chain.product, "production"].sum())
        unit = per_year(units[chain.product])
        full = ", all its plants can make that year" if local > 0 and not (idle["product"] == chain.product).any() \
            else ""
        reasons.append(f"the chain-balance rule binds in {year}: {chain.share:.0%} of the "
                       f"{product_label(chain.product)} that {joined(list(chain.users))} production uses "
                       f"({amount(chain.share * chain.consumed)} {unit}) must be made in the province, which "
                       f"makes {amount(local)} {unit}{full}")
    return reasons


#: Where a near-optimal alternative's folder (`altNN/`) finds the optimum's rule costs.
OPTIMUM_RULE_COSTS = "../rule_costs.md"


def rule_costs_pointer(computed: bool | str) -> str:
    """Where the rules are priced: in rule_costs.md when the run `computed` the rule costs (it wrote
    rule_costs.csv and .md; True: in this folder, linked; a relative path of rule_costs.md, such as
    OPTIMUM_RULE_COSTS for a near-optimal alternative's folder: the optimum's, linked), otherwise
    the advice to run `solve --rule-costs`."""
    if computed and isinstance(computed, str) and computed != "rule_costs.md":
        return (f"What each rule costs, the optimum's plan re-solved with that rule relaxed, is in the optimum's "
                f"[rule_costs.md]({computed}) (rule_costs.csv beside it).")
    if computed:
        return ("What each rule costs, the plan re-solved with that rule relaxed, is in [rule_costs.md](rule_costs.md) "
                "(rule_costs.csv).")
    return "`solve --rule-costs` prices each rule by solving again without it (rule_costs.csv)."


#: rule_costs.md's columns (siting/optimize/relax.py, in the file's units: siting/deliver/tables.py
#: `markdown_table`) in the report's words with their units, in the order the report gives them: the
#: proven range first, then what it rests on. A column not named here keeps its name, after these.
RULE_COST_HEADERS = {
    "rule": "rule family",
    "rule_cost_range_bn_yuan": "cost, proven range (bn yuan)",
    "within_solver_tolerance": "within solver tolerance",
    "rule_cost_bn_yuan": "point cost (bn yuan)",
    "status": "relaxed solve's status",
    "objective_relaxed_bn_yuan": "objective with the rule relaxed (discounted, bn yuan)",
    "gap_percent": "relaxed solve's gap (%)",
    "absolute_gap_bn_yuan": "relaxed solve's absolute gap (bn yuan)",
    "sites_added": "sites added",
    "sites_dropped": "sites dropped",
    "note": "note",
}

#: The right-aligned columns of the report's rule-cost table: its figures (the range included).
RULE_COST_FIGURES = frozenset({"rule_cost_range_bn_yuan", "rule_cost_bn_yuan", "objective_relaxed_bn_yuan",
                               "gap_percent", "absolute_gap_bn_yuan"})


def rule_cost_table_blocks(table_md: str) -> list[Block]:
    """rule_costs.md's table and notes (`markdown_file_blocks`) as the report gives them: the
    columns headed in the report's words with their units and ordered as RULE_COST_HEADERS, a
    family without a relaxed plan said so in its range, then a paragraph tying the column names
    the notes use (those of rule_costs.md and rule_costs.csv) to the headers, then the notes as
    the file gives them (a column whose name is a plain word, such as `note`, needs none). Nothing
    for a text that is no such file, or whose table has no `rule` and
    `rule_cost_range_bn_yuan` columns."""
    blocks = markdown_file_blocks(table_md)
    if not blocks:
        return []
    table, notes = blocks[0].content, blocks[1:]
    ids = [str(h).strip() for h in table.header]
    if "rule" not in ids or "rule_cost_range_bn_yuan" not in ids:
        return []
    order = [i for name in RULE_COST_HEADERS for i, h in enumerate(ids) if h == name]
    order += [i for i in range(len(ids)) if i not in order]
    header = [RULE_COST_HEADERS.get(ids[i], ids[i]) for i in order]
    at = ids.index("rule_cost_range_bn_yuan")
    rows = [[(row[i].strip() or "no relaxed plan") if i == at else row[i].strip() for i in order]
            for row in table.rows]
    numeric = frozenset(j for j, i in enumerate(order) if ids[i] in RULE_COST_FIGURES or i in table.numeric)
    text = " ".join(p.content for p in notes)
    named = [f"{name}: {RULE_COST_HEADERS[name]}" for name in RULE_COST_HEADERS
             if "_" in name and name in ids and re.search(rf"\b{name}\b", text)]
    key = ([Block("p", "The notes below name the columns as rule_costs.md and rule_costs.csv do: "
                       + "; ".join(named) + ".")] if named else [])
    return [Block("table", Table(header, rows, numeric)), *key, *notes]


def rule_cost_blocks(table_csv: str | None, table_md: str | None = None) -> list[Block]:
    """The section on what each rule costs, from rule_costs.csv's text (`table_csv`; None: the run
    did not price the rules, nothing). Given rule_costs.md's text (`table_md`), its one table in
    the report's words (`rule_cost_table_blocks`): per rule family the range its cost is proven to
    lie in (siting/optimize/tolerance.py `range_text`, from the range's ends), whether it is proven
    above 0 (siting/optimize/relax.py WITHIN_WORDS), the point cost, the relaxed solve's status,
    objective and gap, the sites its plan adds or drops and a note; then the notes under the file's
    table, so that report.html, which links no Markdown file, is complete on its own. Without it,
    the ranges alone, from rule_costs.csv, and rule_costs.md linked for the rest."""
    if not table_csv:
        return []
    rows = []
    for row in csv.DictReader(io.StringIO(table_csv)):
        ends = [float(row[c]) * BN if row.get(c) else None for c in ("rule_cost_low_bn_yuan", "rule_cost_high_bn_yuan")]
        shown = range_text(*ends)
        rows.append([row["rule"], shown or "no relaxed plan",
                     WITHIN_WORDS.get(row.get("within_solver_tolerance") or "", "")])
    if not rows:
        return []
    details = rule_cost_table_blocks(table_md) if table_md else []
    where = ("follow: the table below, then the notes (rule_costs.md holds the same; rule_costs.csv too, with the "
             "range's ends in columns of their own)" if details
             else "are in [rule_costs.md](rule_costs.md) (rule_costs.csv)")
    short = [] if details else [Block("table", Table(["rule family", "cost, proven range (bn yuan)",
                                                      "within solver tolerance"], rows, frozenset({1})))]
    return [Block("h2", "What each rule costs"),
            Block("p", "Each rule family's cost: the plan re-solved with that family relaxed, the cost the rule adds "
                       "to the objective (discounted, bn yuan). The two solves prove it only to their gaps, so the "
                       "cost is given as the range it is proven to lie in; where the range reaches 0 the rule is not "
                       "proven to cost anything. The point costs, the relaxed solves' objectives and gaps, the sites "
                       f"each relaxed plan adds or drops and what relaxing each family means {where}."
                       + (" The market's is the revenue the plan forgoes for want of market, not a cost that "
                          "relaxing a rule of the plan could save." if any(r[0] == "market" for r in rows) else "")),
            *short, *details]


def _markdown_unescaped(text: str) -> str:
    """`text` as a Markdown file of the tool wrote it (siting/deliver/tables.py `markdown_text`:
    "&" as "&amp;", "<" as "&lt;") back as it was, for a block that `markdown` and `html_page`
    escape again."""
    return text.replace("&lt;", "<").replace("&amp;", "&")


def markdown_file_blocks(text: str) -> list[Block]:
    """The blocks of a table file's Markdown as siting/deliver/tables.py `table_files` writes it
    (`markdown_table`, whose cells hold no "|", then the note's paragraphs): the table, its
    right-aligned columns as the file aligns them, then each paragraph of the note; report.md
    writes them back as the file has them. Nothing for a text that is no such file."""
    lines = text.splitlines()
    table = [line for line in lines if line.startswith("|")]
    if len(table) < 2:
        return []
    header = table[0][2:-2].split(" | ")
    numeric = frozenset(i for i, cell in enumerate(table[1].strip("|").split("|")) if cell.endswith(":"))
    rows = [[_markdown_unescaped(cell) for cell in line[2:-2].split(" | ")] for line in table[2:]]
    if not all(len(row) == len(header) for row in rows):  # not a table `markdown_table` wrote: none
        return []
    blocks = [Block("table", Table(header, rows, numeric))]
    note = "\n".join(line for line in lines if not line.startswith("|"))
    blocks += [Block("p", _markdown_unescaped(p.strip())) for p in note.split("\n\n") if p.strip()]
    return blocks


def rule_costs_place(manifest: Mapping[str, Any]) -> bool | str:
    """Where the run's rule costs are, for `rule_costs_pointer`: True when this folder has
    rule_costs.csv (the manifest's `files`); for a near-optimal alternative of a run that computed
    them (its timings carry `rule_costs`: the optimum's folder holds rule_costs.md),
    OPTIMUM_RULE_COSTS; else False."""
    if "rule_costs.csv" in manifest.get("files", ()):
        return True
    alternative = manifest.get("solver", {}).get("termination") == ALTERNATIVE_TERMINATION
    timings = (manifest.get("run") or {}).get("timings_s") or {}
    return OPTIMUM_RULE_COSTS if alternative and "rule_costs" in timings else False


def shortfall_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan,
                     names: Mapping[str, str] | None = None, rule_costs: bool | str = False) -> list[Block]:
    """Why targets fall short: for each target and year short (targets.csv), the shortfall in its
    unit, the objective's penalty per unit short and what it charges (weighted as the objective
    weighs its year: Ws[t] x penalty x shortfall, `ModelInputs.shortfall_weight`, summing to the
    `shortfall` cost component; "discounted", or for the last year with a steady state after it
    `_shortfall_words`), then the reasons the plan's own
    figures show: whether any capacity the plan adds can produce that year (decisions from the
    first plan year on, each online a lead time later), what the plants running that year hold
    (capacity targets) or make (output value), the capacity idle that year with its reason
    (stranded.csv; sites by their `names`) and the chain-balance rows that bind; and where the
    rules that bind are priced (`rule_costs_pointer`: rule_costs.md where the run computed the rule
    costs, `rule_costs`; otherwise `solve --rule-costs`)."""
    names = names or {}
    blocks = [Block("h2", "Why targets fall short")]
    short = [row for row in plan.targets.itertuples(index=False) if float(row.shortfall) > 0]
    if not short:
        return [*blocks, Block("p", "No target falls short.")]
    factor = loaded.scenario.objective.shortfall_penalty_factor
    for row in short:
        year, gap = int(row.year), float(row.shortfall)
        money = row.kind != "capacity"
        unit = _unit(loaded, inputs, row.target, row.kind)
        if money:
            penalty = inputs.value_shortfall_penalty_yuan_per_yuan
            figures = (bn_yuan(row.target_value), bn_yuan(row.achieved), bn_yuan(gap))
            per_unit = f"{penalty:g} yuan per yuan short (objective.shortfall_penalty_factor)"
            reasons = _value_short_reasons(loaded, inputs, plan, year, names)
        else:
            penalty = inputs.capacity_shortfall_penalty_yuan_per_unit.get(str(row.target), 0.0)
            figures = (amount(row.target_value), amount(row.achieved), amount(gap))
            group = joined([product_label(p) for p in inputs.TARGET_GROUPS.get(str(row.target), (row.target,))])
            per_unit = (f"{number(penalty)} yuan per {unit} short each year (objective.shortfall_penalty_factor "
                        f"{factor:g} x the dearest yearly cost of a {unit} of {group} capacity)")
            reasons = _capacity_short_reasons(loaded, inputs, plan, str(row.target), year)
        charged = inputs.shortfall_weight.get(year, 1.0) * penalty * gap
        name = "Output value" if money else product_label(str(row.target))
        weighted = _shortfall_words(inputs) if year == inputs.YEARS[-1] else "discounted"
        blocks.append(Block("p", f"{name} {year}: goal {figures[0]}, planned {figures[1]}, {figures[2]} short "
                                 f"({unit}); the penalty, {per_unit}, charges {bn_yuan(charged)} bn yuan "
                                 f"({weighted}). Why:"))
        blocks.append(Block("list", reasons))
    total = float(plan.costs.get("shortfall", 0.0))
    gross = sum(v for v in plan.costs.values() if v > 0)
    pointer = rule_costs_pointer(rule_costs)
    share = f", {total / gross:.1%} of the gross cost" if gross > 0 else ""
    blocks.append(Block("p", f"The penalties come to {bn_yuan(total)} bn yuan{share} (the cost breakdown's "
                             f"\"{cost_label('shortfall')}\"). The rules the plan meets with no slack are under "
                             f"\"What drives this plan\"; {pointer[0].lower()}{pointer[1:]}"))
    return blocks


def _shortfall_words(inputs: ModelInputs) -> str:
    """How a shortfall in the last plan year T is weighted (`ModelInputs.shortfall_weight`):
    "discounted", or with a steady state after T (objective.years_after_horizon N > 0) "discounted,
    counted for 2024 and the 14 years after it" (W[T] + W[T + 1]: the plan does not make it good
    after T)."""
    after = inputs.years_after_horizon
    if inputs.STEADY_YEAR is None:
        return "discounted"
    years = "the year" if after == 1 else f"the {after} years"
    return f"discounted, counted for {inputs.YEARS[-1]} and {years} after it"


#: The heading of the products imported although the province makes them, or could make them,
#: for less (`import_blocks`).
IMPORTS_HEADING = "Imports the province could make for less"


def _imported_head(item: ReplaceableImport) -> str:
    """The paragraph before a product's reasons: each year's imports at their price, and what the
    province makes at its cost per unit, or, where it makes none, what a module would make it for."""
    unit = item.unit
    years = []
    for y in item.years:
        if y.made > 0 and y.made_cost is not None:
            made = f"{amount(y.made)} {per_year(unit)} made at {yuan_per_unit(y.made_cost, unit)}"
        else:
            made = f"none made (a module would make it for {yuan_per_unit(y.module_cost, unit)} at full use)"
        join = " and " if y.made > 0 else ", "
        years.append(f"in {y.year}, {amount(y.imported)} {per_year(unit)} imported at {yuan_per_unit(y.price, unit)}"
                     f"{join}{made}")
    cost = " (capacity, production and inputs)" if any(y.made > 0 for y in item.years) else ""
    return f"{product_label(item.product)}: {'; '.join(years)}{cost}. Why no more is made:"


def import_blocks(inputs: ModelInputs, plan: Plan, units: Mapping[str, str], names: Mapping[str, str] | None = None,
                  clusters: Mapping[str, str] | None = None, gap_yuan: float | None = None,
                  near_optimal: bool = False) -> list[Block]:
    """The products the plan imports although the province makes them, or could make them, for
    less than their import price (`replaceable_imports`), each with its imports and costs by year
    and why no more is made; nothing when there are none. Sites by their `names`, clusters by
    theirs; `gap_yuan`, the solve's proven gap (yuan), and `near_optimal` (a near-optimal
    alternative), where no rule keeps out a module that would save money."""
    found = replaceable_imports(inputs, plan, units, names, clusters, gap_yuan, near_optimal)
    if not found:
        return []
    blocks = [Block("h2", IMPORTS_HEADING),
              Block("p", "Products bought outside the province in a year when the province makes them, or a site "
                         "could make them, for less than their import price (capacity, production and inputs), and "
                         "why the plan makes no more of them: what keeps one more module out, the rest of the plan "
                         "as it is.")]
    for item in found:
        blocks += [Block("p", _imported_head(item)), Block("list", list(item.reasons))]
    return blocks


def explanation_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan,
                       names: Mapping[str, str] | None = None, clusters: Mapping[str, str] | None = None,
                       gap_yuan: float | None = None, near_optimal: bool = False, rule_costs: bool | str = False
                       ) -> list[Block]:
    """Why targets are overshot and why they fall short (`shortfall_blocks`), why products are
    imported that the province makes or could make for less (`import_blocks`; `gap_yuan`, the
    solve's proven gap in yuan; `near_optimal`, a near-optimal alternative's plan), the capacity
    left idle (with the reason), and what drives the plan (its largest costs and the rules it
    meets with no slack, and where they are priced: rule_costs.md where the run computed the rule
    costs, `rule_costs`, else `solve --rule-costs`: `rule_costs_pointer`); sites and sources by
    their `names`, clusters by theirs (`clusters`; id -> name). The plan's figures that several
    of these reasons use (its costs by product and year) are computed once
    (siting/deliver/drivers.py `figures_computed_once`)."""
    with figures_computed_once():
        return _explanation_blocks(loaded, inputs, plan, names, clusters, gap_yuan, near_optimal, rule_costs)


def _explanation_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan, names: Mapping[str, str] | None,
                        clusters: Mapping[str, str] | None, gap_yuan: float | None, near_optimal: bool,
                        rule_costs: bool | str) -> list[Block]:
    """`explanation_blocks` made."""
    units = units_of(loaded.catalog, inputs)
    blocks = [Block("h2", "Why targets are overshot")]
    overshoots = overshoot_reasons(inputs, plan, units)
    if not overshoots:
        blocks.append(Block("p", "No target is overshot: each is met exactly or falls short."))
    for over in overshoots:
        money = over.unit == MONEY_UNIT
        figures = (bn_yuan(over.goal), bn_yuan(over.planned), bn_yuan(over.excess)) if money else \
            (amount(over.goal), amount(over.planned), amount(over.excess))
        name = "Output value" if money else product_label(over.target)
        blocks.append(Block("p", f"{name} {over.year}: goal {figures[0]}, planned {figures[1]}, "
                                 f"{figures[2]} more ({per_year(over.unit)}). Why:"))
        blocks.append(Block("list", list(over.reasons)))
    untargeted = untargeted_builds(inputs, plan, units)
    if untargeted:
        blocks.append(Block("h2", "Capacity added without a target"))
    for build in untargeted:
        blocks.append(Block("p", f"{product_label(build.product)}: {amount(build.added)} {per_year(build.unit)} added "
                                 f"(decided in {joined(str(t) for t in build.decided_in)}), no capacity target. Why:"))
        blocks.append(Block("list", list(build.reasons)))
    blocks += import_blocks(inputs, plan, units, names, clusters, gap_yuan, near_optimal)
    blocks += shortfall_blocks(loaded, inputs, plan, names, rule_costs)
    final = inputs.YEARS[-1]
    blocks += stranded_blocks(loaded, plan, names, clusters)
    if float(plan.capacity.loc[plan.capacity["year"] == final, "production"].sum()) == 0 and not plan.capacity.empty:
        blocks.append(Block("p", "The plan produces nothing: no target, rule or sale makes production worth its "
                                 "cost; capacity is built for the capacity targets."))
    blocks.append(Block("h2", "What drives this plan"))
    drivers = [f"{cost_label(name)}: {bn_yuan(value)} bn yuan, {share:.1%} of the gross cost" for name, value, share in
               cost_drivers(plan)[:3]]
    blocks.append(Block("p", "Largest cost components (discounted):"))
    blocks.append(Block("list", drivers or ["no cost"]))
    binding = binding_rules(inputs, plan, units, names, clusters)
    blocks.append(Block("p", "Rules the plan meets with no slack:" if binding
                        else "No rule is met with zero slack: the plan is shaped by costs alone."))
    if binding:
        blocks.append(Block("list", binding))
    blocks.append(Block("p", "A plan with whole modules has no shadow prices; these are slack checks on the plan's "
                             f"own figures. {rule_costs_pointer(rule_costs)}"))
    return blocks


def site_proximity(loaded: LoadedScenario, inputs: ModelInputs, layers: Sequence[OutputLayer]
                   ) -> dict[str, tuple[ProximityReason, ...]]:
    """Site id -> why the proximity rule excludes products there (`proximity_reasons`), for the
    sites of the sites layer with such products: where the scenario leaves prospective sources
    out (spatial.include_prospective_sources false), those within a resource's limit are named,
    with their road km as the rule measures them (`prospective_left_out_km`)."""
    by_name = {layer.name: layer for layer in layers}
    sites, sources = by_name.get("sites"), by_name.get("sources")
    if sites is None or "excluded_proximity" not in sites.frame.columns:
        return {}
    spatial = loaded.scenario.spatial
    left_out = {} if spatial.include_prospective_sources or sources is None else prospective_left_out(sources)
    km = prospective_left_out_km(sites, sources, spatial.working_crs, spatial.detour_factor) \
        if left_out and sources is not None else {}
    excluded = {str(site): id_items(codes)
                for site, codes in zip(sites.frame["id"], sites.frame["excluded_proximity"], strict=True)}
    return proximity_reasons(inputs, excluded, left_out, km)


def closed_sites(inputs: ModelInputs) -> frozenset[str]:
    """The sites of the model where no product may be added: the red line, the proximity rule or
    too little land excludes every product there (no build pair, models/index.py), as the sites
    layer's `excluded_*` statuses say of a site without plants; a `standing` site among them
    keeps its existing or committed plants, and its status says only that."""
    buildable = {site for site, _product in derive_index(inputs).build_pairs}
    return frozenset(site for site in inputs.SITES if site not in buildable)


def site_blocks(sites: OutputLayer, names: Mapping[str, str] | None = None,
                clusters: Mapping[str, str] | None = None,
                proximity: Mapping[str, Sequence[ProximityReason]] | None = None,
                closed: Collection[str] = frozenset(),
                distance_m: Callable[[str, str], float] | None = None) -> list[Block]:
    """Status counts, then every site of the layer, in its order: by the name the report gives it
    (`names`: its name in the sites layer, shortened to the part before the first comma where that
    stays distinct, as map.png labels it; its id where it has none), with its whole name where that
    was shortened (given here once), its id (which ties it to sites.geojson and the CSV files), its
    cluster (by its name, `clusters`), its status in words (the QGIS legend's, `STATUS_LABELS`)
    and the products excluded there, with why (for proximity, as `proximity` says it, site id ->
    its reasons from `site_proximity`: a prospective source left out within reach is named, once,
    in a note under the table that the sites' cells refer to with its road km from each site
    (`_left_out_cell`, `left_out_notes`); else "no source within reach for"); then the land and
    the on-site sources of the built sites (`land_blocks`, with `distance_m`, the red-line rule's
    distance by product and category). The sites excluded for every product are counted by
    their status (`excluded_*`, or outside the clusters, which the count says apart: such a site is
    dropped, not kept out by a rule) and, for a `standing` site, whose status does not say it, by
    `closed` (`closed_sites`)."""
    names = names or {}
    clusters = clusters or {}
    proximity = proximity or {}
    frame = sites.frame
    counts = [[STATUS_LABELS.get(s, s), str(int((frame["status"] == s).sum()))] for s in STATUS_LABELS
              if (frame["status"] == s).any()]
    blocks = [Block("h2", "Sites"), Block("table", Table(["status", "sites"], counts, frozenset({1})))]
    rows = []
    excluded = outside = 0
    notes: dict[tuple[str, float, tuple[str, ...]], int] = {}  # a left-out reason's `_note_key` -> its number
    noted = [0]  # noted[k]: how many notes the first k rows refer to
    for row in rows_of(frame, ("id", "name", "status", "cluster", "excluded_redline", "excluded_proximity")):
        reasons = []
        if row.excluded_redline:
            reasons.append(f"red line excludes {_products_text(row.excluded_redline)}")
        site_id, status = str(row.id), STATUS_LABELS.get(str(row.status), str(row.status))
        if row.excluded_proximity:
            given = proximity.get(site_id)
            reasons += [_left_out_cell(reason, notes) for reason in given] if given else [
                f"no source within reach for {_products_text(row.excluded_proximity)}"]
        shown = names.get(site_id, site_id)
        whole = str(row.name).strip() if isinstance(row.name, str) and row.name.strip() else ""
        everything = row.status.startswith("excluded") or row.status == "outside_clusters" or site_id in closed
        excluded += everything
        outside += row.status == "outside_clusters"
        rows.append([shown, whole if whole and whole != shown and whole.startswith(shown) else "", site_id,
                     clusters.get(str(row.cluster), str(row.cluster)), status,
                     "; ".join(reasons) or ("every product" if everything else "")])
        noted.append(len(notes))
    header = ["site", "whole name, where shortened", "id", "cluster", "status", "excluded products"]
    shortened = any(row[1] for row in rows)
    if not shortened:
        header, rows = [header[0], *header[2:]], [[row[0], *row[2:]] for row in rows]
    rows, more = _clipped(rows, "sites.geojson")
    referred = sorted((n, key) for key, n in notes.items() if n <= noted[len(rows)])  # by the rows shown
    blocks += [Block("p", "No site is excluded for every product." if not excluded else
                     f"{excluded} site{' is' if excluded == 1 else 's are'} excluded for every product"
                     + ("." if not outside else " (lying outside every cluster)." if outside == excluded else
                        f", {outside} of {'it' if excluded == 1 else 'them'} for lying outside every cluster.")),
               Block("p", "Every site, by the name this report gives it (its name in the sites layer"
                          + (", shortened to the part before the first comma where that stays distinct, as map.png "
                             "labels it), with its whole name where shortened" if shortened else ")")
                          + " and its id (as in sites.geojson and the CSV files):"),
               Block("table", Table(header, rows)), *left_out_notes(referred), *more]
    return blocks + land_blocks(frame, names, distance_m) + on_site_blocks(frame, names)


def _note_key(reason: ProximityReason) -> tuple[str, float, tuple[str, ...]]:
    """What a note under the site table says once for every site whose reason shares it: the
    resource, its limit (km) and the names of the prospective sources left out within it."""
    return str(reason.resource), float(reason.limit_km), tuple(sorted(name for name, _km in reason.left_out))


def _left_out_cell(reason: ProximityReason, notes: dict[tuple[str, float, tuple[str, ...]], int]) -> str:
    """A proximity reason as the site table's cell gives it. A plain one ("no source within reach
    for FePO4, Li2CO3") in full; one naming prospective sources left out within the limit by its
    label and products, then the number of the note that names the sources and why they are left
    out (`left_out_notes`) and their road km from this site: "no producing lithium clay source
    within 100 km for Li2CO3 (note 1: 82.5 road km)", or with several sources, nearest first, each
    by its name: "(note 2: B at 12.0 and A at 12.0 road km)". `notes` (`_note_key` -> number, from
    1 in the order first met) gains the reason's note if it is new."""
    if reason.resource is None or not reason.left_out:
        return reason.text()
    number = notes.setdefault(_note_key(reason), len(notes) + 1)
    if len(reason.left_out) == 1:
        km = km_text(reason.left_out[0][1])
    else:
        km = joined(f"{name} at {km_text(km)}" for name, km in reason.left_out)
    return f"{reason.label()} {', '.join(product_label(p) for p in reason.products)} (note {number}: {km} road km)"


def left_out_notes(notes: Sequence[tuple[int, tuple[str, float, tuple[str, ...]]]]) -> list[Block]:
    """The notes under the site table, each said once for every site that refers to it
    (`_left_out_cell`): which prospective sources of a resource lie within its limit and that the
    scenario leaves them out (spatial.include_prospective_sources is false), the road km from each
    site being in the table. None without notes."""
    lines = []
    for number, (resource, limit_km, sources) in notes:
        what = f"{resource_label(resource)} source{'s' if len(sources) > 1 else ''} within {km_figure(limit_km)} km"
        if len(sources) == 1:
            lines.append(f"Note {number}: the {what}, {sources[0]}, is prospective and left out "
                         f"(spatial.include_prospective_sources is false); the table gives its road km from each site.")
        else:
            lines.append(f"Note {number}: the {what}, {joined(sources)}, are prospective and left out "
                         "(spatial.include_prospective_sources is false); the table gives the road km of each "
                         "from each site.")
    return [Block("p", line) for line in lines]


def _zone_overlap_line(row: Any, site: str, distance_m: Callable[[str, str], float] | None) -> str:
    """The line of a built site (`row` of the sites layer's table, named `site`) partly inside
    the zones of products it builds: the area inside them (`setback_overlap_ha`, the union of the
    zones), the setbacks that reach in (`setback_reach`, each at the farthest distance a product's
    zone has) and the land outside (`land_outside_setback_ha`, the least over the products). Where
    `distance_m` (product, red-line category -> m: the scenario's rule) gives some of those
    products a nearer distance for a category that reaches in, they are named apart, as having
    narrower zones there and more land, so that the line says of each product only what holds for
    it: "...: 936 ha of its area lie within the 1 km forest park setback and the 5 km lake setback,
    the zone of FePO4, which it builds; its plant must stand on the 432.1 ha outside them; NCM and
    Anode, which it builds too, have narrower zones here and more land"."""
    products = id_items(row.setback_products)
    reach = [item.strip().rsplit(" ", 2) for item in str(row.setback_reach).split(",") if item.strip()]
    farthest = [(category, float(metres)) for category, metres, _unit in reach]
    widest = [p for p in products if distance_m is None
              or all(distance_m(p, category) >= metres - 1e-9 for category, metres in farthest)]
    narrower = [p for p in products if p not in widest]
    where, overlap = reach_text(str(row.setback_reach)), measure(float(row.setback_overlap_ha))
    outside = measure(float(row.land_outside_setback_ha))
    if not widest:  # no product's zone reaches as far on every side: the least land is the products' own
        return (f"{site}: {overlap} ha of its area lie within the zones of {_products_and(','.join(products))}, "
                f"which it builds ({where} in all, not the same for each product); the plant with the least land "
                f"must stand on the {outside} ha outside its zone")
    line = (f"{site}: {overlap} ha of its area lie within {where}, the zone of {_products_and(','.join(widest))}, "
            "which it builds; ")
    if not narrower:
        return line + f"the plant must stand on the {outside} ha outside {where}"
    one = len(narrower) == 1
    return (line + f"{'its' if len(widest) == 1 else 'their'} plant must stand on the {outside} ha outside them; "
            f"{_products_and(','.join(narrower))}, which it builds too, {'has a' if one else 'have'} narrower "
            f"zone{'' if one else 's'} here and more land")


#: The sites layer's columns that `land_blocks` shows in its table, and those that
#: `_zone_overlap_line` reads.
LAND_COLUMNS = ("usable_land_ha", "land_after_redline_ha", "land_committed_ha", "land_free_ha", "land_used_ha")
OVERLAP_COLUMNS = ("setback_products", "setback_reach", "setback_overlap_ha", "land_outside_setback_ha")


def land_blocks(frame: Any, names: Mapping[str, str] | None = None,
                distance_m: Callable[[str, str], float] | None = None) -> list[Block]:
    """The land of the built sites (`frame`: the sites layer's table, `LAND_FIELDS` of
    `siting.deliver.layers`), ha: usable, left after the red line, taken by committed projects,
    left for new modules, and what the new modules take; then each built site whose polygon lies
    partly inside the zone of a product it builds, with the land outside it (the model pro-rates
    the usable land by area and does not clip the polygon), the products whose zones are narrower
    there named apart by `distance_m` (product, red-line category -> m: the scenario's rule,
    siting/prepare/spatial.py `RedlineSettings.distance_m`; `_zone_overlap_line`)."""
    names = names or {}
    if "land_free_ha" not in frame.columns:
        return []
    built = frame.loc[frame["status"] == "built"]
    if not len(built):
        return []
    rows = [[names.get(str(r.id), str(r.id)), *(measure(float(v)) for v in (
        r.usable_land_ha, r.land_after_redline_ha, r.land_committed_ha, r.land_free_ha, r.land_used_ha))]
        for r in rows_of(built, ("id", *LAND_COLUMNS))]
    blocks = [Block("p", "Land at the built sites, ha (after the red line and left for new modules: the most over "
                         "the products, as setbacks differ by product; sites.geojson has every site's):"),
              Block("table", Table(["site", "usable", "after the red line", "committed projects",
                                    "left for new modules", "new modules take"], rows, frozenset(range(1, 6))))]
    partly = [r for r in rows_of(built, ("id", *OVERLAP_COLUMNS)) if getattr(r, "setback_products", "")]
    if partly:
        lines = [_zone_overlap_line(r, names.get(str(r.id), str(r.id)), distance_m) for r in partly]
        blocks += [Block("p", "Built sites partly inside the red-line zone of a product they build (the model counts "
                              "only the usable land outside the zone, in proportion to the area; the site's outline "
                              "is not clipped):"),
                   Block("list", lines)]
    return blocks


def on_site_blocks(frame: Any, names: Mapping[str, str] | None = None) -> list[Block]:
    """Raw material a site draws from a source at its own point (`frame`: the sites layer's table,
    with `on_site_sources` and `on_site_t_<year>`), t/yr: flows.geojson has no line for it (a line
    of no length), so the report names it; sites and sources by their `names` (id -> name)."""
    names = names or {}
    if "on_site_sources" not in frame.columns:
        return []
    years = sorted(int(c.rsplit("_", 1)[1]) for c in frame.columns if c.startswith("on_site_t_"))
    rows = [[names.get(str(row["id"]), str(row["id"])),
             ", ".join(names.get(k, k) for k in id_items(row["on_site_sources"])),
             *(f"{float(row[f'on_site_t_{t}']):,.0f}" for t in years)]
            for _i, row in frame.iterrows() if row["on_site_sources"]]
    if not rows:
        return []
    return [Block("p", "Raw material drawn at the site's own source (no flow line on the map: the site stands on "
                       "the source), t/yr:"),
            Block("table", Table(["site", "sources", *map(str, years)], rows, frozenset(range(2, 2 + len(years)))))]


def cell_blocks(cells: OutputLayer | None, clusters: Mapping[str, str] | None = None,
                names: Mapping[str, str] | None = None) -> list[Block]:
    """The candidate cells: how many by cluster (by its name, `clusters`) and status, and those the
    plan builds on, by their names (`names`, id -> name, as `display_names` gives them) with
    their ids."""
    if cells is None:
        return []
    clusters, names = clusters or {}, names or {}
    frame = cells.frame
    statuses = [s for s in STATUS_LABELS if (frame["status"] == s).any()]
    rows = [[clusters.get(str(c), str(c))] + [str(int(((frame["cluster"] == c) & (frame["status"] == s)).sum()))
                                               for s in statuses]
            for c in dict.fromkeys(frame["cluster"])]
    blocks = [Block("h2", "Candidate cells"),
              Block("p", f"{len(frame):,} cells generated over the clusters, outside the parks "
                         "(candidate_cells.geojson: each cell drawn as its land outside the parks and outside the "
                         "red line's zone common to all products; its usable land is what the red-line buffer and "
                         "setbacks leave of it); the cells built on are also in "
                         "the sites layer."),
              Block("table", Table(["cluster", *[STATUS_LABELS[s] for s in statuses]], rows,
                                   frozenset(range(1, len(statuses) + 1))))]
    built = frame.loc[frame["built"].astype(bool)]
    if len(built):
        blocks.append(Block("table", Table(
            ["cell", "id", "cluster", "usable land, ha (most over products)", "capex, bn yuan", "main product"],
            [[names.get(str(r.id), str(r.id)), str(r.id), clusters.get(str(r.cluster), str(r.cluster)),
              measure(float(r.usable_ha)), bn_yuan(float(r.capex_yuan)),
              product_label(str(r.main_product)) if r.main_product else ""] for r in built.itertuples(index=False)],
            frozenset({3, 4}))))
    return blocks


def zone_blocks(zones: OutputLayer, rule_on: bool = True, layer_given: bool = True) -> list[Block]:
    """The red-line zones as buffered (`zones`, the redline_zones layer), or, where there are none,
    why no zone excludes any site: the rule is off (`rule_on`, constraints.redline.enabled); it is
    on but the scenario gives no red-line layer (`layer_given`, layers.redline), as the notice the
    terminal prints then says (siting/prepare/checks.py `redline_layer_notices`); or it counts no
    polygon of the layer (none of its categories is counted, constraints.redline.categories)."""
    if zones.frame.empty:
        if not rule_on:
            why = "The red-line rule is off (constraints.redline.enabled: false): no zone excludes any site."
        elif not layer_given:
            why = ("The red-line rule is on, but the scenario gives no red-line layer (layers.redline): no zone "
                   "excludes any site, and the plan may lie in protected land.")
        else:
            why = ("The red-line rule is on, but it counts no polygon of the red-line layer (the layer has none "
                   "of the categories it counts, constraints.redline.categories): no zone excludes any site.")
        return [Block("h2", "Red-line zones"), Block("p", why)]
    rows = [[str(r.id), _products_text(r.products), str(r.distances_m).replace("_", " "), number(r.area_km2, 1)]
            for r in zones.frame.itertuples(index=False)]
    return [Block("h2", "Red-line zones as buffered"),
            Block("table", Table(["zone", "excludes sites for", "distance by category (m)", "area, km2"], rows,
                                 frozenset({3})))]


def redline_extent_blocks(loaded: LoadedScenario, layers: Sequence[OutputLayer], text: str | None = None,
                          basis: LayerBasis | None = None) -> list[Block]:
    """What the red-line layer says of its own basis (`basis`, siting/deliver/mapinfo.py
    `LayerBasis`: whether it is a proxy, as its columns and notes mark it, with its file's name
    and its description quoted; without one, what its table says), then how much of the clusters it covers, against the
    official red line's share (`text`: that statement, when made already for these layers)."""
    rule = loaded.scenario.constraints.redline
    given = loaded.scenario.layers.redline
    if text is None:
        text = redline_extent_text(layers, rule.official_share_pct, rule.official_share_source, given is not None)
    if basis is None and given is not None:
        basis = redline_basis(layers, PurePath(given.path).name)
    said = [Block("p", basis.text())] if basis is not None and given is not None else []
    return [Block("h2", "How much of the red line the layer holds"), *said, Block("p", text)]


#: A text value marks an assumption where it starts with this word (the catalog's and the layers'
#: convention, "assumption: 3 % of capex per year") or holds it in capitals ("... ASSUMPTION 50 km2").
ASSUMPTION_WORD = "assumption"
#: The values of a `*_basis` column (sources.geojson's `supply_basis`) that mark an assumed figure.
ASSUMED_BASES = ("assumed", "assumption", "estimate", "estimated", "placeholder")
#: The most fields, features or keys a line of the data-quality section names before "and N more".
QUALITY_NAMED = 6
#: Where the shipped data's sources and the reasoning of each assumption are given.
DATA_NOTES = "docs/DATA.md"
#: The project's folder, which holds DATA_NOTES and the shipped data it describes, in SHIPPED_FOLDERS.
PROJECT_FOLDER = Path(__file__).resolve().parents[2]
#: The project's folders holding its shipped data: the catalog and scenarios, and the layers.
SHIPPED_FOLDERS = ("scenarios", "geodata")
#: The scenario's layers the plan rests on, whose marks the data-quality section reads (the
#: context layer is only drawn).
QUALITY_LAYERS = ("clusters", "sites", "sources", "redline")
#: Catalog fields that are no figures: names, units, ids, the source notes and the modules' list.
_NOT_FIGURES = frozenset({"name", "unit", "id", "sources", "modules"})
#: Columns of a layer holding a feature's source note: `source`, `sources`, `<what>_source`.
_SOURCE_COLUMN = re.compile(r"^(?:sources?|[a-z_]+_source)$")


def _shipped_sha256(name: str) -> frozenset[str]:
    """The SHA-256 of each file named `name` the project ships: in a SHIPPED_FOLDERS folder of the
    project's folder or one folder down ("geodata/yunnan/sites.geojson"); none where the project's
    folder holds no DATA_NOTES (the package installed without its data)."""
    if not (PROJECT_FOLDER / DATA_NOTES).is_file():
        return frozenset()
    found: set[str] = set()
    for folder in (PROJECT_FOLDER / f for f in SHIPPED_FOLDERS):
        if not folder.is_dir():
            continue
        for place in (folder, *sorted(d for d in folder.iterdir() if d.is_dir())):
            if (place / name).is_file():
                found.add(file_sha256(place / name))
    return frozenset(found)


def is_shipped(name: str, sha256: str | None) -> bool:
    """Whether an input file, by its name and its SHA-256 as the run read it, is one the project
    ships: a file of that name in its scenarios/ or geodata/ folder holds the same bytes, wherever
    the input lies (a copy counts; an edited copy, or a file of another name, does not). Where it
    is, DATA_NOTES gives its sources."""
    return bool(sha256) and sha256 in _shipped_sha256(name)


def marks_assumption(value: Any) -> bool:
    """Whether a text value marks an assumption: it starts with "assumption" (any case) or holds
    "ASSUMPTION" in capitals; False for anything but text."""
    if not isinstance(value, str):
        return False
    return value.lstrip().lower().startswith(ASSUMPTION_WORD) or ASSUMPTION_WORD.upper() in value


def _of(part: int, whole: int, noun: str) -> str:
    """"4 of 12 features", "1 of 1 feature"."""
    return f"{part:,} of {whole:,} {noun}{'s' if whole != 1 else ''}"


def _counted(counts: Mapping[str, int]) -> str:
    """"fixed_opex_yuan_per_yr 14, lifetime_yr 14 and 3 more", most first, then by name."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return joined([f"`{name}` {n}" for name, n in ordered], QUALITY_NAMED)


def catalog_assumptions(loaded: LoadedScenario, inputs: ModelInputs) -> str:
    """The catalog's line of the data-quality section: of the figures of the products the plan
    holds (their modules included) and of the resources they draw on, how many have a source note
    (`sources`), how many of these are assumptions (`marks_assumption`) and how many more name an
    assumption within them ("derived: ... (assumption)"), with the assumed fields counted, and how
    many figures the catalog gives (a field it sets) have no source note; for a catalog that marks
    no figure an assumption, that it marks none, and how many figures have no source note."""
    products = [loaded.catalog.products[p] for p in inputs.PRODUCTS if p in loaded.catalog.products]
    drawn = {r for spec in products for r in spec.resources_t_per_unit}
    held = [*products, *(mod for spec in products for mod in spec.modules),
            *(res for r, res in loaded.catalog.resources.items() if r in drawn)]
    notes = [n for item in held for n in item.sources.items()]
    unnoted = sum(len(set(item.model_fields_set) - _NOT_FIGURES - set(item.sources)) for item in held)
    name = f"`{loaded.catalog_path.name}`"
    if not notes or not any(marks_assumption(text) for _key, text in notes):
        figures = len(notes) + unnoted
        line = (f"{name}: marks no figure as an assumption; of the {figures:,} figure{'s' if figures != 1 else ''} "
                f"of the products and resources this plan uses, {unnoted:,} {'has' if unnoted == 1 else 'have'} no "
                "source note (`sources`)")
        partly = sum(ASSUMPTION_WORD in str(text).lower() for _key, text in notes)
        return line + (f"; {partly} derived with an assumption in them" if partly else "")
    assumed: dict[str, int] = {}
    partly = 0
    for key, text in notes:
        if marks_assumption(text):
            assumed[key] = assumed.get(key, 0) + 1
        elif ASSUMPTION_WORD in str(text).lower():
            partly += 1
    count = sum(assumed.values())
    line = (f"{name}: {_of(count, len(notes), 'figure')} with a source note (`sources`), of "
            "the products and resources this plan uses, an assumption")
    line += f", by field: {_counted(assumed)}" if assumed else ""
    line += f"; {partly} more derived with an assumption in them" if partly else ""
    return line + (f"; {unnoted:,} more figure{'s' if unnoted != 1 else ''} with no source note" if unnoted else "")


def _unsourced(frame: Any) -> str:
    """How many of a layer's features have no source note (an empty `source`, `sources` or
    `<what>_source` column, `_SOURCE_COLUMN`), in words: "2 of 4 features with no source note
    (`source`)", "each feature with a source note (`source`)", or that the layer has no such column."""
    columns = [c for c in frame.columns if _SOURCE_COLUMN.match(str(c))]
    if not columns:
        return "no feature with a source note (no `source` column)"
    def noted(value: Any) -> bool:
        return isinstance(value, str) and bool(value.strip())
    rows = frame[columns].to_dict("records")
    none = sum(not any(noted(v) for v in row.values()) for row in rows)
    where = ", ".join(f"`{c}`" for c in columns)
    if not none:
        return f"each feature with a source note ({where})"
    return f"{_of(none, len(rows), 'feature')} with no source note ({where})"


def layer_assumptions(layer: OutputLayer, file: str = "") -> str:
    """A layer's line of the data-quality section, from its own columns, naming it by its input
    file's name (`file`; without one, the output layer's): its features with a `*_basis` value of
    ASSUMED_BASES or a text value marking an assumption (`marks_assumption`), out of all, named
    (`name`, else `id`) where not every feature is, with the columns that say so and their counts;
    where none does, that it marks none. Each line adds how many features have no source note,
    where some have none (`_unsourced`)."""
    name = f"`{file or f'{layer.name}.geojson'}`"
    frame = layer.frame
    columns = [c for c in frame.columns if c != "geometry"]
    flagged: dict[str, list[bool]] = {}
    for column in columns:
        values = frame[column].tolist()
        if column.endswith("_basis"):
            marks = [isinstance(v, str) and v.strip().lower() in ASSUMED_BASES for v in values]
        else:
            marks = [marks_assumption(v) for v in values]
        if any(marks):
            flagged[column] = marks
    unsourced = _unsourced(frame)
    if not flagged:
        features = "its one feature" if len(frame) == 1 else f"any of its {len(frame):,} features"
        return f"{name}: marks no figure as an assumption, in {features}; {unsourced}"
    rows = [any(marks[i] for marks in flagged.values()) for i in range(len(frame))]
    names = frame["name"].tolist() if "name" in frame.columns else frame["id"].tolist()
    hit = [str(n) for n, yes in zip(names, rows, strict=True) if yes]
    which = "" if len(hit) == len(frame) else f": {joined(hit, QUALITY_NAMED)}"
    by = _counted({column: sum(marks) for column, marks in flagged.items()})
    line = f"{name}: {_of(len(hit), len(frame), 'feature')} with an assumption ({by}){which}"
    return line if unsourced.startswith("each") else f"{line}; {unsourced}"


def project_assumptions(loaded: LoadedScenario) -> str | None:
    """The committed projects' line of the data-quality section: how many of the projects the
    model holds have a `source` marking an assumption (`marks_assumption`, or the word within it:
    "online year assumption 2025"), named by id; where none does, that it marks none (each
    project has a `source`); None without a file of them."""
    held = loaded.model_projects()
    if held.path is None and not held.projects:
        return None
    file = f"`{held.path.name}`" if held.path is not None else "committed projects"
    hit = [p.id for p in held.projects if ASSUMPTION_WORD in p.source.lower()]
    if not hit:
        count = len(held.projects)
        return (f"{file}: marks no figure as an assumption, in "
                f"{'its one project' if count == 1 else f'any of its {count:,} projects'} (each with a `source`)")
    return (f"{file}: {_of(len(hit), len(held.projects), 'project')} with a figure its `source` calls an "
            f"assumption: {joined(hit, QUALITY_NAMED)}")


#: A YAML key at the start of a line's code: "  detour_factor: 1.3", "- id: x", "{path: a.geojson,".
_KEY = re.compile(r"^\s*(?:-\s+)?\{?\s*([A-Za-z_][\w-]*)\s*:(?=\s|$|\{)")


def commented_keys(lines: Sequence[str]) -> list[tuple[str, str]]:
    """Each key of a YAML text's `lines`, dotted by the keys it is indented under
    ("objective.discount_rate"; a key of a flow mapping's later line under the key that opens it:
    "layers.sites.land_price_field"), with its comment, in the file's order: the comment on its
    line, the comment lines under it that continue it (their "#" in the same column), and the
    block of comment lines just above it (no blank line between)."""
    found: list[tuple[str, str]] = []
    above: list[str] = []
    column: int | None = None
    parents: list[tuple[int, str]] = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("#"):
            at = len(line) - len(stripped)
            if column is not None and at == column and found:
                found[-1] = (found[-1][0], f"{found[-1][1]} {stripped[1:].strip()}")
            else:
                above.append(stripped[1:].strip())
                column = None
            continue
        if not stripped:
            above, column = [], None
            continue
        hash_at = next((i for i in range(1, len(line)) if line[i] == "#" and line[i - 1].isspace()), None)
        code = line if hash_at is None else line[:hash_at]
        key = _KEY.match(code)
        if key is None:
            above, column = [], None
            continue
        comment = "" if hash_at is None else line[hash_at + 1:].strip()
        indent = len(code) - len(code.lstrip())
        while parents and parents[-1][0] >= indent:
            parents.pop()
        parents.append((indent, key.group(1)))
        found.append((".".join(k for _i, k in parents), " ".join([*above, comment]).strip()))
        above, column = [], hash_at
    return found


def scenario_assumptions(loaded: LoadedScenario) -> str:
    """The scenario file's line of the data-quality section: the settings it gives as assumptions,
    in its values (text starting "assumption", `marks_assumption`, by dotted key) and in its
    comments (a key whose comment, `commented_keys`, says "assumption"), in the file's order;
    without any, that it gives none."""
    keys: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(inner, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            for n, inner in enumerate(value):
                walk(inner, f"{where}[{n}]")
        elif marks_assumption(value):
            keys.append(where.rsplit(".", 1)[0] if where.endswith(".source") else where)

    walk(loaded.scenario.model_dump(mode="json"), "")
    try:
        lines = loaded.scenario_path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for key, comment in commented_keys(lines):
        if ASSUMPTION_WORD in comment.lower() and key not in keys:
            keys.append(key)
    if not keys:
        return f"`{loaded.scenario_path.name}`: gives no setting as an assumption, in its values or its comments"
    return (f"`{loaded.scenario_path.name}`: {len(keys)} setting{'s' if len(keys) != 1 else ''} given as "
            f"{'an assumption' if len(keys) == 1 else 'assumptions'} (in its values or its comments): "
            f"{joined([f'`{k}`' for k in keys], QUALITY_NAMED)}")


def quality_blocks(loaded: LoadedScenario, inputs: ModelInputs, layers: Sequence[OutputLayer],
                   manifest: Mapping[str, Any] | None = None) -> list[Block]:
    """Which inputs the plan rests on are assumptions, as the data says of itself, one line for
    each input read, named by its file's name: the catalog's source notes (`catalog_assumptions`),
    the columns of each layer the plan rests on (QUALITY_LAYERS, `layer_assumptions`: a
    `supply_basis` "assumed", a note marked ASSUMPTION), the committed projects' sources
    (`project_assumptions`) and the scenario's settings (`scenario_assumptions`), each counted and
    named; an input that marks nothing says so, with how many of its figures have no source note
    where they can be counted. DATA_NOTES is named for the inputs the project ships (`is_shipped`,
    by the SHA-256 the run read each with: the manifest's `input_sha256`, else the file's now)."""
    digests = (manifest or {}).get("input_sha256") or {}
    given: list[tuple[str, str, Path | None, str]] = [  # (line, role, path, file name)
        (catalog_assumptions(loaded, inputs), "catalog", loaded.catalog_path, loaded.catalog_path.name)]
    by_name = {layer.name: layer for layer in layers}
    for layer in layers:
        ref = getattr(loaded.scenario.layers, layer.name, None) if layer.name in QUALITY_LAYERS else None
        if ref is not None:
            path = loaded.resolve(Path(ref.path))
            given.append((layer_assumptions(by_name[layer.name], path.name), layer.name, path, path.name))
    projects = project_assumptions(loaded)
    held = loaded.model_projects()
    if projects is not None:
        role = "committed_projects" if held is loaded.committed else "calibration_plants"
        given.append((projects, role, held.path, held.path.name if held.path is not None else ""))
    given.append((scenario_assumptions(loaded), "scenario", loaded.scenario_path, loaded.scenario_path.name))

    def digest(role: str, path: Path | None) -> str | None:
        if digests.get(role):
            return str(digests[role])
        try:
            return file_sha256(path) if path is not None else None
        except OSError:
            return None

    shipped = [name for _line, role, path, name in given if name and is_shipped(name, digest(role, path))]
    if shipped and len(shipped) == len(given):
        notes = f" {DATA_NOTES} gives the sources and the reasoning of these inputs, each as the project ships it."
    elif shipped:
        others = [name for _line, _role, _path, name in given if name not in shipped]
        notes = (f" {DATA_NOTES} gives the sources and the reasoning of the data the project ships; of these inputs, "
                 f"{joined([f'`{n}`' for n in shipped])} {'is' if len(shipped) == 1 else 'are'} as shipped, "
                 f"{joined([f'`{n}`' for n in others])} {'is' if len(others) == 1 else 'are'} not: it does not give "
                 f"{'its' if len(others) == 1 else 'their'} sources.")
    else:
        notes = ""
    return [Block("h2", "Data quality: what is assumed"),
            Block("p", "What each input the plan rests on marks as an assumption (no source gives it: a source note "
                       "starting \"assumption\", a value marked ASSUMPTION, a `*_basis` column \"assumed\"); the plan "
                       "rests on these as on sourced figures. An input that marks nothing is not thereby sourced: its "
                       f"line says how many of its figures have no source note, where that can be counted.{notes}"),
            Block("list", [line for line, *_rest in given])]


def provenance_blocks(manifest: Mapping[str, Any]) -> list[Block]:
    """The input files with their SHA-256, the settings given on top of the scenario file
    (`given_blocks`), the working CRS distances and areas were measured in, the software versions
    (Python packages and the GDAL, PROJ and GEOS libraries) and the notices, as the manifest gives
    them."""
    files = [[role, f"`{manifest['inputs'][role]}`", f"`{digest}`"]
             for role, digest in manifest["input_sha256"].items()]
    versions = [[name, str(version)] for name, version in manifest["versions"].items()]
    blocks = [Block("h2", "Input provenance"),
              Block("p", "Input files (relative to the scenario file) and their SHA-256:"),
              Block("table", Table(["input", "file", "SHA-256"], files)), *given_blocks(manifest)]
    crs = manifest.get("working_crs")
    if crs:
        blocks.append(Block("p", measure_text(crs)))
    blocks += [Block("p", "Software versions:"), Block("table", Table(["software", "version"], versions))]
    if manifest.get("notices"):
        blocks += [Block("p", "Notices:"), Block("list", list(manifest["notices"]))]
    return blocks


def measure_text(crs: Mapping[str, Any], share: bool = True) -> str:
    """Where each kind of figure is measured, for the working CRS the manifest records (`crs`: its
    `working_crs`): distances between places on its ellipsoid (geodesics, siting/prepare/spatial.py
    `geodesic_m`; road km those times the detour factor), drawn areas on that ellipsoid too
    (`ellipsoidal_area_m2`), red-line buffers, setbacks, the land share they leave and the
    red-line margins of the positional check in the CRS itself (metres), and the red line's
    share of the clusters in the equal-area CRS (siting/deliver/mapinfo.py EQUAL_AREA_CRS), where
    the document states that share (`share`)."""
    code = f"EPSG:{crs['epsg']}" if crs.get("epsg") is not None else f"`{crs['as_given']}`"
    try:
        ellipsoid = pyproj.CRS.from_user_input(crs["as_given"]).ellipsoid
        named = f" ({ellipsoid.name})" if ellipsoid is not None and ellipsoid.name else ""
    except pyproj.exceptions.CRSError:
        named = ""
    equal_area = pyproj.CRS.from_user_input(EQUAL_AREA_CRS)
    shared = (f" The red line's share of the clusters is measured in the equal-area CRS {EQUAL_AREA_CRS} "
              f"({equal_area.name})." if share else "")
    return (f"Where each figure is measured. Working CRS: {code} ({crs['name']}). Distances between places (site to "
            f"source, site to hub, hub to hub and to the gateway) are geodesics on its ellipsoid{named}; road km are "
            "these times the detour factor. Drawn areas (a site's footprint, a red-line polygon's or zone's km2) are "
            "measured on that ellipsoid too. Red-line buffers and setbacks, the share of a site's land they leave, "
            "and the red-line margins of the positional check are measured in the working CRS itself (metres)."
            + shared)


def given_blocks(manifest: Mapping[str, Any]) -> list[Block]:
    """The settings given for the run on top of its scenario file, as the manifest records them
    (`variant`, `overrides`: siting/deliver/manifest.py `override_records`): each setting by its
    dotted key with the value used (text as it is, any other value as JSON) and, for one holding
    a number typed otherwise (0x7E8, 1e3), as it was typed, in the order given; or,
    when there are none, that the plan is that of the input files as they are. Nothing for a
    manifest that records neither."""
    if "overrides" not in manifest:
        return []
    variant = manifest.get("variant")
    base = f"the scenario file's variant {_code(str(variant))}" if variant else "the scenario file"
    given = manifest["overrides"]
    if not given:
        return [Block("p", f"No setting was given on top of {base}: the plan is that of the input files above, as "
                           "they are.")]
    rows = [[_code(str(item["setting"])), _code(_given_value(item["value"]))
             + (f" (typed {_code(str(item['typed']))})" if "typed" in item else "")] for item in given]
    return [Block("p", f"Settings given for this run on top of {base}, applied in this order:"),
            Block("table", Table(["setting", "value"], rows))]


def _given_value(value: Any) -> str:
    """A given setting's value as the report shows it: text as it is, any other value as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _code(text: str) -> str:
    """`text` as inline code, unless it holds a backtick (then as it is)."""
    return text if "`" in text else f"`{text}`"


def position_blocks(positions: PositionCheck | None, plan: Plan, names: Mapping[str, str]) -> list[Block]:
    """The red-line and proximity decisions whose margin is below their site's positional
    uncertainty, with what the plan does there (`siting.prepare.positions.position_section`);
    nothing without `positions`."""
    if positions is None:
        return []
    built = plan.builds.loc[plan.builds["capacity_added"] > 0]
    labels = {p: product_label(p) for d in positions.decisions for p in d.products}
    section = position_section(positions, zip(built["site"], built["product"], strict=True), names, labels)
    blocks = [Block("h2", section.title), *(Block("p", text) for text in section.paragraphs)]
    if section.rows:
        blocks.append(Block("table", Table(section.header, section.rows, section.numeric)))
    return blocks


def held_text(calibration: FixedCalibration) -> str:
    """How many of the real plants the model holds at their sites: "the model holds all 13 real
    plants of `committed_projects.yaml` producing by 2024 at their sites", "the model holds the 1
    real plant of ... at its site", "the model holds 1 of the 2 real plants of ... at their sites"."""
    count = len(calibration.plants)
    held = int((calibration.plants["model"] > 0).sum())
    plants = (f"real plant{'s' if count != 1 else ''} of `{calibration.plants_file}` producing by "
              f"{calibration.year} at {'their sites' if count != 1 else 'its site'}")
    if count and held == count:
        return f"the model holds {'all' if count > 1 else 'the'} {count} {plants}"
    return f"the model holds {held} of the {count} {plants}"


def fixed_sites(calibration: FixedCalibration) -> dict[str, list[tuple[str, float, str]]]:
    """Site id -> (product, capacity, unit) the plan holds fixed there of the real plants, summed by
    product; sites and products in the order of the plants."""
    sites: dict[str, dict[str, tuple[float, str]]] = {}
    for row in calibration.plants.itertuples(index=False):
        if row.model > 0:
            here = sites.setdefault(str(row.site), {})
            held, _ = here.get(str(row.product), (0.0, str(row.unit)))
            here[str(row.product)] = (held + float(row.model), str(row.unit))
    return {site: [(p, v, u) for p, (v, u) in here.items()] for site, here in sites.items()}


def fixed_sites_text(calibration: FixedCalibration, names: Mapping[str, str]) -> str:
    """The sites with fixed capacity by their names, "; " between them, "none" without any."""
    return "; ".join(names.get(site, site) for site in fixed_sites(calibration)) or "none"


def choice_blocks(calibration: ChoiceCalibration) -> list[Block]:
    """Mode choose: what the plan was scored against (the reference file, the distance), per
    product the capacity the plan adds, the real plants' capacity, the part near a real plant and
    the share, with what the columns mean; that a share says where the plan builds, not how much;
    and the sentences calibration.md gives on the products the plan adds far more or less of than
    the real plants hold (`ChoiceCalibration.quantity`)."""
    year = calibration.year
    km = amount(calibration.distance_km)
    blocks = [Block("h2", "Calibration: the plan's choice against the real plants"),
              Block("p", f"In calibration mode choose, the model chooses where to build, and what the plan adds is "
                         f"compared with the real plants of `{calibration.reference_file}` producing by {year}: for "
                         f"each product, the share of the capacity the plan adds that lies at sites within {km} km "
                         "of a real plant of the product.")]

    def share(value: float) -> str:
        value = float(value)
        return "" if value != value else number(value, 2)  # NaN: the plan adds none of the product

    rows = [[product_label(str(r.product)), str(r.unit), amount(float(r.planned_added)),
             amount(float(r.observed)), amount(float(r.within_km)), share(r.share)]
            for r in calibration.score.itertuples(index=False)]
    if rows:
        blocks.append(Block("table", Table(["product", "unit", "planned added", f"real plants {year}",
                                            f"within {km} km", "share"], rows, frozenset({2, 3, 4, 5}))))
        blocks.append(Block("p", "planned added: the capacity the plan adds (units/yr); real plants: the capacity of "
                                 f"the product's real plants producing by {year}, with the existing capacity of the "
                                 f"sites layer, which the plan holds too; within {km} km: the part of the "
                                 f"planned added at sites within {km} km of one of them; share: within / planned "
                                 "added."))
    blocks.append(Block("p", "A share of 1 means where, not how much: everything the plan adds of the product lies "
                             "near a real plant, however much more or less it adds than the real plants hold. "
                             "Compare planned added with the real plants for how much."))
    if calibration.quantity[1:]:  # its first sentence says what the paragraph above says
        blocks.append(Block("p", " ".join(calibration.quantity[1:])))
    return blocks


@dataclass(frozen=True)
class SolveStanding:
    """What calibration.md says of the solve whose plan it compares: `outcome`, the status in the
    terminal's words (siting/deliver/mapinfo.py `solve_outcome`: "optimal within the gap, gap
    1.60% (tolerance 2.00%)"), and the proven gap in yuan (`gap_yuan`: objective less bound; None
    when no bound was proven)."""

    outcome: str
    gap_yuan: float | None

    @classmethod
    def of(cls, report: SolveReport, rel_gap: float | None, abs_gap_bn_yuan: float | None = None
           ) -> SolveStanding:
        """The standing of a solve as the terminal's `status` line and `siting.Solution.status` say
        it (`rel_gap`, `abs_gap_bn_yuan`: the gaps asked for, solver.rel_gap and
        solver.abs_gap_bn_yuan)."""
        return cls(solve_outcome(report, rel_gap, abs_gap_bn_yuan),
                   absolute_gap_yuan(report.objective_yuan, report.gap))


#: What the proven gap means for each mode's figures: what they are of, and what another plan
#: within the gap could change. The figures are named in words, as the report's tables head them
#: (planned added, within the distance, share; production, used), not by calibration.csv's column
#: names, which the file's own note under its table gives.
GAP_MEANS = {
    "choose": ("the capacity the plan adds, and the part and share of it near a real plant, are those of "
               "this plan", "may place capacity elsewhere and score otherwise"),
    "fixed": ("the rules' verdict does not rest on the gap (the checks before the solve and the plan found settle "
              "it), but what the model makes of each real plant, the share of what it can make that it uses and "
              "the real plants held mostly idle are those of this plan", "may run the real plants otherwise"),
}


def solve_line(standing: SolveStanding, mode: str) -> str:
    """calibration.md's line on the solve (`SolveStanding`) and what its gap means for the
    comparison in `mode` (GAP_MEANS): in mode choose the score is of this plan, one of those
    within the gap; in mode fixed the real plants are held, so the verdict stands whatever the
    gap, and what the model makes of them is this plan's."""
    what, other = GAP_MEANS[mode]
    if standing.gap_yuan is None:
        within = (f"{what}; no bound was proven, so how far it lies from the least cost is unknown, and the "
                  f"least-cost plan {other}")
    elif standing.gap_yuan <= 0.0:
        within = f"{what}, proven the least cost: another plan of the same cost {other}"
    else:
        amount = (f"up to {bound_bn(standing.gap_yuan, up=True)}" if standing.gap_yuan >= 0.005e9
                  else "under 0.01 bn yuan")
        within = f"{what}, one of the plans within the gap of the least cost: another, costing {amount} less, {other}"
    return f"Solve: {standing.outcome}. Of the gap: {within}."


def solve_standing(manifest: Mapping[str, Any]) -> SolveStanding | None:
    """The solve's standing (`SolveStanding`) as the manifest records it:
    its outcome in the words of the terminal's status line (`outcome_text`: the status, the proven
    gap and, for a plan proven within it, the gap asked for) and the proven gap in yuan
    (`solver.gap_yuan`), as calibration.md's solve line is made from; None without a plan or for a
    near-optimal alternative (whose gap is its optimum's)."""
    solver = manifest["solver"]
    if solver.get("objective_yuan") is None or solver["termination"] == ALTERNATIVE_TERMINATION:
        return None
    settings = solver.get("settings") or {}
    absolute = settings.get("abs_gap_bn_yuan")
    outcome = outcome_text(solver["status_text"], solver.get("gap"),
                           settings.get("rel_gap") if solver.get("proven_within_gap") else None,
                           absolute * 1e9 if absolute else None)
    gap_yuan = solver.get("gap_yuan", absolute_gap_yuan(solver.get("objective_yuan"), solver.get("gap")))
    return SolveStanding(outcome, gap_yuan)


def calibration_blocks(calibration: ReportCalibration | None, names: Mapping[str, str],
                       standing: SolveStanding | None = None) -> list[Block]:
    """Mode choose: `choice_blocks`. Mode fixed: the verdict of the rules (and of the real plants
    the model holds mostly idle), the sites with fixed capacity and what each holds, and each real
    plant's row of calibration.csv: its capacity, which the model holds as given (`model`, no
    estimate of its own), what the model makes of it in the last year and the share of what it
    can make, and its verdict, with what the columns mean; the findings under the table. In both,
    with the solve's `standing` (`solve_standing`), calibration.md's line on the solve and what its
    gap means for the comparison (`solve_line`) after the first paragraph.
    Nothing without `calibration`."""
    if calibration is None:
        return []
    solve = [Block("p", solve_line(standing, "choose" if isinstance(calibration, ChoiceCalibration) else "fixed"))
             ] if standing is not None else []
    if isinstance(calibration, ChoiceCalibration):
        chosen = choice_blocks(calibration)
        return [*chosen[:2], *solve, *chosen[2:]]
    frame = calibration.plants
    blocks = [Block("h2", "Calibration: the real plants fixed at their sites"),
              Block("p", f"Verdict: {calibration.verdict}. In calibration mode fixed, {held_text(calibration)}."),
              *solve]
    sites = fixed_sites(calibration)
    if sites:
        blocks.append(Block("p", f"Sites with fixed capacity (the real plants, in {calibration.year}):"))
        blocks.append(Block("list", [f"{names.get(site, site)}: " + ", ".join(
            f"{product_label(p)} {amount(v)} {u}" for p, v, u in held_here) for site, held_here in sites.items()]))
    else:
        blocks.append(Block("p", "Sites with fixed capacity: none."))
    year = calibration.year

    def shown(value: float, text: Callable[[float], str]) -> str:
        value = float(value)
        return "" if value != value else text(value)  # NaN, empty: a plant the model does not hold

    rows = [[str(r.plant), names.get(str(r.site), str(r.site)), product_label(str(r.product)), str(r.unit),
             amount(float(r.observed)), amount(float(r.model)), shown(r.production, amount),
             shown(r.used_share, lambda share: f"{share:.0%}"), str(r.verdict)] for r in frame.itertuples(index=False)]
    if rows:
        blocks.append(Block("table", Table(["plant", "site", "product", "unit", "observed", "model",
                                            f"production {year}", "used", "verdict"], rows,
                                           frozenset({4, 5, 6, 7}))))
        blocks.append(Block("p", f"observed: the plant's capacity in `{calibration.plants_file}`; model: the capacity "
                                 "of it the model holds at its site, the observed capacity as given (the real plants "
                                 "are the plan; 0 for a plant at a site left out of it), no estimate of the model's "
                                 f"own; production: what the model makes of it in {year} (units/yr); used: production "
                                 "as a share of what it can make (available capacity x the product's utilisation); "
                                 "verdict: what the rules say of the plant where it stands (admitted, or the rules it "
                                 "breaks), also for a plant the model holds idle; the verdict above the table names "
                                 "the plants the model holds mostly idle."))
    if calibration.findings:
        blocks += [Block("p", "The rules the real plants break:"), Block("list", list(calibration.findings))]
    return blocks


def report_title(manifest: Mapping[str, Any], which: str = "") -> str:
    """The report's title (report.md's heading, report.html's heading and page title): the
    scenario's name, then which plan of a set it is (`which`, as map.png's title gives it):
    "Plan report: small, near-optimal alternative alt01 of 2" for an alternative (its solver
    termination; "..., a near-optimal alternative" without `which`), "Plan report: small, run
    small-2" for a run of a comparison or sweep whose label is not its scenario's name
    (siting/runs/job.py `run_which`); "Plan report: small" otherwise."""
    if manifest["solver"]["termination"] == ALTERNATIVE_TERMINATION:
        return f"Plan report: {manifest['scenario']}, " + (f"near-optimal {which}" if which
                                                           else "a near-optimal alternative")
    return f"Plan report: {manifest['scenario']}" + (f", {which}" if which else "")


def settings_blocks(loaded: LoadedScenario) -> list[Block]:
    """Under the report's title, the settings given on top of the scenario file (`loaded.overrides`:
    the command line's `--set`), in the terminal summary's words and map.png's title's
    (siting/deliver/tables.py `settings_lines`: "settings  --set constraints.redline.buffer_m=2000"),
    as code, so that a report of a run made with them is not read as the scenario file's own (the
    section "Input provenance" lists them with the values used: `given_blocks`); nothing for none."""
    if not loaded.overrides:
        return []
    lines = settings_lines(given_settings(loaded.overrides), 1_000_000)
    return [Block("p", " ".join(_code(line) for line in lines))]


def report_blocks(loaded: LoadedScenario, inputs: ModelInputs, plan: Plan, layers: Sequence[OutputLayer],
                  manifest: Mapping[str, Any], file_notes: Mapping[str, str],
                  map_context: MapContext | None = None, positions: PositionCheck | None = None,
                  calibration: ReportCalibration | None = None, which: str = "",
                  rule_costs: str | None = None, rule_costs_md: str | None = None,
                  marker_top_yuan: float | None = None) -> list[Block]:
    """The whole report, in reading order (`map_context` gives the interactive map its context layer;
    `positions`, the prepared problem's: the decisions within the sites' positional uncertainty;
    `calibration`, a calibration in mode fixed (its verdict and the sites with fixed capacity) or
    in mode choose (the plan's score against the real plants, and what it does not weigh);
    `which`, which plan of a set this is, for the title: `report_title`; `rule_costs`, the text of
    rule_costs.csv where the run priced the rules, and `rule_costs_md`, rule_costs.md's, whose table and
    notes the section gives too: `rule_cost_blocks`; `marker_top_yuan`, the capex (yuan) of a
    full-size built-site marker on the interactive map, None for the plan's own largest:
    siting/deliver/webmap.py `map_html`)."""
    by_name = {layer.name: layer for layer in layers}
    blocks = [Block("h1", report_title(manifest, which)), *settings_blocks(loaded)]
    if manifest.get("description"):
        blocks.append(Block("p", str(manifest["description"])))
    years = list(inputs.YEARS)
    names = display_names(layers)
    clusters = cluster_names(by_name["clusters"].frame) if "clusters" in by_name else {}
    # the caveats before anything else; the overview and the maps follow under a heading of their own
    blocks += read_first_blocks(loaded, layers, plan, manifest, positions, names,
                                map_context.redline_basis if map_context is not None else None,
                                map_context.redline_coverage if map_context is not None else None)
    blocks.append(Block("h2", "The plan at a glance"))
    opened = sites_built_text(plan, inputs, lambda site: names.get(site, site))
    fixed = (f"sites with fixed capacity (the real plants): {fixed_sites_text(calibration, names)}; "
             if isinstance(calibration, FixedCalibration) else "")
    blocks.append(Block("p", f"Years {years[0]}-{years[-1]}; clusters "
                             f"{', '.join(clusters.get(c, c) for c in inputs.CLUSTERS)}; {fixed}sites built on: "
                             f"{opened}."))
    units = {p: loaded.catalog.products[p].unit for p in inputs.PRODUCTS}
    demonstrations = demonstrations_paragraph(plan, inputs, names, units)
    if demonstrations:
        blocks.append(Block("p", demonstrations))
    context = map_context.context if map_context is not None else None
    label = map_context.context_label if map_context is not None else "Context outlines"
    proximity = site_proximity(loaded, inputs, layers)
    blocks.append(Block("webmap", map_html(layers, list(inputs.PRODUCTS), years, units, context, label, proximity,
                                           marker_top_yuan, plan.product_flows)))
    blocks.append(Block("image", ("Map of the plan", "map.png")))
    blocks += solve_blocks(manifest, discount_text(inputs))
    blocks += near_ties_blocks(manifest)
    blocks += alternatives_blocks(manifest, names, plan.opened_sites)
    blocks += target_blocks(loaded, inputs, plan, names)
    blocks += calibration_blocks(calibration, names, solve_standing(manifest))
    blocks += capacity_blocks(loaded, inputs, plan, names, clusters)
    blocks += cluster_role_blocks(inputs, plan, clusters)
    blocks += cost_blocks(plan, discount_text(inputs), objective_digits(manifest))
    blocks += trade_blocks(loaded, plan, names, clusters)
    blocks += steady_state_blocks(loaded, inputs, plan, names, clusters)
    solver = manifest["solver"]
    alternative = solver["termination"] == ALTERNATIVE_TERMINATION
    gap = None if alternative else absolute_gap_yuan(solver.get("objective_yuan"), solver.get("gap"))
    blocks += explanation_blocks(loaded, inputs, plan, names, clusters, gap, alternative, rule_costs_place(manifest))
    blocks += rule_cost_blocks(rule_costs, rule_costs_md)
    cells = by_name.get("candidate_cells")  # an unbuilt cell by its name, as the candidate cells' table names it
    cell_names = site_display_names(cells.frame.assign(kind="cell")) if cells is not None else {}
    blocks += why_here_blocks(why_here_rows(inputs, plan), {**cell_names, **names}, clusters, units, gap,
                              gap_weight(inputs), inputs.STEADY_YEAR is not None,
                              dropped_within_gap(manifest, set(plan.opened_sites)))
    blocks += site_blocks(by_name["sites"], names, clusters, proximity, closed_sites(inputs),
                          redline_settings(loaded).distance_m)
    blocks += position_blocks(positions, plan, names)
    blocks += cell_blocks(by_name.get("candidate_cells"), clusters, names)
    blocks += zone_blocks(by_name["redline_zones"], loaded.scenario.constraints.redline.enabled,
                          loaded.scenario.layers.redline is not None)
    blocks += quality_blocks(loaded, inputs, layers, manifest)
    blocks += redline_extent_blocks(loaded, layers, map_context.redline_extent if map_context is not None else None,
                                    map_context.redline_basis if map_context is not None else None)
    blocks += provenance_blocks(manifest)
    blocks += [Block("h2", "Files in this folder"),
               Block("list", [f"`{name}`: {note}" for name, note in file_notes.items()])]
    return blocks


# --- rendering -------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


def markdown(blocks: Sequence[Block]) -> str:
    """report.md's text of `blocks`: headings, paragraphs, lists, images and tables, each text
    with "&" and "<" escaped (siting/deliver/tables.py `markdown_text`)."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "h1":
            out.append(f"# {markdown_text(block.content)}")
        elif block.kind == "h2":
            out.append(f"## {markdown_text(block.content)}")
        elif block.kind == "p":
            out.append(markdown_text(block.content))
        elif block.kind == "list":
            out.append("\n".join(f"- {markdown_text(item)}" for item in block.content))
        elif block.kind == "image":
            alt, src = block.content
            out.append(f"![{alt}]({src})")
        elif block.kind == "table":
            table: Table = block.content
            rule = ["---:" if i in table.numeric else "---" for i in range(len(table.header))]
            lines = ["| " + " | ".join(_md_cell(h) for h in table.header) + " |", "|" + "|".join(rule) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


#: A relative Markdown link, `[text](path)`, as report.md writes one (`rule_costs_pointer`).
_LINK = re.compile(r"\[([^\]\[]+)\]\(([^()\s]+)\)")


def _inline_html(text: str) -> str:
    """Escape, then turn our inline Markdown constructs, `code` and [text](path), into <code> and <a>."""
    parts = html.escape(text, quote=False).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else _LINK.sub(r'<a href="\2">\1</a>', p) for i, p in enumerate(parts))


CSS = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
       "table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border:1px solid #ccc;padding:.25em .6em}"
       "th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}"
       "img{max-width:100%;border:1px solid #ddd}code{font-size:90%}"
       # the contents: the sections' list in columns as many as the window holds, so that it stays short
       "ul.toc{columns:17em 3;column-gap:2em;margin-top:0}ul.toc li{break-inside:avoid}nav>p{margin-bottom:.3em}"
       # a table wider than the window scrolls sideways in its own box, not the whole page with it;
       # printed, the box does not clip it
       "div.wide{overflow-x:auto;margin:.5em 0 1.2em}div.wide>table{margin:0}"
       # printed: map.png, just below it, stands for the interactive map (its panel and buttons mean
       # nothing on paper); a table's head row repeats on each page it runs onto (the browser's doing),
       # no row is cut across two pages and a heading stays with what follows it
       "@media print{div.wide{overflow:visible}#plan-map{display:none}h1,h2{break-after:avoid}"
       "tr,img{break-inside:avoid}"
       # printed, every table fits the page's width, which cuts what stands beyond it: the page's own
       # margins stand for the body's, the tables' text is smaller, with less padding, and a long
       # token (a SHA-256, a path, an id) breaks where it must; words break at spaces only
       "body{max-width:none;margin:0;padding:0}table{font-size:9pt}th,td{padding:.15em .3em}"
       "td code{overflow-wrap:anywhere}}")


#: The ids the page holds besides its headings' (siting/deliver/webmap.py `map_html`'s map and its data),
#: which no heading's id may take.
_PAGE_IDS = frozenset({MAP_ID, f"{MAP_ID}-data"})


def heading_ids(blocks: Sequence[Block]) -> list[str]:
    """The id of each h2 of `blocks`, in their order, for report.html's contents and links: the
    heading's ASCII letters and digits, lower case, words joined by "-" ("Read this first":
    read-this-first; "section" where none is left), made unique by "-2", "-3", ... in reading order
    and never one of the page's other ids (`_PAGE_IDS`); the same blocks give the same ids."""
    taken = set(_PAGE_IDS)
    ids = []
    for block in blocks:
        if block.kind != "h2":
            continue
        base = "-".join(re.findall(r"[a-z0-9]+", str(block.content).lower())) or "section"
        made, count = base, 1
        while made in taken:
            count += 1
            made = f"{base}-{count}"
        taken.add(made)
        ids.append(made)
    return ids


#: How the report names one of its own sections: section "Solve" (the heading's text, escaped as
#: `_inline_html` gives it).
_SECTION_NAMED = re.compile(r'(sections? )"([^"<>]+)"')


def _section_links(text: str, ids: Mapping[str, str]) -> str:
    """`text` (HTML) with every section it names by a heading of the page linked to that heading."""
    return _SECTION_NAMED.sub(lambda m: (f'{m.group(1)}"<a href="#{ids[m.group(2)]}">{m.group(2)}</a>"'
                                         if m.group(2) in ids else m.group(0)), text)


#: The Markdown files report.md links whose figures a section of the report renders: the file's
#: name -> that section's heading.
MARKDOWN_SECTIONS = {"rule_costs.md": "What each rule costs"}

#: A link `_inline_html` made to a Markdown file ("../rule_costs.md": its folder, its name, its text).
_MARKDOWN_LINK = re.compile(r'<a href="((?:[^"/]*/)*)([^"/]+\.md)">([^<]*)</a>')


def _markdown_links(text: str, ids: Mapping[str, str], section: str) -> str:
    """`text` (HTML) with its links to Markdown files, which a browser shows raw or downloads, made
    the file's name, followed, where a section renders its figures (MARKDOWN_SECTIONS), by a link
    to that section: this page's (none within `section`, that section itself; the name alone
    where the page has no such section), or the report.html's of the file's folder ("../")."""
    def link(match: re.Match[str]) -> str:
        folder, name = match.group(1), match.group(2)
        heading = MARKDOWN_SECTIONS.get(name)
        named = f"<code>{name}</code>" if match.group(3) == name else match.group(3)
        if heading is None:
            return named
        if folder:
            slug = "-".join(re.findall(r"[a-z0-9]+", heading.lower()))
            return (f'{named} (section "<a href="{html.escape(folder)}report.html#{slug}">{heading}</a>" of its '
                    "report.html)")
        if heading in ids and heading != section:
            return f'{named} (section "<a href="#{ids[heading]}">{heading}</a>")'
        return named

    return _MARKDOWN_LINK.sub(link, text)


def _table_cell(table: Table, row: int, column: int, text: str) -> str:
    """One cell of `table` in report.html: right-aligned in a numeric column, linked where the table
    links it (`Table.links`)."""
    shown = _inline_html(text)
    if (row, column) in table.links:
        shown = f'<a href="{html.escape(table.links[row, column])}">{shown}</a>'
    return f'<td class="n">{shown}</td>' if column in table.numeric else f"<td>{shown}</td>"


def html_page(blocks: Sequence[Block], title: str, images: Mapping[str, bytes]) -> str:
    """A self-contained HTML page; images named in `images` are embedded as data URIs. Each h2
    has its id (`heading_ids`); a page with a title heading (h1) and more than one h2 gives the
    list of its sections, linked, after that heading; a section named in the text (section
    "Solve") links to its heading; a link to a Markdown file links the section that renders it
    instead (`_markdown_links`)."""
    headings = [block for block in blocks if block.kind == "h2"]
    ids = heading_ids(blocks)
    by_title: dict[str, str] = {}  # a title two headings share links to the first
    for block, made in zip(headings, ids, strict=True):
        by_title.setdefault(_inline_html(block.content), made)
    contents = ("<nav><p>Contents:</p><ul class=\"toc\">"
                + "".join(f'<li><a href="#{made}">{_inline_html(block.content)}</a></li>'
                          for block, made in zip(headings, ids, strict=True)) + "</ul></nav>"
                if len(headings) > 1 and any(block.kind == "h1" for block in blocks) else "")
    next_id = iter(ids)
    body: list[str] = []
    section = ""  # the heading of the section a block is in

    def text_html(text: str) -> str:
        return _markdown_links(_section_links(_inline_html(text), by_title), by_title, section)

    for block in blocks:
        if block.kind == "h1":
            body.append(f"<h1>{_inline_html(block.content)}</h1>")
            if contents:
                body.append(contents)
                contents = ""
        elif block.kind == "h2":
            body.append(f'<h2 id="{next(next_id)}">{_inline_html(block.content)}</h2>')
            section = _inline_html(block.content)
        elif block.kind == "p":
            body.append(f"<p>{text_html(block.content)}</p>")
        elif block.kind == "list":
            body.append("<ul>" + "".join(f"<li>{text_html(i)}</li>" for i in block.content) + "</ul>")
        elif block.kind == "image":
            alt, src = block.content
            data = images.get(src)
            ref = f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}" if data is not None else src
            body.append(f'<p><img alt="{html.escape(alt)}" src="{ref}"></p>')
        elif block.kind == "webmap":
            body.append(str(block.content))
        elif block.kind == "table":
            table: Table = block.content
            head = "".join(f"<th>{_inline_html(h)}</th>" for h in table.header)
            rows = "".join("<tr>" + "".join(_table_cell(table, r, i, c) for i, c in enumerate(row)) + "</tr>\n"
                           for r, row in enumerate(table.rows))
            body.append(f'<div class="wide"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>'
                        "</table></div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n"
            + (head_html() if any(b.kind == "webmap" for b in blocks) else "") + "</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
