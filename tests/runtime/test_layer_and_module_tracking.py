"""Decorated Keras 3 layers and tf.Modules: weights, names, losses, nesting, training.

Ports of the original's TF1VariableScopeLayerTest (contract cases 40, 43, 44, 46-50, 52-54)
to Keras 3: the fixture is input ones(5, 5), 10 units, kernels initialised to ones, biases
to zeros, L2(0.01).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tf1compat.store import VariableStore

v1 = tf.compat.v1

NAMES = ["dense_one/bias", "dense_one/kernel", "nested_scope/dense_two/bias",
         "nested_scope/dense_two/kernel"]


def two_dense(x, units=10):
    """TF1-style model code shared by the Layer and Module tests."""
    with v1.variable_scope("dense_one"):
        kernel = v1.get_variable("kernel", [x.shape[-1], units],
                                 initializer=v1.ones_initializer(),
                                 regularizer=keras.regularizers.L2(0.01))
        bias = v1.get_variable("bias", [units], initializer=v1.zeros_initializer())
        out = tf.matmul(x, kernel) + bias
    with v1.variable_scope("nested_scope"):
        with v1.variable_scope("dense_two"):
            kernel = v1.get_variable("kernel", [out.shape[-1], units],
                                     initializer=v1.ones_initializer(),
                                     regularizer=keras.regularizers.L2(0.01))
            bias = v1.get_variable("bias", [units], initializer=v1.zeros_initializer())
            return tf.matmul(out, kernel) + bias


class TwoDense(keras.layers.Layer):
    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return two_dense(inputs)


class TwoDenseModule(tf.Module):
    @tf1compat.track_tf1_style_variables
    def __call__(self, inputs):
        with self.name_scope:  # a Module name scope never prefixes TF1 names
            return two_dense(inputs)


def assign_kernels(obj, value):
    for name, variable in tf1compat.tf1_variables(obj).items():
        if name.endswith("kernel"):
            variable.assign(tf.fill(variable.shape, value))


def test_40_keras_layer_get_variable():
    layer = TwoDense()
    out = layer(tf.ones([5, 5]))
    np.testing.assert_allclose(out, np.full((5, 10), 50.0))
    assert sorted(tf1compat.tf1_variables(layer)) == NAMES
    assert sorted(v.name for v in tf1compat.tf1_variables(layer).values()) == [
        n + ":0" for n in NAMES
    ]
    assert sorted(w.name for w in layer.weights) == [n.replace("/", "__") for n in NAMES]
    assert len(layer.trainable_weights) == 4 and not layer.non_trainable_weights
    assert float(tf.add_n(layer.losses)) == pytest.approx(1.5)

    assign_kernels(layer, 2.0)
    out = layer(tf.ones([5, 5]))
    np.testing.assert_allclose(out, np.full((5, 10), 200.0))
    assert float(tf.add_n(layer.losses)) == pytest.approx(6.0)
    assert len(layer.weights) == 4 and len(layer.losses) == 2


def test_keras_view_and_tf1_view_share_state():
    layer = TwoDense()
    layer(tf.ones([1, 5]))
    kernel = tf1compat.tf1_variables(layer)["dense_one/kernel"]
    view = next(w for w in layer.weights if w.name == "dense_one__kernel")
    view.assign(tf.fill(view.shape, 3.0))
    np.testing.assert_array_equal(kernel.numpy(), np.full((5, 10), 3.0))
    kernel.assign(tf.zeros_like(kernel))
    np.testing.assert_array_equal(view.numpy(), np.zeros((5, 10)))


def test_43_explicit_store_scope_on_a_module():
    class ExplicitStore(tf.Module):
        def __init__(self):
            super().__init__()
            self.store = VariableStore()

        def __call__(self, inputs):
            with self.store.scope():
                return two_dense(inputs)

    module = ExplicitStore()
    np.testing.assert_allclose(module(tf.ones([5, 5])), np.full((5, 10), 50.0))
    assert sorted(v.name for v in module.variables) == [n + ":0" for n in NAMES]
    losses = [loss() for loss in module.store.regularizers.values()]
    assert float(tf.add_n(losses)) == pytest.approx(1.5)
    assign_store = module.store.variables_by_name
    for name, variable in assign_store.items():
        if name.endswith("kernel"):
            variable.assign(tf.fill(variable.shape, 2.0))
    np.testing.assert_allclose(module(tf.ones([5, 5])), np.full((5, 10), 200.0))
    losses = [loss() for loss in module.store.regularizers.values()]
    assert float(tf.add_n(losses)) == pytest.approx(6.0)


def test_44_decorated_module_get_variable():
    module = TwoDenseModule(name="my_module")
    np.testing.assert_allclose(module(tf.ones([5, 5])), np.full((5, 10), 50.0))
    assert sorted(v.name for v in module.variables) == [n + ":0" for n in NAMES]
    assert len(module.trainable_variables) == 4
    assert float(tf.add_n(tf1compat.regularization_losses(module))) == pytest.approx(1.5)
    assert set(module._tf1_style_var_store.regularizers) == {
        "dense_one/kernel", "nested_scope/dense_two/kernel"
    }
    assign_kernels(module, 2.0)
    np.testing.assert_allclose(module(tf.ones([5, 5])), np.full((5, 10), 200.0))
    assert float(tf.add_n(tf1compat.regularization_losses(module))) == pytest.approx(6.0)
    assert len(module.variables) == 4


def test_module_checkpoint_round_trip(tmp_path):
    module = TwoDenseModule()
    module(tf.ones([1, 5]))
    assign_kernels(module, 4.0)
    path = tf.train.Checkpoint(m=module).write(str(tmp_path / "ckpt"))
    fresh = TwoDenseModule()
    fresh(tf.ones([1, 5]))
    tf.train.Checkpoint(m=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(
        tf1compat.tf1_variables(fresh)["dense_one/kernel"].numpy(), np.full((5, 10), 4.0)
    )


class Inner(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        with v1.variable_scope(self.name):
            kernel = v1.get_variable("kernel", [inputs.shape[-1], self.units],
                                     initializer=v1.ones_initializer(),
                                     regularizer=keras.regularizers.L2(1.0))
            bias = v1.get_variable("bias", [self.units], initializer=v1.zeros_initializer())
            return tf.matmul(inputs, kernel) + bias


class Outer(keras.layers.Layer):
    """P* port of test_shim_nesting: Keras 3 wants children built in __init__."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_layer_a = Inner(10, name="dense_one")
        self.dense_layer_b = Inner(5, name="dense_two")

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        return self.dense_layer_b(self.dense_layer_a(inputs))


def test_46_nested_decorated_layers_count_once():
    layer = Outer()
    np.testing.assert_allclose(layer(tf.ones([1, 3])), np.full((1, 5), 30.0))
    assert sorted(tf1compat.tf1_variables(layer)) == [
        "dense_one/bias", "dense_one/kernel", "dense_two/bias", "dense_two/kernel"
    ]
    assert len(layer.trainable_weights) == 4
    assert len(layer.dense_layer_a.trainable_weights) == 2
    assert len(layer.dense_layer_b.trainable_weights) == 2
    assert [float(x) for x in layer.dense_layer_a.losses] == [30.0]
    assert [float(x) for x in layer.dense_layer_b.losses] == [50.0]
    assert float(tf.add_n(layer.losses)) == 80.0
    assert float(tf.add_n(tf1compat.regularization_losses(layer))) == 80.0

    assign_kernels(layer, 2.0)
    np.testing.assert_allclose(layer(tf.ones([1, 3])), np.full((1, 5), 120.0))
    assert [float(x) for x in layer.dense_layer_a.losses] == [120.0]
    assert float(tf.add_n(layer.losses)) == 320.0


def test_nested_store_is_restored_after_an_exception():
    class Failing(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            v1.get_variable("before", [1])
            raise RuntimeError("boom")

    class Parent(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.child = Failing()

        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            try:
                self.child(inputs)
            except RuntimeError:
                pass
            return inputs * v1.get_variable("after", [1], initializer=v1.ones_initializer())

    parent = Parent()
    parent(tf.ones([1, 1]))
    assert list(tf1compat.tf1_variables(parent.child)) == ["before"]
    assert parent._tf1compat_store.store.variables_by_name.keys() == {"after"}
    assert tf1compat.tracking.hooks.active_store() is None


def _scale_by_y(x):
    y = v1.get_variable("y", [], initializer=v1.constant_initializer(1.5),
                        regularizer=keras.regularizers.L2(0.01))
    return x * y


class TemplateLayer(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale_by_y = v1.make_template("scale_by_y", _scale_by_y)

    @tf1compat.track_tf1_style_variables
    def call(self, inputs):
        with v1.variable_scope("foo"):
            return self.scale_by_y(inputs)


def _check_template_layer(layer):
    assert {n: float(v.numpy()) for n, v in tf1compat.tf1_variables(layer).items()} == {
        "foo/scale_by_y/y": 1.5
    }
    assert [w.name for w in layer.weights] == ["foo__scale_by_y__y"]
    assert float(tf.add_n(layer.losses)) == pytest.approx(0.01 * 1.5**2)


def test_47_make_template_in_eager():
    layer = TemplateLayer()
    for _ in range(3):
        out = layer(tf.ones([2]))
    np.testing.assert_allclose(out, [1.5, 1.5])
    _check_template_layer(layer)


def test_48_make_template_in_tf_function():
    layer = TemplateLayer()

    @tf.function
    def step(x):
        out = layer(x)
        return out, tf.add_n(layer.losses)

    for _ in range(3):
        out, loss = step(tf.ones([2]))
    np.testing.assert_allclose(out, [1.5, 1.5])
    assert float(loss) == pytest.approx(0.0225)
    _check_template_layer(layer)


def test_49_layer_constructed_during_the_first_trace():
    holder = []

    @tf.function
    def step(x):
        if not holder:
            holder.append(TemplateLayer())
        return holder[0](x)

    for _ in range(3):
        np.testing.assert_allclose(step(tf.ones([2])), [1.5, 1.5])
    _check_template_layer(holder[0])


def test_50_keras_layers_made_inside_call_are_not_tracked():
    class Untracked(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return keras.layers.Dense(1, kernel_initializer="ones")(inputs)

    layer = Untracked()
    np.testing.assert_allclose(layer(tf.ones([1, 5])), [[5.0]])
    assert layer.weights == []


def test_52_keras_model_inside_a_decorated_module():
    class WithModel(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = keras.Sequential([keras.layers.Dense(
                2, kernel_initializer="ones", kernel_regularizer=keras.regularizers.L2(0.01))])

        @tf1compat.track_tf1_style_variables
        def __call__(self, inputs):
            return self.model(inputs)

    module = WithModel()
    np.testing.assert_allclose(module(tf.ones([1, 5])), [[5.0, 5.0]])
    # As in the original: the module's regularizer map covers get_variable only.
    assert tf1compat.regularization_losses(module) == []
    assert module._tf1_style_var_store.regularizers == {}
    assert float(tf.add_n(module.model.losses)) == pytest.approx(0.1)


def test_53_training_argument_is_passed_through():
    class Trainable(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs, training=None):
            name = "dense_training" if training else "dense_no_training"
            with v1.variable_scope(name):
                return inputs * v1.get_variable("kernel", [1])

    layer = Trainable()
    layer(tf.ones([1, 1]), training=True)
    assert sorted(tf1compat.tf1_variables(layer)) == ["dense_training/kernel"]
    other = Trainable()
    other(tf.ones([1, 1]))
    assert sorted(tf1compat.tf1_variables(other)) == ["dense_no_training/kernel"]

    inputs = keras.Input((1,))
    model = keras.Model(inputs, Trainable()(inputs))
    model(np.ones((1, 1)), training=True)
    assert sorted(tf1compat.tf1_variables(model)) == ["dense_no_training/kernel",
                                                      "dense_training/kernel"]


def test_module_gets_training_only_when_passed():
    seen = []

    class Recorder(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, inputs, training=None):
            seen.append(training)
            return inputs

    module = Recorder()
    module(tf.ones([1]))
    module(tf.ones([1]), training=True)
    assert seen == [None, True]


def test_54_decorating_a_free_function_raises():
    @tf1compat.track_tf1_style_variables
    def free(x):
        return x

    with pytest.raises(ValueError, match="does not extend"):
        free(tf.ones([1]))


def test_trainable_false_variables_are_non_trainable_weights():
    class Mixed(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            w = v1.get_variable("w", [1], initializer=v1.ones_initializer())
            s = v1.get_variable("steps", [], trainable=False, initializer=v1.zeros_initializer(),
                                regularizer=lambda v: 0.5 * v + 1.0)
            m = v1.get_variable("moving", [1], synchronization=tf.VariableSynchronization.ON_READ,
                                aggregation=tf.VariableAggregation.MEAN,
                                initializer=v1.zeros_initializer())
            return inputs * w + s + m

    layer = Mixed()
    layer(tf.ones([1]))
    assert [w.name for w in layer.trainable_weights] == ["w"]
    assert sorted(w.name for w in layer.non_trainable_weights) == ["moving", "steps"]
    # TF1 regularized non-trainable variables too: it is a loss of the call.
    assert [float(x) for x in layer.losses] == [1.0]

    frozen = Mixed(trainable=False)
    frozen(tf.ones([1]))
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 3


def test_activity_loss_hook_reaches_layer_losses_once_per_call():
    class WithActivity(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            tf1compat.hooks.add_activity_loss(tf.reduce_sum(inputs))
            return inputs

    layer = WithActivity()
    layer(tf.ones([2, 3]))
    layer(tf.ones([2, 3]))
    assert [float(x) for x in layer.losses] == [6.0]

    class ModuleWithActivity(tf.Module):
        @tf1compat.track_tf1_style_variables
        def __call__(self, inputs):
            tf1compat.hooks.add_activity_loss(tf.reduce_sum(inputs))
            return inputs

    module = ModuleWithActivity()
    module(tf.ones([2]))
    module(tf.ones([3]))
    assert [float(x) for x in tf1compat.regularization_losses(module)] == [3.0]


def test_add_regularizer_after_creation_reaches_losses_once():
    """The legacy ``add_weight`` path: a layer registers a regularizer on the active store."""

    class LateRegularized(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            v = v1.get_variable("x", [2], initializer=v1.ones_initializer())
            tf1compat.hooks.active_store().add_regularizer(v, lambda t: 3.0 * tf.reduce_sum(t))
            return inputs * v

    layer = LateRegularized()
    layer(tf.ones([2]))
    layer(tf.ones([2]))
    assert [float(x) for x in layer.losses] == [6.0]
    assert [float(x) for x in tf1compat.regularization_losses(layer)] == [6.0]
