"""Later calls find their variables by one dict lookup; what the full path would refuse
on a later call, it still refuses (the lookup only answers requests it has seen pass)."""

from __future__ import annotations

import keras
import pytest
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1


class Asks(keras.layers.Layer):
    """Asks for `w` with whatever `spec` holds at call time."""

    def __init__(self):
        super().__init__()
        self.spec = {"shape": [3, 2]}
        self.seen = []

    @tf1compat.track_tf1_style_variables
    def call(self, x):
        with v1.variable_scope("s"):
            w = v1.get_variable("w", **self.spec)
            again = v1.get_variable("w", **self.spec)  # shared within the call
        self.seen.append((w, again))
        return x @ w


def test_every_call_gets_the_same_variable():
    layer = Asks()
    x = tf.ones([1, 3])
    first = layer(x)
    for _ in range(3):
        assert tf.reduce_all(layer(x) == first)
    variables = {id(v) for pair in layer.seen for v in pair}
    assert len(variables) == 1 and sorted(tf1compat.tf1_variables(layer)) == ["s/w"]
    assert layer.seen[0][0] is tf1compat.tf1_variables(layer)["s/w"]


@pytest.mark.parametrize(
    "later, message",
    [
        ({"shape": [3, 4]}, "specified shape"),
        ({"shape": [3, 2], "dtype": tf.int32}, "specified dtype"),
        ({"shape": [3, 2], "partitioner": v1.fixed_size_partitioner(2)}, "partitioner"),
        ({"shape": [3, 2], "initializer": tf.constant([1.0])}, "do not specify shape"),
    ],
)
def test_a_later_call_asking_differently_is_refused(later, message):
    layer = Asks()
    x = tf.ones([1, 3])
    layer(x)
    layer(x)  # answered from the lookup
    layer.spec = later
    with pytest.raises(ValueError, match=message):
        layer(x)


def test_a_raw_variable_named_like_a_reused_one_still_takes_the_next_name():
    class Mixed(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, x):
            w = v1.get_variable("w", [3, 2])
            raw = tf.Variable(tf.zeros([2]), name="w")  # TF1 named it w_1
            return x @ w + raw

    layer = Mixed()
    for _ in range(3):
        layer(tf.ones([1, 3]))
    assert sorted(tf1compat.tf1_variables(layer)) == ["w", "w_1"]
