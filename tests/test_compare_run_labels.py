"""A comparison's runs are labelled by their scenarios' names; a name given twice gets a suffix
that is no other run's name, so that a scenario named `small-2` is never labelled `small-2-2`
while a copy of `small` takes its name."""

from __future__ import annotations

from siting.runs.batch import run_labels


def test_a_scenario_keeps_its_own_name_beside_a_repeated_one() -> None:
    assert run_labels(["small", "small", "small-2"]) == ["small", "small-3", "small-2"]
    assert run_labels(["small-2", "small", "small"]) == ["small-2", "small", "small-3"]


def test_repeated_names_are_numbered_in_order() -> None:
    assert run_labels(["small", "small", "small"]) == ["small", "small-2", "small-3"]
    assert run_labels(["a", "b"]) == ["a", "b"]


def test_names_are_compared_without_case_and_made_folder_names() -> None:
    """Two names that differ only in case would share a folder on some file systems; a name
    with a space becomes a folder name first."""
    assert run_labels(["Small", "small"]) == ["Small", "small-2"]
    assert run_labels(["my plan", "my_plan"]) == ["my_plan", "my_plan-2"]


def test_a_name_of_a_batch_file_is_never_a_run_folder() -> None:
    assert run_labels(["comparison.csv", "b"]) == ["comparison.csv-2", "b"]
