"""Comparison of runs against a baseline: tables (terminal, CSV, Markdown), the per-site
`diff.geojson`, and sweep summaries with a plot. Works on `CaseSummary` plain data and on the
runs' own written `sites.geojson`; solving happens in `siting.runs.pool`."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from siting.deliver.units import BN, MONEY_UNIT, cost_label, per_year, unit_slug
from siting.optimize.tolerance import WITHIN, within_tolerance
from siting.runs.pool import CaseSummary

#: Relative difference below which two capacities count as the same.
SAME = 1e-9


def _metric_rows(summary: CaseSummary, products: Sequence[str], clusters: Sequence[str],
                 groups: Sequence[str], years: Sequence[int]) -> dict[str, tuple[str, Any]]:
    """metric -> (unit, value) for one run; failed runs give only their status."""
    rows: dict[str, tuple[str, Any]] = {"status": ("", summary.status if summary.ok else "failed: " + summary.error)}
    if not summary.ok:
        return rows
    rows["objective"] = ("yuan", summary.objective_yuan)
    for name, value in summary.costs.items():
        rows[f"cost: {cost_label(name)}"] = ("yuan", value)
    rows["gap"] = ("share", summary.gap)
    rows["solve time"] = ("s", round(summary.solve_time_s, 2))
    rows["sites opened"] = ("count", len(summary.sites_opened))
    rows["targets short"] = ("", ", ".join(sorted(summary.targets_short)) or "none")
    for year in years:
        rows[f"output value {year}"] = ("yuan/yr", summary.output_value.get(year))
    for group in groups:
        rows[f"capacity {group} {summary.final_year}"] = (_per_year(summary, group),
                                                          summary.group_capacity.get(group, 0.0))
    for cluster in clusters:
        for product in products:
            rows[f"capacity {cluster} {product}"] = (_per_year(summary, product),
                                                     summary.capacity.get(cluster, {}).get(product, 0.0))
    return rows


def _per_year(summary: CaseSummary, name: str) -> str:
    """The unit per year of a product or target group, from the run's catalog."""
    unit = summary.units.get(name)
    return per_year(unit) if unit else "units/yr"


def comparison_table(summaries: Sequence[CaseSummary]) -> pd.DataFrame:
    """Rows are metrics, columns the runs; each run after the first also gets a delta column
    against the first (the baseline). Money rows are in yuan here (unit "yuan"); the written
    tables and the terminal give them in bn yuan (siting/deliver/tables.py, `in_bn_yuan`)."""
    ok = [s for s in summaries if s.ok]
    products = list(dict.fromkeys(p for s in ok for c in s.capacity.values() for p in c))
    clusters = list(dict.fromkeys(c for s in ok for c in s.capacity))
    groups = list(dict.fromkeys(g for s in ok for g in s.group_capacity))
    years = sorted({y for s in ok for y in s.output_value})
    per_run = [_metric_rows(s, products, clusters, groups, years) for s in summaries]
    metrics = list(dict.fromkeys(m for rows in per_run for m in rows))
    table: dict[str, list[Any]] = {"metric": metrics,
                                   "unit": [next((r[m][0] for r in per_run if m in r), "") for m in metrics]}
    if "objective" in metrics:  # whether the gaps prove the objective difference (siting/optimize/tolerance.py)
        metrics.insert(metrics.index("objective") + 1, TOLERANCE_ROW)
        table = {"metric": metrics, "unit": [next((r[m][0] for r in per_run if m in r), "") for m in metrics]}
    base = per_run[0]
    first = summaries[0]
    for i, (summary, rows) in enumerate(zip(summaries, per_run, strict=True)):
        table[summary.label] = [rows.get(m, ("", None))[1] if m != TOLERANCE_ROW else "" for m in metrics]
        if i > 0:
            table[f"{summary.label} vs {summaries[0].label}"] = [
                _delta(rows.get(m, ("", None))[1], base.get(m, ("", None))[1]) if m != TOLERANCE_ROW
                else _tolerance_cell(first, summary) for m in metrics]
    return pd.DataFrame(table)


#: The comparison row that says whether the proven gaps tell the objectives apart.
TOLERANCE_ROW = "objective difference"


def _tolerance_cell(base: CaseSummary, other: CaseSummary) -> str:
    """WITHIN when the two runs' objectives are closer than their proven gaps, "proven" when
    not, "" when either run has no plan."""
    if not (base.ok and other.ok):
        return ""
    verdict = within_tolerance(base.objective_yuan, base.gap, other.objective_yuan, other.gap)
    return "" if verdict is None else WITHIN if verdict else "proven"


def _delta(value: Any, base: Any) -> Any:
    if isinstance(value, (int, float)) and isinstance(base, (int, float)) and not isinstance(value, bool):
        return value - base
    if value == base:
        return "same"
    return "" if value is None or base is None else "changed"


def change_of(base: dict[str, float], other: dict[str, float]) -> str:
    """added / removed / resized / unchanged, comparing capacity added at one site."""
    had = sum(base.values()) > 0
    has = sum(other.values()) > 0
    if not had and not has:
        return "unchanged"
    if not had:
        return "added"
    if not has:
        return "removed"
    products = set(base) | set(other)
    same = all(abs(base.get(p, 0.0) - other.get(p, 0.0)) <= SAME * max(1.0, abs(base.get(p, 0.0)))
               for p in products)
    return "unchanged" if same else "resized"


def diff_geojson(summaries: Sequence[CaseSummary]) -> str:
    """One feature per site and compared run: what changed against the baseline, with the
    capacity added per product (units/yr) in both, on the baseline's site geometry."""
    base = summaries[0]
    if not base.ok:
        return json.dumps({"type": "FeatureCollection", "name": "diff", "features": []}) + "\n"
    sites = json.loads((Path(base.out_dir) / "sites.geojson").read_text(encoding="utf-8"))
    products = list(dict.fromkeys(p for s in summaries if s.ok for a in s.site_added.values() for p in a))
    features = []
    for other in summaries[1:]:
        if not other.ok:
            continue
        for feature in sites["features"]:
            site = feature["id"]
            before, after = base.site_added.get(site, {}), other.site_added.get(site, {})
            props: dict[str, Any] = {"id": f"{site}@{other.label}", "site": site, "scenario": other.label,
                                     "baseline": base.label, "change": change_of(before, after)}
            for product in products:
                props[f"base_{product}"] = float(before.get(product, 0.0))
                props[f"new_{product}"] = float(after.get(product, 0.0))
            features.append({"type": "Feature", "id": props["id"], "properties": props,
                             "geometry": feature["geometry"]})
    return json.dumps({"type": "FeatureCollection", "name": "diff", "features": features}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def sweep_table(summaries: Sequence[CaseSummary], settings: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per run: the swept values, status, objective (yuan here, bn yuan when written) and
    gap, whether the objective differs from the first run's by more than their proven gaps
    (`vs_first`: "proven" or "within solver tolerance"), the run whose plan it was solved again
    from (`started_from`, see CROSS_START_NOTE; "" for none), the sites opened and final-year
    capacity per group, in its unit per year (`capacity_<group>_<unit>_per_yr`)."""
    groups = list(dict.fromkeys(g for s in summaries if s.ok for g in s.group_capacity))
    units = {g: next((s.units[g] for s in summaries if s.ok and s.units.get(g)), "units") for g in groups}
    rows = []
    for summary, values in zip(summaries, settings, strict=True):
        first = summaries[0]
        verdict = within_tolerance(first.objective_yuan, first.gap, summary.objective_yuan, summary.gap) \
            if first.ok and summary.ok and summary is not first else None
        row: dict[str, Any] = {"run": summary.label, **values,
                               "status": summary.status if summary.ok else "failed: " + summary.error,
                               "objective_yuan": summary.objective_yuan, "gap": summary.gap,
                               "vs_first": "" if verdict is None else WITHIN if verdict else "proven",
                               "started_from": summary.started_from,
                               "sites_opened": len(summary.sites_opened) if summary.ok else None}
        for group in groups:
            row[capacity_column(group, units[group])] = summary.group_capacity.get(group) if summary.ok else None
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["capacity_columns"] = {capacity_column(g, units[g]): (g, units[g]) for g in groups}
    return table


#: The note under a sweep table in which some run was solved again from another run's plan.
CROSS_START_NOTE = ("A run with a `started_from` was solved a second time, starting from the plan of the run named "
                    "there: once every run was solved, that plan met this run's rules at a lower cost than the "
                    "run's own plan (each run is solved only to its gap), so the run's plan now costs no more than "
                    "it. Where the rules of one run admit every plan of another, the first thus never ends dearer "
                    "than the second.")


def capacity_column(group: str, unit: str) -> str:
    """The sweep table's column of a group's final-year capacity: "capacity_cells_GWh_per_yr"."""
    return f"capacity_{group}_{unit_slug(unit)}_per_yr"


def _capacity_title(column: str, table: pd.DataFrame) -> str:
    """"cells capacity (GWh/yr)" for the column capacity_cells_GWh_per_yr (the table's attrs)."""
    group, unit = table.attrs.get("capacity_columns", {}).get(column, (column.removeprefix("capacity_"), "units"))
    return f"{group} capacity ({per_year(unit)})"


def plain_number_formatter() -> Any:
    """A matplotlib tick formatter writing plain numbers with thousands separators ("1,000,500",
    "-22.72"): never an offset ("1e6" or "+2.27e1" beside the axis) nor scientific notation, since
    each panel's title carries the unit. Decimals are the fewest that write every tick exactly; a tick
    that rounds to zero is written without a minus sign."""
    from matplotlib.ticker import Formatter

    class PlainNumbers(Formatter):
        decimals = 0

        def set_locs(self, locs: Sequence[float]) -> None:
            super().set_locs(locs)
            ticks = [float(v) for v in locs if math.isfinite(v)]
            self.decimals = next((d for d in range(7)
                                  if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in ticks)), 6)

        def __call__(self, x: float, pos: int | None = None) -> str:
            return f"{x:z,.{self.decimals}f}"

    return PlainNumbers()


def sweep_figure(table: pd.DataFrame, keys: Sequence[str], title: str) -> Any:
    """The sweep plot as a matplotlib Figure on an Agg canvas: objective (bn yuan) and each
    group's final-year capacity (its unit per year) against the first swept key; with a second
    key, one line per value of it. Axes show plain numbers (`plain_number_formatter`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    capacity_columns = [c for c in table.columns if c.startswith("capacity_")]
    panels = 1 + len(capacity_columns)
    cols = min(3, panels)
    rows = math.ceil(panels / cols)
    fig = Figure(figsize=(4.5 * cols, 3.4 * rows))
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    x_key = keys[0]
    series_key = keys[1] if len(keys) > 1 else None
    groups = [(None, table)] if series_key is None else list(table.groupby(series_key, sort=False))
    for ax, column in zip(axes.flat, ["objective_yuan", *capacity_columns], strict=False):
        for value, part in groups:
            part = part.dropna(subset=[column])
            ys = part[column] / (BN if column == "objective_yuan" else 1.0)
            ax.plot(part[x_key].astype(float), ys, marker="o", label=None if value is None else f"{series_key}={value}")
            if column == "objective_yuan":  # the proven gap: each run's optimum lies within its bar
                gaps = part["gap"].fillna(0.0).astype(float).to_numpy() if "gap" in part else 0.0
                ax.errorbar(part[x_key].astype(float), ys, yerr=[ys.abs().to_numpy() * gaps, 0.0 * ys.to_numpy()],
                            fmt="none", ecolor="grey", elinewidth=3, alpha=0.5, capsize=0)
        ax.set_title(f"objective ({MONEY_UNIT}, discounted)" if column == "objective_yuan"
                     else _capacity_title(column, table), fontsize=9)
        ax.set_xlabel(x_key, fontsize=8)
        ax.xaxis.set_major_formatter(plain_number_formatter())
        ax.yaxis.set_major_formatter(plain_number_formatter())
        ax.tick_params(labelsize=7)
        if series_key is not None:
            ax.legend(fontsize=7)
    for ax in list(axes.flat)[panels:]:
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.text(0.01, 0.01, "Grey bars: each run's proven gap (its optimum lies between the bar's foot and the point). "
             "Objectives whose bars overlap are within solver tolerance.", fontsize=7, va="bottom")
    return fig


def sweep_plot(table: pd.DataFrame, keys: Sequence[str], path: Path, title: str) -> None:
    """Write `sweep_figure` as a PNG to `path`."""
    sweep_figure(table, keys, title).savefig(path, dpi=100, metadata={"Software": None})
