"""TFM409: `tf.Dimension` and arithmetic on `x.get_shape()[i]` need a human.

In TF1 this was `Dimension` arithmetic where an unknown size propagated as None; in TF2
the operand is an int or None, and `None * 2` raises. Only `get_shape()` is matched:
`x.shape[i] * 2` is just as often numpy, where it is fine. Every use of `tf.Dimension`
itself is reported too (`tf.Dimension(n).value` is rewritten by TFM103 instead).
"""

from __future__ import annotations

import libcst as cst

from tf1migrate.rules_impl.base import TF, Context, Example, Reference, Rule
from tf1migrate.rules_impl.shapes import is_static_dimension
from tf1migrate.types import Severity

DIMENSION = "tf.Dimension"
MESSAGE = (
    "tf.Dimension arithmetic: in TF2 a static dimension is an int or None; use "
    "tf.compat.dimension_value(d) and handle None, or tf.shape(x)[i] for a dynamic size."
)


class DimensionArithmetic(Rule):
    id = "TFM409"
    name = "dimension-arithmetic"
    summary = "tf.Dimension arithmetic."
    why = (
        "TF1 Dimension arithmetic propagated unknown sizes; in TF2 the operand is an int or "
        "None and `None * 2` raises."
    )
    severity = "warning"
    order = 60
    VALID = (
        TF + "n = x.shape[1] * 2\n",
        TF + "n = tf.compat.dimension_value(x.shape[1]) * 2\n",
    )
    INVALID = (
        Example(TF + "n = x.get_shape()[1] * 2\n"),
        Example(TF + "d = tf.Dimension(3)\n"),
    )

    def inspect_reference(self, ctx: Context, ref: Reference, *, migrated: bool) -> None:
        if ref.symbol == DIMENSION or ref.symbol.startswith(DIMENSION + "."):
            ctx.report(ref.original, self.id, f"{ref.symbol}: {MESSAGE}", Severity.WARNING)

    def leave_binary(
        self, ctx: Context, original: cst.BinaryOperation, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        if not ctx.uses_tensorflow:
            return updated
        operands = (original.left, original.right)
        if any(is_static_dimension(o, allow_shape_attribute=False) for o in operands):
            ctx.report(original, self.id, MESSAGE, Severity.WARNING)
        return updated
