"""Symbol upgrades, layer mappings and findings for one module, in one LibCST pass.

`apply_upgrades` walks the module once and lets every rule of `tf1migrate.rules_impl`
react to the syntax it cares about; the walker knows no rule. Only names the resolver
ties to TensorFlow are touched (never text matches), formatting and comments are kept,
and running it again on its own output changes nothing. A function or class marked
`# tf1migrate: skip` is left exactly as it is. It never imports TensorFlow.

Example::

    module = cst.parse_module("import tensorflow as tf\\nw = tf.get_variable('w', [3])\\n")
    outcome = apply_upgrades(module, Resolver.from_module(module), load_rule_packs(), Options())
    outcome.module.code  # "...w = tf.compat.v1.get_variable('w', [3])\\n"
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tf1migrate.markers import def_has_skip_comment
from tf1migrate.noqa import TreeSuppressions
from tf1migrate.resolve import Resolver
from tf1migrate.rulepacks import RuleSet
from tf1migrate.rules_impl import Rule, walker_hooks
from tf1migrate.rules_impl.base import (
    Context,
    Frame,
    PendingFinding,
    Reference,
)
from tf1migrate.rules_impl.positions import node_starts
from tf1migrate.types import Finding, Options
from tf1migrate.walk import INERT, methods_of, transform


@dataclass
class UpgradeOutcome:
    """The upgraded module, what needs a human, how many rewrites, imports to add once."""

    module: cst.Module
    findings: list[Finding] = field(default_factory=list)
    count: int = 0
    imports: set[str] = field(default_factory=set)  # e.g. {"tf1compat"}: `import tf1compat`


def apply_upgrades(
    module: cst.Module,
    resolver: Resolver,
    rules: RuleSet,
    options: Options,
    *,
    path: str = "",
    locate: bool = True,
    suppressions: TreeSuppressions | None = None,
) -> UpgradeOutcome:
    """Apply every enabled upgrade rule to `module` (resolved by `resolver`).

    `locate=False` leaves findings at line 0 (their positions cost a codegen pass), for
    callers that only need to know what happened (the engine's idempotence check).
    `suppressions` (from `# tf1migrate: noqa` comments) keep rules off the nodes they cover.
    """
    ctx = Context(resolver, rules, options)
    if not (ctx.uses_tensorflow or ctx.uses_user_packages):
        return UpgradeOutcome(module)
    active = walker_hooks()
    for rule in active:
        rule.prepare(ctx, module)
    upgrader = _Upgrader(module, ctx, active, suppressions)
    upgraded = transform(module, methods_of(upgrader), INERT)
    for rule in active:
        upgraded = rule.finish(ctx, upgraded)
    findings = _locate(module, ctx.findings, path, locate)
    if ctx.count == 0:
        upgraded = module  # byte-identical when nothing was rewritten
    return UpgradeOutcome(upgraded, findings, ctx.count, ctx.imports)


def _locate(
    module: cst.Module, pending: list[PendingFinding], path: str, locate: bool = True
) -> list[Finding]:
    """File positions of the findings (computed only when there are findings)."""
    if not pending:
        return []
    starts = node_starts(module, (item.node for item in pending)) if locate else {}
    located = []
    for item in pending:
        line, col = starts.get(id(item.node), (1, 0))
        located.append(
            Finding(path, line, col, item.rule, item.message, item.severity, item.behaviour_change)
        )
    return _one_per_line_and_rule(located)


def _one_per_line_and_rule(findings: list[Finding]) -> list[Finding]:
    """`tf.get_collection(tf.GraphKeys.UPDATE_OPS)` is one thing to fix, not two."""
    first: dict[tuple[int, str], Finding] = {}
    for finding in sorted(findings):
        first.setdefault((finding.line, finding.rule), finding)
    return sorted(first.values())


class _Upgrader:
    """Walks once; turns syntax into rule hook calls. Knows no individual rule.

    Its `visit_<Type>` / `leave_<Type>` methods are LibCST transformer hooks, called by
    `tf1migrate.walk.transform` (which rebuilds only the nodes above a change).
    """

    def __init__(
        self,
        module: cst.Module,
        ctx: Context,
        rules: tuple[Rule, ...],
        suppressions: TreeSuppressions | None = None,
    ) -> None:
        self.module = module
        self.ctx = ctx
        self.rules = rules
        self.noqa = suppressions
        self._not_reference: set[int] = set()  # Names that bind or label, never refer
        self._inner: set[int] = set()  # parts of a longer Name/Attribute chain
        # per hook, only the rules that implement it (the base class's hooks do nothing)
        self._rewriters = _implementing(rules, "rewrite_reference")
        self._inspectors = _implementing(rules, "inspect_reference")
        self._binders = _implementing(rules, "bind")
        self._call_rules = _implementing(rules, "leave_call")
        self._attribute_rules = _implementing(rules, "leave_attribute")
        self._binary_rules = _implementing(rules, "leave_binary")
        self._import_rules = _implementing(rules, "leave_import")

    def _rules_for(self, node: cst.CSTNode, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        """Those of `rules` allowed to rewrite `node` (all, unless a noqa comment says not)."""
        if self.noqa is None or not rules:
            return rules
        return tuple(rule for rule in rules if not self.noqa.muted(node, rule.id))

    # ------------------------------------------------------------ names that are not uses
    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_reference.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self._not_reference.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._not_reference.add(id(node.name))
        return not def_has_skip_comment(self.module, node)  # `# tf1migrate: skip`

    def visit_AsName(self, node: cst.AsName) -> None:
        self._not_reference.add(id(node.name))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Name):  # a binding, never a use to rewrite
            self._not_reference.add(id(node.target))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_reference.add(id(node.attr))
        if isinstance(node.value, (cst.Name, cst.Attribute)):
            self._inner.add(id(node.value))

    # --------------------------------------------------------------- function frames
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._not_reference.add(id(node.name))
        self.ctx.frames.append(Frame(function=node))  # popped in leave_FunctionDef, always
        return not def_has_skip_comment(self.module, node)  # `# tf1migrate: skip`

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._close_frame()
        return updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        self._close_frame()
        return updated_node

    def _close_frame(self) -> None:
        frame = self.ctx.frames.pop()
        if frame.creates_variables:  # model code: its model-code-only findings apply
            self.ctx.findings.extend(frame.deferred)

    # -------------------------------------------------------------------- bindings
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, node.iter)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        self.ctx.note_binding(target, value)
        for rule in self._binders:
            rule.bind(self.ctx, target, value)

    # ------------------------------------------------------------------ references
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) in self._not_reference or id(original_node) in self._inner:
            return updated_node
        return self._reference(original_node, updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if id(original_node) in self._inner:
            return updated_node
        result = self._reference(original_node, updated_node)
        if result is not updated_node:
            return result
        for rule in self._rules_for(original_node, self._attribute_rules):
            result = rule.leave_attribute(self.ctx, original_node, result)
        return result

    def _reference(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        found = self.ctx.reference(original)
        if found is None:
            return updated
        ref = Reference(original, updated, *found)
        replacement = None
        for rule in self._rules_for(original, self._rewriters):
            replacement = rule.rewrite_reference(self.ctx, ref)
            if replacement is not None:
                break
        if self.ctx.is_creator(ref.symbol):
            self.ctx.frames[-1].creates_variables = True
        for rule in self._inspectors:
            rule.inspect_reference(self.ctx, ref, migrated=replacement is not None)
        return updated if replacement is None else replacement

    # ---------------------------------------------------------------- other syntax
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        for rule in self._rules_for(original_node, self._call_rules):
            updated_node = rule.leave_call(self.ctx, original_node, updated_node)
        return updated_node

    def leave_BinaryOperation(
        self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation
    ) -> cst.BaseExpression:
        result: cst.BaseExpression = updated_node
        for rule in self._rules_for(original_node, self._binary_rules):
            result = rule.leave_binary(self.ctx, original_node, result)
        return result

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if len(original_node.body) == 1 and isinstance(
            original_node.body[0], (cst.Import, cst.ImportFrom)
        ):
            for rule in self._rules_for(original_node, self._import_rules):
                result = rule.leave_import(self.ctx, original_node, updated_node)
                if result is not None:
                    return result
        return updated_node


def _implementing(rules: tuple[Rule, ...], hook: str) -> tuple[Rule, ...]:
    """The rules (in walk order) whose class overrides `Rule.<hook>`."""
    default = getattr(Rule, hook)
    return tuple(rule for rule in rules if getattr(type(rule), hook) is not default)
