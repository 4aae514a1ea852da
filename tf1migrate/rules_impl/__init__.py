"""The upgrade rules, one rule per module; `upgrades.apply_upgrades` runs them all.

A rule is a `Rule` subclass (see `base.py`) with one id, its documentation, its
VALID/INVALID examples and the hooks that implement it. Rules are found here
automatically: adding one means adding a module (rules/README.md says how). Modules
without a rule are shared machinery: `mapping.py` (TFM201 and TFM202), `names.py`,
`shapes.py`, `positions.py`, and the engine's own walker hooks, which own no id:
`imports.py` (import lines, for every rule), `data_findings.py` (the rule packs'
`[[findings]]`), `dead_imports.py` (contrib imports left without a use).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from tf1migrate.rules_impl.base import Rule
from tf1migrate.rules_impl.data_findings import DataFindings
from tf1migrate.rules_impl.dead_imports import DeadContribImports
from tf1migrate.rules_impl.imports import ImportRepoint


@cache
def rule_classes() -> tuple[type[Rule], ...]:
    """Every rule class of this package, in walk order (`order`, then id)."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and value.id
            ):
                other = found.setdefault(value.id, value)
                if other is not value:
                    raise RuntimeError(
                        f"rule id {value.id} belongs to two classes: "
                        f"{other.__module__}.{other.__name__} and {module.__name__}.{value.__name__}"
                    )
    return tuple(sorted(found.values(), key=lambda rule: (rule.order, rule.id)))


def all_rules() -> tuple[Rule, ...]:
    """Fresh rule instances, in the order they get to rewrite a node (mappings first)."""
    return tuple(rule() for rule in rule_classes())


def walker_hooks() -> tuple[Rule, ...]:
    """Fresh instances of everything the walk calls: the import re-pointer first, then the
    rules, then the data findings, and last the dead-import remover (its `finish` rebuilds
    the tree, and the rules' `finish` passes find the nodes they noted by identity)."""
    rules = all_rules()
    return (ImportRepoint(rules), *rules, DataFindings(), DeadContribImports())


__all__ = ["Rule", "all_rules", "rule_classes", "walker_hooks"]
