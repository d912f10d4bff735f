"""Which known name a value the input gives was meant to be: the "did you mean" of every message.

One rule serves the scenario's keys and references (`siting.config.load`) and the values of the
layers (`siting.prepare.layers`, `siting.prepare.checks`), so that a slip is caught alike
wherever it is made:

- letter case aside (`LFP` is `lfp`);
- the likest name by difflib's ratio, when at least as alike as asked (0.6, difflib's own
  default, unless a caller asks for a closer likeness);
- else a name one edit from the value (`one_edit_apart`: a letter added, dropped or changed, or
  two neighbours swapped), when both have `TYPO_MIN_CHARS` or more: `laek` for `lake`, which
  the ratio puts at 0.75;
- never a name that differs from the value only in its numbers (`numbered_alike`): `zone_1`
  and `zone_2`, or years such as `2023` and `2024`, are names of their own, not slips of each
  other;
- nor one that differs from it only in its last part, a letter or a number standing alone
  (`marked_alike`): `zone_a` and `zone_b` are zones of their own too;
- nor one that is the value with two or more letters joined before it, or the value without
  them (`prefixed`): `fepo4` (iron phosphate) is a part of `LiFePO4` (lithium iron phosphate),
  another product, however alike the ratio finds them (0.83). Parts joined after a name
  (`cell_size_m` for `cell_size`), or before it as a word of their own (`mip_rel_gap` for
  `rel_gap`), are left to the likeness: there the name is most often the same setting with
  its unit or its family said;
- and for a short value, of `SHORT_CHARS` or fewer (a chemical code such as `lfp`, `ncm`,
  `li2co3`), only a name it is a slip of with every letter kept (`short_slip`): the same but for
  its letter case or separators, two neighbours swapped (`lpf` for `lfp`), a digit for the
  letter it looks like (`fep04`), a letter of the name dropped (`cels`, `fepo` for `fepo4`) or
  one more at its end (`lakes` for `lake`). A letter changed, or added inside a code, names
  another material (`nca` and `ncm`, `lmfp` and `lfp`), and a code
  is as alike by the ratio to many a longer one (`lco` and `li2co3`); so is a short name of a
  zone (`zonea` and `zoneb`). A key of the schema is no code (`close_key`): a short one is also
  offered for a value one edit from it (`yeers` for `years`, `nmae` for `name`), as a long one is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

#: difflib's own cutoff, which the scenario's keys and references use.
LIKENESS = 0.6
#: A value one edit from a name is taken for a typo of it, however unlike by difflib's ratio,
#: when both have at least this many characters. The ratio counts a swap as two changes, so a
#: short word's slip falls below a likeness high enough to keep long names apart (`laek` and
#: `lake` are 0.75 alike); one or two letters are whole names (zones `a` and `b`), not slips of
#: each other.
TYPO_MIN_CHARS = 3

#: A value of at most this many characters is a short code (`short_slip`), every letter of which
#: tells what it names.
SHORT_CHARS = 5

_NUMBER = re.compile(r"\d+")

#: A name's last part when it is a letter or a number standing alone, after a separator: the `a`
#: of `zone_a`, the `12` of `lot-12`, the `b` of `block b`.
_MARK = re.compile(r"^(.*[_\-. ])([^\W_]|\d+)$")

#: Digits and the letters they look like, taken for one another in a short code.
_LOOK_ALIKE = str.maketrans("01", "ol")

#: What separates the words of a name.
_SEPARATORS = "_-. "


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter added, dropped or changed, or two neighbouring letters
    swapped (a Damerau-Levenshtein distance of 1); False for equal strings."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        cut = next((i for i, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
        return short[cut:] == long_[cut + 1:]
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) == 1:
        return True
    if len(differ) != 2 or differ[1] != differ[0] + 1:
        return False
    i, j = differ
    return a[i] == b[j] and a[j] == b[i]


def numbered_alike(a: str, b: str) -> bool:
    """Whether `a` and `b` differ, and only in their numbers (each run of digits): `zone_1` and
    `zone_2`, `zone_1` and `zone_12`, `2023` and `2024`; not `fepo4` and `fep04`, nor `zone1`
    and `zone_1`, whose letters differ too."""
    return a != b and bool(_NUMBER.search(a)) and _NUMBER.sub("#", a) == _NUMBER.sub("#", b)


def marked_alike(a: str, b: str) -> bool:
    """Whether `a` and `b` differ only in their last part, a letter or a number standing alone
    after a separator in each: `zone_a` and `zone_b`, `zone_a` and `zone_2`, `block a` and
    `block c`; not `zone_a` and `zone_ab`, nor `zonea` and `zoneb`, whose last parts are not
    marks standing alone."""
    first, second = _MARK.match(a), _MARK.match(b)
    return a != b and first is not None and second is not None and first.group(1) == second.group(1)


def prefixed(a: str, b: str) -> bool:
    """Whether one of `a` and `b` is the other with two or more letters joined before it, not as
    a word of their own: `lifepo4` and `fepo4`; not `ithium` and `lithium` (one letter, a slip),
    nor `mip_rel_gap` and `rel_gap` (a word of its own before it)."""
    short, long_ = sorted((a, b), key=len)
    extra = long_[:len(long_) - len(short)]
    return (len(extra) >= 2 and long_.endswith(short) and extra[-1] not in _SEPARATORS
            and short[:1] not in _SEPARATORS)


def _unseparated(name: str) -> str:
    """`name` without the characters that separate its words."""
    return "".join(c for c in name if c not in _SEPARATORS)


def short_slip(a: str, b: str) -> bool:
    """Whether `b` is a slip of the short value `a` (letter case aside) that keeps every letter of
    it: the same but for separators (`n_cm`, `ncm`), two neighbouring characters swapped
    (`lpf`, `lfp`), a digit for the letter it looks like (`fep04`, `fepo4`), one letter of the
    name dropped (`cels`, `cells`; `fepo`, `fepo4`) or one more at its end (`lakes`, `lake`); not
    one changed (`nca`, `ncm`) or added inside (`lmfp`, `lfp`), nor equal strings."""
    a, b = a.casefold(), b.casefold()
    if a == b:
        return False
    if _unseparated(a) == _unseparated(b):
        return True
    if min(len(a), len(b)) < TYPO_MIN_CHARS:
        return False
    if len(a) == len(b):  # two neighbours swapped, or one character for its look-alike
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and one_edit_apart(a, b)
        return swapped or (len(differ) == 1 and a.translate(_LOOK_ALIKE) == b.translate(_LOOK_ALIKE))
    # one letter dropped from the name anywhere (`cels`, `cells`), or one more at its end
    return one_edit_apart(a, b) and (len(a) < len(b) or a.startswith(b))


def close_match(value: str, known: Iterable[str], likeness: float = LIKENESS, codes: bool = True) -> str | None:
    """The one of `known` that `value` is most like, letter case aside: the likest when at least
    `likeness` alike (difflib's ratio), else the first one edit from it (`one_edit_apart`, both
    of `TYPO_MIN_CHARS` or more); never one that differs from it only in its numbers
    (`numbered_alike`) or its last mark (`marked_alike`), nor one that is a part of it, or it a
    part of the name, by letters joined before (`prefixed`). A short value (`SHORT_CHARS` or
    fewer) is matched only to a name it is a slip of with every letter kept (`short_slip`),
    unless the caller asks for no likeness at all (`likeness` 0: the likest, whatever it is);
    where `known` are names of no codes (`codes` False: the keys of the schema, `close_key`),
    also to one a letter changed or added from it (`one_edit_apart`: `yeers` for `years`).
    None when none is found."""
    wanted = str(value).casefold()
    folded: dict[str, str] = {}
    for name in known:
        key = str(name).casefold()
        if not (numbered_alike(wanted, key) or marked_alike(wanted, key) or prefixed(wanted, key)):
            folded.setdefault(key, str(name))
    if len(wanted) <= SHORT_CHARS and likeness > 0:
        if wanted in folded:  # letter case aside, the name itself
            return folded[wanted]
        slips = [name for name in folded if short_slip(wanted, name)
                 or (not codes and min(len(name), len(wanted)) >= TYPO_MIN_CHARS and one_edit_apart(wanted, name))]
        found = difflib.get_close_matches(wanted, slips, n=1, cutoff=0.0)
        return folded[found[0]] if found else None
    found = difflib.get_close_matches(wanted, list(folded), n=1, cutoff=likeness)
    if found:
        return folded[found[0]]
    slips = [name for name in folded if min(len(name), len(wanted)) >= TYPO_MIN_CHARS and one_edit_apart(wanted, name)]
    return folded[slips[0]] if slips else None


#: A key's unit, said by its last part: suffix -> (what it measures, the unit's symbol, its words,
#: its size in the measure's base unit). Longest suffixes are tried first (`_km2` before `_km`).
_UNITS: dict[str, tuple[str, str, str, float]] = {
    "_m": ("length", "m", "metres", 1.0),
    "_km": ("length", "km", "kilometres", 1000.0),
    "_m2": ("area", "m2", "square metres", 1.0),
    "_ha": ("area", "ha", "hectares", 1.0e4),
    "_km2": ("area", "km2", "square kilometres", 1.0e6),
    "_t": ("mass", "t", "tonnes", 1.0),
    "_kt": ("mass", "kt", "thousand tonnes", 1.0e3),
    "_pct": ("share", "%", "per cent", 0.01),
    "_s": ("time", "s", "seconds", 1.0),
    "_yr": ("time", "yr", "years", 365.25 * 86400.0),
}


def unit_of(key: str) -> tuple[str, str, str, float] | None:
    """The unit a key's last part says (`_UNITS`): `buffer_m` in metres, `rel_gap_pct` in per
    cent, `lifetime_yr` in years; None for a key without one, and for a rate (`price_yuan_per_t`:
    per tonne, whose conversion goes the other way; `transport_yuan_per_t_km`: per t-km)."""
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if key.endswith(suffix) and len(key) > len(suffix):
            before = key[:-len(suffix)]
            return None if before.endswith("_per") or "_per_" in before else _UNITS[suffix]
    return None


#: How a key without a unit says that it is a share (a fraction: 0.01 is 1 %), as the scenario's
#: share keys end: `rel_gap`, `discount_rate`, `max_share`, `lead_share_min`, `utilisation` (not a
#: section such as `build_rate`, a limit).
_SHARE_ENDINGS = ("share", "discount_rate", "utilisation", "rel_gap", "share_min", "share_max")


def is_share(key: str) -> bool:
    """Whether `key` is a share (a fraction, 0.01 for 1 %) by its name: a key without a unit
    (`unit_of`) that ends as the scenario's shares do (`_SHARE_ENDINGS`: `rel_gap`, `max_share`,
    `discount_rate`); not `official_share_pct` (per cent), `official_share_source` (a text) nor
    `abs_gap_bn_yuan` (bn yuan)."""
    key = str(key)
    return unit_of(key) is None and any(key == end or key.endswith(f"_{end}") for end in _SHARE_ENDINGS)


def unit_change(typed: str, suggested: str) -> str:
    """What a suggested key's unit is when it differs from the one the typed key says, to follow
    "did you mean '<suggested>'?", with a space before it; "" when they say the same unit, or when
    the suggested key says none that is known. `buffer_km` for `buffer_m`: " (in metres: 1 km is
    1000 m)"; `buffer` for `buffer_m`: " (in metres)". A key in per cent (`_pct`: 1 is 1 %) and a
    share (`is_share`: 0.01 is 1 %) say each other's conversion: `rel_gap_pct` for `rel_gap`:
    " (a share: 1 % is 0.01)"; `official_share` for `official_share_pct`: " (in per cent: 0.01
    is 1 %)"; `abs_gap_pct` for `abs_gap_bn_yuan`, a key that is no share: ""."""
    typed, suggested = str(typed), str(suggested)
    was, now = unit_of(typed), unit_of(suggested)
    if was == now:
        return ""
    if now is None:
        return " (a share: 1 % is 0.01)" if was is not None and was[0] == "share" and is_share(suggested) else ""
    if was is None:
        return " (in per cent: 0.01 is 1 %)" if now[0] == "share" and is_share(typed) else f" (in {now[2]})"
    if was[0] != now[0]:
        return f" (in {now[2]})"
    return f" (in {now[2]}: 1 {was[1]} is {was[3] / now[3]:g} {now[1]})"


def unit_stem(key: str) -> str:
    """`key` without the unit its last part says (`unit_of`): `buffer` of `buffer_m`,
    `official_share` of `official_share_pct`; `key` itself where it says none."""
    key = str(key)
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if key.endswith(suffix) and unit_of(key) is not None:
            return key[:-len(suffix)]
    return key


def close_key(value: str, known: Iterable[str]) -> str | None:
    """The key of `known` a mistyped key `value` most likely meant: `close_match`'s, else the one
    whose name without its unit (`unit_stem`) `value` is a slip of, typed with its unit left out
    (`bufer` for `buffer_m`, which `close_match` alone does not offer: two letters apart, and
    short). A stem shared by two keys (`buffer_m` and `buffer_km`) offers neither. None when none
    is found. A short key is no code: one edit from it is a slip (`yeers` for `years`), as for a
    long one (`close_match` with `codes` False)."""
    keys = [str(k) for k in known]
    close = close_match(value, keys, codes=False)
    if close is not None:
        return close
    stems: dict[str, list[str]] = {}
    for key in keys:
        stem = unit_stem(key)
        if stem != key and stem not in keys:
            stems.setdefault(stem, []).append(key)
    found = close_match(unit_stem(value), [stem for stem, named in stems.items() if len(named) == 1], codes=False)
    return stems[found][0] if found is not None else None
