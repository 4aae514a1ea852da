"""Raw ``tf.Variable`` models against a real TF1 graph (issue 14).

Each model below is TF1 code that makes weights with ``tf.Variable`` (alone, or mixed with
``get_variable``). The oracle child builds it once in a TF1 graph, runs it, and saves a
``tf.compat.v1.train.Saver`` checkpoint. Here the same code runs inside a decorated Keras 3
layer and ``tf.Module``: the variables must have the graph's names, in the graph's creation
order, with its shapes, dtypes and trainable flags, on every call, trace, instance and
thread; and after loading the Saver checkpoint the outputs must be the graph's.

The GCN-style and text-CNN-style models are our own code following those repositories'
patterns (a ``glorot(shape, name)`` helper making ``tf.Variable`` under a per-layer
``variable_scope``; ``embedding/W``, ``conv-maxpool-<k>/W,b``, a ``get_variable`` and a
``tf.Variable`` under ``name_scope("output")``).
"""

from __future__ import annotations

import threading
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat

v1 = tf.compat.v1

MODELS = {
    # Every uniquification rule of the TF1 graph that raw variables meet.
    "collisions": """
INPUTS = np.arange(6, dtype=np.float32).reshape(2, 3) / 10.0

def build(x):
    v1 = tf.compat.v1
    total = []
    total.append(tf.Variable(1.0))                           # Variable
    total.append(v1.Variable(2.0, name="Variable_1"))        # taken explicitly
    total.append(tf.Variable(3.0))                           # -> Variable_2
    total.append(tf.Variable(4.0, name="w"))
    total.append(tf.Variable(5.0, name="W"))                 # case-insensitive: W_1
    with tf.name_scope("blk") as blk:
        total.append(tf.Variable(tf.ones([3]), name="v"))
        total.append(tf.Variable(tf.ones([3]) * 2.0, name="v"))   # v_1
    with tf.name_scope("blk"):                               # re-entered: blk_1/
        total.append(tf.Variable(tf.ones([3]) * 3.0, name="v"))
    with tf.name_scope(blk):                                 # absolute: blk/ again
        total.append(tf.Variable(tf.ones([3]) * 4.0, name="v"))   # blk/v_2
    total.append(tf.Variable(6.0, name="shared"))
    with tf.name_scope("shared"):                            # scope after a variable: shared_1
        total.append(tf.Variable(7.0, name="x"))
    with tf.name_scope("outer"), tf.name_scope("inner"):
        total.append(tf.Variable(8.0, name="z"))
    with tf.name_scope("deep"), v1.name_scope(None):        # reset to the root
        total.append(tf.Variable(9.0, name="top"))
    with v1.variable_scope("vs") as vs:
        g = v1.get_variable("w", [3], initializer=v1.constant_initializer(0.5))
        total.append(tf.Variable(tf.zeros([3]) + 0.25, name="w"))  # vs/w_1 (get_variable took vs/w)
    with v1.variable_scope("vs", reuse=True):                # name scope vs_1/, var scope vs
        g2 = v1.get_variable("w", [3])
        total.append(tf.Variable(10.0, name="t"))
    with v1.variable_scope(vs):                              # scope object: name scope vs_2/
        total.append(tf.Variable(11.0, name="t"))
    for _ in range(2):
        with v1.variable_scope(None, default_name="layer"):  # layer/, layer_1/
            total.append(tf.Variable(12.0, name="k"))
    with v1.variable_scope("aux", auxiliary_name_scope=False):
        total.append(tf.Variable(13.0, name="aux_v"))       # no name scope: aux_v
        a = v1.get_variable("a", [], initializer=v1.constant_initializer(1.5))   # aux/a
    with tf.name_scope("raw"):
        total.append(tf.Variable(14.0, name="w"))           # raw/w
    with v1.variable_scope("raw"):                           # name scope raw_1/
        total.append(v1.get_variable("w", [], initializer=v1.constant_initializer(15.0)))
    with v1.variable_scope("raw", reuse=True):               # found by get_variable as raw/w ...
        total.append(v1.get_variable("w", []))               # ... though the graph says raw/w_1
    with tf.name_scope("gv"):
        pass
    total.append(v1.get_variable("gv", [], initializer=v1.constant_initializer(16.0)))  # gv_1
    total.append(v1.Variable(tf.zeros([], tf.int32), name="step", trainable=False))
    total.append(tf.Variable(tf.ones([3]), name="frozen", trainable=False))
    s = tf.add_n([tf.reduce_sum(tf.cast(t, tf.float32)) for t in total])
    return tf.matmul(x, tf.reshape(g + g2, [3, 1])) * a + s
""",
    # Kipf-style GCN: variables made in layer constructors by init helpers.
    "gcn": """
INPUTS = (np.arange(20, dtype=np.float32).reshape(5, 4) % 3.0) / 3.0
_ADJ = np.eye(5, dtype=np.float32) + np.eye(5, k=1, dtype=np.float32) + np.eye(5, k=-1, dtype=np.float32)
_ADJ = _ADJ / _ADJ.sum(1, keepdims=True)

def glorot(shape, name=None):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return tf.Variable(tf.random.uniform(shape, -limit, limit, dtype=tf.float32), name=name)

def zeros(shape, name=None):
    return tf.Variable(tf.zeros(shape, dtype=tf.float32), name=name)

class GraphConv:
    def __init__(self, name, input_dim, output_dim, supports=1, bias=True, act=tf.nn.relu):
        self.vars, self.act, self.supports = {}, act, supports
        with tf.compat.v1.variable_scope(name + "_vars"):
            for i in range(supports):
                self.vars["weights_%d" % i] = glorot([input_dim, output_dim], name="weights_%d" % i)
            if bias:
                self.vars["bias"] = zeros([output_dim], name="bias")

    def __call__(self, x, support):
        out = tf.add_n([tf.sparse.sparse_dense_matmul(support, tf.matmul(x, self.vars["weights_%d" % i]))
                        for i in range(self.supports)])
        if "bias" in self.vars:
            out += self.vars["bias"]
        return self.act(out)

def build(x):
    rows, cols = np.nonzero(_ADJ)
    support = tf.SparseTensor(np.stack([rows, cols], 1).astype(np.int64), _ADJ[rows, cols], [5, 5])
    with tf.compat.v1.variable_scope("gcn"):
        hidden = GraphConv("graphconv_1", 4, 6, supports=2)
        logits = GraphConv("graphconv_2", 6, 3, bias=False, act=tf.identity)
        return logits(hidden(x, support), support)
""",
    # Tutorial text CNN: embedding, one conv-maxpool block per filter size, output layer.
    "text_cnn": """
INPUTS = (np.arange(14, dtype=np.int32).reshape(2, 7) * 3) % 11
FILTER_SIZES, NUM_FILTERS, SEQ, VOCAB, EMB, CLASSES = (2, 3), 3, 7, 11, 4, 2

def build(x):
    v1 = tf.compat.v1
    global_step = tf.Variable(0, name="global_step", trainable=False)
    with tf.device("/cpu:0"), tf.name_scope("embedding"):
        W = tf.Variable(tf.random.uniform([VOCAB, EMB], -1.0, 1.0), name="W")
        embedded = tf.expand_dims(tf.nn.embedding_lookup(W, x), -1)
    pooled = []
    for filter_size in FILTER_SIZES:
        with tf.name_scope("conv-maxpool-%s" % filter_size):
            W = tf.Variable(tf.random.truncated_normal([filter_size, EMB, 1, NUM_FILTERS], stddev=0.1), name="W")
            b = tf.Variable(tf.constant(0.1, shape=[NUM_FILTERS]), name="b")
            conv = tf.nn.conv2d(embedded, W, strides=[1, 1, 1, 1], padding="VALID", name="conv")
            h = tf.nn.relu(tf.nn.bias_add(conv, b), name="relu")
            pooled.append(tf.nn.max_pool2d(h, ksize=[1, SEQ - filter_size + 1, 1, 1],
                                           strides=[1, 1, 1, 1], padding="VALID", name="pool"))
    flat = tf.reshape(tf.concat(pooled, 3), [-1, NUM_FILTERS * len(FILTER_SIZES)])
    with tf.name_scope("dropout"):
        drop = tf.nn.dropout(flat, rate=0.0)
    with tf.name_scope("output"):
        W = v1.get_variable("W", shape=[NUM_FILTERS * len(FILTER_SIZES), CLASSES],
                            initializer=v1.glorot_uniform_initializer())
        b = tf.Variable(tf.constant(0.1, shape=[CLASSES]), name="b")
        scores = tf.compat.v1.nn.xw_plus_b(drop, W, b, name="scores")
    return scores + tf.cast(global_step, tf.float32)
""",
}

HARNESS = """
import os, tempfile

def saver_report(build):
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(0)
        out = build(tf.constant(INPUTS))
        variables = v1.global_variables()
        trainable = {id(v) for v in v1.trainable_variables()}
        directory = tempfile.mkdtemp()
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            output = sess.run(out)
            v1.train.Saver().save(sess, os.path.join(directory, "model.ckpt"))
    files = {name: open(os.path.join(directory, name), "rb").read()
             for name in os.listdir(directory) if name.startswith("model.ckpt")}
    return {
        "variables": [(v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name,
                       id(v) in trainable) for v in variables],
        "output": output,
        "files": files,
    }

def run():
    return saver_report(build)
"""

ORACLE_CASES = {f"raw-variables-{model_id}": MODELS[model_id] + HARNESS for model_id in MODELS}


def _load(model_id: str) -> dict:
    namespace: dict = {"tf": tf, "np": np}
    exec(compile(MODELS[model_id], f"<raw model {model_id}>", "exec"), namespace)
    return namespace


def _layer_class(build):
    class RawLayer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return build(inputs)

    return RawLayer


def _module_class(build):
    class RawModule(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, inputs):
            return build(inputs)

    return RawModule


def _signature(obj) -> list[tuple]:
    """(name, shape, dtype, trainable) of every tracked variable, in creation order."""
    return [
        (name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, bool(v.trainable))
        for name, v in tf1compat.tf1_variables(obj).items()
    ]


def _write_checkpoint(reference: dict, directory: Path) -> Path:
    for name, data in reference["files"].items():
        (directory / name).write_bytes(data)
    return directory / "model.ckpt"


@pytest.mark.parametrize("model_id", list(MODELS))
@pytest.mark.parametrize("kind", ["layer", "module"])
def test_names_shapes_order_trainable_match_the_tf1_graph(oracle, model_id, kind):
    reference = oracle[f"raw-variables-{model_id}"]["variables"]
    namespace = _load(model_id)
    cls = (_layer_class if kind == "layer" else _module_class)(namespace["build"])
    obj = cls()
    obj(tf.constant(namespace["INPUTS"]))
    assert _signature(obj) == reference
    obj(tf.constant(namespace["INPUTS"]))  # a second call creates nothing and renames nothing
    assert _signature(obj) == reference
    if kind == "layer":
        assert len(obj.weights) == len(reference)
        assert len(obj.trainable_weights) == sum(1 for *_, trainable in reference if trainable)
    else:
        assert len(obj.variables) == len(reference)
        assert len(obj.trainable_variables) == sum(1 for *_, t in reference if t)


@pytest.mark.parametrize("model_id", list(MODELS))
def test_outputs_after_loading_the_tf1_saver_checkpoint(oracle, model_id, tmp_path):
    reference = oracle[f"raw-variables-{model_id}"]
    namespace = _load(model_id)
    layer = _layer_class(namespace["build"])()
    inputs = tf.constant(namespace["INPUTS"])
    layer(inputs)
    report = tf1compat.load_tf1_checkpoint(layer, _write_checkpoint(reference, tmp_path))
    assert report.loaded == [name for name, *_ in reference["variables"]]
    assert report.unexpected == []
    np.testing.assert_allclose(layer(inputs), reference["output"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        tf.function(layer)(inputs), reference["output"], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("model_id", ["gcn", "text_cnn"])
def test_first_call_in_tf_function_then_checkpoint(oracle, model_id, tmp_path):
    reference = oracle[f"raw-variables-{model_id}"]
    namespace = _load(model_id)
    module = _module_class(namespace["build"])()
    step = tf.function(module)
    inputs = tf.constant(namespace["INPUTS"])
    step(inputs)
    step(inputs)
    assert _signature(module) == reference["variables"]
    tf1compat.load_tf1_checkpoint(module, _write_checkpoint(reference, tmp_path))
    np.testing.assert_allclose(step(inputs), reference["output"], rtol=1e-5, atol=1e-6)


def test_two_instances_and_threads_keep_the_graph_names(oracle, tmp_path):
    reference = oracle["raw-variables-text_cnn"]
    namespace = _load("text_cnn")
    cls = _layer_class(namespace["build"])
    inputs = tf.constant(namespace["INPUTS"])
    one, two = cls(), cls()
    errors: list[BaseException] = []

    def work(layer):
        try:
            for _ in range(3):
                layer(inputs)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(layer,)) for layer in (one, two, one, two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _signature(one) == _signature(two) == reference["variables"]
    shared = set(map(id, tf1compat.tf1_variables(one).values()))
    assert shared.isdisjoint(map(id, tf1compat.tf1_variables(two).values()))
    prefix = _write_checkpoint(reference, tmp_path)
    tf1compat.load_tf1_checkpoint(two, prefix)
    np.testing.assert_allclose(two(inputs), reference["output"], rtol=1e-5, atol=1e-6)


def test_our_checkpoint_of_a_raw_model_restores_in_the_tf1_graph(oracle, tmp_path):
    """save_tf1_checkpoint writes the graph's names: a TF1 Saver restores every variable."""
    namespace = _load("gcn")
    layer = _layer_class(namespace["build"])()
    inputs = tf.constant(namespace["INPUTS"])
    expected = layer(inputs).numpy()
    prefix = tf1compat.save_tf1_checkpoint(layer, tmp_path / "ours.ckpt")
    graph = tf.Graph()
    with graph.as_default():
        out = namespace["build"](tf.constant(namespace["INPUTS"]))
        with v1.Session(graph=graph) as sess:
            v1.train.Saver().restore(sess, prefix)
            np.testing.assert_allclose(sess.run(out), expected, rtol=1e-5, atol=1e-6)
