"""report.md's modules table: where the capex rows as shown (each rounded to 0.01 bn yuan) do not
add up to the total shown in its last row, a sentence under the table says why."""

from __future__ import annotations

from siting.deliver.report import rounding_note


def test_three_rows_rounded_down_say_they_do_not_add_up() -> None:
    """1.004 bn yuan three times: each row shows 1.00, the rows add up to 3.00, the total is 3.012,
    shown 3.01."""
    assert rounding_note([1.004e9, 1.004e9, 1.004e9]) == (
        "Each row is rounded to 0.01 bn yuan on its own: the rows as shown add up to 3.00, "
        "the total of the unrounded figures is 3.01 bn yuan.")


def test_rows_that_add_up_as_shown_get_no_sentence() -> None:
    """2.00 + 2.50 + 1.00 + 2.00 + 2.00 = 9.50 shown either way; 1.004 + 1.004 = 2.008, shown 2.01,
    while the rows show 1.00 + 1.00 = 2.00: only the second gets a sentence."""
    assert rounding_note([2.0e9, 2.5e9, 1.0e9, 2.0e9, 2.0e9]) == ""
    assert rounding_note([1.004e9, 1.004e9]) != ""


def test_the_small_plan_adds_up_and_says_nothing_of_rounding(small_run) -> None:
    """The small plan's capex rows (9.50 bn yuan in all) add up as shown: no sentence."""
    text = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "| all years |  |  |  |  |  |  |  | 9.50 |" in text
    assert "rounded to 0.01 bn yuan on its own" not in text
