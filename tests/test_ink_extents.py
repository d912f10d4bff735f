"""`ink_extents` gives exactly the box `Path.get_extents` gives, for letters and for any curve."""

from __future__ import annotations

import numpy as np
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from siting.deliver.mapplot import ink_extents


def assert_same_box(path: Path, affine: Affine2D) -> None:
    assert np.array_equal(ink_extents(path, affine).extents, path.get_extents(affine).extents)


def test_letters_as_drawn_with_a_halo() -> None:
    for text in ("Anning industrial park, Caopu area", "Qujing (hub)", "Cell 67-733 in Hongta District", "g@Q%&"):
        path = TextPath((0, 0), text, size=9)
        assert_same_box(path, Affine2D().scale(1.7).translate(120.5, 33.25))
        assert_same_box(path, Affine2D().rotate_deg(30).translate(5, 5))


def test_a_curve_beyond_its_ends_falls_back_to_the_exact_box() -> None:
    """A quadratic from (0, 0) to (2, 0) with its control point at (1, 2) peaks at y = 1, not at
    the control point's 2 nor at the ends' 0; a cubic likewise."""
    quad = Path([(0, 0), (1, 2), (2, 0)], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    cubic = Path([(0, 0), (0, 3), (3, 3), (3, 0), (0, 0)],
                 [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CLOSEPOLY])
    for path in (quad, cubic):
        assert_same_box(path, Affine2D())
        assert_same_box(path, Affine2D().rotate_deg(45).scale(2.0))
    assert np.allclose(ink_extents(quad, Affine2D()).extents, [0, 0, 2, 1])


def test_lines_and_two_curves_in_a_row() -> None:
    """Two quadratic segments in a row (CURVE3 x 4): the 2nd and 4th points are their ends."""
    path = Path([(0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (0, 2), (0, 0)],
                [Path.MOVETO, Path.CURVE3, Path.CURVE3, Path.CURVE3, Path.CURVE3, Path.LINETO, Path.CLOSEPOLY])
    assert_same_box(path, Affine2D().translate(3, -1))
    square = Path([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)])
    assert_same_box(square, Affine2D().scale(3))
