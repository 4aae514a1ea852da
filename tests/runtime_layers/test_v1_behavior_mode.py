"""Old scripts often start with ``tf.compat.v1.disable_v2_behavior()``: then get_variable
makes RefVariables and the whole program is a TF1 graph. That switch is process-wide and
cannot be undone, so the check runs in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, sys, tempfile
    import numpy as np
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    import tf1compat

    layers, rnn_cell = tf1compat.layers, tf1compat.nn.rnn_cell
    x = tf.placeholder(tf.float32, [None, 6, 6, 3])
    is_training = tf.placeholder_with_default(False, [])
    h = layers.conv2d(x, 4, 3, kernel_regularizer="l2")
    h = layers.batch_normalization(h, training=is_training)
    h = layers.dropout(layers.flatten(h), 0.5, training=is_training)
    cell = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(4, num_proj=2), rnn_cell.GRUCell(3)])
    out, _ = tf.nn.dynamic_rnn(cell, tf.stack([h, h], 1), dtype=tf.float32)
    reg = tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_mean(out) + reg)
    moving_mean = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: np.random.rand(2, 6, 6, 3), is_training: True})
        moved = bool(np.any(sess.run(moving_mean) != 0))
        path = tf.train.Saver().save(sess, tempfile.mkdtemp() + "/model")
    json.dump({
        "variable_types": sorted({type(v).__name__ for v in tf.global_variables()}),
        "moved": moved,
        "checkpoint": [name for name, _ in tf.train.list_variables(path)],
    }, sys.stdout)
    """
)


@pytest.mark.slow
def test_layers_train_and_save_under_disable_v2_behavior():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["variable_types"] == ["RefVariable"]
    assert report["moved"] is True
    assert report["checkpoint"] == [
        "batch_normalization/beta",
        "batch_normalization/gamma",
        "batch_normalization/moving_mean",
        "batch_normalization/moving_variance",
        "conv2d/bias",
        "conv2d/kernel",
        "rnn/multi_rnn_cell/cell_0/lstm_cell/bias",
        "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_0/lstm_cell/projection/kernel",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel",
    ]
