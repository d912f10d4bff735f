"""Notes under the terminal's tables wrap by terminal columns, not characters: a Chinese
character takes two columns (siting/deliver/tables.py `wrap_columns`)."""

from __future__ import annotations

from siting.deliver.tables import TERMINAL_WIDTH, display_width, wrap_columns
from siting.runs.tables import _cut_note


def test_wrap_columns_counts_a_chinese_character_as_two_columns() -> None:
    # 安宁工业园区 is 6 characters, 12 columns; with ", " each item takes 14 columns
    text = ", ".join(["安宁工业园区"] * 4)
    assert wrap_columns(text, 30) == ["安宁工业园区, 安宁工业园区,", "安宁工业园区, 安宁工业园区"]
    assert wrap_columns(text, 30, indent="  ") == ["安宁工业园区, 安宁工业园区,", "  安宁工业园区, 安宁工业园区"]


def test_wrap_columns_keeps_a_long_word_whole_and_glues_at_a_no_break_space() -> None:
    assert wrap_columns("a 0123456789 b", 5) == ["a", "0123456789", "b"]
    assert wrap_columns("gap 0.49\u00a0bn yuan", 10) == ["gap", "0.49\u00a0bn", "yuan"]
    assert wrap_columns("", 10) == []


def test_a_note_naming_rows_in_chinese_stays_within_the_terminal_width() -> None:
    rows = [f"情景{n}：红线缓冲区两千米" for n in range(12)]
    lines = _cut_note(rows, "comparison.csv")
    assert lines[0] == ""
    assert max(display_width(line) for line in lines) <= TERMINAL_WIDTH
    assert all(row in " ".join(lines[1:]) for row in rows)  # nothing lost
