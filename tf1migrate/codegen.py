"""`module.code`, a third cheaper: LibCST's code generation without its per-node generator.

Every node's `_codegen_impl` enters `state.record_syntactic_position(...)`, which in
LibCST's `CodegenState` is a `@contextmanager` generator (created, started and closed for
each node) that does nothing unless positions are recorded. This state returns one shared
no-op context instead; the tokens, and so the text, are LibCST's own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import libcst as cst
from libcst._nodes.internal import CodegenState

_NOTHING = nullcontext()


class _State(CodegenState):
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return _NOTHING


def module_code(module: cst.Module) -> str:
    """Exactly `module.code`."""
    state = _State(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return "".join(state.tokens)
