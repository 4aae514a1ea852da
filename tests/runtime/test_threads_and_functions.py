"""Threads never mix stores or names; tf.function retraces reuse variables (contract 1.5, 5.3)."""

from __future__ import annotations

import threading

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tests.runtime.support import StoreRunner

v1 = tf.compat.v1


def test_39_worker_thread_reenters_a_captured_scope():
    runner = StoreRunner()
    main_scope = runner(lambda: _capture_scope("main"))
    found = []

    def worker_body():
        with v1.variable_scope(main_scope):
            with v1.variable_scope("foo"):
                found.append(v1.get_variable("v", []).name)
        with v1.variable_scope("bar"):  # a new thread starts at the root scope
            found.append(v1.get_variable("v", []).name)

    errors = []
    thread = threading.Thread(target=lambda: _record_errors(errors, runner, worker_body))
    thread.start()
    thread.join(60)
    assert not errors, errors
    assert found == ["main/foo/v:0", "bar/v:0"]


def _capture_scope(name):
    with v1.variable_scope(name) as scope:
        return scope


def _record_errors(errors, fn, *args):
    try:
        fn(*args)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(repr(exc))


class ThreadLayer(keras.layers.Layer):
    def __init__(self, tag, **kwargs):
        super().__init__(**kwargs)
        self.tag = tag

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        out = inputs
        with v1.variable_scope(f"{self.tag}_block"):
            for _ in range(5):
                with v1.variable_scope(None, default_name="layer"):
                    w = v1.get_variable("w", [], initializer=v1.constant_initializer(1.0))
                    out = out * w
        return out


def test_eight_threads_with_their_own_layers_never_mix():
    layers = [ThreadLayer(f"t{i}") for i in range(8)]
    barrier = threading.Barrier(8)
    errors = []

    def work(layer):
        barrier.wait(30)
        for _ in range(5):
            layer(tf.ones([2]))

    threads = [threading.Thread(target=_record_errors, args=(errors, work, layer))
               for layer in layers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    for layer in layers:
        expected = [f"{layer.tag}_block/layer/w"] + [
            f"{layer.tag}_block/layer_{i}/w" for i in range(1, 5)
        ]
        assert list(tf1compat.tf1_variables(layer)) == expected
        assert len(layer.weights) == 5


def test_get_variable_outside_decorated_calls_keeps_tf_behaviour_meanwhile():
    """A thread with no decorated call gets TF's own eager behaviour (a fresh variable)."""
    inside = threading.Event()
    release = threading.Event()
    runner = StoreRunner()

    def hold_store():
        inside.set()
        release.wait(30)

    thread = threading.Thread(target=lambda: runner(hold_store))
    thread.start()
    try:
        assert inside.wait(30)
        plain = v1.get_variable("plain", [1])
        assert plain.name == "plain:0" and runner.variables == ()
    finally:
        release.set()
        thread.join(30)


class ShapeFree(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        with v1.variable_scope("proj"):
            w = v1.get_variable("w", [inputs.shape[-1], 3], initializer=v1.ones_initializer(),
                                regularizer=lambda v: tf.reduce_sum(v))
        return tf.matmul(inputs, w)


def test_tf_function_retraces_reuse_variables():
    layer = ShapeFree()
    traces = []

    @tf.function(reduce_retracing=False)
    def step(x):
        traces.append(x.shape)
        return layer(x), tf.add_n(layer.losses)

    for batch in (1, 2, 3):
        out, loss = step(tf.ones([batch, 4]))
        np.testing.assert_allclose(out, np.full((batch, 3), 4.0))
        assert float(loss) == 12.0
    assert len(traces) >= 3
    assert list(tf1compat.tf1_variables(layer)) == ["proj/w"]
    assert len(layer.weights) == 1 and len(layer.losses) == 1


def test_get_variable_in_a_nested_tf_function_reaches_the_store():
    class Nested(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, x):
            @tf.function
            def inner(y):
                with v1.variable_scope("inner"):
                    return y * v1.get_variable("w", [], initializer=v1.ones_initializer())

            return inner(x)

    module = Nested()
    module(tf.ones([1]))
    module(tf.ones([1]))
    assert [v.name for v in module.variables] == ["inner/w:0"]


@pytest.mark.parametrize("reuse", [True, v1.AUTO_REUSE])
def test_reuse_true_acts_as_auto_reuse_in_eager_and_in_traces(reuse):
    class Reusing(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, x):
            with v1.variable_scope("s", reuse=reuse):
                return x * v1.get_variable("w", [], initializer=v1.ones_initializer())

    eager, traced = Reusing(), Reusing()
    eager(tf.ones([1]))
    tf.function(traced)(tf.ones([1]))
    assert [v.name for v in eager.variables] == [v.name for v in traced.variables] == ["s/w:0"]


def test_threads_making_the_first_call_of_one_layer_share_one_set_of_variables():
    layer = ThreadLayer("shared")
    barrier = threading.Barrier(4)
    errors = []

    def work():
        barrier.wait(30)
        layer(tf.ones([2]))

    threads = [threading.Thread(target=_record_errors, args=(errors, work)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert len(tf1compat.tf1_variables(layer)) == 5 and len(layer.weights) == 5
