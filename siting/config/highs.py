"""HiGHS options a scenario may set, each checked by HiGHS itself (its type and range are asked
of highspy, never kept here), so that a bad option is refused when the scenario is loaded."""

from __future__ import annotations

import copy
import functools
import io
import math
import re
import sys
import threading
from typing import Any

import highspy
from pyomo.common.tee import capture_output

from siting.config.words import close_match

# HiGHS options a scenario may set beyond the named settings: search behaviour and tolerances.
# Anything else (file output, logging, the settings below, REFUSED_HIGHS_OPTIONS) is refused, so
# that a typo never passes silently. Their types, ranges and allowed values come from HiGHS.
ALLOWED_HIGHS_OPTIONS = frozenset(
    {"mip_rel_gap", "mip_max_nodes", "mip_max_leaves", "mip_max_stall_nodes",
     "mip_max_improving_sols", "mip_heuristic_effort", "mip_detect_symmetry", "presolve", "presolve_rule_off",
     "random_seed", "mip_feasibility_tolerance", "dual_feasibility_tolerance"}
)

#: The HiGHS option of the absolute gap, in the objective's own units (the project's models count
#: in million yuan): a solve sets it from `solver.abs_gap_bn_yuan` (siting/optimize/solve.py
#: `SolverSettings.abs_gap_yuan`), converted for the model solved, never from `solver.options`.
ABS_GAP_OPTION = "mip_abs_gap"

#: HiGHS's option of the feasibility tolerance of its LPs, which a MIP run does not use: HiGHS
#: (1.16) runs a MIP with it at `mip_feasibility_tolerance`, and every run of a solve is a MIP run
#: (a model's whole-number decisions stay whole-number columns of HiGHS's model also when they are
#: fixed, as when a plan is costed or its decisions rounded: siting/optimize/solve.py `solve_fixed`).
PRIMAL_TOLERANCE_OPTION = "primal_feasibility_tolerance"

#: The loosest feasibility tolerance a scenario may give HiGHS: the plan is read back to it
#: (siting/optimize/results.py: a whole-number decision farther than INTEGRALITY_TOLERANCE, 1e-6,
#: from a whole number is refused, an amount under ZERO, 1e-6, is taken for 0), so that a looser
#: one only lets HiGHS spend its time on a plan the run then cannot write.
LOOSEST_TOLERANCE = 1e-6

#: HiGHS options refused with a reason of their own: (what is wrong, how to fix it).
#: `mip_abs_gap` is in the model's objective units (million yuan), which a scenario does not
#: see; given there, HiGHS would stop at an absolute gap the project's proof of the gap
#: (siting/optimize/tolerance.py `within_gap`) would not know of. `solver.abs_gap_bn_yuan` sets it
#: for both. `primal_feasibility_tolerance` has no effect on any run (PRIMAL_TOLERANCE_OPTION):
#: admitted, the manifest would record a tolerance HiGHS did not use. RENS, RINS and the root
#: reduced-cost sub-MIP are switched by the solve itself (siting/optimize/solve.py
#: `BOUND_SEARCH_HEURISTICS`: off in a search for a bound and for a model of a few dozen whole
#: numbers, on otherwise); `mip_heuristic_effort` is how a scenario changes HiGHS's heuristics.
_HEURISTIC_SWITCHED = ("is switched by the solve itself: off in a search for a bound and for a model of a few "
                       "dozen whole-number decisions, where it costs more than it finds, on otherwise",
                       "leave it out; to change how much HiGHS searches by heuristics, set "
                       "solver.options.mip_heuristic_effort (HiGHS's default 0.05)")
REFUSED_HIGHS_OPTIONS: dict[str, tuple[str, str]] = {
    ABS_GAP_OPTION: ("an absolute gap is set by solver.abs_gap_bn_yuan, in bn yuan (HiGHS's option counts in the "
                     "model's million yuan)", "set solver.abs_gap_bn_yuan instead, e.g. 0.5 for 0.5 bn yuan"),
    PRIMAL_TOLERANCE_OPTION: ("has no effect on the MIP: HiGHS solves it with its primal feasibility tolerance at "
                              "mip_feasibility_tolerance",
                              f"set mip_feasibility_tolerance instead (at most {LOOSEST_TOLERANCE:g})"),
    "mip_heuristic_run_rens": _HEURISTIC_SWITCHED,
    "mip_heuristic_run_rins": _HEURISTIC_SWITCHED,
    "mip_heuristic_run_root_reduced_cost": _HEURISTIC_SWITCHED,
}

#: The tolerance options bounded by LOOSEST_TOLERANCE, each with what a looser value lets HiGHS do.
TOLERANCE_OPTIONS: dict[str, str] = {
    "mip_feasibility_tolerance": "return module counts and site openings that far from a whole number, which the "
                                 "plan cannot use",
    "dual_feasibility_tolerance": "stop its LPs short of their optimum, so that its bound proves no gap",
}

#: The HiGHS option behind each named setting of `solver:`.
NAMED_SETTINGS: dict[str, str] = {
    "time_limit_s": "time_limit", "rel_gap": "mip_rel_gap", "threads": "threads", "random_seed": "random_seed",
}

OptionValue = bool | int | float | str

#: Held while HiGHS's output is captured (a solve, or the first HiGHS instance's banner). The
#: capture takes over the process's standard streams and their file descriptors, so two of them
#: at once in two threads (a notebook's thread pool) would leave the streams to neither: one
#: capture, hence one solve, at a time in a process; a thread's call waits for the other's.
HIGHS_OUTPUT_LOCK = threading.RLock()

_TYPE_WORDS = {
    highspy.HighsOptionType.kBool: ("true or false", "true or false"),
    highspy.HighsOptionType.kInt: ("a whole number", "a whole number"),
    highspy.HighsOptionType.kDouble: ("a number", "a finite number"),
    highspy.HighsOptionType.kString: ("text", "one of the values HiGHS names"),
}

_INT32 = (-(2**31), 2**31 - 1)


class OptionRejected(ValueError):
    """HiGHS does not accept a value for an option: `what` is wrong, `fix` says what to do."""

    def __init__(self, what: str, fix: str):
        self.what, self.fix = what, fix
        super().__init__(f"{what}; {fix}")


def _unwrap_status(result: Any) -> tuple[bool, Any]:
    """(ok, value) from a highspy call that returns a status, a value, or (status, value)."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], highspy.HighsStatus):
        return result[0] == highspy.HighsStatus.kOk, result[1]
    if isinstance(result, highspy.HighsStatus):
        return result == highspy.HighsStatus.kOk, None
    return True, result


class _Probe:
    """A fresh, silent HiGHS instance that records HiGHS's own messages about option values."""

    banner_printed = False  # HiGHS prints a banner when the process makes its first instance

    def __init__(self) -> None:
        self.highs = quiet_highs()
        if not _unwrap_status(self.highs.setOptionValue("log_to_console", False))[0]:
            raise RuntimeError("HiGHS refused log_to_console = false")
        self.messages: list[str] = []
        logging = getattr(self.highs, "cbLogging", None)
        if logging is not None:
            logging.subscribe(lambda event: self.messages.append(str(getattr(event, "message", ""))))

    def option_type(self, name: str) -> Any:
        ok, kind = _unwrap_status(self.highs.getOptionType(name))
        return kind if ok else None

    def value(self, name: str) -> Any:
        ok, value = _unwrap_status(self.highs.getOptionValue(name))
        if not ok:
            raise OptionRejected(f"HiGHS cannot read back option {name!r}", "report this as a bug")
        return value

    def set(self, name: str, value: OptionValue) -> str | None:
        """None when HiGHS accepts the value, else HiGHS's own explanation."""
        self.messages.clear()
        ok, _ = _unwrap_status(self.highs.setOptionValue(name, value))
        if ok:
            return None
        said = " ".join(m.strip() for m in self.messages if m.strip())
        for prefix in ("ERROR:", "checkOptionValue:", "setLocalOptionValue:"):
            said = said.replace(prefix, "")
        return " ".join(said.split()) or "HiGHS refuses it"


def quiet_highs() -> highspy.Highs:
    """A new HiGHS instance, made one at a time in the process (`HIGHS_OUTPUT_LOCK`): the banner
    HiGHS prints as a process makes its first instance is captured, which takes over the process's
    standard streams; a later instance is made without a capture, the streams left alone."""
    with HIGHS_OUTPUT_LOCK:
        if _Probe.banner_printed:
            return highspy.Highs()
        with capture_output(output=io.StringIO(), capture_fd=True):
            highs = highspy.Highs()
        _Probe.banner_printed = True
        return highs


def _on_off(name: str) -> bool:
    """True when HiGHS's string option `name` takes "on" and "off" and refuses other words
    (presolve, parallel, run_crossover, ...): a YAML true/false then means "on"/"off"."""
    return all(_Probe().set(name, word) is None for word in ("on", "off")) and \
        _Probe().set(name, "not-a-setting") is not None


def _as_number(name: str, value: Any, kind: Any) -> int | float:
    """A number for a numeric option. Text is refused: a scenario's number written as text is read
    as the number it spells before (`siting.config.load.option_number`), by the rule of its other
    numbers, which its JSON schema states."""
    noun, example = _TYPE_WORDS[kind]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OptionRejected(f"HiGHS option {name!r} takes {noun} (got {_got(value)})", f"give {example}")
    number = value
    if not math.isfinite(number):
        raise OptionRejected(f"must be a finite number (got {_got(value)})", "give a finite number")
    if kind == highspy.HighsOptionType.kDouble:
        return float(number)
    if isinstance(number, float):
        if not number.is_integer():
            raise OptionRejected(f"HiGHS option {name!r} takes {noun} (got {_got(value)})", f"give {example}")
        number = int(number)
    return int(number)


def _got(value: Any) -> str:
    """A value given for an option as a message shows it: true/false and null as YAML writes them
    (not Python's True, False, None), anything else as its repr."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    return repr(value)


def highs_option_value(name: str, value: Any) -> OptionValue:
    """The value HiGHS holds after setting option `name` to `value` on a fresh instance.

    The option's type and range are HiGHS's own. YAML booleans are accepted for HiGHS's on/off
    string options (`presolve: off` is YAML false, meaning "off"); a numeric option takes a number,
    not text (a scenario's text holding a number is read before: `siting.config.load.option_number`).
    Raises OptionRejected saying what is wrong and how to fix it (unknown option, wrong type,
    non-finite number, out of HiGHS's range or allowed values)."""
    if name not in ALLOWED_HIGHS_OPTIONS | set(NAMED_SETTINGS.values()) | {ABS_GAP_OPTION}:
        raise ValueError(f"HiGHS option {name!r} is not one a scenario may set")  # probing could write files
    probe = _Probe()
    kind = probe.option_type(name)
    if kind is None:
        raise OptionRejected(f"unknown HiGHS option (got {name!r})", "check the name in the HiGHS options list")
    default = probe.value(name)
    candidate: Any
    if kind == highspy.HighsOptionType.kBool:
        if not isinstance(value, bool):
            raise OptionRejected(f"HiGHS option {name!r} takes true or false (got {_got(value)})", "give true or false")
        candidate = value
    elif kind == highspy.HighsOptionType.kString:
        if isinstance(value, bool) and _on_off(name):
            candidate = "on" if value else "off"
        elif isinstance(value, str):
            candidate = value
        else:
            raise OptionRejected(f"HiGHS option {name!r} takes text (got {_got(value)})",
                                 f"give one of the values HiGHS names for it (default {default!r})")
    else:
        candidate = _as_number(name, value, kind)
    trial = candidate
    if kind == highspy.HighsOptionType.kInt and not _INT32[0] <= candidate <= _INT32[1]:
        trial = min(max(candidate, _INT32[0]), _INT32[1])  # the nearest value HiGHS can hold
    refused = probe.set(name, trial)
    if refused is None and trial != candidate:
        side = "above upper" if candidate > trial else "below lower"
        refused = f"Value {candidate} for option \"{name}\" is {side} bound of {trial}"
    if refused is not None:
        raise OptionRejected(f"HiGHS refuses the value: {refused} (got {_got(value)})",
                             f"choose a value HiGHS accepts (its default is {default!r})")
    held = probe.value(name)
    if held != candidate:
        raise OptionRejected(f"HiGHS holds {held!r} after being given {candidate!r} (got {_got(value)})",
                             "choose a value HiGHS keeps as given")
    return held


@functools.cache
def highs_default(name: str) -> OptionValue:
    """The value HiGHS holds for option `name` on a fresh instance (its own default), e.g. 1e-06
    for mip_abs_gap. OptionRejected when HiGHS cannot read it."""
    return _Probe().value(name)


def option_problem(name: str, value: Any) -> tuple[OptionValue | None, OptionRejected | None]:
    """Check one entry of `solver.options`: (the value HiGHS holds, None) or (None, the problem).

    Only options in ALLOWED_HIGHS_OPTIONS may be set; a named setting's option points to it, and
    one of REFUSED_HIGHS_OPTIONS says why it is refused and what to set instead. An
    unknown name gets the "did you mean" of every other name (`close_match`: letter case aside,
    difflib's 0.6 likeness, or one edit apart: no two of the options a scenario may set are one
    edit apart, so a name one edit from one is a slip of it). A name HiGHS knows is no slip: it gets
    the list of the options a scenario may set, not the one it looks like (`solver` is no typo
    of `presolve`). A tolerance of TOLERANCE_OPTIONS looser than LOOSEST_TOLERANCE is refused,
    HiGHS's range aside: the plan it lets HiGHS return is one the run cannot write."""
    if name in REFUSED_HIGHS_OPTIONS:
        what, fix = REFUSED_HIGHS_OPTIONS[name]
        return None, OptionRejected(f"{what} (got {_got(value)})", fix)
    if name not in ALLOWED_HIGHS_OPTIONS:
        named = {option: setting for setting, option in NAMED_SETTINGS.items()}
        if name in named:
            return None, OptionRejected(f"is set by solver.{named[name]} (got {_got(value)})",
                                        f"use solver.{named[name]} instead")
        known = _Probe().option_type(name) is not None
        close = None if known else close_match(name, sorted(ALLOWED_HIGHS_OPTIONS))
        what = "a HiGHS option a scenario may not set" if known else "unknown HiGHS option"
        hint = f"did you mean '{close}'?" if close else \
            f"options a scenario may set: {', '.join(sorted(ALLOWED_HIGHS_OPTIONS))}"
        got = _got(value) if known else repr(name)  # an unknown name is what is wrong; a known one's value
        return None, OptionRejected(f"{what} (got {got})", hint)
    try:
        held = highs_option_value(name, value)
    except OptionRejected as rejected:
        return None, rejected
    if name in TOLERANCE_OPTIONS and isinstance(held, float) and held > LOOSEST_TOLERANCE:
        return None, OptionRejected(
            f"must be at most {LOOSEST_TOLERANCE:g}, the tolerance the plan is read back to: a looser one lets HiGHS "
            f"{TOLERANCE_OPTIONS[name]} (got {_got(value)})",
            f"give at most {LOOSEST_TOLERANCE:g}, or leave it out (HiGHS's default is {highs_default(name):g})")
    return held, None


#: How HiGHS names the bound a value passes ("Value -1e+308 for option "time_limit" is below lower
#: bound of 0"): the side and the bound.
_BOUND_SAID = re.compile(r"is (below lower|above upper) bound of (-?[0-9.]+(?:e[-+]?[0-9]+)?)")

_JSON_TYPES = {highspy.HighsOptionType.kBool: "boolean", highspy.HighsOptionType.kInt: "integer",
               highspy.HighsOptionType.kDouble: "number", highspy.HighsOptionType.kString: "string"}


@functools.cache
def _option_json_schema(name: str) -> dict[str, Any]:
    probe = _Probe()
    kind = probe.option_type(name)
    if kind is None:
        raise ValueError(f"unknown HiGHS option {name!r}")
    node: dict[str, Any] = {"type": _JSON_TYPES[kind], "default": probe.value(name)}
    if kind == highspy.HighsOptionType.kString and _on_off(name):
        node["type"] = ["string", "boolean"]
    if kind not in (highspy.HighsOptionType.kInt, highspy.HighsOptionType.kDouble):
        return node
    farthest = _INT32 if kind == highspy.HighsOptionType.kInt else (-sys.float_info.max, sys.float_info.max)
    number = int if kind == highspy.HighsOptionType.kInt else float
    for keyword, value in zip(("minimum", "maximum"), farthest, strict=True):
        said = probe.set(name, value)
        found = _BOUND_SAID.search(said) if said is not None else None
        if found is not None:
            node[keyword] = number(found.group(2))
        elif said is None and kind == highspy.HighsOptionType.kInt:
            node[keyword] = value  # a whole number beyond it is refused (highs_option_value)
    if name in TOLERANCE_OPTIONS:
        node["maximum"] = min(node.get("maximum", LOOSEST_TOLERANCE), LOOSEST_TOLERANCE)  # option_problem
    return node


def option_json_schema(name: str) -> dict[str, Any]:
    """The JSON schema of a value of HiGHS option `name` as a scenario may give it: HiGHS's type
    (`type`), its default (`default`) and, for a number, the range HiGHS holds it to (`minimum`,
    `maximum`), asked of HiGHS as `highs_option_value` asks it (the farthest value the type holds
    is given, and HiGHS's refusal names the bound; a whole number is at most a 32-bit one), so
    that the range is HiGHS's own and never kept here; a tolerance of TOLERANCE_OPTIONS at most
    LOOSEST_TOLERANCE (`option_problem`). An on/off text option also takes true or false."""
    return copy.deepcopy(_option_json_schema(name))


def options_json_schema() -> dict[str, Any]:
    """The JSON schema of `solver.options`: the options of ALLOWED_HIGHS_OPTIONS, each as
    `option_json_schema` gives it, and no other (`option_problem` refuses the rest)."""
    return {"properties": {name: option_json_schema(name) for name in sorted(ALLOWED_HIGHS_OPTIONS)},
            "additionalProperties": False}
