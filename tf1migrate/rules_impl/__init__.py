"""The upgrade rules, one idea per module; `upgrades.apply_upgrades` runs them all.

Each rule is a small `Rule` subclass (see `base.py`) that reacts to one kind of syntax
(a TensorFlow reference, a call, an attribute read, an import). The engine transformer
knows nothing about any single rule: adding one means adding a module here and listing it
in `all_rules()`. Examples for every rule id live in `tf1migrate/catalog.py` and are run by
tests/rules/test_catalog.py.
"""

from __future__ import annotations

from tf1migrate.rules_impl.attribute_findings import AttributeFindings
from tf1migrate.rules_impl.base import Rule
from tf1migrate.rules_impl.call_arguments import CallArguments
from tf1migrate.rules_impl.dead_contrib_imports import DeadContribImports
from tf1migrate.rules_impl.dimension_arithmetic import DimensionArithmetic
from tf1migrate.rules_impl.dimension_value import DimensionValue
from tf1migrate.rules_impl.graph_mode_switches import GraphModeSwitches
from tf1migrate.rules_impl.import_repoint import ImportRepoint
from tf1migrate.rules_impl.keyword_findings import KeywordFindings
from tf1migrate.rules_impl.layer_mapping import LayerMappingRule
from tf1migrate.rules_impl.symbol_findings import SymbolFindings
from tf1migrate.rules_impl.symbol_rename import SymbolRename
from tf1migrate.rules_impl.tensor_names import TensorNames


def all_rules() -> tuple[Rule, ...]:
    """Fresh rule instances, in the order they get to rewrite a node (mappings first)."""
    return (
        ImportRepoint(),
        LayerMappingRule(),
        SymbolRename(),
        CallArguments(),
        DimensionValue(),
        SymbolFindings(),
        KeywordFindings(),
        TensorNames(),
        AttributeFindings(),
        DimensionArithmetic(),
        GraphModeSwitches(),  # after every other leave_call, so it sees the final call
        # last: its finish rebuilds the tree, and the finish passes of TensorNames and
        # GraphModeSwitches find the nodes they noted during the walk by identity
        DeadContribImports(),
    )


__all__ = ["Rule", "all_rules"]
