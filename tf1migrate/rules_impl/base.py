"""What every upgrade rule is and sees: its documentation, the per-file context, the hooks.

A rule is one class in one module of this package: its id, name, summary, why, examples
(`VALID` snippets it must leave alone, `INVALID` ones it must rewrite or report) and the
hooks that implement it. Rules never walk the tree themselves; the engine transformer in
`tf1migrate.upgrades` walks it once and calls the hooks below, so a file costs one pass
whatever the number of rules. A hook that has nothing to say returns None (or the node it
was given).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate.resolve import COMPAT_V1, TF_ROOT, Resolver, canonical_tf1_name
from tf1migrate.rulepacks import RuleSet
from tf1migrate.types import BEHAVIOUR_CHANGE, Options, Severity

#: Calls whose result's `.name` is a string the code chose (a scope's name), stable in TF2.
NAMED_BY_THE_CODE = frozenset(
    {"tf.variable_scope", "tf.name_scope", "tf.get_variable_scope", "tf.VariableScope"}
)

#: Qualified-name prefixes that still work in TF2 and must never be "upgraded".
WORKING_PREFIXES = (COMPAT_V1, "tensorflow.compat.v2", "tensorflow.python")


@dataclass(frozen=True)
class Reference:
    """The outermost Name/Attribute chain that resolves to a TensorFlow symbol."""

    original: cst.BaseExpression
    updated: cst.BaseExpression
    qualname: str  # "tensorflow.compat.v1.layers.dense"
    symbol: str  # canonical TF1 name, "tf.layers.dense"

    @property
    def through_working_api(self) -> bool:
        """Reached through compat.v1/compat.v2/private modules: already valid TF2 code."""
        return is_working_api(self.qualname)


@dataclass
class PendingFinding:
    node: cst.CSTNode
    rule: str
    message: str
    severity: Severity
    behaviour_change: bool = False


@dataclass
class Frame:
    """One function body being walked (the module itself is the outermost frame)."""

    function: cst.FunctionDef | None = None  # None for the module frame
    creates_variables: bool = False
    deferred: list[PendingFinding] = field(default_factory=list)  # context = "model_code"
    tf_values: set[str] = field(default_factory=set)  # local names bound to TF call results


def is_working_api(qualname: str) -> bool:
    """`tensorflow.compat.v1.x`, `tensorflow.compat.v2.x`, `tensorflow.python.x`."""
    return any(qualname == p or qualname.startswith(p + ".") for p in WORKING_PREFIXES)


class Context:
    """Per-file state shared by the rules: resolution, options, findings, imports, count."""

    def __init__(self, resolver: Resolver, rules: RuleSet, options: Options) -> None:
        self.resolver = resolver
        self.rules = rules
        self.options = options
        self.findings: list[PendingFinding] = []
        self.imports: set[str] = set()
        self.count = 0
        self.frames: list[Frame] = [Frame()]
        self.repointed_locals: set[str] = set()  # names bound by imports a rule re-pointed
        # ORIGINAL module-valued nodes to leave as written (`slim = tf.contrib.slim` whose
        # uses are not all mapped: the uses move one by one instead)
        self.kept_module_values: set[int] = set()
        self.uses_tensorflow = bool(resolver.tf_aliases) or bool(resolver.uses_compat_v1)
        self._enabled: dict[str, bool] = {}
        self._references: dict[int, tuple[cst.BaseExpression, tuple[str, str] | None]] = {}
        self._creators: dict[str, bool] = {}
        self._user_roots = rules.user_roots()
        self.uses_user_packages = any(
            bound.split(".")[0] in self._user_roots for bound in resolver.project_bindings.values()
        )

    @property
    def user_roots(self) -> frozenset[str]:
        """Top-level packages user rule packs have rules for (`acme` for `acme.legacy.x`)."""
        return self._user_roots

    # ------------------------------------------------------------------ rule selection
    def enabled(self, rule_id: str) -> bool:
        """--select / --ignore by rule id or prefix ("TFM4" selects every TFM4xx)."""
        known = self._enabled.get(rule_id)
        if known is None:
            known = self._enabled[rule_id] = self.options.enables(rule_id)
        return known

    # -------------------------------------------------------------------- resolution
    def reference(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """(qualified name, canonical TF1 symbol) of an ORIGINAL-tree node, or None.

        Resolved once per node: the walk asks for a call's function, and then every rule
        reacting to the call asks again. (The node is kept with its answer, so its id
        cannot be reused by another node while this file is walked.)
        """
        known = self._references.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        found = self._resolve(node)
        self._references[id(node)] = (node, found)
        return found

    def _resolve(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        head = _head(node)
        resolver = self.resolver
        if head is None:
            return None
        if head not in resolver.tf_aliases and head not in resolver.project_bindings:
            return None  # the common case, decided without building the dotted name
        qualname = resolver.qualify(node)
        if qualname is None:
            return self._user_reference(node)
        symbol = canonical_tf1_name(qualname)  # what `resolver.tf1_symbol` would compute again
        return (qualname, symbol) if symbol else None

    def _user_reference(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """A name imported from a package a user pack has rules for (`acme.legacy.x`).

        User packs may name their own helpers; those resolve through the file's
        non-TensorFlow imports, with the same shadowing rules as TensorFlow names.
        """
        if not self._user_roots:
            return None
        head = _head_node(node)
        if not isinstance(head, cst.Name) or self.resolver.is_shadowed(head):
            return None
        bound = self.resolver.project_bindings.get(head.value)
        if bound is None or bound.split(".")[0] not in self._user_roots:
            return None
        dotted = get_full_name_for_node(node)
        if dotted is None:
            return None
        _, _, rest = dotted.partition(".")
        full = f"{bound}.{rest}" if rest else bound
        return full, full

    def note_binding(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        """Track which locals hold a value a TensorFlow call produced (`v = tf.X(...)`)."""
        frame = self.frames[-1]
        produced = value is not None and self.produced_by_tensorflow(value)
        for name in _bound_names(target):
            if produced:
                frame.tf_values.add(name)
            else:
                frame.tf_values.discard(name)

    def produced_by_tensorflow(self, node: cst.BaseExpression) -> bool:
        """A TF call (not a scope), a local bound to one, or an attribute/index of either."""
        while isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        if isinstance(node, cst.Call):
            found = call_symbol(self, node)
            return found is not None and found[1] not in NAMED_BY_THE_CODE
        if isinstance(node, cst.Name):
            return any(node.value in frame.tf_values for frame in reversed(self.frames))
        return False

    def is_creator(self, symbol: str) -> bool:
        """Does calling `symbol` create variables (rules' `creators`, minus `exclude`)?"""
        known = self._creators.get(symbol)
        if known is None:
            creators = self.rules.creators
            known = not _matches_any(symbol, creators.get("exclude", ())) and (
                _matches_any(symbol, creators.get("direct", ())) or symbol in self.rules.layer_map
            )
            self._creators[symbol] = known
        return known

    # ---------------------------------------------------------------------- results
    def changed(self) -> None:
        self.count += 1

    def report(
        self,
        node: cst.CSTNode,
        rule: str,
        message: str,
        severity: Severity = Severity.WARNING,
        *,
        context: str = "anywhere",
        behaviour_change: bool = False,
    ) -> None:
        """A finding at `node`. `behaviour_change=True` for a rewrite that removes a
        statement or changes what the code does: its message says so in every report."""
        if not self.enabled(rule):
            return
        if behaviour_change:
            message = f"{BEHAVIOUR_CHANGE}: {message}"
        pending = PendingFinding(node, rule, message, severity, behaviour_change)
        if context == "model_code":
            self.frames[-1].deferred.append(pending)
        else:
            self.findings.append(pending)

    def retract(self, node: cst.CSTNode) -> None:
        """Withdraw findings about `node` (a later rule rewrote it away)."""
        self.findings = [f for f in self.findings if f.node is not node]
        for frame in self.frames:
            frame.deferred = [f for f in frame.deferred if f.node is not node]

    # ------------------------------------------------------------------ code building
    def tf_expression(self, target: str) -> cst.BaseExpression:
        """An expression for a dotted target, written with the file's own aliases.

        "tf.compat.v1.get_variable" becomes `tf1.get_variable` when the file has a
        compat.v1 alias `tf1`, else `tf.compat.v1.get_variable` with the file's alias for
        `tensorflow`, else `tensorflow.compat.v1.get_variable` (and `tensorflow` is added
        to the imports). Non-`tf.` targets ("tf1compat.layers.dense") are used as they are.
        """
        if not target.startswith("tf."):
            return dotted_expression(target)
        rest = target[len("tf.") :]
        if rest.startswith("compat.v1."):
            v1_aliases = self.resolver.local_names_for(COMPAT_V1)
            if v1_aliases:
                return dotted_expression(f"{_prefer(v1_aliases)}.{rest[len('compat.v1.') :]}")
        tf_aliases = self.resolver.local_names_for(TF_ROOT)
        if tf_aliases:
            return dotted_expression(f"{_prefer(tf_aliases)}.{rest}")
        v1_aliases = self.resolver.local_names_for(COMPAT_V1)
        if v1_aliases and rest.startswith("compat.") and not rest.startswith("compat.v1."):
            # tf.compat.v1 re-exports tf.compat.dimension_value & co under .compat
            return dotted_expression(f"{_prefer(v1_aliases)}.{rest}")
        self.imports.add(TF_ROOT)
        return dotted_expression(f"{TF_ROOT}.{rest}")


@dataclass(frozen=True)
class Example:
    """`before` rewritten to `after`; `after=None`: unchanged, but the rule reports it."""

    before: str
    after: str | None = None


TF = "import tensorflow as tf\n"
V1 = "import tensorflow.compat.v1 as tf\n"


class Rule:
    """Base class of every upgrade rule: set the documentation, override the hooks it needs.

    `id` is the one rule id this class reports and rewrites under (one id, one class);
    `order` places it in the walk (lower first: the first rule to answer
    `rewrite_reference` wins). `tests/rules/test_rule_examples.py` runs every `VALID` and
    `INVALID` example; `tf1migrate rules` / `explain` show the rest.
    """

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""  # kebab-case, "symbol-renamed"
    summary: ClassVar[str] = ""  # one line
    why: ClassVar[str] = ""
    severity: ClassVar[str] = "info"  # of its findings; "info" for silent rewrites
    order: ClassVar[int] = 50
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[Example, ...]] = ()

    def import_destination(self, ctx: Context, qualname: str, symbol: str) -> str | None:
        """Where `from <module> import <name>` of `symbol` should import it from instead:
        the dotted target ("tf1compat.layers.dense"), or None. First rule to answer wins."""
        return None

    def module_destination(self, ctx: Context, symbol: str) -> str | None:
        """The new module for `import tensorflow.<module> as X` of `symbol`, or None."""
        return None

    def prepare(self, ctx: Context, module: cst.Module) -> None:
        """Called once before the walk (e.g. to pre-scan imports)."""

    def rewrite_reference(self, ctx: Context, ref: Reference) -> cst.BaseExpression | None:
        """A replacement for a TensorFlow reference; the first rule that answers wins."""
        return None

    def inspect_reference(self, ctx: Context, ref: Reference, *, migrated: bool) -> None:
        """See every reference (after rewriting) to report findings."""

    def bind(
        self, ctx: Context, target: cst.BaseExpression, value: cst.BaseExpression | None
    ) -> None:
        """An ORIGINAL-tree binding seen top-down: `target = value`, `for target in value`."""

    def leave_call(self, ctx: Context, original: cst.Call, updated: cst.Call) -> cst.Call:
        return updated

    def finish(self, ctx: Context, module: cst.Module) -> cst.Module:
        """After the walk: a last look at the upgraded module (e.g. drop dead imports)."""
        return module

    def leave_attribute(
        self, ctx: Context, original: cst.Attribute, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        """Attribute reads that are not TensorFlow references (`x.shape[0].value`)."""
        return updated

    def leave_binary(
        self, ctx: Context, original: cst.BinaryOperation, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        return updated

    def leave_import(
        self, ctx: Context, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine] | None:
        """A line holding an import; None leaves it to the next rule."""
        return None


def dotted_expression(dotted: str) -> cst.BaseExpression:
    """ "a.b.c" -> Attribute(Attribute(Name(a), b), c)."""
    parts = dotted.split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def call_symbol(ctx: Context, call: cst.Call) -> tuple[str, str] | None:
    """(qualname, symbol) of the function an ORIGINAL-tree call invokes, if TensorFlow."""
    if isinstance(call.func, (cst.Name, cst.Attribute)):
        return ctx.reference(call.func)
    return None


def _bound_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _bound_names(element.value)


def _prefer(aliases: Iterable[str]) -> str:
    names = list(aliases)
    for preferred in ("tf", "tf1", "tfv1", "v1"):
        if preferred in names:
            return preferred
    return names[0]


def _matches_any(symbol: str, patterns: Iterable[str]) -> bool:
    """`tf.layers.*` matches members; `*` inside a segment is a glob; else exact."""
    for pattern in patterns:
        if "*" not in pattern:
            if symbol == pattern:
                return True
        elif pattern.endswith(".*") and "*" not in pattern[:-2]:
            if symbol.startswith(pattern[:-1]):
                return True
        elif fnmatch.fnmatchcase(symbol, pattern):
            return True
    return False


def _head_node(node: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


def _head(node: cst.BaseExpression) -> str | None:
    head = _head_node(node)
    return head.value if isinstance(head, cst.Name) else None
