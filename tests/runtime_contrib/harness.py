"""Run one slim model three ways and compare with the genuine tf_slim 1.1.0.

A case is the source of ``model(slim)`` returning ``{name: tensor}`` (inputs are constants
made inside it). The same source runs (a) in the oracle child with ``import tf_slim as
slim`` on tf-keras, in a TF1 graph; (b) here in a TF1 graph with ``tf1compat.slim``;
(c) here inside a Keras 3 layer whose ``call`` is ``tf1compat.track_tf1_style_variables``,
eagerly and inside ``tf.function``. (b) and (c) load (a)'s initial weights by name first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from tests.runtime_layers.harness import PRELUDE, assert_close, graph_report

#: Oracle-side prelude: the genuine tf_slim, importable on tf-keras 2.21 as verify's
#: reference child imports it (tf1migrate.verify.contrib_reference.genuine_tf_slim).
GENUINE_SLIM = """
def genuine_slim():
    from tf1migrate.verify.contrib_reference import genuine_tf_slim
    return genuine_tf_slim()
"""


@dataclass(frozen=True)
class Case:
    """One slim model.

    ``updates``: also compare the variables after the update ops ran; ``forced_updates``:
    the model updates its statistics on every run (``updates_collections=None``), so the
    reference's "after" state has seen two training runs. ``deterministic_init`` compares
    initial values (seeded initializers); ``graph_only`` names why (c) does not apply.
    """

    source: str
    updates: bool = False
    forced_updates: bool = False
    deterministic_init: bool = False
    graph_only: str = ""

    def oracle_code(self) -> str:
        return (
            PRELUDE
            + GENUINE_SLIM
            + self.source
            + "\n\ndef run():\n"
            + "    slim = genuine_slim()\n"
            + f"    return graph_report(lambda: model(slim), run_update_ops={self.updates})\n"
        )


def oracle_cases(cases: Mapping[str, Case], prefix: str) -> dict[str, str]:
    return {f"{prefix}{name}": case.oracle_code() for name, case in cases.items()}


def model_function(case: Case) -> Any:
    namespace: dict[str, Any] = {"__name__": "runtime_contrib_case"}
    exec(compile(PRELUDE + case.source, "<runtime_contrib case>", "exec"), namespace)
    return namespace["model"]


def compare_graph(case: Case, reference: Mapping[str, Any], slim: Any = None) -> None:
    """(b): tf1compat.slim in a TF1 graph against the genuine tf_slim graph."""
    import tf1compat.slim

    model = model_function(case)
    slim = slim or tf1compat.slim
    ours = graph_report(
        lambda: model(slim), initial_values=reference["initial"], run_update_ops=case.updates
    )
    assert ours["variables"] == reference["variables"]
    assert ours["update_ops"] == reference["update_ops"]
    assert_close(ours["outputs"], reference["outputs"], "outputs")
    np.testing.assert_allclose(ours["reg_losses"], reference["reg_losses"], rtol=1e-6, atol=1e-6)
    if case.deterministic_init:
        assert_close(ours["initial"], reference["initial"], "initial values")
    if case.updates:
        assert_close(ours["after_update"], reference["after_update"], "variables after UPDATE_OPS")


def compare_decorated(
    case: Case, reference: Mapping[str, Any], *, in_function: bool, slim: Any = None
) -> None:
    """(c): names/shapes/trainability/order, outputs, losses, in-place statistics updates."""
    import keras
    import tf1compat
    import tf1compat.slim

    if case.graph_only:
        pytest.skip(f"TF1 graph only: {case.graph_only}")
    model = model_function(case)
    slim = slim or tf1compat.slim

    class CaseLayer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, unused_input):
            return model(slim)

    layer = CaseLayer()
    dummy = tf.zeros([1])

    def step(x: tf.Tensor) -> tuple[dict[str, tf.Tensor], list[tf.Tensor]]:
        return layer(x), list(layer.losses)

    call = tf.function(step) if in_function else step
    call(dummy)  # creates the variables (and may update statistics: reloaded below)
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
        if case.forced_updates:
            call(dummy)
        after = {name: v.numpy() for name, v in variables.items()}
        assert_close(after, reference["after_update"], "variables after the training call")
