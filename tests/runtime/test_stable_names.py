"""Stable names per call and per instance: our deliberate divergence from the original.

The original leaked ``variable_scope`` counters at the top of a decorated method: unnamed
scopes became ``dense``, then ``dense_1`` on call 2 and ``dense_2`` in instance 2, and the
first call under ``tf.function`` failed. Each decorated call here starts from the same
counter state, so every call, trace and instance reproduces the first call's names.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1


def unnamed_blocks(x):
    """Two default-named scopes, like two unnamed ``tf.layers.dense`` calls."""
    for _ in range(2):
        with v1.variable_scope(None, default_name="dense"):
            kernel = v1.get_variable("kernel", [x.shape[-1], x.shape[-1]],
                                     initializer=v1.ones_initializer())
            x = tf.matmul(x, kernel)
    return x


class Unnamed(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return unnamed_blocks(inputs)


class UnnamedModule(tf.Module):
    @tf1compat.track_tf1_style_variables
    def __call__(self, inputs):
        return unnamed_blocks(inputs)


EXPECTED = ["dense/kernel", "dense_1/kernel"]


def test_call_two_reproduces_call_one():
    layer = Unnamed()
    layer(tf.ones([1, 2]))
    layer(tf.ones([1, 2]))
    assert list(tf1compat.tf1_variables(layer)) == EXPECTED
    assert len(layer.weights) == 2


def test_second_instance_reproduces_the_first():
    first, second = Unnamed(), UnnamedModule()
    first(tf.ones([1, 2]))
    second(tf.ones([1, 2]))
    assert list(tf1compat.tf1_variables(first)) == EXPECTED
    assert list(tf1compat.tf1_variables(second)) == EXPECTED


def test_unnamed_scopes_work_on_the_first_tf_function_call():
    layer = Unnamed()
    step = tf.function(layer)
    for _ in range(3):
        np.testing.assert_allclose(step(tf.ones([1, 2])), [[4.0, 4.0]])
    assert list(tf1compat.tf1_variables(layer)) == EXPECTED


def test_make_template_without_outer_scope_is_stable_across_instances():
    def scale(x):
        return x * v1.get_variable("y", [], initializer=v1.constant_initializer(2.0))

    class Templated(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.scale = v1.make_template("scale", scale)

        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return self.scale(inputs)

    layers = [Templated(), Templated()]
    for layer in layers:
        layer(tf.ones([1]))
        layer(tf.ones([1]))
    assert [list(tf1compat.tf1_variables(layer)) for layer in layers] == [["scale/y"]] * 2


def test_caller_variable_scope_still_prefixes_names():
    layer = Unnamed()
    with v1.variable_scope("outer"):
        layer(tf.ones([1, 2]))
    assert list(tf1compat.tf1_variables(layer)) == ["outer/dense/kernel", "outer/dense_1/kernel"]


def test_counters_outside_the_call_are_untouched():
    with v1.variable_scope(None, default_name="blk") as first:
        pass
    Unnamed()(tf.ones([1, 2]))
    with v1.variable_scope(None, default_name="blk") as second:
        pass
    assert (first.name, second.name) == ("blk", "blk_1")
