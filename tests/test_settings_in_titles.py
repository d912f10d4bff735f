"""map.png's title (and so plan.qgs's print layout) and the report's head name the settings given
with --set, in the words of the terminal's settings line (`settings_lines`): before, a map printed
from a `--set` run read like the scenario file's own. A run without --set has no such line."""

from __future__ import annotations

from types import SimpleNamespace

from conftest import SMALL

from siting.config.load import load_scenario
from siting.deliver.files import map_title
from siting.deliver.report import markdown, settings_blocks
from siting.deliver.tables import given_settings, settings_lines

SETTING = ("constraints.redline.buffer_m", 2000)
LINE = "settings  --set constraints.redline.buffer_m=2000"


def _title(overrides: tuple[tuple[str, object], ...]) -> str:
    """map.png's title text for the small scenario loaded with `overrides`, a proven optimum."""
    loaded = load_scenario(SMALL / "scenario.yaml", None, overrides)
    report = SimpleNamespace(termination="optimal", has_solution=True, proven_optimal=True, gap=0.0,
                             objective_yuan=1.5e9, best_bound_yuan=1.5e9)
    return map_title(loaded, SimpleNamespace(YEARS=[2023, 2024]), report).text()


def test_the_map_title_names_the_settings_given_on_its_second_line() -> None:
    lines = _title((SETTING,)).splitlines()
    assert lines[1] == LINE
    assert settings_lines(given_settings([SETTING]), 120) == [LINE]  # the terminal's line, word for word


def test_the_map_title_of_a_run_without_settings_names_none() -> None:
    assert "settings" not in _title(())


def test_the_report_head_names_the_settings_as_the_terminal_does() -> None:
    given = settings_blocks(load_scenario(SMALL / "scenario.yaml", None, (SETTING,)))
    assert markdown(given).strip() == f"`{LINE}`"
    assert settings_blocks(load_scenario(SMALL / "scenario.yaml")) == []


def test_the_settings_are_given_as_typed_a_path_unquoted_a_text_of_digits_quoted() -> None:
    given = given_settings([("layers.redline.path", "redline.geojson"), ("output.folder", "~/x"),
                            ("sites.a.name", "1000"), ("constraints.redline.categories", ["lake", "forest_park"])])
    assert given == ["layers.redline.path=redline.geojson", "output.folder=~/x", "sites.a.name='1000'",
                     "constraints.redline.categories=[lake, forest_park]"]


def test_the_settings_line_can_be_pasted_into_a_shell() -> None:
    """A value with a quote, a glob's brackets or a shell's `$` is quoted as a shell reads it, so the
    line can be typed again (before: only a value with a space was quoted, and `--set t=it's` opened
    a quote the line never closed); a plain KEY=VALUE stays as typed."""
    assert settings_lines(["t=it's", "constraints.redline.categories=[lake,forest]", "a.b=$HOME",
                           "constraints.redline.buffer_m=2000"], 1_000) == [
        "settings  --set 't=it'\"'\"'s' --set 'constraints.redline.categories=[lake,forest]' --set 'a.b=$HOME' "
        "--set constraints.redline.buffer_m=2000"]
