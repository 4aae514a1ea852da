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

from tf1migrate.verify import infer_data, source
from tf1migrate.verify.discover import import_location
from tf1migrate.verify.infer_data import InputResolver, Visible, assignment_key
from tf1migrate.verify.model import CallSpec, InputSpec, TensorSpec, WrapperTarget
from tf1migrate.verify.source import (
    BATCH_DIM,
    FREE_DIM,
    alias_name,
    flag_defaults,
    module_level_names,
    original_docstring,
    original_file,
    original_signature,
    parsed_module,
    placeholder_spec,
    python_files,
)
from tf1migrate.verify.specs import DTYPES, normalise_dtype

__all__ = [
    "BATCH_DIM", "FLAGS_EXPRESSION", "FREE_DIM", "clear_caches", "defaults_expression",
    "infer_from_call_sites", "infer_from_docstring", "placeholder_spec", "with_defaults",
]  # fmt: skip

# Dimension names in docstrings whose size is free to choose (any other name is unknown).
_BATCH_WORDS = {"batch", "batch_size", "bs", "b", "n", "none", "?", "num_examples"}
_FREE_WORDS = {
    "seq", "seq_len", "seq_length", "sequence_length", "length", "len", "time", "timesteps",
    "steps", "t",
}  # fmt: skip
_VAGUE_DTYPES = {"float", "double", "half"}  # ordinary English in a docstring
#: The absl FLAGS object, for a call that passes FLAGS itself (``model(x, FLAGS)``): the child
#: defines every flag of the repository with its default before user code is imported.
FLAGS_EXPRESSION = "__import__('absl.flags', fromlist=['FLAGS']).FLAGS"


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
    signature = original_signature(target, original_root)
    if signature is None:
        return None
    function_name = target.wraps.rsplit(".", 1)[-1]
    module_leaf = target.module.rsplit(".", 1)[-1]
    resolvable = module_level_names(original_file(target, original_root)) | set(dir(builtins))
    tensor_names = {p.name for p in target.call_params}
    config_names = {target.original_keyword(p.name) for p in target.init_params if not p.variadic}
    flags = flag_defaults(original_root)
    args: dict[str, str] = {}
    inputs: dict[str, InputSpec] = {}
    for file in python_files(original_root):
        module = parsed_module(file, must_contain=function_name)
        if module is None:
            continue
        same_module = import_location(file, original_root)[0] == target.module
        calls = _file_calls(file)
        found = calls.matching(function_name, module_leaf, same_module) if calls else []
        for call, visible in found:
            resolver = InputResolver(visible, flags, original_root)
            for name, value in _bind_arguments(call, signature).items():
                if name in tensor_names and name not in inputs:
                    spec = resolver.spec(value)
                    if spec is not None:
                        inputs[name] = spec
                elif name in config_names and name not in args:
                    value, _ = visible.resolve(value, {})
                    expression = _config_expression(value, module, resolvable, flags)
                    if expression is not None:
                        args[name] = expression
    if not inputs:
        return None
    return with_defaults(CallSpec(args=args, inputs=inputs, source="call-site"), target, original_root)


def with_defaults(spec: CallSpec, target: WrapperTarget, original_root: Path) -> CallSpec:
    """``spec`` plus the configuration it lacks that the repository's own defaults build
    (`defaults_expression`)."""
    args = dict(spec.args)
    config_names = {target.original_keyword(p.name) for p in target.init_params if not p.variadic}
    for name in sorted(config_names - set(args)):
        expression = defaults_expression(name, target, original_root)
        if expression is not None:
            args[name] = expression
    if args == spec.args:
        return spec
    return CallSpec(args=args, inputs=spec.inputs, training=spec.training, source=spec.source)


def _config_expression(
    value: cst.BaseExpression, module: cst.Module, resolvable: set[str], flags: dict[str, str]
) -> str | None:
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):
        if value.value.value == "FLAGS" and value.attr.value in flags:
            return flags[value.attr.value]  # the flag's default, as the command line would
    if _is_flags_object(value) and not (isinstance(value, cst.Name) and "FLAGS" in resolvable):
        return FLAGS_EXPRESSION  # FLAGS itself, defined where the callee cannot see it
    if _free_names(value) <= resolvable:
        return module.code_for_node(value)
    return None


def _is_flags_object(node: cst.BaseExpression) -> bool:
    """``FLAGS``, ``flags.FLAGS``, ``tf.app.flags.FLAGS``, ``absl.flags.FLAGS``."""
    if isinstance(node, cst.Name):
        return node.value == "FLAGS"
    return isinstance(node, cst.Attribute) and node.attr.value == "FLAGS"


#: Functions a repository builds its default configuration with (GPT-2's `default_hparams`,
#: tensor2tensor-style `*_hparams()`, `get_config()`): called with no arguments.
_DEFAULTS_FUNCTION = re.compile(r"^(get_)?(default_)?(hparams|hyperparams|config|params)$|_hparams$")
_CONFIG_PARAMS = re.compile(r"(hparams|hps|hyperparams|config|params|cfg|opts|options)$")
_FLAGS_PARAMS = {"flags", "FLAGS", "tf_flags", "app_flags"}


def defaults_expression(name: str, target: WrapperTarget, original_root: Path) -> str | None:
    """An expression building configuration ``name`` from the repository's own defaults: a
    no-argument defaults function (``default_hparams()``), or a config class's
    ``from_json_file`` on a JSON next to the code (``BertConfig.from_json_file(...)``)."""
    if name in _FLAGS_PARAMS and flag_defaults(original_root):
        return FLAGS_EXPRESSION
    if not _CONFIG_PARAMS.search(name.lower()):
        return None
    file = original_file(target, original_root)
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


def clear_caches() -> None:
    """Forget listed and parsed files (a run reads a tree that may change between runs)."""
    _file_calls.cache_clear()
    infer_data.clear_caches()
    source.clear_caches()


def infer_from_docstring(target: WrapperTarget, original_root: Path) -> CallSpec | None:
    """Shapes stated for the tensor arguments in the original callable's docstring."""
    docstring = original_docstring(target, original_root)
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


_History = dict[str, list[cst.BaseExpression]]


@dataclass
class _FileCalls:
    """One file's calls and imports, read once per run whatever callables are looked for."""

    from_imports: list[tuple[str, str]]  # (imported name, bound alias); "*" for a star import
    imports: list[tuple[str, str]]  # (dotted module, bound name)
    # (call, called name or attribute, owner code for `owner.attr(...)`, the assignments
    # visible from it: the module's (and attributes') and the enclosing function's)
    calls: list[tuple[cst.Call, str, str | None, tuple[_History, ...]]]

    def matching(
        self, function: str, module_leaf: str, same_module: bool
    ) -> list[tuple[cst.Call, Visible]]:
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
                history: _History = {}
                for scope in scopes:  # the function's own assignments shadow the module's
                    history.update(scope)
                found.append((call, Visible(history)))
        return found


@functools.lru_cache(maxsize=1024)
def _file_calls(file: Path) -> _FileCalls | None:
    module = parsed_module(file)
    if module is None:
        return None
    collector = _CallCollector()
    module.visit(collector)
    return _FileCalls(collector.from_imports, collector.imports, collector.calls)


class _CallCollector(cst.CSTVisitor):
    """Every call with the simple assignments visible from it, and every import. A tuple
    assignment (``images, labels = iterator.get_next()``) binds each name to its element."""

    def __init__(self) -> None:
        self.from_imports: list[tuple[str, str]] = []
        self.imports: list[tuple[str, str]] = []
        self.scopes: list[_History] = [{}]
        self.calls: list[tuple[cst.Call, str, str | None, tuple[_History, ...]]] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            self.from_imports.append(("*", "*"))
            return
        for alias in node.names:
            imported = cst.Module([]).code_for_node(alias.name)
            self.from_imports.append((imported, alias_name(alias)))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = cst.Module([]).code_for_node(alias.name)
            self.imports.append((dotted, alias_name(alias) if alias.asname else dotted))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Tuple | cst.List):
                for index, element in enumerate(target.target.elements):
                    if isinstance(element, cst.StarredElement):
                        break
                    self._bind(element.value, _element_of(node.value, index))
            else:
                self._bind(target.target, node.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        key = assignment_key(target)
        if key is None:
            return
        # self.input_x = ...: seen by every method of the class
        scope = self.scopes[0] if isinstance(target, cst.Attribute) else self.scopes[-1]
        scope.setdefault(key, []).append(value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        scopes = (self.scopes[0], self.scopes[-1]) if len(self.scopes) > 1 else (self.scopes[0],)
        if isinstance(func, cst.Name):
            self.calls.append((node, func.value, None, scopes))
        elif isinstance(func, cst.Attribute):
            owner = cst.Module([]).code_for_node(func.value)
            self.calls.append((node, func.attr.value, owner, scopes))


def _element_of(value: cst.BaseExpression, index: int) -> cst.BaseExpression:
    """``value[index]``, or the element itself when ``value`` is a tuple literal."""
    if isinstance(value, cst.Tuple | cst.List) and index < len(value.elements):
        element = value.elements[index]
        if not isinstance(element, cst.StarredElement):
            return element.value
    return cst.Subscript(
        value=value, slice=[cst.SubscriptElement(slice=cst.Index(value=cst.Integer(str(index))))]
    )
