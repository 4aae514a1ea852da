"""``xavier_initializer`` and ``variance_scaling_initializer`` with TF 1.15 contrib semantics.

These are plain functions of ``(shape, dtype, partition_info)``, as in TF 1.15: the fans
come from the last two dimensions times the receptive field, ``factor`` scales the
variance, and the normal variant draws from a truncated normal of stddev
``sqrt(1.3 * factor / n)`` (the 1.3 undoes the truncation). Note the defaults differ from
Keras's ``VarianceScaling``: ``factor=2.0, mode="FAN_IN", uniform=False`` (He init).

Example::

    w = tf.compat.v1.get_variable("w", [3, 3, 16, 32], initializer=xavier_initializer())
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from tf1compat.slim.ops.arg_scope import add_arg_scope

__all__ = ["variance_scaling_initializer", "xavier_initializer", "xavier_initializer_conv2d"]


@add_arg_scope
def xavier_initializer(
    uniform: bool = True, seed: int | None = None, dtype: Any = tf.float32
) -> Callable:
    """Glorot initialization: ``variance_scaling_initializer(1.0, "FAN_AVG", uniform)``."""
    return variance_scaling_initializer(
        factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype
    )


xavier_initializer_conv2d = xavier_initializer


def variance_scaling_initializer(
    factor: float = 2.0,
    mode: str = "FAN_IN",
    uniform: bool = False,
    seed: int | None = None,
    dtype: Any = tf.float32,
) -> Callable:
    """Variance ``factor / n`` where ``n`` is fan-in, fan-out or their mean (``mode``)."""
    dtype = tf.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")
    default_dtype = dtype

    def _initializer(
        shape: Any, dtype: Any = default_dtype, partition_info: Any = None
    ) -> tf.Tensor:
        dtype = tf.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = [int(d) for d in tf.TensorShape(shape).as_list()]
        if shape:
            fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
            fan_out = float(shape[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in shape[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return tf.compat.v1.random_uniform(shape, -limit, limit, dtype, seed=seed)
        trunc_stddev = math.sqrt(1.3 * factor / n)
        return tf.compat.v1.truncated_normal(shape, 0.0, trunc_stddev, dtype, seed=seed)

    return _initializer
