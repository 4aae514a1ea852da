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
import inspect
import sys
import typing
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

#: Punctuation, whitespace and plain literals: nothing inside them is a name any rule sees,
#: so the upgrade walk does not descend into them (their own parentheses and spaces included).
INERT: frozenset[type[cst.CSTNode]] = frozenset(
    {
        cst.SimpleWhitespace,
        cst.ParenthesizedWhitespace,
        cst.TrailingWhitespace,
        cst.EmptyLine,
        cst.Newline,
        cst.Comment,
        cst.Comma,
        cst.Dot,
        cst.Colon,
        cst.Semicolon,
        cst.AssignEqual,
        cst.LeftParen,
        cst.RightParen,
        cst.LeftSquareBracket,
        cst.RightSquareBracket,
        cst.LeftCurlyBrace,
        cst.RightCurlyBrace,
        cst.SimpleString,
        cst.Integer,
        cst.Float,
        cst.Imaginary,
        cst.Ellipsis,
        cst.ImportStar,
        *(
            op
            for op in vars(cst).values()
            if isinstance(op, type)
            and issubclass(
                op,
                (
                    cst.BaseBinaryOp,
                    cst.BaseBooleanOp,
                    cst.BaseCompOp,
                    cst.BaseUnaryOp,
                    cst.BaseAugOp,
                ),
            )
        ),
    }
)


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


def _node_classes(hint: Any) -> set[type] | None:
    """The CSTNode classes a field's annotation allows (None: not understood)."""
    if isinstance(hint, type):
        return {hint} if issubclass(hint, cst.CSTNode) else set()
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return set()
    arguments = typing.get_args(hint)
    if origin is None or not arguments:
        return None
    found: set[type] = set()
    for argument in arguments:
        classes = _node_classes(argument)
        if classes is None:
            return None
        found |= classes
    return found


def _only_inert(classes: set[type], inert: frozenset[type]) -> bool:
    """Every concrete node class a field may hold is inert (so the field is never walked)."""
    work = list(classes)
    seen: set[type] = set()
    while work:
        kind = work.pop()
        if kind in seen:
            continue
        seen.add(kind)
        # LibCST's `add_slots` replaces each node class by a slotted copy; the original
        # stays behind as a subclass nothing instantiates (its module names the copy)
        live = getattr(sys.modules.get(kind.__module__), kind.__name__, None) is kind
        if live and not inspect.isabstract(kind) and kind not in inert:
            return False
        work.extend(kind.__subclasses__())
    return True


_LIVE: dict[tuple[type, frozenset[type]], tuple[tuple[str, int, bool], ...]] = {}


def live_fields(node: cst.CSTNode, inert: frozenset[type]) -> tuple[tuple[str, int, bool], ...]:
    """`child_fields` without the fields whose annotation allows only `inert` nodes
    (whitespace, parentheses, commas...): they are not even read."""
    key = (type(node), inert)
    known = _LIVE.get(key)
    if known is not None:
        return known
    fields = child_fields(node)
    try:
        hints = typing.get_type_hints(type(node))
    except Exception:  # noqa: BLE001 - an annotation we cannot resolve: keep every field
        hints = {}
    kept = []
    for field in fields:
        classes = _node_classes(hints[field[0]]) if field[0] in hints else None
        if classes is None or not _only_inert(classes, inert):
            kept.append(field)
    _LIVE[key] = made = tuple(kept)
    return made


#: type -> 1 for a node, 2 for a sequence, 0 for anything else (`isinstance(x, CSTNode)`
#: goes through ABCMeta, which was a tenth of the walk)
_CATEGORY: dict[type, int] = {}


def _category(kind: type) -> int:
    found = _CATEGORY.get(kind)
    if found is None:
        found = _CATEGORY[kind] = (
            1 if issubclass(kind, cst.CSTNode) else 2 if issubclass(kind, (tuple, list)) else 0
        )
    return found


def methods_of(owner: object) -> Hooks:
    """`hooks` for an object with LibCST-style `visit_<Type>` / `leave_<Type>` methods.

    Methods LibCST's visitor base classes define for every type (no-ops) do not count:
    a type without a hook of the owner's own costs no call.
    """

    def hooks(kind: type) -> tuple[Visit | None, Leave | None]:
        found = []
        for prefix in ("visit_", "leave_"):
            name = prefix + kind.__name__
            method = getattr(owner, name, None)
            defined = next((k for k in type(owner).__mro__ if name in vars(k)), None)
            if defined is not None and defined.__module__.startswith("libcst."):
                method = None
            found.append(method)
        return found[0], found[1]

    return hooks


def visit(node: cst.CSTNode, visitor: object, inert: frozenset[type] = INERT) -> None:
    """`node.visit(visitor)` for a read-only visitor (`visit_<Type>` returning False skips
    the children; `leave_<Type>` is called and its result ignored): nothing is rebuilt."""
    own = methods_of(visitor)

    def hooks(kind: type) -> tuple[Visit | None, Leave | None]:
        before, after = own(kind)
        if after is None:
            return before, None

        def leave(original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
            after(original)  # type: ignore[call-arg]
            return original

        return before, leave

    transform(node, hooks, inert)


def transform(node: cst.CSTNode, hooks: Hooks, inert: frozenset[type] = frozenset()) -> Any:
    """`node.visit(...)` with the hooks `hooks` gives per type, rebuilding only changes."""
    plans: dict[type, tuple[Visit | None, Leave | None, tuple[tuple[str, int, bool], ...]]] = {}
    category = _CATEGORY

    def walk(current: cst.CSTNode) -> Any:
        kind = type(current)
        plan = plans.get(kind)
        if plan is None:
            plan = plans[kind] = (*hooks(kind), live_fields(current, inert))
        visit, leave, fields = plan
        updated = current
        if visit is None or visit(current) is not False:
            changes: dict[str, Any] | None = None
            for name, mode, body in fields:
                value = getattr(current, name)
                value_kind = type(value)
                found = category.get(value_kind)
                if found is None:
                    found = _category(value_kind)
                if found == 1:
                    if value_kind in inert:
                        continue
                    new = walk(value)
                    if new is value:
                        continue
                    if changes is None:
                        changes = {}
                    changes[name] = _single(value, new, mode)
                elif found == 2 and value:
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
        if type(child) in inert:
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
