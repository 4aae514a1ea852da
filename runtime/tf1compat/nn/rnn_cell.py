"""``tf1compat.nn.rnn_cell``: the TF1 RNN cells, without Keras.

The cells are ``tf1compat.layers.Layer`` objects, so they get TF1 variable names through
``get_variable``/``variable_scope`` (``rnn/lstm_cell/kernel``,
``rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel`` ...), and they satisfy what
TensorFlow's own ``tf.compat.v1.nn.dynamic_rnn``, ``static_rnn`` and
``bidirectional_dynamic_rnn`` check: ``state_size``, ``output_size``, ``zero_state`` /
``get_initial_state`` and ``__call__(inputs, state, scope=None)``.

Example::

    cell = tf1compat.nn.rnn_cell.LSTMCell(64, num_proj=32)
    outputs, state = tf.compat.v1.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
"""

from __future__ import annotations

import collections
import hashlib
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from tf1compat.layers import _resolve
from tf1compat.layers.base import InputSpec, Layer, in_tf1_graph

v1 = tf.compat.v1

__all__ = [
    "RNNCell",
    "LayerRNNCell",
    "BasicRNNCell",
    "BasicLSTMCell",
    "LSTMCell",
    "GRUCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "DropoutWrapper",
    "ResidualWrapper",
    "DeviceWrapper",
]

_WEIGHTS = "kernel"
_BIAS = "bias"


def _check_float(dtype: Any) -> None:
    if dtype is None:
        return
    dtype = tf.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_complex):
        raise ValueError(
            f"RNN cell only supports floating point inputs, but received dtype: {dtype}"
        )


def _check_inputs_dtype(values: Any) -> None:
    for tensor in tf.nest.flatten(values):
        _check_float(tensor.dtype)


def _batched_shape(batch_size: Any, size: Any) -> tuple[Any, list[int | None]]:
    """(dynamic shape, static shape) of ``[batch_size] + size``."""
    suffix = tf.TensorShape(size).as_list() if not isinstance(size, int) else [size]
    if tf.is_tensor(batch_size):
        static_batch = tf.get_static_value(batch_size)
        dynamic = tf.concat(
            [tf.reshape(batch_size, [1]), tf.constant(suffix, dtype=batch_size.dtype)], 0
        )
        return dynamic, [None if static_batch is None else int(static_batch), *suffix]
    return [int(batch_size), *suffix], [int(batch_size), *suffix]


def zero_state_tensors(state_size: Any, batch_size: Any, dtype: Any) -> Any:
    """Zeros shaped ``[batch_size] + s`` for each ``s`` in the ``state_size`` structure."""

    def zeros(size: Any) -> tf.Tensor:
        dynamic, static = _batched_shape(batch_size, size)
        value = tf.zeros(dynamic, dtype=dtype)
        if not tf.executing_eagerly():
            value.set_shape(static)
        return value

    return tf.nest.map_structure(zeros, state_size)


class RNNCell(Layer):
    """Abstract TF1 RNN cell: ``(output, new_state) = cell(inputs, state)``.

    Subclasses written in the old style may create variables with ``get_variable`` inside
    ``call``; they are tracked through a custom getter, as in TF1.
    """

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> Any:
        if scope is not None:
            with v1.variable_scope(scope, custom_getter=self._rnn_get_variable) as entered:
                return super().__call__(inputs, state, scope=entered)
        first_scope = getattr(self, "_rnncell_scope", None)
        if first_scope is None:
            first_scope = v1.get_variable_scope()
            self._rnncell_scope = first_scope
        with v1.variable_scope(
            first_scope, custom_getter=self._rnn_get_variable, auxiliary_name_scope=False
        ):
            return super().__call__(inputs, state)

    def _rnn_get_variable(self, getter: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        variable = getter(*args, **kwargs)
        self._track_variable(variable, in_tf1_graph())
        return variable

    @property
    def state_size(self) -> Any:
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self) -> Any:
        raise NotImplementedError("Abstract method")

    def get_initial_state(
        self, inputs: Any = None, batch_size: Any = None, dtype: Any = None
    ) -> Any:
        """Zero state sized from ``inputs`` or from ``batch_size`` and ``dtype``."""
        if inputs is not None:
            inputs = tf.convert_to_tensor(inputs, name="inputs")
            if dtype is not None and inputs.dtype != dtype:
                raise ValueError(
                    "dtype from input tensor is different from the input param. "
                    f"Input tensor dtype: {inputs.dtype}, dtype: {dtype}"
                )
            batch_size = inputs.shape[0] if inputs.shape[0] is not None else tf.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(
                f"batch_size and dtype cannot be None while constructing initial state: "
                f"batch_size={batch_size}, dtype={dtype}"
            )
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """Zero-filled state tensor(s) of shape ``[batch_size, s]`` per ``s`` in ``state_size``."""
        with tf.name_scope(type(self).__name__ + "ZeroState"):
            return zero_state_tensors(self.state_size, batch_size, dtype)


class LayerRNNCell(RNNCell):
    """An RNN cell whose variables come from ``build`` (``add_weight``), like a layer."""

    def __call__(
        self, inputs: Any, state: Any, scope: Any = None, *args: Any, **kwargs: Any
    ) -> Any:
        return Layer.__call__(self, inputs, state, *args, scope=scope, **kwargs)


def _input_depth(input_shape: Any) -> int:
    depth = tf.TensorShape(input_shape)[-1]
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, received shape: {input_shape}")
    return int(depth)


class BasicRNNCell(LayerRNNCell):
    """``output = new_state = activation(W [inputs, state] + b)``; ``kernel`` and ``bias``."""

    def __init__(
        self,
        num_units: int,
        activation: Any = None,
        reuse: Any = None,
        name: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_float(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = _resolve.activation(activation) if activation else tf.tanh

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape: Any) -> None:
        depth = _input_depth(input_shape)
        _check_float(self.dtype)
        self._kernel = self.add_weight(_WEIGHTS, shape=[depth + self._num_units, self._num_units])
        self._bias = self.add_weight(
            _BIAS, shape=[self._num_units], initializer=v1.zeros_initializer(dtype=self.dtype)
        )
        self.built = True

    def call(self, inputs: tf.Tensor, state: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        _check_inputs_dtype([inputs, state])
        gate_inputs = tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, state], 1), self._kernel), self._bias
        )
        output = self._activation(gate_inputs)
        return output, output


class GRUCell(LayerRNNCell):
    """Gated recurrent unit; variables ``gates/{kernel,bias}`` and ``candidate/{kernel,bias}``.

    Gate biases start at 1.0 and candidate biases at 0 unless ``bias_initializer`` is given.
    """

    def __init__(
        self,
        num_units: int,
        activation: Any = None,
        reuse: Any = None,
        kernel_initializer: Any = None,
        bias_initializer: Any = None,
        name: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_float(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = _resolve.activation(activation) if activation else tf.tanh
        self._kernel_initializer = _resolve.initializer(kernel_initializer)
        self._bias_initializer = _resolve.initializer(bias_initializer)

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape: Any) -> None:
        depth = _input_depth(input_shape)
        _check_float(self.dtype)
        units = self._num_units
        self._gate_kernel = self.add_weight(
            f"gates/{_WEIGHTS}",
            shape=[depth + units, 2 * units],
            initializer=self._kernel_initializer,
        )
        self._gate_bias = self.add_weight(
            f"gates/{_BIAS}",
            shape=[2 * units],
            initializer=self._bias_initializer or v1.constant_initializer(1.0, dtype=self.dtype),
        )
        self._candidate_kernel = self.add_weight(
            f"candidate/{_WEIGHTS}",
            shape=[depth + units, units],
            initializer=self._kernel_initializer,
        )
        self._candidate_bias = self.add_weight(
            f"candidate/{_BIAS}",
            shape=[units],
            initializer=self._bias_initializer or v1.zeros_initializer(dtype=self.dtype),
        )
        self.built = True

    def call(self, inputs: tf.Tensor, state: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        _check_inputs_dtype([inputs, state])
        gates = tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, state], 1), self._gate_kernel), self._gate_bias
        )
        r, u = tf.split(tf.sigmoid(gates), num_or_size_splits=2, axis=1)
        candidate = tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, r * state], 1), self._candidate_kernel),
            self._candidate_bias,
        )
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """``(c, h)``: the memory state and the output of an LSTM cell."""

    __slots__ = ()

    @property
    def dtype(self) -> tf.DType:
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent dtypes for internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


class BasicLSTMCell(LayerRNNCell):
    """LSTM without peepholes, clipping or projection; ``kernel [in+units, 4*units]``, ``bias``.

    Gate order in the kernel is i, j, f, o; ``forget_bias`` is added to f at run time.
    """

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        state_is_tuple: bool = True,
        activation: Any = None,
        reuse: Any = None,
        name: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_float(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _resolve.activation(activation) if activation else tf.tanh

    @property
    def state_size(self) -> Any:
        units = self._num_units
        return LSTMStateTuple(units, units) if self._state_is_tuple else 2 * units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, input_shape: Any) -> None:
        depth = _input_depth(input_shape)
        _check_float(self.dtype)
        units = self._num_units
        self._kernel = self.add_weight(_WEIGHTS, shape=[depth + units, 4 * units])
        self._bias = self.add_weight(
            _BIAS, shape=[4 * units], initializer=v1.zeros_initializer(dtype=self.dtype)
        )
        self.built = True

    def call(self, inputs: tf.Tensor, state: Any) -> tuple[tf.Tensor, Any]:
        _check_inputs_dtype([inputs, state])
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = tf.split(state, num_or_size_splits=2, axis=1)
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = tf.split(gates, num_or_size_splits=4, axis=1)
        forget_bias = tf.constant(self._forget_bias, dtype=f.dtype)
        new_c = c * tf.sigmoid(f + forget_bias) + tf.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * tf.sigmoid(o)
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple else tf.concat(
            [new_c, new_h], 1
        )
        return new_h, new_state


class LSTMCell(LayerRNNCell):
    """LSTM with optional peepholes (``w_f_diag``, ``w_i_diag``, ``w_o_diag``), cell clipping
    and a projection (``projection/kernel``); state ``(c, m)``, output ``m``."""

    def __init__(
        self,
        num_units: int,
        use_peepholes: bool = False,
        cell_clip: float | None = None,
        initializer: Any = None,
        num_proj: int | None = None,
        proj_clip: float | None = None,
        num_unit_shards: int | None = None,
        num_proj_shards: int | None = None,
        forget_bias: float = 1.0,
        state_is_tuple: bool = True,
        activation: Any = None,
        reuse: Any = None,
        name: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_float(self.dtype)
        self.input_spec = InputSpec(ndim=2)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = _resolve.initializer(initializer)
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._num_unit_shards = num_unit_shards
        self._num_proj_shards = num_proj_shards
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _resolve.activation(activation) if activation else tf.tanh
        memory = num_proj if num_proj else num_units
        if state_is_tuple:
            self._state_size: Any = LSTMStateTuple(num_units, memory)
        else:
            self._state_size = num_units + memory
        self._output_size = memory

    @property
    def state_size(self) -> Any:
        return self._state_size

    @property
    def output_size(self) -> int:
        return self._output_size

    def build(self, input_shape: Any) -> None:
        depth = _input_depth(input_shape)
        _check_float(self.dtype)
        units = self._num_units
        h_depth = units if self._num_proj is None else self._num_proj
        self._kernel = self.add_weight(
            _WEIGHTS,
            shape=[depth + h_depth, 4 * units],
            initializer=self._initializer,
            partitioner=_shards(self._num_unit_shards),
        )
        self._bias = self.add_weight(
            _BIAS, shape=[4 * units], initializer=v1.zeros_initializer(dtype=self.dtype)
        )
        if self._use_peepholes:
            self._w_f_diag = self.add_weight(
                "w_f_diag", shape=[units], initializer=self._initializer
            )
            self._w_i_diag = self.add_weight(
                "w_i_diag", shape=[units], initializer=self._initializer
            )
            self._w_o_diag = self.add_weight(
                "w_o_diag", shape=[units], initializer=self._initializer
            )
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight(
                f"projection/{_WEIGHTS}",
                shape=[units, self._num_proj],
                initializer=self._initializer,
                partitioner=_shards(self._num_proj_shards),
            )
        self.built = True

    def call(self, inputs: tf.Tensor, state: Any) -> tuple[tf.Tensor, Any]:
        _check_inputs_dtype([inputs, state])
        num_proj = self._num_units if self._num_proj is None else self._num_proj
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = tf.slice(state, [0, 0], [-1, self._num_units])
            m_prev = tf.slice(state, [0, self._num_units], [-1, num_proj])
        if inputs.shape.with_rank(2)[1] is None:
            raise ValueError(
                "Could not infer input size from inputs.get_shape()[-1]. "
                f"Received input shape: {inputs.shape}"
            )
        lstm_matrix = tf.nn.bias_add(
            tf.matmul(tf.concat([inputs, m_prev], 1), self._kernel), self._bias
        )
        i, j, f, o = tf.split(lstm_matrix, num_or_size_splits=4, axis=1)
        sigmoid = tf.sigmoid
        if self._use_peepholes:
            c = sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev + sigmoid(
                i + self._w_i_diag * c_prev
            ) * self._activation(j)
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = tf.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else tf.concat([c, m], 1)
        return m, new_state


def _shards(count: int | None) -> Any:
    """TF1's deprecated ``num_*_shards`` meant a fixed-size partitioner (TF1 graphs only)."""
    return v1.fixed_size_partitioner(count) if count is not None else None


class MultiRNNCell(RNNCell):
    """Stacks cells; cell ``i`` runs under ``cell_<i>`` inside the ``multi_rnn_cell`` scope."""

    def __init__(self, cells: Sequence[Any], state_is_tuple: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not tf.nest.is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but received: {cells}")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(tf.nest.is_nested(c.state_size) for c in self._cells):
            raise ValueError(
                "Some cells return tuples of states, but the flag state_is_tuple is not set. "
                f"State sizes are: {[c.state_size for c in self._cells]}"
            )

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self) -> Any:
        return self._cells[-1].output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        with tf.name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return zero_state_tensors(self.state_size, batch_size, dtype)

    @property
    def trainable_weights(self) -> list[tf.Variable]:
        if not self.trainable:
            return []
        return [
            w for cell in self._cells if isinstance(cell, Layer) for w in cell.trainable_weights
        ]

    @property
    def non_trainable_weights(self) -> list[tf.Variable]:
        weights = [
            w for cell in self._cells if isinstance(cell, Layer) for w in cell.non_trainable_weights
        ]
        if not self.trainable:
            trainable = [
                w for cell in self._cells if isinstance(cell, Layer) for w in cell.trainable_weights
            ]
            return trainable + weights
        return weights

    @property
    def weights(self) -> list[tf.Variable]:
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def call(self, inputs: tf.Tensor, state: Any) -> tuple[tf.Tensor, Any]:
        position = 0
        current = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with v1.variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not tf.nest.is_nested(state):
                        raise ValueError(
                            "Expected state to be a tuple of length "
                            f"{len(self.state_size)}, but received: {state}"
                        )
                    cell_state = state[i]
                else:
                    cell_state = tf.slice(state, [0, position], [-1, cell.state_size])
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        return current, tuple(new_states) if self._state_is_tuple else tf.concat(new_states, 1)


class _Wrapper(RNNCell):
    """A cell wrapper: no scope of its own, the wrapped cell names the variables."""

    def __init__(self, cell: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.cell = cell

    @property
    def wrapped_cell(self) -> Any:
        return self.cell

    @property
    def state_size(self) -> Any:
        return self.cell.state_size

    @property
    def output_size(self) -> Any:
        return self.cell.output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        with tf.name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)

    @property
    def trainable_weights(self) -> list[tf.Variable]:
        return list(self.cell.trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[tf.Variable]:
        if self.trainable:
            return list(self.cell.non_trainable_weights)
        return list(self.cell.trainable_weights) + list(self.cell.non_trainable_weights)

    @property
    def weights(self) -> list[tf.Variable]:
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> Any:
        return self._call_wrapped_cell(inputs, state, scope)

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> Any:
        raise NotImplementedError


def _default_dropout_state_filter(substate: Any) -> Any:
    """Never drop the LSTM memory ``c`` nor TensorArrays (TF1 default)."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    if isinstance(substate, tf.TensorArray):
        return False
    return True


def _enumerated_map_up_to(shallow: Any, fn: Callable[..., Any], *structures: Any) -> Any:
    counter = [0]

    def indexed(*values: Any) -> Any:
        result = fn(counter[0], *values)
        counter[0] += 1
        return result

    return tf.__internal__.nest.map_structure_up_to(shallow, indexed, *structures)


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and states (never the LSTM memory ``c``)."""

    def __init__(
        self,
        cell: Any,
        input_keep_prob: Any = 1.0,
        output_keep_prob: Any = 1.0,
        state_keep_prob: Any = 1.0,
        variational_recurrent: bool = False,
        input_size: Any = None,
        dtype: Any = None,
        seed: int | None = None,
        dropout_state_filter_visitor: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(dropout_state_filter_visitor):
            raise TypeError(
                "dropout_state_filter_visitor must be callable. "
                f"Received: {dropout_state_filter_visitor}"
            )
        self._dropout_state_filter = dropout_state_filter_visitor or _default_dropout_state_filter
        for prob, attr in (
            (input_keep_prob, "input_keep_prob"),
            (state_keep_prob, "state_keep_prob"),
            (output_keep_prob, "output_keep_prob"),
        ):
            tensor = tf.convert_to_tensor(prob)
            constant = tf.get_static_value(tensor)
            if constant is not None:
                if constant < 0 or constant > 1:
                    raise ValueError(
                        f"Parameter {attr} must be between 0 and 1. Received {constant}"
                    )
                setattr(self, f"_{attr}", float(constant))
            else:
                setattr(self, f"_{attr}", tensor)
        self._variational_recurrent = variational_recurrent
        self._input_size = input_size
        self._seed = seed
        self._recurrent_input_noise: Any = None
        self._recurrent_state_noise: Any = None
        self._recurrent_output_noise: Any = None
        if variational_recurrent:
            self._make_recurrent_noise(cell, input_size, dtype)

    def _make_recurrent_noise(self, cell: Any, input_size: Any, dtype: Any) -> None:
        if dtype is None:
            raise ValueError("When variational_recurrent=True, dtype must be provided")

        def noise(prefix: str) -> Callable[[int, Any], tf.Tensor]:
            def make(index: int, size: Any) -> tf.Tensor:
                shape = tf.concat(([1], tf.TensorShape(size).as_list()), 0)
                return tf.random.uniform(shape, seed=self._gen_seed(prefix, index), dtype=dtype)

            return make

        if not isinstance(self._input_keep_prob, numbers.Real) or self._input_keep_prob < 1.0:
            if input_size is None:
                raise ValueError(
                    "When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, "
                    "input_size must be provided"
                )
            self._recurrent_input_noise = _enumerated_map_up_to(
                input_size, noise("input"), input_size
            )
        self._recurrent_state_noise = _enumerated_map_up_to(
            cell.state_size, noise("state"), cell.state_size
        )
        self._recurrent_output_noise = _enumerated_map_up_to(
            cell.output_size, noise("output"), cell.output_size
        )

    def _gen_seed(self, salt_prefix: str, index: int) -> int | None:
        if self._seed is None:
            return None
        digest = hashlib.md5(f"{self._seed}{salt_prefix}_{index}".encode()).hexdigest()
        return int(digest[:8], 16) & 0x7FFFFFFF

    def _dropout(
        self, values: Any, prefix: str, noise: Any, keep_prob: Any, shallow: Any = None
    ) -> Any:
        shallow = values if shallow is None else shallow
        if not self._variational_recurrent:

            def plain(i: int, do_dropout: Any, value: Any) -> Any:
                if not isinstance(do_dropout, bool) or do_dropout:
                    return tf.nn.dropout(
                        value, rate=1.0 - keep_prob, seed=self._gen_seed(prefix, i)
                    )
                return value

            return _enumerated_map_up_to(shallow, plain, shallow, values)

        def variational(i: int, do_dropout: Any, value: Any, unit_noise: Any) -> Any:
            if not isinstance(do_dropout, bool) or do_dropout:
                return value / keep_prob * tf.floor(keep_prob + unit_noise)
            return value

        return _enumerated_map_up_to(shallow, variational, shallow, values, noise)

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> Any:
        def should_drop(prob: Any) -> bool:
            return not isinstance(prob, float) or prob < 1

        if should_drop(self._input_keep_prob):
            inputs = self._dropout(
                inputs, "input", self._recurrent_input_noise, self._input_keep_prob
            )
        output, new_state = self.cell(inputs, state, scope=scope)
        if should_drop(self._state_keep_prob):
            shallow = tf.__internal__.nest.get_traverse_shallow_structure(
                self._dropout_state_filter, new_state
            )
            new_state = self._dropout(
                new_state, "state", self._recurrent_state_noise, self._state_keep_prob, shallow
            )
        if should_drop(self._output_keep_prob):
            output = self._dropout(
                output, "output", self._recurrent_output_noise, self._output_keep_prob
            )
        return output, new_state


class ResidualWrapper(_Wrapper):
    """Adds the cell's inputs to its outputs (or applies ``residual_fn(inputs, outputs)``)."""

    def __init__(
        self, cell: Any, residual_fn: Callable[[Any, Any], Any] | None = None, **kwargs: Any
    ):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> Any:
        outputs, new_state = self.cell(inputs, state, scope=scope)

        def add(inp: Any, out: Any) -> Any:
            tf.nest.assert_same_structure(inp, out)
            return tf.nest.map_structure(lambda a, b: a + b, inp, out)

        return (self._residual_fn or add)(inputs, outputs), new_state


class DeviceWrapper(_Wrapper):
    """Runs the wrapped cell (and its zero state) on ``device``."""

    def __init__(self, cell: Any, device: str, **kwargs: Any):
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        with tf.name_scope(type(self).__name__ + "ZeroState"), tf.device(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> Any:
        with tf.device(self._device):
            return self.cell(inputs, state, scope=scope)
