"""``track_tf1_style_variables``: run TF1 ``get_variable`` code inside Keras 3 layers and Modules.

Inside a decorated method every ``tf.compat.v1.get_variable`` (so ``variable_scope``,
``make_template``, custom getters and the ``tf1compat.layers`` family) goes to a
:class:`~tf1compat.store.VariableStore` owned by ``self``. How the variables become visible
depends on the owner (see runtime/README.md, "Design"):

* **Keras 3 Layer/Model** — every variable gets a second view, a ``keras.Variable`` that wraps
  the same ``tf.Variable`` (same handle, so gradients, optimizer updates and reads agree),
  added to the layer's weights after unlocking Keras's post-``build`` state lock. Keras then
  trains, saves and regularizes it like any weight.
* **tf.Module** (and tf-keras layers, which are Modules) — the store is an attribute, so
  ``module.variables`` and ``tf.train.Checkpoint`` find the variables by attribute walking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import tensorflow as tf

from tf1compat import _private, hooks
from tf1compat.store import VariableStore

F = TypeVar("F", bound=Callable[..., Any])

#: Attribute under which an owner keeps its store (hidden from Keras 3's tracker).
STORE_ATTRIBUTE = "_tf1compat_store"
_OWNER_LOCK = threading.Lock()


# ============================================================================ owners


class _Owner:
    """Connects one decorated object to its store (the store's ``OwnerHooks``)."""

    def __init__(self, obj: Any):
        self.obj = obj
        self.store = VariableStore(owner_hooks=self)

    def on_variable(self, name, variable, regularizer, constraint) -> None:
        pass

    def on_regularizer(self, name, variable, regularizer) -> None:
        pass

    def on_layer(self, key: str, layer: Any) -> None:
        pass

    def on_activity_loss(self, loss: tf.Tensor) -> None:
        pass

    def begin_call(self) -> None:
        pass

    def end_call(self) -> None:
        pass

    def regularization_losses(self) -> list[tf.Tensor]:
        """Current regularization losses of this owner's own store (not of its children)."""
        return [loss() for loss in self.store.regularizers.values()]


class _KerasOwner(_Owner):
    """A Keras 3 Layer: each variable also gets a tracked ``keras.Variable`` view."""

    def __init__(self, obj: Any):
        super().__init__(obj)
        self.keras_views: dict[str, Any] = {}

    def on_variable(self, name, variable, regularizer, constraint) -> None:
        import keras

        with tf.init_scope(), _private.outside_stateless_scope():
            view = keras.Variable(
                initializer=variable,
                name=keras_variable_name(name),
                trainable=variable.trainable,
                dtype=variable.dtype.name,
                autocast=False,  # TF1 code reads the raw variable: no autocast either way
            )
        if not _private.keras_view_wraps(view, variable):  # see README, "Two views"
            raise RuntimeError(
                f"tf1compat: keras.Variable did not wrap tf.Variable {name!r} as is; this Keras "
                "version is not supported (the two views would not share state)."
            )
        if constraint is not None:
            view.constraint = constraint  # Keras optimizers apply the Keras view's constraint
        if regularizer is not None:
            view.regularizer = _RegularizerOnTF1Variable(regularizer, variable, view)
        _private.track_keras_variable(self.obj, view, f"tf1compat/{name}")
        self.keras_views[name] = view

    def on_regularizer(self, name, variable, regularizer) -> None:
        self.keras_views[name].regularizer = _RegularizerOnTF1Variable(
            regularizer, variable, self.keras_views[name]
        )

    def on_layer(self, key: str, layer: Any) -> None:
        if isinstance(layer, _private.keras3_layer_class()):
            _private.track_keras_sublayer(self.obj, layer, f"tf1compat_layer/{key}")
            # Keras's weights files find sublayers through attributes (by name), so give it
            # one that a rebuilt layer will have again: the cache key.
            object.__setattr__(self.obj, sublayer_attribute(key), layer)

    def on_activity_loss(self, loss: tf.Tensor) -> None:
        self.obj.add_loss(loss)

    def end_call(self) -> None:
        # Keras recomputes regularizers only for trainable weights; TF1 regularized every
        # variable, so the others are added as losses of this call.
        regularized = [v for v in self.keras_views.values() if v.regularizer is not None]
        if not regularized:
            return
        trainable = {id(w) for w in self.obj.trainable_weights}
        for view in regularized:
            if id(view) not in trainable:
                self.obj.add_loss(view.regularizer(view))


class _ModuleOwner(_Owner):
    """A tf.Module (or a tf-keras layer): variables are found through the store attribute."""

    def __init__(self, obj: Any):
        super().__init__(obj)
        self.activity_losses: list[tf.Tensor] = []
        self._reported_regularizers: set[str] = set()

    def on_layer(self, key: str, layer: Any) -> None:
        # Modules have no `losses` to merge into: one summed term per cached layer (as the
        # original did), recomputed from the layer's current losses.
        if hasattr(layer, "losses"):
            self.store.add_loss_source(key, lambda: tf.math.reduce_sum(layer.losses))

    def on_activity_loss(self, loss: tf.Tensor) -> None:
        if _is_legacy_keras_layer(self.obj):
            self.obj.add_loss(loss)
        else:
            self.activity_losses.append(loss)

    def begin_call(self) -> None:
        self.activity_losses = []

    def end_call(self) -> None:
        # tf-keras layers take callable losses, recomputed whenever `losses` is read.
        if _is_legacy_keras_layer(self.obj):
            for name, loss in self.store.regularizers.items():
                if name not in self._reported_regularizers:
                    self._reported_regularizers.add(name)
                    self.obj.add_loss(loss)

    def regularization_losses(self) -> list[tf.Tensor]:
        return super().regularization_losses() + list(self.activity_losses)


def _owner_of(obj: Any, *, create: bool = False) -> _Owner | None:
    owner = obj.__dict__.get(STORE_ATTRIBUTE) if hasattr(obj, "__dict__") else None
    if owner is not None or not create:
        return owner
    with _OWNER_LOCK:  # two threads making the first call of one object get one store
        owner = obj.__dict__.get(STORE_ATTRIBUTE) if hasattr(obj, "__dict__") else None
        return owner if owner is not None else _create_owner(obj)


def _create_owner(obj: Any) -> _Owner:
    keras_layer = _private.keras3_layer_class()
    if keras_layer is not None and isinstance(obj, keras_layer):
        owner = _KerasOwner(obj)
        # object.__setattr__: Keras must not track the store (its variables are tracked as
        # Keras views instead; tracking both would save each variable twice).
        object.__setattr__(obj, STORE_ATTRIBUTE, owner)
    elif isinstance(obj, tf.Module):
        owner = _ModuleOwner(obj)
        object.__setattr__(obj, STORE_ATTRIBUTE, owner)
        # A tracked attribute so `module.variables` and checkpoints see the variables.
        setattr(obj, "_tf1_style_var_store", owner.store)
    else:
        raise ValueError(
            "@tf1compat.track_tf1_style_variables must decorate a method of a subclassed "
            "keras.layers.Layer / keras.Model (Keras 3 or tf-keras) or tf.Module that takes "
            f"`self` first; the first argument was {obj!r}, which does not extend Module, "
            "Layer, or Model."
        )
    return owner


def _is_legacy_keras_layer(obj: Any) -> bool:
    return isinstance(obj, tf.Module) and callable(getattr(obj, "add_loss", None))


# ============================================================================ the decorator


def track_tf1_style_variables(method: F) -> F:
    """Track the TF1-style variables ``method`` creates on the object it is called on.

    Decorate ``call`` of a Keras layer/model or ``__call__`` (or any method) of a
    ``tf.Module``. Variables are created once, with their TF1 names, and reused by name on
    every later call; regularizers become losses (``layer.losses``, or
    :func:`regularization_losses` for Modules).

    Example::

        class Dense(keras.layers.Layer):
            @tf1compat.track_tf1_style_variables
            def call(self, x):
                with tf.compat.v1.variable_scope("dense"):
                    w = tf.compat.v1.get_variable("kernel", [x.shape[-1], 4])
                return x @ w

        layer = Dense()
        layer(tf.ones([2, 3]))
        sorted(tf1compat.tf1_variables(layer))  # ['dense/kernel']
    """

    def wrapper(self, *args, **kwargs):
        owner = _owner_of(self, create=True)
        owner.begin_call()
        with owner.store.scope():
            outputs = method(self, *args, **kwargs)
        owner.end_call()
        return outputs

    # Like functools.wraps, and also visible to tf-keras's tf_inspect (it finds `training`).
    decorated = _private.make_decorator(target=method, decorator_func=wrapper)
    return decorated  # type: ignore[return-value]


# ============================================================================ helpers API


def get_or_create_layer(name: str, create_layer_method: Callable[[], Any]) -> Any:
    """Build a nested layer/model once per ``<current variable_scope>/<name>``; reuse it after.

    Inside a decorated method the layer is cached on the owner (and, for Keras 3 owners,
    tracked as a sublayer so its weights and losses are the owner's). In a TF1 graph it just
    calls ``create_layer_method()``; in eager outside a decorated method it raises.

    Example::

        @tf1compat.track_tf1_style_variables
        def call(self, x):
            with tf.compat.v1.variable_scope("head"):
                mlp = tf1compat.get_or_create_layer(
                    "mlp", lambda: keras.Sequential([keras.layers.Dense(4)]))
                return mlp(x)
    """
    store = hooks.active_store()
    if not isinstance(store, VariableStore):
        if not tf.compat.v1.executing_eagerly_outside_functions():
            return create_layer_method()
        raise ValueError(
            "get_or_create_layer was called in eager mode outside a method decorated with "
            "@tf1compat.track_tf1_style_variables."
        )
    scope = tf.compat.v1.get_variable_scope().name
    return store.get_or_create_layer(f"{scope}/{name}" if scope else name, create_layer_method)


def keras_views(layer: Any) -> dict[str, Any]:
    """TF1 name → the ``keras.Variable`` view of that variable, for a Keras 3 ``layer``'s own
    store (nested layers not included); empty if nothing was tracked on it yet."""
    owner = _owner_of(layer)
    return dict(owner.keras_views) if isinstance(owner, _KerasOwner) else {}


def tf1_variables(obj: Any) -> dict[str, tf.Variable]:
    """TF1 name (no ``:0``) → ``tf.Variable`` for everything tracked on ``obj``.

    Nested decorated layers/modules (attributes, sublayers, ``get_or_create_layer``) are
    included, each once. The variables are the ones TF1 code reads; for Keras 3 layers they
    share state with the Keras weights (assigning one assigns the other).

    Example::

        layer(x)
        tf1compat.tf1_variables(layer)["dense/kernel"].assign(kernel_from_tf1)
    """
    found: dict[str, tf.Variable] = {}
    for owner in _owners_within(obj):
        for name, variable in owner.store.variables_by_name.items():
            if name in found and found[name] is not variable:
                raise ValueError(
                    f"Two nested tf1compat stores under {obj!r} both define a variable named "
                    f"{name!r}; give the nested layers distinct variable scopes."
                )
            found[name] = variable
    return found


def regularization_losses(obj: Any) -> list[tf.Tensor]:
    """Current regularization losses of a decorated Layer or Module, nested ones included.

    One loss per regularized variable (at its current value), plus, for Modules, the
    activity-regularization losses of the latest call. For Keras layers this equals the
    regularization part of ``layer.losses``; Modules have no ``losses``, so use this.

    Example::

        total = tf.add_n(tf1compat.regularization_losses(module))
    """
    losses: list[tf.Tensor] = []
    for owner in _owners_within(obj):
        losses.extend(owner.regularization_losses())
    return losses


def _owners_within(obj: Any) -> list[_Owner]:
    """``obj``'s owner and every nested decorated object's owner, each once, outermost first."""
    owners: list[_Owner] = []
    seen: set[int] = set()
    stack = [obj]
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        owner = _owner_of(current)
        if owner is not None:
            owners.append(owner)
            stack.extend(owner.store.layers.values())
        stack.extend(_children(current))
    return owners


def _children(obj: Any) -> list[Any]:
    keras_layer = _private.keras3_layer_class()
    if keras_layer is not None and isinstance(obj, keras_layer):
        return _private.keras_sublayers(obj)
    if isinstance(obj, tf.Module):
        return [m for m in obj.submodules if not isinstance(m, VariableStore)]
    return []


class _RegularizerOnTF1Variable:
    """A Keras weight regularizer that runs the TF1 regularizer on the TF1 variable.

    Keras calls ``regularizer(keras_view)``; TF1 regularizers expect a ``tf.Variable`` or
    tensor, so the raw variable is passed when Keras passes the view itself (and the value
    Keras passes otherwise, e.g. a stateless-scope value).
    """

    def __init__(self, regularizer: Callable, variable: tf.Variable, view: Any):
        self.regularizer, self.variable, self.view = regularizer, variable, view

    def __call__(self, value: Any) -> tf.Tensor:
        return self.regularizer(self.variable if value is self.view else value)


def sublayer_attribute(key: str) -> str:
    """Attribute holding the layer cached under ``key``: ``head/mlp`` → ``tf1compat__head__mlp``."""
    return "tf1compat__" + keras_variable_name(key)


def keras_variable_name(tf1_name: str) -> str:
    """Keras name of a view: no ``/`` allowed, so ``net/dense/kernel`` → ``net__dense__kernel``."""
    return tf1_name.replace("/", "__")
