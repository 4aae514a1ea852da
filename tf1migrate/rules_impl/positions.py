"""Line and column of a few nodes, for the price of one code generation.

LibCST's PositionProvider records a range for every node of the module (about two parses
of work); findings need the start of a handful. This codegen state counts lines and
columns as tokens are emitted and keeps only the starts of the nodes asked for, using the
same syntactic start PositionProvider would report.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

_NOTHING = nullcontext()  # see tf1migrate.codegen


@dataclass
class _StartRecorder(CodegenState):
    wanted: frozenset[int] = frozenset()
    line: int = 1
    column: int = 0
    starts: dict[int, tuple[int, int]] = field(default_factory=dict)
    _syntactic: set[int] = field(default_factory=set)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        newline = value.rfind("\n")
        if newline < 0:
            self.column += len(value)
        else:
            self.line += value.count("\n")
            self.column = len(value) - newline - 1

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted and key not in self.starts:  # whitespace-inclusive fallback
            self.starts[key] = (self.line, self.column)

    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        # the start is where the `with` is entered, i.e. now: no generator per node needed
        key = id(node)
        if key in self.wanted and key not in self._syntactic:
            self._syntactic.add(key)
            self.starts[key] = (self.line, self.column)
        return _NOTHING


def node_starts(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, tuple[int, int]]:
    """id(node) -> (1-based line, 0-based column) for each of `nodes` found in `module`."""
    state = _StartRecorder(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        wanted=frozenset(id(node) for node in nodes),
    )
    module._codegen(state)
    return state.starts
