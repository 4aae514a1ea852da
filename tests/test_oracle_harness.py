"""The oracle harness itself: one child, cached by code hash, errors surface."""

from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import OracleError, case_key

ORACLE_CASES = {
    "harness-dense": """
def run():
    def build():
        x = tf.constant(np.ones((2, 3), np.float32))
        with tf.compat.v1.variable_scope("net"):
            y = tf.compat.v1.layers.dense(x, 4, kernel_initializer=tf.compat.v1.ones_initializer())
        return {"y": y}
    return graph_report(build)
""",
    "harness-error": "def run():\n    raise RuntimeError('boom')\n",
}


def test_reference_is_the_legacy_layer(oracle):
    ref = oracle["harness-dense"]
    assert [v[0] for v in ref["variables"]] == ["net/dense/kernel", "net/dense/bias"]
    assert ref["variables"][0][1:] == ((3, 4), "float32", True)
    np.testing.assert_allclose(ref["outputs"]["y"], np.full((2, 4), 3.0))


def test_child_errors_carry_the_traceback(oracle):
    with pytest.raises(OracleError, match="boom"):
        oracle["harness-error"]


def test_cache_key_depends_on_code():
    assert case_key("a") != case_key("b")
    assert case_key("a") == case_key("a")
