"""The two device paths of channels_first and unequal strides compute the same numbers.

On a CPU-only runtime tf1compat transposes channels_first to NHWC and decomposes
unequal-stride transposed convolutions (zero insertion + stride 1); with a GPU it runs the
NCHW and strided ops natively. This machine has no GPU, so the native path runs here under
XLA (``jit_compile=True``), which compiles NCHW and unequal-stride ops on CPU as Keras 3
does for its CPU gaps. The depthwise kernel's equal-strides gap is filled on every device
by stride 1 + subsampling; that is checked against XLA's strided op too.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.runtime_layers.harness import Case, decorated_layer, tracking_available

pytestmark = pytest.mark.skipif(
    not tracking_available(), reason="tf1compat.tracking (the decorator) is not in this checkout"
)

MODEL = Case(
    """
def model(layers, rnn_cell):
    cf = "channels_first"
    images, series, volume = const(2, 3, 9, 8), const(2, 3, 11), const(1, 2, 6, 5, 4)
    return {
        "conv1d": layers.conv1d(series, 2, 3, strides=2, padding="same", data_format=cf),
        "conv1d_causal": layers.Conv1D(2, 3, dilation_rate=2, padding="causal", data_format=cf)(
            series
        ),
        "conv2d": layers.conv2d(images, 4, (3, 2), strides=(2, 1), data_format=cf),
        "conv2d_dilated": layers.conv2d(images, 2, 3, dilation_rate=(1, 2), data_format=cf),
        "conv3d": layers.Conv3D(2, 2, strides=(1, 2, 1), padding="same", data_format=cf)(volume),
        "sep1d": layers.separable_conv1d(series, 2, 3, strides=2, data_format=cf),
        "sep2d": layers.separable_conv2d(images, 2, 3, depth_multiplier=2, data_format=cf),
        "sep2d_unequal": layers.SeparableConv2D(2, 3, strides=(2, 1), data_format=cf)(images),
        "conv2d_t": layers.conv2d_transpose(images, 2, 3, strides=2, data_format=cf),
        "conv2d_t_unequal_cf": layers.conv2d_transpose(
            images, 2, 3, strides=(2, 1), padding="same", data_format=cf
        ),
        "conv2d_t_unequal": layers.Conv2DTranspose(2, 3, strides=(1, 3))(const(2, 4, 5, 3)),
        "conv3d_t": layers.conv3d_transpose(volume, 2, 2, strides=(2, 1, 2), data_format=cf),
        "max1d": layers.max_pooling1d(series, 3, 2, padding="same", data_format=cf),
        "avg2d": layers.AveragePooling2D((3, 2), (1, 2), data_format=cf)(images),
        "max3d": layers.max_pooling3d(volume, 2, (2, 1, 1), data_format=cf),
    }
"""
)


def _op_types(function: tf.types.experimental.GenericFunction) -> set[str]:
    graph = function.get_concrete_function(tf.zeros([1])).graph
    return {op.type for op in graph.get_operations()}


def test_native_gpu_path_equals_the_cpu_path(monkeypatch):
    from tf1compat.layers import _conv_utils

    layer = decorated_layer(MODEL)
    cpu_path = tf.function(lambda x: layer(x))
    expected = {k: v.numpy() for k, v in cpu_path(tf.zeros([1])).items()}
    assert "Transpose" in _op_types(cpu_path)

    monkeypatch.setattr(_conv_utils, "runtime_has_gpu", lambda: True)
    native = tf.function(lambda x: layer(x), jit_compile=True)
    assert "Transpose" not in _op_types(native)  # NCHW all the way through
    got = native(tf.zeros([1]))
    assert sorted(got) == sorted(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(got[name].numpy(), value, rtol=1e-5, atol=1e-5, err_msg=name)


def test_unequal_stride_separable_conv_equals_the_strided_op():
    import tf1compat

    for padding in ("valid", "same"):
        layer = decorated_layer(
            Case(
                f"""
def model(layers, rnn_cell):
    return {{"y": layers.separable_conv2d(
        const(2, 9, 8, 3), 4, (3, 2), strides=(2, 3), depth_multiplier=2, padding={padding!r}
    )}}
"""
            )
        )
        y = layer(tf.zeros([1]))["y"]
        variables = tf1compat.tf1_variables(layer)

        @tf.function(jit_compile=True)
        def strided(x, variables=variables, padding=padding):
            return (
                tf.compat.v1.nn.separable_conv2d(
                    x,
                    variables["separable_conv2d/depthwise_kernel"],
                    variables["separable_conv2d/pointwise_kernel"],
                    strides=(1, 2, 3, 1),
                    padding=padding.upper(),
                )
                + variables["separable_conv2d/bias"]
            )

        x = np.random.RandomState(0).standard_normal((2, 9, 8, 3)).astype("float32")
        np.testing.assert_allclose(y.numpy(), strided(x).numpy(), rtol=1e-5, atol=1e-5)
