"""Recognising TF1 static-shape expressions: `x.shape[i]` and `x.get_shape()[i]`."""

from __future__ import annotations

import libcst as cst


def is_static_dimension(node: cst.BaseExpression, *, allow_shape_attribute: bool = True) -> bool:
    """`x.get_shape()[i]` (and `x.shape[i]` unless disallowed): one index, no slice.

    `x.shape[i]` alone is also numpy, so callers that cannot tell a tensor from an array
    (arithmetic) pass `allow_shape_attribute=False`; `.value` on it is TF1-only.
    """
    if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
        return False
    if not isinstance(node.slice[0].slice, cst.Index):
        return False
    shape = node.value
    if isinstance(shape, cst.Call):
        return (
            isinstance(shape.func, cst.Attribute)
            and shape.func.attr.value == "get_shape"
            and not shape.args
        )
    is_shape = isinstance(shape, cst.Attribute) and shape.attr.value == "shape"
    return allow_shape_attribute and is_shape
