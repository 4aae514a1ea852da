"""Same TF1 model code, three ways: a TF1 graph, tf-keras's own shim, and our decorator.

The graph and the shim run in the batched legacy oracle (a ``TF_USE_LEGACY_KERAS=1`` child);
ours runs here on Keras 3. Names, shapes, dtypes, trainability, initial values (same
initializers and seeds), outputs and regularization-loss values must agree.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import tf1compat

MODELS = {
    "nested_scopes": '''
def build(x):
    v1 = tf.compat.v1
    def dense(h, units, name):
        with v1.variable_scope(name):
            k = v1.get_variable("kernel", [h.shape[-1], units], initializer=v1.constant_initializer(
                np.linspace(-1.0, 1.0, int(h.shape[-1]) * units).reshape(int(h.shape[-1]), units)))
            b = v1.get_variable("bias", [units], initializer=v1.constant_initializer(0.1))
            return tf.tanh(tf.matmul(h, k) + b)
    with v1.variable_scope("net"):
        h = dense(x, 4, "block1")
        with v1.variable_scope("block2"):
            with v1.variable_scope(None, default_name="layer"):
                h = dense(h, 4, "inner")
            with v1.variable_scope(None, default_name="layer"):
                h = dense(h, 2, "inner")
    return h
''',
    "reuse_and_auto_reuse": '''
def build(x):
    v1 = tf.compat.v1
    def proj(h, reuse):
        with v1.variable_scope("proj", reuse=reuse):
            w = v1.get_variable("w", [3, 3], initializer=v1.constant_initializer(
                np.arange(9.0).reshape(3, 3) / 10.0))
            return tf.matmul(h, w)
    h = proj(x, reuse=False)
    h = proj(h, reuse=True)
    with v1.variable_scope("shared", reuse=v1.AUTO_REUSE):
        s = v1.get_variable("scale", [], initializer=v1.constant_initializer(1.5))
    with v1.variable_scope("shared", reuse=v1.AUTO_REUSE):
        s2 = v1.get_variable("scale", [], initializer=v1.constant_initializer(9.0))
    with v1.variable_scope("outer") as outer:
        a = v1.get_variable("a", [3], initializer=v1.ones_initializer())
    with v1.variable_scope(outer, reuse=True):
        a2 = v1.get_variable("a", [3])
    return h * s * s2 + a + a2
''',
    "scope_initializer_and_regularizers": '''
def build(x):
    v1 = tf.compat.v1
    def l2(w):
        return 0.1 * tf.reduce_sum(tf.square(w))
    with v1.variable_scope("reg", initializer=v1.constant_initializer(0.5), regularizer=l2):
        w = v1.get_variable("w", [3, 2])
        b = v1.get_variable("b", [2], initializer=v1.zeros_initializer())
        n = v1.get_variable("n", [2], regularizer=v1.no_regularizer,
                            initializer=v1.constant_initializer(2.0))
        with v1.variable_scope("sub", regularizer=lambda t: tf.reduce_sum(tf.abs(t))):
            u = v1.get_variable("u", [2], initializer=v1.constant_initializer(-3.0))
        frozen = v1.get_variable("frozen", [2], trainable=False,
                                 initializer=v1.constant_initializer(4.0))
    return tf.matmul(x, w) + b + n + u + frozen
''',
    "custom_getter_and_dtype": '''
def build(x):
    v1 = tf.compat.v1
    def doubling_getter(getter, name, *args, **kwargs):
        return getter(name, *args, **kwargs) * 2.0
    with v1.variable_scope("cg", custom_getter=doubling_getter):
        w = v1.get_variable("w", [3], initializer=v1.constant_initializer([1.0, 2.0, 3.0]))
    with v1.variable_scope("f64", dtype=tf.float64):
        d = v1.get_variable("d", [3], initializer=v1.constant_initializer(0.25))
    with v1.variable_scope("ints"):
        count = v1.get_variable("count", [], dtype=tf.int32)
    return x * w + tf.cast(d, tf.float32) + tf.cast(count, tf.float32)
''',
    "make_template": '''
_template = {}
def build(x):
    v1 = tf.compat.v1
    def affine(h):
        w = v1.get_variable("w", [3], initializer=v1.constant_initializer([0.5, -1.0, 2.0]))
        return h * w + v1.get_variable("b", [], initializer=v1.constant_initializer(0.25))
    if "t" not in _template or _template["graph"] is not tf.compat.v1.get_default_graph():
        _template["t"] = v1.make_template("affine", affine)
        _template["graph"] = tf.compat.v1.get_default_graph()
    with v1.variable_scope("model"):
        return _template["t"](_template["t"](x))
''',
    "seeded_initializers": '''
def build(x):
    v1 = tf.compat.v1
    with v1.variable_scope("init"):
        a = v1.get_variable("normal", [3, 4], initializer=v1.random_normal_initializer(seed=7))
        b = v1.get_variable("trunc", [4], initializer=v1.truncated_normal_initializer(seed=11))
        c = v1.get_variable("glorot_default", [4, 5])
    return tf.matmul(tf.matmul(x, a) + b, c)
''',
}

INPUT = np.arange(6, dtype=np.float32).reshape(2, 3) / 10.0

SHIM_REPORT = '''
import numpy as np

def shim_report(build, x, calls=2):
    """Run ``build`` under tf-keras's own decorator, eagerly, ``calls`` times."""
    class Shim(tf.keras.layers.Layer):
        @tf.compat.v1.keras.utils.track_tf1_style_variables
        def call(self, inputs):
            return build(inputs)

    tf.random.set_seed(0)
    layer = Shim()
    outputs = [np.asarray(layer(tf.constant(x))) for _ in range(calls)]
    return {
        "variables": {v.name[:-2]: (tuple(v.shape.as_list()), v.dtype.base_dtype.name,
                                    any(v is t for t in layer.trainable_weights))
                      for v in layer.weights},
        "initial": {v.name[:-2]: np.asarray(v.numpy()) for v in layer.weights},
        "outputs": outputs,
        "losses": sorted(float(loss) for loss in layer.losses),
    }
'''


def _case(model_id: str) -> str:
    return (
        MODELS[model_id] + SHIM_REPORT
        + "\nINPUT = np.arange(6, dtype=np.float32).reshape(2, 3) / 10.0\n"
        + "def run():\n"
        + "    graph = graph_report(lambda: {'out': build(tf.constant(INPUT))}, seed=0)\n"
        + "    return {'graph': graph, 'shim': shim_report(build, INPUT)}\n"
    )


ORACLE_CASES = {f"runtime-equivalence-{model_id}": _case(model_id) for model_id in MODELS}


def our_report(model_id: str, calls: int = 2) -> dict:
    import keras

    namespace = {"tf": tf, "np": np}
    exec(compile(MODELS[model_id], f"<model {model_id}>", "exec"), namespace)
    build = namespace["build"]

    class Ours(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return build(inputs)

    tf.random.set_seed(0)
    layer = Ours()
    outputs = [np.asarray(layer(tf.constant(INPUT))) for _ in range(calls)]
    trainable = {id(w) for w in layer.trainable_weights}
    views = layer._tf1compat_store.keras_views
    variables = tf1compat.tf1_variables(layer)
    return {
        "variables": {name: (tuple(v.shape.as_list()), v.dtype.base_dtype.name,
                             id(views[name]) in trainable) for name, v in variables.items()},
        "initial": {name: v.numpy() for name, v in variables.items()},
        "outputs": outputs,
        "losses": sorted(float(loss) for loss in layer.losses),
        "weights": len(layer.weights),
    }


DETERMINISTIC = [m for m in MODELS if m != "seeded_initializers"]


@pytest.mark.parametrize("model_id", list(MODELS))
def test_names_shapes_dtypes_trainability_match_graph_and_shim(oracle, model_id):
    reference = oracle[f"runtime-equivalence-{model_id}"]
    ours = our_report(model_id)
    graph_vars = {name: (shape, dtype, trainable)
                  for name, shape, dtype, trainable in reference["graph"]["variables"]}
    assert ours["variables"] == graph_vars
    assert ours["variables"] == reference["shim"]["variables"]
    assert ours["weights"] == len(graph_vars)


@pytest.mark.parametrize("model_id", DETERMINISTIC)
def test_values_outputs_and_losses_match_graph_and_shim(oracle, model_id):
    reference = oracle[f"runtime-equivalence-{model_id}"]
    ours = our_report(model_id)
    for name, value in ours["initial"].items():
        np.testing.assert_allclose(value, reference["graph"]["initial"][name], err_msg=name)
        np.testing.assert_allclose(value, reference["shim"]["initial"][name], err_msg=name)
    for output in ours["outputs"]:
        np.testing.assert_allclose(output, reference["graph"]["outputs"]["out"],
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["outputs"], reference["shim"]["outputs"], rtol=1e-5, atol=1e-6)
    assert ours["losses"] == pytest.approx(sorted(reference["graph"]["reg_losses"]))
    assert ours["losses"] == pytest.approx(reference["shim"]["losses"])


def test_seeded_initializers_match_the_shim_and_default_glorot_is_in_range(oracle):
    reference = oracle["runtime-equivalence-seeded_initializers"]
    ours = our_report("seeded_initializers")
    for name in ("init/normal", "init/trunc"):
        np.testing.assert_allclose(ours["initial"][name], reference["shim"]["initial"][name],
                                   err_msg=name)
    limit = np.sqrt(6.0 / (4 + 5))
    glorot = ours["initial"]["init/glorot_default"]
    assert np.all(np.abs(glorot) <= limit) and np.std(glorot) > 0
