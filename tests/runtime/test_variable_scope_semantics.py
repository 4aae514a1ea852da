"""TF1 get_variable / variable_scope semantics inside a decorated store.

Eager ports of the original shim suite's VariableScopeTest (cases 1-28, 30-32 of the
contract's table; the number is in each test's name). Each body runs inside a fresh
decorated Module, so the whole public path is exercised.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.runtime.support import StoreRunner, in_store, names

v1 = tf.compat.v1


def test_01_get_var_returns_the_same_object():
    def body():
        return v1.get_variable("v", [1]), v1.get_variable("v", [1])

    first, second = in_store(body)
    assert first is second


def test_02_name_exists_and_other_name_is_new():
    runner = StoreRunner()
    v = runner(lambda: v1.get_variable("v", [1]))
    store = runner._tf1_style_var_store  # the store API itself, as the original test did
    assert store.get_variable("v", [1]) is v
    u = store.get_variable("u", [1], reuse=False)
    assert u is not v and u.name == "u:0"


def test_03_nameless_store_names():
    runner = StoreRunner()
    runner(lambda: (v1.get_variable("v1", [2]), v1.get_variable("v2", [2])))
    assert names(runner.variables) == {"v1:0", "v2:0"}


def test_04_scope_initializer_nested_and_reentered():
    init = v1.constant_initializer(0.3)

    def body():
        with v1.variable_scope("tower0") as tower:
            with v1.variable_scope("foo", initializer=init):
                v = v1.get_variable("v", [])
        with v1.variable_scope(tower, initializer=init):
            w = v1.get_variable("w", [])
        return v, w

    v, w = in_store(body)
    assert v.name == "tower0/foo/v:0"
    assert w.name == "tower0/w:0"
    np.testing.assert_allclose([v.numpy(), w.numpy()], [0.3, 0.3])


def test_05_scope_constraint_propagates():
    def constraint(x):
        return 0.0 * x

    def body():
        with v1.variable_scope("tower1") as tower:
            with v1.variable_scope("foo", constraint=constraint):
                v = v1.get_variable("v", [])
        with v1.variable_scope(tower, constraint=constraint):
            w = v1.get_variable("w", [])
        return v, w

    v, w = in_store(body)
    assert v.constraint is constraint and w.constraint is constraint


def test_06_scope_dtype():
    def body():
        with v1.variable_scope("tower2") as tower:
            with v1.variable_scope("foo", dtype=tf.float16):
                v = v1.get_variable("v", [])
        with v1.variable_scope(tower, dtype=tf.float16):
            w = v1.get_variable("w", [])
        return v, w

    v, w = in_store(body)
    assert v.dtype == tf.float16 and w.dtype == tf.float16


def test_07_init_from_non_tensor_value():
    def body():
        return (
            v1.get_variable("x4", initializer=4, dtype=tf.int32),
            v1.get_variable("x5", initializer=np.array([1, 2, 3]), dtype=tf.int64),
        )

    x4, x5 = in_store(body)
    assert x4.numpy() == 4 and x4.dtype == tf.int32
    np.testing.assert_array_equal(x5.numpy(), [1, 2, 3])
    assert x5.dtype == tf.int64
    with pytest.raises((ValueError, TypeError)):
        in_store(lambda: v1.get_variable("x6", initializer={}))


@pytest.mark.parametrize(
    "dtype", [tf.int8, tf.uint8, tf.int16, tf.uint16, tf.int32, tf.int64, tf.bool]
)
def test_08_init_from_non_initializer_is_zeros(dtype):
    def body():
        return (
            v1.get_variable("x", shape=(3, 4), dtype=dtype),
            v1.get_variable("y", shape=(3, 4), dtype=dtype, initializer=v1.zeros_initializer()),
        )

    x, y = in_store(body)
    np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert not np.any(x.numpy())


def test_09_scope_regularizers_and_no_regularizer():
    init = v1.constant_initializer(0.3)

    def regularizer1(v):
        return tf.reduce_mean(v) + 0.1

    def regularizer2(v):
        return tf.reduce_mean(v) + 0.2

    def body():
        with v1.variable_scope("tower3", regularizer=regularizer1) as tower:
            with v1.variable_scope("foo", initializer=init):
                v1.get_variable("v", [])
            with v1.variable_scope(tower, initializer=init) as vs:
                v1.get_variable("u", [])
                vs.set_regularizer(regularizer2)
                v1.get_variable("w", [])
                v1.get_variable("x", [], regularizer=v1.no_regularizer)
                with v1.variable_scope("baz", regularizer=v1.no_regularizer):
                    v1.get_variable("y", [])
                vs.set_regularizer(v1.no_regularizer)
                v1.get_variable("z", [])

    runner = StoreRunner()
    runner(body)
    regularizers = runner._tf1_style_var_store.regularizers
    assert set(regularizers) == {"tower3/foo/v", "tower3/u", "tower3/w"}
    values = {name: float(loss()) for name, loss in regularizers.items()}
    assert values == pytest.approx({"tower3/foo/v": 0.4, "tower3/u": 0.4, "tower3/w": 0.5})


def test_10_initialize_from_value():
    init = tf.constant(0.1)

    def body():
        w = v1.get_variable("v", initializer=init)
        with pytest.raises(ValueError, match="shape"):
            v1.get_variable("u", [1], initializer=init)
        with v1.variable_scope("foo", initializer=init):
            v = v1.get_variable("v")
        t = v1.get_variable("t", initializer=tf.constant(1, dtype=tf.int32))
        with pytest.raises(ValueError, match="don't match"):
            v1.get_variable("s", initializer=tf.constant(1, dtype=tf.int32), dtype=tf.float64)
        return w, v, t

    w, v, t = in_store(body)
    assert w.numpy() == pytest.approx(0.1) and v.numpy() == pytest.approx(0.1)
    assert v.name == "foo/v:0"
    assert t.dtype == tf.int32


@pytest.mark.parametrize("reuse", [v1.AUTO_REUSE, False], ids=["auto_reuse", "reuse_false"])
def test_11_12_get_or_create_reuse(reuse):
    """11: AUTO_REUSE; 12: reuse=False is also get-or-create (the code re-runs each call)."""

    def round_trip(value):
        with v1.variable_scope("bar", reuse=reuse):
            v1.get_variable("var", []).assign(value)
        with v1.variable_scope("bar", reuse=reuse):
            return float(v1.get_variable("var", []).numpy())

    def body():
        return [round_trip(value) for value in (42.0, 13.0, 17.0)]

    assert in_store(body) == [42.0, 13.0, 17.0]


def test_13_var_op_scope_default_names_and_name_scope():
    def body():
        found = []
        with tf.name_scope("testVarOpScope1"):
            with v1.variable_scope("tower", "default", []):
                found.append(v1.get_variable("w", []).name)
        with tf.name_scope("testVarOpScope2"):
            with v1.variable_scope(None, "default", []):
                found.append(v1.get_variable("w", []).name)
            with v1.variable_scope(None, "default", []):
                found.append(v1.get_variable("w", []).name)
        return found

    runner = StoreRunner()
    expected = ["tower/w:0", "default/w:0", "default_1/w:0"]
    assert runner(body) == expected
    # Divergence from the original (stable names): call 2 reproduces call 1.
    assert runner(body) == expected
    assert len(runner.variables) == 3


def test_14_unique_names_interleaved_substring_scopes():
    def body():
        found = []
        for default in ("defaultScope1", "defaultScope1", "defaultScope", "defaultScope1"):
            with v1.variable_scope(None, default):
                with v1.variable_scope(None, "layer"):
                    found.append(v1.get_variable("w", []).name)
        return found

    assert in_store(body) == [
        "defaultScope1/layer/w:0",
        "defaultScope1_1/layer/w:0",
        "defaultScope/layer/w:0",
        "defaultScope1_2/layer/w:0",
    ]


def test_15_unique_names_continue_after_a_jump():
    def body():
        found = []
        with v1.variable_scope("default") as default:
            for _ in range(2):
                with v1.variable_scope(None, "layer"):
                    found.append(v1.get_variable("w", []).name)
            with v1.variable_scope(default):
                pass
            with v1.variable_scope(None, "layer"):
                found.append(v1.get_variable("w", []).name)
        return found

    assert in_store(body) == ["default/layer/w:0", "default/layer_1/w:0", "default/layer_2/w:0"]


def test_16_var_op_scope_reuse():
    def body():
        found = []
        with v1.variable_scope("outer") as outer:
            with v1.variable_scope("tower", "default", []):
                found.append(v1.get_variable("w", []).name)
            with v1.variable_scope(None, "default", []):
                found.append(v1.get_variable("w", []).name)
        with v1.variable_scope(outer, reuse=True):
            with v1.variable_scope("tower", "default", []):
                found.append(v1.get_variable("w", []).name)
            with v1.variable_scope(None, "default", []):
                found.append(v1.get_variable("w", []).name)
        return found

    assert in_store(body) == ["outer/tower/w:0", "outer/default/w:0"] * 2


def test_17_var_scope_get_var_sharing_and_conflicts():
    def body():
        with v1.variable_scope("root"):
            with v1.variable_scope("towerA") as tower_a:
                va = v1.get_variable("v", [1])
            with v1.variable_scope(tower_a, reuse=True):
                assert v1.get_variable("v", [1]) is va
            with v1.variable_scope("towerA", reuse=True):
                assert v1.get_variable("v", [1]) is va
            with v1.variable_scope("towerB"):
                vb = v1.get_variable("v", [1])
            with v1.variable_scope("foo"):
                with v1.variable_scope("bar"):
                    vbar = v1.get_variable("v", [1])
                    with v1.variable_scope(tower_a, reuse=True):
                        assert v1.get_variable("v", [1]) is va
            with pytest.raises(ValueError, match="shape"):
                with v1.variable_scope(tower_a, reuse=True):
                    v1.get_variable("v", [2])
            with pytest.raises(ValueError, match="dtype"):
                with v1.variable_scope(tower_a, reuse=True):
                    v1.get_variable("v", [1], dtype=tf.int32)
        return va, vb, vbar

    va, vb, vbar = in_store(body)
    assert [va.name, vb.name, vbar.name] == [
        "root/towerA/v:0", "root/towerB/v:0", "root/foo/bar/v:0"
    ]


def _outer_and_default(reuse=None):
    found = [v1.get_variable("w", []).name]
    with v1.variable_scope(None, "default", []):
        found.append(v1.get_variable("w", []).name)
    return found


def test_18_var_scope_outer_scope():
    def body():
        with v1.variable_scope("outer") as outer:
            pass
        with v1.variable_scope(outer):
            first = _outer_and_default()
        with v1.variable_scope(outer, reuse=True):
            second = _outer_and_default()
        return first + second

    assert in_store(body) == ["outer/w:0", "outer/default/w:0"] * 2


def test_19_var_scope_nested_outer_scope():
    def body():
        with v1.variable_scope("outer") as outer:
            with v1.variable_scope(outer):
                first = _outer_and_default()
            with v1.variable_scope(outer, reuse=True):
                second = _outer_and_default()
        return first + second

    assert in_store(body) == ["outer/w:0", "outer/default/w:0"] * 2


def test_20_var_op_scope_reuse_param():
    def body():
        found = []
        with v1.variable_scope("outer") as outer:
            with v1.variable_scope("tower", "default", reuse=True):
                found.append(v1.get_variable("w", []).name)
            outer.reuse_variables()
            with v1.variable_scope(None, "default", []):
                found.append(v1.get_variable("w", []).name)
        return found

    assert in_store(body) == ["outer/tower/w:0", "outer/default/w:0"]


def test_21_var_op_scope_reuse_without_name_raises():
    def body():
        with v1.variable_scope(None, "default", reuse=True):
            v1.get_variable("w", [])

    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        in_store(body)


def test_22_var_op_scope_outer_scope():
    def body():
        with v1.variable_scope("outer") as outer:
            pass
        with v1.variable_scope(outer, "default", []):
            first = _outer_and_default()
        with v1.variable_scope(outer, "default", reuse=True):
            second = [v1.get_variable("w", []).name]
            outer.reuse_variables()
            with v1.variable_scope(None, "default", []):
                second.append(v1.get_variable("w", []).name)
        return first + second

    assert in_store(body) == ["outer/w:0", "outer/default/w:0"] * 2


def test_23_var_op_scope_nested_outer_scope():
    def body():
        with v1.variable_scope("outer") as outer:
            with v1.variable_scope(outer, "default", []):
                first = _outer_and_default()
            with v1.variable_scope(outer, "default", reuse=True):
                second = _outer_and_default()
        return first + second

    assert in_store(body) == ["outer/w:0", "outer/default/w:0"] * 2


def test_24_auxiliary_name_scope_false():
    def body():
        found = []
        with v1.variable_scope("scope", auxiliary_name_scope=False) as scope:
            found.append(v1.get_variable("w", []).name)
        with v1.variable_scope(scope, auxiliary_name_scope=False):
            found.append(v1.get_variable("w1", []).name)
        with v1.variable_scope("outer"):
            with v1.variable_scope("inner", auxiliary_name_scope=False) as inner:
                found.append(inner.original_name_scope)
                found.append(v1.get_variable("w", []).name)
            with v1.variable_scope(inner, auxiliary_name_scope=False) as inner1:
                found.append(inner1.original_name_scope)
                found.append(v1.get_variable("w1", []).name)
        return found

    assert in_store(body) == [
        "scope/w:0", "scope/w1:0", "outer/", "outer/inner/w:0", "outer/", "outer/inner/w1:0"
    ]


def test_25_default_name_with_auxiliary_name_scope_false():
    def body():
        found = []
        with v1.variable_scope(None, default_name="default", auxiliary_name_scope=False):
            found.append(v1.get_variable("w", []).name)
        with v1.variable_scope("outer"):
            with v1.variable_scope(
                None, default_name="default", auxiliary_name_scope=False
            ) as inner:
                found.append(v1.get_variable("w", []).name)
                found.append(inner.original_name_scope)
        return found

    assert in_store(body) == ["default/w:0", "outer/default/w:0", "outer/"]


def test_26_reenter_root_scope_with_auxiliary_name_scope_false():
    def body():
        found = []
        root = v1.get_variable_scope()
        with v1.variable_scope(root, auxiliary_name_scope=False):
            found.append(v1.get_variable("w", []).name)
        with v1.variable_scope("outer"):
            with v1.variable_scope(root, auxiliary_name_scope=False) as inner:
                found.append(v1.get_variable("w1", []).name)
                found.append(inner.original_name_scope)
        return found

    assert in_store(body) == ["w:0", "w1:0", ""]


def test_27_auxiliary_name_scope_must_be_bool():
    def body():
        with pytest.raises(TypeError, match="auxiliary_name_scope"):
            with v1.variable_scope(None, default_name="scope", auxiliary_name_scope="invalid"):
                pass
        with pytest.raises(TypeError, match="auxiliary_name_scope"):
            with v1.variable_scope("scope", auxiliary_name_scope="invalid"):
                pass
        with v1.variable_scope("scope") as scope:
            pass
        with pytest.raises(TypeError, match="auxiliary_name_scope"):
            with v1.variable_scope(scope, auxiliary_name_scope="invalid"):
                pass
        return True

    assert in_store(body)


def test_28_reuse_scope_without_name_scope_collision():
    def body():
        found = []
        with v1.variable_scope("outer"):
            with v1.variable_scope("inner") as inner:
                pass
            with v1.variable_scope(inner, auxiliary_name_scope=False) as scope:
                with tf.name_scope(scope.original_name_scope):
                    found.append(v1.get_variable("w", []).name)
            with v1.variable_scope("another"):
                with v1.variable_scope(inner, auxiliary_name_scope=False) as scope1:
                    with tf.name_scope(scope1.original_name_scope):
                        found.append(v1.get_variable("w1", []).name)
        return found

    assert in_store(body) == ["outer/inner/w:0", "outer/inner/w1:0"]


def test_30_ref_dtype_is_accepted():
    def body():
        v = v1.get_variable("v", [1])
        return v1.get_variable("w", [1], dtype=v.dtype)

    assert in_store(body).dtype == tf.float32


@pytest.mark.parametrize(
    "initializer", [lambda: [2], lambda x=True: [2]], ids=["no_args", "optional_args"]
)
def test_31_32_initializer_without_required_args(initializer):
    variable = in_store(lambda: v1.get_variable("foo", initializer=initializer))
    assert variable.name == "foo:0"
    np.testing.assert_array_equal(variable.numpy(), [2])
