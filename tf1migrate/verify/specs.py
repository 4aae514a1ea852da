"""Input specs: parse ``[tool.tf1migrate.verify."module:qualname"]`` tables and render them.

A spec says how to call a wrapped callable: configuration arguments as Python expressions
(evaluated in the module's namespace by the child), tensor inputs as ``"dtype[d0, d1]"`` or
``{dtype = "int32", shape = [2, 8], minval = 0, maxval = 50}``, and the training flags to try.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from tf1migrate.verify.model import CallSpec, InputSpec, TensorSpec, WrapperTarget

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DTYPES = {
    "float16", "bfloat16", "float32", "float64", "half", "float", "double",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool",
    "complex64", "complex128",
}  # fmt: skip
_ALIASES = {"half": "float16", "float": "float32", "double": "float64"}
_TENSOR_TEXT = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*\[\s*([^\]]*)\]\s*$")


class SpecError(ValueError):
    """A verify table that cannot be understood (message says which key and why)."""


def normalise_dtype(name: str) -> str:
    name = name.strip().removeprefix("tf.").removeprefix("np.").removeprefix("numpy.")
    name = _ALIASES.get(name, name)
    if name not in DTYPES:
        raise SpecError(f"unknown dtype {name!r} (use one of {', '.join(sorted(DTYPES))})")
    return name


def parse_tensor_spec(value: Any, where: str) -> TensorSpec:
    """``"int32[2, 8]"`` or a table with dtype/shape/minval/maxval → `TensorSpec`."""
    if isinstance(value, str):
        match = _TENSOR_TEXT.match(value)
        if not match:
            raise SpecError(f'{where}: {value!r} is not of the form "dtype[d0, d1, ...]"')
        dims = [d.strip() for d in match.group(2).split(",") if d.strip()]
        try:
            shape = tuple(int(d) for d in dims)
        except ValueError:
            raise SpecError(f"{where}: dimensions of {value!r} must be integers") from None
        return TensorSpec(normalise_dtype(match.group(1)), shape)
    if isinstance(value, dict):
        unknown = set(value) - {"dtype", "shape", "minval", "maxval"}
        if unknown or "dtype" not in value or "shape" not in value:
            raise SpecError(f"{where}: a table needs dtype and shape (and optional minval, maxval)")
        shape = value["shape"]
        if not isinstance(shape, list) or not all(isinstance(d, int) for d in shape):
            raise SpecError(f"{where}: shape must be a list of integers")
        return TensorSpec(
            normalise_dtype(str(value["dtype"])),
            tuple(shape),
            minval=value.get("minval"),
            maxval=value.get("maxval"),
        )
    raise SpecError(f"{where}: expected a string or a table, got {type(value).__name__}")


def parse_input_spec(value: Any, where: str) -> InputSpec:
    """A tensor (``"int32[2, 8]"`` or a dtype/shape table), or a table / array of inputs:
    ``features = { input_ids = "int32[2, 8]", input_mask = "int32[2, 8]" }``."""
    if isinstance(value, str) or (isinstance(value, dict) and "dtype" in value):
        return parse_tensor_spec(value, where)
    if isinstance(value, dict):
        if not value:
            raise SpecError(f"{where}: an empty table describes no input")
        return {key: parse_input_spec(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        if not value:
            raise SpecError(f"{where}: an empty array describes no input")
        return [parse_input_spec(item, f"{where}[{index}]") for index, item in enumerate(value)]
    raise SpecError(f"{where}: expected a string, a table or an array, got {type(value).__name__}")


#: What a snippet writes where it knows nothing: a spec that still holds one is an error.
ARG_BLANK = "<python expression>"
INPUT_BLANK = "<dtype[shape]>"


def _reject_blanks(value: Any, where: str) -> None:
    if isinstance(value, str) and value in (ARG_BLANK, INPUT_BLANK):
        raise SpecError(f"{where} is still the blank {value}: fill it in")
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_blanks(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_blanks(item, f"{where}[{index}]")


def parse_call_spec(table: dict[str, Any], key: str) -> CallSpec:
    """One ``[tool.tf1migrate.verify."<key>"]`` table → `CallSpec`.

    ``args`` values are Python expressions given as strings, evaluated in the child in the
    module's namespace; a TOML number, boolean, array or table is taken as that literal.
    """
    where = f'[tool.tf1migrate.verify."{key}"]'
    unknown = set(table) - {"args", "inputs", "training"}
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for section in ("args", "inputs"):
        _reject_blanks(table.get(section), f"{where} {section}")
    args = table.get("args", {})
    if not isinstance(args, dict):
        raise SpecError(f"{where}: args must map names to Python expressions given as strings")
    args = {name: value if isinstance(value, str) else repr(value) for name, value in args.items()}
    inputs = table.get("inputs", {})
    if not isinstance(inputs, dict):
        raise SpecError(f"{where}: inputs must be a table")
    training = table.get("training", [False])
    if isinstance(training, bool):
        training = [training]
    if not isinstance(training, list) or not all(isinstance(t, bool) for t in training):
        raise SpecError(f"{where}: training must be a boolean or a list of booleans")
    return CallSpec(
        args=dict(args),
        inputs={name: parse_input_spec(v, f"{where} inputs.{name}") for name, v in inputs.items()},
        training=tuple(training),
        source="pyproject",
    )


def load_verify_tables(pyproject: Path) -> dict[str, dict[str, Any]]:
    """The raw ``[tool.tf1migrate.verify]`` tables of one pyproject.toml ({} if none)."""
    if not pyproject.is_file():
        return {}
    with pyproject.open("rb") as fh:
        data = tomllib.load(fh)
    tables = data.get("tool", {}).get("tf1migrate", {}).get("verify", {})
    return {key: value for key, value in tables.items() if isinstance(value, dict)}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    start = start.resolve()
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def wrapper_args(target: WrapperTarget, spec: CallSpec) -> dict[str, str]:
    """The spec's arguments as the wrapper's constructor takes them.

    A spec names the original's keywords (``name``); the wrapper may store one under another
    name (``tf1_name``, read from `WrapperTarget.arguments`); the wrapper's own name is
    accepted too. For a method (``"module:Class.method"``) the spec's ``self`` builds the
    instance; the generated wrapper takes it as its first constructor argument (``dcgan``).
    """
    args = dict(spec.args)
    names = [p.name for p in target.init_params if not p.variadic]
    if "self" in args and "self" not in names and "." in target.wraps:
        receiver = receiver_param(target, spec)
        expression = args.pop("self")
        if receiver is not None:
            args[receiver] = expression
    to_wrapper = {original: param for param, original in target.arguments if param != original}
    result = {}
    for name, expression in args.items():
        param = to_wrapper.get(name, name)
        if param in names:
            result[param] = expression
    return result


def receiver_param(target: WrapperTarget, spec: CallSpec) -> str | None:
    """For a method's wrapper, the constructor parameter that takes the instance the spec
    builds as ``self`` (the generated ``dcgan``), else None."""
    names = [p.name for p in target.init_params if not p.variadic]
    if "self" not in spec.args or "self" in names or "." not in target.wraps:
        return None
    forwarded = {param for param, _ in target.arguments}
    return next((n for n in names if n not in spec.args and n not in forwarded), None)


def call_args(target: WrapperTarget, spec: CallSpec) -> dict[str, str]:
    """The spec's ``args`` that the wrapper takes in ``call`` rather than in its constructor
    (the codemod judged ``mems=None`` or ``dropout`` a call input): passed to ``call`` as
    those Python values, and to the original as its keywords, like any configuration."""
    init = {p.name for p in target.init_params if not p.variadic}
    calls = {p.name for p in target.call_params}
    return {
        name: expression
        for name, expression in spec.args.items()
        if name in calls and name not in init and name not in spec.inputs
    }


def reference_args(target: WrapperTarget, spec: CallSpec) -> dict[str, str]:
    """The spec's arguments as the original takes them: always the original's own keywords
    (a wrapper parameter name given in the spec, ``tf1_name``, becomes ``name``)."""
    to_original = dict(target.arguments)
    return {to_original.get(name, name): expression for name, expression in spec.args.items()}


def reference_defaults(target: WrapperTarget, spec: CallSpec) -> dict[str, str]:
    """The wrapper's constructor defaults for forwarded arguments the spec leaves out, keyed by
    the original's keyword: the codemod may have set a default the original lacks (the scope
    every call site passes), and both sides must be configured alike. The reference child
    skips any that does not evaluate in the original module (the original's default stands)."""
    given = set(reference_args(target, spec))
    defaults = {}
    for param in target.init_params:
        original = dict(target.arguments).get(param.name)
        if original is None or param.default is None or original in given:
            continue
        defaults[original] = param.default
    return defaults


def scope_expression(target: WrapperTarget, spec: CallSpec) -> str | None:
    """The variable scope the wrapper enters around the wrapped call (an expression), if any."""
    if target.scope_param is None:
        return None
    if target.scope_param in spec.args:
        return spec.args[target.scope_param]
    default = next((p.default for p in target.init_params if p.name == target.scope_param), None)
    return default


def missing_arguments(target: WrapperTarget, spec: CallSpec) -> list[str]:
    """Required constructor or tensor arguments the spec does not give."""
    given = wrapper_args(target, spec)
    missing = [
        p.name
        for p in target.init_params
        if p.required and not p.variadic and p.name not in given
    ]
    given_to_call = set(spec.inputs) | set(call_args(target, spec))
    missing += [p.name for p in target.call_params if p.required and p.name not in given_to_call]
    return missing


def unknown_inputs(target: WrapperTarget, spec: CallSpec) -> list[str]:
    """Inputs the spec gives that the wrapper's ``call`` does not take (a typo, or a nesting
    the wrapper does not have): feeding them would fail inside the child with a TypeError."""
    if target.call_takes_kwargs:
        return []
    names = {p.name for p in target.call_params}
    return [name for name in spec.inputs if name not in names]


def render_snippet(target: WrapperTarget, partial: CallSpec | None = None) -> str:
    """The exact TOML table to add to pyproject.toml, pre-filled with whatever is known; each
    blank is marked (`ARG_BLANK`, `INPUT_BLANK`) and a comment says what is still missing.
    A table pasted with a blank left in is an error naming it (`parse_call_spec`)."""
    args = dict(partial.args) if partial else {}
    given = wrapper_args(target, partial or CallSpec(args={}, inputs={}))
    blanks: list[str] = []
    forwarded = {param for param, _ in target.arguments}
    for index, param in enumerate(p for p in target.init_params if not p.variadic):
        if param.required and param.name not in given:
            # a method's wrapper takes the instance first; the spec builds it as `self`
            receiver = index == 0 and "." in target.wraps and param.name not in forwarded
            key = "self" if receiver else target.original_keyword(param.name)
            args[key] = ARG_BLANK
            blanks.append(f"args.{key}")
    inputs = {
        name: _toml_input(spec) for name, spec in (partial.inputs.items() if partial else [])
    }
    in_call = call_args(target, partial) if partial else {}
    for param in target.call_params:
        if param.required and param.name not in inputs and param.name not in in_call:
            inputs[param.name] = _toml_string(INPUT_BLANK)
            blanks.append(f"inputs.{param.name}")
    lines = [f'[tool.tf1migrate.verify."{target.key}"]']
    if partial is not None and (partial.args or partial.inputs):
        lines.append(f"# found in the code ({partial.source}): check what is filled in")
    if blanks:
        lines.append(
            f"# fill in the blanks: {', '.join(blanks)} (args: a Python expression evaluated in "
            f'{target.module}; inputs: "dtype[d0, d1, ...]", e.g. "float32[2, 8]")'
        )
    if args:
        lines.append(f"args = {_inline_table({k: _toml_string(v) for k, v in args.items()})}")
    lines.append(f"inputs = {_inline_table(inputs)}")
    if target.training_kwarg is not None or target.training_position is not None:
        lines.append("training = [false, true]")
    return "\n".join(lines)


def _toml_input(spec: InputSpec) -> str:
    if isinstance(spec, TensorSpec):
        return _toml_string(spec.describe())
    if isinstance(spec, dict):
        return _inline_table({key: _toml_input(value) for key, value in spec.items()})
    return "[" + ", ".join(_toml_input(value) for value in spec) + "]"


def _toml_string(text: str) -> str:
    if "'" not in text and "\n" not in text:
        return f"'{text}'" if '"' in text else f'"{text}"'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _inline_table(items: dict[str, str]) -> str:
    if not items:
        return "{}"
    return "{ " + ", ".join(f"{_toml_key(k)} = {v}" for k, v in items.items()) + " }"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)
