"""The legacy ``tf.compat.v1.layers.Layer`` base, without Keras.

Why our own class: Keras 3 cannot host TF1-style layers (they create variables lazily
through ``get_variable`` and own a variable scope). This base reproduces the TF1 rules that
decide variable names -- the scope is fixed at the first call (or first ``add_weight``),
unnamed layers are uniquified with ``variable_scope(None, default_name=<snake_case class>)``,
a ``name=<VariableScope>`` is used as-is, later calls re-enter with ``reuse=True`` -- and
creates every variable with ``tf.compat.v1.get_variable``, so a TF1 graph gets exactly the
TF1 variables and a ``tf1compat.track_tf1_style_variables`` method gets them in its store.

Example::

    class Scale(Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", shape=[input_shape[-1]])

        def call(self, inputs):
            return inputs * self.w

    y = Scale()(x)          # variable "scale/w"
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from tf1compat import hooks
from tf1compat.layers import _resolve

v1 = tf.compat.v1

__all__ = ["InputSpec", "Layer", "in_tf1_graph"]


def in_tf1_graph() -> bool:
    """True while building a plain TF1 graph (not eager, not inside a ``tf.function``)."""
    return not v1.executing_eagerly_outside_functions()


def to_snake_case(name: str) -> str:
    """``Conv2DTranspose`` -> ``conv2d_transpose``: the TF1 default base name of a layer."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def add_to_collection_once(elements: Sequence[Any], key: str) -> None:
    """Append ``elements`` to a TF1 graph collection, skipping ones already there."""
    collection = v1.get_collection_ref(key)
    present = {id(e) for e in collection}
    for element in tf.nest.flatten(elements):
        if id(element) not in present:
            collection.append(element)
            present.add(id(element))


class InputSpec:
    """Rank/dtype/axis constraints a layer checks on its inputs (as ``tf.layers.InputSpec``).

    Example: ``InputSpec(min_ndim=2, axes={-1: 8})`` accepts ``[batch, ..., 8]``.
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: Sequence[int | None] | None = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
    ):
        self.dtype = tf.as_dtype(dtype).name if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}

    def __repr__(self) -> str:
        fields = ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes")
        shown = [f"{f}={getattr(self, f)!r}" for f in fields if getattr(self, f)]
        return f"InputSpec({', '.join(shown)})"

    def check(self, layer_name: str, index: int, tensor: tf.Tensor) -> None:
        """Raise ``ValueError`` if ``tensor`` does not satisfy this spec."""
        shape = tensor.shape
        rank = shape.rank
        where = f"Input {index} of layer {layer_name}"
        if self.ndim is not None and rank is not None and rank != self.ndim:
            raise ValueError(
                f"{where} is incompatible: expected ndim={self.ndim}, found ndim={rank}"
            )
        if self.max_ndim is not None and rank is not None and rank > self.max_ndim:
            raise ValueError(
                f"{where} is incompatible: expected max_ndim={self.max_ndim}, found {rank}"
            )
        if self.min_ndim is not None and rank is not None and rank < self.min_ndim:
            raise ValueError(
                f"{where} is incompatible: expected min_ndim={self.min_ndim}, found {rank}"
            )
        if self.dtype is not None and tensor.dtype.base_dtype.name != self.dtype:
            raise ValueError(
                f"{where} is incompatible: expected dtype={self.dtype}, found {tensor.dtype.name}"
            )
        if self.axes and rank is not None:
            for axis, value in self.axes.items():
                found = shape[axis] if -rank <= axis < rank else None
                if value is not None and found is not None and found != value:
                    raise ValueError(
                        f"{where} is incompatible: expected axis {axis} to have value {value}, "
                        f"found shape {shape}"
                    )
        if self.shape is not None and rank is not None:
            for expected, found in zip(self.shape, shape):
                if expected is not None and found is not None and expected != found:
                    raise ValueError(
                        f"{where} is incompatible: expected shape={self.shape}, found {shape}"
                    )


# Keras constructor arguments TF1 layers accepted and that mean nothing here.
_LEGACY_KERAS_KWARGS = {
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "weights",
    "autocast",
    "input_dim",
}


class Layer:
    """Base of every ``tf1compat.layers`` class: TF1 variable-scope naming and weights.

    Subclasses implement ``build(input_shape)`` (creating weights with ``add_weight``) and
    ``call(inputs, ...)``; ``call`` may take ``scope`` to receive the layer's VariableScope.
    """

    def __init__(self, trainable: bool = True, name: Any = None, dtype: Any = None, **kwargs: Any):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        self._activity_regularizer = _resolve.regularizer(kwargs.pop("activity_regularizer", None))
        unknown = set(kwargs) - _LEGACY_KERAS_KWARGS
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword arguments {sorted(unknown)}"
            )
        self._trainable = bool(trainable)
        self._dtype = tf.as_dtype(dtype).base_dtype if dtype is not None else None
        self.built = False
        self.input_spec: InputSpec | Sequence[InputSpec] | None = None
        self._trainable_weights: list[tf.Variable] = []
        self._non_trainable_weights: list[tf.Variable] = []
        self._regularized: list[tuple[tf.Variable, Callable]] = []
        self._graph_losses: list[tf.Tensor] = []
        self._added_losses: list[tf.Tensor] = []
        self._updates: list[Any] = []
        self._current_scope: v1.VariableScope | None = None

        if isinstance(name, v1.VariableScope):
            self._base_name = name.name
            self._name = name.name
        elif name:
            self._base_name = name
            self._name = name
        else:
            self._base_name = to_snake_case(type(self).__name__)
            self._name = self._base_name
        if scope:
            with v1.variable_scope(scope) as captured_scope:
                self._scope: v1.VariableScope | None = captured_scope
        else:
            self._scope = None

    # ------------------------------------------------------------------ properties
    @property
    def name(self) -> str:
        """The name given to the constructor, else the snake-case class name.

        The variable scope (what checkpoints depend on) is ``scope_name``.
        """
        return self._name

    @property
    def scope_name(self) -> str:
        if self._scope is None:
            raise ValueError(
                "No name available for layer scope because the layer has not been used yet."
            )
        return self._scope.name

    @property
    def dtype(self) -> tf.DType | None:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def activity_regularizer(self) -> Callable | None:
        return self._activity_regularizer

    @property
    def trainable_weights(self) -> list[tf.Variable]:
        return list(self._trainable_weights) if self._trainable else []

    @property
    def non_trainable_weights(self) -> list[tf.Variable]:
        if self._trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self) -> list[tf.Variable]:
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def losses(self) -> list[tf.Tensor]:
        """Regularization losses of this layer's own weights, then activity/added losses.

        In a TF1 graph these are the tensors put in REGULARIZATION_LOSSES at creation; in
        TF2 they are recomputed from the current weight values.
        """
        if in_tf1_graph() and self._graph_losses:
            weight_losses = list(self._graph_losses)
        else:
            weight_losses = [
                loss for var, reg in self._regularized if (loss := reg(var)) is not None
            ]
        return weight_losses + list(self._added_losses)

    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Add loss tensors (or zero-argument callables) computed by a custom layer.

        Like TF1: in a graph they also go to REGULARIZATION_LOSSES; in a decorated call they
        become the owner's losses (through ``hooks.add_activity_loss``).
        """
        for loss in tf.nest.flatten(losses):
            value = loss() if callable(loss) else loss
            if value is None:
                continue
            value = tf.convert_to_tensor(value)
            self._added_losses.append(value)
            hooks.add_activity_loss(value)

    @property
    def updates(self) -> list[Any]:
        """Moving-average update ops created in a TF1 graph (empty in TF2: applied in place)."""
        return list(self._updates)

    def add_update(self, updates: Any) -> None:
        self._updates.extend(tf.nest.flatten(updates))

    def get_weights(self) -> list[Any]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, values: Sequence[Any]) -> None:
        for var, value in zip(self.weights, values, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        return sum(v.shape.num_elements() for v in self.weights)

    # ------------------------------------------------------------------ scope logic
    def _set_scope(self, scope: Any = None) -> None:
        """Fix the layer's variable scope the first time it is needed (TF1 ``_set_scope``)."""
        if self._scope is not None:
            return
        if self._reuse:
            with v1.variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
        else:
            with v1.variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured

    def _reentered_scope(self, reuse: Any):
        return v1.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False)

    @staticmethod
    def _op_name_scope(scope: v1.VariableScope):
        """Ops go under the scope's original name scope in graphs (names only, not maths)."""
        if tf.executing_eagerly() or not scope.original_name_scope:
            return contextlib.nullcontext()
        return v1.name_scope(scope.original_name_scope)

    # ------------------------------------------------------------------ weights
    def add_weight(
        self,
        name: str,
        shape: Sequence[int | None] | None = None,
        dtype: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool | None = None,
        constraint: Any = None,
        use_resource: bool | None = None,
        synchronization: tf.VariableSynchronization = tf.VariableSynchronization.AUTO,
        aggregation: tf.VariableAggregation = tf.VariableAggregation.NONE,
        partitioner: Any = None,
        **kwargs: Any,
    ) -> tf.Variable:
        """Create (or reuse) ``<layer scope>/<name>`` through ``tf.compat.v1.get_variable``.

        ``initializer=None`` falls back to the scope initializer, then glorot_uniform;
        the scope regularizer applies when ``regularizer`` is None (TF1 rules).
        """
        kwargs.pop("experimental_autocast", None)
        kwargs.pop("getter", None)
        if kwargs:
            raise TypeError(f"add_weight() got unexpected keyword arguments {sorted(kwargs)}")
        if synchronization == tf.VariableSynchronization.ON_READ:
            if trainable:
                raise ValueError(
                    "Synchronization value can be set to VariableSynchronization.ON_READ only for "
                    "non-trainable variables. You have specified trainable=True and "
                    "synchronization=VariableSynchronization.ON_READ."
                )
            trainable = False
        elif trainable is None:
            trainable = True
        dtype = tf.as_dtype(dtype or self._dtype or tf.float32).base_dtype
        initializer = _resolve.initializer(initializer)
        regularizer = _resolve.regularizer(regularizer)
        constraint = _resolve.constraint(constraint)

        self._set_scope(None)
        reuse = self.built or self._reuse
        graph_mode = in_tf1_graph()
        existing = set(map(id, v1.global_variables())) if graph_mode and regularizer else set()
        with self._reentered_scope(reuse) as scope:
            self._current_scope = scope
            with self._op_name_scope(scope):
                if initializer is None:
                    initializer = scope.initializer
                # TF1 counted a scope regularizer and the layer's own one separately. In a
                # graph, get_variable applies the scope's and the layer's is added after it;
                # the TF2 store keeps one regularizer per variable, so it gets their sum.
                both = regularizer is not None and scope.regularizer is not None
                separate = graph_mode and both
                if both and not graph_mode:
                    regularizer = _sum_of_regularizers(scope.regularizer, regularizer)
                if not graph_mode and callable(scope.caching_device):
                    # dynamic_rnn sets a device-function caching device; TF2 variables are
                    # created eagerly, where tf.device refuses functions (and caching is moot).
                    scope.set_caching_device(None)
                variable = v1.get_variable(
                    name,
                    shape=shape,
                    dtype=dtype,
                    initializer=initializer,
                    regularizer=None if separate else regularizer,
                    trainable=trainable and self._trainable,
                    constraint=constraint,
                    partitioner=partitioner,
                    use_resource=use_resource,
                    synchronization=synchronization,
                    aggregation=aggregation,
                )
        self._track_variable(variable, graph_mode)
        if regularizer is not None:
            self._regularized.append((variable, regularizer))
            if graph_mode and id(variable) not in existing:
                if separate:
                    self._add_graph_regularization_loss(variable, regularizer)
                self._graph_losses.extend(self._new_regularization_losses(variable))
        return variable

    add_variable = add_weight  # the TF1 name, still used by old layer subclasses

    def _track_variable(self, variable: Any, graph_mode: bool) -> None:
        """Record ``variable`` once, trainable or not as the variable store really made it.

        A partitioned variable (TF1 graphs only) is recorded as its parts, as TF1 did.
        """
        if hasattr(variable, "_get_variable_list"):
            for part in variable._get_variable_list():  # noqa: SLF001 - PartitionedVariable
                self._track_variable(part, graph_mode)
            return
        if any(variable is v for v in self._trainable_weights + self._non_trainable_weights):
            return
        if graph_mode:
            trainable = any(variable is v for v in v1.trainable_variables())
        else:
            trainable = bool(getattr(variable, "trainable", False))
        (self._trainable_weights if trainable else self._non_trainable_weights).append(variable)

    @staticmethod
    def _add_graph_regularization_loss(variable: tf.Variable, regularizer: Callable) -> None:
        with tf.name_scope(variable.op.name + "/Regularizer/"):
            loss = regularizer(variable)
        if loss is not None:
            v1.add_to_collection(v1.GraphKeys.REGULARIZATION_LOSSES, loss)

    @staticmethod
    def _new_regularization_losses(variable: tf.Variable) -> list[tf.Tensor]:
        """The loss tensors get_variable just put in REGULARIZATION_LOSSES for ``variable``."""
        prefix = variable.op.name + "/Regularizer/"
        return [
            loss
            for loss in v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES)
            if getattr(loss, "name", "").startswith(prefix)
        ]

    # ------------------------------------------------------------------ calling
    def build(self, input_shape: Any) -> None:
        """Create the layer's weights; the default creates none."""
        self.built = True

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement compute_output_shape")

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Enter the layer's variable scope, build on first use, call, record losses/updates."""
        scope_arg = kwargs.pop("scope", None)
        inputs = tf.nest.map_structure(_to_tensor, inputs)  # before any scope is claimed
        if not in_tf1_graph():  # TF2 losses describe the latest call; TF1 graphs accumulate
            self._added_losses = []
        self._set_scope(scope_arg)
        reuse = True if self.built else self._reuse
        with self._reentered_scope(reuse) as scope:
            self._current_scope = scope
            with self._op_name_scope(scope):
                self._check_inputs(inputs)
                if not self.built:
                    self._infer_dtype(inputs)
                    self.build(tf.nest.map_structure(lambda t: t.shape, inputs))
                    self.built = True
                if _accepts(self.call, "scope"):
                    kwargs["scope"] = scope
                # Keras dropped these for calls that do not take them.
                for keras_only in ("training", "mask"):
                    if keras_only in kwargs and not _accepts(self.call, keras_only):
                        del kwargs[keras_only]
                outputs = self.call(inputs, *args, **kwargs)
                self._record_activity_loss(outputs)
        if in_tf1_graph() and self._updates:
            add_to_collection_once(self._updates, v1.GraphKeys.UPDATE_OPS)
        return outputs

    def apply(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Alias of ``__call__`` kept from TF1."""
        return self.__call__(inputs, *args, **kwargs)

    def _infer_dtype(self, inputs: Any) -> None:
        if self._dtype is not None:
            return
        first = tf.nest.flatten(inputs)[0] if tf.nest.flatten(inputs) else None
        dtype = getattr(first, "dtype", None)
        if dtype is not None and (dtype.is_floating or dtype.is_complex):
            self._dtype = dtype.base_dtype
        else:
            self._dtype = tf.float32

    def _check_inputs(self, inputs: Any) -> None:
        if self.input_spec is None:
            return
        specs = self.input_spec if isinstance(self.input_spec, (list, tuple)) else [self.input_spec]
        flat = tf.nest.flatten(inputs)
        for index, (spec, tensor) in enumerate(zip(specs, flat)):
            if spec is not None:
                spec.check(self.name, index, tensor)

    def _record_activity_loss(self, outputs: Any) -> None:
        """The activity loss averaged over the batch, as tf-keras computed it."""
        if self._activity_regularizer is None:
            return
        for output in tf.nest.flatten(outputs):
            with tf.name_scope("ActivityRegularizer"):
                loss = tf.convert_to_tensor(self._activity_regularizer(output))
                batch_size = tf.cast(tf.shape(output)[0], loss.dtype)
                mean_loss = tf.math.divide_no_nan(loss, batch_size)
            self.add_loss(mean_loss)

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} name={self.name!r}>"


def _to_tensor(value: Any) -> Any:
    """Python and numpy inputs become tensors (as Keras did); tensors pass through."""
    if value is None or tf.is_tensor(value) or isinstance(value, tf.Variable):
        return value
    if type(value).__name__ == "KerasTensor":
        raise TypeError(
            "tf1compat layers are TF1 layers, not Keras layers: call them inside a method "
            "decorated with @tf1compat.track_tf1_style_variables (for example a Keras layer's "
            "call), not on symbolic Keras inputs."
        )
    return tf.convert_to_tensor(value)


def _sum_of_regularizers(first: Callable, second: Callable) -> Callable[[Any], Any]:
    """One regularizer adding two (either may return None, like ``no_regularizer``)."""

    def both(variable: Any) -> Any:
        losses = [loss for loss in (first(variable), second(variable)) if loss is not None]
        return tf.add_n(losses) if losses else None

    return both


def _accepts(function: Callable, parameter: str) -> bool:
    try:
        return parameter in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
