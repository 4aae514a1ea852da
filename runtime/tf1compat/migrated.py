"""Base classes of the wrapper layers/modules the codemod generates.

``MigratedLayer`` is what makes a generated Keras 3 layer a first-class Keras citizen:

* every subclass is registered as Keras-serializable (package ``"tf1migrate"``), so a model
  holding one saves to ``.keras`` and loads back with plain ``keras.models.load_model``;
* the dtypes and shapes of the first call's tensor arguments are recorded in
  ``get_build_config`` and, on load, ``build_from_config`` re-creates the variables by
  tracing ``call`` (``tf.function``) on symbolic inputs of those dtypes (Keras would otherwise rebuild with a float32 input:
  integer token ids would fail before reaching ``get_variable``, leaving random weights
  behind a warning);
* ``build(input_shape)`` creates the variables the same way, so ``layer.build(shape)`` or a
  ``keras.Input`` give weights before the first real call;
* weights files (``.keras``, ``save_weights``) key the TF1 variables by name, not by
  position, because lazily created variables need not be created in the same order twice.

``MigratedModule`` is the ``tf.Module`` counterpart (``--target module``).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import keras
import tensorflow as tf

from tf1compat import _private
from tf1compat.tracking import (
    keras_variable_name,
    keras_views,
    regularization_losses,
    tf1_variables,
)

SERIALIZATION_PACKAGE = "tf1migrate"
_WEIGHT_KEY_PREFIX = "tf1__"


def _weight_key(tf1_name: str) -> str:
    """Key of a TF1 variable in a Keras weights file (no ``/``: it would nest H5 groups)."""
    return _WEIGHT_KEY_PREFIX + keras_variable_name(tf1_name)


class MigratedLayer(keras.layers.Layer):
    """Keras 3 base of generated layers: serializable, and rebuildable from its input spec.

    Example::

        class ModelLayer(tf1compat.MigratedLayer):
            tf1migrate_wraps = "model"

            def __init__(self, hparams, scope="model", **kwargs):
                super().__init__(**kwargs)
                self.hparams, self.scope = hparams, scope

            def get_config(self):
                return {**super().get_config(), "hparams": self.hparams, "scope": self.scope}

            @tf1compat.track_tf1_style_variables
            def call(self, X, training=None):
                return model(self.hparams, X, scope=self.scope)
    """

    #: Name of the TF1 function a generated subclass wraps (read by verify and the codemod).
    tf1migrate_wraps: str | None = None
    #: dtype of the first input for ``build(input_shape)`` before any call (Keras passes only
    #: a shape); the codemod sets it from the placeholder, e.g. ``"int32"`` for token ids.
    tf1migrate_input_dtype: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        keras.saving.register_keras_serializable(package=SERIALIZATION_PACKAGE)(cls)

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._set_private("_tf1compat_input_spec", None)
        self._set_private("_tf1compat_building_in_call", False)

    def _set_private(self, name: str, value: Any) -> None:
        """Plain attribute: bookkeeping that Keras must not track (nor wrap into TrackedDict)."""
        object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ building
    def __call__(self, *args: Any, **kwargs: Any):
        if self._tf1compat_input_spec is None:
            self._set_private("_tf1compat_input_spec", _call_spec(args, kwargs))
        self._set_private("_tf1compat_building_in_call", True)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self._set_private("_tf1compat_building_in_call", False)

    def build(self, input_shape: Any = None) -> None:
        """Create the variables by calling ``call`` symbolically on an input of this shape.

        When Keras builds the layer on its way into ``__call__``, the call itself creates
        the variables, so nothing is traced here.
        """
        if (
            input_shape is not None
            and not self._tf1compat_building_in_call
            and not self._variables_created()
        ):
            spec = self._tf1compat_input_spec or {
                "args": [
                    {
                        "shape": _as_list(input_shape),
                        "dtype": self.tf1migrate_input_dtype or self.input_dtype,
                    }
                ],
                "kwargs": {},
            }
            self._set_private("_tf1compat_input_spec", spec)
            self._build_symbolically(spec)
        self.built = True

    def get_build_config(self) -> dict[str, Any] | None:
        if self._tf1compat_input_spec is not None:
            return {"tf1compat_inputs": self._tf1compat_input_spec}
        return super().get_build_config()

    def build_from_config(self, config: dict[str, Any]) -> None:
        spec = (config or {}).get("tf1compat_inputs")
        if spec is None:
            super().build_from_config(config)
            return
        self._set_private("_tf1compat_input_spec", spec)
        self._build_symbolically(spec)
        self.built = True

    def _build_symbolically(self, spec: dict[str, Any]) -> None:
        """Trace ``call`` on symbolic inputs; ``get_variable`` lifts creation to eager.

        ``spec`` holds the recorded tensor arguments of the first call (``"args"``, then
        ``"kwargs"``). TF1 code may create some variables only when training
        (``if is_training:``), so a ``call`` that takes ``training`` is traced in both
        modes: every variable exists before weights are loaded or an optimizer is built.
        """
        args = [_tensor_spec(item) for item in spec["args"]]
        kwargs = {name: _tensor_spec(item) for name, item in spec["kwargs"].items()}
        tf.function(self.call, autograph=False).get_concrete_function(*args, **kwargs)
        if "training" in inspect.signature(self.call).parameters:
            training_call = functools.partial(self.call, training=True)
            tf.function(training_call, autograph=False).get_concrete_function(*args, **kwargs)

    def _variables_created(self) -> bool:
        return bool(tf1_variables(self))

    # ------------------------------------------------------------------ weights files
    def save_own_variables(self, store: Any) -> None:
        """Save the TF1 variables under their names (Keras saves by position).

        Lazily created variables can be created in another order in the process that
        loads the file (for example training-only ones), so position is not reliable.
        """
        views = keras_views(self)
        for name, view in views.items():
            store[_weight_key(name)] = view
        for index, variable in enumerate(self._other_variables(views)):
            store[str(index)] = variable

    def load_own_variables(self, store: Any) -> None:
        keys = set(store.keys())
        if keys and not any(key.startswith(_WEIGHT_KEY_PREFIX) for key in keys):
            super().load_own_variables(store)  # a file written before name-keyed saving
            return
        views = keras_views(self)
        saved = {key for key in keys if key.startswith(_WEIGHT_KEY_PREFIX)}
        spec = self._tf1compat_input_spec
        if spec is not None and saved - {_weight_key(name) for name in views}:
            # The file has variables this process has not created yet (e.g. training-only
            # ones, when the layer was built by a symbolic inference call): create them.
            self._build_symbolically(spec)
            views = keras_views(self)
        by_name = {_weight_key(name): view for name, view in views.items()}
        others = self._other_variables(views)
        missing = sorted(key for key in by_name if key not in keys)
        unexpected = sorted(saved - set(by_name))
        if missing or unexpected or len(keys - saved) != len(others):
            raise ValueError(
                f"Layer {self.name!r}: the weights file does not match its TF1 variables "
                f"(missing {missing}, unexpected {unexpected}, "
                f"{len(keys - saved)} other weights saved for {len(others)})."
            )
        for key, view in by_name.items():
            view.assign(store[key])
        for index, variable in enumerate(others):
            variable.assign(store[str(index)])

    def _other_variables(self, views: dict[str, Any]) -> list[Any]:
        """Weights of this layer that are not TF1 variables (e.g. ``add_weight`` ones)."""
        tf1_ids = {id(view) for view in views.values()}
        own = _private.keras_own_variables(self)
        return [variable for variable in own if id(variable) not in tf1_ids]

    # ------------------------------------------------------------------ helpers
    def tf1_variables(self) -> dict[str, tf.Variable]:
        """TF1 name → variable of this layer (see :func:`tf1compat.tf1_variables`)."""
        return tf1_variables(self)


class MigratedModule(tf.Module):
    """``tf.Module`` base of generated modules (decorate ``__call__``).

    Example::

        class ModelModule(tf1compat.MigratedModule):
            tf1migrate_wraps = "model"

            def __init__(self, hparams, scope="model", name=None):
                super().__init__(name=name)
                self.hparams, self.scope = hparams, scope

            @tf1compat.track_tf1_style_variables
            def __call__(self, X):
                return model(self.hparams, X, scope=self.scope)
    """

    tf1migrate_wraps: str | None = None

    def tf1_variables(self) -> dict[str, tf.Variable]:
        """TF1 name → variable of this module (see :func:`tf1compat.tf1_variables`)."""
        return tf1_variables(self)

    def regularization_losses(self) -> list[tf.Tensor]:
        """Current regularization losses (Modules have no ``losses``)."""
        return regularization_losses(self)


def _call_spec(args: tuple, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """Shapes and dtypes of a call's tensor arguments (leading positional ones, keywords).

    ``training`` and ``mask`` are Keras's to pass; non-tensor arguments cannot be recorded,
    so a rebuild leaves them at their defaults.
    """
    positional = []
    for value in args:
        spec = _spec_of(value)
        if spec is None:
            break
        positional.append(spec)
    keywords = {}
    for name, value in kwargs.items():
        spec = None if name in ("training", "mask") else _spec_of(value)
        if spec is not None:
            keywords[name] = spec
    return {"args": positional, "kwargs": keywords} if positional or keywords else None


def _tensor_spec(item: dict[str, Any]) -> tf.TensorSpec:
    return tf.TensorSpec(item["shape"], tf.as_dtype(item["dtype"]))


def _spec_of(value: Any) -> dict[str, Any] | None:
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is None or dtype is None:
        return None
    return {"shape": _as_list(shape), "dtype": keras.backend.standardize_dtype(dtype)}


def _as_list(shape: Any) -> list[int | None]:
    if isinstance(shape, tf.TensorShape):
        return shape.as_list()
    return [None if d is None else int(d) for d in shape]
