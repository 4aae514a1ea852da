"""Every rule's documented examples hold (the Fixit pattern: examples are the tests).

The rules are found, not listed: every `Rule` class of tf1migrate/rules_impl/ and every
`[[findings]]` entry of the packaged rule packs, through the generated catalog.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.rules.helpers import rules_reported, upgrade
from tf1migrate import catalog
from tf1migrate.rulepacks import load_rule_packs
from tf1migrate.rules_impl import rule_classes

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


def test_every_rule_is_documented_with_examples() -> None:
    for rule in catalog.all_rules():
        assert rule.name and rule.summary and rule.why and rule.before and rule.after, rule.id
        assert "\n" not in rule.summary, rule.id
        if rule.stage == "upgrade":
            assert rule.invalid, f"{rule.id} has no executable example"
            assert rule.source, rule.id


def test_one_id_belongs_to_one_rule() -> None:
    classes = [rule.id for rule in rule_classes()]
    packaged = [finding.rule for finding in load_rule_packs().findings]
    stage = [rule.id for rule in catalog.STAGE_RULES]
    every = classes + packaged + stage
    assert len(every) == len(set(every))
    assert [rule.id for rule in catalog.all_rules()] == sorted(every)


def test_catalog_is_generated_from_the_rules() -> None:
    upgrade_ids = {rule.id for rule in UPGRADE_RULES}
    implemented = {rule.id for rule in rule_classes()}
    data_only = {finding.rule for finding in load_rule_packs().findings}
    assert upgrade_ids == implemented | data_only
    for rule in rule_classes():
        doc = catalog.get(rule.id)
        assert (doc.valid, doc.invalid) == (rule.VALID, rule.INVALID)


def test_a_rule_module_is_found_without_being_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tf1migrate.rules_impl as package

    (tmp_path / "zz_example_rule.py").write_text(
        "from tf1migrate.rules_impl.base import Rule\n\n\n"
        "class Example(Rule):\n    id = 'TFM999'\n    name = 'example'\n"
    )
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    monkeypatch.syspath_prepend(str(tmp_path))
    package.rule_classes.cache_clear()
    try:
        found = {rule.id for rule in package.rule_classes()}
    finally:
        monkeypatch.undo()
        sys.modules.pop("tf1migrate.rules_impl.zz_example_rule", None)
        package.rule_classes.cache_clear()
    assert "TFM999" in found
    assert {rule.id for rule in package.rule_classes()} == found - {"TFM999"}


def test_get_is_case_insensitive_and_names_known_ids() -> None:
    assert catalog.get("tfm201").id == "TFM201"
    with pytest.raises(KeyError, match="TFM101"):
        catalog.get("TFM999")
