"""Swept values that are not a text or a number (a mapping, a list, true/false, null) read in the
sweep's run labels and tables as YAML writes them, as they were typed, not as Python's reprs
({'lfp': {'lake': 8000}}, True, None)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd

from siting.config.load import setting_text
from siting.deliver.tables import AS_GIVEN, csv_text, markdown_table
from siting.runs.batch import sweep_cases

SMALL = Path(__file__).parent / "data" / "small"


def test_setting_text_writes_yaml_not_python():
    assert setting_text({"lfp": {"lake": 8000}}) == "{lfp: {lake: 8000}}"
    assert setting_text(["lake", "forest_park"]) == "[lake, forest_park]"
    assert setting_text({}) == "{}"
    assert setting_text(True) == "true"
    assert setting_text(False) == "false"
    assert setting_text(None) == "null"
    assert setting_text(datetime.date(2023, 6, 30)) == "2023-06-30"
    assert setting_text("other/sites2.geojson") == "other/sites2.geojson"
    assert setting_text(5000) == "5000"
    assert setting_text(0.5) == "0.5"


def test_a_swept_mapping_labels_its_runs_in_yaml():
    cases, values, keys, _inputs = sweep_cases(
        SMALL / "scenario.yaml", ["constraints.redline.setbacks_m={},{lfp: {lake: 2000}}"], None)
    assert keys == ["constraints.redline.setbacks_m"]
    assert values == [{"constraints.redline.setbacks_m": {}},
                      {"constraints.redline.setbacks_m": {"lfp": {"lake": 2000}}}]  # the values themselves
    assert [c.label for c in cases] == ["run01 setbacks_m={}", "run02 setbacks_m={lfp: {lake: 2000}}"]


def test_a_swept_flag_labels_its_runs_in_yaml():
    cases, _values, _keys, _inputs = sweep_cases(
        SMALL / "scenario.yaml", ["constraints.chain_balance.enabled=false,true"], None)
    assert [c.label for c in cases] == ["run01 enabled=false", "run02 enabled=true"]


def test_swept_columns_are_written_in_yaml_in_csv_and_markdown():
    key = "constraints.redline.setbacks_m"
    table = pd.DataFrame({"run": ["run01", "run02", "run03"],
                          key: [{}, {"lfp": {"lake": 2000}}, None],
                          "flag": [True, False, True],
                          "buffer_m": [500, 1000.5, 0],
                          "objective_yuan": [1.5e9, 2.5e9, 3.0e9]})
    table.attrs[AS_GIVEN] = (key, "flag", "buffer_m")
    lines = csv_text(table).splitlines()
    assert lines[0] == f"run,{key},flag,buffer_m,objective_bn_yuan"
    assert lines[1:] == ["run01,{},true,500,1.5", "run02,{lfp: {lake: 2000}},false,1000.5,2.5",
                         "run03,null,true,0,3"]
    shown = markdown_table(table)
    assert "| run02 | {lfp: {lake: 2000}} | false | 1000.5 | 2.50 |" in shown
    assert "'lfp'" not in shown and "True" not in shown
    assert table[key].tolist() == [{}, {"lfp": {"lake": 2000}}, None]  # the frame itself keeps the values
