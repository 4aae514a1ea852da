"""Issue 7's runtime stress checks: many threads, many shapes, no mixing, no new variables."""

from __future__ import annotations

import threading

import keras
import numpy as np
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1


class Tower(keras.layers.Layer):
    """Unnamed compat.v1-style scopes: the names that leaked in the original shim."""

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        out = inputs
        for _ in range(3):
            with v1.variable_scope(None, default_name="dense"):
                w = v1.get_variable("kernel", [inputs.shape[-1], inputs.shape[-1]],
                                    initializer=v1.ones_initializer())
                out = tf.matmul(out, w) / float(inputs.shape[-1])
        return out


EXPECTED = ["dense/kernel", "dense_1/kernel", "dense_2/kernel"]


def test_eight_threads_creating_and_calling_their_own_layers_100_times():
    calls_per_thread, errors, made = 100, [], [[] for _ in range(8)]
    barrier = threading.Barrier(8)

    def work(slot):
        try:
            barrier.wait(60)
            for i in range(calls_per_thread):
                if i % 20 == 0:  # a fresh layer every 20 calls: 5 layers per thread
                    made[slot].append(Tower())
                out = made[slot][-1](tf.ones([2, 4]))
                np.testing.assert_allclose(out, np.ones((2, 4)), rtol=1e-6)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"thread {slot}: {exc!r}")

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors
    layers = [layer for per_thread in made for layer in per_thread]
    assert len(layers) == 40
    for layer in layers:  # same names in every instance and thread, nothing shared
        assert list(tf1compat.tf1_variables(layer)) == EXPECTED
        assert len(layer.weights) == 3
    assert len({id(v) for layer in layers for v in layer.weights}) == 40 * 3


def test_tf_function_with_five_input_shapes_creates_variables_once():
    layer = Tower()

    @tf.function
    def run(x):
        return layer(x)

    run(tf.ones([1, 4]))
    first = {name: id(var) for name, var in tf1compat.tf1_variables(layer).items()}
    for batch in (2, 3, 5, 8):
        np.testing.assert_allclose(run(tf.ones([batch, 4])), np.ones((batch, 4)), rtol=1e-6)
    assert {name: id(var) for name, var in tf1compat.tf1_variables(layer).items()} == first
    assert list(first) == EXPECTED
