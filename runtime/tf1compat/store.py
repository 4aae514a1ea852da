"""The variable store behind ``tf.compat.v1.get_variable`` inside a decorated method.

TensorFlow's ``VariableScope.get_variable`` resolves the full TF1 name and the scope
defaults (initializer, regularizer, dtype, constraint, custom getter, partitioner), then asks
"the variable store" of the current graph for the variable. Inside a decorated call that
store is the owner's :class:`VariableStore` (reached through :data:`ROUTER`), which gives the
TF1 ``get_variable`` semantics eager code needs: every reuse mode acts as ``AUTO_REUSE``
(the code runs again on every call), variables are created once, eagerly (``tf.init_scope``)
and through ``tf.Variable`` (so distribution strategies and creator scopes apply).

The store knows nothing of Keras: the owner passes an :class:`OwnerHooks` that is told about
every new variable, cached layer and activity loss (see ``tracking.py``).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import tensorflow as tf

from tf1compat import _private, hooks, raw_variables


class OwnerHooks(Protocol):
    """What a store tells the Layer/Module that owns it."""

    def on_variable(self, name: str, variable: tf.Variable, regularizer, constraint) -> None:
        """A new variable ``name`` (TF1 name, no ``:0``) was created.

        ``regularizer`` is None unless it yields a loss for this variable.
        """

    def on_regularizer(self, name: str, variable: tf.Variable, regularizer) -> None:
        """A regularizer was added to an existing variable (``add_regularizer``)."""

    def on_layer(self, key: str, layer: Any) -> None:
        """``get_or_create_layer`` built a new nested layer under ``key``."""

    def on_activity_loss(self, loss: tf.Tensor) -> None:
        """A layer reported an activity-regularization loss during the current call."""


#: Serialises get-or-create across threads (creation is rare; lookups are cheap).
_CREATION_LOCK = threading.RLock()


class VariableStore(tf.Module):
    """TF1 name → variable for one decorated Layer/Module, plus its regularizers and layers.

    A ``tf.Module`` so that, attached to a ``tf.Module`` owner, its variables show up in
    ``owner.variables`` and in ``tf.train.Checkpoint``. Variables are kept in creation order.
    """

    # Walked by tf.Module: `_vars`, and `_layers` (a cached tf-keras layer's variables are
    # the owner Module's, as in the original). Not walked: callbacks and loss closures.
    _TF_MODULE_IGNORED_PROPERTIES = frozenset({"_owner_hooks", "_regularizers", "_tf1_names"}).union(
        tf.Module._TF_MODULE_IGNORED_PROPERTIES
    )

    def __init__(self, owner_hooks: OwnerHooks | None = None):
        super().__init__(name="tf1compat_variable_store")
        self._vars: dict[str, tf.Variable] = {}
        # get_variable name -> TF1 name of its variable (they differ only after a collision).
        self._tf1_names: dict[str, str] = {}
        self._regularizers: dict[str, Callable[[], tf.Tensor]] = {}
        self._layers: dict[str, Any] = {}
        self._owner_hooks = owner_hooks

    @contextlib.contextmanager
    def scope(self) -> Iterator[VariableStore]:
        """Route ``tf.compat.v1.get_variable`` on this thread to this store for the block.

        The decorator enters this around each call; hand-written code can use it directly
        (for example a Module that opens ``with self.store.scope():`` in ``__call__``).
        Scope counters are restored on exit, so every entry reproduces the same names.
        """
        previous = hooks.set_active_store(self)
        try:
            with (
                _private.routed_variable_store(ROUTER),
                _private.isolated_scope_counts(),
                raw_variables.tracking_names(),
            ):
                yield self
        finally:
            hooks.set_active_store(previous)

    # ------------------------------------------------------------------ read access
    @property
    def variables_by_name(self) -> dict[str, tf.Variable]:
        """TF1 name (no ``:0``) → variable, in creation order."""
        return dict(self._vars)

    @property
    def regularizers(self) -> dict[str, Callable[[], tf.Tensor]]:
        """TF1 name → zero-argument callable computing that variable's current loss."""
        return dict(self._regularizers)

    @property
    def layers(self) -> dict[str, Any]:
        """``<variable scope>/<name>`` → layer built by :func:`get_or_create_layer`."""
        return dict(self._layers)

    # ------------------------------------------------------------------ hooks API
    def add_activity_loss(self, loss: tf.Tensor) -> None:
        """Called (through ``hooks.add_activity_loss``) by layers with an activity regularizer."""
        if self._owner_hooks is not None:
            self._owner_hooks.on_activity_loss(loss)

    def add_regularizer(self, variable: tf.Variable, regularizer: Callable) -> None:
        """Register ``regularizer`` for a variable of this store (legacy ``add_weight`` path)."""
        name = self._name_of(variable)
        if name is None:
            raise ValueError(f"{variable.name} is not a variable of this tf1compat store")
        if (
            name not in self._regularizers
            and self._register_regularizer(name, variable, regularizer)
            and self._owner_hooks is not None
        ):
            self._owner_hooks.on_regularizer(name, variable, regularizer)

    def add_loss_source(self, key: str, loss: Callable[[], tf.Tensor]) -> None:
        """Add a zero-argument loss under ``key`` to :attr:`regularizers` (e.g. a cached layer)."""
        self._regularizers[key] = loss

    def get_or_create_layer(self, key: str, create_layer_method: Callable[[], Any]) -> Any:
        """The layer cached under ``key``, built by ``create_layer_method()`` the first time."""
        if key not in self._layers:
            layer = create_layer_method()
            self._layers[key] = layer
            if self._owner_hooks is not None:
                self._owner_hooks.on_layer(key, layer)
        return self._layers[key]

    # ------------------------------------------------------------------ get_variable
    def get_variable(
        self,
        name: str,
        shape=None,
        dtype=tf.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        custom_getter=None,
        constraint=None,
        synchronization=tf.VariableSynchronization.AUTO,
        aggregation=tf.VariableAggregation.NONE,
    ) -> tf.Variable:
        """Get or create ``name`` (already the full TF1 name: TF prefixed the scope)."""
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        # The code re-runs on every call, so "create" must mean "get or create".
        reuse = tf.compat.v1.AUTO_REUSE
        dtype = getattr(dtype, "base_dtype", dtype)
        synchronization, aggregation, trainable = _normalise_sync_aggregation_trainable(
            synchronization, aggregation, trainable, name
        )
        getter_kwargs = dict(
            name=name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            reuse=reuse,
            trainable=trainable,
            collections=collections,
            caching_device=caching_device,
            partitioner=partitioner,
            validate_shape=validate_shape,
            use_resource=use_resource,
            synchronization=synchronization,
            aggregation=aggregation,
        )
        if custom_getter is None:
            return self._true_getter(constraint=constraint, **getter_kwargs)
        if _accepts_keyword(custom_getter, "constraint"):
            getter_kwargs["constraint"] = constraint
        return custom_getter(getter=self._true_getter, **getter_kwargs)

    def _true_getter(
        self,
        name: str,
        shape=None,
        dtype=tf.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        constraint=None,
        synchronization=tf.VariableSynchronization.AUTO,
        aggregation=tf.VariableAggregation.NONE,
    ) -> tf.Variable:
        """The getter a custom getter wraps: partition checks, then one plain variable."""
        del reuse, collections, use_resource  # AUTO_REUSE; no collections; always resource
        if partitioner is not None:
            raise ValueError(
                "`partitioner` arg for `get_variable` is unsupported in TF2 (tf1compat): "
                f"variable {name!r} got {partitioner}. Create the full variable instead; "
                "a partitioned TF1 checkpoint can be merged with tf.train.load_variable."
            )
        if f"{name}/part_0" in self._vars:
            raise ValueError(
                f"No partitioner was provided, but a partitioned version of the variable was "
                f"found: {name}/part_0."
            )
        return self._get_single_variable(
            name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
            caching_device=caching_device,
            validate_shape=validate_shape,
            constraint=constraint,
            synchronization=synchronization,
            aggregation=aggregation,
        )

    def _get_single_variable(self, name: str, **kwargs: Any) -> tf.Variable:
        """``get_variable``'s variable ``name``, under the name TF1's graph gave it.

        That is ``name`` itself unless the graph already used it (a raw ``tf.Variable`` or
        a name scope of that name): TF1 then named the new variable ``name_1`` (its
        checkpoint key) while ``get_variable`` kept finding it as ``name``.
        """
        names = raw_variables.current_names()
        tf1_name = self._tf1_names.get(name)
        if tf1_name is not None:
            if names is not None:
                names.mark_used(tf1_name)
            return self._get_or_create(tf1_name, **kwargs)
        # Two threads calling one layer for the first time must not both create `name`.
        with _CREATION_LOCK:
            tf1_name = self._tf1_names.get(name)
            if tf1_name is None:
                tf1_name = name if names is None else names.unique_name(name, absolute=True)
            variable = self._get_or_create(tf1_name, **kwargs)
            self._tf1_names[name] = tf1_name
            return variable

    def _get_or_create(
        self,
        name: str,
        *,
        shape,
        dtype,
        initializer,
        regularizer,
        trainable,
        caching_device,
        validate_shape,
        constraint,
        synchronization,
        aggregation,
    ) -> tf.Variable:
        from_value = initializer is not None and not callable(initializer)
        if shape is not None and from_value:
            raise ValueError(
                f"If initializer is a constant, do not specify shape (variable {name!r})."
            )
        dtype = tf.as_dtype(dtype if dtype is not None else tf.float32)
        shape = tf.TensorShape(shape)

        if name in self._vars:
            found = self._vars[name]
            if not shape.is_compatible_with(found.shape):
                raise ValueError(
                    f"Trying to share variable {name}, but specified shape {shape} and found "
                    f"shape {found.shape}."
                )
            if not from_value and not dtype.is_compatible_with(found.dtype):
                raise ValueError(
                    f"Trying to share variable {name}, but specified dtype {dtype.name} and "
                    f"found dtype {found.dtype.name}."
                )
            return found

        if initializer is None:
            initializer = _default_initializer(name, dtype)
        if from_value:
            initial_value, variable_dtype = initializer, None
        else:
            if inspect.isclass(initializer):
                initializer = initializer()
            if shape.is_fully_defined():
                extra = (
                    {"partition_info": None}
                    if _accepts_keyword(initializer, "partition_info", exact=True)
                    else {}
                )
                initial_value = functools.partial(
                    initializer, shape.as_list(), dtype=dtype, **extra
                )
                variable_dtype = dtype.base_dtype
            else:
                initial_value, variable_dtype = initializer, None

        if callable(caching_device):
            # dynamic_rnn sets `lambda op: op.device` on its scope inside tf.function and
            # functional builds; the variable is created eagerly, where tf.device rejects
            # functions, and caching devices only ever mattered for TF1 graph reads.
            caching_device = None
        with (
            raw_variables.names_suspended(),
            tf.init_scope(),
            _private.outside_stateless_scope(),
        ):
            variable = tf.Variable(
                initial_value=initial_value,
                name=name,
                trainable=trainable,
                caching_device=caching_device,
                dtype=variable_dtype,
                validate_shape=validate_shape,
                constraint=constraint,
                synchronization=synchronization,
                aggregation=aggregation,
            )
        self._vars[name] = variable
        regularizer = self._register_regularizer(name, variable, regularizer)
        if self._owner_hooks is not None:
            self._owner_hooks.on_variable(name, variable, regularizer, constraint)
        return variable

    # ------------------------------------------------------------------ raw tf.Variable
    def raw_variable(self, name: str, next_creator: Callable, kwargs: dict) -> tf.Variable:
        """The variable a raw ``tf.Variable(...)`` named ``name`` (TF1 name) stands for.

        Called by ``raw_variables.capture`` for each creation inside a decorated call: the
        first time it creates the variable (once, eagerly, through the remaining creator
        chain so strategies apply); after that it returns the same variable.
        """
        found = self._vars.get(name)
        if found is not None:
            _check_same_shape(name, found, kwargs)
            return found
        with _CREATION_LOCK:
            found = self._vars.get(name)
            if found is not None:
                return found
            variable = self._create_raw(name, next_creator, kwargs)
            self._vars[name] = variable
        if self._owner_hooks is not None:
            with raw_variables.names_suspended():
                self._owner_hooks.on_variable(name, variable, None, kwargs.get("constraint"))
        return variable

    def _create_raw(self, name: str, next_creator: Callable, kwargs: dict) -> tf.Variable:
        kwargs = dict(kwargs)
        initial_value = kwargs.get("initial_value")
        if initial_value is None:
            raise ValueError(f"tf.Variable {name!r}: initial_value must be specified.")
        kwargs["initial_value"] = raw_variables.eager_initial_value(initial_value, name)
        synchronization, aggregation, trainable = _normalise_sync_aggregation_trainable(
            kwargs.get("synchronization"),
            kwargs.get("aggregation"),
            kwargs.get("trainable"),
            name,
        )
        kwargs.update(
            name=name,
            synchronization=synchronization,
            aggregation=aggregation,
            trainable=trainable,
        )
        if callable(kwargs.get("caching_device")):
            kwargs["caching_device"] = None  # see _get_or_create
        if "use_resource" in kwargs:  # tf.compat.v1.Variable
            kwargs["use_resource"] = True
        if "collections" in kwargs:
            kwargs["collections"] = None  # graph collections stay empty, as for get_variable
        with (
            raw_variables.names_suspended(),
            tf.init_scope(),
            _private.outside_stateless_scope(),
            _private.root_name_scope(),
        ):
            return next_creator(**kwargs)

    # ------------------------------------------------------------------ helpers
    def _register_regularizer(self, name: str, variable: tf.Variable, regularizer):
        """Keep ``regularizer`` for ``name`` if it yields a loss; return it, or None if not.

        ``tf.compat.v1.no_regularizer`` (and any regularizer that returns None) means "none".
        """
        if not regularizer:
            return None
        with tf.init_scope(), _private.outside_stateless_scope():
            if regularizer(variable) is None:
                return None
        self._regularizers[name] = functools.partial(regularizer, variable)
        return regularizer

    def _name_of(self, variable: tf.Variable) -> str | None:
        for name, candidate in self._vars.items():
            if candidate is variable:
                return name
        return None


class _StoreRouter:
    """The one store TF sees while any decorated call runs: forwards to this thread's store.

    See ``_private.routed_variable_store`` for why one shared router is installed rather than
    each owner's store. ``_store_eager_variables`` makes eager ``make_template`` use it.
    """

    _store_eager_variables = True

    @staticmethod
    def _target() -> Any:
        return hooks.active_store() or _private.fallback_variable_store()

    @property
    def _vars(self) -> dict[str, tf.Variable]:
        return getattr(self._target(), "_vars", {})

    def get_variable(self, name: str, *args, **kwargs) -> tf.Variable:
        return self._target().get_variable(name, *args, **kwargs)

    def _get_partitioned_variable(self, name: str, *args, **kwargs):
        target = self._target()
        if isinstance(target, VariableStore):
            raise ValueError(f"Partitioned variables are unsupported in TF2 (tf1compat): {name!r}.")
        return _private.tf_store_get_partitioned_variable(target, name, *args, **kwargs)


ROUTER = _StoreRouter()


def _normalise_sync_aggregation_trainable(synchronization, aggregation, trainable, name):
    """TF1's defaults: AUTO / NONE, and ``trainable`` is False only for ON_READ variables."""
    if aggregation is None:
        aggregation = tf.VariableAggregation.NONE
    if synchronization is None:
        synchronization = tf.VariableSynchronization.AUTO
    if synchronization == tf.VariableSynchronization.ON_READ:
        if trainable:
            raise ValueError(
                "Synchronization value can be set to VariableSynchronization.ON_READ only for "
                f"non-trainable variables. You have specified trainable=True and "
                f"synchronization=VariableSynchronization.ON_READ for {name!r}."
            )
        trainable = False
    elif trainable is None:
        trainable = True
    return synchronization, aggregation, trainable


def _check_same_shape(name: str, found: tf.Variable, kwargs: dict) -> None:
    """A later call must ask for the variable it got before (cheap: static shapes only)."""
    if kwargs.get("validate_shape") is False or kwargs.get("shape") is not None:
        return
    value = kwargs.get("initial_value")
    shape = getattr(value, "shape", None)
    if shape is None or callable(value):
        return
    if not tf.TensorShape(shape).is_compatible_with(found.shape):
        raise ValueError(
            f"tf1compat: tf.Variable {name!r} was created with shape {found.shape} and is "
            f"now created again with shape {tf.TensorShape(shape)}. Inside a decorated call "
            "the n-th tf.Variable of a name is the same variable on every call."
        )


def _default_initializer(name: str, dtype: tf.DType):
    """glorot_uniform for floats, zeros for integers/bools/strings, else an error (as TF1)."""
    if dtype.is_floating:
        return tf.compat.v1.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype == tf.string:
        return tf.compat.v1.zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.base_dtype} is required")


def _accepts_keyword(fn: Callable, keyword: str, *, exact: bool = False) -> bool:
    """Whether ``fn`` takes ``keyword`` (or, unless ``exact``, any ``**kwargs``)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    for parameter in parameters:
        if parameter.name == keyword and parameter.kind != parameter.VAR_POSITIONAL:
            return True
        if not exact and parameter.kind == parameter.VAR_KEYWORD:
            return True
    return False
