"""Engine follow-up of every rule: drop a `tf.contrib` import whose every use was migrated.

`from tensorflow.contrib import rnn` fails at import time in TF2 even if nothing uses it
any more, so once each `rnn.LSTMCell` became `tf1compat.nn.rnn_cell.LSTMCell` the import
must go. Imports still used (an unmapped `seq2seq.BahdanauAttention`) stay, and those
uses are reported (TFM403). A contrib import that nothing uses at all goes too (under
TFM203): it is the same crash at import time, with nothing to migrate.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate.rules_impl.base import Context, Reference, Rule
from tf1migrate.rules_impl.imports import import_lines
from tf1migrate.rules_impl.names import head_name, longest_prefix
from tf1migrate.types import Severity
from tf1migrate.walk import INERT, methods_of, transform

CONTRIB = "tensorflow.contrib"
UNUSED_RULE = "TFM203"  # the tf.contrib rule owns removing what nothing uses


class DeadContribImports(Rule):
    """Runs after every rule (not a rule: it has no id; whichever rule migrated the uses)."""

    def __init__(self) -> None:
        self._uses: dict[str, int] = {}
        self._migrated: dict[str, int] = {}
        self._rules: dict[str, str] = {}  # local -> the rule that migrated its uses
        self._original: cst.Module | None = None

    def prepare(self, ctx: Context, module: cst.Module) -> None:
        self._original = module  # findings must point into the original tree

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
        if ctx.enabled(UNUSED_RULE):
            for local, qualname in ctx.resolver.tf_aliases.items():
                if _is_contrib(qualname) and local not in self._uses:
                    if local not in ctx.repointed_locals:
                        dead.add(local)
                        self._rules.setdefault(local, UNUSED_RULE)
        bare = ctx.enabled(UNUSED_RULE)  # `import tensorflow.contrib.x` -> `import tensorflow`
        if not dead and not bare:
            return module
        remover = _RemoveImports(dead, bare=bare)
        module = transform(module, methods_of(remover), INERT)
        ctx.count += remover.removed
        for line, local in remover.lines:
            if local == "tensorflow":
                rule, message = UNUSED_RULE, "`import tensorflow.contrib...` became `import tensorflow`"
            elif local in self._uses:
                rule, message = self._rules.get(local, "TFM202"), (
                    f"removed the tf.contrib import of `{local}`: its migrated uses no longer need it"
                )
            else:
                rule, message = UNUSED_RULE, f"removed the unused tf.contrib import of `{local}`"
            ctx.report(
                self._original_line(line, local),
                rule,
                f"{message} (TF2 has no tf.contrib, so it would fail at import time)",
                Severity.INFO,
                behaviour_change=True,
            )
        return module


    def _original_line(self, line: cst.SimpleStatementLine, local: str) -> cst.CSTNode:
        """The ORIGINAL import line binding `local` (the walk rebuilt `line`'s tree)."""
        if self._original is not None:
            for candidate in import_lines(self._original.body):
                statement = candidate.body[0]
                names = getattr(statement, "names", ())
                if isinstance(names, cst.ImportStar):
                    continue
                for alias in names:
                    dotted = get_full_name_for_node(alias.name) or ""
                    if _local(alias) == local and (local != "tensorflow" or _is_contrib(dotted)):
                        return candidate
        return line


def _is_contrib(qualname: str) -> bool:
    return qualname == CONTRIB or qualname.startswith(CONTRIB + ".")


class _RemoveImports(cst.CSTTransformer):
    """Remove the aliases binding `locals_` from contrib imports (the line if it empties)."""

    def __init__(self, locals_: set[str], *, bare: bool = False) -> None:
        super().__init__()
        self.locals = locals_
        self.bare = bare
        self.removed = 0
        # ORIGINAL lines that lost an import, with a local they no longer bind
        self.lines: list[tuple[cst.SimpleStatementLine, str]] = []

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
        if isinstance(statement, cst.Import) and self.bare and any(map(_bare_contrib, names)):
            # binds `tensorflow` (still used, maybe) but fails at import time on TF2
            names = [
                a.with_changes(name=cst.Name("tensorflow")) if _bare_contrib(a) else a
                for a in names
            ]
            updated_node = updated_node.with_changes(body=[statement.with_changes(names=names)])
            statement = updated_node.body[0]
            self.removed += 1
            self.lines.append((original_node, "tensorflow"))
        kept = [alias for alias in names if not self._dead(alias, statement)]
        if len(kept) == len(names):
            return updated_node
        self.removed += len(names) - len(kept)
        gone = next(_local(alias) for alias in names if self._dead(alias, statement))
        self.lines.append((original_node, gone))
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=[statement.with_changes(names=kept)])

    def _dead(self, alias: cst.ImportAlias, statement: cst.Import | cst.ImportFrom) -> bool:
        dotted = get_full_name_for_node(alias.name) or ""
        if isinstance(statement, cst.Import) and not _is_contrib(dotted):
            return False  # `import tensorflow` binds more than contrib
        if isinstance(statement, cst.Import) and alias.asname is None:
            return False  # `import tensorflow.contrib.x` binds `tensorflow` itself
        return _local(alias) in self.locals


def _bare_contrib(alias: cst.ImportAlias) -> bool:
    return alias.asname is None and _is_contrib(get_full_name_for_node(alias.name) or "")


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return (get_full_name_for_node(alias.name) or "").split(".")[0]
