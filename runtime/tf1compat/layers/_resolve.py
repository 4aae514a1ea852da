"""Turn the identifiers TF1 layers accepted (``"relu"``, ``"l2"``, ``"zeros"``...) into callables.

TF1 layers passed these through Keras's ``get`` functions; we cannot depend on Keras, so the
common identifiers are mapped to plain TensorFlow here. Callables pass through unchanged
(Keras 3 initializers, regularizers and activations are callables and work too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

v1 = tf.compat.v1

_INITIALIZERS: dict[str, Callable[[], Any]] = {
    "zeros": v1.zeros_initializer,
    "zero": v1.zeros_initializer,
    "ones": v1.ones_initializer,
    "one": v1.ones_initializer,
    "glorot_uniform": v1.glorot_uniform_initializer,
    "glorot_normal": v1.glorot_normal_initializer,
    "he_normal": v1.initializers.he_normal,
    "he_uniform": v1.initializers.he_uniform,
    "lecun_normal": v1.initializers.lecun_normal,
    "lecun_uniform": v1.initializers.lecun_uniform,
    "orthogonal": v1.orthogonal_initializer,
    "identity": v1.initializers.identity,
    "random_normal": lambda: v1.random_normal_initializer(0.0, 0.05),
    "random_uniform": lambda: v1.random_uniform_initializer(-0.05, 0.05),
    "truncated_normal": lambda: v1.truncated_normal_initializer(0.0, 0.05),
}

_DEFAULT_PENALTY = 0.01  # Keras's default factor for the "l1"/"l2" identifiers


def _l1(x: Any) -> tf.Tensor:
    return _DEFAULT_PENALTY * tf.reduce_sum(tf.abs(x))


def _l2(x: Any) -> tf.Tensor:
    return _DEFAULT_PENALTY * tf.reduce_sum(tf.square(x))


def _l1_l2(x: Any) -> tf.Tensor:
    return _l1(x) + _l2(x)


_REGULARIZERS: dict[str, Callable[[Any], tf.Tensor]] = {"l1": _l1, "l2": _l2, "l1_l2": _l1_l2}

_ACTIVATIONS: dict[str, Callable[[Any], tf.Tensor] | None] = {
    "linear": None,
    "relu": tf.nn.relu,
    "relu6": tf.nn.relu6,
    "elu": tf.nn.elu,
    "selu": tf.nn.selu,
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "softmax": tf.nn.softmax,
    "softplus": tf.nn.softplus,
    "softsign": tf.nn.softsign,
    "swish": tf.nn.silu,
    "silu": tf.nn.silu,
    "gelu": tf.nn.gelu,
    "exponential": tf.exp,
    "leaky_relu": tf.nn.leaky_relu,
}


def _lookup(kind: str, table: dict[str, Any], identifier: str) -> Any:
    try:
        return table[identifier.lower()]
    except KeyError:
        known = ", ".join(sorted(table))
        raise ValueError(f"Unknown {kind} identifier {identifier!r}; known: {known}") from None


def initializer(identifier: Any) -> Any:
    """``None`` stays None (scope initializer / glorot_uniform apply); strings are looked up."""
    if isinstance(identifier, str):
        return _lookup("initializer", _INITIALIZERS, identifier)()
    return identifier


def regularizer(identifier: Any) -> Callable[[Any], Any] | None:
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return _lookup("regularizer", _REGULARIZERS, identifier)
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


def constraint(identifier: Any) -> Callable[[Any], Any] | None:
    if identifier is None or callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r} (pass a callable)")


def activation(identifier: Any) -> Callable[[Any], Any] | None:
    """``None`` and ``"linear"`` mean no activation."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return _lookup("activation", _ACTIVATIONS, identifier)
    raise ValueError(f"Could not interpret activation identifier: {identifier!r}")
