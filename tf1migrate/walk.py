"""A LibCST transform that rebuilds only the nodes on the path to a change.

`node.visit(transformer)` rebuilds every node of the tree (each `_visit_and_replace_children`
constructs and validates a fresh copy, even when nothing changed), and on the codemod's
trees that copying cost more than the rules' own hooks. `transform` calls the same hooks
with the same arguments, in the same order, but a node whose children all came back
unchanged is passed on as it is: `updated_node is original_node` unless something below
it changed, and an unchanged tree comes back as the very same object.

Example::

    new_module = transform(module, hooks, inert=frozenset({cst.Comma}))

`hooks(kind)` gives, once per node type, the `(visit, leave)` pair for that type (either
may be None): `visit(node)` returning False skips the children, `leave(original, updated)`
returns the replacement (a node, `RemovalSentinel` or `FlattenSentinel`, as in LibCST).
Types in `inert` are neither visited nor descended into (punctuation, whitespace...).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import libcst as cst

Visit = Callable[[cst.CSTNode], Any]
Leave = Callable[[cst.CSTNode, cst.CSTNode], Any]
Hooks = Callable[[type], tuple[Visit | None, Leave | None]]

#: Fields LibCST visits with `visit_body_sequence`: a child turned into an empty
#: statement line by a removal below it is dropped there.
_BODY_FIELDS = frozenset({(cst.Module, "body"), (cst.IndentedBlock, "body")})
_REQUIRED, _OPTIONAL, _SENTINEL = 0, 1, 2


class _FieldRecorder(cst.CSTTransformer):
    """Records the fields `_visit_and_replace_children` visits, in its (lexical) order."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        return original_node

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.names.append(attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


_FIELDS: dict[type, tuple[tuple[str, int, bool], ...]] = {}


def child_fields(node: cst.CSTNode) -> tuple[tuple[str, int, bool], ...]:
    """(field, required/optional/sentinel, is a statement body) of `node`'s type, in
    the order LibCST visits them (learnt once per type from LibCST itself)."""
    kind = type(node)
    known = _FIELDS.get(kind)
    if known is not None:
        return known
    recorder = _FieldRecorder()
    node._visit_and_replace_children(recorder)
    defaults = {f.name: f.default for f in dataclasses.fields(kind)}
    found = []
    for name in recorder.names:
        default = defaults.get(name, dataclasses.MISSING)
        mode = (
            _OPTIONAL if default is None
            else _SENTINEL if default is cst.MaybeSentinel.DEFAULT
            else _REQUIRED
        )
        found.append((name, mode, (kind, name) in _BODY_FIELDS))
    _FIELDS[kind] = made = tuple(found)
    return made


def transform(node: cst.CSTNode, hooks: Hooks, inert: frozenset[type] = frozenset()) -> Any:
    """`node.visit(...)` with the hooks `hooks` gives per type, rebuilding only changes."""
    plans: dict[type, tuple[Visit | None, Leave | None, tuple[tuple[str, int, bool], ...]]] = {}

    def walk(current: cst.CSTNode) -> Any:
        kind = type(current)
        plan = plans.get(kind)
        if plan is None:
            plan = plans[kind] = (*hooks(kind), child_fields(current))
        visit, leave, fields = plan
        updated = current
        if visit is None or visit(current) is not False:
            changes: dict[str, Any] | None = None
            for name, mode, body in fields:
                value = getattr(current, name)
                if isinstance(value, cst.CSTNode):
                    if type(value) in inert:
                        continue
                    new = walk(value)
                    if new is value:
                        continue
                    if changes is None:
                        changes = {}
                    changes[name] = _single(value, new, mode)
                elif isinstance(value, (tuple, list)) and value:
                    items = _sequence(value, walk, inert, body)
                    if items is not None:
                        if changes is None:
                            changes = {}
                        changes[name] = items
            if changes is not None:
                updated = current.with_changes(**changes)
        return updated if leave is None else leave(current, updated)

    return walk(node)


def _single(old: cst.CSTNode, new: Any, mode: int) -> Any:
    """What a single-node field becomes (LibCST's visit_required/optional/sentinel)."""
    if isinstance(new, cst.RemovalSentinel):
        if mode == _OPTIONAL:
            return None
        if mode == _SENTINEL:
            return cst.MaybeSentinel.DEFAULT
        raise TypeError(
            f"We got a RemovalSentinel while visiting a {type(old).__name__}. This node's "
            "parent does not allow it to be removed."
        )
    if isinstance(new, cst.FlattenSentinel):
        raise TypeError(
            f"We got a FlattenSentinel while visiting a {type(old).__name__}. This node's "
            "parent does not allow for it to be it to be replaced with a sequence."
        )
    return new


def _sequence(
    children: Any, walk: Callable[[cst.CSTNode], Any], inert: frozenset[type], body: bool
) -> tuple[Any, ...] | None:
    """The new children of a sequence field, or None when every child came back as it was."""
    out: list[Any] | None = None
    for index, child in enumerate(children):
        if not isinstance(child, cst.CSTNode) or type(child) in inert:
            if out is not None:
                out.append(child)
            continue
        new = walk(child)
        if new is child:
            if out is not None:
                out.append(child)
            continue
        if out is None:
            out = list(children[:index])
        if isinstance(new, cst.RemovalSentinel):
            continue
        if isinstance(new, cst.FlattenSentinel):
            for item in new:
                if not (body and not child._is_removable() and item._is_removable()):
                    out.append(item)
        elif not (body and not child._is_removable() and new._is_removable()):
            out.append(new)
    return None if out is None else tuple(out)
