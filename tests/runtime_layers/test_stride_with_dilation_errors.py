"""Strides and dilation both above 1: TF1 refused this at graph construction; so do we.

Neither the legacy layers nor TensorFlow's ops support the combination (``tf.nn.convolution``
raises "strides > 1 not supported in conjunction with dilation_rate > 1"). The
decompositions tf1compat uses for unequal strides must not quietly accept it, so each
layer is built in a TF1 graph on both sides and the exception types compared.
"""

from __future__ import annotations

import tensorflow as tf

from tests.runtime_layers.harness import PRELUDE, Case, model_function, tf1compat_modules

CALLS = {
    "conv1d": "layers.conv1d(const(2, 11, 3), 2, 3, strides=2, dilation_rate=2)",
    "conv2d": "layers.conv2d(const(2, 9, 8, 3), 2, 3, strides=(2, 1), dilation_rate=(1, 2))",
    "conv3d": "layers.Conv3D(2, 2, strides=(1, 1, 2), dilation_rate=(2, 1, 1))(const(1, 7, 6, 5, 2))",
    "separable_conv1d": "layers.separable_conv1d(const(2, 11, 3), 2, 3, strides=2, dilation_rate=2)",
    "separable_conv2d": (
        "layers.SeparableConv2D(2, 3, strides=(2, 1), dilation_rate=(1, 2))(const(2, 9, 8, 3))"
    ),
    "separable_conv2d_same": (
        "layers.separable_conv2d(const(2, 9, 8, 3), 2, 3, strides=2, dilation_rate=2, padding='same')"
    ),
}

MODEL = Case(
    "def model(layers, rnn_cell):\n"
    "    errors = {}\n"
    + "".join(
        f"    try:\n"
        f"        with tf.Graph().as_default():\n"
        f"            {call}\n"
        f"        errors[{name!r}] = None\n"
        f"    except Exception as error:\n"
        f"        errors[{name!r}] = type(error).__name__\n"
        for name, call in CALLS.items()
    )
    + "    return errors\n"
)

ORACLE_CASES = {
    "runtime_layers/stride-with-dilation-errors": PRELUDE
    + MODEL.source
    + "\n\ndef run():\n    return model(tf.compat.v1.layers, tf.compat.v1.nn.rnn_cell)\n"
}


def test_stride_with_dilation_raises_as_in_tf1(oracle):
    reference = oracle["runtime_layers/stride-with-dilation-errors"]
    assert all(reference.values()), f"the legacy layers accepted some: {reference}"
    layers, rnn_cell = tf1compat_modules()
    with tf.Graph().as_default():
        ours = model_function(MODEL)(layers, rnn_cell)
    assert ours == reference
