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
  its unit or its family said.
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

_NUMBER = re.compile(r"\d+")

#: A name's last part when it is a letter or a number standing alone, after a separator: the `a`
#: of `zone_a`, the `12` of `lot-12`, the `b` of `block b`.
_MARK = re.compile(r"^(.*[_\-. ])([^\W_]|\d+)$")

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


def close_match(value: str, known: Iterable[str], likeness: float = LIKENESS) -> str | None:
    """The one of `known` that `value` is most like, letter case aside: the likest when at least
    `likeness` alike (difflib's ratio), else the first one edit from it (`one_edit_apart`, both
    of `TYPO_MIN_CHARS` or more); never one that differs from it only in its numbers
    (`numbered_alike`) or its last mark (`marked_alike`), nor one that is a part of it, or it a
    part of the name, by letters joined before (`prefixed`). None when none is found."""
    wanted = str(value).casefold()
    folded: dict[str, str] = {}
    for name in known:
        key = str(name).casefold()
        if not (numbered_alike(wanted, key) or marked_alike(wanted, key) or prefixed(wanted, key)):
            folded.setdefault(key, str(name))
    found = difflib.get_close_matches(wanted, list(folded), n=1, cutoff=likeness)
    if found:
        return folded[found[0]]
    slips = [name for name in folded if min(len(name), len(wanted)) >= TYPO_MIN_CHARS and one_edit_apart(wanted, name)]
    return folded[slips[0]] if slips else None
