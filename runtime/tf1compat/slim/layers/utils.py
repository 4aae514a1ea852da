"""tf-slim's ``layers.utils``: end-point collections and small shape helpers.

``collect_named_outputs`` tags a tensor with an alias and adds it to graph collections,
which the slim nets turn into their ``end_points`` dict with ``convert_collection_to_dict``.
Outside a TF1 graph (eager, inside a decorated Keras call) the eager context's collection
would grow on every call, so there an entry replaces the previous tensor of the same alias:
the collection always describes the latest call.

Example::

    net = collect_named_outputs("end_points", "net/conv1", net)
    convert_collection_to_dict("end_points")      # {"net/conv1": net}
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

v1 = tf.compat.v1

__all__ = [
    "append_tensor_alias",
    "channel_dimension",
    "collect_named_outputs",
    "constant_value",
    "convert_collection_to_dict",
    "gather_tensors_aliases",
    "get_tensor_aliases",
    "get_variable_collections",
    "last_dimension",
    "n_positive_integers",
    "smart_cond",
    "static_cond",
    "two_element_tuple",
]

NamedOutputs = namedtuple("NamedOutputs", ["name", "outputs"])


def _in_tf1_graph() -> bool:
    return not v1.executing_eagerly_outside_functions()


def append_tensor_alias(tensor: Any, alias: str) -> Any:
    """Add ``alias`` (trailing ``/`` dropped) to ``tensor.aliases``."""
    if alias[-1] == "/":
        alias = alias[:-1]
    if hasattr(tensor, "aliases"):
        tensor.aliases.append(alias)
    else:
        tensor.aliases = [alias]
    return tensor


def collect_named_outputs(collections: Any, alias: str, outputs: Any) -> Any:
    """Tag ``outputs`` with ``alias`` and add it to ``collections`` (skipped when None)."""
    if not collections:
        return outputs
    append_tensor_alias(outputs, alias)
    names = [collections] if isinstance(collections, str) else list(collections)
    short = alias.removesuffix("/")
    for name in names:
        collection = v1.get_collection_ref(name)
        if not _in_tf1_graph() and tf.executing_eagerly():
            collection[:] = [t for t in collection if short not in getattr(t, "aliases", ())]
        if not any(t is outputs for t in collection):
            collection.append(outputs)
    return outputs


def gather_tensors_aliases(tensors: Sequence[Any]) -> list[str]:
    return [alias for tensor in tensors for alias in get_tensor_aliases(tensor)]


def get_tensor_aliases(tensor: Any) -> list[str]:
    """The aliases of ``tensor``; without any, its name (``:0`` dropped)."""
    if hasattr(tensor, "aliases"):
        return list(tensor.aliases)
    name = tensor.name
    return [name[:-2] if name[-2:] == ":0" else name]


def convert_collection_to_dict(collection: str, clear_collection: bool = False) -> OrderedDict:
    """``{alias: tensor}`` for every tensor in ``collection``, in collection order."""
    output = OrderedDict(
        (alias, tensor)
        for tensor in v1.get_collection(collection)
        for alias in get_tensor_aliases(tensor)
    )
    if clear_collection:
        v1.get_default_graph().clear_collection(collection)
    return output


def constant_value(value_or_tensor_or_var: Any, dtype: Any = None) -> Any:
    """The Python value of a constant/bool, or None when only known at run time."""
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = value_or_tensor_or_var
    if isinstance(value_or_tensor_or_var, (tf.Tensor, tf.Variable)):
        if dtype and value_or_tensor_or_var.dtype != dtype:
            raise ValueError(
                f"It has the wrong type {value_or_tensor_or_var.dtype} instead of {dtype}"
            )
        if isinstance(value_or_tensor_or_var, tf.Variable):
            value = None
        else:
            value = tf.get_static_value(value_or_tensor_or_var)
    return value


def static_cond(pred: bool, fn1: Callable, fn2: Callable) -> Any:
    if not callable(fn1):
        raise TypeError("fn1 must be callable.")
    if not callable(fn2):
        raise TypeError("fn2 must be callable.")
    return fn1() if pred else fn2()


def smart_cond(pred: Any, fn1: Callable, fn2: Callable, name: str | None = None) -> Any:
    """``static_cond`` when ``pred`` is known now, else ``tf.cond``."""
    pred_value = constant_value(pred)
    if pred_value is not None:
        return static_cond(pred_value, fn1, fn2)
    return tf.cond(pred, fn1, fn2, name=name)


def get_variable_collections(variables_collections: Any, name: str) -> Any:
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def _dim_value(dim: Any) -> Any:
    return getattr(dim, "value", dim)


def two_element_tuple(int_or_tuple: Any) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``[2, 3]`` -> ``(2, 3)``."""
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    if isinstance(int_or_tuple, tf.TensorShape):
        if len(int_or_tuple) == 2:
            return int_or_tuple[0], int_or_tuple[1]
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n: int, value: Any) -> tuple[int, ...]:
    n = int(n)
    if n < 0:
        raise ValueError(f"n={n} must be non-negative")
    if isinstance(value, tf.TensorShape):
        value = value.as_list()
    if isinstance(value, (list, tuple)):
        values = tuple(int(x) for x in value)
        if len(values) != n or any(x <= 0 for x in values):
            raise ValueError(f"value={value!r} must be {n} positive integers")
        return values
    single = int(value)
    if single <= 0:
        raise ValueError(f"value={value!r} must be positive")
    return (single,) * n


def channel_dimension(shape: tf.TensorShape, data_format: str, min_rank: int = 1) -> int:
    """The channel dimension of ``shape`` (``channels_first`` or ``channels_last``)."""
    return _dimension(shape, 1 if data_format == "channels_first" else -1, min_rank)


def last_dimension(shape: tf.TensorShape, min_rank: int = 1) -> int:
    """The last dimension of ``shape``, which must be known."""
    return _dimension(shape, -1, min_rank)


def _dimension(shape: Any, index: int, min_rank: int) -> int:
    dims = tf.TensorShape(shape).dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError(f"rank of shape must be at least {min_rank} not: {len(dims)}")
    value = _dim_value(dims[index])
    if value is None:
        raise ValueError("the dimension must be known but is None")
    return value
