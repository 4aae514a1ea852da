"""Unsupported or inconsistent uses raise loudly (contract 5.11)."""

from __future__ import annotations

import pytest
import tensorflow as tf

import tf1compat
from tests.runtime.support import in_store

v1 = tf.compat.v1


def test_partitioner_is_rejected():
    with pytest.raises(ValueError, match="partitioner"):
        in_store(lambda: v1.get_variable("p", [4, 2],
                                         partitioner=v1.fixed_size_partitioner(2)))


def test_partitioner_from_the_scope_is_rejected():
    def body():
        with v1.variable_scope("s", partitioner=v1.fixed_size_partitioner(2)):
            v1.get_variable("p", [4, 2])

    with pytest.raises(ValueError, match="partitioner"):
        in_store(body)


def test_constant_initializer_with_shape_is_rejected():
    with pytest.raises(ValueError, match="do not specify shape"):
        in_store(lambda: v1.get_variable("c", [1], initializer=tf.constant([1.0])))


def test_shape_conflict_on_sharing():
    def body():
        v1.get_variable("v", [1])
        v1.get_variable("v", [2])

    with pytest.raises(ValueError, match="Trying to share variable v, but specified shape"):
        in_store(body)


def test_dtype_conflict_on_sharing():
    def body():
        v1.get_variable("v", [1])
        v1.get_variable("v", [1], dtype=tf.int32)

    with pytest.raises(ValueError, match="dtype"):
        in_store(body)


def test_non_callable_custom_getter():
    with pytest.raises(ValueError, match="not callable"):
        in_store(lambda: v1.get_variable("v", [1], custom_getter="nope"))


def test_missing_initializer_for_complex_dtype():
    with pytest.raises(ValueError, match="An initializer for variable c of .*complex64"):
        in_store(lambda: v1.get_variable("c", [1], dtype=tf.complex64))


def test_on_read_trainable_is_rejected():
    with pytest.raises(ValueError, match="ON_READ"):
        in_store(lambda: v1.get_variable("m", [1], trainable=True,
                                         synchronization=tf.VariableSynchronization.ON_READ))


def test_get_or_create_layer_outside_a_decorated_method_in_eager():
    with pytest.raises(ValueError, match="outside a method decorated"):
        tf1compat.get_or_create_layer("x", lambda: None)


def test_get_or_create_layer_in_a_tf1_graph_just_builds():
    with tf.Graph().as_default():
        assert tf1compat.get_or_create_layer("x", lambda: "built") == "built"


def test_decorating_a_plain_object_method():
    class Plain:
        @tf1compat.track_tf1_style_variables
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="does not extend Module, Layer, or Model"):
        Plain().call(1)
