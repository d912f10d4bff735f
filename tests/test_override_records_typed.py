"""manifest.json records each setting given on top of the scenario file by the value the run used,
and, where a number in it was typed otherwise than that value writes it, as it was typed: `--set
years=[2023, 0x7E8]` and `--set constraints.redline.buffer_m=1e3` alike (before, the first was
recorded as [2023, 2024] with nothing of 0x7E8, the second as the text "1e3"). report.md's table of
the settings given shows both."""

from __future__ import annotations

import json

from siting.config.load import parse_override
from siting.deliver.explore import markdown
from siting.deliver.manifest import override_records
from siting.deliver.report import given_blocks


def records(*texts: str) -> list[dict]:
    """The manifest's `overrides` of the `--set` texts, as the command line reads them."""
    pairs = []
    for text in texts:
        key, values = parse_override(text)
        pairs.append((key, values[0]))
    return override_records(pairs)


def test_a_number_typed_otherwise_is_recorded_as_used_with_its_typed_text():
    """1e3 and '1e3' in quotes for a distance in m are 1000.0 to the scenario, 0x7E8 is 2024 and 2e0
    a whole number of threads, 2, and a numeric HiGHS option's 1e-6 is 1e-06 as the run reads it
    (`option_number`; it was recorded as the text "1e-6"); a name 1e3 stays the text it is, as does
    a text option (presolve=off), and a number typed as its digits or a path have no `typed`."""
    assert records("constraints.redline.buffer_m=1e3", "constraints.redline.buffer_m='1e3'",
                   "years=[2023, 0x7E8]", "solver.threads=2e0", "constraints.redline={buffer_m: 2.5e3}",
                   "name=1e3", "constraints.redline.buffer_m=500", "layers.sites.path=small/sites.geojson",
                   "solver.options.mip_feasibility_tolerance=1e-6", "solver.options={mip_rel_gap: 1e-3}",
                   "solver.options.presolve=off", "solver.options.mip_max_nodes=1e3") == [
        {"setting": "constraints.redline.buffer_m", "value": 1000.0, "typed": "1e3"},
        {"setting": "constraints.redline.buffer_m", "value": 1000.0, "typed": "'1e3'"},
        {"setting": "years", "value": [2023, 2024], "typed": "[2023, 0x7E8]"},
        {"setting": "solver.threads", "value": 2, "typed": "2e0"},
        {"setting": "constraints.redline", "value": {"buffer_m": 2500.0}, "typed": "{buffer_m: 2.5e3}"},
        {"setting": "name", "value": "1e3"},
        {"setting": "constraints.redline.buffer_m", "value": 500},
        {"setting": "layers.sites.path", "value": "small/sites.geojson"},
        {"setting": "solver.options.mip_feasibility_tolerance", "value": 1e-06, "typed": "1e-6"},
        {"setting": "solver.options", "value": {"mip_rel_gap": 0.001}, "typed": "{mip_rel_gap: 1e-3}"},
        {"setting": "solver.options.presolve", "value": "off"},
        {"setting": "solver.options.mip_max_nodes", "value": 1000, "typed": "1e3"}]


def test_the_report_gives_the_value_used_and_as_typed():
    manifest = {"overrides": records("constraints.redline.buffer_m=1e3", "years=[2023, 0x7E8]",
                                     "constraints.redline.buffer_m=500")}
    assert markdown(given_blocks(manifest)).splitlines()[2:] == [
        "| setting | value |", "|---|---|",
        "| `constraints.redline.buffer_m` | `1000.0` (typed `1e3`) |",
        "| `years` | `[2023, 2024]` (typed `[2023, 0x7E8]`) |",
        "| `constraints.redline.buffer_m` | `500` |"]


def test_a_number_text_beyond_any_float_is_recorded_as_typed_not_as_infinity():
    """1e400 spells no float (it reads as infinity): the record keeps the text, as `override_value`
    keeps any value that is not finite as text, so that manifest.json stays strict JSON (before,
    the value was the float inf, which json_text refuses and JSON cannot write)."""
    found = records("constraints.redline.buffer_m=1e400", "constraints.redline.buffer_m='-1e999'",
                    "targets.capacity.cathode={2024: 1e400}")
    assert found == [
        {"setting": "constraints.redline.buffer_m", "value": "1e400"},
        {"setting": "constraints.redline.buffer_m", "value": "-1e999"},
        {"setting": "targets.capacity.cathode", "value": {"2024": "1e400"}}]
    json.dumps(found, allow_nan=False)
