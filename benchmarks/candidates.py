"""Time candidate-cell generation (`siting.prepare.candidates.generate_candidates`), step by step.

Two parts, each a single run printed as seconds per step:

1. synthetic: a square cluster cut into about 100,000 square cells, against 1,000 red-line
   polygons (irregular polygons of 12-40 vertices, 0.2-3 km across, seeded), with a 300 m buffer
   and one product's 1,000 m setback (a second zone);
2. real: the shipped clusters and red-line proxy (geodata/yunnan) at cell sizes giving about
   1,000, 5,000, 10,000 and 100,000 cells, with the red-line rule of scenarios/yunnan_2024.yaml
   (its buffer and per-product setbacks), in squares; and H3 hexagons at resolutions 6 and 7
   when the h3 package is installed.

Steps: grid (cells built and clipped to the clusters), zones (buffered red-line unions), usable
(each cell's land outside each zone), total (the whole call, measured apart). Run from the
repository root: `python benchmarks/candidates.py [--cells N] [--redline N] [--seed N]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from siting.config.load import parse_yaml_text
from siting.prepare import candidates as cand
from siting.prepare.candidates import CandidatesSpec, generate_candidates
from siting.prepare.spatial import RedlineSettings, to_working_crs

ROOT = Path(__file__).resolve().parent.parent
UTM = "EPSG:32648"
X0, Y0 = 600_000.0, 2_600_000.0


class StepClock:
    """Wraps the module's step functions for this process only, summing the seconds spent in each."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._originals = {}

    def wrap(self, name: str, step: str) -> None:
        original = getattr(cand, name)
        self._originals[name] = original

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - start

        setattr(cand, name, timed)

    def __enter__(self) -> StepClock:
        for name, step in (("_square_cells", "grid"), ("_hexagon_cells", "grid"), ("_clip", "grid"),
                           ("buffered_zone", "zones"), ("_usable_m2", "usable")):
            self.wrap(name, step)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, original in self._originals.items():
            setattr(cand, name, original)


def synthetic_redline(count: int, side_m: float, seed: int) -> gpd.GeoDataFrame:
    """`count` irregular star-shaped polygons scattered over a square of `side_m`, seeded."""
    rng = np.random.default_rng(seed)
    vertices = rng.integers(12, 41, count)
    radius = rng.uniform(100.0, 1_500.0, count)
    cx = X0 + rng.uniform(0, side_m, count)
    cy = Y0 + rng.uniform(0, side_m, count)
    owner = np.repeat(np.arange(count), vertices)
    step = np.concatenate([np.arange(n) / n for n in vertices]) * 2 * math.pi
    r = radius[owner] * rng.uniform(0.5, 1.0, len(owner))
    rings = shapely.linearrings(cx[owner] + r * np.cos(step), cy[owner] + r * np.sin(step), indices=owner)
    category = np.where(np.arange(count) % 2 == 0, "forest", "water")
    return gpd.GeoDataFrame({"id": [f"r{i}" for i in range(count)], "category": category},
                            geometry=shapely.polygons(rings), crs=UTM)


def timed_run(label: str, clusters: gpd.GeoDataFrame, redline: gpd.GeoDataFrame, spec: CandidatesSpec,
              rule: RedlineSettings, products: list[str]) -> None:
    with StepClock() as clock:
        start = time.perf_counter()
        cells = generate_candidates(clusters, redline, spec, UTM, rule=rule, products=products)
        total = time.perf_counter() - start
    usable = cells["usable_ha"].to_numpy()
    partial = int(np.sum(usable < cells["gross_ha"].to_numpy() - 1e-9))
    s = clock.seconds
    print(f"{label:<34} {len(cells):>8,} {partial:>8,} {s.get('grid', 0):>6.2f} {s.get('zones', 0):>6.2f} "
          f"{s.get('usable', 0):>7.2f} {total:>6.2f}")


def header() -> None:
    print(f"{'run':<34} {'cells':>8} {'partial':>8} {'grid':>6} {'zones':>6} {'usable':>7} {'total':>6}")
    print(f"{'-' * 34} {'-' * 8} {'-' * 8} {'-' * 6} {'-' * 6} {'-' * 7} {'-' * 6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000, help="synthetic cells (default 100,000)")
    parser.add_argument("--redline", type=int, default=1_000, help="synthetic red-line polygons (default 1,000)")
    parser.add_argument("--seed", type=int, default=2024, help="numpy seed of the red-line polygons")
    args = parser.parse_args()
    header()

    cell = 1_000.0
    side = math.sqrt(args.cells) * cell
    clusters = gpd.GeoDataFrame({"id": ["square"]}, geometry=[shapely.box(X0, Y0, X0 + side, Y0 + side)], crs=UTM)
    redline = synthetic_redline(args.redline, side, args.seed)
    rule = RedlineSettings(enabled=True, buffer_m=300.0, categories=None, setbacks_m={"smelter": {"water": 1_000.0}})
    timed_run(f"synthetic {args.redline:,} red-line", clusters, redline,
              CandidatesSpec(cell_size_m=cell), rule, ["glass", "smelter"])

    clusters = gpd.read_file(ROOT / "geodata/yunnan/clusters.geojson").rename(columns={"cluster_id": "id"})
    redline = gpd.read_file(ROOT / "geodata/yunnan/redline_proxy.geojson").rename(columns={"zone_id": "id"})
    area_m2 = float(to_working_crs(clusters, UTM).area.sum())
    shipped_path = ROOT / "scenarios/yunnan_2024.yaml"
    shipped, _ = parse_yaml_text(shipped_path.read_text(encoding="utf-8"), shipped_path)  # YAML 1.2, as siting reads it
    red = shipped["constraints"]["redline"]
    rule = RedlineSettings(enabled=red.get("enabled", True), buffer_m=float(red.get("buffer_m", 0.0)),
                           categories=red.get("categories"), setbacks_m=red.get("setbacks_m") or {})
    products = [*sorted(rule.setbacks_m), "other"]  # the products with their own setbacks, and one without
    for target in (1_000, 5_000, 10_000, 100_000):
        # The cell side for `target` whole cells, then once corrected for the partial cells at the edges.
        size = math.sqrt(area_m2 / target)
        count = len(generate_candidates(clusters, redline, CandidatesSpec(cell_size_m=size), UTM, rule=rule))
        size = round(size * math.sqrt(count / target), -1)
        timed_run(f"yunnan squares {size / 1000:g} km (~{target:,})", clusters, redline,
                  CandidatesSpec(cell_size_m=size), rule, products)
    if importlib.util.find_spec("h3") is not None:
        for resolution in (6, 7):
            timed_run(f"yunnan hexagons H3 res {resolution}", clusters, redline,
                      CandidatesSpec(shape="hexagon", h3_resolution=resolution), rule, products)
    else:
        print("(h3 not installed: no hexagon runs)")


if __name__ == "__main__":
    main()
