"""A `--variant` asked of a scenario file that defines no variants, while scenario files beside it
extend it (the shipped variants are such files: scenarios/yunnan_2024_strict_redline.yaml), is
told those files stand for its variants: the one whose name holds the variant asked ("run it
instead"), else every one; a file that extends another, or cannot be read, is not named. The
small scenario of tests/data/small (`folder`, tests/conftest.py), run from its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import refused_lines

HEAD = "  - scenario.yaml: variants | no variant named '{}'; defined: (none)"


def siblings(folder: Path) -> None:
    """Two scenario files that extend scenario.yaml, one that extends another file, one that is no YAML."""
    (folder / "scenario_strict_redline.yaml").write_text("extends: scenario.yaml\nname: strict\n")
    (folder / "scenario_cells.yaml").write_text("extends: ./scenario.yaml\nname: cells\n")
    (folder / "other.yaml").write_text("extends: scenario_cells.yaml\nname: other\n")
    (folder / "broken.yaml").write_text("extends: [scenario.yaml\n")


def test_the_extending_file_named_like_the_variant_is_offered(folder: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    siblings(folder)
    assert refused_lines(folder, capsys, ["check", "scenario.yaml", "--variant", "strict"]) == [
        "error: 1 problem in the input:",
        HEAD.format("strict") + "; scenario_strict_redline.yaml extends this file: run it instead"]


def test_every_extending_file_is_named_when_none_is_named_like_the_variant(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    siblings(folder)
    assert refused_lines(folder, capsys, ["check", "scenario.yaml", "--variant", "tight"]) == [
        "error: 1 problem in the input:",
        HEAD.format("tight") + "; the scenario files that extend this file stand for its variants: "
        "scenario_cells.yaml, scenario_strict_redline.yaml; run one of them instead"]


def test_without_extending_files_the_message_is_as_before(folder: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    assert refused_lines(folder, capsys, ["check", "scenario.yaml", "--variant", "strict"]) == [
        "error: 1 problem in the input:", HEAD.format("strict")]


def test_files_the_loader_would_refuse_are_passed_over_not_a_traceback_nor_a_hang(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Beside the extending file: YAML nested 20,000 levels deep (PyYAML's reader recursed past
    Python's limit: RecursionError), a symbolic link to itself (Path.resolve: RuntimeError), a
    named pipe no one writes to (reading it blocked for ever; with O_NONBLOCK absent, only
    `read_yaml`'s check of the file's kind keeps it from the read), and an `extends:` holding a NUL
    (no path: ValueError). Each is passed over, as the loader refuses it; the message is the one
    the extending file alone gives."""
    import os

    monkeypatch.chdir(folder)
    (folder / "scenario_strict_redline.yaml").write_text("extends: scenario.yaml\nname: strict\n")
    (folder / "deep.yaml").write_text("[" * 20_000 + "]" * 20_000)
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "nul.yaml").write_text('extends: "scenario\\0.yaml"\n')
    os.mkfifo(folder / "pipe.yaml")
    assert refused_lines(folder, capsys, ["check", "scenario.yaml", "--variant", "strict"]) == [
        "error: 1 problem in the input:",
        HEAD.format("strict") + "; scenario_strict_redline.yaml extends this file: run it instead"]
