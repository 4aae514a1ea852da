"""``tf.contrib.rnn`` on tf1compat: the contrib cells, and the aliases of the core cells.

The core cells (``LSTMCell``, ``GRUCell``, ``MultiRNNCell``, the wrappers...) are
``tf1compat.nn.rnn_cell``'s; the contrib ones keep TF 1.15's names:

- ``LSTMBlockCell``: ``lstm_cell/kernel`` ``[in+units, 4*units]``, ``lstm_cell/bias``
  (gates i, c, f, o), peepholes ``w_i_diag``/``w_f_diag``/``w_o_diag``;
- ``GRUBlockCell``: ``gru_cell/gates/{kernel,bias}``, ``gru_cell/candidate/{kernel,bias}``;
- ``LayerNormBasicLSTMCell``: ``layer_norm_basic_lstm_cell/kernel`` and one
  ``{input,transform,forget,output,state}/{gamma,beta}`` pair per normalised tensor.

The drivers (``static_rnn``, ``static_bidirectional_rnn``...) are TensorFlow's own
``tf.compat.v1.nn`` functions, which accept these cells.

Example::

    from tf1compat.contrib import rnn

    cell = rnn.MultiRNNCell([rnn.LSTMBlockCell(64) for _ in range(2)])
    outputs, state = tf.compat.v1.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from tf1compat.nn.rnn_cell import (
    BasicLSTMCell,
    BasicRNNCell,
    DeviceWrapper,
    DropoutWrapper,
    GRUCell,
    LayerRNNCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    ResidualWrapper,
    RNNCell,
)

v1 = tf.compat.v1

static_rnn = v1.nn.static_rnn
static_bidirectional_rnn = v1.nn.static_bidirectional_rnn
static_state_saving_rnn = v1.nn.static_state_saving_rnn

__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DeviceWrapper",
    "DropoutWrapper",
    "GRUBlockCell",
    "GRUBlockCellV2",
    "GRUCell",
    "LSTMBlockCell",
    "LSTMCell",
    "LSTMStateTuple",
    "LayerNormBasicLSTMCell",
    "LayerRNNCell",
    "MultiRNNCell",
    "RNNCell",
    "ResidualWrapper",
    "static_bidirectional_rnn",
    "static_rnn",
    "static_state_saving_rnn",
]


def _depth(input_shape: Any) -> int:
    depth = tf.TensorShape(input_shape)[-1]
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, received shape: {input_shape}")
    return int(depth)


class LSTMBlockCell(LayerRNNCell):
    """TF 1.15's fused LSTM cell, with its variable names (``lstm_cell/kernel``, ``bias``).

    Same maths as ``BasicLSTMCell`` (gate order i, c, f, o; ``forget_bias`` added to f),
    plus optional peepholes and cell clipping (``cell_clip=None`` means none).
    """

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        cell_clip: float | None = None,
        use_peephole: bool = False,
        dtype: Any = None,
        reuse: Any = None,
        name: str = "lstm_cell",
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = cell_clip if cell_clip is not None else -1

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape: Any) -> None:
        units = self._num_units
        self._kernel = self.add_weight("kernel", shape=[_depth(input_shape) + units, 4 * units])
        self._bias = self.add_weight(
            "bias", shape=[4 * units], initializer=v1.constant_initializer(0.0)
        )
        if self._use_peephole:
            self._w_i_diag = self.add_weight("w_i_diag", shape=[units])
            self._w_f_diag = self.add_weight("w_f_diag", shape=[units])
            self._w_o_diag = self.add_weight("w_o_diag", shape=[units])
        self.built = True

    def call(self, inputs: tf.Tensor, state: Any) -> tuple[tf.Tensor, LSTMStateTuple]:
        cs_prev, h_prev = state
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h_prev], 1), self._kernel), self._bias)
        i, ci, f, o = tf.split(gates, 4, axis=1)
        if self._use_peephole:
            i += cs_prev * self._w_i_diag
            f += cs_prev * self._w_f_diag
        i = tf.sigmoid(i)
        f = tf.sigmoid(f + self._forget_bias)
        cs = tf.tanh(ci) * i + cs_prev * f
        if self._cell_clip > 0:
            cs = tf.clip_by_value(cs, -self._cell_clip, self._cell_clip)
        if self._use_peephole:
            o += cs * self._w_o_diag
        h = tf.tanh(cs) * tf.sigmoid(o)
        return h, LSTMStateTuple(cs, h)


class GRUBlockCell(GRUCell):
    """TF 1.15's fused GRU cell: ``GRUCell`` maths and names, default scope ``gru_cell``."""

    def __init__(
        self,
        num_units: int | None = None,
        cell_size: int | None = None,
        reuse: Any = None,
        name: str = "gru_cell",
        **kwargs: Any,
    ):
        if num_units is None:
            if cell_size is None:
                raise ValueError("num_units must not be None")
            num_units = cell_size
        super().__init__(num_units, reuse=reuse, name=name, **kwargs)


GRUBlockCellV2 = GRUBlockCell


class LayerNormBasicLSTMCell(RNNCell):
    """LSTM with layer normalisation of every gate and the cell state (TF 1.15 contrib).

    Creates ``kernel`` (and ``bias`` only with ``layer_norm=False``) with ``get_variable``
    in ``call``, as TF 1.15 did, and per normalised tensor ``<name>/gamma`` (starting at
    ``norm_gain``) and ``<name>/beta`` (``norm_shift``), normalised by ``layer_norm``.
    """

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        input_size: Any = None,
        activation: Any = tf.tanh,
        layer_norm: bool = True,
        norm_gain: float = 1.0,
        norm_shift: float = 0.0,
        dropout_keep_prob: Any = 1.0,
        dropout_prob_seed: int | None = None,
        reuse: Any = None,
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_units

    def _norm(self, inp: tf.Tensor, scope: str, dtype: Any = tf.float32) -> tf.Tensor:
        from tf1compat.slim.layers.layers import layer_norm

        shape = inp.shape[-1:]
        with v1.variable_scope(scope):
            v1.get_variable(
                "gamma", shape=shape, initializer=v1.constant_initializer(self._norm_gain), dtype=dtype
            )
            v1.get_variable(
                "beta", shape=shape, initializer=v1.constant_initializer(self._norm_shift), dtype=dtype
            )
        return layer_norm(inp, reuse=True, scope=scope)

    def _linear(self, args: tf.Tensor) -> tf.Tensor:
        out_size = 4 * self._num_units
        proj_size = args.shape[-1]
        dtype = args.dtype
        weights = v1.get_variable("kernel", [proj_size, out_size], dtype=dtype)
        out = tf.matmul(args, weights)
        if not self._layer_norm:
            bias = v1.get_variable("bias", [out_size], dtype=dtype)
            out = tf.nn.bias_add(out, bias)
        return out

    def call(self, inputs: tf.Tensor, state: Any) -> tuple[tf.Tensor, LSTMStateTuple]:
        c, h = state
        concat = self._linear(tf.concat([inputs, h], 1))
        i, j, f, o = tf.split(concat, 4, axis=1)
        if self._layer_norm:
            i = self._norm(i, "input", dtype=inputs.dtype)
            j = self._norm(j, "transform", dtype=inputs.dtype)
            f = self._norm(f, "forget", dtype=inputs.dtype)
            o = self._norm(o, "output", dtype=inputs.dtype)
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = v1.nn.dropout(g, self._keep_prob, seed=self._seed)
        new_c = c * tf.sigmoid(f + self._forget_bias) + tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype=inputs.dtype)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)
