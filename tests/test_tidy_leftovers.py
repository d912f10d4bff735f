"""One way of doing each of a few things:

1. sources named in the report and the diagnosis layers as the run's names name them
   (siting/config/units.py `Names.source`, `cluster_names` of the sources layer);
2. the largest built site's capex measured once (siting/deliver/webmap.py `largest_built`), for
   the web map and for a run folder's map.png (siting/deliver/files.py `largest_built_capex`);
3. a key in per cent (`_pct`: 1 is 1 %) and a share (0.01 is 1 %) suggested for each other say
   the conversion, and a key that is no share is not called one (siting/config/words.py);
4. the screening's record of each search's limits holds its absolute gap (`abs_gap_yuan`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from pydantic import BaseModel
from shapely.geometry import Point
from test_candidate_scenario import ZONE_A, with_cells
from test_outputs_names import two_rules
from test_screening import CELL_IDS, MERGE_ALL, SETTINGS, cells

from siting.cli import main
from siting.config import schema
from siting.config.errors import InputError
from siting.config.load import load_scenario, shown_path
from siting.config.units import layer_names
from siting.config.words import is_share, unit_change
from siting.deliver.explore import conflict_layers, spatial_names
from siting.deliver.files import largest_built_capex, read_layer
from siting.deliver.geojson import WGS84
from siting.deliver.layer import FieldKind, OutputLayer, feature_collection_text, make_layer
from siting.deliver.report import display_names
from siting.deliver.webmap import largest_built
from siting.optimize.screening import solve_screened
from siting.prepare.problem import prepare, redline_settings
from tests.conftest import SHIPPED, SMALL

# --- 1. sources by the run's names -----------------------------------------------------------


def layer(name: str, rows: dict[str, list[Any]], kinds: dict[str, FieldKind]) -> OutputLayer:
    """An output layer `name` of points at (100, 25) + (i / 100, 0) (WGS84) with the columns of `rows`."""
    count = len(rows["id"])
    frame = gpd.GeoDataFrame(rows, geometry=[Point(100 + i / 100, 25) for i in range(count)], crs=WGS84)
    return make_layer(name, name, frame, list(rows), kinds)


def test_the_report_names_sources_as_the_run_s_names_do() -> None:
    """Two sources named "Phosphate" are told apart by their ids, as the terminal and the
    explanations tell them apart (`Names.source`); a blank or missing name gives the id; a name is
    stripped; a site's name wins over a source's of the same id ("clay"). Before, the report gave
    both sources "Phosphate"."""
    sources = layer("sources", {"id": ["rock_e", "rock_w", "clay", "pit", "lake"],
                                "name": ["Phosphate", "Phosphate", " Clay pit ", None, " "]},
                    {"id": "string", "name": "string"})
    sites = layer("sites", {"id": ["w_mine", "clay"], "name": ["West mine park, north", "Clay site"]},
                  {"id": "string", "name": "string"})
    names = display_names([sources, sites])
    assert names == {"rock_e": "Phosphate (rock_e)", "rock_w": "Phosphate (rock_w)", "clay": "Clay site",
                     "pit": "pit", "lake": "lake", "w_mine": "West mine park"}
    run = layer_names(sites.frame, pd.DataFrame({"id": []}), {}, sources=sources.frame)
    assert [names[k] for k in ("rock_e", "rock_w", "pit", "lake")] == [
        run.source(k) for k in ("rock_e", "rock_w", "pit", "lake")]
    assert run.source("clay") == "Clay pit"


def test_conflict_sources_are_named_by_the_names_given_else_by_the_preprocessed_layer() -> None:
    """The small scenario's rule 2 draws on rock_w ("West phosphate" in its sources layer): named
    by the run's names as they name it (here "West rock pit"), and as the layer does when no names
    are given. Before, the layer's name was taken whatever names were given, and the preprocessed
    layers' names (`spatial_names`) named no source."""
    prepared = prepare(SMALL / "scenario.yaml", {})
    assert spatial_names(prepared.spatial).source("rock_w") == "West phosphate"
    rule = redline_settings(prepared.loaded)
    given = dataclasses.replace(prepared.names, sources={"rock_w": "West rock pit"})
    for names, shown in ((given, "West rock pit"), (None, "West phosphate"), (prepared.names, "West phosphate")):
        _areas, points = conflict_layers(two_rules(), prepared.spatial, rule, names)
        assert [(r["place"], r["name"]) for _i, r in points.frame.iterrows() if r["role"] == "source"] == [
            ("rock_w", shown)]


# --- 2. the largest built site's capex, measured once ------------------------------------------

SITE_KINDS: dict[str, FieldKind] = {"id": "string", "status": "string", "capex_yuan": "real"}


def test_the_largest_built_capex_is_the_same_in_memory_and_read_back(tmp_path: Path) -> None:
    """Built sites of 4.0 and 5.5 bn yuan, a candidate of 9.0 bn yuan not built and a built site
    without a capex (null, counted 0): 5.5 bn yuan, from the layer and from sites.geojson read
    back; 0 for a layer without features (read back, it has no status or capex field), and for a
    folder without sites.geojson."""
    sites = layer("sites", {"id": ["a", "b", "c", "d"], "status": ["built", "built", "candidate", "built"],
                            "capex_yuan": [4.0e9, 5.5e9, 9.0e9, None]}, SITE_KINDS)
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "sites.geojson").write_text(feature_collection_text(sites), encoding="utf-8")
    assert largest_built(sites) == largest_built_capex(folder) == 5.5e9
    empty = layer("sites", {"id": [], "status": [], "capex_yuan": []}, SITE_KINDS)
    (folder / "sites.geojson").write_text(feature_collection_text(empty), encoding="utf-8")
    assert largest_built(empty) == largest_built(read_layer(folder / "sites.geojson")) == 0.0
    assert largest_built_capex(folder) == largest_built_capex(tmp_path) == 0.0


# --- 3. per cent and shares --------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "suggested", "note"), [
    ("rel_gap_pct", "rel_gap", " (a share: 1 % is 0.01)"),
    ("discount_rate_pct", "discount_rate", " (a share: 1 % is 0.01)"),
    ("lead_share_min_pct", "lead_share_min", " (a share: 1 % is 0.01)"),
    ("official_share", "official_share_pct", " (in per cent: 0.01 is 1 %)"),
    ("min_share", "official_share_pct", " (in per cent: 0.01 is 1 %)"),
    ("official", "official_share_pct", " (in per cent)"),
    ("abs_gap_pct", "abs_gap_bn_yuan", ""),
    ("time_limit_pct", "time_limit_s", " (in seconds)"),
    ("official_source_pct", "official_share_source", ""),
    ("oficial_share_pct", "official_share_pct", ""),
    ("buffer_m", "official_share_pct", " (in per cent)"),
])
def test_per_cent_and_shares_say_their_conversion(typed: str, suggested: str, note: str) -> None:
    """A share typed as per cent: 1 % is 0.01; per cent typed as a share: 0.01 is 1 %. A key in
    bn yuan or seconds is no share: before, " (a share: 1 % is 0.01)" followed every key without a
    known unit suggested for a `_pct` one, and a share typed for a key in per cent was told only
    " (in per cent)"."""
    assert unit_change(typed, suggested) == note


@pytest.mark.parametrize(("key", "message"), [
    ("constraints.redline.official_share", "--set constraints.redline.official_share | unknown setting "
     "'constraints.redline.official_share'; did you mean 'official_share_pct'? (in per cent: 0.01 is 1 %)"),
    ("solver.abs_gap_pct", "--set solver.abs_gap_pct | unknown setting 'solver.abs_gap_pct'; did you mean "
     "'abs_gap_bn_yuan'?"),
])
def test_the_message_says_the_conversion_only_between_per_cent_and_a_share(key: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        load_scenario(SHIPPED, None, ((key, 1),))
    assert raised.value.problems == [f"{shown_path(SHIPPED)}: {message}"]


def described_units() -> dict[str, set[str]]:
    """Every scenario key -> the units its fields' descriptions end with, in brackets
    ("(share)", "(%)", "(bn yuan)"); "" for a description without one."""
    units: dict[str, set[str]] = {}
    for model in vars(schema).values():
        if isinstance(model, type) and issubclass(model, BaseModel) and model is not BaseModel:
            for key, info in model.model_fields.items():
                found = re.search(r"\(([^()]*)\)\s*$", info.description or "")
                units.setdefault(key, set()).add(found.group(1) if found else "")
    return units


def test_the_scenario_s_shares_and_per_cents_are_known_by_their_names() -> None:
    """Every key described as a share is a share by its name (`is_share`), no key never described
    as one is, and every `_pct` key is described in per cent (1 is 1 %), as `unit_change` takes it."""
    units = described_units()
    shares = {key for key, said in units.items() if "share" in said}
    assert shares >= {"rel_gap", "discount_rate", "max_share", "lead_share_min", "utilisation"}
    assert [key for key in shares if not is_share(key)] == []
    assert [key for key in units if key not in shares and is_share(key)] == []
    assert {key: said for key, said in units.items() if key.endswith("_pct")} == {"official_share_pct": {"%"}}


# --- 4. the screening's absolute gaps ----------------------------------------------------------


def test_the_screening_records_each_search_s_absolute_gap() -> None:
    """tests/test_screening.py's cells: without an absolute gap each search's is None; with 1,000,000
    yuan asked, the merged model's search has 0.6 of it (`aggregate_gap_share`): 600,000 yuan, and
    the screened rounds the whole 1,000,000, beside their relative gaps (0 asked)."""
    record = solve_screened(cells(), CELL_IDS, SETTINGS, MERGE_ALL).summary.record()
    assert (record["merged_model"]["abs_gap_yuan"], record["screened_rounds"]["abs_gap_yuan"]) == (None, None)
    asked = dataclasses.replace(SETTINGS, abs_gap_yuan=1.0e6)
    record = solve_screened(cells(), CELL_IDS, asked, MERGE_ALL).summary.record()
    assert {k: record["merged_model"][k] for k in ("rel_gap", "abs_gap_yuan")} == {"rel_gap": 0.0,
                                                                                   "abs_gap_yuan": 600_000.0}
    assert {k: record["screened_rounds"][k] for k in ("rel_gap", "abs_gap_yuan")} == {"rel_gap": 0.0,
                                                                                      "abs_gap_yuan": 1_000_000.0}


def test_the_manifest_of_a_cell_run_holds_the_screening_s_absolute_gaps(tmp_path: Path) -> None:
    """The small scenario with the two cells of zone a (tests/test_candidate_scenario.py `solved`)
    and solver.abs_gap_bn_yuan=0.001 (1,000,000 yuan): manifest.json's `screening` gives the
    merged model 600,000 yuan (0.6 of it) and the screened rounds 1,000,000 yuan, while its
    solver settings keep the gap as given (0.001 bn yuan)."""
    import shutil

    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 500000, allowed_zone: {path: allowed.gpkg}}",
               {"a": ZONE_A})
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet",
                 "--set", "solver.abs_gap_bn_yuan=0.001"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["solver"]["settings"]["abs_gap_bn_yuan"] == 0.001
    screening = manifest["screening"]
    assert (screening["merged_model"]["abs_gap_yuan"], screening["screened_rounds"]["abs_gap_yuan"]) == (
        600_000.0, 1_000_000.0)
