"""The report's count of sites excluded for every product says how many of them lie outside
every cluster: such a site is dropped from the plan, not kept out by a rule, and read as one more
site the red line excludes it misled a reader comparing the count with the status table."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from siting.deliver.report import markdown, site_blocks


def count_line(statuses: list[str]) -> str:
    ids = [f"s{i}" for i in range(len(statuses))]
    frame = pd.DataFrame({"id": ids, "name": ids, "status": statuses, "cluster": ["c"] * len(ids),
                          "excluded_redline": [""] * len(ids), "excluded_proximity": [""] * len(ids)})
    text = markdown(site_blocks(SimpleNamespace(frame=frame), {i: i for i in ids}))
    return next(line for line in text.splitlines() if "excluded for every product" in line)


def test_a_site_outside_every_cluster_is_told_apart() -> None:
    assert count_line(["excluded_redline", "outside_clusters", "planned"]) == (
        "2 sites are excluded for every product, 1 of them for lying outside every cluster.")


def test_only_sites_outside_the_clusters() -> None:
    assert count_line(["outside_clusters", "planned"]) == (
        "1 site is excluded for every product (lying outside every cluster).")


def test_no_site_outside_the_clusters_keeps_the_sentence() -> None:
    assert count_line(["excluded_redline", "planned"]) == "1 site is excluded for every product."
