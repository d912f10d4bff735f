""""Imports the province could make for less": where one more whole module would cost more than
the imports it replaces by less than the plan's proven gap (the absolute gap, yuan), the reason
says the difference is not proven, rather than giving it as why no more is made. The shipped
scenario's separator module at Huaning cost 0.146 bn yuan more against a proven gap of 0.147 bn
yuan and the report gave "0.15 bn yuan more in all" as the reason."""

from __future__ import annotations

from test_families import P10, make_inputs

from siting.deliver.drivers import _economic_reason, _Option, _Words, _Year

WORDS = _Words({"s1": "Site one"}, {}, "t/yr", "P")


def option(extra_yuan: float, opening: float = 0.0) -> _Option:
    """One more p10 at s1 over two years, costing `extra_yuan` more than it is worth in all."""
    years = (_Year(2030, 5.0, 0.0, 1.0e9, 0.9e9), _Year(2031, 5.0, 0.0, 1.0e9, 0.9e9))
    return _Option("s1", P10, (), 2030, years, opening, -extra_yuan - opening)


def test_a_dearer_module_within_the_gap_is_not_given_as_proven() -> None:
    text = _economic_reason(make_inputs(), option(0.1e9), "p", WORDS, "", 0.15e9)
    assert text.startswith("whole modules:")
    assert "not proven" in text and "0.15 bn yuan" in text


def test_a_dearer_module_beyond_the_gap_reads_as_before() -> None:
    text = _economic_reason(make_inputs(), option(0.2e9), "p", WORDS, "", 0.15e9)
    assert text.startswith("whole modules:") and "not proven" not in text
    assert "not proven" not in _economic_reason(make_inputs(), option(0.1e9), "p", WORDS, "")


def test_an_opening_cost_within_the_gap_is_not_given_as_proven() -> None:
    """Saves 0.3 bn against imports but opening its site costs 0.35: 0.05 bn more, within 0.15."""
    opened = _Option("s1", P10, (), 2030, (), 0.35e9, -0.05e9)
    text = _economic_reason(make_inputs(), opened, "p", WORDS, "", 0.15e9)
    assert text.startswith("opening a site:") and "not proven" in text
