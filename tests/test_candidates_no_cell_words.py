"""A block that leaves no cell names what removed them: cells below the sliver size are dropped
whatever the red line, and a min_usable_ha above cells of under a hectare gives their land in
figures that are not rounded to nothing.

Literal geometry in UTM 48N, as in tests/test_candidates.py."""

from __future__ import annotations

from shapely.geometry import box
from test_candidates import CLUSTER, UTM, X0, Y0, clusters, redline

from siting.prepare.candidates import CandidatesSpec, generate_candidates, no_cell_left


def test_cells_below_the_sliver_size_are_named_not_the_red_line() -> None:
    """9 m squares (81 m2) are all below the 100 m2 under which a cell is a sliver: the message
    names cell_size_m and the smallest side that keeps cells, not the red line (there is none)."""
    spec = CandidatesSpec(cell_size_m=9)
    zone = box(X0 + 300, Y0 + 100, X0 + 400, Y0 + 200)
    assert generate_candidates(clusters(("a", CLUSTER)), redline(), spec, UTM, allowed=zone).empty
    message = no_cell_left(clusters(("a", CLUSTER)), redline(), spec, UTM, allowed=zone, where="s.yaml")
    assert message.startswith("s.yaml: candidates.cell_size_m | ")
    assert "red line" not in message
    assert "(got 9)" in message and "at least 10 m" in message


def test_small_cells_give_their_usable_land_in_figures() -> None:
    """30 m squares hold 0.09 ha (a hair less on the ellipsoid): a min_usable_ha of 0.5 is refused with
    that figure, rounded down, not 0 ha."""
    spec = CandidatesSpec(cell_size_m=30, min_usable_ha=0.5)
    zone = box(X0 + 310, Y0 + 80, X0 + 400, Y0 + 170)  # nine whole 30 m cells
    message = no_cell_left(clusters(("a", CLUSTER)), redline(), spec, UTM, allowed=zone, where="s.yaml")
    assert message.startswith("s.yaml: candidates.min_usable_ha | ")
    assert "0.089 ha usable" in message or "0.09 ha usable" in message
    assert "at most 0 " not in message and "at most 0," not in message
