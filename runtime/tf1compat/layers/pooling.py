"""TF1 pooling layers: average/max pooling in 1, 2 and 3 dimensions (no variables).

Example::

    y = tf1compat.layers.max_pooling2d(x, pool_size=2, strides=2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from tf1compat.layers import _conv_utils as cu
from tf1compat.layers.base import InputSpec, Layer

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
]


def _pool_op(mode: str, rank: int) -> Callable[..., tf.Tensor]:
    if rank == 3:
        return tf.nn.max_pool3d if mode == "max" else tf.nn.avg_pool3d
    # the v1 ops, so op names are TF1's ("MaxPool", "AvgPool")
    return tf.compat.v1.nn.max_pool if mode == "max" else tf.compat.v1.nn.avg_pool


class _Pooling(Layer):
    """Pooling over ``rank`` spatial axes; channels_first is computed in channels_last."""

    rank = 2
    mode = "max"

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        padding: str = "valid",
        data_format: str = "channels_last",
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(name=name, **kwargs)
        self.pool_size = cu.normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = cu.normalize_tuple(
            strides if strides is not None else pool_size, self.rank, "strides"
        )
        self.padding = cu.normalize_padding(padding)
        self.data_format = cu.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        fmt = cu.compute_format(self.data_format)
        x = cu.to_channels_last(inputs, self.data_format) if fmt != self.data_format else inputs
        pool_size, strides = self.pool_size, self.strides
        height = cu.spatial_axes(1, fmt)[0]
        if self.rank == 1:  # pooled as 2-D over a unit height, as TF1 did
            x = tf.expand_dims(x, height)
            pool_size, strides = (1, *pool_size), (1, *strides)
        rank = max(self.rank, 2)

        def full(values: tuple[int, ...]) -> tuple[int, ...]:
            return (1, *values, 1) if fmt == "channels_last" else (1, 1, *values)

        x = _pool_op(self.mode, rank)(
            x,
            ksize=full(pool_size),
            strides=full(strides),
            padding=self.padding.upper(),
            data_format=cu.tf_data_format(rank, fmt),
        )
        if self.rank == 1:
            x = tf.squeeze(x, [height])
        return cu.from_channels_last(x, self.data_format) if fmt != self.data_format else x

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        shape = tf.TensorShape(input_shape)
        spatial = [
            cu.conv_output_length(n, k, self.padding, s)
            for n, k, s in zip(
                cu.spatial_dims(shape, self.data_format), self.pool_size, self.strides
            )
        ]
        channels = shape[cu.channel_axis(self.data_format)]
        if self.data_format == "channels_first":
            return tf.TensorShape([shape[0], channels, *spatial])
        return tf.TensorShape([shape[0], *spatial, channels])


class AveragePooling1D(_Pooling):
    """Average pooling over time; ``[batch, steps, channels]`` by default."""

    rank, mode = 1, "avg"


class AveragePooling2D(_Pooling):
    """Average pooling over height and width."""

    rank, mode = 2, "avg"


class AveragePooling3D(_Pooling):
    """Average pooling over depth, height and width."""

    rank, mode = 3, "avg"


class MaxPooling1D(_Pooling):
    """Max pooling over time."""

    rank, mode = 1, "max"


class MaxPooling2D(_Pooling):
    """Max pooling over height and width."""

    rank, mode = 2, "max"


class MaxPooling3D(_Pooling):
    """Max pooling over depth, height and width."""

    rank, mode = 3, "max"


def _functional(layer_class: type[_Pooling], function_name: str) -> Callable[..., tf.Tensor]:
    """The TF1 functional form of ``layer_class``: a new layer applied once per call."""

    def pool(
        inputs: Any,
        pool_size: Any,
        strides: Any,
        padding: str = "valid",
        data_format: str = "channels_last",
        name: Any = None,
    ) -> tf.Tensor:
        layer = layer_class(
            pool_size=pool_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            name=name,
        )
        return layer(inputs)

    pool.__name__ = pool.__qualname__ = function_name
    pool.__doc__ = f"Functional ``{layer_class.__name__}``: applies a new layer to ``inputs``."
    return pool


average_pooling1d = _functional(AveragePooling1D, "average_pooling1d")
average_pooling2d = _functional(AveragePooling2D, "average_pooling2d")
average_pooling3d = _functional(AveragePooling3D, "average_pooling3d")
max_pooling1d = _functional(MaxPooling1D, "max_pooling1d")
max_pooling2d = _functional(MaxPooling2D, "max_pooling2d")
max_pooling3d = _functional(MaxPooling3D, "max_pooling3d")
