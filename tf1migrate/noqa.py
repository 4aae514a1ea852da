"""Inline suppression: `# tf1migrate: noqa` and `# tf1migrate: noqa: TFM403,TFM404` on a line.

A bare comment silences every rule on its line, a list only those rules (ids or prefixes,
as `--ignore` takes them): no finding is reported there and no rewrite touches a node
that starts there. On a `def` line it also keeps the wrapper class from being generated.
The comments are read from the tree being rewritten, never from line numbers computed
elsewhere, so the engine's second (idempotence) run agrees with the first.

Files without the word `noqa` pay nothing: `for_tree` returns None before any work.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import libcst as cst

from tf1migrate.types import Finding

_CODES = r"[A-Za-z]+\d+(?:(?:\s*,\s*|\s+)[A-Za-z]+\d+)*"
_COMMENT = re.compile(rf"#\s*tf1migrate\s*:\s*noqa\b(?:\s*:\s*(?P<codes>{_CODES}))?")
#: flake8's form (noqa, a colon, codes) counts too, for the TFM codes it names; a bare
#: noqa is for linters and leaves migrations alone.
_FLAKE8 = re.compile(rf"#\s*noqa\s*:\s*(?P<codes>{_CODES})", re.IGNORECASE)
ALL = None  # a bare `noqa`: every rule


def parse_comment(comment: str) -> tuple[bool, frozenset[str] | None]:
    """(is a tf1migrate noqa, the rules it names or None for all) for one comment's text."""
    match = _COMMENT.search(comment)
    if match is not None:
        codes = match.group("codes")
        return True, ALL if not codes else frozenset(_split(codes))
    flake8 = _FLAKE8.search(comment)
    ours = (
        frozenset(c for c in _split(flake8.group("codes")) if c.startswith("TFM")) if flake8 else ()
    )
    return (True, ours) if ours else (False, None)


def _split(codes: str) -> list[str]:
    return [code.upper() for code in re.split(r"[\s,]+", codes.strip()) if code]


def suppressed_lines(source: str) -> dict[int, frozenset[str] | None]:
    """1-based line -> rules silenced there (None: all), from the comments of `source`."""
    if "noqa" not in source:
        return {}
    lines: dict[int, frozenset[str] | None] = {}
    try:
        comments = [
            (token.start[0], token.string)
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):  # notebook masks, odd input: per-line fallback
        comments = [
            (n, line[line.index("#") :])
            for n, line in enumerate(source.splitlines(), 1)
            if "#" in line
        ]
    for line, text in comments:
        found, codes = parse_comment(text)
        if found:
            lines[line] = _merge(lines.get(line, frozenset()), codes) if line in lines else codes
    return lines


def _merge(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b


def covers(codes: frozenset[str] | None, rule: str) -> bool:
    """Whether a line's suppression applies to `rule` (exact id or prefix, like --ignore)."""
    if codes is None:
        return True
    return bool(rule) and any(rule.upper().startswith(code) for code in codes)


def filter_findings(
    findings: Iterable[Finding], lines: Mapping[int, frozenset[str] | None]
) -> list[Finding]:
    """The findings no comment on their line silences."""
    if not lines:
        return list(findings)
    return [f for f in findings if f.line not in lines or not covers(lines[f.line], f.rule)]


@dataclass
class TreeSuppressions:
    """Which nodes of one tree start on a silenced line, for the rewrite walk."""

    lines: dict[int, frozenset[str] | None]
    starts: dict[int, tuple[int, int]]  # id(node) -> (line, col) in this tree

    def muted(self, node: cst.CSTNode, rule: str) -> bool:
        """No rewrite by `rule` (an empty id is silenced only by a bare noqa) of `node`."""
        start = self.starts.get(id(node))
        if start is None or start[0] not in self.lines:
            return False
        return covers(self.lines[start[0]], rule)


def for_tree(tree: cst.Module, code: str | None = None) -> TreeSuppressions | None:
    """The suppressions of `tree` (whose source text is `code` when known), or None."""
    code = tree.code if code is None else code
    lines = suppressed_lines(code)
    if not lines:
        return None
    from tf1migrate.rules_impl.positions import node_starts

    return TreeSuppressions(lines, node_starts(tree, _all_nodes(tree)))


def _all_nodes(tree: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    return out


def def_line_muted(tree: cst.Module, function: cst.FunctionDef | cst.ClassDef, rule: str) -> bool:
    """A noqa comment anywhere on the `def` line(s), from `def` to its colon, covers `rule`."""
    trailing = function.body.header if isinstance(function.body, cst.IndentedBlock) else None
    suite = cst.SimpleStatementSuite(body=[cst.Pass()])
    if trailing is not None:
        suite = suite.with_changes(trailing_whitespace=trailing)
    header = function.with_changes(body=suite, decorators=(), leading_lines=())
    text = tree.code_for_node(header)
    return any(covers(codes, rule) for codes in suppressed_lines(text).values())
