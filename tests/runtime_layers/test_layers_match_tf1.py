"""tf1compat.layers against tf-keras's legacy tf.compat.v1.layers, case by case.

Every case builds the same small model (a) with the legacy layers in the oracle child, (b)
with tf1compat in a TF1 graph, (c) with tf1compat inside a decorated Keras 3 layer, and
compares variables (names, shapes, dtypes, trainability, creation order), outputs with the
oracle's weights loaded, regularization losses, and batch-norm updates.
"""

from __future__ import annotations

import pytest

from tests.runtime_layers.harness import (
    Case,
    compare_decorated,
    compare_graph,
    oracle_cases,
    tracking_available,
)

CASES: dict[str, Case] = {
    "dense-unnamed-repeated": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 5)
    a = layers.dense(x, 4)
    b = layers.dense(a, 4, activation=tf.nn.relu)
    c = layers.dense(b, 2, use_bias=False)
    return {"a": a, "b": b, "c": c}
"""
    ),
    "dense-named-reuse-and-auto-reuse": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 5)
    a = layers.dense(x, 4, name="foo")
    b = layers.dense(x, 4, name="foo", reuse=True)
    with tf.compat.v1.variable_scope("shared", reuse=tf.compat.v1.AUTO_REUSE):
        c = layers.dense(x, 3, name="bar")
        d = layers.dense(x, 3, name="bar")
    with tf.compat.v1.variable_scope("shared", reuse=True):
        e = layers.dense(x, 3, name="bar")
    f = layers.dense(x, 2, reuse=tf.compat.v1.AUTO_REUSE)  # unnamed + reuse: exact "dense"
    g = layers.dense(x, 2, reuse=tf.compat.v1.AUTO_REUSE)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}
"""
    ),
    "dense-nested-scopes-rank3": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 3, 5)
    with tf.compat.v1.variable_scope("outer"):
        with tf.compat.v1.variable_scope("inner"):
            a = layers.dense(x, 4)
        b = layers.dense(a, 2)
        with tf.compat.v1.variable_scope(None, default_name="block"):
            c = layers.dense(b, 2)
        with tf.compat.v1.variable_scope(None, default_name="block"):
            d = layers.dense(c, 2)
    return {"a": a, "b": b, "c": c, "d": d}
"""
    ),
    "dense-regularizers-counted-once": Case(
        """
def model(layers, rnn_cell):
    x = const(4, 5)
    reg = lambda w: 0.1 * tf.reduce_sum(tf.square(w))
    a = layers.dense(x, 3, kernel_regularizer=reg, bias_regularizer="l2", name="r")
    b = layers.dense(x, 3, kernel_regularizer=reg, bias_regularizer="l2", name="r", reuse=True)
    c = layers.dense(x, 2, activity_regularizer=lambda y: tf.reduce_sum(tf.abs(y)))
    with tf.compat.v1.variable_scope("scoped", regularizer=lambda w: 0.5 * tf.reduce_sum(w)):
        d = layers.dense(x, 2)
    return {"a": a, "b": b, "c": c, "d": d}
"""
    ),
    "scope-and-layer-regularizers-both-count-tf1-graph-only": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 4)
    with tf.compat.v1.variable_scope("both", regularizer=lambda w: 0.5 * tf.reduce_sum(w)):
        a = layers.dense(x, 2, kernel_regularizer=lambda w: tf.reduce_sum(tf.square(w)))
    return {"a": a}
""",
        graph_only="TF2 sums the two into one loss per variable (see test_layer_semantics)",
    ),
    "dense-trainable-false": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 5)
    a = layers.dense(x, 4, trainable=False)
    b = layers.Dense(2, trainable=False)(a)
    return {"a": a, "b": b}
"""
    ),
    "scope-initializer-kernel-not-bias": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 5)
    with tf.compat.v1.variable_scope("init", initializer=tf.compat.v1.constant_initializer(0.5)):
        a = layers.dense(x, 4)
        b = layers.conv1d(tf.reshape(x, [3, 5, 1]), 2, 3)
    return {"a": a, "b": b}
""",
        deterministic_init=True,
    ),
    "class-layers-scope-fixed-at-first-call": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 5)
    shared = layers.Dense(4, name="foo")
    with tf.compat.v1.variable_scope("m"):
        a = shared(x)
        other = layers.Dense(4, name="foo")(x)
        plain = layers.Dense(4)(x)
    b = shared(x)
    with tf.compat.v1.variable_scope("vs") as vs:
        pass
    c = layers.dense(x, 2, name=vs)
    return {"a": a, "b": b, "other": other, "plain": plain, "c": c}
"""
    ),
    "custom-layer-subclass-add-weight": Case(
        """
def model(layers, rnn_cell):
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", shape=[int(input_shape[-1])])
            self.count = self.add_weight(
                "count", shape=[], initializer=tf.compat.v1.zeros_initializer(), trainable=False)
            self.built = True

        def call(self, inputs):
            return inputs * self.w + self.count

    x = const(3, 4)
    with tf.compat.v1.name_scope("ignored_by_variables"):
        a = Scale()(x)
        b = Scale()(a)
    named = Scale(name="my_layer")
    with tf.compat.v1.variable_scope("var_scope"):
        c = named(b)
        d = Scale(name="my_layer")(c)
    e = named.apply(x)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
"""
    ),
    "float64-inputs-make-float64-weights": Case(
        """
def model(layers, rnn_cell):
    x = tf.cast(const(3, 4, 4, 2), tf.float64)
    a = layers.conv2d(x, 2, 2)
    b = layers.batch_normalization(a, training=True)
    c = layers.dense(layers.flatten(b), 3)
    d = layers.Dense(2, dtype="float64")(const(3, 5))
    out, _ = tf.compat.v1.nn.dynamic_rnn(rnn_cell.GRUCell(2), tf.stack([c, c], 1), dtype=tf.float64)
    return {"a": a, "b": b, "c": c, "d": d, "out": out}
""",
        updates=True,
    ),
    "conv1d-causal-dilated-and-same": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 9, 3)
    a = layers.conv1d(x, 4, 3, padding="causal", dilation_rate=2)
    b = layers.conv1d(a, 2, 2, strides=2, padding="same", activation=tf.nn.relu)
    c = layers.Conv1D(3, 2, data_format="channels_first")(x)
    return {"a": a, "b": b, "c": c}
"""
    ),
    "conv2d-variants": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 7, 6, 3)
    a = layers.conv2d(x, 4, 3)
    b = layers.conv2d(a, 5, (2, 3), strides=(2, 1), padding="same", activation="relu")
    c = layers.conv2d(x, 2, 3, dilation_rate=2, use_bias=False)
    return {"a": a, "b": b, "c": c}
"""
    ),
    "conv3d": Case(
        """
def model(layers, rnn_cell):
    x = const(1, 5, 4, 4, 2)
    a = layers.conv3d(x, 3, 2, padding="same")
    b = layers.conv3d(a, 2, (2, 2, 1), strides=2)
    return {"a": a, "b": b}
"""
    ),
    "separable-convs": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 6, 6, 3)
    a = layers.separable_conv2d(x, 4, 3, depth_multiplier=2, padding="same")
    b = layers.separable_conv2d(a, 2, 2, strides=2)
    s = const(2, 8, 3)
    c = layers.separable_conv1d(s, 4, 3, depth_multiplier=2)
    d = layers.separable_conv1d(c, 2, 2, padding="same", dilation_rate=2)
    return {"a": a, "b": b, "c": c, "d": d}
"""
    ),
    "transposed-convs": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 4, 5, 3)
    a = layers.conv2d_transpose(x, 4, 3, strides=2)
    b = layers.conv2d_transpose(x, 2, (2, 3), strides=(2, 1), padding="same")
    c = layers.conv2d_transpose(x, 2, 3, data_format="channels_first")
    v = const(1, 3, 3, 2, 2)
    d = layers.conv3d_transpose(v, 2, 2, strides=2)
    e = layers.conv3d_transpose(v, 3, 3, padding="same")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
"""
    ),
    "channels-first-convs-and-pools": Case(
        """
def model(layers, rnn_cell):
    cf = "channels_first"
    images = const(2, 3, 6, 5)
    volume = const(1, 2, 4, 4, 3)
    return {
        "conv2d": layers.conv2d(images, 4, 3, strides=2, padding="same", data_format=cf),
        "conv3d": layers.conv3d(volume, 2, 2, data_format=cf),
        "sep2d": layers.separable_conv2d(images, 2, 3, depth_multiplier=2, data_format=cf),
        "sep1d": layers.separable_conv1d(const(2, 3, 7), 2, 3, data_format=cf),
        "conv3d_t": layers.conv3d_transpose(volume, 2, 2, strides=2, data_format=cf),
        "max2d": layers.max_pooling2d(images, 2, 2, data_format=cf),
        "avg2d": layers.average_pooling2d(images, 3, 1, padding="same", data_format=cf),
        "avg1d": layers.average_pooling1d(const(2, 3, 8), 2, 2, data_format=cf),
    }
"""
    ),
    "pooling": Case(
        """
def model(layers, rnn_cell):
    s = const(2, 9, 3)
    x = const(2, 7, 6, 3)
    v = const(1, 4, 5, 6, 2)
    return {
        "avg1": layers.average_pooling1d(s, 2, 2),
        "max1": layers.max_pooling1d(s, 3, 2, padding="same"),
        "avg2": layers.average_pooling2d(x, 3, 2, padding="same"),
        "max2": layers.max_pooling2d(x, 2, 2),
        "avg3": layers.average_pooling3d(v, 2, 2),
        "max3": layers.max_pooling3d(v, (2, 2, 3), 1, padding="same"),
        "max1_cf": layers.MaxPooling1D(2, 1, data_format="channels_first")(s),
        "avg3_cf": layers.AveragePooling3D(2, 2, data_format="channels_first")(v),
    }
"""
    ),
    "flatten-and-dropout-inference": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 3, 4, 5)
    return {
        "flat": layers.flatten(x),
        "flat_cf": layers.Flatten(data_format="channels_first")(x),
        "drop": layers.dropout(x, rate=0.4),
        "drop_class": layers.Dropout(0.3)(x, training=False),
    }
"""
    ),
    "batch-norm-inference": Case(
        """
def model(layers, rnn_cell):
    x = const(4, 5)
    images = const(2, 3, 3, 4)
    return {
        "dense": layers.batch_normalization(x),
        "images": layers.batch_normalization(images, center=False),
        "no_scale": layers.batch_normalization(x, scale=False, epsilon=0.01),
    }
"""
    ),
    "batch-norm-training-fused-and-not": Case(
        """
def model(layers, rnn_cell):
    x = const(6, 5)
    images = const(3, 4, 4, 2)
    return {
        "dense": layers.batch_normalization(x, training=True, momentum=0.9),
        "fused": layers.batch_normalization(images, training=True),
        "unfused": layers.batch_normalization(images, training=True, fused=False),
    }
""",
        updates=True,
    ),
    "batch-norm-training-tensor-and-channels-first": Case(
        """
def model(layers, rnn_cell):
    images = const(3, 2, 4, 4)
    flag = tf.compat.v1.placeholder_with_default(True, [])
    return {
        "nchw_fused": layers.batch_normalization(images, axis=1, training=flag),
        "nchw_plain": layers.batch_normalization(images, axis=1, training=flag, fused=False),
        "tensor_true": layers.batch_normalization(const(4, 3, seed=1), training=tf.constant(True)),
    }
""",
        updates=True,
    ),
    "batch-norm-multi-axis-renorm-virtual-batch": Case(
        """
def model(layers, rnn_cell):
    x = const(4, 3, 5)
    return {
        "multi": layers.batch_normalization(x, axis=[1, 2], training=True),
        "renorm": layers.batch_normalization(
            x, training=True, renorm=True, renorm_clipping={"rmax": 2.0, "rmin": 0.5, "dmax": 1.0}
        ),
        "virtual": layers.batch_normalization(x, training=True, virtual_batch_size=2),
    }
""",
        updates=True,
    ),
    "batch-norm-trainable-false-and-reuse": Case(
        """
def model(layers, rnn_cell):
    x = const(4, 3)
    frozen = layers.batch_normalization(x, training=True, trainable=False)
    shared = layers.BatchNormalization(name="bn")
    b = shared(x * 2.0, training=False)  # inference first: TF2 updates in place, TF1 only via UPDATE_OPS
    a = shared(x, training=True)
    c = layers.batch_normalization(x, name="named", gamma_regularizer=lambda g: tf.reduce_sum(g))
    d = layers.batch_normalization(x, name="named", reuse=True, gamma_regularizer=lambda g: tf.reduce_sum(g))
    return {"frozen": frozen, "a": a, "b": b, "c": c, "d": d}
""",
        updates=True,
    ),
}

ORACLE_CASES = oracle_cases(CASES, prefix="runtime_layers/")

needs_tracking = pytest.mark.skipif(
    not tracking_available(),
    reason="tf1compat.tracking (the decorator) is not in this checkout yet",
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf1_graph_matches_legacy_layers(oracle, name):
    compare_graph(CASES[name], oracle[f"runtime_layers/{name}"])


@needs_tracking
@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decorated_keras3_layer_matches_legacy_layers(oracle, name, in_function):
    compare_decorated(CASES[name], oracle[f"runtime_layers/{name}"], in_function=in_function)
