"""`siting.compare` given the same scenario file twice warns as the command line's notice does
(the runs are the same: a notebook user should hear it before both are solved)."""

import warnings
from pathlib import Path

import pytest

import siting

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


class _Stop(Exception):
    pass


def test_the_same_file_twice_warns_before_any_solve(monkeypatch):
    def refuse(*args, **kwargs):
        raise _Stop
    monkeypatch.setattr("siting.api.compare_to_folder", refuse)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(_Stop):
            siting.compare([SMALL, SMALL])
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(said) == 1 and said[0].startswith("paths | repeats the scenario file ")
    assert said[0].endswith("small/scenario.yaml (given 1st and 2nd), which runs the same run twice; give each "
                            "scenario file once, unless a second run of the same is meant")
    assert caught[0].filename == __file__  # pointed at the caller's line


def test_two_files_do_not_warn(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise _Stop
    monkeypatch.setattr("siting.api.compare_to_folder", refuse)
    other = tmp_path / "other.yaml"
    other.write_text(SMALL.read_text().replace("../", str(SMALL.parent.parent) + "/"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(_Stop):
            siting.compare([SMALL, SMALL.parent / "." / SMALL.name, other][::2])
    assert [w for w in caught if "repeats the scenario file" in str(w.message)] == []


def test_the_command_line_prints_its_notice_and_no_warning(monkeypatch):
    def refuse(*args, **kwargs):
        raise _Stop
    monkeypatch.setattr("siting.api.compare_to_folder", refuse)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with siting.api.command_line_names(), pytest.raises(_Stop):
            siting.compare([SMALL, SMALL])
    assert [w for w in caught if "repeats the scenario file" in str(w.message)] == []
