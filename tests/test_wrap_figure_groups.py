"""Wrapped terminal text keeps a list item's label with the percentage it qualifies, as far as the
pair fits on a line, and never starts a line with a bare "%"."""

import re

from siting.deliver.tables import wrap_text

VERDICT = ("calibration: the rules admit every real plant, but the model holds 5 of them below 50% of what they "
           "can make in 2024, for want of feedstock (the chain-balance rule of FePO4 binds: 80% of the FePO4 "
           "that LFP production uses must be made in the province): yeyang_lfp_phase1 11%, fengyuan_lfp_phase1 "
           "11%, fengyuan_lfp_phase2a 11%, defang_eve_lfp 12%, defang_lmfp 0%")


def test_label_stays_with_its_percentage_at_every_width():
    for width in range(40, 121):
        lines = wrap_text(VERDICT, width)
        assert all(len(line) <= width for line in lines), width
        for line in lines[1:]:  # no item's percentage ("11%,", "0%" at the end) begins a line
            assert not re.match(r"\s*\d+%(,|$)", line), (width, lines)


def test_pair_wider_than_a_line_is_broken_between_label_and_figure():
    lines = wrap_text("see long_label_of_a_plant_phase1 11%", 30)
    assert lines == ["see", "  long_label_of_a_plant_phase1", "  11%"]


def test_no_line_starts_with_a_bare_percent():
    for width in range(8, 20):
        for line in wrap_text("the gap a.0.10 % here", width)[1:]:
            assert not line.strip().startswith("%"), (width, line)


def test_prose_percentages_keep_their_breaks():
    # a percentage inside a sentence ("50% of") binds no word before it
    assert wrap_text("it holds them below 50% of what", 20) == ["it holds them below", "  50% of what"]
