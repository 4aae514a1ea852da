"""TFM104: drop `tf.disable_v2_behavior()` / `tf.disable_eager_execution()` statements.

TF1 scripts call them (often at import time) to run on TF2 in graph mode. In a migrated
file they switch the whole process back to graph mode, and the generated layers, which
must run eagerly, break. The statement is removed and a comment line left in its place so
the change is visible in the diff; comments around it are kept. Only expression
statements are touched: a call whose value is used is left alone (and still renamed).

The calls are noted during the single walk; the statements are removed in `finish` by a
second, small pass that only runs when a file has such a call.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf1migrate.rules_impl.base import TF, V1, Context, Example, Rule, call_symbol
from tf1migrate.types import Severity
from tf1migrate.walk import INERT, methods_of, transform

RULE = "TFM104"
GRAPH_MODE_SWITCHES = frozenset({"tf.disable_v2_behavior", "tf.disable_eager_execution"})


class GraphModeSwitches(Rule):
    id = RULE
    name = "graph-mode-switch"
    summary = "`tf.disable_v2_behavior()` / `tf.disable_eager_execution()` statements are removed."
    why = (
        "They switch the whole process to graph mode, often at import time, and the migrated "
        "layers must run eagerly. A comment line is left where the call was."
    )
    order = 90  # after every other leave_call, so it sees the final call
    VALID = (
        TF + "tf.enable_eager_execution()\n",
        TF + "switch = tf.compat.v1.disable_v2_behavior\n",
        "import mylib as tf\ntf.disable_v2_behavior()\n",
    )
    INVALID = (
        Example(
            V1 + "\ntf.disable_v2_behavior()\n\n\ndef f(x):\n    return x\n",
            V1 + "\n# tf1migrate: removed tf.disable_v2_behavior() (TF2 runs eagerly)\n"
            "\n\ndef f(x):\n    return x\n",
        ),
        Example(
            TF + "if __name__ == '__main__':\n    # graph mode\n"
            "    tf.compat.v1.disable_eager_execution()  # for the old code\n    main()\n",
            TF + "if __name__ == '__main__':\n    # graph mode\n"
            "    # tf1migrate: removed tf.disable_eager_execution() (TF2 runs eagerly)\n"
            "    # for the old code\n    main()\n",
        ),
        Example(
            TF + "def setup():\n    tf.disable_v2_behavior()\n",
            TF + "def setup():\n"
            "    # tf1migrate: removed tf.disable_v2_behavior() (TF2 runs eagerly)\n"
            "    pass\n",
        ),
    )

    def __init__(self) -> None:
        self._calls: dict[int, str] = {}  # id(updated call) -> the TF1 symbol it calls

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        if original.args or not ctx.enabled(RULE):
            return updated
        found = call_symbol(ctx, original)
        if found is not None and found[1] in GRAPH_MODE_SWITCHES:
            self._calls[id(updated)] = found[1]
            ctx.report(
                original,
                RULE,
                f"removed {found[1]}(): it switches the whole process to graph mode, and "
                "the migrated layers must run eagerly; code that still needs a Session or "
                "placeholders is reported on its own (TFM401, TFM402)",
                Severity.INFO,
                behaviour_change=True,
            )
        return updated

    def finish(self, ctx: Context, module: cst.Module) -> cst.Module:
        if not self._calls:
            return module
        remover = _RemoveStatements(self._calls)
        result = transform(module, methods_of(remover), INERT)
        ctx.count += remover.removed  # the rewrites made here (ctx.changed() once each)
        return result


class _RemoveStatements:
    """Drops the expression statements calling a noted switch, leaving a comment line."""

    def __init__(self, calls: dict[int, str]) -> None:
        self.calls = calls
        self.removed = 0

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        before = self.removed
        body, carried = self._strip(original_node.body, updated_node.body)
        if self.removed == before:
            return updated_node  # no switch at this level: the statements are as they were
        if carried:
            return updated_node.with_changes(body=body, footer=[*carried, *updated_node.footer])
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        before = self.removed
        body, carried = self._strip(original_node.body, updated_node.body)
        if self.removed == before:
            return updated_node
        if not body:  # a block cannot be empty: the comments go above a `pass`
            body = [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)]
            carried = []
        return updated_node.with_changes(body=body, footer=[*carried, *updated_node.footer])

    def _strip(
        self, originals: Sequence[cst.BaseStatement], statements: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """The statements without the switches; comments of a removed statement move to
        the next one (returned when none follows). Calls are recognised in `originals`
        (the ids noted are those of the tree this pass walks)."""
        kept: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for original, statement in zip(originals, statements, strict=True):
            symbols = self._switches_in(original)
            if not symbols:
                if carried:
                    statement = statement.with_changes(
                        leading_lines=[*carried, *statement.leading_lines]
                    )
                    carried = []
                kept.append(statement)
                continue
            assert isinstance(statement, cst.SimpleStatementLine)
            self.removed += len(symbols)
            marker = [_comment(f"# tf1migrate: removed {s}() (TF2 runs eagerly)") for s in symbols]
            trailing = statement.trailing_whitespace.comment
            if trailing is not None:
                marker.append(_comment(trailing.value))
            assert isinstance(original, cst.SimpleStatementLine)
            rest = [
                small
                for small, was in zip(statement.body, original.body, strict=True)
                if not self._is_switch(was)
            ]
            if rest:
                kept.append(
                    statement.with_changes(
                        body=_without_last_semicolon(rest),
                        leading_lines=[*carried, *statement.leading_lines, *marker],
                    )
                )
                carried = []
            else:
                carried = [*carried, *statement.leading_lines, *marker]
        return kept, carried

    def _switches_in(self, statement: cst.BaseStatement) -> list[str]:
        if not isinstance(statement, cst.SimpleStatementLine):
            return []
        return [self.calls[id(small.value)] for small in statement.body if self._is_switch(small)]

    def _is_switch(self, small: cst.BaseSmallStatement) -> bool:
        return isinstance(small, cst.Expr) and id(small.value) in self.calls


def _comment(text: str) -> cst.EmptyLine:
    return cst.EmptyLine(indent=True, comment=cst.Comment(text))


def _without_last_semicolon(
    body: list[cst.BaseSmallStatement],
) -> list[cst.BaseSmallStatement]:
    last = body[-1]
    if isinstance(getattr(last, "semicolon", None), cst.Semicolon):
        body[-1] = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return body
