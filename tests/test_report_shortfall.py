"""The report says why a target falls short; resources have colours every reader tells apart; a
share given as a percent is refused saying it is a share.

Shortfall: the small scenario with every product's lead time 1 year, no strict targets, a cells
target of 10 GWh/yr in 2023 and 2024 and an output-value target of 2 bn yuan in 2023. Nothing
decided in 2023 (the first plan year) produces before 2024, and nothing but the 20,000 t/yr of
existing LFP at East city stands in 2023 (the committed LFP comes online in 2024): no FePO4 is
made in 2023 and none can be imported (FePO4 has no import premium), so the LFP stands idle for
want of feedstock, and the plan makes no output value in 2023. By hand:
- cells 2023: 10 GWh/yr short; penalty 3 x CRF(0.1, 10) x 2.5 bn yuan / 10 GWh/yr
  = 3 x 0.16274539 x 2.5e9 / 10 = 122,059,046 yuan per GWh/yr, in the first year (discount
  factor 1): 1.22 bn yuan;
- output value 2023: 2.00 bn yuan short, 3 yuan per yuan short: 6.00 bn yuan; the idle LFP would
  make 20,000 t/yr x 50,000 yuan/t (its 2023 price) = 1.00 bn yuan/yr;
- the penalties: 7.22 bn yuan (1.2206 + 6).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import yaml

from siting.cli import main
from siting.deliver.report import markdown, shortfall_blocks
from siting.deliver.styles import resource_colours
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare
from tests.conftest import MadeRun, edit

ROOT = Path(__file__).parent.parent

SHORT = """extends: scenario.yaml
name: short
targets:
  strict: false
  capacity:
    cells: {2023: 10, 2024: 10}
  output_value_yuan: {2023: 2.0e+9}
"""


def shortfall_text(scenario: Path) -> str:
    prepared = prepare(scenario, {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    return markdown(shortfall_blocks(prepared.loaded, prepared.inputs, solved.plan, {"e_city": "East city"}))


def test_report_says_why_targets_fall_short_from_the_runs_figures(folder: Path) -> None:
    catalog = folder / "catalog.yaml"
    for product in ("Iron phosphate", "LFP cathode"):
        edit(catalog, f"    name: {product}\n", f"    name: {product}\n    lead_time_yr: 1\n")
    (folder / "short.yaml").write_text(SHORT, encoding="utf-8")
    assert shortfall_text(folder / "short.yaml") == (
        "## Why targets fall short\n\n"
        "Cells 2023: goal 10, planned 0, 10 short (GWh/yr); the penalty, 122,059,046 yuan per GWh/yr short each "
        "year (objective.shortfall_penalty_factor 3 x the dearest yearly cost of a GWh/yr of Cells capacity), "
        "charges 1.22 bn yuan (discounted). Why:\n\n"
        "- nothing the plan adds produces before 2024: modules are decided from 2023 on and the lead time of Cells "
        "is 1 year\n"
        "- the plants running in 2023 hold 0 GWh/yr of Cells capacity: existing 0, committed projects online 0\n\n"
        "Output value 2023: goal 2.00, planned 0.00, 2.00 short (bn yuan/yr); the penalty, 3 yuan per yuan short "
        "(objective.shortfall_penalty_factor), charges 6.00 bn yuan (discounted). Why:\n\n"
        "- nothing the plan adds produces before 2024: modules are decided from 2023 on and every product's lead "
        "time is 1 year\n"
        "- the existing plants running in 2023 make 0.00 bn yuan/yr of output value\n"
        "- idle in 2023 (stranded.csv): LFP 20,000 t/yr at East city, for want of feedstock; at full use it would "
        "make 1.00 bn yuan/yr of output value\n\n"
        "The penalties come to 7.22 bn yuan, 58.7% of the gross cost (the cost breakdown's \"target shortfall "
        "penalty\"). The rules the plan meets with no slack are under \"What drives this plan\"; `solve "
        "--rule-costs` prices each rule by solving again without it (rule_costs.csv).\n")


def test_report_says_when_no_target_falls_short(small_run: MadeRun) -> None:
    """The small scenario's targets are strict: none falls short; the part stands after the overshoot one."""
    text = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "\n## Why targets fall short\n\nNo target falls short.\n\n## Stranded capacity\n" in text
    assert text.index("## Why targets are overshot") < text.index("## Why targets fall short")


# --- resource colours -------------------------------------------------------------------------

#: Machado, Oliveira and Fernandes (2009), full severity: linear RGB as readers with each colour
#: vision deficiency see it.
SIMULATION = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def lab(rgb: tuple[int, int, int], vision: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour as a reader with `vision` sees it."""
    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    seen = np.clip(SIMULATION[vision] @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ seen
    f = np.cbrt(xyz / np.array([0.95047, 1.0, 1.08883]))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_shipped_resources_have_colours_every_reader_tells_apart() -> None:
    """Every resource of the shipped catalog and sources layer, coloured together (10) and as the
    map colours the sources layer's (7): no two alike, and any two at least 15 apart in CIELAB
    (Euclidean) for normal vision, protanopia and deuteranopia, 12 for tritanopia. (Copper and
    petroleum coke were both teal, copper concentrate and phosphate rock both purple: 4.9 apart
    with protanopia.)"""
    catalog = yaml.safe_load((ROOT / "scenarios" / "catalog.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((ROOT / "geodata" / "yunnan" / "sources.geojson").read_text(encoding="utf-8"))
    on_map = sorted({f["properties"]["resource"] for f in sources["features"]})
    assert len(on_map) == 7
    for resources in (sorted(set(catalog["resources"]) | set(on_map)), on_map):
        colours = resource_colours(resources)
        assert sorted(colours) == resources
        assert len(set(colours.values())) == len(resources)
        for vision in SIMULATION:
            least = 12 if vision == "tritanopia" else 15
            for a, b in itertools.combinations(resources, 2):
                apart = float(np.linalg.norm(lab(colours[a], vision) - lab(colours[b], vision)))
                assert apart >= least, (vision, a, b, round(apart, 1))


# --- shares given as percents -----------------------------------------------------------------

@pytest.mark.parametrize(("setting", "message"), [
    ("solver.rel_gap=2.5", "must be less than 1: a share, not a percent (got 2.5); give 0.025 for 2.5 %"),
    ("objective.discount_rate=6", "must be less than 1: a share, not a percent (got 6); give 0.06 for 6 %"),
    ("constraints.chain_balance.min_local_share.fepo4=80",
     "must be at most 1: a share, not a percent (got 80); give 0.8 for 80 %"),
    ("constraints.chain_balance.min_local_share.fepo4=250",
     "must be at most 1: a share, not a percent (got 250); give e.g. 0.05 for 5 %"),
])
def test_a_share_given_as_a_percent_is_refused_saying_it_is_a_share(folder: Path, setting: str, message: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(folder / "scenario.yaml"), "--set", setting]) == 2
    key = setting.split("=")[0]
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - {folder}/scenario.yaml: --set {key} | "
                                       f"{message}\n")
