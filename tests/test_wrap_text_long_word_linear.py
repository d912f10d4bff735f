"""wrap_text's label-and-percentage glue (`_LABELLED`) tries a label only from a word's start: a
long word without spaces (a list joined by commas, a long path) is passed over at once, not
re-scanned from each of its characters (time growing with the square of its length)."""

from siting.deliver.tables import _LABELLED, wrap_text


def test_a_label_is_tried_from_a_words_start_only():
    text = "xabc 11%"
    assert _LABELLED.match(text, 0) is not None
    # from inside the word no match begins: each inner start would re-scan the rest of the word
    assert [_LABELLED.match(text, start) for start in range(1, 4)] == [None, None, None]


def test_a_long_word_is_wrapped_whole():
    n = 2_000
    for text in ("x" * n + " " + "1" * n, "a " * 50 + "1," * n):
        lines = wrap_text(text, 80)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_label_still_keeps_its_percentage():
    text = "shares: " + ", ".join(f"plant_{i} {i}%" for i in range(30)) + ","
    for line in wrap_text(text, 40):
        assert not line.lstrip().startswith(tuple("0123456789"))
