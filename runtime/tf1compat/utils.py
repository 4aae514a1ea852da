"""Small helpers the codemod emits where TF1 code relied on graph-only behaviour.

`tensor_name` replaces `tensor.name` in migrated model code: graph tensors and variables
keep their TF1 name exactly, while an eager tensor (which has no name and raises on
`.name`) gets a stable descriptive string, so name-based messages and defaults still work.
"""

from __future__ import annotations

from typing import Any


def tensor_name(value: Any) -> str:
    """`value.name` when it has one, else a stable description of an eager tensor.

    Example::

        with tf.Graph().as_default():
            tensor_name(tf.zeros([2, 3], name="x"))  # "x:0", exactly as `.name`
        tensor_name(tf.Variable(1.0, name="w"))      # "w:0"
        tensor_name(tf.zeros([2, 3]))                # "eager_tensor(shape=(2, 3), dtype=float32)"

    The fallback only depends on the static shape and dtype (never on the values or an
    id), so it is the same from run to run and inside `tf.function` retraces.
    """
    try:
        name = value.name
    except AttributeError:  # eager tensors raise AttributeError on `.name`
        name = None
    if name is not None:
        return name
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is None and dtype is None:
        return f"{type(value).__name__}()"
    dtype_name = getattr(dtype, "name", dtype)
    shape_text = _shape_text(shape)
    return f"eager_tensor(shape={shape_text}, dtype={dtype_name})"


def _shape_text(shape: Any) -> str:
    """(2, None) for a TensorShape or tuple; `<unknown>` for an unknown rank."""
    try:
        dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
    except (TypeError, ValueError):  # TensorShape of unknown rank
        return "<unknown>"
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
