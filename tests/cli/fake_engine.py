"""A tiny stand-in for the real engine, with the same interface, for pipeline tests.

It knows just enough to exercise the runner: summaries list the functions that call
`tf.get_variable` and the names each function calls; a root is such a function that no
other variable-creating function in the project calls; `tf.layers.X` becomes
`tf1compat.layers.X`; `tf.Session` gives a TFM401 finding. Every call is appended to the
file named by $TF1MIGRATE_FAKE_CALLS, so tests can count parses across processes.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
from dataclasses import dataclass

from tf1migrate.types import (
    Finding,
    GeneratedLayer,
    InternalCheckError,
    Options,
    ParseFailure,
    Severity,
    SourceResult,
)


@dataclass(frozen=True)
class ModuleSummary:
    module: str
    creators: tuple[str, ...]
    calls: tuple[str, ...]


@dataclass(frozen=True)
class ProjectIndex:
    roots: frozenset[str]

    @classmethod
    def from_summaries(cls, summaries, options: Options, rules=None) -> "ProjectIndex":
        creators = {f"{s.module}.{name}": name for s in summaries for name in s.creators}
        called = {c for s in summaries for c in s.calls}
        return cls(frozenset(q for q, name in creators.items() if name not in called))


def _record(kind: str, path: str) -> None:
    target = os.environ.get("TF1MIGRATE_FAKE_CALLS")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"{kind} {path}\n")


def _parse(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        python2 = bool(re.search(r"^\s*print\s+[\"'\w]|except\s+\w+\s*,\s*\w+\s*:", source, re.M))
        raise ParseFailure(exc.msg, exc.lineno or 1, (exc.offset or 1) - 1, python2) from None


def link(summaries, options: Options, rules) -> ProjectIndex:
    return ProjectIndex.from_summaries(summaries, options, rules)


def view(project: ProjectIndex, module: str) -> ProjectIndex:
    return project  # every file's result depends on the whole (tiny) index


def triage(source: str, *, summary, view, path: str, options: Options, rules) -> None:
    return None  # the fake rewrites every file


def learn(code: str, fixpoint, *, after, path: str, options: Options) -> None:
    return None  # the fake never proves its output a fixpoint


def load_rule_packs(extra=()) -> dict:
    for pack in extra:
        if "bad" in os.path.basename(pack):
            raise ValueError(f"{pack}: [layers] must be a table")
    return {"packs": tuple(extra)}


def summarize_module(source: str, *, module: str, path: str, rules, tree=None) -> ModuleSummary:
    _record("summarize", path)
    tree = _parse(source)
    creators, calls = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
            names = [ast.unparse(c.func) for c in inner]
            if any(n.endswith("get_variable") for n in names):
                creators.append(node.name)
            calls.extend(n.split(".")[-1] for n in names if not n.endswith("get_variable"))
    return ModuleSummary(module, tuple(sorted(creators)), tuple(sorted(set(calls))))


def migrate_source(source: str, *, path: str, module: str, project: ProjectIndex, options: Options,
                   rules=None, learn: bool = False) -> SourceResult:
    _record("migrate", path)
    tree = _parse(source)
    if "FAKE_INTERNAL_ERROR" in source:
        raise InternalCheckError("rewrite is not idempotent", ["TFM201"])
    if "FAKE_WORKER_CRASH" in source and multiprocessing.parent_process() is not None:
        os._exit(70)  # dies like a segfault would: no exception, no cleanup
    if "FAKE_BAD_OUTPUT" in source:
        return SourceResult(source + "\ndef broken(:\n")
    findings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and ast.unparse(node) == "tf.Session":
            findings.append(Finding(path, node.lineno, node.col_offset, "TFM401", "tf.Session needs a human", Severity.WARNING))
    code, upgrades = re.subn(r"\btf\.layers\.", "tf1compat.layers.", source)
    if "TFM201" in options.ignore:
        code, upgrades = source, 0
    layers = []
    for node in tree.body:
        qual = f"{module}.{getattr(node, 'name', '')}"
        if isinstance(node, ast.FunctionDef) and qual in project.roots:
            marker = f"# wrapped by tf1migrate: {node.name}"
            if marker not in code:
                code = code.rstrip("\n") + f"\n{marker}\n"
            layers.append(GeneratedLayer(f"{node.name.title()}Layer", node.name, node.lineno, "tf.keras.layers.Layer"))
    debt = len(re.findall(r"\btf\.(?:Session|placeholder)\b", code))
    return SourceResult(code, tuple(findings), tuple(layers), upgrades, debt)
