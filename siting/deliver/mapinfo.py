"""What map.png shows besides its drawing, in plain data and text: the title (`MapTitle`), the
context it needs (`MapContext`), the sites' map names (`site_names`, from siting/config/units.py),
the red line's share of the clusters (`redline_extent_text`) and what the red-line layer says of
its own basis, a proxy or not (`LayerBasis`, `layer_basis`). The report and the QGIS project
use them too; keeping them apart from the drawing (siting/deliver/mapplot.py) lets a run load
matplotlib only to draw."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import shapely

from siting.config.units import (  # noqa: F401 (site_names, frame_site_names: read from here too)
    bn_yuan,
    bound_bn,
    frame_site_names,
    gap_text,
    joined,
    nonzero_decimals,
    plain_status,
    site_names,
    slack_percent,
    trio_texts,
)
from siting.deliver.layer import OutputLayer
from siting.deliver.tables import absolute_gap_yuan, settings_lines

if TYPE_CHECKING:
    from siting.optimize.solve import SolveReport


def outcome_text(words: str, gap: float | None, tolerance: float | None = None,
                 abs_tolerance_yuan: float | None = None) -> str:
    """The solver's outcome as the terminal's `status` line gives it (before "; solved in"): the
    status in words, the proven gap in percent where there is one, and the asked gap
    (`tolerance`, a share, with `abs_tolerance_yuan`, yuan, when an absolute gap was asked too)
    where the plan is proven within it: "optimal within the gap, gap 2.01% (tolerance 2.50%)";
    "optimal within the gap, gap 612.50% (tolerance 2.50% or 0.50 bn yuan)"; "stopped at the
    time limit with a plan, gap 4.10%"."""
    if gap is None:
        return words
    if tolerance is None:
        return f"{words}, gap {gap_text(gap)}"
    absolute = f" or {bn_yuan(abs_tolerance_yuan)}" if abs_tolerance_yuan else ""
    return f"{words}, gap {gap_text(gap)} (tolerance {tolerance:.2%}{absolute})"


def solve_outcome(report: SolveReport, rel_gap: float | None, abs_gap_bn_yuan: float | None = None) -> str:
    """`outcome_text` of a solve: its termination in words (`plain_status`, saying whether a stop
    at a limit has a plan), its proven gap, and `rel_gap` (solver.rel_gap, the gap asked for)
    with `abs_gap_bn_yuan` (solver.abs_gap_bn_yuan, bn yuan; None: none) where the solve proved
    the plan within it."""
    words = plain_status(report.termination, report.has_solution)
    absolute = abs_gap_bn_yuan * 1e9 if abs_gap_bn_yuan else None
    return outcome_text(words, report.gap, rel_gap if report.proven_optimal else None, absolute)


def time_limit_held(report: SolveReport) -> float | None:
    """The time limit (s) a solve stopped at, as HiGHS held it (a command-line override
    included); None when it stopped for another reason."""
    if report.termination != "maxTimeLimit":
        return None
    held = dict(report.highs_options).get("time_limit")
    return float(held) if isinstance(held, int | float) else None


def unproven_text(has_plan: bool, proven: bool, gap: float | None, objective_yuan: float | None,
                  time_limit_s: float | None) -> str:
    """What a plan not proven within the asked gap is worth, in words; "" for a proven plan or
    none. `gap`: the proven gap (a share; None: no bound was proven), `objective_yuan`: the plan's
    cost (yuan), `time_limit_s`: the limit the solve stopped at (None: unknown). The plan is
    written and the run succeeds (exit 0), so the terminal and report.md say this instead: how
    much cheaper the best plan may be, that a longer solve may move the map, and that a stop at a
    time limit depends on the machine's speed, so the same inputs may give another plan."""
    if not has_plan or proven:
        return ""
    limit = f" within the {time_limit_s:g} s time limit" if time_limit_s else ""
    if gap is None or objective_yuan is None:
        how_far = (f"no bound was proven{limit}, so how far it lies from the best plan is unknown: "
                   "it may cost many times the best plan's cost")
    else:
        how_far = (f"the best plan may cost up to {bound_bn(abs(gap * objective_yuan), up=True)} less "
                   f"(gap {gap_text(gap)})"
                   + (f"; the solve stopped at its {time_limit_s:g} s time limit" if time_limit_s else ""))
    return (f"This plan is not proven within the asked gap: {how_far}. A longer solve may change the plan and its "
            "map, and a stop at a time limit depends on the machine's speed, so the same inputs may give another "
            "plan. Raise solver.time_limit_s (or --time-limit) before relying on it.")


def slack_amount_text(record: Mapping[str, Any]) -> str:
    """The slack of a near-optimal set in yuan, from the optimum's `near_optimal` record
    (siting/optimize/alternatives.py `near_optimal_record`): "up to 9.81 bn yuan more" (slack x
    |optimum|), and where sales revenue makes the net optimum differ from the cost before it, that
    amount as a share of the latter: "up to 9.81 bn yuan more, 1.21% of its 811.00 bn yuan of costs
    before sales revenue". The amount has two decimals, or the fewest more (at most six) at which it
    reads other than 0 (`nonzero_decimals`): 5 % of 0.0953 bn yuan is "up to 0.005 bn yuan more",
    not "0.00". Empty without the optimum's cost."""
    optimum = record.get("optimum_cost_yuan")
    if optimum is None:
        return ""
    slack = float(record.get("slack") or 0.0)
    allowed = slack * abs(float(optimum))
    text = f"up to {bn_yuan(allowed, nonzero_decimals(allowed))} more"
    gross = record.get("optimum_gross_cost_yuan")
    if gross is not None and float(gross) > 0 and abs(float(gross) - float(optimum)) > 1e-9 * max(1.0, float(gross)):
        text += f", {allowed / float(gross):.2%} of its {bn_yuan(gross)} of costs before sales revenue"
    return text


#: What a near-optimal alternative's search could change (its `scope`, siting/optimize/alternatives.py
#: `Alternative.scope`), in words: what it does, then what that comes to. report.md gives both
#: (`near_optimal_text`), the alternative's map title the second (`scope_title`).
SCOPE_WORDS: dict[str, tuple[str, str]] = {
    "sites": ("It keeps the optimum's modules by cluster, size and year and moves them among the sites of their "
              "clusters", "the same capacity in each cluster as the optimum"),
    "clusters": ("It may move capacity between clusters",
                 "another split between clusters that fits within the slack, not the cheapest such split"),
}


def scope_title(record: Mapping[str, Any] | None) -> str:
    """The kind of near-optimal alternative a plan is, for its map's title (`MapTitle.kind`), in
    report.md's words (SCOPE_WORDS): "scope clusters: another split between clusters that fits
    within the slack, not the cheapest such split"; from `record` (the manifest's `near_optimal`
    member, `near_optimal_text`'s); "" without one, for the optimum, or without a known scope."""
    row = next((r for r in (record or {}).get("plans") or [] if r.get("plan") == (record or {}).get("plan")), None)
    scope = str((row or {}).get("scope") or "")
    return f"scope {scope}: {SCOPE_WORDS[scope][1]}" if scope in SCOPE_WORDS else ""


def near_optimal_text(record: Mapping[str, Any] | None) -> str:
    """What a near-optimal alternative is, in words, in place of `unproven_text` (its search
    minimised its overlap with the plans before it, not its cost, so it has no gap of its own):
    from `record` (the manifest's `near_optimal` member, siting/optimize/alternatives.py
    `near_optimal_record`), its cost, how much above the optimum's cost it lies and, a proven
    figure, at most how much above the optimum's proven bound (no plan costs less than that
    bound), and what ended its search; without a record, that it lies within the slack."""
    if not record:
        return ("This plan is a near-optimal alternative, not the cost-optimal plan: its cost lies within the slack "
                "of the optimum's, and its search minimised its overlap with the plans before it, not its cost. "
                "alternatives.md, in the folder above, gives its cost against the optimum's.")
    rows = list(record.get("plans") or [])
    row = next((r for r in rows if r.get("plan") == record.get("plan")), None)
    if row is None:
        return near_optimal_text(None)
    slack = float(record.get("slack") or 0.0)
    optimum, bound, gap = record.get("optimum_cost_yuan"), record.get("optimum_bound_yuan"), record.get("optimum_gap")
    over = float(row.get("over_optimum") or 0.0)
    within_gap = gap is not None and abs(over) <= float(gap)
    if round(over, 4) == 0:  # under 0.005 % either way: "0.00% below" would read oddly
        against = f"the same as the optimum's cost ({bn_yuan(optimum)}) to 0.01 %"
    else:
        against = (f"{over:.2%} above the optimum's cost ({bn_yuan(optimum)})" if over > 0 else
                   f"{-over:.2%} below the optimum's cost ({bn_yuan(optimum)})")
    if within_gap:
        against += (f", a difference within the optimum's proven gap ({gap_text(float(gap))}), so not proven: the two "
                    "are as good within solver tolerance")
    over_bound = row.get("over_bound")
    if bound is not None and over_bound is not None:
        proven = (f", and at most {gap_text(float(over_bound))} above the optimum's proven bound ({bound_bn(bound)}; "
                  f"no plan costs less), so its cost is proven within {gap_text(float(over_bound))} of the best plan's")
    else:
        proven = ("; no bound was proven for the optimum, so how far either lies from the best plan's cost is not "
                  "known")
    stopped = str(row.get("stopped_by") or "")
    if stopped == "time limit":
        ended = (" That search ended at the time limit (the safety net): a stop at a time limit depends on the "
                 "machine's speed, so the same inputs may give another alternative; raise solver.time_limit_s (or "
                 "--time-limit) for the same plan each time.")
    elif stopped == "node limit":
        ended = (" That search ended at its node limit, a limit of work, not of time: the same inputs give the same "
                 "plan on any machine.")
    elif stopped == "gap reached":
        ended = (" That search ended with its overlap with the plans before it proven least, within the gap: the "
                 "same inputs give the same plan.")
    else:
        ended = f" That search ended: {stopped}." if stopped else ""
    first = rows[0] if rows and rows[0].get("plan") != row.get("plan") else None
    if first is not None and first.get("stopped_by") == "time limit" and stopped != "time limit":
        # the alternatives start from the optimum, which a time limit ended: no plan of the set is reproducible
        ended = (f"{ended.rsplit(':', 1)[0]}." if stopped in ("node limit", "gap reached") else ended) + (
            " But the optimum's own search stopped at the time limit, so the optimum may differ between runs and "
            "machines, and so may the alternatives that start from it; raise solver.time_limit_s (or --time-limit) "
            "for the same plans each time.")
    scope = str(row.get("scope") or "")
    does, means = SCOPE_WORDS.get(scope, ("", ""))
    kind = f" {does} (scope `{scope}`): {means}." if does else ""
    count = max(len(rows) - 1, 1)
    allowed = slack_amount_text(record)
    allowed = f" ({allowed})" if allowed else ""
    return (f"This plan is a near-optimal alternative ({row['plan']} of {count}), not the cost-optimal plan: a plan "
            f"within the {slack_percent(slack)} slack of the optimum's cost{allowed}, as different as possible from "
            "the plans before it. "
            f"It costs {bn_yuan(row.get('cost_yuan'))}, {against}{proven}.{kind} It was found by minimising its "
            f"overlap with the plans before it, not its cost, so it has no gap of its own.{ended} alternatives.md, "
            "in the folder above, compares it with the optimum and the other alternatives.")


#: The width (characters) of the title's settings line as `settings_lines` makes it: all on one
#: line, which the map's title then wraps to its room (`title_lines`).
SETTINGS_WIDTH = 1_000_000


@dataclass(frozen=True)
class MapTitle:
    """What the title says: scenario, solver outcome and objective.

    status: the solver's outcome in words, as the terminal gives it ("optimal within the gap";
    `plain_status`). gap: the proven gap (a share), None without one. tolerance: the gap asked
    for (solver.rel_gap, a share), given where the plan is proven within it; None leaves it out.
    The second title line is then the terminal's status line (`outcome_text`) and the objective;
    a third gives the gap in bn yuan, as the terminal's objective line does (`gap_text`). plan:
    which plan of a set the title's is, named after the years on the first line ("alternative
    alt01 of 2", as alternatives.md names it); "" for a run's own plan. kind: for an alternative,
    what its search could change (`scope_title`), on a line of its own after its status, the
    objective on the next; "" for none. excess: for an alternative, its cost over the optimum's
    and whether that lies within the optimum's proven gap (siting/deliver/explore.py
    `plan_excess_lines`), the title's last line; "" for none. settings: the settings given on top
    of the scenario file as KEY=VALUE texts (siting/deliver/tables.py `given_settings`), named on
    the line after the first in the terminal's words (`settings_lines`: "settings  --set
    constraints.redline.buffer_m=2000"), so that a map of a run made with them is not read as the
    scenario file's own; () for none: no such line."""

    scenario: str
    status: str
    gap: float | None
    objective_yuan: float | None
    years: Sequence[int]
    official_redline_pct: float | None = None
    official_redline_source: str = ""
    #: Whether the scenario gives a red-line layer (layers.redline); without one the map says so.
    redline_given: bool = True
    tolerance: float | None = None
    #: The absolute gap asked for (solver.abs_gap_bn_yuan, in yuan), given beside `tolerance`; None: none.
    abs_tolerance_yuan: float | None = None
    plan: str = ""
    kind: str = ""
    excess: str = ""
    settings: tuple[str, ...] = ()
    #: The solve's best bound (yuan), from which the objective and the absolute gap take the decimals
    #: at which the three add up (`trio`); None: the objective less the absolute gap.
    bound_yuan: float | None = None

    def text(self) -> str:
        """The title's lines: scenario and years, then `plan` where given ("yunnan_2024: capacity
        plan 2022-2024, alternative alt01 of 2"); the `settings` given, where there are any, on a
        line of their own ("settings  --set constraints.redline.buffer_m=2000"); solver outcome with its gap in percent
        (`outcome_text`), `kind` where given (on a line of its own, the objective under it), and
        objective; where there is a gap and an objective, the gap in bn
        yuan (`gap_text`), as the terminal's objective line gives it; last, `excess` where given."""
        objective = (f"objective {self.trio()[0]} (discounted)"
                     if self.objective_yuan is not None else "no objective")
        span = f"{self.years[0]}-{self.years[-1]}" if self.years else ""
        gap = self.gap_text()
        which = f", {self.plan}" if self.plan else ""
        kind = f"\n{self.kind}\n" if self.kind else ", "  # an alternative's kind: a line, the objective under it
        given = "".join(f"{line}\n" for line in settings_lines(self.settings, SETTINGS_WIDTH)) if self.settings else ""
        return (f"{self.scenario}: capacity plan {span}{which}\n{given}"
                f"{outcome_text(self.status, self.gap, self.tolerance, self.abs_tolerance_yuan)}{kind}{objective}"
                + (f"\n{gap}" if gap else "") + (f"\n{self.excess}" if self.excess else ""))

    def gap_text(self) -> str:
        """The proven gap in bn yuan, objective less best bound (`absolute_gap_yuan`), in the
        terminal's words: "absolute gap 0.20 bn yuan (objective less best bound)"; "" without a
        gap or an objective."""
        absolute = absolute_gap_yuan(self.objective_yuan, self.gap)
        return "" if absolute is None else f"absolute gap {self.trio()[2]} (objective less best bound)"

    def trio(self) -> tuple[str, str, str]:
        """The objective, its best bound (objective less the absolute gap) and the absolute gap as
        the terminal's objective line gives them, at the decimals at which they add up
        (`trio_texts`): "0.095 bn yuan" where two decimals would read "0.10"; "n/a" for a figure
        the run lacks."""
        absolute = absolute_gap_yuan(self.objective_yuan, self.gap)
        bound = self.bound_yuan
        if bound is None and absolute is not None and self.objective_yuan is not None:
            bound = self.objective_yuan - absolute
        return trio_texts(self.objective_yuan, bound, absolute)


@dataclass(frozen=True)
class MapContext:
    """What the map needs beyond the layers: each product's unit (catalog) and output value per
    unit (the pie slices' weights), the context polygons, and the data sources for the margin.
    `redline_extent`: the map's layers' `redline_extent_text` for the title's red-line figures,
    where it is made already (the report quotes the same statement); None: the map makes it.
    `redline_basis`: what the red-line layer says of itself (`redline_basis`). `redline_coverage`:
    the map's layers' `redline_coverage` where measured already (the report's "Read this first"
    quotes it too); None: measured where needed."""

    units: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, float] = field(default_factory=dict)
    context: gpd.GeoDataFrame | None = None
    context_label: str = "context"
    sources: Sequence[str] = ()
    redline_extent: str | None = None
    #: What the red-line layer says of its own basis (`layer_basis`: with its file's name and its
    #: own description); None: not read (the report and the project read what the layer's table says).
    redline_basis: LayerBasis | None = None
    redline_coverage: tuple[float, float] | None = None


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


def redline_extent_text(layers: Sequence[OutputLayer], official_pct: float | None, official_source: str,
                        layer_given: bool = True, coverage: tuple[float, float] | None = None) -> str:
    """One plain statement of how much of the clusters the red-line layer covers, set against the
    official red line's share where the scenario gives it (constraints.redline.official_share_pct).
    Without a red-line layer (`layer_given` False) it says so instead of a share of 0 %. `coverage`:
    the layers' `redline_coverage` where measured already; None: measured here."""
    if coverage is None:
        coverage = redline_coverage(layers)
    if coverage is None:
        return "No clusters: the red line's share of the area is not measured."
    if not layer_given:
        official = ("" if official_pct is None else
                    f" The official red line covers {official_pct:.2f} %"
                    f"{f' of {official_source}' if official_source else ''}; none of it is excluded here.")
        return ("The scenario gives no red-line layer (layers.redline): no part of the clusters is excluded as "
                "red line." + official)
    area_km2, share = coverage
    text = (f"The red-line layer covers {share * 100:.1f} % of the clusters' area "
            f"({share * area_km2:,.0f} of {area_km2:,.0f} km2).")
    if official_pct is None:
        return text + (" No official share is given (constraints.redline.official_share_pct), so the layer "
                       "cannot be checked against the official red line.")
    where = f" of {official_source}" if official_source else ""
    return text + (f" The official red line covers {official_pct:.2f} %{where}. If that share held here, the "
                   f"layer would hold about {share * 10000 / official_pct:.0f} % of the official red line.")


def title_pieces(word: str, fits: Callable[[str], bool]) -> list[str]:
    """`word` whole where it `fits` (the measure of the title it is set in: whether a text is no
    wider than the title's room); else in pieces that do: broken after its underscores, hyphens
    and dots (a scenario name such as `yunnan_2024_strict_redline`), and a piece still too wide
    between characters, as many to a piece as fit (at least one). plan.qgs's layout title
    (siting/deliver/qgisproject.py `wrap_title`) and map.png's (siting/deliver/mapplot.py
    `wrap_title`) break alike, each by its
    own measure."""
    if fits(word):
        return [word]
    pieces: list[str] = []
    for part in re.findall(r"[^_.-]*[_.-]+|[^_.-]+$", word) or [word]:
        if fits(part):
            pieces.append(part)
            continue
        chunk = ""
        for letter in part:
            if chunk and not fits(chunk + letter):
                pieces.append(chunk)
                chunk = letter
            else:
                chunk += letter
        pieces.append(chunk)
    return pieces


def title_lines(text: str, fits: Callable[[str], bool]) -> list[str]:
    """`text` in lines that `fit` (as `title_pieces`): each of its lines as it is where it fits,
    else broken between words, as many words to a line as fit, and a word too wide in pieces
    (`title_pieces`), run on from the line before where they fit there."""
    lines: list[str] = []
    for part in text.split("\n"):
        if fits(part):
            lines.append(part)
            continue
        line = ""
        for word in part.split(" "):
            for n, piece in enumerate(title_pieces(word, fits)):
                candidate = f"{line}{' ' if n == 0 else ''}{piece}" if line else piece
                if line and not fits(candidate):
                    lines.append(line)
                    line = piece
                else:
                    line = candidate
        lines.append(line)
    return lines


#: Columns in which a polygon of a layer says it only stands in for the real feature: a true value.
PROXY_FLAGS = ("is_proxy", "proxy")
#: The words of a flag's text value that say yes (`says_yes`), lower case.
YES_WORDS = ("true", "yes", "y", "1", "t")
#: Columns in which a polygon says what its outline rests on: a value whose first word is one of
#: PROXY_WORDS ("proxy", "estimate: ring ...") marks a stand-in; any other ("official", "not a proxy") does not.
BASIS_COLUMNS = ("basis", "geometry_basis", "outline_basis", "shape_basis")
#: The first words of a basis value marking a stand-in.
PROXY_WORDS = ("proxy", "estimate", "estimated", "assumed", "assumption", "approximate", "approximated", "schematic")
#: A note's leading word in capitals ("PROXY ellipse ...", "ESTIMATE: ...", "TRACED outline ...").
_NOTE_LEAD = re.compile(r"\s*([A-Z][A-Z-]{2,})(?![a-z])")
#: The leading words of a note that mark its polygon as a stand-in (the shipped layer's convention).
PROXY_LEADS = ("PROXY", "ESTIMATE")
#: A positional uncertainty a note states: "±20 km", "± 5 km".
_PLUS_MINUS_KM = re.compile(r"±\s*(\d+(?:\.\d+)?)\s*km")
#: How many characters of a layer's own description the statement quotes before cutting it short.
DESCRIPTION_CHARS = 500


def says_yes(value: Any) -> bool:
    """Whether a flag's value says yes: True, 1, or text such as "true", "yes", "1" (YES_WORDS)."""
    if isinstance(value, str):
        return value.strip().lower() in YES_WORDS
    try:
        return bool(value) and value == value  # NaN: no
    except (TypeError, ValueError):
        return False


def _basis_says_proxy(value: Any) -> bool:
    """Whether a basis column's value marks a stand-in: text whose first word is one of
    PROXY_WORDS ("proxy", "Estimate: ..."); "official", "not a proxy" and anything but text do not.
    Only the first word counts, so that a value that denies being a proxy is not read as one."""
    if not isinstance(value, str):
        return False
    first = re.match(r"\s*([A-Za-z]+)", value)
    return first is not None and first.group(1).lower() in PROXY_WORDS


@dataclass(frozen=True)
class LayerBasis:
    """What a layer says of what its polygons rest on, read from the layer itself: its file's name,
    its own description (a GeoJSON FeatureCollection's `description`, a GeoPackage's
    `gpkg_contents.description`: siting/prepare/layers.py `layer_description`), and its features'
    columns: how many are marked stand-ins (`flag`: the PROXY_FLAGS or BASIS_COLUMNS column that says so), the leading
    capital words of their `note` with their counts ("PROXY", "ESTIMATE", "TRACED"), the
    largest positional uncertainty the notes state (±km), and how many notes begin with a word of
    PROXY_LEADS (`noted`).

    Only these marks of the features make the layer a proxy (`is_proxy`): its file's name and its
    description are free text, quoted as they are and not read for what they say, so that a
    description such as "the official red line (not a proxy)" is never taken for a proxy's."""

    file: str = ""
    description: str = ""
    count: int = 0
    proxies: int = 0
    flag: str = ""
    leads: tuple[tuple[str, int], ...] = ()
    uncertainty_km: float | None = None
    noted: int = 0

    @property
    def is_proxy(self) -> bool:
        """Whether the layer marks itself a stand-in for the real one: some feature is marked so in
        a PROXY_FLAGS or BASIS_COLUMNS column, or its note begins with a word of PROXY_LEADS."""
        return self.proxies > 0 or self.noted > 0

    @property
    def says_anything(self) -> bool:
        """Whether the layer says anything of its basis (a flag column, a note, a description)."""
        return bool(self.flag or self.leads or self.description)

    def text(self, what: str = "red-line layer", official: str = "the official red line") -> str:
        """The statement, for report.md, plan.qgs's abstract and plan.gpkg's description: "The
        red-line layer is a proxy, not the official red line, as it says of itself: 20 of its 23
        polygons are marked as proxies (`is_proxy`); its notes begin PROXY (10), ESTIMATE (10) and
        TRACED (3); they give positions uncertain by up to ±20 km; its file is
        `redline_proxy.geojson`. ..."; for a layer that marks no feature a proxy, that it marks none,
        with its description quoted as it is; for a layer that says nothing, that it says nothing."""
        file = f"`{self.file}`" if self.file else ""
        if not self.says_anything:
            return (f"The {what}{f' ({file})' if file else ''} says nothing of what its polygons rest on (no "
                    f"{self._columns()} column, no `note`, no "
                    f"description of its own): whether it is {official} is not stated.")
        said: list[str] = []
        if self.description:
            quoted = self.description if len(self.description) <= DESCRIPTION_CHARS else (
                self.description[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " ...")
            said.append(f'its description reads "{quoted}"')
        if self.flag:
            marked = "is marked as a proxy" if self.proxies == 1 else "are marked as proxies"
            said.append(f"{self.proxies} of its {self.count} polygon{'s' if self.count != 1 else ''} {marked} "
                        f"(`{self.flag}`)")
        if self.leads:
            said.append("its notes begin " + joined([f"{word} ({n})" for word, n in self.leads]))
        if self.uncertainty_km is not None:
            said.append(f"they give positions uncertain by up to ±{self.uncertainty_km:g} km")
        if file:
            said.append(f"its file is {file}")
        if self.is_proxy:
            return (f"The {what} is a proxy, not {official}, as it says of itself: {'; '.join(said)}. Every exclusion "
                    f"by it and its share of the clusters rest on this proxy: check a site near a zone against "
                    f"{official} before relying on it.")
        if self.flag:
            return f"The {what} marks none of its polygons as a proxy: {'; '.join(said)}."
        leads = " or ".join(PROXY_LEADS)
        return (f"The {what} marks none of its polygons as a proxy (no {self._columns()} column, no `note` beginning "
                f"{leads}): {'; '.join(said)}.")

    @staticmethod
    def _columns() -> str:
        """The columns a layer marks stand-ins in, as the statement names them: "`is_proxy` or `basis`"."""
        return " or ".join(f"`{c}`" for c in (*PROXY_FLAGS[:1], *BASIS_COLUMNS[:1]))

    def plain(self, what: str = "red-line layer", official: str = "the official red line") -> str:
        """`text` without its Markdown code marks, for a QGIS abstract and a GeoPackage description."""
        return self.text(what, official).replace("`", "")


def layer_basis(frame: Any, file: str = "", description: str = "") -> LayerBasis:
    """`LayerBasis` of a layer's table `frame` (a GeoDataFrame; None: no features), the name of
    its file (`file`, as the scenario gives it, name only) and its own `description`."""
    count = 0 if frame is None else len(frame)
    columns = [] if frame is None else list(frame.columns)
    flag, proxies = "", 0
    for column in PROXY_FLAGS:
        if column in columns:
            flag, proxies = column, sum(says_yes(v) for v in frame[column].tolist())
            break
    else:
        for column in BASIS_COLUMNS:
            if column in columns:
                flag, proxies = column, sum(_basis_says_proxy(v) for v in frame[column].tolist())
                break
    leads: dict[str, int] = {}
    most: float | None = None
    noted = 0
    if "note" in columns:
        for note in frame["note"].tolist():
            if not isinstance(note, str):
                continue
            found = _NOTE_LEAD.match(note)
            if found:
                leads[found.group(1)] = leads.get(found.group(1), 0) + 1
                noted += found.group(1) in PROXY_LEADS
            for km in _PLUS_MINUS_KM.findall(note):
                most = float(km) if most is None else max(most, float(km))
    ordered = tuple(sorted(leads.items(), key=lambda item: (-item[1], item[0])))
    return LayerBasis(file, " ".join(str(description or "").split()), count, proxies, flag, ordered, most, noted)


def redline_basis(layers: Sequence[OutputLayer], file: str = "", description: str = "") -> LayerBasis | None:
    """`layer_basis` of the `layers`' red-line layer (its carried columns: `is_proxy`, `note`, ...),
    with its input file's name and own description where the caller has them; None without a
    red-line layer."""
    layer = next((layer for layer in layers if layer.name == "redline"), None)
    return None if layer is None else layer_basis(layer.frame, file, description)
