"""The legend words of a forced change give both causes `forced_change` counts: a product the
baseline built kept out, or no land left free for new modules; before, only the first, so a site
forced by land alone was mislabelled."""

from siting.deliver.styles import FORCED_LEGEND


def test_the_forced_legend_names_both_causes() -> None:
    assert "keep out what the baseline built here" in FORCED_LEGEND
    assert "leave no land for new modules" in FORCED_LEGEND
