"""TFM407 (and user ids): reading `.name` (or another listed attribute) of a TF value.

`tensor.name` / `variable.name` drive TF1 code that filters variables by scope or builds
feed dicts; eager tensors have no name and Keras names variables differently. Attribute
names alone are too common (`args.name`), so only values a TensorFlow call produced are
considered: `tf.get_variable(...).name`, or a local bound from a TF call (`v = tf.X(...)`,
`for v in tf.trainable_variables()`), including `v.op.name`.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from tf1migrate.rules_impl.base import Context, Rule, call_symbol
from tf1migrate.types import Severity


class AttributeFindings(Rule):
    ids = ("TFM407",)

    def bind(
        self, ctx: Context, target: cst.BaseExpression, value: cst.BaseExpression | None
    ) -> None:
        frame = ctx.frames[-1]
        produced = value is not None and _produced_by_tensorflow(ctx, value)
        for name in _names(target):
            if produced:
                frame.tf_values.add(name)
            else:
                frame.tf_values.discard(name)

    def leave_attribute(
        self, ctx: Context, original: cst.Attribute, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        findings = ctx.rules.findings_for_attribute(original.attr.value)
        if findings and ctx.uses_tensorflow and _produced_by_tensorflow(ctx, original.value):
            for finding in findings:
                ctx.report(
                    original,
                    finding.rule,
                    f".{original.attr.value}: {finding.message}",
                    Severity(finding.severity),
                    context=finding.context,
                )
        return updated


#: Calls whose result's `.name` is a string the code chose (a scope's name), stable in TF2.
NAMED_BY_THE_CODE = frozenset(
    {"tf.variable_scope", "tf.name_scope", "tf.get_variable_scope", "tf.VariableScope"}
)


def _produced_by_tensorflow(ctx: Context, node: cst.BaseExpression) -> bool:
    """A TF call (not a scope), a local bound to one, or an attribute/index of either."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    if isinstance(node, cst.Call):
        found = call_symbol(ctx, node)
        return found is not None and found[1] not in NAMED_BY_THE_CODE
    if isinstance(node, cst.Name):
        return any(node.value in frame.tf_values for frame in reversed(ctx.frames))
    return False


def _names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names(element.value)
