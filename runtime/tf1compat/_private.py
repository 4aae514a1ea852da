"""Every private TensorFlow / Keras API the runtime touches, in one place.

Each one is looked up when this module is imported, so a TensorFlow or Keras release that
renames one fails loudly at ``import tf1compat.tracking`` with the name that moved, instead of
misbehaving later inside a user's model. The test ``test_private_apis.py`` names each of them.

TensorFlow (``tensorflow.python.ops.variable_scope``):
  ``_VARSTORE_KEY``      graph collection holding the variable store ``get_variable`` uses;
  ``_VariableStore`` / ``_get_default_variable_store``
                         TF's own store, the fallback when no decorated call is active;
  ``get_variable_scope_store`` / ``_VariableScopeStore.variable_scopes_count``
                         the per-thread scope counters that ``variable_scope(None, default)``
                         uniquifies with (we snapshot and restore them per call).
  ``tensorflow.python.framework.random_seed.get_seed``
                         patched by ``determinism.DeterministicRandomTestTool`` (module
                         attribute, looked up by every random op at call time);
  ``tf.__internal__.decorator.make_decorator``
                         wraps the decorated method so that both ``inspect.signature``
                         (Keras 3) and ``tf_inspect`` (tf-keras) still see its arguments,
                         e.g. ``training``.
Keras 3:
  ``keras.src.backend.common.global_state`` attribute ``"stateless_scope"``
                         cleared while a variable is created during a symbolic call;
  ``Layer._tracker`` (``locked``, ``lock``, ``unlock``, ``track``) and
  ``Layer._track_variable``
                         used to add variables and sublayers after Keras locked the layer;
  ``Layer._flatten_layers``, ``Layer._trainable_variables`` / ``_non_trainable_variables``
                         a layer's nested layers, and its own variables in Keras's order;
  ``keras.Variable._value``
                         the ``tf.Variable`` a Keras 3 TensorFlow-backend variable wraps;
  ``_VariableStore._get_partitioned_variable``
                         forwarded to TF's own store when no decorated call is active;
  ``Trackable._track_trackable``
                         the TF dependency Keras itself adds on attribute assignment: Keras 3
                         checkpoints/SavedModels see a layer's variables only through it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import tensorflow as _tf
from tensorflow.python.framework import ops as _tf_ops
from tensorflow.python.framework import random_seed as _tf_random_seed
from tensorflow.python.ops import variable_scope as _tf_vs


class PrivateApiMissing(RuntimeError):
    """A private TF/Keras API the runtime relies on is not there (version drift).

    Deliberately not an ``ImportError``: ``pytest.importorskip`` and ``except ImportError``
    fallbacks would turn a renamed private API into skipped tests or silent misbehaviour.
    """


def _require(module: Any, name: str, where: str) -> Any:
    try:
        return getattr(module, name)
    except AttributeError:
        raise PrivateApiMissing(
            f"tf1compat needs the private API {where}.{name}, which this TensorFlow/Keras "
            "version does not have; tf1compat was tested on TensorFlow 2.16-2.21 / Keras 3.x. "
            "Please report the versions you use."
        ) from None


VARSTORE_KEY = _require(_tf_vs, "_VARSTORE_KEY", "tensorflow.python.ops.variable_scope")
TFVariableStore = _require(_tf_vs, "_VariableStore", "tensorflow.python.ops.variable_scope")
_get_variable_scope_store = _require(
    _tf_vs, "get_variable_scope_store", "tensorflow.python.ops.variable_scope"
)
_get_default_variable_store = _require(
    _tf_vs, "_get_default_variable_store", "tensorflow.python.ops.variable_scope"
)
if "variable_scopes_count" not in vars(_get_variable_scope_store()):
    raise PrivateApiMissing(
        "tf1compat needs tensorflow.python.ops.variable_scope._VariableScopeStore"
        ".variable_scopes_count, which this TensorFlow version does not have."
    )

_require(_tf_random_seed, "get_seed", "tensorflow.python.framework.random_seed")
RANDOM_SEED_MODULE = _tf_random_seed

make_decorator = _require(
    _require(_require(_tf, "__internal__", "tensorflow"), "decorator", "tf.__internal__"),
    "make_decorator",
    "tf.__internal__.decorator",
)

try:
    import keras as _keras
    from keras.src.backend.common import global_state as _keras_global_state
except ImportError:  # pragma: no cover - TensorFlow without Keras 3
    _keras = None
    _keras_global_state = None
else:
    _require(_keras_global_state, "get_global_attribute", "keras.src.backend.common.global_state")
    _require(_keras_global_state, "set_global_attribute", "keras.src.backend.common.global_state")
    _require(_keras.layers.Layer, "_track_variable", "keras.layers.Layer")
    _require(_keras.layers.Layer, "_track_trackable", "keras.layers.Layer")
    _require(_keras.layers.Layer, "_flatten_layers", "keras.layers.Layer")
    _probe = _keras.layers.Layer()
    for _attr in ("locked", "lock", "unlock", "track"):
        _require(_require(_probe, "_tracker", "keras.layers.Layer()"), _attr, "Layer()._tracker")
    for _attr in ("_trainable_variables", "_non_trainable_variables"):
        _require(_probe, _attr, "keras.layers.Layer()")
    del _probe, _attr
_require(TFVariableStore, "_get_partitioned_variable", "variable_scope._VariableStore")


def keras3_layer_class() -> type | None:
    """``keras.layers.Layer`` of Keras 3, or None when Keras 3 is not installed."""
    return None if _keras is None else _keras.layers.Layer


# ----------------------------------------------------------------------------- scope counts


@contextlib.contextmanager
def isolated_scope_counts() -> Iterator[None]:
    """Run the block with a copy of this thread's ``variable_scope`` counters, then restore.

    ``variable_scope(None, default_name="dense")`` picks ``dense``, ``dense_1``, ... from these
    counters, and TF resets them only when an enclosing *named* scope exits. At the top of a
    decorated call there is none, so without this every call (and every instance, and every
    ``tf.function`` trace) would see new names. Restoring the caller's counters on exit makes
    each call start from the same state; the current scope (the caller's prefix) is kept.
    """
    scope_store = _get_variable_scope_store()
    saved = dict(scope_store.variable_scopes_count)
    try:
        yield
    finally:
        scope_store.variable_scopes_count = saved


# ----------------------------------------------------------------------------- store routing

_routing_lock = threading.Lock()
_routing: dict[int, list] = {}  # id(graph) -> [graph, depth, saved collection]


@contextlib.contextmanager
def routed_variable_store(router: Any) -> Iterator[None]:
    """Make ``router`` the store ``tf.compat.v1.get_variable`` uses in the current graph.

    TF keeps the store in a collection of the default graph, and in eager mode that graph is
    shared by every thread, so entering and leaving per call (as ``with_variable_store`` does)
    lets one thread's exit uninstall another thread's store. Instead one shared router is
    installed while any thread is inside a decorated call, reference-counted per graph; it
    forwards to the calling thread's active store.
    """
    graph = _tf_ops.get_default_graph()
    key = id(graph)
    with _routing_lock:
        entry = _routing.get(key)
        if entry is None:
            collection = graph.get_collection_ref(VARSTORE_KEY)
            entry = _routing[key] = [graph, 0, list(collection)]
            collection[:] = [router]
        entry[1] += 1
    try:
        yield
    finally:
        with _routing_lock:
            entry[1] -= 1
            if entry[1] == 0:
                graph.get_collection_ref(VARSTORE_KEY)[:] = entry[2]
                del _routing[key]


def fallback_variable_store() -> Any:
    """The store TF itself would use in the current graph, for threads with no active store."""
    graph = _tf_ops.get_default_graph()
    with _routing_lock:
        entry = _routing.get(id(graph))
        saved = entry[2] if entry is not None else None
        if saved is not None:
            if not saved:
                saved.append(TFVariableStore())
            return saved[0]
    return _get_default_variable_store()


# ----------------------------------------------------------------------------- Keras 3


@contextlib.contextmanager
def keras_state_unlocked(layer: Any) -> Iterator[None]:
    """Let ``layer`` accept new variables/sublayers although Keras locked it after ``build``."""
    tracker = layer._tracker
    was_locked = tracker.locked
    tracker.unlock()
    try:
        yield
    finally:
        if was_locked:
            tracker.lock()


@contextlib.contextmanager
def outside_stateless_scope() -> Iterator[None]:
    """Suspend Keras's stateless scope (active while a functional model is being traced)."""
    if _keras_global_state is None:
        yield
        return
    saved = _keras_global_state.get_global_attribute("stateless_scope")
    _keras_global_state.set_global_attribute("stateless_scope", None)
    try:
        yield
    finally:
        _keras_global_state.set_global_attribute("stateless_scope", saved)


def track_keras_variable(layer: Any, variable: Any, dependency_name: str) -> None:
    """Add a ``keras.Variable`` to a Keras 3 layer's weights, even after it was built.

    Also adds the TF checkpoint dependency (``dependency_name``) that attribute assignment
    would have added, so ``tf.train.Checkpoint`` and ``tf.saved_model.save`` see it.
    """
    with keras_state_unlocked(layer):
        layer._track_variable(variable)
    layer._track_trackable(variable, name=dependency_name, overwrite=True)


def track_keras_sublayer(layer: Any, sublayer: Any, dependency_name: str) -> None:
    """Add a sublayer to a Keras 3 layer's tracked layers (weights and losses follow)."""
    with keras_state_unlocked(layer):
        layer._tracker.track(sublayer)
    layer._track_trackable(sublayer, name=dependency_name, overwrite=True)


def keras_view_wraps(view: Any, variable: Any) -> bool:
    """Whether a ``keras.Variable`` holds ``variable`` itself as its value (one shared handle).

    Checked on every view we create: only then do Keras and TF1 code see the same state.
    """
    return getattr(view, "_value", None) is variable


def keras_sublayers(layer: Any) -> list[Any]:
    """All layers nested in a Keras 3 ``layer`` (recursively), excluding itself."""
    return list(layer._flatten_layers(include_self=False))


def keras_own_variables(layer: Any) -> list[Any]:
    """A Keras 3 layer's own variables in the order Keras saves them (trainable first)."""
    return list(layer._trainable_variables) + list(layer._non_trainable_variables)


def tf_store_get_partitioned_variable(store: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Forward a partitioned ``get_variable`` to TensorFlow's own store."""
    return store._get_partitioned_variable(name, *args, **kwargs)


# ----------------------------------------------------------------------------- name scopes

_name_scope_v2 = _require(_tf_ops, "name_scope_v2", "tensorflow.python.framework.ops")
_internal_name_scope_v1 = _require(
    _tf_ops, "internal_name_scope_v1", "tensorflow.python.framework.ops"
)
_ops_name_scope = _require(_tf_ops, "name_scope", "tensorflow.python.framework.ops")
_require(_name_scope_v2, "_name", "ops.name_scope_v2")  # a slot
_observers: list = []


def observe_name_scopes(on_enter: Any, on_exit: Any) -> None:
    """Call ``on_enter(name, returned_scope)`` / ``on_exit()`` for every real name scope.

    ``__enter__`` returns what ``on_enter`` returns (the scope string, possibly annotated).

    "Real" means a scope that names variables in eager mode too: ``tf.name_scope``,
    ``tf.compat.v1.name_scope`` and the name scope of ``variable_scope`` (TF enters them
    with ``skip_on_eager=False``). Op-internal scopes (``zeros``, ``MatMul``), which exist
    only in graphs, are not reported, so eager and ``tf.function`` report the same scopes.
    TensorFlow has no hook for this, so ``ops.name_scope`` and the ``__enter__`` /
    ``__exit__`` of ``name_scope_v2`` and ``internal_name_scope_v1`` are wrapped (once).
    The callbacks must be cheap when nothing is tracked; they run on this thread.
    """
    if _observers:
        raise RuntimeError("observe_name_scopes is installed once (tf1compat.raw_variables)")
    _observers.append((on_enter, on_exit))

    v2_enter, v2_exit = _name_scope_v2.__enter__, _name_scope_v2.__exit__
    v1_enter, v1_exit = _internal_name_scope_v1.__enter__, _internal_name_scope_v1.__exit__

    def name_scope(name, default_name=None, values=None, skip_on_eager=True):
        scope = _ops_name_scope(name, default_name, values, skip_on_eager)
        if not skip_on_eager and type(scope) is _internal_name_scope_v1:
            scope._tf1compat_real = True
        return scope

    def name_scope_v2_enter(self):
        return on_enter(self._name, v2_enter(self))

    def name_scope_v2_exit(self, *exc_info):
        try:
            return v2_exit(self, *exc_info)
        finally:
            on_exit()

    def internal_v1_enter(self):
        scope = v1_enter(self)
        if getattr(self, "_tf1compat_real", False):
            return on_enter(self._name, scope)
        return scope

    def internal_v1_exit(self, *exc_info):
        try:
            return v1_exit(self, *exc_info)
        finally:
            if getattr(self, "_tf1compat_real", False):
                on_exit()

    name_scope.__doc__ = _ops_name_scope.__doc__
    name_scope.__wrapped__ = _ops_name_scope
    _tf_ops.name_scope = name_scope
    _name_scope_v2.__enter__ = name_scope_v2_enter
    _name_scope_v2.__exit__ = name_scope_v2_exit
    _internal_name_scope_v1.__enter__ = internal_v1_enter
    _internal_name_scope_v1.__exit__ = internal_v1_exit


# ----------------------------------------------------------------------------- lifting

from tensorflow.python.eager import lift_to_graph as _tf_lift

_lift_to_graph = _require(_tf_lift, "lift_to_graph", "tensorflow.python.eager.lift_to_graph")
UnliftableError = _require(_tf_lift, "UnliftableError", "tensorflow.python.eager.lift_to_graph")


def lift_to_eager(tensor: Any) -> Any:
    """The eager value of a graph tensor that depends on no placeholder (an initial value).

    Copies the ops computing ``tensor`` out of its graph (a ``tf.function`` trace or a Keras
    symbolic call) into a one-off function and runs it, as ``tf.function`` does for the
    initializers of variables created in its first trace. Raises ``UnliftableError`` when
    ``tensor`` depends on a placeholder (an input).
    """
    with _tf.init_scope():

        def lifted():
            op_map = _lift_to_graph([tensor], _tf_ops.get_default_graph())
            return op_map[tensor]

        return _tf.function(lifted, autograph=False)()


@contextlib.contextmanager
def root_name_scope() -> Iterator[None]:
    """The root name scope, so a variable's TF name is exactly the name we give it."""
    with _name_scope_v2(""):
        yield
