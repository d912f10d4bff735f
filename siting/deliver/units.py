"""One way to state money, product names, product units and solver outcomes in every output.

Money is stated in billion yuan ("bn yuan", 1 bn = 1e9 yuan = 10 亿) with two decimals in text;
CSV money columns hold bn yuan and say so in their names (`capex_bn_yuan`). Quantities carry the
catalog's unit of their product (t, GWh, million m2), never a generic "units".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Protocol

BN = 1e9
"""Yuan in one billion yuan."""

MONEY_UNIT = "bn yuan"
"""The money unit written after every money figure in text."""

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


def bn_yuan(yuan: float | None, digits: int = 2) -> str:
    """Yuan as text in billion yuan with the unit: 72_840_000_000 -> "72.84 bn yuan"; None -> "n/a"."""
    if yuan is None or not math.isfinite(yuan):
        return "n/a"
    return f"{bn_number(yuan, digits)} {MONEY_UNIT}"


def bn_number(yuan: float | None, digits: int = 2) -> str:
    """Yuan as a bare billion-yuan number for a table whose header carries the unit; None -> "n/a"."""
    if yuan is None or not math.isfinite(yuan):
        return "n/a"
    value = round(to_bn(yuan), digits)
    return f"{value if value != 0 else 0.0:,.{digits}f}"


def product_label(code: str) -> str:
    """A product code in words: "ncm_precursor" -> "NCM precursor", "copper_foil" -> "Copper foil"."""
    parts = [_WORD_FORMS.get(part.lower(), part.lower()) for part in code.split("_") if part]
    if not parts:
        return code
    first = parts[0]
    if first == first.lower():
        parts[0] = first[:1].upper() + first[1:]
    return " ".join(parts)


def unit_of(catalog: _Catalog, product: str) -> str:
    """The catalog's unit of a product ("t", "GWh", "million m2")."""
    return catalog.products[product].unit


def per_year(unit: str) -> str:
    """A product unit per year, for headers and labels: "t" -> "t/yr", "million m2" -> "million m2/yr"."""
    return f"{unit}/yr"


def unit_slug(unit: str) -> str:
    """A unit as part of a CSV column name: "t" -> "t", "million m2" -> "million_m2", "GWh" -> "GWh"."""
    return re.sub(r"[^A-Za-z0-9]+", "_", unit).strip("_")


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
