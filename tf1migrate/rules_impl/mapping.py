"""What TFM201 (layers) and TFM202 (cells) share: a TF1 name mapped to the tf1compat runtime.

Keras 3 removed `tf.compat.v1.layers` and the TF1 cells, so unlike symbol renames this
applies in compat.v1 files too. tf1compat keeps the TF1 variable names, so checkpoints
still load by name. Mappings come from rules/layers.toml ([layers], [cells], [modules]);
each mapping names its rule id, and each of the two rules applies only its own mappings.
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.names import head_name, keep_parentheses, longest_prefix


class RuntimeMapping(Rule):
    """Rewrites references, imports and module imports whose mapping carries `self.id`."""

    def rewrite_reference(self, ctx: Context, ref: Reference) -> cst.BaseExpression | None:
        if head_name(ref.original) in ctx.repointed_locals:
            return None
        hit = longest_prefix(ref.symbol, ctx.rules.layer_map)
        if hit is not None:
            prefix, mapping = hit
            if mapping.rule != self.id or not ctx.enabled(self.id):
                return None
            ctx.imports.add(mapping.import_)
            ctx.changed()
            new = ctx.tf_expression(mapping.target + ref.symbol[len(prefix) :])
            return keep_parentheses(ref.updated, new)
        module_target = ctx.rules.module_map.get(ref.symbol)  # `tf.layers` used as a value
        if module_target is not None and id(ref.original) not in ctx.kept_module_values:
            if module_rule(ctx, ref.symbol) != self.id or not ctx.enabled(self.id):
                return None
            ctx.imports.add(module_target.split(".")[0])
            ctx.changed()
            return keep_parentheses(ref.updated, ctx.tf_expression(module_target))
        return None

    def import_destination(self, ctx: Context, qualname: str, symbol: str) -> str | None:
        mapping = ctx.rules.layer_map.get(symbol)
        if mapping is not None:
            return mapping.target if mapping.rule == self.id and ctx.enabled(self.id) else None
        return self.module_destination(ctx, symbol)

    def module_destination(self, ctx: Context, symbol: str) -> str | None:
        target = ctx.rules.module_map.get(symbol)
        if target is None or module_rule(ctx, symbol) != self.id or not ctx.enabled(self.id):
            return None
        return target


def module_rule(ctx: Context, module_symbol: str) -> str:
    """The rule id of a mapped module: that of the mappings inside it (TFM201 by default)."""
    for name, mapping in ctx.rules.layer_map.items():
        if name.startswith(module_symbol + "."):
            return mapping.rule
    return "TFM201"
