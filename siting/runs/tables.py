"""Comparison of runs against a baseline: tables (terminal, CSV, Markdown), the per-site
`diff.geojson`, and sweep summaries with a plot. Works on `CaseSummary` plain data and on the
runs' own written `sites.geojson`; solving happens in `siting.runs.pool`.

The tables keep ids ("capacity kunming copper_foil"), as comparison.csv and sweep.csv give them;
what a reader sees, the terminal, comparison.md, sweep.md and sweep.png, names products and
target groups in words (siting/config/units.py `product_label`: "Copper foil"), clusters by
their name in the clusters layer ("capacity Kunming: Copper foil", `comparison_display`) and sites
by the names the report gives them (`site_names`; a candidate cell by its id). Under the table,
comparison.md and the terminal list the site-product pairs a run keeps out and the baseline does
not, and the reverse, and the sites whose land free for new modules differs (`kept_out_note`); the
terminal also names the sites a run adds or drops where its cell is too long (`sites_changed_note`).

What the proven gaps show of a difference is said with it: whether they tell two objectives
apart (siting/optimize/tolerance.py), the proven range of the difference of two optima, and, for
runs they cannot tell apart, that the differences of their plans are not shown to be effects of
what a run changes (`comparison_display`, `difference_note`). Two runs whose objectives weigh the
years differently (discount rate, years after the horizon, plan years: `weighting_difference`)
have objectives in different money: their verdict is NOT_COMPARABLE, with why, and no range is
given. Where one run's rules admit every plan of another's (siting/runs/pool.py `relaxed_rules`),
the range keeps the only sign possible and a run may carry the other's bound (`bound_note`). Each
run's gap is given as a share of its objective and in yuan (`ABSOLUTE_GAP_ROW`, `gap_yuan`); a run
whose net objective is near zero is named with its absolute gap, the figure to read
(`near_zero_runs_note`). Every run whose search started from another run's plan is named with that
run (`warm_note`, `moved_note`), since its plan may differ from what `siting solve` gives for its
settings."""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from siting.config.errors import shown_notice
from siting.config.progress import INFEASIBLE, in_words, run_outcome
from siting.config.units import (
    BN,
    MONEY_UNIT,
    amount_text,
    bn_number,
    bound_bn,
    cost_label,
    cut_at,
    finite_number,
    gap_text,
    joined,
    nonzero_decimals,
    per_year,
    product_label,
    rounded_outward,
    trio_texts,
    unit_slug,
)
from siting.config.words import unit_of
from siting.deliver.geojson import format_number
from siting.deliver.layer import MEASURE, id_list
from siting.deliver.manifest import written_gap_yuan
from siting.deliver.qgisproject import CarriedBound
from siting.deliver.styles import (
    DIFFERENCE_FIELDS,
    FORCED_FIELD,
    INDISTINGUISHABLE,
    OPTION_FIELDS,
    OPTIONS_CHANGED,
    change_aliases,
)
from siting.deliver.tables import (  # noqa: F401 (terminal_width and NARROWEST_WIDTH, given here too)
    AS_GIVEN,
    DECIMALS,
    HEADERS,
    NARROWEST_WIDTH,
    NEAR_ZERO_SHARE,
    TERMINAL_CELL,
    TERMINAL_WIDTH,
    absolute_gap_yuan,
    cut_cell,
    display_width,
    in_file_units,
    near_zero_note,
    numeric_columns,
    padded,
    shown_values,
    solve_decimals,
    table_cells,
    terminal_width,
    wrap_columns,
    wrap_text,
)
from siting.optimize.results import outward
from siting.optimize.tolerance import TOLERANCE_NOTE, WITHIN, proven_low, range_text, within_tolerance
from siting.runs.pool import (
    DIAGNOSIS,
    CaseSummary,
    cheaper,
    cross_start_notice,
    ended_proven_after_time_limit,
    failure_message,
)

#: Relative difference below which two capacities count as the same, and below which the
#: comparison table's difference of two numbers is 0 (`_delta`).
SAME = 1e-9


def _metric_rows(summary: CaseSummary, products: Sequence[str], clusters: Sequence[str],
                 groups: Sequence[str], years: Sequence[int]) -> dict[str, tuple[str, Any]]:
    """metric -> (unit, value) for one run; failed runs give only their status."""
    rows: dict[str, tuple[str, Any]] = {"status": ("", status_text(summary))}
    if not summary.ok:
        return rows
    rows["objective"] = ("yuan", summary.objective_yuan)
    for name, value in summary.costs.items():
        rows[f"{COST_ROW}{cost_label(name)}"] = ("yuan", value)
    share, yuan = comparison_gaps(summary)  # agreeing: both 0 for float noise
    rows["gap"] = ("share", share)
    rows[ABSOLUTE_GAP_ROW] = ("yuan", yuan)
    rows["sites built on"] = ("count", len(summary.sites_opened))
    for family, count in summary.excluded_pairs.items():  # what a stricter rule keeps out, plan or not
        rows[f"{EXCLUDED_ROW}{family}"] = ("count", count)
    land = _land_free(summary)
    if land:  # the land a stricter red line trims, also from the sites that stay open
        rows[LAND_ROW] = ("ha", MEASURE.round(math.fsum(land.values())))
    rows[TARGETS_SHORT_ROW] = ("", ", ".join(sorted(summary.targets_short)) or "none")
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


def status_text(summary: CaseSummary) -> str:
    """A run's status in one line, as comparison.csv and sweep.csv give it: the solver's
    ("optimal", "feasible (not proven optimal)", which the tables for people say in the words of
    the run's report: `run_status_words`); for a
    run whose rules cannot be met together, where its diagnosis is, relative to the batch folder
    that holds every run's folder ("infeasible: see run02/conflicts.md"), or the message's first
    line (`first_line`) when no diagnosis was kept; for any other failure "failed: " and the
    message's first line. The whole message is the run's `error`; the terminal's tables give the
    first word only (`short_status`)."""
    outcome = run_outcome(summary.ok, summary.status, summary.error)
    if summary.ok:
        return outcome
    if summary.out_dir:  # a failed run wrote only its diagnosis (CaseSummary.out_dir)
        return f"{INFEASIBLE}: see {Path(summary.out_dir).name}/{DIAGNOSIS}"
    return f"{outcome}: {first_line(failure_message(summary))}"


def status_in_words(status: Any) -> Any:
    """A status cell of a comparison or sweep table in the words of the solve's status line
    (siting/config/progress.py `in_words`: "optimal", proven within the gap asked for, as "optimal
    within the gap"); any other cell (a run without a plan, "feasible (not proven optimal)") as it
    is. The tables for people give a run with a plan in its report's words (`run_status_words`),
    this only for a summary without them. comparison.csv and sweep.csv keep the solver's word, as
    manifest.json's `solver.status` does."""
    return in_words(status) if isinstance(status, str) else status


def run_status_words(summary: CaseSummary) -> str:
    """A run's status as the tables for people give it (the terminal, comparison.md, sweep.md): for
    a run with a plan, the words of its report.md and its manifest's `solver.status_text`
    (`CaseSummary.status_words`: "optimal within the gap", "stopped at the time limit with a
    plan"), or for a summary without them its solver's word in words (`status_in_words`); for a
    run without a plan `status_text` ("infeasible: see run02/conflicts.md"), which the terminal
    gives in a word (`short_status`)."""
    if summary.ok and summary.status_words:
        return summary.status_words
    return str(status_in_words(status_text(summary)))


def short_status(summary: CaseSummary) -> str:
    """A run's status as the terminal's tables give it, short enough never to be cut: the solver's
    ("optimal", which the tables then say in words: `run_status_words`), "infeasible" or "failed"
    (siting/config/progress.py `run_outcome`); the
    command line prints the whole message of each run without a plan under the table, and the
    files' tables give `status_text`."""
    return run_outcome(summary.ok, summary.status, summary.error)


def _terminal_status(table: pd.DataFrame, summaries: Sequence[CaseSummary], by_row: bool) -> pd.DataFrame:
    """A copy of `table` with the status of each run without a plan as `short_status` gives it:
    in the row whose `metric` is "status", in the run's column (a comparison), or in the
    `status` column of the row whose `run` is its label (`by_row`: a sweep)."""
    table = table.copy()
    for summary in summaries:
        if summary.ok:
            continue
        if by_row and "status" in table.columns and "run" in table.columns:
            table.loc[table["run"] == summary.label, "status"] = short_status(summary)
        elif not by_row and summary.label in table.columns and "metric" in table.columns:
            table.loc[table["metric"] == "status", summary.label] = short_status(summary)
    return table


def first_line(message: str) -> str:
    """The first line of a message, with the next one when it ends on ":" and a list follows
    ("1 problem in the input: scenario.yaml: years | ..."); "" for an empty message."""
    lines = [line.strip().removeprefix("- ") for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    return f"{lines[0]} {lines[1]}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]


def _per_year(summary: CaseSummary, name: str) -> str:
    """The unit per year of a product or target group, from the run's catalog."""
    unit = summary.units.get(name)
    return per_year(unit) if unit else "units/yr"


def _row_keys(summaries: Sequence[CaseSummary]) -> tuple[list[str], list[str], list[str], list[int]]:
    """The products, clusters and target groups with a capacity row, each in order of first
    appearance over the runs with a plan, and the years of their output values, in order."""
    ok = [s for s in summaries if s.ok]
    products = list(dict.fromkeys(p for s in ok for c in s.capacity.values() for p in c))
    clusters = list(dict.fromkeys(c for s in ok for c in s.capacity))
    groups = list(dict.fromkeys(g for s in ok for g in s.group_capacity))
    years = sorted({y for s in ok for y in s.output_value})
    return products, clusters, groups, years


def comparison_table(summaries: Sequence[CaseSummary], files: Sequence[str] = ()) -> pd.DataFrame:
    """Rows are metrics, columns the runs; each run after the first also gets a delta column
    against the first (the baseline). With `files` (one per run: `scenario_file_text`), the first
    row, SCENARIO_FILE_ROW, gives each run's scenario file, its differences left empty. Rows and
    cells name products, target groups and clusters by id ("capacity kunming copper_foil", as
    comparison.csv does; `comparison_display` names
    them in words). Money rows are in yuan here (unit "yuan"); the written tables and the
    terminal give them in bn yuan (siting/deliver/tables.py, `in_bn_yuan`).

    After the objective, three rows hold only differences: TOLERANCE_ROW, whether the gaps tell
    the two objectives apart (`difference_verdict`; NOT_COMPARABLE and why where the two weigh the
    years differently), and RANGE_LOW_ROW and RANGE_HIGH_ROW, the proven range of the difference of
    the two optima (yuan, `objective_range`; empty where it is unbounded or not comparable).
    After the gap (a share of the run's |objective|), ABSOLUTE_GAP_ROW, the same gap in yuan
    (objective less bound). The range's ends and each run's two gaps are proven figures, written to
    9 significant digits rounded outward (`_end`, `_up`), so that no figure claims more than was
    proven; the gaps' differences are taken from the gaps as solved, then written, as every
    difference of two numbers, to 9 significant digits (`_delta`). After that, when some run has
    one, the rows of ORIGIN_ROWS: the run
    whose plan a run moved to in the cross-start rounds ("started from") and the run whose bound
    its gap is measured against ("bound from"), "" where none; their differences are left empty.
    After those (after the status, for runs none of which has a plan), when some run's cross-start
    failed (`CaseSummary.cross_failures`), CROSS_FAILED_ROW: what failed, in the words of
    `cross_failed_note` ("; " between a run's failures), "" for the other runs; its differences
    are left empty too. comparison.md and the terminal leave that row out (`comparison_display`):
    the note under their table says it whole. After "sites built on", when some run compared with
    the baseline builds on other sites than it, the rows of SITES_ROWS: in each run's column of
    differences, the sites it builds on that the baseline does not, and those the baseline builds
    on that it does not (`sites_changed`, "none" for none), the runs' own columns left empty;
    then the (site, product) pairs each family keeps out (EXCLUDED_ROW, a count per run), and
    LAND_ROW, the land free for new modules at all the run's candidate sites (ha,
    `CaseSummary.land_free_ha`), for runs that give it. Sites are given by id here, as
    comparison.csv gives them (ids joined by ", "), a machine-readable key into each run's
    sites.geojson and tables; comparison.md and the terminal name them (`comparison_display`), and
    list which pairs a run keeps out that the baseline does not (`kept_out_note`).
    A difference of two numbers that agree to SAME is 0 (`_delta`), and the objective difference of
    two runs with the same plan (`same_plan`, whose objectives agree to the LP's noise) is 0. Two
    runs without a plan have no difference: their status difference is NO_PLANS (not "same" for
    two runs that failed alike, nor "changed" for an infeasible run against a failed one), every
    other difference empty, as is every difference of a row that either run lacks. Two runs whose
    objectives weigh the years differently (`weighting_difference`) have no difference of a row in
    the objective's money (`in_objective_money`: the objective, each cost term, the absolute gap and
    the proven range): those cells are empty (None), each run's own figures staying, and
    comparison.md and the terminal say NOT_COMPARABLE there (`comparison_display`)."""
    products, clusters, groups, years = _row_keys(summaries)
    per_run = [_metric_rows(s, products, clusters, groups, years) for s in summaries]
    metrics = list(dict.fromkeys(m for rows in per_run for m in rows))
    origins = [row for row, attribute in ORIGIN_ROWS.items() if any(getattr(s, attribute) for s in summaries)]
    if origins and ABSOLUTE_GAP_ROW in metrics:  # whose plan a run moved to, whose bound it carries
        after = metrics.index(ABSOLUTE_GAP_ROW) + 1
        metrics[after:after] = origins
        for summary, rows in zip(summaries, per_run, strict=True):
            rows.update({row: ("", getattr(summary, ORIGIN_ROWS[row])) for row in origins if summary.ok})
    if any(s.cross_failures for s in summaries):  # whose "ends no dearer" was not checked, and why
        after = metrics.index(ABSOLUTE_GAP_ROW) + 1 + len(origins) if ABSOLUTE_GAP_ROW in metrics else 1
        metrics.insert(after, CROSS_FAILED_ROW)
        for summary, rows in zip(summaries, per_run, strict=True):
            rows[CROSS_FAILED_ROW] = ("", "; ".join(summary.cross_failures))
    if "objective" in metrics:  # what the gaps prove of the objective difference (siting/optimize/tolerance.py)
        metrics[metrics.index("objective") + 1:metrics.index("objective") + 1] = list(DIFFERENCE_ROWS)
    swapped = "sites built on" in metrics and any(
        summaries[0].ok and s.ok and _built_on(s) != _built_on(summaries[0]) for s in summaries[1:])
    if swapped:  # which sites a run builds on that the baseline does not, and the reverse
        metrics[metrics.index("sites built on") + 1:metrics.index("sites built on") + 1] = list(SITES_ROWS)
    if files:  # which file each column comes from: two files may share a scenario's name
        metrics.insert(0, SCENARIO_FILE_ROW)
        for file, rows in zip(files, per_run, strict=True):
            rows[SCENARIO_FILE_ROW] = ("", file)
    units = {m: next((r[m][0] for r in per_run if m in r), "") for m in metrics}
    units.update({RANGE_LOW_ROW: "yuan", RANGE_HIGH_ROW: "yuan"})
    table: dict[str, list[Any]] = {"metric": metrics, "unit": [units[m] for m in metrics]}
    base = per_run[0]
    first = summaries[0]
    for i, (summary, rows) in enumerate(zip(summaries, per_run, strict=True)):
        table[summary.label] = [_up(rows.get(m, ("", None))[1]) if m in ("gap", ABSOLUTE_GAP_ROW)
                                else rows.get(m, ("", None))[1] if m not in DIFFERENCE_ROWS and m not in SITES_ROWS
                                else "" if m == TOLERANCE_ROW or m in SITES_ROWS else None for m in metrics]
        if i > 0:
            low, high = objective_range(first, summary) or (None, None)
            same = same_plan(first, summary)  # one plan: its objective difference is 0, not the LP's noise
            apart = bool(weighting_difference(first, summary))  # objectives in different money: no difference
            table[delta_column(summary, first)] = [
                "" if m in ORIGIN_ROWS or m in (CROSS_FAILED_ROW, SCENARIO_FILE_ROW)
                else sites_changed(first, summary, m == SITES_ADDED_ROW) if m in SITES_ROWS
                else NO_PLANS if m == "status" and not (first.ok or summary.ok)
                else None if apart and in_objective_money(m)
                else 0.0 if same and m == "objective"
                else _delta(rows.get(m, ("", None))[1], base.get(m, ("", None))[1]) if m not in DIFFERENCE_ROWS
                else difference_verdict(first, summary) if m == TOLERANCE_ROW
                else _end(low, up=False) if m == RANGE_LOW_ROW else _end(high, up=True) for m in metrics]
    return pd.DataFrame(table)


def comparison_csv(table: pd.DataFrame) -> str:
    """comparison.csv's text from `comparison_table`: as siting/deliver/tables.py `csv_text`
    writes a table (money in bn yuan, gaps in percent), every number written as the other CSV
    files write theirs (siting/deliver/geojson.py `format_number`: whole numbers without decimals,
    others to 9 significant digits), also in the runs' columns, which mix text (the status, the
    verdicts) with numbers and which pandas would otherwise write at full precision
    ("-22.715691090000536", "0.0"): "-22.7156911", "0". Empty cells stay empty."""
    shown = in_file_units(table).astype(object)
    for column in shown.columns:
        shown[column] = [format_number(v) if finite_number(v) else v for v in shown[column]]
    return shown.to_csv(index=False, lineterminator="\n")


#: The comparison row of each run's proven gap in yuan (bn yuan in the files), objective less bound,
#: under its relative gap (`gap`, a share of the run's |objective|).
ABSOLUTE_GAP_ROW = "absolute gap"

#: The comparison row that says whether the proven gaps tell the objectives apart.
TOLERANCE_ROW = "objective difference"

#: How the comparison rows of the objective's cost terms begin ("cost: capex (annuities)").
COST_ROW = "cost: "


def in_objective_money(metric: str) -> bool:
    """Whether a comparison row's figures are in the money of the run's objective, each year
    weighted by the discount rate and the years after the horizon: the objective, each cost term
    (COST_ROW), the absolute gap (ABSOLUTE_GAP_ROW) and the proven range of the objective difference
    (RANGE_LOW_ROW, RANGE_HIGH_ROW, RANGE_ROW). Two runs whose objectives weigh the years
    differently (`weighting_difference`) have no difference of such a row (`comparison_table`)."""
    return metric in ("objective", ABSOLUTE_GAP_ROW, RANGE_LOW_ROW, RANGE_HIGH_ROW, RANGE_ROW) \
        or metric.startswith(COST_ROW)

#: The comparison rows, after the gap, that name another run a run's figures come from, present
#: when some run has one, and the `CaseSummary` attribute each gives: the run whose plan it moved
#: to in the cross-start rounds, the run whose proven bound its gap is measured against.
ORIGIN_ROWS = {"started from": "started_from", "bound from": "bound_from"}

#: The first comparison row, in comparison.csv, that gives each run's scenario file relative to the
#: folder the files share (`scenario_file_text`; siting/runs/batch.py `scenario_file_names`), an origin of
#: the run as ORIGIN_ROWS give others: two files sharing a scenario's `name` become the runs `small`
#: and `small-2`. comparison.md gives it in a line before its table, after the line on the settings
#: (`scenario_files_line`), not in it.
SCENARIO_FILE_ROW = "scenario file"

def scenario_file_text(file: str, variant: str | None = None) -> str:
    """A run's scenario file as SCENARIO_FILE_ROW gives it: the path `file` (relative to the
    folder the files share: "v.yaml"), and its variant, if any: "v.yaml (variant high)"."""
    return f"{file} (variant {variant})" if variant else file


def scenario_files_line(table: pd.DataFrame, summaries: Sequence[CaseSummary]) -> str:
    """The line naming each run's scenario file, from `table`'s SCENARIO_FILE_ROW: "Each run's
    scenario file: small `a.yaml`; small-2 `b.yaml`."; "" without that row."""
    rows = table.loc[table["metric"] == SCENARIO_FILE_ROW]
    if rows.empty:
        return ""
    files = [f"{s.label} `{rows[s.label].iloc[0]}`" for s in summaries if s.label in rows.columns]
    return f"Each run's scenario file: {'; '.join(files)}."


#: The comparison row (comparison.csv) and the sweep column (sweep.csv) that give what failed in
#: each run's cross-starts (`CaseSummary.cross_failures`), present when some run's failed: the
#: files a script reads then say which runs are not shown to end no dearer than another run's
#: plan under their rules, as the note under comparison.md's and sweep.md's tables does
#: (`cross_failed_note`), which is why those tables leave it out.
CROSS_FAILED_ROW = "cross-start failed"
CROSS_FAILED_COLUMN = "cross_start_failed"

#: The comparison.csv rows of the proven range of the difference of two runs' optima (yuan in
#: the table, bn yuan when written): the lowest and the highest it can be (`objective_range`), to 9
#: significant digits rounded outward (`_end`).
RANGE_LOW_ROW = "objective difference: proven low"
RANGE_HIGH_ROW = "objective difference: proven high"

#: The rows that compare the objectives rather than give each run's value: only the columns of
#: differences fill them.
DIFFERENCE_ROWS = (TOLERANCE_ROW, RANGE_LOW_ROW, RANGE_HIGH_ROW)

#: The row of comparison.md and the terminal that gives the proven range in one cell ("-0.67 to
#: -0.27"), in place of RANGE_LOW_ROW and RANGE_HIGH_ROW.
RANGE_ROW = "objective difference: proven range"

#: The comparison rows, after "sites built on", that name the sites a run builds on and the
#: baseline does not, and those the baseline builds on and the run does not (`sites_changed`): a
#: count that stays the same may hide a swap. Only the columns of differences fill them; present
#: when some run compared with the baseline builds on other sites than it.
SITES_ADDED_ROW = "sites built on: added"
SITES_DROPPED_ROW = "sites built on: dropped"
SITES_ROWS = (SITES_ADDED_ROW, SITES_DROPPED_ROW)
#: The rows, after "sites built on", of the (site, product) pairs each family keeps out
#: (`CaseSummary.excluded_pairs`): "site-product pairs kept out: red line", "...: proximity". A
#: stricter red line that leaves the plan as it was still shows there.
EXCLUDED_ROW = "site-product pairs kept out: "


def sites_changed(base: CaseSummary, other: CaseSummary, added: bool, names: dict[str, str] | None = None) -> str:
    """The sites `other` builds on and `base` does not (`added`), in `other`'s order, or those
    `base` builds on and `other` does not, in `base`'s order: by id and joined by ", " (as
    comparison.csv gives them), or with `names` (`site_names`) by name, a site without one (a
    candidate cell) by its id, joined by "; " (a name may hold a comma: "Anning industrial park,
    Caopu area"), as the terminal's `sites built on` line does; "none" where there are none; ""
    when either run has no plan. By name, for a run within solver tolerance of the baseline (whose
    differences are headed INDISTINGUISHABLE), a site whose change the run's rules force
    (`forced_change`) is marked so (`_site_named`)."""
    if not (base.ok and other.ok):
        return ""
    changed = _changed_sites(base, other, added)
    if names is None:
        return id_list(changed) or "none"
    return "; ".join(_site_named(base, other, site, names) for site in changed) or "none"


def _site_named(base: CaseSummary, other: CaseSummary, site: str, names: dict[str, str]) -> str:
    """A site by name (`names`; a site without one by its id), followed, where `other` is within
    solver tolerance of `base` and its rules force its change there (`forced_change`), by FORCED_WORDS
    ("Jiangchuan district (forced: the run's rules keep out what yunnan_2024 built there)"): the
    heading INDISTINGUISHABLE of its column does not cover that change."""
    name = names.get(site, site)
    if forced_change(base, other, site) and difference_verdict(base, other) == WITHIN:
        return f"{name} ({FORCED_WORDS.format(baseline=base.label)})"
    return name


#: What comparison.md and the terminal add to a site whose change the run's rules force, where the
#: run is within solver tolerance of the baseline (`_site_named`): that change is an effect of
#: what the run changes, not one of two plans of indistinguishable cost.
FORCED_WORDS = "forced: the run's rules keep out what {baseline} built there"


def _changed_sites(base: CaseSummary, other: CaseSummary, added: bool) -> list[str]:
    """The ids of the sites `other` builds on and `base` does not (`added`), in `other`'s order, or
    of those `base` builds on and `other` does not, in `base`'s order; none when either run has no
    plan."""
    if not (base.ok and other.ok):
        return []
    new, old = (other, base) if added else (base, other)
    kept = _built_on(old)
    order = list(dict.fromkeys([*new.sites_opened, *new.site_added]))
    return [site for site in order if site in _built_on(new) and site not in kept]


def site_names(summaries: Sequence[CaseSummary]) -> dict[str, str]:
    """Site id -> its name, as the runs' texts for people give it (`CaseSummary.site_names`), the
    first run's name winning where two runs name a site otherwise; a site without a name (a
    candidate cell) is absent, to be named by its id."""
    names: dict[str, str] = {}
    for summary in reversed(summaries):
        names.update(summary.site_names)
    return names


#: The comparison row, after the rows of EXCLUDED_ROW, of the land free for new modules (ha),
#: summed over all of a run's candidate sites: at each site the most land a product its rules let
#: in may use, after the red line's buffer and setbacks and the committed plants' land
#: (siting/runs/pool.py `CaseSummary.land_free_ha`, as the sites layer's `land_free_ha`). A
#: setback that trims the land of some products only, while another keeps more, changes no site's
#: figure; a pair it keeps out altogether is listed (`kept_out_note`). Its unit, "ha", is in the
#: unit column, as every row's is; the sum is given to 0.1 ha, as the layers give land
#: (siting/deliver/layer.py MEASURE).
LAND_ROW = "land free for new modules"

#: The least difference of a site's land free for new modules (ha) that `kept_out_note` names; the
#: sites that differ by less are counted, with their sum.
LAND_SHOWN_HA = 1.0

#: How many (site, product) pairs, and sites whose land differs, `kept_out_note` lists for each run
#: and family in comparison.md, and on the terminal (whole sites; the rest counted: "and N more
#: pairs at M sites"); how many sites a run adds or drops the terminal names under the table
#: (`sites_changed_note`). comparison.md is the full record a planner reads of what a rule keeps
#: out, so its list takes 200 pairs: every pair of the shipped Yunnan data (18 parks, 11 products,
#: 198 pairs), and still a list one can read through; only a run that keeps out far more, over many
#: candidate cells, is cut, with each run's sites.geojson giving every pair. The terminal's list
#: takes 8 pairs, a few lines under a table.
PAIRS_SHOWN, SITES_SHOWN = 200, 10
TERMINAL_PAIRS_SHOWN, TERMINAL_SITES_SHOWN = 8, 4
TERMINAL_SITE_NAMES_SHOWN = 12

#: The families of CaseSummary.kept_out in a sentence.
FAMILY_SUBJECTS = {"red line": "the red line", "proximity": "the proximity rule"}

#: The field of a run's sites.geojson that lists, at each site, the products a family keeps out
#: (siting/deliver/layers.py), and the one of its land free for new modules.
FAMILY_FIELDS = {"red line": "excluded_redline", "proximity": "excluded_proximity"}
LAND_FIELD = "land_free_ha"

#: The key of a comparison or sweep table's `attrs` holding the line on the settings applied to
#: every run (`settings_note`), which comparison.md and sweep.md open with and the terminal prints
#: before the table.
SETTINGS = "settings"

#: The key of a sweep table's `attrs` holding the keys of the settings given one value (every run
#: has it) beside settings swept over several: the line SETTINGS names them, so sweep.md and the
#: terminal show no column of one value for them (`sweep_display`); sweep.csv and the Python table
#: keep a column per key given, as docs/PYTHON.md and `siting.sweep` promise scripts.
FIXED_SETTINGS = "settings_of_one_value"


def _land_free(summary: CaseSummary) -> dict[str, float]:
    """A run's `CaseSummary.land_free_ha`, empty for a run without a plan."""
    return summary.land_free_ha if summary.ok else {}


def _kept_out(summary: CaseSummary) -> dict[str, tuple[tuple[str, str], ...]]:
    """A run's `CaseSummary.kept_out`, empty for a run without a plan."""
    return summary.kept_out if summary.ok else {}


def _plural(count: int, word: str) -> str:
    """ "1 site", "2 sites"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _sites_listed(pairs: Sequence[tuple[str, str]], shown: int) -> tuple[dict[str, list[str]], int]:
    """The pairs by site (site -> its products, in the pairs' order) and how many sites a list of
    at most `shown` pairs takes, whole sites only, or the first site alone when it has more (which
    `pairs_text` then names with its count of products). One pair left over is taken too, as
    siting/config/units.py `cut_at` shows one item past its limit: "and 1 more pair at 1 site" is
    no shorter than the site and its product."""
    by_site: dict[str, list[str]] = {}
    for site, product in pairs:
        by_site.setdefault(site, []).append(product)
    taken = count = 0
    for products in by_site.values():
        if count + len(products) > shown and taken:
            break
        taken, count = taken + 1, count + len(products)
        if count >= shown:
            break
    if len(pairs) - count == 1:
        taken += 1
    return by_site, taken


def pairs_text(pairs: Sequence[tuple[str, str]], names: dict[str, str], shown: int, where: str = "") -> str:
    """(site, product) pairs by site name, each site once with its products in words in brackets,
    in the pairs' order, "; " between sites: "West lakeside (LFP, Cells); East far (FePO4)". The
    list stops at a site's end, before the pairs would pass `shown` ("; and 6 more pairs at 1 site
    (`where`)"); a first site with more products than that is named with their count, never a part
    of its list: "Chenggong industrial park (11 products); and 25 more pairs at 3 sites"."""
    by_site, taken = _sites_listed(pairs, shown)
    parts = []
    for site, products in list(by_site.items())[:taken]:
        words = (_plural(len(products), "product") if len(products) > shown
                 else ", ".join(product_label(p) for p in products))
        parts.append(f"{names.get(site, site)} ({words})")
    rest = list(by_site.values())[taken:]
    if not rest:
        return "; ".join(parts)
    return (f"{'; '.join(parts)}; and {_plural(sum(map(len, rest)), 'more pair')} at {_plural(len(rest), 'site')}"
            + (f" ({where})" if where else ""))


def kept_out_note(summaries: Sequence[CaseSummary], pairs_shown: int = PAIRS_SHOWN,
                  sites_shown: int = SITES_SHOWN, more: str = "", sweep: bool = False) -> str:
    """What the rows of EXCLUDED_ROW and LAND_ROW count, listed for each run compared with the
    baseline (the first), both with a plan and the lists (`CaseSummary.kept_out`, `land_free_ha`):
    for each family, the (site, product) pairs it keeps out in the run and not in the baseline, and
    those it keeps out in the baseline and not in the run, by site name and product in words
    (`pairs_text`: whole sites, up to `pairs_shown` pairs), or a line saying the runs keep out the
    same pairs; and the sites whose land free for new modules differs by LAND_SHOWN_HA or more,
    those a run shuts out or opens among them (`_land_items`, the first `sites_shown`), with the
    sum of the rest, so that the figures add up to the row. A list cut short says where the rest
    is: `more`, the file with a longer list (the terminal's "comparison.md"), or, without it or
    past that file's own list, each run's sites.geojson (its fields FAMILY_FIELDS, LAND_FIELD).
    One item a line, each beginning "- "; "" when no run is compared so. With `sweep`, the first
    run is named as sweep.md names it ("the first run") and the figures by the sweep's columns
    (`kept_out_column`, LAND_COLUMN), not compare's rows, and a run that keeps out the same pairs
    as the first, on the same land, is left out (its columns say so): "" when every run does."""
    base = summaries[0] if summaries else None
    if base is None or not _kept_out(base):
        return ""
    names = site_names(summaries)
    items = []
    for other in summaries[1:]:
        if not _kept_out(other):
            continue
        differ = False
        for family in dict.fromkeys([*_kept_out(base), *_kept_out(other)]):
            here, there = _kept_out(other).get(family, ()), _kept_out(base).get(family, ())
            subject = FAMILY_SUBJECTS.get(family, f"the {family} rule")
            everywhere = f"each run's sites.geojson gives them all, field `{FAMILY_FIELDS.get(family, family)}`"
            for pairs, others, where, against in ((here, there, other.label, base.label),
                                                  (there, here, base.label, other.label)):
                left_in = set(others)
                only = [pair for pair in pairs if pair not in left_in]
                if only:
                    differ = True
                    by_site, taken = _sites_listed(only, PAIRS_SHOWN)
                    whole = taken == len(by_site)  # the list the file `more` gives is whole
                    rest = (everywhere if not more else more if whole
                            else f"{more} lists more; {everywhere}")
                    items.append(f"{subject.capitalize()} keeps {_plural(len(only), 'site-product pair')} out in "
                                 f"{where} and not in {against}: {pairs_text(only, names, pairs_shown, rest)}.")
        if not differ and not sweep:  # a sweep's columns show it; a sweep of many runs would repeat it
            items.append(f"{other.label} keeps out the same site-product pairs as {base.label}.")
        items += _land_items(base, other, names, sites_shown, more, "column" if sweep else "row")
    if not items:
        return ""
    if sweep:
        head = (f"Against the first run, {base.label}: which site-product pairs the rules keep out (the columns "
                f"`{KEPT_OUT_COLUMN}...`), and the sites whose land free for new modules (the most over the "
                f"products let in) differs by {LAND_SHOWN_HA:g} ha or more, with the sum of the rest (the column "
                f"`{LAND_COLUMN}`):")
    else:
        head = (f"Against the baseline, {base.label}: which site-product pairs the rules keep out (the rows "
                f"`{EXCLUDED_ROW}...`), and the sites whose land free for new modules (the most over the products "
                f"let in) differs by {LAND_SHOWN_HA:g} ha or more, with the sum of the rest (the row `{LAND_ROW}`):")
    return "\n".join([head, *(f"- {item}" for item in items)])


def _hectares(value: float) -> str:
    """Land (ha) to a tenth, 0 as "0"."""
    return "0" if value == 0 else f"{value:,.1f}"


def _land_items(base: CaseSummary, other: CaseSummary, names: dict[str, str], shown: int,
                more: str = "", figure: str = "row") -> list[str]:
    """The item of `kept_out_note` on the land free for new modules: the sites where it differs by
    LAND_SHOWN_HA or more, the largest differences first (the first `shown`, the rest counted with
    their sum, and where they are: `more`, or each run's sites.geojson), each "name a -> b (+d)"; a
    site with none in a run (0: no product admitted there, every one kept out or without land) says
    so ("(-53.8; no product admitted in strict)"); then the sites that differ by less, with their
    sum; then the sites that are candidates in one run only (the cells of a scenario with candidate
    cells against the parks alone), counted with the sum of their land ("5,052 sites are
    candidates in cells only, +6,233,622.0 ha together"), and the total, the row LAND_ROW's
    difference: "b: land free for new modules differs by 1 ha or more at 2 sites (a -> b, ha):
    Yuxi high-tech zone 120.0 -> 70.5 (-49.5); Jiangchuan 53.8 -> 0 (-53.8; no product admitted in
    b); the other 2 sites differ by less than 1 ha each, -0.7 together; -104.0 ha in all, the
    row's difference." None when no site differs or either run lacks the figures. `figure` is
    what holds the total: the comparison's "row", the sweep's "column"."""
    before, after = _land_free(base), _land_free(other)
    if not (before and after):
        return []
    sites = [site for site in dict.fromkeys([*before, *after]) if site in before and site in after]
    # sites that are candidates in one run only (the cells of a run with candidate cells), apart
    apart = []  # those with land to 0.1 ha, as the row sums it, not those with none
    for run, land in ((other.label, [after[s] for s in after if s not in before and round(after[s], 1)]),
                      (base.label, [-before[s] for s in before if s not in after and round(before[s], 1)])):
        if len(land) == 1:
            apart.append(f"1 site is a candidate in {run} only, {land[0]:+,.1f} ha")
        elif land:
            apart.append(f"{len(land):,} sites are candidates in {run} only, {math.fsum(land):+,.1f} ha together")
    change = {site: after[site] - before[site] for site in sites}
    changed = sorted((site for site in sites if abs(change[site]) >= LAND_SHOWN_HA),
                     key=lambda site: -abs(change[site]))
    small = [site for site in sites  # land the layers give alike (to 0.1 ha) is the same
             if abs(change[site]) < LAND_SHOWN_HA and _land_at(base, site) != _land_at(other, site)]
    # the row's difference: of each run's sum as the row gives it (`_metric_rows`)
    total = MEASURE.round(math.fsum(after.values())) - MEASURE.round(math.fsum(before.values()))
    if not (changed or small or apart) and not total:
        return []
    rest = f"{math.fsum(change[site] for site in small):+,.1f}"
    others = (f"1 other site differs by less than {LAND_SHOWN_HA:g} ha, {rest}" if len(small) == 1 else
              f"the other {len(small):,} sites differ by less than {LAND_SHOWN_HA:g} ha each, {rest} together")
    closing = f"{total:+,.1f} ha in all, the {figure}'s difference"
    if not changed and not apart:
        each = f"differ{'s' if len(small) == 1 else ''} by less than {LAND_SHOWN_HA:g} ha"
        summed = (f"{rest} in all" if rest == f"{total:+,.1f}" else  # the row's sums are each to 0.1 ha
                  f"{rest} together; {total:+,.1f} ha in all, of the sums to 0.1 ha")
        return [f"{other.label}: no site's land free for new modules differs by {LAND_SHOWN_HA:g} ha or more "
                f"({base.label} -> {other.label}); {_plural(len(small), 'site')} {each}, {summed}, "
                f"the {figure}'s difference."]

    def entry(site: str) -> str:
        old, new = before[site], after[site]
        shut = other.label if new == 0 else base.label if old == 0 else ""
        why = f"; no product admitted in {shut}" if shut else ""
        return f"{names.get(site, site)} {_hectares(old)} -> {_hectares(new)} ({new - old:+,.1f}{why})"

    named, rest = cut_at(changed, shown)
    parts = [entry(site) for site in named]
    if rest:
        everywhere = f"each run's sites.geojson gives every site's, field `{LAND_FIELD}`"
        whole = not cut_at(changed, SITES_SHOWN)[1]  # the list the file `more` gives is whole
        where = everywhere if not more else more if whole else f"{more} lists more; {everywhere}"
        parts.append(f"and {_plural(rest, 'more site')}, "
                     f"{math.fsum(change[site] for site in changed[shown:]):+,.1f} together ({where})")
    if small:
        parts.append(others if changed else others.replace("the other ", "").replace("1 other site", "1 site"))
    parts += apart
    if not changed:
        return [f"{other.label}: no site of both runs has land free for new modules differing by "
                f"{LAND_SHOWN_HA:g} ha or more ({base.label} -> {other.label}, ha): {'; '.join(parts)}; {closing}."]
    return [f"{other.label}: land free for new modules differs by {LAND_SHOWN_HA:g} ha or more at "
            f"{_plural(len(changed), 'site')} ({base.label} -> {other.label}, ha): {'; '.join(parts)}; {closing}."]


def sites_changed_note(summaries: Sequence[CaseSummary], shown: int = TERMINAL_SITE_NAMES_SHOWN,
                       more: str = "comparison.md") -> str:
    """The terminal's list, under the table, of the sites each run builds on and the baseline does
    not, and the reverse (the rows of SITES_ROWS, whose cells the terminal cuts), by name
    (`site_names`): the first `shown` of each, then "and N more (`more`)". One item a line, each
    beginning "- "; "" when every run builds on the baseline's sites."""
    base = summaries[0] if summaries else None
    if base is None:
        return ""
    names = site_names(summaries)
    items = []
    for other in summaries[1:]:
        for added in (True, False):
            changed = _changed_sites(base, other, added)
            if not changed:
                continue
            named, rest = cut_at(changed, shown)
            listed = "; ".join(_site_named(base, other, site, names) for site in named)
            cut = f"; and {rest:,} more ({more})" if rest else ""
            new, old = (other, base) if added else (base, other)
            items.append(f"{new.label} builds on {_plural(len(changed), 'site')} that {old.label} does not: "
                         f"{listed}{cut}.")
    if not items:
        return ""
    head = f"Sites built on, against the baseline, {base.label} (the rows `{SITES_ADDED_ROW}` and `...: dropped`):"
    return "\n".join([head, *(f"- {item}" for item in items)])


#: The status difference of two runs neither of which has a plan (`comparison_table`): their
#: statuses compare no results.
NO_PLANS = "neither has a plan"

#: The verdicts of TOLERANCE_ROW and of a sweep's `vs_first` besides WITHIN: the gaps prove the
#: objectives apart; the two runs have the same plan (`same_plan`).
PROVEN = "proven"
SAME_PLAN = "same plan"

#: How the verdict of TOLERANCE_ROW and `vs_first` begins for two runs whose objectives weigh the
#: years differently (`weighting_difference`): their objectives are in different money, so the
#: gaps prove nothing of their difference.
NOT_COMPARABLE = "not comparable"


def weighting_difference(base: CaseSummary, other: CaseSummary) -> str:
    """How the objectives of two runs weigh the years differently (`CaseSummary.weighting`),
    compared exactly, in words: each of the discount rate, the years after the horizon and the
    plan's years that differs, as "objective.discount_rate 6 % vs 8 %",
    "objective.years_after_horizon 0 vs 14", "years 2022-2024 vs 2022-2025" ("; " between them),
    `other`'s first, then the baseline's, as the comparison's columns are headed ("run vs baseline").
    "" when they weigh them alike, or either run's weighting is unknown (a run
    without a plan)."""
    if not (base.weighting and other.weighting):
        return ""
    parts = []
    for key, setting, text in (("discount_rate", "objective.discount_rate", _rate_text),
                               ("years_after_horizon", "objective.years_after_horizon", str),
                               ("years", "years", _years_text)):
        two, one = base.weighting.get(key), other.weighting.get(key)
        if one != two:
            shown = (text(one), text(two))
            parts.append(f"{setting} {shown[0]} vs {shown[1]}" if shown[0] != shown[1]
                         else f"{setting} {one!r} vs {two!r}")
    return "; ".join(parts)


def _rate_text(rate: Any) -> str:
    """A discount rate (a share) in percent: 0.06 -> "6 %"; anything else as it is."""
    return f"{100.0 * rate:.10g} %" if finite_number(rate) else str(rate)


def _years_text(years: Any) -> str:
    """A plan's years: consecutive ones as their span ("2022-2024", one year alone "2022"), others
    listed ("2022, 2024")."""
    years = list(years or ())
    if len(years) > 1 and years == list(range(years[0], years[0] + len(years))):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(year) for year in years)


def not_comparable_text(why: str) -> str:
    """The verdict of two runs whose objectives weigh the years differently (`why`, in the words of
    `weighting_difference`): "not comparable: the objectives weigh the years differently
    (objective.years_after_horizon 0 vs 14)"."""
    return f"{NOT_COMPARABLE}: the objectives weigh the years differently ({why})"


def objective_range(base: CaseSummary, other: CaseSummary) -> tuple[float, float] | None:
    """Where the difference of the two runs' optima, `other`'s less `base`'s, lies (yuan): each
    optimum lies between its run's proven low (siting/optimize/tolerance.py `proven_low`, LB: its
    best bound, or its objective less its gap) and its objective (UB), so the difference lies in
    [LB_other - UB_base, UB_other - LB_base]; an end is infinite where a run
    has no proven bound. Where one run's rules admit every plan of the other's (`CaseSummary.admits`,
    siting/runs/pool.py `relaxed_rules`), its optimum is no higher, so the range keeps only that
    sign: from 0 when `base`'s rules admit `other`'s plans, up to 0 when `other`'s admit `base`'s.
    None when either run has no plan, or when their objectives weigh the years differently
    (`weighting_difference`: they are in different money). The range holds 0 exactly when the
    runs' optimum intervals overlap, as `within_tolerance` finds them (up to its 1e-9 of slack)."""
    if not (base.ok and other.ok) or base.objective_yuan is None or other.objective_yuan is None:
        return None
    if weighting_difference(base, other):
        return None
    low = proven_low(other.objective_yuan, other.best_bound_yuan, other.gap) - base.objective_yuan
    high = other.objective_yuan - proven_low(base.objective_yuan, base.best_bound_yuan, base.gap)
    if other.label in base.admits:
        low = max(low, 0.0)
    if base.label in other.admits:
        high = min(high, 0.0)
    return low, high


def _finite(value: float | None) -> float | None:
    """A number, or None where it is not finite (an end of a range without a proven bound)."""
    return value if value is not None and math.isfinite(value) else None


def _up(gap: float | None) -> float | None:
    """A proven gap (a share, or yuan) as the files write it: to 9 significant digits rounded up
    (`outward`, float noise of a thousandth of the 9th digit aside), never below what was proven,
    also under 1e-6 (a share of 5e-7, which `clean` would write 0); None, 0 and a figure that is not
    finite as they are."""
    if gap is None or gap == 0 or not math.isfinite(gap):
        return gap
    unit = 10.0 ** (math.floor(math.log10(abs(gap))) - 8)
    return float(f"{math.ceil(round(gap / unit, 3)) * unit:.9g}")


def written_gaps(summary: CaseSummary) -> tuple[float | None, float | None]:
    """Run `summary`'s proven gap as the batch's tables write it, a share (`gap`, the `gap_percent`
    of sweep.csv and comparison.csv's `gap` row) and in yuan (`gap_yuan`, `gap_bn_yuan`, the
    `absolute gap` row, as manifest.json's `gap_yuan`: siting/deliver/manifest.py
    `written_gap_yuan`), so that the two agree: both 0 for a gap that is float noise (the objective
    less the bound below a thousandth of the objective's 9th significant digit, the digit it is
    written to, as `outward` takes noise: a bound carried from another run that proved the same
    plan, siting/runs/pool.py `carry_bounds`, may lie 3.8e-6 yuan below an objective of 22.7 bn
    yuan), and a share above 0 for every other gap above 0, rounded up at its own 9 significant
    digits (`_up`: `clean` alone would write a share under 1e-6, 11,000 yuan of 22.7 bn, as 0).
    None for a figure the run lacks."""
    share = summary.gap
    yuan = written_gap_yuan(summary.objective_yuan, summary.best_bound_yuan, share)
    if share is None or not math.isfinite(share) or share <= 0:
        return share, yuan
    raw = absolute_gap_yuan(summary.objective_yuan, share)
    ends = [abs(v) for v in (summary.objective_yuan, summary.best_bound_yuan)
            if v is not None and math.isfinite(v) and v != 0]
    if raw is not None and ends and round(raw / 10.0 ** (math.floor(math.log10(max(ends))) - 8), 3) == 0:
        return 0.0, 0.0
    return _up(share), yuan


def comparison_gaps(summary: CaseSummary) -> tuple[float | None, float | None]:
    """Run `summary`'s proven gap as comparison.csv's rows `gap` (a share, as solved, for the
    difference of gaps: `_up` rounds it up as written) and `absolute gap` (yuan) hold it: those of
    `written_gaps`, which agree (both 0 for float noise)."""
    share, yuan = written_gaps(summary)
    return (summary.gap if share else share), yuan


def carried_bound(summary: CaseSummary, sweep: bool = False, digits: int = 2) -> CarriedBound | None:
    """For a run whose gap is measured against another run's proven bound (`bound_from`,
    siting/runs/pool.py `carry_bounds`), that gap as comparison.md gives it (`comparison_gaps`),
    or sweep.md with `sweep` (`written_gaps`), with the run whose bound it is and the gap of the
    run's own solve, a share (`own_gap`) and in yuan (its objective less its own bound, as its
    plan.qgs title gives it: siting/deliver/mapinfo.py `MapTitle.gap_text`), for compare.qgs's
    sheet of the run (siting/deliver/qgisproject.py `run_heading`); None for a run whose bound is
    its own, or without a plan. The gap has the table's `digits` of bn yuan (`table_decimals`),
    the own solve's those of the run's plan.qgs title (`solve_decimals` of its objective and its
    own gap, as siting/runs/batch.py `outcome_of` draws it)."""
    if not (summary.ok and summary.bound_from):
        return None
    share, yuan = written_gaps(summary) if sweep else comparison_gaps(summary)
    objective = summary.objective_yuan
    own = absolute_gap_yuan(objective, summary.own_gap)
    own_digits = solve_decimals(objective, None if own is None or objective is None else objective - own,
                                summary.own_gap)
    return CarriedBound(summary.bound_from, share, yuan, summary.own_gap, own,
                        "sweep.md" if sweep else "comparison.md", digits, own_digits)


def _end(value: float | None, up: bool) -> float | None:
    """An end of a proven range (yuan) as the files write it: to 9 significant digits rounded
    outward (siting/optimize/results.py `outward`: up for a high end, down for a low one), so that
    the range written holds the proven one; None where it is not finite (`_finite`)."""
    number = _finite(value)
    return None if number is None else outward(number, up)


def same_plan(base: CaseSummary, other: CaseSummary) -> bool:
    """Whether two runs with a plan report the same plan: the same sites built on, the same capacity
    added at each site and standing in each cluster (to SAME of it), the same targets missed, and
    objectives equal to siting/runs/pool.py's CROSS_TOLERANCE (the LP's noise), as when one run
    took the other's plan under the same costs; never for two runs whose objectives weigh the
    years differently (`weighting_difference`)."""
    if not (base.ok and other.ok) or base.objective_yuan is None or other.objective_yuan is None:
        return False
    if weighting_difference(base, other):
        return False
    if cheaper(base.objective_yuan, other.objective_yuan) or cheaper(other.objective_yuan, base.objective_yuan):
        return False
    return (set(base.sites_opened) == set(other.sites_opened)
            and set(base.targets_short) == set(other.targets_short)
            and _same_amounts(base.site_added, other.site_added) and _same_amounts(base.capacity, other.capacity))


def _same_amounts(one: dict[str, dict[str, float]], other: dict[str, dict[str, float]]) -> bool:
    """Whether two nested amounts (place -> product -> units/yr) agree to SAME, missing as 0."""
    keys = {(place, product) for amounts in (one, other) for place, products in amounts.items() for product in products}
    return all(abs(one.get(place, {}).get(product, 0.0) - other.get(place, {}).get(product, 0.0))
               <= SAME * max(1.0, abs(one.get(place, {}).get(product, 0.0))) for place, product in keys)


def difference_verdict(base: CaseSummary, other: CaseSummary) -> str:
    """What the gaps prove of `other`'s objective against `base`'s: for two runs whose objectives
    weigh the years differently (`weighting_difference`: another discount rate, other years after
    the horizon or other plan years), nothing, as they are in different money: NOT_COMPARABLE and
    why (`not_comparable_text`); otherwise SAME_PLAN when the two report the same plan
    (`same_plan`); WITHIN when their optimum intervals overlap, so that the solver has not shown
    which is lower (siting/optimize/tolerance.py `within_tolerance`); PROVEN when they do not; ""
    when either run has no plan."""
    if not (base.ok and other.ok):
        return ""
    why = weighting_difference(base, other)
    if why:
        return not_comparable_text(why)
    if same_plan(base, other):
        return SAME_PLAN
    verdict = within_tolerance(base.objective_yuan, base.gap, other.objective_yuan, other.gap)
    return "" if verdict is None else WITHIN if verdict else PROVEN


def tolerance_note(table: pd.DataFrame) -> str:
    """The note on the mark WITHIN (siting/optimize/tolerance.py TOLERANCE_NOTE: what it means and how
    to tell such runs apart) under a table that marks some difference so: a sweep table
    (`sweep_table`) whose `vs_first` holds it, a comparison (`comparison_table`) whose
    TOLERANCE_ROW does. "" for a table that marks none: a sweep of one run, which is compared
    with nothing, or one whose differences are all proven or between the same plan."""
    if "vs_first" in table.columns:
        marks = list(table["vs_first"])
    elif "metric" in table.columns:
        marks = [v for row in table.loc[table["metric"] == TOLERANCE_ROW].itertuples(index=False) for v in row]
    else:
        marks = []
    return TOLERANCE_NOTE if WITHIN in marks else ""


def delta_column(summary: CaseSummary, base: CaseSummary) -> str:
    """The comparison table's column of a run's differences against the baseline: "b vs small"."""
    return f"{summary.label} vs {base.label}"


#: The comparison row listing the targets a run falls short of ("cathode 2024, output_value 2022").
TARGETS_SHORT_ROW = "targets short"


def metric_labels(summaries: Sequence[CaseSummary]) -> dict[str, str]:
    """The comparison's capacity rows (`comparison_table`) -> their labels in words: a target
    group's final-year capacity "capacity cathode 2024" -> "capacity 2024: Cathode", a cluster's
    capacity of a product "capacity kunming copper_foil" -> "capacity Kunming: Copper foil"
    (products and groups by `product_label`, clusters by their name in the clusters layer of the
    first run that has one, `CaseSummary.cluster_names`). Two rows whose labels would be the same
    (two clusters of one name) keep their ids. Other rows are named in words already."""
    products, clusters, groups, _years = _row_keys(summaries)
    names: dict[str, str] = {}
    for summary in reversed(summaries):  # the first run's name wins
        names.update(summary.cluster_names)
    labels: dict[str, str] = {}
    for summary in summaries:
        if summary.ok:
            labels.update({f"capacity {g} {summary.final_year}": f"capacity {summary.final_year}: {product_label(g)}"
                           for g in groups})
    labels.update({f"capacity {c} {p}": f"capacity {names.get(c, c)}: {product_label(p)}"
                   for c in clusters for p in products})
    shared = Counter(labels.values())
    return {metric: label if shared[label] == 1 else metric for metric, label in labels.items()}


def targets_in_words(cell: Any) -> Any:
    """A `targets short` cell in words: "cathode 2024, output_value 2022" -> "Cathode 2024,
    Output value 2022" (`product_label`); "none" and cells that are not text as they are."""
    if not isinstance(cell, str) or cell == "none":
        return cell
    return ", ".join(f"{product_label(target)} {year}".strip()
                     for target, _space, year in (part.rpartition(" ") for part in cell.split(", ")))


def comparison_display(table: pd.DataFrame, summaries: Sequence[CaseSummary]) -> pd.DataFrame:
    """The comparison table as a reader sees it (the terminal, comparison.md): capacity rows
    labelled in words (`metric_labels`), the runs' `status` and `targets short` cells in words
    (`run_status_words`, as each run's report says it: "stopped at the time limit with a plan";
    `targets_in_words`); the proven range of each objective difference in one
    row, RANGE_ROW ("-0.67 to -0.27", `range_text`); a difference of gaps in percentage points
    ("-0.59 pp", the runs' gaps being in %); NOT_COMPARABLE in each row in the objective's money
    (`in_objective_money`) of the column of a run whose objective weighs the years otherwise than the
    baseline's (its TOLERANCE_ROW says why, the note under the table what that means: `difference_note`),
    where comparison.csv leaves the cell empty; and the column of differences of a run within solver
    tolerance of the baseline headed as such (`delta_headers`); without CROSS_FAILED_ROW, which the
    note under the table gives whole (`cross_failed_note`), nor SCENARIO_FILE_ROW, which
    comparison.md gives in a line before it (`scenario_files_line`); every row (the terminal and
    comparison.md then leave out those where every run equals the baseline: `rows_that_differ`).
    The rows of the objective and the absolute gap (rounded up) give their figures at the
    decimals of bn yuan of `table_decimals` (`attrs[DECIMALS]`: "0.095" beside a run whose report
    reads so), every other money row at 2. comparison.csv keeps `table`'s
    ids, its solver's status, its two rows of the range in numbers, that row, and plain headers."""
    labels = metric_labels(summaries)
    shown = table.loc[~table["metric"].isin([CROSS_FAILED_ROW, SCENARIO_FILE_ROW])].reset_index(drop=True)
    said = {s.label: run_status_words(s) for s in summaries if s.ok}  # in the words of each run's report
    digits = table_decimals(summaries)  # the objective and absolute gap as each run's report gives them
    for metric, words in (("status", status_in_words), (TARGETS_SHORT_ROW, targets_in_words), ("gap", _gap_up),
                          (ABSOLUTE_GAP_ROW, lambda v: _gap_up_yuan(v, digits))):
        rows = shown["metric"] == metric
        for summary in summaries:
            if summary.label in shown.columns and rows.any():
                shown[summary.label] = shown[summary.label].astype(object)
                shown.loc[rows, summary.label] = [said[summary.label] if metric == "status" and summary.label in said
                                                  else words(v) for v in shown.loc[rows, summary.label]]
    if summaries and shown["metric"].isin(SITES_ROWS).any():  # by name, as the terminal's summary gives them
        names = site_names(summaries)
        for summary in summaries[1:]:
            column = delta_column(summary, summaries[0])
            if column in shown.columns:
                shown[column] = shown[column].astype(object)
                for row in SITES_ROWS:
                    shown.loc[shown["metric"] == row, column] = sites_changed(summaries[0], summary,
                                                                              row == SITES_ADDED_ROW, names)
    headers = delta_headers(table, summaries)
    for summary in summaries[1:]:
        _differences_shown(shown, summary, summaries[0], digits)
    metrics = list(shown["metric"])
    shares = shown["unit"] == "share"
    for column in headers:
        shown[column] = shown[column].astype(object)
        shown.loc[shares, column] = [f"{100.0 * v:z,.2f} {POINTS}" if finite_number(v) else v
                                     for v in shown.loc[shares, column]]
        if RANGE_LOW_ROW in metrics and RANGE_HIGH_ROW in metrics:
            low, high = (shown.loc[shown["metric"] == row, column].iloc[0] for row in (RANGE_LOW_ROW, RANGE_HIGH_ROW))
            shown.loc[shown["metric"] == RANGE_LOW_ROW, column] = range_text(low, high)
    if RANGE_LOW_ROW in metrics:
        shown = shown.loc[shown["metric"] != RANGE_HIGH_ROW].reset_index(drop=True)
        shown["metric"] = [RANGE_ROW if m == RANGE_LOW_ROW else m for m in shown["metric"]]
    verdicts = table.loc[table["metric"] == TOLERANCE_ROW]
    money = [in_objective_money(m) for m in shown["metric"]]
    for column in headers:  # objectives in different money: each difference in it not comparable
        if not verdicts.empty and str(verdicts[column].iloc[0]).startswith(NOT_COMPARABLE):
            shown.loc[money, column] = NOT_COMPARABLE
    shown["metric"] = [labels.get(m, m) for m in shown["metric"]]
    shown = shown.rename(columns=headers)
    if digits != 2:
        shown.attrs[DECIMALS] = {labels.get(m, m): digits for m in ("objective", ABSOLUTE_GAP_ROW)}
    return shown


def _differences_shown(shown: pd.DataFrame, summary: CaseSummary, base: CaseSummary, digits: int) -> None:
    """Each money difference of run `summary` against the baseline `base` in `shown` (a comparison
    table, money in yuan, with a column of each run and one of its differences, `delta_column`:
    `comparison_display`) that reads 0 at the decimals of bn yuan its row shows (`digits` for the
    objective and the absolute gap, 2 for the others) although the two figures it is the
    difference of read differently there, as text at the fewest more decimals that show it
    (siting/config/units.py `nonzero_decimals`, at most six): a site opening cost of 18.6362
    against 18.6342 bn yuan reads "18.64" against "18.63", and their difference "0.002", not
    "0.00". A difference that reads 0 beside figures that read the same stays a number (its row
    may be left out: `rows_that_differ`), as does every other cell."""
    column = delta_column(summary, base)
    if not {column, summary.label, base.label} <= set(shown.columns):
        return
    for i in shown.index[shown["unit"].isin(["yuan", "yuan/yr"])]:
        metric, value = shown.at[i, "metric"], shown.at[i, column]
        figures = (shown.at[i, summary.label], shown.at[i, base.label])
        if metric in (RANGE_LOW_ROW, RANGE_HIGH_ROW) or not finite_number(value) \
                or not all(finite_number(f) for f in figures):
            continue
        places = digits if metric in ("objective", ABSOLUTE_GAP_ROW) else 2
        more = nonzero_decimals(value, places)
        if more > places and bn_number(figures[0], places) != bn_number(figures[1], places):
            shown[column] = shown[column].astype(object)
            shown.at[i, column] = bn_number(value, more)


def run_decimals(summary: CaseSummary) -> int:
    """The decimals of bn yuan at which run `summary`'s own outputs give its objective (its report's
    Solve table, its plan.qgs title: siting/deliver/tables.py `solve_decimals`): 3 for a small plan
    proven optimal (0.0953 bn yuan, "0.095"), 2 for the shipped plan and for a run without a plan.
    For a run whose gap is measured against another run's bound (`bound_from`), the more of those
    of its own solve (its report's) and of the gap the table gives (`carried_bound`)."""
    if not summary.ok or summary.objective_yuan is None:
        return 2
    objective = summary.objective_yuan
    digits = solve_decimals(objective, summary.best_bound_yuan, summary.gap)
    if summary.bound_from:  # its report gives its own solve's bound: objective less its own gap
        own = absolute_gap_yuan(objective, summary.own_gap)
        digits = max(digits, solve_decimals(objective, None if own is None else objective - own, summary.own_gap))
    return digits


def table_decimals(summaries: Sequence[CaseSummary]) -> int:
    """The decimals of bn yuan of the objective and the absolute gap in a comparison's or sweep's
    tables for people (comparison.md, sweep.md, the terminal's): the most of its runs'
    (`run_decimals`), so that a column or row reads evenly and each run's objective reads as its
    report gives it or closer ("-22.716" beside a run of 0.095 bn yuan; its report, -22.72). 2
    where every run adds up at 2, as the shipped runs do."""
    return max((run_decimals(s) for s in summaries), default=2)


def _gap_up(share: Any) -> Any:
    """A run's proven gap (a share) rounded up at the 2 decimals of percent the tables show
    (siting/config/units.py `rounded_outward`), so that it reads no smaller than was proven:
    0.0100001 -> 0.0101 ("1.01"); text and empty cells as they are."""
    return rounded_outward(100.0 * share, 2, up=True) / 100.0 if finite_number(share) else share


def _gap_up_yuan(yuan: Any, digits: int = 2) -> Any:
    """A run's proven absolute gap (yuan) rounded up at the decimals of bn yuan the tables show
    (`digits`, 2 unless told: `table_decimals`): 1,960,019,600 -> 1.97e9 ("1.97"); text and
    empty cells as they are."""
    return rounded_outward(yuan / BN, digits, up=True) * BN if finite_number(yuan) else yuan


#: The unit of a difference of two percentages: percentage points.
POINTS = "pp"


def delta_headers(table: pd.DataFrame, summaries: Sequence[CaseSummary]) -> dict[str, str]:
    """Each column of differences of `table` (`delta_column`) -> its header as a reader sees it:
    the same, or for a run whose TOLERANCE_ROW cell is WITHIN, followed by ": " and
    INDISTINGUISHABLE ("b vs a: plans of indistinguishable cost, not shown to be effects of the
    change")."""
    verdicts = table.loc[table["metric"] == TOLERANCE_ROW]
    headers = {}
    for summary in summaries[1:]:
        column = delta_column(summary, summaries[0])
        if column in table.columns:
            within = not verdicts.empty and verdicts[column].iloc[0] == WITHIN
            headers[column] = f"{column}: {INDISTINGUISHABLE}" if within else column
    return headers


#: The rows of comparison.md and the terminal that stand whatever the runs' values
#: (`rows_that_differ`): each run's status, objective and gaps, whether the gaps tell the
#: objectives apart and the proven range of their difference, the runs a run's plan or bound comes
#: from (ORIGIN_ROWS) and the sites a run adds or drops (SITES_ROWS).
ALWAYS_SHOWN = ("status", "objective", TOLERANCE_ROW, RANGE_ROW, *DIFFERENCE_ROWS, "gap", ABSOLUTE_GAP_ROW,
                *ORIGIN_ROWS, *SITES_ROWS)


def rows_that_differ(shown: pd.DataFrame, summaries: Sequence[CaseSummary]) -> tuple[pd.DataFrame, int]:
    """The comparison as a reader sees it (`shown`: `comparison_display`'s frame, its `metric`
    column in words) without the rows where every run's cell, as the tables write it (money in bn
    yuan to 2 decimals, capacities to the unit: siting/deliver/tables.py `table_cells`), is the
    baseline's (the first run of `summaries`) and every difference, as shown, is 0 (figures that
    round to the same text may differ by 0.01 as shown: such a row stays), and how many rows were
    left out. A planner reads the rows that differ; comparison.csv keeps every row (`left_out_note`
    says so under the table).
    Never left out: the rows of ALWAYS_SHOWN, "sites built on" where SITES_ROWS follow it (the
    count may stay while the sites change), "targets short" where some run misses a target (the
    same shortfall in every run is still one to read), and a row with a difference NOT_COMPARABLE (objectives
    in other money, whose equal figures are no equal amounts). A column whose run is within solver
    tolerance of the baseline keeps its header (`delta_headers`): the rule leaves out a row only
    where the figures shown are the same, not where the gaps cannot tell them apart. One run, or
    none, leaves out nothing."""
    runs = [s.label for s in summaries if s.label in shown.columns]
    if len(runs) < 2 or "metric" not in shown.columns:
        return shown, 0
    differences = [c for c in shown.columns if c not in ("metric", "unit", *runs)]
    texts = table_cells(in_file_units(shown[["metric", "unit", *runs, *differences]] if "unit" in shown.columns
                                      else shown[["metric", *runs, *differences]]))
    first = len(texts[0]) - len(runs) - len(differences) if texts else 0
    kept_always = {*ALWAYS_SHOWN, *(["sites built on"] if shown["metric"].isin(SITES_ROWS).any() else [])}
    keep = []
    for (_, row), cells in zip(shown.iterrows(), texts, strict=True):
        values = cells[first:first + len(runs)]
        keep.append(row["metric"] in kept_always or any(v != values[0] for v in values[1:])
                    or any(row[c] == NOT_COMPARABLE for c in differences)
                    # two figures rounded to the same text whose difference, as shown, is not 0
                    # (1.353 and 1.345 bn yuan: 1.35 and 1.35, a difference of -0.01)
                    or any(_nonzero(text) for text in cells[first + len(runs):])
                    or (row["metric"] == TARGETS_SHORT_ROW and any(v not in ("", "none") for v in values)))
    kept = shown.loc[keep].reset_index(drop=True)
    kept.attrs = dict(shown.attrs)
    return kept, len(keep) - sum(keep)


def _nonzero(text: str) -> bool:
    """Whether a cell of a column of differences, as the tables write it, is a figure other than
    0 ("-0.01", "200,000"; not "0.00", "-0.00", "same", "", a range "0.00 to 0.00")."""
    try:
        return float(text.replace(",", "")) != 0
    except ValueError:
        return False


def left_out_note(count: int, full: str) -> str:
    """The line under a comparison table that leaves out `count` rows (`rows_that_differ`), naming
    the file `full` that has every row: "47 rows in which every run equals the baseline are left
    out; comparison.csv has every row."; "" for none."""
    if not count:
        return ""
    rows = f"{count:,} row{'s' if count > 1 else ''} in which every run equals the baseline"
    return f"{rows} {'are' if count > 1 else 'is'} left out; {full} has every row."


def difference_note(table: pd.DataFrame, summaries: Sequence[CaseSummary]) -> str:
    """The note under a comparison table on its columns of differences (`comparison_table`): what
    the proven range of the objective difference is; for the runs within solver tolerance of the
    baseline (named), that each of their differences, cost rows included, is between two plans of
    indistinguishable cost, not shown to be an effect of what the run changes, but for the sites its
    rules force it to drop or add (marked in SITES_ROWS, `_site_named`); for proven differences, that
    only the objective's range is proven; for runs with the same plan, what that means. "" when
    no run is compared with a plan."""
    if TOLERANCE_ROW not in set(table["metric"]):
        return ""
    row = table.loc[table["metric"] == TOLERANCE_ROW].iloc[0]
    verdicts = {s.label: row.get(delta_column(s, summaries[0]), "") for s in summaries[1:]}
    if not any(verdicts.values()):
        return ""
    parts = [f"The row `{RANGE_ROW}` gives where the difference of the two runs' optima lies, in bn yuan rounded "
             "outward: from the run's best bound less the baseline's objective to the run's objective less the "
             "baseline's best bound (each run's optimum lies between its best bound and its objective)."]
    within = [label for label, verdict in verdicts.items() if verdict == WITHIN]
    if within:
        one = len(within) == 1
        parts.append(f"{joined(within)} {'is' if one else 'are'} {WITHIN} of the baseline: the solver has not "
                     f"shown which of the two costs less, so every difference in {'its' if one else 'their'} column"
                     f"{'' if one else 's'} (headed \"{INDISTINGUISHABLE}\"), the cost rows (capex, site opening, "
                     "sales and the others) as well as the capacity rows, is a difference between two plans of "
                     "indistinguishable cost, not shown to be an effect of what the run changes.")
        marked = [s for s in summaries[1:] if s.label in within
                  and any(forced_change(summaries[0], s, site) for added in (True, False)
                          for site in _changed_sites(summaries[0], s, added))]
        if marked:  # the sites rows mark them (`_site_named`)
            parts.append(f"A site the rows `{SITES_ADDED_ROW}` and `...: dropped` mark \"forced\" is the exception: "
                         "the baseline built there what the run's own rules keep out (or the run leaves no land free "
                         "for new modules there), so that change is an effect of what the run changes.")
    if PROVEN in verdicts.values():
        parts.append("Where the objective difference is proven, what the run changes moves the optimum by an amount "
                     "within that range; the cost and capacity rows still compare two plans each found only to its "
                     "gap, one of possibly several of nearly its cost.")
    if SAME_PLAN in verdicts.values():
        parts.append(f"\"{SAME_PLAN}\": the two runs report the same plan (the same sites, the same capacity at "
                     "each, the same objective).")
    apart = [(s.label, weighting_difference(summaries[0], s)) for s in summaries[1:]
             if str(verdicts.get(s.label, "")).startswith(NOT_COMPARABLE)]
    if apart:
        parts.append(weighting_sentence(apart))
    parts += nesting_sentences(summaries)
    return " ".join(parts)


#: What `_relaxing` says of two runs whose rules admit every plan of each other with nothing relaxed
#: (`CaseSummary.admits` ""): their settings may differ as written (a red line's buffer of 1000 m
#: and of 15000 m), but the model they make is the same.
SAME_MODEL = ("as applied, their rules keep out the same site-product pairs and leave the same land at every site: "
              "the same model")


def _relaxing(words: str, looser: str) -> str:
    """What the rules of run `looser` relax of another run's (`CaseSummary.admits`: "the red line",
    "differentiation off", "" for rules the same as applied), as a clause: "they differ only in the red line:
    that of a leaves as much land or more for every product at every site and excludes nothing the
    stricter one admits", "they differ only in differentiation switched off", or for rules that
    differ as written but not as applied (red lines of other buffers that keep out the same pairs),
    or not at all, SAME_MODEL: what is the same is the model, not the settings."""
    if not words:
        return SAME_MODEL
    parts = [part.strip() for part in words.split(",")]
    shown = joined([part.replace(" off", " switched off") for part in parts if part != "the red line"]
                    + [part for part in parts if part == "the red line"])
    if "the red line" in parts:
        return (f"they differ only in {shown}: that of {looser} leaves as much land or more for every product at "
                "every site and excludes nothing the stricter one admits")
    return f"they differ only in {shown}"


def nesting_sentences(summaries: Sequence[CaseSummary]) -> list[str]:
    """For each run compared with the baseline (the first) where one's rules admit every plan of
    the other's (`CaseSummary.admits`), a sentence saying so and what it proves: the sign of the
    difference of the optima, which the proven range keeps (`objective_range`). None otherwise."""
    if not summaries or not summaries[0].ok:
        return []
    base = summaries[0]
    sentences = []
    for other in summaries[1:]:
        if not other.ok:
            continue
        looser, stricter = (base, other) if other.label in base.admits else (other, base)
        if stricter.label not in looser.admits:
            continue
        why = _relaxing(looser.admits[stricter.label], looser.label)
        if base.label in other.admits and other.label in base.admits:
            sentences.append(f"The rules of {base.label} and {other.label} admit every plan of each other ({why}), "
                             "so their optima are the same: the proven range is 0.")
        else:
            sign = ("no lower than the baseline's: its proven range begins at 0 at the lowest" if looser is base
                    else "no higher than the baseline's: its proven range ends at 0 at the highest")
            sentences.append(f"The rules of {looser.label} admit every plan of {stricter.label} ({why}), so the "
                             f"optimum of {other.label} is {sign}.")
    return sentences


def placement_note(summaries: Sequence[CaseSummary]) -> str:
    """The note under a comparison table on its capacity rows: the year they are for, what they
    count, and that a difference in placement need not come from what the runs change (each run's
    plan may be one of several of nearly the same cost). "" when no run has a plan."""
    years = sorted({s.final_year for s in summaries if s.ok})
    if not years:
        return ""
    year = (f"each run's final year ({', '.join(str(y) for y in years)})" if len(years) > 1
            else f"the final year, {years[0]}")
    return (f"Capacity rows give the capacity in {year}, existing and committed capacity included, with the "
            "plan's modules counted from the year they are decided (the `capacity` column of each run's "
            f"capacity.csv), in each product's unit per year. {placement_words('the objective difference')}")


def placement_words(verdict: str) -> str:
    """What a difference of capacity between two runs' plans need not be, for the notes on capacity
    under a comparison (`placement_note`) and a sweep (`sweep_capacity_note`); `verdict` names
    where the table says whether the objectives differ."""
    return ("A difference in where capacity stands need not come from what the runs change: a run's placement "
            "may be one of several plans of nearly the same cost, between which a whole product can move from "
            f"one cluster to another, above all where {verdict} is {WITHIN} (or zero). `siting solve SCENARIO "
            "--alternatives N` shows the placements a run could take instead at nearly its cost.")


def sweep_range_note(summaries: Sequence[CaseSummary]) -> str:
    """The note under a sweep's table giving, for each run after the first with a plan, the proven
    range of its optimum less the first run's (`objective_range`, written as `range_text` writes it,
    as a comparison's row `objective difference: proven range` gives it), which `vs_first` sums up
    in a word; the runs whose objectives weigh the years otherwise than the first run's
    (`weighting_difference`) are named instead, with how, as not comparable with it
    (`weighting_sentence`). "" when the first run has no plan, or no other run has a range nor is
    weighted otherwise."""
    if len(summaries) < 2 or not summaries[0].ok:
        return ""
    first = summaries[0]
    parts, apart = [], []
    for summary in summaries[1:]:
        why = weighting_difference(first, summary) if summary.ok else ""
        if why:
            apart.append(f"{summary.label} ({why})")
            continue
        low, high = objective_range(first, summary) or (None, None)
        text = range_text(_finite(low), _finite(high))
        if text:
            parts.append(f"{summary.label} {text}")
    notes = []
    if parts:
        notes.append(f"The proven range of each run's optimum less the first run's, {first.label} (in {MONEY_UNIT}, "
                     f"rounded outward; `vs_first` says whether it holds 0): {'; '.join(parts)}.")
    if apart:
        notes.append(f"Runs whose objective weighs the years otherwise are {NOT_COMPARABLE} with the first run, "
                     f"{first.label}: {'; '.join(apart)}. {WEIGHTING_WORDS}")
    return " ".join(notes)


#: What a verdict NOT_COMPARABLE means, for the notes under a comparison and a sweep.
WEIGHTING_WORDS = ("An objective sums each year's costs and revenue weighted by the discount rate, over the plan's "
                   "years and the years its last year stands for after it (objective.years_after_horizon): runs "
                   "that weigh the years otherwise have objectives, and costs, in different money, so the gaps "
                   "prove nothing of their difference and no proven range is given.")


def weighting_sentence(runs: Sequence[tuple[str, str]]) -> str:
    """The words of the note under a comparison (`difference_note`) on the runs whose verdict is
    NOT_COMPARABLE, each (label, how its objective weighs the years otherwise than the baseline's,
    in the words of `weighting_difference`), what that means (WEIGHTING_WORDS), and that the run's
    column gives no difference in the objective's money (`in_objective_money`): "Not comparable
    with the baseline, its objective weighing the years otherwise than the baseline's: longer
    (objective.years_after_horizon 3 vs 0). An objective sums ... Its column gives no difference of
    the objective, the cost terms, the absolute gap or the proven range ("not comparable";
    comparison.csv leaves those cells empty)"."""
    one = len(runs) == 1
    listed = joined([f"{label} ({why})" for label, why in runs])
    weighing = "its objective weighing" if one else "their objectives weighing"
    return (f"{NOT_COMPARABLE.capitalize()} with the baseline, {weighing} the years otherwise than the baseline's: "
            f"{listed}. {WEIGHTING_WORDS} {'Its column gives' if one else 'Their columns give'} no difference of "
            f"the objective, the cost terms, the absolute gap or the proven range (\"{NOT_COMPARABLE}\"; "
            "comparison.csv leaves those cells empty).")


def sweep_capacity_note(table: pd.DataFrame) -> str:
    """The note under a sweep's table on its capacity columns (`sweep_table`), when it compares runs
    and has some: that a difference of capacity between runs need not come from what the swept
    settings change (`placement_words`). "" for a sweep of one run or without capacity columns."""
    if len(table) < 2 or not table.attrs.get("capacity_columns"):
        return ""
    return f"The capacity columns give each group's final-year capacity. {placement_words('`vs_first`')}"


def settings_note(overrides: Sequence[tuple[str, Any]], time_limit_s: float | None) -> str:
    """The line at the head of comparison.md and sweep.md naming the settings applied to every run:
    each `--set KEY=VALUE` as read (a value that is not text as JSON: `solver.rel_gap=0.05`), and
    the `--time-limit`; each run's manifest.json gives them too. "" when there are none."""
    parts = [f"`{key}={value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)}`"
             for key, value in overrides]
    limit = (f"a time limit of {time_limit_s:g} s (`--time-limit {time_limit_s:g}`)"
             if time_limit_s is not None else "")
    if not parts and not limit:
        return ""
    return f"Settings applied to every run: {'; '.join(x for x in (', '.join(parts), limit) if x)}."


#: Most lines over which a terminal table's column header is wrapped.
HEADER_LINES = 3

#: Narrowest width to which a terminal table's column header is wrapped: "started_from" stays whole.
HEADER_WIDTH = 12


def _header_parts(text: str) -> list[str]:
    """A header's parts, each ending after a "." or a space outside parentheses (a unit such as
    "(bn yuan)" stays on one line): the pieces `header_lines` keeps whole wherever they fit."""
    return [part for part in re.split(r"(?<=[. ])(?![^()]*\))", text) if part]


#: Where `header_lines` breaks a header's part wider than the line: after a "-" or "_"
#: ("yunnan_2024_no_" | "differentiation"); SETTING_BREAK, for a swept setting's key as typed,
#: never ("buffer_m" is a word of "constraints.redline.buffer_m": it breaks after its dots only).
HEADER_BREAK = r"(?<=[-_])"
SETTING_BREAK = r"(?!)"


def header_lines(text: str, width: int, inside: str = HEADER_BREAK) -> list[str]:
    """A column header over lines of at most `width` characters, broken after a "." or a space (a
    line does not end on the space; not inside parentheses: "objective (bn yuan)" at 12 ->
    ["objective", "(bn yuan)"]), and inside a part between those where `inside` matches (after a
    "-" or "_", HEADER_BREAK; never with SETTING_BREAK) only where the part is wider than `width`,
    the part then beginning a line: "constraints.agglomeration.
    site_fixed_cost_yuan" at 20 -> ["constraints.", "agglomeration.", "site_fixed_cost_yuan"],
    "yunnan_2024_no_differentiation" at 15 -> ["yunnan_2024_no_", "differentiation"],
    "buf_base-buf8 vs buf_base" at 12 -> ["buf_base-", "buf8 vs", "buf_base"]. A piece between
    breaks wider than `width` takes a line of its own, whole: a word is never broken inside."""
    return _broken(_header_parts(text), inside, width, len)


#: Where a part of a cell wider than its column breaks (`cell_lines`): after a "-" or "_" that
#: follows a letter or digit ("site-", "yunnan_"; not the sign of "-0.05").
CELL_BREAK = r"(?<=\w[-_])"

#: How the lines of a row label wrapped in a narrowed column go on (`cell_lines`), so that they
#: read as part of the row, not as a row of their own.
LABEL_INDENT = "  "


#: Where a row label breaks first when it is wider than its column (`cell_lines` with `phrases`):
#: after ": ", between its phrases ("site-product pairs kept out: " | "red line"), so that a phrase
#: such as "red line" is not broken over two lines.
PHRASE_BREAK = r"(?<=: )"


def cell_lines(text: str, width: int, indent: str = "", phrases: bool = False) -> list[str]:
    """A terminal table's cell over lines of at most `width` terminal columns (`display_width`),
    as a column narrowed to fit the table in the terminal takes it (`_narrowed`), the lines after
    the first beginning with `indent`: broken after a space, and inside a word after a "-" or "_"
    (CELL_BREAK) only where the word is wider than the line, as `header_lines` breaks a header:
    "optimal within the gap" at 12 -> ["optimal", "within the", "gap"],
    "yunnan_2024_strict_redline" at 20 -> ["yunnan_2024_strict_", "redline"]. With `phrases` (a
    row label), broken only between its phrases (PHRASE_BREAK) where each phrase fits its line:
    "site-product pairs kept out: red line" at 33 with an indent of two -> ["site-product pairs
    kept out:", "  red line"], not "... kept out: red" over "  line". A piece between breaks
    wider than `width` takes a line of its own, whole; a cell that fits is one line, as it is."""
    if display_width(text) <= width:
        return [text]
    if phrases and _phrases_fit(text, width, indent):
        return _broken([part for part in re.split(PHRASE_BREAK, text) if part], CELL_BREAK, width, display_width,
                       indent)
    return _broken([part for part in re.split(r"(?<= )", text) if part], CELL_BREAK, width, display_width, indent)


def _longest_phrase(text: str) -> int:
    """The widest phrase of a row label (`PHRASE_BREAK`), as `display_width` counts it."""
    return max((display_width(part.rstrip()) for part in re.split(PHRASE_BREAK, text)), default=0)


def _phrases_fit(text: str, width: int, indent: str) -> bool:
    """Whether each phrase of a row label fits a line of `width` after `indent` (`cell_lines`)."""
    return len(indent) + _longest_phrase(text) <= width


def _broken(parts: Sequence[str], inside: str, width: int, measure: Any, indent: str = "") -> list[str]:
    """`parts` (each ending where a line may break) joined into lines of at most `width` as
    `measure` counts them, the lines after the first beginning with `indent`, a line not ending
    on a space; a part wider than `width` broken where the pattern `inside` matches, its first
    piece beginning a line (see `header_lines`)."""
    pieces: list[tuple[str, bool]] = []  # (text, whether it begins a line)
    for part in parts:
        if measure(part.rstrip()) <= width - len(indent):
            pieces.append((part, False))
        else:
            pieces += [(piece, n == 0) for n, piece in enumerate(p for p in re.split(inside, part) if p)]
    lines: list[str] = []
    line = ""
    for piece, begins in pieces:
        lead = indent if lines else ""
        if line and (begins or measure((lead + line + piece).rstrip()) > width):
            lines.append(lead + line.rstrip())
            line = piece
        else:
            line += piece
    return [*lines, (indent if lines else "") + line.rstrip()] if line or not lines else lines


def _longest_word(parts: Sequence[str], inside: str, measure: Any) -> int:
    """The widest piece of `parts` that `_broken` never breaks, each part split where `inside`
    matches: the narrowest width their lines can take (0 for none)."""
    return max((measure(piece.rstrip()) for part in parts for piece in re.split(inside, part)), default=0)


def _column_layout(header: str, cells: Sequence[str], inside: str = HEADER_BREAK) -> tuple[int, list[str]]:
    """A terminal column's width and its header's lines: the header wrapped (`header_lines`) to the
    narrowest width, no narrower than the widest cell nor HEADER_WIDTH, over which it takes at most
    HEADER_LINES lines, then again to the column's width, its widest cell or header line
    ("objective (bn yuan)" over cells of 5 characters: "objective" and "(bn yuan)"); `inside`
    where a part wider than the line may break (`header_lines`)."""
    widest = max((display_width(c) for c in cells), default=0)
    lines = [header]
    for width in range(max(widest, HEADER_WIDTH), len(header) + 1):
        lines = header_lines(header, width, inside)
        if len(lines) <= HEADER_LINES:
            break
    width = max(widest, *(len(line) for line in lines))
    return width, header_lines(header, width, inside)  # a piece wider than asked may leave room to join lines


def _whole_parts(header: str, cells: Sequence[str], width: int,
                 inside: str = HEADER_BREAK) -> tuple[int, list[str]] | None:
    """A wider layout of a terminal column `width` wide whose header (`header_lines`) breaks one of
    its parts (`_header_parts`: a run's name, a word) inside: the narrowest width keeping each part
    whole and its lines, or None where none is broken or the header would take more than
    HEADER_LINES lines ("buf_base-buf8 vs buf_base" at 12: 13, "buf_base-buf8", "vs buf_base")."""
    longest = max(len(part.rstrip()) for part in _header_parts(header)) if header else 0
    if longest <= width or len(header_lines(header, longest, inside)) > HEADER_LINES:
        return None
    widest = max((display_width(c) for c in cells), default=0)
    lines = header_lines(header, longest, inside)
    return max(widest, *(len(line) for line in lines)), lines


def flush(lines: list[str], right: bool) -> list[str]:
    """The lines of one wrapped cell, or header naming one thing, of a terminal table, read as one
    piece: with `right` (a right-aligned column), each padded on the right to the widest of them
    (`display_width`) so that, aligned to the right as a block, they begin at one edge ("optimal
    within the" over "gap", "yunnan_2024_strict_" over "redline", not over a "gap" or a "redline"
    pushed right alone); as they are otherwise, or where there is one. (A header of words, such as
    "Cathode capacity (t/yr)", keeps each line to the right, over the figures under it.)"""
    if not right or len(lines) < 2:
        return lines
    widest = max(map(display_width, lines))
    return [padded(line, widest, left=True) for line in lines]


def terminal_tables(frame: pd.DataFrame, keys: int, width: int = TERMINAL_WIDTH) -> tuple[list[str], list[str]]:
    """`frame` as aligned terminal tables, each at most `width` terminal columns wide (a Chinese
    character takes two: `display_width`), with no column left out: cells as the files give them
    (money in bn yuan, gaps in percent, swept settings as typed: siting/deliver/tables.py
    `text_table`), headed in words where the frame gives them (`attrs[HEADERS]`, by the columns'
    names in the files: "objective (bn yuan)"). Unless the whole table fits with each header on one
    line, each header is wrapped over at most HEADER_LINES lines (`_column_layout`; a swept
    setting's key only after its dots, SETTING_BREAK), and the columns that do not fit
    beside the others go on in a further table; where a table leaves room, a column whose header
    broke a run's name or a word takes it to keep them whole ("buf_base-buf8" over "vs buf_base",
    not "buf_", "base-buf8 vs", "buf_base"); every table begins with the first `keys` columns,
    which label the rows. Columns mostly of numbers are right-aligned, others left-aligned; the
    lines of a cell, or of a header naming one thing (no space: a run's label, a setting's key),
    wrapped in a right-aligned column begin at one edge (`flush`). A cell
    wider than TERMINAL_CELL terminal columns is cut with "..."; the second list returned names the
    rows (their first cell, whole) holding such a cell. Where the `keys` columns and one more are
    wider than `width`, the widest of them are narrowed and their cells go on in lines under their
    row, a row label's indented (`_narrowed`, `cell_lines`); a table is wider than `width` only
    when the longest words of those columns (broken at spaces, and inside after "-" or "_") and
    the two spaces between each are."""
    as_given = tuple(frame.attrs.get(AS_GIVEN, ()))
    words = frame.attrs.get(HEADERS) or {}
    shown = in_file_units(frame)
    texts = table_cells(shown, as_given, frame.attrs.get(DECIMALS))
    cut = [row[0] for row in texts if any(display_width(cell) > TERMINAL_CELL for cell in row)]
    texts = [[cut_cell(cell, TERMINAL_CELL) for cell in row] for row in texts]
    right = [numeric and i >= keys for i, numeric in enumerate(numeric_columns(shown))]
    # each header in words where the frame gives them (by the files' names), once the cells are text
    cells = [(str(words.get(str(name), name)), [row[i] for row in texts]) for i, name in enumerate(shown.columns)]
    breaks = [SETTING_BREAK if name in as_given else HEADER_BREAK for name in shown.columns]
    layouts = [(max([display_width(name), *(display_width(cell) for cell in column)]), [name])
               for name, column in cells]
    if sum(w + 2 for w, _lines in layouts) - 2 > width:
        layouts = [_column_layout(name, column, inside) for (name, column), inside in zip(cells, breaks, strict=True)]
    blocks: list[list[int]] = []
    for i in range(keys, len(layouts)):
        if not blocks or sum(layouts[j][0] + 2 for j in [*range(keys), *blocks[-1]]) + layouts[i][0] > width:
            blocks.append([])
        blocks[-1].append(i)
    for block in blocks:  # the room a table leaves keeps names whole, from its first column on
        room = width - (sum(layouts[j][0] + 2 for j in [*range(keys), *block]) - 2)
        for j in block:
            wider = _whole_parts(*cells[j], layouts[j][0], breaks[j])
            if wider and wider[0] - layouts[j][0] <= room:
                room -= wider[0] - layouts[j][0]
                layouts[j] = wider
    tables = []
    for block in blocks or [[]]:
        order = [*range(keys), *block]
        shape = _narrowed({j: (*cells[j], *layouts[j]) for j in order}, width, keys, breaks)
        headers = [flush(shape[j][1], right[j] and " " not in cells[j][0]) for j in order]  # a name, one piece
        height = max(map(len, headers))
        rows = [[header[n] if n < len(header) else "" for header in headers] for n in range(height)]
        for row in texts:  # a cell wrapped in a narrowed column goes on in lines under it
            parts = [flush(cell_lines(row[j], shape[j][0], LABEL_INDENT if j < keys else "", j < keys), right[j])
                     for j in order]
            rows += [[part[n] if n < len(part) else "" for part in parts] for n in range(max(map(len, parts)))]
        tables.append("\n".join("  ".join(padded(cell, shape[j][0], left=not right[j])
                                           for cell, j in zip(row, order, strict=True)).rstrip()
                                 for row in rows))
    return tables, cut


def _narrowed(columns: dict[int, tuple[str, Sequence[str], int, list[str]]], width: int,
              keys: int, breaks: Sequence[str] = ()) -> dict[int, tuple[int, list[str]]]:
    """The width and header lines of each column of a terminal table (index -> its header, cells,
    width and header lines), as they are where the table fits in `width` terminal columns; where
    it does not (its row labels and one column are wider), narrowed one column at a time, the
    widest first (of two as wide, the one further right), each no narrower than its longest word
    (`cell_lines`, `header_lines`; with LABEL_INDENT in the first `keys` columns, which label the
    rows), until the table fits or each column is down to its longest word; the row labels of
    more than one phrase are first narrowed no further than their longest phrase (`PHRASE_BREAK`),
    so that a label breaks between its phrases ("site-product pairs kept out:" over "red line"),
    and further only where the table does not fit so (a label of one phrase is narrowed as any
    other column); a narrowed column's header is wrapped again (`header_lines`) and
    its cells go on in lines under their row (`cell_lines`). `breaks` gives, by index, where a
    header's part wider than its line may break (`header_lines`; HEADER_BREAK for those it leaves
    out)."""
    inside = {j: breaks[j] if j < len(breaks) else HEADER_BREAK for j in columns}
    widths = {j: layout for j, (_name, _cells, layout, _lines) in columns.items()}
    if sum(widths.values()) + 2 * (len(widths) - 1) <= width:
        return {j: (layout, lines) for j, (_name, _cells, layout, lines) in columns.items()}
    indents = {j: LABEL_INDENT if j < keys else "" for j in columns}
    least = {j: max(_longest_word(_header_parts(name), inside[j], len),
                    *(len(indents[j]) + _longest_word(re.split(r"(?<= )", cell), CELL_BREAK, display_width)
                      for cell in cells))
             for j, (name, cells, _layout, _lines) in columns.items()}
    # first each row label of more than one phrase no narrower than its longest phrase (`cell_lines`
    # with `phrases`), then, where the table still does not fit, down to the longest word; a label
    # of one phrase is narrowed with the other columns, widest first, so that it does not keep its
    # width at the cost of a run's name broken in a header (`terminal_tables`)
    phrase_least = {j: max([least[j], *(len(indents[j]) + _longest_phrase(cell) for cell in cells
                                        if len([part for part in re.split(PHRASE_BREAK, cell) if part]) > 1)])
                    if j < keys else least[j] for j, (_name, cells, _layout, _lines) in columns.items()}
    for floor in (phrase_least, least):
        while sum(widths.values()) + 2 * (len(widths) - 1) > width:
            narrower = [j for j in widths if widths[j] > floor[j]]
            if not narrower:
                break
            widths[max(narrower, key=lambda j: (widths[j], j))] -= 1
    shape = {}
    for j, (name, cells, layout, lines) in columns.items():
        if widths[j] == layout:
            shape[j] = (layout, lines)
            continue
        header = header_lines(name, widths[j], inside[j])
        wrapped = [line for cell in cells for line in cell_lines(cell, widths[j], indents[j], j < keys)]
        shape[j] = (max([*(len(line) for line in header), *(display_width(line) for line in wrapped)]), header)
    return shape


def _cut_note(cut: Sequence[str], more: str, width: int = TERMINAL_WIDTH) -> list[str]:
    """The lines under a terminal table naming the rows whose cells it cuts short (`cut`), and the
    file `more` that has them whole, wrapped to `width`; none when no cell is cut."""
    if not cut:
        return []
    rows = ", ".join(dict.fromkeys(cut))
    text = (f'Cells ending in "..." are cut at {TERMINAL_CELL} characters (row{"s" if len(set(cut)) > 1 else ""}: '
            f"{rows}); {more} has them whole.")
    return ["", *wrap_columns(text, width)]


def comparison_text(table: pd.DataFrame, summaries: Sequence[CaseSummary], more: str,
                    width: int = TERMINAL_WIDTH) -> str:
    """The comparison as the terminal shows it, at most `width` characters wide (the command line
    gives the terminal's: `terminal_width`) and with every run and difference, and every row where
    some run differs from the baseline (`rows_that_differ`, as comparison.md), after the line
    on the settings applied to every run that comparison.md opens with (`table.attrs[SETTINGS]`,
    where the batch gave one): the table as comparison.md gives it (`comparison_display`: capacity
    rows in words, the proven range of each objective difference in one row, the column of a run
    within solver tolerance headed as such), money in bn yuan, the status of a run without a plan in
    a word (`short_status`). When the runs and their differences fit side by side, one table with
    each run's column followed by its differences against the baseline; otherwise the runs' values
    first, then a table of each run's differences against the baseline under a line saying so and
    what the words among them mean ("same" or "changed" for text, and NO_PLANS where a status
    difference says it), with the `objective difference` rows (whether the gaps prove the objectives
    apart, and the proven range) and the gap's difference in percentage points (its unit "pp"). Long
    headers are wrapped, and a table too wide for its columns goes on in a further one
    (`terminal_tables`). Then the line saying how many rows were left out and that the CSV file
    `more` has every row (`left_out_note`), if any; a line naming the rows with cells cut short, if
    any, and the Markdown twin of the CSV file `more` (comparison.md), which has them whole; where a
    cell of the rows of SITES_ROWS is too long for the terminal, its count ("6 sites (listed
    below)") and the sites added and dropped by name (`sites_changed_note`); the site-product pairs
    a run keeps out and the baseline does not, and the reverse, and the sites whose land differs
    (`kept_out_note`, shorter than comparison.md's list); why no difference is given, where the
    baseline or every run compared with it has no plan (`no_differences_note`), the runs not proven
    within their asked gap (`unproven_runs_note`), the note on the differences (`difference_note`),
    the runs whose gap is measured against another run's bound (`bound_note`), those that moved to
    another run's plan (`moved_note`), those whose cross-start failed (`cross_failed_note`) and
    those whose net objective is near zero (`near_zero_runs_note`), if any, and the note on capacity
    rows (`placement_note`)."""
    base = summaries[0]
    # the rows that differ (`rows_that_differ`), as the terminal shows them, its runs without a plan in a word
    shown, left_out = rows_that_differ(_terminal_status(comparison_display(table, summaries), summaries,
                                                        by_row=False), summaries)
    headers = delta_headers(table, summaries)
    columns = {s.label: headers.get(delta_column(s, base), delta_column(s, base)) for s in summaries[1:]}
    listed = False  # a cell of sites too long for the terminal gives their count, the list under the table
    for summary in summaries[1:]:
        for row in SITES_ROWS:
            rows = shown["metric"] == row
            if rows.any() and display_width(str(shown.loc[rows, columns[summary.label]].iloc[0])) > TERMINAL_CELL:
                count = len(_changed_sites(base, summary, row == SITES_ADDED_ROW))
                shown.loc[rows, columns[summary.label]] = f"{count:,} site{'' if count == 1 else 's'} (listed below)"
                listed = True
    side_by_side = ["metric", "unit", base.label, *(c for s in summaries[1:] for c in (s.label, columns[s.label]))]
    tables, cut = terminal_tables(shown[side_by_side], 2, width)
    if len(tables) == 1:
        lines = tables
    else:
        compared = ~shown["metric"].isin([TOLERANCE_ROW, RANGE_ROW, *SITES_ROWS])
        runs = shown.loc[compared, ["metric", "unit", *(s.label for s in summaries)]]
        run_tables, run_cut = terminal_tables(runs, 2, width)
        # each run's differences under its label, with what its header adds (`delta_headers`)
        names = {columns[s.label]: s.label + columns[s.label].removeprefix(delta_column(s, base))
                 for s in summaries[1:]}
        differences = shown[["metric", "unit", *names]].rename(columns=names)
        shares = differences["unit"] == "share"  # the gaps' differences, in percentage points
        differences.loc[shares, "unit"] = POINTS
        for column in names.values():
            differences.loc[shares, column] = [v.removesuffix(f" {POINTS}") if isinstance(v, str) else v
                                               for v in differences.loc[shares, column]]
        delta_tables, delta_cut = terminal_tables(differences, 2, width)
        status = table.loc[table["metric"] == "status"]
        neither = (f'; "{NO_PLANS}" for the status where neither run has one'
                   if any(NO_PLANS in list(status[delta_column(s, base)]) for s in summaries[1:]) else "")
        lines = ["\n\n".join(run_tables), "",
                 *wrap_columns(f"Differences against the baseline, {base.label} (each run's value less the "
                              f'baseline\'s; "same" or "changed" for text{neither}):', width),
                 "\n\n".join(delta_tables)]
        cut = [*run_cut, *delta_cut]
    markdown = more.removesuffix(".csv") + ".md"
    if left_out:  # the line right under the table: comparison.md leaves them out too
        lines += ["", *wrap_columns(left_out_note(left_out, more), width)]
    lines += _cut_note(cut, markdown, width)
    for listing in (sites_changed_note(summaries, more=markdown) if listed else "",
                    kept_out_note(summaries, TERMINAL_PAIRS_SHOWN, TERMINAL_SITES_SHOWN, markdown)):
        if listing:  # each item on its lines, indented under its dash
            lines.append("")
            for item in listing.splitlines():
                lines += wrap_columns(item, width, "  " if item.startswith("- ") else "")
    for note in (no_differences_note(summaries), unproven_runs_note(summaries), time_limited_runs_note(summaries),
                 difference_note(table, summaries),
                 bound_note(summaries), moved_note(summaries), cross_failed_note(summaries),
                 near_zero_runs_note(summaries), placement_note(summaries)):
        if note:
            lines += ["", *wrap_columns(note, width)]
    return "\n".join([*_settings_lines(table, width), *lines])


def _settings_lines(table: pd.DataFrame, width: int = TERMINAL_WIDTH) -> list[str]:
    """The line on the settings applied to every run that a comparison or sweep table carries
    (`attrs[SETTINGS]`, as comparison.md and sweep.md open with it), wrapped to the terminal's
    `width`, and an empty line; none without it."""
    head = table.attrs.get(SETTINGS, "")
    return [*wrap_columns(head, width), ""] if head else []


def sweep_display(table: pd.DataFrame, summaries: Sequence[CaseSummary] = ()) -> pd.DataFrame:
    """The sweep table as a reader sees it (the terminal, sweep.md): the runs' `status` in words,
    that of each run of `summaries` with a plan as its report says it (`run_status_words`: "stopped
    at the time limit with a plan"; matched by its label, the column `run`), any other as
    `status_in_words` gives it ("optimal within the gap"), each capacity column named in words with its
    unit, as sweep.png titles its panel ("Cathode capacity (t/yr)" for
    `capacity_cathode_t_per_yr`, `_capacity_title`); without CROSS_FAILED_COLUMN, which the note
    under the table gives whole (`cross_failed_note`), nor the settings of one value
    (`attrs[FIXED_SETTINGS]`), which the line on the settings applied to every run gives; the
    other columns headed in words (`attrs[HEADERS]`: SWEEP_HEADERS, `sweep_headers`), which the
    tables for people apply once money is in bn yuan and gaps in percent (siting/deliver/tables.py
    `markdown_table`, `terminal_tables`);
    the objective and the absolute gap at the decimals of bn yuan of `table_decimals`
    (`attrs[DECIMALS]`), every other money column at 2. sweep.csv keeps `table`'s words and names."""
    titles = {c: _capacity_title(c, table) for c in table.columns if str(c) in table.attrs.get("capacity_columns", {})}
    shown = table.drop(columns=[CROSS_FAILED_COLUMN, *table.attrs.get(FIXED_SETTINGS, ())], errors="ignore")
    if "status" in shown.columns:
        said = {s.label: run_status_words(s) for s in summaries if s.ok}
        labels = shown["run"] if "run" in shown.columns else pd.Series(None, index=shown.index, dtype=object)
        shown["status"] = pd.Series([said.get(label, status_in_words(v)) if isinstance(label, str)
                                     else status_in_words(v) for label, v in zip(labels, shown["status"], strict=True)],
                                    index=shown.index, dtype=object)
    # the proven range against the first run in one column, rounded outward (`vs_first_range_bn_yuan`)
    out = shown_values(shown).rename(columns=titles)
    out.attrs[HEADERS] = sweep_headers(summaries)
    digits = table_decimals(summaries)  # the objective and absolute gap as each run's report gives them
    if digits != 2:
        out.attrs[DECIMALS] = {"objective_bn_yuan": digits, "gap_bn_yuan": digits}
    return out


#: The sweep's columns, by their names in sweep.csv (money in bn yuan, gaps in percent), headed in
#: words in sweep.md and on the terminal (`sweep_display`), as compare's rows name them with their
#: unit ("objective" in bn yuan, ABSOLUTE_GAP_ROW, LAND_ROW). `vs_first`, `started_from` and
#: `bound_from` keep their names, which the notes under the table give (`sweep_range_note`,
#: CROSS_START_NOTE, `bound_note`) for sweep.csv too; the proven range against the first run is
#: headed as compare's RANGE_ROW after the column it belongs to. A swept setting keeps its key as
#: typed; the pairs each family keeps out are headed by `sweep_headers`.
SWEEP_HEADERS = {"objective_bn_yuan": "objective (bn yuan)", "gap_percent": "gap (%)",
                 "gap_bn_yuan": f"{ABSOLUTE_GAP_ROW} (bn yuan)",
                 "vs_first_range_bn_yuan": "vs_first: proven range (bn yuan)",
                 "sites_built_on": "sites built on"}


def sweep_headers(summaries: Sequence[CaseSummary] = ()) -> dict[str, str]:
    """The headers in words of sweep.md and the terminal's sweep table, by the columns' names in
    sweep.csv: SWEEP_HEADERS, the pairs each rule family keeps out as compare's rows EXCLUDED_ROW
    name them ("pairs_kept_out_redline" -> "site-product pairs kept out: red line", for the
    families of FAMILY_SUBJECTS and of the runs' `excluded_pairs`), and the land free for new
    modules as compare's row LAND_ROW, with its unit ("land free for new modules (ha)")."""
    families = dict.fromkeys([*FAMILY_SUBJECTS, *(f for s in summaries if s.ok for f in s.excluded_pairs)])
    return {**SWEEP_HEADERS, **{kept_out_column(f): f"{EXCLUDED_ROW}{f}" for f in families},
            LAND_COLUMN: f"{LAND_ROW} (ha)"}


def sweep_text(table: pd.DataFrame, more: str, summaries: Sequence[CaseSummary] = (),
               width: int = TERMINAL_WIDTH) -> str:
    """The sweep table as the terminal shows it, at most `width` characters wide (the command line
    gives the terminal's: `terminal_width`) and with every column, after the line on the settings
    applied to every run that sweep.md opens with (`table.attrs[SETTINGS]`, where the batch gave
    one): as sweep.md gives it (`sweep_display`), but with the status of each run of `summaries`
    without a plan in a word (`short_status`) and `vs_first` (whether the objective differs from the
    first run's by more than their gaps) right after the objective. Long headers are wrapped, and
    columns that do not fit go on in a further table that begins with the runs' labels
    (`terminal_tables`); then a line naming the rows with cells cut short, if any, and the Markdown
    twin of the CSV file `more` (sweep.md), which has them whole; the site-product pairs each run
    keeps out and the first run does not, and the reverse, and the sites whose land differs
    (`kept_out_note`, shorter than sweep.md's list); why `vs_first` is empty, where the
    first run has no plan (`no_differences_note`), the runs not proven within their asked gap
    (`unproven_runs_note`), the proven range of each run's optimum less the first's
    (`sweep_range_note`), the note on capacity columns (`sweep_capacity_note`), the runs whose
    search started from another run's plan (`warm_note`), those whose gap is measured against
    another run's bound (`bound_note`), those that moved to another run's plan (`moved_note`), those
    whose cross-start failed (`cross_failed_note`) and those whose net objective is near zero
    (`near_zero_runs_note`), if any."""
    # the proven range against the first run is in the note under the table (`sweep_range_note`)
    columns = [c for c in table.columns if c not in (FIRST_LOW_COLUMN, FIRST_HIGH_COLUMN)]
    if "vs_first" in columns and "objective_yuan" in columns:
        columns.remove("vs_first")
        columns.insert(columns.index("objective_yuan") + 1, "vs_first")
    shown = sweep_display(_terminal_status(table, summaries, by_row=True)[columns], summaries)
    tables, cut = terminal_tables(shown, 1, width)
    markdown = more.removesuffix(".csv") + ".md"
    lines = [*_settings_lines(table, width), "\n\n".join(tables), *_cut_note(cut, markdown, width)]
    listing = kept_out_note(summaries, TERMINAL_PAIRS_SHOWN, TERMINAL_SITES_SHOWN, markdown, sweep=True)
    if listing:  # each item on its lines, indented under its dash
        lines.append("")
        for item in listing.splitlines():
            lines += wrap_columns(item, width, "  " if item.startswith("- ") else "")
    for note in (no_differences_note(summaries, sweep=True), unproven_runs_note(summaries),
                 time_limited_runs_note(summaries), sweep_range_note(summaries), sweep_capacity_note(table),
                 warm_note(summaries),
                 bound_note(summaries), moved_note(summaries), cross_failed_note(summaries),
                 near_zero_runs_note(summaries)):
        if note:
            lines += ["", *wrap_columns(note, width)]
    return "\n".join(lines)


def _delta(value: Any, base: Any) -> Any:
    """`value` less `base` for two numbers, 0 where they agree to SAME (the last digits of a sum
    taken in another order are not a difference), a difference of floats to the 9 significant
    digits of every figure the files write (siting/optimize/results.py `clean`; -366243666.841339
    is -366243667); "same" or "changed" for two texts, "" where either is missing (also both:
    nothing against nothing is no "same")."""
    if value is None or base is None:
        return ""
    if isinstance(value, (int, float)) and isinstance(base, (int, float)) and not isinstance(value, bool):
        difference = value - base
        if abs(difference) <= SAME * max(1.0, abs(base), abs(value)):
            return 0.0
        return float(f"{difference:.9g}") if isinstance(difference, float) else difference
    return "same" if value == base else "changed"


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


def _diff_products(summaries: Sequence[CaseSummary]) -> list[str]:
    """The products some run adds at some site, as diff.geojson lists them: in the catalog's
    order, as the sites and hubs layers list theirs (each run's `units` names its products in
    the model's order, the catalog's, before its target groups; the runs' orders merged, the
    baseline's first); a product no run's `units` names after them, in order of first
    appearance."""
    ok = [s for s in summaries if s.ok]
    added = dict.fromkeys(p for s in ok for a in s.site_added.values() for p in a)
    ordered = [p for p in dict.fromkeys(p for s in ok for p in s.units) if p in added]
    return [*ordered, *(p for p in added if p not in ordered)]


def _bn_yuan(value: float | None) -> float | None:
    """Yuan in bn yuan to 9 significant digits; None where not finite (an unbounded end)."""
    number = _finite(value)
    return None if number is None else float(f"{number / BN:.9g}")


def _site_features(summary: CaseSummary) -> dict[str, tuple[Any, str | None]]:
    """Site id -> (geometry, name: the whole name its `name` gives, None where it has none), in
    the order of the run's sites.geojson (every site of its sites layer and each candidate cell
    it builds on); {} where the run wrote none."""
    path = Path(summary.out_dir) / "sites.geojson" if summary.out_dir else None
    if path is None or not path.is_file():
        return {}
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    found: dict[str, tuple[Any, str | None]] = {}
    for feature in features:
        name = (feature.get("properties") or {}).get("name")
        found[str(feature["id"])] = (feature["geometry"], name if isinstance(name, str) and name.strip() else None)
    return found


def _built_on(summary: CaseSummary) -> set[str]:
    """The sites a run with a plan builds on: those it names, and any it adds capacity at."""
    return set(summary.sites_opened) | {site for site, added in summary.site_added.items()
                                        if sum(added.values()) > 0}


def diff_geojson(summaries: Sequence[CaseSummary]) -> str:
    """One feature per site (`site`, its id, the key to join the runs' layers on, and `name`, its
    whole name as the sites.geojson its geometry comes from gives it, "Yuxi high-tech zone,
    Longquan area" where comparison.md shortens it to "Yuxi high-tech zone", the id for a site
    without one) and compared run (`scenario`, its label, and `folder`, its folder in
    the comparison or sweep folder: `run02` for a sweep's "run02 buffer_m=1000", null where the
    run's folder was not kept): what changed against the baseline, with the
    capacity added per product (units/yr) in both; and what the proven gaps show of the run's
    objective against the baseline's, as comparison.csv gives it (siting/deliver/styles.py
    DIFFERENCE_FIELDS): `difference_verdict` and the ends of `objective_range` in bn yuan (null
    where unbounded); and what the rules admit at the site in both (OPTION_FIELDS: the products
    kept out there, ids joined by ", ", and the land free for new modules, ha, null where a run
    gives none); and FORCED_FIELD (`forced`, a boolean): whether the run's own rules rule out the
    baseline's plan at the site (`forced_change`), so that its change there is an effect of what
    the run changes even where the two objectives are within solver tolerance (diff.qml then draws
    it plainly, not hatched). A site where the plans add the same new capacity but the rules keep other products
    out, or leave other land free (`options_changed`), is OPTIONS_CHANGED ("options changed"), not
    "unchanged": a stricter red line shows on the map also where the plan stays the same. The
    sites are every site of the baseline's sites.geojson, in its order, then
    those of the compared run's own sites.geojson that the baseline's lacks and that either run
    builds on (a candidate cell the run builds on, which takes over a park's capacity, is "added"
    there), in the run's order: a run's unbuilt candidate cells, which its sites.geojson leaves
    out, are never features. Each site has the geometry of the baseline's sites.geojson, or of the
    run's where only that has it. No feature where the baseline, or every run compared with it,
    has no plan: the comparison then writes no diff.geojson (`diff_written`)."""
    base = summaries[0]
    if not base.ok:
        return json.dumps({"type": "FeatureCollection", "name": "diff", "features": []}) + "\n"
    base_sites = _site_features(base)
    base_built = _built_on(base)
    products = _diff_products(summaries)
    features = []
    for other in summaries[1:]:
        if not other.ok:
            continue
        low, high = objective_range(base, other) or (None, None)
        difference = dict(zip(DIFFERENCE_FIELDS, (difference_verdict(base, other), _bn_yuan(_end(low, up=False)),
                                                  _bn_yuan(_end(high, up=True))),
                              strict=True))
        built = base_built | _built_on(other)
        sites = {**base_sites, **{site: feature for site, feature in _site_features(other).items()
                                  if site not in base_sites and site in built}}
        for site, (geometry, name) in sites.items():
            before, after = base.site_added.get(site, {}), other.site_added.get(site, {})
            change = change_of(before, after)
            if change == "unchanged" and options_changed(base, other, site):  # the rules, not the plan, changed
                change = OPTIONS_CHANGED
            props: dict[str, Any] = {"id": f"{site}@{other.label}", "site": site, "name": name or site,
                                     "scenario": other.label,
                                     "folder": Path(other.out_dir).name or None, "baseline": base.label,
                                     "change": change, **difference}
            for product in products:
                props[f"base_{product}"] = float(before.get(product, 0.0))
                props[f"new_{product}"] = float(after.get(product, 0.0))
            props.update(zip(OPTION_FIELDS, (id_list(_kept_out_at(base, site)), id_list(_kept_out_at(other, site)),
                                             _land_at(base, site), _land_at(other, site)), strict=True))
            props[FORCED_FIELD] = forced_change(base, other, site)
            features.append({"type": "Feature", "id": props["id"], "properties": props, "geometry": geometry})
    return json.dumps({"type": "FeatureCollection", "name": "diff", "features": features}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def _kept_out_at(summary: CaseSummary, site: str) -> list[str]:
    """The products any family keeps out of `site` in a run (`CaseSummary.kept_out`), each once, in
    the run's order of pairs; none for a run without a plan."""
    return list(dict.fromkeys(product for pairs in _kept_out(summary).values() for s, product in pairs if s == site))


def _land_at(summary: CaseSummary, site: str) -> float | None:
    """A run's land free for new modules at `site` (ha, to 0.1 ha as the sites layer gives it:
    siting/deliver/layer.py MEASURE), None where the run gives none."""
    land = _land_free(summary)
    return MEASURE.round(land[site]) if site in land else None


def forced_change(base: CaseSummary, other: CaseSummary, site: str) -> bool:
    """Whether the rules of `other` rule out the plan of `base` at `site`, so that the change there
    is forced by what `other` changes: `base` adds capacity there (plan modules) and `other` adds
    other capacity, and either some product `base` adds there is kept out of the site in `other`
    and not in `base` (`_kept_out_at`), or `other` leaves no land free for new modules there
    (`_land_at`, 0 to the layers' rounding), or too little for even one module of a product `base`
    adds there (`CaseSummary.no_module_fits`: 0.6 ha where the smallest module needs 10 ha). Land
    that shrank but still takes a module forces nothing that can be told for certain, so it is not
    counted. False where either run has no plan."""
    if not (base.ok and other.ok):
        return False
    before, after = base.site_added.get(site, {}), other.site_added.get(site, {})
    built = [product for product, units in before.items() if units > 0]
    if not built or change_of(before, after) == "unchanged":
        return False
    kept_out = set(_kept_out_at(other, site)) - set(_kept_out_at(base, site))
    unfit = {product for s, product in other.no_module_fits if s == site}
    return any(product in kept_out or product in unfit for product in built) or _land_at(other, site) == 0


def options_changed(base: CaseSummary, other: CaseSummary, site: str) -> bool:
    """Whether the rules of `other` admit other products at `site` than those of `base` (the
    products any family keeps out there, `_kept_out_at`), or leave it other land free for new
    modules as the layers give it (`_land_at`, to 0.1 ha: land that differs by less is the same);
    False where either run has no plan."""
    if not (base.ok and other.ok):
        return False
    if set(_kept_out_at(base, site)) != set(_kept_out_at(other, site)):
        return True
    before, after = _land_at(base, site), _land_at(other, site)
    if before is None or after is None:
        return False
    return abs(after - before) > SAME * max(1.0, abs(before))


def diff_aliases(summaries: Sequence[CaseSummary]) -> dict[str, str]:
    """diff.qml's names of diff.geojson's fields, with unit and years (siting/deliver/styles.py
    `change_aliases`): each product's unit from the first run that has one, the baseline's years
    and each compared run's (the years of its output value)."""
    products = _diff_products(summaries)
    units = {p: next((s.units[p] for s in summaries if s.ok and s.units.get(p)), "") for p in products}
    years = [sorted(s.output_value) for s in summaries[1:] if s.ok]
    return change_aliases(products, units, summaries[0].label, sorted(summaries[0].output_value), years)


def sweep_table(summaries: Sequence[CaseSummary], settings: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per run: the swept values (as given, also when written: `attrs[AS_GIVEN]` keeps a key
    ending in `_yuan` and its values from the bn yuan of the files), status (`status_text`),
    objective (yuan here, bn yuan when written), gap (a share of |objective|, percent when written)
    and `gap_yuan`, the same gap in yuan (objective less bound; `gap_bn_yuan` when written),
    whether the objective differs from the first run's by more than their proven gaps (`vs_first`:
    "proven", "within solver tolerance", or "same plan" when the two report the same plan, and
    "not comparable: ..." with why where the two objectives weigh the years differently:
    `difference_verdict`), the run whose plan it took or was solved again from
    (`started_from`, see CROSS_START_NOTE and `moved_note`; "" for none), when some run carries
    another run's bound the run whose bound its gap is measured against (`bound_from`, see
    `bound_note`; "" for none), when some run's cross-start failed what failed in each run's
    (CROSS_FAILED_COLUMN, `cross_start_failed`: as CROSS_FAILED_ROW gives it; "" for none), the
    number of sites built on (`sites_built_on`: the sites where the
    plan adds capacity, some of them possibly open already), the (site, product) pairs each rule
    family keeps out (`pairs_kept_out_redline`, `pairs_kept_out_proximity`: `kept_out_column`, the
    counts of compare's rows EXCLUDED_ROW), when some run gives it the land free for new modules
    (LAND_COLUMN, `land_free_ha`: compare's row LAND_ROW), so that a run whose rule changed and whose
    plan did not still shows what changed (None for a run without a plan), and the final-year
    capacity per group,
    in its unit per year (`capacity_<group>_<unit>_per_yr`: existing, committed and added, all of it
    online in the final year as the capacity targets count it, since a module is decided no later
    than its lead time lets it produce by then: models/index.py `build_years`).
    `attrs[CAPACITY_TARGETS]` gives, for each capacity column of a group some run has a final-year
    target for, every run's target in row order (units/yr; None for a run without one, or that
    failed), which sweep.png draws."""
    groups = list(dict.fromkeys(g for s in summaries if s.ok for g in s.group_capacity))
    units = {g: next((s.units[g] for s in summaries if s.ok and s.units.get(g)), "units") for g in groups}
    carried = any(s.bound_from for s in summaries)
    crossed = any(s.cross_failures for s in summaries)
    families = list(dict.fromkeys(f for s in summaries if s.ok for f in s.excluded_pairs))
    land = any(_land_free(s) for s in summaries)
    rows = []
    for summary, values in zip(summaries, settings, strict=True):
        row: dict[str, Any] = {"run": summary.label, **values,
                               "status": status_text(summary),
                               "objective_yuan": summary.objective_yuan, "gap": written_gaps(summary)[0],
                               "gap_yuan": written_gaps(summary)[1],
                               "vs_first": difference_verdict(summaries[0], summary) if summary is not summaries[0]
                               else "",
                               **_first_range(summaries[0], summary),
                               "started_from": summary.started_from,
                               **({"bound_from": summary.bound_from} if carried else {}),
                               **({CROSS_FAILED_COLUMN: "; ".join(summary.cross_failures)} if crossed else {}),
                               "sites_built_on": len(summary.sites_opened) if summary.ok else None}
        for family in families:  # what a stricter rule keeps out, also where the plan stays the same
            row[kept_out_column(family)] = summary.excluded_pairs.get(family, 0) if summary.ok else None
        if land:  # the land a stricter red line trims, also from the sites that stay open
            free = _land_free(summary)
            row[LAND_COLUMN] = MEASURE.round(math.fsum(free.values())) if free else None
        for group in groups:
            row[capacity_column(group, units[group])] = summary.group_capacity.get(group) if summary.ok else None
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["capacity_columns"] = {capacity_column(g, units[g]): (g, units[g]) for g in groups}
    targets = {capacity_column(g, units[g]): [s.group_targets.get(g) if s.ok else None for s in summaries]
               for g in groups}
    table.attrs[CAPACITY_TARGETS] = {column: runs for column, runs in targets.items()
                                     if any(t is not None for t in runs)}
    # A swept setting reads as it was typed, in its own unit, even one named `..._yuan`.
    keys = tuple(dict.fromkeys(key for values in settings for key in values))
    table.attrs[AS_GIVEN] = keys
    table.attrs["swept_units"] = target_units(keys, summaries)
    return table


#: The sweep columns, after `vs_first`, of the proven range of each run's optimum less the first
#: run's (`objective_range`, yuan; `vs_first_low_bn_yuan` and `vs_first_high_bn_yuan` in sweep.csv,
#: as comparison.csv's rows RANGE_LOW_ROW and RANGE_HIGH_ROW; one column `vs_first_range_bn_yuan`,
#: rounded outward, in sweep.md and on the terminal: siting/deliver/tables.py `shown_values`).
FIRST_LOW_COLUMN = "vs_first_low_yuan"
FIRST_HIGH_COLUMN = "vs_first_high_yuan"


def _first_range(first: CaseSummary, summary: CaseSummary) -> dict[str, float | None]:
    """The cells FIRST_LOW_COLUMN and FIRST_HIGH_COLUMN of a sweep's run: the ends of the proven
    range of its optimum less the first run's (yuan, rounded outward: `_end`), None for the first
    run, a run without a plan or a bound, and one whose objective weighs the years otherwise
    (`objective_range`)."""
    low, high = (objective_range(first, summary) if summary is not first else None) or (None, None)
    return {FIRST_LOW_COLUMN: _end(low, up=False), FIRST_HIGH_COLUMN: _end(high, up=True)}


#: The sweep columns, after `sites_built_on`, of the (site, product) pairs each family keeps out
#: (`CaseSummary.excluded_pairs`, compare's rows EXCLUDED_ROW): the family's name without spaces
#: after KEPT_OUT_COLUMN ("pairs_kept_out_redline", "pairs_kept_out_proximity"); then LAND_COLUMN,
#: the land free for new modules at all the run's candidate sites (ha, compare's row LAND_ROW).
KEPT_OUT_COLUMN = "pairs_kept_out_"
LAND_COLUMN = "land_free_ha"


def kept_out_column(family: str) -> str:
    """The sweep column of the pairs a family keeps out: "red line" -> "pairs_kept_out_redline"."""
    return KEPT_OUT_COLUMN + re.sub(r"\W+", "", family)


#: The sweep table's attrs key of each run's final-year capacity target per capacity column
#: (`sweep_table`), drawn on sweep.png's capacity panels (`target_marks`).
CAPACITY_TARGETS = "capacity_targets"


def target_units(keys: Sequence[str], summaries: Sequence[CaseSummary]) -> dict[str, str]:
    """The unit per year of each swept capacity target (`targets.capacity.<group or product>.<year>`:
    "t/yr"), from the runs' catalogs; other keys name their unit themselves (`buffer_m`)."""
    known = {name: unit for s in summaries if s.ok for name, unit in s.units.items() if unit}
    parts = {key: key.split(".") for key in keys}
    return {key: per_year(known[p[2]]) for key, p in parts.items()
            if len(p) == 4 and p[:2] == ["targets", "capacity"] and p[2] in known}


#: What CROSS_START_NOTE and COMPARE_CROSS_NOTE say after naming where the run is marked.
_CROSS_START_WHY = ("once every run was solved, that plan met this run's rules at a lower cost than the run's own "
                    "plan (each run is solved only to its gap). The run took that plan as it is when the bound its "
                    "own solve proved shows it within the run's gap (its gap is then that plan's against that bound, "
                    "and a notice in its report says so), and was solved again starting from it otherwise; either "
                    "way the run's plan now costs no more than it. Where the rules of one run admit every plan of "
                    "another, the first thus never ends dearer than the second.")

#: The note under a sweep table in which some run was solved again from another run's plan.
CROSS_START_NOTE = f"A run with a `started_from` moved to the plan of the run named there: {_CROSS_START_WHY}"

#: The note under a comparison table in which some run moved to another run's plan: as
#: CROSS_START_NOTE, for the comparison's row `started from`.
COMPARE_CROSS_NOTE = (f"A run whose row `started from` names another run moved to that run's plan: each run's plan "
                      f"was costed under the rules of every other run, and {_CROSS_START_WHY}")


def warm_note(summaries: Sequence[CaseSummary]) -> str:
    """The note naming each run whose own solve was warm-started from another run's plan (a
    sweep's runs after the first: `CaseSummary.warm_from`), grouped by that run, and so may report
    another plan than `siting solve`, which starts from nothing, gives for its settings (within its
    gap; a start that breaks a run's rules is dropped); and that the column `started_from` names
    only the runs that moved to another run's plan once all were solved (`moved_note`), not these
    warm starts. Runs without a plan (infeasible, failed) are left out: they report no plan, and their
    rows say why. When the run they started from had its own solve stopped at its time limit
    (`CaseSummary.own_time_limit_s`), the plan they started from is where that search got by the
    limit, which depends on the machine's speed, and the note says so: their plans may then differ
    on another machine or run, and the batch's files may not repeat byte for byte. "" when no run
    with a plan was warm-started."""
    starts: dict[str, list[str]] = {}
    for summary in summaries:
        if summary.warm_from and summary.ok:
            starts.setdefault(summary.warm_from, []).append(summary.label)
    if not starts:
        return ""
    parts = [f"{joined(labels)} {'was' if len(labels) == 1 else 'were'} warm-started from the plan of {source}"
             for source, labels in starts.items()]
    note = ("Runs whose search was warm-started from the plan of another run, and so may report another plan than "
            "`siting solve` gives for the same settings (it starts from nothing; both are within the gap): "
            f"{'; '.join(parts)}, which was solved first, alone, as a sweep does. The column `started_from` names "
            "only the runs that moved to another run's plan once every run was solved, not these warm starts.")
    by_label = {s.label: s for s in summaries}
    for source in starts:
        limit = by_label[source].own_time_limit_s if source in by_label else None
        if limit is not None:
            note += (f" The own solve of {source} stopped at its time limit of {limit:g} s, so the plan the others "
                     "started from is where its search got by then, which depends on the machine's speed: the same "
                     "inputs may start them from another plan and end them on other plans, and this batch's files "
                     "may not repeat byte for byte. Raise solver.time_limit_s (or --time-limit) so that its own "
                     "solve proves its gap.")
    return note


def bound_note(summaries: Sequence[CaseSummary]) -> str:
    """The note naming each run whose gap is measured against another run's proven bound
    (`CaseSummary.bound_from`, siting/runs/pool.py `carry_bounds`), the runs that carry the bound
    of one run for the same reason named together: whose bound, in bn yuan to four decimals, why
    it holds (that run's rules admit every plan of theirs, and in what they differ: `_relaxing`),
    the gaps against it and the gaps of the runs' own solves, which their reports and manifests
    give. "" when no run carries another's bound."""
    by_label = {s.label: s for s in summaries}
    groups: dict[tuple[str, str], list[CaseSummary]] = {}
    for summary in summaries:
        source = by_label.get(summary.bound_from)
        if summary.bound_from and source is not None and summary.best_bound_yuan is not None:
            groups.setdefault((source.label, source.admits.get(summary.label, "")), []).append(summary)
    parts = []
    for (label, words), carrying in groups.items():
        bound = carrying[0].best_bound_yuan or 0.0
        gaps = joined([gap_text(s.gap) if s.gap is not None else "none" for s in carrying])
        own = joined([gap_text(s.own_gap) if s.own_gap is not None else "no bound" for s in carrying])
        one = len(carrying) == 1
        shown = f"{rounded_outward(bound / BN, 4, up=False):z,.4f}"  # down: no higher than the bound proven
        parts.append(f"{joined([s.label for s in carrying])} against the bound of {label}, {shown} "
                     f"{MONEY_UNIT}, whose rules admit every plan of {'its own' if one else 'theirs'} "
                     f"({_relaxing(words, label)}): {'a gap' if one else 'gaps'} of {gaps}, where "
                     f"{'its own solve' if one else 'their own solves'} proved {own}")
    if not parts:
        return ""
    return ("Gaps measured against another run's bound (a run whose rules admit every plan of another has an "
            "optimum no higher than the other's, so its proven bound holds for the other too; the run's report "
            f"and manifest give the gap of its own solve): {'; '.join(parts)}.")


def moved_note(summaries: Sequence[CaseSummary]) -> str:
    """The note under a sweep's table naming each run that moved to another run's plan in the
    cross-start rounds (siting/runs/pool.py), and so may report another plan than `siting solve`
    gives for its settings: whose plan, and whether it took the plan as it is, certified by its
    own bound (its summary's `searches` then name the plan's run, "plan_from"; its report's
    notice says so too), or was solved again starting from it (saying why when taking the plan as
    it is failed: `CaseSummary.not_taken`); with the plan's cost under its rules and that of the
    plan its own solve had found (`own_objective_yuan`), in bn yuan to four decimals as the
    notice gives them. "" when no run moved."""
    parts = []
    for summary in summaries:
        if not (summary.ok and summary.started_from) or summary.objective_yuan is None:
            continue
        cost = f"{summary.objective_yuan / BN:,.4f} {MONEY_UNIT}"
        own = (f"against {summary.own_objective_yuan / BN:,.4f} {MONEY_UNIT} for the plan its own solve had found"
               if summary.own_objective_yuan is not None else "its own solve having found no plan")
        if "plan_from" in summary.searches:
            gap = summary.own_gap if summary.bound_from else summary.gap  # its own bound's, not one carried
            proven = f"within {gap_text(gap)}" if gap is not None else "within its gap"
            parts.append(f"{summary.label} took the plan of {summary.started_from} as it is ({cost} under its rules, "
                         f"{own}; the bound its own solve proved shows it {proven}, and no new search ran)")
        else:
            failed = f" (taking that plan as it is failed with {summary.not_taken})" if summary.not_taken else ""
            parts.append(f"{summary.label} was solved again starting from the plan of {summary.started_from}{failed} "
                         f"and ended at {cost}, {own}")
    if not parts:
        return ""
    return ("Runs that moved to another run's plan, and so may report another plan than `siting solve` gives for "
            f"the same settings: {'; '.join(parts)}.")


def unproven_runs_note(summaries: Sequence[CaseSummary]) -> str:
    """The note naming each run with a plan its own search did not prove within its asked gap
    (its solve stopped first, at a time limit as a rule: status "feasible (not proven optimal)"),
    as `siting solve` warns of such a plan (siting/deliver/mapinfo.py `unproven_text`): its
    differences against the other runs may be artefacts of the solver rather than effects of what
    the runs change, and a stop at a time limit depends on the machine's speed. A run whose gap is
    measured against the bound another run proved (`bound_from`, `carry_bounds`) is named apart,
    with that gap, whose run, and the gap its own search proved: that gap may be within the asked
    one (0.00 % when the other run proved the same plan), so the note does not call it unproven,
    only its own search's result. "" when every run with a plan is proven within its gap."""
    unproven = [s for s in summaries if s.ok and s.status != "optimal"]
    runs = [f"{s.label} ({'no bound proven' if s.gap is None else f'gap {gap_text(s.gap)}'})"
            for s in unproven if not s.bound_from]
    carried = [f"{s.label} (gap {gap_text(s.gap) if s.gap is not None else 'none'} against the bound of "
               f"{s.bound_from}; its own search proved "
               f"{'no bound' if s.own_gap is None else gap_text(s.own_gap)})"
               for s in unproven if s.bound_from]
    parts = []
    if runs:
        one = len(runs) == 1
        its, its_title = ("its", "Its") if one else ("their", "Their")
        parts.append(
            f"{'A run' if one else 'Runs'} not proven within {its} asked gap: {', '.join(runs)}. {its_title} "
            f"plan{'' if one else 's'} may cost up to {its} gap more than the best, and {its} differences against "
            "the other runs may be artefacts of the solver rather than effects of what the runs change; a stop at a "
            "time limit depends on the machine's speed, so the same inputs may give other plans. Raise "
            f"solver.time_limit_s (or --time-limit) before relying on {'it' if one else 'them'}.")
    if carried:
        one = len(carried) == 1
        its = "its" if one else "their"
        parts.append(
            f"{'A run' if one else 'Runs'} whose own search stopped before proving {its} asked gap, {its} gap "
            f"measured against the bound another run proved, whose rules admit every plan of {its} own: "
            f"{', '.join(carried)}. {'Its plan lies' if one else 'Their plans lie'} within that gap of the best, "
            f"which the other run's search proved, not {its} own; a stop at a time limit depends on the machine's "
            f"speed, so the same inputs may give other plans and gaps. Raise solver.time_limit_s (or --time-limit) "
            f"for {'a run' if one else 'runs'} whose own search should prove {its} gap.")
    return " ".join(parts)


def time_limited_runs_note(summaries: Sequence[CaseSummary]) -> str:
    """The note naming each run that ends proven within its asked gap although its own solve
    stopped at its time limit (siting/runs/pool.py `ended_proven_after_time_limit`): the cross-start
    rounds moved it to another run's plan (its `started_from`, and a `bound_from` where the bound
    is another run's), with the limit its own solve stopped at; how far a search gets by a time
    limit depends on the machine's speed, so the batch may end otherwise and its files not repeat
    byte for byte; a run whose own solve found no plan by its limit is said to be one. Each such
    run's report and manifest give it in a notice (`own_time_limit_notice`).
    "" when no run's does."""
    runs = [f"{s.label} (time limit {s.own_time_limit_s:g} s, "
            + ("reached before its own solve found a plan, " if s.own_objective_yuan is None else "")
            + f"moved to the plan of {s.started_from}"
            + (f", with the bound of {s.bound_from}" if s.bound_from else "") + ")"
            for s in summaries if ended_proven_after_time_limit(s)]
    if not runs:
        return ""
    one = len(runs) == 1
    return (f"{'A run' if one else 'Runs'} whose own solve stopped at {'its' if one else 'their'} time limit before "
            f"proving {'its' if one else 'their'} asked gap, proven within it only after the cross-start rounds: "
            f"{'; '.join(runs)}. How far a search gets by a time limit depends on the machine's speed, so the same "
            "inputs may end with other plans or statuses, and this batch's files may not repeat byte for byte. "
            f"Raise solver.time_limit_s (or --time-limit) for {'a run' if one else 'runs'} that need no such help.")


def near_zero_runs_note(summaries: Sequence[CaseSummary]) -> str:
    """The note naming each run whose net objective is near zero (siting/deliver/tables.py
    `near_zero_note`: under NEAR_ZERO_SHARE of its gross cost, with a gap above 0.00%), whose
    relative gap is then measured against a near-zero figure and reads far larger than the plan's
    distance from the optimum: per run its net objective, its relative gap and its absolute gap
    (bn yuan), which is the figure to read. "" when no run's is."""
    parts = []
    for summary in summaries:
        absolute = absolute_gap_yuan(summary.objective_yuan, summary.gap)
        if not summary.ok or absolute is None or summary.gap is None \
                or not near_zero_note(summary.objective_yuan, summary.gap, summary.costs):
            continue
        objective, _, absolute_text = trio_texts(summary.objective_yuan, summary.best_bound_yuan, absolute)
        parts.append(f"{summary.label} (net objective {objective}, "  # at the decimals at which they add up
                     f"gap {gap_text(summary.gap)}, absolute gap {absolute_text})")
    if not parts:
        return ""
    one = len(parts) == 1
    return (f"{'A run' if one else 'Runs'} whose net objective (the gross cost less sales revenue) is near zero, "
            f"under {NEAR_ZERO_SHARE:.0%} of {'its' if one else 'their'} gross cost: {'its' if one else 'their'} "
            f"relative gap is measured against that near-zero figure and reads far larger than the plan's distance "
            f"from the optimum; read the absolute gap instead: {'; '.join(parts)}.")


def diff_written(summaries: Sequence[CaseSummary]) -> bool:
    """Whether a comparison writes diff.geojson and diff.qml, each site's change against the
    baseline (`diff_geojson`): only when the baseline (the first run) and some run compared with
    it have a plan. Otherwise the layer would have no feature, which reads as "nothing changed";
    `no_differences_note` says why there is none."""
    return bool(summaries) and summaries[0].ok and any(s.ok for s in summaries[1:])


def no_differences_note(summaries: Sequence[CaseSummary], sweep: bool = False) -> str:
    """The note under a comparison's table when it gives no difference but the status: the
    baseline (the first run) has no plan, named with its status (`status_text`), or no run
    compared with it has one; and that diff.geojson and diff.qml are not written then
    (`diff_written`). With `sweep`, under a sweep's table whose first run has no plan: its column
    `vs_first` is empty for that reason. "" when there is a difference to give, or one run."""
    if len(summaries) < 2:
        return ""
    base = summaries[0]
    files = ("diff.geojson and diff.qml, which would map each site's change against the baseline, are not "
             "written.")
    if sweep:
        return "" if base.ok else (f"The column `vs_first` compares each run with the first, {base.label}, which "
                                   f"has no plan ({status_text(base)}), so it is empty.")
    if not base.ok:
        return (f"The differences are against the baseline, {base.label}, which has no plan ({status_text(base)}), "
                f"so none are given but the status; {files}")
    if not any(s.ok for s in summaries[1:]):
        return (f"No run compared with the baseline, {base.label}, has a plan, so no difference is given but the "
                f"status; {files}")
    return ""


#: How the note naming the runs whose cross-start failed begins (`cross_failed_note`).
CROSS_FAILED_HEAD = ("Runs whose cross-start failed, which may therefore end dearer than another run's plan costs "
                     "under their rules (a run whose rules admit every plan of another is not shown to end no dearer "
                     "than it)")


def cross_failed_note(summaries: Sequence[CaseSummary]) -> str:
    """The note naming each run whose cross-start failed (`CaseSummary.cross_failures`,
    siting/runs/pool.py `cross_failure`: the other runs' plans not costed under its rules, or a
    cheaper plan whose new solve failed), with why, so that what the cross-start rounds claim (a
    run ends no dearer than another run's plan under its rules) is visibly not checked for it:
    CROSS_FAILED_HEAD, then per run "<run>: <why>; <why>." "" when no cross-start failed."""
    parts = [f"{s.label}: {'; '.join(s.cross_failures)}." for s in summaries if s.cross_failures]
    return f"{CROSS_FAILED_HEAD}: {' '.join(parts)}" if parts else ""


#: How the note listing the notices of the runs without a plan begins (`failed_notices_note`).
FAILED_NOTICES_HEAD = "The notices of the runs without a plan, which often say why they have none:"


def failed_notices_note(summaries: Sequence[CaseSummary]) -> str:
    """The notices of each run without a plan (`CaseSummary.notices`: a target no module can
    reach in time, sites dropped outside clusters, ...), which its status alone does not give,
    for comparison.md and sweep.md: FAILED_NOTICES_HEAD, then a Markdown list of them, each
    "- <run>: <notice>", in run order and each run's order, as the run's own files give them (files
    named relative to its scenario's folder); "" when no such run has any. The terminal gives
    them under each such run's message instead (siting/cli.py `batch_report`)."""
    items = [f"- {summary.label}: {notice}" for summary in summaries if not summary.ok for notice in summary.notices]
    return f"{FAILED_NOTICES_HEAD}\n\n" + "\n".join(items) if items else ""


#: How many notices of a run with a plan (or of those every run has) the terminal shows under the
#: table of `compare` and `sweep` (`plan_notice_lines`); the rest are in the run's report.md.
NOTICES_SHOWN = 3

#: The line that leads the notices of the runs with a plan under the table (`plan_notice_lines`).
PLAN_NOTICES_HEAD = "Notices of the runs with a plan"
#: Where a run's notices are kept when its batch wrote no folder (`siting.compare` and
#: `siting.sweep` without `out`): its summary in `Batch.runs`.
IN_MEMORY = "{} `notices` in `Batch.runs`"


def _counted(count: int) -> str:
    """"1 notice", "3 notices"."""
    return f"{count} notice{'s' if count != 1 else ''}"


def _notice_groups(summaries: Sequence[CaseSummary]) -> list[tuple[str, list[Any], CaseSummary | None]]:
    """The notices of the runs with a plan grouped (`plan_notice_groups`): each group's "who"
    ("all runs", "every run with a plan", or a run's label), its notices as the runs give them (a
    `Notice` kept), in run order and each run's order, and its run (None for the notices every
    run has). [] when no run with a plan has a notice."""
    planned = [summary for summary in summaries if summary.ok]
    # Each run's own notices by their text in the run's files and on the terminal: two runs whose
    # scenarios lie in different folders may give the same text for different files
    # ("catalog.yaml:10: ..."), which the terminal names apart (`Notice.shown`).
    own: dict[str, dict[tuple[str, str], Any]] = {}
    for summary in planned:
        own[summary.label] = {}
        for notice in summary.notices:
            if not cross_start_notice(summary, notice):  # the notes under the table say those
                own[summary.label].setdefault((str(notice), shown_notice(notice)), notice)
    shared: list[tuple[str, str]] = []
    if len(planned) > 1:
        shared = [n for n in own[planned[0].label] if all(n in own[s.label] for s in planned[1:])]
    groups: list[tuple[str, list[Any], CaseSummary | None]] = []
    if shared:
        who = "all runs" if len(planned) == len(summaries) else "every run with a plan"
        groups.append((who, [own[planned[0].label][n] for n in shared], None))
    for summary in planned:
        notices = [notice for n, notice in own[summary.label].items() if n not in shared]
        if notices:
            groups.append((summary.label, notices, summary))
    return groups


def plan_notice_groups(summaries: Sequence[CaseSummary]) -> list[tuple[str, list[str]]]:
    """The notices of the runs with a plan (`CaseSummary.notices`: a price likely given in 万 yuan,
    a committed project left out, ...), which their report.md and manifest.json hold and the
    table does not show, grouped for the terminal under the table: each a heading and the notices
    shown under it, in run order and each run's order. A notice every run has (two runs with a
    plan or more) is given once, first, under "all runs: N notices" ("every run with a plan: ..."
    when some run has none); then each run with notices of its own, "<run>: N notices". Those the
    cross-start rounds gave a run (siting/runs/pool.py `cross_start_notice`) are left out: the
    notes under the table name the run and say what happened (`moved_note`,
    `cross_failed_note`). A group of
    more than NOTICES_SHOWN shows the first of them, and its heading says where all are: the
    run's report.md (its folder's path), or, for a batch kept in memory (no `out_dir`), the run's
    summary (IN_MEMORY). [] when no run with a plan has a notice."""
    written = all(summary.out_dir for summary in summaries if summary.ok)
    shown = []
    for who, notices, run in _notice_groups(summaries):
        heading = f"{who}: {_counted(len(notices))}"
        if len(notices) > NOTICES_SHOWN:
            if run is None:
                where = "each run's report.md" if written else IN_MEMORY.format("each run's")
            else:
                where = str(Path(run.out_dir) / "report.md") if run.out_dir else IN_MEMORY.format("the run's")
            heading += f", the first {NOTICES_SHOWN} here, all in {where}"
        shown.append((heading, notices[:NOTICES_SHOWN]))
    return shown


def _report_link(label: str, folder: str | None) -> str:
    """Run `label` as a relative Markdown link to the report.md of its `folder` (relative to the
    batch folder; the label alone without one), its brackets escaped so that they stay text."""
    text = re.sub(r"([\\\[\]])", r"\\\1", label)
    return f"[{text}]({quote(f'{folder}/report.md')})" if folder else text


def plan_notices_note(summaries: Sequence[CaseSummary], folders: Mapping[str, str]) -> str:
    """The notices of the runs with a plan for comparison.md and sweep.md, as `compare` and
    `sweep` give them under their table (`plan_notice_lines`), so that a reader of the file alone
    reads a run's figures with them: PLAN_NOTICES_HEAD, then each group (`plan_notice_groups`)
    with its heading and every notice of it (the file is the whole record: none is left out), a
    Markdown list, each "- <notice>" as the run's own report.md gives it (files named relative to
    its scenario's folder). A run is a relative link to its report.md (`folders`: each run's
    folder by its label, relative to the batch folder); the notices every run has name the runs'
    reports that give them. "" when no run with a plan has a notice."""
    groups = _notice_groups(summaries)
    if not groups:
        return ""
    parts = [f"{PLAN_NOTICES_HEAD} (also in each run's report.md):"]
    planned = [summary.label for summary in summaries if summary.ok]
    for who, notices, run in groups:
        if run is None:
            reports = ", ".join(_report_link(label, folders.get(label)) for label in planned)
            parts.append(f"{who}: {_counted(len(notices))} ({reports})")
        else:
            parts.append(f"{_report_link(who, folders.get(who))}: {_counted(len(notices))}")
        parts.append("\n".join("- " + str(notice).replace("\n", "\n  ") for notice in notices))
    return "\n\n".join(parts)


def plan_notice_lines(summaries: Sequence[CaseSummary], width: int | None = None) -> list[str]:
    """The notices of the runs with a plan as `compare` and `sweep` give them under their table
    (`plan_notice_groups`), so that a run's figures are not read without them: PLAN_NOTICES_HEAD
    and where they are kept, then each group's heading and its notices, "  note: ...", files named
    as the errors name them (`shown_notice`), laid out to `width` terminal columns (None: one line
    each). [] when no run with a plan has a notice."""
    groups = plan_notice_groups(summaries)
    if not groups:
        return []
    kept = "each run's report.md" if all(s.out_dir for s in summaries if s.ok) else IN_MEMORY.format("each run's")
    head = f"{PLAN_NOTICES_HEAD} (also in {kept}):"
    lines = wrap_text(head, width) if width else [head]
    for heading, notices in groups:
        lines += wrap_text(heading, width) if width else [heading]
        for notice in map(shown_notice, notices):
            said = f"note: {notice}"
            body = said.splitlines() if "\n" in said or not width else wrap_text(said, width - 2)
            lines += [f"  {line}" for line in body]
    return lines


def capacity_column(group: str, unit: str) -> str:
    """The sweep table's column of a group's final-year capacity: "capacity_cells_GWh_per_yr"."""
    return f"capacity_{group}_{unit_slug(unit)}_per_yr"


def _capacity_title(column: str, table: pd.DataFrame) -> str:
    """"Cells capacity (GWh/yr)" for the column capacity_cells_GWh_per_yr (the table's attrs), the
    group or product in words (`product_label`)."""
    group, unit = table.attrs.get("capacity_columns", {}).get(column, (column.removeprefix("capacity_"), "units"))
    return f"{product_label(group)} capacity ({per_year(unit)})"


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


#: Words for the powers of a thousand by which a swept axis is divided, from a million up.
SCALE_WORDS = {2: "millions", 3: "billions", 4: "trillions"}


def numbers_of(values: Sequence[Any]) -> list[float] | None:
    """The swept values as numbers (a text such as "1e8" read as one), or None when one is not a
    finite number (a name such as "base", or true/false)."""
    numbers = []
    for value in values:
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return numbers


def axis_scale(numbers: Sequence[float]) -> tuple[float, str]:
    """The factor a swept axis is divided by so that its tick labels stay short, and the words its
    label adds: 1 and "" while the largest magnitude is below a million; otherwise the largest power
    of a thousand not above it, as words (1e9, "in billions")."""
    largest = max((abs(v) for v in numbers), default=0.0)
    if largest < 1e6:
        return 1.0, ""
    power = min(int(math.log10(largest) // 3), max(SCALE_WORDS))
    return 1000.0 ** power, f"in {SCALE_WORDS[power]}"


def swept_axis(table: pd.DataFrame, key: str) -> tuple[pd.Series, str, list[float] | None, list[str]]:
    """How the swept `key` is drawn along x: each row's position, the axis label (the key, with
    the unit of a capacity target, `attrs["swept_units"]`, or the symbol of the unit its last part
    says, `unit_of`, and the scale: "constraints.agglomeration.site_fixed_cost_yuan, in billions",
    "targets.capacity.cells.2030 (GWh/yr)", "constraints.redline.buffer_m (m)"), and for values
    that are not numbers the tick positions and labels (the values in order of first appearance,
    evenly spaced; None and [] for numbers)."""
    said = unit_of(key.rsplit(".", 1)[-1])
    unit = table.attrs.get("swept_units", {}).get(key) or (said[1] if said is not None else None)
    label = f"{key} ({unit})" if unit else key
    numbers = numbers_of(list(table[key]))
    if numbers is not None:
        factor, words = axis_scale(numbers)
        return (pd.Series(numbers, index=table.index) / factor, f"{label}, {words}" if words else label, None, [])
    names = list(dict.fromkeys(str(v) for v in table[key]))
    positions = pd.Series([float(names.index(str(v))) for v in table[key]], index=table.index)
    return positions, label, [float(i) for i in range(len(names))], names


#: The dots per inch sweep.png is drawn at (`sweep_figure`): 100, matplotlib's default.
SWEEP_DPI = 100


def sweep_figure(table: pd.DataFrame, keys: Sequence[str], title: str) -> Any:
    """The sweep plot as a matplotlib Figure on an Agg canvas, at SWEEP_DPI: objective (bn yuan) and each
    group's final-year capacity (its unit per year) against the first swept key whose value
    differs between runs (`varying_keys`: a setting of one value, which every run has, is not
    drawn); with a second such key, one line per value of it. A capacity panel shows the group's final-year target
    (`target_marks`); on the objective panel, a run whose objective the proven gaps do not tell
    apart from the first run's (`vs_first` WITHIN or SAME_PLAN) has a hollow marker, and one whose
    objective weighs the years otherwise than the first run's (`vs_first` NOT_COMPARABLE), in other
    money, a hollow diamond joined only to the runs weighted as it is (`objective_segments`), the
    footnote naming such runs and why (`not_comparable_footnote`). Axes show
    plain numbers (`plain_number_formatter`), the swept one divided by a power of a thousand
    named in its label when its values reach a million, or its values as names when they are not
    numbers (`swept_axis`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    capacity_columns = [c for c in table.columns if c.startswith("capacity_")]
    panels = 1 + len(capacity_columns)
    cols = min(3, panels)
    rows = math.ceil(panels / cols)
    fig = Figure(figsize=(4.5 * cols, 3.4 * rows), dpi=SWEEP_DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    swept = varying_keys(table, keys)
    x_key = swept[0]
    xs, x_label, ticks, names = swept_axis(table, x_key)
    series_key = swept[1] if len(swept) > 1 else None
    groups = [(None, table)] if series_key is None else list(table.groupby(series_key, sort=False))
    for ax, column in zip(axes.flat, ["objective_yuan", *capacity_columns], strict=False):
        for value, part in groups:
            part = part.dropna(subset=[column])
            ys = part[column] / (BN if column == "objective_yuan" else 1.0)
            label = None if value is None else f"{series_key}={value}"
            # Objectives in other money (another weighting of the years) are joined to none of the first run's.
            segments = objective_segments(part) if column == "objective_yuan" else []
            colour = None
            for apart, joined_runs in segments or [(False, list(part.index))]:
                hollow = {"markerfacecolor": "white"} if apart else {}
                line = ax.plot(xs[joined_runs], ys[joined_runs], marker="D" if apart else "o", color=colour,
                               label=label if colour is None else None, **hollow)[0]
                colour = line.get_color()
            if column == "objective_yuan" and "vs_first" in part:  # no proven difference from the first run
                untold = part["vs_first"].isin([WITHIN, SAME_PLAN]).to_numpy()
                if untold.any():
                    ax.plot(xs[part.index][untold], ys[untold], linestyle="none", marker="o", markerfacecolor="white",
                            markeredgecolor=colour, zorder=line.get_zorder() + 0.1)
        ax.set_title(f"objective ({MONEY_UNIT}, discounted)" if column == "objective_yuan"
                     else _capacity_title(column, table), fontsize=9)
        ax.set_xlabel(x_label, fontsize=8)
        if ticks is None:  # at most 6 ticks, so that labels as wide as "100,000" never run together
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
            ax.xaxis.set_major_formatter(plain_number_formatter())
        else:
            tilted = len(names) > 4 or max(len(name) for name in names) > 12  # names that would touch
            ax.set_xticks(ticks, names, rotation=30 if tilted else 0, ha="right" if tilted else "center")
            ax.set_xlim(-0.5, len(names) - 0.5)
        if column == "objective_yuan":  # once the panel's limits stand
            gap_bars(ax, xs, table)
        targeted = column != "objective_yuan" and target_marks(ax, xs, table, column)
        ax.yaxis.set_major_formatter(plain_number_formatter())
        ax.tick_params(labelsize=7)
        if series_key is not None or targeted:
            ax.legend(fontsize=7)
    for ax in list(axes.flat)[panels:]:
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    # The footnote, wrapped to the figure's width (about 17 characters of 7 points an inch), under the panels.
    footnote = textwrap.wrap(" ".join(filter(None, (GAP_FOOTNOTE, not_comparable_footnote(table)))),
                             int(17 * 4.5 * cols))
    fig.tight_layout(rect=(0, (len(footnote) * 9 + 8) / (72 * 3.4 * rows), 1, 1))
    fig.text(0.01, 0.01, "\n".join(footnote), fontsize=7, va="bottom")
    return fig


#: The footnote of sweep.png on its gap bars (`gap_bars`).
GAP_FOOTNOTE = ("Dark bars with caps: each run's proven gap (its optimum lies between the lower cap and the point); "
                "a bar too short to see beside its marker is labelled with its length in bn yuan. Objectives whose "
                "bars overlap are within solver tolerance: a hollow marker is a run the gaps do not tell apart from "
                "the first run (vs_first within solver tolerance, or the same plan), whatever the line's slope.")


def objective_segments(part: pd.DataFrame) -> list[tuple[bool, list[Any]]]:
    """The lines of one series of sweep.png's objective panel (`part`: its runs with an objective,
    in row order): each (whether its runs are NOT_COMPARABLE with the first run, the index labels
    of its runs), a line joining consecutive runs whose objectives weigh the years alike, as their
    `vs_first` gives it: those comparable with the first run, or those not comparable with it for
    the same reason (`weighting_difference`: the same values of the settings it names), which are
    in the same money. A run weighted otherwise than both its neighbours stands alone, joined to
    none; [] for no runs."""
    verdicts = part["vs_first"] if "vs_first" in part else pd.Series("", index=part.index)
    segments: list[tuple[str, list[Any]]] = []
    for index, verdict in verdicts.items():
        money = verdict if isinstance(verdict, str) and verdict.startswith(NOT_COMPARABLE) else ""
        if segments and segments[-1][0] == money:
            segments[-1][1].append(index)
        else:
            segments.append((money, [index]))
    return [(bool(money), rows) for money, rows in segments]


def not_comparable_footnote(table: pd.DataFrame) -> str:
    """What sweep.png's footnote says after GAP_FOOTNOTE of the runs whose objective weighs the years
    otherwise than the first run's (`vs_first` NOT_COMPARABLE): drawn as hollow diamonds, joined
    only to runs weighted alike (`objective_segments`), each named with why (in the words of
    `weighting_difference`); "" for none."""
    if "vs_first" not in table or table.empty:
        return ""
    prefix = not_comparable_text("")[:-1]
    labels = table["run"] if "run" in table else pd.Series(table.index.astype(str), index=table.index)
    runs = [f"{label} ({verdict[len(prefix):-1] if verdict.startswith(prefix) and verdict.endswith(')') else verdict})"
            for label, verdict in zip(labels, table["vs_first"], strict=True)
            if isinstance(verdict, str) and verdict.startswith(NOT_COMPARABLE)]
    if not runs:
        return ""
    return (f"A hollow diamond is a run {NOT_COMPARABLE} with the first run ({labels.iloc[0]}): its objective "
            "weighs the years otherwise, in other money, so a line joins it only to runs weighted alike and its bar "
            f"tells nothing against the others. {NOT_COMPARABLE.capitalize()}: {'; '.join(runs)}.")


#: A gap bar shorter than this share of its panel's height is labelled with its length
#: ("gap 0.20"): about a marker's height on sweep.png, so the bar hides under the marker.
SHORT_BAR = 0.05

#: The colour of the gap bars and their labels: dark grey, drawn over the lines and markers.
BAR_COLOUR = "0.2"


def gap_bars(ax: Any, xs: pd.Series, table: pd.DataFrame) -> None:
    """Each run's proven gap on the objective panel `ax` (bn yuan): a bar from the lowest its
    optimum can be, objective - gap x |objective|, up to its objective, with caps at both ends,
    drawn above the lines and markers; a run with no gap (None, or 0) gets none. A bar shorter
    than SHORT_BAR of the panel's height (as its limits stand once every series is drawn) is
    labelled with its length in bn yuan beside its point, so that a gap stays readable when the
    objectives span a range far wider than the gaps."""
    rows = table.dropna(subset=["objective_yuan"])
    gaps = rows["gap"].astype(float) if "gap" in rows else pd.Series(math.nan, index=rows.index)
    rows = rows.loc[gaps.notna() & (gaps > 0)]
    if rows.empty:
        return
    ys = rows["objective_yuan"].astype(float) / BN
    lengths = ys.abs() * gaps[rows.index]
    ax.errorbar(xs[rows.index], ys, yerr=[lengths.to_numpy(), 0.0 * lengths.to_numpy()], fmt="none",
                ecolor=BAR_COLOUR, elinewidth=1.2, capsize=4, capthick=1.2, zorder=3)
    low, high = ax.get_ylim()
    left, right = ax.get_xlim()
    for i in rows.index:
        if lengths[i] < SHORT_BAR * (high - low):  # beside the point, on the side with room for it
            before = float(xs[i]) > left + 0.7 * (right - left)
            label = f"gap {bound_bn(lengths[i] * BN, up=True, unit=False)}"  # up: no less than proven
            ax.annotate(label, (float(xs[i]), float(ys[i])), xytext=(-7 if before else 7, 0),
                        textcoords="offset points", ha="right" if before else "left", va="center", fontsize=6,
                        color=BAR_COLOUR, zorder=4, bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                                                           "alpha": 0.8})


#: The colour of the target marks on sweep.png's capacity panels (`target_marks`): mid grey, apart
#: from the runs' coloured lines.
TARGET_COLOUR = "0.45"


def target_marks(ax: Any, xs: pd.Series, table: pd.DataFrame, column: str) -> bool:
    """The final-year target of the group of capacity `column` on its panel `ax`, as
    `attrs[CAPACITY_TARGETS]` gives it per run (units/yr): a dashed horizontal line labelled
    "target 1,000,000 t/yr" when every run drawn on the panel has the same target; otherwise
    (the swept key is a target, or some runs have none) a bar-shaped marker at each run's own
    target, at the run's x (`xs`, by row), over the run's point (so that a run on its target
    shows the bar either side), labelled "each run's own target (t/yr)". Returns
    whether anything was drawn: nothing for a group no run has a target for."""
    runs = table.attrs.get(CAPACITY_TARGETS, {}).get(column)
    if runs is None:
        return False
    targets = pd.Series(runs, index=table.index, dtype=float)
    drawn = table[column].notna()
    known = targets.notna()
    if not known.any():
        return False
    unit = per_year(table.attrs.get("capacity_columns", {}).get(column, (column, "units"))[1])
    if drawn.any() and known[drawn].all() and targets[drawn].nunique() == 1:
        value = float(targets[drawn].iloc[0])
        ax.axhline(value, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, zorder=1.5,
                   label=f"target {amount_text(value)} {unit}")
    else:
        ax.plot(xs[known], targets[known], linestyle="none", marker="_", markersize=14, markeredgewidth=1.5,
                color=TARGET_COLOUR, zorder=2.5, label=f"each run's own target ({unit})")
    return True


def varying_keys(table: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """The swept keys (columns of the sweep's `table`) whose value differs between runs, in the
    order given; every key when none does (a sweep of single values, one run)."""
    varying = [key for key in keys if len({json.dumps(v, default=str) for v in table[key]}) > 1]
    return varying or list(keys)


def sweep_plot(table: pd.DataFrame, keys: Sequence[str], path: Path, title: str) -> None:
    """Write `sweep_figure` as a PNG to `path` (SWEEP_DPI), drawn in matplotlib's default style
    whatever the caller's settings (a matplotlibrc, a notebook's rcParams), one thread's drawing
    at a time (siting/deliver/mapplot.py `drawn_in_default_style`), and written as the maps are
    (`save_opaque_png`: red, green and blue only where the page is opaque, as its white face
    makes it; the pixels `savefig` gives)."""
    from siting.deliver.mapplot import drawn_in_default_style, save_opaque_png

    with drawn_in_default_style():
        save_opaque_png(sweep_figure(table, keys, title), path)
