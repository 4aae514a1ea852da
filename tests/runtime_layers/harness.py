"""Run one model three ways and compare with the tf-keras oracle.

A case is the source of ``model(layers, rnn_cell)`` returning ``{name: tensor}``; its inputs
are constants made inside the model, so no feeds are needed. The same source runs

(a) in the oracle child with ``tf.compat.v1.layers`` / ``nn.rnn_cell`` (tf-keras legacy),
(b) here in a TF1 graph with ``tf1compat.layers`` / ``tf1compat.nn.rnn_cell``,
(c) here inside a Keras 3 layer whose ``call`` is ``tf1compat.track_tf1_style_variables``,
    eagerly and inside ``tf.function``.

(b) and (c) load (a)'s initial weights by name before computing outputs, so outputs can be
compared exactly (up to float32 rounding).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

v1 = tf.compat.v1

#: Shared by every case's source: deterministic constant inputs.
PRELUDE = '''
import numpy as np
import pytest
import tensorflow as tf


def const(*shape, seed=0):
    return tf.constant(np.random.RandomState(seed).standard_normal(shape).astype("float32"))

'''

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Case:
    """One model.

    ``updates`` also compares the variables after running UPDATE_OPS once;
    ``deterministic_init`` compares the initial values too; ``graph_only`` is the reason a
    TF1-graph behaviour has no TF2 equivalent (the decorated variant is then skipped).
    """

    source: str
    updates: bool = False
    deterministic_init: bool = False
    graph_only: str = ""

    def oracle_code(self) -> str:
        return (
            PRELUDE
            + self.source
            + "\n\ndef run():\n"
            + "    return graph_report(\n"
            + "        lambda: model(tf.compat.v1.layers, tf.compat.v1.nn.rnn_cell),\n"
            + f"        run_update_ops={self.updates},\n"
            + "    )\n"
        )


def oracle_cases(cases: Mapping[str, Case], prefix: str) -> dict[str, str]:
    """The ``ORACLE_CASES`` entries for ``cases`` (ids prefixed to stay unique repo-wide)."""
    return {f"{prefix}{name}": case.oracle_code() for name, case in cases.items()}


def model_function(case: Case) -> Callable[..., dict[str, Any]]:
    namespace: dict[str, Any] = {"__name__": "runtime_layers_case"}
    exec(compile(PRELUDE + case.source, "<runtime_layers case>", "exec"), namespace)
    return namespace["model"]


def tf1compat_modules() -> tuple[Any, Any]:
    import tf1compat

    return tf1compat.layers, tf1compat.nn.rnn_cell


def graph_report(
    build: Callable[[], Mapping[str, Any]],
    *,
    initial_values: Mapping[str, np.ndarray] | None = None,
    run_update_ops: bool = False,
    seed: int = 0,
) -> dict[str, Any]:
    """Mirror of the oracle's ``graph_report``, optionally loading ``initial_values`` by name.

    ``initial`` holds the values before loading (what the initializers produced).
    """
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(seed)
        fetches = dict(build() or {})
        variables = v1.global_variables()
        trainable = {id(v) for v in v1.trainable_variables()}
        reg = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        loaders = []
        if initial_values is not None:
            for variable in variables:
                value = v1.placeholder(variable.dtype.base_dtype, variable.shape)
                loaders.append((variable.op.name, value, variable.assign(value)))
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            names = [v.op.name for v in variables]
            initial = dict(zip(names, sess.run(variables)))
            for name, placeholder, assign in loaders:
                sess.run(assign, {placeholder: initial_values[name]})
            outputs = sess.run(fetches) if fetches else {}
            reg_values = [float(x) for x in sess.run(reg)]
            after = None
            if run_update_ops:
                sess.run([fetches, updates])
                after = dict(zip(names, sess.run(variables)))
    return {
        "variables": [
            (v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, id(v) in trainable)
            for v in variables
        ],
        "initial": initial,
        "outputs": {k: np.asarray(v) for k, v in outputs.items()},
        "reg_losses": reg_values,
        "update_ops": len(updates),
        "after_update": after,
    }


def assert_close(
    actual: Mapping[str, Any], expected: Mapping[str, Any], what: str, tolerance: float = TOLERANCE
) -> None:
    assert sorted(actual) == sorted(expected), f"{what}: keys differ"
    for key, value in expected.items():
        got = np.asarray(actual[key])
        expected_shape = np.shape(value)
        assert got.shape == expected_shape, f"{what}[{key}]: shape {got.shape} != {expected_shape}"
        diff = float(np.max(np.abs(got - value))) if got.size else 0.0
        assert diff <= tolerance * max(1.0, float(np.max(np.abs(value))) if got.size else 1.0), (
            f"{what}[{key}]: max abs diff {diff}"
        )


def compare_graph(case: Case, reference: Mapping[str, Any]) -> None:
    """(b): tf1compat in a TF1 graph against the oracle's report."""
    model = model_function(case)
    layers, rnn_cell = tf1compat_modules()
    ours = graph_report(
        lambda: model(layers, rnn_cell),
        initial_values=reference["initial"],
        run_update_ops=case.updates,
    )
    assert ours["variables"] == reference["variables"]
    assert ours["update_ops"] == reference["update_ops"]
    assert_close(ours["outputs"], reference["outputs"], "outputs")
    np.testing.assert_allclose(ours["reg_losses"], reference["reg_losses"], rtol=1e-6, atol=1e-6)
    if case.deterministic_init:
        assert_close(ours["initial"], reference["initial"], "initial values")
    if case.updates:
        assert_close(ours["after_update"], reference["after_update"], "variables after UPDATE_OPS")


def tracking_available() -> bool:
    return importlib.util.find_spec("tf1compat.tracking") is not None


def decorated_layer(case: Case) -> Any:
    """(c): a Keras 3 layer whose decorated ``call`` runs the case's model."""
    import keras

    import tf1compat

    model = model_function(case)
    layers, rnn_cell = tf1compat_modules()

    class CaseLayer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, unused_input):
            return model(layers, rnn_cell)

    return CaseLayer()


def compare_decorated(case: Case, reference: Mapping[str, Any], *, in_function: bool) -> None:
    """(c): names/shapes/dtypes/trainability, outputs, losses and in-place updated statistics."""
    import tf1compat

    if case.graph_only:
        pytest.skip(f"TF1 graph only: {case.graph_only}")
    layer = decorated_layer(case)
    dummy = tf.zeros([1])

    def step(x: tf.Tensor) -> tuple[dict[str, tf.Tensor], list[tf.Tensor]]:
        outputs = layer(x)
        return outputs, list(layer.losses)

    call = tf.function(step) if in_function else step
    call(dummy)  # creates the variables (and may update moving statistics: reloaded below)
    variables = tf1compat.tf1_variables(layer)
    described = [
        (name, tuple(v.shape.as_list()), v.dtype.base_dtype.name, v.trainable)
        for name, v in variables.items()
    ]
    assert described == reference["variables"]
    for name, variable in variables.items():
        variable.assign(reference["initial"][name])
    outputs, losses = call(dummy)
    assert_close({k: np.asarray(v) for k, v in outputs.items()}, reference["outputs"], "outputs")
    np.testing.assert_allclose(
        sorted(float(x) for x in losses), sorted(reference["reg_losses"]), rtol=1e-6, atol=1e-6
    )
    if case.updates:
        after = {name: v.numpy() for name, v in variables.items()}
        assert_close(after, reference["after_update"], "variables after the training call")
