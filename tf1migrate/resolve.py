"""Cheap, import-based resolution of TensorFlow names in one module.

LibCST's ScopeProvider/QualifiedNameProvider would answer "what does `tf.get_variable`
refer to" too, but they cost ~10x a parse. TF1 code binds TensorFlow only through import
statements (and the odd `slim = tf.contrib.slim`), so we read those statements, walk only
the statement tree (never every expression), and treat a function that rebinds an alias
(parameter, assignment, loop target...) as shadowing it inside that function.

Example::

    resolver = Resolver.from_module(cst.parse_module("import tensorflow.compat.v1 as tf\\n"))
    resolver.tf1_symbol(cst.parse_expression("tf.layers.dense"))  # -> "tf.layers.dense"
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf1migrate.walk import visit

TF_ROOT = "tensorflow"
COMPAT_V1 = "tensorflow.compat.v1"

#: Private TensorFlow modules whose names TF1 code reaches directly, and the public
#: namespace (in canonical "tf." form) that exports the same symbols. Longest prefix wins.
PRIVATE_MODULES: dict[str, str] = {
    "tensorflow.python.ops.variable_scope": "tf",
    "tensorflow.python.ops.variables": "tf",
    "tensorflow.python.ops.init_ops": "tf",
    "tensorflow.python.ops.array_ops": "tf",
    "tensorflow.python.ops.math_ops": "tf",
    "tensorflow.python.ops.nn": "tf.nn",
    "tensorflow.python.ops.nn_ops": "tf.nn",
    "tensorflow.python.ops.rnn": "tf.nn",
    "tensorflow.python.ops.rnn_cell": "tf.nn.rnn_cell",
    "tensorflow.python.ops.rnn_cell_impl": "tf.nn.rnn_cell",
    "tensorflow.python.ops.template": "tf",
    "tensorflow.python.layers.core": "tf.layers",
    "tensorflow.python.layers.convolutional": "tf.layers",
    "tensorflow.python.layers.normalization": "tf.layers",
    "tensorflow.python.layers.pooling": "tf.layers",
    "tensorflow.python.layers.layers": "tf.layers",
    "tensorflow.python.layers": "tf.layers",
    "tensorflow.python.training.training": "tf.train",
    "tensorflow.python.platform.flags": "tf.flags",
    "tensorflow.python.ops": "tf",
    "tensorflow.python": "tf",
    # tf.contrib's implementation modules, which TF1 code imported directly
    # (`from tensorflow.contrib.framework.python.ops import arg_scope`, pixel-cnn)
    "tensorflow.contrib.framework.python.ops.arg_scope": "tf.contrib.framework",
    "tensorflow.contrib.framework.python.ops.variables": "tf.contrib.framework",
    "tensorflow.contrib.framework.python.ops": "tf.contrib.framework",
    "tensorflow.contrib.layers.python.layers.layers": "tf.contrib.layers",
    "tensorflow.contrib.layers.python.layers.initializers": "tf.contrib.layers",
    "tensorflow.contrib.layers.python.layers.regularizers": "tf.contrib.layers",
    "tensorflow.contrib.layers.python.layers": "tf.contrib.layers",
    "tensorflow.contrib.rnn.python.ops.rnn_cell": "tf.contrib.rnn",
    "tensorflow.contrib.rnn.python.ops.lstm_ops": "tf.contrib.rnn",
    "tensorflow.contrib.rnn.python.ops.gru_ops": "tf.contrib.rnn",
    "tensorflow.contrib.rnn.python.ops.core_rnn_cell": "tf.contrib.rnn",
    "tensorflow.contrib.slim.python.slim.nets": "tf.contrib.slim.nets",
    "tensorflow.contrib.training.python.training.hparam": "tf.contrib.training",
}


_PRIVATE_LONGEST_FIRST = sorted(PRIVATE_MODULES, key=len, reverse=True)

#: Names of PRIVATE_MODULES whose package attribute is a function, not the module of that
#: name (`ops/__init__.py` star-imports `arg_scope.arg_scope` over the submodule).
PRIVATE_NAMES: dict[str, str] = {
    "tensorflow.contrib.framework.python.ops.arg_scope": "tf.contrib.framework.arg_scope",
}

#: Packages that are a TF1 module under another name: `import tf_slim as slim` is
#: `tf.contrib.slim` (tf-slim 1.1.0 is its extraction, and is as TF1-bound: its layers need
#: `tf.compat.v1.layers`, which Keras 3 removed). Their names resolve as that module's.
ALIAS_PACKAGES: dict[str, str] = {"tf_slim": "tensorflow.contrib.slim"}


def _unalias(qualname: str) -> str:
    root, dot, rest = qualname.partition(".")
    target = ALIAS_PACKAGES.get(root)
    return qualname if target is None else target + dot + rest


def canonical_tf1_name(qualname: str) -> str | None:
    """"tensorflow.compat.v1.layers.dense" -> "tf.layers.dense"; None if not TensorFlow.

    "tf_slim.conv2d" -> "tf.contrib.slim.conv2d" (see `ALIAS_PACKAGES`).
    """
    qualname = _unalias(qualname)
    if qualname == TF_ROOT or qualname == COMPAT_V1:
        return "tf"
    if qualname.startswith(COMPAT_V1 + "."):
        return "tf." + qualname[len(COMPAT_V1) + 1 :]
    if qualname in PRIVATE_NAMES:
        return PRIVATE_NAMES[qualname]
    if qualname.startswith("tensorflow.python") or ".python" in qualname:
        for prefix in _PRIVATE_LONGEST_FIRST:
            if qualname == prefix:
                return PRIVATE_MODULES[prefix]
            if qualname.startswith(prefix + "."):
                return PRIVATE_MODULES[prefix] + qualname[len(prefix) :]
    if qualname.startswith(TF_ROOT + "."):
        return "tf." + qualname[len(TF_ROOT) + 1 :]
    return None


def is_tf_qualname(qualname: str) -> bool:
    """Rooted at TensorFlow, or at a package that stands for a TF1 module (`tf_slim`)."""
    root = qualname.partition(".")[0]
    return root == TF_ROOT or root in ALIAS_PACKAGES


def absolute_module(
    module_name: str, relative: int, target: str | None, *, is_package: bool
) -> str:
    """Resolve `from ..x import y`'s module part against the importing module's name."""
    if relative == 0:
        return target or ""
    parts = module_name.split(".") if module_name else []
    if not is_package:
        parts = parts[:-1]
    if relative > 1:
        parts = parts[: len(parts) - (relative - 1)] if relative - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)


@dataclass(frozen=True)
class Binding:
    """One import-style binding: local name -> fully dotted name it refers to."""

    local: str
    target: str | None  # None: rebound to something that is not an import
    line: int = 0


@dataclass
class Resolver:
    """Answers "which TensorFlow symbol is this expression?" for one module.

    `tf_aliases` maps local names bound to TensorFlow (directly, or through a project
    re-export) to their qualified names; `project_bindings` maps other imported names to
    the dotted names they import, so `utils.tf.get_variable` can be resolved through
    `reexports` ("utils.tf" -> "tensorflow").
    """

    tf_aliases: dict[str, str] = field(default_factory=dict)
    project_bindings: dict[str, str] = field(default_factory=dict)
    reexports: Mapping[str, str] = field(default_factory=dict)
    uses_compat_v1: bool = False
    star_imports: tuple[str, ...] = ()
    #: when a dict: every re-export prefix looked up, and what it gave (None: absent), so a
    #: caller can tell whether another re-export table would resolve this module the same
    consulted: dict[str, str | None] | None = field(default=None, repr=False)
    _shadowed: set[int] = field(default_factory=set, repr=False)
    _ast_locals: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_module(
        cls,
        module: cst.Module,
        *,
        module_name: str = "",
        is_package: bool = False,
        reexports: Mapping[str, str] | None = None,
        record: bool = False,
    ) -> Resolver:
        """Scan every import (top level, try/except, if, function bodies) of `module`.

        `reexports` comes from the project index: "pkg.utils.tf" -> "tensorflow" when
        `pkg/utils.py` binds `tf` to TensorFlow, so `from pkg.utils import tf` resolves.
        `record=True` fills `consulted` with every re-export lookup.
        """
        resolver = cls(reexports=dict(reexports or {}), consulted={} if record else None)
        collector = _BindingCollector(module_name, is_package)
        collector.scan_block(module.body, top_level=True)
        for binding in collector.bindings:
            resolver._bind(binding.local, binding.target)
        resolver.star_imports = tuple(collector.star_imports)
        resolver.uses_compat_v1 = any(
            q == COMPAT_V1 or q.startswith(COMPAT_V1 + ".") for q in resolver.tf_aliases.values()
        ) or collector.imports_compat_v1
        names = set(resolver.tf_aliases) | set(resolver.project_bindings)
        for function, local_names in collector.function_locals:
            hidden = names & local_names
            if hidden:
                resolver._shadowed.update(_name_ids(function, hidden))
        return resolver

    def _bind(self, local: str, target: str | None) -> None:
        """Record (or, for a non-TensorFlow rebinding, forget) what `local` refers to."""
        self.tf_aliases.pop(local, None)
        self.project_bindings.pop(local, None)
        if target is None:
            return
        resolved = self._through_reexports(target)
        if is_tf_qualname(resolved):
            self.tf_aliases[local] = resolved
        else:
            self.project_bindings[local] = target

    def _through_reexports(self, dotted: str) -> str:
        """Replace the longest prefix of `dotted` that a project module re-exports."""
        consulted = self.consulted
        if is_tf_qualname(dotted) or not self.reexports and consulted is None:
            return dotted
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            prefix = ".".join(parts[:end])
            found = self.reexports.get(prefix)
            if consulted is not None:
                consulted[prefix] = found
            if found is not None:
                return ".".join([found, *parts[end:]])
        return dotted

    @classmethod
    def from_ast(
        cls,
        tree: ast.Module,
        *,
        module_name: str = "",
        is_package: bool = False,
        reexports: Mapping[str, str] | None = None,
    ) -> Resolver:
        """Like `from_module`, for an `ast.Module` (the index's fast path).

        Shadowing is not precomputed per node: `locals_of(function)` gives the names a
        function (and its enclosing functions) bind, for `qualify_dotted(..., local_names)`.
        """
        resolver = cls(reexports=dict(reexports or {}))
        collector = _AstBindingCollector(module_name, is_package)
        collector.scan_ast_block(tree.body, top_level=True)
        for binding in collector.bindings:
            resolver._bind(binding.local, binding.target)
        resolver.star_imports = tuple(collector.star_imports)
        resolver.uses_compat_v1 = any(
            q == COMPAT_V1 or q.startswith(COMPAT_V1 + ".") for q in resolver.tf_aliases.values()
        ) or collector.imports_compat_v1
        resolver._ast_locals = collector.locals_by_function
        return resolver

    def locals_of(self, function: ast.AST) -> frozenset[str]:
        return self._ast_locals.get(id(function), frozenset())

    def qualify_dotted(self, dotted: str, local_names: frozenset[str] = frozenset()) -> str | None:
        """`qualify` for a dotted name as text ("tf.layers.dense"), given the names bound
        locally where it appears (a local `tf` shadows the module's alias)."""
        first, _, rest = dotted.partition(".")
        if first in local_names:
            return None
        if first in self.tf_aliases:
            base = self.tf_aliases[first]
        elif first in self.project_bindings and (self.reexports or self.consulted is not None):
            dotted = self.project_bindings[first] + ("." + rest if rest else "")
            base = self._through_reexports(dotted)
            return base if is_tf_qualname(base) else None
        else:
            return None
        return f"{base}.{rest}" if rest else base

    # ---------------------------------------------------------------------- queries
    def is_shadowed(self, node: cst.BaseExpression) -> bool:
        """Is the head name of this ORIGINAL-tree chain rebound by its enclosing function?

        `def f(tf): tf.x` - the `tf` there is a parameter, not the module's TensorFlow.
        """
        head = _head_name(node)
        return head is not None and id(head) in self._shadowed

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """Full dotted TensorFlow name of a Name/Attribute chain, or None.

        None when the chain is not rooted at a TensorFlow binding, or when its head is
        shadowed by a local binding of the enclosing function.
        """
        head = _head_name(node)
        if head is None or id(head) in self._shadowed:
            return None
        dotted = _cst_dotted(node)
        return self.qualify_dotted(dotted) if dotted is not None else None

    def tf1_symbol(self, node: cst.BaseExpression) -> str | None:
        """Canonical TF1 API name ("tf.get_variable", "tf.contrib.slim.conv2d") or None."""
        qualname = self.qualify(node)
        return canonical_tf1_name(qualname) if qualname else None

    def local_names_for(self, qualname_prefix: str) -> list[str]:
        """Local aliases bound to `qualname_prefix` itself (e.g. every name for `tensorflow`)."""
        return sorted(name for name, q in self.tf_aliases.items() if q == qualname_prefix)

    def tf_module_alias(self) -> str | None:
        """The name this module uses for TensorFlow (or compat.v1), for generated code."""
        for preferred in ("tf", "tf1", "tfv1", "v1"):
            if self.tf_aliases.get(preferred) in (TF_ROOT, COMPAT_V1):
                return preferred
        candidates = self.local_names_for(TF_ROOT) + self.local_names_for(COMPAT_V1)
        return candidates[0] if candidates else None


def _cst_dotted(node: cst.BaseExpression) -> str | None:
    """"a.b.c" for a plain Name/Attribute chain, else None.

    Only such chains can alias a module: `n = tf.Dimension(3).value` binds a value.
    (`get_full_name_for_node` would answer "tf.Dimension.value": it skips calls.)
    """
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _head_name(node: cst.BaseExpression) -> cst.Name | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def _name_ids(function: cst.CSTNode, names: set[str]) -> Iterator[int]:
    """ids of every `Name` inside `function` whose value is one of `names`."""
    found: list[int] = []

    class _Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            if node.value in names:
                found.append(id(node))

    visit(function, _Finder())
    return iter(found)


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    """Names bound by an assignment/loop target (tuples and starred included)."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


class _BindingCollector:
    """Walks statements only (cheap) collecting imports, aliases and function locals."""

    def __init__(self, module_name: str, is_package: bool) -> None:
        self.module_name = module_name
        self.is_package = is_package
        self.bindings: list[Binding] = []
        self.star_imports: list[str] = []
        self.imports_compat_v1 = False
        self.function_locals: list[tuple[cst.CSTNode, set[str]]] = []
        self._locals_stack: list[set[str]] = []
        self._first_import: dict[str, str] = {}

    # The first import of a name wins (try: compat.v1 / except: tensorflow), but a later
    # unconditional top-level assignment (`tf = tf.compat.v1`) rebinds it.
    def _add_import(self, local: str, target: str, line: int = 0) -> None:
        if self._locals_stack:  # a function-level import: module-wide only if TensorFlow
            if not _is_tf(target):
                self._locals_stack[-1].add(local)
                return
            if local in self._first_import:
                return
        elif local in self._first_import and _is_tf(self._first_import[local]) and _is_tf(target):
            return
        self._first_import[local] = target
        self.bindings.append(Binding(local, target, line))

    def scan_block(self, body: Iterable[cst.CSTNode], *, top_level: bool = False) -> None:
        for statement in body:
            self.scan_statement(statement, top_level=top_level)

    def scan_statement(self, node: cst.CSTNode, *, top_level: bool = False) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.scan_small(small, top_level=top_level)
            return
        if isinstance(node, (cst.FunctionDef,)):
            self._note_local(node.name.value)
            params = node.params
            names = {
                p.name.value
                for p in (*params.posonly_params, *params.params, *params.kwonly_params)
            }
            for star in (params.star_arg, params.star_kwarg):
                if isinstance(star, cst.Param):
                    names.add(star.name.value)
            self._locals_stack.append(names)
            self.scan_body(node.body)
            self._locals_stack.pop()
            self.function_locals.append((node, names))
            return
        if isinstance(node, cst.ClassDef):
            self._note_local(node.name.value)
            self.scan_body(node.body)
            return
        if isinstance(node, (cst.For,)):
            for name in _target_names(node.target):
                self._note_local(name)
        if isinstance(node, cst.With):
            for item in node.items:
                if item.asname is not None:
                    for name in _target_names(item.asname.name):
                        self._note_local(name)
        if isinstance(node, (cst.Try, cst.TryStar)):
            for handler in node.handlers:
                if handler.name is not None and isinstance(handler.name.name, cst.Name):
                    self._note_local(handler.name.name.value)
        for child in _child_blocks(node):
            self.scan_body(child, top_level=top_level)

    def scan_body(self, body: cst.BaseSuite, *, top_level: bool = False) -> None:
        if isinstance(body, cst.IndentedBlock):
            self.scan_block(body.body, top_level=top_level)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.scan_small(small, top_level=top_level)

    def scan_small(self, small: cst.BaseSmallStatement, *, top_level: bool) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                dotted = get_full_name_for_node(alias.name) or ""
                if dotted.startswith(COMPAT_V1):
                    self.imports_compat_v1 = True
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self._add_import(alias.asname.name.value, dotted)
                else:  # `import a.b.c` binds `a` to the package `a`
                    head = dotted.split(".")[0]
                    self._add_import(head, head)
        elif isinstance(small, cst.ImportFrom):
            base = absolute_module(
                self.module_name,
                len(small.relative),
                get_full_name_for_node(small.module) if small.module is not None else None,
                is_package=self.is_package,
            )
            if base.startswith(COMPAT_V1) or base == "tensorflow.compat":
                self.imports_compat_v1 = True
            if isinstance(small.names, cst.ImportStar):
                self.star_imports.append(base)
                return
            for alias in small.names:
                name = get_full_name_for_node(alias.name) or ""
                local = (
                    alias.asname.name.value
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                    else name
                )
                self._add_import(local, f"{base}.{name}" if base else name)
        elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            self._scan_assignment(small, top_level=top_level)

    def _scan_assignment(self, small: cst.BaseSmallStatement, *, top_level: bool) -> None:
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
            value = small.value
        elif isinstance(small, cst.AnnAssign):
            targets, value = [small.target], small.value
        else:
            targets, value = [small.target], None  # type: ignore[attr-defined]
        names = [n for target in targets for n in _target_names(target)]
        dotted = _cst_dotted(value) if value is not None else None
        self._assign(names, dotted, top_level=top_level)

    def _assign(self, names: list[str], dotted: str | None, *, top_level: bool) -> None:
        """Assignment policy: locals shadow inside functions; at module level
        `slim = tf.contrib.slim` / `tf = tf.compat.v1` is an alias, anything else unbinds."""
        if self._locals_stack:
            self._locals_stack[-1].update(names)
            return
        if not top_level:
            return
        for name in names:
            if dotted is not None and len(names) == 1:
                first, _, rest = dotted.partition(".")
                known = self._first_import.get(first)
                if known is not None:
                    target = f"{known}.{rest}" if rest else known
                    self._first_import[name] = target
                    self.bindings.append(Binding(name, target))
                    continue
            if name in self._first_import:
                del self._first_import[name]
                self.bindings.append(Binding(name, None))

    def _note_local(self, name: str) -> None:
        if self._locals_stack:
            self._locals_stack[-1].add(name)


def _is_tf(target: str) -> bool:
    return is_tf_qualname(target)


def _child_blocks(node: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    """The statement blocks nested in a compound statement (if/for/while/with/try)."""
    body = getattr(node, "body", None)
    if isinstance(body, cst.BaseSuite):
        yield body
    for handler in getattr(node, "handlers", ()) or ():  # source order: first import wins
        yield handler.body
    for attribute in ("orelse", "finalbody"):
        extra = getattr(node, attribute, None)
        while extra is not None:
            if isinstance(extra, cst.BaseSuite):
                yield extra
                break
            inner = getattr(extra, "body", None)
            if isinstance(inner, cst.BaseSuite):
                yield inner
            extra = getattr(extra, "orelse", None)  # elif chains


# ---------------------------------------------------------------------- the `ast` twin
# The index's summary pass reads files with Python's own `ast` (C-speed parsing, light
# nodes): LibCST's visitor rebuilds every node and cost 4x the parse. The rewrite keeps
# LibCST (it must preserve formatting); both share the binding policy above.


def _ast_dotted(node: ast.expr) -> str | None:
    """"a.b.c" for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _ast_target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _ast_target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _ast_target_names(target.value)


class _AstBindingCollector(_BindingCollector):
    """`_BindingCollector` over an `ast.Module`; function locals are keyed by node id."""

    def __init__(self, module_name: str, is_package: bool) -> None:
        super().__init__(module_name, is_package)
        self.locals_by_function: dict[int, frozenset[str]] = {}

    def scan_ast_block(self, body: Iterable[ast.stmt], *, top_level: bool = False) -> None:
        for node in body:
            self.scan_ast_statement(node, top_level=top_level)

    def scan_ast_statement(self, node: ast.stmt, *, top_level: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(COMPAT_V1):
                    self.imports_compat_v1 = True
                if alias.asname:
                    self._add_import(alias.asname, alias.name)
                else:
                    head = alias.name.split(".")[0]
                    self._add_import(head, head)
        elif isinstance(node, ast.ImportFrom):
            base = absolute_module(
                self.module_name, node.level, node.module, is_package=self.is_package
            )
            if base.startswith(COMPAT_V1) or base == "tensorflow.compat":
                self.imports_compat_v1 = True
            for alias in node.names:
                if alias.name == "*":
                    self.star_imports.append(base)
                    continue
                target = f"{base}.{alias.name}" if base else alias.name
                self._add_import(alias.asname or alias.name, target)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n for target in targets for n in _ast_target_names(target)]
            value = node.value if not isinstance(node, ast.AugAssign) else None
            dotted = _ast_dotted(value) if value is not None else None
            self._assign(names, dotted, top_level=top_level)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._note_local(node.name)
            arguments = node.args
            every = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            names = {a.arg for a in every}
            names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
            enclosing = self._locals_stack[-1] if self._locals_stack else set()
            self._locals_stack.append(names)
            self.scan_ast_block(node.body)
            self._locals_stack.pop()
            self.locals_by_function[id(node)] = frozenset(names | enclosing)
        elif isinstance(node, ast.ClassDef):
            self._note_local(node.name)
            self.scan_ast_block(node.body)
        else:
            if isinstance(node, (ast.For, ast.AsyncFor)):
                for name in _ast_target_names(node.target):
                    self._note_local(name)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        for name in _ast_target_names(item.optional_vars):
                            self._note_local(name)
            # source order matters: the first import of a name wins (try body before except)
            self.scan_ast_block(getattr(node, "body", None) or [], top_level=top_level)
            for handler in getattr(node, "handlers", ()):
                if handler.name:
                    self._note_local(handler.name)
                self.scan_ast_block(handler.body, top_level=top_level)
            for field_name in ("orelse", "finalbody"):
                self.scan_ast_block(getattr(node, field_name, None) or [], top_level=top_level)
