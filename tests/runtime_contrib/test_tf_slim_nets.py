"""The nets shipped inside tf-slim 1.1.0, run from the installed package's source on
tf1compat.slim, against the genuine tf_slim building the same net in a TF1 graph.

Names, shapes, trainability and creation order must be those of the public checkpoints
(the genuine graph's); with every variable set to the same deterministic values, the
logits and every end point must agree, and so must the regularization losses.
Weights are not shipped between processes (vgg_16 has 138M parameters): both sides fill
each variable from a seed derived from its name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from tests.runtime_contrib.harness import GENUINE_SLIM
from tests.runtime_contrib.slim_redirect import load_net
from tests.runtime_layers.harness import assert_close

NET_TOLERANCE = 1e-5

v1 = tf.compat.v1

FILL = '''
import zlib
import numpy as np


def fill_value(name, shape):
    """A deterministic, well-scaled value for variable ``name``."""
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    last = name.rsplit("/", 1)[-1]
    if last in ("gamma", "moving_variance"):
        return rng.uniform(0.5, 1.5, shape).astype("float32")
    if len(shape) <= 1:
        return rng.uniform(-0.1, 0.1, shape).astype("float32")
    fan_in = int(np.prod(shape[:-1]))
    limit = np.sqrt(3.0 / fan_in)
    return rng.uniform(-limit, limit, shape).astype("float32")


def net_input(shape):
    return np.random.RandomState(0).uniform(-1, 1, shape).astype("float32")
'''

#: name -> (module, arg scope, builder source using ``net`` (the module) and ``images``)
NETS: dict[str, tuple[str, str, str, tuple[int, ...]]] = {
    "vgg_16": ("vgg", "vgg_arg_scope()", "net.vgg_16(images, num_classes=10, is_training=False)", (1, 224, 224, 3)),
    "resnet_v1_50": (
        "resnet_v1",
        "resnet_utils.resnet_arg_scope()",
        "net.resnet_v1_50(images, num_classes=10, is_training=False)",
        (1, 64, 64, 3),
    ),
    "resnet_v2_50": (
        "resnet_v2",
        "resnet_utils.resnet_arg_scope()",
        "net.resnet_v2_50(images, num_classes=10, is_training=False)",
        (1, 64, 64, 3),
    ),
    "inception_v3": (
        "inception_v3",
        "inception_v3_arg_scope()",
        "net.inception_v3(images, num_classes=10, is_training=False)",
        (1, 299, 299, 3),  # smaller inputs shrink the aux-logits kernel below the checkpoint's
    ),
    "inception_v1": (
        "inception_v1",
        "inception_v1_arg_scope()",
        "net.inception_v1(images, num_classes=10, is_training=False)",
        (1, 224, 224, 3),
    ),
    "alexnet_v2": (
        "alexnet",
        "alexnet_v2_arg_scope()",
        "net.alexnet_v2(images, num_classes=10, is_training=False)",
        (1, 224, 224, 3),
    ),
}


def _build_source(name: str) -> str:
    module, arg_scope, call, _ = NETS[name]
    owner = "resnet_utils" if arg_scope.startswith("resnet_utils.") else "net"
    return f'''
def build(net, resnet_utils, images):
    with resnet_utils.arg_scope({owner}.{arg_scope.removeprefix("resnet_utils.")}):
        logits, end_points = {call}
    return logits, end_points
'''


def _oracle_code(name: str) -> str:
    module, _, _, shape = NETS[name]
    return (
        FILL
        + GENUINE_SLIM
        + _build_source(name)
        + f'''

def run():
    genuine_slim()
    import importlib
    net = importlib.import_module("tf_slim.nets.{module}")
    resnet_utils = importlib.import_module("tf_slim.nets.resnet_utils")
    graph = tf.Graph()
    with graph.as_default():
        images = tf.constant(net_input({shape!r}))
        logits, end_points = build(net, resnet_utils, images)
        variables = tf.compat.v1.global_variables()
        trainable = {{id(v) for v in tf.compat.v1.trainable_variables()}}
        reg = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES)
        with tf.compat.v1.Session(graph=graph) as sess:
            for v in variables:
                v.load(fill_value(v.op.name, v.shape.as_list()), sess)
            outputs = sess.run({{"logits": logits, **dict(end_points)}})
            reg_values = [float(x) for x in sess.run(reg)]
        return {{
            "variables": [
                (v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, id(v) in trainable)
                for v in variables
            ],
            "outputs": outputs,
            "reg_losses": reg_values,
            "end_points": list(end_points),
        }}
'''
    )


ORACLE_CASES = {f"runtime_contrib/nets/{name}": _oracle_code(name) for name in NETS}


def _namespace(name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"tf": tf, "np": np}
    exec(compile(FILL + _build_source(name), f"<net {name}>", "exec"), namespace)
    return namespace


def _modules(name: str) -> tuple[Any, Any]:
    return load_net(NETS[name][0]), load_net("resnet_utils")


@pytest.mark.parametrize("name", sorted(NETS))
def test_tf1_graph_on_tf1compat_matches_genuine_tf_slim(oracle, name):
    reference = oracle[f"runtime_contrib/nets/{name}"]
    ns = _namespace(name)
    net, resnet_utils = _modules(name)
    graph = tf.Graph()
    with graph.as_default():
        images = tf.constant(ns["net_input"](NETS[name][3]))
        logits, end_points = ns["build"](net, resnet_utils, images)
        assert list(end_points) == reference["end_points"]
        variables = v1.global_variables()
        trainable = {id(v) for v in v1.trainable_variables()}
        described = [
            (v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, id(v) in trainable)
            for v in variables
        ]
        assert described == reference["variables"]
        reg = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        with v1.Session(graph=graph) as sess:
            for v in variables:
                v.load(ns["fill_value"](v.op.name, v.shape.as_list()), sess)
            outputs = sess.run({"logits": logits, **dict(end_points)})
            reg_values = [float(x) for x in sess.run(reg)]
    assert_close(outputs, reference["outputs"], "logits and end points")
    np.testing.assert_allclose(reg_values, reference["reg_losses"], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(NETS))
def test_decorated_keras3_layer_matches_genuine_tf_slim(oracle, name, in_function):
    import keras

    import tf1compat

    reference = oracle[f"runtime_contrib/nets/{name}"]
    ns = _namespace(name)
    net, resnet_utils = _modules(name)

    class NetLayer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, images):
            logits, end_points = ns["build"](net, resnet_utils, images)
            return {"logits": logits, **dict(end_points)}

    layer = NetLayer()
    images = tf.constant(ns["net_input"](NETS[name][3]))
    call = tf.function(layer) if in_function else layer
    call(images)
    variables = tf1compat.tf1_variables(layer)
    described = [
        (n, tuple(v.shape.as_list()), v.dtype.base_dtype.name, v.trainable)
        for n, v in variables.items()
    ]
    assert described == reference["variables"]
    for n, v in variables.items():
        v.assign(ns["fill_value"](n, v.shape.as_list()))
    outputs = call(images)
    assert list(outputs) == ["logits", *reference["end_points"]]
    # 50-100 float32 layers deep, eager kernels sum in another order than the graph's (and
    # oneDNN's order follows the thread count, so the machine's load): 1e-5, the yardstick's
    # bound, not the 1e-6 of a single op
    assert_close(
        {k: np.asarray(t) for k, t in outputs.items()}, reference["outputs"], "outputs", NET_TOLERANCE
    )
    np.testing.assert_allclose(
        sorted(float(x) for x in layer.losses), sorted(reference["reg_losses"]), rtol=1e-5, atol=1e-7
    )
