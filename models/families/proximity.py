"""Family `proximity`: products that need a raw resource are built near a source of it.

Acts through the index sets, not constraint rows. Distances come from `siting` as plain
numbers (`arc_km[k,s]`, road km from source k to site s, for every arc in `ARCS`); the limits
are `max_distance_km[r]` per resource r. Here is the arithmetic:

    nearest(s,r) = the source k of r with (k,s) in ARCS and the least km[k,s]
                   (ties: the first in SOURCES order); none when s has no arc of r
    too far:     (s,p) for every p with rho[p,r] > 0, when r has a limit dmax[r] and
                 nearest(s,r) is none or km[nearest(s,r), s] > dmax[r]
    arcs kept:   (k,s) in ARCS with no limit on res[k], or km[k,s] <= dmax[res[k]],
                 or k = nearest(s, res[k]) (so that existing plants are not cut off)

With the family on, too-far pairs leave BUILD_PAIRS (see `models.index.derive_index`) and the
supply family ships only along the arcs kept. Cannot be infeasible by itself; with strict
targets it is infeasible when the land near the sources cannot hold them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.inputs import ModelInputs, SiteProduct


def nearest_sources(inputs: ModelInputs) -> dict[tuple[str, str], tuple[str, float]]:
    """nearest(s,r) with its km, for every (site, resource) that has an arc with a known distance."""
    position = {k: i for i, k in enumerate(inputs.SOURCES)}
    best: dict[tuple[str, str], tuple[int, str, float]] = {}
    for k, s in inputs.ARCS:
        km = inputs.arc_km[(k, s)]
        if math.isnan(km):
            continue
        key = (s, inputs.resource_of_source[k])
        candidate = (position[k], k, km)
        held = best.get(key)
        if held is None or (km, position[k]) < (held[2], held[0]):
            best[key] = candidate
    return {key: (k, km) for key, (_i, k, km) in best.items()}


def too_far(inputs: ModelInputs) -> list[tuple[str, str, tuple[str, ...]]]:
    """(resource r, site s, products needing r) for every site whose nearest source of r lies
    beyond r's limit (or that has none), in RESOURCES x SITES order, whether or not the family
    is on (see the module docstring)."""
    nearest = nearest_sources(inputs)
    found_far = []
    for r in inputs.RESOURCES:
        limit = inputs.max_distance_km.get(r)
        if limit is None:
            continue
        needing = tuple(p for p in inputs.PRODUCTS if inputs.resource_t_per_unit.get((p, r), 0.0) > 0)
        for s in inputs.SITES:
            found = nearest.get((s, r))
            if found is None or found[1] > limit:
                found_far.append((r, s, needing))
    return found_far


def too_far_pairs(inputs: ModelInputs) -> frozenset[SiteProduct]:
    """The (site, product) pairs beyond the proximity limit of a resource the product needs,
    whether or not the family is on (see the module docstring)."""
    return frozenset((s, p) for _r, s, needing in too_far(inputs) for p in needing)


def arcs_within_limit(inputs: ModelInputs) -> frozenset[tuple[str, str]]:
    """The (source, site) arcs kept when the family is on (see the module docstring)."""
    nearest = nearest_sources(inputs)
    kept = set()
    for k, s in inputs.ARCS:
        r = inputs.resource_of_source[k]
        limit = inputs.max_distance_km.get(r)
        found = nearest.get((s, r))
        if limit is None or inputs.arc_km[(k, s)] <= limit or (found is not None and found[0] == k):
            kept.add((k, s))
    return frozenset(kept)


def proximity_excluded(inputs: ModelInputs, on: bool) -> frozenset[SiteProduct]:
    """Pairs removed from BUILD_PAIRS by proximity: the too-far pairs when the family is on."""
    return inputs.PROXIMITY_EXCLUDED if on else frozenset()


def allowed_arcs(inputs: ModelInputs, on: bool) -> list[tuple[str, str]]:
    """The arcs the supply family may ship along, in `ARCS` order: all of them with the family
    off, those within the limit (or to the nearest source) with it on."""
    if not on:
        return list(inputs.ARCS)
    kept = inputs.ARCS_WITHIN_LIMIT
    return [arc for arc in inputs.ARCS if arc in kept]
