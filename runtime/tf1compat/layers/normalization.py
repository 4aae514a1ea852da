"""``batch_normalization`` / ``BatchNormalization`` with TF1 (Keras v1) semantics.

Variables (in creation order): ``gamma``, ``beta`` (trainable), ``moving_mean``,
``moving_variance`` (non-trainable, ON_READ + MEAN), and with ``renorm=True`` also
``moving_stddev``, ``renorm_mean``, ``renorm_stddev``.

How the moving statistics are updated depends on where the layer runs:

* TF1 graph: the update ops are created and put in ``tf.compat.v1.GraphKeys.UPDATE_OPS``
  (only for trainable layers, as TF1 did); the output does not depend on them.
* TF2 (eager, or inside a ``tf.function``): the statistics are assigned in place.

``fused`` follows Keras v1: ``None``/``True`` mean "fused when possible" (rank 4 or 5, one
channel axis, no renorm/virtual batch/adjustment), ``False`` never.

Example::

    h = tf1compat.layers.batch_normalization(h, training=is_training)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from tf1compat.layers import _resolve
from tf1compat.layers.base import InputSpec, Layer, in_tf1_graph

v1 = tf.compat.v1

__all__ = ["BatchNormalization", "batch_normalization"]

_FUSED_FORMATS = {(1, 4): "NCHW", (3, 4): "NHWC", (1, 5): "NCDHW", (4, 5): "NDHWC"}


def _static_bool(training: Any) -> bool | None:
    """True/False when ``training`` is known now, None when it is a runtime tensor."""
    if training is None:
        return False
    if isinstance(training, (bool, int)):
        return bool(training)
    value = tf.get_static_value(training)
    return None if value is None else bool(value)


def _smart_cond(training: Any, if_true: Callable[[], Any], if_false: Callable[[], Any]) -> Any:
    known = _static_bool(training)
    if known is None:
        return tf.cond(training, if_true, if_false)
    return if_true() if known else if_false()


class BatchNormalization(Layer):
    """Normalises over all axes but ``axis``; see the module docstring for the update rules."""

    def __init__(
        self,
        axis: int | list[int] = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = v1.zeros_initializer(),
        gamma_initializer: Any = v1.ones_initializer(),
        moving_mean_initializer: Any = v1.zeros_initializer(),
        moving_variance_initializer: Any = v1.ones_initializer(),
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: dict[str, float] | None = None,
        renorm_momentum: float = 0.99,
        fused: bool | None = None,
        trainable: bool = True,
        virtual_batch_size: int | None = None,
        adjustment: Callable[[tf.Tensor], tuple[Any, Any]] | None = None,
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis: Any = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', "
                f"but received: {axis!r}"
            )
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = _resolve.initializer(beta_initializer)
        self.gamma_initializer = _resolve.initializer(gamma_initializer)
        self.moving_mean_initializer = _resolve.initializer(moving_mean_initializer)
        self.moving_variance_initializer = _resolve.initializer(moving_variance_initializer)
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.renorm = renorm
        self.virtual_batch_size = virtual_batch_size
        self.adjustment = adjustment
        self.fused = fused if fused is not None else True
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                    "Supported values: ['rmax', 'rmin', 'dmax']."
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum

    # ------------------------------------------------------------------ build
    @property
    def _param_dtype(self) -> tf.DType:
        if self.dtype in (tf.float16, tf.bfloat16):
            return tf.float32
        return self.dtype or tf.float32

    def _fused_can_be_used(self) -> bool:
        axis = [self.axis] if isinstance(self.axis, int) else self.axis
        return (
            not self.renorm
            and len(axis) == 1
            and axis[0] in (-4, -3, -1, 1, 3, 4)
            and self.virtual_batch_size is None
            and self.adjustment is None
            and (self.dtype is None or self.dtype.name in ("float16", "bfloat16", "float32"))
        )

    def _normalized_axes(self, rank: int) -> list[int]:
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        result = []
        for axis in axes:
            if not -rank <= axis < rank:
                raise ValueError(
                    f"Invalid value for `axis` argument: {self.axis}; input has rank {rank}."
                )
            axis = axis + rank if axis < 0 else axis
            if axis in result:
                raise ValueError(f"Duplicate axis: {self.axis}")
            result.append(axis)
        return result

    def build(self, input_shape: Any) -> None:
        input_shape = tf.TensorShape(input_shape)
        rank = input_shape.rank
        if rank is None:
            raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}.")
        self.axis = self._normalized_axes(rank)
        if self.virtual_batch_size is not None:
            if self.virtual_batch_size <= 0:
                raise ValueError(
                    "`virtual_batch_size` must be a positive integer that divides the true "
                    "batch size of the input tensor. "
                    f"Received: virtual_batch_size={self.virtual_batch_size}"
                )
            if 0 in self.axis:
                raise ValueError(
                    "When using `virtual_batch_size`, axis cannot include 0. "
                    f"Received axis={self.axis}"
                )
            if self.adjustment is not None:
                raise ValueError("When using `virtual_batch_size`, adjustment cannot be specified")
        if self.fused:
            self.fused = rank in (4, 5) and self._fused_can_be_used()
        if self.fused:
            self._data_format = _FUSED_FORMATS.get((self.axis[0], rank))
            if self._data_format is None:
                if rank == 4:
                    raise ValueError(
                        "Unsupported axis. The use of `fused=True` is only possible with "
                        "`axis=1` or `axis=3` for 4D input tensors. "
                        f"Received: axis={tuple(self.axis)}"
                    )
                self.fused = False
        axis_to_dim = {axis: input_shape[axis] for axis in self.axis}
        for dim in axis_to_dim.values():
            if dim is None:
                raise ValueError(
                    f"Input has undefined `axis` dimension. Received input with shape {input_shape}"
                )
        self.input_spec = InputSpec(ndim=rank, axes=axis_to_dim)
        if len(axis_to_dim) == 1 and self.virtual_batch_size is None:
            param_shape: list[int] = [next(iter(axis_to_dim.values()))]
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
            if self.virtual_batch_size is not None:
                param_shape.insert(1, 1)
                self.axis = [axis + 1 for axis in self.axis]
        self._param_shape = param_shape
        self._create_weights(param_shape)
        self.built = True

    def _create_weights(self, param_shape: list[int]) -> None:
        dtype = self._param_dtype
        self.gamma = None
        self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                "gamma",
                shape=param_shape,
                dtype=dtype,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
            )
        if self.center:
            self.beta = self.add_weight(
                "beta",
                shape=param_shape,
                dtype=dtype,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
            )
        scope_partitioner = self._scope.partitioner if self._scope is not None else None
        if scope_partitioner is not None:  # moving statistics are never partitioned (TF1)
            self._scope.set_partitioner(None)
        try:
            self.moving_mean = self._statistic(
                "moving_mean", param_shape, self.moving_mean_initializer
            )
            self.moving_variance = self._statistic(
                "moving_variance", param_shape, self.moving_variance_initializer
            )
            if self.renorm:
                stddev_initializer = _sqrt_of(self.moving_variance_initializer)
                self.moving_stddev = self._statistic(
                    "moving_stddev", param_shape, stddev_initializer
                )
                self.renorm_mean = self._statistic(
                    "renorm_mean", param_shape, self.moving_mean_initializer
                )
                self.renorm_stddev = self._statistic(
                    "renorm_stddev", param_shape, stddev_initializer
                )
        finally:
            if scope_partitioner is not None:
                self._scope.set_partitioner(scope_partitioner)

    def _statistic(self, name: str, shape: list[int], initializer: Any) -> tf.Variable:
        return self.add_weight(
            name,
            shape=shape,
            dtype=self._param_dtype,
            initializer=initializer,
            synchronization=tf.VariableSynchronization.ON_READ,
            aggregation=tf.VariableAggregation.MEAN,
            trainable=False,
        )

    # ------------------------------------------------------------------ updates
    def _assign_moving_average(self, variable: tf.Variable, value: tf.Tensor, momentum: Any) -> Any:
        with tf.name_scope("AssignMovingAvg") as scope:
            decay = tf.convert_to_tensor(1.0 - momentum, name="decay")
            if decay.dtype != variable.dtype.base_dtype:
                decay = tf.cast(decay, variable.dtype.base_dtype)
            delta = (variable - tf.cast(value, variable.dtype)) * decay
            if in_tf1_graph():
                with v1.colocate_with(variable):
                    return v1.assign_sub(variable, delta, name=scope)
            return variable.assign_sub(delta, name=scope)

    def _assign_new_value(self, variable: tf.Variable, value: tf.Tensor) -> Any:
        with tf.name_scope("AssignNewValue") as scope:
            if in_tf1_graph():
                with v1.colocate_with(variable):
                    return v1.assign(variable, value, name=scope)
            return variable.assign(value, name=scope)

    def _apply_update(self, make_update: Callable[[], Any]) -> None:
        """Create a moving-statistics update, unless the layer is frozen.

        TF1 graph: the op goes to ``self.updates`` (hence UPDATE_OPS). TF2: it runs now.
        A ``trainable=False`` layer never updated in TF1 (its ops were left out of
        UPDATE_OPS), so in TF2 it does not update either.
        """
        if not self.trainable:
            return
        update = make_update()
        if in_tf1_graph():
            self.add_update(update.op if hasattr(update, "op") else update)

    # ------------------------------------------------------------------ call
    def call(self, inputs: tf.Tensor, training: Any = False) -> tf.Tensor:
        if self.dtype is not None and inputs.dtype.base_dtype != self.dtype:
            inputs = tf.cast(inputs, self.dtype)
        training_value = _static_bool(training)
        if training is None:
            training = False
        original_shape = None
        if self.virtual_batch_size is not None:
            original_shape = tf.concat([tf.constant([-1]), tf.shape(inputs)[1:]], axis=0)
            leading = [self.virtual_batch_size, -1] if training_value else [-1, 1]
            inputs = tf.reshape(
                inputs, tf.concat([tf.constant(leading), tf.shape(inputs)[1:]], axis=0)
            )
        if self.fused:
            return self._fused_batch_norm(inputs, training, training_value)
        outputs = self._batch_norm(inputs, training, training_value)
        if original_shape is not None:
            outputs = tf.reshape(outputs, original_shape)
        return outputs

    def _fused_batch_norm(
        self, inputs: tf.Tensor, training: Any, training_value: bool | None
    ) -> tf.Tensor:
        dtype = self._param_dtype
        gamma = self.gamma if self.scale else tf.constant(1.0, dtype=dtype, shape=self._param_shape)
        beta = self.beta if self.center else tf.constant(0.0, dtype=dtype, shape=self._param_shape)

        def fused(is_training: bool) -> Callable[[], Any]:
            return lambda: v1.nn.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=self.moving_mean,
                variance=self.moving_variance,
                epsilon=self.epsilon,
                is_training=is_training,
                data_format=self._data_format,
            )

        output, mean, variance = _smart_cond(training, fused(True), fused(False))
        if training_value is not False:
            if training_value is None:
                momentum = _smart_cond(training, lambda: self.momentum, lambda: 1.0)
            else:
                momentum = tf.convert_to_tensor(self.momentum)
            # fused_batch_norm's batch variance is Bessel-corrected; TF1 averaged it as is.
            self._apply_update(
                lambda: self._assign_moving_average(self.moving_mean, mean, momentum)
            )
            self._apply_update(
                lambda: self._assign_moving_average(self.moving_variance, variance, momentum)
            )
        return output

    def _batch_norm(
        self, inputs: tf.Tensor, training: Any, training_value: bool | None
    ) -> tf.Tensor:
        inputs_dtype = inputs.dtype.base_dtype
        if inputs_dtype in (tf.float16, tf.bfloat16):
            inputs = tf.cast(inputs, tf.float32)
        ndims = inputs.shape.rank
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        if self.virtual_batch_size is not None:
            del reduction_axes[1]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = inputs.shape[self.axis[0]]

        def broadcast(value: Any) -> Any:
            needs_reshape = reduction_axes != list(range(ndims - 1))
            if value is not None and len(value.shape) != ndims and needs_reshape:
                return tf.reshape(value, broadcast_shape)
            return value

        scale, offset = broadcast(self.gamma), broadcast(self.beta)
        if training_value is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            if self.adjustment:
                adj_scale, adj_bias = self.adjustment(tf.shape(inputs))
                adj_scale = _smart_cond(
                    training, lambda: adj_scale, lambda: tf.ones_like(adj_scale)
                )
                adj_bias = _smart_cond(training, lambda: adj_bias, lambda: tf.zeros_like(adj_bias))
                scale, offset = _compose(adj_scale, adj_bias, scale, offset)
            keep_dims = self.virtual_batch_size is not None or len(self.axis) > 1
            batch_mean, batch_variance = tf.nn.moments(
                tf.cast(inputs, self._param_dtype), reduction_axes, keepdims=keep_dims
            )
            moving_mean, moving_variance = self.moving_mean, self.moving_variance
            mean = _smart_cond(
                training, lambda: batch_mean, lambda: tf.convert_to_tensor(moving_mean)
            )
            variance = _smart_cond(
                training, lambda: batch_variance, lambda: tf.convert_to_tensor(moving_variance)
            )
            if self.virtual_batch_size is not None:
                new_mean = tf.reduce_mean(mean, axis=1, keepdims=True)
                new_variance = tf.reduce_mean(variance, axis=1, keepdims=True)
            else:
                new_mean, new_variance = mean, variance
            if self.renorm:
                r, d, new_mean, new_variance = self._renorm_correction(
                    new_mean, new_variance, training
                )
                r = broadcast(tf.stop_gradient(r, name="renorm_r"))
                d = broadcast(tf.stop_gradient(d, name="renorm_d"))
                scale, offset = _compose(r, d, scale, offset)
            self._apply_update(
                lambda: _smart_cond(
                    training,
                    lambda: self._assign_moving_average(self.moving_mean, new_mean, self.momentum),
                    lambda: self.moving_mean,
                )
            )
            self._apply_update(
                lambda: _smart_cond(
                    training,
                    lambda: self._variance_update(new_variance),
                    lambda: self.moving_variance,
                )
            )
        if offset is not None:
            offset = tf.cast(offset, inputs.dtype)
        if scale is not None:
            scale = tf.cast(scale, inputs.dtype)
        outputs = tf.nn.batch_normalization(
            inputs, broadcast(mean), broadcast(variance), offset, scale, self.epsilon
        )
        if inputs_dtype in (tf.float16, tf.bfloat16):
            outputs = tf.cast(outputs, inputs_dtype)
        return outputs

    def _variance_update(self, new_variance: tf.Tensor) -> Any:
        if not self.renorm:
            return self._assign_moving_average(self.moving_variance, new_variance, self.momentum)
        moving_stddev = self._assign_moving_average(
            self.moving_stddev, tf.sqrt(new_variance + self.epsilon), self.momentum
        )
        return self._assign_new_value(
            self.moving_variance, tf.nn.relu(moving_stddev * moving_stddev - self.epsilon)
        )

    def _renorm_correction(
        self, mean: tf.Tensor, variance: tf.Tensor, training: Any
    ) -> tuple[Any, Any, Any, Any]:
        """Batch renormalisation: the (r, d) correction and the renorm moving averages."""
        stddev = tf.sqrt(variance + self.epsilon)
        renorm_mean = self.renorm_mean
        renorm_stddev = tf.maximum(self.renorm_stddev, tf.sqrt(self.epsilon))
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        with tf.control_dependencies([r, d]):  # corrections use the pre-update averages
            mean = tf.identity(mean)
            stddev = tf.identity(stddev)
        rmin, rmax, dmax = (self.renorm_clipping.get(key) for key in ("rmin", "rmax", "dmax"))
        if rmin is not None:
            r = tf.maximum(r, rmin)
        if rmax is not None:
            r = tf.minimum(r, rmax)
        if dmax is not None:
            d = tf.minimum(tf.maximum(d, -dmax), dmax)
        r = _smart_cond(training, lambda: r, lambda: tf.ones_like(r))
        d = _smart_cond(training, lambda: d, lambda: tf.zeros_like(d))

        def update(variable: tf.Variable, value: tf.Tensor) -> Any:
            value = tf.identity(value)
            if not (in_tf1_graph() or self.trainable):  # frozen: TF1 never ran these updates
                return tf.identity(variable)
            return _smart_cond(
                training,
                lambda: self._assign_moving_average(variable, value, self.renorm_momentum),
                lambda: tf.identity(variable),
            )

        new_mean = update(self.renorm_mean, mean)
        new_stddev = update(self.renorm_stddev, stddev)
        with tf.control_dependencies([new_mean, new_stddev]):
            return r, d, tf.identity(mean), tf.identity(variance)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)


def _compose(scale: Any, offset: Any, then_scale: Any, then_offset: Any) -> tuple[Any, Any]:
    """The affine map ``x*scale+offset`` followed by ``x*then_scale+then_offset``."""
    if then_scale is not None:
        scale = scale * then_scale
        offset = offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale, offset


def _sqrt_of(initializer: Any) -> Callable[..., tf.Tensor]:
    """An initializer giving the square root of ``initializer`` (moving/renorm stddev)."""

    def sqrt_initializer(shape: Any, dtype: Any = None, partition_info: Any = None) -> tf.Tensor:
        init = initializer() if isinstance(initializer, type) else initializer
        return tf.sqrt(init(shape, dtype=dtype))

    return sqrt_initializer


def batch_normalization(
    inputs: Any,
    axis: int | list[int] = -1,
    momentum: float = 0.99,
    epsilon: float = 1e-3,
    center: bool = True,
    scale: bool = True,
    beta_initializer: Any = v1.zeros_initializer(),
    gamma_initializer: Any = v1.ones_initializer(),
    moving_mean_initializer: Any = v1.zeros_initializer(),
    moving_variance_initializer: Any = v1.ones_initializer(),
    beta_regularizer: Any = None,
    gamma_regularizer: Any = None,
    beta_constraint: Any = None,
    gamma_constraint: Any = None,
    training: Any = False,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
    renorm: bool = False,
    renorm_clipping: dict[str, float] | None = None,
    renorm_momentum: float = 0.99,
    fused: bool | None = None,
    virtual_batch_size: int | None = None,
    adjustment: Callable[[tf.Tensor], tuple[Any, Any]] | None = None,
) -> tf.Tensor:
    """Functional ``BatchNormalization``; ``training`` defaults to False, as in TF1.

    In a TF1 graph with ``training`` not False, run ``tf.compat.v1.GraphKeys.UPDATE_OPS``
    with the train op (TF1's contract); in TF2 the statistics update in place.
    """
    layer = BatchNormalization(
        axis=axis,
        momentum=momentum,
        epsilon=epsilon,
        center=center,
        scale=scale,
        beta_initializer=beta_initializer,
        gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer,
        gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint,
        gamma_constraint=gamma_constraint,
        renorm=renorm,
        renorm_clipping=renorm_clipping,
        renorm_momentum=renorm_momentum,
        fused=fused,
        trainable=trainable,
        virtual_batch_size=virtual_batch_size,
        adjustment=adjustment,
        name=name,
        _reuse=reuse,
        _scope=name,
    )
    return layer(inputs, training=training)
