"""TFM201 / TFM202: TF1 layers and RNN cells move to the tf1compat runtime.

Keras 3 removed `tf.compat.v1.layers` and the TF1 cells, so unlike symbol renames this
applies in compat.v1 files too. tf1compat keeps the TF1 variable names, so checkpoints
still load by name. Mappings come from rules/layers.toml ([layers], [cells], [modules]).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.names import head_name, keep_parentheses, longest_prefix


class LayerMappingRule(Rule):
    ids = ("TFM201", "TFM202")

    def rewrite_reference(self, ctx: Context, ref: Reference) -> cst.BaseExpression | None:
        if head_name(ref.original) in ctx.repointed_locals:
            return None
        hit = longest_prefix(ref.symbol, ctx.rules.layer_map)
        if hit is not None:
            prefix, mapping = hit
            if not ctx.enabled(mapping.rule):
                return None
            ctx.imports.add(mapping.import_)
            ctx.changed()
            new = ctx.tf_expression(mapping.target + ref.symbol[len(prefix) :])
            return keep_parentheses(ref.updated, new)
        module_target = ctx.rules.module_map.get(ref.symbol)  # `tf.layers` used as a value
        if module_target is not None:
            rule = module_rule(ctx, ref.symbol)
            if not ctx.enabled(rule):
                return None
            ctx.imports.add(module_target.split(".")[0])
            ctx.changed()
            return keep_parentheses(ref.updated, ctx.tf_expression(module_target))
        return None


def module_rule(ctx: Context, module_symbol: str) -> str:
    """The rule id of a mapped module: that of the mappings inside it (TFM201 by default)."""
    for name, mapping in ctx.rules.layer_map.items():
        if name.startswith(module_symbol + "."):
            return mapping.rule
    return "TFM201"
