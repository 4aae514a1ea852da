"""Reading the original repository for spec inference: files listed and parsed once per run,
the wrapped callable's definition, flag definitions, and the pieces every inference source
shares (dimension resolution, dtypes, placeholders). LibCST only: nothing is imported or run.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import libcst as cst

from tf1migrate.verify.discover import iter_python_files
from tf1migrate.verify.model import TensorSpec, WrapperTarget
from tf1migrate.verify.specs import SpecError, normalise_dtype

#: An unknown first (batch) dimension, and any other unknown dimension.
BATCH_DIM = 2
FREE_DIM = 8
_PLACEHOLDERS = {"placeholder", "placeholder_with_default"}


@functools.lru_cache(maxsize=64)
def python_files(root: Path) -> tuple[Path, ...]:
    """Every Python file under ``root``, listed once per run (16 layers, one walk)."""
    return tuple(iter_python_files([root]))


@functools.lru_cache(maxsize=4096)
def _source(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError:
        return None


@functools.lru_cache(maxsize=1024)
def _parse(file: Path) -> cst.Module | None:
    source = _source(file)
    if source is None:
        return None
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError:
        return None


def parsed_module(file: Path, must_contain: str | None = None) -> cst.Module | None:
    """``file`` parsed once per run; None when unreadable, unparsable, or (cheap pre-filter)
    its bytes do not contain ``must_contain``: most files never mention the callable."""
    if must_contain is not None:
        source = _source(file)
        if source is None or must_contain.encode() not in source:
            return None
    return _parse(file)


def called_name(func: cst.BaseExpression) -> str | None:
    """``f`` for ``f(...)``, ``obj.f(...)`` and ``a.b.f(...)``."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def call_arguments(
    call: cst.Call,
) -> tuple[list[cst.BaseExpression], dict[str, cst.BaseExpression]]:
    """A call's positional values (up to the first ``*args``) and its keyword values."""
    positional: list[cst.BaseExpression] = []
    for arg in call.args:
        if arg.star:
            break
        if arg.keyword is None:
            positional.append(arg.value)
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    return positional, keywords


def argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    positional, keywords = call_arguments(call)
    if keyword in keywords:
        return keywords[keyword]
    return positional[position] if position < len(positional) else None


# ----------------------------------------------------------------------------- flags

_FLAG_DEFINERS = {
    "DEFINE_integer": "integer", "DEFINE_float": "float", "DEFINE_string": "string",
    "DEFINE_boolean": "boolean", "DEFINE_bool": "boolean", "DEFINE_enum": "string",
    "DEFINE_list": "list", "DEFINE_multi_string": "list", "DEFINE_multi_integer": "list",
}  # fmt: skip


@functools.lru_cache(maxsize=16)
def flag_definitions(root: Path) -> dict[str, tuple[str, str]]:
    """``{flag name: (kind, default expression)}`` from every ``flags.DEFINE_*("name",
    default, ...)`` under ``root`` (absl, ``tf.app.flags``, ``tf.flags``): what FLAGS holds
    when the program runs with no arguments. The first definition of a name wins."""
    found: dict[str, tuple[str, str]] = {}
    for file in python_files(root):
        module = parsed_module(file, must_contain="DEFINE_")
        if module is None:
            continue
        collector = _FlagCollector(module)
        module.visit(collector)
        for name, value in collector.flags.items():
            found.setdefault(name, value)
    return found


def flag_defaults(root: Path) -> dict[str, str]:
    """``{flag name: default expression}`` (see `flag_definitions`)."""
    return {name: default for name, (_, default) in flag_definitions(root).items()}


def literal_flags(root: Path) -> dict[str, list]:
    """The flags whose default is a Python literal, as ``{name: [kind, value]}`` (JSON): what a
    child defines before importing user code that reads flags defined elsewhere (train.py)."""
    found = {}
    for name, (kind, default) in flag_definitions(root).items():
        try:
            value = ast.literal_eval(default)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if kind == "list" and isinstance(value, str):
            value = [item for item in value.split(",") if item]
        if value is None or _fits(kind, value):
            found[name] = [kind, value]
    return found


def _fits(kind: str, value: object) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list | tuple)
    return isinstance(value, str)


class _FlagCollector(cst.CSTVisitor):
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.flags: dict[str, tuple[str, str]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        kind = _FLAG_DEFINERS.get(called_name(node.func) or "")
        if kind is None:
            return
        name_node = argument(node, 0, "name")
        default = argument(node, 1, "default")
        if isinstance(name_node, cst.SimpleString) and default is not None:
            name = str(name_node.evaluated_value)
            self.flags[name] = (kind, self.module.code_for_node(default))


# ----------------------------------------------------------------------------- shapes


class DimResolver:
    """Turns a dimension expression into a number: integers as written, names through the
    assignments visible at the call (``n_steps = 28``), ``FLAGS.x`` through the flag's
    default, simple arithmetic of those; None gives `BATCH_DIM` first and `FREE_DIM` after,
    and anything else (``hparams.n_ctx``) a small number too."""

    def __init__(self, assignments: dict[str, cst.BaseExpression], flags: dict[str, str]):
        self.assignments, self.flags = assignments, flags

    def __call__(self, node: cst.BaseExpression, index: int) -> int:
        value = self.value(node, depth=0)
        if value is None or value <= 0:
            return BATCH_DIM if index == 0 else FREE_DIM
        return value

    def value(self, node: cst.BaseExpression, depth: int) -> int | None:
        if depth > 8:
            return None
        if isinstance(node, cst.Integer):
            return int(node.value)
        if isinstance(node, cst.Name):
            if node.value == "None":
                return None
            bound = self.assignments.get(node.value)
            return self.value(bound, depth + 1) if bound is not None else None
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            if node.value.value == "FLAGS" and node.attr.value in self.flags:
                try:
                    parsed = int(self.flags[node.attr.value])
                except ValueError:
                    return None
                return parsed
            bound = self.assignments.get(f"{node.value.value}.{node.attr.value}")
            return self.value(bound, depth + 1) if bound is not None else None
        if isinstance(node, cst.BinaryOperation):
            left, right = self.value(node.left, depth + 1), self.value(node.right, depth + 1)
            if left is None or right is None:
                return None
            if isinstance(node.operator, cst.Multiply):
                return left * right
            if isinstance(node.operator, cst.Add):
                return left + right
            if isinstance(node.operator, cst.Subtract):
                return left - right
            if isinstance(node.operator, cst.FloorDivide) and right:
                return left // right
        return None


def dtype_of(node: cst.BaseExpression | None) -> str | None:
    """``tf.int32``, ``np.float32``, ``'int64'``, ``int32`` → the dtype name, else None."""
    if isinstance(node, cst.Attribute):
        name = node.attr.value
    elif isinstance(node, cst.SimpleString):
        name = str(node.evaluated_value)
    elif isinstance(node, cst.Name):
        name = node.value
    else:
        return None
    try:
        return normalise_dtype(name)
    except SpecError:
        return None


def static_shape(
    node: cst.BaseExpression | None, dims: DimResolver, offset: int = 0
) -> tuple[int, ...] | None:
    """A literal list/tuple shape; ``offset`` is the axis of its first element (1 for the
    shape of one example that a batch dimension will precede)."""
    if isinstance(node, cst.Integer):
        return (dims(node, offset),)
    if not isinstance(node, cst.List | cst.Tuple):
        return None
    if any(isinstance(element, cst.StarredElement) for element in node.elements):
        return None
    return tuple(dims(e.value, index + offset) for index, e in enumerate(node.elements))


def placeholder_spec(
    node: cst.BaseExpression, dims: DimResolver | None = None
) -> TensorSpec | None:
    """``tf.placeholder(tf.int32, [None, 8])`` (any alias, keywords or not) → `TensorSpec`."""
    if not isinstance(node, cst.Call):
        return None
    called = called_name(node.func)
    if called not in _PLACEHOLDERS or called == "placeholder_with_default":
        return None  # with a default, the shape comes from a value we cannot evaluate
    dtype = dtype_of(argument(node, 0, "dtype"))
    shape_node = argument(node, 1, "shape")
    if dtype is None or shape_node is None:
        return None
    shape = static_shape(shape_node, dims or DimResolver({}, {}))
    return TensorSpec(dtype, shape) if shape is not None else None


# ----------------------------------------------------------------------------- definitions


def original_file(target: WrapperTarget, original_root: Path) -> Path:
    relative = Path(*target.module.split("."))
    as_module = original_root / relative.with_suffix(".py")
    return as_module if as_module.exists() else original_root / relative / "__init__.py"


def original_definition(
    target: WrapperTarget, original_root: Path
) -> cst.FunctionDef | cst.ClassDef | None:
    """The wrapped function, method or class in the original module."""
    module = parsed_module(original_file(target, original_root))
    if module is None:
        return None
    body: list[cst.CSTNode] = list(module.body)
    node: cst.CSTNode | None = None
    for part in target.wraps.split("."):
        definitions = [n for n in body if isinstance(n, cst.FunctionDef | cst.ClassDef)]
        node = next((n for n in definitions if n.name.value == part), None)
        if node is None:
            return None
        body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
    return node if isinstance(node, cst.FunctionDef | cst.ClassDef) else None


def original_function(target: WrapperTarget, original_root: Path) -> cst.FunctionDef | None:
    """The function a call of the wrapped callable runs: itself, or a class's ``__init__``."""
    node = original_definition(target, original_root)
    if isinstance(node, cst.ClassDef):
        return next(
            (
                item
                for item in node.body.body
                if isinstance(item, cst.FunctionDef) and item.name.value == "__init__"
            ),
            None,
        )
    return node


def original_signature(target: WrapperTarget, original_root: Path) -> list[str] | None:
    """The parameter names a call binds, in order (no ``self``), keyword-only ones last."""
    definition = original_definition(target, original_root)
    function = original_function(target, original_root)
    if function is None:
        return None
    names = [p.name.value for p in (*function.params.posonly_params, *function.params.params)]
    bound = "." in target.wraps or isinstance(definition, cst.ClassDef)
    if bound and names and names[0] in ("self", "cls"):
        names = names[1:]
    return names + [p.name.value for p in function.params.kwonly_params]


def original_docstring(target: WrapperTarget, original_root: Path) -> str | None:
    """The wrapped callable's docstring (a class's own, else its ``__init__``'s)."""
    definition = original_definition(target, original_root)
    if definition is None:
        return None
    docstring = definition.get_docstring()
    if docstring is None and isinstance(definition, cst.ClassDef):
        init = original_function(target, original_root)
        docstring = init.get_docstring() if init is not None else None
    return docstring


def module_level_names(file: Path) -> set[str]:
    module = parsed_module(file)
    if module is None:
        return set()
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            names.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for item in statement.body:
                if isinstance(item, cst.Import):
                    for alias in item.names:
                        names.add(alias_name(alias).split(".")[0])
                elif isinstance(item, cst.ImportFrom):
                    if not isinstance(item.names, cst.ImportStar):
                        names.update(alias_name(alias) for alias in item.names)
                elif isinstance(item, cst.Assign):
                    for target in item.targets:
                        if isinstance(target.target, cst.Name):
                            names.add(target.target.value)
    return names


def alias_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return cst.Module([]).code_for_node(alias.name)


def clear_caches() -> None:
    """Forget listed and parsed files (a run reads a tree that may change between runs)."""
    for cached in (python_files, _source, _parse, flag_definitions):
        cached.cache_clear()
