"""TFM101: a TF1 symbol reached through plain `tensorflow` gets its TF2 name.

The rename table is generated from tf_upgrade_v2 (rules/symbols.toml). Unlike
tf_upgrade_v2, names reached through `tensorflow.compat.v1` (or private modules) are left
alone: they already work in TF2, and "upgrading" them changes behaviour.
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.names import head_name, keep_parentheses, longest_prefix


class SymbolRename(Rule):
    ids = ("TFM101",)

    def rewrite_reference(self, ctx: Context, ref: Reference) -> cst.BaseExpression | None:
        if not ctx.enabled("TFM101") or ref.through_working_api:
            return None
        if head_name(ref.original) in ctx.repointed_locals:
            return None  # its import line was re-pointed; the name is already right
        hit = longest_prefix(ref.symbol, ctx.rules.renames)
        if hit is None:
            return None
        prefix, target = hit
        ctx.changed()
        return keep_parentheses(ref.updated, ctx.tf_expression(target + ref.symbol[len(prefix) :]))
