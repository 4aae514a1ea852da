"""tf1compat.slim against the genuine tf_slim 1.1.0 (on tf-keras, in a TF1 graph), op by op.

Each case is built (a) by tf_slim in the oracle child, (b) by tf1compat.slim in a TF1 graph
and (c) by tf1compat.slim inside a decorated Keras 3 layer (eager and tf.function); names,
shapes, dtypes, trainability, creation order, regularization losses, outputs (with the
reference's weights copied in) and batch-norm statistics after an update must agree.
"""

from __future__ import annotations

import pytest

from tests.runtime_contrib.harness import Case, compare_decorated, compare_graph, oracle_cases

CASES: dict[str, Case] = {
    "fully-connected-defaults-and-names": Case(
        """
def model(slim):
    x = const(3, 5)
    a = slim.fully_connected(x, 4)
    b = slim.fully_connected(a, 4, activation_fn=None)
    c = slim.fully_connected(b, 2, biases_initializer=None, scope="logits")
    d = slim.fully_connected(const(2, 3, 5, seed=1), 3)   # rank 3 input
    e = slim.fully_connected(x, 4, scope="logits_1", reuse=None)
    f = slim.fully_connected(b, 2, scope="logits", reuse=True, biases_initializer=None)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
"""
    ),
    "fully-connected-regularizers-normalizer": Case(
        """
def model(slim):
    x = const(4, 5)
    a = slim.fully_connected(x, 4, weights_regularizer=slim.l2_regularizer(0.1),
                             biases_regularizer=slim.l1_regularizer(0.2),
                             biases_initializer=tf.compat.v1.constant_initializer(0.5))
    b = slim.fully_connected(a, 3, normalizer_fn=slim.batch_norm,
                             normalizer_params={"scale": True, "is_training": False})
    c = slim.linear(b, 2)
    d = slim.relu6(b, 2)
    return {"a": a, "b": b, "c": c, "d": d}
"""
    ),
    "conv2d-default-names-strides-rates": Case(
        """
def model(slim):
    x = const(2, 9, 9, 3)
    a = slim.conv2d(x, 4, [3, 3])
    b = slim.conv2d(a, 4, 3, stride=2, padding="VALID")
    c = slim.convolution2d(a, 2, [3, 3], rate=2, activation_fn=None)
    d = slim.conv2d(a, 2, [1, 1], weights_regularizer=slim.l2_regularizer(0.05),
                    biases_initializer=None, scope="proj")
    e = slim.conv2d(a, 2, [3, 1], normalizer_fn=slim.batch_norm)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
"""
    ),
    "conv1d-conv3d-in-plane": Case(
        """
def model(slim):
    a = slim.conv1d(const(2, 7, 3), 4, 3)
    b = slim.convolution(const(2, 4, 5, 5, 2, seed=1), 3, [2, 2, 2])
    c = slim.conv2d_in_plane(const(2, 6, 6, 3, seed=2), [3, 3], stride=2)
    return {"a": a, "b": b, "c": c}
"""
    ),
    "conv2d-transpose": Case(
        """
def model(slim):
    x = const(2, 5, 5, 3)
    a = slim.conv2d_transpose(x, 4, [3, 3], stride=2)
    b = slim.conv2d_transpose(a, 2, 2, stride=1, padding="VALID", activation_fn=None)
    c = slim.convolution2d_transpose(x, 2, [4, 4], stride=2,
                                     weights_regularizer=slim.l2_regularizer(0.3))
    return {"a": a, "b": b, "c": c}
"""
    ),
    "separable-conv2d": Case(
        """
def model(slim):
    x = const(2, 8, 8, 3)
    a = slim.separable_conv2d(x, 4, [3, 3], depth_multiplier=2)
    b = slim.separable_conv2d(a, None, [3, 3], depth_multiplier=1, stride=2)
    c = slim.separable_convolution2d(a, 5, 3, rate=2, weights_regularizer=slim.l2_regularizer(0.1))
    d = slim.separable_conv2d(a, None, 3, normalizer_fn=slim.batch_norm, scope="dw")
    return {"a": a, "b": b, "c": c, "d": d}
"""
    ),
    "pooling-flatten-dropout-softmax": Case(
        """
def model(slim):
    x = const(2, 9, 9, 3)
    a = slim.max_pool2d(x, [3, 3])
    b = slim.avg_pool2d(x, 2, stride=1, padding="SAME")
    c = slim.max_pool2d(x, [2, 2], stride=[2, 1], scope="pool")
    d = slim.flatten(a)
    e = slim.dropout(d, 0.7, is_training=False)
    f = slim.softmax(const(2, 3, 4, seed=1))
    g = slim.dropout(d, 1.0)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}
"""
    ),
    "bias-add-one-hot-unit-norm-maxout": Case(
        """
def model(slim):
    a = slim.bias_add(const(2, 4, 4, 3), initializer=tf.compat.v1.constant_initializer(0.3))
    b = slim.bias_add(const(3, 5, seed=1), activation_fn=tf.nn.relu,
                      regularizer=slim.l2_regularizer(0.2))
    c = slim.one_hot_encoding(tf.constant([0, 2, 1]), 4)
    d = slim.unit_norm(const(3, 4, seed=2), 1)
    e = slim.maxout(const(3, 6, seed=3), 2)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
"""
    ),
    "batch-norm-default-rank4-training": Case(
        """
def model(slim):
    x = const(4, 3, 3, 2)
    a = slim.batch_norm(x)
    b = slim.batch_norm(x, scale=True, decay=0.9, epsilon=1e-5, scope="bn")
    c = slim.batch_norm(x, fused=False, center=False, scale=True,
                        param_regularizers={"gamma": slim.l2_regularizer(0.1)})
    return {"a": a, "b": b, "c": c}
""",
        updates=True,
    ),
    "batch-norm-rank2-fused-own-path": Case(
        """
def model(slim):
    x = const(6, 3)
    a = slim.batch_norm(x, decay=0.5)
    b = slim.batch_norm(x, scale=True, center=False, is_training=False)
    return {"a": a, "b": b}
""",
        updates=True,
    ),
    "batch-norm-rank3-and-custom-collection": Case(
        """
def model(slim):
    x = const(4, 3, 2)
    a = slim.batch_norm(x, decay=0.8)
    # a list is not UPDATE_OPS itself: slim's own (fused / moments) code runs
    updates = [tf.compat.v1.GraphKeys.UPDATE_OPS]
    b = slim.batch_norm(const(4, 2, 2, 3, seed=1), updates_collections=updates, decay=0.7)
    c = slim.batch_norm(x, fused=False, updates_collections=updates, decay=0.6,
                        zero_debias_moving_mean=False)
    return {"a": a, "b": b, "c": c}
""",
        updates=True,
    ),
    "batch-norm-updates-collections-none": Case(
        """
def model(slim):
    x = const(4, 3, 3, 2)
    a = slim.batch_norm(x, updates_collections=None, decay=0.9)
    b = slim.batch_norm(x, updates_collections=None, fused=False, decay=0.8, scale=True)
    c = slim.batch_norm(const(5, 3, seed=1), updates_collections=None, decay=0.7)
    return {"a": a, "b": b, "c": c}
""",
        updates=True,
        forced_updates=True,
    ),
    "batch-norm-runtime-is-training": Case(
        """
def model(slim):
    x = const(4, 3, 3, 2)
    training = tf.less(tf.reduce_sum(x), 1e9)   # true, but only known at run time
    a = slim.batch_norm(x, is_training=training, decay=0.9)
    b = slim.batch_norm(x, is_training=training, fused=False, decay=0.8, scale=True)
    c = slim.batch_norm(x, is_training=tf.constant(False))
    return {"a": a, "b": b, "c": c}
""",
        updates=True,
    ),
    "batch-norm-frozen": Case(
        """
def model(slim):
    x = const(4, 3, 3, 2)
    a = slim.batch_norm(x, trainable=False, scale=True)
    b = slim.batch_norm(x, is_training=False, activation_fn=tf.nn.relu)
    return {"a": a, "b": b}
""",
        updates=True,
    ),
    "batch-norm-param-initializers-zero-debias": Case(
        """
def model(slim):
    x = const(4, 3, 3, 2)
    init = {"beta": tf.compat.v1.constant_initializer(0.1),
            "gamma": tf.compat.v1.constant_initializer(1.5),
            "moving_mean": tf.compat.v1.constant_initializer(0.2),
            "moving_variance": tf.compat.v1.constant_initializer(2.0)}
    a = slim.batch_norm(x, scale=True, param_initializers=init, is_training=False)
    b = slim.batch_norm(x, scale=True, param_initializers=init, decay=0.9)
    c = slim.batch_norm(x, fused=False, zero_debias_moving_mean=True, decay=0.8)
    return {"a": a, "b": b, "c": c}
""",
        updates=True,
        deterministic_init=True,
    ),
    "batch-norm-batch-weights": Case(
        """
def model(slim):
    x = const(5, 3)
    weights = tf.constant([0.1, 0.5, 1.0, 2.0, 0.0])
    a = slim.batch_norm(x, batch_weights=weights, decay=0.9)
    b = slim.batch_norm(const(5, 2, 2, 3, seed=1), batch_weights=weights, decay=0.7, scale=True)
    return {"a": a, "b": b}
""",
        updates=True,
    ),
    "batch-norm-renorm": Case(
        """
def model(slim):
    x = const(6, 2, 2, 3)
    a = slim.batch_norm(x, renorm=True, renorm_decay=0.9, decay=0.9, scale=True)
    b = slim.batch_norm(x, renorm=True, fused=False,
                        renorm_clipping={"rmax": 1.5, "rmin": 0.5, "dmax": 0.3})
    return {"a": a, "b": b}
""",
        updates=True,
    ),
    "batch-norm-nchw": Case(
        """
def model(slim):
    x = const(4, 3, 2, 2)   # NCHW: 3 channels
    a = slim.batch_norm(x, data_format="NCHW", scale=True, decay=0.9)
    b = slim.batch_norm(x, data_format="NCHW", fused=False, decay=0.8)
    c = slim.batch_norm(x, data_format="NCHW", is_training=False)
    return {"a": a, "b": b, "c": c}
""",
        updates=True,
    ),
    "conv-pool-nchw-3d-and-activations": Case(
        """
def model(slim):
    x = const(2, 3, 6, 6)   # NCHW
    a = slim.conv2d(x, 4, [3, 3], data_format="NCHW")
    b = slim.max_pool2d(a, [2, 2], data_format="NCHW")
    c = slim.avg_pool2d(x, [3, 3], stride=1, padding="SAME", data_format="NCHW")
    v = const(2, 4, 4, 4, 2, seed=1)
    d = slim.conv3d_transpose(v, 3, [2, 2, 2], stride=2)
    e = slim.max_pool3d(v, [2, 2, 2])
    f = slim.avg_pool3d(v, [2, 2, 2], stride=1, padding="SAME")
    g = slim.elu(const(3, 4, seed=2), 5)
    h = slim.relu(const(3, 4, seed=3), 2, scope="r")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}
"""
    ),
    "zero-regularizers-and-one-hot-values": Case(
        """
def model(slim):
    x = const(3, 4)
    a = slim.fully_connected(x, 2, weights_regularizer=slim.l2_regularizer(0.0),
                             biases_regularizer=slim.l1_l2_regularizer(0.0, 0.0))
    b = slim.conv2d(const(1, 4, 4, 2, seed=1), 2, [1, 1],
                    weights_regularizer=slim.l1_regularizer(0.0))
    c = slim.one_hot_encoding(tf.constant([[0, 3], [2, 1]]), 4, on_value=2.0, off_value=-1.0)
    d = slim.fully_connected(x, 3, weights_regularizer=slim.sum_regularizer(
        [slim.l1_regularizer(0.1), slim.l2_regularizer(0.0)]))
    return {"a": a, "b": b, "c": c, "d": d}
"""
    ),
    "layer-norm-axes": Case(
        """
def model(slim):
    x = const(2, 3, 4, 5)
    a = slim.layer_norm(x)
    b = slim.layer_norm(x, begin_norm_axis=-1, begin_params_axis=-1, scope="ln")
    c = slim.layer_norm(x, begin_norm_axis=2, begin_params_axis=2, center=False)
    d = slim.layer_norm(x, begin_norm_axis=1, begin_params_axis=1, activation_fn=tf.nn.relu)
    with tf.compat.v1.variable_scope("attention"):
        e = slim.layer_norm(const(3, 6, seed=1), scale=False, trainable=False)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
"""
    ),
    "arg-scope-nesting-and-reuse": Case(
        """
def model(slim):
    x = const(2, 8, 8, 3)
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_regularizer=slim.l2_regularizer(0.1), activation_fn=None):
        with slim.arg_scope([slim.conv2d], padding="VALID", stride=2) as inner:
            a = slim.conv2d(x, 4, [3, 3])
            b = slim.conv2d(x, 4, [3, 3], padding="SAME")          # explicit wins
        c = slim.conv2d(x, 2, [3, 3])                              # outer only: SAME, stride 1
        d = slim.fully_connected(slim.flatten(c), 3)
    with slim.arg_scope(inner):                                    # re-entered as a whole
        e = slim.conv2d(x, 2, [3, 3])
    with slim.arg_scope([slim.batch_norm], scale=True, decay=0.5):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm):
            f = slim.conv2d(x, 2, [1, 1])
    with slim.arg_scope([slim.dropout], is_training=False), \\
            slim.arg_scope([slim.max_pool2d], kernel_size=[2, 2], padding="SAME"):
        g = slim.dropout(slim.max_pool2d(x))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}
"""
    ),
    "repeat-stack-naming": Case(
        """
def model(slim):
    x = const(2, 6, 6, 3)
    a = slim.repeat(x, 2, slim.conv2d, 4, [3, 3], scope="conv1")
    b = slim.repeat(a, 2, slim.conv2d, 4, [3, 3])                 # Repeat/convolution2d_N
    c = slim.stack(slim.flatten(b), slim.fully_connected, [8, 4], scope="fc")
    d = slim.stack(b, slim.conv2d, [(4, [3, 3]), (2, [1, 1])], scope="convs")
    e = slim.stack(slim.flatten(b), slim.fully_connected, [5, 3])  # Stack/fully_connected_N
    with tf.compat.v1.variable_scope("block"):
        f = slim.repeat(d, 3, slim.conv2d, 2, [1, 1], scope="conv")
    g = slim.repeat(d, 2, slim.conv2d, 2, [1, 1])
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}
"""
    ),
    "variables-helpers": Case(
        """
def model(slim):
    w = slim.model_variable("weights", shape=[3, 2],
                            initializer=tf.compat.v1.constant_initializer(0.25),
                            regularizer=slim.l2_regularizer(0.5))
    with tf.compat.v1.variable_scope("extra"):
        v = slim.variable("v", shape=[2], initializer=tf.compat.v1.ones_initializer(),
                          trainable=False)
        m = slim.model_variable("weights", shape=[2])
    x = const(4, 3)
    y = tf.matmul(x, w) + v + m
    count = lambda vs: tf.constant(len(vs))
    return {
        "y": y,
        "by_name": count(slim.get_variables_by_name("weights")),
        "by_suffix": count(slim.get_variables_by_suffix("v")),
        "in_scope": count(slim.get_variables("extra")),
        "trainable": count(slim.get_trainable_variables()),
        "unique": slim.get_unique_variable("extra/v") + 0.0,
    }
"""
    ),
    "regularizers-and-apply-regularization": Case(
        """
def model(slim):
    w = tf.compat.v1.get_variable("w", [3, 4], initializer=tf.compat.v1.constant_initializer(-0.5))
    u = tf.compat.v1.get_variable("u", [2], initializer=tf.compat.v1.constant_initializer(2.0))
    total = slim.apply_regularization(slim.l1_l2_regularizer(0.1, 0.2), [w, u])
    return {
        "l1": slim.l1_regularizer(0.3)(w),
        "l2": slim.l2_regularizer(0.3)(w),
        "l1_l2": slim.l1_l2_regularizer(0.1, 0.2)(u),
        "only_l2": slim.l1_l2_regularizer(0.0, 0.2)(u),
        "sum": slim.sum_regularizer([slim.l1_regularizer(0.1), slim.l2_regularizer(0.2)])(w),
        "total": total,
    }
"""
    ),
    "initializers-seeded": Case(
        """
def model(slim):
    shape = [3, 3, 4, 8]
    return {
        "xavier": slim.xavier_initializer(seed=3)(shape),
        "xavier_normal": slim.xavier_initializer(uniform=False, seed=4)([5, 7]),
        "xavier_conv2d": slim.xavier_initializer_conv2d(seed=5)(shape),
        "he": slim.variance_scaling_initializer(seed=6)(shape),
        "fan_out_uniform": slim.variance_scaling_initializer(
            factor=1.5, mode="FAN_OUT", uniform=True, seed=7)(shape),
        "fan_avg_1d": slim.variance_scaling_initializer(mode="FAN_AVG", seed=8)([6]),
    }
""",
        graph_only="op-seeded random draws are compared in graphs",
    ),
    "initializer-defaults-in-variables": Case(
        """
def model(slim):
    tf.compat.v1.set_random_seed(11)
    a = slim.fully_connected(const(2, 20), 30, weights_initializer=slim.xavier_initializer(seed=1))
    b = slim.conv2d(const(1, 4, 4, 8, seed=1), 16, 3,
                    weights_initializer=slim.variance_scaling_initializer(seed=2))
    return {"a": a, "b": b}
""",
        deterministic_init=True,
    ),
}

ORACLE_CASES = oracle_cases(CASES, "runtime_contrib/slim/")


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf1_graph_matches_tf_slim(oracle, name):
    compare_graph(CASES[name], oracle[f"runtime_contrib/slim/{name}"])


@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decorated_keras3_layer_matches_tf_slim(oracle, name, in_function):
    compare_decorated(CASES[name], oracle[f"runtime_contrib/slim/{name}"], in_function=in_function)
