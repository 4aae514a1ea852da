"""Every rule's documented examples hold (the Fixit pattern: examples are the tests)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import rules_reported, upgrade
from tf1migrate import catalog
from tf1migrate.rulepacks import load_rule_packs
from tf1migrate.rules_impl import all_rules

UPGRADE_RULES = [rule for rule in catalog.all_rules() if rule.stage == "upgrade"]
VALID = [
    pytest.param(rule.id, source, id=f"{rule.id}-valid-{index}")
    for rule in UPGRADE_RULES
    for index, source in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule.id, example, id=f"{rule.id}-invalid-{index}")
    for rule in UPGRADE_RULES
    for index, example in enumerate(rule.invalid)
]


@pytest.mark.parametrize(("rule_id", "source"), VALID)
def test_valid_examples_neither_change_nor_trigger(rule_id: str, source: str) -> None:
    alone = upgrade(source, select=(rule_id,))
    assert alone.module.code == source
    assert alone.count == 0
    assert rule_id not in rules_reported(alone)
    assert rule_id not in rules_reported(upgrade(source))  # nor with every rule on


@pytest.mark.parametrize(("rule_id", "example"), INVALID)
def test_invalid_examples_rewrite_or_report(rule_id: str, example: catalog.Example) -> None:
    outcome = upgrade(example.before, select=(rule_id,))
    if example.after is None:
        assert outcome.module.code == example.before
        assert rules_reported(outcome) == {rule_id}
        assert all(f.line >= 1 and f.message for f in outcome.findings)
    else:
        assert outcome.module.code == example.after
        assert outcome.count >= 1
        again = upgrade(outcome.module.code, select=(rule_id,))
        assert again.module.code == example.after  # idempotent


def test_every_rule_id_is_documented_once_with_examples() -> None:
    ids = [rule.id for rule in catalog.all_rules()]
    assert len(ids) == len(set(ids)) == 28
    for rule in catalog.all_rules():
        assert rule.summary and rule.why and rule.before and rule.after, rule.id
        assert "\n" not in rule.summary, rule.id
        if rule.stage == "upgrade":
            assert rule.invalid, f"{rule.id} has no executable example"


def test_catalog_matches_the_rules_that_exist() -> None:
    implemented = {rule_id for rule in all_rules() for rule_id in rule.ids}
    documented_upgrades = {rule.id for rule in UPGRADE_RULES}
    assert implemented == documented_upgrades
    for finding in load_rule_packs().findings:
        assert catalog.get(finding.rule).stage == "upgrade"


def test_get_is_case_insensitive_and_names_known_ids() -> None:
    assert catalog.get("tfm201").id == "TFM201"
    with pytest.raises(KeyError, match="TFM101"):
        catalog.get("TFM999")
