"""Placeholders of a TF1 model class, fed from a migrated layer's call inputs.

TF1 tutorials build their inputs inside the model class (``self.input_x =
tf.placeholder(tf.int32, [None, n])`` in ``__init__``) and feed them through
``Session.run(feed_dict=...)``. Eagerly there is nothing to feed: a placeholder cannot even be
created. The codemod therefore gives each such placeholder a *feed key* (the name it is
assigned to) and rewrites it to :func:`placeholder`; the generated layer builds the object
inside :func:`feed_placeholders`, which maps its call inputs to those keys::

    self.input_x = tf1compat.placeholder(tf.int32, [None, 8], name="input_x", feed="input_x")

    with tf1compat.feed_placeholders({"input_x": input_x, "input_y": None}):
        built = TextCNN(...)            # built.input_x is the tensor passed as input_x

Outside a feeding block (the original training script, a TF1 graph) :func:`placeholder` is
``tf.compat.v1.placeholder`` itself. A key fed ``None`` gets a *stand-in* of zeros (see
:func:`stand_in_shape`), so the object builds; the generated layer does not return the
outputs that depend on a data input it was not given.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import tensorflow as tf

_state = threading.local()


class _Feeding:
    """The values of one feeding block and the placeholders it answered, in creation order."""

    def __init__(self, values: Mapping[str, Any]):
        self.values = dict(values)
        self.answered: list[tuple[str, list[int | None] | None, Any]] = []  # key, shape, value


def _active() -> _Feeding | None:
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def feed_placeholders(values: Mapping[str, Any]) -> Iterator[None]:
    """Answer :func:`placeholder` calls with ``feed=<key>`` from ``values`` inside the block.

    ``values`` maps feed keys to tensors (anything ``tf.convert_to_tensor`` takes), or to
    ``None`` for a placeholder the caller has no value for: it gets zeros of its shape
    (:func:`stand_in_shape`). Keys missing from ``values`` are not fed at all (a real
    ``tf.compat.v1.placeholder`` is made, which fails eagerly). Blocks nest; the innermost
    answers. The block is per thread.
    """
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    stack.append(_Feeding(values))
    try:
        yield
    finally:
        stack.pop()


def placeholder(dtype, shape=None, name=None, *, feed: str | None = None):
    """``tf.compat.v1.placeholder``, answered by the innermost :func:`feed_placeholders` block.

    Inside a block that has ``feed`` as a key, returns the value fed for it (converted to
    ``dtype``; a numeric tensor of another dtype is cast, as ``feed_dict`` converted numpy
    values), or zeros of the placeholder's shape when the value is ``None``. The value's shape
    must be compatible with ``shape`` (``ValueError`` otherwise, as a ``feed_dict`` would
    say). Anywhere else it is exactly ``tf.compat.v1.placeholder(dtype, shape, name)``.
    """
    feeding = _active()
    if feeding is None or feed is None or feed not in feeding.values:
        return tf.compat.v1.placeholder(dtype, shape=shape, name=name)
    dtype = tf.as_dtype(dtype)
    dims = _dims(shape)
    value = feeding.values[feed]
    if value is None:
        fed = [(dims_of, value_of) for _, dims_of, value_of in feeding.answered]
        fed += [(None, v) for v in feeding.values.values() if v is not None]
        value = tf.zeros(stand_in_shape(dims, fed, tf.shape), dtype)
    else:
        value = _converted(value, dtype, feed)
        _check_shape(value, dims, feed)
    feeding.answered.append((feed, dims, value))
    return value


def placeholder_with_default(input, shape, name=None, *, feed: str | None = None):
    """``tf.compat.v1.placeholder_with_default``, answered like :func:`placeholder`.

    Fed a value inside a feeding block, it is that value; fed ``None`` it is its default
    ``input`` (as in TF1, where an unfed one is its default). Anywhere else it is exactly
    ``tf.compat.v1.placeholder_with_default(input, shape, name)``.
    """
    feeding = _active()
    if feeding is None or feed is None or feed not in feeding.values:
        return tf.compat.v1.placeholder_with_default(input, shape, name=name)
    default = tf.convert_to_tensor(input)
    value = feeding.values[feed]
    dims = _dims(shape)
    value = default if value is None else _converted(value, default.dtype, feed)
    _check_shape(value, dims, feed)
    feeding.answered.append((feed, dims, value))
    return value


def stand_in_shape(
    dims: Sequence[int | None] | None,
    fed: Sequence[tuple[Sequence[int | None] | None, Any]],
    shape_of: Any = None,
) -> list[Any]:
    """The shape of the zeros standing in for an unfed placeholder of shape ``dims``.

    Known dimensions are kept. An unknown dimension ``i`` takes dimension ``i`` of the first
    fed value whose placeholder is also unknown there (a batch or time dimension shared with
    the inputs: labels ``[None, n_classes]`` beside ids ``[None, n]`` get the ids' batch
    size); values fed to a placeholder of unknown shape, or not seen yet, come after. With no
    such value it is 1. A placeholder of unknown rank stands in as a scalar. ``fed`` is
    ``[(placeholder dims or None, value), ...]`` in creation order; ``shape_of(value)`` gives
    a value's dynamic shape (``tf.shape``; numpy arrays' ``.shape`` by default).
    """
    if dims is None:
        return []
    result: list[Any] = []
    for index, dim in enumerate(dims):
        if dim is not None:
            result.append(dim)
            continue
        result.append(_shared_dim(index, fed, shape_of))
    return result


def _shared_dim(index: int, fed: Sequence[tuple[Any, Any]], shape_of: Any) -> Any:
    candidates = [v for d, v in fed if d is not None and len(d) > index and d[index] is None]
    candidates += [v for d, v in fed if d is None]
    for value in candidates:
        static = _static_shape(value)
        if static is None or len(static) <= index:
            continue
        if static[index] is not None:
            return static[index]
        if shape_of is not None:
            return shape_of(value)[index]
    return 1


def _static_shape(value: Any) -> list[int | None] | None:
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    if isinstance(shape, tf.TensorShape):
        return shape.as_list() if shape.rank is not None else None
    return list(shape)


def _dims(shape: Any) -> list[int | None] | None:
    if shape is None:
        return None
    shape = tf.TensorShape(shape)
    return shape.as_list() if shape.rank is not None else None


def _converted(value: Any, dtype: tf.DType, key: str) -> Any:
    if isinstance(value, (tf.Tensor, tf.Variable)) or tf.is_tensor(value):
        if value.dtype == dtype:
            return value
        numeric = (value.dtype.is_floating or value.dtype.is_integer) and (
            dtype.is_floating or dtype.is_integer or dtype.is_bool
        )
        if numeric:
            return tf.cast(value, dtype)
        raise TypeError(
            f"placeholder {key!r} is {dtype.name}; the value fed for it is {value.dtype.name}"
        )
    return tf.convert_to_tensor(value, dtype=dtype)


def _check_shape(value: Any, dims: list[int | None] | None, key: str) -> None:
    if dims is None:
        return
    if not tf.TensorShape(value.shape).is_compatible_with(tf.TensorShape(dims)):
        shown = "[" + ", ".join("None" if d is None else str(d) for d in dims) + "]"
        raise ValueError(
            f"placeholder {key!r} has shape {shown}; the value fed for it has shape "
            f"{tf.TensorShape(value.shape).as_list()}"
        )
