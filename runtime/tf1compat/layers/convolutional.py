"""TF1 convolution layers: conv1d/2d/3d, separable_conv1d/2d, conv2d/3d_transpose.

Variable names and shapes follow ``tf.compat.v1.layers`` (contract §3.3): ``kernel``
``[*kernel_size, in, filters]`` (transposed convs: ``[*kernel_size, filters, in]``),
``depthwise_kernel``/``pointwise_kernel`` for separable convs, ``bias`` ``[filters]``.

Example::

    y = tf1compat.layers.conv2d(x, 32, 3, padding="same", activation=tf.nn.relu)
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from tf1compat.layers import _conv_utils as cu
from tf1compat.layers import _resolve
from tf1compat.layers.base import InputSpec, Layer

v1 = tf.compat.v1

__all__ = [
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "conv1d",
    "conv2d",
    "conv3d",
    "separable_conv1d",
    "separable_conv2d",
    "conv2d_transpose",
    "conv3d_transpose",
]


class _Conv(Layer):
    """N-D convolution; subclasses fix ``rank`` and may replace the kernel shape or the op."""

    rank = 2
    allow_causal = False

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = v1.zeros_initializer(),
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(
            trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs
        )
        self.filters = int(filters)
        self.kernel_size = cu.normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = cu.normalize_tuple(strides, self.rank, "strides")
        self.padding = cu.normalize_padding(padding, allow_causal=self.allow_causal)
        self.data_format = cu.normalize_data_format(data_format)
        self.dilation_rate = cu.normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            # as TF1's layers, at construction (the ops refuse it too, but not all of them)
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = _resolve.activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _input_channels(self, input_shape: Any) -> int:
        shape = tf.TensorShape(input_shape)
        channels = shape[cu.channel_axis(self.data_format)]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs should be defined. Found None: {shape}"
            )
        self.input_spec = InputSpec(
            ndim=self.rank + 2, axes={cu.channel_axis(self.data_format): channels}
        )
        return int(channels)

    def _kernel_shape(self, channels: int) -> list[int]:
        return [*self.kernel_size, channels, self.filters]

    def build(self, input_shape: Any) -> None:
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            "kernel",
            shape=self._kernel_shape(channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        self._build_bias()
        self.built = True

    def _build_bias(self) -> None:
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[self.filters],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
                dtype=self.dtype,
            )

    def _convolve(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        """The convolution on an input in layout ``fmt``."""
        padding = "VALID" if self.padding == "causal" else self.padding.upper()
        return tf.nn.convolution(
            inputs,
            self.kernel,
            strides=list(self.strides),
            padding=padding,
            dilations=list(self.dilation_rate),
            data_format=cu.tf_data_format(self.rank, fmt),
        )

    def _convolve_with_bias(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        return self._add_bias(self._convolve(inputs, fmt), fmt)

    def _add_bias(self, outputs: tf.Tensor, fmt: str) -> tf.Tensor:
        if self.bias is None:
            return outputs
        if fmt == "channels_first":
            return tf.nn.bias_add(outputs, self.bias, data_format="NC...")
        return tf.nn.bias_add(outputs, self.bias)

    def _causal_pad(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        paddings = [[0, 0], [0, 0], [0, 0]]
        paddings[cu.spatial_axes(1, fmt)[0]] = [left, 0]
        return tf.pad(inputs, paddings)

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        if inputs.dtype.base_dtype != self.dtype:
            inputs = tf.cast(inputs, self.dtype)
        fmt = cu.compute_format(self.data_format)
        outputs = (
            cu.to_channels_last(inputs, self.data_format) if fmt != self.data_format else inputs
        )
        if self.padding == "causal":
            outputs = self._causal_pad(outputs, fmt)
        outputs = self._convolve_with_bias(outputs, fmt)
        if fmt != self.data_format:
            outputs = cu.from_channels_last(outputs, self.data_format)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        shape = tf.TensorShape(input_shape)
        spatial = [
            cu.conv_output_length(n, k, self.padding, s, d)
            for n, k, s, d in zip(
                cu.spatial_dims(shape, self.data_format),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
            )
        ]
        if self.data_format == "channels_first":
            return tf.TensorShape([shape[0], self.filters, *spatial])
        return tf.TensorShape([shape[0], *spatial, self.filters])


class Conv1D(_Conv):
    """1-D convolution (temporal); ``padding="causal"`` pads on the left only."""

    rank = 1
    allow_causal = True


class Conv2D(_Conv):
    """2-D convolution (spatial); kernel ``[kh, kw, in, filters]``."""

    rank = 2


class Conv3D(_Conv):
    """3-D convolution (volumes); kernel ``[kd, kh, kw, in, filters]``."""

    rank = 3


class _SeparableConv(_Conv):
    """Depthwise then pointwise convolution (``depthwise_kernel``, ``pointwise_kernel``)."""

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = None,
        pointwise_initializer: Any = None,
        bias_initializer: Any = v1.zeros_initializer(),
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape: Any) -> None:
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel",
            shape=[*self.kernel_size, channels, self.depth_multiplier],
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel",
            shape=[*([1] * self.rank), channels * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        self._build_bias()
        self.built = True


class SeparableConv1D(_SeparableConv):
    """1-D separable convolution, computed as a 2-D one over a unit height (as TF1 did)."""

    rank = 1
    allow_causal = True

    def _convolve_with_bias(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        # As TF1: a 2-D convolution over a unit height with the stride in both dimensions
        # (the depthwise kernel needs equal strides; a unit height gives one row either way),
        # and the bias added before squeezing the height (op names follow that order).
        padding = "VALID" if self.padding == "causal" else self.padding.upper()
        height = cu.spatial_axes(1, fmt)[0]
        stride = self.strides[0]
        outputs = v1.nn.separable_conv2d(
            tf.expand_dims(inputs, height),
            tf.expand_dims(self.depthwise_kernel, 0),
            tf.expand_dims(self.pointwise_kernel, 0),
            strides=(1, stride, stride, 1) if fmt == "channels_last" else (1, 1, stride, stride),
            padding=padding,
            rate=(1, self.dilation_rate[0]),
            data_format=cu.tf_data_format(2, fmt),
        )
        return tf.squeeze(self._add_bias(outputs, fmt), [height])


class SeparableConv2D(_SeparableConv):
    """2-D separable convolution.

    ``depthwise_kernel [kh, kw, in, dm]``, ``pointwise_kernel [1, 1, in*dm, filters]``.
    """

    rank = 2

    def _convolve(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        def separable(x: tf.Tensor, strides: tuple[int, ...], padding: str) -> tf.Tensor:
            return v1.nn.separable_conv2d(
                x,
                self.depthwise_kernel,
                self.pointwise_kernel,
                strides=(1, *strides, 1) if fmt == "channels_last" else (1, 1, *strides),
                padding=padding,
                rate=self.dilation_rate,
                data_format=cu.tf_data_format(2, fmt),
            )

        if len(set(self.strides)) > 1 and set(self.dilation_rate) == {1}:
            # the depthwise kernel takes equal strides only (on CPU and GPU): compute the
            # stride-1 convolution and subsample, which is exact (strides with dilation
            # were refused in __init__, as in TF1)
            return cu.strided_by_subsampling(
                lambda x: separable(x, (1, 1), "VALID"),
                inputs,
                cu.spatial_axes(2, fmt),
                self.kernel_size,
                self.strides,
                self.padding,
            )
        return separable(inputs, self.strides, self.padding.upper())


class _ConvTranspose(_Conv):
    """Transposed convolution; kernel ``[*kernel_size, filters, in]``. TF1 had no dilation here."""

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str = "channels_last",
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = v1.zeros_initializer(),
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: Any = None,
        **kwargs: Any,
    ):
        super().__init__(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )

    def _kernel_shape(self, channels: int) -> list[int]:
        return [*self.kernel_size, self.filters, channels]

    def _output_shape(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        """The output shape in layout ``fmt``, static where known."""
        dynamic = tf.shape(inputs)
        static = inputs.shape.as_list()
        spatial = []
        for axis, kernel, stride in zip(
            cu.spatial_axes(self.rank, fmt), self.kernel_size, self.strides
        ):
            length = static[axis] if static[axis] is not None else dynamic[axis]
            spatial.append(cu.deconv_output_length(length, kernel, self.padding, stride))
        if fmt == "channels_first":
            return tf.stack([dynamic[0], self.filters, *spatial])
        return tf.stack([dynamic[0], *spatial, self.filters])

    def _transpose_op(self, fmt: str) -> Any:
        """``op(x, output_shape, strides, padding)``: the TF1 transposed convolution op."""
        conv = v1.nn.conv2d_transpose if self.rank == 2 else tf.nn.conv3d_transpose
        data_format = cu.tf_data_format(self.rank, fmt)

        def op(x: tf.Tensor, shape: tf.Tensor, strides: Any, padding: str) -> tf.Tensor:
            full = (1, *strides, 1) if fmt == "channels_last" else (1, 1, *strides)
            return conv(
                x, self.kernel, shape, strides=full, padding=padding, data_format=data_format
            )

        return op

    def _convolve(self, inputs: tf.Tensor, fmt: str) -> tf.Tensor:
        output_shape = self._output_shape(inputs, fmt)
        op = self._transpose_op(fmt)
        if len(set(self.strides)) > 1 and not cu.runtime_has_gpu():
            # some CPU kernels take equal strides only: zero insertion + stride 1 is exact
            outputs = cu.transpose_conv_by_zero_insertion(
                lambda x, shape: op(x, shape, [1] * self.rank, "VALID"),
                inputs,
                output_shape,
                cu.spatial_axes(self.rank, fmt),
                self.kernel_size,
                self.strides,
                self.padding,
            )
        else:
            outputs = op(inputs, output_shape, self.strides, self.padding.upper())
        if not tf.executing_eagerly():
            static_in = inputs.shape.as_list()
            spatial = [
                cu.deconv_output_length(static_in[axis], k, self.padding, s)
                for axis, k, s in zip(
                    cu.spatial_axes(self.rank, fmt), self.kernel_size, self.strides
                )
            ]
            if fmt == "channels_first":
                outputs.set_shape([static_in[0], self.filters, *spatial])
            else:
                outputs.set_shape([static_in[0], *spatial, self.filters])
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        shape = tf.TensorShape(input_shape)
        spatial = [
            cu.deconv_output_length(n, k, self.padding, s)
            for n, k, s in zip(
                cu.spatial_dims(shape, self.data_format), self.kernel_size, self.strides
            )
        ]
        if self.data_format == "channels_first":
            return tf.TensorShape([shape[0], self.filters, *spatial])
        return tf.TensorShape([shape[0], *spatial, self.filters])


class Conv2DTranspose(_ConvTranspose):
    """2-D transposed convolution ("deconvolution"); kernel ``[kh, kw, filters, in]``."""

    rank = 2


class Conv3DTranspose(_ConvTranspose):
    """3-D transposed convolution; kernel ``[kd, kh, kw, filters, in]``."""

    rank = 3


def _apply(
    layer_class: type[Layer], inputs: Any, name: Any, reuse: Any, **kwargs: Any
) -> tf.Tensor:
    """Functional form: a new layer per call, ``name`` as exact scope (TF1 ``_scope=name``)."""
    return layer_class(name=name, _scope=name, _reuse=reuse, **kwargs)(inputs)


def conv1d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``Conv1D``: one new layer per call, default scope ``conv1d``."""
    return _apply(
        Conv1D,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )


def conv2d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = (1, 1),
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``Conv2D``: one new layer per call, default scope ``conv2d``."""
    return _apply(
        Conv2D,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )


def conv3d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = (1, 1, 1),
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``Conv3D``: one new layer per call, default scope ``conv3d``."""
    return _apply(
        Conv3D,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )


def separable_conv1d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
    depth_multiplier: int = 1,
    activation: Any = None,
    use_bias: bool = True,
    depthwise_initializer: Any = None,
    pointwise_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    depthwise_regularizer: Any = None,
    pointwise_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    depthwise_constraint: Any = None,
    pointwise_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``SeparableConv1D``: a new layer per call, scope ``separable_conv1d``."""
    return _apply(
        SeparableConv1D,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
        depth_multiplier=depth_multiplier,
        activation=activation,
        use_bias=use_bias,
        depthwise_initializer=depthwise_initializer,
        pointwise_initializer=pointwise_initializer,
        bias_initializer=bias_initializer,
        depthwise_regularizer=depthwise_regularizer,
        pointwise_regularizer=pointwise_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        depthwise_constraint=depthwise_constraint,
        pointwise_constraint=pointwise_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )


def separable_conv2d(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = (1, 1),
    depth_multiplier: int = 1,
    activation: Any = None,
    use_bias: bool = True,
    depthwise_initializer: Any = None,
    pointwise_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    depthwise_regularizer: Any = None,
    pointwise_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    depthwise_constraint: Any = None,
    pointwise_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``SeparableConv2D``: a new layer per call, scope ``separable_conv2d``."""
    return _apply(
        SeparableConv2D,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
        depth_multiplier=depth_multiplier,
        activation=activation,
        use_bias=use_bias,
        depthwise_initializer=depthwise_initializer,
        pointwise_initializer=pointwise_initializer,
        bias_initializer=bias_initializer,
        depthwise_regularizer=depthwise_regularizer,
        pointwise_regularizer=pointwise_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        depthwise_constraint=depthwise_constraint,
        pointwise_constraint=pointwise_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )


def conv2d_transpose(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``Conv2DTranspose``: a new layer per call, scope ``conv2d_transpose``."""
    return _apply(
        Conv2DTranspose,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )


def conv3d_transpose(
    inputs: Any,
    filters: int,
    kernel_size: Any,
    strides: Any = (1, 1, 1),
    padding: str = "valid",
    data_format: str = "channels_last",
    activation: Any = None,
    use_bias: bool = True,
    kernel_initializer: Any = None,
    bias_initializer: Any = v1.zeros_initializer(),
    kernel_regularizer: Any = None,
    bias_regularizer: Any = None,
    activity_regularizer: Any = None,
    kernel_constraint: Any = None,
    bias_constraint: Any = None,
    trainable: bool = True,
    name: Any = None,
    reuse: Any = None,
) -> tf.Tensor:
    """Functional ``Conv3DTranspose``: a new layer per call, scope ``conv3d_transpose``."""
    return _apply(
        Conv3DTranspose,
        inputs,
        name,
        reuse,
        filters=filters,
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        data_format=data_format,
        activation=activation,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer,
        kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer,
        activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint,
        bias_constraint=bias_constraint,
        trainable=trainable,
    )
