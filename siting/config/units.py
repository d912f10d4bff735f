"""One way to state money, product names, product units and solver outcomes in every output.

Money is stated in billion yuan ("bn yuan", 1 bn = 1e9 yuan = 10 亿) with two decimals in text;
CSV money columns hold bn yuan and say so in their names (`capex_bn_yuan`). Quantities carry the
catalog's unit of their product (t, GWh, million m2), never a generic "units".
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

BN = 1e9
"""Yuan in one billion yuan."""

MONEY_UNIT = "bn yuan"
"""The money unit written after every money figure in text."""

SHOWN_AS = "values_shown_as"
"""The key of a table's `attrs` giving, per column, the words its values read as in the tables for
people (Markdown and terminal; siting/deliver/tables.py `shown_values`): value -> words, and in a
column of comma-separated ids each id -> its words; or, where one value reads in different words
from row to row, the words of each row (`RowWords`). The CSV files keep the values."""


@dataclass(frozen=True)
class RowWords:
    """A column's words in a table's `attrs[SHOWN_AS]` given row by row, for a value that reads in
    different words from one row to the next: the cell of the row whose `key` column holds k reads
    as `words[k]`; that of a row `words` lacks as `otherwise` says its value (value -> words), or as
    it is. The rule costs' status (siting/optimize/relax.py `in_words`): "feasible (not proven
    optimal)", which rule_costs.csv keeps, reads "stopped at the time limit with a plan" in the row
    of a re-solve that stopped at its time limit, "stopped at an iteration or node limit with a
    plan" in that of one stopped at an iteration limit."""

    key: str
    words: Mapping[str, str]
    otherwise: Mapping[str, str] = field(default_factory=dict)

# Codes whose parts are acronyms or chemical formulae, written as such in words.
_WORD_FORMS = {
    "ncm": "NCM", "lfp": "LFP", "nca": "NCA", "lmfp": "LMFP", "fepo4": "FePO4", "li2co3": "Li2CO3",
    "lioh": "LiOH", "gwh": "GWh", "pv": "PV", "ev": "EV",
}


class _Product(Protocol):
    unit: str


class _Catalog(Protocol):
    @property
    def products(self) -> Mapping[str, _Product]: ...


def to_bn(yuan: float) -> float:
    """Yuan as billion yuan (a float, for CSV cells and plot axes)."""
    value = yuan / BN
    return 0.0 if value == 0 else value


def finite_number(value: Any) -> bool:
    """Whether `value` is a finite number: an int or a float (numpy's float64 too), not a bool,
    not NaN and not infinite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def rounded_outward(value: float, decimals: int, up: bool) -> float:
    """`value` rounded up (`up`) or down to `decimals` decimals, float noise (a millionth of the
    last decimal) aside: a proven figure shown so that it claims no more than was proven."""
    scaled = round(value * 10 ** decimals, 6)
    return (math.ceil(scaled) if up else math.floor(scaled)) / 10 ** decimals


def bound_bn(yuan: float | None, up: bool = False, unit: bool = True, digits: int = 2) -> str:
    """A proven figure in bn yuan with `digits` decimals (two unless told), rounded so that it
    claims no more than was proven: a lower bound (of a minimised cost) down, a figure proven at
    most (`up`: a gap in yuan, how much cheaper the best plan may be) up: a best bound of
    -196.264448 bn yuan reads "-196.27 bn yuan", not "-196.26", which is more than was proven; an
    absolute gap of 0.191 reads "0.20". Without `unit`, the bare figure; None or not finite -> "n/a"."""
    if yuan is None or not math.isfinite(yuan):
        return "n/a"
    text = f"{rounded_outward(to_bn(yuan), digits, up):z,.{digits}f}"
    return f"{text} {MONEY_UNIT}" if unit else text


#: The most decimals of bn yuan `trio_decimals` gives an objective, its bound and its gap:
#: 0.000001 bn yuan is 1,000 yuan.
TRIO_MOST_DECIMALS = 6


def trio_decimals(objective_yuan: float | None, bound_yuan: float | None, gap_yuan: float | None) -> int:
    """The decimals of bn yuan at which a solve's objective (rounded to nearest, `bn_yuan`), its
    best bound (rounded down) and its absolute gap (objective less bound, rounded up; `bound_bn`)
    read so that they add up for a reader: the least number from 2 up at which the objective
    shown less the bound shown is the gap shown, or is within one unit of the last decimal where
    the gap shown is at least ten such units (that unit then a tenth of the gap or less); at most
    TRIO_MOST_DECIMALS, where the three agree to 1,000 yuan. Each figure in yuan. Where the gap is
    not the objective less the bound (to 1,000 yuan: a screened model's bound beside the full
    instance's gap, a bound carried from another solve), no number of decimals makes them add up:
    2, as every figure reads.

    Rounded on its own, each to two decimals, a small figure or a gap under 0.01 bn yuan reads
    "objective 0.10, best bound 0.09, absolute gap 0.00" (0.0953 bn yuan, proven optimal: to
    nearest, down and up); at three decimals, "0.095, 0.095, 0.000". The shipped scenario's
    -196.09, -196.29 and 0.20 add up at two. 2 where a figure is missing (None or not finite)."""
    figures = (objective_yuan, bound_yuan, gap_yuan)
    if any(f is None or not math.isfinite(f) for f in figures):
        return 2
    assert objective_yuan is not None and bound_yuan is not None and gap_yuan is not None  # for the type checker
    if abs(objective_yuan - bound_yuan - gap_yuan) > BN * 10.0 ** -TRIO_MOST_DECIMALS:
        return 2
    for digits in range(2, TRIO_MOST_DECIMALS):
        unit = decimal.Decimal(1).scaleb(-digits)
        objective = decimal.Decimal(bn_number(objective_yuan, digits).replace(",", ""))
        bound = decimal.Decimal(bound_bn(bound_yuan, unit=False, digits=digits).replace(",", ""))
        gap = decimal.Decimal(bound_bn(gap_yuan, up=True, unit=False, digits=digits).replace(",", ""))
        off = abs(objective - bound - gap)
        if bound <= objective and (off == 0 or (off <= unit and gap >= 10 * unit)):
            return digits
    return TRIO_MOST_DECIMALS


def trio_texts(objective_yuan: float | None, bound_yuan: float | None,
               gap_yuan: float | None) -> tuple[str, str, str]:
    """A solve's objective, best bound and absolute gap (yuan each) as texts with the unit, at the
    decimals at which they add up (`trio_decimals`): the objective to nearest, the bound down and
    the gap up, so that neither claims more than was proven: (0.0953e9, 0.0953e9, 0) ->
    ("0.095 bn yuan", "0.095 bn yuan", "0.000 bn yuan"). A missing figure reads "n/a"."""
    digits = trio_decimals(objective_yuan, bound_yuan, gap_yuan)
    return (bn_yuan(objective_yuan, digits), bound_bn(bound_yuan, digits=digits),
            bound_bn(gap_yuan, up=True, digits=digits))


def gap_text(share: float) -> str:
    """A proven gap (a share) in percent with two decimals, rounded up so that it claims no more
    than was proven: 0.0009999984 -> "0.10%", 0.01001 -> "1.01%" (not "1.00%"), 6.125 -> "612.50%"."""
    return f"{rounded_outward(100.0 * share, 2, up=True):z.2f}%"


def steady_span(last: int, after: int) -> str:
    """The years the steady-state year after the plan's last year `last` stands for, with
    objective.years_after_horizon = `after` (N >= 1): "2025-2038" (T + 1 to T + N), "2025" for N = 1."""
    return f"{last + 1}" if after <= 1 else f"{last + 1}-{last + after}"


def slack_percent(share: float) -> str:
    """A slack (a share of |optimum|) in percent as given, to four significant digits, not rounded
    to a whole percent, never in exponent form: 0.05 "5%", 0.025 "2.5%", 0.0001 "0.01%", 1e-7
    "0.00001%"."""
    return f"{decimal.Decimal(f'{share * 100:.4g}'):f}%"


def slack_below_gap(slack: float, gap: float | None) -> bool:
    """Whether a slack (a share of |optimum|) is below the gap the optimum is proven within (a
    share), compared as the texts show them, the gap rounded up to hundredths of a percent
    (`gap_text`) and the slack to four significant digits (`slack_percent`): a slack of 0.001 beside
    a gap of 0.0010000000003 (float noise) reads "0.1%" beside "0.10%" and is not below it, in every
    output alike; False without a gap above 0."""
    if gap is None or not math.isfinite(gap) or gap <= 0:
        return False
    return float(f"{slack * 100:.4g}") < rounded_outward(100.0 * gap, 2, up=True)


def bn_yuan(yuan: float | None, digits: int = 2) -> str:
    """Yuan as text in billion yuan with the unit: 72_840_000_000 -> "72.84 bn yuan"; None -> "n/a"."""
    if yuan is None or not math.isfinite(yuan):
        return "n/a"
    return f"{bn_number(yuan, digits)} {MONEY_UNIT}"


def nonzero_decimals(yuan: float | None, least: int = 2) -> int:
    """The fewest decimals of bn yuan from `least` up to TRIO_MOST_DECIMALS at which `yuan`,
    rounded to nearest (`bn_number`), reads other than 0, so that an amount that is not 0 does not
    read "0.00": 4,766,000 yuan (5 % of 0.0953 bn yuan) -> 3 ("0.005"), 9,532 yuan -> 5
    ("0.00001"), 9.81e9 yuan -> 2 ("9.81"). `least` for 0, for an amount that reads 0 even at
    TRIO_MOST_DECIMALS (under 500 yuan), and for None or a figure that is not finite."""
    if yuan is None or not math.isfinite(yuan) or yuan == 0:
        return least
    return next((digits for digits in range(least, TRIO_MOST_DECIMALS + 1) if round(to_bn(yuan), digits) != 0),
                least)


def bn_number(yuan: float | None, digits: int = 2) -> str:
    """Yuan as a bare billion-yuan number for a table whose header carries the unit; None -> "n/a"."""
    if yuan is None or not math.isfinite(yuan):
        return "n/a"
    value = round(to_bn(yuan), digits)
    return f"{value if value != 0 else 0.0:,.{digits}f}"


#: How the outputs join a list of ids in one value: the layers' attributes (`excluded_redline`,
#: `excluded_proximity`, `setback_products`, `on_site_sources`, clusters' `products_added`,
#: redline_zones' `products`, diff.geojson's `kept_out_base` and `kept_out_new`) and the tables'
#: cells (rule_costs.csv's `sites_added` and `sites_dropped`, comparison.csv's sites added and
#: dropped): "fepo4, li2co3". Here, not in siting/deliver/layer.py (which gives them too), so that
#: the stages before deliver (siting/optimize/relax.py) write and read them alike.
ID_LIST_SEPARATOR = ", "


def id_list(ids: Iterable[Any]) -> str:
    """Ids joined into one attribute value (ID_LIST_SEPARATOR): ["fepo4", "li2co3"] -> "fepo4,
    li2co3"; "" for none."""
    return ID_LIST_SEPARATOR.join(str(i) for i in ids)


def id_items(value: Any) -> list[str]:
    """The ids of an attribute value `id_list` wrote, each stripped, in order ("fepo4, li2co3"
    and "fepo4,li2co3", as earlier versions wrote it, -> ["fepo4", "li2co3"]); [] for null or ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [item.strip() for item in str(value).split(",") if item.strip()]


def product_label(code: str) -> str:
    """A product code in words: "ncm_precursor" -> "NCM precursor", "copper_foil" -> "Copper foil"."""
    parts = [_WORD_FORMS.get(part.lower(), part.lower()) for part in code.split("_") if part]
    if not parts:
        return code
    first = parts[0]
    if first == first.lower():
        parts[0] = first[:1].upper() + first[1:]
    return " ".join(parts)


def capitalised(text: str) -> str:
    """`text` with its first letter in capitals, the rest as it is: "counties (context)" ->
    "Counties (context)" (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


T = TypeVar("T")


def cut_at(items: Iterable[T], limit: int) -> tuple[list[T], int]:
    """The `items` a list cut at `limit` shows, and how many it counts instead of showing: the
    first `limit` and the count of the rest when two or more are past it; all, and 0, when at
    most one is (one past the limit is shown, not counted: "and 1 more" is no shorter than the
    item). The one rule of every list that names some items and counts the rest."""
    every = list(items)
    if len(every) > limit + 1:
        return every[:limit], len(every) - limit
    return every, 0


def cut_list(parts: Iterable[str], limit: int, sep: str = "; ", what: str = "") -> str:
    """Phrases joined by `sep` alone (no "and" before the last), the first `limit` of them and a
    count of the rest as `cut_at` cuts them: "a; b; c", "a; b; and 3 more", with `sep` ", "
    "a, b and 3 more" (no comma before the "and"); `what` names what the rest are ("and 3 more
    sites"; always plural, as at least two are counted). The count has thousands separated, as
    the project writes counts ("and 1,234 more"). "" for none."""
    shown, rest = cut_at(parts, limit)
    if not rest:
        return sep.join(shown)
    tail = f"and {rest:,} more{' ' + what if what else ''}"
    return sep.join([*shown, tail]) if sep.strip() != "," else f"{sep.join(shown)} {tail}"


def joined(parts: Iterable[str], limit: int | None = None, last: str = "and") -> str:
    """Phrases joined as a sentence says them: "a", "a and b", "a, b and c" ("" for none; `last`
    "or" gives "a, b or c"). With `limit`, past that many phrases the first `limit` and a count
    of the rest: "a, b and 3 more"; but one past it is named, not counted ("a, b and c", no
    longer than "a, b and 1 more"; `cut_at`). The phrases are taken as given (quote them first
    if they need it)."""
    items = list(parts)
    if limit is not None and cut_at(items, limit)[1]:
        return cut_list(items, limit, ", ")
    if len(items) <= 1:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def amount_text(value: float | None) -> str:
    """Tonnes or product units for a reader, at the precision the layers deliver them
    (siting/deliver/layer.py `AMOUNT`): whole units, 4 significant digits below 1,000, thousands
    separated, no trailing zeros: 1_493_000 -> "1,493,000", 36.05 -> "36.05", 3.5 -> "3.5",
    0.1450708 -> "0.1451", 999.96 -> "1,000"; None or not finite -> "n/a"."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    decimals = max(0, 3 - math.floor(math.log10(abs(value))))
    rounded = round(float(value), decimals)
    if rounded == 0:
        return "0"
    text = f"{rounded:z,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


#: Product units whose money per unit reads better per a smaller unit: GWh per Wh, million m2 per m2.
SMALLER_UNITS = {"GWh": ("Wh", 1e9), "MWh": ("Wh", 1e6), "million m2": ("m2", 1e6)}


def yuan_per_unit(value: float | None, unit: str) -> str:
    """Yuan per unit of a product for a reader, as `amount_text` writes figures: per t in whole yuan
    (61,067.4 -> "61,067 yuan/t"); per GWh or per million m2 per Wh or per m2 (SMALLER_UNITS), so
    that no figure runs to nine digits: 350,000,000 yuan/GWh -> "0.35 yuan/Wh", 277,594,311 ->
    "0.2776 yuan/Wh", 2,100,000 yuan/million m2 -> "2.1 yuan/m2"."""
    small, factor = SMALLER_UNITS.get(unit, (unit, 1.0))
    return f"{amount_text(None if value is None else value / factor)} yuan/{small}"


def unit_of(catalog: _Catalog, product: str) -> str:
    """The catalog's unit of a product ("t", "GWh", "million m2")."""
    return catalog.products[product].unit


def per_year(unit: str) -> str:
    """A product unit per year, for headers and labels: "t" -> "t/yr", "million m2" -> "million m2/yr"."""
    return f"{unit}/yr"


def unit_slug(unit: str) -> str:
    """A unit as part of a CSV column name: "t" -> "t", "million m2" -> "million_m2", "GWh" -> "GWh"."""
    return re.sub(r"[^A-Za-z0-9]+", "_", unit).strip("_")


@dataclass(frozen=True)
class Names:
    """How the texts for people (the report, the terminal, the Markdown tables, messages) name
    what the inputs give by id: sites by their map names (`site_names`:
    the sites layer's name, shortened to its part before the first comma where that stays
    distinct), clusters by the clusters layer's names, products in words (`product_label`) and
    quantities with their product's catalog unit per year. The CSV and GeoJSON files keep the ids.

    sites, clusters, sources: id -> name (sources: raw-material sources by the sources layer's
    names, as the report's tables give them); an id without an entry is named by itself (a
    candidate cell, a layer without names). site_names_in_layer: id -> the sites layer's whole
    name, for the sites whose name was shortened. units: product -> its catalog unit ("t",
    "million m2")."""

    sites: Mapping[str, str] = field(default_factory=dict)
    clusters: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    site_names_in_layer: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def site(self, site_id: object) -> str:
        """A site by its name: "yuxi_longquan" -> "Yuxi high-tech zone"."""
        return self.sites.get(str(site_id), str(site_id))

    def site_and_id(self, site_id: object) -> str:
        """A site by its name and, in brackets, its id, for a message whose reader must find the
        site's row in the sites layer: "Yuxi high-tech zone (yuxi_longquan)"; the id alone where
        it is the name."""
        name = self.site(site_id)
        return name if name == str(site_id) else f"{name} ({site_id})"

    def cluster(self, cluster_id: object) -> str:
        """A cluster by its name in the clusters layer: "kunming" -> "Kunming"."""
        return self.clusters.get(str(cluster_id), str(cluster_id))

    def source(self, source_id: object) -> str:
        """A raw-material source by its name in the sources layer: "rock_e" -> "East phosphate"."""
        return self.sources.get(str(source_id), str(source_id))

    def product(self, product: object) -> str:
        """A product in words (`product_label`): "ncm_precursor" -> "NCM precursor"."""
        return product_label(str(product))

    def quantity(self, value: float, product: object) -> str:
        """An amount of a product per year with its unit: 400, "separator" -> "400 million m2/yr";
        "units/yr" for a product without a known unit."""
        unit = self.units.get(str(product))
        return f"{amount_text(value)} {per_year(unit) if unit else 'units/yr'}"


def _given(value: object) -> str | None:
    """A layer's name cell, stripped; None where it is missing or empty."""
    return (value.strip() or None) if isinstance(value, str) else None


def cluster_names(clusters: Any) -> dict[str, str]:
    """Cluster id -> the name a reader sees, from a clusters layer (a table with an `id` column
    and, where the layer has names, a `name` column): the name, stripped; the id where there is
    none; the name and the id in brackets where two clusters share a name."""
    ids = [str(i) for i in clusters["id"]]
    given = [_given(n) for n in clusters["name"]] if "name" in clusters.columns else [None] * len(ids)
    named = [n or i for n, i in zip(given, ids, strict=True)]
    shared = {n for n in named if named.count(n) > 1}
    return {i: f"{n} ({i})" if n in shared and n != i else n for i, n in zip(ids, named, strict=True)}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()


def site_names(names: Sequence[object], ids: Sequence[object], whole: Sequence[bool] | None = None) -> list[str]:
    """A distinct map name per site: its name up to the first comma ("Yuxi high-tech zone,
    Longquan area" -> "Yuxi high-tech zone"); the whole name where two sites would share that
    short form (the Caopu and Qilin areas of the Anning industrial park); the whole name and the
    site's id in brackets where even whole names are shared; the id where there is no name. Each
    site's name depends on the whole layer, not on which sites are built, so a site keeps its
    name from plan to plan.

    `whole`, one flag per site (default: none), keeps the flagged names whole: a candidate cell's
    name says where the cell lies ("Cell 12-40 in Yuanjiang Hani, Yi and Dai Autonomous County
    (...)", `siting.prepare.candidates.cell_names`), and cut at its first comma it would say
    less, or something else."""
    full = [str(site_id) if _missing(name) else str(name).strip() for name, site_id in zip(names, ids, strict=True)]
    kept = [False] * len(full) if whole is None else [bool(w) for w in whole]
    if len(kept) != len(full):
        raise ValueError(f"site_names: {len(kept)} flags in `whole` for {len(full)} sites")
    short = [name if keep else (name.split(",")[0].strip() or name) for name, keep in zip(full, kept, strict=True)]
    short_count: dict[str, int] = {}
    full_count: dict[str, int] = {}
    for s, f in zip(short, full, strict=True):
        short_count[s] = short_count.get(s, 0) + 1
        full_count[f] = full_count.get(f, 0) + 1
    found = []
    for s, f, site_id in zip(short, full, ids, strict=True):
        if short_count[s] == 1:
            found.append(s)
        elif full_count[f] == 1 or f == str(site_id):
            found.append(f)
        else:
            found.append(f"{f} ({site_id})")
    return found


def frame_site_names(frame: Any) -> list[str]:
    """`site_names` of every row of `frame`, a sites table (a layer's or sites.geojson's) with an
    `id` column, where it has them a `name` column (the ids name the sites without one) and a
    `kind` column ("park" or "cell": candidate cells keep their whole names)."""
    ids = [str(i) for i in frame["id"]]
    given = list(frame["name"]) if "name" in frame.columns else ids
    whole = [str(k) == "cell" for k in frame["kind"]] if "kind" in frame.columns else None
    return site_names(given, ids, whole)


def layer_names(sites: Any, clusters: Any, units: Mapping[str, str],
                cells: Sequence[str] | Mapping[str, str] = (), sources: Any = None) -> Names:
    """The `Names` of a run: sites from the whole sites layer (`sites`, a table with an `id`
    column and, where the layer has names, a `name` column; `site_names`), so that a site has the
    same name in every plan, and the candidate `cells` by their names (a mapping id -> name) or
    their ids (a sequence of ids); clusters by
    `cluster_names`; `units`, product -> catalog unit; the raw-material sources from the whole
    sources layer (`sources`, a table like `clusters`, prospective sources left out of the plan
    included) as `cluster_names` names clusters (none without it)."""
    named = dict(cells) if isinstance(cells, Mapping) else {str(c): str(c) for c in cells}
    ids = [*(str(i) for i in sites["id"]), *named]
    given = [*(sites["name"] if "name" in sites.columns else sites["id"]), *named.values()]
    whole = [*([str(k) == "cell" for k in sites["kind"]] if "kind" in sites.columns else [False] * len(sites)),
             *[True] * len(named)]
    shown = dict(zip(ids, site_names(given, ids, whole), strict=True))
    whole = {i: _given(n) for i, n in zip(ids, given, strict=True)}
    shortened = {i: str(name) for i, name in whole.items()
                 if name is not None and name != shown[i] and name.startswith(shown[i])}
    return Names(shown, cluster_names(clusters), dict(units), shortened,
                 cluster_names(sources) if sources is not None else {})


_COST_LABELS = {
    "capex": "capex (annuities)", "land": "land (annuities)", "fixed_opex": "fixed opex",
    "site_fixed": "site opening", "variable": "variable (energy, other)",
    "resources": "raw material at sources", "imports": "imports",
    "transport": "transport", "shortfall": "target shortfall penalty", "sales": "sales (revenue, negative)",
}


def cost_label(name: str) -> str:
    """A cost component in words: "site_fixed" -> "site opening", "sales" -> "sales (revenue,
    negative)": sales revenue is a negative cost."""
    return _COST_LABELS.get(name, name.replace("_", " "))


_PLAIN_STATUS = {
    "convergenceCriteriaSatisfied": "optimal within the gap",
    "maxTimeLimit": "stopped at the time limit",
    "iterationLimit": "stopped at an iteration or node limit",
    "screeningEnded": "the screening rounds ended above the asked gap",
    "objectiveLimit": "stopped at the objective limit",
    "minStepLength": "stopped: the solver could make no more progress",
    "unbounded": "unbounded: costs can fall without limit (a rule or bound is missing)",
    "provenInfeasible": "infeasible: no plan meets every rule",
    "locallyInfeasible": "infeasible: no plan meets every rule",
    "infeasibleOrUnbounded": "infeasible or unbounded: no plan meets every rule",
    "error": "the solver failed",
    "interrupted": "interrupted",
    "licensingProblems": "the solver failed (licensing problem)",
    "emptyModel": "nothing to decide (empty model)",
    "nearOptimalAlternative": "a near-optimal alternative: its cost is within the slack of the optimum's, not "
                              "proven the least (alternatives.md compares it)",
    "unknown": "ended for an unknown reason",
}

_LIMITS = ("maxTimeLimit", "iterationLimit", "objectiveLimit", "minStepLength", "interrupted")


def plain_status(termination: str, has_solution: bool | None = None) -> str:
    """The solver's termination condition in plain words.

    "convergenceCriteriaSatisfied" -> "optimal within the gap"; a stop at a limit says whether a plan
    was found when `has_solution` is given ("stopped at the time limit with a plan").
    """
    words = _PLAIN_STATUS.get(termination, termination)
    if termination in _LIMITS and has_solution is not None:
        words += " with a plan" if has_solution else " without a plan"
    return words
