"""Tables as files and text: plan.csv, capacity.csv, targets.csv, and any table as CSV, Markdown or
an aligned terminal table."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from siting.deliver.geojson import format_number
from siting.optimize.results import Plan


def plan_tables(plan: Plan) -> dict[str, str]:
    """plan.csv, capacity.csv and targets.csv, as text."""
    builds = plan.builds.sort_values(["site", "product", "year", "module"], kind="stable")
    return {
        "plan.csv": csv_text(builds),
        "capacity.csv": csv_text(plan.capacity),
        "targets.csv": csv_text(plan.targets),
    }


def csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format=format_number)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if abs(value) >= 1000 or value == 0:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)


def markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_fmt(v).replace("|", "/") for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


def text_table(frame: pd.DataFrame) -> str:
    cells = [list(frame.columns)] + [[_fmt(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(frame.columns))]
    return "\n".join("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))) for row in cells)


def table_files(frame: pd.DataFrame, stem: str, note: str = "") -> dict[str, str]:
    """`<stem>.csv` and `<stem>.md`; `note`, when given, follows the Markdown table."""
    return {f"{stem}.csv": csv_text(frame), f"{stem}.md": markdown_table(frame) + (f"\n{note}\n" if note else "")}
