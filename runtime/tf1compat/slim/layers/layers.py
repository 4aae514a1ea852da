"""tf-slim / ``tf.contrib.layers`` layer functions on ``tf1compat.layers``.

Each function opens the same ``variable_scope`` as TF 1.15 (default names ``Conv``,
``fully_connected``, ``BatchNorm``, ``LayerNorm``, ``Conv2d_transpose``,
``SeparableConv2d``...), renames the core layers' ``kernel``/``bias`` to ``weights``/
``biases`` with a custom getter, and creates every variable through
``tf.compat.v1.get_variable``: in a TF1 graph the result is the genuine graph (collections
included); inside a ``tf1compat.track_tf1_style_variables`` call the variables land in the
owner's store with the same names, so public slim checkpoints load.

Batch-norm moving statistics: in a TF1 graph the update ops go to ``updates_collections``
(or run through control dependencies when it is None), as in TF1. Outside a TF1 graph
(eager, ``tf.function``, Keras ``fit``) nobody would run a collection, so the statistics
are assigned in place whenever ``is_training`` is true.

Example::

    with arg_scope([conv2d], padding="SAME"):
        net = repeat(images, 2, conv2d, 64, [3, 3], scope="conv1")   # conv1/conv1_1/weights
    net = max_pool2d(net, [2, 2], scope="pool1")
    net = fully_connected(flatten(net), 10, activation_fn=None, scope="logits")
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import tensorflow as tf
from tensorflow.python.training import moving_averages

from tf1compat import layers as core_layers
from tf1compat.slim.layers import initializers, utils
from tf1compat.slim.ops import variables
from tf1compat.slim.ops.arg_scope import add_arg_scope

v1 = tf.compat.v1

DATA_FORMAT_NCHW = "NCHW"
DATA_FORMAT_NHWC = "NHWC"
DATA_FORMAT_NCDHW = "NCDHW"
DATA_FORMAT_NDHWC = "NDHWC"

__all__ = [
    "avg_pool2d",
    "avg_pool3d",
    "batch_norm",
    "bias_add",
    "conv1d",
    "conv2d",
    "conv2d_in_plane",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "convolution",
    "convolution1d",
    "convolution2d",
    "convolution2d_in_plane",
    "convolution2d_transpose",
    "convolution3d",
    "convolution3d_transpose",
    "dropout",
    "elu",
    "flatten",
    "fully_connected",
    "layer_norm",
    "linear",
    "max_pool2d",
    "max_pool3d",
    "maxout",
    "one_hot_encoding",
    "relu",
    "relu6",
    "repeat",
    "separable_conv2d",
    "separable_convolution2d",
    "softmax",
    "stack",
    "unit_norm",
]


def _in_tf1_graph() -> bool:
    return not v1.executing_eagerly_outside_functions()


def _to_channels(data_format: str | None) -> str:
    return "channels_first" if data_format and data_format.startswith("NC") else "channels_last"


def _name_scope_alias(name_scope: str) -> str:
    """The end-point alias of a name-scoped op, as a TF1 graph would name it.

    Inside a Keras call the name scopes carry the layer's own prefix (``net_layer/``),
    which the TF1 graph did not have; the enclosing variable scope tells how long it is
    (its ``original_name_scope`` is ``<prefix><scope name>/``).
    """
    if _in_tf1_graph():
        return name_scope
    scope = v1.get_variable_scope()
    opened, own = scope.original_name_scope, scope.name + "/"
    if scope.name and opened.endswith(own):
        prefix = opened[: -len(own)]
        if prefix and name_scope.startswith(prefix):
            return name_scope[len(prefix) :]
    return name_scope


# ---------------------------------------------------------------------------- getters
def _model_variable_getter(
    getter: Callable,
    name: str,
    shape: Any = None,
    dtype: Any = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    collections: Any = None,
    caching_device: Any = None,
    partitioner: Any = None,
    rename: dict[str, str] | None = None,
    use_resource: bool | None = None,
    synchronization: Any = tf.VariableSynchronization.AUTO,
    aggregation: Any = tf.VariableAggregation.NONE,
    **_: Any,
) -> tf.Variable:
    """Create core-layer variables as model variables, renaming the last name component."""
    short_name = name.split("/")[-1]
    if rename and short_name in rename:
        components = name.split("/")
        components[-1] = rename[short_name]
        name = "/".join(components)
    return variables.model_variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        collections=collections,
        trainable=trainable,
        caching_device=caching_device,
        partitioner=partitioner,
        custom_getter=getter,
        use_resource=use_resource,
        synchronization=synchronization,
        aggregation=aggregation,
    )


def _build_variable_getter(rename: dict[str, str] | None = None) -> Callable:
    def layer_variable_getter(getter: Callable, *args: Any, **kwargs: Any) -> tf.Variable:
        kwargs["rename"] = rename
        return _model_variable_getter(getter, *args, **kwargs)

    return layer_variable_getter


def _add_variable_to_collections(
    variable: Any, collections_set: Any, collections_name: str
) -> None:
    """Also put ``variable`` in the user's ``variables_collections`` (TF1 graphs only)."""
    if variable is None or not _in_tf1_graph():
        return
    collections = utils.get_variable_collections(collections_set, collections_name) or []
    if isinstance(collections, str):
        collections = [collections]
    for collection in collections:
        if variable not in v1.get_collection(collection):
            v1.add_to_collection(collection, variable)


def _slim_collections(variables_collections: Any, name: str) -> Any:
    collections = utils.get_variable_collections(variables_collections, name)
    return [collections] if isinstance(collections, str) else collections


def _normalize(outputs: tf.Tensor, normalizer_fn: Any, normalizer_params: Any) -> tf.Tensor:
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    return outputs


# ---------------------------------------------------------------------------- pooling
def _pool(
    kind: str,
    inputs: Any,
    kernel_size: Any,
    stride: Any,
    padding: str,
    data_format: str,
    outputs_collections: Any,
    scope: Any,
    default_name: str,
    layer_class: type,
    formats: tuple[str, str],
) -> tf.Tensor:
    if data_format not in formats:
        raise ValueError(f"data_format has to be either {formats[0]} or {formats[1]}.")
    with tf.compat.v1.name_scope(scope, default_name, [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        layer = layer_class(
            pool_size=kernel_size,
            strides=stride,
            padding=padding,
            data_format=_to_channels(data_format),
            _scope=sc,
        )
        outputs = layer.apply(inputs)
        return utils.collect_named_outputs(outputs_collections, _name_scope_alias(sc), outputs)


@add_arg_scope
def avg_pool2d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format=DATA_FORMAT_NHWC,
    outputs_collections=None,
    scope=None,
):
    """2-D average pooling (name scope ``AvgPool2D``)."""
    return _pool(
        "avg",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
        "AvgPool2D",
        core_layers.AveragePooling2D,
        (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC),
    )


@add_arg_scope
def max_pool2d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format=DATA_FORMAT_NHWC,
    outputs_collections=None,
    scope=None,
):
    """2-D max pooling (name scope ``MaxPool2D``)."""
    return _pool(
        "max",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
        "MaxPool2D",
        core_layers.MaxPooling2D,
        (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC),
    )


@add_arg_scope
def avg_pool3d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format=DATA_FORMAT_NDHWC,
    outputs_collections=None,
    scope=None,
):
    """3-D average pooling (name scope ``AvgPool3D``)."""
    return _pool(
        "avg",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
        "AvgPool3D",
        core_layers.AveragePooling3D,
        (DATA_FORMAT_NCDHW, DATA_FORMAT_NDHWC),
    )


@add_arg_scope
def max_pool3d(
    inputs,
    kernel_size,
    stride=2,
    padding="VALID",
    data_format=DATA_FORMAT_NDHWC,
    outputs_collections=None,
    scope=None,
):
    """3-D max pooling (name scope ``MaxPool3D``)."""
    return _pool(
        "max",
        inputs,
        kernel_size,
        stride,
        padding,
        data_format,
        outputs_collections,
        scope,
        "MaxPool3D",
        core_layers.MaxPooling3D,
        (DATA_FORMAT_NCDHW, DATA_FORMAT_NDHWC),
    )


# ---------------------------------------------------------------------------- batch norm
def _moving_updates(moving_mean, moving_variance, mean, variance, decay, zero_debias):
    update_mean = moving_averages.assign_moving_average(
        moving_mean, mean, decay, zero_debias=zero_debias
    )
    update_variance = moving_averages.assign_moving_average(
        moving_variance, variance, decay, zero_debias=False
    )
    return update_mean, update_variance


def _bn_params(
    center,
    scale,
    dtype,
    params_shape,
    param_initializers,
    param_regularizers,
    variables_collections,
    trainable,
):
    """beta, gamma (constants when disabled), moving_mean, moving_variance -- in slim's order."""
    param_initializers = param_initializers or {}
    param_regularizers = param_regularizers or {}
    beta = gamma = None
    if center:
        beta = variables.model_variable(
            "beta",
            shape=params_shape,
            dtype=dtype,
            initializer=param_initializers.get("beta", v1.zeros_initializer()),
            regularizer=param_regularizers.get("beta"),
            collections=_slim_collections(variables_collections, "beta"),
            trainable=trainable,
        )
    if scale:
        gamma = variables.model_variable(
            "gamma",
            shape=params_shape,
            dtype=dtype,
            initializer=param_initializers.get("gamma", v1.ones_initializer()),
            regularizer=param_regularizers.get("gamma"),
            collections=_slim_collections(variables_collections, "gamma"),
            trainable=trainable,
        )
    with v1.variable_scope(v1.get_variable_scope()) as local_scope:
        local_scope.set_partitioner(None)
        moving_mean = variables.model_variable(
            "moving_mean",
            shape=params_shape,
            dtype=dtype,
            initializer=param_initializers.get("moving_mean", v1.zeros_initializer()),
            trainable=False,
            collections=_slim_collections(variables_collections, "moving_mean"),
        )
        moving_variance = variables.model_variable(
            "moving_variance",
            shape=params_shape,
            dtype=dtype,
            initializer=param_initializers.get("moving_variance", v1.ones_initializer()),
            trainable=False,
            collections=_slim_collections(variables_collections, "moving_variance"),
        )
    return beta, gamma, moving_mean, moving_variance


def _add_updates(updates_collections, update_mean, update_variance) -> None:
    if not _in_tf1_graph():
        return  # the assignments already ran (eager) or run with the function (tf.function)
    names = (
        [updates_collections] if isinstance(updates_collections, str) else list(updates_collections)
    )
    for name in names:
        v1.add_to_collection(name, update_mean)
        v1.add_to_collection(name, update_variance)


def _fused_batch_norm(
    inputs,
    decay,
    center,
    scale,
    epsilon,
    activation_fn,
    param_initializers,
    param_regularizers,
    updates_collections,
    is_training,
    reuse,
    variables_collections,
    outputs_collections,
    trainable,
    data_format,
    zero_debias_moving_mean,
    scope,
):
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with v1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        inputs = tf.convert_to_tensor(inputs)
        original_shape = inputs.shape
        original_inputs = inputs
        rank = original_shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank")
        if rank not in (2, 4):
            raise ValueError(f"Inputs has unsupported rank. Expected 2 or 4 but got {rank}")
        if rank == 2:
            channels = original_shape[-1]
            if channels is None:
                raise ValueError("`C` dimension must be known but is None")
            new_shape = (
                [-1, channels, 1, 1] if data_format == DATA_FORMAT_NCHW else [-1, 1, 1, channels]
            )
            inputs = tf.reshape(inputs, new_shape)
        inputs_shape = inputs.shape
        params_shape = inputs_shape[-1:] if data_format == DATA_FORMAT_NHWC else inputs_shape[1:2]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs has undefined `C` dimension {params_shape}.")
        beta, gamma, moving_mean, moving_variance = _bn_params(
            center,
            scale,
            tf.float32,
            params_shape,
            param_initializers,
            param_regularizers,
            variables_collections,
            trainable,
        )
        if beta is None:
            beta = tf.constant(0.0, dtype=tf.float32, shape=params_shape)
        if gamma is None:
            gamma = tf.constant(1.0, dtype=tf.float32, shape=params_shape)

        def training():
            return v1.nn.fused_batch_norm(
                inputs, gamma, beta, epsilon=epsilon, data_format=data_format
            )

        def inference():
            return v1.nn.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=moving_mean,
                variance=moving_variance,
                epsilon=epsilon,
                is_training=False,
                data_format=data_format,
            )

        outputs, mean, variance = utils.smart_cond(is_training, training, inference)
        is_training_value = utils.constant_value(is_training)
        if is_training_value is None or is_training_value:
            if updates_collections is None:

                def force_updates():
                    updates = _moving_updates(
                        moving_mean, moving_variance, mean, variance, decay, zero_debias_moving_mean
                    )
                    with tf.control_dependencies(updates):
                        return tf.identity(outputs)

                outputs = utils.smart_cond(is_training, force_updates, lambda: outputs)
            else:

                def delay_updates():
                    return _moving_updates(
                        moving_mean, moving_variance, mean, variance, decay, zero_debias_moving_mean
                    )

                update_mean, update_variance = utils.smart_cond(
                    is_training, delay_updates, lambda: (moving_mean, moving_variance)
                )
                _add_updates(updates_collections, update_mean, update_variance)
        outputs.set_shape(inputs_shape)
        if rank == 2:
            dims = original_inputs.shape.as_list()
            if sum(d is None for d in dims) <= 1:
                outputs = tf.reshape(outputs, [-1 if d is None else d for d in dims])
            else:
                outputs = tf.reshape(outputs, tf.shape(original_inputs))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def batch_norm(
    inputs,
    decay=0.999,
    center=True,
    scale=False,
    epsilon=0.001,
    activation_fn=None,
    param_initializers=None,
    param_regularizers=None,
    updates_collections=v1.GraphKeys.UPDATE_OPS,
    is_training=True,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    batch_weights=None,
    fused=None,
    data_format=DATA_FORMAT_NHWC,
    zero_debias_moving_mean=False,
    scope=None,
    renorm=False,
    renorm_clipping=None,
    renorm_decay=0.99,
    adjustment=None,
):
    """Batch normalization with TF 1.15 contrib semantics (variable scope ``BatchNorm``).

    ``fused=None`` means fused. Which implementation runs follows TF 1.15 exactly: the
    core ``batch_normalization`` layer when updates go to UPDATE_OPS, else slim's own
    fused or moments-based code; the variable names are the same either way.
    """
    if fused is None:
        fused = True
    inputs = tf.convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    to_update_ops = updates_collections == v1.GraphKeys.UPDATE_OPS and isinstance(
        updates_collections, str
    )
    possible_to_fuse = (
        batch_weights is None and not renorm and rank in (2, 4) and adjustment is None
    )
    if fused and possible_to_fuse and (zero_debias_moving_mean or rank == 2 or not to_update_ops):
        return _fused_batch_norm(
            inputs,
            decay,
            center,
            scale,
            epsilon,
            activation_fn,
            param_initializers,
            param_regularizers,
            updates_collections,
            is_training,
            reuse,
            variables_collections,
            outputs_collections,
            trainable,
            data_format,
            zero_debias_moving_mean,
            scope,
        )
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with v1.variable_scope(
        scope, "BatchNorm", [inputs], reuse=reuse, custom_getter=_build_variable_getter()
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        if batch_weights is None and to_update_ops and not zero_debias_moving_mean:
            param_initializers = param_initializers or {}
            param_regularizers = param_regularizers or {}
            layer = core_layers.BatchNormalization(
                axis=1 if data_format == DATA_FORMAT_NCHW else -1,
                momentum=decay,
                epsilon=epsilon,
                center=center,
                scale=scale,
                beta_initializer=param_initializers.get("beta", v1.zeros_initializer()),
                gamma_initializer=param_initializers.get("gamma", v1.ones_initializer()),
                moving_mean_initializer=param_initializers.get(
                    "moving_mean", v1.zeros_initializer()
                ),
                moving_variance_initializer=param_initializers.get(
                    "moving_variance", v1.ones_initializer()
                ),
                beta_regularizer=param_regularizers.get("beta"),
                gamma_regularizer=param_regularizers.get("gamma"),
                trainable=trainable,
                renorm=renorm,
                renorm_clipping=renorm_clipping,
                renorm_momentum=renorm_decay,
                adjustment=adjustment,
                name=sc.name,
                _scope=sc,
                _reuse=reuse,
                fused=fused,
            )
            outputs = layer.apply(inputs, training=is_training)
            _add_variable_to_collections(layer.moving_mean, variables_collections, "moving_mean")
            _add_variable_to_collections(
                layer.moving_variance, variables_collections, "moving_variance"
            )
            _add_variable_to_collections(layer.beta, variables_collections, "beta")
            _add_variable_to_collections(layer.gamma, variables_collections, "gamma")
            if activation_fn is not None:
                outputs = activation_fn(outputs)
            return utils.collect_named_outputs(outputs_collections, sc.name, outputs)

        if renorm:
            raise ValueError(
                "renorm is not supported with batch_weights, updates_collections or "
                "zero_debias_moving_mean"
            )
        inputs_shape = inputs.shape
        inputs_rank = inputs_shape.ndims
        if inputs_rank is None:
            raise ValueError("Inputs has undefined rank.")
        dtype = inputs.dtype.base_dtype
        if batch_weights is not None:
            batch_weights = tf.convert_to_tensor(batch_weights)
            inputs_shape[0:1].assert_is_compatible_with(batch_weights.shape)
            batch_weights = tf.reshape(batch_weights, [-1] + [1] * (inputs_rank - 1))
        if data_format == DATA_FORMAT_NCHW:
            moments_axes = [0] + list(range(2, inputs_rank))
            params_shape = inputs_shape[1:2]
            broadcast_shape = [1, inputs_shape[1]] + [1] * (inputs_rank - 2)
        else:
            moments_axes = list(range(inputs_rank - 1))
            params_shape = inputs_shape[-1:]
            broadcast_shape = None
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs has undefined channels dimension {params_shape}.")
        # slim's own path: no regularizers on beta/gamma (as TF 1.15)
        beta, gamma, moving_mean, moving_variance = _bn_params(
            center,
            scale,
            dtype,
            params_shape,
            param_initializers,
            None,
            variables_collections,
            trainable,
        )
        is_training_value = utils.constant_value(is_training)
        if is_training_value is None or is_training_value:
            keep = data_format == DATA_FORMAT_NCHW
            if batch_weights is None:
                mean, variance = tf.nn.moments(inputs, moments_axes, keepdims=keep)
            else:
                mean, variance = tf.nn.weighted_moments(
                    inputs, moments_axes, batch_weights, keepdims=keep
                )
            if keep:
                mean, variance = tf.reshape(mean, [-1]), tf.reshape(variance, [-1])

            def moving_vars():
                return moving_mean, moving_variance

            if updates_collections is None:

                def force_updates():
                    updates = _moving_updates(
                        moving_mean, moving_variance, mean, variance, decay, zero_debias_moving_mean
                    )
                    with tf.control_dependencies(updates):
                        return tf.identity(mean), tf.identity(variance)

                mean, variance = utils.smart_cond(is_training, force_updates, moving_vars)
            else:

                def delay_updates():
                    return _moving_updates(
                        moving_mean, moving_variance, mean, variance, decay, zero_debias_moving_mean
                    )

                update_mean, update_variance = utils.smart_cond(
                    is_training, delay_updates, moving_vars
                )
                _add_updates(updates_collections, update_mean, update_variance)
                batch = (mean, variance)
                mean, variance = utils.smart_cond(is_training, lambda: batch, moving_vars)
        else:
            mean, variance = moving_mean, moving_variance
        if broadcast_shape is not None:
            mean = tf.reshape(mean, broadcast_shape)
            variance = tf.reshape(variance, broadcast_shape)
            beta = tf.reshape(beta, broadcast_shape) if beta is not None else None
            gamma = tf.reshape(gamma, broadcast_shape) if gamma is not None else None
        outputs = tf.nn.batch_normalization(inputs, mean, variance, beta, gamma, epsilon)
        outputs.set_shape(inputs_shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


# ---------------------------------------------------------------------------- bias_add
@add_arg_scope
def bias_add(
    inputs,
    activation_fn=None,
    initializer=v1.zeros_initializer(),
    regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    data_format=DATA_FORMAT_NHWC,
    scope=None,
):
    """Add a learned ``biases`` vector (variable scope ``BiasAdd``)."""
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with v1.variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        inputs = tf.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank != 4 and data_format == DATA_FORMAT_NCHW:
            raise ValueError("Data format NCHW only supports 4D Tensor")
        num_features = inputs.shape[1 if data_format == DATA_FORMAT_NCHW else -1]
        if num_features is None:
            raise ValueError("`C` dimension must be known but is None")
        biases = variables.model_variable(
            "biases",
            shape=[num_features],
            dtype=inputs.dtype.base_dtype,
            initializer=initializer,
            regularizer=regularizer,
            collections=_slim_collections(variables_collections, "biases"),
            trainable=trainable,
        )
        outputs = tf.nn.bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


# ---------------------------------------------------------------------------- convolutions
@add_arg_scope
def convolution(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format=None,
    rate=1,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
    conv_dims=None,
):
    """N-d convolution (rank of ``inputs`` picks 1-, 2- or 3-D; variable scope ``Conv``)."""
    if data_format not in [None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"]:
        raise ValueError(f"Invalid data_format: {data_format!r}")
    getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with v1.variable_scope(scope, "Conv", [inputs], reuse=reuse, custom_getter=getter) as sc:
        inputs = tf.convert_to_tensor(inputs)
        input_rank = inputs.shape.ndims
        if conv_dims is not None and conv_dims + 2 != input_rank:
            raise ValueError(
                f"Convolution expects input with rank {conv_dims + 2}, got {input_rank}"
            )
        layer_class = {3: core_layers.Conv1D, 4: core_layers.Conv2D, 5: core_layers.Conv3D}.get(
            input_rank
        )
        if layer_class is None:
            raise ValueError(f"Convolution not supported for input with rank {input_rank}")
        layer = layer_class(
            filters=num_outputs,
            kernel_size=kernel_size,
            strides=stride,
            padding=padding,
            data_format=_to_channels(data_format),
            dilation_rate=rate,
            activation=None,
            use_bias=not normalizer_fn and bool(biases_initializer),
            kernel_initializer=weights_initializer,
            bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer,
            bias_regularizer=biases_regularizer,
            activity_regularizer=None,
            trainable=trainable,
            name=sc.name,
            dtype=inputs.dtype.base_dtype,
            _scope=sc,
            _reuse=reuse,
        )
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        if layer.use_bias:
            _add_variable_to_collections(layer.bias, variables_collections, "biases")
        outputs = _normalize(outputs, normalizer_fn, normalizer_params)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


def _fixed_rank_convolution(conv_dims: int, doc: str) -> Callable:
    @add_arg_scope
    def conv(
        inputs,
        num_outputs,
        kernel_size,
        stride=1,
        padding="SAME",
        data_format=None,
        rate=1,
        activation_fn=tf.nn.relu,
        normalizer_fn=None,
        normalizer_params=None,
        weights_initializer=initializers.xavier_initializer(),
        weights_regularizer=None,
        biases_initializer=v1.zeros_initializer(),
        biases_regularizer=None,
        reuse=None,
        variables_collections=None,
        outputs_collections=None,
        trainable=True,
        scope=None,
    ):
        return convolution(
            inputs,
            num_outputs,
            kernel_size,
            stride,
            padding,
            data_format,
            rate,
            activation_fn,
            normalizer_fn,
            normalizer_params,
            weights_initializer,
            weights_regularizer,
            biases_initializer,
            biases_regularizer,
            reuse,
            variables_collections,
            outputs_collections,
            trainable,
            scope,
            conv_dims=conv_dims,
        )

    conv.__name__ = conv.__qualname__ = f"convolution{conv_dims}d"
    conv.__doc__ = doc
    return conv


convolution1d = _fixed_rank_convolution(
    1, "1-D convolution (input rank 3; variable scope ``Conv``)."
)
convolution2d = _fixed_rank_convolution(
    2, "2-D convolution (input rank 4; variable scope ``Conv``)."
)
convolution3d = _fixed_rank_convolution(
    3, "3-D convolution (input rank 5; variable scope ``Conv``)."
)


@add_arg_scope
def convolution2d_in_plane(
    inputs,
    kernel_size,
    stride=1,
    padding="SAME",
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """One ``[k, k, 1, 1]`` filter shared by every channel (variable scope ``ConvInPlane``)."""
    with v1.variable_scope(scope, "ConvInPlane", [inputs], reuse=reuse) as sc:
        dtype = inputs.dtype.base_dtype
        kernel_h, kernel_w = utils.two_element_tuple(kernel_size)
        stride_h, stride_w = utils.two_element_tuple(stride)
        num_filters_in = utils.last_dimension(inputs.shape, min_rank=4)
        weights = variables.model_variable(
            "weights",
            shape=[kernel_h, kernel_w, 1, 1],
            dtype=dtype,
            initializer=weights_initializer,
            regularizer=weights_regularizer,
            collections=_slim_collections(variables_collections, "weights"),
            trainable=trainable,
        )
        depthwise_weights = tf.tile(weights, [1, 1, num_filters_in, 1])
        outputs = tf.nn.depthwise_conv2d(
            inputs, depthwise_weights, [1, stride_h, stride_w, 1], padding
        )
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = variables.model_variable(
                "biases",
                shape=[num_filters_in],
                dtype=dtype,
                initializer=biases_initializer,
                regularizer=biases_regularizer,
                collections=_slim_collections(variables_collections, "biases"),
                trainable=trainable,
            )
            outputs = tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


def _transpose(
    layer_class,
    default_name,
    formats,
    inputs,
    num_outputs,
    kernel_size,
    stride,
    padding,
    data_format,
    activation_fn,
    normalizer_fn,
    normalizer_params,
    weights_initializer,
    weights_regularizer,
    biases_initializer,
    biases_regularizer,
    reuse,
    variables_collections,
    outputs_collections,
    trainable,
    scope,
):
    getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with v1.variable_scope(scope, default_name, [inputs], reuse=reuse, custom_getter=getter) as sc:
        if data_format not in formats:
            raise ValueError(f"data_format has to be either {formats[0]} or {formats[1]}.")
        inputs = tf.convert_to_tensor(inputs)
        layer = layer_class(
            filters=num_outputs,
            kernel_size=kernel_size,
            strides=stride,
            padding=padding,
            data_format=_to_channels(data_format),
            activation=None,
            use_bias=not normalizer_fn and bool(biases_initializer),
            kernel_initializer=weights_initializer,
            bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer,
            bias_regularizer=biases_regularizer,
            activity_regularizer=None,
            trainable=trainable,
            name=sc.name,
            dtype=inputs.dtype.base_dtype,
            _scope=sc,
            _reuse=reuse,
        )
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        _add_variable_to_collections(getattr(layer, "bias", None), variables_collections, "biases")
        outputs = _normalize(outputs, normalizer_fn, normalizer_params)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def convolution2d_transpose(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format=DATA_FORMAT_NHWC,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Transposed 2-D convolution (variable scope ``Conv2d_transpose``)."""
    return _transpose(
        core_layers.Conv2DTranspose,
        "Conv2d_transpose",
        (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC),
        inputs,
        num_outputs,
        kernel_size,
        stride,
        padding,
        data_format,
        activation_fn,
        normalizer_fn,
        normalizer_params,
        weights_initializer,
        weights_regularizer,
        biases_initializer,
        biases_regularizer,
        reuse,
        variables_collections,
        outputs_collections,
        trainable,
        scope,
    )


@add_arg_scope
def convolution3d_transpose(
    inputs,
    num_outputs,
    kernel_size,
    stride=1,
    padding="SAME",
    data_format=DATA_FORMAT_NDHWC,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Transposed 3-D convolution (variable scope ``Conv3d_transpose``)."""
    return _transpose(
        core_layers.Conv3DTranspose,
        "Conv3d_transpose",
        (DATA_FORMAT_NCDHW, DATA_FORMAT_NDHWC),
        inputs,
        num_outputs,
        kernel_size,
        stride,
        padding,
        data_format,
        activation_fn,
        normalizer_fn,
        normalizer_params,
        weights_initializer,
        weights_regularizer,
        biases_initializer,
        biases_regularizer,
        reuse,
        variables_collections,
        outputs_collections,
        trainable,
        scope,
    )


@add_arg_scope
def separable_convolution2d(
    inputs,
    num_outputs,
    kernel_size,
    depth_multiplier=1,
    stride=1,
    padding="SAME",
    data_format=DATA_FORMAT_NHWC,
    rate=1,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    pointwise_initializer=None,
    weights_regularizer=None,
    biases_initializer=v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Depthwise-separable 2-D convolution (variable scope ``SeparableConv2d``).

    ``num_outputs=None`` skips the pointwise step (a depthwise convolution only).
    """
    getter = _build_variable_getter(
        {
            "bias": "biases",
            "depthwise_kernel": "depthwise_weights",
            "pointwise_kernel": "pointwise_weights",
        }
    )
    with v1.variable_scope(
        scope, "SeparableConv2d", [inputs], reuse=reuse, custom_getter=getter
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        if pointwise_initializer is None:
            pointwise_initializer = weights_initializer
        df = _to_channels(data_format)
        if num_outputs is not None:
            layer = core_layers.SeparableConv2D(
                filters=num_outputs,
                kernel_size=kernel_size,
                strides=stride,
                padding=padding,
                data_format=df,
                dilation_rate=utils.two_element_tuple(rate),
                activation=None,
                depth_multiplier=depth_multiplier,
                use_bias=not normalizer_fn and bool(biases_initializer),
                depthwise_initializer=weights_initializer,
                pointwise_initializer=pointwise_initializer,
                bias_initializer=biases_initializer,
                depthwise_regularizer=weights_regularizer,
                pointwise_regularizer=weights_regularizer,
                bias_regularizer=biases_regularizer,
                activity_regularizer=None,
                trainable=trainable,
                name=sc.name,
                dtype=inputs.dtype.base_dtype,
                _scope=sc,
                _reuse=reuse,
            )
            outputs = layer.apply(inputs)
            _add_variable_to_collections(layer.depthwise_kernel, variables_collections, "weights")
            _add_variable_to_collections(layer.pointwise_kernel, variables_collections, "weights")
            _add_variable_to_collections(layer.bias, variables_collections, "biases")
            outputs = _normalize(outputs, normalizer_fn, normalizer_params)
        else:
            dtype = inputs.dtype.base_dtype
            kernel_h, kernel_w = utils.two_element_tuple(kernel_size)
            stride_h, stride_w = utils.two_element_tuple(stride)
            num_filters_in = utils.channel_dimension(inputs.shape, df, min_rank=4)
            depthwise_weights = variables.model_variable(
                "depthwise_weights",
                shape=[kernel_h, kernel_w, num_filters_in, depth_multiplier],
                dtype=dtype,
                initializer=weights_initializer,
                regularizer=weights_regularizer,
                trainable=trainable,
                collections=_slim_collections(variables_collections, "weights"),
            )
            strides = (
                [1, 1, stride_h, stride_w]
                if data_format.startswith("NC")
                else [1, stride_h, stride_w, 1]
            )
            outputs = tf.nn.depthwise_conv2d(
                inputs,
                depthwise_weights,
                strides,
                padding,
                dilations=utils.two_element_tuple(rate),
                data_format=data_format,
            )
            num_outputs = depth_multiplier * num_filters_in
            if normalizer_fn is not None:
                outputs = normalizer_fn(outputs, **(normalizer_params or {}))
            elif biases_initializer is not None:
                biases = variables.model_variable(
                    "biases",
                    shape=[num_outputs],
                    dtype=dtype,
                    initializer=biases_initializer,
                    regularizer=biases_regularizer,
                    trainable=trainable,
                    collections=_slim_collections(variables_collections, "biases"),
                )
                outputs = tf.nn.bias_add(outputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


# ---------------------------------------------------------------------------- core
@add_arg_scope
def dropout(
    inputs,
    keep_prob=0.5,
    noise_shape=None,
    is_training=True,
    outputs_collections=None,
    scope=None,
    seed=None,
):
    """Dropout that keeps ``keep_prob`` of the units when ``is_training`` (scope ``Dropout``)."""
    with v1.variable_scope(scope, "Dropout", [inputs], custom_getter=_model_variable_getter) as sc:
        inputs = tf.convert_to_tensor(inputs)
        layer = core_layers.Dropout(
            rate=1 - keep_prob, noise_shape=noise_shape, seed=seed, name=sc.name, _scope=sc
        )
        outputs = layer.apply(inputs, training=is_training)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """``[batch, ...]`` -> ``[batch, k]`` (name scope ``Flatten``)."""
    with v1.name_scope(scope, "Flatten", [inputs]) as sc:
        inputs = tf.convert_to_tensor(inputs)
        outputs = core_layers.flatten(inputs)
        return utils.collect_named_outputs(outputs_collections, _name_scope_alias(sc), outputs)


@add_arg_scope
def fully_connected(
    inputs,
    num_outputs,
    activation_fn=tf.nn.relu,
    normalizer_fn=None,
    normalizer_params=None,
    weights_initializer=initializers.xavier_initializer(),
    weights_regularizer=None,
    biases_initializer=v1.zeros_initializer(),
    biases_regularizer=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    scope=None,
):
    """Dense layer over the last axis (variable scope ``fully_connected``)."""
    if not isinstance(num_outputs, int) or isinstance(num_outputs, bool):
        raise ValueError(
            f"num_outputs type should be one of [<class 'int'>], got {type(num_outputs)}."
        )
    getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with v1.variable_scope(
        scope, "fully_connected", [inputs], reuse=reuse, custom_getter=getter
    ) as sc:
        inputs = tf.convert_to_tensor(inputs)
        layer = core_layers.Dense(
            units=num_outputs,
            activation=None,
            use_bias=not normalizer_fn and bool(biases_initializer),
            kernel_initializer=weights_initializer,
            bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer,
            bias_regularizer=biases_regularizer,
            activity_regularizer=None,
            trainable=trainable,
            name=sc.name,
            dtype=inputs.dtype.base_dtype,
            _scope=sc,
            _reuse=reuse,
        )
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        _add_variable_to_collections(layer.bias, variables_collections, "biases")
        outputs = _normalize(outputs, normalizer_fn, normalizer_params)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def layer_norm(
    inputs,
    center=True,
    scale=True,
    activation_fn=None,
    reuse=None,
    variables_collections=None,
    outputs_collections=None,
    trainable=True,
    begin_norm_axis=1,
    begin_params_axis=-1,
    scope=None,
):
    """Layer normalization (variable scope ``LayerNorm``; epsilon 1e-12, as TF 1.15).

    Moments are taken over ``begin_norm_axis:``; ``beta``/``gamma`` have shape
    ``inputs.shape[begin_params_axis:]``.
    """
    with v1.variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        inputs = tf.convert_to_tensor(inputs)
        inputs_shape = inputs.shape
        inputs_rank = inputs_shape.ndims
        if inputs_rank is None:
            raise ValueError("Inputs has undefined rank.")
        dtype = inputs.dtype.base_dtype
        if begin_norm_axis < 0:
            begin_norm_axis = inputs_rank + begin_norm_axis
        if begin_params_axis >= inputs_rank or begin_norm_axis >= inputs_rank:
            raise ValueError(
                f"begin_params_axis ({begin_params_axis}) and begin_norm_axis ({begin_norm_axis}) "
                f"must be < rank(inputs) ({inputs_rank})"
            )
        params_shape = inputs_shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError(
                f"Inputs: shape(inputs)[{begin_params_axis}:] is not fully defined: {inputs_shape}"
            )
        beta = gamma = None
        if center:
            beta = variables.model_variable(
                "beta",
                shape=params_shape,
                dtype=dtype,
                initializer=v1.zeros_initializer(),
                collections=_slim_collections(variables_collections, "beta"),
                trainable=trainable,
            )
        if scale:
            gamma = variables.model_variable(
                "gamma",
                shape=params_shape,
                dtype=dtype,
                initializer=v1.ones_initializer(),
                collections=_slim_collections(variables_collections, "gamma"),
                trainable=trainable,
            )
        norm_axes = list(range(begin_norm_axis, inputs_rank))
        mean, variance = tf.nn.moments(inputs, norm_axes, keepdims=True)
        variance_epsilon = 1e-12 if dtype != tf.float16 else 1e-3
        outputs = tf.nn.batch_normalization(
            inputs, mean, variance, offset=beta, scale=gamma, variance_epsilon=variance_epsilon
        )
        outputs.set_shape(inputs_shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return utils.collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def one_hot_encoding(
    labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None, scope=None
):
    """One-hot float encoding of integer ``labels`` (name scope ``OneHotEncoding``)."""
    with v1.name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
        labels = tf.convert_to_tensor(labels)
        if labels.dtype == tf.int32:
            labels = tf.cast(labels, tf.int64)
        outputs = tf.one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return utils.collect_named_outputs(outputs_collections, _name_scope_alias(sc), outputs)


def _layer_name(layer: Any, fallback: str) -> str:
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
        return layer.func.__name__
    return fallback


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Apply ``layer`` ``repetitions`` times: scopes ``<scope>/<scope>_1``, ``_2``...

    ``scope`` defaults to the layer's name (``conv2d`` -> ``Repeat/conv2d_1``).
    """
    scope = kwargs.pop("scope", None)
    with v1.variable_scope(scope, "Repeat", [inputs]):
        inputs = tf.convert_to_tensor(inputs)
        if scope is None:
            scope = _layer_name(layer, "repeat")
        outputs = inputs
        for i in range(repetitions):
            kwargs["scope"] = scope + "_" + str(i + 1)
            outputs = layer(outputs, *args, **kwargs)
        return outputs


@add_arg_scope
def stack(inputs, layer, stack_args, **kwargs):
    """Apply ``layer`` once per entry of ``stack_args``: scopes ``<scope>/<scope>_1``...

    Example: ``stack(x, fully_connected, [32, 64], scope="fc")`` -> ``fc/fc_1``, ``fc/fc_2``.
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with v1.variable_scope(scope, "Stack", [inputs]):
        inputs = tf.convert_to_tensor(inputs)
        if scope is None:
            scope = _layer_name(layer, "stack")
        outputs = inputs
        for i, layer_args in enumerate(stack_args):
            kwargs["scope"] = scope + "_" + str(i + 1)
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last axis of any-rank ``logits`` (variable scope ``softmax``)."""
    with v1.variable_scope(scope, "softmax", [logits]):
        num_logits = utils.last_dimension(logits.shape, min_rank=2)
        logits_2d = tf.reshape(logits, [-1, num_logits])
        predictions = tf.nn.softmax(logits_2d)
        predictions = tf.reshape(predictions, tf.shape(logits))
        if not tf.executing_eagerly():
            predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
    """Normalise ``inputs`` to unit L2 norm along ``dim`` (name scope ``UnitNorm``)."""
    with v1.variable_scope(scope, "UnitNorm", [inputs]):
        if not inputs.shape:
            raise ValueError("The input rank must be known.")
        rank = len(inputs.shape.as_list())
        if dim < 0 or dim >= rank:
            raise ValueError("dim must be positive but smaller than the input rank.")
        lengths = tf.sqrt(epsilon + tf.reduce_sum(tf.square(inputs), dim, keepdims=True))
        multiples = [1] * rank
        multiples[dim] = inputs.shape[dim]
        return tf.math.divide(inputs, tf.tile(lengths, multiples))


@add_arg_scope
def maxout(inputs, num_units, axis=-1, scope=None):
    """Max over groups of ``num_units`` along ``axis`` (name scope ``MaxOut``)."""
    with v1.variable_scope(scope, "MaxOut", [inputs]):
        inputs = tf.convert_to_tensor(inputs)
        shape = inputs.shape.as_list()
        num_channels = shape[axis]
        if num_channels % num_units:
            raise ValueError(
                f"number of features({num_channels}) is not a multiple of num_units({num_units})"
            )
        if axis < 0:
            axis = axis + len(shape)
        else:
            assert axis >= 0, "Find invalid axis"
        shape[axis] = num_units
        shape += [num_channels // num_units]
        for i in range(len(shape)):
            if shape[i] is None:
                shape[i] = tf.shape(inputs)[i]
        return tf.reduce_max(tf.reshape(inputs, shape), -1, keepdims=False)


elu = functools.partial(fully_connected, activation_fn=tf.nn.elu)
relu = functools.partial(fully_connected, activation_fn=tf.nn.relu)
relu6 = functools.partial(fully_connected, activation_fn=tf.nn.relu6)
linear = functools.partial(fully_connected, activation_fn=None)

conv1d = convolution1d
conv2d = convolution2d
conv3d = convolution3d
conv2d_transpose = convolution2d_transpose
conv3d_transpose = convolution3d_transpose
conv2d_in_plane = convolution2d_in_plane
separable_conv2d = separable_convolution2d
