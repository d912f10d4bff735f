"""`siting compare A.yaml --variant V` where no file of the comparison defines variants, while
scenario files beside one of them extend it (the shipped variants are such files:
scenarios/yunnan_2024_strict_redline.yaml), is told those files stand for its variants, as
`siting solve A.yaml --variant V` is (tests/test_unknown_variant_extending_files.py): the one
whose name holds the variant asked ("compare it instead"), else every one; none already in the
comparison (a file of the comparison that defines none is offered the files that extend it in
turn). With nothing to offer there is nothing to name: the file named like the variant that is
compared already is said to be ("drop --variant"), else the files are said to have no variants.
Solves nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py),
run from its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import refused_lines

HEAD = ("  - --variant {0} | no scenario file of the comparison defines a variant named '{0}' (defined: none); ")


def siblings(folder: Path) -> None:
    """Two scenario files that extend scenario.yaml, and one that extends another file."""
    (folder / "scenario_strict_redline.yaml").write_text("extends: scenario.yaml\nname: strict\n")
    (folder / "scenario_cells.yaml").write_text("extends: ./scenario.yaml\nname: cells\n")
    (folder / "other.yaml").write_text("extends: scenario_cells.yaml\nname: other\n")


def test_the_extending_file_named_like_the_variant_is_offered(folder: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    siblings(folder)
    assert refused_lines(folder, capsys, ["compare", "scenario.yaml", "--variant", "strict"]) == [
        "error: 1 problem in the input:",
        HEAD.format("strict") + "scenario_strict_redline.yaml extends scenario.yaml: compare it instead"]


def test_every_extending_file_not_compared_is_named_when_none_is_named_like_the_variant(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    siblings(folder)
    assert refused_lines(folder, capsys, ["compare", "scenario.yaml", "other.yaml", "--variant", "tight"]) == [
        "error: 1 problem in the input:",
        HEAD.format("tight") + "the scenario files that extend scenario.yaml stand for its variants: "
        "scenario_cells.yaml, scenario_strict_redline.yaml; compare one of them instead"]
    assert refused_lines(folder, capsys, ["compare", "scenario.yaml", "scenario_cells.yaml", "--variant",
                                          "tight"]) == [
        "error: 1 problem in the input:",
        HEAD.format("tight") + "scenario_strict_redline.yaml extends scenario.yaml: compare it instead; other.yaml "
        "extends scenario_cells.yaml: compare it instead"]


def test_the_file_named_like_the_variant_already_compared_is_said_to_be(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    siblings(folder)
    assert refused_lines(folder, capsys, ["compare", "scenario.yaml", "scenario_strict_redline.yaml", "--variant",
                                          "strict"]) == [
        "error: 1 problem in the input:", HEAD.format("strict") + "scenario_strict_redline.yaml, which extends "
        "scenario.yaml, is in the comparison already: drop --variant"]


def test_without_extending_files_the_files_are_said_to_have_no_variants(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    assert refused_lines(folder, capsys, ["compare", "scenario.yaml", "--variant", "strict"]) == [
        "error: 1 problem in the input:", HEAD.format("strict") + "none of them has variants: drop --variant, or add "
        "'strict' to a file's variants"]
