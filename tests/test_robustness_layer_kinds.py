"""plan.qgs's robustness layer says, in its abstract (the layer panel's tooltip) and its title
in the print legend, that its shares count two kinds of plan alike where some alternatives may
move capacity between clusters (scope `clusters`) beside those that keep the optimum's capacity
by cluster (scope `sites`), as alternatives.md and robustness.png do: a GIS user who reads the
project alone would otherwise take a share below 100 % for sites interchangeable at nearly the
optimum's cost."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from test_alternatives import two_sites_in_c1
from test_families import SETTINGS as SETTINGS_OF_TESTS

from siting.deliver.explore import robustness_kinds
from siting.optimize.alternatives import near_optimal_plans
from tests.conftest import MadeRun

LEGEND = "2 keep the optimum's capacity by cluster, 1 may move capacity between clusters: counted alike"


def test_kinds_in_words() -> None:
    inputs = two_sites_in_c1()
    legend, abstract = robustness_kinds(near_optimal_plans(inputs, SETTINGS_OF_TESTS, 2, 0.05))
    assert legend == LEGEND + " (alternatives.md)"
    assert abstract.startswith("its shares count two kinds of plan alike: the optimum and its 1 alternative of "
                               "scope sites, which keep its capacity by cluster, and 1 alternative of scope "
                               "clusters, which may move capacity between clusters")
    assert "a share below 100 % may be a decision one kind always takes and the other never" in abstract
    assert robustness_kinds(near_optimal_plans(inputs, SETTINGS_OF_TESTS, 1, 0.05)) == ("", "")


def robustness_layer_texts(out: Path) -> tuple[str, str]:
    """The robustness layer's abstract and its print legend title in `out`/plan.qgs."""
    root = ET.parse(out / "plan.qgs").getroot()
    (layer,) = [m for m in root.iter("maplayer") if "layername=robustness" in (m.findtext("datasource") or "")]
    abstract = layer.findtext("abstract") or ""
    layer_id = layer.findtext("id")
    titles = [option.get("value", "").replace("\n", " ") for legend in root.iter("LayoutItem")
              if legend.get("type") == "65642" for node in legend.iter("layer-tree-layer")
              if node.get("id") == layer_id for option in node.iter("Option")
              if option.get("name") == "legend/title-label"]
    return abstract, " ".join(titles)


def test_plan_qgs_says_the_robustness_shares_count_both_kinds(small_alternatives_run: MadeRun) -> None:
    """The small scenario solved with `--alternatives 2` (conftest's `small_alternatives_run`)."""
    abstract, legend = robustness_layer_texts(small_alternatives_run.out)
    assert "its shares count two kinds of plan alike" in abstract
    assert abstract.endswith("not shown when the project opens: tick it to show it over the plan")
    assert LEGEND in legend
