"""The registry of rule families against everything that lists the families.

`models.registry.FAMILIES` is the one list of rule families. These tests fail when the scenario
schema, docs/FORMULATION.md, the tests of tests/test_families.py or a built model disagree with
it, and they pin the errors of `set_family_active`.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pyomo.environ as pyo
import pytest
import test_families

from models import (
    FAMILIES,
    FAMILY_CONSTRAINTS,
    RULE_COST_FAMILIES,
    RULE_FAMILIES,
    RuleFamilyError,
    build_model,
    family,
    set_family_active,
)
from siting.config.schema import Constraints

FORMULATION = Path(__file__).resolve().parent.parent / "docs" / "FORMULATION.md"

#: Constraint components that belong to no switchable family: capacity and production, and the
#: host indicator (built with differentiation, on whether it is on or off).
ALWAYS_ON_ROWS = {"production_limit", "production_total_link", "host_link", "host_needs_build", "opened_once",
                  "site_balance", "hub_balance"}


def doc_sections() -> dict[str, str]:
    """The text of each `### `name`` section of docs/FORMULATION.md, up to the next heading, with
    its whitespace collapsed to single spaces."""
    text = FORMULATION.read_text(encoding="utf-8")
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.MULTILINE)
    sections = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        match = re.fullmatch(r"### `(\w+)`", heading.strip())
        if match:
            sections[match.group(1)] = " ".join(body.split())
    return sections


def all_on_model() -> pyo.ConcreteModel:
    """The model of tests/test_families.py's instance in which every family binds."""
    return build_model(test_families.rich_inputs())


def test_scenario_sections_are_the_registry() -> None:
    """The sections under `constraints:` in the scenario schema are the registered families'
    sections, in registry order, and every family's name matches its section."""
    assert list(Constraints.model_fields) == [f.section for f in FAMILIES]
    assert tuple(f.name for f in FAMILIES) == RULE_FAMILIES
    assert len(set(RULE_FAMILIES)) == len(RULE_FAMILIES)


def test_every_family_has_a_formulation_section_naming_its_code() -> None:
    """docs/FORMULATION.md has one `### `name`` section per registered family and no other; each
    names the family's module file, every function that adds it, its switch and its rows."""
    sections = doc_sections()
    assert list(sections) == list(RULE_FAMILIES)
    for entry in FAMILIES:
        body = sections[entry.name]
        module_file = entry.module.replace(".", "/") + ".py"
        assert f"`{module_file}`" in body, entry.name
        for add in entry.adders:
            assert f"`{add.__name__}`" in body, (entry.name, add.__name__)
        for row in entry.constraints:
            assert f"`{row}`" in body, (entry.name, row)
        assert f"`constraints.{entry.section}.enabled`" in body, entry.name
        assert ("relaxed by rebuild" in body) == entry.relax_needs_rebuild, entry.name


def test_every_family_has_binding_and_slack_tests() -> None:
    """tests/test_families.py maps every registered family, and nothing else, to at least one
    test where it binds and one where it is slack, all of them tests of that module."""
    assert set(test_families.FAMILY_TESTS) == set(RULE_FAMILIES)
    for name, by_role in test_families.FAMILY_TESTS.items():
        assert by_role.get("binds"), f"{name}: no test where it binds"
        assert by_role.get("slack"), f"{name}: no test where it is slack"
        for test in (t for tests in by_role.values() for t in tests):
            assert getattr(test_families, test.__name__) is test, test.__name__


def test_adders_live_in_their_module_and_state_their_rule() -> None:
    """Every function that adds a family lives in the module the registry names, and its
    docstring says when it is active and what makes it infeasible."""
    for entry in FAMILIES:
        assert entry.module == f"models.families.{entry.name}"
        for add in entry.adders:
            assert add.__module__ == entry.module, add.__name__
            assert add.__name__.startswith("add_"), add.__name__
            doc = " ".join((inspect.getdoc(add) or "").split())
            assert "active" in doc.lower() or f'"{entry.name}" is on' in doc, add.__name__
            assert "infeasible" in doc.lower(), add.__name__


def test_built_model_has_exactly_the_registered_rows() -> None:
    """A model with every family on has every registered constraint component, and every
    constraint component it has is registered to a family or is one of the always-on rows."""
    model = all_on_model()
    on_model = {c.local_name for c in model.component_objects(pyo.Constraint, descend_into=False)}
    registered = {row for entry in FAMILIES for row in entry.constraints}
    assert registered <= on_model
    assert on_model - registered == ALWAYS_ON_ROWS


def test_switchable_rows_exist_with_every_family_off() -> None:
    """With every family off, the switchable families' rows still exist (empty), so that
    switching them never meets a missing name."""
    inputs = test_families.without(test_families.rich_inputs(), *RULE_FAMILIES)
    model = build_model(inputs)
    for name in FAMILY_CONSTRAINTS:
        rows = [getattr(model, row) for row in FAMILY_CONSTRAINTS[name]]
        set_family_active(model, name, False)
        assert not any(row.active for row in rows), name
        set_family_active(model, name, True)
        assert all(row.active for row in rows), name


def test_set_family_active_switches_rows_off_and_on() -> None:
    """Switching budget off deactivates its rows and nothing else; switching it on restores them."""
    model = all_on_model()
    active_before = {c.local_name for c in model.component_objects(pyo.Constraint, active=True)}
    set_family_active(model, "budget", False)
    active_off = {c.local_name for c in model.component_objects(pyo.Constraint, active=True)}
    assert active_before - active_off == {"budget"}
    set_family_active(model, "budget", True)
    assert {c.local_name for c in model.component_objects(pyo.Constraint, active=True)} == active_before


def test_set_family_active_raises_on_a_constraint_missing_from_the_model() -> None:
    """A registered constraint name that is not on the model (a rename in an add_ function) is
    an error, and nothing is switched."""
    model = all_on_model()
    model.del_component("open_sites_limit")
    with pytest.raises(RuleFamilyError) as caught:
        set_family_active(model, "agglomeration", False)
    assert str(caught.value) == (
        "rule family 'agglomeration': constraint open_sites_limit not found on the model; "
        "the registry (models.registry) and models.families.agglomeration disagree"
    )
    assert model.open_link.active and model.min_investment.active


def test_set_family_active_raises_for_families_that_need_a_rebuild() -> None:
    """The red line, proximity, land and targets act through the index sets or bounds."""
    model = all_on_model()
    rebuild = [f.name for f in FAMILIES if f.relax_needs_rebuild]
    assert rebuild == ["targets", "land", "redline", "proximity"]
    for name in rebuild:
        with pytest.raises(KeyError) as caught:
            set_family_active(model, name, False)
        assert str(caught.value) == (
            f"rule family '{name}' acts through the index sets or bounds, not rows alone: "
            "relax it by building a new model without it in enabled_families"
        )
    assert set(FAMILY_CONSTRAINTS) == set(RULE_FAMILIES) - set(rebuild)


def test_unknown_family_is_an_error() -> None:
    """A name that is no registered family is an error naming the known ones."""
    with pytest.raises(RuleFamilyError) as caught:
        family("redlines")
    assert str(caught.value) == (
        "unknown rule family 'redlines'; known: targets, output_value, land, redline, proximity, supply, "
        "chain_balance, differentiation, agglomeration, budget, recycling_demo, market, utilisation, build_rate"
    )


def test_rule_cost_families_come_from_the_registry() -> None:
    """The rule-cost report covers the families with a rank, in rank order."""
    assert RULE_COST_FAMILIES == ("redline", "proximity", "differentiation", "agglomeration", "budget",
                                  "chain_balance", "market", "build_rate")
