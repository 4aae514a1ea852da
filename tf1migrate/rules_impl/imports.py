"""Import lines for every rule: point `from tensorflow... import x` at x's new home.

`from tensorflow.layers import dense` fails to import under TF2/Keras 3, so rewriting the
uses of `dense` is not enough: the import line itself must change. Re-pointing the import
(`from tf1compat.layers import dense`) keeps every use untouched, which is the smallest
diff. Names whose new home differs are split onto their own import line; names with no
mapping stay where they were. Uses of re-pointed names are then left alone by the
reference rules (`Context.repointed_locals`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate.resolve import ALIAS_PACKAGES, canonical_tf1_name, is_tf_qualname
from tf1migrate.rules_impl.base import Context, Rule, dotted_expression
from tf1migrate.rules_impl.names import longest_prefix
from tf1migrate.walk import visit

ImportLine = cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]


@dataclass(frozen=True)
class _Move:
    """One imported name and where it goes: `from <module> import <name> as <local>`."""

    module: str
    name: str
    local: str
    rule: str


class ImportRepoint(Rule):
    """Re-points import lines for the rules (not a rule: it has no id).

    Each imported TensorFlow name goes where the first rule that answers
    `import_destination` says, under that rule's id; whole modules likewise through
    `module_destination`.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = tuple(rules)
        self._plans: dict[int, tuple[list[cst.ImportAlias], list[_Move]]] = {}
        self._module_imports: dict[int, list[tuple[cst.ImportAlias, str, str]]] = {}
        self._module: cst.Module | None = None
        self._uses: dict[str, set[str]] | None = None  # local -> the dotted chains using it

    def prepare(self, ctx: Context, module: cst.Module) -> None:
        """Plan every import line up front, so uses before a late import are known too."""
        self._module = module
        for line in import_lines(module.body):
            statement = line.body[0]
            if isinstance(statement, cst.ImportFrom):
                self._plan_from(ctx, line, statement)
            elif isinstance(statement, cst.Import):
                self._plan_import(ctx, line, statement)
        for statement in module.body:
            self._plan_module_alias(ctx, statement)

    def _plan_module_alias(self, ctx: Context, statement: cst.CSTNode) -> None:
        """`slim = tf.contrib.slim` at module level is an import by other means: when every
        use is mapped, the right-hand side becomes `tf1compat.slim` and the uses stay."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return
        assign = statement.body[0]
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return
        target = assign.targets[0].target
        if not isinstance(target, cst.Name) or not isinstance(assign.value, cst.Attribute):
            return
        reference = ctx.reference(assign.value)
        if reference is None or reference[1] not in ctx.rules.module_map:
            return
        symbol = reference[1]
        for rule in self._rules:
            if rule.module_destination(ctx, symbol) is not None:
                if self._uses_mapped(ctx, target.value, symbol, rule):
                    ctx.repointed_locals.add(target.value)
                else:
                    ctx.kept_module_values.add(id(assign.value))
                return

    def _plan_from(self, ctx: Context, line: cst.SimpleStatementLine, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        base = get_full_name_for_node(node.module) or ""
        if not is_tf_qualname(base):
            return
        kept: list[cst.ImportAlias] = []
        moves: list[_Move] = []
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            local = _local_name(alias) or name
            move = self._destination(ctx, f"{base}.{name}", local)
            if move is None:
                kept.append(alias)
            else:
                moves.append(move)
        if moves:
            self._plans[id(line)] = (kept, moves)
            ctx.repointed_locals.update(move.local for move in moves)

    def _plan_import(self, ctx: Context, line: cst.SimpleStatementLine, node: cst.Import) -> None:
        """`import tensorflow.layers as L` -> `import tf1compat.layers as L`.

        `import tf_slim` (no `as`) binds its own root name, so it is re-pointed as
        `import tf1compat.slim as tf_slim`.
        """
        changes = []
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            local = _local_name(alias) or (dotted if dotted in ALIAS_PACKAGES else None)
            symbol = canonical_tf1_name(dotted) if local and is_tf_qualname(dotted) else None
            if symbol is None:
                continue
            for rule in self._rules:
                target = rule.module_destination(ctx, symbol)
                if target is not None:
                    if self._uses_mapped(ctx, local, symbol, rule):
                        changes.append((alias, target, local))
                    break
        if changes:
            self._module_imports[id(line)] = changes
            ctx.repointed_locals.update(local for _, _, local in changes)

    def leave_import(
        self, ctx: Context, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> ImportLine | None:
        plan = self._plans.get(id(original))
        if plan is not None:
            return self._rewrite_from(ctx, updated, *plan)
        changes = self._module_imports.get(id(original))
        if changes is not None:
            targets = {id(alias): (target, local) for alias, target, local in changes}
            statement = updated.body[0]
            assert isinstance(statement, cst.Import)
            names = [
                _repointed(a, *targets[id(o)]) if id(o) in targets else a
                for a, o in zip(statement.names, original.body[0].names)  # type: ignore[union-attr]
            ]
            ctx.count += len(changes)
            return updated.with_changes(body=[statement.with_changes(names=names)])
        return None

    def _rewrite_from(
        self,
        ctx: Context,
        updated: cst.SimpleStatementLine,
        kept: list[cst.ImportAlias],
        moves: list[_Move],
    ) -> ImportLine:
        ctx.count += len(moves)
        statement = updated.body[0]
        assert isinstance(statement, cst.ImportFrom)
        modules = {move.module for move in moves}
        names = statement.names
        assert not isinstance(names, cst.ImportStar)
        if not kept and len(modules) == 1 and all(map(_same_name, names, moves)):
            # One destination, same names: change only the module, keep the formatting.
            new_module = dotted_expression(modules.pop())
            return updated.with_changes(body=[statement.with_changes(module=new_module)])
        lines: list[cst.SimpleStatementLine] = []
        if kept:
            lines.append(updated.with_changes(body=[statement.with_changes(names=_commas(kept))]))
        for module in sorted(modules):
            aliases = [
                cst.ImportAlias(name=cst.Name(move.name), asname=_as_name(move))
                for move in moves
                if move.module == module
            ]
            new = cst.ImportFrom(module=dotted_expression(module), names=_commas(aliases))
            if lines:
                lines.append(cst.SimpleStatementLine(body=[new]))
            else:
                lines.append(updated.with_changes(body=[new]))
        return cst.FlattenSentinel(lines)

    def _destination(self, ctx: Context, qualname: str, local: str) -> _Move | None:
        """Where an imported TensorFlow name should come from instead, if anywhere."""
        symbol = canonical_tf1_name(qualname)
        if symbol is None:
            return None
        for rule in self._rules:
            target = rule.import_destination(ctx, qualname, symbol)
            if target is not None:
                if symbol in ctx.rules.module_map and not self._uses_mapped(ctx, local, symbol, rule):
                    return None
                return _move(target, local, rule.id)
        return None

    def _uses_mapped(self, ctx: Context, local: str, module_symbol: str, rule: Rule) -> bool:
        """May the module bound to `local` be re-pointed as a whole?

        Only if every `local.x.y` in the file has a mapping of `rule`: uses are left alone
        once the import is re-pointed, so `slim.learning.train` (no runtime counterpart) or
        `framework.sort` (renamed to `tf.sort`) would break silently under the new module.
        Otherwise each use is rewritten on its own and the import goes when none needs it.
        """
        if self._uses is None:
            collector = _ChainCollector()
            if self._module is not None:
                visit(self._module, collector)
            self._uses = collector.chains
        for chain in self._uses.get(local, ()):
            rest = chain[len(local) :]
            if not rest:
                continue  # the module itself as a value: the runtime module stands in
            hit = longest_prefix(module_symbol + rest, ctx.rules.layer_map)
            if hit is None or hit[1].rule != rule.id:
                return False
        return True


def _move(target: str, local: str, rule: str) -> _Move | None:
    """`tf.compat.v1.get_variable` -> from tensorflow.compat.v1 import get_variable."""
    if target.startswith("tf."):
        target = "tensorflow." + target[len("tf.") :]
    module, _, name = target.rpartition(".")
    if not module:
        return None
    return _Move(module, name, local, rule)


def _repointed(alias: cst.ImportAlias, target: str, local: str) -> cst.ImportAlias:
    """`import tensorflow.layers as L` -> `import tf1compat.layers as L`, keeping `local`."""
    alias = alias.with_changes(name=dotted_expression(target))
    if alias.asname is None and target.split(".")[0] != local:
        alias = alias.with_changes(asname=cst.AsName(name=cst.Name(local)))
    return alias


class _ChainCollector(cst.CSTVisitor):
    """Every outermost `a.b.c` chain (and bare name) of a module, by head name; imports skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.chains: dict[str, set[str]] = {}

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        parts = [node.attr.value]
        value = node.value
        while isinstance(value, cst.Attribute):
            parts.append(value.attr.value)
            value = value.value
        if not isinstance(value, cst.Name):
            return True  # `f(x).attr`: the chains are inside
        self.chains.setdefault(value.value, set()).add(".".join([value.value, *reversed(parts)]))
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.chains.setdefault(node.value, set()).add(node.value)


def _as_name(move: _Move) -> cst.AsName | None:
    return None if move.local == move.name else cst.AsName(name=cst.Name(move.local))


def _same_name(alias: cst.ImportAlias, move: _Move) -> bool:
    return get_full_name_for_node(alias.name) == move.name


def _local_name(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _commas(aliases: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """Fresh separators: `a, b, c` with no trailing comma."""
    out = []
    for index, alias in enumerate(aliases):
        last = index == len(aliases) - 1
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        out.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT if last else comma))
    return out


def import_lines(body: Sequence[cst.CSTNode]) -> Iterator[cst.SimpleStatementLine]:
    """Every single-import line at any depth, walking statements only (cheap)."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            body = statement.body
            if len(body) == 1 and isinstance(body[0], (cst.Import, cst.ImportFrom)):
                yield statement
            continue
        for block in _blocks(statement):
            yield from import_lines(block)


def _blocks(statement: cst.CSTNode) -> Iterator[Sequence[cst.CSTNode]]:
    """Statement lists nested in a compound statement (def, class, if, try, with, loops)."""
    suites = [getattr(statement, "body", None)]
    orelse = getattr(statement, "orelse", None)
    while orelse is not None:  # else / elif chains
        suites.append(getattr(orelse, "body", None))
        orelse = getattr(orelse, "orelse", None)
    suites.append(getattr(getattr(statement, "finalbody", None), "body", None))
    suites.extend(handler.body for handler in getattr(statement, "handlers", ()) or ())
    for suite in suites:
        if isinstance(suite, cst.IndentedBlock):
            yield suite.body
