"""One SGD step of a small TF1-style model (conv + batch norm + dense + LSTM) in a TF1
graph: with the oracle's initial weights loaded, every variable after the step -- weights
moved by gradients, moving statistics moved by UPDATE_OPS -- must equal tf-keras's."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tests.runtime_layers.harness import PRELUDE, TOLERANCE, tf1compat_modules

v1 = tf.compat.v1

MODEL = """
def model(layers, rnn_cell):
    images = const(4, 6, 6, 2)
    labels = const(4, 3, seed=1)
    with tf.compat.v1.variable_scope("classifier"):
        h = layers.conv2d(images, 4, 3, padding="same", kernel_regularizer="l2")
        h = layers.batch_normalization(h, training=True)
        h = layers.max_pooling2d(tf.nn.relu(h), 2, 2)
        h = layers.dense(layers.flatten(h), 6, activation=tf.nn.tanh)
        cell = rnn_cell.LSTMCell(5, num_proj=3)
        outputs, _ = tf.compat.v1.nn.dynamic_rnn(cell, tf.stack([h, h * 0.5], 1), dtype=tf.float32)
    loss = tf.reduce_mean(tf.square(outputs[:, -1] - labels))
    loss += tf.add_n(tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES))
    updates = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(updates):
        step = tf.compat.v1.train.GradientDescentOptimizer(0.5).minimize(loss)
    return loss, step


def train_once(layers, rnn_cell, initial=None):
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(0)
        loss, step = model(layers, rnn_cell)
        variables = tf.compat.v1.global_variables()
        names = [v.op.name for v in variables]
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            if initial is not None:
                for variable in variables:
                    variable.load(initial[variable.op.name], sess)
            before = dict(zip(names, sess.run(variables)))
            loss_value, _ = sess.run([loss, step])
            after = dict(zip(names, sess.run(variables)))
    return {"names": names, "before": before, "loss": float(loss_value), "after": after}
"""

ORACLE_CASES = {
    "runtime_layers/training-step": PRELUDE
    + MODEL
    + "\n\ndef run():\n    return train_once(tf.compat.v1.layers, tf.compat.v1.nn.rnn_cell)\n"
}


def test_one_training_step_moves_every_variable_like_tf1(oracle):
    reference = oracle["runtime_layers/training-step"]
    namespace: dict = {}
    exec(compile(PRELUDE + MODEL, "<training step>", "exec"), namespace)
    layers, rnn_cell = tf1compat_modules()
    ours = namespace["train_once"](layers, rnn_cell, initial=reference["before"])
    assert ours["names"] == reference["names"]
    assert abs(ours["loss"] - reference["loss"]) <= TOLERANCE * max(1.0, abs(reference["loss"]))
    for name in reference["names"]:
        np.testing.assert_allclose(
            ours["after"][name], reference["after"][name], rtol=1e-5, atol=1e-6, err_msg=name
        )
        if "moving_" in name or "/kernel" in name:
            assert not np.allclose(reference["after"][name], reference["before"][name]), name
