"""Generate the wrapper class for one root callable, as LibCST nodes.

A root function `model(hparams, X, past=None, scope='model', reuse=False)` gets a class
whose constructor takes the configuration (kept for `get_config`), whose `call` takes the
tensors (plus Keras's `training`, mapped onto the function's `is_training`-style flag) and
runs the function under `tf1compat.track_tf1_style_variables`, so its TF1 variables are
created once, owned by the layer, and keep their TF1 names. A graph-building `__init__` of a
model class gets a wrapper that builds the object per call and returns its outputs; a
graph-building method gets a wrapper holding the owning object.

The class is rendered as text from the parsed signature (defaults are copied verbatim) and
parsed back, which keeps the generator short and guarantees the result is valid CST.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import libcst as cst

from tf1migrate.facts import WRAPS_ATTRIBUTE, ParamInfo
from tf1migrate.index import FeedInput, RootInfo
from tf1migrate.markers import is_staticmethod

#: Attributes a Keras 3 Layer or tf.Module already defines: configuration stored under one of
#: these names would break the base class, so it is stored as `tf1_<name>` instead.
RESERVED_ATTRIBUTES = frozenset(
    {"name", "dtype", "trainable", "built", "input", "output", "weights", "variables", "losses",
     "metrics", "training", "input_spec", "supports_masking", "path", "dtype_policy",
     "compute_dtype", "variable_dtype", "trainable_weights", "non_trainable_weights",
     "trainable_variables", "non_trainable_variables", "activity_regularizer", "autocast",
     "call", "build", "get_config", "from_config", "name_scope", "submodules", "kwargs",
     "self", "stateless"}
)
BASES = {"keras": "tf1compat.MigratedLayer", "module": "tf1compat.MigratedModule"}
SUFFIXES = {"keras": "Layer", "module": "Module"}
SCOPE_ATTRIBUTE = "variable_scope"
INPUT_DTYPE_ATTRIBUTE = "tf1migrate_input_dtype"
#: `{constructor argument: original keyword}` for configuration stored under another name
#: (`tf1_name` for a `name` parameter): verify reads it to call the original the same way.
RENAMES_ATTRIBUTE = "tf1migrate_renames"
#: Methods and attributes of a Keras 3 Layer an exposed forward method must not replace.
LAYER_MEMBERS = RESERVED_ATTRIBUTES | frozenset(
    {"add_loss", "add_metric", "add_variable", "add_weight", "build_from_config",
     "compute_mask", "compute_output_shape", "compute_output_spec", "count_params",
     "get_build_config", "get_weights", "set_weights", "load_own_variables",
     "save_own_variables", "stateless_call", "quantize", "quantized_call", "enable_lora",
     "rematerialized_call", "input_dtype", "metrics_variables", "tf1_variables",
     "regularization_losses", "trainable_variables", "non_trainable_weights"}
)
#: Keyword arguments of a Keras Layer / tf.Module constructor a builder's `**kwargs` must not eat.
LAYER_KWARGS = ("name", "dtype", "trainable", "autocast", "dtype_policy")
WIDTH = 99  # generated lines longer than this are split one argument per line


@dataclass(frozen=True)
class Param:
    """A parameter of the wrapped callable, as the wrapper sees it."""

    name: str
    default: str | None  # source code of the default
    keyword_only: bool = False
    var_keyword: bool = False  # `**kwargs` (only kept for a closure builder)

    def signature(self, name: str | None = None) -> str:
        shown = name or self.name
        return shown if self.default is None else f"{shown}={self.default}"


def class_name_for(root: RootInfo, target: str, taken: set[str]) -> str:
    """`model` → `ModelLayer`, `DCGAN.generator` → `DCGANGeneratorLayer`,
    `BertModel.__init__` → `BertModelLayer`."""
    parts = root.qualname.split(".")
    if root.kind == "init":
        parts = parts[:-1]
    base = "".join(_camel(part) for part in parts) + SUFFIXES[target]
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}{counter}", counter + 1
    return name


def wrapped_name(root: RootInfo) -> str:
    """What `tf1migrate_wraps` says: the callable's qualname (the class for an `__init__`)."""
    return root.qualname.rsplit(".", 1)[0] if root.kind == "init" else root.qualname


def generate_wrapper(
    function: cst.FunctionDef,
    root: RootInfo,
    *,
    class_name: str,
    target: str = "keras",
    tf_v1: str = "tf.compat.v1",
    module: cst.Module | None = None,
    docstring: str | None = None,
) -> cst.ClassDef:
    """The wrapper class for `function` (the root itself, or the class's `__init__`).

    `docstring` overrides the one summarised (a model class's own docstring for `__init__`).
    """
    module = module or cst.Module(body=[])
    source_docstring = docstring or function.get_docstring(clean=True)
    return _Builder(function, root, class_name, target, tf_v1, module, source_docstring).build()


class _Builder:
    """Renders one wrapper class: each method below produces one piece of its text."""

    def __init__(
        self, function: cst.FunctionDef, root: RootInfo, class_name: str, target: str, tf_v1: str,
        module: cst.Module, source_docstring: str | None,
    ) -> None:
        self.function = function
        self.source_docstring = source_docstring
        self.root = root
        self.class_name = class_name
        self.target = target
        self.tf_v1 = tf_v1
        self.module = module
        self.indent = module.default_indent
        self.params = _signature(
            function, module, skip_self=root.kind not in ("function", "closure")
        )
        self.var_keyword = _var_keyword(function) if root.kind == "closure" else None
        if root.scope_default is not None:  # every call site passes the same scope=/name=
            self.params = [
                Param(p.name, repr(root.scope_default), p.keyword_only)
                if p.name in ("scope", "name") and p.default is not None else p
                for p in self.params
            ]
        by_name = {p.name: p for p in self.params}
        if root.kind == "closure":  # the call inputs are the returned function's parameters
            self.closure = [Param(p.name, p.default, p.kind == "keyword_only")
                            for p in root.closure_params if p.kind in ("positional", "keyword_only")]
            closure_names = {p.name: p for p in self.closure}
            self.tensors = [closure_names[n] for n in root.tensor_params if n in closure_names]
        else:
            self.closure = []
            self.tensors = [by_name[n] for n in root.tensor_params if n in by_name]
        self.configs = [by_name[n] for n in root.config_params if n in by_name]
        self.training = by_name.get(root.training_param) if root.training_param else None
        taken = {p.name for p in self.params} | {p.name for p in self.closure}
        if self.var_keyword:
            taken.add(self.var_keyword)
        self.feeds = [f for f in root.feeds if not f.from_training]
        self.forward_params = [
            Param(p.name, p.default, p.kind == "keyword_only") for p in root.forward_params
        ]
        taken |= {f.key for f in root.feeds} | {p.name for p in self.forward_params}
        self.attributes = {p.name: _attribute_name(p.name, taken) for p in self.configs}
        self.owner = _owner_name(root, taken) if root.kind == "method" else None
        self.scope_param = _free_name(SCOPE_ATTRIBUTE, taken) if root.outer_scope else None
        self.instance = _owner_name(root, taken) if root.kind == "init" else None

    # ------------------------------------------------------------------ pieces
    def ctor_params(self) -> list[str]:
        """Owner object, then configuration (defaults preserved), then the outer scope."""
        positional = [p for p in self.configs if not p.keyword_only]
        keyword_only = [p for p in self.configs if p.keyword_only]
        params = [self.owner] if self.owner else []
        params += [p.signature(self.attributes[p.name]) for p in positional]
        if keyword_only:
            params += ["*", *(p.signature(self.attributes[p.name]) for p in keyword_only)]
        if self.scope_param:
            params.append(f"{self.scope_param}={self.root.outer_scope!r}")
        if self.var_keyword:
            params.append(f"**{self.var_keyword}")
        elif self.target == "keras":
            params.append("**kwargs")
        else:
            params.append("name=None")
        return params

    def renames(self) -> dict[str, str]:
        return {a: n for n, a in self.attributes.items() if a != n}

    def stored(self) -> list[str]:
        """Constructor arguments kept as attributes of the same name and in get_config."""
        names = [self.owner] if self.owner else []
        names += [self.attributes[p.name] for p in self.configs]
        if self.scope_param:
            names.append(self.scope_param)
        if self.var_keyword:
            names.append(self.var_keyword)
        return names

    def call_params(self) -> list[str]:
        feeds = [Param(f.key, f.default) for f in self.feeds]
        inputs = [*self.tensors, *feeds, *self.forward_params]
        required = [p for p in inputs if not p.keyword_only and p.default is None]
        optional = [p for p in inputs if not p.keyword_only and p.default is not None]
        keyword_only = [p.signature() for p in inputs if p.keyword_only]
        params = [p.signature() for p in [*required, *optional]]
        params += ["*", *keyword_only] if keyword_only else []
        params.append("training=None")
        return params

    def inner_arguments(self) -> list[str]:
        """Arguments for the wrapped callable: positional while the original allows it."""
        arguments = self._arguments(self.params)
        if self.var_keyword:
            arguments.append(f"**self.{self.var_keyword}")
        return arguments

    def closure_arguments(self) -> list[str]:
        return self._arguments(self.closure)

    def _arguments(self, params: list[Param]) -> list[str]:
        arguments = []
        by_keyword = False
        for param in params:
            value = self._value_for(param)
            if value is None:
                by_keyword = True
                continue
            if by_keyword or param.keyword_only or param.default is not None:
                by_keyword = True
                arguments.append(f"{param.name}={value}")
            else:
                arguments.append(value)
        return arguments

    def _value_for(self, param: Param) -> str | None:
        if param is self.training:
            if param.default is not None and param.default not in ("None",):
                return f"{param.default} if training is None else training"
            return "False if training is None else training"
        if param.name in self.attributes:
            return f"self.{self.attributes[param.name]}"
        if any(param is tensor for tensor in [*self.tensors, *self.forward_params]):
            return param.name
        return None  # *args/**kwargs and anything we did not classify: keep its default

    def callee(self) -> str:
        name = self.root.qualname
        if self.root.kind == "init":
            return name.rsplit(".", 1)[0]
        if self.root.kind == "method" and is_staticmethod(self.function):
            return f"self.{self.owner}.{name.rsplit('.', 1)[1]}"
        return name  # a method: `Model.generator(self.model, ...)`, the function it wraps

    def call_body(self) -> list[str]:
        i = self.indent
        depth = i * (3 if self.scope_param else 2)
        arguments = self.inner_arguments()
        if self.root.kind == "closure":
            lines = _fit(f"network = {self.callee()}(", arguments, ")", depth, i)
            lines += _fit("return network(", self.closure_arguments(), ")", depth, i)
        elif self.root.kind == "init":
            lines = self.build_instance(arguments, depth)
            lines.append(f"self.{self.instance} = built")
            lines += self.returned(depth)
        else:
            if self.root.kind == "method" and not is_staticmethod(self.function):
                # the owner passed as self: the wrapped function runs on a stand-in object too
                arguments = [f"self.{self.owner}", *arguments]
            lines = _fit(f"return {self.callee()}(", arguments, ")", depth, i)
        if self.scope_param:
            lines = [f"with {self.tf_v1}.variable_scope(self.{self.scope_param}):"] + [
                i + line for line in lines
            ]
        return lines

    def build_instance(self, arguments: list[str], depth: str) -> list[str]:
        """`built = Model(...)`, inside `feed_placeholders` when the class makes placeholders."""
        i = self.indent
        lines = _fit(f"built = {self.callee()}(", arguments, ")", depth, i)
        if not self.root.feeds:
            return lines
        items = [f"{f.key!r}: {_fed_value(f)}" for f in self.root.feeds]
        head = _fit("with tf1compat.feed_placeholders({", items, "}):", depth, i)
        inner = _fit(f"built = {self.callee()}(", arguments, ")", depth + i, i)
        return head + [i + line for line in inner]

    def returned(self, depth: str) -> list[str]:
        """The outputs (those needing an input not given left out), or the forward method's."""
        i = self.indent
        if self.root.forward is not None:
            arguments = self._arguments(self.forward_params)
            call = "built(" if self.root.forward == "__call__" else f"built.{self.root.forward}("
            return _fit(f"return {call}", arguments, ")", depth, i)
        if not self.root.outputs:
            return ["return built"]
        needs: dict[str, tuple[str, ...]] = {}
        for feed in self.root.feeds:
            for name in feed.omits:
                needs[name] = (*needs.get(name, ()), feed.key)
        always = [name for name in self.root.outputs if name not in needs]
        items = [f"{name!r}: built.{name}" for name in always]
        if len(always) == len(self.root.outputs):
            return _fit("return {", items, "}", depth, i)
        lines = _fit("outputs = {", items, "}", depth, i)
        groups: dict[tuple[str, ...], list[str]] = {}
        for name in self.root.outputs:
            if name in needs:
                groups.setdefault(needs[name], []).append(name)
        for keys, names in groups.items():
            test = " and ".join(f"{key} is not None" for key in keys)
            lines.append(f"if {test}:")
            lines += [f"{i}outputs[{name!r}] = built.{name}" for name in names]
        lines.append("return outputs")
        return lines

    def exposed_methods(self) -> list[str]:
        """The class's other forward methods, run on the object the layer builds."""
        i = self.indent
        lines: list[str] = []
        taken = {p.name for p in self.params} | {"call"}
        for name, params in self.root.methods:
            method = name if name not in LAYER_MEMBERS and name not in taken else f"tf1_{name}"
            taken.add(method)
            signature = _fit(f"def {method}(", ["self", *_method_signature(params)], "):", i, i)
            lines += ["", f"{i}@tf1compat.track_tf1_style_variables"]
            lines += [i + line for line in signature]
            depth = i + i
            forwarded = _method_arguments(params)
            if self.root.builds_without_inputs:
                body = _fit(f"built = {self.callee()}(", self.inner_arguments(), ")", depth, i)
                body.append(f"self.{self.instance} = built")
            else:
                wrapped = wrapped_name(self.root)
                body = [
                    f"if self.{self.instance} is None:",
                    f"{i}raise ValueError(",
                    f"{i}{i}\"call the layer first: `{name}` runs on the `{wrapped}` \"",
                    f"{i}{i}\"its call builds\"",
                    f"{i})",
                    f"built = self.{self.instance}",
                ]
            body += _fit(f"return built.{name}(", forwarded, ")", depth, i)
            lines += [depth + line for line in body]
        return lines

    def input_dtype(self) -> str | None:
        """dtype of the first tensor input when a placeholder at a call site says it.

        Keras builds a layer from a shape only; the runtime reads this to build it on an
        input of the right dtype (int32 token ids, for instance) before the first call.
        """
        if self.target != "keras":
            return None
        if self.tensors:
            spec = dict(self.root.placeholder_inputs).get(self.tensors[0].name)
        elif self.feeds:  # the first call input feeds a placeholder: its dtype is written there
            spec = next((f.spec for f in self.feeds if f.default is None), self.feeds[0].spec)
        else:
            return None
        if not spec:
            return None
        dtype = spec.partition("[")[0]
        return dtype if dtype.isidentifier() and dtype != "float32" else None

    def docstring(self) -> list[str]:
        noun = "layer" if self.target == "keras" else "module"
        first = (
            f'"""Runs `{wrapped_name(self.root)}` with its TF1 variables tracked by this {noun} '
            f"(generated by tf1migrate)."
        )
        head = _wrap_words(first, WIDTH - 2 * len(self.indent))
        paragraph = " ".join(_first_paragraph(self.source_docstring))
        summary = _wrap_words(paragraph, WIDTH - len(self.indent))
        if not summary:
            head[-1] += '"""'
            return head
        return [*head, "", *summary, '"""']

    # ------------------------------------------------------------------ assembly
    def build(self) -> cst.ClassDef:
        i = self.indent
        lines = [f"class {self.class_name}({BASES[self.target]}):"]
        lines += [i + line if line else "" for line in self.docstring()]
        lines += ["", f'{i}{WRAPS_ATTRIBUTE} = "{wrapped_name(self.root)}"']
        dtype = self.input_dtype()
        if dtype is not None:
            lines.append(f'{i}{INPUT_DTYPE_ATTRIBUTE} = "{dtype}"')
        renames = self.renames()
        if renames:
            items = ", ".join(f'"{new}": "{old}"' for new, old in renames.items())
            lines.append(f"{i}{RENAMES_ATTRIBUTE} = {{{items}}}")
        lines.append("")
        ctor = _fit("def __init__(", ["self", *self.ctor_params()], "):", i, i)
        lines += [i + line for line in ctor]
        forwarded = "**kwargs" if self.target == "keras" else "name=name"
        if self.var_keyword:  # the builder's **kwargs: Keras's own keywords go to the base
            keywords = self.var_keyword
            names = ", ".join(f'"{key}"' for key in LAYER_KWARGS)
            lines += [
                f"{i}{i}layer_kwargs = {{",
                f"{i}{i}{i}key: {keywords}.pop(key)",
                f"{i}{i}{i}for key in ({names})",
                f"{i}{i}{i}if key in {keywords}",
                f"{i}{i}}}",
            ]
            forwarded = "**layer_kwargs" if self.target == "keras" else (
                "name=layer_kwargs.get('name')"
            )
        lines.append(f"{i}{i}super().__init__({forwarded})")
        for attribute in self.stored():
            lines.append(f"{i}{i}self.{attribute} = {attribute}")
        if self.instance is not None:
            lines.append(f"{i}{i}self.{self.instance} = None  # the object the last call built")
        if self.stored():
            lines += ["", f"{i}def get_config(self):"]
            if self.target == "keras":
                lines.append(f"{i}{i}config = super().get_config()")
            else:
                lines.append(f"{i}{i}config = {{}}")
            updates = [
                f"**self.{a}" if a == self.var_keyword else f"{a}=self.{a}" for a in self.stored()
            ]
            lines += [i + i + line for line in _fit("config.update(", updates, ")", i + i, i)]
            lines.append(f"{i}{i}return config")
        method = "call" if self.target == "keras" else "__call__"
        lines += ["", f"{i}@tf1compat.track_tf1_style_variables"]
        signature = _fit(f"def {method}(", ["self", *self.call_params()], "):", i, i)
        lines += [i + line for line in signature]
        lines += [f"{i}{i}{line}" for line in self.call_body()]
        if self.root.kind == "init":
            lines += self.exposed_methods()
        newline = self.module.default_newline
        code = newline.join(lines) + newline
        statement = cst.parse_statement(code, config=self.module.config_for_parsing)
        assert isinstance(statement, cst.ClassDef)
        blank = cst.EmptyLine(indent=False, whitespace=cst.SimpleWhitespace(""), comment=None)
        return statement.with_changes(leading_lines=[blank, blank])


# ---------------------------------------------------------------------- helpers
def _fed_value(feed: FeedInput) -> str:
    return "False if training is None else training" if feed.from_training else feed.key


def _method_signature(params: tuple[ParamInfo, ...]) -> list[str]:
    """A method's parameters as written (defaults verbatim), without `self`."""
    result: list[str] = []
    starred = False
    for param in params:
        if param.kind == "var_positional":
            result.append(f"*{param.name}")
            starred = True
        elif param.kind == "var_keyword":
            result.append(f"**{param.name}")
        else:
            if param.kind == "keyword_only" and not starred:
                result.append("*")
                starred = True
            result.append(param.name if param.default is None else f"{param.name}={param.default}")
    return result


def _method_arguments(params: tuple[ParamInfo, ...]) -> list[str]:
    result: list[str] = []
    for param in params:
        if param.kind == "var_positional":
            result.append(f"*{param.name}")
        elif param.kind == "var_keyword":
            result.append(f"**{param.name}")
        elif param.kind == "keyword_only":
            result.append(f"{param.name}={param.name}")
        else:
            result.append(param.name)
    return result


def _signature(function: cst.FunctionDef, module: cst.Module, *, skip_self: bool) -> list[Param]:
    params = function.params
    positional = [*params.posonly_params, *params.params]
    if skip_self and positional and not is_staticmethod(function):
        positional = positional[1:]
    result = [Param(p.name.value, _code(module, p.default)) for p in positional]
    result += [
        Param(p.name.value, _code(module, p.default), keyword_only=True)
        for p in params.kwonly_params
    ]
    return result


def _var_keyword(function: cst.FunctionDef) -> str | None:
    star = function.params.star_kwarg
    return star.name.value if star is not None else None


def _code(module: cst.Module, node: cst.BaseExpression | None) -> str | None:
    return None if node is None else module.code_for_node(node)


def _camel(name: str) -> str:
    if name[:1].isupper() and "_" not in name:
        return name
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _snake(name: str) -> str:
    """`BertModel` → `bert_model`, `LSTMPolicy` → `lstm_policy`, `DCGAN` → `dcgan`."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return snake if snake.isidentifier() and not keyword.iskeyword(snake) else f"{snake}_obj"


def _free_name(wanted: str, taken: set[str]) -> str:
    name = wanted
    while name in taken or name in RESERVED_ATTRIBUTES:
        name = f"tf1_{name}"
    taken.add(name)
    return name


def _attribute_name(param: str, taken: set[str]) -> str:
    """The constructor argument / attribute holding configuration `param`."""
    if param not in RESERVED_ATTRIBUTES:
        return param
    return _free_name(f"tf1_{param}", taken)


def _owner_name(root: RootInfo, taken: set[str]) -> str:
    class_name = root.qualname.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    return _free_name(_snake(class_name), taken)


def _first_paragraph(docstring: str | None) -> list[str]:
    """The first paragraph of a docstring, made safe to embed in a triple-quoted string."""
    if not docstring:
        return []
    paragraph = []
    for line in docstring.strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip().replace("\\", "").replace('"""', "'''"))
    if paragraph and paragraph[-1].endswith('"'):
        paragraph[-1] += " "
    return paragraph


def _wrap_words(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def _fit(head: str, items: list[str], tail: str, indent: str, unit: str) -> list[str]:
    """`head + ", ".join(items) + tail` on one line if it fits, else one item per line."""
    line = f"{head}{', '.join(items)}{tail}"
    if len(indent) + len(line) <= WIDTH or not items:
        return [line]
    return [head.rstrip(), *(f"{unit}{item}," for item in items), tail.lstrip()]
