"""Collect the TensorFlow API names a source file uses, resolving its import aliases.

Used to prove that fixture code (training scripts included, which are never run) only
names things that exist in the TF 1.x API. Deliberately small: module-level imports,
attribute chains on the aliases, and functions that rebind an alias (a parameter or local
named ``tf``) are skipped, as are ``try:`` bodies (fallbacks for older TF versions).
``tf.contrib`` is not checkable on TF2 and is left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

def _tf_path(module: str) -> str | None:
    """``tensorflow.compat.v1`` -> ``compat.v1``; ``tensorflow`` -> ``""``; others -> None."""
    if module == "tensorflow":
        return ""
    if module.startswith("tensorflow."):
        return module[len("tensorflow.") :]
    return None


def import_aliases(tree: ast.Module) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """Local name -> path in tf.compat.v1, plus the imported paths themselves (with lines)."""
    aliases: dict[str, str] = {}
    imported: list[tuple[str, int]] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                path = _tf_path(alias.name)
                if path is not None and alias.asname:
                    aliases[alias.asname] = path
                    imported.append((path, node.lineno))
                elif path is not None:
                    aliases[alias.name.split(".")[0]] = ""
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            base = _tf_path(node.module)
            if base is None:
                continue
            for alias in node.names:
                path = f"{base}.{alias.name}" if base else alias.name
                aliases[alias.asname or alias.name] = path
                imported.append((path, node.lineno))
    return aliases, imported


def _bound_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    args = function.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    body = function.body if isinstance(function.body, list) else [function.body]
    for node in (n for statement in body for n in ast.walk(statement)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _dotted(node: ast.Attribute) -> tuple[str, str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return node.id, ".".join(reversed(parts))


class _Collector(ast.NodeVisitor):
    def __init__(self, aliases: dict[str, str]):
        self.aliases = aliases
        self.shadowed: list[set[str]] = [set()]
        self.found: list[tuple[str, int]] = []

    def _visit_function(self, node):
        self.shadowed.append(self.shadowed[-1] | (_bound_names(node) & set(self.aliases)))
        self.generic_visit(node)
        self.shadowed.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_Try(self, node: ast.Try):
        for part in (node.handlers, node.orelse, node.finalbody):
            for child in part:
                self.visit(child)

    def visit_Attribute(self, node: ast.Attribute):
        dotted = _dotted(node)
        if dotted and dotted[0] in self.aliases and dotted[0] not in self.shadowed[-1]:
            base = self.aliases[dotted[0]]
            self.found.append((f"{base}.{dotted[1]}" if base else dotted[1], node.lineno))
            return  # the longest chain only
        self.generic_visit(node)


def tf_names(source: bytes | str) -> Iterator[tuple[str, int]]:
    """(path inside tf.compat.v1, line) for every TensorFlow name the source uses."""
    tree = ast.parse(source)
    aliases, imported = import_aliases(tree)
    collector = _Collector(aliases)
    collector.visit(tree)
    for path, line in (*imported, *collector.found):
        if path.split(".")[0] != "contrib":
            yield path, line
