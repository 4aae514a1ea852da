"""Decorated code in every kind of Keras 3 model: Sequential, subclassed, shared, nested."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1


def projection(x, units=2):
    with v1.variable_scope("proj"):
        w = v1.get_variable("w", [x.shape[-1], units], initializer=v1.ones_initializer())
        return tf.matmul(x, w)


class Projection(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return projection(inputs)


class ProjectionModel(keras.Model):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return projection(inputs)


def _fit_moves_all(model):
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model(np.ones((1, 3), "float32"))
    before = [w.numpy().copy() for w in model.weights]
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), epochs=1, verbose=0)
    return all(not np.allclose(b, w.numpy()) for b, w in zip(before, model.weights))


def test_sequential_holding_a_decorated_layer():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), Projection()])
    assert len(model.weights) == 3
    assert _fit_moves_all(model)


def test_subclassed_model_with_a_decorated_call():
    model = ProjectionModel()
    assert _fit_moves_all(model)
    assert [w.name for w in model.weights] == ["proj__w"]
    assert list(tf1compat.tf1_variables(model)) == ["proj/w"]


def test_a_layer_shared_by_two_inputs_has_one_set_of_weights():
    layer = Projection()
    a, b = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([a, b], layer(a) + layer(b))
    assert len(model.weights) == 1
    np.testing.assert_allclose(model([np.ones((1, 3)), np.ones((1, 3))]), [[6.0, 6.0]])


def test_51_keras_model_built_in_init_of_a_decorated_layer():
    """P* port: Keras 3 forbids building the model lazily in call; build it in __init__."""

    class WithModel(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            inputs = keras.Input((5,))
            dense = keras.layers.Dense(10, kernel_initializer="ones", name="dense",
                                       kernel_regularizer=keras.regularizers.L2(0.01))
            self.model = keras.Model(inputs, dense(inputs))

        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            with v1.variable_scope("extra"):
                scale = v1.get_variable("scale", [], initializer=v1.ones_initializer())
            return self.model(inputs) * scale

    layer = WithModel()
    np.testing.assert_allclose(layer(tf.ones([1, 5])), np.full((1, 10), 5.0))
    assert sorted(w.path for w in layer.model.weights) == ["dense/bias", "dense/kernel"]
    assert list(tf1compat.tf1_variables(layer)) == ["extra/scale"]
    assert len(layer.weights) == 3
    assert float(tf.add_n(layer.losses)) == pytest.approx(0.5)
    layer.model.layers[-1].kernel.assign(tf.fill([5, 10], 2.0))
    assert float(tf.add_n(layer.losses)) == pytest.approx(2.0)


def test_clone_model_rebuilds_migrated_layers():
    from tests.runtime.migrated_example import functional_model

    clone = keras.models.clone_model(functional_model())
    assert sorted(tf1compat.tf1_variables(clone)) == ["model/h0/b", "model/h0/w", "model/wte"]


class CachingDeviceScope(keras.layers.Layer):
    """What dynamic_rnn does: a callable caching device on the scope while tracing."""

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        with v1.variable_scope("rnn") as scope:
            if not tf.executing_eagerly():  # as dynamic_rnn does
                scope.set_caching_device(lambda op: op.device)
            return projection(inputs)


def test_callable_caching_device_is_dropped_for_eager_creation():
    inp = keras.Input((3,))
    model = keras.Model(inp, CachingDeviceScope()(inp))
    assert sorted(tf1compat.tf1_variables(model.layers[-1])) == ["rnn/proj/w"]
    np.testing.assert_allclose(model(np.ones((1, 3), "float32")), np.full((1, 2), 3.0))
