"""``tf.contrib.rnn`` on tf1compat: the contrib cells, and the aliases of the core cells.

The core cells (``LSTMCell``, ``GRUCell``, ``MultiRNNCell``, the wrappers...) are
``tf1compat.nn.rnn_cell``'s; the contrib ones keep TF 1.15's names:

- ``LSTMBlockCell``: ``lstm_cell/kernel`` ``[in+units, 4*units]``, ``lstm_cell/bias``
  (gates i, c, f, o), peepholes ``w_i_diag``/``w_f_diag``/``w_o_diag``;
- ``GRUBlockCell``: ``gru_cell/gates/{kernel,bias}``, ``gru_cell/candidate/{kernel,bias}``;
- ``LayerNormBasicLSTMCell``: ``layer_norm_basic_lstm_cell/kernel`` and one
  ``{input,transform,forget,output,state}/{gamma,beta}`` pair per normalised tensor;
- ``AttentionCellWrapper``: ``attention_cell_wrapper/{kernel,bias}`` (input projection),
  the wrapped cell under ``attention_cell_wrapper/``, ``attention/{attn_w,attn_v,kernel,bias}``
  and ``attn_output_projection/{kernel,bias}``.

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
    "AttentionCellWrapper",
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


def assert_like_rnncell(cell_name: str, cell: Any) -> None:
    """Raise ``TypeError`` unless ``cell`` has what TF 1.15 required of an RNN cell."""
    conditions = [
        hasattr(cell, "output_size"),
        hasattr(cell, "state_size"),
        hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
        callable(cell),
    ]
    errors = [
        "'output_size' property is missing",
        "'state_size' property is missing",
        "either 'zero_state' or 'get_initial_state' method is required",
        "is not callable",
    ]
    if not all(conditions):
        missing = [error for error, ok in zip(errors, conditions) if not ok]
        raise TypeError(
            f"The argument {cell_name!r} ({cell}) is not an RNNCell: {', '.join(missing)}."
        )


def _linear(args: list[tf.Tensor], output_size: int) -> tf.Tensor:
    """TF 1.15's ``core_rnn_cell._Linear`` with a bias: ``kernel`` and ``bias`` (zeros) here.

    The kernel takes the scope's initializer (``glorot_uniform`` by default), as TF 1.15 did.
    """
    total = 0
    for arg in args:
        if arg.shape.rank != 2:
            raise ValueError(f"linear is expecting 2D arguments: {[a.shape for a in args]}")
        if arg.shape[1] is None:
            raise ValueError(
                f"linear expects shape[1] to be provided for shape {arg.shape}, but saw None"
            )
        total += int(arg.shape[1])
    dtype = args[0].dtype
    kernel = v1.get_variable("kernel", [total, output_size], dtype=dtype)
    bias = v1.get_variable(
        "bias", [output_size], dtype=dtype, initializer=v1.constant_initializer(0.0)
    )
    value = tf.matmul(args[0] if len(args) == 1 else tf.concat(args, 1), kernel)
    return tf.nn.bias_add(value, bias)


class AttentionCellWrapper(RNNCell):
    """TF 1.15's ``tf.contrib.rnn.AttentionCellWrapper``: attention over the last
    ``attn_length`` outputs (https://arxiv.org/abs/1601.06733), with TF 1.15's names.

    Each step projects ``[inputs, attns]`` to ``input_size`` (``kernel``, ``bias`` in the
    wrapper's scope ``attention_cell_wrapper``), runs the wrapped cell (its variables under
    the wrapper's scope), attends over the window with ``attention/attn_w``
    ``[1, 1, attn_size, attn_vec_size]``, ``attention/attn_v`` ``[attn_vec_size]`` and a
    projection of the new cell state (``attention/kernel``, ``attention/bias``), then
    outputs ``attn_output_projection`` of ``[cell_output, new_attns]`` (size ``attn_size``),
    which is pushed onto the window. The state is ``(cell_state, attns, attn_states)``, or
    those concatenated when ``state_is_tuple=False``.

    Example::

        cell = rnn.AttentionCellWrapper(rnn.LSTMCell(64), attn_length=8)
        outputs, state = tf.compat.v1.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
        # rnn/attention_cell_wrapper/lstm_cell/kernel, .../attention/attn_w, ...
    """

    def __init__(
        self,
        cell: Any,
        attn_length: int,
        attn_size: int | None = None,
        attn_vec_size: int | None = None,
        input_size: int | None = None,
        state_is_tuple: bool = True,
        reuse: Any = None,
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, **kwargs)
        assert_like_rnncell("cell", cell)
        if tf.nest.is_nested(cell.state_size) and not state_is_tuple:
            raise ValueError(
                "Cell returns tuple of states, but the flag state_is_tuple is not set. "
                f"State size is: {cell.state_size}"
            )
        if attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length}")
        if attn_size is None:
            attn_size = cell.output_size
        if attn_vec_size is None:
            attn_vec_size = attn_size
        self._cell = cell
        self._attn_length = attn_length
        self._attn_size = attn_size
        self._attn_vec_size = attn_vec_size
        self._input_size = input_size
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self) -> Any:
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    @property
    def output_size(self) -> int:
        return self._attn_size

    def call(self, inputs: tf.Tensor, state: Any) -> tuple[tf.Tensor, Any]:
        length, size = self._attn_length, self._attn_size
        if self._state_is_tuple:
            cell_state, attns, attn_states = state
        else:
            cell_size = self._cell.state_size
            cell_state = tf.slice(state, [0, 0], [-1, cell_size])
            attns = tf.slice(state, [0, cell_size], [-1, size])
            attn_states = tf.slice(state, [0, cell_size + size], [-1, size * length])
        attn_states = tf.reshape(attn_states, [-1, length, size])
        input_size = self._input_size
        if input_size is None:
            input_size = inputs.shape.as_list()[1]
        cell_inputs = _linear([inputs, attns], input_size)
        cell_output, new_cell_state = self._cell(cell_inputs, cell_state)
        if self._state_is_tuple:
            query = tf.concat(tf.nest.flatten(new_cell_state), 1)
        else:
            query = new_cell_state
        new_attns, new_attn_states = self._attention(query, attn_states)
        with v1.variable_scope("attn_output_projection"):
            output = _linear([cell_output, new_attns], size)
        new_attn_states = tf.concat([new_attn_states, tf.expand_dims(output, 1)], 1)
        new_attn_states = tf.reshape(new_attn_states, [-1, length * size])
        new_state = (new_cell_state, new_attns, new_attn_states)
        if not self._state_is_tuple:
            new_state = tf.concat(list(new_state), 1)
        return output, new_state

    def _attention(self, query: tf.Tensor, attn_states: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        length, size, vec_size = self._attn_length, self._attn_size, self._attn_vec_size
        with v1.variable_scope("attention"):
            k = v1.get_variable("attn_w", [1, 1, size, vec_size], dtype=query.dtype)
            v = v1.get_variable("attn_v", [vec_size], dtype=query.dtype)
            hidden = tf.reshape(attn_states, [-1, length, 1, size])
            hidden_features = tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            y = tf.reshape(_linear([query], vec_size), [-1, 1, 1, vec_size])
            scores = tf.reduce_sum(v * tf.tanh(hidden_features + y), [2, 3])
            weights = tf.nn.softmax(scores)
            context = tf.reduce_sum(tf.reshape(weights, [-1, length, 1, 1]) * hidden, [1, 2])
            new_attns = tf.reshape(context, [-1, size])
            new_attn_states = tf.slice(attn_states, [0, 1, 0], [-1, -1, -1])
            return new_attns, new_attn_states
