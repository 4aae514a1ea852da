"""tf1compat.nn.rnn_cell against tf-keras's legacy tf.compat.v1.nn.rnn_cell, case by case.

The cells run under TensorFlow's own dynamic_rnn / static_rnn / bidirectional_dynamic_rnn,
so these cases also prove the cells satisfy what those drivers expect.
"""

from __future__ import annotations

import pytest

from tests.runtime_layers.harness import (
    Case,
    compare_decorated,
    compare_graph,
    oracle_cases,
    tracking_available,
)

CASES: dict[str, Case] = {
    "basic-rnn-and-gru-dynamic-with-lengths": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 5, 4)
    lengths = tf.constant([5, 2, 4])
    rnn_out, rnn_state = tf.compat.v1.nn.dynamic_rnn(
        rnn_cell.BasicRNNCell(3), x, sequence_length=lengths, dtype=tf.float32, scope="plain")
    gru_out, gru_state = tf.compat.v1.nn.dynamic_rnn(
        rnn_cell.GRUCell(4), x, sequence_length=lengths, dtype=tf.float32)
    return {"rnn_out": rnn_out, "rnn_state": rnn_state, "gru_out": gru_out, "gru_state": gru_state}
"""
    ),
    "basic-lstm-static-rnn-tuple-and-concat-state": Case(
        """
def model(layers, rnn_cell):
    steps = tf.unstack(const(2, 4, 3), axis=1)
    tuple_out, tuple_state = tf.compat.v1.nn.static_rnn(
        rnn_cell.BasicLSTMCell(5, forget_bias=0.5), steps, dtype=tf.float32, scope="tuple")
    concat_out, concat_state = tf.compat.v1.nn.static_rnn(
        rnn_cell.BasicLSTMCell(3, state_is_tuple=False), steps, dtype=tf.float32, scope="concat")
    return {"tuple_out": tuple_out[-1], "c": tuple_state.c, "h": tuple_state.h,
            "concat_out": concat_out[-1], "concat_state": concat_state}
"""
    ),
    "lstm-peepholes-clips-projection": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 6, 3)
    cell = rnn_cell.LSTMCell(5, use_peepholes=True, cell_clip=0.5, num_proj=3, proj_clip=0.3, forget_bias=0.7)
    out, state = tf.compat.v1.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    flat = rnn_cell.LSTMCell(4, state_is_tuple=False, num_proj=2)
    flat_out, flat_state = tf.compat.v1.nn.dynamic_rnn(flat, x, dtype=tf.float32, scope="flat")
    return {"out": out, "c": state.c, "h": state.h, "flat_out": flat_out, "flat_state": flat_state}
"""
    ),
    "multi-rnn-two-lstm-with-projection": Case(
        """
def model(layers, rnn_cell):
    x = const(3, 4, 2)
    cells = [rnn_cell.LSTMCell(6, num_proj=4), rnn_cell.LSTMCell(5, num_proj=3)]
    out, state = tf.compat.v1.nn.dynamic_rnn(
        rnn_cell.MultiRNNCell(cells), x, sequence_length=tf.constant([4, 1, 3]), dtype=tf.float32)
    return {"out": out, "c0": state[0].c, "h1": state[1].h}
"""
    ),
    "multi-rnn-gru-names-and-bidirectional": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 5, 3)
    stacked = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(4), rnn_cell.GRUCell(3)])
    out, _ = tf.compat.v1.nn.dynamic_rnn(stacked, x, dtype=tf.float32)
    (fw, bw), (fw_state, bw_state) = tf.compat.v1.nn.bidirectional_dynamic_rnn(
        rnn_cell.LSTMCell(3), rnn_cell.GRUCell(2), x, sequence_length=tf.constant([5, 3]), dtype=tf.float32)
    return {"out": out, "fw": fw, "bw": bw, "fw_h": fw_state.h, "bw_state": bw_state}
"""
    ),
    "wrappers-and-direct-cell-calls": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 3, 4)
    residual = rnn_cell.ResidualWrapper(rnn_cell.GRUCell(4))
    res_out, _ = tf.compat.v1.nn.dynamic_rnn(residual, x, dtype=tf.float32, scope="res")
    kept = rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(3), input_keep_prob=1.0, output_keep_prob=1.0)
    kept_out, _ = tf.compat.v1.nn.dynamic_rnn(kept, x, dtype=tf.float32, scope="drop")
    cell = rnn_cell.BasicRNNCell(3)
    step = const(2, 4, seed=2)
    state = cell.zero_state(2, tf.float32)
    with tf.compat.v1.variable_scope("direct"):
        first, state = cell(step, state)
        second, state = cell(step, state)
    scoped, _ = rnn_cell.GRUCell(2)(step, tf.zeros([2, 2]), scope="explicit")
    placed = rnn_cell.DeviceWrapper(rnn_cell.GRUCell(2), "/cpu:0")
    placed_out, _ = tf.compat.v1.nn.dynamic_rnn(placed, x, dtype=tf.float32, scope="placed")
    return {"res_out": res_out, "kept_out": kept_out, "first": first, "second": second,
            "scoped": scoped, "placed_out": placed_out}
"""
    ),
    "multi-rnn-concatenated-state-and-residual-fn": Case(
        """
def model(layers, rnn_cell):
    x = const(2, 4, 3)
    flat = rnn_cell.MultiRNNCell(
        [rnn_cell.GRUCell(3), rnn_cell.BasicRNNCell(2)], state_is_tuple=False)
    out, state = tf.compat.v1.nn.dynamic_rnn(flat, x, dtype=tf.float32)
    residual = rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(3), residual_fn=lambda i, o: i * o)
    res_out, _ = tf.compat.v1.nn.dynamic_rnn(residual, x, dtype=tf.float32, scope="res")
    return {"out": out, "state": state, "res_out": res_out}
"""
    ),
    "lstm-partitioned-weights-tf1-graph-only": Case(
        """
def model(layers, rnn_cell):
    cell = rnn_cell.LSTMCell(4, num_unit_shards=2, num_proj=2, num_proj_shards=2)
    out, state = tf.compat.v1.nn.dynamic_rnn(cell, const(2, 3, 5), dtype=tf.float32)
    return {"out": out, "c": state.c}
""",
        graph_only="the TF2 variable store refuses partitioners (LAYERS.md)",
    ),
    "custom-cell-with-get-variable-in-call": Case(
        """
def model(layers, rnn_cell):
    class MinimalCell(rnn_cell.RNNCell):
        def __init__(self, units):
            super().__init__()
            self._units = units

        @property
        def state_size(self):
            return self._units

        @property
        def output_size(self):
            return self._units

        def call(self, inputs, state):
            depth = int(inputs.shape[-1]) + self._units
            w = tf.compat.v1.get_variable("w", [depth, self._units])
            b = tf.compat.v1.get_variable("b", [self._units], initializer=tf.compat.v1.zeros_initializer())
            out = tf.tanh(tf.matmul(tf.concat([inputs, state], 1), w) + b)
            return out, out

    x = const(2, 4, 3)
    out, state = tf.compat.v1.nn.dynamic_rnn(MinimalCell(5), x, dtype=tf.float32)
    return {"out": out, "state": state}
"""
    ),
}

ORACLE_CASES = oracle_cases(CASES, prefix="runtime_rnn_cells/")

needs_tracking = pytest.mark.skipif(
    not tracking_available(),
    reason="tf1compat.tracking (the decorator) is not in this checkout yet",
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_tf1_graph_matches_legacy_cells(oracle, name):
    compare_graph(CASES[name], oracle[f"runtime_rnn_cells/{name}"])


@needs_tracking
@pytest.mark.parametrize("in_function", [False, True], ids=["eager", "tf_function"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_decorated_keras3_layer_matches_legacy_cells(oracle, name, in_function):
    compare_decorated(CASES[name], oracle[f"runtime_rnn_cells/{name}"], in_function=in_function)
