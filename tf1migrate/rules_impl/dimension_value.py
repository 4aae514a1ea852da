"""TFM103: `x.shape[i].value` -> `tf.compat.dimension_value(x.shape[i])`.

In TF2 a static dimension is a plain int (or None), so `.value` raises AttributeError;
`tf.compat.dimension_value` works in TF1 and TF2 alike. `tf.Dimension(n).value` becomes
`tf.compat.dimension_value(n)`. Applies in compat.v1 files too (TF2 behaviour is on).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import TF, V1, Context, Example, Rule, call_symbol
from tf1migrate.rules_impl.names import keep_parentheses
from tf1migrate.rules_impl.shapes import is_static_dimension

DIMENSION_VALUE = "tf.compat.dimension_value"


class DimensionValue(Rule):
    id = "TFM103"
    name = "dimension-value"
    summary = "`x.shape[i].value` / `tf.Dimension(n).value` → `tf.compat.dimension_value(...)`."
    why = (
        "In TF2 a static dimension is an int or None, so `.value` raises AttributeError; "
        "tf.compat.dimension_value works in TF1 and TF2."
    )
    order = 40
    VALID = (
        TF + "n = tf.compat.dimension_value(x.shape[1])\n",
        "import numpy as np\nn = a.shape[1].value\n",
        TF + "n = x.shape[1]\n",
    )
    INVALID = (
        Example(TF + "n = x.shape[1].value\n", TF + "n = tf.compat.dimension_value(x.shape[1])\n"),
        Example(
            TF + "d = h.get_shape()[-1].value * 4\n",
            TF + "d = tf.compat.dimension_value(h.get_shape()[-1]) * 4\n",
        ),
        Example(V1 + "n = x.shape[0].value\n", V1 + "n = tf.compat.dimension_value(x.shape[0])\n"),
        Example(TF + "n = tf.Dimension(3).value\n", TF + "n = tf.compat.dimension_value(3)\n"),
    )

    def leave_attribute(
        self, ctx: Context, original: cst.Attribute, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        if original.attr.value != "value" or not ctx.uses_tensorflow or not ctx.enabled(self.id):
            return updated
        assert isinstance(updated, cst.Attribute)
        if is_static_dimension(original.value):
            argument = updated.value
        elif _is_dimension_call(ctx, original.value):
            assert isinstance(updated.value, cst.Call)
            argument = updated.value.args[0].value
            ctx.retract(original.value.func)  # type: ignore[attr-defined]
        else:
            return updated
        ctx.changed()
        call = cst.Call(func=ctx.tf_expression(DIMENSION_VALUE), args=[cst.Arg(argument)])
        return keep_parentheses(updated, call)


def _is_dimension_call(ctx: Context, node: cst.BaseExpression) -> bool:
    """`tf.Dimension(n)` with exactly one positional argument."""
    if not isinstance(node, cst.Call) or len(node.args) != 1:
        return False
    arg = node.args[0]
    if arg.keyword is not None or arg.star:
        return False
    found = call_symbol(ctx, node)
    return found is not None and found[1] == "tf.Dimension"
