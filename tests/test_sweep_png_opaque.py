"""sweep.png is written as map.png, conflicts.png and robustness.png are (siting/deliver/mapplot.py
`save_opaque_png`): its page is opaque (the figure's white face), so it holds red, green and blue
only, the pixels `savefig` gave as RGBA less their alpha, which was 255 everywhere."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from siting.deliver.mapplot import drawn_in_default_style
from siting.runs.tables import sweep_figure, sweep_plot

#: sweep.png's dots per inch (siting/runs/tables.py SWEEP_DPI), as savefig wrote it.
DPI = 100

TABLE = pd.DataFrame({"run": ["run01", "run02", "run03"], "k": [1, 2, 3], "status": ["optimal"] * 3,
                      "objective_yuan": [10e9, 12e9, 11e9], "gap": [0.01, 0.0, 0.02], "vs_first": ["", "", ""]})


def test_sweep_png_is_rgb_with_the_pixels_savefig_gives(tmp_path: Path) -> None:
    sweep_plot(TABLE, ["k"], tmp_path / "sweep.png", "small: sweep")
    with Image.open(tmp_path / "sweep.png") as written:
        assert written.mode == "RGB"
        assert np.allclose(written.info["dpi"], DPI)
        pixels = np.asarray(written)
    buffer = io.BytesIO()
    with drawn_in_default_style():
        sweep_figure(TABLE, ["k"], "small: sweep").savefig(buffer, dpi=DPI, metadata={"Software": None})
    with Image.open(buffer) as saved:
        assert saved.mode == "RGBA"
        rgba = np.asarray(saved)
    assert (rgba[..., 3] == 255).all()
    assert pixels.shape == (*rgba.shape[:2], 3)
    assert np.array_equal(pixels, rgba[..., :3])
