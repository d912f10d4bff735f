"""What a batch writes of its runs (siting/runs/pool.py `summarise`, siting/runs/tables.py
`comparison_csv`): clusters named as every other text names them (siting/config/units.py
`Names`), and comparison.csv's numbers written as every CSV writes them (9 significant digits,
whole numbers without decimals), although its runs' columns mix text and numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import edit

import siting.runs.pool as pool
from siting.deliver.geojson import format_number
from siting.runs.batch import compare
from siting.runs.pool import CaseSummary
from siting.runs.tables import comparison_csv, comparison_table

#: Two runs by hand: objectives, costs and capacities in yuan and units/yr at full precision.
BASE = CaseSummary(label="a", ok=True, status="optimal", objective_yuan=10_059_141_714.563172, gap=0.0201234567891,
                   best_bound_yuan=9_856_723_000.123, costs={"capex": 13_620_000_000.0, "sales": -3_561_414_285.063172},
                   final_year=2024, capacity={"kunming": {"lfp": 1_493_000.0}}, group_capacity={"cathode": 1_493_000.0},
                   units={"lfp": "t", "cathode": "t"}, sites_opened=("s1",), output_value={2024: 116_262_345_678.9})
OTHER = CaseSummary(label="b", ok=True, status="optimal", objective_yuan=10_100_000_000.0, gap=0.0,
                    best_bound_yuan=10_100_000_000.0, costs={"capex": 13_700_000_000.0, "sales": -3_600_000_000.0},
                    final_year=2024, capacity={"kunming": {"lfp": 1_000_000.0 / 3}},
                    group_capacity={"cathode": 1_000_000.0 / 3}, units={"lfp": "t", "cathode": "t"},
                    sites_opened=("s1", "s2"), output_value={2024: 100e9}, targets_short={"cathode 2024": 5.0})


def test_comparison_csv_writes_numbers_to_9_significant_digits():
    """10,059,141,714.563172 yuan is 10.0591417 bn yuan; 0.0 is 0; 1,000,000 / 3 t is 333333.333;
    a's gap of 2.01234568 % of it, rounded up at the hundred yuan its objective is written to (as
    manifest.json's gap_yuan), is 0.2024248 bn yuan; the proven range of b's objective less
    a's is [10.1 - 10.0591417, 10.1 - 9.856723] bn yuan. b builds on s2 besides a's site: the rows
    of the sites added and dropped name it."""
    assert comparison_csv(comparison_table([BASE, OTHER])) == (
        "metric,unit,a,b,b vs a\n"
        "status,,optimal,optimal,same\n"
        "objective,bn yuan,10.0591417,10.1,0.0408582854\n"
        "objective difference,,,,proven\n"
        "objective difference: proven low,bn yuan,,,0.0408582854\n"
        "objective difference: proven high,bn yuan,,,0.243277\n"
        "cost: capex (annuities),bn yuan,13.62,13.7,0.08\n"
        "\"cost: sales (revenue, negative)\",bn yuan,-3.56141429,-3.6,-0.0385857149\n"
        "gap,%,2.01234568,0,-2.01234568\n"
        "absolute gap,bn yuan,0.2024248,0,-0.2024248\n"
        "sites built on,count,1,2,1\n"
        "sites built on: added,,,,s2\n"
        "sites built on: dropped,,,,none\n"
        "targets short,,none,cathode 2024,changed\n"
        "output value 2024,bn yuan/yr,116.262346,100,-16.2623457\n"
        "capacity cathode 2024,t/yr,1493000,333333.333,-1159666.67\n"
        "capacity kunming lfp,t/yr,1493000,333333.333,-1159666.67\n")


def test_a_comparison_names_clusters_as_the_run_does_and_writes_short_numbers(folder: Path, tmp_path: Path):
    """The small scenario's two clusters both named "Side": each run's summary names them as its
    `Names` do, with their ids ("Side (west)"), and comparison.md's capacity rows use those names.
    Every number of the written comparison.csv is as `format_number` writes it."""
    clusters = folder / "clusters.geojson"
    edit(clusters, '"name": "West"', '"name": "Side"')
    edit(clusters, '"name": "East"', '"name": "Side"')
    other = folder / "other.yaml"
    other.write_text("extends: scenario.yaml\nname: other\ntargets: {capacity: {cells: {2024: 20}}}\n")
    result = compare([folder / "scenario.yaml", other], tmp_path / "cmp", workers=1)
    assert [s.cluster_names for s in result.summaries] == [{"west": "Side (west)", "east": "Side (east)"}] * 2
    assert not hasattr(pool, "cluster_names")  # one way to name clusters: siting/config/units.py
    shown = (tmp_path / "cmp" / "comparison.md").read_text()
    assert "| capacity Side (west): LFP |" in shown and "| capacity Side (east): LFP |" in shown
    written = (tmp_path / "cmp" / "comparison.csv").read_text()
    assert written == comparison_csv(result.table)
    numbers = [cell for row in csv.reader(io.StringIO(written)) for cell in row[2:] if _number(cell)]
    assert len(numbers) > 20
    assert [cell for cell in numbers if format_number(float(cell)) != cell] == []


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
