"""A sheet of compare.qgs names its run once in its title's first line.

A sweep's runs (and a comparison's runs labelled otherwise than their scenario, such as one file
given twice) title their own plan "yunnan_2024: capacity plan 2022-2024, run run01 buffer_m=0"
(siting/runs/job.py `run_which`), and compare.qgs's sheet put the run's label in front of the
plan's span as it is: `siting sweep scenarios/yunnan_2024.yaml --set
constraints.redline.buffer_m=0,1000,3000` gave "run01 buffer_m=0 (baseline): capacity plan
2022-2024, run run01 buffer_m=0" and "run02 buffer_m=1000 against the baseline run01 buffer_m=0:
capacity plan 2022-2024, run run02 buffer_m=1000". The sheet's title (siting/deliver/qgisproject.py
`run_heading`) now leaves out the plan title's ", run <label>", which its first words say already.
"""

from __future__ import annotations

from siting.deliver.qgisproject import run_heading

OUTCOME = "optimal within the gap, gap 1.00% (tolerance 1.00%), objective -195.89 bn yuan (discounted)"


def test_a_swept_run_s_sheet_names_the_run_once():
    plan = f"yunnan_2024: capacity plan 2022-2024, run run02 buffer_m=1000\n{OUTCOME}"
    assert run_heading("run02 buffer_m=1000", "run01 buffer_m=0", "compared", plan) == (
        f"run02 buffer_m=1000 against the baseline run01 buffer_m=0: capacity plan 2022-2024\n{OUTCOME}")
    base = f"yunnan_2024: capacity plan 2022-2024, run run01 buffer_m=0\n{OUTCOME}"
    assert run_heading("run01 buffer_m=0", "run01 buffer_m=0", "baseline", base).split("\n")[0] == (
        "run01 buffer_m=0 (baseline): capacity plan 2022-2024")


def test_another_run_s_words_in_the_span_are_kept():
    """Only the run's own ", run <label>" at the end goes; a span naming something else stays."""
    plan = f"a: capacity plan 2022-2024, run other\n{OUTCOME}"
    assert run_heading("b", "a", "compared", plan).split("\n")[0] == (
        "b against the baseline a: capacity plan 2022-2024, run other")
