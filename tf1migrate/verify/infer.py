"""Infer a missing input spec from the original code: placeholder call sites, then docstrings.

TF1 repos usually say how a model is fed, just not in one place: ``X = tf.placeholder(tf.int32,
[None, 8])`` a few lines before ``model(hparams=hparams, X=X)``, or "x: float32 [batch, 784]"
in the docstring. Both are read with LibCST, never executed. Unknown (``None``) dimensions
become `BATCH_DIM` for the first axis and `FREE_DIM` for the others.
"""

from __future__ import annotations

import builtins
import functools
import re
from pathlib import Path

import libcst as cst

from tf1migrate.verify.discover import import_location, iter_python_files
from tf1migrate.verify.model import CallSpec, TensorSpec, WrapperTarget
from tf1migrate.verify.specs import DTYPES, SpecError, normalise_dtype

BATCH_DIM = 2
FREE_DIM = 8
_PLACEHOLDERS = {"placeholder", "placeholder_with_default"}
# Dimension names in docstrings whose size is free to choose (any other name is unknown).
_BATCH_WORDS = {"batch", "batch_size", "bs", "b", "n", "none", "?", "num_examples"}
_FREE_WORDS = {
    "seq", "seq_len", "seq_length", "sequence_length", "length", "len", "time", "timesteps",
    "steps", "t",
}  # fmt: skip
_VAGUE_DTYPES = {"float", "double", "half"}  # ordinary English in a docstring


def infer_from_call_sites(target: WrapperTarget, original_root: Path) -> CallSpec | None:
    """Arguments seen where the original callable is called with placeholders, if any."""
    signature = _original_signature(target, original_root)
    if signature is None:
        return None
    function_name = target.wraps.rsplit(".", 1)[-1]
    module_leaf = target.module.rsplit(".", 1)[-1]
    resolvable = _module_level_names(_original_file(target, original_root)) | set(dir(builtins))
    tensor_names = {p.name for p in target.call_params}
    config_names = {p.name for p in target.init_params if not p.variadic}
    args: dict[str, str] = {}
    inputs: dict[str, TensorSpec] = {}
    for file in python_files(original_root):
        module = parsed_module(file, must_contain=function_name)
        if module is None:
            continue
        same_module = import_location(file, original_root)[0] == target.module
        finder = _CallSiteFinder(function_name, module_leaf, same_module)
        module.visit(finder)
        for call, assignments in finder.calls:
            for name, value in _bind_arguments(call, signature).items():
                value = _resolve_name(value, assignments)
                if name in tensor_names and name not in inputs:
                    spec = placeholder_spec(value)
                    if spec is not None:
                        inputs[name] = spec
                elif name in config_names and name not in args:
                    if _free_names(value) <= resolvable:
                        args[name] = module.code_for_node(value)
    if not inputs:
        return None
    return CallSpec(args=args, inputs=inputs, source="call-site")


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


def clear_caches() -> None:
    """Forget listed and parsed files (a run reads a tree that may change between runs)."""
    for cached in (python_files, _source, _parse):
        cached.cache_clear()


def infer_from_docstring(target: WrapperTarget, original_root: Path) -> CallSpec | None:
    """Shapes stated for the tensor arguments in the original callable's docstring."""
    function = _original_function(target, original_root)
    docstring = function.get_docstring() if function is not None else None
    if not docstring:
        return None
    inputs: dict[str, TensorSpec] = {}
    for param in target.call_params:
        spec = _docstring_tensor(docstring, param.name)
        if spec is not None:
            inputs[param.name] = spec
    if not inputs:
        return None
    return CallSpec(args={}, inputs=inputs, source="docstring")


def placeholder_spec(node: cst.BaseExpression) -> TensorSpec | None:
    """``tf.placeholder(tf.int32, [None, 8])`` (any alias, keywords or not) → `TensorSpec`."""
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    called = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    if called not in _PLACEHOLDERS:
        return None
    positional = [a.value for a in node.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    if called == "placeholder_with_default":
        return None  # shape comes from a default value we cannot evaluate statically
    dtype_node = keywords.get("dtype", positional[0] if positional else None)
    shape_node = keywords.get("shape", positional[1] if len(positional) > 1 else None)
    dtype = _dtype_of(dtype_node)
    if dtype is None or shape_node is None:
        return None
    shape = _static_shape(shape_node)
    return TensorSpec(dtype, shape) if shape is not None else None


def _dtype_of(node: cst.BaseExpression | None) -> str | None:
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


def _static_shape(node: cst.BaseExpression) -> tuple[int, ...] | None:
    if not isinstance(node, cst.List | cst.Tuple):
        return None
    dims: list[int] = []
    for index, element in enumerate(node.elements):
        value = element.value
        if isinstance(value, cst.Integer):
            dims.append(int(value.value))
        elif isinstance(value, cst.Name) and value.value == "None":
            dims.append(BATCH_DIM if index == 0 else FREE_DIM)
        else:
            return None
    return tuple(dims)


def _docstring_tensor(docstring: str, name: str) -> TensorSpec | None:
    pattern = re.compile(rf"^\s*`?{re.escape(name)}`?\s*(\(([^)]*)\))?\s*(:|--|-)\s*(.*)$")
    lines = docstring.splitlines()
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        text = " ".join([match.group(2) or "", match.group(4), *lines[index + 1 : index + 2]])
        shape = _shape_in_text(text)
        if shape is None:
            continue
        words = re.findall(r"[A-Za-z0-9_]+", text)
        named = [w for w in words if w in DTYPES and w not in _VAGUE_DTYPES]
        dtype = normalise_dtype(named[0]) if named else None
        return TensorSpec(dtype or "float32", shape)
    return None


def _shape_in_text(text: str) -> tuple[int, ...] | None:
    for match in re.finditer(r"[\[(]([^\[\]()]*,[^\[\]()]*|\s*[A-Za-z0-9_?]+\s*)[\])]", text):
        dims: list[int] = []
        for index, raw in enumerate(d.strip() for d in match.group(1).split(",")):
            if not raw:
                continue
            if raw.isdigit():
                dims.append(int(raw))
            elif raw.lower() in _BATCH_WORDS or raw.lower() in _FREE_WORDS:
                dims.append(BATCH_DIM if index == 0 else FREE_DIM)
            else:
                dims = []
                break
        if dims:
            return tuple(dims)
    return None


def _original_file(target: WrapperTarget, original_root: Path) -> Path:
    relative = Path(*target.module.split("."))
    as_module = original_root / relative.with_suffix(".py")
    return as_module if as_module.exists() else original_root / relative / "__init__.py"


def _original_function(target: WrapperTarget, original_root: Path) -> cst.FunctionDef | None:
    module = parsed_module(_original_file(target, original_root))
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
    return node if isinstance(node, cst.FunctionDef) else None


def _original_signature(target: WrapperTarget, original_root: Path) -> list[str] | None:
    function = _original_function(target, original_root)
    if function is None:
        return None
    names = [p.name.value for p in (*function.params.posonly_params, *function.params.params)]
    if "." in target.wraps and names and names[0] in ("self", "cls"):
        names = names[1:]
    return names + [p.name.value for p in function.params.kwonly_params]


def _module_level_names(file: Path) -> set[str]:
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
                        names.add(_alias_name(alias).split(".")[0])
                elif isinstance(item, cst.ImportFrom):
                    if not isinstance(item.names, cst.ImportStar):
                        names.update(_alias_name(alias) for alias in item.names)
                elif isinstance(item, cst.Assign):
                    for target in item.targets:
                        if isinstance(target.target, cst.Name):
                            names.add(target.target.value)
    return names


def _alias_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return cst.Module([]).code_for_node(alias.name)


def _free_names(node: cst.BaseExpression) -> set[str]:
    collector = _NameCollector()
    node.visit(collector)
    return collector.names


class _NameCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False  # attribute names are not free variables

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False  # keyword names are not free variables


def _bind_arguments(call: cst.Call, signature: list[str]) -> dict[str, cst.BaseExpression]:
    bound: dict[str, cst.BaseExpression] = {}
    index = 0
    for arg in call.args:
        if arg.star:
            return bound  # *args / **kwargs: positions past this point are unknown
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg.value
        elif index < len(signature):
            bound[signature[index]] = arg.value
            index += 1
    return bound


def _resolve_name(
    value: cst.BaseExpression, assignments: dict[str, cst.BaseExpression]
) -> cst.BaseExpression:
    seen: set[str] = set()
    while isinstance(value, cst.Name) and value.value in assignments and value.value not in seen:
        seen.add(value.value)
        value = assignments[value.value]
    return value


class _CallSiteFinder(cst.CSTVisitor):
    """Calls of the original callable, each with the simple assignments visible before it."""

    def __init__(self, function: str, module_leaf: str, same_module: bool) -> None:
        self.function, self.module_leaf = function, module_leaf
        self.imported_names = {function} if same_module else set()
        self.module_aliases: set[str] = set()
        self.scopes: list[dict[str, cst.BaseExpression]] = [{}]
        self.calls: list[tuple[cst.Call, dict[str, cst.BaseExpression]]] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            self.imported_names.add(self.function)
            return
        for alias in node.names:
            imported = cst.Module([]).code_for_node(alias.name)
            if imported == self.function:
                self.imported_names.add(_alias_name(alias))
            elif imported == self.module_leaf:
                self.module_aliases.add(_alias_name(alias))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = cst.Module([]).code_for_node(alias.name)
            if dotted.rsplit(".", 1)[-1] == self.module_leaf:
                self.module_aliases.add(_alias_name(alias) if alias.asname else dotted)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.scopes[-1][target.target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name):
            matches = func.value in self.imported_names
        elif isinstance(func, cst.Attribute) and func.attr.value == self.function:
            owner = cst.Module([]).code_for_node(func.value)
            matches = owner in self.module_aliases
        else:
            matches = False
        if matches:
            visible = dict(self.scopes[0])
            visible.update(self.scopes[-1])
            self.calls.append((node, visible))
