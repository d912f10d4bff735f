"""A comparison's review fixes, on hand-made runs: diff.geojson maps every site either run builds
on, the compared run's own sites (a candidate cell the baseline lacks) too, with the geometry of
whichever run's sites.geojson has it; the table names the sites added and dropped against the
baseline; a proven range whose end rounds to 0.00 keeps its sign; the words on runs within solver
tolerance; the note on runs not proven within their gap; the sweep's proven range and its note on
capacity; the settings applied to every run named in comparison.md and sweep.md."""

from __future__ import annotations

import json
from pathlib import Path

from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    SITES_ADDED_ROW,
    SITES_DROPPED_ROW,
    comparison_display,
    comparison_table,
    comparison_text,
    diff_geojson,
)


def point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def sites_file(folder: Path, sites: dict[str, dict]) -> str:
    """A run's folder holding a sites.geojson of `sites` (id -> geometry)."""
    folder.mkdir(parents=True, exist_ok=True)
    features = [{"type": "Feature", "id": site, "properties": {"id": site}, "geometry": geometry}
                for site, geometry in sites.items()]
    (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(folder)


def solved(label: str, objective_bn: float, added: dict[str, dict[str, float]], out_dir: str,
           gap: float = 0.001, **fields) -> CaseSummary:
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_bn * 1e9,
                       best_bound_yuan=objective_bn * 1e9 * (1 - gap), gap=gap, final_year=2024,
                       units={"cells": "GWh"}, capacity={"yuxi": {"cells": sum(a.get("cells", 0.0)
                                                                                 for a in added.values())}},
                       sites_opened=tuple(added), site_added=added, out_dir=out_dir, **fields)


def swapped_runs(tmp_path: Path) -> list[CaseSummary]:
    """The baseline builds on park_a and park_b; the cells run builds on park_a and cell-1, a
    candidate cell only its sites.geojson has (with park_a, park_b and the unbuilt park_c)."""
    base_dir = sites_file(tmp_path / "base", {"park_a": point(1, 1), "park_b": point(2, 2), "park_c": point(3, 3)})
    cells_dir = sites_file(tmp_path / "cells", {"park_a": point(1, 1), "park_b": point(2, 2),
                                                "park_c": point(3, 3), "cell-1": point(4, 4)})
    base = solved("base", 10.0, {"park_a": {"cells": 10.0}, "park_b": {"cells": 5.0}}, base_dir)
    cells = solved("cells", 9.0, {"park_a": {"cells": 10.0}, "cell-1": {"cells": 5.0}}, cells_dir)
    return [base, cells]


def test_diff_maps_the_compared_runs_own_sites(tmp_path: Path):
    """cell-1, built on only by the compared run, is a feature ("added", at its own point);
    park_b is "removed", park_a "unchanged", and park_c, which neither builds on, stays as the
    baseline's other sites do."""
    features = json.loads(diff_geojson(swapped_runs(tmp_path)))["features"]
    by_site = {f["properties"]["site"]: f for f in features}
    assert list(by_site) == ["park_a", "park_b", "park_c", "cell-1"]
    assert by_site["cell-1"]["properties"]["change"] == "added"
    assert by_site["cell-1"]["geometry"] == point(4, 4)
    assert (by_site["cell-1"]["properties"]["base_cells"], by_site["cell-1"]["properties"]["new_cells"]) == (0.0, 5.0)
    assert by_site["park_b"]["properties"]["change"] == "removed"
    assert by_site["park_a"]["properties"]["change"] == "unchanged"
    assert by_site["park_c"]["properties"]["change"] == "unchanged"


def test_diff_leaves_out_unbuilt_sites_of_the_compared_run(tmp_path: Path):
    """A site only the compared run's sites.geojson has and neither run builds on is no feature."""
    runs = swapped_runs(tmp_path)
    sites_file(Path(runs[1].out_dir), {"park_a": point(1, 1), "cell-1": point(4, 4), "cell-2": point(5, 5)})
    sites = [f["properties"]["site"] for f in json.loads(diff_geojson(runs))["features"]]
    assert sites == ["park_a", "park_b", "park_c", "cell-1"]


def test_table_names_sites_added_and_dropped(tmp_path: Path):
    """Both runs build on two sites: the count's difference is 0, and the rows of sites added and
    dropped name the swap in the run's column of differences (comparison.csv, comparison.md and the
    terminal alike)."""
    runs = swapped_runs(tmp_path)
    table = comparison_table(runs).set_index("metric")
    assert table.loc["sites built on", "cells vs base"] == 0
    assert table.loc[SITES_ADDED_ROW, "cells vs base"] == "cell-1"
    assert table.loc[SITES_DROPPED_ROW, "cells vs base"] == "park_b"
    assert table.loc[SITES_ADDED_ROW, "base"] == "" and table.loc[SITES_ADDED_ROW, "cells"] == ""
    metrics = list(table.index)
    assert metrics.index(SITES_ADDED_ROW) == metrics.index("sites built on") + 1
    assert metrics.index(SITES_DROPPED_ROW) == metrics.index("sites built on") + 2
    shown = comparison_display(comparison_table(runs), runs).set_index("metric")
    assert shown.loc[SITES_DROPPED_ROW, "cells vs base"] == "park_b"
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    assert "cell-1" in text and "park_b" in text


def test_no_rows_of_sites_when_every_run_builds_on_the_same(tmp_path: Path):
    runs = swapped_runs(tmp_path)
    same = solved("same", 9.5, {"park_b": {"cells": 5.0}, "park_a": {"cells": 10.0}}, runs[0].out_dir)
    metrics = list(comparison_table([runs[0], same])["metric"])
    assert SITES_ADDED_ROW not in metrics and SITES_DROPPED_ROW not in metrics


def test_range_end_that_rounds_to_zero_keeps_its_sign():
    """An end within half a hundredth of 0 but not 0 is written to two significant digits, rounded
    outward, so that a proven range shows its sign: -0.0015 bn yuan is no "0.00"."""
    from siting.optimize.tolerance import range_text

    assert range_text(-0.44e9, -0.0015e9) == "-0.44 to -0.0015"
    assert range_text(0.00123e9, 0.3e9) == "0.0012 to 0.30"
    assert range_text(-0.44e9, -1.4e6) == "-0.44 to -0.0014"
    assert range_text(None, -0.0015e9) == "at most -0.0015"
    assert range_text(-3.0, 2.0) == "-0.000000003 to 0.000000002"  # not below a yuan
    assert range_text(0.0, 0.0) == "0.00 to 0.00"
    assert range_text(-1.0e6, 1.0e6) == "-0.01 to 0.01"


def test_runs_within_tolerance_are_not_said_to_differ_by_no_effect_of_the_change():
    """A run within solver tolerance of the baseline may differ exactly by what it changes (a
    freight rate with the same capacities): its differences are not shown to be effects of the
    change, which is not to say they are none."""
    from siting.deliver.styles import INDISTINGUISHABLE
    from siting.runs.tables import difference_note

    assert INDISTINGUISHABLE == "plans of indistinguishable cost, not shown to be effects of the change"
    base = CaseSummary(label="a", ok=True, status="optimal", objective_yuan=10e9, best_bound_yuan=9.8e9, gap=0.02,
                       final_year=2024)
    other = CaseSummary(label="b", ok=True, status="optimal", objective_yuan=9.95e9, best_bound_yuan=9.75e9,
                        gap=0.0201, final_year=2024)
    note = difference_note(comparison_table([base, other]), [base, other])
    assert "not shown to be an effect of what the run changes" in note
    assert "not an effect of" not in note and "not effects of" not in note


def unproven_runs(tmp_path: Path) -> list[CaseSummary]:
    """The swapped runs as a 1 s time limit leaves them: neither proven within its asked gap."""
    return [CaseSummary(**{**summary.__dict__, "status": "feasible (not proven optimal)", "gap": 0.7872})
            for summary in swapped_runs(tmp_path)]


def test_comparison_and_sweep_name_the_runs_not_proven_within_their_gap(tmp_path: Path):
    """Under the comparison (terminal and comparison.md) and the sweep, a note names each run not
    proven within its asked gap, with its gap, and says that its differences may be solver
    artefacts and that a stop at a time limit depends on the machine's speed; none when every run
    is proven."""
    from siting.runs.tables import sweep_table, sweep_text, unproven_runs_note

    runs = unproven_runs(tmp_path)
    note = unproven_runs_note(runs)
    assert note.startswith("Runs not proven within their asked gap: base (gap 78.72%), cells (gap 78.72%).")
    assert "artefacts of the solver" in note and "machine's speed" in note
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    assert "Runs not proven within their asked gap" in text
    sweep = sweep_text(sweep_table(runs, [{"x": 1}, {"x": 2}]), "sweep.csv", runs)
    assert "Runs not proven within their asked gap" in sweep
    one = unproven_runs_note([swapped_runs(tmp_path)[0], runs[1]])
    assert one.startswith("A run not proven within its asked gap: cells (gap 78.72%).")
    assert unproven_runs_note(swapped_runs(tmp_path)) == ""


def test_settings_applied_to_every_run_are_named():
    """comparison.md (and sweep.md) begin by naming the --set settings and the time limit applied
    to every run, as typed; nothing when there are none."""
    from siting.runs.tables import settings_note

    assert settings_note((("solver.rel_gap", 0.05), ("layers.sites.path", "data/x.gpkg")), 1.0) == (
        "Settings applied to every run: `solver.rel_gap=0.05`, `layers.sites.path=data/x.gpkg`; a time limit of "
        "1 s (`--time-limit 1`).")
    assert settings_note((("targets.capacity.cells", {2030: 20}),), None) == (
        "Settings applied to every run: `targets.capacity.cells={\"2030\": 20}`.")
    assert settings_note((), None) == ""


def test_sweep_notes_that_capacity_may_move_between_plans_of_nearly_the_same_cost(tmp_path: Path):
    """Under a sweep's table with capacity columns, the note the comparison gives on its capacity
    rows: a difference in capacity need not come from what the runs change."""
    from siting.runs.tables import sweep_capacity_note, sweep_table, sweep_text

    runs = [CaseSummary(**{**summary.__dict__, "group_capacity": {"cells": 15.0}})
            for summary in swapped_runs(tmp_path)]
    table = sweep_table(runs, [{"x": 1}, {"x": 2}])
    note = sweep_capacity_note(table)
    assert "need not come from what the runs change" in note and "--alternatives N" in note
    assert "need not come from what the runs change" in " ".join(sweep_text(table, "sweep.csv", runs).split())
    assert sweep_capacity_note(sweep_table(runs[:1], [{"x": 1}])) == ""


def test_comparison_md_begins_with_the_settings_of_every_run(tmp_path: Path):
    """A comparison of the small scenario and a copy asking 20 GWh of cells, with a --set and a
    time limit for every run: comparison.md begins by naming them; comparison.csv is the table alone."""
    import shutil

    from siting.runs.batch import compare

    folder = tmp_path / "small"
    shutil.copytree(Path(__file__).parent / "data" / "small", folder)
    (folder / "b.yaml").write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    out = tmp_path / "cmp"
    compare([folder / "scenario.yaml", folder / "b.yaml"], out, workers=1, time_limit_s=30.0,
            overrides=(("solver.rel_gap", 0.05),))
    markdown = (out / "comparison.md").read_text().splitlines()
    assert markdown[:5] == ["Settings applied to every run: `solver.rel_gap=0.05`; a time limit of 30 s "
                            "(`--time-limit 30`).", "",
                            "Each run's scenario file: small `scenario.yaml`; b `b.yaml`.", "",
                            "| metric | unit | small | b | b vs small |"]
    assert (out / "comparison.csv").read_text().startswith(
        "metric,unit,small,b,b vs small\nscenario file,,scenario.yaml,b.yaml,\n")


def test_sweep_gives_each_runs_proven_range_against_the_first(tmp_path: Path):
    """`vs_first` says only whether the gaps tell a run's objective from the first run's; a note
    under the sweep gives the proven range of the difference of their optima, as a comparison's
    row does (bn yuan rounded outward), for each run after the first with a plan."""
    from siting.runs.tables import sweep_range_note, sweep_table, sweep_text

    runs = swapped_runs(tmp_path)
    note = sweep_range_note(runs)
    assert note == ("The proven range of each run's optimum less the first run's, base (in bn yuan, rounded outward; "
                    "`vs_first` says whether it holds 0): cells -1.01 to -0.99.")
    assert " ".join(note.split()) in " ".join(sweep_text(sweep_table(runs, [{"x": 1}, {"x": 2}]), "sweep.csv",
                                                         runs).split())
    assert sweep_range_note(runs[:1]) == ""
    assert sweep_range_note([CaseSummary(label="a", ok=False, error="NoSolution: none"), runs[1]]) == ""
