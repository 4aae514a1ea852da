"""``get_or_create_layer``: nested Keras models built once per scope (contract 55-58, P*).

Keras 3 adaptation: the cached model is tracked as a sublayer of the decorated layer, so its
own regularization losses appear in ``layer.losses`` one per weight (the original added one
summed term per cached layer, and ``[0.0]`` for a model without regularizers).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1


class NestedLayer(keras.layers.Layer):
    def __init__(self, units, regularize=True, **kwargs):
        super().__init__(**kwargs)
        self.units, self.regularize, self.built_models = units, regularize, 0

    def build_model(self):
        self.built_models += 1
        inputs = keras.Input((None, self.units))
        dense = keras.layers.Dense(
            self.units, kernel_initializer="ones",
            kernel_regularizer=keras.regularizers.L2(0.01) if self.regularize else None)
        return keras.Model(inputs, dense(inputs))

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        with v1.variable_scope("test_scope"):
            model = tf1compat.get_or_create_layer("dense_model", self.build_model)
            self.last_model = model
            return model(inputs)


def cached_layers(layer):
    return layer._tf1compat_store.store.layers


def test_55_cached_once_per_scope_with_its_weights_and_losses():
    layer = NestedLayer(5)
    first = layer(tf.ones([1, 5, 5]))
    model = layer.last_model
    second = layer(tf.ones([1, 5, 5]))
    assert layer.last_model is model and layer.built_models == 1
    assert list(cached_layers(layer)) == ["test_scope/dense_model"]
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, np.full((1, 5, 5), 5.0))
    assert sorted(w.path for w in layer.weights) == sorted(w.path for w in model.weights)
    assert len(layer.weights) == 2
    assert [float(x) for x in layer.losses] == pytest.approx([0.25])


def test_56_without_regularizer_there_is_no_loss():
    layer = NestedLayer(5, regularize=False)
    layer(tf.ones([1, 5, 5]))
    assert layer.losses == []


def test_57_inside_tf_function_the_model_is_reused():
    layer = NestedLayer(5)

    @tf.function
    def step(x):
        return layer(x), tf.add_n(layer.losses)

    out1, loss1 = step(tf.ones([1, 5, 5]))
    out2, loss2 = step(tf.ones([1, 5, 5]))
    np.testing.assert_array_equal(out1, out2)
    assert float(loss1) == float(loss2) == pytest.approx(0.25)
    assert layer.built_models == 1 and len(layer.weights) == 2


def test_cached_layer_trains_with_the_outer_model():
    inputs = keras.Input((3, 5))
    model = keras.Model(inputs, NestedLayer(5)(inputs))
    model.compile("sgd", "mse")
    before = [w.numpy().copy() for w in model.weights]
    model.fit(np.ones((4, 3, 5)), np.zeros((4, 3, 5)), epochs=1, verbose=0)
    assert len(before) == 2
    assert all(not np.allclose(b, w.numpy()) for b, w in zip(before, model.weights))


def test_module_counts_one_summed_loss_per_cached_layer():
    class Holder(tf.Module):
        def __init__(self):
            super().__init__()
            self.nested = NestedLayer(5)

        @tf1compat.track_tf1_style_variables
        def __call__(self, x):
            with v1.variable_scope("m"):
                return tf1compat.get_or_create_layer("inner", lambda: self.nested.build_model())(x)

    holder = Holder()
    holder(tf.ones([1, 2, 5]))
    holder(tf.ones([1, 2, 5]))
    assert [float(x) for x in tf1compat.regularization_losses(holder)] == pytest.approx([0.25])


class HeadLayer(tf1compat.MigratedLayer):
    """A get_variable scale and a cached Keras model under one variable scope."""

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        with v1.variable_scope("head"):
            scale = v1.get_variable("scale", [], initializer=v1.constant_initializer(2.0))
            mlp = tf1compat.get_or_create_layer(
                "mlp", lambda: keras.Sequential([keras.layers.Dense(3, name="d")]))
            return mlp(inputs) * scale


def test_cached_layers_round_trip_through_weights_files(tmp_path):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, HeadLayer()(inputs))
    data = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    expected = model.predict(data, verbose=0)

    model.save(tmp_path / "head.keras")
    reloaded = keras.models.load_model(tmp_path / "head.keras")
    np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=1e-6)

    model.save_weights(tmp_path / "head.weights.h5")
    again_inputs = keras.Input((4,))
    again = keras.Model(again_inputs, HeadLayer()(again_inputs))
    again.load_weights(tmp_path / "head.weights.h5")
    np.testing.assert_allclose(again.predict(data, verbose=0), expected, rtol=1e-6)
