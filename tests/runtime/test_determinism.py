"""DeterministicRandomTestTool: the same random numbers in a TF1 graph and in eager."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1
INPUT = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(3, 4)


def build(x):
    """Default glorot, a random-normal bias and dropout: three stateful random ops."""
    with v1.variable_scope("net"):
        w = v1.get_variable("w", [4, 5])
        b = v1.get_variable("b", [5], initializer=v1.random_normal_initializer())
        return tf.nn.dropout(tf.matmul(x, w) + b, rate=0.5)


def graph_run(mode):
    tool = tf1compat.DeterministicRandomTestTool(mode=mode)
    with tool.scope():
        graph = tf.Graph()
        with graph.as_default():
            out = build(tf.constant(INPUT))
            variables = {v.op.name: v for v in v1.global_variables()}
            with v1.Session(graph=graph) as sess:
                sess.run(v1.global_variables_initializer())
                return sess.run({"out": out, "w": variables["net/w"], "b": variables["net/b"]})


def eager_run(mode):
    class Net(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return build(inputs)

    tool = tf1compat.DeterministicRandomTestTool(mode=mode)
    with tool.scope():
        layer = Net()
        out = layer(tf.constant(INPUT))
    variables = tf1compat.tf1_variables(layer)
    return {"out": out.numpy(), "w": variables["net/w"].numpy(), "b": variables["net/b"].numpy()}


@pytest.mark.parametrize("mode", ["constant", "num_random_ops"])
def test_graph_and_eager_draw_the_same_numbers(mode):
    graph, eager = graph_run(mode), eager_run(mode)
    for key in ("w", "b", "out"):
        np.testing.assert_allclose(eager[key], graph[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_num_random_ops_gives_distinct_draws_and_constant_repeats():
    with tf1compat.DeterministicRandomTestTool(mode="num_random_ops").scope():
        a, b = tf.random.uniform([4]), tf.random.uniform([4])
    assert not np.allclose(a, b)
    with tf1compat.DeterministicRandomTestTool(mode="constant").scope():
        c, d = tf.random.uniform([4]), tf.random.uniform([4])
    np.testing.assert_array_equal(c, d)


def test_reusing_an_operation_seed_raises():
    tool = tf1compat.DeterministicRandomTestTool(mode="num_random_ops")
    with tool.scope():
        tf.random.uniform([1])
        tf.random.uniform([1])
        tool.operation_seed = 1
        with pytest.raises(ValueError, match="re-use the already-used operation seed 1"):
            tf.random.uniform([1])


def test_scope_restores_tensorflow_seeding():
    from tensorflow.python.framework import random_seed

    original = random_seed.get_seed
    with tf1compat.DeterministicRandomTestTool().scope():
        assert random_seed.get_seed is not original
    assert random_seed.get_seed is original


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="mode must be one of"):
        tf1compat.DeterministicRandomTestTool(mode="sometimes")
