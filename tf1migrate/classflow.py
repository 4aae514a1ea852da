"""What a model class's methods keep on `self`, and which placeholders those values need.

A TF1 model class builds its graph in `__init__` (often through `self._build()`-style
helpers) and keeps the results as attributes: `self.scores = tf.nn.xw_plus_b(...)`. The
classic tutorials also make their inputs there: `self.input_x = tf.placeholder(...)`. To wrap
such a class as a layer, the plan needs, per method, in one walk of its own body:

* its **placeholders**, each with a *feed key*: the name it is assigned to (`self.input_x =
  tf.placeholder(...)` is `input_x`; `c_in = tf.placeholder(...)` is `c_in`; `self.x = x =
  ...` is `x`). The generated layer's call takes one input per key. `placeholder_key` is
  the rule, shared with verify, which maps a TF1 graph's placeholders back to keys;
* every **`self.<attr> = <value>`**, with what the value is (`tensor`, `placeholder`,
  `variable`, `other` — numbers, numpy arrays, cells, collections of variables —, or what it
  is made of when only the plan can tell: `=x` is a copy of attribute `x` (`=param:p` of a
  parameter, `=m()` of a method's result), `~x|param:p` is computed from them) and which
  placeholder keys, attributes (`@attr`) and other methods' results (`@method()`) it is
  computed from.

Locals are followed through assignments, loops and `list.append`; other methods' attributes
stay symbolic (`@attr`) and are resolved by the plan over every method `__init__` runs.
This is an approximation of Python's semantics on purpose: it is used to keep placeholders,
variables and configuration out of a layer's outputs, and to leave out outputs that need a
data input the caller did not give.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

#: TF1 symbols that make a placeholder (and our runtime's stand-in for them).
PLACEHOLDER_SYMBOLS = frozenset(
    {
        "tf.placeholder",
        "tf.placeholder_with_default",
        "tf1compat.placeholder",
        "tf1compat.placeholder_with_default",
    }
)
#: TF1 symbols that make variables (their values are weights, not outputs).
VARIABLE_SYMBOLS = frozenset(
    {"tf.get_variable", "tf.Variable", "tf.get_local_variable", "tf.compat.v1.get_variable"}
)
#: TF1 calls whose results are not tensors (collections, scopes, graphs, shapes).
NOT_TENSOR_SYMBOLS = frozenset(
    {
        "tf.get_collection",
        "tf.get_collection_ref",
        "tf.get_variable_scope",
        "tf.trainable_variables",
        "tf.global_variables",
        "tf.local_variables",
        "tf.model_variables",
        "tf.moving_average_variables",
        "tf.get_default_graph",
        "tf.get_default_session",
        "tf.TensorShape",
        "tf.as_dtype",
        "tf.variable_scope",
        "tf.name_scope",
        "tf.device",
        "tf.control_dependencies",
    }
)
_NOT_TENSOR_PREFIXES = (
    "tf.train.",
    "tf.summary.",
    "tf.saved_model.",
    "tf.estimator.",
    "tf.initializers.",
    "tf.keras.",
    "tf.data.",
    "tf.flags.",
    "tf.app.",
)
#: Methods whose results are Python values, not tensors.
_PYTHON_METHODS = frozenset(
    {
        "get_shape",
        "as_list",
        "numpy",
        "append",
        "extend",
        "insert",
        "items",
        "keys",
        "values",
        "get",
        "format",
        "join",
        "split",
        "lower",
        "upper",
        "copy",
        "update",
        "pop",
        "count",
        "index",
        "startswith",
        "endswith",
        "replace",
        "strip",
        "eval",
        "run",
    }
)
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update"})
_PYTHON_BUILTINS = frozenset(
    {
        "len",
        "range",
        "enumerate",
        "zip",
        "int",
        "float",
        "bool",
        "str",
        "dict",
        "set",
        "list",
        "tuple",
        "sorted",
        "min",
        "max",
        "sum",
        "abs",
        "round",
        "isinstance",
        "print",
        "getattr",
        "hasattr",
        "type",
        "map",
        "filter",
        "reversed",
        "any",
        "all",
        "repr",
        "format",
    }
)


@dataclass(frozen=True)
class PlaceholderInfo:
    """One `tf.placeholder(...)` in a model class's method."""

    key: str | None  # the name it is assigned to; None when it is not assigned to a name
    line: int
    dtype: str  # "float32", or "?" when not a TF dtype we can name
    dims: tuple[str, ...] | None  # "None", an int literal, or "?" (computed); None: no shape
    name: str | None = None  # its `name=` literal
    with_default: bool = False  # `tf.placeholder_with_default`: unfed, it is its default

    @property
    def data(self) -> bool:
        """Batch-shaped (an unknown dimension or no shape at all): fed per call."""
        return self.dims is None or "None" in self.dims

    @property
    def spec(self) -> str:
        return (
            f"{self.dtype}[{', '.join(self.dims)}]" if self.dims is not None else f"{self.dtype}[?]"
        )


@dataclass(frozen=True)
class SelfValue:
    """`self.<attr> = <value>` (or a mutation of it) in a method's own body."""

    attr: str
    # "tensor" | "placeholder" | "variable" | "other"; or not known yet: "=<ref>" (a copy) or
    # "~<ref>|<ref>" (computed from them), a ref being an attribute, "method()" or "param:p"
    kind: str
    deps: tuple[str, ...] = ()  # placeholder keys, and "@attr" for other attributes
    line: int = 0


@dataclass(frozen=True)
class ClassFlow:
    placeholders: tuple[PlaceholderInfo, ...] = ()
    self_values: tuple[SelfValue, ...] = ()
    self_reads: tuple[str, ...] = ()
    return_deps: tuple[str, ...] = ()  # what its return values are computed from
    return_kind: str = "other"  # what it returns (the kinds of SelfValue)


def placeholder_key(targets: list[ast.expr]) -> str | None:
    """The feed key of `<targets> = tf.placeholder(...)`: the first `self.<attr>` or name.

    `self.input_x = tf.placeholder(...)` → "input_x"; `self.x = x = ...` → "x";
    `c_in = ...` → "c_in"; a subscript or tuple target has no key.
    """
    for target in targets:
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            return target.attr
    for target in targets:
        if isinstance(target, ast.Name):
            return target.id
    return None


def feed_keyword(call: ast.Call) -> str | None:
    """`feed="input_x"` of an already migrated `tf1compat.placeholder(...)`."""
    for keyword in call.keywords:
        if keyword.arg == "feed" and isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            return value if isinstance(value, str) else None
    return None


_Value = tuple[str, frozenset[str]]  # (kind, deps)
_OTHER: _Value = ("other", frozenset())
_CONCRETE = ("tensor", "placeholder", "variable")  # most tensor-like first


def _refs(kind: str) -> set[str]:
    """What a kind refers to: `=x` / `~x|m()|param:p` → {"x", "m()", "param:p"}."""
    if kind.startswith("="):
        return {kind[1:]}
    if kind.startswith("~"):
        return set(kind[1:].split("|"))
    return set()


def computed(kinds: list[str]) -> str:
    """The kind of a value computed from values of these kinds (`a + b`, `f(a, b)` parts).

    A tensor, placeholder or variable among them makes a tensor; otherwise what they refer
    to (attributes, methods' results, parameters) decides later (`~...`); else `other`.
    """
    if any(k in _CONCRETE for k in kinds):
        return "tensor"
    refs = set().union(*(_refs(k) for k in kinds)) if kinds else set()
    return "~" + "|".join(sorted(refs)) if refs else "other"


def merged(kinds: list[str]) -> str:
    """The kind of a name or attribute given each of these values in turn (loops, branches)."""
    for concrete in _CONCRETE:
        if concrete in kinds:
            return concrete
    refs = [k for k in kinds if k.startswith(("=", "~"))]
    if len(set(refs)) == 1:
        return refs[0]
    return computed(refs) if refs else "other"


def _collection(parts: list[_Value]) -> _Value:
    deps = frozenset().union(*(d for _, d in parts)) if parts else frozenset()
    kinds = [k for k, _ in parts]
    if kinds and set(kinds) <= {"placeholder"}:
        return ("placeholder", deps)
    if kinds and set(kinds) <= {"variable"}:
        return ("variable", deps)
    if "tensor" in kinds:
        return ("tensor", deps)
    return (computed([k for k in kinds if k not in ("placeholder", "variable")]), deps)


class _Flow:
    def __init__(
        self,
        symbol: Callable[[ast.expr], str | None],
        params: frozenset[str],
        numpy_names: frozenset[str],
    ) -> None:
        self.symbol = symbol
        self.params = params
        self.numpy = numpy_names
        self.env: dict[str, _Value] = {}
        self.placeholders: list[PlaceholderInfo] = []
        self.values: list[SelfValue] = []
        self.reads: list[str] = []
        self.returns: set[str] = set()
        self.return_kinds: list[str] = []
        self.seen_placeholders: set[int] = set()

    # -------------------------------------------------------------- expressions
    def value(self, node: ast.expr | None) -> _Value:
        if node is None:
            return _OTHER
        if isinstance(node, ast.Name):
            if node.id in self.env:
                return self.env[node.id]
            if node.id in self.params:
                return (f"=param:{node.id}", frozenset())
            return _OTHER
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                self.reads.append(node.attr)
                return (f"={node.attr}", frozenset({f"@{node.attr}"}))
            _, deps = self.value(node.value)
            return ("other", deps)  # x.shape, cell.state_size: Python values
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Subscript):
            kind, deps = self.value(node.value)
            self.value(node.slice)
            return (kind if kind in _CONCRETE else computed([kind]), deps)
        if isinstance(node, ast.Starred):
            return self.value(node.value)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            parts = [self.value(e) for e in node.elts]
            return _collection(parts)
        if isinstance(node, ast.Dict):
            parts = [self.value(v) for v in node.values]
            return ("other", frozenset().union(*(d for _, d in parts)) if parts else frozenset())
        if isinstance(node, (ast.BinOp, ast.BoolOp, ast.Compare, ast.UnaryOp, ast.IfExp)):
            children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
            parts = [self.value(c) for c in children]
            deps = frozenset().union(*(d for _, d in parts)) if parts else frozenset()
            return (computed([k for k, _ in parts]), deps)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            for generator in node.generators:
                self.value(generator.iter)
            kind, deps = self.value(node.elt)
            return (_collection([(kind, deps)])[0], deps)
        return _OTHER

    def call(self, node: ast.Call) -> _Value:
        parts = [self.value(a) for a in node.args] + [self.value(k.value) for k in node.keywords]
        deps = frozenset().union(*(d for _, d in parts)) if parts else frozenset()
        symbol = self.symbol(node.func)
        if symbol is not None:
            if symbol in PLACEHOLDER_SYMBOLS:
                if id(node) not in self.seen_placeholders:  # not assigned to a name
                    self.placeholders.append(self._placeholder(node, None))
                return ("placeholder", deps)
            if symbol in VARIABLE_SYMBOLS:
                return ("variable", frozenset())
            last = symbol.rsplit(".", 1)[-1]
            if (
                symbol in NOT_TENSOR_SYMBOLS
                or symbol.startswith(_NOT_TENSOR_PREFIXES)
                or last[:1].isupper()
                or last.endswith(("_initializer", "_regularizer"))
            ):
                return ("other", deps)
            return ("tensor", deps)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
        ):  # another method of the object: its result is what it returns
            self.reads.append(func.attr)
            return (f"={func.attr}()", deps | {f"@{func.attr}()"})
        if isinstance(func, ast.Attribute):
            receiver = func.value
            receiver_kind, receiver_deps = self.value(receiver)
            head = receiver
            while isinstance(head, ast.Attribute):
                head = head.value
            if isinstance(head, ast.Name) and head.id in self.numpy:
                return ("other", deps)
            if func.attr in _MUTATORS and parts:
                self._mutate(receiver, parts)
            if func.attr in _PYTHON_METHODS:
                return ("other", deps | receiver_deps)
            if func.attr[:1].isupper():
                return ("other", deps | receiver_deps)
            return ("tensor", deps | receiver_deps)
        if isinstance(func, ast.Name):
            if func.id in _PYTHON_BUILTINS:
                kinds = [k for k, _ in parts]
                if func.id in ("list", "tuple", "sorted", "reversed") and kinds:
                    return (kinds[0] if kinds[0] in _CONCRETE else computed(kinds[:1]), deps)
                return ("other", deps)
            if func.id[:1].isupper():
                return ("other", deps)
            if func.id in self.env:  # a local object called: a cell, a template, a network
                return ("tensor", deps | self.env[func.id][1])
        return ("tensor", deps)

    def _mutate(self, receiver: ast.expr, parts: list[_Value]) -> None:
        added = _collection(parts)
        if isinstance(receiver, ast.Name):
            kind, deps = self.env.get(receiver.id, _OTHER)
            self.env[receiver.id] = (merged([kind, added[0]]), deps | added[1])
        elif (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "self"
        ):
            self.values.append(
                SelfValue(receiver.attr, added[0], tuple(sorted(added[1])), receiver.lineno)
            )

    def _placeholder(self, call: ast.Call, key: str | None) -> PlaceholderInfo:
        dtype_node = call.args[0] if call.args else None
        shape_node = call.args[1] if len(call.args) > 1 else None
        name = None
        with_default = self.symbol(call.func) in (
            "tf.placeholder_with_default",
            "tf1compat.placeholder_with_default",
        )
        if with_default:
            dtype_node = None  # (input, shape, name): the dtype is the default's
            shape_node = call.args[1] if len(call.args) > 1 else None
        for keyword in call.keywords:
            if keyword.arg == "dtype":
                dtype_node = keyword.value
            elif keyword.arg == "shape":
                shape_node = keyword.value
            elif keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                name = keyword.value.value if isinstance(keyword.value.value, str) else None
        if len(call.args) > 2 and isinstance(call.args[2], ast.Constant):
            name = call.args[2].value if isinstance(call.args[2].value, str) else name
        dtype = "?"
        symbol = self.symbol(dtype_node) if dtype_node is not None else None
        if symbol is not None and symbol.startswith("tf."):
            dtype = symbol.removeprefix("tf.")
        elif isinstance(dtype_node, ast.Constant) and isinstance(dtype_node.value, str):
            dtype = dtype_node.value
        return PlaceholderInfo(key, call.lineno, dtype, _dims(shape_node), name, with_default)

    # -------------------------------------------------------------- statements
    def block(self, statements: list[ast.stmt], weak: bool) -> None:
        for statement in statements:
            self.statement(statement, weak)

    def statement(self, node: ast.stmt, weak: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return
        if isinstance(node, ast.Assign):
            self.assign(node.targets, node.value, weak)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.assign([node.target], node.value, weak)
        elif isinstance(node, ast.AugAssign):
            current = self.value(node.target)
            added = self.value(node.value)
            value = (computed([current[0], added[0]]), current[1] | added[1])
            self.bind(node.target, value, True, node.lineno)
        elif isinstance(node, ast.Expr):
            self.value(node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            kind, deps = self.value(node.iter)
            element = (
                kind if kind in _CONCRETE else ("other" if kind == "other" else computed([kind]))
            )
            self.bind(node.target, (element, deps), True, 0)
            for _ in range(2):  # loop-carried values (`x = conv(x)`) settle in two rounds
                self.block(node.body, True)
            self.block(node.orelse, True)
        elif isinstance(node, ast.While):
            self.value(node.test)
            for _ in range(2):
                self.block(node.body, True)
            self.block(node.orelse, True)
        elif isinstance(node, ast.If):
            self.value(node.test)
            self.block(node.body, True)
            self.block(node.orelse, True)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                value = self.value(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, ("other", value[1]), weak, node.lineno)
            self.block(node.body, weak)
        elif isinstance(node, ast.Try):
            self.block(node.body, True)
            for handler in node.handlers:
                self.block(handler.body, True)
            self.block(node.orelse, True)
            self.block(node.finalbody, weak)
        elif isinstance(node, ast.Return):
            kind, deps = self.value(node.value)
            self.returns |= deps
            self.return_kinds.append(kind)

    def assign(self, targets: list[ast.expr], value_node: ast.expr, weak: bool) -> None:
        if isinstance(value_node, ast.Call) and self.symbol(value_node.func) in PLACEHOLDER_SYMBOLS:
            key = feed_keyword(value_node) or placeholder_key(targets)
            self.seen_placeholders.add(id(value_node))
            self.placeholders.append(self._placeholder(value_node, key))
        value = self.value(value_node)
        if value[0] == "placeholder" and isinstance(value_node, ast.Call):
            key = feed_keyword(value_node) or placeholder_key(targets)
            value = ("placeholder", frozenset({key}) if key else frozenset())
        for target in targets:
            if (
                isinstance(target, (ast.Tuple, ast.List))
                and isinstance(value_node, ast.Call)
                and self.symbol(value_node.func) is None
            ):
                # `out, table = embedding_lookup(...)`: which element is a tensor and which a
                # variable only the callee knows, so none counts as an output
                self.bind(target, ("other", value[1]), weak, value_node.lineno)
                continue
            self.bind(target, value, weak, value_node.lineno)

    def bind(self, target: ast.expr, value: _Value, weak: bool, line: int) -> None:
        if isinstance(target, ast.Name):
            if weak and target.id in self.env:
                old = self.env[target.id]
                self.env[target.id] = (merged([old[0], value[0]]), old[1] | value[1])
            else:
                self.env[target.id] = value
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            self.values.append(SelfValue(target.attr, value[0], tuple(sorted(value[1])), line))
        elif isinstance(target, (ast.Tuple, ast.List)):
            kind = (
                value[0] if value[0] in _CONCRETE or value[0] == "other" else computed([value[0]])
            )
            for element in target.elts:
                self.bind(element, (kind, value[1]), weak, line)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value, weak, line)
        elif isinstance(target, ast.Subscript):
            self.value(target.value)


def _dims(shape: ast.expr | None) -> tuple[str, ...] | None:
    """`[None, 8]` → ("None", "8"); `[None] + list(s)` → ("None", "?"); no shape → None."""
    if shape is None or (isinstance(shape, ast.Constant) and shape.value is None):
        return None
    if isinstance(shape, (ast.List, ast.Tuple)):
        dims = []
        for element in shape.elts:
            if isinstance(element, ast.Constant) and element.value is None:
                dims.append("None")
            elif isinstance(element, ast.Constant) and isinstance(element.value, int):
                dims.append(str(element.value))
            else:
                dims.append("?")
        return tuple(dims)
    if isinstance(shape, ast.BinOp) and isinstance(shape.op, ast.Add):
        left, right = _dims(shape.left), _dims(shape.right)
        if left is not None and right is not None:
            return left + right
        if left is not None:
            return (*left, "?")
        if right is not None:
            return ("?", *right)
    if isinstance(shape, ast.Call):  # list(ob_shape): a computed shape of unknown rank
        return ("?",)
    return ("?",)


def class_flow(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    symbol: Callable[[ast.expr], str | None],
    params: frozenset[str],
    numpy_names: frozenset[str] = frozenset({"np", "numpy"}),
) -> ClassFlow:
    """The placeholders and `self` values of one method (its own body, not nested defs)."""
    flow = _Flow(symbol, params, numpy_names)
    flow.block(function.body, False)
    return ClassFlow(
        placeholders=tuple(flow.placeholders),
        self_values=tuple(flow.values),
        self_reads=tuple(dict.fromkeys(flow.reads)),
        return_deps=tuple(sorted(flow.returns)),
        return_kind=_join_returns(flow.return_kinds),
    )


def _join_returns(kinds: list[str]) -> str:
    return merged(kinds) if kinds else "other"
