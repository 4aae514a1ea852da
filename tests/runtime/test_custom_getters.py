"""Custom getters and variable creators inside a decorated store (contract cases 34-37)."""

from __future__ import annotations

import pytest
import tensorflow as tf

from tests.runtime.support import in_store

v1 = tf.compat.v1


def test_34_non_callable_custom_getter_fails():
    def on_scope():
        with v1.variable_scope("scope0", custom_getter=3):
            v1.get_variable("v0", [1])

    def on_get_variable():
        v1.get_variable("w0", [1], custom_getter=3)

    for body in (on_scope, on_get_variable):
        with pytest.raises(ValueError, match="custom_getter .* not callable:"):
            in_store(body)


def test_35_identity_custom_getter_has_no_side_effects():
    calls = []

    def custom_getter(getter, name, *args, **kwargs):
        calls.append(name)
        return getter(name, *args, **kwargs)

    def body():
        with v1.variable_scope("scope", custom_getter=custom_getter) as scope:
            v = v1.get_variable("v", [1])
        with v1.variable_scope(scope, reuse=True):
            v2 = v1.get_variable("v", [1])
        with v1.variable_scope("new_scope") as new_scope:
            v3 = v1.get_variable("v3", [1])
        with v1.variable_scope(new_scope, reuse=True, custom_getter=custom_getter):
            v4 = v1.get_variable("v3", [1])
        return v, v2, v3, v4

    v, v2, v3, v4 = in_store(body)
    assert v is v2 and v3 is v4
    assert calls == ["scope/v", "scope/v", "new_scope/v3"]


def test_36_custom_getter_sees_synchronization_and_aggregation():
    seen = []

    def custom_getter(getter, *args, **kwargs):
        seen.append((kwargs["synchronization"], kwargs["aggregation"]))
        return getter(*args, **kwargs)

    def body():
        with v1.variable_scope("scope", custom_getter=custom_getter):
            v1.get_variable("v", [1])
            v1.get_variable("v2", [1], synchronization=tf.VariableSynchronization.ON_READ,
                            aggregation=tf.VariableAggregation.MEAN)

    in_store(body)
    assert seen == [
        (tf.VariableSynchronization.AUTO, tf.VariableAggregation.NONE),
        (tf.VariableSynchronization.ON_READ, tf.VariableAggregation.MEAN),
    ]


def test_custom_getter_gets_constraint_only_when_it_accepts_it():
    seen = {}

    def plain(getter, name, shape=None, **rest):
        seen["plain"] = "constraint" in rest
        return getter(name, shape=shape, **rest)

    def explicit(getter, name, shape=None, dtype=None, initializer=None, regularizer=None,
                 reuse=None, trainable=None, collections=None, caching_device=None,
                 partitioner=None, validate_shape=True, use_resource=None,
                 synchronization=None, aggregation=None):
        seen["explicit"] = True
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      trainable=trainable, synchronization=synchronization,
                      aggregation=aggregation)

    def body():
        v1.get_variable("a", [1], custom_getter=plain, constraint=lambda x: x)
        v1.get_variable("b", [1], custom_getter=explicit, constraint=lambda x: x)

    in_store(body)
    assert seen == {"plain": True, "explicit": True}


def test_scope_custom_getters_chain_inner_around_outer():
    order = []

    def outer_getter(getter, name, *args, **kwargs):
        order.append("outer")
        return getter(name, *args, **kwargs)

    def inner_getter(getter, name, *args, **kwargs):
        order.append("inner")
        return getter(name, *args, **kwargs)

    def body():
        with v1.variable_scope("a", custom_getter=outer_getter):
            with v1.variable_scope("b", custom_getter=inner_getter):
                return v1.get_variable("v", [1])

    assert in_store(body).name == "a/b/v:0"
    assert order == ["inner", "outer"]


def test_37_variable_creator_scopes_see_get_variable_creation():
    seen = []

    def creator_a(next_creator, **kwargs):
        seen.append((kwargs["name"], kwargs["synchronization"], kwargs["aggregation"]))
        return next_creator(**kwargs)

    def creator_b(next_creator, **kwargs):
        kwargs["name"] = "forced_name"
        return next_creator(**kwargs)

    def body():
        with tf.variable_creator_scope(creator_a):
            with tf.variable_creator_scope(creator_b):
                return v1.get_variable("v", [1],
                                       synchronization=tf.VariableSynchronization.ON_WRITE,
                                       aggregation=tf.VariableAggregation.MEAN)

    in_store(body)
    assert seen == [
        ("forced_name", tf.VariableSynchronization.ON_WRITE, tf.VariableAggregation.MEAN)
    ]
