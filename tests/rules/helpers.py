"""Run source text through apply_upgrades the way the engine does (tests only)."""

from __future__ import annotations

import libcst as cst

from tf1migrate.resolve import Resolver
from tf1migrate.rulepacks import load_rule_packs
from tf1migrate.types import Options
from tf1migrate.upgrades import UpgradeOutcome, apply_upgrades


def upgrade(source: str, *, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
            packs: tuple[str, ...] = ()) -> UpgradeOutcome:
    module = cst.parse_module(source)
    options = Options(select=select, ignore=ignore)
    return apply_upgrades(module, Resolver.from_module(module), load_rule_packs(packs), options,
                          path="example.py")


def rules_reported(outcome: UpgradeOutcome) -> set[str]:
    return {finding.rule for finding in outcome.findings}
