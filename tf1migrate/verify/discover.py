"""Find the generated wrappers in migrated code by reading it (LibCST, nothing imported).

A wrapper is a class with a ``tf1migrate_wraps = "<qualname>"`` class attribute whose
``call`` / ``__call__`` is decorated with ``tf1compat.track_tf1_style_variables``. The code
is the truth: a manifest could go stale, the decorator and marker cannot.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from tf1migrate.verify.model import Param, WrapperTarget

MARKER = "tf1migrate_wraps"
#: `{constructor argument: original keyword}` written by the codemod for renamed configuration
#: (a `name` parameter is stored as `tf1_name`, which a Keras Layer would otherwise clash with).
RENAMES = "tf1migrate_renames"
DECORATOR = "track_tf1_style_variables"
_SKIP_DIRS = {".git", "__pycache__", ".venv", "venv", "node_modules", ".tox", "build", "dist"}


def iter_python_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every ``.py`` file under ``paths`` (files are taken as given), in sorted order."""
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and d[0] != ".")
            for name in sorted(filenames):
                if name.endswith(".py"):
                    yield Path(dirpath, name)


def import_location(path: Path, tree_root: Path | None = None) -> tuple[str, Path]:
    """The dotted module name of ``path`` and the sys.path entry that makes it importable.

    Walks up while the parent directory is a package (has ``__init__.py``), as Python does,
    but never above ``tree_root`` (the repository root): a repository whose root holds an
    ``__init__.py`` is still imported from its root, the way its own scripts run.
    """
    path = path.resolve()
    stop = tree_root.resolve() if tree_root is not None else None
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (
        directory != stop
        and (directory / "__init__.py").exists()
        and directory.parent != directory
    ):
        parts.insert(0, directory.name)
        directory = directory.parent
    if not parts:  # the tree root's own __init__.py
        parts = [path.parent.name]
        directory = path.parent.parent
    return ".".join(parts), directory


def discover_wrappers(
    paths: Iterable[str | os.PathLike[str]], tree_root: Path | None = None
) -> tuple[list[WrapperTarget], list[str]]:
    """All wrappers under ``paths`` sorted by (path, line), and one message per unreadable file.

    Module names are relative to ``tree_root`` (see `import_location`); without one, to each
    directory given (a repository root holding an ``__init__.py`` is still the root).
    """
    targets: list[WrapperTarget] = []
    problems: list[str] = []
    paths = [Path(p) for p in paths]
    for given in paths:
        root = tree_root if tree_root is not None else (given if given.is_dir() else None)
        found, unreadable = _discover_under(given, root)
        targets += found
        problems += unreadable
    targets.sort(key=lambda t: (t.path, t.line))
    return targets, problems


def _discover_under(
    path: Path, tree_root: Path | None
) -> tuple[list[WrapperTarget], list[str]]:
    targets: list[WrapperTarget] = []
    problems: list[str] = []
    for file in iter_python_files([path]):
        try:
            source = file.read_bytes()
        except OSError as exc:
            problems.append(f"{file}: cannot read ({exc.strerror})")
            continue
        if MARKER.encode() not in source:
            continue  # cheap pre-filter: most files hold no wrapper
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            problems.append(f"{file}:{exc.raw_line}: does not parse, no wrappers read from it")
            continue
        module_name, root = import_location(file, tree_root)
        targets.extend(wrappers_in_module(module, str(file.resolve()), module_name, str(root)))
    return targets, problems


def wrappers_in_module(
    module: cst.Module, path: str, module_name: str, root: str
) -> list[WrapperTarget]:
    """The wrappers defined in one parsed module (top level or nested in classes/functions)."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collector = _WrapperCollector(path, module_name, root, _definitions(module))
    wrapper.visit(collector)
    return collector.found


class _WrapperCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self, path: str, module_name: str, root: str, definitions: dict[str, cst.CSTNode]
    ) -> None:
        self.path, self.module_name, self.root = path, module_name, root
        self.definitions = definitions
        self.found: list[WrapperTarget] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        wraps = _marker_value(node)
        method = _tracked_method(node)
        if wraps is None or method is None:
            return
        init = _method(node, "__init__")
        call_params, has_training = _call_params(method)
        kwarg, position = _training_mapping(method, wraps)
        outputs = _output_attributes(method, wraps)
        needs = _output_needs(method, outputs)  # adds the outputs returned conditionally
        init_params = _params(init) if init is not None else ()
        arguments = _argument_mapping(node, method, wraps, self.definitions)
        self.found.append(
            WrapperTarget(
                path=self.path,
                module=self.module_name,
                import_root=self.root,
                class_name=node.name.value,
                wraps=wraps,
                line=self.get_metadata(PositionProvider, node).start.line,
                method=method.name.value,
                init_params=init_params,
                call_params=call_params,
                has_training=has_training,
                call_takes_kwargs=method.params.star_kwarg is not None,
                training_kwarg=kwarg,
                training_position=position,
                output_attributes=tuple(sorted(outputs.items())),
                arguments=tuple(arguments.items()),
                scope_param=_scope_param(method),
                builder=_is_builder(method, wraps),
                feeds=tuple(_feeds(method)),
                output_needs=tuple(sorted(needs.items())),
                forward=_forward(method),
            )
        )


def _class_body(node: cst.ClassDef) -> Iterator[cst.CSTNode]:
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        else:
            yield statement


def _marker_value(node: cst.ClassDef) -> str | None:
    for item in _class_body(node):
        if isinstance(item, cst.Assign) and len(item.targets) == 1:
            target, value = item.targets[0].target, item.value
        elif isinstance(item, cst.AnnAssign) and item.value is not None:
            target, value = item.target, item.value
        else:
            continue
        if isinstance(target, cst.Name) and target.value == MARKER:
            if isinstance(value, cst.SimpleString | cst.ConcatenatedString):
                evaluated = value.evaluated_value
                return evaluated if isinstance(evaluated, str) else None
    return None


def _method(node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    for item in _class_body(node):
        if isinstance(item, cst.FunctionDef) and item.name.value == name:
            return item
    return None


def _decorator_name(decorator: cst.Decorator) -> str | None:
    expression = decorator.decorator
    if isinstance(expression, cst.Call):
        expression = expression.func
    if isinstance(expression, cst.Attribute):
        return expression.attr.value
    if isinstance(expression, cst.Name):
        return expression.value
    return None


def _tracked_method(node: cst.ClassDef) -> cst.FunctionDef | None:
    for name in ("call", "__call__"):
        method = _method(node, name)
        if method is not None and any(_decorator_name(d) == DECORATOR for d in method.decorators):
            return method
    return None


def _params(function: cst.FunctionDef, skip: Iterable[str] = ()) -> tuple[Param, ...]:
    skip = set(skip)
    params = function.params
    result: list[Param] = []
    positional = [*params.posonly_params, *params.params]
    for index, param in enumerate(positional):
        if index == 0 and param.name.value in ("self", "cls"):
            continue
        if param.name.value not in skip:
            result.append(_param(param))
    for param in params.kwonly_params:
        if param.name.value not in skip:
            result.append(_param(param))
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            result.append(Param(star.name.value, required=False, variadic=True))
    return tuple(result)


def _param(param: cst.Param) -> Param:
    default = None if param.default is None else _code(param.default)
    return Param(param.name.value, required=param.default is None, default=default)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _definitions(module: cst.Module) -> dict[str, cst.CSTNode]:
    """Functions and classes by qualname ("f", "Net", "Net.build"), two levels deep."""
    found: dict[str, cst.CSTNode] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            found[statement.name.value] = statement
        elif isinstance(statement, cst.ClassDef):
            found[statement.name.value] = statement
            for item in _class_body(statement):
                if isinstance(item, cst.FunctionDef):
                    found[f"{statement.name.value}.{item.name.value}"] = item
    return found


def _original_parameters(wraps: str, definitions: dict[str, cst.CSTNode]) -> list[str] | None:
    """The wrapped callable's positional parameter names as a call binds them (no self)."""
    node = definitions.get(wraps)
    if isinstance(node, cst.ClassDef):
        node = definitions.get(f"{wraps}.__init__")
    if not isinstance(node, cst.FunctionDef):
        return None
    names = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
    if ("." in wraps or isinstance(definitions.get(wraps), cst.ClassDef)) and names[:1] in (
        ["self"],
        ["cls"],
    ):
        names = names[1:]
    return names


def _argument_mapping(
    node: cst.ClassDef, method: cst.FunctionDef, wraps: str, definitions: dict[str, cst.CSTNode]
) -> dict[str, str]:
    """``{constructor parameter: original keyword}``: what the class's `tf1migrate_renames`
    says, over what `call` shows (``name=self.tf1_name``, or ``self.hidden`` in position 1)."""
    mapping: dict[str, str] = {}
    finder = _WrappedCallFinder(wraps.rsplit(".", 1)[-1])
    method.body.visit(finder)
    if finder.calls:
        positional = _original_parameters(wraps, definitions)
        index = 0
        for arg in _wrapped_arguments(finder.calls[0], wraps):
            value = arg.value
            stored = (
                value.attr.value
                if isinstance(value, cst.Attribute)
                and isinstance(value.value, cst.Name)
                and value.value.value == "self"
                else None
            )
            if arg.star:
                break
            if arg.keyword is not None:
                if stored is not None:
                    mapping[stored] = arg.keyword.value
                continue
            if stored is not None and positional is not None and index < len(positional):
                mapping[stored] = positional[index]
            index += 1
    mapping.update(_renames_attribute(node))
    return mapping


def _renames_attribute(node: cst.ClassDef) -> dict[str, str]:
    for item in _class_body(node):
        if not (isinstance(item, cst.Assign) and len(item.targets) == 1):
            continue
        target = item.targets[0].target
        if not (isinstance(target, cst.Name) and target.value == RENAMES):
            continue
        if not isinstance(item.value, cst.Dict):
            return {}
        found = {}
        for element in item.value.elements:
            if (
                isinstance(element, cst.DictElement)
                and isinstance(element.key, cst.SimpleString)
                and isinstance(element.value, cst.SimpleString)
            ):
                found[str(element.key.evaluated_value)] = str(element.value.evaluated_value)
        return found
    return {}


def _scope_param(method: cst.FunctionDef) -> str | None:
    """``variable_scope`` for ``with tf.compat.v1.variable_scope(self.variable_scope):``."""
    for statement in method.body.body:
        if not isinstance(statement, cst.With):
            continue
        for item in statement.items:
            call = item.item
            if (
                isinstance(call, cst.Call)
                and _called_name(call.func) == "variable_scope"
                and call.args
                and isinstance(call.args[0].value, cst.Attribute)
                and isinstance(call.args[0].value.value, cst.Name)
                and call.args[0].value.value.value == "self"
            ):
                return call.args[0].value.attr.value
    return None


def _is_builder(method: cst.FunctionDef, wraps: str) -> bool:
    """`call` assigns the wrapped call's result to a name and returns that name called."""
    leaf = wraps.rsplit(".", 1)[-1]
    built: set[str] = set()
    for statement in _statements(method.body):
        if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Call):
            if _called_name(statement.value.func) == leaf:
                built |= {
                    t.target.value for t in statement.targets if isinstance(t.target, cst.Name)
                }
        elif isinstance(statement, cst.Return) and isinstance(statement.value, cst.Call):
            func = statement.value.func
            if isinstance(func, cst.Name) and func.value in built:
                return True
    return False


def _statements(block: cst.BaseSuite) -> Iterator[cst.BaseSmallStatement]:
    """Small statements of a function body, also inside ``with`` blocks."""
    for statement in getattr(block, "body", ()):
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, cst.With):
            yield from _statements(statement.body)


def _call_params(method: cst.FunctionDef) -> tuple[tuple[Param, ...], bool]:
    all_params = _params(method)
    has_training = any(p.name == "training" for p in all_params)
    tensors = tuple(p for p in all_params if p.name != "training" and not p.variadic)
    return tensors, has_training


def _training_mapping(method: cst.FunctionDef, wraps: str) -> tuple[str | None, int | None]:
    """Which argument of the wrapped call receives the wrapper's ``training`` flag."""
    finder = _WrappedCallFinder(wraps.rsplit(".", 1)[-1])
    method.body.visit(finder)
    for call in finder.calls:
        positional = 0
        for arg in _wrapped_arguments(call, wraps):
            # `training`, or `False if training is None else training`
            uses_training = _mentions(arg.value, "training")
            if arg.keyword is not None:
                if uses_training:
                    return arg.keyword.value, None
            elif arg.star == "":
                if uses_training:
                    return None, positional
                positional += 1
    return None, None


def _wrapped_arguments(call: cst.Call, wraps: str) -> list[cst.Arg]:
    """The arguments for the wrapped callable's own parameters: `Model.generator(self.model,
    z)` passes the owner as `self` first (methods are called through their class)."""
    func = call.func
    through_class = (
        "." in wraps
        and isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and f"{func.value.value}.{func.attr.value}" == wraps
    )
    return list(call.args[1:] if through_class and call.args else call.args)


def _mentions(node: cst.CSTNode, name: str) -> bool:
    finder = _NameFinder(name)
    node.visit(finder)
    return finder.found


class _NameFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name, self.found = name, False

    def visit_Name(self, node: cst.Name) -> None:
        self.found = self.found or node.value == self.name


def _feeds(method: cst.FunctionDef) -> list[tuple[str, str]]:
    """`with tf1compat.feed_placeholders({"input_x": input_x, "flag": <training>}):` →
    [("input_x", "input_x"), ("flag", "@training")]."""
    found: list[tuple[str, str]] = []
    for statement in method.body.body:
        if not isinstance(statement, cst.With):
            continue
        for item in statement.items:
            call = item.item
            if not (
                isinstance(call, cst.Call)
                and _called_name(call.func) == "feed_placeholders"
                and call.args
                and isinstance(call.args[0].value, cst.Dict)
            ):
                continue
            for element in call.args[0].value.elements:
                if not (
                    isinstance(element, cst.DictElement)
                    and isinstance(element.key, cst.SimpleString)
                ):
                    continue
                key = str(element.key.evaluated_value)
                value = element.value
                if isinstance(value, cst.Name) and value.value != "training":
                    found.append((key, value.value))
                elif _mentions(value, "training"):
                    found.append((key, "@training"))
    return found


def _output_needs(method: cst.FunctionDef, outputs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """`if input_y is not None: outputs["loss"] = built.loss` → {"loss": ("input_y",)}."""
    needs: dict[str, tuple[str, ...]] = {}
    for statement in method.body.body:
        if not isinstance(statement, cst.If):
            continue
        given = _not_none_names(statement.test)
        if given is None:
            continue
        for item in _statements(statement.body):
            if not (isinstance(item, cst.Assign) and len(item.targets) == 1):
                continue
            target = item.targets[0].target
            value = item.value
            if (
                isinstance(target, cst.Subscript)
                and len(target.slice) == 1
                and isinstance(target.slice[0].slice, cst.Index)
                and isinstance(target.slice[0].slice.value, cst.SimpleString)
                and isinstance(value, cst.Attribute)
            ):
                key = str(target.slice[0].slice.value.evaluated_value)
                needs[key] = tuple(given)
                outputs[key] = value.attr.value
    return needs


def _not_none_names(test: cst.BaseExpression) -> list[str] | None:
    """`a is not None and b is not None` → ["a", "b"]; None for any other test."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        left, right = _not_none_names(test.left), _not_none_names(test.right)
        return None if left is None or right is None else left + right
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.IsNot)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        return [test.left.value]
    return None


def _forward(method: cst.FunctionDef) -> str | None:
    """`return built.predict(x)` → "predict"; `return built(x)` → "__call__"."""
    built = {
        t.target.value
        for item in _statements(method.body)
        if isinstance(item, cst.Assign)
        for t in item.targets
        if isinstance(t.target, cst.Name) and t.target.value == "built"
    }
    if not built:
        return None
    for item in _statements(method.body):
        if not (isinstance(item, cst.Return) and isinstance(item.value, cst.Call)):
            continue
        func = item.value.func
        if isinstance(func, cst.Name) and func.value in built:
            return "__call__"
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in built
        ):
            return func.attr.value
    return None


def _output_attributes(method: cst.FunctionDef, wraps: str) -> dict[str, str]:
    """``{"pooled_output": "pooled_output", ...}`` when ``call`` returns attributes of the object
    the wrapped callable built (a model class such as BERT's), so the reference reads the same."""
    assignments: dict[str, cst.Call] = {}
    leaf = wraps.rsplit(".", 1)[-1]
    result: dict[str, str] = {}
    for item in _statements(method.body):
        if isinstance(item, cst.Assign) and isinstance(item.value, cst.Call):
            finder = _WrappedCallFinder(leaf)
            item.value.visit(finder)
            for target in item.targets:
                if finder.calls and isinstance(target.target, cst.Name):
                    assignments[target.target.value] = item.value
        if isinstance(item, cst.Assign) and isinstance(item.value, cst.Dict):
            returned = item.value  # `outputs = {...}` ... `return outputs`
        elif isinstance(item, cst.Return) and isinstance(item.value, cst.Dict):
            returned = item.value
        else:
            continue
        for element in returned.elements:
            if not isinstance(element, cst.DictElement):
                continue
            if not isinstance(element.key, cst.SimpleString):
                continue
            value = element.value
            if (
                isinstance(value, cst.Attribute)
                and isinstance(value.value, cst.Name)
                and value.value.value in assignments
            ):
                result[str(element.key.evaluated_value)] = value.attr.value
    return result


class _WrappedCallFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        if _called_name(node.func) == self.name:
            self.calls.append(node)


def _called_name(func: cst.BaseExpression) -> str | None:
    """``f`` for ``f(...)``, ``obj.f(...)`` and ``a.b.f(...)``."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None
