"""The decorator with the ``tf1compat.layers`` family (contract cases 41, 45; leak fix).

Those layers are built by another part of the runtime on plain ``get_variable``; these tests
check the seam (store routing, regularizers, activity losses). A missing package is a
failure, not a skip.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
import tf1compat.layers as tf1_layers

v1 = tf.compat.v1

NAMES = ["dense_one/bias", "dense_one/kernel", "nested_scope/dense_two/bias",
         "nested_scope/dense_two/kernel"]


def two_dense(x):
    out = tf1_layers.dense(x, 10, name="dense_one", kernel_initializer=v1.ones_initializer(),
                           kernel_regularizer="l2")
    with v1.variable_scope("nested_scope"):
        return tf1_layers.dense(out, 10, name="dense_two",
                                kernel_initializer=v1.ones_initializer(),
                                kernel_regularizer="l2")


class DenseLayer(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return two_dense(inputs)


class DenseModule(tf.Module):
    @tf1compat.track_tf1_style_variables
    def __call__(self, inputs):
        with self.name_scope:
            return two_dense(inputs)


def _set_kernels(obj, value):
    for name, variable in tf1compat.tf1_variables(obj).items():
        if name.endswith("kernel"):
            variable.assign(tf.fill(variable.shape, value))


@pytest.mark.parametrize("make", [DenseLayer, DenseModule], ids=["41_layer", "45_module"])
def test_compat_v1_dense_names_outputs_and_losses(make):
    obj = make()
    np.testing.assert_allclose(obj(tf.ones([5, 5])), np.full((5, 10), 50.0))
    assert sorted(tf1compat.tf1_variables(obj)) == NAMES
    assert float(tf.add_n(tf1compat.regularization_losses(obj))) == pytest.approx(1.5)
    _set_kernels(obj, 2.0)
    np.testing.assert_allclose(obj(tf.ones([5, 5])), np.full((5, 10), 200.0))
    assert float(tf.add_n(tf1compat.regularization_losses(obj))) == pytest.approx(6.0)
    assert len(tf1compat.tf1_variables(obj)) == 4


def test_keras_layer_losses_equal_the_module_accessor():
    layer = DenseLayer()
    layer(tf.ones([5, 5]))
    assert sorted(float(x) for x in layer.losses) == pytest.approx([0.5, 1.0])


class Unnamed(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return tf1_layers.dense(tf1_layers.dense(inputs, 3), 2)


def test_unnamed_layers_keep_their_names_across_calls_instances_and_traces():
    expected = ["dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"]
    first, second = Unnamed(), Unnamed()
    first(tf.ones([1, 4]))
    first(tf.ones([1, 4]))
    tf.function(second)(tf.ones([1, 4]))
    tf.function(second)(tf.ones([2, 4]))
    assert sorted(tf1compat.tf1_variables(first)) == expected
    assert sorted(tf1compat.tf1_variables(second)) == expected


def test_activity_regularizer_is_captured_once_per_call():
    class WithActivity(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return tf1_layers.dense(inputs, 2, name="d", kernel_initializer=v1.ones_initializer(),
                                    activity_regularizer=lambda t: tf.reduce_sum(t))

    layer = WithActivity()
    out = layer(tf.ones([3, 2]))
    layer(tf.ones([3, 2]))
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) > 0
    expected = float(tf.reduce_sum(out)) / 3  # tf-keras divides by the batch size
    assert float(layer.losses[0]) == pytest.approx(expected)


def test_batch_norm_statistics_update_in_training_and_are_non_trainable():
    class Norm(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs, training=None):
            return tf1_layers.batch_normalization(inputs, training=training, name="bn")

    layer = Norm()
    layer(tf.fill([4, 3], 5.0), training=True)
    variables = tf1compat.tf1_variables(layer)
    np.testing.assert_allclose(variables["bn/moving_mean"].numpy(), np.full(3, 0.05), rtol=1e-5)
    assert sorted(w.name for w in layer.non_trainable_weights) == [
        "bn__moving_mean", "bn__moving_variance"]
    assert sorted(w.name for w in layer.trainable_weights) == ["bn__beta", "bn__gamma"]
