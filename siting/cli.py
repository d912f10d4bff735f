"""Command line: parses, calls the front door (siting/api.py) or the solve job, prints.

    siting solve scenario.yaml [--variant NAME] [--set KEY=VALUE ...] [--out DIR] [--rule-costs]
                               [--alternatives N [--slack S]] [--time-limit S] [--quiet]
    siting show scenario.yaml [--variant NAME] [--set KEY=VALUE ...]
    siting check scenario.yaml [--variant NAME] [--set KEY=VALUE ...] [--out DIR] [--rule-costs]
                               [--alternatives N [--slack S]] [--time-limit S] [--quiet]
    siting compare A.yaml B.yaml ... [--variant NAME ...] [--set KEY=VALUE ...] [--out DIR] [--workers N]
                                     [--scheduler ADDRESS] [--time-limit S] [--quiet]
    siting sweep scenario.yaml --set KEY=V1,V2 [--set ...] [--out DIR] [--workers N] [--scheduler ...] [--quiet]
    siting schema [--of scenario|catalog|committed] [--partial] [--out FILE]
    siting --version

Progress goes to standard error (plain lines when it is not a terminal; none with `--quiet`),
results to standard output. Heavy libraries (Pyomo, GeoPandas, HiGHS, matplotlib) are imported
only by the command that needs them, so `--help` and `--version` answer at once.

Exit codes: 0 done (every run gave a plan); 1 no plan (infeasible, no solution within the time
limit, or a failed run in a batch; `solve` prints the run's notices, "note: ...", before the
message, as a plan's summary gives them; `compare` and `sweep` print a failed run's after its
message, and those of the runs with a plan, exit code 0 or not, under their table); 2 bad input
(the message names the file, the key and the fix; also an output folder the run may not write,
or whose disk refused the writes: full, over quota, read-only, with nothing written there; and,
from the root cli.py, a Python without a package the tool needs); 130 or 143 stopped by Ctrl-C
or SIGTERM, with no output folder left half written: "outputs not yet complete were discarded",
or, stopped once its folders were in place (while it printed its summary), "after the outputs
were written to <folder> (complete)". A folder of the tool's that the command could not remove
(the user may not remove its files) is named last on standard error, "note: ... remove that
folder by hand ...", whatever the exit code."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import math
import os
import signal
import sys
import textwrap
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from siting import __version__
from siting.config import progress
from siting.config.errors import InputError, NoSolution, OutputFolderError, PlanInfeasible, shown_notice
from siting.config.units import id_items, steady_span
from siting.config.urls import is_url, url_words

if TYPE_CHECKING:
    import pandas as pd

    from siting.config.load import Override
    from siting.config.units import Names
    from siting.prepare.problem import Prepared
    from siting.runs.job import RunResult

#: When this module was first imported (`time.perf_counter()` seconds): where the system does not
#: say when the process started (`process_age_s`), the start of the command's own process.
IMPORTED = time.perf_counter()


def process_age_s() -> float | None:
    """Wall seconds since this process started, as the system keeps it (Linux: the start time in
    /proc/self/stat against the boot clock, to 1/CLK_TCK s, 0.01 s as a rule), so the Python's own
    start-up and every import are counted; None where the system does not say (no /proc, another
    system, a figure that cannot be read) or says something impossible (below 0)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # the name before, in brackets, may hold spaces
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return age if age >= 0 else None


#: The most seconds Python's own start-up may take before this module is imported (the
#: interpreter and its site hooks: tens of milliseconds as a rule): a process older than that at the
#: import was something else before (a wrapper script that ended in `exec python cli.py ...`, whose
#: fork the system dates the process from), so its age is not the command's.
PRE_IMPORT_MAX_S = 1.0


def command_started(own_process: bool) -> float:
    """When the command began (`time.perf_counter()` seconds): in its own process (`main`'s
    own_process: cli.py, the installed `siting`) when the process started (`process_age_s`),
    unless that lies more than PRE_IMPORT_MAX_S before this module's import (the process ran
    something else first and exec'd Python) or the system does not say: then at the import,
    IMPORTED; in a program calling `main` (a test, a notebook), now."""
    now = time.perf_counter()
    if not own_process:
        return now
    age = process_age_s()
    if age is None or IMPORTED - (now - age) > PRE_IMPORT_MAX_S:
        return IMPORTED
    return min(now - age, IMPORTED)


#: Progress on standard error unless `--quiet`; code that embeds `main` may set this False to
#: make `--quiet` the default.
PROGRESS_BY_DEFAULT = True


def text_table(frame: pd.DataFrame, *args: Any, **kwargs: Any) -> str:
    """`siting.deliver.tables.text_table`, imported when first needed (it brings pandas)."""
    from siting.deliver.tables import text_table as render

    return render(frame, *args, **kwargs)


def money(yuan: float | None) -> str:
    """Yuan as billion yuan with the unit ("72.84 bn yuan"), the one money unit of every output."""
    from siting.config.units import bn_yuan

    return bn_yuan(yuan)


def format_summary(result: RunResult, settings: Sequence[str] = ()) -> str:
    """The terminal summary of a solved run: outcome in plain words, money in bn yuan, capacity in
    each product's unit, every line and table at most the terminal's width (`terminal_width`: 120 on
    a file or pipe without COLUMNS) but the one naming the folder (the whole tables are in the CSVs).
    The gap is given in percent on the status line and in bn yuan (objective less best bound) on the
    objective line, with a note under the costs when the net objective is near zero (`near_zero_note`).
    `settings`: the `--set KEY=VALUE` given, as typed, named under the scenario's line in their
    order, so that a plan made with them is not read as the scenario file's own."""
    import pandas as pd

    from siting.config.units import cost_label, per_year, product_label, trio_texts
    from siting.deliver.manifest import changed_inputs
    from siting.deliver.mapinfo import solve_outcome, time_limit_held, unproven_text
    from siting.deliver.tables import absolute_gap_yuan, near_zero_note, terminal_width

    width = terminal_width()
    report, plan = result.report, result.plan
    inputs = result.prepared.inputs
    catalog = result.prepared.loaded.catalog
    names = run_names(result)
    lines = [f"scenario  {result.prepared.loaded.scenario.name}"]
    if settings:
        lines += settings_lines(settings, width)
    asked = result.prepared.loaded.scenario.solver
    status = solve_outcome(report, asked.rel_gap, asked.abs_gap_bn_yuan)  # map.png's title says the same
    lines += wrap_text(f"status    {status}; solved in {report.solve_time_s:.1f} s", width)
    # The gap in bn yuan beside the bound it is measured to; the status line's percentage is a share
    # of the net objective, which a note says is misleading when that is near zero.
    absolute = absolute_gap_yuan(report.objective_yuan, report.gap)
    # The bound rounded down and the gap up (`bound_bn`): never shown as more than was proven; all
    # three at the decimals at which they add up (`trio_texts`: "0.095", not "0.10" less "0.09").
    shown, bound, gap = trio_texts(report.objective_yuan, report.best_bound_yuan, absolute)
    objective = (f"objective {shown} (discounted), best bound {bound}"
                 + (f", absolute gap {gap}" if absolute is not None else ""))
    lines += wrap_text(objective, width)
    steady = inputs.STEADY_YEAR
    if steady is not None and steady in inputs.year_weight:
        first, last, after = inputs.YEARS[0], inputs.YEARS[-1], inputs.years_after_horizon
        lines += wrap_text(f"weighting the steady state after {last} counts for {steady_span(last, after)} "
                           f"(objective.years_after_horizon): a yuan of it weighs "
                           f"{inputs.year_weight[steady]:.2f} times a yuan of {first} (report.md, discounting)", width)
    unproven = unproven_text(report.has_solution, report.proven_optimal, report.gap, report.objective_yuan,
                             time_limit_held(report))
    if unproven:
        lines += wrap_text(f"warning: {unproven[0].lower()}{unproven[1:]}", width)
    screening = result.model_size.get("screening")
    if isinstance(screening, dict):
        lines += screening_lines(screening, money, width)
    for name, value in plan.costs.items():
        lines.append(f"  {cost_label(name):<26}{money(value):>16}")
    near_zero = near_zero_note(report.objective_yuan, report.gap, plan.costs)
    if near_zero:  # under the costs it measures the net objective against
        lines += wrap_text(f"note: {near_zero[0].lower()}{near_zero[1:]}", width)
    lines.append("")
    clusters = list(inputs.CLUSTERS)
    rows = []
    cap = plan.capacity
    for p in inputs.PRODUCTS:
        for t in inputs.YEARS:
            sub = cap.loc[(cap["product"] == p) & (cap["year"] == t)]
            if sub.empty:
                continue
            per = [float(sub.loc[sub["cluster"] == c, "added_cumulative"].sum()) for c in clusters]
            rows.append([product_label(p), per_year(catalog.products[p].unit), str(t), *per,
                         float(sub["existing"].sum()), float(sub["committed"].sum()), float(sub["online"].sum())])
    # Decided capacity is counted from its decision year; it produces from its lead time on, so
    # the capacity standing in a year is the `online` column, not the sum of the others.
    lines += wrap_text("capacity decided by cluster (cumulative, by decision year); existing, committed and online "
                       "(producing) capacity", width)
    frame = pd.DataFrame(rows, columns=["product", "unit", "year", *(names.cluster(c) for c in clusters), "existing",
                                        "committed", "online"])
    lines.append(text_table(frame, width, "capacity.csv", labels=3, continued=True))  # product, unit, year
    if not plan.targets.empty:
        lines.append("")
        lines.append("targets")
        groups = inputs.TARGET_GROUPS
        trows = []
        for row in plan.targets.itertuples(index=False):
            if row.kind == "capacity":
                units = sorted({catalog.products[p].unit for p in groups.get(row.target, (row.target,))
                                if p in catalog.products})
                label = product_label(str(row.target))
                values = [float(row.target_value), float(row.achieved), float(row.shortfall)]
                unit = per_year("/".join(units))
            else:
                label, unit = "Output value", "bn yuan/yr"
                values = [row.target_value / 1e9, row.achieved / 1e9, row.shortfall / 1e9]
            trows.append([label, unit, str(row.year), *values, "" if row.shortfall <= 0 else "<< short"])
        lines.append(text_table(pd.DataFrame(trows, columns=["target", "unit", "year", "goal", "planned", "short",
                                                             ""]), width, "targets.csv", labels=3, continued=True))
    lines.append("")
    lines += wrap_text(f"sites built on: {opened_sites_text(result)}", width)
    # the written files' notices: the run's, and an input changed since the run read it (as the manifest says)
    changed = [n for n in changed_inputs(result.prepared.input_sha256) if n not in result.prepared.notices]
    lines += notice_lines([*result.prepared.notices, *changed])
    # Every phase with its seconds, as manifest.json's `run` gives them, the solver's phases together
    # (the status line's "solved in"); wrapped at the table width.
    lines += wrap_items("time: ", time_items(result.timings, "screening" in result.model_size), width)
    lines.append(f"outputs written to {folder_named(result.out_dir)}")
    return "\n".join(lines)


#: The phases of the solver's searches, as the progress lines and manifest.json's `run.timings_s` name them.
SOLVER_PHASES = ("bound", "solve")


def time_items(timings: Mapping[str, float], screened: bool = False) -> list[str]:
    """The items of the summary's closing `time:` line from `timings` (seconds per phase, under
    manifest.json's `run.timings_s` keys, in its order): each phase as "load 0.20 s", but the
    solver's, "bound" and "solve" (SOLVER_PHASES), given as one item in the place of "bound",
    "solver 49.90 s (bound 49.90 s, solve 0.00 s)": their sum, the time the status
    line says the run was "solved in", then each phase as the progress lines name it. With
    candidate cells (`screened`) the screened rounds build their models within the solve: "build"
    is then one of the solver's items too, first, and in its sum. Without both solver phases (a
    solve that did not run them) every phase is an item of its own."""
    inside = ("build", *SOLVER_PHASES) if screened else SOLVER_PHASES
    if not all(phase in timings for phase in SOLVER_PHASES):
        return [f"{phase} {seconds:.2f} s" for phase, seconds in timings.items()]
    parts = [(phase, seconds) for phase, seconds in timings.items() if phase in inside]
    solver = (f"solver {sum(seconds for _phase, seconds in parts):.2f} s ("
              + ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in parts) + ")")
    items: list[str] = []
    for phase, seconds in timings.items():
        if phase == "bound":
            items.append(solver)
        elif phase not in inside:
            items.append(f"{phase} {seconds:.2f} s")
    return items


def notice_lines(notices: Sequence[str], said: str = "", width: int | None = None) -> list[str]:
    """The run's `notices` as the terminal shows them, each "note: ..." with its files named as
    the errors name them (`shown_notice`): a one-line notice wrapped at `width` (None: standard
    output's `terminal_width`), one of several lines in its own layout. A notice the text `said`
    already holds (the message of a run without a plan, which may lead with one) is not shown
    again."""
    from siting.deliver.tables import terminal_width

    width = terminal_width() if width is None else width
    lines: list[str] = []
    for notice in map(shown_notice, notices):
        if notice in said:
            continue
        lines += [f"note: {notice}"] if "\n" in notice else wrap_text(f"note: {notice}", width)
    return lines


def folder_named(path: Path | str) -> str:
    """A folder the command wrote, as the summary names it: as typed when given from a home folder
    (`--out ~/outA`: "~/outA"), otherwise by its absolute path."""
    from siting.config.load import home_named

    return home_named(path)


def wrap_text(text: str, width: int, indent: str = "  ") -> list[str]:
    """`text` in lines of at most `width` terminal columns, the lines after the first beginning
    with `indent`, two spaces unless given (siting/deliver/tables.py `wrap_text`, imported when
    first used)."""
    from siting.deliver.tables import wrap_text as wrapped

    return wrapped(text, width, indent)


def screening_lines(screening: Mapping[str, Any], money: Callable[[float | None], str], width: int) -> list[str]:
    """The summary's lines on a plan with candidate cells (siting/deliver/report.py
    `screened_lines`: "screened  ..." and the lines under it, their text 10 columns in), each
    wrapped by `wrap_text` to `width` terminal columns with its text kept 10 columns in."""
    from siting.deliver.report import screened_lines

    lines = []
    for line in screened_lines(screening, money):
        lines += [line[:10] + part if i == 0 else " " * 10 + part
                  for i, part in enumerate(wrap_text(line[10:], max(width - 10, 20)))]
    return lines


def settings_lines(settings: Sequence[str], width: int) -> list[str]:
    """`siting.deliver.tables.settings_lines`, imported when first needed (it brings pandas): the
    summary's "settings  --set KEY=VALUE ..." lines, which map.png's title and the report's head
    give too."""
    from siting.deliver.tables import settings_lines as lines

    return lines(settings, width)


def wrap_items(lead: str, items: Sequence[str], width: int) -> list[str]:
    """`lead` and the `items` joined by ", " in lines of at most `width` terminal columns
    (`display_width`, as `wrap_text`), broken only between items (never inside "0.24 s"), the
    lines after the first indented under the first item; an item longer than a line has a line
    of its own."""
    from siting.deliver.tables import display_width

    indent = " " * display_width(lead)
    lines: list[str] = []
    line = lead
    for i, item in enumerate(items):
        text = item + ("," if i < len(items) - 1 else "")
        if line == lead:
            line += text
        elif display_width(line) + 1 + display_width(text) > width:
            lines.append(line)
            line = indent + text
        else:
            line += " " + text
    lines.append(line.rstrip())
    return lines


def run_names(result: RunResult) -> Names:
    """How the summary names sites, clusters and products: the prepared run's `Names`
    (siting/config/units.py), as the report and map.png name them."""
    return result.prepared.names


def opened_sites_text(result: RunResult) -> str:
    """The sites the plan builds on by the names the report and map.png give them (the sites
    layer's `name`, shortened where that stays distinct: siting/config/units.py `Names`; a
    candidate cell by its id), in the plan's order, separated by "; " since names hold commas,
    and which of them it newly opens (siting/optimize/results.py `sites_built_text`); "none" when
    it builds on none."""
    from siting.optimize.results import sites_built_text

    return sites_built_text(result.plan, result.prepared.inputs, run_names(result).site)


#: The fewest terminal columns `labelled_lines` leaves its text beside the labels: a label wider
#: than the terminal allows hangs the lines after the first less deep.
LABELLED_TEXT_MIN = 20


def labelled_lines(label: str, room: int, text: str, width: int) -> list[str]:
    """`text` after `label` two spaces in, the label padded to `room` terminal columns
    (`display_width`) and two spaces ("  market  stopped at the time limit with a plan"), in lines
    of at most `width` columns (`wrap_text`), the lines after the first hanging under the text,
    not under the label, so that a wrapped site name never stands where a label would ("Tonghai
    county" read as a rule); no deeper than leaves LABELLED_TEXT_MIN columns for the text."""
    from siting.deliver.tables import display_width

    lead = f"  {label}{' ' * (room - display_width(label))}  "
    hang = min(display_width(lead), max(width - LABELLED_TEXT_MIN, 2))
    return wrap_text(lead + text, width, " " * hang)


def rule_costs_text(table: pd.DataFrame, names: Names) -> str:
    """The terminal's rule-cost table (siting/optimize/relax.py `rule_cost_table`) under its title:
    per rule whether the range the two solves prove its cost in reaches 0 (`within_solver_tolerance`
    in words, relax.py `WITHIN_WORDS`: "yes: not proven, may be 0"), that range (rounded outward,
    in one column: siting/deliver/tables.py `shown_values`) and the cost, in bn yuan, headed in
    words (relax.py `PRINTED_HEADERS`: "within solver tolerance", "range (bn yuan)", "cost (bn
    yuan)"): 75 columns, within 80; at 60 the cost is left out, the verdict kept. The relaxed
    objectives and their gaps, relative and absolute, which the range is made of, are left to
    rule_costs.md and .csv, as a line under the table says with what the range is. How the
    re-solves ended, as a solve says it (relax.py `said_status`), is no column, its words being
    too long to fit beside the verdict in 120 columns: when every
    re-solve ended alike the title says how ("every re-solve optimal within the gap", "every
    re-solve stopped at the time limit with a plan"); otherwise each re-solve not "optimal within
    the gap" is named under the table with how it ended ("market  stopped at the time limit with
    a plan"), a line per rule, wrapped at the terminal's width under the words, not the rule
    (`labelled_lines`).

    The sites each relaxed plan adds and drops follow the table, one line per rule that changes
    any, by their `names` ("differentiation  added: Lake park  dropped: Hill park"), wrapped at
    the table's width under the sites (`labelled_lines`: a wrapped site name never stands where a
    rule would), and a note that they are those of one plan among several of nearly the
    same cost (relax.py `SITES_CAVEAT`). A relaxed solve whose relative gap is measured against
    a net objective near zero (its note in rule_costs.md, relax.py `NEAR_ZERO_MARK`) is named in
    a note pointing to its absolute gap."""
    from siting.deliver.tables import HEADERS, display_width, shown_values, terminal_width
    from siting.optimize.relax import NEAR_ZERO_MARK, PRINTED_HEADERS, STATUS_WORDS, in_words

    width = terminal_width()
    sites = [(str(rule), str(added or ""), str(dropped or "")) for rule, added, dropped
             in zip(table["rule"], table["sites_added"], table["sites_dropped"], strict=True) if added or dropped]
    near_zero = [str(rule) for rule, note in zip(table["rule"], table["note"], strict=True)
                 if NEAR_ZERO_MARK in str(note or "")]
    table = in_words(table[["rule", "status", "within_solver_tolerance", "rule_cost_low_yuan", "rule_cost_high_yuan",
                            "rule_cost_yuan", "note"]], names)  # in the order of PRINTED_HEADERS
    table.attrs[HEADERS] = dict(PRINTED_HEADERS)
    ended = [(str(rule), str(status), str(words)) for rule, status, words
             in zip(table["rule"], table["status"], shown_values(table)["status"], strict=True)]
    title = "cost of each rule (objective minus the objective with that rule relaxed)"
    if len({words for _, _, words in ended}) == 1:
        title += f"; every re-solve {ended[0][2]}"
        ended = []
    ended = [(rule, words) for rule, status, words in ended if status != "optimal"]
    shown = text_table(table.drop(columns="status"), width, more="rule_costs.csv", labels=1)
    lines = [*wrap_text(title, width), shown,
             *wrap_text("(the range: where the gaps of the two solves prove the cost lies; the relaxed objectives and "
                        "gaps: rule_costs.md)", width)]
    if ended:
        lines.append(f"re-solves that did not end {STATUS_WORDS['optimal']}:")
        room = max(display_width(rule) for rule, _ in ended)
        for rule, words in ended:
            lines += labelled_lines(rule, room, words, width)
    if sites:
        lines.append("sites of the plan each relaxed solve ended on:")
        room = max(display_width(rule) for rule, _, _ in sites)
        for rule, added, dropped in sites:
            said = [f"{word}:\u00a0{'; '.join(names.site(s) for s in id_items(ids))}"  # no "dropped:" ending a line
                    for word, ids in (("added", added), ("dropped", dropped)) if ids]
            lines += labelled_lines(rule, room, "  ".join(said), width)
        lines += wrap_text("note: each is one plan among several of nearly the same cost: plans within the relaxed "
                           "solve's gap may build elsewhere, so another solve of the same relaxation (a compare run) "
                           "may add or drop other sites; read them as an example, not as the rule's proven effect",
                           width)
    if near_zero:
        rules = near_zero[0] if len(near_zero) == 1 else f"{', '.join(near_zero[:-1])} and {near_zero[-1]}"
        many = len(near_zero) > 1
        lines += wrap_text(f"note: the relative gap{'s' if many else ''} of the re-solve{'s' if many else ''} "
                           f"relaxing {rules} {'are' if many else 'is'} measured against "
                           f"{'net objectives' if many else 'a net objective'} near zero and "
                           f"read{'' if many else 's'} far larger than the {'plans' if many else 'plan'}'"
                           f"{'' if many else 's'} distance "
                           "from the optimum: read absolute_gap_bn_yuan in rule_costs.md instead", width)
    return "\n".join(lines)


def time_limit(text: str) -> float:
    """`--time-limit`: a finite number of seconds greater than 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds greater than 0 (got {text!r}); "
                                         "give e.g. --time-limit 60")
    return value


def workers(text: str) -> int:
    """`--workers`: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1 (got {text!r}); give e.g. --workers 2")
    return value


def alternatives_count(text: str) -> int:
    """`--alternatives`: a whole number from 1 to MOST_ALTERNATIVES (siting/config/schema.py)."""
    from siting.config.schema import MOST_ALTERNATIVES

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MOST_ALTERNATIVES:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MOST_ALTERNATIVES} (got {text!r}); "
                                         "give e.g. --alternatives 5")
    return value


def slack_share(text: str) -> float:
    """`--slack`: a share of the optimum's cost from 0 to 1 (0.05 = 5 %).

    A value above 1 is refused rather than read as a percent: `--slack 2` would allow plans
    costing 200 % more than the optimum, which is almost surely a user who meant 2 %.
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a share of the optimum's cost from 0 to 1 (got {text!r}); "
                                         "give e.g. --slack 0.05 for 5 %")
    if value > 1:
        example = f"--slack {value / 100:g} for {value:g} %" if value <= 100 else "e.g. --slack 0.05 for 5 %"
        raise argparse.ArgumentTypeError(f"must be a share of the optimum's cost from 0 to 1, not a percent "
                                         f"(got {text!r}, which is {value * 100:.10g}%); give {example}")
    return value


def typed_path(text: str) -> Path | str:
    """The path `text` as a shell hands it over: "./~name/x" names a folder "~name" in the current
    folder, which `Path` alone would write as "~name/x", a home folder's path; such a path is
    made absolute (current folder), every other one is `Path(text)`. A URL (`is_url`) is kept as
    the text typed, which `Path` would change (`https://host/x` to `https:/host/x`), for the
    command's checks to refuse with the input's other problems (siting.api `checked_path`)."""
    if is_url(text):
        return text
    path = Path(text)
    if os.fspath(path).startswith("~") and not text.startswith("~"):
        return Path.cwd() / path
    return path


def out_folder(text: str) -> Path:
    """`--out`: a folder path, not empty, not a URL (`typed_path`)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"must name a folder (got {text!r}); give e.g. --out outputs/run1")
    if is_url(text):
        raise argparse.ArgumentTypeError(url_words(text, folder=True))
    return Path(typed_path(text))  # a URL was refused above: a Path


class BadFlag(str):
    """A flag's value its check refused (`flag_value`), as a problem of the input ("--time-limit |
    must be ..."), held in the parsed arguments in place of the value, so that every refused flag
    value is reported together, with the scenario's problems, in the layout of bad input
    (`flag_problems`), rather than argparse's usage and first error alone."""


def flag_value(flag: str, check: Callable[[str], Any]) -> Callable[[str], Any]:
    """The type of the option `flag`: `check`'s value, or a `BadFlag` naming `flag` with what
    `check` refused (its ArgumentTypeError's text: what is wrong, the value got, the fix)."""
    def value(text: str) -> Any:
        try:
            return check(text)
        except argparse.ArgumentTypeError as refused:
            return BadFlag(f"{flag} | {refused}")
    value.__name__ = check.__name__  # argparse names a type by it in its own messages
    return value


def flag_problems(args: argparse.Namespace) -> list[str]:
    """The problems of the flag values `args` holds refused (`BadFlag`), in the order of the
    command's options, then those of its scenario or scenarios (its `--variant`, `--set` and
    layers, as `check` finds them, `loaded_problems`; none for `schema`, nor for `sweep`, whose
    settings are values to sweep: `batch_problems` lists its runs'), so that a bad flag hides
    nothing; empty when no flag value is bad."""
    bad = [value for value in vars(args).values() if isinstance(value, BadFlag)]
    if not bad or args.command in ("sweep", "schema"):
        return list(bad)
    scenario = args.scenarios if args.command == "compare" else args.scenario
    variant = None if args.command == "compare" else args.variant
    layers = args.command != "show"
    try:
        overrides = single_overrides(args.set, scenario, variant, layers)
    except InputError as exc:
        return [*bad, *exc.problems]
    return [*bad, *dict.fromkeys(loaded_problems(scenario, variant, overrides, layers))]


def slack_problems(args: argparse.Namespace) -> list[str]:
    """The problem of `--slack` given without `--alternatives` to `solve` or `check` (siting.api
    `slack_with_alternatives`), when neither value was refused (a refused `--alternatives` was
    given all the same); empty otherwise."""
    if args.command not in ("solve", "check") or any(isinstance(v, BadFlag) for v in (args.slack, args.alternatives)):
        return []
    api = front_door()
    try:
        with api.command_line_names():
            api.slack_with_alternatives(args.slack, args.alternatives)
    except InputError as exc:
        return list(exc.problems)
    return []


def scheduler_problems(args: argparse.Namespace) -> list[str]:
    """The problem of `compare`'s or `sweep`'s `--scheduler` (siting.api `checked_scheduler`: a
    malformed address, or Dask not installed; nothing is connected to), listed with the refused
    flags (`option_problems`), so that it hides none of the command's other problems, nor they it;
    empty for another command or a well-formed address."""
    if args.command not in ("compare", "sweep") or getattr(args, "scheduler", None) is None:
        return []
    api = front_door()
    try:
        with api.command_line_names():
            api.checked_scheduler(args.scheduler)
    except InputError as error:
        return list(error.problems)
    return []


def batch_problems(args: argparse.Namespace, flags: Sequence[str]) -> InputError:
    """`compare`'s or `sweep`'s refused flag values (`flags`; a malformed `--scheduler` among them:
    `scheduler_problems`) with every problem the command finds before it runs any (siting.api
    `compare`, `sweep`): the problems of its runs' scenarios, their `--set` (`sweep`'s values to
    sweep), layers and folder names (siting/runs/batch.py `compared_cases`, `swept_cases`) and,
    with `--out`, those of the output folder under the heading of both when it is refused
    (`checked_folder`, as the command gives them; a `--out` in a staging folder,
    `staging_refused`, with the flags alone, as `solve` gives it; a refused `--out` value, a
    `BadFlag` among `flags`, with the runs' problems alone, the folder it names not known), so
    that a bad flag value hides none of them. Writes nothing."""
    from siting.config.load import no_variant_chosen, overrides_named, paths_typed
    from siting.runs.batch import checked_folder, compared_cases, swept_cases
    from siting.runs.job import refused_together

    given = None if isinstance(args.out, BadFlag) else args.out  # a refused --out is among the flags
    try:
        staging_refused(given)
    except OutputFolderError as refused:
        return refused_together([*flags, *refused.problems], [])
    api = front_door()
    compare = args.command == "compare"
    typed = args.scenarios if compare else [args.scenario]
    with api.command_line_names(), overrides_named("--set"), paths_typed([*typed, given]):
        try:
            files = api.checked_paths(typed, args.variant if compare else None, ())
            out = api.checked_out(given)
        except InputError as error:
            malformed: list[str] = []
            if not compare and is_url(args.scenario):  # the file cannot be read: its --set still can
                try:
                    api.sweep_settings(args.set)
                except InputError as settings:
                    malformed = settings.problems
            return InputError([*flags, *malformed, *error.problems])
        try:
            if compare:
                overrides = compare_overrides(args)
                cases, inputs, problems = compared_cases(files, None, args.variant, overrides, "--variant",
                                                         "compare", out)
            else:
                with no_variant_chosen():
                    texts = api.sweep_settings(args.set, files[0])
                    cases, _values, _keys, inputs, problems = swept_cases(files[0], texts, None)
        except OutputFolderError as refused:  # an unreadable --set, with the folder's problems
            return refused_together([*flags, *refused.problems], [])
        except InputError as error:
            return InputError([*flags, *error.problems])
        if out is None:
            return InputError([*flags, *problems])
        try:  # given problems, it raises: InputError, or with the folder's an OutputFolderError
            checked_folder(out, inputs, "--out", [*flags, *problems], [case.out_dir.as_posix() for case in cases],
                           "comparison" if compare else "sweep", named=compare)
        except InputError as error:
            return error
    return InputError([*flags, *problems])


def option_problems(args: argparse.Namespace) -> InputError | None:
    """Every problem of the command line `args` when some flag value is refused (`BadFlag`) or,
    for `solve` and `check`, `--slack` is given without `--alternatives` (`slack_problems`):
    those first, in the order of the command's options, then every other that `solve` finds
    before it solves (`checked_problem`: the scenario, its `--set` and layers, and the output
    folder, under the heading of both when the folder is refused), so that no bad option hides
    another problem; for `compare` and `sweep`, every other that the command finds before it runs
    (`batch_problems`: the scenarios', their layers' and the output folder's; `sweep`'s runs'
    alone with `--out` refused, the folder it names not known); for another command, or `compare`
    with `--out` refused, the scenario's problems (`flag_problems`). None when no option is at
    fault. Writes nothing."""
    bad = [value for value in vars(args).values() if isinstance(value, BadFlag)]
    flags = [*bad, *slack_problems(args), *scheduler_problems(args)]
    if not flags:
        return None
    if args.command == "sweep" or (args.command == "compare" and not isinstance(args.out, BadFlag)):
        return batch_problems(args, flags)
    if args.command not in ("solve", "check") or isinstance(args.out, BadFlag):
        return InputError([*flags, *flag_problems(args)[len(bad):]])  # the bad flags first, then the scenario's
    from siting.runs.job import refused_together

    others = argparse.Namespace(**{key: None if isinstance(value, BadFlag) else value
                                   for key, value in vars(args).items()})
    others.slack = None  # its problem is among `flags`
    try:
        checked_problem(others)
    except OutputFolderError as refused:
        return refused_together([*flags, *refused.problems], [])
    except InputError as error:
        return InputError([*flags, *error.problems])
    return InputError(flags)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Help with each option's default, left out where there is none to state (None, off, empty),
    and a description or epilog wrapped line by line: each line of its text is a paragraph of its
    own, one starting with "- " a list item whose wrapped lines are indented under its text, never
    broken inside a word at its hyphen (`committed-projects`, `--time-limit`)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        filled = []
        for line in text.splitlines():
            words = " ".join(line.split())
            hang = "  " if words.startswith("- ") else ""
            filled.append(textwrap.fill(words, width, initial_indent=indent, subsequent_indent=indent + hang,
                                        break_on_hyphens=False))
        return "\n".join(filled)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default in (None, False, [], argparse.SUPPRESS) or "default" in text:
            return text
        return super()._get_help_string(action)


#: What `siting show --help` says below its options: what `show` checks and what it leaves
#: unchecked (siting/config/load.py `load_scenario` is what it runs); its one-line description
#: is the command's help.
SHOW_EPILOG = (
    "It checks the scenario file and every variant against the schema (keys, types, ranges, references between "
    "settings, solver options), reads and checks the catalog and committed-projects files it names, and checks "
    "that the calibration files and the allowed-zone layer exist.\n"
    "It opens no layer: whether the layers (clusters, sites, red line, sources, context, allowed zone) exist, are "
    "readable, have a known CRS and hold the columns and ids the scenario names is checked by `siting check`, "
    "which writes nothing, and by `siting solve` (and `compare` and `sweep`) before it solves, as is the output "
    "folder.")

#: What `siting check --help` says below its options (`check_text` is what it runs; docs/USAGE.md,
#: "Checking before a run"); its one-line description is the command's help.
CHECK_EPILOG = (
    "check makes every check `siting solve` makes before it solves, and solves nothing:\n"
    "- it loads and checks the scenario, its catalog and committed projects;\n"
    "- it reads and checks every layer (files, CRS, columns, ids, the sites the scenario names);\n"
    "- it preprocesses (red line, setbacks, candidate cells) and builds the model's inputs;\n"
    "- it checks the output folder the solve would write to (--out, or the scenario's output.folder) as solve "
    "does, making none of its folders and removing nothing;\n"
    "- it takes the options of solve (--rule-costs, --alternatives, --slack, --time-limit), checked as solve "
    "checks them, so that a solve command line runs as a check with 'solve' changed to 'check'.\n"
    "It prints the scenario's clusters, sites, candidate cells, products and years, the site-product pairs the red "
    "line and the proximity rule keep out, what the solve would do with the options of solve given, the notes a "
    "solve prints, with strict targets those the checks solve makes before solving find likely out of reach (solve "
    "will stop to diagnose them), and 'ready to solve' with the seconds it took.\n"
    "It writes no file and leaves every folder as it was (to learn that the output folder can be made, it makes "
    "an empty folder beside it and removes it at once, as solve does). Bad input ends with the message and exit "
    "code (2) of solve. More: docs/USAGE.md, \"Checking before a run\".")


#: What `--quiet` says of the progress it leaves out, by command (`solve` and the batches by default).
QUIET_HELP = {
    "solve": "print no progress (by default it goes to standard error: phases, the solver's best plan, bound and gap, "
             "and a bar over many runs)",
    "check": "print no progress (by default the phases of the check go to standard error)",
}
#: How `check --help` leads the help of an option it takes from `solve` (`add_solve_options`).
CHECK_TAKES = "for the solve (checked, said in the summary, not done): "


def add_common(parser: argparse.ArgumentParser, lead: str = "", quiet: str = QUIET_HELP["solve"]) -> None:
    parser.add_argument("--time-limit", type=flag_value("--time-limit", time_limit), default=None, metavar="SECONDS",
                        help=f"{lead}solver time limit per solve, replacing the scenario's solver.time_limit_s "
                        "(default: the scenario's)")
    add_quiet_debug(parser, quiet=quiet)


def add_quiet_debug(parser: argparse.ArgumentParser, quiet: str | None = QUIET_HELP["solve"]) -> None:
    """`--quiet` with the help `quiet` (none when None), and `--debug`."""
    if quiet is not None:
        parser.add_argument("--quiet", action="store_true", help=quiet)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")


def add_solve_options(parser: argparse.ArgumentParser, lead: str = "") -> None:
    """The options of `solve` beyond its scenario, variant, settings and folder: --rule-costs,
    --alternatives, --slack (and, by `add_common`, --time-limit), each help led by `lead` (`check`
    takes them too: `CHECK_TAKES`)."""
    parser.add_argument("--rule-costs", action="store_true",
                        help=f"{lead}also re-solve with each rule family relaxed and report what each rule costs")
    parser.add_argument("--alternatives", type=flag_value("--alternatives", alternatives_count), default=0, metavar="N",
                        help=f"{lead}also find N near-optimal plans, each as different as possible from those before, "
                        "with a robustness map (default: none)")
    parser.add_argument("--slack", type=flag_value("--slack", slack_share), default=None, metavar="SHARE",
                        help=f"{lead}with --alternatives: how much more than the optimum the alternatives may cost, "
                        "as a share from 0 to 1 (default: 0.05 = 5 %%)")


def add_parallel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=flag_value("--workers", workers), default=None, metavar="N",
                        help="runs in parallel worker processes (default: one per core this process may use)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a Dask cluster: tcp://host:8786, or 'local' to start one on this machine "
                        "(default: a local process pool)")


def add_set(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a setting by its dotted key, e.g. constraints.redline.buffer_m=2000, {what}; "
                        "a relative path given so starts at the current folder, one starting with ~ at the home "
                        "folder; repeat for more (default: none)")


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose help and version on standard output are results as any command's
    (`print_results`): standard output refusing them (`--help > /dev/full`) raises StdoutRefused,
    one line on standard error and exit 2, and its reader gone (`--help | head -1`)
    BrokenPipeError, exit 0 (`main`), where argparse drops the error and exits 0 without a word.
    Its messages on standard error (usage errors) are argparse's own. The commands' parsers are
    of this class too (argparse makes a subparser of its parent's class)."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if message and file is not None and file is sys.stdout:
            print_results(message, end="")
            return
        super()._print_message(message, file)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command; building it imports nothing heavy."""
    parser = Parser(prog="siting", formatter_class=HelpFormatter,
                                     description="Plan battery-industry capacity by site, product and year with "
                                     "a mixed-integer program, and write the plan for QGIS.")
    parser.add_argument("--version", action="version", version=f"siting {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        """The command `name`, whose one-line `text` is both its line in `siting --help` and the
        description of its own help; `epilog`, where given, the detail below its options."""
        made = sub.add_parser(name, help=text, description=text, epilog=epilog, formatter_class=HelpFormatter)
        made.set_defaults(**{COMMAND_PARSER: made})  # its own usage for an argument it does not know (`main`)
        return made

    def add_scenario(command: argparse.ArgumentParser) -> None:
        """The scenario file, its variant and the settings given on top, as solve, show and check take them."""
        command.add_argument("scenario", type=typed_path, help="scenario YAML file")
        command.add_argument("--variant", default=None, metavar="NAME",
                             help="a named variant defined in the scenario file (default: the base scenario)")
        add_set(command, "applied after the variant")

    solve = command("solve", "solve one scenario and write its outputs")
    add_scenario(solve)
    solve.add_argument("--out", type=flag_value("--out", out_folder), default=None, metavar="DIR",
                       help="output folder (default: the scenario's output.folder)")
    add_solve_options(solve)
    add_common(solve)
    show = command("show", "print the fully resolved scenario (extends, variant and --set applied); checks its "
                   "settings, not its layers (siting check does)", SHOW_EPILOG)
    add_scenario(show)
    add_quiet_debug(show, quiet=None)
    check = command("check", "check a scenario, its layers and the output folder as solve does before solving, "
                    "without solving or writing anything", CHECK_EPILOG)
    add_scenario(check)
    check.add_argument("--out", type=flag_value("--out", out_folder), default=None, metavar="DIR",
                       help="the output folder solve would write to, checked as solve checks it (default: the "
                       "scenario's output.folder)")
    add_solve_options(check, CHECK_TAKES)
    add_common(check, CHECK_TAKES, QUIET_HELP["check"])
    comp = command("compare", "solve several scenarios (or a file's variants) and compare them")
    comp.add_argument("scenarios", type=typed_path, nargs="+", metavar="scenario",
                      help="scenario YAML files; the first is the baseline, and a file with variants gives its "
                      "base and each variant")
    comp.add_argument("--variant", action="append", default=None, metavar="NAME",
                      help="run only this variant of the files that define it, beside each file's base; repeat "
                      "for more (default: every variant)")
    add_set(comp, "applied to every run")
    comp.add_argument("--out", type=flag_value("--out", out_folder), default=Path("outputs/compare"), metavar="DIR",
                      help="comparison folder")
    add_parallel(comp)
    add_common(comp)
    sw = command("sweep", "solve a scenario over value lists of settings (cartesian product)")
    sw.add_argument("scenario", type=typed_path, help="scenario YAML file")
    sw.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2,...", required=True,
                    help="a setting and its values, e.g. constraints.redline.buffer_m=0,500,1000 (a relative path "
                    "given so starts at the current folder, one starting with ~ at the home folder); repeat to sweep "
                    "several settings together")
    sw.add_argument("--out", type=flag_value("--out", out_folder), default=Path("outputs/sweep"), metavar="DIR",
                    help="sweep folder")
    add_parallel(sw)
    add_common(sw)
    schema = command("schema", "write the JSON schema of a scenario file (or of the catalog or the committed-projects "
                     "file), for editors to complete and check it")
    schema.add_argument("--of", choices=("scenario", "catalog", "committed"), default="scenario",
                        help="the file the schema is of: a scenario (default), the technology catalog, or the "
                        "committed-projects file")
    schema.add_argument("--out", default=None, metavar="FILE",
                        help="the file to write (default: print the schema to standard output)")
    schema.add_argument("--partial", action="store_true",
                        help="leave every key optional, for a scenario that extends a base")
    add_quiet_debug(schema, quiet=None)
    return parser


def single_overrides(texts: Sequence[str], scenario: Path | str | Sequence[Path | str] | None = None,
                     variant: str | None = None, layers: bool = True) -> tuple[Override, ...]:
    """`--set KEY=VALUE` options as (key, value) pairs; a list of values, a text without a key or
    a value, or a value YAML cannot read, is an error naming the option, whose example is one
    value (`solve`, `show` and `compare` take one; `sweep` takes several). InputError listing
    every such option's problem, each once, in their order; with `scenario`, followed by the
    problems of loading it (or each of several, `compare`'s, without their variants; `variant`,
    and with `layers` its layers too, as `check` reads them)
    with the options that could be read, each option that could not standing at fault in it
    (siting/config/load.py `Unreadable`), so that one broken option does not hide the others'
    problems."""
    from siting import api
    from siting.config.load import parse_override, unreadable_stand_in

    pairs: list[Override] = []
    stand_ins: list[Override] = []
    problems: list[str] = []
    for text in texts:
        broken = unreadable_stand_in(text)
        try:
            with api.command_line_names():
                key, values = parse_override(api.checked_setting_text(text, "--set", api.OVERRIDE_EXPECTED,
                                                                      empty_ok=True))
        except InputError as exc:
            problems.extend(exc.problems)
            stand_ins += broken
            continue
        if len(values) != 1:
            problems.append(f"--set {text} | takes one value (got {len(values)}); to run several values, use "
                            f"siting sweep --set {text}")
            stand_ins += broken
            continue
        pairs.append((key, values[0]))
        stand_ins.append((key, values[0]))
    if problems:
        if scenario is not None:
            problems += loaded_problems(scenario, variant, tuple(stand_ins), layers)
        raise InputError(list(dict.fromkeys(problems)))
    return tuple(pairs)


def run_overrides(args: argparse.Namespace) -> tuple[Override, ...]:
    """`solve`'s and `check`'s `--set` options (`single_overrides`, under the names of the command
    line); when some cannot be read, its InputError lists the problems of the `--out` folder too,
    where one is given (siting/runs/job.py `with_folder_problems`; the inputs known for sure are
    the scenario file and its bases), so that a broken `--set` does not hide them."""
    api = front_door()
    with api.command_line_names():
        try:
            return single_overrides(args.set, args.scenario, args.variant)
        except InputError as error:
            if args.out is None:
                raise
            from siting.config.load import paths_typed
            from siting.runs.job import with_folder_problems
            try:
                scenario, out = api.checked_path(args.scenario), api.checked_out(args.out)
            except InputError:
                raise error from None
            with paths_typed([args.scenario, args.out]):
                raise with_folder_problems(error, None, scenario, out, "--out", args.variant) from None


def compare_overrides(args: argparse.Namespace) -> tuple[Override, ...]:
    """`compare`'s `--set` options (`single_overrides`, with the problems of its scenarios); when
    some cannot be read, its InputError lists the problems of the `--out` folder too, where one is
    given (siting/deliver/folders.py `destination_problems`; the inputs known for sure are the
    scenario files and their bases, siting/runs/job.py `salvaged_inputs`), under the heading of
    both, as `run_overrides` does for `solve`, so that a broken `--set` does not hide them. Called
    under the command line's names (siting.api `command_line_names`)."""
    try:
        return single_overrides(args.set, args.scenarios)
    except InputError as error:
        if args.out is None:
            raise
        from siting.config.load import paths_typed
        from siting.deliver.folders import destination_problems
        from siting.runs.job import refused_together, salvaged_inputs

        api = front_door()
        try:
            files, out = [api.checked_path(path) for path in args.scenarios], api.checked_out(args.out)
        except InputError:
            raise error from None
        with paths_typed([*args.scenarios, args.out]):
            refused = destination_problems(out, [f for path in files for f in salvaged_inputs(None, path)], "--out")
        if refused:
            raise refused_together(error.problems, refused) from None
        raise


def loaded_problems(scenario: Path | str | Sequence[Path | str], variant: str | None, overrides: tuple[Override, ...],
                    layers: bool) -> list[str]:
    """The problems of loading `scenario` (its `variant`, with `overrides`; with `layers` its
    layers checked too, `load_checked`), none of them about an `Unreadable` value or its key (an
    unknown one, say): what the other options' problems are when some `--set` could not be read,
    each option that could not said once, by what made it unreadable."""
    from siting import api
    from siting.config.load import load_scenario, overrides_named, paths_typed, without_unreadable
    from siting.prepare.problem import load_checked

    problems: list[str] = []
    for each in scenario if isinstance(scenario, (list, tuple)) else [scenario]:
        try:
            with api.command_line_names(), overrides_named("--set"), paths_typed([each]):
                path = api.checked_path(each)
                if layers:
                    load_checked(path, variant, overrides)
                else:
                    load_scenario(path, variant, overrides)
        except InputError as exc:
            with overrides_named("--set"):
                problems += without_unreadable(exc.problems, overrides)
    return problems


def whole_numbers(value: Any) -> Any:
    """`value` (plain data: mappings, lists, scalars) with every float that is a whole number
    written as an integer (1000000.0 as 1000000), as a scenario file writes it: the schema reads
    figures as floats, and `show` gave back `buffer_m: 1000.0` for a file's `buffer_m: 1000`. Read
    again, the integer is the same float (below 2**53, where every integer is exact)."""
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2.0**53:
        return int(value)
    return value


def show_scenario(args: argparse.Namespace) -> str:
    """The `show` command's text: the resolved scenario as YAML, and the file's variants. Its
    messages name the scenario as typed when typed absolute, from a home folder or out of the
    current folder (`paths_typed`), as `solve`'s do."""
    from siting.config.load import dump_yaml, load_scenario, paths_typed, scenario_variants

    api = front_door()
    with paths_typed([args.scenario]):
        overrides = single_overrides(args.set, args.scenario, args.variant, layers=False)
        with api.command_line_names():
            api.checked_path(args.scenario)  # a URL, kept as typed (`typed_path`), is refused
        loaded = load_scenario(args.scenario, args.variant, overrides)
        variants = scenario_variants(args.scenario)
    data = whole_numbers(loaded.scenario.model_dump(mode="json", exclude={"variants", "extends"}))
    text = dump_yaml(data, sort_keys=False, allow_unicode=True)
    if variants:
        text += f"# variants defined in this file: {', '.join(variants)}\n"
    return text


def solve_options_text(args: argparse.Namespace, prepared: Prepared) -> str:
    """What `solve` would do with the options it takes beyond the scenario, variant, settings and
    folder (`add_solve_options`, --time-limit), for `check`, which takes them and solves nothing:
    the near-optimal alternatives it would search and within what share of the optimum's cost
    (--slack, else siting.api `DEFAULT_SLACK`; a slack below the scenario's `solver.rel_gap` said so,
    since a difference of cost within the optimum's gap is not proven), the rules --rule-costs would
    relax one at a time
    (the enabled families of models `RULE_COST_FAMILIES`, in its order, as rule_costs.csv names
    them), and the time limit per solve in place of the scenario's; "; " between them, empty when
    none is given."""
    from models import RULE_COST_FAMILIES
    from siting.api import DEFAULT_SLACK
    from siting.config.units import slack_percent

    said = []
    if args.alternatives:
        share = DEFAULT_SLACK if args.slack is None else args.slack
        said.append(f"search {args.alternatives} near-optimal alternative{'s' if args.alternatives != 1 else ''} "
                    f"within {slack_percent(share)} of the optimum's cost")
        asked = prepared.loaded.scenario.solver.rel_gap
        if share < asked:  # as alternatives.md says once the optimum's gap is known
            said[-1] += (f" (below the {slack_percent(asked)} gap the optimum is to be proven within, solver.rel_gap: "
                         "an alternative's extra cost within that gap is not proven)")
    if args.rule_costs:
        rules = [name for name in RULE_COST_FAMILIES if name in prepared.inputs.enabled_families]
        said.append(f"price each rule (--rule-costs): re-solve with each of its {len(rules)} rules relaxed in turn "
                    f"({', '.join(rules)})" if rules else "price each rule (--rule-costs): no rule it prices is on, "
                    "so no re-solve")
    if args.time_limit is not None:
        said.append(f"stop each solve at {args.time_limit:g} s (--time-limit, in place of the scenario's "
                    f"solver.time_limit_s {prepared.loaded.scenario.solver.time_limit_s:g} s)")
    return "; ".join(said)


def solver_text(args: argparse.Namespace, prepared: Prepared) -> str:
    """What `check` says of the solve's stopping rule: the relative gap the plan is to be proven
    within, as given (solver.rel_gap, a share, in percent: "gap 0.1% (solver.rel_gap)"), the
    absolute gap if one is given (solver.abs_gap_bn_yuan), and the time limit in s, --time-limit's
    where given, else the scenario's (solver.time_limit_s)."""
    from siting.config.units import slack_percent

    solver = prepared.loaded.scenario.solver
    text = f"gap {slack_percent(solver.rel_gap)} (solver.rel_gap)"
    if solver.abs_gap_bn_yuan is not None:
        text += f" or {solver.abs_gap_bn_yuan:g} bn yuan (solver.abs_gap_bn_yuan)"
    limit, said = ((args.time_limit, "--time-limit") if args.time_limit is not None
                   else (solver.time_limit_s, "solver.time_limit_s"))
    return f"{text}, time limit {limit:g} s ({said})"


def checked_problem(args: argparse.Namespace) -> tuple[Prepared, Path, dict[str, float]]:
    """What `siting solve` does before it solves (siting.api `run`, siting/runs/job.py `run_solve`),
    writing nothing: the scenario loaded, with the problems of its layers and of the output folder
    in one message where it does not load (`with_layer_problems`, `with_folder_problems`); the output
    folder (`--out`, or the scenario's output.folder) checked by the rule of siting/deliver/folders.py
    (`destination_problems`: the scenario's output.folder not holding the outputs of another
    scenario or variant, `scenario_folder`; `check_destination` applies it before it removes what killed runs
    left beside the folder: here nothing is removed; its test that folders can be made there makes
    an empty folder and removes it at once), its refusal listed with the layers' problems
    (`with_input_problems`); then siting/prepare/problem.py `prepare`: the layers read and checked,
    the preprocessing and the model's inputs. Before all that, the options of solve given to check
    that need one another: --slack without --alternatives is refused by siting.api
    `slack_with_alternatives`, as `run` refuses it (their values are checked by the parser, as
    solve's). Returns the prepared problem, the folder a solve would write to and the seconds of
    each phase; raises the InputError (an
    OutputFolderError for the folder) that solve raises, with its text, as it does for a --out in
    a staging folder (`staging_refused`) before anything is read."""
    from siting.config.load import overrides_named, paths_typed
    from siting.runs.job import checked_before_solving

    staging_refused(args.out)
    api = front_door()
    timings: dict[str, float] = {}
    with api.command_line_names():
        api.slack_with_alternatives(args.slack, args.alternatives)  # as siting.api `run`, before anything is read
        overrides = run_overrides(args)
        scenario, out = api.checked_path(args.scenario), api.checked_out(args.out)
        with overrides_named("--set"), paths_typed([args.scenario, args.out]):
            prepared, target = checked_before_solving(scenario, out, args.variant, overrides, "--out", timings)
    return prepared, target, timings


def check_text(args: argparse.Namespace) -> str:
    """The `check` command's text (`checked_problem` checks, writing nothing): the scenario's name;
    its clusters; the sites of the sites layer the model holds, by cluster, and those dropped
    outside every cluster; the candidate cells by cluster, if any; the products and years; the
    gap and time limit the solve stops at (`solver_text`); the site-product pairs the red line and
    the proximity rule keep out of the candidates
    (siting/runs/pool.py `excluded_pairs`, as a comparison counts them); the folder a solve would
    write to and what solve will do with it (siting/deliver/folders.py `what_a_run_does`: create,
    write into or replace it); what the solve would do with the options of solve given (`solve_options_text`); the
    notices as solve prints them (`notice_lines`), but for where a solve will list what they count
    (siting/prepare/inputs.py `before_solving`); the strict targets solve's checks before the MIP
    find likely out of reach (`presolve_lines`: a warning, the exit code stays 0); and "ready to
    solve" with the seconds it took
    from the command's start (`args.started`, `command_started`: in its own process, from the
    process's start, Python's start-up and its imports included; without it, from the check's
    start), by phase: "start-up" (from the command's start to the check's: Python, its imports,
    the arguments), then the check's own, so that the first figure is the whole command's time."""
    from siting.deliver.folders import what_a_run_does
    from siting.deliver.tables import terminal_width, wrap_columns
    from siting.prepare.checks import nothing_buildable
    from siting.prepare.inputs import before_solving
    from siting.runs.pool import excluded_pairs

    width = terminal_width()
    began = time.perf_counter()
    started = getattr(args, "started", None)
    started = began if started is None else min(started, began)
    prepared, target, timings = checked_problem(args)
    out_of_reach = presolve_lines(prepared, width)
    took = time.perf_counter() - started
    timings = {"start-up": began - started, **timings}
    inputs, names = prepared.inputs, prepared.names
    cells = set(prepared.candidate_cells)
    sites = [s for s in inputs.SITES if s not in cells]

    def by_cluster(ids: Sequence[str]) -> str:
        counts = [sum(1 for s in ids if inputs.cluster_of_site[s] == c) for c in inputs.CLUSTERS]
        return ", ".join(f"{names.cluster(c)} {n:,}" for c, n in zip(inputs.CLUSTERS, counts, strict=True))

    dropped = prepared.spatial.dropped_sites
    lines = [f"scenario  {prepared.loaded.scenario.name}"]
    lines += wrap_text(f"clusters  {len(inputs.CLUSTERS)}: {', '.join(map(names.cluster, inputs.CLUSTERS))}",
                       width)
    lines += wrap_text(f"sites     {len(sites)} eligible ({by_cluster(sites)}), {len(dropped)} dropped outside every "
                       f"cluster" + (f": {'; '.join(map(names.site_and_id, dropped))}" if dropped else ""),
                       width)
    if cells:
        lines += wrap_text(f"cells     {len(cells):,} candidate cells ({by_cluster(list(cells))})", width)
    lines += wrap_text(f"products  {len(inputs.PRODUCTS)}: {', '.join(map(names.product, inputs.PRODUCTS))}",
                       width)
    years = list(inputs.YEARS)
    lines.append(f"years     {years[0]}-{years[-1]}" if len(years) > 1 else f"years     {years[0]}")
    lines += wrap_text(f"solver    {solver_text(args, prepared)}", width)
    kept_out = excluded_pairs(inputs)
    said = [f"{words} {n:,}" + ("" if family in inputs.enabled_families else " (rule off)")
            for (words, n), family in zip(kept_out.items(), ("redline", "proximity"), strict=True)]
    # broken between the families, not inside one's count nor inside the bracket
    glued = [part.replace(" ", "\u00a0") for part in (*said, f"(of {len(inputs.CANDIDATES):,} candidate pairs)")]
    lines += [line.replace("\u00a0", " ") for line in wrap_columns(
        f"site-product pairs kept out: {', '.join(glued[:-1])} {glued[-1]}", width, "  ")]
    lines += wrap_text(f"output folder {folder_named(target)} {what_a_run_does(target)}", width)
    would = solve_options_text(args, prepared)
    lines += wrap_text(f"with these options solve would: {would}", width) if would else []
    nothing = nothing_buildable(inputs, names)  # solve's first note: say it before solving too
    lines += notice_lines([before_solving(n) for n in
                           ([nothing] if nothing and nothing not in prepared.notices else []) + prepared.notices])
    lines += out_of_reach
    lines += bracketed_items(f"ready to solve: checked in {took:.2f} s", [f"{k} {v:.2f} s" for k, v in timings.items()],
                             width)
    return "\n".join(lines)


def presolve_lines(prepared: Prepared, width: int) -> list[str]:
    """What `check` says of the strict targets that solve's checks before the MIP find out of
    reach (siting/optimize/explain.py `presolve_findings`, run as siting/optimize/run.py
    `solve_prepared` runs them: only with targets.strict, on the same inputs, units and names):
    a "targets" line saying that solve will stop before solving to diagnose them and end without
    a plan where the diagnosis confirms them (the findings are a shortcut, the diagnosis the
    proof: "likely"), then each finding as solve's message lists it, "  - ...", wrapped at
    `width` terminal columns with its later lines indented by four spaces. Empty when the
    targets are not strict or nothing is found. A warning, as check's notes: check still exits 0."""
    from siting.optimize.explain import presolve_findings

    if not prepared.inputs.targets_strict:
        return []
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    findings = presolve_findings(prepared.inputs, units, prepared.names)
    if not findings:
        return []
    these, them = ("this", "it") if len(findings) == 1 else ("these", "them")
    lines = wrap_text(f"targets   likely out of reach (targets.strict: true): solve will stop before solving to "
                      f"diagnose {these}, and end without a plan if the diagnosis confirms {them}:", width)
    for finding in findings:
        lines += wrap_text(f"  - {finding}", width, "    ")
    return lines


def bracketed_items(lead: str, items: Sequence[str], width: int) -> list[str]:
    """`lead` followed by the `items` in brackets, "lead (a, b)", on one line where it fits in
    `width` terminal columns; otherwise the bracket begins the next line, indented by two
    spaces, so that the bracket's items stay together, wrapped only where they alone are wider
    than a line (`wrap_items`)."""
    from siting.deliver.tables import display_width

    whole = f"{lead} ({', '.join(items)})"
    if display_width(whole) <= width or not items:
        return [whole]
    lines = [lead, *wrap_items("  (", items, width)]
    lines[-1] += ")"
    return lines


def batch_report(result: Any, what: str, notices: Sequence[str] = ()) -> str:
    """The table of a `compare` (the runs' values, then their differences against the baseline
    with the objective difference in words when they do not fit beside them, and the note on
    capacity rows: siting/runs/tables.py `comparison_text`) or of a `sweep` (`sweep_text`), from a
    `siting.api.Batch`, where the status of a run without a plan is a word ("infeasible", "failed");
    under it, the notices of the runs with a plan (`plan_notice_lines`: those every run has once,
    "all runs: ...", then each run's own, the first few of a long list, with where all are); then
    the whole message of each run without a plan, after that word ("run infeasible: run02 ...: the
    plan is infeasible before solving: ..."), followed by its run's notices, "note: ..." as `solve`
    prints them (`notice_lines`: often they say why the run has no plan); then the `notices` of
    the batch as a whole (a scenario file given twice to `compare`), "note: ..."; and the folder.
    The table and its notes are laid out to the terminal's width (`terminal_width`)."""
    from siting.runs.pool import failure_message
    from siting.runs.tables import comparison_text, plan_notice_lines, short_status, sweep_text, terminal_width

    width = terminal_width()  # the terminal's, or 120 on a file or pipe
    if what == "comparison":
        lines = [comparison_text(result.table, result.runs, f"{what}.csv", width), ""]
    else:
        lines = [sweep_text(result.table, f"{what}.csv", result.runs, width), ""]
    noticed = plan_notice_lines(result.runs, width)  # what the runs with a plan say of their inputs
    lines += [*noticed, ""] if noticed else []
    for summary in result.runs:
        if not summary.ok:
            message = failure_message(summary)
            said = f"run {short_status(summary)}: {summary.label}: {message}"
            # a run without a plan as `solve` says it (`no_plan_text`); other errors as they are
            lines += (message_lines(said, width, (str(result.folder),))
                      if summary.error.startswith(("PlanInfeasible: ", "NoSolution: ")) else [said])
            lines += notice_lines(summary.notices, message)
    lines += notice_lines(notices)
    lines.append(f"{what} written to {folder_named(result.folder)}")
    return "\n".join(lines)


def alternatives_written(record: Mapping[str, Any] | None, asked: int, folder: str) -> str:
    """The line closing `siting solve --alternatives N`'s summary: what it wrote besides the
    optimum's files, in `folder` (as the summary names it): how many alternatives and their
    folders, from the optimum's `near_optimal` record (siting/optimize/alternatives.py
    `near_optimal_record`; its plans after the first; without one, `asked` of them), the
    comparison and the robustness layer: "2 alternatives in alt01/ and alt02/, compared in
    alternatives.md, with robustness.geojson (how often the plans use each site), in out"."""
    if record:
        labels = [str(row["plan"]) for row in list(record.get("plans") or [])[1:]]
    else:
        labels = [f"alt{n:02d}" for n in range(1, asked + 1)]
    layer = "robustness.geojson (how often the plans use each site)"
    if not labels:
        return f"no alternative folders: alternatives.md, with {layer}, in {folder}"
    named = [f"{label}/" for label in labels]
    if len(named) > 3:
        where = f"{named[0]} to {named[-1]}"
    else:
        where = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    many = "alternative" + ("s" if len(labels) != 1 else "")
    return f"{len(labels)} {many} in {where}, compared in alternatives.md, with {layer}, in {folder}"


def staging_refused(out: Path | str | None) -> None:
    """Raise OutputFolderError when `--out` (`out` as typed, None when not given) is the hidden
    folder a run, comparison or sweep assembles its outputs in, or lies inside one
    (siting/deliver/folders.py `staging_problem`), before anything is read or written."""
    if out is None:
        return
    from siting.config.load import home_path
    from siting.deliver.folders import staging_problems

    problems = staging_problems(home_path(out), "--out")
    if problems:
        raise OutputFolderError(problems)


def front_door() -> ModuleType:
    """siting.api, the front door, imported with Python's cyclic garbage collector off; the
    objects alive then (the modules of Pyomo, pandas, GeoPandas and the tool: about 250,000)
    are set aside for the rest of the process (`gc.freeze`), so that no collection scans them
    again (the modules live as long as the process). Measured on the shipped scenario: the
    collections of a run took 0.09-0.14 s of CPU instead of 0.28-0.31 s (0.56-0.61 s before the
    solve set aside what it found, siting/optimize/solve.py `collector_frozen`). Once per process
    (`set_aside_for_process`): a command run again in the same process (`main` called from
    Python) sets nothing more aside."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from siting import api
        from siting.optimize.solve import set_aside_for_process
        set_aside_for_process()
    finally:
        if enabled:
            gc.enable()
    return api


class StdoutRefused(Exception):
    """Standard output refused the command's results (`print_results`): its file's disk is full,
    over quota, or its device fails. `cause`: the OSError raised."""

    def __init__(self, cause: OSError):
        super().__init__(str(cause))
        self.cause = cause


def print_results(*values: object, sep: str = " ", end: str = "\n") -> None:
    """`print` of the command's results to standard output, flushed at once, so that a refusal
    shows here: the reader of a pipe gone raises BrokenPipeError, as `print` does (`... | head`:
    the command succeeded); any other OSError is raised as StdoutRefused (said in one line, exit
    code 2: `_error_exit`), not as a traceback."""
    try:
        print(*values, sep=sep, end=end)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise StdoutRefused(exc) from exc


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command, print its results on standard output; return the exit code."""
    if args.command == "solve":
        staging_refused(args.out)
        api = front_door()

        try:
            # its problems name the options (--set, --out, --slack without --alternatives), and so
            # does its advice (--time-limit)
            overrides = run_overrides(args)
            with api.command_line_names():
                result = api.run(args.scenario, args.out, variant=args.variant, overrides=overrides,
                                 time_limit_s=args.time_limit, rule_costs=args.rule_costs,
                                 alternatives=args.alternatives, slack=args.slack)
        except OutputFolderError as refused:
            if refused.result is not None:  # the folder changed during the run: the plan is in the kept folder
                print_results(format_summary(refused.result, args.set))
            raise
        print_results(format_summary(result, args.set))
        if args.alternatives:
            from siting.config.units import slack_percent
            from siting.deliver.explore import near_optimal_line
            from siting.deliver.tables import solve_decimals, terminal_width
            slack = api.DEFAULT_SLACK if args.slack is None else args.slack
            report = result.report  # the optimum's cost as its objective line above gives it
            digits = solve_decimals(report.objective_yuan, report.best_bound_yuan, report.gap)
            found = near_optimal_line(result.near_optimal, digits) or (
                f"{args.alternatives} near-optimal alternative{'s' if args.alternatives != 1 else ''} within "
                f"{slack_percent(slack)} of the optimum")
            # the folder's line, a path, is not wrapped
            print_results("", *wrap_text(found, terminal_width()), sep="\n")
            print_results(alternatives_written(result.near_optimal, args.alternatives, folder_named(result.out_dir)))
        if result.rule_costs is not None:
            print_results("\n" + rule_costs_text(result.rule_costs, run_names(result)))
        return 0
    if args.command == "show":
        print_results(show_scenario(args), end="")
        return 0
    if args.command == "check":
        print_results(check_text(args))
        return 0
    if args.command == "schema":
        from siting.api import scenario_schema_text, write_scenario_schema
        from siting.config.load import home_expanded

        if args.partial and args.of != "scenario":
            raise InputError([f"--partial | leaves out the keys a file that extends a base need not repeat, and only "
                              f"a scenario extends one (got --of {args.of}); leave out --partial"])
        if args.out is None:
            print_results(scenario_schema_text(args.partial, of=args.of), end="")
        else:  # named as typed when from a home folder
            written = write_scenario_schema(args.out, args.partial, of=args.of)
            what = {"committed": "committed-projects"}.get(args.of, args.of)
            print_results(f"{what} schema written to {args.out if home_expanded(args.out) is not None else written}")
        return 0
    staging_refused(args.out)
    api = front_door()

    shown = progress.active() is not None
    with api.command_line_names():  # its problems name the options: --set, --out, --scheduler
        if args.command == "compare":
            batch = api.compare(args.scenarios, args.out, workers=args.workers, scheduler=args.scheduler,
                                time_limit_s=args.time_limit, progress=shown, variants=args.variant,
                                overrides=compare_overrides(args))
        else:
            batch = api.sweep(args.scenario, args.set, args.out, workers=args.workers,
                              scheduler=args.scheduler, time_limit_s=args.time_limit, progress=shown)
    if args.command == "compare":
        from siting.runs.batch import repeated_file_notices

        print_results(batch_report(batch, "comparison", repeated_file_notices(args.scenarios)))
    else:
        print_results(batch_report(batch, "sweep"))
    return 0 if batch.ok else 1


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM, so that the same clean-up
    as for Ctrl-C runs (staging folders removed, worker processes stopped)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: Signals received while the command runs: Python drops an exception raised where it cannot
#: be passed on (a garbage-collection callback), so a stop is also noted here and raised again
#: at the next phase (`progress.phase`) or before the command returns.
_received: list[int] = []


def _raise_stopped(signum: int, _frame: object) -> None:
    if signum not in _received:
        _received.append(signum)
    raise Stopped(signum) if signum != signal.SIGINT else KeyboardInterrupt


def _stop_if_received() -> None:
    if _received:
        signum = _received[0]
        raise Stopped(signum) if signum != signal.SIGINT else KeyboardInterrupt


def _no_record_after_a_stop(_record: logging.LogRecord) -> bool:
    """A filter of Pyomo's logger (`stop_on_sigterm`): no record once a stop was received. Pyomo
    logs "Rule failed for Expression ... KeyboardInterrupt" and "Constructing component ...
    failed" for a stop raised in a rule, as for an error, which would print beside the stop line."""
    return not _received


def _unraisable(previous: Any) -> Any:
    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _received:
            return  # noted in _received and raised again at the next phase
        previous(unraisable)
    return hook


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `Stopped`, and Ctrl-C into KeyboardInterrupt as usual, while the block
    runs (main thread only), noting each so that one Python could not raise (it drops exceptions
    in garbage-collection callbacks) is raised at the next phase; restore after. Pyomo's logger
    ("pyomo.core") passes nothing on once a stop was noted (`_no_record_after_a_stop`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, _raise_stopped)
    previous_hook, sys.unraisablehook = sys.unraisablehook, _unraisable(sys.unraisablehook)
    progress.stop_check(_stop_if_received)
    pyomo_logger = logging.getLogger("pyomo.core")
    pyomo_logger.addFilter(_no_record_after_a_stop)
    try:
        yield
        _stop_if_received()
    finally:
        pyomo_logger.removeFilter(_no_record_after_a_stop)
        signal.signal(signal.SIGTERM, previous)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)
        sys.unraisablehook = previous_hook
        progress.stop_check(None)


def end_at_once_on_another_stop(code: int) -> None:
    """In the command's own process (cli.py `run`, the installed `siting`), once `main` returned
    the exit code of a stop (130 or 143, its outputs discarded and its line printed): a further
    Ctrl-C or SIGTERM while Python ends (it waits for the threads still running) ends the process
    at once with that code, in place of Python's "Exception ignored in: <module 'threading'>"
    traceback. A signal ignored as the command started (a background job's Ctrl-C) stays
    ignored. Not for `main` called in another program's process: the handlers stay set."""
    if code not in (128 + signal.SIGINT, 128 + signal.SIGTERM):
        return

    def leave(_signum: int, _frame: object) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)

    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, leave)


def open_closed_streams() -> None:
    """In the command's own process (`main`'s own_process), as it starts: a standard output or
    error closed as the process started (`>&-`, `2>&-`: Python then sets `sys.stdout` or
    `sys.stderr` to None) is opened onto the null device, so that what the command writes there is
    dropped, as the user asked, instead of ending the command with an AttributeError where it or a
    library flushes the stream (Pyomo's capture of HiGHS's output does, for every command that
    reads a scenario); and so that no file the command opens later takes that descriptor, where a
    library's own writes to it would land. Streams that are open are left as they are."""
    for descriptor, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, os.O_WRONLY)
        if null != descriptor:
            os.dup2(null, descriptor)
            os.close(null)
        setattr(sys, name, open(descriptor, "w", encoding="utf-8", closefd=False))  # noqa: SIM115 (for the process's life)


def end_without_freeing(code: int) -> None:
    """In the command's own process (cli.py `run`, the installed `siting`), once `main` returned
    `code` and printed all it prints: end the process now with `code`, as Python's own end does
    (the exit functions registered with `atexit` run, the standard streams are flushed) but without
    freeing every object the run made one by one, which takes 0.15-0.25 s after the shipped
    scenario's solve (measured; the Pyomo model, the layers, the loaded libraries) and changes
    nothing on disk: the outputs are written and closed by then. mypy ends its command so, for the
    same reason. Only where no other thread runs (Python's end waits for those: a stop's, a Dask
    client's); there, and for a `main` called in another program's process, nothing is done.
    Where a standard stream cannot be flushed (a pipe its reader closed, a full disk), Python's own
    end follows, which says so as it always did. A stream closed as the process started (`>&-`,
    `2>&-`: Python then sets it to None) has nothing to flush, and is skipped as Python's own end
    skips it: the exit code stays `code`."""
    if threading.active_count() > 1:
        return
    import atexit

    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


#: The attribute of the parsed arguments holding the command's own parser (`build_parser`).
COMMAND_PARSER = "_command_parser"


def parsed_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line parsed; an argument given after the command that it does not take is
    refused with the command's own usage ("usage: siting show [-h] ..."), not the top-level one
    argparse gives; one given before the command, with the top-level usage (exit 2, as any bad
    argument)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        words = list(sys.argv[1:] if argv is None else argv)
        after = words[words.index(args.command) + 1:] if args.command in words else []
        refusing = getattr(args, COMMAND_PARSER, parser) if all(u in after for u in unknown) else parser
        refusing.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv: list[str] | None = None, own_process: bool = False) -> int:
    """Run the command line; return the exit code (see the module docstring). `own_process`: the
    process is the command's own (cli.py `run`, the installed `siting`), which ends once `main`
    returns: after a stop, what the command started is left to its end (`progress.ending_on_stop`:
    the local Dask cluster's workers, as Ctrl-C cuts its start or its close short), which the stop
    then takes a fraction of a second, not seconds; a program calling `main` keeps nothing of it."""
    started = command_started(own_process)
    if own_process:
        open_closed_streams()
    try:
        args = parsed_arguments(argv)
    except (StdoutRefused, BrokenPipeError) as exc:  # --help or --version refused, or its reader gone
        return _error_exit(exc, False, own_process) or 0
    args.started = started  # `check` counts its time from it
    quiet = getattr(args, "quiet", False) or not PROGRESS_BY_DEFAULT
    folders = written_folders()
    if folders is not None:
        folders.forget_completed()  # the stop line names the folders this command completed
    stopped = False
    try:
        with stop_on_sigterm():
            # a refused option is checked with the rest of the input, which reads the scenario and
            # its layers: a stop or an error meanwhile ends the command as one later does
            refused = option_problems(args)
            if refused is not None:
                raise refused
        ending = progress.ending_on_stop() if own_process else contextlib.nullcontext()
        with stop_on_sigterm(), progress.reporting(None if quiet else progress.Reporter()), ending:
            return run_command(args)
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
        _received.clear()
        stopped = True
        print(stopped_line(signum), file=sys.stderr)
        return 128 + signum
    except Exception as exc:
        code = _error_exit(exc, args.debug, own_process)
        if code is None:
            raise
        return code
    finally:
        try:
            for line in left_lines():
                print(line, file=sys.stderr)
        except KeyboardInterrupt:
            # a further Ctrl-C while the notes are made (their first import can take a second):
            # the stop line printed stands, alone (cli.py `run` printed a second one)
            if not stopped:
                raise


def _error_exit(exc: Exception, debug: bool, own_process: bool = False) -> int | None:
    """The exit code of a command that raised `exc`, after printing what it says; None for an
    error to raise as it is (a bug: its traceback is the report). After a stop signal (noted in
    `_received`), every error ends the command as stopped (`_stopped_exit`): an error the stop
    caused is raised in its place (an import the signal cut short fails again, "type ... is already
    registered"; a pipe to a killed worker breaks), and the clean-up ran as it went up (the folders
    staged removed). Otherwise: bad input, 2; no plan, 1, the run's notices first; stdout's reader
    gone (`... | head`), 0; stdout refusing the results (a full disk: `StdoutRefused`), 2. After
    those two, in the command's own process (`own_process`), stdout is pointed at the null device
    (`stdout_onto_null`); a program calling `main` keeps its stdout as it was. With `debug` the
    traceback of bad input, no plan or a stop is printed too."""
    if debug and (_received or isinstance(exc, (InputError, PlanInfeasible, NoSolution))):
        traceback.print_exception(exc)
    if _received:
        return _stopped_exit()
    if isinstance(exc, InputError):
        say_on_stderr(input_error_text(exc, sys.stderr), own_process=own_process)
        return InputError.exit_code
    if isinstance(exc, (PlanInfeasible, NoSolution)):
        # The run's notices (a target no module can reach in time, ...), which a plan's summary
        # gives, come before the message, whose last line names the diagnosis folder; both laid
        # out to standard error's width, where they are printed.
        from siting.deliver.tables import terminal_width
        say_on_stderr(*notice_lines(getattr(exc, "notices", ()), str(exc), terminal_width(sys.stderr)),
                      no_plan_text(exc), own_process=own_process)
        return 1
    if isinstance(exc, BrokenPipeError):
        # The reader of stdout went away (`... | head`). Everything printed to stdout is a summary
        # of work already done (files are written first), so the run itself succeeded; in the
        # command's own process stdout is pointed at the null device, so that the last flush does
        # not fail again.
        if own_process:
            stdout_onto_null()
        return 0
    if isinstance(exc, StdoutRefused):
        # stdout's file or device refused the writes (a full disk, a quota): said in one line,
        # exit code 2 as for an output folder whose disk refused them; in the command's own
        # process stdout is pointed at the null device, so that the last flush does not fail again
        say_on_stderr(f"error: standard output refused the command's results ({exc.cause.strerror or exc.cause}): "
                      "what it printed there is incomplete; its output files, if any, were written before; free "
                      "space where standard output goes, or send it elsewhere, and run the command again",
                      own_process=own_process)
        if own_process:
            stdout_onto_null()
        return InputError.exit_code
    return None


def say_on_stderr(*lines: str, own_process: bool = False) -> None:
    """Print `lines` on standard error, one per line, as an error's message; a standard error that
    refuses them (`2> /dev/full`, a full disk, its reader gone) drops them, so that the exit code
    `_error_exit` chose for the error still ends the command (2 for bad input), not an OSError
    traceback and exit 1: the message cannot be shown anywhere else. In the command's own process
    (`own_process`) standard error is then pointed at the null device (`stdout_onto_null`), so
    that the last flush of what is left in its buffer does not fail again (exit 120)."""
    try:
        for line in lines:
            print(line, file=sys.stderr)
    except OSError:
        if own_process:
            stdout_onto_null(sys.stderr)


def stdout_onto_null(stream: Any = None) -> None:
    """Standard output's descriptor (or that of `stream`, standard error: `say_on_stderr`) pointed
    at the null device, once its reader went away or its disk refused the command's results
    (`_error_exit`), so that the last flush of what is left in its buffer does not fail again; the
    descriptor opened for it is closed. A stream with no descriptor (a program calling `main` with
    a writer of its own in its place) is left as it is."""
    try:
        descriptor = (sys.stdout if stream is None else stream).fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)


def no_plan_text(exc: Exception) -> str:
    """What a run without a plan prints on standard error: "no plan: " and its message, every line
    wrapped to that stream's width as the summary of a plan's run is (`message_lines`), the folder
    that holds the diagnosis (`PlanInfeasible.folder`) never broken."""
    from siting.deliver.tables import terminal_width

    folder = getattr(exc, "folder", None)
    return "\n".join(message_lines(f"no plan: {exc}", terminal_width(sys.stderr),
                                    () if folder is None else (str(folder),)))


def input_error_text(exc: InputError, stream: Any) -> str:
    """What bad input prints on `stream` (standard error): "error: " and the error's message, its
    heading and one line per problem ("  - ..."). Wrapped to the terminal's width only where
    `stream` is a terminal: a problem's continuations under its text, never between a figure and
    its unit (`wrap_text`), the file each problem names and the folder the outputs were kept in
    never broken (on a line of their own where they do not fit). Into a file, a pipe or a CI log
    each problem stays one line, whatever COLUMNS says, so that its lines can be searched and
    compared as they are."""
    from siting.deliver.tables import terminal_width, wrap_text

    text = f"error: {exc}"
    try:
        if not stream.isatty():
            return text
    except (AttributeError, ValueError):  # no stream, or a closed one
        return text
    width = terminal_width(stream)
    named = (problem.split(" | ", 1)[0] for problem in exc.problems if " | " in problem)
    paths = [field.rsplit(": ", 1)[0] for field in named if ": " in field]
    kept = getattr(exc, "kept", None)
    paths += [str(kept)] if kept is not None else []
    lines = wrap_text(f"error: {exc.heading()}", width)
    for problem in exc.problems:
        for path in paths:  # glued: wrap_text breaks only at spaces, and gives no-break spaces back as spaces
            problem = problem.replace(path, path.replace(" ", "\u00a0"))
        first, *more = problem.split("\n")
        # wrap_text indents the lines after the first by two spaces: four under "  - ", the text's start
        lines += ["  " + ("- " if i == 0 else "") + line for i, line in enumerate(wrap_text(first, width - 4))]
        lines += [line for part in more for line in message_lines(part, width)]
    return "\n".join(lines)


def message_lines(text: str, width: int, paths: Sequence[str] = ()) -> list[str]:
    """A message of one or more lines (`text`) in lines of at most `width` terminal columns, each
    line wrapped as the summary's are (`wrap_text`: never between a figure and its unit), its
    continuations two spaces further in than it, so that a list item's ("  - ...") stand under its
    text; each of `paths` (a folder the message names) never broken, on a line of its own where it
    does not fit after the words before it; a word longer than a line alone on its line."""
    for path in paths:  # glued: wrap_text breaks only at spaces, and gives no-break spaces back as spaces
        text = text.replace(path, path.replace(" ", "\u00a0"))
    lines: list[str] = []
    for line in text.splitlines():
        body = line.lstrip(" ")
        lead = line[:len(line) - len(body)]
        lines += [lead + part for part in wrap_text(body, max(width - len(lead), 20))] if body else [line]
    return lines


def _stopped_exit() -> int:
    """Print the line of the first stop signal received (`stopped_line`) and return its exit
    code, 128 + the signal's number, forgetting the signals received."""
    signum = _received[0]
    _received.clear()
    print(stopped_line(signum), file=sys.stderr)
    return 128 + signum


def left_lines() -> list[str]:
    """The output folders the command replaced that held outputs of another kind (a comparison
    replaced by a plan: siting/deliver/folders.py `replaced_notes`), then the folders of the
    tool's that it could not remove (the folder an output folder held before it was replaced, or
    one an earlier run left beside it: `left_behind`), each as a "note: ..." line naming it, what
    it held or why it is left, and what to do, laid out to standard error's width, where they are
    printed."""
    folders = written_folders()
    if folders is None:  # nothing written: imported nothing (an import a stop cut short fails again)
        return []
    from siting.deliver.tables import terminal_width

    return notice_lines(folders.replaced_notes() + folders.left_behind(), width=terminal_width(sys.stderr))


def written_folders() -> ModuleType | None:
    """siting/deliver/folders.py, which notes the output folders written, once a command has
    imported it; None before (no folder was written then). Not imported here: it brings the
    scenario schema and HiGHS, which `show` and `schema` do without."""
    return sys.modules.get("siting.deliver.folders")


def stopped_line(signum: int) -> str:
    """What a command stopped by signal `signum` says: that the outputs not yet complete were
    discarded (nothing is left half written), or, when it was stopped after putting its output
    folders in place (while printing its summary, say), which folders it completed, kept as they
    are (siting/deliver/folders.py `completed_folders`; for a batch, its folder, which holds its runs).
    Wrapped to standard error's width where it is a terminal, as the message of a run without a
    plan is (`message_lines`: each folder never broken); into a file, a pipe or a CI log one line,
    whatever COLUMNS says, so that it can be searched as it is (as bad input's problems are)."""
    name = signal.Signals(signum).name
    folders = written_folders()
    done = [folder_named(folder) for folder in (folders.completed_folders() if folders is not None else ())]
    if not done:
        text = f"stopped by {name}: outputs not yet complete were discarded"
    else:
        listed = done[0] if len(done) == 1 else ", ".join(done[:-1]) + " and " + done[-1]
        text = f"stopped by {name} after the outputs were written to {listed} (complete)"
    try:
        if not sys.stderr.isatty():
            return text
    except (AttributeError, ValueError):  # no stream, or a closed one
        return text
    try:
        from siting.deliver.tables import terminal_width
    except Exception:  # an import the stop cut short (a module left half set up) fails again: one line
        return text
    return "\n".join(message_lines(text, terminal_width(sys.stderr), done))


if __name__ == "__main__":
    sys.exit(main())
