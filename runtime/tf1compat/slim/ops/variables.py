"""tf-slim's variable helpers: ``variable``, ``model_variable``, ``get_variables*``...

``variable`` / ``model_variable`` create through ``tf.compat.v1.get_variable`` (so names
follow the variable scope, and a decorated Keras call keeps them in its store). In a TF1
graph the lookups read the graph collections exactly as tf-slim did. Inside a
``tf1compat.track_tf1_style_variables`` call the collections stay empty, so the lookups
read the active store instead: every variable counts as global and model variable,
``trainable`` comes from the variable, and there are no local variables.

Example::

    w = model_variable("weights", shape=[3, 3, 3, 8], initializer=xavier_initializer())
    get_variables_by_name("weights")            # [w]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from tf1compat import hooks
from tf1compat.slim.ops.arg_scope import add_arg_scope

v1 = tf.compat.v1

__all__ = [
    "add_model_variable",
    "assert_global_step",
    "assert_or_get_global_step",
    "create_global_step",
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
    "local_variable",
    "model_variable",
    "variable",
]

_AUTO = tf.VariableSynchronization.AUTO
_NONE = tf.VariableAggregation.NONE


def _in_tf1_graph() -> bool:
    return not v1.executing_eagerly_outside_functions()


@add_arg_scope
def variable(
    name: str,
    shape: Any = None,
    dtype: Any = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    collections: Sequence[str] | None = None,
    caching_device: Any = None,
    device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    use_resource: bool | None = None,
    synchronization: Any = _AUTO,
    aggregation: Any = _NONE,
) -> tf.Variable:
    """``get_variable`` on ``device``, in ``collections`` (default GLOBAL_VARIABLES)."""
    collections = list(
        set(collections if collections is not None else [v1.GraphKeys.GLOBAL_VARIABLES])
    )
    getter = v1.get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=v1.get_variable_scope().reuse)
    with tf.device(device or ""):
        return getter(
            name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
            collections=collections,
            caching_device=caching_device,
            partitioner=partitioner,
            use_resource=use_resource,
            synchronization=synchronization,
            aggregation=aggregation,
        )


@add_arg_scope
def model_variable(
    name: str,
    shape: Any = None,
    dtype: Any = tf.float32,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    collections: Sequence[str] | None = None,
    caching_device: Any = None,
    device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    use_resource: bool | None = None,
    synchronization: Any = _AUTO,
    aggregation: Any = _NONE,
) -> tf.Variable:
    """``variable`` that is also in MODEL_VARIABLES (what slim layers create)."""
    collections = list(collections or []) + [
        v1.GraphKeys.GLOBAL_VARIABLES,
        v1.GraphKeys.MODEL_VARIABLES,
    ]
    return variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=collections,
        caching_device=caching_device,
        device=device,
        partitioner=partitioner,
        custom_getter=custom_getter,
        use_resource=use_resource,
        synchronization=synchronization,
        aggregation=aggregation,
    )


def add_model_variable(var: tf.Variable) -> None:
    if _in_tf1_graph() and var not in v1.get_collection(v1.GraphKeys.MODEL_VARIABLES):
        v1.add_to_collection(v1.GraphKeys.MODEL_VARIABLES, var)


def local_variable(
    initial_value: Any,
    validate_shape: bool = True,
    name: str | None = None,
    use_resource: bool | None = None,
) -> tf.Variable:
    return v1.Variable(
        initial_value,
        trainable=False,
        collections=[v1.GraphKeys.LOCAL_VARIABLES],
        validate_shape=validate_shape,
        use_resource=use_resource,
        name=name,
    )


def global_variable(
    initial_value: Any,
    validate_shape: bool = True,
    name: str | None = None,
    use_resource: bool | None = None,
) -> tf.Variable:
    return v1.Variable(
        initial_value,
        trainable=False,
        collections=[v1.GraphKeys.GLOBAL_VARIABLES],
        validate_shape=validate_shape,
        use_resource=use_resource,
        name=name,
    )


def _store_variables() -> list[tf.Variable]:
    store = hooks.active_store()
    return list(store.variables_by_name.values()) if store is not None else []


def _store_name(var: tf.Variable) -> str:
    store = hooks.active_store()
    if store is not None:
        for name, candidate in store.variables_by_name.items():
            if candidate is var:
                return name + ":0"
    return var.name


def get_variables(
    scope: Any = None, suffix: str | None = None, collection: str = v1.GraphKeys.GLOBAL_VARIABLES
) -> list[tf.Variable]:
    """Variables of ``collection`` whose name matches ``scope`` (a regex prefix) and ``suffix``."""
    if scope and isinstance(scope, v1.VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    if _in_tf1_graph():
        return v1.get_collection(collection, scope)
    if collection == v1.GraphKeys.LOCAL_VARIABLES:
        return []
    found = _store_variables()
    if collection == v1.GraphKeys.TRAINABLE_VARIABLES:
        found = [v for v in found if v.trainable]
    if scope is None:
        return found
    return [v for v in found if re.match(scope, _store_name(v))]


def get_model_variables(scope: Any = None, suffix: str | None = None) -> list[tf.Variable]:
    return get_variables(scope, suffix, v1.GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope: Any = None, suffix: str | None = None) -> list[tf.Variable]:
    return get_variables(scope, suffix, v1.GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope: Any = None, suffix: str | None = None) -> list[tf.Variable]:
    return get_variables(scope, suffix, v1.GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(
    include: Sequence[str] | None = None, exclude: Sequence[str] | None = None
) -> list[tf.Variable]:
    """Variables under the ``include`` scopes, minus those under the ``exclude`` scopes."""
    if include is None:
        vars_to_include = get_variables()
    else:
        if not isinstance(include, (list, tuple)):
            raise TypeError("include is provided but is not a list or a tuple.")
        vars_to_include = [v for scope in include for v in get_variables(scope)]
    excluded: set[int] = set()
    if exclude is not None:
        if not isinstance(exclude, (list, tuple)):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        excluded = {id(v) for scope in exclude for v in get_variables(scope)}
    return [v for v in vars_to_include if id(v) not in excluded]


def get_variables_by_suffix(suffix: str, scope: Any = None) -> list[tf.Variable]:
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name: str, scope: Any = None) -> list[tf.Variable]:
    """Variables whose last name component is ``given_name``."""
    suffix = "/" + given_name + ":|^" + given_name + ":"
    return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name: str) -> tf.Variable:
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if (
            _store_name(candidate)[:-2] == var_op_name
            or getattr(candidate, "op", None) is not None
            and _in_tf1_graph()
            and candidate.op.name == var_op_name
        ):
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def get_variable_full_name(var: tf.Variable) -> str:
    info = getattr(var, "_save_slice_info", None)
    if info:
        return info.full_name
    return _store_name(var)[:-2] if not _in_tf1_graph() else var.op.name


def filter_variables(
    var_list: Sequence[tf.Variable],
    include_patterns: Sequence[str] | None = None,
    exclude_patterns: Sequence[str] | None = None,
    reg_search: bool = True,
) -> list[tf.Variable]:
    """Keep variables whose name matches an include pattern and no exclude pattern."""
    match = re.search if reg_search else re.match
    included = (
        list(var_list)
        if include_patterns is None
        else [v for v in var_list if any(match(p, v.name) for p in include_patterns)]
    )
    if exclude_patterns is None:
        return included
    return [v for v in included if not any(match(p, v.name) for p in exclude_patterns)]


def assert_global_step(global_step_tensor: Any) -> None:
    v1.train.assert_global_step(global_step_tensor)


def assert_or_get_global_step(graph: Any = None, global_step_tensor: Any = None) -> Any:
    if global_step_tensor is None:
        global_step_tensor = get_global_step(graph)
    else:
        assert_global_step(global_step_tensor)
    return global_step_tensor


def get_global_step(graph: Any = None) -> Any:
    return v1.train.get_global_step(graph)


def create_global_step(graph: Any = None) -> Any:
    return v1.train.create_global_step(graph)


def get_or_create_global_step(graph: Any = None) -> Any:
    return v1.train.get_or_create_global_step(graph)
