"""Small helpers for dotted-name tables: longest-prefix lookup and chain heads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import libcst as cst

T = TypeVar("T")


def longest_prefix(symbol: str, table: Mapping[str, T]) -> tuple[str, T] | None:
    """The longest dotted prefix of `symbol` that is a key of `table` (the key, its value).

    "tf.app.flags.DEFINE_string" finds "tf.app.flags"; "tf.layers.denser" does not find
    "tf.layers.dense" (whole segments only).
    """
    parts = symbol.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in table:
            return key, table[key]
    return None


def head_name(node: cst.BaseExpression) -> str | None:
    """`a` for `a.b.c`, None when the chain does not start at a plain name."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def keep_parentheses(old: cst.BaseExpression, new: cst.BaseExpression) -> cst.BaseExpression:
    """Carry `(...)` around a replaced expression over to its replacement."""
    lpar = getattr(old, "lpar", ())
    if lpar and hasattr(new, "lpar"):
        return new.with_changes(lpar=lpar, rpar=old.rpar)  # type: ignore[attr-defined]
    return new
