"""Output tensor names in a TF1 graph match TF1's, for code that fetches tensors by name
(``graph.get_tensor_by_name("net/dense/BiasAdd:0")``). Variable names are checked elsewhere."""

from __future__ import annotations

import tensorflow as tf

from tests.runtime_layers.harness import PRELUDE, Case, model_function, tf1compat_modules

MODEL = Case(
    """
def model(layers, rnn_cell):
    x, s, v = const(2, 6, 6, 3), const(2, 7, 3), const(1, 4, 4, 4, 2)
    with tf.compat.v1.variable_scope("net"):
        outputs = {
            "conv1d": layers.conv1d(s, 2, 3),
            "conv1d_causal": layers.conv1d(s, 2, 3, padding="causal"),
            "conv2d_relu": layers.conv2d(x, 2, 3, activation=tf.nn.relu),
            "conv3d": layers.conv3d(v, 2, 2),
            "separable_conv1d": layers.separable_conv1d(s, 2, 2),
            "separable_conv2d": layers.separable_conv2d(x, 2, 2),
            "conv2d_transpose": layers.conv2d_transpose(x, 2, 2),
            "conv3d_transpose": layers.conv3d_transpose(v, 2, 2),
            "bn_inference": layers.batch_normalization(const(3, 4)),
            "bn_training": layers.batch_normalization(const(3, 4), training=True),
            "bn_fused_training": layers.batch_normalization(x, training=True),
            "bn_unfused": layers.batch_normalization(x, fused=False),
            "average_pooling1d": layers.average_pooling1d(s, 2, 2),
            "max_pooling2d": layers.max_pooling2d(x, 2, 2),
            "max_pooling3d": layers.max_pooling3d(v, 2, 2),
            "flatten": layers.flatten(x),
            "dropout": layers.dropout(x),
            "dense_rank3": layers.dense(s, 2),
        }
    cell = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(3), rnn_cell.GRUCell(2)])
    outputs["rnn"], _ = tf.compat.v1.nn.dynamic_rnn(cell, s, dtype=tf.float32)
    return outputs
"""
)

ORACLE_CASES = {
    "runtime_layers/op-names": PRELUDE
    + MODEL.source
    + """

def run():
    with tf.Graph().as_default():
        outputs = model(tf.compat.v1.layers, tf.compat.v1.nn.rnn_cell)
        return {key: tensor.name for key, tensor in outputs.items()}
"""
}


def test_output_tensor_names_match_tf1(oracle):
    layers, rnn_cell = tf1compat_modules()
    with tf.Graph().as_default():
        outputs = model_function(MODEL)(layers, rnn_cell)
        names = {key: tensor.name for key, tensor in outputs.items()}
    assert names == oracle["runtime_layers/op-names"]
