"""Raw ``tf.Variable`` creation inside a decorated call (issue 14): TF1 names, once per instance.

The names expected here are the TF1 graph's; ``test_raw_variables_oracle.py`` checks them
against a real TF1 graph. These tests cover the TF2 side: tracking, reuse across calls,
traces and instances, checkpoints, threads.
"""

from __future__ import annotations

import threading

import keras
import numpy as np
import pytest
import tensorflow as tf
import tf1compat

v1 = tf.compat.v1


def mixed_body(x):
    """Unnamed, same-name, re-entered name scope, trainable=False, and mixed get_variable."""
    a = tf.Variable(1.0)
    b = v1.Variable(2.0)
    with tf.name_scope("conv-maxpool-3"):
        w = tf.Variable(tf.random.truncated_normal([3, 2], stddev=0.1), name="W")
        w2 = tf.Variable(tf.zeros([2]), name="W")
    counts = []
    for _ in range(2):
        with tf.name_scope("layer"):
            counts.append(tf.Variable(tf.ones([2]), name="c", trainable=False))
    with v1.variable_scope("output"):
        ow = v1.get_variable("W", [3, 2])
        ob = tf.Variable(tf.constant(0.1, shape=[2]), name="b")
    with v1.variable_scope("output", reuse=True):
        ow2 = v1.get_variable("W", [3, 2])
        ob2 = tf.Variable(tf.constant(0.2, shape=[2]), name="b")
    assert ow is ow2
    return tf.matmul(x, w) + a * b + counts[0] + counts[1] + tf.matmul(x, ow) + ob + ob2 + w2


MIXED_NAMES = [
    "Variable",
    "Variable_1",
    "conv-maxpool-3/W",
    "conv-maxpool-3/W_1",
    "layer/c",
    "layer_1/c",
    "output/W",
    "output/b",
    "output_1/b",
]


class MixedLayer(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, x):
        return mixed_body(x)


class MixedModule(tf.Module):
    @tf1compat.track_tf1_style_variables
    def __call__(self, x):
        return mixed_body(x)


X = tf.constant([[1.0, 2.0, 3.0]])


def test_names_in_creation_order_and_trainable_split():
    layer = MixedLayer()
    layer(X)
    variables = tf1compat.tf1_variables(layer)
    assert list(variables) == MIXED_NAMES
    assert [v.name for v in variables.values()] == [f"{n}:0" for n in MIXED_NAMES]
    frozen = {"layer/c", "layer_1/c"}
    assert len(layer.trainable_weights) == len(MIXED_NAMES) - 2
    assert {w.path.split("/", 1)[1] for w in layer.non_trainable_weights} == {
        tf1compat.tracking.keras_variable_name(n) for n in frozen
    }
    assert all(variables[n].trainable == (n not in frozen) for n in MIXED_NAMES)


def test_later_calls_and_traces_return_the_same_variables():
    layer = MixedLayer()
    first = layer(X)
    before = dict(tf1compat.tf1_variables(layer))
    second = layer(X)
    traced = tf.function(layer)(X)
    after = tf1compat.tf1_variables(layer)
    assert list(after) == MIXED_NAMES
    assert all(after[n] is before[n] for n in MIXED_NAMES)
    assert len(layer.weights) == len(MIXED_NAMES)
    np.testing.assert_allclose(first, second)
    np.testing.assert_allclose(first, traced, rtol=1e-6)


def test_first_call_inside_tf_function_lifts_graph_initial_values():
    layer = MixedLayer()
    fn = tf.function(layer)
    out = fn(X)
    fn(X + 1.0)
    variables = tf1compat.tf1_variables(layer)
    assert list(variables) == MIXED_NAMES
    np.testing.assert_allclose(variables["output_1/b"].numpy(), [0.2, 0.2])
    np.testing.assert_allclose(out, layer(X), rtol=1e-6)


def test_functional_model_symbolic_build():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, MixedLayer()(inputs))
    assert len(model.weights) == len(MIXED_NAMES)
    assert model(X).shape == (1, 2)


def test_two_instances_have_their_own_variables_with_the_same_names():
    one, two = MixedLayer(), MixedLayer()
    one(X)
    two(X)
    a, b = tf1compat.tf1_variables(one), tf1compat.tf1_variables(two)
    assert list(a) == list(b) == MIXED_NAMES
    assert all(a[n] is not b[n] for n in MIXED_NAMES)


def test_module_variables_and_checkpoint_round_trip(tmp_path):
    module = MixedModule()
    out = module(X)
    assert len(module.variables) == len(MIXED_NAMES)
    assert len(module.trainable_variables) == len(MIXED_NAMES) - 2
    prefix = tf1compat.save_tf1_checkpoint(module, tmp_path / "model.ckpt")
    assert sorted(n for n, _ in tf.train.list_variables(prefix)) == sorted(MIXED_NAMES)
    other = MixedModule()
    other(X)
    report = tf1compat.load_tf1_checkpoint(other, prefix)
    assert sorted(report.loaded) == sorted(MIXED_NAMES)
    np.testing.assert_allclose(other(X), out, rtol=1e-6)


def test_keras_layers_inside_the_call_are_not_captured():
    class WithKeras(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, x):
            v = tf.Variable(tf.ones([3, 1]), name="v")
            return keras.layers.Dense(1)(x) + tf.matmul(x, v)

    layer = WithKeras()
    layer(X)
    layer(X)
    assert list(tf1compat.tf1_variables(layer)) == ["v"]
    assert len(layer.weights) == 1


def test_caller_variable_scope_prefixes_and_name_scope_does_not():
    layer = MixedLayer()
    with v1.variable_scope("outer"), tf.name_scope("ignored"):
        layer(X)
    assert list(tf1compat.tf1_variables(layer)) == [f"outer/{n}" for n in MIXED_NAMES]


def test_shape_change_on_a_later_call_fails_loudly():
    class Growing(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, n):
            return tf.Variable(tf.zeros([n]), name="v")

    module = Growing()
    module(2)
    with pytest.raises(ValueError, match="'v' was created with shape"):
        module(3)


def test_initial_value_depending_on_inputs_fails_loudly():
    class FromInput(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, x):
            return tf.Variable(x * 2.0, name="bad")

    with pytest.raises(ValueError, match="'bad' depends on the layer's inputs"):
        tf.function(FromInput())(X)


def test_threads_share_one_layer_without_renaming():
    layer = MixedLayer()
    layer(X)
    expected = dict(tf1compat.tf1_variables(layer))
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(5):
                layer(X)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    after = tf1compat.tf1_variables(layer)
    assert list(after) == MIXED_NAMES and all(after[n] is expected[n] for n in MIXED_NAMES)


def test_outside_a_decorated_call_tf_variable_is_untouched():
    with tf.name_scope("plain"):
        v = tf.Variable(1.0, name="v")
        w = tf.Variable(1.0, name="v")
    assert v.name == w.name == "plain/v:0"
