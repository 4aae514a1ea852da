"""Engine follow-up of every rule: drop a `tf.contrib` import whose every use was migrated.

`from tensorflow.contrib import rnn` fails at import time in TF2 even if nothing uses it
any more, so once each `rnn.LSTMCell` became `tf1compat.nn.rnn_cell.LSTMCell` the import
must go. Imports still used (an unmapped `rnn.LayerNormBasicLSTMCell`) stay, and those
uses are reported (TFM403). Unused contrib imports are left alone: nothing we did made
them dead.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.names import head_name, longest_prefix
from tf1migrate.types import Severity

CONTRIB = "tensorflow.contrib"


class DeadContribImports(Rule):
    """Runs after every rule (not a rule: it has no id; whichever rule migrated the uses)."""

    def __init__(self) -> None:
        self._uses: dict[str, int] = {}
        self._migrated: dict[str, int] = {}
        self._rules: dict[str, str] = {}  # local -> the rule that migrated its uses

    def inspect_reference(self, ctx: Context, ref: Reference, *, migrated: bool) -> None:
        local = head_name(ref.original)
        if local is None or not _is_contrib(ctx.resolver.tf_aliases.get(local, "")):
            return
        self._uses[local] = self._uses.get(local, 0) + 1
        if migrated:
            self._migrated[local] = self._migrated.get(local, 0) + 1
            hit = longest_prefix(ref.symbol, ctx.rules.layer_map)
            self._rules.setdefault(local, hit[1].rule if hit else "TFM101")

    def finish(self, ctx: Context, module: cst.Module) -> cst.Module:
        dead = {local for local, uses in self._uses.items() if self._migrated.get(local) == uses}
        if not dead:
            return module
        remover = _RemoveImports(dead)
        module = module.visit(remover)
        ctx.count += remover.removed
        for line in remover.lines:
            ctx.report(
                line,
                self._rules.get(next(iter(dead)), "TFM202"),
                "removed the tf.contrib import its migrated uses no longer need (TF2 has no "
                "tf.contrib, so it would fail at import time)",
                Severity.INFO,
                behaviour_change=True,
            )
        return module


def _is_contrib(qualname: str) -> bool:
    return qualname == CONTRIB or qualname.startswith(CONTRIB + ".")


class _RemoveImports(cst.CSTTransformer):
    """Remove the aliases binding `locals_` from contrib imports (the line if it empties)."""

    def __init__(self, locals_: set[str]) -> None:
        super().__init__()
        self.locals = locals_
        self.removed = 0
        self.lines: list[cst.SimpleStatementLine] = []  # ORIGINAL lines that lost an import

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if len(updated_node.body) != 1:
            return updated_node
        statement = updated_node.body[0]
        if isinstance(statement, cst.ImportFrom) and not statement.relative:
            module = get_full_name_for_node(statement.module) if statement.module else ""
            if not _is_contrib(module or "") or isinstance(statement.names, cst.ImportStar):
                return updated_node
        elif not isinstance(statement, cst.Import):
            return updated_node
        names = statement.names
        assert not isinstance(names, cst.ImportStar)
        kept = [alias for alias in names if not self._dead(alias, statement)]
        if len(kept) == len(names):
            return updated_node
        self.removed += len(names) - len(kept)
        self.lines.append(original_node)
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=[statement.with_changes(names=kept)])

    def _dead(self, alias: cst.ImportAlias, statement: cst.Import | cst.ImportFrom) -> bool:
        dotted = get_full_name_for_node(alias.name) or ""
        local = (
            alias.asname.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
            else dotted.split(".")[0]
        )
        if isinstance(statement, cst.Import) and not _is_contrib(dotted):
            return False  # `import tensorflow` binds more than contrib
        return local in self.locals
