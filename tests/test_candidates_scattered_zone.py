"""An allowed zone of parcels far apart is gridded over the parcels, not over the bounds of them
all: the cell count is estimated from the zone's area, so a fine grid over two parcels 20 km
apart is within the limit, and must not test the million boxes between them.

Literal geometry in UTM 48N, as in tests/test_candidates.py."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import box
from test_candidates import UTM, X0, Y0, clusters, redline

from siting.prepare import candidates
from siting.prepare.candidates import CandidatesSpec, generate_candidates

#: A 20 km x 20 km cluster with two 100 m x 100 m parcels at opposite corners.
CLUSTER = box(X0, Y0, X0 + 20_000, Y0 + 20_000)
PARCELS = shapely.union_all([box(X0 + 100, Y0 + 100, X0 + 200, Y0 + 200),
                             box(X0 + 19_700, Y0 + 19_700, X0 + 19_800, Y0 + 19_800)])


def test_parcels_far_apart_test_only_the_boxes_over_them(monkeypatch) -> None:
    made: list[int] = []
    real_box = shapely.box

    def counted(*args, **kwargs):  # every grid box the cells are drawn from passes here
        out = real_box(*args, **kwargs)
        made.append(int(np.size(out)))
        return out

    monkeypatch.setattr(candidates.shapely, "box", counted)
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(), CandidatesSpec(cell_size_m=20), UTM,
                                allowed=PARCELS)
    assert len(cells) == 2 * 25  # 5 x 5 cells of 20 m in each parcel
    assert sum(made) < 1_000  # the grid over the bounds of both would be 1,000 x 1,000 boxes
    # Row by row from the south, west to east within a row: the south-west parcel's first.
    assert list(cells["id"][:6]) == [f"cell-a-{c}-{138_505}" for c in range(40_005, 40_010)] + [
        "cell-a-40005-138506"]
