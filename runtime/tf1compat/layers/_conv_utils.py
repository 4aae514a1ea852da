"""Argument normalisation and layout helpers shared by the convolution and pooling layers.

TF1 accepted ints or tuples for sizes, upper/lower-case padding, and ``channels_first``.
On CPU TensorFlow implements most convolutions and pools only for channels_last, so
channels_first inputs are transposed to channels_last, computed, and transposed back
(the same arithmetic; TF1's own Keras backend did this for transposed convs and pools).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf


def normalize_tuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """``3`` -> ``(3, 3)``; a sequence must have ``n`` integers."""
    if isinstance(value, int):
        return (value,) * n
    try:
        result = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}"
        ) from None
    if len(result) != n:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}"
        )
    return result


def normalize_data_format(data_format: str | None) -> str:
    value = (data_format or "channels_last").lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {data_format!r}"
        )
    return value


def normalize_padding(padding: str, allow_causal: bool = False) -> str:
    value = padding.lower()
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if value not in allowed:
        raise ValueError(f"The `padding` argument must be one of {allowed}. Received: {padding!r}")
    return value


def channels_last_format(spatial_rank: int) -> str:
    return {1: "NWC", 2: "NHWC", 3: "NDHWC"}[spatial_rank]


def to_channels_last(x: tf.Tensor, data_format: str) -> tf.Tensor:
    if data_format == "channels_last":
        return x
    rank = x.shape.rank
    return tf.transpose(x, [0, *range(2, rank), 1])


def from_channels_last(x: tf.Tensor, data_format: str) -> tf.Tensor:
    if data_format == "channels_last":
        return x
    rank = x.shape.rank
    return tf.transpose(x, [0, rank - 1, *range(1, rank - 1)])


def channel_axis(data_format: str) -> int:
    return 1 if data_format == "channels_first" else -1


def conv_output_length(
    length: int | None, kernel: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """Spatial output length of a forward convolution or pool."""
    if length is None:
        return None
    effective = kernel + (kernel - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        out = length
    else:
        out = length - effective + 1
    return (out + stride - 1) // stride


def deconv_output_length(
    length: Any, kernel: int, padding: str, stride: int, dilation: int = 1
) -> Any:
    """Spatial output length of a transposed convolution (int or scalar tensor)."""
    if length is None:
        return None
    effective = kernel + (kernel - 1) * (dilation - 1)
    if padding == "valid":
        return length * stride + max(effective - stride, 0)
    return length * stride


def spatial_dims(shape: tf.TensorShape, data_format: str) -> Sequence[int | None]:
    dims = shape.as_list()
    return dims[2:] if data_format == "channels_first" else dims[1:-1]
