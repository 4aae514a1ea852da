"""``dense``/``Dense``, ``dropout``/``Dropout``, ``flatten``/``Flatten`` with TF1 semantics.

Example::

    h = tf1compat.layers.dense(x, 64, activation=tf.nn.relu)   # dense/kernel, dense/bias
    h = tf1compat.layers.dropout(h, rate=0.1, training=is_training)
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import tensorflow as tf

from tf1compat.layers import _resolve
from tf1compat.layers._conv_utils import normalize_data_format
from tf1compat.layers.base import InputSpec, Layer

v1 = tf.compat.v1

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]


class Dense(Layer):
    """``activation(inputs @ kernel + bias)``; kernel ``[in_dim, units]``, bias ``[units]``.

    Inputs of rank > 2 are contracted on their last axis (``tensordot``), as TF1 did.
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = v1.zeros_initializer(),
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(
            trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs
        )
        self.units = int(units)
        self.activation = _resolve.activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: Any) -> None:
        input_shape = tf.TensorShape(input_shape)
        last_dim = input_shape[-1] if input_shape.rank else None
        if last_dim is None:
            raise ValueError(
                "The last dimension of the inputs to `Dense` should be defined. "
                f"Found None: {input_shape}"
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight(
            "kernel",
            shape=[last_dim, self.units],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self.dtype,
            trainable=True,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[self.units],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self.dtype,
                trainable=True,
            )
        self.built = True

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        if inputs.dtype.base_dtype != self.dtype:
            inputs = tf.cast(inputs, self.dtype)
        rank = inputs.shape.rank
        if rank == 2 or rank is None:
            outputs = tf.matmul(inputs, self.kernel)
        else:
            outputs = tf.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            if not tf.executing_eagerly():
                outputs.set_shape(inputs.shape[:-1].concatenate([self.units]))
        if self.bias is not None:
            outputs = tf.nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)[:-1].concatenate([self.units])


def dense(
    inputs: Any,
    units: int,
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``Dense``: a new layer per call; ``name`` is an exact scope, else ``dense_N``."""
    layer = Dense(
        units,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
        name=name,
        _scope=name,
        _reuse=reuse,
    )
    return layer(inputs)


def _is_training(training: Any) -> Any:
    """Python bools stay bools; tensors stay tensors (resolved with ``tf.cond`` later)."""
    if isinstance(training, (bool, int)) or training is None:
        return bool(training)
    static = tf.get_static_value(training)
    return bool(static) if static is not None else training


class Dropout(Layer):
    """Drops ``rate`` of the inputs when ``training`` (bool or bool tensor), else identity."""

    def __init__(
        self,
        rate: float = 0.5,
        noise_shape: Any = None,
        seed: int | None = None,
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def _noise_shape(self, inputs: tf.Tensor) -> Any:
        if self.noise_shape is None:
            return None
        concrete = tf.shape(inputs)
        return tf.stack(
            [concrete[i] if value is None else value for i, value in enumerate(self.noise_shape)]
        )

    def call(self, inputs: tf.Tensor, training: Any = False) -> tf.Tensor:
        training = _is_training(training)
        if training is False:
            return tf.identity(inputs)

        def dropped() -> tf.Tensor:
            return tf.nn.dropout(
                inputs, rate=self.rate, noise_shape=self._noise_shape(inputs), seed=self.seed
            )

        if training is True:
            return dropped()
        return tf.cond(training, dropped, lambda: tf.identity(inputs))

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)


def dropout(
    inputs: Any,
    rate: float = 0.5,
    noise_shape: Any = None,
    seed: int | None = None,
    training: Any = False,
    name: Any = None,
) -> tf.Tensor:
    """Functional ``Dropout``; note ``training`` defaults to False, as in TF1."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer(inputs, training=training)


class Flatten(Layer):
    """Flattens all but the batch axis (channels_first inputs are moved to channels_last first)."""

    def __init__(self, data_format: str = "channels_last", **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        rank = inputs.shape.rank
        if self.data_format == "channels_first" and rank is not None and rank > 1:
            inputs = tf.transpose(inputs, [0, *range(2, rank), 1])
        if rank == 1:
            return tf.expand_dims(inputs, axis=1)
        non_batch = inputs.shape[1:]
        if non_batch.is_fully_defined():
            target = [-1, functools.reduce(operator.mul, non_batch.as_list(), 1)]
        elif inputs.shape[0] is not None:
            target = [int(inputs.shape[0]), -1]
        else:
            target = tf.stack([tf.shape(inputs)[0], -1])
        return tf.reshape(inputs, target)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        shape = tf.TensorShape(input_shape)
        rest = shape[1:]
        return tf.TensorShape([shape[0], rest.num_elements() if rest.is_fully_defined() else None])


def flatten(inputs: Any, name: Any = None, data_format: str = "channels_last") -> tf.Tensor:
    """Functional ``Flatten``."""
    return Flatten(name=name, data_format=data_format)(inputs)

