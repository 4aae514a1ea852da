"""What feeds a call, read statically: placeholders (alone, or in dicts and lists), the
``tf.data`` element a ``get_next()`` yields (``from_generator`` output types and shapes,
``from_tensor_slices`` of placeholders, ``batch``), and ``tf.io.FixedLenFeature`` specs of
parsed examples (``features["input_ids"]``). LibCST only: nothing is imported or run.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import libcst as cst

from tf1migrate.verify.model import InputSpec, TensorSpec
from tf1migrate.verify.source import (
    BATCH_DIM,
    FREE_DIM,
    DimResolver,
    argument,
    called_name,
    dtype_of,
    flag_defaults,
    parsed_module,
    placeholder_spec,
    python_files,
    static_shape,
)

UNKNOWN = -1  # a dimension not known yet: `finish` makes it BATCH_DIM first, FREE_DIM after
_CASTS = {
    "cast": None, "to_int32": "int32", "to_int64": "int64", "to_float": "float32",
    "to_double": "float64", "identity": "", "stop_gradient": "",
}  # fmt: skip
_PASS_THROUGH = {"repeat", "shuffle", "prefetch", "cache", "take", "skip", "filter", "with_options"}
_ITERATORS = {"make_one_shot_iterator", "make_initializable_iterator"}
_BATCHING = {"batch", "padded_batch"}
_FEATURES = {"FixedLenFeature": 0, "FixedLenSequenceFeature": 1}


class Visible:
    """The assignments a call site sees, each name with its history, so a chain such as
    ``dataset = dataset.batch(32)`` resolves to the assignment before it."""

    def __init__(self, history: Mapping[str, Sequence[cst.BaseExpression]]):
        self.history = history

    @property
    def latest(self) -> dict[str, cst.BaseExpression]:
        return {key: values[-1] for key, values in self.history.items() if values}

    def resolve(
        self, node: cst.BaseExpression, used: Mapping[str, int]
    ) -> tuple[cst.BaseExpression, dict[str, int]]:
        """Follow names (and ``self.x``) to what was assigned to them; inside a name's own
        assignment, the same name is the assignment before."""
        used = dict(used)
        for _ in range(32):
            key = assignment_key(node)
            values = self.history.get(key or "")
            if not values:
                break
            index = used.get(key, len(values)) - 1
            if index < 0:
                break
            used[key] = index
            node = values[index]
        return node, used


def assignment_key(node: cst.BaseExpression) -> str | None:
    """``x`` for a name, ``self.input_x`` for an attribute of a name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return f"{node.value.value}.{node.attr.value}"
    return None


class InputResolver:
    """The input spec of one argument expression at one call site, or None."""

    def __init__(self, visible: Visible, flags: dict[str, str], root: Path):
        self.visible, self.root = visible, root
        self.dims = DimResolver(visible.latest, flags)

    def spec(self, node: cst.BaseExpression) -> InputSpec | None:
        found = self._spec(node, {}, 0)
        return finish(found) if found is not None else None

    def _spec(self, node: cst.BaseExpression, used: dict[str, int], depth: int) -> InputSpec | None:
        if depth > 24:
            return None
        node, used = self.visible.resolve(node, used)
        placeholder = placeholder_spec(node, self.dims)
        if placeholder is not None:
            return placeholder
        if isinstance(node, cst.Dict):
            items: dict[str, InputSpec] = {}
            for element in node.elements:
                if not isinstance(element, cst.DictElement) or not isinstance(
                    element.key, cst.SimpleString
                ):
                    return None
                value = self._spec(element.value, used, depth + 1)
                if value is None:
                    return None
                items[str(element.key.evaluated_value)] = value
            return items or None
        if isinstance(node, cst.List | cst.Tuple):
            values = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    return None
                value = self._spec(element.value, used, depth + 1)
                if value is None:
                    return None
                values.append(value)
            return values or None
        if isinstance(node, cst.Subscript):
            return self._subscript(node, used, depth)
        if isinstance(node, cst.Call):
            name = called_name(node.func)
            if name in _CASTS and node.args:
                inner = self._spec(node.args[0].value, used, depth + 1)
                dtype = _CASTS[name]
                if dtype is None:
                    dtype = dtype_of(argument(node, 1, "dtype"))
                if isinstance(inner, TensorSpec) and dtype is not None:
                    return TensorSpec(dtype or inner.dtype, inner.shape)
                return None
            return self._element(node, used, depth + 1)
        return None

    def _subscript(self, node: cst.Subscript, used: dict[str, int], depth: int) -> InputSpec | None:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        index = node.slice[0].slice.value
        base = self._spec(node.value, used, depth + 1)
        if isinstance(index, cst.SimpleString):
            key = str(index.evaluated_value)
            if isinstance(base, dict):
                return base.get(key)
            return feature_specs(self.root).get(key)  # features["input_ids"] of parsed examples
        if isinstance(index, cst.Integer) and isinstance(base, list):
            position = int(index.value)
            return base[position] if position < len(base) else None
        return None

    def _element(
        self, node: cst.BaseExpression, used: dict[str, int], depth: int
    ) -> InputSpec | None:
        """What a ``tf.data`` pipeline (or its iterator's ``get_next()``) yields."""
        if depth > 24:
            return None
        node, used = self.visible.resolve(node, used)
        if not isinstance(node, cst.Call):
            return None
        name = called_name(node.func)
        owner = node.func.value if isinstance(node.func, cst.Attribute) else None
        if name == "get_next" and owner is not None:
            return self._element(owner, used, depth + 1)
        if name in _ITERATORS:  # ds.make_one_shot_iterator() or tf.data.make_...(ds)
            source = node.args[0].value if node.args else owner
            return self._element(source, used, depth + 1) if source is not None else None
        if name in _PASS_THROUGH and owner is not None:
            return self._element(owner, used, depth + 1)
        if name in _BATCHING and owner is not None:
            inner = self._element(owner, used, depth + 1)
            return _map_leaves(inner, lambda t: TensorSpec(t.dtype, (UNKNOWN, *t.shape)))
        if name == "from_generator":
            return self._generator(node)
        if name in ("from_tensor_slices", "from_tensors") and node.args:
            inner = self._spec(node.args[0].value, used, depth + 1)
            if name == "from_tensors":
                return inner
            return _map_leaves(
                inner, lambda t: TensorSpec(t.dtype, t.shape[1:]) if t.shape else None
            )
        return None

    def _generator(self, call: cst.Call) -> InputSpec | None:
        signature = argument(call, 4, "output_signature")
        if signature is not None:
            return self._signature(signature)
        types, shapes = argument(call, 1, "output_types"), argument(call, 2, "output_shapes")
        if types is None or shapes is None:
            return None
        return self._typed(types, shapes)

    def _typed(self, types: cst.BaseExpression, shapes: cst.BaseExpression) -> InputSpec | None:
        if isinstance(types, cst.Tuple | cst.List) and isinstance(shapes, cst.Tuple | cst.List):
            if len(types.elements) != len(shapes.elements):
                return None
            pairs = zip(types.elements, shapes.elements, strict=True)
            values = [self._typed(t.value, s.value) for t, s in pairs]
            return None if any(v is None for v in values) else values  # type: ignore[return-value]
        if isinstance(types, cst.Dict) and isinstance(shapes, cst.Dict):
            shape_of = {_key(e): e.value for e in shapes.elements if isinstance(e, cst.DictElement)}
            items = {}
            for element in types.elements:
                key = _key(element) if isinstance(element, cst.DictElement) else None
                if key is None or key not in shape_of:
                    return None
                value = self._typed(element.value, shape_of[key])
                if value is None:
                    return None
                items[key] = value
            return items
        dtype = dtype_of(types)
        shape = self._raw_shape(shapes)
        return TensorSpec(dtype, shape) if dtype is not None and shape is not None else None

    def _signature(self, node: cst.BaseExpression) -> InputSpec | None:
        if isinstance(node, cst.Tuple | cst.List):
            values = [self._signature(e.value) for e in node.elements]
            return None if any(v is None for v in values) else values  # type: ignore[return-value]
        if isinstance(node, cst.Dict):
            items = {}
            for element in node.elements:
                key = _key(element) if isinstance(element, cst.DictElement) else None
                value = self._signature(element.value) if key is not None else None
                if value is None:
                    return None
                items[key] = value
            return items
        if isinstance(node, cst.Call) and called_name(node.func) == "TensorSpec":
            dtype = dtype_of(argument(node, 1, "dtype")) or "float32"
            shape = self._raw_shape(argument(node, 0, "shape"))
            return TensorSpec(dtype, shape) if shape is not None else None
        return None

    def _raw_shape(self, node: cst.BaseExpression | None) -> tuple[int, ...] | None:
        """A shape with its unknown dimensions left `UNKNOWN` (a batch may be put before it)."""
        if isinstance(node, cst.Call) and called_name(node.func) == "TensorShape" and node.args:
            node = node.args[0].value
        if not isinstance(node, cst.List | cst.Tuple):
            return None
        dims = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                return None
            value = self.dims.value(element.value, depth=0)
            dims.append(UNKNOWN if value is None or value <= 0 else value)
        return tuple(dims)


def _key(element: cst.DictElement) -> str | None:
    return str(element.key.evaluated_value) if isinstance(element.key, cst.SimpleString) else None


def _map_leaves(spec: InputSpec | None, change) -> InputSpec | None:
    if spec is None:
        return None
    if isinstance(spec, TensorSpec):
        return change(spec)
    if isinstance(spec, dict):
        items = {key: _map_leaves(value, change) for key, value in spec.items()}
        return None if any(v is None for v in items.values()) else items
    values = [_map_leaves(value, change) for value in spec]
    return None if any(v is None for v in values) else values


def finish(spec: InputSpec) -> InputSpec:
    """Every `UNKNOWN` dimension made small: `BATCH_DIM` on the first axis, `FREE_DIM` after."""

    def fill(tensor: TensorSpec) -> TensorSpec:
        shape = tuple(
            (BATCH_DIM if axis == 0 else FREE_DIM) if dim == UNKNOWN else dim
            for axis, dim in enumerate(tensor.shape)
        )
        return TensorSpec(tensor.dtype, shape, tensor.minval, tensor.maxval)

    finished = _map_leaves(spec, fill)
    assert finished is not None
    return finished


@functools.lru_cache(maxsize=16)
def feature_specs(root: Path) -> dict[str, TensorSpec]:
    """``{feature key: spec of a batch}`` from every ``tf.io.FixedLenFeature(shape, dtype)``
    (and ``FixedLenSequenceFeature``) under ``root`` keyed in a dict literal or assigned to
    ``specs["key"]``: a batch of parsed examples, so a batch dimension comes first (and a
    sequence dimension for a sequence feature). The first definition of a key wins."""
    flags = flag_defaults(root)
    found: dict[str, TensorSpec] = {}
    for file in python_files(root):
        module = parsed_module(file, must_contain="FixedLen")
        if module is None:
            continue
        constants = {
            target.target.value: item.value
            for statement in module.body
            if isinstance(statement, cst.SimpleStatementLine)
            for item in statement.body
            if isinstance(item, cst.Assign)
            for target in item.targets
            if isinstance(target.target, cst.Name)
        }
        collector = _FeatureCollector(DimResolver(constants, flags))
        module.visit(collector)
        for key, spec in collector.found.items():
            found.setdefault(key, spec)
    return found


class _FeatureCollector(cst.CSTVisitor):
    def __init__(self, dims: DimResolver) -> None:
        self.dims = dims
        self.found: dict[str, TensorSpec] = {}

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if isinstance(node.key, cst.SimpleString):
            self._record(str(node.key.evaluated_value), node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            subscript = target.target
            if isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1:
                index = subscript.slice[0].slice
                if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
                    self._record(str(index.value.evaluated_value), node.value)

    def _record(self, key: str, value: cst.BaseExpression) -> None:
        if not isinstance(value, cst.Call):
            return
        sequence = _FEATURES.get(called_name(value.func) or "")
        if sequence is None:
            return
        dtype = dtype_of(argument(value, 1, "dtype"))
        shape = static_shape(argument(value, 0, "shape"), self.dims, offset=1 + sequence)
        if dtype is None or shape is None:
            return
        leading = (BATCH_DIM, FREE_DIM) if sequence else (BATCH_DIM,)
        self.found.setdefault(key, TensorSpec(dtype, (*leading, *shape)))


def clear_caches() -> None:
    feature_specs.cache_clear()
