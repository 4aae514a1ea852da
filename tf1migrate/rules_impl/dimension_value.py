"""TFM103: `x.shape[i].value` -> `tf.compat.dimension_value(x.shape[i])`.

In TF2 a static dimension is a plain int (or None), so `.value` raises AttributeError;
`tf.compat.dimension_value` works in TF1 and TF2 alike. `tf.Dimension(n).value` becomes
`tf.compat.dimension_value(n)`. Applies in compat.v1 files too (TF2 behaviour is on).

Dimensions are also reached through names: iterating over a shape (`for d in
x.get_shape()`, `[d.value for d in x.shape]`, `enumerate(...)`, `.dims`), unpacking one
(`_, h, w, c = x.get_shape()`), or indexing a local holding one (`s = x.get_shape();
s[1].value`). Within one function (and the functions around it) a name every binding of which
is a dimension is rewritten. A `.value` the rule cannot prove is a dimension, but which reads
like one (a parameter named `shape`/`dims`, a name bound both ways), is left alone and
reported: it raises in TF2 if it is a dimension.
"""

from __future__ import annotations

import re

import libcst as cst

from tf1migrate.rules_impl.base import TF, V1, Context, Example, Rule, call_symbol
from tf1migrate.rules_impl.names import keep_parentheses
from tf1migrate.rules_impl.shapes import is_static_dimension
from tf1migrate.types import Severity
from tf1migrate.walk import visit

DIMENSION_VALUE = "tf.compat.dimension_value"
#: TensorShape methods that return a TensorShape.
_SHAPE_METHODS = frozenset(
    {"get_shape", "with_rank", "with_rank_at_least", "with_rank_at_most", "merge_with",
     "concatenate", "most_specific_compatible_shape"}
)
#: Names that read like a shape or a dimension (reported when `.value` is unproven).
_SHAPE_LIKE = re.compile(r"shape|dims?$|^dim|_dim", re.IGNORECASE)


class DimensionValue(Rule):
    id = "TFM103"
    name = "dimension-value"
    summary = (
        "`x.shape[i].value`, `.value` of dimensions from iterating or unpacking a shape, "
        "`tf.Dimension(n).value` → `tf.compat.dimension_value(...)`; unprovable ones reported."
    )
    why = (
        "In TF2 a static dimension is an int or None, so `.value` raises AttributeError; "
        "tf.compat.dimension_value works in TF1 and TF2."
    )
    order = 40
    VALID = (
        TF + "n = tf.compat.dimension_value(x.shape[1])\n",
        "import numpy as np\nn = a.shape[1].value\n",
        TF + "n = x.shape[1]\n",
        TF + "mode = config.mode.value\nfor k in keys:\n    print(k.value)\n",
    )
    INVALID = (
        Example(TF + "n = x.shape[1].value\n", TF + "n = tf.compat.dimension_value(x.shape[1])\n"),
        Example(
            TF + "d = h.get_shape()[-1].value * 4\n",
            TF + "d = tf.compat.dimension_value(h.get_shape()[-1]) * 4\n",
        ),
        Example(V1 + "n = x.shape[0].value\n", V1 + "n = tf.compat.dimension_value(x.shape[0])\n"),
        Example(TF + "n = tf.Dimension(3).value\n", TF + "n = tf.compat.dimension_value(3)\n"),
        Example(
            TF + "dims = [d.value for d in x.get_shape()]\n",
            TF + "dims = [tf.compat.dimension_value(d) for d in x.get_shape()]\n",
        ),
        Example(
            TF + "_, h, w, c = x.get_shape()\nn = h.value * w.value\n",
            TF + "_, h, w, c = x.get_shape()\n"
            "n = tf.compat.dimension_value(h) * tf.compat.dimension_value(w)\n",
        ),
        Example(
            TF + "def f(x):\n    s = x.get_shape()\n    for i, d in enumerate(s[1:]):\n"
            "        print(i, d.value, s[0].value)\n",
            TF + "def f(x):\n    s = x.get_shape()\n    for i, d in enumerate(s[1:]):\n"
            "        print(i, tf.compat.dimension_value(d), tf.compat.dimension_value(s[0]))\n",
        ),
        # not provable (a shape passed in): left alone and reported
        Example(TF + "def f(input_shape):\n    return input_shape[-1].value\n"),
    )

    def __init__(self) -> None:
        self._scopes: dict[int, dict[str, set[str]]] = {}  # function (or module) -> bindings
        self._module: cst.Module | None = None

    def prepare(self, ctx: Context, module: cst.Module) -> None:
        self._module = module  # scanned lazily: only where a `.value` needs it

    def leave_attribute(
        self, ctx: Context, original: cst.Attribute, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        if original.attr.value != "value" or not ctx.uses_tensorflow or not ctx.enabled(self.id):
            return updated
        assert isinstance(updated, cst.Attribute)
        if is_static_dimension(original.value) or self._dimension(ctx, original.value):
            argument = updated.value
        elif _is_dimension_call(ctx, original.value):
            assert isinstance(updated.value, cst.Call)
            argument = updated.value.args[0].value
            ctx.retract(original.value.func)  # type: ignore[attr-defined]
        else:
            self._report_unproven(ctx, original)
            return updated
        ctx.changed()
        call = cst.Call(func=ctx.tf_expression(DIMENSION_VALUE), args=[cst.Arg(argument)])
        return keep_parentheses(updated, call)

    # ------------------------------------------------------------------ through names
    def _kinds(self, ctx: Context, name: str) -> set[str]:
        """How `name` is bound in the innermost scope (of the walk) that binds it."""
        for frame in reversed(ctx.frames):
            table = self._scope(frame.function)
            if name in table:
                return table[name]
        return set()

    def _scope(self, function: cst.FunctionDef | None) -> dict[str, set[str]]:
        key = id(function) if function is not None else 0
        table = self._scopes.get(key)
        if table is None:
            scanner = _Bindings()
            if function is not None:
                for param in _params(function):
                    scanner.add(param, "other")
                visit(function.body, scanner)
            elif self._module is not None:
                for statement in self._module.body:
                    if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                        visit(statement, scanner)
            table = self._scopes[key] = scanner.table
        return table

    def _dimension(self, ctx: Context, node: cst.BaseExpression) -> bool:
        """A dimension by construction: an index into a shape, or a name only ever one."""
        if isinstance(node, cst.Name):
            return self._kinds(ctx, node.value) == {"dim"}
        return _is_index(node) and self._shape(ctx, node.value)  # type: ignore[attr-defined]

    def _shape(self, ctx: Context, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self._kinds(ctx, node.value) == {"shape"}
        return _shape_expression(node, lambda n: self._shape(ctx, n))

    def _report_unproven(self, ctx: Context, original: cst.Attribute) -> None:
        """`.value` on what reads like a dimension but is not proven one: say so."""
        base = original.value
        while isinstance(base, cst.Subscript):
            base = base.value
        if isinstance(base, cst.Attribute):
            label = base.attr.value
        elif isinstance(base, cst.Name):
            label = base.value
        else:
            return
        bound_as_dimension = isinstance(original.value, cst.Name) and bool(
            self._kinds(ctx, label) & {"dim", "shape"}
        )
        if not bound_as_dimension and not _SHAPE_LIKE.search(label):
            return
        shown = _code(original.value)
        ctx.report(
            original,
            self.id,
            f"`{shown}.value`: cannot tell whether `{shown}` is a TF1 Dimension (a shape passed "
            "in, or a name bound to other values too), so it is left as is; if it is one, "
            f"`.value` raises in TF2: write `tf.compat.dimension_value({shown})`",
            Severity.WARNING,
        )


class _Bindings(cst.CSTVisitor):
    """Name -> {"shape", "dim", "other"}: what each binding in one scope gives it."""

    def __init__(self) -> None:
        self.table: dict[str, set[str]] = {}

    def add(self, name: str, kind: str) -> None:
        self.table.setdefault(name, set()).add(kind)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.add(node.name.value, "other")
        return False  # its own scope

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.add(node.name.value, "other")
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind(target.target, self.kind(node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.bind(node.target, self.kind(node.value) if node.value is not None else "other")

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.bind(node.target, "other")

    def visit_For(self, node: cst.For) -> None:
        self.iterate(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.iterate(node.target, node.iter)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.bind(node.asname.name, "other")

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind(node.target, self.kind(node.value))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(target, cst.Name):
                self.add(target.value, "other")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(target, cst.Name):
                self.add(target.value, "other")

    # -------------------------------------------------------------- kinds
    def kind(self, value: cst.BaseExpression) -> str:
        if self.is_shape(value):
            return "shape"
        if isinstance(value, cst.Name):
            known = self.table.get(value.value, set())
            return "dim" if known == {"dim"} else "other"
        if _is_index(value) and self.is_shape(value.value):  # type: ignore[attr-defined]
            return "dim"
        return "other"

    def is_shape(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.table.get(node.value, set()) == {"shape"}
        return _shape_expression(node, self.is_shape)

    def bind(self, target: cst.BaseExpression, kind: str) -> None:
        if isinstance(target, cst.Name):
            self.add(target.value, kind)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element, cst.StarredElement):  # `_, *rest = shape`: a shape
                    self.bind(element.value, "shape" if kind == "shape" else "other")
                else:
                    self.bind(element.value, "dim" if kind == "shape" else "other")

    def iterate(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        """`for d in shape`, `for i, d in enumerate(shape)`, `for d in reversed(shape)`."""
        if self.is_shape(iterable):
            self.bind(target, "dim")
            return
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name):
            args = [a.value for a in iterable.args if a.keyword is None and not a.star]
            wrapper = iterable.func.value
            if wrapper == "enumerate" and args and self.is_shape(args[0]):
                if isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2:
                    self.bind(target.elements[0].value, "other")
                    self.bind(target.elements[1].value, "dim")
                    return
            if wrapper in ("reversed", "list", "tuple", "iter") and args and self.is_shape(args[0]):
                self.bind(target, "dim")
                return
        self.bind(target, "other")


def _shape_expression(node: cst.BaseExpression, is_shape) -> bool:
    """`x.get_shape()`, `x.shape`, `<shape>.dims`, `<shape>[1:]`, `tf.TensorShape(...)`,
    `<shape>.with_rank(4)`; names are asked of `is_shape`."""
    if isinstance(node, cst.Attribute):
        if node.attr.value == "shape":
            return True
        return node.attr.value == "dims" and is_shape(node.value)
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _SHAPE_METHODS:
            if func.attr.value == "get_shape":
                return not node.args
            return is_shape(func.value)
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        return name == "TensorShape"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        return isinstance(node.slice[0].slice, cst.Slice) and is_shape(node.value)
    return False


def _is_index(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Subscript)
        and len(node.slice) == 1
        and isinstance(node.slice[0].slice, cst.Index)
    )


def _params(function: cst.FunctionDef) -> list[str]:
    params = function.params
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _is_dimension_call(ctx: Context, node: cst.BaseExpression) -> bool:
    """`tf.Dimension(n)` with exactly one positional argument."""
    if not isinstance(node, cst.Call) or len(node.args) != 1:
        return False
    arg = node.args[0]
    if arg.keyword is not None or arg.star:
        return False
    found = call_symbol(ctx, node)
    return found is not None and found[1] == "tf.Dimension"
