"""TFM409: arithmetic on `x.get_shape()[i]` needs a human.

In TF1 this was `Dimension` arithmetic where an unknown size propagated as None; in TF2
the operand is an int or None, and `None * 2` raises. Only `get_shape()` is matched:
`x.shape[i] * 2` is just as often numpy, where it is fine.
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import Context, Rule
from tf1migrate.rules_impl.shapes import is_static_dimension
from tf1migrate.types import Severity

DEFAULT_MESSAGE = (
    "tf.Dimension arithmetic: in TF2 a static dimension is an int or None; "
    "handle None, or use tf.shape(x)[i] for a dynamic size."
)


class DimensionArithmetic(Rule):
    ids = ("TFM409",)

    def leave_binary(
        self, ctx: Context, original: cst.BinaryOperation, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        if not ctx.uses_tensorflow:
            return updated
        operands = (original.left, original.right)
        if any(is_static_dimension(o, allow_shape_attribute=False) for o in operands):
            rule = ctx.rules.finding_by_rule("TFM409")
            message = rule.message if rule is not None else DEFAULT_MESSAGE
            severity = Severity(rule.severity) if rule is not None else Severity.WARNING
            ctx.report(original, "TFM409", message, severity)
        return updated
