"""``tf1compat.layers``: the ``tf.compat.v1.layers`` family, without Keras.

Drop-in for TF1's ``tf.layers`` / ``tf.compat.v1.layers``: same signatures, defaults, maths
and -- what checkpoints depend on -- the same variable names. Every variable is created by
``tf.compat.v1.get_variable`` under the layer's ``variable_scope``, so the layers work in a
plain TF1 graph and inside a ``tf1compat.track_tf1_style_variables`` method. See
runtime/LAYERS.md.

Example::

    import tf1compat

    h = tf1compat.layers.conv2d(images, 32, 3, activation=tf.nn.relu)   # conv2d/kernel
    h = tf1compat.layers.flatten(h)
    logits = tf1compat.layers.dense(h, 10, name="logits")             # logits/kernel
"""

from __future__ import annotations

from tf1compat.layers.base import InputSpec, Layer
from tf1compat.layers.convolutional import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    SeparableConv1D,
    SeparableConv2D,
    conv1d,
    conv2d,
    conv2d_transpose,
    conv3d,
    conv3d_transpose,
    separable_conv1d,
    separable_conv2d,
)
from tf1compat.layers.core import Dense, Dropout, Flatten, dense, dropout, flatten
from tf1compat.layers.normalization import BatchNormalization, batch_normalization
from tf1compat.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    average_pooling1d,
    average_pooling2d,
    average_pooling3d,
    max_pooling1d,
    max_pooling2d,
    max_pooling3d,
)

# TF1 also exported these aliases.
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose, Convolution3DTranspose = Conv2DTranspose, Conv3DTranspose
Deconvolution2D, Deconvolution3D = Conv2DTranspose, Conv3DTranspose
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "BatchNormalization",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution1D",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "Deconvolution2D",
    "Deconvolution3D",
    "Dense",
    "Dropout",
    "Flatten",
    "InputSpec",
    "Layer",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
    "batch_normalization",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "dense",
    "dropout",
    "flatten",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
    "separable_conv1d",
    "separable_conv2d",
]
