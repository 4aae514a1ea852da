"""Behaviour the oracle comparison cannot show: TF1 errors, random layers, layer bookkeeping,
and how the layers behave across repeated decorated calls."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tests.runtime_layers.harness import tracking_available

v1 = tf.compat.v1
layers = tf1compat.layers
rnn_cell = tf1compat.nn.rnn_cell

needs_tracking = pytest.mark.skipif(
    not tracking_available(),
    reason="tf1compat.tracking (the decorator) is not in this checkout yet",
)


def ones(*shape: int) -> tf.Tensor:
    return tf.ones(shape, tf.float32)


def eager_scope(name: str):
    """Eager layer use outside a decorated call counts default scope names process-wide
    (``dense`` -> ``dense_1``); a named scope keeps those counts out of other tests."""
    return v1.variable_scope(f"eager_{name}")


# --------------------------------------------------------------------------- TF1 graph rules


def test_same_name_twice_without_reuse_is_refused_in_a_tf1_graph():
    with tf.Graph().as_default():
        layers.dense(ones(2, 3), 4, name="foo")
        with pytest.raises(ValueError, match="already exists"):
            layers.dense(ones(2, 3), 4, name="foo")


def test_reuse_true_of_a_missing_layer_is_refused_in_a_tf1_graph():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="does not exist"):
            layers.dense(ones(2, 3), 4, name="missing", reuse=True)


def test_graph_layer_reports_its_weights_losses_and_updates():
    with tf.Graph().as_default():
        bn = layers.BatchNormalization(gamma_regularizer=lambda g: tf.reduce_sum(g))
        bn(ones(4, 3), training=True)
        assert [v.op.name for v in bn.trainable_weights] == [
            "batch_normalization/gamma",
            "batch_normalization/beta",
        ]
        assert [v.op.name for v in bn.non_trainable_weights] == [
            "batch_normalization/moving_mean",
            "batch_normalization/moving_variance",
        ]
        assert len(bn.losses) == 1
        assert len(bn.updates) == 2
        assert len(v1.get_collection(v1.GraphKeys.UPDATE_OPS)) == 2


def test_frozen_layer_moves_all_weights_to_non_trainable():
    with tf.Graph().as_default():
        dense = layers.Dense(2, trainable=False)
        dense(ones(1, 3))
        assert dense.trainable_weights == []
        assert [v.op.name for v in dense.non_trainable_weights] == ["dense/kernel", "dense/bias"]
        assert v1.trainable_variables() == []


def test_call_receives_the_layer_scope_when_it_asks_for_it():
    seen = []

    class Probe(layers.Layer):
        def call(self, inputs, scope=None):
            seen.append(scope.name)
            return inputs

    with tf.Graph().as_default(), v1.variable_scope("outer"):
        Probe()(ones(1))
        Probe(name="named")(ones(1))
    assert seen == ["outer/probe", "outer/named"]


def test_unknown_identifiers_name_the_known_ones():
    with pytest.raises(ValueError, match="known: .*relu"):
        layers.Dense(2, activation="relu_typo")
    with pytest.raises(ValueError, match="known: .*l2"):
        with tf.Graph().as_default():
            layers.dense(ones(1, 2), 2, kernel_regularizer="l3")


def test_unexpected_constructor_arguments_are_refused():
    with pytest.raises(TypeError, match="kernel_initialiser"):
        layers.Dense(2, kernel_initialiser=None)


def test_cells_satisfy_tensorflows_rnncell_check():
    from tensorflow.python.ops import rnn_cell_impl

    for cell in (
        rnn_cell.BasicRNNCell(2),
        rnn_cell.GRUCell(2),
        rnn_cell.LSTMCell(2, num_proj=1),
        rnn_cell.MultiRNNCell([rnn_cell.GRUCell(2)]),
        rnn_cell.DropoutWrapper(rnn_cell.GRUCell(2)),
    ):
        rnn_cell_impl.assert_like_rnncell("cell", cell)


def test_initial_state_structure_follows_state_size():
    cell = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(4, num_proj=2), rnn_cell.GRUCell(3)])
    state = cell.get_initial_state(batch_size=5, dtype=tf.float32)
    assert isinstance(state[0], rnn_cell.LSTMStateTuple)
    assert state[0].c.shape == (5, 4) and state[0].h.shape == (5, 2)
    assert state[1].shape == (5, 3)
    assert cell.output_size == 3


# --------------------------------------------------------------------------- random layers


def test_dropout_in_training_zeroes_or_rescales():
    with eager_scope("dropout"):
        y = layers.dropout(tf.ones([200]), rate=0.25, training=True, seed=1).numpy()
    kept = y[y != 0]
    np.testing.assert_allclose(kept, np.full_like(kept, 1 / 0.75), rtol=1e-6)
    assert 0 < np.count_nonzero(y == 0) < 200


def test_dropout_wrapper_never_drops_the_lstm_memory_state():
    cell = rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(50), state_keep_prob=0.5, seed=3)
    plain_cell = cell.wrapped_cell
    state = plain_cell.zero_state(4, tf.float32)
    inputs = tf.ones([4, 6])
    with eager_scope("dropout_wrapper"):
        _, dropped = cell(inputs, state)
        _, clean = plain_cell(inputs, state)
    np.testing.assert_allclose(dropped.c, clean.c)
    assert np.count_nonzero(dropped.h.numpy() == 0) > np.count_nonzero(clean.h.numpy() == 0)


# --------------------------------------------------------------------------- decorated layers


def _decorated(model):
    import keras

    class Wrapped(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, x, training=False):
            return model(x, training)

    return Wrapped()


def _mixed_model(x, training):
    h = layers.dense(x, 4, kernel_regularizer="l2", activity_regularizer="l1")
    h = layers.batch_normalization(h, training=training)
    h = layers.dropout(h, rate=0.5, training=training)
    cell = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(3, num_proj=2), rnn_cell.GRUCell(2)])
    out, _ = v1.nn.dynamic_rnn(cell, tf.stack([h, h], axis=1), dtype=tf.float32)
    return out


@needs_tracking
def test_names_and_losses_are_stable_across_calls_and_instances():
    x = tf.ones([3, 5])
    first = _decorated(_mixed_model)
    first(x)
    names = sorted(tf1compat.tf1_variables(first))
    assert "dense/kernel" in names and "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel" in names
    loss_count = len(first.losses)
    assert loss_count == 2  # the kernel's L2 once, plus this call's activity loss
    first(x, training=True)
    first(x)
    assert sorted(tf1compat.tf1_variables(first)) == names
    assert len(first.losses) == loss_count
    second = _decorated(_mixed_model)
    second(x)
    assert sorted(tf1compat.tf1_variables(second)) == names


@needs_tracking
def test_training_call_updates_moving_statistics_in_place_and_inference_does_not():
    def model(x, training):
        return layers.batch_normalization(x, training=training, momentum=0.5)

    layer = _decorated(model)
    x = tf.fill([4, 2], 3.0)
    layer(x)
    moving_mean = tf1compat.tf1_variables(layer)["batch_normalization/moving_mean"]
    np.testing.assert_allclose(moving_mean.numpy(), [0.0, 0.0])
    layer(x, training=True)
    np.testing.assert_allclose(moving_mean.numpy(), [1.5, 1.5])
    assert moving_mean.trainable is False


@needs_tracking
def test_partitioned_lstm_weights_are_refused_loudly_in_tf2():
    def model(x, training):
        cell = rnn_cell.LSTMCell(4, num_unit_shards=2)
        return v1.nn.dynamic_rnn(cell, tf.stack([x, x], axis=1), dtype=tf.float32)[0]

    with pytest.raises(ValueError, match="partitioner"):
        _decorated(model)(tf.ones([2, 3]))


def test_training_and_mask_are_dropped_for_layers_whose_call_lacks_them():
    with eager_scope("dense"):
        out = layers.Dense(2, kernel_initializer="ones")(ones(1, 3), training=True, mask=None)
    np.testing.assert_allclose(out.numpy(), [[3.0, 3.0]])


def test_custom_layer_add_loss_reaches_the_tf1_collection():
    class Penalised(layers.Layer):
        def call(self, inputs):
            self.add_loss(tf.reduce_sum(inputs))
            self.add_loss(lambda: tf.constant(1.0))
            return inputs

    with tf.Graph().as_default():
        layer = Penalised()
        layer(ones(2, 2))
        collected = v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
        assert len(collected) == 2 and len(layer.losses) == 2
        with v1.Session() as sess:
            assert sess.run(collected) == [4.0, 1.0]


def test_old_style_cell_tracks_the_variables_its_call_creates():
    class GetVariableCell(rnn_cell.RNNCell):
        state_size = output_size = 2

        def call(self, inputs, state):
            w = v1.get_variable("w", [int(inputs.shape[-1]) + 2, 2])
            return tf.matmul(tf.concat([inputs, state], 1), w), state

    with tf.Graph().as_default():
        cell = GetVariableCell()
        v1.nn.dynamic_rnn(cell, ones(1, 3, 4), dtype=tf.float32)
        assert [v.op.name for v in cell.weights] == ["rnn/get_variable_cell/w"]


@needs_tracking
def test_functional_keras3_model_fits_with_layers_cells_and_batch_norm():
    import keras

    class Net(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, x, training=None):
            with v1.variable_scope("net"):
                h = layers.dense(x, 6, activation=tf.nn.relu, kernel_regularizer="l2")
                h = layers.batch_normalization(h, training=training)
                # dynamic_rnn gives its scope a device-function caching device
                sequence = tf.stack([h, h], axis=1)
                out, _ = v1.nn.dynamic_rnn(rnn_cell.GRUCell(3), sequence, dtype=tf.float32)
                return layers.dense(out[:, -1], 1)

    inputs = keras.Input((4,))
    net = Net()
    model = keras.Model(inputs, net(inputs))
    model.compile("sgd", "mse")
    data = np.random.RandomState(0).rand(16, 4).astype("float32")
    history = model.fit(data, data[:, :1], epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    variables = tf1compat.tf1_variables(net)
    assert "net/rnn/gru_cell/gates/kernel" in variables
    assert np.any(variables["net/batch_normalization/moving_mean"].numpy() != 0)


def test_name_is_the_given_or_class_name_and_scope_name_the_variable_scope():
    with tf.Graph().as_default(), v1.variable_scope("outer"):
        named, unnamed = layers.Dense(2, name="head"), layers.Dense(2)
        with pytest.raises(ValueError, match="not been used yet"):
            named.scope_name
        named(ones(1, 3))
        unnamed(ones(1, 3))
    assert (named.name, named.scope_name) == ("head", "outer/head")
    assert (unnamed.name, unnamed.scope_name) == ("dense", "outer/dense")


def test_variational_dropout_keeps_one_mask_across_time_steps():
    with tf.Graph().as_default():  # the wrapper draws its noise when built, as in TF1
        cell = rnn_cell.DropoutWrapper(
            rnn_cell.BasicRNNCell(40),
            output_keep_prob=0.5,
            variational_recurrent=True,
            dtype=tf.float32,
            seed=7,
        )
        outputs, _ = v1.nn.dynamic_rnn(cell, ones(3, 5, 4), dtype=tf.float32)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            dropped = sess.run(outputs) == 0
    assert dropped.any() and not dropped.all()
    for step in range(1, 5):
        np.testing.assert_array_equal(dropped[:, step], dropped[:, 0])


def test_dropout_wrapper_accepts_a_keep_probability_tensor():
    with tf.Graph().as_default():
        keep = v1.placeholder_with_default(1.0, [])
        cell = rnn_cell.DropoutWrapper(rnn_cell.GRUCell(30), output_keep_prob=keep, seed=1)
        outputs, _ = v1.nn.dynamic_rnn(cell, ones(2, 3, 4), dtype=tf.float32)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            kept_all = sess.run(outputs)
            halved = sess.run(outputs, {keep: 0.5})
    assert not np.any(kept_all == 0)
    assert np.any(halved == 0)


def test_symbolic_keras_inputs_get_a_pointer_to_the_decorator():
    import keras

    with pytest.raises(TypeError, match="track_tf1_style_variables"):
        layers.Dense(2)(keras.Input((3,)))


@needs_tracking
def test_scope_and_layer_regularizers_add_up_to_the_tf1_total_in_tf2():
    def model(x, training):
        with v1.variable_scope("both", regularizer=lambda w: 0.5 * tf.reduce_sum(w)):
            return layers.dense(x, 2, kernel_regularizer=lambda w: tf.reduce_sum(tf.square(w)))

    layer = _decorated(model)
    x = ones(3, 4)
    layer(x)
    kernel, bias = (tf1compat.tf1_variables(layer)[f"both/dense/{n}"] for n in ("kernel", "bias"))
    expected = 0.5 * tf.reduce_sum(kernel) + tf.reduce_sum(tf.square(kernel))
    expected += 0.5 * tf.reduce_sum(bias)
    np.testing.assert_allclose(float(tf.add_n(layer.losses)), float(expected), rtol=1e-6)
