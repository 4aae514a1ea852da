"""``tf1compat.slim``: tf-slim (``tf.contrib.slim``) on tf1compat, for TF2 and Keras 3.

The layer functions, ``arg_scope`` and the variable helpers of tf-slim 1.1.0 /
TF 1.15's ``tf.contrib.layers``, creating every variable through
``tf.compat.v1.get_variable``: they build the genuine TF1 graph in graph mode and, inside a
``tf1compat.track_tf1_style_variables`` method, the same variable names (``Conv/weights``,
``fully_connected/biases``, ``BatchNorm/moving_mean``...) in the owner's store, so public
slim checkpoints load by name. ``tf1compat.contrib.layers`` is the same implementation.
See runtime/CONTRIB.md.

Example::

    import tf1compat.slim as slim

    class Net(keras.layers.Layer):
        @tf1compat.track_tf1_style_variables
        def call(self, images):
            with slim.arg_scope([slim.conv2d], weights_regularizer=slim.l2_regularizer(5e-4)):
                net = slim.repeat(images, 2, slim.conv2d, 16, [3, 3], scope="conv1")
            return slim.fully_connected(slim.flatten(net), 10, activation_fn=None)
"""

from __future__ import annotations

from tf1compat.slim import layers, ops
from tf1compat.slim.layers import *
from tf1compat.slim.layers import __all__ as _layers_all
from tf1compat.slim.layers import initializers, regularizers, utils
from tf1compat.slim import model_analyzer
from tf1compat.slim.ops import arg_scope as arg_scope_lib
from tf1compat.slim.ops.variables import *
from tf1compat.slim.ops.variables import __all__ as _variables_all

arg_scope = arg_scope_lib.arg_scope
add_arg_scope = arg_scope_lib.add_arg_scope
current_arg_scope = arg_scope_lib.current_arg_scope
has_arg_scope = arg_scope_lib.has_arg_scope
arg_scoped_arguments = arg_scope_lib.arg_scoped_arguments
arg_scope_func_key = arg_scope_lib.arg_scope_func_key

__all__ = [
    *_layers_all,
    *_variables_all,
    "arg_scope",
    "add_arg_scope",
    "current_arg_scope",
    "has_arg_scope",
    "arg_scoped_arguments",
    "arg_scope_func_key",
    "initializers",
    "layers",
    "model_analyzer",
    "ops",
    "regularizers",
    "utils",
]
