"""plan.qgs's text wrapping (siting/deliver/qgisproject.py `wrap_text`) measures a part that
fits once, whole, not each longer prefix of it; the lines are those of measuring word by word."""

import random
import re

import pytest

from siting.deliver import qgisproject
from siting.deliver.qgisproject import LEGEND_BREAK, text_mm, wrap_text


def word_by_word(text: str, width_mm: float, size_pt: float, bold: bool = False) -> list[str]:
    """The lines of the greedy wrap that measures each longer line, word by word."""
    lines: list[str] = []
    for part in re.split(f"{re.escape(LEGEND_BREAK)}|\n", text):
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_mm(candidate, size_pt, bold) > width_mm:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = qgisproject._advance_em

    def counting(text: str, bold: bool) -> float:
        seen.append(text)
        return real(text, bold)

    monkeypatch.setattr(qgisproject, "_advance_em", counting)
    return seen


def test_a_text_that_fits_is_measured_once(measured: list[str]) -> None:
    text = "LFP cathode, new capacity in Kunming and Yuxi from 2023 on"
    assert wrap_text(text, 500.0, 8.0) == [text]
    assert measured == [text]


WORDS = ("a", "of", "LFP", "cathode", "Kunming", "WAVY", "AVATAR", "yuan/yr", "1,600,000", "t/yr", "(2.5%)",
         "红线", "生态保护", "Qujing-ETDZ", "ﬁle", "—", "x")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("bold", [False, True])
def test_the_lines_are_those_of_measuring_word_by_word(seed: int, bold: bool) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 30))]
        text = ""
        for word in words:  # single, double, leading and trailing spaces, breaks
            text += rng.choice([" ", " ", " ", "  ", LEGEND_BREAK, "\n"]) + word
        text = text[1:] if rng.random() < 0.7 else text
        text += rng.choice(["", " ", "  "])
        for width in (5.0, 12.0, 20.0, 33.3, 47.0, 80.0, 200.0):
            for size in (6.0, 8.0):
                assert wrap_text(text, width, size, bold) == word_by_word(text, width, size, bold), (text, width)
