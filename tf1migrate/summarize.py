"""Pass 1 of the index: summarise one module in a single walk over Python's `ast`.

The summary needs facts, not formatting, so it reads the file with `ast` (parsed in C,
light nodes) instead of LibCST, whose visitor rebuilds every node and cost four times the
parse. TensorFlow names are resolved by the same import-based `Resolver` the rewrite uses
(`Resolver.from_ast`), so both passes agree on what `tf`, `tf1`, `slim` or a re-export are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from tf1migrate.classflow import ClassFlow, class_flow
from tf1migrate.facts import (
    CONFIG_POSITIONS,
    MODULE_LEVEL,
    NON_TENSOR_FIRST,
    TENSOR_ATTRIBUTES,
    TENSOR_KEYWORDS,
    TENSOR_LIST_POSITIONS,
    WRAPS_ATTRIBUTE,
    CallSite,
    CreatorRules,
    FunctionSummary,
    ModuleSummary,
    ParamInfo,
    file_has_skip_comment,
    has_skip_comment,
)
from tf1migrate.resolve import Resolver, canonical_tf1_name, is_tf_qualname

_BUILTINS = frozenset(dir(__import__("builtins")))
_COPIES = ("dict", "list", "tuple", "int", "float", "bool", "str")


def summarize(
    source: str, *, module: str, path: str, rules: object = None, tree: ast.Module | None = None
) -> ModuleSummary:
    """Parse `source` with `ast` and summarise it (raises SyntaxError if it does not parse).

    `tree` is `source` already parsed by `ast` (the nesting gate's tree), if it was."""
    if tree is None:
        tree = ast.parse(source, filename=path or "<source>")
    is_package = path.replace("\\", "/").endswith("__init__.py")
    resolver = Resolver.from_ast(tree, module_name=module, is_package=is_package)
    visitor = _Summarizer(source, tree, resolver, CreatorRules.coerce(rules), module)
    visitor.visit(tree)
    return visitor.result(path=path, is_package=is_package, skip_file=file_has_skip_comment(source))


@dataclass
class _Frame:
    """What we are collecting for the callable being visited."""

    qualname: str
    class_name: str | None
    params: tuple[ParamInfo, ...] = ()
    line: int = 0
    creators: list[str] = field(default_factory=list)
    training: list[tuple[str, str, int]] = field(default_factory=list)
    calls: list[tuple[str, CallSite]] = field(default_factory=list)  # (raw target, site)
    tensor: set[str] = field(default_factory=set)
    config: set[str] = field(default_factory=set)
    self_outputs: list[str] = field(default_factory=list)
    local_types: dict[str, str] = field(default_factory=dict)  # local var -> callee dotted
    # local var -> the project functions assigned to it (`emb_func = mask_adaptive_lookup`)
    local_functions: dict[str, set[str]] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)  # local var -> "dtype[shape]"
    returns_value: bool = False
    scopes: list[str | None] = field(default_factory=list)  # with variable_scope stack
    param_names: frozenset[str] = frozenset()
    name_scopes: int = 0  # open `with name_scope(...)` blocks
    nested_defs: dict[str, tuple[ParamInfo, ...]] = field(default_factory=dict)
    returns: list[str] = field(default_factory=list)
    closure_params: tuple[ParamInfo, ...] = ()
    nested_creators: bool = False
    eager_creators: bool = False
    unscoped_variables: bool = False
    opens_param_scope: bool = False
    contrib: list[tuple[str, int]] = field(default_factory=list)  # tf.contrib calls, lines


class _Summarizer(ast.NodeVisitor):
    """One walk collecting facts per callable (see `FunctionSummary`)."""

    def __init__(
        self, source: str, tree: ast.Module, resolver: Resolver, rules: CreatorRules, module: str
    ) -> None:
        self.source = source
        self.lines = _SourceLines(source)
        self.resolver = resolver
        self.rules = rules
        self.module = module
        self.module_frame = _Frame(MODULE_LEVEL, None)
        self.frames: list[_Frame] = [self.module_frame]
        self.functions_open: list[ast.AST] = []  # innermost function node last (shadowing)
        self.class_stack: list[str] = []
        self.pending: list[tuple[_Frame, FunctionSummary]] = []
        self.tree = tree
        self.top_level_names = {
            node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        self.classes: list[str] = []
        self.class_bases: dict[str, tuple[str, ...]] = {}
        self.class_attr_types: dict[str, dict[str, str]] = {}
        self.wrapped: list[str] = []

    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    def _base_name(self, node: ast.expr) -> str | None:
        """A class base as a TF1 name ("tf.train.Optimizer") or a dotted project name."""
        symbol = self.tf1_symbol(node)
        if symbol is not None:
            return symbol
        dotted = _dotted(node)
        if dotted is None or dotted == "object":
            return None
        resolved = self._resolve_target("@" + dotted)
        return resolved.lstrip("*") if resolved else dotted

    # ------------------------------------------------------------------ names
    def tf1_symbol(self, node: ast.expr) -> str | None:
        dotted = _dotted(node)
        if dotted is None:
            return None
        innermost = self.functions_open[-1] if self.functions_open else None
        local = self.resolver.locals_of(innermost) if innermost is not None else frozenset()
        qualname = self.resolver.qualify_dotted(dotted, local)
        return canonical_tf1_name(qualname) if qualname else None

    # ------------------------------------------------------------------ structure
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if len(self.frames) > 1:  # a class inside a function belongs to the function's facts
            self.generic_visit(node)
            return
        wraps = _wrapper_target(node)
        if wraps is not None:  # our own output: not user code, and it must not change roots
            self.wrapped.append(wraps)
            return
        qual = ".".join([*self.class_stack, node.name])
        self.class_bases[qual] = tuple(
            base for base in (self._base_name(b) for b in node.bases) if base
        )
        self.class_stack.append(node.name)
        self.classes.append(qual)
        self.class_attr_types.setdefault(qual, {})
        self.generic_visit(node)
        self.class_stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions_open.append(node)
        try:
            if len(self.frames) > 1:  # nested function: fold into the enclosing callable
                if len(self.functions_open) == 2:  # directly inside the callable
                    self.frame.nested_defs[node.name] = self._params(node.args, skip_self=False)
                self.generic_visit(node)
                return
            class_name = ".".join(self.class_stack) or None
            qualname = f"{class_name}.{node.name}" if class_name else node.name
            skip_self = class_name is not None and not _is_staticmethod(node)
            params = self._params(node.args, skip_self=skip_self)
            frame = _Frame(qualname, class_name, params=params, line=node.lineno,
                           param_names=frozenset(p.name for p in params))
            self.frames.append(frame)
            self.generic_visit(node)
            self.frames.pop()
            flow = ClassFlow()
            if class_name is not None:  # what a model class keeps on self, its placeholders
                flow = class_flow(node, self._flow_symbol, frame.param_names, self._numpy_names())
            self.pending.append((frame, self._function_summary(frame, node, flow)))
        finally:
            self.functions_open.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _flow_symbol(self, node: ast.expr) -> str | None:
        """A TF1 name, or `tf1compat.<name>` for the runtime (placeholders already migrated)."""
        symbol = self.tf1_symbol(node)
        if symbol is not None:
            return symbol
        dotted = _dotted(node)
        bound = "tf1compat" in self.resolver.project_bindings
        if dotted and dotted.startswith("tf1compat.") and bound:
            return dotted
        return None

    def _numpy_names(self) -> frozenset[str]:
        names = {"np", "numpy"}
        names |= {
            local for local, target in self.resolver.project_bindings.items()
            if target == "numpy" or target.startswith("numpy.")
        }
        return frozenset(names)

    def _function_summary(
        self, frame: _Frame, node: ast.FunctionDef | ast.AsyncFunctionDef, flow: ClassFlow
    ) -> FunctionSummary:
        return FunctionSummary(
            qualname=frame.qualname,
            line=frame.line,
            params=frame.params,
            class_name=frame.class_name,
            creators=tuple(dict.fromkeys(frame.creators)),
            training=tuple(frame.training),
            tensor_evidence=tuple(sorted(frame.tensor)),
            config_evidence=tuple(sorted(frame.config)),
            self_outputs=tuple(dict.fromkeys(frame.self_outputs)),
            returns_value=frame.returns_value,
            docstring=ast.get_docstring(node, clean=True),
            skip=self.lines.def_has_skip_comment(node),
            returns=tuple(sorted(set(frame.returns))),
            closure_params=frame.closure_params,
            nested_creators=frame.nested_creators,
            eager_creators=frame.eager_creators,
            unscoped_variables=frame.unscoped_variables,
            opens_param_scope=frame.opens_param_scope,
            placeholders=flow.placeholders,
            self_values=flow.self_values,
            self_reads=flow.self_reads,
            return_deps=flow.return_deps,
            return_kind=flow.return_kind,
            contrib=tuple(frame.contrib),
        )

    def _params(self, arguments: ast.arguments, *, skip_self: bool) -> tuple[ParamInfo, ...]:
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
        defaults += list(arguments.defaults)
        pairs = list(zip(positional, defaults))
        if skip_self and pairs:
            pairs = pairs[1:]
        result = [self._param(arg, default, "positional") for arg, default in pairs]
        if arguments.vararg is not None:
            result.append(ParamInfo(arguments.vararg.arg, "var_positional"))
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
            result.append(self._param(arg, default, "keyword_only"))
        if arguments.kwarg is not None:
            result.append(ParamInfo(arguments.kwarg.arg, "var_keyword"))
        return tuple(result)

    def _param(self, arg: ast.arg, default: ast.expr | None, kind: str) -> ParamInfo:
        if default is None:
            return ParamInfo(arg.arg, kind)
        return ParamInfo(arg.arg, kind, self.lines.segment(default), _is_literal(default))

    # ------------------------------------------------------------------ scopes
    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:  # context expressions are evaluated outside the block
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
        scopes = [self._scope_name(item.context_expr) for item in node.items]
        names = sum(1 for item in node.items if self._is_name_scope(item.context_expr))
        self.frame.scopes.extend(scopes)
        self.frame.name_scopes += names
        for statement in node.body:
            self.visit(statement)
        del self.frame.scopes[len(self.frame.scopes) - len(scopes):]
        self.frame.name_scopes -= names

    def _is_name_scope(self, expression: ast.expr) -> bool:
        return isinstance(expression, ast.Call) and self.tf1_symbol(expression.func) in (
            "tf.name_scope", "tf.keras.backend.name_scope"
        )

    def _in_any_scope(self) -> bool:
        return self.frame.name_scopes > 0 or any(scope != "" for scope in self.frame.scopes)

    visit_AsyncWith = visit_With

    def _scope_name(self, expression: ast.expr) -> str | None:
        """"" for a non-scope context, the literal name, or None for a dynamic scope."""
        if not isinstance(expression, ast.Call):
            return ""
        if self.tf1_symbol(expression.func) != "tf.variable_scope":
            return ""
        first = expression.args[0] if expression.args else None
        if first is None:
            first = next((k.value for k in expression.keywords if k.arg == "name_or_scope"), None)
        if isinstance(first, ast.Name) and first.id in self.frame.param_names:
            self.frame.config.add(first.id)
            self.frame.opens_param_scope = True
        for keyword in expression.keywords:
            value = keyword.value
            if (
                keyword.arg in ("default_name", "reuse")
                and isinstance(value, ast.Name)
                and value.id in self.frame.param_names
            ):
                self.frame.config.add(value.id)
                self.frame.opens_param_scope = True
        if isinstance(first, ast.expr) and not isinstance(first, (ast.Name, ast.Constant)):
            self.frame.opens_param_scope |= any(
                name in self.frame.param_names for name in _names_anywhere(first)
            )
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
        return None

    def _scope_path(self) -> str | None:
        parts = []
        for scope in self.frame.scopes:
            if scope is None:
                return None
            if scope:
                parts.append(scope)
        return "/".join(parts)

    # ------------------------------------------------------------------ statements
    def visit_Return(self, node: ast.Return) -> None:
        if self._in_own_body():
            kind = self._return_kind(node.value)
            self.frame.returns.append(kind)
            if node.value is not None:
                self.frame.returns_value = True
        self.generic_visit(node)

    def _return_kind(self, value: ast.expr | None) -> str:
        """"closure" (a nested def), "dict", "literal", "none" or "value" (anything else)."""
        frame = self.frame
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return "none"
        if isinstance(value, ast.Name) and value.id in frame.nested_defs:
            frame.closure_params = frame.nested_defs[value.id]
            return "closure"
        if isinstance(value, ast.Dict) or (
            isinstance(value, ast.Call) and _dotted(value.func) == "dict"
        ):
            return "dict"
        if _is_literal(value):
            return "literal"
        return "value"

    def _in_own_body(self) -> bool:
        """True inside the frame's own function, not a def nested in it."""
        return len(self.functions_open) == 1

    def visit_If(self, node: ast.If) -> None:
        self._config_if_param(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._config_if_param(node.test)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._config_if_param(node.iter)  # graph tensors cannot be iterated: a list of settings
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._config_if_param(node.iter)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._config_if_param(node.test)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        # `table[key]` with a parameter as the key: a dict lookup reads configuration
        key = node.slice
        if (
            isinstance(key, ast.Name)
            and key.id in self.frame.param_names
            and isinstance(node.value, (ast.Name, ast.Attribute, ast.Dict))
        ):
            self.frame.config.add(key.id)
        self.generic_visit(node)

    def _config_if_param(self, test: ast.expr) -> None:
        """Python control flow reads configuration: `if flag`, `if kind == "last"`, `a or b`."""
        if isinstance(test, ast.UnaryOp):
            test = test.operand
        if isinstance(test, ast.BoolOp):
            for value in test.values:
                self._config_if_param(value)
            return
        if isinstance(test, ast.Compare):
            operands = [test.left, *test.comparators]
            if any(isinstance(op, (ast.Is, ast.IsNot)) for op in test.ops):
                return  # `x is None` is asked of tensors too
            for operand in operands:
                if isinstance(operand, ast.Name) and operand.id in self.frame.param_names:
                    self.frame.config.add(operand.id)
            return
        if isinstance(test, ast.Call) and _dotted(test.func) in ("len", "isinstance"):
            test = test.args[0] if test.args else test
        if isinstance(test, ast.Name) and test.id in self.frame.param_names:
            self.frame.config.add(test.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        frame = self.frame
        value = node.value
        if frame is not self.module_frame:
            functions = {
                dotted for dotted in _function_candidates(value)
                if dotted.split(".")[0] in self.top_level_names
                or dotted.split(".")[0] in self.resolver.project_bindings
            }
            for target in node.targets:
                if functions and isinstance(target, ast.Name):
                    frame.local_functions.setdefault(target.id, set()).update(functions)
        if isinstance(value, ast.Call):
            symbol = self.tf1_symbol(value.func)
            callee = None if symbol else _dotted(value.func)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    if symbol == "tf.placeholder":
                        spec = self._placeholder_spec(value)
                        if spec:
                            frame.placeholders[target.id] = spec
                    elif callee:
                        frame.local_types[target.id] = callee
                elif callee and _is_self_attribute(target) and frame.class_name:
                    self.class_attr_types[frame.class_name][target.attr] = callee
        if frame.class_name and self._in_own_body():  # any method: __init__ may call it
            for target in node.targets:
                if _is_self_attribute(target) and _is_computed(value, frame.param_names):
                    frame.self_outputs.append(target.attr)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = node.value
        if isinstance(base, ast.Name) and base.id in self.frame.param_names:
            uses = self.frame.tensor if node.attr in TENSOR_ATTRIBUTES else self.frame.config
            uses.add(base.id)
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        # "h%d" % layer: the right-hand side is configuration
        if isinstance(node.op, ast.Mod) and _is_string(node.left):
            for name in _names_in(node.right):
                if name in self.frame.param_names:
                    self.frame.config.add(name)
        self.generic_visit(node)

    # ------------------------------------------------------------------ calls
    def visit_Call(self, node: ast.Call) -> None:
        self._call(node)
        self.generic_visit(node)

    def _call(self, node: ast.Call) -> None:
        frame = self.frame
        line = frame.line or node.lineno
        self._function_references(node, line)
        symbol = self.tf1_symbol(node.func)
        if symbol is not None:
            self._tf_call(node, symbol, line)
            return
        func = node.func
        if isinstance(func, ast.Name) and func.id in frame.param_names:
            frame.config.add(func.id)  # a parameter that is called is a function, not a tensor
        if isinstance(func, ast.Name) and func.id == "range":
            for arg in node.args:
                for name in _names_in(arg):
                    if name in frame.param_names:
                        frame.config.add(name)
            return
        if isinstance(func, ast.Attribute) and func.attr in self.rules.methods:
            frame.training.append(("optimizer", "." + func.attr, line))
        if isinstance(func, ast.Name) and func.id in frame.local_functions:
            # `emb_func = a if cond else ...; emb_func(x=...)`: it calls each function assigned
            for function in sorted(frame.local_functions[func.id]):
                frame.calls.append(("@" + function, self._call_site(node, "@" + function, line)))
            return
        target = self._call_target(func)
        if target is not None:
            frame.calls.append((target, self._call_site(node, target, line)))

    def _function_references(self, node: ast.Call, line: int) -> None:
        """`tf.make_template("t", _tower)`, `map_fn(step, xs)`: passing a project function
        along is calling it (it runs, and creates its variables, inside this caller)."""
        for value in node.args:
            dotted = _dotted(value)
            if dotted is None:
                continue
            head = dotted.split(".", 1)[0]
            if head in self.top_level_names or head in self.resolver.project_bindings:
                self.frame.calls.append(("@" + dotted, CallSite("", line, self._scope_path())))

    def _tf_call(self, node: ast.Call, symbol: str, line: int) -> None:
        frame = self.frame
        in_scope = any(scope != "" for scope in frame.scopes)
        in_scope = in_scope or frame.name_scopes > 0
        kind = self.rules.creator_kind(symbol, in_scope=in_scope)
        if symbol.startswith("tf.contrib."):
            frame.contrib.append((symbol, node.lineno))
        if kind is not None and frame is not self.module_frame:
            frame.creators.append(symbol)
            if self._in_own_body():
                frame.eager_creators = True
            else:
                frame.nested_creators = True
        elif (
            kind is None
            and frame is not self.module_frame
            and self.rules.creator_kind(symbol, in_scope=True) == "in_variable_scope"
        ):
            frame.unscoped_variables = True  # `tf.Variable` in a helper: its caller's scope decides
        training = self.rules.training_kind(symbol)
        if training == "placeholder" and frame.class_name is not None:
            training = None  # a model class's own inputs (FunctionSummary.placeholders)
        if training is not None:
            frame.training.append((training, symbol, line))
        if not frame.param_names:
            return
        first_tensor = symbol not in NON_TENSOR_FIRST and not _looks_like_class_or_factory(symbol)
        sizes_after_first = kind is not None  # tf.layers.dense(x, units): sizes follow the input
        for index, value in enumerate(node.args):
            if isinstance(value, ast.Starred):
                continue
            if index == 0 and first_tensor:
                for name in _names_in_tensor_position(value):
                    if name in frame.param_names:
                        frame.tensor.add(name)
            elif index == TENSOR_LIST_POSITIONS.get(symbol) and isinstance(
                value, (ast.List, ast.Tuple)
            ):
                self._tensors_in_list(value)
            elif (
                isinstance(value, ast.Name)
                and value.id in frame.param_names
                and (index == 0 or sizes_after_first or index in CONFIG_POSITIONS.get(symbol, ()))
            ):
                frame.config.add(value.id)
            elif isinstance(value, (ast.List, ast.Tuple)):
                self._config_in_list(value)
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg is None:
                continue
            if isinstance(value, ast.Name) and value.id in frame.param_names:
                (frame.tensor if keyword.arg in TENSOR_KEYWORDS else frame.config).add(value.id)
            elif keyword.arg == "values" and isinstance(value, (ast.List, ast.Tuple)):
                self._tensors_in_list(value)  # a scope's `values=[x, y]`
            if keyword.arg == "shape":
                self._config_in_list(value)

    def _tensors_in_list(self, value: ast.List | ast.Tuple) -> None:
        for element in value.elts:
            if isinstance(element, ast.Name) and element.id in self.frame.param_names:
                self.frame.tensor.add(element.id)

    def _config_in_list(self, value: ast.expr) -> None:
        """Shape lists (`[nx, nf]`) hold sizes: configuration."""
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                for name in _names_in(element):
                    if name in self.frame.param_names:
                        self.frame.config.add(name)

    def _call_target(self, func: ast.expr) -> str | None:
        """A dotted name to resolve after the walk, or None for calls we cannot follow."""
        dotted = _dotted(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        frame = self.frame
        if head == "self" and frame.class_name and rest:
            first, _, tail = rest.partition(".")
            attr_type = self.class_attr_types.get(frame.class_name, {}).get(first)
            if attr_type is not None and not tail:
                return f"@{attr_type}.__call__"
            return f"{self.module}.{frame.class_name}.{rest}"
        if head in frame.local_types and not rest:
            return f"@{frame.local_types[head]}.__call__"
        bound = (
            head in self.top_level_names
            or head in self.resolver.project_bindings
            or head in self.resolver.tf_aliases
        )
        if head in frame.param_names or (rest and not bound):
            # `layer.dense(x)` on an object we cannot type: pass 2 links it only to a
            # method of that name defined by exactly one class of this module
            return f"?{self.module}:{rest}" if rest and "." not in rest else None
        return "@" + dotted

    def _call_site(self, node: ast.Call, target: str, line: int) -> CallSite:
        frame = self.frame
        flow: list[tuple[str, int, str]] = []
        placeholders: list[tuple[int, str, str]] = []
        scope_keyword = None
        arguments = [
            (index, "", value)
            for index, value in enumerate(node.args)
            if not isinstance(value, ast.Starred)
        ]
        arguments += [(-1, k.arg, k.value) for k in node.keywords if k.arg is not None]
        for position, keyword, value in arguments:
            if keyword in ("scope", "name") and _is_string(value):
                scope_keyword = value.value
            if isinstance(value, ast.Name):
                if value.id in frame.param_names:
                    flow.append((value.id, position, keyword))
                spec = frame.placeholders.get(value.id)
                spec = spec or self.module_frame.placeholders.get(value.id)
                if spec:
                    placeholders.append((position, keyword, spec))
        return CallSite(
            target=target,
            line=line,
            scope_path=self._scope_path(),
            scope_keyword=scope_keyword,
            param_flow=tuple(flow),
            placeholders=tuple(placeholders),
            scoped=self._in_any_scope(),
            nested=not self._in_own_body(),
        )

    def _placeholder_spec(self, call: ast.Call) -> str | None:
        """`tf.placeholder(tf.float32, [None, 784])` → "float32[None, 784]"."""
        dtype_node = call.args[0] if call.args else None
        shape_node = call.args[1] if len(call.args) > 1 else None
        for keyword in call.keywords:
            if keyword.arg == "dtype":
                dtype_node = keyword.value
            elif keyword.arg == "shape":
                shape_node = keyword.value
        dtype_symbol = self.tf1_symbol(dtype_node) if dtype_node is not None else None
        if dtype_symbol is None:
            return None
        dtype = dtype_symbol.removeprefix("tf.")
        if not isinstance(shape_node, (ast.List, ast.Tuple)):
            return f"{dtype}[?]" if shape_node is not None else f"{dtype}[]"
        dims = []
        for element in shape_node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, int):
                dims.append(str(element.value))
            elif isinstance(element, ast.Constant) and element.value is None:
                dims.append("None")
            else:
                dims.append("?")
        return f"{dtype}[{', '.join(dims)}]"

    # ------------------------------------------------------------------ result
    def _resolve_target(self, raw: str) -> str | None:
        """Resolve "@head.rest" through imports and this module's top-level names.

        None for heads bound by neither (locals, builtins): pass 2 could not follow them.
        """
        if not raw.startswith("@"):
            return raw
        dotted = raw[1:]
        head, _, rest = dotted.partition(".")
        if head in self.resolver.project_bindings:
            base = self.resolver.project_bindings[head]
        elif head in self.resolver.tf_aliases:
            base = self.resolver.tf_aliases[head]
        elif head in self.top_level_names:
            base = f"{self.module}.{head}" if self.module else head
        elif self.resolver.star_imports and head not in _BUILTINS:
            return "*" + dotted  # maybe from `from ops import *`: pass 2 tries those modules
        else:
            return None
        return f"{base}.{rest}" if rest else base

    def _finish_calls(self, frame: _Frame) -> tuple[CallSite, ...]:
        sites = []
        for raw, site in frame.calls:
            target = self._resolve_target(raw)
            if target is None or is_tf_qualname(target):
                continue
            sites.append(replace(site, target=target))
        return tuple(sites)

    def result(self, *, path: str, is_package: bool, skip_file: bool) -> ModuleSummary:
        functions = tuple(
            FunctionSummary(**{**summary.__dict__, "calls": self._finish_calls(frame)})
            for frame, summary in self.pending
        )
        return ModuleSummary(
            module=self.module,
            path=path,
            functions=functions,
            classes=tuple(self.classes),
            tf_aliases=tuple(sorted(self.resolver.tf_aliases.items())),
            imports=tuple(sorted(self.resolver.project_bindings.items())),
            module_calls=self._finish_calls(self.module_frame),
            module_training=tuple(self.module_frame.training),
            is_package=is_package,
            skip_file=skip_file,
            star_imports=self.resolver.star_imports,
            wrapped=tuple(self.wrapped),
            class_bases=tuple(sorted(self.class_bases.items())),
            uses_compat_v1=self.resolver.uses_compat_v1,
            contrib_imports=tuple(self._contrib_imports()),
            module_contrib=tuple(self.module_frame.contrib),
        )

    def _contrib_imports(self) -> list[tuple[int, str, str]]:
        """(line, local, "tf.contrib.x") per module-level import binding a tf.contrib module.

        `import tensorflow.contrib.x` binds `tensorflow` (the codemod keeps `import
        tensorflow`); `import tensorflow.contrib.x as y` and `from tensorflow.contrib import
        x` bind a contrib module, which fails at import time on TF2 unless the import goes.
        """
        found = []
        statements = list(self.tree.body)
        while statements:
            node = statements.pop(0)
            if isinstance(node, (ast.If, ast.Try)):  # `try: import ... except ImportError:`
                statements[:0] = [*node.body, *getattr(node, "handlers", ()), *node.orelse]
                continue
            if isinstance(node, ast.ExceptHandler):
                statements[:0] = node.body
                continue
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for alias in node.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name.split(".")[0]
                qualname = self.resolver.tf_aliases.get(local, "")
                symbol = canonical_tf1_name(qualname) if qualname else None
                if local != "tensorflow" and symbol and symbol.startswith("tf.contrib"):
                    found.append((node.lineno, local, symbol))
        return found


# ---------------------------------------------------------------------- source text
class _SourceLines:
    """Source segments and comments by line (`ast` keeps neither)."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.source = source

    def _offset(self, lineno: int, col: int) -> int:
        """Character offset of (1-based line, UTF-8 byte column)."""
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        if not line.isascii():
            col = len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        return self.starts[lineno - 1] + col

    def segment(self, node: ast.expr) -> str:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        start = self._offset(node.lineno, node.col_offset)
        return self.source[start:self._offset(end_line, end_col)]

    def def_has_skip_comment(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> bool:
        """`# tf1migrate: skip` in the comments right above the def/decorators or on its header."""
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        index = first - 2
        while index >= 0 and (
            not self.lines[index].strip() or self.lines[index].lstrip().startswith("#")
        ):
            if has_skip_comment(self.lines[index]):
                return True
            index -= 1
        header_end = node.body[0].lineno if node.body else node.lineno
        header = self.lines[node.lineno - 1:max(header_end - 1, node.lineno)]
        return any(has_skip_comment(line) for line in header)


# ---------------------------------------------------------------------- ast helpers
def _dotted(node: ast.expr | None) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _wrapper_target(node: ast.ClassDef) -> str | None:
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == WRAPS_ATTRIBUTE
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            return statement.value.value
    return None


def _is_staticmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _function_candidates(value: ast.expr) -> list[str]:
    """The dotted names an assignment may bind: `f`, `a if use_tpu else b`, `a or b`."""
    if isinstance(value, (ast.Name, ast.Attribute)):
        dotted = _dotted(value)
        return [dotted] if dotted else []
    if isinstance(value, ast.IfExp):
        return _function_candidates(value.body) + _function_candidates(value.orelse)
    if isinstance(value, ast.BoolOp):
        return [name for operand in value.values for name in _function_candidates(operand)]
    return []


def _is_self_attribute(target: ast.expr) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    )


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is not None and node.value is not Ellipsis
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_is_literal(element) for element in node.elts)
    return False


def _names_in(node: ast.expr) -> Iterator[str]:
    """Bare names inside a small expression (arithmetic, tuples)."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.BinOp):
        yield from _names_in(node.left)
        yield from _names_in(node.right)
    elif isinstance(node, ast.UnaryOp):
        yield from _names_in(node.operand)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _names_in(element)


def _names_anywhere(node: ast.expr) -> Iterator[str]:
    """Every bare name read in an expression (`self.name + "_vars"` has none; `name` has)."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id


def _names_in_tensor_position(node: ast.expr) -> Iterable[str]:
    """Names used as tensors in a first argument: `x`, `[x, y]`, `x + b`, `x[:, 0]`."""
    if isinstance(node, ast.Subscript):
        return _names_in_tensor_position(node.value)
    return _names_in(node)


def _looks_like_class_or_factory(symbol: str) -> bool:
    last = symbol.rsplit(".", 1)[-1]
    return last[:1].isupper() or last.endswith(("_initializer", "_regularizer"))


def _is_computed(value: ast.expr, params: frozenset[str]) -> bool:
    """`self.x = <value>` stores an output (not a copy of an argument or a constant)."""
    if isinstance(value, ast.Name):
        return value.id not in params
    if isinstance(value, ast.Constant) or _is_literal(value):
        return False
    if isinstance(value, ast.Call):
        dotted = _dotted(value.func) or ""
        if dotted.startswith("copy.") or dotted in _COPIES:
            return False
    if isinstance(value, (ast.List, ast.Tuple)):
        return bool(value.elts)
    return not isinstance(value, ast.Dict)
