"""tf1compat.contrib.rnn.AttentionCellWrapper against TF 1.15's, in three ways.

No genuine TF 1.15 (so no ``tf.contrib.rnn``) can be installed next to TF 2.21. The
reference is therefore built in the oracle child from tf-keras's genuine legacy RNN cells
(``tf.compat.v1.nn.rnn_cell``, the TF 1.15 ``rnn_cell_impl`` code that moved to tf-keras):
``REFERENCE`` below transcribes TF 1.15's ``contrib/rnn/python/ops/rnn_cell.py``
``AttentionCellWrapper`` and ``core_rnn_cell._Linear`` (cached linear maps, ``kernel`` and
``bias``) onto that ``RNNCell`` base, whose ``__call__`` makes the scopes (layer name from
the class name, ``rnncell_scope`` custom getter, reuse after the first step). So the
scope naming is TensorFlow's own, the arithmetic follows the published algorithm op for op.

Checked: (a) the TF 1.15 variable names and shapes written out from the source
(``test_tf115_names_and_shapes``); (b) names, shapes, dtypes, trainability, creation order
and outputs after copying the reference's weights, in a TF1 graph and inside a decorated
Keras 3 layer, eagerly and in ``tf.function``, over ``dynamic_rnn``, ``static_rnn`` and a
single step, with tuple and concatenated states; (c) one step against the formula written
out in numpy (an arithmetic check independent of both transcriptions).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import tf1compat
from tests.runtime_contrib.harness import Case, compare_decorated, compare_graph
from tests.runtime_layers.harness import PRELUDE
from tf1compat.contrib import rnn

v1 = tf.compat.v1

#: Oracle side only: TF 1.15's AttentionCellWrapper on tf-keras's legacy RNNCell.
REFERENCE = '''
import types

from tensorflow.python.util import nest

legacy = tf.compat.v1.nn.rnn_cell


class _Linear:
    """core_rnn_cell._Linear of TF 1.15: variables made once, in the scope current then."""

    def __init__(self, args, output_size, build_bias):
        self._is_sequence = nest.is_nested(args)
        args = list(args) if self._is_sequence else [args]
        total = sum(a.get_shape()[1] for a in args)
        dtype = args[0].dtype
        scope = tf.compat.v1.get_variable_scope()
        with tf.compat.v1.variable_scope(scope) as outer_scope:
            self._weights = tf.compat.v1.get_variable("kernel", [total, output_size], dtype=dtype)
            self._build_bias = build_bias
            if build_bias:
                with tf.compat.v1.variable_scope(outer_scope) as inner_scope:
                    inner_scope.set_partitioner(None)
                    self._biases = tf.compat.v1.get_variable(
                        "bias", [output_size], dtype=dtype,
                        initializer=tf.compat.v1.constant_initializer(0.0, dtype=dtype))

    def __call__(self, args):
        args = list(args) if self._is_sequence else [args]
        if len(args) == 1:
            res = tf.matmul(args[0], self._weights)
        else:
            res = tf.matmul(tf.concat(args, tf.constant(1, dtype=tf.int32)), self._weights)
        if self._build_bias:
            res = tf.nn.bias_add(res, self._biases)
        return res


class AttentionCellWrapper(legacy.RNNCell):
    def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None,
                 input_size=None, state_is_tuple=True, reuse=None):
        super().__init__(_reuse=reuse)
        if nest.is_nested(cell.state_size) and not state_is_tuple:
            raise ValueError(
                "Cell returns tuple of states, but the flag state_is_tuple is not set.")
        if attn_length <= 0:
            raise ValueError("attn_length should be greater than zero, got %s" % attn_length)
        if attn_size is None:
            attn_size = cell.output_size
        if attn_vec_size is None:
            attn_vec_size = attn_size
        self._state_is_tuple = state_is_tuple
        self._cell = cell
        self._attn_vec_size = attn_vec_size
        self._input_size = input_size
        self._attn_size = attn_size
        self._attn_length = attn_length
        self._linear1 = None
        self._linear2 = None
        self._linear3 = None

    @property
    def state_size(self):
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(list(size))

    @property
    def output_size(self):
        return self._attn_size

    def call(self, inputs, state):
        if self._state_is_tuple:
            state, attns, attn_states = state
        else:
            states = state
            state = tf.slice(states, [0, 0], [-1, self._cell.state_size])
            attns = tf.slice(states, [0, self._cell.state_size], [-1, self._attn_size])
            attn_states = tf.slice(states, [0, self._cell.state_size + self._attn_size],
                                   [-1, self._attn_size * self._attn_length])
        attn_states = tf.reshape(attn_states, [-1, self._attn_length, self._attn_size])
        input_size = self._input_size
        if input_size is None:
            input_size = inputs.get_shape().as_list()[1]
        if self._linear1 is None:
            self._linear1 = _Linear([inputs, attns], input_size, True)
        inputs = self._linear1([inputs, attns])
        cell_output, new_state = self._cell(inputs, state)
        if self._state_is_tuple:
            new_state_cat = tf.concat(nest.flatten(new_state), 1)
        else:
            new_state_cat = new_state
        new_attns, new_attn_states = self._attention(new_state_cat, attn_states)
        with tf.compat.v1.variable_scope("attn_output_projection"):
            if self._linear2 is None:
                self._linear2 = _Linear([cell_output, new_attns], self._attn_size, True)
            output = self._linear2([cell_output, new_attns])
        new_attn_states = tf.concat([new_attn_states, tf.expand_dims(output, 1)], 1)
        new_attn_states = tf.reshape(new_attn_states, [-1, self._attn_length * self._attn_size])
        new_state = (new_state, new_attns, new_attn_states)
        if not self._state_is_tuple:
            new_state = tf.concat(list(new_state), 1)
        return output, new_state

    def _attention(self, query, attn_states):
        with tf.compat.v1.variable_scope("attention"):
            k = tf.compat.v1.get_variable("attn_w", [1, 1, self._attn_size, self._attn_vec_size])
            v = tf.compat.v1.get_variable("attn_v", [self._attn_vec_size])
            hidden = tf.reshape(attn_states, [-1, self._attn_length, 1, self._attn_size])
            hidden_features = tf.compat.v1.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            if self._linear3 is None:
                self._linear3 = _Linear(query, self._attn_vec_size, True)
            y = self._linear3(query)
            y = tf.reshape(y, [-1, 1, 1, self._attn_vec_size])
            s = tf.reduce_sum(v * tf.tanh(hidden_features + y), [2, 3])
            a = tf.nn.softmax(s)
            d = tf.reduce_sum(tf.reshape(a, [-1, self._attn_length, 1, 1]) * hidden, [1, 2])
            new_attns = tf.reshape(d, [-1, self._attn_size])
            new_attn_states = tf.slice(attn_states, [0, 1, 0], [-1, -1, -1])
            return new_attns, new_attn_states


def reference_rnn():
    return types.SimpleNamespace(
        AttentionCellWrapper=AttentionCellWrapper,
        BasicLSTMCell=legacy.BasicLSTMCell,
        LSTMCell=legacy.LSTMCell,
        GRUCell=legacy.GRUCell,
        MultiRNNCell=legacy.MultiRNNCell,
        LSTMStateTuple=legacy.LSTMStateTuple,
    )
'''

#: ``model(rnn)``: ``rnn`` is the reference namespace (oracle) or tf1compat.contrib.rnn.
CASES: dict[str, Case] = {
    "dynamic-rnn-basic-lstm-defaults": Case(
        """
def model(rnn):
    cell = rnn.AttentionCellWrapper(rnn.BasicLSTMCell(4), attn_length=3)
    outputs, state = tf.compat.v1.nn.dynamic_rnn(cell, const(2, 5, 3), dtype=tf.float32)
    (c, h), attns, attn_states = state
    return {"outputs": outputs, "c": c, "h": h, "attns": attns, "attn_states": attn_states}
"""
    ),
    "dynamic-rnn-sizes-and-gru": Case(
        """
def model(rnn):
    cell = rnn.AttentionCellWrapper(rnn.GRUCell(5), attn_length=4, attn_size=3,
                                    attn_vec_size=6, input_size=2)
    lengths = tf.constant([4, 2])
    outputs, state = tf.compat.v1.nn.dynamic_rnn(
        cell, const(2, 4, 3, seed=1), sequence_length=lengths, dtype=tf.float32, scope="enc")
    h, attns, attn_states = state
    return {"outputs": outputs, "h": h, "attns": attns, "attn_states": attn_states}
"""
    ),
    "dynamic-rnn-concatenated-state": Case(
        """
def model(rnn):
    cell = rnn.AttentionCellWrapper(rnn.BasicLSTMCell(3, state_is_tuple=False),
                                    attn_length=2, state_is_tuple=False)
    outputs, state = tf.compat.v1.nn.dynamic_rnn(cell, const(3, 4, 2, seed=2), dtype=tf.float32)
    return {"outputs": outputs, "state": state}
"""
    ),
    "static-rnn-projected-lstm-in-scope": Case(
        """
def model(rnn):
    init = tf.compat.v1.random_uniform_initializer(-0.3, 0.3)
    with tf.compat.v1.variable_scope("decoder", initializer=init):
        cell = rnn.AttentionCellWrapper(rnn.LSTMCell(4, num_proj=3), attn_length=3,
                                        attn_vec_size=5)
        steps = tf.unstack(const(2, 3, 4, seed=3), axis=1)
        outputs, state = tf.compat.v1.nn.static_rnn(cell, steps, dtype=tf.float32)
    (c, m), attns, attn_states = state
    return {"last": outputs[-1], "first": outputs[0], "c": c, "m": m,
            "attns": attns, "attn_states": attn_states}
"""
    ),
    "multi-rnn-cell-inside-and-single-step": Case(
        """
def model(rnn):
    inner = rnn.MultiRNNCell([rnn.BasicLSTMCell(3), rnn.GRUCell(3)])
    cell = rnn.AttentionCellWrapper(inner, attn_length=2)
    zero = cell.zero_state(2, tf.float32)
    state = ((rnn.LSTMStateTuple(const(2, 3, seed=4), const(2, 3, seed=5)), const(2, 3, seed=6)),
             const(2, 3, seed=7), const(2, 6, seed=8))
    with tf.compat.v1.variable_scope("root"):
        out1, state1 = cell(const(2, 4, seed=9), state)
        out2, state2 = cell(const(2, 4, seed=10), state1)     # second step reuses
    ((c, h), g), attns, attn_states = state2
    return {"out1": out1, "out2": out2, "c": c, "h": h, "g": g, "attns": attns,
            "attn_states": attn_states, "zero": zero[2]}
"""
    ),
    "wrapped-in-multi-rnn-cell": Case(
        """
def model(rnn):
    cells = [rnn.AttentionCellWrapper(rnn.BasicLSTMCell(4), attn_length=2) for _ in range(2)]
    outputs, _ = tf.compat.v1.nn.dynamic_rnn(rnn.MultiRNNCell(cells), const(2, 3, 4, seed=11),
                                             dtype=tf.float32)
    return {"outputs": outputs}
"""
    ),
}


def _oracle_code(case: Case) -> str:
    return (
        PRELUDE
        + REFERENCE
        + case.source
        + "\n\ndef run():\n    return graph_report(lambda: model(reference_rnn()))\n"
    )


ORACLE_CASES = {
    f"runtime_contrib/attention/{name}": _oracle_code(case) for name, case in CASES.items()
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf1_graph_matches_reference(oracle, name):
    compare_graph(CASES[name], oracle[f"runtime_contrib/attention/{name}"], slim=rnn)


@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decorated_keras3_layer_matches_reference(oracle, name, in_function):
    compare_decorated(
        CASES[name], oracle[f"runtime_contrib/attention/{name}"], in_function=in_function, slim=rnn
    )


def test_tf115_names_and_shapes(oracle):
    """The TF 1.15 layout, written out: input projection, wrapped cell, attention, output."""
    expected = [
        ("rnn/attention_cell_wrapper/kernel", (3 + 4, 3)),
        ("rnn/attention_cell_wrapper/bias", (3,)),
        ("rnn/attention_cell_wrapper/basic_lstm_cell/kernel", (3 + 4, 16)),
        ("rnn/attention_cell_wrapper/basic_lstm_cell/bias", (16,)),
        ("rnn/attention_cell_wrapper/attention/attn_w", (1, 1, 4, 4)),
        ("rnn/attention_cell_wrapper/attention/attn_v", (4,)),
        ("rnn/attention_cell_wrapper/attention/kernel", (8, 4)),
        ("rnn/attention_cell_wrapper/attention/bias", (4,)),
        ("rnn/attention_cell_wrapper/attn_output_projection/kernel", (8, 4)),
        ("rnn/attention_cell_wrapper/attn_output_projection/bias", (4,)),
    ]
    reference = oracle["runtime_contrib/attention/dynamic-rnn-basic-lstm-defaults"]
    assert [(n, s) for n, s, _, _ in reference["variables"]] == expected
    sized = oracle["runtime_contrib/attention/dynamic-rnn-sizes-and-gru"]
    assert [(n, s) for n, s, _, _ in sized["variables"]] == [
        ("enc/attention_cell_wrapper/kernel", (3 + 3, 2)),
        ("enc/attention_cell_wrapper/bias", (2,)),
        ("enc/attention_cell_wrapper/gru_cell/gates/kernel", (2 + 5, 10)),
        ("enc/attention_cell_wrapper/gru_cell/gates/bias", (10,)),
        ("enc/attention_cell_wrapper/gru_cell/candidate/kernel", (2 + 5, 5)),
        ("enc/attention_cell_wrapper/gru_cell/candidate/bias", (5,)),
        ("enc/attention_cell_wrapper/attention/attn_w", (1, 1, 3, 6)),
        ("enc/attention_cell_wrapper/attention/attn_v", (6,)),
        ("enc/attention_cell_wrapper/attention/kernel", (5, 6)),
        ("enc/attention_cell_wrapper/attention/bias", (6,)),
        ("enc/attention_cell_wrapper/attn_output_projection/kernel", (5 + 3, 3)),
        ("enc/attention_cell_wrapper/attn_output_projection/bias", (3,)),
    ]


def _const(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


def test_one_step_against_the_formula_in_numpy():
    cell = rnn.AttentionCellWrapper(rnn.GRUCell(3), attn_length=4, attn_size=2, attn_vec_size=5)
    x, h = _const(2, 3), _const(2, 3, seed=1)
    attns, window = _const(2, 2, seed=2), _const(2, 8, seed=3)

    class Layer(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, inputs):
            return cell(inputs, (tf.constant(h), tf.constant(attns), tf.constant(window)))

    layer = Layer()
    layer(tf.constant(x))
    variables = tf1compat.tf1_variables(layer)
    for i, variable in enumerate(variables.values()):
        variable.assign(_const(*variable.shape.as_list(), seed=20 + i))
    output, (new_h, new_attns, new_window) = layer(tf.constant(x))
    w = {name.removeprefix("attention_cell_wrapper/"): v.numpy() for name, v in variables.items()}

    sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    cell_in = np.concatenate([x, attns], 1) @ w["kernel"] + w["bias"]
    gates = np.concatenate([cell_in, h], 1) @ w["gru_cell/gates/kernel"] + w["gru_cell/gates/bias"]
    gates = sigmoid(gates)
    r, u = np.split(gates, 2, axis=1)
    cand = np.concatenate([cell_in, r * h], 1) @ w["gru_cell/candidate/kernel"]
    cand = np.tanh(cand + w["gru_cell/candidate/bias"])
    gru_h = u * h + (1 - u) * cand
    slots = window.reshape(2, 4, 2)  # [batch, length, size]
    features = slots @ w["attention/attn_w"][0, 0]  # [batch, length, vec]
    query = gru_h @ w["attention/kernel"] + w["attention/bias"]  # [batch, vec]
    scores = (w["attention/attn_v"] * np.tanh(features + query[:, None, :])).sum(-1)
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    context = (weights[:, :, None] * slots).sum(1)
    out = np.concatenate([gru_h, context], 1) @ w["attn_output_projection/kernel"]
    out += w["attn_output_projection/bias"]
    np.testing.assert_allclose(new_h, gru_h, atol=1e-5)
    np.testing.assert_allclose(new_attns, context, atol=1e-5)
    np.testing.assert_allclose(output, out, atol=1e-5)
    pushed = np.concatenate([slots[:, 1:], out[:, None]], 1).reshape(2, 8)
    np.testing.assert_allclose(new_window, pushed, atol=1e-5)


def test_constructor_checks_like_tf115():
    with pytest.raises(TypeError, match="The argument 'cell' .* is not an RNNCell"):
        rnn.AttentionCellWrapper(None, 2)
    with pytest.raises(ValueError, match="attn_length should be greater than zero, got 0"):
        rnn.AttentionCellWrapper(rnn.GRUCell(3), 0)
    with pytest.raises(ValueError, match="Cell returns tuple of states, but the flag"):
        rnn.AttentionCellWrapper(rnn.BasicLSTMCell(3), 2, state_is_tuple=False)
    cell = rnn.AttentionCellWrapper(rnn.BasicLSTMCell(3), 4, attn_size=2)
    assert cell.state_size == (rnn.LSTMStateTuple(3, 3), 2, 8)
    assert cell.output_size == 2
    flat = rnn.AttentionCellWrapper(rnn.GRUCell(3), 4, state_is_tuple=False)
    assert flat.state_size == 3 + 3 + 12
