"""Give the placeholders of a class wrapped as a whole their feed keys (a LibCST rewrite).

A model class that makes its own inputs (`self.input_x = tf.placeholder(...)` in
`__init__`) is wrapped by a layer whose call builds the object inside
`tf1compat.feed_placeholders({...})`. Each such placeholder becomes
`tf1compat.placeholder(<same arguments>, feed="<key>")`: the key is the name it is assigned
to (`tf1migrate.classflow.placeholder_key`; `_key` below is the same rule on LibCST nodes).
Outside a feeding block `tf1compat.placeholder` is `tf.compat.v1.placeholder` itself, so the
original training script still builds its graph and feeds it through a Session.

The plan says which placeholders to rewrite, per module: `(method qualname, key)` pairs.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate.resolve import Resolver, canonical_tf1_name

RUNTIME = {
    "tf.placeholder": "placeholder",
    "tf.placeholder_with_default": "placeholder_with_default",
}


def rewrite_feeds(
    tree: cst.Module, wanted: Iterable[tuple[str, str]], resolver: Resolver
) -> tuple[cst.Module, int]:
    """`tree` with the wanted placeholders fed by key, and how many were rewritten."""
    pairs = set(wanted)
    if not pairs:
        return tree, 0
    rewriter = _FeedRewriter(pairs, resolver)
    return tree.visit(rewriter), rewriter.count


class _FeedRewriter(cst.CSTTransformer):
    def __init__(self, wanted: set[tuple[str, str]], resolver: Resolver) -> None:
        self.wanted = wanted
        self.methods = {method for method, _ in wanted}
        self.resolver = resolver
        self.stack: list[str] = []
        self.count = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.stack.append(node.name.value)
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.stack.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.stack.append(node.name.value)
        return ".".join(self.stack) in self.methods or len(self.stack) < 2

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.stack.pop()
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        method = ".".join(self.stack)
        if method not in self.methods or not isinstance(updated.value, cst.Call):
            return updated
        call = updated.value
        symbol = self._symbol(call.func)
        if symbol not in RUNTIME or any(
            arg.keyword is not None and arg.keyword.value == "feed" for arg in call.args
        ):
            return updated
        key = _key([target.target for target in updated.targets])
        if key is None or (method, key) not in self.wanted:
            return updated
        self.count += 1
        func = cst.Attribute(cst.Name("tf1compat"), cst.Name(RUNTIME[symbol]))
        args = list(call.args)
        feed = cst.Arg(
            cst.SimpleString(f'"{key}"'),
            keyword=cst.Name("feed"),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        last = args[-1].comma if args else cst.MaybeSentinel.DEFAULT
        if isinstance(last, cst.Comma) and "\n" in _code(last):
            # one argument per line with a trailing comma: the key goes on a line of its own
            between = args[-2].comma if len(args) > 1 else last
            assert isinstance(between, cst.Comma)
            args[-1] = args[-1].with_changes(comma=between)
            feed = feed.with_changes(comma=last)
        elif args:
            args[-1] = args[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        return updated.with_changes(value=call.with_changes(func=func, args=[*args, feed]))

    def _symbol(self, func: cst.BaseExpression) -> str | None:
        dotted = get_full_name_for_node(func)
        if dotted is None:
            return None
        qualname = self.resolver.qualify_dotted(dotted, frozenset())
        return canonical_tf1_name(qualname) if qualname else None


def _key(targets: list[cst.BaseAssignTargetExpression]) -> str | None:
    """`tf1migrate.classflow.placeholder_key` on LibCST targets."""
    for target in targets:
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
        ):
            return target.attr.value
    for target in targets:
        if isinstance(target, cst.Name):
            return target.value
    return None


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)
