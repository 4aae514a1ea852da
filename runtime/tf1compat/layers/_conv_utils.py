"""Argument normalisation and layout helpers shared by the convolution and pooling layers.

TF1 accepted ints or tuples for sizes, upper/lower-case padding, and ``channels_first``.

Layouts: TensorFlow's NCHW convolution and pooling kernels exist on GPU, and on CPU only in
some builds (oneDNN on some CPUs). As Keras 3 does (``keras/src/backend/tensorflow/nn.py``,
``_cpu_only``), channels_first runs natively when the runtime has a GPU, and otherwise is
transposed to channels_last, computed, and transposed back: the same arithmetic, so the
same numbers on every CPU.

Strides: some kernels only take equal strides in the two spatial dimensions (the CPU
depthwise kernel, and transposed convolutions on some builds). ``strided_by_subsampling``
and ``transpose_conv_by_zero_insertion`` compute those cases with stride-1 kernels, which
every device has.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
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


def tf_data_format(spatial_rank: int, data_format: str) -> str:
    """``("channels_first", 2)`` -> ``"NCHW"``: the TensorFlow op spelling of a layout."""
    last = channels_last_format(spatial_rank)
    return last if data_format == "channels_last" else "NC" + last[1:-1]


@functools.cache
def runtime_has_gpu() -> bool:
    """Whether TensorFlow sees a GPU (cached: the device list is fixed once TF started)."""
    return any(d.device_type == "GPU" for d in tf.config.list_logical_devices())


def native_channels_first() -> bool:
    """Compute channels_first natively (NCHW kernels) rather than through NHWC transposes.

    Keras 3's rule: native when the runtime has a GPU, where TensorFlow soft-places these
    ops; transposed on a CPU-only runtime, where NCHW kernels may be missing. A
    channels_first layer pinned with ``tf.device("/CPU:0")`` on a GPU machine fails as in
    TF1 and Keras 3.
    """
    return runtime_has_gpu()


def compute_format(data_format: str) -> str:
    """The layout a layer computes in: its own, or channels_last when NCHW may be missing."""
    if data_format == "channels_first" and not native_channels_first():
        return "channels_last"
    return data_format


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


def spatial_axes(rank: int, data_format: str) -> list[int]:
    """Tensor axes of the ``rank`` spatial dimensions in ``data_format``."""
    return list(range(2, rank + 2)) if data_format == "channels_first" else list(range(1, rank + 1))


def _length(x: tf.Tensor, axis: int) -> Any:
    static = x.shape[axis]
    return static if static is not None else tf.shape(x)[axis]


def pad_same_explicitly(
    x: tf.Tensor,
    axes: Sequence[int],
    kernel_size: Sequence[int],
    strides: Sequence[int],
    dilation_rate: Sequence[int],
) -> tf.Tensor:
    """Pad ``x`` as TensorFlow's strided ``SAME`` would (extra after), for a VALID op."""
    paddings: list[Any] = [[0, 0] for _ in range(x.shape.rank)]
    for axis, kernel, stride, dilation in zip(axes, kernel_size, strides, dilation_rate):
        n = _length(x, axis)
        effective = kernel + (kernel - 1) * (dilation - 1)
        total = tf.maximum(((n + stride - 1) // stride - 1) * stride + effective - n, 0)
        paddings[axis] = tf.stack([total // 2, total - total // 2])
    return tf.pad(x, tf.stack([tf.convert_to_tensor(p, tf.int32) for p in paddings]))


def strided_by_subsampling(
    op: Callable[[tf.Tensor], tf.Tensor],
    x: tf.Tensor,
    axes: Sequence[int],
    kernel_size: Sequence[int],
    strides: Sequence[int],
    padding: str,
) -> tf.Tensor:
    """A strided op as ``op`` (its stride-1 ``VALID`` form) followed by subsampling.

    Exact: output ``i`` of a strided window op is output ``i * stride`` of the stride-1 op
    over the same (explicitly ``SAME``-padded) input.
    """
    if padding == "same":
        x = pad_same_explicitly(x, axes, kernel_size, strides, [1] * len(axes))
    y = op(x)
    index: list[Any] = [slice(None)] * y.shape.rank
    for axis, stride in zip(axes, strides):
        index[axis] = slice(None, None, stride)
    return y[tuple(index)]


def _insert_zeros(x: tf.Tensor, axis: int, stride: int) -> tf.Tensor:
    """``stride - 1`` zeros after every element along ``axis`` (length ``n * stride``)."""
    if stride == 1:
        return x
    expanded = tf.expand_dims(x, axis + 1)
    paddings = [[0, 0] for _ in range(expanded.shape.rank)]
    paddings[axis + 1] = [0, stride - 1]
    expanded = tf.pad(expanded, paddings)
    shape = tf.shape(expanded)
    merged = tf.concat([shape[:axis], [shape[axis] * stride], shape[axis + 2 :]], 0)
    result = tf.reshape(expanded, merged)
    static = x.shape.as_list()
    if static[axis] is not None:
        static[axis] *= stride
    result.set_shape(static)
    return result


def transpose_conv_by_zero_insertion(
    op: Callable[[tf.Tensor, tf.Tensor], tf.Tensor],
    x: tf.Tensor,
    output_shape: tf.Tensor,
    axes: Sequence[int],
    kernel_size: Sequence[int],
    strides: Sequence[int],
    padding: str,
) -> tf.Tensor:
    """A strided transposed convolution from its stride-1 ``VALID`` form ``op(x, shape)``.

    Inserting ``stride - 1`` zeros after each input element and running the stride-1
    transposed convolution gives the "full" output; TF's strided output of length
    ``out`` is its window starting at the forward ``SAME`` padding before (0 for
    ``VALID``). The trailing zeros only add zeros past the full output's end.
    """
    dilated = x
    for axis, stride in zip(axes, strides):
        dilated = _insert_zeros(dilated, axis, stride)
    full_shape = tf.unstack(tf.cast(output_shape, tf.int32))
    begin = [0] * x.shape.rank
    for axis, kernel, stride in zip(axes, kernel_size, strides):
        full_shape[axis] = tf.shape(dilated)[axis] + kernel - 1
        if padding == "same":
            begin[axis] = max(kernel - stride, 0) // 2
    full = op(dilated, tf.stack(full_shape))
    return tf.slice(full, begin, tf.cast(output_shape, tf.int32))
