"""Input specs read from the wrapped function's own body: its shape asserts and the ops each
tensor argument flows into (LibCST only, never run).

    assert x.shape[-1] == 3                       # a dimension
    tf.debugging.assert_rank(x, 4)                # the rank (also x.shape.assert_has_rank(4),
                                                  # len(x.shape) == 4, x.shape.ndims == 4)
    x.set_shape([None, 28, 28, 1])                # the whole shape (also ensure_shape,
                                                  # assert_is_compatible_with, as_list() == [...])
    assert x.dtype == tf.int32                    # the dtype (also assert_type, assert_integer)
    _, height, width, channels = x.get_shape().as_list()   # the rank
    tf.layers.conv2d(x, ...)                      # rank 4 (conv1d 3, conv3d 5, dense 2, ...)
    tf.nn.embedding_lookup(table, x)              # integer ids
    features["input_ids"]                         # a dict argument: its keys, from the
                                                  # repository's FixedLenFeature specs

A tensor whose rank is known gets a spec: known dimensions as stated, the rest small
(`BATCH_DIM` first, `FREE_DIM` after, `IMAGE_DIM` for the height and width of an input that
flows into a 2-D convolution). Without a rank nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from tf1migrate.verify.infer_data import feature_specs
from tf1migrate.verify.model import CallSpec, InputSpec, TensorSpec, WrapperTarget
from tf1migrate.verify.source import (
    BATCH_DIM,
    FREE_DIM,
    argument,
    called_name,
    dtype_of,
    original_function,
)

#: Height and width of an image input known only to flow into a 2-D convolution: large enough
#: for a few strided or VALID convolutions and pools, small enough to build in a moment.
IMAGE_DIM = 32
#: Rank of the tensor an op takes as its first (data) argument.
_RANK_OF_OP = {
    "conv1d": 3, "conv2d": 4, "conv3d": 5, "separable_conv2d": 4, "depthwise_conv2d": 4,
    "conv2d_transpose": 4, "conv3d_transpose": 5, "max_pool": 4, "avg_pool": 4,
    "max_pool2d": 4, "avg_pool2d": 4, "max_pooling2d": 4, "average_pooling2d": 4,
    "max_pooling1d": 3, "average_pooling1d": 3, "max_pool3d": 5, "avg_pool3d": 5,
    "dense": 2, "fully_connected": 2, "matmul": 2, "xw_plus_b": 2,
}  # fmt: skip
#: Ops whose second argument is a tensor of integer ids.
_IDS_OPS = {"embedding_lookup": 1, "gather": 1, "embedding_lookup_sparse": 1}
_RNN_OPS = {"dynamic_rnn": 3, "bidirectional_dynamic_rnn": 3}
_RANK_ASSERTS = {"assert_rank", "assert_has_rank"}
_SHAPE_SETTERS = {"set_shape", "assert_is_compatible_with", "ensure_shape", "assert_shape"}
_TYPE_ASSERTS = {"assert_type"}
_INTEGER_ASSERTS = {"assert_integer"}


@dataclass
class _Facts:
    """What the body says about one tensor argument."""

    rank: int | None = None
    dims: dict[int, int] = field(default_factory=dict)  # axis (may be negative) -> size
    dtype: str | None = None
    ids: bool = False  # used as integer ids
    image: bool = False  # flows into a 2-D convolution
    keys: set[str] = field(default_factory=set)  # `x["key"]`: a dict argument
    not_a_dict: bool = False  # used as a tensor somewhere

    def set_rank(self, rank: int) -> None:
        if self.rank is None:
            self.rank = rank

    def set_shape(self, dims: list[int | None]) -> None:
        self.set_rank(len(dims))
        for axis, dim in enumerate(dims):
            if dim is not None:
                self.dims.setdefault(axis, dim)

    def spec(self) -> TensorSpec | None:
        if self.rank is None:
            return None
        shape = []
        for axis in range(self.rank):
            known = self.dims.get(axis, self.dims.get(axis - self.rank))
            if known is not None and known > 0:
                shape.append(known)
            elif axis == 0:
                shape.append(BATCH_DIM)
            elif self.image and self.rank == 4 and axis in (1, 2):
                shape.append(IMAGE_DIM)
            else:
                shape.append(FREE_DIM)
        dtype = self.dtype or ("int32" if self.ids else "float32")
        return TensorSpec(dtype, tuple(shape))


def infer_from_body(target: WrapperTarget, original_root: Path) -> CallSpec | None:
    """What the original function's body says about the shapes of its tensor arguments."""
    function = original_function(target, original_root)
    if function is None:
        return None
    names = {p.name for p in target.call_params}
    collector = _BodyCollector(names)
    function.body.visit(collector)
    features = None
    inputs: dict[str, InputSpec] = {}
    for param in target.call_params:
        facts = collector.facts.get(param.name)
        if facts is None:
            continue
        if facts.keys and not facts.not_a_dict:
            features = feature_specs(original_root) if features is None else features
            if facts.keys <= set(features):
                inputs[param.name] = {key: features[key] for key in sorted(facts.keys)}
            continue
        spec = facts.spec()
        if spec is not None:
            inputs[param.name] = spec
    if not inputs:
        return None
    return CallSpec(args={}, inputs=inputs, source="body")


class _BodyCollector(cst.CSTVisitor):
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.facts: dict[str, _Facts] = {}

    def _facts(self, node: cst.BaseExpression | None) -> _Facts | None:
        if isinstance(node, cst.Name) and node.value in self.names:
            return self.facts.setdefault(node.value, _Facts())
        return None

    # nested functions and classes have their own parameters
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Assert(self, node: cst.Assert) -> None:
        self._comparison(node.test)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Tuple | cst.List):
                owner = _shape_owner(node.value)
                facts = self._facts(owner[0]) if owner is not None and owner[1] is None else None
                starred = any(isinstance(e, cst.StarredElement) for e in target.target.elements)
                if facts is not None and not starred:
                    facts.set_rank(len(target.target.elements))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        facts = self._facts(node.value)
        if facts is None or len(node.slice) != 1:
            return
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            facts.keys.add(str(index.value.evaluated_value))
        else:
            facts.not_a_dict = True

    def visit_Call(self, node: cst.Call) -> None:
        name = called_name(node.func) or ""
        owner = node.func.value if isinstance(node.func, cst.Attribute) else None
        if name in _RANK_ASSERTS:
            # tf.debugging.assert_rank(x, 4) or x.shape.assert_has_rank(4)
            shape_of = _shape_owner(owner) if owner is not None else None
            if shape_of is not None:
                facts, rank = self._facts(shape_of[0]), argument(node, 0, "rank")
            else:
                facts, rank = self._facts(argument(node, 0, "x")), argument(node, 1, "rank")
            if facts is not None and isinstance(rank, cst.Integer):
                facts.set_rank(int(rank.value))
        elif name in _SHAPE_SETTERS:
            if name in ("set_shape", "assert_is_compatible_with") and owner is not None:
                shape_of = _shape_owner(owner)
                facts = self._facts(owner if shape_of is None else shape_of[0])
                shape = argument(node, 0, "shape")
            else:
                facts, shape = self._facts(argument(node, 0, "x")), argument(node, 1, "shape")
            dims = _literal_dims(shape)
            if facts is not None and dims is not None:
                facts.set_shape(dims)
        elif name in _TYPE_ASSERTS:
            facts = self._facts(argument(node, 0, "tensor"))
            dtype = dtype_of(argument(node, 1, "tf_type"))
            if facts is not None and dtype is not None:
                facts.dtype = facts.dtype or dtype
        elif name in _INTEGER_ASSERTS:
            facts = self._facts(argument(node, 0, "x"))
            if facts is not None:
                facts.ids = True
        elif name in _IDS_OPS:
            facts = self._facts(
                argument(node, _IDS_OPS[name], "ids" if "embedding" in name else "indices")
            )
            if facts is not None:
                facts.ids = True
                facts.not_a_dict = True
        elif name in _RNN_OPS:
            facts = self._facts(argument(node, 1, "inputs"))
            if facts is not None:
                facts.set_rank(_RNN_OPS[name])
                facts.not_a_dict = True
        elif name in _RANK_OF_OP:
            facts = self._facts(argument(node, 0, "inputs")) or self._facts(
                argument(node, 0, "input")
            )
            if facts is not None:
                facts.set_rank(_RANK_OF_OP[name])
                facts.image = facts.image or _RANK_OF_OP[name] == 4 and "conv" in name
                facts.not_a_dict = True

    def _comparison(self, test: cst.BaseExpression) -> None:
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            self._comparison(test.left)
            self._comparison(test.right)
            return
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return
        target = test.comparisons[0]
        if not isinstance(target.operator, cst.Equal):
            return
        left, right = test.left, target.comparator
        for a, b in ((left, right), (right, left)):
            self._equality(a, b)

    def _equality(self, left: cst.BaseExpression, right: cst.BaseExpression) -> None:
        # x.dtype == tf.int32
        if isinstance(left, cst.Attribute) and left.attr.value == "dtype":
            facts, dtype = self._facts(left.value), dtype_of(right)
            if facts is not None and dtype is not None:
                facts.dtype = facts.dtype or dtype
            return
        value = _integer(right)
        # len(x.shape) == 4, x.shape.ndims == 4, x.shape.rank == 4
        if value is not None:
            if isinstance(left, cst.Call) and called_name(left.func) == "len" and left.args:
                owner = _shape_owner(left.args[0].value)
                if owner is not None and owner[1] is None:
                    facts = self._facts(owner[0])
                    if facts is not None:
                        facts.set_rank(value)
                return
            if isinstance(left, cst.Attribute) and left.attr.value in ("ndims", "rank"):
                owner = _shape_owner(left.value)
                facts = self._facts(owner[0]) if owner is not None and owner[1] is None else None
                if facts is not None:
                    facts.set_rank(value)
                return
            # x.shape[-1] == 3, x.get_shape()[1].value == 28, int(x.shape[2]) == 28
            axis = _indexed_dim(left)
            if axis is not None:
                facts = self._facts(axis[0])
                if facts is not None:
                    facts.dims.setdefault(axis[1], value)
            return
        # x.shape.as_list() == [None, 28, 28, 1]; x.get_shape().as_list()[1:] == [28, 28, 1]
        dims = _literal_dims(right)
        if dims is None:
            return
        owner = _shape_owner(left)
        if owner is None:
            return
        facts = self._facts(owner[0])
        if facts is None:
            return
        if owner[1] is None:
            facts.set_shape(dims)
        elif owner[1] == "tail":
            facts.set_rank(len(dims) + 1)
            for axis, dim in enumerate(dims, start=1):
                if dim is not None:
                    facts.dims.setdefault(axis, dim)


def _integer(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value)
    return None


def _literal_dims(node: cst.BaseExpression | None) -> list[int | None] | None:
    if isinstance(node, cst.Call) and called_name(node.func) == "TensorShape" and node.args:
        node = node.args[0].value
    if not isinstance(node, cst.List | cst.Tuple):
        return None
    dims: list[int | None] = []
    for element in node.elements:
        value = element.value
        if isinstance(element, cst.StarredElement):
            return None
        if isinstance(value, cst.Integer):
            dims.append(int(value.value))
        elif isinstance(value, cst.Name) and value.value == "None":
            dims.append(None)
        elif isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
            dims.append(None)  # -1 in a reshape-like shape
        else:
            dims.append(None)
    return dims


def _shape_owner(node: cst.BaseExpression | None) -> tuple[cst.BaseExpression, str | None] | None:
    """``(x, None)`` for ``x.shape``, ``x.get_shape()``, ``tf.shape(x)`` and their
    ``.as_list()``; ``(x, "tail")`` for those sliced from 1 (``x.shape.as_list()[1:]``)."""
    if node is None:
        return None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Slice) and _integer(index.lower or cst.Name("None")) == 1:
            inner = _shape_owner(node.value)
            return (inner[0], "tail") if inner is not None and inner[1] is None else None
        return None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "as_list":
            return _shape_owner(node.func.value)
        if node.func.attr.value == "get_shape":
            return node.func.value, None
    if isinstance(node, cst.Call) and called_name(node.func) == "shape" and node.args:
        return node.args[0].value, None
    if isinstance(node, cst.Attribute) and node.attr.value == "shape":
        return node.value, None
    return None


def _indexed_dim(node: cst.BaseExpression) -> tuple[cst.BaseExpression, int] | None:
    """``(x, -1)`` for ``x.shape[-1]``, ``x.get_shape()[-1].value``, ``int(x.shape[-1])``,
    ``x.shape.as_list()[-1]``."""
    if isinstance(node, cst.Call) and called_name(node.func) == "int" and node.args:
        node = node.args[0].value
    if isinstance(node, cst.Attribute) and node.attr.value == "value":
        node = node.value
    if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    axis = _integer(index.value)
    if (
        axis is None
        and isinstance(index.value, cst.UnaryOperation)
        and isinstance(index.value.operator, cst.Minus)
    ):
        inner = _integer(index.value.expression)
        axis = -inner if inner is not None else None
    owner = _shape_owner(node.value)
    if axis is None or owner is None or owner[1] is not None:
        return None
    return owner[0], axis
