"""MigratedLayer weights files are keyed by TF1 name, and training-only variables are built.

Keras saves a layer's weights by position. TF1 code creates variables lazily, so a process
that loads a file may create them in another order (here: a training-only variable created
first by a training call, last by a rebuild), which would silently swap equal-shaped weights.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

import tf1compat
from tests.runtime.migrated_example import TrainingOnlyLayer


def trained_in_training_mode_first():
    layer = TrainingOnlyLayer()
    layer(tf.ones([1, 3]), training=True)  # creates aux/gain, then main/scale
    tf1compat.tf1_variables(layer)["aux/gain"].assign([5.0, 6.0, 7.0])
    return layer


def test_rebuilding_creates_training_only_variables():
    layer = TrainingOnlyLayer()
    layer.build((None, 3))
    assert sorted(tf1compat.tf1_variables(layer)) == ["aux/gain", "main/scale"]


def test_weights_load_by_name_whatever_the_creation_order(tmp_path):
    source = trained_in_training_mode_first()
    assert list(tf1compat.tf1_variables(source)) == ["aux/gain", "main/scale"]
    path = str(tmp_path / "layer.weights.h5")
    model = keras.Sequential([keras.Input((3,)), source])
    model.save_weights(path)

    target = TrainingOnlyLayer()
    fresh = keras.Sequential([keras.Input((3,)), target])  # symbolic call: main/scale first
    fresh.load_weights(path)
    assert list(tf1compat.tf1_variables(target))[0] == "main/scale"
    loaded = {n: v.numpy().tolist() for n, v in tf1compat.tf1_variables(target).items()}
    assert loaded == {"aux/gain": [5.0, 6.0, 7.0], "main/scale": [3.0, 3.0, 3.0]}


def test_keras_file_round_trip_keeps_training_only_variables(tmp_path):
    inputs = keras.Input((3,))
    layer = TrainingOnlyLayer()
    model = keras.Model(inputs, layer(inputs))
    model(np.ones((1, 3), "float32"), training=True)  # aux/gain created after the build
    tf1compat.tf1_variables(layer)["aux/gain"].assign([5.0, 6.0, 7.0])
    model.save(tmp_path / "m.keras")
    reloaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(reloaded(np.ones((1, 3), "float32"), training=True),
                               [[15.0, 18.0, 21.0]])


def test_layer_with_two_tensor_inputs_reloads_from_a_keras_file(tmp_path):
    from tests.runtime.migrated_example import PairDistanceLayer

    left, right = keras.Input((4,)), keras.Input((4,))
    model = keras.Model([left, right], PairDistanceLayer()(left, right))
    data = [np.ones((2, 4), "float32"), np.zeros((2, 4), "float32")]
    model.save(tmp_path / "pair.keras")
    reloaded = keras.models.load_model(tmp_path / "pair.keras")
    np.testing.assert_allclose(reloaded.predict(data, verbose=0), model.predict(data, verbose=0))
    assert list(tf1compat.tf1_variables(reloaded)) == ["tower/w"]
