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
from dataclasses import dataclass
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
    """Arguments seen where the original callable is called with placeholders, if any.

    A placeholder may sit in a local (``x = tf.placeholder(...)``) or an attribute of a
    training class (``self.input_x = tf.placeholder(...)`` in ``__init__``, used in another
    method). Symbolic dimensions are looked up (module constants, ``FLAGS.x`` from the flag
    definitions' defaults), else filled with small numbers. A configuration argument is taken
    when its expression only uses names the callee's module defines (``FLAGS.x`` becomes the
    flag's default); an hparams/config object the call site builds otherwise comes from the
    repository's own defaults function (`defaults_expression`).
    """
    signature = _original_signature(target, original_root)
    if signature is None:
        return None
    function_name = target.wraps.rsplit(".", 1)[-1]
    module_leaf = target.module.rsplit(".", 1)[-1]
    resolvable = _module_level_names(_original_file(target, original_root)) | set(dir(builtins))
    tensor_names = {p.name for p in target.call_params}
    config_names = {target.original_keyword(p.name) for p in target.init_params if not p.variadic}
    flags = flag_defaults(original_root)
    args: dict[str, str] = {}
    inputs: dict[str, TensorSpec] = {}
    for file in python_files(original_root):
        module = parsed_module(file, must_contain=function_name)
        if module is None:
            continue
        same_module = import_location(file, original_root)[0] == target.module
        calls = _file_calls(file)
        found = calls.matching(function_name, module_leaf, same_module) if calls else []
        for call, assignments in found:
            dims = _DimResolver(assignments, flags)
            for name, value in _bind_arguments(call, signature).items():
                value = _resolve_name(value, assignments)
                if name in tensor_names and name not in inputs:
                    spec = placeholder_spec(value, dims)
                    if spec is not None:
                        inputs[name] = spec
                elif name in config_names and name not in args:
                    expression = _config_expression(value, module, resolvable, flags)
                    if expression is not None:
                        args[name] = expression
    if not inputs:
        return None
    for name in sorted(config_names - set(args)):
        expression = defaults_expression(name, target, original_root)
        if expression is not None:
            args[name] = expression
    return CallSpec(args=args, inputs=inputs, source="call-site")


def _config_expression(
    value: cst.BaseExpression, module: cst.Module, resolvable: set[str], flags: dict[str, str]
) -> str | None:
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):
        if value.value.value == "FLAGS" and value.attr.value in flags:
            return flags[value.attr.value]  # the flag's default, as the command line would
    if _free_names(value) <= resolvable:
        return module.code_for_node(value)
    return None


#: Functions a repository builds its default configuration with (GPT-2's `default_hparams`,
#: tensor2tensor-style `*_hparams()`, `get_config()`): called with no arguments.
_DEFAULTS_FUNCTION = re.compile(r"^(get_)?(default_)?(hparams|hyperparams|config|params)$|_hparams$")
_CONFIG_PARAMS = re.compile(r"(hparams|hps|hyperparams|config|params|cfg|opts|options)$")


def defaults_expression(name: str, target: WrapperTarget, original_root: Path) -> str | None:
    """An expression building configuration ``name`` from the repository's own defaults: a
    no-argument defaults function (``default_hparams()``), or a config class's
    ``from_json_file`` on a JSON next to the code (``BertConfig.from_json_file(...)``)."""
    if not _CONFIG_PARAMS.search(name.lower()):
        return None
    file = _original_file(target, original_root)
    module = parsed_module(file)
    if module is None:
        return None
    for statement in module.body:
        if (
            isinstance(statement, cst.FunctionDef)
            and _DEFAULTS_FUNCTION.search(statement.name.value)
            and not _required_params(statement)
        ):
            return f"{statement.name.value}()"
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef) or not statement.name.value.endswith("Config"):
            continue
        methods = {
            item.name.value
            for item in statement.body.body
            if isinstance(item, cst.FunctionDef)
        }
        json_files = sorted(file.parent.glob("*config*.json")) + sorted(
            file.parent.glob("*/*config*.json")
        )
        if "from_json_file" in methods and json_files:
            relative = json_files[0].relative_to(original_root)
            return f"{statement.name.value}.from_json_file({str(relative)!r})"
    return None


def _required_params(function: cst.FunctionDef) -> list[str]:
    params = function.params
    return [
        p.name.value
        for p in (*params.posonly_params, *params.params, *params.kwonly_params)
        if p.default is None
    ]


_FLAG_DEFINERS = {
    "DEFINE_integer", "DEFINE_float", "DEFINE_string", "DEFINE_boolean", "DEFINE_bool",
    "DEFINE_enum", "DEFINE_list",
}  # fmt: skip


@functools.lru_cache(maxsize=16)
def flag_defaults(root: Path) -> dict[str, str]:
    """``{flag name: default expression}`` from every ``flags.DEFINE_*("name", default, ...)``
    under ``root`` (absl, ``tf.app.flags``, ``tf.flags``): what FLAGS holds with no arguments."""
    found: dict[str, str] = {}
    for file in python_files(root):
        module = parsed_module(file, must_contain="DEFINE_")
        if module is None:
            continue
        collector = _FlagCollector(module)
        module.visit(collector)
        for name, value in collector.flags.items():
            found.setdefault(name, value)
    return found


class _FlagCollector(cst.CSTVisitor):
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.flags: dict[str, str] = {}

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        called = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if called not in _FLAG_DEFINERS:
            return
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        name_node = keywords.get("name", positional[0] if positional else None)
        default = keywords.get("default", positional[1] if len(positional) > 1 else None)
        if isinstance(name_node, cst.SimpleString) and default is not None:
            self.flags[str(name_node.evaluated_value)] = self.module.code_for_node(default)


class _DimResolver:
    """Turns a placeholder dimension into a number: integers as written, names through the
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
    for cached in (python_files, _source, _parse, flag_defaults, _file_calls):
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


def placeholder_spec(
    node: cst.BaseExpression, dims: _DimResolver | None = None
) -> TensorSpec | None:
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
    shape = _static_shape(shape_node, dims or _DimResolver({}, {}))
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


def _static_shape(node: cst.BaseExpression, dims: _DimResolver) -> tuple[int, ...] | None:
    if not isinstance(node, cst.List | cst.Tuple):
        return None
    if any(isinstance(element, cst.StarredElement) for element in node.elements):
        return None
    return tuple(dims(element.value, index) for index, element in enumerate(node.elements))


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
    while True:
        key = _assignment_key(value)
        if key is None or key not in assignments or key in seen:
            return value
        seen.add(key)
        value = assignments[key]


def _assignment_key(node: cst.BaseExpression) -> str | None:
    """``x`` for a name, ``self.input_x`` for an attribute of a name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return f"{node.value.value}.{node.attr.value}"
    return None


@dataclass
class _FileCalls:
    """One file's calls and imports, read once per run whatever callables are looked for."""

    from_imports: list[tuple[str, str]]  # (imported name, bound alias); "*" for a star import
    imports: list[tuple[str, str]]  # (dotted module, bound name)
    # (call, called name or attribute, owner code for `owner.attr(...)`, visible assignments:
    # the module's (and attributes) and the enclosing function's, as dicts)
    calls: list[tuple[cst.Call, str, str | None, tuple[dict[str, cst.BaseExpression], ...]]]

    def matching(
        self, function: str, module_leaf: str, same_module: bool
    ) -> list[tuple[cst.Call, dict[str, cst.BaseExpression]]]:
        """Calls of ``function`` (imported, or through an alias of its module)."""
        names = {function} if same_module else set()
        aliases: set[str] = set()
        for imported, alias in self.from_imports:
            if imported in ("*", function):
                names.add(function if imported == "*" else alias)
            elif imported == module_leaf:
                aliases.add(alias)
        for dotted, alias in self.imports:
            if dotted.rsplit(".", 1)[-1] == module_leaf:
                aliases.add(alias)
        found = []
        for call, called, owner, scopes in self.calls:
            if (owner is None and called in names) or (
                owner is not None and called == function and owner in aliases
            ):
                visible: dict[str, cst.BaseExpression] = {}
                for scope in scopes:
                    visible.update(scope)
                found.append((call, visible))
        return found


@functools.lru_cache(maxsize=1024)
def _file_calls(file: Path) -> _FileCalls | None:
    module = _parse(file)
    if module is None:
        return None
    collector = _CallCollector()
    module.visit(collector)
    return _FileCalls(collector.from_imports, collector.imports, collector.calls)


class _CallCollector(cst.CSTVisitor):
    """Every call with the simple assignments visible from it, and every import."""

    def __init__(self) -> None:
        self.from_imports: list[tuple[str, str]] = []
        self.imports: list[tuple[str, str]] = []
        self.scopes: list[dict[str, cst.BaseExpression]] = [{}]
        self.calls: list[
            tuple[cst.Call, str, str | None, tuple[dict[str, cst.BaseExpression], ...]]
        ] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            self.from_imports.append(("*", "*"))
            return
        for alias in node.names:
            imported = cst.Module([]).code_for_node(alias.name)
            self.from_imports.append((imported, _alias_name(alias)))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = cst.Module([]).code_for_node(alias.name)
            self.imports.append((dotted, _alias_name(alias) if alias.asname else dotted))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            key = _assignment_key(target.target)
            if key is None:
                continue
            if isinstance(target.target, cst.Attribute):  # self.input_x: seen by every method
                self.scopes[0][key] = node.value
            else:
                self.scopes[-1][key] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        scopes = (self.scopes[0], self.scopes[-1]) if len(self.scopes) > 1 else (self.scopes[0],)
        if isinstance(func, cst.Name):
            self.calls.append((node, func.value, None, scopes))
        elif isinstance(func, cst.Attribute):
            owner = cst.Module([]).code_for_node(func.value)
            self.calls.append((node, func.attr.value, owner, scopes))
