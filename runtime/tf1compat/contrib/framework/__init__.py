"""``tf.contrib.framework``: ``arg_scope``, ``add_arg_scope`` and the variable helpers.

Example::

    from tf1compat.contrib.framework import arg_scope, add_arg_scope

    @add_arg_scope
    def conv(x, num_filters, nonlinearity=None, init_scale=1.0): ...

    with arg_scope([conv], nonlinearity=tf.nn.elu):
        h = conv(x, 64)
"""

from __future__ import annotations

import tensorflow as tf

from tf1compat.slim.ops.arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from tf1compat.slim.ops.variables import (
    add_model_variable,
    assert_global_step,
    assert_or_get_global_step,
    create_global_step,
    filter_variables,
    get_global_step,
    get_local_variables,
    get_model_variables,
    get_or_create_global_step,
    get_trainable_variables,
    get_unique_variable,
    get_variable_full_name,
    get_variables,
    get_variables_by_name,
    get_variables_by_suffix,
    get_variables_to_restore,
    global_variable,
    local_variable,
    model_variable,
    variable,
)

nest = tf.nest

__all__ = [
    "add_arg_scope",
    "add_model_variable",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "assert_global_step",
    "assert_or_get_global_step",
    "create_global_step",
    "current_arg_scope",
    "filter_variables",
    "get_global_step",
    "get_local_variables",
    "get_model_variables",
    "get_or_create_global_step",
    "get_trainable_variables",
    "get_unique_variable",
    "get_variable_full_name",
    "get_variables",
    "get_variables_by_name",
    "get_variables_by_suffix",
    "get_variables_to_restore",
    "global_variable",
    "has_arg_scope",
    "local_variable",
    "model_variable",
    "nest",
    "variable",
]
