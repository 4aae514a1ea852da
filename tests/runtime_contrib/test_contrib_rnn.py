"""The contrib RNN cells: TF 1.15 names, and maths against TensorFlow's own fused kernels.

There is no tf-keras reference for the contrib cells, so the names come from TF 1.15's
source (``lstm_ops.py``, ``gru_ops.py``, ``rnn_cell.py``) and the numbers from the raw
``LSTMBlockCell`` / ``GRUBlockCell`` kernels those classes called (still in TF 2.21), or,
for ``LayerNormBasicLSTMCell``, from the formula written out in numpy.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tf1compat.contrib import rnn

v1 = tf.compat.v1


def _const(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


def _graph_names(build):
    graph = tf.Graph()
    with graph.as_default():
        build()
        return [(v.op.name, tuple(v.shape.as_list())) for v in v1.global_variables()]


def _run_rnn(cell_fn, x):
    return v1.nn.static_rnn(cell_fn(), tf.unstack(x, axis=1), dtype=tf.float32)  # scope "rnn"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: rnn.LSTMBlockCell(4), [("rnn/lstm_cell/kernel", (7, 16)), ("rnn/lstm_cell/bias", (16,))]),
        (
            lambda: rnn.LSTMBlockCell(4, use_peephole=True),
            [
                ("rnn/lstm_cell/kernel", (7, 16)),
                ("rnn/lstm_cell/bias", (16,)),
                ("rnn/lstm_cell/w_i_diag", (4,)),
                ("rnn/lstm_cell/w_f_diag", (4,)),
                ("rnn/lstm_cell/w_o_diag", (4,)),
            ],
        ),
        (
            lambda: rnn.GRUBlockCell(4),
            [
                ("rnn/gru_cell/gates/kernel", (7, 8)),
                ("rnn/gru_cell/gates/bias", (8,)),
                ("rnn/gru_cell/candidate/kernel", (7, 4)),
                ("rnn/gru_cell/candidate/bias", (4,)),
            ],
        ),
        (
            lambda: rnn.LayerNormBasicLSTMCell(4),
            [("rnn/layer_norm_basic_lstm_cell/kernel", (7, 16))]
            + [
                (f"rnn/layer_norm_basic_lstm_cell/{part}/{p}", (4,))
                for part in ("input", "transform", "forget", "output", "state")
                for p in ("gamma", "beta")
            ],
        ),
        (
            lambda: rnn.LayerNormBasicLSTMCell(4, layer_norm=False),
            [
                ("rnn/layer_norm_basic_lstm_cell/kernel", (7, 16)),
                ("rnn/layer_norm_basic_lstm_cell/bias", (16,)),
            ],
        ),
        (
            lambda: rnn.MultiRNNCell([rnn.LSTMBlockCell(4), rnn.GRUBlockCell(4)]),
            [
                ("rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", (7, 16)),
                ("rnn/multi_rnn_cell/cell_0/lstm_cell/bias", (16,)),
                ("rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel", (8, 8)),
                ("rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias", (8,)),
                ("rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel", (8, 4)),
                ("rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias", (4,)),
            ],
        ),
    ],
    ids=["lstm-block", "lstm-block-peephole", "gru-block", "layer-norm-lstm", "layer-norm-off", "multi"],
)
def test_tf115_variable_names(make, expected):
    x = _const(2, 3, 3)
    assert _graph_names(lambda: _run_rnn(make, tf.constant(x))) == expected

    class Layer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return _run_rnn(make, inputs)[0][-1]

    layer = Layer()
    layer(tf.constant(x))
    assert [(n, tuple(v.shape.as_list())) for n, v in tf1compat.tf1_variables(layer).items()] == expected


@pytest.mark.parametrize(
    ("peephole", "clip"), [(False, None), (True, None), (True, 0.3)], ids=["plain", "peephole", "clip"]
)
def test_lstm_block_cell_matches_the_fused_kernel(peephole, clip):
    cell = rnn.LSTMBlockCell(5, forget_bias=0.7, use_peephole=peephole, cell_clip=clip)
    x, c, h = tf.constant(_const(3, 4)), tf.constant(_const(3, 5, seed=1)), tf.constant(_const(3, 5, seed=2))

    class Layer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return cell(inputs, rnn.LSTMStateTuple(c, h))

    layer = Layer()
    layer(x)
    variables = tf1compat.tf1_variables(layer)
    for i, v in enumerate(variables.values()):
        v.assign(_const(*v.shape.as_list(), seed=10 + i))
    out, state = layer(x)
    zeros = tf.zeros([5])
    ref = tf.raw_ops.LSTMBlockCell(
        x=x, cs_prev=c, h_prev=h, w=variables["lstm_cell/kernel"],
        wci=variables["lstm_cell/w_i_diag"] if peephole else zeros,
        wcf=variables["lstm_cell/w_f_diag"] if peephole else zeros,
        wco=variables["lstm_cell/w_o_diag"] if peephole else zeros,
        b=variables["lstm_cell/bias"], forget_bias=0.7,
        cell_clip=clip if clip is not None else -1.0, use_peephole=peephole,
    )
    np.testing.assert_allclose(state.c, ref.cs, atol=1e-6)
    np.testing.assert_allclose(out, ref.h, atol=1e-6)
    np.testing.assert_allclose(state.h, ref.h, atol=1e-6)


def test_gru_block_cell_matches_the_fused_kernel():
    cell = rnn.GRUBlockCell(5)
    x, h = tf.constant(_const(3, 4)), tf.constant(_const(3, 5, seed=1))

    class Layer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return cell(inputs, h)

    layer = Layer()
    layer(x)
    variables = tf1compat.tf1_variables(layer)
    for i, v in enumerate(variables.values()):
        v.assign(_const(*v.shape.as_list(), seed=10 + i))
    out, state = layer(x)
    ref = tf.raw_ops.GRUBlockCell(
        x=x, h_prev=h, w_ru=variables["gru_cell/gates/kernel"],
        w_c=variables["gru_cell/candidate/kernel"], b_ru=variables["gru_cell/gates/bias"],
        b_c=variables["gru_cell/candidate/bias"],
    )
    np.testing.assert_allclose(out, ref.h, atol=1e-6)
    np.testing.assert_allclose(state, ref.h, atol=1e-6)


def _np_layer_norm(x, gamma, beta):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * gamma + beta


def test_layer_norm_basic_lstm_cell_formula():
    cell = rnn.LayerNormBasicLSTMCell(3, forget_bias=0.5, norm_gain=1.5, norm_shift=0.1)
    x, c, h = _const(2, 4), _const(2, 3, seed=1), _const(2, 3, seed=2)

    class Layer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return cell(inputs, rnn.LSTMStateTuple(tf.constant(c), tf.constant(h)))

    layer = Layer()
    out, state = layer(tf.constant(x))
    variables = {k: v.numpy() for k, v in tf1compat.tf1_variables(layer).items()}
    assert np.allclose(variables["layer_norm_basic_lstm_cell/input/gamma"], 1.5)
    assert np.allclose(variables["layer_norm_basic_lstm_cell/state/beta"], 0.1)
    w = variables["layer_norm_basic_lstm_cell/kernel"]

    def norm(t, part):
        base = f"layer_norm_basic_lstm_cell/{part}/"
        return _np_layer_norm(t, variables[base + "gamma"], variables[base + "beta"])

    sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ w, 4, axis=1)
    new_c = c * sigmoid(norm(f, "forget") + 0.5) + sigmoid(norm(i, "input")) * np.tanh(norm(j, "transform"))
    new_c = norm(new_c, "state")
    new_h = np.tanh(new_c) * sigmoid(norm(o, "output"))
    np.testing.assert_allclose(state.c, new_c, atol=1e-5)
    np.testing.assert_allclose(out, new_h, atol=1e-5)


def test_core_cell_aliases_are_tf1compat_cells():
    assert rnn.LSTMCell is tf1compat.nn.rnn_cell.LSTMCell
    assert rnn.MultiRNNCell is tf1compat.nn.rnn_cell.MultiRNNCell
    assert rnn.static_rnn is v1.nn.static_rnn
