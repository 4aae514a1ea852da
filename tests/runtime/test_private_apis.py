"""Every private TF/Keras API the runtime uses exists in this TensorFlow/Keras (see _private)."""

from __future__ import annotations

import keras
import pytest
from tensorflow.python.framework import ops
from tensorflow.python.ops import variable_scope

from tf1compat import _private


@pytest.mark.parametrize(
    "name",
    ["_VARSTORE_KEY", "_VariableStore", "get_variable_scope_store", "_get_default_variable_store"],
)
def test_tensorflow_variable_scope_internals(name):
    assert hasattr(variable_scope, name)


def test_scope_store_keeps_counts_in_variable_scopes_count():
    assert isinstance(variable_scope.get_variable_scope_store().variable_scopes_count, dict)


def test_variable_store_lives_in_a_graph_collection():
    with ops.Graph().as_default() as graph:
        store = variable_scope._get_default_variable_store()
        assert graph.get_collection(variable_scope._VARSTORE_KEY) == [store]


def test_keras_layer_tracker_and_tracking_methods():
    layer = keras.layers.Layer()
    for name in ("locked", "lock", "unlock", "track"):
        assert hasattr(layer._tracker, name)
    assert callable(layer._track_variable) and callable(layer._track_trackable)


def test_keras_stateless_scope_is_a_global_state_attribute():
    from keras.src.backend.common import global_state
    from keras.src.backend.common.stateless_scope import StatelessScope

    with StatelessScope():
        assert global_state.get_global_attribute("stateless_scope") is not None
        with _private.outside_stateless_scope():
            assert global_state.get_global_attribute("stateless_scope") is None
        assert global_state.get_global_attribute("stateless_scope") is not None


def test_a_missing_private_api_fails_loudly():
    with pytest.raises(_private.PrivateApiMissing, match="module.attr_that_moved"):
        _private._require(object(), "attr_that_moved", "module")


def test_unlocking_restores_the_lock():
    layer = keras.layers.Dense(1)
    layer.build((None, 2))
    assert layer._tracker.locked
    with _private.keras_state_unlocked(layer):
        assert not layer._tracker.locked
    assert layer._tracker.locked


def test_keras_variable_wraps_a_tf_variable_as_is():
    import tensorflow as tf

    raw = tf.Variable([1.0, 2.0], name="probe/raw")
    view = keras.Variable(initializer=raw, name="probe__raw")
    assert _private.keras_view_wraps(view, raw)


def test_layer_nesting_and_own_variable_accessors():
    inner = keras.layers.Dense(2)
    outer = keras.Sequential([keras.Input((3,)), inner])
    assert inner in _private.keras_sublayers(outer)
    assert [v.path for v in _private.keras_own_variables(inner)] == [w.path for w in inner.weights]


def test_tf_store_forwards_partitioned_variables():
    import tensorflow as tf

    with tf.Graph().as_default():
        store = variable_scope._VariableStore()
        partitioned = _private.tf_store_get_partitioned_variable(
            store,
            "p",
            shape=[4, 2],
            dtype=tf.float32,
            partitioner=tf.compat.v1.fixed_size_partitioner(2),
        )
        assert len(list(partitioned)) == 2


def test_a_missing_private_api_is_a_failure_not_a_skip():
    # pytest.importorskip and `except ImportError` fallbacks would swallow an ImportError.
    assert not issubclass(_private.PrivateApiMissing, ImportError)
    with pytest.raises(_private.PrivateApiMissing) as caught:
        _private._require(ops, "name_scope_that_moved", "tensorflow.python.framework.ops")
    assert "tensorflow.python.framework.ops.name_scope_that_moved" in str(caught.value)


@pytest.mark.parametrize("name", ["name_scope", "name_scope_v2", "internal_name_scope_v1"])
def test_name_scope_entry_points_exist(name):
    assert hasattr(ops, name)


def test_name_scopes_are_observed_in_eager_and_in_graphs_but_not_op_scopes():
    import tensorflow as tf

    from tf1compat import raw_variables

    def entered():
        with raw_variables.tracking_names() as names:
            with tf.name_scope("a"), tf.compat.v1.name_scope("b"):
                inner = names.current
                tf.zeros([2]) + 1.0  # op-internal scopes ("zeros", "add") are not observed
            with tf.compat.v1.variable_scope("c"):
                scoped = names.current
        return inner, scoped

    assert entered() == ("a/b", "c")
    assert tf.function(lambda: tf.constant(entered()))().numpy().tolist() == [b"a/b", b"c"]


def test_lift_to_eager_copies_an_initial_value_out_of_a_graph():
    import tensorflow as tf

    lifted = []

    @tf.function
    def trace(x):
        lifted.append(_private.lift_to_eager(tf.fill([2], 3.0) * 2.0))
        with pytest.raises(_private.UnliftableError):
            _private.lift_to_eager(x * 2.0)
        return x

    trace(tf.ones([2]))
    assert lifted[0].numpy().tolist() == [6.0, 6.0]
