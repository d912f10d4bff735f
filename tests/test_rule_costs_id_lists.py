"""rule_costs.csv joins the sites a relaxed plan adds and drops as every layer joins a list of ids
(siting/config/units.py `id_list`: "huaning, zhanyi, malong"; it was "huaning,zhanyi,malong"),
and its readers (the terminal's lines under the table, rule_costs.md's names: siting/optimize/relax.py
`in_words`) take both forms (`id_items`), so that a file an earlier version wrote reads alike.

The instance is test_rule_costs_status_words.py's `sited`: the base plan builds on Tonghai, Yimen
and Qujing ETDZ; the red line relaxed swaps Tonghai for Jiangchuan; differentiation relaxed adds
Huaning, Zhanyi and Malong and drops Tonghai and Qujing ETDZ."""

from __future__ import annotations

import csv
import io

import pytest
from test_rule_costs_status_words import SITE_NAMES, sited

from siting.cli import rule_costs_text
from siting.deliver.tables import table_files

ADDED = "Huaning county; Zhanyi industrial park (green hydro-aluminium park); Malong district"


def test_the_csv_joins_the_sites_by_comma_and_space() -> None:
    rows = list(csv.DictReader(io.StringIO(table_files(sited(), "rule_costs")["rule_costs.csv"])))
    assert [(r["rule"], r["sites_added"], r["sites_dropped"]) for r in rows] == [
        ("redline", "jiangchuan", "tonghai"), ("differentiation", "huaning, zhanyi, malong", "tonghai, etdz"),
        ("budget", "", "")]


@pytest.mark.parametrize("separator", [", ", ","])
def test_the_readers_name_the_sites_of_either_form(monkeypatch: pytest.MonkeyPatch, separator: str) -> None:
    """The lists as this version writes them and as earlier ones did: each site by its name, in
    rule_costs.md and under the printed table."""
    monkeypatch.setenv("COLUMNS", "200")
    table = sited()
    table["sites_added"] = [separator.join(v.split(", ")) for v in table["sites_added"]]
    table["sites_dropped"] = [separator.join(v.split(", ")) for v in table["sites_dropped"]]
    md = table_files(table, "rule_costs")["rule_costs.md"]
    row = next(line for line in md.splitlines() if line.startswith("| differentiation |"))
    assert f"| {ADDED} | Tonghai county; Qujing ETDZ |" in row
    lines = rule_costs_text(table, SITE_NAMES).splitlines()
    assert f"  differentiation  added: {ADDED}  dropped: Tonghai county; Qujing ETDZ" in lines
