"""``l1_regularizer``, ``l2_regularizer``, ``l1_l2_regularizer``, ``sum_regularizer``,
``apply_regularization`` with TF 1.15 contrib semantics.

``l2_regularizer(scale)(w)`` is ``scale * tf.nn.l2_loss(w)`` = ``scale * sum(w**2) / 2``
(half of Keras's ``L2(scale)``); a scale of 0 gives a regularizer that returns None, which
``get_variable`` treats as "no loss".

Example::

    w = tf.compat.v1.get_variable("w", [4, 4], regularizer=l2_regularizer(5e-4))
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from tf1compat import hooks

v1 = tf.compat.v1

__all__ = [
    "apply_regularization",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "sum_regularizer",
]


def _check_scale(scale: Any) -> None:
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}.")


def _scaled(kind: str, scale: Any, scope: str | None, penalty: Callable) -> Callable:
    _check_scale(scale)
    if isinstance(scale, numbers.Real) and scale == 0.0:
        return lambda _: None

    def regularizer(weights: Any) -> tf.Tensor:
        with tf.name_scope(scope or kind) as name:
            my_scale = tf.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return tf.multiply(my_scale, penalty(weights), name=name)

    regularizer.__name__ = kind.rsplit("_", 1)[0]
    return regularizer


def l1_regularizer(scale: float, scope: str | None = None) -> Callable:
    """``scale * sum(|w|)``."""
    return _scaled("l1_regularizer", scale, scope, lambda w: tf.reduce_sum(tf.abs(w)))


def l2_regularizer(scale: float, scope: str | None = None) -> Callable:
    """``scale * sum(w**2) / 2`` (``tf.nn.l2_loss``)."""
    return _scaled("l2_regularizer", scale, scope, tf.nn.l2_loss)


def l1_l2_regularizer(
    scale_l1: float = 1.0, scale_l2: float = 1.0, scope: str | None = None
) -> Callable:
    """The sum of an L1 and an L2 regularizer; a zero scale drops that part."""
    if isinstance(scale_l1, numbers.Real) and scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if isinstance(scale_l2, numbers.Real) and scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def sum_regularizer(regularizer_list: Sequence[Callable], scope: str | None = None) -> Callable:
    """Sum of several regularizers (None results are skipped; all None gives None)."""
    regularizer_list = [reg for reg in regularizer_list if reg is not None]
    if not regularizer_list:
        return None  # type: ignore[return-value]

    def sum_reg(weights: Any) -> Any:
        with tf.name_scope(scope or "sum_regularizer") as name:
            tensors = [t for t in (reg(weights) for reg in regularizer_list) if t is not None]
            return tf.add_n(tensors, name=name) if tensors else None

    return sum_reg


def apply_regularization(
    regularizer: Callable, weights_list: Sequence[Any] | None = None
) -> tf.Tensor:
    """Sum of ``regularizer(w)`` over ``weights_list`` (default: the WEIGHTS collection).

    In a TF1 graph the sum also goes to REGULARIZATION_LOSSES, as TF1 did; inside a decorated
    call it becomes a loss of the owning layer/module (its ``losses`` /
    ``tf1compat.regularization_losses``), the TF2 home of that collection.
    """
    if not weights_list:
        weights_list = v1.get_collection(v1.GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with tf.name_scope("get_regularization_penalty") as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else tf.constant(0.0) for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError(
                    "regularizer must return a scalar Tensor instead of a Tensor with rank "
                    f"{p.shape.ndims}."
                )
        summed_penalty = tf.add_n(penalties, name=scope)
    hooks.add_activity_loss(summed_penalty)
    return summed_penalty
