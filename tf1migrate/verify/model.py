"""Data that flows through the verification pass (picklable and JSON-friendly).

The parent process builds `WrapperTarget`s from the code, resolves a `CallSpec` for each,
runs children, and folds their answers into one `LayerResult` per wrapper; reporters read
the `VerifyResult`. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Union


class Status(str, enum.Enum):
    VERIFIED = "verified"  # names, shapes, dtypes, trainability (and numerics if run) match
    MISMATCH = "mismatch"  # the migrated layer differs from its reference
    NOT_VERIFIED = "not-verified"  # nothing to compare against (no input spec, no reference)
    ERROR = "error"  # a child failed: user code raised, hung, crashed or ran out of memory


class ReferenceKind(str, enum.Enum):
    GRAPH_TF_KERAS = "graph (tf-keras)"  # TF1 graph, tf.layers from tf-keras's legacy family
    GRAPH_TF1COMPAT = "graph (tf1compat)"  # TF1 graph, tf.layers aliased to tf1compat.layers
    CHECKPOINT = "checkpoint"
    NONE = "none"


@dataclass(frozen=True)
class Param:
    """One parameter of a wrapper's constructor or call method."""

    name: str
    required: bool  # no default value
    variadic: bool = False  # *args / **kwargs
    default: str | None = None  # source code of the default value


@dataclass(frozen=True)
class WrapperTarget:
    """A generated wrapper class found in the migrated code."""

    path: str  # file, absolute
    module: str  # dotted import name ("model", "pkg.nets")
    import_root: str  # the sys.path entry that makes `module` importable
    class_name: str
    wraps: str  # qualname of the wrapped callable in `module` ("model", "Net.build")
    line: int
    method: str  # "call" or "__call__"
    init_params: tuple[Param, ...] = ()
    call_params: tuple[Param, ...] = ()  # tensor arguments (without self and training)
    has_training: bool = False  # the call method takes `training`
    call_takes_kwargs: bool = False  # the call method has ``**kwargs``: any input name goes
    training_kwarg: str | None = None  # the wrapped callable's parameter fed from `training`
    training_position: int | None = None  # ... or its positional index in the wrapped call
    # (key, attribute) pairs when `call` returns attributes of an object the wrapped class built
    output_attributes: tuple[tuple[str, str], ...] = ()
    # (constructor parameter, the original's keyword) for every configuration argument the
    # wrapper forwards: `tf1migrate_renames` when the class says it, else read from `call`
    arguments: tuple[tuple[str, str], ...] = ()
    # the constructor parameter holding the scope `call` enters around the wrapped call
    # (`with tf.compat.v1.variable_scope(self.variable_scope):`), so the reference does too
    scope_param: str | None = None
    # the wrapped callable builds a function that `call` then applies to the tensors
    # (`network = build(config)`, `return network(x)`)
    builder: bool = False
    # a class wrapped as a whole: (feed key, call parameter or "@training") for each of its
    # placeholders `call` feeds (`with tf1compat.feed_placeholders({...}):`)
    feeds: tuple[tuple[str, str], ...] = ()
    # (output key, call parameters it needs) for outputs `call` returns only when given them
    output_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # the method of the built object `call` returns the result of (`built.predict(x)`;
    # "__call__" for `built(x)`)
    forward: str | None = None

    def original_keyword(self, param: str) -> str:
        """The original's keyword for constructor parameter ``param`` (``tf1_name`` → ``name``)."""
        return dict(self.arguments).get(param, param)

    @property
    def key(self) -> str:
        """The spec key of the wrapped callable: "module:qualname"."""
        return f"{self.module}:{self.wraps}"

    @property
    def label(self) -> str:
        return f"{self.module}:{self.class_name}"


@dataclass(frozen=True)
class TensorSpec:
    """How to make one input: dtype, static shape and the range of seeded values."""

    dtype: str
    shape: tuple[int, ...]
    minval: float | None = None
    maxval: float | None = None

    def describe(self) -> str:
        return f"{self.dtype}[{', '.join(str(d) for d in self.shape)}]"


#: One argument's input: a tensor, or a dict / list of inputs (estimator ``features``).
InputSpec = Union[TensorSpec, dict[str, "InputSpec"], list["InputSpec"]]


def flatten_inputs(inputs: dict[str, InputSpec]) -> tuple[dict[str, TensorSpec], dict[str, Any]]:
    """Leaf tensors by path (``features/input_ids``) and, per argument, the structure that
    rebuilds it from those paths (a path string, or dicts and lists of them)."""
    leaves: dict[str, TensorSpec] = {}

    def walk(spec: InputSpec, path: str) -> Any:
        if isinstance(spec, TensorSpec):
            leaves[path] = spec
            return path
        if isinstance(spec, dict):
            return {key: walk(value, f"{path}/{key}") for key, value in spec.items()}
        return [walk(value, f"{path}/{index}") for index, value in enumerate(spec)]

    structure = {name: walk(spec, name) for name, spec in inputs.items()}
    return leaves, structure


@dataclass(frozen=True)
class CallSpec:
    """How to build and call one wrapped callable, and where that knowledge came from."""

    args: dict[str, str]  # configuration argument -> Python expression (module namespace)
    inputs: dict[str, InputSpec]  # tensor argument -> spec (nested for dict/list arguments)
    training: tuple[bool, ...] = (False,)
    source: str = "pyproject"  # "pyproject" | "call-site" | "docstring" | "body", joined by +


@dataclass(frozen=True)
class VariableInfo:
    """One variable as a child saw it (TF1 name without ":0")."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    trainable: bool | None  # as created; None: unknown (a checkpoint does not record it)
    # the TF1 graph's trainable collection, when it disagrees with `trainable`
    # (`variables_collections=[TRAINABLE_VARIABLES]`, or a variable removed to freeze it)
    in_trainable_collection: bool | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VariableInfo:
        return cls(
            data["name"],
            tuple(data["shape"]),
            data["dtype"],
            data.get("trainable"),
            data.get("in_trainable_collection"),
        )


@dataclass
class LayerResult:
    """Everything the pass learned about one generated wrapper."""

    layer: str  # "module:ClassName"
    wraps: str  # "module:qualname"
    path: str
    line: int
    status: Status
    reference: ReferenceKind = ReferenceKind.NONE
    variables: int = 0  # in the migrated layer
    params: int = 0  # scalar parameters in the migrated layer
    names_ok: bool | None = None  # None: not compared
    max_abs_diff: float | None = None  # over every compared output, None: not run
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the reference, not migrated
    unexpected: list[str] = field(default_factory=list)  # in the migrated layer only
    spec_source: str | None = None
    snippet: str | None = None  # TOML to add when the layer has no input spec
    checkpoint_load: dict[str, Any] | None = None  # loaded / missing / unexpected counts


@dataclass
class VerifyResult:
    """One verification run, layers sorted by (path, line) so output is deterministic."""

    layers: list[LayerResult] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # run-level (no wrappers, bad --base)
    original: str | None = None  # where the reference source came from
    seconds: float = 0.0
    allow_empty: bool = False  # a run with no layers at all exits 0 (``--allow-empty``)

    @property
    def nothing_verified(self) -> bool:
        """No layer was verified: none found, or none could be checked (a CI gate must fail)."""
        return not any(layer.status is Status.VERIFIED for layer in self.layers)

    @property
    def exit_code(self) -> int:
        """0 when every layer verified, 1 on any mismatch or unverified layer or when there was
        nothing to verify (unless ``allow_empty``), 2 on errors."""
        statuses = {layer.status for layer in self.layers}
        if Status.ERROR in statuses:
            return 2
        if not self.layers:
            return 0 if self.allow_empty else 1
        if statuses - {Status.VERIFIED}:
            return 1
        return 0

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for layer in self.layers:
            counts[layer.status.value] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        data["counts"] = self.counts()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=_enum_value)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerifyResult:
        layers = []
        for item in data.get("layers", []):
            item = dict(item)
            item["status"] = Status(item["status"])
            item["reference"] = ReferenceKind(item["reference"])
            layers.append(LayerResult(**item))
        return cls(
            layers=layers,
            messages=list(data.get("messages", [])),
            original=data.get("original"),
            seconds=data.get("seconds", 0.0),
            allow_empty=bool(data.get("allow_empty", False)),
        )


def _enum_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"not JSON serialisable: {value!r}")
