"""alternatives.md of a run asked for one alternative speaks of that one: it keeps the optimum's
capacity by cluster (scope `sites`), and the plans of scope `clusters` come only with more asked
for; before, it described a set of several in two stages ("1 alternative to the optimum, each
within ..., the first alternatives ... the others ...")."""

from __future__ import annotations

from tests.conftest import MadeRun


def test_one_alternative_is_described_as_one(small_one_alternative_run: MadeRun) -> None:
    """The small scenario solved with `--alternatives 1 --quiet` (conftest's
    `small_one_alternative_run`)."""
    out = small_one_alternative_run.out
    intro = (out / "alternatives.md").read_text(encoding="utf-8").split("\n\n")[1]
    assert intro.startswith("1 alternative to the optimum, within 5% of its cost")
    assert "each within" not in intro and "The first alternatives" not in intro
    assert "It keeps the optimum's modules by cluster, size and year" in intro
    assert "half of them (rounded down) may move capacity between clusters too" in intro
