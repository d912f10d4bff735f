"""Tables as files and text: plan.csv, capacity.csv, targets.csv, costs.csv, trade.csv,
product_flows.csv, raw_imports.csv, stranded.csv, steady_state.csv and the steady state's trade and
flows (with a steady state after the horizon), and any table as CSV, Markdown or an aligned terminal table.

Money is written in billion yuan (siting/config/units.py): a column holding yuan, named
`<name>_yuan`, is written as `<name>_bn_yuan`, unless the frame names it in `attrs[AS_GIVEN]`
(a swept setting, written as it was typed); quantities carry their product's unit in a `unit`
column ("t/yr", "GWh/yr", "million m2/yr"), right after the column that decides it (`product`,
targets.csv's `target`, raw_imports.csv's `resource`) and before `year`: the keys (where, what,
in which unit, when), then the figures. A solver gap, a share in Python (0.0243), is written in percent as the terminal
prints it: the column `gap` as `gap_percent` (2.43), a row whose unit is "share" in "%".

The tables for people (Markdown and terminal) give a proven range, which a frame holds as two
columns `<name>_low_yuan` and `<name>_high_yuan` (and the CSV files write as `<name>_low_bn_yuan`
and `<name>_high_bn_yuan`), in one column `<name>_range_bn_yuan`, rounded outward ("0.27 to
0.67": `shown_values`)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from siting.config.load import setting_text
from siting.config.progress import (  # noqa: F401 (the width of the output, given here too: its first stage)
    NARROWEST_WIDTH,
    TERMINAL_WIDTH,
    terminal_width,
)
from siting.config.units import (
    MONEY_UNIT,
    SHOWN_AS,
    RowWords,
    cost_label,
    id_items,
    per_year,
    rounded_outward,
    steady_span,
    to_bn,
    trio_decimals,
)
from siting.deliver.geojson import format_number
from siting.optimize.results import Plan, SteadyState, clean
from siting.optimize.tolerance import (  # noqa: F401 (the gap figures, given here too)
    NEAR_ZERO_SHARE,
    absolute_gap_yuan,
    gross_cost_yuan,
    near_zero_note,
    near_zero_objective,
    range_text,
)

#: Longest cell shown in a terminal table, in terminal columns; longer text is cut with "...".
TERMINAL_CELL = 40

#: The key of a frame's `attrs` naming the columns written as they are, whatever their name says
#: (a swept setting such as `constraints.agglomeration.site_fixed_cost_yuan`, in yuan as typed).
AS_GIVEN = "columns_as_given"

#: The key of a frame's `attrs` holding the headers in words that the tables for people give
#: (`markdown_table`, siting/runs/tables.py `terminal_tables`), keyed by each column's name as the
#: files give it, after `in_file_units` ("objective_bn_yuan" -> "objective (bn yuan)"): those
#: tables find money and percent columns by these names, and rename a column only once its cells
#: are text. A column not named keeps its name; the CSV files (`csv_text`) keep every name.
HEADERS = "headers_in_words"

#: The key of a frame's `attrs` giving the decimals of bn yuan of some of its figures in the tables
#: for people (`markdown_table`, siting/runs/tables.py `terminal_tables`): a column, by its name as
#: the files give it ("objective_bn_yuan"), or a row, by its `metric` ("objective"), -> decimals
#: (`solve_decimals`: 3 where a table's run reads "0.095 bn yuan" in its own report). Every other
#: money figure has 2; the CSV files (`csv_text`) write every figure to 9 significant digits.
DECIMALS = "money_decimals"


def solve_decimals(objective_yuan: float | None, bound_yuan: float | None, gap: float | None) -> int:
    """The decimals of bn yuan at which a solve's objective line (the terminal's, report.md's Solve
    table) gives its objective, best bound and absolute gap: siting/config/units.py
    `trio_decimals` of the objective (yuan), the best bound (yuan) and the proven `gap` (a share of
    |objective|) in yuan (`absolute_gap_yuan`). 3 for a small plan proven optimal (0.0953 bn
    yuan, "0.095"), 2 for the shipped plan and wherever a figure is missing."""
    return trio_decimals(objective_yuan, bound_yuan, absolute_gap_yuan(objective_yuan, gap))


def _units_of(products: Sequence[str], catalog: Any) -> str:
    units = sorted({catalog.products[p].unit for p in products if p in catalog.products})
    return "/".join(units)


def _with_unit(frame: pd.DataFrame, catalog: Any, after: str) -> pd.DataFrame:
    """The frame with a `unit` column (each row's product unit per year) placed after `after`."""
    units = [per_year(catalog.products[p].unit) for p in frame["product"]]
    out = frame.copy()
    out.insert(list(out.columns).index(after) + 1, "unit", pd.Series(units, index=out.index, dtype=object))
    return out


#: trade.csv's keys in its column order (where, what, when): its rows are sorted by them, as plan.csv's
#: are by its own (`site`, `product`, `year`, `module`), and the report's trade table follows it.
#: A column that another decides (`cluster` by `site`, `unit` by `product`) is no key of its own.
TRADE_KEYS = ["hub", "product", "year"]

#: product_flows.csv's keys in its column order (which leg, from where, to where, what, when); the
#: product_flows layer's features follow them.
PRODUCT_FLOW_KEYS = ["kind", "from", "to", "product", "year"]

#: raw_imports.csv's keys in its column order (where, what, when); the report's table follows them.
RAW_IMPORT_KEYS = ["site", "resource", "year"]


def trade_rows(trade: pd.DataFrame) -> pd.DataFrame:
    """`Plan.trade` in trade.csv's order: sorted by TRADE_KEYS, each as text or number sorts."""
    return trade.sort_values(TRADE_KEYS, kind="stable")


def product_flow_rows(flows: pd.DataFrame) -> pd.DataFrame:
    """`Plan.product_flows` in product_flows.csv's order: sorted by PRODUCT_FLOW_KEYS, each as text
    or number sorts (`kind` alphabetically: gateway_to_hub, hub_to_gateway, hub_to_hub,
    hub_to_site, site_to_hub)."""
    return flows.sort_values(PRODUCT_FLOW_KEYS, kind="stable")


def raw_import_rows(imports: pd.DataFrame) -> pd.DataFrame:
    """`Plan.raw_imports` in raw_imports.csv's order: sorted by RAW_IMPORT_KEYS, each as text or
    number sorts."""
    return imports.sort_values(RAW_IMPORT_KEYS, kind="stable")


def raw_import_table(imports: pd.DataFrame, catalog: Any) -> pd.DataFrame:
    """raw_imports.csv: `Plan.raw_imports` in its order (`raw_import_rows`), with the `unit` of
    each row, the resource's catalog unit per year (t/yr), right after `resource`, the column that
    decides it, and the amount bought as `imports`, as trade.csv names it."""
    table = raw_import_rows(imports).rename(columns={"tonnes": "imports"})
    resources = getattr(catalog, "resources", {})
    units = [per_year(resources[r].unit if r in resources else "t") for r in table["resource"]]
    table.insert(list(table.columns).index("resource") + 1, "unit", pd.Series(units, index=table.index, dtype=object))
    return table


#: steady_state.csv's columns: the keys (where, what, in which unit, when: the steady-state year
#: and the years it stands for), then the figures of a year of it and why capacity stands idle.
STEADY_STATE_COLUMNS = ["site", "cluster", "product", "unit", "year", "stands_for", "available", "usable",
                        "production", "idle", "reason"]


def steady_state_span(steady: SteadyState) -> str:
    """The years the steady-state year stands for, T + 1 to T + N: "2025-2027", "2025" for N = 1."""
    return steady_span(steady.year - 1, steady.years_after_horizon)


def steady_state_table(steady: SteadyState, catalog: Any) -> pd.DataFrame:
    """steady_state.csv: a row per site and product of the steady state's capacity
    (`SteadyState.capacity`, in its order), in the product's unit per year (`unit`, after
    `product`): the steady-state year T + 1 (`year`) and the years T + 1 to T + N it stands for
    (`stands_for`, `steady_state_span`), `available`, `usable` (the product's utilisation x
    available, as stranded.csv counts it), `production`, `idle` (usable - production) and the
    `reason` of the idle capacity, stranded.csv's (`SteadyState.stranded`), empty where none is."""
    stands_for = steady_state_span(steady)
    reasons = {(r.site, r.product): str(r.reason) for r in steady.stranded.itertuples(index=False)}
    rows = []
    for row in steady.capacity.itertuples(index=False):
        product = catalog.products[row.product]
        usable = clean(getattr(product, "utilisation", 1.0) * row.available)
        rows.append((row.site, row.cluster, row.product, per_year(product.unit), row.year, stands_for,
                     row.available, usable, row.production, clean(usable - row.production),
                     reasons.get((row.site, row.product), "")))
    return pd.DataFrame(rows, columns=STEADY_STATE_COLUMNS)


#: The steady state's trade and flows, each file the plan's table of the same kind for the
#: steady-state year T + 1 with `stands_for` after `year` (`steady_state_tables`): with costs.csv,
#: whose lines count that year for the N years after the horizon, they give every yuan of its
#: sales, imports, raw material and carriage.
STEADY_STATE_TABLES = ("steady_state_trade.csv", "steady_state_product_flows.csv", "steady_state_raw_imports.csv",
                       "steady_state_flows.csv")

#: steady_state_flows.csv's columns: raw material shipped from a source to a site in a year of the
#: steady state (t/yr), with the road km of the arc, as flows.geojson gives the plan's years.
STEADY_STATE_FLOW_COLUMNS = ["source", "site", "resource", "unit", "year", "stands_for", "tonnes", "km"]


def _standing_for(frame: pd.DataFrame, span: str) -> pd.DataFrame:
    """The frame with a `stands_for` column (`span`, the years the steady-state year stands for)
    right after `year`."""
    out = frame.reset_index(drop=True)
    out.insert(list(out.columns).index("year") + 1, "stands_for", pd.Series([span] * len(out), dtype=object))
    return out


def steady_state_tables(steady: SteadyState, catalog: Any) -> dict[str, pd.DataFrame]:
    """The steady state's trade and flows by file name (STEADY_STATE_TABLES), a year of it, not
    discounted: steady_state_trade.csv, steady_state_product_flows.csv and
    steady_state_raw_imports.csv with the columns and row order of trade.csv, product_flows.csv
    and raw_imports.csv, and steady_state_flows.csv (STEADY_STATE_FLOW_COLUMNS: the raw material
    shipped from the sources, sorted by site and source as flows.geojson, those at 0 km
    included), each with `stands_for` (`steady_state_span`) after `year`."""
    span = steady_state_span(steady)
    resources = getattr(catalog, "resources", {})
    flows = steady.flows.sort_values(["site", "source"], kind="stable").reset_index(drop=True)
    units = [per_year(resources[r].unit if r in resources else "t") for r in flows["resource"]]
    flows.insert(list(flows.columns).index("resource") + 1, "unit", pd.Series(units, dtype=object))
    flows = _standing_for(flows, span)
    return {
        "steady_state_trade.csv": _standing_for(_with_unit(trade_rows(steady.trade), catalog, "product"), span),
        "steady_state_product_flows.csv": _standing_for(
            _with_unit(product_flow_rows(steady.product_flows), catalog, "product"), span),
        "steady_state_raw_imports.csv": _standing_for(raw_import_table(steady.raw_imports, catalog), span),
        "steady_state_flows.csv": flows[STEADY_STATE_FLOW_COLUMNS],
    }


def plan_tables(plan: Plan, catalog: Any, groups: Mapping[str, Sequence[str]] | None = None) -> dict[str, str]:
    """plan.csv, capacity.csv, targets.csv, costs.csv, trade.csv, product_flows.csv,
    raw_imports.csv and stranded.csv, and with a steady state after the horizon
    (`Plan.steady_state`) steady_state.csv (`steady_state_table`) and its trade and flows
    (`steady_state_tables`), as text: capacities and flows
    in their product's unit per year (the `unit` column, right after `product`, and in
    targets.csv after `target`, before `year` in every table), raw material in t/yr (its `unit`
    after `resource`: `raw_import_table`), money in bn yuan (`..._bn_yuan`, output-value targets
    in bn yuan/yr). The rows of plan.csv, trade.csv, product_flows.csv and raw_imports.csv are
    sorted by their keys in their column order (`trade_rows`, `product_flow_rows`,
    `raw_import_rows`). A table with no rows is written with its header."""
    groups = groups or {}
    builds = plan.builds.sort_values(["site", "product", "year", "module"], kind="stable")
    builds = _with_unit(builds, catalog, "product")
    capacity = _with_unit(plan.capacity, catalog, "product")
    rows = []
    for row in plan.targets.itertuples(index=False):
        if row.kind == "capacity":
            unit = per_year(_units_of(groups.get(row.target, (row.target,)), catalog))
            values = (row.target_value, row.achieved, row.shortfall)
            kind = "capacity"
        else:
            unit = per_year(MONEY_UNIT)
            values = tuple(to_bn(v) for v in (row.target_value, row.achieved, row.shortfall))
            kind = "output_value"
        rows.append((kind, row.target, unit, row.year, *values))
    targets = pd.DataFrame(rows, columns=["kind", "target", "unit", "year", "target_value", "achieved", "shortfall"])
    files = {
        "plan.csv": csv_text(builds),
        "capacity.csv": csv_text(capacity),
        "targets.csv": csv_text(targets),
        "costs.csv": csv_text(cost_table(plan.costs)),
        "trade.csv": csv_text(_with_unit(trade_rows(plan.trade), catalog, "product")),
        "product_flows.csv": csv_text(_with_unit(product_flow_rows(plan.product_flows), catalog, "product")),
        "raw_imports.csv": csv_text(raw_import_table(plan.raw_imports, catalog)),
        "stranded.csv": csv_text(_with_unit(plan.stranded, catalog, "product")),
    }
    if plan.steady_state is not None:
        files["steady_state.csv"] = csv_text(steady_state_table(plan.steady_state, catalog))
        files.update({name: csv_text(table) for name, table in steady_state_tables(plan.steady_state, catalog).items()})
    return files


def cost_table(costs: Mapping[str, float]) -> pd.DataFrame:
    """Every cost component with its words and its discounted yuan (`cost_yuan`; sales revenue is a
    negative cost), then the total, which is the objective."""
    rows = [(name, cost_label(name), float(value)) for name, value in costs.items()]
    rows.append(("total", "total (the objective)", float(sum(costs.values()))))
    return pd.DataFrame(rows, columns=["component", "description", "cost_yuan"])


def money_column(name: str) -> bool:
    """Whether a column holds yuan by its name (`..._yuan`, not yet `..._bn_yuan`)."""
    return name.endswith("_yuan") and not name.endswith("_bn_yuan")


def in_bn_yuan(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every yuan column (`<name>_yuan`) as billion yuan (`<name>_bn_yuan`), and, in a
    table with a `unit` column, every row in "yuan" or "yuan/yr" as "bn yuan" or "bn yuan/yr"; the
    columns named in `frame.attrs[AS_GIVEN]` as they are."""
    kept = frame.attrs.get(AS_GIVEN, ())
    columns = [c for c in frame.columns if money_column(str(c)) and c not in kept]
    out = frame.copy()
    for column in columns:
        out[column] = [_bn(v) for v in out[column]]
    if "unit" in out.columns:
        rows = out["unit"].isin(["yuan", "yuan/yr"])
        if rows.any():
            out = out.astype({c: object for c in out.columns if c != "unit"})
            for column in out.columns:
                if column not in ("unit", "metric", *kept):
                    out.loc[rows, column] = [_bn(v) for v in out.loc[rows, column]]
            out.loc[rows, "unit"] = [MONEY_UNIT + str(u).removeprefix("yuan") for u in out.loc[rows, "unit"]]
    return out.rename(columns={c: f"{str(c)[:-len('_yuan')]}_bn_yuan" for c in columns})


#: Columns holding a share (0.0243) that the files give in percent, with their names there.
PERCENT_COLUMNS = {"gap": "gap_percent"}

def in_file_units(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the files and the terminal give it: money in bn yuan (`in_bn_yuan`) and shares
    in percent (`PERCENT_COLUMNS`, and every row of a `unit` column in "share", which becomes
    "%"); the columns named in `frame.attrs[AS_GIVEN]` as they are, but for a value that is not a
    text or a number, written in YAML (siting/config/load.py `setting_text`: {lfp: {lake: 8000}},
    true, null) rather than as Python's repr."""
    out = in_bn_yuan(frame)
    kept = frame.attrs.get(AS_GIVEN, ())
    for column in (c for c in kept if c in out.columns):  # YAML's words, not Python's reprs ({a: 1}, true, null)
        if any(not isinstance(v, (str, int, float)) or isinstance(v, bool) for v in out[column]):
            out[column] = [v if isinstance(v, (str, int, float)) and not isinstance(v, bool) else setting_text(v)
                           for v in out[column]]
    columns = [c for c in out.columns if c in PERCENT_COLUMNS and c not in kept]
    for column in columns:
        out[column] = [_percent(v) for v in out[column]]
    if "unit" in out.columns:
        rows = out["unit"] == "share"
        if rows.any():
            out = out.astype({c: object for c in out.columns if c != "unit"})
            for column in out.columns:
                if column not in ("unit", "metric", *kept):
                    out.loc[rows, column] = [_percent(v) for v in out.loc[rows, column]]
            out.loc[rows, "unit"] = "%"
    return out.rename(columns={c: PERCENT_COLUMNS[c] for c in columns})


def _percent(value: Any) -> Any:
    """A share cell in percent, rounded to 9 significant digits so that 0.0243 reads 2.43, not
    2.4299999999999997; text and empty cells as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return value if math.isnan(value) else float(f"{100.0 * float(value):.9g}")


def _bn(value: Any) -> Any:
    """A yuan cell as bn yuan; text and empty cells as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return value if math.isnan(value) else to_bn(float(value))


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text, money in bn yuan and gaps in percent (`in_file_units`): whole numbers without
    decimals, others to 9 significant digits."""
    return in_file_units(frame).to_csv(index=False, lineterminator="\n", float_format=format_number)


#: Magnitude below which a number in a text table is solver round-off and is written as 0.
ROUND_OFF = 1e-9


#: The columns (as the files name them) of a proven gap, in percent or bn yuan: a text table gives
#: them rounded up at the 2 decimals shown (`table_cells`), never below what was proven.
PROVEN_GAP_COLUMNS = ("gap_percent", "gap_bn_yuan", "absolute_gap_bn_yuan")


def _fmt(value: Any, money: bool = False, up: bool = False, digits: int = 2) -> str:
    """A cell as text: money with `digits` decimals (2 unless told; rounded up with `up`: a proven
    gap, siting/config/units.py `rounded_outward`), whole or large numbers without decimals, others
    to 4 significant digits. A value that rounds to zero is written without a minus sign ("0.00", not
    "-0.00"), and one smaller than ROUND_OFF as 0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        if abs(value) < ROUND_OFF:
            value = 0
        if money:
            return f"{rounded_outward(value, digits, up=True) if up else value:z,.{digits}f}"
        if isinstance(value, int) or float(value).is_integer() or abs(value) >= 1000:
            return f"{value:z,.0f}"
        return f"{value:z.4g}"
    return str(value)


def table_cells(frame: pd.DataFrame, as_given: Sequence[str] = (),
                decimals: Mapping[str, int] | None = None) -> list[list[str]]:
    """Each row's cells as text: money (a `_bn_yuan` column, or a row whose `unit` is bn yuan) and
    percentages (a `_percent` column such as `gap_percent`, or a row whose `unit` is %) with 2 decimals, as the
    terminal summary and the report give them, a proven gap (PROVEN_GAP_COLUMNS) rounded up; the
    columns `as_given` (swept settings) as typed. `decimals` (a frame's `attrs[DECIMALS]`): the
    money columns (by name) and rows (by `metric`) with other decimals than 2."""
    decimals = decimals or {}
    two_decimals = [str(c).endswith(("_bn_yuan", "_percent")) for c in frame.columns]
    up = [str(c) in PROVEN_GAP_COLUMNS for c in frame.columns]
    typed = [c in as_given for c in frame.columns]
    digits = [decimals.get(str(c), 2) if str(c).endswith("_bn_yuan") else 2 for c in frame.columns]
    unit_at = list(frame.columns).index("unit") if "unit" in frame.columns else None
    metric_at = list(frame.columns).index("metric") if "metric" in frame.columns else None
    rows = []
    for row in frame.itertuples(index=False):
        unit = str(row[unit_at]) if unit_at is not None else ""
        row_two = unit.startswith(MONEY_UNIT) or unit == "%"
        row_digits = (decimals.get(str(row[metric_at]), 2) if metric_at is not None and unit.startswith(MONEY_UNIT)
                      else None)
        rows.append([str(v) if typed[i] and v is not None
                     else _fmt(v, two_decimals[i] or (row_two and i != unit_at), up[i] and not typed[i],
                               digits[i] if row_digits is None else row_digits)
                     for i, v in enumerate(row)])
    return rows


def shown_values(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the tables for people show it: every column named in `frame.attrs[SHOWN_AS]`
    with its values in words (value -> words: "optimal" -> "optimal within the gap"; or row by
    row, siting/config/units.py `RowWords`: "feasible (not proven optimal)" -> "stopped at the time
    limit with a plan" in the row of the re-solve that stopped so), a cell of
    comma-separated ids whose ids all have words as those words joined by "; " (names may hold
    commas: "chenggong,yimen" -> "Chenggong industrial park; Yimen county"); each proven range,
    two columns `<name>_low_yuan` and `<name>_high_yuan`, as one column `<name>_range_bn_yuan` in
    the place of the first, in bn yuan rounded outward (siting/optimize/tolerance.py `range_text`:
    "0.27 to 0.67", "at least 0.81", "" where neither end is known); other cells, and every
    column of a frame without such words or ranges, as they are."""
    words_of = frame.attrs.get(SHOWN_AS) or {}
    columns = [c for c in frame.columns if c in words_of]
    ranges = [str(c)[:-len(LOW_END)] for c in frame.columns
              if str(c).endswith(LOW_END) and f"{str(c)[:-len(LOW_END)]}{HIGH_END}" in frame.columns]
    if not columns and not ranges:
        return frame
    out = frame.copy()
    for column in columns:
        words = words_of[column]
        if isinstance(words, RowWords):
            keys = list(frame[words.key]) if words.key in frame.columns else [None] * len(frame)
            out[column] = [_in_words(value, {value: words.words[key]} if isinstance(value, str)
                                     and isinstance(key, str) and key in words.words else words.otherwise)
                           for key, value in zip(keys, out[column], strict=True)]
        else:
            out[column] = [_in_words(value, words) for value in out[column]]
    for name in ranges:
        low, high = f"{name}{LOW_END}", f"{name}{HIGH_END}"
        out.insert(list(out.columns).index(low), f"{name}_range_bn_yuan",
                   [range_text(a, b) for a, b in zip(out[low], out[high], strict=True)])
        out = out.drop(columns=[low, high])
    return out


#: The ends of a proven range in a frame's column names (`shown_values`): `<name>_low_yuan`,
#: `<name>_high_yuan`.
LOW_END = "_low_yuan"
HIGH_END = "_high_yuan"


def _in_words(value: Any, words: Mapping[str, str]) -> Any:
    """One cell in words (see `shown_values`)."""
    if not isinstance(value, str) or not value:
        return value
    if value in words:
        return words[value]
    items = id_items(value)  # "fepo4, li2co3" as the outputs join ids
    return "; ".join(words[item] for item in items) if items and all(item in words for item in items) else value


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Per column, whether most of its filled cells are numbers (then right-aligned)."""
    flags = []
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None and not (isinstance(v, float) and math.isnan(v))
                  and v != ""]
        numbers = sum(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        flags.append(bool(values) and 2 * numbers >= len(values))
    return flags


def markdown_text(text: object) -> str:
    """`text` as the Markdown files write text (report.md, the tables' .md files): every "&" as
    "&amp;" and every "<" as "&lt;", inside code spans too, so that a name from the inputs (a site
    named "<img src=x onerror=...>", or one holding a backtick, which would open or close a code
    span) is text in any Markdown viewer, never HTML it renders, and "&lt;" in a name reads as
    written. The tool's own texts hold neither character (report.html escapes everything)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;")


def markdown_table(frame: pd.DataFrame) -> str:
    """A Markdown table of the frame, money in bn yuan and gaps and other percentages (a column
    named `..._percent`) in percent (`in_file_units`), both with 2 decimals (money where the frame's
    `attrs[DECIMALS]` gives others, with those: `table_cells`); columns mostly of
    numbers right-aligned; swept settings (the frame's `attrs[AS_GIVEN]`) as typed; ids in words
    where the frame gives them (`shown_values`); headers in words where the frame gives them
    (`attrs[HEADERS]`, by the columns' names in the files), others as the files name them."""
    as_given = tuple(frame.attrs.get(AS_GIVEN, ()))
    words = frame.attrs.get(HEADERS) or {}
    decimals = frame.attrs.get(DECIMALS) or {}
    frame = in_file_units(shown_values(frame))
    header = "| " + " | ".join(str(words.get(str(c), c)) for c in frame.columns) + " |"
    rule = "|" + "|".join("---:" if right else "---" for right in numeric_columns(frame)) + "|"
    body = ["| " + " | ".join(markdown_text(c).replace("|", "/") for c in row) + " |"
            for row in table_cells(frame, as_given, decimals)]
    return "\n".join([header, rule, *body]) + "\n"


def cut_cell(text: str, width: int) -> str:
    """`text`, or when it takes more than `width` terminal columns (`display_width`: two for a
    Chinese character) its start and "...", at most `width` columns in all: cut after a whole word
    where one ends in the second half of the room (not in the middle of a name), never in the
    middle of a wide character (one that would cross the room's end is left out, so the text may
    end a column short) nor between a letter and its combining marks."""
    if display_width(text) <= width:
        return text
    room = _columns_start(text, width - 3)
    space = room.rfind(" ")
    if (text[len(room)] not in " ,;:" and space >= 0
            and display_width(room[:space]) >= (width - 3) // 2):  # the room ends inside a word: drop it
        room = room[:space]
    return room.rstrip(" ,;:") + "..."


def _char_width(char: str) -> int:
    """The columns one character takes on a terminal (see `display_width`)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 0 if unicodedata.combining(char) else 1


def display_width(text: str) -> int:
    """The columns `text` takes on a terminal: 2 for each wide or full-width character (Chinese,
    Japanese and Korean script: Unicode East Asian Width W or F), 0 for a combining mark, 1 for
    any other (unicodedata; as wcwidth counts them for these)."""
    return sum(_char_width(c) for c in text)


#: The spaces a line of `wrap_columns` may break at (tabs, line ends and the like count as
#: spaces); a no-break space glues.
_SPACES = re.compile(r"([ \t\n\r\f\v]+)")


def wrap_columns(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of at most `width` terminal columns (`display_width`: a Chinese character
    takes two, as the terminal draws it), broken at spaces (a no-break space glues), the lines
    after the first beginning with `indent`; a word longer than a line has a line of its own,
    whole. The spaces a line breaks at are dropped, others kept, as textwrap keeps them.
    (textwrap counts characters, so that a line of Chinese names came out up to twice as wide.)"""
    chunks = [" " * len(c) if _SPACES.fullmatch(c) else c for c in _SPACES.split(text.expandtabs()) if c][::-1]
    lines: list[str] = []
    while chunks:
        lead = indent if lines else ""
        if lines and chunks[-1].startswith(" "):  # the spaces a line broke at
            chunks.pop()
        line: list[str] = []
        used = display_width(lead)
        while chunks and used + display_width(chunks[-1]) <= width:
            used += display_width(chunks[-1])
            line.append(chunks.pop())
        if chunks and not line:  # a word longer than a line
            line.append(chunks.pop())
        if line and line[-1].startswith(" "):
            line.pop()
        if line:
            lines.append(lead + "".join(line))
    return lines


#: A figure and the space after it, where it meets its unit ("400,000 t/yr"), which a line never
#: breaks; a digit ending a word ("fepo4 ") is no figure, and a figure ends with a digit: one a full
#: stop or comma follows ("by 2024. Then", "100, 200") ends its sentence or item and is not glued
#: to the word after it.
_FIGURE = re.compile(r"(?<![\w.,])(\d(?:[\d,.]*\d)?) ")

#: A list item's label and the percentage it qualifies ("yeyang_lfp_phase1 11%," in a list of
#: them): the word before a percentage that ends an item (followed by ",", ";", ")" or the end of
#: the text), kept together where the pair fits on a line. A percentage inside a sentence
#: ("below 50% of") binds no word before it. A label is tried from a word's start only, so that a
#: long word without spaces is passed over at once (not in time growing with its length squared).
_LABELLED = re.compile(r"(?<!\S)(\S+) ([-+]?\d[\d,.]*\u00a0?%(?:[,;)]+(?=\s|$)|$))")


def wrap_text(text: str, width: int, indent: str = "  ") -> list[str]:
    """`text` in lines of at most `width` terminal columns (`wrap_columns`: a Chinese character
    takes two, as the terminal draws it), the lines after the first beginning with `indent` (two
    spaces unless given: a hanging indent under a label, as "  market  " leads its text), broken
    at spaces but never between a figure and the word after it ("400,000 t/yr", "0.24 s"), inside
    the money unit ("0.49 bn yuan"), nor inside a hyphenated word; a word longer than a line has a
    line of its own. A line never starts with a bare "%", and a list item's label stays with the
    percentage it qualifies where the pair fits on a line ("yeyang_lfp_phase1 11%", `_LABELLED`).
    The spaces a line breaks at are dropped, others kept, as textwrap keeps them."""
    glued = _FIGURE.sub("\\1\u00a0", text).replace(" %", "\u00a0%")
    glued = glued.replace(MONEY_UNIT, MONEY_UNIT.replace(" ", "\u00a0"))
    room = width - display_width(indent)
    glued = _LABELLED.sub(lambda m: m[0] if display_width(m[0]) > room else f"{m[1]}\u00a0{m[2]}", glued)
    return [line.replace("\u00a0", " ") for line in wrap_columns(glued, width, indent)]


def _columns_start(text: str, columns: int) -> str:
    """The longest start of `text` that takes at most `columns` terminal columns (`display_width`),
    with the combining marks of its last letter: a wide character that would cross the end is left
    out whole."""
    used = 0
    for i, char in enumerate(text):
        used += _char_width(char)
        if used > columns:
            return text[:i]
    return text


def padded(text: str, width: int, left: bool) -> str:
    """`text` padded with spaces to `width` terminal columns (`display_width`), on the right when
    `left` (left-aligned), else on the left."""
    fill = " " * max(width - display_width(text), 0)
    return text + fill if left else fill + text


def text_table(frame: pd.DataFrame, width: int = TERMINAL_WIDTH, more: str = "", labels: int = 2,
               continued: bool = False) -> str:
    """An aligned terminal table no wider than `width` terminal columns (`display_width`: a Chinese
    character takes two): the first `labels` columns (the row labels) left-aligned, the others
    right-aligned; cells longer than TERMINAL_CELL columns are cut (`cut_cell`), columns that do
    not fit are left out with a closing line naming them (and `more`, where the whole table is),
    or, `continued`, go on in further tables under it, each beginning with the row labels again,
    so that every column is shown; that closing line wrapped (`wrap_text`), each column and the
    file named whole, the columns by the names the files give them; a line still wider (a long
    header alone) is cut at `width`; money in bn yuan and gaps in percent (`in_file_units`); ids in
    words where the frame gives them (`shown_values`); headers in words where the frame gives them
    (`attrs[HEADERS]`, by the columns' names in the files, as `markdown_table` heads them)."""
    as_given = tuple(frame.attrs.get(AS_GIVEN, ()))
    words = frame.attrs.get(HEADERS) or {}
    frame = in_file_units(shown_values(frame))
    names = [str(c) for c in frame.columns]
    header = [str(words.get(name, name)) for name in names]
    cells = [header] + [[cut_cell(c, TERMINAL_CELL) for c in row] for row in table_cells(frame, as_given)]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]  # terminal columns
    if continued and sum(widths) + 2 * (len(header) - 1) > width and len(header) > labels > 0:
        def spread(first: int, stop: int) -> int:  # the labels and columns first..stop-1, in terminal columns
            return sum(widths[:labels]) + sum(widths[first:stop]) + 2 * (labels + stop - first - 1)

        parts, start = [], labels
        while start < len(header):
            stop = start + 1  # at least one column beside the labels, whatever the width
            while stop < len(header) and spread(start, stop + 1) <= width:
                stop += 1
            keep = [*range(labels), *range(start, stop)]
            parts.append("\n".join(cut_cell("  ".join(padded(row[i], widths[i], i < labels) for i in keep).rstrip(),
                                              width) for row in cells))
            start = stop
        return "\n\n".join(parts)
    shown = len(header)
    while shown > 1 and sum(widths[:shown]) + 2 * (shown - 1) > width:
        shown -= 1
    lines = ["  ".join(padded(c, w, i < labels)
                       for i, (c, w) in enumerate(zip(row[:shown], widths[:shown], strict=True))).rstrip()
             for row in cells]
    lines = [cut_cell(line, width) for line in lines]
    if shown < len(header):
        left = names[shown:]
        glued = more.replace(" ", "\u00a0")  # the file never broken: wrap_text breaks only at spaces
        closing = (f"({len(left)} more column{'s' if len(left) != 1 else ''}: {', '.join(left)}"
                   + (f"; see {glued}" if more else "") + ")")
        lines += wrap_text(closing, width)
    return "\n".join(lines)


def table_files(frame: pd.DataFrame, stem: str, note: str = "") -> dict[str, str]:
    """`<stem>.csv` and `<stem>.md`, money in bn yuan, gaps in percent; `note`, when given, follows
    the Markdown table."""
    return {f"{stem}.csv": csv_text(frame),
            f"{stem}.md": markdown_table(frame) + (f"\n{markdown_text(note)}\n" if note else "")}


def settings_lines(settings: Sequence[str], width: int) -> list[str]:
    """The summary's "settings  --set KEY=VALUE ..." lines: the `settings` given with --set, in
    their order, each as typed, quoted as a shell reads it (`shlex.quote`) where it holds a space
    or a character a shell would read otherwise (a quote, `;`, `$`, `*`, brackets:
    `--set 'constraints.redline.categories=[lake, forest_park]'`: the line tells one setting
    from the next, and can be typed again), in lines of at most `width` terminal columns
    (`display_width`) broken only between settings, never inside one nor between "--set" and
    its KEY=VALUE; the lines after the first two spaces in, as `wrap_text` indents; a setting
    longer than a line has a line of its own. map.png's title and the report's head give the
    same line (`given_settings` makes their KEY=VALUE texts)."""
    import shlex

    lines: list[str] = []
    line = "settings "
    for setting in settings:
        item = "--set " + shlex.quote(setting)
        if line != "settings " and display_width(line) + 1 + display_width(item) > width:
            lines.append(line)
            line = " "
        line += " " + item
    return [*lines, line]


def given_settings(overrides: Sequence[tuple[str, Any]]) -> list[str]:
    """The KEY=VALUE texts of the settings given on top of the scenario file (`--set`, a Python
    call's `overrides`: dotted key, value), in their order, each value as typed (`written_value`:
    2000, 0x7E8, '1000', [lake, forest_park]; a text that reads back as itself unquoted, as a
    path is typed: layers.redline.path=redline.geojson), for `settings_lines`: what map.png's title and the
    report's head say of a run made with them, as the terminal's summary does. [] for none."""
    import yaml

    from siting.config.load import written_value

    def typed(value: Any) -> str:
        """A text YAML reads back as itself unquoted (a path, a name), any other value as
        `written_value` writes it ('1000' for the text of a number, [lake, forest_park])."""
        if type(value) is str:
            try:
                if yaml.safe_load(value) == value:
                    return value
            except yaml.YAMLError:
                pass
        return written_value(value)

    return [f"{key}={typed(value)}" for key, value in overrides]
